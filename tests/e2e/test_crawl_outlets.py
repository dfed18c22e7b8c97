"""Crawl each outlet replica end to end, then read everything back with other tools."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT, Home
from tests.e2e import damage, outage
from tests.e2e.archive import content, provenance, read_warcs, rows, warcio_check

OUTLETS = ("sana", "prensa_latina", "emirates_voice")
SCHEMA = json.loads((ROOT / "docs" / "provenance.schema.json").read_text())


@pytest.fixture(scope="module", params=["local", pytest.param("s3", marks=pytest.mark.server)])
def crawled(request: pytest.FixtureRequest, replica: Any,
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One crawl of every outlet (backfilling all generations) into one archive: once in
    a local store, once in S3 (SeaweedFS), where the last crawl runs through an S3 outage
    (see tests/e2e/outage.py). An S3 archive is then downloaded to where a local one would
    be, so every test reads both back with the same tools."""
    from tests.conftest import home as make_home

    home: Home = make_home.__wrapped__(tmp_path_factory.mktemp("archive"))  # type: ignore[attr-defined]
    seaweed, bucket, lapse = None, "", None
    if request.param == "s3":
        seaweed = request.getfixturevalue("seaweed")
        bucket = seaweed.bucket()
        home.env.update(seaweed.env(), NEWSVAULT_STORAGE=f"s3://{bucket}/newsvault")
    args = ("--delay", "0", "--since", "2010-01-01", "--proxy", replica.proxy_url)
    results = {o: home.crawl(o, *args) for o in OUTLETS[:-1]}
    if seaweed is not None:  # --delay: the crawl is still going when S3 goes away
        results[OUTLETS[-1]], lapse = outage.crawl_through_outage(
            home, seaweed, OUTLETS[-1], "--delay", "0.1", *args[2:])
    else:
        results[OUTLETS[-1]] = home.crawl(OUTLETS[-1], *args)
    verified = home.cli("verify", "--json")
    if seaweed is not None:
        assert not home.store.exists(), "with S3 storage nothing is stored locally"
        seaweed.mirror(bucket, "newsvault", home.store)
    return {"home": home, "results": results, "records": read_warcs(home.store),
            "storage": request.param, "seaweed": seaweed, "bucket": bucket,
            "outage": lapse, "verified": verified}


@pytest.mark.slow
@pytest.mark.parametrize("outlet", OUTLETS)
def test_crawl_succeeds(crawled: dict[str, Any], outlet: str) -> None:
    done: subprocess.CompletedProcess[str] = crawled["results"][outlet]
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("run ") and " ok: " in done.stdout
    home: Home = crawled["home"]
    (run,) = rows(home.catalog_url, "SELECT * FROM runs WHERE outlet = :o", o=outlet)
    assert run["status"] == "ok" and run["finished_at"] is not None


@pytest.mark.slow
def test_no_control_port_is_opened_into_a_capture(crawled: dict[str, Any]) -> None:
    logs = sorted((crawled["home"].path / "data" / "logs").glob("*.log"))
    assert len(logs) >= len(OUTLETS)
    for log in logs:
        text = log.read_text()
        assert "Enabled extensions" in text, log
        assert "Remote control" not in text and "Telnet" not in text, log


@pytest.mark.slow
def test_every_warc_is_valid_for_warcio(crawled: dict[str, Any]) -> None:
    done = warcio_check(crawled["home"].store)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "digest pass" in done.stdout and "fail" not in done.stdout.lower()


@pytest.mark.slow
def test_every_exchange_is_a_linked_request_response_pair(crawled: dict[str, Any]) -> None:
    records = crawled["records"]
    by_id = {r.id: r for r in records}
    responses = [r for r in records if r.type == "response"]
    requests = [r for r in records if r.type == "request"]
    assert len(responses) == len(requests) > 50
    for req in requests:
        resp = by_id[req.headers["WARC-Concurrent-To"]]
        assert resp.type == "response" and resp.uri == req.uri
        assert resp.headers["WARC-Date"] == req.headers["WARC-Date"]
    for resp in responses:
        h = resp.headers
        assert h["WARC-Block-Digest"].startswith("sha256:")
        assert h["WARC-Payload-Digest"] == "sha256:" + hashlib.sha256(resp.payload).hexdigest()
        assert h["WARC-IP-Address"] == "127.0.0.1"
        assert len(h["WARC-Date"]) == len("2026-01-01T00:00:00.000000Z")
    kinds = Counter(r.uri.rsplit("/", 1)[-1] if r.uri else "" for r in responses)
    assert kinds["robots.txt"] >= 3  # robots.txt of every host is evidence too
    statuses = {r.status for r in responses}
    assert 200 in statuses and statuses & {301, 302}  # redirects are archived too


