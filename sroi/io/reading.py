"""What reading a model file found: the model, and everything said about the file.

:func:`sroi.io.read_model_report` returns a :class:`FileReading`: the model, the layout
the file was read as, and, for an impact map laid out as the SROI Guide's
(:mod:`sroi.io.sector_map`), every column recognised, every total row checked, every
``Impact`` cell compared with the library's figure, and every cell that was not read as
data, each with the reason. Nothing a user typed disappears unexplained: a cell is data,
a heading, a checked total, a compared impact, or listed here as ignored.

Examples
--------
>>> reading = FileReading(
...     model=None, path="map.xlsx", layout="impact-map",
...     totals=(TotalCheck("map.xlsx, row 9, column D (Value £)", "Total", 25_000.0,
...                        25_000.0, "rows 5-8"),),
...     impacts=(ImpactCheck("map.xlsx, row 6, column T (Impact)", 45_000.0, 40_500.0),),
... )
>>> [t.agrees for t in reading.totals], [i.agrees for i in reading.impacts]
([True], [False])
>>> print(reading.summary())  # doctest: +NORMALIZE_WHITESPACE
map.xlsx: read as an impact map laid out as the SROI Guide's
  1 total checked, 1 agrees
  1 Impact cell compared, 0 agree
    map.xlsx, row 6, column T (Impact): states 45,000.00, sroi computes 40,500.00
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sroi.errors import ReadingWarning

__all__ = ["LAYOUTS", "FileReading", "IgnoredCell", "ImpactCheck", "TotalCheck"]

LAYOUTS = {
    "yaml": "a YAML model",
    "json": "a JSON model",
    "csv": "CSV tables in the library's layout",
    "xlsx": "a workbook in the library's layout",
    "impact-map": "an impact map laid out as the SROI Guide's",
}
"""Each layout a file can be read as, in words."""

_TOLERANCE = 0.005  # half a penny: figures that differ by less agree


def _agree(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=_TOLERANCE)


@dataclass(frozen=True)
class IgnoredCell:
    """A cell (or a sheet) that was not read as data, and why.

    Attributes
    ----------
    location : str
        Where (``"map.xlsx, sheet 'Impact map', row 2, cell C2"``).
    value : object
        What the cell holds, as read.
    reason : str
        Why it was not read (``"a heading above the table"``).
    """

    location: str
    value: Any
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"location", "value", "reason"}`` (the value as text)."""
        return {"location": self.location, "value": _text(self.value), "reason": self.reason}


