"""``sroi.evaluate``: from a model (object, mapping or file) to a :class:`~sroi.result.Result`."""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Any

import numpy as np
from pydantic_core import PydanticCustomError

from sroi.adjustments import DiscountRate
from sroi.engine import OutcomeArrays, compute
from sroi.errors import ModelError, Problem
from sroi.model import Model, _discount_rate, load_model
from sroi.result import Result

__all__ = ["as_model", "evaluate"]


def as_model(model: Model | Mapping[str, Any] | str | PathLike[str]) -> Model:
    """Return ``model`` as a validated :class:`Model` (from a Model, a mapping or a file path)."""
    if isinstance(model, Model):
        return model
    if isinstance(model, Mapping):
        return Model.from_dict(model)
    if isinstance(model, (str, PathLike)):
        return load_model(model)
    raise ModelError(
        [
            Problem(
                "",
                "a model must be a sroi.Model, a mapping, or the path of a .yaml/.json file, "
                f"not {type(model).__name__}",
            )
        ]
    )


def _outcome_arrays(model: Model) -> OutcomeArrays:
    unresolved = [
        Problem(f"outcomes[{i}].proxy", "no proxy table to resolve this id against", o.proxy)
        for i, o in enumerate(model.outcomes)
        if o.value is None
    ]
    if unresolved:
        raise ModelError(unresolved)
    outcomes = model.outcomes
    return OutcomeArrays(
        quantity=np.array([o.quantity for o in outcomes], dtype=float),
        value=np.array([o.value for o in outcomes], dtype=float),
        deadweight=np.array([o.deadweight for o in outcomes], dtype=float),
        displacement=np.array([o.displacement for o in outcomes], dtype=float),
        attribution=np.array([o.attribution for o in outcomes], dtype=float),
        drop_off=np.array([o.drop_off for o in outcomes], dtype=float),
        duration=np.array([o.duration for o in outcomes], dtype=float),
        start_year=np.array([o.start_year for o in outcomes], dtype=float),
    )


def evaluate(
    model: Model | Mapping[str, Any] | str | PathLike[str],
    *,
    discount_rate: DiscountRate | None = None,
) -> Result:
    """Evaluate an SROI model: present value, NPV, the SROI ratio, payback and the tables.

    Parameters
    ----------
    model : Model, mapping, or path
        A :class:`Model`, a mapping with the fields of ``DESIGN.md`` §3, or the path of a
        ``.yaml``/``.yml``/``.json`` model file. A mapping is not changed.
    discount_rate : float, str or sequence of float, optional
        Overrides the model's discount rate: a constant rate [fraction, 0-1], a schedule
        name (``"green_book"``, ``"green_book_health"``) or yearly rates.

    Returns
    -------
    Result

    Raises
    ------
    ModelError
        If the model is not valid (every problem listed with its location).

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
        try:
            rate, source = _discount_rate(discount_rate), "argument"
        except PydanticCustomError as exc:
            raise ModelError([Problem("discount_rate", exc.message(), discount_rate)]) from None
    computation = compute(
        _outcome_arrays(m),
        [i.amount for i in m.inputs],
        [i.year for i in m.inputs],
        rate,
    )
    if not computation.total_investment > 0:
        raise ModelError(
            [
                Problem(
                    "inputs",
                    "the total investment is 0; an SROI ratio needs inputs worth more than 0",
                )
            ]
        )
    return Result(model=m, computation=computation, discount_rate=rate, discount_rate_from=source)
