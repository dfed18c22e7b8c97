"""Emirates Voice page rendering (custom PHP CMS of the Arabs Today network).

Quirks put back here: ``addslashes`` escapes in bodies, the image caption repeated at the
start of the lead, a lower-cased ``<title>``, the decoy "Last Updated : GMT" clock and the
header "today" date, comment forms and "Most Read" lists. No structured data, no
``<time>``: the article's own date is the ``GMT HH:MM YYYY Weekday ,DD Month`` line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

from newsvault.replicas import corpus
from newsvault.replicas.messages import RSS, Response
from newsvault.replicas.model import Article, addslashes
from newsvault.replicas.sites.feeds import rfc822
from newsvault.replicas.templates import render

if TYPE_CHECKING:
    from newsvault.replicas.sites.emirates_voice import EmiratesVoiceSite

WWW = "https://www.emiratesvoice.com"
GULF = timezone(timedelta(hours=4))
DAYS_AR = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
MONTHS_AR = ("كانون الثاني / يناير", "شباط / فبراير", "آذار / مارس", "نيسان / أبريل",
             "أيار / مايو", "حزيران / يونيو", "تموز / يوليو", "آب / أغسطس", "أيلول / سبتمبر",
             "تشرين الأول / أكتوبر", "تشرين الثاني / نوفمبر", "كانون الأول / ديسمبر")
FEEDCREATOR = "FeedCreator 1.8.0-dev (info@mypapit.net)"
STALE_BUILD = "Thu, 16 Jan 2014 05:15:51 GMT"  # the real feed's frozen lastBuildDate


def gmt_line(moment: datetime) -> str:
    """"GMT 06:12 2013 Saturday ,01 June" (note the space before the comma)."""
    m = moment.astimezone(UTC)
    return f"GMT {m:%H:%M} {m.year} {m:%A} ,{m:%d} {m:%B}"


def parse_gmt_line(line: str) -> datetime:
    """Inverse of :func:`gmt_line`."""
    match = re.fullmatch(r"GMT (\d\d):(\d\d) (\d{4}) \w+ ,(\d\d) (\w+)", line.strip())
    if not match:
        raise ValueError(f"not a GMT date line: {line!r}")
    hour, minute, year, day, month = match.groups()
    return datetime.strptime(f"{year} {month} {day} {hour}:{minute}", "%Y %B %d %H:%M"
                             ).replace(tzinfo=UTC)


def today_en(site: EmiratesVoiceSite) -> str:
    """Header date, the crawl day ("Sunday 7 September 2025")."""
    d = site.ctx.now.astimezone(GULF)
    return f"{d:%A} {d.day} {d:%B} {d.year}"


def today_ar(site: EmiratesVoiceSite) -> str:
    """Arabic header date ("الأحد 7 أيلول / سبتمبر 2025")."""
    d = site.ctx.now.astimezone(GULF)
    return f"{DAYS_AR[d.weekday()]} {d.day} {MONTHS_AR[d.month - 1]} {d.year}"


def _menu() -> str:
    items = [("Home", "/en/"), ("News", "/en/news-12/"), ("Politics", "/en/politics-3/"),
             ("Economy", "/en/economy-5/"), ("Sports", "/en/sports-7/"),
             ("Travel", "/en/travel-459/"), ("Technology", "/en/technology-21/"),
             ("Health", "/en/health-33/"), ("Lifestyle", "/en/lifestyle-48/"), ("Arabic", "/")]
    return "".join(f'<li><a href="{href}">{name}</a></li>' for name, href in items)


def body_html(article: Article) -> str:
    """The escaped paragraphs, the caption glued to the lead when the page does that."""
    paras = [addslashes(p) for p in article.body]
    if paras and article.extra.get("caption_in_lead"):
        paras[0] = f"{article.extra['caption']} {paras[0]}"
    return "\n".join(f"<p>{escape(p, quote=False)}</p>" for p in paras)


def _most_read(site: EmiratesVoiceSite) -> str:
    items = []
    for (when, printed), article_id in zip(corpus.most_read(), site.most_read_ids, strict=True):
        url = site.url(site.articles[article_id])
        items.append(f'<div class="item"><span class="time">{when}</span> <a href="{url}">'
                     f"{escape(printed)}</a></div>")
    return "\n".join(items)


def article_page(site: EmiratesVoiceSite, article: Article) -> str:
    """An English article (both URL generations share this template)."""
    lower = escape(article.title.lower())
    kicker = article.extra.get("kicker")
    canonical = site.url(article)
    return render(
        "ev_article.html", title_lower=lower, title=escape(article.title),
        canonical_link=f'<link rel="canonical" href="{canonical}">\n'
        if article.extra.get("has_canonical") else "",
        today=today_en(site), last_updated=site.last_updated, menu=_menu(),
        kicker=f'<h2 class="kicker">{escape(kicker)}</h2>\n' if kicker else "",
        date_line=gmt_line(article.published), image=article.extra["image"],
        caption=escape(article.extra.get("caption", "")), dateline=escape(article.dateline or ""),
        content=body_html(article),
        comment_form=render("ev_comment_form.html", id=article.id, title_lower=lower),
        most_read=_most_read(site), year=site.ctx.now.year)


def column_page(site: EmiratesVoiceSite, article: Article, meta_charset: str) -> str:
    """An Arabic opinion column (RTL)."""
    writer = article.authors[0]
    more = [a for a in site.columns() if a is not article][:4]
    return render(
        "ev_column.html", meta_charset=meta_charset, title=escape(article.title),
        canonical_link=f'<link rel="canonical" href="{site.url(article)}">\n'
        if article.extra.get("has_canonical") else "",
        last_updated=site.last_updated, today=today_ar(site),
        ticker=" | ".join(escape(a.title) for a in more),
        writer_id=article.extra["writer"], writer=escape(writer),
        date_line=gmt_line(article.published), content=body_html(article),
        more="".join(f'<li><a href="{site.url(a)}">{escape(a.title)}</a></li>' for a in more),
        year=site.ctx.now.year)


def listing_page(site: EmiratesVoiceSite, heading: str, blocks: str, links: dict[str, str],
                 arabic: bool = False) -> str:
    """Home or section listing; ``links`` may carry prev/next page URLs."""
    head = "".join(f'<link rel="{k}" href="{escape(v)}">\n' for k, v in links.items())
    nav = "".join(f'<a class="{k}" href="{escape(v)}">{"Next" if k == "next" else "Previous"}'
                  "</a>" for k, v in links.items() if k in ("prev", "next"))
    return render(
        "ev_listing.html", lang="ar" if arabic else "en", dir="rtl" if arabic else "ltr",
        title=escape(heading), head_links=head,
        today=today_ar(site) if arabic else today_en(site),
        last_updated=f"آخر تحديث {site.last_updated} بتوقيت أبوظبي" if arabic else
        f"Last Updated : GMT {site.last_updated}", home="/" if arabic else "/en/",
        menu=_menu(), heading=escape(heading), blocks=blocks, pagination=nav,
        year=site.ctx.now.year)


def card(site: EmiratesVoiceSite, article: Article) -> str:
    """A listing entry: GMT date line and headline link."""
    return (f'<div class="item"><span class="time">{gmt_line(article.published)}</span> '
            f'<a href="{site.url(article)}">{escape(article.title)}</a></div>')


def feedcreator_rss(title: str, articles: Sequence[Article], site: EmiratesVoiceSite
                    ) -> Response:
    """FeedCreator 1.8.0-dev RSS 2.0: stale lastBuildDate, full text in <description>."""
    items = []
    for article in articles:
        text = " ".join(addslashes(p) for p in article.body)
        items.append(
            f"        <item>\n            <title>{xml_escape(article.title)}</title>\n"
            f"            <link>{xml_escape(site.url(article))}</link>\n"
            f"            <description>{xml_escape(article.title.lower() + ' ' + text)}"
            f"</description>\n            <pubDate>{rfc822(article.published)}</pubDate>\n"
            "        </item>")
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- generator="{FEEDCREATOR}" -->\n'
            '<rss version="2.0">\n    <channel>\n'
            f"        <title>{xml_escape(title)}</title>\n"
            f"        <description>{xml_escape(title)}</description>\n"
            f"        <link>{WWW}/en/</link>\n"
            f"        <lastBuildDate>{STALE_BUILD}</lastBuildDate>\n"
            f"        <generator>{FEEDCREATOR}</generator>\n" + "\n".join(items) +
            "\n    </channel>\n</rss>\n")
    return Response(body=body.encode(), content_type=RSS, chunked=True)
