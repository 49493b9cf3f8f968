"""The sentence checks: what may become of one sentence the model wrote, each a small object with a pure check.

Every check is named in :data:`~assistant.answering.checks.REGISTRY` (which gives its one-line purpose, its action
and whether it is a safety check) and listed in :data:`SENTENCE_CHECKS` in registry order. The validator
(:mod:`assistant.answering.validation`) asks the enabled ones in that order and applies the first verdict through
its one table of actions; a sentence no check objects to is kept with the blocks of its own citations that back it,
else dropped as unsupported.

Contract (:class:`SentenceCheck`): ``check(sentence, evidence, question)`` reads the sentence, the evidence and the
question and returns None when it has no objection, else a :class:`~assistant.answering.checks.Verdict` carrying the
check's own action. It changes nothing (no count, no drop, no citation: that is the table's work) and keeps nothing
from one call to the next, so the same inputs give the same verdict. It sees the sentence with the model's refusal
marker taken out. When the verdict's action counts the sentence, ``counters`` names the :class:`ValidationCounts`
fields it adds to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from assistant.answering.checks import Checks, Registered, Verdict
from assistant.answering.citations import Piece
from assistant.answering.grounding import Support, SupportScorer
from assistant.answering.lexical import content_terms, restates


@dataclass(frozen=True)
class Question:
    """The question as the checks see it: its (pseudonymized) text and the language the answer must be in."""

    text: str
    language: str


@dataclass(frozen=True)
class Sentence:
    """One sentence of the answer (citation markers and the refusal marker removed)."""

    piece: Piece

    @property
    def text(self) -> str:
        return self.piece.text


@dataclass(frozen=True)
class Backing:
    """What backs a sentence: the blocks of its own citations whose support reaches the bar (0-based) and, when
    none does, the best block of the whole context (``best.block`` None: no block reaches the bar, and
    ``best.reasons`` says which figure checks failed)."""

    cited: tuple[int, ...]
    best: Support | None = None

    @property
    def elsewhere(self) -> int | None:
        """A block that backs the sentence though the sentence does not cite it; None when its own citations
        back it or when no block does."""
        return None if self.cited or self.best is None else self.best.block


@dataclass(frozen=True)
class Evidence:
    """What sentences are checked against: the scorer over the numbered context blocks, and the words found only in
    quarantined chunks (the injected instructions kept out of the context)."""

    scorer: SupportScorer
    echo_terms: frozenset[str] = frozenset()
    _backings: dict[tuple[str, tuple[int, ...], str], Backing] = field(
        default_factory=dict, compare=False, repr=False
    )  # memo: a backing depends on the sentence, its citations and the language only

    def cited(self, sentence: Sentence) -> list[int]:
        """The blocks ``sentence`` cites that exist (0-based, in order, once each)."""
        size = len(self.scorer)
        return [n - 1 for n in dict.fromkeys(sentence.piece.cited) if 1 <= n <= size]

    def backing(self, sentence: Sentence, question: Question) -> Backing:
        """The blocks that back ``sentence`` (its own citations first; the whole context only when they do not)."""
        key = (sentence.text, sentence.piece.cited, question.language)
        if key not in self._backings:
            scorer, text, language = self.scorer, sentence.text, question.language
            cited = [b for b in self.cited(sentence) if scorer.score(text, language, b) >= scorer.threshold]
            self._backings[key] = Backing(tuple(cited), None if cited else scorer.best(text, language))
        return self._backings[key]


class SentenceCheck(Protocol):
    """A check of one sentence (see the module's contract)."""

    @property
    def name(self) -> str: ...

    @property
    def purpose(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def safety(self) -> bool: ...

    @property
    def counters(self) -> tuple[str, ...]: ...

    def check(self, sentence: Sentence, evidence: Evidence, question: Question) -> Verdict | None: ...


class _SentenceCheck(Registered):
    counters: ClassVar[tuple[str, ...]] = ()


class AsksQuestion(_SentenceCheck):
    """A sentence ending with a question mark asks (or echoes) a question instead of answering it."""

    name = "asks_question"
    counters = ("questions",)

    def check(self, sentence: Sentence, evidence: Evidence, question: Question) -> Verdict | None:
        return self.objection("asks a question") if sentence.text.rstrip().endswith("?") else None


class InjectionEcho(_SentenceCheck):
    """A sentence using words found only in quarantined chunks repeats an injected instruction (or obeys it)."""

    name = "injection_echo"
    counters = ("injection_echoes",)

    def check(self, sentence: Sentence, evidence: Evidence, question: Question) -> Verdict | None:
        echoed = evidence.echo_terms and content_terms(sentence.text) & evidence.echo_terms
        return self.objection("repeats words of a quarantined chunk") if echoed else None


class RestatesQuestion(_SentenceCheck):
    """A yes or no followed by the question's own words asserts only the polarity, which any passage sharing the
    question's words seems to back (:func:`assistant.answering.lexical.restates`)."""

    name = "restates_question"
    counters = ("restated",)

    def check(self, sentence: Sentence, evidence: Evidence, question: Question) -> Verdict | None:
        restated = restates(sentence.text, question.text, question.language)
        return self.objection("a yes/no that restates the question") if restated else None


class CitationRepair(_SentenceCheck):
    """A sentence that none of its own citations backs, but another block of the context does, cites that block
    (the model's citations are never trusted: :mod:`assistant.answering.citations`)."""

    name = "citation_repair"
    counters = ("repaired", "supported")

    def check(self, sentence: Sentence, evidence: Evidence, question: Question) -> Verdict | None:
        block = evidence.backing(sentence, question).elsewhere
        return None if block is None else self.objection(f"its citations do not back it, block {block + 1} does")


SENTENCE_CHECKS: tuple[SentenceCheck, ...] = (AsksQuestion(), InjectionEcho(), RestatesQuestion(), CitationRepair())


def enabled(checks: Checks) -> tuple[SentenceCheck, ...]:
    """The sentence checks that ``checks`` enables, in registry order."""
    return tuple(c for c in SENTENCE_CHECKS if c.name in checks)
