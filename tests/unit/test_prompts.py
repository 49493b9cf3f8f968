"""Versioned prompt templates: loading, wording per language, placeholders, overrides, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.prompts import PROMPTS_DIR, load_prompt
from assistant.core.errors import ConfigurationError

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("use_case", ["store_qa", "marketing_copy"])
def test_shipped_templates_load_with_a_version(use_case: str) -> None:
    template = load_prompt(use_case)
    assert template.id == use_case
    assert template.full_version.startswith(f"{use_case}@")
    assert template.refusal_marker


@pytest.mark.parametrize(
    ("language", "wording", "name"),
    [("fr", "fr", "français"), ("en", "en", "English"), ("es", "en", "Spanish"), ("de", "en", "German")],
)
def test_store_qa_wording_and_language_name(language: str, wording: str, name: str) -> None:
    template = load_prompt("store_qa")
    system, user = template.messages(language, context="<documents/>", question="Combien ?")
    assert template.wording(language) == wording
    assert (system.role, user.role) == ("system", "user")
    assert name in system.content
    assert "NO_ANSWER" in system.content
    assert user.content.startswith("<documents>\n<documents/>\n</documents>")
    assert "Combien ?" in user.content
    assert name in template.retry_instruction(language)


def test_values_are_not_template_syntax() -> None:
    _, user = load_prompt("store_qa").messages("fr", context="Prix : $9 et ${x}", question="q")
    assert "Prix : $9 et ${x}" in user.content


def test_marketing_tables() -> None:
    template = load_prompt("marketing_copy")
    assert "newsletter" in template.lookup("channel_hints", "fr", "newsletter")
    assert template.lookup("default_tone", "en", "text") == "warm and precise"
    assert "charte-marque-maison-lumiere" in template.tables["guidelines"]["sources"].values()


def test_override_directory_wins(tmp_path: Path) -> None:
    text = (PROMPTS_DIR / "store_qa.toml").read_text(encoding="utf-8").replace('version = "', 'version = "9-')
    (tmp_path / "store_qa.toml").write_text(text, encoding="utf-8")
    assert load_prompt("store_qa", tmp_path).version.startswith("9-")
    assert load_prompt("marketing_copy", tmp_path).id == "marketing_copy"  # not overridden: shipped one


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('id = "store_qa"\n', "missing version"),
        ("id = [", "cannot read"),
        (
            'id = "other"\nversion = "1"\nrefusal_marker = "X"\nlanguage_names = {}\n'
            "[system]\nen = 's'\n[user]\nen = 'u'\n[language_retry]\nen = 'r'\n",
            "id 'other' != 'store_qa'",
        ),
        (
            'id = "store_qa"\nversion = "1"\nrefusal_marker = "X"\nlanguage_names = {}\n'
            "[system]\nfr = 's'\n[user]\nen = 'u'\n[language_retry]\nen = 'r'\n",
            r"\[system\] needs an 'en' wording",
        ),
    ],
)
def test_bad_templates_name_the_problem(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "store_qa.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        load_prompt("store_qa", tmp_path)


def test_unknown_placeholder_is_a_configuration_error(tmp_path: Path) -> None:
    text = (PROMPTS_DIR / "store_qa.toml").read_text(encoding="utf-8").replace("Question : $question", "$oops")
    (tmp_path / "store_qa.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match="oops"):
        load_prompt("store_qa", tmp_path).messages("fr", context="c", question="q")


def test_unknown_use_case() -> None:
    with pytest.raises(ConfigurationError, match="known: marketing_copy, store_qa"):
        load_prompt("horoscope")
