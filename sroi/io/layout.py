"""The layout of a model as tables, shared by the CSV and Excel formats.

CSV and Excel hold the same tables, one row per record, with the model's field names as
column headers:

===================  ====================  ===============================================
CSV file             Excel sheet           columns
===================  ====================  ===============================================
``model.csv``        ``Model``             ``field``, ``value`` (one row per field:
                                           name, description, currency, price_year,
                                           discount_rate); the sheet adds ``about``
``stakeholders.csv`` ``Stakeholders``      name, description
``inputs.csv``       ``Inputs``            stakeholder, description, amount, year, kind,
                                           area
``outputs.csv``      ``Outputs``           description, quantity, unit, stakeholder, area
``outcomes.csv``     ``Impact map``        id, stakeholder, outcome, indicator, source,
                                           quantity, unit, duration, start_year, proxy,
                                           value, deadweight, displacement, attribution,
                                           drop_off, value_type, bearer, category,
                                           marmot_objective, area (the SROI Guide's order)
``scenarios.csv``    ``Scenarios``         name, changes (JSON)
===================  ====================  ===============================================

``model.csv``, ``inputs.csv`` and ``outcomes.csv`` (the sheets ``Model``, ``Inputs`` and
``Impact map``) must be present; the others may be left out. A blank cell means "not
given" (the field's default). A column whose header is not a field is an error (a typo
such as ``dead_weight`` is never ignored); headers may also be written as labels
(``Start year``, ``Drop-off``, ``Value (financial proxy)``, ``Proxy id``). The impact map
may also carry the columns of :data:`COMPUTED` (written from a result by
:func:`sroi.report.write_impact_map`); reading ignores them.

**Numbers and distributions.** Numbers are written as numbers, exactly. A figure written
as a distribution, and a list of yearly discount rates, is compact JSON text in its cell::

    {"distribution": "triangular", "low": 0.1, "mode": 0.25, "high": 0.4}

A scenario's changes are a JSON object in the ``changes`` column. Reading also accepts a
percentage (``25%``) in the deduction and discount-rate columns. Text cells are read with
:func:`sroi.io.cells.unprotect`, so text quoted against formula injection comes back as
it was written.

**Errors.** Every problem is reported together (:class:`Reading`), located in the file:
``model.xlsx, sheet 'Impact map', row 5, column deadweight`` or ``outcomes.csv, row 5,
column deadweight`` (row 1 is the header; a CSV row is a record, which may span lines).
"""

from __future__ import annotations

import datetime
import difflib
import json
import math
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from sroi.errors import ModelError, Problem, ReadingWarning, SROIError, error_for
from sroi.io.cells import unprotect
from sroi.io.limits import Limits, default_limits, json_too_deep
from sroi.io.yaml_json import json_text
from sroi.model import Input, Model, Outcome, Output, Stakeholder

__all__ = [
    "COMPUTED",
    "COMPUTED_NAMES",
    "FRACTIONS",
    "LISTS",
    "MODEL_CSV",
    "MODEL_SHEET",
    "MONEY",
    "SCALARS",
    "SCENARIOS_CSV",
    "SCENARIOS_SHEET",
    "TABLES",
    "Grid",
    "Reading",
    "Table",
    "column_letters",
    "header_key",
    "is_blank",
    "is_total_label",
    "number_text",
    "scalar_rows",
    "scenario_rows",
    "summed_rows",
    "table_rows",
]

# pydantic strips this whitespace (Unicode White_Space) from text fields.
_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def is_blank(value: Any) -> bool:
    """Whether a cell is empty: ``None``, or text of nothing but whitespace.

    Examples
    --------
    >>> is_blank(None), is_blank(" \\t"), is_blank(0), is_blank("x")
    (True, True, False, False)
    """
    return value is None or (isinstance(value, str) and all(c in _WHITESPACE for c in value))


_TOTAL_HEADS = frozenset({"total", "totals", "subtotal", "subtotals", "sum"})
_TOTAL_WORDS = frozenset(
    {
        "total", "totals", "sub", "subtotal", "subtotals", "grand", "overall", "sum", "of",
        "for", "all", "the", "investment", "investments", "input", "inputs", "spend",
        "spending", "cost", "costs", "value", "values", "impact", "impacts", "outcome",
        "outcomes", "output", "outputs", "quantity", "quantities", "amount", "amounts",
        "gbp", "year", "years", "a", "to", "date",
    }
)  # fmt: skip


