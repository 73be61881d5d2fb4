"""Named conventions through the whole library: model files, evaluate, results, sensitivity.

The hand case: 100 x £1,000, deadweight 25 %, attribution 10 %, drop-off 10 %, 3 years at
3.5 %, £150,000 at year 0 (PV £171,241.88). Under each convention the arithmetic is
written out here; the engine's own tests check the same cases on arrays.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import sroi
from sroi.conventions import DEFAULT, Conventions
from sroi.errors import ModelError


def hand(**outcome) -> dict:
    return {
        "name": "Employment support",
        "inputs": [{"stakeholder": "Council", "amount": 150_000}],
        "outcomes": [
            {
                "id": "jobs",
                "stakeholder": "Participants",
                "outcome": "Into work",
                "quantity": 100,
                "value": 1_000,
                "duration": 3,
                "deadweight": 0.25,
                "attribution": 0.10,
                "drop_off": 0.10,
                **outcome,
            }
        ],
    }


def pv(*impacts: float, timing: float = 0.0) -> float:
    """Discount year t's impact by 1.035 ** (t - timing)."""
    return sum(x / 1.035 ** (t - timing) for t, x in enumerate(impacts, start=1))


@pytest.mark.parametrize(
    ("conventions", "outcome", "expected", "rounded"),
    [
        ({"drop_off_from": "first_year"}, {}, pv(60_750, 54_675, 49_207.5), 154_117.70),
        ({"partial_years": "pro_rata"}, {"duration": 2.5},
         pv(67_500, 60_750, 27_337.5), 146_585.03),
        ({"discount_timing": "mid_year"}, {}, pv(67_500, 60_750, 54_675, timing=0.5), 174_212.84),
        ({"discount_timing": "start_of_year"}, {},
         pv(67_500, 60_750, 54_675, timing=1), 177_235.35),
        ({"deductions": "additive"}, {}, pv(65_000, 58_500, 52_650), 164_899.59),
        ({}, {"leakage": 0.2}, pv(54_000, 48_600, 43_740), 136_993.51),
        ({}, {"deadweight": [0.15, 0.30, 0.45], "drop_off": 0},
         pv(76_500, 63_000, 49_500), 177_370.38),
    ],
)  # fmt: skip
def test_each_convention_in_a_model_file_and_as_an_argument(
    conventions, outcome, expected, rounded
):
    model = {**hand(**outcome), "conventions": conventions} if conventions else hand(**outcome)
    from_file = sroi.evaluate(model)
    assert from_file.present_value == pytest.approx(expected, rel=1e-13)
    assert round(from_file.present_value, 2) == rounded
    if conventions:
        # the same conventions given to evaluate instead of written in the model
        given = sroi.evaluate(hand(**outcome), conventions=conventions)
        assert given.present_value == from_file.present_value
        used = given.to_dict()["parameters"]["conventions_used"]
        assert {k: used[k] for k in conventions} == conventions


def test_valuation_year_moves_every_present_value_and_keeps_the_ratio():
    r = sroi.evaluate(hand(), conventions={"valuation_year": 3})
    base = sroi.evaluate(hand())
    assert round(r.present_value, 2) == 189_858.94  # 171,241.88 x 1.035 ** 3
    assert round(r.total_investment, 2) == 166_307.68  # 150,000 x 1.035 ** 3
    assert r.ratio == pytest.approx(base.ratio, rel=1e-14)
    assert round(r.ratio, 4) == 1.1416


def test_an_argument_overrides_the_model_file_and_the_result_says_which():
    model = {**hand(), "conventions": {"discount_timing": "mid_year"}}
    assert round(sroi.evaluate(model).present_value, 2) == 174_212.84
    r = sroi.evaluate(model, conventions={"discount_timing": "end_of_year"})
    assert round(r.present_value, 2) == 171_241.88
    described = r.to_dict()["parameters"]["conventions"]
    assert described["discounting"].startswith("end of year")


