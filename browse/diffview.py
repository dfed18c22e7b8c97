"""`catalog.diff.diff_versions` output laid out for the page: side-by-side rows and an
inline flow. Parts are (op, text) pairs; the template escapes the text and wraps deletions
in ``<del>`` and insertions in ``<ins>``."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

Part = tuple[str, str]  # (equal | delete | insert, text)


@dataclass(frozen=True)
class Row:
    """One side-by-side row: the old paragraph's parts and the new one's (None: absent)."""

    op: str
    left: list[Part] | None
    right: list[Part] | None


def side_by_side(diff: dict[str, Any]) -> list[Row]:
    """Rows pairing each old paragraph with its new counterpart."""
    rows: list[Row] = []
    for block in diff["paragraphs"]:
        if block["op"] == "equal":
            rows += [Row("equal", [("equal", p)], [("equal", p)]) for p in block["from"]]
        elif "words" in block:
            rows += [Row("replace", [(o["op"], o["text"]) for o in ops if o["op"] != "insert"],
                         [(o["op"], o["text"]) for o in ops if o["op"] != "delete"])
                     for ops in block["words"]]
        else:
            rows += [Row(block["op"], [("delete", a)] if a is not None else None,
                         [("insert", b)] if b is not None else None)
                     for a, b in zip_longest(block["from"], block["to"])]
    return rows


def inline(diff: dict[str, Any]) -> list[list[Part]]:
    """Paragraphs in reading order, changes marked inside them."""
    out: list[list[Part]] = []
    for block in diff["paragraphs"]:
        if block["op"] == "equal":
            out += [[("equal", p)] for p in block["from"]]
        elif "words" in block:
            out += [[(o["op"], o["text"]) for o in ops] for ops in block["words"]]
        else:
            out += [[("delete", p)] for p in block["from"]]
            out += [[("insert", p)] for p in block["to"]]
    return out


def title_parts(diff: dict[str, Any]) -> list[Part]:
    """The title's word diff (or the title itself when it did not change)."""
    title = diff["title"]
    if not title["changed"]:
        return [("equal", title["to"] or "")]
    return [(o["op"], o["text"]) for o in title["words"]]
