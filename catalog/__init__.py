"""The catalog: the source of truth for what the archive holds."""
