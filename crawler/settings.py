"""Scrapy settings for every newsvault crawl (``scrapy crawl`` and ``newsvault crawl``).

Configuration values come from ``newsvault.config`` (environment and newsvault.toml);
nothing else in the crawler reads the environment.
"""

from newsvault.config import load, to_settings

_config = load()
globals().update(to_settings(_config))
if _config.redis_url:  # distributed mode: `scrapy crawl` seeds the shared frontier too
    from crawler.frontier import distributed_settings
    from crawler.roles import SEED

    globals().update(distributed_settings(_config, SEED))

BOT_NAME = "newsvault"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: an identifying agent, robots.txt obeyed (protego), AutoThrottle, one
# connection per host at a time, and Crawl-delay honoured (CrawlDelayMiddleware).
USER_AGENT = _config.agent
ROBOTSTXT_OBEY = _config.obey_robots
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
# archive.sana.sy takes 15-65 s per page; slow state hosts must not time out.
DOWNLOAD_TIMEOUT = 180
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
# The capture middleware enforces NEWSVAULT_MAX_BODY by truncating (and archiving);
# Scrapy's own cap would drop the response unarchived, so it is off for downloads.
DOWNLOAD_MAXSIZE = 0
DOWNLOAD_WARNSIZE = 0
# A body cut short by the server is archived and flagged, not thrown away.
DOWNLOAD_FAIL_ON_DATALOSS = False
COOKIES_ENABLED = False
# No way into a running capture: Scrapy's telnet console and its remote-control HTTP
# server (which runs any Python code it is sent, and writes a job file to the user's
# profile) could change what a crawl archives, unrecorded.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprint.CanonicalFingerprinter"
HTTPPROXY_ENABLED = True
# Scrapy's HTTP/1.1 handler, also keeping the heads as sent and received (crawler/wire.py).
DOWNLOAD_HANDLERS = {
    "http": "crawler.wire.WireHTTP11DownloadHandler",
    "https": "crawler.wire.WireHTTP11DownloadHandler",
}

DOWNLOADER_MIDDLEWARES = {
    # 550: replaces Scrapy's RetryMiddleware, adding Retry-After waits.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    # 580: reads robots.txt Crawl-delay from the decoded body.
    "crawler.middlewares.CrawlDelayMiddleware": 580,
    # 740: just before HttpProxyMiddleware (750).
    "crawler.middlewares.ProxyMiddleware": 740,
    # Off (COOKIES_ENABLED), so not even imported: it would load tldextract at start-up.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    # 590: Scrapy's, with a faster gzip decoder.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.compression.FastHttpCompressionMiddleware": 590,
    # 950: before HttpCompressionMiddleware (590) decodes the body.
    "crawler.middlewares.WarcCaptureMiddleware": 950,
}

ITEM_PIPELINES = {
    "pipelines.dedupe.DedupePipeline": 100,
    "pipelines.clean.CleanTextPipeline": 200,
    "pipelines.provenance.ProvenancePipeline": 300,
    "pipelines.catalog.CatalogPipeline": 400,
}

EXTENSIONS = {
    # Off (REMOTE_CONTROL_ENABLED), so not even imported: it would load aiohttp.
    "scrapy.extensions.remote_control.RemoteControl": None,
    "crawler.extensions.RunExtension": 100,
    "crawler.extensions.ProgressExtension": 500,
}
