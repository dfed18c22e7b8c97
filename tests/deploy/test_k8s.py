"""deploy/k8s: every manifest parses, and the pods are the ones the deployment needs."""

from __future__ import annotations

from typing import Any

import yaml

from tests.deploy.manifests import (
    K8S,
    SECRET_NAME,
    is_newsvault_variable,
    k8s_documents,
    pod_spec,
    roles,
)

ENTRYPOINT = "/opt/newsvault/entrypoint.sh"


def objects() -> dict[tuple[str, str], dict[str, Any]]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for _, doc in k8s_documents()}


def workloads() -> dict[str, dict[str, Any]]:
    """name -> pod spec, for every Deployment and Job."""
    return {name: spec for (_, name), doc in objects().items()
            if (spec := pod_spec(doc)) is not None}


def test_the_manifests_hold_every_object_the_deployment_needs() -> None:
    assert set(objects()) == {
        ("Secret", "newsvault-credentials"), ("ConfigMap", "newsvault-settings"),
        ("Job", "newsvault-migrate"), ("Deployment", "newsvault-scheduler"),
        ("Deployment", "newsvault-worker"), ("HorizontalPodAutoscaler", "newsvault-worker"),
        ("Deployment", "newsvault-web"), ("Service", "newsvault-web")}
    roles_run = {name: spec["containers"][0]["args"][0] for name, spec in workloads().items()}
    assert roles_run == {"newsvault-migrate": "migrate", "newsvault-scheduler": "scheduler",
                         "newsvault-worker": "worker", "newsvault-web": "web"}
    assert set(roles_run.values()) <= roles()


def test_kustomization_applies_everything_but_the_example_secret() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert all((K8S / name).is_file() for name in listed)
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert on_disk - listed == {"secret.example.yaml", "worker-hpa.yaml"}
    assert "# - worker-hpa.yaml" in (K8S / "kustomization.yaml").read_text()
    assert [i["name"] for i in kustomization["images"]] == ["newsvault"]


def test_one_scheduler_and_scalable_workers() -> None:
    found = objects()
    scheduler = found["Deployment", "newsvault-scheduler"]["spec"]
    assert scheduler["replicas"] == 1 and scheduler["strategy"]["type"] == "Recreate"
    assert found["Deployment", "newsvault-worker"]["spec"]["replicas"] >= 2
    hpa = found["HorizontalPodAutoscaler", "newsvault-worker"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": "newsvault-worker"}
    assert hpa["minReplicas"] <= hpa["maxReplicas"]


def test_pods_are_locked_down_with_writable_scratch_space() -> None:
    for name, spec in workloads().items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["runAsUser"] != 0, name
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) == {"cpu", "memory"}, name
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            # With a read-only root, the home (spool, logs, locks) and /tmp need volumes.
            assert {"/var/lib/newsvault", "/tmp"} <= set(mounts), name
            assert all("emptyDir" in volumes[v] for v in mounts.values()), name


def probe_roles(container: dict[str, Any]) -> list[list[str]]:
    commands = []
    for kind in ("readinessProbe", "livenessProbe", "startupProbe"):
        probe = container.get(kind, {})
        if "exec" in probe:
            commands.append(probe["exec"]["command"])
    return commands


def test_probes_use_the_entrypoint_health_role() -> None:
    for name, spec in workloads().items():
        container = spec["containers"][0]
        role = container["args"][0]
        if role == "migrate":
            assert not probe_roles(container)  # a Job that exits
            continue
        commands = probe_roles(container)
        assert commands and all(c == [ENTRYPOINT, "health", role] for c in commands), name
        assert "readinessProbe" in container and "livenessProbe" in container, name


def test_settings_and_secrets_are_referenced_never_inlined() -> None:
    found = objects()
    secret = found["Secret", "newsvault-credentials"]["stringData"]
    config = found["ConfigMap", "newsvault-settings"]["data"]
    assert all("CHANGE-ME" in value for value in secret.values())  # placeholders only
    assert all(SECRET_NAME.search(k) for k in secret), "non-secret settings go in the ConfigMap"
    assert not any(SECRET_NAME.search(k) for k in config), "a credential is in the ConfigMap"
    for variable in [*secret, *config]:
        assert is_newsvault_variable(variable), f"{variable} is no newsvault setting"
    for name, spec in workloads().items():
        for container in spec["containers"]:
            assert container["envFrom"] == [
                {"configMapRef": {"name": "newsvault-settings"}},
                {"secretRef": {"name": "newsvault-credentials"}}], name
            for entry in container.get("env", []):
                assert "value" not in entry or not SECRET_NAME.search(entry["name"]), name
                assert is_newsvault_variable(entry["name"]), name


def test_the_service_reaches_the_web_pods() -> None:
    found = objects()
    service = found["Service", "newsvault-web"]["spec"]
    web = found["Deployment", "newsvault-web"]["spec"]["template"]
    assert service["selector"].items() <= web["metadata"]["labels"].items()
    ports = {p["name"]: p["containerPort"] for p in web["spec"]["containers"][0]["ports"]}
    assert service["ports"][0]["targetPort"] in ports and ports["http"] == 8080
