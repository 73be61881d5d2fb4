"""Benchmark W4: Monte Carlo draws through ``simulate()`` against hand-written numpy.

Two runs of W4, each in the same process and with the same model:

- 10,000 draws of a 100-outcome, 10-year model with five uncertain figures per outcome
  (quantity uniform, value a normal truncated at 0, deadweight triangular, attribution beta,
  drop-off PERT) and one input;
- 1,000,000 draws of the 10-outcome model built the same way.

``sroi.sensitivity.simulate`` is timed against a hand-written vectorised numpy Monte Carlo of
the same model: the same distributions sampled with numpy (and scipy's normal quantile
function), the present value of each draw by the closed-form annuity of a constant drop-off
at a constant rate, summed over outcomes. It validates nothing and knows no conventions. The
two agree in distribution (their means are compared in standard errors), not draw by draw:
the hand-written one uses one stream for everything.

Peak memory (tracemalloc) of ``simulate()`` is measured at two numbers of draws of each
model, to show that beyond the per-draw results (16 bytes a draw) it does not grow with the
draws. A 100-outcome model of 1,000 draws is also timed against a loop of ``sroi.evaluate()``
per draw (on 30 draws, scaled). The figures are printed and written into the "Monte Carlo
(W4)" section of ``docs/performance.md``. Nothing here asserts a time.

Usage: ``python benchmarks/bench_simulate.py [--repeats N] [--no-write]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.special import ndtr, ndtri

import sroi
from sroi.sensitivity import simulate

RATE = 0.035
YEARS = 10
AMOUNT_PER_OUTCOME = 4e6
DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
START = "<!-- bench_simulate: start -->"
END = "<!-- bench_simulate: end -->"


def make_model(n_outcomes: int = 100, seed: int = 0) -> dict:
    """W4's model: ``n_outcomes`` outcomes of 10 years, five uncertain figures each."""
    rng = np.random.default_rng(seed)
    outcomes = []
    for i in range(n_outcomes):
        q = float(rng.integers(10, 500))
        v = float(rng.uniform(100, 10_000))
        dw = float(rng.uniform(0.1, 0.4))
        outcomes.append(
            {
                "stakeholder": f"Group {i % 5}",
                "outcome": f"Outcome {i}",
                "quantity": {"distribution": "uniform", "low": 0.8 * q, "high": 1.2 * q},
                "value": {"distribution": "normal", "mean": v, "sd": 0.15 * v, "low": 0},
                "duration": YEARS,
                "deadweight": {
                    "distribution": "triangular",
                    "low": dw - 0.1,
                    "mode": dw,
                    "high": dw + 0.1,
                },
                "attribution": {"distribution": "beta", "alpha": 2, "beta": 8},
                "drop_off": {"distribution": "pert", "low": 0.0, "mode": 0.1, "high": 0.3},
            }
        )
    return {
        "name": "benchmark",
        "inputs": [{"stakeholder": "Funder", "amount": AMOUNT_PER_OUTCOME * n_outcomes}],
        "outcomes": outcomes,
    }


