"""Price years and GDP deflators: moving money values from one price year to another.

A financial proxy is stated in the prices of one year (its *price year*); a model adds
values up in the prices of one year. :func:`index_factor` gives the multiplier between two
price years from a GDP deflator index, the Green Book's general measure of inflation.

Price years are calendar years (``2019``) or UK financial years, April to March
(``2019/20``, also written ``2019-20`` or ``2019/2020``); :class:`PriceYear` holds either.
They are read by :func:`sroi.parsing.parse_price_year`, the one rule that models, proxy
tables and the command line also use (years 1800-2300).

**A series** (:class:`DeflatorSeries`) is an index for consecutive periods, all calendar
years or all financial years, with its vintage and source, the periods that are forecasts
rather than outturn, and, only when asked for, a yearly rate at which to project it
beyond its last period. Three are bundled (:data:`SERIES`); :func:`read_deflators` reads
your own from a CSV file or an Excel workbook, and :func:`deflator_series` turns a name, a
path or a series into one.

**The conversion rule.** The index of a period of the series' own kind is read from it.
The index of any other period is the average of the series' periods that overlap it,
weighted by the months of overlap:

- financial year Y/Y+1 from a calendar series: ``3/4 * I(Y) + 1/4 * I(Y+1)``
  (April-December of Y and January-March of Y+1);
- calendar year Y from a financial series: ``1/4 * I(Y-1/Y) + 3/4 * I(Y/Y+1)``.

``index_factor(a, b) = index(b) / index(a)``. A year whose index needs a period outside the
series is an error naming the year, the range covered and how to supply a series that
reaches it. Beyond the last period, and only when asked for (``extrapolate=0.02``), a
period k periods on is projected as ``I(last) * (1 + rate) ** k``; before the first period
nothing is projected.

**The bundled series.**

- ``"hmt"`` (default): HM Treasury, *GDP deflators at market prices, and money GDP*,
  March 2026 (Quarterly National Accounts): the financial-year series (ONS L8GG,
  2024/25 = 100), 2000/01-2030/31. Outturn runs to 2024/25; 2025/26-2030/31 are OBR
  forecasts (Spring Statement, 3 March 2026), and every result that uses one says so in
  its warnings. Financial years are read straight from it; calendar years 2001-2030 by
  the rule above.
- ``"hmt_dec2025"``: the same publication's calendar-year series, December 2025
  (Quarterly National Accounts), 1990-2024 (2024 = 100): outturn only, financial years
  1990/91-2023/24 by the rule above. Choose it to reproduce figures made with it, or for
  price years before 2000/01.
- ``"ucd"``: the GDP deflator the New Economy Unit Cost Database v1.2 (2013) uses, financial
  years 1989/90-2017/18 (1989/90 = 100; ONS figures of 27 June 2013, 2013/14 on are OBR
  March 2013 forecasts). Choose it to reproduce the UCD's own uprated figures exactly.

The series differ by vintage, not only by period: the ONS revises the GDP deflator with
every release (notably in the 2014 move to ESA 2010), so the series are never spliced; a
result records the series it used (its name, vintage and range).

References
----------
.. [1] HM Treasury (2026). *GDP deflators at market prices, and money GDP*, March 2026
   (Quarterly National Accounts), financial-year table, as transcribed in
   https://github.com/ncl-icb-analytics/dbt-ncl-analytics (``seeds/uk_cost_indices.csv``).
.. [2] HM Treasury (2025). *GDP deflators at market prices, and money GDP*, December 2025
   (Quarterly National Accounts), calendar-year table, via the ``greenbook`` R package,
   https://github.com/charlescoverdale/greenbook (``inst/extdata/gdp_deflator.csv``).
.. [3] New Economy (2013). *Unit Cost Database* v1.2, "Lookups" sheet (GDP deflator based
   on ONS National Accounts, 27 June 2013, and OBR forecasts, March 2013).
.. [4] HM Treasury (2022). *The Green Book: Central Government Guidance on Appraisal and
   Evaluation*, section 5 ("real" prices and the GDP deflator).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import math
import numbers
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from sroi._resources import data_file
from sroi.errors import ModelError, Problem, SROIWarning, show_value
from sroi.parsing import PriceYear, message_of, parse_number, parse_price_year, rate_from_text

if TYPE_CHECKING:  # pragma: no cover
    from sroi.io.limits import Limits

__all__ = [
    "DEFAULT_SERIES",
    "EXTRAPOLATE_ALLOWED",
    "SERIES",
    "DeflatorSeries",
    "PriceYear",
    "bundled",
    "conversion_warnings",
    "coverage",
    "deflator_series",
    "index",
    "index_factor",
    "parse_extrapolation",
    "parse_price_year",
    "read_deflators",
]

#: The deflator series bundled in ``data/gdp_deflators.csv``, the default first.
SERIES: tuple[str, ...] = ("hmt", "hmt_dec2025", "ucd")

#: The series used when none is named.
DEFAULT_SERIES = "hmt"

Series = Union[str, "os.PathLike[str]", "DeflatorSeries"]
"""What names a deflator series: a bundled name, the path of a file, or a series."""

_MIN_RATE, _MAX_RATE = -0.1, 0.2
EXTRAPOLATE_ALLOWED = (
    f"a yearly rate as a fraction from {_MIN_RATE:g} to {_MAX_RATE:g} (0.02 for 2 % a year)"
)
"""What ``extrapolate`` accepts, in words."""

_FILE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
_SUPPLY = (
    "give a series that reaches it (deflator=sroi.proxies.read_deflators(FILE), or "
    "--deflator FILE on the command line)"
)


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f} %"


def parse_extrapolation(value: Any, location: str = "extrapolate") -> float | None:
    """A yearly rate at which to project a series beyond its last period, or None.

    Parameters
    ----------
    value : float, str or None
        The rate [fraction per year, -0.1 to 0.2]; text such as ``"0.02"``, ``"2%"`` or
        ``"2 %"`` is read too (a command-line option). None means no projection.
    location : str, default "extrapolate"
        Where the value came from, for the error.

    Returns
    -------
    float or None

    Raises
    ------
    ModelError
        If ``value`` is not a number from -0.1 to 0.2 (``2`` for 2 % is refused).

    Examples
    --------
    >>> parse_extrapolation(0.02), parse_extrapolation("0.025"), parse_extrapolation(None)
    (0.02, 0.025, None)
    >>> parse_extrapolation("2%"), parse_extrapolation("-1.5 %")
    (0.02, -0.015)
    >>> parse_extrapolation(2)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      extrapolate: must be a yearly rate as a fraction from -0.1 to 0.2 (0.02 for 2 % a
      year) (got 2)
    """
    if value is None:
        return None
    try:
        if isinstance(value, str) and value.strip().endswith("%"):
            rate = rate_from_text(value)
        else:
            rate = parse_number(value, location, from_text=True)
    except (ModelError, ValueError):
        rate = math.nan
    if not _MIN_RATE <= rate <= _MAX_RATE:
        raise ModelError(
            [
                Problem(
                    location, f"must be {EXTRAPOLATE_ALLOWED}", value, allowed=EXTRAPOLATE_ALLOWED
                )
            ]
        )
    return float(rate)


@dataclass(frozen=True)
class DeflatorSeries:
    """A GDP deflator index over consecutive periods, with its provenance.

    Build one with :func:`read_deflators` (your own file), :func:`bundled` or
    :func:`deflator_series`; the constructor checks the same rules.

    Parameters
    ----------
    name : str
        What the series is called in results and messages (``"hmt"``, ``"deflators.csv"``).
    years : tuple of PriceYear
        The periods, consecutive and ascending, all calendar years or all financial years.
    values : tuple of float
        The index of each period [dimensionless, > 0].
    base : str, optional
        The base period as the source states it (``"2024/25=100"``).
    vintage : str, optional
        The release the figures come from (``"... March 2026 (Quarterly National
        Accounts)"``).
    source : str, optional
        Where the figures were read.
    forecast : tuple of PriceYear, optional
        The periods whose index is a forecast, not outturn.
    extrapolate : float, optional
        A yearly rate [fraction, -0.1 to 0.2] at which to project the index beyond the last
        period; None (the default) projects nothing.

    Raises
    ------
    ModelError
        If the periods are not consecutive, mix calendar and financial years, or an index
        is not a finite number above 0.

    References
    ----------
    .. [1] HM Treasury (2026). *GDP deflators at market prices, and money GDP*, March 2026
       (Quarterly National Accounts): the usual UK series, published as financial-year and
       calendar-year tables, outturn then OBR forecasts.

    Examples
    --------
    >>> s = DeflatorSeries("mine", (PriceYear(2023), PriceYear(2024)), (97.0, 100.0))
    >>> s.kind, str(s.first), str(s.last), round(s.index("2023/24"), 2)
    ('calendar', '2023', '2024', 97.75)
    >>> round(s.with_extrapolation(0.02).index(2026), 4)  # 100 x 1.02 ** 2
    104.04
    """

    name: str
    years: tuple[PriceYear, ...]
    values: tuple[float, ...]
    base: str = ""
    vintage: str = ""
    source: str = ""
    forecast: tuple[PriceYear, ...] = ()
    extrapolate: float | None = None
    _table: Mapping[PriceYear, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        years = tuple(parse_price_year(y, "years") for y in self.years)
        values = tuple(self.values)
        problems: list[Problem] = []
        if not years:
            problems.append(Problem("years", "a deflator series needs at least one period"))
        if len(values) != len(years):
            problems.append(
                Problem(
                    "values", f"needs one index for each of the {len(years)} periods", len(values)
                )
            )
        for i, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                problems.append(Problem(f"values[{i}]", "must be a finite number", v))
            elif v <= 0:
                problems.append(Problem(f"values[{i}]", "must be greater than 0", v))
        if years:
            if len({y.financial for y in years}) > 1:
                problems.append(
                    Problem("years", "mixes calendar and financial years; a series holds one kind")
                )
            for i, (a, b) in enumerate(itertools.pairwise(years)):
                if b.start != a.start + 1:
                    problems.append(
                        Problem(f"years[{i + 1}]", f"must follow {a} with no gap", str(b))
                    )
        forecast = tuple(parse_price_year(y, "forecast") for y in self.forecast)
        problems += [
            Problem("forecast", "is not a period of the series", str(y))
            for y in forecast
            if y not in years
        ]
        rate = parse_extrapolation(self.extrapolate)
        if problems:
            raise ModelError(problems, title=f"deflator series {self.name}")
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "values", tuple(float(v) for v in values))
        object.__setattr__(self, "forecast", forecast)
        object.__setattr__(self, "extrapolate", rate)
        object.__setattr__(self, "_table", dict(zip(years, self.values, strict=True)))

    # ---------------------------------------------------------------- what it covers

    @property
    def kind(self) -> str:
        """``"calendar"`` or ``"financial"``: the kind of year the series is in."""
        return self.years[0].kind

    @property
    def first(self) -> PriceYear:
        """The first period."""
        return self.years[0]

    @property
    def last(self) -> PriceYear:
        """The last period."""
        return self.years[-1]

    @property
    def coverage(self) -> tuple[PriceYear, PriceYear]:
        """The first and last period, in the series' own kind of year."""
        return self.first, self.last

    def with_extrapolation(self, rate: float | None) -> DeflatorSeries:
        """The same series, projected beyond its last period at ``rate`` a year (None: not).

        Parameters
        ----------
        rate : float or None
            [fraction per year, -0.1 to 0.2]; ``0.02`` for 2 % a year.

        Returns
        -------
        DeflatorSeries

        Examples
        --------
        >>> s = bundled("hmt_dec2025").with_extrapolation(0.02)
        >>> round(s.index(2026) / s.index(2024), 6)  # two years on at 2 %: 1.02 ** 2
        1.0404
        """
        return replace(self, extrapolate=parse_extrapolation(rate))

    def _other_kind_range(self) -> str:
        first, last = self.coverage
        if self.first.financial:
            return f"calendar years {first.start + 1}-{last.start}"
        if last.start == first.start:
            return "no financial year: each needs two calendar years"
        return f"financial years {PriceYear(first.start, True)}-{PriceYear(last.start - 1, True)}"

    def _cover_text(self) -> str:
        return f"{self.kind} years {self.first}-{self.last} ({self._other_kind_range()})"

    def range_text(self) -> str:
        """What the series covers, in words (both kinds of year, and its forecasts).

        Examples
        --------
        >>> print(bundled("hmt_dec2025").range_text())
        the 'hmt_dec2025' series covers calendar years 1990-2024 (financial years 1990/91-2023/24)
        >>> print(bundled("hmt").range_text())
        the 'hmt' series covers financial years 2000/01-2030/31 (calendar years 2001-2030); \
2025/26-2030/31 are forecasts
        """
        text = f"the {self.name!r} series covers {self._cover_text()}"
        if self.forecast:
            text += f"; {self._forecast_text()} {'is a' if len(self.forecast) == 1 else 'are'} "
            text += "forecast" if len(self.forecast) == 1 else "forecasts"
        return text

    def _forecast_text(self) -> str:
        first, last = self.forecast[0], self.forecast[-1]
        return str(first) if first == last else f"{first}-{last}"

    def describe(self, uses: Iterable[SROIWarning | str] = ()) -> str:
        """One line naming the series, its vintage and its range (what results record).

        Parameters
        ----------
        uses : iterable of SROIWarning or str, optional
            The labels of the forecast or projected years a result used
            (:func:`conversion_warnings`); each is added in short.

        Examples
        --------
        >>> print(bundled("ucd").describe())  # doctest: +NORMALIZE_WHITESPACE
        ucd: ONS National Accounts 27 June 2013 (outturn); OBR March 2013 Budget
        (forecasts); financial years 1989/90-2017/18, 2013/14-2017/18 forecasts
        >>> s = bundled("hmt_dec2025").with_extrapolation(0.02)
        >>> print(s.describe([s.label("2026/27")]))  # doctest: +NORMALIZE_WHITESPACE
        hmt_dec2025: HM Treasury GDP deflators at market prices, December 2025 Quarterly
        National Accounts; calendar years 1990-2024; projected beyond 2024 at 2.0 % a year;
        price year 2026/27 projected from 2024 at 2.0 % a year
        """
        text = f"{self.name}: {self.vintage or 'vintage not stated'}; {self.kind} years "
        text += f"{self.first}-{self.last}"
        if self.forecast:
            text += f", {self._forecast_text()} forecast{'s' if len(self.forecast) > 1 else ''}"
        if self.extrapolate is not None:
            text += f"; projected beyond {self.last} at {_percent(self.extrapolate)} a year"
        for use in uses:
            text += "; " + str(getattr(use, "message", use)).split(": ", 1)[0]
        return text

    def to_dict(self) -> dict[str, Any]:
        """The series' provenance as JSON-ready data (not its figures).

        Examples
        --------
        >>> d = bundled("hmt").to_dict()
        >>> d["name"], d["year_type"], d["first"], d["last"], d["forecast"], d["extrapolate"]
        ('hmt', 'financial', '2000/01', '2030/31', ['2025/26', '2030/31'], None)
        """
        return {
            "name": self.name,
            "vintage": self.vintage,
            "source": self.source,
            "base": self.base,
            "year_type": self.kind,
            "first": str(self.first),
            "last": str(self.last),
            "forecast": [str(self.forecast[0]), str(self.forecast[-1])] if self.forecast else [],
            "extrapolate": self.extrapolate,
        }

    # ---------------------------------------------------------------- the rule

    def _parts(self, py: PriceYear) -> list[tuple[PriceYear, float]]:
        """The series' periods that make up ``py``, with their weights (months / 12)."""
        if py.financial == self.first.financial:
            return [(py, 1.0)]
        if py.financial:  # from a calendar series
            return [(PriceYear(py.start), 0.75), (PriceYear(py.start + 1), 0.25)]
        return [(PriceYear(py.start - 1, True), 0.25), (PriceYear(py.start, True), 0.75)]

    def _period(self, p: PriceYear) -> float | None:
        """The index of one period of the series' own kind, projected if allowed."""
        if p in self._table:
            return self._table[p]
        if self.extrapolate is not None and p > self.last:
            return self._table[self.last] * (1.0 + self.extrapolate) ** (p.start - self.last.start)
        return None

    def _lookup(self, py: PriceYear, location: str) -> float:
        parts = self._parts(py)
        found = [(self._period(p), w) for p, w in parts]
        missing = [p for (p, _), (v, _) in zip(parts, found, strict=True) if v is None]
        if missing:
            raise ModelError([self._missing(py, missing, location)], title="the deflator lookup")
        return sum(v * w for v, w in found)  # type: ignore[operator]

    def _missing(self, py: PriceYear, missing: list[PriceYear], location: str) -> Problem:
        needs = " and ".join(map(str, missing))
        text = f"no GDP deflator for {py}: its index needs {needs}, but {self.range_text()}; "
        if any(p < self.first for p in missing):
            others = [n for n in SERIES if n != self.name and _covers(bundled(n), py)]
            text += "sroi does not project before a series' first year: " + _SUPPLY
            if others:
                text += f", or use the bundled {others[0]!r} series, which covers it"
        else:
            how = (
                f"sroi.proxies.deflators.deflator_series({self.name!r}, extrapolate=0.02)"
                if self.name in SERIES
                else "sroi.proxies.read_deflators(FILE, extrapolate=0.02)"
            )
            text += (
                f"{_SUPPLY}, or project it beyond {self.last} at a yearly rate you state "
                f"(deflator={how}, or --extrapolate-deflator 0.02)"
            )
        allowed = f"a price year the {self.name!r} series covers: {self._cover_text()}"
        return Problem(location, text, str(py), allowed=allowed)

    def index(self, year: str | int | PriceYear) -> float:
        """The index of a price year by the month-weighted rule [dimensionless].

        Raises
        ------
        ModelError
            If the year, or a period its index needs, is outside the series (and not
            projected).
        """
        return self._lookup(parse_price_year(year), "price_year")

    def factor(self, from_year: str | int | PriceYear, to_year: str | int | PriceYear) -> float:
        """``index(to_year) / index(from_year)``: 1.0 when the years are the same.

        Raises
        ------
        ModelError
            If a year does not parse or is outside the series (the message gives the range).
        """
        a = parse_price_year(from_year, "from_year")
        b = parse_price_year(to_year, "to_year")
        if a == b:
            return 1.0
        return self._lookup(b, "to_year") / self._lookup(a, "from_year")

    def label(self, year: str | int | PriceYear) -> str | None:
        """What a result using this year's index must say: a projection or a forecast.

        Returns
        -------
        str or None
            None when the year's index rests on outturn alone.

        Examples
        --------
        >>> bundled("hmt_dec2025").with_extrapolation(0.02).label("2026/27")
        'price year 2026/27 projected from 2024 at 2.0 % a year: the index of 2026 and 2027 \
is 100 x 1.02 ** k, k years after 2024, because the series ends there (hmt_dec2025: HM \
Treasury GDP deflators at market prices, December 2025 Quarterly National Accounts)'
        >>> bundled("hmt").label(2024) is None
        True
        """
        py = parse_price_year(year)
        parts = [p for p, _ in self._parts(py)]
        projected = [p for p in parts if p not in self._table and p > self.last]
        if projected and self.extrapolate is not None:
            rate = 1.0 + self.extrapolate
            last = f"{self.last}" + (", itself a forecast" if self.last in self.forecast else "")
            return (
                f"price year {py} projected from {self.last} at {_percent(self.extrapolate)} a "
                f"year: the index of {' and '.join(map(str, projected))} is "
                f"{self._table[self.last]:g} x {rate:g} ** k, k years after {last}, because the "
                f"series ends there ({self.name}: {self.vintage or 'vintage not stated'})"
            )
        forecast = [p for p in parts if p in self.forecast]
        if forecast:
            return (
                f"price year {py} rests on a forecast, not outturn: the index of "
                f"{' and '.join(map(str, forecast))} in the {self.name!r} series is a forecast "
                f"({self.vintage or 'vintage not stated'})"
            )
        return None


