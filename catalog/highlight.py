"""Highlighted snippets in the original text, for search results.

The full-text index holds folded text (`catalog.textnorm.fold`: case, Arabic letter forms and
harakat, digits), so its own snippets would show "al-qusayr" for "Al-Qusayr" and strip the
harakat from Arabic. Here the original text is folded character by character with a map
back to the original positions: the query's words are found in the folded form and marked
in the original. Segments are returned, not HTML, so templates escape every character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from catalog.textnorm import fold

SNIPPET_CHARS = 260


@dataclass(frozen=True)
class Segment:
    """A run of original text; ``hit`` marks a query word."""

    text: str
    hit: bool = False


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character's search form: `fold`, then Latin diacritics dropped, as FTS5's
    ``remove_diacritics`` does (pure, so caching it is safe)."""
    folded = unicodedata.normalize("NFD", fold(ch))
    return "".join(c for c in folded if unicodedata.category(c) != "Mn")


def query_words(query: str) -> list[str]:
    """The query's words in search form."""
    return [w for w in (fold_word(x) for x in re.findall(r"\w+", query)) if w]


def fold_word(word: str) -> str:
    """A word in search form, character by character (as `spans` folds the text)."""
    return "".join(fold_char(c) for c in word)


def _folded(text: str) -> tuple[str, list[int]]:
    parts, where = [], []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        parts.append(f)
        where.extend([i] * len(f))
    where.append(len(text))
    return "".join(parts), where


def spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the words occur as whole words in ``text`` (original positions, merged)."""
    if not words or not text:
        return []
    folded, where = _folded(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(set(words), key=len,
                                                                          reverse=True)))
                         + r")(?!\w)")
    found: list[tuple[int, int]] = []
    for m in pattern.finditer(folded):
        start, end = where[m.start()], where[m.end() - 1] + 1
        if found and start <= found[-1][1]:
            found[-1] = (found[-1][0], max(end, found[-1][1]))
        else:
            found.append((start, end))
    return found


def mark(text: str, found: list[tuple[int, int]]) -> list[Segment]:
    """``text`` cut into plain and hit segments."""
    out, pos = [], 0
    for start, end in found:
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], True))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def snippet(text: str, words: list[str], size: int = SNIPPET_CHARS) -> list[Segment]:
    """A window of about ``size`` characters around the densest run of hits (the text's
    start when nothing matches), cut at word boundaries, with ellipses."""
    found = spans(text, words)
    if not found:
        cut = _cut(text, 0, size)
        return [Segment(cut + ("…" if len(cut) < len(text) else ""))]
    best = max(range(len(found)), key=lambda i: sum(
        1 for s, _ in found[i:] if s - found[i][0] < size))
    start = max(0, found[best][0] - size // 4)
    start = _word_start(text, start)
    window = _cut(text, start, size)
    end = start + len(window)
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in found
              if s < end and e > start]
    segments = mark(window, inside)
    if start > 0:
        segments.insert(0, Segment("…"))
    if end < len(text):
        segments.append(Segment("…"))
    return segments


def _word_start(text: str, pos: int) -> int:
    if pos == 0:
        return 0
    space = text.find(" ", pos)
    return space + 1 if 0 <= space < pos + 30 else pos


def _cut(text: str, start: int, size: int) -> str:
    piece = text[start:start + size]
    if start + size >= len(text):
        return piece
    space = piece.rfind(" ")
    return piece[:space] if space > size // 2 else piece
