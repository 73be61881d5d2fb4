"""Sensitivity and uncertainty, checked against independent arithmetic and sroi.evaluate."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sroi
from sroi import ModelError
from sroi.changes import PARAMETERS, parse_change
from sroi.sensitivity import (
    compare_forecast,
    compare_scenarios,
    one_way,
    simulate,
    switching_value,
    switching_values,
    tornado,
)
from tests.conftest import hand_worked, models

pytestmark = pytest.mark.filterwarnings("ignore::sroi.errors.SROIWarning")


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


def with_setting(model: dict, parameter: str, outcome: str | None, x) -> dict:
    """The model changed by hand, for sroi.evaluate to check the fast paths against."""
    m = copy.deepcopy(model)
    if parameter == "discount_rate":
        m["discount_rate"] = x
    elif parameter == "investment":
        total = sum(i["amount"] for i in m["inputs"])
        for i in m["inputs"]:
            i["amount"] *= x / total
    else:
        for o in m["outcomes"]:
            if outcome is None or o.get("id") == outcome:
                o[parameter] = x
    return m


# ----------------------------------------------------------------------------- changes


@pytest.mark.parametrize(
    ("written", "base", "expected"),
    [
        (0.4, 0.25, 0.4),
        ("+0.1", 0.25, 0.35),
        ("-0.1", 0.25, 0.15),
        ("*0.8", 0.25, 0.2),
        ("+20%", 0.25, 0.3),
        ("-20%", 0.25, 0.2),
        ("+0.1", 0.95, 1.0),
        ("-0.5", 0.25, 0.0),
    ],
)
def test_changes(written, base, expected):
    assert float(parse_change(written).apply(base, PARAMETERS["deadweight"])) == pytest.approx(
        expected
    )


def test_duration_changes_round_to_whole_years():
    assert float(parse_change("*1.5").apply(3, PARAMETERS["duration"])) == 5.0  # 4.5 -> 5
    assert float(parse_change("-5").apply(3, PARAMETERS["duration"])) == 1.0


@pytest.mark.parametrize("bad", ["x2", "20%", "*20%", True, float("nan"), "+"])
def test_bad_changes(bad):
    with pytest.raises(ValueError, match="must be"):
        parse_change(bad)


# ----------------------------------------------------------------------------- one-way


def test_one_way_deadweight_by_hand():
    # PV is proportional to (1 - deadweight): 171,241.88 x (1 - x) / 0.75.
    t = one_way(hand_worked(), "deadweight", [0.0, 0.25, 0.5, 1.0])
    pv = 171_241.8837840
    assert t["present_value"].tolist() == pytest.approx([pv / 0.75, pv, pv * 0.5 / 0.75, 0.0])
    assert t["ratio"].tolist() == pytest.approx(
        [pv / 0.75 / 150_000, pv / 150_000, pv / 0.75 * 0.5 / 150_000, 0]
    )
    assert t["npv"].tolist() == pytest.approx((t["present_value"] - 150_000).tolist())


def test_one_way_relative_on_every_outcome_matches_evaluate():
    m = two_outcomes()
    t = one_way(m, "value", relative=[-0.2, 0.0, 0.1])
    for r, pv in zip([-0.2, 0.0, 0.1], t["present_value"], strict=True):
        scaled = copy.deepcopy(m)
        for o in scaled["outcomes"]:
            o["value"] *= 1 + r
        assert pv == pytest.approx(sroi.evaluate(scaled).present_value, rel=1e-12)
    assert t["setting"].isna().all() and t["outcome"].eq("all").all()


@pytest.mark.parametrize(
    ("parameter", "outcome", "values"),
    [
        ("quantity", "health", [0, 100, 400]),
        ("duration", "jobs", [1, 5]),
        ("drop_off", None, [0.0, 0.3]),
        ("discount_rate", None, [0.0, 0.035, 0.1]),
        ("investment", None, [100_000, 300_000]),
    ],
)
def test_one_way_settings_match_evaluate(parameter, outcome, values):
    m = two_outcomes()
    t = one_way(m, parameter, values, outcome=outcome)
    for x, ratio in zip(values, t["ratio"], strict=True):
        assert ratio == pytest.approx(
            sroi.evaluate(with_setting(m, parameter, outcome, x)).ratio, rel=1e-12
        )


def test_one_way_errors():
    with pytest.raises(ModelError, match="did you mean 'deadweight'"):
        one_way(hand_worked(), "dead_weight")
    with pytest.raises(ModelError, match="not an outcome id"):
        one_way(two_outcomes(), "deadweight", [0.1], outcome="job")
    with pytest.raises(ModelError, match="each has its own"):
        one_way(two_outcomes(), "value", [100])
    with pytest.raises(ModelError, match="between 0 and 1"):
        one_way(hand_worked(), "deadweight", [1.5])


# ----------------------------------------------------------------------------- switching


@pytest.mark.parametrize(
    ("parameter", "outcome"),
    [
        ("deadweight", "jobs"),
        ("attribution", "jobs"),
        ("displacement", "jobs"),
        ("value", "jobs"),
        ("quantity", "jobs"),
        ("drop_off", "jobs"),
        ("discount_rate", None),
        ("investment", None),
    ],
)
@pytest.mark.parametrize("target", [1.0, 1.05])
def test_re_evaluating_at_the_switching_value_gives_the_target(parameter, outcome, target):
    m = two_outcomes()
    sv = switching_value(m, parameter, outcome, target_ratio=target)
    assert sv.value is not None, sv.reason
    assert sroi.evaluate(with_setting(m, parameter, outcome, sv.value)).ratio == pytest.approx(
        target, abs=1e-9
    )
    assert sv.ratio_at_value == pytest.approx(target, abs=1e-9)


def test_switching_value_of_deadweight_by_hand():
    # ratio = 1.1416126 x (1 - dw) / 0.75 = 1  =>  dw = 1 - 0.75 / 1.1416126 = 0.34303
    sv = switching_value(hand_worked(), "deadweight", None)
    assert sv.measure == "shift"
    base = 171_241.8837840 / 150_000
    assert 0.25 + sv.value == pytest.approx(1 - 0.75 / base, rel=1e-9)


def test_switching_value_for_every_outcome_together():
    m = two_outcomes()
    sv = switching_value(m, "value", None)
    assert sv.measure == "factor" and sv.base == 1.0
    scaled = copy.deepcopy(m)
    for o in scaled["outcomes"]:
        o["value"] *= sv.value
    assert sroi.evaluate(scaled).ratio == pytest.approx(1.0, abs=1e-9)
    shift = switching_value(m, "attribution", None)
    shifted = copy.deepcopy(m)
    for o in shifted["outcomes"]:
        o["attribution"] = min(1.0, o["attribution"] + shift.value)
    assert sroi.evaluate(shifted).ratio == pytest.approx(1.0, abs=1e-9)


def test_no_switching_value_in_range_returns_none_with_a_reason():
    # A big outcome keeps the ratio far above 1 whatever the small one's deadweight is.
    m = two_outcomes()
    m["outcomes"][0]["quantity"] = 1_000  # ratio about 11
    sv = switching_value(m, "deadweight", "health")
    assert sv.value is None and sv.change is None
    assert "no deadweight in [0, 1] reaches a ratio of 1" in sv.reason
    assert "at 1 the ratio is 11.4" in sv.reason
    rate = switching_value(m, "drop_off", "health")
    assert rate.value is None and "no drop_off in [0, 1]" in rate.reason


def test_switching_value_for_whole_years():
    # Three years give 1.14; two years give (65,217.39 + 56,711.94) / 150,000 = 0.81.
    sv = switching_value(hand_worked(), "duration", None)
    assert sv.value == -1.0 and "whole years" in sv.reason
    assert sv.ratio_at_value == pytest.approx((67_500 / 1.035 + 60_750 / 1.035**2) / 150_000)


def test_switching_value_with_a_schedule_says_why():
    m = {**hand_worked(), "discount_rate": "green_book"}
    sv = switching_value(m, "discount_rate")
    assert sv.value is None and "schedule" in sv.reason


def test_switching_values_table():
    t = switching_values(two_outcomes())
    assert len(t) == 2 * 7 + 2
    found = t.dropna(subset=["switching_value"])
    assert set(found["parameter"]) >= {"deadweight", "value", "quantity", "investment"}
    inv = t.set_index("parameter").loc["investment"]
    assert inv["switching_value"] == pytest.approx(sroi.evaluate(two_outcomes()).present_value)


@settings(max_examples=40, deadline=None)
@given(model=models(), target=st.floats(0.2, 3.0))
def test_switching_value_property(model, target):
    for o in model["outcomes"]:
        o["id"] = None
    sv = switching_value(model, "attribution", None, target_ratio=target)
    if sv.value is not None:
        moved = copy.deepcopy(model)
        for o in moved["outcomes"]:
            o["attribution"] = min(1.0, max(0.0, o["attribution"] + sv.value))
        assert sroi.evaluate(moved).ratio == pytest.approx(target, abs=1e-9)
    else:
        assert sv.reason


# ----------------------------------------------------------------------------- tornado


def test_tornado_sorted_by_swing_and_matches_evaluate():
    m = two_outcomes()
    t = tornado(
        m,
        {
            "deadweight": ("-0.1", "+0.1"),
            ("value", "health"): ("-50%", "+50%"),
            "discount_rate": (0.0, 0.07),
        },
    )
    assert t["swing"].is_monotonic_decreasing
    row = t.set_index("parameter").loc["discount_rate"]
    assert row["ratio_low"] == pytest.approx(sroi.evaluate(m, discount_rate=0.0).ratio)
    assert row["ratio_high"] == pytest.approx(sroi.evaluate(m, discount_rate=0.07).ratio)
    health = t.set_index("parameter").loc["value"]
    halved = copy.deepcopy(m)
    halved["outcomes"][1]["value"] = 30
    assert health["ratio_low"] == pytest.approx(sroi.evaluate(halved).ratio)
    assert health["outcome"] == "health"
    assert (t["base_ratio"] == sroi.evaluate(m).ratio).all()


# ----------------------------------------------------------------------------- scenarios


def test_scenarios_by_hand_and_from_the_model_file():
    m = two_outcomes()
    m["scenarios"] = {
        "pessimistic": {
            "deadweight": "+0.1",
            "value": "-20%",
            "outcomes": {"jobs": {"duration": 2}},
        },
        "dearer": {"investment": "*1.5", "discount_rate": 0.05},
    }
    t = compare_scenarios(m)
    assert list(t.index) == ["base", "pessimistic", "dearer"]
    by_hand = copy.deepcopy(m)
    for o in by_hand["outcomes"]:
        o["deadweight"] += 0.1
        o["value"] *= 0.8
    by_hand["outcomes"][0]["duration"] = 2
    assert t.loc["pessimistic", "ratio"] == pytest.approx(sroi.evaluate(by_hand).ratio, rel=1e-12)
    dearer = copy.deepcopy(m)
    dearer["inputs"][0]["amount"] *= 1.5
    assert t.loc["dearer", "ratio"] == pytest.approx(
        sroi.evaluate(dearer, discount_rate=0.05).ratio, rel=1e-12
    )
    assert t.loc["base", "ratio"] == pytest.approx(sroi.evaluate(m).ratio)
    # The same scenarios given as an argument; a bad one is a located error.
    assert compare_scenarios(two_outcomes(), m["scenarios"]).equals(t)
    with pytest.raises(ModelError) as info:
        compare_scenarios(two_outcomes(), {"x": {"deadweight": "twice"}})
    assert info.value.locations == ["scenarios.x.deadweight"]


def test_forecast_against_actual():
    forecast = two_outcomes()
    actual = copy.deepcopy(forecast)
    actual["outcomes"][0]["quantity"] = 80  # fewer into work than forecast
    actual["outcomes"][1]["duration"] = 1
    actual["outcomes"].append(
        {
            "id": "confidence",
            "stakeholder": "Residents",
            "outcome": "More confident",
            "quantity": 10,
            "value": 100,
            "duration": 1,
        }
    )
    c = compare_forecast(forecast, actual)
    t = c.by_outcome.set_index("id")
    assert t.loc["jobs", "quantity_forecast"] == 100 and t.loc["jobs", "quantity_actual"] == 80
    assert t.loc["jobs", "actual_share_of_forecast"] == pytest.approx(0.8)
    assert t.loc["confidence", "status"] == "actual only"
    assert t["present_value_difference"].sum() == pytest.approx(
        c.actual.present_value - c.forecast.present_value
    )
    assert c.headline.loc["actual", "ratio"] == pytest.approx(sroi.evaluate(actual).ratio)
    with pytest.raises(ModelError, match="price_year"):
        compare_forecast(forecast, {**actual, "price_year": 2020})


# ----------------------------------------------------------------------------- Monte Carlo


def uncertain_model(**distributions) -> dict:
    m = two_outcomes()
    for key, spec in distributions.items():
        where, name = key.split("__")
        if where == "input":
            m["inputs"][0][name] = spec
        else:
            m["outcomes"][int(where[1:])][name] = spec
    return m


def test_degenerate_distributions_equal_the_deterministic_result_exactly():
    m = uncertain_model(
        o0__deadweight={"distribution": "triangular", "low": 0.25, "mode": 0.25, "high": 0.25},
        o0__value={"distribution": "uniform", "low": 1_000, "high": 1_000},
        o1__drop_off={"distribution": "pert", "low": 0.5, "mode": 0.5, "high": 0.5},
        o1__quantity={"distribution": "normal", "mean": 200, "sd": 0},
        input__amount={"distribution": "uniform", "low": 150_000, "high": 150_000},
    )
    r = sroi.evaluate(two_outcomes())
    for chunk in (None, 7):
        sim = simulate(m, 50, seed=3, chunk_size=chunk)
        assert (sim.present_value == r.present_value).all()
        assert (sim.total_investment == r.total_investment).all()
        assert (sim.ratio == r.ratio).all()


def test_same_seed_same_draws_whatever_the_chunk_size():
    m = uncertain_model(
        o0__deadweight={"distribution": "beta", "alpha": 2, "beta": 5},
        o1__drop_off={"distribution": "uniform", "low": 0.2, "high": 0.8},
        o1__value={"distribution": "normal", "mean": 60, "sd": 20, "low": 0},
        input__amount={"distribution": "pert", "low": 140_000, "mode": 150_000, "high": 180_000},
    )
    a = simulate(m, 1_000, seed=11)
    b = simulate(m, 1_000, seed=11, chunk_size=37)
    c = simulate(m, 1_000, seed=12)
    assert np.array_equal(a.present_value, b.present_value)
    assert np.array_equal(a.total_investment, b.total_investment)
    assert not np.array_equal(a.present_value, c.present_value)


def test_draws_match_evaluate_draw_by_draw():
    # Recompute a few draws with sroi.evaluate, from the sampled figures themselves.
    from sroi.distributions import Triangular

    m = uncertain_model(
        o0__deadweight={"distribution": "triangular", "low": 0.1, "mode": 0.25, "high": 0.4}
    )
    sim = simulate(m, 5, seed=5)
    # block 0 of the draws, stream 0 of the block (the one uncertain figure)
    rng = np.random.default_rng(np.random.SeedSequence(5).spawn(1)[0].spawn(1)[0])
    draws = Triangular(0.1, 0.25, 0.4).sample(rng, 5)
    for dw, pv in zip(draws, sim.present_value, strict=True):
        m2 = two_outcomes()
        m2["outcomes"][0]["deadweight"] = float(dw)
        assert pv == pytest.approx(sroi.evaluate(m2).present_value, rel=1e-12)


@pytest.mark.parametrize(
    ("spec", "analytic_mean"),
    [
        ({"distribution": "triangular", "low": 600, "mode": 1_000, "high": 1_100}, 2_700 / 3),
        (
            {"distribution": "pert", "low": 600, "mode": 1_000, "high": 1_100},
            (600 + 4_000 + 1_100) / 6,
        ),
        ({"distribution": "uniform", "low": 800, "high": 1_300}, 1_050),
        ({"distribution": "beta", "alpha": 2, "beta": 3, "low": 500, "high": 1_500}, 900),
        ({"distribution": "normal", "mean": 1_000, "sd": 400, "low": 0}, None),
    ],
)
def test_simulated_mean_within_three_standard_errors(spec, analytic_mean):
    if analytic_mean is None:  # truncated normal: scipy's own mean, an independent formula
        from scipy.stats import truncnorm

        analytic_mean = truncnorm.mean((0 - 1_000) / 400, np.inf, loc=1_000, scale=400)
    m = uncertain_model(o0__value=spec)
    sim = simulate(m, 20_000, seed=2024)
    # PV is linear in the jobs outcome's value: PV = PV_other + k * value.
    det = sroi.evaluate(two_outcomes())
    k = det.by_outcome.loc[0, "present_value"] / 1_000
    other = det.present_value - det.by_outcome.loc[0, "present_value"]
    expected = (other + k * analytic_mean) / det.total_investment
    se = sim.ratio.std(ddof=1) / math.sqrt(sim.n)
    assert abs(sim.ratio.mean() - expected) < 3 * se
    assert sroi.evaluate(m).by_outcome.loc[0, "value"] == pytest.approx(
        spec.get("mode", analytic_mean)
    )


def test_summary_and_probability():
    m = uncertain_model(o0__deadweight={"distribution": "uniform", "low": 0.0, "high": 0.6})
    sim = simulate(m, 4_000, seed=1)
    s = sim.summary()
    assert s.loc["ratio", "p5"] < s.loc["ratio", "median"] < s.loc["ratio", "p95"]
    # Worked independently: PV is linear in the jobs outcome's deadweight dw ~ U(0, 0.6),
    # PV = A (1 - dw) + B, with A the jobs outcome with no deadweight and B the GP visits.
    a = 100 * 1_000 * (1 - 0.1) * (1 / 1.035 + 0.9 / 1.035**2 + 0.81 / 1.035**3)
    b = 200 * 60 * (1 - 0.3) * (1 - 0.2) * (1 / 1.035 + 0.5 / 1.035**2)
    mean_npv = a * (1 - 0.3) + b - 150_000  # E[dw] = 0.3
    sd_npv = a * 0.6 / math.sqrt(12)  # the sd of U(0, 0.6), scaled by A
    assert abs(s.loc["npv", "mean"] - mean_npv) < 3 * sd_npv / math.sqrt(4_000)
    # ratio > 1 exactly when dw < 1 - (150,000 - B) / A, a share p of [0, 0.6].
    p = (1 - (150_000 - b) / a) / 0.6
    assert abs(sim.probability_ratio_above(1.0) - p) < 3 * math.sqrt(p * (1 - p) / 4_000)
    d = sim.to_dict()
    assert d["uncertain_figures"] == ["outcomes[0].deadweight"] and d["draws"] == 4_000
    assert "P(ratio > 1)" in repr(sim)


def test_evaluate_uses_the_central_value_and_says_so():
    m = uncertain_model(
        o0__deadweight={"distribution": "triangular", "low": 0.1, "mode": 0.3, "high": 0.4},
        o1__quantity={"distribution": "uniform", "low": 100, "high": 300},
    )
    r = sroi.evaluate(m)
    # The figures work as their central values (and still carry their distributions).
    assert float(r.model.outcomes[0].deadweight) == 0.3
    assert float(r.model.outcomes[1].quantity) == 200
    assert r.by_outcome.loc[0, "deadweight"] == 0.3
    used = r.to_dict()["parameters"]["uncertain_figures"]
    assert used[0] == {
        "location": "outcomes[0].deadweight",
        "distribution": {"distribution": "triangular", "low": 0.1, "mode": 0.3, "high": 0.4},
        "value_used": 0.3,
        "value_used_is": "mode",
    }
    assert used[1]["value_used_is"] == "mean"


@pytest.mark.parametrize(
    ("field", "spec", "says"),
    [
        (
            "deadweight",
            {"distribution": "uniform", "low": 0.4, "high": 0.1},
            "high: must be at least low",
        ),
        ("attribution", {"distribution": "beta", "alpha": 0, "beta": 2}, "alpha: must be above 0"),
        ("attribution", {"distribution": "beta", "alpha": 2, "beta": -1}, "beta: must be above 0"),
        (
            "deadweight",
            {"distribution": "triangular", "low": 0.1, "mode": 0.2, "high": 1.2},
            "range [0, 1]",
        ),
        ("quantity", {"distribution": "normal", "mean": 10, "sd": -1}, "sd: must not be negative"),
        ("value", {"distribution": "gamma", "low": 1}, "distribution: must be one of"),
        ("value", {"distribution": "uniform", "low": 1}, "high: is required"),
        (
            "drop_off",
            {"distribution": "uniform", "low": 0.1, "high": 0.2, "mode": 0.1},
            "mode: is not a parameter",
        ),
    ],
)
def test_bad_distributions_are_located_model_errors(field, spec, says):
    m = hand_worked()
    m["outcomes"][0][field] = spec
    with pytest.raises(ModelError) as info:
        sroi.evaluate(m)
    assert info.value.locations == [f"outcomes[0].{field}"]
    assert says in str(info.value)


def test_simulate_argument_errors():
    with pytest.raises(ModelError, match="n: must be a whole number"):
        simulate(hand_worked(), 0)
    with pytest.raises(ModelError, match="seed"):
        simulate(hand_worked(), 10, seed=1.5)


def test_a_value_may_fall_to_zero_but_not_change_sign():
    # Without the small outcome the ratio is still above 1, so no non-negative value of it
    # brings the ratio down to 1 (a negative one would, but a benefit is not a cost).
    m = two_outcomes()
    m["outcomes"][0]["quantity"] = 1_000
    sv = switching_value(m, "value", "health")
    assert sv.value is None and "no value in [0, inf]" in sv.reason
    assert tornado(m, {"deadweight": (0.0, 0.5)})["outcome"].tolist() == [None]


def test_relative_discount_rate_changes_in_scenarios():
    m = {
        **hand_worked(),
        "scenarios": {"up": {"discount_rate": "+0.01"}, "x2": {"discount_rate": "*2"}},
    }
    t = compare_scenarios(m)
    assert t.loc["up", "ratio"] == pytest.approx(sroi.evaluate(m, discount_rate=0.045).ratio)
    assert t.loc["x2", "ratio"] == pytest.approx(sroi.evaluate(m, discount_rate=0.07).ratio)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: one_way(m, "investment", relative=[-1.0]),
        lambda m: one_way(m, "investment", [0]),
        lambda m: tornado(m, {"investment": (0, 2_000)}),
        lambda m: compare_scenarios({**m, "scenarios": {"free": {"investment": "-100%"}}}),
    ],
)
def test_a_zero_investment_is_an_error_in_sensitivity_too(call):
    with pytest.raises(ModelError, match="investment"):
        call(hand_worked())


# ----------------------------------------------------------------------------- issue 9:
# every bad argument a located ModelError; no NaN or infinity in any output

HUGE_CHANGE = "*" + "9" * 400


def located(info, location: str, function: str) -> None:
    """The error is about ``function``'s arguments and names ``location``."""
    assert isinstance(info.value, sroi.SROIError)
    assert location in info.value.locations, info.value.locations
    assert f"{function}()" in str(info.value)


