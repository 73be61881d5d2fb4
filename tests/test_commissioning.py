"""Commissioning for social value: contract figures, bids on one basis, tender scores, the
switching weight, delivery against promises and LM3, each checked against arithmetic
written out here."""

from __future__ import annotations

import io
import json
import math
import warnings
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import sroi
from sroi import ModelError
from sroi.cli import cli
from sroi.commissioning import (
    LocalArea,
    parse_local_area,
    parse_postcode,
    parse_weights,
    tender_scores,
)
from sroi.commissioning.monitor import period_span
from sroi.result import Result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
BID_FILES = [str(EXAMPLES / f"bid_{k}.yaml") for k in ("acorn", "beacon", "cedar")]

pytestmark = pytest.mark.filterwarnings("ignore::sroi.errors.SROIWarning")


def bid(name: str, price: float | None, social_value: float, *, cost: float = 10_000, **extra):
    """A bid whose social value is exact: one outcome of one year, at 0 %."""
    model = {
        "name": name,
        "discount_rate": 0,
        "inputs": [{"stakeholder": "Supplier", "amount": cost}],
        "outcomes": [
            {
                "stakeholder": "Residents",
                "outcome": "Social value",
                "quantity": 1,
                "value": social_value,
                "duration": 1,
            }
        ],
    }
    if price is not None:
        model["contract_value"] = price
    model.update(extra)
    return model


def three_bids() -> list[dict]:
    """The issue's three bids: A £1,000,000 / £150,000; B £900,000 / £60,000; C £950,000 /
    £100,000 (price / social value)."""
    return [
        bid("A", 1_000_000, 150_000, cost=50_000),
        bid("B", 900_000, 60_000, cost=10_000),
        bid("C", 950_000, 100_000, cost=40_000),
    ]


QUALITY = {"A": 80, "B": 70, "C": 75}
W_60_20_20 = {"price": 0.6, "quality": 0.2, "social_value": 0.2}
W_80_20_0 = {"price": 0.8, "quality": 0.2, "social_value": 0.0}


# --------------------------------------------------------------------------------------
# 1. A contract's value beside the ratio


def test_result_gives_social_value_per_pound_of_contract():
    r = sroi.evaluate(bid("A", 1_000_000, 150_000, cost=50_000))
    # 150,000 of social value on a 1,000,000 contract: 15 %, £0.15 per £1; the ratio
    # divides by the offer's cost instead: 150,000 / 50,000 = 3
    assert r.contract_value == 1_000_000
    assert r.share_of_contract == pytest.approx(0.15, rel=1e-15)
    assert r.value_per_contract_pound == pytest.approx(0.15, rel=1e-15)
    assert r.ratio == pytest.approx(3.0)
    results = r.to_dict()["results"]
    assert results["contract_value"] == 1_000_000
    assert results["share_of_contract"] == pytest.approx(0.15)
    assert results["value_per_contract_pound"] == pytest.approx(0.15)
    assert json.loads(json.dumps(r.to_dict())) == r.to_dict()
    text = r.summary()
    assert "Contract value                    £1,000,000.00" in text
    assert "Social value per £1 of contract   £0.15" in text
    assert "Share of contract value           15.0%" in text
    shown = r._repr_html_()
    assert "Share of contract value" in shown and "15.0%" in shown


def test_without_a_contract_value_nothing_is_added():
    r = sroi.evaluate(bid("A", None, 150_000))
    assert r.contract_value is None and r.share_of_contract is None
    assert r.value_per_contract_pound is None
    assert "contract_value" not in r.to_dict()["results"]
    assert "Contract value" not in r.summary()


def test_a_contract_value_of_zero_gives_no_share():
    r = sroi.evaluate(bid("A", 0, 150_000))
    assert r.contract_value == 0 and r.share_of_contract is None
    assert r.to_dict()["results"]["share_of_contract"] is None
    assert "none (the contract value is 0)" in r.summary()


def test_contract_value_moves_to_the_asked_price_year_with_the_other_amounts():
    model = bid("A", 1_000_000, 150_000, price_year=2019)
    r = sroi.evaluate(model, price_year=2022)
    assert r.price_index > 1.05  # prices rose from 2019 to 2022
    assert r.contract_value == pytest.approx(1_000_000 * r.price_index, rel=1e-15)
    # both moved by the same index: the share is unchanged
    assert r.share_of_contract == pytest.approx(0.15, rel=1e-12)


# --------------------------------------------------------------------------------------
# 2 and 3. Bids side by side, tender scores


def test_hand_worked_scores_price_60_quality_20_social_value_20():
    table = sroi.compare(three_bids(), weights=W_60_20_20, quality=QUALITY)
    # price: lowest 900,000 / bid x 60; quality: score / 100 x 20; social value: bid /
    # highest 150,000 x 20
    a = 900_000 / 1_000_000 * 60 + 80 / 100 * 20 + 150_000 / 150_000 * 20  # 54 + 16 + 20
    b = 900_000 / 900_000 * 60 + 70 / 100 * 20 + 60_000 / 150_000 * 20  # 60 + 14 + 8
    c = 900_000 / 950_000 * 60 + 75 / 100 * 20 + 100_000 / 150_000 * 20  # 56.84 + 15 + 13.33
    assert (round(a, 2), round(b, 2), round(c, 2)) == (90.00, 82.00, 85.18)
    assert table["score"].tolist() == pytest.approx([a, b, c], rel=1e-12)
    assert table["score"].round(2).tolist() == [90.00, 82.00, 85.18]
    assert table["rank"].tolist() == [1, 3, 2]
    assert table.loc["C", "price_score"] == pytest.approx(900_000 / 950_000 * 60)
    assert table.loc["B", "social_value_score"] == pytest.approx(8.0)
    assert table.loc["A", "quality_score"] == pytest.approx(16.0)


def test_hand_worked_scores_price_80_quality_20():
    table = sroi.compare(three_bids(), weights=W_80_20_0, quality=QUALITY)
    a = 0.9 * 80 + 16  # 72 + 16 = 88
    b = 1.0 * 80 + 14  # 80 + 14 = 94
    c = 900_000 / 950_000 * 80 + 15  # 75.79 + 15 = 90.79
    assert table["score"].tolist() == pytest.approx([a, b, c], rel=1e-12)
    assert table["score"].round(2).tolist() == [88.00, 94.00, 90.79]
    assert table["rank"].tolist() == [3, 1, 2]
    assert (table["social_value_score"] == 0).all()


