"""Changes to a model's figures, as written in scenarios and sensitivity ranges.

A change is either a number, which **sets** the figure, or a short text:

==========  =========================================  =====================================
written     meaning                                    0.25 becomes
==========  =========================================  =====================================
``0.4``     set to 0.4                                 0.4
``"+0.1"``  add 0.1 (ten percentage points)            0.35
``"-0.1"``  subtract 0.1                               0.15
``"*0.8"``  multiply by 0.8                            0.2
``"+20%"``  increase by 20 % (multiply by 1.2)         0.3
``"-20%"``  decrease by 20 % (multiply by 0.8)         0.2
==========  =========================================  =====================================

A number must lie in the figure's range (a deduction in [0, 1]); a relative change that would
leave the range stops at its edge (a deadweight of 0.95 ``"+0.1"`` becomes 1). A whole-year
figure (``duration``) is rounded to the nearest whole year, and never below 1.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sroi.errors import ModelError, Problem

__all__ = ["CHANGE_ALLOWED", "PARAMETERS", "Change", "Parameter", "parse_change"]


@dataclass(frozen=True)
class Parameter:
    """A figure that sensitivity analysis can move.

    Attributes
    ----------
    name : str
    scope : {"outcome", "model"}
        Whether each outcome has its own (``deadweight``) or the model has one
        (``discount_rate``, ``investment``).
    low, high : float
        The allowed range.
    whole : bool
        Whole numbers only (``duration``).
    linear : bool
        Whether the present value is linear in the figure (so a switching value has a
        closed form).
    positive : bool
        A setting must be above ``low`` (the investment: a ratio needs a denominator).
    """

    name: str
    scope: Literal["outcome", "model"]
    low: float
    high: float
    whole: bool = False
    linear: bool = False
    positive: bool = False


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("deadweight", "outcome", 0.0, 1.0, linear=True),
        Parameter("displacement", "outcome", 0.0, 1.0, linear=True),
        Parameter("attribution", "outcome", 0.0, 1.0, linear=True),
        Parameter("drop_off", "outcome", 0.0, 1.0),
        Parameter("value", "outcome", -math.inf, math.inf, linear=True),
        Parameter("quantity", "outcome", 0.0, math.inf, linear=True),
        Parameter("duration", "outcome", 1.0, 1000.0, whole=True),
        Parameter("discount_rate", "model", 0.0, 1.0),
        Parameter("investment", "model", 0.0, math.inf, positive=True),
    )
}
"""The parameters sensitivity analysis and scenarios can move, by name."""

_TEXT = re.compile(r"^\s*([+\-*])\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(%?)\s*$")

CHANGE_ALLOWED = "a number (a setting) or a change such as '+0.1', '-0.1', '*0.8', '+20%' or '-20%'"
"""What :func:`parse_change` accepts, in words."""


_TOO_LARGE = "the change is too large: its amount must be a finite number"


def _refuse(message: str, written: Any, allowed: str = CHANGE_ALLOWED) -> ModelError:
    return ModelError([Problem("", message, written, allowed=allowed)])


@dataclass(frozen=True)
class Change:
    """A parsed change: ``op`` is ``"set"``, ``"add"`` or ``"multiply"``.

    Examples
    --------
    >>> parse_change("-20%")
    Change(op='multiply', amount=0.8, text='-20%')
    >>> float(parse_change("+0.1").apply(0.25, PARAMETERS["deadweight"]))
    0.35
    >>> float(parse_change("+0.1").apply(0.95, PARAMETERS["deadweight"]))
    1.0
    """

    op: Literal["set", "add", "multiply"]
    amount: float
    text: str = ""

    @property
    def relative(self) -> bool:
        """Whether the change is relative to the figure (not a setting)."""
        return self.op != "set"

    def apply(self, base: Any, parameter: Parameter) -> np.ndarray:
        """The figure(s) after the change [same unit as ``base``]."""
        x = np.asarray(base, dtype=float)
        if self.op == "set":
            out = np.full_like(x, self.amount)
        elif self.op == "add":
            out = x + self.amount
        else:
            out = x * self.amount
        out = np.clip(out, parameter.low, parameter.high)
        if parameter.whole:
            out = np.maximum(np.floor(out + 0.5), parameter.low)
        return out

    def __str__(self) -> str:
        return self.text or f"{self.amount:g}"


def parse_change(written: Any, parameter: Parameter | None = None) -> Change:
    """Read a change as written in a scenario or a sensitivity range.

    Parameters
    ----------
    written : float or str
        A number (set), or ``"+x"``, ``"-x"``, ``"*x"``, ``"+x%"``, ``"-x%"``.
    parameter : Parameter, optional
        When given, a number must lie in its range (and be whole for whole figures).

    Raises
    ------
    ModelError
        (a :class:`ValueError`) With one problem saying what is wrong and what is allowed.

    Examples
    --------
    >>> parse_change("*1e400")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: must be a number (a setting) or a change such as '+0.1', '-0.1',
    '*0.8', '+20%' or '-20%'
    >>> parse_change("*" + "9" * 400)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: the change is too large: its amount must be a finite number
    """
    if isinstance(written, numbers.Real) and not isinstance(written, bool):
        try:
            value = float(written)
        except (OverflowError, ValueError, TypeError, ArithmeticError):
            value = math.inf
        if not math.isfinite(value):
            raise _refuse("must be a finite number", written)
        if parameter is not None:
            allowed = f"a number from {parameter.low:g} to {parameter.high:g}, or {CHANGE_ALLOWED}"
            if not parameter.low <= value <= parameter.high:
                raise _refuse(
                    f"{parameter.name} must be between {parameter.low:g} and {parameter.high:g}",
                    written,
                    allowed,
                )
            if parameter.positive and value <= parameter.low:
                raise _refuse(f"{parameter.name} must be above {parameter.low:g}", written, allowed)
            if parameter.whole and not value.is_integer():
                raise _refuse(f"{parameter.name} must be a whole number", written, allowed)
        return Change("set", value, f"{value:g}")
    if isinstance(written, str):
        match = _TEXT.match(written)
        if match:
            sign, number, percent = match.groups()
            x = float(number)
            if not math.isfinite(x):
                raise _refuse(_TOO_LARGE, written)
            if sign == "*":
                if percent:
                    raise _refuse("must be a multiplier without %, e.g. '*0.8'", written)
                return Change("multiply", x, written.strip())
            if percent:
                factor = 1 + x / 100 if sign == "+" else 1 - x / 100
                if not math.isfinite(factor):
                    raise _refuse(_TOO_LARGE, written)
                return Change("multiply", factor, written.strip())
            return Change("add", x if sign == "+" else -x, written.strip())
    raise _refuse("must be " + CHANGE_ALLOWED, written)
