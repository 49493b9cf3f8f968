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


def test_the_container_is_built_once_with_its_service_when_sessions_start_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading
    import time

    from assistant.ui import app

    built: list[object] = []

    class SlowContainer:
        def __init__(self, settings: object) -> None:
            built.append(self)

        @property
        def service(self) -> object:
            time.sleep(0.2)  # models, index and audit log loading
            return object()

    monkeypatch.setattr(app, "Container", SlowContainer)
    monkeypatch.setattr(app, "load_settings", lambda: None)
    monkeypatch.setattr(app, "_container", None)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(app._get_container())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1 and got == built * 4
