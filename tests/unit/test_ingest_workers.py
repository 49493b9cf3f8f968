"""Ingestion throughput: preparation in worker processes, embedding and index writes in batches.

The pool test spawns two real worker processes (privacy off, so no PII model loads: a few seconds); the name-sharing
test stands two independent name memories in for two workers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from assistant.core.protection import NameMemory, ProtectedText
from assistant.ingest_workers import ProcessPoolPreparation
from assistant.settings import load_settings
from ingestion.chunking import Chunker
from ingestion.parsers import default_registry
from ingestion.pipeline import Ingestor
from ingestion.preparation import DocumentPreparer, Prepared, PrepareTask
from ingestion.registry import SqliteDocumentRegistry
from tests.fakes import FakeEmbedder, FakeSparseEncoder, InMemoryIndex

pytestmark = pytest.mark.unit
AUDIENCES = {"public", "store", "hq"}


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def embed_passages(self, texts: Sequence[str]) -> object:  # type: ignore[override]
        self.calls.append(len(texts))
        return super().embed_passages(texts)


def corpus(root: Path, n: int = 9) -> Path:
    root.mkdir(parents=True)
    for i in range(n):
        body = " ".join(f"Règle {i}.{k} du retour des articles en magasin." for k in range(40))
        (root / f"doc{i:02d}.md").write_text(f"---\naudience: store\n---\n# Procédure {i}\n\n{body}\n")
    (root / "empty.md").write_text("")
    (root / "bad.md").write_text("---\naudience: nobody\n---\n# Bad\n\nTexte.\n")
    return root


class Rig:
    def __init__(self, tmp: Path, protector: object, **kw: object) -> None:
        tmp.mkdir(parents=True, exist_ok=True)
        self.embedder, self.index = CountingEmbedder(), InMemoryIndex()
        self.registry = SqliteDocumentRegistry(tmp / "reg.sqlite")
        self.ingestor = ingestor(self, protector, **kw)


def ingestor(rig: Rig, protector: object, **kw: object) -> Ingestor:
    return Ingestor(
        default_registry(),
        Chunker(300, 50, 0),
        rig.embedder,
        FakeSparseEncoder(),
        rig.index,
        rig.registry,
        known_audiences=AUDIENCES,
        default_audience=["hq"],
        languages=["fr", "en"],
        max_file_bytes=100_000,
        model_id="m",
        protector=protector,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def test_two_worker_processes_give_the_same_report_and_index_as_one(tmp_path: Path) -> None:
    from assistant.core.protection import NoProtection

    docs = corpus(tmp_path / "docs")
    inline = Rig(tmp_path / "a", NoProtection(), batch_chunks=20)
    roles = {"store": ["store"], "hq": ["hq", "public"]}
    chunking = {"chunk_max_chars": 300, "chunk_overlap_chars": 50, "chunk_min_chars": 0, "languages": ["fr", "en"]}
    settings = load_settings(
        data_dir=tmp_path / "data", privacy={"enabled": False}, access={"roles": roles}, ingestion=chunking
    )  # the workers build their preparer from the settings: the same chunking as the rig's
    pool = Rig(tmp_path / "b", NoProtection(), batch_chunks=20, workers=lambda: ProcessPoolPreparation(settings, 2))
    seen: list[str] = []
    first = inline.ingestor.ingest([docs])
    second = pool.ingestor.run(pool.ingestor.plan([docs]), on_progress=lambda o: seen.append(o.source))
    assert json.dumps(second.as_json()) == json.dumps(first.as_json())
    assert (second.count("added"), second.count("failed")) == (9, 2)
    assert sorted(seen) == sorted(o.source for o in second.outcomes)
    assert pool.index.count() == inline.index.count() == second.chunks_embedded
    assert len(pool.embedder.calls) < 9 and max(pool.embedder.calls) >= 20  # chunks of several documents per call
    assert set(second.seconds) == {"parse", "pseudonymize", "embed", "index"}
    again = pool.ingestor.ingest([docs])
    assert again.count("unchanged") == 9 and again.chunks_embedded == 0


class Memory:
    """A protector with a name memory (what a worker's privacy boundary is): it detects only ``detects``."""

    fingerprint = "memory"

    def __init__(self, detects: Sequence[str]) -> None:
        self.detects = list(detects)
        self.known: dict[str, str] = {}
        self.forgotten: set[str] = set()

    def _token(self, name: str) -> str:
        return f"<PERSON_{abs(hash(name)) % 10_000:04d}>"

    def protect(self, texts: Sequence[str], languages: Sequence[str]) -> list[ProtectedText]:
        for name in self.detects:
            if any(name in t for t in texts):
                self.known.setdefault(name, self._token(name))
        return self.reapply(texts)

    def name_count(self) -> int:
        return len(self.known)

    def learnt_since(self, count: int) -> dict[str, str]:
        return dict(list(self.known.items())[count:])

    def remember(self, names: Mapping[str, str]) -> None:
        for name, token in names.items():
            self.known.setdefault(name, token)

    def reapply(self, texts: Sequence[str]) -> list[ProtectedText]:
        out = []
        for text in texts:
            safe, tokens = text, []
            for name, token in self.known.items():
                if name in safe:
                    safe, tokens = safe.replace(name, token), [*tokens, token]
            out.append(ProtectedText(safe, tuple(tokens)))
        return out


class TwoWorkers:
    """Preparation double: tasks alternate between two preparers with separate name memories, like two processes."""

    parallel = True

    def __init__(self, detects: Sequence[Sequence[str]]) -> None:
        self.memories = [Memory(d) for d in detects]
        self.preparers = [
            DocumentPreparer(default_registry(), Chunker(300, 50, 0), m, known_audiences=AUDIENCES,
                             default_audience=["hq"], languages=["fr"])
            for m in self.memories
        ]  # fmt: skip

    def map(self, tasks: Iterable[PrepareTask]) -> Iterator[Prepared]:
        import dataclasses

        from ingestion.preparation import PreparedDocument

        for task in tasks:
            memory, preparer = self.memories[task.position % 2], self.preparers[task.position % 2]
            before = memory.name_count()
            result = preparer.attempt(task)
            if isinstance(result, PreparedDocument):
                result = dataclasses.replace(result, names=memory.learnt_since(before))
            yield result

    def close(self) -> None:
        pass


def test_a_name_one_worker_found_is_replaced_in_what_another_worker_prepared(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("---\naudience: store\n---\n# Note\n\nMme Karine Vasseur valide les retours.\n")
    (docs / "b.md").write_text("---\naudience: store\n---\n# Autre\n\nKarine Vasseur signe les bons.\n")
    main = Memory(detects=[])
    assert isinstance(main, NameMemory)
    # worker 0 (a.md) detects the name; worker 1 (b.md) misses it
    rig = Rig(tmp_path, main, workers=lambda: TwoWorkers([["Karine Vasseur"], []]))
    report = rig.ingestor.ingest([docs])
    assert report.count("added") == 2
    texts = [c.text for o in report.outcomes for c in rig.index.chunks(o.doc_id)]
    assert len(texts) == 2 and all("Vasseur" not in t for t in texts), texts
    token = main.known["Karine Vasseur"]
    assert {r.source for r in rig.registry.mentioning({token})} == {str(docs / "a.md"), str(docs / "b.md")}
