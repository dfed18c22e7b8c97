"""The server alone under load: proves it is not what limits the crawlers.

wrk (Debian's ``wrk``) requests the article pages in turn, gzip-encoded, over 16 keep-alive
connections, the crawlers' concurrency.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

WRK_SCRIPT = """\
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})
end
"""


def wrk_pages_per_second(base_url: str, paths: list[str], seconds: int = 4,
                         connections: int = 16) -> float | None:
    """Requests per second wrk gets from the server; None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        listing, script = Path(tmp) / "paths.txt", Path(tmp) / "rotate.lua"
        listing.write_text("\n".join(paths) + "\n")
        script.write_text(WRK_SCRIPT)
        done = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base_url],
            capture_output=True, text=True, check=True, env={"BENCH_PATHS": str(listing)},
            timeout=seconds + 30)
    match = re.search(r"Requests/sec:\s*([\d.]+)", done.stdout)
    if match is None or re.search(r"Non-2xx", done.stdout):
        raise RuntimeError(f"wrk run failed or saw errors:\n{done.stdout}{done.stderr}")
    return float(match.group(1))
