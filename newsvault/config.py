"""Configuration: environment variables over an optional ``newsvault.toml`` over defaults.

This is the one place that reads ``NEWSVAULT_*`` variables. ``crawler/settings.py`` turns
the result into Scrapy settings; the CLI, browser and scheduler use it directly. The rest
of the code gets plain values, never a Config or a Settings object.
"""

from __future__ import annotations

import os
import socket
import tomllib
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from newsvault import __version__
from pipelines.store.options import S3Options, SpoolSettings

ENV_PREFIX = "NEWSVAULT_"


@dataclass(frozen=True)
class Config:
    """Every setting, with its default. ``env.example`` in ``deploy/`` documents each one."""

    home: Path = Path("newsvault-data")
    storage: str = ""  # URI; default: file://<home>/store
    catalog: str = ""  # SQLAlchemy URL; default: sqlite:///<home>/catalog.sqlite
    operator: str = "newsvault operator"
    contact: str = ""  # URL or e-mail put in the User-Agent so sites can reach the operator
    user_agent: str = ""  # default built from version and contact
    warc_max_size: int = 1_000_000_000
    max_body: int = 50_000_000  # bytes; larger responses are archived truncated
    extract_workers: int = -1  # -1: one per spare core; 0: extract in the crawler process
    catalog_writer: str = "auto"  # process | thread | auto (a process if a core is spare)
    obey_robots: bool = True
    proxy: str = ""
    hostname: str = ""
    # S3 storage (NEWSVAULT_STORAGE=s3://bucket/prefix); endpoint and credentials come from
    # boto3's own sources (AWS_ENDPOINT_URL, AWS_PROFILE, ...). See docs/storage.md.
    s3_addressing_style: str = "auto"  # auto | path | virtual
    s3_checksum: str = "SHA256"  # SHA256 | SHA1 | CRC32 | CRC32C | CRC64NVME | none
    s3_verify: str = "auto"  # auto | readback (download every upload again and re-hash it)
    s3_retention_mode: str = ""  # GOVERNANCE | COMPLIANCE (the bucket needs Object Lock)
    s3_retention_days: int = 0
    s3_concurrency: int = 10  # threads per multipart upload
    s3_multipart_mb: int = 8  # part size, and the size from which uploads are multipart
    upload_attempts: int = 4  # tries per object before it is left in the spool
    upload_workers: int = 4  # objects uploaded at once
    recheck_window: float = 7.0  # days: younger articles are re-checked on every run
    recheck_steps: str = "30:1,365:7,*:30"  # below AGE days, re-check every N days
    deletion_misses: int = 3  # consecutive 5xx/timeouts that count as a deletion
    alert_command: str = ""  # run with an alert's JSON on stdin (split like a shell; no shell)
    alert_webhook: str = ""  # URL POSTed an alert's JSON
    alert_zero_runs: int = 3  # alert when N runs in a row store no new article (0: never)
    browse_token: str = ""  # required by `newsvault browse` off loopback (Bearer or ?token=)
    # Distributed mode (redis://host:6379/0): crawls seed a shared scrapy-redis frontier and
    # `newsvault worker` processes on any machine fetch from it. Empty: one machine, no Redis.
    redis_url: str = ""
    worker_heartbeat: int = 30  # seconds of silence before a worker's requests go to others

    @property
    def storage_uri(self) -> str:
        return self.storage or (self.home.resolve() / "store").as_uri()

    @property
    def catalog_url(self) -> str:
        return self.catalog or f"sqlite:///{(self.home / 'catalog.sqlite').resolve()}"

    @property
    def spool_dir(self) -> Path:
        """Local working area: open WARC files, quarantine, upload spool."""
        return self.home / "spool"

    @property
    def s3_options(self) -> S3Options:
        """The S3 settings as the store takes them (ValueError names a bad value)."""
        return S3Options(self.s3_addressing_style, self.s3_checksum, self.s3_verify,
                         self.s3_retention_mode, self.s3_retention_days, self.s3_concurrency,
                         self.s3_multipart_mb)

    @property
    def spool_settings(self) -> SpoolSettings:
        """Where objects wait for their upload, and how hard uploads are tried."""
        return SpoolSettings(self.spool_dir / "upload", attempts=max(1, self.upload_attempts),
                             workers=max(1, self.upload_workers))

    @property
    def agent(self) -> str:
        if self.user_agent:
            return self.user_agent
        contact = f"+{self.contact}" if self.contact else "no contact configured"
        return f"newsvault/{__version__} (web archiving; {contact})"

    @property
    def host(self) -> str:
        return self.hostname or _hostname()


@cache  # asked for every capture's provenance; a system call each time showed up
def _hostname() -> str:
    return socket.gethostname()


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, Path):
        return Path(value)
    return value


def load(env: dict[str, str] | None = None, file: Path | None = None) -> Config:
    """Defaults, then ``newsvault.toml`` (``NEWSVAULT_CONFIG`` or ./newsvault.toml), then env."""
    env = dict(os.environ) if env is None else env
    config = Config()
    path = file or Path(env.get(f"{ENV_PREFIX}CONFIG", "newsvault.toml"))
    values: dict[str, Any] = {}
    if path.is_file():
        with path.open("rb") as fh:
            values.update(tomllib.load(fh).get("newsvault", {}))
    for f in fields(Config):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw is not None and raw != "":
            values[f.name] = raw
    unknown = set(values) - {f.name for f in fields(Config)}
    if unknown:
        raise ValueError(f"unknown setting(s) in {path}: {', '.join(sorted(unknown))}; "
                         f"see deploy/env.example for the valid names")
    typed = {k: _coerce(str(v), getattr(config, k)) if isinstance(v, str) else v
             for k, v in values.items()}
    return replace(config, **typed)


def to_settings(config: Config) -> dict[str, Any]:
    """The config as Scrapy settings (``NEWSVAULT_<FIELD>``), so ``scrapy crawl`` and
    ``newsvault crawl`` run with the same values."""
    return {ENV_PREFIX + f.name.upper(): getattr(config, f.name) for f in fields(Config)}


def config_from_settings(settings: Any) -> Config:
    """The Config a crawl runs with, back from its Scrapy settings."""
    values = {f.name: settings.get(ENV_PREFIX + f.name.upper()) for f in fields(Config)}
    return replace(Config(), **{k: v for k, v in values.items() if v is not None})
