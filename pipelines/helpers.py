"""The crawl's helper processes (the extraction workers and the catalog writer): how they
are started, and how they die with the crawl.

They are spawned, never forked: forking a process that runs a reactor and threads is
unsafe. A spawned child normally imports the parent's ``__main__`` module again before its
first job (``newsvault``'s command line, or ``bench.nvcrawl``), which pulls in Scrapy,
Alembic and every command: 0.35 to 1 s of CPU per helper, spent while the crawl is
fetching, for code the helper never runs. Their jobs are functions of importable modules
(`pipelines.extract.job`, `pipelines.batchwriter`), so `spawn_context` starts them without
it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import types
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

_MAIN_SWAP = threading.Lock()


class _LeanProcess(SpawnProcess):
    """A spawned process whose preparation names no main module to re-import."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        # multiprocessing.spawn.get_preparation_data reads sys.modules["__main__"] while
        # the child is launched, in this thread; a bare module in its place for that
        # moment tells the child to leave its own __main__ alone. Callables defined in a
        # __main__ script could not be sent to such a child, and none are.
        with _MAIN_SWAP:
            main = sys.modules["__main__"]
            sys.modules["__main__"] = types.ModuleType("__main__")
            try:
                return SpawnProcess._Popen(process_obj)
            finally:
                sys.modules["__main__"] = main


class _LeanContext(SpawnContext):
    Process = _LeanProcess


def spawn_context() -> multiprocessing.context.BaseContext:
    """The ``mp_context`` of the helpers' process pools."""
    return _LeanContext()


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """In a child process: have the kernel send it ``signum`` when its parent dies,
    however it dies (Linux; elsewhere nothing). Also used by the benchmark's servers."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    libc.prctl(1, signum)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)
