"""Argument checks shared by the adjustment functions (cheap, vectorised)."""

from __future__ import annotations

import numpy as np

from sroi.errors import ModelError, Problem


def as_fraction(name: str, rate: object) -> np.ndarray:
    """Return ``rate`` as a float array, or raise :class:`ModelError` unless all in [0, 1]."""
    arr = np.asarray(rate, dtype=float)
    # NaN fails both comparisons, so it is caught here too.
    if not (np.all(arr >= 0.0) and np.all(arr <= 1.0)):
        bad = arr[~((arr >= 0.0) & (arr <= 1.0))].ravel()[0]
        raise ModelError([Problem(name, "must be a fraction between 0 and 1", float(bad))])
    return arr


def as_whole_years(name: str, years: object, minimum: int) -> np.ndarray:
    """Return ``years`` as a float array of whole numbers >= ``minimum``, or raise ModelError."""
    arr = np.asarray(years, dtype=float)
    ok = (arr >= minimum) & (arr == np.floor(arr)) & np.isfinite(arr)
    if not np.all(ok):
        bad = arr[~ok].ravel()[0]
        raise ModelError([Problem(name, f"must be a whole number of years >= {minimum}", bad)])
    return arr
