"""A model as an Excel workbook (``.xlsx``) laid out as an SROI impact map.

The sheets are the tables of :mod:`sroi.io.layout` (``Model``, ``Stakeholders``,
``Inputs``, ``Outputs``, ``Impact map``, and ``Scenarios`` when the model has any). Bold
header row, frozen panes, column widths fitted to the text, deductions and discount rate
formatted as percentages, money with thousands separators, a drop-down list for each
column with fixed choices, and each header's meaning in a cell comment. Numbers keep all
17 significant digits. Formulas typed by a user are read as their saved values; the
computed columns and ``Results`` sheet of :func:`sroi.report.write_impact_map` are
ignored.

Every text cell is written by :func:`put`: neutralised against formula injection
(:func:`sroi.io.cells.protect`), always a text cell (never a formula or an error code),
and escaped as Excel does where XML cannot hold a character (``_x000D_``,
:func:`sroi.io.cells.xml_escape`). Reading undoes both, so every text comes back as it
was written. Needs openpyxl: ``pip install 'sroi[excel]'``.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from sroi.model import Model
>>> model = Model.from_dict({
...     "name": "＝Garden",
...     "inputs": [{"stakeholder": "HA", "amount": 10_000}],
...     "outcomes": [{"stakeholder": "Residents", "outcome": "Eat fresh food",
...                   "quantity": 40, "value": 250, "duration": 2}],
... })
>>> path = Path(tempfile.mkdtemp()) / "model.xlsx"
>>> model_workbook(model).save(path)
>>> cell = openpyxl_module().load_workbook(path)["Model"]["B2"]
>>> cell.value, cell.data_type
("'＝Garden", 's')
>>> read_workbook(path) == model
True
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.errors import ModelError, Problem
from sroi.io.cells import XML_BAD, protect, xml_escape, xml_unescape
from sroi.io.layout import (
    COMPUTED,
    FRACTIONS,
    MODEL_SHEET,
    MONEY,
    SCENARIOS_SHEET,
    TABLES,
    Grid,
    Reading,
    is_blank,
    scalar_rows,
    scenario_rows,
    table_rows,
)
from sroi.model import Model

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "MONEY_FORMAT",
    "PERCENT",
    "model_workbook",
    "openpyxl_module",
    "put",
    "read_workbook",
]


def openpyxl_module() -> Any:
    """The ``openpyxl`` module, or an ImportError saying how to install it."""
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(
            "reading and writing Excel workbooks needs openpyxl; install it with "
            "pip install 'sroi[excel]'"
        ) from exc
    return openpyxl


_EXCEL_MAX_TEXT = 32_767
PERCENT = "0.0##%"
MONEY_FORMAT = "#,##0.00"


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
    for table in TABLES
    for name, fld in table.record.model_fields.items()  # type: ignore[attr-defined]
    if (choices := _literal_choices(fld.annotation))
}
"""Columns with fixed choices (``kind``, ``value_type``, ...): a drop-down list in a sheet."""


def put(cell: Any, value: Any, where: str) -> None:
    """Write one cell: text always as text (never a formula), numbers exactly.

    Parameters
    ----------
    cell : openpyxl.cell.cell.Cell
        The cell.
    value : str, int, float or None
        What to write; None leaves the cell empty. Text is neutralised against formula
        injection (:func:`sroi.io.cells.protect`), escaped where XML cannot hold it
        (:func:`sroi.io.cells.xml_escape`) and typed as text.
    where : str
        The cell's place, for the error when a text is too long for a cell.

    Raises
    ------
    ModelError
        If the text is longer than the 32,767 characters a cell holds.
    """
    if value is None:
        return
    if isinstance(value, str):
        text = xml_escape(protect(value))
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


def _write_sheet(
    ws: Worksheet,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    about: Mapping[str, str],
    formats: Mapping[str, str],
    computed: Sequence[str] = (),
    freeze: str = "A2",
) -> None:
    """Write a header row and rows to a sheet, styled as an impact-map table."""
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
        put(cell, name, f"{ws.title}, row 1")
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
            put(cell, value, f"{ws.title}, row {i}, column {name}")
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
    """Each field's description, for the header comments."""
    return {
        name: fld.description or ""
        for name, fld in record.model_fields.items()  # type: ignore[attr-defined]
    }