@pytest.mark.slow
def test_bodies_are_archived_as_sent(crawled: dict[str, Any]) -> None:
    """Content-Encoding stays applied in the WARC; only de-chunking is undone."""
    records = crawled["records"]
    gzipped = [r for r in records if r.type == "response"
               and ("Content-Encoding", "gzip") in r.http_headers]
    assert gzipped and all(r.payload[:2] == b"\x1f\x8b" for r in gzipped)
    chunked = [r for r in records if r.type == "response" and any(
        k == "X-Archive-Orig-Transfer-Encoding" for k, _ in r.http_headers)]
    assert chunked, "some replica routes are chunked; their header must be renamed"
    assert not any(k.lower() == "transfer-encoding" for r in records for k, _ in r.http_headers)


@pytest.mark.slow
def test_warcinfo_opens_every_file(crawled: dict[str, Any]) -> None:
    records = crawled["records"]
    files = sorted({r.file for r in records})
    for name in files:
        first = next(r for r in records if r.file == name)
        assert first.type == "warcinfo" and first.offset == 0
        info = first.payload.decode()
        for field in ("software: newsvault/", "operator: newsvault test suite", "robots: obey",
                      "run-id: ", "http-header-user-agent: newsvault/", "format: WARC File"):
            assert field.lower() in info.lower(), (field, info)


