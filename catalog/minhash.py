"""MinHash signatures of article texts: computed where the text is extracted (a worker
process), compared in the catalog (`catalog.similar`). Free of SQLAlchemy, so a worker
imports only numpy for it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import cache

import numpy as np

from catalog.textnorm import fold

PERMUTATIONS = 128
SHINGLE = 5  # words: a shared phrase of five words is not yet a shared text
MIN_SHINGLES = 20  # shorter texts say too little to be matched


def _words(folded: str) -> list[bytes]:
    """The words of a folded text, as UTF-8: encoded once, after str.split() has found
    them (bytes.split() would miss Unicode spaces)."""
    return " ".join(folded.split()).encode().split(b" ") if folded.strip() else []


def folded_shingles(folded: str) -> set[bytes]:
    """The word 5-grams of a text already folded (`catalog.textnorm.fold`): the set whose
    Jaccard similarity a signature estimates."""
    words = _words(folded)
    return {b" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def signature(paragraphs: Sequence[str]) -> bytes | None:
    """The MinHash of a text (fixed seed, so signatures from any process compare)."""
    return folded_signature(fold(" ".join(paragraphs)))


# The MinHash is datasketch 2's "affine32" scheme with seed 1, over our shingle hash
# (`shingle_hash`): MurmurHash3's 32-bit finalizer, then a * h + b modulo 2^32 for 128
# (a, b) pairs drawn as datasketch draws them. Computed here in one vectorised pass
# (datasketch hashes in a Python loop and imports scipy), and pinned, so that a datasketch
# release with another default cannot silently change the signatures in the catalog.
# tests/catalog/test_similar.py checks the values against datasketch's own. The shingle
# hash is ours, not datasketch's default SHA-1 of each 5-gram: that took a Python call per
# 5-gram, 0.6 of the 0.8 ms a signature cost (migration 0006 recomputed the stored ones).
_U32, _U64 = np.uint32, np.uint64
# Odd 64-bit multipliers, one per word position of a 5-gram (golden ratio, MurmurHash3
# and xxHash constants): "a b c d e" and "e d c b a" hash apart.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=_U64)


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


def shingle_hashes(folded: str) -> np.ndarray:
    """The distinct 32-bit hashes of a folded text's word 5-grams (`shingle_hash` of each),
    computed without building the 5-grams: each word is hashed once, in C (CRC-32 of its
    UTF-8 bytes), and the five hashes of each 5-gram are mixed in one numpy pass."""
    words = _words(folded)
    count = len(words) - SHINGLE + 1
    if count < 1:
        return np.empty(0, dtype=_U32)
    word = np.fromiter(map(zlib.crc32, words), dtype=_U64, count=len(words))
    mixed = np.zeros(count, dtype=_U64)
    for k in range(SHINGLE):  # uint64 arithmetic wraps: modulo 2^64, as intended
        mixed += word[k:k + count] * _MIX[k]
    return np.unique((mixed >> _U64(32)).astype(_U32) ^ mixed.astype(_U32))


def shingle_hash(shingle: bytes) -> int:
    """One 5-gram's hash, as `shingle_hashes` computes it for every 5-gram of a text: the
    definition, and datasketch's ``hashfunc`` in the tests."""
    mixed = sum(zlib.crc32(word) * int(m) for word, m in zip(shingle.split(b" "), _MIX,
                                                           strict=True)) % (1 << 64)
    return (mixed >> 32) ^ (mixed & 0xFFFFFFFF)


def folded_signature(folded: str) -> bytes | None:
    """`signature` of a text folded already (the extraction worker folds it once, for
    this and for the search index): 128 minima, each stored as 8 little-endian bytes."""
    hashed = shingle_hashes(folded)
    if hashed.size < MIN_SHINGLES:
        return None
    a, b = _permutations()
    minima = (_fmix32(hashed)[:, None] * a + b).min(axis=0)
    return bytes(minima.astype("<u8").tobytes())


def signature_values(sig: bytes) -> np.ndarray:
    return np.frombuffer(sig, dtype="<u8")


def similarity(a: bytes, b: bytes) -> float:
    return float(np.mean(signature_values(a) == signature_values(b)))
