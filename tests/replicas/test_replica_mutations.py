"""The mutation API: edits, retitles, deletions, restores, injected faults, new posts."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

import lxml.etree
import pytest

from newsvault.replicas import ArticleTruth, ReplicaServer
from newsvault.replicas.client import ProxyClient


def _http(url: str) -> str:
    return url.replace("https://", "http://", 1)


def _truth(server: ReplicaServer, outlet: str, article_id: int, generation: str) -> ArticleTruth:
    return next(t for t in server.manifest(outlet)
                if t.article_id == article_id and t.generation == generation)


def _newest(server: ReplicaServer, outlet: str, generation: str) -> ArticleTruth:
    """The newest English article of a generation."""
    return max((t for t in server.manifest(outlet) if t.generation == generation
                and t.edition == "en" and t.is_article and not t.fault),
               key=lambda t: datetime.fromisoformat(t.published))


def test_edit_changes_page_validators_and_manifest(fresh: ReplicaServer,
                                                   fresh_client: ProxyClient) -> None:
    before = _newest(fresh, "sana", "foxiz")
    url = _http(before.canonical_url)
    first = fresh_client.get(url)
    fresh.site("sana").edit(before.article_id, 1, "A corrected second paragraph.")
    second = fresh_client.get(url)
    after = _truth(fresh, "sana", before.article_id, "foxiz")
    assert b"<p>A corrected second paragraph.</p>" in second.body
    assert second.header("ETag") != first.header("ETag")
    assert parsedate_to_datetime(second.header("Last-Modified") or "") > \
        parsedate_to_datetime(first.header("Last-Modified") or "")
    assert after.body_paragraphs[1] == "A corrected second paragraph."
    assert after.body_paragraphs[0] == before.body_paragraphs[0]
    assert datetime.fromisoformat(after.modified) > datetime.fromisoformat(before.modified)
    assert after.published == before.published
    stale = fresh_client.get(url, headers={"If-None-Match": first.header("ETag") or ""})
    assert stale.status == 200


def test_edit_reapplies_the_generation_quirks(fresh: ReplicaServer,
                                              fresh_client: ProxyClient) -> None:
    fresh.site("emirates_voice").edit(314, 1, 'He said "it\'s over".')
    page = fresh_client.get("http://www.emiratesvoice.com/en/314/x").body
    assert b'<p>He said \\"it\\\'s over\\".</p>' in page
    o_router = next(t for t in fresh.manifest("prensa_latina") if t.generation == "o-router")
    fresh.site("prensa_latina").edit(o_router.article_id, 1, "Cuba's harvest grew.")
    assert b"Cuba''s harvest grew." in fresh_client.get(_http(o_router.canonical_url)).body


def test_retitle_keeps_the_url(fresh: ReplicaServer, fresh_client: ProxyClient) -> None:
    truth = _newest(fresh, "prensa_latina", "wordpress")
    fresh.site("prensa_latina").retitle(truth.article_id, "A New Headline")
    assert _truth(fresh, "prensa_latina", truth.article_id, "wordpress").canonical_url == \
        truth.canonical_url
    assert b"<h1 class=\"entry-title\">A New Headline</h1>" in \
        fresh_client.get(_http(truth.canonical_url)).body
    feed = lxml.etree.fromstring(fresh_client.get("http://www.plenglish.com/feed/").body)
    assert "A New Headline" in feed.xpath("//item/title/text()")


@pytest.mark.parametrize(("mode", "status"), [("404", 404), ("410", 410),
                                              ("redirect_home", 301)])
def test_delete_and_restore(fresh: ReplicaServer, fresh_client: ProxyClient, mode: str,
                            status: int) -> None:
    truth = _newest(fresh, "sana", "foxiz")
    site = fresh.site("sana")
    site.delete(truth.article_id, mode=mode)
    for url in truth.urls:
        reply = fresh_client.get(_http(url))
        assert reply.status == status, url
        if mode == "redirect_home":
            assert reply.header("Location") == "https://sana.sy/en/"
    feed = fresh_client.get("http://sana.sy/en/feed/").text
    assert truth.canonical_url not in feed
    deleted = _truth(fresh, "sana", truth.article_id, "foxiz")
    assert deleted.deleted == mode and deleted.sources == ()
    site.restore(truth.article_id)
    assert fresh_client.get(_http(truth.canonical_url)).status == 200
    assert truth.canonical_url in fresh_client.get("http://sana.sy/en/feed/").text
    with pytest.raises(ValueError):
        site.delete(truth.article_id, mode="gone")


def test_set_fault_by_id_and_by_path(fresh: ReplicaServer, fresh_client: ProxyClient) -> None:
    truth = next(t for t in fresh.manifest("emirates_voice") if t.article_id == 314)
    site = fresh.site("emirates_voice")
    site.set_fault(314, status=503, retry_after=2, times=1)
    failed = fresh_client.get(_http(truth.urls[2]))  # any URL form, here mail.
    assert (failed.status, failed.header("Retry-After")) == (503, "2")
    assert fresh_client.get(_http(truth.canonical_url)).status == 200
    fresh.site("sana").set_fault("/en/feed/", status=500, times=2)
    statuses = [fresh_client.get("http://sana.sy/en/feed/").status for _ in range(3)]
    assert statuses == [500, 500, 200]
    with pytest.raises(KeyError):
        site.set_fault(999999)


def test_publish_adds_a_new_top_story(fresh: ReplicaServer, fresh_client: ProxyClient) -> None:
    for outlet, feed in (("sana", "http://sana.sy/en/feed/"),
                         ("prensa_latina", "http://www.plenglish.com/feed/"),
                         ("emirates_voice", "http://www.emiratesvoice.com/en/rss")):
        new_id = fresh.site(outlet).publish()
        truth = next(t for t in fresh.manifest(outlet) if t.article_id == new_id)
        links = lxml.etree.fromstring(fresh_client.get(feed).body).xpath("//item/link/text()")
        assert truth.canonical_url in links[:12], outlet
        assert fresh_client.get(_http(truth.canonical_url)).status == 200
