"""Health probes and catalog migration for the newsvault image (run by deploy/entrypoint.sh).

    probe.py migrate          bring the catalog to the newest schema; for an s3:// store,
                              create the bucket when it is missing (with Object Lock when
                              NEWSVAULT_S3_RETENTION_MODE is set)
    probe.py health           the catalog (reachable, at the newest schema), Redis (when
                              NEWSVAULT_REDIS_URL is set) and the store: what a worker or the
                              scheduler needs; for Docker HEALTHCHECK and Kubernetes probes
    probe.py health web [URL] GET the UI's /healthz (default http://127.0.0.1:8080/healthz),
                              with the NEWSVAULT_BROWSE_TOKEN as a Bearer token

Exit 0 when everything answers, 1 with one line per problem on stderr (each naming the
setting to check). Settings come from newsvault.config, like every newsvault command.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from newsvault import config as nvconfig

TIMEOUT = 5  # seconds per dependency: Docker's and Kubernetes' probe timeouts are ~10 s
WEB_URL = "http://127.0.0.1:8080/healthz"
Check = Callable[[], str | None]  # None: fine; else the problem, in one line


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def shown(url: str) -> str:
    """A database or Redis URL with its password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def _engine(url: str) -> Engine:
    args = {"connect_timeout": TIMEOUT} if url.startswith("postgresql") else {}
    return create_engine(url, connect_args=args)


def catalog_check(url: str) -> str | None:
    """The catalog answers and is at the newest schema (a probe never migrates)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from catalog.db import alembic_config

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return (f"catalog: {url.removeprefix('sqlite:///')} does not exist; run the "
                "`migrate` role first, or set NEWSVAULT_CATALOG")
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        return (f"catalog: cannot reach {shown(url)} ({_first_line(exc)}); check "
                "NEWSVAULT_CATALOG and that its database is running")
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if current != head:
        return (f"catalog: schema at revision {current or 'none'}, newest is {head}; "
                "run the `migrate` role")
    return None


def redis_check(url: str) -> str | None:
    """Redis (the shared frontier) answers PING."""
    try:
        import redis
    except ImportError:
        return ("redis: NEWSVAULT_REDIS_URL is set but the redis package is missing: "
                "pip install 'newsvault[distributed]'")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT,
                                      socket_timeout=TIMEOUT)
        client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        return (f"redis: cannot reach {shown(url)} ({_first_line(exc)}); check "
                "NEWSVAULT_REDIS_URL and that Redis is running")
    return None


def _s3_store(config: nvconfig.Config) -> Any:
    from pipelines.storage import store_from_uri

    return store_from_uri(config.storage_uri, config.s3_options)


def store_check(config: nvconfig.Config) -> str | None:
    """An s3:// bucket answers HEAD; a local store's directory can be written."""
    uri = config.storage_uri
    if not uri.startswith("s3://"):
        from urllib.parse import unquote, urlsplit

        path = Path(unquote(urlsplit(uri).path))
        existing = next(p for p in (path, *path.parents) if p.exists())
        if not os.access(existing, os.W_OK):
            return f"store: {existing} is not writable; check NEWSVAULT_STORAGE"
        return None
    try:
        store = _s3_store(config)
        store.client.head_bucket(Bucket=store.bucket)
    except Exception as exc:
        return (f"store: cannot reach {uri} ({_first_line(exc)}); check NEWSVAULT_STORAGE, "
                "AWS_ENDPOINT_URL and the AWS credentials")
    return None


def web_check(url: str, token: str) -> str | None:
    """The UI answers ``/healthz`` with ``{"ok": true}``."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = json.load(response)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()[:200]
        return f"web: {url} answered {exc.code}: {detail}"
    except (OSError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        return f"web: cannot reach {url} ({reason}); is `newsvault browse` running?"
    return None if body.get("ok") is True else f"web: {url} reports {body}"


def health(role: str, url: str) -> int:
    """Run the role's checks; print one line per problem. The exit status."""
    config = nvconfig.load()
    checks: dict[str, Check]
    if role == "web":
        checks = {"web": lambda: web_check(url, config.browse_token)}
    else:
        checks = {"catalog": lambda: catalog_check(config.catalog_url),
                  "store": lambda: store_check(config)}
        if config.redis_url:  # distributed mode: the shared frontier
            checks["redis"] = lambda: redis_check(config.redis_url)
    problems = [p for p in (check() for check in checks.values()) if p]
    for problem in problems:
        print(f"newsvault health: {problem}", file=sys.stderr)
    if not problems:
        print(f"newsvault health: ok ({', '.join(checks)})")
    return 1 if problems else 0


def ensure_bucket(config: nvconfig.Config) -> str:
    """Create the s3:// store's bucket when it is missing; what was done, in one line."""
    from botocore.exceptions import ClientError

    store = _s3_store(config)
    client, bucket = store.client, store.bucket
    try:
        client.head_bucket(Bucket=bucket)
        return f"bucket {bucket}: exists"
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) not in {"404", "NoSuchBucket"}:
            raise
    args: dict[str, Any] = {"Bucket": bucket}
    region = client.meta.region_name
    if region and region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if config.s3_retention_mode:
        args["ObjectLockEnabledForBucket"] = True  # only possible when a bucket is created
    client.create_bucket(**args)
    locked = " with Object Lock" if config.s3_retention_mode else ""
    return f"bucket {bucket}: created{locked}"


def migrate() -> int:
    """Migrate the catalog, then make sure the store's bucket exists. The exit status."""
    from catalog.db import connect

    config = nvconfig.load()
    try:
        connect(config.catalog_url).dispose()
    except SQLAlchemyError as exc:
        print(f"newsvault migrate: cannot migrate {shown(config.catalog_url)} "
              f"({_first_line(exc)}); check NEWSVAULT_CATALOG and that its database is "
              "running", file=sys.stderr)
        return 1
    print(f"newsvault migrate: catalog {shown(config.catalog_url)} is at the newest schema")
    if config.storage_uri.startswith("s3://"):
        try:
            print(f"newsvault migrate: {ensure_bucket(config)}")
        except Exception as exc:
            print(f"newsvault migrate: cannot prepare {config.storage_uri} "
                  f"({_first_line(exc)}); check NEWSVAULT_STORAGE, AWS_ENDPOINT_URL and the "
                  "AWS credentials (creating a bucket needs s3:CreateBucket)", file=sys.stderr)
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="probe.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("migrate", help="migrate the catalog; create the S3 bucket if missing")
    check = sub.add_parser("health", help="exit 0 when the role's dependencies answer")
    check.add_argument("role", nargs="?", default="worker",
                       choices=["web", "worker", "scheduler"])
    check.add_argument("url", nargs="?", default=WEB_URL, help="web only: the /healthz URL")
    args = parser.parse_args(argv)
    try:
        return migrate() if args.action == "migrate" else health(args.role, args.url)
    except ValueError as exc:  # a bad setting: newsvault.config names it
        print(f"newsvault {args.action}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
