"""Pseudonymizer: token format, normalization, keys (setting vs generated file), re-identification."""

from __future__ import annotations

import base64
import pickle
import re
import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import SecretStr

from assistant.core.tokens import TOKEN_HEX_CHARS, TOKEN_PATTERN
from privacy.errors import KeyConfigurationError, SecretsPermissionError
from privacy.keys import Secret, load_or_create_key, parse_key
from privacy.normalize import normalize
from privacy.ports import PiiDetector, PiiSpan, Pseudonymizer
from privacy.pseudonymizer import HmacPseudonymizer, pseudonym_key
from privacy.settings import PrivacySettings
from privacy.vault import SqliteVault

pytestmark = pytest.mark.unit
KEY = Secret(bytes(range(32)))


class FakeDetector:
    """Finds the literal values it is given (deterministic, no model)."""

    supported_languages = ("fr", "en")

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values  # value -> type

    def detect(self, text: str, language: str) -> list[PiiSpan]:
        spans = [
            PiiSpan(t, m.start(), m.end(), 1.0, m.group(0))
            for value, t in self.values.items()
            for m in re.finditer(re.escape(value), text)
        ]
        return sorted(spans, key=lambda s: s.start)

    def detect_batch(self, texts: Sequence[str], language: str) -> list[list[PiiSpan]]:
        return [self.detect(t, language) for t in texts]


def pseudonymizer(values: dict[str, str], key: Secret = KEY) -> HmacPseudonymizer:
    return HmacPseudonymizer(FakeDetector(values), key)


def test_adapters_satisfy_the_ports() -> None:
    assert isinstance(FakeDetector({}), PiiDetector)
    assert isinstance(pseudonymizer({}), Pseudonymizer)


def test_token_format() -> None:
    token = pseudonymizer({}).token_for("PERSON", "Sophie Marchand")
    assert re.fullmatch(rf"<PERSON_[0-9a-f]{{{TOKEN_HEX_CHARS}}}>", token)
    assert TOKEN_PATTERN.fullmatch(token)


@pytest.mark.parametrize(
    ("entity", "variants"),
    [
        ("PERSON", ["Sophie Marchand", "SOPHIE MARCHAND", "sophie marchand", "Sophie  Marchand", "MARCHAND Sophie"]),
        ("PERSON", ["Élodie Fontaine", "ELODIE FONTAINE", "élodie fontaine"]),
        ("EMAIL", ["Sophie.Marchand@Maison-Lumiere.fr", "sophie.marchand@maison-lumiere.fr"]),
        ("PHONE", ["06 12 34 56 78", "+33 6 12 34 56 78", "0033 6 12 34 56 78", "06.12.34.56.78", "0612345678"]),
        ("IBAN", ["FR76 3000 4028 3700 0104 5678 997", "FR7630004028370001045678997"]),
        ("NIR", ["1 92 04 75 112 034 78", "192047511203478"]),
        ("CREDIT_CARD", ["4974 0123 5678 9015", "4974-0123-5678-9015", "4974012356789015"]),
        ("LICENCE_PLATE", ["GH-482-LM", "gh 482 lm"]),
    ],
)
def test_same_subject_same_token(entity: str, variants: list[str]) -> None:
    p = pseudonymizer({})
    assert len({p.token_for(entity, v) for v in variants}) == 1
    assert len({normalize(entity, v) for v in variants}) == 1


def test_different_values_types_and_keys_give_different_tokens() -> None:
    p = pseudonymizer({})
    assert p.token_for("PERSON", "Sophie Marchand") != p.token_for("PERSON", "Sophie Marchant")
    assert p.token_for("PERSON", "Karim") != p.token_for("EMPLOYEE_ID", "Karim")
    other = pseudonymizer({}, Secret(bytes(32)))
    assert p.token_for("PERSON", "Sophie Marchand") != other.token_for("PERSON", "Sophie Marchand")


