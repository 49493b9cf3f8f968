"""How well a sentence answers a question, and the sentences a text offers as evidence (shared by the extractive
answerer, the context focus and the support checks)."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.core.text import split_sentences


def passage_sentences(texts: Sequence[str], min_chars: int) -> list[tuple[int, int, str]]:
    """(text number, position, sentence) for every sentence of every text; lines (list items, table rows) are kept
    apart; positions count every sentence, kept or not, so neighbours stay neighbours."""
    out: list[tuple[int, int, str]] = []
    for rank, text in enumerate(texts):
        position = 0
        for line in text.split("\n"):
            for sentence in split_sentences(line):
                if len(sentence) >= min_chars:
                    out.append((rank, position, sentence))
                position += 1
    return out


def rescale(cosine: float, floor: float, ceiling: float) -> float:
    """Map an embedding cosine from the model's useful band [floor, ceiling] to 0-1 (0 below the band)."""
    return max(0.0, (cosine - floor) / (ceiling - floor))


def question_relevance(cosine: float, lexical_share: float) -> float:
    """How well a sentence answers a question: 0.6 x the question-sentence cosine rescaled from e5's band
    [0.70, 0.95] + 0.4 x the share of the question's content words it contains (the extractive answerer's score)."""
    return 0.6 * rescale(cosine, 0.70, 0.95) + 0.4 * lexical_share
