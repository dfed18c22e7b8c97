"""The catalog on every backend it supports: each test that takes ``catalog_url`` or
``engine`` runs once on SQLite and once on PostgreSQL (a fresh database per test, copied
from the session's migrated template: see ``postgres_catalog`` in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from catalog.db import alembic_config, connect


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.server)])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty catalog at the newest schema, by URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.sqlite'}"
    return str(request.getfixturevalue("postgres_catalog"))


@pytest.fixture
def engine(catalog_url: str) -> Engine:
    return connect(catalog_url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.server)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (no migration run), for the migrations' own tests."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_databases").create("empty")
    engine = create_engine(url, poolclass=NullPool)
    yield engine
    engine.dispose()


def migrate(engine: Engine, revision: str, down: bool = False) -> None:
    """Upgrade (or downgrade) the catalog to ``revision`` with our Alembic migrations."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
