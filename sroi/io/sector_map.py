"""An impact map laid out as the SROI Guide's: read an officer's workbook, write one back.

The sector's impact map is one sheet, a row per stakeholder and outcome, its columns in
the Guide's four stages under merged stage headings::

    Stage 1                 Stage 2                         Stage 3              Stage 4
    Stakeholders | Intended/unintended changes | Inputs: Description, Value £ |
    Outputs: Summary of activity in numbers | The outcomes (what changes):
    Description, Indicator, Source, Quantity, Duration, Outcomes start |
    Valuation: Financial proxy, Value £, Source | Deadweight %, Displacement %,
    Attribution %, Drop-off %, Impact

:func:`read_sector_map` reads such a workbook as it is:

- **The header row** is found wherever it is in the first 30 rows of the sheet (the row
  naming the most impact-map columns, one of them ``Stakeholders``), under a title and
  merged stage headings. A heading used twice (``Description``, ``Value £``, ``Source``)
  is told apart by the heading above it (``Inputs``, ``Valuation``) or, without one, by
  the Guide's order. Rows of guidance just under the headings (``How much change was
  there?``) are headings too.
- **Cells are read as typed.** A number formatted as a percentage is a fraction (25 % is
  0.25), so is ``25%`` typed as text and a plain number from 0 to 1; a plain number above
  1 in a ``%`` column is an error (was 25 meant as 25 % or as 0.25?). Money may carry
  ``£`` and thousands separators. ``Outcomes start`` takes a year (1, 2 ...) or the
  Guide's ``During`` (year 1) or ``After`` (year 2), the reading noted.
- **Inputs, outputs and outcomes share rows**, as in the Guide: a row's input
  (description, value £) is an input of its stakeholder, its output an output, its
  figures an outcome. A stakeholder written once for several rows (a merged cell, or
  left blank below) applies to the rows under it. A change with no quantity, value or
  duration is not valued, and is reported.
- **Total and sub-total rows are never counted**: a row labelled ``Total``,
  ``Sub-total``, ``Sum`` ... or holding a formula that adds up other cells is checked
  against the sum of the rows it totals (those of its formula, else those since the last
  sub-total, or all above), and a mismatch is a warning naming the row.
- **The Impact column** is compared, row by row, with the library's figure (quantity x
  value after the deductions, before drop-off, as the Guide states impact), and a
  difference is a warning naming the row and both figures.
- Notes and assumptions columns are kept as each outcome's ``notes``; the financial
  proxy's description and source are kept apart from the outcome's (``proxy_description``,
  ``proxy_source``). Every cell that is not read as data is listed in the reading
  report (:class:`~sroi.io.reading.FileReading`) with the reason.

The model's own fields (name, price year, discount rate, conventions) come from a
``Model`` sheet in the library's layout when the workbook has one; else the name is the
sheet's title. ``Stakeholders`` and ``Scenarios`` sheets in the library's layout are read
too.

:func:`sector_workbook` writes a model in this layout, with live Excel formulas for each
row's impact and the totals (so an officer can keep working in Excel), the Guide's
columns first and the library's other fields (outcome id, unit, proxy id, value type ...)
in a ``Kept by sroi`` block to the right, so that it reads back to an equal model.
:func:`template_workbook` writes a blank one, with data validation: percentages 0-100 %,
proxy ids from the bundled table and the fixed choices in drop-down lists.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from sroi.model import Model
>>> model = Model.from_dict({
...     "name": "Employment support",
...     "inputs": [{"stakeholder": "Council", "amount": 150_000}],
...     "outcomes": [{"stakeholder": "Participants", "outcome": "Moved into work",
...                   "quantity": 100, "value": 1_000, "duration": 3,
...                   "deadweight": 0.25, "attribution": 0.1, "drop_off": 0.1}],
... })
>>> path = Path(tempfile.mkdtemp()) / "impact_map.xlsx"
>>> sector_workbook(model).save(path)
>>> ws = openpyxl_module().load_workbook(path)["Impact map"]
>>> ws["A4"].value, ws["D4"].value, ws["O4"].value
('Stakeholders', 'Value £', 'Deadweight %')
>>> ws["T6"].value
'=IF(COUNT(I6,M6)<2,"",I6*M6*(1-O6)*(1-P6)*(1-Q6)*(1-R6))'
>>> reading = read_sector_map(path)
>>> reading.model == model
True

References
----------
.. [1] Social Value UK / The SROI Network (2012). *A guide to Social Return on
   Investment*, the impact map (stages 1-4), and its impact-map template.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.errors import ModelError, Problem, ReadingWarning
from sroi.io.cells import unprotect, xml_unescape
from sroi.io.excel import (
    _CHOICES,
    _about,
    _write_sheet,
    check_workbook_file,
    library_layout,
    open_checked,
    openpyxl_module,
    pick_sheet,
    put,
    write_model_sheet,
    write_scenarios_sheet,
)
from sroi.io.layout import (
    MODEL_SHEET,
    SCALARS,
    SCENARIOS_SHEET,
    TABLES,
    Grid,
    Reading,
    _cell_out,
    _CellError,
    _json_cell,
    _read_number,
    column_letters,
    is_blank,
    is_total_label,
    number_text,
    scalar_rows,
    summed_rows,
)
from sroi.io.limits import Limits, breach, resolve
from sroi.io.reading import FileReading, IgnoredCell, ImpactCheck, TotalCheck
from sroi.model import Model

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook.workbook import Workbook

__all__ = [
    "COLUMNS",
    "HEADER_SEARCH_ROWS",
    "SHEET",
    "looks_like_sector_map",
    "read_sector_map",
    "sector_workbook",
    "template_workbook",
    "workbook_layout",
]

SHEET = "Impact map"
_LISTS = "Lists"
HEADER_SEARCH_ROWS = 30
"""How far down a sheet the header row is looked for."""


@dataclass(frozen=True)
class Column:
    """One column of the sector layout: what it holds, its heading, and where it sits."""

    key: str
    header: str
    group: str
    stage: str
    about: str
    width: int = 14


_KEPT = "Kept by sroi"
COLUMNS: tuple[Column, ...] = (
    Column("stakeholder", "Stakeholders", "Stakeholders", "Stage 1",
           "Who has an effect on the activity, or is affected by it.", 20),
    Column("changes", "Intended/unintended changes", "Stakeholders", "Stage 1",
           "What you think will change for them (read as the outcome where the outcome's "
           "Description is blank).", 28),
    Column("input_description", "Description", "Inputs", "Stage 2",
           "What the stakeholder puts in.", 22),
    Column("input_amount", "Value £", "Inputs", "Stage 2",
           "The input's value [£]; one input per row, never a total.", 13),
    Column("output", "Summary of activity in numbers", "Outputs", "Stage 2",
           "What was delivered, with its number ('120 workshops').", 24),
    Column("outcome", "Description", "The outcomes (what changes)", "Stage 2",
           "The change, as the stakeholder would describe it.", 28),
    Column("indicator", "Indicator", "The outcomes (what changes)", "Stage 3",
           "How the change is measured.", 22),
    Column("source", "Source", "The outcomes (what changes)", "Stage 3",
           "Where the quantity comes from.", 18),
    Column("quantity", "Quantity", "The outcomes (what changes)", "Stage 3",
           "How many experience the change [count].", 10),
    Column("duration", "Duration (years)", "The outcomes (what changes)", "Stage 3",
           "How many years the outcome lasts [years].", 10),
    Column("start_year", "Outcomes start (year)", "The outcomes (what changes)", "Stage 3",
           "The first year with impact: 1 (during the activity), 2 (after it) ...", 10),
    Column("proxy_description", "Financial proxy", "Valuation", "Stage 3",
           "What the value stands for.", 24),
    Column("value", "Value £", "Valuation", "Stage 3",
           "The financial proxy's value [£ per unit per year]; or leave it blank and "
           "give a Proxy id.", 12),
    Column("proxy_source", "Source", "Valuation", "Stage 3",
           "Where the value comes from.", 18),
    Column("deadweight", "Deadweight %", "Impact", "Stage 4",
           "What would have happened anyway [0-100 %].", 11),
    Column("displacement", "Displacement %", "Impact", "Stage 4",
           "How much of the outcome displaced other outcomes [0-100 %].", 11),
    Column("attribution", "Attribution %", "Impact", "Stage 4",
           "How much of the outcome is due to others [0-100 %].", 11),
    Column("leakage", "Leakage %", "Impact", "Stage 4",
           "How much of the benefit goes outside the target area or group [0-100 %].", 11),
    Column("drop_off", "Drop-off %", "Impact", "Stage 4",
           "How much the outcome declines each year after the first [0-100 %].", 11),
    Column("impact", "Impact £", "Impact", "Stage 4",
           "Quantity x value after the deductions (before drop-off) [£ a year]; a formula, "
           "compared with sroi's figure when read.", 14),
    Column("notes", "Notes and assumptions", "Notes", "",
           "Anything worth keeping with the outcome; not used in the figures.", 30),
    Column("id", "Outcome id", _KEPT, "", "A stable id for the outcome.", 12),
    Column("unit", "Unit", _KEPT, "", "What the quantity counts (person, household ...).", 11),
    Column("proxy", "Proxy id", _KEPT, "",
           "The id of a financial proxy in the bundled table, instead of Value £.", 24),
    Column("drop_off_from", "Drop-off from", _KEPT, "",
           "second_year or first_year; blank: the model's convention.", 12),
    Column("value_type", "Value type", _KEPT, "",
           "fiscal, economic, social, wellbeing or environmental.", 12),
    Column("bearer", "Bearer", _KEPT, "", "Who gains: an agency, or shares (DWP:0.94;NHS:0.06).",
           14),
    Column("category", "Category", _KEPT, "", "The proxy category.", 12),
    Column("marmot_objective", "Marmot objective", _KEPT, "",
           "The Marmot Review objective served.", 16),
    Column("area", "Outcome area", _KEPT, "", "The area of activity, for social accounts.", 14),
    Column("group", "Group", _KEPT, "",
           "The beneficiary group the outcome reaches (an IMD decile, a ward ...).", 14),
    Column("outcome_group", "Outcome group", _KEPT, "",
           "Outcomes valuing the same change for the same people share one.", 14),
    Column("input_year", "Input year", _KEPT, "", "When the input is made: 0 is now.", 9),
    Column("input_kind", "Input kind", _KEPT, "", "cash or in_kind.", 9),
    Column("input_area", "Input area", _KEPT, "", "The input's area of activity.", 12),
    Column("output_quantity", "Output quantity", _KEPT, "", "The output's number.", 10),
    Column("output_unit", "Output unit", _KEPT, "", "What the output counts.", 10),
    Column("output_area", "Output area", _KEPT, "", "The output's area of activity.", 12),
)  # fmt: skip
"""The columns :func:`sector_workbook` writes, in order (A, B, ...)."""

_BY_KEY = {c.key: c for c in COLUMNS}
_LETTER = {c.key: i + 1 for i, c in enumerate(COLUMNS)}  # column numbers from 1

# Where each column's value goes in the model: (table, field).
_TARGET: dict[str, tuple[str, str]] = {
    "stakeholder": ("outcomes", "stakeholder"),
    "input_description": ("inputs", "description"),
    "input_amount": ("inputs", "amount"),
    "input_year": ("inputs", "year"),
    "input_kind": ("inputs", "kind"),
    "input_area": ("inputs", "area"),
    "output": ("outputs", "description"),
    "output_quantity": ("outputs", "quantity"),
    "output_unit": ("outputs", "unit"),
    "output_area": ("outputs", "area"),
    **{
        k: ("outcomes", k)
        for k in (
            "outcome", "indicator", "source", "quantity", "duration", "start_year",
            "proxy_description", "value", "proxy_source", "deadweight", "displacement",
            "attribution", "leakage", "drop_off", "notes", "id", "unit", "proxy",
            "drop_off_from", "value_type", "bearer", "category", "marmot_objective", "area",
            "group", "outcome_group",
        )
    },
}  # fmt: skip
_READ_AS = {
    "stakeholder": "the stakeholder of the row's input, output and outcome",
    "changes": "outcomes.outcome where Description is blank, else outcomes.notes",
    "impact": "compared with sroi's figure, not read",
}
"""What a column is read as, where it is not one field."""
_FRACTIONS = ("deadweight", "displacement", "attribution", "leakage", "drop_off")
_MONEY = ("input_amount", "value", "impact")
_COUNTS = ("quantity", "output_quantity")
_WHOLE = ("start_year", "input_year")
_FIGURES = frozenset(
    {"quantity", "value", "proxy", "duration", "start_year", *_FRACTIONS}
)  # a row with any of these holds an outcome
_OUTCOME_TEXT = ("outcome", "changes")
_INPUT = ("input_description", "input_amount", "input_year", "input_kind", "input_area")
_OUTPUT = ("output", "output_quantity", "output_unit", "output_area")
_TOTALLED = ("input_amount", "quantity", "impact", "output_quantity")  # checked in a total row


# --------------------------------------------------------------------------------------
# Recognising headings.


def _words(text: Any) -> str:
    """A heading as plain lower-case words: ``"Drop-off %"`` -> ``"drop off"``."""
    if not isinstance(text, str):
        return ""
    text = unprotect(xml_unescape(text)).replace("&", " and ").lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_EXACT: dict[str, str] = {
    **dict.fromkeys(
        ("stakeholder", "stakeholders", "stakeholder group", "stakeholder groups",
         "who do we have an effect on", "who has an effect on us",
         "who do we have an effect on who has an effect on us"),
        "stakeholder",
    ),
    **dict.fromkeys(
        ("changes", "intended changes", "unintended changes", "intended unintended changes",
         "intended or unintended changes", "intended and unintended changes",
         "what do you think will change for them", "expected changes"),
        "changes",
    ),
    **dict.fromkeys(
        ("input description", "inputs description", "description of input",
         "description of inputs", "what do they invest"),
        "input_description",
    ),
    **dict.fromkeys(
        ("input value", "inputs value", "value of input", "value of inputs", "input amount",
         "investment", "input value gbp", "inputs gbp", "input gbp"),
        "input_amount",
    ),
    **dict.fromkeys(
        ("output", "outputs", "summary of activity in numbers", "outputs summary of activity "
         "in numbers", "activity", "activities", "output description"),
        "output",
    ),
    **dict.fromkeys(
        ("outcome", "outcomes", "outcome description", "description of outcome",
         "the outcomes", "the outcomes what changes", "what changes",
         "how would we describe the change", "how would you describe the change"),
        "outcome",
    ),
    **dict.fromkeys(
        ("indicator", "indicators", "outcome indicator", "how would we measure it",
         "how would you measure it"),
        "indicator",
    ),
    **dict.fromkeys(
        ("quantity", "how much change was there", "how much change will there be", "number",
         "how many", "quantity of change", "number of people"),
        "quantity",
    ),
    **dict.fromkeys(
        ("duration", "duration years", "how long does it last", "years", "duration of outcome"),
        "duration",
    ),
    **dict.fromkeys(
        ("outcomes start", "outcome starts", "outcome start", "outcomes start year",
         "outcome start year", "start year", "start", "when does the outcome start",
         "does it start during or after the activity"),
        "start_year",
    ),
    **dict.fromkeys(
        ("financial proxy", "proxy", "financial proxy description", "proxy description",
         "description of proxy", "financial proxies", "what proxy would you use to value the "
         "change", "what proxy did you use to value the change"),
        "proxy_description",
    ),
    **dict.fromkeys(
        ("proxy value", "value of proxy", "financial proxy value", "unit value",
         "value per unit", "value of the change", "financial value"),
        "value",
    ),
    **dict.fromkeys(
        ("proxy source", "source of proxy", "value source", "source of value",
         "financial proxy source"),
        "proxy_source",
    ),
    **dict.fromkeys(("impact", "impact gbp", "total impact", "impact value"), "impact"),
    **dict.fromkeys(
        ("notes", "note", "assumptions", "notes and assumptions", "notes assumptions",
         "comments", "comment", "rationale", "evidence", "assumptions and notes"),
        "notes",
    ),
    **dict.fromkeys(("outcome id", "id"), "id"),
    **dict.fromkeys(("unit", "units"), "unit"),
    **dict.fromkeys(("proxy id", "proxy code", "sroi proxy id"), "proxy"),
    **dict.fromkeys(("drop off from",), "drop_off_from"),
    **dict.fromkeys(("value type",), "value_type"),
    **dict.fromkeys(("bearer", "who saves"), "bearer"),
    **dict.fromkeys(("category",), "category"),
    **dict.fromkeys(("marmot objective",), "marmot_objective"),
    **dict.fromkeys(("outcome area", "area"), "area"),
    **dict.fromkeys(("group",), "group"),
    **dict.fromkeys(("outcome group",), "outcome_group"),
    **dict.fromkeys(("input year",), "input_year"),
    **dict.fromkeys(("input kind",), "input_kind"),
    **dict.fromkeys(("input area",), "input_area"),
    **dict.fromkeys(("output quantity",), "output_quantity"),
    **dict.fromkeys(("output unit",), "output_unit"),
    **dict.fromkeys(("output area",), "output_area"),
}  # fmt: skip
_PREFIX = (
    ("quantity", "quantity"),
    ("duration", "duration"),
    ("indicator", "indicator"),
    ("beneficiary group", "stakeholder"),
    ("beneficiaries", "stakeholder"),
    ("deadweight", "deadweight"),
    ("dead weight", "deadweight"),
    ("displacement", "displacement"),
    ("attribution", "attribution"),
    ("leakage", "leakage"),
    ("drop off from", "drop_off_from"),
    ("drop off", "drop_off"),
    ("dropoff", "drop_off"),
)
_SHARED = {"description", "value", "value gbp", "gbp", "source", "sources", "amount"}
"""Headings that name a column only with the heading above them, or the Guide's order."""


