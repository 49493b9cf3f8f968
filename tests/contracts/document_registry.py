"""Contract suite every :class:`assistant.core.registry.DocumentRegistry` adapter passes. Subclass it and provide the
fixture ``open_registry`` (opens one more instance on the same, initially empty storage, as another process or replica
would; the subclass closes what it opened)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Protocol

import pytest

from assistant.core.registry import DocumentRecord, DocumentRegistry


class OpenedRegistry(DocumentRegistry, Protocol):
    def close(self) -> None: ...


def record(doc_id: str, source: str, **changes: object) -> DocumentRecord:
    base = DocumentRecord(doc_id, source, f"hash-{doc_id}", f"fp-{doc_id}", 3, ("store", "hq"), "fr", f"Titre {doc_id}")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


class DocumentRegistryContract:
    @pytest.fixture
    def open_registry(self) -> Callable[[], OpenedRegistry]:
        raise NotImplementedError

    @pytest.fixture
    def registry(self, open_registry: Callable[[], OpenedRegistry]) -> OpenedRegistry:
        return open_registry()

    def test_put_and_get_round_trip(self, registry: OpenedRegistry) -> None:
        assert registry.get("a") is None and registry.all() == []
        registry.put(record("a", "docs/a.md", ingested_at="2025-01-02T03:04:05+00:00"))
        assert registry.get("a") == record("a", "docs/a.md", ingested_at="2025-01-02T03:04:05+00:00")
        registry.put(record("b", "docs/b.md"))
        got = registry.get("b")
        assert got is not None and got.ingested_at.startswith("20")  # stamped when not given
        assert got.audience == ("store", "hq") and got.chunk_count == 3

    def test_put_replaces_by_doc_id(self, registry: OpenedRegistry) -> None:
        registry.put(record("a", "docs/a.md"))
        registry.put(record("a", "docs/renamed.md", content_hash="new", chunk_count=7, audience=("hr",)))
        assert [(r.doc_id, r.source, r.content_hash, r.chunk_count, r.audience) for r in registry.all()] == [
            ("a", "docs/renamed.md", "new", 7, ("hr",))
        ]

    def test_put_replaces_the_record_of_another_doc_id_with_the_same_source(self, registry: OpenedRegistry) -> None:
        """SQLite's INSERT OR REPLACE deletes the row whose UNIQUE source conflicts: every adapter does the same."""
        registry.put(record("old", "docs/a.md"))
        registry.put(record("other", "docs/b.md"))
        registry.put(record("new", "docs/a.md", title="Nouveau"))
        assert registry.get("old") is None
        assert [(r.doc_id, r.source, r.title) for r in registry.all()] == [
            ("new", "docs/a.md", "Nouveau"),
            ("other", "docs/b.md", "Titre other"),
        ]

    def test_all_is_ordered_by_source_in_byte_order(self, registry: OpenedRegistry) -> None:
        for doc_id, source in (("1", "b/x.md"), ("2", "B/y.md"), ("3", "a b.md"), ("4", "a/z.md"), ("5", "é.md")):
            registry.put(record(doc_id, source))
        assert [r.source for r in registry.all()] == ["B/y.md", "a b.md", "a/z.md", "b/x.md", "é.md"]

    def test_under_a_prefix_is_the_file_itself_or_what_lies_below_the_folder(self, registry: OpenedRegistry) -> None:
        for doc_id, source in (
            ("1", "docs/a.md"), ("2", "docs/sub/b.md"), ("3", "docs2/c.md"), ("4", "docs"), ("5", "docs.md"),
            ("6", "d_cs/e.md"), ("7", "dxcs/f.md"), ("8", "50%/g.md"), ("9", "50x/h.md"), ("10", "a\\b/i.md"),
            ("11", "Docs/j.md"), ("12", "DOCS"), ("13", "docs0/k.md"),
        ):  # fmt: skip
            registry.put(record(doc_id, source))

        def under(prefix: str) -> list[str]:
            return [r.source for r in registry.under(prefix)]

        assert under("docs") == ["docs", "docs/a.md", "docs/sub/b.md"]
        assert under("docs/") == ["docs/a.md", "docs/sub/b.md"]
        assert under("docs/a.md") == ["docs/a.md"]
        assert under("docs/sub") == ["docs/sub/b.md"]
        assert under("d_cs") == ["d_cs/e.md"]  # _ and % are not wildcards
        assert under("50%") == ["50%/g.md"]
        assert under("a\\b") == ["a\\b/i.md"]
        assert under("nothing") == []
        assert under("Docs") == ["Docs/j.md"]  # case counts: /srv/Docs and /srv/docs are two folders on Linux

    def test_remove_drops_the_record_and_its_mentions(self, registry: OpenedRegistry) -> None:
        registry.remove("unknown")  # a no-op
        registry.put(record("a", "docs/a.md"))
        registry.put(record("b", "docs/b.md"))
        registry.set_mentions("a", {"<PERSON_1>", "<EMAIL_2>"})
        registry.set_mentions("b", {"<PERSON_1>"})
        registry.remove("a")
        assert registry.get("a") is None
        assert [r.doc_id for r in registry.mentioning({"<PERSON_1>", "<EMAIL_2>"})] == ["b"]
        registry.put(record("a", "docs/a.md"))  # back, without its old mentions
        assert registry.mentioning({"<EMAIL_2>"}) == []

    def test_set_mentions_replaces_and_mentioning_finds_documents(self, registry: OpenedRegistry) -> None:
        registry.put(record("a", "docs/a.md"))
        registry.put(record("b", "docs/b.md"))
        registry.set_mentions("a", {"<PERSON_1>", "<EMAIL_2>"})
        registry.set_mentions("b", {"<PERSON_1>"})
        assert [r.doc_id for r in registry.mentioning({"<PERSON_1>"})] == ["a", "b"]
        assert [r.doc_id for r in registry.mentioning({"<EMAIL_2>", "<IBAN_3>"})] == ["a"]
        registry.set_mentions("a", {"<IBAN_3>"})
        assert registry.mentioning({"<EMAIL_2>"}) == []
        assert [r.doc_id for r in registry.mentioning({"<IBAN_3>"})] == ["a"]
        registry.set_mentions("a", set())
        assert registry.mentioning({"<IBAN_3>"}) == [] and registry.mentioning(set()) == []

    def test_two_instances_see_each_others_changes(self, open_registry: Callable[[], OpenedRegistry]) -> None:
        """Two processes (SQLite) or two replicas (PostgreSQL) on the same registry."""
        one, two = open_registry(), open_registry()
        one.put(record("a", "docs/a.md"))
        one.set_mentions("a", {"<PERSON_1>"})
        assert two.get("a") == one.get("a") is not None
        assert [r.doc_id for r in two.mentioning({"<PERSON_1>"})] == ["a"]
        two.put(record("b", "docs/a.md"))  # the file re-ingested under another id by the other replica
        assert [r.doc_id for r in one.all()] == ["b"]
        two.remove("b")
        assert one.all() == []