def numpy_monte_carlo(model: dict, draws: int, seed: int, chunk: int = 2_500) -> np.ndarray:
    """The hand-written Monte Carlo: the present value of each draw [money].

    Each figure is a ``(draws, outcomes)`` array sampled with numpy; the present value of an
    outcome is ``q v (1 - dw)(1 - a) sum_{t=1..T} (1 - d)^(t-1) / (1 + r)^t``, the sum in
    closed form ``(1 - g^T) / (1 - g) / (1 + r)`` with ``g = (1 - d) / (1 + r)``. Chunks of
    ``chunk`` draws bound the memory, as ``simulate()`` does.
    """
    rng = np.random.default_rng(seed)
    os_ = model["outcomes"]
    q_lo = np.array([o["quantity"]["low"] for o in os_])
    q_hi = np.array([o["quantity"]["high"] for o in os_])
    v_mean = np.array([o["value"]["mean"] for o in os_])
    v_sd = np.array([o["value"]["sd"] for o in os_])
    u_lo = ndtr((0 - v_mean) / v_sd)
    dw_lo = np.array([o["deadweight"]["low"] for o in os_])
    dw_mode = np.array([o["deadweight"]["mode"] for o in os_])
    dw_hi = np.array([o["deadweight"]["high"] for o in os_])
    # PERT(0, 0.1, 0.3), shape 4: beta(1 + 4 (0.1 / 0.3), 1 + 4 (0.2 / 0.3)) on [0, 0.3]
    p_a, p_b = 1 + 4 * (0.1 / 0.3), 1 + 4 * (0.2 / 0.3)
    k = len(os_)
    pv = np.empty(draws)
    for lo in range(0, draws, chunk):
        b = min(chunk, draws - lo)
        shape = (b, k)
        q = rng.uniform(q_lo, q_hi, shape)
        v = v_mean + v_sd * ndtri(rng.uniform(u_lo, 1.0, shape))
        dw = rng.triangular(dw_lo, dw_mode, dw_hi, shape)
        a = rng.beta(2.0, 8.0, shape)
        d = 0.3 * rng.beta(p_a, p_b, shape)
        g = (1 - d) / (1 + RATE)
        annuity = (1 - g**YEARS) / (1 - g) / (1 + RATE)
        pv[lo : lo + b] = np.sum(q * v * (1 - dw) * (1 - a) * annuity, axis=1)
    return pv


def loop_per_draw(model: dict, draws: int, seed: int) -> np.ndarray:
    """The slow way: sample each figure, build the model, evaluate it; per draw."""
    rng = np.random.default_rng(seed)
    parsed = sroi.Model.from_dict(model)
    ratios = np.empty(draws)
    for k in range(draws):
        outcomes = []
        for o in parsed.outcomes:
            d = o.model_dump()
            for name in ("quantity", "value", "deadweight", "attribution", "drop_off"):
                d[name] = float(getattr(o, name).distribution.sample(rng, 1)[0])
            outcomes.append(d)
        ratios[k] = sroi.evaluate({**model, "outcomes": outcomes}).ratio
    return ratios


def best_times(functions, repeats: int) -> list[float]:
    """The shortest of ``repeats`` runs of each function, the runs taken in turn (so that
    a busy moment of a shared machine falls on both alike)."""
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(repeats):
        for function, kept in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            kept.append(time.perf_counter() - start)
    return [min(kept) for kept in times]


def peak_memory(function) -> int:
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def machine() -> str:
    return (
        f"{os.cpu_count()} logical CPUs; {platform.platform()}; {platform.machine()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, sroi {sroi.__version__}"
    )


def run_case(outcomes: int, draws: int, small: int, repeats: int) -> dict[str, float]:
    model = make_model(outcomes)
    simulate(model, 100, seed=0, progress=False)  # warm-up: imports, caches
    numpy_monte_carlo(model, 100, seed=0)
    sim = simulate(model, draws, seed=1, progress=False)
    pv_np = numpy_monte_carlo(model, draws, seed=1)
    # the same distribution: the difference of the means in standard errors
    se = np.hypot(sim.present_value.std(ddof=1), pv_np.std(ddof=1)) / np.sqrt(draws)
    z = float(abs(sim.present_value.mean() - pv_np.mean()) / se)
    t_sim, t_np = best_times(
        [
            lambda: simulate(model, draws, seed=1, progress=False),
            lambda: numpy_monte_carlo(model, draws, seed=1),
        ],
        repeats,
    )
    peak_small = peak_memory(lambda: simulate(model, small, seed=1, progress=False))
    peak = peak_memory(lambda: simulate(model, draws, seed=1, progress=False))
    peak_np = peak_memory(lambda: numpy_monte_carlo(model, draws, seed=1))
    return {
        "outcomes": outcomes,
        "draws": draws,
        "small": small,
        "simulate": t_sim,
        "numpy": t_np,
        "peak_small": peak_small,
        "peak": peak,
        "peak_numpy": peak_np,
        "z": z,
        "p_above": sim.probability_ratio_above(),
        "median": float(np.median(sim.ratio)),
    }


