"""Deadweight, displacement and attribution: the SROI Guide's three deductions.

Each deduction removes a share of what remains, so they chain multiplicatively::

    impact = value * (1 - deadweight) * (1 - displacement) * (1 - attribution)

Each function takes a value (or an array of values) and a rate (or an array of rates that
broadcasts against it) and returns what remains after the deduction. A rate of 0 changes
nothing; a rate of 1 leaves nothing.

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stage 4 "Establishing impact".
.. [2] Homes and Communities Agency (2014). *Additionality Guide*, 4th edition
   (deadweight, displacement and leakage).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sroi.adjustments._checks import as_fraction

__all__ = ["attribution", "deadweight", "displacement"]


def deadweight(value: ArrayLike, rate: ArrayLike) -> np.ndarray:
    """Remove deadweight: the share of the outcome that would have happened anyway.

    Parameters
    ----------
    value : array_like
        Value before the deduction [money, e.g. GBP / year].
    rate : array_like
        Deadweight [fraction, 0-1]; broadcasts against ``value``.

    Returns
    -------
    numpy.ndarray
        ``value * (1 - rate)`` [same unit as ``value``].

    Raises
    ------
    ModelError
        If a rate is outside [0, 1] or not a number.

    Examples
    --------
    100 people each gaining a £1,000 outcome, a quarter of whom would have gained it anyway:

    >>> float(deadweight(100 * 1_000, 0.25))
    75000.0
    >>> deadweight([1_000.0, 2_000.0], [0.0, 1.0])
    array([1000.,    0.])
    """
    return np.asarray(value, dtype=float) * (1.0 - as_fraction("deadweight", rate))


def displacement(value: ArrayLike, rate: ArrayLike) -> np.ndarray:
    """Remove displacement: the share of the outcome moved from elsewhere, not created.

    Parameters
    ----------
    value : array_like
        Value after deadweight [money, e.g. GBP / year].
    rate : array_like
        Displacement [fraction, 0-1]; broadcasts against ``value``.

    Returns
    -------
    numpy.ndarray
        ``value * (1 - rate)`` [same unit as ``value``].

    Examples
    --------
    Jobs filled by local residents, a fifth of which displace other local workers:

    >>> float(displacement(75_000, 0.2))
    60000.0
    """
    return np.asarray(value, dtype=float) * (1.0 - as_fraction("displacement", rate))


def attribution(value: ArrayLike, rate: ArrayLike) -> np.ndarray:
    """Remove attribution: the share of the outcome owed to other people or organisations.

    Attribution is applied to what remains after deadweight and displacement.

    Parameters
    ----------
    value : array_like
        Value after deadweight and displacement [money, e.g. GBP / year].
    rate : array_like
        Attribution [fraction, 0-1]; broadcasts against ``value``.

    Returns
    -------
    numpy.ndarray
        ``value * (1 - rate)`` [same unit as ``value``].

    Examples
    --------
    >>> float(attribution(75_000, 0.1))
    67500.0
    """
    return np.asarray(value, dtype=float) * (1.0 - as_fraction("attribution", rate))
