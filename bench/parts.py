"""Two parts of a crawl measured alone, in this process: the extraction job and the catalog's
near-duplicate index.

``python -m bench.parts extract [--pages 300] [--repeat 7]`` runs the extraction worker's
job (`pipelines.extract.job.extract_job`) over the synthetic outlet's pages, generated in
memory, and prints the CPU ms a page of the fastest round (the one the host disturbed
least), with a SHA-256 over every text document: a change that only makes extraction
faster must leave that digest as it was.

``python -m bench.parts similar [--articles 2000] [--repeat 3]`` indexes MinHash signatures
of random 700-word texts into a fresh SQLite catalog, 100 a transaction as the crawl's
batches do (`catalog.similar.index_and_match_many`, commit included), and prints the CPU
ms an article of the fastest round.

CPU time, not wall time, and the minimum over rounds: on a shared 2-core host the figures
are for comparing two versions of the code back to back, not for absolute claims.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.parser import SyntheticV1
from bench.synthetic import page_html, page_meta
from catalog.db import connect, upgrade
from catalog.minhash import signature
from catalog.similar import Signed, index_and_match_many
from pipelines.extract.job import extract_job
from pipelines.extract.model import Page

BATCH = 100  # articles a catalog transaction, as in the crawl (pipelines.batch)


def fastest(run: Callable[[], object], repeat: int) -> float:
    """CPU seconds of the fastest of ``repeat`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def synthetic_pages(count: int) -> list[Page]:
    at = datetime.now(UTC)
    return [Page(url=f"https://synthetic.bench{page_meta(i).path}", status=200,
                 headers=(("Content-Type", "text/html; charset=utf-8"),),
                 body=page_html(i).encode("utf-8"), fetched_at=at) for i in range(count)]


def extract(pages: int, repeat: int) -> dict[str, object]:
    docs = synthetic_pages(pages)

    def run() -> list[bytes]:
        return [extract_job(p, "synthetic", "en", "en", p.url, [SyntheticV1]).text_json
                for p in docs]

    digest = hashlib.sha256(b"".join(run())).hexdigest()  # also warms the caches
    return {"part": "extract", "pages": pages,
            "cpu_ms_per_page": round(fastest(run, repeat) / pages * 1000, 3),
            "text_documents_sha256": digest}


def similar(articles: int, repeat: int) -> dict[str, object]:
    rnd = random.Random(1)
    sigs = [signature([" ".join(f"w{rnd.randrange(20_000)}" for _ in range(700))])
            for _ in range(articles)]
    timed = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(repeat):
            engine = connect(f"sqlite:///{Path(tmp) / f'catalog-{round_}.sqlite'}")
            upgrade(engine)
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO articles (id, outlet, canonical_url, url, status, first_seen, "
                    "last_seen) VALUES (:id, 'a', :u, :u, 'live', '2026-01-01', '2026-01-01')"),
                    [{"id": i + 1, "u": f"https://a.example/{i}"} for i in range(articles)])
            start = time.process_time()
            for first in range(0, articles, BATCH):
                with engine.begin() as conn:  # two outlets, so that copies could link
                    index_and_match_many(conn, [
                        Signed(i + 1, "ab"[i % 2], sig)
                        for i in range(first, min(first + BATCH, articles))
                        if (sig := sigs[i]) is not None])
            timed.append(time.process_time() - start)
            engine.dispose()
    return {"part": "similar", "articles": articles,
            "cpu_ms_per_article": round(min(timed) / articles * 1000, 3)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="part", required=True)
    one = sub.add_parser("extract")
    one.add_argument("--pages", type=int, default=300)
    one.add_argument("--repeat", type=int, default=7)
    two = sub.add_parser("similar")
    two.add_argument("--articles", type=int, default=2000)
    two.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.part == "extract":
        print(extract(args.pages, args.repeat))
    else:
        print(similar(args.articles, args.repeat))


if __name__ == "__main__":
    main()
