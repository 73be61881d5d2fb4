"""Model files: read and write a model as YAML, JSON, CSV tables or an Excel workbook.

:func:`write_model` writes a :class:`~sroi.model.Model` (or the model of a
:class:`~sroi.result.Result`) and :func:`read_model` reads it back; every format
round-trips exactly, ``read_model(write_model(model, path)) == model``, distributions and
scenarios included. The format comes from the path, or is given as ``format``:

=========================  =========  ====================================================
path                       format     what is written
=========================  =========  ====================================================
``model.yaml``, ``.yml``   ``yaml``   ``model.to_dict()``, block style, in field order
``model.json``             ``json``   ``model.to_dict()``, indented by 2
``impact_map/`` (a folder  ``csv``    one CSV file per table (below), UTF-8, comma
or a path without suffix)             separated, a header row of field names
``impact_map.zip``         ``csv``    the same CSV files in a zip archive
``model.xlsx``             ``xlsx``   a workbook laid out as an SROI impact map (below);
                                      needs ``pip install 'sroi[excel]'``
=========================  =========  ====================================================

Reading a ``.csv`` path that names one of the CSV tables (``outcomes.csv``) reads its
folder; writing to a ``.csv`` path is refused, since a model is several tables.

**Tables.** CSV and Excel hold the same tables, one row per record, with the model's field
names as column headers:

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
``Impact map``) must be present; the others may be left out. Every CSV file is always
written (header only when empty), so rewriting a folder never leaves a stale table.
A blank cell means "not given" (the field's default). A column whose header is not a field
is an error (a typo such as ``dead_weight`` is never ignored); headers may also be written
as labels (``Start year``, ``Drop-off``, ``Value (financial proxy)``, ``Proxy id``).

**Numbers and distributions.** Numbers are written as numbers, exactly (shortest repr;
a workbook keeps all 17 significant digits). A figure written as a distribution, and a
list of yearly discount rates, is compact JSON text in its cell::

    {"distribution": "triangular", "low": 0.1, "mode": 0.25, "high": 0.4}

A scenario's changes are a JSON object in the ``changes`` column. Reading also accepts a
percentage (``25%``) in the deduction and discount-rate columns.

**Excel.** Bold header row, frozen panes, column widths fitted to the text, deductions and
discount rate formatted as percentages, money with thousands separators, a drop-down list
for each column with fixed choices, and each header's meaning in a cell comment. Written
from a :class:`~sroi.result.Result` (``write_model(result, ...)`` or
:func:`write_impact_map`), the impact map gains computed columns (grey headers:
``value_used``, ``gross``, ``after_deadweight``, ``after_displacement``,
``after_attribution``, ``total_impact``, ``present_value``, ``share_of_present_value``,
``proxy_source``) and the workbook a ``Results`` sheet; the reader ignores both. Formulas
typed by a user are read as their saved values. Text that XML cannot hold (a carriage
return, control characters) is escaped as Excel does, ``_x000D_``.

**Formula injection** (OWASP "CSV injection"). Text that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return -- after any single quotes -- is written with one more
single quote in front (``'=HYPERLINK(...)``), so a spreadsheet shows it as inert text; in
a workbook it is also always a text cell, never a formula. The reader removes exactly
that quote from any text cell that starts with quotes followed by one of those
characters, so the text comes back as it was. Numbers are not quoted.

**Errors.** A file that is not what it claims (a ``.xlsx`` that is not a workbook, a CSV
table without its required columns, a workbook without an ``Impact map`` sheet, a JSON
file holding a list) is a :class:`~sroi.errors.ModelError`, and so is an invalid model;
every problem is reported together, located in the file: ``model.xlsx, sheet 'Impact
map', row 5, column deadweight`` or ``outcomes.csv, row 5, column deadweight`` (row 1 is
the header; a CSV row is a record, which may span lines).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from sroi.model import Model
>>> model = Model.from_dict({
...     "name": "Employment support",
...     "inputs": [{"stakeholder": "=Council", "amount": 150_000}],
...     "outcomes": [{
...         "stakeholder": "Participants", "outcome": "Moved into work",
...         "quantity": 100, "value": 1_000, "duration": 3,
...         "deadweight": {"distribution": "triangular", "low": 0.1, "mode": 0.25,
...                        "high": 0.4},
...     }],
... })
>>> folder = Path(tempfile.mkdtemp())
>>> written = write_model(model, folder / "impact_map")
>>> print((written / "inputs.csv").read_text(encoding="utf-8"))
stakeholder,description,amount,year,kind,area
'=Council,,150000,0,cash,
<BLANKLINE>
>>> read_model(written) == model
True
>>> read_model(write_model(model, folder / "model.yaml")) == model
True
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.errors import ModelError, Problem
from sroi.model import Input, Model, Outcome, Output, Stakeholder, _read_json, _read_yaml
from sroi.result import Result

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["FORMATS", "read_model", "write_impact_map", "write_model"]

FORMATS = ("yaml", "json", "csv", "xlsx")
"""The file formats :func:`read_model` and :func:`write_model` know."""

_ALIASES = {"yml": "yaml", "zip": "csv", "excel": "xlsx"}
_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".zip": "csv", ".xlsx": "xlsx"}


# --------------------------------------------------------------------------------------
# Text safety: formula injection and what XML cannot hold.

_INJECTION_WRITE = re.compile(r"'*[=+\-@\t\r]")
_INJECTION_READ = re.compile(r"'+[=+\-@\t\r]")


def _protect(text: str) -> str:
    """Quote text a spreadsheet would take for a formula (OWASP CSV injection).

    Examples
    --------
    >>> _protect('=HYPERLINK("http://x","y")'), _protect("'-5"), _protect("Tenants")
    ('\\'=HYPERLINK("http://x","y")', "''-5", 'Tenants')
    """
    return "'" + text if _INJECTION_WRITE.match(text) else text


def _unprotect(text: str) -> str:
    """Remove the quote :func:`_protect` added, and only that one.

    Examples
    --------
    >>> _unprotect("'=1+1"), _unprotect("''-5"), _unprotect("'tis")
    ('=1+1', "'-5", "'tis")
    """
    return text[1:] if _INJECTION_READ.match(text) else text


# Characters XML 1.0 cannot hold or would change (a carriage return becomes a line feed),
# escaped as Excel does: _xHHHH_. An underscore that would otherwise read as the start of
# an escape is itself escaped (_x005F_), so every text round-trips.
_XML_BAD = "\x00-\x08\x0b\x0c\r\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_XML_ESCAPE = re.compile(rf"[{_XML_BAD}]|_(?=x[0-9A-Fa-f]{{4}}(?:_|[{_XML_BAD}]))")
_XML_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xml_escape(text: str) -> str:
    r"""Escape what a workbook cannot hold as ``_xHHHH_``.

    Examples
    --------
    >>> _xml_escape("a\r\nb"), _xml_escape("_x0041_")
    ('a_x000D_\nb', '_x005F_x0041_')
    """
    return _XML_ESCAPE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def _xml_unescape(text: str) -> str:
    r"""Undo :func:`_xml_escape`.

    Examples
    --------
    >>> _xml_unescape("a_x000D_\nb"), _xml_unescape("_x005F_x0041_")
    ('a\r\nb', '_x0041_')
    """
    if "_x" not in text:
        return text
    return _XML_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


# pydantic strips this whitespace (Unicode White_Space) from text fields.
_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and all(c in _WHITESPACE for c in value))


# --------------------------------------------------------------------------------------
# The tables.


def _order(record: type, preferred: Sequence[str]) -> tuple[str, ...]:
    """The preferred columns, then any field of ``record`` they leave out."""
    names = list(record.model_fields)  # type: ignore[attr-defined]
    return (*(n for n in preferred if n in names), *(n for n in names if n not in preferred))


@dataclass(frozen=True)
class _Table:
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


_TABLES = (
    _Table(
        "stakeholders", Stakeholder, "stakeholders.csv", "Stakeholders",
        _order(Stakeholder, ("name", "description")), required=False,
    ),
    _Table(
        "inputs", Input, "inputs.csv", "Inputs",
        _order(Input, ("stakeholder", "description", "amount", "year", "kind", "area")),
        required=True,
    ),
    _Table(
        "outputs", Output, "outputs.csv", "Outputs",
        _order(Output, ("description", "quantity", "unit", "stakeholder", "area")),
        required=False,
    ),
    _Table(
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
_LISTS = {t.key for t in _TABLES}
_SCALARS = tuple(n for n in Model.model_fields if n not in _LISTS and n != "scenarios")
_MODEL_CSV, _MODEL_SHEET = "model.csv", "Model"
_SCENARIOS_CSV, _SCENARIOS_SHEET = "scenarios.csv", "Scenarios"
_RESULTS_SHEET = "Results"

_NUMBERS = frozenset(
    {"quantity", "value", "deadweight", "displacement", "attribution", "drop_off", "amount",
     "year", "duration", "start_year"}
)  # fmt: skip
_FRACTIONS = frozenset({"deadweight", "displacement", "attribution", "drop_off", "discount_rate"})
_MONEY = frozenset({"value", "amount"})

_COMPUTED = (
    ("value_used", "The value used per unit per year, in the model's prices (from the proxy)."),
    ("gross", "quantity x value_used, a year."),
    ("after_deadweight", "gross x (1 - deadweight)."),
    ("after_displacement", "after_deadweight x (1 - displacement)."),
    ("after_attribution", "after_displacement x (1 - attribution): the first-year impact."),
    ("total_impact", "Undiscounted impact over the outcome's life, after drop-off."),
    ("present_value", "The discounted impact over the outcome's life."),
    ("share_of_present_value", "This outcome's share of the total present value."),
    ("proxy_source", "Where the financial proxy comes from."),
)
"""Columns computed from a Result: written to the impact map sheet, ignored when read."""
_COMPUTED_NAMES = frozenset(name for name, _ in _COMPUTED)


def _header_key(header: str) -> str:
    """A header as a field name: ``"Start year"`` -> ``start_year``, ``"Drop-off"`` -> ``drop_off``.

    Examples
    --------
    >>> _header_key("Value (financial proxy)"), _header_key("Drop-off")
    ('value', 'drop_off')
    """
    text = re.sub(r"\(.*?\)", "", header).strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


# --------------------------------------------------------------------------------------
# The public functions.


def _format(path: Path, format: str | None, *, writing: bool) -> str:
    if format is not None:
        name = _ALIASES.get(format.lower(), format.lower())
        if name not in FORMATS:
            raise ModelError(
                [Problem("format", "must be one of " + ", ".join(map(repr, FORMATS)), format)]
            )
        return name
    suffix = path.suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix == ".csv":
        if writing:
            raise ModelError(
                [
                    Problem(
                        path.name,
                        "a model is several CSV tables: give a folder (a path without a "
                        "suffix) or a .zip path",
                    )
                ]
            )
        return "csv"
    if path.is_dir() or not suffix:
        return "csv"
    raise ModelError(
        [
            Problem(
                path.name,
                "cannot tell the format from the suffix; use .yaml, .yml, .json, .xlsx, .zip "
                "or a folder of CSV files, or give format=",
                suffix,
            )
        ]
    )


def write_model(
    model: Model | Result | Mapping[str, Any],
    path: str | PathLike[str],
    *,
    format: str | None = None,
) -> Path:
    """Write a model to a YAML, JSON, CSV or Excel file.

    Parameters
    ----------
    model : Model, Result or mapping
        The model. A :class:`~sroi.result.Result` writes its model; in a workbook the
        impact map also gets the result's computed columns and a ``Results`` sheet.
    path : str or os.PathLike
        Where to write: ``.yaml``/``.yml``, ``.json``, ``.xlsx``, ``.zip`` (CSV tables in a
        zip archive), or a folder of CSV tables (created if missing). An existing file is
        replaced.
    format : {"yaml", "json", "csv", "xlsx"}, optional
        The format, when not the one the suffix says.

    Returns
    -------
    pathlib.Path
        The file or folder written.

    Raises
    ------
    ModelError
        If the format cannot be told from the path, or the model is not valid.
    ImportError
        For ``xlsx`` without openpyxl (``pip install 'sroi[excel]'``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> garden = {"name": "Garden", "inputs": [{"stakeholder": "HA", "amount": 10_000}],
    ...           "outcomes": [{"stakeholder": "Residents", "outcome": "Eat fresh food",
    ...                         "quantity": 40, "value": 250, "duration": 2,
    ...                         "deadweight": {"distribution": "uniform", "low": 0.1,
    ...                                        "high": 0.3}}]}
    >>> path = write_model(garden, Path(tempfile.mkdtemp()) / "garden.yaml")
    >>> print(path.read_text(encoding="utf-8"))
    name: Garden
    description: ''
    currency: GBP
    discount_rate: 0.035
    stakeholders: []
    inputs:
    - stakeholder: HA
      description: ''
      amount: 10000.0
      year: 0
      kind: cash
    outputs: []
    outcomes:
    - stakeholder: Residents
      outcome: Eat fresh food
      indicator: ''
      quantity: 40.0
      value: 250.0
      duration: 2
      start_year: 1
      deadweight: {distribution: uniform, low: 0.1, high: 0.3}
      displacement: 0.0
      attribution: 0.0
      drop_off: 0.0
      source: ''
    scenarios: {}
    <BLANKLINE>
    """
    result = model if isinstance(model, Result) else None
    m = result.model if result is not None else Model.from_dict(model)  # type: ignore[arg-type]
    p = Path(path)
    fmt = _format(p, format, writing=True)
    if fmt == "yaml":
        p.write_text(_yaml_text(m), encoding="utf-8")
    elif fmt == "json":
        p.write_text(_json_text(m.to_dict()) + "\n", encoding="utf-8")
    elif fmt == "csv":
        _write_csv(m, p)
    else:
        _workbook(m, result).save(p)
    return p


def write_impact_map(result: Result, path: str | PathLike[str]) -> Path:
    """Write a result as an Excel impact map: the model, computed columns and headline figures.

    The workbook reads back (:func:`read_model`) as the result's model; the computed
    columns and the ``Results`` sheet are ignored on reading.

    Parameters
    ----------
    result : Result
        What :func:`sroi.evaluate` returned.
    path : str or os.PathLike
        The workbook to write (``.xlsx``).

    Returns
    -------
    pathlib.Path
        The workbook written.
    """
    if not isinstance(result, Result):
        raise ModelError(
            [Problem("", f"write_impact_map needs a sroi.Result, not {type(result).__name__}")]
        )
    p = Path(path)
    _workbook(result.model, result).save(p)
    return p


def read_model(path: str | PathLike[str], *, format: str | None = None) -> Model:
    """Read a model from a YAML, JSON, CSV or Excel file.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.yaml``/``.yml`` or ``.json`` file, a folder of CSV tables (or one of its
        ``.csv`` files), a ``.zip`` of CSV tables, or an ``.xlsx`` workbook.
    format : {"yaml", "json", "csv", "xlsx"}, optional
        The format, when not the one the suffix says.

    Returns
    -------
    Model

    Raises
    ------
    FileNotFoundError
        If there is no such file or folder.
    ModelError
        If the file is not what it claims to be, or the model in it is not valid; every
        problem is listed, located in the file (sheet, row and column).
    ImportError
        For ``xlsx`` without openpyxl (``pip install 'sroi[excel]'``).
    """
    p = Path(path)
    fmt = _format(p, format, writing=False)
    if fmt in ("yaml", "json"):
        if not p.exists():
            raise FileNotFoundError(f"no such model file: {p}")
        data = _read_yaml(p) if fmt == "yaml" else _read_json(p)
        if not isinstance(data, Mapping):
            raise ModelError(
                [
                    Problem(
                        p.name,
                        "a model file must hold a mapping of field names to values, not "
                        + _what(data),
                    )
                ],
                title=str(p),
            )
        try:
            return Model.from_dict(data)
        except ModelError as exc:
            raise ModelError(exc.problems, title=str(p)) from None
    if fmt == "csv":
        return _read_csv(p)
    return _read_workbook(p)


def _what(data: Any) -> str:
    if data is None:
        return "nothing (the file is empty)"
    if isinstance(data, list):
        return "a list"
    if isinstance(data, str):
        return "text"
    return type(data).__name__


# --------------------------------------------------------------------------------------
# YAML and JSON.


def _json_text(data: Any, indent: int | None = 2) -> str:
    return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)


def _yaml_text(model: Model) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        """The safe dumper; distributions and rate lists on one line, long text as blocks."""

    class Flow(dict):
        pass

    class FlowList(list):
        pass

    def text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        if any(c in data for c in "\x85\u2028\u2029\ufeff"):
            style = '"'  # PyYAML folds these line breaks in other styles; escape them
        elif "\n" in data:
            style = "|"
        else:
            style = None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(
        Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)
    )
    Dumper.add_representer(
        FlowList,
        lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True),
    )
    Dumper.add_representer(str, text)

    data = model.to_dict()
    if isinstance(data.get("discount_rate"), list):
        data["discount_rate"] = FlowList(data["discount_rate"])
    for key in _LISTS:
        for record in data.get(key, ()):
            for name, value in record.items():
                if isinstance(value, dict):
                    record[name] = Flow(value)
    return yaml.dump(
        data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


# --------------------------------------------------------------------------------------
# Model -> rows of cells (shared by CSV and Excel).


def _cell_out(value: Any) -> Any:
    """A field's value as written in a cell: JSON text for a distribution or a list."""
    if isinstance(value, (dict, list)):
        return _json_text(value, indent=None)
    return value


def _rows(model: Model) -> dict[str, list[dict[str, Any]]]:
    data = model.to_dict()
    return {t.key: [{k: _cell_out(v) for k, v in r.items()} for r in data[t.key]] for t in _TABLES}


def _scalar_rows(model: Model) -> list[tuple[str, Any]]:
    data = model.to_dict()
    return [(name, _cell_out(data.get(name))) for name in _SCALARS]


def _scenario_rows(model: Model) -> list[tuple[str, str]]:
    return [(name, _json_text(changes, indent=None)) for name, changes in model.scenarios.items()]


# --------------------------------------------------------------------------------------
# Reading cells (shared by CSV and Excel).


class _CellError(Exception):
    """A cell that cannot be read: the message says why."""


_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_BLANK = object()


def _number_text(value: int | float) -> str:
    """A number as text that reads back exactly: ``100``, ``0.1``, ``1e+20``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _json_cell(text: str) -> Any:
    def reject(name: str) -> float:
        raise _CellError(f"{name} is not a number JSON allows")

    try:
        return json.loads(text, parse_constant=reject)
    except json.JSONDecodeError as exc:
        raise _CellError(f"is not valid JSON: {exc.msg} (character {exc.pos + 1})") from None


def _read_number(text: str, name: str) -> Any:
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        return _json_cell(stripped)
    if _INTEGER.fullmatch(stripped):
        return int(stripped)
    if _DECIMAL.fullmatch(stripped):
        return float(stripped)
    if name in _FRACTIONS and stripped.endswith("%") and _DECIMAL.fullmatch(stripped[:-1].strip()):
        return float(stripped[:-1]) / 100
    return text  # the model says what is wrong with it


def _read_cell(name: str, value: Any, *, numeric: bool) -> Any:
    """A cell's value for the field ``name``: text, a number, or parsed JSON.

    Returns ``_BLANK`` for an empty cell; raises :class:`_CellError` for bad JSON.
    """
    if _is_blank(value):
        return _BLANK
    if isinstance(value, str):
        value = _unprotect(value)
        if not numeric:
            return value
        return _read_number(value, name)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not numeric:
        return _number_text(value)  # a spreadsheet turned typed text into a number
    return value


def _read_scalar(name: str, value: Any) -> Any:
    if name == "discount_rate":
        if isinstance(value, str) and not _is_blank(value):
            text = _unprotect(value).strip()
            number = _read_number(text, name)
            return number if not isinstance(number, str) else text
        return _read_cell(name, value, numeric=True)
    if name == "price_year":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and not _is_blank(value):
            text = _unprotect(value).strip()
            return int(text) if text.isdigit() else text
        return _BLANK if _is_blank(value) else value
    return _read_cell(name, value, numeric=False)


# --------------------------------------------------------------------------------------
# Reading tables into a model, with every problem located in the file.


@dataclass
class _Grid:
    """A table as read from a CSV file or a sheet: the header cells and rows of cells.

    ``rows`` holds ``(row number, cells)``, row 1 being the header; ``base`` names the file
    or sheet in messages; ``problems`` are cells that could not be read at all.
    """

    base: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]]
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Reading:
    """What was read so far: the model's data, where each part came from, the problems.

    Problems the model itself finds (``outcomes[3].deadweight``) are moved to the place in
    the file they came from; those already reported for the file (a missing column or
    table, a cell that is not valid JSON) are not reported twice.
    """

    title: str
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    list_rows: dict[str, tuple[str, list[int]]] = field(default_factory=dict)
    scalar_base: str = ""
    scalar_rows: dict[str, int] = field(default_factory=dict)
    scenario_base: str = ""
    scenario_rows: dict[str, int] = field(default_factory=dict)
    covered: set[tuple[str, int | None, str]] = field(default_factory=set)
    silenced: set[str] = field(default_factory=set)

    def problem(self, location: str, message: str, *value: Any) -> None:
        self.problems.append(Problem(location, message, *value))

    def model(self) -> Model:
        try:
            model = Model.from_dict(self.data)
        except ModelError as exc:
            found = [p for p in map(self._translate, exc.problems) if p is not None]
            raise ModelError([*self.problems, *found], title=self.title) from None
        if self.problems:
            raise ModelError(self.problems, title=self.title)
        return model

    def _translate(self, problem: Problem) -> Problem | None:
        """A model location (``outcomes[3].deadweight``) as a place in the file, or None."""
        loc, message = problem.location, problem.message
        value = (problem.value,) if problem.has_value else ()
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
            if i is None or i >= len(rows):
                where = base if column is None else f"{base}, column {column}"
            else:
                where = f"{base}, row {rows[i]}" + (f", column {column}{rest}" if column else "")
            return Problem(where, message, *value)
        if top == "scenarios" and self.scenario_base and loc.startswith("scenarios."):
            rest = loc[len("scenarios.") :]
            for name in sorted(self.scenario_rows, key=len, reverse=True):
                if rest == name or rest.startswith(name + "."):
                    where = f"{self.scenario_base}, row {self.scenario_rows[name]}"
                    inner = rest[len(name) + 1 :]
                    if inner:
                        return Problem(f"{where}, column changes", f"{inner}: {message}", *value)
                    return Problem(where, message, *value)
        if top in _SCALARS and self.scalar_base:
            if top in self.scalar_rows:
                where = f"{self.scalar_base}, row {self.scalar_rows[top]} ({loc})"
            else:
                where = f"{self.scalar_base}, {loc}"
            return Problem(where, message, *value)
        return Problem(loc, message, *value)

    # -------------------------------------------------------------- the tables

    def header(
        self, grid: _Grid, known: Sequence[str], aliases: Mapping[str, str], ignore=frozenset()
    ) -> dict[int, str]:
        """Map column positions to field names; report unknown, duplicate or unnamed columns."""
        columns: dict[int, str] = {}
        seen: dict[str, int] = {}
        for j, raw in enumerate(grid.header):
            if _is_blank(raw):
                if any(j < len(cells) and not _is_blank(cells[j]) for _, cells in grid.rows):
                    self.problem(
                        f"{grid.base}, row 1, column {j + 1}",
                        "has values but no header; name the column or clear it",
                    )
                continue
            text = _unprotect(raw) if isinstance(raw, str) else str(raw)
            key = _header_key(text)
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

    def table(self, table: _Table, grid: _Grid | None, missing: tuple[str, str] | None) -> None:
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
        columns = self.header(grid, table.columns, table.aliases, ignore=_COMPUTED_NAMES)
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
            if all(_is_blank(cell) for cell in cells):
                continue
            record = {}
            if any(not _is_blank(cell) for cell in cells[len(grid.header) :]):
                self.problem(
                    f"{grid.base}, row {number}",
                    f"has values beyond the last of the {len(grid.header)} named columns",
                )
            for j, name in columns.items():
                raw = cells[j] if j < len(cells) else None
                try:
                    value = _read_cell(name, raw, numeric=name in _NUMBERS)
                except _CellError as exc:
                    self.problem(f"{grid.base}, row {number}, column {name}", str(exc), raw)
                    self.covered.add((table.key, len(records), name))
                    value = raw
                if value is not _BLANK:
                    record[name] = value
            records.append(record)
            rows.append(number)
        self.data[table.key] = records
        self.list_rows[table.key] = (grid.base, rows)

    def scalars(self, grid: _Grid | None, missing: tuple[str, str] | None) -> None:
        """Read the key/value table of the model's own fields (``name``, ``currency`` ...)."""
        if grid is None:
            if missing:
                self.problem(*missing)
            self.silenced.update(_SCALARS)
            return
        self.problems.extend(Problem(where, message) for where, message in grid.problems)
        self.scalar_base = grid.base
        columns = self.header(grid, ("field", "value"), {"key": "field"}, ignore={"about"})
        by_name = {name: j for j, name in columns.items()}
        for name in ("field", "value"):
            if name not in by_name:
                self.problem(grid.base, f"needs a column {name!r}")
        if len(by_name) < 2:
            self.silenced.update(_SCALARS)
            return
        for number, cells in grid.rows:
            raw_key = cells[by_name["field"]] if by_name["field"] < len(cells) else None
            raw = cells[by_name["value"]] if by_name["value"] < len(cells) else None
            if _is_blank(raw_key):
                if not _is_blank(raw):
                    self.problem(f"{grid.base}, row {number}", "has a value but no field name")
                continue
            text = _unprotect(raw_key) if isinstance(raw_key, str) else str(raw_key)
            key = _header_key(text)
            if key not in _SCALARS:
                guess = difflib.get_close_matches(key, _SCALARS, n=1, cutoff=0.6)
                if key in _LISTS or key == "scenarios":
                    hint = "it has a table of its own"
                elif guess:
                    hint = f"did you mean {guess[0]!r}?"
                else:
                    hint = "fields: " + ", ".join(_SCALARS)
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
                value = _read_scalar(key, raw)
            except _CellError as exc:
                self.problem(f"{grid.base}, row {number} ({key})", str(exc), raw)
                continue
            if value is not _BLANK:
                self.data[key] = value

    def scenarios(self, grid: _Grid | None) -> None:
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
            if _is_blank(raw_name) and _is_blank(raw):
                continue
            if _is_blank(raw_name):
                self.problem(f"{grid.base}, row {number}, column name", "a scenario needs a name")
                continue
            name = _unprotect(raw_name) if isinstance(raw_name, str) else _number_text(raw_name)
            if name in scenarios:
                self.problem(
                    f"{grid.base}, row {number}, column name",
                    f"the scenario {name!r} is given twice (rows {self.scenario_rows[name]} "
                    f"and {number})",
                )
                continue
            self.scenario_rows[name] = number
            if _is_blank(raw):
                changes: Any = None
            elif isinstance(raw, str):
                try:
                    changes = _json_cell(_unprotect(raw))
                except _CellError as exc:
                    self.problem(f"{grid.base}, row {number}, column changes", str(exc), raw)
                    continue
            else:
                changes = raw
            scenarios[name] = changes
        if scenarios:
            self.data["scenarios"] = scenarios


# --------------------------------------------------------------------------------------
# CSV.


def _csv_text(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _protect(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_text(value)
    return _protect(str(value))  # pragma: no cover - every field is text or a number


def _csv_files(model: Model) -> dict[str, str]:
    rows = _rows(model)
    files = {_MODEL_CSV: _csv_text(("field", "value"), _scalar_rows(model))}
    for table in _TABLES:
        files[table.csv_name] = _csv_text(
            table.columns, [[r.get(c) for c in table.columns] for r in rows[table.key]]
        )
    files[_SCENARIOS_CSV] = _csv_text(("name", "changes"), _scenario_rows(model))
    return files


def _write_csv(model: Model, path: Path) -> None:
    files = _csv_files(model)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, text.encode("utf-8"))
        return
    if path.exists() and not path.is_dir():
        raise ModelError([Problem(path.name, "is a file; CSV tables are written into a folder")])
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8", newline="")


_CSV_NAMES = (_MODEL_CSV, *(t.csv_name for t in _TABLES), _SCENARIOS_CSV)


def _csv_source(path: Path) -> tuple[Callable[[str], bytes | None], str]:
    """A function reading a table's bytes (None if absent), and the title for errors."""
    if path.is_dir():

        def from_folder(name: str) -> bytes | None:
            member = path / name
            return member.read_bytes() if member.is_file() else None

        return from_folder, str(path)
    if not path.exists():
        raise FileNotFoundError(f"no such folder or file: {path}")
    if path.suffix.lower() == ".csv":
        if path.name.lower() not in _CSV_NAMES:
            raise ModelError(
                [
                    Problem(
                        path.name,
                        "a CSV model is a folder (or .zip) of the tables "
                        + ", ".join(_CSV_NAMES)
                        + "; this file is not one of them",
                    )
                ],
                title=str(path),
            )
        return _csv_source(path.parent)
    if not zipfile.is_zipfile(path):
        raise ModelError(
            [Problem(path.name, "is not a zip archive of CSV tables (nor a folder of them)")],
            title=str(path),
        )
    with zipfile.ZipFile(path) as archive:
        members = {
            info.filename: archive.read(info)
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and info.filename.rsplit("/", 1)[-1] in _CSV_NAMES
            and info.filename.count("/") <= 1
        }

    def read(name: str) -> bytes | None:
        if name in members:
            return members[name]
        nested = [k for k in members if k.endswith("/" + name)]
        return members[nested[0]] if len(nested) == 1 else None

    return read, str(path)


def _csv_grid(reading: _Reading, name: str, data: bytes | None) -> _Grid | None:
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reading.problem(name, f"is not UTF-8 text (byte {exc.start + 1}); save it as CSV UTF-8")
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        reading.problem(name, f"is not valid CSV: {exc}")
        return None
    if not records or all(_is_blank(c) for c in records[0]):
        reading.problem(name, "is empty; it needs a header row of column names")
        return None
    return _Grid(name, records[0], [(i + 2, row) for i, row in enumerate(records[1:])])


def _read_csv(path: Path) -> Model:
    read, title = _csv_source(path)
    reading = _Reading(title)
    found = {name: read(name) for name in _CSV_NAMES}
    grids = {name: _csv_grid(reading, name, data) for name, data in found.items()}

    def missing(name: str) -> tuple[str, str] | None:
        return (name, "is missing; a CSV model needs it") if found[name] is None else None

    for table in _TABLES:
        reading.table(table, grids[table.csv_name], missing(table.csv_name))
    reading.scalars(grids[_MODEL_CSV], missing(_MODEL_CSV))
    reading.scenarios(grids[_SCENARIOS_CSV])
    return reading.model()


# --------------------------------------------------------------------------------------
# Excel.


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(
            "reading and writing Excel workbooks needs openpyxl; install it with "
            "pip install 'sroi[excel]'"
        ) from exc
    return openpyxl


_EXCEL_MAX_TEXT = 32_767
_PERCENT = "0.0##%"
_MONEY_FORMAT = "#,##0.00"


def _literal_choices(annotation: Any) -> tuple[str, ...] | None:
    import typing

    if typing.get_origin(annotation) is typing.Literal:
        return tuple(map(str, typing.get_args(annotation)))
    for arg in typing.get_args(annotation):
        found = _literal_choices(arg)
        if found:
            return found
    return None


_CHOICES = {
    name: choices
    for table in _TABLES
    for name, fld in table.record.model_fields.items()  # type: ignore[attr-defined]
    if (choices := _literal_choices(fld.annotation))
}
"""Columns with fixed choices (``kind``, ``value_type``, ...): a drop-down list in a sheet."""


def _put(cell: Any, value: Any, where: str) -> None:
    """Write one cell: text always as text (never a formula), numbers exactly."""
    if value is None:
        return
    if isinstance(value, str):
        text = _xml_escape(_protect(value))
        if len(text) > _EXCEL_MAX_TEXT:
            raise ModelError(
                [Problem(where, f"is {len(text):,} characters; an Excel cell holds 32,767")]
            )
        cell.value = text
        cell.data_type = "s"  # never a formula or an error code ('#N/A')
        return
    if isinstance(value, bool):  # pragma: no cover - no field is a yes/no value
        cell.value = value
        return
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        cell.value = int(value)
        return
    cell.value = value
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        # openpyxl writes 16 significant digits; keep all 17 so the number reads back exactly.
        cell._value = repr(value)


def _fit(ws: Worksheet, widths: dict[int, int]) -> None:
    from openpyxl.utils import get_column_letter

    for j, width in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 9), 60)


def _sheet(
    ws: Worksheet,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    about: Mapping[str, str],
    formats: Mapping[str, str],
    computed: Sequence[str] = (),
    freeze: str = "A2",
) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    grey_fill = PatternFill("solid", fgColor="E7E6E6")
    grey = Font(italic=True, color="595959")
    top = Alignment(vertical="top", wrap_text=True)
    widths: dict[int, int] = {}
    for j, name in enumerate((*columns, *computed), start=1):
        cell = ws.cell(row=1, column=j)
        _put(cell, name, f"{ws.title}, row 1")
        is_computed = j > len(columns)
        cell.font = Font(bold=True, italic=is_computed) if is_computed else bold
        cell.fill = grey_fill if is_computed else head_fill
        note = about.get(name, "")
        if is_computed:
            note += " Computed by sroi; ignored when the workbook is read."
        if note:
            cell.comment = Comment(note.strip(), "sroi", width=300, height=120)
        widths[j] = len(name)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            if value is None:
                continue
            name = (*columns, *computed)[j - 1]
            cell = ws.cell(row=i, column=j)
            _put(cell, value, f"{ws.title}, row {i}, column {name}")
            if name in formats and not isinstance(value, str):
                cell.number_format = formats[name]
            if j > len(columns):
                cell.font = grey
            if isinstance(value, str):
                lines = value.split("\n")
                widths[j] = max(widths[j], *(len(line) for line in lines))
                if len(lines) > 1 or len(value) > 60:
                    cell.alignment = top
            else:
                widths[j] = max(widths[j], len(f"{value:,.2f}") if name in formats else 6)
    for j, name in enumerate(columns, start=1):
        choices = _CHOICES.get(name)
        text = ",".join(choices) if choices else ""
        if choices and len(text) <= 255:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(j)
            check = DataValidation(type="list", formula1=f'"{text}"', allow_blank=True)
            check.add(f"{letter}2:{letter}{max(len(rows) + 1, 1000)}")
            ws.add_data_validation(check)
    ws.freeze_panes = freeze
    _fit(ws, widths)


def _about(record: type) -> dict[str, str]:
    return {
        name: fld.description or ""
        for name, fld in record.model_fields.items()  # type: ignore[attr-defined]
    }


def _computed_rows(result: Result) -> list[list[Any]]:
    table = result.by_outcome
    valuations = result.valuations
    rows = []
    for i, row in enumerate(table.to_dict("records")):
        proxy = valuations[i].proxy if i < len(valuations) else None
        out: list[Any] = []
        for name, _ in _COMPUTED:
            if name == "proxy_source":
                out.append(proxy.source if proxy is not None and proxy.source else None)
                continue
            x = float(row["value" if name == "value_used" else name])
            out.append(x if math.isfinite(x) else None)
        rows.append(out)
    return rows


def _workbook(model: Model, result: Result | None = None) -> Workbook:
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font

    from sroi._version import __version__

    wb = openpyxl.Workbook()
    wb.properties.creator = f"sroi {__version__}"
    wb.properties.title = re.sub(f"[{_XML_BAD}]", "", model.name)[:255]

    ws = wb.active
    ws.title = _MODEL_SHEET
    about = _about(Model)
    scalars = _scalar_rows(model)
    _sheet(
        ws,
        ("field", "value", "about"),
        [(name, value, about.get(name)) for name, value in scalars],
        about={
            "field": "The model's own fields.",
            "value": "Its value; a list of yearly discount rates is JSON, [0.035, 0.03].",
            "about": "What the field means (not read back).",
        },
        formats={},
        freeze="B2",
    )
    for i, (name, value) in enumerate(scalars, start=2):
        cell = ws.cell(row=i, column=2)
        if name == "discount_rate" and isinstance(value, float):
            cell.number_format = _PERCENT
        if name == "description":
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 60

    rows = _rows(model)
    formats = {
        **{n: _PERCENT for n in _FRACTIONS},
        **{n: _MONEY_FORMAT for n in _MONEY},
        **{n: _MONEY_FORMAT for n, _ in _COMPUTED},
        "share_of_present_value": "0.0%",
    }
    for table in _TABLES:
        ws = wb.create_sheet(table.sheet)
        computed = [n for n, _ in _COMPUTED] if table.key == "outcomes" and result else []
        values = [[r.get(c) for c in table.columns] for r in rows[table.key]]
        if computed and result is not None:
            values = [v + c for v, c in zip(values, _computed_rows(result), strict=True)]
        _sheet(
            ws,
            table.columns,
            values,
            about={**_about(table.record), **dict(_COMPUTED)},
            formats=formats,
            computed=computed,
            freeze="D2" if table.key == "outcomes" else "A2",
        )

    if model.scenarios:
        ws = wb.create_sheet(_SCENARIOS_SHEET)
        _sheet(
            ws,
            ("name", "changes"),
            _scenario_rows(model),
            about={
                "name": "The scenario's name.",
                "changes": 'Its changes as JSON: {"deadweight": "+0.1", "value": "-20%", '
                '"outcomes": {"<id>": {"duration": 1}}}.',
            },
            formats={},
        )

    if result is not None:
        ws = wb.create_sheet(_RESULTS_SHEET)
        figures = [
            ("Present value", result.present_value, _MONEY_FORMAT),
            ("Total investment", result.total_investment, _MONEY_FORMAT),
            ("Net present value", result.npv, _MONEY_FORMAT),
            ("SROI ratio", result.ratio, "0.00"),
            ("Net SROI ratio", result.net_ratio, "0.00"),
            ("Payback [months]", result.payback_months, "0.0"),
            ("Discounted payback [years]", result.discounted_payback_years, "0.00"),
        ]
        ws.cell(row=1, column=1, value="figure").font = Font(bold=True)
        prices = f", {result.price_year} prices" if result.price_year else ""
        _put(ws.cell(row=1, column=2), f"value [{model.currency}{prices}]", "")
        ws.cell(row=1, column=2).font = Font(bold=True)
        for i, (label, value, number_format) in enumerate(figures, start=2):
            ws.cell(row=i, column=1, value=label)
            if value is not None and math.isfinite(value):
                ws.cell(row=i, column=2, value=float(value)).number_format = number_format
        note = ws.cell(row=len(figures) + 3, column=1)
        restated = (
            f" The model's amounts are at {model.price_year} prices; these figures are "
            f"restated at {result.price_year} prices."
            if result.price_year != model.price_year
            else ""
        )
        _put(
            note,
            f"Computed by sroi {__version__}; not read back from this workbook.{restated}",
            "",
        )
        note.font = Font(italic=True, color="595959")
        ws.freeze_panes = "A2"
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["B"].width = 20
    return wb


def _sheet_grid(ws: Any, base: str, formulas: Callable[[str, str], Any]) -> _Grid:
    """A sheet's cells: text unescaped, formulas replaced by their saved values."""
    rows: list[tuple[int, list[Any]]] = []
    header: list[Any] = []
    problems: list[tuple[str, str]] = []
    for r, cells in enumerate(ws.iter_rows(), start=1):
        values: list[Any] = []
        for cell in cells:
            value = cell.value
            if cell.data_type == "f":
                value = formulas(ws.title, cell.coordinate)
                if value is None:
                    problems.append(
                        (
                            f"{base}, row {r}, cell {cell.coordinate}",
                            "holds a formula whose value was not saved; open and save the "
                            "workbook in a spreadsheet program, or type the value",
                        )
                    )
                    value = ""
            elif cell.data_type == "e":
                problems.append(
                    (f"{base}, row {r}, cell {cell.coordinate}", f"holds the error {value}")
                )
                value = ""
            if isinstance(value, str):
                value = _xml_unescape(value)
            values.append(value)
        while values and _is_blank(values[-1]):
            values.pop()
        if r == 1:
            header = values
        else:
            rows.append((r, values))
    return _Grid(base, header, rows, problems)


def _read_workbook(path: Path) -> Model:
    if not path.exists():
        raise FileNotFoundError(f"no such workbook: {path}")
    title = str(path)
    if not zipfile.is_zipfile(path):
        raise ModelError(
            [
                Problem(
                    path.name,
                    "is not an Excel workbook (.xlsx): an .xlsx file is a zip archive and this "
                    "is not one; save it from your spreadsheet program as an Excel workbook",
                )
            ],
            title=title,
        )
    openpyxl = _openpyxl()
    try:
        wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a zip that is not a workbook
        raise ModelError(
            [Problem(path.name, f"is not an Excel workbook (.xlsx): {exc}")], title=title
        ) from None
    saved: list[Any] = []

    def formulas(sheet: str, coordinate: str) -> Any:
        if not saved:
            saved.append(openpyxl.load_workbook(path, data_only=True))
        return saved[0][sheet][coordinate].value

    sheets = {ws.title.strip().lower(): ws for ws in wb.worksheets}
    available = ", ".join(repr(ws.title) for ws in wb.worksheets)
    reading = _Reading(title)

    def grid(name: str) -> _Grid | None:
        ws = sheets.get(name.lower())
        return None if ws is None else _sheet_grid(ws, f"{path.name}, sheet {ws.title!r}", formulas)

    def missing(name: str) -> tuple[str, str]:
        return path.name, f"has no sheet {name!r}; a model needs it (sheets: {available})"

    for table in _TABLES:
        reading.table(table, grid(table.sheet), missing(table.sheet))
    reading.scalars(grid(_MODEL_SHEET), missing(_MODEL_SHEET))
    reading.scenarios(grid(_SCENARIOS_SHEET))
    return reading.model()