def test_simulate_seed_minus_one_is_a_located_model_error():
    with pytest.raises(ModelError) as info:
        simulate(hand_worked(), 10, seed=-1)
    located(info, "seed", "simulate")
    assert ">= 0" in str(info.value)


@pytest.mark.parametrize("n", [10**20, 10**400, 10_000_001, 0, -5, 2.5, "10", None])
def test_simulate_n_10_to_the_20_is_refused_before_any_work(n):
    from sroi.sensitivity.monte_carlo import MAX_DRAWS

    with pytest.raises(ModelError) as info:
        simulate(hand_worked(), n)
    located(info, "n", "simulate")
    assert f"{MAX_DRAWS:,}" in str(info.value)


def test_simulate_limits_can_be_raised_and_chunks_stay_bounded(monkeypatch):
    from sroi.sensitivity import monte_carlo

    m = hand_worked()
    m["outcomes"][0]["deadweight"] = {"distribution": "uniform", "low": 0.1, "high": 0.4}
    with pytest.raises(ModelError, match="max_draws"):
        simulate(m, 101, seed=1, max_draws=100)
    assert simulate(m, 101, seed=1, max_draws=101).n == 101
    # A chunk_size beyond the cell limit is reduced to fit; the draws do not change.
    monkeypatch.setattr(monte_carlo, "MAX_CHUNK_CELLS", 7)
    small = simulate(m, 50, seed=3, chunk_size=10**12)
    assert np.array_equal(small.ratio, simulate(m, 50, seed=3, chunk_size=50).ratio)


