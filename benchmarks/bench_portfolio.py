"""Benchmark W2 and W3: a portfolio of 100,000 projects x 10 outcomes through
``evaluate_portfolio``, at a constant rate (W2) and with the Green Book schedule (W3, and
W3x, whose outcomes run past year 30, where the schedule's rate changes).

Each project has 10 outcomes of 1-10 years (W3x: from years 20-30, of 1-20 years) and one
input. In one run, with the same data,
each workload is timed five ways computing the same ratio per project:

- ``sroi.evaluate_portfolio`` on the two DataFrames, with payback (the default) and with
  ``payback=False`` (present values and ratios only); and, to show what the core costs, the
  engine alone (``sroi.engine.compute`` on the columns, summed per project);
- the **reference**: a straightforward pure-Python implementation of the method, a loop
  over the rows and their years with a table of discount factors, on the whole portfolio;
- a **pandas row-wise apply** of the same loop, timed on a random sample of rows and
  **extrapolated** to the whole portfolio (stated as such: the whole would take minutes);
- **hand-fused numpy**: for W2 the closed form (first-year impact times a geometric annuity,
  summed per project with ``bincount``); for W3 the obvious vectorisation of a schedule, an
  outcomes x years table of discounted impact. Neither checks anything or knows conventions;
- the **bandwidth bound**: the bytes the computation must read (8 columns of 8 bytes per
  outcome row, 2 per input row) divided by the copy bandwidth measured on this machine.

Times are medians of repeats, the methods taking turns; peak memory of every method (the
apply on its sample) is measured with tracemalloc in separate runs. The figures are
printed and written into the "Portfolio (W2, W3)" section of ``docs/performance.md``.
Nothing here asserts a time.

Usage: ``python benchmarks/bench_portfolio.py [--projects N] [--sample N] [--no-write]``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from bench_evaluate import copy_bandwidth, machine, peak_bytes, race, show_time, write

import sroi
from sroi.adjustments import discount_factors
from sroi.engine import OutcomeArrays, compute

OUTCOMES_PER_PROJECT = 10
RATE = 0.035
START = "<!-- bench_portfolio: start -->"
END = "<!-- bench_portfolio: end -->"
WORKLOADS = {"W2": (RATE, False), "W3": ("green_book", False), "W3x": ("green_book", True)}
"""Each workload's discount rate, and whether its outcomes cross year 30 (W3x)."""


