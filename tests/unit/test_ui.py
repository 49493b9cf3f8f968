import pytest

from assistant.core.domain import Answer, Citation
from assistant.ui.app import AI_NOTICE
from assistant.ui.store_chat import render
from assistant.ui.texts import starters, ui_language

pytestmark = pytest.mark.unit


def test_first_message_tells_users_they_talk_to_an_ai() -> None:
    assert "intelligence artificielle" in AI_NOTICE["fr"]
    assert "artificial intelligence" in AI_NOTICE["en"]


def test_render_lists_sources_and_notice() -> None:
    answer = Answer(
        "D'après les documents :\n« 30 jours. » [1]",
        [Citation("/docs/procedures/retours.md", "c1", "Retours")],
        refused=False,
        language="fr",
        mode="extractive",
        notice="Réponse extractive",
    )
    text = render(answer)
    assert "[1] Retours — `retours.md`" in text
    assert text.endswith("_Réponse extractive_")


def test_a_follow_up_shows_the_question_understood_first() -> None:
    answer = Answer("« 14 jours. » [1]", [Citation("/d/retours.md", "c1", "Retours")], False, "fr", "extractive",
                    understood="Combien de jours pour retourner ? Et pendant les soldes ?")  # fmt: skip
    assert render(answer).startswith("> *Question comprise : Combien de jours pour retourner ? Et pendant")
    assert "Understood question" in render(answer, "en")


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("fr-FR,fr;q=0.9", "fr"),
        ("fr-CA", "fr"),
        ("en-GB,en;q=0.8", "en"),
        ("en", "en"),
        ("de-DE,de;q=0.9", "fr"),
        ("es", "fr"),
        ("", "fr"),
        (None, "fr"),
    ],
)
def test_the_chat_speaks_the_browsers_language_when_french_or_english_else_french(
    accept: str | None, language: str
) -> None:
    assert ui_language(accept) == language


def test_each_role_has_starters_in_both_languages_and_unknown_roles_get_the_store_ones() -> None:
    for role in ("store", "hq", "hr"):
        assert len(starters(role, "fr")) >= 3 and len(starters(role, "en")) >= 3
    assert starters("compliance", "fr") == starters("store", "fr")


def test_the_ai_notice_stands_under_the_message_box_in_both_languages() -> None:
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "assistant" / "ui" / ".chainlit" / "translations"
    for locale, language in (("fr-FR", "fr"), ("en-US", "en")):
        translations = json.loads((folder / f"{locale}.json").read_text(encoding="utf-8"))
        assert AI_NOTICE[language] in json.dumps(translations, ensure_ascii=False)
