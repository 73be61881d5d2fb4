"""Named computation conventions: the choices published SROI reports make differently.

The default conventions are the method's own (drop-off from an outcome's second year,
whole years, end-of-year discounting, deductions multiplied in turn, present values at
year 0). A report that chose differently can be reproduced by naming what it did, in a
model file's ``conventions:`` block or as ``sroi.evaluate(..., conventions=...)``:

=====================  ============================================  ==========================
option                 values (default first)                        meaning
=====================  ============================================  ==========================
``drop_off_from``      ``second_year``, ``first_year``               whether an outcome's first
                                                                     year already carries one
                                                                     year's drop-off
``partial_years``      ``error``, ``pro_rata``                       whether a duration such as
                                                                     2.5 is allowed; its last,
                                                                     part year counts that
                                                                     share of its impact
``discount_timing``    ``end_of_year``, ``mid_year``,                money in year t discounted
                       ``start_of_year``                             at t, t - 1/2 or t - 1
``deductions``         ``multiplicative``, ``additive``              ``(1-dw)(1-dp)(1-at)(1-lk)``
                                                                     or ``max(0, 1-dw-dp-at-lk)``
``valuation_year``     ``0``, any later year                         the year every present
                                                                     value is expressed at
=====================  ============================================  ==========================

This module holds only the words and their checks; :mod:`sroi.engine` applies them.

Examples
--------
>>> c = Conventions.parse({"discount_timing": "mid_year"})
>>> c.discount_timing, c.drop_off_from, c.is_default
('mid_year', 'second_year', False)
>>> Conventions.parse({"drop_off": "first"})
Traceback (most recent call last):
...
sroi.errors.ModelError: 1 problem in the model:
  conventions.drop_off: unknown convention; did you mean 'drop_off_from'? (got 'first')

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stages 4 and 5 (drop-off, discounting, the impact map).
.. [2] HM Treasury (2022). *The Green Book*, Annex A6 (discounting; timing of flows).
.. [3] Homes and Communities Agency (2014). *Additionality Guide*, 4th edition (leakage,
   and deductions combined).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from sroi.errors import ModelError, Problem

__all__ = [
    "DEDUCTIONS",
    "DEFAULT",
    "DISCOUNT_TIMING",
    "DROP_OFF_FROM",
    "PARTIAL_YEARS",
    "Conventions",
]

DROP_OFF_FROM: tuple[str, ...] = ("second_year", "first_year")
"""Whether drop-off starts in an outcome's second year (default) or already in its first."""

PARTIAL_YEARS: tuple[str, ...] = ("error", "pro_rata")
"""Whether a duration must be whole years (default) or may end in a part year."""

DISCOUNT_TIMING: tuple[str, ...] = ("end_of_year", "mid_year", "start_of_year")
"""When in its year money is discounted: at its end (default), its middle or its start."""

DEDUCTIONS: tuple[str, ...] = ("multiplicative", "additive")
"""How the deductions combine: each taken from what is left (default), or summed."""

_CHOICES = {
    "drop_off_from": DROP_OFF_FROM,
    "partial_years": PARTIAL_YEARS,
    "discount_timing": DISCOUNT_TIMING,
    "deductions": DEDUCTIONS,
}


