"""Discounting: constant rates, explicit yearly schedules and the Green Book's declining rates.

Money in year ``t`` is worth ``DF(t)`` of money now, with end-of-year discounting::

    DF(t) = prod_{k=1..t} 1 / (1 + r_k),     DF(0) = 1

where ``r_k`` is the rate that applies in year ``k``. A constant rate ``r`` gives
``DF(t) = 1 / (1 + r) ** t``. A schedule is applied year by year, cumulatively: under the
Green Book's declining schedule ``DF(31) = DF(30) / 1.03``, not ``1 / 1.03 ** 31``.

A discount rate may be given as

- a number: one rate for every year [fraction, 0-1], e.g. ``0.035``;
- a name: ``"green_book"`` (3.5 % for years 1-30, 3.0 % for 31-75, 2.5 % for 76-125,
  2.0 % for 126-200, 1.5 % for 201-300, 1.0 % after) or ``"green_book_health"``
  (1.50 %, 1.29 %, 1.07 %, 0.86 %, 0.64 %, 0.43 % over the same bands);
- a sequence of yearly rates ``[r_1, r_2, ..., r_n]``: ``r_k`` applies in year ``k``, and
  the last rate carries on for every year after ``n``.

Note on other tools: Excel's ``NPV(rate, v1, v2, ...)`` discounts its first value by one
period, as here (``v1`` is year 1). ``numpy_financial.npv(rate, values)`` treats
``values[0]`` as year 0, undiscounted, so to reproduce an SROI present value with it pass
a leading 0: ``npf.npv(r, [0, v1, v2, ...])``.

References
----------
.. [1] HM Treasury (2022). *The Green Book: Central Government Guidance on Appraisal and
   Evaluation*, Annex A6 "Discounting" (the declining long-term rates and the lower rate
   for health effects).
.. [2] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stage 5 "Calculating the SROI".
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Union

import numpy as np
from numpy.typing import ArrayLike

from sroi.adjustments._checks import as_numbers, as_whole_years
from sroi.errors import ModelError, Problem
from sroi.parsing import parse_discount_rate
from sroi.vocabulary import DEFAULT_DISCOUNT_RATE, DISCOUNT_SCHEDULES

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "GREEN_BOOK",
    "GREEN_BOOK_HEALTH",
    "SCHEDULES",
    "DiscountRate",
    "discount_factors",
    "present_value",
    "rates_from_bands",
    "yearly_rates",
]

DiscountRate = Union[float, str, Sequence[float]]
"""A constant rate, the name of a schedule, or a sequence of yearly rates."""

GREEN_BOOK: tuple[tuple[int, float], ...] = (
    (1, 0.035),
    (31, 0.030),
    (76, 0.025),
    (126, 0.020),
    (201, 0.015),
    (301, 0.010),
)
"""The Green Book's declining schedule as ``(first year, rate)`` bands."""

GREEN_BOOK_HEALTH: tuple[tuple[int, float], ...] = (
    (1, 0.0150),
    (31, 0.0129),
    (76, 0.0107),
    (126, 0.0086),
    (201, 0.0064),
    (301, 0.0043),
)
"""The Green Book's declining schedule for health effects, as ``(first year, rate)`` bands."""

SCHEDULES = MappingProxyType(
    dict(zip(DISCOUNT_SCHEDULES, (GREEN_BOOK, GREEN_BOOK_HEALTH), strict=True))
)
"""Named discount schedules, by the name used in model files
(:data:`sroi.vocabulary.DISCOUNT_SCHEDULES`)."""


def rates_from_bands(bands: Sequence[tuple[int, float]], horizon: int) -> np.ndarray:
    """Expand ``(first year, rate)`` bands into the rates of years 1..``horizon``.

    Parameters
    ----------
    bands : sequence of (int, float)
        Bands in increasing order of first year; the first must start at year 1. Each rate
        [fraction, 0-1] applies from its first year until the next band starts.
    horizon : int
        The last year wanted [years, >= 0].

    Returns
    -------
    numpy.ndarray
        ``horizon`` rates; element ``k - 1`` is the rate of year ``k`` [fraction].

    Examples
    --------
    >>> rates_from_bands([(1, 0.035), (3, 0.03)], 4)
    array([0.035, 0.035, 0.03 , 0.03 ])
    """
    starts = as_whole_years("discount_rate", [b[0] for b in bands], 0).astype(np.int64)
    rates = np.array([b[1] for b in bands], dtype=float)
    if starts.size == 0 or starts[0] != 1 or np.any(np.diff(starts) <= 0):
        raise ModelError(
            [Problem("discount_rate", "bands must start at year 1, in increasing order", bands)]
        )
    _check_rates("discount_rate", rates)
    years = np.arange(1, horizon + 1)
    return rates[np.searchsorted(starts, years, side="right") - 1]


