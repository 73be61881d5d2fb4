"""Deadweight, displacement, attribution and leakage: the deductions from an outcome's value.

Each deduction removes a share of what remains, so they chain multiplicatively::

    impact = value * (1 - deadweight) * (1 - displacement) * (1 - attribution) * (1 - leakage)

Some reports add the shares instead (:func:`additive`)::

    impact = value * max(0, 1 - (deadweight + displacement + attribution + leakage))

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

__all__ = ["additive", "attribution", "deadweight", "displacement", "leakage"]


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


def leakage(value: ArrayLike, rate: ArrayLike) -> np.ndarray:
    """Remove leakage: the share of the benefit going to people outside the target area or
    group.

    Leakage is applied last, to what remains after the other deductions.

    Parameters
    ----------
    value : array_like
        Value after deadweight, displacement and attribution [money, e.g. GBP / year].
    rate : array_like
        Leakage [fraction, 0-1]; broadcasts against ``value``.

    Returns
    -------
    numpy.ndarray
        ``value * (1 - rate)`` [same unit as ``value``].

    Examples
    --------
    20 % of the benefit of a local jobs scheme goes to people living outside the borough:

    >>> float(leakage(67_500, 0.2))
    54000.0
    """
    return np.asarray(value, dtype=float) * (1.0 - as_fraction("leakage", rate))


def additive(value: ArrayLike, *rates: tuple[str, ArrayLike]) -> np.ndarray:
    """Remove deductions by adding their shares: ``value * max(0, 1 - sum(rates))``.

    Parameters
    ----------
    value : array_like
        Gross value [money, e.g. GBP / year].
    *rates : (str, array_like)
        Each deduction as ``(name, rate)`` [fraction, 0-1], checked and named in errors.

    Returns
    -------
    numpy.ndarray
        [same unit as ``value``]

    Examples
    --------
    Deadweight 25 % and attribution 10 % remove 35 % when added (32.5 % when chained):

    >>> float(additive(100_000, ("deadweight", 0.25), ("attribution", 0.1)))
    65000.0
    >>> float(additive(100_000, ("deadweight", 0.7), ("attribution", 0.6)))
    0.0
    """
    share = 1.0 - sum(as_fraction(name, rate) for name, rate in rates)
    return np.asarray(value, dtype=float) * np.maximum(share, 0.0)
