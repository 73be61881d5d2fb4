"""The financial proxy catalogue: the bundled ``data/unit_costs.csv`` and users' own tables.

A *financial proxy* puts a money value on an outcome: the fiscal saving when a claimant
enters work, the cost of a homelessness application, the value of a tonne of CO2e. Each row
of a proxy table holds one, with its unit, price year, who gains (the *bearer*), which of
the Marmot Review's policy objectives it serves, a confidence grade, its source, the
licence under which it may be redistributed, the source's own code, the age of its data
and how much of it is a transfer payment.

The schema (columns in this order): ``id, name, category, value, currency, unit,
price_year, value_type, bearer, bearer_split, marmot_objective, confidence, source,
licence, note, source_code, bearer_detail, data_age, transfer_share, replaces``; see
:data:`COLUMNS` and :func:`read_table` for what each may hold.

Only open-licensed figures are bundled: most rows are the New Economy Unit Cost Database
v1.4 (CC BY 4.0). Values from licensed value banks (HACT's UK Social Value Bank, the
National TOMs) must come from the user's own licensed copy, loaded with :func:`read_table`
as the bank writes it (ids such as ``NT1``, only five columns required) and merged over the
bundled table; every value from such a table carries its licence.

References
----------
.. [1] M. Marmot et al. (2010). *Fair Society, Healthy Lives: The Marmot Review*. Strategic
   Review of Health Inequalities in England post-2010 (the six policy objectives).
.. [2] HM Treasury, New Economy, Public Service Transformation Network (2014). *Supporting
   public service transformation: cost benefit analysis guidance for local partnerships*
   (fiscal / economic / social values; who benefits; the Unit Cost Database).
.. [3] New Economy (2015). *Unit Cost Database* v1.4, sheets 'Guidance' (fiscal, economic
   and social values; transfer payments) and 'v1.4 update log' (the age of the data).
   Licensed CC BY 4.0.
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import html
import io
import math
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from sroi._resources import data_file
from sroi.errors import ModelError, Problem, SROIWarning, UnitError, UnknownProxyError
from sroi.formatting import describe_bearers, number
from sroi.io.limits import Limits, breach, read_bytes, refuse, resolve
from sroi.io.text import decode
from sroi.parsing import (
    format_bearer_split,
    message_of,
    parse_bearer_split,
    parse_choice,
    parse_number,
    parse_price_year,
)
from sroi.proxies import search as _search
from sroi.proxies.deflators import PriceYear, Series, index_factor
from sroi.units import CURRENCIES, annual_value_factor, currency_of, parse_unit
from sroi.vocabulary import CATEGORIES, MARMOT_OBJECTIVES, VALUE_TYPES

if TYPE_CHECKING:  # pandas is imported lazily, on first use
    import pandas as pd

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "DATA_AGES",
    "MARMOT_OBJECTIVES",
    "REQUIRED_COLUMNS",
    "UNSTATED_LICENCE",
    "VALUE_TYPES",
    "Proxy",
    "ProxyTable",
    "data_age",
    "describe_bearers",
    "format_bearer_split",
    "load",
    "parse_bearer_split",
    "read_table",
]

#: The columns of a proxy table, in order.
COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "category",
    "value",
    "currency",
    "unit",
    "price_year",
    "value_type",
    "bearer",
    "bearer_split",
    "marmot_objective",
    "confidence",
    "source",
    "licence",
    "note",
    "source_code",
    "bearer_detail",
    "data_age",
    "transfer_share",
    "replaces",
)

#: The columns a user's table must have; the others default (see :func:`read_table`).
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "value", "unit", "price_year")

#: The licence given to a user's row that states none.
UNSTATED_LICENCE = "user-supplied, licence not stated"

#: The data-age grades, newest first (see :func:`data_age`).
DATA_AGES: tuple[str, ...] = ("green", "amber", "red")

# The vocabularies (CATEGORIES, VALUE_TYPES, MARMOT_OBJECTIVES) come from sroi.vocabulary,
# and the parsers of who gains from sroi.parsing; they are re-exported here by their names.

# Columns the bundled table must fill in every row.
_REQUIRED = ("id", "name", "category", "value", "currency", "unit", "value_type", "bearer")
_REQUIRED += ("source", "licence", "transfer_share")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_BAD_ID = re.compile(r"[\x00-\x1f\x7f;]")
_MAX_ID = 200
_BUNDLED = "unit_costs.csv"
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def data_age(price_year: str | int | PriceYear | None) -> str:
    """The age grade of a price year: ``"green"``, ``"amber"``, ``"red"``, or ``""``.

    The Unit Cost Database v1.4 grades the age of its data by price year ('v1.4 update
    log' sheet): **red** 2007/08 and earlier, **amber** 2008/09 to 2010/11, **green**
    2011/12 and later. A calendar year is graded as the financial year that begins in it
    (2008 as 2008/09). No price year, no grade (``""``). The rule is the database's own,
    of 2015: a green value may still be ten years old, so read the price year too.

    Parameters
    ----------
    price_year : str, int, PriceYear or None
        ``"2010/11"``, ``2022``, a :class:`PriceYear`, or None (or ``""``) for none.

    Returns
    -------
    str

    References
    ----------
    .. [1] New Economy (2015). *Unit Cost Database* v1.4, 'v1.4 update log' sheet, cell D45
       ("The RAG scoring ... applied to 'score' the age of the data").

    Examples
    --------
    >>> data_age("2007/08"), data_age("2010/11"), data_age("2011/12"), data_age(2022)
    ('red', 'amber', 'green', 'green')
    >>> data_age(None)
    ''
    """
    if price_year is None or price_year == "":
        return ""
    start = parse_price_year(price_year).start
    if start <= 2007:
        return "red"
    if start <= 2010:
        return "amber"
    return "green"


# --------------------------------------------------------------------------------------
# Proxy


@dataclass(frozen=True)
class Proxy:
    """One financial proxy: a row of a proxy table.

    Parameters
    ----------
    id : str
        Stable identifier: snake_case in the bundled table; as the bank writes it (``NT1``)
        in a user's table.
    name : str
        What the value is of.
    category : str
        One of :data:`CATEGORIES`; ``""`` when a user's table gives none.
    value : float
        The value [``currency`` per ``unit``'s denominator, at ``price_year`` prices].
    currency : str
        Currency code (``"GBP"``).
    unit : str
        Money per something, pint-parsable (``"GBP / person / year"``).
    price_year : PriceYear or None
        Price year of ``value``; None where the source gives none (``note`` says so).
    value_type : str
        One of :data:`VALUE_TYPES`; ``""`` when a user's table gives none.
    bearer : str
        Who gains (an agency such as DWP or NHS, the individual, society); ``""`` when a
        user's table gives none.
    bearer_split : tuple of (str, float)
        Shares of the value by agency [fraction, 0-1, summing to 1]; ``((bearer, 1.0),)``
        when the table gives none, ``()`` when it names no bearer.
    marmot_objective : str or None
        Id of the Marmot policy objective served (a key of :data:`MARMOT_OBJECTIVES`).
    confidence : str
        Confidence grade as given by the table (the UCD's RAG grade).
    source, licence, note : str
        Where the figure comes from, the licence it is used under, remarks. A user's row
        that states no licence has :data:`UNSTATED_LICENCE`.
    source_code : str
        The source's own code for the figure (UCD cost code ``CR8.4``), or ``""``.
    bearer_detail : str
        The part of the bearer that gains (the UCD's second agency level, such as
        ``Clinical Commissioning Group``), or ``""``.
    data_age : str
        ``"green"``, ``"amber"`` or ``"red"`` by the UCD's rule (:func:`data_age`), or
        ``""`` without a price year.
    transfer_share : float or None
        The share of the value that is a transfer payment (benefits or taxes, which move
        money rather than save resources) [fraction, 0-1]; None when a user's table does
        not say.
    replaces : tuple of str
        Older ids that now name this row (they still work, with a warning).
    """

    id: str
    name: str
    category: str
    value: float
    currency: str
    unit: str
    price_year: PriceYear | None
    value_type: str
    bearer: str
    bearer_split: tuple[tuple[str, float], ...]
    marmot_objective: str | None
    confidence: str
    source: str
    licence: str
    note: str
    source_code: str = ""
    bearer_detail: str = ""
    data_age: str = ""
    transfer_share: float | None = 0.0
    replaces: tuple[str, ...] = ()

    @property
    def marmot_wording(self) -> str | None:
        """The Marmot objective in full, or None."""
        if self.marmot_objective is None:
            return None
        return MARMOT_OBJECTIVES[self.marmot_objective]

    @property
    def transfer(self) -> bool:
        """Whether some of the value is a transfer payment (``transfer_share > 0``)."""
        return bool(self.transfer_share)

    def value_in(self, price_year: str | int | PriceYear, *, series: Series = "hmt") -> float:
        """The value moved to another price year with :func:`index_factor`.

        Parameters
        ----------
        price_year : str, int or PriceYear
            The price year wanted (``2024`` or ``"2023/24"``).
        series : {"hmt", "ucd"}, default "hmt"
            The GDP deflator series.

        Returns
        -------
        float
            [``currency`` per unit, at ``price_year`` prices].

        Raises
        ------
        ModelError
            If the proxy has no price year, or a year is outside the deflator series.
        """
        if self.price_year is None:
            raise ModelError(
                [
                    Problem(
                        f"proxy {self.id!r}",
                        "has no price year, so it cannot be moved to another one "
                        f"(note: {self.note or 'none'})",
                    )
                ]
            )
        return self.value * index_factor(self.price_year, price_year, series=series)

    def annual_value_factor(self, quantity_unit: str | None = None) -> float:
        """Factor to money per unit of quantity per year; see
        :func:`sroi.units.annual_value_factor`.
        """
        return annual_value_factor(self.unit, quantity_unit, self.currency)


# --------------------------------------------------------------------------------------
# Validation


def _cell(value: Any) -> str:
    """One cell as a stripped string; blanks (None, NaN, NA) as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return str(value).strip()


def _check_id(text: str, strict: bool) -> str | None:
    """What is wrong with an id, or None."""
    if strict:
        if not _ID.match(text):
            return "must be snake_case: lower-case letters, digits and _"
        return None
    if len(text) > _MAX_ID:
        return f"must be at most {_MAX_ID} characters"
    if _BAD_ID.search(text):
        return "must not hold a control character or ';'"
    return None


def _check_row(row: dict[str, str], present: set[str], strict: bool) -> list[tuple[str, str]]:
    """Problems of one row as (column, message); normalises ``row`` in place.

    Values are read with the parsers the model uses (:mod:`sroi.parsing`), from text.
    """
    out: list[tuple[str, str]] = []

    def check(column: str, parse: Any) -> Any:
        try:
            return parse(row[column])
        except ModelError as exc:
            out.append((column, message_of(exc)))
            return None

    required = _REQUIRED if strict else ("id", "name", "value", "unit")
    for col in required:
        if col in present and not row[col]:
            out.append((col, "is required and is blank"))
    rid = row.get("id", "")
    if rid:
        problem = _check_id(rid, strict)
        if problem:
            out.append(("id", problem))
    for col, words in (("category", CATEGORIES), ("value_type", VALUE_TYPES)):
        if row.get(col):
            check(col, lambda text, words=words: parse_choice(text, words))
    if row.get("value"):
        value = check("value", lambda text: parse_number(text, from_text=True))
        if value == 0.0:
            out.append(("value", "must not be zero (a proxy worth nothing values nothing)"))
        elif value is not None:
            row["value"] = repr(value)
    currency = row.get("currency", "")
    if currency:
        check("currency", lambda text: parse_choice(text, CURRENCIES))
    if row.get("unit"):
        try:
            unit = parse_unit(row["unit"])
        except UnitError as exc:
            out.append(("unit", str(exc)))
        else:
            unit_currency = currency_of(unit)
            if unit_currency is None:
                out.append(("unit", "must be money per something, as in GBP / person / year"))
            elif currency in CURRENCIES and unit_currency != currency:
                out.append(("unit", f"is in {unit_currency} but column currency is {currency}"))
    year = None
    if "price_year" in present:
        if row["price_year"]:
            year = check("price_year", parse_price_year)
            if year is not None:
                row["price_year"] = str(year)
        elif not row.get("note"):
            out.append(("price_year", "is blank; a blank price year needs a note saying why"))
    if row.get("bearer_split"):
        check("bearer_split", lambda text: parse_bearer_split(text, shares_only=True))
    if row.get("marmot_objective"):
        check("marmot_objective", lambda text: parse_choice(text, MARMOT_OBJECTIVES))
    if strict and year is not None and not row["data_age"]:
        out.append(("data_age", f"is blank; it must be {data_age(year)!r} for price year {year}"))
    if row.get("data_age"):
        grade = row["data_age"]
        if grade not in DATA_AGES:
            out.append(("data_age", f"must be one of {', '.join(DATA_AGES)}, or blank"))
        elif strict and year is not None and grade != data_age(year):
            out.append(("data_age", f"must be {data_age(year)!r} for price year {year}"))
    if row.get("transfer_share"):
        share = check("transfer_share", lambda text: parse_number(text, from_text=True))
        if share is not None and not 0 <= share <= 1:
            out.append(("transfer_share", "must be a fraction from 0 to 1"))
        elif share is not None:
            row["transfer_share"] = repr(share)
    if row.get("replaces"):
        olds = [part.strip() for part in row["replaces"].split(";")]
        bad = [old for old in olds if not old or _check_id(old, strict)]
        if bad:
            out.append(("replaces", "must be ids joined by ';', such as old_id;older_id"))
        else:
            row["replaces"] = ";".join(olds)
    return out


def _column_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


_KEYS = {_column_key(c): c for c in COLUMNS}


def _columns(
    columns: list[str], name: str, strict: bool, rename: Mapping[str, str] | None
) -> tuple[dict[str, str], list[Problem], list[str]]:
    """The file's columns read as schema columns: (file column -> column, problems, notes).

    The bundled table must have exactly :data:`COLUMNS`. A user's table must have
    :data:`REQUIRED_COLUMNS`; ``rename`` maps its own headers to columns, and a header
    that differs from a column only in case, spaces or hyphens (``Price year``) is read as
    that column, which the notes say.
    """
    problems: list[Problem] = []
    notes: list[str] = []
    where = f"{name} columns"
    if strict:
        missing = [c for c in COLUMNS if c not in columns]
        unknown = [c for c in columns if c not in COLUMNS]
        if missing:
            problems.append(Problem(where, f"missing column(s) {', '.join(map(repr, missing))}"))
        if unknown:
            problems.append(
                Problem(
                    where,
                    f"unknown column(s) {', '.join(map(repr, unknown))}; "
                    f"the columns are {', '.join(COLUMNS)}",
                )
            )
        return {c: c for c in columns if c in COLUMNS}, problems, notes
    rename = dict(rename or {})
    bad_targets = sorted({t for t in rename.values() if t not in COLUMNS})
    if bad_targets:
        problems.append(
            Problem(
                "columns",
                f"maps to {', '.join(map(repr, bad_targets))}, which are not columns",
                allowed=f"a mapping of your headers to the columns {', '.join(COLUMNS)}",
            )
        )
    found: dict[str, str] = {}
    unknown = []
    for column in columns:
        if column in rename:
            target = rename[column]
            if target in COLUMNS:
                found[column] = target
                notes.append(f"column {column!r} read as {target!r} (columns=)")
        elif column in COLUMNS:
            found[column] = column
        elif _column_key(column) in _KEYS:
            found[column] = _KEYS[_column_key(column)]
            notes.append(f"column {column!r} read as {found[column]!r}")
        else:
            unknown.append(column)
    seen: dict[str, str] = {}
    for column, target in found.items():
        if target in seen:
            problems.append(
                Problem(where, f"{seen[target]!r} and {column!r} are both column {target!r}")
            )
        seen[target] = column
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        unread = f"; headers not read: {', '.join(map(repr, unknown))}" if unknown else ""
        problems.append(
            Problem(
                where,
                f"missing column(s) {', '.join(map(repr, missing))}; a proxy table needs "
                f"{', '.join(REQUIRED_COLUMNS)} (the other columns are optional){unread} "
                "(name your own headers with read_table(..., columns={'Your header': "
                "'column'}))",
            )
        )
    # a bank's own columns (Theme, Outcome ...) are left out and listed; a header close to
    # a column's name is taken for a typo of it and refused, never ignored
    typos = {
        c: close[0]
        for c in unknown
        if (close := difflib.get_close_matches(_column_key(c), list(_KEYS), n=1, cutoff=0.8))
    }
    if typos:
        problems.append(
            Problem(
                where,
                "unknown column(s) "
                + ", ".join(f"{c!r} (did you mean {_KEYS[k]!r}?)" for c, k in typos.items())
                + f"; the columns are {', '.join(COLUMNS)} (name your own headers with "
                "read_table(..., columns={'Your header': 'column'}))",
            )
        )
    left_out = [c for c in unknown if c not in typos]
    if left_out:
        notes.append(
            f"column(s) {', '.join(map(repr, left_out))} not read: not proxy-table columns "
            "(keep one with read_table(..., columns={'Your header': 'note'}))"
        )
    return found, problems, notes


def _labels(labels: list[str], limit: int = 5) -> str:
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def _defaults(
    rows: list[dict[str, str]],
    labels: list[str],
    present: set[str],
    name: str,
    licence: str | None,
) -> tuple[list[str], list[str]]:
    """Fill a user's blank cells with their defaults; return what was done, and the part
    of it worth a warning (a licence or source not stated, a row not classified)."""
    notes: list[str] = []
    warn: list[str] = []
    source = f"user table {name}"
    given_licence = licence if licence is not None else UNSTATED_LICENCE

    def fill(column: str, value: Any, saying: str, important: bool) -> None:
        filled = []
        for label, row in zip(labels, rows, strict=True):
            if not row[column]:
                new = value(row) if callable(value) else value
                if new:
                    row[column] = new
                    filled.append(label)
        if filled:
            where = "not in the table" if column not in present else f"blank in {_labels(filled)}"
            notes.append(f"{column}: {where}; {saying}")
            if important:
                warn.append(notes[-1])

    def unit_currency(row: dict[str, str]) -> str:
        try:
            return currency_of(row["unit"]) or ""
        except UnitError:
            return ""

    fill("currency", unit_currency, "taken from each row's unit", False)
    fill("source", source, f"set to {source!r}", True)
    fill(
        "licence",
        given_licence,
        f"set to {given_licence!r}"
        + ("" if licence is not None else " (name it with read_table(..., licence=...))"),
        licence is None,
    )
    fill(
        "data_age",
        lambda row: data_age(row["price_year"]) if row["price_year"] else "",
        "graded from each price year by the Unit Cost Database's rule",
        False,
    )
    for column, important in (
        ("category", True),
        ("value_type", True),
        ("bearer", True),
        ("transfer_share", False),
    ):
        blank = [label for label, row in zip(labels, rows, strict=True) if not row[column]]
        if blank:
            where = "not in the table" if column not in present else f"blank in {_labels(blank)}"
            what = "not stated" if column == "transfer_share" else "left blank (not classified)"
            notes.append(f"{column}: {where}; {what}")
            if important:
                warn.append(notes[-1])
    return notes, warn


def _validate(
    records: list[dict[str, Any]],
    columns: list[str],
    labels: list[str],
    name: str,
    found: Iterable[Problem] = (),
    *,
    strict: bool = False,
    licence: str | None = None,
    rename: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, str]], list[str], list[str]]:
    """Check every row; raise one ModelError listing every problem, else return the rows,
    the notes on what was defaulted or read differently, and those of them worth a warning.

    ``found`` are problems already found while reading the file, reported first. With
    ``strict`` (the bundled table) every column must be there and filled; otherwise only
    :data:`REQUIRED_COLUMNS`, the others taking their defaults (:func:`read_table`).
    """
    problems: list[Problem] = list(found)
    mapping, column_problems, notes = _columns(columns, name, strict, rename)
    problems += column_problems
    present = set(mapping.values())
    rows: list[dict[str, str]] = []
    first_seen: dict[str, str] = {}
    for label, record in zip(labels, records, strict=True):
        given = {mapping[c]: record.get(c) for c in mapping}
        row = {c: _cell(given.get(c)) for c in COLUMNS}
        rid = row["id"]
        where = f"{name} {label}" + (f" (id {rid!r})" if rid else "")
        found_here = sorted(
            _check_row(row, present, strict), key=lambda item: COLUMNS.index(item[0])
        )
        for col, message in found_here:
            problems.append(Problem(f"{where}, column {col}", message, _cell(given.get(col))))
        if rid in first_seen:
            problems.append(
                Problem(f"{where}, column id", f"duplicate id, first used in {first_seen[rid]}")
            )
        elif rid:
            first_seen[rid] = label
        rows.append(row)
    replaced: dict[str, str] = {}
    for label, row in zip(labels, rows, strict=True):
        for old in filter(None, row["replaces"].split(";")):
            where = f"{name} {label} (id {row['id']!r}), column replaces"
            if old in first_seen:
                problems.append(Problem(where, f"{old!r} is the id of another row", old))
            elif old in replaced:
                problems.append(
                    Problem(where, f"{old!r} is already replaced by {replaced[old]!r}", old)
                )
            else:
                replaced[old] = row["id"]
    if problems:
        raise ModelError(problems, title=f"proxy table {name}")
    warn: list[str] = []
    if not strict:
        defaulted, warn = _defaults(rows, labels, present, name, licence)
        notes += defaulted
    return rows, [f"{name}: {note}" for note in notes], [f"{name}: {w}" for w in warn]


# --------------------------------------------------------------------------------------
# The table


def _frame_from_rows(rows: list[dict[str, str]]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
    frame["value"] = frame["value"].astype(float)
    for col in COLUMNS:
        if col != "value":
            frame[col] = frame[col].astype(object)
    return frame.reset_index(drop=True)


def _proxy_from_row(row: Mapping[str, Any]) -> Proxy:
    bearer = row["bearer"]
    if row["bearer_split"]:
        split = parse_bearer_split(row["bearer_split"], shares_only=True)
    else:
        split = ((bearer, 1.0),) if bearer else ()
    share = row["transfer_share"]
    return Proxy(
        id=row["id"],
        name=row["name"],
        category=row["category"],
        value=float(row["value"]),
        currency=row["currency"],
        unit=row["unit"],
        price_year=parse_price_year(row["price_year"]) if row["price_year"] else None,
        value_type=row["value_type"],
        bearer=bearer,
        bearer_split=split,
        marmot_objective=row["marmot_objective"] or None,
        confidence=row["confidence"],
        source=row["source"],
        licence=row["licence"],
        note=row["note"],
        source_code=row["source_code"],
        bearer_detail=row["bearer_detail"],
        data_age=row["data_age"],
        transfer_share=float(share) if share != "" else None,
        replaces=tuple(filter(None, row["replaces"].split(";"))),
    )


_SERIES_ID = re.compile(r"(?P<stem>.+?)_(?P<year>(?:19|20|21)\d\d)(?P<rest>_[a-z0-9_]+)?")
"""A row id that is one year of a series: its stem, calendar year and the rest."""


class ProxyTable:
    """A validated, immutable table of financial proxies (pandas-backed).

    Build one with :func:`load` (the bundled table) or :func:`read_table` (your own);
    ``ProxyTable(frame)`` validates a DataFrame in the schema of :data:`COLUMNS` (only
    :data:`REQUIRED_COLUMNS` are needed; see :func:`read_table` for the defaults).

    Parameters
    ----------
    data : pandas.DataFrame
        Rows in the proxy-table schema.
    name : str, default "custom table"
        Name used in error messages and notes.
    licence : str, optional
        The licence of rows that state none (default :data:`UNSTATED_LICENCE`).

    Raises
    ------
    ModelError
        Listing every problem in ``data``.

    Examples
    --------
    >>> table = load()
    >>> "ucd_ee1_0_fiscal" in table
    True
    >>> proxy = table.get("ucd_ee1_0_fiscal")
    >>> proxy.value, proxy.unit, str(proxy.price_year), proxy.source_code
    (9800.0, 'GBP / person / year', '2012/13', 'E&E1.0')
    >>> proxy.bearer_split
    (('DWP', 0.9422), ('NHS', 0.0578))
    >>> proxy.data_age, proxy.transfer_share
    ('green', 0.9422)
    """

    __slots__ = (
        "_aliases",
        "_checksum",
        "_frame",
        "_index",
        "_notes",
        "_proxies",
        "_query",
        "_series_index",
        "_vocabulary",
        "_words",
    )

    def __init__(
        self, data: pd.DataFrame, *, name: str = "custom table", licence: str | None = None
    ) -> None:
        records = data.to_dict("records")
        labels = [f"row {label}" for label in data.index]
        rows, notes, warn = _validate(
            records, [str(c) for c in data.columns], labels, name, licence=licence
        )
        _report(warn)
        self._init(_frame_from_rows(rows), tuple(notes))

    def _init(
        self,
        frame: pd.DataFrame,
        notes: tuple[str, ...] = (),
        query: tuple[str, tuple[str, ...]] | None = None,
    ) -> None:
        object.__setattr__(self, "_frame", frame)
        proxies = {row["id"]: _proxy_from_row(row) for row in frame.to_dict("records")}
        object.__setattr__(self, "_proxies", proxies)
        object.__setattr__(self, "_index", {pid: i for i, pid in enumerate(proxies)})
        aliases = {old: p.id for p in proxies.values() for old in p.replaces if old not in proxies}
        object.__setattr__(self, "_aliases", aliases)
        object.__setattr__(self, "_notes", notes)
        object.__setattr__(self, "_query", query)
        object.__setattr__(self, "_checksum", None)
        object.__setattr__(self, "_words", None)
        object.__setattr__(self, "_vocabulary", None)

    @classmethod
    def _from_frame(
        cls,
        frame: pd.DataFrame,
        notes: tuple[str, ...] = (),
        query: tuple[str, tuple[str, ...]] | None = None,
    ) -> ProxyTable:
        """Wrap rows already validated (internal; no checks)."""
        table = cls.__new__(cls)
        table._init(frame.reset_index(drop=True), notes, query)
        return table

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("ProxyTable is immutable; use merge() or filter() for a new one")

    def __delattr__(self, key: str) -> None:
        raise AttributeError("ProxyTable is immutable")

    # -- what the table says about itself ------------------------------------------------

    @property
    def notes(self) -> tuple[str, ...]:
        """What reading the table defaulted or read differently, one line each.

        Empty for the bundled table. For a user's table: each column not given or left
        blank and what it was given instead (``licence``, ``source``, ``currency``,
        ``data_age``), each row left unclassified, each header read as a column.
        """
        return self._notes

    @property
    def aliases(self) -> Mapping[str, str]:
        """Older ids that still work, each mapped to the id of the row that replaces it."""
        return MappingProxyType(self._aliases)

    def current_id(self, proxy_id: str) -> str:
        """The id that names ``proxy_id``'s row now: itself, or the id that replaces it.

        Examples
        --------
        >>> load().current_id("ucd_jsa_claimant_into_work_fiscal_total")
        'ucd_ee1_0_fiscal'
        """
        if proxy_id in self._proxies:
            return proxy_id
        return self._aliases.get(proxy_id, proxy_id)

    # -- lookup ---------------------------------------------------------------------------

    def get(self, proxy_id: str) -> Proxy:
        """The proxy with id ``proxy_id``.

        An older id that a row ``replaces`` (the bundled table's UCD v1.2 ids, such as
        ``ucd_jsa_claimant_into_work_fiscal_total``) gives that row, with an
        :class:`~sroi.errors.SROIWarning` naming the id to use now.

        Raises
        ------
        UnknownProxyError
            If there is none; its one problem (kind ``"unknown_proxy"``) holds the id given
            as ``value`` and the closest ids (by :mod:`difflib`) as ``suggestions``.

        Warns
        -----
        SROIWarning
            When ``proxy_id`` is an older id.

        Examples
        --------
        >>> load().get("ucd_he20_2_fisca")
        Traceback (most recent call last):
        ...
        sroi.errors.UnknownProxyError: unknown financial proxy 'ucd_he20_2_fisca'; closest
        ids: ucd_he20_2_fiscal, ucd_he2_0_2_fiscal, ucd_he2_2_fiscal
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     load().get("ucd_gp_home_visit").id
        'ucd_he20_4_fiscal'
        >>> print(caught[0].message)
        proxy id 'ucd_gp_home_visit' is an older id: the row that replaces it,
        'ucd_he20_4_fiscal', is used; name 'ucd_he20_4_fiscal' to silence this warning
        """
        try:
            return self._proxies[proxy_id]
        except (KeyError, TypeError):
            pass
        if isinstance(proxy_id, str) and proxy_id in self._aliases:
            new = self._aliases[proxy_id]
            warnings.warn(
                SROIWarning(
                    f"proxy id {proxy_id!r} is an older id: the row that replaces it, "
                    f"{new!r}, is used; name {new!r} to silence this warning"
                ),
                stacklevel=2,
            )
            return self._proxies[new]
        if not isinstance(proxy_id, str):
            raise UnknownProxyError(
                [
                    Problem(
                        "",
                        f"a proxy id must be text, not {type(proxy_id).__name__}",
                        proxy_id,
                        allowed="an id in the proxy table",
                        kind="unknown_proxy",
                    )
                ]
            )
        # suggestions cost time in proportion to the text: none for an absurdly long id
        closest = self.suggest(proxy_id) if len(proxy_id) <= 200 else []
        raise UnknownProxyError(proxy_id, closest)

    __getitem__ = get

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """The ids closest in spelling to ``text``, best first (for "did you mean").

        An older id that is close gives the id that replaces it.
        """
        candidates = [*self._proxies, *self._aliases]
        close = difflib.get_close_matches(text, candidates, n=n, cutoff=0.6)
        close = list(dict.fromkeys(self.current_id(c) for c in close))
        if not close:  # fall back on the search ranking for very different spellings
            close = list(self.search(text, limit=n).ids)
        return close

    def series(self, series_id: str) -> dict[int, str] | None:
        """The rows of a proxy that is a series over calendar years, by year; None if
        ``series_id`` names no series.

        A series is two or more rows whose ids differ only in a calendar year
        (``desnz2023_carbon_value_2025_central``, ``..._2026_central`` ...); its id is
        theirs without the year (``desnz2023_carbon_value_central``). An outcome that
        names a series is valued in each of its years at that year's row (see
        :func:`sroi.evaluate` and the model's ``first_calendar_year``).

        Examples
        --------
        >>> from sroi.proxies import load
        >>> carbon = load().series("desnz2023_carbon_value_central")
        >>> carbon[2025], min(carbon), max(carbon)
        ('desnz2023_carbon_value_2025_central', 2020, 2050)
        >>> load().series("ucd_ee1_0_fiscal") is None
        True
        """
        found = self._series().get(series_id)
        return dict(found) if found else None

    def _series(self) -> dict[str, dict[int, str]]:
        cached = getattr(self, "_series_index", None)
        if cached is None:
            groups: dict[str, dict[int, str]] = {}
            for pid in self._proxies:
                match = _SERIES_ID.fullmatch(pid)
                if match:
                    key = match["stem"] + (match["rest"] or "")
                    groups.setdefault(key, {})[int(match["year"])] = pid
            cached = {k: v for k, v in groups.items() if len(v) >= 2 and k not in self._proxies}
            object.__setattr__(self, "_series_index", cached)
        return cached

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Proxy):
            return self._proxies.get(item.id) == item
        return isinstance(item, str) and (item in self._proxies or item in self._aliases)

    def __len__(self) -> int:
        return len(self._proxies)

    def __iter__(self) -> Iterator[Proxy]:
        """Iterate over the proxies (:class:`Proxy` objects), in table order."""
        return iter(self._proxies.values())

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids, in table order."""
        return tuple(self._proxies)

    # -- selection ------------------------------------------------------------------------

    def _search_words(self) -> list[tuple[_search.Field, ...]]:
        if self._words is None:  # the words of each searched field, built on first search
            fields = [
                tuple(
                    _search.Field(" ".join(getattr(p, name) for name in names))
                    for names, _ in _search.FIELDS
                )
                for p in self._proxies.values()
            ]
            object.__setattr__(self, "_words", fields)
        return self._words  # type: ignore[return-value]

    def search(self, text: str, limit: int = 10) -> ProxyTable:
        """Proxies matching ``text``, most relevant first.

        Words are stemmed and the field's synonyms looked for too (``unemployed`` finds
        ``workless``, ``debt`` finds ``arrears``, ``smoking`` finds ``tobacco`` and the
        costs of COPD and lung cancer); the rule is in :mod:`sroi.proxies.search`. Each
        word scores 3 in the ``id`` and ``name``, 2 in ``category``, 0.5 in ``source`` and
        1 in ``note``; an exact id, an older id the row replaces, or a cost code (``CR8.4``)
        comes first of all. Ties keep table order; rows scoring 0 are left out.

        Parameters
        ----------
        text : str
            Words to look for.
        limit : int, default 10
            Most rows to return.

        Returns
        -------
        ProxyTable
            The matches, ranked. When there are none, :meth:`near_words` gives the words
            of the table closest in spelling, which the result's notebook display shows.

        Examples
        --------
        >>> load().search("rough sleeping", limit=1).ids
        ('ucd_ho6_0_fiscal',)
        >>> load().search("CR8.4", limit=1).ids
        ('ucd_cr8_4_fiscal',)
        >>> [p.category for p in load().search("unemployed", limit=3)]
        ['employment', 'employment', 'employment']
        """
        rows = self._search_words()
        exact = [(p.id, *p.replaces, p.source_code) for p in self._proxies.values()]
        scored = _search.score_rows(text, rows, exact)
        chosen = [position for _, position in scored[: max(int(limit), 0)]]
        near = tuple(self.near_words(text)) if not chosen else ()
        return ProxyTable._from_frame(self._frame.iloc[chosen], query=(text, near))

    def near_words(self, text: str, n: int = 5) -> list[str]:
        """Words of the table's names, categories and codes closest in spelling to the
        words of ``text`` (for "did you mean" when :meth:`search` finds nothing).

        Examples
        --------
        >>> load().search("homelesnes").ids
        ()
        >>> load().near_words("homelesnes")
        ['homelessness', 'homeless']
        """
        if self._vocabulary is None:
            texts = (f"{p.name} {p.category} {p.source_code}" for p in self._proxies.values())
            object.__setattr__(self, "_vocabulary", frozenset(_search.vocabulary(texts)))
        return _search.near_words(text, self._vocabulary, n=n)  # type: ignore[arg-type]

    def filter(
        self,
        *,
        category: str | Iterable[str] | None = None,
        value_type: str | Iterable[str] | None = None,
        marmot_objective: str | Iterable[str] | None = None,
        bearer: str | Iterable[str] | None = None,
    ) -> ProxyTable:
        """Proxies meeting every criterion given (each a value or a list of values).

        ``bearer`` matches, ignoring case, the whole ``bearer`` field, any part of it split
        at ``/``, ``,`` or ``;``, an agency of ``bearer_split``, or ``bearer_detail``.

        Raises
        ------
        ModelError
            If a category, value type or Marmot objective is not an allowed value.

        Examples
        --------
        >>> table = load().filter(category="housing", value_type="fiscal")
        >>> {p.category for p in table}, {p.value_type for p in table}
        ({'housing'}, {'fiscal'})
        >>> len(load().filter(bearer="Clinical Commissioning Group")) > 100
        True
        """
        problems: list[Problem] = []

        def wanted(name: str, given: Any, allowed: Iterable[str] | None) -> set[str] | None:
            if given is None:
                return None
            values = {given} if isinstance(given, str) else set(given)
            if allowed is not None:
                allowed = tuple(allowed)
                for bad in sorted(values - set(allowed)):
                    try:
                        parse_choice(bad, allowed, name)
                    except ModelError as exc:
                        problems.extend(exc.problems)
            return values

        categories = wanted("category", category, CATEGORIES)
        value_types = wanted("value_type", value_type, VALUE_TYPES)
        objectives = wanted("marmot_objective", marmot_objective, MARMOT_OBJECTIVES)
        bearers = wanted("bearer", bearer, None)
        if problems:
            raise ModelError(problems, title="the filter")
        bearers_lower = {b.strip().lower() for b in bearers} if bearers is not None else None

        def keep(p: Proxy) -> bool:
            if categories is not None and p.category not in categories:
                return False
            if value_types is not None and p.value_type not in value_types:
                return False
            if objectives is not None and p.marmot_objective not in objectives:
                return False
            if bearers_lower is not None:
                names = {p.bearer.lower(), p.bearer_detail.lower()}
                names |= {part.strip().lower() for part in re.split(r"[/,;]", p.bearer)}
                names |= {agency.lower() for agency, _ in p.bearer_split}
                if not names & bearers_lower:
                    return False
            return True

        chosen = [i for i, p in enumerate(self._proxies.values()) if keep(p)]
        return ProxyTable._from_frame(self._frame.iloc[chosen], self._notes)

    def head(self, n: int = 5) -> ProxyTable:
        """The first ``n`` proxies, in table order.

        Examples
        --------
        >>> load().head(2).ids
        ('ucd_cr1_0_fiscal', 'ucd_cr1_1_fiscal')
        """
        return ProxyTable._from_frame(self._frame.iloc[: max(int(n), 0)], self._notes)

    def merge(
        self,
        other: ProxyTable,
        *,
        prefer: Literal["other", "self"] = "other",
        replace_ok: bool = False,
    ) -> ProxyTable:
        """This table with ``other``'s rows added; for an id in both, one row wins.

        The precedence rule: with ``prefer="other"`` (the default) a row of ``other``
        replaces this table's row with the same id, in this table's position; with
        ``prefer="self"`` this table's row is kept. Rows of ``other`` with new ids are
        appended in ``other``'s order. Unless ``replace_ok=True``, a :class:`SROIWarning`
        lists the ids found in both tables, so a replaced bundled value never goes unseen.
        A row's own id always wins over an older id that another row ``replaces``. The
        notes of both tables are kept.

        Parameters
        ----------
        other : ProxyTable
            The table merged over (or under) this one.
        prefer : {"other", "self"}, default "other"
            Whose row wins for an id in both.
        replace_ok : bool, default False
            Do not warn about ids in both tables.

        Returns
        -------
        ProxyTable
        """
        import pandas as pd

        if not isinstance(other, ProxyTable):
            raise TypeError(f"merge() needs a ProxyTable, got {type(other).__name__}")
        if prefer not in ("other", "self"):
            raise ModelError([Problem("prefer", "must be 'other' or 'self'", prefer)])
        shared = [pid for pid in other.ids if pid in self._index]
        if shared and not replace_ok:
            verb = "replaced by the other table's rows" if prefer == "other" else "kept"
            warnings.warn(
                f"{len(shared)} proxy id(s) in both tables; this table's rows {verb}: "
                f"{', '.join(shared)} (pass replace_ok=True to silence this warning)",
                SROIWarning,
                stacklevel=2,
            )
        mine = self._frame.copy()
        theirs = other._frame
        if prefer == "other" and shared:
            positions = [self._index[pid] for pid in shared]
            replacement = theirs.iloc[[other._index[pid] for pid in shared]]
            mine.iloc[positions] = replacement.to_numpy()
            mine["value"] = mine["value"].astype(float)
        new = theirs[~theirs["id"].isin(list(self._index))]
        notes = tuple(dict.fromkeys((*self._notes, *other._notes)))
        return ProxyTable._from_frame(pd.concat([mine, new], ignore_index=True), notes)

    # -- export ---------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """The table as a new DataFrame (a copy: changing it changes nothing here).

        Blank cells are empty strings; ``value`` is float. The frame can be passed back to
        :class:`ProxyTable` or :func:`read_table`.
        """
        return self._frame.copy(deep=True)

    def canonical_csv(self) -> bytes:
        """The table as canonical CSV bytes: rows sorted by id, columns in schema order,
        values written as Python floats (``repr``), ``\\n`` line ends, UTF-8."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in sorted(self._frame.to_dict("records"), key=lambda r: r["id"]):
            writer.writerow(repr(float(row[c])) if c == "value" else row[c] for c in COLUMNS)
        return buffer.getvalue().encode("utf-8")

    @property
    def checksum(self) -> str:
        """SHA-256 of :meth:`canonical_csv`, for reproducibility stamps.

        The same content gives the same checksum whatever the formatting or row order of
        the file it came from.
        """
        if self._checksum is None:
            object.__setattr__(self, "_checksum", hashlib.sha256(self.canonical_csv()).hexdigest())
        return self._checksum  # type: ignore[return-value]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProxyTable):
            return NotImplemented
        return self.ids == other.ids and self.checksum == other.checksum

    def __hash__(self) -> int:
        return hash(self.checksum)

    _SHOWN = ("id", "name", "value", "unit", "price_year", "data_age", "value_type")
    _SHOWN += ("bearer", "source")

    def __repr__(self) -> str:
        head = f"<ProxyTable: {len(self)} proxies, sha256 {self.checksum[:12]}>"
        proxies = list(self._proxies.values())
        if len(proxies) > 10:
            shown: list[Proxy | None] = [*proxies[:5], None, *proxies[-5:]]
        else:
            shown = list(proxies)
        cells = [("id", "value", "unit", "price_year", "value_type")]
        for p in shown:
            if p is None:
                cells.append(("...", "", "", "", ""))
            else:
                year = "" if p.price_year is None else str(p.price_year)
                cells.append((p.id, number(p.value), p.unit, year, p.value_type))
        widths = [max(len(row[i]) for row in cells) for i in range(5)]
        lines = [
            "  ".join(
                cell.rjust(w) if i == 1 else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            for row in cells
        ]
        return "\n".join([head, *lines])

    def _repr_html_(self) -> str:
        """The table in a notebook: value, unit, price year, data age, source and more.

        A search result says what was searched for, and when nothing matched, the words
        of the table closest in spelling.
        """
        if self._query is not None:
            text, near = self._query
            caption = (
                f"<p><b>{len(self)} financial prox{'y' if len(self) == 1 else 'ies'}</b> "
                f"matching <i>{html.escape(text)}</i>, best first</p>"
            )
            if not len(self):
                hint = f"; near words: {html.escape(', '.join(near))}" if near else ""
                return f"<p>No proxy matches <i>{html.escape(text)}</i>{hint}.</p>"
        else:
            caption = (
                f"<p><b>ProxyTable</b>: {len(self)} financial proxies "
                f"(sha256 <code>{html.escape(self.checksum[:12])}</code>)</p>"
            )
        shown = self._frame.loc[:, list(self._SHOWN)].copy()
        shown["source"] = [s if len(s) <= 120 else s[:119] + "…" for s in shown["source"]]
        return caption + shown.to_html(index=False, max_rows=30, escape=True)


def _report(warn: Iterable[str]) -> None:
    """Warn, once, about what reading a user's table defaulted that matters most."""
    warn = list(warn)
    if warn:
        warnings.warn(
            SROIWarning("; ".join(warn) + " (every default is listed in the table's notes)"),
            stacklevel=3,
        )


# --------------------------------------------------------------------------------------
# Loading


@functools.cache
def _bundled() -> ProxyTable:
    import pandas as pd

    with data_file(_BUNDLED).open("r", encoding="utf-8", newline="") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    # spreadsheet numbering: the header is row 1, the first data row is row 2
    labels = [f"row {i + 2}" for i in range(len(frame))]
    columns = [str(c) for c in frame.columns]
    rows, _, _ = _validate(frame.to_dict("records"), columns, labels, _BUNDLED, strict=True)
    return ProxyTable._from_frame(_frame_from_rows(rows))


def load() -> ProxyTable:
    """The bundled proxy table, ``data/unit_costs.csv``, validated.

    The file is read and validated once; every call returns the same immutable table
    (:meth:`ProxyTable.to_frame` hands out copies, :class:`Proxy` objects are frozen).

    Returns
    -------
    ProxyTable

    Examples
    --------
    >>> table = load()
    >>> len(table) >= 600
    True
    >>> load() is table
    True
    """
    return _bundled()


def _table_path(source: Any) -> Path:
    """The path of a proxy table file; a ModelError when there is none there."""
    allowed = "the path of a CSV file or an Excel workbook (.xlsx), or a pandas DataFrame"
    if not isinstance(source, (str, os.PathLike)):
        raise ModelError(
            [
                Problem(
                    "source",
                    "must be the path of a CSV file or an Excel workbook, or a pandas DataFrame",
                    type(source).__name__,
                    allowed=allowed,
                )
            ]
        )
    path = Path(source)
    try:
        is_file = "\x00" not in str(path) and path.is_file()
        is_dir = not is_file and "\x00" not in str(path) and path.is_dir()
    except OSError as exc:  # a name too long for the system
        raise ModelError(
            [Problem("source", f"is not a file name: {exc.strerror or exc}", allowed=allowed)]
        ) from None
    if not is_file:
        what = "is a folder, not a proxy table file" if is_dir else "no such proxy table file"
        raise ModelError([Problem(str(path), what, allowed=allowed)])
    return path


def _csv_records(
    path: Path, limits: Limits, encoding: str | None
) -> tuple[list[str], list[dict[str, Any]], list[str], list[Problem]]:
    """A proxy table file's columns, records, row labels and the problems of its layout.

    The file is read within ``limits`` (its size before reading, rows and cells while
    parsing) and decoded by :func:`sroi.io.text.decode`: UTF-8, with or without a byte
    order mark, or UTF-16 with one; or ``encoding``. A header of tab-separated names and
    no comma (Excel's "Unicode Text") makes the file tab-separated.
    """
    name = path.name
    title = f"proxy table {name}"
    advice = (
        'in Excel, "Save As" the type "CSV UTF-8 (Comma delimited)"; or, if you know the '
        'file\'s encoding, give it: read_table(path, encoding="cp1252")'
    )
    text = decode(read_bytes(path, limits), name, encoding=encoding, title=title, advice=advice)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    records: list[dict[str, Any]] = []
    labels: list[str] = []
    problems: list[Problem] = []
    unnamed: set[int] = set()  # columns without a name that hold values
    cells = 0
    try:
        for number_, row in enumerate(reader, start=1):
            if header is None:
                header = [cell.strip() for cell in row]
                cells += len(row)
                continue
            if not any(cell.strip() for cell in row):
                continue
            cells += len(row)
            labels.append(f"row {number_}")
            if len(labels) > limits.rows:
                what = "has more rows than"
                refuse([breach(name, what, len(labels), "rows", limits, at_least=True)], title)
            if cells > limits.cells:
                what = "has more cells than"
                refuse([breach(name, what, cells, "cells", limits, at_least=True)], title)
            if any(cell.strip() for cell in row[len(header) :]):
                problems.append(
                    Problem(
                        f"{name} row {number_}",
                        f"has values beyond the {len(header)} columns the header names",
                    )
                )
            unnamed.update(
                j for j, c in enumerate(row[: len(header)]) if c.strip() and not header[j]
            )
            records.append({c: v for c, v in zip(header, row, strict=False) if c})
    except csv.Error as exc:
        raise ModelError(
            [Problem(f"{name} line {reader.line_num}", f"is not valid CSV: {exc}")], title=title
        ) from None
    if header is None or not any(header):
        raise ModelError(
            [Problem(name, "is empty; a proxy table needs a header row of column names")],
            title=title,
        )
    for j in sorted(unnamed):
        problems.append(Problem(f"{name} row 1, column {j + 1}", "has values but no column name"))
    columns: list[str] = []
    for column in header:
        if column in columns:
            problems.append(Problem(f"{name} row 1", f"the column {column!r} appears twice"))
        elif column:
            columns.append(column)
    return columns, records, labels, problems


def _excel_records(
    path: Path, limits: Limits, sheet: str | None
) -> tuple[list[str], list[dict[str, Any]], list[str], list[Problem], str]:
    """An Excel proxy table's columns, records, row labels, problems, and its name.

    The workbook is checked against ``limits`` before it is opened (its size, what its
    members expand to) and while its sheet is read (rows and cells). The table is the
    sheet named ``sheet``, or the workbook's only sheet; a formula is read as the value
    the spreadsheet program saved. Needs openpyxl (``pip install 'sroi[excel]'``).
    """
    from sroi.io.excel import (
        _Cells,
        _sheet_grid,
        _why,
        check_workbook_file,
        load_book,
        pick_sheet,
        saved_values,
    )

    title = f"proxy table {path.name}"
    not_a_workbook = (
        "is not an Excel workbook (.xlsx): an .xlsx file is a zip archive and this is not "
        "one; save it from your spreadsheet program as an Excel workbook or as CSV UTF-8"
    )
    check_workbook_file(path, limits, title=title, not_a_workbook=not_a_workbook)
    books: list[Any] = []

    def open_book(data_only: bool) -> Any:
        book = load_book(path, read_only=True, data_only=data_only, title=title)
        books.append(book)
        return book

    try:
        wb = open_book(data_only=False)
        titles = list(wb.sheetnames)
        if sheet is None:
            if len(titles) != 1:
                raise ModelError(
                    [
                        Problem(
                            path.name,
                            f"has {len(titles)} sheets; say which holds the proxies with "
                            "read_table(..., sheet=...)",
                            titles,
                            allowed=f"one of the sheets {', '.join(map(repr, titles))}",
                        )
                    ],
                    title=title,
                )
            chosen = titles[0]
        else:
            chosen, ambiguous = pick_sheet(titles, sheet)
            if chosen is None:
                raise ModelError(
                    [
                        Problem(
                            "sheet",
                            ambiguous or f"{path.name} has no sheet {sheet!r}",
                            sheet,
                            allowed=f"one of the sheets {', '.join(map(repr, titles))}",
                        )
                    ],
                    title=title,
                )
        base = f"{path.name}, sheet {chosen!r}"
        saved = saved_values(lambda: open_book(data_only=True))

        try:
            grid = _sheet_grid(wb[chosen], base, _Cells(limits, path.name, title), saved)
        except ModelError:
            raise
        except (MemoryError, RecursionError):  # pragma: no cover
            raise
        except Exception as exc:  # a damaged sheet: openpyxl raises many kinds
            raise ModelError(
                [Problem(base, f"cannot be read; the workbook looks damaged ({_why(exc)})")],
                title=title,
            ) from None
    finally:
        for book in books:
            book.close()
    problems = [Problem(where, message) for where, message in grid.problems]
    header = [_cell(h) for h in grid.header]
    if not any(header):
        raise ModelError(
            [Problem(base, "is empty; a proxy table needs a header row of column names")],
            title=title,
        )
    columns: list[str] = []
    for j, column in enumerate(header):
        if column in columns:
            problems.append(Problem(f"{base} row 1", f"the column {column!r} appears twice"))
        elif column:
            columns.append(column)
        elif any(j < len(cells) and _cell(cells[j]) for _, cells in grid.rows):
            problems.append(Problem(f"{base} row 1, column {j + 1}", "has values but no name"))
    records: list[dict[str, Any]] = []
    labels: list[str] = []
    for r, cells in grid.rows:
        if not any(_cell(c) for c in cells):
            continue
        if any(_cell(c) for c in cells[len(header) :]):
            problems.append(
                Problem(f"{base} row {r}", f"has values beyond the {len(header)} named columns")
            )
        labels.append(f"row {r}")
        records.append({h: c for h, c in zip(header, cells, strict=False) if h})
    return columns, records, labels, problems, f"{path.name} sheet {chosen!r}"


def read_table(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    licence: str | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    merge_with_bundled: bool = True,
    replace_ok: bool = False,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> ProxyTable:
    """A proxy table of your own, from a CSV file, an Excel workbook or a DataFrame.

    This is how licensed values come in: a housing association with a licence for HACT's
    UK Social Value Bank, or a council with the National TOMs, loads the values from its
    own licensed copy as the bank writes them; ``sroi`` never ships them.

    **Columns.** Only ``id``, ``name``, ``value``, ``unit`` and ``price_year`` are
    required (:data:`REQUIRED_COLUMNS`); the other columns of :data:`COLUMNS` may be
    there or not. A header that differs from a column only in case, spaces or hyphens
    (``Price year``) is read as that column; ``columns`` names other headers
    (``{"Proxy value": "value"}``). Any other header is an error: nothing is guessed.

    **Defaults**, each recorded in :attr:`ProxyTable.notes` (and, for the first four, an
    :class:`~sroi.errors.SROIWarning`), for a column not given or a cell left blank:

    - ``licence``: the ``licence`` argument, else :data:`UNSTATED_LICENCE`, so every
      value from your table says under what terms it is used;
    - ``source``: ``"user table <file name>"``;
    - ``category``, ``value_type``, ``bearer``: left blank (not classified; a result
      cannot break such a value down by them);
    - ``currency``: the currency of the row's unit;
    - ``data_age``: graded from the price year (:func:`data_age`);
    - ``transfer_share``: not stated (None);
    - ``bearer_split``, ``marmot_objective``, ``confidence``, ``note``, ``source_code``,
      ``bearer_detail``, ``replaces``: blank.

    **Rows.** Every row is checked and every problem reported at once, each with its place
    (``my_values.csv row 3 (id 'x'), column value: must be a number``); rows are numbered
    as in a spreadsheet (the header is row 1). Cell rules:

    - ``id``: unique; kept as written (``NT1``, ``HACT-1234``), without a control
      character or ``;``; ``name``: required;
    - ``value``: a finite, non-zero number; ``unit``: money per something
      (``GBP / person / year``), in ``currency`` if that is given (GBP, EUR or USD);
    - ``price_year``: ``2019`` or ``2019/20``; blank only with a ``note`` saying why;
    - ``category``: blank or one of :data:`CATEGORIES`; ``value_type``: blank or one of
      :data:`VALUE_TYPES`; ``marmot_objective``: blank or a key of
      :data:`MARMOT_OBJECTIVES`;
    - ``bearer_split``: blank, or ``AGENCY:share;AGENCY:share`` with shares summing to 1;
    - ``data_age``: blank or one of :data:`DATA_AGES`; ``transfer_share``: blank or a
      fraction from 0 to 1; ``replaces``: blank or older ids joined by ``;``;
    - ``bearer``, ``confidence``, ``source``, ``licence``, ``note``, ``source_code``,
      ``bearer_detail``: free text.

    Parameters
    ----------
    source : str, path-like or pandas.DataFrame
        A CSV file (``.csv``, ``.txt``, ``.tsv``), an Excel workbook (``.xlsx``,
        ``.xlsm``; needs ``pip install 'sroi[excel]'``) or a DataFrame. A CSV file is
        UTF-8 (with or without a byte order mark), or UTF-16 with a byte order mark, which
        is what Excel's "CSV UTF-8" and "Unicode Text" write (the latter tab-separated,
        which is recognised from its header). Another encoding is not guessed at: a file
        that is not UTF-8 is refused, with the line and byte, unless ``encoding`` says
        what it is.
    licence : str, optional
        The licence of the values, for every row that states none: for instance
        ``"HACT UK Social Value Bank, licensed to Example HA; not for redistribution"``.
    columns : mapping of str to str, optional
        Your headers that are columns by other names: ``{"Ref": "id", "Proxy": "value"}``.
    sheet : str, optional
        The sheet of a workbook that holds the table; needed when it has more than one.
    merge_with_bundled : bool, default True
        Return the bundled table with these rows merged over it (see
        :meth:`ProxyTable.merge`: your row replaces a bundled row with the same id);
        False returns your rows alone.
    replace_ok : bool, default False
        Do not warn about your ids that replace bundled ones.
    encoding : str, optional
        A CSV file's encoding, when it is not UTF-8 or UTF-16 with a byte order mark: for
        instance ``"cp1252"``, which Excel's "CSV (Comma delimited)" writes on Windows in
        Western Europe.
    limits : sroi.io.Limits, optional
        What the file may hold (size, rows, cells); default
        :func:`sroi.io.default_limits`.

    Returns
    -------
    ProxyTable
        Its :attr:`~ProxyTable.notes` say what was defaulted.

    Raises
    ------
    ModelError
        Listing every problem found; also for a file that is missing, empty, not CSV
        text or a workbook, in an encoding other than the one given, or past a limit.

    Warns
    -----
    SROIWarning
        When a licence, a source or a classification (category, value type, bearer) was
        not given, naming what was done instead.

    Examples
    --------
    A National TOMs-style table with the five required columns (``NT1`` and its figure
    are made up; real values must come from your own licensed copy):

    >>> import pandas as pd, warnings
    >>> toms = pd.DataFrame([{"id": "NT1", "name": "Local people employed (fake figure)",
    ...                       "value": 1234.5, "unit": "GBP / person / year",
    ...                       "price_year": "2023/24"}])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     table = read_table(toms, licence="Our TOMs licence (example)",
    ...                        merge_with_bundled=False)
    >>> p = table.get("NT1")
    >>> p.value, p.licence, p.data_age, p.currency, p.source
    (1234.5, 'Our TOMs licence (example)', 'green', 'GBP', 'user table DataFrame')
    >>> print("\\n".join(table.notes))
    DataFrame: currency: not in the table; taken from each row's unit
    DataFrame: source: not in the table; set to 'user table DataFrame'
    DataFrame: licence: not in the table; set to 'Our TOMs licence (example)'
    DataFrame: data_age: not in the table; graded from each price year by the Unit Cost
    Database's rule
    DataFrame: category: not in the table; left blank (not classified)
    DataFrame: value_type: not in the table; left blank (not classified)
    DataFrame: bearer: not in the table; left blank (not classified)
    DataFrame: transfer_share: not in the table; not stated

    A bad row is refused with every problem located:

    >>> bad = toms.assign(value="lots", category="fun")
    >>> read_table(bad, merge_with_bundled=False)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 2 problems in proxy table DataFrame:
      DataFrame row 0 (id 'NT1'), column category: must be one of 'employment',
      'education', 'housing', 'crime', 'health', 'social_care', 'community', 'environment'
      or 'wellbeing' (got 'fun')
      DataFrame row 0 (id 'NT1'), column value: must be a number (got 'lots')
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        name = "DataFrame"
        labels = [f"row {label}" for label in source.index]
        names = [str(c) for c in source.columns]
        records = source.rename(columns=str).to_dict("records")
        rows, notes, warn = _validate(records, names, labels, name, licence=licence, rename=columns)
    else:
        limits = resolve(limits)
        path = _table_path(source)
        if path.suffix.lower() in _EXCEL_SUFFIXES:
            names, records, labels, found, name = _excel_records(path, limits, sheet)
        elif path.suffix.lower() == ".xls":
            raise ModelError(
                [
                    Problem(
                        path.name,
                        "is an old-style Excel file (.xls), which is not read; save it as "
                        "an Excel workbook (.xlsx) or as CSV UTF-8",
                    )
                ],
                title=f"proxy table {path.name}",
            )
        else:
            names, records, labels, found = _csv_records(path, limits, encoding)
            name = path.name
        rows, notes, warn = _validate(
            records, names, labels, name, found, licence=licence, rename=columns
        )
    _report(warn)
    table = ProxyTable._from_frame(_frame_from_rows(rows), tuple(notes))
    if not merge_with_bundled:
        return table
    return load().merge(table, prefer="other", replace_ok=replace_ok)
