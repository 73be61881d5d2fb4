"""The grammar of a model's ``scenarios``: named what-ifs, each a set of changes.

::

    scenarios:
      pessimistic:
        deadweight: "+0.1"          # every outcome: ten percentage points more
        value: "-20%"               # every outcome's value down a fifth
        discount_rate: green_book   # a model-wide setting
        outcomes:
          jobs: {duration: 1}       # one outcome (by id) only

A change is written as in :mod:`sroi.changes`; ``discount_rate`` may also be a schedule
name or a list of yearly rates (:func:`sroi.parsing.parse_discount_rate`). This module
checks what is written; :mod:`sroi.sensitivity.scenarios` evaluates it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic_core import PydanticCustomError

from sroi.changes import PARAMETERS, parse_change
from sroi.errors import ModelError, Problem
from sroi.parsing import kind_of, message_of, parse_discount_rate
from sroi.vocabulary import DISCOUNT_SCHEDULES

__all__ = ["check_scenarios", "unknown_outcome_ids"]

_OUTCOME_PARAMETERS = tuple(n for n, p in PARAMETERS.items() if p.scope == "outcome")


def check_scenarios(value: Any) -> dict[str, dict[str, Any]]:
    """Check named scenarios: ``{name: {parameter: change, outcomes: {id: {...}}}}``.

    Parameters
    ----------
    value : mapping or None
        The scenarios as written; None means none.

    Returns
    -------
    dict
        The scenarios, as written.

    Raises
    ------
    ModelError
        Listing every problem, each located inside the scenarios (``pessimistic.value``).

    Examples
    --------
    >>> check_scenarios({"low": {"deadweight": "+0.1", "outcomes": {"a": {"duration": 1}}}})
    {'low': {'deadweight': '+0.1', 'outcomes': {'a': {'duration': 1}}}}
    >>> check_scenarios({"low": {"dead_weight": "+0.1", "value": "lots"}})
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 2 problems in the model:
      low.dead_weight: is not a parameter; allowed: deadweight, displacement, attribution,
      drop_off, value, quantity, duration, discount_rate, investment, outcomes
      low.value: must be a number (a setting) or a change such as '+0.1', '-0.1', '*0.8',
      '+20%' or '-20%' (got 'lots')
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PydanticCustomError(
            "scenarios",
            "must map scenario names to their changes, not {kind}",
            {"kind": kind_of(value)},
        )
    problems: list[Problem] = []

    def check(where: str, changes: Any, allowed: tuple[str, ...]) -> None:
        if not isinstance(changes, Mapping):
            problems.append(Problem(where, "must map parameters to changes", changes))
            return
        for key, written in changes.items():
            if key == "outcomes" and "outcomes" in allowed:
                if not isinstance(written, Mapping):
                    problems.append(
                        Problem(f"{where}.outcomes", "must map outcome ids to changes", written)
                    )
                    continue
                for oid, inner in written.items():
                    check(f"{where}.outcomes.{oid}", inner, _OUTCOME_PARAMETERS)
                continue
            if key not in allowed:
                problems.append(
                    Problem(f"{where}.{key}", "is not a parameter; allowed: " + ", ".join(allowed))
                )
                continue
            if key == "discount_rate" and isinstance(written, (str, list, tuple)):
                if isinstance(written, str) and written in DISCOUNT_SCHEDULES:
                    continue
                if isinstance(written, (list, tuple)):
                    try:
                        parse_discount_rate(written)
                    except ModelError as exc:
                        problems.append(Problem(f"{where}.{key}", message_of(exc), written))
                    continue
            try:
                parse_change(written, PARAMETERS[key])
            except ValueError as exc:
                problems.append(Problem(f"{where}.{key}", str(exc), written))

    every = (*PARAMETERS, "outcomes")
    for name, changes in value.items():
        if not isinstance(name, str) or not name.strip() or name == "base":
            problems.append(
                Problem(str(name), "a scenario needs a name other than 'base' (the model itself)")
            )
            continue
        check(name, changes, every)
    if problems:
        raise ModelError(problems)
    return {name: dict(changes) for name, changes in value.items()}


def unknown_outcome_ids(scenarios: Mapping[str, Any], known: Iterable[str]) -> list[Problem]:
    """Outcome ids named by scenarios that are not outcomes of the model.

    Examples
    --------
    >>> [str(p) for p in unknown_outcome_ids({"low": {"outcomes": {"job": {}}}}, ["jobs"])]
    ['scenarios.low.outcomes.job: is not an outcome id; ids: jobs']
    """
    ids = set(known)
    problems = []
    for name, changes in scenarios.items():
        named = changes.get("outcomes") if isinstance(changes, Mapping) else None
        if isinstance(named, Mapping):
            for oid in named:
                if oid not in ids:
                    problems.append(
                        Problem(
                            f"scenarios.{name}.outcomes.{oid}",
                            "is not an outcome id; ids: " + ", ".join(sorted(ids)),
                        )
                    )
    return problems
