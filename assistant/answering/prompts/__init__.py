"""Use cases as configuration: one versioned TOML prompt template per use case, in this folder.

A template has ``id``, ``version``, ``refusal_marker``, and per-language tables ``system``, ``user`` and
``language_retry`` (``$placeholders``, :class:`string.Template` syntax), plus ``language_names.<template language>``
and any other two-level table (``channel_hints.fr.web``) a use case needs. Languages without their own wording use
the English one and are named in it ("Answer in Spanish"). ``ASSISTANT_LLM_PROMPTS_DIR`` may point at a folder of
templates that override these (same file names).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any

from assistant.core.errors import ConfigurationError
from assistant.llm.ports import ChatMessage

PROMPTS_DIR = Path(__file__).resolve().parent
_FALLBACK_LANGUAGE = "en"
_REQUIRED = ("id", "version", "refusal_marker", "system", "user", "language_retry", "language_names")


@dataclass(frozen=True)
class PromptTemplate:
    id: str
    version: str
    refusal_marker: str
    system: Mapping[str, str]
    user: Mapping[str, str]
    language_retry: Mapping[str, str]
    tables: Mapping[str, Mapping[str, Mapping[str, str]]]  # language_names, channel_hints...
    source: str

    @property
    def full_version(self) -> str:
        """``id@version``, recorded with every answer."""
        return f"{self.id}@{self.version}"

    def wording(self, language: str) -> str:
        """The template language used for ``language`` (its own wording, else English)."""
        return language if language in self.system else _FALLBACK_LANGUAGE

    def lookup(self, table: str, language: str, key: str) -> str:
        rows = self.tables.get(table, {}).get(self.wording(language), {})
        return rows.get(key, key)

    def _fill(self, part: str, text: str, language: str, values: Mapping[str, str]) -> str:
        names = {
            "refusal_marker": self.refusal_marker,
            "language_name": self.lookup("language_names", language, language),
            **values,
        }
        try:
            return Template(text).substitute(names)
        except (KeyError, ValueError) as exc:
            raise ConfigurationError(
                f"prompt template {self.source} [{part}.{self.wording(language)}]: placeholder {exc} has no value; "
                f"use only {', '.join('$' + n for n in sorted(names))}"
            ) from None

    def messages(self, language: str, **values: str) -> list[ChatMessage]:
        wording = self.wording(language)
        return [
            ChatMessage("system", self._fill("system", self.system[wording], language, values)),
            ChatMessage("user", self._fill("user", self.user[wording], language, values)),
        ]

    def retry_instruction(self, language: str, **values: str) -> str:
        return self._fill("language_retry", self.language_retry[self.wording(language)], language, values)


def _parse(path: Path) -> PromptTemplate:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"prompt template {path}: cannot read it ({exc}); fix the TOML") from None
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise ConfigurationError(
            f"prompt template {path}: missing {', '.join(missing)}; see {PROMPTS_DIR}/store_qa.toml"
        )
    for part in ("system", "user", "language_retry"):
        if _FALLBACK_LANGUAGE not in data[part]:
            raise ConfigurationError(f"prompt template {path}: [{part}] needs an '{_FALLBACK_LANGUAGE}' wording")
    tables = {k: v for k, v in data.items() if isinstance(v, dict) and k not in ("system", "user", "language_retry")}
    return PromptTemplate(
        id=str(data["id"]),
        version=str(data["version"]),
        refusal_marker=str(data["refusal_marker"]),
        system=dict(data["system"]),
        user=dict(data["user"]),
        language_retry=dict(data["language_retry"]),
        tables=tables,
        source=str(path),
    )


@lru_cache(maxsize=16)
def load_prompt(use_case: str, directory: Path | None = None) -> PromptTemplate:
    """The template of ``use_case`` (``store_qa``, ``marketing_copy``), from ``directory`` if it has one."""
    for folder in (directory, PROMPTS_DIR):
        if folder is not None and (folder / f"{use_case}.toml").is_file():
            template = _parse(folder / f"{use_case}.toml")
            if template.id != use_case:
                raise ConfigurationError(f"prompt template {template.source}: id {template.id!r} != {use_case!r}")
            return template
    known = sorted(p.stem for p in PROMPTS_DIR.glob("*.toml"))
    raise ConfigurationError(f"no prompt template for use case {use_case!r}; known: {', '.join(known)}")