def test_hand_worked_switching_weight_social_value_taken_from_price():
    # With weight w on social value, 0.8 - w on price and 0.2 on quality:
    #   A = 90 (0.8 - w) + 16 + 100 w = 88 + 10 w
    #   B = 100 (0.8 - w) + 14 + 40 w = 94 - 60 w
    #   C = 94.74 (0.8 - w) + 15 + 66.67 w = 90.79 - 28.07 w
    # A = B at 70 w = 6: w = 6 / 70 = 8.571 %; C never leads (C passes A at 7.33 %, while
    # B still leads, and falls below B at 10.05 %, after A leads).
    expected = 6 / 70
    for weights in (W_60_20_20, W_80_20_0):
        sw = sroi.switching_weight(three_bids(), weights=weights, quality=QUALITY)
        assert sw.weight == pytest.approx(expected, rel=1e-12)
        assert round(100 * sw.weight, 3) == 8.571
        assert sw.swapped == ("B", "A")  # A overtakes B as social value's weight rises
        assert sw.criterion == "social_value" and sw.take_from == "price"
        assert sw.changes["weight"].tolist() == pytest.approx([expected])
    assert sroi.switching_weight(three_bids(), weights=W_60_20_20, quality=QUALITY).first == "A"
    assert sroi.switching_weight(three_bids(), weights=W_80_20_0, quality=QUALITY).first == "B"
    assert "'A' overtakes 'B'" in str(sw) and "8.571%" in str(sw)


def test_the_switching_weight_is_where_the_two_scores_cross():
    sw = sroi.switching_weight(three_bids(), weights=W_60_20_20, quality=QUALITY)
    w = sw.weight
    at = sroi.compare(
        three_bids(),
        weights={"price": 0.8 - w, "quality": 0.2, "social_value": w},
        quality=QUALITY,
    )
    assert at.loc["A", "score"] == pytest.approx(at.loc["B", "score"], abs=1e-9)
    for step, leader in ((-1e-6, "B"), (1e-6, "A")):
        near = sroi.compare(
            three_bids(),
            weights={"price": 0.8 - w - step, "quality": 0.2, "social_value": w + step},
            quality=QUALITY,
        )
        assert near["score"].idxmax() == leader


def test_switching_weight_from_quality_and_when_first_place_never_changes():
    # Take social value's weight from quality instead (price fixed at 60 %): at weight w
    # A = 54 + 80 (0.4 - w) + 100 w = 86 + 20 w; B = 60 + 70 (0.4 - w) + 40 w = 88 - 30 w;
    # C = 56.84 + 75 (0.4 - w) + 66.67 w = 86.84 - 8.33 w; A = B at w = 2 / 50 = 4 %
    sw = sroi.switching_weight(
        three_bids(), weights=W_60_20_20, quality=QUALITY, take_from="quality"
    )
    assert sw.weight == pytest.approx(0.04, rel=1e-12)
    assert sw.swapped == ("B", "A")
    # a bid cheapest, best and with the most social value leads at every weight
    bids = [bid("A", 800_000, 200_000), bid("B", 900_000, 60_000)]
    never = sroi.switching_weight(bids, weights=W_60_20_20, quality={"A": 90, "B": 70})
    assert never.weight is None and never.swapped is None and never.first == "A"
    assert never.changes.empty
    assert "ranks first at every weight" in str(never)
    assert "sroi-switching-weight" in never._repr_html_()


@st.composite
def tenders(draw, min_bids=2, max_bids=5):
    n = draw(st.integers(min_bids, max_bids))
    prices = draw(st.lists(st.integers(100_000, 2_000_000), min_size=n, max_size=n))
    values = draw(st.lists(st.integers(0, 300_000), min_size=n, max_size=n))
    quality = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2)))
    weights = {
        "price": cuts[0] / 100,
        "quality": (cuts[1] - cuts[0]) / 100,
        "social_value": (100 - cuts[1]) / 100,
    }
    return prices, values, quality, weights


def _scores(prices, values, quality, weights, order):
    names = [f"bid{i}" for i in order]
    return tender_scores(
        names,
        prices=[prices[i] for i in order],
        quality=[quality[i] for i in order],
        social_values=[values[i] for i in order],
        weights=weights,
    )


