"""Web UI page times on a large catalog: ``python -m bench.ui [--articles 100000]``.

Builds (once, then reused) a catalog of N articles directly through SQLAlchemy: five
outlets, English, Arabic and Spanish text drawn from Zipf-weighted vocabularies (so common
words match tens of thousands of articles, as in real news), 1 to 3 captures per article
with provenance documents, a second version for one article in ten, deletions, and the
FTS5 index. It then serves the UI with ``newsvault browse`` in its own process, on
loopback, and times list, search and article pages over HTTP: p50, p95 and max in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text

from catalog import schema
from catalog.db import connect
from catalog.textnorm import fold


def _words(text: str) -> list[str]:
    return text.split()


OUTLETS = (("sana", "en"), ("sana", "ar"), ("prensa_latina", "es"), ("prensa_latina", "en"),
           ("emirates_voice", "en"), ("emirates_voice", "ar"), ("almanar", "ar"),
           ("tass", "en"))
EN = _words("the government said minister army forces city province talks ministry officials "
            "council security economic agreement president cooperation development health "
            "education water electricity reconstruction damascus havana homs aleppo qusayr "
            "latakia hama energy oil wheat harvest hospital school road bridge visit meeting "
            "delegation support project investment market prices exports imports farmers "
            "workers students university children women national international regional "
            "ceremony conference statement report week month year people country state region "
            "sanctions embassy foreign affairs defence attack terrorist groups villages town "
            "countryside residents return displaced aid relief humanitarian program plan "
            "committee parliament law decree budget bank currency trade industry tourism "
            "festival culture museum heritage sports team match victory")
AR = _words("الحكومة وزير الجيش القوات مدينة محافظة المحادثات الوزارة المسؤولين المجلس الأمن "
            "الاقتصادي الاتفاق الرئيس التعاون التنمية الصحة التعليم المياه الكهرباء الإعمار دمشق "
            "حمص حلب القصير اللاذقية حماة الطاقة النفط القمح موسم تسويق المستشفى المدرسة الطريق "
            "الجسر زيارة اجتماع وفد دعم مشروع استثمار السوق الأسعار الصادرات المزارعين العمال "
            "الطلاب الجامعة الأطفال النساء الوطني الدولي مؤتمر بيان تقرير الأسبوع الشهر العام "
            "الشعب البلاد المنطقة السفارة الخارجية الدفاع القرى الريف الأهالي عودة المساعدات "
            "البرنامج الخطة اللجنة مجلس الشعب القانون المرسوم الموازنة المصرف التجارة الصناعة "
            "السياحة المهرجان الثقافة المتحف التراث الرياضة")
ES = _words("el gobierno dijo ministro ejército fuerzas ciudad provincia conversaciones ministerio "
            "funcionarios consejo seguridad económico acuerdo presidente cooperación desarrollo "
            "salud educación agua electricidad la habana cuba bloqueo zafra azúcar hospital "
            "escuela visita reunión delegación apoyo proyecto inversión mercado precios "
            "exportaciones campesinos trabajadores estudiantes universidad niños mujeres nacional "
            "internacional regional ceremonia conferencia declaración informe semana mes año "
            "pueblo país estado región embajada asuntos exteriores")
VOCAB = {"en": EN, "ar": AR, "es": ES}
BATCH = 2000


def _weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) ** 0.9 for rank in range(n)]


def _paragraphs(rng: random.Random, language: str) -> list[str]:
    words, weights = VOCAB[language], _weights(len(VOCAB[language]))
    return [" ".join(rng.choices(words, weights, k=rng.randint(25, 60))).capitalize() + "."
            for _ in range(rng.randint(3, 7))]


def _article(rng: random.Random, i: int, when: datetime) -> dict[str, Any]:
    outlet, language = OUTLETS[i % len(OUTLETS)]
    body = _paragraphs(rng, language)
    title = " ".join(rng.choices(VOCAB[language], k=rng.randint(6, 11))).capitalize()
    return {"id": i + 1, "outlet": outlet, "edition": language, "language": language,
            "canonical_url": f"https://{outlet}.example/{language}/?p={i + 1}",
            "url": f"https://{outlet}.example/{language}/news/{i + 1}/", "title": title,
            "authors": ["Staff"], "published": when.isoformat(), "published_utc": when,
            "body": "\n\n".join(body), "status": "deleted" if i % 97 == 0 else "live",
            "first_seen": when, "last_seen": when + timedelta(days=1),
            "current_capture": f"cap-{i + 1}-0", "current_version": 2 if i % 10 == 0 else 1,
            "tags": [], "flags": [], "parser": "bench", "misses": 0}


def _captures(a: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for k in range(1 + a["id"] % 3):
        at = a["first_seen"] + timedelta(days=k)
        cid = f"cap-{a['id']}-{k}"
        yield {"capture_id": cid, "article_id": a["id"], "fetched_at": at, "url": a["url"],
               "status": 200, "kind": "response" if k == 0 else "revisit", "version": 1,
               "provenance": {"capture_id": cid, "kind": "page", "outlet": a["outlet"],
                              "request": {"url": a["url"]}, "response": {"status": 200},
                              "warc": {"filename": f"{a['outlet']}-bench.warc.gz",
                                       "offset": a["id"] * 5000, "length": 4000}}}


def generate(path: Path, count: int, seed: int = 7) -> Engine:
    """Create the catalog at ``path`` with ``count`` articles (skipped when it exists)."""
    url = f"sqlite:///{path}"
    if path.exists():
        return connect(url)
    engine = connect(url)
    rng, start = random.Random(seed), datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(schema.runs), [{"id": f"bench-{o}", "outlet": o, "trigger": "manual",
                                            "status": "ok", "started_at": start}
                                           for o in {o for o, _ in OUTLETS}])
    for first in range(0, count, BATCH):
        rows = [_article(rng, i, start + timedelta(minutes=17 * i))
                for i in range(first, min(first + BATCH, count))]
        caps = [c for a in rows for c in _captures(a)]
        with engine.begin() as conn:
            conn.execute(insert(schema.articles), rows)
            conn.execute(insert(schema.article_captures), caps)
            conn.execute(insert(schema.article_versions), [
                {"article_id": a["id"], "version": v, "title": a["title"], "body": a["body"],
                 "version_sha256": f"{a['id']}-{v}", "first_seen": a["first_seen"],
                 "last_confirmed": a["last_seen"], "first_capture": a["current_capture"],
                 "last_capture": a["current_capture"]}
                for a in rows for v in range(1, a["current_version"] + 1)])
            conn.execute(insert(schema.article_events), [
                {"article_id": a["id"], "kind": "edited", "at": a["last_seen"],
                 "detail": {"from_version": 1, "to_version": 2}}
                for a in rows if a["current_version"] == 2])
            conn.execute(insert(schema.captures), [
                {"record_id": c["capture_id"], "run_id": f"bench-{a['outlet']}",
                 "outlet": a["outlet"], "warc_type": c["kind"], "target_uri": a["url"],
                 "date": c["fetched_at"], "filename": f"{a['outlet']}-bench.warc.gz",
                 "offset": 0, "length": 1} for a in rows for c in _captures(a)])
            conn.execute(text("INSERT INTO articles_fts(rowid, title, body) VALUES "
                              "(:id, :t, :b)"), [{"id": a["id"], "t": fold(a["title"]),
                                                  "b": fold(a["body"])} for a in rows])
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return engine


def _requests(rng: random.Random, count: int, per_kind: int) -> dict[str, list[str]]:
    outlets = sorted({o for o, _ in OUTLETS})
    lists = ["/articles", "/articles?language=ar", "/articles?edited=1",
             "/articles?status=deleted", "/articles?from=2025-01-01&to=2025-06-30"]
    lists += [f"/articles?outlet={o}&page={rng.randint(1, 40)}" for o in outlets]
    words = ["qusayr", "القصير", "government", "حمص", "zafra", "wheat harvest",
             "minister visit", "الكهرباء دمشق", "hospital", "cooperación"]
    searches = [f"/search?q={urllib.parse.quote(w)}" for w in words]
    searches += [f"/search?q={urllib.parse.quote(w)}&outlet={o}" for w, o in
                 zip(words, outlets * 2, strict=False)]
    articles = [f"/articles/{rng.randint(1, count)}" for _ in range(per_kind)]
    pick = lambda pool: [rng.choice(pool) for _ in range(per_kind)]  # noqa: E731
    return {"list": pick(lists), "search": pick(searches), "article": articles}


def _time(base: str, paths: list[str]) -> list[float]:
    out = []
    for path in paths:
        started = time.perf_counter()
        with urllib.request.urlopen(base + path, timeout=60) as reply:
            reply.read()
            assert reply.status == 200, path
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"n": len(times), "p50": round(statistics.median(ordered), 1),
            "p95": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
            "max": round(ordered[-1], 1)}


def measure(catalog: Path, count: int, per_kind: int, port: int) -> dict[str, dict[str, float]]:
    """Serve the UI over ``catalog`` and time each kind of page."""
    env = {**os.environ, "NEWSVAULT_CATALOG": f"sqlite:///{catalog}",
           "NEWSVAULT_STORAGE": (catalog.parent / "store").as_uri()}
    server = subprocess.Popen([sys.executable, "-m", "newsvault", "browse", "--port",
                               str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, server)
        plan = _requests(random.Random(11), count, per_kind)
        for paths in plan.values():
            _time(base, paths[:5])  # warm the page cache and the connection pool
        return {kind: _summary(_time(base, paths)) for kind, paths in plan.items()}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a request still running in a worker thread
            server.kill()
            server.wait()


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("newsvault browse exited early")
        try:
            with urllib.request.urlopen(base + "/static/style.css", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("newsvault browse did not start within 60 s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="per kind of page")
    parser.add_argument("--dir", type=Path, default=Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsvault-bench-ui",
        help="where the generated catalog is kept (and reused)")
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    catalog = args.dir / f"catalog-{args.articles}.sqlite"
    started = time.monotonic()
    generate(catalog, args.articles)
    built = time.monotonic() - started
    result = {"articles": args.articles, "catalog_mb": round(catalog.stat().st_size / 1e6),
              "generate_s": round(built, 1),
              "pages": measure(catalog, args.articles, args.requests, args.port)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
