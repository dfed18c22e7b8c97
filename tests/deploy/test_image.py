"""deploy/Dockerfile and deploy/systemd's scale-out units."""

from __future__ import annotations

import configparser
import fnmatch
import tomllib

from tests.conftest import ROOT
from tests.deploy.manifests import DEPLOY, dockerfile, exec_form, roles

ENTRYPOINT_IN_IMAGE = "/opt/newsvault/entrypoint.sh"


def test_the_image_is_slim_and_runs_as_a_non_root_user() -> None:
    steps = dockerfile()
    bases = [args.split()[0] for kind, args in steps if kind == "FROM"]
    assert bases and all(b == "python:3.11-slim" for b in bases)
    users = [args for kind, args in steps if kind == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    # The user comes after the last step that needs root.
    last = max(i for i, (kind, _) in enumerate(steps) if kind == "USER")
    assert all(kind != "RUN" for kind, _ in steps[last:])


def test_the_image_installs_the_distributed_extra() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert "distributed" in extras
    assert any(kind == "RUN" and 'pip install ".[distributed]"' in args
               for kind, args in dockerfile())


def test_entrypoint_healthcheck_and_default_role() -> None:
    steps = dict(dockerfile())  # the last of each kind
    assert exec_form(steps["ENTRYPOINT"]) == [ENTRYPOINT_IN_IMAGE]
    assert exec_form(steps["CMD"])[0] in roles()
    health = steps["HEALTHCHECK"]
    assert "--timeout=" in health and " CMD " in f" {health} "
    assert exec_form(health)[:2] == [ENTRYPOINT_IN_IMAGE, "health"]


def test_every_copy_source_exists_and_is_in_the_build_context() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    kept = [line[1:].rstrip("/") for line in ignore if line.startswith("!")]
    copies = [args.split() for kind, args in dockerfile() if kind == "COPY"]
    local = [[a for a in c if not a.startswith("--")] for c in copies
             if not any(a.startswith("--from=") for a in c)]
    assert local
    for *sources, destination in local:
        for source in sources:
            path = source.rstrip("/")
            assert (ROOT / path).exists(), f"COPY {source}: not in the repository"
            assert any(fnmatch.fnmatch(path, k) for k in kept), f"{source} is dockerignored"
        if any(s.endswith("entrypoint.sh") for s in sources):
            assert destination.rstrip("/") + "/entrypoint.sh" == ENTRYPOINT_IN_IMAGE


def unit(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DEPLOY / "systemd" / name)
    return parser["Service"]


def test_worker_and_web_units_match_the_scheduler_unit() -> None:
    scheduler = unit("newsvault-scheduler.service")
    worker, web = unit("newsvault-worker@.service"), unit("newsvault-web.service")
    assert worker["ExecStart"] == "/usr/bin/env newsvault worker"
    assert web["ExecStart"].startswith("/usr/bin/env newsvault browse --host 127.0.0.1")
    # Two workers on one machine write WARC files under different host names.
    assert worker["Environment"] == "NEWSVAULT_HOSTNAME=%l-w%i"
    for service in (worker, web):
        for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "KillMode",
                    "NoNewPrivileges", "ProtectSystem", "ReadWritePaths"):
            assert service[key] == scheduler[key], key
    assert worker["TimeoutStopSec"] == scheduler["TimeoutStopSec"]
