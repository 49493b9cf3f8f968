"""Settings of ingestion (``ASSISTANT_INGESTION_*``): limits, chunking, audiences, languages and throughput; one
group of :class:`assistant.settings.Settings`.

Read by :mod:`assistant.settings` only (this module never reads the environment). The limits bound what one hostile
or broken file may cost: its bytes, its rows, its nesting, what it unzips to.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class IngestionSettings(BaseModel):
    registry_backend: Literal["sqlite", "postgres"] = Field(
        "sqlite",
        description="Document registry adapter: sqlite (<data_dir>/documents.sqlite, one host) or postgres (the "
        "replicas of the application share it, in the database of audit.postgres_dsn, which must then be set: "
        "ASSISTANT_AUDIT_POSTGRES_DSN).",
    )
    max_file_bytes: int = Field(
        50 * 1024 * 1024, gt=0, description="Files larger than this are rejected with an error (bytes)."
    )
    chunk_max_chars: int = Field(1200, ge=200, description="Target maximum characters per chunk.")
    chunk_overlap_chars: int = Field(
        200, ge=0, description="Characters of the previous chunk repeated at the start of the next one."
    )
    chunk_min_chars: int = Field(
        200, ge=0, description="Sections shorter than this are merged with the following section."
    )
    default_audience: list[str] = Field(
        default_factory=lambda: ["hq"],
        description="Audience of a document that declares none (restrictive on purpose).",
    )
    languages: list[str] = Field(
        default_factory=lambda: ["fr", "en", "es", "de", "it"],
        description="Languages the detector chooses from (ISO 639-1).",
    )
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Processes that parse and pseudonymize documents (each loads the PII models, ~1 GB); 1 does it "
        "in the ingesting process. Embedding and index writes stay in that process. `assistant ingest --workers N`.",
    )
    batch_chunks: int = Field(
        256, ge=1, le=65536, description="Chunks of several documents embedded and written to the index together."
    )
    csv_max_rows: int = Field(
        100_000,
        gt=0,
        description="A CSV with more data rows than this is rejected (rows are read as a stream; split the file).",
    )
    max_unzipped_bytes: int = Field(
        200 * 1024 * 1024,
        gt=0,
        description="A DOCX (a zip) whose parts add up to more than this once unzipped is rejected (bytes).",
    )
    max_unzip_ratio: int = Field(
        100,
        gt=1,
        description="A DOCX whose parts unzip to more than this many times its own size (past 1 MB) is rejected: "
        "a zip bomb, not a document.",
    )
    min_free_bytes: int = Field(
        64 * 1024 * 1024,
        ge=0,
        description="Free space kept on the data dir's disk beyond what the index's files may still take: a file "
        "that would leave less is not written, and the ingestion stops with a clear error (bytes).",
    )
    max_html_depth: int = Field(
        256, ge=16, description="An HTML page whose elements nest deeper than this is rejected."
    )
