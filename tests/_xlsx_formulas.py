"""A small evaluator of the formulas the social accounts workbook writes
(:func:`sroi.report.write_excel`), for the tests: no spreadsheet program needed.

It reads numbers, ``"text"``, cell references (with or without a quoted sheet name),
ranges, ``+ - * /``, ``&`` (joining texts), ``SUM``, ``IFERROR``, ``IF``, ``ISNUMBER`` and
``TEXT`` (in the formats ``0.00`` and ``#,##0.00``) -- the writer's whole vocabulary -- evaluates
them as a spreadsheet does, and says which cells each formula adds up. A formula using
anything else cannot be read, so a test that evaluates every formula also shows that every
formula is the writer's own (:func:`writers_own`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WRITERS_TEXTS = frozenset(
    {
        '"none"',
        '""',
        '"Every £1 invested produces "',
        '"£"',
        '"#,##0.00"',
        '" per £1"',
        '" of social value (present value)."',
    }
)
"""The only quoted texts in the writer's formulas (for a model in pounds):
``IFERROR(..., "none")``, ``""``, and the pieces of the ratio in words on the summary."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>(?:'(?:[^']|'')+'!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
    | (?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
    | (?P<str>"(?:[^"]|"")*")
    | (?P<fun>SUM|IFERROR|IF|ISNUMBER|TEXT)\(
    | (?P<op>[-+*/(),&])
    )""",
    re.VERBOSE,
)


def _shown(value: Any) -> str:
    """A value as ``&`` joins it: a number without a trailing ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class SpreadsheetError(Exception):
    """A spreadsheet error value (#DIV/0!)."""


def tokens(formula: str) -> list[tuple[str, str]]:
    """The formula's tokens, ``(kind, text)``; an assertion fails on anything else."""
    out, at = [], 0
    text = formula.lstrip("=")
    while at < len(text):
        found = _TOKEN.match(text, at)
        assert found and found.end() > at, f"cannot read {text[at:]!r} in {formula!r}"
        kind = found.lastgroup
        out.append((kind, found.group(kind)))
        at = found.end()
    return out


def _split(ref: str, sheet: str) -> tuple[str, str]:
    if "!" in ref:
        name, _, where = ref.rpartition("!")
        return name[1:-1].replace("''", "'"), where.replace("$", "")
    return sheet, ref.replace("$", "")


def cells(ref: str, sheet: str) -> list[tuple[str, str]]:
    """The (sheet, coordinate) of every cell a reference names."""
    from openpyxl.utils import range_boundaries

    name, where = _split(ref, sheet)
    if ":" not in where:
        return [(name, where)]
    c1, r1, c2, r2 = range_boundaries(where)
    from openpyxl.utils import get_column_letter

    return [
        (name, f"{get_column_letter(c)}{r}") for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
    ]


