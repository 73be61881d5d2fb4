"""Valuation: each outcome's financial proxy, in the model's currency, units and price year.

An outcome gives its value directly (``value``: money per unit of quantity per year, already
in the model's prices) or names a proxy (``proxy``: an id in a proxy table). A proxy's value
is turned into the model's terms in two steps::

    value = proxy.value * index_factor(proxy.price_year, model.price_year)
                        * annual_value_factor(proxy.unit, outcome.unit)

- **price year**: GDP deflators move the value from the proxy's own price year to the
  model's (:func:`sroi.proxies.index_factor`); a proxy without a price year is used at
  face value, with an :class:`~sroi.errors.SROIWarning`;
- **units**: a proxy per week applied to a count of people is a value per person per year
  (x 52.1786); a per-event proxy (``GBP / offence``) counts events in the outcome's year;
  a proxy per hour needs a quantity in hours (:func:`sroi.units.annual_value_factor`).

Who gains and how the value is classed (``value_type``, ``bearer`` and its shares,
``category``, ``marmot_objective``) come from the proxy unless the outcome gives its own.

References
----------
.. [1] HM Treasury (2022). *The Green Book*, section 5 (real prices and the GDP deflator).
.. [2] HM Treasury, New Economy, Public Service Transformation Network (2014). *Supporting
   public service transformation: cost benefit analysis guidance for local partnerships*.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any, NamedTuple

from sroi.errors import (
    ModelError,
    Problem,
    SROIWarning,
    UnitError,
    UnknownProxyError,
    error_for,
)
from sroi.model import Model, Outcome
from sroi.parsing import parse_bearer_split, parse_price_year
from sroi.proxies.catalogue import Proxy, ProxyTable
from sroi.proxies.deflators import Series, index_factor
from sroi.units import annual_value_factor, one_off_per_person

__all__ = ["Valuation", "check_proxies", "valuation_warnings", "value_outcomes"]


class Valuation(NamedTuple):
    """How one outcome was valued (an immutable record).

    Attributes
    ----------
    value : float
        The value used [money / unit of quantity / year, model prices].
    proxy : Proxy or None
        The proxy, when the outcome named one.
    price_index : float
        The deflator factor from the proxy's price year (or, for a value given directly,
        the model's) to the result's price year [ratio]; 1 if none.
    unit_factor : float
        The factor from the proxy's unit to money per unit of quantity per year; 1 if none.
    value_type, category, marmot_objective : str or None
        How the value is classed (the outcome's own, else the proxy's).
    bearer_split : tuple of (str, float)
        Who gains, with shares summing to 1; ``()`` when nobody was named.
    yearly : tuple of float, optional
        For a proxy that is a series over calendar years: the value used in each year of
        the outcome, from its first [money / unit of quantity / year, model prices];
        ``value`` is the first of them. None otherwise.
    yearly_proxies : tuple of Proxy, optional
        The series' row used in each of those years; ``proxy`` is the first of them.
    """

    value: float
    proxy: Proxy | None = None
    price_index: float = 1.0
    unit_factor: float = 1.0
    value_type: str | None = None
    category: str | None = None
    marmot_objective: str | None = None
    bearer_split: tuple[tuple[str, float], ...] = ()
    yearly: tuple[float, ...] | None = None
    yearly_proxies: tuple[Proxy, ...] | None = None


_split = functools.lru_cache(maxsize=1024)(parse_bearer_split)


def _own(
    outcome: Outcome,
    value: float,
    proxy: Proxy | None = None,
    price_index: float = 1.0,
    unit_factor: float = 1.0,
) -> Valuation:
    """The valuation, with the outcome's own classes and bearers before the proxy's."""
    return Valuation(
        value,
        proxy,
        price_index,
        unit_factor,
        outcome.value_type or (proxy.value_type if proxy else None),
        outcome.category or (proxy.category if proxy else None),
        outcome.marmot_objective or (proxy.marmot_objective if proxy else None),
        _split(outcome.bearer) if outcome.bearer else (proxy.bearer_split if proxy else ()),
    )


class _Resolved(NamedTuple):
    """One outcome's proxy resolved: the proxy, its factors, and what went wrong."""

    proxy: Proxy | None
    unit_factor: float
    price_index: float
    problems: list[Problem]
    needs_price_year: str | None = None


