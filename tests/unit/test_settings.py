"""Configuration errors name the field, its variable and the bad value, and never print a secret."""

from __future__ import annotations

import pytest

from assistant.core.errors import ConfigurationError
from assistant.settings import load_settings

SECRETS = {
    "llm": {"api_key": "sk-supersecret-123"},
    "privacy": {"pseudonym_key": "c2VjcmV0LXBzZXVkb255bS1rZXktMzItYnl0ZXMhIQ=="},
    "audit": {"postgres_dsn": "host=db user=audit password=hunter2"},
}
LEAKS = ("sk-supersecret-123", "c2VjcmV0", "hunter2")


def _error(**overrides: dict[str, object]) -> str:
    merged = {section: {**SECRETS.get(section, {}), **overrides.get(section, {})} for section in {*SECRETS, *overrides}}
    with pytest.raises(ConfigurationError) as caught:
        load_settings(**merged)
    return str(caught.value)


@pytest.mark.parametrize(
    ("overrides", "named", "shown"),
    [
        # a validator of the whole settings: its input is every section, secrets included
        ({"llm": {"translate_queries_to": ["nl"]}}, "settings (ASSISTANT_*)", "translate_queries_to"),
        # a validator of the llm section: its input is the section, the API key included
        ({"llm": {"backend": "replay"}}, "llm (ASSISTANT_LLM)", "replay_from"),
        # a plain field: its bad value is shown
        ({"llm": {"max_tokens": -3}}, "llm.max_tokens (ASSISTANT_LLM_MAX_TOKENS)", "(got -3)"),
        ({"llm": {"backend": "gpt"}}, "llm.backend (ASSISTANT_LLM_BACKEND)", "(got 'gpt')"),
        # a secret's own bad value is never shown
        ({"audit": {"postgres_dsn": 42}}, "audit.postgres_dsn", ""),
        ({"llm": {"api_key": ["sk-supersecret-123"]}}, "llm.api_key", ""),
    ],
)
def test_configuration_errors_name_the_field_and_never_print_a_secret(
    overrides: dict[str, dict[str, object]], named: str, shown: str
) -> None:
    message = _error(**overrides)
    assert named in message and shown in message
    assert not [leak for leak in LEAKS if leak in message], message


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("ASSISTANT_ACCESS_ROLES", '{"store": ["public"],}', '"access"'),
        ("ASSISTANT_INGESTION_LANGUAGES", "[fr,xx]", '"ingestion"'),
    ],
)
def test_a_value_that_is_not_json_is_a_configuration_error_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=f"{field}.*take JSON") as caught:
        load_settings()
    assert caught.value.exit_code == 2
