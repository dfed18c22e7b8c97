"""deploy/compose.yaml: the services the scale-out setup needs, wired the way it needs."""

from __future__ import annotations

import re
from typing import Any

from tests.deploy.manifests import (
    DEPLOY,
    SECRET_NAME,
    compose,
    env_file,
    is_newsvault_variable,
    roles,
)

SERVICES = {"seaweedfs", "postgres", "redis", "migrate", "scheduler", "worker", "web"}
NEWSVAULT = {"migrate", "scheduler", "worker", "web"}  # the services of the newsvault image
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)")


def services() -> dict[str, Any]:
    return dict(compose()["services"])


def test_every_service_of_the_setup_is_there_and_builds_from_the_dockerfile() -> None:
    found = services()
    assert set(found) == SERVICES
    for name in NEWSVAULT:
        build = found[name]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == \
            (DEPLOY / "Dockerfile").resolve(), name
    assert {found[name]["image"] for name in NEWSVAULT} == {"newsvault:local"}


def test_newsvault_services_run_roles_the_entrypoint_knows() -> None:
    found, known = services(), roles()
    assert {name: found[name]["command"][0] for name in NEWSVAULT} == {
        "migrate": "migrate", "scheduler": "scheduler", "worker": "worker", "web": "web"}
    assert all(found[name]["command"][0] in known for name in NEWSVAULT)
    web_probe = found["web"]["healthcheck"]["test"]
    assert web_probe[1:] == ["/opt/newsvault/entrypoint.sh", "health", "web"]


def test_the_worker_scales_and_the_scheduler_does_not() -> None:
    worker, scheduler = services()["worker"], services()["scheduler"]
    # --scale needs no fixed name and no host port; two replicas by default.
    assert "container_name" not in worker and "ports" not in worker
    assert worker["deploy"]["replicas"] >= 2
    assert scheduler.get("deploy", {}).get("replicas", 1) == 1
    # Both get time to close their WARC files when stopped.
    assert worker["stop_grace_period"] == scheduler["stop_grace_period"] == "5m"


def test_startup_order_waits_for_health_and_the_migration() -> None:
    found = services()
    assert found["migrate"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "seaweedfs": {"condition": "service_healthy"}}
    assert found["migrate"]["restart"] == "no"
    for name in ("scheduler", "worker", "web"):
        after = found[name]["depends_on"]
        assert after["migrate"] == {"condition": "service_completed_successfully"}, name
    for name in ("scheduler", "worker"):
        assert found[name]["depends_on"]["redis"] == {"condition": "service_healthy"}
    for name, service in found.items():
        for dependency, how in service.get("depends_on", {}).items():
            if how["condition"] == "service_healthy":
                assert found[dependency]["healthcheck"]["test"], (name, dependency)


def test_newsvault_containers_get_only_real_settings() -> None:
    found = services()
    for name in NEWSVAULT:
        assert found[name]["env_file"] == ".env"
        for variable in found[name]["environment"]:
            assert is_newsvault_variable(variable), f"{name}: {variable} is no setting"
    example = env_file(DEPLOY / "compose.env.example")
    for variable in example:
        if variable.startswith("NEWSVAULT_"):
            assert is_newsvault_variable(variable), variable


def test_credentials_come_from_the_env_file_only() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    example = env_file(DEPLOY / "compose.env.example")
    used = set(INTERPOLATION.findall(text))
    # Every ${...} is defined in the example env file, and every variable there is used
    # (or is a newsvault setting handed over by env_file).
    assert used <= set(example), used - set(example)
    assert {v for v in example if not v.startswith("NEWSVAULT_")} <= used
    for name, service in services().items():
        for variable, value in service.get("environment", {}).items():
            if SECRET_NAME.search(variable):
                assert "${" in str(value), f"{name}: {variable} is written into compose.yaml"
    for variable, value in example.items():
        if SECRET_NAME.search(variable):
            assert value.startswith("CHANGE-ME"), f"{variable} needs a placeholder value"
    assert ".env" in (DEPLOY / ".gitignore").read_text().split()


def test_data_lives_in_named_volumes() -> None:
    data = compose()
    declared = set(data["volumes"])
    for name, service in data["services"].items():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            assert source in declared, f"{name}: {mount} is not a named volume"
    assert {"pgdata", "redisdata", "s3data"} <= declared
    # The web UI is on the host's loopback only.
    assert all(p.startswith("127.0.0.1:") for p in data["services"]["web"]["ports"])
