"""The OpenAI-compatible adapter against an in-process HTTP endpoint double: parsing, usage, error mapping."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import httpx2
import openai
import pytest

from assistant.llm.client_settings import LlmSettings
from assistant.llm.openai_compat import OpenAiCompatibleChatModel, translate_error
from assistant.llm.ports import ChatMessage, Completion, LlmRequestError, LlmUnavailableError

pytestmark = pytest.mark.unit
MESSAGES = [ChatMessage("system", "Réponds en français."), ChatMessage("user", "Bonjour ?")]


def _chunk(delta: dict[str, Any], finish: str | None = None, usage: dict[str, int] | None = None) -> bytes:
    body: dict[str, Any] = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "served-model"}
    body["choices"] = [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]
    if usage:
        body["usage"] = usage
    return b"data: " + json.dumps(body).encode() + b"\n\n"


class Endpoint(BaseHTTPRequestHandler):
    """Answers like an OpenAI-compatible server; the model name picks the behaviour."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        with contextlib.suppress(BrokenPipeError):  # the client gave up (timeout tests)
            self._answer()

    def _answer(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Endpoint.requests.append(body)
        behaviour = body["model"]
        if behaviour.startswith("status-"):
            self.send_response(int(behaviour.removeprefix("status-").removesuffix("-ctx")))
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            text = "This model's maximum context length is 2048 tokens" if behaviour.endswith("-ctx") else "nope"
            self.wfile.write(json.dumps({"error": {"message": text, "type": "x"}}).encode())
            return
        if behaviour == "slow":
            time.sleep(1.5)
        usage = {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
        self.send_response(200)
        if not body.get("stream"):
            message = {"role": "assistant", "content": "Bonjour !"}
            reply = {"id": "c1", "object": "chat.completion", "created": 0, "model": "served-model", "usage": usage}
            reply["choices"] = [{"index": 0, "message": message, "finish_reason": "stop"}]
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(reply).encode())
            return
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        pieces = ["Bon", "jour", " !"] if behaviour != "trickles" else ["mot "] * 40
        for piece in pieces:
            if behaviour == "trickles":  # a token every 0.1 s: each read is quick, the whole never ends in time
                time.sleep(0.1)
            self.wfile.write(_chunk({"content": piece}))
            self.wfile.flush()
        if behaviour == "dies-mid-stream":
            self.wfile.write(b"data: {not json")
            return
        self.wfile.write(_chunk({}, "stop"))
        if behaviour != "no-usage":  # llama.cpp's server sends no usage chunk
            self.wfile.write(_chunk({}, usage=usage))
        self.wfile.write(b"data: [DONE]\n\n")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def model(base_url: str, name: str = "ok", **overrides: Any) -> OpenAiCompatibleChatModel:
    settings = LlmSettings(base_url=base_url, model=name, max_retries=0, **overrides)
    return OpenAiCompatibleChatModel(settings)


def test_complete_reports_text_served_model_and_usage(endpoint: str) -> None:
    done = model(endpoint).complete(MESSAGES, max_tokens=50)
    assert done == Completion("Bonjour !", "served-model", 12, 3, "stop")
    sent = Endpoint.requests[-1]
    assert sent["max_tokens"] == 50
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]


def test_stream_yields_fragments_then_reports_the_completion(endpoint: str) -> None:
    finished: list[Completion] = []
    pieces = list(model(endpoint).stream(MESSAGES, on_complete=finished.append))
    assert pieces == ["Bon", "jour", " !"]
    assert finished == [Completion("Bonjour !", "served-model", 12, 3, "stop")]
    assert Endpoint.requests[-1]["stream_options"] == {"include_usage": True}


def test_stream_without_reported_usage_counts_fragments(endpoint: str) -> None:
    finished: list[Completion] = []
    list(model(endpoint, "no-usage").stream(MESSAGES, on_complete=finished.append))
    assert finished == [Completion("Bonjour !", "served-model", 0, 3, "stop", usage_reported=False)]


