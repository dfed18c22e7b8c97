"""newsvault: archive what news outlets publish, to evidentiary standard."""

__version__ = "0.1.0"