def _concept(words: str) -> str | None:
    """The column a heading names on its own, or None (shared or unknown)."""
    if words in _EXACT:
        return _EXACT[words]
    for prefix, key in _PREFIX:
        if words == prefix or words.startswith(prefix + " "):
            return key
    if words.startswith(("intended", "unintended")):
        return "changes"
    if words.startswith("stakeholder"):
        return "stakeholder"
    if words.startswith("impact"):
        return "impact"
    return None


def _section(words: str) -> str | None:
    """The section a heading above the header names (``Inputs`` -> ``inputs``)."""
    if not words:
        return None
    for needle, section in (
        ("input", "inputs"),
        ("output", "outputs"),
        ("valu", "valuation"),
        ("proxy", "valuation"),
        ("outcome", "outcomes"),
        ("what changes", "outcomes"),
        ("deadweight", "impact"),
        ("impact", "impact"),
        ("deduction", "impact"),
        ("kept by sroi", "kept"),
        ("stakeholder", "stakeholders"),
        ("note", "notes"),
    ):
        if needle in words:
            return section
    return None


_OUTCOME_COLUMNS = frozenset(
    {"output", "outcome", "indicator", "quantity", "duration", "start_year",
     "proxy_description", "input_amount"}
)  # fmt: skip
"""Columns after which a shared ``Description`` or ``Value £`` is no longer an input's."""


