"""Fixtures for the replica tests: running servers and proxy clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsvault.replicas import ReplicaServer
from newsvault.replicas.client import ProxyClient


@pytest.fixture(scope="session")
def replica() -> Iterator[ReplicaServer]:
    """A shared server without faults. Tests must not mutate it (use ``fresh``)."""
    with ReplicaServer() as server:
        yield server


@pytest.fixture(scope="session")
def faulty() -> Iterator[ReplicaServer]:
    """A shared server with the fault profile on."""
    with ReplicaServer(faults=True, seed=3) as server:
        yield server


@pytest.fixture
def fresh() -> Iterator[ReplicaServer]:
    """A private server for tests that mutate content."""
    with ReplicaServer() as server:
        yield server


@pytest.fixture
def client(replica: ReplicaServer) -> Iterator[ProxyClient]:
    """A client of the shared server."""
    proxy = ProxyClient(replica.proxy_url)
    yield proxy
    proxy.close()


@pytest.fixture
def fault_client(faulty: ReplicaServer) -> Iterator[ProxyClient]:
    """A client of the faulty server."""
    proxy = ProxyClient(faulty.proxy_url)
    yield proxy
    proxy.close()


@pytest.fixture
def fresh_client(fresh: ReplicaServer) -> Iterator[ProxyClient]:
    """A client of the private server."""
    proxy = ProxyClient(fresh.proxy_url)
    yield proxy
    proxy.close()
