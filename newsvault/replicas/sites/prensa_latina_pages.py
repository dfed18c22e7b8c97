"""Prensa Latina page rendering: WordPress (2022-), ``index.php?o=`` (2014-2021), Joomla (2013).

Order of visible texts follows outlets.md 2.2 and 5.2; class names, menus and the o= and
Joomla layouts are invented. The o= renderer doubles straight apostrophes (the SQL-escape
leak of that CMS); the WordPress renderer puts bylines, datelines and initials back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from newsvault.replicas.model import Article
from newsvault.replicas.templates import render

if TYPE_CHECKING:
    from newsvault.replicas.sites.prensa_latina import PrensaLatinaSite

EN, ES = "https://www.plenglish.com", "https://www.prensa-latina.cu"
HOME = {"en": EN, "es": ES}
MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre")
LABELS = {
    "en": {"lang": "en-US", "locale": "en_US", "flag": "Bandera inglesa",
           "edition": "English Edition", "search": "Search", "latest": "LATEST NEWS",
           "related": "RELATED", "section": "NEWS", "published_on": "- Published on:"},
    "es": {"lang": "es", "locale": "es_ES", "flag": "Bandera cubana",
           "edition": "Edición en español",
           "search": "Buscar", "latest": "ÚLTIMAS NOTICIAS", "related": "RELACIONADAS",
           "section": "NOTICIAS", "published_on": "- Publicado el:"},
}


def today(moment: datetime) -> str:
    """The header's "today" widget: the crawl date, never the publication date."""
    return f"{moment:%A, %B %d, %Y}"


def spanish_timestamp(moment: datetime) -> str:
    """"16 de julio de 2020, 16:27", as the o= listings print dates even in English."""
    return f"{moment.day} de {MONTHS_ES[moment.month - 1]} de {moment.year}, {moment:%H:%M}"


def doubled(text: str) -> str:
    """The o= CMS's SQL-escape leak: every straight apostrophe printed twice."""
    return text.replace("'", "''")


def wp_content(article: Article) -> str:
    """Entry content: optional byline, paragraphs (dateline inline), initials trailer."""
    paras = []
    if article.extra.get("byline"):
        paras.append(f"<p>{escape(article.extra['byline'])}</p>")
    paras += [f"<p>{escape(p)}</p>" for p in article.body]
    if article.initials:
        paras.append(f"<p>{escape(article.initials)}</p>")
    return "\n".join(paras)


def _menu(site: PrensaLatinaSite, edition: str) -> str:
    if edition == "es":
        return f'<li><a href="{ES}/">Portada</a></li>'
    return f'<li><a href="{EN}/">News</a></li>' + "".join(
        f'<li><a href="{EN}/section/{slug}/">{escape(name)}</a></li>'
        for slug, name in site.categories.items())


def wp_article(site: PrensaLatinaSite, article: Article) -> str:
    """A WordPress-era article page (English or Spanish)."""
    edition, labels = article.edition, LABELS[article.edition]
    others = site.wp_posts(edition, exclude=article.id)
    return render(
        "pl_wp_article.html", lang=labels["lang"], title=escape(article.title),
        canonical=site.wp_url(article), locale=labels["locale"], image=article.extra["image"],
        published=site.utc(article.published), modified=site.utc(article.updated),
        shortlink=f"{HOME[edition]}/?p={article.id}", feed=f"{HOME[edition]}/feed/",
        id=article.id, today=today(site.ctx.now.astimezone(article.published.tzinfo)),
        home=HOME[edition], flag_alt=labels["flag"], edition_label=labels["edition"],
        menu=_menu(site, edition), search=labels["search"], section_label=labels["section"],
        section=escape(article.section),
        content=wp_content(article),
        tags="".join(f'<a href="{EN}/tags/{t.lower().replace(" ", "-")}/">{escape(t.lower())}'
                     "</a>" for t in article.tags) if edition == "en" else "",
        latest_label=labels["latest"],
        latest="".join(f'<li><a href="{site.wp_url(a)}">{escape(a.title)}</a></li>'
                       for a in others[:8]),
        related_label=labels["related"],
        related="\n".join(teaser(site, a) for a in others[8:12]))


