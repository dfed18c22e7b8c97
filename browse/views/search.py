"""Full-text search, ranked, with highlighted snippets."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from browse import deps, params
from browse.render import page
from catalog import browsing
from catalog.search import SearchQuery, search_articles


def search(request: Request) -> Response:
    """Search titles and bodies (Arabic and Latin scripts folded alike)."""
    text = params.text(request, "q", 300) or ""
    query = SearchQuery(text, params.text(request, "outlet", 64),
                        params.text(request, "language", 16), params.page(request))
    results = search_articles(deps.engine(request), query) if text else None
    return page(request, "search.html", q=query, results=results,
                facets=browsing.facets(deps.engine(request)))


routes = [Route("/search", search, name="search")]