@pytest.mark.parametrize("function", [switching_value, switching_values])
@pytest.mark.parametrize("target", [math.nan, math.inf, "1", None, 10**400, True, [1.0]])
def test_switching_values_with_a_nan_string_none_or_huge_target_are_located_errors(
    function, target
):
    m = two_outcomes()
    with pytest.raises(ModelError) as info:
        if function is switching_value:
            function(m, "deadweight", "jobs", target_ratio=target)
        else:
            function(m, target_ratio=target)
    located(info, "target_ratio", function.__name__)


@pytest.mark.parametrize("field", ["quantity", "value"])
def test_switching_value_divided_by_zero_for_1e17(field):
    # A probe one unit from a setting of 1e17 is the setting itself (1e17 + 1 == 1e17):
    # the line through the two evaluations divided 0 by 0. The probe now moves by half.
    m = two_outcomes()
    m["outcomes"][0][field] = 1e17
    m["inputs"][0]["amount"] = 1e17 * (1_000 if field == "quantity" else 100)
    sv = switching_value(m, field, "jobs")
    assert sv.value is not None and math.isfinite(sv.value)
    assert sv.ratio_at_value == pytest.approx(1.0, rel=1e-9)
    table = switching_values(m)
    assert table["reason"].notna().sum() + table["switching_value"].notna().sum() >= len(table)