_LABEL_CHARACTERS = re.compile(r"[\w\s£%:()\[\].,&/'-]*")


def is_total_label(text: Any) -> bool:
    """Whether a cell's text labels a total or sub-total row, not a record.

    The text, read without what is in brackets and without ``£``, ``%`` and ``:``, must
    begin or end with *total*, *sub-total* or *sum*, and hold nothing but the words a total
    is described with (*grand*, *overall*, *investment*, *inputs*, *value*, *impact*,
    *year* ...) and numbers. So ``Total``, ``TOTAL:``, ``Sub-total``, ``Grand Total (£)``,
    ``Inputs total`` and ``Total investment (year 1)`` are labels, and a name that merely
    begins with the word (``Total Fitness Ltd``) is not.

    Examples
    --------
    >>> [is_total_label(t) for t in ("Total", " sub-total: ", "Grand Total (£)", "Totals",
    ...  "Total investment (year 1)", "Sum of inputs", "Inputs total", "Overall total",
    ...  "Total input value", "Total Fitness Ltd", "Subtotal", "Summit Trust", "@SUM(1)", 5)]
    [True, True, True, True, True, True, True, True, True, False, True, False, False, False]
    """
    if not isinstance(text, str) or not _LABEL_CHARACTERS.fullmatch(text):
        return False  # a formula's text (=SUM(...), @SUM(1)) is not a label
    plain = re.sub(r"\(.*?\)|\[.*?\]", " ", text.casefold())
    plain = re.sub(r"sub\s*-\s*total", "subtotal", plain)
    words = [w for w in re.split(r"[^0-9a-z]+", plain) if w and not w.isdigit()]
    if not words or (words[0] not in _TOTAL_HEADS and words[-1] not in _TOTAL_HEADS):
        return False
    if words[0] == "sum" and len(words) > 1 and words[1] != "of":
        return False  # "Sum" alone or "Sum of ...", not a name such as "Sum Trust"
    return all(w in _TOTAL_WORDS for w in words)


_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?:\s*:\s*\$?([A-Z]{1,3})\$?(\d+))?")
_TOTALLING = re.compile(r"(?:SUM|SUBTOTAL|AGGREGATE|[(),+\s]|\b\d+\s*,)*", re.IGNORECASE)


def summed_rows(formula: Any, column: str, row: int) -> list[int] | None:
    """The rows of its own column a formula adds up, or None if it is not such a total.

    A total adds up two or more cells of its own column in other rows, and does nothing
    else: ``=SUM(D5:D9)``, ``=SUBTOTAL(9,D5:D9)``, ``=D5+D6+D7``. A formula that
    multiplies (``=SUM(E5*G5)``), reads another sheet or column, or refers to its own row
    is not a total.

    Parameters
    ----------
    formula : str
        The formula's text (``"=SUM(D5:D9)"``).
    column : str
        The cell's column letters (``"D"``).
    row : int
        The cell's row.

    Examples
    --------
    >>> summed_rows("=SUM(D5:D9)", "D", 10), summed_rows("=D5+D6", "D", 7)
    ([5, 6, 7, 8, 9], [5, 6])
    >>> summed_rows("=SUM(E5*G5*(1-H5))", "T", 5), summed_rows("=SUM(Data!B2:B4)", "I", 6)
    (None, None)
    """
    if not isinstance(formula, str) or not formula.strip().startswith("="):
        return None
    body = formula.strip()[1:].upper()
    if "!" in body:
        return None
    rows: list[int] = []
    for match in _CELL_REF.finditer(body):
        c1, r1, c2, r2 = match.groups()
        if c1 != column.upper() or (c2 is not None and c2 != column.upper()):
            return None
        start, end = int(r1), int(r2) if r2 else int(r1)
        rows.extend(range(min(start, end), max(start, end) + 1))
    if _TOTALLING.fullmatch(_CELL_REF.sub("", body)) is None:
        return None
    if len(rows) < 2 or row in rows:
        return None
    return rows


def column_letters(index: int) -> str:
    """A column's letters from its number (from 1): 1 -> ``A``, 28 -> ``AB``.

    Examples
    --------
    >>> column_letters(1), column_letters(26), column_letters(28)
    ('A', 'Z', 'AB')
    """
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------------------
# The tables.


