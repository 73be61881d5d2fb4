"""Switching values: how far each estimate must move before the ratio reaches a target.

The SROI Guide asks how much each estimate would have to change to bring the ratio to
1:1; the Green Book calls these *switching values*. Where the present value is linear in
the parameter (quantity, value, deadweight, displacement, attribution, and the investment)
the switching value has a closed form, found from two evaluations and checked by a third;
otherwise (drop-off, the discount rate) a bracketed root-finder (Brent's method) finds it.
When one outcome's setting moves, only that outcome is re-evaluated (each outcome's present
value is its own; the others' is read once), so :func:`switching_values` takes time in
proportion to the number of outcomes.
When no value in the parameter's allowed range reaches the target, the answer is ``None``
with the reason, not an exception or an extrapolated number; so it is when the switching
value lies beyond what a float can hold, or the ratio cannot be computed on the way to it.

What moves:

- ``outcome=<id>``: that outcome's setting (a deduction, value, quantity, duration ...); a
  ``value`` may fall to zero but not change sign (a benefit does not become a cost);
- ``outcome=None`` for an outcome parameter: every outcome together, by the same **shift**
  for fractions and durations (every deadweight ten points higher is a shift of ``+0.1``)
  and by the same **factor** for ``value`` and ``quantity`` (0.8 is 20 % lower);
- ``investment``: the total investment (inputs scaled in proportion);
- ``discount_rate``: a constant rate.

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stage 5.4 "Sensitivity analysis".
.. [2] HM Treasury (2022). *The Green Book*, section 5 and Annex A5 ("switching values").
.. [3] R. P. Brent (1973). *Algorithms for Minimization without Derivatives*, ch. 4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from sroi.changes import PARAMETERS, Parameter
from sroi.errors import ModelError
from sroi.sensitivity._base import Base, parameter_named, real_number

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SwitchingValue", "switching_value", "switching_values"]

_WHOLE_YEARS_LIMIT = 200


@dataclass(frozen=True)
class SwitchingValue:
    """Where a parameter must move for the SROI ratio to reach a target.

    Attributes
    ----------
    parameter : str
    outcome : str or None
        The outcome moved, or None for every outcome (or a model parameter).
    measure : {"setting", "shift", "factor"}
        What ``base`` and ``value`` are: a setting of the parameter, a shift added to every
        outcome's setting, or a factor multiplying every outcome's setting.
    base : float or None
        The present setting (0 for a shift, 1 for a factor); None for the discount rate of
        a model that discounts with a schedule (then ``value`` is None too).
    value : float or None
        The switching value, or None when no value in the allowed range reaches the target.
    target_ratio : float
    ratio_at_value : float or None
        The ratio re-evaluated at ``value`` (equal to the target for continuous parameters;
        for whole years, the ratio at the first whole year past the target).
    reason : str or None
        Why there is no switching value, or a remark on how it was found.
    """

    parameter: str
    outcome: str | None
    measure: Literal["setting", "shift", "factor"]
    base: float | None
    value: float | None
    target_ratio: float
    ratio_at_value: float | None
    reason: str | None = None

    @property
    def change(self) -> float | None:
        """``value - base`` (in the parameter's unit, or as a shift or factor change);
        None where there is no switching value (or the difference overflows a float)."""
        if self.value is None or self.base is None:
            return None
        return _finite(np.float64(self.value) - np.float64(self.base))

    @property
    def relative_change(self) -> float | None:
        """``change / base`` where ``base`` is not 0 [fraction]; None where there is no
        switching value (or the change is too large against the base for a float)."""
        change = self.change
        if change is None or not self.base:
            return None
        return _finite(np.float64(change) / abs(np.float64(self.base)))


def _finite(x: np.floating) -> float | None:
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(x)
    return value if math.isfinite(value) else None


def _measure(param: Parameter, index: int | None) -> str:
    if param.scope == "model" or index is not None:
        return "setting"
    return "factor" if param.name in ("value", "quantity") else "shift"


def _domain(param: Parameter, base: Base, index: int | None, measure: str) -> tuple[float, float]:
    if measure == "factor":
        return 0.0, math.inf
    if param.name == "value" and measure == "setting":
        # A proxy may fall to zero but not change sign: a benefit does not become a cost.
        return (0.0, math.inf) if base.current(param, index) >= 0 else (-math.inf, 0.0)
    if measure == "shift":
        current = base.current(param, None)
        return param.low - float(np.max(current)), param.high - float(np.min(current))
    return param.low, param.high


def _evaluator(param: Parameter, base: Base, index: int | None, measure: str):
    if measure == "setting" and index is not None:
        # One outcome moves: the engine runs on that outcome alone, the others' present
        # value is read once (Base.moved_alone), so each step costs the same whatever the
        # number of outcomes.
        if param.whole:
            return _whole_year_ratios(param, base, index)
        return lambda x: base.moved_alone(param, index, x).ratio
    if measure == "setting":
        return lambda x: base.moved(param, index, x).ratio
    current = base.current(param, None)
    if measure == "factor":
        return lambda x: base.moved(param, None, current * x).ratio
    return lambda x: base.moved(param, None, np.clip(current + x, param.low, param.high)).ratio


def _whole_year_ratios(param: Parameter, base: Base, index: int):
    """The ratio at each whole-year setting of one outcome that :func:`_whole_years` may
    try, its present values from one call of the engine (the outcome repeated with each
    setting); a setting the engine refuses is evaluated on its own when asked for, so that
    the search stops at it with the engine's reason as before."""
    start = float(base.current(param, index))
    lo, hi = param.low, param.high
    settings = sorted(
        {
            x
            for step in range(_WHOLE_YEARS_LIMIT + 1)
            for x in (start - step, start + step)
            if lo <= x <= hi
        }
    )
    try:
        # Every setting's figures at once; checked together, so that a setting whose
        # figures cannot be computed is left to be refused on its own when the search
        # reaches it.
        values = base.present_values_alone(param, index, settings)
        ratios = base.with_outcome_value(index, values).ratio
        table = dict(zip(settings, np.asarray(ratios, dtype=float).tolist(), strict=True))
    except (ModelError, FloatingPointError, OverflowError, ZeroDivisionError):
        table = {}

    def ratio(x: float) -> float:
        if x in table:
            return table[x]
        return base.moved_alone(param, index, x).ratio

    return ratio


def switching_value(
    model: Any,
    parameter: str,
    outcome: str | None = None,
    *,
    target_ratio: float = 1.0,
    **evaluate_kwargs: Any,
) -> SwitchingValue:
    """The value of ``parameter`` at which the SROI ratio reaches ``target_ratio``.

    Parameters
    ----------
    model : Model, mapping or path
        The model.
    parameter : str
        One of :data:`sroi.changes.PARAMETERS`.
    outcome : str, optional
        The id of the outcome to move; default every outcome together (see the module
        docstring for what that means for each parameter).
    target_ratio : float, default 1.0
        The ratio to reach [money per unit invested]; 1.0 is break-even.
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate`.

    Returns
    -------
    SwitchingValue
        With ``value`` None and a ``reason`` when no value in the allowed range reaches the
        target (or the value that would is beyond a float's range, or the ratio cannot be
        computed on the way to it). Every number in it is finite.

    Raises
    ------
    ModelError
        For a model that is not valid, an unknown parameter or outcome id, or a
        ``target_ratio`` that is not a finite number (located at ``target_ratio``).

    Examples
    --------
    The hand-worked model's ratio is 1.1416; deadweight would have to rise from 25 % to
    about 34.3 % for it to fall to 1:1 (PV is proportional to ``1 - deadweight``, so
    ``1 - dw = 0.75 / 1.1416``):

    >>> import sroi
    >>> m = {"name": "x", "inputs": [{"stakeholder": "a", "amount": 150_000}],
    ...      "outcomes": [{"id": "jobs", "stakeholder": "b", "outcome": "c", "quantity": 100,
    ...                    "value": 1_000, "duration": 3, "deadweight": 0.25,
    ...                    "attribution": 0.1, "drop_off": 0.1}]}
    >>> sv = sroi.sensitivity.switching_value(m, "deadweight", "jobs")
    >>> round(sv.value, 4), round(1 - 0.75 / 1.1416126, 4)
    (0.343, 0.343)
    """
    here = "switching_value"
    target = real_number(here, "target_ratio", target_ratio)
    param = parameter_named(parameter, here)
    base = Base.of(model, _caller=here, **evaluate_kwargs)
    return _switching(base, param, outcome, target, here)


def _switching(
    base: Base, param: Parameter, outcome: str | None, target: float, function: str = ""
) -> SwitchingValue:
    index = base.index_of(outcome, function) if param.scope == "outcome" else None
    measure = _measure(param, index)
    if param.name == "discount_rate" and not isinstance(base.discount_rate, (int, float)):
        return _none(
            param,
            outcome,
            measure,
            None,
            target,
            "the model discounts with a schedule; switching values need one constant rate",
        )
    start = _start(base, param, index, measure)
    try:
        found = _search(base, param, outcome, index, measure, start, target)
    except (ModelError, FloatingPointError, OverflowError, ZeroDivisionError) as exc:
        # The ratio could not be computed at a setting on the way (a present value beyond
        # float range, say): there is no switching value to report, and this is why.
        why = exc.problems[0].message if isinstance(exc, ModelError) else str(exc)
        return _none(
            param,
            outcome if index is not None else None,
            measure,
            start,
            target,
            f"no {param.name} that can be computed reaches a ratio of {target:g} ({why})",
        )
    if found.value is not None and not (
        math.isfinite(found.value)
        and found.ratio_at_value is not None
        and math.isfinite(found.ratio_at_value)
    ):
        return _none(
            param,
            found.outcome,
            measure,
            start,
            target,
            f"the {param.name} that gives a ratio of {target:g} is beyond a float's range",
        )
    return found


def _start(base: Base, param: Parameter, index: int | None, measure: str) -> float:
    if measure == "setting":
        return float(base.current(param, index))
    return 1.0 if measure == "factor" else 0.0


def _search(
    base: Base,
    param: Parameter,
    outcome: str | None,
    index: int | None,
    measure: str,
    start: float,
    target: float,
) -> SwitchingValue:
    ratio = _evaluator(param, base, index, measure)
    lo, hi = _domain(param, base, index, measure)
    current = ratio(start)

    def result(value: float | None, reason: str | None = None) -> SwitchingValue:
        at = None if value is None else ratio(value)
        return SwitchingValue(
            param.name,
            outcome if index is not None else None,
            measure,
            start,
            value,
            target,
            at,
            reason,
        )

    if current == target:
        return result(start, "the ratio is already at the target")
    if param.whole:
        return _whole_years(param, outcome, index, measure, start, ratio, target, lo, hi, result)
    if param.name == "investment":
        # ratio = PV / I, and I is proportional to the total: total* = total x ratio / target.
        if target <= 0:
            return _none(
                param,
                outcome,
                measure,
                start,
                target,
                "a target ratio at or below 0 cannot be reached by changing the investment",
            )
        with np.errstate(over="ignore"):
            value = float(np.float64(start) * current / target)
        if value <= 0:
            return _none(
                param,
                outcome,
                measure,
                start,
                target,
                "the present value is not above 0, so no investment gives the target",
            )
        return result(value)
    if param.linear:
        # Two evaluations fix the line; a third (in result()) checks it.
        probe = _probe(start, lo, hi)
        r1 = ratio(probe)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            slope = float((np.float64(r1) - current) / (np.float64(probe) - start))
        if slope == 0:
            return _none(
                param,
                outcome,
                measure,
                start,
                target,
                f"the ratio does not depend on {param.name} here "
                "(the outcome has no value to move)",
            )
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            value = float(start + (np.float64(target) - current) / slope)
        if not math.isfinite(slope) or math.isnan(value):
            return _bracketed(param, outcome, index, measure, start, ratio, target, lo, hi, result)
        if math.isinf(value) and lo <= value <= hi:
            return _none(
                param,
                outcome,
                measure,
                start,
                target,
                f"the {param.name} that gives a ratio of {target:g} is beyond a float's range",
            )
        if not lo <= value <= hi:
            edge = lo if value < lo else hi
            return _none(
                param,
                outcome,
                measure,
                start,
                target,
                f"no {param.name} in [{lo:g}, {hi:g}] reaches a ratio of {target:g}: "
                f"at {edge:g} the ratio is {ratio(edge):.4g}",
            )
        checked = ratio(value)
        # Where present values nearly cancel (a large disbenefit against large benefits)
        # the line's estimate can miss by more than this; the bracketing search below then
        # finds the root to full precision, stepping out into an open range if need be.
        if abs(checked - target) <= 1e-9 * max(1.0, abs(target)):
            return result(value)
    return _bracketed(param, outcome, index, measure, start, ratio, target, lo, hi, result)


def _probe(start: float, lo: float, hi: float) -> float:
    """A second point inside [lo, hi], away from ``start``, to fix a line.

    A step of 1 is lost on a large setting (``1e17 + 1 == 1e17``): then the step is half
    the setting, towards 0 (inside the range of a quantity, a value or a factor).
    """
    if hi - start >= start - lo:
        probe = start + (1.0 if math.isinf(hi) else (hi - start) / 2)
    else:
        probe = start - (1.0 if math.isinf(lo) else (start - lo) / 2)
    if probe == start and start != 0 and lo <= start / 2 <= hi:
        probe = start / 2
    return probe


def _none(param, outcome, measure, start, target, reason) -> SwitchingValue:
    """No switching value, with the reason."""
    return SwitchingValue(param.name, outcome, measure, start, None, target, None, reason)


def _bracketed(param, outcome, index, measure, start, ratio, target, lo, hi, result):
    from scipy.optimize import brentq

    f = lambda x: ratio(x) - target  # noqa: E731
    f_start = f(start)
    roots = []
    for end in (lo, hi):
        if end == start:
            continue
        near = start
        if not math.isfinite(end):
            # an open range: step out from the setting, doubling, until the sign changes
            found = _far_end(f, start, f_start, 1.0 if end > start else -1.0)
            if found is None:
                continue
            near, end = found
        f_end = f(end)
        if f_end == 0:
            roots.append(end)
        elif np.sign(f_end) != np.sign(f_start):
            a, b = sorted((near, end))
            roots.append(brentq(f, a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500))
    if not roots:
        ends = ", ".join(f"{ratio(e):.4g} at {e:g}" for e in (lo, hi) if math.isfinite(e))
        return _none(
            param,
            outcome if index is not None else None,
            measure,
            start,
            target,
            f"no {param.name} in [{lo:g}, {hi:g}] reaches a ratio of {target:g} "
            f"(the ratio is {ends})",
        )
    return result(min(roots, key=lambda x: abs(x - start)))


def _far_end(f, start: float, f_start: float, direction: float) -> tuple[float, float] | None:
    """Two points of an open range, the second where ``f`` changes sign (or is 0).

    Steps of ``max(1, |start|)`` doubling from ``start`` in ``direction``, at most 64
    times (beyond 2**64 times the setting, no switching value is of use); None if the
    sign never changes.
    """
    step = max(1.0, abs(start))
    previous = start
    for k in range(65):
        x = start + direction * step * 2.0**k
        if not math.isfinite(x):
            return None
        fx = f(x)
        if fx == 0 or np.sign(fx) != np.sign(f_start):
            return previous, x
        previous = x
    return None


def _whole_years(param, outcome, index, measure, start, ratio, target, lo, hi, result):
    above = ratio(start) > target
    for step in range(1, _WHOLE_YEARS_LIMIT + 1):
        for x in (start - step, start + step):
            if not lo <= x <= hi:
                continue
            if (ratio(x) > target) != above:
                return result(
                    float(x),
                    "duration is whole years: this is the nearest whole-year change that "
                    f"takes the ratio past {target:g}",
                )
    return _none(
        param,
        outcome if index is not None else None,
        measure,
        start,
        target,
        f"no whole-year {param.name} change within {_WHOLE_YEARS_LIMIT} years takes the "
        f"ratio past {target:g}",
    )


def switching_values(
    model: Any, *, target_ratio: float = 1.0, **evaluate_kwargs: Any
) -> pd.DataFrame:
    """The SROI Guide's table: the switching value of every estimate of every outcome.

    Rows for each outcome and each of ``quantity``, ``value``, ``deadweight``,
    ``displacement``, ``attribution``, ``drop_off`` and ``duration``, then the model's
    ``investment`` and (for a constant rate) ``discount_rate``.

    Parameters
    ----------
    model : Model, mapping or path
        The model.
    target_ratio : float, default 1.0
        The ratio to reach [money per unit invested]; 1.0 is break-even.
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate`.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``outcome``, ``measure``, ``base``, ``switching_value``, ``change``,
        ``relative_change``, ``ratio_at_value``, ``reason``. The figures are nullable floats
        (``Float64``): ``<NA>`` (None in ``to_dict()``) where there is no switching value,
        with the ``reason``; never NaN or infinity.

    Raises
    ------
    ModelError
        For a model that is not valid, or a ``target_ratio`` that is not a finite number.

    Examples
    --------
    >>> import sroi
    >>> m = {"name": "x", "inputs": [{"stakeholder": "a", "amount": 150_000}],
    ...      "outcomes": [{"id": "jobs", "stakeholder": "b", "outcome": "c", "quantity": 100,
    ...                    "value": 1_000, "duration": 3, "deadweight": 0.25}]}
    >>> t = sroi.sensitivity.switching_values(m, target_ratio=1.5).set_index("parameter")
    >>> round(float(t.loc["deadweight", "switching_value"]), 4)
    0.1969
    >>> import pandas as pd
    >>> t.loc["attribution", "switching_value"] is pd.NA
    True
    >>> print(t.loc["attribution", "reason"])
    no attribution in [0, 1] reaches a ratio of 1.5: at 0 the ratio is 1.401
    """
    import pandas as pd

    here = "switching_values"
    target = real_number(here, "target_ratio", target_ratio)
    base = Base.of(model, _caller=here, **evaluate_kwargs)
    found: list[SwitchingValue] = []
    for oid in base.ids:
        for name in (
            "quantity",
            "value",
            "deadweight",
            "displacement",
            "attribution",
            "drop_off",
            "duration",
        ):
            found.append(_switching(base, PARAMETERS[name], oid, target))
    found.append(_switching(base, PARAMETERS["investment"], None, target))
    found.append(_switching(base, PARAMETERS["discount_rate"], None, target))

    def figures(values: list[float | None]) -> pd.api.extensions.ExtensionArray:
        return pd.array(values, dtype="Float64")

    return pd.DataFrame(
        {
            "parameter": [s.parameter for s in found],
            "outcome": pd.Series([s.outcome for s in found], dtype=object),
            "measure": [s.measure for s in found],
            "base": figures([s.base for s in found]),
            "switching_value": figures([s.value for s in found]),
            "change": figures([s.change for s in found]),
            "relative_change": figures([s.relative_change for s in found]),
            "ratio_at_value": figures([s.ratio_at_value for s in found]),
            "reason": pd.Series([s.reason for s in found], dtype=object),
        }
    )