def _covers(series: DeflatorSeries, py: PriceYear) -> bool:
    return all(series._period(p) is not None for p, _ in series._parts(py))


# --------------------------------------------------------------------------------------
# The bundled series


@functools.cache
def _bundled_rows() -> dict[str, list[dict[str, str]]]:
    text = data_file("gdp_deflators.csv").read_text(encoding="utf-8")
    rows: dict[str, list[dict[str, str]]] = {name: [] for name in SERIES}
    for row in csv.DictReader(io.StringIO(text)):
        rows[row["series"]].append(row)
    return rows


@functools.cache
def bundled(name: str = DEFAULT_SERIES) -> DeflatorSeries:
    """One of the bundled series (:data:`SERIES`), read from ``data/gdp_deflators.csv``.

    Parameters
    ----------
    name : {"hmt", "hmt_dec2025", "ucd"}, default "hmt"

    Returns
    -------
    DeflatorSeries

    Raises
    ------
    ModelError
        If ``name`` is not a bundled series.

    References
    ----------
    .. [1] HM Treasury (2026). *GDP deflators at market prices, and money GDP*, March 2026
       (Quarterly National Accounts), financial-year table (``"hmt"``).
    .. [2] HM Treasury (2025). The same, December 2025, calendar-year table
       (``"hmt_dec2025"``).
    .. [3] New Economy (2013). *Unit Cost Database* v1.2, "Lookups" sheet (``"ucd"``).

    Examples
    --------
    >>> s = bundled()
    >>> s.vintage.endswith("money GDP, March 2026 (Quarterly National Accounts)")
    True
    >>> str(s.first), str(s.last), s.base, [str(y) for y in s.forecast[:2]]
    ('2000/01', '2030/31', '2024/25=100', ['2025/26', '2026/27'])
    """
    if name not in SERIES:
        raise ModelError([_unknown(name, "series")])
    rows = _bundled_rows()[name]
    years = []
    for row in rows:
        year = parse_price_year(row["year"])
        if year.kind != row["year_type"]:  # pragma: no cover - guards the data file
            raise ValueError(f"gdp_deflators.csv: {row['year']} is not {row['year_type']}")
        years.append(year)
    return DeflatorSeries(
        name,
        tuple(years),
        tuple(float(row["index"]) for row in rows),
        base=rows[0]["base"],
        vintage=rows[0]["vintage"],
        source=rows[0]["source"],
        forecast=tuple(
            y for y, row in zip(years, rows, strict=True) if row["status"] == "forecast"
        ),
    )


