"""``sroi.evaluate_portfolio``: every project of a portfolio in one pass of the engine.

A portfolio is two tables: its outcomes and its inputs, one row each, with the model's field
names as columns plus a key column (``project_id``) saying which project a row belongs to.
:func:`evaluate_portfolio` gives one row per project with the same figures as
:func:`sroi.evaluate` of that project alone (the same conventions, proxies and price-year
rules), without building a model per project: the columns are checked once, every outcome
row goes through the engine (:func:`sroi.engine.compute`) in one call, the present values
are summed per project with ``numpy.bincount``, and the headline figures come from
:func:`sroi.engine.headline` on the per-project arrays. Payback uses the engine's own rules
(:func:`sroi.engine.payback_months`, :func:`sroi.engine.discounted_payback_years`) on
per-project year tables built a block of projects at a time (each rule applied to the
whole block at once), so memory stays bounded.

What a portfolio cannot hold is refused with its row and column: yearly profiles (a list in
a cell), distributions (a figure written as a distribution, for Monte Carlo) and proxy
series over calendar years. Model-level blocks (scenarios, groups with incomes, stakeholder
lists, optimism bias) have no place in the two tables; every outcome counts, as with
``sroi.evaluate(..., double_counting="warn")``, without its warnings. Descriptive columns
(``stakeholder``, ``outcome``, ``indicator``, ...) are accepted and not used in any figure.
"""

from __future__ import annotations

import dataclasses
import difflib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sroi.adjustments import DiscountRate
from sroi.conventions import DROP_OFF_FROM, Conventions
from sroi.engine import (
    OutcomeArrays,
    compute,
    discounted_payback_years,
    headline,
    payback_months,
)
from sroi.errors import ModelError, Problem, SROIError, error_for, show_names
from sroi.parsing import MAX_YEARS, parse_bearer_split, parse_choice, parse_discount_rate
from sroi.parsing import parse_price_year as parse_price_year_
from sroi.proxies.catalogue import ProxyTable, load
from sroi.proxies.deflators import (
    DEFAULT_SERIES,
    Series,
    conversion_warnings,
    deflator_series,
)
from sroi.valuation import Valuation, _needs_price_year, _resolve, valuation_warnings
from sroi.vocabulary import (
    CATEGORIES,
    DEFAULT_DISCOUNT_RATE,
    INPUT_KINDS,
    MARMOT_OBJECTIVES,
    VALUE_TYPES,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["BY", "COLUMNS", "evaluate_portfolio"]

MAX_PROBLEMS = 20
"""The most offending rows listed in one error; the rest are counted [rows]."""

_FRACTIONS = ("deadweight", "displacement", "attribution", "leakage", "drop_off")
_DEFAULTS = {"start_year": 1.0, **dict.fromkeys(_FRACTIONS, 0.0)}
_OUTCOME_TEXT = ("proxy", "unit", "drop_off_from", "bearer", "marmot_objective", "group")
_DESCRIPTIVE = (
    "id",
    "stakeholder",
    "outcome",
    "indicator",
    "source",
    "proxy_description",
    "proxy_source",
    "notes",
    "value_type",
    "category",
    "area",
    "outcome_group",
)
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "outcomes": (
        "quantity",
        "value",
        "duration",
        "start_year",
        *_FRACTIONS,
        *_OUTCOME_TEXT,
        *_DESCRIPTIVE,
    ),
    "inputs": ("amount", "year", "stakeholder", "description", "kind", "area"),
}
"""The columns each table may have, besides the key."""

BY = ("bearer", "marmot_objective", "group")
"""What portfolio totals can be broken down by."""

_NOT_GIVEN = "(not given)"
_FIGURES = (
    "present_value",
    "total_investment",
    "npv",
    "ratio",
    "net_ratio",
    "payback_months",
    "discounted_payback_years",
)
_BLOCK = 1 << 18  # elements of one block's outcomes x years impact table


# ------------------------------------------------------------------ locations and problems


class _Table:
    """One table of the portfolio: its frame, and how to name a row and a column of it.

    ``rows``, ``files`` and ``sources`` (one entry per row of ``frame``) say where each row
    came from when the frame is a part of a larger table (a partition of a Dask DataFrame):
    its position in the whole table (or in its file), its file's name (None: not a file)
    and the number of its file among the table's files (the order rows are listed in).
    """

    def __init__(
        self,
        name: str,
        frame: pd.DataFrame,
        file: str | None,
        key: str,
        rows: np.ndarray | None = None,
        files: np.ndarray | None = None,
        sources: np.ndarray | None = None,
    ) -> None:
        self.name = name
        self.frame = frame
        self.file = file
        self.key = key
        self.keys: np.ndarray | None = None
        self.rows = rows
        self.files = files
        self.sources = sources

    def where(self, row: int, column: str | None = None) -> str:
        """``outcomes.csv, row 7, column deadweight`` (the file's line, header = row 1) or
        ``outcomes[project_id=P12, row 3].deadweight`` (the frame's position, from 0)."""
        file = self.file if self.files is None else self.files[row]
        at = row if self.rows is None else int(self.rows[row])
        if file is not None:
            place = f"{file}, row {at + 2}"
            return place + (f", column {column}" if column else "")
        key = "" if self.keys is None else f"{self.key}={self.keys[row]}, "
        return f"{self.name}[{key}row {at}]" + (f".{column}" if column else "")

    def order(self, row: int) -> tuple[int, int]:
        """Where a row comes in its whole table: (its file's number, its position)."""
        source = 0 if self.sources is None else int(self.sources[row])
        return source, row if self.rows is None else int(self.rows[row])

    def columns_location(self) -> str:
        return f"{self.file}, header" if self.file is not None else f"{self.name}.columns"


_TABLES = ("outcomes", "inputs")


@dataclasses.dataclass(frozen=True)
class _Rows(Problem):
    """The rows that fail one check (a column and a message): the first
    :data:`MAX_PROBLEMS` of them in the order of the table, and how many there are.

    Each part of a portfolio (a partition on Dask) reports its own; :func:`_listed` merges
    the parts' reports of the same check, lists the first rows of the whole table and
    counts the rest, so that the error is the same however the rows were split.
    """

    rows: tuple[tuple[Any, str, Any], ...] = ()  # (order, location, value or _NONE)
    count: int = 0
    rank: tuple[int, int] = (0, 0)  # (table, column): checks listed in this order
    noun: str = "rows"
    group: tuple[Any, ...] = ()


_NONE = "\x00no value"
_PROJECT = ":project"  # the rank of checks of whole projects: before the columns' checks


def _rank(table: str, column: str | None) -> tuple[int, int]:
    """Where a check comes in the list: by table, then by column (the key's first)."""
    known = COLUMNS.get(table, ())
    if column == _PROJECT:
        return _table_rank(table), 0
    return _table_rank(table), known.index(column) + 1 if column in known else len(known) + 1


def _table_rank(table: str) -> int:
    return _TABLES.index(table) if table in _TABLES else len(_TABLES)


