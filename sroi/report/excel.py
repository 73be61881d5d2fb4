"""The social accounts as an Excel workbook (``.xlsx``, written with openpyxl).

Sheets: ``Summary`` (the front matter, when the model has it; headline figures; the
accounts side by side; charts; value by outcome and by stakeholder; the organisation's
inputs, value by type and costs saved; who benefits, the claims check, warnings, method
notes and proxies), one sheet per area (its narrative, key figures, inputs, outputs,
outcomes and accounts), ``Sensitivity`` (unless asked not to), then ``Impact map`` (the
SROI Guide's columns), ``By year``,
``Inputs``, ``Outputs`` and ``Impact map, every column`` (every column of
:attr:`Result.by_outcome <sroi.result.Result.by_outcome>`).

**Live formulas.** The figures sroi computes for each row (an input, an outcome's present
value, a year) are written as numbers; every total, share and ratio built from them is a
formula over the cells it adds up, so a reader can follow each figure to its rows and a
spreadsheet recalculates it when opened: an area's inputs by kind, value by type and costs
saved by who saves add up its own input and outcome rows (costs saved as each outcome's
present value times the agency's share); the organisation's rows add up the same rows of
the areas' sheets (quoted sheet names; for a model without areas, the ``Inputs`` and
``Impact map`` rows); net present value is value less investment and each ratio
``IFERROR(value / investment, "none")``. openpyxl stores no calculated values, so a reader
that does not calculate (pandas, openpyxl's ``data_only``) sees none until a spreadsheet
program has opened and saved the file; the workbook asks to be calculated in full when
opened. A total over so many scattered cells that its formula would pass Excel's limit
(8,192 characters) is written as its figure.

**Charts** (native, of the workbook's own cells, titled with the programme's name, in the
PNG charts' colours, :data:`sroi.plots.PALETTE`): value produced and inputs by area, value
and investment by year, value by outcome and value by stakeholder, largest first; on the
``Sensitivity`` sheet, the tornado and the histogram of the simulated ratio.

**Sensitivity.** The ``Sensitivity`` sheet (after the areas' sheets) holds the HTML
report's sensitivity and uncertainty section, from the same functions
(:func:`sroi.report._common.sensitivity` and :func:`~sroi.report._common.uncertainty`):
the switching values, the tornado with its chart, and, where the model gives
distributions, the Monte Carlo figures with a table of bins and its histogram.

**Print.** Every sheet has a print area, prints one page wide (landscape when wide, on A3
when very wide; ``Impact map, every column``, a sheet for working, three pages of A3
landscape wide with the outcome's columns repeated on each), repeats its first row on
every page, is headed with the programme's name and footed with the sheet's name and
"Page n of m", with frozen headings, wrapped long text and page breaks between sections (a
chart or table is not split unless it is longer than a page); a sheet little longer than a
page prints on one page.

Text is always written as text (cell type ``s``), through :func:`cell_text`:
the library's one rule against formula injection (:mod:`sroi.io.cells`, as OWASP advises
against CSV injection) gives text a user typed that begins with ``= + - @``, a tab or a
carriage return (or a full-width ``＝ ＋ － ＠``) a leading ``'``, so no cell can be
evaluated as a formula here or after the sheet is saved as CSV; the only formulas are the
writer's own. Sheet names are made safe (at most 31 characters, none of
``[ ] : * ? / \\``, unique).

Nothing is cut: an Excel cell holds at most 32,767 characters, so a longer text (a long
description, say) keeps as much of its beginning as fits, followed by a note saying where
the rest is and linked to it, and is written in full on a ``Full text`` sheet, split into
consecutive rows of at most 32,767 characters that read, one after the other, as the whole
text (each part follows the same rule as any other cell, so a part that begins with
``=`` carries the leading ``'``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from sroi.formatting import CURRENCY_SYMBOLS, discount_rate_text
from sroi.io.cells import protect, starts_formula, xml_escape, xml_strip
from sroi.report import _common as common
from sroi.report.accounts import Account, Figure, SocialAccounts, social_accounts

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

    from sroi.result import Result

__all__ = ["cell_text", "safe_sheet_name", "write_excel"]

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FIXED_SHEETS = (
    "Summary",
    "Sensitivity",
    "Impact map",
    "By year",
    "Inputs",
    "Outputs",
    "Impact map, every column",
)
_PERCENT = "0.0%"
_RATIO = "0.00"

CELL_LIMIT = 32_767
"""The most characters an Excel cell holds."""

_PART = 32_000
"""Characters of text per part on the ``Full text`` sheet (before escaping)."""


def cell_text(text: Any) -> str:
    """User text made safe for a spreadsheet cell (OWASP CSV-injection advice).

    The same rule as every other writer (:mod:`sroi.io.cells`): characters a workbook
    cannot store at all are dropped (:func:`~sroi.io.cells.xml_strip`; a report is never
    read back); text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    (or a full-width ``＝ ＋ － ＠``), after any single quotes, gets one more leading
    ``'`` so it is read as text, never as a formula (:func:`~sroi.io.cells.protect`); and
    a carriage return or text that Excel would read as an escape is escaped as Excel does
    (:func:`~sroi.io.cells.xml_escape`), so the cell shows what was typed.

    Parameters
    ----------
    text : object
        The text (anything else is written as its ``str``; None as empty text).

    Returns
    -------
    str

    Examples
    --------
    >>> cell_text("=1+1"), cell_text("@SUM(A1)"), cell_text("Tenants"), cell_text(None)
    ("'=1+1", "'@SUM(A1)", 'Tenants', '')
    >>> cell_text("＝1+1"), cell_text("'=1+1"), cell_text("a\\x00b")
    ("'＝1+1", "''=1+1", 'ab')
    """
    return xml_escape(protect(xml_strip("" if text is None else str(text))))


def safe_sheet_name(name: str, taken: Sequence[str] = ()) -> str:
    """A worksheet name Excel accepts, unlike (case-insensitively) every name in ``taken``.

    Drops ``[ ] : * ? / \\`` and leading or trailing apostrophes, keeps at most 31
    characters, avoids Excel's reserved ``History``, and adds `` (2)``, `` (3)`` ... to
    make it unique.

    Examples
    --------
    >>> safe_sheet_name("Young people: 16/24 [NEET]?")
    'Young people 1624 NEET'
    >>> safe_sheet_name("summary", taken=["Summary"])
    'summary (2)'
    >>> len(safe_sheet_name("A very long area name that goes on and on"))
    31
    """
    base = _SHEET_BAD.sub("", xml_strip("" if name is None else str(name)).lstrip("'"))
    base = re.sub(r"\s+", " ", base).strip().strip("'").strip() or "Area"
    if base.lower() == "history":
        base = "History (area)"
    used = {t.lower() for t in taken}
    candidate, n = base[:31].rstrip(), 1
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
    return candidate


def _money_format(currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'
    return f'#,##0.00 "{currency}";-#,##0.00 "{currency}"'


def _parts(text: str, size: int = _PART) -> list[str]:
    """``text`` split into parts whose cell text fits a cell; joined they give ``text``.

    A part after the first starts, where the text allows, with a character that does not
    start a formula, so that it needs no protecting quote.
    """
    parts: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        while len(cell_text(text[start:end])) > CELL_LIMIT:  # escapes lengthen some text
            end = start + max(1, (end - start) * CELL_LIMIT // len(cell_text(text[start:end])) - 8)
        if end < len(text):
            for back in range(min(64, end - start - 1)):
                if protect(text[end - back :]) == text[end - back :]:
                    end -= back
                    break
        parts.append(text[start:end])
        start = end
    return parts


class _FullText:
    """The ``Full text`` sheet: texts too long for a cell, written in parts, in full."""

    def __init__(self, book: Any, currency: str) -> None:
        self.book = book
        self.currency = currency
        self.sheet: _Sheet | None = None

    def hold(self, ws: Worksheet, coordinate: str, text: str) -> tuple[str, str]:
        """Write ``text`` in full; return the cell's own text and the link to the parts."""
        if self.sheet is None:
            name = safe_sheet_name("Full text", self.book.sheetnames)
            self.sheet = _Sheet(self.book.create_sheet(name), self.currency, self, widths={4: 100})
            self.sheet.header(["Cell", "Part", "Characters", "Text"])
        s = self.sheet
        parts = _parts(text)
        first = s.row
        for k, part in enumerate(parts, start=1):
            s.line([f"'{ws.title}'!{coordinate}", f"{k} of {len(parts)}", len(part), part])
        last = s.row - 1
        rows = f"row {first}" if first == last else f"rows {first} to {last}"
        note = (
            f" […] (cut here: {len(text):,} characters in all; the whole text is on sheet "
            f"'{s.ws.title}', {rows})"
        )
        keep = len(text)
        while keep and len(cell_text(text[:keep] + note)) > CELL_LIMIT:
            keep = min(keep - 1, keep * CELL_LIMIT // len(cell_text(text[:keep] + note)) - 8)
            keep = max(keep, 0)
        quoted = s.ws.title.replace("'", "''")
        return cell_text(text[:keep] + note), f"'{quoted}'!A{first}"

    def finish(self, programme: str) -> None:
        if self.sheet is not None:
            self.sheet.finish(programme)


class _F(str):
    """A formula this module writes (never user text), without its leading ``=``."""


class _Own(str):
    """Words this module writes itself, such as a signed change (``"+20 %"``).

    Written as they are, as text; one that begins like a formula is marked with Excel's
    quote prefix (a cell style, shown nowhere), so it reads ``+20 %`` rather than
    ``'+20 %`` and is still never taken for a formula. User text keeps the rule of
    :func:`cell_text`.
    """


class _Cell(NamedTuple):
    """A cell of the workbook: its sheet's title, column and row (from 1)."""

    sheet: str
    col: int
    row: int

    def on(self, sheet: str) -> str:
        """The reference to this cell from a formula on ``sheet``."""
        from openpyxl.utils import get_column_letter

        here = f"{get_column_letter(self.col)}{self.row}"
        return here if sheet == self.sheet else f"{_quoted(self.sheet)}!{here}"


def _quoted(title: str) -> str:
    """A sheet's title as a formula names it: ``'Young people'``, quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


_Term = tuple[_Cell, float]
"""A cell to add up, times a factor (1.0 for the whole cell)."""

_SUM_ARGUMENTS = 255
"""The most arguments an Excel function takes."""

_FORMULA_LIMIT = 8_000
"""The longest formula written [characters] (Excel allows 8,192)."""


def _sum(terms: Sequence[_Term], sheet: str) -> str:
    """``SUM(...)`` of the terms, from a formula on ``sheet``; ``0`` when there are none.

    Runs of whole cells one below the other become ranges (``E12:E14``); a term with a
    factor is written ``E12*0.94``; more than 255 arguments are nested ``SUM``\\ s.
    """
    from openpyxl.utils import get_column_letter

    pieces: list[str] = []
    k = 0
    while k < len(terms):
        cell, factor = terms[k]
        if factor != 1.0:
            pieces.append(f"{cell.on(sheet)}*{factor!r}")
            k += 1
            continue
        last = k
        while (
            last + 1 < len(terms)
            and terms[last + 1][1] == 1.0
            and terms[last + 1][0] == cell._replace(row=terms[last][0].row + 1)
        ):
            last += 1
        end = terms[last][0]
        pieces.append(
            cell.on(sheet)
            if last == k
            else f"{cell.on(sheet)}:{get_column_letter(end.col)}{end.row}"
        )
        k = last + 1
    if not pieces:
        return "0"
    while len(pieces) > _SUM_ARGUMENTS:
        pieces = [
            f"SUM({','.join(pieces[i : i + _SUM_ARGUMENTS])})"
            for i in range(0, len(pieces), _SUM_ARGUMENTS)
        ]
    return f"SUM({','.join(pieces)})"


def _total(terms: Sequence[_Term], sheet: str, figure: float) -> _F | float:
    """The formula adding up ``terms``; ``figure`` itself if that formula would be too long
    for a spreadsheet (thousands of scattered cells)."""
    formula = _sum(terms, sheet)
    return _F(formula) if len(formula) <= _FORMULA_LIMIT else figure


def _ratio(top: _Cell, bottom: _Cell, sheet: str, none: str = "none") -> _F:
    """``top / bottom``, or ``none`` where the bottom is 0 (a ratio without a denominator)."""
    return _F(f'IFERROR({top.on(sheet)}/{bottom.on(sheet)},"{none}")')


def _difference(a: _Cell, b: _Cell, sheet: str) -> _F:
    return _F(f"{a.on(sheet)}-{b.on(sheet)}")


def _text(words: str) -> str:
    """The writer's own words as a formula's text: ``"Every £1 ..."``, quotes doubled."""
    return '"' + xml_strip(words).replace('"', '""') + '"'


def _ratio_words(ratio: _Cell, sheet: str, currency: str, per: bool = False) -> str:
    """A formula giving the ratio in ``ratio`` as money, ``£1.90`` (with ``per``:
    ``£1.90 per £1``, as :func:`~sroi.formatting.ratio_text`), or ``none`` where the cell
    holds no ratio (no investment).

    Examples
    --------
    >>> _ratio_words(_Cell("Summary", 2, 11), "Summary", "GBP", per=True)
    'IF(ISNUMBER(B11),"£"&TEXT(B11,"#,##0.00")&" per £1","none")'
    >>> _ratio_words(_Cell("Summary", 2, 11), "Summary", "CHF")
    'IF(ISNUMBER(B11),"CHF "&TEXT(B11,"#,##0.00"),"none")'
    """
    one = common.money(1.0, currency)  # "£1.00", "CHF 1.00"
    before, _, after = one.partition("1.00")
    tail = f" per {common.money(1, currency, 0)}" if per else ""
    pieces = [_text(before)] if before else []
    pieces.append(f'TEXT({ratio.on(sheet)},"#,##0.00")')
    if after + tail:
        pieces.append(_text(after + tail))
    here = ratio.on(sheet)
    return f'IF(ISNUMBER({here}),{"&".join(pieces)},"none")'


def _hex(colour: str) -> str:
    """``"#0072B2"`` as a chart's colour: ``"0072B2"``."""
    return colour.lstrip("#").upper()


def _palette() -> dict[str, str]:
    """The charts' colours by meaning, those of the PNG charts (:data:`sroi.plots.PALETTE`,
    Okabe and Ito's colour-blind-safe palette), as a chart's hex colours."""
    from sroi.plots import PALETTE

    return {meaning: _hex(colour) for meaning, colour in PALETTE.items()}


_CM_PER_WIDTH = 0.19
"""Centimetres of one unit of column width (one digit of the default font), about."""

_ROW_CM = 0.53
"""Centimetres of a row of the default height (15 points)."""

_PORTRAIT = 100
"""The widest sheet printed portrait [units of column width]; wider prints landscape."""

_ONE_PAGE = 1.3
"""A sheet at most this many pages long prints on one page, a little smaller."""

_A3 = 300
"""The narrowest sheet printed on A3 paper [units of column width]."""


class _Sheet:
    """Writes rows down a worksheet: text as text, numbers as numbers, formulas as formulas,
    formats by column; lays it out for the screen and for print when finished."""

    def __init__(
        self,
        ws: Worksheet,
        currency: str,
        full_text: _FullText | None = None,
        *,
        widths: dict[int, int] | None = None,
        cap: int = 40,
    ) -> None:
        self.ws = ws
        self.row = 1
        self.currency = currency
        self.money = _money_format(currency)
        self.widths: dict[int, int] = {}
        self.fixed = dict(widths or {})
        self.cap = cap
        self.full_text = full_text or _FullText(ws.parent, currency)
        self.spans: dict[tuple[int, int], int | None] = {}
        self.charts: list[tuple[Any, int, int, int]] = []
        self.blocks: list[int] = []
        self.freeze = "A2"
        self.headings: list[int] = []

    def keep(self) -> None:
        """Start a block at the current row that printing keeps on one page if it can."""
        self.blocks.append(self.row)

    def at(self, col: int, row: int | None = None) -> _Cell:
        """The cell at ``col`` of ``row`` (the current row by default)."""
        return _Cell(self.ws.title, col, self.row if row is None else row)

    def shares(self, rows: Iterable[int], col: int, of: int, total: _Cell) -> None:
        """In column ``col`` of each of ``rows``, its figure in column ``of`` as a share of
        ``total`` (a formula, blank where the total is 0), formatted as a percentage."""
        for r in rows:
            cell = self.ws.cell(r, col)
            cell.value = "=" + _ratio(self.at(of, r), total, self.ws.title, "")
            cell.number_format = _PERCENT

    def put(
        self,
        col: int,
        value: Any,
        fmt: str | None = None,
        bold: bool = False,
        *,
        span: int | bool | None = False,
    ) -> Any:
        """Write ``value`` at ``col`` of the current row; with ``span`` (the last column it
        spans, None for the sheet's last), merged across the columns to its right."""

        cell = self.ws.cell(row=self.row, column=col)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return cell
        if span is not False:
            self.spans[self.row, col] = span  # type: ignore[assignment]
        if isinstance(value, _F):
            cell.value = "=" + value
            cell.number_format = self._format(fmt)
            width = 15
        elif isinstance(value, _Own):
            text = xml_escape(xml_strip(str(value)))
            cell.value = text
            cell.data_type = "s"
            cell.quotePrefix = starts_formula(text)
            width = len(text)
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            if hasattr(value, "item"):  # a numpy scalar
                return self.put(col, value.item(), fmt, bold, span=span)
            text = cell_text(value)
            if len(text) > CELL_LIMIT:
                text, target = self.full_text.hold(
                    self.ws, cell.coordinate, xml_strip("" if value is None else str(value))
                )
                if cell.hyperlink is None:
                    from openpyxl.worksheet.hyperlink import Hyperlink

                    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target)
            cell.value = text
            cell.data_type = "s"
            width = max((len(line) for line in text.split("\n")), default=0)
        else:
            cell.value = float(value) if isinstance(value, float) else int(value)
            cell.number_format = self._format(
                ("#,##0" if float(value).is_integer() else "#,##0.00") if fmt == "quantity" else fmt
            )
            width = _shown_width(float(value), fmt)
        if bold:
            cell.font = _font(bold=True)
        if span is False:
            self.widths[col] = max(self.widths.get(col, 0), min(width + 2, 60))
        return cell

    def _format(self, fmt: str | None) -> str:
        return {"money": self.money, "percent": _PERCENT, "ratio": _RATIO}.get(
            fmt or "", fmt or "General"
        )

    def line(
        self,
        values: Sequence[Any],
        formats: Sequence[str | None] = (),
        bold: bool = False,
        spans: dict[int, int | None] | None = None,
    ) -> None:
        """A row of values from column A; ``spans`` maps a column to the last column its
        cell spans (None: the sheet's last)."""
        spans = spans or {}
        for col, value in enumerate(values, start=1):
            fmt = formats[col - 1] if col - 1 < len(formats) else None
            self.put(col, value, fmt, bold, span=spans.get(col, False))
        self.row += 1

    def para(self, text: str, bold: bool = False, size: int | None = None) -> None:
        """A line of text across the sheet's width, wrapped."""

        cell = self.put(1, text, span=None)
        if bold or size:
            cell.font = _font(bold=bold, size=size)
        self.row += 1

    def title(self, text: str, size: int = 14) -> None:
        if self.row > 1:
            self.keep()
        self.para(text, bold=True, size=size)

    def header(self, values: Sequence[str], spans: dict[int, int | None] | None = None) -> None:
        from openpyxl.styles import Alignment, PatternFill

        if self.row > 1:
            self.keep()
        self.headings.append(self.row)
        before = dict(self.widths)
        self.line(values, bold=True, spans=spans)
        self.widths = before  # a heading wraps: only its longest word widens its column
        last = max([len(values), *((e or len(values)) for e in (spans or {}).values())])
        for col in range(1, last + 1):
            cell = self.ws.cell(row=self.row - 1, column=col)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        for col, value in enumerate(values, start=1):
            if value and col not in (spans or {}):
                longest = max(map(len, value.split()), default=0)
                self.widths[col] = max(self.widths.get(col, 0), min(longest + 2, 60))

    def gap(self, n: int = 1) -> None:
        self.row += n

    def link(self, col: int, target_sheet: str, target_row: int) -> None:
        from openpyxl.worksheet.hyperlink import Hyperlink

        cell = self.ws.cell(row=self.row, column=col)
        cell.hyperlink = Hyperlink(
            ref=cell.coordinate, location=f"{_quoted(target_sheet)}!A{target_row}"
        )
        cell.font = _font(color="0563C1", underline="single")

    def chart(self, charts: Sequence[Any], height_cm: float) -> None:
        """Place one chart across the sheet, or two side by side, at the current row, and
        leave them the rows they cover."""
        self.keep()
        self.row += 1  # a blank row above: a chart never touches the page before
        for k, chart in enumerate(charts):
            chart.height = height_cm
            self.charts.append((chart, self.row, k, len(charts)))
        self.row += math.ceil(height_cm / _ROW_CM) + 1

    def finish(
        self,
        programme: str,
        *,
        title_rows: str = "1:1",
        pages_wide: int = 1,
        title_cols: str | None = None,
    ) -> None:
        """Column widths, wrapped text, charts, frozen panes and the page set-up: one page
        wide, or ``pages_wide`` pages of A3 landscape with columns ``title_cols``
        (``"A:C"``) repeated on each."""
        from openpyxl.styles import Alignment
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.properties import PageSetupProperties

        ws = self.ws
        last = max([*self.widths, *self.fixed, *(c for _, c in self.spans), 1])
        widths = {}
        for col in range(1, last + 1):
            if col in self.fixed:
                widths[col] = self.fixed[col]
            else:
                widths[col] = min(max(self.widths.get(col, 10), 10), self.cap)
            ws.column_dimensions[get_column_letter(col)].width = widths[col]
        total = sum(widths.values())
        ends = {key: last if end is None else end for key, end in self.spans.items()}
        for r in self.headings:  # a heading over figures stands over them, on the right
            right = False
            for col in range(1, last + 1):
                below = ws.cell(r + 1, col)
                old = ws.cell(r, col).alignment
                was, right = right, below.data_type in ("n", "f") and below.value is not None
                if right or was:  # (a heading after such a heading is kept clear of it)
                    ws.cell(r, col).alignment = Alignment(
                        wrap_text=old.wrap_text,
                        vertical=old.vertical,
                        horizontal="right" if right else "left",
                        indent=0 if right else 1,
                    )
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
            lines = 1.0
            for cell in row:
                if not isinstance(cell.value, str) or cell.data_type == "f":
                    continue
                end = ends.get((cell.row, cell.column), cell.column)
                room = sum(widths.get(c, 10) for c in range(cell.column, end + 1))
                need = _lines(cell.value, room, bool(cell.font is not None and cell.font.b))
                left = ws.cell(cell.row, cell.column - 1) if cell.column > 1 else None
                after_figure = (  # text just right of a figure: kept clear of it
                    left is not None and left.value is not None and left.data_type in ("n", "f")
                )
                if need > 1 or end > cell.column or after_figure:
                    old = cell.alignment
                    cell.alignment = Alignment(
                        wrap_text=need > 1 or end > cell.column or old.wrap_text,
                        vertical=old.vertical or ("top" if need > 1 else None),
                        horizontal=old.horizontal or "left",
                        indent=1 if end > cell.column > 1 or after_figure else 0,
                    )
                size = (cell.font.sz if cell.font is not None else None) or 11
                lines = max(lines, need * float(size) / 11)
            if lines > 1:
                ws.row_dimensions[row[0].row].height = min(409, math.ceil(15 * lines + 2))
                for cell in row:  # a tall row reads from its top (headings from their foot)
                    old = cell.alignment
                    cell.alignment = Alignment(
                        wrap_text=old.wrap_text,
                        vertical=old.vertical or "top",
                        horizontal=old.horizontal,
                        indent=old.indent,
                    )
        bottom = max(ws.max_row, self.row - 1, 1)
        for r in range(1, bottom + 1):  # 15 points, as Excel's default, in every program
            if ws.row_dimensions[r].height is None:
                ws.row_dimensions[r].height = 15
        for (r, col), end in ends.items():
            if end > col:
                ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=end)
        half, split = 0, 1
        while split < last and half + widths[split] <= total / 2 + 8:
            half += widths[split]
            split += 1
        for chart, r, k, n in self.charts:
            if n == 1:
                chart.width = min(total * _CM_PER_WIDTH, 25.0)
                ws.add_chart(chart, f"A{r}")
            else:
                room = half if k == 0 else total - half
                chart.width = room * _CM_PER_WIDTH - 0.3
                ws.add_chart(chart, f"{'A' if k == 0 else get_column_letter(split)}{r}")
        if self.freeze:
            ws.freeze_panes = self.freeze
        ws.print_area = f"A1:{get_column_letter(last)}{bottom}"
        ws.print_title_rows = title_rows
        if title_cols:
            ws.print_title_cols = title_cols
        setup = ws.page_setup
        landscape = total > _PORTRAIT or pages_wide > 1
        a3 = total >= _A3 or pages_wide > 1
        setup.paperSize = ws.PAPERSIZE_A3 if a3 else ws.PAPERSIZE_A4
        setup.orientation = "landscape" if landscape else "portrait"
        setup.fitToWidth = pages_wide
        setup.fitToHeight = 0
        self._page_breaks(widths, bottom, landscape, a3, pages_wide)
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.print_options.horizontalCentered = True
        ws.oddHeader.center.text = _header_text(programme)
        ws.oddHeader.center.size = 9
        ws.oddFooter.left.text = "&A"
        ws.oddFooter.left.size = 9
        ws.oddFooter.right.text = "Page &P of &N"
        ws.oddFooter.right.size = 9

    def _page_breaks(
        self, widths: dict[int, int], bottom: int, landscape: bool, a3: bool, pages_wide: int = 1
    ) -> None:
        """Break pages between blocks (a heading and its table, a chart) so that none is
        split across pages unless it is longer than a page."""
        from openpyxl.worksheet.pagebreak import Break

        ws = self.ws
        short, long = (29.7, 42.0) if a3 else (21.0, 29.7)
        paper_w, paper_h = (long, short) if landscape else (short, long)
        drawn = sum(7 * w + 5 for w in widths.values()) / 96 * 2.54 / pages_wide  # [cm]
        scale = min(1.0, (paper_w - 2.54) / drawn)
        page = (paper_h - 3.81) * 0.99 / scale  # the sheet's cm on a page

        def height(first: int, end: int) -> float:
            return sum((ws.row_dimensions[r].height or 15) for r in range(first, end)) / 72 * 2.54

        heading = height(1, 2)
        if height(1, bottom + 1) <= _ONE_PAGE * page:  # a little over a page: shrink it
            ws.page_setup.fitToHeight = 1
            return
        starts = sorted({b for b in self.blocks if 1 < b <= bottom})
        used = height(1, starts[0]) if starts else 0.0
        i = 0
        while i < len(starts):
            j = i + 1
            while j < len(starts) and starts[j] - starts[j - 1] <= 2:  # a heading, its table
                j += 1
            end = starts[j] if j < len(starts) else bottom + 1
            need = height(starts[i], end)
            if used + need > page and used > heading:
                ws.row_breaks.append(Break(id=starts[i] - 1))
                used = heading
            used += need
            while used > page:  # longer than a page: it runs on
                used -= page - heading
            i = j


