"""Price years and GDP deflators: moving money values from one price year to another.

A financial proxy is stated in the prices of one year (its *price year*); a model adds
values up in the prices of one year. :func:`index_factor` gives the multiplier between two
price years from a GDP deflator index, the Green Book's general measure of inflation.

Price years are calendar years (``2019``) or UK financial years, April to March
(``2019/20``, also written ``2019-20`` or ``2019/2020``); :class:`PriceYear` holds either.
They are read by :func:`sroi.parsing.parse_price_year`, the one rule that models, proxy
tables and the command line also use (years 1800-2300); a year the series does not cover
is then an error naming the range it does cover.

**The conversion rule.** A series gives an index for its own periods (calendar years for
``"hmt"``, financial years for ``"ucd"``). The index of any other period is the average of
the series' periods that overlap it, weighted by the months of overlap:

- financial year Y/Y+1 from a calendar series: ``3/4 * I(Y) + 1/4 * I(Y+1)``
  (April-December of Y and January-March of Y+1);
- calendar year Y from a financial series: ``1/4 * I(Y-1/Y) + 3/4 * I(Y/Y+1)``.

``index_factor(a, b) = index(b) / index(a)``. A year whose index needs a period outside the
series is an error naming the year and the range covered: there is no extrapolation.

**Series.**

- ``"hmt"`` (default): HM Treasury GDP deflators at market prices, calendar years
  1990-2024 (2024 = 100), December 2025 Quarterly National Accounts vintage. Financial years
  1990/91-2023/24 are covered; 2024/25 is not (it needs calendar 2025).
- ``"ucd"``: the GDP deflator the New Economy Unit Cost Database v1.2 (2013) uses, financial
  years 1989/90-2017/18 (1989/90 = 100; ONS figures of 27 June 2013, 2013/14 on are OBR
  March 2013 forecasts). Choose it to reproduce the UCD's own uprated figures exactly.

The series differ by vintage, not only by period: the ONS revised the GDP deflator between
2013 and 2025 (notably in the 2014 move to ESA 2010), so uprating a 2005/06-2008/09 UCD
value to 2013/14 prices with ``"hmt"`` gives about 1-2 % less than the UCD's own uprated
figure, while ``"ucd"`` reproduces it to rounding. The two series are never spliced.

References
----------
.. [1] HM Treasury (2025). *GDP deflators at market prices, and money GDP*, December 2025
   (Quarterly National Accounts), via the ``greenbook`` R package,
   https://github.com/charlescoverdale/greenbook (``inst/extdata/gdp_deflator.csv``).
.. [2] New Economy (2013). *Unit Cost Database* v1.2, "Lookups" sheet (GDP deflator based
   on ONS National Accounts, 27 June 2013, and OBR forecasts, March 2013).
.. [3] HM Treasury (2022). *The Green Book: Central Government Guidance on Appraisal and
   Evaluation*, section 5 ("real" prices and the GDP deflator).
"""

from __future__ import annotations

import csv
import functools
import io
from typing import Literal

from sroi._resources import data_file
from sroi.errors import ModelError, Problem
from sroi.parsing import PriceYear, parse_price_year

__all__ = [
    "SERIES",
    "PriceYear",
    "coverage",
    "index",
    "index_factor",
    "parse_price_year",
]

Series = Literal["hmt", "ucd"]

#: The deflator series bundled in ``data/gdp_deflators.csv``.
SERIES: tuple[str, ...] = ("hmt", "ucd")


@functools.cache
def _series_table() -> dict[str, dict[PriceYear, float]]:
    text = data_file("gdp_deflators.csv").read_text(encoding="utf-8")
    table: dict[str, dict[PriceYear, float]] = {name: {} for name in SERIES}
    for row in csv.DictReader(io.StringIO(text)):
        year = parse_price_year(row["year"])
        if year.kind != row["year_type"]:  # pragma: no cover - guards the data file
            raise ValueError(f"gdp_deflators.csv: {row['year']} is not {row['year_type']}")
        table[row["series"]][year] = float(row["index"])
    return table


def _check_series(series: str) -> dict[PriceYear, float]:
    if series not in SERIES:
        raise ModelError(
            [Problem("series", f"must be one of {', '.join(map(repr, SERIES))}", series)]
        )
    return _series_table()[series]


