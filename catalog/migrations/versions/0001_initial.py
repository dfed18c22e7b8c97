"""The first catalog: runs, WARC files, captures, articles and their captures.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("outlet", sa.String(64), nullable=False, index=True),
        sa.Column("edition", sa.String(16)),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("host", sa.String(255)),
        sa.Column("pid", sa.Integer),
        sa.Column("args", sa.JSON),
        sa.Column("stats", sa.JSON),
        sa.Column("error", sa.Text),
        sa.Column("software", sa.String(64)),
    )
    op.create_table(
        "warc_files",
        sa.Column("filename", sa.String(255), primary_key=True),
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id")),
        sa.Column("outlet", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("records", sa.Integer),
        sa.Column("etag", sa.String(128)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stored_at", TS, nullable=False),
    )
    op.create_table(
        "captures",
        sa.Column("record_id", sa.String(64), primary_key=True),
        sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id"), index=True),
        sa.Column("outlet", sa.String(64), nullable=False),
        sa.Column("warc_type", sa.String(16), nullable=False),
        sa.Column("target_uri", sa.Text),
        sa.Column("date", TS, nullable=False),
        sa.Column("filename", sa.String(255), nullable=False, index=True),
        sa.Column("offset", sa.BigInteger, nullable=False),
        sa.Column("length", sa.BigInteger, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("content_type", sa.String(255)),
        sa.Column("block_digest", sa.String(80)),
        sa.Column("payload_digest", sa.String(80)),
        sa.Column("concurrent_to", sa.String(64)),
        sa.Column("truncated", sa.String(16)),
    )
    op.create_index("ix_captures_uri_date", "captures", ["target_uri", "date"])
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("outlet", sa.String(64), nullable=False),
        sa.Column("canonical_url", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("edition", sa.String(16)),
        sa.Column("language", sa.String(16)),
        sa.Column("title", sa.Text),
        sa.Column("authors", sa.JSON),
        sa.Column("editor_initials", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("published_utc", TS, index=True),
        sa.Column("modified", sa.String(40)),
        sa.Column("section", sa.Text),
        sa.Column("tags", sa.JSON),
        sa.Column("dateline", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("text_sha256", sa.String(64)),
        sa.Column("parser", sa.String(64)),
        sa.Column("flags", sa.JSON),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("current_capture", sa.String(64)),
        sa.UniqueConstraint("outlet", "canonical_url", name="uq_articles_outlet_canonical"),
    )
    op.create_index("ix_articles_outlet_published", "articles", ["outlet", "published_utc"])
    op.create_table(
        "article_captures",
        sa.Column("capture_id", sa.String(64), primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False,
                  index=True),
        sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id")),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("text_key", sa.String(512)),
        sa.Column("text_sha256", sa.String(64)),
        sa.Column("payload_sha256", sa.String(64)),
        sa.Column("metadata_record", sa.String(64)),
        sa.Column("provenance", sa.JSON),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Full-text index over a normalised copy of title and body (see catalog.search):
        # unicode61 drops Latin diacritics; Arabic is normalised in Python before indexing.
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5("
                   "title, body, tokenize='unicode61 remove_diacritics 2')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE articles_fts")
    for table in ("article_captures", "articles", "captures", "warc_files", "runs"):
        op.drop_table(table)