def _order(record: type, preferred: Sequence[str]) -> tuple[str, ...]:
    """The preferred columns, then any field of ``record`` they leave out."""
    names = list(record.model_fields)  # type: ignore[attr-defined]
    return (*(n for n in preferred if n in names), *(n for n in names if n not in preferred))


@dataclass(frozen=True)
class Table:
    """One table of a model: a list field, its CSV file, sheet and columns."""

    key: str
    record: type
    csv_name: str
    sheet: str
    columns: tuple[str, ...]
    required: bool
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def required_columns(self) -> tuple[str, ...]:
        fields = self.record.model_fields  # type: ignore[attr-defined]
        return tuple(n for n in self.columns if fields[n].is_required())


TABLES = (
    Table(
        "stakeholders", Stakeholder, "stakeholders.csv", "Stakeholders",
        _order(Stakeholder, ("name", "description")), required=False,
    ),
    Table(
        "inputs", Input, "inputs.csv", "Inputs",
        _order(Input, ("stakeholder", "description", "amount", "year", "kind", "area")),
        required=True,
    ),
    Table(
        "outputs", Output, "outputs.csv", "Outputs",
        _order(Output, ("description", "quantity", "unit", "stakeholder", "area")),
        required=False,
    ),
    Table(
        "outcomes", Outcome, "outcomes.csv", "Impact map",
        _order(
            Outcome,
            (
                "id", "stakeholder", "outcome", "indicator", "source", "quantity", "unit",
                "duration", "start_year", "proxy", "value", "deadweight", "displacement",
                "attribution", "drop_off", "value_type", "bearer", "category",
                "marmot_objective", "area",
            ),
        ),
        required=True,
        aliases={"proxy_id": "proxy", "financial_proxy": "value", "outcome_id": "id"},
    ),
)  # fmt: skip
LISTS = {t.key for t in TABLES}
SCALARS = tuple(n for n in Model.model_fields if n not in LISTS and n != "scenarios")
MODEL_CSV, MODEL_SHEET = "model.csv", "Model"
SCENARIOS_CSV, SCENARIOS_SHEET = "scenarios.csv", "Scenarios"


def _types(annotation: Any) -> set[Any]:
    """The plain types an annotation allows (``Optional[float]`` -> ``{float, NoneType}``)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        return _types(args[0])
    if not args:
        return {annotation}
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set().union(*map(_types, args))
    return {typing.get_origin(annotation), *set().union(*map(_types, args))}


def _numeric(record: type) -> set[str]:
    """The fields of ``record`` that hold numbers (and never text), by their types."""
    fields = record.model_fields  # type: ignore[attr-defined]
    return {
        name
        for name, fld in fields.items()
        if (allowed := _types(fld.annotation)) & {int, float} and str not in allowed
    }


_NUMBERS = frozenset(set().union(*(_numeric(t.record) for t in TABLES)))
"""The columns read as numbers (or JSON: a distribution, a list of yearly values)."""
_STRUCTURED = frozenset(
    name
    for name in SCALARS
    if name not in ("price_year", "discount_rate")
    and (
        not _types(Model.model_fields[name].annotation) & {str, int, float}
        or _types(Model.model_fields[name].annotation) & {Mapping, dict}
    )
)
"""The model's own fields that hold a mapping (``conventions``): JSON text in their cell."""
_NUMERIC_SCALARS = frozenset(
    name
    for name in SCALARS
    if name not in ("price_year", "discount_rate")
    and (kinds := _types(Model.model_fields[name].annotation)) & {int, float}
    and str not in kinds
)
"""The model's own fields that hold a number (``contract_value``, ``first_calendar_year``)."""
FRACTIONS = frozenset(
    {"deadweight", "displacement", "attribution", "leakage", "drop_off", "discount_rate"}
)
MONEY = frozenset({"value", "amount"})