def coverage(series: Series = "hmt") -> tuple[PriceYear, PriceYear]:
    """First and last period of a deflator series, in its own kind of year.

    Examples
    --------
    >>> coverage("hmt")
    (PriceYear('1990'), PriceYear('2024'))
    >>> coverage("ucd")
    (PriceYear('1989/90'), PriceYear('2017/18'))
    """
    years = sorted(_check_series(series))
    return years[0], years[-1]


def _range_text(series: str) -> str:
    first, last = coverage(series)  # type: ignore[arg-type]
    if first.financial:
        return (
            f"the {series!r} series covers financial years {first}-{last} "
            f"(calendar years {first.start + 1}-{last.start})"
        )
    return (
        f"the {series!r} series covers calendar years {first}-{last} "
        f"(financial years {PriceYear(first.start, True)}-{PriceYear(last.start - 1, True)})"
    )


def index(year: str | int | PriceYear, series: Series = "hmt") -> float:
    """The deflator index of a price year, by the month-weighted rule of this module.

    Parameters
    ----------
    year : str, int or PriceYear
        The price year (``2019`` or ``"2019/20"``).
    series : {"hmt", "ucd"}, default "hmt"
        The deflator series.

    Returns
    -------
    float
        The index [dimensionless; 2024 = 100 for "hmt", 1989/90 = 100 for "ucd"].

    Raises
    ------
    ModelError
        If the year, or a period its index needs, is outside the series.

    Examples
    --------
    Financial year 2013/14 from the calendar series: 3/4 of 2013 plus 1/4 of 2014.

    >>> round(index("2013/14"), 4)
    73.7727
    >>> round(0.75 * 73.4795 + 0.25 * 74.6524, 4)
    73.7727
    """
    return _index(parse_price_year(year), series, "price_year")


def _index(py: PriceYear, series: str, location: str) -> float:
    table = _check_series(series)
    if py in table:
        return table[py]
    series_is_financial = next(iter(table)).financial
    if py.financial == series_is_financial:  # the series' own kind of year, not covered
        parts = [(py, 1.0)]
    elif py.financial:  # from a calendar series
        parts = [(PriceYear(py.start), 0.75), (PriceYear(py.start + 1), 0.25)]
    else:  # from a financial series
        parts = [(PriceYear(py.start - 1, True), 0.25), (PriceYear(py.start, True), 0.75)]
    missing = [str(p) for p, _ in parts if p not in table]
    if missing:
        raise ModelError(
            [
                Problem(
                    location,
                    f"no GDP deflator for {py}: its index needs {' and '.join(missing)}, "
                    f"but {_range_text(series)}; sroi does not extrapolate",
                    str(py),
                )
            ],
            title="the deflator lookup",
        )
    return sum(table[p] * w for p, w in parts)


def index_factor(
    from_year: str | int | PriceYear,
    to_year: str | int | PriceYear,
    *,
    series: Series = "hmt",
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
    series : {"hmt", "ucd"}, default "hmt"
        ``"hmt"``: HM Treasury GDP deflator, calendar years 1990-2024 (December 2025).
        ``"ucd"``: the Unit Cost Database's deflator, financial years 1989/90-2017/18 (2013).

    Returns
    -------
    float
        The factor [dimensionless]; 1.0 when the two years are the same.

    Raises
    ------
    ModelError
        If a year does not parse or is outside the series (the message gives the range).

    References
    ----------
    .. [1] HM Treasury (2022). *The Green Book*, section 5: converting nominal to real
       prices with the GDP deflator.

    Examples
    --------
    A JSA claimant entering work saves £9,800 a year at 2012/13 prices; the Unit Cost
    Database uprated it to £10,025 at 2013/14 prices with its own deflator:

    >>> round(9_800 * index_factor("2012/13", "2013/14", series="ucd"))
    10025

    The default HM Treasury series (December 2025 vintage) gives a little less:

    >>> round(9_800 * index_factor("2012/13", "2013/14"))
    9997

    Carbon values at 2022 prices, in 2024 prices:

    >>> round(index_factor(2022, 2024), 4)
    1.105
    >>> index_factor("2024/25", 2024)
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the deflator lookup:
      from_year: no GDP deflator for 2024/25: its index needs 2025, but the 'hmt' series
      covers calendar years 1990-2024 (financial years 1990/91-2023/24); sroi does not
      extrapolate (got '2024/25')
    """
    a = parse_price_year(from_year, "from_year")
    b = parse_price_year(to_year, "to_year")
    if a == b:
        _check_series(series)
        return 1.0
    return _index(b, series, "to_year") / _index(a, series, "from_year")
