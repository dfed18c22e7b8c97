"""archive.sana.sy: the pre-relaunch English site (WordPress + TieLabs Sahifa), query URLs only.

Holds the 2013 sample articles (as imported posts) and generated 2014-2025 posts. With
``faults=True`` the host is slow (15-65 s scaled by ``slow_scale``) and answers 503 to
about 20 % of first and second attempts, decided by a hash of the seed, path and attempt.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from newsvault.replicas import corpus
from newsvault.replicas.faults import retry_later, unit
from newsvault.replicas.media import image
from newsvault.replicas.messages import Request, Response, error_page, html_page, redirect, text
from newsvault.replicas.model import Article, Page
from newsvault.replicas.sites import feeds
from newsvault.replicas.templates import render
from newsvault.replicas.textgen import TextGen

if TYPE_CHECKING:
    from newsvault.replicas.sites.sana import SanaSite

HOME = "https://archive.sana.sy/en/"
SAMPLE_IDS = {"sana_2013_victory": 4503, "sana_2013_restores": 4507, "sana_2013_lavrov": 4512}
SAMPLE_CATS = {"sana_2013_victory": 2, "sana_2013_restores": 3, "sana_2013_lavrov": 106}
CATS = {2: "Politics", 3: "Local", 106: "Syria and the World", 453: "Reports", 7: "Economy"}
PER_PAGE = 10
ROBOTS = "User-agent: *\nCrawl-delay: 5\nDisallow: /en/wp-admin/\n"
INITIALS = ("H. Said", "R. Raslan", "Hazem Sabbagh", "M. Nassr/ M. Ismael", "Gh.A.Hassoun")
QUIRKS = ("inline-dateline", "initials-paragraph", "entry-end-comment", "related-posts",
          "listing-dates-without-year")


def build(site: SanaSite) -> None:
    """Add the 2013 samples and 30 generated Sahifa posts."""
    for name, post_id in SAMPLE_IDS.items():
        sample = corpus.load(name)
        article = Article(
            id=post_id, edition="en", title=sample["title"], published=sample.published,
            section=CATS[SAMPLE_CATS[name]], body=sample.body, tags=sample.tags,
            dateline=sample["dateline"], initials=sample["initials"],
            extra={"cat_id": SAMPLE_CATS[name], "subheads": sample.subheads, "user": "Sana"})
        article.pages = [_page(article)]
        site.add(article)
    site.add(_syndicated())
    rng = site.rng("archive")
    start, end = datetime(2014, 2, 10, 9, tzinfo=UTC), datetime(2025, 7, 20, 9, tzinfo=UTC)
    for k in range(30):
        moment = (start + (end - start) * k / 29 + timedelta(minutes=rng.randint(0, 600))
                  ).replace(microsecond=0)  # pages print seconds; so does the truth
        post_id = 12000 + (357000 - 12000) * k // 29 + rng.randint(0, 90)
        site.add(_generated(site, post_id, moment))


SYNDICATED_ID = 4520


def _syndicated() -> Article:
    """Prensa Latina's Qusayr dispatch as SANA ran it the next day (agencies syndicate each
    other): the same paragraphs under SANA's dateline, title and sign-off. Invented, to give
    the near-duplicate detection a real copy across outlets."""
    sample = corpus.load("pl_2013_qseir")
    first, *rest = sample.body
    lead = first.removeprefix(sample["dateline"]).strip()
    dateline = "Damascus, SANA –"
    return _with_page(Article(
        id=SYNDICATED_ID, edition="en", title="Prensa Latina: Qusseir Victory Deals Harsh "
        "Blow to Rebel Groups", published=datetime(2013, 6, 7, 9, 30, tzinfo=UTC),
        section=CATS[106], body=[f"{dateline} {lead}", *rest], tags=["Qusseir"],
        dateline=dateline, initials="H. Said",
        extra={"cat_id": 106, "subheads": set(), "user": "Sana"}))


def _with_page(article: Article) -> Article:
    article.pages = [_page(article)]
    return article


def _generated(site: SanaSite, post_id: int, moment: datetime) -> Article:
    r = site.rng("sahifa", post_id)
    story = TextGen(r, "sana-en").story()
    dateline = f"{story.place}, SANA –"
    cat_id = r.choice(list(CATS))
    article = Article(
        id=post_id, edition="en", title=story.title, published=moment, section=CATS[cat_id],
        body=[f"{dateline} {story.paragraphs[0]}", *story.paragraphs[1:]],
        tags=[story.place], dateline=dateline, initials=r.choice(INITIALS),
        extra={"cat_id": cat_id, "user": r.choice(("Sana", "Hala", "Manar")),
               "gallery": post_id % 4 == 0})
    article.pages = [_page(article)]
    return article


def _page(article: Article) -> Page:
    canonical = f"{HOME}?p={article.id}"
    old = f"https://sana.sy/en/?p={article.id}"
    quirks = QUIRKS + (("gallery",) if article.extra.get("gallery") else ())
    return Page("sahifa", canonical, (canonical, old), {old: canonical}, quirks=quirks,
                shortlink=old)


def route(site: SanaSite, request: Request) -> Response:
    """archive.sana.sy, with its fault profile when faults are on."""
    if request.path == "/robots.txt":
        return text(ROBOTS)
    response = _route(site, request)
    if site.ctx.faults:
        seed, target = site.ctx.seed, request.target
        attempt = site.ctx.counters.attempt(f"archive:{target}")
        if attempt < 2 and unit(seed, "archive-503", target, attempt) < 0.2:
            response = retry_later(503, 1)
        response.delay = (15 + 50 * unit(seed, "archive-delay", target)) * site.ctx.slow_scale
    return response


def _route(site: SanaSite, request: Request) -> Response:
    if request.path.startswith("/en/wp-content/"):
        return image(request)
    if request.path in ("/", "/en"):
        return redirect(HOME)
    params = request.params
    if request.path == "/en/feed/" or (request.path == "/en/" and params.get("feed")):
        return _feed(site)
    if request.path != "/en/":
        return error_page(404, "Not found.")
    if "p" in params:
        article = site.articles.get(request.int_param("p"))
        if article is None or article.pages[0].generation != "sahifa":
            return error_page(404, "Nothing Found")
        return site.serve(request, article, lambda a: html_page(sahifa_article(site, a)))
    return _listing(site, request)


def posts(site: SanaSite, cat_id: int | None = None, tag: str | None = None) -> list[Article]:
    """Archive posts, newest first, optionally of one category or tag."""
    def keep(a: Article) -> bool:
        return (a.pages[0].generation == "sahifa" and cat_id in (None, a.extra["cat_id"])
                and (tag is None or tag in (_slug(t) for t in a.tags)))
    return site.live(keep)


def _slug(tag: str) -> str:
    return tag.lower().replace(" ", "-")


def _base(cat_id: int | None, tag: str | None) -> str:
    if cat_id:
        return f"{HOME}?cat={cat_id}"
    return f"{HOME}?tag={quote(tag)}" if tag else HOME


def page_url(base: str, number: int) -> str:
    """Sahifa paging: ``?paged=N`` appended to the listing's query."""
    if number == 1:
        return base
    return f"{base}{'&' if '?' in base else '?'}paged={number}"


