"""Routes of www.plenglish.com and www.prensa-latina.cu, and their feeds, sitemaps, listings.

Invented where the research is silent: 10 teasers per home page, 5 per section, tag and
o=vt page, 20 posts per ``wp-sitemap-posts-post-N.xml`` (WordPress core uses 2000).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote

from newsvault.replicas.media import image
from newsvault.replicas.messages import Request, Response, error_page, html_page, redirect, text
from newsvault.replicas.model import Article, slugify
from newsvault.replicas.sites import feeds
from newsvault.replicas.sites.prensa_latina_pages import (
    EN,
    HOME,
    LABELS,
    joomla_article,
    listing,
    orn_article,
    orn_card,
    teaser,
    wp_article,
    wp_content,
)

if TYPE_CHECKING:
    from newsvault.replicas.sites.prensa_latina import PrensaLatinaSite

HOME_PAGE, PER_PAGE, PER_SITEMAP = 10, 5, 20


def robots(edition: str) -> Response:
    """WordPress default robots.txt (inferred, outlets.md 5.2)."""
    return text("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                f"Sitemap: {HOME[edition]}/wp-sitemap.xml\n")


def route(site: PrensaLatinaSite, request: Request) -> Response:
    """Dispatch one request on a www. host."""
    edition = "en" if request.host == "www.plenglish.com" else "es"
    path, params = request.path, request.params
    if path == "/robots.txt":
        return robots(edition)
    if path.startswith("/wp-content/"):
        return image(request)
    if path in ("/", "/index.php") and params:
        return _query_route(site, request, edition)
    if path == "/feed/":
        return feed(site, edition, None)
    match = re.fullmatch(r"/(?:page/(\d+)/?)?", path)
    if match:
        return _paged(site, edition, site.wp_posts(edition), int(match[1] or 1), HOME_PAGE,
                      f"{HOME[edition]}/", "Prensa Latina")
    if path.startswith("/wp-sitemap"):
        return _sitemap(site, edition, path)
    if edition == "en":
        response = _english_route(site, request)
        if response is not None:
            return response
    match = re.fullmatch(r"(/(?:news/)?\d{4}/\d\d/\d\d/[^/]+)(/?)", path)
    if match:
        return _permalink(site, request, match[1], bool(match[2]))
    return error_page(404, "Page not found")


def _english_route(site: PrensaLatinaSite, request: Request) -> Response | None:
    path = request.path
    match = re.fullmatch(r"/news/([a-z-]+)/feed/?", path)
    if match and match[1] in site.categories:
        return feed(site, "en", match[1])
    match = re.fullmatch(r"/section/([a-z-]+)/(?:page/(\d+)/?)?", path)
    if match and match[1] in site.categories:
        return _paged(site, "en", site.wp_posts("en", cat=match[1]), int(match[2] or 1),
                      PER_PAGE, f"{EN}/section/{match[1]}/", site.categories[match[1]])
    match = re.fullmatch(r"/tags/([^/]+)(?:/page/(\d+))?/?", path)
    if match:
        tag = unquote(match[1]).replace("-", " ")
        return _paged(site, "en", site.wp_posts("en", tag=tag), int(match[2] or 1), PER_PAGE,
                      f"{EN}/tags/{match[1]}/", tag, LABELS["en"]["published_on"])
    return None


def _permalink(site: PrensaLatinaSite, request: Request, path: str, slash: bool) -> Response:
    for article in site.articles.values():
        if article.extra.get("wp") and site.wp_url(article) == f"https://{request.host}{path}/":
            if not slash:
                return redirect(site.wp_url(article))
            return site.serve(request, article, lambda a: html_page(wp_article(site, a)))
    return error_page(404, "Page not found")


def _query_route(site: PrensaLatinaSite, request: Request, edition: str) -> Response:
    params = request.params
    by = {"p": lambda a: a.id == request.int_param("p") and a.extra.get("wp"),
          "option": lambda a: a.extra.get("joomla_id") == request.int_param("id"),
          "o": lambda a: a.extra.get("orn_id") == request.int_param("id")}
    key = next((k for k in by if k in params), None)
    if key == "o" and params["o"] != "rn":
        return _o_listing(site, request)
    found = [a for a in site.articles.values() if key and a.edition == edition and by[key](a)]
    if not found or (key == "option" and params.get("option") != "com_content"):
        return error_page(404, "Page not found")
    article = found[0]
    if key == "p" or (key == "o" and article.extra.get("wp")):
        return site.serve(request, article, lambda a: redirect(site.wp_url(a)))
    render = joomla_article if key == "option" else orn_article
    return site.serve(request, article, lambda a: html_page(render(site, a)))


def _o_listing(site: PrensaLatinaSite, request: Request) -> Response:
    """``o=vt`` section pages (Spanish timestamps) and ``o=vc`` RSS channels."""
    section = request.params.get("id", "")
    if section not in site.orn_sections or request.params["o"] not in ("vt", "vc"):
        return error_page(404, "Page not found")
    posts = site.orn_posts(section)
    if request.params["o"] == "vc":
        channel = feeds.Channel("Agencia Latinoamericana de Noticias Prensa Latina",
                                f"{EN}/", o_url("vc", section), "Prensa Latina", "en",
                                generator="Prensa Latina")
        return feeds.wp_rss(channel, [_item(site, a, site.orn_url(a)) for a in posts[:10]])
    number = request.int_param("page", 1)
    cards = posts[(number - 1) * PER_PAGE:number * PER_PAGE]
    if number < 1 or not cards:
        return error_page(404, "Page not found")
    links = {"canonical": o_url("vt", section, number)}
    if len(posts) > number * PER_PAGE:
        links["next"] = o_url("vt", section, number + 1)
    body = listing(site, "en", site.orn_sections[section], [orn_card(site, a) for a in cards],
                   links, "o-router")
    return html_page(body)


def o_url(kind: str, section: str, number: int = 1) -> str:
    """An o=vt listing page or o=vc channel URL."""
    seo = "canalrss" if kind == "vc" else "noticias"
    page = f"&page={number}" if kind == "vt" and number > 1 else ""
    return f"{EN}/index.php?o={kind}&id={section}&SEO={seo}-{section}{page}"


def _paged(site: PrensaLatinaSite, edition: str, posts: Sequence[Article], number: int,
           size: int, base: str, heading: str, label: str = "") -> Response:
    cards = posts[(number - 1) * size:number * size]
    if number < 1 or (number > 1 and not cards):
        return error_page(404, "Page not found")
    links = {"canonical": base if number == 1 else f"{base}page/{number}/"}
    if number > 1:
        links["prev"] = base if number == 2 else f"{base}page/{number - 1}/"
    if len(posts) > number * size:
        links["next"] = f"{base}page/{number + 1}/"
    body = listing(site, edition, heading, [teaser(site, a, label) for a in cards], links)
    return html_page(body, modified=max((a.updated for a in cards), default=None))


def _item(site: PrensaLatinaSite, article: Article, link: str) -> feeds.FeedItem:
    return feeds.FeedItem(
        title=article.title, link=link, guid=f"{HOME[article.edition]}/?p={article.id}",
        published=article.published, creator="Prensa Latina", categories=(article.section,),
        description=article.body[0][:200] if article.body else "",
        content_html=wp_content(article))


def feed(site: PrensaLatinaSite, edition: str, cat: str | None) -> Response:
    """The WordPress RSS 2.0 feed of an edition or an English category."""
    base = f"{EN}/news/{cat}/" if cat else f"{HOME[edition]}/"
    channel = feeds.Channel("Prensa Latina", f"{HOME[edition]}/", f"{base}feed/",
                            "Agencia Informativa Latinoamericana", LABELS[edition]["lang"])
    posts = site.wp_posts(edition, cat=cat)[:10]
    return feeds.wp_rss(channel, [_item(site, a, site.wp_url(a)) for a in posts])


def _sitemap(site: PrensaLatinaSite, edition: str, path: str) -> Response:
    chunks = _sitemap_chunks(site, edition)
    if path == "/wp-sitemap.xml":
        return feeds.sitemap_index(
            (f"{HOME[edition]}/wp-sitemap-posts-post-{n}.xml", None)
            for n in range(1, len(chunks) + 1))
    match = re.fullmatch(r"/wp-sitemap-posts-post-(\d+)\.xml", path)
    if not match or not 1 <= int(match[1]) <= len(chunks):
        return error_page(404, "Page not found")
    return feeds.urlset((site.wp_url(a), a.updated) for a in chunks[int(match[1]) - 1])


def _sitemap_chunks(site: PrensaLatinaSite, edition: str) -> list[list[Article]]:
    posts = sorted(site.wp_posts(edition), key=lambda a: a.id)  # WordPress orders by ID
    return [posts[i:i + PER_SITEMAP] for i in range(0, len(posts), PER_SITEMAP)]


def digest(site: PrensaLatinaSite, post_id: int, moment: datetime) -> Article:
    """A "main topics of the day" post: many datelines in one page, not an article."""
    title = "Second list of the main topics of the day in Prensa Latina English"
    lines = [f"{a.dateline or 'Havana, (Prensa Latina)'} {a.title}."
             for a in site.wp_posts("en") if a.dateline][:7]
    return Article(
        id=post_id, edition="en", title=title, published=moment, section="Cuba",
        body=[*lines, "Editors: Marta Ríos, Julio Cabrera, Elena Suárez"], slug=slugify(title),
        tags=["cuba"], is_article=False,
        extra={"cat": "cuba", "wp": True, "image": f"{EN}/wp-content/uploads/pl-digest.jpg"})


def sources(site: PrensaLatinaSite) -> Iterator[tuple[str, list[str]]]:
    """Feeds, sitemaps and listing pages with the article URLs they link."""
    for edition in ("en", "es"):
        posts = site.wp_posts(edition)
        yield f"{HOME[edition]}/feed/", [site.wp_url(a) for a in posts[:10]]
        for n, chunk in enumerate(_sitemap_chunks(site, edition), 1):
            yield f"{HOME[edition]}/wp-sitemap-posts-post-{n}.xml", [site.wp_url(a) for a in chunk]
        yield from _pages(f"{HOME[edition]}/", posts, HOME_PAGE, site.wp_url)
    for cat in site.categories:
        posts = site.wp_posts("en", cat=cat)
        yield f"{EN}/news/{cat}/feed/", [site.wp_url(a) for a in posts[:10]]
        yield from _pages(f"{EN}/section/{cat}/", posts, PER_PAGE, site.wp_url)
    for section in site.orn_sections:
        posts = site.orn_posts(section)
        yield o_url("vc", section), [site.orn_url(a) for a in posts[:10]]
        for n in range(0, len(posts), PER_PAGE):
            yield (o_url("vt", section, n // PER_PAGE + 1),
                   [site.orn_url(a) for a in posts[n:n + PER_PAGE]])


def _pages(base: str, posts: Sequence[Article], size: int,
           url: Callable[[Article], str]) -> Iterator[tuple[str, list[str]]]:
    for n in range(0, len(posts), size):
        number = n // size + 1
        yield (base if number == 1 else f"{base}page/{number}/",
               [url(a) for a in posts[n:n + size]])

