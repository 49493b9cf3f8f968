"""What both SQL audit stores share: the record columns, filters as SQL, rows as records, and the one chained append.

Both stores run the same statements; only the parameter mark differs (``?`` for SQLite, ``%s`` for psycopg).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from audit.canonical import GENESIS_HASH, chain_hash
from audit.ports import (
    NewRecord,
    RecordFilter,
    RecordIndex,
    Sign,
    StoredRecord,
    SubjectKeyGoneError,
    SubjectLinksChangedError,
)

COLUMNS = "seq, content_hash, entry_hash, header, ts, operation, role, use_case, refused, payload"


def where_clause(where: RecordFilter | None, mark: str) -> tuple[str, list[Any]]:
    """SQL conditions (joined with AND, each prefixed by ' AND ') and parameters for a filter."""
    if where is None:
        return "", []
    parts: list[str] = []
    params: list[Any] = []
    for column, op, value in (
        ("ts", ">=", where.since),
        ("ts", "<", where.until),
        ("operation", "=", where.operation),
        ("role", "=", where.role),
        ("use_case", "=", where.use_case),
    ):
        if value is not None:
            parts.append(f"{column} {op} {mark}")
            params.append(value)
    if where.refused is not None:
        parts.append(f"refused = {mark}")
        params.append(where.refused)
    if where.tag is not None:
        parts.append(f"seq IN (SELECT seq FROM audit_links WHERE tag = {mark})")
        params.append(where.tag)
    return "".join(f" AND {p}" for p in parts), params


def stored_record(row: tuple[Any, ...]) -> StoredRecord:
    seq, content_hash, entry_hash, header, ts, operation, role, use_case, refused, payload = row
    index = None if header is None else RecordIndex(ts, operation, role, use_case, bool(refused))
    return StoredRecord(
        int(seq),
        content_hash,
        entry_hash,
        None if header is None else bytes(header),
        index,
        None if payload is None else bytes(payload),
    )


class Cursor(Protocol):
    """The DB-API cursor methods the append uses (sqlite3 and psycopg cursors both have them)."""

    def execute(self, sql: str, params: Sequence[Any], /) -> object: ...

    def executemany(self, sql: str, params: Sequence[Sequence[Any]], /) -> object: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


def append_chained(cursor: Cursor, record: NewRecord, mark: str, sign: Sign | None = None) -> tuple[int, str]:
    """Append ``record`` after the head, under the chain rule, with its tag links (and, with ``sign``, the signed
    checkpoint covering it): the body of :meth:`audit.ports.AuditStore.append`. Run it inside the store's write
    transaction, which must serialise appends (and purges and erasures) so that the head read here is still the head
    at commit. Raises :class:`audit.ports.SubjectKeyGoneError` when a tag's subject key is no longer stored."""
    for tag in record.tags:
        cursor.execute(f"SELECT 1 FROM audit_subject_keys WHERE tag = {mark}", (tag,))
        if cursor.fetchone() is None:
            raise SubjectKeyGoneError(tag)
    cursor.execute("SELECT seq, entry_hash FROM audit_records ORDER BY seq DESC LIMIT 1", ())
    row = cursor.fetchone()
    seq, prev = (int(row[0]), row[1]) if row else (0, GENESIS_HASH)
    entry_hash = chain_hash(prev, record.content_hash)
    i = record.index
    marks = ", ".join([mark] * 10)
    cursor.execute(
        f"INSERT INTO audit_records ({COLUMNS}) VALUES ({marks})",
        (seq + 1, record.content_hash, entry_hash, record.header, i.ts, i.operation, i.role, i.use_case, i.refused,
         record.payload),
    )  # fmt: skip
    if record.tags:
        cursor.executemany(
            f"INSERT INTO audit_links (seq, tag) VALUES ({mark}, {mark})", [(seq + 1, tag) for tag in record.tags]
        )
    if sign is not None:
        cursor.execute(
            f"INSERT INTO audit_checkpoints (size, note, created_at) VALUES ({mark}, {mark}, CURRENT_TIMESTAMP) "
            "ON CONFLICT (size) DO NOTHING",
            (seq + 1, sign(seq + 1, entry_hash)),
        )
    return seq + 1, entry_hash


def check_links(cursor: Cursor, tag: str, seqs: list[int], mark: str) -> None:
    """Before a shred: :class:`audit.ports.SubjectLinksChangedError` when a record outside ``seqs`` links ``tag``."""
    cursor.execute(f"SELECT seq FROM audit_links WHERE tag = {mark}", (tag,))
    linked = {int(row[0]) for row in cursor.fetchall()}
    if linked - set(seqs):
        raise SubjectLinksChangedError(tag)