def _unknown(value: Any, location: str) -> Problem:
    names = ", ".join(map(repr, SERIES))
    return Problem(
        location,
        f"must be a bundled deflator series ({names}), a DeflatorSeries (see "
        "sroi.proxies.read_deflators) or the path of a .csv or .xlsx file of your own series",
        value if isinstance(value, (str, int, float)) or value is None else type(value).__name__,
        allowed=f"one of {', '.join(SERIES)}, a DeflatorSeries, or a .csv/.xlsx file",
    )


def deflator_series(
    deflator: Series = DEFAULT_SERIES,
    *,
    extrapolate: float | None = None,
    location: str = "deflator",
) -> DeflatorSeries:
    """The series that ``deflator`` names: a bundled name, a file of your own, or a series.

    Parameters
    ----------
    deflator : str, path-like or DeflatorSeries, default "hmt"
        A bundled series (:data:`SERIES`), the path of a CSV or Excel file read by
        :func:`read_deflators`, or a :class:`DeflatorSeries`.
    extrapolate : float, optional
        Project the series beyond its last period at this yearly rate [fraction, -0.1 to
        0.2]; default: as the series says (bundled series and files: not at all).
    location : str, default "deflator"
        Where the value came from, for the error.

    Returns
    -------
    DeflatorSeries

    Raises
    ------
    ModelError
        If ``deflator`` is none of these, or the file is not a valid series.

    Examples
    --------
    >>> deflator_series("ucd").name, deflator_series("hmt", extrapolate=0.02).extrapolate
    ('ucd', 0.02)
    >>> deflator_series("ons")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      deflator: must be a bundled deflator series ('hmt', 'hmt_dec2025', 'ucd'), ...
    """
    if isinstance(deflator, DeflatorSeries):
        series = deflator
    elif isinstance(deflator, str) and deflator in SERIES:
        series = bundled(deflator)
    elif isinstance(deflator, (str, os.PathLike)) and _is_path(deflator):
        series = _read_once(Path(deflator))
    else:
        raise ModelError([_unknown(deflator, location)])
    if extrapolate is not None:
        series = series.with_extrapolation(parse_extrapolation(extrapolate, "extrapolate"))
    return series


