"""The :class:`privacy.ports.Vault` adapter the application's replicas share: PostgreSQL through psycopg 3
(``privacy.vault_backend = "postgres"``, in the database of ``audit.postgres_dsn``).

The same envelope encryption as :class:`privacy.vault.SqliteVault` (:mod:`privacy.vault_crypto`: one data key per
subject wrapped by the KEK, a blind index keyed from the pseudonym key) and the same contract. What several replicas
add:

- ``put`` is atomic per subject across connections, processes and hosts: one transaction that first takes
  ``pg_advisory_xact_lock`` on the subject's blind index (:func:`subject_lock`; ``forget`` takes it too), then looks
  for the token and for a tombstone of the value and inserts with ``ON CONFLICT DO NOTHING``. A forget on one replica
  and a put of the same value on another are serialised: the put that comes second sees the tombstone and returns
  False, so a forgotten subject never comes back;
- on open, the keys are checked as :func:`privacy.vault_keys.refuse_other_keys` does for every vault: a replica
  started with another pseudonym key or vault key is refused before it writes anything;
- the tables (``vault_subjects``, ``vault_meta``) live in the connection's ``search_path`` schema, created under an
  advisory lock by the first replica.

Erasure relies on crypto-shredding: ``forget`` deletes the wrapped data key, nonce and ciphertext and keeps a
tombstone, but PostgreSQL keeps the old row versions in its heap and WAL until they are vacuumed and recycled (there
is no ``secure_delete``); without the key those bytes cannot be decrypted. :meth:`PostgresVault.rotate` re-wraps every
data key in one transaction that locks the table: restart the other replicas with the new key right after (until
then their key no longer opens the entries).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.core.postgres import PostgresConnection, describe
from assistant.core.tokens import TOKEN_PATTERN
from privacy.errors import VaultError
from privacy.keys import Secret
from privacy.ports import AccessHook
from privacy.settings import PrivacySettings
from privacy.vault import count_subjects, now, vault_keys
from privacy.vault_crypto import VaultCrypto, key_id
from privacy.vault_keys import index_check, refuse_other_keys, rotated_away

if TYPE_CHECKING:
    import psycopg

    Db = psycopg.Connection[tuple[Any, ...]]

SUBJECT_LOCK = 0x7661756C  # "vaul": the first key of every per-subject advisory lock (two-key form)
SCHEMA_LOCK = 0x7661756C742D7363  # "vault-sc": creating the tables (one-key form)
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS vault_subjects (
        token TEXT PRIMARY KEY,
        entity_type TEXT NOT NULL,
        blind_index TEXT NOT NULL,
        kek_id TEXT,
        key_nonce BYTEA,
        wrapped_key BYTEA,
        nonce BYTEA,
        ciphertext BYTEA,
        created_at TEXT NOT NULL,
        forgotten_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS vault_subjects_blind_index ON vault_subjects (blind_index)",
    "CREATE TABLE IF NOT EXISTS vault_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
COLUMNS = ("token", "entity_type", "blind_index", "kek_id", "key_nonce", "wrapped_key", "nonce", "ciphertext",
           "created_at", "forgotten_at")  # fmt: skip
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM vault_subjects"
_SHRED = ("UPDATE vault_subjects SET kek_id = NULL, key_nonce = NULL, wrapped_key = NULL, nonce = NULL, ciphertext = "
          "NULL, forgotten_at = %s WHERE token = %s AND forgotten_at IS NULL")  # fmt: skip
WHERE = "in PostgreSQL (audit.postgres_dsn)"  # the vault's name in the key-check messages


def subject_lock(blind_index: str) -> tuple[int, int]:
    """The advisory lock of one subject (two 32-bit keys): the vault's class and 32 bits of the blind index."""
    return SUBJECT_LOCK, int.from_bytes(bytes.fromhex(blind_index[:8]), "big", signed=True)


def _fail(what: str, exc: Exception | None) -> VaultError:
    return VaultError(
        f"the PostgreSQL vault: {what} failed ({describe(exc)}); check audit.postgres_dsn "
        "(ASSISTANT_AUDIT_POSTGRES_DSN, used by privacy.vault_backend postgres) and that the server is reachable, "
        "and raise ASSISTANT_PRIVACY_VAULT_BUSY_TIMEOUT_S if it was a lock timeout. Nothing was written by this call"
    )


