"""Ingestion pipeline with fakes for the embedder and the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingestion.chunking import Chunker
from ingestion.parsers import default_registry
from ingestion.pipeline import Ingestor, doc_id_for
from ingestion.registry import SqliteDocumentRegistry
from ingestion.settings import IngestionSettings
from tests.fakes import FakeEmbedder, FakeProtector, FakeSparseEncoder, InMemoryIndex

pytestmark = pytest.mark.unit
AUDIENCES = {"public", "store", "hq", "hr", "marketing"}


class Rig:
    def __init__(self, tmp: Path, **kw: object) -> None:
        self.embedder = FakeEmbedder()
        self.index = InMemoryIndex()
        self.registry = SqliteDocumentRegistry(tmp / "reg.sqlite")
        self.ingestor = self.make(**kw)

    def make(self, model_id: str = "m1", max_file_bytes: int = 10_000, csv_max_rows: int = 1000) -> Ingestor:
        return Ingestor(
            default_registry(IngestionSettings(csv_max_rows=csv_max_rows)),
            Chunker(300, 50, 0),
            self.embedder,
            FakeSparseEncoder(),
            self.index,
            self.registry,
            known_audiences=AUDIENCES,
            default_audience=["hq"],
            languages=["fr", "en"],
            max_file_bytes=max_file_bytes,
            model_id=model_id,
            protector=FakeProtector(),
        )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "retours.md").write_text("---\naudience: store\n---\n# Retours\n\nLe client a 30 jours pour rendre.\n")
    (root / "sub" / "paie.txt").write_text("Bulletin de paie\n\nLa paie est versée le 28 du mois.\n")
    (root / "notes.xyz").write_text("ignored")
    (root / ".hidden.md").write_text("# secret\n\ntexte")
    return root


def test_first_ingest_then_unchanged_embeds_nothing(tmp_path: Path, corpus: Path) -> None:
    rig = Rig(tmp_path)
    first = rig.ingestor.ingest([corpus])
    assert (first.count("added"), first.count("failed")) == (2, 0)
    assert first.skipped == [str(corpus / "notes.xyz")]
    embedded = rig.embedder.passages_embedded
    assert embedded == first.chunks_embedded > 0
    second = rig.ingestor.ingest([corpus])
    assert second.count("unchanged") == 2
    assert second.chunks_embedded == 0
    assert rig.embedder.passages_embedded == embedded


def test_changed_file_replaces_its_chunks(tmp_path: Path, corpus: Path) -> None:
    rig = Rig(tmp_path)
    long_text = "# Retours\n\n" + " ".join(f"Règle {i} du retour en magasin." for i in range(60))
    (corpus / "retours.md").write_text("---\naudience: store\n---\n" + long_text)
    rig.ingestor.ingest([corpus])
    doc = doc_id_for(str((corpus / "retours.md").resolve()))
    assert rig.index.count(doc) > 3
    (corpus / "retours.md").write_text("---\naudience: store\n---\n# Retours\n\nDésormais 60 jours.\n")
    report = rig.ingestor.ingest([corpus])
    assert report.count("updated") == 1
    assert [c.text for c in rig.index.chunks(doc)] == ["Désormais 60 jours."]


def test_removed_file_is_deleted_everywhere(tmp_path: Path, corpus: Path) -> None:
    rig = Rig(tmp_path)
    rig.ingestor.ingest([corpus])
    gone = (corpus / "sub" / "paie.txt").resolve()
    gone.unlink()
    report = rig.ingestor.ingest([corpus])
    assert report.count("deleted") == 1
    assert rig.index.count(doc_id_for(str(gone))) == 0
    assert rig.registry.get(doc_id_for(str(gone))) is None


def test_a_folder_whose_name_differs_only_in_case_is_another_folder(tmp_path: Path, corpus: Path) -> None:
    other = tmp_path / "Docs"  # beside "docs": two folders on Linux
    other.mkdir()
    (other / "caisse.md").write_text("# Caisse\n\nOuverture à 9 h.\n")
    rig = Rig(tmp_path)
    rig.ingestor.ingest([corpus])
    report = rig.ingestor.ingest([other])  # before the fix, every document of docs/ was planned as removed
    assert (report.count("added"), report.count("deleted")) == (1, 0)
    assert rig.index.count(doc_id_for(str((corpus / "retours.md").resolve()))) > 0


def test_explicit_missing_path_deletes_known_or_reports_unknown(tmp_path: Path, corpus: Path) -> None:
    rig = Rig(tmp_path)
    target = corpus / "retours.md"
    rig.ingestor.ingest([target])
    target.unlink()
    report = rig.ingestor.ingest([target, tmp_path / "never.md"])
    assert [o.status for o in report.outcomes] == ["failed", "deleted"]
    assert "no such file" in report.outcomes[0].error
    assert rig.index.count() == 0


def test_audience_precedence(tmp_path: Path, corpus: Path) -> None:
    (corpus / "sub" / ".audience").write_text("hr\n")
    rig = Rig(tmp_path)
    report = rig.ingestor.ingest([corpus])
    by_name = {Path(o.source).name: o.audience for o in report.outcomes}
    assert by_name == {"retours.md": ("store",), "paie.txt": ("hr",)}  # in-document, then sidecar
    (corpus / "sub" / ".audience").unlink()
    assert {Path(o.source).name: o.audience for o in rig.ingestor.ingest([corpus]).outcomes}["paie.txt"] == ("hq",)
    overridden = rig.ingestor.ingest([corpus], audience=["public"])
    assert {o.audience for o in overridden.outcomes} == {("public",)}
    assert overridden.count("updated") == 2  # an audience change re-indexes the payloads


def test_bad_files_do_not_stop_the_batch_and_keep_old_versions(tmp_path: Path, corpus: Path) -> None:
    rig = Rig(tmp_path)
    rig.ingestor.ingest([corpus])
    good = corpus / "retours.md"
    before = rig.index.chunks(doc_id_for(str(good.resolve())))
    good.write_bytes(b"\x00\x01binary now")  # corrupt an already indexed file
    (corpus / "empty.md").write_text("")
    (corpus / "huge.txt").write_text("x" * 20_000)
    (corpus / "bad-audience.md").write_text("---\naudience: stroe\n---\nTexte.\n")
    (corpus / "new.md").write_text("# Nouveau\n\nUn document valide.\n")
    report = rig.ingestor.ingest([corpus])
    errors = {Path(o.source).name: o.error for o in report.failed}
    assert set(errors) == {"retours.md", "empty.md", "huge.txt", "bad-audience.md"}
    assert "binary" in errors["retours.md"]
    assert "empty" in errors["empty.md"]
    assert "MB limit" in errors["huge.txt"] and "ASSISTANT_INGESTION_MAX_FILE_BYTES" in errors["huge.txt"]
    assert "stroe" in errors["bad-audience.md"]
    assert report.count("added") == 1
    assert rig.index.chunks(doc_id_for(str(good.resolve()))) == before  # nothing already stored was lost


def test_model_change_reembeds(tmp_path: Path, corpus: Path) -> None:
    rig = Rig(tmp_path)
    rig.ingestor.ingest([corpus])
    assert rig.make(model_id="m2").ingest([corpus]).count("updated") == 2


def test_index_loss_is_healed(tmp_path: Path, corpus: Path) -> None:
    rig = Rig(tmp_path)
    rig.ingestor.ingest([corpus])
    rig.index.points.clear()  # the index was wiped behind the registry's back
    assert rig.ingestor.ingest([corpus]).count("updated") == 2
    assert rig.index.count() > 0


def test_every_indexed_string_goes_through_the_protector(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "note.md").write_text(
        "---\ntitle: Note Dupont\naudience: hr\n---\n# Entretien Marchand\n\nM. Dupont a rencontré Mme Marchand.\n"
    )
    rig = Rig(tmp_path)
    rig.ingestor.ingest([root])
    (chunk,) = rig.index.chunks(doc_id_for(str((root / "note.md").resolve())))
    indexed = " ".join([chunk.title, chunk.section, chunk.text])
    assert "Dupont" not in indexed
    assert "Marchand" not in indexed
    assert "<PERSON_0>" in chunk.title
    assert "<PERSON_1>" in chunk.section
    assert "Dupont" not in rig.registry.all()[0].title
    assert [r.source for r in rig.registry.mentioning({"<PERSON_1>"})] == [str((root / "note.md").resolve())]
    assert rig.registry.mentioning({"<PERSON_9>"}) == []


def _hostile_files(root: Path, outside: Path) -> dict[str, tuple[str, str]]:
    """Hostile and broken files written under ``root``: name -> (expected status, words of the error or the text)."""
    from tests.unit.test_parsers import deep_html, docx_bomb, encrypted_pdf, huge_csv, scanned_pdf

    (outside / "secret.md").write_text("# Hors du dossier\n\nNe pas indexer.\n")
    (outside / "folder").mkdir()
    files: dict[str, tuple[bytes | None, str, str]] = {
        "verrouille.pdf": (encrypted_pdf("user-secret"), "failed", "password-protected; export an unprotected copy"),
        "scan.pdf": (scanned_pdf(), "failed", "no text layer (a scan?); run OCR on it"),
        "unicode.txt": ("Procédure d'ouverture\n\nOuvrir à 9 h.".encode("utf-16"), "added", "Ouvrir à 9 h."),
        "ancien.md": ("# Caisse\n\nVérifier le fond de caisse.".encode("latin-1"), "added", "Vérifier le fond"),
        "bombe.docx": (docx_bomb(16 * 1024 * 1024), "failed", "a zip bomb, not a document; re-save it from Word"),
        "profond.html": (deep_html(3000), "failed", "nested more than 256 levels deep"),
        "catalogue.csv": (huge_csv(50), "failed", "more than 20 rows; split the file, or raise"),
        "bidi.md": ("# Remise\n\nRemise de 10\u202e %03 \u202cpour le personnel\x07.".encode(), "added",
                    "Remise de 10 %03 pour le personnel."),
        "$(touch pwned); rm -rf x `id` | cat.md": (b"# Shell\n\nNom de fichier hostile.", "added", "Nom de fichier"),
        "[bold red]x & a\nb.md": (b"# Markup\n\nNom avec saut de ligne.", "added", "saut de ligne"),
        "Contrat_Dupont.md": (b"# Contrat\n\nClauses.", "failed", "Contrat <PERSON_0>.md: the file or folder name"),
        "lien.md": (None, "failed", "a symbolic link to a file outside"),
        "lien-dossier": (None, "failed", "a symbolic link to a folder outside"),
    }  # fmt: skip
    for name, (data, _, _) in files.items():
        if data is not None:
            (root / name).write_bytes(data)
    (root / "lien.md").symlink_to(outside / "secret.md")
    (root / "lien-dossier").symlink_to(outside / "folder")
    (root / "meme-fichier.md").symlink_to(root / "bidi.md")  # inside: its target is ingested once, under its own path
    return {name: (status, expected) for name, (_, status, expected) in files.items()}


def test_hostile_and_broken_files_get_one_line_errors_and_the_batch_goes_on(tmp_path: Path, corpus: Path) -> None:
    rig = Rig(tmp_path, max_file_bytes=20_000_000, csv_max_rows=20)
    rig.ingestor.ingest([corpus])
    before = {r.doc_id: rig.index.chunks(r.doc_id) for r in rig.registry.all()}
    outside = tmp_path / "outside"
    outside.mkdir()
    expected = _hostile_files(corpus, outside)

    report = rig.ingestor.ingest([corpus])

    by_name = {Path(o.source).name: o for o in report.outcomes}
    for name, (status, words) in expected.items():
        shown = "Contrat <PERSON_0>.md" if name == "Contrat_Dupont.md" else name
        outcome = by_name[shown]
        assert outcome.status == status, (name, outcome)
        if status == "failed":
            assert words in outcome.error and "\n" not in outcome.error, (name, outcome.error)
        else:
            text = " ".join(c.text for c in rig.index.chunks(outcome.doc_id))
            assert words in text and "\u202e" not in text and "\x07" not in text, (name, text)
    assert set(by_name) == {*(n for n in expected if n != "Contrat_Dupont.md"), "Contrat <PERSON_0>.md", "retours.md",
                            "paie.txt"}  # fmt: skip
    assert "Dupont" not in json.dumps(report.as_json())  # a name in a file name is not echoed either
    assert not (corpus / "pwned").exists() and not Path("pwned").exists()
    assert {r.doc_id: rig.index.chunks(r.doc_id) for r in rig.registry.all() if r.doc_id in before} == before
    assert not any("Ne pas indexer" in c.text for c, _, _ in rig.index.points.values())
    assert len(rig.registry.all()) == len(before) + sum(1 for s, _ in expected.values() if s == "added")


def test_a_full_disk_stops_the_batch_before_a_file_is_written_and_the_next_run_completes(
    tmp_path: Path, corpus: Path
) -> None:
    from ingestion.space import DiskFullError, SpaceGuard

    free = {"bytes": 10**12}
    rig = Rig(tmp_path)
    rig.ingestor = Ingestor(
        default_registry(), Chunker(300, 50, 0), rig.embedder, FakeSparseEncoder(), rig.index, rig.registry,
        known_audiences=AUDIENCES, default_audience=["hq"], languages=["fr", "en"], max_file_bytes=10_000,
        model_id="m1", protector=FakeProtector(),
        guard=SpaceGuard(tmp_path, min_free_bytes=1000, free=lambda _: free["bytes"]),
    )  # fmt: skip
    rig.ingestor.ingest([corpus])
    before = ({r.doc_id: r for r in rig.registry.all()}, dict(rig.index.points))
    (corpus / "nouveau.md").write_text("# Nouveau\n\nUn document de plus.\n")
    (corpus / "retours.md").write_text("---\naudience: store\n---\n# Retours\n\nLe client a 60 jours.\n")
    free["bytes"] = 999
    with pytest.raises(DiskFullError, match=r"has 0 MB free.*ASSISTANT_INGESTION_MIN_FREE_BYTES.*run the same command"):
        rig.ingestor.ingest([corpus])
    assert ({r.doc_id: r for r in rig.registry.all()}, dict(rig.index.points)) == before  # nothing half-written
    free["bytes"] = 10**12
    again = rig.ingestor.ingest([corpus])
    assert (again.count("added"), again.count("updated"), again.count("failed")) == (1, 1, 0)


def test_a_disk_that_fills_during_a_write_is_reported_as_full_not_as_an_unreadable_file(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from ingestion.space import DiskFullError

    rig = Rig(tmp_path)
    rig.ingestor.ingest([corpus])
    (corpus / "nouveau.md").write_text("# Nouveau\n\nUn document de plus.\n")

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(rig.index, "upsert", full)
    with pytest.raises(DiskFullError, match="is full: free space"):
        rig.ingestor.ingest([corpus])
    assert [r for r in rig.registry.all() if r.source.endswith("nouveau.md")] == []


def test_sparse_files_count_their_holes_as_reserved_space(tmp_path: Path) -> None:
    from ingestion.space import sparse_reserve

    with (tmp_path / "mapped.dat").open("wb") as handle:
        handle.truncate(32 * 1024 * 1024)  # what the embedded engine maps: 32 MB, nothing allocated yet
    (tmp_path / "dense.bin").write_bytes(b"x" * 8192)
    assert 31 * 1024 * 1024 < sparse_reserve([tmp_path]) <= 32 * 1024 * 1024
