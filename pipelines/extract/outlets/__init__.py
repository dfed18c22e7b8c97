"""Each outlet's article templates (`pipelines.extract.parser.Parser`), one module per
outlet, named as its spider in ``crawler/spiders/``."""
