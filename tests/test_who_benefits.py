"""Who benefits, who saves: groups, distributional weights, money flows, optimism bias,
double counting and materiality, each checked against figures worked by hand."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sroi
from sroi.adjustments import CAPEX_UPPER_BOUNDS, ELASTICITY, equity_weights, optimism_bias
from sroi.errors import ModelError, SROIWarning

JSA_INTO_WORK = "ucd_ee1_0_fiscal"  # UCD E&E1.0: a JSA claimant entering work (fiscal)

incomes = st.floats(min_value=1.0, max_value=1e7, allow_nan=False)
elasticities = st.floats(min_value=0.0, max_value=5.0, allow_nan=False)


# --------------------------------------------------------------------------------------
# Distributional weights


def test_equity_weights_by_hand():
    # (20,000 / 10,000) ** 1.3, (20,000 / 20,000) ** 1.3, (20,000 / 40,000) ** 1.3
    w = equity_weights([10_000, 20_000, 40_000], 20_000)
    assert w.shape == (3,)
    assert w.tolist() == pytest.approx([2**1.3, 1.0, 0.5**1.3], rel=1e-15)
    assert w[0] == pytest.approx(2.4622888266898326)
    assert w[2] == pytest.approx(0.40612619817811774)


def test_the_default_elasticity_is_the_green_books():
    assert ELASTICITY == 1.3
    assert float(equity_weights(10_000, 20_000)) == pytest.approx(2**1.3)
    assert float(equity_weights(10_000, 20_000, elasticity=1)) == pytest.approx(2.0)


def test_equity_weights_keep_the_shape_of_the_incomes():
    incomes_ = np.array([[10_000, 20_000], [40_000, 80_000]])
    w = equity_weights(incomes_, 20_000)
    assert w.shape == (2, 2)
    assert w[1, 1] == pytest.approx(0.25**1.3)


@given(incomes, elasticities)
def test_a_group_on_the_median_has_weight_one(median, elasticity):
    assert float(equity_weights(median, median, elasticity)) == pytest.approx(1.0, rel=1e-12)


@given(incomes, incomes, incomes)
def test_weights_fall_as_income_rises(a, b, median):
    lo, hi = sorted((a, b))
    assert float(equity_weights(lo, median)) >= float(equity_weights(hi, median))


@given(incomes, incomes)
def test_elasticity_zero_weights_every_group_one(income, median):
    assert float(equity_weights(income, median, 0)) == 1.0


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (([0, 10_000], 20_000), "group_income"),
        (([-5.0], 20_000), "group_income"),
        (([math.nan], 20_000), "group_income"),
        (([10_000], 0), "median_income"),
        (([10_000], 20_000, -1.3), "elasticity"),
        (([10_000], 20_000, [1.0, 1.3]), "elasticity"),
        (("10000", 20_000), "group_income"),
    ],
)
def test_equity_weights_refuse_bad_input_with_its_location(args, where):
    with pytest.raises(ModelError) as err:
        equity_weights(*args)
    assert err.value.problems[0].location == where


def _grouped(**fields):
    """Three groups on 10,000 / 20,000 / 40,000 a year; one social outcome each, worth
    1,000 / 2,000 / 4,000 (quantity x value, one year, no deductions, no discounting)."""
    model = {
        "name": "Groups",
        "discount_rate": 0,
        "groups": {
            "Poorest": {"income": 10_000, "priority": True},
            "Middle": {"income": 20_000},
            "Richest": {"income": 40_000},
        },
        "inputs": [{"stakeholder": "Council", "amount": 5_000}],
        "outcomes": [
            {"id": "poor", "stakeholder": "Residents", "outcome": "A", "group": "Poorest",
             "quantity": 10, "value": 100, "duration": 1, "value_type": "social"},
            {"id": "middle", "stakeholder": "Residents", "outcome": "B", "group": "Middle",
             "quantity": 10, "value": 200, "duration": 1, "value_type": "social"},
            {"id": "rich", "stakeholder": "Residents", "outcome": "C", "group": "Richest",
             "quantity": 10, "value": 400, "duration": 1, "value_type": "wellbeing"},
        ],
    }  # fmt: skip
    model.update(fields)
    return model


def test_weighted_figures_by_hand():
    r = sroi.evaluate(_grouped(), median_income=20_000)
    w = r.weighted
    # 1,000 x 2 ** 1.3 + 2,000 x 1 + 4,000 x 0.5 ** 1.3
    by_hand = 1_000 * 2**1.3 + 2_000 + 4_000 * 0.5**1.3
    assert w.present_value == pytest.approx(by_hand, rel=1e-12)
    assert w.ratio == pytest.approx(by_hand / 5_000, rel=1e-12)
    assert w.npv == pytest.approx(by_hand - 5_000, rel=1e-12)
    assert w.median_income == 20_000 and w.median_income_from == "argument"
    assert w.weights == pytest.approx((2**1.3, 1.0, 0.5**1.3))
    table = w.table
    assert list(table.columns) == ["unweighted", "weighted"]
    assert table.loc["present_value", "unweighted"] == 7_000
    assert table.loc["total_investment", "weighted"] == 5_000  # inputs keep weight 1
    outcomes = w.by_outcome.set_index("id")
    assert outcomes.loc["poor", "weighted_present_value"] == pytest.approx(1_000 * 2**1.3)


def test_weighting_leaves_the_unweighted_totals_unchanged():
    plain = sroi.evaluate(_grouped(groups={}, outcomes=[
        {k: v for k, v in o.items() if k != "group"} for o in _grouped()["outcomes"]
    ]))  # fmt: skip
    r = sroi.evaluate(_grouped(), median_income=20_000)
    assert r.weighted is not None and plain.weighted is None
    assert r.weighted.present_value != r.present_value
    for name in ("present_value", "total_investment", "npv", "ratio", "net_ratio"):
        assert getattr(r, name) == getattr(plain, name) == getattr(r.weighted.unweighted, name)
    assert r.to_dict()["results"] == plain.to_dict()["results"]


def test_without_a_given_median_the_groups_median_is_used_and_said():
    r = sroi.evaluate(_grouped())
    assert r.weighted.median_income == 20_000  # median of 10,000, 20,000, 40,000
    assert r.weighted.median_income_from == "groups"
    assert "the median of the model's group incomes" in r.summary()
    four = _grouped()
    four["groups"]["Top"] = {"income": 100_000}
    assert sroi.evaluate(four).weighted.median_income == 30_000  # (20,000 + 40,000) / 2


def test_fiscal_and_ungrouped_values_keep_weight_one():
    model = _grouped()
    model["outcomes"][0]["value_type"] = "fiscal"  # a saving to the taxpayer
    del model["outcomes"][1]["group"]
    model["groups"]["Richest"] = {"description": "no income given"}
    r = sroi.evaluate(model, median_income=20_000)
    assert r.weighted.weights == (1.0, 1.0, 1.0)
    assert r.weighted.present_value == pytest.approx(r.present_value)
    assert r.weighted.basis[0].startswith("fiscal")
    assert r.weighted.basis[1] == "no group"


def test_weighting_takes_another_median_or_elasticity():
    r = sroi.evaluate(_grouped(), median_income=20_000)
    flat = r.weighting(elasticity=0)
    assert flat.present_value == pytest.approx(r.present_value)
    doubled = r.weighting(median_income=40_000)
    assert doubled.weights == pytest.approx((4**1.3, 2**1.3, 1.0))


def test_weighted_is_none_without_group_incomes():
    model = _grouped(groups={"Poorest": {}, "Middle": {}, "Richest": {"priority": True}})
    r = sroi.evaluate(model)
    assert r.weighted is None
    assert r.to_dict()["weighted"] is None
    assert r.to_dict()["parameters"]["distributional_weights"] is None


@pytest.mark.parametrize("median", [0, -1, "20000", math.inf, True])
def test_a_bad_median_income_is_refused(median):
    with pytest.raises(ModelError) as err:
        sroi.evaluate(_grouped(), median_income=median)
    assert [p.location for p in err.value.problems] == ["median_income"]


# --------------------------------------------------------------------------------------
# Beneficiary groups


def test_breakdown_by_group_and_the_priority_share():
    model = _grouped()
    model["outcomes"].append(
        {"stakeholder": "Residents", "outcome": "D", "quantity": 1, "value": 1_000, "duration": 1}
    )
    r = sroi.evaluate(model)
    table = r.breakdown("group").set_index("group")
    assert table["present_value"].to_dict() == {
        "Richest": 4_000, "Middle": 2_000, "Poorest": 1_000, "(not given)": 1_000
    }  # fmt: skip
    assert table["present_value"].sum() == pytest.approx(r.present_value)
    assert table.loc["Poorest", "priority"] and not table.loc["Middle", "priority"]
    assert table.loc["Richest", "income"] == 40_000
    assert r.priority_share == pytest.approx(1_000 / 8_000)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["groups"]["priority_share"] == pytest.approx(0.125)
    assert {g["group"] for g in d["groups"]["by_group"]} == set(table.index)
    assert "Share reaching priority groups: 12.5%" in r.summary()


def test_priority_share_is_none_when_no_group_is_a_priority():
    model = _grouped()
    model["groups"]["Poorest"]["priority"] = False
    assert sroi.evaluate(model).priority_share is None


def test_the_notebook_view_shows_the_groups():
    shown = sroi.evaluate(_grouped())._repr_html_()
    assert "Who benefits" in shown and "Poorest" in shown and "weighted" in shown


# --------------------------------------------------------------------------------------
# Money flows


def _jsa_model():
    return {
        "name": "Into work",
        "price_year": "2012/13",  # the proxy's own: no deflating
        "discount_rate": 0.1,
        "inputs": [
            {"stakeholder": "Council", "amount": 10_000},
            {"stakeholder": "Jobcentre", "amount": 1_100, "year": 1, "kind": "staff_time"},
        ],
        "outcomes": [
            {"id": "jsa", "stakeholder": "Claimants", "outcome": "Moved into work",
             "quantity": 2, "proxy": JSA_INTO_WORK, "duration": 1, "deadweight": 0.5},
            {"id": "confidence", "stakeholder": "Claimants", "outcome": "Confidence",
             "quantity": 10, "value": 110, "duration": 1, "value_type": "wellbeing"},
            {"id": "garden", "stakeholder": "Neighbours", "outcome": "Tidier street",
             "quantity": 1, "value": 220, "duration": 2},
        ],
    }  # fmt: skip


def test_the_jsa_proxy_splits_94_6_between_dwp_and_nhs():
    proxy = sroi.proxies.load().get(JSA_INTO_WORK)
    split = dict(proxy.bearer_split)
    assert set(split) == {"DWP", "NHS"}
    assert round(split["DWP"], 2) == 0.94 and round(split["NHS"], 2) == 0.06
    assert proxy.value_type == "fiscal"


def test_money_flows_by_hand():
    r = sroi.evaluate(_jsa_model())
    flows = r.money_flows().set_index("agency")
    split = dict(sroi.proxies.load().get(JSA_INTO_WORK).bearer_split)
    proxy = sroi.proxies.load().get(JSA_INTO_WORK)
    jsa = 2 * proxy.value * 0.5 / 1.1  # two people, half deadweight, year 1 at 10 %
    assert flows.loc["DWP", "gains"] == pytest.approx(jsa * split["DWP"])
    assert flows.loc["NHS", "gains"] == pytest.approx(jsa * split["NHS"])
    # no bearer named: the stakeholder gains
    assert flows.loc["Claimants", "gains"] == pytest.approx(10 * 110 / 1.1)
    assert flows.loc["Neighbours", "gains"] == pytest.approx(220 / 1.1 + 220 / 1.1**2)
    # inputs: Council 10,000 in year 0; Jobcentre staff time 1,100 in year 1 = 1,000
    assert flows.loc["Council", "puts_in"] == 10_000
    assert flows.loc["Jobcentre", "puts_in"] == pytest.approx(1_000)
    assert flows.loc["Jobcentre", "in_kind"] == pytest.approx(1_000)
    assert flows.loc["Council", "in_kind"] == 0
    assert flows.loc["Council", "net"] == -10_000
    assert flows.loc["DWP", "net"] == pytest.approx(jsa * split["DWP"])


def test_money_flow_columns_add_up_to_the_inputs_and_the_present_value():
    r = sroi.evaluate(_jsa_model())
    flows = r.money_flows()
    assert list(flows.columns[:5]) == ["agency", "puts_in", "in_kind", "gains", "net"]
    assert flows["puts_in"].sum() == pytest.approx(r.total_investment, rel=1e-12)
    assert flows["gains"].sum() == pytest.approx(r.present_value, rel=1e-12)
    assert flows["net"].sum() == pytest.approx(r.npv, rel=1e-12)
    kinds = flows[["fiscal_saving", "transfer", "wider_benefit", "unclassified"]].sum(axis=1)
    assert kinds.to_numpy() == pytest.approx(flows["gains"].to_numpy())
    assert flows["net"].tolist() == sorted(flows["net"], reverse=True)


def test_money_flows_say_what_kind_of_gain():
    r = sroi.evaluate(_jsa_model())
    flows = r.money_flows().set_index("agency")
    proxy = sroi.proxies.load().get(JSA_INTO_WORK)
    # the DWP share is benefit payments no longer made: a transfer, not a resource saved
    assert proxy.transfer_share == pytest.approx(dict(proxy.bearer_split)["DWP"])
    assert flows.loc["DWP", "transfer"] == pytest.approx(flows.loc["DWP", "gains"])
    assert flows.loc["DWP", "fiscal_saving"] == pytest.approx(0, abs=1e-9)
    assert flows.loc["NHS", "fiscal_saving"] == pytest.approx(flows.loc["NHS", "gains"])
    assert flows.loc["Claimants", "wider_benefit"] == pytest.approx(1_000)
    assert flows.loc["Neighbours", "unclassified"] == pytest.approx(
        flows.loc["Neighbours", "gains"]
    )
    records = r.to_dict()["money_flows"]
    assert {row["agency"] for row in records} == set(flows.index)


def test_an_outcomes_own_bearer_split_is_applied():
    model = _jsa_model()
    model["outcomes"][2]["bearer"] = "Local authority:0.75;Police:0.25"
    flows = sroi.evaluate(model).money_flows().set_index("agency")
    garden = 220 / 1.1 + 220 / 1.1**2
    assert flows.loc["Local authority", "gains"] == pytest.approx(0.75 * garden)
    assert flows.loc["Police", "gains"] == pytest.approx(0.25 * garden)
    assert "Neighbours" not in flows.index


# --------------------------------------------------------------------------------------
# Optimism bias


def test_the_green_books_combined_project_example():
    # 30 % non-standard building (upper bound 51 %) + 70 % standard (24 %) = 32.1 %
    assert optimism_bias([0.3, 0.7], [0.51, 0.24]) == pytest.approx(0.3 * 0.51 + 0.7 * 0.24)
    assert optimism_bias([0.3, 0.7], [0.51, 0.24]) == pytest.approx(0.321, abs=1e-12)
    bounds = [
        CAPEX_UPPER_BOUNDS["non_standard_buildings"],
        CAPEX_UPPER_BOUNDS["standard_buildings"],
    ]
    assert optimism_bias([0.3, 0.7], bounds) == pytest.approx(0.321, abs=1e-12)
    # and its works duration: 0.3 x 39 % + 0.7 x 4 % = 14.5 %
    assert optimism_bias([0.3, 0.7], [0.39, 0.04]) == pytest.approx(0.145, abs=1e-12)


@given(st.floats(min_value=0.0, max_value=3.0, allow_nan=False))
def test_a_project_of_one_part_takes_its_upper_bound(bound):
    assert optimism_bias([1.0], [bound]) == bound


@given(st.lists(st.floats(min_value=0.0, max_value=2.0), min_size=1, max_size=6))
def test_parts_with_one_upper_bound_take_it(bounds):
    shares = [1 / len(bounds)] * len(bounds)
    same = [bounds[0]] * len(bounds)
    assert optimism_bias(shares, same) == pytest.approx(bounds[0], rel=1e-12, abs=1e-15)
    assert min(bounds) - 1e-12 <= optimism_bias(shares, bounds) <= max(bounds) + 1e-12


@pytest.mark.parametrize(
    ("shares", "bounds", "where"),
    [
        ([0.3, 0.6], [0.51, 0.24], "shares"),
        ([0.3, 0.7], [0.51], "upper_bounds"),
        ([0.3, 0.7], [0.51, -0.1], "upper_bounds"),
        ([1.3, -0.3], [0.51, 0.24], "shares"),
        ([], [], "shares"),
        ([0.3, 0.7], [0.51, math.inf], "upper_bounds"),
    ],
)
def test_optimism_bias_refuses_bad_parts(shares, bounds, where):
    with pytest.raises(ModelError) as err:
        optimism_bias(shares, bounds)
    assert err.value.problems[0].location == where


def test_optimism_bias_is_reported_beside_the_unadjusted_figures():
    model = _jsa_model()
    plain = sroi.evaluate(model)
    bias = {"costs": 0.321, "benefits": 0.1, "source": "combined building"}
    r = sroi.evaluate(model, optimism_bias=bias)
    for name in ("present_value", "total_investment", "npv", "ratio"):
        assert getattr(r, name) == getattr(plain, name)  # never instead of
    a = r.optimism_adjusted
    assert a.present_value == pytest.approx(plain.present_value * 0.9)
    assert a.total_investment == pytest.approx(plain.total_investment * 1.321)
    assert a.ratio == pytest.approx(plain.present_value * 0.9 / (plain.total_investment * 1.321))
    assert a.npv == pytest.approx(a.present_value - a.total_investment)
    assert a.table.loc["ratio", "unadjusted"] == plain.ratio
    d = json.loads(json.dumps(r.to_dict()))
    assert d["parameters"]["optimism_bias"] == bias
    assert d["optimism_bias_adjusted"]["adjusted"]["ratio"] == pytest.approx(a.ratio)
    assert d["results"] == plain.to_dict()["results"]
    text = r.summary()
    assert "Optimism bias (costs +32.1%, benefits -10.0%; combined building)" in text
    assert plain.optimism_adjusted is None and "Optimism bias" not in plain.summary()


@pytest.mark.parametrize(
    ("bias", "where"),
    [
        ({"costs": -0.1}, "optimism_bias.costs"),
        ({"benefits": 1.5}, "optimism_bias.benefits"),
        ({"costs": "32%"}, "optimism_bias.costs"),
        ({"cost": 0.3}, "optimism_bias.cost"),
        (0.321, "optimism_bias"),
        ({"source": 3}, "optimism_bias.source"),
    ],
)
def test_a_bad_optimism_bias_is_refused_with_its_location(bias, where):
    with pytest.raises(ModelError) as err:
        sroi.evaluate(_jsa_model(), optimism_bias=bias)
    assert [p.location for p in err.value.problems] == [where]


# --------------------------------------------------------------------------------------
# Double counting


def _overlapping():
    """Full-time and part-time work for the same residents (outcome_group 'work'): 10 x
    1,000 and 10 x 300 a year, one year, no discounting; the same group for another
    stakeholder (not the same people) and another change for the residents."""
    return {
        "name": "Overlap",
        "discount_rate": 0,
        "inputs": [{"stakeholder": "Council", "amount": 1_000}],
        "outcomes": [
            {"id": "part_time", "stakeholder": "Residents", "outcome": "Part-time work",
             "outcome_group": "work", "quantity": 10, "value": 300, "duration": 1},
            {"id": "other", "stakeholder": "Residents", "outcome": "Confidence",
             "quantity": 5, "value": 100, "duration": 1},
            {"id": "full_time", "stakeholder": "Residents", "outcome": "Full-time work",
             "outcome_group": "work", "quantity": 10, "value": 1_000, "duration": 1},
            {"id": "carers", "stakeholder": "Carers", "outcome": "Back to work",
             "outcome_group": "work", "quantity": 2, "value": 500, "duration": 1},
        ],
    }  # fmt: skip


def test_the_same_change_twice_warns_at_the_later_outcome():
    with pytest.warns(SROIWarning) as caught:
        r = sroi.evaluate(_overlapping())
    found = [w.message for w in caught if "same change" in str(w.message)]
    assert [w.location for w in found] == ["outcomes[2]"]
    assert "outcomes[0]" in found[0].message and "'work'" in found[0].message
    assert [w.location for w in r.warnings if "same change" in w.message] == ["outcomes[2]"]
    # every outcome counts: 3,000 + 500 + 10,000 + 1,000
    assert r.present_value == 14_500
    assert r.not_counted == ()
    assert r.to_dict()["parameters"]["double_counting"] == {"rule": "warn", "not_counted": []}


def test_count_only_the_highest():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SROIWarning)  # the rule is applied, not warned about
        r = sroi.evaluate(_overlapping(), double_counting="highest")
    # part-time (3,000) is left out; full-time (10,000) counts, as do the others
    assert r.present_value == 500 + 10_000 + 1_000
    assert r.ratio == pytest.approx(11.5)
    (dropped,) = r.not_counted
    assert (dropped.location, dropped.kept, dropped.present_value) == ("outcomes[0]", 2, 3_000)
    table = r.by_outcome.set_index("id")
    assert not table.loc["part_time", "counted"] and table.loc["full_time", "counted"]
    assert table.loc["part_time", "present_value"] == 0
    d = json.loads(json.dumps(r.to_dict()))
    assert d["parameters"]["double_counting"]["rule"] == "highest"
    assert d["parameters"]["double_counting"]["not_counted"] == [
        {"location": "outcomes[0]", "id": "part_time", "stakeholder": "Residents",
         "outcome_group": "work", "kept": "outcomes[2]", "present_value": 3_000.0}
    ]  # fmt: skip
    assert "Not counted" in r.summary() and "outcomes[0] part_time" in r.summary()


def test_the_highest_is_chosen_by_present_value_not_by_position():
    model = _overlapping()
    model["outcomes"][2]["duration"] = 1
    model["outcomes"][0]["duration"] = 5  # 5 x 3,000 beats 10,000
    r = sroi.evaluate(model, double_counting="highest")
    assert r.present_value == 15_000 + 500 + 1_000
    assert r.not_counted[0].outcome_id == "full_time"


def test_sensitivity_keeps_the_rule():
    r = sroi.evaluate(_overlapping(), double_counting="highest")
    base = sroi.sensitivity._base.Base.of(_overlapping(), double_counting="highest")
    assert float(base.figures().present_value) == r.present_value


@pytest.mark.parametrize("rule", ["max", "", None, 1])
def test_an_unknown_double_counting_rule_is_refused(rule):
    with pytest.raises(ModelError) as err:
        sroi.evaluate(_overlapping(), double_counting=rule)
    assert [p.location for p in err.value.problems] == ["double_counting"]


# --------------------------------------------------------------------------------------
# Materiality (on the overlapping model, whose double-counting warning is not the point)

quiet = pytest.mark.filterwarnings("ignore:.*same change:sroi.errors.SROIWarning")


@quiet
def test_materiality_flags_and_drops_nothing():
    r = sroi.evaluate(_overlapping(), double_counting="warn")
    table = r.materiality(0.05).set_index("id")
    # shares of 14,500: 3,000 / 500 / 10,000 / 1,000
    assert table["share"].to_dict() == pytest.approx(
        {"part_time": 3 / 14.5, "other": 0.5 / 14.5, "full_time": 10 / 14.5, "carers": 1 / 14.5}
    )
    assert table["material"].to_dict() == {
        "part_time": True, "other": False, "full_time": True, "carers": True
    }  # fmt: skip
    assert table["present_value"].sum() == r.present_value
    assert r.materiality(0.0)["material"].all()
    assert r.materiality()["material"].all()  # 1 % by default


@quiet
def test_materiality_counts_a_disbenefit_by_its_size():
    model = _overlapping()
    model["outcomes"][1]["value"] = -100  # -500 of 13,500 net; 500 of 14,500 by size
    table = sroi.evaluate(model).materiality(0.03).set_index("id")
    assert table.loc["other", "share"] == pytest.approx(500 / 14_500)
    assert table.loc["other", "material"]


@quiet
@pytest.mark.parametrize("threshold", [-0.1, 1.5, "1%"])
def test_a_bad_materiality_threshold_is_refused(threshold):
    with pytest.raises(ModelError):
        sroi.evaluate(_overlapping()).materiality(threshold)


def test_an_outcome_at_the_threshold_is_material():
    model = {
        "name": "Edge",
        "discount_rate": 0,
        "inputs": [{"stakeholder": "Council", "amount": 1_000}],
        "outcomes": [
            {"id": "a", "stakeholder": "S", "outcome": "A", "quantity": 1, "value": 1_000,
             "duration": 1},
            {"id": "b", "stakeholder": "S", "outcome": "B", "quantity": 3, "value": 1_000,
             "duration": 1},
        ],
    }  # fmt: skip
    table = sroi.evaluate(model).materiality(0.25).set_index("id")
    assert table.loc["a", "share"] == 0.25  # 1,000 of 4,000
    assert table["material"].all()
    assert not sroi.evaluate(model).materiality(0.26).set_index("id").loc["a", "material"]


def test_money_flow_transfers_agree_with_the_results_transfer_figure():
    r = sroi.evaluate(_jsa_model())
    if not hasattr(r, "transfer_present_value"):
        pytest.skip("this version's Result has no transfer_present_value")
    transfers = r.money_flows()["transfer"].sum()
    assert transfers == pytest.approx(r.transfer_present_value, rel=1e-12)
    assert transfers > 0


def test_weights_say_when_the_median_is_the_models_own_or_has_nothing_to_weight():
    model = {
        "name": "Deprived groups only",
        "groups": {"IMD 1": {"income": 12_000}, "IMD 2": {"income": 15_000}},
        "inputs": [{"stakeholder": "Council", "amount": 1_000}],
        "outcomes": [{"stakeholder": "Tenants", "outcome": "Warmer", "quantity": 1,
                      "value": 1_000, "duration": 1, "group": "IMD 1",
                      "value_type": "wellbeing"}],
    }  # fmt: skip
    with pytest.warns(sroi.SROIWarning, match="median of the model's own groups"):
        weighted = sroi.evaluate(model).weighted
    # the median of 12,000 and 15,000 is 13,500: IMD 1's weight is (13,500 / 12,000) ** 1.3
    assert weighted.weights[0] == pytest.approx((13_500 / 12_000) ** 1.3, rel=1e-12)
    no_incomes = {**model, "groups": {"IMD 1": {}, "IMD 2": {}}}
    with pytest.warns(sroi.SROIWarning, match="no group of the model gives an income"):
        assert sroi.evaluate(no_incomes, median_income=30_000).weighted is None


def test_a_transfer_falls_to_the_paying_agency_whatever_order_the_outcome_gives():
    def flows(bearer):
        model = {
            "name": "Into work", "price_year": "2012/13", "discount_rate": 0,
            "inputs": [{"stakeholder": "Council", "amount": 8_000}],
            "outcomes": [{"stakeholder": "Residents", "outcome": "Into work", "quantity": 1,
                          "duration": 1, "proxy": "ucd_ee1_0_fiscal", "bearer": bearer}],
        }  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sroi.evaluate(model).money_flows().set_index("agency")

    a, b = flows("DWP:0.9422;NHS:0.0578"), flows("NHS:0.0578;DWP:0.9422")
    # 9,800 x 0.9422 = 9,233.56 of benefit payments (DWP), 9,800 x 0.0578 = 566.44 of NHS savings
    for f in (a, b):
        assert f.loc["DWP", "transfer"] == pytest.approx(9_233.56)
        assert f.loc["NHS", "fiscal_saving"] == pytest.approx(566.44)
        assert f.loc["NHS", "transfer"] == 0
