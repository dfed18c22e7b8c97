"""Item pipelines and the Scrapy-free archive machinery they drive."""
