"""The UI's pure helpers: highlighting, the sparkline, timelines, diff layout, search SQL."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql

from browse import diffview, timeline
from browse.render import direction, size, when
from browse.sparkline import points
from catalog.diff import diff_versions
from catalog.highlight import query_words, snippet, spans


def test_highlight_folds_like_the_index() -> None:
    words = query_words("القصير QUSAYR cafe")
    text = "Near Al-Qusayr, القُصَيْر; the Café stayed open. Qusayrs are not Qusayr's."
    hits = [text[s:e] for s, e in spans(text, words)]
    assert hits == ["Qusayr", "القُصَيْر", "Café", "Qusayr"]  # whole words only
    long = "word " * 200 + "the Qusayr offensive " + "word " * 200
    cut = snippet(long, query_words("qusayr"))
    assert cut[0].text == "…" and cut[-1].text == "…"
    assert [s.text for s in cut if s.hit] == ["Qusayr"]
    assert len("".join(s.text for s in cut)) < 300
    assert snippet("short text", ["absent"])[0].text == "short text"


def test_sparkline_points() -> None:
    assert points([]) == ""
    flat = points([0, 0, 0])
    assert flat.split()[0].endswith(",26.0") and len(flat.split()) == 3
    peak = points([0, 5, 10]).split()
    assert peak[-1].endswith(",2.0") and peak[0].endswith(",26.0")


def test_filters() -> None:
    assert direction("ar") == "rtl" and direction("en") == "auto" and direction(None) == "auto"
    assert size(1_234_567) == "1.2 MB" and size(12) == "12 B"
    assert when("2026-11-22T03:45:01.5+00:00") == "2026-11-22 03:45 UTC"


def test_timeline_orders_events_after_their_capture() -> None:
    article = {
        "captures": [{"fetched_at": "2026-01-02T00:00:00", "kind": "gone", "capture_id": "c2",
                      "status": 404},
                     {"fetched_at": "2026-01-01T00:00:00", "kind": "response",
                      "capture_id": "c1", "status": 200, "version": 1}],
        "versions": [{"version": 1, "first_seen": "2026-01-01T00:00:00",
                      "first_capture": "c1"}],
        "events": [{"kind": "deleted", "at": "2026-01-02T00:00:00", "capture_id": "c2",
                    "detail": {"status": 404}}]}
    kinds = [(e.kind, e.label) for e in timeline.build(article)]
    assert kinds == [("capture", "captured"), ("version", "version 1 first seen"),
                     ("capture", "gone (deletion proof)"), ("deleted", "deleted")]


def test_diff_layouts() -> None:
    result = diff_versions({"version": 1, "title": "A", "body": "one two\n\nsame\n\ngone"},
                           {"version": 2, "title": "A", "body": "one three\n\nsame"})
    rows = diffview.side_by_side(result)
    assert rows[0].left == [("equal", "one "), ("delete", "two")]
    assert rows[0].right == [("equal", "one "), ("insert", "three")]
    assert rows[-1].op == "delete" and rows[-1].right is None
    flow = diffview.inline(result)
    assert flow[0] == [("equal", "one "), ("delete", "two"), ("insert", "three")]
    assert diffview.title_parts(result) == [("equal", "A")]


def test_postgres_search_sql() -> None:
    """The SQL of the PostgreSQL search path, without a server (tests/catalog runs it on one)."""
    from catalog import search
    from catalog.search import SearchQuery

    captured: list[str] = []

    class Conn:
        dialect = postgresql.dialect()

        def execute(self, statement: object) -> object:
            captured.append(str(statement.compile(  # type: ignore[attr-defined]
                dialect=postgresql.dialect())))

            class Result:
                def all(self) -> list[object]:
                    return []

                def scalar_one(self) -> int:
                    return 1
            return Result()

    ranked, total = search._postgres_ids(Conn(), SearchQuery("Qusayr", outlet="sana"))  # type: ignore[arg-type]
    assert ranked == [] and total == 1
    count, ranking = captured
    assert "articles.search_vector @@ plainto_tsquery('simple'" in count
    assert "articles.outlet =" in count
    assert "ts_rank('{0.2, 0.2, 0.4, 1.0}'::float4[], articles.search_vector" in ranking
    assert "to_tsvector" not in ranking  # the stored vector (migration 0005), not computed