@pytest.mark.parametrize("target", [1e17, 1e300, 1.7e308, 5e-324, -1e300])
def test_switching_values_for_extreme_targets_are_finite_or_none_with_a_reason(target):
    table = switching_values(two_outcomes(), target_ratio=target)
    for row in table.to_dict("records"):
        for column in ("base", "switching_value", "change", "relative_change", "ratio_at_value"):
            assert row[column] is None or math.isfinite(row[column]), (column, row)
        if row["switching_value"] is None:
            assert row["reason"]


def test_one_way_with_a_bare_number_for_values_is_a_located_error():
    with pytest.raises(ModelError) as info:
        one_way(hand_worked(), "deadweight", 0.5)
    located(info, "values", "one_way")
    assert "[0.5]" not in info.value.problems[0].message  # says "a list of one"
    with pytest.raises(ModelError) as info:
        one_way(hand_worked(), "deadweight", relative=0.5)
    located(info, "relative", "one_way")
    with pytest.raises(ModelError) as info:
        one_way(hand_worked(), "deadweight", [])
    located(info, "values", "one_way")


@pytest.mark.parametrize("bad", ["abc", math.nan, math.inf, -1.5, None, 10**400, [0.1]])
def test_one_way_relative_abc_and_nan_are_located_errors(bad):
    with pytest.raises(ModelError) as info:
        one_way(hand_worked(), "deadweight", relative=[0.1, bad])
    located(info, "relative[1]", "one_way")


