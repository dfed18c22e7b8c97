"""Query parameters read strictly: a bad value is a 400 that says what is expected."""

from __future__ import annotations

from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request

MAX_PAGE = 100_000


def text(request: Request, name: str, limit: int = 500) -> str | None:
    """A trimmed string parameter, None when absent or empty."""
    value = (request.query_params.get(name) or "").strip()
    if len(value) > limit:
        raise HTTPException(400, f"{name} is too long (at most {limit} characters)")
    return value or None


def day(request: Request, name: str) -> date | None:
    """A YYYY-MM-DD parameter."""
    value = text(request, name, 10)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name} must be a date like 2025-08-01, not {value!r}") \
            from None


def number(request: Request, name: str, default: int | None = None) -> int | None:
    """A positive integer parameter."""
    value = text(request, name, 12)
    if value is None:
        return default
    if not value.isdigit() or not 0 < int(value) <= MAX_PAGE:
        raise HTTPException(400, f"{name} must be a whole number from 1 to {MAX_PAGE}")
    return int(value)


def page(request: Request) -> int:
    """The 1-based page number."""
    return number(request, "page", 1) or 1


def flag(request: Request, name: str) -> bool:
    """A checkbox: present and not 0/empty."""
    return (request.query_params.get(name) or "") not in ("", "0", "false", "off")
