"""Indexes for the web UI's filtered lists, counts and overview on large catalogs.

Without them, filtering articles by language, edition or status, counting edited
articles, or summing captures per day reads every row of ``articles`` (its rows hold the
text) or ``captures``: about half a second each on 100,000 articles.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_articles_language_published", "articles", ["language", "published_utc"]),
    ("ix_articles_edition_published", "articles", ["edition", "published_utc"]),
    ("ix_articles_status_published", "articles", ["status", "published_utc"]),
    ("ix_article_events_kind", "article_events", ["kind", "article_id"]),
    ("ix_captures_outlet_date", "captures", ["outlet", "date", "warc_type"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