def test_one_way_relative_that_overflows_is_located_at_the_relative_change():
    with pytest.raises(ModelError) as info:
        one_way(hand_worked(), "value", relative=[0.0, 1e308])
    located(info, "relative[1]", "one_way")
    assert "too large" in str(info.value)


@pytest.mark.parametrize(
    ("ranges", "location"),
    [
        ([("deadweight", (0, 1))], "ranges"),
        ("deadweight", "ranges"),
        ({}, "ranges"),
        ({"deadweight": 0.2}, "ranges['deadweight']"),
        ({"deadweight": (0, 0.5, 1)}, "ranges['deadweight']"),
        ({"deadweight": (0.1,)}, "ranges['deadweight']"),
        ({"deadweight": "ab"}, "ranges['deadweight']"),
        ({"deadweight": {"low": 0, "high": 1}}, "ranges['deadweight']"),
        ({"deadwait": (0, 1)}, "ranges['deadwait']"),
        ({5: (0, 1)}, "ranges[5]"),
        ({None: (0, 1)}, "ranges[None]"),
        ({("deadweight",): (0, 1)}, "ranges[('deadweight',)]"),
        ({("deadweight", "jobs", "x"): (0, 1)}, "ranges[('deadweight', 'jobs', 'x')]"),
        ({("deadweight", "job"): (0, 1)}, "outcome"),
        ({"deadweight": ("abc", "+0.1")}, "ranges['deadweight'][0]"),
        ({"deadweight": (0.1, "20%")}, "ranges['deadweight'][1]"),
        ({"deadweight": (0.1, 1.5)}, "ranges['deadweight'][1]"),
        ({"deadweight": (None, 0.1)}, "ranges['deadweight'][0]"),
        ({"value": (10**400, "+10%")}, "ranges['value'][0]"),
        ({"value": ("*1e308", "+10%")}, "ranges['value'][0]"),
        ({"investment": (0, 2_000)}, "ranges['investment'][0]"),
    ],
)
def test_malformed_tornado_arguments_are_located_errors(ranges, location):
    with pytest.raises(ModelError) as info:
        tornado(two_outcomes(), ranges)
    located(info, location, "tornado")


