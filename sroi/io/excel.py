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
import warnings
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
    header_key,
    is_blank,
    scalar_rows,
    scenario_rows,
    table_rows,
)
from sroi.io.limits import Limits, archive_problems, breach, check_file_size, refuse, resolve
from sroi.model import Model

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "EXCEL_ROWS",
    "MONEY_FORMAT",
    "PERCENT",
    "model_workbook",
    "openpyxl_module",
    "pick_sheet",
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


def write_model_sheet(ws: Worksheet, scalars: Sequence[tuple[str, Any]]) -> None:
    """Write the ``Model`` sheet: one row per field of the model's own (``field``,
    ``value``, ``about``), the discount rate as a percentage."""
    from openpyxl.styles import Alignment

    about = _about(Model)
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


def write_scenarios_sheet(ws: Worksheet, model: Model) -> None:
    """Write the ``Scenarios`` sheet: a scenario's name and its changes (JSON) a row."""
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

    from sroi._version import __version__

    wb = openpyxl.Workbook()
    wb.properties.creator = f"sroi {__version__}"
    wb.properties.title = re.sub(f"[{XML_BAD}]", "", model.name)[:255]

    ws = wb.active
    ws.title = MODEL_SHEET
    write_model_sheet(ws, scalar_rows(model))

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
        write_scenarios_sheet(wb.create_sheet(SCENARIOS_SHEET), model)
    return wb


EXCEL_ROWS = 1_048_576
"""The rows of an Excel sheet; a workbook whose sheet goes further is not a valid one."""


def _loose(title: str) -> str:
    """A sheet name compared loosely: case and every space ignored."""
    return "".join(title.split()).casefold()


def pick_sheet(titles: Sequence[str], name: str) -> tuple[str | None, str | None]:
    """The sheet of a workbook that holds the table ``name``: ``(title, problem)``.

    The sheet named exactly ``name`` wins; failing that, the one sheet whose name differs
    from it only in case and spaces (``impact map `` for ``Impact map``). Two or more such
    sheets, and none named exactly, is a problem: which one is meant cannot be told.

    Parameters
    ----------
    titles : sequence of str
        The workbook's sheet names.
    name : str
        The sheet wanted (``"Impact map"``).

    Returns
    -------
    tuple
        The sheet's name (None when there is none, or no one), and the problem to report
        (None when there is none).

    Examples
    --------
    >>> pick_sheet(["Impact map", "impact map "], "Impact map")
    ('Impact map', None)
    >>> pick_sheet(["impact  MAP"], "Impact map")
    ('impact  MAP', None)
    >>> pick_sheet(["impact map", "IMPACT MAP "], "Impact map")[1]
    "has no sheet named exactly 'Impact map' but 2 whose names differ from it only in case \
or spaces ('impact map', 'IMPACT MAP '), so which one holds the table cannot be told; \
rename the others"
    """
    if name in titles:
        return name, None
    loose = [t for t in titles if _loose(t) == _loose(name)]
    if len(loose) == 1:
        return loose[0], None
    if len(loose) > 1:
        return None, (
            f"has no sheet named exactly {name!r} but {len(loose)} whose names differ from it "
            f"only in case or spaces ({', '.join(map(repr, loose))}), so which one holds the "
            "table cannot be told; rename the others"
        )
    return None, None


_FORMULA = object()  # a formula's place, until its saved value is read


class _Cells:
    """The cells read from a workbook so far, against the limits (all sheets together)."""

    def __init__(self, limits: Limits, where: str, title: str) -> None:
        self.limits, self.where, self.title = limits, where, title
        self.count = 0

    def add(self, base: str, n: int) -> None:
        self.count += n
        if self.count > self.limits.cells:
            what = "holds (all sheets read together) more cells than"
            raise ModelError(
                [breach(base, what, self.count, "cells", self.limits, at_least=True)],
                title=self.title,
            )


