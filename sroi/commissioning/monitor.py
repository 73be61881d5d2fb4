"""Commitments against delivery: a contract's promised model set against what was delivered.

A supplier promises social value in its bid (a model: outcomes, quantities, values); the
commissioner then collects what was delivered, period by period. :func:`monitor` sets the
two side by side: delivery by outcome and overall, the value delivered to date against the
value promised to date, the variance, and the *evaluative* re-run of the model with the
quantities actually delivered.

**The actuals table.** One row per outcome and period, with the columns

=============  ==========================================================================
``outcome``    the outcome's ``id`` in the promised model
``year``       the model year the period falls in: 1 is the first year (the year the
               model's outcomes with ``start_year: 1`` first have impact), 2 the second ...
``period``     optional: the part of that year, ``H1``/``H2`` (half-years), ``Q1``-``Q4``
               (quarters) or ``M1``-``M12`` (months); blank (or no column) for the whole
               year. Periods of one outcome and year must not overlap
``quantity``   how many were delivered in the period [count, >= 0]
``spend``      optional: what was spent delivering it [money, >= 0]
=============  ==========================================================================

**What was promised by when.** An outcome whose ``quantity`` is a list, one per year
(``[20, 20]``: 20 jobs in year 1 and 20 in year 2), promises that many in each year, spread
evenly over the year; an outcome with one ``quantity`` promises it during its first year
(``start_year``), its value then lasting its ``duration``. Reports for such an outcome in
its later years count as late delivery. The reporting date is the end of the latest period
in the table (the end of year 1 after ``H1`` and ``H2`` of year 1), and the promise to date
is what was due by then: the whole of each year that has passed, and the share elapsed of
the year in progress. An outcome with no rows has delivered nothing.

**Value.** Values are present values, computed by :func:`sroi.evaluate` on the promised
model with its quantities replaced: by what was promised to date, and by what was delivered
(the evaluative re-run; its investment is the promise's). Delivery overall is by value (the
outcomes' quantities count different things): value delivered to date over value promised
to date.

References
----------
.. [1] Cabinet Office (2009), reissued by The SROI Network (2012). *A Guide to Social
   Return on Investment* (forecast and evaluative SROI).
"""

from __future__ import annotations

import difflib
import html
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sroi.commissioning._display import aligned
from sroi.commissioning._tables import Row, as_number, blank, number_cell, read_table, text_cell
from sroi.errors import ModelError, Problem, SROIWarning, show_names
from sroi.evaluation import as_model, evaluate
from sroi.formatting import money, percent, quantity
from sroi.model import Model
from sroi.result import Result

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PERIODS", "Monitoring", "monitor", "period_span"]

_TWELFTHS = 12

PERIODS: Mapping[str, tuple[int, int]] = {
    "": (0, 12),
    **{f"H{i}": (6 * (i - 1), 6 * i) for i in (1, 2)},
    **{f"Q{i}": (3 * (i - 1), 3 * i) for i in range(1, 5)},
    **{f"M{i}": (i - 1, i) for i in range(1, 13)},
}
"""Each period label, and the months of its year it covers: ``(first, last)`` in twelfths
of a year from the year's start (``H2`` is ``(6, 12)``); ``""`` is the whole year."""

_PERIOD_ALLOWED = "H1, H2, Q1-Q4, M1-M12, or blank for the whole year"

_TITLE = "the actuals"


def period_span(label: Any) -> tuple[int, int] | None:
    """The twelfths of its year a period covers, or None for a label that is not a period.

    Labels are read whatever their case and spaces; ``M01`` is ``M1``; blank, ``year``,
    ``Y`` and ``FY`` are the whole year.

    Examples
    --------
    >>> period_span("h2"), period_span("Q1"), period_span("M03"), period_span("")
    ((6, 12), (0, 3), (2, 3), (0, 12))
    >>> period_span("H3") is None
    True
    """
    if blank(label):
        return PERIODS[""]
    text = re.sub(r"\s+", "", str(label)).upper()
    if text in ("YEAR", "Y", "FY"):
        return PERIODS[""]
    match = re.fullmatch(r"([HQM])0*([0-9]+)", text)
    if match:
        text = f"{match[1]}{int(match[2])}"
    return PERIODS.get(text)


def _period_label(span: tuple[int, int]) -> str:
    return next(k for k, v in PERIODS.items() if v == span)


