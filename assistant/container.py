"""The composition root: the only place that decides which adapter serves each port.

Everything is built lazily and once; constructing a Container loads nothing heavy.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.ports import Answerer
from assistant.answering.revealing import RevealingAnswerer
from assistant.embeddings.ports import Embedder
from assistant.index.ports import SparseEncoder, VectorIndex
from assistant.retrieval.access import AccessPolicy
from assistant.retrieval.searcher import Searcher
from assistant.settings import Settings, apply_offline_mode
from ingestion.pipeline import Ingestor
from ingestion.ports import NoProtection, TextProtector
from ingestion.registry import SqliteDocumentRegistry

if TYPE_CHECKING:
    from privacy.boundary import PrivacyBoundary


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        apply_offline_mode()

    @cached_property
    def embedder(self) -> Embedder:
        from assistant.embeddings.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(self.settings.embedding)

    @cached_property
    def sparse_encoder(self) -> SparseEncoder:
        from assistant.index.bm25 import EdgeBm25Encoder

        return EdgeBm25Encoder(avg_len=self.settings.index.bm25_avg_len)

    @cached_property
    def index(self) -> VectorIndex:
        backend = self.settings.index.backend
        if backend == "auto":
            backend = "qdrant" if self.settings.qdrant.url else "qdrant-edge"
        if backend == "qdrant":
            from assistant.index.qdrant import QdrantIndex

            return QdrantIndex(self.settings.qdrant, self.settings.qdrant_path)
        from assistant.index.edge import EdgeIndex

        return EdgeIndex(self.settings.edge_path)

    @cached_property
    def registry(self) -> SqliteDocumentRegistry:
        return SqliteDocumentRegistry(self.settings.registry_path)

    @cached_property
    def access(self) -> AccessPolicy:
        a = self.settings.access
        return AccessPolicy(a.roles, a.clearance, a.store_scoped_roles)

    @cached_property
    def searcher(self) -> Searcher:
        return Searcher(
            self.embedder,
            self.sparse_encoder,
            self.index,
            self.access,
            languages=self.settings.ingestion.languages,
            mode=self.settings.index.search_mode,
            candidates=self.settings.index.candidates,
            fusion=self.settings.index.fusion,
            protect_query=self.privacy.protect_query if self.settings.privacy.enabled else None,
        )

    @cached_property
    def privacy(self) -> PrivacyBoundary:
        from privacy.allow_list import load_allow_list
        from privacy.boundary import PrivacyBoundary
        from privacy.presidio_detector import PresidioDetector
        from privacy.pseudonymizer import HmacPseudonymizer, pseudonym_key
        from privacy.vault import SqliteVault

        p = self.settings.privacy
        detector = PresidioDetector(p, allow_list=load_allow_list(p.catalogues, p.allow_list))
        key = pseudonym_key(p)
        vault = SqliteVault.from_settings(p, self.settings.data_dir)
        return PrivacyBoundary(
            HmacPseudonymizer(detector, key), detector, vault, key, reidentify_roles=p.reidentify_roles
        )

    @cached_property
    def protector(self) -> TextProtector:
        return self.privacy if self.settings.privacy.enabled else NoProtection()

    @cached_property
    def answerer(self) -> Answerer:
        extractive = ExtractiveAnswerer(self.searcher, self.settings.answer, self.settings.ingestion.languages)
        if not self.settings.privacy.enabled:
            return extractive
        return RevealingAnswerer(extractive, self.privacy.reveal)

    @cached_property
    def ingestor(self) -> Ingestor:
        from ingestion.chunking import Chunker
        from ingestion.parsers import default_registry

        s = self.settings.ingestion
        return Ingestor(
            default_registry(),
            Chunker(s.chunk_max_chars, s.chunk_overlap_chars, s.chunk_min_chars),
            self.embedder,
            self.sparse_encoder,
            self.index,
            self.registry,
            known_audiences=self.settings.access.audiences,
            default_audience=s.default_audience,
            languages=s.languages,
            max_file_bytes=s.max_file_bytes,
            model_id=self.embedder.model_name,
            protector=self.protector,
        )

    def close(self) -> None:
        if "index" in self.__dict__:
            self.index.close()
        if "registry" in self.__dict__:
            self.registry.close()
        if "privacy" in self.__dict__:
            self.privacy.close()
