"""The columnar core: arrays in, impact by year and present values out.

The engine sees only numpy arrays (one element per outcome, or per outcome of many
projects), never model objects, files or units, so one engine serves a single model, a
portfolio and Monte Carlo draws alike. There is no Python loop over outcome-years: the
impact of every outcome in every year is one ``(outcomes, years)`` array.

For outcome ``i`` in year ``t`` (``DESIGN.md`` §2)::

    impact[i, t] = q_i * v_i * (1 - dw_i) * (1 - dp_i) * (1 - at_i) * (1 - d_i) ** (t - s_i)

for ``s_i <= t <= s_i + D_i - 1`` and 0 otherwise. Money in year ``t`` is discounted by the
end-of-year factor ``DF(t)``; inputs in year ``t`` likewise (year 0 is not discounted).

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stages 4 and 5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sroi.adjustments import DiscountRate, discount_factors, drop_off_factor
from sroi.adjustments import attribution as attribution_
from sroi.adjustments import deadweight as deadweight_
from sroi.adjustments import displacement as displacement_
from sroi.adjustments._checks import as_whole_years
from sroi.errors import ModelError, Problem

__all__ = [
    "Computation",
    "OutcomeArrays",
    "annuity_factors",
    "compute",
    "first_year_impact",
    "present_value_of_inputs",
]


@dataclass(frozen=True)
class OutcomeArrays:
    """The outcomes of a model as columns, one element per outcome.

    Attributes
    ----------
    quantity : numpy.ndarray
        [count, >= 0]
    value : numpy.ndarray
        Financial proxy [money / unit / year].
    deadweight, displacement, attribution, drop_off : numpy.ndarray
        [fraction, 0-1]
    duration : numpy.ndarray
        [years, whole, >= 1]
    start_year : numpy.ndarray
        [years, whole, >= 1]
    """

    quantity: np.ndarray
    value: np.ndarray
    deadweight: np.ndarray
    displacement: np.ndarray
    attribution: np.ndarray
    drop_off: np.ndarray
    duration: np.ndarray
    start_year: np.ndarray

    @classmethod
    def from_columns(
        cls,
        *,
        quantity: ArrayLike,
        value: ArrayLike,
        duration: ArrayLike,
        deadweight: ArrayLike = 0.0,
        displacement: ArrayLike = 0.0,
        attribution: ArrayLike = 0.0,
        drop_off: ArrayLike = 0.0,
        start_year: ArrayLike = 1,
    ) -> OutcomeArrays:
        """Build (and check) the columns; scalars broadcast to the number of outcomes."""
        q = np.atleast_1d(np.asarray(quantity, dtype=float))
        v = np.atleast_1d(np.asarray(value, dtype=float))
        n = np.broadcast_shapes(q.shape, v.shape)
        problems = []
        if not np.all(np.isfinite(q) & (q >= 0)):
            problems.append(Problem("quantity", "must be finite and >= 0"))
        if not np.all(np.isfinite(v)):
            problems.append(Problem("value", "must be finite"))
        if problems:
            raise ModelError(problems)

        def column(x: ArrayLike) -> np.ndarray:
            return np.broadcast_to(np.asarray(x, dtype=float), n).copy()

        return cls(
            quantity=column(q),
            value=column(v),
            deadweight=column(deadweight),
            displacement=column(displacement),
            attribution=column(attribution),
            drop_off=column(drop_off),
            duration=column(as_whole_years("duration", duration, 1)),
            start_year=column(as_whole_years("start_year", start_year, 1)),
        )

    def __len__(self) -> int:
        return int(self.quantity.shape[0])


@dataclass(frozen=True)
class Computation:
    """Every array the engine produces for one model (read-only by convention).

    Attributes
    ----------
    outcomes : OutcomeArrays
        The outcome columns the computation started from (values resolved).
    years : numpy.ndarray
        ``0 .. horizon`` [years].
    discount_factor : numpy.ndarray
        ``DF(t)`` for each year [fraction].
    gross : numpy.ndarray
        ``quantity * value`` per outcome [money / year].
    after_deadweight, after_displacement, after_attribution : numpy.ndarray
        What remains after each deduction in turn, per outcome, in its first year
        [money / year]. ``after_attribution`` is the outcome's first-year impact.
    impact : numpy.ndarray
        ``(outcomes, years)`` impact after drop-off, undiscounted [money].
    present_value_by_outcome : numpy.ndarray
        [money]
    investment_by_year : numpy.ndarray
        Inputs falling in each year, undiscounted [money].
    investment_present_value : float
        The inputs discounted to year 0 [money].
    """

    outcomes: OutcomeArrays
    years: np.ndarray
    discount_factor: np.ndarray
    gross: np.ndarray
    after_deadweight: np.ndarray
    after_displacement: np.ndarray
    after_attribution: np.ndarray
    impact: np.ndarray
    present_value_by_outcome: np.ndarray
    investment_by_year: np.ndarray
    investment_present_value: float

    @property
    def impact_by_year(self) -> np.ndarray:
        """Total undiscounted impact of each year [money]."""
        return self.impact.sum(axis=0)

    @property
    def present_value_by_year(self) -> np.ndarray:
        """Discounted impact of each year [money]."""
        return self.impact_by_year * self.discount_factor

    @property
    def present_value(self) -> float:
        """Present value of all outcomes [money]."""
        return float(self.present_value_by_outcome.sum())

    @property
    def total_investment(self) -> float:
        """Present value of the inputs [money]."""
        return self.investment_present_value

    @property
    def payback_months(self) -> float | None:
        """The SROI Guide's payback period [months].

        ``total_investment / (annual impact / 12)``, where the annual impact is the
        undiscounted impact of the first year in which any outcome has impact. ``None``
        when that impact is not above zero (the investment is never paid back).
        """
        has_impact = np.flatnonzero(np.any(self.impact != 0, axis=0))
        if has_impact.size == 0:
            return None
        annual = float(self.impact_by_year[has_impact[0]])
        if annual <= 0:
            return None
        return self.total_investment / (annual / 12.0)

    @property
    def discounted_payback_years(self) -> float | None:
        """First time at which cumulative discounted impact reaches the investment [years].

        Linearly interpolated within the year in which it is reached; ``None`` if never.
        """
        target = self.total_investment
        cumulative = np.cumsum(self.present_value_by_year)
        reached = np.flatnonzero(cumulative >= target)
        if reached.size == 0:
            return None
        t = int(reached[0])
        if t == 0:
            return 0.0
        before = float(cumulative[t - 1])
        within = float(cumulative[t]) - before
        return (t - 1) + (target - before) / within


def first_year_impact(
    quantity: np.ndarray,
    value: np.ndarray,
    deadweight: np.ndarray,
    displacement: np.ndarray,
    attribution: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Gross value and what remains after each deduction, in an outcome's first year.

    Arrays broadcast (one row per outcome, or ``(draws, outcomes)``).

    Returns
    -------
    gross, after_deadweight, after_displacement, after_attribution : numpy.ndarray
        [money / year]
    """
    gross = quantity * value
    after_dw = deadweight_(gross, deadweight)
    after_dp = displacement_(after_dw, displacement)
    return gross, after_dw, after_dp, attribution_(after_dp, attribution)


