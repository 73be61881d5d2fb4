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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.changes import Change, parse_change
from sroi.errors import ModelError, Problem
from sroi.sensitivity._base import Base, parameter_named

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["one_way", "tornado"]

DEFAULT_RELATIVE = (-0.2, -0.1, 0.0, 0.1, 0.2)


def _check_setting_allowed(parameter, outcome, values) -> None:
    if values is not None and outcome is None and parameter.name in ("value", "quantity"):
        raise ModelError(
            [
                Problem(
                    "values",
                    f"one {parameter.name} for every outcome makes no sense (each has its own); "
                    "give `outcome=` or use `relative=`",
                )
            ]
        )


def one_way(
    model: Any,
    parameter: str,
    values: Sequence[float] | None = None,
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
    values : sequence of float, optional
        Settings to try. For an outcome parameter they apply to ``outcome``, or to every
        outcome when ``outcome`` is None (not allowed for ``value`` and ``quantity``).
    relative : sequence of float, optional
        Proportional changes instead (``-0.2`` is 20 % lower), applied to each outcome's own
        setting and kept within the parameter's range. Default ``-0.2, -0.1, 0, 0.1, 0.2``
        when ``values`` is not given.
    outcome : str, optional
        The id of the one outcome to move; default every outcome.
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate` (``discount_rate``, ``proxies``, ``price_year`` ...).

    Returns
    -------
    pandas.DataFrame
        One row per setting: ``parameter``, ``outcome`` (id, or ``"all"``), ``setting``
        (NaN where it differs by outcome), ``relative_change``, ``present_value``,
        ``total_investment``, ``npv``, ``ratio``.

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
    """
    import pandas as pd

    base = Base.of(model, **evaluate_kwargs)
    param = parameter_named(parameter)
    index = base.index_of(outcome) if param.scope == "outcome" else None
    if values is not None and relative is not None:
        raise ModelError([Problem("values", "give `values` or `relative`, not both")])
    _check_setting_allowed(param, outcome, values)
    rows = []
    if values is not None:
        for v in values:
            try:
                change = parse_change(v, param)
            except ValueError as exc:
                raise ModelError([Problem("values", str(exc), v)]) from None
            figures = base.changed(param, index, change)
            rows.append((float(v), np.nan, figures))
    else:
        for r in DEFAULT_RELATIVE if relative is None else relative:
            change = Change("multiply", 1.0 + float(r), f"{float(r):+.0%}")
            setting = base.apply(param, index, change)
            single = np.ndim(setting) == 0
            figures = base.moved(param, index, setting)
            rows.append((float(setting) if single else np.nan, float(r), figures))
    return pd.DataFrame(
        {
            "parameter": param.name,
            "outcome": outcome if index is not None else "all",
            "setting": [s for s, _, _ in rows],
            "relative_change": [r for _, r, _ in rows],
            "present_value": [f.present_value for _, _, f in rows],
            "total_investment": [f.total_investment for _, _, f in rows],
            "npv": [f.npv for _, _, f in rows],
            "ratio": [f.ratio for _, _, f in rows],
        }
    )


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
        ratio_low|``), sorted by swing, largest first. Plot it with
        :func:`sroi.plots.tornado`.
    """
    import pandas as pd

    base = Base.of(model, **evaluate_kwargs)
    base_ratio = base.result.ratio
    rows = []
    for key, ends in ranges.items():
        name, outcome = (key, None) if isinstance(key, str) else key
        param = parameter_named(name)
        index = base.index_of(outcome) if param.scope == "outcome" else None
        try:
            low, high = ends
        except (TypeError, ValueError):
            raise ModelError(
                [Problem(f"ranges[{key!r}]", "must be a (low, high) pair", ends)]
            ) from None
        ratios = []
        for end in (low, high):
            try:
                change = parse_change(end, param)
            except ValueError as exc:
                raise ModelError([Problem(f"ranges[{key!r}]", str(exc), end)]) from None
            if not change.relative:
                _check_setting_allowed(param, outcome if index is not None else None, [end])
            ratios.append(base.changed(param, index, change).ratio)
        rows.append(
            {
                "parameter": param.name,
                "outcome": outcome if index is not None else None,
                "low": low,
                "high": high,
                "ratio_low": ratios[0],
                "ratio_high": ratios[1],
                "base_ratio": base_ratio,
                "swing": abs(ratios[1] - ratios[0]),
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
