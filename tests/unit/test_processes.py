"""Foreground child servers: stopped on SIGTERM, killed when they linger or at a second interrupt, never orphaned."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from assistant import processes
from assistant.cli import app

pytestmark = pytest.mark.unit
STUBBORN = (  # ignores SIGTERM, like a server finishing a long generation before it shuts down
    "import signal, time; signal.signal(signal.SIGTERM, lambda *a: None); print('up', flush=True); time.sleep(60)"
)
POLITE = "import time; print('up', flush=True); time.sleep(60)"


def child(code: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None and process.stdout.readline() == b"up\n"  # its handlers are installed
    return process


@pytest.mark.parametrize(("code", "timeout_s", "returncode"), [(POLITE, 5.0, -signal.SIGTERM), (STUBBORN, 0.3, -9)])
def test_stop_terminates_then_kills_a_child_that_lingers(code: str, timeout_s: float, returncode: int) -> None:
    process = child(code)
    started = time.monotonic()
    processes.stop(process, timeout_s)
    assert process.returncode == returncode
    assert time.monotonic() - started < timeout_s + 2


@pytest.fixture
def interrupted_soon() -> Iterator[None]:
    """A KeyboardInterrupt in 0.3 s, as a second Ctrl-C during the shutdown would give."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def test_a_second_interrupt_while_stopping_kills_the_child_at_once(interrupted_soon: None) -> None:
    process = child(STUBBORN)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        processes.stop(process, timeout_s=30)
    assert process.returncode == -9 and time.monotonic() - started < 5


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_port_is_open_sees_a_listener(host: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert processes.port_is_open(host, port)
    assert not processes.port_is_open(host, port)


def test_serve_on_a_busy_port_is_refused_with_the_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert "already in use" in result.output and "ASSISTANT_UI_PORT" in result.output
