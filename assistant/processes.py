"""Child servers run in the foreground (the local LLM server, the chat UI): wait, stop, and never leave one behind.

A child started with ``start_new_session=True`` does not get the terminal's Ctrl-C: this process stops it. SIGTERM
(systemd, docker stop, timeout) and SIGINT both become KeyboardInterrupt here (:func:`interrupt_on_signals`), so the
same ``finally`` stops the child either way.
"""

from __future__ import annotations

import signal
import socket
import subprocess


def interrupt_on_signals() -> None:
    """SIGTERM and SIGINT raise KeyboardInterrupt in the main thread (SIGINT too when it was inherited ignored, as in
    a script's ``&`` job: else a later kill of this CLI would leave the child running on its own)."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def wait(process: subprocess.Popen[bytes]) -> int:
    """Block until ``process`` exits; its exit code. Polls instead of blocking in waitpid: a signal delivered to
    another thread of this process does not interrupt a blocking waitpid."""
    while True:
        try:
            return process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            continue


def stop(process: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    """SIGTERM (a clean shutdown), SIGKILL after ``timeout_s`` or at a second interrupt (Ctrl-C again, SIGTERM)
    while it shuts down: the child is gone when this returns or raises."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise


def port_is_open(host: str, port: int) -> bool:
    """Something already listens on ``host:port`` (0.0.0.0 and :: are checked on loopback)."""
    target = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((target, port)) == 0
