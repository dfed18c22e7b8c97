"""Article list, article page, and diffs between versions."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from browse import deps, diffview, params, provenance, timeline
from browse.render import page
from catalog import browsing, queries
from catalog.diff import diff_versions


def articles(request: Request) -> Response:
    """Articles with filters (outlet, edition, language, publication dates, edited,
    deleted) and pagination."""
    status = params.text(request, "status", 10)
    if status not in (None, "live", "deleted"):
        raise HTTPException(400, "status must be live or deleted")
    query = browsing.ArticleQuery(
        outlet=params.text(request, "outlet", 64), edition=params.text(request, "edition", 16),
        language=params.text(request, "language", 16),
        published_from=params.day(request, "from"), published_to=params.day(request, "to"),
        edited=params.flag(request, "edited"), status=status, page=params.page(request),
        per_page=deps.settings(request).per_page)
    engine = deps.engine(request)
    return page(request, "articles.html", listed=browsing.list_articles(engine, query),
                query=query, facets=browsing.facets(engine))


def _article(request: Request) -> dict[str, Any]:
    found = queries.find_article(deps.engine(request), str(request.path_params["id"]))
    if found is None:
        raise HTTPException(404, "no such article; try the search or the article list")
    return found


def article(request: Request) -> Response:
    """The article: text, metadata, provenance, timeline, versions, copies elsewhere."""
    found = _article(request)
    current = next((c for c in found["captures"]
                    if c["capture_id"] == found.get("current_capture")), None)
    prov = (current or {}).get("provenance")
    return page(request, "article.html", a=found, current=current,
                timeline=timeline.build(found), provenance=provenance.rows(prov),
                provenance_json=json.dumps(prov, indent=2, ensure_ascii=False) if prov else "")


def diff(request: Request) -> Response:
    """Two versions compared, side by side or inline (``mode``)."""
    found = _article(request)
    versions = {v["version"]: v for v in found["versions"]}
    if len(versions) < 1:
        raise HTTPException(404, "this article has no stored versions")
    newest = max(versions)
    to = params.number(request, "to", newest) or newest
    default_from = max((v for v in versions if v < to), default=to)
    frm = params.number(request, "from", default_from) or default_from
    if frm not in versions or to not in versions:
        raise HTTPException(400, f"versions are {', '.join(map(str, sorted(versions)))}")
    mode = "inline" if request.query_params.get("mode") == "inline" else "side"
    result = diff_versions(versions[frm], versions[to])
    return page(request, "diff.html", a=found, old=versions[frm], new=versions[to],
                mode=mode, changed=result["changed"], title=diffview.title_parts(result),
                rows=diffview.side_by_side(result), flow=diffview.inline(result))


routes = [
    Route("/articles", articles, name="articles"),
    Route("/articles/{id:int}", article, name="article"),
    Route("/articles/{id:int}/diff", diff, name="diff"),
]
