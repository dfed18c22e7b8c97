"""Bad input gets a clear outcome and loses nothing: every fault is archived as received."""

from __future__ import annotations

import resource
import time
from typing import Any

import pytest

from tests.conftest import Home
from tests.e2e.archive import read_warcs, rows

CAP = 1_000_000  # NEWSVAULT_MAX_BODY for these runs


def crawl_urls(home: Home, replica: Any, paths: list[str], *extra: str) -> Any:
    listing = home.path / "faults.txt"
    listing.write_text("".join(p if p.startswith("https:") else f"https://sana.sy{p}\n"
                               for p in paths))
    home.env["NEWSVAULT_MAX_BODY"] = str(CAP)
    return home.crawl("sana", "--urls", str(listing), "--delay", "0", *extra,
                      proxy=replica.proxy_url)


def responses(home: Home, path: str) -> list[Any]:
    return [r for r in read_warcs(home.store) if r.type == "response"
            and r.uri is not None and r.uri.split("sana.sy", 1)[-1].startswith(path)]


@pytest.fixture(scope="module")
def faulted(replica: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from tests.conftest import home as make_home

    home: Home = make_home.__wrapped__(tmp_path_factory.mktemp("faults"))  # type: ignore[attr-defined]
    paths = ["/_faults/404", "/_faults/500", "/_faults/empty", "/_faults/pdf",
             "/_faults/malformed", "/_faults/wrong-charset", "/_faults/huge?mb=3",
             "/_faults/gzip-bomb", "/_faults/redirect-loop", "/_faults/offsite",
             "/_faults/429?k=faulted", "/_faults/503?k=faulted", "/_faults/truncated"]
    # An article page in windows-1256 whose header claims UTF-8.
    paths += [next(t.urls[0] for t in replica.manifest("sana") if t.fault == "wrong-charset")
              + "\n"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = crawl_urls(home, replica, paths)
    return {"home": home, "done": done, "seconds": time.monotonic() - started,
            "rss_kb": max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)}


@pytest.mark.slow
def test_run_succeeds_and_every_fault_is_archived(faulted: dict[str, Any]) -> None:
    done, home = faulted["done"], faulted["home"]
    assert done.returncode == 0, done.stderr[-3000:]
    for path, statuses in {"/_faults/404": {404}, "/_faults/500": {500},
                           "/_faults/empty": {200}, "/_faults/pdf": {200},
                           "/_faults/offsite": {302}, "/_faults/redirect-loop": {302}}.items():
        got = {r.status for r in responses(home, path)}
        assert got == statuses, (path, got)
    assert len(responses(home, "/_faults/500")) == 4  # the first try and three retries


@pytest.mark.slow
def test_only_pages_become_articles(faulted: dict[str, Any]) -> None:
    arts = rows(faulted["home"].catalog_url, "SELECT url, title, body, flags FROM articles")
    urls = sorted(a["url"].split("sana.sy", 1)[1] for a in arts)
    for path in ("/_faults/404", "/_faults/500", "/_faults/empty", "/_faults/pdf",
                 "/_faults/gzip-bomb", "/_faults/offsite"):
        assert not any(u.startswith(path) for u in urls), (path, urls)
    malformed = next(a for a in arts if "malformed" in a["url"])
    assert malformed["title"] == "Malformed but readable"
    assert "First paragraph" in malformed["body"] and "Second paragraph" in malformed["body"]


@pytest.mark.slow
def test_wrong_charset_header_gives_correct_arabic(replica: Any,
                                                   faulted: dict[str, Any]) -> None:
    home = faulted["home"]
    truth = next(t for t in replica.manifest("sana") if t.fault == "wrong-charset")
    path = truth.urls[0].split("sana.sy", 1)[1]
    (raw,) = responses(home, path)
    assert "charset=utf-8" in dict(raw.http_headers)["Content-Type"].lower()
    (art,) = [a for a in rows(home.catalog_url, "SELECT * FROM articles") if path in a["url"]]
    assert art["title"] == truth.title
    assert any("\u0600" <= ch <= "\u06ff" for ch in art["body"]), art["body"][:200]
    assert "\ufffd" not in art["body"]  # decoded as windows-1256, not mangled as UTF-8
    assert raw.payload.decode("cp1256")  # and the archive keeps the original bytes


@pytest.mark.slow
def test_huge_body_is_archived_truncated_and_flagged(faulted: dict[str, Any]) -> None:
    (huge,) = responses(faulted["home"], "/_faults/huge")
    assert huge.headers.get("WARC-Truncated") == "length"
    assert CAP <= len(huge.payload) < CAP + 1_000_000  # cut at the cap, not dropped


@pytest.mark.slow
def test_gzip_bomb_is_archived_but_never_inflated(faulted: dict[str, Any]) -> None:
    (bomb,) = responses(faulted["home"], "/_faults/gzip-bomb")
    assert bomb.payload[:2] == b"\x1f\x8b" and len(bomb.payload) < 5_000_000
    assert faulted["rss_kb"] < 700_000  # the crawl never held the inflated gigabyte


@pytest.mark.slow
def test_redirects_stop_at_the_outlet_boundary(replica: Any, faulted: dict[str, Any]) -> None:
    home = faulted["home"]
    loop = responses(home, "/_faults/redirect-loop")
    assert 2 <= len(loop) <= 11  # a loop is followed only up to REDIRECT_MAX_TIMES
    (offsite,) = responses(home, "/_faults/offsite")
    assert dict(offsite.http_headers)["Location"].startswith("http://example.invalid")
    assert not [r for r in read_warcs(home.store) if r.uri and "example.invalid" in r.uri]


@pytest.mark.slow
def test_retry_after_is_honoured(faulted: dict[str, Any]) -> None:
    home = faulted["home"]
    for path in ("/_faults/429", "/_faults/503"):
        got = responses(home, path)
        assert [r.status for r in got] == [int(path[-3:]), 200], path
        assert dict(got[0].http_headers)["Retry-After"] == "1"
        first, second = (r.headers["WARC-Date"] for r in got)
        assert second > first
    stats = rows(home.catalog_url, "SELECT stats FROM runs")[0]["stats"]
    stats = stats if isinstance(stats, dict) else __import__("json").loads(stats)
    assert stats["newsvault/retry_after/waits"] == 2


@pytest.mark.slow
def test_truncated_response_is_flagged(faulted: dict[str, Any]) -> None:
    got = responses(faulted["home"], "/_faults/truncated")
    assert got and all(r.headers.get("WARC-Truncated") == "disconnect" for r in got)


@pytest.mark.slow
def test_unreachable_outlet_fails_with_one_clear_line(home: Home) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = home.crawl("emirates_voice", "--edition", "en", "--delay", "0",
                      proxy=f"http://127.0.0.1:{port}", timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "failed: could not reach emirates_voice" in lines[0], lines
    (run,) = rows(home.catalog_url, "SELECT status, error FROM runs")
    assert run["status"] == "failed" and "could not reach" in run["error"]


@pytest.mark.parametrize("args", [["nosuch"], ["sana", "--edition", "xx"],
                                  ["sana", "--since", "yesterday"], ["sana", "--limit", "0"],
                                  ["sana", "--base-url", "ftp://x"]])
def test_usage_errors_exit_2(home: Home, args: list[str]) -> None:
    done = home.crawl(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("newsvault crawl: ") and len(done.stderr.splitlines()) == 1