def _sheet_grid(
    ws: Any, base: str, cells: _Cells, saved: Callable[[str, list[tuple[int, int]]], list[Any]]
) -> Grid:
    """A sheet's cells: text unescaped, formulas replaced by their saved values.

    The sheet is streamed (a workbook opened read-only), whatever extent it declares:
    rows that are absent or blank cost nothing, so a stray space far below the table
    does not make the sheet large. Rows of data are counted against ``Limits.rows``,
    cells against ``Limits.cells``; Excel's last row is the end.
    """
    ws.reset_dimensions()  # read every row the sheet holds, not only the extent it declares
    limits = cells.limits
    rows: list[tuple[int, list[Any]]] = []
    header: list[Any] = []
    problems: list[tuple[str, str]] = []
    formulas: list[tuple[int, int, list[Any]]] = []  # (row, column, the row's values)
    texts: dict[tuple[int, int], str] = {}  # each formula's text
    for r, row in enumerate(ws.iter_rows(), start=1):
        if r > EXCEL_ROWS:
            problems.append((base, f"goes beyond row {EXCEL_ROWS:,}, Excel's last"))
            break
        if not row:  # an absent row
            continue
        cells.add(base, len(row))
        values: list[Any] = []
        for j, cell in enumerate(row):
            value = cell.value
            if value is None:
                values.append(None)
                continue
            if cell.data_type == "f":
                formulas.append((r, j, values))
                texts[(r, j)] = value if isinstance(value, str) else str(value)
                value = _FORMULA
            elif cell.data_type == "e":
                where = f"{base}, row {r}, cell {cell.coordinate}"
                problems.append((where, f"holds the error {value}"))
                value = ""
            elif isinstance(value, str):
                value = xml_unescape(value)
            values.append(value)
        while values and is_blank(values[-1]):
            values.pop()
        if r == 1:
            header = values
        elif values:
            rows.append((r, values))
            if len(rows) > limits.rows:
                raise ModelError(
                    [breach(base, "has more rows than", len(rows), "rows", limits, at_least=True)],
                    title=cells.title,
                )
    if formulas:
        found = saved(ws.title, [(r, j) for r, j, _ in formulas])
        for (r, j, values), value in zip(formulas, found, strict=True):
            if value is None:
                problems.append(
                    (
                        f"{base}, row {r}, cell {_coordinate(r, j)}",
                        "holds a formula whose value was not saved; open and save the "
                        "workbook in a spreadsheet program, or type the value",
                    )
                )
                value = ""
            values[j] = xml_unescape(value) if isinstance(value, str) else value
        for _, _, values in formulas:
            while values and is_blank(values[-1]):
                values.pop()
    return Grid(base, header, rows, problems, texts)


def _coordinate(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column + 1)}{row}"


_NOT_A_WORKBOOK = (
    "is not an Excel workbook (.xlsx): an .xlsx file is a zip archive and this is not one; "
    "save it from your spreadsheet program as an Excel workbook"
)


def check_workbook_file(
    path: Path, limits: Limits, *, title: str | None = None, not_a_workbook: str = _NOT_A_WORKBOOK
) -> None:
    """The checks made before a workbook is opened: it exists, is a file, is a zip archive
    within the limits (its size, its members and what they expand to).

    ``title`` heads the error (default the path); ``not_a_workbook`` is what is said of a
    file that is not a zip archive.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If it is a folder, not a zip archive, damaged, or passes a limit.
    """
    if not path.exists():
        raise FileNotFoundError(f"no such workbook: {path}")
    title = title or str(path)
    if path.is_dir():
        raise ModelError([Problem(path.name, "is a folder, not an Excel workbook")], title=title)
    check_file_size(path, limits)
    if not zipfile.is_zipfile(path):
        raise ModelError([Problem(path.name, not_a_workbook)], title=title)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except Exception as exc:  # a damaged archive: zipfile raises several kinds
        raise ModelError(
            [Problem(path.name, f"is not an Excel workbook (.xlsx): {_why(exc)}")], title=title
        ) from None
    refuse(archive_problems(members, path.name, limits), title)


def load_book(path: Path, *, read_only: bool, data_only: bool, title: str | None = None) -> Any:
    """Open a checked workbook with openpyxl; a file it cannot open is a ModelError (headed
    ``title``, default the path)."""
    openpyxl = openpyxl_module()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions
            return openpyxl.load_workbook(path, read_only=read_only, data_only=data_only)
    except (MemoryError, RecursionError):  # pragma: no cover
        raise
    except Exception as exc:  # openpyxl raises many kinds for a zip that is not a workbook
        raise ModelError(
            [Problem(path.name, f"is not an Excel workbook (.xlsx): {_why(exc)}")],
            title=title or str(path),
        ) from None


def saved_values(open_saved: Callable[[], Any]) -> Callable[[str, list[tuple[int, int]]], list]:
    """A reader of formula cells' saved values: ``read(sheet, [(row, column from 0)])``.

    ``open_saved`` opens the workbook with its saved values (read-only); it is called once,
    when the first value is asked for.
    """
    book: list[Any] = []

    def read(sheet: str, where: list[tuple[int, int]]) -> list[Any]:
        if not book:
            book.append(open_saved())
        ws = book[0][sheet]
        ws.reset_dimensions()
        wanted = {r for r, _ in where}
        last = max(wanted)
        values: dict[tuple[int, int], Any] = {}
        for r, row in enumerate(ws.iter_rows(), start=1):
            if r > last:
                break
            if r in wanted:
                for j, cell in enumerate(row):
                    values[(r, j)] = cell.value
        return [values.get(key) for key in where]

    return read


