"""Catalog tables (SQLAlchemy Core). Alembic migrations in ``catalog/migrations`` create
them; this module is what queries are written against.

All times are UTC. ``captures`` has one row per WARC record, so every byte the archive
holds can be found from the catalog; ``articles`` holds each article's current text and
``article_captures`` each extraction with its provenance.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the catalog; use UTC-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("id", String(64), primary_key=True),
    Column("outlet", String(64), nullable=False, index=True),
    Column("edition", String(16)),
    Column("trigger", String(16), nullable=False),  # manual | schedule | cron
    Column("status", String(16), nullable=False),  # running | ok | failed | interrupted
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("host", String(255)),
    Column("pid", Integer),
    Column("args", JSON),
    Column("stats", JSON),
    Column("error", Text),
    Column("software", String(64)),
)

warc_files = Table(
    "warc_files", metadata,
    Column("filename", String(255), primary_key=True),
    Column("key", String(512), nullable=False),
    Column("run_id", String(64), ForeignKey("runs.id")),
    Column("outlet", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("records", Integer),
    Column("etag", String(128)),
    Column("status", String(16), nullable=False),  # stored | recovered
    Column("stored_at", UTCDateTime, nullable=False),
)

captures = Table(
    "captures", metadata,
    Column("record_id", String(64), primary_key=True),
    Column("run_id", String(64), ForeignKey("runs.id"), index=True),
    Column("outlet", String(64), nullable=False),
    Column("warc_type", String(16), nullable=False),
    Column("target_uri", Text),
    Column("date", UTCDateTime, nullable=False),
    Column("filename", String(255), nullable=False, index=True),
    Column("offset", BigInteger, nullable=False),
    Column("length", BigInteger, nullable=False),
    Column("status", Integer),
    Column("content_type", String(255)),
    Column("block_digest", String(80)),
    Column("payload_digest", String(80)),
    Column("concurrent_to", String(64)),
    Column("truncated", String(16)),
    Index("ix_captures_uri_date", "target_uri", "date"),
)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("outlet", String(64), nullable=False),
    Column("canonical_url", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("edition", String(16)),
    Column("language", String(16)),
    Column("title", Text),
    Column("authors", JSON),
    Column("editor_initials", Text),
    Column("published", String(40)),  # ISO 8601 with the outlet's offset, as extracted
    Column("published_utc", UTCDateTime, index=True),
    Column("modified", String(40)),
    Column("section", Text),
    Column("tags", JSON),
    Column("dateline", Text),
    Column("body", Text),
    Column("text_sha256", String(64)),
    Column("parser", String(64)),
    Column("flags", JSON),
    Column("status", String(16), nullable=False),  # live | deleted
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("current_capture", String(64)),
    UniqueConstraint("outlet", "canonical_url", name="uq_articles_outlet_canonical"),
    Index("ix_articles_outlet_published", "outlet", "published_utc"),
)

article_captures = Table(
    "article_captures", metadata,
    Column("capture_id", String(64), primary_key=True),  # the response record's id
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False, index=True),
    Column("run_id", String(64), ForeignKey("runs.id")),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Integer),
    Column("text_key", String(512)),
    Column("text_sha256", String(64)),
    Column("payload_sha256", String(64)),
    Column("metadata_record", String(64)),
    Column("provenance", JSON),
)
