"""Benchmarks (see ``bench/README.md``).

The crawl throughput benchmark, ``python -m bench.run``, compares newsvault with bare
Scrapy and wget on a synthetic outlet: it generates the site (``bench.synthetic``),
serves it with nginx (``bench.server``), crawls it with each contender in a measured
child process (``bench.procmon``, ``bench.contenders``) and prints the comparison
(``bench.report``).
"""
