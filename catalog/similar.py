"""Near-duplicate articles across outlets (syndication), by MinHash over word shingles.

The signature is computed where the text is extracted (a worker process); matching runs in
the catalog: LSH bands are rows in ``article_lsh``, so candidates come from an indexed
query, and their stored signatures estimate the Jaccard similarity that decides.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, insert, select

from catalog import schema
from catalog.minhash import similarity

BANDS, ROWS = 32, 4  # candidate pairs from a Jaccard of about 0.4 upwards
THRESHOLD = 0.5  # estimated Jaccard at which two texts are the same story's copies


_BAND_BYTES = ROWS * 8  # a signature stores each of its values in 8 bytes


def _buckets(sig: bytes) -> list[int]:
    """One bucket per band: BLAKE2b of the band's number and its values, as a signed 64-bit
    integer (what SQLite and PostgreSQL store in a BIGINT). Equal buckets mean equal bands,
    but for collisions, at about 2^-64 a pair."""
    return [int.from_bytes(hashlib.blake2b(
        sig[band * _BAND_BYTES:(band + 1) * _BAND_BYTES], digest_size=8,
        salt=band.to_bytes(16, "little")).digest(), "little", signed=True)
        for band in range(BANDS)]


@dataclass(frozen=True)
class Signed:
    """An article's MinHash signature, to index and match."""

    article_id: int
    outlet: str
    sig: bytes


def index_and_match(conn: Connection, article_id: int, outlet: str,
                    sig: bytes) -> list[tuple[int, float]]:
    """(Re)index the article's signature and link it to its copies on other outlets."""
    return index_and_match_many(conn, [Signed(article_id, outlet, sig)])[0]


def _reindex(conn: Connection, batch: Sequence[Signed]) -> list[list[int]]:
    """Replace the batch's signatures, bands and links; returns each one's buckets."""
    S, L, P = schema.article_signatures, schema.article_lsh, schema.article_similar
    ids = [s.article_id for s in batch]
    conn.execute(delete(S).where(S.c.article_id.in_(ids)))
    conn.execute(delete(L).where(L.c.article_id.in_(ids)))
    conn.execute(delete(P).where(P.c.article_id.in_(ids) | P.c.other_id.in_(ids)))
    conn.execute(_INSERT_SIGNATURE, [{"article_id": s.article_id, "minhash": s.sig}
                                     for s in batch])
    buckets = [_buckets(s.sig) for s in batch]
    # A set per article: two of its bands hashing alike would repeat a primary key.
    conn.execute(_INSERT_BAND, [{"bucket": h, "article_id": s.article_id}
                                for s, bs in zip(batch, buckets, strict=True) for h in set(bs)])
    return buckets


_IN_BUCKETS = (select(schema.article_lsh.c.bucket, schema.article_lsh.c.article_id)
               .where(schema.article_lsh.c.bucket.in_(bindparam("buckets", expanding=True))))
_PER_QUERY = 900  # bound parameters per statement, under any SQLite build's limit


def _sharing(conn: Connection, buckets: list[int]) -> dict[int, set[int]]:
    """The articles in each of these LSH buckets: primary-key lookups, a few hundred buckets
    a statement (a batch of 100 articles has 3,200)."""
    wanted = sorted(set(buckets))
    found: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(wanted), _PER_QUERY):
        for bucket, article in conn.execute(_IN_BUCKETS,
                                            {"buckets": wanted[start:start + _PER_QUERY]}):
            found[int(bucket)].add(int(article))
    return found


def _signatures(conn: Connection, ids: list[int]) -> dict[int, tuple[str, bytes]]:
    """(outlet, signature) of each of these articles."""
    S, A, found = schema.article_signatures, schema.articles, {}
    for start in range(0, len(ids), 500):
        found.update({int(r.article_id): (r.outlet, r.minhash) for r in conn.execute(
            select(S.c.article_id, A.c.outlet, S.c.minhash).join(A, A.c.id == S.c.article_id)
            .where(S.c.article_id.in_(ids[start:start + 500])))})
    return found


def index_and_match_many(conn: Connection,
                         batch: Sequence[Signed]) -> list[list[tuple[int, float]]]:
    """`index_and_match` for distinct articles in a few statements: the links come out as
    if they had been indexed one after another, in order. Returns each one's matches."""
    if not batch:
        return []
    buckets = _reindex(conn, batch)
    sharing = _sharing(conn, [b for bs in buckets for b in bs])
    order = {s.article_id: i for i, s in enumerate(batch)}
    # Sequential semantics: an article meets those indexed before it, not those after.
    hits = [{o for b in bs for o in sharing[b] if order.get(o, -1) < i and o != s.article_id}
            for i, (s, bs) in enumerate(zip(batch, buckets, strict=True))]
    others = _signatures(conn, sorted(set().union(*hits)))
    result, links = [], []
    for s, found in zip(batch, hits, strict=True):
        scored = [(o, similarity(s.sig, others[o][1])) for o in sorted(found)
                  if o in others and others[o][0] != s.outlet]
        matches = [(o, score) for o, score in scored if score >= THRESHOLD]
        result.append(matches)
        for other, score in matches:
            links += [{"article_id": s.article_id, "other_id": other, "similarity": score},
                      {"article_id": other, "other_id": s.article_id, "similarity": score}]
    if links:
        conn.execute(_INSERT_LINK, links)
    return result


_INSERT_SIGNATURE = insert(schema.article_signatures)
_INSERT_BAND = insert(schema.article_lsh)
_INSERT_LINK = insert(schema.article_similar)


def also_published(conn: Connection, article_id: int) -> list[dict[str, object]]:
    """The article's copies on other outlets, most similar first."""
    P, A = schema.article_similar, schema.articles
    rows = conn.execute(select(A.c.id, A.c.outlet, A.c.title, A.c.canonical_url,
                               P.c.similarity).join(P, P.c.other_id == A.c.id)
                        .where(P.c.article_id == article_id).order_by(P.c.similarity.desc()))
    return [dict(r._mapping) for r in rows]
