"""The real local LLM server (llama.cpp + SmolLM2-135M) through langchain-openai, as the application talks to it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from assistant.core.errors import ConfigurationError
from assistant.llm.server import SMOLLM_FILE, LocalLlmServer, LocalLlmSetupError, list_models
from assistant.llm.settings import LocalLlmSettings
from assistant.processes import port_is_open
from tests.integration.conftest import ASSISTANT, SMOLLM_ALIAS, cli_json, free_port

pytestmark = pytest.mark.integration

PROMPT = "Name three colours."


def chat(
    base_url: str, *, max_tokens: int = 24, timeout: float | httpx.Timeout = 30.0, model: str = SMOLLM_ALIAS
) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=base_url,
        api_key="not-needed",
        model=model,
        temperature=0.0,
        max_tokens=max_tokens,
        extra_body={"max_tokens": max_tokens},  # llama.cpp ignores max_completion_tokens, which langchain sends
        timeout=timeout,
        max_retries=0,
    )


def test_models_endpoint_announces_the_alias(llm_server: str) -> None:
    assert list_models(llm_server).models == [SMOLLM_ALIAS]


def test_invoke_returns_text_and_usage(llm_server: str) -> None:
    reply = chat(llm_server, max_tokens=8).invoke(PROMPT)
    assert isinstance(reply.content, str)
    assert reply.content.strip()
    assert reply.usage_metadata is not None
    assert 0 < reply.usage_metadata["output_tokens"] <= 8  # the max_tokens cap reached the server
    assert reply.usage_metadata["input_tokens"] > 3


def test_stream_yields_several_chunks(llm_server: str) -> None:
    chunks = [c.content for c in chat(llm_server).stream(PROMPT)]
    text = "".join(c for c in chunks if isinstance(c, str))
    assert len([c for c in chunks if c]) > 1
    assert text.strip()


def test_astream_yields_several_chunks(llm_server: str) -> None:
    async def collect() -> list[str]:
        return [c.content async for c in chat(llm_server).astream(PROMPT) if isinstance(c.content, str) and c.content]

    chunks = asyncio.run(collect())
    assert len(chunks) > 1
    assert "".join(chunks).strip()


def test_too_short_timeout_raises_a_timeout_error(llm_server: str) -> None:
    # Few tokens: llama.cpp finishes a request whose client left, and the shared server must be free again soon.
    slow = chat(llm_server, max_tokens=32, timeout=httpx.Timeout(0.05, connect=2.0))
    with pytest.raises(openai.APITimeoutError):
        slow.invoke("Write a long story about a lighthouse keeper.")


def test_dead_port_raises_a_connection_error_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(openai.APIConnectionError):
        chat(f"http://127.0.0.1:{free_port()}/v1", timeout=httpx.Timeout(30.0, connect=2.0)).invoke(PROMPT)
    assert time.perf_counter() - started < 2.0


def test_server_lifecycle_and_busy_port(llm_server: str, tmp_path: Path) -> None:
    defaults = LocalLlmSettings()
    settings = LocalLlmSettings(model_path=defaults.model_path.with_name(SMOLLM_FILE), port=free_port(), n_ctx=512)
    with LocalLlmServer(settings, log=tmp_path / "server.log") as server:
        pid = server.pid
        assert pid is not None
        assert list_models(server.base_url).models == [settings.model_alias]
    assert not port_is_open(settings.host, settings.port)
    assert not Path(f"/proc/{pid}").exists()
    busy = settings.model_copy(update={"port": httpx.URL(llm_server).port})
    with pytest.raises(ConfigurationError, match="already in use"):
        LocalLlmServer(busy).start()


def test_cli_status_and_bench(llm_server: str, tmp_path: Path) -> None:
    status = cli_json(tmp_path, "llm", "status", "--base-url", llm_server)
    assert status["answering"] is True
    assert status["models"] == [SMOLLM_ALIAS]
    assert status["latency_ms"] > 0

    bench = cli_json(tmp_path, "llm", "bench", "--base-url", llm_server, "--runs", "1", "--max-tokens", "16")
    assert bench["runs"] == 3
    assert 0 < bench["ttft_s_median"] < 30
    assert bench["tokens_per_s_median"] > 1
    assert all(0 < s["tokens"] <= 16 for s in bench["samples"])


@pytest.fixture(scope="module")
def qwen_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The CPU default model, Qwen2.5-Coder-1.5B-Instruct, served like `assistant llm serve` does."""
    server = LocalLlmServer(
        LocalLlmSettings(port=free_port()), log=tmp_path_factory.mktemp("qwen-server") / "server.log"
    )
    try:
        server.check_setup()
    except LocalLlmSetupError as exc:
        pytest.skip(f"no Qwen model ({exc})")
    with server:
        yield server.base_url


@pytest.mark.slow
def test_qwen_answers_a_french_question_from_its_context(qwen_server: str) -> None:
    context = (
        "Politique de retour de Maison Lumière : le client dispose de 30 jours à compter de la date d'achat pour "
        "retourner un article non porté, accompagné de son ticket de caisse. Le remboursement est effectué sur le "
        "moyen de paiement d'origine. Les articles soldés ne sont pas repris."
    )
    messages = [
        SystemMessage(
            "Tu es l'assistant des vendeurs. Réponds en français, en une phrase, uniquement d'après le contexte."
        ),
        HumanMessage(
            f"Contexte :\n{context}\n\nQuestion : combien de jours un client a-t-il pour retourner un article ?"
        ),
    ]
    reply = chat(qwen_server, max_tokens=60, timeout=120.0, model=LocalLlmSettings().model_alias).invoke(messages)
    assert isinstance(reply.content, str)
    assert "30" in reply.content, reply.content


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_cli_serve_runs_in_the_foreground_and_stops_its_server(
    llm_server: str, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    """(llm_server: the same set-up is needed, and the test skips with the same reason when it is missing.)"""
    port = free_port()
    model = LocalLlmSettings().model_path.with_name(SMOLLM_FILE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_DATA_DIR"] = str(tmp_path)
    cli = subprocess.Popen(
        [ASSISTANT, "llm", "serve", "--model", str(model), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert cli.stdout is not None
        ready = ""
        while "LLM server ready" not in ready:
            line = cli.stdout.readline()
            assert line, f"serve ended early: {ready}"
            ready += line
        assert list_models(f"http://127.0.0.1:{port}/v1").models == [LocalLlmSettings().model_alias]
        cli.send_signal(stop_signal)
        assert cli.wait(20) == 0
        assert not port_is_open("127.0.0.1", port)
    finally:
        cli.kill()
