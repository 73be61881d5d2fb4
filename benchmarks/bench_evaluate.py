"""Benchmark: microseconds per ``sroi.evaluate()`` and the cost of ``import sroi``.

Run with ``make bench``. Machines are shared and noisy, so each figure is the median of
several repeats, and the engine is compared in the same run with two references computing
the same present value: a plain-Python loop over outcome-years, and hand-fused numpy (the
floor for an array implementation). Nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import timeit

import numpy as np

import sroi


def make_model(n: int, seed: int = 0) -> sroi.Model:
    rng = np.random.default_rng(seed)
    return sroi.Model.from_dict(
        {
            "name": f"{n} outcomes",
            "inputs": [{"stakeholder": "Funder", "amount": 1_000_000.0}],
            "outcomes": [
                {
                    "stakeholder": f"Group {i % 7}",
                    "outcome": f"Outcome {i}",
                    "quantity": float(rng.integers(1, 500)),
                    "value": float(rng.uniform(50, 20_000)),
                    "duration": 10,
                    "deadweight": float(rng.uniform(0, 0.5)),
                    "displacement": float(rng.uniform(0, 0.3)),
                    "attribution": float(rng.uniform(0, 0.5)),
                    "drop_off": float(rng.uniform(0, 0.3)),
                }
                for i in range(n)
            ],
        }
    )


def plain_python_pv(model: sroi.Model) -> float:
    r = model.discount_rate
    total = 0.0
    for o in model.outcomes:
        first = o.quantity * o.value * (1 - o.deadweight) * (1 - o.displacement)
        first *= 1 - o.attribution
        for t in range(o.start_year, o.start_year + o.duration):
            total += first * (1 - o.drop_off) ** (t - o.start_year) / (1 + r) ** t
    return total


def fused_numpy_pv(cols: dict[str, np.ndarray], r: float) -> float:
    t = np.arange(1, 11)
    first = cols["q"] * cols["v"] * (1 - cols["dw"]) * (1 - cols["dp"]) * (1 - cols["at"])
    return float((first[:, None] * (1 - cols["d"])[:, None] ** (t - 1) * (1 + r) ** -t).sum())


def median_us(stmt, number: int, repeat: int = 7) -> float:
    times = timeit.repeat(stmt, number=number, repeat=repeat)
    return statistics.median(times) / number * 1e6


def import_cost() -> tuple[float, float, bool]:
    """Wall ms of `import sroi` above a bare interpreter, importtime ms, and pint loaded?"""

    def wall(code: str) -> float:
        runs = []
        for _ in range(5):
            start = timeit.default_timer()
            subprocess.run([sys.executable, "-c", code], check=True)
            runs.append(timeit.default_timer() - start)
        return statistics.median(runs) * 1e3

    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import sroi"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    cumulative = [
        int(line.split("|")[1]) for line in out.splitlines() if line.rstrip().endswith("| sroi")
    ]
    pint = subprocess.run(
        [sys.executable, "-c", "import sys, sroi; print('pint' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return wall("import sroi") - wall("pass"), cumulative[-1] / 1e3, pint == "True"


def main() -> None:
    print(f"sroi {sroi.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
    print(
        f"{'outcomes':>9} {'evaluate':>12} {'from dict':>12} {'plain Python':>13} "
        f"{'fused numpy':>12} {'python/ours':>12} {'ours/fused':>11}"
    )
    for n in (10, 1_000):
        model = make_model(n)
        data = model.to_dict()
        cols = {
            "q": np.array([o.quantity for o in model.outcomes]),
            "v": np.array([o.value for o in model.outcomes]),
            "dw": np.array([o.deadweight for o in model.outcomes]),
            "dp": np.array([o.displacement for o in model.outcomes]),
            "at": np.array([o.attribution for o in model.outcomes]),
            "d": np.array([o.drop_off for o in model.outcomes]),
        }
        ours = sroi.evaluate(model).present_value
        assert abs(ours - plain_python_pv(model)) <= 1e-9 * abs(ours)
        assert abs(ours - fused_numpy_pv(cols, model.discount_rate)) <= 1e-9 * abs(ours)
        number = 2_000 if n == 10 else 50
        t_eval = median_us(lambda model=model: sroi.evaluate(model), number)
        t_dict = median_us(lambda data=data: sroi.evaluate(data), number // 2)
        t_py = median_us(lambda model=model: plain_python_pv(model), number // 2)
        t_np = median_us(lambda cols=cols: fused_numpy_pv(cols, 0.035), number)
        print(
            f"{n:>9} {t_eval:>10.1f}us {t_dict:>10.1f}us {t_py:>11.1f}us {t_np:>10.1f}us "
            f"{t_py / t_eval:>11.1f}x {t_eval / t_np:>10.1f}x"
        )
    extra_ms, importtime_ms, pint_loaded = import_cost()
    print(
        f"import sroi: {extra_ms:.0f} ms wall above a bare interpreter; "
        f"-X importtime cumulative for sroi {importtime_ms:.0f} ms; "
        f"pint imported at import: {pint_loaded}"
    )


if __name__ == "__main__":
    main()
