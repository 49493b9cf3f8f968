"""The ingestion benchmark's bookkeeping (eval/bench_ingest.py): slices, resuming after a stop, totals, exit codes.

The timed ingestion itself is the real pipeline; here a fake stands in for it so that a stop half-way can be staged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.bench_ingest import _print, _sample, prepare_slices, resume, summarise


def _corpus(tmp_path: Path, n: int) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(n):
        (corpus / f"F{i:02d}.md").write_text(f"# sheet {i}\n", encoding="utf-8")
    return corpus


def _part(documents: int, wall: float, embed: float, failed: int = 0) -> dict[str, Any]:
    stages = {"parse": 1.0, "pseudonymize": 2.0, "embed": embed, "index": 1.0}
    return {"documents": documents, "carried": 0, "failed": failed, "errors": ["x.md: bad"] * failed,
            "chunks": 10 * documents, "wall_s": wall, "stage_s": stages, "load_average": [1.0, 2.0]}  # fmt: skip


def test_a_sample_is_copied_not_linked_since_ingestion_does_not_follow_links_out_of_its_folder(tmp_path: Path) -> None:
    sample = _sample(_corpus(tmp_path, 5), 3, tmp_path / "sample")
    names = sorted(p.name for p in sample.iterdir())
    assert names == ["F00.md", "F01.md", "F02.md"]
    assert not any(p.is_symlink() for p in sample.iterdir())


def test_slices_hold_every_file_once_in_name_order(tmp_path: Path) -> None:
    slices = prepare_slices(_corpus(tmp_path, 7), None, 3, 1, tmp_path / "run")
    assert [s.name for s in slices] == ["s0000", "s0001", "s0002"]
    assert [sorted(p.name for p in s.iterdir()) for s in slices] == [
        ["F00.md", "F01.md", "F02.md"], ["F03.md", "F04.md", "F05.md"], ["F06.md"]
    ]  # fmt: skip


def test_resuming_with_other_arguments_is_refused_with_the_recorded_ones(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 4)
    prepare_slices(corpus, None, 2, 1, tmp_path / "run")
    with pytest.raises(ValueError, match=r"holds another run.*'workers': 1"):
        prepare_slices(corpus, None, 2, 2, tmp_path / "run")
    assert len(prepare_slices(corpus, None, 2, 1, tmp_path / "run")) == 2  # the same run goes on


def test_a_stopped_run_goes_on_with_the_next_slice_and_keeps_the_finished_ones(tmp_path: Path) -> None:
    slices = prepare_slices(_corpus(tmp_path, 6), None, 2, 1, tmp_path / "run")
    progress = tmp_path / "run" / "progress.jsonl"
    seen: list[str] = []

    def stops_at_the_second(folder: Path) -> dict[str, Any]:
        if folder.name == "s0001":
            raise KeyboardInterrupt  # the session ends half-way
        seen.append(folder.name)
        return _part(2, 10.0, 6.0)

    with pytest.raises(KeyboardInterrupt):
        resume(slices, progress, stops_at_the_second, print)
    assert [json.loads(line)["slice"] for line in progress.read_text().splitlines()] == ["s0000"]

    def ingests(folder: Path) -> dict[str, Any]:
        seen.append(folder.name)
        return _part(2, 20.0, 16.0)

    parts = resume(slices, progress, ingests, print)
    assert seen == ["s0000", "s0001", "s0002"]  # the finished slice is not ingested again
    assert [p["slice"] for p in parts] == ["s0000", "s0001", "s0002"]
    assert [p["wall_s"] for p in parts] == [10.0, 20.0, 20.0]


def test_totals_are_rates_over_the_summed_wall_time_and_shares_of_the_summed_busy_time() -> None:
    result = summarise([_part(4, 10.0, 6.0), _part(6, 30.0, 16.0)], 2, {"privacy": True})
    assert result["documents"] == 10
    assert result["documents_per_s"] == 0.25
    assert result["chunks_per_s"] == 2.5
    assert result["stage_s"] == {"parse": 2.0, "pseudonymize": 4.0, "embed": 22.0, "index": 2.0}
    assert result["stage_share"]["embed"] == round(22 / 30, 3)
    assert result["slices"] == 2
    assert result["privacy"] is True


def test_a_failed_document_is_printed_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert _print(summarise([_part(3, 10.0, 6.0)], 1, {}), as_json=True) == 0
    assert _print(summarise([_part(3, 10.0, 6.0, failed=1)], 1, {}), as_json=False) == 1
    assert "failed: x.md: bad" in capsys.readouterr().err