@given(tenders(), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_the_order_of_the_bids(tender, rnd):
    prices, values, quality, weights = tender
    order = list(range(len(prices)))
    first = _scores(prices, values, quality, weights, order)
    rnd.shuffle(order)
    again = _scores(prices, values, quality, weights, order).loc[first.index]
    pd.testing.assert_frame_equal(first, again)
    # every score is at most 100 and the best on each criterion gets all its points
    assert (first["score"] <= 100 + 1e-9).all()
    if weights["price"] > 0:
        assert first["price_score"].max() == pytest.approx(100 * weights["price"])


@settings(max_examples=60)
@given(tenders(min_bids=2, max_bids=4))
def test_switching_weight_agrees_with_a_fine_scan(tender):
    """The exact answer against brute force: between the weights as set and the switching
    weight the leader never changes, and just past it, it does."""
    prices, values, quality, weights = tender
    names = [f"bid{i}" for i in range(len(prices))]
    bids = [bid(n, p, v) for n, p, v in zip(names, prices, values, strict=True)]
    grades = dict(zip(names, quality, strict=True))
    sw = sroi.switching_weight(bids, weights=weights, quality=grades)
    # the weights are hundredths: held exactly, so that the far end of the scan gives price
    # a weight of exactly 0 (not a float's -1e-17, which would reverse the price ranking)
    top = Fraction(round(100 * (weights["price"] + weights["social_value"])), 100)

    def leader(w):
        at = {"price": top - w, "quality": weights["quality"], "social_value": w}
        s = [
            Fraction(100) * (Fraction(at["price"]) * Fraction(min(prices)) / Fraction(p))
            + Fraction(at["quality"]) * q
            + Fraction(100)
            * Fraction(at["social_value"])
            * (Fraction(v) / max(values) if max(values) > 0 else 0)
            for p, q, v in zip(prices, quality, values, strict=True)
        ]
        best = max(s)
        return {i for i, x in enumerate(s) if x == best}

    now = weights["social_value"]
    if sw.weight is None:
        grid = [top * k / 200 for k in range(201)]
        firsts = [leader(w) for w in grid]
        assert all(len(f & firsts[0]) for f in firsts)  # one bid leads (or ties) throughout
        return
    w = Fraction(sw.weight)
    below, above = sw.swapped
    assert below != above
    eps = Fraction(1, 10**9)
    if w - eps >= 0:
        assert names.index(below) in leader(w - eps)
    if w + eps <= top:
        assert names.index(above) in leader(w + eps)
    # no change of leader strictly between the weight as set and the switching weight
    lo, hi = sorted((Fraction(now), w))
    inside = [lo + (hi - lo) * k / 50 for k in range(1, 50)]
    sets = [leader(x) for x in inside if abs(x - w) > eps]
    for s in sets:
        assert s & sets[0] if sets else True


def test_compare_table_has_the_figures_of_each_bid():
    table = sroi.compare(three_bids())
    assert list(table.index) == ["A", "B", "C"]
    assert table.index.name == "name"
    for column in ("present_value", "npv", "ratio", "contract_value", "share_of_contract"):
        assert column in table.columns
    assert table["present_value"].tolist() == [150_000, 60_000, 100_000]
    assert table["npv"].tolist() == [100_000, 50_000, 60_000]
    # the ratio misleads a commissioner: B spends least on its offer and gets the best
    # ratio (60,000 / 10,000 = 6), but offers the least per £ of contract (6.7 %)
    assert table["ratio"].tolist() == [3.0, 6.0, 2.5]
    assert table["share_of_contract"].tolist() == pytest.approx(
        [0.15, 60_000 / 900_000, 100_000 / 950_000]
    )
    assert table["ratio"].idxmax() == "B" and table["share_of_contract"].idxmin() == "B"
    assert "score" not in table.columns and "rank" not in table.columns
    assert (table["overridden"] == "").all()
    assert table.attrs["basis"]["discount_rate"] == 0.0


def test_compare_reads_bid_files_with_value_by_marmot_objective_and_group():
    table = sroi.compare(BID_FILES)
    assert list(table.index) == ["Acorn", "Beacon", "Cedar"]
    # Acorn: 10 jobs x 16,000 x 0.75 = 120,000; 60 trainees x 625 x 0.8 = 30,000
    assert table.loc["Acorn", "marmot:fair_employment"] == pytest.approx(120_000)
    assert table.loc["Acorn", "marmot:capabilities_and_control"] == pytest.approx(30_000)
    marmot = [c for c in table.columns if c.startswith("marmot:")]
    assert table[marmot].sum(axis=1).tolist() == pytest.approx(table["present_value"].tolist())
    if "group" in Result.BREAKDOWNS:
        assert table.loc["Cedar", "group:Long-term unemployed"] == pytest.approx(6 * 12_000)
        groups = [c for c in table.columns if c.startswith("group:")]
        assert table[groups].sum(axis=1).tolist() == pytest.approx(table["present_value"].tolist())
    if callable(getattr(sroi, "check", None)):
        for name, path in zip(table.index, BID_FILES, strict=True):
            assert table.loc[name, "check_findings"] == len(sroi.check(sroi.evaluate(path)))


def test_a_bid_at_another_discount_rate_is_refused_without_a_basis():
    bids = three_bids()
    bids[1]["discount_rate"] = 0.035
    with pytest.raises(ModelError) as caught:
        sroi.compare(bids)
    (problem,) = caught.value.problems
    assert problem.location == "models[1].discount_rate"
    assert "'B' has discount rate 3.5 %" in problem.message
    assert "'A' (models[0]) has 0 %" in problem.message
    assert "basis={'discount_rate': ...}" in problem.message
    with pytest.raises(ModelError):
        sroi.switching_weight(bids, weights=W_60_20_20, quality=QUALITY)


def test_a_bid_at_another_discount_rate_is_re_based_with_a_basis():
    bids = three_bids()
    bids[1]["discount_rate"] = 0.035
    on_its_own = sroi.evaluate(bids[1])
    assert on_its_own.present_value == pytest.approx(60_000 / 1.035)
    table = sroi.compare(bids, basis={"discount_rate": 0}, weights=W_60_20_20, quality=QUALITY)
    assert table.loc["B", "present_value"] == pytest.approx(60_000)  # at 0 %, as the others
    assert table["score"].round(2).tolist() == [90.00, 82.00, 85.18]
    assert table.loc["B", "overridden"] == "discount rate 3.5 % -> 0 %"
    assert table.loc["A", "overridden"] == ""
    assert table.attrs["basis"]["given"] == ["discount_rate"]
    # a basis at 3.5 % re-bases the others instead
    other = sroi.compare(bids, basis={"discount_rate": 0.035})
    assert other.loc["A", "present_value"] == pytest.approx(150_000 / 1.035)
    assert other.loc["A", "overridden"] == "discount rate 0 % -> 3.5 %"
    assert other.loc["B", "overridden"] == ""


def test_bids_in_other_price_years_are_refused_or_restated():
    bids = three_bids()
    for b, year in zip(bids, (2022, 2022, 2021), strict=True):
        b["price_year"] = year
    with pytest.raises(ModelError) as caught:
        sroi.compare(bids)
    assert caught.value.locations == ["models[2].price_year"]
    table = sroi.compare(bids, basis={"price_year": 2022})
    factor = sroi.evaluate(bids[2], price_year=2022).price_index
    assert factor > 1
    assert table.loc["C", "present_value"] == pytest.approx(100_000 * factor, rel=1e-12)
    assert table.loc["C", "contract_value"] == pytest.approx(950_000 * factor, rel=1e-12)
    assert table.loc["C", "overridden"] == "price year 2021 -> 2022"


def test_bids_under_other_conventions_or_in_other_currencies_are_refused():
    bids = three_bids()
    bids[2]["conventions"] = {"discount_timing": "mid_year"}
    bids[1]["currency"] = "EUR"
    with pytest.raises(ModelError) as caught:
        sroi.compare(bids, basis={"discount_rate": 0})
    assert caught.value.locations == ["models[1].currency", "models[2].conventions"]
    assert "does not convert currencies" in caught.value.problems[0].message
    assert "discounted mid-year" in caught.value.problems[1].message
    bids[1]["currency"] = "GBP"
    table = sroi.compare(bids, basis={"conventions": {"discount_timing": "mid_year"}})
    assert table.loc["A", "overridden"].startswith("conventions the default conventions ->")
    assert table.loc["C", "overridden"] == ""


def test_compare_reports_every_problem_together_and_located():
    bids = three_bids()
    bids[0]["outcomes"][0]["deadweight"] = 1.5
    bids[2]["name"] = "A"
    with pytest.raises(ModelError) as caught:
        sroi.compare(bids)
    assert caught.value.locations == ["models[0].outcomes[0].deadweight"]
    bids[0]["outcomes"][0]["deadweight"] = 0
    with pytest.raises(ModelError) as caught:
        sroi.compare(bids)
    assert caught.value.locations == ["models[2].name"]
    assert "also the name of models[0]" in caught.value.problems[0].message


def test_compare_locates_a_problem_in_a_bid_file(tmp_path):
    bad = tmp_path / "bid_d.yaml"
    bad.write_text(Path(BID_FILES[0]).read_text().replace("deadweight: 0.25", "deadweight: 25"))
    with pytest.raises(ModelError) as caught:
        sroi.compare([BID_FILES[1], str(bad)])
    assert caught.value.locations == [f"{bad}, outcomes[0].deadweight"]


@pytest.mark.parametrize(
    ("kwargs", "locations"),
    [
        ({"weights": {"price": 0.6, "quality": 0.2}}, ["weights"]),
        ({"weights": {"price": 60, "quality": 20, "social_value": 20}}, None),
        ({"weights": {"price": 0.8, "social": 0.2}}, ["weights['social']"]),
        ({"weights": W_60_20_20, "quality": {"A": 80, "B": 70}}, ["quality['C']"]),
        ({"weights": W_60_20_20, "quality": {**QUALITY, "D": 50}}, ["quality['D']"]),
        ({"weights": W_60_20_20, "quality": {**QUALITY, "A": 120}}, ["quality['A']"]),
        ({"basis": {"discount": 0}}, ["basis['discount']"]),
        ({"basis": {"discount_rate": 3.5}}, ["basis['discount_rate']"]),
    ],
)
def test_bad_weights_quality_and_basis_are_located(kwargs, locations):
    with pytest.raises(ModelError) as caught:
        sroi.compare(three_bids(), **kwargs)
    if locations is not None:
        assert caught.value.locations == locations
    else:
        assert caught.value.locations == [
            "weights['price']",
            "weights['quality']",
            "weights['social_value']",
        ]


def test_a_bid_without_a_price_cannot_be_scored_on_price():
    bids = three_bids()
    del bids[2]["contract_value"]
    table = sroi.compare(bids)  # without weights the table is fine: no figures per £
    assert math.isnan(table.loc["C", "share_of_contract"])
    assert math.isnan(table.loc["C", "contract_value"])
    with pytest.raises(ModelError) as caught:
        sroi.compare(bids, weights=W_60_20_20, quality=QUALITY)
    assert caught.value.locations == ["models[2].contract_value"]
    no_price = sroi.compare(
        bids, weights={"quality": 0.5, "social_value": 0.5}, quality=QUALITY
    )  # price carries no weight: no price is needed
    assert no_price.loc["A", "score"] == pytest.approx(40 + 50)


def test_ties_share_the_better_rank():
    bids = [bid("A", 1_000_000, 100_000), bid("B", 1_000_000, 100_000), bid("C", 2e6, 1)]
    table = sroi.compare(bids, weights={"price": 0.5, "social_value": 0.5})
    assert table["rank"].tolist() == [1, 1, 3]


def test_compare_and_switching_weight_argument_errors():
    with pytest.raises(ModelError):
        sroi.compare("bid.yaml")
    with pytest.raises(ModelError):
        sroi.compare([])
    with pytest.raises(ModelError) as caught:
        sroi.switching_weight(three_bids()[:1], weights=W_60_20_20, quality=QUALITY)
    assert "at least two" in str(caught.value)
    with pytest.raises(ModelError) as caught:
        sroi.switching_weight(
            three_bids(), weights=W_60_20_20, quality=QUALITY, take_from="social_value"
        )
    assert caught.value.locations == ["take_from"]
    with pytest.raises(ModelError) as caught:
        sroi.switching_weight(three_bids(), weights=W_60_20_20, quality=QUALITY, criterion="x")
    assert caught.value.locations == ["criterion"]


def test_parse_weights():
    assert parse_weights({"price": 0.8, "quality": 0.2}) == {
        "price": 0.8,
        "quality": 0.2,
        "social_value": 0.0,
    }
    with pytest.raises(ModelError, match=r"add up to 1\.1"):
        parse_weights({"price": 0.9, "quality": 0.2})
    with pytest.raises(ModelError):
        parse_weights([0.6, 0.2, 0.2])


# --------------------------------------------------------------------------------------
# 4. Commitments against delivery


def jobs_promise() -> dict:
    """20 jobs a year for two years, each worth £5,000 in its year, at 3.5 %."""
    return {
        "name": "Jobs promise",
        "discount_rate": 0.035,
        "inputs": [{"stakeholder": "Supplier", "amount": 50_000}],
        "outcomes": [
            {
                "id": "jobs",
                "stakeholder": "Residents",
                "outcome": "Into work",
                "quantity": [20, 20],
                "value": 5_000,
                "duration": 2,
            }
        ],
    }


def test_hand_worked_delivery_against_the_promise():
    actuals = pd.DataFrame(
        {"outcome": ["jobs", "jobs"], "year": [1, 1], "period": ["H1", "H2"], "quantity": [8, 9]}
    )
    m = sroi.monitor(jobs_promise(), actuals)
    # reported to the end of year 1: the 20 jobs of year 1 were due; 8 + 9 = 17 delivered
    assert m.date == 1.0 and m.date_label == "the end of year 1"
    row = m.to_frame().iloc[0]
    assert row["promised"] == 40
    assert row["promised_to_date"] == 20 and row["delivered_to_date"] == 17
    assert row["delivery"] == pytest.approx(17 / 20)  # 85 %
    assert row["variance"] == -3
    # value: each job is worth £5,000 in year 1, discounted one year at 3.5 %
    due = 20 * 5_000 / 1.035  # £96,618.36
    done = 17 * 5_000 / 1.035  # £82,125.60
    assert m.value_promised_to_date == pytest.approx(due, rel=1e-12)
    assert m.value_delivered_to_date == pytest.approx(done, rel=1e-12)
    assert round(m.value_promised_to_date, 2) == 96_618.36
    assert round(m.value_delivered_to_date, 2) == 82_125.60
    assert m.variance == pytest.approx(done - due)
    assert m.delivery == pytest.approx(0.85)
    # the whole promise: 20 jobs in each year
    assert m.promise.present_value == pytest.approx(100_000 / 1.035 + 100_000 / 1.035**2)
    assert row["value_promised"] == pytest.approx(m.promise.present_value)
    # the evaluative re-run: 17 jobs in year 1 and none (yet) in year 2, same investment
    assert m.evaluated.present_value == pytest.approx(done)
    assert m.evaluated.total_investment == 50_000
    assert m.evaluated.model.outcomes[0].quantity == (17.0, 0.0)
    # period by period: 10 jobs were due in each half-year
    periods = m.by_period
    assert periods["promised"].tolist() == [10, 10]
    assert periods["delivery"].tolist() == pytest.approx([0.8, 0.9])
    assert periods["start"].tolist() == [0.0, 0.5] and periods["end"].tolist() == [0.5, 1.0]
    assert m.spend_to_date is None


def test_after_the_first_half_year_half_a_year_is_due():
    actuals = {"outcome": ["jobs"], "year": [1], "period": ["H1"], "quantity": [8]}
    m = sroi.monitor(jobs_promise(), actuals)
    assert m.date == 0.5 and m.date_label == "year 1, H1"
    row = m.to_frame().iloc[0]
    assert row["promised_to_date"] == 10 and row["delivery"] == pytest.approx(0.8)
    assert m.value_promised_to_date == pytest.approx(10 * 5_000 / 1.035)
    assert m.delivery == pytest.approx(0.8)


def test_a_one_off_outcome_is_due_in_its_first_year_and_lasts_its_duration():
    promise = jobs_promise()
    promise["outcomes"].append(
        {
            "id": "apprentices",
            "stakeholder": "Young people",
            "outcome": "Started an apprenticeship",
            "quantity": 6,
            "value": 2_000,
            "duration": 3,
            "drop_off": 0.1,
        }
    )
    actuals = {
        "outcome": ["jobs", "apprentices", "apprentices"],
        "year": [1, 1, 1],
        "period": ["Q1", "Q1", "Q2"],
        "quantity": [5, 1, 2],
        "spend": [1_000, 300, None],
    }
    m = sroi.monitor(promise, actuals)
    assert m.date == 0.5  # the end of Q2
    t = m.to_frame().set_index("id")
    # half of year 1 gone: 10 jobs and 3 of the 6 apprenticeships due
    assert t.loc["jobs", "promised_to_date"] == 10
    assert t.loc["apprentices", "promised_to_date"] == 3
    assert t.loc["apprentices", "delivered_to_date"] == 3
    # each apprentice is worth 2,000 / 1.035 + 1,800 / 1.035^2 + 1,620 / 1.035^3
    each = 2_000 / 1.035 + 1_800 / 1.035**2 + 1_620 / 1.035**3
    assert t.loc["apprentices", "value_promised_to_date"] == pytest.approx(3 * each)
    assert t.loc["apprentices", "value_delivered_to_date"] == pytest.approx(3 * each)
    assert t.loc["apprentices", "value_promised"] == pytest.approx(6 * each)
    assert t.loc["jobs", "spend_to_date"] == 1_000 and t.loc["apprentices", "spend_to_date"] == 300
    assert m.spend_to_date == 1_300
    # overall delivery is by value: (5 jobs + 3 apprentices) over (10 jobs + 3 apprentices)
    jobs_value = 5_000 / 1.035
    assert m.delivery == pytest.approx((5 * jobs_value + 3 * each) / (10 * jobs_value + 3 * each))


def test_monitor_reads_the_example_files():
    m = sroi.monitor(EXAMPLES / "promise.yaml", EXAMPLES / "actuals.csv")
    t = m.to_frame().set_index("id")
    assert t.loc["local_jobs", "delivery"] == pytest.approx(0.85)
    assert t.loc["apprenticeships", "delivery"] == pytest.approx(5 / 6)
    assert m.spend_to_date == 30_500
    text = m.summary()
    assert "Delivery (by value)" in text and "local_jobs" in text
    shown = m._repr_html_()
    assert "sroi-monitoring" in shown and "apprenticeships" in shown


@pytest.mark.parametrize(
    ("label", "span"),
    [("H1", (0, 6)), ("h2", (6, 12)), (" Q3 ", (6, 9)), ("M12", (11, 12)), ("m01", (0, 1))],
)
def test_periods(label, span):
    assert period_span(label) == span


def test_every_problem_in_the_actuals_is_located(tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text(
        "outcome,year,period,quantity,spend\n"
        "job,1,H1,8,\n"  # row 2: unknown id
        "jobs,0,H1,8,\n"  # row 3: year 0
        "jobs,1,H3,8,\n"  # row 4: no such period
        "jobs,1,H1,-2,\n"  # row 5: negative quantity
        "jobs,1,Q1,2,-5\n"  # row 6: negative spend
        "jobs,3,,1,\n"  # row 7: after the outcome's last year
        "jobs,2,H2,4,\n"
        "jobs,2,Q4,1,\n"  # row 9: overlaps row 8
        "jobs,2,,,\n"  # row 10: no quantity
    )
    with pytest.raises(ModelError) as caught:
        sroi.monitor(jobs_promise(), path)
    assert caught.value.locations == [
        "actuals.csv, row 2, column outcome",
        "actuals.csv, row 3, column year",
        "actuals.csv, row 4, column period",
        "actuals.csv, row 5, column quantity",
        "actuals.csv, row 6, column spend",
        "actuals.csv, row 7, column year",
        "actuals.csv, row 10, column quantity",
        "actuals.csv, row 9, column period",
    ]
    assert caught.value.problems[0].suggestions == ("jobs",)
    assert "did you mean 'jobs'?" in caught.value.problems[0].message
    assert "overlaps the period of actuals.csv, row 8 (H2)" in caught.value.problems[-1].message


def test_actuals_columns_are_checked(tmp_path):
    with pytest.raises(ModelError) as caught:
        sroi.monitor(jobs_promise(), {"outcome": ["jobs"], "year": [1], "quantiy": [2]})
    assert caught.value.locations == ["actuals, column quantiy", "actuals"]
    assert caught.value.problems[0].suggestions == ("quantity",)
    with pytest.raises(ModelError) as caught:
        sroi.monitor(
            jobs_promise(), {"outcome": ["jobs", "jobs"], "year": [1, 1], "quantity": [2, 3]}
        )
    assert "repeats the period" in caught.value.problems[0].message
    with pytest.raises(ModelError, match="has no rows"):
        sroi.monitor(jobs_promise(), {"outcome": [], "year": [], "quantity": []})
    with pytest.raises(ModelError):
        sroi.monitor(jobs_promise(), 42)


# --------------------------------------------------------------------------------------
# 5. Local spend and LM3


def hand_spend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "payee": ["Care staff", "Print shop", "National wholesaler", "Agency"],
            "amount": [25_000, 15_000, 30_000, 5_000],
            "postcode": ["M5 4WT", "m6 5fx", "LS1 4DY", "M50 1AB"],
            "kind": ["staff", "supplier", "supplier", "staff"],
        }
    )


