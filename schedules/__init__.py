"""Schedule definitions and the APScheduler runner."""
