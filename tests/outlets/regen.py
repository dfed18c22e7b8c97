"""Rewrite the expected JSON of golden fixtures after an intended parser change.

    python -m tests.outlets.regen sana                 # every fixture of an outlet
    python -m tests.outlets.regen sana foxiz_2025_en   # named fixtures only

Review the result with ``git diff tests/outlets/`` before committing: the diff is the
behaviour change.
"""

from __future__ import annotations

import sys

from tests.outlets.golden import dump, fixtures, run, spiders


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in spiders():
        print(f"usage: python -m tests.outlets.regen <{'|'.join(sorted(spiders()))}> [name ...]")
        return 2
    outlet, names = argv[0], set(argv[1:])
    chosen = [f for f in fixtures(outlet) if not names or f.name in names]
    if names - {f.name for f in chosen}:
        print(f"unknown fixtures: {sorted(names - {f.name for f in chosen})}")
        return 2
    for fixture in chosen:
        text = dump(run(fixture))
        old = fixture.expected_path.read_text("utf-8") if fixture.expected_path.exists() else ""
        fixture.expected_path.write_text(text, "utf-8")
        print(f"{'unchanged' if old == text else 'rewrote  '} {fixture.expected_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
