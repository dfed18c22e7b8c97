"""What changed between two versions of an article: by paragraph, then by word."""

from __future__ import annotations

import difflib
import re
from typing import Any

_WORDS = re.compile(r"\S+|\s+")


def word_diff(old: str, new: str) -> list[dict[str, str]]:
    """Word-level operations: equal / delete / insert runs, whitespace kept."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    ops: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal",):
            ops.append({"op": "equal", "text": "".join(a[i1:i2])})
            continue
        if i2 > i1:
            ops.append({"op": "delete", "text": "".join(a[i1:i2])})
        if j2 > j1:
            ops.append({"op": "insert", "text": "".join(b[j1:j2])})
    return ops


def diff_versions(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A machine-readable diff of two versions (``title`` and ``body`` with paragraphs
    separated by blank lines)."""
    pa = (old.get("body") or "").split("\n\n") if old.get("body") else []
    pb = (new.get("body") or "").split("\n\n") if new.get("body") else []
    blocks: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(None, pa, pb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        block: dict[str, Any] = {"op": tag, "from": pa[i1:i2], "to": pb[j1:j2],
                                 "from_index": i1, "to_index": j1}
        if tag == "replace" and i2 - i1 == j2 - j1:
            block["words"] = [word_diff(x, y) for x, y in zip(pa[i1:i2], pb[j1:j2], strict=True)]
        blocks.append(block)
    title_changed = (old.get("title") or "") != (new.get("title") or "")
    return {
        "from_version": old.get("version"), "to_version": new.get("version"),
        "title": {"from": old.get("title"), "to": new.get("title"), "changed": title_changed,
                  "words": word_diff(old.get("title") or "", new.get("title") or "")
                  if title_changed else []},
        "paragraphs": blocks,
        "changed": title_changed or any(b["op"] != "equal" for b in blocks),
    }


def render(diff: dict[str, Any]) -> str:
    """The diff for a terminal: [-removed-] {+added+}, unchanged paragraphs elided."""
    out = [f"version {diff['from_version']} -> {diff['to_version']}"]
    if diff["title"]["changed"]:
        out.append("title: " + _inline(diff["title"]["words"]))
    for block in diff["paragraphs"]:
        if block["op"] == "equal":
            out.append(f"  ({len(block['from'])} unchanged paragraph(s))")
        elif "words" in block:
            out += [f"~ §{block['from_index'] + k + 1}: {_inline(w)}"
                    for k, w in enumerate(block["words"])]
        else:
            out += [f"- §{block['from_index'] + k + 1}: {p}" for k, p in enumerate(block["from"])]
            out += [f"+ §{block['to_index'] + k + 1}: {p}" for k, p in enumerate(block["to"])]
    if not diff["changed"]:
        out.append("  no change")
    return "\n".join(out)


def _inline(ops: list[dict[str, str]]) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[o["op"]].format(o["text"]) for o in ops)
