"""The leak scan: ingest the independent set with the default settings, ask a few questions about its people (so
the audit store holds records too), then search every file under the data dir for every planted value — its full
form, its compact and digit-only forms, a person's surname, an address's street — in UTF-8, JSON-escaped and
decomposed-accent bytes, and in the index payloads as the engine decodes them (qdrant-edge compresses its
payload pages with LZ4: a raw byte search alone would not see inside them). Pseudonym tokens, uuids and hex
digests (the vault's blind indexes, content hashes) are blanked first: their digits may spell a short number by
chance. The positive control ingests the same files with privacy disabled: every value must then be found, which
proves the scanner sees inside the index (its write-ahead log, its decoded payloads) and the registry.

A surname (or street) also written in the documents as something else (a town named like the person, another
person's first name) is "explained": counted apart, not as a leak. A town alone is no value. The report names types,
locales, counts and files, never a value; each value found comes with the shape of where it was found (which form
of it, which file, and the 16 bytes either side as character classes: ``9`` a digit, ``a``/``A`` a letter, ``u`` a
non-ASCII byte; ``AAAAA 9aa9[VALUE]99"}`` is a value's digits inside a run of hexadecimal), so that a hit can be
judged without being shown."""

from __future__ import annotations

import json
import re
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.container import Container
from assistant.recording import Asker
from assistant.settings import Settings
from eval.independent.dataset import generate_set
from eval.independent.values import PERSON, Planted


def _forms(key: str) -> set[bytes]:
    """The byte forms a string can take in storage: UTF-8 (composed and decomposed), JSON-escaped ASCII."""
    return {key.encode(), unicodedata.normalize("NFD", key).encode(), json.dumps(key)[1:-1].encode()}


def _is_letter(byte: int) -> bool:
    return 65 <= byte <= 90 or 97 <= byte <= 122 or byte >= 0x80  # ASCII letters and any UTF-8 multibyte part


def _where(blob: bytes, key: bytes, as_word: bool) -> int:
    """Where ``key`` is in ``blob`` (a whole word when ``as_word``), or -1."""
    start = blob.find(key)
    while start >= 0 and as_word:
        end = start + len(key)
        if (start == 0 or not _is_letter(blob[start - 1])) and (end == len(blob) or not _is_letter(blob[end])):
            return start
        start = blob.find(key, start + 1)
    return start


def has_word(blob: bytes, key: bytes) -> bool:
    """``key`` in ``blob`` with no letter right before or after (a surname, not a part of a longer word)."""
    return _where(blob, key, as_word=True) >= 0


@dataclass
class LeakScan:
    """Values found on disk, per type and per locale, and the files they were found in (relative paths)."""

    values: Counter[str] = field(default_factory=Counter)  # type -> values scanned
    found: Counter[str] = field(default_factory=Counter)  # type -> values found on disk
    found_by_locale: Counter[str] = field(default_factory=Counter)
    explained: int = 0  # surnames / streets found but also written in the documents as something else
    files: Counter[str] = field(default_factory=Counter)  # file -> values found in it
    hits: list[dict[str, str]] = field(default_factory=list)  # type, locale, form, file, context shape: no value
    files_scanned: int = 0
    bytes_scanned: int = 0

    @property
    def total_found(self) -> int:
        return sum(self.found.values())

    def as_json(self) -> dict[str, Any]:
        return {"values": sum(self.values.values()), "found": self.total_found, "by_type": {
            t: {"values": n, "found": self.found[t]} for t, n in sorted(self.values.items())},
            "by_locale": dict(self.found_by_locale), "explained_word_hits": self.explained,
            "files_with_values": dict(self.files.most_common()), "hits": self.hits[:MAX_HITS],
            "files_scanned": self.files_scanned,
            "bytes_scanned": self.bytes_scanned}  # fmt: skip


MAX_HITS = 100  # hits described in a report
_SHAPE_BYTES = 16  # bytes of context either side


def _class(byte: int) -> str:
    if byte >= 0x80:
        return "u"  # part of a non-ASCII character (an accented letter, another script) or binary
    char = chr(byte)
    if char.isdigit():
        return "9"
    if char.isalpha():
        return "a" if char.islower() else "A"
    return char if char.isprintable() else "."


def context_shape(blob: bytes, start: int, end: int) -> str:
    """The bytes around ``blob[start:end]`` as character classes (the value itself as ``[VALUE]``)."""
    before = "".join(_class(b) for b in blob[max(0, start - _SHAPE_BYTES) : start])
    after = "".join(_class(b) for b in blob[end : end + _SHAPE_BYTES])
    return f"{before}[VALUE]{after}"


