"""Settings of the tracing set-up (part of the one settings tree, read by :mod:`assistant.settings`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class TelemetrySettings(BaseModel):
    exporter: Literal["none", "console", "otlp"] = Field(
        "none",
        description="Where spans go: none (traces still carry ids for the audit log), console (stderr) or otlp "
        "(an OpenTelemetry collector inside the deployment; nothing is sent to third parties).",
    )
    otlp_endpoint: str = Field(
        "http://127.0.0.1:4318/v1/traces", description="OTLP/HTTP traces endpoint used when exporter=otlp."
    )
    service_name: str = Field("retail-assistant", min_length=1, description="service.name resource attribute.")
    capture_content: bool = Field(
        False,
        description="DEBUG ONLY: also record pseudonymized questions and answers on spans. Off by default: spans "
        "carry ids, counts, scores and timings, never content.",
    )