def test_hand_worked_lm3():
    lm3 = sroi.local_multiplier(
        hand_spend(),
        income=100_000,
        local_area=["M5", "M6", "M7"],
        respend={"staff": 0.5, "supplier": 0.3},
    )
    # R1 = 100,000; R2 = 25,000 local staff + 15,000 local suppliers = 40,000 (M50 is not
    # M5); R3 = 25,000 x 0.5 + 15,000 x 0.3 = 12,500 + 4,500 = 17,000
    assert lm3.r1 == 100_000 and lm3.r2 == 40_000 and lm3.r3 == 17_000
    assert lm3.lm3 == pytest.approx((100_000 + 40_000 + 17_000) / 100_000)
    assert round(lm3.lm3, 2) == 1.57
    assert lm3.total_spend == 75_000
    assert lm3.local_share == pytest.approx(40_000 / 75_000)
    kinds = lm3.by_kind.set_index("kind")
    assert kinds.loc["staff", "spend"] == 30_000 and kinds.loc["staff", "local_spend"] == 25_000
    assert kinds.loc["supplier", "local_respend"] == pytest.approx(4_500)
    assert lm3.rows["postcode"].tolist() == ["M5 4WT", "M6 5FX", "LS1 4DY", "M50 1AB"]
    assert lm3.rows["local"].tolist() == [True, True, False, False]
    assert lm3.by_payee["payee"].tolist()[0] == "National wholesaler"
    assert lm3.by_decile is None
    assert "LM3 = (R1 + R2 + R3) / R1  1.57" in lm3.summary()
    assert "sroi-lm3" in lm3._repr_html_()
    assert json.loads(json.dumps(lm3.to_dict()))["lm3"] == pytest.approx(1.57)