COMPUTED = (
    ("value_used", "The value used per unit per year, in the model's prices (from the proxy)."),
    ("gross", "quantity x value_used, a year."),
    ("after_deadweight", "gross x (1 - deadweight)."),
    ("after_displacement", "after_deadweight x (1 - displacement)."),
    ("after_attribution", "after_displacement x (1 - attribution): the first-year impact."),
    ("total_impact", "Undiscounted impact over the outcome's life, after drop-off."),
    ("present_value", "The discounted impact over the outcome's life."),
    ("share_of_present_value", "This outcome's share of the total present value."),
    ("proxy_table_source", "Where the proxy table says the financial proxy comes from."),
)
"""Columns computed from a Result: written to the impact map sheet, ignored when read."""
COMPUTED_NAMES = frozenset(name for name, _ in COMPUTED)


def header_key(header: str) -> str:
    """A header as a field name: ``"Start year"`` -> ``start_year``, ``"Drop-off"`` -> ``drop_off``.

    Examples
    --------
    >>> header_key("Value (financial proxy)"), header_key("Drop-off")
    ('value', 'drop_off')
    """
    text = re.sub(r"\(.*?\)", "", header).strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


# --------------------------------------------------------------------------------------
# Model -> rows of cells (shared by CSV and Excel).


def _cell_out(value: Any) -> Any:
    """A field's value as written in a cell: JSON text for a distribution or a list."""
    if isinstance(value, (dict, list)):
        return json_text(value, indent=None)
    return value


def table_rows(model: Model) -> dict[str, list[dict[str, Any]]]:
    """The model's tables (``inputs``, ``outcomes`` ...) as rows of cell values, by field."""
    data = model.to_dict()
    return {t.key: [{k: _cell_out(v) for k, v in r.items()} for r in data[t.key]] for t in TABLES}


def scalar_rows(model: Model) -> list[tuple[str, Any]]:
    """The model's own fields (``name``, ``currency`` ...) as ``(field, cell value)`` rows."""
    data = model.to_dict()
    return [(name, _cell_out(data.get(name))) for name in SCALARS]


def scenario_rows(model: Model) -> list[tuple[str, str]]:
    """The model's scenarios as ``(name, changes as JSON)`` rows."""
    return [(name, json_text(changes, indent=None)) for name, changes in model.scenarios.items()]


# --------------------------------------------------------------------------------------
# Reading cells (shared by CSV and Excel).


class _CellError(Exception):
    """A cell that cannot be read: the message says why."""


_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_BLANK = object()


def number_text(value: int | float) -> str:
    """A number as text that reads back exactly: ``100``, ``0.1``, ``1e+20``.

    Examples
    --------
    >>> number_text(100.0), number_text(0.1), number_text(1e20)
    ('100', '0.1', '1e+20')
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _json_cell(text: str, limits: Limits) -> Any:
    """A cell's JSON text parsed; :class:`_CellError` if it is not valid JSON.

    The text may nest lists and objects no deeper than ``limits.depth`` (checked before
    parsing it), and its numbers must be ones a float holds.
    """
    if json_too_deep(text, limits) is not None:
        raise _CellError(
            f"nests lists and objects deeper than the limit of {limits.depth} (Limits.depth); "
            "if the cell is what you meant, raise it: limits=sroi.io.Limits(depth=...)"
        )

    def reject(name: str) -> float:
        raise _CellError(f"{name} is not a number JSON allows")

    def whole(number: str) -> int:
        if len(number.lstrip("-")) > _MAX_DIGITS:
            raise _CellError(_too_large(number))
        return int(number)

    def decimal(number: str) -> float:
        value = float(number)
        if not math.isfinite(value):
            raise _CellError(_too_large(number))
        return value

    try:
        return json.loads(text, parse_constant=reject, parse_int=whole, parse_float=decimal)
    except json.JSONDecodeError as exc:
        raise _CellError(f"is not valid JSON: {exc.msg} (character {exc.pos + 1})") from None


_MAX_DIGITS = 308  # a whole number of more digits is over 1e308: no float holds it


def _too_large(text: str) -> str:
    shown = text if len(text) <= 24 else f"{text[:12]}...{text[-6:]}"
    return f"the number {shown} is too large to hold (over 1.8e308)"


def _read_number(text: str, name: str, limits: Limits) -> Any:
    """Text in a numeric column as a number or JSON; other text is left to the model."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        return _json_cell(stripped, limits)
    if _INTEGER.fullmatch(stripped):
        if len(stripped.lstrip("+-")) > _MAX_DIGITS and stripped.lstrip("+-0"):
            raise _CellError(_too_large(stripped))
        return int(stripped)
    if _DECIMAL.fullmatch(stripped):
        value = float(stripped)
        if not math.isfinite(value):
            raise _CellError(_too_large(stripped))
        return value
    if name in FRACTIONS and stripped.endswith("%") and _DECIMAL.fullmatch(stripped[:-1].strip()):
        value = float(stripped[:-1]) / 100
        if not math.isfinite(value):
            raise _CellError(_too_large(stripped))
        return value
    return text  # the model says what is wrong with it