def _shared(words: str, section: str | None, seen: Mapping[str, int]) -> str | None:
    """A shared heading (``Description``, ``Value £``, ``Source``) told apart."""
    if words in ("description",):
        if section == "inputs":
            return "input_description"
        if section == "outputs":
            return "output"
        if section == "valuation":
            return "proxy_description"
        if section == "outcomes":
            return "outcome"
        if "input_description" not in seen and not _OUTCOME_COLUMNS & set(seen):
            return "input_description"
        if "outcome" not in seen and not {"value", "proxy_description"} & set(seen):
            return "outcome"
        return "proxy_description"
    if words in ("value", "value gbp", "gbp", "amount"):
        if section == "inputs":
            return "input_amount"
        if section in ("valuation", "outcomes"):
            return "value"
        if section == "impact":
            return "impact"
        if not _OUTCOME_COLUMNS & set(seen):
            return "input_amount"  # the Guide's order: inputs come before the outcomes
        return "value"
    if words in ("source", "sources"):
        if section == "valuation" or {"value", "proxy_description"} & set(seen):
            return "proxy_source"
        return "source"
    return None


def _plain_words(text: Any) -> str:
    """A heading's words without what is in brackets: ``"Duration (yrs)"`` -> ``duration``."""
    return _words(re.sub(r"\(.*?\)|\[.*?\]", " ", text)) if isinstance(text, str) else ""


def _heading_key(text: Any, section: str | None, seen: Mapping[str, int]) -> str | None:
    """The column a heading names: as written, else without its brackets; a shared
    heading (``Description``, ``Value £``, ``Source``) told apart by its section."""
    for words in dict.fromkeys((_words(text), _plain_words(text))):
        if words in _SHARED:
            return _shared(words, section, seen)
        key = _concept(words)
        if key is not None:
            return key
    return None


def _header_score(cells: Iterable[Any]) -> tuple[int, bool]:
    """How many distinct columns a row of headings names, and whether one is Stakeholders."""
    found: set[str] = set()
    for cell in cells:
        key = _heading_key(cell, None, {})
        plain = _plain_words(cell)
        if key in ("input_description", "input_amount", "value", "proxy_source", "source"):
            key = "shared:" + plain if plain in _SHARED else key
        if key:
            found.add(key)
    return len(found), "stakeholder" in found


_NEEDED = 4  # a header row names at least this many columns, Stakeholders among them
_NEEDED_WITHOUT_STAKEHOLDERS = 6  # or this many without it (then reported as missing)


def _is_header(cells: Sequence[Any]) -> bool:
    score, has_stakeholder = _header_score(cells)
    return score >= (_NEEDED if has_stakeholder else _NEEDED_WITHOUT_STAKEHOLDERS)


# --------------------------------------------------------------------------------------
# Reading cells.


@dataclass
class _Cell:
    value: Any
    formula: str | None = None
    percent: bool = False


def _percent_format(number_format: Any) -> bool:
    return isinstance(number_format, str) and "%" in number_format.replace('"%"', "")


def _money_text(text: str) -> str:
    t = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    t = re.sub(r"^GBP", "", t, flags=re.IGNORECASE)
    if re.fullmatch(r"\(\d+(?:\.\d*)?\)", t):
        t = "-" + t[1:-1]
    return t


def _number(key: str, cell: _Cell, limits: Limits) -> Any:
    """A cell of a numeric column: a number, a distribution or yearly list, or text.

    Text that is not a number is returned as it is, for the model to say what is wrong;
    :class:`_CellError` for what only the sheet can explain (25 in a % column).
    """
    value = cell.value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise _CellError("is not a finite number")
        if key in _FRACTIONS and not cell.percent and not 0 <= value <= 1:
            raise _CellError(
                f"is {number_text(value)} in a % column, in a cell not formatted as a "
                f"percentage: write {number_text(value)}% (or format the cell as a "
                f"percentage) if you mean {number_text(value)} %, or a fraction from 0 to 1"
            )
        return value
    if not isinstance(value, str):
        return value
    text = unprotect(value).strip()
    if text[:1] in ("{", "["):
        return _json_cell(text, limits)
    if key in _FRACTIONS:
        number = _read_number(text, key, limits)
        if isinstance(number, (int, float)) and not text.endswith("%") and not 0 <= number <= 1:
            raise _CellError(
                f"is {text} in a % column: write {text}% if you mean {text} %, or a fraction "
                "from 0 to 1"
            )
        return number
    if key == "start_year":
        word = text.casefold()
        if word == "during":
            return 1
        if word == "after":
            return 2
    if key == "duration":
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:years?|yrs?)", text, re.IGNORECASE)
        if match:
            text = match.group(1)
    if key in _MONEY or key in _COUNTS:
        text = _money_text(text) if key in _MONEY else text.replace(",", "")
    return _read_number(text, key, limits)


def _text(cell: _Cell) -> Any:
    value = cell.value
    if isinstance(value, str):
        return unprotect(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------------------
# The sheet as read.


@dataclass
class _Sheet:
    """A sheet's cells by (row, column from 1), with merged ranges and saved values."""

    title: str
    base: str
    cells: dict[tuple[int, int], _Cell]
    merged: list[tuple[int, int, int, int]]  # min_row, min_col, max_row, max_col
    last_row: int = 0
    last_col: int = 0

    def get(self, row: int, col: int) -> _Cell | None:
        return self.cells.get((row, col))

    def value(self, row: int, col: int) -> Any:
        cell = self.cells.get((row, col))
        return None if cell is None else cell.value

    def row_values(self, row: int) -> list[Any]:
        return [self.value(row, c) for c in range(1, self.last_col + 1)]

    def merged_top(self, row: int, col: int) -> tuple[int, int] | None:
        for r1, c1, r2, c2 in self.merged:
            if r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1):
                return r1, c1
        return None


def _load_sheet(ws: Any, saved_ws: Any | None, base: str, count: Callable[[int], None]) -> _Sheet:
    """A worksheet's non-blank cells (formulas with their saved values)."""
    cells: dict[tuple[int, int], _Cell] = {}
    store = getattr(ws, "_cells", None)
    items = (
        store.items()
        if isinstance(store, dict)
        else (((c.row, c.column), c) for row in ws.iter_rows() for c in row)
    )
    for (r, c), cell in list(items):
        value = cell.value
        if value is None:
            continue
        formula = None
        if cell.data_type == "f" or (
            isinstance(value, str) and value.startswith("=") and cell.data_type == "f"
        ):
            formula = value if isinstance(value, str) else str(value)
            value = saved_ws.cell(row=r, column=c).value if saved_ws is not None else None
        elif isinstance(value, str):
            value = xml_unescape(value)
        elif hasattr(value, "text") and not isinstance(value, (int, float)):
            formula = str(getattr(value, "text", value))  # an array formula
            value = saved_ws.cell(row=r, column=c).value if saved_ws is not None else None
        cells[(r, c)] = _Cell(value, formula, _percent_format(cell.number_format))
    count(len(cells))
    merged = [
        (m.min_row, m.min_col, m.max_row, m.max_col) for m in getattr(ws.merged_cells, "ranges", ())
    ]
    last_row = max((r for r, _ in cells), default=0)
    last_col = max((c for _, c in cells), default=0)
    return _Sheet(ws.title, base, cells, merged, last_row, last_col)


