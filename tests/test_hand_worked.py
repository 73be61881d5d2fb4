"""Figures checked against arithmetic written out by hand, and against other tools' conventions."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

import sroi
from sroi.adjustments import discount_factors, present_value
from tests.conftest import hand_worked


def test_hand_worked_example_figures():
    # 100 people x £1,000 = £100,000 gross a year.
    # Year 1: 100,000 x (1 - 0.25) x (1 - 0) x (1 - 0.10)           = 67,500
    # Year 2: 67,500 x (1 - 0.10)                                   = 60,750
    # Year 3: 60,750 x (1 - 0.10)                                   = 54,675
    # PV = 67,500 / 1.035 + 60,750 / 1.035^2 + 54,675 / 1.035^3
    #    = 65,217.391 + 56,711.945 + 49,312.547                    = 171,241.88
    # NPV = 171,241.88 - 150,000                                     = 21,241.88
    # ratio = 171,241.88 / 150,000 = 1.1416; net ratio = 0.1416
    # payback = 150,000 / (67,500 / 12) = 26.67 months
    r = sroi.evaluate(hand_worked())
    assert r.by_year["impact"].tolist() == pytest.approx([0, 67_500, 60_750, 54_675], abs=1e-9)
    assert r.present_value == pytest.approx(171_241.88, abs=0.005)
    assert r.total_investment == 150_000
    assert r.npv == pytest.approx(21_241.88, abs=0.005)
    assert round(r.ratio, 4) == 1.1416
    assert round(r.net_ratio, 4) == 0.1416
    assert round(r.payback_months, 2) == 26.67
    pv_by_year = [67_500 / 1.035, 60_750 / 1.035**2, 54_675 / 1.035**3]
    assert r.by_year["present_value"].tolist()[1:] == pytest.approx(pv_by_year, rel=1e-12)


def test_hand_worked_discounted_payback():
    # Cumulative PV: 65,217.39 after year 1, 121,929.34 after year 2, 171,241.88 after 3.
    # 150,000 is reached in year 3: 2 + (150,000 - 121,929.34) / 49,312.55 = 2.5692 years.
    r = sroi.evaluate(hand_worked())
    cum2 = 67_500 / 1.035 + 60_750 / 1.035**2
    expected = 2 + (150_000 - cum2) / (54_675 / 1.035**3)
    assert r.discounted_payback_years == pytest.approx(expected, rel=1e-12)
    assert round(r.discounted_payback_years, 4) == 2.5692


def test_impact_map_steps():
    # Gross 100,000 -> after deadweight 75,000 -> after displacement 75,000 -> after
    # attribution 67,500 (first-year impact); total over three years 182,925.
    row = sroi.evaluate(hand_worked()).by_outcome.iloc[0]
    assert (row.gross, row.after_deadweight) == (100_000, 75_000)
    assert (row.after_displacement, row.after_attribution) == (75_000, 67_500)
    assert row.total_impact == pytest.approx(67_500 + 60_750 + 54_675)
    assert row.present_value == pytest.approx(171_241.88, abs=0.005)


def test_deductions_chain_multiplicatively_not_additively():
    # dw 0.5, dp 0.5, at 0.5: multiplicative leaves 1/8 of the value (additive would leave 0).
    m = hand_worked()
    m["outcomes"][0].update(deadweight=0.5, displacement=0.5, attribution=0.5, drop_off=0.0)
    m["outcomes"][0]["duration"] = 1
    r = sroi.evaluate(m, discount_rate=0.0)
    assert r.present_value == pytest.approx(100_000 / 8)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(30, 0.356278), (31, 0.345901), (75, 0.094214), (100, 0.050818)],
)
def test_green_book_schedule_discount_factors(year, expected):
    # DF(30) = 1 / 1.035^30; DF(31) = DF(30) / 1.03 (year by year, not 1 / 1.03^31);
    # DF(75) = DF(30) / 1.03^45; DF(100) = DF(75) / 1.025^25.
    assert round(float(discount_factors("green_book", year)), 6) == expected


def test_green_book_schedule_is_cumulative_by_year():
    by_hand = {30: 1.035**-30}
    by_hand[31] = by_hand[30] / 1.03
    by_hand[75] = by_hand[30] / 1.03**45
    by_hand[100] = by_hand[75] / 1.025**25
    by_hand[126] = by_hand[75] / 1.025**50 / 1.02
    by_hand[301] = by_hand[75] / 1.025**50 / 1.02**75 / 1.015**100 / 1.01
    got = discount_factors("green_book", list(by_hand))
    assert got == pytest.approx(list(by_hand.values()), rel=1e-12)
    assert pytest.approx(float(discount_factors("green_book", 31)), rel=1e-6) != 1.03**-31


def test_green_book_health_schedule():
    # 1.5 % for years 1-30, then 1.29 %: DF(31) = 1.015^-30 / 1.0129.
    assert float(discount_factors("green_book_health", 31)) == pytest.approx(
        1.015**-30 / 1.0129, rel=1e-12
    )


def test_explicit_yearly_schedule_last_rate_carries_on():
    # Rates 5 % then 4 %: DF(3) = 1 / (1.05 x 1.04 x 1.04).
    assert float(discount_factors([0.05, 0.04], 3)) == pytest.approx(1 / (1.05 * 1.04**2))


def test_matches_numpy_financial_npv_with_a_leading_zero():
    # numpy_financial.npv treats values[0] as year 0 (undiscounted); SROI discounts year 1
    # by one period (Excel's NPV() convention), so npf needs a leading 0 to match.
    flows = [67_500, 60_750, 54_675]
    ours = present_value(flows, [1, 2, 3], 0.035)
    assert ours == pytest.approx(npf.npv(0.035, [0, *flows]), rel=1e-12)
    assert ours != pytest.approx(npf.npv(0.035, flows), rel=1e-6)
    assert sroi.evaluate(hand_worked()).present_value == pytest.approx(ours, rel=1e-12)


def test_inputs_in_later_years_are_discounted():
    # £100,000 now and £52,900 in year 2 at 3.5 %: 100,000 + 52,900 / 1.035^2.
    m = hand_worked()
    m["inputs"] = [
        {"stakeholder": "Funder", "amount": 100_000},
        {"stakeholder": "Funder", "amount": 52_900, "year": 2},
    ]
    r = sroi.evaluate(m)
    assert r.total_investment == pytest.approx(100_000 + 52_900 / 1.035**2, rel=1e-12)
    assert r.by_year["investment"].tolist() == [100_000, 0, 52_900, 0]


def test_start_year_lag_and_payback_uses_first_year_with_impact():
    # Outcome starts in year 3: impact 10 x 500 = 5,000 a year in years 3-4 only.
    # Payback uses the first year with impact: 4,000 / (5,000 / 12) = 9.6 months.
    r = sroi.evaluate(
        {
            "name": "lag",
            "inputs": [{"stakeholder": "a", "amount": 4_000}],
            "outcomes": [
                {
                    "stakeholder": "b",
                    "outcome": "c",
                    "quantity": 10,
                    "value": 500,
                    "duration": 2,
                    "start_year": 3,
                }
            ],
        }
    )
    assert r.by_year["impact"].tolist() == [0, 0, 0, 5_000, 5_000]
    assert r.payback_months == pytest.approx(9.6)
    assert r.present_value == pytest.approx(5_000 / 1.035**3 + 5_000 / 1.035**4)


def test_disbenefit_is_negative_value_and_payback_none_when_never_positive():
    r = sroi.evaluate(
        {
            "name": "disbenefit",
            "inputs": [{"stakeholder": "a", "amount": 1_000}],
            "outcomes": [
                {
                    "stakeholder": "b",
                    "outcome": "noise",
                    "quantity": 10,
                    "value": -20,
                    "duration": 2,
                }
            ],
        }
    )
    assert r.present_value == pytest.approx(-200 / 1.035 - 200 / 1.035**2)
    assert r.ratio < 0
    assert r.payback_months is None
    assert r.discounted_payback_years is None


def test_horizon_of_three_hundred_years_and_more():
    r = sroi.evaluate(
        {
            "name": "long",
            "discount_rate": "green_book",
            "inputs": [{"stakeholder": "a", "amount": 1}],
            "outcomes": [
                {"stakeholder": "b", "outcome": "c", "quantity": 1, "value": 1, "duration": 350}
            ],
        }
    )
    assert r.horizon == 350
    df = discount_factors("green_book", np.arange(1, 351))
    assert r.present_value == pytest.approx(df.sum(), rel=1e-12)


def test_published_ratio_restoration_trust():
    # Restoration Trust 2016-17 (HACT calculator): impact £135,652 on a budget of £61,256,
    # "1:2.21", net benefit £74,396. One undiscounted one-year outcome reproduces it.
    r = sroi.evaluate(
        {
            "name": "Restoration Trust 2016-17",
            "discount_rate": 0.0,
            "inputs": [{"stakeholder": "Trust", "amount": 61_256}],
            "outcomes": [
                {
                    "stakeholder": "Participants",
                    "outcome": "Social impact",
                    "quantity": 1,
                    "value": 135_652,
                    "duration": 1,
                }
            ],
        }
    )
    assert round(r.ratio, 2) == 2.21
    assert r.npv == pytest.approx(74_396)
