"""Schedule definitions (``schedule.toml``) and the APScheduler runner.

``spec`` reads and checks the file, ``triggers`` turns entries into APScheduler triggers,
``child`` supervises one crawl process, ``jobs`` runs an entry and completes its record,
``runner`` is the daemon and ``status`` what ``newsvault schedule list`` shows. Crawls
always run in processes of their own (Twisted's reactor cannot restart).
"""