@dataclass(frozen=True)
class _Report:
    """One row of actuals, read."""

    row: Row
    outcome: int
    year: int
    span: tuple[int, int]
    quantity: float
    spend: float | None

    @property
    def start(self) -> float:
        return self.year - 1 + self.span[0] / _TWELFTHS

    @property
    def end(self) -> float:
        return self.year - 1 + self.span[1] / _TWELFTHS

    @property
    def share_of_year(self) -> float:
        return (self.span[1] - self.span[0]) / _TWELFTHS


@dataclass(frozen=True, eq=False)
class Monitoring:
    """A contract's promise set against what was delivered, to a date.

    Attributes
    ----------
    promise : Result
        The promised model, evaluated.
    to_date : Result
        The model with its quantities replaced by what was promised by the reporting date.
    evaluated : Result
        The evaluative re-run: the model with the quantities delivered.
    date : float
        The reporting date: the end of the latest period reported [model years; 1.0 is
        the end of year 1, 1.5 the middle of year 2].
    date_label : str
        The same in words (``"the end of year 1"``).
    by_outcome : pandas.DataFrame
        One row per outcome of the promise (see :meth:`to_frame`).
    by_period : pandas.DataFrame
        One row per row of actuals, in time order: ``outcome``, ``year``, ``period``,
        ``start`` and ``end`` [model years], ``quantity``, ``promised`` (the promise for
        that period) [count], ``delivery`` [fraction; NaN where nothing was promised]
        and, where given, ``spend`` [money].
    warnings : tuple of SROIWarning
        What deserves a look: delivery reported after the year an outcome was due (valued
        as if on time), each located at its outcome.
    """

    promise: Result
    to_date: Result
    evaluated: Result
    date: float
    date_label: str
    by_outcome: pd.DataFrame = field(repr=False)
    by_period: pd.DataFrame = field(repr=False)
    warnings: tuple[SROIWarning, ...] = field(default=(), repr=False)

    @property
    def value_promised_to_date(self) -> float:
        """Present value of what was promised by the reporting date [money]."""
        return self.to_date.present_value

    @property
    def value_delivered_to_date(self) -> float:
        """Present value of what was delivered [money]: the evaluative re-run's."""
        return self.evaluated.present_value

    @property
    def variance(self) -> float:
        """``value_delivered_to_date - value_promised_to_date`` [money]; negative when
        delivery is behind."""
        return self.value_delivered_to_date - self.value_promised_to_date

    @property
    def delivery(self) -> float | None:
        """Delivery overall, by value: value delivered over value promised to date
        [fraction; 1 is on track]; None when nothing of value was due yet."""
        due = self.value_promised_to_date
        return self.value_delivered_to_date / due if due > 0 else None

    @property
    def spend_to_date(self) -> float | None:
        """Everything reported as spent [money]; None when the actuals give no spend."""
        if "spend_to_date" not in self.by_outcome.columns:
            return None
        return float(self.by_outcome["spend_to_date"].sum())

    def to_frame(self) -> pd.DataFrame:
        """Delivery by outcome, one row each (a copy of :attr:`by_outcome`).

        Columns: ``id``, ``stakeholder``, ``outcome``, ``promised`` (the whole promise)
        and ``promised_to_date`` and ``delivered_to_date`` [count], ``delivery``
        [fraction; NaN where nothing was due], ``variance`` [count]; ``value_promised``,
        ``value_promised_to_date``, ``value_delivered_to_date`` and ``value_variance``
        [money, present values]; and ``spend_to_date`` [money] when the actuals give
        spend.
        """
        return self.by_outcome.copy()

    def _lines(self) -> list[tuple[str, str]]:
        cur = self.promise.currency
        lines = [
            ("Reported to", self.date_label),
            ("Value promised (whole contract)", money(self.promise.present_value, cur)),
            ("Value promised to date", money(self.value_promised_to_date, cur)),
            ("Value delivered to date", money(self.value_delivered_to_date, cur)),
            ("Variance", money(self.variance, cur)),
            ("Delivery (by value)", percent(self.delivery) or "nothing due yet"),
        ]
        if self.spend_to_date is not None:
            lines.append(("Spend to date", money(self.spend_to_date, cur)))
        return lines

    def summary(self) -> str:
        """Delivery as text: the figures, then a table by outcome."""
        import pandas as pd

        lines = self._lines()
        width = max(len(k) for k, _ in lines)
        cur = self.promise.currency
        t = self.by_outcome.set_index("id")
        shown = pd.DataFrame(
            {
                "due to date": t["promised_to_date"].map(quantity),
                "delivered": t["delivered_to_date"].map(quantity),
                "delivery": t["delivery"].map(lambda x: percent(x) or "nothing due"),
                "value due": t["value_promised_to_date"].map(lambda x: money(x, cur)),
                "value delivered": t["value_delivered_to_date"].map(lambda x: money(x, cur)),
                "variance": t["value_variance"].map(lambda x: money(x, cur)),
            }
        )
        return "\n".join(
            [
                f"Delivery against promise: {self.promise.model.name}",
                *(f"  {k:<{width}}  {v}" for k, v in lines),
                "",
                "By outcome",
                *aligned("outcome", shown, "  "),
                *(["", "Warnings"] if self.warnings else []),
                *(f"  {w.location}: {w.message}" for w in self.warnings),
            ]
        )

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"<Monitoring {self.promise.model.name!r} to {self.date_label}: delivery "
            f"{percent(self.delivery) or 'nothing due'}>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:right'>{html.escape(v)}</td></tr>"
            for k, v in self._lines()
        )
        table = self.by_outcome.to_html(
            index=False, float_format=lambda x: f"{x:,.2f}", escape=True, na_rep=""
        )
        title = html.escape(f"Delivery against promise: {self.promise.model.name}")
        return (
            f"<div class='sroi-monitoring'><h4>{title}</h4><table>{rows}</table>"
            f"<h5>By outcome</h5>{table}</div>"
        )


