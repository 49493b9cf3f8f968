"""The local LLM server's settings, command line, set-up errors and the `assistant llm status` probe (no model)."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.errors import ConfigurationError, SetupError
from assistant.llm.gguf import architecture
from assistant.llm.server import SMOLLM_FILE, LocalLlmServer, LocalLlmSetupError
from assistant.llm.settings import DEFAULT_MODEL_ALIAS, LocalLlmSettings
from assistant.settings import load_settings

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))


def installed(tmp_path: Path, model_name: str = "model.gguf") -> LocalLlmSettings:
    """Settings whose venv python and model file exist (empty files: nothing is started in these tests)."""
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    (tmp_path / model_name).touch()
    return LocalLlmSettings(venv_path=tmp_path / "venv", model_path=tmp_path / model_name)


def test_env_names_and_defaults_agree_with_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LOCAL_LLM_PORT", "9000")
    monkeypatch.setenv("ASSISTANT_LOCAL_LLM_N_THREADS", "3")
    settings = load_settings()
    assert (settings.local_llm.port, settings.local_llm.n_threads) == (9000, 3)
    assert settings.local_llm.model_alias == DEFAULT_MODEL_ALIAS == settings.llm.model
    assert load_settings().llm.base_url == "http://127.0.0.1:8089/v1" == LocalLlmServer(LocalLlmSettings()).base_url


@pytest.mark.parametrize(
    ("n_threads", "expected_tail"),
    [(None, ["--verbose", "False"]), (2, ["--verbose", "False", "--n_threads", "2", "--n_threads_batch", "2"])],
)
def test_command_line(tmp_path: Path, n_threads: int | None, expected_tail: list[str]) -> None:
    settings = installed(tmp_path).model_copy(update={"n_threads": n_threads})
    command = LocalLlmServer(settings, port=8123, model_alias="m").command()
    assert command[:3] == [str(tmp_path / "venv" / "bin" / "python"), "-m", "llama_cpp.server"]
    assert command[3:15] == [
        "--model", str(tmp_path / "model.gguf"), "--model_alias", "m", "--host", "127.0.0.1", "--port", "8123",
        "--n_ctx", "4096", *expected_tail[:2],
    ]  # fmt: skip
    assert command[15:] == expected_tail[2:]


def gguf_header(*entries: tuple[str, int, bytes]) -> bytes:
    """A GGUF v3 header with the given (key, value type, packed value) entries and no tensors."""

    def string(text: str) -> bytes:
        return struct.pack("<Q", len(text.encode())) + text.encode()

    body = b"".join(string(key) + struct.pack("<I", kind) + value for key, kind, value in entries)
    return b"GGUF" + struct.pack("<IQQ", 3, 0, len(entries)) + body


def test_embedding_mode_sets_mean_pooling_for_the_model_architecture_and_the_key(tmp_path: Path) -> None:
    settings = installed(tmp_path)
    arch = struct.pack("<Q", 5) + b"qwen2"
    tokens = struct.pack("<IQ", 8, 2) + b"".join(struct.pack("<Q", 1) + c for c in (b"a", b"b"))
    settings.model_path.write_bytes(
        gguf_header(("general.version", 4, struct.pack("<I", 1)), ("tokenizer.list", 9, tokens),
                    ("general.architecture", 8, arch))
    )  # fmt: skip
    command = LocalLlmServer(settings, embedding=True, api_key="k").command()
    assert command[-6:] == ["--embedding", "True", "--kv_overrides", "qwen2.pooling_type=int:1", "--api_key", "k"]
    assert "--embedding" not in LocalLlmServer(settings).command()
    (tmp_path / "other.gguf").write_bytes(b"not a gguf")
    with pytest.raises(SetupError, match="not a GGUF file"):
        architecture(tmp_path / "other.gguf")
    (tmp_path / "bare.gguf").write_bytes(gguf_header(("general.name", 8, struct.pack("<Q", 1) + b"x")))
    with pytest.raises(SetupError, match=r"no 'general\.architecture'"):
        architecture(tmp_path / "bare.gguf")


@pytest.mark.parametrize(
    ("missing", "model_name", "message"),
    [
        ("venv", "model.gguf", "no LLM server venv at .*run deploy/llm.sh --model qwen"),
        ("model", "qwen.gguf", r"no GGUF model at .*qwen\.gguf .*run deploy/llm.sh --model qwen"),
        ("model", SMOLLM_FILE, "no GGUF model at .*run deploy/llm.sh --model smollm"),
    ],
)
def test_missing_set_up_is_a_set_up_error(tmp_path: Path, missing: str, model_name: str, message: str) -> None:
    settings = installed(tmp_path, model_name)
    (settings.venv_path / "bin" / "python" if missing == "venv" else settings.model_path).unlink()
    with pytest.raises(LocalLlmSetupError, match=message) as caught:
        LocalLlmServer(settings).start()
    assert caught.value.exit_code == 3


def test_busy_port_is_refused_before_starting(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        settings = installed(tmp_path).model_copy(update={"port": busy.getsockname()[1]})
        with pytest.raises(ConfigurationError, match="already in use"):
            LocalLlmServer(settings).start()


def test_cli_serve_without_set_up_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LOCAL_LLM_VENV_PATH", str(tmp_path / "no-venv"))
    result = CliRunner().invoke(app, ["llm", "serve", "--model", str(tmp_path / "absent.gguf")])
    assert result.exit_code == 3
    assert "deploy/llm.sh" in result.output


def reply_with(status: int, body: dict[str, object] | bytes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    return Handler


@pytest.fixture
def endpoint(request: pytest.FixtureRequest) -> Iterator[str]:
    """A loopback HTTP server answering every GET with the (status, body) given as the test parameter."""
    server = HTTPServer(("127.0.0.1", 0), reply_with(*request.param))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("endpoint", "exit_code", "answering", "error"),
    [
        ((200, {"data": [{"id": DEFAULT_MODEL_ALIAS}]}), 0, True, None),
        ((401, {"error": "unauthorized"}), 2, True, "ASSISTANT_LLM_API_KEY"),
        ((404, {"detail": "not found"}), 2, True, "must end with /v1"),
        ((503, {"detail": "overloaded"}), 4, False, "HTTP 503"),
        ((200, b"<!doctype html><title>Chainlit</title>"), 2, True, "points at another service"),  # the chat UI
        ((200, {"object": "list"}), 2, True, "points at another service"),
        ((200, {"data": ["not-a-model"]}), 2, True, "points at another service"),
    ],
    indirect=["endpoint"],
)
def test_cli_status(endpoint: str, exit_code: int, answering: bool, error: str | None) -> None:
    result = CliRunner().invoke(app, ["llm", "status", "--base-url", endpoint, "--json"])
    report = json.loads(result.stdout)
    assert (result.exit_code, report["answering"]) == (exit_code, answering)
    if error is None:
        assert report["models"] == [DEFAULT_MODEL_ALIAS]
        assert report["model_served"] is True
    else:
        assert error in report["error"]


def test_cli_status_of_a_closed_port_exits_4() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = CliRunner().invoke(app, ["llm", "status", "--base-url", f"http://127.0.0.1:{port}/v1", "--json"])
    assert result.exit_code == 4
    assert json.loads(result.stdout)["answering"] is False
