"""A supervised child: time limit, one SIGTERM, SIGKILL after the grace period, stderr tail."""

from __future__ import annotations

import sys
import threading
import time

from schedules.child import TAIL_LINES, Child, Limits

IGNORES_TERM = ("import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "print('ready', file=sys.stderr, flush=True); time.sleep(60)")
STOPS_ON_TERM = ("import signal, sys, time\n"
                 "def bye(*_):\n"
                 "    print('closing files', file=sys.stderr, flush=True); sys.exit(1)\n"
                 "signal.signal(signal.SIGTERM, bye)\n"
                 "print('ready', file=sys.stderr, flush=True); time.sleep(60)\n")


def child(code: str, time_limit: float = 60, grace: float = 5) -> Child:
    return Child([sys.executable, "-c", code], None, Limits(time_limit, grace), "test")


def test_failure_keeps_the_last_lines_of_stderr() -> None:
    code = ("import sys\nfor i in range(50): print(f'line {i}', file=sys.stderr)\n"
            "print('to stdout')\nsys.exit(3)")
    outcome = child(code).start().wait()
    assert outcome.returncode == 3 and outcome.stop_reason is None and not outcome.killed
    assert len(outcome.stderr_tail) == TAIL_LINES
    assert outcome.stderr_tail[-1] == "line 49" and "to stdout" not in outcome.stderr_tail


def test_time_limit_then_sigkill_after_the_grace_period() -> None:
    started = time.monotonic()
    outcome = child(IGNORES_TERM, time_limit=0.5, grace=0.5).start().wait()
    assert outcome.stop_reason == "time limit" and outcome.killed
    assert outcome.returncode == -9
    assert time.monotonic() - started < 5


def test_a_stop_is_one_sigterm_and_the_child_closes_cleanly() -> None:
    proc = child(STOPS_ON_TERM).start()
    while "ready" not in proc.tail:
        time.sleep(0.02)
    threading.Timer(0.1, proc.stop, args=("shutdown",)).start()
    threading.Timer(0.2, proc.stop, args=("shutdown",)).start()  # never a second SIGTERM
    outcome = proc.wait()
    assert outcome.stop_reason == "shutdown" and not outcome.killed
    assert outcome.returncode == 1 and outcome.stderr_tail[-1] == "closing files"
