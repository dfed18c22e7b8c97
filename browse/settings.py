"""What the web UI needs to know, as plain values (built from `newsvault.config.Config`)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from newsvault.config import Config
from pipelines.store.options import S3Options

TOKEN_ENV = "NEWSVAULT_BROWSE_TOKEN"


@dataclass(frozen=True)
class BrowseSettings:
    """The catalog and store to read, the access token (empty: none), and who operates
    the archive (named in exports)."""

    catalog_url: str
    storage_uri: str
    token: str = ""
    operator: str = "newsvault operator"
    s3: S3Options | None = None
    per_page: int = 50

    @classmethod
    def from_config(cls, config: Config) -> BrowseSettings:
        """The settings of a loaded configuration."""
        return cls(config.catalog_url, config.storage_uri, config.browse_token,
                   config.operator, config.s3_options)


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str) -> str | None:
    """Why the UI must not listen on ``host`` (None when it may)."""
    if is_loopback(host) or token:
        return None
    return (f"refusing to listen on {host} without an access token: set {TOKEN_ENV} "
            "(a long random string, e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'`), or bind to 127.0.0.1")
