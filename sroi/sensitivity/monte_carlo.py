"""Monte Carlo simulation: draws of the present value, NPV and ratio from uncertain figures.

Every figure written as a distribution (see :mod:`sroi.distributions`) is drawn
independently; everything else stays as in the model. The draws are vectorised: each chunk
of draws is a ``(draws, outcomes)`` array pushed through the same engine functions as
:func:`sroi.evaluate` (no Python loop per draw, nor per outcome), and chunks bound the
memory so that a million draws of a large model run in a fixed amount of it.

Reproducible: the same ``seed`` gives the same draws, whatever the chunk size and however
the draws are split across machines (:func:`sroi.distributed.simulate_dask`). The draws are
defined in blocks of :data:`BLOCK_DRAWS`; block ``b`` draws uncertain figure ``j`` from the
stream ``SeedSequence(seed).spawn(blocks)[b].spawn(figures)[j]``
(``numpy.random.SeedSequence.spawn``), which depends on nothing but the seed, the block and
the figure. With only zero-width distributions every draw equals the deterministic result
exactly.

Limits: a simulation keeps every draw's figures (about 16 bytes a draw, plus as much again
while the figures are checked), so ``n`` is at most :data:`MAX_DRAWS` (10 million draws,
a few hundred megabytes) unless ``max_draws`` is raised; and at most
:data:`MAX_CHUNK_CELLS` draw-outcome cells are computed at once, whatever ``chunk_size``
asks, so a large model takes longer, never more memory.

References
----------
.. [1] HM Treasury (2022). *The Green Book*, Annex A5 (Monte Carlo analysis).
.. [2] NumPy. "Parallel random number generation" (``SeedSequence.spawn``),
   https://numpy.org/doc/stable/reference/random/parallel.html
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.conventions import Conventions
from sroi.engine import Headline, OutcomeArrays, compute, headline
from sroi.errors import ModelError, Problem, SROIWarning
from sroi.result import Result
from sroi.sensitivity._base import Base, argument_error, problem, real_number

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["BLOCK_DRAWS", "MAX_CHUNK_CELLS", "MAX_DRAWS", "Simulation", "simulate"]

_CELLS_PER_CHUNK = 250_000
"""Draws x outcomes held at once by default (about 2 MB per array)."""

MAX_CHUNK_CELLS = 10_000_000
"""The most draws x outcomes computed at once, whatever ``chunk_size`` asks (80 MB per
array); a larger ``chunk_size`` is reduced to fit, which gives the same draws."""

MAX_DRAWS = 10_000_000
"""The default limit on the number of draws of :func:`simulate` (``max_draws``): the draws'
figures take about 16 bytes each, and twice that while they are checked."""


@dataclass(frozen=True)
class Simulation:
    """The draws of a Monte Carlo simulation and their summary.

    Attributes
    ----------
    base : Result
        The deterministic result (central values).
    figures : Headline
        The engine's figures, one per draw: present value and total investment [money],
        NPV and ratios.
    seed : int or None
        The seed given.
    uncertain : tuple of str
        The locations of the figures drawn (``outcomes[0].deadweight`` ...).
    """

    base: Result
    figures: Headline = field(repr=False)
    seed: int | None
    uncertain: tuple[str, ...]

    @property
    def n(self) -> int:
        """The number of draws."""
        return int(self.present_value.size)

    @property
    def present_value(self) -> np.ndarray:
        """Present value of each draw [money]."""
        return self.figures.present_value

    @property
    def total_investment(self) -> np.ndarray:
        """Total investment (present value) of each draw [money]."""
        return self.figures.total_investment

    @property
    def npv(self) -> np.ndarray:
        """NPV of each draw [money]."""
        return self.figures.npv

    @property
    def ratio(self) -> np.ndarray:
        """SROI ratio of each draw [money per unit invested]."""
        return self.figures.ratio

    @property
    def draws(self) -> pd.DataFrame:
        """One row per draw: ``present_value``, ``total_investment``, ``npv``, ``ratio``."""
        import pandas as pd

        return pd.DataFrame(
            {
                "present_value": self.present_value,
                "total_investment": self.total_investment,
                "npv": self.npv,
                "ratio": self.ratio,
            }
        )

    def probability_ratio_above(self, threshold: float = 1.0) -> float:
        """Share of draws whose ratio is above ``threshold`` [fraction].

        Raises
        ------
        ModelError
            If ``threshold`` is not a finite number.
        """
        x = real_number("probability_ratio_above", "threshold", threshold)
        return float(np.mean(self.ratio > x))

    def summary(self) -> pd.DataFrame:
        """Mean, standard deviation, standard error of the mean, 5th percentile, median and
        95th percentile of the present value, investment, NPV and ratio.

        Every entry is a finite number: where draws near the largest float would make a
        statistic overflow on the way (a mean of two draws of 1e308), it is computed on the
        draws scaled down, and scaled back.

        Raises
        ------
        ModelError
            In the one case where a statistic itself is beyond a float's range (a standard
            deviation of draws spread across nearly the whole range of floats).
        """
        import pandas as pd

        rows = {name: _statistics(getattr(self, name)) for name in _FIGURES}
        for name, row in rows.items():
            for statistic, value in row.items():
                if not math.isfinite(value):
                    raise ModelError(
                        [
                            Problem(
                                f"summary.{name}.{statistic}",
                                "is beyond a float's range: the draws are spread across "
                                "nearly all of it",
                            )
                        ],
                        title="the simulation's summary",
                    )
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_dict(self) -> dict[str, Any]:
        """The summary, P(ratio > 1) and the settings, as JSON-ready data.

        Every number is finite (see :meth:`summary`); ``seed`` is written as text when it
        is an integer too long for other tools to read as a number.
        """
        seed = self.seed
        if seed is not None and abs(int(seed)) >= 2**53:
            seed = str(int(seed))
        return {
            "draws": self.n,
            "seed": seed,
            "uncertain_figures": list(self.uncertain),
            "probability_ratio_above_1": self.probability_ratio_above(1.0),
            "summary": {k: dict(v) for k, v in self.summary().to_dict("index").items()},
        }

    def __repr__(self) -> str:
        ratio = self.ratio
        p5, p95 = np.percentile(ratio, [5, 95])
        return (
            f"<Simulation {self.base.model.name!r}: {self.n:,} draws; ratio median "
            f"{np.median(ratio):.2f} (90 % interval {p5:.2f} to {p95:.2f}); "
            f"P(ratio > 1) = {self.probability_ratio_above():.1%}>"
        )

    def uncertain_names(self) -> list[str]:
        """Each uncertain figure in words: ``deadweight of "Get a job" (Young people)``."""
        model = self.base.model
        names = []
        for location in self.uncertain:
            head, figure = location.split(".")
            table, index = head.rstrip("]").split("[")
            field_name = figure.replace("_", "-")
            if table == "outcomes":
                o = model.outcomes[int(index)]
                names.append(f'{field_name} of "{o.outcome}" ({o.stakeholder})')
            else:
                i = model.inputs[int(index)]
                what = f'"{i.description}" ({i.stakeholder})' if i.description else i.stakeholder
                names.append(f"{field_name} of the input from {what}")
        return names

    def _repr_html_(self) -> str:
        """A compact table for notebooks: the settings, the spread of the present value,
        NPV and ratio, and P(ratio > 1)."""
        import html

        from sroi.formatting import money, percent

        cur = self.base.currency
        uncertain = self.uncertain_names()
        settings = [
            ("Draws", f"{self.n:,}"),
            ("Seed", "none (fresh draws each run)" if self.seed is None else str(self.seed)),
            (
                "Uncertain",
                "; ".join(uncertain) if uncertain else "nothing: every draw is the central result",
            ),
        ]
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in settings
        )
        pad = "padding:0.1em 0.6em"
        heads = ("", "mean", "5th percentile", "median", "95th percentile")
        head = "".join(f"<th style='text-align:right;{pad}'>{html.escape(h)}</th>" for h in heads)
        body = ""
        for name, label in (
            ("present_value", "Present value"),
            ("npv", "Net present value"),
            ("ratio", "SROI ratio"),
        ):
            stats = _statistics(getattr(self, name))
            show = (lambda x: f"{x:.2f}") if name == "ratio" else (lambda x: money(x, cur, 0))
            cells = "".join(
                f"<td style='text-align:right;{pad}'>{html.escape(show(stats[k]))}</td>"
                for k in ("mean", "p5", "median", "p95")
            )
            body += f"<tr><th style='text-align:left;{pad}'>{label}</th>{cells}</tr>"
        above = html.escape(percent(self.probability_ratio_above(1.0)))
        title = html.escape(f"Monte Carlo simulation: {self.base.model.name}")
        return (
            f"<div class='sroi-simulation'><h4>{title}</h4><table>{rows}</table>"
            f"<table style='margin-top:0.6em'><tr>{head}</tr>{body}</table>"
            f"<p>P(ratio &gt; 1) = <b>{above}</b>: the share of draws returning more than "
            f"was invested (the central estimate is {self.base.ratio:.2f}).</p></div>"
        )


_FIGURES = ("present_value", "total_investment", "npv", "ratio")


def _statistics(x: np.ndarray) -> dict[str, float]:
    """The summary statistics of one figure's draws (scaled down if they overflow)."""
    with np.errstate(over="ignore", invalid="ignore"):
        p5, p50, p95 = np.percentile(x, [5, 50, 95])
        sd = float(np.std(x, ddof=1)) if x.size > 1 else 0.0
        out = {
            "mean": float(np.mean(x)),
            "std": sd,
            "standard_error": sd / math.sqrt(x.size),
            "p5": float(p5),
            "median": float(p50),
            "p95": float(p95),
        }
    if all(math.isfinite(v) for v in out.values()):
        return out
    scale = float(np.max(np.abs(x)))
    scaled = _statistics(x / scale) if scale and math.isfinite(scale) else out
    with np.errstate(over="ignore"):
        return {k: float(np.float64(v) * scale) for k, v in scaled.items()}


