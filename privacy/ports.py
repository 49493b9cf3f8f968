"""Ports of the privacy layer: what detects personal data, what replaces it by pseudonyms, what keeps the
originals. Adapters: :class:`privacy.presidio_detector.PresidioDetector`,
:class:`privacy.pseudonymizer.HmacPseudonymizer`, :class:`privacy.vault.SqliteVault` and
:class:`privacy.postgres_vault.PostgresVault` (shared by replicas).

Values (``PiiSpan.text``, ``PseudonymizedEntity.value``) are personal data: they are left out of ``repr``
so that a logged object never carries them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class PiiSpan:
    """One detected entity: ``text == source[start:end]``; ``entity_type`` is one of
    :data:`privacy.entities.PSEUDONYMIZED_ENTITIES`; ``score`` in [0, 1]."""

    entity_type: str
    start: int
    end: int
    score: float
    text: str = field(repr=False)


@dataclass(frozen=True)
class PseudonymizedEntity:
    """One replacement: ``token`` (``<TYPE_xxxxxxxxxx>``) stands where ``value`` was, at ``start:end`` of the
    original text."""

    token: str
    entity_type: str
    start: int
    end: int
    value: str = field(repr=False)


@dataclass(frozen=True)
class PseudonymizedText:
    """The text with every detected entity replaced by its token, and the replacements in text order."""

    text: str
    entities: list[PseudonymizedEntity]


@runtime_checkable
class PiiDetector(Protocol):
    """Finds personal data in text.

    Contract: returns non-overlapping spans sorted by ``start``, each of a type in
    ``PSEUDONYMIZED_ENTITIES`` and at or above the configured score threshold; names on the allow-list
    (brands, products) are never returned. The same text and language always give the same spans. Empty text
    gives ``[]``. Raises :class:`privacy.errors.LanguageNotSupportedError` for a language it was not built for,
    :class:`privacy.errors.ModelMissingError` if a configured model is not installed (nothing is downloaded).
    ``detect_batch`` returns one list per input text, in order, equal to calling ``detect`` on each.
    """

    supported_languages: tuple[str, ...]

    def detect(self, text: str, language: str) -> list[PiiSpan]: ...

    def detect_batch(self, texts: Sequence[str], language: str) -> list[list[PiiSpan]]: ...


@runtime_checkable
class Vault(Protocol):
    """Keeps the original value behind each token, encrypted, for authorised re-identification and for the
    data-subject rights (access, erasure).

    Contract: ``put`` is idempotent (same token, same value: no change) and refuses (returns False) a value
    whose subject was forgotten; ``get`` returns None for an unknown or forgotten token; ``find`` looks a value
    up through a keyed blind index (never by decrypting everything) and returns the tokens, possibly none (with
    ``include_forgotten``, the tokens of forgotten subjects too: an erasure that failed half-way can be run again);
    ``forget`` crypto-shreds the subject's data key and keeps a tombstone (``is_forgotten`` is then True for the
    token and for the value); ``rotate`` re-wraps every data key under a new key-encryption key. Raises
    :class:`privacy.errors.VaultError` when the storage cannot be read or an entry decrypted.
    """

    def put(self, token: str, entity_type: str, value: str) -> bool: ...

    def get(self, token: str) -> str | None: ...

    def find(self, value: str, entity_type: str | None = None, *, include_forgotten: bool = False) -> list[str]: ...

    def forget(self, token: str) -> bool: ...

    def is_forgotten(self, value_or_token: str, entity_type: str | None = None) -> bool: ...

    def export(self, token: str) -> dict[str, Any]: ...

    def stats(self) -> dict[str, int]: ...


@runtime_checkable
class Pseudonymizer(Protocol):
    """Replaces personal data by stable tokens.

    Contract: a token is ``<TYPE_hex>`` where hex is a keyed MAC (never a plain hash) of the type and the
    normalized value, so the same person/value gets the same token in every document, question and answer,
    and different keys give unrelated tokens. ``pseudonymize`` never leaves a detected value in the text and
    never changes anything else. ``reidentify`` replaces the tokens the vault knows by their values and leaves
    unknown or forgotten tokens as they are. Raises what the detector raises.
    """

    def token_for(self, entity_type: str, value: str) -> str: ...

    def pseudonymize(self, text: str, language: str) -> PseudonymizedText: ...

    def pseudonymize_batch(self, texts: Sequence[str], language: str) -> list[PseudonymizedText]: ...

    def reidentify(self, text: str, vault: Vault) -> str: ...


#: Called after each successful :meth:`Vault.get` with the token and its type (never the value), for auditing.
AccessHook = Callable[[str, str], None]
