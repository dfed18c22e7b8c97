"""SANA replica: robots, feeds, sitemaps, pagination cap, redirects, generations, charsets."""

from __future__ import annotations

import re
from urllib.parse import unquote

import lxml.etree
import lxml.html

from newsvault.replicas import ReplicaServer
from newsvault.replicas.client import ProxyClient

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_crawl_delay(client: ProxyClient) -> None:
    for host in ("sana.sy", "archive.sana.sy"):
        robots = client.get(f"http://{host}/robots.txt")
        assert robots.header("Content-Type") == "text/plain; charset=UTF-8"
        assert "Crawl-delay: 5" in robots.text
    assert "Sitemap: https://sana.sy/en/sitemap_index.xml" in \
        client.get("http://sana.sy/robots.txt").text


def test_feeds_parse_and_list_canonical_urls(client: ProxyClient, replica: ReplicaServer) -> None:
    canonical = {t.canonical_url for t in replica.manifest("sana")}
    for url in ("http://sana.sy/en/feed/", "http://sana.sy/en/?feed=rss2",
                "http://sana.sy/feed/", "http://sana.sy/en/politics/feed/",
                "http://archive.sana.sy/en/?feed=rss2"):
        root = lxml.etree.fromstring(client.get(url).body)
        links = root.xpath("//item/link/text()")
        assert 1 <= len(links) <= 10, url
        assert set(links) <= canonical, url
    item = lxml.etree.fromstring(client.get("http://sana.sy/en/feed/").body).find(".//item")
    assert item is not None and item.findtext("guid", "").startswith("https://sana.sy/en/?p=")


def test_sitemap_index_leads_to_every_listed_post(client: ProxyClient,
                                                  replica: ReplicaServer) -> None:
    index = lxml.etree.fromstring(client.get("http://sana.sy/en/sitemap_index.xml").body)
    children = index.xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert "https://sana.sy/en/post-sitemap2.xml" in children
    locs: list[str] = []
    for child in children:
        tree = lxml.etree.fromstring(client.get(child.replace("https:", "http:")).body)
        if "/post-sitemap" in child:
            locs += tree.xpath("//s:url/s:loc/text()", namespaces=NS)
    english = [t for t in replica.manifest("sana") if t.generation == "foxiz"
               and t.edition == "en" and not t.fault]
    assert {t.canonical_url for t in english} == set(locs)
    # Entries carry the category path, so a category can be seeded by prefix.
    assert all(re.fullmatch(r"https://sana\.sy/en/[a-z/-]+/\d+/", u) for u in locs)
    news = lxml.etree.fromstring(client.get("http://sana.sy/en/news-sitemap.xml").body)
    assert news.xpath("//*[local-name()='publication_date']")


def test_listing_pagination_stops_after_page_9(client: ProxyClient) -> None:
    page9 = client.get("http://sana.sy/en/page/9/")
    assert page9.status == 200
    assert '<link rel="next"' not in page9.text  # more posts exist, but no page 10
    assert client.get("http://sana.sy/en/page/10/").status == 404
    first = lxml.html.fromstring(client.get("http://sana.sy/en/politics/").body)
    assert first.xpath("//link[@rel='next']/@href") == ["https://sana.sy/en/politics/page/2/"]
    assert len(first.cssselect("div.p-wrap h3.entry-title a.p-url")) == 4
    assert first.cssselect("time.date.published")[0].get("datetime").endswith("+03:00")


def test_shortlinks_and_permalink_redirects(client: ProxyClient, replica: ReplicaServer) -> None:
    new = next(t for t in replica.manifest("sana") if t.generation == "foxiz" and not t.fault)
    old = next(t for t in replica.manifest("sana") if t.generation == "sahifa")
    reply = client.get(f"http://sana.sy/en/?p={new.article_id}")
    assert (reply.status, reply.header("Location")) == (301, new.canonical_url)
    reply = client.get(f"http://sana.sy/en/?p={old.article_id}")
    assert (reply.status, reply.header("Location")) == (301, old.canonical_url)
    assert old.canonical_url.startswith("https://archive.sana.sy/en/?p=")
    wrong_cat = new.canonical_url.replace("/en/", "/en/economy-x/").replace("http", "http", 1)
    assert client.get(wrong_cat.replace("https:", "http:")).header("Location") == \
        new.canonical_url
    assert client.get(new.canonical_url[:-1].replace("https:", "http:")).status == 301