def _rows(
    table: str,
    found: Sequence[tuple[Any, str, Any]],
    count: int,
    column: str | None,
    message: str,
    *,
    allowed: str = "",
    kind: str = "invalid",
    suggestions: Sequence[str] = (),
    noun: str = "rows",
    rank_column: str | None = None,
) -> list[Problem]:
    """One check's offending rows (or projects) as a :class:`_Rows` (none: no problem)."""
    if count == 0:
        return []
    return [
        _Rows(
            f"{table}.{column}" if column else table,
            message,
            allowed=allowed,
            kind=kind,
            suggestions=tuple(suggestions),
            rows=tuple(sorted(found, key=lambda r: r[0])[:MAX_PROBLEMS]),
            count=count,
            rank=_rank(table, column if rank_column is None else rank_column),
            noun=noun,
            group=(table, column, message, allowed, kind, tuple(suggestions), noun),
        )
    ]


def _listed(problems: Sequence[Problem]) -> list[Problem]:
    """The problems to show: each check's rows (the same check's reports merged) as one
    problem a row, by table and column, the rows in the order of their table, the first
    :data:`MAX_PROBLEMS` of each check and then how many more; other problems first (the
    price year that proxies need first of all, naming each proxy's first row)."""
    uses = [u for p in problems if isinstance(p, _UsedBy) for u in p.uses]
    plain = [_used_by(uses)] if uses else []
    plain += [p for p in problems if not isinstance(p, (_Rows, _UsedBy))]
    checks: dict[tuple[Any, ...], list[_Rows]] = {}
    for p in problems:
        if isinstance(p, _Rows):
            checks.setdefault(p.group, []).append(p)
    merged = []
    for parts in checks.values():
        rows = sorted((r for p in parts for r in p.rows), key=lambda r: r[0])[:MAX_PROBLEMS]
        merged.append((parts[0], rows, sum(p.count for p in parts)))
    merged.sort(key=lambda m: (m[0].rank, m[1][0][0] if m[1] else (), m[0].message))
    out = list(plain)
    for check, rows, count in merged:
        for _, location, value in rows:
            out.append(
                Problem(
                    location,
                    check.message,
                    *(() if isinstance(value, str) and value == _NONE else (value,)),
                    allowed=check.allowed,
                    kind=check.kind,
                    suggestions=check.suggestions,
                )
            )
        if count > len(rows):
            out.append(
                Problem(
                    check.location,
                    f"and {count - len(rows):,} more {check.noun} with the same problem "
                    f"({count:,} in all)",
                )
            )
    return out


@dataclasses.dataclass(frozen=True)
class _UsedBy(Problem):
    """The problem of proxies that need the portfolio's price year, with the rows that
    name them: (the proxy and unit, the row's order, where it is), for :func:`_listed` to
    merge the reports of several parts into the one problem of the whole table."""

    uses: tuple[tuple[Any, tuple[int, int], str], ...] = ()


def _used_by(uses: Sequence[tuple[Any, tuple[int, int], str]]) -> _UsedBy:
    """ "price_year is needed", naming the first row of each proxy that needs it."""
    first: dict[Any, tuple[tuple[int, int], str]] = {}
    for pair, order, where in uses:
        if pair not in first or order < first[pair][0]:
            first[pair] = (order, where)
    ordered = sorted(first.items(), key=lambda item: item[1][0])
    said = _needs_price_year([where for _, (_, where) in ordered])
    return _UsedBy(
        said.location,
        said.message,
        allowed=said.allowed,
        kind=said.kind,
        uses=tuple((pair, order, where) for pair, (order, where) in ordered),
    )


def _capped(
    table: _Table,
    rows: Iterable[int],
    column: str | None,
    message: str,
    values: Sequence[Any] | None = None,
    allowed: str = "",
    kind: str = "invalid",
    suggestions: Sequence[str] = (),
) -> list[Problem]:
    """The rows that fail a check: the first :data:`MAX_PROBLEMS` of them, and a count."""
    rows = rows if isinstance(rows, np.ndarray) else np.fromiter(rows, dtype=np.int64)
    if rows.size == 0:
        return []
    if table.sources is None and table.rows is None:  # positions are the table's order
        first = np.argsort(rows, kind="stable")[:MAX_PROBLEMS]
    else:
        orders = [table.order(int(r)) for r in rows]
        first = sorted(range(rows.size), key=orders.__getitem__)[:MAX_PROBLEMS]
    found = [
        (
            table.order(int(rows[i])),
            table.where(int(rows[i]), column),
            _NONE if values is None else _plain(values[i]),
        )
        for i in first
    ]
    return _rows(
        table.name,
        found,
        int(rows.size),
        column,
        message,
        allowed=allowed,
        kind=kind,
        suggestions=suggestions,
    )


def _raise(problems: Sequence[Problem]) -> SROIError:
    """The error listing ``problems`` (each check's rows merged, capped and counted); the
    problems as found are kept on it as ``found``, for a partition's report on Dask."""
    error = error_for(_listed(problems), title="the portfolio")
    error.found = tuple(problems)  # type: ignore[attr-defined]
    return error


# ------------------------------------------------------------------ the key


