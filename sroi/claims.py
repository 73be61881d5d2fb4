"""The claims check: which parts of an SROI claim look inflated, and why.

:func:`check` reads a model's evaluation and returns one finding per thing a commissioner
should question, each tied to the SROI principle it serves, with a severity and the outcome
it concerns. Every rule's threshold is a parameter; the findings table records the
thresholds it used (``findings.attrs["thresholds"]``). A finding is a prompt for judgement,
not an error: nothing in the model or its figures is changed.

=====================  =============================  ========  ===============================
rule                   principle                      severity  flags an outcome ...
=====================  =============================  ========  ===============================
``double_counting``    Do not over-claim              high      valuing a change another outcome
                                                                of the same stakeholder values
                                                                (same ``outcome_group``)
``fiscal_and_``        Do not over-claim              high      the same, with a fiscal value and
``wellbeing``                                                   a wellbeing value
``no_deductions``      Do not over-claim              medium    with no deadweight, displacement,
                                                                attribution or leakage at all
``no_drop_off``        Do not over-claim              medium    lasting more than
                                                                ``long_duration`` years with no
                                                                drop-off
``transfer_payment``   Do not over-claim              medium    whose proxy is partly a transfer
                                                                payment (benefits, taxes)
``dominant_outcome``   Do not over-claim              medium    carrying more than
                                                                ``max_outcome_share`` of the value
``wellbeing_share``    Do not over-claim              medium    (the model) when wellbeing values
                                                                carry more than
                                                                ``max_wellbeing_share``
``high_deductions``    Be transparent                 medium    whose deductions remove more than
                                                                ``max_deductions`` of its value
``old_proxy``          Value the things that matter   medium    whose proxy's data age is not in
                                                                ``data_ages``
``unit_conversion``    Be transparent                 low       whose proxy is published in
                                                                another unit (per week, used per
                                                                year)
``immaterial``         Only include what is material  low       carrying less than
                                                                ``materiality`` of the value
=====================  =============================  ========  ===============================

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment*: the principles (value the things that matter; only include what
   is material; do not over-claim; be transparent), stage 4 (deadweight, displacement,
   attribution, drop-off) and materiality.
.. [2] HM Treasury, New Economy, Public Service Transformation Network (2014). *Supporting
   public service transformation: cost benefit analysis guidance for local partnerships*
   (transfer payments are not a gain to society; fiscal, economic and social values).
.. [3] New Economy (2015). *Unit Cost Database* v1.4: the age of the data (red, amber,
   green) and transfer payments.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.double_counting import same_change
from sroi.errors import ModelError, Problem
from sroi.formatting import money, percent

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from sroi.model import Model
    from sroi.result import Result

__all__ = ["COLUMNS", "PRINCIPLES", "SEVERITIES", "THRESHOLDS", "check"]

PRINCIPLES = (
    "Do not over-claim",
    "Be transparent",
    "Only include what is material",
    "Value the things that matter",
)
"""The SROI principles the findings serve (the SROI Guide's wording)."""

SEVERITIES = ("high", "medium", "low")
"""Severities, most serious first: high, a figure is very likely counted twice; medium, a
figure probably overstates the value or rests on weak evidence; low, worth a look."""

COLUMNS = ("rule", "principle", "severity", "outcome", "location", "finding")
"""The columns of :func:`check`'s table."""

THRESHOLDS: Mapping[str, Any] = {
    "max_deductions": 0.9,
    "long_duration": 3,
    "max_outcome_share": 0.5,
    "max_wellbeing_share": 0.5,
    "data_ages": ("green", "amber"),
    "max_transfer_share": 0.0,
    "materiality": 0.01,
}
"""The default threshold of each rule (see :func:`check`)."""


def _fraction(name: str, value: Any, problems: list[Problem]) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    x = float(value) if ok else math.nan
    if not (0.0 <= x <= 1.0):
        problems.append(
            Problem(name, "must be a fraction from 0 to 1", value if ok else None, "0 to 1")
        )
    return x


def _thresholds(given: Mapping[str, Any]) -> dict[str, Any]:
    problems: list[Problem] = []
    out = dict(given)
    for name in ("max_deductions", "max_outcome_share", "max_wellbeing_share", "materiality"):
        out[name] = _fraction(name, given[name], problems)
    out["max_transfer_share"] = _fraction(
        "max_transfer_share", given["max_transfer_share"], problems
    )
    years = given["long_duration"]
    if isinstance(years, bool) or not isinstance(years, numbers.Real) or not years >= 0:
        problems.append(
            Problem("long_duration", "must be a number of years >= 0", None, "a number >= 0")
        )
    ages = given["data_ages"]
    if isinstance(ages, str) or not isinstance(ages, Iterable):
        problems.append(
            Problem(
                "data_ages",
                "must be a list of the data ages allowed, e.g. ['green', 'amber']",
                ages if isinstance(ages, str) else None,
            )
        )
    else:
        out["data_ages"] = tuple(str(a) for a in ages)
    if problems:
        raise ModelError(problems, title="the arguments of sroi.check()")
    return out


def _data_age(proxy: Any) -> str:
    """The proxy's data age: its own field, else graded from its price year."""
    age = getattr(proxy, "data_age", None)
    if age is not None:
        return str(age)
    try:  # a proxy record without the field: grade it by the same rule
        from sroi.proxies.catalogue import data_age
    except ImportError:  # pragma: no cover - the catalogue always has it now
        return ""
    return data_age(proxy.price_year)


def _share(part: float, whole: float) -> float | None:
    """``part / whole`` when the present value is above 0 and the share a finite number
    (benefits and disbenefits that nearly cancel out give no meaningful share)."""
    if not whole > 0:
        return None
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        share = float(np.float64(part) / np.float64(whole))
    return share if math.isfinite(share) else None


def _times(n: int) -> str:
    return "twice" if n == 2 else f"{n} times"


def _counted(unit: str) -> str:
    """What a proxy's unit counts: ``person`` for ``GBP / person / week``."""
    parts = [p.strip() for p in unit.split("/")]
    return parts[1] if len(parts) == 3 else "unit of quantity"


def check(
    model: Model | Mapping[str, Any] | str | PathLike[str] | Result,
    *,
    max_deductions: float = 0.9,
    long_duration: float = 3,
    max_outcome_share: float = 0.5,
    max_wellbeing_share: float = 0.5,
    data_ages: Iterable[str] = ("green", "amber"),
    max_transfer_share: float = 0.0,
    materiality: float = 0.01,
) -> pd.DataFrame:
    """Check an SROI claim: the findings that suggest it is inflated, and why.

    Parameters
    ----------
    model : Model, mapping, path or Result
        The model (evaluated with :func:`sroi.evaluate`'s defaults), or a
        :class:`~sroi.result.Result` already evaluated (to check it under other options).
    max_deductions : float, default 0.9
        ``high_deductions``: flag an outcome whose deadweight, displacement, attribution
        and leakage together remove more than this share of its first-year value
        [fraction, 0-1] (the 90 % at which :func:`sroi.evaluate` also warns).
    long_duration : float, default 3
        ``no_drop_off``: flag an outcome lasting more than this many years with no drop-off
        [years]. The SROI Guide expects drop-off to be considered for any outcome lasting
        more than a year; 3 is a judgement, not a published figure.
    max_outcome_share : float, default 0.5
        ``dominant_outcome``: flag an outcome carrying more than this share of the
        present value [fraction, 0-1].
    max_wellbeing_share : float, default 0.5
        ``wellbeing_share``: flag a model whose wellbeing values carry more than this share
        of the present value [fraction, 0-1].
    data_ages : sequence of str, default ("green", "amber")
        ``old_proxy``: the data ages allowed (the Unit Cost Database's grades: red for
        2007/08 prices and earlier, amber 2008/09 to 2010/11, green later); a proxy graded
        otherwise is flagged.
    max_transfer_share : float, default 0
        ``transfer_payment``: flag a proxy whose transfer-payment share is above this
        [fraction, 0-1].
    materiality : float, default 0.01
        ``immaterial``: flag an outcome carrying less than this share of the value (each
        outcome's present value by its size) [fraction, 0-1].

    Returns
    -------
    pandas.DataFrame
        One row per finding, most severe first: ``rule``, ``principle`` (one of
        :data:`PRINCIPLES`), ``severity`` (``high``, ``medium``, ``low``), ``outcome`` (its
        id; None for the model as a whole), ``location`` (``outcomes[3]``) and ``finding``
        (what was found, with the figures). ``attrs["thresholds"]`` holds the thresholds
        used. No rows: nothing found.

    Raises
    ------
    SROIError
        If the model is not valid (as :func:`sroi.evaluate`), or a threshold is out of
        range.

    Examples
    --------
    >>> import sroi
    >>> findings = sroi.check({"name": "Bid", "discount_rate": 0,
    ...     "inputs": [{"stakeholder": "Supplier", "amount": 10_000}],
    ...     "outcomes": [
    ...         {"id": "jobs", "stakeholder": "Residents", "outcome": "Into work",
    ...          "quantity": 2, "value": 9_000, "duration": 5, "deadweight": 0.3},
    ...         {"id": "wellbeing", "stakeholder": "Residents", "outcome": "Feel better",
    ...          "quantity": 2, "value": 1_000, "duration": 1, "deadweight": 0.2,
    ...          "drop_off": 0.1}]})
    >>> findings[["rule", "severity", "outcome"]].to_dict("list")
    {'rule': ['no_drop_off', 'dominant_outcome'], 'severity': ['medium', 'medium'], \
'outcome': ['jobs', 'jobs']}
    >>> print(findings["finding"][0])
    lasts 5 years with no drop-off (more than 3 years): its full value is claimed in every year
    """
    import pandas as pd

    limits = _thresholds(
        {
            "max_deductions": max_deductions,
            "long_duration": long_duration,
            "max_outcome_share": max_outcome_share,
            "max_wellbeing_share": max_wellbeing_share,
            "data_ages": data_ages,
            "max_transfer_share": max_transfer_share,
            "materiality": materiality,
        }
    )
    from sroi.result import Result

    if isinstance(model, Result):
        result = model
    else:
        from sroi.evaluation import evaluate

        result = evaluate(model)
    rows = _findings(result, limits)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rows.sort(key=lambda r: (order[r["severity"]], r["_position"]))
    frame = pd.DataFrame([{c: r[c] for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    # None for the model as a whole, never NaN (pandas' text columns hold NaN for None)
    frame["outcome"] = pd.Series([r["outcome"] for r in rows], dtype=object)
    frame.attrs["thresholds"] = {
        k: list(v) if isinstance(v, tuple) else v for k, v in limits.items()
    }
    return frame


def _findings(result: Result, t: Mapping[str, Any]) -> list[dict[str, Any]]:
    m, c = result.model, result.computation
    cur = result.currency
    ids = m.outcome_ids
    vals = result.valuations
    pv = np.asarray(c.present_value_by_outcome, dtype=float)
    total = float(result.present_value)
    skipped = {n.index for n in result.not_counted}
    rows: list[dict[str, Any]] = []

    def add(rule: str, principle: str, severity: str, i: int | None, text: str) -> None:
        rows.append(
            {
                "rule": rule,
                "principle": principle,
                "severity": severity,
                "outcome": None if i is None else ids[i],
                "location": "" if i is None else f"outcomes[{i}]",
                "finding": text,
                "_position": -1 if i is None else i,
            }
        )

    def value_type(i: int) -> str | None:
        return vals[i].value_type if vals else m.outcomes[i].value_type

    # the same change counted more than once (unless the rule already counted it once)
    if result.double_counting != "highest":
        for who, group, where in same_change(m):
            types = {value_type(i) for i in where}
            both = {"fiscal", "wellbeing"} <= types
            for i in where[1:]:
                kinds = f" ({value_type(where[0])} and {value_type(i)} values)" if both else ""
                add(
                    "fiscal_and_wellbeing" if both else "double_counting",
                    "Do not over-claim",
                    "high",
                    i,
                    f"values the same change as outcomes[{where[0]}] ({ids[where[0]]}) for "
                    f"{who}{kinds}, outcome_group {group!r}: the change is counted "
                    f"{_times(len(where))} ({money(float(pv[i]), cur, 0)} here); count it "
                    "once unless these are different people",
                )

        # the same change named alike, with no outcome_group: a fiscal saving and a
        # wellbeing value for the same stakeholder and the same words
        grouped = {i for _, _, where in same_change(m) for i in where}
        named: dict[tuple[str, str], list[int]] = {}
        for i, outcome in enumerate(m.outcomes):
            if i not in grouped and i not in skipped and outcome.outcome_group is None:
                key = (outcome.stakeholder.casefold(), " ".join(outcome.outcome.casefold().split()))
                named.setdefault(key, []).append(i)
        for where in named.values():
            fiscal = [i for i in where if value_type(i) == "fiscal"]
            wellbeing = [i for i in where if value_type(i) == "wellbeing"]
            for i in wellbeing if fiscal else []:
                add(
                    "fiscal_and_wellbeing",
                    "Do not over-claim",
                    "medium",
                    i,
                    f"is a wellbeing value for the same change, named alike, as the fiscal "
                    f"saving of outcomes[{fiscal[0]}] ({ids[fiscal[0]]}) for "
                    f"{m.outcomes[i].stakeholder}: the change may be counted twice; if both "
                    "stand, say why, and give them one outcome_group so the rule can be applied",
                )

    size = np.abs(pv)
    whole = math.fsum(size)
    for i, outcome in enumerate(m.outcomes):
        if i in skipped:
            continue
        positive = float(c.outcomes.value[i]) > 0
        # no deductions at all
        deductions = ("deadweight", "displacement", "attribution", "leakage")
        given = [getattr(outcome, name) for name in deductions]
        flat = [x for g in given for x in (g if isinstance(g, tuple) else (g,))]
        if positive and not any(flat):
            add(
                "no_deductions",
                "Do not over-claim",
                "medium",
                i,
                "claims all of its value: no deadweight, displacement, attribution or leakage "
                "(what would have happened anyway, and who else helped?)",
            )
        # deductions removing nearly everything
        gross = float(c.gross[i])
        left = float(c.after_leakage[i] if c.after_leakage is not None else c.after_attribution[i])
        if gross != 0:
            removed = 1 - left / gross
            if removed > t["max_deductions"]:
                add(
                    "high_deductions",
                    "Be transparent",
                    "medium",
                    i,
                    f"its deductions remove {percent(removed)} of its value (more than "
                    f"{percent(t['max_deductions'], 0)}): show the evidence for each, and "
                    "whether so little of the change is the activity's",
                )
        # long durations with no drop-off
        years = float(outcome.duration)
        if positive and years > t["long_duration"] and outcome.drop_off == 0:
            add(
                "no_drop_off",
                "Do not over-claim",
                "medium",
                i,
                f"lasts {years:g} years with no drop-off (more than {t['long_duration']:g} "
                "years): its full value is claimed in every year",
            )
        proxy = vals[i].proxy if vals else None
        if proxy is not None:
            share = getattr(proxy, "transfer_share", None)
            if share is not None and share > t["max_transfer_share"] and positive:
                add(
                    "transfer_payment",
                    "Do not over-claim",
                    "medium",
                    i,
                    f"{percent(share)} of proxy {proxy.id!r} is a transfer payment "
                    f"({money(float(pv[i]) * share, cur, 0)} of its present value): benefits "
                    "or taxes moved from one party to another, a saving to the payer but not "
                    "value created",
                )
            age = _data_age(proxy)
            if age and age not in t["data_ages"]:
                add(
                    "old_proxy",
                    "Value the things that matter",
                    "medium",
                    i,
                    f"proxy {proxy.id!r} is in {proxy.price_year} prices, data age {age!r} "
                    f"(allowed: {', '.join(t['data_ages']) or 'none'}): find a newer value "
                    "or show that this one still holds",
                )
            factor = vals[i].unit_factor
            if not math.isclose(factor, 1.0, rel_tol=1e-12):
                counted = outcome.unit or _counted(proxy.unit)
                add(
                    "unit_conversion",
                    "Be transparent",
                    "low",
                    i,
                    f"proxy {proxy.id!r} is published in {proxy.unit}; used as "
                    f"{money(float(c.outcomes.value[i]), cur)} per {counted} a year "
                    f"(x {factor:,.4g}): check that each unit enjoys it for the whole year",
                )
        # one outcome carrying most of the value
        part = _share(float(pv[i]), total)
        if part is not None and part > t["max_outcome_share"]:
            add(
                "dominant_outcome",
                "Do not over-claim",
                "medium",
                i,
                f"carries {percent(part)} of the present value (more than "
                f"{percent(t['max_outcome_share'], 0)}): the claim rests on its evidence; "
                "test it first (its switching values)",
            )
        # immaterial outcomes
        if 0 < whole < math.inf and size[i] / whole < t["materiality"]:
            add(
                "immaterial",
                "Only include what is material",
                "low",
                i,
                f"carries {percent(size[i] / whole, 2)} of the value (less than "
                f"{percent(t['materiality'], 1)}): is it material? If not, leave it out and "
                "say why; nothing has been left out",
            )
    # wellbeing values carrying most of the value
    wellbeing = math.fsum(
        float(pv[i]) for i in range(len(m.outcomes)) if value_type(i) == "wellbeing"
    )
    part = _share(wellbeing, total)
    if part is not None and part > t["max_wellbeing_share"]:
        add(
            "wellbeing_share",
            "Do not over-claim",
            "medium",
            None,
            f"wellbeing values carry {percent(part)} of the present value (more than "
            f"{percent(t['max_wellbeing_share'], 0)}): they are the least certain kind of "
            "value; show the claim without them too",
        )
    return rows
