"""Checks generated text sentence by sentence, as it streams: citations, support, refusal marker, injection echoes.

Every complete sentence is either kept (with citations that point to context blocks that support it: the model's
own when they hold, else repaired from the best-supporting block) or dropped (no block supports it, or it repeats
words found only in quarantined chunks). Sentences asserting nothing checkable ("Yes, it is possible.") are kept
without counting. The caller decides from the counts whether the answer stands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from assistant.answering.checks import Checks
from assistant.answering.citations import CitedText, Piece, split_pieces, strip_markers
from assistant.answering.grounding import SupportScorer
from assistant.answering.lexical import content_terms, restates, support
from assistant.answering.relevance import question_relevance

_PARTIAL_MARKER = re.compile(r"\[[^\]\n]{0,20}$")
_CLOSED = re.compile(r"[.!?…»\")]\s*$")  # a sentence that ends as written


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
    _backing: tuple[int, ...] = ()  # blocks backing the sentence _check just kept
    unanchored: set[str] = field(default_factory=set)  # dropped: a block states its figure about something else
    undescribed: set[str] = field(default_factory=set)  # dropped: no passage speaks of its figure as it does

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
        last = pieces[-1] if pieces else None
        if cut and "truncated" in self.checks and last and not last.cited and not _CLOSED.search(last.text):
            pieces.pop()
            self.counts.truncated += 1
        return self._judge(pieces)

    def _judge(self, pieces: Iterable[Piece]) -> list[str]:
        shown = []
        for piece in pieces:
            first = self._done == 0
            self._done += 1
            if self.model_refused:
                continue
            text = self._check(piece, first)
            if text is not None:
                self.kept.append(piece)
                self.support.append(self._backing)
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

    def _rejected(self, piece: Piece) -> bool:
        """Dropped before any support check (and counted): a question, a sentence without its value, an echo of
        an injected instruction, a yes/no that restates the question."""
        checks = self.checks
        if "asks_question" in checks and piece.text.rstrip().endswith("?"):  # it asked (or echoed) a question
            self.counts.questions += 1
        elif "missing_value" in checks and piece.unfinished:
            self.counts.unsupported += 1
            self.counts.unfinished += 1
        elif "injection_echo" in checks and self.echo_terms and content_terms(piece.text) & self.echo_terms:
            self.counts.injection_echoes += 1
        elif "restates_question" in checks and restates(piece.text, self.question, self.language):
            self.counts.restated += 1
        else:
            return False
        return True

    def _check(self, piece: Piece, first: bool) -> str | None:
        marker = self.refusal_marker
        if marker and marker.lower() in piece.text.lower():
            self.marker_seen = True
            if first and "model_refusal" in self.checks:
                self.model_refused = True
                return None
            text = strip_markers(re.sub(re.escape(marker), "", piece.text, flags=re.IGNORECASE))
            if not re.search(r"\w", text):
                return None
            piece = Piece(piece.line, piece.bullet, text, piece.cited, piece.unfinished)
        if self._rejected(piece):
            return None
        size = len(self.scorer)
        valid = [n - 1 for n in dict.fromkeys(piece.cited) if 1 <= n <= size]
        if len(valid) < len(set(piece.cited)):
            self.counts.invalid_citations += 1
        if "neutral" in self.checks and self.scorer.is_neutral(piece.text):
            self.counts.neutral += 1
            self._backing = ()
            return self.cited.add(piece, [])
        threshold = self.scorer.threshold
        supporting = [b for b in valid if self.scorer.score(piece.text, self.language, b) >= threshold]
        if not supporting:
            best = self.scorer.best(piece.text, self.language)
            if "unanchored" in best.reasons:
                self.unanchored.add(piece.text)
            if "undescribed" in best.reasons:
                self.undescribed.add(piece.text)
            if best.block is None or "citation_repair" not in self.checks:
                self.counts.unsupported += 1
                return None
            supporting = [best.block]
            self.counts.repaired += 1
        self.counts.supported += 1
        self._backing = tuple(supporting)
        return self.cited.add(piece, supporting)
