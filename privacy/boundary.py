"""The privacy boundary: the one place text crosses from personal to pseudonymous, and back for authorised roles.

- ``protect`` (ingestion) and ``protect_query`` (questions) replace personal data by keyed tokens and keep the
  originals in the encrypted vault. A value whose subject was forgotten is not stored again: it becomes
  ``<TYPE_REDACTED>``, so re-ingesting the same files never brings the person back.
- ``reveal`` re-identifies an answer for a role allowed to see personal data, and masks any raw personal value
  that is not an authorised re-identification (the output guard).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection, Mapping, Sequence

from assistant.core.protection import ProtectedText
from assistant.core.tokens import REDACTED, TOKEN_PATTERN
from privacy.entities import ADDRESS, EMAIL, PERSON
from privacy.first_names import follows_saint, name_offset
from privacy.guard import mask_raw_pii
from privacy.keys import Secret
from privacy.person_spans import NAME_PARTICLES
from privacy.ports import PiiDetector, PseudonymizedEntity, PseudonymizedText, Pseudonymizer, Vault
from privacy.table_context import cell_prefixes, split_cells

#: Digits an identifier needs before its every verbatim occurrence is replaced (not a short number, a year).
MEMORABLE_DIGITS = 5


def _memorable(entity: PseudonymizedEntity) -> bool:
    """A value worth replacing wherever it occurs again: a name of two words or more besides its particles, a value
    with at least :data:`MEMORABLE_DIGITS` digits (an identifier, a phone, a card). Not a one-word name (``Rose``,
    ``Paris``, ``de France`` taken for a name once would mask every "Banque de France"), not an address or an
    e-mail (found by their shape anyway)."""
    if entity.entity_type == PERSON:
        return sum(w.casefold() not in NAME_PARTICLES for w in entity.value.split()) >= 2
    if entity.entity_type in (ADDRESS, EMAIL):
        return False
    return sum(c.isdigit() for c in entity.value) >= MEMORABLE_DIGITS


class PrivacyBoundary:
    def __init__(
        self,
        pseudonymizer: Pseudonymizer,
        detector: PiiDetector,
        vault: Vault,
        key: Secret,
        *,
        reidentify_roles: Collection[str],
        fallback_language: str = "en",
        ner_fallback: str = "fr",
    ) -> None:
        self._pseudonymizer = pseudonymizer
        self._detector = detector
        self.vault = vault
        self._reidentify_roles = frozenset(reidentify_roles)
        self._fallback = fallback_language
        self._ner_fallback = ner_fallback
        # identifies the key without revealing it: changes when the key changes, so ingestion re-indexes
        self._fingerprint = "pseudonymized:" + hmac.new(key.reveal(), b"fingerprint", hashlib.sha256).hexdigest()[:12]
        # names already detected somewhere: every later verbatim occurrence gets the same token (kept in memory only)
        self._known_names: dict[str, str] = {}

    @property
    def detector(self) -> PiiDetector:
        return self._detector

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def _language(self, language: str) -> str:
        return language if language in self._detector.supported_languages else self._fallback

    def _by_language(self, languages: Sequence[str]) -> dict[str, list[int]]:
        by_language: dict[str, list[int]] = {}
        for i, language in enumerate(languages):
            by_language.setdefault(self._language(language), []).append(i)
        return by_language

    def _apply_known(self, text: str) -> PseudonymizedText:
        """Replace names and identifiers detected earlier (anywhere) wherever they occur verbatim: NER misses some
        occurrences of a name, and an identifier found after its label (``Member ID …``) loses that label where
        a chunk's overlap starts right before the value."""
        entities = []
        for name, token in self._known_names.items():
            if name in text:
                text, n = re.subn(rf"(?<!\w){re.escape(name)}(?!\w)", token, text)
                if n:
                    typed = TOKEN_PATTERN.fullmatch(token)
                    entities.append(PseudonymizedEntity(token, typed[1] if typed else PERSON, 0, 0, name))
        return PseudonymizedText(text, entities)

    # -- name memory (assistant.core.protection.NameMemory): shared between ingestion workers ------------------
    def name_count(self) -> int:
        return len(self._known_names)

    def learnt_since(self, count: int) -> dict[str, str]:
        return dict(list(self._known_names.items())[count:])  # dicts keep insertion order

    def remember(self, names: Mapping[str, str]) -> None:
        for name, token in names.items():
            self._known_names.setdefault(name, token)

    def reapply(self, texts: Sequence[str]) -> list[ProtectedText]:
        return [self._store([self._apply_known(text)]) for text in texts]

    def _store(self, passes: Sequence[PseudonymizedText]) -> ProtectedText:
        entities = [e for p in passes for e in p.entities]
        for entity in entities:
            if _memorable(entity):
                self._known_names.setdefault(entity.value, entity.token)
        final = self._apply_known(passes[-1].text)  # every name detected so far, this batch included
        text, tokens = final.text, []
        for entity in [*entities, *final.entities]:
            if self.vault.put(entity.token, entity.entity_type, entity.value):
                tokens.append(entity.token)
            else:  # the subject was forgotten: keep no link to them
                text = text.replace(entity.token, REDACTED.format(entity.entity_type))
        return ProtectedText(text, tuple(dict.fromkeys(tokens)))

    def _foreign_names(self, texts: Sequence[str]) -> list[PseudonymizedText]:
        out = []
        for text, spans in zip(texts, self._detector.detect_batch(texts, self._ner_fallback), strict=True):
            safe, entities = text, []
            for span in sorted((s for s in spans if s.entity_type == "PERSON"), key=lambda s: s.start, reverse=True):
                offset = name_offset(span.text)
                if offset is None or follows_saint(text, span.start + offset):
                    continue  # no first name, or a place named after a saint ("Santa Maria In Strada")
                start, value = span.start + offset, span.text[offset:]
                token = self._pseudonymizer.token_for("PERSON", value)
                safe = safe[:start] + token + safe[span.end :]
                entities.append(PseudonymizedEntity(token, "PERSON", start, span.end, value))
            out.append(PseudonymizedText(safe, entities[::-1]))
        return out

    def _pseudonymize(self, texts: Sequence[str], language: str) -> list[PseudonymizedText]:
        """Batch pseudonymization, table cells detected one by one, each after its column header."""
        pieces = [split_cells(t) for t in texts]
        prefixes = cell_prefixes(pieces)
        flat = [
            pre + cell
            for parts, pres in zip(pieces, prefixes, strict=True)
            for cell, pre in zip(parts[::2], pres, strict=True)
        ]
        done = iter(self._pseudonymizer.pseudonymize_batch(flat, language))
        out = []
        for parts, pres in zip(pieces, prefixes, strict=True):
            results = [
                self._without(next(done), pre, cell, language) for cell, pre in zip(parts[::2], pres, strict=True)
            ]
            joined = "".join(
                r.text + (parts[2 * k + 1] if 2 * k + 1 < len(parts) else "") for k, r in enumerate(results)
            )
            out.append(PseudonymizedText(joined, [e for r in results for e in r.entities]))
        return out

    def _without(self, result: PseudonymizedText, prefix: str, cell: str, language: str) -> PseudonymizedText:
        """The cell's result without its header prefix (the cell alone again if something was found in the header)."""
        if not prefix:
            return result
        if not result.text.startswith(prefix) or any(e.start < len(prefix) for e in result.entities):
            return self._pseudonymizer.pseudonymize(cell, language)
        shift = len(prefix)
        entities = [
            PseudonymizedEntity(e.token, e.entity_type, e.start - shift, e.end - shift, e.value)
            for e in result.entities
        ]
        return PseudonymizedText(result.text[shift:], entities)

    def protect(self, texts: Sequence[str], languages: Sequence[str]) -> list[ProtectedText]:
        if len(texts) != len(languages):
            raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
        out: list[ProtectedText | None] = [None] * len(texts)
        ner = getattr(self._detector, "ner_languages", self._detector.supported_languages)
        for language, positions in self._by_language(languages).items():
            # names detected earlier are applied after detection (in _store): a name inside a longer entity of
            # this text ("rue Marc Laporte, 29831 Guyot-les-Bains") is then already part of that entity's token
            passes = [self._pseudonymize([texts[i] for i in positions], language)]
            if language not in ner and self._ner_fallback in ner:
                # no name model for this language: let another language's model propose names, and keep only
                # those that start with a known first name (a foreign model also tags ordinary capitalised nouns)
                passes.append(self._foreign_names([r.text for r in passes[-1]]))
            for n, i in enumerate(positions):
                out[i] = self._store([p[n] for p in passes])
        return [p for p in out if p is not None]

    def scan(self, texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
        """The entity types ``protect`` would replace in each text (same passes: table cells after their header,
        names from another language's model), storing nothing: for re-checking stored text. Tokens already
        written are not personal data."""
        out: list[list[str]] = [[] for _ in texts]
        ner = getattr(self._detector, "ner_languages", self._detector.supported_languages)
        for language, positions in self._by_language(languages).items():
            passes = [self._pseudonymize([texts[i] for i in positions], language)]
            if language not in ner and self._ner_fallback in ner:
                passes.append(self._foreign_names([r.text for r in passes[-1]]))
            for n, i in enumerate(positions):
                out[i] = [e.entity_type for p in passes for e in p[n].entities]
        return out

    def protect_query(self, text: str, language: str) -> str:
        return self.protect([text], [language])[0].text

    def close(self) -> None:
        close = getattr(self.vault, "close", None)
        if callable(close):
            close()

    def may_reidentify(self, role: str) -> bool:
        return role in self._reidentify_roles

    def reveal(self, text: str, role: str, language: str) -> str:
        """The answer as ``role`` may see it: re-identified if allowed, and never with unvetted raw personal data."""
        allowed: list[str] = []
        if self.may_reidentify(role):
            revealed = self._pseudonymizer.reidentify(text, self.vault)
            allowed = _inserted_values(text, revealed)
            text = revealed
        masked, _ = mask_raw_pii(text, self._language(language), self._detector, allowed)
        return masked


def _inserted_values(before: str, after: str) -> list[str]:
    """The values re-identification put in place of tokens (the output guard lets exactly these through)."""
    parts = TOKEN_PATTERN.split(before)
    literals = [parts[i] for i in range(0, len(parts), 3)]
    pattern = "^" + "(.*?)".join(re.escape(lit) for lit in literals) + "$"
    match = re.match(pattern, after, flags=re.DOTALL)
    return [g for g in match.groups() if g] if match else []
