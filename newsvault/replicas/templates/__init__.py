"""Our own page templates (``string.Template`` syntax, ``$name``), one file per layout.

They reproduce the structures described in the outlet research, not anyone's HTML.
Callers escape values; templates only place them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template


@cache
def _template(name: str) -> Template:
    return Template(files(__package__).joinpath(name).read_text(encoding="utf-8"))


def render(name: str, **values: object) -> str:
    """Fill template ``name``; a missing value is an error (KeyError), not a blank."""
    return _template(name).substitute(values)
