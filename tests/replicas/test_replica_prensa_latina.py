"""Prensa Latina replica: hosts, slashes, WordPress sitemaps, the o= and Joomla generations."""

from __future__ import annotations

import lxml.etree
import lxml.html

from newsvault.replicas import ReplicaServer
from newsvault.replicas.client import ProxyClient

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _http(url: str) -> str:
    return url.replace("https:", "http:", 1)


def test_bare_host_and_missing_slash_redirect(client: ProxyClient,
                                              replica: ReplicaServer) -> None:
    truth = next(t for t in replica.manifest("prensa_latina") if t.generation == "wordpress")
    url = truth.canonical_url
    bare = client.get(_http(url.replace("//www.", "//")))
    assert (bare.status, bare.header("Location")) == (301, url)
    no_slash = client.get(_http(url[:-1]))
    assert (no_slash.status, no_slash.header("Location")) == (301, url)
    assert client.get("http://plenglish.com/feed/").header("Location") == \
        "https://www.plenglish.com/feed/"
    assert client.get(_http(url)).status == 200


def test_robots_and_core_sitemaps(client: ProxyClient, replica: ReplicaServer) -> None:
    assert "Sitemap: https://www.plenglish.com/wp-sitemap.xml" in \
        client.get("http://www.plenglish.com/robots.txt").text
    index = lxml.etree.fromstring(client.get("http://www.plenglish.com/wp-sitemap.xml").body)
    children = index.xpath("//s:loc/text()", namespaces=NS)
    assert children[0] == "https://www.plenglish.com/wp-sitemap-posts-post-1.xml"
    locs = []
    for child in children:
        locs += lxml.etree.fromstring(client.get(_http(child)).body).xpath(
            "//s:loc/text()", namespaces=NS)
    wordpress = {t.canonical_url for t in replica.manifest("prensa_latina")
                 if t.generation == "wordpress" and t.edition == "en"}
    assert set(locs) == wordpress


def test_wordpress_article_boilerplate(client: ProxyClient, replica: ReplicaServer) -> None:
    truth = next(t for t in replica.manifest("prensa_latina") if t.generation == "wordpress"
                 and t.title.startswith("Syrian Victory"))
    page = lxml.html.fromstring(client.get(_http(truth.canonical_url)).body)
    assert page.findtext(".//title") == f"{truth.title} - Prensa Latina"
    paragraphs = [p.text_content() for p in page.cssselect("div.entry-content p")]
    assert paragraphs == list(truth.body_paragraphs)
    assert paragraphs[0].startswith("Damascus, Jun 6 (Prensa Latina) The victory")
    assert page.cssselect("div.top-date")[0].text_content() == "Sunday, September 07, 2025"
    assert page.cssselect("aside.latest-news li a") and page.cssselect("section.related p")
    assert page.xpath("//meta[@property='article:published_time']/@content") == \
        ["2013-06-06T18:20:00+00:00"]
    assert "Bandera inglesa" in client.get(_http(truth.canonical_url)).text


def test_o_router_generation(client: ProxyClient, replica: ReplicaServer) -> None:
    manifest = replica.manifest("prensa_latina")
    live = next(t for t in manifest if t.generation == "o-router" and "'" in t.title)
    page = client.get(_http(live.canonical_url))
    assert page.status == 200
    html = lxml.html.fromstring(page.body)
    assert html.cssselect("h2.titulo")[0].text_content() == live.title.replace("'", "''")
    assert " de 20" in html.cssselect("div.fecha")[0].text_content()  # Spanish timestamp
    migrated = next(t for t in manifest if t.generation == "wordpress"
                    and any("o=rn" in u for u in t.urls))
    old = next(u for u in migrated.urls if "o=rn" in u)
    moved = client.get(_http(old))
    assert (moved.status, moved.header("Location")) == (301, migrated.canonical_url)
    listing = client.get("http://www.plenglish.com/index.php?o=vt&id=mundo&SEO=noticias-mundo")
    assert "o=rn&amp;id=" in listing.text or "o=rn&id=" in listing.text
    channel = lxml.etree.fromstring(client.get(
        "http://www.plenglish.com/index.php?o=vc&id=mundo&SEO=canalrss-mundo").body)
    assert channel.findtext("channel/title") == \
        "Agencia Latinoamericana de Noticias Prensa Latina"
    assert client.get("http://www.plenglish.com/index.php?o=rn&id=1&SEO=x").status == 404


def test_joomla_and_spanish_twin(client: ProxyClient, replica: ReplicaServer) -> None:
    manifest = replica.manifest("prensa_latina")
    joomla = next(t for t in manifest if t.generation == "joomla" and t.edition == "en"
                  and t.title.startswith("Syrian Victory"))
    page = lxml.html.fromstring(client.get(_http(joomla.canonical_url)).body)
    assert page.cssselect("td.contentheading")[0].text_content() == joomla.title
    assert page.cssselect("td.createdate")[0].text_content() == "Thursday, 06 June 2013"
    assert joomla.also_served_as and joomla.also_served_as[0].endswith(
        "/news/2013/06/06/syrian-victory-in-al-qseir-breaks-rebels-backbone/")
    spanish = [t for t in manifest if t.edition == "es" and t.title.startswith("Victoria")]
    assert {t.generation for t in spanish} == {"wordpress", "joomla"}
    for truth in spanish:
        text = client.get(_http(truth.canonical_url)).text
        assert "Damasco, 6 jun (Prensa Latina)" in text


def test_digest_is_not_an_article_and_listings(client: ProxyClient,
                                               replica: ReplicaServer) -> None:
    digest = next(t for t in replica.manifest("prensa_latina") if not t.is_article)
    assert digest.title.startswith("Second list of the main topics")
    text = client.get(_http(digest.canonical_url)).text
    assert text.count("(Prensa La") >= 5
    tags = client.get("http://www.plenglish.com/tags/cuba/")
    assert tags.status == 200 and "- Published on:" in tags.text
    section = lxml.html.fromstring(client.get("http://www.plenglish.com/section/cuba/").body)
    assert len(section.cssselect("div.teaser")) == 5
    nxt = section.xpath("//link[@rel='next']/@href")
    assert nxt == ["https://www.plenglish.com/section/cuba/page/2/"]
    assert client.get(_http(nxt[0])).status == 200
