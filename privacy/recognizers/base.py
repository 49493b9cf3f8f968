"""The shape every recognizer of this package shares: a Presidio ``PatternRecognizer`` made of constants."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern, PatternRecognizer

#: Case-sensitive by default: patterns that accept lower case say so with ``(?i:...)``.
CASE_SENSITIVE = re.DOTALL | re.MULTILINE  # the same values in the `regex` module Presidio compiles with
IGNORE_CASE = CASE_SENSITIVE | re.IGNORECASE
Context = dict[str, tuple[str, ...]]


class ConstantPatternRecognizer(PatternRecognizer):
    """A pattern recognizer whose subclasses declare ``ENTITY``, ``PATTERNS`` and ``CONTEXT`` (per language).

    ``validate_result`` (checksums) returns True to raise a match to score 1.0, False to drop it, None to keep
    the pattern's score (context words then add 0.35).
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[tuple[str, str, float], ...]]  # (name, regex, score)
    CONTEXT: ClassVar[Context] = {}
    FLAGS: ClassVar[int] = CASE_SENSITIVE

    def __init__(self, supported_language: str = "fr") -> None:
        context = self.CONTEXT.get(supported_language) or self.CONTEXT.get("en") or ()
        super().__init__(
            supported_entity=self.ENTITY,
            name=f"{type(self).__name__}_{supported_language}",
            supported_language=supported_language,
            patterns=[Pattern(name, rx, score) for name, rx, score in self.PATTERNS],
            context=list(context),
            global_regex_flags=self.FLAGS,
        )
