"""Routes of sana.sy (and its alias hosts): the Foxiz site of the Aug 2025 relaunch.

English lives under ``/en/``, Arabic at the root. WordPress behaviour reproduced: ``?p=``
shortlinks 301 to the permalink (old English ids < 400000 go to archive.sana.sy), a
wrong category or a missing trailing slash 301s to the canonical URL, and listings stop
at page 9 (404 after it) even when more posts exist.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import unquote

from newsvault.replicas.messages import (
    JSON,
    Request,
    Response,
    error_page,
    html_page,
    redirect,
    text,
)
from newsvault.replicas.model import Article
from newsvault.replicas.sites import feeds
from newsvault.replicas.sites.sana_pages import HOME, foxiz_content, foxiz_listing, tag_url

if TYPE_CHECKING:
    from newsvault.replicas.sites.sana import SanaSite

PER_PAGE = 4  # invented (the real site shows 10): 40 posts must overflow the page-9 cap
MAX_PAGE = 9
POSTS_PER_SITEMAP = 25
OLD_ID_LIMIT = 400000  # ids below this are pre-relaunch posts, now on archive.sana.sy
ROBOTS = """User-agent: *
Crawl-delay: 5
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

Sitemap: https://sana.sy/sitemap_index.xml
Sitemap: https://sana.sy/en/sitemap_index.xml
Sitemap: https://sana.sy/news-sitemap.xml
Sitemap: https://sana.sy/en/news-sitemap.xml
"""
CAT = r"((?:[a-z0-9-]+/)*[a-z0-9-]+)"


def route(site: SanaSite, request: Request) -> Response:
    """Dispatch one sana.sy request."""
    path = request.path
    if path == "/robots.txt":
        return text(ROBOTS)
    if path == "/en":
        return redirect(HOME["en"])
    edition, rest = ("en", path[3:]) if path.startswith("/en/") else ("ar", path)
    if "p" in request.params:
        return _shortlink(site, request, edition, request.int_param("p"))
    if request.params.get("feed") == "rss2" or rest == "/feed/":
        return feed(site, edition, None)
    if rest == "/":
        return listing_page(site, edition, None, 1)
    for pattern, handler in _ROUTES:
        match = re.fullmatch(pattern, rest)
        if match:
            response = handler(site, request, edition, *match.groups())
            if response is not None:
                return response
    return error_page(404, "Page not found.")


def _shortlink(site: SanaSite, request: Request, edition: str, post_id: int) -> Response:
    if edition == "en" and 0 < post_id < OLD_ID_LIMIT:
        return redirect(f"https://archive.sana.sy/en/?p={post_id}")
    article = site.articles.get(post_id)
    if article is None or article.edition != edition or article.pages[0].generation != "foxiz":
        return error_page(404, "Page not found.")
    return site.serve(request, article, lambda a: redirect(site.url(a)))


def _article(site: SanaSite, request: Request, edition: str, cat: str, post_id: str,
             amp: str | None, slash: str) -> Response | None:
    article = site.articles.get(int(post_id))
    if article is None or article.edition != edition or article.pages[0].generation != "foxiz":
        return None
    page = article.pages[0]
    if page.fault == "redirect-loop":
        return site.serve(request, article, site.render_foxiz, page)
    if cat != article.extra["cat"] or amp or not slash:
        return site.serve(request, article, lambda a: redirect(site.url(a)))
    return site.serve(request, article, site.render_foxiz, page)


def _home_page(site: SanaSite, request: Request, edition: str, number: str) -> Response:
    return listing_page(site, edition, None, int(number))


def _cat_page(site: SanaSite, request: Request, edition: str, cat: str,
              number: str | None) -> Response | None:
    if cat not in site.categories[edition]:
        return None
    return listing_page(site, edition, cat, int(number or 1))


def _cat_feed(site: SanaSite, request: Request, edition: str, cat: str) -> Response | None:
    return feed(site, edition, cat) if cat in site.categories[edition] else None


def _tag_page(site: SanaSite, request: Request, edition: str, slug: str,
              number: str | None) -> Response:
    tag = unquote(slug).replace("-", " ")
    return listing_page(site, edition, None, int(number or 1), tag=tag)


def _sitemap(site: SanaSite, request: Request, edition: str, name: str,
             number: str | None) -> Response:
    base = HOME[edition]
    posts = site.listing(edition)
    chunks = [posts[i:i + POSTS_PER_SITEMAP] for i in range(0, len(posts), POSTS_PER_SITEMAP)]
    if name == "sitemap_index":
        rows = [(f"{base}post-sitemap{n}.xml", c[0].updated) for n, c in enumerate(chunks, 1)]
        return feeds.sitemap_index([*rows, (f"{base}category-sitemap.xml", None)])
    if name == "category-sitemap":
        return feeds.urlset((f"{base}{c}/", None) for c in site.categories[edition])
    if name == "news-sitemap":
        return feeds.news_sitemap([(site.url(a), a.title, a.published) for a in
                                   _recent(site, posts)], "S A N A", edition)
    index = int(number or 0) - 1
    if not 0 <= index < len(chunks):
        return error_page(404, "Sitemap not found.")
    return feeds.urlset((site.url(a), a.updated) for a in chunks[index])


def _recent(site: SanaSite, posts: list[Article]) -> list[Article]:
    """Posts of the last 48 hours, as a Google News sitemap lists."""
    return [a for a in posts if a.published >= site.ctx.now - timedelta(hours=48)]


def _json(site: SanaSite, request: Request, edition: str, post_id: str) -> Response | None:
    article = site.articles.get(int(post_id))
    if article is None or article.pages[0].generation != "foxiz" or article.deleted:
        return None
    local = article.published.replace(tzinfo=None).isoformat()
    gmt = (article.published - (article.published.utcoffset() or timedelta())).replace(
        tzinfo=None).isoformat()
    data = {"id": article.id, "date": local, "date_gmt": gmt, "link": site.url(article),
            "modified": article.updated.replace(tzinfo=None).isoformat(),
            "title": {"rendered": escape(article.title)},
            "content": {"rendered": foxiz_content(article), "protected": False}}
    return text(json.dumps(data), JSON)


_ROUTES = (
    (r"/page/(\d+)/?", _home_page),
    (rf"/{CAT}/page/(\d+)/?", lambda s, r, e, c, n: _cat_page(s, r, e, c, n)),
    (r"/(sitemap_index|post-sitemap(\d+)|category-sitemap|news-sitemap)\.xml", _sitemap),
    (r"/wp-json/wp/v2/posts/(\d+)/?", _json),
    (r"/tag/([^/]+)/(?:page/(\d+)/)?", _tag_page),
    (rf"/{CAT}/(\d+)(/amp)?(/?)", _article),
    (rf"/{CAT}/feed/?", _cat_feed),
    (rf"/{CAT}/?()", _cat_page),
)


def listing_page(site: SanaSite, edition: str, cat: str | None, number: int,
                 tag: str | None = None) -> Response:
    """A Foxiz listing page; 404 past page 9 or past the last post."""
    posts = site.listing(edition, cat, tag)
    cards = posts[(number - 1) * PER_PAGE:number * PER_PAGE]
    if number < 1 or number > MAX_PAGE or (number > 1 and not cards):
        return error_page(404, "Page not found.")
    base = _listing_base(edition, cat, tag)
    links = {"canonical": base if number == 1 else f"{base}page/{number}/"}
    if number > 1:
        links["prev"] = base if number == 2 else f"{base}page/{number - 1}/"
    if number < MAX_PAGE and len(posts) > number * PER_PAGE:
        links["next"] = f"{base}page/{number + 1}/"
    heading = tag or (site.categories[edition][cat] if cat else "S A N A")
    modified = max((a.updated for a in cards), default=site.ctx.now)
    return html_page(foxiz_listing(site, edition, heading, cards, links), modified=modified)


def _listing_base(edition: str, cat: str | None, tag: str | None) -> str:
    if tag:
        return tag_url(edition, tag)
    return f"{HOME[edition]}{cat}/" if cat else HOME[edition]


def feed_items(site: SanaSite, edition: str, cat: str | None) -> list[Article]:
    """The 10 newest posts, plus the fault articles in the main feeds when faults are on."""
    items = site.listing(edition, cat)[:10]
    if cat is None and edition == "en":
        items = [a for a in site.articles.values() if a.extra.get("feed_only")] + items
    return items


def feed(site: SanaSite, edition: str, cat: str | None) -> Response:
    """The WordPress RSS 2.0 feed of an edition or category."""
    base = f"{HOME[edition]}{cat}/" if cat else HOME[edition]
    channel = feeds.Channel(
        title="S A N A" + (f" - {site.categories[edition][cat]}" if cat else ""),
        link=base, self_url=f"{base}feed/", language="en-US" if edition == "en" else "ar",
        description="Syrian Arab News Agency" if edition == "en" else
        "الوكالة العربية السورية للأنباء")
    items = [feeds.FeedItem(
        title=a.title, link=site.url(a), guid=f"{HOME[a.edition]}?p={a.id}",
        published=a.published, creator=a.extra["wp_user"], categories=(a.section, *a.tags),
        description=(a.body[0][:200] + " [&#8230;]") if a.body else "",
        content_html=foxiz_content(a)) for a in feed_items(site, edition, cat)]
    return feeds.wp_rss(channel, items)


def sources(site: SanaSite) -> Iterator[tuple[str, Iterable[str]]]:
    """Feeds, sitemaps and listing pages of sana.sy with the article URLs they link."""
    for edition in ("en", "ar"):
        base = HOME[edition]
        main_feed = [site.url(a) for a in feed_items(site, edition, None)]
        yield f"{base}feed/", main_feed
        yield f"{base}?feed=rss2", main_feed
        posts = site.listing(edition)
        for n in range(0, len(posts), POSTS_PER_SITEMAP):
            yield (f"{base}post-sitemap{n // POSTS_PER_SITEMAP + 1}.xml",
                   [site.url(a) for a in posts[n:n + POSTS_PER_SITEMAP]])
        yield f"{base}news-sitemap.xml", [site.url(a) for a in _recent(site, posts)]
        for cat in (None, *site.categories[edition]):
            if cat:
                yield f"{base}{cat}/feed/", [site.url(a) for a in feed_items(site, edition, cat)]
            listed = site.listing(edition, cat)
            for number in range(1, MAX_PAGE + 1):
                cards = listed[(number - 1) * PER_PAGE:number * PER_PAGE]
                if cards:
                    page_base = _listing_base(edition, cat, None)
                    url = page_base if number == 1 else f"{page_base}page/{number}/"
                    yield url, [site.url(a) for a in cards]

