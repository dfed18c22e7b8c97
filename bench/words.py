"""Deterministic pseudo-English text for the synthetic outlet.

Words are built from syllables with a fixed seed, with a Zipf-like frequency (common
words recur, as in real prose), so pages compress with gzip about as well as real news
pages do (3-5x), which matters for a benchmark that fetches gzip-encoded pages.
"""

from __future__ import annotations

import random
from itertools import accumulate

_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
           "br", "ch", "cl", "dr", "gr", "pl", "pr", "sh", "st", "str", "th", "tr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ee", "io", "ou")
_CODAS = ("", "", "", "n", "r", "s", "t", "l", "nd", "nt", "rs", "st", "ck", "ng")
_FUNCTION = ("the", "of", "and", "to", "in", "a", "that", "for", "on", "with", "said",
             "was", "by", "as", "at", "from", "has", "its", "after", "will")
VOCABULARY = 4000


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                   for _ in range(rng.choice((1, 2, 2, 3))))


class Text:
    """Words, names, sentences and paragraphs drawn from one fixed vocabulary."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"{seed}:vocabulary")
        self.words = [*_FUNCTION, *(_word(rng) for _ in range(VOCABULARY))]
        # Zipf weights (1/rank), cumulated once so each draw is a bisect, not a scan.
        self.cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(len(self.words))))
        self.names = [_word(rng).capitalize() for _ in range(300)]

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def word(self, rng: random.Random) -> str:
        return self.draw(rng, 1)[0]

    def name(self, rng: random.Random) -> str:
        return f"{rng.choice(self.names)} {rng.choice(self.names)}"

    def sentence(self, rng: random.Random, low: int = 8, high: int = 26) -> str:
        words = self.draw(rng, rng.randint(low, high))
        if rng.random() < 0.3:  # a proper noun and, now and then, a curly apostrophe
            words[rng.randrange(len(words))] = rng.choice(self.names) + rng.choice(("", "’s"))
        return " ".join(words).capitalize() + rng.choice((".", ".", ".", ",” he said.", "?"))

    def paragraph(self, rng: random.Random) -> str:
        return " ".join(self.sentence(rng) for _ in range(rng.randint(2, 6)))

    def title(self, rng: random.Random) -> str:
        return " ".join(w.capitalize() if i == 0 or len(w) > 3 else w
                        for i, w in enumerate(self.draw(rng, rng.randint(6, 11))))