def _check_count(
    name: str,
    value: Any,
    minimum: int = 1,
    maximum: int | None = None,
    why: str = "",
    caller: str = "simulate",
) -> int:
    allowed = f"a whole number >= {minimum:,}" + (
        f" and <= {maximum:,}" if maximum is not None else ""
    )
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise argument_error(
            caller,
            [problem(name, f"must be {allowed}, not {type(value).__name__}", value, allowed)],
        )
    if value < minimum or (maximum is not None and value > maximum):
        raise argument_error(caller, [problem(name, f"must be {allowed}{why}", value, allowed)])
    return int(value)


BLOCK_DRAWS = 65_536
"""Draws per block [draws]. The draws are defined block by block: draw ``k`` is in block
``k // BLOCK_DRAWS``, and each block draws each uncertain figure from its own stream, so the
draws do not depend on how they are split into chunks, tasks or workers."""


@dataclass(frozen=True)
class _Draws:
    """Everything needed to compute any run of whole blocks of draws, on any machine.

    ``plan`` has one entry per uncertain figure: the engine's column it replaces
    (``"amount"`` for an input's amount), the outcome's or input's position and the figure.
    ``entropy`` is the seed's (fixed once, so that a run without a seed is still one set of
    draws when its blocks are computed in several places).
    """

    arrays: OutcomeArrays
    amounts: np.ndarray
    input_years: np.ndarray
    discount_rate: Any
    conventions: Conventions
    plan: tuple[tuple[str, int, Any], ...]
    value_scale: np.ndarray
    restate: float
    entropy: int
    n: int
    chunk_size: int

    @property
    def blocks(self) -> int:
        """The number of blocks the ``n`` draws take [blocks]."""
        return -(-self.n // BLOCK_DRAWS)

    def streams(self, block: int) -> list[np.random.Generator]:
        """Block ``block``'s streams, one per uncertain figure: ``SeedSequence(seed)
        .spawn(blocks)[block].spawn(len(plan))[j]`` for figure ``j`` [2]_."""
        return [
            np.random.default_rng(np.random.SeedSequence(self.entropy, spawn_key=(block, j)))
            for j in range(len(self.plan))
        ]

    def chunks(self, first: int = 0, stop: int | None = None) -> range:
        """The starts of the chunks of draws of blocks ``first`` to ``stop - 1``."""
        lo = first * BLOCK_DRAWS
        hi = self.n if stop is None else min(self.n, stop * BLOCK_DRAWS)
        return range(lo, hi, self.chunk_size)

    def compute(
        self, first: int = 0, stop: int | None = None, chunks: Iterable[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The present value and total investment [money] of the draws of blocks ``first``
        to ``stop - 1`` (every block by default), a chunk at a time (``chunks``: the starts
        of :meth:`chunks`, possibly wrapped in a progress bar)."""
        steps = self.chunks(first, stop)
        lo0 = steps.start
        hi = steps.stop
        pv_out = np.empty(hi - lo0)
        inv_out = np.empty(hi - lo0)
        arrays, amounts = self.arrays, self.amounts
        n_outcomes = len(arrays)
        block, streams = -1, []
        for lo in steps if chunks is None else chunks:
            b = min(self.chunk_size, hi - lo)
            pieces: list[tuple[list[np.random.Generator], int]] = []
            at = lo
            while at < lo + b:  # the blocks this chunk takes draws from, in order
                if at // BLOCK_DRAWS != block:
                    block = at // BLOCK_DRAWS
                    streams = self.streams(block)
                end = min(lo + b, (block + 1) * BLOCK_DRAWS)
                pieces.append((streams, end - at))
                at = end
            columns: dict[str, np.ndarray] = {}
            chunk_amounts: np.ndarray = amounts
            for j, (name, index, figure) in enumerate(self.plan):
                draw = figure.distribution.sample
                parts = [draw(rngs[j], count) for rngs, count in pieces]
                sample = parts[0] if len(parts) == 1 else np.concatenate(parts)
                if name == "amount":
                    if chunk_amounts is amounts:
                        chunk_amounts = np.broadcast_to(amounts, (b, amounts.size)).copy()
                    chunk_amounts[:, index] = sample * self.restate
                    continue
                if name not in columns:
                    columns[name] = np.broadcast_to(getattr(arrays, name), (b, n_outcomes)).copy()
                columns[name][:, index] = (
                    sample * self.value_scale[index] if name == "value" else sample
                )
            drawn = compute(
                replace(arrays, **columns),
                chunk_amounts,
                self.input_years,
                self.discount_rate,
                conventions=self.conventions,
                check=False,
            )
            pv_out[lo - lo0 : lo - lo0 + b] = np.broadcast_to(drawn.present_value, (b,))
            inv_out[lo - lo0 : lo - lo0 + b] = np.broadcast_to(drawn.total_investment, (b,))
        return pv_out, inv_out


def _prepare(
    caller: str,
    model: Any,
    n: Any,
    seed: Any,
    chunk_size: Any,
    max_draws: Any,
    evaluate_kwargs: Mapping[str, Any],
) -> tuple[Result, _Draws, int | None, tuple[str, ...]]:
    """Check the arguments, evaluate the model once and plan the draws."""
    limit = _check_count("max_draws", max_draws, caller=caller)
    n = _check_count(
        "n",
        n,
        maximum=limit,
        why=" (every draw is kept; raise max_draws for more, or run with several seeds)",
        caller=caller,
    )
    if seed is not None:
        seed = _check_count("seed", seed, minimum=0, caller=caller)
    if chunk_size is not None:
        chunk_size = _check_count("chunk_size", chunk_size, caller=caller)
    base = Base.of(model, _caller=caller, **evaluate_kwargs)
    m, result = base.model, base.result
    arrays = base.arrays
    n_outcomes = len(arrays)
    if chunk_size is None:
        chunk_size = max(1, min(n, _CELLS_PER_CHUNK // max(n_outcomes, 1)))
    chunk_size = max(1, min(chunk_size, n, MAX_CHUNK_CELLS // max(n_outcomes, 1)))
    uncertain = m.uncertainties
    plan: list[tuple[str, int, Any]] = []
    for location, figure in uncertain:
        head, name = location.split(".")
        field_name, index = head.split("[")
        plan.append((name if field_name == "outcomes" else "amount", int(index[:-1]), figure))
    entropy = np.random.SeedSequence(seed).entropy
    draws = _Draws(
        arrays=arrays,
        amounts=base.input_amounts,
        input_years=base.input_years,
        discount_rate=base.discount_rate,
        conventions=result.computation.conventions,
        plan=tuple(plan),
        value_scale=np.array([v.price_index for v in result.valuations], dtype=float),
        restate=result.price_index,
        entropy=int(entropy),  # type: ignore[arg-type]
        n=n,
        chunk_size=chunk_size,
    )
    return result, draws, seed, tuple(location for location, _ in uncertain)


def _finish(
    result: Result,
    draws: _Draws,
    pv: np.ndarray,
    inv: np.ndarray,
    seed: int | None,
    uncertain: tuple[str, ...],
    stacklevel: int,
) -> Simulation:
    """The simulation of the draws' figures, with a warning when nothing was uncertain
    (no distribution; or draws all the same, of more than one draw or of distributions of
    zero width)."""
    zero_width = all(np.subtract(*figure.distribution.support) == 0 for _, _, figure in draws.plan)
    same = bool(np.all(pv == pv[0]) and np.all(inv == inv[0]))
    if not uncertain or (same and (pv.size > 1 or zero_width)):
        why = (
            "no figure of the model is a distribution"
            if not uncertain
            else "every distribution of the model has zero width"
        )
        warnings.warn(
            SROIWarning(
                f"nothing is uncertain in the simulation of {result.model.name!r}: {why}, so "
                "every draw is the central result and P(ratio > 1) is 0 or 100 % trivially; "
                "write the uncertain figures as distributions (see sroi.distributions)"
            ),
            stacklevel=stacklevel + 1,
        )
    return Simulation(base=result, figures=headline(pv, inv), seed=seed, uncertain=uncertain)


def simulate(
    model: Any,
    n: int = 10_000,
    *,
    seed: int | None = None,
    chunk_size: int | None = None,
    progress: bool | None = None,
    max_draws: int = MAX_DRAWS,
    **evaluate_kwargs: Any,
) -> Simulation:
    """Draw the present value, NPV and ratio ``n`` times from the model's distributions.

    Parameters
    ----------
    model : Model, mapping or path
        A model whose uncertain figures are written as distributions.
    n : int, default 10,000
        Number of draws, from 1 to ``max_draws``.
    seed : int, optional
        Seed for reproducible draws: a whole number >= 0.
    chunk_size : int, optional
        Draws computed at once; default enough to keep 250,000 draw-outcome cells in
        memory at a time, and never more than :data:`MAX_CHUNK_CELLS` (a larger value is
        reduced to fit; the draws are the same whatever the chunk size).
    progress : bool, optional
        Show a progress bar (tqdm). Default: only when stderr is a terminal and the run
        takes more than one chunk. ``False`` keeps it silent.
    max_draws : int, default :data:`MAX_DRAWS` (10 million)
        The most draws allowed, since every draw's figures are kept (about 16 bytes a
        draw, twice that while they are checked). Raise it for a larger run on a machine
        with the memory.
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate` (``discount_rate``, ``proxies``, ``price_year`` ...).

    Returns
    -------
    Simulation

    Warns
    -----
    SROIWarning
        When nothing in the model is uncertain (no figure is a distribution, or every
        distribution has zero width): every draw is then the central result, and
        P(ratio > 1) is 0 or 100 % trivially, not a measure of confidence.

    Raises
    ------
    ModelError
        For a model that is not valid; for an argument that is not (located at it: ``n``,
        ``seed``, ``chunk_size``); and when some draws give figures that cannot be
        computed (an investment of 0, a present value beyond float range), counting them.

    See Also
    --------
    sroi.distributed.simulate_dask : the same draws, split across the workers of Dask.

    Examples
    --------
    Deadweight between 10 % and 40 % (triangular, mode 25 %) on the hand-worked model:

    >>> import sroi
    >>> m = {"name": "x", "inputs": [{"stakeholder": "a", "amount": 150_000}],
    ...      "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 100,
    ...                    "value": 1_000, "duration": 3, "attribution": 0.1, "drop_off": 0.1,
    ...                    "deadweight": {"distribution": "triangular", "low": 0.1,
    ...                                   "mode": 0.25, "high": 0.4}}]}
    >>> sim = sroi.sensitivity.simulate(m, 20_000, seed=1)
    >>> round(sim.base.ratio, 4), round(float(sim.ratio.mean()), 2)
    (1.1416, 1.14)
    >>> 0.9 < sim.probability_ratio_above(1.0) < 1.0
    True
    """
    if progress is not None and not isinstance(progress, bool):
        raise argument_error(
            "simulate",
            [problem("progress", "must be True, False or None", progress, "True, False or None")],
        )
    result, draws, seed, uncertain = _prepare(
        "simulate", model, n, seed, chunk_size, max_draws, evaluate_kwargs
    )
    chunks: Iterable[int] = draws.chunks()
    show = progress if progress is not None else (sys.stderr.isatty() and len(chunks) > 1)
    if show:
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, total=len(chunks), unit="chunk", desc="simulate", leave=False)
    pv, inv = draws.compute(chunks=chunks)
    return _finish(result, draws, pv, inv, seed, uncertain, stacklevel=2)