def teaser(site: PrensaLatinaSite, article: Article, published_label: str = "") -> str:
    """A listing teaser: headline link plus the dateline paragraph (a naive-extraction trap)."""
    label = (f'<span class="pub-label">{published_label}</span> <span class="pub-date">'
             f"{article.published:%B} {article.published.day}, {article.published.year}"
             "</span>") if published_label else ""
    lead = article.body[0][:180] if article.body else ""
    return (f'<div class="teaser"><h2 class="teaser-title"><a href="{site.wp_url(article)}">'
            f"{escape(article.title)}</a></h2>{label}<p>{escape(lead)}</p></div>")


def listing(site: PrensaLatinaSite, edition: str, heading: str, cards: Sequence[str],
            links: dict[str, str], body_class: str = "category") -> str:
    """A listing page of teasers with prev/next links."""
    rel = "".join(f'<link rel="{k}" href="{escape(v)}">\n' for k, v in links.items()
                  if k in ("prev", "next"))
    nav = "".join(f'<a class="{k} page-numbers" href="{escape(v)}">{k.title()}</a>'
                  for k, v in links.items() if k in ("prev", "next"))
    return render("pl_listing.html", lang=LABELS[edition]["lang"], heading=escape(heading),
                  canonical=escape(links["canonical"]), rel_links=rel,
                  feed=f"{HOME[edition]}/feed/", body_class=body_class,
                  today=today(site.ctx.now.astimezone(site.tz)), home=HOME[edition],
                  menu=_menu(site, edition), cards="\n".join(cards), pagination=nav)


def orn_article(site: PrensaLatinaSite, article: Article) -> str:
    """An ``index.php?o=rn`` page of 2014-2021, apostrophes doubled."""
    latest = "".join(f'<li><a href="{site.orn_url(a)}">{escape(doubled(a.title))}</a></li>'
                     for a in site.orn_posts()[:6] if a is not article)
    menu = "".join(f'<li><a href="{EN}/index.php?o=vt&amp;id={s}&amp;SEO=noticias-{s}">'
                   f"{escape(n)}</a></li>" for s, n in site.orn_sections.items())
    body = "\n".join(f"<p>{escape(doubled(p), quote=False)}</p>" for p in article.body)
    if article.initials:
        body += f"\n<p>{escape(article.initials)}</p>"
    return render("pl_orn_article.html", lang="en", title=escape(doubled(article.title)),
                  description=escape(doubled(article.body[0][:150])), menu=menu,
                  timestamp=spanish_timestamp(article.published), content=body, latest=latest,
                  section=escape(article.section))


def orn_card(site: PrensaLatinaSite, article: Article) -> str:
    """An o=vt listing entry: Spanish timestamp, headline, lead."""
    return (f'<div class="noticia-lista"><span class="fecha">{spanish_timestamp(article.published)}'
            f'</span><h3><a href="{site.orn_url(article)}">{escape(doubled(article.title))}</a>'
            f"</h3><p>{escape(doubled(article.body[0][:160]))}</p></div>")


def joomla_article(site: PrensaLatinaSite, article: Article) -> str:
    """The 2013 Joomla-1.0-style table page."""
    spanish = article.edition == "es"
    peers = [a for a in site.articles.values() if a.extra.get("joomla_id") and a is not article
             and a.edition == article.edition]
    links = "".join(f'<li><a href="{site.joomla_url(a)}">{escape(a.title)}</a></li>'
                    for a in peers)
    body = "\n".join(f"<p>{escape(p)}</p>" for p in article.body)
    when = article.published
    date_text = (f"{when.day:02d} de {MONTHS_ES[when.month - 1]} de {when.year}" if spanish
                 else f"{when:%A, %d %B %Y}")
    return render("pl_joomla_article.html", title=escape(article.title),
                  editions_label="Ediciones" if spanish else "Editions",
                  editions="Español | English | Français | Português",
                  latest_label="Últimas noticias" if spanish else "Latest News",
                  latest=links, date_text=date_text, content=body,
                  most_read_label="Lo más leído" if spanish else "Most Read", most_read=links)
