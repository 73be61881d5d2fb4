"""Tables of rows in (spend, actuals, lookups): a CSV file or a DataFrame, each row located.

A commissioning table arrives as a CSV file (a path) or a pandas DataFrame. Either way it
becomes a list of :class:`Row` s, each with its place for messages: ``spend.csv, row 7``
(rows numbered as in a spreadsheet: the header is row 1) or ``spend, row 5`` (a
DataFrame's index label). The file is checked against :func:`sroi.io.default_limits`
(size, rows, cells) as it is read, and must be UTF-8 text (a byte order mark allowed) or
UTF-16 with a byte order mark, as every other file ``sroi`` reads.

Cells are read by the helpers here, each adding a located :class:`~sroi.errors.Problem`
and returning None for a cell that is not valid, so that a table's every problem is
reported together.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import numbers
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sroi.errors import ModelError, Problem, show_names, show_value
from sroi.io.limits import breach, default_limits, read_bytes
from sroi.io.text import decode

__all__ = ["Row", "Table", "as_number", "blank", "number_cell", "read_table", "text_cell"]


@dataclass(frozen=True)
class Row:
    """One row of a table: its cells by column, and where it is (``spend.csv, row 7``)."""

    where: str
    cells: Mapping[str, Any]

    def at(self, column: str) -> str:
        """The location of a cell: ``spend.csv, row 7, column postcode``."""
        return f"{self.where}, column {column}"


@dataclass(frozen=True)
class Table:
    """A table's rows and columns, and its name for messages (``spend.csv``)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def blank(value: Any) -> bool:
    """Whether a cell is empty: None, NaN, pandas' NA, or text of spaces only."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError, ImportError):
        return False


def read_table(
    source: Any,
    argument: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    title: str,
) -> Table:
    """Read a table from a CSV path or a DataFrame, checking its columns.

    Parameters
    ----------
    source : str, path-like or pandas.DataFrame
        The table.
    argument : str
        The argument's name (``"spend"``), naming a DataFrame's rows in messages.
    required, optional : sequence of str
        The columns it must have and those it may have. Headers are read whatever their
        case and surrounding spaces; any other column is an error (a typo such as
        ``quantiy`` must not be silently ignored).
    title : str
        What the table is, for the error (``"the spend table"``).

    Raises
    ------
    ModelError
        For a source that is neither, a file that cannot be read as CSV text, a table
        past a limit, and for missing, unknown or repeated columns, all together.
    FileNotFoundError
        If there is no such file.
    """
    if hasattr(source, "columns") and hasattr(source, "to_dict"):
        name = argument
        header = [str(c) for c in source.columns]
        raw_rows = [
            (f"{argument}, row {label}", list(values))
            for label, values in zip(source.index, source.itertuples(index=False), strict=True)
        ]
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = path.name
        header, raw_rows = _csv_rows(path, title)
    else:
        raise ModelError(
            [
                Problem(
                    argument,
                    f"must be a CSV file's path or a pandas DataFrame, not {type(source).__name__}",
                    allowed="the path of a CSV file, or a pandas DataFrame",
                )
            ],
            title=title,
        )
    columns = [h.strip().lower() for h in header]
    known = (*required, *optional)
    problems: list[Problem] = []
    for column in sorted({c for c in columns if columns.count(c) > 1}):
        problems.append(
            Problem(name, f"has two columns named {column!r}; give each column once", column)
        )
    for given, column in zip(header, columns, strict=True):
        if column not in known:
            near = difflib.get_close_matches(column, known, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            problems.append(
                Problem(
                    f"{name}, column {given}",
                    f"is not a column of {title}{hint}; its columns are " + show_names(known),
                    given,
                    allowed=show_names(known),
                    kind="unknown_field",
                    suggestions=tuple(near),
                )
            )
    for column in required:
        if column not in columns:
            problems.append(
                Problem(name, f"has no column {column!r}; it needs one", kind="missing")
            )
    if problems:
        raise ModelError(problems, title=title)
    rows = tuple(Row(where, dict(zip(columns, values, strict=False))) for where, values in raw_rows)
    return Table(name=name, columns=tuple(columns), rows=rows)


def _csv_rows(path: Path, title: str) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    limits = default_limits()
    text = decode(read_bytes(path, limits), path.name, title=str(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[str, list[Any]]] = []
    cells = 0
    try:
        for number, record in enumerate(reader, start=1):
            cells += len(record)
            if cells > limits.cells:
                raise ModelError(
                    [
                        breach(
                            path.name, "has more cells than", cells, "cells", limits, at_least=True
                        )
                    ],
                    title=str(path),
                )
            if header is None:
                header = record
                continue
            if all(not c.strip() for c in record):
                continue
            if len(record) > len(header):
                raise ModelError(
                    [
                        Problem(
                            f"{path.name}, row {number}",
                            f"has {len(record)} cells; the header has {len(header)} columns",
                        )
                    ],
                    title=title,
                )
            rows.append((f"{path.name}, row {number}", record))
            if len(rows) > limits.rows:
                raise ModelError(
                    [
                        breach(
                            path.name,
                            "has more rows than",
                            len(rows),
                            "rows",
                            limits,
                            at_least=True,
                        )
                    ],
                    title=str(path),
                )
    except csv.Error as exc:
        raise ModelError(
            [Problem(f"{path.name}, line {reader.line_num}", f"is not valid CSV: {exc}")],
            title=title,
        ) from None
    if header is None or all(not c.strip() for c in header):
        raise ModelError(
            [Problem(path.name, "is empty; it needs a header row of column names")], title=title
        )
    return header, rows


# --------------------------------------------------------------------------------------
# Cells


_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?")


def as_number(value: Any) -> float | None:
    """A cell as a finite float (text read too), or None."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("£"):
            text = text[1:]
        if _THOUSANDS.fullmatch(text):  # 1,250.50: commas only between groups of three
            text = text.replace(",", "")
        try:
            out = float(text)
        except ValueError:
            return None
    elif isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
        return None
    else:
        try:
            out = float(value)
        except (OverflowError, ValueError, TypeError, ArithmeticError):
            return None
    return out if math.isfinite(out) else None


