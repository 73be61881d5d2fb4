"""The social accounts as an Excel workbook (``.xlsx``, written with openpyxl).

Sheets: ``Summary`` (headline figures, the accounts side by side, the organisation's
value by type and costs saved, method notes and proxies), one sheet per area, then
``Impact map``, ``Inputs`` and ``Outputs`` (one row per model row, every column of
:attr:`Result.by_outcome <sroi.result.Result.by_outcome>`).

Numbers are written as numbers, with money, percent and ratio formats, never as
formulas. Text is always written as text (cell type ``s``), through :func:`cell_text`:
the library's one rule against formula injection (:mod:`sroi.io.cells`, as OWASP advises
against CSV injection) gives text a user typed that begins with ``= + - @``, a tab or a
carriage return (or a full-width ``＝ ＋ － ＠``) a leading ``'``, so no cell can be
evaluated as a formula here or after the sheet is saved as CSV. Sheet names are made safe
(at most 31 characters, none of ``[ ] : * ? / \\``, unique).

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
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.formatting import CURRENCY_SYMBOLS, discount_rate_text
from sroi.io.cells import protect, xml_escape, xml_strip
from sroi.report import _common as common
from sroi.report.accounts import Account, Figure, SocialAccounts, social_accounts

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

    from sroi.result import Result

__all__ = ["cell_text", "safe_sheet_name", "write_excel"]

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FIXED_SHEETS = ("Summary", "Impact map", "Inputs", "Outputs")
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
            self.sheet = _Sheet(self.book.create_sheet(name), self.currency, self)
            self.sheet.header(["Cell", "Part", "Characters", "Text"])
            self.sheet.ws.freeze_panes = "A2"
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

    def finish(self) -> None:
        if self.sheet is not None:
            self.sheet.finish()


class _Sheet:
    """Writes rows down a worksheet: text as text, numbers as numbers, formats by column."""

    def __init__(self, ws: Worksheet, currency: str, full_text: _FullText | None = None) -> None:
        self.ws = ws
        self.row = 1
        self.money = _money_format(currency)
        self.widths: dict[int, int] = {}
        self.full_text = full_text or _FullText(ws.parent, currency)

    def put(self, col: int, value: Any, fmt: str | None = None, bold: bool = False) -> Any:
        from openpyxl.styles import Font

        cell = self.ws.cell(row=self.row, column=col)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return cell
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if hasattr(value, "item"):  # a numpy scalar
                return self.put(col, value.item(), fmt, bold)
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
            width = len(text)
        else:
            cell.value = float(value) if isinstance(value, float) else int(value)
            if fmt == "quantity":
                fmt = "#,##0" if float(value).is_integer() else "#,##0.00"
            cell.number_format = {"money": self.money, "percent": _PERCENT, "ratio": _RATIO}.get(
                fmt or "", fmt or "General"
            )
            width = 14
        if bold:
            cell.font = Font(bold=True)
        self.widths[col] = max(self.widths.get(col, 0), min(width + 2, 60))
        return cell

    def line(
        self, values: Sequence[Any], formats: Sequence[str | None] = (), bold: bool = False
    ) -> None:
        for col, value in enumerate(values, start=1):
            fmt = formats[col - 1] if col - 1 < len(formats) else None
            self.put(col, value, fmt, bold)
        self.row += 1

    def title(self, text: str, size: int = 14) -> None:
        from openpyxl.styles import Font

        self.put(1, text).font = Font(bold=True, size=size)
        self.widths[1] = min(self.widths.get(1, 12), 40)
        self.row += 1

    def header(self, values: Sequence[str]) -> None:
        from openpyxl.styles import PatternFill

        self.line(values, bold=True)
        for col in range(1, len(values) + 1):
            self.ws.cell(row=self.row - 1, column=col).fill = PatternFill("solid", fgColor="DDE7F0")

    def gap(self, n: int = 1) -> None:
        self.row += n

    def link(self, col: int, target_sheet: str, target_row: int) -> None:
        from openpyxl.styles import Font
        from openpyxl.worksheet.hyperlink import Hyperlink

        cell = self.ws.cell(row=self.row, column=col)
        quoted = target_sheet.replace("'", "''")
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A{target_row}")
        cell.font = Font(color="0563C1", underline="single")

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(width, 10)


def _or_never(value: float | None) -> float | str:
    return "never" if value is None else value


def _account_figures(s: _Sheet, account: Account, result: Result) -> None:
    def made_of(figure: Figure) -> str:
        return common.parts_text(result, figure)

    s.header(["Inputs by kind", "As spent", "Present value", "Made up of"])
    for spent, pv in common.shown(account.input_amounts, account.input_present_values):
        s.line([spent.label, spent.amount, pv.amount, made_of(spent)], [None, "money", "money"])
    s.line(
        ["Total inputs", account.input_amount.amount, account.investment.amount],
        [None, "money", "money"],
        bold=True,
    )
    s.gap()
    whole = account.present_value.amount
    s.header(["Value by value type", "Present value", "Share", "Made up of"])
    for f in common.shown(account.value_by_type):
        label = f.label + (" (costs saved)" if f.label == "fiscal" else "")
        share = common.share(f.amount, whole)
        s.line([label, f.amount, share, made_of(f)], [None, "money", "percent"])
    s.line(["Value produced", whole], [None, "money"], bold=True)
    s.gap()
    saved = account.costs_saved.amount
    s.header(["Costs saved, by who saves", "Present value", "Share", "Made up of"])
    for f in account.costs_saved_by_bearer:
        share = common.share(f.amount, saved)
        s.line([f.label, f.amount, share, made_of(f)], [None, "money", "percent"])
    s.line(["Costs saved", saved], [None, "money"], bold=True)
    s.gap()
    s.line(["Ratio", account.ratio if account.ratio is not None else "none"], [None, "ratio"])
    if account.ratio is None:
        s.line(["Why no ratio", account.ratio_reason])


def _who_and_claims(s: _Sheet, result: Result) -> None:
    """Groups, money flows, weighted and adjusted figures, and the claims check."""
    s.title("Who benefits and who saves", 12)
    if result.model.groups or any(o.group for o in result.model.outcomes):
        s.header(["Group", "Priority", "Present value", "Share"])
        for r in result.breakdown("group").to_dict("records"):
            s.line(
                [r["group"], "yes" if r["priority"] else "", r["present_value"],
                 common.share(r["present_value"], result.present_value)],
                [None, None, "money", "percent"],
            )  # fmt: skip
        if result.priority_share is not None:
            s.line(["Share reaching priority groups", result.priority_share], [None, "percent"])
        s.gap()
    keys = ["puts_in", "gains", "net", "fiscal_saving", "transfer", "wider_benefit"]
    s.header(["Agency or stakeholder", "Puts in", "Gains", "Net", "Fiscal saving", "Transfer",
              "Wider benefit"])  # fmt: skip
    for r in result.money_flows().to_dict("records"):
        s.line([r["agency"], *(r[k] for k in keys)], [None, *["money"] * len(keys)])
    for c in common.who_benefits(result)["compared"]:
        s.gap()
        s.header([c["title"], *c["names"]])
        for row in c["rows"]:
            s.line(list(row))
        s.line([c["note"]])
    s.gap()
    found = common.claims(result)
    s.title("Claims check", 12)
    s.header(["Severity", "Principle", "Where", "Rule", "Finding", "Reference"])
    for f in found["rows"]:
        s.line([f["severity"], f["principle"], f["where"], f["rule"], f["finding"], f["ref"]])
    if not found["rows"]:
        s.line(["No findings."])
    s.line([f"Thresholds: {found['thresholds']}"])


def _summary(
    s: _Sheet, result: Result, accounts: SocialAccounts, area_sheets: Sequence[str]
) -> None:
    s.title(common.title(result))
    prices = f", {result.price_year} prices" if result.price_year else ""
    s.line(
        [
            f"{result.currency}{prices}; discounted at {discount_rate_text(result.discount_rate)}; "
            f"produced with sroi {common.method(result)['version']}"
        ]
    )
    s.line(["".join(common.ratio_sentence(result))])
    s.gap()
    s.header(["Headline figures", "Value"])
    s.line(
        ["SROI ratio", result.ratio, common.ratio_text(result.ratio, result.currency)],
        [None, "ratio"],
    )
    s.line(["Present value of outcomes", result.present_value], [None, "money"])
    s.line(["Total investment (present value)", result.total_investment], [None, "money"])
    s.line(["Net present value", result.npv], [None, "money"])
    s.line(["Net SROI ratio", result.net_ratio], [None, "ratio"])
    s.line(["Payback [months]", _or_never(result.payback_months)], [None, "0.0"])
    s.line(
        ["Discounted payback [years]", _or_never(result.discounted_payback_years)], [None, "0.00"]
    )
    if result.contract_value is not None:
        per = common.money(1, result.currency, 0)
        s.line(["Contract value", result.contract_value], [None, "money"])
        share = result.share_of_contract
        s.line(
            [f"Social value per {per} of contract", "none" if share is None else share],
            [None, "money"],
        )
        s.line(["Share of contract value", share], [None, "percent"])
    s.gap()
    s.header(
        ["Account", "Inputs (as spent)", "Inputs (present value)", "Value produced", "Costs saved",
         "Net present value", "Ratio"]
    )  # fmt: skip
    for i, a in enumerate(accounts.accounts):
        if i < len(area_sheets):
            s.link(1, area_sheets[i], 1)
        s.line(
            [a.name, a.input_amount.amount, a.investment.amount, a.present_value.amount,
             a.costs_saved.amount, a.npv, a.ratio if a.ratio is not None else "none"],
            [None, "money", "money", "money", "money", "money", "ratio"],
            bold=a.kind == "organisation",
        )  # fmt: skip
    for note in accounts.notes:
        s.line([note])
    s.gap()
    s.title("Organisation totals", 12)
    _account_figures(s, accounts.organisation, result)
    s.gap()
    _who_and_claims(s, result)
    s.gap()
    s.title("Notes and warnings", 12)
    found = common.notes(result)
    if found:
        s.header(["Where", "Warning", "Reference"])
        for n in found:
            s.line([n["where"], n["message"], n["ref"]])
    else:
        s.line(["The evaluation gave no warnings."])
    s.gap()
    method = common.method(result)
    s.title("Method notes", 12)
    for label, text in method["settings"]:
        s.line([label, text])
    s.gap()
    s.header(["Convention", "Rule", "Formula"])
    for c in method["conventions"]:
        s.line([c["title"], c["sentence"], c["formula"]])
    for u in method["uncertain"]:
        s.line(["Figure given as a distribution", u])
    if method["proxies"]:
        s.gap()
        s.header(["Proxy", "Value as published", "Price year", "Price index", "Source",
                  "Licence", "Reference"])  # fmt: skip
        for p in method["proxies"]:
            s.line(
                [p["name"], p["value"], p["price_year"], p["price_index"], p["source"],
                 p["licence"], p["id"]],
                [None, None, None, "0.0000"],
            )  # fmt: skip
        if method["proxy_checksum"]:
            s.line(["Proxy table checksum (SHA-256)", method["proxy_checksum"]])


def _area(
    s: _Sheet,
    account: Account,
    map_rows: dict[str, int],
    input_rows: dict[int, int],
    result: Result,
) -> None:
    s.title(account.name)
    if account.note:
        s.line([account.note])
    s.gap()
    s.header(["Key figures", "Value"])
    s.line(["Inputs (present value)", account.investment.amount], [None, "money"])
    s.line(["Value produced", account.present_value.amount], [None, "money"], bold=True)
    s.line(["Costs saved", account.costs_saved.amount], [None, "money"])
    s.line(["Net present value", account.npv], [None, "money"])
    s.gap()
    s.header(["Inputs", "Stakeholder", "Kind", "Year", "As spent", "Present value"])
    for x in account.inputs:
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
    s.gap()
    s.header(["Outcome", "Stakeholder", "Value type", "Who gains", "Present value", "Reference"])
    for o in account.outcomes:
        s.link(1, "Impact map", map_rows[o.id])
        s.line(
            [o.outcome, o.stakeholder, o.value_type, o.bearer_text, o.present_value, o.id],
            [None, None, None, None, "money"],
        )
    s.gap()
    _account_figures(s, account, result)


_MAP_FORMATS = {
    "quantity": "quantity",
    "value": "money",
    "proxy_value": "#,##0.00",
    "price_index": "0.0000",
    "unit_factor": "0.####",
    "deadweight": "percent",
    "displacement": "percent",
    "attribution": "percent",
    "drop_off": "percent",
    "gross": "money",
    "after_deadweight": "money",
    "after_displacement": "money",
    "after_attribution": "money",
    "total_impact": "money",
    "present_value": "money",
    "share_of_present_value": "percent",
}


def _impact_map(s: _Sheet, result: Result) -> dict[str, int]:
    table = result.by_outcome
    columns = list(table.columns)
    s.header(columns)
    s.ws.freeze_panes = "B2"
    rows = {}
    for record in table.to_dict("records"):
        rows[record["id"]] = s.row
        record["share_of_present_value"] = common.share(record["share_of_present_value"], 1.0)
        s.line([record[c] for c in columns], [_MAP_FORMATS.get(c) for c in columns])
    return rows


def _inputs(s: _Sheet, result: Result, accounts: SocialAccounts) -> dict[int, int]:
    s.header(["row", "area", "stakeholder", "description", "kind", "year", "amount",
              "present_value"])  # fmt: skip
    s.ws.freeze_panes = "B2"
    rows = {}
    for x in accounts.organisation.inputs:
        rows[x.index] = s.row
        s.line(
            [f"inputs[{x.index}]", x.area, x.stakeholder, x.description, x.kind, x.year,
             x.amount, x.present_value],
            [None, None, None, None, None, "0", "money", "money"],
        )  # fmt: skip
    return rows


def _outputs(s: _Sheet, accounts: SocialAccounts) -> None:
    s.header(["row", "area", "description", "quantity", "unit", "stakeholder"])
    s.ws.freeze_panes = "B2"
    for o in accounts.organisation.outputs:
        s.line(
            [f"outputs[{o.index}]", o.area, o.description, o.quantity, o.unit, o.stakeholder],
            [None, None, None, "quantity"],
        )


def write_excel(result: Result, path: str | PathLike[str]) -> Path:
    """Write the social accounts of ``result`` to an Excel workbook at ``path``.

    Parameters
    ----------
    result : Result
        An evaluated model.
    path : str or os.PathLike
        The ``.xlsx`` file to write (replaced if it exists).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ModelError
        If a figure is not a finite number (see :func:`require_finite
        <sroi.report._common.require_finite>`).

    Examples
    --------
    >>> import sroi, tempfile, openpyxl
    >>> r = sroi.evaluate({"name": "Estate",
    ...     "inputs": [{"stakeholder": "HA", "amount": 100, "area": "Garden"}],
    ...     "outcomes": [{"stakeholder": "=1+1", "outcome": "Food", "area": "Garden",
    ...                   "quantity": 1, "value": 207, "duration": 1}]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     book = openpyxl.load_workbook(write_excel(r, d + "/r.xlsx"))
    >>> book.sheetnames
    ['Summary', 'Garden', 'Impact map', 'Inputs', 'Outputs']
    >>> cell = book["Impact map"]["B2"]
    >>> cell.value, cell.data_type
    ("'=1+1", 's')
    """
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "sroi's Excel report needs openpyxl, an optional dependency: pip install 'sroi[report]'"
        ) from exc
    common.require_finite(result, "the Excel report")
    cur = result.currency
    accounts = social_accounts(result)
    book = Workbook()
    full_text = _FullText(book, cur)
    summary = book.active
    summary.title = "Summary"
    names: list[str] = []
    for account in accounts.areas:
        names.append(safe_sheet_name(account.name, [*_FIXED_SHEETS, *names]))
    area_sheets = [_Sheet(book.create_sheet(n), cur, full_text) for n in names]
    impact = _Sheet(book.create_sheet("Impact map"), cur, full_text)
    inputs = _Sheet(book.create_sheet("Inputs"), cur, full_text)
    outputs = _Sheet(book.create_sheet("Outputs"), cur, full_text)
    map_rows = _impact_map(impact, result)
    input_rows = _inputs(inputs, result, accounts)
    _outputs(outputs, accounts)
    for sheet, account in zip(area_sheets, accounts.areas, strict=True):
        _area(sheet, account, map_rows, input_rows, result)
    s = _Sheet(summary, cur, full_text)
    _summary(s, result, accounts, names)
    for sheet in (s, *area_sheets, impact, inputs, outputs):
        sheet.finish()
    full_text.finish()
    out = Path(path)
    book.save(out)
    return out
