"""The ``newsvault`` command: crawl, demo, and browsing the archive from a terminal."""

from __future__ import annotations

import click

from newsvault import __version__
from newsvault.commands import archive, check, crawl, demo, history, schedule


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsvault")
def cli() -> None:
    """Archive what news outlets publish, to evidentiary standard."""


for module in (crawl, demo, check, archive, history, schedule):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
