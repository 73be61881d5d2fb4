"""The financial proxy catalogue: the bundled ``data/unit_costs.csv`` and users' own tables.

A *financial proxy* puts a money value on an outcome: the fiscal saving when a claimant
enters work, the cost of a homelessness application, the value of a tonne of CO2e. Each row
of a proxy table holds one, with its unit, price year, who gains (the *bearer*), which of
the Marmot Review's policy objectives it serves, a confidence grade, its source and the
licence under which it may be redistributed.

The schema (columns in this order): ``id, name, category, value, currency, unit,
price_year, value_type, bearer, bearer_split, marmot_objective, confidence, source,
licence, note``; see :data:`COLUMNS` and :func:`read_table` for what each may hold.

Only open-licensed figures are bundled. Values from licensed value banks (HACT's UK Social
Value Bank, the National TOMs) must come from the user's own licensed copy, loaded with
:func:`read_table` in the same schema and merged over the bundled table.

References
----------
.. [1] M. Marmot et al. (2010). *Fair Society, Healthy Lives: The Marmot Review*. Strategic
   Review of Health Inequalities in England post-2010 (the six policy objectives).
.. [2] HM Treasury, New Economy, Public Service Transformation Network (2014). *Supporting
   public service transformation: cost benefit analysis guidance for local partnerships*
   (fiscal / economic / social values; who benefits; the Unit Cost Database).
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
from sroi.proxies.deflators import PriceYear, Series, index_factor
from sroi.units import CURRENCIES, annual_value_factor, currency_of, parse_unit
from sroi.vocabulary import CATEGORIES, MARMOT_OBJECTIVES, VALUE_TYPES

if TYPE_CHECKING:  # pandas is imported lazily, on first use
    import pandas as pd

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "MARMOT_OBJECTIVES",
    "VALUE_TYPES",
    "Proxy",
    "ProxyTable",
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
)

# The vocabularies (CATEGORIES, VALUE_TYPES, MARMOT_OBJECTIVES) come from sroi.vocabulary,
# and the parsers of who gains from sroi.parsing; they are re-exported here by their names.

_REQUIRED = ("id", "name", "category", "value", "currency", "unit", "value_type", "bearer")
_REQUIRED += ("source", "licence")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_BUNDLED = "unit_costs.csv"


# --------------------------------------------------------------------------------------
# Proxy


@dataclass(frozen=True)
class Proxy:
    """One financial proxy: a row of a proxy table.

    Parameters
    ----------
    id : str
        Stable snake_case identifier.
    name : str
        What the value is of.
    category : str
        One of :data:`CATEGORIES`.
    value : float
        The value [``currency`` per ``unit``'s denominator, at ``price_year`` prices].
    currency : str
        Currency code (``"GBP"``).
    unit : str
        Money per something, pint-parsable (``"GBP / person / year"``).
    price_year : PriceYear or None
        Price year of ``value``; None where the source gives none (``note`` says so).
    value_type : str
        One of :data:`VALUE_TYPES`.
    bearer : str
        Who gains (an agency such as DWP or NHS, or the individual).
    bearer_split : tuple of (str, float)
        Shares of the value by agency [fraction, 0-1, summing to 1]; ``((bearer, 1.0),)``
        when the table gives none.
    marmot_objective : str or None
        Id of the Marmot policy objective served (a key of :data:`MARMOT_OBJECTIVES`).
    confidence : str
        Confidence grade as given by the table.
    source, licence, note : str
        Where the figure comes from, the licence it is redistributed under, remarks.
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

    @property
    def marmot_wording(self) -> str | None:
        """The Marmot objective in full, or None."""
        if self.marmot_objective is None:
            return None
        return MARMOT_OBJECTIVES[self.marmot_objective]

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


def _check_row(row: dict[str, str], present: set[str]) -> list[tuple[str, str]]:
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

    for col in _REQUIRED:
        if col in present and not row[col]:
            out.append((col, "is required and is blank"))
    rid = row.get("id", "")
    if rid and not _ID.match(rid):
        out.append(("id", "must be snake_case: lower-case letters, digits and _"))
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
    if "price_year" in present:
        if row["price_year"]:
            year = check("price_year", parse_price_year)
            if year is not None:
                row["price_year"] = str(year)
        elif "note" in present and not row["note"]:
            out.append(("price_year", "is blank; a blank price year needs a note saying why"))
    if row.get("bearer_split"):
        check("bearer_split", lambda text: parse_bearer_split(text, shares_only=True))
    if row.get("marmot_objective"):
        check("marmot_objective", lambda text: parse_choice(text, MARMOT_OBJECTIVES))
    return out


def _validate(
    records: list[dict[str, Any]],
    columns: list[str],
    labels: list[str],
    name: str,
    found: Iterable[Problem] = (),
) -> list[dict[str, str]]:
    """Check every row; raise one ModelError listing every problem, else return the rows.

    ``found`` are problems already found while reading the file, reported first.
    """
    problems: list[Problem] = list(found)
    missing = [c for c in COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in COLUMNS]
    if missing:
        problems.append(
            Problem(f"{name} columns", f"missing column(s) {', '.join(map(repr, missing))}")
        )
    if unknown:
        problems.append(
            Problem(
                f"{name} columns",
                f"unknown column(s) {', '.join(map(repr, unknown))}; "
                f"the columns are {', '.join(COLUMNS)}",
            )
        )
    present = set(columns) & set(COLUMNS)
    rows: list[dict[str, str]] = []
    first_seen: dict[str, str] = {}
    for label, record in zip(labels, records, strict=True):
        row = {c: _cell(record.get(c)) for c in COLUMNS}
        rid = row["id"]
        where = f"{name} {label}" + (f" (id {rid!r})" if rid else "")
        found = sorted(_check_row(row, present), key=lambda item: COLUMNS.index(item[0]))
        for col, message in found:
            given = record.get(col)
            problems.append(Problem(f"{where}, column {col}", message, _cell(given)))
        if rid in first_seen:
            problems.append(
                Problem(f"{where}, column id", f"duplicate id, first used in {first_seen[rid]}")
            )
        elif rid:
            first_seen[rid] = label
        rows.append(row)
    if problems:
        raise ModelError(problems, title=f"proxy table {name}")
    return rows


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
    split = (
        parse_bearer_split(row["bearer_split"], shares_only=True)
        if row["bearer_split"]
        else ((bearer, 1.0),)
    )
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
    )


