"""Opening the catalog: engine set-up per backend, and migrations to the latest schema."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

_engines: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the web UI read while a crawl writes; NORMAL sync is durable across process
    # crashes (only an OS crash can lose the last commits, and the WARCs still hold them).
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def alembic_config() -> AlembicConfig:
    # Alembic is imported when a catalog is migrated, not by every process that opens one
    # (a crawl's helper processes open it migrated already).
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(resources.files("catalog") / "migrations"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the catalog to the newest schema (idempotent; safe to run at every start)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def connect(url: str, migrate: bool = True) -> Engine:
    """An engine for the catalog at ``url``, migrated to the latest schema.

    One engine per URL per process; SQLite directories are created on demand.
    """
    if url in _engines:
        return _engines[url]
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    _engines[url] = engine
    return engine


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
