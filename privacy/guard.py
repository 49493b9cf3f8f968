"""Output guard: the last check on a final answer before it is shown or logged."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.core.tokens import TOKEN_PATTERN
from privacy.ports import PiiDetector

MASK = "[{type} masqué]"


def mask_raw_pii(
    text: str, language: str, detector: PiiDetector, allowed_values: Iterable[str] = ()
) -> tuple[str, int]:
    """Mask every raw personal-data value ``detector`` finds in ``text`` that is not in ``allowed_values``
    (compared case-insensitively, e.g. values the asker is authorised to see after re-identification).
    Pseudonym tokens are not PII and are left alone. Returns the masked text and how many values were masked.
    Masks read ``[EMAIL masqué]``; nothing of the value is kept."""
    allowed = {v.strip().casefold() for v in allowed_values}
    spans = [
        s
        for s in detector.detect(text, language)
        if s.text.strip().casefold() not in allowed and not TOKEN_PATTERN.fullmatch(s.text.strip())
    ]
    out = text
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        out = out[: span.start] + MASK.format(type=span.entity_type) + out[span.end :]
    return out, len(spans)
