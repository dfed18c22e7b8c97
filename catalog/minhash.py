"""MinHash signatures of article texts: computed where the text is extracted (a worker
process), compared in the catalog (`catalog.similar`). Free of SQLAlchemy, so a worker
imports only numpy for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache

import numpy as np

from catalog.textnorm import fold

PERMUTATIONS = 128
SHINGLE = 5  # words: a shared phrase of five words is not yet a shared text
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


def signature_values(sig: bytes) -> np.ndarray:
    return np.frombuffer(sig, dtype="<u8")


def similarity(a: bytes, b: bytes) -> float:
    return float(np.mean(signature_values(a) == signature_values(b)))
