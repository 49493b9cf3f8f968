"""The composition root: the only place that decides which adapter serves each port.

Everything is built lazily and once; constructing a Container loads nothing heavy.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.ports import Answerer
from assistant.answering.revealing import RevealingAnswerer
from assistant.core.embedding import Embedder
from assistant.core.environment import apply_offline_mode
from assistant.core.errors import ConfigurationError
from assistant.core.fusion import RRF_K, LexicalBoost, RankFusion
from assistant.core.index import SparseEncoder, VectorIndex
from assistant.core.protection import NoProtection, TextProtector
from assistant.core.tracing import configure as configure_tracing
from assistant.index.traced import TracedIndex
from assistant.llm.ports import ChatModel
from assistant.retrieval.access import AccessPolicy
from assistant.retrieval.searcher import Searcher
from assistant.settings import Settings
from assistant.shared_state import Registry, open_registry
from ingestion.pipeline import Ingestor

if TYPE_CHECKING:
    from assistant.answering.copywriter import Copywriter
    from assistant.drafting import DraftService
    from assistant.identity.model import Identity
    from assistant.identity.service import UserService
    from assistant.recording import Recorder
    from assistant.service import QueryService
    from audit.log import AuditLog
    from privacy.boundary import PrivacyBoundary
    from privacy.keys import Secret


class Container:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        apply_offline_mode()
        configure_tracing(settings.telemetry)

    @cached_property
    def embedder(self) -> Embedder:
        from assistant.embeddings.factory import build_embedder

        return build_embedder(self.settings.embedding)

    @cached_property
    def sparse_encoder(self) -> SparseEncoder:
        from assistant.index.bm25 import EdgeBm25Encoder

        return EdgeBm25Encoder(avg_len=self.settings.index.bm25_avg_len)

    @property
    def index_backend(self) -> str:
        backend = self.settings.index.backend
        return ("qdrant" if self.settings.qdrant.url else "qdrant-edge") if backend == "auto" else backend

    @cached_property
    def index(self) -> VectorIndex:
        if self.index_backend == "qdrant":
            from assistant.index.qdrant import QdrantIndex

            return TracedIndex(QdrantIndex(self.settings.qdrant, self.settings.qdrant_path))
        from assistant.index.edge import EdgeIndex

        return TracedIndex(EdgeIndex(self.settings.edge_path))

    @cached_property
    def registry(self) -> Registry:
        return open_registry(self.settings)  # the adapter ingestion.registry_backend names

    @cached_property
    def access(self) -> AccessPolicy:
        a = self.settings.access
        return AccessPolicy(a.roles, a.clearance, a.store_scoped_roles, a.store_regions)

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
            boost=LexicalBoost(
                self.settings.index.boost_weight,
                self.settings.index.boost_saturation,
                self.settings.index.boost_dense_floor,
            ),
            rrf=RankFusion(RRF_K, self.settings.index.rrf_dense_weight, self.settings.index.rrf_sparse_weight),
            protect_query=self.privacy.protect_query if self.settings.privacy.enabled else None,
        )

    @cached_property
    def privacy(self) -> PrivacyBoundary:
        from assistant.ingest_workers import privacy_boundary

        return privacy_boundary(self.settings)

    @cached_property
    def protector(self) -> TextProtector:
        return self.privacy if self.settings.privacy.enabled else NoProtection()

    @cached_property
    def chat_model(self) -> ChatModel:
        from assistant.llm.openai_compat import OpenAiCompatibleChatModel
        from assistant.llm.traced import TracedChatModel
        from assistant.llm.transcript import RecordingChatModel, ReplayChatModel

        llm = self.settings.llm
        model: ChatModel
        if llm.backend == "replay" and llm.replay_from is not None:
            # recording too: prompts the transcript lacks go to the live model (only they cost a generation)
            if llm.record_to is not None and llm.record_to.resolve() == llm.replay_from.resolve():
                raise ConfigurationError(
                    f"llm.record_to and llm.replay_from both name {llm.record_to}: record into a new file "
                    "(it gets the whole run, replayed and generated)"
                )
            live = OpenAiCompatibleChatModel(llm) if llm.record_to is not None else None
            model = ReplayChatModel(llm.replay_from, missing=live)
        else:
            model = OpenAiCompatibleChatModel(llm)  # contacts nothing until the first question
        if llm.record_to is not None:
            model = RecordingChatModel(model, llm.record_to)
        return TracedChatModel(model)

    @cached_property
    def answerer(self) -> Answerer:
        """Answers as their reader may see them (re-identified for authorised roles), NOT audited: for evaluation.
        Product front doors use :attr:`service`."""
        if not self.settings.privacy.enabled:
            return self.pseudonymized_answerer
        return RevealingAnswerer(self.pseudonymized_answerer, self.privacy.reveal)

    @cached_property
    def pseudonymized_answerer(self) -> Answerer:
        """The generative answerer with the extractive fallback (or extractive only); its texts are pseudonymized."""
        extractive = ExtractiveAnswerer(self.searcher, self.settings.answer, self.settings.ingestion.languages)
        answerer: Answerer = extractive
        if self.settings.llm.backend in ("openai", "replay"):
            from assistant.answering.fallback import FallbackAnswerer
            from assistant.answering.grounded import GroundedAnswerer

            s = self.settings
            from assistant.answering.translation import LlmQueryTranslator

            languages = s.ingestion.languages
            translator = LlmQueryTranslator(self.chat_model, languages) if s.llm.translate_queries_to else None
            grounded = GroundedAnswerer(
                self.searcher, self.chat_model, extractive, s.answer, s.llm, languages, translator=translator
            )
            answerer = FallbackAnswerer(grounded, extractive, cooldown_s=s.llm.unavailable_cooldown_s)
        return answerer

    @cached_property
    def pseudonym_key(self) -> Secret:
        from privacy.pseudonymizer import pseudonym_key

        return pseudonym_key(self.settings.privacy)

    def user_token(self, user: str) -> str:
        """The pseudonymous id recorded for a login or employee id: a keyed MAC token ``<USER_…>`` (erasable)."""
        from privacy.pseudonymizer import make_token

        return make_token(self.pseudonym_key, "USER", user.strip().lower())

    @cached_property
    def recorder(self) -> Recorder:
        """What the front doors record with: audit log, access policy, costs, and the privacy functions."""
        from assistant.recording import Recorder

        s = self.settings
        if not s.privacy.enabled:
            return Recorder(self.audit, self.access, s.costs, self.user_token)
        return Recorder(self.audit, self.access, s.costs, self.user_token, self.protect_text, self.privacy.reveal)

    @cached_property
    def service(self) -> QueryService:
        """The front door for questions: answer, trace, one audit record each, privacy boundary on the way out."""
        from assistant.service import QueryService

        s = self.settings
        may_reidentify = self.privacy.may_reidentify if s.privacy.enabled else (lambda role: False)
        from assistant.answering.followup import FollowUps

        generative = s.llm.backend in ("openai", "replay")
        return QueryService(
            self.pseudonymized_answerer,
            self.recorder,
            may_reidentify=may_reidentify,
            max_question_chars=s.answer.max_question_chars,
            followups=FollowUps(self.chat_model if generative else None),
            languages=s.ingestion.languages,
            nothing_to_read=lambda asker, language: self.searcher.nothing_to_read(asker.role, asker.store, language),
        )

    @cached_property
    def copywriter(self) -> Copywriter:
        """Drafts from pseudonymized sources, not revealed and NOT audited: front doors use :attr:`drafts`."""
        from assistant.answering.copywriter import Copywriter

        s = self.settings
        return Copywriter(self.searcher, self.chat_model, s.llm, s.ingestion.languages)

    @cached_property
    def drafts(self) -> DraftService:
        """The front door for marketing drafts: traced, one audit record each, output guard on the way out."""
        from assistant.drafting import DraftService

        return DraftService(self.copywriter, self.recorder)

    def protect_text(self, text: str) -> str:
        """Free text a user typed, pseudonymized in its detected language (for an audit record)."""
        from assistant.core.text import detect_language

        return self.privacy.protect_query(text, detect_language(text, self.settings.ingestion.languages))

    @cached_property
    def ingestor(self) -> Ingestor:
        return self.make_ingestor()

    def make_ingestor(self, workers: int | None = None) -> Ingestor:
        """The ingestion pipeline; ``workers`` (default ``ingestion.workers``) processes parse and pseudonymize."""
        from assistant.ingest_workers import ProcessPoolPreparation
        from ingestion.chunking import Chunker
        from ingestion.parsers import default_registry
        from ingestion.space import SpaceGuard

        s = self.settings.ingestion
        count = workers or s.workers
        sparse = [self.settings.edge_path] if self.index_backend == "qdrant-edge" else []
        return Ingestor(
            default_registry(s),
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
            batch_chunks=s.batch_chunks,
            workers=(lambda: ProcessPoolPreparation(self.settings, count)) if count > 1 else None,
            guard=SpaceGuard(self.settings.data_dir, sparse, s.min_free_bytes),  # the engine's mapped files
        )

    @cached_property
    def users(self) -> UserService:
        """Users, passwords and API tokens; beside the audit store (PostgreSQL too when the audit trail is there)."""
        from assistant.identity.service import UserService
        from assistant.identity.store import SqlUserStore

        s = self.settings
        dsn = s.audit.postgres_dsn if s.audit.backend == "postgres" else None
        store = (
            SqlUserStore.postgres(dsn.get_secret_value()) if dsn else SqlUserStore.sqlite(s.data_dir / "users.sqlite3")
        )
        limits = {"min_password_chars": s.server.min_password_chars, "token_days": s.server.token_days}
        return UserService(store, list(s.access.roles), self._record_user_change, **limits)

    def _record_user_change(self, operation: str, actor: Identity | None, details: dict[str, object]) -> None:
        """A users.* audit record: names (actor and user) pseudonymized, as every record's."""
        from audit.entry import AuditEntry, AuditPayload

        shown = {k: self.user_token(v) if k == "user" and isinstance(v, str) else v for k, v in details.items()}
        who = self.user_token(actor.name) if actor else None
        role = actor.role if actor else None
        self.audit.record(AuditEntry(operation=operation, role=role, payload=AuditPayload(user_id=who, details=shown)))

    @cached_property
    def audit(self) -> AuditLog:
        """The tamper-evident audit log (store picked by ``audit.backend``); keys default to privacy.secrets_dir."""
        from audit.factory import build_audit_log

        return build_audit_log(self.settings.audit, self.settings.data_dir, self.settings.privacy.secrets_dir)

    def close(self) -> None:
        if "index" in self.__dict__:
            self.index.close()
        if "registry" in self.__dict__:
            self.registry.close()
        if "privacy" in self.__dict__:
            self.privacy.close()
        if "users" in self.__dict__:
            self.users.close()
        if "audit" in self.__dict__:
            self.audit.close()