def _listing(site: SanaSite, request: Request) -> Response:
    cat_id = request.int_param("cat") or None
    tag = request.params.get("tag") or None
    number = request.int_param("paged", 1)
    found = posts(site, cat_id, tag)
    cards = found[(number - 1) * PER_PAGE:number * PER_PAGE]
    if number < 1 or (number > 1 and not cards) or (cat_id and cat_id not in CATS):
        return error_page(404, "Nothing Found")
    base = _base(cat_id, tag)
    heading = CATS[cat_id] if cat_id else (f"Tag: {tag}" if tag else "Latest News")
    more = len(found) > number * PER_PAGE
    rel = f'<link rel="next" href="{escape(page_url(base, number + 1))}">\n' if more else ""
    nav = (f'<span id="tie-next-page"><a href="{escape(page_url(base, number + 1))}">&raquo;'
           "</a></span>") if more else ""
    body = render("sana_sahifa_listing.html", title_full=escape(f"{heading} | SANA"),
                  rel_links=rel, body_class="archive category" if cat_id else "home blog",
                  menu=_menu(), heading=escape(heading), cards=_cards(cards), pagination=nav)
    return html_page(body, modified=max((a.updated for a in cards), default=None))


def _cards(cards: Sequence[Article]) -> str:
    out, month = [], ""
    for article in cards:
        heading = article.published.strftime("%B, %Y")
        if heading != month:
            out.append(f'<h2 class="archive-month">{heading}</h2>')
            month = heading
        url = f"{HOME}?p={article.id}"
        out.append(
            f'<article class="item-list"><h2 class="post-box-title"><a href="{url}">'
            f"{escape(article.title)}</a></h2><p class=\"post-meta\"><span class=\"tie-date\">"
            f"{article.published.day} {article.published:%B}</span></p><div class=\"entry\">"
            f"<p>{escape(article.body[0][:160])}&hellip;</p><a class=\"more-link\" "
            f'href="{url}">Read More &raquo;</a></div><div class="clear"></div></article>')
    return "\n".join(out)


