"""`bench.parts` on a few pages and articles: what it runs is the crawl's own code, and its
extraction digest is what a faster extraction must leave unchanged.

It measures nothing; ``python -m bench.parts`` does (see bench/README.md).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from bench import parts
from bench.parser import SyntheticV1
from pipelines.extract.job import extract_job


def test_the_extraction_digest_is_over_the_crawls_own_text_documents() -> None:
    result: dict[str, Any] = parts.extract(pages=4, repeat=1)
    docs = [extract_job(p, "synthetic", "en", "en", p.url, [SyntheticV1]).text_json
            for p in parts.synthetic_pages(4)]
    assert all(b'"parser": "synthetic.V1"' in d for d in docs)  # the outlet parser, no fallback
    assert result["text_documents_sha256"] == hashlib.sha256(b"".join(docs)).hexdigest()
    assert result["cpu_ms_per_page"] > 0


def test_main_prints_each_part(capsys: pytest.CaptureFixture[str]) -> None:
    parts.main(["similar", "--articles", "150", "--repeat", "1"])
    parts.main(["extract", "--pages", "2", "--repeat", "1"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("{'part': 'similar', 'articles': 150, 'cpu_ms_per_article': ")
    assert out[1].startswith("{'part': 'extract', 'pages': 2, 'cpu_ms_per_page': ")