# --------------------------------------------------------------------------------------
# Reading the actuals


def _read_actuals(actuals: Any, m: Model) -> list[_Report]:
    """Every row of actuals, checked against the promise; every problem together."""
    source = actuals
    if isinstance(actuals, Mapping) or (
        isinstance(actuals, list) and actuals and isinstance(actuals[0], Mapping)
    ):
        import pandas as pd

        source = pd.DataFrame(actuals)
    table = read_table(
        source,
        "actuals",
        required=("outcome", "year", "quantity"),
        optional=("period", "spend"),
        title=_TITLE,
    )
    ids = list(m.outcome_ids)
    problems: list[Problem] = []
    reports: list[_Report] = []
    for row in table.rows:
        found = len(problems)
        oid = text_cell(row, "outcome", problems)
        index = ids.index(oid) if oid in ids else None
        if oid and index is None:
            near = difflib.get_close_matches(oid, ids, n=2)
            hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
            problems.append(
                Problem(
                    row.at("outcome"),
                    f"is not the id of an outcome of the promise{hint} Its outcomes are "
                    + show_names(ids),
                    oid,
                    allowed="the id of one of the promise's outcomes: " + show_names(ids),
                    suggestions=tuple(near),
                )
            )
        year = _year(row, problems, m, index)
        span = period_span(row.cells.get("period"))
        if span is None:
            problems.append(
                Problem(
                    row.at("period"),
                    f"is not a period; a period is {_PERIOD_ALLOWED}",
                    row.cells.get("period"),
                    allowed=_PERIOD_ALLOWED,
                )
            )
        amount = number_cell(row, "quantity", problems, minimum=0, what="a quantity (>= 0)")
        spend = None
        if "spend" in table.columns:
            spend = number_cell(
                row, "spend", problems, minimum=0, required=False, what="an amount of money"
            )
        if len(problems) == found:
            reports.append(_Report(row, index, year, span, amount, spend))  # type: ignore[arg-type]
    problems += _overlaps(reports, ids)
    if problems:
        raise ModelError(problems, title=_TITLE)
    if not reports:
        raise ModelError(
            [Problem(table.name, "has no rows; give at least one period's delivery")],
            title=_TITLE,
        )
    return reports


def _year(row: Row, problems: list[Problem], m: Model, index: int | None) -> int | None:
    value = row.cells.get("year")
    if blank(value):
        problems.append(
            Problem(row.at("year"), "is blank; give the model year (1, 2, ...)", kind="missing")
        )
        return None
    number = as_number(value)
    if number is None or not number.is_integer() or number < 1:
        problems.append(
            Problem(
                row.at("year"),
                "must be a model year: a whole number from 1",
                value,
                allowed="a whole number from 1 (the first year of the model)",
            )
        )
        return None
    year = int(number)
    if index is not None:
        outcome = m.outcomes[index]
        first, last = outcome.start_year, outcome.end_year
        if not first <= year <= last:
            years = f"year {first}" if first == last else f"years {first}-{last}"
            problems.append(
                Problem(
                    row.at("year"),
                    f"is outside the years of outcome {m.outcome_ids[index]!r} ({years})",
                    value,
                    allowed=f"a year from {first} to {last}",
                )
            )
            return None
    return year


