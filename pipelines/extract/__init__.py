"""Cleaned-text extraction: outlet parsers, then structured metadata, then trafilatura.

Scrapy-free, so the crawl, re-extraction and the tests share it without a reactor.
``extract()`` is the entry point; ``EXTRACTOR_VERSION`` goes into each Article's
provenance and changes whenever the same bytes may extract differently.
"""

EXTRACTOR_VERSION = "1.0"

from pipelines.extract.extractor import extract  # noqa: E402  (after the version: no cycle)

__all__ = ["EXTRACTOR_VERSION", "extract"]
