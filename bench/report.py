"""Summaries of measured runs: medians with their spread, ratios, the printed table."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median
from typing import Any

MIB = 1 << 20
GOAL_RATIO = 0.5  # newsvault pages/s over bare Scrapy pages/s
GOAL_FLATNESS = 0.10  # newsvault peak RSS at the largest size over the smallest, minus 1
METRICS = ("pages_per_s", "crawl_pages_per_s", "cpu_ms_per_page", "cpu_child_ms_per_page",
           "peak_rss_mib", "wall_s", "server_cpu_s", "other_cpu_s")


def derive(run: dict[str, Any]) -> dict[str, Any]:
    """Per-page figures of one run record (see ``bench.run.measure_one``)."""
    n = run["size"]
    crawl = run.get("crawl_s")
    return {
        **run,
        "pages_per_s": n / run["wall_s"],
        "crawl_pages_per_s": n / crawl if crawl else None,
        "cpu_ms_per_page": 1000 * run["cpu_s"] / n,
        "cpu_child_ms_per_page": 1000 * max(0.0, run["cpu_sampled_s"] - run["cpu_root_s"]) / n,
        "peak_rss_mib": run["peak_rss"] / MIB,
    }


def _spread(values: Sequence[float | None]) -> dict[str, float] | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return {"median": median(present), "min": min(present), "max": max(present)}


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and min/max of every metric per (size, contender), the ratios to bare
    Scrapy and wget per size, and newsvault's RSS flatness across sizes."""
    rows = [derive(r) for r in runs]
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["size"], r["contender"]), []).append(r)
    table = {f"{size}/{name}": {"size": size, "contender": name, "runs": len(rs),
                                "ok": sum(r["ok"] for r in rs),
                                **{m: _spread([r[m] for r in rs]) for m in METRICS}}
             for (size, name), rs in sorted(groups.items())}
    sizes = sorted({r["size"] for r in rows})
    ratios = {}
    for size in sizes:
        for other in ("scrapy", "wget"):
            ratios[f"{size}/newsvault:{other}"] = _ratio(groups, size, other)
    flatness = None
    if len(sizes) > 1 and all((s, "newsvault") in groups for s in (sizes[0], sizes[-1])):
        low, high = (median(r["peak_rss_mib"] for r in groups[(s, "newsvault")])
                     for s in (sizes[0], sizes[-1]))
        flatness = {"from": sizes[0], "to": sizes[-1], "rss_mib": [low, high],
                    "growth": high / low - 1, "goal": GOAL_FLATNESS}
    return {"table": table, "ratios": ratios, "rss_flatness": flatness}


def _ratio(groups: dict[tuple[int, str], list[dict[str, Any]]], size: int,
           other: str) -> dict[str, Any] | None:
    """newsvault pages/s over ``other``'s: the ratio of medians, and the range of the
    ratios of runs made back to back in the same repeat (noise hits both alike)."""
    ours, theirs = groups.get((size, "newsvault")), groups.get((size, other))
    if not ours or not theirs:
        return None
    paired = {r["repeat"]: r["pages_per_s"] for r in theirs}
    pairs = [r["pages_per_s"] / paired[r["repeat"]] for r in ours if r["repeat"] in paired]
    result: dict[str, Any] = {
        "median_ratio": median(r["pages_per_s"] for r in ours)
        / median(r["pages_per_s"] for r in theirs),
        "paired": _spread(pairs)}
    crawl_ours = [r["crawl_pages_per_s"] for r in ours if r["crawl_pages_per_s"]]
    crawl_theirs = [r["crawl_pages_per_s"] for r in theirs if r["crawl_pages_per_s"]]
    if crawl_ours and crawl_theirs:  # the crawl phase alone, without process start-up
        result["crawl_phase_ratio"] = median(crawl_ours) / median(crawl_theirs)
    if other == "scrapy":
        result["goal"] = GOAL_RATIO
    return result


def _cell(spread: dict[str, float] | None, fmt: str) -> str:
    if spread is None:
        return "-"
    return f"{spread['median']:{fmt}} ({spread['min']:{fmt}}-{spread['max']:{fmt}})"


def render(summary: dict[str, Any]) -> str:
    """The summary as text: one line per size and contender, then ratios and flatness."""
    head = (f"{'pages':>6} {'contender':<10} {'ok':>4} {'wall s':>18} {'pages/s':>20} "
            f"{'crawl-phase p/s':>20} {'CPU ms/page':>18} {'of it children':>16} "
            f"{'peak RSS MiB':>20} {'other load CPU s':>18}")
    lines = ["median (min-max) over repeats", head, "-" * len(head)]
    for row in summary["table"].values():
        lines.append(
            f"{row['size']:>6} {row['contender']:<10} {row['ok']:>2}/{row['runs']:<1} "
            f"{_cell(row['wall_s'], '.1f'):>18} {_cell(row['pages_per_s'], '.0f'):>20} "
            f"{_cell(row['crawl_pages_per_s'], '.0f'):>20} "
            f"{_cell(row['cpu_ms_per_page'], '.2f'):>18} "
            f"{_cell(row['cpu_child_ms_per_page'], '.2f'):>16} "
            f"{_cell(row['peak_rss_mib'], '.0f'):>20} {_cell(row['other_cpu_s'], '.1f'):>18}")
    lines.append("")
    for key, ratio in summary["ratios"].items():
        if ratio is None:
            continue
        paired = ratio["paired"]
        goal = ""
        if "goal" in ratio:
            met = ratio["median_ratio"] >= ratio["goal"]
            goal = f"  goal >= {ratio['goal']}: {'met' if met else 'MISSED'}"
        crawl = (f", crawl phase alone {ratio['crawl_phase_ratio']:.2f}"
                 if "crawl_phase_ratio" in ratio else "")
        lines.append(f"pages/s ratio {key}: {ratio['median_ratio']:.2f} "
                     f"(paired runs {paired['min']:.2f}-{paired['max']:.2f}){crawl}{goal}")
    flat = summary["rss_flatness"]
    if flat:
        verdict = "met" if abs(flat["growth"]) <= flat["goal"] else "MISSED"
        lines.append(f"newsvault peak RSS {flat['from']} -> {flat['to']} pages: "
                     f"{flat['rss_mib'][0]:.0f} -> {flat['rss_mib'][1]:.0f} MiB "
                     f"({flat['growth']:+.0%}; goal within {flat['goal']:.0%}: {verdict})")
    return "\n".join(lines)
