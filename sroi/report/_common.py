"""What the HTML, Markdown and Excel reports share: formats, anchors, headline and method.

Every function here is pure: a :class:`~sroi.result.Result` (or a figure) in, plain data
or text out. Escaping is left to each writer (Jinja2 autoescape for HTML, :func:`md` in
:mod:`sroi.report.markdown`, text cells in :mod:`sroi.report.excel`).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi._version import __version__
from sroi.errors import ModelError, Problem
from sroi.formatting import (
    deductions_text,
    describe_bearers,
    discount_rate_text,
    discounted_payback_text,
    money,
    number,
    payback_text,
    percent,
    quantity,
    ratio_text,
)
from sroi.vocabulary import INPUT_KINDS

__all__ = [
    "KIND_LABELS",
    "area_anchor",
    "bearer_text",
    "claims",
    "deductions",
    "headline",
    "impact_rows",
    "input_anchor",
    "method",
    "money",
    "outcome_anchor",
    "output_anchor",
    "percent",
    "quantity",
    "ratio_text",
    "require_finite",
    "share",
    "title",
    "who_benefits",
]

if TYPE_CHECKING:  # pragma: no cover
    from sroi.result import Result

KIND_LABELS = dict(INPUT_KINDS)
"""``"volunteer_time"`` -> ``"Volunteer time"``."""

_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


# --------------------------------------------------------------------------------------
# Every figure published is a number

_FIGURE_COLUMNS = frozenset(
    {
        "quantity",
        "value",
        "start_year",
        "duration",
        "deadweight",
        "displacement",
        "attribution",
        "drop_off",
        "gross",
        "after_deadweight",
        "after_displacement",
        "after_attribution",
        "total_impact",
        "present_value",
    }
)
"""Impact-map columns that always hold a figure (elsewhere a blank, NaN, means "not
applicable", as ``proxy_value`` for an outcome valued without a proxy)."""


def require_finite(result: Result, what: str = "the report", *, shares: bool = False) -> None:
    """Refuse to publish a figure that is not a finite number (NaN or infinity).

    The engine refuses such figures when it evaluates a model, so none should reach a
    writer; if one ever does (a bug, or a result changed by hand), every writer (HTML,
    Markdown, Excel, the command line's table, JSON and CSV) stops with a located
    :class:`~sroi.errors.ModelError` rather than publish it or fail with another error.

    An outcome's ``share_of_present_value`` is a share, not a figure: when benefits and
    disbenefits cancel out to nearly nothing it can overflow, and the writers show it
    blank (see :func:`share`); only with ``shares=True`` (for output that cannot leave it
    blank) is it refused too.

    Parameters
    ----------
    result : Result
        The evaluation about to be written.
    what : str, default "the report"
        What was being written, for the message.
    shares : bool, default False
        Also refuse a non-finite ``share_of_present_value``.

    Raises
    ------
    ModelError
        Naming each figure: ``results.ratio``, ``outcomes[2].present_value`` or
        ``by_year[3].discount_factor``.

    Examples
    --------
    >>> import sroi
    >>> r = sroi.evaluate({"name": "x", "inputs": [{"stakeholder": "a", "amount": 100}],
    ...     "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 1,
    ...                   "value": 110, "duration": 1}]})
    >>> require_finite(r) is None
    True
    """
    problems: list[Problem] = []

    def refuse(location: str, value: Any) -> None:
        problems.append(
            Problem(
                location,
                f"is {float(value)!r}, not a finite number, so {what} cannot show it (sroi "
                "refuses such figures when it evaluates a model; please report how this "
                "one was made)",
            )
        )

    for name, value in result.headline().items():
        if value is not None and not math.isfinite(value):
            refuse(f"results.{name}", value)
    table = result.by_outcome
    for column in table.columns:
        values = _floats(table[column])
        if values is None:
            continue
        if column == "share_of_present_value" and not shares:
            continue
        with np.errstate(invalid="ignore"):
            bad = np.isinf(values) if column not in _FIGURE_COLUMNS else ~np.isfinite(values)
        for i in np.flatnonzero(bad)[:20]:
            refuse(f"outcomes[{i}].{column}", values[i])
    years = result.by_year
    for column in years.columns:
        values = _floats(years[column])
        if values is None:
            continue
        for i in np.flatnonzero(~np.isfinite(values))[:20]:
            refuse(f"by_year[{int(years['year'].iloc[i])}].{column}", values[i])
    if problems:
        raise ModelError(problems, title=f"the figures of {what}")


def share(part: float, whole: float) -> float | None:
    """``part / whole`` [fraction], or None where that is not a finite number.

    None when ``whole`` is 0 (or either is not a number), and when benefits and disbenefits
    cancel out so nearly that the share overflows: a share is then not meaningful, and the
    reports leave it blank.

    Examples
    --------
    >>> share(25.0, 100.0), share(5.0, 0.0), share(1e300, 1e-300)
    (0.25, None, None)
    """
    if not whole:
        return None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = float(np.float64(part) / np.float64(whole))
    return value if math.isfinite(value) else None


def _floats(column: Any) -> np.ndarray | None:
    """A numeric column as floats, or None for a column of text."""
    import pandas as pd

    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    return column.to_numpy(dtype=float, na_value=np.nan)


# --------------------------------------------------------------------------------------
# Formats: money, ratio_text, quantity and percent are those of sroi.formatting.


def deductions(row: Any) -> str:
    """Deadweight / displacement / attribution / drop-off in per cent: ``30/0/15/0``."""
    return deductions_text(
        row[k] for k in ("deadweight", "displacement", "attribution", "drop_off")
    )


# --------------------------------------------------------------------------------------
# Anchors (made by the library, never from raw user text, so they are safe in HTML)


def outcome_anchor(outcome_id: str, index: int) -> str:
    """The HTML id of an outcome's impact-map row.

    ``outcome-<id>`` when the id is plain (a letter, then letters, digits, ``_ . -``),
    else ``outcome-<position from 1>``; plain ids start with a letter, so the two never
    collide.

    >>> outcome_anchor("advice_gp", 1), outcome_anchor("<b>", 1)
    ('outcome-advice_gp', 'outcome-2')
    """
    if _PLAIN_ID.fullmatch(outcome_id):
        return f"outcome-{outcome_id}"
    return f"outcome-{index + 1}"


def input_anchor(index: int) -> str:
    """The HTML id of an input's row: ``input-0`` for ``inputs[0]``."""
    return f"input-{index}"


def output_anchor(index: int) -> str:
    """The HTML id of an output's row: ``output-0`` for ``outputs[0]``."""
    return f"output-{index}"


def area_anchor(position: int) -> str:
    """The HTML id of an area's section (position from 0)."""
    return f"area-{position + 1}"


# --------------------------------------------------------------------------------------
# Content


def title(result: Result) -> str:
    """``"Social accounts: <model name>"``."""
    return f"Social accounts: {result.model.name}"


def headline(result: Result) -> list[tuple[str, str]]:
    """The headline figures as ``(label, text)`` pairs, ratio first."""
    cur = result.currency
    payback, dpayback = result.payback_months, result.discounted_payback_years
    return [
        ("SROI ratio", ratio_text(result.ratio, cur)),
        ("Present value of outcomes", money(result.present_value, cur)),
        ("Total investment (present value)", money(result.total_investment, cur)),
        ("Net present value", money(result.npv, cur)),
        ("Net SROI ratio", ratio_text(result.net_ratio, cur)),
        ("Payback", payback_text(payback)),
        ("Discounted payback", discounted_payback_text(dpayback)),
    ]


def method(result: Result) -> dict[str, Any]:
    """Method notes: parameters, conventions and the proxies used, from ``to_dict()``."""
    try:
        d = result.to_dict()
    except ValueError as exc:  # a figure to_dict() cannot hold: say which, located
        require_finite(result, "the report", shares=True)
        raise ModelError([Problem("results", f"cannot be written: {exc}")]) from None
    p = d["parameters"]
    prices = p["price_year"]
    restated = (
        p["model_price_year"] is not None
        and prices is not None
        and str(p["model_price_year"]) != str(prices)
    )
    settings = [
        ("Discount rate", discount_rate_text(result.discount_rate)),
        ("Discount rate from", "the model" if p["discount_rate_from"] == "model" else "the user"),
        ("Currency", p["currency"]),
        ("Price year", "not stated" if prices is None else str(prices)),
    ]
    if restated:
        settings.append(
            (
                "Restated from",
                f"{p['model_price_year']} prices (index {p['model_price_index']:.4f})",
            )
        )
    settings += [
        ("GDP deflator series", p["deflator"]),
        ("Horizon", f"{p['horizon_years']} years"),
        ("sroi version", d["sroi_version"]),
    ]
    proxies = d["proxies"] or {}
    used = [
        {
            "id": pid,
            "name": row["name"],
            "value": f"{number(row['value'])} {row['unit']}",
            "price_year": (row["price_year"] or "")
            + (f" (data age: {row['data_age']})" if row.get("data_age") else ""),
            "price_index": row["price_index"],
            "value_type": row["value_type"],
            "source": row["source"],
            "licence": row["licence"],
            "confidence": row["confidence"],
        }
        for pid, row in proxies.get("used", {}).items()
    ]
    uncertain = [
        f"{u['location']}: the {u['value_used_is']} of its distribution, {u['value_used']:g}"
        for u in p["uncertain_figures"]
    ]
    return {
        "settings": settings,
        "conventions": list(p["conventions"].items()),
        "proxies": used,
        "proxy_checksum": proxies.get("table_checksum_sha256"),
        "uncertain": uncertain,
        "version": __version__,
    }


def bearer_text(result: Result, index: int) -> str:
    """Who gains from outcome ``index``: ``"DWP 94% / NHS 6%"``, one agency, or ``""``."""
    return describe_bearers(result.valuations[index].bearer_split if result.valuations else ())


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _finite_or_none(value: Any) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def impact_rows(result: Result) -> list[dict[str, Any]]:
    """The impact map, one mapping per outcome, with its anchor and display texts.

    A share of the present value that is not a finite number (see :func:`share`) is None.
    """
    table = result.by_outcome
    rows = []
    for i, row in enumerate(table.to_dict("records")):
        # pandas' text columns hold NaN where a text is not given: None for the templates
        row = {k: None if k not in _FIGURE_COLUMNS and _is_nan(v) else v for k, v in row.items()}
        start, duration = int(row["start_year"]), int(row["duration"])
        rows.append(
            {
                **row,
                "index": i,
                "anchor": outcome_anchor(row["id"], i),
                "years": f"{start}" if duration == 1 else f"{start}–{start + duration - 1}",
                "deductions": deductions(row),
                "unit": result.model.outcomes[i].unit or "",
                "bearer_text": bearer_text(result, i),
                "value_type_text": row["value_type"] or "",
                "share_of_present_value": _finite_or_none(row["share_of_present_value"]),
            }
        )
    return rows


# --------------------------------------------------------------------------------------
# Who benefits, and the claims check


def who_benefits(result: Result) -> dict[str, Any]:
    """Groups, money flows, and the weighted and optimism-adjusted figures beside the
    result's own, as display rows (empty lists where the model gives nothing to show)."""
    cur = result.currency
    groups = []
    if result.model.groups or any(o.group for o in result.model.outcomes):
        groups = [
            {
                "group": r["group"],
                "priority": "yes" if r["priority"] else "",
                "present_value": money(r["present_value"], cur),
                "share": percent(share(r["present_value"], result.present_value)),
            }
            for r in result.breakdown("group").to_dict("records")
        ]
    flows = [
        {
            "agency": r["agency"],
            **{
                k: money(r[k], cur)
                for k in ("puts_in", "gains", "net", "fiscal_saving", "transfer", "wider_benefit")
            },
        }
        for r in result.money_flows().to_dict("records")
    ]
    compared = []
    for title, found, names in (
        ("Distributional weights", result.weighted, ("Unweighted", "Weighted")),
        ("Optimism bias", result.optimism_adjusted, ("Unadjusted", "Adjusted")),
    ):
        if found is None:
            continue
        table = found.table
        rows = []
        for key, label in (
            ("ratio", "SROI ratio"),
            ("present_value", "Present value of outcomes"),
            ("total_investment", "Total investment (present value)"),
            ("npv", "Net present value"),
        ):
            a, b = (float(x) for x in table.loc[key])
            show = (lambda x: ratio_text(x, cur)) if key == "ratio" else (lambda x: money(x, cur))
            rows.append((label, show(a), show(b)))
        if title == "Distributional weights":
            where = (
                "as given"
                if found.median_income_from == "argument"
                else "the median of the model's group incomes"
            )
            note = (
                f"Each outcome's present value times (median income / its group's income) "
                f"^ {found.elasticity:g} (HM Treasury Green Book, Annex A3); median income "
                f"{money(found.median_income, cur, 0)}, {where}. Fiscal and environmental "
                "values, and the investment, keep weight 1."
            )
        else:
            b = found.bias
            note = (
                f"Costs raised by {percent(b.costs)}, benefits reduced by "
                f"{percent(b.benefits)}" + (f" ({b.source})" if b.source else "") + "."
            )
        compared.append({"title": title, "names": names, "rows": rows, "note": note})
    return {
        "groups": groups,
        "priority_share": percent(result.priority_share),
        "flows": flows,
        "compared": compared,
    }


def claims(result: Result) -> dict[str, Any]:
    """The claims check's findings (:func:`sroi.check`) and the thresholds it used."""
    from sroi.claims import check

    found = check(result)
    rows = [
        {
            "severity": r["severity"],
            "principle": r["principle"],
            "rule": r["rule"],
            "where": f"{r['location']} ({r['outcome']})" if r["outcome"] else "the model",
            "finding": r["finding"],
        }
        for r in found.to_dict("records")
    ]
    thresholds = "; ".join(
        f"{k} {', '.join(v) if isinstance(v, list) else format(v, 'g')}"
        for k, v in found.attrs["thresholds"].items()
    )
    return {"rows": rows, "thresholds": thresholds}
