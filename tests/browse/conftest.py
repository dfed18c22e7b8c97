"""Fixtures for the web UI: one small archive per session, a test client, a live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from browse import BrowseSettings, create_app
from tests.support.browse_archive import BrowseArchive, build


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> BrowseArchive:
    return build(tmp_path_factory.mktemp("browse-archive"))


@pytest.fixture(scope="session")
def settings(archive: BrowseArchive) -> BrowseSettings:
    return BrowseSettings(archive.catalog_url, archive.store_uri)


@pytest.fixture(scope="session")
def client(settings: BrowseSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live(settings: BrowseSettings) -> Iterator[str]:
    from tests.support.live import serve

    with serve(settings) as base:
        yield base