def _resolve(
    where: str,
    proxy_id: str,
    unit: str | None,
    currency: str | None,
    target: int | str | None,
    table: ProxyTable,
    deflator: Series | None,
) -> _Resolved:
    """Look up one outcome's proxy and work out its unit and price factors.

    ``currency`` None skips the unit check, ``deflator`` None the price index (what they
    come from has a problem of its own).
    """
    series = table.series(proxy_id) if proxy_id not in table else None
    if series:  # a series over years: its rows share a unit; check the first
        proxy_id = series[min(series)]
    try:
        proxy = table.get(proxy_id)
    except UnknownProxyError as exc:
        return _Resolved(None, math.nan, math.nan, [p.at(f"{where}.proxy") for p in exc.problems])
    problems: list[Problem] = []
    unit_factor = math.nan
    if currency is not None:
        try:
            unit_factor = annual_value_factor(proxy.unit, unit, currency)
        except UnitError as exc:
            said = "; ".join(p.message for p in exc.problems)
            fits = f"a unit that fits the proxy's unit {proxy.unit!r}, in {currency}"
            if unit is None:
                problems.append(
                    Problem(
                        f"{where}.unit", f"proxy {proxy.id!r}: {said}", allowed=fits, kind="unit"
                    )
                )
            else:
                problems.append(
                    Problem(
                        f"{where}.unit",
                        f"proxy {proxy.id!r}: {said}",
                        unit,
                        allowed=fits,
                        kind="unit",
                    )
                )
    price_index = 1.0
    needs = None
    if proxy.price_year is not None and deflator is not None:
        if target is None:
            needs = f"{where} ({proxy.id}, {proxy.price_year} prices)"
        else:
            try:
                price_index = index_factor(proxy.price_year, target, series=deflator)
            except ModelError as exc:
                problems.extend(
                    Problem(
                        f"{where}.proxy",
                        f"{proxy.id!r}: {p.message}",
                        proxy_id,
                        allowed=p.allowed,
                    )
                    for p in exc.problems
                )
    return _Resolved(proxy, unit_factor, price_index, problems, needs)


def _needs_price_year(used_by: list[str]) -> Problem:
    return Problem(
        "price_year",
        "is needed to move proxies to the model's prices (e.g. price_year: 2024); "
        "used by "
        + ", ".join(used_by[:5])
        + (f", ... ({len(used_by)} in all)" if len(used_by) > 5 else ""),
        allowed="a price year such as 2024 or 2024/25",
        kind="missing",
    )


def _unique(problems: list[Problem]) -> list[Problem]:
    return list({(p.location, p.message): p for p in problems}.values())


_CURRENCY = re.compile(r"[A-Z]{3}")