def _menu() -> str:
    return '<li><a href="https://archive.sana.sy/en/">Home</a></li>' + "".join(
        f'<li><a href="{HOME}?cat={c}">{escape(n)}</a></li>' for c, n in CATS.items())


def _entry(article: Article) -> str:
    subheads: set[str] = article.extra.get("subheads", set())
    paras = [f"<p><strong>{escape(p)}</strong></p>" if p in subheads else f"<p>{escape(p)}</p>"
             for p in article.body]
    if article.initials:
        paras.append(f"<p>{escape(article.initials)}</p>")
    if article.extra.get("gallery"):
        items = "".join(f"<dl class='gallery-item'><dt class='gallery-icon landscape'><a href='"
                        f"{HOME}wp-content/uploads/{article.published:%Y/%m}/{article.id}-{n}.jpg'>"
                        f"<img src='{HOME}wp-content/uploads/{article.published:%Y/%m}/"
                        f"{article.id}-{n}-150x150.jpg' alt=''></a></dt></dl>" for n in (1, 2, 3))
        paras.append(f"<div id='gallery-1' class='gallery galleryid-{article.id} gallery-"
                     f"columns-3 gallery-size-thumbnail'>{items}</div>")
    return "\n".join(paras)


def sahifa_article(site: SanaSite, article: Article) -> str:
    """A Sahifa single post (outlets.md 5.1 skeleton)."""
    others = posts(site)
    related = [a for a in others if a.extra["cat_id"] == article.extra["cat_id"]
               and a.id != article.id][:3]
    utc = article.published.astimezone(UTC)
    return render(
        "sana_sahifa_article.html", title=escape(article.title), canonical=f"{HOME}?p={article.id}",
        section=escape(article.section), published=utc.isoformat(),
        modified=article.updated.astimezone(UTC).isoformat(), id=article.id,
        today=site.ctx.now.strftime("%A , %d %B %Y"), ticker=_links(others[:5]), menu=_menu(),
        cat_id=article.extra["cat_id"], image=f"{HOME}wp-content/uploads/{utc:%Y/%m}/"
        f"{article.id}-660x330.jpg", author_id=sum(map(ord, article.extra["user"])) % 90 + 2,
        user=escape(article.extra["user"]), date_text=f"{utc:%B} {utc.day}, {utc.year}",
        content=_entry(article), updated=f"{utc:%Y-%m-%d}",
        tags=", ".join(f'<a href="{HOME}?tag={quote(_slug(t))}" rel="tag">{escape(t)}</a>'
                       for t in article.tags),
        title_q=quote(article.title), related=_related(related), recent=_links(others[:5]),
        copy_year=site.ctx.now.year)


def _links(articles: Iterable[Article]) -> str:
    return "".join(f'<li><a href="{HOME}?p={a.id}">{escape(a.title)}</a></li>'
                   for a in articles)


def _related(articles: Iterable[Article]) -> str:
    return "\n".join(
        f'<div class="related-item"><h3><a href="{HOME}?p={a.id}" rel="bookmark">'
        f'{escape(a.title)}</a></h3><p class="post-meta"><span class="tie-date">'
        f"{a.published:%B} {a.published.day}, {a.published.year}</span></p></div>"
        for a in articles)


def _feed(site: SanaSite) -> Response:
    channel = feeds.Channel("Syrian Arab News Agency", HOME, f"{HOME}?feed=rss2",
                            "Syrian Arab News Agency", "en-US",
                            generator="https://wordpress.org/?v=4.9.8")
    items = [feeds.FeedItem(
        title=a.title, link=f"{HOME}?p={a.id}", guid=f"https://sana.sy/en/?p={a.id}",
        published=a.published, creator=a.extra["user"], categories=(a.section,),
        description=a.body[0][:200], content_html=_entry(a)) for a in posts(site)[:10]]
    return feeds.wp_rss(channel, items)


def sources(site: SanaSite) -> Iterator[tuple[str, Iterable[str]]]:
    """The archive's feed and listing pages with the post URLs they link."""
    latest = [f"{HOME}?p={a.id}" for a in posts(site)[:10]]
    yield f"{HOME}?feed=rss2", latest
    yield f"{HOME}feed/", latest
    for cat_id in (None, *CATS):
        found = posts(site, cat_id)
        for number in range(1, len(found) // PER_PAGE + 2):
            cards = found[(number - 1) * PER_PAGE:number * PER_PAGE]
            if cards:
                yield (page_url(_base(cat_id, None), number),
                       [f"{HOME}?p={a.id}" for a in cards])
