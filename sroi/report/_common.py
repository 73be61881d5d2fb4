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
from sroi.sensitivity.one_way import READING_STEPS
from sroi.vocabulary import INPUT_KINDS

__all__ = [
    "KIND_LABELS",
    "TORNADO_STEPS",
    "WELLBY_NOTE",
    "area_anchor",
    "bearer_text",
    "chance_text",
    "claims",
    "conventions",
    "deductions",
    "deflator_text",
    "discount_rate_detail",
    "discounted_payback_words",
    "evaluate_kwargs",
    "figure_words",
    "formula_parts",
    "formula_words",
    "front_matter",
    "headline",
    "how_sure",
    "impact_rows",
    "input_anchor",
    "input_label",
    "method",
    "money",
    "notes",
    "outcome_anchor",
    "outcome_label",
    "output_anchor",
    "parts",
    "parts_text",
    "payback_line",
    "percent",
    "place",
    "plain",
    "quantity",
    "ratio_sentence",
    "ratio_text",
    "reference",
    "require_finite",
    "sensitivity",
    "share",
    "shown",
    "sources",
    "summary",
    "thresholds_text",
    "title",
    "tornado_ranges",
    "uncertainty",
    "units",
    "who_benefits",
    "without_transfers",
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
        ("Payback (undiscounted)", payback_text(payback)),
        ("Discounted payback", discounted_payback_words(dpayback)),
        *result._contract_rows(),
    ]


def discounted_payback_words(years: float | None) -> str:
    """A discounted payback in years with the months beside it, so that it reads beside
    the (undiscounted) payback, which is in months.

    Examples
    --------
    >>> discounted_payback_words(0.6), discounted_payback_words(None)
    ('0.60 years (7.2 months)', 'never')
    """
    if years is None:
        return "never"
    return f"{discounted_payback_text(years)} ({years * 12:.1f} months)"


def without_transfers(result: Result) -> dict[str, Any] | None:
    """The value that is transfers, and the ratio without it; None when there is none.

    Part of a proxy's value can be a transfer payment (a benefit or tax moved from one
    party to another): a saving to the payer, not a resource saved. The ratio without
    transfers is ``(present_value - transfer_present_value) / total_investment``.

    Returns
    -------
    dict or None
        ``transfers`` [currency], ``ratio`` [currency per unit invested], or None when the
        ratio is not defined (no investment), and ``sentence`` (both in words).

    Examples
    --------
    >>> import sroi
    >>> r = sroi.evaluate({"name": "x", "discount_rate": 0,
    ...     "inputs": [{"stakeholder": "a", "amount": 100}],
    ...     "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 1,
    ...                   "value": 190, "duration": 1}]})
    >>> without_transfers(r) is None
    True
    """
    transfers = float(result.transfer_present_value)
    if not transfers > 0:
        return None
    cur = result.currency
    invested = float(result.total_investment)
    ratio = (float(result.present_value) - transfers) / invested if invested else None
    sentence = (
        f"{money(transfers, cur, 0)} of the value is benefits or taxes moved between parties "
        "(transfer payments), not resources saved"
    )
    if ratio is not None:
        sentence += f"; without it the ratio is {money(ratio, cur)} per {money(1, cur, 0)}"
    return {"transfers": transfers, "ratio": ratio, "sentence": sentence + "."}


