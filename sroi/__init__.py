"""sroi: social return on investment, correct to the penny and honest about uncertainty.

>>> import sroi
>>> result = sroi.evaluate({
...     "name": "Community garden",
...     "inputs": [{"stakeholder": "Housing association", "amount": 20_000}],
...     "outcomes": [{"stakeholder": "Residents", "outcome": "Eat more fresh food",
...                   "quantity": 40, "value": 250, "duration": 2, "deadweight": 0.2}],
... })
>>> # 40 x £250 x (1 - 0.2) = £8,000 a year for two years, discounted at 3.5 %:
>>> # (8,000 / 1.035 + 8,000 / 1.035 ** 2) / 20,000 = 15,197.57 / 20,000
>>> f"{result.ratio:.2f}"
'0.76'
"""

from sroi import (
    adjustments,
    commissioning,
    errors,
    proxies,
    sensitivity,
    units,
)
from sroi._version import __version__
from sroi.claims import check
from sroi.commissioning import compare, local_multiplier, monitor, switching_weight
from sroi.errors import (
    ModelError,
    ReadingWarning,
    SROIError,
    SROIWarning,
    UnitError,
    UnknownProxyError,
)
from sroi.evaluation import evaluate
from sroi.io import read_model, read_model_report, write_model
from sroi.model import Input, Model, Outcome, Output, Stakeholder, load_model, model_schema
from sroi.result import Result

__all__ = [
    "Input",
    "Model",
    "ModelError",
    "Outcome",
    "Output",
    "ReadingWarning",
    "Result",
    "SROIError",
    "SROIWarning",
    "Stakeholder",
    "UnitError",
    "UnknownProxyError",
    "__version__",
    "adjustments",
    "check",
    "commissioning",
    "compare",
    "errors",
    "evaluate",
    "load_model",
    "local_multiplier",
    "model_schema",
    "monitor",
    "proxies",
    "read_model",
    "read_model_report",
    "sensitivity",
    "switching_weight",
    "units",
    "write_model",
]
