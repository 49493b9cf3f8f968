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


def test_the_holder_file_names_the_program_and_verb_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "argv", ["/x/bin/assistant", "ask", "Quel est l'IBAN de Karim Benali ?", "--json"])
    holder = Holder(tmp_path)
    holder.claim()
    written = (tmp_path / "holder.lock").read_text()
    holder.release()
    assert written == f"pid {os.getpid()} (assistant ask)"
