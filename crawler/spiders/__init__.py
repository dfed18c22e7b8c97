"""One module per outlet, and nothing else (the registry below only lists them)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def registry() -> dict[str, Any]:
    """Outlet id -> spider class, found by importing every module in this package."""
    from crawler.outlet import OutletSpider

    found: dict[str, Any] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, OutletSpider)
                    and value is not OutletSpider and getattr(value, "name", None)):
                found[value.name] = value
    return found
