"""Checks generated text sentence by sentence, as it streams: citations, support, refusal marker, injection echoes.

Every complete sentence (the model's refusal marker taken out: a sentence that is nothing but the marker is no
sentence) goes through the enabled sentence checks (:mod:`assistant.answering.sentence_checks`) in registry order,
and the first verdict is applied through one table of actions (:data:`EFFECTS`): drop the sentence (counted under
the check's counters) or cite the block that backs it in place of its own citations. A sentence no check objects to
is kept with the blocks of its own citations that back it, else dropped as unsupported: what is kept is backed by
what it cites. The caller decides from the counts whether the answer stands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from assistant.answering.checks import Checks, Verdict
from assistant.answering.citations import CitedText, Piece, split_pieces, strip_markers
from assistant.answering.grounding import SupportScorer
from assistant.answering.lexical import support
from assistant.answering.relevance import question_relevance
from assistant.answering.sentence_checks import Evidence, Question, Sentence, SentenceCheck, enabled

_PARTIAL_MARKER = re.compile(r"\[[^\]\n]{0,20}$")
Kept = tuple[str, tuple[int, ...]]  # a kept sentence: its display text, the blocks backing it (0-based)


@dataclass
class ValidationCounts:
    supported: int = 0
    unsupported: int = 0
    repaired: int = 0
    invalid_citations: int = 0
    injection_echoes: int = 0
    questions: int = 0  # sentences that ask instead of answer (dropped, not counted against grounding)
    restated: int = 0  # "Yes/No" + the question's own words: only the polarity is asserted (dropped, not counted)

    @property
    def checkable(self) -> int:
        return self.supported + self.unsupported

    @property
    def grounding(self) -> float | None:
        return self.supported / self.checkable if self.checkable else None

    def add(self, counters: Iterable[str]) -> None:
        """One more under each of the named counters (a sentence check's ``counters``)."""
        for name in counters:
            setattr(self, name, getattr(self, name) + 1)


@dataclass
class AnswerValidator:
    scorer: SupportScorer
    language: str
    refusal_marker: str
    echo_terms: frozenset[str] = frozenset()  # words of quarantined chunks absent from the clean context
    question: str = ""  # the (pseudonymized) question, to recognise an answer that only restates it
    checks: Checks = field(default_factory=Checks)  # the enabled answer checks (:mod:`assistant.answering.checks`)
    counts: ValidationCounts = field(default_factory=ValidationCounts)
    cited: CitedText = field(default_factory=CitedText)
    kept: list[Piece] = field(default_factory=list)  # sentences kept, as written (markers removed)
    support: list[tuple[int, ...]] = field(default_factory=list)  # per kept sentence: blocks backing it (0-based)
    marker_seen: bool = False  # the refusal marker appears somewhere
    _buffer: str = ""
    _done: int = 0  # pieces of the buffer already judged
    _last_line: int | None = None
    _evidence: Evidence = field(init=False, repr=False, compare=False)
    _question: Question = field(init=False, repr=False, compare=False)
    _checks: tuple[SentenceCheck, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._evidence = Evidence(self.scorer, self.echo_terms)
        self._question = Question(self.question, self.language)
        self._checks = enabled(self.checks)

    @property
    def raw_text(self) -> str:
        return self._buffer

    @property
    def kept_text(self) -> str:
        return self.cited.text()

    def feed(self, fragment: str) -> list[str]:
        """Add streamed text; returns the display text of sentences completed and kept (with separators)."""
        self._buffer += fragment
        pieces = split_pieces(_PARTIAL_MARKER.sub("", self._buffer))
        complete = len(pieces)
        if not self._buffer.endswith("\n"):
            complete -= 1  # the last sentence may go on
            if pieces and len(re.findall(r"[^\W\d_]", pieces[-1].text)) < 3:
                complete -= 1  # "…jours. [1" or "…jours. L": the sentence before may still take a marker
        return self._judge(pieces[self._done : complete]) if complete > self._done else []

    def repair_flags(self) -> list[str]:
        """What the checks repaired or dropped, as the answer's flags."""
        counts = self.counts
        return [
            flag
            for flag, count in (
                ("citation_repaired", counts.repaired),
                ("invalid_citation", counts.invalid_citations),
                ("unsupported_dropped", counts.unsupported),
                ("injection_echo_dropped", counts.injection_echoes),
                ("question_dropped", counts.questions),
                ("restatement_dropped", counts.restated),
            )
            if count
        ]

    def finish(self) -> list[str]:
        """The stream ended: judge what remains."""
        return self._judge(split_pieces(self._buffer)[self._done :])

    def _judge(self, pieces: Iterable[Piece]) -> list[str]:
        shown = []
        for piece in pieces:
            self._done += 1
            kept = self._check(piece)
            if kept is not None:
                text, backing = kept
                self.kept.append(piece)
                self.support.append(backing)
                separator = "" if self._last_line is None else (" " if piece.line == self._last_line else "\n")
                self._last_line = piece.line
                shown.append(separator + text)
        return shown

    def add_evidence(self, block: int, sentence: str) -> str:
        """Append a verbatim quote of context block ``block`` (supported by construction) on a line of its own."""
        piece = Piece((self.kept[-1].line + 1) if self.kept else 0, "", f"« {sentence} »", (block + 1,))
        self.kept.append(piece)
        self.support.append((block,))
        self.counts.supported += 1
        return self.cited.add(piece, [block])

    def relevance(self, query: np.ndarray, query_terms: set[str]) -> float:
        """How well the best kept checkable sentence answers the question: as written AND through its evidence
        (the lower of :func:`question_relevance` of the sentence and :meth:`SupportScorer.evidence_relevance` of
        the context sentence backing it). 0 when nothing checkable was kept."""
        best = 0.0
        for piece, blocks in zip(self.kept, self.support, strict=True):
            if SupportScorer.is_neutral(piece.text):
                continue
            said = question_relevance(float(self.scorer.vector(piece.text) @ query), support(query_terms, piece.text))
            evidence = self.scorer.evidence_relevance(piece.text, blocks, query, query_terms, self.language)
            best = max(best, min(said, evidence))
        return best

    @property
    def anchor_confirmed(self) -> bool:
        """A kept sentence states a figure found in a passage naming every anchor of the question
        (:meth:`SupportScorer.anchor_confirmed`)."""
        return any(self.scorer.anchor_confirmed(p.text, b) for p, b in zip(self.kept, self.support, strict=True))

    def quote_evidence(
        self, query: np.ndarray, query_terms: set[str], min_relevance: float, *, beyond: frozenset[str] | None = None
    ) -> bool:
        """A bare "Yes, it is possible [1]." cannot be checked: quote the sentence of the cited block (of any
        block if none was cited) that best answers the question, so that the answer carries its proof. False
        when no sentence reaches ``min_relevance``. With ``beyond`` (the figures of a question asking for one), only
        a sentence stating another figure is quoted (:meth:`SupportScorer.best_quote`)."""
        size = len(self.scorer)
        cited = [n - 1 for p in self.kept for n in p.cited if 1 <= n <= size]
        quote = self.scorer.best_quote(query, query_terms, cited or range(size), beyond=beyond)
        if quote is None or quote[2] < min_relevance:
            return False
        self.add_evidence(quote[0], quote[1])
        return True

    def _check(self, piece: Piece) -> Kept | None:
        """The checks of the sentence, the refusal marker taken out; the first verdict is applied through
        :data:`EFFECTS`, and a sentence no check objects to is kept or dropped by :meth:`_backed`. A sentence that is
        nothing but the marker is no sentence: dropped, uncounted."""
        marker = self.refusal_marker
        sentence = Sentence(piece)
        if marker and marker.lower() in piece.text.lower():
            self.marker_seen = True
            text = strip_markers(re.sub(re.escape(marker), "", piece.text, flags=re.IGNORECASE))
            if not re.search(r"\w", text):
                return None
            sentence = Sentence(Piece(piece.line, piece.bullet, text, piece.cited))
        found = self._objection(sentence)
        if found is None:
            return self._backed(sentence)
        check, verdict = found
        return EFFECTS[verdict.action](self, check, sentence)

    def _objection(self, sentence: Sentence) -> tuple[SentenceCheck, Verdict] | None:
        """The first enabled check (registry order) that objects to ``sentence``, and its verdict."""
        for check in self._checks:
            verdict = check.check(sentence, self._evidence, self._question)
            if verdict is not None:
                return check, verdict
        return None

    # The effects of the actions: one per action a sentence check may take (see EFFECTS below).

    def _drop(self, check: SentenceCheck, sentence: Sentence) -> Kept | None:
        self.counts.add(check.counters)
        return None

    def _repair(self, check: SentenceCheck, sentence: Sentence) -> Kept | None:
        """Kept, citing the block that backs it in place of its own citations."""
        self._count_invalid(sentence)
        backing = self._evidence.backing(sentence, self._question)
        assert backing.elsewhere is not None, "a citation is repaired only from a block that backs the sentence"
        self.counts.add(check.counters)
        return self.cited.add(sentence.piece, [backing.elsewhere]), (backing.elsewhere,)

    def _backed(self, sentence: Sentence) -> Kept | None:
        """No check objected: kept with the blocks of its own citations that back it, else dropped as unsupported."""
        self._count_invalid(sentence)
        backing = self._evidence.backing(sentence, self._question)
        if not backing.cited:
            self.counts.unsupported += 1
            return None
        self.counts.supported += 1
        return self.cited.add(sentence.piece, list(backing.cited)), backing.cited

    def _count_invalid(self, sentence: Sentence) -> None:
        """A citation of a block that does not exist is counted (once per sentence) before the sentence is kept or
        judged on its support."""
        if len(self._evidence.cited(sentence)) < len(set(sentence.piece.cited)):
            self.counts.invalid_citations += 1


Effect = Callable[[AnswerValidator, SentenceCheck, Sentence], Kept | None]
#: The one table of actions of the sentence checks: what a verdict does to the sentence and the answer.
EFFECTS: dict[str, Effect] = {"drop": AnswerValidator._drop, "repair citation": AnswerValidator._repair}
