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
from functools import cache

import numpy as np
from sqlalchemy import Connection, bindparam, delete, insert, select

from catalog import schema
from catalog.textnorm import fold

PERMUTATIONS = 128
BANDS, ROWS = 32, 4  # candidate pairs from a Jaccard of about 0.4 upwards
SHINGLE = 5  # words: a shared phrase of five words is not yet a shared text
THRESHOLD = 0.5  # estimated Jaccard at which two texts are the same story's copies
MIN_SHINGLES = 20  # shorter texts say too little to be matched


def shingles(paragraphs: Sequence[str]) -> set[bytes]:
    return folded_shingles(fold(" ".join(paragraphs)))


def folded_shingles(folded: str) -> set[bytes]:
    """The word 5-grams of a text already folded (`catalog.textnorm.fold`)."""
    # Encoded once (the shingles are hashed as UTF-8), after str.split() has found the
    # words: bytes.split() would miss Unicode spaces.
    words = " ".join(folded.split()).encode().split(b" ")
    return {b" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def signature(paragraphs: Sequence[str]) -> bytes | None:
    """The MinHash of a text (fixed seed, so signatures from any process compare)."""
    return folded_signature(fold(" ".join(paragraphs)))


# The MinHash is datasketch 2's default, "affine32" with seed 1: each shingle's first four
# SHA-1 bytes (little-endian), MurmurHash3's 32-bit finalizer, then a * h + b modulo 2^32
# for 128 (a, b) pairs drawn as datasketch draws them. Computed here in one vectorised pass
# (datasketch hashes in a Python loop and imports scipy), and pinned, so that a datasketch
# release with another default cannot silently change the signatures in the catalog.
# tests/catalog/test_similar.py checks the values against datasketch's own.
_U32 = np.uint32


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    draw = np.random.RandomState(1)
    a = draw.randint(0, 1 << 31, PERMUTATIONS, dtype=_U32) * _U32(2) + _U32(1)
    b = draw.randint(0, 1 << 32, PERMUTATIONS, dtype=_U32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    hv = hv ^ (hv >> _U32(16))
    hv = hv * _U32(0x85EBCA6B)
    hv = hv ^ (hv >> _U32(13))
    hv = hv * _U32(0xC2B2AE35)
    return hv ^ (hv >> _U32(16))


def folded_signature(folded: str) -> bytes | None:
    """`signature` of a text folded already (the extraction worker folds it once, for
    this and for the search index): 128 minima, each stored as 8 little-endian bytes."""
    grams = folded_shingles(folded)
    if len(grams) < MIN_SHINGLES:
        return None
    sha1 = hashlib.sha1
    hashed = np.frombuffer(b"".join([sha1(g).digest()[:4] for g in grams]), dtype="<u4")
    a, b = _permutations()
    minima = (_fmix32(hashed.astype(_U32))[:, None] * a + b).min(axis=0)
    return bytes(minima.astype("<u8").tobytes())


def _values(sig: bytes) -> np.ndarray:
    return np.frombuffer(sig, dtype="<u8")


def similarity(a: bytes, b: bytes) -> float:
    return float(np.mean(_values(a) == _values(b)))


def _buckets(sig: bytes) -> list[tuple[int, str]]:
    values = _values(sig)
    return [(band, hashlib.sha1(values[band * ROWS:(band + 1) * ROWS].tobytes()).hexdigest())
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


def _reindex(conn: Connection, batch: Sequence[Signed]) -> list[list[tuple[int, str]]]:
    """Replace the batch's signatures, bands and links; returns each one's buckets."""
    S, L, P = schema.article_signatures, schema.article_lsh, schema.article_similar
    ids = [s.article_id for s in batch]
    conn.execute(delete(S).where(S.c.article_id.in_(ids)))
    conn.execute(delete(L).where(L.c.article_id.in_(ids)))
    conn.execute(delete(P).where(P.c.article_id.in_(ids) | P.c.other_id.in_(ids)))
    conn.execute(_INSERT_SIGNATURE, [{"article_id": s.article_id, "minhash": s.sig}
                                     for s in batch])
    buckets = [_buckets(s.sig) for s in batch]
    conn.execute(_INSERT_BAND, [{"band": b, "bucket": h, "article_id": s.article_id}
                                for s, bs in zip(batch, buckets, strict=True) for b, h in bs])
    return buckets


_IN_BAND = (select(schema.article_lsh.c.bucket, schema.article_lsh.c.article_id)
            .where((schema.article_lsh.c.band == bindparam("band"))
                   & schema.article_lsh.c.bucket.in_(bindparam("buckets", expanding=True))))


def _sharing(conn: Connection, buckets: list[tuple[int, str]]) -> dict[tuple[int, str],
                                                                         set[int]]:
    """The articles in each of these LSH buckets. One query per band: a row-value IN
    over (band, bucket) pairs makes SQLite scan the whole table, ``band = ? AND bucket
    IN (...)`` is a primary-key range per bucket."""
    by_band: dict[int, set[str]] = defaultdict(set)
    for band, bucket in buckets:
        by_band[band].add(bucket)
    found: dict[tuple[int, str], set[int]] = defaultdict(set)
    for band, wanted in sorted(by_band.items()):
        for bucket, article in conn.execute(_IN_BAND, {"band": band,
                                                       "buckets": sorted(wanted)}):
            found[(band, bucket)].add(int(article))
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
