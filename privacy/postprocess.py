"""Post-processing of raw detector results: keep the pseudonymized types, fix the French model's known false
positives, apply the allow-list, resolve overlaps. Pure functions on ``(type, start, end, score)``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.core.tokens import TOKEN_PATTERN
from privacy.allow_list import AllowList
from privacy.entities import (
    ADDRESS,
    COMPANY_ID,
    CREDIT_CARD,
    EMAIL,
    EMPLOYEE_ID,
    IBAN,
    IDENTIFIER,
    LICENCE_PLATE,
    LOYALTY_CARD,
    NATIONAL_ID,
    NIR,
    PERSON,
    PHONE,
    PSEUDONYMIZED_ENTITIES,
    SIREN,
    SIRET,
)
from privacy.person_spans import (
    clean_person,
    extend_person,
    has_title,
    implausible_name,
    is_single_word,
    named_elsewhere,
    names_from_emails,
    other_mentions,
)
from privacy.ports import PiiSpan

#: When two spans cover exactly the same text, the first type in this order wins (a 14-digit run with a valid
#: Luhn key is a SIRET before it is a card, a 15-character NIR before a card).
PRIORITY: tuple[str, ...] = (
    NIR, IBAN, SIRET, SIREN, NATIONAL_ID, COMPANY_ID, EMAIL, CREDIT_CARD, LOYALTY_CARD, EMPLOYEE_ID, PHONE,
    LICENCE_PLATE, ADDRESS, PERSON, IDENTIFIER,
)  # fmt: skip


#: Score of a name found again in the text (another mention, or next to its own e-mail address).
MENTION_SCORE = 0.8


@dataclass(frozen=True)
class Candidate:
    entity_type: str
    start: int
    end: int
    score: float
    from_ner: bool = False

    @property
    def length(self) -> int:
        return self.end - self.start


def _outside_allowed(c: Candidate, allowed: list[tuple[int, int]], text: str) -> Candidate | None:
    """A PERSON span minus the allow-listed parts it overlaps: the longest remaining piece, if it is a name of
    two words or more."""
    pieces = [(c.start, c.end)]
    for a_start, a_end in allowed:
        next_pieces = []
        for p_start, p_end in pieces:
            if a_end <= p_start or a_start >= p_end:
                next_pieces.append((p_start, p_end))
                continue
            next_pieces += [(p_start, a_start), (a_end, p_end)]
        pieces = [(s, e) for s, e in next_pieces if e > s]
    if pieces == [(c.start, c.end)]:
        return c
    for p_start, p_end in sorted(pieces, key=lambda p: p[1] - p[0], reverse=True):
        best = clean_person(text, p_start, p_end)
        if best and len(text[best[0] : best[1]].split()) >= 2:  # a lone word next to a brand is the brand's
            return Candidate(c.entity_type, best[0], best[1], c.score, c.from_ner)
    return None


def _contains(a: Candidate, b: Candidate) -> bool:
    return a.start <= b.start and b.end <= a.end and a.length > b.length


def _touch(identifier: Candidate, other: Candidate) -> bool:
    return other.entity_type != IDENTIFIER and other.start < identifier.end and identifier.start < other.end


def resolve_overlaps(candidates: Iterable[Candidate]) -> list[Candidate]:
    """No two spans overlap. An IDENTIFIER (found by its context word alone) that touches a span of a precise
    type is dropped; a span inside a longer one is dropped (a phone inside an IBAN, a name inside an address or
    an e-mail); between partial overlaps or identical ranges the higher score wins, then the longer, then
    :data:`PRIORITY`."""
    items = list(candidates)
    # a context-driven identifier yields to any precise type it touches ("N° SIRET 732 829 320 00074")
    items = [c for c in items if c.entity_type != IDENTIFIER or not any(_touch(c, o) for o in items)]
    items = [c for c in items if not any(_contains(o, c) for o in items)]
    ranked = sorted(
        items,
        key=lambda c: (-c.score, -c.length, PRIORITY.index(c.entity_type) if c.entity_type in PRIORITY else 99),
    )
    kept: list[Candidate] = []
    for c in ranked:
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _shape_person(text: str, c: Candidate, allow_list: AllowList, allowed: list[tuple[int, int]]) -> Candidate | None:
    bounds = clean_person(text, c.start, c.end)
    if bounds is None or implausible_name(text, *bounds):
        return None
    if c.from_ner and has_title(text, c.start, bounds[0]):
        c = Candidate(PERSON, c.start, c.end, c.score, from_ner=False)  # "Mme Barbe": the title is evidence
    if c.from_ner:
        grown = extend_person(text, *bounds)
        if not any(a[0] < grown[1] and bounds[1] <= a[1] and a[0] >= bounds[1] for a in allowed):
            regrown = clean_person(text, *grown)
            if regrown and not implausible_name(text, *regrown):
                bounds = regrown
    if text[bounds[0] : bounds[1]] in allow_list:
        return None
    shaped = Candidate(PERSON, bounds[0], bounds[1], c.score, c.from_ner)
    if allowed:
        trimmed = _outside_allowed(shaped, allowed, text)
        if trimmed is None or text[trimmed.start : trimmed.end] in allow_list:
            return None
        shaped = trimmed
    return shaped


def postprocess(text: str, candidates: Iterable[Candidate], allow_list: AllowList, threshold: float) -> list[PiiSpan]:
    """Raw results -> the detector's answer (see :class:`privacy.ports.PiiDetector`). A single-word PERSON
    from the model (``Lyon``, ``Réunion``) is kept only when a title precedes it (pattern) or when it is part of
    a longer name found in the same text (``Karim`` after ``Karim Benali``)."""
    allowed = allow_list.spans(text)
    tokens = [m.span() for m in TOKEN_PATTERN.finditer(text)] if "<" in text else []
    kept: list[Candidate] = []
    for c in candidates:
        if c.entity_type not in PSEUDONYMIZED_ENTITIES or c.score < threshold:
            continue
        if any(t[0] < c.end and c.start < t[1] for t in tokens):
            continue  # inside a pseudonym token already written (a re-scan of stored text): no personal data
        if c.entity_type == PERSON:
            shaped = _shape_person(text, c, allow_list, allowed)
            if shaped is not None:
                kept.append(shaped)
            continue
        if c.entity_type == IDENTIFIER and any(a[0] < c.end and c.start < a[1] for a in allowed):
            continue  # a catalogue reference or SKU after "réf." / "article n°"
        kept.append(c)
    names = [text[c.start : c.end] for c in kept if c.entity_type == PERSON]
    kept = [
        c
        for c in kept
        if not (c.entity_type == PERSON and c.from_ner and is_single_word(text, c.start, c.end))
        or named_elsewhere(text[c.start : c.end], names)
    ]
    emails = [(c.start, c.end) for c in kept if c.entity_type == EMAIL]
    persons = [(c.start, c.end) for c in kept if c.entity_type == PERSON]
    for start, end in names_from_emails(text, emails) + other_mentions(text, persons):
        bounds = clean_person(text, start, end)
        if (
            bounds
            and bounds not in persons
            and not implausible_name(text, *bounds)
            and text[start:end] not in allow_list
        ):
            kept.append(Candidate(PERSON, bounds[0], bounds[1], MENTION_SCORE))
    return [PiiSpan(c.entity_type, c.start, c.end, c.score, text[c.start : c.end]) for c in resolve_overlaps(kept)]
