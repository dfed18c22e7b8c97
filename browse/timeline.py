"""An article's history as one chronological list: captures (pages, revisits, deletion
proofs, misses), the versions they proved, and the edit/deletion/reappearance events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KIND_LABELS = {"response": "captured", "revisit": "revisit (unchanged)",
               "gone": "gone (deletion proof)", "miss": "no answer"}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: str
    kind: str  # capture | version | edited | deleted | reappeared
    label: str
    capture_id: str | None = None
    status: int | None = None
    version: int | None = None
    detail: str = ""


def build(article: dict[str, Any]) -> list[Entry]:
    """The entries of an article as `catalog.queries.find_article` returns it, oldest
    first (an event sorts after the capture that proved it)."""
    entries = [Entry(c["fetched_at"], "capture", KIND_LABELS.get(c["kind"], c["kind"]),
                     c["capture_id"], c.get("status"), c.get("version"))
               for c in article["captures"]]
    entries += [Entry(v["first_seen"], "version", f"version {v['version']} first seen",
                      v["first_capture"], version=v["version"]) for v in article["versions"]]
    entries += [Entry(e["at"], e["kind"], e["kind"], e.get("capture_id"),
                      detail=_detail(e.get("detail") or {})) for e in article["events"]]
    order = {"capture": 0, "version": 1}
    return sorted(entries, key=lambda e: (e.at, order.get(e.kind, 2)))


def _detail(detail: dict[str, Any]) -> str:
    if "from_version" in detail:
        title = ", title changed" if detail.get("title_changed") else ""
        return f"version {detail['from_version']} → {detail['to_version']}{title}"
    return "; ".join(f"{k}: {v}" for k, v in detail.items())