def test_astream_matches_stream(endpoint: str) -> None:
    finished: list[Completion] = []

    async def collect() -> list[str]:
        return [p async for p in model(endpoint).astream(MESSAGES, on_complete=finished.append)]

    assert asyncio.run(collect()) == ["Bon", "jour", " !"]
    assert finished[0].completion_tokens == 3


@pytest.mark.parametrize("streaming", ["sync", "async"])
def test_a_generation_past_its_deadline_is_abandoned_though_every_read_was_quick(endpoint: str, streaming: str) -> None:
    chat = model(endpoint, "trickles", timeout_s=0.5, deadline_s=0.6)
    got: list[str] = []
    finished: list[Completion] = []

    async def collect() -> None:
        async for piece in chat.astream(MESSAGES, on_complete=finished.append):
            got.append(piece)

    def run() -> None:
        if streaming == "sync":
            got.extend(chat.stream(MESSAGES, on_complete=finished.append))
        else:
            asyncio.run(collect())

    started = time.monotonic()
    with pytest.raises(LlmUnavailableError, match=r"still generating after 0\.6 s.*ASSISTANT_LLM_DEADLINE_S"):
        run()
    assert time.monotonic() - started < 2.0  # not the 4 s the server would take
    assert 2 <= len(got) < 40 and finished == []


@pytest.mark.parametrize(
    ("name", "error", "fix"),
    [
        ("status-500", LlmUnavailableError, "server logs"),
        ("status-503", LlmUnavailableError, "server logs"),
        ("status-429", LlmUnavailableError, "server logs"),
        ("status-401", LlmRequestError, "ASSISTANT_LLM_API_KEY"),
        ("status-404", LlmRequestError, "ASSISTANT_LLM_MODEL"),
        ("status-400", LlmRequestError, "request limits"),
        ("status-400-ctx", LlmRequestError, "ASSISTANT_LLM_COPY_MAX_SOURCE_CHARS"),  # vLLM's and llama.cpp's wording
    ],
)
def test_http_errors_map_to_one_typed_error_each(endpoint: str, name: str, error: type[Exception], fix: str) -> None:
    with pytest.raises(error, match=fix):
        model(endpoint, name).complete(MESSAGES)
    with pytest.raises(error, match=fix):
        list(model(endpoint, name).stream(MESSAGES))


def test_read_timeout_is_unavailable(endpoint: str) -> None:
    with pytest.raises(LlmUnavailableError, match="timeout"):
        model(endpoint, "slow", timeout_s=0.3).complete(MESSAGES)


def test_broken_stream_is_unavailable_after_the_text_already_given(endpoint: str) -> None:
    got: list[str] = []
    stream = model(endpoint, "dies-mid-stream").stream(MESSAGES)
    got += [next(stream), next(stream), next(stream)]
    with pytest.raises(LlmUnavailableError, match="closed the stream"):
        next(stream)
    assert got == ["Bon", "jour", " !"]


def test_dead_port_is_unavailable_fast() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    with pytest.raises(LlmUnavailableError, match=r"unreachable.*assistant llm serve"):
        model(f"http://127.0.0.1:{port}/v1").complete(MESSAGES)
    assert time.perf_counter() - started < 5


def test_constructing_the_adapter_contacts_nothing() -> None:
    chat = model("http://127.0.0.1:9/v1")
    assert chat.model_name == "ok"


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        (openai.APITimeoutError(request=httpx2.Request("POST", "http://x")), LlmUnavailableError),
        (openai.APIConnectionError(request=httpx2.Request("POST", "http://x")), LlmUnavailableError),
        (httpx.ConnectError("refused"), LlmUnavailableError),
        (httpx2.ReadTimeout("slow"), LlmUnavailableError),
        (TimeoutError(), LlmUnavailableError),
        (ValueError("odd"), LlmRequestError),
    ],
)
def test_translate_error(exc: Exception, error: type[Exception]) -> None:
    translated = translate_error(exc, LlmSettings(api_key="s3cret-key"))
    assert isinstance(translated, error)
    assert "s3cret" not in str(translated)
    assert "127.0.0.1:8089" in str(translated)
