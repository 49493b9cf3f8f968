"""Ports ingestion needs from other packages (the document registry port lives beside its adapter)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ProtectedText:
    text: str
    tokens: tuple[str, ...] = ()  # the pseudonym tokens the text now carries (tracked for erasure)


class TextProtector(Protocol):
    """The privacy boundary as ingestion sees it: personal data out, consistent tokens in.

    Contract: returns one text per input, in order, with every detected personal value replaced by its pseudonym
    token (originals go to the encrypted vault, never to the caller's storage); ``languages[i]`` is the language of
    ``texts[i]``. ``fingerprint`` changes whenever the same input would give a different output (another key, the
    protection turned on), so ingestion knows to re-index.
    """

    @property
    def fingerprint(self) -> str: ...

    def protect(self, texts: Sequence[str], languages: Sequence[str]) -> list[ProtectedText]: ...


class NoProtection:
    """Indexes text as parsed. Only for benchmarks (``ASSISTANT_PRIVACY_ENABLED=false``, e.g. to measure the
    pseudonymization overhead) and corpora without personal data; the default is the privacy boundary."""

    fingerprint = "plain"

    def protect(self, texts: Sequence[str], languages: Sequence[str]) -> list[ProtectedText]:
        return [ProtectedText(t) for t in texts]
