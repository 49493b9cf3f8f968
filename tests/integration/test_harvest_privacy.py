"""``assistant eval harvest`` with the real privacy boundary and a real audit trail (no index, no LLM, no server):
thumbs-down records into which raw personal data was planted (a forged or older record: the question and the comment
were never pseudonymized) come out with none of it, and a normal exchange keeps its pseudonym tokens."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli import eval_loop, output
from assistant.container import Container
from assistant.core.tokens import TOKEN_PATTERN, tokens_in
from assistant.settings import Settings, load_settings
from audit.entry import AuditEntry, AuditPayload, RetrievedChunk

pytestmark = pytest.mark.integration

NAME, EMAIL, PHONE = "Jean-Baptiste Moreau", "jb.moreau@example.fr", "06 12 34 56 78"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
RAW = [NAME, "Jean-Baptiste", "Moreau", EMAIL, PHONE, IBAN]
DIGITS = [re.sub(r"\D", "", PHONE), re.sub(r"\s", "", IBAN), re.sub(r"\D", "", IBAN)]  # 0612345678, FR76..., 76...


@pytest.fixture
def container(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Container]:
    """The real container (privacy boundary, vault, SQLite audit trail) over a fresh data dir; the CLI gets this very
    container, so the PII models load once."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_PRIVACY_SECRETS_DIR", str(tmp_path / "secrets"))
    monkeypatch.setenv("ASSISTANT_LLM_BACKEND", "none")
    c = Container(load_settings())
    assert c.settings.privacy.enabled

    def factory(settings: Settings) -> Container:
        assert settings.data_dir == c.settings.data_dir
        return c

    monkeypatch.setattr(output, "container_factory", factory)
    yield c
    c.close()


def ask(c: Container, question: str, answer: str) -> int:
    entry = AuditEntry(
        operation="ask",
        role="store",
        use_case="store_qa",
        retrieved=(RetrievedChunk("c1", "doc-retours", 0.8),),
        cited_chunks=("c1",),
        extra={"language": "fr"},
        payload=AuditPayload(user_id=c.user_token("vendeur.lyon"), question=question, answer=answer),
    )
    return c.audit.record(entry).seq


def test_harvest_pseudonymizes_planted_personal_data_and_keeps_tokens(container: Container, tmp_path: Path) -> None:
    c = container
    # a normal exchange: the question and the comment pseudonymized as the product records them
    normal_question = c.protect_text("Mme Sophie Lambert veut échanger sa veste sans ticket, est-ce possible ?")
    normal_comment = c.protect_text("Sophie Lambert est repartie sans réponse")
    kept = tokens_in(normal_question) | tokens_in(normal_comment)
    assert any(t.startswith("<PERSON_") for t in tokens_in(normal_question)), normal_question
    normal = ask(c, normal_question, "Un échange est possible sous 30 jours avec le ticket.")
    c.audit.add_feedback(normal, -1, normal_comment, user=c.user_token("vendeur.lyon"))
    # a forged (or older) record: raw personal data in the question and the comment, never pseudonymized
    forged_question = f"Je suis {NAME}, mail {EMAIL}, tél. {PHONE}, IBAN {IBAN} : puis-je être remboursé ?"
    forged = ask(c, forged_question, f"Nous rappellerons {NAME} au {PHONE}.")
    c.audit.add_feedback(forged, -1, f"Rappeler {NAME} au {PHONE} ou {EMAIL}, IBAN {IBAN}")
    review = tmp_path / "review.jsonl"

    app = typer.Typer()
    eval_loop.register(app)
    result = CliRunner().invoke(
        app, ["harvest", "--since", "2000-01-01", "--out", str(review), "--reviewer", "dpo", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entries"] == 2

    written = review.read_text(encoding="utf-8")
    for value in [*RAW, *DIGITS]:
        assert value not in written and value not in result.output, value
    entries = {e["seq"]: e for e in map(json.loads, written.splitlines())}
    assert set(entries) == {normal, forged}
    planted = entries[forged]
    for field in ("question", "comment", "answer"):
        found = {m.group(1) for m in TOKEN_PATTERN.finditer(planted[field])}
        assert "PERSON" in found and "PHONE" in found, (field, planted[field])
    assert {"EMAIL", "IBAN"} <= {m.group(1) for m in TOKEN_PATTERN.finditer(planted["question"] + planted["comment"])}
    assert entries[normal]["question"] == normal_question and entries[normal]["comment"] == normal_comment
    assert kept <= tokens_in(written)
    assert entries[normal]["sources"] == [{"doc_id": "doc-retours", "stem": None, "cited": True}]
