"""The leak scanner on a hand-made data dir: every byte form of a value is seen, surnames are whole words, a word
also written in the documents as something else is explained, and the report holds no value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.independent.leaks import scan_files
from eval.independent.values import Planted

pytestmark = pytest.mark.unit

PERSON = Planted("PERSON", "Renée Loiseau", "fr_FR", ("Renée Loiseau",), ("Loiseau",))
PHONE = Planted("PHONE", "06 12 48 73 95", "fr_FR", ("06 12 48 73 95", "0612487395"))
TOWNISH = Planted("PERSON", "Jean Legrand", "fr_FR", ("Jean Legrand",), ("Legrand",))
STREET = Planted(
    "ADDRESS", "rue Victor Hugo, 69002 Lyon", "fr_FR", ("rue Victor Hugo, 69002 Lyon",), ("rue Victor Hugo",)
)
DOCUMENTS = ["Renée Loiseau habite à Legrand.", "Jean Legrand : 06 12 48 73 95.", "rue Victor Hugo, 69002 Lyon"]


def test_every_byte_form_is_seen(tmp_path: Path) -> None:
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "page_0.dat").write_bytes(b"\x00\x01" + json.dumps({"a": "Ren\u00e9e Loiseau"}).encode())
    (tmp_path / "wal-1").write_bytes(b"xx0612487395yy")  # the digit-only form
    report = scan_files(tmp_path, [PERSON, PHONE], DOCUMENTS)
    assert report.found == {"PERSON": 1, "PHONE": 1}
    assert set(report.files) == {"index/page_#.dat", "wal-#"}
    assert {(h["type"], h["form"], h["file"], h["context"]) for h in report.hits} == {
        ("PERSON", "as written", "index/page_#.dat", '..{"a": "[VALUE]"}'),
        ("PHONE", "digits only", "wal-#", "aa[VALUE]aa"),
    }
    assert "Loiseau" not in json.dumps(report.as_json()) and "0612" not in json.dumps(report.as_json())


def test_a_surname_counts_alone_but_only_as_a_whole_word(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"text": "<PERSON_0123456789abcdef> Loiseau"}', encoding="utf-8")
    assert scan_files(tmp_path, [PERSON], DOCUMENTS).found == {"PERSON": 1}
    (tmp_path / "a.json").write_text('{"text": "Loiseaux"}', encoding="utf-8")
    assert scan_files(tmp_path, [PERSON], DOCUMENTS).total_found == 0


def test_a_surname_that_is_also_a_town_of_the_documents_is_explained(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"text": "magasin de Legrand"}', encoding="utf-8")
    report = scan_files(tmp_path, [TOWNISH], DOCUMENTS)
    assert report.total_found == 0 and report.explained == 1


def test_a_street_left_in_clear_is_a_leak_even_without_its_town(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"text": "rue Victor Hugo, <ADDRESS_0123456789abcdef>"}', encoding="utf-8")
    assert scan_files(tmp_path, [STREET], DOCUMENTS).found == {"ADDRESS": 1}
    (tmp_path / "a.json").write_text('{"text": "magasin de Lyon"}', encoding="utf-8")  # a town alone
    assert scan_files(tmp_path, [STREET], DOCUMENTS).total_found == 0


def test_digits_inside_a_pseudonym_token_are_no_leak(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"text": "<EMAIL_3ab2061248739550>"}', encoding="utf-8")
    assert scan_files(tmp_path, [PHONE], DOCUMENTS).total_found == 0
    (tmp_path / "a.json").write_text('{"text": "EMAIL 3ab2061248739550"}', encoding="utf-8")  # not a token
    report = scan_files(tmp_path, [PHONE], DOCUMENTS)
    assert report.found == {"PHONE": 1}
    assert [h["context"] for h in report.hits] == ['aa": "AAAAA 9aa9[VALUE]99"}']  # the hit's shape says where it is


SURNAME_ALONE = Planted("PERSON", "Monnier", "fr_FR", ("Monnier",), ("Monnier",))


@pytest.mark.parametrize(
    ("stored", "towns", "found", "explained"),
    [
        ("livrera à Monnier le 14/12", ("Monnier",), 0, 1),  # the town of the same name: explained
        ("livrera à Monnier le 14/12", (), 1, 0),  # no such town: the surname leaked
        ("Mme Monnier et Loiseau", ("Monnier",), 1, 0),  # another surname of the person found too
    ],
)
def test_a_surname_written_alone_and_also_a_town(
    tmp_path: Path, stored: str, towns: tuple[str, ...], found: int, explained: int
) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"text": stored}), encoding="utf-8")
    person = (
        SURNAME_ALONE
        if "Loiseau" not in stored
        else Planted("PERSON", "Monnier", "fr_FR", ("Monnier",), ("Monnier", "Loiseau"))
    )
    documents = ["Mme Monnier a appelé.", "livraison à Monnier." if towns else ""]
    report = scan_files(tmp_path, [person], documents, others=towns)
    assert (report.total_found, report.explained) == (found, explained)


@pytest.mark.parametrize(
    ("stored", "found"),
    [
        (b"\x02YF\x04\x81\r\x0221a0612487395b6193e5d2d2c9a7580e0d50674ea26ae95e35b8f0a1", 0),  # inside a blind index
        (b"point 3f2a9c10-0612-4873-95ab-0c1d2e3f4a5b stored", 0),  # inside a uuid
        (b"\x00" + b"0612487395" * 4 + b"\x00", 1),  # a run of digits only may be the value itself
        (b"8f0a1 0612487395 9e3", 1),  # beside short hex words: in clear
    ],
)
def test_digits_inside_a_digest_or_uuid_are_no_leak(tmp_path: Path, stored: bytes, found: int) -> None:
    (tmp_path / "vault.sqlite").write_bytes(stored)
    assert scan_files(tmp_path, [PHONE], DOCUMENTS).total_found == found


def test_a_context_shape_shows_classes_never_bytes_above_ascii_as_digits_or_letters() -> None:
    from eval.independent.leaks import context_shape

    assert context_shape(b"\xb2x1\xc3\xa9VALUEz", 5, 10) == "ua9uu[VALUE]a"  # 0xB2 is no digit, 0xAA no letter


@pytest.mark.parametrize(
    ("stored", "found"),
    [
        (b"AAAA\xf0\x1d\x00abc9d1ee0612487395ab>)", 0),  # a token whose head a back-reference replaced
        (b'{"t": "<PHONE_b0612487395\xf4\x03\x00 et', 0),  # a token whose tail a back-reference replaced
        (b"\\u003cPHONE_b0612487395\xf4", 0),  # the same, JSON-escaped
        (b"a\x01\xf2\x009a1e1b0612487395\x00\x91", 0),  # a token whose head and tail back-references replaced
        (b"\x00" + b"0612487395" + b"\x00", 1),  # a value between binary bytes: no hex letter around it
        (b"mail 12ab0612487395ef@shop.example", 1),  # an e-mail's hexadecimal local part is no token
        (b"<td>0612487395</td>", 1),  # the value in clear in a table cell
        (b"tel:0612487395>", 1),  # digits before a bracket may be the value itself
        (b"PHONE_b0612487395 x", 1),  # no token without its bracket
    ],
)
def test_digits_in_what_compression_left_of_a_token_are_no_leak(tmp_path: Path, stored: bytes, found: int) -> None:
    (tmp_path / "page_0.dat").write_bytes(stored)
    assert scan_files(tmp_path, [PHONE], DOCUMENTS).total_found == found
