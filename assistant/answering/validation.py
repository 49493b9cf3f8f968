"""Checks generated text sentence by sentence, as it streams: citations, support, refusal marker, injection echoes.

Every complete sentence goes through the enabled sentence checks (:mod:`assistant.answering.sentence_checks`) in
registry order, and the first verdict is applied through one table of actions (:data:`EFFECTS`): refuse the answer,
drop the sentence (counted under the check's counters), keep it without a citation, or cite the block that backs it
in place of its own citations. A sentence no check objects to is kept with the blocks of its own citations that
back it, else dropped as unsupported: what is kept is backed by what it cites (or asserts nothing checkable). The
caller decides from the counts whether the answer stands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from assistant.answering.block_checks import UNANCHORED, UNDESCRIBED
from assistant.answering.checks import Checks, Verdict
from assistant.answering.citations import CitedText, Piece, split_pieces, strip_markers
from assistant.answering.grounding import SupportScorer
from assistant.answering.lexical import support
from assistant.answering.relevance import question_relevance
from assistant.answering.sentence_checks import STAGES, Backing, Evidence, Question, Sentence, SentenceCheck, enabled

_PARTIAL_MARKER = re.compile(r"\[[^\]\n]{0,20}$")
Kept = tuple[str, tuple[int, ...]]  # a kept sentence: its display text, the blocks backing it (0-based)


@dataclass
class ValidationCounts:
    supported: int = 0
    unsupported: int = 0
    neutral: int = 0
    repaired: int = 0
    invalid_citations: int = 0
    injection_echoes: int = 0
    questions: int = 0  # sentences that ask instead of answer (dropped, not counted against grounding)
    restated: int = 0  # "Yes/No" + the question's own words: only the polarity is asserted (dropped, not counted)
    unfinished: int = 0  # of the unsupported: sentences whose value is missing ("est de [3] €", "is [2].")
    truncated: int = 0  # a last sentence cut by the token limit ("Les articles soldés peuvent être"): dropped

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
    model_refused: bool = False  # the answer starts with the refusal marker
    marker_seen: bool = False  # the refusal marker appears somewhere
    _buffer: str = ""
    _done: int = 0  # pieces of the buffer already judged
    _last_line: int | None = None
    unanchored: set[str] = field(default_factory=set)  # dropped: a block states its figure about something else
    undescribed: set[str] = field(default_factory=set)  # dropped: no passage speaks of its figure as it does
    _evidence: Evidence = field(init=False, repr=False, compare=False)
    _question: Question = field(init=False, repr=False, compare=False)
    _stages: dict[str, tuple[SentenceCheck, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._evidence = Evidence(self.scorer, self.echo_terms)
        self._question = Question(self.question, self.language)
        self._stages = {stage: enabled(self.checks, stage) for stage in STAGES}

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
                ("truncated_sentence_dropped", counts.truncated),
                ("unanchored_dropped", len(self.unanchored)),
                ("undescribed_dropped", len(self.undescribed)),
            )
            if count
        ]

    def finish(self, cut: bool = False) -> list[str]:
        """The stream ended: judge what remains. ``cut``: it ended on the token limit, so a last sentence with
        neither closing punctuation nor a citation was cut short and is dropped (its truth is unknown)."""
        pieces = split_pieces(self._buffer)[self._done :]
        if cut and pieces:
            last = Sentence(pieces[-1], cut=True)
            found = self._objection(last, "cut")
            if found is not None:
                pieces.pop()  # never judged
                EFFECTS[found[1].action](self, found[0], last)
        return self._judge(pieces)

    def _judge(self, pieces: Iterable[Piece]) -> list[str]:
        shown = []
        for piece in pieces:
            first = self._done == 0
            self._done += 1
            if self.model_refused:
                continue
            kept = self._check(piece, first)
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
        self,
        query: np.ndarray,
        query_terms: set[str],
        min_relevance: float,
        *,
        anchored_only: bool = False,
        beyond: frozenset[str] | None = None,
    ) -> bool:
        """A bare "Yes, it is possible [1]." cannot be checked: quote the sentence of the cited block (of any
        block if none was cited) that best answers the question, so that the answer carries its proof. False
        when no sentence reaches ``min_relevance``. With ``anchored_only`` (the model's figure came from a passage
        about something else), any block's sentence that names the question's anchors
        (:meth:`SupportScorer.best_quote`). With ``beyond`` (the figures of a question asking for one), only a
        sentence stating another figure is quoted."""
        size = len(self.scorer)
        cited = [n - 1 for p in self.kept for n in p.cited if 1 <= n <= size]
        among = range(size) if anchored_only else (cited or range(size))
        quote = self.scorer.best_quote(
            query, query_terms, among, anchored_only=anchored_only, misplaced=self.unanchored, beyond=beyond
        )
        if quote is None or quote[2] < min_relevance:
            return False
        self.add_evidence(quote[0], quote[1])
        return True

    def _check(self, piece: Piece, first: bool) -> Kept | None:
        """The checks of the sentence as written (the refusal marker in it) and then, the marker taken out, those of
        the sentence; the first verdict is applied through :data:`EFFECTS`, and a sentence no check objects to is
        kept or dropped by :meth:`_backed`. A sentence that is nothing but the marker is no sentence: dropped,
        uncounted."""
        marker = self.refusal_marker
        marked = bool(marker) and marker.lower() in piece.text.lower()
        self.marker_seen |= marked
        sentence = Sentence(piece, first, marked)
        found = self._objection(sentence, "as written")
        if found is None and marked:
            text = strip_markers(re.sub(re.escape(marker), "", piece.text, flags=re.IGNORECASE))
            if not re.search(r"\w", text):
                return None
            sentence = Sentence(Piece(piece.line, piece.bullet, text, piece.cited, piece.unfinished), first, marked)
        found = found or self._objection(sentence, "sentence")
        if found is None:
            return self._backed(sentence)
        check, verdict = found
        return EFFECTS[verdict.action](self, check, sentence)

    def _objection(self, sentence: Sentence, stage: str) -> tuple[SentenceCheck, Verdict] | None:
        """The first enabled check of ``stage`` (registry order) that objects to ``sentence``, and its verdict."""
        for check in self._stages[stage]:
            verdict = check.check(sentence, self._evidence, self._question)
            if verdict is not None:
                return check, verdict
        return None

    # The effects of the actions: one per action a sentence check may take (see EFFECTS below).

    def _refuse(self, check: SentenceCheck, sentence: Sentence) -> Kept | None:
        """The answer is refused: this sentence and every later one are dropped (:meth:`_judge`)."""
        self.model_refused = True
        return None

    def _drop(self, check: SentenceCheck, sentence: Sentence) -> Kept | None:
        self.counts.add(check.counters)
        return None

    def _keep(self, check: SentenceCheck, sentence: Sentence) -> Kept | None:
        """Kept as written, without a citation."""
        self._count_invalid(sentence)
        self.counts.add(check.counters)
        return self.cited.add(sentence.piece, []), ()

    def _repair(self, check: SentenceCheck, sentence: Sentence) -> Kept | None:
        """Kept, citing the block that backs it in place of its own citations."""
        self._count_invalid(sentence)
        backing = self._note(self._evidence.backing(sentence, self._question), sentence)
        assert backing.elsewhere is not None, "a citation is repaired only from a block that backs the sentence"
        self.counts.add(check.counters)
        return self.cited.add(sentence.piece, [backing.elsewhere]), (backing.elsewhere,)

    def _backed(self, sentence: Sentence) -> Kept | None:
        """No check objected: kept with the blocks of its own citations that back it, else dropped as unsupported."""
        self._count_invalid(sentence)
        backing = self._note(self._evidence.backing(sentence, self._question), sentence)
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

    def _note(self, backing: Backing, sentence: Sentence) -> Backing:
        """Remember why no block backs the sentence when a figure check said so (the answer-level requote and the
        flags read it)."""
        reasons = backing.best.reasons if backing.best else frozenset()
        if UNANCHORED in reasons:
            self.unanchored.add(sentence.text)
        if UNDESCRIBED in reasons:
            self.undescribed.add(sentence.text)
        return backing


Effect = Callable[[AnswerValidator, SentenceCheck, Sentence], Kept | None]
#: The one table of actions of the sentence checks: what a verdict does to the sentence and the answer.
EFFECTS: dict[str, Effect] = {
    "refuse": AnswerValidator._refuse,
    "drop": AnswerValidator._drop,
    "keep": AnswerValidator._keep,
    "repair citation": AnswerValidator._repair,
}
