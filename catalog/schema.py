"""Catalog tables (SQLAlchemy Core). Alembic migrations in ``catalog/migrations`` create
them; this module is what queries are written against.

All times are UTC. ``captures`` has one row per WARC record, so every byte the archive
holds can be found from the catalog; ``articles`` holds each article's current text and
``article_captures`` each extraction with its provenance.

Full-text search lives outside these tables, in a form per backend: on SQLite the FTS5 table
``articles_fts`` (migration 0001), on PostgreSQL the column ``articles.search_vector``, a
tsvector with its GIN index (migration 0005). Neither is declared here, so that
``select(articles)`` gives the same columns on both; `catalog.writer.index_text` keeps them
in step with the text, and `catalog.search` and `catalog.tsvector` read them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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
    # running | ok | failed | interrupted | skipped (outlet busy) | missed (fired too late)
    Column("status", String(16), nullable=False),
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
    Index("ix_captures_outlet_date", "outlet", "date", "warc_type"),  # migration 0004's
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
    Column("last_checked", UTCDateTime),
    Column("misses", Integer, nullable=False, server_default="0"),  # consecutive 5xx/timeouts
    Column("current_version", Integer),
    Column("deleted_at", UTCDateTime),
    UniqueConstraint("outlet", "canonical_url", name="uq_articles_outlet_canonical"),
    Index("ix_articles_outlet_published", "outlet", "published_utc"),
    # Migration 0004's, for the web UI's filtered lists and counts.
    Index("ix_articles_language_published", "language", "published_utc"),
    Index("ix_articles_edition_published", "edition", "published_utc"),
    Index("ix_articles_status_published", "status", "published_utc"),
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
    Column("kind", String(16), nullable=False, server_default="response"),  # response |
    # revisit | gone | miss: what this check of the article found
    Column("version", Integer),
    Column("etag", String(255)),
    Column("last_modified", String(64)),
)

article_versions = Table(
    "article_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", Text),
    Column("body", Text),
    Column("version_sha256", String(64), nullable=False),  # of title + paragraphs
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_confirmed", UTCDateTime, nullable=False),
    Column("first_capture", String(64), nullable=False),  # the capture that proves it
    Column("last_capture", String(64), nullable=False),
    Column("text_key", String(512)),
    UniqueConstraint("article_id", "version", name="uq_article_versions"),
)

article_events = Table(
    "article_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # edited | deleted | reappeared
    Column("at", UTCDateTime, nullable=False),
    Column("capture_id", String(64)),
    Column("detail", JSON),
    Index("ix_article_events_kind", "kind", "article_id"),  # migration 0004's
)

# MinHash LSH over article text, in SQL: a band's bucket shared by two articles makes them
# candidates; their stored signatures then estimate the similarity. A bucket is a 64-bit
# hash of the band's number and values (`catalog.similar`, migration 0007), so one integer
# key finds every band's candidates; without a rowid, SQLite keeps one B-tree for the rows.
article_lsh = Table(
    "article_lsh", metadata,
    Column("bucket", BigInteger, primary_key=True, autoincrement=False),
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Index("ix_article_lsh_article", "article_id"),
    sqlite_with_rowid=False,
)

article_signatures = Table(
    "article_signatures", metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("minhash", LargeBinary, nullable=False),
)

article_similar = Table(
    "article_similar", metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("other_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("similarity", Float, nullable=False),
)

# Every object the archive holds (WARC files, text and provenance documents) and where its
# upload stands. It is also the spool's journal: a row is written as "spooled", with the
# SHA-256 computed when the bytes were made, before the upload is queued; it becomes
# "stored" once the store's copy is confirmed. Migration 0002.
objects = Table(
    "objects", metadata,
    Column("key", String(512), primary_key=True),
    Column("kind", String(16), nullable=False),  # warc | text | provenance
    Column("outlet", String(64), nullable=False, index=True),
    Column("size", BigInteger),  # NULL only for rows backfilled from before 0002
    Column("sha256", String(64), nullable=False),
    Column("etag", String(128)),
    Column("status", String(16), nullable=False, index=True),  # spooled | stored | quarantined
    Column("store", String(512)),  # the store URI it was confirmed in
    Column("verified_by", String(32)),  # local | sha256 | etag | readback (+readback)
    Column("spooled_at", UTCDateTime),
    Column("stored_at", UTCDateTime),  # upload time: when the store's copy was confirmed
    Column("retain_until", UTCDateTime),  # S3 Object Lock retention
    Column("error", Text),
)
