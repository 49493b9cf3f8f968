"""Integration fixtures: the real embedding model (built by set-up), real Qdrant local mode, the sample corpus."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.container import Container
from assistant.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "ingestion" / "samples"
ASSISTANT = str(Path(sys.executable).with_name("assistant"))


@pytest.fixture(scope="session")
def model_path() -> Path:
    path = Settings().embedding.model_path
    if not (path / "modules.json").is_file():
        pytest.fail(f"no embedding model at {path}: run deploy/setup.sh --install first")
    return path


def run_cli(
    data_dir: Path, *args: str, expect: int | None = 0, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``assistant`` executable with its own data dir, exactly as an operator would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_DATA_DIR"] = str(data_dir)
    env.update(env_extra or {})
    done = subprocess.run(
        [ASSISTANT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )
    if expect is not None:
        assert done.returncode == expect, (
            f"exit {done.returncode}\nstdout:{done.stdout[-3000:]}\nstderr:{done.stderr[-3000:]}"
        )
    return done


def cli_json(data_dir: Path, *args: str, expect: int | None = 0, env_extra: dict[str, str] | None = None) -> Any:
    return json.loads(run_cli(data_dir, *args, "--json", expect=expect, env_extra=env_extra).stdout)


@pytest.fixture(scope="session")
def corpus_data_dir(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> tuple[Path, dict[str, Any]]:
    """The sample corpus ingested once through the real CLI (the acceptance path)."""
    data_dir = tmp_path_factory.mktemp("corpus-data")
    report = cli_json(data_dir, "ingest", str(SAMPLES))
    return data_dir, report


@pytest.fixture(scope="module")
def corpus(corpus_data_dir: tuple[Path, dict[str, Any]]) -> Iterator[Container]:
    """An in-process container over the ingested corpus; closed after the module (local Qdrant is single-process).

    Its answerer is the extractive one: whether an LLM server happens to listen on the default port must not
    change what these tests see (generative tests build their answerer on the ``llm_server`` fixture)."""
    container = Container(load_settings(data_dir=corpus_data_dir[0], llm={"backend": "none"}))
    yield container
    container.close()


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SMOLLM_ALIAS = "smollm2-135m-instruct"


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real llama.cpp OpenAI-compatible server with SmolLM2-135M (English, fast) on a free loopback port.

    Yields its base_url (``http://127.0.0.1:<port>/v1``); it announces the model as ``SMOLLM_ALIAS`` and answers
    any model name. Skips only when deploy/llm.sh has not run (CI runs it before pytest).
    """
    from assistant.llm.server import SMOLLM_FILE, LocalLlmServer, LocalLlmSetupError
    from assistant.llm.settings import LocalLlmSettings

    defaults = LocalLlmSettings()
    settings = LocalLlmSettings(
        model_path=defaults.model_path.with_name(SMOLLM_FILE), port=free_port(), model_alias=SMOLLM_ALIAS, n_ctx=2048
    )
    server = LocalLlmServer(settings, log=tmp_path_factory.mktemp("llm-server") / "server.log")
    try:
        server.check_setup()
    except LocalLlmSetupError as exc:
        pytest.skip(f"no local LLM server set-up ({exc})")
    with server:
        yield server.base_url


PASSWORD = "une phrase de passe assez longue"


class Server:
    def __init__(self, data_dir: Path, url: str, tokens: dict[str, str]) -> None:
        self.data_dir, self.url, self.tokens = data_dir, url, tokens

    def client(self, user: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return {**env, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_LLM_BACKEND": "none", **extra}


def serving_copy(corpus_dir: Path, folder: Path, **extra_env: str) -> contextlib.AbstractContextManager[Server]:
    """A real server (`assistant serve`) over a copy of the ingested corpus in ``folder``, with one user per role
    (password :data:`PASSWORD`, API tokens in ``Server.tokens``); ``extra_env``: more settings (an LLM endpoint)."""
    data_dir = folder / "data"
    shutil.copytree(corpus_dir, data_dir)  # a copy: what these tests add stays there
    tokens = {}
    for name, role in (("marie", "store"), ("rh", "hr"), ("conformite", "compliance"), ("mkt", "marketing")):
        subprocess.run([ASSISTANT, "users", "add", name, "--role", role, "--password-stdin"], input=PASSWORD + "\n",
                       env=env_for(data_dir), cwd=ROOT, check=True, capture_output=True, text=True)  # fmt: skip
        tokens[name] = json.loads(run_cli(data_dir, "users", "token", name, "--json").stdout)["token"]
    return _running(Server(data_dir, "", tokens), env_for(data_dir, **extra_env))


@contextlib.contextmanager
def _running(server: Server, env: dict[str, str]) -> Iterator[Server]:
    port = free_port()
    server.url = f"http://127.0.0.1:{port}"
    log_path = server.data_dir.parent / "server.log"
    with log_path.open("w") as log:  # a file, not a pipe: a full pipe would block the server
        proc = subprocess.Popen([ASSISTANT, "serve", "--port", str(port)], env=env, cwd=ROOT, start_new_session=True,
                                stdout=log, stderr=subprocess.STDOUT, text=True)  # fmt: skip
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(1)
            else:
                pytest.fail(f"the server never became ready: {log_path.read_text()[-3000:]}")
            yield server
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


@pytest.fixture(scope="session")
def live_server(
    corpus_data_dir: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The real server with extractive answers over a copy of the corpus, shared by the server and browser tests."""
    with serving_copy(corpus_data_dir[0], tmp_path_factory.mktemp("server")) as server:
        yield server
