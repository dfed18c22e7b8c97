"""PostgreSQL full-text search: the stored ``articles.search_vector`` (migration 0005).

SQLite's FTS5 index (``articles_fts``) and this vector hold the same words: the text is put
in search form here, in Python, by `search_form`, before PostgreSQL sees it, and so is
every query. PostgreSQL's own parser is left nothing to decide, because its idea of a word
depends on the server's locale: under the C locale every non-ASCII character counts as a
letter, so "حمص،" (with the Arabic comma) would be one word and never match "حمص".

The 'simple' configuration only lowercases: no stemming and no stop words, which is right for
a mixed Arabic, English and Spanish archive and matches FTS5's ``unicode61``. The title is
weighted A and the body D; ranking with WEIGHTS makes a title word count five times a body
word, as ``bm25(articles_fts, 5.0, 1.0)`` does on SQLite.

The column is not in `catalog.schema` on purpose: SQLite has no such column, and
``select(articles)`` should give the same columns on both backends.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, literal_column, text

from catalog.textnorm import fold

COLUMN = "search_vector"
INDEX = "ix_articles_search"
# ts_rank's weights for D, C, B and A (body, unused, unused, title).
WEIGHTS = "{0.2, 0.2, 0.4, 1.0}"
_STORE = text(f"UPDATE articles SET {COLUMN} = setweight(to_tsvector('simple', :title), 'A') "
              "|| setweight(to_tsvector('simple', :body), 'D') WHERE id = :id")
_WORD = re.compile(r"\w+")
# A tsvector must stay under 1 MB (lexemes and positions), or the write that stores it fails.
# 300,000 characters of the most varied Arabic text stay well under; articles are a few
# thousand. Words past it are not indexed on PostgreSQL (positions stop at 16,383 anyway).
MAX_CHARS = 300_000


def search_form(value: str) -> str:
    """The words of ``value`` as both indexes hold them, space-separated: `fold` (case,
    Arabic letter forms and harakat, digits), then Latin diacritics dropped as FTS5's
    ``remove_diacritics 2`` does ("Café" is found by "cafe"), then split into words.

    Folding comes before the split because Python's ``\\w`` does not match harakat:
    split first, "القُصَيْر" would fall apart into four pieces."""
    decomposed = unicodedata.normalize("NFD", fold(value))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(_WORD.findall(bare))


def store(conn: Connection, rows: Iterable[tuple[int, str | None, str | None]]) -> None:
    """Set the vector of each (article id, title, body)."""
    params = [{"id": article_id, "title": _capped(search_form(title or "")),
               "body": _capped(search_form(body or ""))} for article_id, title, body in rows]
    if params:
        conn.execute(_STORE, params)


def _capped(words: str) -> str:
    return words if len(words) <= MAX_CHARS else words[:MAX_CHARS].rsplit(" ", 1)[0]


def vector() -> Any:
    """The column, for queries (it is not in `catalog.schema`: see the module docstring)."""
    return literal_column(f"articles.{COLUMN}")


def tsquery(query: str) -> Any:
    """All the query's words required, as on SQLite (`catalog.textnorm.fts_query`)."""
    return func.plainto_tsquery(literal_column("'simple'"), search_form(query))


def rank(query: Any) -> Any:
    return func.ts_rank(literal_column(f"'{WEIGHTS}'::float4[]"), vector(), query)
