"""Prices used to estimate the cost of each answer (part of the one settings tree)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CostSettings(BaseModel):
    method: Literal["tokens", "gpu_hour"] = Field(
        "gpu_hour",
        description="How an answer's cost is estimated: tokens (price per 1k prompt/completion tokens, e.g. a "
        "hosted endpoint) or gpu_hour (generation time x the GPU-hour price of a self-hosted vLLM node).",
    )
    currency: str = Field("EUR", min_length=3, max_length=3, description="Currency of every price and report.")
    prompt_per_1k: float = Field(0.0, ge=0, description="Price of 1,000 prompt tokens (method=tokens).")
    completion_per_1k: float = Field(0.0, ge=0, description="Price of 1,000 completion tokens (method=tokens).")
    gpu_hour: float = Field(
        2.5, ge=0, description="Price of one GPU-hour of the LLM node (method=gpu_hour), e.g. an EU H100 rental."
    )
    concurrency: float = Field(
        8.0,
        gt=0,
        description="Requests a GPU serves at once on average (vLLM batches them): each answer is charged "
        "generation time x gpu_hour / concurrency.",
    )
    daily_budget: float | None = Field(
        None, ge=0, description="Alert threshold: 'assistant report costs' flags every day above it (exit code 1)."
    )