@pytest.mark.parametrize("written", [HUGE_CHANGE, "+" + "9" * 400, "+" + "9" * 400 + "%"])
def test_a_change_of_hundreds_of_digits_is_a_located_error_everywhere(written):
    m = two_outcomes()
    with pytest.raises(ModelError) as info:
        one_way(m, "value", [written], outcome="jobs")
    located(info, "values[0]", "one_way")
    with pytest.raises(ModelError) as info:
        tornado(m, {("value", "jobs"): (written, "+10%")})
    located(info, "ranges[('value', 'jobs')][0]", "tornado")
    for changes, where in (
        ({"value": written}, "scenarios.s.value"),
        ({"discount_rate": written}, "scenarios.s.discount_rate"),
        ({"investment": written}, "scenarios.s.investment"),
        ({"outcomes": {"jobs": {"quantity": written}}}, "scenarios.s.outcomes.jobs.quantity"),
    ):
        with pytest.raises(ModelError) as info:
            compare_scenarios(m, {"s": changes})
        assert info.value.locations == [where]


def test_a_scenario_whose_figures_overflow_is_located_at_the_scenario():
    m = two_outcomes()
    with pytest.raises(ModelError) as info:
        compare_scenarios(m, {"big": {"outcomes": {"jobs": {"value": 1e308}}}})
    located(info, "scenarios.big", "compare_scenarios")
    with pytest.raises(ModelError) as info:
        compare_scenarios(m, {"big": {"outcomes": {"job": {"value": 1}}}})
    assert info.value.locations == ["scenarios.big.outcomes.job"]
    assert "is not an outcome id" in str(info.value)