def _overlaps(reports: list[_Report], ids: list[str]) -> list[Problem]:
    """Two rows for one outcome whose periods of one year overlap (or repeat)."""
    problems = []
    seen: dict[tuple[int, int], list[_Report]] = {}
    for r in reports:
        for other in seen.get((r.outcome, r.year), []):
            if r.span[0] < other.span[1] and other.span[0] < r.span[1]:
                earlier = _period_label(other.span) or "the whole year"
                what = "repeats" if r.span == other.span else "overlaps"
                problems.append(
                    Problem(
                        r.row.at("period"),
                        f"{what} the period of {other.row.where} ({earlier}) "
                        f"for outcome {ids[r.outcome]!r} in year {r.year}; report each part "
                        "of a year once",
                        _period_label(r.span) or "(whole year)",
                    )
                )
                break
        seen.setdefault((r.outcome, r.year), []).append(r)
    return problems


# --------------------------------------------------------------------------------------
# The promise and the delivery, quantity by quantity


def _elapsed(date: float, year: int) -> float:
    """How much of model year ``year`` has passed by ``date`` [fraction, 0-1]."""
    return min(max(date - (year - 1), 0.0), 1.0)


def _promised(m: Model, index: int) -> dict[int, float]:
    """What outcome ``index`` promises in each model year [count]."""
    o = m.outcomes[index]
    if isinstance(o.quantity, tuple):
        return {o.start_year + k: float(q) for k, q in enumerate(o.quantity)}
    return {o.start_year: float(o.quantity)}


def _with_quantities(m: Model, quantities: list[Any]) -> dict[str, Any]:
    data = m.to_dict()
    for item, q in zip(data["outcomes"], quantities, strict=True):
        item["quantity"] = q
    return data


def _label(date: float, reports: list[_Report]) -> str:
    last = max(reports, key=lambda r: r.end)
    if last.span[1] == _TWELFTHS:
        return f"the end of year {last.year}"
    return f"year {last.year}, {_period_label(last.span)}"


def monitor(promise: Any, actuals: Any, **evaluate_kwargs: Any) -> Monitoring:
    """Set a contract's promised outcomes against what was delivered, to date.

    Parameters
    ----------
    promise : Model, mapping or path
        The promised model (the bid as contracted); outcomes are matched by ``id``.
    actuals : str, path-like, pandas.DataFrame or mapping
        What was delivered: a CSV file, a DataFrame, a mapping of columns or a list of
        rows, with the columns ``outcome``, ``year``, ``quantity`` and optionally
        ``period`` and ``spend`` (see the module docstring for how periods map to model
        years).
    **evaluate_kwargs
        Passed to :func:`sroi.evaluate` for every evaluation (``discount_rate``,
        ``price_year``, ...).

    Returns
    -------
    Monitoring
        ``.by_outcome`` (also ``.to_frame()``), ``.by_period``, ``.delivery``,
        ``.value_promised_to_date``, ``.value_delivered_to_date``, ``.variance`` and the
        re-run ``.evaluated``; shown as a table in a notebook.

    Raises
    ------
    SROIError
        For a promise that is not valid; and for actuals with any problem, every one
        together, each located in the table (``actuals.csv, row 4, column outcome``): a
        missing or unknown column, an unknown outcome id (with the closest ids), a year
        outside the outcome's years, a period that is not one or overlaps another, a
        negative or missing quantity, a negative spend.

    Examples
    --------
    A promise of 20 jobs a year for two years, each worth £5,000 in its year, against 8
    and 9 jobs in the first two half-years, at 0 %:

    >>> import sroi
    >>> promise = {"name": "Jobs promise", "discount_rate": 0,
    ...     "inputs": [{"stakeholder": "Supplier", "amount": 50_000}],
    ...     "outcomes": [{"id": "jobs", "stakeholder": "Residents", "outcome": "Into work",
    ...                   "quantity": [20, 20], "value": 5_000, "duration": 2}]}
    >>> actuals = {"outcome": ["jobs", "jobs"], "year": [1, 1], "period": ["H1", "H2"],
    ...            "quantity": [8, 9]}
    >>> m = sroi.monitor(promise, actuals)
    >>> m.date_label, m.delivery, m.value_delivered_to_date, m.variance
    ('the end of year 1', 0.85, 85000.0, -15000.0)
    """
    m = as_model(promise)
    reports = _read_actuals(actuals, m)
    date = max(r.end for r in reports)
    n = len(m.outcomes)
    due: list[Any] = []
    delivered: list[Any] = []
    late: list[SROIWarning] = []
    for i, o in enumerate(m.outcomes):
        years = _promised(m, i)
        mine = [r for r in reports if r.outcome == i]
        by_year: dict[int, float] = {}
        for r in mine:
            by_year[r.year] = by_year.get(r.year, 0.0) + r.quantity
        if isinstance(o.quantity, tuple):
            width = math.ceil(o.duration)
            span = range(o.start_year, o.start_year + width)
            due.append([years.get(t, 0.0) * _elapsed(date, t) for t in span])
            delivered.append([by_year.get(t, 0.0) for t in span])
        else:
            due.append(years[o.start_year] * _elapsed(date, o.start_year))
            delivered.append(sum(by_year.values()))
            after = sum(q for t, q in by_year.items() if t > o.start_year)
            if after > 0:
                late.append(
                    SROIWarning(
                        f"{quantity(after)} of the {quantity(sum(by_year.values()))} delivered "
                        f"came after year {o.start_year}, when the promise was due; the "
                        "evaluative re-run values them as if delivered on time, which "
                        "overstates their present value by the delay's discounting (give the "
                        "promise a yearly quantity list to value each year's delivery in its "
                        "year)",
                        location=f"outcomes[{i}] ({m.outcome_ids[i]})",
                    )
                )
    promise_result = evaluate(m, **evaluate_kwargs)
    to_date = evaluate(_with_quantities(m, due), **evaluate_kwargs)
    evaluated = evaluate(_with_quantities(m, delivered), **evaluate_kwargs)
    by_outcome = _by_outcome(m, promise_result, to_date, evaluated, due, delivered, reports)
    by_period = _by_period(m, reports)
    assert len(by_outcome) == n
    for warning in late:
        warnings.warn(warning, stacklevel=2)
    return Monitoring(
        promise=promise_result,
        to_date=to_date,
        evaluated=evaluated,
        date=date,
        date_label=_label(date, reports),
        by_outcome=by_outcome,
        by_period=by_period,
        warnings=tuple(late),
    )


