"""The ground truth agrees with what is served: every URL form, every source, the text."""

from __future__ import annotations

import html
from concurrent.futures import ThreadPoolExecutor

import lxml.html
import pytest

from newsvault.replicas import ArticleTruth, ReplicaServer
from newsvault.replicas.client import ProxyClient
from newsvault.replicas.model import addslashes

OUTLETS = ("sana", "prensa_latina", "emirates_voice")


def _http(url: str) -> str:
    return url.replace("https://", "http://", 1)


def _check_urls(replica: ReplicaServer, truths: list[ArticleTruth]) -> list[str]:
    client, problems = ProxyClient(replica.proxy_url), []
    for truth in truths:
        for url in truth.urls:
            reply = client.get(_http(url))
            expected = (301, truth.redirects[url]) if url in truth.redirects else (200, None)
            if (reply.status, reply.header("Location")) != expected:
                problems.append(f"{url}: {reply.status} {reply.header('Location')}")
    client.close()
    return problems


@pytest.mark.parametrize("outlet", OUTLETS)
def test_every_url_form_answers_200_or_its_redirect(replica: ReplicaServer,
                                                    outlet: str) -> None:
    truths = replica.manifest(outlet)
    assert truths and all(t.outlet == outlet for t in truths)
    with ThreadPoolExecutor(max_workers=4) as pool:
        parts = pool.map(lambda part: _check_urls(replica, part),
                         [truths[i::4] for i in range(4)])
        problems = [problem for part in parts for problem in part]
    assert problems == []


def _served_form(truth: ArticleTruth, text: str, body: bool = True) -> str:
    """Re-apply the quirks the manifest undid (o= doubles apostrophes in titles too)."""
    if truth.generation == "o-router":
        return text.replace("'", "''")
    if truth.outlet == "emirates_voice" and body:
        return addslashes(text)
    return text


@pytest.mark.parametrize("outlet", OUTLETS)
def test_title_and_paragraphs_are_on_the_page(replica: ReplicaServer, client: ProxyClient,
                                              outlet: str) -> None:
    for truth in replica.manifest(outlet):
        reply = client.get(_http(truth.canonical_url))
        assert reply.status == 200, truth.canonical_url
        assert reply.charset.lower() in (truth.charset, "utf-8"), truth.canonical_url
        text = lxml.html.fromstring(reply.body.decode(truth.charset)).text_content()
        assert _served_form(truth, truth.title, body=False) in text, truth.canonical_url
        for paragraph in truth.body_paragraphs:
            assert _served_form(truth, paragraph) in text, (truth.canonical_url, paragraph)
        if truth.dateline:
            assert truth.dateline in text
        if truth.editor_initials:
            assert truth.editor_initials in text


@pytest.mark.parametrize("outlet", OUTLETS)
def test_sources_link_their_articles(replica: ReplicaServer, client: ProxyClient,
                                     outlet: str) -> None:
    truths = replica.manifest(outlet)
    by_source: dict[str, list[ArticleTruth]] = {}
    for truth in truths:
        for source in truth.sources:
            by_source.setdefault(source, []).append(truth)
    assert len(by_source) > 10
    listed = [t for t in truths if t.sources]
    assert len(listed) > len(truths) / 2
    for source, members in by_source.items():
        reply = client.get(_http(source))
        assert reply.status == 200, source
        body = html.unescape(reply.body.decode(reply.charset))
        for truth in members:
            assert any(u in body for u in (truth.canonical_url, *truth.urls)), (source, truth)


def test_manifest_is_deterministic() -> None:
    first = ReplicaServer(seed=7).manifest("sana")
    assert first == ReplicaServer(seed=7).manifest("sana")
    assert first != ReplicaServer(seed=8).manifest("sana")


def test_same_seed_serves_the_same_bytes() -> None:
    bodies = []
    for _ in range(2):
        with ReplicaServer(seed=5) as server:
            client = ProxyClient(server.proxy_url)
            bodies.append([client.get(u).body for u in (
                "http://sana.sy/en/", "http://www.plenglish.com/feed/",
                "http://www.emiratesvoice.com/en/news-12/")])
            client.close()
    assert bodies[0] == bodies[1]


def test_samples_are_where_the_brief_puts_them(replica: ReplicaServer) -> None:
    sana = {t.title: t for t in replica.manifest("sana") if t.published.startswith("2013")}
    victory = [t for t in sana.values() if t.title.startswith("Victory in al-Qseir")]
    assert victory and victory[0].editor_initials == "H. Said"
    generations = {t.generation for t in replica.manifest("sana")
                   if t.title.startswith("AL-Qseir Restores")}
    assert generations == {"sahifa", "legacy-2013"}
    ev = next(t for t in replica.manifest("emirates_voice") if t.article_id == 314)
    assert ev.canonical_url == ("https://www.emiratesvoice.com/en/314/"
                                "syrian-troops-push-ahead-with-offensive-on-qusayr")
    pl = {t.generation for t in replica.manifest("prensa_latina")
          if t.title == "Syrian Victory in al-Qseir Breaks Rebels' Backbone"}
    assert pl == {"wordpress", "joomla"}
