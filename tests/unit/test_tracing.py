"""Spans: the right names and attributes, and never content or personal data unless the debug flag is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from assistant.core import tracing
from assistant.core.tracing import TelemetrySettings
from assistant.index.traced import TracedIndex
from assistant.retrieval.access import AccessPolicy
from assistant.retrieval.searcher import Searcher
from ingestion.chunking import Chunker
from ingestion.parsers import default_registry
from ingestion.pipeline import Ingestor
from ingestion.registry import SqliteDocumentRegistry
from tests.fakes import FakeEmbedder, FakeProtector, FakeSparseEncoder, InMemoryIndex

pytestmark = pytest.mark.unit
SEEDED = ("Marchand", "sophie.marchand@example.fr", "06 12 34 56 78")
_EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        tracing.configure(TelemetrySettings())
        provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    if not getattr(provider, "_test_exporter", False):
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        provider._test_exporter = True  # type: ignore[attr-defined]
    _EXPORTER.clear()
    yield _EXPORTER
    _EXPORTER.clear()
    tracing._state["capture_content"] = False


def flat(spans: tuple[ReadableSpan, ...]) -> str:
    parts = []
    for s in spans:
        parts.append(s.name)
        parts.extend(f"{k}={v!s}" for k, v in (s.attributes or {}).items())
        parts.extend(e.name + str(e.attributes) for e in s.events)
        parts.append(str(s.status.description))
    return "\n".join(parts)


def rig(tmp_path: Path) -> tuple[Ingestor, Searcher]:
    index = TracedIndex(InMemoryIndex())
    protector = FakeProtector(("Marchand",))
    ingestor = Ingestor(
        default_registry(),
        Chunker(300, 50, 0),
        FakeEmbedder(),
        FakeSparseEncoder(),
        index,
        SqliteDocumentRegistry(tmp_path / "reg.sqlite"),
        known_audiences={"store"},
        default_audience=["store"],
        languages=["fr"],
        max_file_bytes=10_000,
        model_id="m",
        protector=protector,
    )

    def protect_query(text: str, language: str) -> str:
        return protector.protect([text], [language])[0].text.replace(SEEDED[1], "<EMAIL_1>").replace(SEEDED[2], "<P>")

    searcher = Searcher(
        FakeEmbedder(),
        FakeSparseEncoder(),
        index,
        AccessPolicy({"store": ["store"]}),
        languages=["fr"],
        protect_query=protect_query,
    )
    return ingestor, searcher


def test_ingest_and_search_spans_carry_counts_but_no_personal_data(tmp_path: Path, spans: InMemorySpanExporter) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# Note\n\nSophie Marchand gère les retours du magasin, 30 jours.\n")
    ingestor, searcher = rig(tmp_path)
    ingestor.ingest([docs])
    prepared = searcher.prepare_query(f"Que dit Marchand ({SEEDED[1]}, {SEEDED[2]}) des retours ?", "store", 3)
    assert prepared is not None
    hits = searcher.index.search(prepared.request)
    assert hits
    finished = spans.get_finished_spans()
    names = {s.name for s in finished}
    assert {"ingest", "ingest.document", "pseudonymize", "embed", "index.upsert", "retrieve"} <= names
    retrieve = next(s for s in finished if s.name == "retrieve")
    assert retrieve.attributes is not None
    assert retrieve.attributes["assistant.hits"] == len(hits)
    assert retrieve.attributes["assistant.acl_audiences"] == "store"
    ingest = next(s for s in finished if s.name == "ingest")
    assert ingest.attributes is not None
    assert int(str(ingest.attributes["assistant.chunks_embedded"])) >= 1
    dump = flat(finished)
    for value in (*SEEDED, "Sophie", "retours du magasin"):
        assert value not in dump


def test_a_failing_step_records_the_error_type_not_its_message(spans: InMemorySpanExporter) -> None:
    with pytest.raises(ValueError, match="Marchand"), tracing.span("generate"):
        raise ValueError("cannot answer Marchand at sophie.marchand@example.fr")
    (failed,) = spans.get_finished_spans()
    assert failed.attributes is not None and failed.attributes["error.type"] == "ValueError"
    assert failed.status.status_code == trace.StatusCode.ERROR
    assert "Marchand" not in flat((failed,))


@pytest.mark.parametrize(
    ("capture", "key", "kept"),
    [
        (False, "assistant.question", False),
        (True, "assistant.question", True),
        (False, "assistant.hits", True),
        (False, "gen_ai.request.model", True),
        (True, "user.email", False),  # outside the allow-list whatever the flag
        (True, "http.url", False),
    ],
)
def test_attribute_allow_list(spans: InMemorySpanExporter, capture: bool, key: str, kept: bool) -> None:
    tracing._state["capture_content"] = capture
    with tracing.span("validate", **{key.replace(".", "__"): "x"}):
        pass
    (done,) = spans.get_finished_spans()
    assert (key in (done.attributes or {})) is kept


def test_trace_id_is_the_active_span_id_in_hex(spans: InMemorySpanExporter) -> None:
    assert tracing.trace_id() == ""
    with tracing.span("ask") as current:
        tid = tracing.trace_id()
        assert tid == format(current.get_span_context().trace_id, "032x")
        assert len(tid) == 32 and int(tid, 16) != 0


def test_generate_span_carries_genai_attributes_and_no_content(spans: InMemorySpanExporter) -> None:
    from assistant.llm.ports import ChatMessage, LlmUnavailableError
    from assistant.llm.traced import TracedChatModel
    from tests.fakes import ScriptedChatModel

    chat = TracedChatModel(ScriptedChatModel("Marchand valide les retours.", LlmUnavailableError("down")))
    messages = [ChatMessage("user", "Qui valide les retours, Marchand ?")]
    assert "".join(chat.stream(messages, max_tokens=64)) == "Marchand valide les retours."
    with pytest.raises(LlmUnavailableError):
        chat.complete(messages)
    ok, down = spans.get_finished_spans()
    assert ok.name == down.name == "generate"
    assert ok.attributes is not None
    assert ok.attributes["gen_ai.request.model"] == "scripted-model"
    assert ok.attributes["gen_ai.operation.name"] == "chat"
    assert ok.attributes["gen_ai.usage.output_tokens"] == 4
    assert ok.attributes["gen_ai.request.max_tokens"] == 64
    assert down.attributes is not None and down.attributes["error.type"] == "LlmUnavailableError"
    assert "Marchand" not in flat((ok, down))


def test_service_nests_every_step_under_one_ask_trace_even_across_threads(
    tmp_path: Path, spans: InMemorySpanExporter
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from assistant.answering.extractive import ExtractiveAnswerer
    from assistant.finops.settings import CostSettings
    from assistant.recording import Recorder
    from assistant.service import Asker, QueryService
    from assistant.settings import AnswerSettings
    from audit.factory import build_audit_log
    from audit.settings import AuditSettings
    from audit.views import AuditFilters

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "retours.md").write_text("# Retours\n\nLe client a 30 jours pour rendre un article.\n")
    ingestor, searcher = rig(tmp_path)
    ingestor.ingest([docs])
    log = build_audit_log(AuditSettings(sqlite_path=tmp_path / "a.sqlite3"), tmp_path, tmp_path / "secrets")
    answerer = ExtractiveAnswerer(searcher, AnswerSettings(min_relevance=0.0, min_sentence_support=0.0), ["fr"])
    recorder = Recorder(log, AccessPolicy({"store": ["store"]}), CostSettings(), lambda u: "<USER_0000000000000000>")
    service = QueryService(answerer, recorder)
    spans.clear()
    events = service.stream("Combien de jours pour rendre un article ?", Asker("store", "u"))
    with ThreadPoolExecutor(max_workers=3) as pool:  # each step pulled by whichever worker is free, as in the UI
        while pool.submit(next, events, None).result() is not None:
            pass
    finished = spans.get_finished_spans()
    (root,) = [s for s in finished if s.name == "ask"]
    children = [s for s in finished if s.name in {"pseudonymize", "embed", "retrieve"}]
    assert {s.name for s in children} >= {"embed", "retrieve"}
    assert all(s.context.trace_id == root.context.trace_id for s in children)
    assert all(s.parent is not None and s.parent.span_id == root.context.span_id for s in children)
    (view,) = log.query(AuditFilters(operation="ask"))
    assert view.header is not None and view.header["trace_id"] == format(root.context.trace_id, "032x")
    log.close()
