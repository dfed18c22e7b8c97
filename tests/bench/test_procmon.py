"""The benchmark's process-tree sampler finds every process of a measured command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench import procmon

# A child that starts one grandchild from its main thread and one from another thread,
# which stays alive (each thread has its own ``children`` file; a thread's children move
# to another thread only when it ends), prints their pids, and waits.
_SCRIPT = """
import subprocess, sys, threading
sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
kids, started, done = [subprocess.Popen(sleeper)], threading.Event(), threading.Event()
def spawn():
    kids.append(subprocess.Popen(sleeper)); started.set(); done.wait()
thread = threading.Thread(target=spawn)
thread.start(); started.wait()
print(*(k.pid for k in kids), flush=True)
sys.stdin.read()
done.set(); thread.join()
for k in kids:
    k.kill(); k.wait()
"""


@pytest.fixture
def family() -> tuple[int, set[int]]:
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdin is not None
    grandchildren = {int(p) for p in proc.stdout.readline().split()}
    try:
        yield proc.pid, grandchildren
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_tree_holds_the_child_and_grandchildren_of_every_thread(
        family: tuple[int, set[int]]) -> None:
    root, grandchildren = family
    walked = {p.pid for p in procmon.tree(root)}
    assert walked == {root} | grandchildren
    assert {p.pid for p in procmon._scan(root)} == walked  # the fallback agrees
    assert all(p.rss > 0 for p in procmon.tree(root))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_gone_process_has_no_tree() -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    assert procmon.tree(int(done.stdout)) == []