def yearly_rates(discount_rate: DiscountRate, horizon: int) -> np.ndarray:
    """The discount rate of each year 1..``horizon`` under a rate or schedule.

    Parameters
    ----------
    discount_rate : float, str or sequence of float
        A constant rate [fraction, 0-1], a schedule name (see :data:`SCHEDULES`) or yearly
        rates ``[r_1, ..., r_n]`` whose last rate carries on.
    horizon : int
        The last year wanted [years, >= 0].

    Returns
    -------
    numpy.ndarray
        ``horizon`` rates; element ``k - 1`` is the rate of year ``k`` [fraction].

    Examples
    --------
    >>> yearly_rates(0.035, 3)
    array([0.035, 0.035, 0.035])
    >>> yearly_rates("green_book", 32)[-3:]
    array([0.035, 0.03 , 0.03 ])
    >>> yearly_rates([0.05, 0.04], 4)
    array([0.05, 0.04, 0.04, 0.04])
    """
    if isinstance(discount_rate, str):
        return rates_from_bands(SCHEDULES[parse_discount_rate(discount_rate)], horizon)
    arr = as_numbers("discount_rate", discount_rate)
    if arr.ndim == 0:
        _check_rates("discount_rate", arr)
        return np.full(horizon, float(arr))
    if arr.ndim != 1 or arr.size == 0:
        raise ModelError(
            [Problem("discount_rate", "yearly rates must be a non-empty list", discount_rate)]
        )
    _check_rates("discount_rate", arr)
    if arr.size >= horizon:
        return arr[:horizon].copy()
    return np.concatenate([arr, np.full(horizon - arr.size, arr[-1])])


def discount_factors(discount_rate: DiscountRate, years: ArrayLike) -> np.ndarray:
    """End-of-year discount factors ``DF(t) = prod_{k=1..t} 1 / (1 + r_k)``.

    Parameters
    ----------
    discount_rate : float, str or sequence of float
        A constant rate [fraction, 0-1], a schedule name, or yearly rates.
    years : array_like of int
        Years ``t`` [years, whole, >= 0]; year 0 is now (``DF(0) = 1``).

    Returns
    -------
    numpy.ndarray
        ``DF(t)`` for each year, the shape of ``years`` [fraction].

    Examples
    --------
    At 3.5 %, £1 in three years is worth about 90p now:

    >>> round(float(discount_factors(0.035, 3)), 6)
    0.901943

    The Green Book schedule is cumulative year by year:

    >>> discount_factors("green_book", [30, 31, 75, 100]).round(6)
    array([0.356278, 0.345901, 0.094214, 0.050818])
    """
    t = as_whole_years("years", years, 0).astype(int)
    horizon = int(t.max()) if t.size else 0
    if isinstance(discount_rate, (int, float, np.floating)) and not isinstance(discount_rate, bool):
        _check_rates("discount_rate", np.asarray(discount_rate, dtype=float))
        return (1.0 + float(discount_rate)) ** -t.astype(float)
    rates = yearly_rates(discount_rate, horizon)
    table = np.concatenate([[1.0], np.cumprod(1.0 / (1.0 + rates))])
    return table[t]


def present_value(amounts: ArrayLike, years: ArrayLike, discount_rate: DiscountRate) -> float:
    """Present value of amounts falling at the end of the given years.

    Parameters
    ----------
    amounts : array_like
        Money in each year [money].
    years : array_like of int
        The year of each amount [years, whole, >= 0]; broadcasts against ``amounts``.
    discount_rate : float, str or sequence of float
        A constant rate [fraction, 0-1], a schedule name, or yearly rates.

    Returns
    -------
    float
        ``sum(amounts * DF(years))`` [money].

    Examples
    --------
    Excel's ``NPV(3.5%, 67500, 60750, 54675)`` convention (first value discounted once):

    >>> round(present_value([67_500, 60_750, 54_675], [1, 2, 3], 0.035), 2)
    171241.88
    """
    a = np.asarray(amounts, dtype=float)
    return float(np.sum(a * discount_factors(discount_rate, years)))


def _check_rates(name: str, rates: np.ndarray) -> None:
    if not (np.all(rates >= 0.0) and np.all(rates <= 1.0)):
        bad = rates[~((rates >= 0.0) & (rates <= 1.0))].ravel()[0]
        raise ModelError([Problem(name, "a discount rate must be between 0 and 1", float(bad))])
