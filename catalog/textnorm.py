"""Text folding for search, so "Qusayr" finds "QUSAYR" and "القُصَيْر" finds "القصير".

SQLite's unicode61 tokenizer folds Latin diacritics but treats Arabic harakat as separators,
so Arabic is folded here, before indexing and before querying, the same way.
"""

from __future__ import annotations

import re
import unicodedata

_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",  # hamza and madda forms of alef
    "ى": "ي",  # alef maqsura written for ya
    "ة": "ه",  # ta marbuta, often written as ha
    "ؤ": "و", "ئ": "ي",
})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def fold(text: str) -> str:
    """The search form of a text: NFKC, case-folded, Arabic folded, digits made ASCII."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _TASHKEEL.sub("", text)
    return text.translate(_ARABIC_FOLD).translate(_DIGITS)


def fts_query(text: str) -> str:
    """A safe FTS5 MATCH expression: every word quoted, all words required."""
    words = re.findall(r"\w+", fold(text))
    return " ".join(f'"{w}"' for w in words)
