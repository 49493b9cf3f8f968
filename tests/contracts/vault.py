"""Contract suite every :class:`privacy.ports.Vault` adapter passes. Subclass it and provide the fixtures
``open_vault`` (opens one more instance on the same, initially empty storage, as another process or replica would:
``open_vault(kek, index_key, on_get)``, every argument optional; the subclass closes what it opened) and ``stored``
(every byte the storage holds, for "no plaintext" checks)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

import pytest

from privacy.errors import VaultError
from privacy.keys import Secret
from privacy.ports import AccessHook, Vault
from privacy.pseudonymizer import make_token

KEK = Secret(b"K" * 32)
INDEX = Secret(b"I" * 32)
TOKEN_KEY = Secret(b"T" * 32)
NAME = "Élodie Fontaine"
NAME_TOKEN = make_token(TOKEN_KEY, "PERSON", NAME)
IBAN = "FR76 3000 4028 3700 0104 5678 997"
IBAN_TOKEN = make_token(TOKEN_KEY, "IBAN", IBAN)
PLAINTEXTS = (NAME, "Fontaine", "fontaine", IBAN, IBAN.replace(" ", ""), "5678")


class OpenedVault(Vault, Protocol):
    def rotate(self, new_kek: Secret) -> int: ...

    def close(self) -> None: ...


class OpenVault(Protocol):
    def __call__(
        self, kek: Secret = KEK, index_key: Secret = INDEX, on_get: AccessHook | None = None
    ) -> OpenedVault: ...


class VaultContract:
    @pytest.fixture
    def open_vault(self) -> OpenVault:
        raise NotImplementedError

    @pytest.fixture
    def stored(self) -> Callable[[], bytes]:
        raise NotImplementedError

    @pytest.fixture
    def vault(self, open_vault: OpenVault) -> OpenedVault:
        v = open_vault()
        assert v.put(NAME_TOKEN, "PERSON", NAME)
        assert v.put(IBAN_TOKEN, "IBAN", IBAN)
        return v

    def test_is_a_vault(self, vault: OpenedVault) -> None:
        assert isinstance(vault, Vault)

    def test_put_get_and_idempotent_put(self, vault: OpenedVault) -> None:
        assert vault.get(NAME_TOKEN) == NAME
        assert vault.put(NAME_TOKEN, "PERSON", NAME)
        assert vault.stats() == {"active": 2, "forgotten": 0, "PERSON": 1, "IBAN": 1}
        assert vault.get("<PERSON_0000000000000000>") is None

    def test_values_are_encrypted_at_rest(self, vault: OpenedVault, stored: Callable[[], bytes]) -> None:
        raw = stored()
        assert NAME_TOKEN.encode() in raw  # the dump does hold the rows
        for needle in PLAINTEXTS:
            assert needle.encode() not in raw
            assert needle.encode("utf-16-le") not in raw

    def test_find_by_value_through_the_blind_index(self, vault: OpenedVault) -> None:
        assert vault.find("ELODIE FONTAINE") == [NAME_TOKEN]
        assert vault.find("elodie fontaine", "PERSON") == [NAME_TOKEN]
        assert vault.find("FR7630004028370001045678997") == [IBAN_TOKEN]
        assert vault.find(NAME, "EMAIL") == []
        assert vault.find("Karim Benali") == []

    def test_export_gives_the_value_and_the_dates(self, vault: OpenedVault) -> None:
        exported = vault.export(NAME_TOKEN)
        assert {k: exported[k] for k in ("token", "entity_type", "value", "forgotten_at")} == {
            "token": NAME_TOKEN, "entity_type": "PERSON", "value": NAME, "forgotten_at": None,
        }  # fmt: skip
        assert exported["created_at"] and vault.export("<PERSON_0000000000000000>") == {}

    def test_forget_crypto_shreds_and_keeps_a_tombstone(self, vault: OpenedVault, stored: Callable[[], bytes]) -> None:
        assert vault.forget(NAME_TOKEN)
        assert not vault.forget(NAME_TOKEN)  # already forgotten
        assert not vault.forget("<PERSON_0000000000000000>")
        assert vault.get(NAME_TOKEN) is None
        assert vault.find(NAME) == []
        assert vault.find(NAME, include_forgotten=True) == [NAME_TOKEN]
        assert vault.is_forgotten(NAME_TOKEN)
        assert vault.is_forgotten("ÉLODIE FONTAINE")
        assert vault.is_forgotten(NAME, "PERSON")
        assert not vault.is_forgotten(IBAN) and not vault.is_forgotten(IBAN_TOKEN)
        assert not vault.put(NAME_TOKEN, "PERSON", NAME)  # re-ingestion cannot bring the person back
        assert vault.export(NAME_TOKEN)["value"] is None
        assert vault.export(NAME_TOKEN)["forgotten_at"]
        assert vault.stats() == {"active": 1, "forgotten": 1, "IBAN": 1}
        assert NAME.encode() not in stored()

    def test_a_forgotten_value_is_refused_under_any_token(self, vault: OpenedVault) -> None:
        """The tombstone's blind index refuses the value itself, whatever token it comes with."""
        vault.forget(NAME_TOKEN)
        other = make_token(Secret(b"O" * 32), "PERSON", NAME)
        assert not vault.put(other, "PERSON", "élodie FONTAINE")
        assert vault.get(other) is None and vault.stats()["forgotten"] == 1 and vault.stats()["active"] == 1

    def test_rotate_rewraps_keys_without_touching_values(self, vault: OpenedVault, open_vault: OpenVault) -> None:
        new = Secret(b"N" * 32)
        vault.forget(IBAN_TOKEN)  # a tombstone has no key to re-wrap
        assert vault.rotate(new) == 1
        assert vault.get(NAME_TOKEN) == NAME
        assert vault.put(IBAN_TOKEN.replace("IBAN", "EMAIL"), "EMAIL", "a@b.example")  # wrapped by the new key
        with pytest.raises(VaultError, match="key id"):
            open_vault(KEK, INDEX)  # the old KEK no longer opens it
        reopened = open_vault(new, INDEX)
        assert reopened.get(NAME_TOKEN) == NAME
        assert reopened.find(NAME) == [NAME_TOKEN]  # blind index survives rotation

    def test_a_replica_still_on_the_old_key_writes_nothing_after_a_rotation(
        self, vault: OpenedVault, open_vault: OpenVault
    ) -> None:
        """Another replica rotated the key: a value this one wrapped with the old key could never be opened again."""
        stale = open_vault()  # opened before the rotation, as a replica not yet restarted
        new = Secret(b"N" * 32)
        assert vault.rotate(new) == 2
        email_token = make_token(TOKEN_KEY, "EMAIL", "a@b.example")
        with pytest.raises(VaultError, match=r"rotated to key id \w+ while this process runs with key id .*restart"):
            stale.put(email_token, "EMAIL", "a@b.example")
        with pytest.raises(VaultError, match="key id"):
            stale.get(NAME_TOKEN)  # its reads fail closed too, naming the key ids
        restarted = open_vault(new, INDEX)
        assert restarted.get(email_token) is None and restarted.stats()["active"] == 2
        assert restarted.put(email_token, "EMAIL", "a@b.example") and restarted.get(email_token) == "a@b.example"
        assert vault.get(email_token) == "a@b.example"  # the rotating replica already runs with the new key

    @pytest.mark.parametrize(
        ("kek", "index", "problem"),
        [
            (KEK, Secret(b"J" * 32), "another pseudonym key.*ASSISTANT_PRIVACY_PSEUDONYM_KEY"),  # a lost secrets_dir
            (Secret(b"W" * 32), INDEX, "key id.*ASSISTANT_PRIVACY_VAULT_KEY"),
            (KEK, INDEX, None),
        ],
    )
    def test_the_vault_refuses_keys_it_was_not_written_with_before_writing_anything(
        self, vault: OpenedVault, open_vault: OpenVault, kek: Secret, index: Secret, problem: str | None
    ) -> None:
        if problem is None:
            assert open_vault(kek, index).find(NAME) == [NAME_TOKEN]
            return
        with pytest.raises(VaultError, match=problem):
            open_vault(kek, index)
        reopened = open_vault()  # nothing was written with the wrong keys
        assert reopened.find(NAME) == [NAME_TOKEN] and reopened.stats()["active"] == 2

    def test_a_kek_of_the_wrong_size_is_refused(self, open_vault: OpenVault) -> None:
        with pytest.raises(VaultError, match="32 bytes"):
            open_vault(Secret(b"K" * 16))

    def test_an_empty_vault_remembers_its_pseudonym_key_from_the_first_start(self, open_vault: OpenVault) -> None:
        open_vault()
        with pytest.raises(VaultError, match="another pseudonym key"):
            open_vault(KEK, Secret(b"J" * 32))

    def test_every_read_is_reported_to_the_audit_hook(self, open_vault: OpenVault) -> None:
        seen: list[tuple[str, str]] = []
        v = open_vault(on_get=lambda token, kind: seen.append((token, kind)))
        v.put(NAME_TOKEN, "PERSON", NAME)
        v.get(NAME_TOKEN)
        v.export(NAME_TOKEN)
        v.get("<PERSON_0000000000000000>")
        v.forget(NAME_TOKEN)
        v.get(NAME_TOKEN)
        v.export(NAME_TOKEN)
        assert seen == [(NAME_TOKEN, "PERSON"), (NAME_TOKEN, "PERSON")]

    def test_two_instances_share_subjects_and_tombstones(self, open_vault: OpenVault) -> None:
        """Two processes (SQLite) or two replicas (PostgreSQL) on the same vault."""
        one, two = open_vault(), open_vault()
        assert one.put(NAME_TOKEN, "PERSON", NAME)
        assert two.get(NAME_TOKEN) == NAME and two.find(NAME) == [NAME_TOKEN]
        assert two.forget(NAME_TOKEN)
        assert not one.put(NAME_TOKEN, "PERSON", NAME)  # the other instance's erasure holds here
        assert one.get(NAME_TOKEN) is None and one.is_forgotten(NAME)
        assert two.put(IBAN_TOKEN, "IBAN", IBAN) and one.get(IBAN_TOKEN) == IBAN
        later = open_vault()  # a restart: the subject stays forgotten
        assert later.is_forgotten(NAME_TOKEN) and not later.put(NAME_TOKEN, "PERSON", NAME)
        assert later.stats() == {"active": 1, "forgotten": 1, "IBAN": 1}

    def test_instances_putting_the_same_subjects_at_once_all_succeed(self, open_vault: OpenVault) -> None:
        tokens = [f"<PERSON_{i:016x}>" for i in range(40)]
        vaults = [open_vault() for _ in range(4)]
        results: list[Any] = [None] * 4
        barrier = threading.Barrier(4)

        def put_all(n: int) -> None:
            barrier.wait()
            order = tokens[n * 10 :] + tokens[: n * 10]
            results[n] = sum(vaults[n].put(t, "PERSON", f"Personne {int(t[8:-1], 16)}") for t in order)

        threads = [threading.Thread(target=put_all, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert results == [40, 40, 40, 40]  # each put is True: stored, or already there with the same value
        assert vaults[0].stats()["active"] == 40
