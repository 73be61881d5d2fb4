"""Drop-off: the decline of an outcome over the years it lasts.

The SROI Guide deducts a fixed percentage from the remaining level of the outcome at the
end of each year. The outcome's first year carries the full impact, so in its year ``k``
(``k = 0`` for the first year) what remains is ``(1 - drop_off) ** k``.

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stage 4 "Establishing impact": drop-off.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sroi.adjustments._checks import as_fraction, as_whole_years

__all__ = ["drop_off", "drop_off_factor"]


def drop_off_factor(rate: ArrayLike, years_since_start: ArrayLike) -> np.ndarray:
    """Share of an outcome remaining ``years_since_start`` years after its first year.

    Parameters
    ----------
    rate : array_like
        Drop-off per year [fraction, 0-1].
    years_since_start : array_like
        Whole years since the outcome's first year [years, >= 0]; 0 is the first year.

    Returns
    -------
    numpy.ndarray
        ``(1 - rate) ** years_since_start`` [fraction, 0-1].

    Examples
    --------
    10 % drop-off over a three-year outcome: 100 % in its first year, 90 % then 81 %.

    >>> drop_off_factor(0.1, [0, 1, 2])
    array([1.  , 0.9 , 0.81])
    """
    r = as_fraction("drop_off", rate)
    k = as_whole_years("years_since_start", years_since_start, 0)
    return (1.0 - r) ** k


def drop_off(value: ArrayLike, rate: ArrayLike, years_since_start: ArrayLike) -> np.ndarray:
    """Apply drop-off to an outcome's first-year impact.

    Parameters
    ----------
    value : array_like
        Impact in the outcome's first year, after the deductions [money / year].
    rate : array_like
        Drop-off per year [fraction, 0-1].
    years_since_start : array_like
        Whole years since the outcome's first year [years, >= 0].

    Returns
    -------
    numpy.ndarray
        ``value * (1 - rate) ** years_since_start`` [money / year].

    Examples
    --------
    >>> drop_off(67_500, 0.1, [0, 1, 2])
    array([67500., 60750., 54675.])
    """
    return np.asarray(value, dtype=float) * drop_off_factor(rate, years_since_start)
