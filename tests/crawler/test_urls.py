"""Outlet URL rules: every URL form of one article canonicalises to one URL, and
``is_article`` tells articles from listings, feeds, pagination and tag pages.

The URL forms are research/outlets.md's examples (§1.1, §2.1, §3.2 and the replica tables).
"""

from __future__ import annotations

import pytest

from crawler.spiders.emirates_voice import EmiratesVoiceSpider
from crawler.spiders.prensa_latina import PrensaLatinaSpider
from crawler.spiders.sana import SanaSpider
from crawler.urls import UrlRules

# canonical URL -> every form of the same article seen in the wild
SAME_ARTICLE: dict[str, tuple[UrlRules, list[str]]] = {
    "https://sana.sy/en/?p=355958": (SanaSpider.urls, [
        "https://sana.sy/en/?p=355958", "http://sana.sy/en/?p=355958",
        "http://www.sana.sy/en/?p=355958", "https://sana.sy./en/?p=355958",
        "https://archive.sana.sy/en/?p=355958", "https://test.sana.sy/en/?p=355958",
        "http://www.sana-syria.org/en/?p=355958", "https://sanasyria.org/en/?p=355958",
        "https://sana.sy/en/?p=355958&utm_source=telegram#comments",
    ]),
    "https://sana.sy/en/?p=2263976": (SanaSpider.urls, [
        "https://sana.sy/en/local/2263976/", "https://sana.sy/en/local/2263976",
        "https://sana.sy/en/?p=2263976", "https://www.sana.sy/en/local/2263976/",
        "https://sana.sy/en/syria/local/2263976/",
    ]),
    "https://sana.sy/?p=2227976": (SanaSpider.urls, [
        "https://sana.sy/governorates/aleppo/2227976/", "https://sana.sy/?p=2227976",
        "https://sana.sy./locals/2227976/",
    ]),
    "https://sana.sy/eng/21/2013/06/06/487013.htm": (SanaSpider.urls, [
        "http://www.sana.sy/eng/21/2013/06/06/487013.htm",
        "https://sana.sy/eng/21/2013/06/06/487013.htm",
    ]),
    "https://www.plenglish.com/index.php?option=com_content&task=view&id=543626": (
        PrensaLatinaSpider.urls, [
            "http://www.plenglish.com/index.php?option=com_content&task=view&id=543626&Itemid=1",
            "https://plenglish.com/index.php?option=com_content&task=view&id=543626&Itemid=2",
            "http://www.plenglish.com/index.php?Itemid=1&id=543626&option=com_content&task=view",
        ]),
    "https://www.prensa-latina.cu/index.php?option=com_content&task=view&id=318000": (
        PrensaLatinaSpider.urls, [
            "http://www.prensa-latina.cu/index.php?option=com_content&task=view&idioma=1&id=318000&Itemid=1",
        ]),
    "https://www.prensa-latina.cu/index.php?o=rn&id=318493": (PrensaLatinaSpider.urls, [
        "https://www.prensa-latina.cu/index.php?o=rn&id=318493&SEO=congreso-de-argentina-retoma-proyecto-de-ley-de-alquileres",
        "http://prensa-latina.cu/index.php?o=rn&id=318493&SEO=congreso-de-argentina",
    ]),
    "https://www.plenglish.com/news/2024/11/01/president-diaz-canel-states-that-cuba-will-move-forward/": (  # noqa: E501
        PrensaLatinaSpider.urls, [
            "https://plenglish.com/news/2024/11/01/president-diaz-canel-states-that-cuba-will-move-forward",
            "https://www.plenglish.com/news/2024/11/01/president-diaz-canel-states-that-cuba-will-move-forward/",
            "http://plenglish.com/news/2024/11/01/president-diaz-canel-states-that-cuba-will-move-forward/?utm_medium=rss",
        ]),
    "https://www.prensa-latina.cu/2024/02/13/autorizan-en-costa-rica-consumo-de-agua-tras-contaminacion/": (  # noqa: E501
        PrensaLatinaSpider.urls, [
            "https://www.prensa-latina.cu/2024/02/13/autorizan-en-costa-rica-consumo-de-agua-tras-contaminacion/",
            "https://prensa-latina.cu/2024/02/13/autorizan-en-costa-rica-consumo-de-agua-tras-contaminacion",
        ]),
    "https://www.emiratesvoice.com/en/314/syrian-troops-push-ahead-with-offensive-on-qusayr": (
        EmiratesVoiceSpider.urls, [
            "https://emiratesvoice.com/en/314/syrian-troops-push-ahead-with-offensive-on-qusayr",
            "http://www.emiratesvoice.com/en/314/syrian-troops-push-ahead-with-offensive-on-qusayr/",
            "https://mail.emiratesvoice.com/en/314/syrian-troops-push-ahead-with-offensive-on-qusayr",
        ]),
    "https://www.emiratesvoice.com/en/travel-459/new-hunt-for-flight-mh370-gets-under-way-050651": (
        EmiratesVoiceSpider.urls, [
            "https://www.emiratesvoice.com/en/travel-459/new-hunt-for-flight-mh370-gets-under-way-050651",
            "https://emiratesvoice.com/en/travel-459/new-hunt-for-flight-mh370-gets-under-way-050651/",
        ]),
    "https://www.emiratesvoice.com/w-2404/092651-%D9%83%D9%8A%D9%81-%D8%AD%D8%A7%D9%88%D9%84%D9%88%D8%A7-%D8%A7%D9%84%D8%AA%D8%B4%D9%88%D9%8A%D8%B4": (  # noqa: E501
        EmiratesVoiceSpider.urls, [
            "https://mail.emiratesvoice.com/w-2404/092651-كيف-حاولوا-التشويش",
            "https://www.emiratesvoice.com/w-2404/092651-%D9%83%D9%8A%D9%81-%D8%AD%D8%A7%D9%88%D9%84%D9%88%D8%A7-%D8%A7%D9%84%D8%AA%D8%B4%D9%88%D9%8A%D8%B4",
            "http://emiratesvoice.com/w-2404/092651-كيف-حاولوا-التشويش/",
        ]),
}


