"""When the extraction workers start: with the first request for a new article, so that
their start-up overlaps the fetching, and not for a run that only re-checks."""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.test import get_crawler

from pipelines.clean import CleanTextPipeline


def test_workers_start_with_the_first_new_article_request_only() -> None:
    pipeline = CleanTextPipeline(get_crawler(), workers=1)
    pipeline.open_spider()
    assert pipeline.pool is not None
    try:
        pipeline.scheduled(Request("https://x.example/sitemap.xml"))  # a source
        pipeline.scheduled(Request("https://x.example/a/1", meta={  # a re-check
            "nv_canonical": "https://x.example/a/1", "nv_previous": object()}))
        assert not pipeline.warming and not pipeline.pool._processes
        pipeline.scheduled(Request("https://x.example/a/2",
                                   meta={"nv_canonical": "https://x.example/a/2"}))
        assert pipeline.warming and len(pipeline.pool._processes) == 1
    finally:
        pipeline.close_spider()