def annuity_factors(
    drop_off: np.ndarray, start_year: np.ndarray, duration: np.ndarray, df: np.ndarray
) -> np.ndarray:
    """Discounted years of impact per unit of first-year impact, for each outcome.

    ``A_i = sum_{k=0}^{D_i - 1} (1 - d_i) ** k * DF(s_i + k)``, so that an outcome's present
    value is its first-year impact times ``A_i``. The sum runs over the years of the longest
    outcome (a loop over years, never over outcomes or draws), so ``drop_off`` may be
    ``(outcomes,)`` or ``(draws, outcomes)``.

    Parameters
    ----------
    drop_off : numpy.ndarray
        [fraction, 0-1]
    start_year, duration : numpy.ndarray of int
        [years]
    df : numpy.ndarray
        Discount factors for years 0 .. horizon [fraction].

    Returns
    -------
    numpy.ndarray
        The shape of ``drop_off`` broadcast with ``start_year`` [years].

    Examples
    --------
    Three years from year 1 with 10 % drop-off at 3.5 %: 1/1.035 + 0.9/1.035^2 + 0.81/1.035^3.

    >>> df = 1.035 ** -np.arange(4.0)
    >>> annuity_factors(np.array([0.1]), np.array([1]), np.array([3]), df).round(6)
    array([2.536917])
    """
    start = np.asarray(start_year, dtype=np.int64)
    dur = np.asarray(duration, dtype=np.int64)
    remaining = 1.0 - np.asarray(drop_off, dtype=float)
    total = np.zeros(np.broadcast_shapes(remaining.shape, start.shape))
    level = np.ones_like(total)
    last = len(df) - 1
    for k in range(int(dur.max(initial=0))):
        live = k < dur
        total += np.where(live, level * df[np.minimum(start + k, last)], 0.0)
        level = level * remaining
    return total


