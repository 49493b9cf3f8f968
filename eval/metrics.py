"""Ranking metrics over lists of retrieved document identifiers (e.g. source file stems)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def dedupe(ranked: Sequence[str]) -> list[str]:
    """Keep the first occurrence of each document (several chunks of one document count once)."""
    return list(dict.fromkeys(ranked))


def hit_at(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    return 1.0 if any(doc in gold for doc in dedupe(ranked)[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], gold: Collection[str]) -> float:
    for rank, doc in enumerate(dedupe(ranked), 1):
        if doc in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    gains = [1.0 / math.log2(i + 2) for i, doc in enumerate(dedupe(ranked)[:k]) if doc in gold]
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return sum(gains) / ideal if ideal else 0.0
