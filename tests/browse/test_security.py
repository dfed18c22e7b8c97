"""Archived content stays inert: escaping, replay headers, the token gate, the binding rule."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from browse import BrowseSettings, create_app
from browse.security import COOKIE, REPLAY_CSP, cookie_value
from browse.settings import check_binding, is_loopback
from newsvault.cli import cli
from tests.support.browse_archive import BrowseArchive


def test_archived_text_is_escaped_everywhere(client: TestClient, archive: BrowseArchive) -> None:
    pages = [f"/articles/{archive.ids['hostile']}", "/articles?outlet=emirates_voice",
             "/search?q=hostile", f"/captures/{archive.captures['hostile']}"]
    for url in pages:
        html = client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;" in html or "&lt;img" in html, url
        assert "<script" not in html.lower(), url  # the UI itself ships no script at all


def test_ui_pages_forbid_scripts_and_framing(client: TestClient) -> None:
    headers = client.get("/").headers
    csp = headers["content-security-policy"]
    assert "script-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_replay_is_sandboxed_by_its_own_headers(client: TestClient,
                                                archive: BrowseArchive) -> None:
    raw = client.get(f"/captures/{archive.captures['hostile']}/raw")
    assert raw.status_code == 200 and b"<script>" in raw.content  # the bytes as archived...
    csp = raw.headers["content-security-policy"]
    assert csp == REPLAY_CSP  # ...under a policy that sandboxes them wherever they open
    directives = [d.strip() for d in csp.split(";")]
    assert directives[0] == "sandbox"  # no allow-scripts, no allow-same-origin
    assert "script-src 'none'" in directives and "default-src 'none'" in directives
    assert raw.headers["x-frame-options"] == "SAMEORIGIN"
    assert "set-cookie" not in raw.headers  # archived headers never become ours


def test_token_gate(settings: BrowseSettings) -> None:
    from dataclasses import replace

    app = create_app(replace(settings, token="s3cret-token"))
    with TestClient(app) as anonymous:
        denied = anonymous.get("/")
        assert denied.status_code == 401 and "NEWSVAULT_BROWSE_TOKEN" in denied.text
        assert anonymous.get("/static/style.css").status_code == 401
        assert anonymous.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert anonymous.get("/", headers={"Authorization": "Bearer s3cret-token"}
                             ).status_code == 200
    with TestClient(app, follow_redirects=False) as browser:
        login = browser.get("/articles?token=s3cret-token&outlet=sana")
        assert login.status_code == 303 and login.headers["location"] == "/articles?outlet=sana"
        cookie = login.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "s3cret-token" not in cookie and cookie_value("s3cret-token") in cookie
        browser.cookies.set(COOKIE, cookie_value("s3cret-token"))
        assert browser.get("/articles").status_code == 200
    with TestClient(app) as guesser:
        assert guesser.get("/?token=nope").status_code == 401


def test_binding_rule() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.5.6.7") and not is_loopback("0.0.0.0") and not is_loopback("::")
    assert check_binding("127.0.0.1", "") is None
    assert check_binding("0.0.0.0", "token") is None
    refusal = check_binding("0.0.0.0", "")
    assert refusal is not None and "NEWSVAULT_BROWSE_TOKEN" in refusal


def test_cli_refuses_open_binding_without_token(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["browse", "--host", "0.0.0.0"],
                              env={"NEWSVAULT_HOME": str(tmp_path), "NEWSVAULT_BROWSE_TOKEN": ""})
    assert done.exit_code == 2
    assert "NEWSVAULT_BROWSE_TOKEN" in done.output and "127.0.0.1" in done.output
