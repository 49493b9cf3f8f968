#!/usr/bin/env bash
# One command: install if needed, then lint, type-check, run the unit + integration tests and the quality gate.
# Extra arguments go to pytest (e.g. deploy/test.sh -m unit).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh --install --no-llm
deploy/llm.sh --model smollm  # llama.cpp server venv + SmolLM2-135M for the LLM integration tests
deploy/postgres.sh --install  # PostgreSQL binaries for the audit store's integration tests
deploy/browser.sh >/dev/null  # Debian's chromium for the browser tests (Playwright drives it)
deploy/validate.sh --install-tools  # compose spec, Kubernetes schemas and invariants of deploy/ (kubectl kustomize)
V=.venv/bin
echo "==> ruff";  "$V/ruff" check .
echo "==> ruff format check"; "$V/ruff" format --check .
echo "==> mypy";  "$V/mypy"
echo "==> pytest"
"$V/python" -m pytest -m "not slow and not gpu" "$@"
if [ $# -eq 0 ]; then  # the whole suite: then the quality gate on the sample corpus (report in eval-report/)
  echo "==> quality gate"; deploy/eval_gate.sh
fi
