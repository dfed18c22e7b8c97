#!/bin/sh
# The newsvault image's entrypoint: one image, one role per container.
#
#   web [OPTION...]        the web UI: newsvault browse on 0.0.0.0:8080 (needs
#                          NEWSVAULT_BROWSE_TOKEN; options such as --port go to browse)
#   worker [OUTLET...]     a crawl worker on the shared Redis frontier (NEWSVAULT_REDIS_URL)
#   scheduler [OPTION...]  the scheduler daemon: newsvault schedule run (one per archive)
#   migrate                catalog migrations, and the S3 bucket when it is missing (one-shot)
#   health [web [URL]]     exit 0 when the role's dependencies answer: Docker HEALTHCHECK
#                          and Kubernetes probes (without "web": catalog, Redis, store)
#   anything else          passed to newsvault: `crawl sana --limit 5`, `verify`, `--help`
#
# Every role execs, so the role's process is PID 1 and gets SIGTERM itself (the scheduler
# then stops its crawls cleanly; see deploy/systemd/newsvault-scheduler.service).
set -eu

ROLES="web worker scheduler migrate health"
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
PROBE="$HERE/probe.py"
# The Python that runs newsvault (the image's venv is first on PATH).
PYTHON=$(command -v python3 || command -v python)

usage() {
    sed -n '2,11s/^# \{0,1\}//p' "$0"
}

if [ "$#" -eq 0 ]; then
    usage >&2
    echo "newsvault image: give a role ($ROLES) or a newsvault command" >&2
    exit 2
fi

role=$1
shift
case "$role" in
    web)
        exec newsvault browse --host 0.0.0.0 --port 8080 "$@"
        ;;
    worker)
        exec newsvault worker "$@"
        ;;
    scheduler)
        exec newsvault schedule run "$@"
        ;;
    migrate)
        exec "$PYTHON" "$PROBE" migrate "$@"
        ;;
    health)
        exec "$PYTHON" "$PROBE" health "$@"
        ;;
    -h|--help|help)
        usage
        echo
        exec newsvault --help
        ;;
    *)
        exec newsvault "$role" "$@"
        ;;
esac