def test_foxiz_article_markup(client: ProxyClient, replica: ReplicaServer) -> None:
    truth = max((t for t in replica.manifest("sana") if t.generation == "foxiz"
                 and t.edition == "en" and t.editor_initials and not t.fault),
                key=lambda t: t.article_id)
    page = lxml.html.fromstring(client.get(truth.canonical_url.replace("https:", "http:")).body)
    assert page.cssselect("h1.s-title")[0].text_content() == truth.title
    assert page.findtext(".//title").endswith(" - S A N A – Syrian Arab News Agency")
    time = page.cssselect("time.date.published")[0]
    assert time.get("datetime") == truth.published
    assert "ago" in time.text_content()  # relative text, the date only in @datetime
    paragraphs = [p.text_content() for p in page.cssselect("div.entry-content.rbct p")]
    assert paragraphs[0] == truth.dateline and paragraphs[-1] == truth.editor_initials
    assert [p for p in paragraphs[1:-1]] == list(truth.body_paragraphs)
    assert page.cssselect("div.entry-bottom div.related-sec a.p-url")
    assert page.cssselect("div.efoot div.tag-bar a[rel=tag]")
    nxt = page.cssselect("#single-post-infinite")[0].get("data-nextposturl")
    assert nxt.startswith("https://sana.sy/en/") and nxt != truth.canonical_url
    assert page.xpath("//link[@rel='canonical']/@href") == [truth.canonical_url]


def test_arabic_article_tag_slugs_and_image_digits(client: ProxyClient,
                                                   replica: ReplicaServer) -> None:
    truth = next(t for t in replica.manifest("sana") if t.generation == "foxiz"
                 and t.edition == "ar" and not t.fault)
    html = client.get(truth.canonical_url.replace("https:", "http:")).text
    assert 'dir="rtl"' in html and "منذ" in html
    tag = re.search(r'href="(https://sana\.sy/tag/%[0-9A-F]{2}[^"]+)"', html)
    assert tag and unquote(tag[1]).endswith("/")
    assert re.search("[٠-٩]{8}_[٠-٩]{6}-1024x683.jpg", html)
    assert client.get(tag[1].replace("https:", "http:")).status == 200


def test_sahifa_archive_and_listing(client: ProxyClient, replica: ReplicaServer) -> None:
    sample = next(t for t in replica.manifest("sana") if t.generation == "sahifa"
                  and t.title.startswith("Victory in al-Qseir"))
    page = lxml.html.fromstring(client.get(sample.canonical_url.replace("https:", "http:")).body)
    assert page.cssselect("h1.name.post-title.entry-title span[itemprop=name]")
    entry = [p.text_content() for p in page.xpath("//div[@class='entry']/p")]
    assert entry[0].startswith("DAMASCUS, (SANA)- Our armed forces")
    assert entry[-1] == "H. Said" == sample.editor_initials
    assert b"<!-- .entry /-->" in client.get(sample.canonical_url.replace("https:", "http:")).body
    listing = lxml.html.fromstring(client.get("http://archive.sana.sy/en/?cat=2").body)
    assert listing.cssselect("article.item-list h2.post-box-title a")
    assert not re.search(r"\d{4}", listing.cssselect("span.tie-date")[0].text_content())
    nxt = client.get("http://archive.sana.sy/en/?paged=2")
    assert nxt.status == 200 and 'id="tie-next-page"' in nxt.text


def test_legacy_pages_in_both_charsets(client: ProxyClient, replica: ReplicaServer) -> None:
    legacy = [t for t in replica.manifest("sana") if t.generation == "legacy-2013"]
    english = next(t for t in legacy if t.edition == "en")
    arabic = next(t for t in legacy if t.edition == "ar")
    en = client.get(english.canonical_url.replace("https:", "http:"))
    assert en.header("Content-Type") == "text/html; charset=UTF-8"
    assert "<div class=\"date\">Jun 06, 2013</div>" in en.text
    ar = client.get(arabic.canonical_url.replace("https:", "http:"))
    assert ar.header("Content-Type") == "text/html; charset=windows-1256"
    assert b'content="text/html; charset=utf-8"' in ar.body  # the conflicting <meta>
    assert arabic.title.encode("cp1256") in ar.body
    try:
        ar.body.decode("utf-8")
        raise AssertionError("windows-1256 bytes decoded as UTF-8")
    except UnicodeDecodeError:
        pass
    assert arabic.charset == "windows-1256"


def test_video_post_is_flagged_not_article(client: ProxyClient, replica: ReplicaServer) -> None:
    video = next(t for t in replica.manifest("sana") if t.generation == "foxiz"
                 and "/video/" in t.canonical_url)
    assert not video.is_article and video.title.endswith("-Video")
    page = lxml.html.fromstring(client.get(video.canonical_url.replace("https:", "http:")).body)
    text = " ".join(p.text_content() for p in page.cssselect("div.entry-content p"))
    assert len(text) < 80


def test_cdn_and_json(client: ProxyClient, replica: ReplicaServer) -> None:
    jpeg = client.get("http://cdn.sananews.sy/2025/09/%D9%A2%D9%A0-1024x683.jpg")
    assert jpeg.header("Content-Type") == "image/jpeg" and jpeg.body[:2] == b"\xff\xd8"
    truth = next(t for t in replica.manifest("sana") if t.generation == "foxiz")
    data = client.get(f"http://sana.sy/en/wp-json/wp/v2/posts/{truth.article_id}")
    assert f'"link": "{truth.canonical_url}"' in data.text
