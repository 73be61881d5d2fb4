"""Scenarios side by side, and a forecast SROI set against the evaluative one.

Scenarios are named sets of changes (see :mod:`sroi.changes`), written in the model file
under ``scenarios:`` or given as a mapping::

    scenarios:
      pessimistic: {deadweight: "+0.1", value: "-20%", outcomes: {jobs: {duration: 1}}}
      optimistic:  {deadweight: "-0.05", drop_off: "*0.5"}

A forecast SROI predicts the value if outcomes are met; the evaluative SROI, done later,
uses the quantities and durations actually achieved. :func:`compare_forecast` sets them
side by side, outcome by outcome, as the SROI Guide's evaluative SROI does.

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment* (forecast and evaluative SROI; sensitivity analysis).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.errors import ModelError, Problem
from sroi.evaluation import as_model, evaluate
from sroi.model.scenarios import check_scenarios
from sroi.result import Result
from sroi.sensitivity._base import Base, argument_error, problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Comparison", "compare_forecast", "compare_scenarios"]


def compare_scenarios(
    model: Any, scenarios: Mapping[str, Mapping[str, Any]] | None = None, **evaluate_kwargs: Any
) -> pd.DataFrame:
    """Evaluate the model and each scenario, side by side.

    Parameters
    ----------
    model : Model, mapping or path
        The model.
    scenarios : mapping, optional
        ``{name: {parameter: change, "outcomes": {id: {parameter: change}}}}``; default the
        model's own ``scenarios``.
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate`.

    Returns
    -------
    pandas.DataFrame
        Indexed by scenario (``"base"`` first): ``present_value``, ``total_investment``,
        ``npv``, ``ratio``, ``net_ratio``, every one a finite number.

    Raises
    ------
    ModelError
        For a model that is not valid, and for a scenario that is not: a change that cannot
        be read or that gives figures that cannot be computed (a present value beyond float
        range, an investment of 0), located at it (``scenarios.low.value``).

    Examples
    --------
    >>> import sroi
    >>> m = {"name": "x", "inputs": [{"stakeholder": "a", "amount": 1_000}],
    ...      "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 10,
    ...                    "value": 121, "duration": 1, "deadweight": 0.2}],
    ...      "scenarios": {"pessimistic": {"deadweight": "+0.1"}}}
    >>> sroi.sensitivity.compare_scenarios(m, discount_rate=0)["ratio"].round(3).to_dict()
    {'base': 0.968, 'pessimistic': 0.847}
    """
    import pandas as pd

    here = "compare_scenarios"
    if scenarios is not None:
        if not isinstance(scenarios, Mapping):
            raise argument_error(
                here,
                [
                    problem(
                        "scenarios",
                        f"must map scenario names to their changes, not {type(scenarios).__name__}",
                        scenarios,
                    )
                ],
            )
        try:
            named = check_scenarios(scenarios)
        except ModelError as exc:
            raise argument_error(
                here,
                [p.at(f"scenarios.{p.location}") for p in exc.problems],
            ) from None
        except (ValueError, TypeError, OverflowError) as exc:  # pydantic's errors, 10**400
            raise argument_error(here, [Problem("scenarios", str(exc))]) from None
    m = as_model(model)
    if scenarios is None:
        named = m.scenarios
    base = Base.of(m, _caller=here, **evaluate_kwargs)
    figures = {"base": base.result.computation.figures}
    for name, changes in named.items():
        figures[name] = base.with_changes(changes, here, f"scenarios.{name}.")
    columns = ("present_value", "total_investment", "npv", "ratio", "net_ratio")
    frame = pd.DataFrame.from_dict(
        {name: [getattr(f, c) for c in columns] for name, f in figures.items()},
        orient="index",
        columns=list(columns),
    )
    frame.index.name = "scenario"
    return frame


def _number(value: Any) -> float:
    """A figure of the impact map as one number: a yearly list as its total over the years."""
    if isinstance(value, (tuple, list)):
        return float(sum(value))
    return float(value)


@dataclass(frozen=True)
class Comparison:
    """A forecast SROI against the evaluative (actual) one.

    Attributes
    ----------
    forecast, actual : Result
    """

    forecast: Result
    actual: Result

    @property
    def by_outcome(self) -> pd.DataFrame:
        """Outcome by outcome (matched by id): forecast and actual quantity, duration and
        present value, the difference and the actual as a share of the forecast.

        ``status`` says whether the outcome is in ``both`` models, the ``forecast only``
        (not achieved or not measured) or the ``actual only`` (unexpected outcomes). The
        figures are nullable floats (``Float64``): ``<NA>`` where an outcome is in one model
        only, and for the share where the forecast present value is 0 (or the share or the
        difference is beyond a float's range); never NaN or infinity.
        """
        import pandas as pd

        f = self.forecast.by_outcome.set_index("id")
        a = self.actual.by_outcome.set_index("id")
        ids = list(f.index) + [i for i in a.index if i not in f.index]
        out = pd.DataFrame(index=pd.Index(ids, name="id"))
        for col in ("stakeholder", "outcome"):
            out[col] = [f[col].get(i, a[col].get(i)) if i in f.index else a[col][i] for i in ids]
        for col, name in (
            ("quantity", "quantity"),
            ("duration", "duration"),
            ("present_value", "present_value"),
        ):
            out[f"{name}_forecast"] = _figures(
                [_number(f[col][i]) if i in f.index else None for i in ids]
            )
            out[f"{name}_actual"] = _figures(
                [_number(a[col][i]) if i in a.index else None for i in ids]
            )
        pv_f = [float(f["present_value"][i]) if i in f.index else 0.0 for i in ids]
        pv_a = [float(a["present_value"][i]) if i in a.index else 0.0 for i in ids]
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            difference = np.array(pv_a) - np.array(pv_f)
            share = np.array(pv_a) / np.where(np.array(pv_f) != 0, pv_f, np.nan)
        out["present_value_difference"] = _figures(difference)
        out["actual_share_of_forecast"] = _figures(
            [x if i in f.index else None for x, i in zip(share, ids, strict=True)]
        )
        out["status"] = [
            "both"
            if i in f.index and i in a.index
            else "forecast only"
            if i in f.index
            else "actual only"
            for i in ids
        ]
        return out.reset_index()

    @property
    def headline(self) -> pd.DataFrame:
        """Present value, investment, NPV and ratio, forecast against actual."""
        import pandas as pd

        rows = {
            name: [r.present_value, r.total_investment, r.npv, r.ratio]
            for name, r in (("forecast", self.forecast), ("actual", self.actual))
        }
        return pd.DataFrame.from_dict(
            rows, orient="index", columns=["present_value", "total_investment", "npv", "ratio"]
        )


def _figures(values: Any) -> Any:
    """Nullable floats (``Float64``): a value that is None or not finite is ``<NA>``."""
    import pandas as pd

    return pd.array(
        [None if x is None or not math.isfinite(x) else float(x) for x in values], dtype="Float64"
    )


def compare_forecast(forecast: Any, actual: Any, **evaluate_kwargs: Any) -> Comparison:
    """Set a forecast SROI against the evaluative one, outcome by outcome.

    Outcomes are matched by id (give outcomes ``id``s in both models); both are evaluated
    with the same ``evaluate_kwargs``.

    Raises
    ------
    ModelError
        If the two models have different currencies or price years.
    """
    f, a = as_model(forecast), as_model(actual)
    problems = [
        Problem(
            field,
            f"differs between the forecast ({getattr(f, field)!r}) and the actual "
            f"({getattr(a, field)!r}) model",
        )
        for field in ("currency", "price_year")
        if getattr(f, field) != getattr(a, field)
    ]
    if problems:
        raise ModelError(problems)
    return Comparison(evaluate(f, **evaluate_kwargs), evaluate(a, **evaluate_kwargs))
