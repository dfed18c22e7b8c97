"""Outlets at a glance, and the run history."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from browse import deps, params
from browse.render import page
from catalog import browsing

HEALTH = {"ok": "ok", "running": "running", "failed": "bad", "interrupted": "bad"}


def outlets(request: Request) -> Response:
    """Every outlet: articles, last run and its health, captures per day."""
    summaries = browsing.overview(deps.engine(request))
    return page(request, "outlets.html", outlets=summaries, health=HEALTH)


def runs(request: Request) -> Response:
    """Crawl runs, newest first, with their stats and errors."""
    outlet = params.text(request, "outlet", 64)
    listed = browsing.list_runs(deps.engine(request), outlet, params.page(request))
    return page(request, "runs.html", runs=listed, outlet=outlet, health=HEALTH)


def run(request: Request) -> Response:
    """One run: its stats, WARC files, records and article checks."""
    found = browsing.run_detail(deps.engine(request), request.path_params["run_id"])
    if found is None:
        raise HTTPException(404, "no such run; see the run history")
    return page(request, "run.html", run=found, health=HEALTH)


routes = [
    Route("/", outlets, name="outlets"),
    Route("/runs", runs, name="runs"),
    Route("/runs/{run_id}", run, name="run"),
]
