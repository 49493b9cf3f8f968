"""The ingestion report's JSON form, which a server sends back to ``assistant ingest`` for a job it ran."""

from __future__ import annotations

import json

import pytest

from ingestion.report import FileOutcome, IngestReport, report_from_json

pytestmark = pytest.mark.unit


def test_the_report_comes_back_from_json_whole_with_the_notes_of_the_front_door() -> None:
    report = IngestReport(
        [
            FileOutcome("/d/a.md", "added", "a1", 3, ("store",), "fr"),
            FileOutcome("/d/b.pdf", "failed", error="no text"),
        ],
        ["/d/c.xyz"],
        chunks_embedded=3,
        seconds={"embed": 1.5},
        notes={"readers": {"store": 1, "hr": 1}, "warnings": ["w"]},
    )
    data = json.loads(json.dumps(report.as_json()))
    back = report_from_json(data)
    assert back.as_json() == data
    assert back.notes == {"readers": {"store": 1, "hr": 1}, "warnings": ["w"]} and back.seconds == {}
