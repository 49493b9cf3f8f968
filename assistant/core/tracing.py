"""Spans with an allow-list of attributes: ids, counts, scores, timings and model names, never content.

Components call :func:`span`; whatever tracer provider the process has (none: spans are no-ops that still carry
ids) receives them. :func:`configure` installs the provider chosen by the settings, once per process.
Content (questions, answers, chunk text) goes through :func:`content`, which drops it unless
``telemetry.capture_content`` is set for debugging. :class:`TelemetrySettings` is the ``telemetry`` section of the
settings tree (:mod:`assistant.settings`).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal

from opentelemetry import trace
from pydantic import BaseModel, Field

Scalar = str | bool | int | float
TRACER_NAME = "retail-assistant"

# GenAI semantic conventions (opentelemetry semconv, gen_ai.*) and our own non-personal attributes.
ALLOWED_PREFIXES = ("gen_ai.", "assistant.", "error.type", "server.address", "server.port")
CONTENT_KEYS = frozenset({"assistant.question", "assistant.answer"})


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


_lock = threading.Lock()
_state = {"configured": False, "capture_content": False}


def configure(settings: TelemetrySettings) -> None:
    """Install the tracer provider for this process (first call wins; later calls only update capture)."""
    with _lock:
        _state["capture_content"] = settings.capture_content
        if _state["configured"]:
            return
        _state["configured"] = True
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

        provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
        if settings.exporter == "console":
            provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=sys.stderr)))
        elif settings.exporter == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
        trace.set_tracer_provider(provider)


def _clean(attributes: Mapping[str, Scalar | None]) -> dict[str, Scalar]:
    kept: dict[str, Scalar] = {}
    for key, value in attributes.items():
        if value is None or not key.startswith(ALLOWED_PREFIXES):
            continue
        if key in CONTENT_KEYS and not _state["capture_content"]:
            continue
        kept[key] = value
    return kept


@contextmanager
def span(name: str, **attributes: Scalar | None) -> Iterator[trace.Span]:
    """A span named ``name``; keyword attributes use ``__`` for dots (``gen_ai__request__model``)."""
    tracer = trace.get_tracer(TRACER_NAME)
    attrs = _clean({k.replace("__", "."): v for k, v in attributes.items()})
    with tracer.start_as_current_span(
        name, attributes=attrs, record_exception=False, set_status_on_exception=False
    ) as current:
        try:
            yield current
        except Exception as exc:
            # the exception message may quote personal data: record its type only
            current.set_attribute("error.type", type(exc).__name__)
            current.set_status(trace.StatusCode.ERROR)
            raise


def annotate(current: trace.Span, **attributes: Scalar | None) -> None:
    """Add attributes to a span, through the same allow-list."""
    for key, value in _clean({k.replace("__", "."): v for k, v in attributes.items()}).items():
        current.set_attribute(key, value)


def trace_id(current: trace.Span | None = None) -> str:
    """The 32-hex trace id of ``current`` (or the active span); the audit record carries it. '' outside a trace."""
    ctx = (current or trace.get_current_span()).get_span_context()
    return format(ctx.trace_id, "032x") if ctx.trace_id else ""


def start_span(name: str, **attributes: Scalar | None) -> trace.Span:
    """A span that is NOT made current, for work spread over generator yields (a context attached in one
    ``next()`` and detached in another, possibly on another thread, would corrupt the context): end it yourself,
    and wrap each step in :func:`activated` so that child spans nest under it."""
    attrs = _clean({k.replace("__", "."): v for k, v in attributes.items()})
    return trace.get_tracer(TRACER_NAME).start_span(name, attributes=attrs, record_exception=False)


@contextmanager
def activated(current: trace.Span) -> Iterator[trace.Span]:
    """Make ``current`` the parent of spans started inside (attach and detach in the same call)."""
    with trace.use_span(current, end_on_exit=False, record_exception=False, set_status_on_exception=False):
        yield current


def failed(current: trace.Span, exc: BaseException) -> None:
    """Mark ``current`` as failed with the exception's type only (its message may quote personal data)."""
    current.set_attribute("error.type", type(exc).__name__)
    current.set_status(trace.StatusCode.ERROR)
