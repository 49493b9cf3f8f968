#!/usr/bin/env bash
# Static checks of the deployment material (no container engine, registry or cluster is needed or used):
#   - the compose files against the compose specification (check-jsonschema's bundled compose-spec schema);
#   - every Kubernetes overlay rendered by `kubectl kustomize` (with throwaway secrets, in a scratch copy) against
#     the Kubernetes schemas (kubernetes-validate --strict);
#   - the invariants (no root container, every Secret referenced exists, resources and probes, NetworkPolicies),
#     the Dockerfile (pinned bases, non-root user, health check) and the compose secrets: tests/unit/test_deploy_manifests.py.
# The image itself is not built here (no registry is reachable): see README, "Running it for a network of stores".
#
#   deploy/validate.sh [--install-tools]   --install-tools: apt-get install Debian's kubernetes-client if no kubectl
set -euo pipefail
cd "$(dirname "$0")/.."
V=.venv/bin
K8S_VERSION=1.30.0   # the Kubernetes API the manifests target (kubernetes-validate bundles its schemas)

if [ "${1:-}" = --install-tools ] && ! command -v kubectl >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "no kubectl and cannot apt-get install kubernetes-client (need root on Debian): install kubectl" >&2; exit 3
  fi
  echo "==> apt-get install kubernetes-client (kubectl kustomize)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null
fi
command -v kubectl >/dev/null || { echo "no kubectl: run deploy/validate.sh --install-tools" >&2; exit 3; }
[ -x "$V/check-jsonschema" ] && [ -x "$V/kubernetes-validate" ] || { echo "run deploy/setup.sh --install first" >&2; exit 3; }

echo "==> compose files against the compose specification"
"$V/check-jsonschema" --builtin-schema vendor.compose-spec deploy/compose/compose.yaml deploy/vllm/compose.yaml

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r deploy/k8s "$scratch/k8s"
for overlay in dev prod; do
  echo "==> Kubernetes overlay $overlay: kubectl kustomize, then kubernetes-validate --strict (API $K8S_VERSION)"
  rm -rf "$scratch/k8s/overlays/$overlay/secrets"
  deploy/make-secrets.sh "$scratch/k8s/overlays/$overlay/secrets" --placeholder-dsn >/dev/null
  kubectl kustomize "$scratch/k8s/overlays/$overlay" 2>"$scratch/warnings" >"$scratch/$overlay.yaml" \
    || { cat "$scratch/warnings" >&2; exit 1; }
  "$V/kubernetes-validate" --quiet --strict -k "$K8S_VERSION" "$scratch/$overlay.yaml"
  echo "$(grep -c '^kind:' "$scratch/$overlay.yaml") resources valid"
done
echo "==> invariants"
"$V/python" -m pytest -q -p no:cacheprovider tests/unit/test_deploy_manifests.py
