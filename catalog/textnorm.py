"""Text folding for search, so "Qusayr" finds "QUSAYR" and "القُصَيْر" finds "القصير".

SQLite's unicode61 tokenizer folds Latin diacritics but treats Arabic harakat as separators,
so Arabic is folded here, before indexing and before querying, the same way.
"""

from __future__ import annotations

import re
import unicodedata

_TASHKEEL = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_FOLDS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",  # hamza and madda forms of alef
    "ى": "ي",  # alef maqsura written for ya
    "ة": "ه",  # ta marbuta, often written as ha
    "ؤ": "و", "ئ": "ي",
    **dict(zip("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789", strict=True)),
}
# Everything folded here lies in the Arabic block, U+0600 to U+06FF (after NFKC, which
# maps the presentation forms into it). Text without it (most Latin text) is done after
# casefold; Arabic text gets one substitution pass over the characters to change only.
_ARABIC = re.compile("[\u0600-\u06ff]")
_TO_FOLD = re.compile(f"[{_TASHKEEL}{''.join(_FOLDS)}]+")


def _fold_run(match: re.Match[str]) -> str:
    return "".join(_FOLDS.get(c, "") for c in match.group())


def fold(text: str) -> str:
    """The search form of a text: NFKC, case-folded, Arabic folded (harakat and tatweel
    dropped, alef, ya, ta marbuta and hamza seats unified), digits made ASCII."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if _ARABIC.search(text) is None:
        return text
    return _TO_FOLD.sub(_fold_run, text)


def fts_query(text: str) -> str:
    """A safe FTS5 MATCH expression: every word quoted, all words required."""
    words = re.findall(r"\w+", fold(text))
    return " ".join(f'"{w}"' for w in words)
