"""newsvault browse: a read-only web UI over the catalog and the stored WARC files.

Server-rendered pages (Starlette + Jinja2, no JavaScript needed) for outlets, runs,
articles, search, article histories with diffs, replay of any capture, and downloads.
`browse.app.create_app` builds the ASGI application; ``newsvault browse`` serves it.
"""

from browse.app import create_app
from browse.settings import BrowseSettings

__all__ = ["BrowseSettings", "create_app"]