def check_proxies(
    data: Mapping[str, Any],
    table: ProxyTable | Callable[[], ProxyTable],
    *,
    deflator: Series | None = "hmt",
    price_year: int | str | None = None,
) -> list[Problem]:
    """The problems of the proxies a model names, found from its data as given.

    Every outcome that names a proxy is looked up, its unit checked against the outcome's
    quantity and the model's currency, and its price year against the model's (or
    ``price_year``), whatever else is wrong with the model: :func:`sroi.evaluate` runs this
    while the model's fields are checked, so that every problem is reported together.

    Parameters
    ----------
    data : mapping
        A model's fields, as given (see :func:`sroi.model_schema`).
    table : ProxyTable, or a callable returning one
        The proxy table; a callable is called only when an outcome names a proxy.
    deflator : str, path, DeflatorSeries or None, default "hmt"
        The GDP deflator series (see :func:`sroi.proxies.deflators.deflator_series`);
        None checks no price years.
    price_year : int or str, optional
        The price year of the result, when not the model's own.

    Returns
    -------
    list of Problem
        Located in the model (``outcomes[2].proxy``, ``outcomes[2].unit``, ``price_year``);
        empty when there is none.

    Examples
    --------
    >>> from sroi.proxies import load
    >>> model = {"price_year": 2024, "outcomes": [{"proxy": "ucd_gp_visit"}, {"value": 5}]}
    >>> [(p.location, p.kind) for p in check_proxies(model, load)]
    [('outcomes[0].proxy', 'unknown_proxy')]
    """
    outcomes = data.get("outcomes")
    if not isinstance(outcomes, (list, tuple)):
        return []
    named = []
    for i, item in enumerate(outcomes):
        if isinstance(item, Outcome):
            item = dict(item)
        if isinstance(item, Mapping) and isinstance(item.get("proxy"), str):
            proxy_id = item["proxy"].strip()
            if proxy_id:
                named.append((i, proxy_id, item.get("unit")))
    if not named:
        return []
    if callable(table) and not isinstance(table, ProxyTable):
        table = table()
    currency = data.get("currency", "GBP")
    if not (isinstance(currency, str) and _CURRENCY.fullmatch(currency.strip())):
        currency = None
    else:
        currency = currency.strip()
    target: int | str | None = price_year
    known_target = True
    if target is None:
        given = data.get("price_year")
        if given is not None:
            try:
                target = parse_price_year(given).plain
            except ModelError:
                known_target = False  # the field reports it
    problems: list[Problem] = []
    used_by: list[str] = []
    for i, proxy_id, unit in named:
        if unit is not None:
            if not (isinstance(unit, str) and unit.strip()):
                continue  # the field reports it
            unit = unit.strip()
        found = _resolve(f"outcomes[{i}]", proxy_id, unit, currency, target, table, deflator)
        problems += found.problems
        if found.needs_price_year and known_target:
            used_by.append(found.needs_price_year)
        series = table.series(proxy_id) if proxy_id not in table else None
        if series and data.get("first_calendar_year") is None:
            problems.append(_needs_first_year(f"outcomes[{i}]", proxy_id, series))
    if used_by:
        problems.insert(0, _needs_price_year(used_by))
    return _unique(problems)


def _needs_first_year(where: str, proxy_id: str, series: Mapping[int, str]) -> Problem:
    return Problem(
        f"{where}.proxy",
        f"{proxy_id!r} is a series over calendar years ({min(series)}-{max(series)}): give the "
        "model's first_calendar_year (the calendar year of its year 1), so that each year of "
        "the outcome takes that year's value",
        proxy_id,
        allowed="a model with first_calendar_year, or one year's row of the series",
        kind="missing",
    )


