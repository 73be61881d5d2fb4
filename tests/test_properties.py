"""Hypothesis properties of the engine: the conventions of docs/method.md hold for any model."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import sroi
from sroi.adjustments import attribution, deadweight, discount_factors, displacement, drop_off
from tests.conftest import fractions, models

pytestmark = pytest.mark.filterwarnings("ignore::sroi.errors.SROIWarning")

values = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False)
DEDUCTIONS = [deadweight, displacement, attribution]


@given(value=values, rate=fractions)
def test_each_deduction_never_increases_magnitude(value, rate):
    for deduction in DEDUCTIONS:
        out = float(deduction(value, rate))
        assert abs(out) <= abs(value)
        assert out * value >= 0  # never flips the sign


@given(value=values)
def test_zero_changes_nothing_and_one_gives_zero(value):
    for deduction in DEDUCTIONS:
        assert float(deduction(value, 0.0)) == value
        assert float(deduction(value, 1.0)) == 0.0
    assert float(drop_off(value, 0.0, 5)) == value
    assert float(drop_off(value, 1.0, 1)) == 0.0
    assert float(drop_off(value, 0.7, 0)) == value  # the first year carries the full impact


@given(
    model=models(),
    which=st.sampled_from(["deadweight", "displacement", "attribution", "drop_off"]),
    bump=st.floats(0.01, 0.4),
)
def test_raising_a_deduction_never_increases_present_value(model, which, bump):
    before = sroi.evaluate(model).present_value
    raised = copy.deepcopy(model)
    for o in raised["outcomes"]:
        o[which] = min(1.0, o[which] + bump)
    assert sroi.evaluate(raised).present_value <= before * (1 + 1e-12)


@given(model=models())
def test_deduction_of_one_removes_the_outcome(model):
    cut = copy.deepcopy(model)
    cut["outcomes"][0]["deadweight"] = 1.0
    rest = copy.deepcopy(model)
    rest["outcomes"][0]["quantity"] = 0.0
    assert sroi.evaluate(cut).present_value == pytest.approx(
        sroi.evaluate(rest).present_value, rel=1e-12, abs=1e-9
    )
    assert sroi.evaluate(cut).by_outcome["present_value"].iloc[0] == 0.0


@given(model=models(), r1=st.floats(0.0, 0.2), dr=st.floats(0.001, 0.2))
def test_present_value_falls_as_the_discount_rate_rises(model, r1, dr):
    low = sroi.evaluate(model, discount_rate=r1).present_value
    high = sroi.evaluate(model, discount_rate=r1 + dr).present_value
    assert high < low


@given(model=models(positive=False), k=st.floats(0.001, 1000.0))
def test_ratio_unchanged_when_all_money_is_scaled(model, k):
    scaled = copy.deepcopy(model)
    for o in scaled["outcomes"]:
        o["value"] *= k
    for i in scaled["inputs"]:
        i["amount"] *= k
    a, b = sroi.evaluate(model), sroi.evaluate(scaled)
    assert b.ratio == pytest.approx(a.ratio, rel=1e-9, abs=1e-12)
    assert b.present_value == pytest.approx(k * a.present_value, rel=1e-9, abs=1e-9)


def outcome_present_value(outcome: dict, rate: float) -> float:
    """An outcome's present value worked from the formula, one year at a time."""
    o = outcome
    first = o["quantity"] * o["value"]
    first *= (1 - o["deadweight"]) * (1 - o["displacement"]) * (1 - o["attribution"])
    s = o["start_year"]
    return sum(
        first * (1 - o["drop_off"]) ** (t - s) / (1 + rate) ** t
        for t in range(s, s + o["duration"])
    )