def number_cell(
    row: Row,
    column: str,
    problems: list[Problem],
    *,
    minimum: float | None = None,
    above: float | None = None,
    maximum: float | None = None,
    required: bool = True,
    what: str = "a number",
) -> float | None:
    """A number cell, checked; None (with a located problem) when it is not valid, and
    None (without one) when it is blank and not ``required``.

    Text is read as a number (``"1,250.50"`` and ``"£1,250.50"`` too), as a CSV holds
    only text.
    """
    value = row.cells.get(column)
    if blank(value):
        if required:
            problems.append(Problem(row.at(column), f"is blank; give {what}", kind="missing"))
        return None
    out = as_number(value)
    allowed = what
    if out is None:
        problems.append(Problem(row.at(column), f"must be {what}", value, allowed=allowed))
        return None
    if minimum is not None and out < minimum:
        word = "negative" if minimum == 0 else f"below {minimum:g}"
        problems.append(Problem(row.at(column), f"must not be {word}", value, allowed=allowed))
        return None
    if above is not None and out <= above:
        problems.append(
            Problem(row.at(column), f"must be more than {above:g}", value, allowed=allowed)
        )
        return None
    if maximum is not None and out > maximum:
        problems.append(
            Problem(row.at(column), f"must be at most {maximum:g}", value, allowed=allowed)
        )
        return None
    return out


def text_cell(row: Row, column: str, problems: list[Problem], *, required: bool = True) -> str:
    """A text cell, stripped; ``""`` (with a problem if ``required``) when blank."""
    value = row.cells.get(column)
    if blank(value):
        if required:
            problems.append(Problem(row.at(column), "is blank; it must be given", kind="missing"))
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def shown(value: Any) -> str:
    """A value as short text for a message."""
    return show_value(value, 40)
