"""SANA page rendering: Foxiz (2025), Sahifa (archive.sana.sy) and the hypothetical 2013 page.

The layouts follow outlets.md 1.3, 1.4 and 5.1; class names come from the research,
labels and menus are ours. Renderers take clean articles and put the dateline, initials,
Gutenberg blocks and boilerplate back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from newsvault.replicas.model import Article, relative_time
from newsvault.replicas.templates import render

if TYPE_CHECKING:
    from newsvault.replicas.sites.sana import SanaSite

HOME = {"en": "https://sana.sy/en/", "ar": "https://sana.sy/"}
ARCHIVE = "https://archive.sana.sy/en/"
LABELS = {
    "en": {"suffix": " - S A N A – Syrian Arab News Agency", "written_by": "Written by",
           "tagged": "TAGGED:", "related": "Related News", "share": "Share This Article",
           "picked": "Picked for you", "home": "Home", "site": "S A N A",
           "privacy": 'By using this site, you agree to the <a href="#">Privacy Policy</a> '
                      "and Terms of Use.",
           "copyright": "© Syrian Arab News Agency. All rights reserved."},
    "ar": {"suffix": " - S A N A – الوكالة العربية السورية للأنباء",
           "written_by": "كُتب بواسطة", "tagged": "الوسوم:", "related": "أخبار ذات صلة",
           "share": "شارك الخبر", "picked": "اخترنا لك", "home": "الرئيسية", "site": "سانا",
           "privacy": 'باستخدامك هذا الموقع فإنك توافق على <a href="#">سياسة الخصوصية</a>.',
           "copyright": "© الوكالة العربية السورية للأنباء. كافة الحقوق محفوظة."},
}
LANGS = ("AR", "TR", "FR", "ES", "KU")
SHARE = ("facebook", "twitter", "whatsapp", "linkedin", "telegram", "copy")


def tag_url(edition: str, tag: str) -> str:
    """Foxiz tag URL; Arabic slugs percent-encoded as WordPress prints them."""
    slug = quote(tag.lower().replace(" ", "-"), safe="-")
    return f"{HOME[edition]}tag/{slug}/"


def _lang_menu() -> str:
    links = [("/" if code == "AR" else f"/{code.lower()}/", code) for code in LANGS]
    return "".join(f'<li><a href="https://sana.sy{h}"><span>{c}</span></a></li>'
                   for h, c in links)


def _cat_menu(site: SanaSite, edition: str) -> str:
    return "".join(f'<li class="menu-item"><a href="{HOME[edition]}{slug}/"><span>'
                   f"{escape(name)}</span></a></li>"
                   for slug, name in site.categories[edition].items() if "/" not in slug)


def _p(text: str, subheads: set[str]) -> str:
    inner = escape(text, quote=False)
    return f"<p><strong>{inner}</strong></p>" if text in subheads else f"<p>{inner}</p>"


def foxiz_content(article: Article) -> str:
    """The entry-content: dateline paragraph, body with Gutenberg blocks, initials."""
    subheads: set[str] = article.extra.get("subheads", set())
    out = [f"<p>{escape(article.dateline)}</p>"] if article.dateline else []
    for index, para in enumerate(article.body):
        if article.extra.get("media_text") and index == 1:
            out.append('<div class="wp-block-media-text is-stacked-on-mobile">'
                       '<figure class="wp-block-media-text__media"><img src="'
                       f'{article.extra["image"]}" alt=""></figure><div class="wp-block-'
                       f'media-text__content">{_p(para, subheads)}</div></div>')
        else:
            out.append(_p(para, subheads))
        if article.extra.get("gallery") and index == len(article.body) - 2:
            out.append(_gallery(article))
    if article.extra.get("video"):
        out.append(f'<figure class="wp-block-image size-large"><img src="{article.extra["image"]}"'
                   ' alt=""></figure>')
    if article.initials:
        out.append(f"<p>{escape(article.initials)}</p>")
    return "\n".join(out)


def _gallery(article: Article) -> str:
    figures = "".join(
        f'<figure class="wp-block-image size-large"><a class="media-link" href="'
        f'{article.extra["image"]}"><img src="{article.extra["image"]}" alt=""></a>'
        f'<figcaption class="wp-element-caption">DCIM\\10{n}MEDIA\\DJI_050{n}.JPG</figcaption>'
        "</figure>" for n in range(3, 6))
    return f'<figure class="wp-block-gallery has-nested-images columns-3">{figures}</figure>'


def _jsonld(article: Article, url: str, headline: str) -> str:
    author = article.extra["wp_user"]
    graph = [
        {"@type": ["NewsMediaOrganization", "Organization"], "@id": "https://sana.sy/#organization",
         "name": "S A N A", "url": "https://sana.sy"},
        {"@type": "WebSite", "@id": "https://sana.sy/#website", "url": "https://sana.sy",
         "inLanguage": article.edition},
        {"@type": "ImageObject", "@id": article.extra["image"], "url": article.extra["image"]},
        {"@type": "WebPage", "@id": f"{url}#webpage", "url": url, "name": headline,
         "datePublished": article.published.isoformat(),
         "dateModified": article.updated.isoformat()},
        {"@type": "Person", "@id": f"https://sana.sy/author/{author.lower()}/", "name": author},
        {"@type": "NewsArticle", "headline": headline, "@id": f"{url}#richSnippet",
         "datePublished": article.published.isoformat(),
         "dateModified": article.updated.isoformat(), "articleSection": article.section,
         "author": {"@id": f"https://sana.sy/author/{author.lower()}/", "name": author},
         "description": article.dateline or "", "inLanguage": article.edition,
         "isPartOf": {"@id": f"{url}#webpage"}},
    ]
    # Rank Math escapes non-ASCII as \uXXXX; json.dumps does the same by default.
    return json.dumps({"@context": "https://schema.org", "@graph": graph})


def _card(site: SanaSite, article: Article, css: str, heading: str = "h3") -> str:
    url = site.url(article)
    title = escape(article.title)
    when = relative_time(site.ctx.now, article.published, article.edition)
    return (f'<div class="p-wrap {css}" data-pid="{article.id}"><div class="feat-holder">'
            f'<a class="p-flink" href="{url}" title="{title}"><img src="'
            f'{article.extra["image"]}" alt="{title}"></a></div><div class="p-content">'
            f'<{heading} class="entry-title"><a class="p-url" href="{url}" rel="bookmark">{title}'
            f'</a></{heading}><div class="p-meta"><div class="meta-inner is-meta"><div class="'
            f'meta-el meta-date"><time class="date published" datetime="'
            f'{article.published.isoformat()}">{when}</time></div></div></div></div></div>')


def _breadcrumb(site: SanaSite, article: Article) -> str:
    labels = LABELS[article.edition]
    crumbs = [(HOME[article.edition], labels["home"])]
    crumbs.append((f"{HOME[article.edition]}{article.extra['cat']}/", article.section))
    items = [f'<span property="itemListElement" typeof="ListItem"><a property="item" '
             f'typeof="WebPage" href="{u}"><span property="name">{escape(n)}</span></a>'
             f'<meta property="position" content="{i}"></span>'
             for i, (u, n) in enumerate(crumbs, 1)]
    items.append(f'<span property="itemListElement" typeof="ListItem"><span property="name">'
                 f"{escape(article.title)}</span></span>")
    return " &gt; ".join(items)


def foxiz_article(site: SanaSite, article: Article) -> str:
    """A Foxiz single-post page (English or Arabic)."""
    edition, labels = article.edition, LABELS[article.edition]
    url, headline = site.url(article), article.title + labels["suffix"]
    peers = [a for a in site.listing(edition) if a.id != article.id
             and not a.extra.get("video")]
    older = [a for a in peers if a.published < article.published]
    return render(
        "sana_foxiz_article.html", lang="en-US" if edition == "en" else "ar",
        dir="ltr" if edition == "en" else "rtl", title_full=escape(headline),
        description=escape(article.dateline or ""), canonical=url,
        locale="en_US" if edition == "en" else "ar_AR", site_name=labels["site"],
        tag_meta="".join(f'<meta property="article:tag" content="{escape(t)}">\n'
                         for t in article.tags),
        section=escape(article.section), published=article.published.isoformat(),
        modified=article.updated.isoformat(), og_image=article.extra["image"],
        written_by=labels["written_by"], wp_user=article.extra["wp_user"],
        jsonld=_jsonld(article, url, headline), feed=f"{HOME[edition]}feed/",
        json_url=f"{HOME[edition]}wp-json/wp/v2/posts/{article.id}",
        shortlink=f"{HOME[edition]}?p={article.id}", id=article.id,
        body_class="rtl" if edition == "ar" else "ltr", privacy=labels["privacy"],
        home=HOME[edition], lang_menu=_lang_menu(), cat_menu=_cat_menu(site, edition),
        next_url=site.url(older[0]) if older else "", breadcrumb=_breadcrumb(site, article),
        h1=escape(article.title),
        time_text=relative_time(site.ctx.now, article.published, edition),
        featured=_featured(article), content=foxiz_content(article),
        related_label=labels["related"],
        related="\n".join(_related(site, a) for a in peers[:3]),
        tag_label=labels["tagged"], share_label=labels["share"],
        tags="".join(f'<a href="{tag_url(edition, t)}" rel="tag">{escape(t)}</a>'
                     for t in article.tags),
        share=_share(url), picked_label=labels["picked"],
        sidebar="\n".join(_card(site, a, "p-list p-list-1") for a in peers[:5]),
        copyright=labels["copyright"])


def _featured(article: Article) -> str:
    image = article.extra["image"]
    full = image.replace("-1024x683", "-scaled")
    return (f'<div class="s-feat-outer"><div class="s-feat"><div class="featured-lightbox-'
            f'trigger" data-source="{full}"><img class="attachment-foxiz_crop_o1 size-foxiz_'
            f'crop_o1 wp-post-image" src="{image}" alt="{escape(article.title)}"></div></div>'
            "</div>")


def _related(site: SanaSite, article: Article) -> str:
    return (f'<div class="p-wrap p-list-inline" data-pid="{article.id}"><div class="entry-title '
            f'h4"><a class="p-url" href="{site.url(article)}" rel="bookmark">'
            f"{escape(article.title)}</a></div></div>")


def _share(url: str) -> str:
    return "".join(f'<a class="share-action share-trigger icon-{n}" href="https://share.'
                   f'invalid/{n}?u={quote(url)}" rel="nofollow noopener"><span class="share-'
                   f'label">{n.title()}</span></a>' for n in SHARE)


def foxiz_listing(site: SanaSite, edition: str, heading: str, cards: Sequence[Article],
                  links: dict[str, str]) -> str:
    """A Foxiz archive page; ``links`` holds canonical and optional prev/next URLs."""
    rel = "".join(f'<link rel="{k}" href="{v}">\n' for k, v in links.items()
                  if k in ("prev", "next"))
    nav = "".join(f'<a class="{k} page-numbers" href="{v}">{k.title()}</a>'
                  for k, v in links.items() if k in ("prev", "next"))
    return render(
        "sana_foxiz_listing.html", lang="en-US" if edition == "en" else "ar",
        dir="ltr" if edition == "en" else "rtl",
        title_full=escape(heading + LABELS[edition]["suffix"]), robots="index, follow",
        canonical=links["canonical"], rel_links=rel, feed=f"{HOME[edition]}feed/",
        body_class="rtl" if edition == "ar" else "ltr", home=HOME[edition],
        lang_menu=_lang_menu(), cat_menu=_cat_menu(site, edition), heading=escape(heading),
        cards="\n".join(_card(site, a, "p-grid p-grid-1") for a in cards), pagination=nav,
        copyright=LABELS[edition]["copyright"])


def legacy_article(site: SanaSite, article: Article, meta_charset: str) -> str:
    """The hypothetical 2013 page: date line, h1, paragraphs, initials (outlets.md 5.1)."""
    arabic = article.edition == "ar"
    subheads: set[str] = article.extra.get("subheads", set())
    paras = [_p(p, subheads) for p in article.body]
    if article.initials:
        paras.append(f"<p>{escape(article.initials)}</p>")
    others = [a for a in site.articles.values() if a.extra.get("legacy") and a is not article]
    latest = "".join(f'<li><a href="{a.extra["legacy"]}">{escape(a.title)}</a></li>'
                     for a in others if a.edition == article.edition)
    menu = "الرئيسية | سياسة | محليات | اقتصاد" if arabic else \
        "Home | Politics | Local | International | Economy"
    return render(
        "sana_legacy.html", meta_charset=meta_charset, dir="rtl" if arabic else "ltr",
        site_title="سانا - الوكالة العربية السورية للأنباء" if arabic else
        "SANA - Syrian Arab News Agency", home="http://www.sana.sy/",
        menu=menu, date_text=legacy_date(article.published, arabic),
        title=escape(article.title), content="\n".join(paras),
        latest_label="آخر الأخبار" if arabic else "Latest News", latest=latest,
        footer="Copyright © 2013 SANA")


def legacy_date(moment: datetime, arabic: bool = False) -> str:
    """"Jun 06, 2013" (English) or "2013-06-05" (Arabic) as the 2013 pages print it."""
    return moment.strftime("%Y-%m-%d") if arabic else moment.strftime("%b %d, %Y")
