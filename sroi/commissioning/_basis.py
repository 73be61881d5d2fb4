"""Several models evaluated on one basis: price year, discount rate, conventions, proxies.

Bids (or options for a service) can only be set side by side when their figures are in the
same prices, discounted the same way, under the same conventions and valued from the same
proxy table. :func:`evaluate_on_one_basis` evaluates each model through
:func:`sroi.evaluate` and either

- with a ``basis`` (the options of :func:`sroi.evaluate` that fix the basis:
  ``discount_rate``, ``price_year``, ``deflator``, ``proxies``, ``conventions``): evaluates
  every model on it, and records, for each, which of its own settings the basis replaced;
- without one (or for what the basis leaves out): checks that the models already share a
  basis, and refuses, naming every difference and where it is, when they do not.

The currency cannot be put on one basis (``sroi`` converts no currencies): models in
different currencies are always refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sroi.conventions import DEFAULT, Conventions
from sroi.errors import ModelError, Problem, SROIError, error_for, show_value
from sroi.evaluation import as_model, evaluate
from sroi.formatting import discount_rate_text
from sroi.model import Model
from sroi.parsing import parse_discount_rate, parse_price_year
from sroi.result import Result

__all__ = ["BASIS_OPTIONS", "Evaluated", "evaluate_on_one_basis"]

BASIS_OPTIONS: tuple[str, ...] = (
    "discount_rate",
    "price_year",
    "deflator",
    "proxies",
    "conventions",
)
"""The options of :func:`sroi.evaluate` a ``basis`` may give."""

_TITLE = "the models compared"


@dataclass(frozen=True)
class Evaluated:
    """One model evaluated on the common basis.

    Attributes
    ----------
    name : str
        The model's ``name``.
    label : str
        Where it was given, for messages: ``models[1]``, or its file's path.
    result : Result
    overridden : tuple of str
        The model's own settings the basis replaced, in words (``"discount rate 5 % ->
        0 %"``); empty when the basis is the model's own.
    """

    name: str
    label: str
    result: Result
    overridden: tuple[str, ...]


def located(label: str, location: str) -> str:
    """A problem's location inside a model, prefixed with where the model was given:
    ``models[1].discount_rate``, or ``bid_b.yaml, discount_rate`` for a file."""
    if not location:
        return label
    if label.startswith("models["):
        return f"{label}.{location}" if not location.startswith("[") else label + location
    name = os.path.basename(label)
    if location.startswith((label, name)):
        return location
    return f"{label}, {location}"


def _models(models: Any, function: str) -> list[Any]:
    if isinstance(models, (str, bytes, os.PathLike, Mapping, Model)) or not isinstance(
        models, Sequence
    ):
        raise ModelError(
            [
                Problem(
                    "models",
                    "must be a list of models (sroi.Model objects, mappings or paths of model "
                    f"files), not {type(models).__name__}",
                    allowed="a list of models",
                )
            ],
            title=f"the arguments of {function}()",
        )
    if not models:
        raise ModelError(
            [Problem("models", "is empty; give the models to compare", [])],
            title=f"the arguments of {function}()",
        )
    return list(models)


def _basis(basis: Any, function: str) -> dict[str, Any]:
    """The basis checked: known options only, each valid; parsed where it can be."""
    if basis is None:
        return {}
    if not isinstance(basis, Mapping):
        raise ModelError(
            [
                Problem(
                    "basis",
                    f"must map options of sroi.evaluate to values, not {type(basis).__name__}",
                    allowed="a mapping such as {'discount_rate': 0.035, 'price_year': 2024}",
                )
            ],
            title=f"the arguments of {function}()",
        )
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for key, value in basis.items():
        where = f"basis[{show_value(key)}]"
        if key not in BASIS_OPTIONS:
            problems.append(
                Problem(
                    where,
                    "is not an option that fixes the basis; the options are "
                    + ", ".join(BASIS_OPTIONS),
                    key,
                    allowed=", ".join(BASIS_OPTIONS),
                    kind="unknown_field",
                )
            )
            continue
        if value is None:
            continue
        try:
            if key == "discount_rate":
                value = parse_discount_rate(value, where)
            elif key == "price_year":
                value = parse_price_year(value, where).plain
            elif key == "conventions":
                value = Conventions.parse(value, where)
        except ModelError as exc:
            problems += exc.problems
            continue
        out[key] = value
    if problems:
        raise ModelError(problems, title=f"the arguments of {function}()")
    return out


def _label(i: int, given: Any) -> str:
    if isinstance(given, (str, os.PathLike)):
        return os.fspath(given)
    return f"models[{i}]"


def _settings(m: Model, basis: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a model is evaluated with, the basis taking precedence."""
    return {
        "currency": m.currency,
        "price_year": basis.get("price_year", m.price_year),
        "discount_rate": basis.get("discount_rate", m.discount_rate),
        "conventions": basis.get("conventions", m.conventions or DEFAULT),
    }


