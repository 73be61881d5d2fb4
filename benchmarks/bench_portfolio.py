"""Benchmark W2: a portfolio of 100,000 projects x 10 outcomes through ``evaluate_portfolio``.

Each project has 10 outcomes of 1-10 years at a constant rate (3.5 %) and one input. In one
run, with the same data, it times:

- ``sroi.evaluate_portfolio`` on the two DataFrames, with payback (the default) and with
  ``payback=False`` (present values and ratios only);
- a loop of ``sroi.evaluate()`` over projects, one model mapping each, timed on a random
  sample of projects and **extrapolated** to the whole portfolio (stated as such);
- a hand-fused numpy closed form of the same arithmetic (first-year impact times a geometric
  annuity factor, summed per project with ``bincount``): the obvious vectorisation, with no
  validation, no conventions and no payback.

Each time is the median of several repeats; peak memory of ``evaluate_portfolio`` is
measured with ``tracemalloc`` in a separate run. The figures are printed and written into
the "Portfolio (W2)" section of ``docs/performance.md`` (created if missing), with the
machine described. Nothing here asserts a time.

Usage: ``python benchmarks/bench_portfolio.py [--projects N] [--sample N] [--no-write]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import sroi

OUTCOMES_PER_PROJECT = 10
RATE = 0.035
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START = "<!-- bench_portfolio: start -->"
END = "<!-- bench_portfolio: end -->"


def make_portfolio(projects: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """W2's frames: ``projects`` x 10 outcomes, 1-10-year durations, one input each."""
    rng = np.random.default_rng(seed)
    n = projects * OUTCOMES_PER_PROJECT
    outcomes = pd.DataFrame(
        {
            "project_id": np.repeat(np.arange(projects), OUTCOMES_PER_PROJECT),
            "quantity": rng.integers(1, 500, n).astype(float),
            "value": rng.uniform(50, 20_000, n),
            "duration": rng.integers(1, 11, n),
            "deadweight": rng.uniform(0, 0.5, n),
            "displacement": rng.uniform(0, 0.3, n),
            "attribution": rng.uniform(0, 0.5, n),
            "drop_off": rng.uniform(0, 0.3, n),
        }
    )
    inputs = pd.DataFrame(
        {"project_id": np.arange(projects), "amount": rng.uniform(1e5, 1e7, projects)}
    )
    return outcomes, inputs


def fused_numpy(outcomes: pd.DataFrame, inputs: pd.DataFrame, projects: int) -> np.ndarray:
    """The same present values per project, hand-fused: a closed-form annuity per row."""
    q = outcomes["quantity"].to_numpy()
    first = q * outcomes["value"].to_numpy()
    first *= 1 - outcomes["deadweight"].to_numpy()
    first *= 1 - outcomes["displacement"].to_numpy()
    first *= 1 - outcomes["attribution"].to_numpy()
    g = (1 - outcomes["drop_off"].to_numpy()) / (1 + RATE)
    annuity = (1 - g ** outcomes["duration"].to_numpy()) / (1 - g) / (1 + RATE)
    pv = np.bincount(outcomes["project_id"].to_numpy(), weights=first * annuity, minlength=projects)
    return pv / np.bincount(inputs["project_id"].to_numpy(), weights=inputs["amount"].to_numpy())


def model_of(rows: pd.DataFrame, amount: float) -> dict:
    return {
        "name": "project",
        "inputs": [{"stakeholder": "Funder", "amount": amount}],
        "outcomes": [
            {"stakeholder": "People", "outcome": f"Outcome {i}", **row}
            for i, row in enumerate(rows.drop(columns="project_id").to_dict("records"))
        ],
    }


def median_time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    return (
        f"{os.cpu_count()} logical CPUs; {platform.platform()}; {platform.machine()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
    )


