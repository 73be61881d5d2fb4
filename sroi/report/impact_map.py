"""A result as an Excel impact map: the model's workbook with computed columns and figures.

The workbook is the model's own (:mod:`sroi.io.excel`), so it reads back with
:func:`sroi.read_model` as the result's model. The ``Impact map`` sheet gains, after the
model's columns, the columns of :data:`sroi.io.layout.COMPUTED` (grey headers:
``value_used``, ``gross``, ``after_deadweight``, ``after_displacement``,
``after_attribution``, ``total_impact``, ``present_value``, ``share_of_present_value``,
``proxy_table_source``), and the workbook a ``Results`` sheet with the headline figures. Both
are ignored on reading. Text is written as in the model's workbook: as text, never a
formula, with the injection rule of :mod:`sroi.io.cells`.
"""

from __future__ import annotations

import math
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.errors import ModelError, Problem
from sroi.io.excel import MONEY_FORMAT, model_workbook, put
from sroi.io.layout import COMPUTED
from sroi.result import Result

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.workbook.workbook import Workbook

__all__ = ["write_impact_map"]

RESULTS_SHEET = "Results"


def _computed_rows(result: Result) -> list[list[Any]]:
    """One row per outcome: the values of the computed columns, in their order."""
    table = result.by_outcome
    valuations = result.valuations
    rows = []
    for i, row in enumerate(table.to_dict("records")):
        proxy = valuations[i].proxy if i < len(valuations) else None
        out: list[Any] = []
        for name, _ in COMPUTED:
            if name == "proxy_table_source":
                out.append(proxy.source if proxy is not None and proxy.source else None)
                continue
            x = float(row["value" if name == "value_used" else name])
            out.append(x if math.isfinite(x) else None)
        rows.append(out)
    return rows


def _results_sheet(wb: Workbook, result: Result) -> None:
    """Add the ``Results`` sheet: the headline figures, and a note that they are computed."""
    from openpyxl.styles import Font

    from sroi._version import __version__

    model = result.model
    ws = wb.create_sheet(RESULTS_SHEET)
    figures = [
        ("Present value", result.present_value, MONEY_FORMAT),
        ("Total investment", result.total_investment, MONEY_FORMAT),
        ("Net present value", result.npv, MONEY_FORMAT),
        ("SROI ratio", result.ratio, "0.00"),
        ("Net SROI ratio", result.net_ratio, "0.00"),
        ("Payback [months]", result.payback_months, "0.0"),
        ("Discounted payback [years]", result.discounted_payback_years, "0.00"),
    ]
    ws.cell(row=1, column=1, value="figure").font = Font(bold=True)
    prices = f", {result.price_year} prices" if result.price_year else ""
    put(ws.cell(row=1, column=2), f"value [{model.currency}{prices}]", "")
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
    put(note, f"Computed by sroi {__version__}; not read back from this workbook.{restated}", "")
    note.font = Font(italic=True, color="595959")
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 20


def write_impact_map(result: Result, path: str | PathLike[str]) -> Path:
    """Write a result as an Excel impact map: the model, computed columns and headline figures.

    The workbook reads back (:func:`sroi.read_model`) as the result's model; the computed
    columns and the ``Results`` sheet are ignored on reading.

    Parameters
    ----------
    result : Result
        What :func:`sroi.evaluate` returned.
    path : str or os.PathLike
        The workbook to write (``.xlsx``); an existing file is replaced.

    Returns
    -------
    pathlib.Path
        The workbook written.

    Raises
    ------
    ModelError
        If ``result`` is not a :class:`~sroi.result.Result`.
    ImportError
        Without openpyxl (``pip install 'sroi[excel]'``).

    Examples
    --------
    >>> import sroi, tempfile, openpyxl
    >>> r = sroi.evaluate({"name": "Garden",
    ...     "inputs": [{"stakeholder": "HA", "amount": 100}],
    ...     "outcomes": [{"stakeholder": "Tenants", "outcome": "Food",
    ...                   "quantity": 1, "value": 207, "duration": 1}]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_impact_map(r, d + "/impact_map.xlsx")
    ...     book = openpyxl.load_workbook(path)
    ...     same = sroi.read_model(path) == r.model
    >>> book.sheetnames
    ['Model', 'Stakeholders', 'Inputs', 'Outputs', 'Impact map', 'Results']
    >>> same
    True
    """
    if not isinstance(result, Result):
        raise ModelError(
            [Problem("", f"write_impact_map needs a sroi.Result, not {type(result).__name__}")]
        )
    wb = model_workbook(result.model, _computed_rows(result))
    _results_sheet(wb, result)
    p = Path(path)
    wb.save(p)
    return p
