#!/usr/bin/env bash
# The quality gate of .ci/run (deploy/test.sh runs it after the tests): the sample corpus ingested into a throw-away
# data dir, then `assistant eval run --suite retrieval,answers,pii --gate` with the extractive answerer (CI has no
# model worth judging). Exit 1 names each metric below its threshold (ASSISTANT_GATE_MINIMUMS / _MAXIMUMS).
# The run's results.json and report.html stay in eval-report/ (or $1): the artefact; the run found there before
# becomes the trend's baseline (eval-report/previous/).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-eval-report}
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
export ASSISTANT_DATA_DIR="$DATA" ASSISTANT_LLM_BACKEND=none HF_HUB_OFFLINE=1
T0=$(date +%s)
.venv/bin/assistant ingest ingestion/samples --json > "$DATA/ingest.json"
LABEL=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
.venv/bin/assistant eval run --suite retrieval,answers,pii --pii-sentences 600 --out "$OUT" --label "$LABEL" --gate
echo "quality gate done in $(( $(date +%s) - T0 )) s; report: $OUT/report.html"
