"""Article histories: versions, events (edits, deletions, reappearances), re-check state,
revisit captures, and near-duplicate signatures across outlets.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime()


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("last_checked", TS))
        batch.add_column(sa.Column("misses", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("current_version", sa.Integer))
        batch.add_column(sa.Column("deleted_at", TS))
    with op.batch_alter_table("article_captures") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False,
                                   server_default="response"))
        batch.add_column(sa.Column("version", sa.Integer))
        batch.add_column(sa.Column("etag", sa.String(255)))
        batch.add_column(sa.Column("last_modified", sa.String(64)))
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("version_sha256", sa.String(64), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_confirmed", TS, nullable=False),
        sa.Column("first_capture", sa.String(64), nullable=False),
        sa.Column("last_capture", sa.String(64), nullable=False),
        sa.Column("text_key", sa.String(512)),
        sa.UniqueConstraint("article_id", "version", name="uq_article_versions"),
    )
    op.create_table(
        "article_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("capture_id", sa.String(64)),
        sa.Column("detail", sa.JSON),
    )
    op.create_table(
        "article_lsh",
        sa.Column("band", sa.Integer, nullable=False),
        sa.Column("bucket", sa.String(40), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.PrimaryKeyConstraint("band", "bucket", "article_id"),
    )
    op.create_index("ix_article_lsh_article", "article_lsh", ["article_id"])
    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("minhash", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "article_similar",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("other_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "other_id"),
    )


def downgrade() -> None:
    for table in ("article_similar", "article_signatures", "article_lsh", "article_events",
                  "article_versions"):
        op.drop_table(table)
    with op.batch_alter_table("article_captures") as batch:
        for col in ("last_modified", "etag", "version", "kind"):
            batch.drop_column(col)
    with op.batch_alter_table("articles") as batch:
        for col in ("deleted_at", "current_version", "misses", "last_checked"):
            batch.drop_column(col)
