"""Response encodings: gzip, chunked versus Content-Length, validators and 304s."""

from __future__ import annotations

from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime

from newsvault.replicas import ReplicaServer
from newsvault.replicas.client import ProxyClient, raw_connection

GZIP = {"Accept-Encoding": "gzip, deflate"}


def test_gzip_only_when_accepted(client: ProxyClient) -> None:
    plain = client.get("http://sana.sy/en/")
    zipped = client.get("http://sana.sy/en/", headers=GZIP)
    assert plain.header("Content-Encoding") is None
    assert zipped.header("Content-Encoding") == "gzip" and zipped.raw[:2] == b"\x1f\x8b"
    assert zipped.body == plain.raw
    assert zipped.header("Vary") == "Accept-Encoding"
    refused = client.get("http://sana.sy/en/", headers={"Accept-Encoding": "gzip;q=0"})
    assert refused.header("Content-Encoding") is None
    robots = client.get("http://sana.sy/robots.txt", headers=GZIP)
    assert robots.header("Content-Encoding") is None  # only HTML/XML/JSON are compressed


def _framing(replica: ReplicaServer, url: str) -> tuple[str | None, str | None]:
    conn = raw_connection(replica.proxy_url)
    conn.request("GET", url)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("Transfer-Encoding"), response.getheader("Content-Length")


def test_feeds_are_chunked_pages_have_content_length(replica: ReplicaServer) -> None:
    for feed in ("http://sana.sy/en/feed/", "http://www.plenglish.com/feed/",
                 "http://www.emiratesvoice.com/en/travel/rss.xml"):
        assert _framing(replica, feed) == ("chunked", None)
    encoding, length = _framing(replica, "http://sana.sy/en/sitemap_index.xml")
    assert encoding is None and length is not None and int(length) > 0


def test_validators_and_conditional_requests(client: ProxyClient) -> None:
    url = "http://www.plenglish.com/feed/"
    first = client.get(url)
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag and modified and first.header("Date") and first.header("Server") == "Apache"
    assert client.get(url).header("ETag") == etag  # stable per content version
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status == 304 and again.raw == b"" and again.header("ETag") == etag
    gz = client.get(url, headers=GZIP)
    assert gz.header("ETag") != etag  # one ETag per content-coding
    assert client.get(url, headers={**GZIP, "If-None-Match": gz.header("ETag") or ""}
                      ).status == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status == 304
    earlier = parsedate_to_datetime(modified).timestamp() - 3600
    assert client.get(url, headers={"If-Modified-Since": formatdate(earlier, usegmt=True)}
                      ).status == 200
    assert client.get(url, headers={"If-None-Match": '"other"',
                                    "If-Modified-Since": modified}).status == 200


def test_last_modified_is_the_articles_modification_time(replica: ReplicaServer,
                                                         client: ProxyClient) -> None:
    truth = next(t for t in replica.manifest("sana") if t.generation == "foxiz")
    reply = client.get(truth.canonical_url.replace("https:", "http:"))
    served = parsedate_to_datetime(reply.header("Last-Modified") or "")
    assert served.timestamp() == datetime.fromisoformat(truth.modified).timestamp()