class PostgresVault:
    """See the module doc. ``on_get(token, entity_type)`` is called after each successful read (get, export), as
    :class:`privacy.vault.SqliteVault` does; ``busy_timeout_s`` bounds the wait for a lock held by another replica."""

    def __init__(
        self, dsn: str, kek: Secret, index_key: Secret, on_get: AccessHook | None = None, busy_timeout_s: float = 10.0
    ) -> None:
        self._crypto = VaultCrypto(kek, index_key, "the PostgreSQL vault")
        self._on_get = on_get
        self._pg = PostgresConnection(dsn, busy_timeout_s, _fail, SCHEMA, SCHEMA_LOCK)
        try:
            self._pg.run("checking the keys", self._check_keys)
        except VaultError:
            self._pg.close()
            raise

    @classmethod
    def from_settings(cls, settings: PrivacySettings, dsn: str, on_get: AccessHook | None = None) -> PostgresVault:
        """The vault in the database of ``dsn``; keys as :meth:`privacy.vault.SqliteVault.from_settings` has them."""
        kek, index_key = vault_keys(settings)
        return cls(dsn, kek, index_key, on_get, settings.vault_busy_timeout_s)

    def __repr__(self) -> str:
        return f"PostgresVault(dsn='**********', key_id={self._crypto.kek_id!r})"

    def close(self) -> None:
        self._pg.close()

    def _check_keys(self, db: Db) -> None:
        check = index_check(self._crypto.index_key)
        db.execute("INSERT INTO vault_meta (name, value) VALUES ('index_check', %s) ON CONFLICT DO NOTHING", (check,))
        (stored,) = db.execute("SELECT value FROM vault_meta WHERE name = 'index_check'").fetchone() or ("",)
        current = db.execute("SELECT value FROM vault_meta WHERE name = 'kek_id'").fetchone()
        row = current or db.execute("SELECT kek_id FROM vault_subjects WHERE kek_id IS NOT NULL LIMIT 1").fetchone()
        refuse_other_keys(WHERE, stored, self._crypto.index_key, None if row is None else row[0], self._crypto.kek_id)
        if current is None:  # the key id every put compares (vaults written before it was kept get it here)
            kek_id = self._crypto.kek_id
            db.execute("INSERT INTO vault_meta (name, value) VALUES ('kek_id', %s) ON CONFLICT DO NOTHING", (kek_id,))
            (kept,) = db.execute("SELECT value FROM vault_meta WHERE name = 'kek_id'").fetchone() or (kek_id,)
            refuse_other_keys(WHERE, stored, self._crypto.index_key, kept, kek_id)  # a replica raced us

    def blind_index(self, entity_type: str, value: str) -> str:
        return self._crypto.blind_index(entity_type, value)

    @staticmethod
    def _row(db: Db, token: str) -> dict[str, Any] | None:
        row = db.execute(f"{_SELECT} WHERE token = %s", (token,)).fetchone()
        return None if row is None else dict(zip(COLUMNS, row, strict=True))

    def put(self, token: str, entity_type: str, value: str) -> bool:
        index = self._crypto.blind_index(entity_type, value)
        sealed = self._crypto.seal(token, value)

        def work(db: Db) -> bool:
            db.execute("SELECT pg_advisory_xact_lock(%s, %s)", subject_lock(index))  # serialised with forget
            # FOR SHARE waits for a rotation under way (it updates this row first) and then reads its new key id
            current = db.execute("SELECT value FROM vault_meta WHERE name = 'kek_id' FOR SHARE").fetchone()
            rotated_away(WHERE, None if current is None else str(current[0]), sealed.kek_id)
            row = self._row(db, token)
            if row is not None:
                return row["forgotten_at"] is None
            if db.execute(
                "SELECT 1 FROM vault_subjects WHERE blind_index = %s AND forgotten_at IS NOT NULL LIMIT 1", (index,)
            ).fetchone():
                return False  # a forgotten subject never comes back
            done = db.execute(
                "INSERT INTO vault_subjects VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL) "
                "ON CONFLICT (token) DO NOTHING",
                (token, entity_type, index, *sealed, now()),
            )
            if done.rowcount == 1:
                return True
            again = self._row(db, token)  # stored meanwhile under another blind index lock (never in practice)
            return again is not None and again["forgotten_at"] is None

        stored: bool = self._pg.run("storing a subject", work)
        return stored

    def get(self, token: str) -> str | None:
        row = self._pg.run("reading a subject", lambda db: self._row(db, token))
        if row is None or row["forgotten_at"] is not None:
            return None
        value = self._crypto.decrypt(row)
        if self._on_get is not None:
            self._on_get(token, row["entity_type"])
        return value

    def find(self, value: str, entity_type: str | None = None, *, include_forgotten: bool = False) -> list[str]:
        indexes = self._crypto.blind_indexes(value, entity_type)
        live = "" if include_forgotten else "forgotten_at IS NULL AND "
        rows = self._pg.run(
            "finding a subject",
            lambda db: db.execute(
                f'SELECT token FROM vault_subjects WHERE {live}blind_index = ANY(%s) ORDER BY token COLLATE "C"',
                (indexes,),
            ).fetchall(),
        )
        return [r[0] for r in rows]

    def forget(self, token: str) -> bool:
        def work(db: Db) -> bool:
            row = db.execute("SELECT blind_index FROM vault_subjects WHERE token = %s", (token,)).fetchone()
            if row is None:
                return False
            db.execute("SELECT pg_advisory_xact_lock(%s, %s)", subject_lock(row[0]))  # serialised with put
            done = db.execute(_SHRED, (now(), token))
            return done.rowcount == 1

        forgotten: bool = self._pg.run("forgetting a subject", work)
        return forgotten

    def is_forgotten(self, value_or_token: str, entity_type: str | None = None) -> bool:
        """True for a forgotten token, or for a value whose subject was forgotten (any type if None)."""
        if TOKEN_PATTERN.fullmatch(value_or_token):
            row = self._pg.run("reading a subject", lambda db: self._row(db, value_or_token))
            return row is not None and row["forgotten_at"] is not None
        indexes = self._crypto.blind_indexes(value_or_token, entity_type)
        found = self._pg.run(
            "looking for a tombstone",
            lambda db: db.execute(
                "SELECT 1 FROM vault_subjects WHERE forgotten_at IS NOT NULL AND blind_index = ANY(%s) LIMIT 1",
                (indexes,),
            ).fetchone(),
        )
        return found is not None

    def export(self, token: str) -> dict[str, Any]:
        """Everything the vault holds about ``token`` (the value included, for a right-of-access answer)."""
        row = self._pg.run("reading a subject", lambda db: self._row(db, token))
        if row is None:
            return {}
        value = None if row["forgotten_at"] else self._crypto.decrypt(row)
        if value is not None and self._on_get is not None:
            self._on_get(token, row["entity_type"])
        return {"token": token, "entity_type": row["entity_type"], "value": value,
                "created_at": row["created_at"], "forgotten_at": row["forgotten_at"]}  # fmt: skip

    def rotate(self, new_kek: Secret) -> int:
        """Re-wrap every data key under ``new_kek`` in one transaction (puts and forgets of every replica wait for
        it); values are not re-encrypted. Returns the number of keys re-wrapped. Store ``new_kek`` (setting or key
        file) and restart the other replicas with it."""

        def work(db: Db) -> int:
            db.execute(  # first: a put waits on this row, then sees the new key id and refuses a stale key
                "INSERT INTO vault_meta (name, value) VALUES ('kek_id', %s) "
                "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
                (key_id(new_kek),),
            )
            db.execute("LOCK TABLE vault_subjects IN SHARE ROW EXCLUSIVE MODE")
            rows = [dict(zip(COLUMNS, r, strict=True)) for r in db.execute(f"{_SELECT} WHERE forgotten_at IS NULL")]
            for row in rows:
                db.execute(
                    "UPDATE vault_subjects SET kek_id = %s, key_nonce = %s, wrapped_key = %s WHERE token = %s",
                    (*self._crypto.rewrap(row, new_kek), row["token"]),
                )
            return len(rows)

        count: int = self._pg.run("rotating the vault key", work)
        self._crypto.use(new_kek)
        return count

    def stats(self) -> dict[str, int]:
        """``active`` and ``forgotten`` subjects, and active subjects per entity type."""
        rows = self._pg.run(
            "counting subjects",
            lambda db: db.execute(
                "SELECT entity_type, forgotten_at IS NULL, COUNT(*) FROM vault_subjects GROUP BY 1, 2"
            ).fetchall(),
        )
        return count_subjects([(t, active, int(n)) for t, active, n in rows])

    def merge(self, rows: list[dict[str, Any]], source: str) -> dict[str, int]:
        """Rows of another vault opened with the same keys (a migration, see :mod:`privacy.vault_migration`), in
        one transaction: a missing subject is copied as it is (still encrypted), a subject forgotten there is
        forgotten here too, nothing forgotten here comes back. The row count is kept under ``source`` as proof."""

        def work(db: Db) -> dict[str, int]:
            db.execute("LOCK TABLE vault_subjects IN SHARE ROW EXCLUSIVE MODE")  # puts and forgets wait
            counts = {"copied": 0, "forgotten": 0, "present": 0}
            placeholders = ", ".join(["%s"] * len(COLUMNS))
            for row in rows:
                if row["kek_id"] not in (None, self._crypto.kek_id):
                    raise VaultError(
                        f"a row wrapped by key id {row['kek_id']} cannot join a vault on key id "
                        f"{self._crypto.kek_id}: open the source with the key it was written with"
                    )
                done = db.execute(
                    f"INSERT INTO vault_subjects ({', '.join(COLUMNS)}) VALUES ({placeholders}) "
                    "ON CONFLICT (token) DO NOTHING",
                    tuple(row[c] for c in COLUMNS),
                )
                if done.rowcount == 1:
                    counts["copied"] += 1
                elif row["forgotten_at"] and db.execute(_SHRED, (row["forgotten_at"], row["token"])).rowcount:
                    counts["forgotten"] += 1
                else:
                    counts["present"] += 1
            db.execute(
                "INSERT INTO vault_meta (name, value) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET value = "
                "EXCLUDED.value",
                (f"merged:{source}", str(len(rows))),
            )
            return counts

        merged: dict[str, int] = self._pg.run("merging another vault", work)
        return merged

    def merged_rows(self, source: str) -> int | None:
        """How many rows :meth:`merge` took from ``source`` last time (None: never)."""
        row = self._pg.run(
            "reading the vault metadata",
            lambda db: db.execute("SELECT value FROM vault_meta WHERE name = %s", (f"merged:{source}",)).fetchone(),
        )
        return None if row is None else int(row[0])
