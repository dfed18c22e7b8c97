"""A deterministic synthetic news outlet: article pages plus its discovery documents.

Page ``i`` depends only on ``(seed, i)``, never on how many pages the site has, so the
2,000-page site is a prefix of the 20,000-page one and pages are generated once and
cached (``ensure_pages``). Discovery documents (robots.txt, a sitemap index and its child
sitemaps) depend on the page count and on the URL the site is served from, so they are
rewritten for every size (``write_discovery``). Every file is stored beside a ``.gz`` copy
for nginx's ``gzip_static``, the way a CMS behind nginx serves pre-compressed pages.

Pages look like a WordPress news theme: 40-80 KB of HTML, most of it boilerplate (inline
CSS and scripts, a mega-menu, a ticker, a sidebar, related stories, comments, a footer),
around an ``<article>`` of 6-15 paragraphs with JSON-LD and OpenGraph metadata.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from bench import boilerplate as bp
from bench.words import Text

GENERATOR_VERSION = 4  # bump when page markup changes: cached sites are regenerated
DEFAULT_SEED = 2026
HOST = "synthetic.bench"  # the outlet's own host name, used in canonical URLs
SECTIONS = ("politics", "world", "economy", "business", "science", "health", "sport",
            "culture", "technology", "opinion")
NEWEST = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
SITEMAP_SIZE = 1000  # URLs per child sitemap (the protocol allows 50,000; CMSs use ~1,000)
STAMP = ".synthetic.json"


@dataclass(frozen=True)
class PageMeta:
    """What discovery documents need to know about an article, without its HTML."""

    index: int
    article_id: int
    section: str
    title: str
    slug: str
    published: datetime

    @property
    def path(self) -> str:
        d = self.published
        # WordPress permalinks: a directory per post. No ".html": Scrapy guesses a response
        # class from a URL's extension, and an HtmlResponse over a still gzip-encoded body
        # makes HttpCompressionMiddleware's Response.replace() run charset detection on the
        # compressed bytes (about 2 ms a page), which real WordPress URLs never trigger.
        return f"/{self.section}/{d:%Y}/{d:%m}/{d:%d}/{self.article_id}-{self.slug}/"


@cache
def _text() -> Text:
    return Text(DEFAULT_SEED)


def page_meta(index: int, seed: int = DEFAULT_SEED) -> PageMeta:
    """Metadata of page ``index``: newest first, 37 minutes apart."""
    rng = random.Random(f"{seed}:{index}:meta")
    title = _text().title(rng)
    slug = "-".join(title.lower().replace("’", "").split()[:8])
    return PageMeta(index=index, article_id=100_000 + index, section=rng.choice(SECTIONS),
                    title=title, slug=slug,
                    published=NEWEST - timedelta(minutes=37 * index + rng.randint(0, 30)))


def page_html(index: int, seed: int = DEFAULT_SEED) -> str:
    """The HTML of article page ``index`` (40-80 KB)."""
    meta = page_meta(index, seed)
    rng = random.Random(f"{seed}:{index}:page")
    text = _text()
    target = rng.randint(40_000, 80_000)
    article = bp.Article(
        url=f"https://{HOST}{meta.path}", title=meta.title, section=meta.section,
        author=text.name(rng), published=meta.published,
        modified=meta.published + timedelta(minutes=rng.randint(5, 600)),
        paragraphs=[text.paragraph(rng) for _ in range(rng.randint(6, 15))],
        tags=sorted({text.word(rng) for _ in range(rng.randint(2, 6))}),
        image=f"/wp-content/uploads/{meta.published:%Y/%m}/{meta.article_id}.jpg",
        caption=text.sentence(rng))
    head = bp.head(article, rng)
    top = bp.site_header(SECTIONS, text, rng)
    body = bp.article_block(article, text, rng)
    tail = bp.site_footer(SECTIONS, text, rng)
    filler: list[str] = []
    size = len(head) + len(top) + len(body) + len(tail)
    # Related stories, sidebar teasers and comments until the page reaches its target size:
    # the proportion of boilerplate to text is what a real news theme has.
    while size < target:
        block = bp.filler_block(text, rng, len(filler))
        filler.append(block)
        size += len(block)
    return "".join((head, top, '<div class="site-content"><main id="main" class="site-main">',
                    body, *filler[::2], '</main><aside id="secondary" class="sidebar">',
                    *filler[1::2], "</aside></div>", tail))


def _write(path: Path, data: bytes) -> None:
    """Write a file and its gzip copy (gzip_static serves the copy to gzip clients)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, 6, mtime=0))


def ensure_pages(site: Path, pages: int, seed: int = DEFAULT_SEED) -> list[PageMeta]:
    """Make sure ``site`` holds pages 0..pages-1 (generating only the missing ones)."""
    stamp = site / STAMP
    wanted = {"version": GENERATOR_VERSION, "seed": seed}
    state = json.loads(stamp.read_text()) if stamp.exists() else {}
    if {k: state.get(k) for k in wanted} != wanted:
        shutil.rmtree(site, ignore_errors=True)  # another generator or seed: start over
        state = {**wanted, "pages": 0}
    site.mkdir(parents=True, exist_ok=True)
    metas = [page_meta(i, seed) for i in range(pages)]
    for meta in metas[state["pages"]:]:
        _write(site / meta.path.lstrip("/") / "index.html",
               page_html(meta.index, seed).encode("utf-8"))
    if pages > state["pages"]:
        stamp.write_text(json.dumps({**wanted, "pages": pages}))
    return metas


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def write_discovery(site: Path, metas: list[PageMeta], base_url: str) -> list[str]:
    """robots.txt (no Crawl-delay), ``/sitemap_index.xml`` and its child sitemaps
    (``/sitemaps/posts-<k>.xml``, at most SITEMAP_SIZE URLs each, newest first) for these
    pages served at ``base_url``; returns the article URLs in sitemap order."""
    base = base_url.rstrip("/") + "/"
    shutil.rmtree(site / "sitemaps", ignore_errors=True)
    urls = [base + m.path.lstrip("/") for m in metas]
    children = []
    for k, start in enumerate(range(0, len(metas), SITEMAP_SIZE), 1):
        chunk = metas[start:start + SITEMAP_SIZE]
        rows = "".join(f"<url><loc>{base}{m.path.lstrip('/')}</loc>"
                       f"<lastmod>{_iso(m.published)}</lastmod></url>\n" for m in chunk)
        name = f"sitemaps/posts-{k}.xml"
        _write(site / name, (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="'
                             f'{bp.SITEMAP_NS}">\n{rows}</urlset>\n').encode())
        children.append((name, chunk[0].published))
    index = "".join(f"<sitemap><loc>{base}{name}</loc><lastmod>{_iso(when)}</lastmod>"
                    f"</sitemap>\n" for name, when in children)
    _write(site / "sitemap_index.xml", (f'<?xml version="1.0" encoding="UTF-8"?>\n'
                                        f'<sitemapindex xmlns="{bp.SITEMAP_NS}">\n{index}'
                                        f"</sitemapindex>\n").encode())
    _write(site / "robots.txt", (f"User-agent: *\nDisallow: /wp-admin/\nDisallow: /search/\n"
                                 f"Allow: /wp-admin/admin-ajax.php\n\n"
                                 f"Sitemap: {base}sitemap_index.xml\n").encode())
    return urls


def build_site(site: Path, pages: int, base_url: str, seed: int = DEFAULT_SEED) -> list[str]:
    """A site of ``pages`` articles served at ``base_url``: its article URLs."""
    return write_discovery(site, ensure_pages(site, pages, seed), base_url)