def open_checked(path: Path, limits: Limits) -> tuple[Any, Callable[[], Any]]:
    """A workbook opened in full (merged cells, formats and formulas), after the checks.

    Returns
    -------
    tuple
        The workbook (formulas as written), and a function that opens it again with each
        formula's saved value (once, when first called).
    """
    check_workbook_file(path, limits)
    book = load_book(path, read_only=False, data_only=False)
    cache: list[Any] = []

    def saved() -> Any:
        if not cache:
            cache.append(load_book(path, read_only=False, data_only=True))
        return cache[0]

    return book, saved


def library_layout(path: Path, limits: Limits) -> tuple[bool, list[list[list[Any]]]]:
    """Whether a checked workbook is in the library's layout, and its sheets' first rows.

    The library's layout has an ``Inputs`` sheet whose first row names the columns
    ``stakeholder`` and ``amount``. The first rows (up to 30) of every sheet are returned,
    to look for another layout in.
    """
    book = load_book(path, read_only=True, data_only=False)
    try:
        titles = list(book.sheetnames)
        firsts: list[list[list[Any]]] = []
        for name in titles:
            rows = []
            try:
                ws = book[name]
                ws.reset_dimensions()
                for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    if r > 30:
                        break
                    rows.append(list(row))
            except (MemoryError, RecursionError):  # pragma: no cover
                raise
            except Exception as exc:  # a damaged sheet: openpyxl raises many kinds
                where = f"{path.name}, sheet {name!r}"
                raise ModelError(
                    [Problem(where, f"cannot be read; the workbook looks damaged ({_why(exc)})")],
                    title=str(path),
                ) from None
            firsts.append(rows)
        inputs, _ = pick_sheet(titles, "Inputs")
        if inputs is None:
            return False, firsts
        head = firsts[titles.index(inputs)][:1]
        keys = {header_key(v) for v in (head[0] if head else []) if isinstance(v, str)}
        return {"stakeholder", "amount"} <= keys, firsts
    finally:
        book.close()


def read_workbook(path: Path, *, limits: Limits | None = None) -> Model:
    """Read a model from an Excel workbook.

    Each table is read from the sheet named exactly as the table (``Impact map``), or
    else from the one sheet whose name differs from it only in case or spaces (see
    :func:`pick_sheet`). The file is checked against the limits before it is opened (its
    size, what its members expand to) and while it is read (rows and cells).

    Parameters
    ----------
    path : pathlib.Path
        The ``.xlsx`` workbook.
    limits : Limits, optional
        What the workbook may hold; default :func:`sroi.io.limits.default_limits`.

    Returns
    -------
    Model

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If the file is not a workbook, lacks a required sheet (or has two that could be
        it), passes a limit, or the model is not valid; every problem is listed, located
        by sheet, row and column.
    ImportError
        Without openpyxl (``pip install 'sroi[excel]'``).
    """
    limits = resolve(limits)
    title = str(path)
    check_workbook_file(path, limits)
    books: list[Any] = []

    def open_book(data_only: bool) -> Any:
        book = load_book(path, read_only=True, data_only=data_only)
        books.append(book)
        return book

    try:
        wb = open_book(data_only=False)
        titles = list(wb.sheetnames)
        saved = saved_values(lambda: open_book(data_only=True))

        available = ", ".join(map(repr, titles))
        reading = Reading(title, limits=limits)
        cells = _Cells(limits, path.name, title)

        def grid(name: str) -> tuple[Grid | None, tuple[str, str] | None]:
            """The table's sheet read, and what to report if a required one is missing."""
            sheet, ambiguous = pick_sheet(titles, name)
            if ambiguous is not None:
                reading.problem(path.name, ambiguous)
                return None, None
            if sheet is None:
                return None, (
                    path.name,
                    f"has no sheet {name!r}; a model needs it (sheets: {available})",
                )
            base = f"{path.name}, sheet {sheet!r}"
            try:
                return _sheet_grid(wb[sheet], base, cells, saved), None
            except ModelError:
                raise
            except (MemoryError, RecursionError):  # pragma: no cover
                raise
            except Exception as exc:  # a damaged sheet: openpyxl raises many kinds
                raise ModelError(
                    [Problem(base, f"cannot be read; the workbook looks damaged ({_why(exc)})")],
                    title=title,
                ) from None

        for table in TABLES:
            reading.table(table, *grid(table.sheet))
        reading.scalars(*grid(MODEL_SHEET))
        reading.scenarios(grid(SCENARIOS_SHEET)[0])
    finally:
        for book in books:
            book.close()
    return reading.model()


def _why(exc: BaseException) -> str:
    """An exception as a short reason: its message, or its kind when it has none."""
    text = str(exc).strip()
    text = text if len(text) <= 200 else text[:197] + "..."
    return text or type(exc).__name__
