"""A model's resolved arrays, moved one parameter at a time and re-evaluated fast.

Sensitivity analysis evaluates a model many times with one figure changed. Rather than
rebuild and re-validate the model each time, :class:`Base` holds the engine's inputs once
(values already resolved from proxies, in the result's price year and units) and
:meth:`Base.moved` returns the figures with a parameter changed, through the same engine.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from sroi.adjustments import SCHEDULES, DiscountRate, yearly_rates
from sroi.changes import PARAMETERS, Change, Parameter, parse_change
from sroi.engine import Headline, OutcomeArrays, compute, headline
from sroi.errors import ModelError, Problem, show_value
from sroi.evaluation import evaluate
from sroi.model import Model
from sroi.result import Result

__all__ = [
    "Base",
    "Headline",
    "argument_error",
    "moved_by",
    "parameter_named",
    "parse_at",
    "problem",
    "real_number",
    "relocated",
    "sequence_of",
    "show",
]

_ARRAY_FIELDS = {
    "deadweight": "deadweight",
    "displacement": "displacement",
    "attribution": "attribution",
    "drop_off": "drop_off",
    "value": "value",
    "quantity": "quantity",
    "duration": "duration",
}


# ------------------------------------------------------------------ argument checks
#
# Every argument of a sensitivity function is checked before any work, and a bad one is a
# ModelError titled "the arguments of one_way()" whose location is the argument's name
# (``relative[0]``, ``ranges['deadweight'][1]``, ``n``), with the value given.


def show(value: Any, limit: int = 40) -> str:
    """A short ``repr`` of a value given, for a location (``ranges['deadweight']``)."""
    return show_value(value, limit)


def argument_error(function: str, problems: Iterable[Problem]) -> ModelError:
    """A ModelError about the arguments of ``function`` (not about the model)."""
    return ModelError(list(problems), title=f"the arguments of {function}()")


def problem(location: str, message: str, value: Any, allowed: str = "") -> Problem:
    """A Problem recording ``value`` when it is plain data (a number, a text, None, or a
    short list or tuple of them); for anything else the message names its type."""

    def plain(x: Any) -> bool:
        return x is None or isinstance(x, (str, numbers.Number))

    if plain(value) or (
        isinstance(value, (list, tuple)) and len(value) <= 5 and all(map(plain, value))
    ):
        return Problem(location, message, value, allowed=allowed)
    return Problem(location, message, allowed=allowed)


def relocated(function: str, location: str, error: ModelError, what: str) -> ModelError:
    """An error found while evaluating with an argument, located at that argument.

    The figures a setting or change gives (a present value beyond float range, an
    investment of 0) are reported at the argument that asked for them: ``what`` says how
    (``"gives figures that cannot be computed"``), followed by each problem found.
    """
    return argument_error(
        function,
        [
            Problem(location, f"{what}: {p.location + ': ' if p.location else ''}{p.message}")
            for p in error.problems
        ],
    )


def real_number(function: str, location: str, value: Any, *, low: float | None = None) -> float:
    """``value`` as a finite float (at least ``low``), or a located ModelError."""
    allowed = "a finite number" + ("" if low is None else f" >= {low:g}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise argument_error(
            function,
            [problem(location, f"must be {allowed}, not {type(value).__name__}", value, allowed)],
        )
    try:
        x = float(value)
    except (OverflowError, ValueError):
        x = math.inf
    if not math.isfinite(x) or (low is not None and x < low):
        raise argument_error(function, [problem(location, f"must be {allowed}", value, allowed)])
    return x


def sequence_of(function: str, location: str, value: Any, example: str) -> list[Any]:
    """``value`` as a non-empty list: a list, tuple, array or other iterable, but not a bare
    number, a text or a mapping."""
    allowed = f"a sequence such as {example}"
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise argument_error(
            function,
            [
                problem(
                    location,
                    f"must be {allowed}, not {type(value).__name__} (write one setting as a "
                    "list of one)",
                    value,
                    allowed,
                )
            ],
        )
    items = list(value)
    if not items:
        raise argument_error(
            function, [Problem(location, "is empty; give at least one", allowed=allowed)]
        )
    return items


_CHANGE_ALLOWED = (
    "a number in the parameter's range (a setting), or a change such as '+0.1', '-0.1', "
    "'*0.8', '+20%' or '-20%'"
)


def parse_at(function: str, location: str, written: Any, parameter: Parameter) -> Change:
    """:func:`~sroi.changes.parse_change`, its errors (and a change too large for a float)
    a located ModelError."""
    try:
        change = parse_change(written, parameter)
    except (ValueError, OverflowError, TypeError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "is too large for a float"
        raise argument_error(
            function, [problem(location, message, written, _CHANGE_ALLOWED)]
        ) from None
    if not math.isfinite(change.amount):
        raise argument_error(
            function,
            [
                problem(
                    location,
                    "is too large a change (beyond a float's range, about 1.8e308)",
                    written,
                    _CHANGE_ALLOWED,
                )
            ],
        )
    return change


def moved_by(function: str, location: str, compute_figures: Any) -> Headline:
    """``compute_figures()``, an error in the figures it gives located at ``location``."""
    try:
        return compute_figures()
    except ModelError as exc:
        raise relocated(function, location, exc, "gives figures that cannot be computed") from None


def parameter_named(name: str, function: str = "", location: str = "parameter") -> Parameter:
    """The :class:`~sroi.changes.Parameter` called ``name``, or a ModelError naming the choices."""
    try:
        return PARAMETERS[name]
    except (KeyError, TypeError):
        guess = difflib.get_close_matches(name if isinstance(name, str) else "", [*PARAMETERS], n=1)
        hint = f"did you mean {guess[0]!r}? " if guess else ""
        found = Problem(location, f"{hint}allowed: " + ", ".join(PARAMETERS), name)
        if function:
            raise argument_error(function, [found]) from None
        raise ModelError([found]) from None


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
    def of(cls, model: Any, *, _caller: str = "", **evaluate_kwargs: Any) -> Base:
        """Evaluate ``model`` (a Model, mapping or path) and keep its arrays.

        A keyword that :func:`sroi.evaluate` does not take (a typo such as ``discount=``)
        is a ModelError about the arguments of ``_caller``, not a TypeError.
        """
        try:
            inspect.signature(evaluate).bind(model, **evaluate_kwargs)
        except TypeError:
            known = [
                name
                for name, p in inspect.signature(evaluate).parameters.items()
                if p.kind is inspect.Parameter.KEYWORD_ONLY
            ]
            raise argument_error(
                _caller or "evaluate",
                [
                    Problem(
                        name,
                        "is not an argument; sroi.evaluate() takes " + ", ".join(known),
                    )
                    for name in evaluate_kwargs
                    if name not in known
                ],
            ) from None
        result = evaluate(model, **evaluate_kwargs)
        c = result.computation
        return cls(result, c.outcomes, c.input_amounts, c.input_years, result.discount_rate)

    @property
    def model(self) -> Model:
        return self.result.model

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return self.model.outcome_ids

    @cached_property
    def _positions(self) -> dict[str, int]:
        """The position of each outcome id (the first, for an id given twice)."""
        positions: dict[str, int] = {}
        for i, oid in enumerate(self.ids):
            positions.setdefault(oid, i)
        return positions

    def index_of(self, outcome: str | None, function: str = "") -> int | None:
        """Position of the outcome with id ``outcome`` (None for every outcome); an unknown
        id is a ModelError (about the arguments of ``function``, when given)."""
        if outcome is None:
            return None
        try:
            found = self._positions.get(outcome)
        except TypeError:  # not hashable: not an id
            found = None
        if found is not None:
            return found
        text = outcome if isinstance(outcome, str) else ""
        guess = difflib.get_close_matches(text, self.ids, n=3)
        hint = f"; closest: {', '.join(guess)}" if guess else ""
        unknown = problem(
            "outcome", "is not an outcome id" + hint + "; ids: " + ", ".join(self.ids), outcome
        )
        if function:
            raise argument_error(function, [unknown]) from None
        raise ModelError([unknown]) from None

    def current(self, parameter: Parameter, index: int | None) -> np.ndarray | float:
        """The parameter's present setting(s): one outcome's, every outcome's, or the model's."""
        if parameter.name == "investment":
            return float(self.input_amounts.sum())
        if parameter.name == "discount_rate":
            return self.discount_rate  # type: ignore[return-value]
        self._refuse_yearly(_ARRAY_FIELDS[parameter.name])
        column = getattr(self.arrays, _ARRAY_FIELDS[parameter.name])
        return column.copy() if index is None else float(column[index])

    def _refuse_yearly(self, name: str) -> None:
        """Moving a figure some outcome gives year by year is not defined yet: say so."""
        if self.arrays.profiles and name in self.arrays.profiles:
            raise ModelError(
                [
                    Problem(
                        "parameter",
                        f"{name} is given year by year for some outcome; sensitivity analysis "
                        "of a yearly figure is not supported yet (move another figure, or give "
                        "one value for every year)",
                        name,
                    )
                ]
            )

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
        self._refuse_yearly(name)
        column = getattr(self.arrays, name).copy()
        if index is None:
            column[:] = setting
        else:
            column[index] = setting
        return self.figures(arrays=replace(self.arrays, **{name: column}))

    # One outcome moved, the others kept: each outcome's present value is its own (the
    # engine gives it per outcome), so moving one outcome needs the engine on that outcome
    # only, and the others' present value once. This keeps a search over every outcome's
    # settings linear in the number of outcomes.

    @cached_property
    def _present_value_by_outcome(self) -> tuple[np.ndarray, float]:
        """Each outcome's present value, and their total summed exactly (``math.fsum``)."""
        pv = np.asarray(self.result.computation.present_value_by_outcome, dtype=float)
        return pv, math.fsum(pv.tolist())

    def present_values_alone(self, parameter: Parameter, index: int, settings: Any) -> np.ndarray:
        """The present value of outcome ``index`` with ``parameter`` set to each of
        ``settings`` [money], from one call of the engine on that outcome alone (repeated,
        one row per setting). The engine's errors (a present value beyond float range, a
        horizon too long) are raised as for the whole model."""
        name = _ARRAY_FIELDS[parameter.name]
        self._refuse_yearly(name)
        column = np.asarray(settings, dtype=float).ravel()
        rows = np.zeros(column.size, dtype=np.int64) + index
        a = self.arrays

        def take(x: np.ndarray | None) -> np.ndarray | None:
            return None if x is None else np.asarray(x)[rows]

        fields = {
            f.name: take(getattr(a, f.name))
            for f in dataclasses.fields(OutcomeArrays)
            if f.name != "profiles"
        }
        fields[name] = column
        profiles = None if not a.profiles else {k: v[rows] for k, v in a.profiles.items()}
        return compute(
            OutcomeArrays(**fields, profiles=profiles),
            self.input_amounts,
            self.input_years,
            self.discount_rate,
            conventions=self.result.computation.conventions,
            check=False,
        ).present_value_by_outcome

    def with_outcome_value(self, index: int, present_value: float | np.ndarray) -> Headline:
        """The headline figures with outcome ``index``'s present value replaced (the
        others and the investment as they are), checked as :func:`sroi.engine.headline`;
        an array of present values gives one set of figures per element."""
        pv, total = self._present_value_by_outcome
        others = total - float(pv[index])
        investment = self.result.computation.total_investment
        if np.ndim(present_value):
            return headline(others + np.asarray(present_value, dtype=float), investment)
        return headline(others + float(present_value), investment)

    def moved_alone(self, parameter: Parameter, index: int, setting: Any) -> Headline:
        """:meth:`moved` for one outcome, with the engine run on that outcome only."""
        pv = self.present_values_alone(parameter, index, [setting])
        return self.with_outcome_value(index, float(pv[0]))

    def changed(self, parameter: Parameter, index: int | None, change: Change) -> Headline:
        """Figures with a :class:`~sroi.changes.Change` applied to the parameter."""
        return self.moved(parameter, index, self.apply(parameter, index, change))

    def apply(self, parameter: Parameter, index: int | None, change: Change) -> Any:
        """The setting(s) a change leads to, from the present ones.

        A setting that overflows (a value multiplied past float range) comes back as
        infinity, without a warning: the engine then refuses it with its location.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            return self._apply(parameter, index, change)

    def _apply(self, parameter: Parameter, index: int | None, change: Change) -> Any:
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

    def with_changes(
        self, changes: Mapping[str, Any], function: str = "compare_scenarios", where: str = ""
    ) -> Headline:
        """Figures with a scenario's changes applied together (see :mod:`sroi.changes`).

        A change that cannot be read, or that gives figures that cannot be computed, is a
        ModelError located at ``where`` followed by the change's key
        (``scenarios.low.outcomes.jobs.value``).
        """
        arrays = self.arrays
        investment = self.input_amounts
        rate = self.discount_rate
        fields: dict[str, np.ndarray] = {}
        for key, written in changes.items():
            if key == "outcomes":
                continue
            parameter = PARAMETERS[key]
            change = None
            if not (
                key == "discount_rate"
                and (
                    isinstance(written, (list, tuple))
                    or (isinstance(written, str) and written in SCHEDULES)
                )
            ):
                change = parse_at(function, f"{where}{key}", written, parameter)
            if key == "discount_rate":
                rate = written if change is None else self.apply(parameter, None, change)
            elif key == "investment":
                total = float(investment.sum())
                with np.errstate(over="ignore", invalid="ignore"):
                    new_total = float(change.apply(total, parameter))
                with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                    investment = investment * (new_total / total)
            else:
                name = _ARRAY_FIELDS[key]
                self._refuse_yearly(name)
                with np.errstate(over="ignore", invalid="ignore"):
                    fields[name] = change.apply(getattr(arrays, name), parameter)
        for oid, inner in (changes.get("outcomes") or {}).items():
            try:
                i = self.index_of(oid)
            except ModelError as exc:
                at = f"{where}outcomes.{oid if isinstance(oid, str) else show(oid)}"
                raise argument_error(function, [p.at(at) for p in exc.problems]) from None
            for key, written in inner.items():
                parameter = PARAMETERS[key]
                name = _ARRAY_FIELDS[key]
                self._refuse_yearly(name)
                column = fields.get(name, getattr(arrays, name)).copy()
                change = parse_at(function, f"{where}outcomes.{oid}.{key}", written, parameter)
                with np.errstate(over="ignore", invalid="ignore"):
                    column[i] = change.apply(column[i], parameter)
                fields[name] = column
        if fields:
            arrays = replace(arrays, **fields)
        if isinstance(rate, list):
            rate = tuple(rate)
        return moved_by(
            function,
            where.rstrip(".") or "scenario",
            lambda: self.figures(arrays=arrays, input_amounts=investment, discount_rate=rate),
        )
