"""Sensitivity and uncertainty: one-way analysis, switching values, tornado, scenarios,
forecast against actual, and Monte Carlo simulation.

Two lines each answer the questions a funder asks:

>>> import sroi
>>> m = {"name": "Into work", "inputs": [{"stakeholder": "Council", "amount": 150_000}],
...      "outcomes": [{"id": "jobs", "stakeholder": "Residents", "outcome": "Into work",
...                    "quantity": 100, "value": 1_000, "duration": 3, "attribution": 0.1,
...                    "drop_off": 0.1, "deadweight": {"distribution": "pert", "low": 0.1,
...                                                    "mode": 0.25, "high": 0.5}}]}

*How wrong can our deadweight be before this stops paying back?*

>>> sv = sroi.sensitivity.switching_value(m, "deadweight", "jobs")
>>> f"{sv.value:.1%}"
'34.3%'

*How sure are we that the ratio exceeds 1?*

>>> sim = sroi.sensitivity.simulate(m, 10_000, seed=42)
>>> 0.7 < sim.probability_ratio_above(1.0) < 0.95
True
"""

from sroi.sensitivity.monte_carlo import Simulation, simulate
from sroi.sensitivity.one_way import READING_STEPS, one_way, reading_ranges, tornado
from sroi.sensitivity.scenarios import Comparison, compare_forecast, compare_scenarios
from sroi.sensitivity.switching import SwitchingValue, switching_value, switching_values

__all__ = [
    "READING_STEPS",
    "Comparison",
    "Simulation",
    "SwitchingValue",
    "compare_forecast",
    "compare_scenarios",
    "one_way",
    "reading_ranges",
    "simulate",
    "switching_value",
    "switching_values",
    "tornado",
]
