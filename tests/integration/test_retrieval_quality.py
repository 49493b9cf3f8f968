"""Search relevance and refusals on the sample golden set (real model, real local Qdrant)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.container import Container
from assistant.core.index import SEARCH_MODES, SearchMode
from eval.golden import load_golden
from eval.metrics import hit_at, reciprocal_rank

pytestmark = pytest.mark.integration
GOLDEN = load_golden()


def ranked_stems(corpus: Container, question: str, role: str, k: int = 10, mode: SearchMode = "hybrid") -> list[str]:
    return [Path(h.chunk.source).stem for h in corpus.searcher.search(question, role, k, mode=mode)]


@pytest.mark.parametrize("mode", SEARCH_MODES)
def test_golden_questions_find_their_documents(corpus: Container, mode: SearchMode) -> None:
    answerable = [q for q in GOLDEN if q.answerable]
    hits5, rr, misses = [], [], []
    for q in answerable:
        ranked = ranked_stems(corpus, q.question, q.role, mode=mode)
        hits5.append(hit_at(ranked, q.gold, 5))
        rr.append(reciprocal_rank(ranked, q.gold))
        if not hits5[-1]:
            misses.append((q.id, q.question, ranked[:3]))
    hit5, mrr = sum(hits5) / len(hits5), sum(rr) / len(rr)
    print(f"\nsample golden set, {mode}: n={len(answerable)} hit@5={hit5:.3f} MRR={mrr:.3f}; misses={misses}")
    assert len(answerable) >= 10
    assert hit5 >= {"dense": 0.9, "sparse": 0.8, "hybrid": 0.9}[mode], misses


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_non_french_questions_find_their_documents(corpus: Container, language: str) -> None:
    questions = [q for q in GOLDEN if q.answerable and q.language == language]
    assert questions
    found = [hit_at(ranked_stems(corpus, q.question, q.role), q.gold, 5) for q in questions]
    assert sum(found) / len(found) >= 0.7  # measured (hybrid, pseudonymized): en 8/11, es 4/4, de 3/3


def test_store_role_never_sees_restricted_documents(corpus: Container) -> None:
    restricted = {r.doc_id for r in corpus.registry.all() if not {"store", "public"} & set(r.audience)}
    assert restricted, "the corpus must hold hq/hr-only documents"
    for q in GOLDEN:
        for hit in corpus.searcher.search(q.question, "store", 20):
            assert hit.chunk.doc_id not in restricted, (q.id, hit.chunk.source)
            assert {"store", "public"} & set(hit.chunk.audience)


def test_extractive_answers_cite_retrieved_chunks_and_refuse_unanswerable(corpus: Container) -> None:
    answered_ok, refused_ok = [], []
    for q in GOLDEN:
        answer = corpus.answerer.ask(q.question, q.role if q.answerable else "store")
        retrieved = {h.chunk.chunk_id for h in answer.hits}
        assert {c.chunk_id for c in answer.citations} <= retrieved
        if q.answerable:
            answered_ok.append(not answer.refused and any(Path(c.source).stem in q.gold for c in answer.citations))
        else:
            refused_ok.append(answer.refused)
    answered, refused = sum(answered_ok) / len(answered_ok), sum(refused_ok) / len(refused_ok)
    print(f"\nextractive: answered from a gold document {answered:.3f}, unanswerable refused {refused:.3f}")
    assert answered >= 0.6  # measured 0.69 (dbsf; 0.68 with boost), pseudonymized corpus, thresholds 0.44 / 0.82
    assert refused >= 0.55  # measured 0.57 (dbsf; 0.62 with boost)
