"""Identifiers whose format the chain chooses: loyalty card numbers and employee ids (regexes from settings)."""

from __future__ import annotations

import regex  # type: ignore[import-untyped]
from presidio_analyzer import Pattern, PatternRecognizer

from privacy.entities import EMPLOYEE_ID, LOYALTY_CARD
from privacy.errors import PatternConfigurationError
from privacy.recognizers.base import IGNORE_CASE

LOYALTY_CONTEXT: dict[str, tuple[str, ...]] = {
    "fr": ("carte", "fidélité", "fidelite", "client", "adhérent", "lumière"),
    "en": ("card", "loyalty", "member", "customer"),
    "de": ("karte", "kundenkarte", "treue"),
    "es": ("tarjeta", "fidelidad", "cliente"),
    "it": ("carta", "fedeltà", "cliente"),
}
EMPLOYEE_CONTEXT: dict[str, tuple[str, ...]] = {
    "fr": ("matricule", "salarié", "collaborateur", "employé", "agent", "personnel", "identifiant"),
    "en": ("employee", "staff", "id", "number", "payroll"),
    "de": ("personalnummer", "mitarbeiter", "mitarbeiterin"),
    "es": ("empleado", "empleada", "número", "personal"),
    "it": ("matricola", "dipendente"),
}
SCORE = 0.7


def configured_recognizer(
    entity: str, pattern: str, setting: str, language: str, context: dict[str, tuple[str, ...]]
) -> PatternRecognizer:
    """A recognizer for ``pattern`` (a regex from the settings); a regex that does not compile names the setting."""
    try:
        regex.compile(pattern, IGNORE_CASE)
    except regex.error as exc:
        raise PatternConfigurationError(
            f"privacy.{setting} is not a valid regular expression ({exc}): got {pattern!r}; "
            f"fix ASSISTANT_PRIVACY_{setting.upper()} (e.g. the default {_DEFAULTS[setting]!r})"
        ) from None
    return PatternRecognizer(
        supported_entity=entity,
        name=f"{entity.title().replace('_', '')}Recognizer_{language}",
        supported_language=language,
        patterns=[Pattern(entity.lower(), pattern, SCORE)],
        context=list(context.get(language, context["en"])),
        global_regex_flags=IGNORE_CASE,
    )


_DEFAULTS = {"loyalty_card_pattern": r"\bCL-\d{10}\b", "employee_id_pattern": r"\bEMP-\d{6}\b"}


def loyalty_card_recognizer(pattern: str, language: str) -> PatternRecognizer:
    return configured_recognizer(LOYALTY_CARD, pattern, "loyalty_card_pattern", language, LOYALTY_CONTEXT)


def employee_id_recognizer(pattern: str, language: str) -> PatternRecognizer:
    return configured_recognizer(EMPLOYEE_ID, pattern, "employee_id_pattern", language, EMPLOYEE_CONTEXT)
