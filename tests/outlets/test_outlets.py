"""Every outlet spider against its golden fixtures (``tests/outlets/<id>/``).

One parametrized test per spider: the fixture folder exists, every parser version has a
fixture captured inside its window that it parses, and every fixture extracts exactly to
its expected JSON.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .golden import HERE, fixtures, regen_command, run, spiders

# Fields compared; all of Article except the raw url, which the fixture itself supplies.
FIELDS = ("canonical_url", "outlet", "edition", "language", "title", "authors",
          "editor_initials", "published", "modified", "section", "tags", "dateline", "body",
          "images", "methods", "parser", "encoding", "flags")


@pytest.mark.parametrize("outlet", sorted(spiders()))
def test_outlet_fixtures(outlet: str) -> None:
    spider = spiders()[outlet]
    stored = fixtures(outlet)
    assert stored, (f"no fixtures in tests/outlets/{outlet}/: add <name>.html + <name>.meta.json "
                    f"(url, headers, fetched_at, edition), then run {regen_command(outlet)}")
    assert spider.parsers, f"{outlet}: declare parser versions in crawler/spiders/{outlet}.py"
    results = {f.name: run(f) for f in stored}

    for parser in spider.parsers:
        covering = [f.name for f in stored if parser.valid_on(f.page().fetched_at.date())
                    and results[f.name].parser == parser.name]
        assert covering, (f"{parser.name} has no fixture captured inside its window "
                          f"({parser.valid_from} .. {parser.valid_until}) that it parses: add one "
                          f"to tests/outlets/{outlet}/ and run {regen_command(outlet)}")

    for fixture in stored:
        assert fixture.expected_path.exists(), (
            f"{fixture.expected_path.name} missing: run {regen_command(outlet, fixture.name)}")
        actual, expected = results[fixture.name].to_dict(), fixture.expected()
        differing = [k for k in FIELDS if actual.get(k) != expected.get(k)]
        assert not differing, _diff_message(outlet, fixture.name, differing, actual, expected)


def _diff_message(outlet: str, name: str, fields: list[str], actual: dict[str, Any],
                  expected: dict[str, Any]) -> str:
    lines = [f"{outlet}/{name} extracts differently in: {', '.join(fields)}"]
    for key in fields[:4]:
        lines.append(f"  {key}: expected {_short(expected.get(key))}")
        lines.append(f"  {key}:      got {_short(actual.get(key))}")
    lines.append(f"If the parser change is intended: {regen_command(outlet, name)} and review "
                 f"git diff tests/outlets/{outlet}/; otherwise fix crawler/spiders/{outlet}.py "
                 "or pipelines/extract/.")
    return "\n".join(lines)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) < 400 else text[:400] + "…"


def test_every_fixture_folder_belongs_to_a_spider() -> None:
    folders = {p.name for p in HERE.iterdir() if p.is_dir() and not p.name.startswith("_")
               and p.name != "__pycache__"}
    orphans = folders - set(spiders())
    assert not orphans, f"fixture folders without a spider in crawler/spiders/: {sorted(orphans)}"