def test_drop_off_from_the_first_year_for_one_outcome_only():
    model = hand(drop_off_from="first_year")
    second = dict(model["outcomes"][0], id="other", drop_off_from=None)
    model["outcomes"].append(second)
    r = sroi.evaluate(model)
    by_id = dict(zip(r.by_outcome["id"], r.by_outcome["present_value"], strict=True))
    assert round(by_id["jobs"], 2) == 154_117.70
    assert round(by_id["other"], 2) == 171_241.88
    # the model's convention applies to outcomes that do not say
    r = sroi.evaluate({**model, "conventions": {"drop_off_from": "first_year"}})
    assert r.present_value == pytest.approx(2 * pv(60_750, 54_675, 49_207.5), rel=1e-13)


def test_leakage_is_its_own_step_in_the_impact_map():
    r = sroi.evaluate(hand(leakage=0.2))
    row = r.by_outcome.iloc[0]
    assert (row["after_attribution"], row["leakage"], row["after_leakage"]) == (67_500, 0.2, 54_000)
    assert "dw/dp/at/lk/do %" in r.summary()


def test_yearly_lists_must_match_the_duration():
    with pytest.raises(ModelError) as info:
        sroi.evaluate(hand(deadweight=[0.15, 0.30], quantity=[100, 90, 80, 70]))
    problems = {p.location: p.message for p in info.value.problems}
    assert problems == {
        "outcomes[0].deadweight": "gives 2 yearly values; the outcome lasts 3 years, so give 3",
        "outcomes[0].quantity": "gives 4 yearly values; the outcome lasts 3 years, so give 3",
    }
    with pytest.raises(ModelError) as info:
        sroi.evaluate(hand(attribution=[0.1, 1.5, 0.1]))
    (problem,) = info.value.problems
    assert problem.location == "outcomes[0].attribution"
    assert problem.message.startswith("year 2 of the yearly values must be a fraction")


def test_a_part_year_needs_the_convention():
    with pytest.raises(ModelError) as info:
        sroi.evaluate(hand(duration=2.5))
    (problem,) = info.value.problems
    assert problem.location == "outcomes[0].duration"
    assert "partial_years: pro_rata" in problem.message


def test_convention_typos_are_located_with_every_other_problem():
    model = {**hand(deadweight=2), "conventions": {"discount_timing": "midyear", "dropoff": 1}}
    with pytest.raises(ModelError) as info:
        sroi.evaluate(model)
    locations = sorted(p.location for p in info.value.problems)
    assert locations == [
        "conventions.discount_timing",
        "conventions.dropoff",
        "outcomes[0].deadweight",
    ]
    with pytest.raises(ModelError) as info:
        sroi.evaluate(hand(), conventions={"deductions": "added"})
    assert info.value.problems[0].location == "conventions.deductions"


def test_conventions_and_yearly_lists_survive_a_round_trip(tmp_path):
    model = sroi.Model.from_dict(
        {
            **hand(deadweight=[0.15, 0.30, 0.45], leakage=0.2, drop_off_from="first_year"),
            "conventions": {"discount_timing": "mid_year", "valuation_year": 2},
        }
    )
    assert model.conventions == Conventions(discount_timing="mid_year", valuation_year=2)
    data = json.loads(json.dumps(model.to_dict()))
    assert data["conventions"]["discount_timing"] == "mid_year"
    assert data["outcomes"][0]["deadweight"] == [0.15, 0.30, 0.45]
    assert sroi.Model.from_dict(data) == model
    for name in ("m.yaml", "m.json"):
        assert sroi.read_model(sroi.write_model(model, tmp_path / name)) == model
    # a model without a conventions block writes none
    assert "conventions" not in sroi.Model.from_dict(hand()).to_dict()


def test_sensitivity_and_monte_carlo_keep_the_conventions():
    from sroi.sensitivity import compare_scenarios, one_way, simulate

    conventions = {"discount_timing": "mid_year"}
    model = {**hand(), "conventions": conventions}
    r = sroi.evaluate(model)
    table = one_way(model, "deadweight", [0.25])
    assert table["ratio"].iloc[0] == pytest.approx(r.ratio, rel=1e-15)
    # moving the discount rate keeps the mid-year timing: 3.5 % gives the model's ratio
    rate = one_way(model, "discount_rate", [0.035])
    assert rate["ratio"].iloc[0] == pytest.approx(r.ratio, rel=1e-15)
    assert compare_scenarios(model).loc["base", "ratio"] == r.ratio
    sim = simulate(model, 3, seed=0)
    assert sim.ratio.tolist() == pytest.approx([r.ratio] * 3, rel=1e-15)


