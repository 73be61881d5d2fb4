"""sroi: social return on investment, correct to the penny and honest about uncertainty.

>>> import sroi
>>> result = sroi.evaluate({
...     "name": "Community garden",
...     "inputs": [{"stakeholder": "Housing association", "amount": 20_000}],
...     "outcomes": [{"stakeholder": "Residents", "outcome": "Eat more fresh food",
...                   "quantity": 40, "value": 250, "duration": 2, "deadweight": 0.2}],
... })
>>> f"{result.ratio:.2f}"
'0.77'
"""

from sroi import adjustments, errors
from sroi._version import __version__
from sroi.errors import ModelError, SROIError, SROIWarning, UnitError, UnknownProxyError
from sroi.evaluation import evaluate
from sroi.model import Input, Model, Outcome, Output, Stakeholder, load_model, model_schema
from sroi.result import Result

__all__ = [
    "Input",
    "Model",
    "ModelError",
    "Outcome",
    "Output",
    "Result",
    "SROIError",
    "SROIWarning",
    "Stakeholder",
    "UnitError",
    "UnknownProxyError",
    "__version__",
    "adjustments",
    "errors",
    "evaluate",
    "load_model",
    "model_schema",
]