def run(repeats: int) -> dict[str, object]:
    cases = [
        run_case(100, 10_000, 5_000, repeats),
        run_case(10, 1_000_000, 100_000, repeats),
    ]
    model = make_model(100)
    (t_sim_1k,) = best_times([lambda: simulate(model, 1_000, seed=1, progress=False)], repeats)
    sample = 30
    start = time.perf_counter()
    loop_per_draw(model, sample, seed=1)
    t_loop_1k = (time.perf_counter() - start) / sample * 1_000
    return {"cases": cases, "simulate_1k": t_sim_1k, "loop_1k": t_loop_1k, "sample": sample}


def report(r: dict) -> str:
    mib = 1024**2
    lines = [
        START,
        "## Monte Carlo (W4)",
        "",
        f"Written by `python benchmarks/bench_simulate.py` (run by `make bench`); machine: "
        f"{machine()}.",
        "",
        "W4: a model of 10-year outcomes with five uncertain figures each (quantity uniform, "
        "value a normal truncated at 0, deadweight triangular, attribution beta, drop-off "
        "PERT) and one input, at 3.5 %. `simulate()` against a hand-written vectorised numpy "
        "Monte Carlo of the same model (the same distributions, the closed-form annuity, in "
        "chunks; no checks, no conventions). The shortest of repeated runs in one process, "
        "the two methods run in turn; peak memory by tracemalloc.",
        "",
        "| draws x outcomes | `simulate()` | hand-written numpy | ratio | peak memory "
        "(`simulate`) | at fewer draws | per-draw results | peak (numpy) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in r["cases"]:
        lines.append(
            f"| {c['draws']:,} x {c['outcomes']} | {c['simulate']:.3f} s | {c['numpy']:.3f} s "
            f"| {c['simulate'] / c['numpy']:.2f}x | {c['peak'] / mib:.1f} MiB | "
            f"{c['peak_small'] / mib:.1f} MiB ({c['small']:,} draws) | "
            f"{16 * c['draws'] / mib:.1f} MiB | {c['peak_numpy'] / mib:.1f} MiB |"
        )
    big = r["cases"][1]
    lines += [
        "",
        "- Memory: beyond the results kept for every draw (present value and investment, 16 "
        "bytes a draw) the peak is "
        + ", ".join(
            f"{(c['peak'] - 16 * c['draws']) / mib:.1f} MiB at {c['draws']:,} draws and "
            f"{(c['peak_small'] - 16 * c['small']) / mib:.1f} MiB at {c['small']:,}"
            for c in r["cases"]
        )
        + ": flat in the number of draws (chunks of at most 250,000 draw-outcome cells).",
        "- Agreement: the means of the present value of `simulate()` and of the hand-written "
        "Monte Carlo differ by "
        + " and ".join(f"{c['z']:.1f}" for c in r["cases"])
        + " standard errors (the same distributions, different streams); "
        f"P(ratio > 1) = {big['p_above']:.3f} for the 10-outcome model.",
        f"- Against a loop of `sroi.evaluate()` per draw (1,000 draws of the 100-outcome "
        f"model, the loop timed on {r['sample']} draws and **extrapolated**): "
        f"{r['simulate_1k']:.3f} s against {r['loop_1k']:.1f} s, "
        f"{r['loop_1k'] / r['simulate_1k']:.0f}x faster.",
        "- What bounds it: sampling the distributions is the same work in both (numpy's "
        "generators; the truncated normal by its quantile function), about half of the "
        "time. With 100 outcomes `simulate()` also makes one sampling call per figure per "
        "chunk (500 per chunk, each figure from its own stream, so that the draws do not "
        "depend on the chunks or the workers) and places each figure's draws in its column, "
        "and the engine builds each outcome's discounted years of impact for every "
        "convention it allows, where the hand-written form uses the closed-form annuity of "
        "one convention. With 10 outcomes and a million draws the sampling is most of both "
        f"({big['simulate'] / big['numpy']:.2f}x).",
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
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="Do not update the docs.")
    args = parser.parse_args(argv)
    section = report(run(args.repeats))
    print(section.replace(START + "\n", "").replace("\n" + END, ""))
    if not args.no_write:
        write(section)
        print(f"\nwritten to {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
