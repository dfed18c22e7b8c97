"""Prensa Latina replica: www.plenglish.com (English) and www.prensa-latina.cu (Spanish).

Three URL generations are served at once (outlets.md 2.1): WordPress permalinks, the
``index.php?o=rn`` pages of 2014-2021 (pages of posts that were migrated to WordPress
301 to their permalink; the others still answer 200) and Joomla-style
``option=com_content`` pages of 2013. Bare hosts 301 to ``www.``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from newsvault.replicas import corpus
from newsvault.replicas.messages import Request, Response, redirect
from newsvault.replicas.model import Article, Page, slugify
from newsvault.replicas.site import Site
from newsvault.replicas.sites import prensa_latina_routes as routes
from newsvault.replicas.sites.prensa_latina_pages import EN, ES, HOME, MONTHS_ES
from newsvault.replicas.textgen import TextGen

CATEGORIES = {"cuba": "Cuba", "latin-america": "Latin America", "world": "World",
              "economy": "Economy", "culture": "Culture", "opinion": "Opinion"}
ORN_SECTIONS = {"interior-cuba": "Cuba", "america-latina": "Latin America",
                "centroamerica-caribe": "Central America and Caribbean",
                "opinion": "Opinion", "mundo": "World"}
INITIALS = ("jg/oda/mks", "npg/ro/mks", "ef/cvl", "mgt/lrd", "arc/rc", "lam/gas")
BYLINES = ("By: Carlos M. Ferrer*", "Por Ana Rosa Valdés", "By: Lisandra Pérez*")
SAMPLE = {"wp_id": 30412, "joomla_id": 168254, "es_wp_id": 30398, "es_joomla_id": 171007}


class PrensaLatinaSite(Site):
    """The Prensa Latina replica (outlets.md 2 and 5.2)."""

    outlet = "prensa_latina"
    hosts: ClassVar[tuple[str, ...]] = ("www.plenglish.com", "plenglish.com",
                                        "www.prensa-latina.cu", "prensa-latina.cu")
    server_name = "Apache"
    categories: ClassVar[dict[str, str]] = CATEGORIES
    orn_sections: ClassVar[dict[str, str]] = ORN_SECTIONS
    tz = ZoneInfo("America/Havana")  # -04:00 in summer, -05:00 in winter

    def build(self) -> None:
        self._build_samples()
        rng = self.rng("wp")
        moment, post_id = self.ctx.now.astimezone(self.tz) - timedelta(minutes=70), 455210
        for index in range(22):
            self.add(self.generated("en", post_id, moment, index))
            moment -= timedelta(minutes=rng.randint(500, 1100))
            post_id -= rng.randint(20, 300)
        self._build_o_router(rng)
        moment = self.ctx.now.astimezone(self.tz) - timedelta(minutes=40)
        for index in range(10):
            self.add(self.generated("es", 455300 + index * 7, moment, index))
            moment -= timedelta(minutes=rng.randint(700, 1500))
        digest = routes.digest(self, 455260, self.ctx.now.astimezone(self.tz) - timedelta(hours=2))
        digest.pages = [self._wp_page(digest)]
        self.add(digest)

    def _build_samples(self) -> None:
        for name, edition, wp_id, joomla_id in (
                ("pl_2013_qseir", "en", SAMPLE["wp_id"], SAMPLE["joomla_id"]),
                ("pl_2013_qseir_es", "es", SAMPLE["es_wp_id"], SAMPLE["es_joomla_id"])):
            sample = corpus.load(name)
            article = Article(
                id=wp_id, edition=edition, title=sample["title"], published=sample.published,
                section=sample["section"], body=sample.body, tags=sample.tags,
                slug=slugify(sample["title"]), dateline=sample["dateline"],
                extra={"cat": "world", "joomla_id": joomla_id, "wp": True,
                       "image": f"{HOME[edition]}/wp-content/uploads/2013/06/siria.jpg"})
            article.pages = [self._wp_page(article), self._joomla_page(article)]
            self.add(article)

    def generated(self, edition: str, post_id: int, moment: datetime, index: int,
                  era: str = "wp") -> Article:
        """A generated post; ``era`` "orn" makes a 2014-2021 o= router post."""
        r = self.rng(era, post_id)
        story = TextGen(r, f"pl-{edition}").story()
        cat = "opinion" if index % 9 == 4 else r.choice(list(CATEGORIES)[:-1])
        byline = BYLINES[index % 3] if cat == "opinion" else None
        dateline = None if byline else dateline_for(story.place, moment, index, edition)
        body = story.paragraphs if dateline is None else \
            [f"{dateline} {story.paragraphs[0]}", *story.paragraphs[1:]]
        article = Article(
            id=post_id, edition=edition, title=story.title, published=moment,
            section=CATEGORIES[cat] if edition == "en" else "Noticias", body=body,
            slug=slugify(story.title), tags=[story.place.lower(), cat.replace("-", " ")],
            dateline=dateline, initials=None if era == "joomla" else r.choice(INITIALS), extra={
                "cat": cat, "wp": era == "wp", "byline": byline,
                "image": f"{HOME[edition]}/wp-content/uploads/{moment:%Y/%m}/foto-{post_id}.jpg"})
        if byline:
            article.authors = [byline.removeprefix("By: ").removeprefix("Por ").rstrip("*")]
        if era == "wp":
            article.pages = [self._wp_page(article)]
        return article

    def _build_o_router(self, rng: random.Random) -> None:
        start = datetime(2015, 3, 2, 10, tzinfo=self.tz)
        for k in range(12):
            moment = start + timedelta(days=200 * k + rng.randint(0, 90),
                                       minutes=rng.randint(0, 900))
            migrated, orn_id = k % 2 == 0, 70000 + 4217 * k
            # Migrated posts got WordPress ids at import; the others keep their o= id.
            article = self.generated("en", 200000 + 1000 * k if migrated else orn_id,
                                     moment, k + 1, era="wp" if migrated else "orn")
            article.extra |= {"orn_id": orn_id, "orn_sec": list(ORN_SECTIONS)[k % 5]}
            if migrated:
                page = article.pages[0]
                old = self.orn_url(article)
                page.urls = (*page.urls, old)
                page.redirects[old] = page.canonical
            else:
                article.pages = [self._orn_page(article)]
            self.add(article)
        self._build_joomla_extra()

    def _build_joomla_extra(self) -> None:
        article = self.generated("en", 9001, datetime(2012, 9, 17, 15, 30, tzinfo=self.tz), 2,
                                 era="joomla")
        article.extra["joomla_id"] = 143876
        article.pages = [self._joomla_page(article)]
        self.add(article)

    # -- URLs -----------------------------------------------------------------------------
    def wp_url(self, article: Article) -> str:
        """The WordPress permalink (the canonical URL of WordPress-era posts)."""
        local = article.published.astimezone(self.tz) if article.edition == "en" else \
            article.published
        prefix = f"{EN}/news" if article.edition == "en" else ES
        return f"{prefix}/{local:%Y/%m/%d}/{article.slug}/"

    def orn_url(self, article: Article) -> str:
        """The o= router URL of a 2014-2021 post."""
        return f"{EN}/index.php?o=rn&id={article.extra['orn_id']}&SEO={article.slug}"

    def joomla_url(self, article: Article) -> str:
        """The 2013 Joomla-style URL (Spanish carries ``idioma=1``)."""
        lang = "&idioma=1" if article.edition == "es" else ""
        return (f"{HOME[article.edition]}/index.php?option=com_content&task=view{lang}"
                f"&id={article.extra['joomla_id']}&Itemid=1")

    def _wp_page(self, article: Article) -> Page:
        url = self.wp_url(article)
        bare = url.replace("//www.", "//", 1)
        short = f"{HOME[article.edition]}/?p={article.id}"
        quirks = ["inline-dateline" if article.dateline else "byline-paragraph",
                  "initials-paragraph" if article.initials else "", "today-date-widget",
                  "latest-news-block", "related-teasers", *dateline_quirks(article.dateline)]
        return Page("wordpress", url, (url, url[:-1], bare, bare[:-1], short),
                    {url[:-1]: url, bare: url, bare[:-1]: url[:-1], short: url},
                    quirks=tuple(q for q in quirks if q), shortlink=short)

    def _orn_page(self, article: Article) -> Page:
        url = self.orn_url(article)
        bare = url.replace("//www.", "//", 1)
        return Page("o-router", url, (url, bare), {bare: url},
                    quirks=("doubled-apostrophes", "spanish-timestamp", "inline-dateline",
                            "initials-paragraph", *dateline_quirks(article.dateline)),
                    precision="minute")

    def _joomla_page(self, article: Article) -> Page:
        url = self.joomla_url(article)
        bare = url.replace("//www.", "//", 1)
        return Page("joomla", url, (url, bare), {bare: url}, precision="day",
                    quirks=("table-layout", "inline-dateline"))

    def utc(self, moment: datetime) -> str:
        """WordPress meta prints times in UTC (+00:00)."""
        return moment.astimezone(UTC).isoformat()

    def home_url(self, article: Article) -> str:
        return f"{HOME[article.edition]}/"

    def wp_posts(self, edition: str, exclude: int | None = None, cat: str | None = None,
                 tag: str | None = None) -> list[Article]:
        """WordPress posts of an edition (optionally a category or tag), newest first."""
        return self.live(lambda a: a.edition == edition and a.extra.get("wp", False)
                         and a.id != exclude and cat in (None, a.extra.get("cat"))
                         and (tag is None or tag in a.tags))

    def orn_posts(self, section: str | None = None) -> list[Article]:
        """Posts of the o= era (migrated ones included: their o=rn URLs now redirect)."""
        return self.live(lambda a: "orn_id" in a.extra and section in (None, a.extra["orn_sec"]))

    def publish(self, edition: str | None = None) -> int:
        with self._lock:
            when = self.tick().astimezone(self.tz)
            post_id = max(a for a in self.articles if a < 456000) + 13
            return self.add(self.generated(edition or "en", post_id, when, 1)).id

    # -- requests -------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        if not request.host.startswith("www."):
            return redirect(f"https://www.{request.host}{request.target}")
        return routes.route(self, request)

    def sources(self) -> Iterable[tuple[str, Iterable[str]]]:
        return routes.sources(self)


def dateline_for(place: str, moment: datetime, index: int, edition: str) -> str:
    """Dateline variants seen on the real site (outlets.md 2.3), chosen by position."""
    mon_es = MONTHS_ES[moment.month - 1][:3]
    if edition == "es":
        return f"{place}, {moment.day} {mon_es} (Prensa Latina)"
    variant = index % 6
    agency = "(Prensa Laltina)" if index == 7 else "(Prensa Latina)"
    if variant == 3:
        return f"{place}, {agency}"
    if variant == 4:
        return f"{place}, {moment.day} {mon_es} {agency}"
    return f"{place}, {moment:%b} {moment.day} {agency}" + (":" if variant == 5 else "")


def dateline_quirks(dateline: str | None) -> tuple[str, ...]:
    """Names of the dateline variants present (for ArticleTruth.quirks)."""
    if not dateline:
        return ()
    found = [("dateline-typo", "Laltina" in dateline), ("dateline-colon", dateline.endswith(":")),
             ("dateline-no-date", ", (Prensa" in dateline),
             ("dateline-spanish-month", any(f" {m[:3]} (" in dateline for m in MONTHS_ES))]
    return tuple(name for name, present in found if present)
