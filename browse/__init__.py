"""Read-only web UI over the catalog and the stored WARCs."""
