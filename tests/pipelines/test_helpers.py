"""Helper processes start without re-importing the crawl's main module."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# A main module that leaves a mark each time it is imported: by the run itself, and by
# every spawned child that imports it again as ``__mp_main__``.
MAIN = textwrap.dedent("""
    import os, sys
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing
    from pipelines.helpers import spawn_context

    with open(sys.argv[2], "a") as marks:
        marks.write(__name__ + "\\n")

    if __name__ == "__main__":
        ctx = spawn_context() if sys.argv[1] == "lean" else multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(2, mp_context=ctx) as pool:
            pids = {pool.submit(os.getpid).result() for _ in range(4)}
        print(len(pids) >= 1 and os.getpid() not in pids)
""")


@pytest.mark.parametrize("context, imports", [("lean", ["__main__"]),
                                              ("spawn", ["__main__", "__mp_main__"])])
def test_helpers_do_not_import_the_main_module_again(tmp_path: Path, context: str,
                                                      imports: list[str]) -> None:
    script, marks = tmp_path / "main.py", tmp_path / "marks.txt"
    script.write_text(MAIN)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(script), context, str(marks)], cwd=tmp_path,
                          env={"PYTHONPATH": str(root), "PATH": ""}, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"  # the jobs ran, in other processes
    # "spawn" is the control: it shows that the script's children would import it.
    assert sorted(set(marks.read_text().split())) == imports


def test_an_extraction_worker_needs_neither_scrapy_nor_sqlalchemy() -> None:
    """What a worker imports to run its jobs: the job, and the outlets' templates it
    unpickles (kept apart from their spiders for this)."""
    code = ("import sys, pipelines.extract.job, bench.parser\n"
            "import pipelines.extract.outlets.sana, pipelines.extract.outlets.prensa_latina\n"
            "import pipelines.extract.outlets.emirates_voice\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'scrapy', 'twisted', 'sqlalchemy', 'alembic'}))")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
