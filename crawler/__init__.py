"""The Scrapy project: outlet spiders, capture middleware and run report."""
