"""The web UI in a real browser: Playwright driving Debian's Chromium against a live server.

Also the proof that archived scripts cannot touch the UI: an archived page whose scripts
write to ``window.parent``, cookies and localStorage is replayed, and nothing of it lands.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browse_archive import BrowseArchive

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (never `playwright "
                    "install`; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.dialogs = dialogs
    yield tab
    context.close()


def test_search_article_diff_replay(page: Any, live: str, archive: BrowseArchive) -> None:
    page.goto(live + "/")
    page.fill("header input[name=q]", "القصير")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator("ol.results mark").first.inner_text() == "القُصَيْر"
    page.goto(live + "/search?q=qusayr")
    page.click(f"ol.results a[href='/articles/{archive.ids['qusayr']}']")
    page.wait_for_url(f"**/articles/{archive.ids['qusayr']}")
    assert "eleven villages" in page.inner_text("div.text")
    page.click("text=Show the changes")
    page.wait_for_url("**/diff?*")
    assert page.locator("table.diff del").first.inner_text() == "several"
    assert page.locator("table.diff ins").first.inner_text().strip() == "countryside" or \
        page.locator("table.diff ins", has_text="eleven").count() == 1
    page.click("text=Inline")
    assert page.locator("div.diff.inline ins", has_text="eleven").count() == 1
    page.goto(live + f"/articles/{archive.ids['qusayr']}")
    page.click("text=Replay the archived page")
    page.wait_for_url("**/captures/*")
    frame = page.frame_locator("iframe.replay")
    assert "eleven villages" in frame.locator("body").inner_text()
    assert page.dialogs == []


def test_download_wacz(page: Any, live: str, archive: BrowseArchive, tmp_path: Path) -> None:
    page.goto(live + f"/articles/{archive.ids['arabic']}")
    with page.expect_download() as download:
        page.click("text=WACZ of this article")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.endswith(".wacz")
    with zipfile.ZipFile(saved) as zf:
        assert "datapackage.json" in zf.namelist()
        assert "القُصَيْر".encode() in zf.read("newsvault/articles.jsonl")


def _clean(page: Any, context: Any) -> None:
    state = page.evaluate("""() => ({
        pwned: window.pwned, top: window.top.pwned,
        attr: document.body.getAttribute('data-pwned'),
        cookie: document.cookie, stored: localStorage.getItem('pwned'),
        title: document.title})""")
    assert state["pwned"] is None and state["top"] is None and state["attr"] is None, state
    assert "pwned" not in state["cookie"] and state["stored"] is None, state
    assert "SCRIPT RAN" not in state["title"], state
    assert not [c for c in context.cookies() if c["name"].startswith("pwned")]


def test_archived_scripts_cannot_touch_the_ui(page: Any, live: str,
                                              archive: BrowseArchive) -> None:
    raw = f"/captures/{archive.captures['hostile']}/raw"
    page.goto(live + f"/captures/{archive.captures['hostile']}")
    frame = page.frame_locator("iframe.replay")
    assert frame.locator("#text").inner_text() == "An archived page that tries to escape."
    # the archived script never ran, inside the frame either
    assert frame.locator("html").get_attribute("data-ran") is None
    page.wait_for_timeout(300)  # time for onerror handlers and late scripts, had any run
    _clean(page, page.context)
    # Opened directly in a tab, the raw replay is sandboxed by its own CSP.
    direct = page.context.new_page()
    direct.goto(live + raw)
    assert direct.locator("html").get_attribute("data-ran") is None
    assert direct.title() == "Hostile page"
    direct.close()
    page.goto(live + "/")
    _clean(page, page.context)
    assert page.dialogs == []