def run(projects: int, sample: int, repeats: int) -> dict[str, float]:
    outcomes, inputs = make_portfolio(projects)
    rows = len(outcomes)
    frame_bytes = int(outcomes.memory_usage(deep=True).sum() + inputs.memory_usage(deep=True).sum())
    result = sroi.evaluate_portfolio(outcomes, inputs)  # warm up, and the figures to check
    fused = fused_numpy(outcomes, inputs, projects)
    agree = float(np.max(np.abs(result["ratio"].to_numpy() / fused - 1)))

    t_portfolio = median_time(lambda: sroi.evaluate_portfolio(outcomes, inputs), repeats)
    t_no_payback = median_time(
        lambda: sroi.evaluate_portfolio(outcomes, inputs, payback=False), repeats
    )
    t_fused = median_time(lambda: fused_numpy(outcomes, inputs, projects), max(repeats, 5))

    rng = np.random.default_rng(1)
    chosen = rng.choice(projects, size=min(sample, projects), replace=False)
    groups = outcomes.groupby("project_id")
    models = [model_of(groups.get_group(p), float(inputs["amount"][p])) for p in chosen]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        loop_ratios = [sroi.evaluate(m).ratio for m in models]
        t_sample = time.perf_counter() - start
    loop_agree = float(
        np.max(np.abs(np.array(loop_ratios) / result["ratio"].to_numpy()[chosen] - 1))
    )
    t_loop = t_sample / len(models) * projects

    tracemalloc.start()
    sroi.evaluate_portfolio(outcomes, inputs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "projects": projects,
        "rows": rows,
        "sample": len(models),
        "portfolio": t_portfolio,
        "no_payback": t_no_payback,
        "fused": t_fused,
        "loop": t_loop,
        "frame_bytes": frame_bytes,
        "peak": peak,
        "agree": max(agree, loop_agree),
    }


def report(r: dict[str, float]) -> str:
    mib = 1024**2
    lines = [
        START,
        "## Portfolio (W2)",
        "",
        f"Written by `python benchmarks/bench_portfolio.py` (run by `make bench`); machine: "
        f"{machine()}.",
        "",
        f"W2: {r['projects']:,} projects x {OUTCOMES_PER_PROJECT} outcomes ({r['rows']:,} "
        "outcome rows), durations of 1-10 years, a constant rate of 3.5 %, one input per "
        "project. Medians of repeated runs in one process; the figures of every method agree "
        f"to a relative {r['agree']:.1e}.",
        "",
        "| method | time | vs evaluate_portfolio |",
        "|---|---:|---:|",
        f"| `sroi.evaluate_portfolio` (with payback) | {r['portfolio']:.3f} s | 1.0x |",
        f"| `sroi.evaluate_portfolio(..., payback=False)` | {r['no_payback']:.3f} s | "
        f"{r['no_payback'] / r['portfolio']:.2f}x |",
        f"| hand-fused numpy closed form (no checks, no payback) | {r['fused']:.3f} s | "
        f"{r['fused'] / r['portfolio']:.3f}x |",
        f"| loop of `sroi.evaluate()` from mappings (**extrapolated** from {r['sample']:,} "
        f"random projects) | {r['loop']:.1f} s | {r['loop'] / r['portfolio']:.1f}x |",
        "",
        f"- `evaluate_portfolio` is {r['loop'] / r['portfolio']:.0f}x faster than the loop of "
        f"`evaluate()` and {r['portfolio'] / r['fused']:.1f}x slower than the hand-fused form "
        f"({r['no_payback'] / r['fused']:.1f}x without payback).",
        f"- Peak memory of `evaluate_portfolio` (tracemalloc): {r['peak'] / mib:.0f} MiB, "
        f"{r['peak'] / r['frame_bytes']:.2f}x the input frames ({r['frame_bytes'] / mib:.0f} "
        "MiB).",
        "- What bounds it: the checks of every column (one pass each) and the engine's "
        "annuity factors (one pass over the rows per year of the longest outcome); with "
        "payback, a year table per block of projects, and the engine's payback rules "
        "applied to each block at once (one payback per project, no loop over projects): "
        f"{1 - r['no_payback'] / r['portfolio']:.0%} of the time with payback.",
        END,
    ]
    return "\n".join(lines)


def write(section: str) -> None:
    if DOC.exists():
        text = DOC.read_text(encoding="utf-8")
    else:
        text = (
            "# Performance\n\nHow long `sroi` takes on this class of machine, measured by the "
            "scripts in `benchmarks/` (`make bench`), each against simpler ways of computing "
            "the same figures in the same run. Shared machines are noisy: compare the ratios "
            "more than the times.\n"
        )
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Do not update the docs.")
    args = parser.parse_args(argv)
    r = run(args.projects, args.sample, args.repeats)
    section = report(r)
    print(section.replace(START + "\n", "").replace("\n" + END, ""))  # the figures, as written
    if not args.no_write:
        write(section)
        print(f"\nwritten to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