def test_lm3_of_the_example_spend_file_with_deciles():
    lm3 = sroi.local_multiplier(
        EXAMPLES / "spend.csv",
        income=100_000,
        local_area="M5, M6, M7",
        respend={"staff": 0.5, "supplier": 0.3},
        deciles=EXAMPLES / "postcode_deciles.csv",
    )
    assert (lm3.r2, lm3.r3, round(lm3.lm3, 2)) == (40_000, 17_000, 1.57)
    deciles = lm3.by_decile.set_index("decile")
    # decile 1: M5 4WT (18,000) and M7 1PL (9,000); not in the lookup: WA14 2DT (8,000)
    # and EC1V 9HX (11,000)
    assert deciles.loc[1, "spend"] == 27_000
    assert deciles.loc["(not in lookup)", "spend"] == 19_000
    assert deciles["spend"].sum() == lm3.total_spend
    assert deciles["share_of_spend"].sum() == pytest.approx(1.0)


def test_a_payees_own_respend_share_wins_over_its_kinds():
    lm3 = sroi.local_multiplier(
        hand_spend(),
        income=100_000,
        local_area=["M5", "M6"],
        respend={"staff": 0.5, "supplier": 0.3, "Print shop": 0.8},
    )
    assert lm3.r3 == pytest.approx(25_000 * 0.5 + 15_000 * 0.8)
    one = sroi.local_multiplier(hand_spend(), income=100_000, local_area=["M"], respend=0.4)
    # the area M takes in M50 too: 25,000 + 15,000 + 5,000 local, 40 % re-spent
    assert one.r2 == 45_000 and one.r3 == pytest.approx(18_000)


