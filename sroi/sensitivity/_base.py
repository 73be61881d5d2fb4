"""A model's resolved arrays, moved one parameter at a time and re-evaluated fast.

Sensitivity analysis evaluates a model many times with one figure changed. Rather than
rebuild and re-validate the model each time, :class:`Base` holds the engine's inputs once
(values already resolved from proxies, in the result's price year and units) and
:meth:`Base.moved` returns the figures with a parameter changed, through the same engine.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sroi.adjustments import SCHEDULES, DiscountRate, yearly_rates
from sroi.changes import PARAMETERS, Change, Parameter, parse_change
from sroi.engine import Headline, OutcomeArrays, compute
from sroi.errors import ModelError, Problem
from sroi.evaluation import evaluate
from sroi.model import Model
from sroi.result import Result

__all__ = ["Base", "Headline"]

_ARRAY_FIELDS = {
    "deadweight": "deadweight",
    "displacement": "displacement",
    "attribution": "attribution",
    "drop_off": "drop_off",
    "value": "value",
    "quantity": "quantity",
    "duration": "duration",
}


def parameter_named(name: str) -> Parameter:
    """The :class:`~sroi.changes.Parameter` called ``name``, or a ModelError naming the choices."""
    try:
        return PARAMETERS[name]
    except (KeyError, TypeError):
        guess = difflib.get_close_matches(str(name), list(PARAMETERS), n=1)
        hint = f"did you mean {guess[0]!r}? " if guess else ""
        raise ModelError(
            [Problem("parameter", f"{hint}allowed: " + ", ".join(PARAMETERS), name)]
        ) from None


@dataclass(frozen=True)
class Base:
    """The engine's inputs for one model, ready to be moved and re-evaluated.

    Build it with :meth:`of`; it evaluates the model once with :func:`sroi.evaluate` (so
    proxies, price years and units are resolved exactly as there).
    """

    result: Result
    arrays: OutcomeArrays
    input_amounts: np.ndarray
    input_years: np.ndarray
    discount_rate: DiscountRate

    @classmethod
    def of(cls, model: Any, **evaluate_kwargs: Any) -> Base:
        """Evaluate ``model`` (a Model, mapping or path) and keep its arrays."""
        result = evaluate(model, **evaluate_kwargs)
        c = result.computation
        return cls(result, c.outcomes, c.input_amounts, c.input_years, result.discount_rate)

    @property
    def model(self) -> Model:
        return self.result.model

    @property
    def ids(self) -> tuple[str, ...]:
        return self.model.outcome_ids

    def index_of(self, outcome: str | None) -> int | None:
        """Position of the outcome with id ``outcome`` (None for every outcome)."""
        if outcome is None:
            return None
        try:
            return self.ids.index(outcome)
        except ValueError:
            guess = difflib.get_close_matches(str(outcome), self.ids, n=3)
            hint = f"; closest: {', '.join(guess)}" if guess else ""
            raise ModelError(
                [
                    Problem(
                        "outcome",
                        "is not an outcome id" + hint + "; ids: " + ", ".join(self.ids),
                        outcome,
                    )
                ]
            ) from None

    def current(self, parameter: Parameter, index: int | None) -> np.ndarray | float:
        """The parameter's present setting(s): one outcome's, every outcome's, or the model's."""
        if parameter.name == "investment":
            return float(self.input_amounts.sum())
        if parameter.name == "discount_rate":
            return self.discount_rate  # type: ignore[return-value]
        column = getattr(self.arrays, _ARRAY_FIELDS[parameter.name])
        return column.copy() if index is None else float(column[index])

    def figures(
        self,
        arrays: OutcomeArrays | None = None,
        input_amounts: np.ndarray | None = None,
        discount_rate: DiscountRate | None = None,
    ) -> Headline:
        """The engine's headline figures with some inputs replaced (:func:`sroi.engine.compute`)."""
        return compute(
            self.arrays if arrays is None else arrays,
            self.input_amounts if input_amounts is None else input_amounts,
            self.input_years,
            self.discount_rate if discount_rate is None else discount_rate,
            conventions=self.result.computation.conventions,
        ).figures

    def moved(self, parameter: Parameter, index: int | None, setting: Any) -> Headline:
        """Figures with ``parameter`` set to ``setting``.

        ``setting`` is a number or an array (one per outcome) for outcome parameters (for
        one outcome when ``index`` is given, else for every outcome); the total undiscounted
        investment for ``investment`` (inputs scaled in proportion); a rate or schedule for
        ``discount_rate``.
        """
        if parameter.name == "investment":
            total = self.input_amounts.sum()
            return self.figures(input_amounts=self.input_amounts * (setting / total))
        if parameter.name == "discount_rate":
            return self.figures(discount_rate=setting)
        name = _ARRAY_FIELDS[parameter.name]
        column = getattr(self.arrays, name).copy()
        if index is None:
            column[:] = setting
        else:
            column[index] = setting
        return self.figures(arrays=replace(self.arrays, **{name: column}))

    def changed(self, parameter: Parameter, index: int | None, change: Change) -> Headline:
        """Figures with a :class:`~sroi.changes.Change` applied to the parameter."""
        return self.moved(parameter, index, self.apply(parameter, index, change))

    def apply(self, parameter: Parameter, index: int | None, change: Change) -> Any:
        """The setting(s) a change leads to, from the present ones."""
        if parameter.name == "discount_rate":
            current = self.discount_rate
            if change.op == "set":
                return change.amount
            if isinstance(current, (int, float)):
                return float(change.apply(current, parameter))
            horizon = max(int(self.result.horizon), 1)
            rates = yearly_rates(current, horizon)
            return tuple(float(r) for r in change.apply(rates, parameter))
        return change.apply(self.current(parameter, index), parameter)

    def with_changes(self, changes: Mapping[str, Any]) -> Headline:
        """Figures with a scenario's changes applied together (see :mod:`sroi.changes`)."""
        arrays = self.arrays
        investment = self.input_amounts
        rate = self.discount_rate
        fields: dict[str, np.ndarray] = {}
        for key, written in changes.items():
            if key == "outcomes":
                continue
            parameter = PARAMETERS[key]
            if key == "discount_rate":
                if (isinstance(written, str) and written in SCHEDULES) or isinstance(
                    written, (list, tuple)
                ):
                    rate = written
                else:
                    rate = self.apply(parameter, None, parse_change(written, parameter))
            elif key == "investment":
                total = float(investment.sum())
                new_total = float(parse_change(written, parameter).apply(total, parameter))
                investment = investment * (new_total / total)
            else:
                name = _ARRAY_FIELDS[key]
                fields[name] = parse_change(written, parameter).apply(
                    getattr(arrays, name), parameter
                )
        for oid, inner in (changes.get("outcomes") or {}).items():
            i = self.index_of(oid)
            for key, written in inner.items():
                parameter = PARAMETERS[key]
                name = _ARRAY_FIELDS[key]
                column = fields.get(name, getattr(arrays, name)).copy()
                column[i] = parse_change(written, parameter).apply(column[i], parameter)
                fields[name] = column
        if fields:
            arrays = replace(arrays, **fields)
        if isinstance(rate, list):
            rate = tuple(rate)
        return self.figures(arrays=arrays, input_amounts=investment, discount_rate=rate)