def present_value_of_inputs(amounts: np.ndarray, years: np.ndarray, df: np.ndarray) -> np.ndarray:
    """``sum_j amount_j * DF(year_j)`` over the last axis [money]."""
    return np.sum(np.asarray(amounts, dtype=float) * df[np.asarray(years, dtype=np.int64)], axis=-1)


def compute(
    outcomes: OutcomeArrays,
    input_amounts: ArrayLike,
    input_years: ArrayLike,
    discount_rate: DiscountRate,
) -> Computation:
    """Value every outcome in every year, discount, and set against the inputs.

    Parameters
    ----------
    outcomes : OutcomeArrays
        The outcomes as columns.
    input_amounts : array_like
        The value of each input [money, >= 0].
    input_years : array_like of int
        The year of each input [years, whole, >= 0].
    discount_rate : float, str or sequence of float
        A constant rate [fraction, 0-1], a schedule name or yearly rates.

    Returns
    -------
    Computation

    Examples
    --------
    The hand-worked example: 100 people x £1,000, deadweight 25 %, attribution 10 %,
    drop-off 10 %, three years at 3.5 %, £150,000 invested in year 0.

    >>> arrays = OutcomeArrays.from_columns(quantity=100, value=1_000, duration=3,
    ...     deadweight=0.25, attribution=0.1, drop_off=0.1)
    >>> c = compute(arrays, [150_000], [0], 0.035)
    >>> c.impact_by_year
    array([    0., 67500., 60750., 54675.])
    >>> round(c.present_value, 2), round(c.payback_months, 2)
    (171241.88, 26.67)
    """
    amounts = np.atleast_1d(np.asarray(input_amounts, dtype=float))
    years_in = np.atleast_1d(as_whole_years("inputs.year", input_years, 0)).astype(np.int64)
    start = outcomes.start_year.astype(np.int64)
    end = start + outcomes.duration.astype(np.int64) - 1
    horizon = int(max(end.max(initial=0), years_in.max(initial=0)))
    years = np.arange(horizon + 1)

    gross, after_dw, after_dp, after_at = first_year_impact(
        outcomes.quantity,
        outcomes.value,
        outcomes.deadweight,
        outcomes.displacement,
        outcomes.attribution,
    )

    elapsed = years[None, :] - start[:, None]
    active = (elapsed >= 0) & (years[None, :] <= end[:, None])
    remaining = drop_off_factor(outcomes.drop_off[:, None], np.where(active, elapsed, 0))
    impact = np.where(active, after_at[:, None] * remaining, 0.0)

    df = discount_factors(discount_rate, years)
    investment = np.bincount(years_in, weights=amounts, minlength=horizon + 1)
    return Computation(
        outcomes=outcomes,
        years=years,
        discount_factor=df,
        gross=gross,
        after_deadweight=after_dw,
        after_displacement=after_dp,
        after_attribution=after_at,
        impact=impact,
        present_value_by_outcome=after_at
        * annuity_factors(outcomes.drop_off, start, outcomes.duration, df),
        investment_by_year=investment,
        investment_present_value=float(present_value_of_inputs(amounts, years_in, df)),
    )
