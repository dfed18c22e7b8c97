"""Screenshots of the web UI for the README: ``python -m tests.browse.screenshots``.

The archive is ``newsvault demo`` (the three outlet replicas, crawled for real) plus the
test archive's stories (an edit, a revisit, a deletion, a syndicated copy), written into
the same catalog and store. Pages are captured with Playwright and Debian's Chromium.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from browse import BrowseSettings
from tests.support.browse_archive import build
from tests.support.live import serve

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = [  # (file, path, full page)
    ("outlets.png", "/", False),
    ("articles.png", "/articles", False),
    ("search-arabic.png", "/search?q=%D8%A7%D9%84%D9%82%D8%B5%D9%8A%D8%B1", False),
    ("search.png", "/search?q=Qusayr", False),
    ("article.png", "/articles/{qusayr}", True),
    ("article-arabic.png", "/articles/{arabic}", False),
    ("diff.png", "/articles/{qusayr}/diff", False),
    ("diff-inline.png", "/articles/{qusayr}/diff?mode=inline", False),
    ("replay.png", "/captures/{capture}", True),
    ("runs.png", "/runs", False),
]


def make_archive(home: Path) -> dict[str, str]:
    """The demo crawl, then the test stories on top; returns the ids the shots use."""
    env = {**os.environ, "NEWSVAULT_HOME": str(home), "NEWSVAULT_PROGRESS": "0"}
    subprocess.run([sys.executable, "-m", "newsvault", "demo", "--home", str(home)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    extra = build(home)
    return {"qusayr": str(extra.ids["qusayr"]), "arabic": str(extra.ids["arabic"]),
            "capture": extra.captures["qusayr_v1"]}


def shoot(base: str, ids: dict[str, str], out: Path) -> list[Path]:
    """Capture every page in SHOTS (and the list at phone width) into ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        for name, path, full in SHOTS:
            page.set_viewport_size({"width": 1280, "height": 860})
            page.goto(base + path.format(**ids))
            page.wait_for_load_state("networkidle")
            if full:  # a viewport as tall as the page, so the replay frame is painted too
                height = page.evaluate("document.documentElement.scrollHeight")
                page.set_viewport_size({"width": 1280, "height": int(height)})
                page.wait_for_timeout(300)
            page.screenshot(path=str(out / name))
            made.append(out / name)
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        phone.goto(base + f"/articles/{ids['arabic']}")
        phone.screenshot(path=str(out / "phone-article.png"))
        made.append(out / "phone-article.png")
        browser.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsvault-shots-") as tmp:
        home = Path(tmp) / "data"
        ids = make_archive(home)
        settings = BrowseSettings(f"sqlite:///{home / 'catalog.sqlite'}",
                                  (home / "store").resolve().as_uri())
        with serve(settings) as base:
            for path in shoot(base, ids, args.out):
                print(path)


if __name__ == "__main__":
    main()