def _value_series(
    where: str,
    outcome: Outcome,
    series: Mapping[int, str],
    model: Model,
    target: int | str | None,
    table: ProxyTable,
    deflator: Series | None,
    problems: list[Problem],
    used_by: list[str],
) -> Valuation | None:
    """An outcome valued with a series over calendar years: each year at that year's row.

    Year ``t`` of the model (``t = start_year ...``) is calendar year
    ``first_calendar_year + t - 1``. Problems go to ``problems``; None when there are any.
    """
    if model.first_calendar_year is None:
        problems.append(_needs_first_year(where, outcome.proxy or "", series))
        return None
    first = model.first_calendar_year + outcome.start_year - 1
    years = [first + k for k in range(math.ceil(outcome.duration))]
    missing = [y for y in years if y not in series]
    if missing:
        problems.append(
            Problem(
                f"{where}.proxy",
                f"{outcome.proxy!r} is a series over {min(series)}-{max(series)}; the outcome "
                f"needs {years[0]}-{years[-1]} (its years from first_calendar_year "
                f"{model.first_calendar_year}), and {', '.join(map(str, missing[:5]))}"
                f"{' ...' if len(missing) > 5 else ''} {'is' if len(missing) == 1 else 'are'} "
                "not in it",
                outcome.proxy,
                allowed=f"years {min(series)}-{max(series)}",
            )
        )
        return None
    values, rows, firsts = [], [], None
    for year in years:
        found = _resolve(where, series[year], outcome.unit, model.currency, target, table, deflator)
        if found.problems or found.proxy is None:
            problems += found.problems
            return None
        if found.needs_price_year:
            used_by.append(found.needs_price_year)
            return None
        values.append(found.proxy.value * found.price_index * found.unit_factor)
        rows.append(found.proxy)
        firsts = firsts or found
    assert firsts is not None and firsts.proxy is not None
    valuation = _own(outcome, values[0], firsts.proxy, firsts.price_index, firsts.unit_factor)
    return valuation._replace(yearly=tuple(values), yearly_proxies=tuple(rows))


_OWN = attrgetter("value", "value_type", "category", "marmot_objective", "bearer")


def _value_own(outcomes: Sequence[Outcome], restate: float) -> tuple[Valuation, ...]:
    """:func:`value_outcomes` of outcomes that each give their own value (no proxy): no
    table, no warnings; the same valuations as :func:`_own` makes, built column by column."""
    if not outcomes:
        return ()
    values, value_types, categories, objectives, bearers = zip(*map(_OWN, outcomes), strict=True)
    valued = [float(value) * restate for value in values]
    if not all(map(math.isfinite, valued)):
        raise error_for(
            [
                Problem(
                    f"outcomes[{i}].value",
                    "is too large once moved to the result's price year",
                    values[i],
                    allowed="a value that stays a finite number at the result's prices",
                )
                for i, x in enumerate(valued)
                if not math.isfinite(x)
            ]
        )
    columns = zip(
        valued,
        repeat(None),
        repeat(restate),
        repeat(1.0),
        [x or None for x in value_types],
        [x or None for x in categories],
        [x or None for x in objectives],
        [_split(x) if x else () for x in bearers],
        repeat(None),
        repeat(None),
    )
    return tuple(map(_VALUATION, columns))


_VALUATION = functools.partial(tuple.__new__, Valuation)
"""A :class:`Valuation` from a tuple of all its fields, in order (no call of Python code)."""


