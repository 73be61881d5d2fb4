"""The SROI adjustments, one pure vectorised function per concept.

- :func:`deadweight`, :func:`displacement`, :func:`attribution`: the three deductions,
  chained multiplicatively;
- :func:`drop_off`: the decline of an outcome after its first year;
- :func:`discount_factors`, :func:`present_value`: end-of-year discounting at a constant
  rate, a schedule of yearly rates, or the Green Book's declining schedules;
- :func:`optimism_bias`: the Green Book's optimism bias of a project made of parts;
- :func:`equity_weights`: the Green Book's distributional weights by income.

Scalars or arrays in, the same (broadcast) shape out. ``docs/method.md`` sets out the
conventions these functions implement.
"""

from sroi.adjustments.deductions import additive, attribution, deadweight, displacement, leakage
from sroi.adjustments.discounting import (
    DEFAULT_DISCOUNT_RATE,
    GREEN_BOOK,
    GREEN_BOOK_HEALTH,
    SCHEDULES,
    DiscountRate,
    discount_factors,
    present_value,
    rates_from_bands,
    yearly_rates,
)
from sroi.adjustments.drop_off import drop_off, drop_off_factor
from sroi.adjustments.equity import ELASTICITY, equity_weights
from sroi.adjustments.optimism import CAPEX_UPPER_BOUNDS, optimism_bias

__all__ = [
    "CAPEX_UPPER_BOUNDS",
    "DEFAULT_DISCOUNT_RATE",
    "ELASTICITY",
    "GREEN_BOOK",
    "GREEN_BOOK_HEALTH",
    "SCHEDULES",
    "DiscountRate",
    "additive",
    "attribution",
    "deadweight",
    "discount_factors",
    "displacement",
    "drop_off",
    "drop_off_factor",
    "equity_weights",
    "leakage",
    "optimism_bias",
    "present_value",
    "rates_from_bands",
    "yearly_rates",
]
