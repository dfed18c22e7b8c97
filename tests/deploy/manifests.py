"""Reading deploy/: the entrypoint's roles, the Dockerfile's instructions, the YAML files,
and which environment variables are real newsvault settings."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from newsvault.config import ENV_PREFIX, Config
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
ENTRYPOINT = DEPLOY / "entrypoint.sh"
K8S = DEPLOY / "k8s"
# Variables boto3 reads itself (docs/storage.md): the S3 endpoint, region and credentials.
BOTO3 = re.compile(r"AWS_[A-Z0-9_]+")
# Names whose values are credentials, or URLs that carry one.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|ACCESS_KEY|NEWSVAULT_CATALOG|REDIS_URL|AUTH")


def roles() -> set[str]:
    """The roles deploy/entrypoint.sh declares (its ROLES line)."""
    found = re.search(r'^ROLES="([^"]+)"', ENTRYPOINT.read_text(), re.M)
    assert found, "deploy/entrypoint.sh lost its ROLES line"
    return set(found.group(1).split())


def case_branches() -> set[str]:
    """The patterns of the entrypoint's `case "$role"` branches."""
    body = ENTRYPOINT.read_text().split('case "$role" in', 1)[1].split("esac", 1)[0]
    return {p for m in re.finditer(r"^\s{4}([^\s)]+)\)", body, re.M) for p in m[1].split("|")}


def settings() -> set[str]:
    """Every NEWSVAULT_* name newsvault reads: Config's fields, env.example's entries, and
    NEWSVAULT_CONFIG (where newsvault.toml is)."""
    names = {ENV_PREFIX + f.name.upper() for f in fields(Config)} | {ENV_PREFIX + "CONFIG"}
    example = (DEPLOY / "env.example").read_text()
    return names | set(re.findall(r"^#?(NEWSVAULT_[A-Z0-9_]+)=", example, re.M))


def is_newsvault_variable(name: str) -> bool:
    """What a newsvault container may be given: a newsvault setting, or boto3's own."""
    return name in settings() or bool(BOTO3.fullmatch(name))


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in lines if line and not line.startswith("#")]


def exec_form(arguments: str) -> list[str]:
    """The JSON array of an exec-form instruction (ENTRYPOINT, CMD, HEALTHCHECK ... CMD)."""
    return list(json.loads(arguments[arguments.index("["):]))


def compose() -> dict[str, Any]:
    data = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of an env file (comments and blank lines skipped)."""
    pairs = (line.split("=", 1) for line in path.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


def k8s_documents() -> list[tuple[Path, dict[str, Any]]]:
    """Every Kubernetes object in deploy/k8s, with its file (kustomization.yaml is not one)."""
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc["kind"] != "Kustomization":
                found.append((path, doc))
    return found


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The pod template's spec of a Deployment, StatefulSet or Job (None for other kinds)."""
    if doc["kind"] in {"Deployment", "StatefulSet", "Job"}:
        return dict(doc["spec"]["template"]["spec"])
    return None
