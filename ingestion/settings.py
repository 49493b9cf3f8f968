"""Settings of ingestion (``ASSISTANT_INGESTION_*``): limits, chunking, audiences, languages and throughput.

One group of :class:`assistant.settings.Settings`. No environment access here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class IngestionSettings(BaseModel):
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
