"""The ``newsvault`` command: crawl, demo, and browsing the archive from a terminal."""

from __future__ import annotations

import click

from newsvault import __version__
from newsvault.commands import (
    archive,
    browse,
    check,
    crawl,
    demo,
    export,
    history,
    schedule,
    sync,
    verify,
    worker,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsvault")
def cli() -> None:
    """Archive what news outlets publish, to evidentiary standard."""


for module in (crawl, demo, check, archive, history, schedule, sync, verify, browse,
               export, worker):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    from sqlalchemy.exc import OperationalError

    try:
        cli()
    except OperationalError as exc:
        # The catalog is down or misconfigured: one line that names the setting to fix.
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        click.echo(f"newsvault: cannot use the catalog ({reason}); check NEWSVAULT_CATALOG "
                   "and that its database is running", err=True)
        raise SystemExit(1) from None
    except Exception as exc:
        # redis-py is an optional extra, so its ConnectionError is matched by module.
        if type(exc).__module__.startswith("redis.") and "Connection" in type(exc).__name__:
            click.echo(f"newsvault: cannot reach Redis ({exc}); check NEWSVAULT_REDIS_URL "
                       "and that the server is running", err=True)
            raise SystemExit(1) from None
        raise


if __name__ == "__main__":
    main()
