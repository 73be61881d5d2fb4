"""Benchmark: ``sroi.sensitivity.switching_values`` at 10, 100 and 1,000 outcomes.

The table has seven rows per outcome (quantity, value, deadweight, displacement, attribution,
drop-off, duration) and two for the model, so its work should grow in proportion to the
number of outcomes. In one run, with the same models, it times:

- ``switching_values`` as it is: moving one outcome's setting re-evaluates that outcome
  alone through the engine (the others' present value read once);
- the previous way, every step re-evaluating the whole model (``Base.moved``), at 10 and
  100 outcomes only (it grows with the square of the outcomes; 1,000 would take minutes).

Each time is the median of several repeats after a warm-up run (imports). The figures are
printed and written into the "Switching values" section of ``docs/performance.md``, with the
machine described. Nothing here asserts a time.

Usage: ``python benchmarks/bench_switching.py [--sizes 10 100 1000] [--repeats N] [--no-write]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import sroi
from sroi.sensitivity import switching, switching_values

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START = "<!-- bench_switching: start -->"
END = "<!-- bench_switching: end -->"
WHOLE_MODEL_UP_TO = 100


def make_model(outcomes: int, seed: int = 0) -> dict:
    """A model of ``outcomes`` outcomes of 1-7 years at 3.5 %, with a ratio above 1."""
    rng = np.random.default_rng(seed)
    return {
        "name": f"{outcomes} outcomes",
        "inputs": [{"stakeholder": "Funder", "amount": 50_000.0 * outcomes}],
        "outcomes": [
            {
                "id": f"o{i}",
                "stakeholder": f"Group {i % 5}",
                "outcome": f"Outcome {i}",
                "quantity": float(rng.integers(1, 200)),
                "value": float(rng.uniform(100, 5_000)),
                "duration": int(rng.integers(1, 8)),
                "deadweight": float(rng.uniform(0, 0.5)),
                "displacement": float(rng.uniform(0, 0.3)),
                "attribution": float(rng.uniform(0, 0.4)),
                "drop_off": float(rng.uniform(0, 0.3)),
            }
            for i in range(outcomes)
        ],
    }


def whole_model_evaluator(param, base, index, measure):
    """The previous way: every step re-evaluates the whole model."""
    if measure == "setting":
        return lambda x: base.moved(param, index, x).ratio
    current = base.current(param, None)
    if measure == "factor":
        return lambda x: base.moved(param, None, current * x).ratio
    return lambda x: base.moved(param, None, np.clip(current + x, param.low, param.high)).ratio


def median_time(function, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def machine() -> str:
    return (
        f"{os.cpu_count()} logical CPUs; {platform.platform()}; {platform.machine()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"sroi {sroi.__version__}"
    )


def largest_difference(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """The largest relative difference between two tables' figures (NaN if they differ in
    which rows have a value)."""
    worst = 0.0
    for column in ("switching_value", "ratio_at_value"):
        x, y = a[column], b[column]
        if not (x.isna() == y.isna()).all():
            return float("nan")
        x, y = x.dropna().to_numpy(dtype=float), y.dropna().to_numpy(dtype=float)
        if x.size:
            worst = max(worst, float(np.max(np.abs(x - y) / np.maximum(1.0, np.abs(y)))))
    return worst


def run(sizes: list[int], repeats: int) -> list[dict]:
    switching_values(make_model(3))  # warm up: imports (scipy) and first calls
    rows = []
    for n in sizes:
        model = make_model(n)
        base = sroi.Model.model_validate(model)
        t_fast, table = median_time(lambda base=base: switching_values(base), repeats)
        row = {"outcomes": n, "rows": len(table), "fast": t_fast, "whole": None, "agree": None}
        if n <= WHOLE_MODEL_UP_TO:
            original = switching._evaluator
            switching._evaluator = whole_model_evaluator
            try:
                t_whole, slow = median_time(
                    lambda base=base: switching_values(base), 1 if n > 10 else repeats
                )
            finally:
                switching._evaluator = original
            row["whole"] = t_whole
            row["agree"] = largest_difference(table, slow)
        rows.append(row)
    return rows


def report(rows: list[dict], repeats: int) -> str:
    lines = [
        START,
        "## Switching values",
        "",
        f"Written by `python benchmarks/bench_switching.py` (run by `make bench`); machine: "
        f"{machine()}.",
        "",
        "`sroi.sensitivity.switching_values` of a model of n outcomes (1-7 years, 3.5 %, "
        "ratio above 1): seven rows per outcome and two for the model, each found by a "
        "closed form, Brent's method (drop-off, the discount rate) or a scan of whole years "
        f"(duration). Medians of {repeats} run(s) (one run for the previous way above 10 "
        "outcomes), after a warm-up.",
        "",
        "| outcomes | table rows | `switching_values` | per outcome | previous way (whole "
        "model per step) | speed-up |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        whole = "not run" if r["whole"] is None else f"{r['whole']:.2f} s"
        speed = "" if r["whole"] is None else f"{r['whole'] / r['fast']:.0f}x"
        lines.append(
            f"| {r['outcomes']:,} | {r['rows']:,} | {r['fast']:.2f} s | "
            f"{r['fast'] / r['outcomes'] * 1e3:.1f} ms | {whole} | {speed} |"
        )
    first, last = rows[0], rows[-1]
    growth = last["fast"] / first["fast"]
    lines += [
        "",
        f"- From {first['outcomes']:,} to {last['outcomes']:,} outcomes "
        f"({last['outcomes'] / first['outcomes']:.0f}x) the time grows {growth:.0f}x: linear "
        "in the outcomes (moving one outcome's setting runs the engine on that outcome "
        "alone, and the others' present value is read once).",
    ]
    compared = [r for r in rows if r["whole"] is not None]
    if len(compared) >= 2:
        a, b = compared[0], compared[-1]
        lines.append(
            f"- The previous way grew {b['whole'] / a['whole']:.0f}x from {a['outcomes']:,} "
            f"to {b['outcomes']:,} outcomes: every step re-evaluated every outcome, so once "
            "the engine's fixed cost per call is outweighed its time grows with the square "
            "of the outcomes."
        )
    if compared:
        agree = max(r["agree"] for r in compared)
        lines.append(
            f"- Both ways give the same table: switching values and ratios agree to a "
            f"relative {agree:.1e}."
        )
    lines += [
        "- What bounds it: a call of the engine per step (about 0.2 ms of fixed cost for "
        "one outcome), about 20 steps per outcome; the whole-year scan of a duration is one "
        "call for all the durations it may try.",
        END,
    ]
    return "\n".join(lines)


def write(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Do not update the docs.")
    args = parser.parse_args(argv)
    rows = run(args.sizes, args.repeats)
    section = report(rows, args.repeats)
    print(section.replace(START + "\n", "").replace("\n" + END, ""))
    if not args.no_write:
        write(section)
        print(f"\nwritten to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