def _show(name: str, value: Any) -> str:
    if name == "discount_rate":
        return discount_rate_text(value)
    if name == "conventions":
        differences = value.differences()
        return "; ".join(differences) if differences else "the default conventions"
    if name == "price_year" and value is None:
        return "no price year"
    return str(value)


_ADVICE = {
    "currency": "sroi does not convert currencies: compare models in one currency",
    "price_year": "give basis={'price_year': ...} (on the command line, --price-year) to "
    "restate every model in one year's prices",
    "discount_rate": "give basis={'discount_rate': ...} (on the command line, "
    "--discount-rate) to discount every model the same way",
    "conventions": "give basis={'conventions': {...}} (on the command line, --convention) to "
    "evaluate every model under the same conventions",
}

_WORDS = {
    "currency": "currency",
    "price_year": "price year",
    "discount_rate": "discount rate",
    "conventions": "conventions",
}


def _differences(
    labels: Sequence[str], names: Sequence[str], settings: Sequence[Mapping[str, Any]]
) -> list[Problem]:
    problems = []
    first = settings[0]
    for field in ("currency", "price_year", "discount_rate", "conventions"):
        for label, name, s in zip(labels[1:], names[1:], settings[1:], strict=True):
            if s[field] != first[field]:
                problems.append(
                    Problem(
                        located(label, field),
                        f"{name!r} has {_WORDS[field]} {_show(field, s[field])} where "
                        f"{names[0]!r} ({labels[0]}) has {_show(field, first[field])}; models "
                        f"are compared on one basis: {_ADVICE[field]}",
                        s[field] if field != "conventions" else s[field].to_dict(),
                        allowed=f"the {_WORDS[field]} of {labels[0]}: {_show(field, first[field])}",
                    )
                )
    return problems


def _overridden(m: Model, basis: Mapping[str, Any]) -> tuple[str, ...]:
    own = _settings(m, {})
    found = []
    for field in ("price_year", "discount_rate", "conventions"):
        if field in basis and basis[field] != own[field]:
            found.append(
                f"{_WORDS[field]} {_show(field, own[field])} -> {_show(field, basis[field])}"
            )
    if "proxies" in basis and any(o.proxy is not None for o in m.outcomes):
        found.append("proxies from the table given")
    return tuple(found)


def evaluate_on_one_basis(
    models: Any, basis: Mapping[str, Any] | None, function: str
) -> list[Evaluated]:
    """Evaluate every model on one basis, or refuse models on different ones.

    Parameters
    ----------
    models : sequence of Model, mapping or path
        The models (bids, or options); each must have its own ``name``.
    basis : mapping, optional
        Options of :func:`sroi.evaluate` that every model is evaluated with; see
        :data:`BASIS_OPTIONS`.
    function : str
        The caller's name, for messages (``"compare"``).

    Returns
    -------
    list of Evaluated
        In the order given.

    Raises
    ------
    SROIError
        Every problem together: of the arguments; of each model (its own problems,
        located under its place: ``models[1].outcomes[0].deadweight``); two models with
        one name; and each setting in which a model's basis differs from the first
        model's (``models[2].discount_rate``).
    """
    given = _models(models, function)
    chosen = _basis(basis, function)
    problems: list[Problem] = []
    loaded: list[tuple[str, Model]] = []
    for i, item in enumerate(given):
        label = _label(i, item)
        try:
            loaded.append((label, as_model(item)))
        except SROIError as exc:
            problems += [p.at(located(label, p.location)) for p in exc.problems]
    if problems:
        raise error_for(problems, title=_TITLE)
    labels = [label for label, _ in loaded]
    names = [m.name for _, m in loaded]
    seen: dict[str, str] = {}
    for label, m in loaded:
        if m.name in seen:
            problems.append(
                Problem(
                    located(label, "name"),
                    f"is also the name of {seen[m.name]}; each model compared needs its own name",
                    m.name,
                    allowed="a name no other model has",
                )
            )
        seen.setdefault(m.name, label)
    problems += _differences(labels, names, [_settings(m, chosen) for _, m in loaded])
    if problems:
        raise ModelError(problems, title=_TITLE)
    out = []
    for label, m in loaded:
        try:
            result = evaluate(m, **chosen)
        except SROIError as exc:
            problems += [p.at(located(label, p.location)) for p in exc.problems]
            continue
        out.append(Evaluated(m.name, label, result, _overridden(m, chosen)))
    if problems:
        raise error_for(problems, title=_TITLE)
    return out
