"""Emirates Voice replica: the same site on www., bare and mail. hosts, no redirects.

URL generations (outlets.md 3.2): ``/en/<id>/<slug>`` (2013 era),
``/en/<section>-<sid>/<slug>-<NNNNNN>`` (2018 era) and Arabic columns
``/w-<writer>/<NNNNNN>-<slug>`` (also reachable without the id). Section listings page
with ``?page=N`` (invented; the real scheme is unknown). Slugs are not checked: the page
is found by id, as many custom CMSs do (invented).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import quote

from newsvault.replicas import corpus
from newsvault.replicas.media import image
from newsvault.replicas.messages import Request, Response, error_page, html_page, text
from newsvault.replicas.model import Article, Page, slugify, stripslashes
from newsvault.replicas.site import Site
from newsvault.replicas.sites.emirates_voice_pages import (
    WWW,
    article_page,
    card,
    column_page,
    feedcreator_rss,
    listing_page,
    parse_gmt_line,
)
from newsvault.replicas.textgen import PACKS, TextGen

HOSTS = ("www.emiratesvoice.com", "emiratesvoice.com", "mail.emiratesvoice.com")
SECTIONS = {"news": 12, "politics": 3, "economy": 5, "sports": 7, "travel": 459,
            "technology": 21, "health": 33, "lifestyle": 48}
WRITERS = {347: "سالم الكعبي", 2404: "منى الشامسي", 1120: "خالد المهيري", 518: "عائشة النعيمي",
           933: "راشد الظاهري"}
PER_PAGE = 5
EN_QUIRKS = ("lowercase-title", "backslash-escapes", "decoy-last-updated", "today-date-widget",
             "comment-form", "most-read-list", "gmt-date-line-only")


class EmiratesVoiceSite(Site):
    """The Emirates Voice replica (outlets.md 3 and 5.3)."""

    outlet = "emirates_voice"
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    server_name = "Apache/2.4.41 (Ubuntu)"
    most_read_ids: list[int]

    def build(self) -> None:
        self.last_updated = f"{(5 + self.ctx.seed) % 24:02d}:17:37"
        self.most_read_ids = []
        self._build_sample()
        start = datetime(2013, 5, 20, 8, tzinfo=UTC)
        for k, post_id in enumerate((301, 303, 306, 309, 311, 316, 319)):
            self.add(self.generated(post_id, start + timedelta(days=3 * k, hours=k), "news",
                                    era="2013"))
        self._build_2018()
        for k, writer in enumerate(WRITERS):
            self.add(self._column(92651 + 37 * k, writer, k))

    def _build_sample(self) -> None:
        sample = corpus.load("ev_2013_qusayr")
        body = [stripslashes(p) for p in sample.paragraphs]
        caption = sample["caption"]
        body[0] = body[0].removeprefix(caption + " ")  # the caption is repeated, undo it
        article = Article(
            id=314, edition="en", title=sample["title"], published=sample.published,
            section="News", body=body, slug=slugify(sample["title"]), dateline=sample["dateline"],
            extra={"era": "2013", "section": "news", "kicker": sample["kicker"], "caption": caption,
                   "caption_in_lead": True, "has_canonical": False,
                   "image": f"{WWW}/en/img/2013/06/assad.jpg"})
        article.pages = [self._page(article)]
        self.add(article)

    def _build_2018(self) -> None:
        rng = self.rng("2018")
        for k, (when, printed) in enumerate(corpus.most_read()):
            moment = parse_gmt_line(when)
            post_id = 50123 if k == 0 else int((moment - datetime(2010, 1, 1, tzinfo=UTC)
                                                ).days * 15.85) + k
            section = "news" if k == 0 else rng.choice(list(SECTIONS))
            article = self.generated(post_id, moment, section, title=stripslashes(printed))
            self.most_read_ids.append(self.add(article).id)
        moment = datetime(2018, 3, 4, 9, 30, tzinfo=UTC)
        for k in range(8):
            moment += timedelta(days=rng.randint(60, 300), minutes=rng.randint(0, 600))
            post_id = int((moment - datetime(2010, 1, 1, tzinfo=UTC)).days * 15.85) + 50 + k
            self.add(self.generated(post_id, moment, rng.choice(list(SECTIONS))))

    def generated(self, post_id: int, moment: datetime, section: str, era: str = "2018",
                  title: str | None = None) -> Article:
        """A generated English article of either URL generation."""
        r = self.rng("en", post_id)
        story = TextGen(r, "ev-en").story()
        caption = story.place if post_id % 2 else ""
        article = Article(
            id=post_id, edition="en", title=title or story.title, published=moment,
            section=section.title(), body=story.paragraphs,
            slug=slugify(title or story.title), dateline=f"{story.place} - Arabstoday",
            extra={"era": era, "section": section, "caption": caption,
                   "caption_in_lead": bool(caption) and post_id % 4 == 1,
                   "kicker": story.paragraphs[0].split(".")[0][:60] if post_id % 3 == 0 else None,
                   "has_canonical": post_id % 3 != 0,
                   "image": f"{WWW}/en/img/{moment:%Y/%m}/{post_id}.jpg"})
        article.pages = [self._page(article)]
        return article

    def _column(self, post_id: int, writer: int, k: int) -> Article:
        r = self.rng("ar", post_id)
        story = TextGen(r, "ev-ar").story()
        title = r.choice(("في ", "عن ", "حديث عن ")) + r.choice(PACKS["ev-ar"]["topic"])
        moment = self.ctx.now.astimezone(UTC) - timedelta(days=9 * k + 1, hours=3 * k)
        article = Article(
            id=post_id, edition="ar", title=title, published=moment, section="مقالات",
            body=story.paragraphs, slug=slugify(title), authors=[WRITERS[writer]],
            extra={"era": "column", "writer": writer, "has_canonical": k != 1,
                   "cp1256": k == 2})
        article.pages = [self._page(article)]
        return article

    # -- URLs -----------------------------------------------------------------------------
    def url(self, article: Article, host: str = "www.emiratesvoice.com") -> str:
        """The article's URL on ``host`` (canonical on www.)."""
        extra = article.extra
        if extra["era"] == "2013":
            path = f"/en/{article.id}/{article.slug}"
        elif extra["era"] == "2018":
            section = f"{extra['section']}-{SECTIONS[extra['section']]}"
            path = f"/en/{section}/{article.slug}-{article.id:06d}"
        else:
            path = f"/w-{extra['writer']}/{article.id:06d}-{quote(article.slug)}"
        return f"https://{host}{path}"

    def _page(self, article: Article) -> Page:
        urls = [self.url(article, host) for host in HOSTS]
        quirks: tuple[str, ...] = EN_QUIRKS
        generation = {"2013": "ev-2013", "2018": "ev-2018"}.get(article.extra["era"],
                                                                "ev-arabic-column")
        if article.edition == "ar":
            urls += [re.sub(r"/\d{6}-", "/", u) for u in urls]
            quirks = ("rtl", "percent-encoded-arabic-slug", "backslash-escapes",
                      "decoy-last-updated", "gmt-date-line-only")
        quirks += () if article.extra["has_canonical"] else ("no-canonical",)
        if article.extra.get("caption_in_lead"):
            quirks += ("caption-repeated-in-lead",)
        charset = "windows-1256" if article.extra.get("cp1256") else "utf-8"
        if charset != "utf-8":
            quirks += ("charset-only-in-http-header", "missing-meta-charset")
        return Page(generation, urls[0], tuple(urls), charset=charset, quirks=quirks,
                    precision="minute")

    def home_url(self, article: Article) -> str:
        return f"{WWW}/" if article.edition == "ar" else f"{WWW}/en/"

    def english(self, section: str | None = None) -> list[Article]:
        """Listed English articles, newest first."""
        return self.live(lambda a: a.edition == "en" and section in (None, a.extra["section"]))

    def columns(self) -> list[Article]:
        """Listed Arabic columns, newest first."""
        return self.live(lambda a: a.edition == "ar")

    def publish(self, edition: str | None = None) -> int:
        with self._lock:
            post_id = max(a for a in self.articles if a < 92000) + 1
            return self.add(self.generated(post_id, self.tick(), "news")).id

    # -- requests -------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path = request.path
        if path == "/robots.txt":
            return text("User-agent: *\nDisallow:\n")
        if path.startswith(("/en/img/", "/img/")):
            return image(request)
        if path == "/en/comment":
            return html_page("<html><body><p>Thank you, your comment awaits moderation.</p>"
                             "</body></html>")
        for pattern, handler in self._routes():
            match = re.fullmatch(pattern, request.upath)
            if match:
                return handler(request, *match.groups())
        return error_page(404, "Page not found")

    def _routes(self) -> tuple:
        return ((r"/en/", self._home), (r"/", self._arabic_home), (r"/en/rss", self._rss),
                (r"/en/([a-z]+)/rss\.xml", self._rss),
                (r"/en/(\d+)/[^/]+", lambda r, i: self._article(r, i, "2013")),
                (r"/en/([a-z]+)-(\d+)/?", self._section),
                (r"/en/([a-z]+)-\d+/.+-(\d{6})", lambda r, s, i: self._article(r, i, "2018")),
                (r"/w-(\d+)/(.+)", self._column_route))

    def _article(self, request: Request, post_id: str, era: str) -> Response:
        article = self.articles.get(int(post_id))
        if article is None or article.extra["era"] != era:
            return error_page(404, "Page not found")
        return self.serve(request, article, lambda a: html_page(article_page(self, a)))

    def _column_route(self, request: Request, writer: str, rest: str) -> Response:
        match = re.match(r"(\d{6})-", rest)
        for article in self.articles.values():
            if article.edition == "ar" and article.extra["writer"] == int(writer) and (
                    (match and article.id == int(match[1])) or article.slug == rest):
                return self.serve(request, article, self._render_column)
        return error_page(404, "Page not found")

    def _render_column(self, article: Article) -> Response:
        if article.extra.get("cp1256"):
            # windows-1256 only in the HTTP header; the page has no <meta charset> at all.
            return html_page(column_page(self, article, ""), charset="windows-1256")
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        return html_page(column_page(self, article, meta))

    def _home(self, request: Request) -> Response:
        blocks = "".join(
            f'<div class="block"><h2><a href="/en/{s}-{sid}/">{s.title()}</a></h2>' +
            "".join(card(self, a) for a in self.english(s)[:3]) + "</div>"
            for s, sid in SECTIONS.items())
        return html_page(listing_page(self, "Emirates Voice", blocks, {}))

    def _arabic_home(self, request: Request) -> Response:
        blocks = "".join(card(self, a) for a in self.columns())
        return html_page(listing_page(self, "صوت الإمارات", blocks, {}, arabic=True))

    def _section(self, request: Request, section: str, sid: str) -> Response:
        if SECTIONS.get(section) != int(sid):
            return error_page(404, "Page not found")
        number = request.int_param("page", 1)
        found = self.english(section)
        cards = found[(number - 1) * PER_PAGE:number * PER_PAGE]
        if number < 1 or (number > 1 and not cards):
            return error_page(404, "Page not found")
        base = f"{WWW}/en/{section}-{sid}/"
        links = {"canonical": base if number == 1 else f"{base}?page={number}"}
        if len(found) > number * PER_PAGE:
            links["next"] = f"{base}?page={number + 1}"
        blocks = "".join(card(self, a) for a in cards)
        return html_page(listing_page(self, f"{section.title()}- Arab Today", blocks, links))

    def _rss(self, request: Request, section: str | None = None) -> Response:
        if section is not None and section not in SECTIONS:
            return error_page(404, "Page not found")
        title = f"{section.title()}- Arab Today" if section else "Arab Today"
        return feedcreator_rss(title, self.english(section)[:10], self)

    def sources(self) -> Iterator[tuple[str, Iterable[str]]]:
        yield f"{WWW}/en/rss", [self.url(a) for a in self.english()[:10]]
        for section, sid in SECTIONS.items():
            found = self.english(section)
            yield f"{WWW}/en/{section}/rss.xml", [self.url(a) for a in found[:10]]
            for n in range(0, len(found), PER_PAGE):
                page = "" if n == 0 else f"?page={n // PER_PAGE + 1}"
                yield f"{WWW}/en/{section}-{sid}/{page}", [self.url(a) for a in
                                                             found[n:n + PER_PAGE]]
        yield f"{WWW}/", [self.url(a) for a in self.columns()]
