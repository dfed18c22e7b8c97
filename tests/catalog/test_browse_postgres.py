"""The web UI's page and export tests again, over the same archive in a PostgreSQL catalog.

The tests are imported from tests/browse, so they are collected here a second time; this
module's ``archive`` fixture (PostgreSQL) stands in for the session one (SQLite) of
tests/browse/conftest.py. They read the catalog through every query the UI makes: the
overview, filtered lists and counts, search, articles with versions, events and copies,
runs, captures, replay, citations and exports.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from browse import BrowseSettings, create_app
from catalog import db
from tests.browse.test_exports import (  # noqa: F401 (collected here again)
    test_cdxj_export_matches_cdxj_indexer,
    test_jsonl_export,
    test_warc_export_is_valid_and_byte_identical,
    test_web_downloads,
    warc_export,
)
from tests.browse.test_pages import *  # noqa: F403 (collected here again)
from tests.support.browse_archive import BrowseArchive, build
from tests.support.postgres import Databases

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, postgres_databases: Databases,
            catalog_template: str) -> Iterator[BrowseArchive]:
    url = postgres_databases.create("browse", template=catalog_template)
    built = build(tmp_path_factory.mktemp("browse-archive-pg"), url)
    assert built.catalog_url.startswith("postgresql")
    yield built
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@pytest.fixture(scope="module")
def settings(archive: BrowseArchive) -> BrowseSettings:
    return BrowseSettings(archive.catalog_url, archive.store_uri)


@pytest.fixture(scope="module")
def client(settings: BrowseSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_archive_is_in_postgresql(archive: BrowseArchive) -> None:
    assert archive.catalog_url.startswith("postgresql+psycopg://")
    assert not (archive.home / "catalog.sqlite").exists()