def value_outcomes(
    model: Model,
    table: ProxyTable | None,
    *,
    deflator: Series = "hmt",
    price_year: int | str | None = None,
    restate: float = 1.0,
) -> tuple[Valuation, ...]:
    """Value every outcome of ``model``, resolving proxy ids against ``table``.

    Parameters
    ----------
    model : Model
        The model.
    table : ProxyTable or None
        The proxy table; None is only allowed when no outcome names a proxy.
    deflator : str, path or DeflatorSeries, default "hmt"
        The GDP deflator series used to move proxies to the model's price year (see
        :func:`sroi.proxies.deflators.deflator_series`).
    price_year : int or str, optional
        The price year of the result; default the model's own.
    restate : float, default 1.0
        The factor that moves the model's own amounts (outcomes' ``value``) from the model's
        price year to ``price_year`` [ratio].

    Returns
    -------
    tuple of Valuation
        One per outcome, in order.

    Raises
    ------
    SROIError
        With every problem found, together: unknown proxy ids (each with the closest ids),
        units that do not fit the outcome's quantity or the model's currency, proxies with
        price years in a model without a ``price_year``, price years outside the deflator
        series. Its class is :class:`~sroi.errors.UnknownProxyError` when every problem is
        an unknown id, :class:`~sroi.errors.UnitError` when every problem is a unit, else
        :class:`~sroi.errors.ModelError` (see :func:`~sroi.errors.error_for`).
    """
    if all(outcome.proxy is None for outcome in model.outcomes):
        return _value_own(model.outcomes, restate)
    target = model.price_year if price_year is None else price_year
    problems: list[Problem] = []
    out: list[Valuation] = []
    used_by: list[str] = []
    for i, outcome in enumerate(model.outcomes):
        where = f"outcomes[{i}]"
        if outcome.proxy is None:
            valued = float(outcome.value) * restate
            if not math.isfinite(valued):
                problems.append(
                    Problem(
                        f"{where}.value",
                        "is too large once moved to the result's price year",
                        outcome.value,
                        allowed="a value that stays a finite number at the result's prices",
                    )
                )
            out.append(_own(outcome, valued, None, restate))
            continue
        if table is None:  # pragma: no cover - evaluate() always passes a table here
            raise ModelError([Problem(f"{where}.proxy", "no proxy table given", outcome.proxy)])
        series = table.series(outcome.proxy) if outcome.proxy not in table else None
        if series:
            valued_years = _value_series(
                where, outcome, series, model, target, table, deflator, problems, used_by
            )
            if valued_years is not None:
                out.append(valued_years)
            continue
        found = _resolve(
            where, outcome.proxy, outcome.unit, model.currency, target, table, deflator
        )
        problems += found.problems
        if found.needs_price_year:
            used_by.append(found.needs_price_year)
        if found.proxy is not None:
            value = found.proxy.value * found.price_index * found.unit_factor
            out.append(_own(outcome, value, found.proxy, found.price_index, found.unit_factor))
    if used_by:
        problems.insert(0, _needs_price_year(used_by))
    problems = _unique(problems)
    if problems:
        raise error_for(problems)
    for warning in valuation_warnings(out):
        warnings.warn(warning, stacklevel=3)
    return tuple(out)


def valuation_warnings(
    valuations: tuple[Valuation, ...] | list[Valuation],
    requested: Sequence[str | None] | None = None,
    durations: Sequence[float] | None = None,
) -> tuple[SROIWarning, ...]:
    """The warnings a valuation calls for: each proxy with no price year, used at face
    value; and each proxy named by an older id, valued with the row that replaces it.

    Parameters
    ----------
    valuations : sequence of Valuation
        One per outcome, in order.
    requested : sequence of str or None, optional
        The proxy id each outcome named, in order (to tell an older id from its row's).
    durations : sequence of float, optional
        Each outcome's duration [years]: a one-off value per person (a proxy whose unit
        has no time, such as "per child over a ten-year period") counted in more than one
        year is warned about.

    Returns
    -------
    tuple of SROIWarning
        Each located at the outcome's ``proxy``.
    """
    found: list[SROIWarning] = []
    for i, v in enumerate(valuations):
        if v.proxy is None:
            continue
        asked = requested[i] if requested is not None and i < len(requested) else None
        if asked is not None and asked != v.proxy.id:
            found.append(
                SROIWarning(
                    f"proxy id {asked!r} is an older id; the row that replaces it, "
                    f"{v.proxy.id!r}, is used (name it to silence this warning)",
                    location=f"outcomes[{i}].proxy",
                )
            )
        years = durations[i] if durations is not None and i < len(durations) else 1
        if years > 1 and one_off_per_person(v.proxy.unit):
            found.append(
                SROIWarning(
                    f"proxy {v.proxy.id!r} is a value per person with no time in its unit "
                    f"({v.proxy.unit}): a one-off or whole-period value. With a duration of "
                    f"{years:g} years it is counted in each of them; give duration 1 unless "
                    "the value recurs every year",
                    location=f"outcomes[{i}].duration",
                )
            )
        if v.proxy.price_year is None:
            found.append(
                SROIWarning(
                    f"proxy {v.proxy.id!r} has no price year and is used at face value, not "
                    "moved to the model's price year",
                    location=f"outcomes[{i}].proxy",
                )
            )
    return tuple(found)