def _read_cell(name: str, value: Any, *, numeric: bool, limits: Limits | None = None) -> Any:
    """A cell's value for the field ``name``: text, a number, or parsed JSON.

    Returns ``_BLANK`` for an empty cell; raises :class:`_CellError` for bad JSON or a
    number no float holds. A date or time (a spreadsheet's) is read as its ISO text.
    """
    if is_blank(value):
        return _BLANK
    if isinstance(value, (datetime.date, datetime.time)):
        value = value.isoformat()
    elif isinstance(value, datetime.timedelta):
        value = str(value)
    if isinstance(value, str):
        value = unprotect(value)
        if not numeric:
            return value
        return _read_number(value, name, limits or default_limits())
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise _CellError("is not a finite number")
    if isinstance(value, (int, float)) and not numeric:
        return number_text(value)  # a spreadsheet turned typed text into a number
    return value


def _read_scalar(name: str, value: Any, limits: Limits | None = None) -> Any:
    """A cell of the ``value`` column of the model's own fields, for the field ``name``."""
    limits = limits or default_limits()
    if name == "discount_rate":
        if isinstance(value, str) and not is_blank(value):
            text = unprotect(value).strip()
            number = _read_number(text, name, limits)
            return number if not isinstance(number, str) else text
        return _read_cell(name, value, numeric=True, limits=limits)
    if name in _STRUCTURED:
        if isinstance(value, str) and not is_blank(value):
            return _json_cell(unprotect(value).strip(), limits)
        return _read_cell(name, value, numeric=False, limits=limits)
    if name in _NUMERIC_SCALARS:
        return _read_cell(name, value, numeric=True, limits=limits)
    if name == "price_year":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and not is_blank(value):
            return unprotect(value).strip()  # the model's one price-year parser reads it
        if isinstance(value, float) and not math.isfinite(value):
            raise _CellError("is not a finite number")
        return _BLANK if is_blank(value) else value
    return _read_cell(name, value, numeric=False, limits=limits)


# --------------------------------------------------------------------------------------
# Reading tables into a model, with every problem located in the file.

_TOTAL_COLUMNS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "inputs": (("stakeholder", "description"), "amount", "description"),
    "outcomes": (("stakeholder", "outcome", "id"), "quantity", "outcome"),
}
"""For a table that may hold a total row: its label columns, its amount, its description."""


