"""What views share: the catalog engine, the store and the settings, kept on the app."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Engine
from starlette.requests import Request

from browse.settings import BrowseSettings
from pipelines.storage import Store


def engine(request: Request) -> Engine:
    """The catalog engine (a pooled, thread-safe SQLAlchemy engine)."""
    return cast(Engine, request.app.state.engine)


def store(request: Request) -> Store:
    """The store the WARC records are read from (local directory or S3)."""
    return cast(Store, request.app.state.store)


def settings(request: Request) -> BrowseSettings:
    """The settings the app was created with."""
    return cast(BrowseSettings, request.app.state.settings)
