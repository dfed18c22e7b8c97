"""Objects: every stored object with its key, size, SHA-256, ETag and upload time.

Rows for objects stored before this revision are backfilled from ``warc_files`` and
``article_captures`` (text documents: size unknown, so NULL).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "objects",
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("outlet", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("etag", sa.String(128)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("store", sa.String(512)),
        sa.Column("verified_by", sa.String(32)),
        sa.Column("spooled_at", TS),
        sa.Column("stored_at", TS),
        sa.Column("retain_until", TS),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_objects_outlet", "objects", ["outlet"])
    op.create_index("ix_objects_status", "objects", ["status"])
    op.execute(
        "INSERT INTO objects (key, kind, outlet, size, sha256, etag, status, stored_at) "
        "SELECT key, 'warc', outlet, size, sha256, etag, 'stored', stored_at FROM warc_files")
    op.execute(
        "INSERT INTO objects (key, kind, outlet, sha256, status, stored_at) "
        "SELECT c.text_key, 'text', a.outlet, c.text_sha256, 'stored', c.fetched_at "
        "FROM article_captures c JOIN articles a ON a.id = c.article_id "
        "WHERE c.text_key IS NOT NULL AND c.text_sha256 IS NOT NULL "
        "AND c.text_key NOT IN (SELECT key FROM objects)")


def downgrade() -> None:
    op.drop_index("ix_objects_status", "objects")
    op.drop_index("ix_objects_outlet", "objects")
    op.drop_table("objects")