def _key_traits(keys: pd.Series) -> tuple[bool | None, bool, bool, bool]:
    """What the keys of one table (or part of one) are like: whether they are numbers
    (None: no keys to tell), whether every one reads as a number (text such as ``"7"``),
    whether those numbers are all whole, and whether text keys are written as the numbers
    would be (``"7"``, not ``"007"`` or ``"7.0"``)."""
    import pandas as pd

    keys = keys[pd.notna(keys).to_numpy()]
    if keys.empty:
        return None, True, True, True
    if pd.api.types.is_bool_dtype(keys):
        return False, False, False, False
    if pd.api.types.is_integer_dtype(keys):
        return True, True, True, True
    numeric = pd.api.types.is_numeric_dtype(keys) or pd.api.types.infer_dtype(
        keys, skipna=True
    ) in ("integer", "floating", "mixed-integer-float", "decimal")
    try:
        values = pd.to_numeric(keys, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        return bool(numeric), False, False, False
    parses = bool(np.isfinite(values).all())
    whole = parses and bool(((values == np.floor(values)) & (np.abs(values) < 2.0**53)).all())
    canonical = bool(numeric)
    if parses and not numeric:
        written = keys.astype(str).to_numpy(dtype=str)
        if whole:  # the usual case, without Python per key
            plain = values.astype(np.int64).astype(str)
        else:
            plain = np.array([_key_text(v) for v in values], dtype=str)
        canonical = bool((written == plain).all())
    return bool(numeric), parses, whole, canonical


def _combined_traits(
    parts: Iterable[tuple[bool | None, bool, bool, bool]],
) -> tuple[bool | None, bool, bool, bool]:
    """The traits of a table from those of its parts."""
    kinds = []
    parses = whole = canonical = True
    for numeric, p, w, c in parts:
        if numeric is not None:
            kinds.append(numeric)
            parses, whole, canonical = parses and p, whole and w, canonical and c
    return (all(kinds) if kinds else None), parses, whole, canonical


def _keys_as(
    outcomes: tuple[bool | None, bool, bool, bool], inputs: tuple[bool | None, bool, bool, bool]
) -> tuple[str, bool]:
    """How to make the two tables' keys one type, so that project 1 is project 1 whether a
    table holds it as the number 1, 1.0 or the text "1".

    Numbers in both tables: numbers. Numbers in one and text in the other: numbers when
    every text key reads as a number, else text (numbers written without a needless
    ``.0``). Text in both (two CSV files): numbers when every key is a number written
    plainly (``7``, ``12``, so that they sort as numbers), else the text as written
    (``"007"`` is not ``"7"``). Numbers that are all whole become whole numbers (int64).
    """
    texts = [t for t in (outcomes, inputs) if t[0] is False]
    if len(texts) == 2 and not all(t[1] and t[3] for t in texts):
        return "text", False
    if len(texts) == 1 and not texts[0][1]:
        return "text", False
    return "number", all(t[2] for t in (outcomes, inputs))


def _key_values(keys: pd.Series, keys_as: tuple[str, bool]) -> np.ndarray:
    """A table's keys in the type ``keys_as`` says (:func:`_keys_as`)."""
    import pandas as pd

    mode, whole = keys_as
    if mode == "number":
        if whole and pd.api.types.is_integer_dtype(keys):
            return keys.to_numpy(dtype=np.int64)
        values = pd.to_numeric(keys, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return values.astype(np.int64) if whole else values
    if pd.api.types.is_string_dtype(keys) and pd.api.types.infer_dtype(keys) == "string":
        return keys.to_numpy(dtype=object)
    return np.array([_key_text(k) for k in keys.to_numpy(dtype=object)], dtype=object)


def _key_text(key: Any) -> str:
    """A key as text: a whole number without ``.0`` (1.0 and 1 are both ``"1"``)."""
    if isinstance(key, (bool, np.bool_, str)):
        return str(key)
    if isinstance(key, (int, np.integer)):
        return str(int(key))
    if isinstance(key, (float, np.floating)) and float(key).is_integer() and abs(key) < 2**63:
        return str(int(key))
    if isinstance(key, (float, np.floating)):
        return repr(float(key))
    return str(key)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


# ------------------------------------------------------------------ reading


def _read(name: str, given: Any, key: str) -> tuple[_Table | None, list[Problem]]:
    """The table as a frame (from a DataFrame, a CSV or a Parquet file)."""
    import pandas as pd

    if isinstance(given, pd.DataFrame):
        return _Table(name, given.reset_index(drop=True), None, key), []
    if isinstance(given, (str, PathLike)):
        path = Path(given)
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                # the key as written ("007" stays "007"); the rest as pandas reads it
                frame = pd.read_csv(path, skipinitialspace=True, dtype={key: str})
            elif suffix in (".parquet", ".pq"):
                frame = pd.read_parquet(path)
            else:
                return None, [
                    Problem(
                        name,
                        "a portfolio table must be a DataFrame or a .csv or .parquet file",
                        str(given),
                        allowed="a pandas DataFrame, or the path of a .csv or .parquet file",
                    )
                ]
        except FileNotFoundError:
            return None, [Problem(name, "no such file", str(given), kind="missing")]
        except ImportError as exc:
            return None, [Problem(path.name, f"cannot be read: {exc}", str(given))]
        except (ValueError, OSError, UnicodeError, pd.errors.ParserError) as exc:
            return None, [Problem(path.name, f"cannot be read: {exc}", str(given))]
        return _Table(name, frame, path.name, key), []
    return None, [
        Problem(
            name,
            f"must be a pandas DataFrame or the path of a .csv or .parquet file, not "
            f"{type(given).__name__}",
            allowed="a pandas DataFrame, or the path of a .csv or .parquet file",
        )
    ]


def _check_columns(table: _Table, required: Sequence[str]) -> list[Problem]:
    """Required columns present, every column known (a typo gets the closest name)."""
    known = (table.key, *COLUMNS[table.name])
    columns = list(table.frame.columns)
    problems = []
    for column in columns:
        if not isinstance(column, str) or column not in known:
            guess = difflib.get_close_matches(str(column), known, n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            problems.append(
                Problem(
                    table.columns_location(),
                    f"has an unknown column {column!r}{hint}",
                    str(column),
                    allowed="the columns " + show_names(known, limit=30),
                    kind="unknown_field",
                    suggestions=tuple(guess),
                )
            )
    twice = sorted({c for c in columns if isinstance(c, str) and columns.count(c) > 1})
    for column in twice:
        problems.append(
            Problem(table.columns_location(), f"has two columns named {column!r}", column)
        )
    for column in required:
        if column not in columns:
            problems.append(
                Problem(
                    table.columns_location(),
                    f"needs a column {column!r}",
                    kind="missing",
                )
            )
    return problems


def _numbers(table: _Table, column: str, problems: list[Problem]) -> np.ndarray:
    """A column as floats, NaN where blank; cells that are not numbers are problems."""
    import pandas as pd

    series = table.frame[column]
    if pd.api.types.is_bool_dtype(series):
        problems += _capped(
            table,
            range(len(series)),
            column,
            "must be a number, not yes/no",
            series.to_numpy(),
        )
        return np.full(len(series), np.nan)
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    raw = series.to_numpy(dtype=object)
    yes_no = np.fromiter((isinstance(x, (bool, np.bool_)) for x in raw), bool, raw.size)
    if yes_no.any():
        rows = np.flatnonzero(yes_no)
        problems += _capped(table, rows, column, "must be a number, not yes/no", raw[rows])
        values = np.where(yes_no, np.nan, values)
    failed = np.flatnonzero(np.isnan(values) & ~pd.isna(series).to_numpy() & ~yes_no)
    if failed.size:
        lists = [i for i in failed if isinstance(raw[i], (list, tuple, np.ndarray))]
        other = [i for i in failed if not isinstance(raw[i], (list, tuple, np.ndarray))]
        problems += _capped(
            table,
            lists,
            column,
            "is a list: yearly profiles are not supported in a portfolio; evaluate that "
            "project with sroi.evaluate",
            raw[lists],
            allowed="one number",
        )
        problems += _capped(
            table,
            other,
            column,
            "must be a number (distributions and text are not supported in a portfolio)",
            [str(x) for x in raw[other]],
            allowed="a number",
        )
    return values


def _texts(table: _Table, column: str) -> np.ndarray | None:
    """A text column as an object array of stripped str, None where blank; None when the
    table has no such column."""
    import pandas as pd

    if column not in table.frame.columns:
        return None
    series = table.frame[column]
    blank = pd.isna(series).to_numpy()
    text = series.astype(str).str.strip().to_numpy(dtype=object)
    text[blank] = None
    text[text == ""] = None
    return text


def _check_range(
    table: _Table,
    column: str,
    values: np.ndarray,
    ok: np.ndarray,
    message: str,
    allowed: str,
    problems: list[Problem],
) -> None:
    bad = np.flatnonzero(~ok & ~np.isnan(values))
    problems += _capped(table, bad, column, message, values[bad], allowed=allowed)


def _required_numbers(
    table: _Table, column: str, problems: list[Problem], default: float | None
) -> np.ndarray:
    """A numeric column; a blank cell is a problem (a missing column takes ``default``)."""
    import pandas as pd

    if column not in table.frame.columns:
        return np.full(len(table.frame), default if default is not None else np.nan)
    values = _numbers(table, column, problems)
    raw_blank = pd.isna(table.frame[column]).to_numpy()
    blank = np.flatnonzero(raw_blank)
    problems += _capped(
        table,
        blank,
        column,
        "is blank; give a number (a blank is never taken as a default)",
        allowed="a number",
    )
    return values


# ------------------------------------------------------------------ the outcome columns


def _outcome_columns(
    table: _Table,
    conventions: Conventions,
    problems: list[Problem],
) -> dict[str, np.ndarray]:
    """Every outcome column checked, each as an array in the frame's row order."""
    import pandas as pd

    frame = table.frame
    cols: dict[str, np.ndarray] = {}
    q = cols["quantity"] = _required_numbers(table, "quantity", problems, None)
    _check_range(
        table,
        "quantity",
        q,
        np.isfinite(q) & (q >= 0),
        "must be a number >= 0",
        "a number >= 0",
        problems,
    )
    d = cols["duration"] = _required_numbers(table, "duration", problems, None)
    _check_range(
        table,
        "duration",
        d,
        np.isfinite(d) & (d > 0) & (d <= MAX_YEARS),
        f"must be a number of years above 0 and at most {MAX_YEARS}",
        f"a number of years above 0 and at most {MAX_YEARS}",
        problems,
    )
    if conventions.partial_years == "error":
        _check_range(
            table,
            "duration",
            d,
            ~np.isfinite(d) | (d <= 0) | (d > MAX_YEARS) | (d == np.floor(d)),
            "must be a whole number of years; for a part year at the end, set the "
            "convention partial_years: pro_rata",
            "a whole number of years",
            problems,
        )
    s = cols["start_year"] = _required_numbers(table, "start_year", problems, 1.0)
    _check_range(
        table,
        "start_year",
        s,
        np.isfinite(s) & (s >= 1) & (s <= MAX_YEARS) & (s == np.floor(s)),
        f"must be a whole number of years from 1 to {MAX_YEARS}",
        f"a whole number from 1 to {MAX_YEARS}",
        problems,
    )
    for name in _FRACTIONS:
        f = cols[name] = _required_numbers(table, name, problems, 0.0)
        _check_range(
            table,
            name,
            f,
            (f >= 0) & (f <= 1),
            "must be a fraction between 0 and 1, e.g. 0.25 for 25 %",
            "a number from 0 to 1",
            problems,
        )
    value = (
        _numbers(table, "value", problems)
        if "value" in frame.columns
        else np.full(len(frame), np.nan)
    )
    value_given = ~np.isnan(value)
    if "value" in frame.columns:
        value_given |= ~pd.isna(frame["value"]).to_numpy()
    _check_range(
        table,
        "value",
        value,
        np.isfinite(value),
        "must be a finite number",
        "a finite number",
        problems,
    )
    cols["value"] = value.copy()  # proxies fill in their rows
    proxy = cols["proxy"] = _texts(table, "proxy")
    proxy_given = np.zeros(len(frame), dtype=bool) if proxy is None else proxy != None  # noqa: E711
    both = np.flatnonzero(value_given & proxy_given)
    neither = np.flatnonzero(~value_given & ~proxy_given)
    problems += _capped(
        table, both, None, "gives both `value` and `proxy`: give one financial proxy"
    )
    problems += _capped(table, neither, None, "needs a financial proxy: give `value` or `proxy`")
    for name in ("unit", "bearer", "marmot_objective", "group", "drop_off_from"):
        cols[name] = _texts(table, name)
    when = cols["drop_off_from"]
    if when is not None:
        bad = np.flatnonzero((when != None) & ~np.isin(when, DROP_OFF_FROM))  # noqa: E711
        problems += _capped(
            table,
            bad,
            "drop_off_from",
            "must be one of " + ", ".join(map(repr, DROP_OFF_FROM)),
            when[bad],
            allowed="second_year or first_year",
        )
    for name, check in _WORDS.items():
        if name != "kind":
            problems += _check_words(table, name, check)
    return cols


_WORDS: Mapping[str, Any] = {
    "marmot_objective": lambda x: parse_choice(x, MARMOT_OBJECTIVES),
    "bearer": parse_bearer_split,
    "value_type": lambda x: parse_choice(x, VALUE_TYPES),
    "category": lambda x: parse_choice(x, CATEGORIES),
    "kind": lambda x: parse_choice(x, INPUT_KINDS),
}
"""The text columns whose words are checked, each with its check (one call per distinct word)."""


def _check_words(table: _Table, name: str, check: Any) -> list[Problem]:
    """Each distinct word of a text column checked once; the rows of a bad one listed."""
    import pandas as pd

    column = _texts(table, name)
    if column is None:
        return []
    problems: list[Problem] = []
    for word in pd.unique(column[column != None]):  # noqa: E711 - distinct words only
        try:
            check(word)
        except ModelError as exc:
            said = exc.problems[0]
            rows = np.flatnonzero(column == word)
            problems += _capped(table, rows, name, said.message, column[rows], said.allowed)
    return problems


def _value_proxies(
    table: _Table,
    cols: dict[str, np.ndarray],
    proxies: ProxyTable | None,
    series: Any,
    target: int | str | None,
    currency: str,
    problems: list[Problem],
    told: list[Warning] | None = None,
) -> dict[int, Valuation]:
    """Look up each distinct (proxy, unit) once; fill in the rows' values. The warnings
    are given (``warnings.warn``), or added to ``told`` when it is a list.

    Returns the valuation of each distinct pair, keyed by the first row that names it (for
    the class labels: bearer shares and Marmot objective come from the proxy unless the
    row gives its own).
    """
    import pandas as pd

    proxy, unit = cols["proxy"], cols["unit"]
    found: dict[int, Valuation] = {}
    if proxy is None:
        return found
    if unit is None:
        unit = np.full(proxy.size, None, dtype=object)
    named = np.flatnonzero(proxy != None)  # noqa: E711
    if named.size == 0:
        return found
    pairs = pd.MultiIndex.from_arrays(
        [proxy[named], pd.array(unit[named], dtype=object)]
    ).factorize()[0]
    firsts = pd.Series(named).groupby(pairs, sort=False).first().to_numpy()
    catalogue = proxies if proxies is not None else load()
    used_by: list[tuple[Any, tuple[int, int], str]] = []
    value = cols["value"]
    for code, first in enumerate(firsts):
        rows = named[pairs == code]
        years = _series_rows(catalogue, proxy[first])
        if years:
            problems += _capped(
                table,
                rows,
                "proxy",
                "is a proxy series over calendar years, which a portfolio does not value "
                f"year by year: name one year's row (such as {years[min(years)]!r}), or "
                "evaluate the project with sroi.evaluate",
                proxy[rows],
                allowed="the id of one proxy row",
            )
            continue
        resolved = _resolve("", proxy[first], unit[first], currency, target, catalogue, series)
        if resolved.needs_price_year:
            used_by.append(
                (
                    (proxy[first], unit[first]),
                    table.order(int(first)),
                    table.where(int(first)) + f" ({proxy[first]})",
                )
            )
        for p in resolved.problems:
            column = p.location.lstrip(".") or "proxy"
            problems += _capped(
                table,
                rows,
                column,
                p.message,
                [p.value] * rows.size,
                p.allowed,
                kind=p.kind,
                suggestions=p.suggestions,
            )
        if resolved.proxy is not None and not resolved.problems:
            v = resolved.proxy.value * resolved.price_index * resolved.unit_factor
            value[rows] = v
            found[int(first)] = Valuation(
                v,
                resolved.proxy,
                resolved.price_index,
                resolved.unit_factor,
                resolved.proxy.value_type,
                resolved.proxy.category,
                resolved.proxy.marmot_objective,
                resolved.proxy.bearer_split,
            )
            cols.setdefault("_pair_first", np.full(len(value), -1, dtype=np.int64))
            cols["_pair_first"][rows] = first
    if used_by:
        problems.insert(0, _used_by(used_by))
    firsts_found = list(found)
    said = list(valuation_warnings(list(found.values()), [proxy[r] for r in found]))
    said = [
        type(w)(w.message, location=table.where(firsts_found[_row_of(w)], "proxy")) for w in said
    ]
    if target is not None and series is not None:
        sources = [(table.where(r, "proxy"), v.proxy.price_year) for r, v in found.items()]
        said += conversion_warnings(series, target, sources)
    if told is not None:  # a partition on Dask: kept, not given (threads share filters)
        told.extend(said)
        return found
    for w in said:
        warnings.warn(w, stacklevel=4)
    return found


def _series_rows(table: ProxyTable, proxy_id: str) -> Mapping[int, str] | None:
    """The rows by calendar year when ``proxy_id`` names a series of proxies, else None."""
    series = getattr(table, "series", None)
    if series is None or proxy_id in table:
        return None
    return series(proxy_id)


def _row_of(warning: Any) -> int:
    """The position in the list of valuations that a valuation warning is located at."""
    location = getattr(warning, "location", "")
    return int(location.split("[", 1)[1].split("]", 1)[0])


# ------------------------------------------------------------------ the entry point


def evaluate_portfolio(
    outcomes: pd.DataFrame | str | PathLike[str],
    inputs: pd.DataFrame | str | PathLike[str],
    *,
    key: str = "project_id",
    discount_rate: DiscountRate = DEFAULT_DISCOUNT_RATE,
    conventions: Conventions | Mapping[str, Any] | None = None,
    proxies: ProxyTable | None = None,
    price_year: int | str | None = None,
    deflator: Series = DEFAULT_SERIES,
    currency: str = "GBP",
    by: str | Sequence[str] | None = None,
    payback: bool = True,
    progress: bool | float = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluate every project of a portfolio: one row of headline figures per project.

    Each project's figures are those :func:`sroi.evaluate` gives for a model made of that
    project's outcome and input rows, with ``discount_rate``, ``conventions``,
    ``price_year`` and ``currency`` as the model's own, and the same ``proxies`` and
    ``deflator``.

    Given a Dask DataFrame for either table, the portfolio is evaluated on Dask a partition
    at a time, each project whole within one partition, by
    :func:`sroi.distributed.evaluate_portfolio_dask`, which returns Dask DataFrames
    (``progress`` is then not used).

    Parameters
    ----------
    outcomes : pandas.DataFrame, or path of a .csv or .parquet file
        One row per outcome: the key column and the outcome fields of a model
        (``quantity``, ``value`` or ``proxy``, ``duration``, and optionally ``start_year``,
        ``deadweight``, ``displacement``, ``attribution``, ``leakage``, ``drop_off``,
        ``drop_off_from``, ``unit``, ``bearer``, ``marmot_objective``, ``group`` and the
        descriptive fields such as ``stakeholder`` and ``outcome``). A missing optional
        column takes the field's default; a blank cell in a numeric column is an error.
    inputs : pandas.DataFrame, or path of a .csv or .parquet file
        One row per input: the key column, ``amount`` [money, >= 0] and optionally
        ``year`` [years, whole, >= 0; default 0] and descriptive fields.
    key : str, default "project_id"
        The column naming the project of each row.
    discount_rate : float, str or sequence of float, default 0.035
        A constant rate [fraction, 0-1], a schedule name (``"green_book"``) or yearly rates.
    conventions : Conventions or mapping, optional
        The computation conventions (:mod:`sroi.conventions`), for every project.
    proxies : ProxyTable, optional
        The table ``proxy`` ids are looked up in (each distinct id and unit once); default
        the bundled table, read only when a row names a proxy.
    price_year : int or str, optional
        The price year of the portfolio's amounts (a model's ``price_year``): proxies are
        moved to it from their own price year with ``deflator``.
    deflator : str, path or DeflatorSeries, default "hmt"
        The GDP deflator series (as for :func:`sroi.evaluate`).
    currency : str, default "GBP"
        The currency of every amount, for proxies' units.
    by : str or sequence of str, optional
        Also total the present value across the portfolio by any of ``"bearer"`` (split
        by each proxy's or row's bearer shares), ``"marmot_objective"`` and ``"group"``.
    payback : bool, default True
        Work out ``payback_months`` and ``discounted_payback_years`` (they need a year
        table per project; without them the figures take about a third of the time).
    progress : bool or float, default False
        Show one progress bar (on stderr) over the whole call, from its start: reading
        the tables, checking the columns, valuing proxies, the engine's blocks of
        projects and payback. True: at once; a number [seconds]: only once the call has
        taken that long (so that short runs show nothing). The figures are the same.

    Returns
    -------
    pandas.DataFrame, or (pandas.DataFrame, pandas.DataFrame) with ``by``
        One row per project, indexed by ``key`` and sorted by it, with columns
        ``present_value``, ``total_investment``, ``npv`` [money], ``ratio``, ``net_ratio``
        [money per unit invested], ``payback_months`` [months] and
        ``discounted_payback_years`` [years] (NaN where :func:`sroi.evaluate` gives None;
        both columns NaN with ``payback=False``). With ``by``, a second frame of totals:
        columns ``by``, ``label``, ``present_value`` [money] and ``share`` [fraction of the
        portfolio's present value], largest first within each ``by``; rows that do not say
        are labelled ``"(not given)"``.

    Raises
    ------
    SROIError
        Listing every problem together: unknown or missing columns, every offending row of
        each check, check by check and in the order of the table (the first 20 rows of
        each check, and how many more), located as
        ``outcomes[project_id=P12, row 3].deadweight`` for a DataFrame (``row`` is the
        frame's position, from 0) or ``outcomes.csv, row 7, column deadweight`` for a file
        (its line, the header being row 1); unknown proxy ids and units that do not fit;
        projects with outcomes and no inputs (or inputs and no outcomes), and projects
        whose investment is 0 (a key is the same project in both tables whether held as
        the number 1, 1.0 or the text "1"). A list in a cell (a yearly profile), a
        distribution and a proxy series over calendar years are refused: evaluate such a
        project with :func:`sroi.evaluate`.

    See Also
    --------
    sroi.distributed.evaluate_portfolio_dask : the same on Dask, for portfolios larger than
        memory.

    Examples
    --------
    >>> import pandas as pd
    >>> outcomes = pd.DataFrame({"project_id": ["A", "B"], "quantity": [100, 10],
    ...     "value": [1_000.0, 500.0], "duration": [3, 1], "deadweight": [0.25, 0.0],
    ...     "attribution": [0.1, 0.0], "drop_off": [0.1, 0.0]})
    >>> inputs = pd.DataFrame({"project_id": ["A", "B"], "amount": [150_000.0, 1_000.0]})
    >>> table = evaluate_portfolio(outcomes, inputs)
    >>> table["ratio"].round(4).to_dict()
    {'A': 1.1416, 'B': 4.8309}
    """
    if _is_dask(outcomes) or _is_dask(inputs):
        from sroi.distributed import evaluate_portfolio_dask

        return evaluate_portfolio_dask(
            outcomes,
            inputs,
            key=key,
            discount_rate=discount_rate,
            conventions=conventions,
            proxies=proxies,
            price_year=price_year,
            deflator=deflator,
            currency=currency,
            by=by,
            payback=payback,
        )
    settings, problems = _settings(
        key, discount_rate, conventions, proxies, price_year, deflator, currency, by
    )
    bar = _Progress(progress, payback)
    try:
        out_table, found = _read("outcomes", outcomes, key)
        problems += found
        in_table, found = _read("inputs", inputs, key)
        problems += found
    except BaseException:
        bar.close()
        raise
    if problems or out_table is None or in_table is None:
        bar.close()
        raise _raise(problems)
    problems += _check_columns(out_table, (key, "quantity", "duration"))
    problems += _check_columns(in_table, (key, "amount"))
    if out_table.frame.empty:
        problems.append(Problem("outcomes", "has no rows; a portfolio needs at least one outcome"))
    if problems:
        bar.close()
        raise _raise(problems)
    bar.step("reading")
    try:
        return _evaluate(out_table, in_table, settings, payback, bar)
    finally:
        bar.close()


def _is_dask(given: Any) -> bool:
    """Whether ``given`` is a Dask collection (without importing Dask)."""
    return type(given).__module__.split(".")[0] in ("dask", "dask_expr") and hasattr(
        given, "npartitions"
    )


@dataclasses.dataclass(frozen=True)
class _Settings:
    """The portfolio's options, checked once (and sent to every partition on Dask)."""

    key: str
    rate: Any
    conventions: Conventions
    proxies: ProxyTable | None
    target: int | str | None
    series: Any
    currency: str
    wanted: tuple[str, ...]


def _settings(
    key: str,
    discount_rate: Any,
    conventions: Any,
    proxies: Any,
    price_year: Any,
    deflator: Any,
    currency: str,
    by: Any,
) -> tuple[_Settings, list[Problem]]:
    """The options checked: the settings, and a problem for each one that is not valid."""
    problems: list[Problem] = []
    try:
        rate = parse_discount_rate(discount_rate, "discount_rate")
    except ModelError as exc:
        problems += exc.problems
        rate = None
    try:
        conv = Conventions.parse(conventions)
    except SROIError as exc:
        problems += exc.problems
        conv = Conventions()
    target = None
    if price_year is not None:
        try:
            target = parse_price_year_(price_year, "price_year").plain
        except ModelError as exc:
            problems += exc.problems
    try:
        series = deflator_series(deflator)
    except ModelError as exc:
        problems += exc.problems
        series = None
    wanted: tuple[str, ...] = ()
    if by is not None:
        wanted = (by,) if isinstance(by, str) else tuple(by)
        for name in wanted:
            if name not in BY:
                problems.append(Problem("by", "must be one of " + ", ".join(map(repr, BY)), name))
    if proxies is not None and not isinstance(proxies, ProxyTable):
        problems.append(
            Problem("proxies", "must be a sroi.proxies.ProxyTable", type(proxies).__name__)
        )
    settings = _Settings(key, rate, conv, proxies, target, series, currency, wanted)
    return settings, problems


def _evaluate(
    out_table: _Table,
    in_table: _Table,
    settings: _Settings,
    payback: bool,
    bar: _Progress | None = None,
    keys_as: tuple[str, bool] | None = None,
    told: list[Warning] | None = None,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """The portfolio's figures from its two tables, whose columns are checked (an empty
    pair of tables, a partition without rows, gives an empty result). ``keys_as``: how to
    make the two key columns one type (:func:`_keys_as`), when decided for a whole table
    of which these are a part; ``bar`` the progress bar to move on; ``told``, a list to
    put the warnings in rather than give them."""
    import pandas as pd

    bar = _Progress(False, payback) if bar is None else bar

    key, rate, conv = settings.key, settings.rate, settings.conventions
    wanted = settings.wanted
    problems: list[Problem] = []
    if out_table.frame.empty and in_table.frame.empty:
        empty = pd.DataFrame(
            {name: pd.Series(dtype=float) for name in _FIGURES},
            index=pd.Index(out_table.frame[key], name=key),
        )
        if not wanted:
            return empty
        totals = pd.DataFrame(
            {
                "by": pd.Series(dtype=object),
                "label": pd.Series(dtype=object),
                "present_value": pd.Series(dtype=float),
                "share": pd.Series(dtype=float),
            }
        )
        return empty, totals

    # the projects: codes sorted by key, every project in both tables
    for table in (out_table, in_table):
        blank = np.flatnonzero(pd.isna(table.frame[key]).to_numpy())
        problems += _capped(table, blank, key, "is blank; every row needs its project")
    if problems:
        raise _raise(problems)
    if keys_as is None:
        keys_as = _keys_as(_key_traits(out_table.frame[key]), _key_traits(in_table.frame[key]))
    for table in (out_table, in_table):
        table.keys = _key_values(table.frame[key], keys_as)
    codes, projects = pd.factorize(
        np.concatenate([out_table.keys, in_table.keys]), sort=True, use_na_sentinel=False
    )
    n_out = len(out_table.frame)
    out_code, in_code = codes[:n_out], codes[n_out:]
    n = len(projects)
    has_out = np.bincount(out_code, minlength=n) > 0
    has_in = np.bincount(in_code, minlength=n) > 0
    for table, missing, other in (
        (out_table, ~has_in, "inputs"),
        (in_table, ~has_out, "outcomes"),
    ):
        lonely = np.flatnonzero(missing)
        problems += _rows(
            table.name,
            [
                ((0, projects[p]), f"{table.name}[{key}={projects[p]}]", _NONE)
                for p in lonely[:MAX_PROBLEMS]
            ],
            int(lonely.size),
            None,
            f"has {table.name} but no {other}",
            allowed=f"{other} rows with the same {key}",
            kind="missing",
            noun="projects",
            rank_column=_PROJECT,
        )

    cols = _outcome_columns(out_table, conv, problems)
    amount = _required_numbers(in_table, "amount", problems, None)
    _check_range(
        in_table,
        "amount",
        amount,
        np.isfinite(amount) & (amount >= 0),
        "must be a number >= 0",
        "a number >= 0",
        problems,
    )
    year = _required_numbers(in_table, "year", problems, 0.0)
    _check_range(
        in_table,
        "year",
        year,
        np.isfinite(year) & (year >= 0) & (year <= MAX_YEARS) & (year == np.floor(year)),
        f"must be a whole number of years from 0 to {MAX_YEARS}",
        f"a whole number from 0 to {MAX_YEARS}",
        problems,
    )
    problems += _check_words(in_table, "kind", _WORDS["kind"])
    if problems:  # the proxies only once the columns they need are sound
        raise _raise(problems)
    bar.step("checking")
    valued = _value_proxies(
        out_table,
        cols,
        settings.proxies,
        settings.series,
        settings.target,
        settings.currency,
        problems,
        told,
    )
    if problems:
        raise _raise(problems)
    bar.step("valuing")

    # the engine over every row, rows grouped by project, a block of projects at a time
    order = np.argsort(out_code, kind="stable")
    in_order = np.argsort(in_code, kind="stable")
    pick = slice(None) if np.all(out_code[:-1] <= out_code[1:]) else order
    in_pick = slice(None) if np.all(in_code[:-1] <= in_code[1:]) else in_order
    first = None
    if cols["drop_off_from"] is not None or conv.drop_off_from != "second_year":
        given = cols["drop_off_from"]
        given = np.full(order.size, None, dtype=object) if given is None else given[pick]
        first = np.where(given == None, conv.drop_off_from, given) == "first_year"  # noqa: E711
    leakage = cols["leakage"][pick]
    arrays = OutcomeArrays(
        quantity=cols["quantity"][pick],
        value=cols["value"][pick],
        deadweight=cols["deadweight"][pick],
        displacement=cols["displacement"][pick],
        attribution=cols["attribution"][pick],
        drop_off=cols["drop_off"][pick],
        duration=cols["duration"][pick],
        start_year=cols["start_year"][pick],
        leakage=leakage if leakage.any() else None,
        drop_off_from_first_year=first,
    )
    project = out_code[pick]
    in_project = in_code[in_pick]
    amounts, years_in = amount[in_pick], year[in_pick].astype(np.int64)
    starts = np.searchsorted(project, np.arange(n + 1))
    in_starts = np.searchsorted(in_project, np.arange(n + 1))
    # blocks of whole projects of about _ENGINE_ROWS outcome rows each
    bounds = np.unique(np.searchsorted(starts, np.arange(0, order.size, _ENGINE_ROWS)))
    bounds = np.unique(np.concatenate([[0], bounds[bounds < n], [n]]))
    bar.share("engine", bounds.size - 1)
    blocks: list[tuple[int, int, Any]] = []
    found: list[Problem] = []
    for p0, p1 in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        r0, r1, i0, i1 = starts[p0], starts[p1], in_starts[p0], in_starts[p1]
        try:
            c = compute(
                _part(arrays, slice(r0, r1)),
                amounts[i0:i1],
                years_in[i0:i1],
                rate,
                conventions=conv,
                check=False,
            )
        except ModelError as exc:
            found += [
                _relocated(p, out_table, in_table, order, in_order, r0, i0) for p in exc.problems
            ]
        else:
            blocks.append((p0, p1, c))
        bar.advance()
    if found:
        raise _raise(found)
    present_value = np.bincount(
        project,
        weights=np.concatenate([c.present_value_by_outcome for _, _, c in blocks]),
        minlength=n,
    )
    investment = np.bincount(
        in_project,
        weights=np.concatenate([c.present_value_by_input for _, _, c in blocks]),
        minlength=n,
    )
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        ratio = present_value / investment
    checks = (
        (
            ~(investment > 0),
            "inputs",
            "the total investment is 0; an SROI ratio needs inputs worth more than 0",
            "inputs whose amounts add up to more than 0",
        ),
        (
            ~np.isfinite(investment),
            "inputs",
            "the total investment is too large to compute "
            "(it overflows a float); give amounts in thousands or millions",
            "",
        ),
        (
            ~np.isfinite(present_value),
            "outcomes",
            "the present value is too large to compute "
            "(it overflows a float); give values in thousands or millions",
            "",
        ),
        (
            ~np.isfinite(ratio) & (investment > 0),
            "inputs",
            "the total investment is too "
            "small against the present value for a ratio (it overflows a float)",
            "",
        ),
    )
    for bad, where, message, allowed in checks:
        failed = np.flatnonzero(bad)
        problems += _rows(
            where,
            [
                ((0, projects[p]), f"{where}[{key}={projects[p]}]", _NONE)
                for p in failed[:MAX_PROBLEMS]
            ],
            int(failed.size),
            None,
            message,
            allowed=allowed,
            noun="projects",
            rank_column=_PROJECT,
        )
        if problems:
            raise _raise(problems)
    figures = headline(present_value, investment)
    frame = pd.DataFrame(
        {
            "present_value": present_value,
            "total_investment": investment,
            "npv": figures.npv,
            "ratio": figures.ratio,
            "net_ratio": figures.net_ratio,
            "payback_months": np.nan,
            "discounted_payback_years": np.nan,
        },
        index=pd.Index(projects, name=key),
    )
    if payback:
        months = np.full(n, np.nan)
        years = np.full(n, np.nan)
        bar.share("payback", n)
        for p0, p1, c in blocks:
            _payback(
                c,
                starts[p0 : p1 + 1] - starts[p0],
                in_project[in_starts[p0] : in_starts[p1]] - p0,
                investment[p0:p1],
                months[p0:p1],
                years[p0:p1],
                bar,
            )
        frame["payback_months"] = months
        frame["discounted_payback_years"] = years
    if not wanted:
        return frame
    pv = np.concatenate([c.present_value_by_outcome for _, _, c in blocks])
    return frame, _totals(wanted, cols, pick, valued, pv)


_ENGINE_ROWS = 1 << 18
"""Outcome rows of a portfolio given to the engine at once (whole projects) [rows]."""


def _part(o: OutcomeArrays, part: slice) -> OutcomeArrays:
    """The rows ``part`` of the outcome columns."""
    return OutcomeArrays(
        quantity=o.quantity[part],
        value=o.value[part],
        deadweight=o.deadweight[part],
        displacement=o.displacement[part],
        attribution=o.attribution[part],
        drop_off=o.drop_off[part],
        duration=o.duration[part],
        start_year=o.start_year[part],
        leakage=None if o.leakage is None else o.leakage[part],
        drop_off_from_first_year=None
        if o.drop_off_from_first_year is None
        else o.drop_off_from_first_year[part],
    )


def _relocated(
    p: Problem,
    outcomes: _Table,
    inputs: _Table,
    order: np.ndarray,
    in_order: np.ndarray,
    offset: int = 0,
    in_offset: int = 0,
) -> Problem:
    """An engine problem at ``outcomes[i]`` (the ``i``-th sorted row of a block starting at
    ``offset``) moved to the row it came from."""
    for table, rows, at in ((outcomes, order, offset), (inputs, in_order, in_offset)):
        head = f"{table.name}["
        if p.location.startswith(head) and "]" in p.location:
            index = p.location[len(head) : p.location.index("]")]
            if index.isdigit():
                return p.at(table.where(int(rows[at + int(index)])))
    return p


def _payback(
    c: Any,
    starts: np.ndarray,
    in_project: np.ndarray,
    investment: np.ndarray,
    months: np.ndarray,
    years: np.ndarray,
    bar: _Progress,
) -> None:
    """Payback per project of one engine block (``starts``: each project's first row in
    it; ``in_project``: each input's project, from 0): the engine's rules on year tables
    built a few projects at a time, written into ``months`` and ``years``."""
    n = investment.size
    width = c.years.size
    in_starts = np.searchsorted(in_project, np.arange(n + 1))
    o = c.outcomes
    per_block = max(1, _BLOCK // max(1, width * max(1, int(np.diff(starts).max(initial=1)))))
    for p0 in range(0, n, per_block):
        p1 = min(n, p0 + per_block)
        r0, r1 = starts[p0], starts[p1]
        part = slice(r0, r1)
        block = dataclasses.replace(
            c,
            outcomes=_part(o, part),
            after_attribution=c.after_attribution[part],
            after_leakage=None if c.after_leakage is None else c.after_leakage[part],
            yearly_impact=None,
        )
        impact = np.add.reduceat(block.impact, starts[p0:p1] - r0, axis=0)
        i0, i1 = in_starts[p0], in_starts[p1]
        cells = (in_project[i0:i1] - p0) * width + c.input_years[i0:i1]
        invested = np.bincount(
            cells, weights=c.input_amounts[i0:i1], minlength=(p1 - p0) * width
        ).reshape(p1 - p0, width)
        pv_by_year = impact * c.discount_factor
        in_pv_by_year = invested * c.discount_factor
        # The engine's rules over the block, one payback per project (NaN: none).
        dpb = discounted_payback_years(pv_by_year, in_pv_by_year)
        years[p0:p1] = dpb
        months[p0:p1] = payback_months(impact, investment[p0:p1], pays_back=~np.isnan(dpb))
        bar.advance(p1 - p0)


class _Progress:
    """One progress bar (on stderr) over the stages of a portfolio's evaluation: reading,
    checking, valuing, the engine's blocks and payback, each stage a share of the bar in
    proportion to the time it usually takes. Does nothing when not shown."""

    WEIGHTS: Mapping[str, float] = {
        "reading": 25.0,
        "checking": 20.0,
        "valuing": 5.0,
        "engine": 20.0,
        "payback": 30.0,
    }

    def __init__(self, progress: bool | float, payback: bool) -> None:
        self.bar = None
        self.unit = 0.0
        if not progress:
            return
        from tqdm import tqdm

        weights = dict(self.WEIGHTS)
        if not payback:
            del weights["payback"]
        self.bar = tqdm(
            total=sum(weights.values()),
            desc="portfolio: reading",
            delay=0.0 if progress is True else float(progress),
            # True: every step drawn as it happens; a delay: long runs, drawn now and then
            mininterval=0.0 if progress is True else 0.1,
            miniters=1 if progress is True else None,
            leave=False,
            bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
        )

    def step(self, done: str) -> None:
        """Stage ``done`` is over (it takes its whole share at once)."""
        if self.bar is not None:
            following = list(self.WEIGHTS)
            after = following[following.index(done) + 1 :]
            if after:  # the bar names the stage under way
                self.bar.set_description_str(f"portfolio: {after[0]}", refresh=False)
            self.bar.update(self.WEIGHTS[done])

    def share(self, stage: str, parts: int) -> None:
        """Stage ``stage`` begins, in ``parts`` equal steps."""
        self.unit = self.WEIGHTS[stage] / max(parts, 1)
        if self.bar is not None:
            self.bar.set_description_str(f"portfolio: {stage}", refresh=False)

    def advance(self, parts: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(self.unit * parts)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _totals(
    wanted: Sequence[str],
    cols: dict[str, np.ndarray],
    order: np.ndarray | slice,
    valued: Mapping[int, Valuation],
    pv: np.ndarray,
) -> pd.DataFrame:
    """The portfolio's present value by bearer, Marmot objective or group."""
    import pandas as pd

    pair = cols.get("_pair_first")
    pair = None if pair is None else pair[order]
    frames = []
    total = float(pv.sum())
    for name in wanted:
        own = cols[name]
        own = np.full(pv.size, None, dtype=object) if own is None else own[order]
        if name == "group":
            labels = np.where(own == None, _NOT_GIVEN, own)  # noqa: E711
            sums = pd.Series(pv).groupby(labels, sort=False).sum()
        elif name == "marmot_objective":
            from_proxy = np.full(own.size, None, dtype=object)
            if pair is not None:
                marmot = {row: v.marmot_objective for row, v in valued.items()}
                from_proxy = pd.Series(pair).map(marmot).to_numpy(dtype=object)
                from_proxy[pd.isna(from_proxy)] = None
            labels = np.where(own != None, own, from_proxy)  # noqa: E711
            labels = np.where(labels == None, _NOT_GIVEN, labels)  # noqa: E711
            sums = pd.Series(pv).groupby(labels, sort=False).sum()
        else:  # bearer: each row's present value split by its shares
            pairs = np.full(own.size, -1, dtype=np.int64) if pair is None else pair
            texts = np.where(own == None, "", own)  # noqa: E711
            per_source = pd.Series(pv).groupby([texts, pairs], sort=False).sum()
            amounts: dict[str, float] = {}
            for (text, row), amount in per_source.items():
                if text:
                    split = parse_bearer_split(text)
                elif row >= 0 and valued[int(row)].bearer_split:
                    split = valued[int(row)].bearer_split
                else:
                    split = ((_NOT_GIVEN, 1.0),)
                for agency, share in split:
                    amounts[agency] = amounts.get(agency, 0.0) + amount * share
            sums = pd.Series(amounts, dtype=float)
        part = pd.DataFrame({"by": name, "label": sums.index, "present_value": sums.to_numpy()})
        part["share"] = part["present_value"] / total if total != 0 else np.nan
        frames.append(part.sort_values("present_value", ascending=False, kind="stable"))
    return pd.concat(frames, ignore_index=True)