_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "with",
        "each",
        "cost",
        "costs",
        "value",
    ]
)
_SEARCH_FIELDS = (("id", 3.0), ("name", 3.0), ("category", 2.0), ("note", 1.0))


def _stem(token: str) -> str:
    for suffix in ("ments", "ment", "ness", "ings", "ing", "ies", "es", "ed", "s"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            if suffix == "s" and token.endswith("ss"):
                return token
            if suffix == "es" and not token.endswith(("shes", "ches", "sses", "xes")):
                return token[:-1]  # "homes" -> "home", "offences" -> "offence"
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


def _tokens(text: str) -> list[str]:
    return [_stem(t) for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in _STOPWORDS]


def _match(term: str, tokens: frozenset[str]) -> float:
    """1 for an exact token, 0.5 for a longer word starting with ``term`` (4+ letters)."""
    if term in tokens:
        return 1.0
    if len(term) >= 4 and any(t.startswith(term) for t in tokens):
        return 0.5
    return 0.0


class ProxyTable:
    """A validated, immutable table of financial proxies (pandas-backed).

    Build one with :func:`load` (the bundled table) or :func:`read_table` (your own);
    ``ProxyTable(frame)`` validates a DataFrame in the schema of :data:`COLUMNS`.

    Parameters
    ----------
    data : pandas.DataFrame
        Rows in the proxy-table schema.
    name : str, default "custom table"
        Name used in error messages.

    Raises
    ------
    ModelError
        Listing every problem in ``data``.

    Examples
    --------
    >>> table = load()
    >>> "ucd_jsa_claimant_into_work_fiscal_total" in table
    True
    >>> proxy = table.get("ucd_jsa_claimant_into_work_fiscal_total")
    >>> proxy.value, proxy.unit, str(proxy.price_year)
    (9800.0, 'GBP / person / year', '2012/13')
    >>> proxy.bearer_split
    (('DWP', 0.94), ('NHS', 0.06))
    """

    __slots__ = ("_checksum", "_frame", "_index", "_proxies", "_words")

    def __init__(self, data: pd.DataFrame, *, name: str = "custom table") -> None:
        records = data.to_dict("records")
        labels = [f"row {label}" for label in data.index]
        rows = _validate(records, [str(c) for c in data.columns], labels, name)
        self._init(_frame_from_rows(rows))

    def _init(self, frame: pd.DataFrame) -> None:
        object.__setattr__(self, "_frame", frame)
        proxies = {row["id"]: _proxy_from_row(row) for row in frame.to_dict("records")}
        object.__setattr__(self, "_proxies", proxies)
        object.__setattr__(self, "_index", {pid: i for i, pid in enumerate(proxies)})
        object.__setattr__(self, "_checksum", None)
        object.__setattr__(self, "_words", None)

    @classmethod
    def _from_frame(cls, frame: pd.DataFrame) -> ProxyTable:
        """Wrap rows already validated (internal; no checks)."""
        table = cls.__new__(cls)
        table._init(frame.reset_index(drop=True))
        return table

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("ProxyTable is immutable; use merge() or filter() for a new one")

    def __delattr__(self, key: str) -> None:
        raise AttributeError("ProxyTable is immutable")

    # -- lookup ---------------------------------------------------------------------------

    def get(self, proxy_id: str) -> Proxy:
        """The proxy with id ``proxy_id``.

        Raises
        ------
        UnknownProxyError
            If there is none; its one problem (kind ``"unknown_proxy"``) holds the id given
            as ``value`` and the closest ids (by :mod:`difflib`) as ``suggestions``.

        Examples
        --------
        >>> load().get("ucd_gp_face_to_face_consultaton")
        Traceback (most recent call last):
        ...
        sroi.errors.UnknownProxyError: unknown financial proxy
        'ucd_gp_face_to_face_consultaton'; closest ids: ucd_gp_face_to_face_consultation
        """
        try:
            return self._proxies[proxy_id]
        except (KeyError, TypeError):
            pass
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
        """The ids closest in spelling to ``text``, best first (for "did you mean")."""
        close = difflib.get_close_matches(text, list(self._proxies), n=n, cutoff=0.6)
        if not close:  # fall back on the search ranking for very different spellings
            close = list(self.search(text, limit=n).ids)
        return close

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Proxy):
            return self._proxies.get(item.id) == item
        return isinstance(item, str) and item in self._proxies

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

    def search(self, text: str, limit: int = 10) -> ProxyTable:
        """Proxies matching ``text``, most relevant first.

        Each word of ``text`` (lower-cased, plural and -ing/-ment endings trimmed, common
        words dropped) scores in each field where it appears: 3 in ``id``, 3 in ``name``,
        2 in ``category`` and 1 in ``note``, half that where a word of the row only starts
        with it (``homeless`` in ``homelessness``). A row's score is the sum, times the share
        of the query's words it matches, so rows matching every word come first. An exact
        id comes first of all. Ties keep table order; rows scoring 0 are left out.

        Parameters
        ----------
        text : str
            Words to look for.
        limit : int, default 10
            Most rows to return.

        Returns
        -------
        ProxyTable
            The matches, ranked.

        Examples
        --------
        >>> load().search("homeless", limit=1).ids
        ('ucd_rough_sleeper_la_cost_per_year',)
        >>> [p.category for p in load().search("employment", limit=3)]
        ['employment', 'employment', 'employment']
        """
        terms = list(dict.fromkeys(_tokens(text)))
        wanted = text.strip()
        if self._words is None:  # the words of each searched field, built on first search
            words = [
                (p.id, [(frozenset(_tokens(getattr(p, f))), w) for f, w in _SEARCH_FIELDS])
                for p in self._proxies.values()
            ]
            object.__setattr__(self, "_words", words)
        scored: list[tuple[float, int]] = []
        for position, (pid, fields) in enumerate(self._words):
            score = 100.0 if pid == wanted else 0.0
            matched = 0
            for term in terms:
                term_score = sum(weight * _match(term, tokens) for tokens, weight in fields)
                if term_score:
                    matched += 1
                    score += term_score
            if terms:
                score *= max(matched, 1 if score >= 100 else 0) / len(terms)
            if score > 0:
                scored.append((-score, position))
        scored.sort()
        chosen = [position for _, position in scored[: max(int(limit), 0)]]
        return ProxyTable._from_frame(self._frame.iloc[chosen])

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
        at ``/``, ``,`` or ``;``, or an agency of ``bearer_split``.

        Raises
        ------
        ModelError
            If a category, value type or Marmot objective is not an allowed value.

        Examples
        --------
        >>> table = load().filter(category="housing", value_type="fiscal")
        >>> {p.category for p in table}, {p.value_type for p in table}
        ({'housing'}, {'fiscal'})
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
                names = {p.bearer.lower()}
                names |= {part.strip().lower() for part in re.split(r"[/,;]", p.bearer)}
                names |= {agency.lower() for agency, _ in p.bearer_split}
                if not names & bearers_lower:
                    return False
            return True

        chosen = [i for i, p in enumerate(self._proxies.values()) if keep(p)]
        return ProxyTable._from_frame(self._frame.iloc[chosen])

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
        return ProxyTable._from_frame(pd.concat([mine, new], ignore_index=True))

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

    _SHOWN = ("id", "name", "value", "unit", "price_year", "value_type", "bearer")

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
        caption = (
            f"<p><b>ProxyTable</b>: {len(self)} financial proxies "
            f"(sha256 <code>{html.escape(self.checksum[:12])}</code>)</p>"
        )
        shown = self._frame.loc[:, list(self._SHOWN)]
        return caption + shown.to_html(index=False, max_rows=30, escape=True)