@dataclass(frozen=True)
class Conventions:
    """The conventions of one evaluation (see the module docstring).

    Parameters
    ----------
    drop_off_from : {"second_year", "first_year"}
    partial_years : {"error", "pro_rata"}
    discount_timing : {"end_of_year", "mid_year", "start_of_year"}
    deductions : {"multiplicative", "additive"}
    valuation_year : int
        The year every present value is expressed at [year, >= 0].
    """

    drop_off_from: str = "second_year"
    partial_years: str = "error"
    discount_timing: str = "end_of_year"
    deductions: str = "multiplicative"
    valuation_year: int = 0

    def __post_init__(self) -> None:
        problems = self._problems(asdict(self))
        if problems:
            raise ModelError(problems)

    @staticmethod
    def _problems(values: Mapping[str, Any], where: str = "conventions") -> list[Problem]:
        problems = []
        for name, allowed in _CHOICES.items():
            value = values.get(name, allowed[0])
            if not isinstance(value, str) or value not in allowed:
                words = ", ".join(map(repr, allowed))
                problems.append(Problem(f"{where}.{name}", f"must be one of {words}", value))
        year = values.get("valuation_year", 0)
        if isinstance(year, float) and year.is_integer():
            year = int(year)
        if isinstance(year, bool) or not isinstance(year, int) or not 0 <= year <= 1000:
            problems.append(
                Problem(
                    f"{where}.valuation_year",
                    "must be a whole number of years from 0 to 1000",
                    year,
                )
            )
        return problems

    @classmethod
    def parse(cls, value: Any, where: str = "conventions") -> Conventions:
        """Conventions from ``None`` (the defaults), a :class:`Conventions` or a mapping.

        Every problem is reported together, located as ``conventions.<option>``; an
        unknown option is an error (with the closest name suggested).
        """
        if value is None:
            return DEFAULT
        if isinstance(value, Conventions):
            return value
        if not isinstance(value, Mapping):
            raise ModelError(
                [
                    Problem(
                        where,
                        "must map convention names to choices, e.g. "
                        "{'discount_timing': 'mid_year'}",
                        value,
                    )
                ]
            )
        names = [f.name for f in fields(cls)]
        problems = []
        for key in value:
            if key not in names:
                guess = difflib.get_close_matches(str(key), names, n=1)
                hint = f"did you mean {guess[0]!r}?" if guess else "allowed: " + ", ".join(names)
                problems.append(
                    Problem(f"{where}.{key}", f"unknown convention; {hint}", value[key])
                )
        problems += cls._problems(value, where)
        if problems:
            raise ModelError(problems)
        year = value.get("valuation_year", 0)
        return cls(**{**{k: value[k] for k in names if k in value}, "valuation_year": int(year)})

    @property
    def is_default(self) -> bool:
        """Whether these are the method's default conventions."""
        return self == DEFAULT

    def to_dict(self) -> dict[str, Any]:
        """The conventions as plain data."""
        return asdict(self)

    def differences(self) -> list[str]:
        """How these conventions differ from the defaults, in a few words each.

        Examples
        --------
        >>> Conventions(drop_off_from="first_year", discount_timing="mid_year").differences()
        ['drop-off from the first year', 'discounted mid-year']
        >>> DEFAULT.differences()
        []
        """
        words = {
            "drop_off_from": {"first_year": "drop-off from the first year"},
            "partial_years": {"pro_rata": "part years pro rata"},
            "discount_timing": {
                "mid_year": "discounted mid-year",
                "start_of_year": "discounted at the start of each year",
            },
            "deductions": {"additive": "deductions added, not compounded"},
        }
        found = [
            words[name][getattr(self, name)] for name in words if getattr(self, name) in words[name]
        ]
        if self.valuation_year:
            found.append(f"present values at year {self.valuation_year}")
        return found

    def describe(self) -> dict[str, str]:
        """Each convention (and the formulas it implies) in words, for results and reports.

        Examples
        --------
        >>> DEFAULT.describe()["deductions"]
        'multiplicative, in the order deadweight, displacement, attribution, leakage'
        """
        first = self.drop_off_from == "first_year"
        timing = {
            "end_of_year": "end of year: DF(t) = prod_{k=1..t} 1 / (1 + r_k), DF(0) = 1",
            "mid_year": "mid year: DF(t - 1/2) = DF(t - 1) / (1 + r_t) ** (1/2); "
            "year-0 inputs are not discounted",
            "start_of_year": "start of year: DF(t - 1); year-0 inputs are not discounted",
        }[self.discount_timing]
        return {
            "impact": "quantity * value * (remaining share after the deductions) * (1 - drop_off) "
            f"** (t - start_year{' + 1' if first else ''}), for t = start_year .. start_year + "
            "duration - 1",
            "deductions": "multiplicative, in the order deadweight, displacement, attribution, "
            "leakage"
            if self.deductions == "multiplicative"
            else "additive: max(0, 1 - (deadweight + displacement + attribution + leakage))",
            "drop_off": "from the outcome's first year (its first year carries one year's drop-off)"
            if first
            else "from the outcome's second year; its first year carries the full impact",
            "partial_years": "a part year at the end of a duration counts that share of its "
            "impact, discounted as that year"
            if self.partial_years == "pro_rata"
            else "durations are whole years",
            "discounting": timing + "; schedules applied year by year, cumulatively",
            "valuation_year": "present values at year 0"
            if self.valuation_year == 0
            else f"every present value expressed at year {self.valuation_year}: DF(t) / "
            f"DF({self.valuation_year}) (the ratio is unchanged)",
            "inputs": "discounted by the year they are spent (year 0 is not discounted)",
            "ratio": "present_value / total_investment",
            "payback_months": "total_investment / (undiscounted impact of the first year whose "
            "total impact is above zero / 12), assuming impact goes on at that rate; reported "
            "only when the model pays back (see discounted_payback_years), else None",
            "discounted_payback_years": "the point after which the cumulative discounted net "
            "value (present value of impact less present value of inputs, year by year) stays "
            "at or above zero, linearly interpolated within the year it last crosses zero; None "
            "when it ends below zero (a negative NPV)",
        }


DEFAULT = Conventions()
"""The method's default conventions."""