@pytest.mark.parametrize("canonical", sorted(SAME_ARTICLE))
def test_every_form_of_an_article_is_one_url(canonical: str) -> None:
    rules, forms = SAME_ARTICLE[canonical]
    for url in forms:
        assert rules.is_article(url), url
        assert rules.canonical_url(url) == canonical, url


NOT_ARTICLES: dict[str, tuple[UrlRules, list[str]]] = {
    "sana": (SanaSpider.urls, [
        "https://sana.sy/en/", "https://sana.sy/", "https://sana.sy/en/?paged=881",
        "https://sana.sy/en/?paged=4", "https://test.sana.sy/en/?cat=453&paged=49",
        "http://www.sana-syria.org/en/?cat=453&paged=16", "https://sana.sy./en/?paged=2&tag=ghouta",
        "https://sana.sy/?cat=29582&paged=3", "https://sana.sy/en/politics/",
        "https://sana.sy/en/politics/page/2/", "https://sana.sy/presidency/page/9/",
        "https://sana.sy/en/feed/", "https://sana.sy/en/?feed=rss2", "https://sana.sy/en/syria/feed/",
        "https://sana.sy/feed/", "https://sana.sy/comments/feed/",
        "https://sana.sy/tag/%D8%A7%D9%84%D9%82%D8%B5%D9%8A%D8%B1/", "https://sana.sy/en/tag/ghouta/",
        "https://sana.sy/sitemap_index.xml", "https://sana.sy/en/post-sitemap3.xml",
        "https://sana.sy/wp-json/wp/v2/posts/2280713", "https://sana.sy/author/bouthina/",
        "https://archive.sana.sy/en/?paged=12", "https://cdn.sananews.sy/2025/09/x-1024x683.jpg",
        "https://example.org/en/?p=355958",
    ]),
    "prensa_latina": (PrensaLatinaSpider.urls, [
        "https://www.plenglish.com/", "https://www.plenglish.com/section/opinion/",
        "https://www.plenglish.com/section/opinion/page/2/",
        "https://www.plenglish.com/tags/blockade/page/33", "https://plenglish.com/tags/cuba",
        "https://www.plenglish.com/feed/", "https://www.plenglish.com/news/environment/feed/",
        "https://www.prensa-latina.cu/feed/", "https://www.plenglish.com/wp-sitemap.xml",
        "https://www.plenglish.com/wp-sitemap-posts-post-1.xml",
        "http://plenglish.com/index.php?o=vt&id=opinion&SEO=noticias-opinion&page=4",
        "https://www.plenglish.com/index.php?o=vt&id=cultura&SEO=noticias-cuba&page=5",
        "http://plenglish.com/index.php?o=vc&id=centroamerica-caribe&SEO=canalrss-centroamerica-caribe",
        "https://www.prensa-latina.cu/index.php?option=com_content&view=featured&format=feed&type=rss",
        "https://www.prensa-latina.cu/wp-json/wp/v2/posts?per_page=10",
    ]),
    "emirates_voice": (EmiratesVoiceSpider.urls, [
        "https://www.emiratesvoice.com/en/", "https://www.emiratesvoice.com/",
        "https://www.emiratesvoice.com/en/travel/rss.xml", "https://www.emiratesvoice.com/en/rss",
        "https://www.emiratesvoice.com/en/travel-459/", "https://www.emiratesvoice.com/en/travel-459/?page=2",
        "https://mail.emiratesvoice.com/en/news-12/?page=7", "https://www.emiratesvoice.com/w-347/",
        "https://arabstoday.net/en/314/syrian-troops-push-ahead-with-offensive-on-qusayr",
    ]),
}


@pytest.mark.parametrize("outlet", sorted(NOT_ARTICLES))
def test_listings_feeds_pagination_and_tags_are_not_articles(outlet: str) -> None:
    rules, urls = NOT_ARTICLES[outlet]
    accepted = [u for u in urls if rules.is_article(u)]
    assert not accepted, f"{outlet}: not articles, but accepted: {accepted}"


def test_listing_canonical_is_not_rewritten_to_an_article() -> None:
    assert SanaSpider.urls.canonical_url("https://sana.sy/en/politics/page/2/") == \
        "https://sana.sy/en/politics/page/2/"
    assert EmiratesVoiceSpider.urls.canonical_url("https://emiratesvoice.com/en/travel-459/") == \
        "https://www.emiratesvoice.com/en/travel-459/"


def test_politeness() -> None:
    assert SanaSpider.crawl_delay >= 5  # robots.txt Crawl-delay: 5
    assert 1 <= PrensaLatinaSpider.crawl_delay <= 2
    assert 1 <= EmiratesVoiceSpider.crawl_delay <= 2