# --------------------------------------------------------------------------------------
# Loading


@functools.cache
def _bundled() -> ProxyTable:
    import pandas as pd

    with data_file(_BUNDLED).open("r", encoding="utf-8", newline="") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return _table_from_csv_frame(frame, _BUNDLED)


def _table_from_csv_frame(frame: pd.DataFrame, name: str) -> ProxyTable:
    # spreadsheet numbering: the header is row 1, the first data row is row 2
    labels = [f"row {i + 2}" for i in range(len(frame))]
    rows = _validate(frame.to_dict("records"), [str(c) for c in frame.columns], labels, name)
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
    >>> len(table) >= 100
    True
    >>> load() is table
    True
    """
    return _bundled()


def _table_path(source: Any) -> Path:
    """The path of a proxy table file; a ModelError when there is none there."""
    allowed = "the path of a CSV file, or a pandas DataFrame"
    if not isinstance(source, (str, os.PathLike)):
        raise ModelError(
            [
                Problem(
                    "source",
                    "must be the path of a CSV file, or a pandas DataFrame",
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
        for number, row in enumerate(reader, start=1):
            if header is None:
                header = [cell.strip() for cell in row]
                cells += len(row)
                continue
            if not any(cell.strip() for cell in row):
                continue
            cells += len(row)
            labels.append(f"row {number}")
            if len(labels) > limits.rows:
                what = "has more rows than"
                refuse([breach(name, what, len(labels), "rows", limits, at_least=True)], title)
            if cells > limits.cells:
                what = "has more cells than"
                refuse([breach(name, what, cells, "cells", limits, at_least=True)], title)
            if any(cell.strip() for cell in row[len(header) :]):
                problems.append(
                    Problem(
                        f"{name} row {number}",
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


def read_table(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    merge_with_bundled: bool = True,
    replace_ok: bool = False,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> ProxyTable:
    """A proxy table of your own, from a CSV file or a DataFrame in the bundled schema.

    This is how licensed values come in: a housing association with a licence for HACT's
    UK Social Value Bank, or a council with the National TOMs, writes the values from its
    own licensed copy into a CSV with the columns of :data:`COLUMNS`; ``sroi`` never ships
    them.

    Every row is checked and every problem reported at once, each with its place
    (``my_values.csv row 3 (id 'x'), column value: must be a number``); rows are numbered
    as in a spreadsheet (the header is row 1). Column rules:

    - ``id``: unique snake_case; ``name``, ``bearer``, ``source``, ``licence``: required;
    - ``category``: one of :data:`CATEGORIES`; ``value_type``: one of :data:`VALUE_TYPES`;
    - ``value``: a finite, non-zero number; ``currency``: GBP, EUR or USD;
    - ``unit``: money per something in ``currency`` (``GBP / person / year``);
    - ``price_year``: ``2019`` or ``2019/20``; blank only with a ``note`` saying why;
    - ``bearer_split``: blank, or ``AGENCY:share;AGENCY:share`` with shares summing to 1;
    - ``marmot_objective``: blank or a key of :data:`MARMOT_OBJECTIVES`;
    - ``confidence``, ``note``: free text.

    Parameters
    ----------
    source : str, path-like or pandas.DataFrame
        A CSV file or a DataFrame with exactly the schema's columns. The file is UTF-8
        (with or without a byte order mark), or UTF-16 with a byte order mark, which is
        what Excel's "CSV UTF-8" and "Unicode Text" write (the latter tab-separated,
        which is recognised from its header). Another encoding is not guessed at: a file
        that is not UTF-8 is refused, with the line and byte, unless ``encoding`` says
        what it is.
    merge_with_bundled : bool, default True
        Return the bundled table with these rows merged over it (see
        :meth:`ProxyTable.merge`: your row replaces a bundled row with the same id);
        False returns your rows alone.
    replace_ok : bool, default False
        Do not warn about your ids that replace bundled ones.
    encoding : str, optional
        The file's encoding, when it is not UTF-8 or UTF-16 with a byte order mark: for
        instance ``"cp1252"``, which Excel's "CSV (Comma delimited)" writes on Windows in
        Western Europe.
    limits : sroi.io.Limits, optional
        What the file may hold (size, rows, cells); default
        :func:`sroi.io.default_limits`.

    Returns
    -------
    ProxyTable

    Raises
    ------
    ModelError
        Listing every problem found; also for a file that is missing, empty, not CSV
        text, in an encoding other than the one given, or past a limit.

    Examples
    --------
    A made-up row (``my_licensed_value`` and its figure are fake; real values must come
    from your own licensed copy of the value bank):

    >>> import pandas as pd
    >>> mine = pd.DataFrame([{
    ...     "id": "my_licensed_value", "name": "Example outcome (fake figure)",
    ...     "category": "wellbeing", "value": 1234.5, "currency": "GBP",
    ...     "unit": "GBP / person / year", "price_year": "2023/24",
    ...     "value_type": "wellbeing", "bearer": "individual", "bearer_split": "",
    ...     "marmot_objective": "capabilities_and_control", "confidence": "medium",
    ...     "source": "Our licensed copy of a value bank (example)",
    ...     "licence": "licensed to us; not for redistribution", "note": "",
    ... }])
    >>> table = read_table(mine)
    >>> table.get("my_licensed_value").value
    1234.5
    >>> len(table) == len(load()) + 1
    True
    >>> bad = mine.assign(value="lots", category="fun")
    >>> read_table(bad, merge_with_bundled=False)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 2 problems in proxy table DataFrame:
      DataFrame row 0 (id 'my_licensed_value'), column category: must be one of
      'employment', 'education', 'housing', 'crime', 'health', 'social_care', 'community',
      'environment' or 'wellbeing' (got 'fun')
      DataFrame row 0 (id 'my_licensed_value'), column value: must be a number
      (got 'lots')
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        name = "DataFrame"
        labels = [f"row {label}" for label in source.index]
        columns = [str(c) for c in source.columns]
        rows = _validate(source.to_dict("records"), columns, labels, name)
        table = ProxyTable._from_frame(_frame_from_rows(rows))
    else:
        limits = resolve(limits)
        path = _table_path(source)
        columns, records, labels, found = _csv_records(path, limits, encoding)
        rows = _validate(records, columns, labels, path.name, found)
        table = ProxyTable._from_frame(_frame_from_rows(rows))
    if not merge_with_bundled:
        return table
    return load().merge(table, prefer="other", replace_ok=replace_ok)