def test_pseudonymize_replaces_right_to_left_and_reports_original_spans() -> None:
    text = "Sophie Marchand (06 12 34 56 78) a vu SOPHIE MARCHAND."
    p = pseudonymizer({"Sophie Marchand": "PERSON", "06 12 34 56 78": "PHONE", "SOPHIE MARCHAND": "PERSON"})
    out = p.pseudonymize(text, "fr")
    assert "Sophie" not in out.text and "SOPHIE" not in out.text and "06 12" not in out.text
    assert [e.entity_type for e in out.entities] == ["PERSON", "PHONE", "PERSON"]
    assert out.entities[0].token == out.entities[2].token
    for e in out.entities:
        assert text[e.start : e.end] == e.value
    assert out.text == f"{out.entities[0].token} ({out.entities[1].token}) a vu {out.entities[0].token}."
    assert "Sophie" not in repr(out)  # values stay out of repr


def test_batch_equals_one_by_one_and_tokens_match_across_documents_and_queries() -> None:
    p = pseudonymizer({"Karim Benali": "PERSON", "karim benali": "PERSON"})
    docs = ["Note sur Karim Benali.", "Planning : Karim Benali ouvre."]
    batch = p.pseudonymize_batch(docs, "fr")
    assert batch == [p.pseudonymize(d, "fr") for d in docs]
    query = p.pseudonymize("qui est karim benali ?", "fr")
    assert query.entities[0].token == batch[0].entities[0].token == batch[1].entities[0].token


def test_reidentify_replaces_known_tokens_and_leaves_unknown_ones(tmp_path: Path) -> None:
    vault = SqliteVault(tmp_path / "vault.sqlite", Secret(b"k" * 32), Secret(b"i" * 32))
    p = pseudonymizer({"Sophie Marchand": "PERSON"})
    out = p.pseudonymize("Appeler Sophie Marchand.", "fr")
    for e in out.entities:
        vault.put(e.token, e.entity_type, e.value)
    unknown = "<PERSON_" + "0" * TOKEN_HEX_CHARS + ">"
    assert p.reidentify(out.text + " " + unknown, vault) == "Appeler Sophie Marchand. " + unknown
    vault.forget(out.entities[0].token)
    assert p.reidentify(out.text, vault) == out.text


@pytest.mark.parametrize(
    "encode",
    [bytes.hex, lambda b: base64.b64encode(b).decode(), lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")],
)
def test_key_from_setting_hex_or_base64(encode: object, tmp_path: Path) -> None:
    assert callable(encode)
    raw = bytes(range(100, 140))
    settings = PrivacySettings(pseudonym_key=SecretStr(encode(raw)), secrets_dir=tmp_path / "secrets")
    assert pseudonym_key(settings).reveal() == raw
    assert not (tmp_path / "secrets").exists()  # nothing generated when the setting is given


@pytest.mark.parametrize("value", ["too-short", "00" * 16, base64.b64encode(b"x" * 31).decode(), "not base64 !!"])
def test_bad_key_setting_names_the_setting_not_the_value(value: str) -> None:
    with pytest.raises(KeyConfigurationError, match="pseudonym_key") as caught:
        parse_key(SecretStr(value), "pseudonym_key")
    assert value not in str(caught.value)


def test_generated_key_file_is_private_and_reused(tmp_path: Path) -> None:
    secrets_dir = tmp_path / "secrets"
    settings = PrivacySettings(secrets_dir=secrets_dir)
    first = pseudonym_key(settings)
    path = secrets_dir / "pseudonym.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets_dir.stat().st_mode) == 0o700
    assert len(first.reveal()) == 32
    assert pseudonym_key(settings) == first  # read back, not regenerated


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    load_or_create_key(tmp_path / "s", "pseudonym.key")
    (tmp_path / "s" / "pseudonym.key").chmod(0o644)
    with pytest.raises(SecretsPermissionError, match="chmod 600"):
        load_or_create_key(tmp_path / "s", "pseudonym.key")


def test_secret_redacts_itself() -> None:
    secret = Secret(b"very secret key material 1234567")
    assert "very" not in repr(secret) and "very" not in str(secret)
    assert "very" not in repr(pseudonymizer({}, secret))
    with pytest.raises(TypeError):
        pickle.dumps(secret)
