"""Benchmark: Monte Carlo draws per second, vectorised against a loop of evaluate() calls.

10,000 draws of a 100-outcome, 10-year model with five uncertain figures per outcome
(quantity, value, deadweight, attribution, drop-off). ``simulate()`` is timed against a
plain loop that builds each draw's model and calls ``sroi.evaluate()`` once per draw
(timed on a sample of draws and scaled), in the same run; peak memory of ``simulate()`` is
measured with tracemalloc. Nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc

import numpy as np

import sroi
from sroi.sensitivity import simulate


def make_model(n_outcomes: int = 100, seed: int = 0) -> dict:
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
                "duration": 10,
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
        "inputs": [{"stakeholder": "Funder", "amount": 4e8}],
        "outcomes": outcomes,
    }


def loop_per_draw(model: dict, draws: int, seed: int) -> np.ndarray:
    """The slow reference: sample each figure, build the model, evaluate it; per draw."""
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


def main(draws: int = 10_000) -> None:
    model = make_model()
    print(f"sroi {sroi.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
    simulate(model, 100, seed=0, progress=False)  # warm-up: imports, caches
    times = []
    for _ in range(3):
        start = time.perf_counter()
        sim = simulate(model, draws, seed=1, progress=False)
        times.append(time.perf_counter() - start)
    t_sim = statistics.median(times)
    tracemalloc.start()
    simulate(model, draws, seed=1, progress=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sample = 50
    start = time.perf_counter()
    loop_per_draw(model, sample, seed=1)
    t_loop = (time.perf_counter() - start) / sample * draws
    print(f"{draws:,} draws of a 100-outcome, 10-year model (5 uncertain figures per outcome)")
    print(
        f"  simulate():            {t_sim:8.3f} s  {draws / t_sim:>12,.0f} draws/s  "
        f"peak memory {peak / 2**20:.1f} MiB"
    )
    print(
        f"  loop of evaluate():    {t_loop:8.3f} s  {draws / t_loop:>12,.0f} draws/s  "
        f"(timed on {sample} draws)"
    )
    print(f"  speed-up:              {t_loop / t_sim:8.0f}x")
    print(
        f"  P(ratio > 1) = {sim.probability_ratio_above():.3f}; "
        f"median ratio {np.median(sim.ratio):.3f}"
    )
    big = 1_000_000
    tracemalloc.start()
    start = time.perf_counter()
    simulate(make_model(10), big, seed=2, progress=False)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{big:,} draws of a 10-outcome model: {elapsed:.2f} s, peak memory "
        f"{peak / 2**20:.0f} MiB (results alone are {2 * 8 * big / 2**20:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
