import pytest

from assistant.core.domain import Answer, Citation
from assistant.ui.app import AI_NOTICE, render

pytestmark = pytest.mark.unit


def test_first_message_tells_users_they_talk_to_an_ai() -> None:
    assert "intelligence artificielle" in AI_NOTICE
    assert "artificial intelligence" in AI_NOTICE


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
