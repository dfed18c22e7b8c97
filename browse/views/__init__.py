"""Route handlers, one module per area. Each module exports ``routes``."""
