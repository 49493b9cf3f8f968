"""Signed checkpoints: C2SP tlog-checkpoint bodies in C2SP signed notes, Ed25519 (https://c2sp.org/signed-note).

A checkpoint commits to the first ``size`` records of the log::

    retail-assistant/audit          <- origin (the log's identity)
    1234                            <- tree size: records 1..1234
    q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=   <- base64 of the chain head (entry_hash of record 1234)
                                    <- blank line
    — retail-assistant/audit AbCd...  <- base64(4-byte key id || 64-byte Ed25519 signature of the body)

The key id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || 32-byte public key); a verifier key is
written ``name+<8 hex key id>+base64(0x01 || public key)`` and a signer key
``PRIVATE+KEY+name+<8 hex key id>+base64(0x01 || 32-byte seed)`` (the formats of Go's golang.org/x/mod/sumdb/note,
so its tools can check our checkpoints). The "root hash" is the head of a hash chain, not an RFC 6962 Merkle root:
tools that only compare checkpoints work, inclusion proofs do not.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.errors import CheckpointError

ALG_ED25519 = 1
SIGNATURE_PREFIX = "— "  # U+2014 EM DASH + space, as the signed-note spec requires


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise CheckpointError(f"signed-note key name {name!r} must be non-empty, without spaces or '+'")
    return name


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of an Ed25519 key: SHA-256(name || "\\n" || 0x01 || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError(f"{what} is not valid base64") from None


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted signed-note key (public part)."""

    name: str
    key_id: bytes
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> NoteVerifier:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or len(parts[1]) != 8:
            raise CheckpointError(
                f"verifier key {vkey.strip()[:60]!r} is not 'name+<8 hex>+base64': fix audit.trusted_keys"
            )
        name, hex_id, b64 = parts
        raw = _b64decode(b64, "the verifier key's public key")
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise CheckpointError(f"verifier key for {name!r} is not an Ed25519 key (0x01 + 32 bytes)")
        expected = key_id(_check_name(name), raw[1:])
        if expected.hex() != hex_id.lower():
            raise CheckpointError(f"verifier key for {name!r}: key id {hex_id} does not match its public key")
        return cls(name, expected, raw[1:])

    def text(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class NoteSigner:
    """An Ed25519 signed-note signer. Never shows its seed in ``repr``."""

    def __init__(self, name: str, seed: bytes) -> None:
        if len(seed) != 32:
            raise CheckpointError("an Ed25519 signing seed is 32 bytes: fix audit.signing_key")
        self.name = _check_name(name)
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        public = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = NoteVerifier(self.name, key_id(self.name, public), public)

    @classmethod
    def parse(cls, skey: str) -> NoteSigner:
        """From ``PRIVATE+KEY+name+<8 hex>+base64(0x01 || seed)``."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise CheckpointError(
                "a signed-note private key reads 'PRIVATE+KEY+name+<8 hex>+base64': fix audit.signing_key"
            )
        raw = _b64decode(parts[4], "the private key")
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise CheckpointError("audit.signing_key is not an Ed25519 signed-note key (0x01 + 32-byte seed)")
        signer = cls(parts[2], raw[1:])
        if signer.verifier.key_id.hex() != parts[3].lower():
            raise CheckpointError("audit.signing_key: its key id does not match the key; the key is corrupt")
        return signer

    def __repr__(self) -> str:
        return f"NoteSigner(name={self.name!r}, key_id={self.verifier.key_id.hex()!r})"

    def sign(self, text: str) -> str:
        """The signed note: ``text`` (which must end with a newline), a blank line, one signature line."""
        if not text.endswith("\n") or "\n\n" in text:
            raise CheckpointError("a signed-note text ends with a newline and has no blank line")
        signature = self._key.sign(text.encode())
        blob = base64.b64encode(self.verifier.key_id + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {blob}\n"


def open_note(note: str, verifiers: list[NoteVerifier]) -> str:
    """The text of ``note`` if at least one of ``verifiers`` signed it; else :class:`CheckpointError`.

    Signatures by unknown keys are ignored; a signature by a known key id that does not verify is an error."""
    text, sep, sigs = note.partition("\n\n")
    if not sep or not sigs.endswith("\n"):
        raise CheckpointError("not a signed note: no blank line before the signatures, or no final newline")
    text += "\n"
    known = {(v.name, v.key_id): v for v in verifiers}
    verified = False
    for line in sigs[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise CheckpointError(f"malformed signature line {line[:40]!r}")
        name, _, blob = line[len(SIGNATURE_PREFIX) :].partition(" ")
        raw = _b64decode(blob, f"the signature by {name!r}")
        if len(raw) < 5:
            raise CheckpointError(f"the signature by {name!r} is too short")
        verifier = known.get((name, raw[:4]))
        if verifier is None:
            continue
        if not verifier.verify(text.encode(), raw[4:]):
            raise CheckpointError(
                f"the signature by {name!r} (key id {raw[:4].hex()}) does not verify: forged or altered"
            )
        verified = True
    if not verified:
        names = ", ".join(v.text() for v in verifiers) or "none configured"
        raise CheckpointError(f"no signature by a trusted key (trusted: {names})")
    return text


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    head: str  # hex entry_hash of record ``size`` (genesis zeros for size 0)

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(bytes.fromhex(self.head)).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise CheckpointError("a checkpoint body has an origin, a size and a hash line, each ending with a newline")
        origin, size, head = lines[0], lines[1], lines[2]
        if not size.isdigit() or (size != "0" and size.startswith("0")):
            raise CheckpointError(f"checkpoint size {size[:30]!r} is not a decimal number")
        digest = _b64decode(head, "the checkpoint hash")
        if len(digest) != 32:
            raise CheckpointError("the checkpoint hash is not a 32-byte SHA-256 digest")
        return cls(origin, int(size), digest.hex())


def sign_checkpoint(signer: NoteSigner, checkpoint: Checkpoint) -> str:
    return signer.sign(checkpoint.body())


def open_checkpoint(note: str, verifiers: list[NoteVerifier], origin: str) -> Checkpoint:
    """Verify the signature, parse the body and check it is a checkpoint of ``origin``."""
    checkpoint = Checkpoint.parse(open_note(note, verifiers))
    if checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint of log {checkpoint.origin!r}, expected {origin!r} (audit.origin)")
    return checkpoint


def write_checkpoint(folder: Path, size: int, note: str) -> Path:
    """Write ``checkpoint-<size>.txt`` once; an existing file must hold the same note (else CheckpointError)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoint-{size:012d}.txt"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        if path.read_text(encoding="utf-8") != note:
            raise CheckpointError(
                f"{path} already holds a different checkpoint for size {size}: the log was rewritten, or two logs "
                "share this folder (give each its own audit.checkpoint_dir)"
            ) from None
        return path
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(note)
    return path


def read_checkpoints(sources: Iterable[str | Path]) -> list[tuple[str, str]]:
    """``(source, note)`` for note texts, files, and every file of the given folders."""
    notes: list[tuple[str, str]] = []
    for source in sources:
        if isinstance(source, str):
            notes.append(("given note", source))
            continue
        paths = sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else [source]
        for path in paths:
            try:
                notes.append((str(path), path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                notes.append((str(path), f"unreadable: {type(exc).__name__}"))
    return notes