def _grid(sheet: _Sheet) -> Grid:
    """A sheet in the library's table layout (header in row 1) as a :class:`Grid`."""
    header = sheet.row_values(1)
    rows = []
    for r in range(2, sheet.last_row + 1):
        values = sheet.row_values(r)
        while values and is_blank(values[-1]):
            values.pop()
        if values:
            rows.append((r, values))
    while header and is_blank(header[-1]):
        header.pop()
    problems = [
        (f"{sheet.base}, row {r}, cell {_coordinate(r, c)}", "holds a formula whose value was "
         "not saved; open and save the workbook in a spreadsheet program, or type the value")
        for (r, c), cell in sheet.cells.items()
        if cell.formula is not None and cell.value is None
    ]  # fmt: skip
    return Grid(sheet.base, header, rows, problems)


def _coordinate(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


_letter = column_letters


def _find_header(sheet: _Sheet) -> int | None:
    """The row (from 1) of the sheet's header: the first-30 row naming most columns."""
    best, best_row = 0, None
    for r in range(1, min(sheet.last_row, HEADER_SEARCH_ROWS) + 1):
        cells = sheet.row_values(r)
        score, _ = _header_score(cells)
        if _is_header(cells) and score > best:
            best, best_row = score, r
    return best_row


def looks_like_sector_map(rows: Sequence[Sequence[Any]]) -> bool:
    """Whether the first rows of a sheet hold an impact map's header row.

    Parameters
    ----------
    rows : sequence of sequences
        The cell values of a sheet's first rows (up to :data:`HEADER_SEARCH_ROWS`).

    Examples
    --------
    >>> looks_like_sector_map([["SROI impact map"], [],
    ...     ["Stakeholders", "Intended/unintended changes", "Description", "Value £",
    ...      "Quantity", "Deadweight %", "Impact"]])
    True
    >>> looks_like_sector_map([["stakeholder", "description", "amount"]])
    False
    """
    return any(_is_header(list(row)) for row in rows[:HEADER_SEARCH_ROWS])


def workbook_layout(path: Path, limits: Limits | None = None) -> str:
    """The layout of an ``.xlsx`` workbook: ``"xlsx"`` (the library's) or ``"impact-map"``.

    The library's layout has an ``Inputs`` sheet headed ``stakeholder``, ``amount`` ...;
    otherwise a sheet whose first 30 rows hold an impact map's header row
    (:func:`looks_like_sector_map`) makes it an impact map laid out as the SROI Guide's.
    A workbook that is neither is read as the library's layout, whose errors say what a
    model needs.

    Raises
    ------
    FileNotFoundError, ModelError
        As :func:`sroi.io.excel.check_workbook_file`: no file, not a workbook, a limit.
    """
    limits = resolve(limits)
    check_workbook_file(path, limits)
    library, firsts = library_layout(path, limits)
    if library:
        return "xlsx"
    return "impact-map" if any(looks_like_sector_map(rows) for rows in firsts) else "xlsx"


# --------------------------------------------------------------------------------------
# Reading the impact map.


@dataclass
class _Found:
    """What reading the sheet found, besides the model's data."""

    notes: list[str] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[IgnoredCell] = field(default_factory=list)
    totals: list[TotalCheck] = field(default_factory=list)
    warnings: list[ReadingWarning] = field(default_factory=list)

    def ignore(self, where: str, value: Any, reason: str) -> None:
        self.ignored.append(IgnoredCell(where, value, reason))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(ReadingWarning(message, location=where))


def _map_columns(
    sheet: _Sheet, header_row: int, found: _Found
) -> tuple[dict[int, str], dict[int, str]]:
    """Column number -> column key, and column number -> its heading as written."""
    # the heading above each column: the nearest row above the header with two or more
    # cells, merged ranges spread over their columns, a lone heading carried rightwards
    group_row = None
    if header_row > 1:
        above = [v for v in sheet.row_values(header_row - 1) if not is_blank(v)]
        if len(above) >= 2 and sum(_section(_words(v)) is not None for v in above) >= 2:
            group_row = header_row - 1  # headings such as Inputs, Outputs, The outcomes
    groups: dict[int, str] = {}
    if group_row is not None:
        carried = ""
        for c in range(1, sheet.last_col + 1):
            top = sheet.merged_top(group_row, c)
            value = sheet.value(*(top or (group_row, c)))
            if not is_blank(value):
                carried = _words(value)
            elif top is None and c > 1 and is_blank(sheet.value(header_row, c)):
                carried = ""
            groups[c] = carried
    keys: dict[int, str] = {}
    headings: dict[int, str] = {}
    seen: dict[str, int] = {}
    for c in range(1, sheet.last_col + 1):
        raw = sheet.value(header_row, c)
        if is_blank(raw):
            continue
        heading = _text(sheet.get(header_row, c))  # type: ignore[arg-type]
        headings[c] = heading
        section = _section(groups.get(c, ""))
        key = _heading_key(heading, section, seen)
        where = f"{sheet.base}, row {header_row}, column {_letter(c)}"
        if key is None:
            continue
        if key in seen and key != "notes":
            first = _letter(seen[key])
            found.warn(
                where,
                f"is a second {_BY_KEY[key].header!r} column (the first is column {first}); "
                "its cells are not read",
            )
            continue
        seen.setdefault(key, c)
        keys[c] = key
        target = _TARGET.get(key)
        read_as = _READ_AS.get(key) or (f"{target[0]}.{target[1]}" if target else key)
        found.columns.append((f"{_letter(c)} ({heading})", read_as))
    return keys, headings


def _continuation(sheet: _Sheet, row: int, keys: Mapping[int, str]) -> bool:
    """Whether a row just under the header is guidance (text in the number columns)."""
    values = {c: sheet.value(row, c) for c in keys}
    filled = {c: v for c, v in values.items() if not is_blank(v)}
    if not filled or any(not isinstance(v, str) for v in filled.values()):
        return False
    numeric = [
        c
        for c, v in filled.items()
        if keys[c] in (*_FRACTIONS, *_MONEY, *_COUNTS, "duration")
        and not re.fullmatch(r"\s*[£(]?[\d.,]+%?\)?\s*", v)
        and not v.strip().startswith(("{", "["))
    ]
    return len(numeric) >= 2


def _rows_text(rows: Sequence[int]) -> str:
    if not rows:
        return "no rows"
    if len(rows) == 1:
        return f"row {rows[0]}"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"rows {rows[0]}-{rows[-1]}"
    return "rows " + ", ".join(map(str, rows))


def read_sector_map(
    path: str | Path, *, limits: Limits | None = None, sheet: str | None = None
) -> FileReading:
    """Read an impact map laid out as the SROI Guide's, with the reading report.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.xlsx`` workbook.
    limits : Limits, optional
        What the workbook may hold; default :func:`sroi.io.limits.default_limits`.
    sheet : str, optional
        The sheet holding the impact map; default the one named ``Impact map`` if its
        header is found, else the first sheet whose first 30 rows hold a header row.

    Returns
    -------
    FileReading
        The model and the report: columns recognised, totals checked, Impact cells
        compared, cells not read.

    Raises
    ------
    ModelError
        If no sheet holds an impact map's header row, or the model is not valid: every
        problem, located by sheet, row and column (``column O (Deadweight %)``).
    ImportError
        Without openpyxl (``pip install 'sroi[excel]'``).
    """
    p = Path(path)
    limits = resolve(limits)
    title = str(p)
    openpyxl_module()
    wb, saved = open_checked(p, limits)
    count = _counter(limits, p.name, title)
    found = _Found()
    try:
        titles = list(wb.sheetnames)
        chosen = _choose_sheet(wb, titles, sheet)
        if chosen is None:
            raise ModelError(
                [
                    Problem(
                        p.name,
                        "has no sheet with an impact map's header row (Stakeholders, "
                        "Quantity, Value £, Deadweight % ... within its first "
                        f"{HEADER_SEARCH_ROWS} rows); sheets: " + ", ".join(map(repr, titles)),
                    )
                ],
                title=title,
            )

        def load(name: str) -> _Sheet:
            ws = wb[name]
            saved_ws = saved()[name] if _has_formulas(ws) else None
            return _load_sheet(ws, saved_ws, f"{p.name}, sheet {name!r}", count)

        impact = load(chosen)
        extra: dict[str, _Sheet] = {}
        for table_sheet in (MODEL_SHEET, "Stakeholders", SCENARIOS_SHEET):
            name, _ = pick_sheet([t for t in titles if t != chosen], table_sheet)
            if name is not None:
                extra[table_sheet] = load(name)
        for other in titles:
            if other == chosen or other in {s.title for s in extra.values()}:
                continue
            ws = wb[other]
            n = sum(1 for c in getattr(ws, "_cells", {}).values() if c.value is not None)
            if n:
                ours = other == _LISTS and ws.sheet_state == "hidden"
                found.ignore(
                    f"{p.name}, sheet {other!r}",
                    f"{n} cell{'s' if n != 1 else ''}",
                    "the drop-down lists sroi writes"
                    if ours
                    else "a sheet that is not part of the impact map",
                )
    finally:
        wb.close()
    reading = Reading(title, limits=limits)
    model, impacts = _read(impact, extra, reading, found, p)
    return FileReading(
        model=model,
        path=str(p),
        layout="impact-map",
        notes=tuple(found.notes),
        columns=tuple(found.columns),
        ignored=tuple(sorted(found.ignored, key=_reading_order)),
        totals=tuple(found.totals),
        impacts=tuple(impacts),
        warnings=tuple(found.warnings),
    )


def _reading_order(cell: IgnoredCell) -> tuple[str, int, int, str]:
    """Ignored cells sheet by sheet, then row by row, column by column."""
    match = re.search(r"row (\d+), column ([A-Z]+)|cell ([A-Z]+)(\d+)", cell.location)
    if match is None:
        return (cell.location, 0, 0, "")
    letters = match.group(2) or match.group(3)
    row = int(match.group(1) or match.group(4))
    sheet = cell.location[: match.start()]
    return (sheet, row, len(letters), letters)


def _counter(limits: Limits, name: str, title: str) -> Callable[[int], None]:
    total = [0]

    def count(n: int) -> None:
        total[0] += n
        if total[0] > limits.cells:
            what = "holds (all sheets read together) more cells than"
            raise ModelError(
                [breach(name, what, total[0], "cells", limits, at_least=True)], title=title
            )

    return count


def _has_formulas(ws: Any) -> bool:
    store = getattr(ws, "_cells", {})
    return any(c.data_type == "f" for c in store.values())


def _choose_sheet(wb: Any, titles: Sequence[str], wanted: str | None) -> str | None:
    def header_found(name: str) -> bool:
        ws = wb[name]
        rows: dict[int, list[Any]] = {}
        for (r, _c), cell in getattr(ws, "_cells", {}).items():
            if r <= HEADER_SEARCH_ROWS and cell.value is not None:
                rows.setdefault(r, []).append(cell.value)
        return any(_is_header(v) for v in rows.values())

    if wanted is not None:
        return wanted if wanted in titles and header_found(wanted) else None
    named, _ = pick_sheet(titles, SHEET)
    order = ([named] if named else []) + [t for t in titles if t != named]
    order.sort(key=lambda t: 0 if t == named else 1 if "impact" in t.lower() else 2)
    return next((t for t in order if header_found(t)), None)


def _read(
    sheet: _Sheet,
    extra: Mapping[str, _Sheet],
    reading: Reading,
    found: _Found,
    path: Path,
) -> tuple[Model, list[ImpactCheck]]:
    header_row = _find_header(sheet)
    assert header_row is not None  # the sheet was chosen for it
    keys, headings = _map_columns(sheet, header_row, found)
    found.notes.append(
        f"sheet {sheet.title!r}, header in row {header_row}, {len(keys)} columns recognised"
    )
    label = {k: f"{_letter(c)} ({headings[c]})" for c, k in keys.items()}
    col = {k: c for c, k in keys.items()}
    unknown = [f"{_letter(c)} ({h})" for c, h in headings.items() if c not in keys]
    for key, field_name, table in (
        ("stakeholder", "stakeholder", "outcomes"),
        ("quantity", "quantity", "outcomes"),
        ("duration", "duration", "outcomes"),
    ):
        if key not in col:
            hint = (
                "; headings not recognised: " + ", ".join(unknown)
                if unknown
                else "; add one headed " + repr(_BY_KEY[key].header)
            )
            reading.problem(
                f"{sheet.base}, row {header_row}",
                f"has no column read as {_BY_KEY[key].header!r}{hint}",
            )
            for t in ("inputs", "outputs", "outcomes") if key == "stakeholder" else (table,):
                reading.covered.add((t, None, field_name))

    def where(row: int, c: int) -> str:
        heading = f" ({headings[c]})" if c in headings else ""
        return f"{sheet.base}, row {row}, column {_letter(c)}{heading}"

    # headings and titles above the header row
    for (r, c), cell in sorted(sheet.cells.items()):
        if r < header_row and not is_blank(cell.value):
            found.ignore(
                f"{sheet.base}, cell {_coordinate(r, c)}",
                cell.value,
                "a title or heading above the table",
            )
    # columns not read
    unread = [c for c in range(1, sheet.last_col + 1) if c not in keys]
    for c in unread:
        heading = headings.get(c)
        values = [
            (r, sheet.value(r, c))
            for r in range(header_row + 1, sheet.last_row + 1)
            if not is_blank(sheet.value(r, c))
        ]
        if heading is not None:
            duplicate = any(w.location == where(header_row, c) for w in found.warnings)
            reason = (
                "a second column of the same heading"
                if duplicate
                else "a column sroi does not know"
            )
            found.ignore(where(header_row, c), heading, reason)
            if values and not duplicate:
                found.warn(
                    where(header_row, c),
                    f"the column {heading!r} is not one sroi knows, so its "
                    f"{len(values)} cell{'s are' if len(values) != 1 else ' is'} not read; "
                    "rename it (Notes, Quantity, Value £ ...) if it holds model data",
                )
        elif values:
            found.warn(
                f"{sheet.base}, column {_letter(c)}",
                f"has {len(values)} cell{'s' if len(values) != 1 else ''} but no heading in "
                f"row {header_row}, so they are not read",
            )
        for r, value in values:
            found.ignore(where(r, c), value, f"in column {_letter(c)}, which is not read")

    # scalars, stakeholders, scenarios from the library's sheets
    if MODEL_SHEET in extra:
        reading.scalars(_grid(extra[MODEL_SHEET]), None)
    if "Stakeholders" in extra:
        reading.table(TABLES[0], _grid(extra["Stakeholders"]), None)
    if SCENARIOS_SHEET in extra:
        reading.scenarios(_grid(extra[SCENARIOS_SHEET]))
    if "name" not in reading.data:
        title_cell = next(
            (
                (r, c, cell.value)
                for (r, c), cell in sorted(sheet.cells.items())
                if r < header_row and isinstance(cell.value, str) and cell.value.strip()
            ),
            None,
        )
        if title_cell is not None:
            text = unprotect(title_cell[2]).strip()
            name = re.sub(r"^(?:sroi\s+)?impact\s+map\s*[:\-–—]\s*", "", text, flags=re.I)
            reading.data["name"] = name or text
            cell_name = _coordinate(*title_cell[:2])
            found.notes.append(f"the model's name is the title in cell {cell_name}")
        else:
            reading.data["name"] = path.stem
            found.notes.append("the model's name is the file's name (the sheet has no title)")

    # the rows
    inputs: list[dict[str, Any]] = []
    outputs: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    rows_of = {"inputs": [], "outputs": [], "outcomes": []}  # type: dict[str, list[int]]
    stated_impacts: list[tuple[int, int, _Cell]] = []  # (outcome index, row, cell)
    data_rows: dict[str, list[tuple[int, float]]] = {k: [] for k in _TOTALLED}
    total_rows: list[tuple[int, str, dict[str, _Cell]]] = []
    last_stakeholder: tuple[int, str] | None = None
    covered = reading.covered
    first = header_row + 1
    while first <= sheet.last_row and _continuation(sheet, first, keys):
        for c in range(1, sheet.last_col + 1):
            if not is_blank(sheet.value(first, c)):
                found.ignore(where(first, c), sheet.value(first, c), "guidance under the headings")
        first += 1
    for r in range(first, sheet.last_row + 1):
        cells = {k: sheet.get(r, c) for c, k in keys.items()}
        cells = {k: cell for k, cell in cells.items() if cell is not None}
        present = {
            k for k, cell in cells.items()
            if not is_blank(cell.value) or (cell.formula is not None and k != "impact")
        }  # fmt: skip
        if not present and not any(k == "impact" for k in cells):
            continue
        # a total row: labelled as one, or adding up the rows above, or (no label, no
        # text at all) holding just the sum of the rows above
        row_label = _total_label(cells, present)
        summing = [
            k
            for k in _TOTALLED
            if k in cells and summed_rows(cells[k].formula, _letter(col[k]), r) is not None
        ]
        if row_label is None and not summing:
            row_label = _unlabelled_total(cells, present, r, sheet, col, data_rows, total_rows)
            if row_label is not None:
                found.notes.append(f"row {r} read as a total: {row_label}")
        if row_label is not None or summing:
            total_rows.append((r, row_label or cells[summing[0]].formula or "", cells))
            continue
        if not present:  # an Impact formula alone: a row of the template not filled in
            cell = cells.get("impact")
            if cell is not None and not is_blank(cell.value):
                found.ignore(where(r, col["impact"]), cell.value, "an Impact with no figures")
            continue
        # the stakeholder
        stakeholder_cell = cells.get("stakeholder")
        stakeholder = (
            None
            if stakeholder_cell is None or is_blank(stakeholder_cell.value)
            else (_text(stakeholder_cell))
        )
        has_outcome = bool(present & _FIGURES)
        has_input = bool(present & set(_INPUT))
        has_output = bool(present & set(_OUTPUT))
        from_above = False
        if stakeholder is None and "stakeholder" in col:
            top = sheet.merged_top(r, col["stakeholder"])
            if top is not None and not is_blank(sheet.value(*top)):
                stakeholder = _text(sheet.get(*top))  # type: ignore[arg-type]
            elif (has_outcome or has_input) and last_stakeholder is not None:
                stakeholder = last_stakeholder[1]
                from_above = True
                found.notes.append(
                    f"row {r}: stakeholder {stakeholder!r} taken from row {last_stakeholder[0]}"
                )
                if not has_outcome and not present - {"input_amount", "impact"}:
                    found.warn(
                        f"{sheet.base}, row {r}",
                        "has an amount but no stakeholder or description: it is read as an "
                        f"input of {stakeholder!r} (the stakeholder above); if it is a total, "
                        "label it Total",
                    )
        if stakeholder is not None:
            last_stakeholder = (r, stakeholder)

        def read(
            k: str, index: int, table: str, cells: Mapping[str, _Cell] = cells, r: int = r
        ) -> Any:
            cell = cells[k]
            if _TARGET[k][1] in _NUMERIC_FIELDS or k in (*_MONEY, *_COUNTS):
                try:
                    return _number(k, cell, reading.limits)
                except _CellError as exc:
                    reading.problem(where(r, col[k]), str(exc), cell.value)
                    covered.add((table, index, _TARGET[k][1]))
                    return None
            return _text(cell)

        if has_input:
            record: dict[str, Any] = {}
            if stakeholder is not None:
                record["stakeholder"] = stakeholder
            for k in _INPUT:
                if k in present:
                    value = read(k, len(inputs), "inputs")
                    if value is not None:
                        record[_TARGET[k][1]] = value
            inputs.append(record)
            rows_of["inputs"].append(r)
            if isinstance(record.get("amount"), (int, float)):
                data_rows["input_amount"].append((r, float(record["amount"])))
        if has_output:
            record = {}
            if stakeholder is not None and not from_above:
                record["stakeholder"] = stakeholder
            for k in _OUTPUT:
                if k in present:
                    value = read(k, len(outputs), "outputs")
                    if value is not None:
                        record[_TARGET[k][1]] = value
            if "quantity" not in record and isinstance(record.get("description"), str):
                match = re.match(r"\s*(\d[\d,]*(?:\.\d+)?)\b", record["description"])
                if match:
                    record["quantity"] = float(match.group(1).replace(",", ""))
            if "quantity" not in record:
                text = record.get("description")
                found.ignore(where(r, col.get("output", 0)), text, "an output with no number")
                found.warn(
                    where(r, col.get("output", 0)),
                    f"the output {text!r} has no number, so it is not read (outputs are a "
                    "summary of activity in numbers: '120 workshops')",
                )
            else:
                if "description" not in record:
                    record["description"] = f"Activity for {stakeholder or 'the project'}"
                outputs.append(record)
                rows_of["outputs"].append(r)
                if isinstance(record.get("quantity"), (int, float)):
                    data_rows["output_quantity"].append((r, float(record["quantity"])))
        changes = _text(cells["changes"]) if "changes" in present else None
        if has_outcome:
            index = len(outcomes)
            record = {}
            if stakeholder is not None:
                record["stakeholder"] = stakeholder
            for k in keys.values():
                target = _TARGET.get(k, ("", ""))[0]
                if k in present and target == "outcomes" and k != "stakeholder":
                    value = read(k, index, "outcomes")
                    if value is not None:
                        record[_TARGET[k][1]] = value
            if "outcome" not in record and changes:
                record["outcome"] = changes
            elif changes and changes != record.get("outcome"):
                note = f"Intended/unintended changes: {changes}"
                record["notes"] = f"{note}\n{record['notes']}" if record.get("notes") else note
            if "start_year" in present and isinstance(cells["start_year"].value, str):
                word = cells["start_year"].value.strip()
                if word.casefold() in ("during", "after"):
                    found.notes.append(
                        f"row {r}: Outcomes start {word!r} read as year {record['start_year']}"
                    )
            outcomes.append(record)
            rows_of["outcomes"].append(r)
            if isinstance(record.get("quantity"), (int, float)):
                data_rows["quantity"].append((r, float(record["quantity"])))
            if "impact" in cells:
                stated_impacts.append((index, r, cells["impact"]))
                stated = _plain(cells["impact"].value)
                if stated is not None:
                    data_rows["impact"].append((r, stated))
        else:
            leftover = sorted(present - set(_INPUT) - set(_OUTPUT) - {"stakeholder", "impact"})
            text = changes or (_text(cells["outcome"]) if "outcome" in present else None)
            if not has_input and not has_output and not leftover:
                for k in sorted(present):
                    found.ignore(where(r, col[k]), cells[k].value, "a row with no figures")
            for k in leftover:
                found.ignore(
                    where(r, col[k]),
                    cells[k].value,
                    "a change with no figures"
                    if text
                    else "on a row with no outcome figures (quantity, value, duration)",
                )
            if text:
                found.warn(
                    f"{sheet.base}, row {r}",
                    f"the change {text!r} has no quantity, value or duration, so it is not "
                    "valued (give its figures to count it)",
                )
            elif leftover:
                shown = ", ".join(label[k] for k in leftover)
                found.warn(
                    f"{sheet.base}, row {r}",
                    f"{shown}: not read, as the row has no outcome figures (quantity, value, "
                    "duration)",
                )
        if not has_outcome and "impact" in cells and not is_blank(cells["impact"].value):
            impact = cells["impact"].value
            found.ignore(where(r, col["impact"]), impact, "an Impact with no outcome")

    _check_totals(sheet, total_rows, data_rows, col, where, found)
    reading.data.update({"inputs": inputs, "outputs": outputs, "outcomes": outcomes})
    for table in ("inputs", "outputs", "outcomes"):
        reading.list_rows[table] = (sheet.base, rows_of[table])
        reading.labels[table] = {
            _TARGET[k][1]: label[k] for k in label if k in _TARGET and _TARGET[k][0] == table
        }
    for k in ("stakeholder",):
        if k in label:
            for table in ("inputs", "outputs"):
                reading.labels[table]["stakeholder"] = label[k]
    if not outcomes:
        reading.problem(sheet.base, "has no outcome with figures (quantity, value, duration)")
        reading.covered.add(("outcomes", None, ""))
    if not inputs:
        reading.problem(sheet.base, "has no input (the Inputs' Value £ column)")
        reading.covered.add(("inputs", None, ""))
    model = reading.model()
    return model, _check_impacts(model, stated_impacts, col, where, found)


def _plain(value: Any) -> float | None:
    """A cell's number (``£1,200`` read as 1200), or None if it holds none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and not is_blank(value):
        try:
            number = float(_money_text(unprotect(value)))
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


_LABELS = ("stakeholder", "changes", "input_description", "outcome", "output")
"""The columns whose text can label a row as a total."""
_NOT_IN_A_TOTAL = frozenset({"duration", "start_year", "proxy", *_FRACTIONS})
"""Figures only an outcome has: a row holding them is not a total, whatever its label."""


def _total_label(cells: Mapping[str, _Cell], present: set[str]) -> str | None:
    """The row's total label (``Total``, ``Sub-total`` ...), if it is a total row."""
    if present & _NOT_IN_A_TOTAL:
        return None
    for key in _LABELS:
        cell = cells.get(key)
        if cell is not None and is_total_label(cell.value):
            return _text(cell).strip()
    return None


def _unlabelled_total(
    cells: Mapping[str, _Cell],
    present: set[str],
    row: int,
    sheet: _Sheet,
    col: Mapping[str, int],
    data_rows: Mapping[str, Sequence[tuple[int, float]]],
    total_rows: Sequence[tuple[int, str, Any]],
) -> str | None:
    """Why a row with no text, only figures equal to the sums of the rows above since the
    last total (two or more of them), is a total; None if it is not one."""
    if present - set(_TOTALLED) or not present:
        return None
    if "stakeholder" in col and sheet.merged_top(row, col["stakeholder"]) is not None:
        return None  # under a merged stakeholder: a row of that stakeholder
    since = total_rows[-1][0] if total_rows else 0
    for key in present:
        stated = _plain(cells[key].value)
        above = [x for r, x in data_rows[key] if since < r < row]
        if (
            stated is None
            or len(above) < 2
            or not math.isclose(stated, math.fsum(above), rel_tol=1e-9, abs_tol=0.005)
        ):
            return None
    return "it has no label and its figures are the sums of the rows above"


_NUMERIC_FIELDS = frozenset(
    {"quantity", "value", "duration", "start_year", "amount", "year", *_FRACTIONS}
)


def _check_totals(
    sheet: _Sheet,
    total_rows: Sequence[tuple[int, str, Mapping[str, _Cell]]],
    data_rows: Mapping[str, Sequence[tuple[int, float]]],
    col: Mapping[str, int],
    where: Callable[[int, int], str],
    found: _Found,
) -> None:
    """Each total row's figures against the sum of the rows they total."""
    previous = 0
    for r, label, cells in total_rows:
        sub = bool(re.match(r"\s*sub", label, re.IGNORECASE))
        for k, cell in cells.items():
            place = where(r, col[k])
            if k not in _TOTALLED:
                if not is_blank(cell.value) or cell.formula:
                    found.ignore(place, cell.formula or cell.value, "a total row's cell")
                continue
            rows = summed_rows(cell.formula, _letter(col[k]), r) if cell.formula else None
            if rows is None:
                rows = [row for row, _ in data_rows[k] if (previous < row < r if sub else row < r)]
            figures = [x for row, x in data_rows[k] if row in set(rows)]
            totalled = [row for row, _ in data_rows[k] if row in set(rows)]
            if is_blank(cell.value):
                found.ignore(
                    place, cell.formula, "a total whose value was not saved, so not checked"
                )
                continue
            stated = _plain(cell.value)
            if stated is None:
                found.ignore(place, cell.value, "a total row's cell that is not a number")
                continue
            check = TotalCheck(
                place, label.strip(), stated, math.fsum(figures), _rows_text(totalled)
            )
            found.totals.append(check)
            if not check.agrees:
                found.warn(
                    place,
                    f"the {label.strip()!r} row states {stated:,.2f} but "
                    f"{_rows_text(totalled)} sum to {check.computed:,.2f}; the total is not "
                    "counted, the rows are",
                )
        previous = r


def _check_impacts(
    model: Model,
    stated: Sequence[tuple[int, int, _Cell]],
    col: Mapping[str, int],
    where: Callable[[int, int], str],
    found: _Found,
) -> list[ImpactCheck]:
    """Each row's Impact cell against quantity x value after the deductions."""
    from sroi.conventions import DEFAULT
    from sroi.engine import deduct

    additive = (model.conventions or DEFAULT).deductions == "additive"
    checks = []
    for index, r, cell in stated:
        place = where(r, col["impact"])
        outcome = model.outcomes[index]
        figures = (
            outcome.quantity,
            outcome.value,
            outcome.deadweight,
            outcome.displacement,
            outcome.attribution,
            outcome.leakage,
        )
        if is_blank(cell.value):
            if cell.formula:
                found.ignore(place, cell.formula, "an Impact formula whose value was not saved")
            continue
        if not all(isinstance(x, float) for x in figures):
            reason = (
                "valued by proxy id at evaluation, so not compared"
                if outcome.value is None
                else "figures that vary by year or are uncertain, so not compared"
            )
            found.ignore(place, cell.value, reason)
            continue
        value = _plain(cell.value)
        if value is None:
            found.ignore(place, cell.value, "an Impact that is not a number")
            continue
        q, v, dw, dp, at, lk = figures
        after = float(deduct(q * v, dw, dp, at, lk, additive=additive)[3])  # type: ignore[operator]
        check = ImpactCheck(place, value, after)
        checks.append(check)
        if not check.agrees:
            found.warn(
                place,
                f"states an impact of {value:,.2f}, but quantity x value after the "
                f"deductions is {after:,.2f} ({number_text(q)} x {v:,.2f}, deadweight "
                f"{dw:.1%}, displacement {dp:.1%}, attribution {at:.1%}, leakage {lk:.1%}); "
                "sroi uses its own figure",
            )
    return checks


# --------------------------------------------------------------------------------------
# Writing.

_HEADER_ROW = 4
_FIRST_ROW = _HEADER_ROW + 1
_MONEY_FORMAT = '"£"#,##0.00'
_PERCENT_FORMAT = "0.0%"


def _rows(model: Model) -> list[dict[str, Any]]:
    """The model's inputs, outcomes and outputs placed on shared rows, each list's order kept.

    Each record goes on the first row after the previous record of its list that has its
    stakeholder and no record of its kind; failing that, on a new row after the last of
    its stakeholder's rows (or at the end). A new row only ever goes after the previous
    record of its own list, so reading the rows top to bottom gives each list back in
    order.
    """
    data = model.to_dict()
    rows: list[dict[str, Any]] = []
    last = {"input": -1, "outcome": -1, "output": -1}
    for kind, key in (("input", "inputs"), ("outcome", "outcomes"), ("output", "outputs")):
        for record in data[key]:
            stakeholder = record.get("stakeholder")
            after = range(last[kind] + 1, len(rows))
            at = next(
                (i for i in after if rows[i]["stakeholder"] == stakeholder and kind not in rows[i]),
                None,
            )
            if at is None:
                same = [i for i in after if rows[i]["stakeholder"] == stakeholder]
                at = same[-1] + 1 if same and stakeholder is not None else len(rows)
                rows.insert(at, {"stakeholder": stakeholder})
                for other in last:
                    if other != kind and last[other] >= at:
                        last[other] += 1
            rows[at][kind] = record
            last[kind] = at
    return rows


def _row_cells(row: Mapping[str, Any]) -> dict[str, Any]:
    """A shared row's cells, by column key."""
    out: dict[str, Any] = {}
    if row.get("stakeholder") is not None:
        out["stakeholder"] = row["stakeholder"]
    if "input" in row:
        i = row["input"]
        out.update(
            input_description=i.get("description") or None,
            input_amount=i.get("amount"),
            input_year=i.get("year"),
            input_kind=i.get("kind"),
            input_area=i.get("area"),
        )
    if "output" in row:
        o = row["output"]
        out.update(
            output=o.get("description"),
            output_quantity=o.get("quantity"),
            output_unit=o.get("unit") or None,
            output_area=o.get("area"),
        )
    if "outcome" in row:
        o = row["outcome"]
        for k in _TARGET:
            if _TARGET[k][0] == "outcomes" and k != "stakeholder":
                value = o.get(_TARGET[k][1])
                if value == "" and k in ("indicator", "source"):
                    value = None
                out[k] = value
        out["changes"] = o.get("outcome")
    return {k: _cell_out(v) for k, v in out.items() if v is not None}


def _impact_formula(r: int, additive: bool) -> str:
    L = {k: _letter(_LETTER[k]) for k in ("quantity", "value", *_FRACTIONS[:4])}
    q, v = f"{L['quantity']}{r}", f"{L['value']}{r}"
    shares = [f"{L[k]}{r}" for k in _FRACTIONS[:4]]
    plus = "+".join(shares)
    kept = f"MAX(0,1-({plus}))" if additive else "*".join(f"(1-{s})" for s in shares)
    return f'=IF(COUNT({q},{v})<2,"",{q}*{v}*{kept})'


def _style_sheet(ws: Any, last_row: int, *, title: str) -> None:
    """Title, stage and group headings, header row, widths, formats, validation."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    put(ws.cell(row=1, column=1), title, f"{ws.title}, row 1")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    thin = Side(style="thin", color="A6A6A6")
    fills = {
        "Stage 1": "DDEBF7", "Stage 2": "E2EFDA", "Stage 3": "FFF2CC", "Stage 4": "FCE4D6",
        "": "EDEDED",
    }  # fmt: skip
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row, attr in ((2, "stage"), (3, "group")):
        start = 1
        for j in range(1, len(COLUMNS) + 2):
            current = getattr(COLUMNS[start - 1], attr)
            if j <= len(COLUMNS) and getattr(COLUMNS[j - 1], attr) == current:
                continue
            if current:
                cell = ws.cell(row=row, column=start)
                put(cell, current, f"{ws.title}, row {row}")
                if j - 1 > start:
                    ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=j - 1)
                cell.font = Font(bold=True)
                cell.alignment = centre
                for c in range(start, j):
                    ws.cell(row=row, column=c).fill = PatternFill(
                        "solid", fgColor=fills[COLUMNS[c - 1].stage]
                    )
            start = j
    for j, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=_HEADER_ROW, column=j)
        put(cell, column.header, f"{ws.title}, row {_HEADER_ROW}")
        cell.font = Font(bold=True, italic=column.group == _KEPT)
        cell.alignment = centre
        cell.fill = PatternFill("solid", fgColor=fills[column.stage])
        cell.border = Border(bottom=thin)
        cell.comment = Comment(column.about, "sroi", width=300, height=100)
        ws.column_dimensions[_letter(j)].width = column.width
    ws.row_dimensions[_HEADER_ROW].height = 32
    ws.freeze_panes = ws.cell(row=_FIRST_ROW, column=3)
    end = max(last_row, _FIRST_ROW) + 200
    span = f"{_FIRST_ROW}:{end}"

    def rng(key: str) -> str:
        letter = _letter(_LETTER[key])
        a, b = span.split(":")
        return f"{letter}{a}:{letter}{b}"

    percent = DataValidation(
        type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True,
        showErrorMessage=True, errorTitle="A percentage",
        error="Give a percentage from 0 % to 100 %.",
    )  # fmt: skip
    for key in _FRACTIONS:
        percent.add(rng(key))
    ws.add_data_validation(percent)
    for key, kind, low, message in (
        ("quantity", "decimal", "0", "a number from 0 up"),
        ("duration", "decimal", "0", "a number of years above 0"),
        ("start_year", "whole", "1", "a whole year from 1 up"),
        ("input_amount", "decimal", "0", "an amount from 0 up"),
        ("input_year", "whole", "0", "a whole year from 0 up"),
    ):
        check = DataValidation(
            type=kind, operator="greaterThanOrEqual", formula1=low, allow_blank=True,
            showErrorMessage=True, errorTitle="Check the value", error=f"Give {message}.",
        )  # fmt: skip
        check.errorStyle = "warning"
        check.add(rng(key))
        ws.add_data_validation(check)
    for key, field_name in (
        ("value_type", "value_type"), ("category", "category"),
        ("marmot_objective", "marmot_objective"), ("drop_off_from", "drop_off_from"),
        ("input_kind", "kind"),
    ):  # fmt: skip
        choices = _CHOICES.get(field_name)
        if not choices:
            continue
        text = ",".join(choices)
        if len(text) > 255:  # pragma: no cover - every list fits today
            continue
        check = DataValidation(type="list", formula1=f'"{text}"', allow_blank=True)
        check.add(rng(key))
        ws.add_data_validation(check)
    for r in range(_FIRST_ROW, end + 1):
        for key in ("input_amount", "value", "impact"):
            ws.cell(row=r, column=_LETTER[key]).number_format = _MONEY_FORMAT
        for key in _FRACTIONS:
            ws.cell(row=r, column=_LETTER[key]).number_format = _PERCENT_FORMAT
        if r > last_row + 40:
            break


def _proxy_list(wb: Any, ws: Any, last_row: int) -> None:
    """A drop-down list of the bundled table's proxy ids, from a hidden sheet."""
    from openpyxl.worksheet.datavalidation import DataValidation

    from sroi.proxies import load

    ids = sorted(load().ids)
    lists = wb.create_sheet(_LISTS)
    put(lists.cell(row=1, column=1), "proxy ids (the bundled table)", "Lists, row 1")
    for i, proxy_id in enumerate(ids, start=2):
        put(lists.cell(row=i, column=1), proxy_id, f"Lists, row {i}")
    lists.sheet_state = "hidden"
    letter = _letter(_LETTER["proxy"])
    check = DataValidation(
        type="list", formula1=f"Lists!$A$2:$A${len(ids) + 1}", allow_blank=True,
        showErrorMessage=True, errorTitle="Proxy id",
        error="Pick an id of the bundled table, or leave it blank and give Value £.",
    )  # fmt: skip
    check.errorStyle = "warning"  # a user's own table may hold other ids
    check.add(f"{letter}{_FIRST_ROW}:{letter}{max(last_row, _FIRST_ROW) + 200}")
    ws.add_data_validation(check)


def _model_sheet(wb: Any, model: Model | None) -> None:
    if model is not None:
        scalars = scalar_rows(model)
    else:  # a blank template: the defaults a model takes, to change or keep
        defaults = {
            name: fld.default if isinstance(fld.default, (str, int, float)) else None
            for name, fld in Model.model_fields.items()
        }
        scalars = [(name, defaults.get(name) or None) for name in SCALARS]
    write_model_sheet(wb.create_sheet(MODEL_SHEET), scalars)


def sector_workbook(model: Model) -> Workbook:
    """A model as an impact map laid out as the SROI Guide's, with live formulas.

    Parameters
    ----------
    model : Model
        The model.

    Returns
    -------
    openpyxl.workbook.workbook.Workbook
        Not yet saved. The ``Impact map`` sheet: title, stage and group headings, the
        Guide's columns and the library's others (:data:`COLUMNS`), a row per input,
        output and outcome sharing rows by stakeholder, an Impact formula on each
        outcome's row (when its figures are plain numbers) and a ``Total`` row summing
        the inputs and impacts. ``Model`` sheet: the model's own fields; ``Stakeholders``
        and ``Scenarios`` sheets when the model has any.

    Raises
    ------
    ModelError
        If a text is longer than an Excel cell holds.
    ImportError
        Without openpyxl (``pip install 'sroi[excel]'``).
    """
    openpyxl = openpyxl_module()
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    from sroi._version import __version__

    wb = openpyxl.Workbook()
    wb.properties.creator = f"sroi {__version__}"
    ws = wb.active
    ws.title = SHEET
    rows = _rows(model)
    _refuse_total_labels(rows)
    last = _FIRST_ROW + len(rows) - 1
    _style_sheet(ws, last, title=f"Impact map: {model.name}")
    additive = model.conventions is not None and model.conventions.deductions == "additive"
    for i, row in enumerate(rows):
        r = _FIRST_ROW + i
        cells = _row_cells(row)
        for key, value in cells.items():
            cell = ws.cell(row=r, column=_LETTER[key])
            put(cell, value, f"{SHEET}, row {r}, column {_BY_KEY[key].header}")
        if "outcome" in row:
            impact = ws.cell(row=r, column=_LETTER["impact"])
            plain = all(
                isinstance(cells.get(k, 0.0), (int, float)) for k in ("quantity", *_FRACTIONS)
            ) and isinstance(cells.get("value"), (int, float))
            if plain:
                impact.value = _impact_formula(r, additive)
            else:
                why = (
                    "valued by a proxy id: sroi looks its value up"
                    if cells.get("value") is None
                    else "figures that vary by year or are uncertain"
                )
                impact.comment = Comment(f"No formula: {why}.", "sroi", width=240, height=60)
    total = last + 1 if rows else _FIRST_ROW
    _total_row(ws, total, _FIRST_ROW, max(last, _FIRST_ROW))
    ws.cell(row=total, column=1).font = Font(bold=True)
    _proxy_list(wb, ws, last)
    _model_sheet(wb, model)
    if model.stakeholders:
        table = TABLES[0]
        sheet = wb.create_sheet("Stakeholders")
        data = model.to_dict()["stakeholders"]
        _write_sheet(
            sheet,
            table.columns,
            [[r.get(c) for c in table.columns] for r in data],
            about=_about(table.record),
            formats={},
        )
    if model.scenarios:
        write_scenarios_sheet(wb.create_sheet(SCENARIOS_SHEET), model)
    return wb


def _refuse_total_labels(rows: Sequence[Mapping[str, Any]]) -> None:
    """Refuse a model whose text would read back as a total row (``Total``, ``Sum``).

    In an impact map a row labelled as a total is a total, never data, so a stakeholder,
    input or outcome named so cannot be written in this layout and read back the same.
    """
    problems = []
    for i, row in enumerate(rows):
        cells = _row_cells(row)
        figures = {k for k in cells if k in _NOT_IN_A_TOTAL}
        for key in _LABELS:
            if not figures and is_total_label(cells.get(key)):
                problems.append(
                    Problem(
                        f"{SHEET}, row {_FIRST_ROW + i}, column {_BY_KEY[key].header}",
                        "would be read back as a total row, which is never counted; rename it "
                        "(an impact map labels total rows Total, Sub-total or Sum)",
                        cells[key],
                    )
                )
    if problems:
        raise ModelError(problems)


def _total_row(ws: Any, r: int, first: int, last: int) -> None:
    from openpyxl.styles import Border, Font, Side

    put(ws.cell(row=r, column=1), "Total", f"{SHEET}, row {r}")
    top = Border(top=Side(style="thin", color="595959"))
    for key in ("input_amount", "impact"):
        letter = _letter(_LETTER[key])
        cell = ws.cell(row=r, column=_LETTER[key])
        cell.value = f"=SUM({letter}{first}:{letter}{last})"
        cell.number_format = _MONEY_FORMAT
        cell.font = Font(bold=True)
    for c in range(1, len(COLUMNS) + 1):
        ws.cell(row=r, column=c).border = top


def template_workbook(rows: int = 30) -> Workbook:
    """A blank impact map laid out as the SROI Guide's, ready to fill in.

    Parameters
    ----------
    rows : int, optional
        How many blank rows to lay out, each with its Impact formula [count, 1-10,000];
        default 30. A ``Total`` row follows them.

    Returns
    -------
    openpyxl.workbook.workbook.Workbook
        Not yet saved; the same layout as :func:`sector_workbook`, with data validation
        (percentages 0-100 %, proxy ids from the bundled table and the fixed choices in
        drop-down lists) and a ``Model`` sheet to fill in.

    Raises
    ------
    ModelError
        If ``rows`` is not a whole number from 1 to 10,000.
    """
    if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= 10_000:
        raise ModelError(
            [Problem("rows", "must be a whole number from 1 to 10,000", rows,
                     allowed="a whole number from 1 to 10,000")]
        )  # fmt: skip
    openpyxl = openpyxl_module()
    from openpyxl.styles import Font

    from sroi._version import __version__

    wb = openpyxl.Workbook()
    wb.properties.creator = f"sroi {__version__}"
    ws = wb.active
    ws.title = SHEET
    last = _FIRST_ROW + rows - 1
    _style_sheet(ws, last, title="Impact map: (name of the activity)")
    for r in range(_FIRST_ROW, last + 1):
        ws.cell(row=r, column=_LETTER["impact"]).value = _impact_formula(r, additive=False)
    _total_row(ws, last + 1, _FIRST_ROW, last)
    ws.cell(row=last + 1, column=1).font = Font(bold=True)
    _proxy_list(wb, ws, last)
    _model_sheet(wb, None)
    return wb