def _plain_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass
class Grid:
    """A table as read from a CSV file or a sheet: the header cells and rows of cells.

    ``rows`` holds ``(row number, cells)``, row 1 being the header; ``base`` names the file
    or sheet in messages; ``problems`` are cells that could not be read at all;
    ``formulas`` the text of each formula cell, by ``(row number, column from 0)`` (its
    saved value is in ``rows``).
    """

    base: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]]
    problems: list[tuple[str, str]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class Reading:
    """What was read so far: the model's data, where each part came from, the problems.

    Problems the model itself finds (``outcomes[3].deadweight``) are moved to the place in
    the file they came from; those already reported for the file (a missing column or
    table, a cell that is not valid JSON) are not reported twice.
    """

    title: str
    limits: Limits = field(default_factory=default_limits)
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    list_rows: dict[str, tuple[str, list[int]]] = field(default_factory=dict)
    scalar_base: str = ""
    scalar_rows: dict[str, int] = field(default_factory=dict)
    scenario_base: str = ""
    scenario_rows: dict[str, int] = field(default_factory=dict)
    covered: set[tuple[str, int | None, str]] = field(default_factory=set)
    silenced: set[str] = field(default_factory=set)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    warnings: list[ReadingWarning] = field(default_factory=list)
    """What reading noticed but did not refuse; issued as Python warnings by :meth:`model`."""
    """How a table's fields are named in the file, where not by the field's name
    (``{"inputs": {"amount": "D (Value £)"}}``)."""

    def problem(self, location: str, message: str, *value: Any) -> None:
        self.problems.append(Problem(location, message, *value))

    def model(self) -> Model:
        import warnings

        for warning in self.warnings:
            warnings.warn(warning, stacklevel=3)
        try:
            model = Model.from_dict(self.data)
        except SROIError as exc:
            found = [p for p in map(self._translate, exc.problems) if p is not None]
            raise error_for([*self.problems, *found], title=self.title) from None
        if self.problems:
            raise ModelError(self.problems, title=self.title)
        return model

    def _translate(self, problem: Problem) -> Problem | None:
        """A model location (``outcomes[3].deadweight``) as a place in the file, or None.

        The problem's other parts (value, what is allowed, kind) are kept; a problem of
        the model as a whole is located at the file.
        """
        loc, message = problem.location, problem.message
        top = re.match(r"[^.\[]*", loc).group(0)  # type: ignore[union-attr]
        if top in self.silenced:
            return None
        match = re.fullmatch(r"(\w+)(?:\[(\d+)\])?(?:\.([^.\[]+))?(.*)", loc)
        if match and top in self.list_rows:
            _, index, column, rest = match.groups()
            base, rows = self.list_rows[top]
            i = int(index) if index is not None else None
            if {(top, None, column or ""), (top, i, column or "")} & self.covered:
                return None
            if column is not None:
                column = self.labels.get(top, {}).get(column, column)
            if i is None or i >= len(rows):
                where = base if column is None else f"{base}, column {column}"
            else:
                where = f"{base}, row {rows[i]}" + (f", column {column}{rest}" if column else "")
            return replace(problem, location=where)
        if top == "scenarios" and self.scenario_base and loc.startswith("scenarios."):
            rest = loc[len("scenarios.") :]
            for name in sorted(self.scenario_rows, key=len, reverse=True):
                if rest == name or rest.startswith(name + "."):
                    where = f"{self.scenario_base}, row {self.scenario_rows[name]}"
                    inner = rest[len(name) + 1 :]
                    if inner:
                        return replace(
                            problem,
                            location=f"{where}, column changes",
                            message=f"{inner}: {message}",
                        )
                    return replace(problem, location=where)
        if top in SCALARS and self.scalar_base:
            if top in self.scalar_rows:
                where = f"{self.scalar_base}, row {self.scalar_rows[top]} ({loc})"
            else:
                where = f"{self.scalar_base}, {loc}"
            return replace(problem, location=where)
        if not loc:
            return replace(problem, location=PurePath(self.title).name or self.title)
        return problem

    # -------------------------------------------------------------- the tables

    def header(
        self, grid: Grid, known: Sequence[str], aliases: Mapping[str, str], ignore=frozenset()
    ) -> dict[int, str]:
        """Map column positions to field names; report unknown, duplicate or unnamed columns."""
        columns: dict[int, str] = {}
        seen: dict[str, int] = {}
        for j, raw in enumerate(grid.header):
            if is_blank(raw):
                if any(j < len(cells) and not is_blank(cells[j]) for _, cells in grid.rows):
                    self.problem(
                        f"{grid.base}, row 1, column {j + 1}",
                        "has values but no header; name the column or clear it",
                    )
                continue
            text = unprotect(raw) if isinstance(raw, str) else str(raw)
            key = header_key(text)
            key = aliases.get(key, key)
            if key in ignore:
                continue
            if key not in known:
                guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"did you mean {guess[0]!r}?" if guess else "columns: " + ", ".join(known)
                self.problem(f"{grid.base}, row 1", f"unknown column {text!r}; {hint}")
                continue
            if key in seen:
                self.problem(
                    f"{grid.base}, row 1",
                    f"the column {key!r} appears twice (columns {seen[key] + 1} and {j + 1})",
                )
                continue
            seen[key] = j
            columns[j] = key
        return columns

    def table(self, table: Table, grid: Grid | None, missing: tuple[str, str] | None) -> None:
        """Read one list table (``outcomes``) into ``data``.

        ``grid`` is None when the table is absent (``missing`` then says what to report
        for a required table) or could not be read (already reported).
        """
        if grid is None:
            if table.required:
                if missing:
                    self.problem(*missing)
                self.silenced.add(table.key)
            return
        self.problems.extend(Problem(where, message) for where, message in grid.problems)
        columns = self.header(grid, table.columns, table.aliases, ignore=COMPUTED_NAMES)
        present = set(columns.values())
        for name in table.required_columns:
            if name not in present:
                self.problem(grid.base, f"needs a column {name!r}")
                self.covered.add((table.key, None, name))
        if table.record is Outcome and not present & {"value", "proxy"}:
            self.problem(grid.base, "needs a 'value' or a 'proxy' column (the financial proxy)")
            self.covered.add((table.key, None, ""))
        records: list[dict[str, Any]] = []
        rows: list[int] = []
        for number, cells in grid.rows:
            if all(is_blank(cell) for cell in cells):
                continue
            record = {}
            if any(not is_blank(cell) for cell in cells[len(grid.header) :]):
                self.problem(
                    f"{grid.base}, row {number}",
                    f"has values beyond the last of the {len(grid.header)} named columns",
                )
            for j, name in columns.items():
                raw = cells[j] if j < len(cells) else None
                try:
                    value = _read_cell(name, raw, numeric=name in _NUMBERS, limits=self.limits)
                except _CellError as exc:
                    self.problem(f"{grid.base}, row {number}, column {name}", str(exc), raw)
                    self.covered.add((table.key, len(records), name))
                    value = raw
                if value is not _BLANK:
                    record[name] = value
            records.append(record)
            rows.append(number)
        totals = self._total_rows(table, grid, columns, records, rows)
        keep = [k for k in range(len(records)) if k not in totals]
        self.data[table.key] = [records[k] for k in keep]
        self.list_rows[table.key] = (grid.base, [rows[k] for k in keep])

    def _total_rows(
        self,
        table: Table,
        grid: Grid,
        columns: Mapping[int, str],
        records: Sequence[Mapping[str, Any]],
        rows: Sequence[int],
    ) -> set[int]:
        """The rows of the inputs or outcomes table that are totals, each reported.

        A row is a total when one of its label cells is a total label (:func:`is_total_label`)
        or its amount (quantity, for outcomes) is a formula adding up other rows
        (:func:`summed_rows`): each is an error naming the row, and the row is left out of
        the model, so nothing is counted twice. A row with no description (no outcome) whose
        amount equals the sum of the other rows' (two or more of them, every one a number)
        may be a total, or three real inputs of 10, 20 and 30: it is counted, with a
        :class:`~sroi.errors.ReadingWarning` naming the row.
        """
        if table.key not in _TOTAL_COLUMNS:
            return set()
        labels, amount, description = _TOTAL_COLUMNS[table.key]
        what = "money spent" if table.key == "inputs" else "an outcome"
        position = {name: j for j, name in columns.items()}
        found: set[int] = set()
        for k, record in enumerate(records):
            label = next((n for n in labels if is_total_label(record.get(n))), None)
            if label is not None:
                self.problem(
                    f"{grid.base}, row {rows[k]}, column {label}",
                    f"is labelled as a total ({record[label]!r}); a total row is not {what}: "
                    "remove it (sroi adds the rows up itself)",
                    record[label],
                )
                found.add(k)
                continue
            column = position.get(amount)
            formula = grid.formulas.get((rows[k], column)) if column is not None else None
            summed = summed_rows(formula, column_letters(column + 1), rows[k]) if formula else None
            if summed is not None:
                self.problem(
                    f"{grid.base}, row {rows[k]}, column {amount}",
                    f"holds a formula that adds up other rows ({formula}); a total row is "
                    f"not {what}: remove it (sroi adds the rows up itself)",
                    formula,
                )
                found.add(k)
        numbers = {
            k: r.get(amount)
            for k, r in enumerate(records)
            if k not in found and _plain_number(r.get(amount))
        }
        if len(numbers) >= 3 and len(numbers) == len(records) - len(found):
            whole = math.fsum(numbers.values())
            for k, amount_k in numbers.items():
                rest = whole - amount_k
                if (
                    amount_k > 0
                    and is_blank(records[k].get(description))
                    and math.isclose(amount_k, rest, rel_tol=1e-12, abs_tol=0.005)
                ):
                    others = ", ".join(str(rows[j]) for j in numbers if j != k)
                    self.warnings.append(
                        ReadingWarning(
                            f"equals the sum of the other rows ({others}) and has no "
                            f"{description}, so it may be a total row; it is counted as "
                            f"{what}. If it is a total, remove it; if it is a real "
                            f"{table.key[:-1]}, say what it is in its {description} column",
                            location=f"{grid.base}, row {rows[k]}, column {amount}",
                        )
                    )
        return found

    def scalars(self, grid: Grid | None, missing: tuple[str, str] | None) -> None:
        """Read the key/value table of the model's own fields (``name``, ``currency`` ...)."""
        if grid is None:
            if missing:
                self.problem(*missing)
            self.silenced.update(SCALARS)
            return
        self.problems.extend(Problem(where, message) for where, message in grid.problems)
        self.scalar_base = grid.base
        columns = self.header(grid, ("field", "value"), {"key": "field"}, ignore={"about"})
        by_name = {name: j for j, name in columns.items()}
        for name in ("field", "value"):
            if name not in by_name:
                self.problem(grid.base, f"needs a column {name!r}")
        if len(by_name) < 2:
            self.silenced.update(SCALARS)
            return
        for number, cells in grid.rows:
            raw_key = cells[by_name["field"]] if by_name["field"] < len(cells) else None
            raw = cells[by_name["value"]] if by_name["value"] < len(cells) else None
            if is_blank(raw_key):
                if not is_blank(raw):
                    self.problem(f"{grid.base}, row {number}", "has a value but no field name")
                continue
            text = unprotect(raw_key) if isinstance(raw_key, str) else str(raw_key)
            key = header_key(text)
            if key not in SCALARS:
                guess = difflib.get_close_matches(key, SCALARS, n=1, cutoff=0.6)
                if key in LISTS or key == "scenarios":
                    hint = "it has a table of its own"
                elif guess:
                    hint = f"did you mean {guess[0]!r}?"
                else:
                    hint = "fields: " + ", ".join(SCALARS)
                self.problem(f"{grid.base}, row {number}", f"unknown field {text!r}; {hint}")
                continue
            if key in self.scalar_rows:
                self.problem(
                    f"{grid.base}, row {number}",
                    f"the field {key!r} is given twice (rows {self.scalar_rows[key]} and {number})",
                )
                continue
            self.scalar_rows[key] = number
            try:
                value = _read_scalar(key, raw, self.limits)
            except _CellError as exc:
                self.problem(f"{grid.base}, row {number} ({key})", str(exc), raw)
                continue
            if value is not _BLANK:
                self.data[key] = value

    def scenarios(self, grid: Grid | None) -> None:
        """Read the scenarios table: a name and its changes (a JSON object) a row."""
        if grid is None:
            return
        self.problems.extend(Problem(where, message) for where, message in grid.problems)
        self.scenario_base = grid.base
        columns = self.header(grid, ("name", "changes"), {"scenario": "name"})
        by_name = {name: j for j, name in columns.items()}
        for name in ("name", "changes"):
            if name not in by_name:
                self.problem(grid.base, f"needs a column {name!r}")
        if len(by_name) < 2:
            return
        scenarios: dict[str, Any] = {}
        for number, cells in grid.rows:
            raw_name = cells[by_name["name"]] if by_name["name"] < len(cells) else None
            raw = cells[by_name["changes"]] if by_name["changes"] < len(cells) else None
            if is_blank(raw_name) and is_blank(raw):
                continue
            if is_blank(raw_name):
                self.problem(f"{grid.base}, row {number}, column name", "a scenario needs a name")
                continue
            name = unprotect(raw_name) if isinstance(raw_name, str) else number_text(raw_name)
            if name in scenarios:
                self.problem(
                    f"{grid.base}, row {number}, column name",
                    f"the scenario {name!r} is given twice (rows {self.scenario_rows[name]} "
                    f"and {number})",
                )
                continue
            self.scenario_rows[name] = number
            if is_blank(raw):
                changes: Any = None
            elif isinstance(raw, str):
                try:
                    changes = _json_cell(unprotect(raw), self.limits)
                except _CellError as exc:
                    self.problem(f"{grid.base}, row {number}, column changes", str(exc), raw)
                    continue
            else:
                changes = raw
            scenarios[name] = changes
        if scenarios:
            self.data["scenarios"] = scenarios
