"""Switching values in time linear in the number of outcomes, with the same answers.

Moving one outcome's setting re-evaluates that outcome alone (its present value is its own;
the others' is read once) instead of the whole model. The reference below is the way it
was done before: every step re-evaluates the whole model through ``Base.moved``. Both must
give the same table (figures to a relative 1e-9, the same rows without a value, the same
reasons) on the existing cases and on generated models, every convention included; and the
number of outcome rows the engine evaluates must grow in proportion to the outcomes.
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import sroi
from sroi.sensitivity import _base, switching, switching_value, switching_values
from tests.conftest import hand_worked, models

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FIGURES = ("base", "switching_value", "change", "relative_change", "ratio_at_value")


def whole_model_evaluator(param, base, index, measure):
    """The reference: every step re-evaluates the whole model."""
    if measure == "setting":
        return lambda x: base.moved(param, index, x).ratio
    current = base.current(param, None)
    if measure == "factor":
        return lambda x: base.moved(param, None, current * x).ratio
    return lambda x: base.moved(param, None, np.clip(current + x, param.low, param.high)).ratio


def reference(function, *args, **kwargs):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(switching, "_evaluator", whole_model_evaluator)
        return function(*args, **kwargs)


def numbers_hidden(reason: object) -> object:
    """A reason with its figures hidden (they are compared as figures, to 1e-9)."""
    return reason if not isinstance(reason, str) else re.sub(r"-?\d[\d.,e+-]*", "#", reason)


def assert_same_table(fast: pd.DataFrame, slow: pd.DataFrame, ratio_scale: float = 1.0) -> None:
    """The same rows and reasons, and figures equal to a relative 1e-9.

    ``ratio_scale`` is the size of the model's ratio: where benefits and disbenefits nearly
    cancel, a ratio near the target is a small difference of large present values, and
    its rounding error scales with them, so ``ratio_at_value`` is compared to 1e-9 of it.
    """
    assert list(fast.columns) == list(slow.columns)
    assert fast[["parameter", "outcome", "measure"]].equals(
        slow[["parameter", "outcome", "measure"]]
    )
    for column in FIGURES:
        a, b = fast[column], slow[column]
        assert (a.isna() == b.isna()).all(), column
        x = a.dropna().to_numpy(dtype=float)
        y = b.dropna().to_numpy(dtype=float)
        floor = max(1.0, ratio_scale) if column == "ratio_at_value" else 1.0
        np.testing.assert_array_less(np.abs(x - y), 1e-9 * np.maximum(floor, np.abs(y)) + 1e-300)
    assert (
        fast["reason"].map(numbers_hidden).tolist() == slow["reason"].map(numbers_hidden).tolist()
    )


def two_outcomes() -> dict:
    m = hand_worked()
    m["outcomes"][0]["id"] = "jobs"
    m["outcomes"].append(
        {
            "id": "health",
            "stakeholder": "NHS",
            "outcome": "Fewer GP visits",
            "quantity": 200,
            "value": 60,
            "duration": 2,
            "deadweight": 0.3,
            "attribution": 0.2,
            "drop_off": 0.5,
        }
    )
    return m


def with_a_disbenefit() -> dict:
    m = two_outcomes()
    m["outcomes"].append(
        {
            "id": "noise",
            "stakeholder": "Neighbours",
            "outcome": "Building noise",
            "quantity": 40,
            "value": -150,
            "duration": 1,
        }
    )
    m["outcomes"].append(
        {
            "id": "none",
            "stakeholder": "b",
            "outcome": "c",
            "quantity": 0,
            "value": 10,
            "duration": 4,
        }
    )
    return m


CASES = {
    "hand-worked": (hand_worked, {}),
    "two outcomes": (two_outcomes, {}),
    "two outcomes, target 1.5": (two_outcomes, {"target_ratio": 1.5}),
    "two outcomes, target 50": (two_outcomes, {"target_ratio": 50.0}),
    "two outcomes, target 1e300": (two_outcomes, {"target_ratio": 1e300}),
    "two outcomes, target -1": (two_outcomes, {"target_ratio": -1.0}),
    "a disbenefit and an outcome worth nothing": (with_a_disbenefit, {}),
    "Green Book schedule": (lambda: {**two_outcomes(), "discount_rate": "green_book"}, {}),
    "quantity 1e17": (
        lambda: {
            **two_outcomes(),
            "outcomes": [{**two_outcomes()["outcomes"][0], "quantity": 1e17}],
            "inputs": [{"stakeholder": "Funder", "amount": 1e20}],
        },
        {},
    ),
    "every convention changed": (
        with_a_disbenefit,
        {
            "conventions": {
                "drop_off_from": "first_year",
                "discount_timing": "mid_year",
                "deductions": "additive",
                "valuation_year": 2,
            }
        },
    ),
    "part years": (
        lambda: {
            **two_outcomes(),
            "outcomes": [{**o, "duration": 2.5} for o in two_outcomes()["outcomes"]],
        },
        {"conventions": {"partial_years": "pro_rata"}},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_same_table_as_the_whole_model_evaluation(case):
    make, kwargs = CASES[case]
    assert_same_table(
        switching_values(make(), **kwargs), reference(switching_values, make(), **kwargs)
    )


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_same_table_for_the_examples(path):
    assert_same_table(switching_values(path), reference(switching_values, path))


def test_one_outcome_moved_in_a_model_with_a_yearly_profile():
    # A profile is carried to the outcome evaluated alone (the other outcome's deadweight
    # is given year by year; quantity, value and duration of the first may still move).
    m = two_outcomes()
    m["outcomes"][1]["deadweight"] = [0.3, 0.6]
    for parameter in ("quantity", "value", "drop_off", "duration", "attribution"):
        for outcome in ("jobs", "health"):
            if parameter == "duration" and outcome == "health":
                continue  # the profile gives 2 years only: refused alike (checked below)
            fast = switching_value(m, parameter, outcome, target_ratio=1.3)
            slow = reference(switching_value, m, parameter, outcome, target_ratio=1.3)
            assert (fast.value is None) == (slow.value is None), (parameter, outcome)
            if fast.value is not None:
                assert fast.value == pytest.approx(slow.value, rel=1e-9, abs=1e-12)
                assert fast.ratio_at_value == pytest.approx(slow.ratio_at_value, rel=1e-9)
            assert numbers_hidden(fast.reason) == numbers_hidden(slow.reason)
    fast = switching_value(m, "duration", "health")
    slow = reference(switching_value, m, "duration", "health")
    assert (fast.value, fast.reason) == (slow.value, slow.reason)


conventions = st.fixed_dictionaries(
    {},
    optional={
        "drop_off_from": st.sampled_from(["second_year", "first_year"]),
        "discount_timing": st.sampled_from(["end_of_year", "mid_year", "start_of_year"]),
        "deductions": st.sampled_from(["multiplicative", "additive"]),
        "valuation_year": st.integers(0, 3),
    },
)


def _cancelling(first: dict) -> dict:
    """A model whose large disbenefit all but cancels its benefits (ratio about -33,500)."""
    return {
        "name": "Generated",
        "discount_rate": 0.0,
        "inputs": [{"stakeholder": "Funder", "amount": 100.0, "year": 0}],
        "outcomes": [
            {"stakeholder": "Tenants", "outcome": "An outcome", "deadweight": 0.25,
             "attribution": 0.0, "drop_off": 0.25, **first},
            {"stakeholder": "Tenants", "outcome": "An outcome", "quantity": 124.0,
             "value": -45289.0, "duration": 1, "start_year": 4, "deadweight": 0.0,
             "displacement": 0.0, "attribution": 0.0, "drop_off": 0.0},
            {"stakeholder": "Tenants", "outcome": "An outcome", "quantity": 677.0,
             "value": 2579.0, "duration": 5, "start_year": 1, "deadweight": 0.5,
             "displacement": 0.3125, "attribution": 0.375, "drop_off": 0.25},
        ],
    }  # fmt: skip


@settings(max_examples=20)
@given(
    model=models(positive=False, max_outcomes=3),
    target=st.one_of(st.floats(0.05, 5.0), st.sampled_from([1.0, 0.0, 2.0])),
    conv=conventions,
    schedule=st.booleans(),
)
# Found by Hypothesis: the present values nearly cancel, so the ratio's rounding error at
# the line's estimate exceeded a check scaled to the target (2), and the fallback search
# could not look past an open range's end: "no quantity in [0, inf] reaches 2", though
# a quantity of 1,654.28 does.
@example(
    model=_cancelling({"quantity": 210.0, "value": 2441.0, "duration": 3, "start_year": 3,
                       "displacement": 0.375}),
    target=2.0, conv={}, schedule=True,
)  # fmt: skip
@example(
    model=_cancelling({"quantity": 210.0, "value": 4882.0, "duration": 3, "start_year": 1,
                       "displacement": 0.5}),
    target=2.0, conv={}, schedule=True,
)  # fmt: skip
# Found by Hypothesis: a disbenefit far larger than the benefits puts the switching values
# at about a million times the settings; the line's estimate missed by a relative 1e-9,
# and a check loosened to accept it gave figures the whole-model search did not.
@example(
    model={
        "name": "Generated",
        "discount_rate": 0.125,
        "inputs": [{"stakeholder": "Funder", "amount": 480.0, "year": 0},
                   {"stakeholder": "Funder", "amount": 107.0, "year": 0}],
        "outcomes": [
            {"stakeholder": "Tenants", "outcome": "An outcome", "quantity": 1.0, "value": 4.0,
             "duration": 4, "start_year": 4, "deadweight": 0.5, "displacement": 0.25,
             "attribution": 0.5, "drop_off": 0.0},
            {"stakeholder": "Tenants", "outcome": "An outcome", "quantity": 1.0, "value": 7.0,
             "duration": 1, "start_year": 1, "deadweight": 0.0, "displacement": 0.0,
             "attribution": 0.25, "drop_off": 0.0},
            {"stakeholder": "Tenants", "outcome": "An outcome", "quantity": 438.0,
             "value": -10950.0, "duration": 1, "start_year": 1, "deadweight": 0.5,
             "displacement": 0.0, "attribution": 0.0, "drop_off": 0.0},
        ],
    },
    target=1.0, conv={}, schedule=False,
)  # fmt: skip
def test_same_table_on_generated_models(model, target, conv, schedule):
    if schedule:
        model = {**model, "discount_rate": "green_book"}
    kwargs = {"target_ratio": target, "conventions": conv}
    try:
        slow = reference(switching_values, copy.deepcopy(model), **kwargs)
    except Exception as exc:  # a model the whole evaluation refuses is refused alike
        with pytest.raises(type(exc)):
            switching_values(model, **kwargs)
        return
    fast = switching_values(model, **kwargs)
    found = fast["switching_value"].notna() & slow["switching_value"].isna()
    for row in fast[found].itertuples():
        # the outcome-alone search finds a value the whole-model one missed (a setting of 0
        # the whole-model search could not grow from): it must truly give the target ratio
        moved = copy.deepcopy(model)
        index = int(str(row.outcome).rsplit("_", 1)[1]) - 1
        moved["outcomes"][index][row.parameter] = row.switching_value
        got = sroi.evaluate(moved, conventions=conv).ratio
        assert got == pytest.approx(target, rel=1e-6), (row.parameter, row.outcome)
    keep = ~found.to_numpy()
    scale = abs(sroi.evaluate(copy.deepcopy(model), conventions=conv).ratio)
    assert_same_table(fast[keep].reset_index(drop=True), slow[keep].reset_index(drop=True), scale)


def rows_evaluated(outcomes: int, monkeypatch) -> int:
    """The outcome rows the engine evaluates for a table of ``outcomes`` outcomes."""
    m = hand_worked()
    m["outcomes"] = [
        {**m["outcomes"][0], "id": f"o{i}", "quantity": 100 + i, "duration": 1 + i % 5}
        for i in range(outcomes)
    ]
    m["inputs"][0]["amount"] = 150_000 * outcomes
    counted = []
    real = _base.compute

    def counting(arrays, *args, **kwargs):
        counted.append(len(arrays))
        return real(arrays, *args, **kwargs)

    monkeypatch.setattr(_base, "compute", counting)
    switching_values(m)
    return sum(counted)


def test_the_work_grows_in_proportion_to_the_outcomes(monkeypatch):
    # Whole-model evaluation per step made the rows evaluated grow with the square of the
    # outcomes (16 times the rows for 4 times the outcomes); now about 4 times.
    small, large = rows_evaluated(5, monkeypatch), rows_evaluated(20, monkeypatch)
    assert large / small < 4.5, (small, large)


def test_an_open_range_is_searched_outwards_when_the_line_does_not_check():
    """The bracketing search steps out into an open range until the sign changes."""
    from types import SimpleNamespace

    from sroi.sensitivity import switching as sw

    param = SimpleNamespace(name="quantity")

    def result(value, reason=None):
        return value

    def line(x):
        return 3.0 * x - 100.0  # reaches 2 at x = 34

    def search(start, lo, hi, target=2.0):
        return sw._bracketed(param, "o", 0, "setting", start, line, target, lo, hi, result)

    assert search(1.0, 0.0, math.inf) == pytest.approx(34.0, rel=1e-12)
    assert search(1_000.0, -math.inf, 1_000.0) == pytest.approx(34.0, rel=1e-12)
    # a target on the far side of the closed end only: none, with the ratio at the ends
    missed = search(1.0, 0.0, math.inf, target=-200.0)
    assert missed.value is None and "-100 at 0" in missed.reason