def _total(q: Any) -> float:
    return float(sum(q)) if isinstance(q, list) else float(q)


def _by_outcome(
    m: Model,
    promise: Result,
    to_date: Result,
    evaluated: Result,
    due: list[Any],
    delivered: list[Any],
    reports: list[_Report],
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    promised_total = [sum(_promised(m, i).values()) for i in range(len(m.outcomes))]
    due_total = np.array([_total(q) for q in due])
    done_total = np.array([_total(q) for q in delivered])
    with np.errstate(divide="ignore", invalid="ignore"):
        delivery = np.where(due_total > 0, done_total / due_total, np.nan)
    frame = pd.DataFrame(
        {
            "id": list(m.outcome_ids),
            "stakeholder": [o.stakeholder for o in m.outcomes],
            "outcome": [o.outcome for o in m.outcomes],
            "promised": promised_total,
            "promised_to_date": due_total,
            "delivered_to_date": done_total,
            "delivery": delivery,
            "variance": done_total - due_total,
            "value_promised": promise.by_outcome["present_value"].to_numpy(),
            "value_promised_to_date": to_date.by_outcome["present_value"].to_numpy(),
            "value_delivered_to_date": evaluated.by_outcome["present_value"].to_numpy(),
        }
    )
    frame["value_variance"] = frame["value_delivered_to_date"] - frame["value_promised_to_date"]
    if any(r.spend is not None for r in reports):
        frame["spend_to_date"] = [
            float(sum(r.spend or 0.0 for r in reports if r.outcome == i))
            for i in range(len(m.outcomes))
        ]
    return frame


def _by_period(m: Model, reports: list[_Report]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for r in sorted(reports, key=lambda r: (r.outcome, r.start)):
        years = _promised(m, r.outcome)
        promised = years.get(r.year, 0.0) * r.share_of_year
        row = {
            "outcome": m.outcome_ids[r.outcome],
            "year": r.year,
            "period": _period_label(r.span),
            "start": r.start,
            "end": r.end,
            "quantity": r.quantity,
            "promised": promised,
            "delivery": r.quantity / promised if promised > 0 else float("nan"),
        }
        if any(x.spend is not None for x in reports):
            row["spend"] = float("nan") if r.spend is None else r.spend
        rows.append(row)
    return pd.DataFrame(rows)