def ratio_sentence(result: Result) -> tuple[str, str, str]:
    """The ratio in a sentence, in three parts so a writer can embolden the middle one:
    ``("Every £1 invested produces ", "£1.90", " of social value (present value).")``.

    Examples
    --------
    >>> import sroi
    >>> r = sroi.evaluate({"name": "x", "discount_rate": 0,
    ...     "inputs": [{"stakeholder": "a", "amount": 100}],
    ...     "outcomes": [{"stakeholder": "b", "outcome": "c", "quantity": 1,
    ...                   "value": 190, "duration": 1}]})
    >>> "".join(ratio_sentence(r))
    'Every £1 invested produces £1.90 of social value (present value).'
    """
    cur = result.currency
    return (
        f"Every {money(1, cur, 0)} invested produces ",
        money(result.ratio, cur),
        " of social value (present value).",
    )


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
        ("Discount rate", discount_rate_detail(result.discount_rate)),
        (
            "Discount rate set by",
            "the model" if p["discount_rate_from"] == "model" else "the person running it",
        ),
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
    horizon = p["horizon_years"]
    settings += [
        ("GDP deflator (moves prices between years)", deflator_text(p["deflator"])),
        ("Horizon", "1 year" if horizon == 1 else f"{horizon} years"),
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
        f"{figure_words(result, u['location'])}: the {u['value_used_is']} of its "
        f"distribution, {u['value_used']:g}"
        for u in p["uncertain_figures"]
    ]
    return {
        "settings": settings,
        "conventions": conventions(result),
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


def _proxy_name(result: Result, index: int) -> str:
    """The name of the proxy that valued outcome ``index`` (``""`` if none)."""
    if not result.valuations:
        return ""
    proxy = result.valuations[index].proxy
    return getattr(proxy, "name", "") or ""


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
                "proxy_name": _proxy_name(result, i),
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


_RULE_WORDS = {
    "double_counting": "the same change counted twice",
    "fiscal_and_wellbeing": "a saving and a wellbeing value for one change",
    "no_deductions": "no deductions",
    "no_drop_off": "no drop-off",
    "transfer_payment": "a transfer payment",
    "dominant_outcome": "one outcome carries most of the value",
    "wellbeing_share": "wellbeing values carry most of the value",
    "high_deductions": "deductions remove nearly all the value",
    "old_proxy": "an old financial proxy",
    "unit_conversion": "a proxy published in another unit",
    "immaterial": "a very small outcome",
}
"""Each rule of :func:`sroi.check` in words, for the reports (the rule's name is code)."""


def _share_words(x: float) -> str:
    """A threshold share in words: ``half`` for 0.5, else ``90%``."""
    if math.isclose(x, 0.5):
        return "half"
    return percent(x, 0) if round(x * 100, 9).is_integer() else percent(x)


def thresholds_text(thresholds: dict[str, Any]) -> str:
    """The claims check's thresholds as a sentence, from ``check(...).attrs["thresholds"]``.

    Examples
    --------
    >>> from sroi.claims import THRESHOLDS
    >>> print(thresholds_text(dict(THRESHOLDS)))  # doctest: +NORMALIZE_WHITESPACE
    a finding is raised when an outcome's deductions together remove more than 90% of its
    value, an outcome lasts more than 3 years with no drop-off, one outcome carries more
    than half the present value, wellbeing values carry more than half of it, a proxy's
    data age is other than green or amber, any of a proxy's value is a transfer payment,
    or an outcome carries less than 1% of the value
    """
    t = thresholds
    ages = list(t.get("data_ages") or [])
    transfer = float(t["max_transfer_share"])
    years = float(t["long_duration"])
    pieces = [
        f"an outcome's deductions together remove more than {_share_words(t['max_deductions'])}"
        " of its value",
        f"an outcome lasts more than {years:g} year{'' if years == 1 else 's'} with no drop-off",
        f"one outcome carries more than {_share_words(t['max_outcome_share'])} the present value"
        if math.isclose(t["max_outcome_share"], 0.5)
        else f"one outcome carries more than {_share_words(t['max_outcome_share'])} of the "
        "present value",
        f"wellbeing values carry more than {_share_words(t['max_wellbeing_share'])} of it",
        "a proxy's data age is other than " + " or ".join(ages)
        if ages
        else "a proxy has any data age",
        "any of a proxy's value is a transfer payment"
        if transfer == 0
        else f"more than {_share_words(transfer)} of a proxy's value is a transfer payment",
        f"an outcome carries less than {_share_words(t['materiality'])} of the value",
    ]
    return "a finding is raised when " + ", ".join(pieces[:-1]) + ", or " + pieces[-1]


def claims(result: Result) -> dict[str, Any]:
    """The claims check's findings (:func:`sroi.check`) and the thresholds it used, in
    words: ``rule`` is the rule in words, ``finding`` names outcomes and proxies rather
    than their positions and ids (:func:`plain`), ``ref`` is the outcome's id, and
    ``thresholds`` a sentence (:func:`thresholds_text`)."""
    from sroi.claims import check

    found = check(result)
    rows = [
        {
            "severity": r["severity"],
            "principle": r["principle"],
            "rule": _RULE_WORDS.get(r["rule"], r["rule"].replace("_", " ")),
            "where": place(result, r["location"])["text"] if r["location"] else "the model",
            "ref": reference(result, r["location"]),
            "finding": plain(result, r["finding"]),
        }
        for r in found.to_dict("records")
    ]
    return {"rows": rows, "thresholds": thresholds_text(found.attrs["thresholds"])}


# --------------------------------------------------------------------------------------
# Plain words: names for rows, places for locations, the method in sentences


def outcome_label(result: Result, index: int) -> str:
    """What outcome ``index`` is, in the model's own words: its ``outcome`` text."""
    return result.model.outcomes[index].outcome


def input_label(result: Result, index: int) -> str:
    """What input ``index`` is: its description, else ``"Input from <stakeholder>"``."""
    x = result.model.inputs[index]
    return x.description or f"Input from {x.stakeholder}"


def parts(result: Result, figure: Any) -> list[dict[str, str]]:
    """The rows a :class:`~sroi.report.accounts.Figure` adds up, by name: one
    ``{"text", "anchor", "ref"}`` per input (its description) and outcome (its text);
    ``ref`` is the row's reference (``inputs[0]``, or the outcome's id)."""
    index = {oid: i for i, oid in enumerate(result.model.outcome_ids)}
    found = [
        {"text": input_label(result, i), "anchor": input_anchor(i), "ref": f"inputs[{i}]"}
        for i in figure.inputs
    ]
    found += [
        {
            "text": outcome_label(result, index[oid]),
            "anchor": outcome_anchor(oid, index[oid]),
            "ref": oid,
        }
        for oid in figure.outcomes
    ]
    return found


def parts_text(result: Result, figure: Any) -> str:
    """:func:`parts` as one line of text: ``"Advisers; Fewer evictions"``."""
    return "; ".join(p["text"] for p in parts(result, figure))


def shown(figures: Any, *others: Any) -> list[Any]:
    """The figures worth a row: those that add up at least one input or outcome.

    With ``others`` (figures of the same labels, in the same order, such as inputs at
    present value beside inputs as spent), tuples of the matching figures.
    """
    rows = list(zip(figures, *others, strict=True)) if others else [(f,) for f in figures]
    kept = [r for r in rows if r[0].inputs or r[0].outcomes or r[0].amount]
    return kept if others else [r[0] for r in kept]


_LOCATION = re.compile(r"(outcomes|inputs|outputs)\[(\d+)\](?:\.([A-Za-z_]+))?(.*)")


def place(result: Result, location: str) -> dict[str, str]:
    """A model location in words: ``outcomes[2].deadweight`` becomes ``{"text":
    "Fewer GP visits (NHS): deadweight", "ref": "outcomes[2].deadweight"}``; a location
    that names no row (``price_year``, a file's cell) is kept as it is."""
    found = _LOCATION.fullmatch(location or "")
    if location in ("outcomes", "inputs", "outputs"):
        return {"text": f"the {location}", "ref": ""}
    if not found:
        return {"text": location.replace("_", " ") if location else "the model", "ref": ""}
    table, i, field, rest = found.group(1), int(found.group(2)), found.group(3), found.group(4)
    m = result.model
    if table == "outcomes" and i < len(m.outcomes):
        text = f"{m.outcomes[i].outcome} ({m.outcomes[i].stakeholder})"
    elif table == "inputs" and i < len(m.inputs):
        text = f"{input_label(result, i)} ({m.inputs[i].stakeholder})"
    elif table == "outputs" and i < len(m.outputs):
        text = m.outputs[i].description
    else:
        return {"text": location, "ref": ""}
    if field:
        text += f": {field.replace('_', ' ')}{rest}"
    return {"text": text, "ref": location}


def reference(result: Result, location: str) -> str:
    """The reference a reader can look a location's row up by: the outcome's id for
    ``outcomes[2]`` or ``outcomes[2].deadweight`` (as the impact map shows it), else
    ``""`` (an input or output is named in full by :func:`place`)."""
    found = _LOCATION.fullmatch(location or "")
    if found and found.group(1) == "outcomes" and int(found.group(2)) < len(result.model.outcomes):
        return result.model.outcome_ids[int(found.group(2))]
    return ""


def figure_words(result: Result, location: str) -> str:
    """A figure's location as a reader says it: ``outcomes[0].quantity`` becomes
    ``"Quantity of Less financial stress (Tenants given money advice)"``; a location
    without a figure is given as :func:`place` gives it."""
    found = _LOCATION.fullmatch(location or "")
    if not found or not found.group(3) or found.group(4):
        return place(result, location)["text"]
    whole = place(result, f"{found.group(1)}[{found.group(2)}]")["text"]
    if whole.endswith("]"):  # a row the model does not have: as given
        return location
    field = _PARAMETER_WORDS.get(found.group(3), found.group(3).replace("_", " "))
    return f"{field[0].upper() + field[1:]} of {whole}"


_IN_TEXT = re.compile(r"(outcomes|inputs|outputs)\[(\d+)\](?:\.([A-Za-z_]+))?(?: \(([^()]*)\))?")
_PROXY_IN_TEXT = re.compile(r"\bproxy '([^']*)'")
_CODE_WORDS = {"outcome_group": "outcome group", "drop_off": "drop-off"}


def plain(result: Result, text: str) -> str:
    """Text for a reader with the model's positions and codes in words.

    ``outcomes[0]`` (and a following ``(its id)``) becomes the outcome's name and
    stakeholder, ``outcomes[0].deadweight`` ``the deadweight of`` it; ``proxy 'id'`` becomes
    ``the <name> proxy (<id> in the unit-cost table)``; ``outcome_group`` and ``drop_off``
    are spelt in words. Used for the claims check's findings and the warnings, whose own
    messages (for the command line) keep the positions.

    Examples
    --------
    >>> import sroi
    >>> r = sroi.evaluate({"name": "x", "inputs": [{"stakeholder": "a", "amount": 100}],
    ...     "outcomes": [{"id": "c1", "stakeholder": "Tenants", "outcome": "Warm", "quantity": 1,
    ...                   "value": 110, "duration": 1}]})
    >>> plain(r, "deadweight of outcomes[0] is blank; see outcomes[0] (c1)")
    'deadweight of Warm (Tenants) is blank; see Warm (Tenants)'
    >>> plain(r, "outcomes[0].drop_off is high")
    'the drop-off of Warm (Tenants) is high'
    """
    model = result.model
    ids = model.outcome_ids

    def row(found: re.Match[str]) -> str:
        table, i, field, after = found.groups()
        words = place(result, f"{table}[{i}]")["text"]
        if words.endswith("]"):  # not a row of the model: leave it as written
            return found.group(0)
        if after is not None and not (table == "outcomes" and after == ids[int(i)]):
            words += f" ({after})"
        if field:
            words = f"the {_PARAMETER_WORDS.get(field, field.replace('_', ' '))} of {words}"
        return words

    names = {}
    for v in result.valuations or ():
        if v.proxy is not None:
            names[v.proxy.id] = getattr(v.proxy, "name", "") or ""

    def proxy(found: re.Match[str]) -> str:
        pid = found.group(1)
        name = names.get(pid)
        if not name:
            return f"the proxy {pid!r}"
        return f"the {name} proxy ({pid} in the unit-cost table)"

    text = _IN_TEXT.sub(row, text)
    text = _PROXY_IN_TEXT.sub(proxy, text)
    for code, words in _CODE_WORDS.items():
        text = text.replace(code, words)
    return text


def notes(result: Result) -> list[dict[str, str]]:
    """Every warning of the evaluation (``result.warnings``) as ``{"where", "ref",
    "message"}`` (``ref`` as :func:`reference`, the message in words by :func:`plain`):
    forecast price indices, proxies without a price year, deductions above
    90 %, the same change valued twice, what reading a file noticed."""
    out = []
    for w in result.warnings:
        location = getattr(w, "location", "") or ""
        where = place(result, location)
        out.append(
            {
                "where": where["text"],
                "ref": reference(result, location),
                "message": plain(result, getattr(w, "message", str(w))),
            }
        )
    return out


def discount_rate_detail(rate: Any) -> str:
    """The discount rate in words, with a named schedule's rates year by year.

    Examples
    --------
    >>> print(discount_rate_detail("green_book"))  # doctest: +NORMALIZE_WHITESPACE
    the Green Book's 3.5 % declining schedule: 3.5 % a year for years 1 to 30, 3 % for
    years 31 to 75, 2.5 % for 76 to 125, 2 % for 126 to 200, 1.5 % for 201 to 300, 1 %
    after
    >>> discount_rate_detail(0.035)
    '3.5 % a year'
    """
    from sroi.adjustments.discounting import SCHEDULES

    words = discount_rate_text(rate)
    if isinstance(rate, (int, float)):
        return f"{words} a year"
    bands = SCHEDULES.get(rate) if isinstance(rate, str) else None
    if not bands:
        return words
    pieces = []
    for k, (first, r) in enumerate(bands):
        pct = f"{r * 100:g} %"
        if k + 1 == len(bands):
            pieces.append(f"{pct} after")
            continue
        last = bands[k + 1][0] - 1
        span = f"{first} to {last}"
        pieces.append(f"{pct} a year for years {span}" if k == 0 else
                      f"{pct} for years {span}" if k == 1 else f"{pct} for {span}")  # fmt: skip
    return f"{words}: " + ", ".join(pieces)


_RANGE = re.compile(r"(calendar|financial) years (\S+)-(\S+), (\S+) forecasts?")


def deflator_text(described: str) -> str:
    """The GDP deflator series a result used, in words (from ``Result.deflator``).

    Examples
    --------
    >>> print(deflator_text("hmt: HM Treasury GDP deflators, March 2026; financial years "
    ...                     "2000/01-2030/31, 2025/26-2030/31 forecasts"))
    ... # doctest: +NORMALIZE_WHITESPACE
    HM Treasury GDP deflators, March 2026: financial years 2000/01 to 2030/31, of which
    2025/26-2030/31 are forecasts
    """
    name, _, rest = described.partition(": ")
    if not rest:
        return f"the GDP deflator series {described}"
    pieces = rest.split("; ")
    out = []
    for piece in pieces[1:]:
        found = _RANGE.fullmatch(piece)
        if found:
            kind, a, b, forecast = found.groups()
            verb = "are forecasts" if "-" in forecast else "is a forecast"
            piece = f"{kind} years {a} to {b}, of which {forecast} {verb}"
        out.append(piece)
    vintage = pieces[0] if pieces[0] != "vintage not stated" else f"the series {name!r}"
    return vintage + (": " + "; ".join(out) if out else "")


_CONVENTION_TITLES = {
    "impact": "Impact each year",
    "deductions": "Deductions",
    "drop_off": "Drop-off",
    "partial_years": "Part years",
    "discounting": "Discounting",
    "valuation_year": "Present values at",
    "inputs": "Inputs",
    "ratio": "The ratio",
    "payback_months": "Payback period",
    "discounted_payback_years": "Discounted payback period",
}


def _convention_sentence(name: str, c: Any) -> str:
    first = c.drop_off_from == "first_year"
    if name == "impact":
        return (
            "Each outcome's impact in a year is its quantity times its financial proxy, less "
            "the deductions, and less drop-off for each year "
            + ("from its first." if first else "after its first.")
        )
    if name == "deductions":
        if c.deductions == "additive":
            return (
                "Deadweight, displacement, attribution and leakage are added together and "
                "taken once; the value never falls below zero."
            )
        return (
            "Deadweight, displacement, attribution and leakage are taken one after another, "
            "each from what the one before left."
        )
    if name == "drop_off":
        if first:
            return "Drop-off already applies in an outcome's first year."
        return "Drop-off starts in an outcome's second year; its first year counts in full."
    if name == "partial_years":
        if c.partial_years == "pro_rata":
            return "A part year at the end of a duration counts that share of its impact."
        return "Every duration is a whole number of years."
    if name == "discounting":
        when = {
            "end_of_year": "the end of",
            "mid_year": "the middle of",
            "start_of_year": "the start of",
        }[c.discount_timing]
        return (
            f"Money is discounted from {when} the year it arises in, each year at that "
            "year's rate in turn."
        )
    if name == "valuation_year":
        if c.valuation_year:
            return (
                f"Every present value is expressed at year {c.valuation_year}; the ratio "
                "does not change."
            )
        return "Every present value is expressed at year 0, the start."
    if name == "inputs":
        return (
            "Inputs are discounted by the year they are spent; what is spent in year 0 is "
            "not discounted."
        )
    if name == "ratio":
        return (
            "The SROI ratio is the present value of the outcomes divided by the present "
            "value of the inputs."
        )
    if name == "payback_months":
        return (
            "Payback is the investment divided by the monthly impact of the first year with "
            "any impact (the SROI Guide's formula), given only when the programme pays back."
        )
    if name == "discounted_payback_years":
        return (
            "Discounted payback is when the running total of discounted value, less the "
            "discounted inputs, turns positive for good."
        )
    return ""


def _formula(name: str, c: Any, described: str) -> str:
    """The rule of a convention as a formula (``""`` where a sentence says it all)."""
    first = c.drop_off_from == "first_year"
    formulas = {
        "deductions": "remaining share = max(0, 1 − (deadweight + displacement + attribution "
        "+ leakage))"
        if c.deductions == "additive"
        else "remaining share = (1 − deadweight) × (1 − displacement) × (1 − attribution) "
        "× (1 − leakage)",
        "drop_off": "impact(t) = first-year impact × (1 − drop-off) ^ "
        + ("(t − start year + 1)" if first else "(t − start year)"),
        "partial_years": "",
        "valuation_year": described if c.valuation_year else "",
        "inputs": "present value of an input = amount × DF(year)",
        "ratio": "SROI ratio = present value / total investment",
        "payback_months": "payback [months] = total investment / (that year's impact / 12)",
        "discounted_payback_years": "",
    }
    found = formulas.get(name, described)
    typesetting = (
        (" ** ", " ^ "),
        (" * ", " × "),
        (" - ", " − "),
        ("prod_{k=1..t}", "∏ (k = 1..t)"),
        ("drop_off", "drop-off"),
        ("start_year", "start year"),
        ("present_value", "present value"),
        ("total_investment", "total investment"),
    )
    for code, typeset in typesetting:
        found = found.replace(code, typeset)
    return found


_POWER = re.compile(r"\s*\^\s*\(([^()]*)\)|\b([A-Za-z])_([A-Za-z0-9])\b")


def formula_parts(formula: str) -> list[tuple[str, str]]:
    """A formula of :func:`conventions` in pieces to typeset: ``(text, kind)`` pairs,
    ``kind`` ``""`` for plain text, ``"sup"`` for an exponent and ``"sub"`` for an index.

    Examples
    --------
    >>> formula_parts("x × (1 − drop-off) ^ (t − start year) + r_k")
    [('x × (1 − drop-off)', ''), ('t − start year', 'sup'), (' + r', ''), ('k', 'sub')]
    """
    out: list[tuple[str, str]] = []
    at = 0
    for found in _POWER.finditer(formula):
        if found.start() > at:
            out.append((formula[at : found.start()], ""))
        if found.group(1) is not None:
            out.append((found.group(1), "sup"))
        else:
            out.append((found.group(2), ""))
            out.append((found.group(3), "sub"))
        at = found.end()
    if at < len(formula):
        out.append((formula[at:], ""))
    merged: list[tuple[str, str]] = []
    for text, kind in out:
        if merged and merged[-1][1] == kind == "":
            merged[-1] = (merged[-1][0] + text, "")
        else:
            merged.append((text, kind))
    return merged


def formula_words(formula: str) -> str:
    """A formula of :func:`conventions` as plain text without ``^`` (for a writer that
    cannot raise an exponent): ``(1 − drop-off) to the power (t − start year)``.

    Examples
    --------
    >>> formula_words("x × (1 − drop-off) ^ (t − start year) + r_k")
    'x × (1 − drop-off) to the power (t − start year) + r(k)'
    """
    return "".join(
        f" to the power ({text})" if kind == "sup" else f"({text})" if kind == "sub" else text
        for text, kind in formula_parts(formula)
    )


def conventions(result: Result) -> list[dict[str, str]]:
    """The conventions of the evaluation, each as ``{"name", "title", "sentence",
    "formula", "formula_parts"}``: a sentence for people and the rule as a formula (the
    words of :meth:`Conventions.describe <sroi.conventions.Conventions.describe>`), in
    plain text without ``^`` (:func:`formula_words`) and in pieces to typeset with
    exponents raised (:func:`formula_parts`), both from one text (``_formula``)."""
    c = result.computation.conventions
    out = []
    for name, text in c.describe().items():
        formula = _formula(name, c, text)
        out.append(
            {
                "name": name,
                "title": _CONVENTION_TITLES.get(name, name.replace("_", " ").capitalize()),
                "sentence": _convention_sentence(name, c),
                "formula": formula_words(formula),
                "formula_parts": formula_parts(formula),
            }
        )
    return out


# --------------------------------------------------------------------------------------
# Front matter and the one-page summary


def _paragraphs(text: str | None) -> list[str]:
    """Text split into paragraphs at blank lines, each on one line."""
    if not text:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def front_matter(result: Result, *, logo: bool = True) -> dict[str, Any] | None:
    """The model's front matter for a report, or None when it has none.

    Returns
    -------
    dict or None
        ``organisation``, ``period``, ``contact``, ``prepared_by`` (text or None),
        ``published`` (``"30 June 2026"`` or None), ``introduction`` (a list of
        paragraphs), ``narrative`` (area name -> list of paragraphs) and ``logo``
        (``{"src": data URI, "type": media type, "path": as given, "alt"}`` or None).

    Raises
    ------
    ModelError
        Located at ``front_matter.logo`` when the logo is missing or not an image (see
        :func:`sroi.model.front_matter.logo_image`); with ``logo=False`` it is not read.
    """
    from sroi.model.front_matter import logo_image

    found = result.model.front_matter
    if found is None:
        return None
    image = logo_image(found) if logo else None
    if image is not None:
        image = {**image, "alt": f"{found.organisation or 'Organisation'} logo"}
    published = found.published
    return {
        "organisation": found.organisation,
        "period": found.period,
        "contact": found.contact,
        "prepared_by": found.prepared_by,
        "published": f"{published.day} {published:%B %Y}" if published else None,
        "introduction": _paragraphs(found.introduction),
        "narrative": {area: _paragraphs(text) for area, text in found.narrative.items()},
        "logo": image,
    }


def summary(
    result: Result,
    sensitivity_found: dict[str, Any] | None = None,
    uncertainty_found: dict[str, Any] | None = None,
    *,
    top: int = 5,
) -> dict[str, Any]:
    """The one-page summary: the ratio in a sentence, the three figures behind it, the
    outcomes worth most, and how sure the figures are, in one sentence.

    Parameters
    ----------
    result : Result
    sensitivity_found, uncertainty_found : dict, optional
        From :func:`sensitivity` and :func:`uncertainty`; without them, ``how_sure`` says
        the report did not test the figures.
    top : int, default 5
        How many outcomes to list.

    Returns
    -------
    dict
        ``ratio_sentence`` (three parts, as :func:`ratio_sentence`), ``figures`` (``(label,
        text)`` pairs: value, investment, net present value), ``top_outcomes`` (``{"outcome",
        "stakeholder", "area", "present_value", "share"}``, largest first; outcomes of no
        value are left out), ``more_outcomes`` (how many more there are), ``how_sure``,
        ``transfers`` (:func:`without_transfers`, or None) and ``payback`` (both paybacks
        in one line).
    """
    cur = result.currency
    rows = sorted(impact_rows(result), key=lambda r: -float(r["present_value"]))
    valued = [r for r in rows if r["present_value"] > 0]
    tops = [
        {
            "outcome": r["outcome"],
            "stakeholder": r["stakeholder"],
            "area": r["area"] or "",
            "anchor": r["anchor"],
            "present_value": money(r["present_value"], cur),
            "share": percent(r["share_of_present_value"]),
        }
        for r in valued[:top]
    ]
    return {
        "ratio_sentence": ratio_sentence(result),
        "figures": [
            ("Value produced (present value)", money(result.present_value, cur)),
            ("Total investment (present value)", money(result.total_investment, cur)),
            ("Net present value", money(result.npv, cur)),
        ],
        "top_outcomes": tops,
        "more_outcomes": max(len(valued) - len(tops), 0),
        "how_sure": how_sure(result, sensitivity_found, uncertainty_found),
        "transfers": without_transfers(result),
        "payback": payback_line(result),
    }


def payback_line(result: Result) -> str:
    """Both paybacks in one line, each in months: ``"Payback: 7.0 months (undiscounted);
    0.60 years (7.2 months) discounted."``"""
    return (
        f"Payback: {payback_text(result.payback_months)} (undiscounted); "
        f"{discounted_payback_words(result.discounted_payback_years)} discounted."
    )


def how_sure(
    result: Result,
    sensitivity_found: dict[str, Any] | None,
    uncertainty_found: dict[str, Any] | None,
) -> str:
    """How sure the ratio is, in one sentence: the simulation's share of draws above 1 : 1
    where the model gives distributions, else the nearest switching value."""
    if uncertainty_found and uncertainty_found.get("simulated"):
        u = uncertainty_found
        return (
            f"In {u['draws_text']} draws from the ranges the model gives for its uncertain "
            f"figures, the ratio was above 1 : 1 in {u['probability_text']} of them; nine "
            f"draws in ten gave between {u['p5']} and {u['p95']}."
        )
    if sensitivity_found is None:
        return "This report does not test how far the estimates could move."
    out = []
    if result.ratio > 0 and result.ratio != 1:
        whole = abs(1 - 1 / result.ratio)
        lower = "lower" if result.ratio > 1 else "higher"
        verb = "fall" if result.ratio > 1 else "rise"
        out.append(
            f"The value produced would have to be {percent(whole)} {lower} than estimated "
            f"for the ratio to {verb} to 1 : 1."
        )
    own = [r for r in sensitivity_found.get("rows", []) if r["outcome"] is not None]
    if own:
        first = own[0]
        out.append(
            f"Of the outcomes' own estimates, the nearest to doing so alone is "
            f"{first['estimate_sentence']}: {first['switching_value']} instead of "
            f"{first['base']} ({first['change']})."
        )
    else:
        out.append("No one estimate of an outcome can do so on its own.")
    out.append("No figure is given as a range, so no probability can be given.")
    return _explain_wellby(" ".join(out))


def _explain_wellby(text: str) -> str:
    """``text`` with :data:`WELLBY_NOTE` after it where it speaks of WELLBYs."""
    return f"{text} ({WELLBY_NOTE[0].upper() + WELLBY_NOTE[1:]}.)" if "WELLBY" in text else text


# --------------------------------------------------------------------------------------
# Sensitivity and uncertainty


def evaluate_kwargs(result: Result, deflator: Any = None) -> dict[str, Any]:
    """The arguments of :func:`sroi.evaluate` that gave ``result``: to re-evaluate the same
    model the same way (switching values, the tornado, a Monte Carlo simulation).

    A result records its GDP deflator series only by its description: give ``deflator``
    (the series, a path or a name, as to :func:`sroi.evaluate`) when the result was
    evaluated with a series of one's own or one projected beyond its last year. Without
    it, the bundled series of the recorded name is used; :func:`sensitivity` and
    :func:`uncertainty` check that the re-evaluation gives the result's ratio, and raise
    a located error if it does not.
    """
    from sroi.proxies.deflators import SERIES

    out: dict[str, Any] = {
        "conventions": result.computation.conventions,
        "double_counting": result.double_counting,
    }
    if result.discount_rate_from != "model":
        out["discount_rate"] = result.discount_rate
    if result.proxy_table is not None:
        out["proxies"] = result.proxy_table
    if str(result.price_year) != str(result.model.price_year):
        out["price_year"] = result.price_year
    name = result.deflator.partition(":")[0]
    if deflator is not None:
        out["deflator"] = deflator
    elif name in SERIES:
        out["deflator"] = name
    return out


def _same_ratio(result: Result, again: float, what: str) -> None:
    if not math.isclose(again, result.ratio, rel_tol=1e-9, abs_tol=1e-12):
        raise ModelError(
            [
                Problem(
                    "deflator",
                    f"the {what} re-evaluates the model and gets a ratio of {again:.6g}, not "
                    f"{result.ratio:.6g}: the result was evaluated with a GDP deflator series "
                    "it records only by name (a file of your own, or a series projected "
                    "beyond its last year); give the report that series (deflator=...), or "
                    "write it with sensitivity=False",
                )
            ],
            title="the report's sensitivity section",
        )


_PARAMETER_WORDS = {
    "quantity": "quantity",
    "value": "value a unit",
    "deadweight": "deadweight",
    "displacement": "displacement",
    "attribution": "attribution",
    "drop_off": "drop-off",
    "duration": "duration",
    "investment": "total investment",
    "discount_rate": "discount rate",
}
_FRACTIONS = frozenset({"deadweight", "displacement", "attribution", "drop_off", "discount_rate"})
_OUTCOME_PARAMETERS = ("quantity", "value", "deadweight", "displacement", "attribution",
                       "drop_off", "duration")  # fmt: skip
"""The estimates of each outcome that :func:`sroi.sensitivity.switching_values` moves."""


def _points(change: float) -> str:
    """A change of a fraction in percentage points: ``+35.5 points``."""
    pts = change * 100
    sign = "+" if pts > 0 else "−" if pts < 0 else ""
    return f"{sign}{abs(pts):.1f} points"


def _signed_percent(change: float) -> str:
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return f"{sign}{percent(abs(change))}"


def _years(n: float) -> str:
    n = float(n)
    shown = f"{n:g}"
    return f"{shown} year" if n == 1 else f"{shown} years"


_PLURALS = {"person": "people", "child": "children", "man": "men", "woman": "women"}


def units(unit: str, count: float) -> str:
    """A unit as it reads after ``count``: singular for exactly 1, else plural.

    Only a unit of one word is made plural (``person`` -> ``people``, ``WELLBY`` ->
    ``WELLBYs``, ``family`` -> ``families``); a unit of several words or symbols
    (``tonnes CO2e``, ``£/week``) is kept as given.

    Examples
    --------
    >>> units("person", 12), units("person", 1), units("WELLBY", 1.04), units("family", 2)
    ('people', 'person', 'WELLBYs', 'families')
    >>> units("tonnes CO2e", 3), units("visits", 2)
    ('tonnes CO2e', 'visits')
    """
    if count == 1 or not re.fullmatch(r"[A-Za-z]+", unit or ""):
        return unit
    lower = unit.lower()
    if lower in _PLURALS:
        plural = _PLURALS[lower]
        return plural.capitalize() if unit[0].isupper() else plural
    if unit.isupper():
        return unit + "s"
    if lower.endswith("s"):
        return unit
    if lower.endswith("y") and lower[-2:-1] not in set("aeiou"):
        return unit[:-1] + "ies"
    if lower.endswith(("x", "ch", "sh")):
        return unit + "es"
    return unit + "s"


WELLBY_NOTE = "a WELLBY is one point of life satisfaction for one person for one year"
"""What a WELLBY is, said once where one appears."""


def _setting_text(result: Result, parameter: str, index: int | None, value: float) -> str:
    """A setting of a parameter as it reads in the report: money, per cent, years ..."""
    cur = result.currency
    if parameter in _FRACTIONS:
        return percent(value)
    if parameter in ("value", "investment"):
        return money(value, cur)
    if parameter == "duration":
        return _years(value)
    unit = result.model.outcomes[index].unit if index is not None else ""
    return quantity(value) + (f" {units(unit, value)}" if unit else "")


def _kept_change(parameter: str, base: float, value: float) -> float | None:
    """How far a switching value is from the estimate, in proportion: the relative change
    of the figure itself (quantity, value, duration, investment, discount rate), or of the
    share a deduction leaves (``1 − deduction``), so that the rows can be compared."""
    if parameter in ("deadweight", "displacement", "attribution", "drop_off"):
        base, value = 1.0 - base, 1.0 - value
    if base == 0:
        return None
    return abs((value - base) / base)


def _estimate(result: Result, parameter: str, outcome: str | None) -> tuple[str, int | None]:
    """An estimate in words, and the outcome's position: ``"Fewer GP visits (NHS):
    deadweight"``; a model-wide one (the investment) on its own."""
    words = _PARAMETER_WORDS.get(parameter, parameter.replace("_", " "))
    if outcome is None:
        return words[0].upper() + words[1:], None
    index = result.model.outcome_ids.index(outcome)
    o = result.model.outcomes[index]
    return f"{o.outcome} ({o.stakeholder}): {words}", index


TORNADO_STEPS = dict(READING_STEPS)
"""The tornado's ranges, the command line's too (:data:`sroi.sensitivity.READING_STEPS`):
each outcome's value a unit 20 % lower and higher (the largest outcomes); deadweight,
displacement, attribution and drop-off ten percentage points lower and higher on every
outcome at once; every duration a year shorter and longer; and the investment 20 % lower
and higher."""

_STEP_WORDS = {"-20%": "−20 %", "+20%": "+20 %", "-0.1": "−10 points", "+0.1": "+10 points",
               "-1": "1 year less", "+1": "1 year more"}  # fmt: skip


def tornado_ranges(result: Result, *, outcomes: int = 6) -> dict[Any, tuple[str, str]]:
    """The ranges of the report's tornado (see :data:`TORNADO_STEPS`): the value of each of
    the ``outcomes`` largest outcomes, then the model-wide estimates that the model uses
    (a deduction that every outcome leaves at 0 is tested only upwards)."""
    from sroi.sensitivity.one_way import reading_ranges

    return reading_ranges(result, outcomes=outcomes)


def sensitivity(
    result: Result, *, target_ratio: float = 1.0, deflator: Any = None
) -> dict[str, Any]:
    """The switching values and the tornado of a result, as plain display rows.

    Switching values come from :func:`sroi.sensitivity.switching_values` and the tornado
    from :func:`sroi.sensitivity.tornado` over :func:`tornado_ranges`, both re-evaluating
    the result's model the way it was evaluated (:func:`evaluate_kwargs`; ``deflator`` as
    there).

    Returns
    -------
    dict
        ``rows``: one per estimate that reaches the target on its own, nearest first (the
        smallest change in proportion: of the figure, or of the share a deduction leaves),
        each ``{"estimate", "estimate_sentence", "outcome", "parameter", "base",
        "switching_value", "change", "closeness", "raw_base", "raw_value"}`` (display text;
        ``closeness`` [fraction] and the raw figures for checking);
        ``unreachable``: ``{"outcome", "estimates"}`` for the estimates that cannot reach
        it (of outcomes some of whose estimates can); ``unreachable_outcomes``: the
        outcomes none of whose estimates can; ``notes``: sentences (a discount schedule
        has no switching value); ``tornado``: ``{"rows": [{"estimate", "low", "high", "ratio_low",
        "ratio_high"}], "frame": the table for :func:`sroi.plots.tornado`}``;
        ``target`` (``"1 : 1"``) and ``direction`` (``"falls"`` or ``"rises"``).
    """
    from sroi.sensitivity import switching_values, tornado

    kwargs = evaluate_kwargs(result, deflator)
    table = switching_values(result.model, target_ratio=target_ratio, **kwargs)
    rows, unreachable, notes = [], {}, []
    for r in table.to_dict("records"):
        parameter, outcome = r["parameter"], r["outcome"]
        estimate, index = _estimate(result, parameter, outcome)
        value, base = r["switching_value"], r["base"]
        if parameter == "discount_rate" and _is_na(base):
            notes.append(
                f"The discount rate is {discount_rate_text(result.discount_rate)}, a rate for "
                "each year rather than one rate, so it has no switching value."
            )
            continue
        if _is_na(value) or _is_na(base):
            key = outcome if outcome is not None else ""
            unreachable.setdefault(key, []).append(_PARAMETER_WORDS.get(parameter, parameter))
            continue
        value, base = float(value), float(base)
        if parameter in _FRACTIONS:
            change = _points(value - base)
        elif parameter == "duration":
            change = ("+" if value > base else "−") + _years(abs(value - base))
        else:
            change = _signed_percent((value - base) / base) if base else ""
        rows.append(
            {
                "estimate": estimate,
                "estimate_sentence": f"the {_PARAMETER_WORDS[parameter]}"
                + ("" if index is None else f" of {estimate.rsplit(': ', 1)[0]}"),
                "outcome": outcome,
                "parameter": parameter,
                "base": _setting_text(result, parameter, index, base),
                "switching_value": _setting_text(result, parameter, index, value),
                "change": change,
                "closeness": _kept_change(parameter, base, value),
                "raw_base": base,
                "raw_value": value,
            }
        )
    # nearest first; estimates equally near (those of one outcome that act alike) keep
    # the table's order
    rows.sort(key=lambda r: math.inf if r["closeness"] is None else round(r["closeness"], 9))
    names = {oid: result.model.outcomes[i] for i, oid in enumerate(result.model.outcome_ids)}
    every = len(_OUTCOME_PARAMETERS)
    missing_rows = [
        {
            "outcome": f"{names[k].outcome} ({names[k].stakeholder})" if k else "The model",
            "estimates": ", ".join(v),
        }
        for k, v in unreachable.items()
        if not k or len(v) < every
    ]
    none_alone = [
        f"{names[k].outcome} ({names[k].stakeholder})"
        for k, v in unreachable.items()
        if k and len(v) >= every
    ]
    ranges = tornado_ranges(result)
    frame = tornado(result.model, ranges, **kwargs)
    if len(frame):
        _same_ratio(result, float(frame["base_ratio"].iloc[0]), "tornado")
    cur = result.currency
    plain = frame.copy()
    labels, rows_t = [], []
    for r in frame.to_dict("records"):
        if r["outcome"] is None:
            words = _PARAMETER_WORDS[r["parameter"]]
            label = (
                words[0].upper() + words[1:]
                if r["parameter"] == "investment"
                else f"{words[0].upper() + words[1:]}, every outcome"
            )
        else:
            i = result.model.outcome_ids.index(r["outcome"])
            label = f"{result.model.outcomes[i].outcome}: value a unit"
        labels.append(label)
        rows_t.append(
            {
                "estimate": label,
                "low": _STEP_WORDS.get(str(r["low"]), str(r["low"])),
                "high": _STEP_WORDS.get(str(r["high"]), str(r["high"])),
                "ratio_low": ratio_text(r["ratio_low"], cur),
                "ratio_high": ratio_text(r["ratio_high"], cur),
                "raw_low": float(r["ratio_low"]),
                "raw_high": float(r["ratio_high"]),
            }
        )
    plain["parameter"] = labels
    plain["outcome"] = None
    plain["low"] = [row["low"] for row in rows_t]
    plain["high"] = [row["high"] for row in rows_t]
    return {
        "rows": rows,
        "unreachable": missing_rows,
        "unreachable_outcomes": none_alone,
        "notes": notes,
        "tornado": {"rows": rows_t, "frame": plain},
        "target": f"{target_ratio:g} : 1",
        "direction": "falls" if result.ratio > target_ratio else "rises",
    }


def _is_na(value: Any) -> bool:
    """Whether a figure of a nullable table is missing (None, ``<NA>`` or NaN)."""
    import pandas as pd

    return value is None or bool(pd.isna(value))


def chance_text(probability: float) -> str:
    """A share of draws in words that never rounds to a certainty it is not.

    Examples
    --------
    >>> chance_text(1.0), chance_text(0.99995), chance_text(0.8734), chance_text(0.0004)
    ('every one', 'more than 99.9%', '87.3%', 'fewer than 0.1%')
    """
    if probability >= 1:
        return "every one"
    if probability <= 0:
        return "none"
    if probability > 0.999:
        return "more than 99.9%"
    if probability < 0.001:
        return "fewer than 0.1%"
    return percent(probability)


def _count_words(n: int, one: str, many: str) -> str:
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    shown = words[n] if 0 <= n < len(words) else f"{n:,}"
    return f"{shown} {one if n == 1 else many}"


def _distribution_text(result: Result, figure: Any, parameter: str, index: int) -> str:
    d = figure.distribution
    unit = result.model.outcomes[index].unit if parameter == "quantity" else None

    def show(x: float) -> str:
        if parameter in _FRACTIONS:
            return percent(x)
        if parameter in ("value", "amount"):
            return money(x, result.currency)
        return quantity(x) + (f" {units(unit, x)}" if unit else "")

    name = type(d).__name__
    if name in ("Triangular", "PERT"):
        kind = "triangular" if name == "Triangular" else "PERT"
        return f"{kind}, {show(d.low)} to {show(d.high)}, most likely {show(d.mode)}"
    if name == "Uniform":
        return f"any value from {show(d.low)} to {show(d.high)} equally likely"
    if name == "TruncatedNormal":
        bounds = ""
        if math.isfinite(d.low) or math.isfinite(d.high):
            lo = show(d.low) if math.isfinite(d.low) else "no lower bound"
            hi = show(d.high) if math.isfinite(d.high) else "no upper bound"
            bounds = f", kept within {lo} to {hi}"
        return f"normal, mean {show(d.mean_)}, standard deviation {show(d.sd)}{bounds}"
    if name == "Beta":
        return f"beta ({d.alpha:g}, {d.beta:g}) from {show(d.low)} to {show(d.high)}"
    return str(d)


def uncertainty(
    result: Result, *, draws: int = 10_000, seed: int | None = 0, deflator: Any = None
) -> dict[str, Any]:
    """A Monte Carlo simulation of the result's model where it gives distributions.

    Parameters
    ----------
    result : Result
    draws : int, default 10,000
        The number of draws.
    seed : int or None, default 0
        The seed, so that the same report comes out each time; None draws afresh.
    deflator : optional
        As :func:`evaluate_kwargs`.

    Returns
    -------
    dict
        ``simulated`` (bool) and ``sentence`` (what was done, or why nothing was).
        When simulated: ``figures`` (each uncertain figure in words with its range),
        ``draws``, ``seed``, ``draws_text``, ``seed_text``, ``probability`` [fraction] and
        ``probability_text`` (P(ratio > 1)), ``p5``, ``median``, ``p95`` and ``mean``
        (ratios as text) and ``simulation`` (the :class:`~sroi.sensitivity.Simulation`,
        for :func:`sroi.plots.histogram`).
    """
    from sroi.sensitivity import simulate

    uncertain = result.model.uncertainties
    if not uncertain:
        return {
            "simulated": False,
            "sentence": "No figure in the model is given as a range (a distribution), so "
            "there is nothing to simulate and no probability that the ratio is above 1 : 1 "
            "can be given; the switching values and the tornado show how far the estimates "
            "could move instead.",
        }
    kwargs = evaluate_kwargs(result, deflator)
    sim = simulate(result.model, draws, seed=seed, progress=False, **kwargs)
    _same_ratio(result, float(sim.base.ratio), "Monte Carlo simulation")
    cur = result.currency
    ratio = np.asarray(sim.ratio, dtype=float)
    p5, p50, p95 = (float(x) for x in np.percentile(ratio, [5, 50, 95]))
    probability = sim.probability_ratio_above(1.0)
    figures = []
    for location, figure in uncertain:
        head, parameter = location.split(".")
        index = head.split("[")[1]
        i = int(index[:-1])
        figures.append(
            {
                "where": figure_words(result, location),
                "ref": reference(result, location),
                "range": _distribution_text(result, figure, parameter, i),
            }
        )
    seed_text = "drawn afresh (no seed)" if seed is None else f"seed {seed}"
    given = _count_words(len(uncertain), "figure is", "figures are")
    again = (
        f"{seed_text}, so the same report comes out each time"
        if seed is not None
        else "no seed: another run gives slightly different figures"
    )
    return {
        "simulated": True,
        "sentence": (
            f"{given[0].upper() + given[1:]} given as a range. The model was evaluated "
            f"{sim.n:,} times, each time with every such figure drawn from its range ({again})."
        ),
        "figures": figures,
        "draws": sim.n,
        "seed": seed,
        "draws_text": f"{sim.n:,}",
        "seed_text": seed_text,
        "probability": probability,
        "probability_text": chance_text(probability),
        "p5": ratio_text(p5, cur),
        "median": ratio_text(p50, cur),
        "p95": ratio_text(p95, cur),
        "mean": ratio_text(float(ratio.mean()), cur),
        "simulation": sim,
    }


# --------------------------------------------------------------------------------------
# Sources and licences

_DISCOUNT_SOURCES = {
    "green_book": "HM Treasury (2022), The Green Book: Central Government Guidance on Appraisal "
    'and Evaluation, Annex A6 "Discounting" (the standard rate and its declining '
    "long-term schedule)",
    "green_book_health": "HM Treasury (2022), The Green Book: Central Government Guidance "
    'on Appraisal and Evaluation, Annex A6 "Discounting" (the lower rate for health '
    "effects)",
}


def sources(result: Result) -> dict[str, Any]:
    """Where every published figure comes from: each financial proxy used (its source,
    price year and licence), the GDP deflator series and the discount rate.

    Returns
    -------
    dict
        ``proxies`` (as in :func:`method`, one per proxy used, with ``price_year`` on its
        own, its ``data_age`` grade, and the outcomes it values as ``used_by``),
        ``data_age_note`` (what the grades mean, where a proxy has one),
        ``proxy_checksum``, ``deflator`` (``{"name", "vintage", "source", "base",
        "text"}``) and ``discount`` (``{"text", "source"}``).
    """
    from sroi.proxies.deflators import SERIES, bundled

    m = method(result)
    by_proxy: dict[str, list[str]] = {}
    for i, v in enumerate(result.valuations):
        if v.proxy is not None:
            by_proxy.setdefault(v.proxy.id, []).append(outcome_label(result, i))
    recorded = (result.to_dict().get("proxies") or {}).get("used", {})
    proxies = [
        {
            **p,
            "price_year": recorded.get(p["id"], {}).get("price_year") or "not stated",
            "data_age": recorded.get(p["id"], {}).get("data_age") or "",
            "used_by": "; ".join(by_proxy.get(p["id"], [])),
        }
        for p in m["proxies"]
    ]
    name = result.deflator.partition(":")[0]
    if name in SERIES:
        series = bundled(name)
        deflator = {
            "name": name,
            "vintage": series.vintage or "",
            "source": series.source or "",
            "base": series.base or "",
            "text": deflator_text(result.deflator),
        }
    else:
        deflator = {
            "name": name,
            "vintage": "",
            "source": "a series given by the person running the evaluation",
            "base": "",
            "text": deflator_text(result.deflator),
        }
    rate = result.discount_rate
    if isinstance(rate, str) and rate in _DISCOUNT_SOURCES:
        source = _DISCOUNT_SOURCES[rate]
    elif result.discount_rate_from == "model":
        source = "the model's own rate"
        if isinstance(rate, (int, float)) and math.isclose(float(rate), 0.035):
            source += " (3.5 % is HM Treasury's Green Book rate for the first 30 years)"
    else:
        source = "given by the person running the evaluation"
    graded = any(p["data_age"] for p in proxies)
    return {
        "proxies": proxies,
        "data_age_note": (
            "Data age is the Unit Cost Database's grade of a price year: green 2011/12 and "
            "later, amber 2008/09 to 2010/11, red 2007/08 and earlier. A green value may "
            "still be more than ten years old: read the price year too."
            if graded
            else ""
        ),
        "proxy_checksum": m["proxy_checksum"],
        "deflator": deflator,
        "discount": {"text": discount_rate_detail(rate), "source": source},
    }
