"""QueryService: one audit record per question whatever happens, pseudonymized payloads, privacy on the way out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering.ports import AnswerDelta, AnswerDone, AnswerEvent
from assistant.core.domain import Answer, Chunk, Citation, SearchHit
from assistant.core.errors import InvalidInputError, UnknownRoleError
from assistant.finops.settings import CostSettings
from assistant.recording import Recorder
from assistant.retrieval.access import AccessPolicy
from assistant.service import Asker, QueryService
from audit.errors import AuditStoreError
from audit.factory import build_audit_log
from audit.log import AuditLog
from audit.settings import AuditSettings
from audit.views import AuditFilters

pytestmark = pytest.mark.unit
RAW_NAME = "Sophie Marchand"
TOKEN = "<PERSON_0123456789abcdef>"
ACCESS = AccessPolicy({"store": ["store", "public"], "hr": ["hr", "store"]}, {"hr": "confidential"}, ["store"])


def chunk(i: int) -> Chunk:
    return Chunk(f"c{i}", f"d{i}", f"/docs/d{i}.md", f"Doc {i}", "", f"texte {i}", "fr", ("store",), "h", 0)


class ScriptedAnswerer:
    """Answerer double: answers with a pseudonymized text, or raises, or streams two sentences."""

    def __init__(self, *, fail: Exception | None = None, refused: bool = False, fallback: bool = False) -> None:
        self.fail, self.refused, self.fallback = fail, refused, fallback
        self.questions: list[str] = []

    def _answer(self, role: str) -> Answer:
        ACCESS.filter_for(role)
        return Answer(
            answer="" if self.refused else f"{TOKEN} valide les retours [1]. Sous 30 jours [1].",
            citations=[] if self.refused else [Citation("/docs/d1.md", "c1", "Doc 1")],
            refused=self.refused,
            language="fr",
            mode="extractive" if self.fallback else "generative",
            hits=[SearchHit(chunk(1), 0.91), SearchHit(chunk(2), 0.55)],
            model="" if self.fallback else "qwen-test",
            prompt_version="store_qa@3",
            prompt_tokens=120,
            completion_tokens=30,
            timings_ms={"retrieve": 12.0, "generate": 3600.0},
            grounding=1.0,
            fallback=self.fallback,
            question=f"Qui valide les retours, {TOKEN} ?",
        )

    def ask(self, question: str, role: str, *, store: str | None = None) -> Answer:
        if self.fail:
            raise self.fail
        return self._answer(role)

    def stream(self, question: str, role: str, *, store: str | None = None) -> Iterator[AnswerEvent]:
        answer = self.ask(question, role, store=store)
        self.questions.append(question)
        yield AnswerDelta(f"{TOKEN} valide les retours [1].", "fr")
        yield AnswerDelta(" Sous 30 jours [1].", "fr")
        yield AnswerDone(answer)


class StreamedThenRefused(ScriptedAnswerer):
    """Streams a validated sentence, then refuses the whole answer (a check of the whole failed)."""

    def stream(self, question: str, role: str, *, store: str | None = None) -> Iterator[AnswerEvent]:
        yield AnswerDelta(f"{TOKEN} valide les retours [1].", "fr")
        answer = self._answer(role)
        yield AnswerDone(Answer(**{**answer.__dict__, "answer": "Je n'ai pas trouvé.", "refused": True}))


@pytest.fixture
def log(tmp_path: Path) -> Iterator[AuditLog]:
    audit = build_audit_log(AuditSettings(sqlite_path=tmp_path / "audit.sqlite3"), tmp_path, tmp_path / "secrets")
    yield audit
    audit.close()


def service(log: AuditLog, answerer: object, **kw: object) -> QueryService:
    recorder = Recorder(
        log,
        ACCESS,
        CostSettings(method="gpu_hour", gpu_hour=3.6, concurrency=1.0),
        user_token=lambda user: f"<USER_{'a' * 16}>" if user == "jdupont" else "<USER_bbbbbbbbbbbbbbbb>",
        protect=lambda text: text.replace(RAW_NAME, TOKEN),
        reveal=lambda text, role, language: text.replace(TOKEN, RAW_NAME) if role == "hr" else text,
    )
    return QueryService(
        answerer,  # type: ignore[arg-type]
        recorder,
        may_reidentify=lambda role: role == "hr",
        **kw,  # type: ignore[arg-type]
    )


def records(log: AuditLog) -> list[dict[str, object]]:
    return [{**(v.header or {}), "payload": v.payload} for v in log.query(AuditFilters(operation="ask"))]


def test_an_answer_is_recorded_once_with_the_pseudonymized_texts_and_revealed_only_to_its_reader(
    log: AuditLog,
) -> None:
    answer = service(log, ScriptedAnswerer()).ask(f"Qui valide les retours, {RAW_NAME} ?", Asker("hr", "jdupont"))
    assert RAW_NAME in answer.answer  # hr may re-identify
    (rec,) = records(log)
    assert answer.audit_seq is not None
    payload = rec["payload"]
    assert isinstance(payload, dict)
    assert payload["question"] == f"Qui valide les retours, {TOKEN} ?"
    assert payload["answer"].startswith(TOKEN)  # the pseudonymized answer, never the revealed one
    assert payload["user_id"] == f"<USER_{'a' * 16}>"
    assert rec["retrieved"] == [
        {"chunk_id": "c1", "doc_id": "d1", "score": 0.91},
        {"chunk_id": "c2", "doc_id": "d2", "score": 0.55},
    ]
    assert rec["cited_chunks"] == ["c1"]
    assert rec["acl_filter"] == {"audiences": ["hr", "store"], "max_confidentiality": 2, "stores": None}
    assert (rec["model"], rec["prompt_version"], rec["refused"], rec["fallback"]) == (
        "qwen-test",
        "store_qa@3",
        False,
        False,
    )
    assert rec["tokens"] == {"prompt": 120, "completion": 30}
    assert rec["cost_eur"] == pytest.approx(0.0036)  # 3.6 s at 3.6 per GPU-hour, one request per GPU
    assert rec["extra"]["reidentified"] is True  # type: ignore[index]
    assert RAW_NAME not in str(rec)


@pytest.mark.parametrize(
    ("answerer", "role", "refused", "fallback", "error", "model"),
    [
        (ScriptedAnswerer(refused=True), "store", True, False, None, "qwen-test"),
        (ScriptedAnswerer(fallback=True), "store", False, True, None, "extractive"),
        (
            ScriptedAnswerer(fail=RuntimeError(f"index down near {RAW_NAME}")),
            "store",
            False,
            False,
            "RuntimeError",
            None,
        ),
        (ScriptedAnswerer(), "intern", False, False, "UnknownRoleError", None),
    ],
)
def test_refusals_fallbacks_and_failures_are_recorded_too(
    log: AuditLog,
    answerer: ScriptedAnswerer,
    role: str,
    refused: bool,
    fallback: bool,
    error: str | None,
    model: str | None,
) -> None:
    svc = service(log, answerer)
    if error:
        with pytest.raises((RuntimeError, UnknownRoleError)):
            svc.ask(f"Question sur {RAW_NAME}", Asker(role, "jdupont", "PAR-01"))
    else:
        svc.ask(f"Question sur {RAW_NAME}", Asker(role, "jdupont", "PAR-01"))
    (rec,) = records(log)
    assert (rec["refused"], rec["fallback"], rec["error"], rec.get("model")) == (refused, fallback, error, model)
    assert rec["store"] == "PAR-01"
    assert RAW_NAME not in str(rec)  # the question of a failed call is pseudonymized before it is recorded


def test_streaming_reveals_each_sentence_and_records_once_at_the_end(log: AuditLog) -> None:
    events = list(service(log, ScriptedAnswerer()).stream("Qui valide ?", Asker("hr", "jdupont")))
    deltas = [e.text for e in events if isinstance(e, AnswerDelta)]
    assert deltas == [f"{RAW_NAME} valide les retours [1].", " Sous 30 jours [1]."]
    assert isinstance(events[-1], AnswerDone) and events[-1].answer.audit_seq == 1
    assert len(records(log)) == 1


def test_a_question_the_audit_store_cannot_record_is_not_answered(tmp_path: Path) -> None:
    """A locked (or read-only, or unreachable) store: refused before the answerer runs, not one sentence shown."""
    import sqlite3

    path = tmp_path / "audit.sqlite3"
    settings = AuditSettings(sqlite_path=path, busy_timeout_s=0.2)
    audit = build_audit_log(settings, tmp_path, tmp_path / "secrets")
    answerer = ScriptedAnswerer()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock past the busy timeout
    try:
        stream = service(audit, answerer).stream("Qui valide ?", Asker("store", "jdupont"))
        with pytest.raises(AuditStoreError, match="locked"):
            next(stream)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert answerer.questions == []
    assert records(audit) == []
    audit.close()


def test_a_reader_leaving_mid_stream_still_leaves_one_record(log: AuditLog) -> None:
    stream = service(log, ScriptedAnswerer()).stream("Qui valide ?", Asker("store", "jdupont"))
    next(stream)
    stream.close()
    (rec,) = records(log)
    assert rec["error"] == "Abandoned"


def test_feedback_is_linked_to_the_answer_record(log: AuditLog) -> None:
    svc = service(log, ScriptedAnswerer())
    answer = svc.ask("Qui valide ?", Asker("store", "jdupont"))
    assert answer.audit_seq is not None
    svc.feedback(answer.audit_seq, 1, Asker("store", "jdupont"), comment=f"merci {RAW_NAME}")
    (fb,) = log.query(AuditFilters(operation="feedback"))
    assert fb.header is not None and fb.header["ref_seq"] == answer.audit_seq
    assert fb.payload is not None and fb.payload["comment"] == f"merci {TOKEN}"


def test_concurrent_questions_give_one_record_each_and_the_chain_verifies(log: AuditLog) -> None:
    svc = service(log, ScriptedAnswerer())
    threads = [threading.Thread(target=svc.ask, args=(f"q{i}", Asker("store", f"u{i}"))) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(records(log)) == 20
    assert log.verify().ok


def test_forgetting_the_asker_makes_their_questions_unreadable(log: AuditLog) -> None:
    svc = service(log, ScriptedAnswerer())
    svc.ask("Qui valide ?", Asker("store", "jdupont"))
    svc.ask("Qui valide ?", Asker("store", "someone-else"))
    assert log.forget(f"<USER_{'a' * 16}>") == 1
    states = sorted(v.state for v in log.query(AuditFilters(operation="ask")))
    assert states == ["readable", "shredded"]
    assert log.verify().ok


def test_a_reader_leaving_after_the_final_answer_leaves_no_second_record(log: AuditLog) -> None:
    stream = service(log, ScriptedAnswerer()).stream("Qui valide ?", Asker("store", "jdupont"))
    for event in stream:
        if isinstance(event, AnswerDone):
            break
    stream.close()
    (rec,) = records(log)
    assert rec["error"] is None


@pytest.mark.parametrize(
    ("role", "reidentified"),
    [("hr", True), ("store", False)],
)
def test_sentences_streamed_before_a_refusal_are_recorded_as_shown(
    log: AuditLog, role: str, reidentified: bool
) -> None:
    events = list(service(log, StreamedThenRefused()).stream("Qui valide ?", Asker(role, "jdupont")))
    assert (RAW_NAME in events[0].text) is reidentified  # type: ignore[union-attr]
    (rec,) = records(log)
    assert rec["refused"] is True
    assert rec["extra"]["reidentified"] is reidentified  # type: ignore[index]
    assert rec["extra"]["streamed_then_refused"] is True  # type: ignore[index]
    assert rec["payload"]["answer"] == f"{TOKEN} valide les retours [1].\n\nJe n'ai pas trouvé."  # type: ignore[index]


@pytest.mark.parametrize(
    ("question", "recorded"),
    [
        ("Qui valide \udcff les retours ?", "Qui valide \ufffd les retours ?"),  # a byte that was not UTF-8
        ("Qui valide \ud800 ?", "Qui valide \ufffd ?"),  # a lone surrogate from a JSON escape
        ("Qui valide les retours ?", "Qui valide les retours ?"),
    ],
)
def test_undecodable_characters_are_replaced_before_anything_uses_the_question(
    log: AuditLog, question: str, recorded: str
) -> None:
    answerer = ScriptedAnswerer(fail=RuntimeError("index down"))
    with pytest.raises(RuntimeError):
        service(log, answerer).ask(question, Asker("store", "jdupont"))
    (rec,) = records(log)
    assert rec["payload"]["question"] == recorded  # type: ignore[index]
    ok = ScriptedAnswerer()
    service(log, ok).ask(question, Asker("store", "jdupont"))
    assert ok.questions == [recorded]


def test_a_question_over_the_limit_is_refused_with_the_setting_to_change_and_recorded_cut(log: AuditLog) -> None:
    answerer = ScriptedAnswerer()
    question = f"Qui valide les retours, {RAW_NAME} ? " + "détail " * 400
    too_long = r"2,842 characters.*2,000 allowed.*ASSISTANT_ANSWER_MAX_QUESTION_CHARS"
    with pytest.raises(InvalidInputError, match=too_long):
        service(log, answerer, max_question_chars=2000).ask(question, Asker("store", "jdupont"))
    assert answerer.questions == []  # never searched nor sent to the model
    (rec,) = records(log)
    assert rec["error"] == "InvalidInputError"
    assert rec["payload"]["question"] == question[:2000].replace(RAW_NAME, TOKEN)  # type: ignore[index]
    service(log, answerer, max_question_chars=2000).ask(question[:2000], Asker("store", "jdupont"))
    assert len(answerer.questions) == 1


def test_ctrl_c_while_the_answerer_works_still_leaves_one_record(log: AuditLog) -> None:
    with pytest.raises(KeyboardInterrupt):
        service(log, ScriptedAnswerer(fail=KeyboardInterrupt())).ask("Qui valide ?", Asker("store", "jdupont"))
    (rec,) = records(log)
    assert rec["error"] == "KeyboardInterrupt"


def test_feedback_from_an_unknown_role_is_refused(log: AuditLog) -> None:
    svc = service(log, ScriptedAnswerer())
    answer = svc.ask("Qui valide ?", Asker("store", "jdupont"))
    assert answer.audit_seq is not None
    with pytest.raises(UnknownRoleError):
        svc.feedback(answer.audit_seq, 1, Asker("stagiaire", "jdupont"))
    assert list(log.query(AuditFilters(operation="feedback"))) == []
