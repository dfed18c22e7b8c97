"""Project settings for the distributed benchmark's processes: production settings
(``crawler.settings``) with the bench spider module added.

``newsvault worker`` starts its crawls as ``python -m newsvault crawl synthetic --join ...``
child processes, so the in-process override ``bench.nvcrawl`` uses cannot reach them. Every
``newsvault`` process takes its Scrapy settings from ``SCRAPY_SETTINGS_MODULE`` when set
(``newsvault.crawl.scrapy_settings`` only defaults it), and the supervisor hands its
environment to its children: ``bench.workers`` sets ``SCRAPY_SETTINGS_MODULE`` to this
module for the seed and the workers, and no code outside bench/ changes.
"""

from crawler.settings import *  # noqa: F403  (this module *is* the production settings, plus:)

SPIDER_MODULES = ["bench.spider", "crawler.spiders"]