def test_one_way_reports_the_setting_a_change_leads_to():
    t = one_way(hand_worked(), "deadweight", ["+0.1", "*2", 0.4])
    assert t["setting"].tolist() == pytest.approx([0.35, 0.5, 0.4])
    assert t["relative_change"].isna().all()


def test_an_unknown_keyword_is_a_located_error_not_a_type_error():
    with pytest.raises(ModelError) as info:
        one_way(hand_worked(), "deadweight", [0.1], discount=0.03)
    located(info, "discount", "one_way")


def _no_nan(frame) -> None:
    for column in frame.columns:
        for x in frame[column].tolist():
            assert not (isinstance(x, float) and not math.isfinite(x)), (column, x)


def test_sensitivity_outputs_hold_no_nan_or_infinity():
    m = two_outcomes()
    _no_nan(one_way(m, "value", relative=[-0.2, 0.0, 0.1]))  # setting differs by outcome
    _no_nan(one_way(m, "deadweight", [0.1, 0.2]))  # no relative change
    _no_nan(tornado(m, {"deadweight": (0.0, 0.5)}))
    _no_nan(compare_scenarios(m, {"low": {"deadweight": "+0.1"}}))
    table = switching_values({**m, "discount_rate": "green_book"}, target_ratio=50)
    _no_nan(table)
    assert str(table["switching_value"].dtype) == "Float64"
    rate = table.set_index("parameter").loc["discount_rate"]
    assert rate["base"] is pd.NA and "schedule" in rate["reason"]
    assert table.to_dict("records")[-1]["switching_value"] is None
    actual = two_outcomes()
    actual["outcomes"] = actual["outcomes"][:1]
    comparison = compare_forecast(m, actual)
    _no_nan(comparison.by_outcome)
    row = comparison.by_outcome.set_index("id").loc["health"]
    assert row["quantity_actual"] is pd.NA and row["status"] == "forecast only"