def model_workbook(model: Model, computed_rows: Sequence[Sequence[Any]] | None = None) -> Workbook:
    """A model as a workbook laid out as an impact map (not yet saved).

    Parameters
    ----------
    model : Model
        The model.
    computed_rows : sequence of sequences, optional
        One row per outcome of values for the columns of
        :data:`~sroi.io.layout.COMPUTED`, in that order: when given, the ``Impact map``
        sheet gains those columns (grey headers, ignored on reading).

    Returns
    -------
    openpyxl.workbook.workbook.Workbook

    Raises
    ------
    ModelError
        If a text is longer than an Excel cell holds.
    ImportError
        Without openpyxl (``pip install 'sroi[excel]'``).
    """
    openpyxl = openpyxl_module()
    from openpyxl.styles import Alignment

    from sroi._version import __version__

    wb = openpyxl.Workbook()
    wb.properties.creator = f"sroi {__version__}"
    wb.properties.title = re.sub(f"[{XML_BAD}]", "", model.name)[:255]

    ws = wb.active
    ws.title = MODEL_SHEET
    about = _about(Model)
    scalars = scalar_rows(model)
    _write_sheet(
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
            cell.number_format = PERCENT
        if name == "description":
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 60

    rows = table_rows(model)
    formats = {
        **{n: PERCENT for n in FRACTIONS},
        **{n: MONEY_FORMAT for n in MONEY},
        **{n: MONEY_FORMAT for n, _ in COMPUTED},
        "share_of_present_value": "0.0%",
    }
    for table in TABLES:
        ws = wb.create_sheet(table.sheet)
        with_computed = table.key == "outcomes" and computed_rows is not None
        computed = [n for n, _ in COMPUTED] if with_computed else []
        values = [[r.get(c) for c in table.columns] for r in rows[table.key]]
        if computed_rows is not None and with_computed:
            values = [[*v, *c] for v, c in zip(values, computed_rows, strict=True)]
        _write_sheet(
            ws,
            table.columns,
            values,
            about={**_about(table.record), **dict(COMPUTED)},
            formats=formats,
            computed=computed,
            freeze="D2" if table.key == "outcomes" else "A2",
        )

    if model.scenarios:
        ws = wb.create_sheet(SCENARIOS_SHEET)
        _write_sheet(
            ws,
            ("name", "changes"),
            scenario_rows(model),
            about={
                "name": "The scenario's name.",
                "changes": 'Its changes as JSON: {"deadweight": "+0.1", "value": "-20%", '
                '"outcomes": {"<id>": {"duration": 1}}}.',
            },
            formats={},
        )
    return wb


def _sheet_grid(ws: Any, base: str, formulas: Callable[[str, str], Any]) -> Grid:
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
                value = xml_unescape(value)
            values.append(value)
        while values and is_blank(values[-1]):
            values.pop()
        if r == 1:
            header = values
        else:
            rows.append((r, values))
    return Grid(base, header, rows, problems)


def read_workbook(path: Path) -> Model:
    """Read a model from an Excel workbook.

    Parameters
    ----------
    path : pathlib.Path
        The ``.xlsx`` workbook.

    Returns
    -------
    Model

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If the file is not a workbook, lacks a required sheet, or the model is not valid;
        every problem is listed, located by sheet, row and column.
    ImportError
        Without openpyxl (``pip install 'sroi[excel]'``).
    """
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
    openpyxl = openpyxl_module()
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
    reading = Reading(title)

    def grid(name: str) -> Grid | None:
        ws = sheets.get(name.lower())
        return None if ws is None else _sheet_grid(ws, f"{path.name}, sheet {ws.title!r}", formulas)

    def missing(name: str) -> tuple[str, str]:
        return path.name, f"has no sheet {name!r}; a model needs it (sheets: {available})"

    for table in TABLES:
        reading.table(table, grid(table.sheet), missing(table.sheet))
    reading.scalars(grid(MODEL_SHEET), missing(MODEL_SHEET))
    reading.scenarios(grid(SCENARIOS_SHEET))
    return reading.model()
