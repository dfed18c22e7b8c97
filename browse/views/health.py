"""``/healthz``: whether the UI is up and its catalog answers, as JSON for probes."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from browse import deps
from newsvault import __version__

# Probes poll often: nothing in between may answer for the UI from a cache.
NO_STORE = {"cache-control": "no-store"}


def healthz(request: Request) -> JSONResponse:
    """200 ``{"ok": true, ...}`` when the catalog answers ``SELECT 1``; 503 with the reason
    otherwise. The catalog's address is never shown (it may hold a password)."""
    engine = deps.engine(request)
    body = {"ok": True, "catalog": "ok", "backend": engine.dialect.name,
            "version": __version__}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        body |= {"ok": False, "catalog": f"unreachable: {reason}"}
        return JSONResponse(body, status_code=503, headers=NO_STORE)
    return JSONResponse(body, headers=NO_STORE)


routes = [Route("/healthz", healthz, name="healthz")]
