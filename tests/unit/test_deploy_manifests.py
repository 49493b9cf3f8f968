"""Deployment material, checked statically (no container engine, registry or cluster here): the Dockerfile, the
compose stack, and every Kubernetes overlay as ``kubectl kustomize`` renders it (with throwaway secrets).

deploy/validate.sh also validates the compose files against the compose specification and the rendered manifests
against the Kubernetes schemas; these tests assert what a schema cannot: no root containers, every Secret referenced
exists, every workload has resources and probes, NetworkPolicies cover every pod.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.unit

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
OVERLAYS = ("dev", "prod")
WORKLOADS = ("Deployment", "StatefulSet")
Doc = dict[str, Any]


def _kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("kubectl is missing in CI: deploy/validate.sh --install-tools installs it")
        pytest.skip("no kubectl here (deploy/validate.sh --install-tools installs Debian's kubernetes-client)")
    return found


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Doc]:
    """One overlay rendered from a copy of deploy/k8s whose secrets are throwaway ones (the real ones stay put)."""
    kubectl = _kubectl()
    copy = tmp_path_factory.mktemp("k8s") / "k8s"
    shutil.copytree(DEPLOY / "k8s", copy, ignore=shutil.ignore_patterns("secrets"))
    overlay = copy / "overlays" / request.param
    subprocess.run(
        [str(DEPLOY / "make-secrets.sh"), str(overlay / "secrets"), "--placeholder-dsn"],
        check=True, capture_output=True,
    )  # fmt: skip
    done = subprocess.run([kubectl, "kustomize", str(overlay)], check=True, capture_output=True, text=True)
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def pods(docs: list[Doc]) -> list[tuple[str, Doc]]:
    return [(d["metadata"]["name"], d["spec"]["template"]) for d in docs if d["kind"] in WORKLOADS]


def test_no_container_runs_as_root_or_can_gain_privileges(rendered: list[Doc]) -> None:
    assert pods(rendered)
    for name, template in pods(rendered):
        pod = template["spec"].get("securityContext", {})
        for c in template["spec"]["containers"] + template["spec"].get("initContainers", []):
            sc = {**pod, **c.get("securityContext", {})}
            assert sc.get("runAsNonRoot") is True, (name, c["name"])
            assert sc.get("runAsUser", 1) != 0 and sc.get("runAsGroup", 1) != 0, (name, c["name"])
            assert sc.get("allowPrivilegeEscalation") is False and not sc.get("privileged"), (name, c["name"])
            assert sc.get("readOnlyRootFilesystem") is True, (name, c["name"])
            assert sc.get("capabilities", {}).get("drop") == ["ALL"], (name, c["name"])
        assert template["spec"].get("automountServiceAccountToken") is False, name
        assert not template["spec"].get("hostNetwork") and not template["spec"].get("hostIPC"), name


def _secret_references(template: Doc) -> set[str]:
    names = set()
    spec = template["spec"]
    for c in spec["containers"] + spec.get("initContainers", []):
        for env in c.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                names.add(ref["name"])
        names |= {e["secretRef"]["name"] for e in c.get("envFrom", []) if "secretRef" in e}
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            names.add(volume["secret"]["secretName"])
        for source in volume.get("projected", {}).get("sources", []):
            if "secret" in source:
                names.add(source["secret"]["name"])
    return names


def test_every_secret_referenced_exists(rendered: list[Doc]) -> None:
    secrets = {d["metadata"]["name"] for d in rendered if d["kind"] == "Secret"}
    referenced = set().union(*(_secret_references(t) for _, t in pods(rendered)))
    assert referenced and referenced <= secrets, referenced - secrets
    keys = next(d for d in rendered if d["kind"] == "Secret" and d["metadata"]["name"].startswith("assistant-keys"))
    assert {"pseudonym.key", "vault.key", "audit-signing.key", "audit.key", "chainlit-jwt.key"} <= set(keys["data"])


def test_every_workload_has_resources_and_probes(rendered: list[Doc]) -> None:
    for name, template in pods(rendered):
        for c in template["spec"]["containers"]:
            resources = c.get("resources", {})
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(kind, {})), (name, c["name"], kind)
            assert "readinessProbe" in c and "livenessProbe" in c, (name, c["name"])
            assert re.fullmatch(r"[\w./-]+:[\w.-]+", c["image"]) and not c["image"].endswith(":latest"), c["image"]


def _selects(selector: Doc, labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def test_network_policies_cover_every_pod_and_limit_egress(rendered: list[Doc]) -> None:
    policies = [d for d in rendered if d["kind"] == "NetworkPolicy"]
    deny = [p for p in policies if p["spec"]["podSelector"] == {} and not p["spec"].get("ingress")]
    assert deny and set(deny[0]["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    by_app: dict[str, Doc] = {}
    for name, template in pods(rendered):
        labels = template["metadata"]["labels"]
        own = [p for p in policies if p["spec"]["podSelector"] and _selects(p["spec"]["podSelector"], labels)]
        assert own, f"no NetworkPolicy selects the pods of {name}"
        assert set(own[0]["spec"]["policyTypes"]) == {"Ingress", "Egress"}, name
        by_app[labels["app.kubernetes.io/name"]] = own[0]
    assert by_app["vllm"]["spec"].get("egress", []) == [] and by_app["otel-collector"]["spec"].get("egress", []) == []
    qdrant_peers = [
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        for rule in by_app["qdrant"]["spec"]["egress"]
        for peer in rule["to"]
        if "namespaceSelector" not in peer
    ]
    assert qdrant_peers == ["qdrant"]  # besides DNS, only its peers
    reached = {
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        for rule in by_app["assistant"]["spec"]["egress"]
        for peer in rule["to"]
        if "podSelector" in peer and "namespaceSelector" not in peer
    }
    assert reached == {"qdrant", "vllm", "otel-collector"}
    postgres = [r for r in by_app["assistant"]["spec"]["egress"] if any("ipBlock" in p for p in r["to"])]
    assert [p["port"] for r in postgres for p in r["ports"]] == [5432]


def test_the_topology_the_issue_asks_for(rendered: list[Doc]) -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for d in rendered}
    assert {("HorizontalPodAutoscaler", "assistant"), ("PodDisruptionBudget", "assistant")} <= kinds
    app = next(t for n, t in pods(rendered) if n == "assistant")["spec"]["containers"][0]
    assert app["readinessProbe"]["httpGet"]["path"] == "/readyz"
    env = {e["name"]: e.get("value") for e in app["env"]}
    assert {"ASSISTANT_QDRANT_SHARD_NUMBER", "ASSISTANT_QDRANT_REPLICATION_FACTOR"} <= set(env)
    qdrant = next(d for d in rendered if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "qdrant")
    assert qdrant["spec"]["replicas"] >= 2
    assert {"name": "QDRANT__CLUSTER__ENABLED", "value": "true"} in qdrant["spec"]["template"]["spec"]["containers"][0][
        "env"
    ]
    vllm = next(t for n, t in pods(rendered) if n == "vllm")["spec"]
    gpus = vllm["containers"][0]["resources"]["limits"]["nvidia.com/gpu"]
    assert int(gpus) >= 1 and "--tensor-parallel-size=$(RA_VLLM_TENSOR_PARALLEL_SIZE)" in vllm["containers"][0]["args"]
    terms = vllm["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    region = [e for t in terms for e in t["matchExpressions"] if e["key"] == "topology.kubernetes.io/region"]
    assert region and all(re.match(r"(europe|eu|france|germany|west|fr|nl)", v) for v in region[0]["values"])
    assert any(v.get("persistentVolumeClaim", {}).get("readOnly") for v in vllm["volumes"])  # model from a volume


SHARED_STATE = ("ASSISTANT_AUDIT_BACKEND", "ASSISTANT_PRIVACY_VAULT_BACKEND", "ASSISTANT_INGESTION_REGISTRY_BACKEND")


def test_the_replicas_share_the_audit_trail_vault_and_registry_in_postgres(rendered: list[Doc]) -> None:
    app = next(t for n, t in pods(rendered) if n == "assistant")["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in app["env"]}
    assert [env.get(name) for name in SHARED_STATE] == ["postgres"] * 3
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    for name, service in compose["services"].items():
        if name.startswith("assistant"):
            assert [service["environment"].get(n) for n in SHARED_STATE] == ["postgres"] * 3, name


def test_dockerfile_is_pinned_non_root_and_checks_its_health() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, flags=re.M))
    bases = [
        re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], b) for b in re.findall(r"^FROM (\S+)", text, flags=re.M)
    ]
    assert bases and all(re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?", b) for b in bases), bases
    final = text.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER (\S+)", final, flags=re.M)
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert re.search(r"^HEALTHCHECK .*\n?.*CMD .*/healthz", final, flags=re.M)
    assert "--build-context wheels" in text and "deploy/setup.sh --install --no-llm" in text  # same sources as set-up


def test_compose_takes_secrets_from_files_only() -> None:
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    assert all(set(s) == {"file"} for s in compose["secrets"].values())
    profiles = {p for s in compose["services"].values() for p in s.get("profiles", [])}
    assert {"dev", "prod"} <= profiles
    for name, service in compose["services"].items():
        env = service.get("environment", {})
        for key, value in env.items() if isinstance(env, dict) else []:
            if re.search(r"(KEY|PASSWORD|SECRET|TOKEN|DSN)$", key):
                pytest.fail(f"{name}: {key} is given inline ({value!r}); use a secret file")
        image = service["image"]
        assert ":" in image and not image.endswith(":latest"), image
        if name.startswith("assistant"):
            assert service["read_only"] is True and service["user"].split(":")[0] != "0"
