"""The generic extractor: JSON-LD/OpenGraph metadata plus trafilatura, for templates no
outlet parser knows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from crawler.spiders.emirates_voice import EmiratesVoiceSpider
from crawler.spiders.sana import SanaSpider
from pipelines.extract import extract

from .helpers import f1, page

FIXTURES = Path(__file__).parent / "fixtures"
OUTLETS = Path(__file__).parents[1] / "outlets"


def test_unknown_template_yields_a_usable_body_flagged_fallback() -> None:
    html = (FIXTURES / "unknown_template.html").read_bytes()
    expected = (FIXTURES / "unknown_template.txt").read_text("utf-8")
    url = "https://levantwire.example/story/31987"
    article = extract(page(html, url, fetched=datetime(2013, 6, 7, tzinfo=UTC)),
                      "sana", "en", "en", url, SanaSpider.parsers)
    assert article.flags[0] == "fallback" and article.parser == "fallback"
    assert f1(article.text, expected) >= 0.9, article.text
    assert article.title == "Lavrov: International Players Can’t Decide on behalf of the Syrians"
    assert article.dateline == "KALININGRAD, (SANA)-"
    assert article.published == "2013-06-06T10:05:00+03:00"
    assert article.methods["title"] == "jsonld" and article.methods["body"] == "trafilatura"
    for boilerplate in ("Share on", "Leave a comment", "More from", "Topics:", "All rights"):
        assert boilerplate not in article.text


def test_emirates_voice_page_through_the_generic_extractor() -> None:
    """Without its parser, an Emirates Voice page still loses the comment form and the
    related lists, and its PHP-escaped quotes are unescaped."""
    fixture = OUTLETS / "emirates_voice" / "form2018_en"
    meta = json.loads(fixture.with_suffix(".meta.json").read_text("utf-8"))
    expected = json.loads(fixture.with_suffix(".json").read_text("utf-8"))
    article = extract(page(fixture.with_suffix(".html").read_bytes(), meta["url"],
                           content_type="text/html",
                           fetched=datetime.fromisoformat(meta["fetched_at"])),
                      "emirates_voice", "en", "en", meta["url"], [])
    assert "fallback" in article.flags
    text = article.text
    assert "Name *" not in text and "Terms of use" not in text and "GMT 16:17" not in text
    assert "\\'" not in text and '\\"' not in text
    assert "Russia's commitment" in text and '"not helpful"' in text
    assert f1(text, "\n\n".join(expected["body"])) >= 0.9
    # The header's "today" and "Last Updated" values never become the date.
    assert article.published is None or article.published.startswith("2013-06-01")
    assert article.title == "Syrian troops push ahead with offensive on Qusayr"


def test_fallback_only_when_no_version_matches() -> None:
    fixture = OUTLETS / "emirates_voice" / "form2018_en"
    meta = json.loads(fixture.with_suffix(".meta.json").read_text("utf-8"))
    article = extract(page(fixture.with_suffix(".html").read_bytes(), meta["url"],
                           fetched=datetime.fromisoformat(meta["fetched_at"])),
                      "emirates_voice", "en", "en", meta["url"], EmiratesVoiceSpider.parsers)
    assert "fallback" not in article.flags and article.parser == "emirates_voice.Form2018"


LISTING = """<html><head><title>Reports | SANA</title></head>
<body class="archive category category-reports paged">
<div class="content"><h2 class="page-title">March, 2020</h2>
<article class="item-list"><h2 class="post-box-title"><a href="https://archive.sana.sy/en/?p=1">One</a></h2>
<span class="tie-date">9 March</span><div class="entry"><p>First teaser text of the listing.</p>
<a class="more-link" href="https://archive.sana.sy/en/?p=1">Read More &raquo;</a></div></article>
<article class="item-list"><h2 class="post-box-title"><a href="https://archive.sana.sy/en/?p=2">Two</a></h2>
<span class="tie-date">8 March</span><div class="entry"><p>Second teaser text.</p></div></article>
<article class="item-list"><h2 class="post-box-title"><a href="https://archive.sana.sy/en/?p=3">Three</a></h2>
<span class="tie-date">7 March</span><div class="entry"><p>Third teaser text.</p></div></article>
<span id="tie-next-page"><a href="https://archive.sana.sy/en/?cat=453&amp;paged=50">Next</a></span>
</div></body></html>"""


def test_listing_page_is_flagged_and_not_extracted() -> None:
    url = "https://archive.sana.sy/en/?cat=453&paged=49"
    article = extract(page(LISTING, url), "sana", "en", "en", url, SanaSpider.parsers)
    assert article.flags == ["fallback", "not_article", "listing"]
    assert article.body == [] and article.published is None


def test_error_and_non_html_responses_are_not_articles() -> None:
    url = "https://sana.sy/en/?p=1"
    gone = extract(page("<html><body>Not found</body></html>", url, status=404),
                   "sana", "en", "en", url, SanaSpider.parsers)
    assert gone.flags == ["not_article", "http_404"] and gone.body == []
    feed = extract(page("<rss/>", url, content_type="application/rss+xml"),
                   "sana", "en", "en", url, SanaSpider.parsers)
    assert feed.flags == ["not_article", "not_html"]
