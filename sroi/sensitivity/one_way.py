"""One-way sensitivity analysis and tornado tables.

One-way analysis moves one parameter while every other figure stays as in the model, and
reports the ratio, present value and NPV at each setting; a tornado table does the same for
a low and a high setting of several parameters and sorts them by how far they swing the
ratio.

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*, stage 5.4 "Sensitivity analysis".
.. [2] HM Treasury (2022). *The Green Book*, Annex A5 (sensitivity analysis).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.changes import Change
from sroi.errors import Problem
from sroi.sensitivity._base import (
    Base,
    argument_error,
    moved_by,
    parameter_named,
    parse_at,
    problem,
    real_number,
    sequence_of,
    show,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["READING_STEPS", "one_way", "reading_ranges", "tornado"]

DEFAULT_RELATIVE = (-0.2, -0.1, 0.0, 0.1, 0.2)


def _check_setting_allowed(parameter, outcome, values, function: str, location: str) -> None:
    if values is not None and outcome is None and parameter.name in ("value", "quantity"):
        raise argument_error(
            function,
            [
                Problem(
                    location,
                    f"one {parameter.name} for every outcome makes no sense (each has its own); "
                    "give `outcome=` or use `relative=`",
                )
            ],
        )


def _optional(values: list[float | None]) -> pd.api.extensions.ExtensionArray:
    """A column of figures where some are missing: pandas' nullable floats (missing is
    ``<NA>``, None in ``to_dict()`` and null in JSON; never NaN)."""
    import pandas as pd

    return pd.array(values, dtype="Float64")


def one_way(
    model: Any,
    parameter: str,
    values: Sequence[Any] | None = None,
    *,
    relative: Sequence[float] | None = None,
    outcome: str | None = None,
    **evaluate_kwargs: Any,
) -> pd.DataFrame:
    """Move one parameter and report the ratio, present value and NPV at each setting.

    Parameters
    ----------
    model : Model, mapping or path
        The model.
    parameter : str
        ``deadweight``, ``displacement``, ``attribution``, ``drop_off`` [fraction, 0-1];
        ``value`` [money / unit / year]; ``quantity`` [count]; ``duration`` [years];
        ``discount_rate`` [fraction]; ``investment`` (the total undiscounted investment
        [money], inputs scaled in proportion).
    values : sequence, optional
        Settings to try (numbers in the parameter's range), or changes written as in a
        scenario (``"+0.1"``, ``"-20%"``, ``"*0.8"``; see :mod:`sroi.changes`). For an
        outcome parameter they apply to ``outcome``, or to every outcome when ``outcome``
        is None (a setting is not allowed then for ``value`` and ``quantity``). A list,
        even of one: ``[0.5]``, not ``0.5``.
    relative : sequence of float, optional
        Proportional changes instead (``-0.2`` is 20 % lower; each at least ``-1``, which
        is 100 % lower), applied to each outcome's own setting and kept within the
        parameter's range. Default ``-0.2, -0.1, 0, 0.1, 0.2`` when ``values`` is not
        given.
    outcome : str, optional
        The id of the one outcome to move; default every outcome.
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate` (``discount_rate``, ``proxies``, ``price_year`` ...).

    Returns
    -------
    pandas.DataFrame
        One row per setting: ``parameter``, ``outcome`` (id, or ``"all"``), ``setting``
        (``<NA>`` where the outcomes' settings differ), ``relative_change`` (``<NA>`` for
        ``values``), ``present_value``, ``total_investment``, ``npv``, ``ratio``. Every
        figure is a finite number; ``setting`` and ``relative_change`` are nullable floats
        (``Float64``), missing where they do not apply, never NaN.

    Raises
    ------
    ModelError
        For a model that is not valid; and for an argument that is not (located at it:
        ``values[2]``, ``relative[0]``), or a setting whose figures cannot be computed (a
        present value beyond float range, an investment of 0), located at that setting.

    Examples
    --------
    The hand-worked model (PV £171,241.88 on £150,000) with deadweight 0, 25 % and 50 %:
    PV scales with ``1 - deadweight``, so 171,241.88 x 1 / 0.75 and x 0.5 / 0.75.

    >>> import sroi
    >>> m = {"name": "x", "inputs": [{"stakeholder": "a", "amount": 150_000}],
    ...      "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 100,
    ...                    "value": 1_000, "duration": 3, "deadweight": 0.25,
    ...                    "attribution": 0.1, "drop_off": 0.1}]}
    >>> t = sroi.sensitivity.one_way(m, "deadweight", [0.0, 0.25, 0.5])
    >>> t["present_value"].round(2).tolist()
    [228322.51, 171241.88, 114161.26]

    A change is reported with the setting it leads to:

    >>> sroi.sensitivity.one_way(m, "deadweight", ["+0.1"])["setting"].tolist()
    [0.35]
    >>> sroi.sensitivity.one_way(m, "deadweight", 0.5)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the arguments of one_way():
      values: must be a sequence such as [0.1, 0.2] or ['-20%', '+20%'], not float (write one
      setting as a list of one) (got 0.5)
    """
    import pandas as pd

    here = "one_way"
    if values is not None and relative is not None:
        raise argument_error(here, [Problem("values", "give `values` or `relative`, not both")])
    param = parameter_named(parameter, here)
    if values is not None:
        values = sequence_of(here, "values", values, "[0.1, 0.2] or ['-20%', '+20%']")
        changes = [parse_at(here, f"values[{i}]", v, param) for i, v in enumerate(values)]
    else:
        written = DEFAULT_RELATIVE if relative is None else relative
        written = sequence_of(here, "relative", written, "[-0.2, 0.2]")
        factors = [real_number(here, f"relative[{i}]", r, low=-1.0) for i, r in enumerate(written)]
    base = Base.of(model, _caller=here, **evaluate_kwargs)
    index = base.index_of(outcome, here) if param.scope == "outcome" else None
    rows = []
    if values is not None:
        for i, (v, change) in enumerate(zip(values, changes, strict=True)):
            if not change.relative:
                _check_setting_allowed(param, outcome, [v], here, f"values[{i}]")
            setting = base.apply(param, index, change)
            figures = moved_by(here, f"values[{i}]", lambda s=setting: base.moved(param, index, s))
            shown = float(change.amount) if not change.relative else _scalar(setting)
            rows.append((shown, None, figures))
    else:
        for i, r in enumerate(factors):
            change = Change("multiply", 1.0 + r, f"{r:+.0%}")
            setting = base.apply(param, index, change)
            figures = moved_by(
                here, f"relative[{i}]", lambda s=setting: base.moved(param, index, s)
            )
            rows.append((_scalar(setting), r, figures))
    return pd.DataFrame(
        {
            "parameter": param.name,
            "outcome": outcome if index is not None else "all",
            "setting": _optional([s for s, _, _ in rows]),
            "relative_change": _optional([r for _, r, _ in rows]),
            "present_value": [float(f.present_value) for _, _, f in rows],
            "total_investment": [float(f.total_investment) for _, _, f in rows],
            "npv": [float(f.npv) for _, _, f in rows],
            "ratio": [float(f.ratio) for _, _, f in rows],
        }
    )


def _scalar(setting: Any) -> float | None:
    """One setting as a float (the same for every outcome moved); None where the outcomes'
    settings differ, or for a schedule of rates."""
    if isinstance(setting, (tuple, list)):
        return None
    values = np.unique(np.asarray(setting, dtype=float))
    return float(values[0]) if values.size == 1 else None


READING_STEPS: dict[str, tuple[str, str]] = {
    "value": ("-20%", "+20%"),
    "deadweight": ("-0.1", "+0.1"),
    "displacement": ("-0.1", "+0.1"),
    "attribution": ("-0.1", "+0.1"),
    "drop_off": ("-0.1", "+0.1"),
    "duration": ("-1", "+1"),
    "investment": ("-20%", "+20%"),
}
"""The low and high ends of each estimate in :func:`reading_ranges`: the value a unit of
an outcome 20 % lower and higher [fraction of the value]; deadweight, displacement,
attribution and drop-off 10 percentage points lower and higher [fraction, 0-1, kept within
it]; every duration a year shorter and longer [years, never below 1]; the investment 20 %
lower and higher [fraction of the total]."""


def reading_ranges(
    model: Any, *, outcomes: int = 6, **evaluate_kwargs: Any
) -> dict[Any, tuple[str, str]]:
    """The ranges of the published report's tornado, for :func:`tornado`.

    Each estimate moves by a step a reader can picture (see :data:`READING_STEPS`):

    - the value of each of the ``outcomes`` largest outcomes (by the size of their present
      value) ± 20 % [fraction of the value], one outcome at a time;
    - deadweight, displacement, attribution and drop-off ± 10 percentage points
      [fraction, 0-1], on every outcome at once (kept within 0-1, so a deduction every
      outcome leaves at 0 moves only upwards);
    - every duration ± 1 year [years] (never below 1 year);
    - the investment ± 20 % [fraction of the total], inputs scaled in proportion.

    Parameters
    ----------
    model : Result, Model, mapping or path
        The model, or a result already evaluated (its model and present values are used).
    outcomes : int, default 6
        How many of the largest outcomes have their value moved.
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate` when ``model`` is not a result.

    Returns
    -------
    dict
        ``{("value", outcome_id): ("-20%", "+20%"), ..., "deadweight": ("-0.1", "+0.1"),
        ..., "duration": ("-1", "+1"), "investment": ("-20%", "+20%")}``, in that order.

    Examples
    --------
    >>> import sroi
    >>> m = {"name": "x", "inputs": [{"stakeholder": "a", "amount": 1_000}],
    ...      "outcomes": [{"id": "small", "stakeholder": "b", "outcome": "c", "quantity": 1,
    ...                    "value": 100, "duration": 2, "deadweight": 0.25},
    ...                   {"id": "big", "stakeholder": "b", "outcome": "d", "quantity": 10,
    ...                    "value": 100, "duration": 3, "deadweight": 0.25}]}
    >>> from sroi.sensitivity.one_way import reading_ranges
    >>> r = reading_ranges(m, outcomes=1)
    >>> r[("value", "big")], r["deadweight"], r["duration"], r["investment"]
    (('-20%', '+20%'), ('-0.1', '+0.1'), ('-1', '+1'), ('-20%', '+20%'))
    >>> ("value", "small") in r
    False

    Durations of 2 and 3 years become 1 and 2 years, then 3 and 4; the big outcome gives
    10 x 100 x 0.75 = £750 a year and the small one £75, undiscounted (discount rate 0),
    so (75 x 1 + 750 x 2) / 1,000 = 1.575 and (75 x 3 + 750 x 4) / 1,000 = 3.225.

    >>> t = sroi.sensitivity.tornado(m, r, discount_rate=0)
    >>> t.set_index("parameter").loc["duration", ["ratio_low", "ratio_high"]].tolist()
    [1.575, 3.225]
    """
    result = model
    if not hasattr(model, "by_outcome"):
        import sroi

        result = sroi.evaluate(model, **evaluate_kwargs)
    ids = result.model.outcome_ids
    pv = result.by_outcome["present_value"].to_numpy(dtype=float)
    order = sorted(range(len(ids)), key=lambda i: -abs(pv[i]))[:outcomes]
    ranges: dict[Any, tuple[str, str]] = {("value", ids[i]): READING_STEPS["value"] for i in order}
    for name in ("deadweight", "displacement", "attribution", "drop_off", "duration", "investment"):
        ranges[name] = READING_STEPS[name]
    return ranges


def _ranges_key(key: Any) -> tuple[Any, Any] | None:
    """``(parameter, outcome)`` from a key of ``ranges``, or None if it is neither form."""
    if isinstance(key, str):
        return key, None
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str):
        return key
    return None


def tornado(
    model: Any,
    ranges: Mapping[str | tuple[str, str], tuple[Any, Any]],
    **evaluate_kwargs: Any,
) -> pd.DataFrame:
    """The SROI ratio at a low and a high setting of each parameter, largest swing first.

    Parameters
    ----------
    model : Model, mapping or path
        The model.
    ranges : mapping
        ``{parameter: (low, high)}`` moves the parameter on every outcome;
        ``{(parameter, outcome_id): (low, high)}`` on one. Each end is a setting (a number)
        or a change such as ``"-20%"``, ``"+0.1"`` or ``"*0.8"`` (see :mod:`sroi.changes`).
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate`.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``outcome`` (None for every outcome), ``low``, ``high`` (as given),
        ``ratio_low``, ``ratio_high``, ``base_ratio`` and ``swing`` (``|ratio_high -
        ratio_low|``), sorted by swing, largest first; every ratio and swing a finite
        number. Plot it with :func:`sroi.plots.tornado`.

    Raises
    ------
    ModelError
        For a model that is not valid; and for ranges that are not (located at the key or
        the end: ``ranges['deadweight']``, ``ranges[('value', 'jobs')][1]``), including an
        end whose figures cannot be computed.

    Examples
    --------
    >>> import sroi
    >>> m = {"name": "x", "inputs": [{"stakeholder": "a", "amount": 150_000}],
    ...      "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 100,
    ...                    "value": 1_000, "duration": 3, "deadweight": 0.25}]}
    >>> t = sroi.sensitivity.tornado(m, {"deadweight": (0.15, 0.35), "value": ("-10%", "+10%")})
    >>> t[["parameter", "ratio_low", "ratio_high"]].round(3).values.tolist()
    [['deadweight', 1.588, 1.214], ['value', 1.261, 1.541]]
    >>> sroi.sensitivity.tornado(m, {"deadweight": 0.2})
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the arguments of tornado():
      ranges['deadweight']: must be a (low, high) pair (got 0.2)
    """
    import pandas as pd

    here = "tornado"
    if not isinstance(ranges, Mapping):
        raise argument_error(
            here,
            [
                problem(
                    "ranges",
                    "must map parameters (or (parameter, outcome id) pairs) to (low, high) "
                    f"pairs, not {type(ranges).__name__}",
                    ranges,
                )
            ],
        )
    if not ranges:
        raise argument_error(here, [Problem("ranges", "is empty; give at least one parameter")])
    plan = []
    for key, ends in ranges.items():
        where = f"ranges[{show(key)}]"
        parsed = _ranges_key(key)
        if parsed is None:
            raise argument_error(
                here,
                [
                    problem(
                        where, "a key is a parameter name or a (parameter, outcome id) pair", key
                    )
                ],
            )
        name, outcome = parsed
        param = parameter_named(name, here, where)
        if isinstance(ends, (str, bytes, Mapping)) or not isinstance(ends, Iterable):
            pair = None
        else:
            pair = list(ends)
        if pair is None or len(pair) != 2:
            raise argument_error(here, [problem(where, "must be a (low, high) pair", ends)])
        changes = [parse_at(here, f"{where}[{i}]", end, param) for i, end in enumerate(pair)]
        plan.append((where, name, outcome, param, pair, changes))
    base = Base.of(model, _caller=here, **evaluate_kwargs)
    base_ratio = base.result.ratio
    rows = []
    for where, _, outcome, param, (low, high), changes in plan:
        index = base.index_of(outcome, here) if param.scope == "outcome" else None
        ratios = []
        for i, (end, change) in enumerate(zip((low, high), changes, strict=True)):
            if not change.relative:
                _check_setting_allowed(
                    param, outcome if index is not None else None, [end], here, f"{where}[{i}]"
                )
            figures = moved_by(
                here, f"{where}[{i}]", lambda c=change, p=param, k=index: base.changed(p, k, c)
            )
            ratios.append(float(figures.ratio))
        with np.errstate(over="ignore"):
            swing = abs(np.float64(ratios[1]) - np.float64(ratios[0]))
        if not np.isfinite(swing):
            raise argument_error(
                here,
                [
                    Problem(
                        where,
                        f"gives ratios {ratios[0]:.4g} and {ratios[1]:.4g}, too far apart for "
                        "their difference to be a float",
                    )
                ],
            )
        rows.append(
            {
                "parameter": param.name,
                "outcome": outcome if index is not None else None,
                "low": low,
                "high": high,
                "ratio_low": ratios[0],
                "ratio_high": ratios[1],
                "base_ratio": base_ratio,
                "swing": float(swing),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "parameter",
            "outcome",
            "low",
            "high",
            "ratio_low",
            "ratio_high",
            "base_ratio",
            "swing",
        ],
    )
    # pandas would show a missing outcome as NaN; keep None ("every outcome").
    frame["outcome"] = pd.Series([row["outcome"] for row in rows], dtype=object)
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
