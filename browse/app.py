"""The ASGI application: routes from `browse.views`, static CSS, error pages, and the
security middleware (headers on every response; the token gate when a token is set)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from browse.render import HERE, page
from browse.security import SecurityHeaders, TokenGate
from browse.settings import BrowseSettings
from browse.views import articles, downloads, health, overview, replay, search
from catalog.db import connect
from pipelines.storage import store_from_uri


async def _error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return page(request, "error.html", status=status, status_code=status, detail=detail)


def create_app(settings: BrowseSettings) -> Starlette:
    """The web UI over the catalog at ``settings.catalog_url`` and the store at
    ``settings.storage_uri`` (read-only: no route writes to either)."""
    routes = [*overview.routes, *articles.routes, *search.routes, *replay.routes,
              *downloads.routes, *health.routes,
              Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _error},
                    middleware=[Middleware(SecurityHeaders),
                                Middleware(TokenGate, token=settings.token)])
    app.state.settings = settings
    app.state.engine = connect(settings.catalog_url)
    app.state.store = store_from_uri(settings.storage_uri, settings.s3)
    return app
