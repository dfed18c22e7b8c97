"""PostgreSQL full-text search: a stored tsvector over each article's folded title
(weight A) and body (weight D), with a GIN index. Existing articles are backfilled.

A no-op on SQLite, whose FTS5 table ``articles_fts`` (0001) does the same job. The text is
folded in Python (`catalog.tsvector.search_form`), so the backfill reads every article once
and writes its vector back, in batches.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from catalog import tsvector

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE articles ADD COLUMN {tsvector.COLUMN} tsvector")
    last = 0
    while True:  # by id, a batch at a time: the bodies of a large catalog do not fit in memory
        rows = conn.execute(sa.text("SELECT id, title, body FROM articles WHERE id > :last "
                                    "ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            break
        tsvector.store(conn, [(r.id, r.title, r.body) for r in rows])
        last = rows[-1].id
    # After the backfill: building the index once is faster than updating it row by row.
    op.create_index(tsvector.INDEX, "articles", [tsvector.COLUMN], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(tsvector.INDEX, table_name="articles")
    op.execute(f"ALTER TABLE articles DROP COLUMN {tsvector.COLUMN}")
