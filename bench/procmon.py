"""Run a command and measure it: wall time, CPU of the whole process tree, peak tree RSS.

- CPU comes from ``wait4``: the kernel's user+system time of the child plus every
  descendant that was waited for, which includes newsvault's extraction worker
  (ProcessPoolExecutor joins its workers). A ``/proc`` sampled sum is kept beside it as a
  cross-check (``cpu_sampled_s``).
- RSS is sampled every ``interval`` seconds: the resident size of the child and all its
  descendants, summed, and the largest sum is the peak. ``/proc/<pid>/stat`` field 24 is
  the same counter as VmRSS in ``/proc/<pid>/status`` (anon + file + shmem pages).
- The tree is walked through ``/proc/<pid>/task/<tid>/children``, reading only the
  measured processes. The sampler shares the machine with what it measures: scanning all
  of ``/proc`` 20 times a second cost about 2.7 ms a sample, 1 CPU s in a 2,000-page
  newsvault run, taken from the core newsvault's helpers use (bare Scrapy, one process,
  leaves that core idle). Kernels without those files get the scan of all ``/proc``,
  whose parent pids give the tree.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcStat:
    """One process as ``/proc/<pid>/stat`` shows it."""

    pid: int
    ppid: int
    cpu_s: float
    rss: int  # bytes


@dataclass
class Measurement:
    """What one measured command cost."""

    wall_s: float
    cpu_s: float
    cpu_user_s: float
    cpu_sys_s: float
    cpu_sampled_s: float
    cpu_root_s: float  # the command's own process (sampled); the rest is its children's
    peak_rss: int  # bytes, the largest sum over the tree at one sample
    peak_processes: int
    returncode: int
    samples: int
    rss_series: list[tuple[float, int]] = field(default_factory=list)  # (s, bytes), ~2/s

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_stat(pid: int) -> ProcStat | None:
    """A process's parent, CPU seconds and RSS; None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = raw[raw.rindex(b")") + 2:].split()
    return ProcStat(pid=pid, ppid=int(fields[1]),
                    cpu_s=(int(fields[11]) + int(fields[12])) / TICKS,
                    rss=int(fields[21]) * PAGE)


_HAS_CHILDREN = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def children(pid: int) -> list[int]:
    """The pids of a process's children, from each of its threads' ``children`` file."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found  # gone
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as fh:
                found.extend(int(n) for n in fh.read().split())
        except OSError:
            continue  # the thread ended meanwhile
    return found


def tree(root: int) -> list[ProcStat]:
    """``root`` and all its descendants, alive at this moment."""
    if not _HAS_CHILDREN:
        return _scan(root)
    found: list[ProcStat] = []
    pids = [root]
    for pid in pids:  # grows while iterating: a breadth-first walk
        stat = read_stat(pid)
        if stat is not None:
            found.append(stat)
            pids.extend(children(pid))
    return found


def _scan(root: int) -> list[ProcStat]:
    """``root`` and all its descendants, from one pass over all of ``/proc``."""
    stats = [s for s in (read_stat(int(n)) for n in os.listdir("/proc") if n.isdigit()) if s]
    children: dict[int, list[ProcStat]] = {}
    for s in stats:
        children.setdefault(s.ppid, []).append(s)
    found = [s for s in stats if s.pid == root]
    for s in found:  # grows while iterating: a breadth-first walk
        found.extend(children.get(s.pid, []))
    return found


class _Sampler:
    """Accumulates samples of one process tree."""

    def __init__(self, root: int) -> None:
        self.root, self.started = root, time.monotonic()
        self.peak_rss = self.peak_processes = self.samples = 0
        self.cpu: dict[int, float] = {}  # pid -> last CPU seen (a dead pid keeps its last)
        self.series: list[tuple[float, int]] = []

    def sample(self) -> None:
        procs = tree(self.root)
        rss = sum(p.rss for p in procs)
        self.samples += 1
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_processes = max(self.peak_processes, len(procs))
        for p in procs:
            self.cpu[p.pid] = p.cpu_s
        now = time.monotonic() - self.started
        if not self.series or now - self.series[-1][0] >= 0.5:
            self.series.append((round(now, 2), rss))


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by a live process tree (its waited-for dead included)."""
    return sum(p.cpu_s for p in tree(root))


def busy_cpu() -> float:
    """CPU seconds all cores have spent busy since boot (``/proc/stat``): the difference
    over a run, less what the run and the server used, is what other work took."""
    with open("/proc/stat") as fh:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(
            int, fh.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICKS


def wait_for_quiet(max_wait: float, threshold: float = 0.3, window: float = 2.0
                   ) -> tuple[float, float]:
    """Wait (at most ``max_wait`` seconds) until the machine's background load drops below
    ``threshold`` busy cores over a ``window``; returns (seconds waited, last load seen).
    Other sessions share this machine, and a crawl measured beside their test suites
    loses up to half of its 2 cores."""
    started = time.monotonic()
    while True:
        before = busy_cpu()
        time.sleep(window)
        load = (busy_cpu() - before) / window
        waited = time.monotonic() - started
        if load < threshold or waited >= max_wait:
            return waited, load


def measure(cmd: list[str], env: dict[str, str], cwd: Path, log: Path,
            timeout: float = 3600.0, interval: float = 0.05) -> Measurement:
    """Run ``cmd`` (stdout and stderr to ``log``) and measure it until it exits."""
    with log.open("wb") as out:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        sampler = _Sampler(proc.pid)
        while True:
            sampler.sample()
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: only its tree
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(interval)
        wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Measurement(
        wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime, cpu_user_s=usage.ru_utime,
        cpu_sys_s=usage.ru_stime, cpu_sampled_s=sum(sampler.cpu.values()),
        cpu_root_s=sampler.cpu.get(proc.pid, 0.0),
        peak_rss=sampler.peak_rss, peak_processes=sampler.peak_processes,
        returncode=proc.returncode, samples=sampler.samples, rss_series=sampler.series)
