"""``eval harvest`` / ``eval promote``: rated answers from a real (SQLite) audit log into a review file, pseudonymized
again by a fake protector; reviewed entries into a question set; the two commands through typer."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli import eval_loop, output
from assistant.container import Container
from assistant.core.protection import TextProtector
from assistant.settings import Settings, load_settings
from audit.entry import AuditEntry, AuditPayload, RetrievedChunk
from audit.factory import build_audit_log
from audit.log import AuditLog
from audit.sqlite_store import SqliteAuditStore
from eval.golden import load_golden
from eval.harvest import harvest, rating_matches, write_review
from eval.promote import promote
from tests.contracts.audit_support import PERSON, Clock, make_log
from tests.fakes import FakeProtector

pytestmark = pytest.mark.unit
DAY1 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def day(n: int) -> datetime:
    return DAY1 + timedelta(days=n - 1)


def answer_entry(question: str, **header: Any) -> AuditEntry:
    chunks = header.pop("retrieved", (RetrievedChunk("a1", "doc-a", 0.9),))
    return AuditEntry(
        operation="ask",
        role=header.pop("role", "store"),
        store=header.pop("store", None),
        use_case="store_qa",
        retrieved=chunks,
        cited_chunks=header.pop("cited", ()),
        extra={"language": "fr", **header.pop("extra", {})},
        payload=AuditPayload(
            user_id="user-1",
            question=question,
            answer=header.pop("answer", "Sous 30 jours avec le ticket."),
            citations=header.pop("citations", ()),
        ),
        **header,
    )


class Trail:
    """A SQLite audit log whose clock the test sets."""

    def __init__(self, path: Path) -> None:
        self.clock = Clock()
        self.log: AuditLog = make_log(SqliteAuditStore(path), self.clock)

    def ask(self, when: datetime, question: str = "Retour sans ticket ?", **header: Any) -> int:
        self.clock.now = when
        return self.log.record(answer_entry(question, **header)).seq

    def rate(self, when: datetime, seq: int, rating: int, comment: str | None = None) -> int:
        self.clock.now = when
        return self.log.add_feedback(seq, rating, comment, user="user-2").seq


@pytest.fixture
def trail(tmp_path: Path) -> Trail:
    return Trail(tmp_path / "audit.sqlite3")


def seqs(trail: Trail, since: datetime, rating: str) -> list[int]:
    entries, _ = harvest(trail.log, FakeProtector(), since, rating)
    return [e.seq for e in entries]


@pytest.mark.parametrize(
    ("since", "rating", "expected"),
    [
        (day(1), "down", [1, 5]),
        (day(1), "up", [3]),
        (day(1), "any", [1, 3, 5, 7]),
        (day(2), "down", [5]),
        (day(3), "any", [5, 7]),
        (day(4), "any", []),
    ],
)
def test_filters_by_date_and_rating(trail: Trail, since: datetime, rating: str, expected: list[int]) -> None:
    a = trail.ask(day(1))
    trail.rate(day(1), a, -1)
    b = trail.ask(day(2))
    trail.rate(day(2), b, +1)
    c = trail.ask(day(3))
    trail.rate(day(3), c, 2)  # two stars
    d = trail.ask(day(3))
    trail.rate(day(3), d, 3)  # three stars: neither up nor down
    trail.ask(day(3))  # never rated
    assert (a, b, c, d) == (1, 3, 5, 7)
    assert seqs(trail, since, rating) == expected


@pytest.mark.parametrize(
    ("rating", "down", "up"),
    [(-1, True, False), (1, False, True), (2, True, False), (3, False, False), (5, False, True)],
)
def test_rating_matches(rating: int, down: bool, up: bool) -> None:
    assert (rating_matches(rating, "down"), rating_matches(rating, "up"), rating_matches(rating, "any")) == (
        down,
        up,
        True,
    )


def test_the_date_is_the_feedbacks_and_the_latest_rating_counts(trail: Trail) -> None:
    a = trail.ask(day(1))
    first = trail.rate(day(1), a, -1, "faux")
    second = trail.rate(day(2), a, +1, "en fait c'est bon")
    assert seqs(trail, day(1), "down") == []  # the latest rating is a thumb up
    entries, report = harvest(trail.log, FakeProtector(), day(1), "any")
    assert [(e.seq, e.feedback_seqs, e.rating) for e in entries] == [(a, (first, second), 1)]
    assert entries[0].comment == "faux\n\nen fait c'est bon"
    assert report.as_json() == {"feedback_read": 2, "entries": 1, "skipped": {}}
    later, _ = harvest(trail.log, FakeProtector(), day(2), "any")  # an answer given before --since, rated after
    assert [(e.seq, e.feedback_seqs, e.comment) for e in later] == [(a, (second,), "en fait c'est bon")]


def test_an_entry_carries_the_seq_the_sources_and_empty_review_fields(trail: Trail, tmp_path: Path) -> None:
    retrieved = (
        RetrievedChunk("a1", "doc-a", 0.9),
        RetrievedChunk("b1", "doc-b", 0.8),
        RetrievedChunk("a2", "doc-a", 0.7),
    )
    seq = trail.ask(day(1), retrieved=retrieved, cited=("a2",), citations=("Retours et remboursements",),
                    store="S042", extra={"follow_up_of": 3})  # fmt: skip
    trail.rate(day(1), seq, -1, "il manque le délai")
    names = {"doc-a": "retours-remboursements"}
    entries, _ = harvest(trail.log, FakeProtector(), day(1), "down", source_name=names.get)
    path = tmp_path / "review.jsonl"
    write_review(entries, path)
    [line] = path.read_text(encoding="utf-8").splitlines()
    entry = json.loads(line)
    assert entry == {
        "id": f"h-{seq}",
        "seq": seq,
        "feedback_seqs": [seq + 1],
        "date": entry["date"],
        "role": "store",
        "store": "S042",
        "use_case": "store_qa",
        "language": "fr",
        "follow_up_of": 3,
        "question": "Retour sans ticket ?",
        "answer": "Sous 30 jours avec le ticket.",
        "refused": False,
        "fallback": False,
        "error": None,
        "sources": [
            {"doc_id": "doc-a", "stem": "retours-remboursements", "cited": True},
            {"doc_id": "doc-b", "stem": None, "cited": False},
        ],
        "citations": ["Retours et remboursements"],
        "rating": -1,
        "comment": "il manque le délai",
        "expected_answer": "",
        "expected_keywords": [],
        "answerable": None,
        "gold": [],
    }
    assert entry["date"].startswith("2025-03-01T09:00:00")


def test_planted_personal_data_is_pseudonymized_and_tokens_are_kept(trail: Trail, tmp_path: Path) -> None:
    seq = trail.ask(day(1), f"Le client Dupont et {PERSON} veulent un avoir", answer="Voir Marchand.",
                    citations=("Note de Dupont",))  # fmt: skip
    trail.rate(day(1), seq, -1, "Marchand dit que c'est faux")
    entries, _ = harvest(trail.log, FakeProtector(), day(1), "down")
    path = tmp_path / "review.jsonl"
    write_review(entries, path)
    written = path.read_text(encoding="utf-8")
    assert "Dupont" not in written and "Marchand" not in written
    entry = json.loads(written)
    assert entry["question"] == f"Le client <PERSON_0> et {PERSON} veulent un avoir"
    assert entry["comment"] == "<PERSON_1> dit que c'est faux"
    assert (entry["answer"], entry["citations"]) == ("Voir <PERSON_1>.", ["Note de <PERSON_0>"])


def test_erased_answers_and_other_records_are_left_out(trail: Trail) -> None:
    kept = trail.ask(day(1))
    trail.rate(day(1), kept, -1)
    erased = trail.ask(day(1), f"Et {PERSON} ?")
    trail.rate(day(1), erased, -1)
    trail.clock.now = day(1)
    draft = trail.log.record(AuditEntry(operation="draft", role="marketing", payload=AuditPayload(question="x"))).seq
    trail.rate(day(1), draft, -1)
    trail.log.forget(PERSON)
    entries, report = harvest(trail.log, FakeProtector(), day(1), "down")
    assert [e.seq for e in entries] == [kept]
    assert report.as_json() == {"feedback_read": 3, "entries": 1, "skipped": {"erased": 1, "not_an_answer": 1}}


def test_an_unknown_rating_filter_is_refused(trail: Trail) -> None:
    with pytest.raises(ValueError, match="down, up, any"):
        harvest(trail.log, FakeProtector(), day(1), "sideways")


# -- promote ----------------------------------------------------------------------------------------------------
def review_line(n: int, **fields: Any) -> str:
    """A review entry as harvest writes it (``n``: its seq), with ``fields`` filled or changed by the reviewer."""
    entry = {"id": f"h-{n}", "seq": n, "question": f"Question {n} ?", "language": "fr", "role": "store",
             "store": None, "expected_answer": "", "expected_keywords": [], "answerable": None, "gold": []}  # fmt: skip
    entry.update(fields)
    return json.dumps(entry, ensure_ascii=False)


DATASET = '{"id": "q01", "question": "Déjà là ?", "language": "fr", "gold": ["a"], "answerable": true}\n'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (review_line(5, expected_keywords=["30 jours"]), "line 1: fill 'gold'"),
        (review_line(5, gold=["doc-a"], answerable=True), "line 1: fill 'expected_keywords'"),
        (review_line(5, expected_answer="Sous 30 jours."), "line 1: fill 'expected_keywords'"),
        (review_line(5, answerable="yes"), "line 1: 'answerable' must be true, false or null"),
        (review_line(5, expected_keywords="30 jours", gold=["a"]), "line 1: 'expected_keywords' must be a list"),
        (review_line(5, gold="doc-a", expected_keywords=["x"]), "line 1: 'gold' must be a list"),
        (review_line(5, seq=None, answerable=False), "line 1: 'seq' is missing"),
        (review_line(5, question=" ", answerable=False), "line 1: 'question' is empty"),
        ('{"seq": 5,', "line 1: not JSON"),
        ("[1, 2]", "line 1: not a JSON object"),
        (review_line(9, id="x", seq=1, answerable=False, question="Déjà  LÀ ?"), "already in data.jsonl as q01"),
    ],
)
def test_promote_names_the_line_and_the_field(tmp_path: Path, line: str, message: str) -> None:
    review, dataset = tmp_path / "review.jsonl", tmp_path / "data.jsonl"
    review.write_text(line + "\n", encoding="utf-8")
    dataset.write_text(DATASET, encoding="utf-8")
    report = promote(review, dataset)
    assert report.promoted == []
    assert len(report.refused) == 1 and message in str(report.refused[0])
    assert dataset.read_text(encoding="utf-8") == DATASET  # nothing written


def test_promote_appends_the_reviewed_entries_and_refuses_duplicates(tmp_path: Path) -> None:
    review, dataset = tmp_path / "review.jsonl", tmp_path / "data.jsonl"
    dataset.write_text(DATASET.rstrip("\n"), encoding="utf-8")  # no final newline: one is added
    lines = [
        review_line(5, expected_keywords=["30 jours", " "], gold=["retours"], expected_answer="Sous 30 jours."),
        review_line(6),  # not reviewed yet
        review_line(7, answerable=False, role="hq", store="S042"),
        review_line(8, expected_keywords=["x"]),  # no gold: refused, the batch goes on
        review_line(5, question="Autre ?", answerable=False),  # h-5 again
        "",
        review_line(9, question="question 5 ?", answerable=False),  # the same question as h-5
    ]
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = promote(review, dataset)
    assert report.promoted == ["h-5", "h-7"] and report.pending == 1
    assert [(r.line, r.message.split(" (")[0]) for r in report.refused] == [
        (4, "fill 'gold'"),
        (5, "h-5 is already in data.jsonl"),
        (7, "the same question is already in data.jsonl as h-5"),
    ]
    golden = {q.id: q for q in load_golden(dataset)}  # the question-set format, validated by its own loader
    assert list(golden) == ["q01", "h-5", "h-7"]
    five, seven = golden["h-5"], golden["h-7"]
    assert (five.gold, five.expected_keywords, five.answerable, five.expected_answer) == (
        ("retours",),
        ("30 jours",),
        True,
        "Sous 30 jours.",
    )
    assert (seven.answerable, seven.gold, seven.role, seven.store, seven.tags) == (
        False,
        (),
        "hq",
        "S042",
        ("harvested",),
    )
    again = promote(review, dataset)  # a second run adds nothing
    assert again.promoted == [] and {r.line for r in again.refused} == {1, 3, 4, 5, 7}


def test_promote_pseudonymizes_what_the_reviewer_typed(tmp_path: Path) -> None:
    review, dataset = tmp_path / "review.jsonl", tmp_path / "new" / "data.jsonl"
    dataset.parent.mkdir()
    review.write_text(
        review_line(5, expected_keywords=["Dupont"], gold=["a"], expected_answer="Demander à Marchand.") + "\n"
    )
    assert promote(review, dataset, FakeProtector()).promoted == ["h-5"]
    [row] = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines()]
    assert (row["expected_keywords"], row["expected_answer"]) == (["<PERSON_0>"], "Demander à <PERSON_1>.")


# -- the commands ---------------------------------------------------------------------------------------------------
class FakeProtectorContainer(Container):
    @cached_property
    def protector(self) -> TextProtector:
        return FakeProtector()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[typer.Typer, Settings]:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_PRIVACY_SECRETS_DIR", str(tmp_path / "secrets"))
    monkeypatch.setattr(output, "container_factory", FakeProtectorContainer)
    app = typer.Typer()
    eval_loop.register(app)
    return app, load_settings()


def invoke(app: typer.Typer, *args: str, expect: int = 0) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == expect, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def test_the_commands(cli: tuple[typer.Typer, Settings], tmp_path: Path) -> None:
    app, settings = cli
    log = build_audit_log(settings.audit, settings.data_dir, settings.privacy.secrets_dir)
    seq = log.record(answer_entry("Le client Dupont peut-il rendre un pull ?")).seq
    log.add_feedback(seq, -1, "Marchand dit non")
    log.close()
    review = tmp_path / "review.jsonl"
    args = ("harvest", "--since", "2000-01-01", "--out", str(review), "--reviewer", "alice", "--json")
    summary = invoke(app, *args)
    assert summary == {"out": str(review), "rating": "down", "feedback_read": 1, "entries": 1, "skipped": {}}
    text = review.read_text(encoding="utf-8")
    assert "Dupont" not in text and "Marchand" not in text and f'"seq": {seq}' in text
    db = sqlite3.connect(settings.data_dir / "audit.sqlite3")
    assert [r[0] for r in db.execute("SELECT operation FROM audit_records ORDER BY seq")][-1] == "eval.harvest"
    db.close()
    assert "exists" in invoke(app, *args, expect=2)["error"]["message"]
    assert invoke(app, *args[:-1], "--force", "--rating", "sideways", "--json", expect=2)["error"]["type"] == (
        "ConfigurationError"
    )
    entry = json.loads(text)
    review.write_text(json.dumps({**entry, "expected_keywords": ["30 jours"]}) + "\n", encoding="utf-8")
    dataset = tmp_path / "golden.jsonl"
    refused = invoke(app, "promote", str(review), str(dataset), "--json", expect=1)
    assert refused["promoted"] == 0 and refused["refused"][0]["line"] == 1
    assert refused["refused"][0]["message"].startswith("fill 'gold'")
    review.write_text(json.dumps({**entry, "expected_keywords": ["30 jours"], "gold": ["a"]}) + "\n", encoding="utf-8")
    assert "1 question(s) added" in invoke(app, "promote", str(review), str(dataset))
    assert [q.id for q in load_golden(dataset)] == [f"h-{seq}"]
