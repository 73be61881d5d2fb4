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
import warnings
from typing import NamedTuple

from sroi.errors import ModelError, Problem, SROIWarning, UnitError, UnknownProxyError
from sroi.model import Model, Outcome
from sroi.parsing import parse_bearer_split
from sroi.proxies.catalogue import Proxy, ProxyTable
from sroi.proxies.deflators import Series, index_factor
from sroi.units import annual_value_factor

__all__ = ["Valuation", "value_outcomes"]


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
    """

    value: float
    proxy: Proxy | None = None
    price_index: float = 1.0
    unit_factor: float = 1.0
    value_type: str | None = None
    category: str | None = None
    marmot_objective: str | None = None
    bearer_split: tuple[tuple[str, float], ...] = ()


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
    deflator : {"hmt", "ucd"}, default "hmt"
        The GDP deflator series used to move proxies to the model's price year.
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
    UnknownProxyError
        If any proxy id is not in the table (every unknown id is listed, each with the
        closest ids and where it was used).
    UnitError
        If a proxy's unit does not fit the outcome's quantity or the model's currency.
    ModelError
        If proxies with price years are used in a model without a ``price_year``, or a
        price year is outside the deflator series.
    """
    target = model.price_year if price_year is None else price_year
    unknown: list[UnknownProxyError] = []
    problems: list[Problem] = []
    unit_trouble = False
    out: list[Valuation | None] = []
    no_price_year: list[str] = []
    needs_price_year: list[str] = []
    for i, outcome in enumerate(model.outcomes):
        where = f"outcomes[{i}]"
        if outcome.proxy is None:
            out.append(_own(outcome, float(outcome.value) * restate, None, restate))
            continue
        if table is None:  # pragma: no cover - evaluate() always passes a table here
            raise ModelError([Problem(f"{where}.proxy", "no proxy table given", outcome.proxy)])
        try:
            proxy = table.get(outcome.proxy)
        except UnknownProxyError as exc:
            unknown.append(UnknownProxyError(exc.proxy_id, exc.suggestions, f"{where}.proxy"))
            out.append(None)
            continue
        try:
            unit_factor = annual_value_factor(proxy.unit, outcome.unit, model.currency)
        except UnitError as exc:
            problems.append(Problem(f"{where}.unit", f"proxy {proxy.id!r}: {exc}", outcome.unit))
            unit_trouble = True
            unit_factor = float("nan")
        price_index = 1.0
        if proxy.price_year is None:
            no_price_year.append(f"{where} ({proxy.id})")
        elif target is None:
            needs_price_year.append(f"{where} ({proxy.id}, {proxy.price_year} prices)")
        else:
            try:
                price_index = index_factor(proxy.price_year, target, series=deflator)
            except ModelError as exc:
                problems.extend(
                    Problem(f"{where}.proxy", f"{proxy.id!r}: {p.message}", outcome.proxy)
                    for p in exc.problems
                )
        out.append(
            _own(outcome, proxy.value * price_index * unit_factor, proxy, price_index, unit_factor)
        )
    if needs_price_year:
        problems.insert(
            0,
            Problem(
                "price_year",
                "is needed to move proxies to the model's prices (e.g. price_year: 2024); "
                "used by " + ", ".join(needs_price_year),
            ),
        )
    if unknown:
        first = unknown[0]
        raise UnknownProxyError(first.proxy_id, first.suggestions, first.location, also=unknown[1:])
    problems = list({(p.location, p.message): p for p in problems}.values())
    if problems:
        error = ModelError(problems)
        if unit_trouble:
            unit_error = UnitError(str(error))
            unit_error.problems = error.problems
            raise unit_error
        raise error
    if no_price_year:
        warnings.warn(
            "these proxies have no price year and are used at face value, not moved to the "
            f"model's price year: {', '.join(no_price_year)}",
            SROIWarning,
            stacklevel=3,
        )
    return tuple(v for v in out if v is not None)