@pytest.mark.parametrize(
    ("postcode", "area", "local"),
    [
        ("M5 4WT", ["M5"], True),
        ("M50 1AB", ["M5"], False),
        ("M55 1AB", ["M5"], False),
        ("M50 1AB", ["M"], True),
        ("ML1 1AA", ["M"], False),
        ("SW1A 1AA", ["SW1"], True),
        ("SW1P 3BU", ["SW1A"], False),
        ("SW10 0AA", ["SW1"], False),
        ("sw1a1aa", ["SW1A"], True),
        ("M5", ["M5"], True),
        ("BB1 1AA", ["bb"], True),
        ("B1 1AA", ["BB"], False),
    ],
)
def test_a_postcode_is_local_by_its_district_or_area(postcode, area, local):
    assert parse_local_area(area).contains(parse_postcode(postcode)) is local


@given(
    st.sampled_from(["M5 4WT", "SW1A 1AA", "LS1 4DY", "EC1V 9HX", "M50 1AB", "B1 1AA"]),
    st.data(),
)
def test_postcodes_are_read_whatever_their_case_and_spaces(postcode, data):
    squeezed = postcode.replace(" ", "")
    cut = data.draw(st.integers(0, len(squeezed)))
    spaces = data.draw(st.sampled_from(["", " ", "  ", "\t"]))
    text = squeezed[:cut] + spaces + squeezed[cut:]
    text = "".join(c.lower() if data.draw(st.booleans()) else c for c in text)
    assert parse_postcode(f" {text} ").text == postcode


@given(st.integers(1, 99), st.integers(1, 99))
def test_a_district_matches_only_itself(n, k):
    district = LocalArea.of([f"M{n}"])
    assert district.contains(parse_postcode(f"M{k} 1AB")) is (n == k)


@st.composite
def spend_tables(draw):
    n = draw(st.integers(1, 8))
    codes = ["M5 4WT", "M6 5FX", "M50 1AB", "LS1 4DY", "M7 1PL", "EC1V 9HX"]
    return pd.DataFrame(
        {
            "payee": [f"payee {i}" for i in range(n)],
            "amount": draw(st.lists(st.floats(0, 1e7), min_size=n, max_size=n)),
            "postcode": draw(st.lists(st.sampled_from(codes), min_size=n, max_size=n)),
            "kind": draw(st.lists(st.sampled_from(["staff", "supplier"]), min_size=n, max_size=n)),
        }
    )


@given(
    spend_tables(),
    st.floats(1.0, 1e8),
    st.lists(st.sampled_from(["M5", "M6", "M", "LS", "EC1", "B"]), min_size=1, max_size=3),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_lm3_is_at_least_1_and_the_local_share_a_fraction(spend, income, area, staff, supplier):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sroi.SROIWarning)
        lm3 = sroi.local_multiplier(
            spend, income=income, local_area=area, respend={"staff": staff, "supplier": supplier}
        )
    assert lm3.lm3 >= 1
    assert 0 <= lm3.r3 <= lm3.r2 * (1 + 1e-12) <= lm3.total_spend * (1 + 1e-12)
    if lm3.total_spend > 0:
        assert 0 <= lm3.local_share <= 1
    else:
        assert lm3.local_share is None


