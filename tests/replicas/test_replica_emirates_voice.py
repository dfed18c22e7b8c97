"""Emirates Voice replica: three hosts, quirks, FeedCreator RSS, Arabic columns."""

from __future__ import annotations

import lxml.etree
import lxml.html

from newsvault.replicas import ReplicaServer
from newsvault.replicas.client import ProxyClient
from newsvault.replicas.model import addslashes

SAMPLE = "/en/314/syrian-troops-push-ahead-with-offensive-on-qusayr"


def test_sample_article_on_three_hosts(client: ProxyClient, replica: ReplicaServer) -> None:
    bodies = {client.get(f"http://{host}{SAMPLE}").body for host in
              ("www.emiratesvoice.com", "emiratesvoice.com", "mail.emiratesvoice.com")}
    assert len(bodies) == 1
    body = bodies.pop()
    assert b'rel="canonical"' not in body  # this page has none: hosts must be merged
    page = lxml.html.fromstring(body)
    assert page.findtext(".//title") == "syrian troops push ahead with offensive on qusayr"
    assert page.cssselect("h1.title")[0].text_content() == \
        "Syrian troops push ahead with offensive on Qusayr"
    assert page.cssselect("h2.kicker")[0].text_content() == \
        "Assad 'very confident' of victory in conflict"
    assert page.cssselect("div.date")[0].text_content() == "GMT 06:12 2013 Saturday ,01 June"
    assert "Last Updated : GMT" in page.cssselect("div.topbar")[0].text_content()
    lead = page.cssselect("div.body p")[0].text_content()
    assert lead.startswith("Syrian President Bashar al-Assad Syrian troops and Hezbollah")
    assert "Russia\\'s commitment" in lead and '\\"not helpful\\"' in lead
    assert body.count(b"Name *") == 2 and b"Most Read" in body


def test_manifest_undoes_the_quirks(replica: ReplicaServer) -> None:
    truth = next(t for t in replica.manifest("emirates_voice") if t.article_id == 314)
    assert truth.body_paragraphs[0].startswith("Syrian troops and Hezbollah allies Friday")
    assert "Russia's commitment" in truth.body_paragraphs[0]
    assert truth.body_paragraphs[-1].startswith("In Geneva, doctors from the Union")
    assert len(truth.body_paragraphs) == 26 and truth.dateline == "Damascus - Arabstoday"
    assert {"backslash-escapes", "caption-repeated-in-lead", "no-canonical"} <= set(truth.quirks)
    assert truth.published == "2013-06-01T06:12:00+00:00"
    assert len(truth.urls) == 3 and not truth.redirects


def test_2018_article_and_section_pagination(client: ProxyClient,
                                             replica: ReplicaServer) -> None:
    truth = next(t for t in replica.manifest("emirates_voice") if t.article_id == 50123)
    assert truth.canonical_url.endswith("/en/news-12/five-saudi-women-pilots-granted-gaca-"
                                        "licences-050123")
    page = client.get(truth.canonical_url.replace("https:", "http:"))
    paragraphs = [p.text_content() for p in lxml.html.fromstring(page.body).cssselect(
        "div.body p")]
    assert paragraphs == [addslashes(p) for p in truth.body_paragraphs] or \
        paragraphs[1:] == [addslashes(p) for p in truth.body_paragraphs[1:]]
    first = lxml.html.fromstring(client.get("http://www.emiratesvoice.com/en/news-12/").body)
    assert first.xpath("//link[@rel='next']/@href") == \
        ["https://www.emiratesvoice.com/en/news-12/?page=2"]
    assert client.get("http://www.emiratesvoice.com/en/news-12/?page=2").status == 200
    assert client.get("http://www.emiratesvoice.com/en/news-12/?page=50").status == 404


def test_feedcreator_rss(client: ProxyClient, replica: ReplicaServer) -> None:
    reply = client.get("http://www.emiratesvoice.com/en/travel/rss.xml")
    assert reply.header("Transfer-Encoding") == "chunked"
    root = lxml.etree.fromstring(reply.body)
    assert root.findtext("channel/title") == "Travel- Arab Today"
    assert root.findtext("channel/lastBuildDate") == "Thu, 16 Jan 2014 05:15:51 GMT"
    assert root.findtext("channel/generator").startswith("FeedCreator 1.8.0-dev")
    item = root.find("channel/item")
    assert item is not None
    title = item.findtext("title")
    assert item.findtext("description").startswith(title.lower())


def test_arabic_columns_and_windows_1256(client: ProxyClient, replica: ReplicaServer) -> None:
    columns = [t for t in replica.manifest("emirates_voice") if t.edition == "ar"]
    assert len(columns) == 5
    legacy = next(t for t in columns if t.charset == "windows-1256")
    reply = client.get(legacy.canonical_url.replace("https:", "http:"))
    assert reply.header("Content-Type") == "text/html; charset=windows-1256"
    assert b"charset=" not in reply.body.split(b"</head>")[0]
    assert legacy.title in reply.body.decode("cp1256")
    utf8 = next(t for t in columns if t.charset == "utf-8")
    without_id = next(u for u in utf8.urls if "/0" not in u.rsplit("/w-", 1)[1])
    assert client.get(without_id.replace("https:", "http:")).text == \
        client.get(utf8.canonical_url.replace("https:", "http:")).text
    assert "بقلم - " in client.get(utf8.canonical_url.replace("https:", "http:")).text
