"""What the chat says, in French for store staff (the default) or in English: the browser's language when it is one of
them, French otherwise. Chainlit's own strings follow the same rule (the server rewrites the language it asks for)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

STARTERS = Path(__file__).resolve().parent / "starters.toml"
_TEXTS = {
    "fr": {
        "profile.store": "Magasin",
        "profile.store.about": "Questions sur les procédures, les produits et les règles du magasin, avec les sources.",
        "profile.marketing": "Marketing",
        "profile.marketing.about": "Rédiger des textes produit à partir des fiches produit, sources à l'appui.",
        "profile.compliance": "Conformité",
        "profile.compliance.about": "Journal d'audit, vérification de la chaîne, droits des personnes, coûts.",
        "sources": "Sources",
        "understood": "Question comprise",
        "disabled": "Votre compte a été désactivé : cette session est terminée.",
        "rate": "Plus de {limit} demandes par minute : réessayez dans {wait} s.",
        "not_allowed": "Votre rôle ne donne pas accès à cet espace.",
        "error": "Un service est indisponible : {error}",
    },
    "en": {
        "profile.store": "Store",
        "profile.store.about": "Questions about store procedures, products and rules, with sources.",
        "profile.marketing": "Marketing",
        "profile.marketing.about": "Draft product copy from the product sheets, with their passages.",
        "profile.compliance": "Compliance",
        "profile.compliance.about": "Audit trail, chain verification, data-subject rights, costs.",
        "sources": "Sources",
        "understood": "Understood question",
        "disabled": "Your account was disabled: this session has ended.",
        "rate": "More than {limit} requests per minute: try again in {wait} s.",
        "not_allowed": "Your role does not give access to this space.",
        "error": "A service is unavailable: {error}",
    },
}


def ui_language(accept: str | None) -> str:
    """``fr`` or ``en`` from an Accept-Language value or a locale (``en-GB,en;q=0.9``), ``fr`` for any other."""
    first = (accept or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "fr"


def text(key: str, language: str, **values: object) -> str:
    return _TEXTS.get(language, _TEXTS["fr"])[key].format(**values)


@lru_cache(maxsize=1)
def _starters() -> dict[str, dict[str, dict[str, str]]]:
    with STARTERS.open("rb") as handle:
        return tomllib.load(handle)


def starters(role: str, language: str) -> list[tuple[str, str]]:
    """(label, question) pairs for ``role`` in ``language`` (the store list for a role without its own)."""
    by_role = _starters()
    table = by_role.get(role, by_role["store"])
    return list(table.get(language, table.get("fr", {})).items())