def test_switching_value_with_a_schedule_has_no_nan_base():
    sv = switching_value({**hand_worked(), "discount_rate": "green_book"}, "discount_rate")
    assert sv.base is None and sv.value is None and sv.change is None and sv.reason


def test_simulation_summary_of_draws_near_the_largest_float_is_finite():
    from sroi.engine import headline
    from sroi.sensitivity import Simulation

    base = sroi.evaluate(hand_worked())
    pv = np.array([1.7e308, 1.6e308, 1.5e308, 1.7e308])
    sim = Simulation(base, headline(pv, np.ones(4)), seed=2**80, uncertain=())
    summary = sim.summary()
    assert np.isfinite(summary.to_numpy()).all()
    assert summary.loc["present_value", "mean"] == pytest.approx(1.625e308)
    d = sim.to_dict()
    assert d["seed"] == str(2**80)
    import json

    assert json.loads(json.dumps(d, allow_nan=False)) == d


@pytest.mark.parametrize("threshold", [math.nan, "1", None])
def test_probability_ratio_above_a_nan_threshold_is_an_error(threshold):
    m = hand_worked()
    m["outcomes"][0]["deadweight"] = {"distribution": "uniform", "low": 0.1, "high": 0.4}
    with pytest.raises(ModelError) as info:
        simulate(m, 10, seed=1).probability_ratio_above(threshold)
    located(info, "threshold", "probability_ratio_above")


def test_forecast_against_actual_with_a_yearly_quantity_list():
    from sroi.sensitivity import compare_forecast

    forecast = {
        "name": "Jobs", "discount_rate": 0,
        "inputs": [{"stakeholder": "Council", "amount": 1_000}],
        "outcomes": [{"id": "jobs", "stakeholder": "P", "outcome": "Work",
                      "quantity": [20, 20], "value": 1_000, "duration": 2}],
    }  # fmt: skip
    actual = {**forecast, "outcomes": [{**forecast["outcomes"][0], "quantity": [8, 9]}]}
    table = compare_forecast(forecast, actual).by_outcome.set_index("id")
    # a yearly list is compared by its total over the years: 40 promised, 17 delivered
    assert table.loc["jobs", "quantity_forecast"] == 40
    assert table.loc["jobs", "quantity_actual"] == 17
    assert table.loc["jobs", "present_value_actual"] == 17 * 1_000


def test_reading_ranges_move_the_largest_values_and_every_estimate_by_reading_steps():
    """The report's ranges: the values of the largest outcomes (by present value) 20 %
    down and up; deductions 10 points; durations a year; the investment 20 %."""
    from sroi.sensitivity.one_way import READING_STEPS, reading_ranges

    m = hand_worked()
    base = m["outcomes"][0]
    # present values in proportion to the quantities 1, 5, 3: the largest first
    m["outcomes"] = [dict(base, id=f"o{q}", quantity=q) for q in (1, 5, 3)]
    ranges = reading_ranges(m, outcomes=2)
    assert list(ranges) == [
        ("value", "o5"),
        ("value", "o3"),
        "deadweight",
        "displacement",
        "attribution",
        "drop_off",
        "duration",
        "investment",
    ]
    assert ranges["duration"] == READING_STEPS["duration"] == ("-1", "+1")
    assert ranges["deadweight"] == ("-0.1", "+0.1")
    assert ranges[("value", "o5")] == ranges["investment"] == ("-20%", "+20%")
    # a result gives the same ranges as its model
    assert reading_ranges(sroi.evaluate(m), outcomes=2) == ranges


def test_reading_ranges_duration_a_year_each_way_by_hand():
    """Durations one year shorter and longer, not 20 % (which whole years round away):
    one outcome of £750 a year after deadweight, undiscounted, on £1,000 invested."""
    from sroi.sensitivity.one_way import reading_ranges

    m = {
        "name": "x",
        "inputs": [{"stakeholder": "a", "amount": 1_000}],
        "outcomes": [
            {"id": "o", "stakeholder": "b", "outcome": "c", "quantity": 10, "value": 100,
             "duration": 2, "deadweight": 0.25}
        ],
    }  # fmt: skip
    t = tornado(m, reading_ranges(m), discount_rate=0).set_index("parameter")
    # 750 x 1 / 1,000 and 750 x 3 / 1,000; the ratio is 1.5 now
    assert t.loc["duration", ["ratio_low", "ratio_high"]].tolist() == pytest.approx([0.75, 2.25])
    # 20 % of 2 years is 0.4 of a year: rounded, the duration does not move at all
    same = tornado(m, {"duration": ("-20%", "+20%")}, discount_rate=0)
    assert same[["ratio_low", "ratio_high"]].iloc[0].tolist() == pytest.approx([1.5, 1.5])
