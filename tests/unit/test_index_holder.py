"""Only one process holds the embedded index; the others are told which one does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.index.holder import Holder, IndexBusyError

pytestmark = pytest.mark.unit


def test_a_second_holder_is_told_who_holds_the_index_until_it_lets_go(tmp_path: Path) -> None:
    first, second = Holder(tmp_path), Holder(tmp_path)
    first.claim()
    first.claim()  # again: already held
    with pytest.raises(IndexBusyError, match=rf"in use by pid {os.getpid()} \(") as caught:
        second.claim()
    assert caught.value.exit_code == 4 and "assistant serve" in str(caught.value)
    first.release()
    second.claim()
    second.release()


def test_a_qdrant_server_that_does_not_answer_is_a_named_backend_error(tmp_path: Path) -> None:
    import socket
    import warnings

    from assistant.index.qdrant import IndexUnavailableError, QdrantIndex
    from assistant.index.settings import QdrantSettings

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    index = QdrantIndex(QdrantSettings(url=f"http://127.0.0.1:{port}", timeout_s=2), tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the client warns it could not check the server's version
        with pytest.raises(IndexUnavailableError, match=f"127.0.0.1:{port} does not answer.*ASSISTANT_QDRANT_URL") as e:
            index.count()
    assert e.value.exit_code == 4


def test_the_holder_names_the_program_and_its_verb_never_the_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", ["/venv/bin/assistant", "ask", "Sophie Marchand a-t-elle droit à un avoir ?"])
    first, second = Holder(tmp_path), Holder(tmp_path)
    first.claim()
    with pytest.raises(IndexBusyError) as caught:
        second.claim()
    first.release()
    assert "(assistant ask …)" in str(caught.value)
    assert "Sophie" not in str(caught.value) and "Sophie" not in (tmp_path / "holder.lock").read_text()
