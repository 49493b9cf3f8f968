from itertools import pairwise

import pytest

from ingestion.chunking import Chunker
from ingestion.documents import Block, ParsedDocument

pytestmark = pytest.mark.unit


def doc(*blocks: Block) -> ParsedDocument:
    return ParsedDocument(title="Guide", blocks=list(blocks))


def h(text: str, level: int = 1) -> Block:
    return Block("heading", text, level)


def p(text: str) -> Block:
    return Block("paragraph", text)


def sentences(n: int, word: str = "mot") -> str:
    return " ".join(f"Phrase {i} avec du {word} ici." for i in range(n))


def test_heading_path_becomes_section() -> None:
    chunks = Chunker(400, 50, 0).chunk(doc(h("Retours"), h("Délais", 2), p(sentences(3)), h("Caisse"), p("x " * 50)))
    assert [c.section for c in chunks] == ["Retours > Délais", "Caisse"]


def test_no_chunk_exceeds_max_and_text_is_kept() -> None:
    body = sentences(80)
    chunks = Chunker(300, 60, 0).chunk(doc(h("A"), p(body)))
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 for c in chunks)
    joined = " ".join(c.text for c in chunks)
    for i in range(80):
        assert f"Phrase {i} avec" in joined


def test_consecutive_chunks_overlap() -> None:
    chunks = Chunker(300, 80, 0).chunk(doc(p(sentences(30))))
    for first, second in pairwise(chunks):
        last_sentence = first.text.split(". ")[-1].split("\n")[-1]
        assert second.text.startswith(last_sentence.split(" ")[0])
        assert last_sentence in second.text


def test_small_sections_are_merged_with_their_heading_kept() -> None:
    chunks = Chunker(1000, 100, 200).chunk(doc(h("Horaires"), p("Ouverture 9 h."), h("Accès"), p("Badge requis.")))
    assert len(chunks) == 1
    assert chunks[0].section == "Horaires"
    assert "Accès" in chunks[0].text and "Badge requis." in chunks[0].text


def test_giant_word_runs_are_hard_split() -> None:
    chunks = Chunker(250, 0, 0).chunk(doc(p("x" * 1000)))
    assert all(len(c.text) <= 250 for c in chunks)
    assert sum(len(c.text) for c in chunks) == 1000


def test_overlap_must_be_below_half_the_size() -> None:
    with pytest.raises(ValueError, match="overlap_chars"):
        Chunker(200, 150, 0)


def test_headings_without_text_are_not_chunks() -> None:
    chunks = Chunker(500, 50, 0).chunk(doc(h("Vide"), h("Plein"), p("Contenu.")))
    assert [c.section for c in chunks] == ["Plein"]