def make_portfolio(
    projects: int, seed: int = 0, crossing: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frames: ``projects`` x 10 outcomes, one input each. 1-10-year durations from
    year 1; with ``crossing``, start years 20-30 and durations of 1-20 years, so that most
    outcomes run past year 30, where the Green Book's rate changes from 3.5 % to 3 %."""
    rng = np.random.default_rng(seed)
    n = projects * OUTCOMES_PER_PROJECT
    outcomes = pd.DataFrame(
        {
            "project_id": np.repeat(np.arange(projects), OUTCOMES_PER_PROJECT),
            "quantity": rng.integers(1, 500, n).astype(float),
            "value": rng.uniform(50, 20_000, n),
            "duration": rng.integers(1, 21 if crossing else 11, n),
            "start_year": rng.integers(20, 31, n) if crossing else np.ones(n, dtype=np.int64),
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


HORIZON = 51
"""Years of the discount tables: the longest outcome of W3x ends in year 49."""


def reference(outcomes: pd.DataFrame, inputs: pd.DataFrame, df: list[float]) -> list[float]:
    """The method in plain Python: each row's impact in each of its years, discounted."""
    columns = [
        outcomes[c].tolist()
        for c in ("project_id", "quantity", "value", "duration", "start_year", "deadweight")
    ]
    columns += [outcomes[c].tolist() for c in ("displacement", "attribution", "drop_off")]
    value = [0.0] * len(inputs)
    for p, q, v, years, start, dw, dp, at, d in zip(*columns, strict=True):
        first = q * v * (1 - dw) * (1 - dp) * (1 - at)
        for k in range(years):
            value[p] += first * (1 - d) ** k * df[start + k]
    return [pv / amount for pv, amount in zip(value, inputs["amount"].tolist(), strict=True)]


def row_pv(row: pd.Series, df: list[float]) -> float:
    """The reference's loop for one row of a DataFrame (for ``DataFrame.apply``)."""
    first = row["quantity"] * row["value"] * (1 - row["deadweight"]) * (1 - row["displacement"])
    first *= 1 - row["attribution"]
    start = int(row["start_year"])
    return sum(
        first * (1 - row["drop_off"]) ** k * df[start + k] for k in range(int(row["duration"]))
    )


def fused_closed_form(outcomes: pd.DataFrame, inputs: pd.DataFrame, projects: int) -> np.ndarray:
    """W2 hand-fused: a closed-form annuity per row (from year 1), summed per project."""
    first = outcomes["quantity"].to_numpy() * outcomes["value"].to_numpy()
    first *= 1 - outcomes["deadweight"].to_numpy()
    first *= 1 - outcomes["displacement"].to_numpy()
    first *= 1 - outcomes["attribution"].to_numpy()
    g = (1 - outcomes["drop_off"].to_numpy()) / (1 + RATE)
    annuity = (1 - g ** outcomes["duration"].to_numpy()) / (1 - g) / (1 + RATE)
    pv = np.bincount(outcomes["project_id"].to_numpy(), weights=first * annuity, minlength=projects)
    return pv / np.bincount(inputs["project_id"].to_numpy(), weights=inputs["amount"].to_numpy())


def fused_year_table(
    outcomes: pd.DataFrame, inputs: pd.DataFrame, projects: int, df: np.ndarray
) -> np.ndarray:
    """W3 hand-fused: an outcomes x years table of discounted impact, any schedule."""
    first = outcomes["quantity"].to_numpy() * outcomes["value"].to_numpy()
    first *= 1 - outcomes["deadweight"].to_numpy()
    first *= 1 - outcomes["displacement"].to_numpy()
    first *= 1 - outcomes["attribution"].to_numpy()
    duration = outcomes["duration"].to_numpy()
    start = outcomes["start_year"].to_numpy()
    k = np.arange(int(duration.max()))
    live = k[None, :] < duration[:, None]
    years = np.minimum(start[:, None] + k, df.size - 1)
    level = (1 - outcomes["drop_off"].to_numpy())[:, None] ** k * df[years]
    per_row = first * np.where(live, level, 0.0).sum(axis=1)
    pv = np.bincount(outcomes["project_id"].to_numpy(), weights=per_row, minlength=projects)
    return pv / np.bincount(inputs["project_id"].to_numpy(), weights=inputs["amount"].to_numpy())


def engine_core(outcomes: pd.DataFrame, inputs: pd.DataFrame, rate: float | str) -> np.ndarray:
    """The engine alone: ``compute`` on the columns, present values summed per project."""
    arrays = OutcomeArrays(
        quantity=outcomes["quantity"].to_numpy(),
        value=outcomes["value"].to_numpy(),
        deadweight=outcomes["deadweight"].to_numpy(),
        displacement=outcomes["displacement"].to_numpy(),
        attribution=outcomes["attribution"].to_numpy(),
        drop_off=outcomes["drop_off"].to_numpy(),
        duration=outcomes["duration"].to_numpy(),
        start_year=outcomes["start_year"].to_numpy(),
    )
    c = compute(arrays, inputs["amount"].to_numpy(), np.zeros(len(inputs), int), rate, check=False)
    pv = np.bincount(outcomes["project_id"].to_numpy(), weights=c.present_value_by_outcome)
    return pv / inputs["amount"].to_numpy()


def run(projects: int, sample: int, repeats: int, bandwidth: float) -> dict[str, dict]:
    data = {False: make_portfolio(projects), True: make_portfolio(projects, crossing=True)}
    outcomes, inputs = data[False]
    frame_bytes = int(outcomes.memory_usage(deep=True).sum() + inputs.memory_usage(deep=True).sum())
    read_bytes = len(outcomes) * 8 * 8 + len(inputs) * 2 * 8
    out: dict[str, dict] = {}
    for name, (rate, crossing) in WORKLOADS.items():
        outcomes, inputs = data[crossing]
        rng = np.random.default_rng(1)
        rows = np.sort(rng.choice(len(outcomes), size=min(sample, len(outcomes)), replace=False))
        some = outcomes.iloc[rows]
        df = discount_factors(rate, np.arange(HORIZON))
        table = df.tolist()
        year_table = isinstance(rate, str)

        def ours(rate=rate, outcomes=outcomes, inputs=inputs, **kw):
            return sroi.evaluate_portfolio(outcomes, inputs, discount_rate=rate, **kw)

        def numpy_form(df=df, year_table=year_table, outcomes=outcomes, inputs=inputs):
            if year_table:
                return fused_year_table(outcomes, inputs, projects, df)
            return fused_closed_form(outcomes, inputs, projects)

        def engine(rate=rate, outcomes=outcomes, inputs=inputs):
            return engine_core(outcomes, inputs, rate)

        ratios = ours()["ratio"].to_numpy()
        figures = [numpy_form(), engine()]
        agree = max(float(np.max(np.abs(f / ratios - 1))) for f in figures)
        times = race(
            {
                "portfolio": (ours, 1),
                "no_payback": (lambda ours=ours: ours(payback=False), 1),
                "engine": (engine, 1),
                "numpy": (numpy_form, 3),
            },
            repeats=repeats,
        )
        start = time.perf_counter()
        ref = np.array(reference(outcomes, inputs, table))
        times["python"] = time.perf_counter() - start
        agree = max(agree, float(np.max(np.abs(ref / ratios - 1))))
        start = time.perf_counter()
        sampled = some.apply(row_pv, axis=1, df=table)
        times["apply"] = (time.perf_counter() - start) / len(some) * len(outcomes)
        per_row = compute_rows_pv(some, rate)
        agree = max(agree, float(np.max(np.abs(sampled.to_numpy() / per_row - 1))))
        times["bound"] = read_bytes / bandwidth
        out[name] = {
            **times,
            "agree": agree,
            "peak": peak_bytes(ours),
            "peak_no_payback": peak_bytes(lambda ours=ours: ours(payback=False)),
            "peak_engine": peak_bytes(engine),
            "peak_numpy": peak_bytes(numpy_form),
            "peak_python": peak_bytes(
                lambda outcomes=outcomes, inputs=inputs, table=table: reference(
                    outcomes, inputs, table
                )
            ),
            "peak_apply": peak_bytes(
                lambda some=some, table=table: some.apply(row_pv, axis=1, df=table)
            ),
        }
    out["data"] = {
        "projects": projects,
        "rows": len(outcomes),
        "sample": len(some),
        "frame_bytes": frame_bytes,
        "read_bytes": read_bytes,
    }
    return out


def compute_rows_pv(rows: pd.DataFrame, rate: float | str) -> np.ndarray:
    """Each row's present value by the engine (to check the sampled apply against)."""
    arrays = OutcomeArrays.from_columns(
        quantity=rows["quantity"].to_numpy(),
        value=rows["value"].to_numpy(),
        duration=rows["duration"].to_numpy(),
        start_year=rows["start_year"].to_numpy(),
        deadweight=rows["deadweight"].to_numpy(),
        displacement=rows["displacement"].to_numpy(),
        attribution=rows["attribution"].to_numpy(),
        drop_off=rows["drop_off"].to_numpy(),
    )
    return compute(arrays, [1.0], [0], rate).present_value_by_outcome


def report(r: dict[str, dict], bandwidth: float) -> str:
    mib = 1024**2
    d = r["data"]
    lines = [
        START,
        "## Portfolio (W2, W3)",
        "",
        f"Written by `python benchmarks/bench_portfolio.py` (run by `make bench`); machine: "
        f"{machine(bandwidth)}.",
        "",
        f"{d['projects']:,} projects x {OUTCOMES_PER_PROJECT} outcomes ({d['rows']:,} outcome "
        "rows), one input per project. W2: durations of 1-10 years from year 1, at a constant "
        '3.5 %. W3: the same outcomes with the Green Book schedule (`discount_rate="green_book"`'
        "). **W3x**: the Green Book schedule on outcomes that start in years 20-30 and last "
        "1-20 years, so that most of them run past year 30, where the schedule's rate changes "
        "from 3.5 % to 3 % (the schedule exercised). Every method gives the same ratio per "
        f"project, to a relative {max(r[w]['agree'] for w in WORKLOADS):.1e}. Medians of "
        "repeated runs in one process, the methods taking turns. The bandwidth bound is the "
        f"{d['read_bytes'] / mib:.0f} MiB the computation must read (8 columns of 8 bytes per "
        "outcome row, 2 per input row) divided by the copy bandwidth above. The pandas apply is "
        f"**extrapolated** from {d['sample']:,} random rows (the whole would take minutes).",
        "",
        "| method | W2 | W3 | W3x | W2 vs `evaluate_portfolio` | W3 / W2 | W3x / W2 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [
        ("portfolio", "`sroi.evaluate_portfolio` (with payback)"),
        ("no_payback", "`sroi.evaluate_portfolio(..., payback=False)`"),
        ("engine", "the engine alone (`sroi.engine.compute` on the columns, per project)"),
        ("python", "plain Python (reference), whole portfolio"),
        ("apply", "pandas row-wise `apply` (**extrapolated**)"),
        ("numpy", "hand-fused numpy (W2 closed form; W3, W3x outcomes x years table)"),
        ("bound", "bandwidth bound"),
    ]
    w2, w3, w3x = r["W2"], r["W3"], r["W3x"]
    for key, label in rows:
        lines.append(
            f"| {label} | {show_time(w2[key])} | {show_time(w3[key])} | {show_time(w3x[key])} | "
            f"{w2[key] / w2['portfolio']:.3g}x | {w3[key] / w2[key]:.2f} | "
            f"{w3x[key] / w2[key]:.2f} |"
        )
    frames = d["frame_bytes"]
    lines += [
        "",
        f"Peak memory (tracemalloc; the input frames hold {frames / mib:.0f} MiB and are not "
        "counted):",
        "",
        "| method | W2 | W3 | W3x |",
        "|---|---:|---:|---:|",
    ]
    peaks = [
        ("peak", "`sroi.evaluate_portfolio` (with payback)"),
        ("peak_no_payback", "`sroi.evaluate_portfolio(..., payback=False)`"),
        ("peak_engine", "the engine alone"),
        ("peak_python", "plain Python (reference)"),
        ("peak_apply", f"pandas row-wise `apply` (on the {d['sample']:,}-row sample)"),
        ("peak_numpy", "hand-fused numpy"),
    ]
    for key, label in peaks:
        lines.append(
            f"| {label} | {w2[key] / mib:,.1f} MiB | {w3[key] / mib:,.1f} MiB | "
            f"{w3x[key] / mib:,.1f} MiB |"
        )
    ok = {True: "met", False: "missed"}
    fast = w2["no_payback"]
    lines += [
        "",
        f"Against the references (W2): `evaluate_portfolio` is {w2['python'] / fast:.0f}x "
        f"faster than plain Python and {w2['apply'] / fast:.0f}x faster than the pandas apply "
        f"without payback ({w2['python'] / w2['portfolio']:.0f}x and "
        f"{w2['apply'] / w2['portfolio']:.0f}x with it); W3x: "
        f"{w3x['python'] / w3x['no_payback']:.0f}x and {w3x['apply'] / w3x['no_payback']:.0f}x.",
        "",
        "Targets, in this run (`evaluate_portfolio` without payback, which computes what the "
        "references compute; with payback it also builds a year table per block of projects):",
        "",
        f"- W2 at least 2x faster than the hand-fused numpy form: "
        f"{ok[fast * 2 <= w2['numpy']]} ({fast / w2['numpy']:.1f}x its time; with payback "
        f"{w2['portfolio'] / w2['numpy']:.1f}x; the engine alone "
        f"{w2['engine'] / w2['numpy']:.1f}x).",
        f"- W2 within 4x of the bandwidth bound: {ok[fast <= 4 * w2['bound']]} "
        f"({fast / w2['bound']:.0f}x; the engine alone {w2['engine'] / w2['bound']:.1f}x).",
        f"- Peak memory under 3x the input frames ({frames / mib:.0f} MiB): "
        f"{ok[w2['peak'] < 3 * frames]} ({w2['peak'] / mib:.0f} MiB with payback, "
        f"{w2['peak'] / frames:.2f}x; {w2['peak_no_payback'] / mib:.0f} MiB without, "
        f"{w2['peak_no_payback'] / frames:.2f}x; W3x {w3x['peak'] / frames:.2f}x with payback).",
        f"- W3 within 1.5x of W2: {ok[w3['no_payback'] <= 1.5 * fast]} "
        f"({w3['no_payback'] / fast:.2f}x without payback, "
        f"{w3['portfolio'] / w2['portfolio']:.2f}x with). With outcomes of at most 10 years "
        "from year 1 the Green Book rate is 3.5 % in every year they touch, so its discount "
        "factors are geometric there and the engine sums them in closed form, as for a "
        "constant rate.",
        f"- W3x (the schedule crossing year 30) within 1.5x of W2: "
        f"{ok[w3x['no_payback'] <= 1.5 * fast]} ({w3x['no_payback'] / fast:.2f}x without "
        f"payback, {w3x['portfolio'] / w2['portfolio']:.2f}x with; the engine alone "
        f"{w3x['engine'] / w2['engine']:.2f}x its W2 time). Where the rate changes within the "
        "years the outcomes touch, the discount factors are not geometric and the engine sums "
        "each outcome's years one by one: a loop over the years of the longest outcome (20), "
        "each a few passes over the rows in blocks (the year's factor gathered, the "
        "outcomes still live masked, the sum added), where W2 takes one power per outcome; a "
        "closed form on each side of the change of rate (two geometric series per outcome) "
        "would take the loop away, and is not done yet. The "
        "outcomes are also twice as long on average (10.5 years against 5.5), which the "
        "payback's year tables and the references pay for too (plain Python "
        f"{w3x['python'] / w2['python']:.1f}x its W2 time). The hand-fused outcomes x years "
        f"table takes {w3x['numpy'] / w2['numpy']:.1f}x the W2 closed form.",
        "",
        "What bounds it:",
        "",
        "- The engine takes the rows in blocks of 32,768 (the temporaries of a block stay in "
        "cache) and sums each outcome's years in closed form (one power per outcome). It "
        "reads the 8 columns once, but writes 5 columns it keeps for every outcome (the gross "
        "value, what remains after each deduction, the present value: the tables of a "
        "`Computation`), 40 bytes an outcome, a first touch of fresh memory each; the "
        "hand-fused form keeps none and checks nothing. That is the engine's "
        f"{w2['engine'] / w2['numpy']:.1f}x of the hand-fused form.",
        "- `evaluate_portfolio` adds, around the engine, its reading of the frames: each "
        "column taken out of the DataFrame and checked (type, range, blanks: a pass or two "
        "each), the project ids made one type, factorised (a hash of every row's key) and "
        f"sorted, and the per-project sums: {1 - w2['engine'] / fast:.0%} of its time without "
        "payback. With payback, an outcomes x years table per block of projects and the "
        f"payback rules on it ({1 - fast / w2['portfolio']:.0%} of the time with payback). "
        "Those passes over memory, not the arithmetic, set its time.",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="Do not update the docs.")
    args = parser.parse_args(argv)
    bandwidth = copy_bandwidth()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = run(args.projects, args.sample, args.repeats, bandwidth)
    section = report(r, bandwidth)
    print(section.replace(START + "\n", "").replace("\n" + END, ""))
    if not args.no_write:
        write(START, END, section)
        print("\nwritten to docs/performance.md", file=sys.stderr)


if __name__ == "__main__":
    main()
