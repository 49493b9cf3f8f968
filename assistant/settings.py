"""The one settings tree. With :mod:`assistant.core.environment` (the cache folder, child processes, offline mode),
this is the only module that reads the process environment.

Every field is set from an ``ASSISTANT_``-prefixed variable; nested groups use one underscore
after the group name (``ASSISTANT_QDRANT_URL`` -> ``qdrant.url``, ``ASSISTANT_EMBEDDING_MODEL_PATH``
-> ``embedding.model_path``). An optional ``assistant.toml`` in the working directory is read too
(environment wins). Load once with :func:`load_settings` and pass the object down.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from assistant.core.domain import CONFIDENTIALITY_LEVELS
from assistant.core.environment import default_cache_dir
from assistant.core.errors import ConfigurationError
from assistant.core.tracing import TelemetrySettings
from assistant.embeddings.settings import EmbeddingSettings
from assistant.finops.settings import CostSettings
from assistant.gate_settings import GateSettings
from assistant.http_settings import ServerSettings
from assistant.index.settings import IndexSettings, QdrantSettings
from assistant.llm.client_settings import LlmSettings
from assistant.llm.settings import LocalLlmSettings
from audit.settings import AuditSettings
from ingestion.settings import IngestionSettings
from privacy.settings import PrivacySettings

AUDIENCES_HELP = "audience tags a document may carry (e.g. public, store, hq, hr, marketing)"


class AccessSettings(BaseModel):
    roles: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "store": ["public", "store"],
            "marketing": ["public", "store", "marketing"],
            "hq": ["public", "store", "hq", "marketing"],
            "hr": ["public", "store", "hq", "hr"],
            "compliance": ["public", "store", "hq", "hr", "marketing"],
        },
        description=f"Role -> {AUDIENCES_HELP} that role may read. An unknown role reads nothing.",
    )
    default_role: str = Field("store", description="Role used when a command is given no --role.")
    clearance: dict[str, str] = Field(
        default_factory=lambda: {
            "store": "internal",
            "marketing": "internal",
            "hq": "confidential",
            "hr": "secret",
            "compliance": "secret",
        },
        description="Role -> highest confidentiality it may read (public, internal, confidential, secret); "
        "a role not listed reads up to internal.",
    )
    store_scoped_roles: list[str] = Field(
        default_factory=lambda: ["store"],
        description="Roles that only see documents for every store ('*'), their own store (--store) or its region.",
    )
    store_regions: dict[str, str] = Field(
        default_factory=dict,
        description="Store code -> region (e.g. {'par-01': 'ile-de-france'}): store roles also see documents whose "
        "'regions' metadata names their store's region. JSON in ASSISTANT_ACCESS_STORE_REGIONS.",
    )

    @model_validator(mode="after")
    def _default_role_exists(self) -> AccessSettings:
        if self.default_role not in self.roles:
            raise ValueError(
                f"default_role {self.default_role!r} is not among the roles {sorted(self.roles)}; "
                "set ASSISTANT_ACCESS_DEFAULT_ROLE to one of them"
            )
        return self

    @field_validator("clearance")
    @classmethod
    def _known_levels(cls, value: dict[str, str]) -> dict[str, str]:
        bad = {role: level for role, level in value.items() if level not in CONFIDENTIALITY_LEVELS}
        if bad:
            raise ValueError(f"unknown confidentiality levels {bad}; use one of {list(CONFIDENTIALITY_LEVELS)}")
        return value

    @property
    def audiences(self) -> set[str]:
        return {a for audiences in self.roles.values() for a in audiences}


class AnswerSettings(BaseModel):
    top_k: int = Field(5, ge=1, le=50, description="Chunks retrieved to answer a question.")
    min_relevance: float = Field(
        0.82,
        description="Cosine (question vs. best quoted sentence) below which the extractive answerer refuses.",
    )
    min_sentence_support: float = Field(
        0.44,
        description="Support score (semantic + lexical, 0-1) the best quoted sentence must reach, else refuse. "
        "Calibrated on eval/datasets/samples_golden.jsonl with multilingual-e5-small.",
    )
    max_sentences: int = Field(3, ge=1, le=10, description="Sentences quoted by the extractive answer.")
    max_question_chars: int = Field(
        2000,
        ge=100,
        le=20_000,
        description="Longest question accepted (characters); a longer one is refused with a message, before any "
        "search. It must leave room in the model's window (4,096 tokens by default) for the documents and the answer.",
    )


class UiSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address the server (chat UI and HTTP API) binds.")
    port: int = Field(8000, ge=1, le=65535, description="Port the server (chat UI and HTTP API) listens on.")


class Settings(BaseSettings):
    """Root of the settings tree."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        toml_file="assistant.toml",
        extra="forbid",
    )

    data_dir: Path = Field(Path(".assistant"), description="Where the index, registry and logs live.")
    cache_dir: Path = Field(
        default_factory=default_cache_dir, description="Set-up cache: downloaded wheels and built models."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("WARNING", description="Log level.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    qdrant: QdrantSettings = Field(default_factory=QdrantSettings)
    ingestion: IngestionSettings = Field(default_factory=IngestionSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    ui: UiSettings = Field(default_factory=UiSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    local_llm: LocalLlmSettings = Field(default_factory=LocalLlmSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    telemetry: TelemetrySettings = Field(default_factory=TelemetrySettings)
    costs: CostSettings = Field(default_factory=CostSettings)
    gate: GateSettings = Field(default_factory=GateSettings)

    @field_validator("data_dir", "cache_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @model_validator(mode="after")
    def _translation_languages_known(self) -> Settings:
        unknown = [lang for lang in self.llm.translate_queries_to if lang not in self.ingestion.languages]
        if unknown:
            raise ValueError(
                f"llm.translate_queries_to names {unknown}, which the language detector does not know; use some of "
                f"ingestion.languages {self.ingestion.languages} or add them there"
            )
        return self

    @model_validator(mode="after")
    def _shared_state_has_a_database(self) -> Settings:
        shared = [
            name
            for name, backend in (
                ("privacy.vault_backend", self.privacy.vault_backend),
                ("ingestion.registry_backend", self.ingestion.registry_backend),
            )
            if backend == "postgres"
        ]
        if shared and self.audit.postgres_dsn is None:
            raise ValueError(
                f"{' and '.join(shared)} {'is' if len(shared) == 1 else 'are'} postgres but audit.postgres_dsn is not "
                "set: set ASSISTANT_AUDIT_POSTGRES_DSN (the vault and the registry live in the audit trail's "
                "database, beside the users), or set ASSISTANT_PRIVACY_VAULT_BACKEND and "
                "ASSISTANT_INGESTION_REGISTRY_BACKEND to sqlite"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def qdrant_path(self) -> Path:
        return self.data_dir / "qdrant"

    @property
    def edge_path(self) -> Path:
        return self.data_dir / "index"

    @property
    def registry_path(self) -> Path:
        return self.data_dir / "documents.sqlite"

    def shared_dsn(self) -> str:
        """The database of the state the replicas share with the postgres backends (vault, registry, users):
        ``audit.postgres_dsn``."""
        if self.audit.postgres_dsn is None:
            raise ConfigurationError("audit.postgres_dsn is not set: set ASSISTANT_AUDIT_POSTGRES_DSN")
        return self.audit.postgres_dsn.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Build the settings once; turn validation failures into a message naming field and fix."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except SettingsError as exc:  # a value that is not the JSON a list or table setting needs
        cause = f": {exc.__cause__}" if isinstance(exc.__cause__, ValueError) else ""
        raise ConfigurationError(
            f"invalid configuration: {exc}{cause}. List and table settings (ASSISTANT_ACCESS_ROLES, "
            'ASSISTANT_INGESTION_LANGUAGES...) take JSON: ["fr", "en"], {"store": ["store", "public"]}'
        ) from None
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "settings"
            env = "ASSISTANT_" + ("_".join(str(p) for p in err["loc"][:2]).upper() or "*")
            problems.append(f"{field} ({env}): {err['msg']}{_shown_input(field, err.get('input'))}")
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from None


_SECRET_WORDS = ("key", "secret", "password", "dsn", "token")  # words of a field name (max_tokens is no secret)


def _shown_input(field: str, value: object) -> str:
    """The bad value, for the error message; never a secret's, and never a whole section's (a validator of a section
    or of the whole settings receives every value of it, secrets included)."""
    if set(re.split(r"[._]", field.lower())) & set(_SECRET_WORDS):
        return ""
    if value is None or isinstance(value, (str, int, float, bool)):
        return f" (got {value!r})"
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float, bool)) for v in value):
        return f" (got {list(value)!r})"
    return ""
