"""The columnar core: arrays in, present values and the headline figures out.

The engine sees only numpy arrays (one element per outcome, or per outcome of many draws
or projects), never model objects, files or units, so one engine serves a single model, a
sensitivity run, a portfolio and Monte Carlo draws alike. :func:`compute` is its one entry
point and :func:`headline` the one place where the net present value, the SROI ratio, the
net ratio and the rule that a ratio needs an investment above zero are computed: every
caller (``sroi.evaluate``, sensitivity, scenarios, Monte Carlo, social accounts) reads its
figures from there.

For outcome ``i`` in year ``t``::

    impact[i, t] = q_i * v_i * (1 - dw_i) * (1 - dp_i) * (1 - at_i) * (1 - d_i) ** (t - s_i)

for ``s_i <= t <= s_i + D_i - 1`` and 0 otherwise. Money in year ``t`` is discounted by the
end-of-year factor ``DF(t)``; inputs in year ``t`` likewise (year 0 is not discounted).

An outcome's present value is its first-year impact times its *annuity factor*
``A_i = sum_k (1 - d_i) ** k * DF(s_i + k)`` (:func:`annuity_factors`), so the present value
needs no outcomes x years table. For a small model (up to :data:`EXACT_CELLS` outcome-years)
the factors are summed year by year in one small table, the figures those of a loop over the
years to the bit. Beyond that the rows are taken in blocks, so memory stays bounded, and
where the discount factors are geometric over the years the outcomes touch (a constant rate,
whatever the timing; a schedule whose rate does not change there) ``A_i`` is the closed form
of a geometric series, one power per outcome; otherwise it is summed year by year.
The outcomes x years table (:attr:`Computation.impact`) is built only when a by-year view
or a payback period asks for it.

Batches
-------
Outcome columns may carry leading axes (numpy's broadcasting rule, as in numpy-financial):
``quantity``, ``value``, the deductions and ``drop_off`` may each be ``(outcomes,)`` or
``(draws, outcomes)``, and input amounts ``(inputs,)`` or ``(draws, inputs)``; ``duration``,
``start_year`` and input years are shared by every draw. The present value and the total
investment then come out one per draw. The payback functions likewise take one year table
or a batch of them (``(projects, years)``) and give one payback per row.

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stages 4 and 5.
.. [2] HM Treasury (2022). *The Green Book*, section 6 and Annex A6 (discounting).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from numpy.typing import ArrayLike

from sroi.adjustments import DiscountRate, discount_factors, drop_off_factor, yearly_rates
from sroi.adjustments import additive as additive_
from sroi.adjustments import attribution as attribution_
from sroi.adjustments import deadweight as deadweight_
from sroi.adjustments import displacement as displacement_
from sroi.adjustments._checks import as_fraction, as_numbers, as_whole_years
from sroi.conventions import DEFAULT, DISCOUNT_TIMING, Conventions
from sroi.errors import ModelError, Problem
from sroi.parsing import MAX_YEARS

__all__ = [
    "MAX_HORIZON",
    "Computation",
    "Headline",
    "OutcomeArrays",
    "annuity_factors",
    "compute",
    "cumulative_net_value",
    "deduct",
    "discount_factors_timed",
    "discounted_payback_years",
    "first_year_impact",
    "headline",
    "payback_months",
    "payback_year",
    "year_weights",
]


MAX_HORIZON = 2 * MAX_YEARS - 1
"""The last year the engine evaluates [year]: an outcome may start as late as year
:data:`~sroi.parsing.MAX_YEARS` and last as many years."""

# ------------------------------------------------------------------ headline figures


@dataclass(frozen=True)
class Headline:
    """The headline figures of one evaluation, or of each draw of a batch.

    Build it with :func:`headline`, which checks the investment.

    Attributes
    ----------
    present_value : float or numpy.ndarray
        Present value of the outcomes [money].
    total_investment : float or numpy.ndarray
        Present value of the inputs [money, > 0].
    """

    present_value: float | np.ndarray
    total_investment: float | np.ndarray

    @property
    def npv(self) -> float | np.ndarray:
        """Net present value: ``present_value - total_investment`` [money]."""
        return self.present_value - self.total_investment

    @property
    def ratio(self) -> float | np.ndarray:
        """The SROI ratio: ``present_value / total_investment`` [money per unit invested]."""
        return self.present_value / self.total_investment

    @property
    def net_ratio(self) -> float | np.ndarray:
        """The net SROI ratio: ``npv / total_investment`` [money per unit invested]."""
        return self.npv / self.total_investment


def headline(present_value: float | np.ndarray, total_investment: float | np.ndarray) -> Headline:
    """The headline figures from a present value and an investment.

    A ratio needs a denominator: an investment of 0 (or less, or not a number) is a
    :class:`~sroi.errors.ModelError` located at ``inputs``, never a division warning.

    Parameters
    ----------
    present_value : float or numpy.ndarray
        Present value of the outcomes [money]; one per draw for a batch.
    total_investment : float or numpy.ndarray
        Present value of the inputs [money]; one per draw for a batch.

    Returns
    -------
    Headline

    Examples
    --------
    >>> h = headline(171_241.88, 150_000.0)
    >>> round(h.npv, 2), round(h.ratio, 4), round(h.net_ratio, 4)
    (21241.88, 1.1416, 0.1416)
    >>> headline(1.0, 0.0)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      inputs: the total investment is 0; an SROI ratio needs inputs worth more than 0
    """
    if (
        type(present_value) is float
        and type(total_investment) is float
        and 0 < total_investment < math.inf
        and math.isfinite(present_value)
    ):  # one model whose figures are sound (the usual case): checked without arrays
        ratio = present_value / total_investment
        net_ratio = (present_value - total_investment) / total_investment
        if math.isfinite(ratio) and math.isfinite(net_ratio):
            return Headline(present_value, total_investment)
    invested = np.asarray(total_investment, dtype=float)
    value = np.asarray(present_value, dtype=float)
    batch = invested.ndim > 0 or value.ndim > 0
    draws = np.broadcast_shapes(invested.shape, value.shape)

    def fail(mask: np.ndarray, location: str, one: str, some: str) -> None:
        mask = np.broadcast_to(mask, draws)
        count = int(np.count_nonzero(mask))
        if count:
            total = int(np.size(mask))
            message = some.format(count=f"{count:,} of {total:,} draws") if batch else one
            raise ModelError([Problem(location, message)])

    given = "0" if invested.ndim or not invested else f"{float(invested):g}"
    fail(
        ~(invested > 0),
        "inputs",
        f"the total investment is {given}; an SROI ratio needs inputs worth more than 0",
        "{count} give a total investment of 0 or less; an SROI ratio needs inputs worth more "
        "than 0",
    )
    fail(
        ~np.isfinite(invested),
        "inputs",
        "the total investment is too large to compute (it overflows a float); give amounts in "
        "thousands or millions",
        "{count} give a total investment too large to compute (it overflows a float)",
    )
    fail(
        ~np.isfinite(value),
        "outcomes",
        "the present value is too large to compute (it overflows a float); give values in "
        "thousands or millions",
        "{count} give a present value too large to compute (it overflows a float)",
    )
    with np.errstate(over="ignore"):  # investment is > 0 and figures finite by now
        ratio = value / invested
        net_ratio = (value - invested) / invested
    fail(
        ~(np.isfinite(ratio) & np.isfinite(net_ratio)),
        "inputs",
        "the total investment is too small against the present value for a ratio (it "
        "overflows a float)",
        "{count} give a total investment too small against the present value for a ratio",
    )
    return Headline(present_value, total_investment)


# ------------------------------------------------------------------ payback
#
# Each payback function takes one model's year table (``(years,)``) or a batch of them
# with leading axes (``(projects, years)``: one payback per project). The rules are
# written once, over the batch (the ``_..._batch`` helpers below); one model's year table
# is a batch of one, whose "none" comes back as ``None`` rather than NaN (or -1).


def _first_positive(impact: np.ndarray) -> np.ndarray:
    """Per row, the index of the first element above zero; -1 where there is none."""
    positive = np.asarray(impact) > 0
    return np.where(positive.any(axis=-1), np.argmax(positive, axis=-1), -1)


def payback_year(impact_by_year: np.ndarray) -> int | np.ndarray | None:
    """The year whose impact the SROI Guide's payback formula takes as "annual impact".

    The first year whose total undiscounted impact (benefits less disbenefits) is above
    zero; ``None`` when no year's is.

    Parameters
    ----------
    impact_by_year : numpy.ndarray
        Undiscounted impact of each year ``0 .. horizon`` [money]: ``(years,)`` for one
        model, or with leading axes for a batch (``(projects, years)``).

    Returns
    -------
    int or None, or numpy.ndarray of int
        [year]; for a batch, one per row, -1 where no year's impact is above zero.

    Examples
    --------
    A disbenefit in year 1, benefits from year 2: the formula reads year 2.

    >>> payback_year(np.array([0.0, -100.0, 500.0, 500.0]))
    2
    >>> payback_year(np.array([0.0, -100.0])) is None
    True
    >>> payback_year(np.array([[0.0, -100.0, 500.0], [0.0, -100.0, 0.0]])).tolist()
    [2, -1]
    """
    year = _first_positive(impact_by_year)
    if np.ndim(impact_by_year) > 1:
        return year
    return int(year) if year >= 0 else None


def _payback_months_batch(
    impact_by_year: np.ndarray, total_investment: ArrayLike, pays_back: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """The payback months of every row, and where they are reported (the rest: None)."""
    impact = np.asarray(impact_by_year, dtype=float)
    year = _first_positive(impact)
    at = np.take_along_axis(impact, np.maximum(year, 0)[..., None], axis=-1)[..., 0]
    monthly = at / 12.0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        months = np.asarray(total_investment, dtype=float) / monthly
    # monthly == 0: a subnormal impact, whose months would be infinite.
    shown = (year >= 0) & np.asarray(pays_back, dtype=bool) & (monthly != 0) & np.isfinite(months)
    return months, shown


def payback_months(
    impact_by_year: np.ndarray,
    total_investment: float | np.ndarray,
    *,
    pays_back: bool | np.ndarray = True,
) -> float | np.ndarray | None:
    """The SROI Guide's payback period [months].

    ``total_investment / (annual impact / 12)``, the annual impact being the undiscounted
    impact of :func:`payback_year`. The formula assumes that impact goes on at that rate
    until the investment is recovered, so it is reported only for a model that does pay
    back (``pays_back``: its cumulative discounted net value ends at or above zero, see
    :func:`discounted_payback_years`); ``None`` otherwise, or when no year has a positive
    impact.

    Parameters
    ----------
    impact_by_year : numpy.ndarray
        Undiscounted impact of each year ``0 .. horizon`` [money]: ``(years,)``, or
        ``(projects, years)`` for a batch.
    total_investment : float or numpy.ndarray
        Present value of the inputs [money]; one per row for a batch.
    pays_back : bool or numpy.ndarray of bool, default True
        Whether the model (each row) recovers its investment at all.

    Returns
    -------
    float or None, or numpy.ndarray
        [months]; for a batch, one per row, NaN where one model would give ``None``.

    Examples
    --------
    £150,000 invested; the first year with impact brings £67,500: 150,000 / 5,625 a month.

    >>> round(payback_months(np.array([0.0, 67_500, 60_750]), 150_000), 4)
    26.6667
    >>> payback_months(np.array([0.0, 67_500]), 150_000, pays_back=False) is None
    True
    >>> payback_months(np.array([[0.0, 500.0], [0.0, 0.0]]), np.array([1_000.0, 1_000.0]))
    array([24., nan])
    """
    months, shown = _payback_months_batch(impact_by_year, total_investment, pays_back)
    if np.ndim(impact_by_year) > 1:
        return np.where(shown, months, np.nan)
    return float(months) if shown else None


def cumulative_net_value(
    present_value_by_year: np.ndarray, investment_present_value_by_year: np.ndarray
) -> np.ndarray:
    """The cumulative discounted net value at the end of each year [money].

    ``sum_{k<=t} (PV of impact in year k - PV of inputs in year k)``; its last element is
    the net present value. With leading axes (a batch), each row is summed on its own.

    Examples
    --------
    >>> cumulative_net_value(np.array([0.0, 400, 400]), np.array([1_000.0, 0, 0])).tolist()
    [-1000.0, -600.0, -200.0]
    """
    return np.cumsum(
        np.subtract(present_value_by_year, investment_present_value_by_year, dtype=float),
        axis=-1,
    )


def _discounted_payback_batch(
    present_value_by_year: np.ndarray, investment_present_value_by_year: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The discounted payback of every row, and which rows pay back (the rest: None)."""
    net = cumulative_net_value(present_value_by_year, investment_present_value_by_year)
    last = net.shape[-1] - 1
    pays = ~(net[..., -1] < 0)
    below = net < 0
    # t: the year after the last one below zero (0 when none is), so net[t] >= 0.
    t = np.where(below.any(axis=-1), last - np.argmax(below[..., ::-1], axis=-1) + 1, 0)
    t = np.where(pays, t, 0)  # a row that pays back ends at or above zero: t <= last
    before = np.take_along_axis(net, np.maximum(t - 1, 0)[..., None], axis=-1)[..., 0]
    after = np.take_along_axis(net, t[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        within = (t - 1) + (-before) / (after - before)
    return np.where(t > 0, within, 0.0), pays


def discounted_payback_years(
    present_value_by_year: np.ndarray, investment_present_value_by_year: np.ndarray
) -> float | np.ndarray | None:
    """When the cumulative discounted net value turns non-negative for good [years].

    The cumulative discounted net value at the end of year ``t`` is the present value of
    the impact of years ``0 .. t`` less that of the inputs of years ``0 .. t``. Payback is
    the point after which it stays at or above zero: within the year in which it last
    crosses zero, linearly interpolated (a year's impact taken to accrue evenly through
    it). ``None`` when it ends below zero (the model does not pay back, its NPV is
    negative); 0 when it is never below zero.

    Parameters
    ----------
    present_value_by_year : numpy.ndarray
        Discounted impact of each year ``0 .. horizon`` [money]: ``(years,)``, or
        ``(projects, years)`` for a batch.
    investment_present_value_by_year : numpy.ndarray
        Discounted inputs of each year ``0 .. horizon`` [money], the same shape.

    Returns
    -------
    float or None, or numpy.ndarray
        [years]; for a batch, one per row, NaN where one model would give ``None``.

    Examples
    --------
    £1,000 invested now; £400 of discounted impact in each of years 1 to 3: £800 by the
    end of year 2, and the last £200 half way through year 3.

    >>> discounted_payback_years(np.array([0.0, 400, 400, 400]), np.array([1_000.0, 0, 0, 0]))
    2.5

    A year-1 disbenefit, then benefits: the net value is negative until year 3.

    >>> discounted_payback_years(np.array([0.0, -100, 600, 1_000]), np.array([500.0, 0, 0, 0]))
    2.0
    >>> discounted_payback_years(np.array([0.0, 400, 400]), np.array([1_000.0, 0, 0])) is None
    True

    A batch, one row per project:

    >>> discounted_payback_years(np.array([[0.0, 400, 400, 400], [0.0, 400, 400, 0]]),
    ...                          np.array([[1_000.0, 0, 0, 0], [1_000.0, 0, 0, 0]]))
    array([2.5, nan])
    """
    years, pays = _discounted_payback_batch(present_value_by_year, investment_present_value_by_year)
    if np.ndim(years) > 0:
        return np.where(pays, years, np.nan)
    return float(years) if pays else None


# ------------------------------------------------------------------ discounting


def discount_factors_timed(
    discount_rate: DiscountRate, years: ArrayLike, timing: str = "end_of_year"
) -> np.ndarray:
    """Discount factors for money falling at the end, middle or start of each year.

    ``end_of_year``: ``DF(t)``; ``start_of_year``: ``DF(t - 1)``; ``mid_year``:
    ``DF(t - 1) / (1 + r_t) ** 0.5`` (half a year at that year's rate, so a schedule is
    still applied year by year). Year 0 is never discounted.

    Parameters
    ----------
    discount_rate : float, str or sequence of float
        A constant rate [fraction, 0-1], a schedule name, or yearly rates.
    years : array_like of int
        [years, whole, >= 0]
    timing : {"end_of_year", "mid_year", "start_of_year"}

    Returns
    -------
    numpy.ndarray
        [fraction]

    Examples
    --------
    >>> discount_factors_timed(0.035, [0, 1, 2], "mid_year").round(6)
    array([1.      , 0.982946, 0.949706])
    >>> discount_factors_timed(0.035, [0, 1, 2], "start_of_year").round(6)
    array([1.      , 1.      , 0.966184])
    """
    if timing not in DISCOUNT_TIMING:
        raise ModelError(
            [
                Problem(
                    "conventions.discount_timing",
                    "must be one of " + ", ".join(map(repr, DISCOUNT_TIMING)),
                    timing,
                )
            ]
        )
    t = as_whole_years("years", years, 0).astype(np.int64)
    if timing == "end_of_year":
        return discount_factors(discount_rate, t)
    horizon = int(t.max(initial=0))
    end = discount_factors(discount_rate, np.arange(horizon + 1))
    if timing == "start_of_year":
        table = np.concatenate([[1.0], end[:-1]])
    else:
        table = np.concatenate(
            [[1.0], end[:-1] / np.sqrt(1.0 + yearly_rates(discount_rate, horizon))]
        )
    return table[t]


# ------------------------------------------------------------------ outcome columns


@dataclass(frozen=True)
class OutcomeArrays:
    """The outcomes of a model as columns, one element per outcome.

    Columns other than ``duration`` and ``start_year`` may carry a leading batch axis
    (``(draws, outcomes)``).

    Attributes
    ----------
    quantity : numpy.ndarray
        [count, >= 0]
    value : numpy.ndarray
        Financial proxy [money / unit / year].
    deadweight, displacement, attribution, drop_off : numpy.ndarray
        [fraction, 0-1]
    duration : numpy.ndarray
        [years, > 0; whole unless the conventions allow part years]
    start_year : numpy.ndarray
        [years, whole, >= 1]
    leakage : numpy.ndarray, optional
        [fraction, 0-1]; ``None`` is no leakage.
    drop_off_from_first_year : numpy.ndarray of bool, optional
        Per outcome, whether its first year already carries a year's drop-off; ``None``
        follows the conventions' ``drop_off_from``.
    profiles : mapping of str to numpy.ndarray, optional
        Year-by-year values of ``quantity``, ``value`` (a proxy that is a series over
        calendar years), ``deadweight``, ``displacement``, ``attribution`` or ``leakage``:
        an ``(outcomes, years)`` array whose column ``k`` is
        the outcome's ``k``-th year (columns past an outcome's last year are ignored). An
        outcome's row holds its own column value in every year when it has no profile.
    """

    quantity: np.ndarray
    value: np.ndarray
    deadweight: np.ndarray
    displacement: np.ndarray
    attribution: np.ndarray
    drop_off: np.ndarray
    duration: np.ndarray
    start_year: np.ndarray
    leakage: np.ndarray | None = None
    drop_off_from_first_year: np.ndarray | None = None
    profiles: Mapping[str, np.ndarray] | None = None

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
        leakage: ArrayLike | None = None,
        drop_off_from_first_year: ArrayLike | None = None,
        profiles: Mapping[str, ArrayLike] | None = None,
    ) -> OutcomeArrays:
        """Build (and check) the columns; scalars broadcast to the number of outcomes.

        Examples
        --------
        >>> arrays = OutcomeArrays.from_columns(quantity=[10, 20], value=100, duration=2)
        >>> len(arrays), arrays.value.tolist(), arrays.start_year.tolist()
        (2, [100.0, 100.0], [1.0, 1.0])
        >>> OutcomeArrays.from_columns(quantity=-1, value=100, duration=2)
        Traceback (most recent call last):
        ...
        sroi.errors.ModelError: 1 problem in the model:
          quantity: must be finite and >= 0
        """
        q = np.atleast_1d(np.asarray(quantity, dtype=float))
        v = np.atleast_1d(np.asarray(value, dtype=float))
        given = (duration, deadweight, displacement, attribution, drop_off, start_year, leakage)
        n = np.broadcast_shapes(q.shape, v.shape, *(np.shape(x) for x in given if np.ndim(x)))
        problems = []
        if not np.all(np.isfinite(q) & (q >= 0)):
            problems.append(Problem("quantity", "must be finite and >= 0"))
        if not np.all(np.isfinite(v)):
            problems.append(Problem("value", "must be finite"))
        if problems:
            raise ModelError(problems)

        def column(x: ArrayLike) -> np.ndarray:
            return np.broadcast_to(np.asarray(x, dtype=float), n).copy()

        durations = as_numbers("duration", duration)
        if not np.all(np.isfinite(durations) & (durations > 0)):
            raise ModelError([Problem("duration", "must be a number of years above 0")])
        return cls(
            quantity=column(q),
            value=column(v),
            deadweight=column(deadweight),
            displacement=column(displacement),
            attribution=column(attribution),
            drop_off=column(drop_off),
            duration=column(durations),
            start_year=column(as_whole_years("start_year", start_year, 1)),
            leakage=None if leakage is None else column(leakage),
            drop_off_from_first_year=None
            if drop_off_from_first_year is None
            else np.broadcast_to(np.asarray(drop_off_from_first_year, dtype=bool), n).copy(),
            profiles=None
            if not profiles
            else {name: _profile(name, table, n[-1]) for name, table in profiles.items()},
        )

    def __len__(self) -> int:
        """The number of outcomes [count]."""
        return int(self.duration.shape[-1])


PROFILED = ("quantity", "value", "deadweight", "displacement", "attribution", "leakage")
"""The outcome figures that may be given year by year (:attr:`OutcomeArrays.profiles`)."""


def _profile(name: str, table: ArrayLike, outcomes: int) -> np.ndarray:
    if name not in PROFILED:
        raise ModelError(
            [Problem(f"profiles.{name}", "may be given for " + ", ".join(PROFILED), name)]
        )
    values = np.atleast_2d(as_numbers(f"profiles.{name}", table))
    if values.ndim != 2 or values.shape[0] != outcomes:
        raise ModelError(
            [Problem(f"profiles.{name}", f"must have one row per outcome ({outcomes})")]
        )
    if name == "quantity":
        if not np.all(np.isfinite(values) & (values >= 0)):
            raise ModelError([Problem("profiles.quantity", "must be finite and >= 0")])
    elif name == "value":
        if not np.all(np.isfinite(values)):
            raise ModelError([Problem("profiles.value", "must be finite")])
    else:
        as_fraction(name, values)
    return values


def deduct(
    gross: np.ndarray,
    deadweight: np.ndarray,
    displacement: np.ndarray,
    attribution: np.ndarray,
    leakage: np.ndarray | None = None,
    *,
    additive: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What remains of a gross value after each deduction in turn.

    Multiplicative (the default): each deduction is taken from what the one before left.
    Additive: after each step, the gross value times ``max(0, 1 - the shares so far)``.

    Returns
    -------
    after_deadweight, after_displacement, after_attribution, after_leakage : numpy.ndarray
        [money / year]

    Examples
    --------
    >>> [float(x) for x in deduct(100_000.0, 0.25, 0.0, 0.1, 0.2)]
    [75000.0, 75000.0, 67500.0, 54000.0]
    >>> [float(x) for x in deduct(100_000.0, 0.25, 0.0, 0.1, 0.2, additive=True)]
    [75000.0, 75000.0, 65000.0, 45000.0]
    """
    if not additive:
        # each step as sroi.adjustments computes it (value * (1 - rate)), the rates checked
        # in the same order, with the same errors
        after_dw = np.asarray(gross, dtype=float) * (1.0 - _fractions("deadweight", deadweight))
        after_dp = after_dw * (1.0 - _fractions("displacement", displacement))
        after_at = after_dp * (1.0 - _fractions("attribution", attribution))
        after_lk = after_at
        if leakage is not None:
            after_lk = after_at * (1.0 - _fractions("leakage", leakage))
        return after_dw, after_dp, after_at, after_lk
    shares = [("deadweight", deadweight), ("displacement", displacement)]
    shares += [("attribution", attribution), ("leakage", 0.0 if leakage is None else leakage)]
    return tuple(additive_(gross, *shares[: k + 1]) for k in range(4))  # type: ignore[return-value]


def year_weights(duration: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The number of years an outcome touches, and the share of its last year counted.

    A whole duration counts every year in full; a duration of 2.5 touches 3 years and
    counts half of the third.

    Examples
    --------
    >>> years, last = year_weights(np.array([3.0, 2.5]))
    >>> years.tolist(), last.tolist()
    ([3, 3], [1.0, 0.5])
    """
    duration = np.asarray(duration, dtype=float)
    years = np.ceil(duration).astype(np.int64)
    return years, duration - (years - 1)


def _touched_years(duration: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`year_weights`, the share None when every duration is whole (the usual case,
    found in one pass rather than computed)."""
    duration = np.asarray(duration)
    if duration.dtype.kind in "iu":
        return duration.astype(np.int64, copy=False), None
    with np.errstate(invalid="ignore"):  # not a number: year_weights says so below
        whole = duration.astype(np.int64)
    if np.array_equal(whole, duration):
        return whole, None
    touched, share = year_weights(duration)
    return touched, (share if np.any(share != 1) else None)


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

    Examples
    --------
    100 people x £1,000, deadweight 25 %, no displacement, attribution 10 %:
    100,000 -> 75,000 -> 75,000 -> 67,500.

    >>> [float(x[0]) for x in first_year_impact(np.array([100.0]), np.array([1_000.0]),
    ...     np.array([0.25]), np.array([0.0]), np.array([0.1]))]
    [100000.0, 75000.0, 75000.0, 67500.0]
    """
    gross = quantity * value
    after_dw = deadweight_(gross, deadweight)
    after_dp = displacement_(after_dw, displacement)
    return gross, after_dw, after_dp, attribution_(after_dp, attribution)


def annuity_factors(
    drop_off: np.ndarray,
    start_year: np.ndarray,
    duration: np.ndarray,
    df: np.ndarray,
    *,
    drop_off_from_first_year: np.ndarray | None = None,
    last_year_share: np.ndarray | None = None,
) -> np.ndarray:
    """Discounted years of impact per unit of first-year impact, for each outcome.

    ``A_i = sum_{k=0}^{D_i - 1} (1 - d_i) ** k * DF(s_i + k)``, so that an outcome's present
    value is its first-year impact times ``A_i``. ``drop_off`` may be ``(outcomes,)`` or
    ``(draws, outcomes)``.

    Up to :data:`EXACT_CELLS` outcome-years the sum is taken year by year in one table (the
    figures of a loop over the years, to the bit). Beyond that the rows are taken in blocks
    of :data:`BLOCK` elements, so that the temporaries stay small whatever the number of
    rows, and where the discount factors are geometric over the years the outcomes touch
    (``DF(t + 1) = v * DF(t)``: a constant rate, whatever the timing, or a schedule whose
    rate does not change within them, such as the Green Book's 3.5 % up to year 30) the
    sum is the closed form of a geometric series, ``DF(s_i) * (1 - x ** D_i) / (1 - x)``
    with ``x = (1 - d_i) * v`` (by ``expm1`` where ``x`` is near 1, so that it stays exact
    to rounding); otherwise it is summed year by year (a loop over the years of the longest
    outcome, never over outcomes).

    Parameters
    ----------
    drop_off : numpy.ndarray
        [fraction, 0-1]
    start_year, duration : numpy.ndarray of int
        [years]
    df : numpy.ndarray
        Discount factors for years 0 .. horizon [fraction]; ``horizon`` must reach the last
        year of the longest outcome.
    drop_off_from_first_year : numpy.ndarray of bool, optional
        Outcomes whose first year already carries one year's drop-off
        (``(1 - d) ** (k + 1)``).
    last_year_share : numpy.ndarray, optional
        The share of its last year each outcome counts (``duration`` is then the number
        of years it touches) [fraction, 0-1].

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

    Year by year when the rate changes, here from 3.5 % to 3 % in year 2:
    1/1.035 + 0.9/(1.035 x 1.03) + 0.81/(1.035 x 1.03^2).

    >>> df = np.cumprod([1.0, 1 / 1.035, 1 / 1.03, 1 / 1.03])
    >>> annuity_factors(np.array([0.1]), np.array([1]), np.array([3]), df).round(6)
    array([2.548105])
    """
    start = np.asarray(start_year, dtype=np.int64)
    dur = np.asarray(duration, dtype=np.int64)
    df = np.asarray(df, dtype=float)
    return _annuity(
        _fractions("drop_off", drop_off),
        start,
        dur,
        df,
        drop_off_from_first_year,
        last_year_share,
        lambda first_year, last_year: _geometric_log_ratio(df, first_year, last_year),
    )


def _fractions(name: str, values: ArrayLike) -> np.ndarray:
    """:func:`~sroi.adjustments._checks.as_fraction`, with a quick path for a float array
    already within [0, 1] (two reductions); anything else gets the full check and its error."""
    plain = isinstance(values, np.ndarray) and values.dtype == np.float64
    if plain and (
        values.size == 0
        or (
            np.minimum.reduce(values, axis=None) >= 0.0
            and np.maximum.reduce(values, axis=None) <= 1.0
        )
    ):
        return values
    return as_fraction(name, values)


def _annuity(
    d: np.ndarray,
    start: np.ndarray,
    dur: np.ndarray,
    df: np.ndarray,
    drop_off_from_first_year: np.ndarray | None,
    last_year_share: np.ndarray | None,
    geometric: Callable[[int, int], float | None],
) -> np.ndarray:
    """:func:`annuity_factors` of checked columns; ``geometric(first_year, last_year)`` gives
    ``log v`` when the discount factors are geometric over those years, else None."""
    shape = np.broadcast_shapes(d.shape, start.shape, dur.shape)
    total = np.zeros(shape)
    if total.size == 0:
        return total
    begins, lasts = np.broadcast_arrays(start, dur)
    if lasts.min() <= 0:  # outcomes of no years count for nothing
        begins, lasts = begins[lasts > 0], lasts[lasts > 0]
        if lasts.size == 0:
            return total
    if total.size * int(lasts.max()) <= EXACT_CELLS:  # small: every year, as summed by hand
        return _annuity_table(d, start, dur, drop_off_from_first_year, last_year_share, df)
    first_year = int(begins.min())
    last_year = int((begins + lasts).max()) - 1
    log_ratio = geometric(first_year, last_year)
    columns = [d, start, dur, drop_off_from_first_year, last_year_share]
    if total.size <= BLOCK:  # one block: the columns broadcast among themselves
        blocks: list[tuple] = [()]
    else:
        columns = [None if c is None else np.broadcast_to(c, shape) for c in columns]
        lead = int(np.prod(shape[:-1], dtype=np.int64))
        step = max(1, BLOCK // max(lead, 1))
        blocks = [(..., slice(j, j + step)) for j in range(0, shape[-1], step)]
    for block in blocks:
        parts = [None if c is None else c[block] for c in columns]
        if log_ratio is None:
            total[block] = _annuity_by_year(*parts, df)
        else:
            total[block] = _annuity_geometric(*parts, df, log_ratio)
    return total


BLOCK = 1 << 15
"""Elements of an outcome column the engine takes at a time [count]: a block's temporaries
(256 KiB each) stay in the processor's cache, and memory stays bounded."""

EXACT_CELLS = 1 << 16
"""Up to this many outcome-years [count] the annuity factors are summed year by year in one
table (:func:`_annuity_table`: the same figures, to the bit, as a loop over the years);
beyond it, in blocks, in closed form where the discount factors are geometric."""


def _annuity_table(
    d: np.ndarray,
    start: np.ndarray,
    dur: np.ndarray,
    first: np.ndarray | None,
    share: np.ndarray | None,
    df: np.ndarray,
) -> np.ndarray:
    """The annuity factors summed year by year, all years at once: a table of
    ``(..., years of the longest outcome)``, each year's level the one before times
    ``1 - d`` (a running product) and the years added in order (a running sum), so the
    figures are those of :func:`_annuity_by_year`'s loop, to the bit."""
    width = int(np.max(dur))
    k = np.arange(width)
    remaining = np.broadcast_to(1.0 - d, np.broadcast_shapes(d.shape, start.shape, dur.shape))
    steps = np.repeat(remaining[..., None], width, axis=-1)
    steps[..., 0] = 1.0 if first is None else np.where(first, remaining, 1.0)
    level = np.cumprod(steps, axis=-1)
    live = k < dur[..., None]
    terms = level * df[np.where(live, start[..., None] + k, 0)]
    if share is not None:
        terms = np.where(k == (dur - 1)[..., None], terms * share[..., None], terms)
    terms = np.where(live, terms, 0.0)
    return np.cumsum(terms, axis=-1)[..., -1]


_GEOMETRIC_TOLERANCE = 1e-13
"""How far from geometric a run of discount factors may be (relative, for each year) and
still be summed in closed form [fraction]: rounding of a constant rate's factors is ~1e-16."""


def _geometric_log_ratio(df: np.ndarray, first_year: int, last_year: int) -> float | None:
    """``log v`` when ``DF(t) = DF(first_year) * v ** (t - first_year)`` for every year up to
    ``last_year`` (to :data:`_GEOMETRIC_TOLERANCE`); None when the factors are not geometric."""
    if last_year <= first_year:
        return 0.0  # one year per outcome: the ratio is never used
    run = df[first_year : last_year + 1]
    if not (np.all(run > 0) and np.all(np.isfinite(run))):
        return None
    log_ratio = float(np.log(run[-1] / run[0])) / (last_year - first_year)
    fitted = run[0] * np.exp(log_ratio * np.arange(run.size))
    if np.max(np.abs(run / fitted - 1.0)) > _GEOMETRIC_TOLERANCE:
        return None
    return log_ratio


_NEAR_ONE = 1e-3
"""Within this of 1, ``(1 - x ** n) / (1 - x)`` would lose digits (about ``1e-16 / (1 - x)``
relative) and the series is summed by ``expm1`` instead."""


def _annuity_geometric(
    d: np.ndarray,
    start: np.ndarray,
    dur: np.ndarray,
    first: np.ndarray | None,
    share: np.ndarray | None,
    df: np.ndarray,
    log_ratio: float,
) -> np.ndarray:
    """The annuity factors of one block, discount factors geometric (ratio ``exp(log_ratio)``).

    ``DF(s) * (sum_{k<n} x^k + share * x^n)`` with ``x = (1 - d) v`` and ``n`` the years
    before the last: ``(1 - x^n) / (1 - x)``, one power per outcome; where ``x`` is within
    :data:`_NEAR_ONE` of 1, ``expm1(n L) / expm1(L)`` with ``L = log1p(-d) + log v``.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        n = dur - 1.0  # the years before the last one (-1 for an outcome of no years)
        x = (1.0 - d) * math.exp(log_ratio)
        x_n = x**n  # the last year's weight (0 ** 0 = 1: a drop-off of 100 %, one year)
        body = 1.0 - x_n
        body /= 1.0 - x
        near = x > 1.0 - _NEAR_ONE
        if near.any():
            body = np.where(near, _near_one_series(d, n, log_ratio), body)
        body += x_n if share is None else x_n * share
        body *= df.take(start, mode="clip")  # DF(s); past the table only for no years
        if first is not None:
            body = np.where(first, body * (1.0 - d), body)
        if np.min(dur, initial=1) > 0:
            return body
        return np.where(dur > 0, body, 0.0)


def _near_one_series(d: np.ndarray, n: np.ndarray, log_ratio: float) -> np.ndarray:
    """``sum_{k<n} x^k`` accurate for ``x`` near 1: ``expm1(n L) / expm1(L)`` (``n`` at
    ``L = 0``); meaningless, and not used, far from 1."""
    log_x = np.log1p(-d) + log_ratio
    years = np.maximum(n, 0.0)
    series = np.expm1(years * log_x) / np.expm1(log_x)
    return np.where(log_x == 0.0, years, np.where(years > 0, series, 0.0))


def _annuity_by_year(
    d: np.ndarray,
    start: np.ndarray,
    dur: np.ndarray,
    first: np.ndarray | None,
    share: np.ndarray | None,
    df: np.ndarray,
) -> np.ndarray:
    """The annuity factors of one block, summed year by year (any discount factors)."""
    remaining = 1.0 - d
    total = np.zeros(np.broadcast_shapes(remaining.shape, start.shape, dur.shape))
    level = np.ones_like(total)
    if first is not None:
        level = np.where(first, remaining, level)
    for k in range(int(dur.max(initial=0))):
        live = k < dur
        term = level * df[np.where(live, start + k, 0)]
        if share is not None:
            term = np.where(k == dur - 1, term * share, term)
        total += np.where(live, term, 0.0)
        level = level * remaining
    return total


# ------------------------------------------------------------------ the computation


@dataclass(frozen=True)
class Computation:
    """Every figure the engine produces for one model, or for each draw of a batch.

    The present values and headline figures are computed when the computation is made;
    the outcomes x years table and what depends on it (by-year figures, payback) only when
    first asked for (they need a model without a batch axis).

    Attributes
    ----------
    outcomes : OutcomeArrays
        The outcome columns the computation started from (values resolved).
    input_amounts : numpy.ndarray
        The value of each input, undiscounted [money].
    input_years : numpy.ndarray of int
        The year of each input [years].
    years : numpy.ndarray
        ``0 .. horizon`` [years].
    discount_factor : numpy.ndarray
        ``DF(t)`` for each year [fraction].
    gross : numpy.ndarray
        ``quantity * value`` per outcome [money / year].
    after_deadweight, after_displacement, after_attribution : numpy.ndarray
        What remains after each deduction in turn, per outcome, in its first year
        [money / year]. ``after_attribution`` is the outcome's first-year impact.
    present_value_by_outcome : numpy.ndarray
        [money]
    present_value_by_input : numpy.ndarray
        Each input discounted to year 0 [money].
    figures : Headline
        Present value, total investment, NPV and ratios (:func:`headline`).
    after_leakage : numpy.ndarray
        The first-year impact after every deduction, leakage included [money / year].
    conventions : Conventions
        The conventions the figures follow.
    yearly_impact : numpy.ndarray or None
        With year-by-year profiles, ``(outcomes, years of the longest outcome)`` impact
        before drop-off [money / year]; ``None`` otherwise.
    """

    outcomes: OutcomeArrays
    input_amounts: np.ndarray
    input_years: np.ndarray
    years: np.ndarray
    discount_factor: np.ndarray
    gross: np.ndarray
    after_deadweight: np.ndarray
    after_displacement: np.ndarray
    after_attribution: np.ndarray
    present_value_by_outcome: np.ndarray
    present_value_by_input: np.ndarray
    figures: Headline
    after_leakage: np.ndarray | None = None
    conventions: Conventions = DEFAULT
    yearly_impact: np.ndarray | None = None

    # headline figures, read from ``figures``

    @property
    def present_value(self) -> float | np.ndarray:
        """Present value of all outcomes [money]."""
        return self.figures.present_value

    @property
    def total_investment(self) -> float | np.ndarray:
        """Present value of the inputs [money]."""
        return self.figures.total_investment

    @property
    def npv(self) -> float | np.ndarray:
        """``present_value - total_investment`` [money]."""
        return self.figures.npv

    @property
    def ratio(self) -> float | np.ndarray:
        """``present_value / total_investment`` [money per unit invested]."""
        return self.figures.ratio

    @property
    def net_ratio(self) -> float | np.ndarray:
        """``npv / total_investment`` [money per unit invested]."""
        return self.figures.net_ratio

    # the year table, built on first use

    @cached_property
    def impact(self) -> np.ndarray:
        """``(outcomes, years)`` impact after drop-off, undiscounted [money]."""
        o = self.outcomes
        if np.ndim(self.after_attribution) != 1 or np.ndim(o.drop_off) != 1:
            raise ModelError(
                [Problem("", "the year table is built for one model, not for a batch of draws")]
            )
        touched, share = year_weights(o.duration)
        # years since each outcome's first, as floats (whole numbers, exact)
        elapsed = self.years.astype(float)[None, :] - o.start_year.astype(float)[:, None]
        active = (elapsed >= 0) & (elapsed < touched[:, None])
        since = np.where(active, elapsed, 0.0)
        first = _first_year_drop_off(o, self.conventions)
        dropped = since if first is None else since + first[:, None]
        # drop_off_factor's (1 - d) ** years, the drop-off checked when it was computed
        remaining = (1.0 - _fractions("drop_off", o.drop_off))[:, None] ** dropped
        if self.yearly_impact is not None:
            column = since.astype(np.int64)
            level = np.take_along_axis(self.yearly_impact, column, axis=1) * remaining
        else:
            after = self.after_attribution if self.after_leakage is None else self.after_leakage
            level = after[:, None] * remaining
        if np.any(share != 1):
            level = np.where(elapsed == (touched - 1)[:, None], level * share[:, None], level)
        return np.where(active, level, 0.0)

    @property
    def impact_by_year(self) -> np.ndarray:
        """Total undiscounted impact of each year [money]."""
        return self.impact.sum(axis=0)

    @property
    def present_value_by_year(self) -> np.ndarray:
        """Discounted impact of each year [money]."""
        return self.impact_by_year * self.discount_factor

    @property
    def investment_by_year(self) -> np.ndarray:
        """Inputs falling in each year, undiscounted [money]."""
        return np.bincount(self.input_years, weights=self.input_amounts, minlength=self.years.size)

    @property
    def investment_present_value_by_year(self) -> np.ndarray:
        """Inputs falling in each year, discounted [money]."""
        return self.investment_by_year * self.discount_factor

    @property
    def cumulative_net_value_by_year(self) -> np.ndarray:
        """Cumulative discounted impact less cumulative discounted inputs, at the end of
        each year [money] (:func:`cumulative_net_value`)."""
        return cumulative_net_value(
            self.present_value_by_year, self.investment_present_value_by_year
        )

    @cached_property
    def discounted_payback_years(self) -> float | None:
        """When the cumulative discounted net value turns non-negative for good [years]
        (:func:`discounted_payback_years`); ``None`` if the model does not pay back."""
        return discounted_payback_years(
            self.present_value_by_year, self.investment_present_value_by_year
        )

    @property
    def payback_year(self) -> int | None:
        """The year whose impact the payback formula uses (:func:`payback_year`)."""
        return payback_year(self.impact_by_year)

    @property
    def payback_months(self) -> float | None:
        """The SROI Guide's payback period [months] (:func:`payback_months`); ``None``
        when the model does not pay back."""
        return payback_months(
            self.impact_by_year,
            self.total_investment,
            pays_back=self.discounted_payback_years is not None,
        )


def _first_year_drop_off(outcomes: OutcomeArrays, conventions: Conventions) -> np.ndarray | None:
    """Per outcome, whether its first year carries a year's drop-off; None when none does."""
    if outcomes.drop_off_from_first_year is not None:
        flags = np.asarray(outcomes.drop_off_from_first_year, dtype=bool)
    elif conventions.drop_off_from != "first_year":
        return None
    else:
        flags = np.full(len(outcomes), True)
    return flags if flags.any() else None


def _grid(outcomes: OutcomeArrays, touched: np.ndarray, additive: bool) -> tuple[np.ndarray, ...]:
    """Year-by-year impact before drop-off when some figures have profiles.

    Returns the gross value and what remains after each deduction, each ``(outcomes,
    years of the longest outcome)``, with a leading batch axis when figures are drawn
    (a profile is fixed: the same for every draw).
    """
    o = outcomes
    width = int(touched.max(initial=1))

    def table(name: str) -> np.ndarray | None:
        column = getattr(o, name)
        profile = (o.profiles or {}).get(name)
        if profile is not None:
            if profile.shape[1] < width:
                raise ModelError(
                    [
                        Problem(
                            f"profiles.{name}",
                            f"gives {profile.shape[1]} years; the longest outcome lasts {width}",
                        )
                    ]
                )
            return profile[:, :width]
        if column is None:
            return None
        return np.asarray(column)[..., None]

    gross = table("quantity") * table("value")
    steps = deduct(
        gross,
        table("deadweight"),
        table("displacement"),
        table("attribution"),
        table("leakage"),
        additive=additive,
    )
    shape = np.broadcast_shapes(*(np.shape(x) for x in (gross, *steps)), (len(o), width))
    return tuple(np.broadcast_to(x, shape) for x in (gross, *steps))


def _check_finite(figures: np.ndarray, table: str, what: str) -> None:
    """A located ModelError for rows whose present value overflowed (inf or NaN)."""
    bad = ~np.isfinite(figures)
    if not bad.any():
        return
    rows = np.flatnonzero(np.any(bad, axis=tuple(range(bad.ndim - 1))))
    raise ModelError(
        [
            Problem(
                f"{table}[{i}]",
                f"{what} is too large to compute (it overflows a float); give amounts in "
                "thousands or millions",
            )
            for i in rows[:20]
        ]
    )


def compute(
    outcomes: OutcomeArrays,
    input_amounts: ArrayLike,
    input_years: ArrayLike,
    discount_rate: DiscountRate,
    *,
    conventions: Conventions | Mapping[str, object] | None = None,
    check: bool = True,
) -> Computation:
    """Value every outcome, discount, and set against the inputs: the one entry point.

    Parameters
    ----------
    outcomes : OutcomeArrays
        The outcomes as columns (optionally with a leading batch axis, see the module
        docstring).
    input_amounts : array_like
        The value of each input [money, >= 0]: ``(inputs,)`` or ``(draws, inputs)``.
    input_years : array_like of int
        The year of each input [years, whole, >= 0].
    discount_rate : float, str or sequence of float
        A constant rate [fraction, 0-1], a schedule name or yearly rates.
    conventions : Conventions or mapping, optional
        The computation conventions (:mod:`sroi.conventions`); default the method's own.
    check : bool, default True
        Check the headline figures (:func:`headline`). A caller that computes a batch in
        chunks passes ``False`` and checks all of its draws with :func:`headline` at the
        end, so that an error counts every draw.

    Returns
    -------
    Computation

    Raises
    ------
    ModelError
        If the total investment is not above 0 (for any draw).

    Examples
    --------
    The hand-worked example: 100 people x £1,000, deadweight 25 %, attribution 10 %,
    drop-off 10 %, three years at 3.5 %, £150,000 invested in year 0.

    >>> arrays = OutcomeArrays.from_columns(quantity=100, value=1_000, duration=3,
    ...     deadweight=0.25, attribution=0.1, drop_off=0.1)
    >>> c = compute(arrays, [150_000], [0], 0.035)
    >>> c.impact_by_year
    array([    0., 67500., 60750., 54675.])
    >>> round(c.present_value, 2), round(c.ratio, 4), round(c.payback_months, 2)
    (171241.88, 1.1416, 26.67)

    Two draws of deadweight at once (a batch): the present value is proportional to
    ``1 - deadweight``.

    >>> draws = OutcomeArrays(**{**arrays.__dict__, "deadweight": np.array([[0.25], [0.5]])})
    >>> compute(draws, [150_000], [0], 0.035).present_value.round(2)
    array([171241.88, 114161.25])
    """
    conv = Conventions.parse(conventions)
    amounts = np.asarray(input_amounts, dtype=float)
    if amounts.ndim == 0:
        amounts = amounts[None]
    years_in = np.atleast_1d(as_whole_years("inputs.year", input_years, 0)).astype(np.int64)
    start = outcomes.start_year.astype(np.int64)
    touched, share = _touched_years(outcomes.duration)
    partial = share is not None
    if partial and conv.partial_years == "error":
        raise ModelError(
            [
                Problem(
                    f"outcomes[{i}].duration",
                    "must be a whole number of years; for a part year at the end, set the "
                    "convention partial_years: pro_rata",
                    float(np.ravel(outcomes.duration)[i]),
                )
                for i in np.flatnonzero(np.ravel(share != 1))[:20]
            ]
        )
    end = start + touched - 1
    horizon = int(max(end.max(initial=0), years_in.max(initial=0)))
    if horizon > MAX_HORIZON:
        raise ModelError(
            [
                Problem(
                    "outcomes" if end.max(initial=0) > MAX_HORIZON else "inputs.year",
                    f"reaches year {horizon:,}; sroi evaluates up to year {MAX_HORIZON:,}",
                )
            ]
        )
    years = np.arange(horizon + 1)
    df, geometric = _discounting(discount_rate, horizon, conv.discount_timing, conv.valuation_year)
    first = _first_year_drop_off(outcomes, conv)
    additive = conv.deductions == "additive"

    # Overflow is checked, and reported with its location, once the figures are made.
    with np.errstate(over="ignore", invalid="ignore"):
        yearly = None
        if outcomes.profiles:
            grid = _grid(outcomes, touched, additive)
            gross, after_dw, after_dp, after_at, after_lk = (g[..., 0] for g in grid)
            yearly = grid[-1]
            whole = np.ones(touched.shape) if share is None else share
            pv_by_outcome = _grid_present_values(yearly, outcomes, touched, whole, first, df)
        elif len(outcomes) > BLOCK and not additive and _one_row_each(outcomes):
            gross, after_dw, after_dp, after_at, after_lk, pv_by_outcome = _in_blocks(
                outcomes, start, touched, share, first, df, geometric, int(end.max())
            )
        else:
            gross = outcomes.quantity * outcomes.value
            after_dw, after_dp, after_at, after_lk = deduct(
                gross,
                outcomes.deadweight,
                outcomes.displacement,
                outcomes.attribution,
                outcomes.leakage,
                additive=additive,
            )
            pv_by_outcome = after_lk * _annuity(
                _fractions("drop_off", outcomes.drop_off),
                start,
                touched,
                df,
                first,
                share,
                geometric,
            )
        pv_by_input = amounts * df[years_in]
        _check_finite(pv_by_outcome, "outcomes", "quantity x value over the outcome's years")
        _check_finite(pv_by_input, "inputs", "the amount")
        present_value = np.sum(pv_by_outcome, axis=-1)
        investment = np.sum(pv_by_input, axis=-1)
    make = headline if check else Headline
    if np.ndim(present_value) == 0 and np.ndim(investment) == 0:
        figures = make(float(present_value), float(investment))
    else:
        batch = np.broadcast_shapes(np.shape(present_value), np.shape(investment))
        figures = make(np.broadcast_to(present_value, batch), np.broadcast_to(investment, batch))
    return Computation(
        outcomes=outcomes,
        input_amounts=amounts,
        input_years=years_in,
        years=years,
        discount_factor=df,
        gross=gross,
        after_deadweight=after_dw,
        after_displacement=after_dp,
        after_attribution=after_at,
        present_value_by_outcome=pv_by_outcome,
        present_value_by_input=pv_by_input,
        figures=figures,
        after_leakage=after_lk,
        conventions=conv,
        yearly_impact=yearly,
    )


def _one_row_each(outcomes: OutcomeArrays) -> bool:
    """Whether every column is a float array of one element per outcome (no batch axis)."""
    n = len(outcomes)
    columns = (
        outcomes.quantity,
        outcomes.value,
        outcomes.deadweight,
        outcomes.displacement,
        outcomes.attribution,
        outcomes.drop_off,
        *(() if outcomes.leakage is None else (outcomes.leakage,)),
    )
    return all(
        isinstance(c, np.ndarray) and c.shape == (n,) and c.dtype == np.float64 for c in columns
    )


def _in_blocks(
    outcomes: OutcomeArrays,
    start: np.ndarray,
    touched: np.ndarray,
    share: np.ndarray | None,
    first: np.ndarray | None,
    df: np.ndarray,
    geometric: Callable[[int, int], float | None],
    last_year: int,
    block: int = BLOCK,
) -> tuple[np.ndarray, ...]:
    """:func:`deduct` (multiplicative) and the present values of many outcomes, taken in
    blocks of ``block`` rows: each column is read once and each result written once, the
    temporaries of a block staying in cache. The rates are checked block by block; a rate
    outside [0, 1] (or not a number) gets :func:`deduct`'s error, the whole columns checked
    in its order. ``last_year`` is the last year any outcome touches [year].

    Returns
    -------
    gross, after_deadweight, after_displacement, after_attribution, after_leakage,
    present_value : numpy.ndarray
        As :func:`compute` makes them (``after_leakage`` is ``after_attribution`` when there
        is no leakage).
    """
    o = outcomes
    named = [("deadweight", o.deadweight), ("displacement", o.displacement)]
    named += [("attribution", o.attribution), ("leakage", o.leakage), ("drop_off", o.drop_off)]
    rates = [x for _, x in named if x is not None]
    leakage = o.leakage
    n = len(o)
    gross, after_dw, after_dp, after_at, pv = (np.empty(n) for _ in range(5))
    after_lk = after_at if leakage is None else np.empty(n)
    if touched.min(initial=1) > 0:
        log_ratio = geometric(int(start.min()), last_year)
    else:
        begins, lasts = start[touched > 0], touched[touched > 0]
        last = int((begins + lasts).max()) - 1 if lasts.size else 0
        log_ratio = geometric(int(begins.min()), last) if lasts.size else 0.0
    for j in range(0, n, block):
        b = slice(j, j + block)
        if not all(
            np.minimum.reduce(x[b]) >= 0.0 and np.maximum.reduce(x[b]) <= 1.0 for x in rates
        ):  # a rate outside [0, 1]: the whole columns checked in order, for deduct's error
            for name, x in named:
                if x is not None:
                    _fractions(name, x)
        np.multiply(o.quantity[b], o.value[b], out=gross[b])
        np.multiply(gross[b], 1.0 - o.deadweight[b], out=after_dw[b])
        np.multiply(after_dw[b], 1.0 - o.displacement[b], out=after_dp[b])
        np.multiply(after_dp[b], 1.0 - o.attribution[b], out=after_at[b])
        if leakage is not None:
            np.multiply(after_at[b], 1.0 - leakage[b], out=after_lk[b])
        parts = (
            o.drop_off[b],
            start[b],
            touched[b],
            None if first is None else first[b],
            None if share is None else share[b],
            df,
        )
        if log_ratio is None:
            annuity = _annuity_by_year(*parts)
        else:
            annuity = _annuity_geometric(*parts, log_ratio)
        np.multiply(after_lk[b], annuity, out=pv[b])
    return gross, after_dw, after_dp, after_at, after_lk, pv


def _discount_table(
    discount_rate: DiscountRate, horizon: int, timing: str, valuation_year: int
) -> np.ndarray:
    """``DF(t)`` for years ``0 .. horizon`` under the timing, valued at ``valuation_year``."""
    df = discount_factors_timed(discount_rate, np.arange(horizon + 1), timing)
    if valuation_year:
        df = df / discount_factors(discount_rate, valuation_year)
    return df


@lru_cache(maxsize=256)
def _cached_table(
    kind: str, discount_rate: DiscountRate, horizon: int, timing: str, valuation_year: int
) -> np.ndarray:
    """:func:`_discount_table`, kept (read-only) for the next call with the same arguments;
    ``kind`` (the rate's type) keeps a rate of 1 apart from 1.0 in the cache."""
    df = _discount_table(discount_rate, horizon, timing, valuation_year)
    df.flags.writeable = False
    return df


@lru_cache(maxsize=1024)
def _cached_geometric(
    kind: str,
    discount_rate: DiscountRate,
    horizon: int,
    timing: str,
    valuation_year: int,
    first_year: int,
    last_year: int,
) -> float | None:
    """:func:`_geometric_log_ratio` of a kept table, kept too."""
    df = _cached_table(kind, discount_rate, horizon, timing, valuation_year)
    return _geometric_log_ratio(df, first_year, last_year)


def _discounting(
    discount_rate: DiscountRate, horizon: int, timing: str, valuation_year: int
) -> tuple[np.ndarray, Callable[[int, int], float | None]]:
    """The discount factors of years ``0 .. horizon`` (the caller's own copy), and the
    function telling whether they are geometric over a run of years (see :func:`_annuity`).

    Both are kept between calls for a rate that is a plain number, a schedule name or a
    tuple of numbers (a model's rate), as every evaluation of a model asks for the same.
    """
    kind = type(discount_rate)
    hashable = kind in (float, int, str) or (
        kind is tuple and all(type(r) is float for r in discount_rate)
    )
    if not hashable:
        df = _discount_table(discount_rate, horizon, timing, valuation_year)
        return df, lambda first, last: _geometric_log_ratio(df, first, last)
    key = (kind.__name__, discount_rate, horizon, timing, valuation_year)
    df = _cached_table(*key).copy()
    return df, lambda first, last: _cached_geometric(*key, first, last)


def _grid_present_values(
    yearly: np.ndarray,
    outcomes: OutcomeArrays,
    touched: np.ndarray,
    share: np.ndarray,
    first: np.ndarray | None,
    df: np.ndarray,
) -> np.ndarray:
    """``sum_k yearly[i, k] * (1 - d_i) ** (k [+ 1]) * share * DF(s_i + k)`` [money]."""
    width = yearly.shape[-1]
    k = np.arange(width)[None, :]
    live = k < touched[:, None]
    since = k + (0 if first is None else first[:, None])
    level = drop_off_factor(np.asarray(outcomes.drop_off)[..., None], since)
    weight = np.where(k == (touched - 1)[:, None], share[:, None], 1.0)
    when = np.where(live, outcomes.start_year.astype(np.int64)[:, None] + k, 0)
    return np.sum(np.where(live, yearly * level * weight * df[when], 0.0), axis=-1)
