"""MinHash signatures over the new shingle hash: every stored signature, its LSH bands and
its near-duplicate links are computed again, from each article's current text.

The shingle hash changed from the SHA-1 of each word 5-gram to a mix of the 5-gram's word
hashes (`catalog.minhash.shingle_hash`), which a worker computes in one numpy pass: the old
signatures cannot be compared with new ones. This revision stores the new signatures;
0007, which always follows it, builds their LSH bands and near-duplicate links. (As first
written, 0006 also indexed them, through `catalog.similar`, whose table 0007 changes.)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from catalog import schema
from catalog.minhash import folded_signature
from catalog.textnorm import fold

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    conn = op.get_bind()
    for table in (schema.article_similar, schema.article_lsh, schema.article_signatures):
        conn.execute(table.delete())
    A = schema.articles
    last = 0
    while True:  # a batch at a time: the bodies of a large catalog do not fit in memory
        rows = conn.execute(sa.select(A.c.id, A.c.body)
                            .where((A.c.id > last) & A.c.body.is_not(None))
                            .order_by(A.c.id).limit(BATCH)).all()
        if not rows:
            break
        signed = [{"article_id": r.id, "minhash": sig} for r in rows
                  if (sig := folded_signature(fold(r.body))) is not None]
        if signed:
            conn.execute(sa.insert(schema.article_signatures), signed)
        last = rows[-1].id


def downgrade() -> None:
    """The old signatures are not kept: going back leaves articles without one until they
    are captured again (matching then resumes for them)."""
    conn = op.get_bind()
    for table in (schema.article_similar, schema.article_lsh, schema.article_signatures):
        conn.execute(table.delete())
