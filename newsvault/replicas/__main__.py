"""``python -m newsvault.replicas``: serve the replicas in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import datetime

from newsvault.replicas.server import DEFAULT_NOW, ReplicaServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m newsvault.replicas",
                                     description="Serve the newsvault outlet replicas.")
    parser.add_argument("--port", type=int, default=0, help="proxy port (default: a free one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--now", type=datetime.fromisoformat, default=DEFAULT_NOW,
                        help="replica clock, ISO 8601 with offset (default %(default)s)")
    parser.add_argument("--faults", action="store_true", help="turn the fault profile on")
    parser.add_argument("--slow-scale", type=float, default=0.01)
    parser.add_argument("--mirror", action="append", default=[], metavar="HOST",
                        help="also open a mirror port for HOST (repeatable)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the server, print how to reach it, block until interrupted."""
    args = parse_args(argv)
    server = ReplicaServer(now=args.now, seed=args.seed, faults=args.faults,
                           slow_scale=args.slow_scale, port=args.port).start()
    proxy = server.proxy_url
    print(f"newsvault replicas: proxy {proxy} (HTTP and HTTPS via CONNECT)")
    print(f"hosts: {', '.join(server.hosts)}")
    print("try:")
    print(f"  curl -x {proxy} http://sana.sy/en/")
    print(f"  curl -x {proxy} -k https://sana.sy/en/feed/")
    print(f"  curl -x {proxy} --compressed http://www.plenglish.com/wp-sitemap.xml")
    print(f"  curl -x {proxy} http://www.emiratesvoice.com/en/314/"
          "syrian-troops-push-ahead-with-offensive-on-qusayr")
    for host in args.mirror:
        base = server.mirror_url(host)
        print(f"mirror of {host}: {base}   e.g. curl {base}robots.txt")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
