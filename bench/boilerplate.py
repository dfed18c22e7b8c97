"""The markup of a synthetic article page: a WordPress-like news theme.

The article itself is what ``bench.spider.SyntheticV1`` reads; everything else is the
boilerplate a real theme wraps around it, so that parsing, cleaning and archiving cost
what they cost on a real outlet.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from html import escape

from bench.words import Text

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITE_NAME = "Synthetic Daily"


@dataclass(frozen=True)
class Article:
    """The content of one article page."""

    url: str
    title: str
    section: str
    author: str
    published: datetime
    modified: datetime
    paragraphs: list[str]
    tags: list[str]
    image: str
    caption: str


@cache
def stylesheet() -> str:
    """The theme's inline critical CSS: the same on every page, as themes inline it."""
    rng = random.Random("stylesheet")
    rules = []
    for i in range(160):
        props = ";".join(f"{rng.choice(('margin', 'padding', 'color', 'font-size', 'width'))}:"
                         f"{rng.randint(0, 40)}px" for _ in range(rng.randint(2, 6)))
        rules.append(f".c{i}-{rng.choice(('hd', 'nav', 'grid', 'card', 'ft'))}{{{props}}}")
    return "".join(rules)


def head(a: Article, rng: random.Random) -> str:
    """``<head>``: title, canonical, OpenGraph and article meta, JSON-LD, CSS, scripts."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
          "datePublished": a.published.isoformat(), "dateModified": a.modified.isoformat(),
          "author": {"@type": "Person", "name": a.author}, "articleSection": a.section,
          "image": a.image, "mainEntityOfPage": a.url,
          "publisher": {"@type": "Organization", "name": SITE_NAME}}
    config = {"pageId": rng.randint(1, 10**9), "ads": [f"slot-{i}" for i in range(12)],
              "section": a.section, "tags": a.tags, "consent": {"v": 2, "vendors": 140}}
    tags = "".join(f'<meta property="article:tag" content="{escape(t)}">' for t in a.tags)
    t = escape(a.title)
    return (
        f'<!DOCTYPE html>\n<html lang="en-US"><head><meta charset="UTF-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{t} - {SITE_NAME}</title>"
        f'<link rel="canonical" href="{a.url}"><meta property="og:type" content="article">'
        f'<meta property="og:title" content="{t}"><meta property="og:url" content="{a.url}">'
        f'<meta property="og:site_name" content="{SITE_NAME}">'
        f'<meta property="og:image" content="{a.image}">'
        f'<meta property="article:published_time" content="{a.published.isoformat()}">'
        f'<meta property="article:modified_time" content="{a.modified.isoformat()}">'
        f'<meta property="article:section" content="{a.section}">{tags}'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        f"<style id=\"critical-css\">{stylesheet()}</style>"
        f"<script>window.__CONFIG__={json.dumps(config)};</script>"
        f'<script async src="/wp-includes/js/analytics.js?ver={rng.randint(1, 99)}"></script>'
        f'</head><body class="post-template-default single single-post postid-'
        f'{rng.randint(1, 99999)} single-format-standard">'
    )


def _links(paths: list[str], labels: list[str], cls: str) -> str:
    return "".join(f'<li class="{cls}"><a href="{p}">{escape(label)}</a></li>'
                   for p, label in zip(paths, labels, strict=True))


def site_header(sections: tuple[str, ...], text: Text, rng: random.Random) -> str:
    """Top bar, logo, a mega-menu with sub-sections and a breaking-news ticker."""
    menu = []
    for s in sections:
        subs = [f"/{s}/{text.word(rng)}/" for _ in range(6)]
        menu.append(f'<li class="menu-item"><a href="/{s}/">{s.title()}</a><ul class="sub">'
                    f'{_links(subs, [p.split("/")[2].title() for p in subs], "menu-item")}'
                    "</ul></li>")
    ticker = [text.title(rng) for _ in range(10)]
    return (
        '<div id="page" class="site"><div class="top-bar"><span class="date">Today</span>'
        '<ul class="social"><li><a href="/feed/">RSS</a></li><li><a href="/newsletter/">'
        'Newsletter</a></li></ul></div><header id="masthead" class="site-header">'
        f'<a class="logo" href="/"><img src="/logo.svg" alt="{SITE_NAME}"></a>'
        f'<nav class="main-navigation"><ul class="menu">{"".join(menu)}</ul></nav>'
        '<form class="search-form" action="/search/"><input name="s"></form></header>'
        '<div class="breaking-news"><span>Breaking</span><ul>'
        f'{_links([f"/news/{rng.randint(1, 99999)}/" for _ in ticker], ticker, "tick")}'
        "</ul></div>"
    )


def article_block(a: Article, text: Text, rng: random.Random) -> str:
    """The ``<article>``: header, featured image, body with ads and a read-also box
    between paragraphs, tags and share buttons."""
    body = []
    for i, p in enumerate(a.paragraphs):
        body.append(f"<p>{escape(p, quote=False)}</p>")
        if i == 2:
            body.append('<div class="ad-slot"><ins class="adsbygoogle" data-slot="in-article">'
                        "</ins><span>Advertisement</span></div>")
        if i == 4:
            body.append(f'<aside class="read-also"><strong>Read also:</strong> <a href="/'
                        f'{a.section}/{rng.randint(1, 99999)}/">{text.title(rng)}</a></aside>')
    tags = "".join(f'<a href="/tag/{t}/" rel="tag">{t}</a>' for t in a.tags)
    return (
        f'<article id="post-{rng.randint(1, 99999)}" class="post type-post status-publish">'
        '<header class="entry-header"><span class="cat-links">'
        f'<a href="/{a.section}/" rel="category tag">{a.section.title()}</a></span>'
        f'<h1 class="entry-title">{escape(a.title)}</h1><div class="entry-meta">'
        f'<span class="byline">By <a class="author url fn" href="/author/'
        f'{a.author.lower().replace(" ", "-")}/">{a.author}</a></span> '
        f'<time class="entry-date published" datetime="{a.published.isoformat()}">'
        f'{a.published:%B %d, %Y}</time><time class="updated" datetime="'
        f'{a.modified.isoformat()}">{a.modified:%B %d, %Y}</time></div></header>'
        f'<figure class="post-thumbnail"><img src="{a.image}" alt="{escape(a.title)}" '
        f'width="1200" height="675"><figcaption>{escape(a.caption)}</figcaption></figure>'
        f'<div class="entry-content">{"".join(body)}</div>'
        f'<footer class="entry-footer"><div class="tags-links">{tags}</div>'
        '<div class="share-buttons"><a href="#share-x">Share</a><a href="#share-fb">Share</a>'
        "<a href=\"#share-mail\">Email</a></div></footer></article>"
    )


def filler_block(text: Text, rng: random.Random, n: int) -> str:
    """One block of boilerplate: a related-stories grid, a most-read list or a comment
    thread, in turn."""
    kind = n % 3
    if kind == 0:
        cards = "".join(
            f'<div class="card"><a href="/{text.word(rng)}/{rng.randint(1, 99999)}/">'
            f'<img src="/thumbs/{rng.randint(1, 99999)}.jpg" alt="" loading="lazy">'
            f"<h3>{text.title(rng)}</h3></a><p class=\"excerpt\">{text.sentence(rng)}</p></div>"
            for _ in range(6))
        return f'<section class="related-posts"><h2>Related</h2>{cards}</section>'
    if kind == 1:
        items = "".join(f'<li><a href="/{text.word(rng)}/{rng.randint(1, 99999)}/">'
                        f"{text.title(rng)}</a></li>" for _ in range(10))
        return (f'<section class="widget most-read"><h2>Most read</h2><ol>{items}</ol>'
                '</section><div class="widget ad-slot"><ins class="adsbygoogle"></ins></div>')
    comments = "".join(
        f'<li class="comment"><div class="comment-author">{text.name(rng)}</div>'
        f'<div class="comment-content"><p>{text.sentence(rng, 5, 40)}</p></div></li>'
        for _ in range(rng.randint(3, 8)))
    return f'<section id="comments" class="comments-area"><ol>{comments}</ol></section>'


def site_footer(sections: tuple[str, ...], text: Text, rng: random.Random) -> str:
    """Footer menus, newsletter form, copyright and the theme's trailing scripts."""
    columns = "".join(
        f'<div class="footer-col"><h4>{s.title()}</h4><ul>'
        f'{_links([f"/{s}/{text.word(rng)}/" for _ in range(8)], text.draw(rng, 8), "f")}'
        "</ul></div>" for s in sections)
    return (
        f'<footer id="colophon" class="site-footer">{columns}'
        '<form class="newsletter"><input type="email" name="email"><button>Subscribe</button>'
        f'</form><p class="copyright">© 2026 {SITE_NAME}. All rights reserved.</p></footer>'
        '</div><script src="/wp-includes/js/jquery.min.js"></script>'
        f"<script>var _paq=_paq||[];_paq.push(['trackPageView',{rng.randint(1, 9999)}]);"
        "</script></body></html>"
    )
