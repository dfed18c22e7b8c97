"""The fields of a schedule entry: what each accepts, and the message when it does not."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The options of `newsvault crawl` an entry may set (`--trigger` and `--run-id` are the
# scheduler's). tests/schedules/test_spec.py keeps this in step with the command.
CRAWL_OPTIONS: dict[str, type] = {
    "edition": str, "since": str, "limit": int, "base_url": str, "proxy": str, "urls": str,
    "delay": float, "recheck": bool}
ENTRY_FIELDS = {"outlet", "cron", "interval", "timezone", "jitter", "time_limit",
                "misfire_grace", "enabled"}
_DURATION_RX = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class FieldError(ValueError):
    """One field's value is wrong; the message says what is expected."""


def duration(value: Any) -> float:
    """Seconds from a number or text such as ``"90s"``, ``"15m"``, ``"1h30m"``, ``"1d"``."""
    if isinstance(value, bool):
        raise FieldError(f"{value!r} is not a duration; write seconds or e.g. \"15m\"")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and re.fullmatch(r"(\s*\d+(?:\.\d+)?\s*[smhd])+\s*", value):
        seconds = sum(float(n) * _UNITS[u] for n, u in _DURATION_RX.findall(value))
    else:
        raise FieldError(f"{value!r} is not a duration; write seconds (90) or text such as "
                         "\"90s\", \"15m\", \"2h\", \"1h30m\", \"1d\"")
    if seconds < 0:
        raise FieldError(f"{value!r} is negative")
    return seconds


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FieldError(f"{value!r} must be an http(s) URL such as http://127.0.0.1:8080")
    return value


def check_option(key: str, value: Any, base: Path) -> Any:
    """A crawl option's value, checked (and a relative ``urls`` file made absolute)."""
    kind = CRAWL_OPTIONS[key]
    if kind is bool:
        if not isinstance(value, bool):
            raise FieldError(f"{value!r} must be true or false")
        return value
    if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise FieldError(f"{value!r} must be a whole number >= 1")
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise FieldError(f"{value!r} must be a number of seconds >= 0")
        return float(value)
    if kind is str and not isinstance(value, str):
        raise FieldError(f"{value!r} must be a string (in quotes)")
    if key == "since":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise FieldError(f"{value!r} must be a date, YYYY-MM-DD") from None
    if key in ("base_url", "proxy"):
        return _url(value)
    if key == "urls":
        path = (base / value).resolve()
        if not path.is_file():
            raise FieldError(f"{path} does not exist; give a file of URLs, one per line "
                             "(relative paths start from the schedule file's folder)")
        return str(path)
    return value


def check_entry(table: Mapping[str, Any], base: Path,
                outlets: Mapping[str, Sequence[str]] | None,
                problem: Callable[[str, str], None]) -> dict[str, Any] | None:
    """The entry's scheduling fields, checked; each problem goes to ``problem(field, msg)``."""
    from schedules.triggers import build_trigger

    values: dict[str, Any] = {}
    for field, check in _CHECKS.items():
        try:
            values[field] = check(table.get(field))
        except FieldError as exc:
            problem(field, str(exc))
    for key in CRAWL_OPTIONS:
        if key in table:
            try:
                check_option(key, table[key], base)
            except FieldError as exc:
                problem(key, str(exc))
    _check_outlet(table, outlets, problem)
    has_cron, has_interval = table.get("cron") is not None, table.get("interval") is not None
    if has_cron == has_interval:
        problem("cron", "give either cron (e.g. \"15 */2 * * *\") or interval (e.g. \"2h\"), "
                "not both and not neither")
        return None
    if len(values) < len(_CHECKS):
        return None
    try:
        build_trigger(values["cron"], values["interval"], values["timezone"], values["jitter"])
    except ValueError as exc:
        problem("cron" if has_cron else "interval", str(exc))
        return None
    return values


def _check_outlet(table: Mapping[str, Any], outlets: Mapping[str, Sequence[str]] | None,
                  problem: Callable[[str, str], None]) -> None:
    outlet, edition = table.get("outlet"), table.get("edition")
    if not isinstance(outlet, str) or not outlet:
        problem("outlet", "missing: name the outlet to crawl, e.g. outlet = \"sana\"")
    elif outlets is not None and outlet not in outlets:
        problem("outlet", f"unknown outlet {outlet!r}; known: {', '.join(sorted(outlets))}")
    elif outlets is not None and isinstance(edition, str) and edition not in outlets[outlet]:
        problem("edition", f"{outlet} has no edition {edition!r}; choose one of: "
                f"{', '.join(outlets[outlet])}")


def _text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise FieldError(f"{value!r} must be a string (in quotes)")
    return value


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise FieldError(f"{value!r} is not a time zone; use an IANA name such as "
                         "\"UTC\" or \"Asia/Damascus\"") from None
    return str(value)


def _positive(value: Any) -> float:
    seconds = duration(value)
    if seconds <= 0:
        raise FieldError(f"{value!r} must be longer than zero")
    return seconds


def _interval(value: Any) -> float | None:
    return None if value is None else _positive(value)


def _enabled(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"{value!r} must be true or false")
    return value


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "outlet": lambda v: v, "cron": _text, "interval": _interval, "timezone": _timezone,
    "jitter": lambda v: round(duration(v)), "time_limit": _positive,
    "misfire_grace": lambda v: max(1, round(_positive(v))), "enabled": _enabled}
