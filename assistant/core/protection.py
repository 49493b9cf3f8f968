"""Ports ingestion needs from other packages (the document registry port lives beside its adapter)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


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


@runtime_checkable
class NameMemory(Protocol):
    """A protector that remembers the names (and identifiers) it detected, to replace them wherever they occur
    verbatim later (the name model misses some occurrences; a chunk's overlap may cut a value from its label).
    With several ingestion workers each has its own memory: the process that commits the documents learns every
    worker's names and applies them again, so that a name found by one worker is not left in the text another
    worker prepared.

    Contract: ``learnt_since(n)`` gives the names learnt after the first ``n`` (name -> token; ``name_count()``
    before some work marks a point); ``remember`` adds names learnt elsewhere; ``reapply`` replaces every remembered
    name in ``texts`` (never storing a value whose subject was forgotten: that becomes the redaction token) and
    returns the tokens each text now carries.
    """

    def name_count(self) -> int: ...

    def learnt_since(self, count: int) -> dict[str, str]: ...

    def remember(self, names: Mapping[str, str]) -> None: ...

    def reapply(self, texts: Sequence[str]) -> list[ProtectedText]: ...


@runtime_checkable
class PiiScanner(Protocol):
    """A protector that says which personal data a text holds without storing anything (a check, not an ingestion).

    Contract: one list per input text, in order, of the entity types ``protect`` would replace in it (``PERSON``,
    ``EMAIL_ADDRESS``...); nothing is written to the vault; tokens already in the text are not personal data.
    """

    def scan(self, texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]: ...