def test_sensitivity_of_a_yearly_figure_says_it_is_not_supported():
    from sroi.sensitivity import one_way

    model = hand(deadweight=[0.15, 0.30, 0.45])
    with pytest.raises(ModelError, match="given year by year"):
        one_way(model, "deadweight", [0.2])
    # other figures can still be moved
    assert len(one_way(model, "attribution", [0.2])) == 1


def test_defaults_are_the_method_and_change_nothing():
    assert Conventions.parse(None) is DEFAULT and DEFAULT.is_default
    plain = sroi.evaluate(hand())
    named = sroi.evaluate(hand(), conventions=DEFAULT.to_dict())
    assert named.present_value == plain.present_value
    assert named.by_year.equals(plain.by_year)


def test_the_payback_says_what_it_assumed():
    # a disbenefit in year 1, benefits from year 2: the Guide's formula reads year 2
    model = hand(quantity=1, value=1_000, duration=3, deadweight=0, attribution=0, drop_off=0)
    model["inputs"][0]["amount"] = 1_500
    model["outcomes"].append(
        {"stakeholder": "Neighbours", "outcome": "Noise", "quantity": 1, "value": -1_100,
         "duration": 1}
    )  # fmt: skip
    r = sroi.evaluate(model, discount_rate=0)
    assert (r.payback_year, r.payback_months) == (2, 18.0)  # 1,500 / (1,000 / 12)
    assert "18.0 months (at year 2's impact a year)" in r.summary()
    assert r.to_dict()["parameters"]["payback_basis"] == {"year": 2, "annual_impact": 1_000.0}


def test_monte_carlo_draws_other_figures_of_a_model_with_a_yearly_profile():
    model = {
        "name": "Profiles and draws",
        "inputs": [{"stakeholder": "Council", "amount": 1_000}],
        "outcomes": [
            {"id": "a", "stakeholder": "P", "outcome": "Work", "quantity": 1, "value": 1_000,
             "duration": 2, "deadweight": [0.1, 0.2],
             "attribution": {"distribution": "uniform", "low": 0.0, "high": 0.5}},
            {"id": "b", "stakeholder": "P", "outcome": "Calm", "quantity": 1, "value": 100,
             "duration": 1},
        ],
    }  # fmt: skip
    sim = sroi.sensitivity.simulate(model, 400, seed=3)
    # outcome a: 1,000 x (1 - 0.1) x (1 - attribution) in year 1, x (1 - 0.2) in year 2;
    # outcome b: 100 in year 1; both discounted at 3.5 %. So each draw's present value is
    # A x (1 - attribution) + B, with attribution drawn from 0 to 0.5.
    a, b = 900 / 1.035 + 800 / 1.035**2, 100 / 1.035
    kept = (np.asarray(sim.present_value) - b) / a  # 1 - attribution, draw by draw
    assert kept.min() >= 0.5 - 1e-12 and kept.max() <= 1 + 1e-12
    assert abs(kept.mean() - 0.75) < 0.05 and kept.std() > 0.1
    assert np.allclose(np.asarray(sim.ratio), np.asarray(sim.present_value) / 1_000, rtol=1e-12)


def test_the_large_deductions_warning_follows_the_deductions_convention():
    model = {
        "name": "Heavy deductions",
        "inputs": [{"stakeholder": "Council", "amount": 1_000}],
        "outcomes": [{"stakeholder": "P", "outcome": "Work", "quantity": 1, "value": 1_000,
                      "duration": 1, "deadweight": 0.5, "attribution": 0.45}],
    }  # fmt: skip
    # multiplicative: 1 - 0.5 x 0.55 = 72.5 % removed, under 90 %: no warning
    assert not sroi.evaluate(model).warnings
    # additive: 0.5 + 0.45 = 95 % removed: warned, as the claims check finds too
    additive = sroi.evaluate(model, conventions={"deductions": "additive"})
    [warning] = additive.warnings
    assert warning.location == "outcomes[0]" and "95.0%" in warning.message
