"""Answer quality on a golden question set, through the answerer exactly as staff use it: streamed (the language of
a streamed answer is judged on its first words, and a wrong one is cut and retried there), pseudonymized (the report
holds no personal data, so an expected keyword must not be a person's name).

Every question is asked with its own ``role``. Reported rates:

- ``answered_correctly``: answerable questions answered (not refused) with every ``expected_keywords`` entry in the
  answer (case-, accent- and space-insensitive; numbers compared by value: "1 500" = "1500", "2,5" = "2.5");
- ``unanswerable_refused``: ``answerable: false`` questions (ACL-denied ones excluded) refused;
- ``acl_denied_refused``: questions about documents the role may not read, refused;
- ``citations_valid``: answers whose every citation is a chunk retrieved for that question and whose every [n]
  marker has a citation (must be 1.0);
- ``language_match``: answers whose text is in the question's language (detected);
plus latency p50/p95 (whole answer, and first sentence shown), token counts, and how many answers came from the
fallback or carry each flag.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answering.citations import cited_numbers, strip_markers
from assistant.answering.ports import AnswerDelta, AnswerDone, Answerer, stream_answer
from assistant.core.domain import Answer
from assistant.core.text import detect_language, fold
from eval.golden import GoldenQuestion
from eval.retrieval import _percentile

TARGETS = {"answered_correctly": 0.90, "unanswerable_refused": 0.90, "acl_denied_refused": 1.0, "citations_valid": 1.0}


def normalise(text: str) -> str:
    """Folded, single-spaced, numbers canonical: thousands separators dropped, decimal comma -> point."""
    text = " ".join(fold(text).split())
    text = re.sub(r"(?<=\d)[ ,](?=\d{3}(?!\d))", "", text)  # 1 500, 1,500 -> 1500 (3-decimal numbers do not occur)
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)  # 2,5 -> 2.5
    return re.sub(r"(\d)\.(\d*?)0+(?!\d)", lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)


def has_keyword(answer: str, keyword: str) -> bool:
    """``keyword`` occurs in ``answer`` (normalised); a keyword starting or ending with a digit must not be part of
    a longer number ("30" is not found in "130" or "30.5")."""
    key = normalise(keyword)
    if not key:
        return True
    pattern = re.escape(key)
    if key[0].isdigit():
        pattern = r"(?<![\d.])" + pattern
    if key[-1].isdigit():
        pattern += r"(?![\d]|\.\d)"
    return re.search(pattern, normalise(answer)) is not None


def citations_valid(answer: Answer) -> bool:
    retrieved = {h.chunk.chunk_id for h in answer.hits}
    if any(c.chunk_id not in retrieved for c in answer.citations):
        return False
    return all(1 <= n <= len(answer.citations) for n in cited_numbers(answer.answer))


@dataclass
class QuestionResult:
    id: str
    kind: str  # answerable, unanswerable, acl_denied
    ok: bool
    refused: bool
    citations_valid: bool
    language_match: bool
    latency_ms: float
    answer: Answer
    first_sentence_ms: float | None = None  # when the first sentence was shown (None: nothing was streamed)

    def as_json(self) -> dict[str, Any]:
        a = self.answer
        return {
            "id": self.id,
            "kind": self.kind,
            "ok": self.ok,
            "refused": self.refused,
            "citations_valid": self.citations_valid,
            "language_match": self.language_match,
            "latency_ms": round(self.latency_ms, 1),
            "first_sentence_ms": None if self.first_sentence_ms is None else round(self.first_sentence_ms, 1),
            "mode": a.mode,
            "fallback": a.fallback,
            "flags": a.flags,
            "grounding": a.grounding,
            "relevance": None if a.relevance is None else round(a.relevance, 3),
            "tokens": {"prompt": a.prompt_tokens, "completion": a.completion_tokens},
            "answer": a.answer,
        }


@dataclass
class GenerationReport:
    results: list[QuestionResult] = field(default_factory=list)

    def _rate(self, kind: str | None, attr: str) -> float | None:
        chosen = [r for r in self.results if kind is None or r.kind == kind]
        return round(sum(bool(getattr(r, attr)) for r in chosen) / len(chosen), 4) if chosen else None

    def summary(self) -> dict[str, Any]:
        latencies = sorted(r.latency_ms for r in self.results)
        firsts = sorted(r.first_sentence_ms for r in self.results if r.first_sentence_ms is not None)
        answers = [r.answer for r in self.results]
        models = Counter(a.model for a in answers if a.model)
        rates = {
            "answered_correctly": self._rate("answerable", "ok"),
            "unanswerable_refused": self._rate("unanswerable", "ok"),
            "acl_denied_refused": self._rate("acl_denied", "ok"),
            "citations_valid": self._rate(None, "citations_valid"),
            "language_match": self._rate(None, "language_match"),
        }
        return {
            "questions": len(self.results),
            "by_kind": dict(Counter(r.kind for r in self.results)),
            **rates,
            "targets_met": {k: _met(rates[k], v) for k, v in TARGETS.items()},
            "latency_p50_ms": round(_percentile(latencies, 50), 1),
            "latency_p95_ms": round(_percentile(latencies, 95), 1),
            "first_sentence_p50_ms": round(_percentile(firsts, 50), 1) if firsts else None,
            "prompt_tokens_total": sum(a.prompt_tokens for a in answers),
            "completion_tokens_total": sum(a.completion_tokens for a in answers),
            "prompt_tokens_mean": round(statistics.mean(a.prompt_tokens for a in answers), 1) if answers else 0.0,
            "fallback_answers": sum(a.fallback for a in answers),
            "modes": dict(Counter(a.mode for a in answers)),
            "flags": dict(Counter(f for a in answers for f in a.flags)),
            "models": dict(models),
            "prompt_versions": dict(Counter(a.prompt_version for a in answers if a.prompt_version)),
        }

    def as_json(self) -> dict[str, Any]:
        return {"summary": self.summary(), "questions": [r.as_json() for r in self.results]}


def _met(rate: float | None, target: float) -> bool | None:
    return None if rate is None else rate >= target


def _kind(q: GoldenQuestion) -> str:
    if q.acl_denied:
        return "acl_denied"
    return "answerable" if q.answerable else "unanswerable"


def evaluate_generation(
    answerer: Answerer,
    questions: Sequence[GoldenQuestion],
    languages: Sequence[str],
    *,
    role: str | None = None,
    progress: Callable[[int, QuestionResult], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> GenerationReport:
    """Ask every question (with its own role unless ``role`` is given) and score the answers."""
    report = GenerationReport()
    for number, q in enumerate(questions, 1):
        started = clock()
        first: float | None = None
        answer: Answer | None = None
        for event in stream_answer(answerer, q.question, role or q.role):
            if isinstance(event, AnswerDelta) and event.text.strip() and first is None:
                first = (clock() - started) * 1000
            elif isinstance(event, AnswerDone):
                answer = event.answer
        assert answer is not None  # the answerer contract: exactly one AnswerDone
        latency = (clock() - started) * 1000
        kind = _kind(q)
        if kind == "answerable":
            ok = not answer.refused and all(has_keyword(answer.answer, k) for k in q.expected_keywords)
        else:
            ok = answer.refused
        text = strip_markers(answer.answer)
        expected = q.language or answer.language
        matched = detect_language(text, languages, default=expected) == expected
        valid = citations_valid(answer)
        result = QuestionResult(q.id, kind, ok, answer.refused, valid, matched, latency, answer, first)
        report.results.append(result)
        if progress is not None:
            progress(number, result)
    return report