@given(model=models(positive=False))
def test_model_present_value_is_the_sum_of_its_outcomes(model):
    whole = sroi.evaluate(model)
    parts = [sroi.evaluate({**model, "outcomes": [o]}).present_value for o in model["outcomes"]]
    assert whole.present_value == pytest.approx(sum(parts), rel=1e-9, abs=1e-6)
    # Each row of the impact map is that outcome's own present value, and they add up.
    by_hand = [outcome_present_value(o, model["discount_rate"]) for o in model["outcomes"]]
    rows = whole.by_outcome["present_value"].to_numpy()
    assert rows == pytest.approx(by_hand, rel=1e-9, abs=1e-6)
    assert whole.present_value == pytest.approx(sum(by_hand), rel=1e-9, abs=1e-6)
    assert whole.by_year["present_value"].sum() == pytest.approx(
        whole.present_value, rel=1e-9, abs=1e-6
    )


@given(model=models(positive=False), share=st.floats(0.0, 1.0))
def test_splitting_a_quantity_over_two_identical_rows_changes_nothing(model, share):
    first = model["outcomes"][0]
    split = copy.deepcopy(model)
    a, b = copy.deepcopy(first), copy.deepcopy(first)
    a["quantity"] = first["quantity"] * share
    b["quantity"] = first["quantity"] - a["quantity"]
    split["outcomes"][0:1] = [a, b]
    assert sroi.evaluate(split).present_value == pytest.approx(
        sroi.evaluate(model).present_value, rel=1e-9, abs=1e-6
    )


@given(model=models(positive=False, max_outcomes=1))
def test_delaying_start_year_divides_present_value_by_one_plus_rate(model):
    r = model["discount_rate"]
    later = copy.deepcopy(model)
    later["outcomes"][0]["start_year"] += 1
    assert sroi.evaluate(later).present_value == pytest.approx(
        sroi.evaluate(model).present_value / (1 + r), rel=1e-9, abs=1e-9
    )


@given(model=models(positive=False), d=st.floats(0.0, 1.0))
def test_drop_off_is_irrelevant_when_duration_is_one(model, d):
    one = copy.deepcopy(model)
    for o in one["outcomes"]:
        o["duration"] = 1
    other = copy.deepcopy(one)
    for o in other["outcomes"]:
        o["drop_off"] = d
    assert sroi.evaluate(other).present_value == sroi.evaluate(one).present_value


@given(model=models(positive=False, min_outcomes=2), seed=st.randoms())
def test_outcome_order_does_not_matter(model, seed):
    shuffled = copy.deepcopy(model)
    seed.shuffle(shuffled["outcomes"])
    assume(shuffled["outcomes"] != model["outcomes"])
    a, b = sroi.evaluate(model), sroi.evaluate(shuffled)
    assert b.present_value == pytest.approx(a.present_value, rel=1e-9, abs=1e-6)
    assert b.by_year["impact"].to_numpy() == pytest.approx(a.by_year["impact"].to_numpy())


@given(model=models(positive=False))
def test_evaluate_never_mutates_its_input(model):
    before = copy.deepcopy(model)
    sroi.evaluate(model)
    assert model == before


@given(rate=st.floats(0.0, 0.5), years=st.lists(st.integers(0, 400), min_size=1, max_size=20))
def test_constant_rate_discount_factors_match_closed_form(rate, years):
    got = discount_factors(rate, years)
    assert got == pytest.approx((1 + rate) ** -np.array(years, dtype=float), rel=1e-9)
    # A constant rate given as a one-element schedule is the same thing.
    assert discount_factors([rate], years) == pytest.approx(got, rel=1e-9)


@given(model=models())
def test_discounted_payback_is_where_the_net_value_turns_non_negative_for_good(model):
    r = sroi.evaluate(model)
    t = r.discounted_payback_years
    table = r.by_year
    # the net value each year, worked here from the year table's own columns
    net = np.cumsum(table["present_value"] - table["investment"] * table["discount_factor"])
    scale = r.total_investment + abs(r.present_value)
    if t is None:
        assert net.iloc[-1] < 1e-9 * scale
        assert r.payback_months is None
    else:
        year = int(np.ceil(t))
        assert (net.iloc[year:] >= -1e-9 * scale).all()
        if t > 0:
            assert net.iloc[year - 1] < 1e-9 * scale
        assert r.npv >= -1e-9 * scale
