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

import importlib
import importlib.util
from typing import Any

from sroi._version import __version__
from sroi.errors import (
    ModelError,
    ReadingWarning,
    SROIError,
    SROIWarning,
    UnitError,
    UnknownProxyError,
)

# Everything else is imported on first use, so that `sroi --version` and `sroi --help`
# (and a script that needs one part) do not pay for numpy, pandas and the model's
# validators.
_LAZY = {
    "FrontMatter": "sroi.model",
    "Input": "sroi.model",
    "Model": "sroi.model",
    "Outcome": "sroi.model",
    "Output": "sroi.model",
    "Stakeholder": "sroi.model",
    "load_model": "sroi.model",
    "model_schema": "sroi.model",
    "Result": "sroi.result",
    "check": "sroi.claims",
    "compare": "sroi.commissioning",
    "local_multiplier": "sroi.commissioning",
    "monitor": "sroi.commissioning",
    "switching_weight": "sroi.commissioning",
    "evaluate": "sroi.evaluation",
    "evaluate_portfolio": "sroi.portfolio",
    "evaluate_portfolio_dask": "sroi.distributed",
    "simulate_dask": "sroi.distributed",
    "read_model": "sroi.io",
    "read_model_report": "sroi.io",
    "write_model": "sroi.io",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"sroi.{name}") is not None:
        value = importlib.import_module(f"sroi.{name}")  # a subpackage: sroi.sensitivity
    else:
        raise AttributeError(f"module 'sroi' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "FrontMatter",
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
    "evaluate_portfolio",
    "evaluate_portfolio_dask",
    "load_model",
    "local_multiplier",
    "model_schema",
    "monitor",
    "proxies",
    "read_model",
    "read_model_report",
    "sensitivity",
    "simulate_dask",
    "switching_weight",
    "units",
    "write_model",
]
