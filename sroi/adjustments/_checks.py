"""Argument checks shared by the adjustment functions (cheap, vectorised).

Numbers only: text (even ``"0.5"``), yes/no values, mappings and complex numbers are
refused with a located :class:`~sroi.errors.ModelError`, as the model's own fields refuse
them, never passed on to numpy to fail with its own error or be taken as a number.
"""

from __future__ import annotations

import numbers
from decimal import Decimal

import numpy as np

from sroi.errors import ModelError, Problem

_NUMERIC_KINDS = frozenset("iuf")


def _is_number(value: object) -> bool:
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, (bool, np.bool_))


def as_numbers(name: str, values: object) -> np.ndarray:
    """Return ``values`` as a float array, or raise :class:`ModelError` unless all numbers.

    Examples
    --------
    >>> as_numbers("deadweight", [0, 0.5]).tolist()
    [0.0, 0.5]
    >>> as_numbers("deadweight", "0.5")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      deadweight: must be a number or an array of numbers, not text (got '0.5')
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in _NUMERIC_KINDS:
        return values.astype(float, copy=False)
    if isinstance(values, (str, bytes)):
        kind = "text"
    else:
        try:
            arr = np.asarray(values)
        except (TypeError, ValueError):  # ragged nesting
            kind = "a ragged list"
        else:
            if arr.dtype.kind in _NUMERIC_KINDS or (
                arr.dtype.kind == "O" and all(_is_number(v) for v in arr.ravel())
            ):
                try:
                    return arr.astype(float)
                except OverflowError:
                    raise ModelError([Problem(name, "is too large for a float", values)]) from None
            kind = _KINDS.get(arr.dtype.kind, "other")
    raise ModelError(
        [Problem(name, f"must be a number or an array of numbers, not {kind}", values)]
    )


_KINDS = {"b": "a yes/no value", "c": "a complex number", "U": "text", "S": "text"}


def as_fraction(name: str, rate: object) -> np.ndarray:
    """Return ``rate`` as a float array, or raise :class:`ModelError` unless all in [0, 1]."""
    arr = as_numbers(name, rate)
    # NaN fails both comparisons, so it is caught here too.
    if not (np.all(arr >= 0.0) and np.all(arr <= 1.0)):
        bad = arr[~((arr >= 0.0) & (arr <= 1.0))].ravel()[0]
        raise ModelError([Problem(name, "must be a fraction between 0 and 1", float(bad))])
    return arr


def as_whole_years(name: str, years: object, minimum: int) -> np.ndarray:
    """Return ``years`` as a float array of whole numbers >= ``minimum``, or raise ModelError."""
    arr = as_numbers(name, years)
    ok = (arr >= minimum) & (arr == np.floor(arr)) & np.isfinite(arr)
    if not np.all(ok):
        bad = float(arr[~ok].ravel()[0])
        raise ModelError([Problem(name, f"must be a whole number of years >= {minimum}", bad)])
    return arr
