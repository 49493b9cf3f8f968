"""The local LLM server: llama.cpp's OpenAI-compatible server run as a child process from its own venv.

``deploy/llm.sh`` creates the venv and places the GGUF weights; this module only starts, probes and stops the server.
It binds loopback by default and is what ``assistant llm serve``, the integration tests and the demo use. In
production the same client talks to vLLM instead (see deploy/vllm/).
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from assistant import processes
from assistant.core.environment import child_environment
from assistant.core.errors import BackendError, ConfigurationError, SetupError
from assistant.llm.gguf import architecture
from assistant.llm.settings import LocalLlmSettings

SMOLLM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
LOG_TAIL_CHARS = 2000


class LocalLlmSetupError(SetupError):
    """The server venv or the weights are missing; the message names the path and the deploy/llm.sh command."""


class LocalLlmStartError(BackendError):
    """The server process exited or did not answer in time; the message carries the end of its log."""


def setup_hint(model_path: Path) -> str:
    """The deploy/llm.sh command that places ``model_path`` (or builds the venv)."""
    return f"run deploy/llm.sh --model {'smollm' if model_path.name == SMOLLM_FILE else 'qwen'}"


@dataclass(frozen=True)
class ModelList:
    """What an OpenAI-compatible endpoint announced on ``GET /models``."""

    models: list[str]
    seconds: float


def list_models(base_url: str, *, api_key: str | None = None, timeout_s: float = 2.0) -> ModelList:
    """``GET {base_url}/models`` (base_url ends with /v1). Raises ``httpx.HTTPError`` when nothing valid answers:
    ``httpx.DecodingError`` when something answers, but not with an OpenAI model list (another web service)."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    started = time.perf_counter()
    response = httpx.get(f"{base_url.rstrip('/')}/models", headers=headers, timeout=timeout_s)
    response.raise_for_status()
    try:
        data = response.json()["data"]
        models = [str(m["id"]) for m in data]
    except (ValueError, KeyError, TypeError) as exc:
        raise httpx.DecodingError("not an OpenAI model list", request=response.request) from exc
    return ModelList(models, time.perf_counter() - started)


class LocalLlmServer:
    """Start ``python -m llama_cpp.server`` from the LLM venv, wait until ``/v1/models`` answers, stop it cleanly.

    Use as a context manager (``with LocalLlmServer(settings) as server: server.base_url``). ``log`` receives the
    server's output; ``None`` lets it write to this process's terminal (foreground ``assistant llm serve``).
    """

    def __init__(
        self,
        settings: LocalLlmSettings,
        *,
        model_path: Path | None = None,
        port: int | None = None,
        model_alias: str | None = None,
        log: Path | None = None,
        embedding: bool = False,
        api_key: str | None = None,
    ) -> None:
        """``embedding`` serves ``/v1/embeddings`` (mean-pooled sequence vectors) instead of completions. ``api_key``
        makes the server require it (llama.cpp takes it on its command line, visible to local ``ps``: for tests and
        loopback use; production keys go to vLLM through a file, see deploy/vllm/)."""
        self.settings = settings
        self.embedding = embedding
        self.api_key = api_key
        self.model_path = (model_path or settings.model_path).expanduser()
        self.port = port or settings.port
        self.model_alias = model_alias or settings.model_alias
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.host}:{self.port}/v1"

    @property
    def python(self) -> Path:
        return self.settings.venv_path.expanduser() / "bin" / "python"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def command(self) -> list[str]:
        s = self.settings
        args = [str(self.python), "-m", "llama_cpp.server", "--model", str(self.model_path)]
        args += ["--model_alias", self.model_alias, "--host", s.host, "--port", str(self.port), "--n_ctx", str(s.n_ctx)]
        args += ["--verbose", "False"]  # no llama.cpp load/perf dump; requests are still logged
        if s.n_threads is not None:
            args += ["--n_threads", str(s.n_threads), "--n_threads_batch", str(s.n_threads)]
        if self.embedding:
            # a chat model has no pooling of its own: llama.cpp would answer one vector per token. Mean pooling
            # (type 1) is set through the model's metadata, the only way llama-cpp-python's server exposes.
            args += ["--embedding", "True", "--kv_overrides", f"{architecture(self.model_path)}.pooling_type=int:1"]
        if self.api_key:
            args += ["--api_key", self.api_key]
        return args

    def check_setup(self) -> None:
        """Raise :class:`LocalLlmSetupError` naming what is missing and the command that provides it."""
        if not self.python.is_file():
            raise LocalLlmSetupError(
                f"no LLM server venv at {self.python.parent.parent} (ASSISTANT_LOCAL_LLM_VENV_PATH): "
                f"{setup_hint(self.model_path)}"
            )
        if not self.model_path.is_file():
            raise LocalLlmSetupError(
                f"no GGUF model at {self.model_path} (ASSISTANT_LOCAL_LLM_MODEL_PATH or --model): "
                f"{setup_hint(self.model_path)}"
            )

    def start(self) -> LocalLlmServer:
        """Start the server and block until it answers; raise a typed error otherwise (the process is then gone)."""
        self.check_setup()
        if processes.port_is_open(self.settings.host, self.port):
            raise ConfigurationError(
                f"port {self.port} on {self.settings.host} is already in use (another LLM server?): stop it, "
                "or choose another port with --port / ASSISTANT_LOCAL_LLM_PORT"
            )
        self._log_file = self.log.open("wb") if self.log else None
        self._process = subprocess.Popen(
            self.command(),
            env=child_environment(HF_HUB_OFFLINE="1"),
            stdout=self._log_file,
            stderr=subprocess.STDOUT if self._log_file else None,
            start_new_session=True,  # Ctrl-C reaches us, and we stop the server ourselves
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.settings.startup_timeout_s
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                raise LocalLlmStartError(
                    f"the LLM server exited with code {code} while starting with {self.model_path}; {self._log_tail()}"
                )
            try:
                list_models(self.base_url, api_key=self.api_key, timeout_s=1.0)
                return
            except httpx.HTTPError:
                time.sleep(0.25)
        raise LocalLlmStartError(
            f"the LLM server did not answer on {self.base_url}/models within {self.settings.startup_timeout_s:.0f} s "
            f"(raise ASSISTANT_LOCAL_LLM_STARTUP_TIMEOUT_S on a slow machine); {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        if not self.log or not self.log.is_file():
            return "its output is above"
        tail = self.log.read_bytes()[-LOG_TAIL_CHARS:].decode("utf-8", "replace")
        return f"end of its log ({self.log}):\n{tail}"

    def wait(self) -> int:
        """Block until the server exits (foreground use); return its exit code.

        Polls instead of blocking in waitpid: a Ctrl-C delivered to another thread of this process does not
        interrupt a blocking waitpid, and the KeyboardInterrupt would wait for the server to exit on its own."""
        assert self._process is not None, "start() first"
        return processes.wait(self._process)

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM (uvicorn shuts down cleanly), SIGKILL after ``timeout_s`` or at a second Ctrl-C. Safe to call
        twice."""
        try:
            if self._process is not None:
                processes.stop(self._process, timeout_s)
        finally:
            self._process = None
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None

    def __enter__(self) -> LocalLlmServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