@dataclass(frozen=True)
class TotalCheck:
    """A total row's figure checked against the rows it totals.

    Attributes
    ----------
    location : str
        The total's cell.
    label : str
        The row's label (``"Total"``, ``"Sub-total"``) or the formula that made it one.
    stated : float or None
        The figure the cell holds [money or count]; None when it holds a formula whose
        value was not saved (the workbook was written by a program that does not
        calculate), so there is nothing to check.
    computed : float
        The sum of the rows it totals, as read [money or count].
    rows : str
        Which rows it totals (``"rows 5-8"``).
    """

    location: str
    label: str
    stated: float | None
    computed: float
    rows: str

    @property
    def agrees(self) -> bool:
        """Whether the stated figure is the sum, to half a penny; False with none stated."""
        return _agree(self.stated, self.computed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ``agrees``."""
        return {
            "location": self.location,
            "label": self.label,
            "stated": self.stated,
            "computed": self.computed,
            "rows": self.rows,
            "agrees": self.agrees,
        }


@dataclass(frozen=True)
class ImpactCheck:
    """An ``Impact`` cell compared with the library's figure for its row.

    Attributes
    ----------
    location : str
        The ``Impact`` cell.
    stated : float or None
        What the cell holds [money / year]; None for a formula whose value was not saved.
    computed : float
        quantity x value after deadweight, displacement, attribution and leakage (the
        model's ``deductions`` convention), before drop-off: the first year's impact as
        the SROI Guide's impact map states it [money / year].
    """

    location: str
    stated: float | None
    computed: float

    @property
    def agrees(self) -> bool:
        """Whether the cell holds the library's figure, to half a penny."""
        return _agree(self.stated, self.computed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with ``agrees``."""
        return {
            "location": self.location,
            "stated": self.stated,
            "computed": self.computed,
            "agrees": self.agrees,
        }


def _text(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _money(value: float | None) -> str:
    return "no saved value" if value is None else f"{value:,.2f}"


@dataclass(frozen=True)
class FileReading:
    """A model file as read: the model and everything reading noticed.

    Attributes
    ----------
    model : Model
        The model read.
    path : str
        The file read.
    layout : str
        The layout it was read as, a key of :data:`LAYOUTS` (``"impact-map"``).
    notes : tuple of str
        How the file was read (the sheet and header row found, how a column was
        understood), for the record.
    columns : tuple of (str, str)
        For an impact map: each recognised column (``"D (Value £)"``) and the field it
        was read as (``"inputs.amount"``).
    ignored : tuple of IgnoredCell
        Every cell (or sheet) not read as data, and why.
    totals : tuple of TotalCheck
        Every total or sub-total row found, checked against the rows it totals.
    impacts : tuple of ImpactCheck
        Every ``Impact`` cell compared with the library's figure.
    warnings : tuple of ReadingWarning
        What deserves a look: a total or an impact that disagrees, a column or a row of
        figures that was not read. :func:`sroi.io.read_model` issues each as a Python
        warning; :func:`sroi.evaluate` records them on the result.
    """

    model: Any
    path: str
    layout: str
    notes: tuple[str, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    ignored: tuple[IgnoredCell, ...] = ()
    totals: tuple[TotalCheck, ...] = ()
    impacts: tuple[ImpactCheck, ...] = ()
    warnings: tuple[ReadingWarning, ...] = field(default=())

    def summary(self) -> str:
        """The reading in a few lines: layout, totals, impacts, warnings, ignored cells."""
        lines = [f"{self.path}: read as {LAYOUTS.get(self.layout, self.layout)}"]
        lines += [f"  {note}" for note in self.notes]
        if self.totals:
            ok = sum(t.agrees for t in self.totals)
            lines.append(
                f"  {len(self.totals)} total{'s' if len(self.totals) != 1 else ''} "
                f"checked, {ok} agree{'s' if ok == 1 else ''}"
            )
            for t in self.totals:
                if not t.agrees:
                    lines.append(
                        f"    {t.location} ({t.label}): states {_money(t.stated)}, "
                        f"{t.rows} sum to {t.computed:,.2f}"
                    )
        if self.impacts:
            ok = sum(i.agrees for i in self.impacts)
            lines.append(
                f"  {len(self.impacts)} Impact cell{'s' if len(self.impacts) != 1 else ''} "
                f"compared, {ok} agree{'s' if ok == 1 else ''}"
            )
            for i in self.impacts:
                if not i.agrees:
                    lines.append(
                        f"    {i.location}: states {_money(i.stated)}, sroi computes "
                        f"{i.computed:,.2f}"
                    )
        if self.ignored:
            lines.append(
                f"  {len(self.ignored)} cell{'s' if len(self.ignored) != 1 else ''} not read "
                "as data:"
            )
            for where, cells in _grouped(self.ignored):
                if len(cells) == 1:
                    cell = cells[0]
                    lines.append(f"    {cell.location}: {_shown(cell.value)} ({cell.reason})")
                else:
                    lines.append(f"    {where} ({len(cells)} cells): {cells[0].reason}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the layout and every note, column, check and ignored cell."""
        return {
            "path": self.path,
            "layout": self.layout,
            "notes": list(self.notes),
            "columns": [{"column": c, "field": f} for c, f in self.columns],
            "totals": [t.to_dict() for t in self.totals],
            "impacts": [i.to_dict() for i in self.impacts],
            "ignored": [c.to_dict() for c in self.ignored],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = [
            f"<p><b>{esc(self.path)}</b>: read as {esc(LAYOUTS.get(self.layout, self.layout))}</p>"
        ]
        if self.notes:
            parts.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in self.notes) + "</ul>")

        def table(title: str, head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
            if not rows:
                return
            cells = "".join(f"<th>{esc(h)}</th>" for h in head)
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in rows
            )
            parts.append(
                f"<p><b>{esc(title)}</b></p><table><thead><tr>{cells}</tr></thead>"
                f"<tbody>{body}</tbody></table>"
            )

        table("Warnings", ("where", "what"), [(w.location, w.message) for w in self.warnings])
        table(
            "Totals checked",
            ("where", "label", "stated", "rows sum to", "agrees"),
            [
                (t.location, t.label, _money(t.stated), f"{t.computed:,.2f}", t.agrees)
                for t in self.totals
            ],
        )
        table(
            "Impact cells compared",
            ("where", "stated", "sroi", "agrees"),
            [(i.location, _money(i.stated), f"{i.computed:,.2f}", i.agrees) for i in self.impacts],
        )
        table(
            "Cells not read as data",
            ("where", "value", "why"),
            [(c.location, _shown(c.value), c.reason) for c in self.ignored],
        )
        return "\n".join(parts)


_COLUMN = re.compile(r"^(?P<row>.*, row \d+), column (?P<column>[A-Z]+)\b")


def _grouped(cells: Sequence[IgnoredCell]) -> list[tuple[str, list[IgnoredCell]]]:
    """Ignored cells, those of one row read for one reason (four or more) taken together
    (``..., row 5, columns A-S``); the rest one by one."""
    groups: list[tuple[str, list[IgnoredCell]]] = []
    for cell in cells:
        match = _COLUMN.match(cell.location)
        key = f"{match['row']}|{cell.reason}" if match else None
        if key and groups and groups[-1][0] == key:
            groups[-1][1].append(cell)
        else:
            groups.append((key or cell.location, [cell]))
    out: list[tuple[str, list[IgnoredCell]]] = []
    for _key, members in groups:
        if len(members) < 4:
            out.extend((m.location, [m]) for m in members)
            continue
        first, last = (_COLUMN.match(m.location) for m in (members[0], members[-1]))
        out.append(
            (f"{first['row']}, columns {first['column']}-{last['column']}", members)  # type: ignore[index]
        )
    return out


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