def test_every_problem_in_the_spend_table_is_located(tmp_path):
    path = tmp_path / "spend.csv"
    path.write_text(
        "payee,amount,postcode,kind\n"
        "Care staff,25000,M5 4WT,staff\n"  # row 2: fine
        "Print shop,-5,M6 5FX,supplier\n"  # row 3: negative amount
        "Caterer,lots,QQ1 1AA,supplier\n"  # row 4: amount, postcode
        "Cleaner,100,M5 4WT,volunteer\n"  # row 5: kind
        ",200,,staff\n"  # row 6: payee and postcode blank
        "Printer,300,M5 4CC,supplier\n"  # row 7: inward code
    )
    with pytest.raises(ModelError) as caught:
        sroi.local_multiplier(
            path, income=0, local_area=["M5", "M5 4WT"], respend={"staf": 0.5, "supplier": 2}
        )
    assert caught.value.locations == [
        "income",
        "local_area[1]",
        "spend.csv, row 3, column amount",
        "spend.csv, row 4, column amount",
        "spend.csv, row 4, column postcode",
        "spend.csv, row 5, column kind",
        "spend.csv, row 6, column payee",
        "spend.csv, row 6, column postcode",
        "spend.csv, row 7, column postcode",
        "respend['staf']",
        "respend['supplier']",
    ]
    assert "'QQ' is not a postcode area" in caught.value.problems[4].message
    assert caught.value.title == "the spend table"


def test_a_local_payee_needs_a_respend_share():
    with pytest.raises(ModelError) as caught:
        sroi.local_multiplier(
            hand_spend(), income=100_000, local_area=["M5", "M6"], respend={"staff": 0.5}
        )
    assert caught.value.locations == ["spend, row 1, column payee"]
    assert "no share for this payee or for its kind (supplier)" in str(caught.value)


def test_spend_table_columns_and_more_spend_than_income():
    with pytest.raises(ModelError) as caught:
        sroi.local_multiplier(
            hand_spend().rename(columns={"postcode": "post code"}),
            income=100_000,
            local_area=["M5"],
            respend=0.5,
        )
    assert caught.value.locations == ["spend, column post code", "spend"]
    with pytest.warns(sroi.SROIWarning, match="more than the income"):
        sroi.local_multiplier(hand_spend(), income=50_000, local_area=["M5"], respend=0.5)


def test_a_bad_deprivation_lookup_is_located():
    with pytest.raises(ModelError) as caught:
        sroi.local_multiplier(
            hand_spend(),
            income=100_000,
            local_area=["M5"],
            respend=0.5,
            deciles={"M5 4WT": 11, "XX": 3},
        )
    assert caught.value.locations == ["deciles['M5 4WT']", "deciles['XX']"]


# --------------------------------------------------------------------------------------
# The command line


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="sroi")


def test_cli_compare_scores_and_gives_the_switching_weight():
    out = run(
        "compare",
        *BID_FILES,
        "--weights",
        "price=0.6,quality=0.2,social_value=0.2",
        "-q",
        "Acorn=80",
        "-q",
        "Beacon=70",
        "--quality",
        "Cedar=75",
    )
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    row = next(line for line in lines if line.startswith("Acorn "))
    assert row.split()[-2:] == ["90.00", "1"]
    assert next(line for line in lines if line.startswith("Cedar ")).split()[-2:] == [
        "85.18",
        "2",
    ]
    assert "first place changes at 8.571%" in out.stdout
    assert "'Acorn' overtakes 'Beacon'" in " ".join(lines)


def test_cli_compare_refuses_then_re_bases_a_bid_at_another_rate(tmp_path):
    other = tmp_path / "bid_d.yaml"
    other.write_text(
        Path(BID_FILES[2]).read_text().replace("discount_rate: 0", "discount_rate: 0.035")
    )
    refused = run("compare", BID_FILES[0], str(other))
    assert refused.exit_code == 1
    assert f"{other}, discount_rate: 'Cedar' has discount rate 3.5 %" in refused.output
    accepted = run("compare", BID_FILES[0], str(other), "--discount-rate", "0", "-f", "json")
    assert accepted.exit_code == 0, accepted.output
    data = json.loads(accepted.stdout)
    assert data["bids"][1]["present_value"] == pytest.approx(100_000)
    assert data["bids"][1]["overridden"] == "discount rate 3.5 % -> 0 %"


def test_cli_compare_csv_and_usage_errors():
    out = run("compare", *BID_FILES, "--format", "csv")
    assert out.exit_code == 0
    table = pd.read_csv(io.StringIO(out.stdout), index_col=0)
    assert table.loc["Beacon", "present_value"] == 60_000
    assert run("compare", *BID_FILES, "--weights", "price=0.6,quality=lots").exit_code == 2
    assert run("compare", *BID_FILES, "--weights", "price=60%,quality=30%").exit_code == 2
    assert run("compare", *BID_FILES, "--quality", "Acorn").exit_code == 2
    pct = run(
        "compare",
        *BID_FILES,
        "-w",
        "price=60%,quality=20%,social_value=20%",
        "-q",
        "Acorn=80",
        "-q",
        "Beacon=70",
        "-q",
        "Cedar=75",
        "-f",
        "json",
    )
    assert pct.exit_code == 0, pct.output
    assert [b["rank"] for b in json.loads(pct.stdout)["bids"]] == [1, 3, 2]


def test_cli_monitor():
    out = run("monitor", str(EXAMPLES / "promise.yaml"), str(EXAMPLES / "actuals.csv"))
    assert out.exit_code == 0, out.output
    assert "Reported to                      the end of year 1" in out.stdout
    assert "local_jobs" in out.stdout and "85.0%" in out.stdout
    csv = run("monitor", str(EXAMPLES / "promise.yaml"), str(EXAMPLES / "actuals.csv"), "-f", "csv")
    assert csv.exit_code == 0
    assert csv.stdout.splitlines()[0].startswith("id,stakeholder,outcome,promised")
    data = json.loads(
        run(
            "monitor", str(EXAMPLES / "promise.yaml"), str(EXAMPLES / "actuals.csv"), "-f", "json"
        ).stdout
    )
    assert data["by_outcome"][0]["delivery"] == pytest.approx(0.85)