@pytest.mark.slow
def test_catalog_points_at_every_record(crawled: dict[str, Any]) -> None:
    home: Home = crawled["home"]
    records = [r for r in crawled["records"] if r.type != "warcinfo"]
    cat = {r["record_id"]: r for r in rows(home.catalog_url, "SELECT * FROM captures")}
    assert len(cat) == len(records)
    for rec in records:
        row = cat[rec.id.strip("<>").removeprefix("urn:uuid:")]
        assert row["filename"] == rec.file and row["offset"] == rec.offset
        assert row["warc_type"] == rec.type
    files = rows(home.catalog_url, "SELECT * FROM warc_files")
    for f in files:
        data = (home.store / f["key"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["size"]


@pytest.mark.slow
def test_each_article_has_text_provenance_and_metadata_record(crawled: dict[str, Any]) -> None:
    home: Home = crawled["home"]
    by_id = {r.id.strip("<>").removeprefix("urn:uuid:"): r for r in crawled["records"]}
    caps = rows(home.catalog_url, "SELECT * FROM article_captures")
    assert len(caps) >= 60
    for cap in caps:
        prov = provenance(cap["provenance"])
        jsonschema.validate(prov, SCHEMA)
        doc = (home.store / cap["text_key"]).read_bytes()
        assert hashlib.sha256(doc).hexdigest() == prov["text"]["sha256"] == cap["text_sha256"]
        response = by_id[prov["capture_id"]]
        assert response.headers["WARC-Payload-Digest"] == f"sha256:{prov['payload_sha256']}"
        # The decoded content the text came from (hashed by the extraction worker).
        assert hashlib.sha256(content(response)).hexdigest() == prov["content_sha256"]
        meta = by_id[cap["metadata_record"]]
        assert meta.type == "metadata"
        assert meta.headers["WARC-Concurrent-To"] == response.id
        assert meta.headers["WARC-Refers-To"] == response.id
        assert meta.uri == f"urn:newsvault:provenance:{response.uri}"
        assert json.loads(meta.payload) == prov
        assert prov["robots"]["robots_txt"] in by_id  # the rules it was fetched under
        assert prov["discovered_from"]["kind"] in {"feed", "sitemap", "newssitemap", "listing"}
        if prov["discovered_from"].get("record_id"):
            assert prov["discovered_from"]["record_id"] in by_id
        tls = prov["response"]["tls"]
        if prov["response"]["url"].startswith("https://"):
            assert tls and len(tls["certificate_sha256"]) == 64


@pytest.mark.slow
def test_redirect_chain_in_provenance(replica: Any, home: Home) -> None:
    """An old SANA ?p= URL moves to archive.sana.sy: the hop is archived and provenanced."""
    truth = next(t for t in replica.manifest("sana") if t.redirects)
    (old, new), = truth.redirects.items()
    listing = home.path / "urls.txt"
    listing.write_text(f"# one old-form URL\n{old}\n")
    done = home.crawl("sana", "--urls", str(listing), "--delay", "0", proxy=replica.proxy_url)
    assert done.returncode == 0, done.stderr
    (cap,) = rows(home.catalog_url, "SELECT provenance FROM article_captures")
    prov = provenance(cap["provenance"])
    assert prov["request"]["url"] == old and prov["response"]["url"] == new
    assert [h["url"] for h in prov["redirects"]] == [old]
    assert prov["redirects"][0]["status"] == 301
    by_id = {r.id.strip("<>").removeprefix("urn:uuid:"): r for r in read_warcs(home.store)}
    hop = by_id[prov["redirects"][0]["record_id"]]
    assert hop.status == 301 and ("Location", new) in hop.http_headers


@pytest.mark.slow
def test_every_object_is_uploaded_confirmed_and_verified(crawled: dict[str, Any]) -> None:
    """The catalog lists every object with its size, SHA-256, ETag and upload time; the
    spool is empty; `newsvault verify` re-read all of them from the store and passed."""
    home: Home = crawled["home"]
    s3 = crawled["storage"] == "s3"
    listed = {o["key"]: o for o in rows(home.catalog_url, "SELECT * FROM objects")}
    caps = rows(home.catalog_url, "SELECT text_key FROM article_captures "
                                  "WHERE text_key IS NOT NULL")
    expected = ({f["key"] for f in rows(home.catalog_url, "SELECT key FROM warc_files")}
                | {c["text_key"] for c in caps}
                | {c["text_key"].removesuffix(".json") + ".provenance.json" for c in caps})
    assert set(listed) == expected
    stored = {p.relative_to(home.store).as_posix() for p in home.store.rglob("*") if p.is_file()}
    assert stored == expected
    for key, obj in listed.items():
        data = (home.store / key).read_bytes()
        assert obj["status"] == "stored" and obj["stored_at"] is not None
        assert obj["size"] == len(data) and obj["sha256"] == hashlib.sha256(data).hexdigest()
        if s3:  # the server checked our SHA-256 (or had it), and a HEAD confirmed its copy
            assert obj["verified_by"] in ("sha256", "head") and obj["store"].startswith("s3://")
            assert obj["etag"] == hashlib.md5(data).hexdigest() or obj["verified_by"] == "head"
        else:
            assert obj["verified_by"] == "local"
    assert not outage.spool_keys(home)
    for run in rows(home.catalog_url, "SELECT outlet, stats FROM runs"):
        stats = provenance(run["stats"])
        assert stats["newsvault/storage/failed"] == 0
        assert stats["newsvault/storage/spooled"] == 0 or (run["outlet"] == OUTLETS[-1] and s3)
    done = crawled["verified"]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    *findings, last = [json.loads(line) for line in done.stdout.splitlines()]
    assert last["ok"] and last["summary"]["ok"] == len(listed) == len(findings)
    assert {f["key"] for f in findings} == set(listed)


@pytest.mark.slow
def test_an_s3_outage_mid_crawl_loses_nothing(crawled: dict[str, Any]) -> None:
    """S3 stopped in the middle of a run: the run succeeds with a warning, its objects wait
    in the spool, and `newsvault sync` uploads every one once S3 is back (the other tests
    then find every capture of that run in the bucket, intact)."""
    if crawled["storage"] != "s3":
        pytest.skip("an outage needs a remote store")
    home: Home = crawled["home"]
    lapse: outage.Outage = crawled["outage"]
    done = crawled["results"][OUTLETS[-1]]
    assert done.returncode == 0 and " ok: " in done.stdout, done.stderr[-3000:]
    assert "could not be uploaded" in done.stderr and "newsvault sync" in done.stderr
    assert lapse.stats["newsvault/storage/spooled"] == len(lapse.spooled) > 0
    assert lapse.stats["newsvault/storage/uploaded"] > 0  # some made it before the outage
    assert any(k.startswith("warc/") for k in lapse.spooled)  # the last WARC file at least
    assert lapse.sync.returncode == 0, lapse.sync.stdout + lapse.sync.stderr
    assert f"uploaded {len(lapse.spooled)} of {len(lapse.spooled)}" in lapse.sync.stdout
    held = crawled["seaweed"].objects(crawled["bucket"], "newsvault")
    assert lapse.spooled <= set(held)
    warcs = rows(home.catalog_url, "SELECT key FROM warc_files WHERE outlet = :o",
                 o=OUTLETS[-1])
    assert len(warcs) >= 2 and {w["key"] for w in warcs} <= set(held)


@pytest.mark.slow
def test_verify_catches_damage(crawled: dict[str, Any], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-byte change anywhere, a missing or unexpected object, a catalog claim that no
    longer holds: each is reported (on a copy of the local archive; in the S3 bucket, which
    is repaired afterwards)."""
    home: Home = crawled["home"]
    if crawled["storage"] == "local":
        assert damage.assert_every_flip_is_caught(home, tmp_path / "flips") > 60
        damage.assert_catalog_claims_are_checked(home, tmp_path / "claims")
        damage.assert_cli_reports_damage(home, tmp_path / "cli")
    else:
        for name, value in crawled["seaweed"].env().items():
            monkeypatch.setenv(name, value)
        damage.assert_s3_damage_is_reported(home, crawled["seaweed"], crawled["bucket"],
                                            "newsvault")