def _form(planted: Planted, key: str) -> str:
    if key in planted.word_keys:
        return "surname" if planted.entity_type == PERSON else "street"
    if key == planted.value:
        return "as written"
    return "digits only" if key.isdigit() else "without separators"


def _family(path: str) -> str:
    """A file's place in the data dir without its unique ids (segment uuids, page numbers)."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27,}|\d+", "#", path)


#: A pseudonym token: its hexadecimal part may contain a value's digits by chance (``<EMAIL_3ab2321626550457>``).
_TOKEN = re.compile(rb"(?:<|\\u003c)[A-Z][A-Z_]*_[0-9a-f]{16}(?:>|\\u003e)")
#: A digest or uuid the stores write (the vault's blind indexes, content hashes, point ids): its digits are no value.
_DIGEST = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32,}")
_HEX_LETTER = re.compile(rb"[a-f]")
#: What is left of a token in a compressed page (the engine's payload pages are LZ4 blocks): a back-reference can
#: replace its head (``<EMAIL_3a``), leaving hex characters and ``>``, or its tail, leaving ``<EMAIL_`` and hex.
_TOKEN_TAIL = re.compile(rb"[0-9a-f]{6,16}(?:>|\\u003e)")
#: ... or both: a token's 16 hex characters alone beside a binary byte (not a word of a text, not an e-mail's part).
_TOKEN_HEX = re.compile(rb"(?<![0-9A-Za-z])[0-9a-f]{16}(?![0-9A-Za-z@.])")
_TOKEN_HEAD = re.compile(rb"(?:<|\\u003c)[A-Z][A-Z_]*_[0-9a-f]{1,16}")


def _without_tokens(blob: bytes) -> bytes:
    """``blob`` with pseudonym tokens (whole, or cut by compression), uuids and hexadecimal digests of 32 characters
    or more blanked out. A cut token's tail counts only with a hex letter: digits before ``>`` may be a value."""
    blob = _TOKEN_HEAD.sub(b" ", _TOKEN.sub(b" ", blob))
    blob = _TOKEN_TAIL.sub(_blank_hex, blob)
    blob = _TOKEN_HEX.sub(lambda m: _blank_hex(m) if _beside_binary(m) else m[0], blob)
    return _DIGEST.sub(_blank_hex, blob)


def _blank_hex(match: re.Match[bytes]) -> bytes:
    """A blank for a hexadecimal run with a letter; a run of digits only is kept (it may be a value)."""
    return b" " if _HEX_LETTER.search(match[0]) else match[0]


def _beside_binary(match: re.Match[bytes]) -> bool:
    """A byte of no ASCII text (a control byte, or one above ASCII) right before or after the match."""
    blob, start, end = match.string, match.start(), match.end()
    return any(
        0 <= i < len(blob) and (blob[i] < 0x09 or 0x0E <= blob[i] < 0x20 or blob[i] >= 0x80) for i in (start - 1, end)
    )


Occurrence = tuple[str, str, bytes, int, int]  # key, file name, its bytes, start, end


def _occurrences(blobs: Sequence[tuple[str, bytes]], keys: Sequence[str], as_word: bool) -> list[Occurrence]:
    """The first place of each key (in any of its byte forms) in each blob."""
    found: list[Occurrence] = []
    for name, blob in blobs:
        for key in keys:
            for form in _forms(key):
                at = _where(blob, form, as_word)
                if at >= 0:
                    found.append((key, name, blob, at, at + len(form)))
                    break
    return found