def _read_once(path: Path) -> DeflatorSeries:
    """:func:`read_deflators`, read again only when the file changes (sensitivity analyses
    evaluate a model many times with the same ``deflator=path``)."""
    try:
        stat = path.stat()
    except OSError:
        return read_deflators(path)  # the located error
    return _read_file(str(path.resolve()), path.name, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read_file(resolved: str, name: str, mtime_ns: int, size: int) -> DeflatorSeries:
    return read_deflators(resolved, name=name)


def _is_path(value: str | os.PathLike[str]) -> bool:
    path = Path(value)
    return path.suffix.lower() in _FILE_SUFFIXES or path.exists() or os.sep in str(value)


def _series_of(series: Series) -> DeflatorSeries:
    return deflator_series(series, location="series")


def coverage(series: Series = DEFAULT_SERIES) -> tuple[PriceYear, PriceYear]:
    """First and last period of a deflator series, in its own kind of year.

    Examples
    --------
    >>> coverage("hmt")
    (PriceYear('2000/01'), PriceYear('2030/31'))
    >>> coverage("hmt_dec2025")
    (PriceYear('1990'), PriceYear('2024'))
    >>> coverage("ucd")
    (PriceYear('1989/90'), PriceYear('2017/18'))
    """
    return _series_of(series).coverage


def index(year: str | int | PriceYear, series: Series = DEFAULT_SERIES) -> float:
    """The deflator index of a price year, by the month-weighted rule of this module.

    Parameters
    ----------
    year : str, int or PriceYear
        The price year (``2019`` or ``"2019/20"``).
    series : str, path or DeflatorSeries, default "hmt"
        The deflator series (see :func:`deflator_series`).

    Returns
    -------
    float
        The index [dimensionless; 2024/25 = 100 for "hmt", 2024 = 100 for "hmt_dec2025",
        1989/90 = 100 for "ucd"].

    Raises
    ------
    ModelError
        If the year, or a period its index needs, is outside the series.

    Examples
    --------
    Calendar year 2013 from the financial-year series: 1/4 of 2012/13 plus 3/4 of 2013/14.

    >>> round(index(2013), 4)
    72.6616
    >>> round(0.25 * 71.5454 + 0.75 * 73.0337, 4)
    72.6616

    Financial year 2013/14 from the calendar series: 3/4 of 2013 plus 1/4 of 2014.

    >>> round(index("2013/14", "hmt_dec2025"), 4)
    73.7727
    >>> round(0.75 * 73.4795 + 0.25 * 74.6524, 4)
    73.7727
    """
    return _series_of(series)._lookup(parse_price_year(year), "price_year")


def index_factor(
    from_year: str | int | PriceYear,
    to_year: str | int | PriceYear,
    *,
    series: Series = DEFAULT_SERIES,
) -> float:
    """The multiplier that moves a money value from one price year to another.

    ``value_in_to_year = value_in_from_year * index_factor(from_year, to_year)``, with
    ``index_factor = index(to_year) / index(from_year)`` (see the module docstring for how
    a financial year is read from a calendar series and vice versa).

    Parameters
    ----------
    from_year : str, int or PriceYear
        The price year the value is in (``2012`` or ``"2012/13"``).
    to_year : str, int or PriceYear
        The price year wanted.
    series : str, path or DeflatorSeries, default "hmt"
        ``"hmt"``: HM Treasury GDP deflator, financial years 2000/01-2030/31 (March 2026;
        2025/26 on are OBR forecasts). ``"hmt_dec2025"``: HM Treasury, calendar years
        1990-2024 (December 2025). ``"ucd"``: the Unit Cost Database's deflator, financial
        years 1989/90-2017/18 (2013). Or your own series (:func:`read_deflators`).

    Returns
    -------
    float
        The factor [dimensionless]; 1.0 when the two years are the same.

    Raises
    ------
    ModelError
        If a year does not parse or is outside the series (the message gives the range
        and how to supply a series that reaches it).

    References
    ----------
    .. [1] HM Treasury (2022). *The Green Book*, section 5: converting nominal to real
       prices with the GDP deflator.
    .. [2] HM Treasury (2026). *GDP deflators at market prices, and money GDP*, March 2026
       (Quarterly National Accounts).

    Examples
    --------
    A JSA claimant entering work saves £9,800 a year at 2012/13 prices; the Unit Cost
    Database uprated it to £10,025 at 2013/14 prices with its own deflator:

    >>> round(9_800 * index_factor("2012/13", "2013/14", series="ucd"))
    10025

    The HM Treasury series (March 2026) gives a little less: 9,800 x 73.0337 / 71.5454.

    >>> round(9_800 * index_factor("2012/13", "2013/14"))
    10004

    The same value in 2024/25 prices, the last year of outturn: 9,800 x 100 / 71.5454.

    >>> round(9_800 * index_factor("2012/13", "2024/25"))
    13698

    Carbon values at 2022 prices, in 2024 prices, with the December 2025 calendar series:

    >>> round(index_factor(2022, 2024, series="hmt_dec2025"), 4)
    1.105
    >>> index_factor("2024/25", 2024, series="hmt_dec2025")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the deflator lookup:
      from_year: no GDP deflator for 2024/25: its index needs 2025, but the 'hmt_dec2025'
      series covers calendar years 1990-2024 (financial years 1990/91-2023/24); give a
      series that reaches it (deflator=sroi.proxies.read_deflators(FILE), or --deflator
      FILE on the command line), or project it beyond 2024 at a yearly rate you state
      (deflator=sroi.proxies.deflators.deflator_series('hmt_dec2025', extrapolate=0.02),
      or --extrapolate-deflator 0.02) (got '2024/25')
    """
    return _series_of(series).factor(from_year, to_year)


def conversion_warnings(
    series: Series,
    target: str | int | PriceYear | None,
    sources: Iterable[tuple[str, str | int | PriceYear | None]],
    *,
    target_location: str = "price_year",
) -> tuple[SROIWarning, ...]:
    """The warnings a result owes for the forecast or projected indices it used.

    Each value moved from a source price year to ``target`` uses both years' indices; a
    year whose index is a forecast or a projection (:meth:`DeflatorSeries.label`) gets one
    warning, at the first place that used it (``target_location`` for ``target``).

    Parameters
    ----------
    series : str, path or DeflatorSeries
        The series used.
    target : str, int, PriceYear or None
        The price year values were moved to; None: nothing was moved.
    sources : iterable of (location, price year or None)
        Where each value came from and its price year; None or ``target`` itself: not moved.
    target_location : str, default "price_year"
        Where the warning about ``target`` is located.

    Returns
    -------
    tuple of SROIWarning

    Examples
    --------
    >>> [w.location for w in conversion_warnings("hmt", "2025/26", [("outcomes[0].proxy", 2019)])]
    ['price_year']
    >>> conversion_warnings("hmt", "2025/26", [("outcomes[0].proxy", "2025/26")])
    ()
    """
    s = _series_of(series)
    if target is None:
        return ()
    goal = parse_price_year(target)
    used: dict[PriceYear, str] = {}
    for location, year in sources:
        if year is None:
            continue
        py = parse_price_year(year)
        if py == goal:
            continue
        used.setdefault(goal, target_location)
        used.setdefault(py, location)
    found = []
    for py, location in sorted(used.items(), key=lambda item: item[0] != goal):
        text = s.label(py)
        if text is not None:
            found.append(SROIWarning(text, location=location))
    return tuple(found)


# --------------------------------------------------------------------------------------
# A series of your own


_REQUIRED = ("year", "index")
_OPTIONAL = ("status", "year_type", "base", "vintage", "source", "note", "series")
_STATUSES = ("outturn", "forecast")
_STRAY = "\x00stray"  # a row with values in columns that have no name


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_deflators(
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    extrapolate: float | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    limits: Limits | None = None,
) -> DeflatorSeries:
    """Read a deflator series of your own from a CSV file or an Excel workbook.

    The file has a header row and one row per period. Columns (in any order; others are
    refused, so that a misspelt column is not ignored):

    - ``year`` (required): ``2019`` or ``2019/20`` (also ``2019-20``); all rows calendar
      years or all financial years, consecutive, each once (rows may be in any order);
    - ``index`` (required): the deflator [dimensionless, any base], a number above 0;
    - ``status``: ``outturn`` (the default when blank) or ``forecast``;
    - ``vintage``, ``source``, ``base``, ``note``, ``year_type``, ``series``: free text
      (``year_type``, if given, must agree with the year; ``series`` must be one name).

    Every problem is reported together, each located in the file
    (``deflators.csv, row 7, column index: must be greater than 0 (got 0)``), rows
    numbered as in a spreadsheet (the header is row 1).

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` file (UTF-8, or UTF-16 with a byte order mark; tab-separated if its
        header has tabs and no comma) or an ``.xlsx`` workbook (its first sheet, or
        ``sheet``). Excel needs openpyxl: ``pip install 'sroi[excel]'``.
    name : str, optional
        What results call the series; default the file's name.
    extrapolate : float, optional
        Project the series beyond its last year at this yearly rate [fraction, -0.1 to
        0.2]; default: no projection.
    sheet : str, optional
        The sheet of a workbook to read; default the first.
    encoding : str, optional
        The encoding of a CSV file that is not UTF-8 (``"cp1252"``).
    limits : sroi.io.Limits, optional
        What the file may hold; default :func:`sroi.io.default_limits`.

    Returns
    -------
    DeflatorSeries

    Raises
    ------
    ModelError
        Listing every problem; also for a file that is missing, empty or not a table.
    ImportError
        For a workbook, without openpyxl.

    References
    ----------
    .. [1] HM Treasury. *GDP deflators at market prices, and money GDP* (quarterly): the
       usual source of a UK series; copy its financial-year or calendar-year table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "deflators.csv").write_text(
    ...     "year,index,status,vintage\\n2023/24,96.1117,outturn,HMT March 2026\\n"
    ...     "2024/25,100,outturn,HMT March 2026\\n")
    >>> s = read_deflators(folder / "deflators.csv")
    >>> s.name, s.vintage, str(s.last), round(s.factor("2023/24", "2024/25"), 6)
    ('deflators.csv', 'HMT March 2026', '2024/25', 1.040456)
    >>> _ = (folder / "bad.csv").write_text("year,index\\n2020,100\\n2022,0\\n2022,n/a\\n")
    >>> read_deflators(folder / "bad.csv")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 4 problems in deflator series bad.csv:
      bad.csv, row 3, column index: must be greater than 0 (got '0')
      bad.csv, row 3, column year: leaves a gap after 2020 (row 2): 2021 is missing (got '2022')
      bad.csv, row 4, column index: must be a number (got 'n/a')
      bad.csv, row 4, column year: appears twice (first in row 3) (got '2022')
    """
    from sroi.io.limits import resolve

    limits = resolve(limits)
    where = Path(path)
    title = f"deflator series {where.name}"
    if not where.exists():
        raise ModelError(
            [Problem(str(path), "no such file", allowed="a .csv or .xlsx deflator series")],
            title=title,
        )
    if where.is_dir():
        raise ModelError([Problem(str(path), "is a folder, not a file")], title=title)
    if where.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _workbook_rows(where, sheet, limits, title)
    else:
        header, rows = _csv_rows(where, encoding, limits, title)
    return _series_from_rows(name or where.name, header, rows, title, extrapolate)


def _csv_rows(
    path: Path, encoding: str | None, limits: Limits, title: str
) -> tuple[list[tuple[str, str]], list[tuple[str, dict[str, Any]]]]:
    from sroi.io.limits import breach, read_bytes, refuse
    from sroi.io.text import decode

    advice = (
        'in Excel, "Save As" the type "CSV UTF-8 (Comma delimited)"; or give the file\'s '
        'encoding: read_deflators(path, encoding="cp1252")'
    )
    text = decode(
        read_bytes(path, limits), path.name, encoding=encoding, title=title, advice=advice
    )
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[tuple[str, str]] | None = None
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        for number, row in enumerate(reader, start=1):
            if header is None:
                header = [
                    (f"{path.name}, row 1, column {j + 1}", c.strip()) for j, c in enumerate(row)
                ]
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= limits.rows:
                refuse(
                    [
                        breach(
                            path.name,
                            "has more rows than",
                            len(rows) + 1,
                            "rows",
                            limits,
                            at_least=True,
                        )
                    ],
                    title,
                )
            cells: dict[str, Any] = {
                name: row[j] if j < len(row) else "" for j, (_, name) in enumerate(header) if name
            }
            named = {j for j, (_, name) in enumerate(header) if name}
            if any(c.strip() for j, c in enumerate(row) if j not in named):
                cells[_STRAY] = True
            rows.append((f"{path.name}, row {number}", cells))
    except csv.Error as exc:
        raise ModelError(
            [Problem(f"{path.name}, line {reader.line_num}", f"is not valid CSV: {exc}")],
            title=title,
        ) from None
    return header or [], rows


def _workbook_rows(
    path: Path, sheet: str | None, limits: Limits, title: str
) -> tuple[list[tuple[str, str]], list[tuple[str, dict[str, Any]]]]:
    import warnings
    import zipfile

    from sroi.io.excel import openpyxl_module
    from sroi.io.limits import archive_problems, breach, check_file_size, refuse

    openpyxl = openpyxl_module()
    check_file_size(path, limits)
    not_a_workbook = "is not an Excel workbook (.xlsx); save it as one, or as CSV UTF-8"
    if not zipfile.is_zipfile(path):
        raise ModelError([Problem(path.name, not_a_workbook)], title=title)
    try:
        with zipfile.ZipFile(path) as archive:
            refuse(archive_problems(archive.infolist(), path.name, limits), title)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except ModelError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds for a damaged file
        raise ModelError([Problem(path.name, f"{not_a_workbook} ({exc})")], title=title) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            sheets = ", ".join(map(repr, book.sheetnames))
            raise ModelError(
                [Problem(path.name, f"has no sheet {sheet!r} (sheets: {sheets})")], title=title
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        base = f"{path.name}, sheet {ws.title!r}"
        ws.reset_dimensions()
        header: list[tuple[str, str]] = []
        rows: list[tuple[str, dict[str, Any]]] = []
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            values = ["" if v is None else v for v in row]
            if r == 1:
                header = [
                    (f"{base}, row 1, column {j + 1}", str(v).strip()) for j, v in enumerate(values)
                ]
                continue
            if all(_blank(v) for v in values):
                continue
            if len(rows) >= limits.rows:
                refuse(
                    [
                        breach(
                            base, "has more rows than", len(rows) + 1, "rows", limits, at_least=True
                        )
                    ],
                    title,
                )
            cells: dict[str, Any] = {
                n: values[j] if j < len(values) else "" for j, (_, n) in enumerate(header) if n
            }
            named = {j for j, (_, n) in enumerate(header) if n}
            if any(not _blank(v) for j, v in enumerate(values) if j not in named):
                cells[_STRAY] = True
            rows.append((f"{base}, row {r}", cells))
    finally:
        book.close()
    return header, rows


def _row_number(problem: Problem) -> int:
    """The row a problem is in (0 for the file as a whole), to list problems in file order."""
    found = re.search(r", row (\d+)", problem.location)
    return int(found.group(1)) if found else 0


def _cell_year(value: Any) -> Any:
    """A year as a workbook or CSV gives it: ``2019.0`` from a number cell is 2019."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _series_from_rows(
    name: str,
    header: list[tuple[str, str]],
    rows: list[tuple[str, dict[str, Any]]],
    title: str,
    extrapolate: float | None,
) -> DeflatorSeries:
    problems: list[Problem] = []
    file_name = title.removeprefix("deflator series ")
    names = [n for _, n in header]
    if not any(names):
        raise ModelError(
            [Problem(file_name, "is empty; a deflator series needs a header row: year,index")],
            title=title,
        )
    allowed_columns = f"year and index, and optionally {', '.join(_OPTIONAL)}"
    seen: set[str] = set()
    for where, column in header:
        key = column.lower()
        if not column:
            continue
        if key in seen:
            problems.append(Problem(where, f"the column {column!r} appears twice"))
        elif key not in _REQUIRED + _OPTIONAL:
            problems.append(
                Problem(
                    where, "is not a column of a deflator series", column, allowed=allowed_columns
                )
            )
        seen.add(key)
    for column in _REQUIRED:
        if column not in seen:
            problems.append(
                Problem(
                    header[0][0].rsplit(", column", 1)[0],
                    f"has no column {column!r}; a deflator series needs the columns year and index",
                    kind="missing",
                    allowed=allowed_columns,
                )
            )
    if not set(_REQUIRED) <= seen:
        raise ModelError(problems, title=title)
    if not rows:
        problems.append(Problem(file_name, "has no rows of data below its header"))
        raise ModelError(problems, title=title)
    good: list[tuple[PriceYear, float, str, str]] = []  # year, index, status, where
    first_at: dict[PriceYear, str] = {}
    text: dict[str, set[str]] = {c: set() for c in ("vintage", "source", "base", "series")}
    kind_of_first: tuple[str, str] | None = None
    for where, raw in rows:
        cells = {k.lower(): v for k, v in raw.items()}
        if _STRAY in cells:
            problems.append(Problem(where, "has values in columns the header does not name"))
        py = None
        year = _cell_year(cells.get("year", ""))
        if _blank(year):
            problems.append(Problem(f"{where}, column year", "is empty: every row needs a year"))
        else:
            try:
                py = parse_price_year(year, f"{where}, column year")
            except ModelError as exc:
                problems.append(exc.problems[0])
        value = None
        given = cells.get("index", "")
        try:
            value = parse_number(
                given.strip() if isinstance(given, str) else given,
                f"{where}, column index",
                from_text=True,
            )
        except ModelError as exc:
            problems.append(Problem(f"{where}, column index", message_of(exc), given))
        else:
            if value <= 0:
                problems.append(
                    Problem(
                        f"{where}, column index",
                        "must be greater than 0",
                        given,
                        allowed="a number above 0",
                    )
                )
                value = None
        status = str(cells.get("status", "") or "").strip().lower() or "outturn"
        if status not in _STATUSES:
            problems.append(
                Problem(
                    f"{where}, column status",
                    "must be outturn or forecast (blank: outturn)",
                    cells.get("status"),
                    allowed="outturn or forecast",
                )
            )
        year_type = str(cells.get("year_type", "") or "").strip().lower()
        if py is not None and year_type and year_type != py.kind:
            problems.append(
                Problem(
                    f"{where}, column year_type",
                    f"says {year_type}, but {py} is a {py.kind} year",
                    cells.get("year_type"),
                    allowed=py.kind,
                )
            )
        for column in text:
            cell = str(cells.get(column, "") or "").strip()
            if cell:
                text[column].add(cell)
        if py is None:
            continue
        if kind_of_first is None:
            kind_of_first = (py.kind, f"{where.rsplit(', ', 1)[-1]}, {py}")
        elif py.kind != kind_of_first[0]:
            problems.append(
                Problem(
                    f"{where}, column year",
                    f"is a {py.kind} year, but the series began with a {kind_of_first[0]} year "
                    f"({kind_of_first[1]}); a series is all calendar years or all financial years",
                    str(py),
                )
            )
            continue
        if py in first_at:
            problems.append(
                Problem(
                    f"{where}, column year",
                    f"appears twice (first in {first_at[py].rsplit(', ', 1)[-1]})",
                    str(py),
                )
            )
            continue
        first_at[py] = where
        if value is not None:
            good.append((py, value, status, where))
    ordered = sorted(first_at.items())
    for (a, where_a), (b, where_b) in itertools.pairwise(ordered):
        if b.start != a.start + 1:
            gap = [str(PriceYear(y, a.financial)) for y in range(a.start + 1, b.start)]
            shown = gap[0] if len(gap) == 1 else f"{gap[0]}-{gap[-1]}"
            problems.append(
                Problem(
                    f"{where_b}, column year",
                    f"leaves a gap after {a} ({where_a.rsplit(', ', 1)[-1]}): "
                    f"{shown} {'is' if len(gap) == 1 else 'are'} missing",
                    str(b),
                    allowed="consecutive years, each once",
                )
            )
    if len(text["series"]) > 1:
        problems.append(
            Problem(
                f"{file_name}, column series",
                f"holds several series ({show_value(sorted(text['series']))}); keep one per file",
            )
        )
    try:
        rate = parse_extrapolation(extrapolate)
    except ModelError as exc:
        problems += exc.problems
    if problems:
        raise ModelError(sorted(problems, key=_row_number), title=title)
    good.sort()
    return DeflatorSeries(
        name,
        tuple(y for y, _, _, _ in good),
        tuple(v for _, v, _, _ in good),
        base="; ".join(sorted(text["base"])),
        vintage="; ".join(sorted(text["vintage"])),
        source="; ".join(sorted(text["source"])) or file_name,
        forecast=tuple(y for y, _, s, _ in good if s == "forecast"),
        extrapolate=rate,
    )
