"""Base class of the three replica sites: article store, mutation API, manifest.

A site owns its hosts, builds its articles once from the seed and ``now``, and answers
requests through ``route``. Everything a test may change between crawls (edits,
deletions, injected faults, new articles) goes through the public methods here, under one
lock, so a request never sees half an edit.
"""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from newsvault.replicas.faults import Counters, article_fault, retry_later
from newsvault.replicas.messages import Request, Response, error_page, redirect
from newsvault.replicas.model import Article, ArticleTruth, Page, truth

DELETE_MODES = ("404", "410", "redirect_home")


@dataclass(frozen=True)
class SiteContext:
    """What every site is built from: the clock, the seed and the fault profile."""

    now: datetime
    seed: int
    faults: bool
    slow_scale: float
    counters: Counters


@dataclass
class _Override:
    status: int
    retry_after: int
    times: int


class Site:
    """A replica outlet. Subclasses fill ``articles`` in ``build`` and answer in ``route``."""

    outlet: ClassVar[str]
    hosts: ClassVar[tuple[str, ...]]
    server_name: ClassVar[str] = "nginx"

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.articles: dict[int, Article] = {}
        self._lock = threading.RLock()
        self._id_faults: dict[int, _Override] = {}
        self._path_faults: dict[str, _Override] = {}
        self._ticks = 0
        self.build()

    # -- to implement -------------------------------------------------------------------
    def build(self) -> None:
        """Create the articles (called once by the constructor)."""
        raise NotImplementedError

    def route(self, request: Request) -> Response:
        """Answer a request for one of ``hosts``."""
        raise NotImplementedError

    def sources(self) -> Iterable[tuple[str, Iterable[str]]]:
        """(feed, sitemap or listing URL, the article URLs it links) pairs."""
        raise NotImplementedError

    def home_url(self, article: Article) -> str:
        """Where ``delete(mode="redirect_home")`` sends an article's URLs."""
        raise NotImplementedError

    def publish(self, edition: str | None = None) -> int:
        """Add a new article at the top of the feeds and listings; return its id."""
        raise NotImplementedError

    # -- helpers for subclasses -----------------------------------------------------------
    def rng(self, *key: object) -> random.Random:
        """A random generator that depends only on the seed, the outlet and ``key``."""
        return random.Random(":".join(map(str, (self.ctx.seed, self.outlet, *key))))

    def add(self, article: Article) -> Article:
        """Register an article (ids are unique per site)."""
        if article.id in self.articles:
            raise ValueError(f"{self.outlet}: duplicate article id {article.id}")
        self.articles[article.id] = article
        return article

    def live(self, predicate: Callable[[Article], bool] = lambda a: True) -> list[Article]:
        """Listed articles (not deleted, not fault-only) matching ``predicate``, newest first."""
        found = [a for a in self.articles.values()
                 if a.deleted is None and not a.extra.get("feed_only") and predicate(a)]
        return sorted(found, key=lambda a: (a.published, a.id), reverse=True)

    def serve(self, request: Request, article: Article,
              render: Callable[[Article], Response], page: Page | None = None) -> Response:
        """Render an article, honouring deletions and the page's fault behaviour."""
        if article.deleted == "redirect_home":
            response = redirect(self.home_url(article), 301)
        elif article.deleted is not None:
            gone = article.deleted == "410"
            response = error_page(410 if gone else 404, "Gone." if gone else "Not found.")
        elif page is not None and page.fault:
            response = article_fault(page.fault, request, self.ctx.counters,
                                     lambda: render(article), 30 * self.ctx.slow_scale)
        else:
            response = render(article)
        if response.status == 200 and response.last_modified is None:
            response.last_modified = article.updated
        response.article_id = article.id
        return response

    # -- request entry point --------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Injected faults first, then the route, then per-article faults."""
        with self._lock:
            override = self._take(self._path_faults, request.target) or \
                self._take(self._path_faults, request.path)
            response = override or self.route(request)
            if override is None and response.article_id is not None:
                response = self._take(self._id_faults, response.article_id) or response
        if response.header("Server") is None:
            response.headers.append(("Server", self.server_name))
        return response

    def _take(self, table: dict, key: object) -> Response | None:
        override = table.get(key)
        if override is None:
            return None
        override.times -= 1
        if override.times <= 0:
            del table[key]
        if override.status in (429, 503):
            return retry_later(override.status, override.retry_after)
        return error_page(override.status, "Injected fault.")

    # -- mutation API ---------------------------------------------------------------------
    def article(self, article_id: int) -> Article:
        """The article with that id; KeyError names the known ids' range."""
        try:
            return self.articles[int(article_id)]
        except KeyError:
            known = sorted(self.articles)
            raise KeyError(f"{self.outlet} has no article {article_id} "
                           f"(ids {known[0]}..{known[-1]}; see manifest())") from None

    def tick(self) -> datetime:
        """A new modification time after ``now``, one minute per change (deterministic)."""
        self._ticks += 1
        return self.ctx.now + timedelta(minutes=self._ticks)

    def _touch(self, article: Article) -> None:
        article.modified = self.tick().astimezone(article.published.tzinfo)

    def edit(self, article_id: int, paragraph_index: int, new_text: str) -> None:
        """Replace one clean body paragraph; the page, ETag and Last-Modified change."""
        with self._lock:
            article = self.article(article_id)
            article.body[paragraph_index] = new_text
            self._touch(article)

    def retitle(self, article_id: int, title: str) -> None:
        """Change the headline (the URL slug stays, as in WordPress)."""
        with self._lock:
            article = self.article(article_id)
            article.title = title
            self._touch(article)

    def delete(self, article_id: int, mode: str = "404") -> None:
        """Take an article down: every URL form answers 404, 410 or a 301 to the home page."""
        if mode not in DELETE_MODES:
            raise ValueError(f"mode must be one of {DELETE_MODES}, not {mode!r}")
        with self._lock:
            self.article(article_id).deleted = mode

    def restore(self, article_id: int) -> None:
        """Undo ``delete``."""
        with self._lock:
            self.article(article_id).deleted = None

    def set_fault(self, path_or_id: int | str, status: int = 503, retry_after: int = 2,
                  times: int = 1) -> None:
        """The next ``times`` requests for an article (an int id: any URL form, any host)
        or a path (a str such as ``/en/feed/`` or ``/en/?feed=rss2``, matched with and
        without its query, on any of the site's hosts) answer ``status``; 429 and 503
        carry ``Retry-After: retry_after``."""
        override = _Override(status, retry_after, times)
        with self._lock:
            if isinstance(path_or_id, int):
                self._id_faults[self.article(path_or_id).id] = override
            else:
                self._path_faults[path_or_id] = override

    # -- ground truth ---------------------------------------------------------------------
    def manifest(self) -> list[ArticleTruth]:
        """One ArticleTruth per (article, rendering), ordered by article id."""
        with self._lock:
            listed: dict[str, set[str]] = defaultdict(set)
            for source, urls in self.sources():
                for url in urls:
                    listed[url].add(source)
            out = []
            for article in sorted(self.articles.values(), key=lambda a: a.id):
                for page in article.pages:
                    found = set().union(*(listed.get(u, set()) for u in {page.canonical,
                                                                          *page.urls}))
                    out.append(truth(self.outlet, article, page, tuple(sorted(found))))
            return out
