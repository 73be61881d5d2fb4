"""``sroi.evaluate``: from a model (object, mapping or file) to a :class:`~sroi.result.Result`."""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Any

import numpy as np

from sroi.adjustments import DiscountRate
from sroi.engine import OutcomeArrays, compute
from sroi.errors import ModelError, Problem
from sroi.io import read_model
from sroi.model import Model
from sroi.parsing import parse_discount_rate, parse_price_year
from sroi.proxies.catalogue import ProxyTable, load
from sroi.proxies.deflators import SERIES, Series, index_factor
from sroi.result import Result
from sroi.valuation import Valuation, value_outcomes

__all__ = ["as_model", "evaluate"]


def as_model(model: Model | Mapping[str, Any] | str | PathLike[str]) -> Model:
    """Return ``model`` as a validated :class:`Model` (from a Model, a mapping or a file path).

    A path may be a YAML or JSON model, an Excel impact map (``.xlsx``) or a folder or
    ``.zip`` of CSV tables (see :mod:`sroi.io`).
    """
    if isinstance(model, Model):
        return model
    if isinstance(model, Mapping):
        return Model.from_dict(model)
    if isinstance(model, (str, PathLike)):
        return read_model(model)
    raise ModelError(
        [
            Problem(
                "",
                "a model must be a sroi.Model, a mapping, or the path of a .yaml/.json file, "
                f"not {type(model).__name__}",
            )
        ]
    )


def _outcome_arrays(model: Model, valuations: tuple[Valuation, ...]) -> OutcomeArrays:
    columns = np.array(
        [
            (
                o.quantity,
                v.value,
                o.deadweight,
                o.displacement,
                o.attribution,
                o.drop_off,
                o.duration,
                o.start_year,
            )
            for o, v in zip(model.outcomes, valuations, strict=True)
        ],
        dtype=float,
    ).reshape(-1, 8)
    q, value, dw, dp, at, d, duration, start = columns.T
    return OutcomeArrays(
        quantity=q,
        value=value,
        deadweight=dw,
        displacement=dp,
        attribution=at,
        drop_off=d,
        duration=duration,
        start_year=start,
    )


def _restatement(
    model: Model, price_year: int | str | None, deflator: Series
) -> tuple[int | str | None, float]:
    """The result's price year and the factor moving the model's own amounts to it."""
    if price_year is None:
        return model.price_year, 1.0
    target = parse_price_year(price_year, "price_year").plain
    if target == model.price_year:
        return target, 1.0
    if model.price_year is None:
        raise ModelError(
            [
                Problem(
                    "price_year",
                    "the model has no price_year, so its amounts cannot be moved to another",
                    price_year,
                )
            ]
        )
    return target, index_factor(model.price_year, target, series=deflator)


def evaluate(
    model: Model | Mapping[str, Any] | str | PathLike[str],
    *,
    discount_rate: DiscountRate | None = None,
    proxies: ProxyTable | None = None,
    deflator: Series = "hmt",
    price_year: int | str | None = None,
) -> Result:
    """Evaluate an SROI model: present value, NPV, the SROI ratio, payback and the tables.

    Parameters
    ----------
    model : Model, mapping, or path
        A :class:`Model`, a mapping with the fields of a model file (its JSON Schema is
        :func:`sroi.model_schema`), or the path of a model file: ``.yaml``/``.yml``/
        ``.json``, an Excel impact map (``.xlsx``), or a folder or ``.zip`` of CSV tables
        (:mod:`sroi.io`). A mapping is not changed.
    discount_rate : float, str or sequence of float, optional
        Overrides the model's discount rate: a constant rate [fraction, 0-1], a schedule
        name (``"green_book"``, ``"green_book_health"``) or yearly rates.
    proxies : ProxyTable, optional
        The table that outcomes' ``proxy`` ids are looked up in; default the bundled table
        (:func:`sroi.proxies.load`), read only when an outcome names a proxy. Use
        :func:`sroi.proxies.read_table` to bring your own (licensed) values.
    deflator : {"hmt", "ucd"}, default "hmt"
        The GDP deflator series that moves each proxy from its own price year to the
        model's (see :mod:`sroi.proxies.deflators`).
    price_year : int or str, optional
        Present the result in another price year (``2024`` or ``"2024/25"``): the model's
        own amounts (inputs and outcomes' ``value``) are moved from the model's price year
        with the same deflator, and proxies straight from their own. The model is not
        changed.

    Returns
    -------
    Result

    Raises
    ------
    ModelError
        If the model is not valid (every problem listed with its location).
    UnknownProxyError
        If a proxy id is not in the table (the closest ids are suggested).
    UnitError
        If a proxy's unit does not fit what the outcome's quantity counts.

    Examples
    --------
    The hand-worked example: 100 people each gaining an outcome worth £1,000 a year for
    three years; deadweight 25 %, attribution 10 %, drop-off 10 %; £150,000 invested.

    >>> import sroi
    >>> result = sroi.evaluate({
    ...     "name": "Employment support",
    ...     "inputs": [{"stakeholder": "Council", "amount": 150_000}],
    ...     "outcomes": [{"stakeholder": "Participants", "outcome": "Into work",
    ...                   "quantity": 100, "value": 1_000, "duration": 3,
    ...                   "deadweight": 0.25, "attribution": 0.10, "drop_off": 0.10}],
    ... })
    >>> round(result.present_value, 2), round(result.npv, 2), round(result.ratio, 4)
    (171241.88, 21241.88, 1.1416)
    >>> round(result.payback_months, 2)
    26.67
    """
    m = as_model(model)
    if discount_rate is None:
        rate, source = m.discount_rate, "model"
    else:
        rate, source = parse_discount_rate(discount_rate, "discount_rate"), "argument"
    if deflator not in SERIES:
        raise ModelError(
            [Problem("deflator", "must be one of " + ", ".join(map(repr, SERIES)), deflator)]
        )
    if proxies is not None and not isinstance(proxies, ProxyTable):
        raise ModelError(
            [
                Problem(
                    "proxies",
                    "must be a sroi.proxies.ProxyTable (see sroi.proxies.read_table)",
                    type(proxies).__name__,
                )
            ]
        )
    target, restate = _restatement(m, price_year, deflator)
    if proxies is None and any(o.proxy is not None for o in m.outcomes):
        proxies = load()
    valuations = value_outcomes(m, proxies, deflator=deflator, price_year=target, restate=restate)
    computation = compute(
        _outcome_arrays(m, valuations),
        [i.amount * restate for i in m.inputs],
        [i.year for i in m.inputs],
        rate,
    )
    return Result(
        model=m,
        computation=computation,
        discount_rate=rate,
        discount_rate_from=source,
        valuations=valuations,
        proxy_table=proxies,
        deflator=deflator,
        price_year=target,
        price_index=restate,
    )
