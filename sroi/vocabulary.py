"""The words ``sroi`` accepts: input kinds, proxy categories, value types, Marmot objectives
and the names of the discount schedules.

Each list is written here once and used by everything that needs it: the model's fields,
the proxy table's checks, the command line's choices, the reports and the JSON Schema.
This module imports nothing of ``sroi``.

Examples
--------
>>> INPUT_KINDS["volunteer_time"]
'Volunteer time'
>>> "health" in CATEGORIES, VALUE_TYPES[0]
(True, 'fiscal')
>>> MARMOT_OBJECTIVES["best_start"]
'Give every child the best start in life'
>>> DISCOUNT_SCHEDULES, DEFAULT_DISCOUNT_RATE
(('green_book', 'green_book_health'), 0.035)

References
----------
.. [1] M. Marmot et al. (2010). *Fair Society, Healthy Lives: The Marmot Review*. Strategic
   Review of Health Inequalities in England post-2010 (the six policy objectives).
.. [2] HM Treasury, New Economy, Public Service Transformation Network (2014). *Supporting
   public service transformation: cost benefit analysis guidance for local partnerships*
   (fiscal / economic / social values).
.. [3] HM Treasury (2022). *The Green Book*, Annex A6 "Discounting" (the standard rate and
   the declining schedules).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "CATEGORIES",
    "DEFAULT_DISCOUNT_RATE",
    "DISCOUNT_SCHEDULES",
    "INPUT_KINDS",
    "MARMOT_OBJECTIVES",
    "VALUE_TYPES",
]

#: The kinds of input, each with its label, in the order social accounts list them. Every
#: kind is valued in money and counts towards the investment.
INPUT_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "cash": "Cash",
        "staff_time": "Staff time",
        "volunteer_time": "Volunteer time",
        "in_kind": "In kind",
    }
)

#: The categories of financial proxy (and of outcomes).
CATEGORIES: tuple[str, ...] = (
    "employment",
    "education",
    "housing",
    "crime",
    "health",
    "social_care",
    "community",
    "environment",
    "wellbeing",
)

#: The types of value: a saving to a public budget (fiscal), an earnings or output gain
#: (economic), a wider value to society (social), a wellbeing valuation to the individual
#: (wellbeing), an environmental value such as carbon (environmental).
VALUE_TYPES: tuple[str, ...] = ("fiscal", "economic", "social", "wellbeing", "environmental")

#: The six policy objectives of the Marmot Review (2010): id -> wording.
MARMOT_OBJECTIVES: Mapping[str, str] = MappingProxyType(
    {
        "best_start": "Give every child the best start in life",
        "capabilities_and_control": (
            "Enable all children, young people and adults to maximise their capabilities "
            "and have control over their lives"
        ),
        "fair_employment": "Create fair employment and good work for all",
        "healthy_standard_of_living": "Ensure a healthy standard of living for all",
        "healthy_sustainable_places": (
            "Create and develop healthy and sustainable places and communities"
        ),
        "ill_health_prevention": "Strengthen the role and impact of ill-health prevention",
    }
)

#: The named discount schedules a model may give as its ``discount_rate``: the Green Book's
#: declining rates, and its lower declining rates for health effects.
DISCOUNT_SCHEDULES: tuple[str, ...] = ("green_book", "green_book_health")

#: The Green Book's standard discount rate [fraction]: 3.5 % a year.
DEFAULT_DISCOUNT_RATE = 0.035
