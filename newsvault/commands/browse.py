"""``newsvault browse``: the read-only web UI, on loopback unless a token is configured."""

from __future__ import annotations

import sys

import click

from newsvault import config as nvconfig


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs NEWSVAULT_BROWSE_TOKEN.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
def browse(host: str, port: int) -> None:
    """Browse, search, compare, replay and download the archive in a web browser."""
    import uvicorn

    from browse import BrowseSettings, create_app
    from browse.settings import check_binding

    config = nvconfig.load()
    refusal = check_binding(host, config.browse_token)
    if refusal:
        click.echo(f"newsvault browse: {refusal}", err=True)
        sys.exit(2)
    app = create_app(BrowseSettings.from_config(config))
    where = f"[{host}]" if ":" in host else host
    click.echo(f"newsvault browse: http://{where}:{port}/ (read-only; Ctrl-C to stop)")
    # server_header off: the UI does not advertise its stack; one worker: the catalog is
    # read through a connection pool, and exports run in threads.
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                proxy_headers=False)


COMMANDS = [browse]