def scan_files(
    data_dir: Path,
    planted: Iterable[Planted],
    documents: Sequence[str],
    decoded: dict[str, bytes] | None = None,
    others: Sequence[str] = (),
) -> LeakScan:
    """Search every file under ``data_dir`` (and the ``decoded`` contents: the index payloads as the engine reads
    them, since its payload pages are LZ4-compressed) for every value of ``planted`` (see the module doc).
    ``others``: what the documents write that is no personal value (towns): a surname written alone that is also
    a town there is looked for as a word that may be explained, not as a full form."""
    blobs = [(str(f.relative_to(data_dir)), f.read_bytes()) for f in sorted(data_dir.rglob("*")) if f.is_file()]
    blobs += list((decoded or {}).items())
    blobs = [(name, _without_tokens(blob)) for name, blob in blobs]  # tokens and digests are not personal data
    values = {(p.entity_type, p.value): p for p in planted if p.leak_keys or p.word_keys}.values()
    remainder = "\n".join(documents)
    for value in sorted((p.value for p in values), key=len, reverse=True):
        remainder = remainder.replace(value, " ")
    clear = (remainder + "\n" + "\n".join(others)).encode()
    towns = "\n".join(others).encode()
    report = LeakScan(files_scanned=len(blobs), bytes_scanned=sum(len(b) for _, b in blobs))
    for p in values:
        report.values[p.entity_type] += 1
        alone = {k for k in p.leak_keys if p.entity_type == PERSON and " " not in k and has_word(towns, k.encode())}
        hits = _occurrences(blobs, [k for k in p.leak_keys if k not in alone], as_word=p.entity_type == PERSON)
        words = _occurrences(blobs, [*p.word_keys, *alone], as_word=True)
        seen = {key for key, *_ in words}
        if seen and not hits and all(has_word(clear, k.encode()) for k in seen):
            report.explained += 1  # every word found is also written in the documents as something else
            continue
        if hits or words:
            report.found[p.entity_type] += 1
            report.found_by_locale[p.locale] += 1
            families: dict[str, Occurrence] = {}
            for hit in hits + words:
                families.setdefault(_family(hit[1]), hit)
            report.files.update(families.keys())
            report.hits.extend(
                {
                    "type": p.entity_type,
                    "locale": p.locale,
                    "form": _form(p, key),
                    "file": family,
                    "context": context_shape(blob, at, end),
                }
                for family, (key, _, blob, at, end) in families.items()
            )
    return report


def _questions(planted: Sequence[Planted]) -> list[str]:
    """One question per locale naming a person and another value of theirs (what staff type into the chat)."""
    by_locale: dict[str, list[Planted]] = {}
    for p in planted:
        by_locale.setdefault(p.locale, []).append(p)
    out = []
    for items in by_locale.values():
        person = next((p for p in items if p.entity_type == PERSON and " " in p.value), None)
        other = next((p for p in items if p.entity_type not in (PERSON, "ADDRESS")), None)
        if person and other:
            out.append(f"Que savons-nous de {person.value} ({other.value}) ?")
    return out


def ingest_and_scan(settings: Settings, folder: Path, work: Path, planted: Sequence[Planted],
                    texts: Sequence[str], others: Sequence[str], enabled: bool) -> dict[str, Any]:  # fmt: skip
    """Ingest ``folder`` into a fresh data dir under ``work`` (privacy ``enabled`` or not), ask the questions, scan."""
    data_dir = work / ("default" if enabled else "privacy-disabled")
    privacy = settings.privacy.model_copy(
        update={"enabled": enabled, "secrets_dir": work / "secrets", "vault_path": None}
    )
    llm = settings.llm.model_copy(update={"backend": "none"})  # the extractive answerer: no server needed
    container = Container(settings.model_copy(update={"data_dir": data_dir, "privacy": privacy, "llm": llm}))
    try:
        started = time.perf_counter()
        ingested = container.ingestor.ingest([folder])
        seconds = time.perf_counter() - started
        for question in _questions(planted):
            container.service.ask(question, Asker(role="compliance", user="eval.leaks"))
        payloads = [c.payload() for r in container.registry.all() for c in container.index.chunks(r.doc_id)]
    finally:
        container.close()
    documents = len([o for o in ingested.outcomes if o.status in ("added", "updated")])
    decoded = {"index payloads, decoded by the engine": json.dumps(payloads, ensure_ascii=False).encode()}
    scan = scan_files(data_dir, planted, texts, decoded, others)
    return {"privacy": enabled, "documents": documents, "failed": len(ingested.failed),
            "ingest_s": round(seconds, 1), "documents_per_s": round(documents / seconds, 2) if seconds else None,
            **scan.as_json()}  # fmt: skip


def run_leak_scan(settings: Settings, seed: int, docs_per_locale: int, work: Path | None = None) -> dict[str, Any]:
    """The default ingestion and its positive control for one seed; ``control_ok`` when the control found every
    value the default run must not store."""
    dataset = generate_set(seed, docs_per_locale)
    planted = [p for d in dataset.documents for p in d.planted]
    texts = [d.text for d in dataset.documents]
    others = [o for d in dataset.documents for o in (*d.others, *d.decoys)]  # towns, brands, products
    with tempfile.TemporaryDirectory(prefix="pii-leaks-", dir=work) as tmp:
        folder = Path(tmp) / "docs"
        dataset.write(folder)
        default = ingest_and_scan(settings, folder, Path(tmp), planted, texts, others, enabled=True)
        control = ingest_and_scan(settings, folder, Path(tmp), planted, texts, others, enabled=False)
    return {"seed": seed, "default": default, "control": control,
            "control_ok": control["found"] == control["values"]}  # fmt: skip
