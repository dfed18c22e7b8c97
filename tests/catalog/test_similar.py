"""MinHash signatures: the values datasketch computes over our shingle hash, and what they
estimate."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash

from catalog.minhash import (
    MIN_SHINGLES,
    PERMUTATIONS,
    folded_shingles,
    folded_signature,
    shingle_hash,
    shingle_hashes,
    signature,
    similarity,
)
from catalog.textnorm import fold

VOCABULARY = ("the minister said on sunday that talks would resume in damascus القصير دمشق "
              "وزير الخارجية año niño gobierno")
WORDS = VOCABULARY.split()
PINNED = [17590706, 16067401, 3584879, 61664521]  # the first 4 minima of test_signatures_are_pinned


def _reference(folded: str) -> bytes:
    """datasketch's own MinHash of the same shingles, as the catalog stores it."""
    mh = MinHash(num_perm=PERMUTATIONS, seed=1, scheme="affine32", hashfunc=shingle_hash)
    mh.update_batch(list(folded_shingles(folded)))
    return bytes(LeanMinHash(mh).hashvalues.astype("<u8").tobytes())


@pytest.mark.parametrize("seed", range(5))
def test_signatures_are_datasketchs_affine32_minhash(seed: int) -> None:
    rnd = random.Random(seed)
    text = fold(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(30, 600))))
    assert folded_signature(text) == _reference(text)


def test_the_vectorised_hashes_are_those_of_each_shingle() -> None:
    rnd = random.Random(3)
    text = fold(" ".join(rnd.choice(WORDS) for _ in range(400)))
    expected = sorted({shingle_hash(s) for s in folded_shingles(text)})
    assert shingle_hashes(text).tolist() == expected
    assert shingle_hash(b"a b c d e") != shingle_hash(b"e d c b a")  # word order counts
    assert shingle_hashes("four words only here").size == 0


def test_signatures_are_pinned() -> None:
    """A change of these values strands every signature in the catalogs (they would need
    a migration such as 0006): it must not happen by accident."""
    rnd = random.Random(11)
    sig = folded_signature(fold(" ".join(rnd.choice(WORDS) for _ in range(200))))
    assert sig is not None
    assert np.frombuffer(sig, dtype="<u8")[:4].tolist() == PINNED


def test_shingles_split_on_unicode_spaces_and_are_utf8() -> None:
    text = "a\u2028b\x85c d  e\u3000f"
    assert folded_shingles(text) == {b"a b c d e", b"b c d e f"}
    assert folded_shingles("دمشق " * 6) == {" ".join(["دمشق"] * 5).encode()}


def test_short_texts_have_no_signature() -> None:
    words = [f"w{i}" for i in range(MIN_SHINGLES + 3)]  # MIN_SHINGLES - 1 five-grams
    assert folded_signature(" ".join(words)) is None
    assert folded_signature(" ".join([*words, "x"])) is not None


def test_similarity_estimates_the_jaccard_of_the_shingles() -> None:
    rnd = random.Random(7)
    body = [f"w{rnd.randrange(10_000)}" for _ in range(600)]
    edited = body[:450] + [f"x{i}" for i in range(150)]  # the last quarter rewritten
    a, b = (folded_shingles(" ".join(t)) for t in (body, edited))
    jaccard = len(a & b) / len(a | b)
    sig_a, sig_b = signature([" ".join(body)]), signature([" ".join(edited)])
    assert sig_a is not None and sig_b is not None
    assert abs(similarity(sig_a, sig_b) - jaccard) < 0.15
    assert similarity(sig_a, sig_a) == 1.0
    assert np.frombuffer(sig_a, dtype="<u8").max() < 2 ** 32
