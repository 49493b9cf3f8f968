"""Harvest: the answers staff rated, read back from the audit trail into a review file for the golden set.

``assistant eval harvest --since DATE`` reads the ``feedback`` records written since DATE, joins each to the ``ask``
record it rates (``ref_seq``) and writes one JSON object per rated answer (JSON Lines, UTF-8, oldest answer first).
A reviewer fills the last four fields; ``assistant eval promote`` (:mod:`eval.promote`) appends the reviewed entries
to a question set.

The records are not trusted: every free text written (question, answer, comments, citation titles, source names)
goes through the privacy boundary again, so personal data a record should never have held (an older or forged
record) comes out as pseudonym tokens; tokens already there are kept as they are. Nothing is re-identified, and a
record whose payload was erased (``forget``) or purged is left out.

Fields of a review entry:

- ``id`` (string): ``h-<seq>``, the id the entry gets in the question set;
- ``seq`` (int): the audit seq of the ``ask`` record (``assistant audit show SEQ``);
- ``feedback_seqs`` (list of int): the audit seqs of its ``feedback`` records read, oldest first;
- ``date`` (string): when the answer was given (UTC, ISO 8601, as recorded);
- ``role`` (string), ``store`` (string or null), ``use_case`` (string or null): who asked, as recorded;
- ``language`` (string): the answer's language as recorded (``fr``, ``en``...);
- ``follow_up_of`` (int or null): the seq of the previous answer when the question was a follow-up (it may only
  make sense with that one);
- ``question`` (string): the question as recorded, pseudonymized;
- ``answer`` (string): the answer given, pseudonymized (empty when the request failed);
- ``refused`` (bool), ``fallback`` (bool), ``error`` (string or null): how the answer came about, as recorded;
- ``sources`` (list of objects): the documents retrieved, best first, each ``{"doc_id", "stem", "cited"}``: its
  id, the stem of its file name when the document is still indexed (else null; pseudonymized) and whether the
  answer cited it;
- ``citations`` (list of strings): the titles of the passages the answer quoted, as recorded (pseudonymized);
- ``rating`` (int): the latest rating given (-1/+1 thumbs, 2..5 stars; see :func:`rating_matches`);
- ``comment`` (string): the comments of every feedback record, oldest first, separated by a blank line
  (pseudonymized);
- to fill: ``expected_answer`` (string), ``expected_keywords`` (list of strings: each must be in a correct answer),
  ``answerable`` (true, false, or null until reviewed), ``gold`` (list of the document ids or file stems that
  answer the question; see ``sources``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from assistant.core.protection import TextProtector
from assistant.core.text import detect_language
from audit.views import AuditFilters, AuditView

RATINGS = ("down", "up", "any")
Progress = Callable[[int, int], None]  # (entries protected so far, entries in all)
SourceName = Callable[[str], str | None]  # doc id -> the stem of its file name (None: not indexed any more)


class TrailReader(Protocol):
    """The audit trail as the harvest reads it (:class:`audit.log.AuditLog`, or a reader that records the access)."""

    def query(self, filters: AuditFilters) -> Iterable[AuditView]: ...

    def get(self, seq: int) -> AuditView | None: ...


def rating_matches(rating: int, wanted: str) -> bool:
    """``down``: a thumb down (-1) or 2 stars; ``up``: a thumb up (+1) or 4-5 stars; ``any``: every rating. A 1 is
    taken as a thumb up (the chat sends -1/+1 only): one star cannot be told apart from it."""
    if wanted not in RATINGS:
        raise ValueError(f"rating {wanted!r}: use one of {', '.join(RATINGS)}")
    if wanted == "down":
        return rating in (-1, 2)
    if wanted == "up":
        return rating == 1 or rating >= 4
    return True


@dataclass(frozen=True)
class Source:
    doc_id: str
    stem: str | None
    cited: bool


@dataclass(frozen=True)
class ReviewEntry:
    seq: int
    feedback_seqs: tuple[int, ...]
    date: str
    role: str | None
    store: str | None
    use_case: str | None
    language: str
    follow_up_of: int | None
    question: str
    answer: str
    refused: bool
    fallback: bool
    error: str | None
    sources: tuple[Source, ...]
    citations: tuple[str, ...]
    rating: int
    comment: str
    expected_answer: str = ""
    expected_keywords: tuple[str, ...] = ()
    answerable: bool | None = None
    gold: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"h-{self.seq}"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {"id": self.id, **{k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}}


@dataclass
class HarvestReport:
    """Counts only: ``feedback`` records read, ``entries`` written, and per reason the feedback records left out
    (``rating``: the answers whose latest rating did not match)."""

    feedback: int = 0
    entries: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def as_json(self) -> dict[str, Any]:
        return {"feedback_read": self.feedback, "entries": self.entries, "skipped": dict(sorted(self.skipped.items()))}


@dataclass
class _Rated:
    ask: AuditView
    feedback: list[AuditView]


def _rated_asks(trail: TrailReader, since: datetime, report: HarvestReport) -> list[_Rated]:
    """The ask records rated since ``since`` with their feedback records, by ask seq."""
    by_seq: dict[int, _Rated] = {}
    for view in trail.query(AuditFilters(since=since, operation="feedback")):
        report.feedback += 1
        ref = (view.header or {}).get("ref_seq")
        if not isinstance(ref, int) or not isinstance((view.header or {}).get("rating"), int):
            report.skip("no_rating")
            continue
        if ref in by_seq:
            by_seq[ref].feedback.append(view)
            continue
        ask = trail.get(ref)
        if ask is None or ask.header is None or ask.header.get("operation") != "ask":
            report.skip("not_an_answer")  # a rated draft, or a record purged since
        elif ask.state != "readable":
            report.skip("erased")  # shredded (forget) or unreadable: nothing of it is harvested
        elif not (ask.payload or {}).get("question"):
            report.skip("no_question")  # its pseudonymization failed when it was recorded
        else:
            by_seq[ref] = _Rated(ask, [view])
    return [by_seq[seq] for seq in sorted(by_seq)]


def _sources(header: dict[str, Any], name: SourceName | None) -> list[tuple[str, str | None, bool]]:
    cited_chunks = set(header.get("cited_chunks") or [])
    docs: dict[str, bool] = {}
    for hit in header.get("retrieved") or []:
        doc_id = str(hit.get("doc_id", ""))
        if doc_id:
            docs[doc_id] = docs.get(doc_id, False) or hit.get("chunk_id") in cited_chunks
    return [(doc_id, name(doc_id) if name else None, cited) for doc_id, cited in docs.items()]


def _entry(rated: _Rated, protect: Callable[[list[str]], list[str]], name: SourceName | None) -> ReviewEntry:
    header, payload = rated.ask.header or {}, rated.ask.payload or {}
    extra = header.get("extra") or {}
    comments = [str(c) for f in rated.feedback if (c := (f.payload or {}).get("comment"))]
    citations = [str(c) for c in payload.get("citations") or []]
    sources = _sources(header, name)
    stems = [s for _, s, _ in sources if s]
    texts = [str(payload["question"]), str(payload.get("answer") or ""), "\n\n".join(comments), *citations, *stems]
    safe = protect(texts)
    question, answer, comment = safe[:3]
    safe_citations, safe_stems = safe[3 : 3 + len(citations)], iter(safe[3 + len(citations) :])
    follow = extra.get("follow_up_of")
    return ReviewEntry(
        seq=rated.ask.seq,
        feedback_seqs=tuple(f.seq for f in rated.feedback),
        date=str(header.get("ts", "")),
        role=header.get("role"),
        store=header.get("store"),
        use_case=header.get("use_case"),
        language=str(extra.get("language") or ""),
        follow_up_of=follow if isinstance(follow, int) else None,
        question=question,
        answer=answer,
        refused=bool(header.get("refused")),
        fallback=bool(header.get("fallback")),
        error=header.get("error"),
        sources=tuple(Source(doc_id, next(safe_stems) if stem else None, cited) for doc_id, stem, cited in sources),
        citations=tuple(safe_citations),
        rating=int((rated.feedback[-1].header or {})["rating"]),
        comment=comment,
    )


def harvest(
    trail: TrailReader,
    protector: TextProtector,
    since: datetime,
    rating: str = "down",
    *,
    languages: Sequence[str] = ("fr",),
    source_name: SourceName | None = None,
    progress: Progress | None = None,
) -> tuple[list[ReviewEntry], HarvestReport]:
    """One review entry per answer rated since ``since`` whose latest rating matches ``rating`` (see
    :func:`rating_matches`), every free text through ``protector`` (each in its detected language among
    ``languages``, the answer's own by default). ``source_name``: a document id -> its file stem."""
    if rating not in RATINGS:
        raise ValueError(f"rating {rating!r}: use one of {', '.join(RATINGS)}")
    report = HarvestReport()
    chosen = []
    for rated in _rated_asks(trail, since, report):
        if rating_matches(int((rated.feedback[-1].header or {})["rating"]), rating):
            chosen.append(rated)
        else:
            report.skip("rating")  # counted once per answer, whatever its number of feedback records
    entries = []
    for number, rated in enumerate(chosen, 1):
        default = str(((rated.ask.header or {}).get("extra") or {}).get("language") or languages[0])

        def protect(texts: list[str], default: str = default) -> list[str]:
            full = [i for i, t in enumerate(texts) if t.strip()]  # empty texts need no protection
            langs = [detect_language(texts[i], languages, default) for i in full]
            safe = list(texts)
            for i, done in zip(full, protector.protect([texts[i] for i in full], langs), strict=True):
                safe[i] = done.text
            return safe

        entries.append(_entry(rated, protect, source_name))
        if progress is not None:
            progress(number, len(chosen))
    report.entries = len(entries)
    return entries, report


def write_review(entries: Iterable[ReviewEntry], path: Path) -> None:
    """The review file (one entry per line), written whole or not at all."""
    part = path.with_name(f".{path.name}.part")
    with part.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(e.as_json(), ensure_ascii=False) + "\n" for e in entries)
    os.replace(part, path)
