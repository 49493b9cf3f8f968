"""The :class:`privacy.ports.Pseudonymizer` adapter: keyed-MAC tokens, replaced right to left.

Token (:mod:`assistant.core.tokens`): ``<TYPE_hex>`` with the first ``TOKEN_HEX_CHARS`` hex characters of
HMAC-SHA256(key, TYPE + "\\x1f" + normalize(TYPE, value)) (:mod:`privacy.normalize`). 16 hex characters are
64 bits: for a million distinct values of one type the chance of any collision is about 3e-8 (birthday bound
n^2 / 2^65), so collisions are negligible; 10 would be 40 bits and a ~40 % chance. The key is
``PrivacySettings.pseudonym_key`` or a key generated once in ``secrets_dir/pseudonym.key``
(:mod:`privacy.keys`); it never goes with the index.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

from assistant.core.tokens import TOKEN_HEX_CHARS, TOKEN_PATTERN
from privacy.keys import Secret, resolve_key
from privacy.normalize import normalize
from privacy.ports import PiiDetector, PiiSpan, PseudonymizedEntity, PseudonymizedText, Vault
from privacy.settings import PrivacySettings

PSEUDONYM_KEY_FILE = "pseudonym.key"


def pseudonym_key(settings: PrivacySettings) -> Secret:
    """The HMAC key: the setting if given, else the generated ``secrets_dir/pseudonym.key``."""
    return resolve_key(settings.pseudonym_key, settings.secrets_dir, PSEUDONYM_KEY_FILE, "pseudonym_key")


def make_token(key: Secret, entity_type: str, value: str) -> str:
    message = f"{entity_type}\x1f{normalize(entity_type, value)}".encode()
    digest = hmac.new(key.reveal(), message, hashlib.sha256).hexdigest()
    return f"<{entity_type}_{digest[:TOKEN_HEX_CHARS]}>"


def replace_spans(text: str, spans: Sequence[PiiSpan], key: Secret) -> PseudonymizedText:
    """Replace each (non-overlapping) span by its token, right to left so offsets stay valid."""
    out = text
    entities: list[PseudonymizedEntity] = []
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        token = make_token(key, span.entity_type, span.text)
        out = out[: span.start] + token + out[span.end :]
        entities.append(PseudonymizedEntity(token, span.entity_type, span.start, span.end, span.text))
    return PseudonymizedText(out, entities[::-1])


class HmacPseudonymizer:
    """Pseudonymizes with a :class:`privacy.ports.PiiDetector` and an HMAC key (see the module doc)."""

    def __init__(self, detector: PiiDetector, key: Secret) -> None:
        self.detector = detector
        self._key = key

    @classmethod
    def from_settings(cls, settings: PrivacySettings, detector: PiiDetector) -> HmacPseudonymizer:
        return cls(detector, pseudonym_key(settings))

    def __repr__(self) -> str:
        return f"HmacPseudonymizer(detector={type(self.detector).__name__}, key={self._key!r})"

    def token_for(self, entity_type: str, value: str) -> str:
        return make_token(self._key, entity_type, value)

    def pseudonymize(self, text: str, language: str) -> PseudonymizedText:
        return replace_spans(text, self.detector.detect(text, language), self._key)

    def pseudonymize_batch(self, texts: Sequence[str], language: str) -> list[PseudonymizedText]:
        found = self.detector.detect_batch(texts, language)
        return [replace_spans(text, spans, self._key) for text, spans in zip(texts, found, strict=True)]

    def reidentify(self, text: str, vault: Vault) -> str:
        """Tokens the vault knows -> their values; unknown or forgotten tokens stay as they are."""

        def value_of(match: re.Match[str]) -> str:
            value = vault.get(match.group(0))
            return match.group(0) if value is None else value

        return TOKEN_PATTERN.sub(value_of, text)
