"""Commissioning for social value: bids side by side, tender scores, delivery against
promises, and local spend.

Under the Public Services (Social Value) Act 2012, councils and NHS bodies weigh social
value when they buy services. This package answers a commissioner's questions:

- :func:`compare`: several bids (or options for a service) evaluated on one basis (price
  year, discount rate, conventions, proxy table), one row each: social value, NPV, ratio,
  social value per £ of contract and as a share of it, who gets it, and tender scores;
- :func:`switching_weight`: the weight on social value at which the winning bid changes;
- :func:`monitor`: a contract's promised outcomes against what was delivered, period by
  period;
- :func:`local_multiplier`: how much of a contract's spend stays local, and the New
  Economics Foundation's Local Multiplier 3 (LM3).

>>> import sroi
>>> lm3 = sroi.local_multiplier(
...     {"payee": ["Staff", "Builder", "Wholesaler"], "amount": [25_000, 15_000, 30_000],
...      "postcode": ["M5 4WT", "M6 5FX", "LS1 4DY"], "kind": ["staff", "supplier", "supplier"]},
...     income=100_000, local_area=["M5", "M6", "M7"],
...     respend={"staff": 0.5, "supplier": 0.3})
>>> round(lm3.lm3, 2)
1.57
"""

from sroi.commissioning._basis import BASIS_OPTIONS
from sroi.commissioning.compare import compare
from sroi.commissioning.local_multiplier import LocalMultiplier, local_multiplier
from sroi.commissioning.monitor import Monitoring, monitor
from sroi.commissioning.postcodes import LocalArea, Postcode, parse_local_area, parse_postcode
from sroi.commissioning.tender import (
    CRITERIA,
    SwitchingWeight,
    parse_weights,
    switching_weight,
    tender_scores,
)

__all__ = [
    "BASIS_OPTIONS",
    "CRITERIA",
    "LocalArea",
    "LocalMultiplier",
    "Monitoring",
    "Postcode",
    "SwitchingWeight",
    "compare",
    "local_multiplier",
    "monitor",
    "parse_local_area",
    "parse_postcode",
    "parse_weights",
    "switching_weight",
    "tender_scores",
]
