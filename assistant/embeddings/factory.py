"""The embedder adapter named by ``embedding.backend`` (imported only when chosen: each loads heavy libraries)."""

from __future__ import annotations

from assistant.core.embedding import Embedder
from assistant.embeddings.settings import EmbeddingSettings


def build_embedder(settings: EmbeddingSettings) -> Embedder:
    if settings.backend == "universal-sentence-encoder":
        from assistant.embeddings.universal import UniversalSentenceEncoder

        return UniversalSentenceEncoder(settings)
    if settings.backend == "openai":
        from assistant.embeddings.openai_compat import OpenAiCompatibleEmbedder

        return OpenAiCompatibleEmbedder(settings)
    from assistant.embeddings.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(settings)
