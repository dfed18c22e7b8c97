"""``/healthz``: JSON a probe can read, 503 when the catalog is gone, behind the token."""

from __future__ import annotations

from sqlalchemy import create_engine
from starlette.testclient import TestClient

from browse import BrowseSettings, create_app
from newsvault import __version__
from tests.support.pywb import free_port


def test_healthz_reports_a_reachable_catalog(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {"ok": True, "catalog": "ok", "backend": "sqlite",
                               "version": __version__}


def test_healthz_is_503_with_the_reason_when_the_catalog_is_unreachable(
        settings: BrowseSettings) -> None:
    app = create_app(settings)
    # A PostgreSQL catalog whose server went away: nothing listens on this port.
    url = f"postgresql+psycopg://newsvault:hunter2@127.0.0.1:{free_port()}/newsvault"
    app.state.engine = create_engine(url, connect_args={"connect_timeout": 5})
    with TestClient(app) as client:
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503 and body["ok"] is False
    assert body["catalog"].startswith("unreachable: ") and body["backend"] == "postgresql"
    assert "hunter2" not in response.text  # the catalog URL's password never shows


def test_healthz_needs_the_token_like_every_route(settings: BrowseSettings) -> None:
    # Probes run inside the container, where the token is set: they send it as a Bearer.
    token = "t" * 32
    gated = BrowseSettings(settings.catalog_url, settings.storage_uri, token=token)
    with TestClient(create_app(gated)) as client:
        assert client.get("/healthz").status_code == 401
        answer = client.get("/healthz", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["ok"] is True
