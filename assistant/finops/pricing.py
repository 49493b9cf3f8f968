"""Cost of one answer from its token counts and generation time."""

from __future__ import annotations

from assistant.finops.settings import CostSettings


def estimate_cost(settings: CostSettings, prompt_tokens: int, completion_tokens: int, generate_ms: float) -> float:
    """Estimated cost in ``settings.currency``; 0.0 when no model ran (extractive answers cost no GPU time)."""
    if settings.method == "tokens":
        return (prompt_tokens * settings.prompt_per_1k + completion_tokens * settings.completion_per_1k) / 1000
    return generate_ms / 3_600_000 * settings.gpu_hour / settings.concurrency