def _shown_width(value: float, fmt: str | None) -> int:
    """About how many characters a number takes as shown in its format."""
    if fmt == "percent":
        return len(f"{value * 100:.1f}%")
    if fmt == "money":
        return len(f"{value:,.2f}") + 1
    if fmt in ("0", None) and value.is_integer():
        return len(f"{value:.0f}")
    return len(f"{value:,.2f}")


def _font(size: float | None = None, **style: Any) -> Any:
    """The workbook's font (Calibri, 11 points unless ``size``), with ``style``."""
    from openpyxl.styles import Font

    return Font(name="Calibri", size=size or 11, **style)


def _lines(text: str, width: float, bold: bool = False) -> int:
    """The lines ``text`` takes when wrapped in a column ``width`` digits wide (about)."""
    per_line = max(1.0, width * (1.0 if bold else 1.15) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _header_text(text: str) -> str:
    """Text for a printed page's header: ``&`` (which starts a code there) doubled,
    at most 200 characters (Excel's limit for a whole header is 255)."""
    plain = re.sub(r"\s+", " ", xml_strip(text)).strip()
    if len(plain) > 120:
        plain = plain[:119] + "…"
    return plain.replace("&", "&&")


def _given(value: Any) -> str:
    """Text as given, ``""`` for a missing value (None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _or_never(value: float | None) -> float | str:
    return "never" if value is None else value


_Key = tuple[str, str]
"""What a cell of an account holds: ``("spent", "Cash")``, ``("type", "fiscal")``, ...
or ``("total", "value")``."""


def _account_figures(
    s: _Sheet,
    account: Account,
    result: Result,
    terms: Callable[[str, Figure], list[_Term]],
) -> dict[_Key, _Cell]:
    """The account's figures, each row a formula over the cells it adds up.

    ``terms(section, figure)`` gives the cells a row adds up: ``section`` is ``spent`` or
    ``pv`` (inputs by kind), ``type`` (value by value type) or ``bearer`` (costs saved by
    who saves). Returns the cell of every row, by key, for other formulas to use.
    """
    sheet = s.ws.title
    cells: dict[_Key, _Cell] = {}

    def made_of(figure: Figure) -> str:
        return common.parts_text(result, figure)

    made: dict[int, int | None] = {4: None}
    s.header(["Inputs by kind", "As spent", "Present value", "Made up of"], made)
    first = s.row
    for spent, pv in common.shown(account.input_amounts, account.input_present_values):
        cells["spent", spent.label] = s.at(2)
        cells["pv", pv.label] = s.at(3)
        s.line(
            [spent.label, _total(terms("spent", spent), sheet, spent.amount),
             _total(terms("pv", pv), sheet, pv.amount), made_of(spent)],
            [None, "money", "money"],
            spans=made,
        )  # fmt: skip
    above = [s.at(2, r) for r in range(first, s.row)]
    cells["total", "spent"] = s.at(2)
    cells["total", "pv"] = s.at(3)
    s.line(
        ["Total inputs", _total([(c, 1.0) for c in above], sheet, account.input_amount.amount),
         _total([(c._replace(col=3), 1.0) for c in above], sheet, account.investment.amount)],
        [None, "money", "money"],
        bold=True,
    )  # fmt: skip
    s.gap()
    s.header(["Value by value type", "Present value", "Share", "Made up of"], made)
    first = s.row
    for f in common.shown(account.value_by_type):
        label = f.label + (" (costs saved)" if f.label == "fiscal" else "")
        cells["type", f.label] = s.at(2)
        s.line(
            [label, _total(terms("type", f), sheet, f.amount), None, made_of(f)],
            [None, "money"],
            spans=made,
        )
    rows = list(range(first, s.row))
    cells["total", "value"] = s.at(2)
    s.line(
        ["Value produced",
         _total([(s.at(2, r), 1.0) for r in rows], sheet, account.present_value.amount)],
        [None, "money"],
        bold=True,
    )  # fmt: skip
    s.shares(rows, 3, 2, cells["total", "value"])
    s.gap()
    s.header(["Costs saved, by who saves", "Present value", "Share", "Made up of"], made)
    first = s.row
    for f in account.costs_saved_by_bearer:
        cells["bearer", f.label] = s.at(2)
        s.line([f.label, _total(terms("bearer", f), sheet, f.amount), None, made_of(f)],
               [None, "money"], spans=made)  # fmt: skip
    rows = list(range(first, s.row))
    cells["total", "saved"] = s.at(2)
    s.line(
        ["Costs saved",
         _total([(s.at(2, r), 1.0) for r in rows], sheet, account.costs_saved.amount)],
        [None, "money"],
        bold=True,
    )  # fmt: skip
    s.shares(rows, 3, 2, cells["total", "saved"])
    return cells


def _outcome_terms(
    account: Account, pv_cell: Callable[[str], _Cell]
) -> Callable[[str, Figure], list[_Term]]:
    """The cells an account's value rows add up: each outcome's present value (times its
    share, for who saves)."""
    splits = {o.id: dict(o.bearer_split) for o in account.outcomes}

    def terms(section: str, figure: Figure) -> list[_Term]:
        if section == "bearer":
            return [(pv_cell(oid), splits[oid][figure.label]) for oid in figure.outcomes]
        return [(pv_cell(oid), 1.0) for oid in figure.outcomes]

    return terms


def _rows_terms(
    account: Account,
    spent_cell: Callable[[int], _Cell],
    pv_cell: Callable[[int], _Cell],
    outcome_cell: Callable[[str], _Cell],
) -> Callable[[str, Figure], list[_Term]]:
    """The cells each row of an account adds up: its inputs' and outcomes' own rows."""
    by_outcome = _outcome_terms(account, outcome_cell)

    def terms(section: str, figure: Figure) -> list[_Term]:
        if section == "spent":
            return [(spent_cell(i), 1.0) for i in figure.inputs]
        if section == "pv":
            return [(pv_cell(i), 1.0) for i in figure.inputs]
        return by_outcome(section, figure)

    return terms


def _areas_terms(areas: Sequence[dict[_Key, _Cell]]) -> Callable[[str, Figure], list[_Term]]:
    """The cells each row of the organisation's account adds up: the areas' same rows."""

    def terms(section: str, figure: Figure) -> list[_Term]:
        key = (section, figure.label)
        return [(cells[key], 1.0) for cells in areas if key in cells]

    return terms


def _money_axis(currency: str) -> tuple[str, str]:
    """The number format and title of a chart's money axis."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f'"{symbol}"#,##0', f"Present value ({symbol})"
    return f'#,##0 "{currency}"', f"Present value ({currency})"


def _labels(fmt: str) -> Any:
    """Data labels showing each bar's value, in ``fmt`` (not the cells' format)."""
    from openpyxl.chart.data_source import NumFmt
    from openpyxl.chart.label import DataLabelList
    from openpyxl.descriptors import Typed
    from openpyxl.descriptors.nested import NestedBool

    class Labels(DataLabelList):  # openpyxl's own cannot say "not the source's format"
        tagname = "dLbls"
        numFmt = Typed(expected_type=NumFmt, allow_none=True)
        showLegendKey = NestedBool(allow_none=True)
        showVal = NestedBool(allow_none=True)
        showCatName = NestedBool(allow_none=True)
        showSerName = NestedBool(allow_none=True)
        showPercent = NestedBool(allow_none=True)
        showBubbleSize = NestedBool(allow_none=True)
        __elements__ = ("numFmt", "showLegendKey", "showVal", "showCatName", "showSerName",
                        "showPercent", "showBubbleSize")  # fmt: skip

    return Labels(
        numFmt=NumFmt(formatCode=fmt, sourceLinked=False),
        showLegendKey=False,
        showVal=True,
        showCatName=False,
        showSerName=False,
        showPercent=False,
        showBubbleSize=False,
    )


def _chart_title(text: str) -> Any:
    """A chart title in 12-point bold (the default is larger than a sheet's headings)."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import (
        CharacterProperties,
        Paragraph,
        ParagraphProperties,
        RegularTextRun,
    )

    font = CharacterProperties(sz=1200, b=True)
    run = RegularTextRun(rPr=font, t=xml_strip(text))
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[run])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _bar_chart(
    title: str,
    currency: str,
    categories: Any,
    series: Sequence[Any],
    *,
    horizontal: bool,
    labels: bool,
    text: bool = True,
    largest: float = 0.0,
    colours: Sequence[str] = (),
) -> Any:
    """A bar (``horizontal``) or column chart of money, titled, in the PNG charts' palette.

    ``series`` are references whose first cell is the series' name; ``colours`` their
    colours (hex), by default value's blue, then the investment's vermilion.
    """
    from openpyxl.chart import BarChart, Series

    if not colours:
        palette = _palette()
        colours = (palette["value"], palette["investment"])

    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = _chart_title(title)
    chart.style = 2
    chart.gapWidth = 50
    fmt, axis_title = _money_axis(currency)
    axis = fmt.replace("#,##0", '#,##0,"k"') if largest >= 10_000 else fmt  # £150k
    for k, ref in enumerate(series):
        line = Series(ref, title_from_data=True)
        colour = colours[k % len(colours)]
        line.graphicalProperties.solidFill = colour
        line.graphicalProperties.line.solidFill = colour
        chart.series.append(line)
    if text:  # names: a text reference (openpyxl would make it a numeric one)
        from openpyxl.chart.data_source import AxDataSource, StrRef

        for line in chart.series:
            line.cat = AxDataSource(strRef=StrRef(f=str(categories)))
    else:
        chart.set_categories(categories)
    chart.y_axis.number_format = axis
    chart.y_axis.title = axis_title
    chart.y_axis.majorGridlines = None if horizontal else chart.y_axis.majorGridlines
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if horizontal:  # the largest first, at the top, with the money axis below
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    if labels:
        chart.dataLabels = _labels(fmt)
    if len(series) == 1:
        chart.legend = None
    else:
        chart.legend.position = "b"
    return chart


_CHART_BARS = 20
"""The most bars in a chart of value by outcome or by stakeholder (the largest)."""


def _who_and_claims(s: _Sheet, result: Result, value: _Cell) -> None:
    """Groups, money flows, weighted and adjusted figures, and the claims check; shares of
    the value produced, in cell ``value``, and each agency's net, as formulas."""
    sheet = s.ws.title
    s.title("Who benefits and who saves", 12)
    if result.model.groups or any(o.group for o in result.model.outcomes):
        s.header(["Group", "Priority", "Present value", "Share"])
        for r in result.breakdown("group").to_dict("records"):
            s.line(
                [r["group"], "yes" if r["priority"] else "", r["present_value"],
                 _ratio(s.at(3), value, sheet, "")],
                [None, None, "money", "percent"],
            )  # fmt: skip
        if result.priority_share is not None:
            s.line(["Share reaching priority groups", result.priority_share], [None, "percent"])
        s.gap()
    keys = ["puts_in", "gains", "net", "fiscal_saving", "transfer", "wider_benefit"]
    s.header(["Agency or stakeholder", "Puts in", "Gains", "Net", "Fiscal saving", "Transfer",
              "Wider benefit"])  # fmt: skip
    for r in result.money_flows().to_dict("records"):
        r["net"] = _difference(s.at(3), s.at(2), sheet)  # gains less what it puts in
        s.line([r["agency"], *(r[k] for k in keys)], [None, *["money"] * len(keys)])
    for c in common.who_benefits(result)["compared"]:
        s.gap()
        s.header([c["title"], *c["names"]])
        for row in c["rows"]:
            s.line(list(row))
        s.para(c["note"])
    s.gap()
    found = common.claims(result)
    s.title("Claims check", 12)
    wide: dict[int, int | None] = {5: 6}
    s.header(["Where", "Severity", "Principle", "Rule", "Finding", "", "Reference"], wide)
    for f in found["rows"]:
        s.line(
            [f["where"], f["severity"], f["principle"], f["rule"], f["finding"], None, f["ref"]],
            spans=wide,
        )
    if not found["rows"]:
        s.line(["No findings."])
    s.para(f"Thresholds: {found['thresholds']}")


def _front_matter(result: Result) -> Any:
    return getattr(result.model, "front_matter", None)


def _paragraphs(text: str | None) -> list[str]:
    """Text split at blank lines into paragraphs, each on one line."""
    return [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


class _Layout(NamedTuple):
    """Where the figures other sheets refer to were written."""

    area_cells: list[dict[_Key, _Cell]]
    map_rows: dict[str, int]
    map_pv_col: int
    input_rows: dict[int, int]
    year_rows: tuple[int, int] | None


def _summary(
    s: _Sheet,
    result: Result,
    accounts: SocialAccounts,
    area_sheets: Sequence[str],
    layout: _Layout,
    by_year: str,
) -> None:
    sheet = s.ws.title
    cur = result.currency
    s.title(common.title(result))
    fm = _front_matter(result)
    if fm is not None:
        for label, value in (
            ("Organisation", fm.organisation),
            ("Period", fm.period),
            ("Prepared by", fm.prepared_by),
            ("Published", f"{fm.published.day} {fm.published:%B %Y}" if fm.published else None),
            ("Contact", fm.contact),
        ):
            if value:
                s.para(f"{label}: {value}")
    prices = f", {result.price_year} prices" if result.price_year else ""
    s.para(
        f"{cur}{prices}; discounted at {discount_rate_text(result.discount_rate)}; "
        f"produced with sroi {common.method(result)['version']}"
    )
    sentence = s.at(1)
    s.para("".join(common.ratio_sentence(result)), bold=True)
    s.gap()
    # the headline figures refer to the accounts below: their cells are filled in last
    s.header(["Headline figures", "Value"])
    head: dict[str, _Cell] = {}
    for label in ("SROI ratio", "Present value of outcomes", "Total investment (present value)",
                  "Net present value", "Net SROI ratio"):  # fmt: skip
        head[label] = s.at(2)
        s.line([label])
    # the ratio in words, from the ratio's cell, so that it follows the figures if edited
    pre, _, post = common.ratio_sentence(result)
    words = {
        sentence: _F(f"{_text(pre)}&{_ratio_words(head['SROI ratio'], sheet, cur)}&{_text(post)}"),
        head["SROI ratio"]._replace(col=3): _F(_ratio_words(head["SROI ratio"], sheet, cur, True)),
    }
    for where, formula in words.items():
        s.ws.cell(where.row, where.col).value = "=" + formula
    from openpyxl.styles import Alignment

    s.ws.cell(sentence.row, 1).font = _font(bold=True)
    s.ws.cell(sentence.row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    moved = common.without_transfers(result)
    if moved is not None:
        # part of the value is benefits or taxes moved between parties: say so beside the ratio
        s.line(
            ["Of which transfers (benefits or taxes moved, not resources saved)",
             moved["transfers"]],
            [None, "money"],
        )  # fmt: skip
        s.line(
            ["SROI ratio without transfers (worked out by sroi)",
             "none" if moved["ratio"] is None else moved["ratio"]],
            [None, "0.00"],
        )  # fmt: skip
    s.line(["Payback [months] (worked out by sroi)", _or_never(result.payback_months)],
           [None, "0.0"])  # fmt: skip
    s.line(
        ["Discounted payback [years] (worked out by sroi)",
         _or_never(result.discounted_payback_years)],
        [None, "0.00"],
    )  # fmt: skip
    if result.contract_value is not None:
        per = common.money(1, cur, 0)
        contract = s.at(2)
        s.line(["Contract value", result.contract_value], [None, "money"])
        s.line(
            [f"Social value per {per} of contract",
             _ratio(head["Present value of outcomes"], contract, sheet)],
            [None, "money"],
        )  # fmt: skip
        s.line(
            ["Share of contract value", _ratio(head["Present value of outcomes"], contract, sheet)],
            [None, "percent"],
        )
    if fm is not None:
        for text in _paragraphs(fm.introduction):
            s.gap()
            s.para(text)
    s.gap()
    s.header(
        ["Account", "Inputs (as spent)", "Inputs (present value)", "Value produced", "Costs saved",
         "Net present value", "Ratio"]
    )  # fmt: skip
    first = s.row
    org_row = first + len(accounts.areas)
    for i, a in enumerate(accounts.areas):
        cells = layout.area_cells[i]
        s.link(1, area_sheets[i], 1)
        s.line(
            [a.name, _F(cells["total", "spent"].on(sheet)), _F(cells["total", "pv"].on(sheet)),
             _F(cells["total", "value"].on(sheet)), _F(cells["total", "saved"].on(sheet))],
            [None, "money", "money", "money", "money"],
        )  # fmt: skip
    s.put(1, accounts.organisation.name, bold=True)
    s.row += 1
    for r in range(first, org_row + 1):
        s.row = r
        s.put(6, _difference(s.at(4), s.at(3), sheet), "money", bold=r == org_row)
        s.put(7, _ratio(s.at(4), s.at(3), sheet), "ratio", bold=r == org_row)
    s.row = org_row + 1
    for note in accounts.notes:
        s.para(note)
    s.gap()
    org_cells = _organisation_totals(s, result, accounts, layout)
    # the organisation's row and the headline figures, from the organisation's totals
    for col, key in ((2, "spent"), (3, "pv"), (4, "value"), (5, "saved")):
        cell = s.ws.cell(org_row, col)
        cell.value = "=" + _F(org_cells["total", key].on(sheet))
        cell.number_format = s.money
        cell.font = _font(bold=True)
    value, investment = s.at(4, org_row), s.at(3, org_row)
    npv = head["Net present value"]
    for label, formula, fmt in (
        ("SROI ratio", _ratio(value, investment, sheet), _RATIO),
        ("Present value of outcomes", _F(value.on(sheet)), s.money),
        ("Total investment (present value)", _F(investment.on(sheet)), s.money),
        ("Net present value", _difference(value, investment, sheet), s.money),
        ("Net SROI ratio", _ratio(npv, investment, sheet), _RATIO),
    ):
        cell = s.ws.cell(head[label].row, 2)
        cell.value = "=" + formula
        cell.number_format = fmt
    s.gap()
    _charts(s, result, accounts, layout, by_year, org_row)
    _who_and_claims(s, result, head["Present value of outcomes"])
    s.gap()
    s.title("Notes and warnings", 12)
    found = common.notes(result)
    if found:
        wide = {2: 6}
        s.header(["Where", "Warning", "", "", "", "", "Reference"], wide)
        for n in found:
            s.line([n["where"], n["message"], None, None, None, None, n["ref"]], spans=wide)
    else:
        s.line(["The evaluation gave no warnings."])
    s.gap()
    method = common.method(result)
    s.title("Method notes", 12)
    for label, text in method["settings"]:
        s.line([label, text], spans={2: None})
    s.gap()
    wide = {2: 4, 5: None}
    s.header(["Convention", "Rule", "", "", "Formula"], wide)
    for c in method["conventions"]:
        s.line([c["title"], c["sentence"], None, None, c["formula"]], spans=wide)
    for u in method["uncertain"]:
        s.line(["Figure given as a distribution", u], spans={2: None})
    if method["proxies"]:
        s.gap()
        wide = {5: None}
        s.header(["Proxy", "Value as published", "Price year", "Price index",
                  "Source, licence and reference"], wide)  # fmt: skip
        for p in method["proxies"]:
            source, licence, ref = (_given(p[k]) for k in ("source", "licence", "id"))
            where = "\n".join(
                text for text in (source, licence and f"Licence: {licence}",
                                  ref and f"Reference: {ref}") if text
            )  # fmt: skip
            s.line(
                [p["name"], p["value"], p["price_year"], p["price_index"], where],
                [None, None, None, "0.0000"],
                spans=wide,
            )
        if method["proxy_checksum"]:
            s.line(["Proxy table checksum (SHA-256)", method["proxy_checksum"]], spans={2: None})
    fm = _front_matter(result)
    if fm is not None and fm.contact:
        s.gap()
        s.para(f"Questions about these accounts: {fm.contact}")


def _organisation_totals(
    s: _Sheet, result: Result, accounts: SocialAccounts, layout: _Layout
) -> dict[_Key, _Cell]:
    """The organisation's account: each row the sum of the areas' same rows, or, for a
    model without areas, of the rows of the ``Inputs`` and ``Impact map`` sheets."""
    s.title("Organisation totals", 12)
    org = accounts.organisation
    if accounts.areas:
        terms = _areas_terms(layout.area_cells)
    else:
        terms = _rows_terms(
            org,
            lambda i: _Cell("Inputs", _INPUT_SPENT, layout.input_rows[i]),
            lambda i: _Cell("Inputs", _INPUT_PV, layout.input_rows[i]),
            lambda oid: _Cell("Impact map", layout.map_pv_col, layout.map_rows[oid]),
        )
    cells = _account_figures(s, org, result, terms)
    s.gap()
    return cells


def _charts(
    s: _Sheet,
    result: Result,
    accounts: SocialAccounts,
    layout: _Layout,
    by_year: str,
    org_row: int,
) -> None:
    """Charts of the areas' accounts and of value by year; tables of value by outcome
    and by stakeholder, and their charts."""
    from openpyxl.chart import Reference

    ws, sheet, cur = s.ws, s.ws.title, result.currency
    name = result.model.name
    top: list[Any] = []
    if accounts.areas:
        first = org_row - len(accounts.areas)
        top.append(
            _bar_chart(
                f"Value produced and inputs by area: {name}",
                cur,
                Reference(ws, min_col=1, min_row=first, max_row=org_row - 1),
                [Reference(ws, min_col=c, min_row=first - 1, max_row=org_row - 1) for c in (4, 3)],
                horizontal=True,
                labels=True,
                largest=max(
                    max(a.present_value.amount, a.investment.amount) for a in accounts.areas
                ),
            )
        )
    if layout.year_rows is not None:
        years = ws.parent[by_year]
        a, b = layout.year_rows
        chart = _bar_chart(
            f"Value and investment by year (present value): {name}",
            cur,
            Reference(years, min_col=1, min_row=a, max_row=b),
            [Reference(years, min_col=col, min_row=a - 1, max_row=b) for col in (4, 7)],
            horizontal=False,
            labels=False,
            text=False,
            largest=float(
                result.by_year[["present_value", "investment_present_value"]].abs().max().max()
            ),
        )
        chart.x_axis.title = "Year"
        top.append(chart)
    if top:
        s.chart(top, max(7.0, 2.5 + 1.1 * len(accounts.areas)))
    # value by outcome, largest first
    table = result.by_outcome
    ids = table["id"].tolist()
    outcomes = [str(x) for x in table["outcome"]]
    stakeholders = [str(x) for x in table["stakeholder"]]
    areas = ["" if a is None else str(a) for a in table["area"]]
    pv = table["present_value"].to_numpy(dtype=float)
    same = len(set(outcomes)) < len(outcomes)
    order = sorted(range(len(ids)), key=lambda i: -pv[i])
    s.title("Value by outcome", 12)
    wide: dict[int, int | None] = {2: 3, 4: 5}
    s.header(["Outcome", "Stakeholder", "", "Area", "", "Present value", "Share"], wide)
    first = s.row
    rows: dict[int, int] = {}
    for i in order:
        rows[i] = s.row
        label = f"{outcomes[i]} ({stakeholders[i]})" if same else outcomes[i]
        s.link(1, "Impact map", layout.map_rows[ids[i]])
        source = _Cell("Impact map", layout.map_pv_col, layout.map_rows[ids[i]])
        s.line(
            [label, stakeholders[i], None, areas[i], None, _F(source.on(sheet))],
            [None] * 5 + ["money"],
            spans=wide,
        )
    last = s.row - 1
    total = s.at(6)
    s.line(["Total", *[None] * 4, _F(f"SUM(F{first}:F{last})")], [None] * 5 + ["money"], True)
    s.shares(range(first, last + 1), 7, 6, total)
    bars = min(len(order), _CHART_BARS)
    some = f" (the largest {bars} of {len(order)})" if bars < len(order) else ""
    by_outcome = _bar_chart(
        f"Value by outcome{some}: {name}",
        cur,
        Reference(ws, min_col=1, min_row=first, max_row=first + bars - 1),
        [Reference(ws, min_col=6, min_row=first - 1, max_row=first + bars - 1)],
        horizontal=True,
        labels=True,
        largest=float(abs(pv).max()),
    )
    # who benefits: value by stakeholder, largest first
    by_who: dict[str, list[int]] = {}
    for i in order:
        by_who.setdefault(stakeholders[i], []).append(i)
    amounts = {who: math.fsum(pv[i] for i in found) for who, found in by_who.items()}
    whos = sorted(by_who, key=lambda w: -amounts[w])
    s.gap()
    s.title("Who benefits: value by stakeholder", 12)
    s.header(["Stakeholder", "Present value", "Share"])
    start = s.row
    for who in whos:
        terms = sorted((s.at(6, rows[i]), 1.0) for i in by_who[who])
        s.line([who, _total(terms, sheet, amounts[who])], [None, "money"])
    end = s.row - 1
    whole = s.at(2)
    s.line(["Total", _F(f"SUM(B{start}:B{end})")], [None, "money"], True)
    s.shares(range(start, end + 1), 3, 2, whole)
    few = min(len(whos), _CHART_BARS)
    some = f" (the largest {few} of {len(whos)})" if few < len(whos) else ""
    by_whom = _bar_chart(
        f"Who benefits: value by stakeholder{some}: {name}",
        cur,
        Reference(ws, min_col=1, min_row=start, max_row=start + few - 1),
        [Reference(ws, min_col=2, min_row=start - 1, max_row=start + few - 1)],
        horizontal=True,
        labels=True,
        largest=max(abs(a) for a in amounts.values()),
    )
    s.gap()
    s.chart([by_outcome, by_whom], max(6.0, 2.0 + 0.6 * max(bars, few)))


def _area(
    s: _Sheet,
    account: Account,
    map_rows: dict[str, int],
    input_rows: dict[int, int],
    result: Result,
) -> dict[_Key, _Cell]:
    """An area's sheet: its narrative, key figures, inputs, outputs, outcomes and accounts;
    the cells of its accounts, by key, for the organisation's to add up."""
    sheet = s.ws.title
    s.title(account.name)
    fm = _front_matter(result)
    narrative = (fm.narrative or {}).get(account.name) if fm is not None else None
    for text in _paragraphs(narrative):
        s.para(text)
    if account.note:
        s.para(account.note)
    s.gap()
    s.header(["Key figures", "Value"])
    key: dict[str, _Cell] = {}
    for label in ("Inputs (present value)", "Value produced", "Costs saved", "Net present value",
                  "Ratio"):  # fmt: skip
        key[label] = s.at(2)
        s.line([label], bold=label == "Value produced")
    if account.ratio is None:
        s.line(["Why no ratio", account.ratio_reason], spans={2: None})
    s.gap()
    s.header(["Inputs", "Stakeholder", "Kind", "Year", "As spent", "Present value"])
    rows: dict[int, int] = {}
    for x in account.inputs:
        rows[x.index] = s.row
        s.link(1, "Inputs", input_rows[x.index])
        s.line(
            [common.input_label(result, x.index), x.stakeholder,
             common.KIND_LABELS.get(x.kind, x.kind), x.year, x.amount, x.present_value],
            [None, None, None, "0", "money", "money"],
        )  # fmt: skip
    s.gap()
    s.header(["Outputs delivered", "Quantity", "Unit", "Delivered to"])
    for o in account.outputs:
        s.line([o.description, o.quantity, o.unit, o.stakeholder], [None, "quantity"])
    if not account.outputs:
        s.line(["No outputs recorded."])
    s.gap()
    s.header(["Outcome", "Stakeholder", "Value type", "Who gains", "Present value",
              "Where in the model"])  # fmt: skip
    outcome_rows: dict[str, int] = {}
    for o in account.outcomes:
        outcome_rows[o.id] = s.row
        s.link(1, "Impact map", map_rows[o.id])
        s.line(
            [o.outcome, o.stakeholder, o.value_type, o.bearer_text, o.present_value, o.id],
            [None, None, None, None, "money"],
        )
    s.gap()
    cells = _account_figures(
        s,
        account,
        result,
        _rows_terms(
            account,
            lambda i: s.at(5, rows[i]),
            lambda i: s.at(6, rows[i]),
            lambda oid: s.at(5, outcome_rows[oid]),
        ),
    )
    value, investment = cells["total", "value"], cells["total", "pv"]
    for label, formula, fmt in (
        ("Inputs (present value)", _F(investment.on(sheet)), s.money),
        ("Value produced", _F(value.on(sheet)), s.money),
        ("Costs saved", _F(cells["total", "saved"].on(sheet)), s.money),
        ("Net present value", _difference(value, investment, sheet), s.money),
        ("Ratio", _ratio(value, investment, sheet), _RATIO),
    ):
        cell = s.ws.cell(key[label].row, 2)
        cell.value = "=" + formula
        cell.number_format = fmt
        if label == "Value produced":
            cell.font = _font(bold=True)
    return cells


_MAP_FORMATS = {
    "quantity": "quantity",
    "value": "money",
    "proxy_value": "#,##0.00",
    "price_index": "0.0000",
    "unit_factor": "0.####",
    "deadweight": "percent",
    "displacement": "percent",
    "attribution": "percent",
    "leakage": "percent",
    "drop_off": "percent",
    "gross": "money",
    "after_deadweight": "money",
    "after_displacement": "money",
    "after_attribution": "money",
    "after_leakage": "money",
    "total_impact": "money",
    "present_value": "money",
    "share_of_present_value": "percent",
}


_MAP_COLUMNS = (
    "outcome",
    "stakeholder",
    "indicator",
    "quantity",
    "value",
    "start_year",
    "duration",
    "deadweight",
    "displacement",
    "attribution",
    "leakage",
    "drop_off",
    "total_impact",
    "present_value",
    "share_of_present_value",
    "id",
)
"""The columns of the ``Impact map`` sheet: the SROI Guide's impact map, to be read and
printed, each outcome by its own words first and its reference in the model last; the
``Impact map, every column`` sheet has every column of ``by_outcome``, in its order."""

_HEADINGS = {
    "id": "Where in the model",
    "stakeholder": "Stakeholder",
    "outcome": "Outcome",
    "indicator": "Indicator",
    "quantity": "Quantity",
    "value": "Value per unit a year ({})",
    "proxy": "Financial proxy",
    "proxy_value": "Proxy's value as published",
    "proxy_unit": "Proxy's unit",
    "proxy_price_year": "Proxy's price year",
    "price_index": "Price index (to the report's prices)",
    "unit_factor": "Units of the proxy per unit",
    "value_type": "Value type",
    "bearer": "Who gains",
    "category": "Category",
    "marmot_objective": "Marmot objective",
    "start_year": "Start year",
    "duration": "Duration (years)",
    "deadweight": "Deadweight",
    "displacement": "Displacement",
    "attribution": "Attribution",
    "leakage": "Leakage",
    "drop_off": "Drop-off",
    "area": "Area",
    "group": "Group",
    "outcome_group": "Outcome group",
    "counted": "Counted",
    "gross": "Quantity x value ({})",
    "after_deadweight": "After deadweight ({})",
    "after_displacement": "After displacement ({})",
    "after_attribution": "After attribution ({})",
    "after_leakage": "After leakage ({})",
    "total_impact": "Total impact, undiscounted ({})",
    "present_value": "Present value ({})",
    "share_of_present_value": "Share of present value",
}
"""Each column of ``by_outcome`` in plain words; ``{}`` is the currency's symbol."""


def _unit(currency: str) -> str:
    """How a heading names the currency: its symbol (``£``), else its code (``CHF``)."""
    return CURRENCY_SYMBOLS.get(currency) or currency


def _heading(column: str, currency: str) -> str:
    """The heading in plain words of a column of :attr:`Result.by_outcome
    <sroi.result.Result.by_outcome>`, money columns naming the currency.

    Examples
    --------
    >>> _heading("present_value", "GBP"), _heading("drop_off", "GBP"), _heading("id", "EUR")
    ('Present value (£)', 'Drop-off', 'Where in the model')
    >>> _heading("a_new_column", "GBP")
    'A new column'
    """
    found = _HEADINGS.get(column)
    if found is None:
        return column.replace("_", " ").capitalize()
    return found.format(_unit(currency))


def _impact_map(
    s: _Sheet, result: Result, columns: Sequence[str] = ()
) -> tuple[dict[str, int], int]:
    """One row per outcome, the ``columns`` of ``by_outcome`` (all by default), headed in
    plain words (:func:`_heading`); the rows by id, and the column of the present value."""
    table = result.by_outcome
    columns = list(columns or table.columns)
    s.header([_heading(c, s.currency) for c in columns])
    s.freeze = "D2" if columns[0] == "outcome" else "A2"
    rows = {}
    for record in table.to_dict("records"):
        rows[record["id"]] = s.row
        record["share_of_present_value"] = common.share(record["share_of_present_value"], 1.0)
        if "counted" in record:
            record["counted"] = "yes" if record["counted"] else "no"
        s.line([record[c] for c in columns], [_MAP_FORMATS.get(c) for c in columns])
    return rows, columns.index("present_value") + 1


_INPUT_SPENT, _INPUT_PV = 6, 7
"""The ``Inputs`` sheet's columns of each input as spent and at present value."""


def _inputs(s: _Sheet, result: Result, accounts: SocialAccounts) -> dict[int, int]:
    """Each input by its description (or who gave it) and stakeholder, with a total; the
    rows by the input's index."""
    unit = _unit(s.currency)
    s.header(["Input", "Stakeholder", "Area", "Kind", "Year", f"As spent ({unit})",
              f"Present value ({unit})", "Where in the model"])  # fmt: skip
    s.freeze = "B2"
    rows = {}
    count = len(result.model.inputs)
    for x in accounts.organisation.inputs:
        rows[x.index] = s.row
        s.line(
            [common.input_label(result, x.index), x.stakeholder, x.area,
             common.KIND_LABELS.get(x.kind, x.kind), x.year, x.amount, x.present_value,
             f"Input {x.index + 1} of {count}"],
            [None, None, None, None, "0", "money", "money"],
        )  # fmt: skip
    last = s.row - 1
    s.line(
        ["Total", None, None, None, None, _F(f"SUM(F2:F{last})"), _F(f"SUM(G2:G{last})")],
        [None, None, None, None, None, "money", "money"],
        bold=True,
    )
    return rows


def _outputs(s: _Sheet, accounts: SocialAccounts) -> None:
    """Each output by its description, with what was delivered, to whom and in which area
    (a column that no output fills left out)."""
    given = accounts.organisation.outputs
    columns = [("Output", lambda o: o.description), ("Quantity", lambda o: o.quantity),
               ("Unit", lambda o: o.unit), ("Delivered to", lambda o: o.stakeholder),
               ("Area", lambda o: o.area)]  # fmt: skip
    # a column no output fills (no output says to whom, or no areas) is left out
    columns = [(name, pick) for k, (name, pick) in enumerate(columns)
               if k < 2 or any(pick(o) for o in given)]  # fmt: skip
    s.header([name for name, _ in columns])
    s.freeze = "B2"
    for o in given:
        s.line([pick(o) for _, pick in columns], [None, "quantity"])
    if not accounts.organisation.outputs:
        s.line(["No outputs recorded."])


def _by_year(s: _Sheet, result: Result) -> tuple[int, int]:
    """Value and investment year by year, with running totals and totals as formulas;
    the first and last rows of the years."""
    s.header(["Year", "Impact (undiscounted)", "Discount factor", "Present value",
              "Cumulative present value", "Investment (as spent)",
              "Investment (present value)", "Cumulative net present value"])  # fmt: skip
    s.freeze = "B2"
    first = s.row
    for r in result.by_year.to_dict("records"):
        here = s.row
        running = f"D{here}" if here == first else f"E{here - 1}+D{here}"
        s.line(
            [int(r["year"]), r["impact"], r["discount_factor"], r["present_value"], _F(running),
             r["investment"], r["investment_present_value"],
             _F(f"E{here}-SUM(G{first}:G{here})")],
            ["0", "money", "0.0000", "money", "money", "money", "money", "money"],
        )  # fmt: skip
    last = s.row - 1
    s.line(
        ["Total", *(_F(f"SUM({c}{first}:{c}{last})") if c else None
                    for c in ("B", None, "D", None, "F", "G"))],
        [None, "money", None, "money", None, "money", "money"],
        bold=True,
    )  # fmt: skip
    return first, last


_HISTOGRAM_BINS = 20
"""The bins of the Sensitivity sheet's histogram of the ratio."""


def _ratio_format(currency: str, *, per: bool = True) -> str:
    """A ratio's number format in words, as :func:`~sroi.formatting.ratio_text`
    (without ``per``, as money only).

    Examples
    --------
    >>> _ratio_format("GBP"), _ratio_format("GBP", per=False)
    ('"£"#,##0.00" per £1"', '"£"#,##0.00')
    """
    one = common.money(1.0, currency)
    before, _, after = one.partition("1.00")
    if per:
        after += f" per {common.money(1, currency, 0)}"
    return (f'"{before}"' if before else "") + "#,##0.00" + (f'"{after}"' if after else "")


def _sensitivity(
    s: _Sheet,
    result: Result,
    *,
    draws: int,
    seed: int | None,
    deflator: Any,
) -> None:
    """The Sensitivity sheet: switching values, the tornado and its chart, and the Monte
    Carlo simulation with a histogram where the model gives distributions; every row from
    :func:`sroi.report._common.sensitivity` and :func:`~sroi.report._common.uncertainty`,
    as the HTML report's section."""
    from openpyxl.chart import BarChart, Reference, Series

    found = common.sensitivity(result, deflator=deflator)
    unsure = common.uncertainty(result, draws=draws, seed=seed, deflator=deflator)
    ws, cur, name = s.ws, result.currency, result.model.name
    palette = _palette()
    per = _ratio_format(cur)
    target = found["target"]
    s.title(f"Sensitivity and uncertainty: {name}")
    s.para(
        "Every figure in these accounts rests on estimates: how many people changed, what "
        "the change is worth, and how much of it would have happened anyway or is owed to "
        "others. This sheet shows how far those estimates could move before the conclusion "
        "changes."
    )
    s.gap()
    s.title(f"Switching values: what it would take to reach {target}", 12)
    if found["rows"]:
        s.para(
            f"Each row moves one estimate on its own, everything else as estimated, to the "
            f"value at which the ratio {found['direction']} to {target}. The nearest come "
            "first (the smallest change in proportion: of the figure itself, or of the share "
            "a deduction leaves)."
        )
        s.header(["Estimate", "As estimated", f"Ratio {target} at", "Change needed"])
        for r in found["rows"]:
            s.line([r["estimate"], r["base"], r["switching_value"], _Own(r["change"])])
    else:
        s.para(
            f"No single estimate, moved on its own within its range, takes the ratio to {target}."
        )
    if found["unreachable"]:
        s.para(
            f"These estimates cannot take the ratio to {target} on their own, whatever their "
            "value within their range:"
        )
        for u in found["unreachable"]:
            s.para(f"{u['outcome']}: {u['estimates']}")
    if found["unreachable_outcomes"]:
        s.para(
            f"No one estimate of these outcomes can take the ratio to {target} on its own, "
            "whatever its value within its range:"
        )
        for u in found["unreachable_outcomes"]:
            s.para(u)
    for note in found["notes"]:
        s.para(note)
    s.gap()
    s.title("Tornado: how far each estimate moves the ratio", 12)
    s.para(
        "Each row sets one estimate lower and then higher, everything else as estimated: the "
        "value a unit of each of the largest outcomes 20 % lower and higher; deadweight, "
        "displacement, attribution and drop-off ten percentage points lower and higher on "
        "every outcome at once; every duration a year shorter and longer; the investment 20 % "
        "lower and higher. A change that would take an estimate out of its range stops at the "
        "edge: a deduction stays between 0 and 100 %, a duration is at least one year."
    )
    rows = found["tornado"]["rows"]
    if rows:
        s.header(["Estimate", "Lower setting", "Ratio (lower)", "Higher setting",
                  "Ratio (higher)"])  # fmt: skip
        first = s.row
        for t in rows:
            s.line([t["estimate"], _Own(t["low"]), t["raw_low"], _Own(t["high"]), t["raw_high"]],
                   [None, None, per, None, per])  # fmt: skip
        last = s.row - 1
        chart = BarChart()
        chart.type = "bar"
        chart.title = _chart_title(f"What moves the ratio most — {name}")
        chart.style = 2
        chart.gapWidth = 50
        for col, colour in ((3, palette["value_light"]), (5, palette["value"])):
            line = Series(Reference(ws, min_col=col, min_row=first - 1, max_row=last),
                          title_from_data=True)  # fmt: skip
            line.graphicalProperties.solidFill = colour
            line.graphicalProperties.line.solidFill = colour
            chart.series.append(line)
        from openpyxl.chart.data_source import AxDataSource, StrRef

        categories = Reference(ws, min_col=1, min_row=first, max_row=last)
        for line in chart.series:
            line.cat = AxDataSource(strRef=StrRef(f=str(categories)))
        chart.x_axis.scaling.orientation = "maxMin"  # the largest swing at the top
        chart.y_axis.crosses = "max"
        chart.y_axis.number_format = _ratio_format(cur, per=False)
        chart.y_axis.title = f"SROI ratio (value per {common.money(1, cur, 0)} invested)"
        chart.y_axis.majorGridlines = None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend.position = "b"
        s.chart([chart], max(7.0, 3.0 + 0.9 * len(rows)))
    s.gap()
    s.title("Monte Carlo simulation", 12)
    s.para(unsure["sentence"])
    if not unsure["simulated"]:
        return
    sim = unsure["simulation"]
    ratio = np.asarray(sim.ratio, dtype=float)
    p5, p50, p95 = (float(x) for x in np.percentile(ratio, [5, 50, 95]))
    s.header(["Figure", "Value"])
    s.line(["Draws", int(unsure["draws"])], [None, "#,##0"])
    s.line(["Seed", "none: drawn afresh" if seed is None else int(seed)], [None, "0"])
    s.line([f"Share of draws with the ratio above {target}", float(unsure["probability"])],
           [None, _PERCENT])  # fmt: skip
    s.line(["Mean ratio", float(ratio.mean())], [None, per])
    s.line(["5th percentile of the ratio", p5], [None, per])
    s.line(["Median ratio", p50], [None, per])
    s.line(["95th percentile of the ratio", p95], [None, per])
    s.para(
        f"The chance is the share of draws whose ratio is above {target}; it is only as good "
        "as the ranges given, and treats the figures as independent of one another."
    )
    s.gap()
    s.header(["Figure given as a range", "Range", "", "", "Where in the model"], {2: 4})
    for f in unsure["figures"]:
        s.line([f["where"], f["range"], None, None, f["ref"]], spans={2: 4})
    s.gap()
    s.title("The ratio in each draw", 12)
    s.header(["Ratio from", "Ratio to", "Draws at or below 1 : 1", "Draws above 1 : 1"])
    from sroi.plots import _edges

    edges = _edges(ratio, _HISTOGRAM_BINS)
    # right-closed bins (a, b], as the PNG histogram: a draw of exactly 1 is at or below
    index = np.clip(np.searchsorted(edges, ratio, side="left"), 1, len(edges) - 1) - 1
    counts = np.bincount(index, minlength=len(edges) - 1)
    first = s.row
    for k, count in enumerate(counts):
        above = edges[k] >= 1.0
        s.line([float(edges[k]), float(edges[k + 1]), 0 if above else int(count),
                int(count) if above else 0], [_RATIO, _RATIO, "#,##0", "#,##0"])  # fmt: skip
    last = s.row - 1
    s.line(["Total", None, _F(f"SUM(C{first}:C{last})"), _F(f"SUM(D{first}:D{last})")],
           [None, None, "#,##0", "#,##0"], bold=True)  # fmt: skip
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 10
    chart.style = 2
    chart.title = _chart_title(f"The ratio in {int(unsure['draws']):,} draws — {name}")
    for col, colour in ((3, palette["uncertain"]), (4, palette["value"])):
        line = Series(Reference(ws, min_col=col, min_row=first - 1, max_row=last),
                      title_from_data=True)  # fmt: skip
        line.graphicalProperties.solidFill = colour
        line.graphicalProperties.line.solidFill = colour
        chart.series.append(line)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.x_axis.number_format = _RATIO
    chart.x_axis.title = "SROI ratio (the bin's lower edge)"
    chart.y_axis.title = "Draws"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    s.chart([chart], 8.0)


def write_excel(
    result: Result,
    path: str | PathLike[str],
    *,
    sensitivity: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> Path:
    """Write the social accounts of ``result`` to an Excel workbook at ``path``.

    Every total, share and ratio is a live formula over the cells it adds up; each
    sheet prints one page wide (but ``Impact map, every column``, three pages of A3
    landscape with the outcome repeated), with its headings repeated on every page.

    Parameters
    ----------
    result : Result
        An evaluated model.
    path : str or os.PathLike
        The ``.xlsx`` file to write (replaced if it exists).
    sensitivity : bool, default True
        Add the ``Sensitivity`` sheet: the switching values, the tornado with its chart
        and, where the model gives distributions, a Monte Carlo simulation with a
        histogram (as the HTML report's section, from the same figures).
    draws : int, default 10,000
        Monte Carlo draws (only where the model gives distributions).
    seed : int or None, default 0
        The simulation's seed, so that the same workbook comes out each time; None draws
        afresh.
    deflator : str, path or DeflatorSeries, optional
        The GDP deflator series the result was evaluated with, when it was not a bundled
        one: the sensitivity sheet re-evaluates the model with it.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ModelError
        If a figure is not a finite number (see :func:`require_finite
        <sroi.report._common.require_finite>`); for ``draws`` or ``seed`` that are not
        whole numbers in range.

    Examples
    --------
    >>> import sroi, tempfile, openpyxl
    >>> r = sroi.evaluate({"name": "Estate",
    ...     "inputs": [{"stakeholder": "HA", "amount": 100, "area": "Garden"}],
    ...     "outcomes": [{"stakeholder": "=1+1", "outcome": "Food", "area": "Garden",
    ...                   "quantity": 1, "value": 207, "duration": 1}]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     book = openpyxl.load_workbook(write_excel(r, d + "/r.xlsx"))
    >>> print(", ".join(book.sheetnames))
    Summary, Garden, Sensitivity, Impact map, By year, Inputs, Outputs, Impact map, every column
    >>> cell = book["Impact map"]["B2"]
    >>> cell.value, cell.data_type
    ("'=1+1", 's')

    Every total is a formula over the cells it adds up: the garden's key figures refer to
    its accounts below, which add up its input and outcome rows.

    >>> garden = book["Garden"]
    >>> for label, formula in garden.iter_rows(4, 8, 1, 2, values_only=True):
    ...     print(f"{label}: {formula}")
    Inputs (present value): =C21
    Value produced: =B25
    Costs saved: =B28
    Net present value: =B25-C21
    Ratio: =IFERROR(B25/C21,"none")

    The value produced adds up the value types, and each value type the outcomes' rows:
    here the one outcome, £207 in a year's time, £200 at present value (3.5 %).

    >>> garden["B25"].value, garden["B24"].value, garden["A17"].value, garden["E17"].value
    ('=SUM(B24)', '=SUM(E17)', 'Food', 200)
    """
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "sroi's Excel report needs openpyxl, an optional dependency: pip install 'sroi[report]'"
        ) from exc
    common.require_finite(result, "the Excel report")
    cur = result.currency
    programme = result.model.name
    accounts = social_accounts(result)
    book = Workbook()
    full_text = _FullText(book, cur)
    summary = book.active
    summary.title = "Summary"
    names: list[str] = []
    for account in accounts.areas:
        names.append(safe_sheet_name(account.name, [*_FIXED_SHEETS, *names]))
    area_widths = {1: 40, 2: 22, 3: 16, 4: 26, 5: 16, 6: 22}
    area_sheets = [_Sheet(book.create_sheet(n), cur, full_text, widths=area_widths) for n in names]
    risk = None
    if sensitivity:
        risk = _Sheet(
            book.create_sheet("Sensitivity"),
            cur,
            full_text,
            widths={1: 44, **dict.fromkeys(range(2, 6), 14)},  # "£1.90 per £1" fits
        )
    impact = _Sheet(
        book.create_sheet("Impact map"), cur, full_text, widths={1: 28, 2: 20, 3: 34}, cap=22
    )
    years = _Sheet(book.create_sheet("By year"), cur, full_text, cap=16)
    inputs = _Sheet(book.create_sheet("Inputs"), cur, full_text, widths={1: 44, 8: 20}, cap=30)
    outputs = _Sheet(book.create_sheet("Outputs"), cur, full_text, widths={1: 44}, cap=30)
    every = _Sheet(book.create_sheet("Impact map, every column"), cur, full_text, cap=18)
    map_rows, map_pv_col = _impact_map(impact, result, _MAP_COLUMNS)
    _impact_map(every, result)
    input_rows = _inputs(inputs, result, accounts)
    _outputs(outputs, accounts)
    year_rows = _by_year(years, result)
    area_cells = [
        _area(sheet, account, map_rows, input_rows, result)
        for sheet, account in zip(area_sheets, accounts.areas, strict=True)
    ]
    layout = _Layout(area_cells, map_rows, map_pv_col, input_rows, year_rows)
    s = _Sheet(summary, cur, full_text, widths={1: 44, **dict.fromkeys(range(2, 8), 17)})
    _summary(s, result, accounts, names, layout, years.ws.title)
    if risk is not None:
        _sensitivity(risk, result, draws=draws, seed=seed, deflator=deflator)
    for sheet in (s, *area_sheets, *([risk] if risk else []), impact, years, inputs, outputs):
        sheet.finish(programme)
    # every column: for working on screen; printed three pages of A3 wide, the outcome and
    # who it is for repeated at the left of each page
    from openpyxl.utils import get_column_letter

    outcome = get_column_letter(list(result.by_outcome.columns).index("outcome") + 1)
    every.finish(programme, pages_wide=3, title_cols=f"A:{outcome}")
    full_text.finish(programme)
    book.active = 0
    out = Path(path)
    book.save(out)
    return out
