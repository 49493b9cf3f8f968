"""The answerer that needs no LLM: quotes the best-supported sentences of the retrieved chunks, with citations.

Kept forever as the fallback when no LLM endpoint answers. It refuses when retrieval support is weak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answering import messages
from assistant.answering.injection import quarantine
from assistant.answering.lexical import content_terms, support
from assistant.answering.relevance import passage_sentences, question_relevance
from assistant.core.domain import Answer, Citation, SearchHit
from assistant.core.text import detect_language
from assistant.retrieval.searcher import Searcher
from assistant.settings import AnswerSettings

MODE = "extractive"
_MIN_SENTENCE_CHARS = 25
_SENTENCE_POOL = 8  # at most this many retrieved chunks are mined for sentences


@dataclass(frozen=True)
class _Candidate:
    hit_rank: int
    position: int
    text: str
    score: float
    cosine: float


class ExtractiveAnswerer:
    def __init__(self, searcher: Searcher, settings: AnswerSettings, languages: Sequence[str]) -> None:
        self._searcher = searcher
        self._settings = settings
        self._languages = list(languages)

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer:
        prepared = self._searcher.prepare_query(question, role, self._settings.top_k, store=store)
        if prepared is None:
            return self.refusal(detect_language(question, self._languages))
        hits = self._searcher.index.search(prepared.request)
        # only the pseudonymized question goes further (the raw one may carry personal data), with its vector
        answer = self.answer_from_hits(prepared.text, prepared.language, hits, query_vector=prepared.request.dense)
        return replace(answer, question=prepared.text)

    def refusal(self, language: str, hits: Sequence[SearchHit] = ()) -> Answer:
        return Answer(
            answer=messages.text("refusal", language),
            citations=[],
            refused=True,
            language=language,
            mode=MODE,
            notice=messages.text("extractive_notice", language),
            hits=list(hits),
        )

    def answer_from_hits(
        self,
        question: str,
        language: str,
        hits: Sequence[SearchHit],
        *,
        query_vector: Sequence[float] | None = None,
    ) -> Answer:
        """Answer from already retrieved hits. ``question`` is the pseudonymized question and ``query_vector`` its
        query embedding when the search computed one (it is not computed twice).

        Hit scores are not used (they may be cosines or fused ranks): support is measured per sentence here. Chunks
        carrying instructions (:func:`~assistant.answering.injection.quarantine`) are never quoted."""
        clean, quarantined = quarantine(hits)
        flags = ["injection_quarantined"] if quarantined else []
        candidates = self._candidates(question, clean[:_SENTENCE_POOL], query_vector)
        if not candidates:
            return replace(self.refusal(language, hits), flags=flags)
        best = max(candidates, key=lambda c: c.score)
        if best.cosine < self._settings.min_relevance or best.score < self._settings.min_sentence_support:
            return replace(self.refusal(language, hits), flags=flags)
        chosen = [best]
        same_chunk_next = [c for c in candidates if c.hit_rank == best.hit_rank and c.position == best.position + 1]
        others = sorted((c for c in candidates if c is not best), key=lambda c: -c.score)
        for cand in [*same_chunk_next, *others]:
            if len(chosen) >= self._settings.max_sentences:
                break
            if cand not in chosen and (cand in same_chunk_next or cand.score >= 0.85 * best.score):
                chosen.append(cand)
        chosen.sort(key=lambda c: (c.hit_rank, c.position))
        return replace(self._compose(language, clean, chosen), hits=list(hits), flags=flags)

    def _candidates(
        self, question: str, hits: Sequence[SearchHit], query_vector: Sequence[float] | None
    ) -> list[_Candidate]:
        raw = passage_sentences([hit.chunk.text for hit in hits], _MIN_SENTENCE_CHARS)
        if not raw:
            return []
        embedder = self._searcher.embedder
        q = np.asarray(query_vector, dtype=np.float32) if query_vector is not None else None
        if q is None:
            q = embedder.embed_queries([question])[0]
        vectors = embedder.embed_passages([s for _, _, s in raw])
        dense = vectors @ q
        terms = content_terms(question)
        out = []
        for (rank, position, sentence), cosine in zip(raw, np.asarray(dense), strict=True):
            lexical = support(terms, sentence)
            chunk_prior = 1.0 / (1.0 + 0.05 * rank)  # retrieval rank, whatever the scoring of the index
            # cosines of e5 sit in a narrow band (~0.7-0.95): rescale before mixing with lexical overlap
            score = question_relevance(float(cosine), lexical) * chunk_prior
            out.append(_Candidate(rank, position, sentence, score, float(cosine)))
        return out

    def _compose(self, language: str, hits: Sequence[SearchHit], chosen: list[_Candidate]) -> Answer:
        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        lines = [messages.text("lead", language)]
        for cand in chosen:
            if cand.hit_rank not in numbers:
                numbers[cand.hit_rank] = len(numbers) + 1
                chunk = hits[cand.hit_rank].chunk
                citations.append(Citation(chunk.source, chunk.chunk_id, chunk.title))
            lines.append(f"« {cand.text} » [{numbers[cand.hit_rank]}]")
        doc_languages = {hits[c.hit_rank].chunk.language for c in chosen}
        if doc_languages and doc_languages != {language}:
            lines.append(messages.text("quoted_in", language))
        return Answer(
            answer="\n".join(lines),
            citations=citations,
            refused=False,
            language=language,
            mode=MODE,
            notice=messages.text("extractive_notice", language),
            hits=list(hits),
        )
