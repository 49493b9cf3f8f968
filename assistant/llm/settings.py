"""Settings of the LOCAL LLM server (``ASSISTANT_LOCAL_LLM_*``): llama.cpp's OpenAI-compatible server on a CPU machine.

This is the server side (what ``assistant llm serve`` starts); the client side, which endpoint answers questions, is
:class:`assistant.llm.client_settings.LlmSettings` (``ASSISTANT_LLM_*``). Their defaults agree: the client's
``base_url`` is ``http://127.0.0.1:8089/v1`` and its ``model`` is this server's ``model_alias``. ``deploy/llm.sh``
creates the venv and places the weights at the default paths. No environment access here.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from assistant.core.environment import default_cache_dir

DEFAULT_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_MODEL_ALIAS = "qwen2.5-coder-1.5b-instruct-q4_k_m"


class LocalLlmSettings(BaseModel):
    model_path: Path = Field(
        default_factory=lambda: default_cache_dir() / "models" / DEFAULT_MODEL_FILE,
        description="GGUF weights served by the local server (default: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, placed by "
        "`deploy/llm.sh --model qwen`; `deploy/llm.sh --model smollm` places the tiny SmolLM2 test model beside it).",
    )
    venv_path: Path = Field(
        default_factory=lambda: default_cache_dir() / "llm-venv",
        description="Separate virtual environment holding llama-cpp-python[server] (created by deploy/llm.sh; the "
        "server's web stack stays out of the application's environment).",
    )
    host: str = Field(
        "127.0.0.1", description="Address the server binds; keep loopback unless a firewall and an API key guard it."
    )
    port: int = Field(8089, ge=1, le=65535, description="Port the server listens on (the client's base_url uses it).")
    n_ctx: int = Field(4096, ge=256, le=131072, description="Context window in tokens (prompt + answer).")
    n_threads: int | None = Field(
        None, ge=1, description="CPU threads for generation. Unset: llama.cpp's choice (about the physical cores)."
    )
    model_alias: str = Field(
        DEFAULT_MODEL_ALIAS,
        min_length=1,
        description="Model name the server announces on /v1/models and accepts in requests; keep ASSISTANT_LLM_MODEL "
        "equal to it.",
    )
    startup_timeout_s: float = Field(
        120.0, gt=0, description="Seconds to wait for /v1/models to answer after starting the server."
    )
