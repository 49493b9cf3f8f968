"""Sentence-level support: how well one context block backs one sentence of generated text.

Shared by the extractive answerer (mining quotable sentences) and the grounded one (checking what the model wrote).
Support of a sentence by a block, 0-1:

- 0 when a block check objects (:mod:`assistant.answering.block_checks`, the enabled ones in registry order): the
  sentence states a number the block does not (``stated_numbers``);
- else the lexical share: content words of the sentence found in one passage of the block (three consecutive
  sentences and the block's title; accent-folded, crudely stemmed), so that words picked from unrelated parts of a
  block do not add up to support;
- when that is not enough, embedding similarity with the block's closest sentence helps: weighted 0.4 against 0.6
  for the lexical share for a block in the sentence's language, on its own across languages (an English answer
  over French documents shares few words with them), on a scale that starts lower there. Embedding cosines of
  same-topic sentences are all high, so similarity alone never supports a sentence in the documents' own language
  (0.4 < any sensible threshold).

A block backs a sentence when its support reaches the scorer's threshold (the extractive answerer's minimum; the
grounded answerer's is any support: :data:`~assistant.answering.block_checks.ANY_SUPPORT`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.anchors import Anchors, figures, passages
from assistant.answering.block_checks import Asked, Block, Claim, enabled, first_objection
from assistant.answering.checks import ALL, Checks
from assistant.answering.claims import numbers
from assistant.answering.lexical import POLARITY, content_terms, share
from assistant.answering.relevance import passage_sentences, question_relevance, rescale
from assistant.core.embedding import Embedder, Vectors

_MIN_UNIT_CHARS = 8  # table rows and short list items are evidence too


@dataclass(frozen=True)
class EvidenceBlock:
    """One numbered piece of context: the text the model saw, its language, the title it was shown with, and the
    opening of its document when another block of the context is that opening."""

    text: str
    language: str
    title: str = ""
    scope: str = ""  # the opening of its document when the context holds it (names the whole document is about)


@dataclass(frozen=True)
class Support:
    block: int | None  # index into the scorer's blocks; None when nothing supports the sentence
    score: float


class SupportScorer:
    """Scores sentences against a fixed list of blocks; embeddings are computed lazily, once per text. Pure: a
    score depends on the sentence, the blocks and the question only (what is cached is the embeddings).
    ``threshold``: the support a block needs to back a sentence."""

    def __init__(
        self,
        blocks: Sequence[EvidenceBlock],
        embedder: Embedder,
        *,
        threshold: float,
        anchors: Anchors | None = None,
        translated: Sequence[Anchors] = (),
        cosine_floor: float = 0.80,
        cosine_ceiling: float = 0.95,
        cross_language_floor: float = 0.75,
        checks: Checks = ALL,
    ) -> None:
        self._unit_texts = passage_sentences([b.text for b in blocks], _MIN_UNIT_CHARS)
        self._blocks = []
        for rank, b in enumerate(blocks):
            rows = [row for row, (r, _, _) in enumerate(self._unit_texts) if r == rank]
            title = content_terms(b.title)
            unit_terms = [content_terms(self._unit_texts[row][2]) for row in rows] or [content_terms(b.text)]
            windows = [title.union(*unit_terms[max(0, i - 1) : i + 2]) for i in range(len(unit_terms))]
            figure_passages = passages(b.text, b.title, b.scope) if anchors is not None else []  # for the anchors
            self._blocks.append(Block(b.text, b.language, numbers(b.text), windows, rows, figure_passages))
        self._gates = enabled(checks)  # the block checks, in registry order
        self._asked = Asked(anchors, tuple(translated))  # translated: the question's search wordings
        self._embedder = embedder
        self.threshold = threshold
        self._floor, self._ceiling = cosine_floor, cosine_ceiling
        # a faithful English restatement of a French line scores ~0.84-0.87 with multilingual-e5-small, a same-language
        # paraphrase ~0.9: across languages the cosine scale starts lower (same width, measured on replays)
        self._cross_floor = cross_language_floor
        self._units: Vectors | None = None
        self._sentence_vectors: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._blocks)

    def _unit_vectors(self) -> Vectors:
        if self._units is None:
            self._units = self._embedder.embed_passages([s for _, _, s in self._unit_texts])
        return self._units

    def vector(self, sentence: str) -> np.ndarray:
        """The sentence's passage embedding (cached)."""
        vector = self._sentence_vectors.get(sentence)
        if vector is None:
            vector = self._sentence_vectors[sentence] = self._embedder.embed_passages([sentence])[0]
        return vector

    def best_quote(
        self,
        query: np.ndarray,
        query_terms: set[str],
        among: Sequence[int],
        min_chars: int = 25,
        *,
        beyond: frozenset[str] | None = None,
    ) -> tuple[int, str, float] | None:
        """The sentence of the blocks ``among`` that best answers the question (block, sentence, relevance; the
        question's words count in the sentence, its neighbours and its block's title, as for an answer's evidence: a
        rule rarely repeats its subject: "Excluded from the offer" stands under the product it is about). With
        ``beyond`` (the figures of a question asking for one), only sentences stating another figure."""
        vectors = self._unit_vectors()
        best: tuple[int, str, float] | None = None
        windows = {row: w for b in self._blocks for row, w in zip(b.units, b.windows, strict=False)}
        for row, (rank, _, sentence) in enumerate(self._unit_texts):
            if rank not in among or len(sentence) < min_chars:
                continue
            if beyond is not None and not figures(sentence) - beyond:
                continue
            score = question_relevance(float(vectors[row] @ query), share(query_terms, windows[row]))
            if best is None or score > best[2]:
                best = (rank, sentence, score)
        return best

    def evidence_relevance(
        self, sentence: str, blocks: Sequence[int], query: np.ndarray, query_terms: set[str], language: str
    ) -> float:
        """How well the evidence of ``sentence`` answers the question: the sentence of ``blocks`` closest to it (by
        embedding), scored with :func:`question_relevance` against the question (its words counted in that
        sentence, its neighbours and the block title). A block in another language than the question (``language``)
        shares no words with it: there the rescaled cosine alone counts. 0 without blocks.

        An answer that restates the question around a figure taken from an unrelated passage (a maximum length
        asked for one procedure, answered with a deadline of another) is relevant as written; its evidence is
        not."""
        units = self._unit_vectors()
        rows = [
            (row, window, self._blocks[b].language)
            for b in blocks
            for row, window in zip(self._blocks[b].units, self._blocks[b].windows, strict=False)
        ]
        if not rows:
            return 0.0
        vector = self.vector(sentence)
        row, window, block_language = max(rows, key=lambda r: float(units[r[0]] @ vector))
        cosine = float(units[row] @ query)
        if block_language and block_language != language:
            return min(1.0, rescale(cosine, 0.70, 0.95))
        return question_relevance(cosine, share(query_terms, window))

    def anchor_confirmed(self, sentence: str, blocks: Sequence[int]) -> bool:
        """True when ``sentence`` states a figure the question did not give and a passage of ``blocks`` holding
        that figure names every anchor of a question that has some (an amount found in the line of the incident
        report that names the store and the month asked about): the figure is about what was asked, whatever words
        the model put around it. A block where no anchor applies (a name of an English question in a French block
        it was not translated for) confirms nothing."""
        asked = self._asked
        if not asked.anchors or not asked.anchors.new_figures(sentence):
            return False
        checked = (self._blocks[b] for b in blocks)
        return any(asked.applied(block).applies and asked.anchored(sentence, block) for block in checked)

    def _similarity(self, sentence: str, block: Block, floor: float | None = None) -> float:
        if not block.units:
            return 0.0
        units = self._unit_vectors()
        cosine = float(np.max(units[block.units] @ self.vector(sentence)))
        low = self._floor if floor is None else floor
        return min(1.0, rescale(cosine, low, low + self._ceiling - self._floor))

    def score(self, sentence: str, language: str, index: int) -> float:
        """The support of ``sentence`` by block ``index`` (0 when a block check objects)."""
        block = self._blocks[index]
        if first_objection(self._gates, Claim(sentence, language), block, self._asked) is not None:
            return 0.0
        terms = content_terms(sentence)
        lexical = max(len(terms & window) / len(terms) for window in block.windows) if terms else 0.0
        if lexical >= self.threshold:
            return lexical
        if not block.written_in(language):
            return max(lexical, self._similarity(sentence, block, self._cross_floor))
        semantic = self._similarity(sentence, block)
        return max(lexical, 0.6 * lexical + 0.4 * semantic)

    def best(self, sentence: str, language: str, among: Sequence[int] | None = None) -> Support:
        """The best-supporting block (among ``among``, default all); block None if below the threshold."""
        candidates = range(len(self._blocks)) if among is None else among
        best = Support(None, 0.0)
        for index in candidates:
            score = self.score(sentence, language, index)
            if score > best.score:
                best = Support(index, score)
        return best if best.score >= self.threshold else Support(None, best.score)

    @staticmethod
    def is_neutral(sentence: str) -> bool:
        """A sentence with no number and at most one content word besides yes/no words ("Oui, c'est possible.")
        asserts nothing checkable (the relevance of an answer is that of its best other sentence)."""
        return len(content_terms(sentence) - POLARITY) <= 1 and not numbers(sentence)