class Book:
    """A written workbook, its formulas evaluated here, and the cells each one adds up."""

    def __init__(self, path: Path) -> None:
        self.path = path
        import openpyxl

        self.book = openpyxl.load_workbook(path)

    def value(self, sheet: str, coordinate: str):
        cell = self.book[sheet][coordinate]
        if cell.data_type == "f":
            return self.formula(str(cell.value), sheet)
        return cell.value

    def formula(self, formula: str, sheet: str):
        found_tokens = tokens(formula)
        position = [0]

        def peek():
            return found_tokens[position[0]] if position[0] < len(found_tokens) else (None, None)

        def take(expected=None):
            token = found_tokens[position[0]]
            position[0] += 1
            assert expected is None or token[1] == expected, (formula, token, expected)
            return token

        def atom():
            kind, text = take()
            if kind == "num":
                return float(text)
            if kind == "str":
                return text[1:-1].replace('""', '"')
            if kind == "ref":
                values = [self.value(*c) for c in cells(text, sheet)]
                return values if ":" in text.split("!")[-1] else values[0]
            if kind == "fun":
                depth = 0
                # find the arguments first: IFERROR's second is evaluated only on an error
                pieces, begin = [], position[0]
                while True:
                    k, t = found_tokens[position[0]]
                    if t in ("(",) or k == "fun":
                        depth += 1
                    elif t == ")":
                        if depth == 0:
                            pieces.append((begin, position[0]))
                            position[0] += 1
                            break
                        depth -= 1
                    elif t == "," and depth == 0:
                        pieces.append((begin, position[0]))
                        begin = position[0] + 1
                    position[0] += 1
                values = []
                for a, b in pieces:
                    sub = "".join(t + "(" if k == "fun" else t for k, t in found_tokens[a:b])
                    if text == "IFERROR" and values:
                        values.append(lambda sub=sub: self.formula(sub, sheet))
                        continue
                    try:
                        values.append(self.formula(sub, sheet))
                    except SpreadsheetError:
                        if text != "IFERROR":
                            raise
                        values.append(SpreadsheetError)
                if text == "IFERROR":
                    return values[1]() if values[0] is SpreadsheetError else values[0]
                if text == "IF":
                    return values[1] if values[0] else values[2]
                if text == "ISNUMBER":
                    return isinstance(values[0], (int, float)) and not isinstance(values[0], bool)
                if text == "TEXT":
                    number, shape = values
                    if not isinstance(number, (int, float)):
                        return number  # a spreadsheet's TEXT passes text through
                    shown = {"0.00": "{:.2f}", "#,##0.00": "{:,.2f}"}
                    assert shape in shown, f"format {shape!r} not read in {formula!r}"
                    return shown[shape].format(number)
                total = 0.0
                for v in values:
                    for x in v if isinstance(v, list) else [v]:
                        if isinstance(x, (int, float)) and not isinstance(x, bool):
                            total += x
                return total
            if text == "(":
                found = expression()
                take(")")
                return found
            if text == "-":
                return -atom()
            if text == "+":
                return atom()
            raise AssertionError(f"unexpected {text!r} in {formula!r}")

        def term():
            found = atom()
            while peek()[1] in ("*", "/"):
                op = take()[1]
                right = atom()
                if op == "*":
                    found = found * right
                elif not right:
                    raise SpreadsheetError("#DIV/0!")
                else:
                    found = found / right
            return found

        def arithmetic():
            found = term()
            while peek()[1] in ("+", "-"):
                op = take()[1]
                right = term()
                found = found + right if op == "+" else found - right
            return found

        def expression():  # & joins texts, after + and - (as in a spreadsheet)
            found = arithmetic()
            while peek()[1] == "&":
                take()
                found = _shown(found) + _shown(arithmetic())
            return found

        found = expression()
        assert position[0] == len(found_tokens), f"unread tokens in {formula!r}"
        return found

    def leaves(self, sheet: str, coordinate: str) -> list[tuple[str, str]]:
        """The cells holding numbers (not formulas) that a formula cell adds up, in order."""
        cell = self.book[sheet][coordinate]
        if cell.data_type != "f":
            return [(sheet, coordinate)]
        out = []
        for kind, text in tokens(str(cell.value)):
            if kind == "ref":
                for c in cells(text, sheet):
                    out += self.leaves(*c)
        return out

    def rows(self, sheet: str, column: int = 1) -> dict[str, int]:
        """Row numbers by the text in ``column`` (the last row of a repeated text)."""
        ws = self.book[sheet]
        return {
            ws.cell(r, column).value: r
            for r in range(1, ws.max_row + 1)
            if isinstance(ws.cell(r, column).value, str)
        }

    def at(self, sheet: str, label: str, column: int, *, first: bool = False):
        """The value in ``column`` of the row labelled ``label`` (the last such row, or
        the first), and the cell."""
        ws = self.book[sheet]
        rows = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label]
        assert rows, f"no row {label!r} on {sheet!r}"
        cell = ws.cell(rows[0] if first else rows[-1], column)
        return self.value(sheet, cell.coordinate), cell


def formula_cells(book: Book) -> Iterator[tuple[str, Any]]:
    """Every formula cell of the workbook, with its sheet's title."""
    for ws in book.book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield ws.title, cell


def writers_own(book: Book, sheet: str, formula: str) -> None:
    """Assert that ``formula`` (on ``sheet``) is one the writer makes, never user text: it
    reads as references to the workbook's own sheets, numbers, ``+ - * / ( ) , &``, the
    functions the evaluator reads and the texts :data:`WRITERS_TEXTS` only; and that it
    evaluates."""
    found = tokens(formula)  # anything else cannot be read
    for kind, text in found:
        if kind == "str":
            assert text in WRITERS_TEXTS, (sheet, formula)
        if kind == "ref":
            name, _ = _split(text, sheet)
            assert name in book.book.sheetnames, (sheet, formula, name)
    book.formula(formula, sheet)
