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

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from sroi.changes import PARAMETERS, parse_change
from sroi.errors import ModelError, Problem, show_names, show_value
from sroi.model.frozen import FrozenDict, freeze
from sroi.parsing import allowed_of, kind_of, message_of, parse_discount_rate
from sroi.vocabulary import DISCOUNT_SCHEDULES

__all__ = ["check_scenarios", "unknown_outcome_ids"]

_OUTCOME_PARAMETERS = tuple(n for n, p in PARAMETERS.items() if p.scope == "outcome")


def _name(key: Any) -> str:
    """A key as it appears in a location: text as it is, anything else shown briefly."""
    if isinstance(key, str):
        return key or "''"
    return show_value(key)


def _bad_text(text: str) -> bool:
    """Whether text cannot be written as UTF-8 (it holds a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_scenarios(value: Any) -> FrozenDict:
    """Check named scenarios: ``{name: {parameter: change, outcomes: {id: {...}}}}``.

    Parameters
    ----------
    value : mapping or None
        The scenarios as written; None means none.

    Returns
    -------
    FrozenDict
        The scenarios as written, copied into read-only mappings and tuples all the way
        down (so changing the mapping given never changes a model).

    Raises
    ------
    ModelError
        Listing every problem, each located inside the scenarios (``pessimistic.value``).

    Examples
    --------
    >>> low = check_scenarios({"low": {"deadweight": "+0.1", "outcomes": {"a": {"duration": 1}}}})
    >>> low
    {'low': {'deadweight': '+0.1', 'outcomes': {'a': {'duration': 1}}}}
    >>> low["low"]["outcomes"]["a"]["duration"] = 2
    Traceback (most recent call last):
    ...
    TypeError: a model's mappings are read-only; build a new model to change one
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
        return FrozenDict()
    if not isinstance(value, Mapping):
        raise ModelError(
            [
                Problem(
                    "",
                    f"must map scenario names to their changes, not {kind_of(value)}",
                    value,
                    allowed="a mapping such as {pessimistic: {deadweight: '+0.1'}}",
                )
            ]
        )
    problems: list[Problem] = []

    def check(where: str, changes: Any, allowed: tuple[str, ...]) -> None:
        if not isinstance(changes, Mapping):
            problems.append(
                Problem(
                    where,
                    "must map parameters to changes",
                    changes,
                    allowed="a mapping such as {deadweight: '+0.1'}",
                )
            )
            return
        for key, written in changes.items():
            at = f"{where}.{_name(key)}"
            if key == "outcomes" and "outcomes" in allowed:
                if not isinstance(written, Mapping):
                    problems.append(
                        Problem(
                            at,
                            "must map outcome ids to changes",
                            written,
                            allowed="a mapping such as {jobs: {duration: 1}}",
                        )
                    )
                    continue
                for oid, inner in written.items():
                    if not isinstance(oid, str) or _bad_text(oid):
                        problems.append(
                            Problem(
                                f"{at}.{_name(oid)}",
                                "must be an outcome id (text)",
                                oid,
                                allowed="one of the model's outcome ids",
                            )
                        )
                        continue
                    check(f"{at}.{oid}", inner, _OUTCOME_PARAMETERS)
                continue
            if key not in allowed:
                problems.append(
                    Problem(
                        at,
                        "is not a parameter; allowed: " + ", ".join(allowed),
                        allowed="one of " + ", ".join(allowed),
                        kind="unknown_field",
                    )
                )
                continue
            if key == "discount_rate" and isinstance(written, (str, list, tuple)):
                if isinstance(written, str) and written in DISCOUNT_SCHEDULES:
                    continue
                if isinstance(written, (list, tuple)):
                    try:
                        parse_discount_rate(written)
                    except ModelError as exc:
                        problems.append(
                            Problem(at, message_of(exc), written, allowed=allowed_of(exc))
                        )
                    continue
            try:
                parse_change(written, PARAMETERS[key])
            except ModelError as exc:
                problems.append(Problem(at, message_of(exc), written, allowed=allowed_of(exc)))

    every = (*PARAMETERS, "outcomes")
    for name, changes in value.items():
        if isinstance(name, str) and _bad_text(name):
            problems.append(
                Problem(
                    _name(name),
                    "a scenario's name must be valid text: it holds a lone surrogate character",
                    name,
                    allowed="text of valid Unicode characters",
                )
            )
            continue
        if not isinstance(name, str) or not name.strip() or name == "base":
            problems.append(
                Problem(
                    _name(name) or "''",
                    "a scenario needs a name other than 'base' (the model itself)",
                    name,
                    allowed="text other than 'base'",
                )
            )
            continue
        check(name, changes, every)
    if problems:
        raise ModelError(problems)
    return freeze(value)


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
                            f"scenarios.{_name(name)}.outcomes.{_name(oid)}",
                            "is not an outcome id; ids: " + show_names(sorted(ids)),
                            allowed="one of the model's outcome ids: " + show_names(sorted(ids)),
                            suggestions=tuple(
                                difflib.get_close_matches(oid, sorted(ids), n=3)
                                if isinstance(oid, str) and len(oid) <= 200
                                else ()
                            ),
                        )
                    )
    return problems
