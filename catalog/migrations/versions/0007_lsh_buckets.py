"""LSH buckets as 64-bit integers: ``article_lsh`` becomes (bucket, article_id), without a
rowid on SQLite, and every stored signature is indexed and linked again.

A bucket was (band, SHA-1 hex of the band's values): 32 rows of two text keys per article,
in three B-trees, and a query per band to find candidates. It is now one BIGINT, a hash of
the band's number and values (`catalog.similar._buckets`): the rows are a third of the size
and a batch's candidates come from a few primary-key lookups. Signatures are unchanged, so
the links found are the same; they are rebuilt in id order, as the crawls made them (each
article meets those indexed before it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from catalog import schema
from catalog.similar import Signed, index_and_match_many

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 500


def _create(columns: list[sa.Column], key: list[str], **kwargs: Any) -> None:
    op.create_table("article_lsh", *columns, sa.PrimaryKeyConstraint(*key), **kwargs)
    op.create_index("ix_article_lsh_article", "article_lsh", ["article_id"])


def _article_id() -> sa.Column:
    return sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False)


def upgrade() -> None:
    op.drop_table("article_lsh")
    _create([sa.Column("bucket", sa.BigInteger, nullable=False, autoincrement=False),
             _article_id()], ["bucket", "article_id"], sqlite_with_rowid=False)
    _index_again()


def downgrade() -> None:
    """Back to (band, bucket) rows, left empty: 0006's code is gone, so its bands cannot be
    computed here; articles are matched again as they are captured."""
    op.drop_table("article_lsh")
    _create([sa.Column("band", sa.Integer, nullable=False),
             sa.Column("bucket", sa.String(40), nullable=False), _article_id()],
            ["band", "bucket", "article_id"])
    op.get_bind().execute(schema.article_similar.delete())


def _index_again() -> None:
    """Every signature's bands and links, a batch at a time, in article id order."""
    conn = op.get_bind()
    conn.execute(schema.article_similar.delete())
    S, A = schema.article_signatures, schema.articles
    last = 0
    while True:
        rows = conn.execute(sa.select(S.c.article_id, A.c.outlet, S.c.minhash)
                            .join(A, A.c.id == S.c.article_id)
                            .where(S.c.article_id > last)
                            .order_by(S.c.article_id).limit(BATCH)).all()
        if not rows:
            break
        index_and_match_many(conn, [Signed(r.article_id, r.outlet, bytes(r.minhash))
                                    for r in rows])
        last = rows[-1].article_id