def test_cli_lm3_and_its_located_errors(tmp_path):
    out = run(
        "lm3",
        str(EXAMPLES / "spend.csv"),
        "--income",
        "100000",
        "--local",
        "M5,M6,M7",
        "--respend",
        "staff=0.5,supplier=0.3",
    )
    assert out.exit_code == 0, out.output
    assert "LM3 = (R1 + R2 + R3) / R1  1.57" in out.stdout
    bad = tmp_path / "spend.csv"
    bad.write_text("payee,amount,postcode,kind\nA,10,M5 4WT,staff\nB,x,M5 4XX Z,staff\n")
    failed = run("lm3", str(bad), "--income", "1000", "--local", "M5", "--respend", "0.5")
    assert failed.exit_code == 1
    assert "spend.csv, row 3, column amount: must be an amount of money" in failed.output
    assert "spend.csv, row 3, column postcode: is not a UK postcode" in failed.output
    assert run("lm3", str(bad), "--income", "0", "--local", "M5", "--respend", "0.5").exit_code == 2
    usage = run("lm3", str(bad), "--income", "10", "--local", "M5", "--respend", "staff")
    assert usage.exit_code == 2


def test_sroi_exports_the_commissioning_names():
    for name in ("compare", "switching_weight", "local_multiplier", "monitor"):
        assert callable(getattr(sroi, name)) and name in sroi.__all__


def test_amounts_may_carry_thousands_separators_but_not_decimal_commas():
    spend = hand_spend().astype({"amount": object})
    spend.loc[0, "amount"] = "£25,000.00"
    spend.loc[1, "amount"] = "15,000"
    lm3 = sroi.local_multiplier(spend, income=100_000, local_area=["M5", "M6"], respend=0.5)
    assert lm3.r2 == 40_000
    spend.loc[1, "amount"] = "15,0"
    with pytest.raises(ModelError) as caught:
        sroi.local_multiplier(spend, income=100_000, local_area=["M5", "M6"], respend=0.5)
    assert caught.value.locations == ["spend, row 1, column amount"]


def test_no_social_value_points_when_no_bid_offers_social_value():
    table = tender_scores(
        ["A", "B"],
        prices=[100, 200],
        quality=[None, None],
        social_values=[0.0, -50.0],
        weights={"price": 0.5, "social_value": 0.5},
    )
    assert table["social_value_score"].tolist() == [0.0, 0.0]
    assert table["score"].tolist() == [50.0, 25.0]
    # a bid whose social value is negative scores none, the others in proportion
    table = tender_scores(
        ["A", "B"],
        prices=[100, 200],
        quality=[None, None],
        social_values=[-10.0, 40.0],
        weights={"price": 0.5, "social_value": 0.5},
    )
    assert table["social_value_score"].tolist() == [0.0, 50.0]


def test_quality_is_needed_when_it_carries_weight():
    with pytest.raises(ModelError) as caught:
        sroi.compare(three_bids(), weights=W_60_20_20)
    assert caught.value.locations == ["quality['A']", "quality['B']", "quality['C']"]


def test_the_switching_weight_nearest_the_weights_as_set():
    # With w on social value and 1 - w on price (no quality):
    #   X = 100 (1 - w)                    (cheapest, no social value)
    #   Y = 100 (100 / 110) (1 - w) + 60 w  (= 1000/11 - 340/11 w)
    #   Z = 50 (1 - w) + 100 w              (dearest, most social value)
    # X = Y at w = 5/38 (13.2 %); Y = Z at w = 45/89 (50.6 %); X = Z at 1/3, where Y leads
    bids = [bid("X", 100, 0), bid("Y", 110, 60), bid("Z", 200, 100)]
    low = sroi.switching_weight(bids, weights={"price": 0.8, "social_value": 0.2}, quality=None)
    assert low.weight == pytest.approx(5 / 38, rel=1e-12) and low.swapped == ("X", "Y")
    high = sroi.switching_weight(bids, weights={"price": 0.6, "social_value": 0.4}, quality=None)
    assert high.weight == pytest.approx(45 / 89, rel=1e-12) and high.swapped == ("Y", "Z")
    assert high.changes["weight"].tolist() == pytest.approx([5 / 38, 45 / 89])
    assert high.changes["first_above"].tolist() == ["Y", "Z"]
    assert high.range == (0.0, 1.0)


def test_prices_are_scored_as_tendered_when_the_basis_moves_the_price_year():
    def bid(name, price, value, year):
        return {"name": name, "contract_value": price, "discount_rate": 0, "price_year": year,
                "inputs": [{"stakeholder": "Supplier", "amount": 10_000}],
                "outcomes": [{"stakeholder": "Residents", "outcome": "SV", "quantity": 1,
                              "value": value, "duration": 1}]}  # fmt: skip

    bids = [bid("A", 1_000_000, 150_000, "2022/23"), bid("B", 900_000, 60_000, "2024/25")]
    weights = {"price": 0.6, "quality": 0.2, "social_value": 0.2}
    table = sroi.compare(
        bids, basis={"price_year": "2024/25"}, weights=weights, quality={"A": 80, "B": 70}
    )
    # price: lowest tendered price / bid price x 60: A 900,000 / 1,000,000 x 60 = 54, B 60,
    # although A's contract value is restated in 2024/25 prices (above £1,000,000)
    assert table.loc["A", "price_score"] == pytest.approx(54.0, abs=1e-9)
    assert table.loc["B", "price_score"] == pytest.approx(60.0, abs=1e-9)
    assert table.loc["A", "contract_value"] > 1_000_000


def test_delivery_after_the_year_it_was_due_is_flagged_as_late():
    promise = {"name": "P", "discount_rate": 0.035,
               "inputs": [{"stakeholder": "S", "amount": 1_000}],
               "outcomes": [{"id": "app", "stakeholder": "Y", "outcome": "Apprenticeship",
                             "quantity": 6, "value": 2_000, "duration": 3}]}  # fmt: skip
    on_time = sroi.monitor(promise, {"outcome": ["app"], "year": [1], "period": ["H1"],
                                     "quantity": [6]})  # fmt: skip
    assert not on_time.warnings
    actuals = {"outcome": ["app", "app"], "year": [1, 3], "period": ["H1", "H2"],
               "quantity": [0, 6]}  # fmt: skip
    with pytest.warns(sroi.SROIWarning, match="6 of the 6 delivered came after year 1"):
        late = sroi.monitor(promise, actuals)
    [warning] = late.warnings
    assert warning.location == "outcomes[0] (app)"
    assert "Warnings" in late.summary() and "as if delivered on time" in late.summary()
