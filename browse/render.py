"""Templates and the small helpers they use. Autoescaping is on for every template: archived
text reaches the page only as escaped text."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from browse.sparkline import points

HERE = Path(__file__).parent
RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "ku", "yi"}


def when(value: Any, precise: bool = False) -> str:
    """A UTC time as ``2026-11-22 03:45 UTC`` (seconds and microseconds when precise)."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f UTC" if precise else "%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def size(n: Any) -> str:
    """Bytes for people: 1.2 MB."""
    if n is None:
        return ""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def direction(language: str | None) -> str:
    """``rtl`` for right-to-left languages, else ``auto`` (the browser decides per text)."""
    return "rtl" if (language or "").split("-")[0].lower() in RTL_LANGUAGES else "auto"


def paragraphs(body: str | None) -> list[str]:
    """The body's paragraphs (stored separated by blank lines), empty ones dropped."""
    return [p for p in (body or "").split("\n\n") if p.strip()]


@jinja2.pass_context
def url(context: Any, name: str, **params: Any) -> str:
    """The path of a named route (under any mount prefix), e.g. ``url('article', id=3)``."""
    request: Request = context["request"]
    return str(request.scope.get("root_path", "")) + str(
        request.app.url_path_for(name, **{k: str(v) for k, v in params.items()}))


@jinja2.pass_context
def with_query(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (None drops one): for
    pagination and filter links."""
    request: Request = context["request"]
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v not in (None, "")]
    return "?" + urlencode(params)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(when=when, size=size, direction=direction, paragraphs=paragraphs)
    env.globals.update(url=url, with_query=with_query, sparkline=points)
    return env


templates = Jinja2Templates(env=_environment())


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    """Render a template with the request in its context."""
    return templates.TemplateResponse(request, name, context, status_code=status)
