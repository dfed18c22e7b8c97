"""Near-duplicate articles across outlets (syndication), by MinHash over word shingles.

The signature is computed where the text is extracted (a worker process); matching runs in
the catalog: LSH bands are rows in ``article_lsh``, so candidates come from an indexed
query, and their stored signatures estimate the Jaccard similarity that decides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from sqlalchemy import Connection, delete, insert, select, tuple_

from catalog import schema
from catalog.textnorm import fold

PERMUTATIONS = 128
BANDS, ROWS = 32, 4  # candidate pairs from a Jaccard of about 0.4 upwards
SHINGLE = 5  # words: a shared phrase of five words is not yet a shared text
THRESHOLD = 0.5  # estimated Jaccard at which two texts are the same story's copies
MIN_SHINGLES = 20  # shorter texts say too little to be matched


def shingles(paragraphs: Sequence[str]) -> set[bytes]:
    words = fold(" ".join(paragraphs)).split()
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(paragraphs: Sequence[str]) -> bytes | None:
    """The MinHash of a text (fixed seed, so signatures from any process compare)."""
    grams = shingles(paragraphs)
    if len(grams) < MIN_SHINGLES:
        return None
    # Imported here: datasketch pulls in scipy (~0.6 s), needed only where text is extracted.
    from datasketch import LeanMinHash, MinHash

    mh = MinHash(num_perm=PERMUTATIONS, seed=1)
    mh.update_batch(list(grams))
    return bytes(LeanMinHash(mh).hashvalues.astype("<u8").tobytes())


def _values(sig: bytes) -> np.ndarray:
    return np.frombuffer(sig, dtype="<u8")


def similarity(a: bytes, b: bytes) -> float:
    return float(np.mean(_values(a) == _values(b)))


def _buckets(sig: bytes) -> list[tuple[int, str]]:
    values = _values(sig)
    return [(band, hashlib.sha1(values[band * ROWS:(band + 1) * ROWS].tobytes()).hexdigest())
            for band in range(BANDS)]


def index_and_match(conn: Connection, article_id: int, outlet: str,
                    sig: bytes) -> list[tuple[int, float]]:
    """(Re)index the article's signature and link it to its copies on other outlets."""
    S, L, P, A = (schema.article_signatures, schema.article_lsh, schema.article_similar,
                  schema.articles)
    buckets = _buckets(sig)
    conn.execute(delete(S).where(S.c.article_id == article_id))
    conn.execute(delete(L).where(L.c.article_id == article_id))
    conn.execute(delete(P).where((P.c.article_id == article_id) | (P.c.other_id == article_id)))
    conn.execute(insert(S).values(article_id=article_id, minhash=sig))
    conn.execute(insert(L), [{"band": b, "bucket": h, "article_id": article_id}
                             for b, h in buckets])
    # One query for all bands (the primary key indexes (band, bucket)).
    hits = set(conn.execute(select(L.c.article_id).where(
        tuple_(L.c.band, L.c.bucket).in_(buckets) & (L.c.article_id != article_id)))
        .scalars())
    if not hits:
        return []
    candidates = conn.execute(select(S.c.article_id, S.c.minhash).join(
        A, A.c.id == S.c.article_id).where(S.c.article_id.in_(hits) & (A.c.outlet != outlet)))
    matches = [(int(other), similarity(sig, other_sig)) for other, other_sig in candidates]
    matches = [(o, s) for o, s in matches if s >= THRESHOLD]
    for other, score in matches:
        conn.execute(insert(P), [{"article_id": article_id, "other_id": other,
                                  "similarity": score},
                                 {"article_id": other, "other_id": article_id,
                                  "similarity": score}])
    return matches


def also_published(conn: Connection, article_id: int) -> list[dict[str, object]]:
    """The article's copies on other outlets, most similar first."""
    P, A = schema.article_similar, schema.articles
    rows = conn.execute(select(A.c.id, A.c.outlet, A.c.title, A.c.canonical_url,
                               P.c.similarity).join(P, P.c.other_id == A.c.id)
                        .where(P.c.article_id == article_id).order_by(P.c.similarity.desc()))
    return [dict(r._mapping) for r in rows]
