"""SANA replica: sana.sy (Foxiz, Aug 2025 relaunch), archive.sana.sy (Sahifa), cdn.sananews.sy.

Hosts ``www.sana.sy`` and ``test.sana.sy`` serve sana.sy's pages unchanged, and the
trailing-dot form ``sana.sy.`` works everywhere (outlets.md 5.1, edge case 7). Listings
show 4 cards per page (invented, so that 40 posts reach the page-9 cap).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import ClassVar

from newsvault.replicas import corpus
from newsvault.replicas.faults import ARTICLE_FAULTS
from newsvault.replicas.media import image
from newsvault.replicas.messages import HTML, Request, Response, error_page, html_page
from newsvault.replicas.model import Article, Page
from newsvault.replicas.site import Site
from newsvault.replicas.sites import sana_archive, sana_routes
from newsvault.replicas.sites.sana_pages import HOME, foxiz_article, legacy_article
from newsvault.replicas.textgen import TextGen

ALIASES = ("www.sana.sy", "test.sana.sy")
EN_CATS = {"politics": "Politics", "presidency": "Presidency", "syria": "Syria",
           "local": "Local", "economy": "Economy", "governorates": "Governorates",
           "governorates/aleppo": "Aleppo", "video": "Video"}
AR_CATS = {"syria-news": "أخبار سوريا", "locals": "محليات", "economy": "اقتصاد",
           "politics": "سياسة", "governorates": "المحافظات", "governorates/aleppo": "حلب",
           "culture-and-arts": "ثقافة وفنون"}
USERS = ("Bouthina", "Hala", "Manar", "Ruaa", "Mazen", "Ghossoun")
INITIALS = ("B. Mousa / Mazen", "H. Said", "R. Raslan", "M. Nassr/ M. Ismael", "Gh.A.Hassoun")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LEGACY = {"sana_2013_victory": ("21", 487196), "sana_2013_restores": ("22", 487205),
          "sana_2013_lavrov": ("23", 487219)}
LEGACY_AR_ID = 487102
FOXIZ_QUIRKS = ("relative-time-text", "title-suffix", "dateline-paragraph", "related-block",
                "tag-bar", "share-bar", "data-nextposturl")


class SanaSite(Site):
    """The SANA replica (outlets.md 1 and 5.1)."""

    outlet = "sana"
    hosts: ClassVar[tuple[str, ...]] = ("sana.sy", *ALIASES, "archive.sana.sy",
                                        "cdn.sananews.sy")
    categories: ClassVar[dict[str, dict[str, str]]] = {"en": EN_CATS, "ar": AR_CATS}

    def build(self) -> None:
        self._build_current()
        sana_archive.build(self)
        self._build_legacy()
        if self.ctx.faults:
            self._build_fault_articles()

    # -- content --------------------------------------------------------------------------
    def _build_current(self) -> None:
        rng = self.rng("current")
        editions = ["en"] * 40 + ["ar"] * 25
        rng.shuffle(editions)
        editions[:2] = ["en", "ar"]
        post_id, moment = 2290400, self.ctx.now - timedelta(minutes=50)
        for index, edition in enumerate(editions):
            if index == 6:
                self.add(self._video(post_id, moment))
                post_id -= 7
            self.add(self.foxiz(edition, post_id, moment, index))
            moment -= timedelta(minutes=rng.randint(240, 560))
            post_id -= rng.randint(3, 400)

    def foxiz(self, edition: str, post_id: int, moment: datetime, index: int) -> Article:
        """A generated Foxiz post (English or Arabic)."""
        r = self.rng("foxiz", post_id)
        story = TextGen(r, f"sana-{edition}").story()
        cats = [c for c in self.categories[edition] if c not in ("video", "governorates")]
        cat = "politics" if index % 3 == 0 else r.choice(cats)
        title = ("Updated- " if edition == "en" and index in (4, 17) else "") + story.title
        sep = r.choice(["-", " –", "_"])
        article = Article(
            id=post_id, edition=edition, title=title, published=moment,
            section=self.categories[edition][cat], body=story.paragraphs,
            tags=[story.place, self.categories[edition][cat]],
            dateline=f"{story.place}, SANA{sep}" if edition == "en" else f"{story.place}-سانا",
            initials=r.choice(INITIALS) if edition == "en" else None,
            extra={"cat": cat, "wp_user": r.choice(USERS), "image": self._image(edition, r,
                                                                               moment),
                   "media_text": post_id % 5 == 0, "gallery": post_id % 7 == 0})
        article.authors = [article.extra["wp_user"]]
        article.pages = [self._foxiz_page(article)]
        return article

    def _image(self, edition: str, r: random.Random, moment: datetime) -> str:
        stamp = moment.strftime("%Y%m%d_%H%M%S")
        name = stamp.translate(ARABIC_DIGITS) if edition == "ar" else f"IMG_{stamp}"
        return f"https://cdn.sananews.sy/{moment:%Y/%m}/{name}-1024x683.jpg"

    def _video(self, post_id: int, moment: datetime) -> Article:
        article = self.foxiz("en", post_id, moment, 1)
        article.title = article.title + " -Video"
        article.extra |= {"cat": "video", "video": True, "media_text": False, "gallery": False}
        article.section, article.body, article.initials = "Video", [], None
        article.is_article = False
        article.pages = [self._foxiz_page(article)]
        return article

    def _foxiz_page(self, article: Article, fault: str | None = None) -> Page:
        canonical = f"{HOME[article.edition]}{article.extra['cat']}/{article.id}/"
        short = f"{HOME[article.edition]}?p={article.id}"
        same = [canonical.replace("//sana.sy/", f"//{h}/") for h in (*ALIASES, "sana.sy.")]
        quirks = FOXIZ_QUIRKS + (("initials-paragraph",) if article.initials else ())
        quirks += tuple(q for q in ("media_text", "gallery") if article.extra.get(q))
        if article.edition == "ar":
            quirks += ("arabic-indic-digits-in-image", "percent-encoded-tag-slugs", "rtl")
        return Page("foxiz", canonical, (canonical, *same, short, canonical[:-1]),
                    {short: canonical, canonical[:-1]: canonical}, quirks=quirks, fault=fault,
                    shortlink=short)

    def _build_legacy(self) -> None:
        for name, (cat, legacy_id) in LEGACY.items():
            article = self.articles[sana_archive.SAMPLE_IDS[name]]
            url = f"https://sana.sy/eng/{cat}/2013/06/06/{legacy_id}.htm"
            article.extra["legacy"] = url
            www = url.replace("//sana.sy/", "//www.sana.sy/")
            article.pages.append(Page("legacy-2013", url, (url, www), precision="day",
                                      quirks=("hypothetical-layout", "inline-dateline",
                                              "initials-paragraph")))
        sample = corpus.load("sana_2013_ar_legacy")
        url = f"https://sana.sy/ara/2/2013/06/05/{LEGACY_AR_ID}.htm"
        self.add(Article(
            id=LEGACY_AR_ID, edition="ar", title=sample["title"], published=sample.published,
            section=sample["section"], body=sample.body, tags=sample.tags,
            dateline=sample["dateline"], extra={"legacy": url, "cat": "locals"},
            pages=[Page("legacy-2013", url, (url, url.replace("//sana.sy/", "//www.sana.sy/")),
                        charset="windows-1256", precision="day",
                        quirks=("hypothetical-layout", "inline-dateline",
                                "charset-only-in-http-header", "conflicting-meta-charset"))]))

    def _build_fault_articles(self) -> None:
        for offset, name in enumerate(ARTICLE_FAULTS):
            edition = "ar" if name == "wrong-charset" else "en"
            article = self.foxiz(edition, 2290901 + offset,
                                 self.ctx.now - timedelta(minutes=5 + offset), 1)
            article.extra |= {"feed_only": True,
                              "cat": "syria" if edition == "en" else "syria-news"}
            article.section = self.categories[edition][article.extra["cat"]]
            article.is_article = name not in ("404", "500", "offsite", "redirect-loop", "empty")
            page = self._foxiz_page(article, fault=name)
            if name == "wrong-charset":
                page.charset, page.quirks = "windows-1256", (*page.quirks, "mislabelled-charset")
            article.pages = [page]
            self.add(article)

    def publish(self, edition: str | None = None) -> int:
        """A new Foxiz post, newer than everything else."""
        with self._lock:
            post_id = max(a for a in self.articles if a < 2290900) + 11
            when = self.tick().astimezone(self.ctx.now.tzinfo)
            return self.add(self.foxiz(edition or "en", post_id, when, 2)).id

    # -- URLs -----------------------------------------------------------------------------
    def url(self, article: Article) -> str:
        """The article's primary canonical URL."""
        return article.pages[0].canonical

    def home_url(self, article: Article) -> str:
        if article.pages[0].generation == "sahifa":
            return sana_archive.HOME
        return HOME[article.edition]

    def listing(self, edition: str, cat: str | None = None, tag: str | None = None
                ) -> list[Article]:
        """Foxiz posts of an edition, category (with sub-categories) or tag, newest first."""
        def keep(a: Article) -> bool:
            if a.edition != edition or a.pages[0].generation != "foxiz":
                return False
            if cat and not (a.extra["cat"] + "/").startswith(cat + "/"):
                return False
            return tag is None or tag.lower() in (t.lower() for t in a.tags)
        return self.live(keep)

    # -- requests -------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        if request.host == "archive.sana.sy":
            return sana_archive.route(self, request)
        if request.host == "cdn.sananews.sy":
            return image(request)
        match = re.fullmatch(r"/(eng|ara)/\d+/\d{4}/\d\d/\d\d/(\d+)\.htm", request.path)
        if match:
            return self._legacy(request, int(match[2]))
        return sana_routes.route(self, request)

    def _legacy(self, request: Request, legacy_id: int) -> Response:
        for article in self.articles.values():
            url = article.extra.get("legacy", "")
            if url.endswith(f"/{legacy_id}.htm") and url.endswith(request.path):
                if article.edition == "ar":
                    # The charset is only in the HTTP header; the <meta> contradicts it.
                    return self.serve(request, article, lambda a: html_page(
                        legacy_article(self, a, "utf-8"), charset="windows-1256"))
                return self.serve(request, article, lambda a: html_page(
                    legacy_article(self, a, "utf-8")))
        return error_page(404, "Not found.")

    def render_foxiz(self, article: Article) -> Response:
        """The Foxiz page in the page's charset (a fault page may be mislabelled)."""
        body = foxiz_article(self, article)
        if article.pages[0].charset != "utf-8":
            # windows-1256 bytes under the UTF-8 label of the header and <meta charset>.
            return Response(body=body.encode("cp1256", "xmlcharrefreplace"), content_type=HTML)
        return html_page(body)

    def sources(self) -> Iterable[tuple[str, Iterable[str]]]:
        yield from sana_routes.sources(self)
        yield from sana_archive.sources(self)
