"""The Parser base: version selection by capture date, and the order of field sources."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pipelines.extract import EXTRACTOR_VERSION, extract
from pipelines.extract.document import Doc, css, xpath
from pipelines.extract.parser import Parser, select_parser
from pipelines.extract.text import collapse_apostrophes

from .helpers import page

TEXT = "The cabinet discussed the wheat purchasing season and the new investment law in detail."


class Old(Parser):
    valid_until = date(2014, 1, 1)
    key = css("div.story")
    body = css("div.story")


class Mid(Parser):
    valid_from, valid_until = date(2014, 1, 1), date(2025, 8, 1)
    key = css("div.entry")
    body = css("div.entry")
    exclude = ("div.share",)
    title = css("h1.t")
    published = css("span.date")
    fixes = (collapse_apostrophes,)


class New(Parser):
    valid_from = date(2025, 8, 1)
    key = css("div.entry.rbct")
    body = css("div.entry.rbct")


def doc(html: str, day: date) -> Doc:
    fetched = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return Doc.from_page(page(html, fetched=fetched))


def test_version_valid_at_the_capture_date_comes_first() -> None:
    html = f'<div class="entry rbct"><p>{TEXT}</p></div>'
    assert select_parser([Old, Mid, New], doc(html, date(2025, 9, 1))) is New
    assert select_parser([Old, Mid, New], doc(html, date(2020, 1, 1))) is Mid  # Mid matches too


def test_old_template_served_today_falls_through_to_its_version() -> None:
    html = f'<div class="entry"><p>{TEXT}</p></div>'  # archive host, old theme, new capture
    assert select_parser([Old, Mid, New], doc(html, date(2025, 10, 20))) is Mid


def test_nearest_window_first_among_the_others() -> None:
    html = f'<div class="story"><p>{TEXT}</p></div><div class="entry"><p>{TEXT}</p></div>'
    # 2013 capture: Old is valid; New is invalid and far; nothing else needed
    assert select_parser([New, Mid, Old], doc(html, date(2013, 5, 1))) is Old
    html2 = f'<div class="entry"><p>{TEXT}</p></div>'
    assert select_parser([New, Mid], doc(html2, date(2013, 5, 1))) is Mid


def test_no_version_matches() -> None:
    assert select_parser([Old, Mid, New], doc("<p>x</p>", date(2020, 1, 1))) is None


def test_names_and_version_constant() -> None:
    assert Mid.name == "test_parser.Mid" and Parser.name == "fallback"
    assert isinstance(EXTRACTOR_VERSION, str)


PAGE = f"""<html lang="en-GB"><head><title>Wrong title | Site</title>
<meta property="og:title" content="OG title">
<meta property="article:published_time" content="2020-05-01T10:00:00+00:00">
<meta property="article:section" content="Meta section">
<script type="application/ld+json">{{"@graph": [
 {{"@type": "Person", "@id": "#p", "name": "Jane Roe"}},
 {{"@type": ["NewsArticle"], "headline": "LD title", "datePublished": "2020-05-02T10:00:00+03:00",
   "author": {{"@id": "#p"}}, "articleSection": ["LD section"]}}]}}</script></head>
<body><h1 class="t">Outlet title</h1><span class="date">2020-05-03 09:30</span>
<div class="entry"><p>Damascus, SANA – {TEXT}</p><div class="share"><p>Share this</p></div>
<p>Mexico''s minister<br>said more.</p><script>var x = 1;</script><p>H. Said</p></div>
</body></html>"""


def test_outlet_selectors_come_before_metadata() -> None:
    article = extract(page(PAGE, fetched=datetime(2020, 5, 4, tzinfo=UTC)), "o", None,
                      None, "https://example.org/news/1", [Mid])
    assert article.parser == "test_parser.Mid" and "fallback" not in article.flags
    assert (article.title, article.methods["title"]) == ("Outlet title", "outlet:test_parser.Mid")
    assert article.published == "2020-05-03T09:30:00+00:00"
    assert article.body == [f"Damascus, SANA – {TEXT}", "Mexico's minister", "said more."]
    assert (article.dateline, article.editor_initials) == ("Damascus, SANA –", "H. Said")
    assert article.authors == ["Jane Roe"] and article.methods["authors"] == "jsonld"
    assert (article.section, article.methods["section"]) == ("LD section", "jsonld")
    assert (article.language, article.methods["language"]) == ("en", "html")


class Bare(Parser):
    """Declares only the body: every other field comes from metadata."""

    key = css("div.entry")
    body = css("div.entry")


def test_metadata_order_jsonld_then_meta() -> None:
    article = extract(page(PAGE), "o", "en", "en", "https://example.org/news/1", [Bare])
    assert (article.title, article.methods["title"]) == ("LD title", "jsonld")
    assert article.published == "2020-05-02T10:00:00+03:00"
    assert article.methods["published"] == "jsonld"
    assert article.body[1:3] == ["Share this", "Mexico''s minister"]  # Bare: no exclude, no fixes
    without_ld = PAGE.replace('"headline": "LD title", ', "").replace(
        '"datePublished": "2020-05-02T10:00:00+03:00",', "")
    article = extract(page(without_ld), "o", "en", "en", "https://example.org/news/1", [Bare])
    assert (article.title, article.methods["title"]) == ("OG title", "meta")
    assert article.published == "2020-05-01T10:00:00+00:00"
    assert article.methods["published"] == "meta"


class Dated(Parser):
    key = css("article")
    body = css("article")
    timezone = "America/Havana"


def test_url_date_then_dateline_date() -> None:
    html = f"<article><p>Havana, Nov 1 (Prensa Latina) {TEXT}</p></article>"
    fetched = datetime(2024, 11, 2, tzinfo=UTC)
    by_url = extract(page(html, "https://www.plenglish.com/news/2024/10/31/x/", fetched=fetched),
                     "o", "en", "en", "https://www.plenglish.com/news/2024/10/31/x/", [Dated])
    assert (by_url.published, by_url.methods["published"]) == ("2024-10-31T00:00:00-04:00", "url")
    by_dateline = extract(page(html, "https://www.plenglish.com/?p=5", fetched=fetched),
                          "o", "en", "en", "https://www.plenglish.com/?p=5", [Dated])
    assert (by_dateline.published, by_dateline.methods["published"]) == (
        "2024-11-01T00:00:00-04:00", "dateline")
    assert "published_date_only" in by_dateline.flags


class Lines(Parser):
    key = xpath("//div[@id='t']")
    body = xpath("//div[@id='t']")


def test_container_without_paragraphs_is_read_by_lines() -> None:
    html = f"<div id='t'>Damascus - Arabstoday<br /><br />{TEXT}<br />Second line.<!-- c --></div>"
    article = extract(page(html), "o", "en", "en", "https://x.example/1", [Lines])
    assert article.dateline == "Damascus - Arabstoday"
    assert article.body == [TEXT, "Second line."]  # the dateline line alone leaves
