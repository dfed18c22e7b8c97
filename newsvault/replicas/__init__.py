"""Faithful local replicas of the three outlets of the 2013 Qusayr sample.

``ReplicaServer`` serves SANA, Prensa Latina and Emirates Voice from generated content
(seeded, deterministic) through a local HTTP proxy (CONNECT + TLS included) and per-host
mirrors, with ground truth (``manifest``), a mutation API and fault routes for tests.
Run ``python -m newsvault.replicas`` to serve them in the foreground.
"""

from newsvault.replicas.messages import LoggedRequest
from newsvault.replicas.model import ArticleTruth
from newsvault.replicas.server import DEFAULT_NOW, ReplicaServer
from newsvault.replicas.site import Site

__all__ = ["DEFAULT_NOW", "ArticleTruth", "LoggedRequest", "ReplicaServer", "Site"]
