"""A new user's first run with their own folder, through the real executable and the real privacy boundary: the
first ingest says who can read what and how to let the default role in, a question the default role cannot read any
document for says so; file names holding personal data are refused and named pseudonymized; a name split by an
invisible character in a question is still pseudonymized in the audit trail."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.integration.conftest import cli_json, run_cli

pytestmark = pytest.mark.integration


def test_a_new_users_first_run(tmp_path: Path, model_path: Path) -> None:
    folder = tmp_path / "mon-magasin"
    folder.mkdir()
    (folder / "horaires.md").write_text("# Horaires\n\nLe magasin ouvre à 9 h et ferme à 20 h du lundi au samedi.\n")
    (folder / "Contrat_Karim_Benali.md").write_text("# Contrat\n\nPériode d'essai de deux mois.\n")
    (folder / "arret-maladie-Julie-Moreau.txt").write_text("Arrêt\n\nDu 3 au 7 mars.\n")
    (folder / "reclamation-client-2024-1187.md").write_text("# Réclamation\n\nColis livré abîmé, avoir accordé.\n")
    data = tmp_path / "data"

    first = run_cli(data, "ingest", str(folder), expect=1)  # two files refused, the batch went on
    said = " ".join((first.stdout + first.stderr).split())
    assert "Karim" not in said and "Julie" not in said and "Moreau" not in said
    assert "Contrat <PERSON_" in said and "the file or folder name holds personal data" in said
    assert "arret maladie <PERSON_" in said
    assert re.search(r"added \S*/reclamation-client-2024-1187\.md", said)  # a case number: the recommended name
    assert "warning: the default role 'store'" in said and "--audience store" in said

    refused = cli_json(data, "ask", "À quelle heure ouvre le magasin ?")
    assert refused["refused"] is True and "rôle « store »" in refused["answer"]

    report = cli_json(data, "ingest", str(folder), "--audience", "store", expect=1)
    assert report["readers"]["store"] == 2 and report["warnings"] == []
    answered = cli_json(data, "ask", "À quelle heure ouvre le magasin ?", "--user", "nouvelle.recrue")
    assert answered["refused"] is False and "9" in answered["answer"]

    hidden = cli_json(data, "ask", "Quel est le contrat de Ka\u200brim Be\u202enali ?", "--user", "nouvelle.recrue")
    shown = cli_json(data, "audit", "show", str(hidden["audit_seq"]))
    question = shown["payload"]["question"]
    assert "<PERSON_" in question and "rim" not in question and "\u200b" not in question
    assert json.dumps(shown).count("\u202e") == 0
