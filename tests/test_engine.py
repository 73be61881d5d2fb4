"""The columnar core (sroi.engine): hand-worked figures, payback edge cases, batches.

Every expectation is worked by hand in the test (the arithmetic is written out), never
re-derived with the code under test.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import sroi
from sroi.engine import (
    MAX_HORIZON,
    Headline,
    OutcomeArrays,
    annuity_factors,
    compute,
    cumulative_net_value,
    deduct,
    discount_factors_timed,
    discounted_payback_years,
    first_year_impact,
    headline,
    payback_months,
    payback_year,
    year_weights,
)
from sroi.errors import ModelError, SROIError

# Overflow must be handled by the engine's own checks, never surface as a numpy warning.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# The hand-worked example: 100 people x £1,000, deadweight 25 %, attribution 10 %,
# drop-off 10 %, three years from year 1 at 3.5 %, £150,000 invested in year 0.
HAND = {
    "quantity": 100,
    "value": 1_000,
    "duration": 3,
    "deadweight": 0.25,
    "attribution": 0.1,
    "drop_off": 0.1,
}
# first-year impact 100 * 1000 * 0.75 * 0.9 = 67,500; then 60,750 and 54,675
HAND_PV = 67_500 / 1.035 + 60_750 / 1.035**2 + 54_675 / 1.035**3


def outcomes(**columns) -> OutcomeArrays:
    return OutcomeArrays.from_columns(**columns)


def test_hand_worked_figures():
    c = compute(outcomes(**HAND), [150_000], [0], 0.035)
    assert c.gross.tolist() == [100_000.0]
    assert c.after_deadweight.tolist() == [75_000.0]
    assert c.after_displacement.tolist() == [75_000.0]
    assert c.after_attribution.tolist() == [67_500.0]
    assert c.present_value == pytest.approx(HAND_PV, rel=1e-15)
    assert round(c.present_value, 2) == 171_241.88
    assert c.total_investment == 150_000.0
    assert c.npv == pytest.approx(HAND_PV - 150_000, rel=1e-14)
    assert c.ratio == pytest.approx(HAND_PV / 150_000, rel=1e-15)
    assert c.net_ratio == pytest.approx((HAND_PV - 150_000) / 150_000, rel=1e-14)
    assert c.impact_by_year.tolist() == [0.0, 67_500.0, 60_750.0, 54_675.0]
    assert c.years.tolist() == [0, 1, 2, 3]
    assert c.discount_factor == pytest.approx([1, 1 / 1.035, 1 / 1.035**2, 1 / 1.035**3])
    assert c.present_value_by_year == pytest.approx(
        [0, 67_500 / 1.035, 60_750 / 1.035**2, 54_675 / 1.035**3]
    )
    # payback: 150,000 / (67,500 / 12) = 26.666... months
    assert c.payback_months == pytest.approx(150_000 / 5_625)
    # discounted: 65,217.39 + 56,711.94 = 121,929.33 by year 2; 49,312.55 in year 3
    by_2 = 67_500 / 1.035 + 60_750 / 1.035**2
    assert c.discounted_payback_years == pytest.approx(
        2 + (150_000 - by_2) / (54_675 / 1.035**3), rel=1e-12
    )


def test_every_deduction_in_turn():
    c = compute(
        outcomes(
            quantity=10, value=200, duration=1, deadweight=0.5, displacement=0.2, attribution=0.25
        ),
        [1_000],
        [0],
        0.0,
    )
    # 2,000 -> x0.5 = 1,000 -> x0.8 = 800 -> x0.75 = 600
    assert (c.gross[0], c.after_deadweight[0], c.after_displacement[0]) == (2_000, 1_000, 800)
    assert c.after_attribution[0] == 600.0
    assert c.present_value == 600.0
    assert c.ratio == 0.6


def test_scalar_input_amount_and_year():
    c = compute(outcomes(quantity=1, value=100, duration=1), 50, 0, 0.0)
    assert c.input_amounts.tolist() == [50.0]
    assert c.ratio == 2.0


def test_start_year_and_lag():
    # An outcome starting in year 3 for two years, no drop-off, at 10 %: 1,000/1.1^3 + 1,000/1.1^4
    c = compute(outcomes(quantity=1, value=1_000, duration=2, start_year=3), [1_000], [0], 0.1)
    assert c.impact_by_year.tolist() == [0, 0, 0, 1_000, 1_000]
    assert c.present_value == pytest.approx(1_000 / 1.1**3 + 1_000 / 1.1**4, rel=1e-15)


def test_drop_off_from_the_second_year_and_full_drop_off():
    c = compute(
        outcomes(quantity=[1, 1], value=[100, 100], duration=3, drop_off=[0.5, 1.0]),
        [1],
        [0],
        0.0,
    )
    # 100, 50, 25 and 100, 0, 0
    assert c.impact.tolist() == [[0, 100, 50, 25], [0, 100, 0, 0]]
    assert c.present_value_by_outcome.tolist() == [175.0, 100.0]


def test_inputs_discounted_by_their_year_and_reaching_past_the_outcomes():
    # £1,000 now, £2,100 in year 1 and £1,102.5 in year 5 at 5 %; the outcome ends in year 2.
    c = compute(
        outcomes(quantity=1, value=10, duration=2), [1_000, 2_100, 1_102.5], [0, 1, 5], 0.05
    )
    assert c.years.tolist() == [0, 1, 2, 3, 4, 5]
    assert c.present_value_by_input == pytest.approx([1_000, 2_000, 1_102.5 / 1.05**5])
    assert c.total_investment == pytest.approx(3_000 + 1_102.5 / 1.05**5, rel=1e-15)
    assert c.investment_by_year.tolist() == [1_000, 2_100, 0, 0, 0, 1_102.5]


def test_green_book_schedule_is_cumulative():
    # One £1 in year 31: DF = 1/1.035^30 / 1.03 (0.345901), not 1/1.03^31.
    c = compute(outcomes(quantity=1, value=1, duration=1, start_year=31), [1], [0], "green_book")
    assert c.present_value == pytest.approx(1 / 1.035**30 / 1.03, rel=1e-14)
    assert round(c.present_value, 6) == 0.345901


def test_negative_value_is_a_disbenefit():
    c = compute(outcomes(quantity=[10, 2], value=[100, -150], duration=1), [500], [0], 0.0)
    # 1,000 - 300 = 700
    assert c.present_value_by_outcome.tolist() == [1_000.0, -300.0]
    assert c.present_value == 700.0
    assert c.npv == 200.0


def test_annuity_factors_by_hand():
    df = 1.1 ** -np.arange(6.0)
    a = annuity_factors(np.array([0.0, 0.5, 0.2]), np.array([1, 2, 4]), np.array([2, 3, 1]), df)
    assert a == pytest.approx(
        [
            1 / 1.1 + 1 / 1.1**2,
            1 / 1.1**2 + 0.5 / 1.1**3 + 0.25 / 1.1**4,
            1 / 1.1**4,
        ],
        rel=1e-15,
    )


def test_annuity_factors_batch_of_drop_off():
    df = np.ones(4)
    a = annuity_factors(np.array([[0.0], [0.5]]), np.array([1]), np.array([3]), df)
    assert a.tolist() == [[3.0], [1.75]]


def test_first_year_impact_broadcasts_draws():
    gross, dw, dp, at = first_year_impact(
        np.array([[10.0], [20.0]]),
        np.array([5.0]),
        np.array([0.2]),
        np.array([0.5]),
        np.array([0.0]),
    )
    assert gross.tolist() == [[50.0], [100.0]]
    assert dw.tolist() == [[40.0], [80.0]]
    assert dp.tolist() == [[20.0], [40.0]]
    assert at.tolist() == [[20.0], [40.0]]


# ------------------------------------------------------------------ headline


def test_headline_figures():
    h = headline(300.0, 200.0)
    assert isinstance(h, Headline)
    assert (h.present_value, h.total_investment) == (300.0, 200.0)
    assert (h.npv, h.ratio, h.net_ratio) == (100.0, 1.5, 0.5)


@pytest.mark.parametrize(("investment", "shown"), [(0.0, "0"), (-1.0, "-1"), (math.nan, "nan")])
def test_headline_needs_an_investment_above_zero(investment, shown):
    with pytest.raises(ModelError) as info:
        headline(100.0, investment)
    (problem,) = info.value.problems
    assert problem.location == "inputs"
    assert problem.message == (
        f"the total investment is {shown}; an SROI ratio needs inputs worth more than 0"
    )


def test_headline_of_a_batch_counts_the_draws_without_investment():
    with pytest.raises(ModelError) as info:
        headline(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, -2.0]))
    assert info.value.problems[0].message.startswith("2 of 3 draws give a total investment")
    h = headline(np.array([1.0, 4.0]), np.array([2.0, 2.0]))
    assert h.ratio.tolist() == [0.5, 2.0]
    assert h.npv.tolist() == [-1.0, 2.0]
    assert h.net_ratio.tolist() == [-0.5, 1.0]


def test_compute_refuses_zero_investment():
    with pytest.raises(ModelError, match="total investment is 0"):
        compute(outcomes(quantity=1, value=1, duration=1), [0.0], [0], 0.035)


# ------------------------------------------------------------------ payback edge cases


def test_payback_break_even_exactly():
    # £1,000 invested; £500 a year for two years at 0 %: cumulative 500, 1,000 = investment
    c = compute(outcomes(quantity=1, value=500, duration=2), [1_000], [0], 0.0)
    assert c.discounted_payback_years == 2.0
    assert c.payback_months == 24.0  # 1,000 / (500 / 12)


def test_payback_first_year_benefit_and_disbenefit_cancel():
    # Year 1: +1,000 and -1,000 (a one-year disbenefit); year 2: +1,000. £500 invested, 0 %.
    c = compute(outcomes(quantity=[1, 1], value=[1_000, -1_000], duration=[2, 1]), [500], [0], 0.0)
    assert c.impact_by_year.tolist() == [0.0, 0.0, 1_000.0]
    # Year 1 nets to 0, so the Guide's formula reads year 2: 500 / (1,000 / 12) = 6 months.
    assert c.payback_year == 2
    assert c.payback_months == 6.0
    # Net value -500, -500, +500: it turns non-negative half way through year 2.
    assert c.discounted_payback_years == 1.5


def test_payback_disbenefit_first_then_benefits():
    # Year 1: -100; years 2 and 3: +1,000 each. £1,000 invested, 0 %.
    c = compute(
        outcomes(quantity=[1, 1], value=[-100, 1_000], duration=[1, 2], start_year=[1, 2]),
        [1_000],
        [0],
        0.0,
    )
    assert c.impact_by_year.tolist() == [0.0, -100.0, 1_000.0, 1_000.0]
    # The first year with a positive impact is year 2: 1,000 / (1,000 / 12) = 12 months.
    assert (c.payback_year, c.payback_months) == (2, 12.0)
    # Net value -1,000, -1,100, -100, +900: the last crossing is 100 / 1,000 into year 3.
    assert c.discounted_payback_years == pytest.approx(2.1, rel=1e-15)


def test_payback_never():
    # £10,000 invested; £1,000 a year for three years at 0 %: cumulative 3,000 < 10,000.
    c = compute(outcomes(quantity=1, value=1_000, duration=3), [10_000], [0], 0.0)
    assert c.discounted_payback_years is None
    # The Guide's formula would say 10,000 / (1,000 / 12) = 120 months; the model never
    # pays back, so no payback is reported.
    assert c.payback_year == 1
    assert c.payback_months is None


def test_payback_with_no_impact_at_all():
    c = compute(outcomes(quantity=0, value=1_000, duration=3), [1_000], [0], 0.035)
    assert c.payback_months is None
    assert c.discounted_payback_years is None
    assert c.present_value == 0.0


def test_payback_functions_directly():
    assert payback_months(np.array([0.0, 0.0, 600.0]), 1_200) == 24.0
    assert payback_months(np.array([0.0, 0.0]), 1_200) is None
    assert payback_months(np.array([0.0, -1.0, 600.0]), 1_200) == 24.0
    assert payback_months(np.array([0.0, 600.0]), 1_200, pays_back=False) is None
    # a subnormal annual impact would give infinite months: no payback
    assert payback_months(np.array([0.0, 5e-324]), 1_200) is None
    assert payback_year(np.array([0.0, 0.0, -5.0, 3.0])) == 3
    # 300 + 300 by year 2, 600 in year 3: the last 600 is reached at the end of year 3
    invested = np.array([1_200.0, 0, 0, 0])
    assert discounted_payback_years(np.array([0.0, 300, 300, 600]), invested) == 3.0
    # never below zero (the inputs come after enough value): 0
    assert discounted_payback_years(np.array([0.0, 10.0, 0.0]), np.array([0.0, 0.0, 5.0])) == 0.0
    assert discounted_payback_years(np.array([0.0, 1.0]), np.array([2.0, 0.0])) is None
    # dips below zero again when a later input comes: payback is after the last crossing
    # net: -100, +20, -30, +70 -> crosses for good in year 3, 30 / 100 into it
    assert discounted_payback_years(
        np.array([0.0, 120.0, 0.0, 100.0]), np.array([100.0, 0.0, 50.0, 0.0])
    ) == pytest.approx(2.3)


def test_year_table_is_built_only_when_asked_for():
    c = compute(outcomes(**HAND), [150_000], [0], 0.035)
    assert "impact" not in c.__dict__
    assert c.payback_months is not None
    assert "impact" in c.__dict__


def test_year_table_agrees_with_the_annuity_present_value():
    rng = np.random.default_rng(3)
    n = 50
    arrays = outcomes(
        quantity=rng.integers(0, 100, n),
        value=rng.uniform(-500, 5_000, n),
        duration=rng.integers(1, 12, n),
        start_year=rng.integers(1, 5, n),
        deadweight=rng.uniform(0, 1, n),
        displacement=rng.uniform(0, 1, n),
        attribution=rng.uniform(0, 1, n),
        drop_off=rng.uniform(0, 1, n),
    )
    c = compute(arrays, [1_000], [0], "green_book")
    by_table = (c.impact * c.discount_factor).sum(axis=1)
    np.testing.assert_allclose(c.present_value_by_outcome, by_table, rtol=1e-12, atol=1e-9)
    assert c.present_value_by_year.sum() == pytest.approx(c.present_value, rel=1e-12)


def test_a_batch_cannot_build_a_year_table():
    arrays = outcomes(**HAND)
    draws = OutcomeArrays(**{**arrays.__dict__, "deadweight": np.array([[0.25], [0.5]])})
    c = compute(draws, [150_000], [0], 0.035)
    with pytest.raises(ModelError, match="for one model"):
        _ = c.impact


# ------------------------------------------------------------------ batches


def test_batch_equals_one_model_at_a_time():
    rng = np.random.default_rng(7)
    n, b = 6, 5
    base = outcomes(
        quantity=rng.integers(1, 50, n),
        value=rng.uniform(10, 1_000, n),
        duration=rng.integers(1, 6, n),
        start_year=rng.integers(1, 3, n),
    )
    deadweight = rng.uniform(0, 0.9, (b, n))
    drop_off = rng.uniform(0, 0.5, (b, n))
    amounts = rng.uniform(100, 1_000, (b, 2))
    batch = compute(
        OutcomeArrays(**{**base.__dict__, "deadweight": deadweight, "drop_off": drop_off}),
        amounts,
        [0, 2],
        0.035,
    )
    assert batch.present_value.shape == (b,)
    for k in range(b):
        one = compute(
            OutcomeArrays(
                **{**base.__dict__, "deadweight": deadweight[k], "drop_off": drop_off[k]}
            ),
            amounts[k],
            [0, 2],
            0.035,
        )
        assert batch.present_value[k] == one.present_value
        assert batch.total_investment[k] == one.total_investment
        assert batch.ratio[k] == one.ratio


def test_batch_of_inputs_only():
    c = compute(outcomes(quantity=1, value=100, duration=1), np.array([[50.0], [100.0]]), [0], 0.0)
    assert c.present_value.tolist() == [100.0, 100.0]
    assert c.ratio.tolist() == [2.0, 1.0]


def test_batch_of_outcomes_only():
    arrays = outcomes(quantity=1, value=100, duration=1)
    draws = OutcomeArrays(**{**arrays.__dict__, "quantity": np.array([[1.0], [3.0]])})
    c = compute(draws, [100.0], [0], 0.0)
    assert c.total_investment.tolist() == [100.0, 100.0]
    assert c.ratio.tolist() == [1.0, 3.0]


# ------------------------------------------------------------------ columns


def test_from_columns_broadcasts_and_checks():
    a = outcomes(quantity=[1, 2, 3], value=10, duration=2, start_year=[1, 2, 3])
    assert len(a) == 3
    assert a.value.tolist() == [10.0, 10.0, 10.0]
    assert a.deadweight.tolist() == [0.0, 0.0, 0.0]
    assert outcomes(quantity=0, value=0, duration=1).quantity.tolist() == [0.0]
    with pytest.raises(ModelError) as info:
        outcomes(quantity=[1, -1], value=[1, math.inf], duration=1)
    assert [p.location for p in info.value.problems] == ["quantity", "value"]
    with pytest.raises(ModelError, match="quantity"):
        outcomes(quantity=math.nan, value=1, duration=1)
    with pytest.raises(ModelError, match="duration"):
        outcomes(quantity=1, value=1, duration=0)
    with pytest.raises(ModelError, match="start_year"):
        outcomes(quantity=1, value=1, duration=1, start_year=1.5)


def test_compute_checks_input_years():
    with pytest.raises(SROIError, match=r"inputs\.year"):
        compute(outcomes(quantity=1, value=1, duration=1), [1], [-1], 0.0)


# ------------------------------------------------------------------ one place for the figures


def test_every_caller_reads_the_same_figures():
    """evaluate, sensitivity, scenarios, Monte Carlo and social accounts agree to the bit."""
    from sroi.report import social_accounts
    from sroi.sensitivity import compare_scenarios, simulate
    from sroi.sensitivity._base import Base

    model = {
        "name": "x",
        "inputs": [
            {"stakeholder": "a", "amount": 100_000},
            {"stakeholder": "a", "amount": 20_000, "year": 2},
        ],
        "outcomes": [
            {
                "stakeholder": "b",
                "outcome": "c",
                "quantity": 100,
                "value": 1_000,
                "duration": 3,
                "deadweight": 0.25,
                "attribution": 0.1,
                "drop_off": 0.1,
            },
            {
                "stakeholder": "b",
                "outcome": "d",
                "quantity": 3,
                "value": -500,
                "duration": 2,
                "start_year": 2,
            },
        ],
    }
    r = sroi.evaluate(model)
    base = Base.of(model)
    assert base.figures() == r.computation.figures
    frame = compare_scenarios(model, {"same": {"deadweight": "*1"}})
    assert frame.loc["base", "ratio"] == r.ratio
    assert frame.loc["same", "npv"] == r.npv
    sim = simulate(model, 3, seed=1)
    assert sim.ratio.tolist() == [r.ratio] * 3
    accounts = social_accounts(r)
    org = accounts.organisation
    assert org.investment.amount == r.total_investment
    assert org.present_value.amount == r.present_value
    assert org.npv == r.npv
    assert org.ratio == r.ratio


# ------------------------------------------------------------------ edges the mutation run found


def test_batch_investment_problem_is_located_and_worded():
    with pytest.raises(ModelError) as info:
        headline(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    (problem,) = info.value.problems
    assert problem.location == "inputs"
    assert problem.message == (
        "1 of 2 draws give a total investment of 0 or less; an SROI ratio needs inputs "
        "worth more than 0"
    )


def test_payback_with_a_first_year_impact_below_one():
    # 50p in the first year: £3 / (0.5 / 12) = 72 months
    assert payback_months(np.array([0.0, 0.5]), 3.0) == 72.0


def test_from_columns_problems_are_worded_and_located():
    with pytest.raises(ModelError) as info:
        outcomes(quantity=-1, value=math.nan, duration=1)
    assert [(p.location, p.message) for p in info.value.problems] == [
        ("quantity", "must be finite and >= 0"),
        ("value", "must be finite"),
    ]
    with pytest.raises(ModelError) as info:
        outcomes(quantity=1, value=1, duration=0)
    assert info.value.problems[0].location == "duration"
    with pytest.raises(ModelError) as info:
        outcomes(quantity=1, value=1, duration=1, start_year=0)
    assert info.value.problems[0].location == "start_year"
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1, value=1, duration=1), [1], [0.5], 0.0)
    assert info.value.problems[0].location == "inputs.year"


def test_from_columns_reads_decimals_as_floats():
    from decimal import Decimal

    a = outcomes(
        quantity=[Decimal("2")], value=[Decimal("10.5")], duration=1, deadweight=[Decimal("0.25")]
    )
    assert a.quantity.dtype == a.value.dtype == a.deadweight.dtype == np.float64
    assert compute(a, [Decimal("21")], [0], 0.0).ratio == 0.75  # 2 x 10.5 x 0.75 / 21
    c = compute(a, [Decimal("21")], [0], 0.0)
    assert c.present_value_by_input.dtype == np.float64


def test_from_columns_broadcasts_a_scalar_quantity_against_values():
    a = outcomes(quantity=2, value=[1, 2, 3], duration=1)
    assert a.quantity.tolist() == [2.0, 2.0, 2.0]


def test_annuity_factors_takes_float_years_and_broadcasts_one_drop_off():
    df = np.ones(4)
    a = annuity_factors(np.array([0.5]), np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 1.0]), df)
    assert a.tolist() == [1.5, 1.5, 1.0]
    from decimal import Decimal

    assert annuity_factors([Decimal("0.5")], np.array([1]), np.array([2]), df).tolist() == [1.5]
    assert annuity_factors(np.array([]), np.array([], int), np.array([], int), df).size == 0


def test_compute_with_no_outcomes_or_no_inputs():
    nothing = outcomes(quantity=[], value=[], duration=[])
    c = compute(nothing, [100.0], [0], 0.035)
    assert c.years.tolist() == [0]
    assert c.present_value == 0.0
    assert c.ratio == 0.0
    with pytest.raises(ModelError, match="total investment is 0"):
        compute(outcomes(quantity=1, value=1, duration=1), [], [], 0.035)


# ------------------------------------------------------------------ payback that was wrong


def test_payback_of_a_model_with_a_negative_npv_is_never():
    # £2,000 invested; a £1,000 benefit and a £7,000 disbenefit in year 1, at 0 %:
    # PV -6,000 + ... = 1,000 - 7,000 = -6,000? no: quantity 1 x 1,000 and 1 x -7,000.
    # With a later benefit of 1,000 in year 2 the PV is -5,000... keep it simple:
    # year 1 +1,000; year 2 -7,000. PV = -6,000, NPV = -8,000, ratio -3.
    c = compute(
        outcomes(quantity=[1, 1], value=[1_000, -7_000], duration=[1, 1], start_year=[1, 2]),
        [2_000],
        [0],
        0.0,
    )
    assert (c.present_value, c.npv, c.ratio) == (-6_000.0, -8_000.0, -3.0)
    # the old formula gave 2,000 / (1,000 / 12) = 24 months and a discounted payback of 2
    assert c.payback_months is None
    assert c.discounted_payback_years is None


def test_payback_with_a_small_disbenefit_first_is_reported():
    # year 1: +10 and -20 (nets to -10); years 2-4: +1,000. £1,500 invested, 0 %.
    c = compute(
        outcomes(
            quantity=[1, 1, 1], value=[10, -20, 1_000], duration=[1, 1, 3], start_year=[1, 1, 2]
        ),
        [1_500],
        [0],
        0.0,
    )
    assert c.impact_by_year.tolist() == [0.0, -10.0, 1_000.0, 1_000.0, 1_000.0]
    assert c.payback_months == 18.0  # 1,500 / (1,000 / 12), from year 2
    # net -1,500, -1,510, -510, +490: 510 / 1,000 into year 3
    assert c.discounted_payback_years == pytest.approx(2.51)


# ------------------------------------------------------------------ figures that overflowed


def test_a_tiny_investment_is_an_error_not_an_infinite_ratio():
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1, value=1_000, duration=1), [5e-324], [0], 0.0)
    (problem,) = info.value.problems
    assert problem.location == "inputs"
    assert "too small against the present value" in problem.message


def test_inputs_past_float_range_are_located():
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1, value=1, duration=1), [1e308, 1e308], [0, 0], 0.0)
    assert info.value.problems[0].location == "inputs"
    assert "too large" in info.value.problems[0].message
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1, value=1, duration=1), [1.0, math.inf], [0, 1], 0.0)
    assert [p.location for p in info.value.problems] == ["inputs[1]"]


def test_quantity_times_value_overflow_is_located():
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=[1, 1e200], value=[1, 1e200], duration=1), [1], [0], 0.0)
    assert [p.location for p in info.value.problems] == ["outcomes[1]"]
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=[1e308, 1e308], value=[1.0, 1.0], duration=1), [1], [0], 0.0)
    assert info.value.problems[0].location == "outcomes"


def test_a_subnormal_impact_gives_no_payback():
    c = compute(outcomes(quantity=1, value=5e-324, duration=1), [1.0], [0], 0.0)
    assert c.payback_months is None
    assert c.discounted_payback_years is None


# ------------------------------------------------------------------ review findings


@pytest.mark.parametrize("drop_off", [1.5, -0.5, math.nan])
def test_compute_checks_drop_off(drop_off):
    arrays = OutcomeArrays(**{**outcomes(**HAND).__dict__, "drop_off": np.array([drop_off])})
    with pytest.raises(ModelError) as info:
        compute(arrays, [150_000], [0], 0.035)
    assert info.value.problems[0].location == "drop_off"


def test_compute_refuses_a_horizon_past_the_longest_model():
    # a model may start an outcome in year 1,000 and keep it 1,000 years: year 1,999
    c = compute(outcomes(quantity=1, value=1, duration=1_000, start_year=1_000), [1], [0], 0.0)
    assert c.years[-1] == 1_999
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1, value=1, duration=10**7), [1], [0], 0.0)
    assert info.value.problems[0].location == "outcomes"
    assert "up to year 1,999" in info.value.problems[0].message
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1, value=1, duration=1), [1], [5_000], 0.0)
    assert info.value.problems[0].location == "inputs.year"


def test_compute_can_leave_the_checks_to_a_caller_with_many_chunks():
    c = compute(outcomes(quantity=1, value=1, duration=1), [0.0], [0], 0.0, check=False)
    assert c.total_investment == 0.0


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("examples/council_contract.yaml", {"price_year": 2020}),
        ("examples/housing_community_investment.yaml", {"discount_rate": "green_book"}),
    ],
)
def test_the_organisations_account_is_the_evaluation(path, kwargs):
    """The areas' sums can differ from the engine's in the last bit; the organisation may not."""
    from pathlib import Path

    from sroi.report import social_accounts

    r = sroi.evaluate(Path(__file__).parent.parent / path, **kwargs)
    org = social_accounts(r).organisation
    assert (org.present_value.amount, org.investment.amount) == (
        r.present_value,
        r.total_investment,
    )
    assert (org.npv, org.ratio) == (r.npv, r.ratio)


# ------------------------------------------------------------------ conventions, by hand
# The hand case: 100 x £1,000, deadweight 25 %, attribution 10 %, drop-off 10 %, 3 years at
# 3.5 %, £150,000 at year 0; under each convention the arithmetic is written out.


def hand(**changes):
    columns = {**HAND, **changes}
    return outcomes(**columns)


def test_convention_drop_off_from_the_first_year():
    c = compute(hand(), [150_000], [0], 0.035, conventions={"drop_off_from": "first_year"})
    # 67,500 x 0.9 = 60,750; x 0.9 = 54,675; x 0.9 = 49,207.50
    assert c.impact_by_year[1:] == pytest.approx([60_750, 54_675, 49_207.5], rel=1e-15)
    pv = 60_750 / 1.035 + 54_675 / 1.035**2 + 49_207.5 / 1.035**3
    assert c.present_value == pytest.approx(pv, rel=1e-14)
    assert round(c.present_value, 2) == 154_117.70


def test_drop_off_from_the_first_year_for_some_outcomes_only():
    arrays = outcomes(
        quantity=[100, 100], value=1_000, duration=3, deadweight=0.25, attribution=0.1,
        drop_off=0.1, drop_off_from_first_year=[True, False],
    )  # fmt: skip
    c = compute(arrays, [150_000], [0], 0.035)
    assert round(c.present_value_by_outcome[0], 2) == 154_117.70
    assert round(c.present_value_by_outcome[1], 2) == 171_241.88


def test_convention_partial_years_pro_rata():
    c = compute(
        hand(duration=2.5), [150_000], [0], 0.035, conventions={"partial_years": "pro_rata"}
    )
    # the third year counts half of 54,675 = 27,337.50, discounted as year 3
    assert c.impact_by_year[1:] == pytest.approx([67_500, 60_750, 27_337.5], rel=1e-15)
    pv = 67_500 / 1.035 + 60_750 / 1.035**2 + 27_337.5 / 1.035**3
    assert c.present_value == pytest.approx(pv, rel=1e-14)
    assert round(c.present_value, 2) == 146_585.03


def test_a_part_year_is_an_error_unless_the_convention_allows_it():
    with pytest.raises(ModelError) as info:
        compute(hand(duration=2.5), [150_000], [0], 0.035)
    (problem,) = info.value.problems
    assert problem.location == "outcomes[0].duration"
    assert "partial_years: pro_rata" in problem.message


def test_convention_mid_year_discounting():
    c = compute(hand(), [150_000], [0], 0.035, conventions={"discount_timing": "mid_year"})
    pv = 67_500 / 1.035**0.5 + 60_750 / 1.035**1.5 + 54_675 / 1.035**2.5
    assert c.present_value == pytest.approx(pv, rel=1e-14)
    assert round(c.present_value, 2) == 174_212.84
    assert c.total_investment == 150_000  # year-0 inputs stay undiscounted


def test_convention_start_of_year_discounting():
    c = compute(hand(), [150_000], [0], 0.035, conventions={"discount_timing": "start_of_year"})
    pv = 67_500 + 60_750 / 1.035 + 54_675 / 1.035**2
    assert c.present_value == pytest.approx(pv, rel=1e-14)
    assert round(c.present_value, 2) == 177_235.35


def test_discount_timing_applies_to_inputs_after_year_0():
    # £1,035 in year 1: at mid year 1,035 / 1.035 ** 0.5; at the start of year 1, 1,035
    mid = compute(hand(), [1_035], [1], 0.035, conventions={"discount_timing": "mid_year"})
    assert mid.total_investment == pytest.approx(1_035 / 1.035**0.5, rel=1e-15)
    start = compute(hand(), [1_035], [1], 0.035, conventions={"discount_timing": "start_of_year"})
    assert start.total_investment == 1_035


def test_mid_year_on_a_schedule_is_half_a_year_at_that_years_rate():
    # year 31 of the Green Book schedule: DF(30) at 3.5 %, then half a year at 3 %
    c = compute(
        outcomes(quantity=1, value=1, duration=1, start_year=31),
        [1],
        [0],
        "green_book",
        conventions={"discount_timing": "mid_year"},
    )
    assert c.present_value == pytest.approx(1 / 1.035**30 / 1.03**0.5, rel=1e-14)


def test_convention_additive_deductions():
    c = compute(hand(), [150_000], [0], 0.035, conventions={"deductions": "additive"})
    # 100,000 x (1 - 0.25 - 0 - 0.10) = 65,000; then 58,500 and 52,650 after drop-off
    assert c.impact_by_year[1:] == pytest.approx([65_000, 58_500, 52_650], rel=1e-15)
    pv = 65_000 / 1.035 + 58_500 / 1.035**2 + 52_650 / 1.035**3
    assert c.present_value == pytest.approx(pv, rel=1e-14)
    assert round(c.present_value, 2) == 164_899.59
    assert (c.after_deadweight[0], c.after_attribution[0]) == (75_000.0, 65_000.0)


def test_leakage_as_a_fifth_deduction():
    c = compute(hand(leakage=0.2), [150_000], [0], 0.035)
    # 67,500 x 0.8 = 54,000; 48,600; 43,740
    assert c.impact_by_year[1:] == pytest.approx([54_000, 48_600, 43_740], rel=1e-15)
    assert c.after_attribution[0] == 67_500 and c.after_leakage[0] == 54_000
    pv = 54_000 / 1.035 + 48_600 / 1.035**2 + 43_740 / 1.035**3
    assert c.present_value == pytest.approx(pv, rel=1e-14)
    assert round(c.present_value, 2) == 136_993.51


def test_deadweight_year_by_year():
    arrays = hand(drop_off=0.0, profiles={"deadweight": [[0.15, 0.30, 0.45]]})
    c = compute(arrays, [150_000], [0], 0.035)
    # 100,000 x 0.85 x 0.9 = 76,500; x 0.70 x 0.9 = 63,000; x 0.55 x 0.9 = 49,500
    assert c.impact_by_year[1:] == pytest.approx([76_500, 63_000, 49_500], rel=1e-15)
    pv = 76_500 / 1.035 + 63_000 / 1.035**2 + 49_500 / 1.035**3
    assert c.present_value == pytest.approx(pv, rel=1e-14)
    assert round(c.present_value, 2) == 177_370.38


def test_quantity_year_by_year_with_drop_off():
    # 100, 80, 50 people; drop-off 10 % still applies on top
    arrays = hand(profiles={"quantity": [[100, 80, 50]]})
    c = compute(arrays, [150_000], [0], 0.0)
    # 67,500; 54,000 x 0.9 = 48,600; 33,750 x 0.81 = 27,337.50
    assert c.impact_by_year[1:] == pytest.approx([67_500, 48_600, 27_337.5], rel=1e-15)
    assert c.present_value == pytest.approx(67_500 + 48_600 + 27_337.5, rel=1e-15)


def test_a_profile_shorter_than_the_outcome_is_refused():
    with pytest.raises(ModelError) as info:
        compute(hand(profiles={"deadweight": [[0.1, 0.2]]}), [1], [0], 0.0)
    assert info.value.problems[0].location == "profiles.deadweight"


def test_convention_valuation_year():
    c = compute(hand(), [150_000], [0], 0.035, conventions={"valuation_year": 3})
    # every present value times 1.035 ** 3
    assert c.present_value == pytest.approx(HAND_PV * 1.035**3, rel=1e-14)
    assert round(c.present_value, 2) == 189_858.94
    assert round(c.total_investment, 2) == 166_307.68
    assert round(c.ratio, 4) == 1.1416
    assert c.ratio == pytest.approx(HAND_PV / 150_000, rel=1e-14)


def test_default_conventions_change_nothing_to_the_bit():
    plain = compute(hand(), [150_000], [0], 0.035)
    named = compute(
        hand(leakage=0.0, drop_off_from_first_year=False),
        [150_000],
        [0],
        0.035,
        conventions={
            "drop_off_from": "second_year",
            "partial_years": "pro_rata",
            "discount_timing": "end_of_year",
            "deductions": "multiplicative",
            "valuation_year": 0,
        },
    )
    assert named.present_value == plain.present_value == HAND_PV_ENGINE
    assert plain.present_value == pytest.approx(HAND_PV_EXACT, rel=1e-15)
    assert named.impact.tolist() == plain.impact.tolist()


HAND_PV_ENGINE = 171241.88378400594  # the engine's own figure for the hand case, as it stands
HAND_PV_EXACT = float(
    Fraction(67_500) / Fraction("1.035")
    + Fraction(60_750) / Fraction("1.035") ** 2
    + Fraction(54_675) / Fraction("1.035") ** 3
)  # the hand case in exact rational arithmetic, rounded once


def test_unknown_or_wrong_conventions_are_located():
    with pytest.raises(ModelError) as info:
        compute(hand(), [1], [0], 0.0, conventions={"discount_timing": "midyear", "valuation": 2})
    locations = sorted(p.location for p in info.value.problems)
    assert locations == ["conventions.discount_timing", "conventions.valuation"]


# ------------------------------------------------------------------ every message, exactly


def only_problem(info) -> tuple[str, str]:
    (problem,) = info.value.problems
    return problem.location, problem.message


OVERFLOW_INPUTS = (
    "the total investment is too large to compute (it overflows a float); give amounts in "
    "thousands or millions"
)
OVERFLOW_VALUE = (
    "the present value is too large to compute (it overflows a float); give values in "
    "thousands or millions"
)
TOO_SMALL = (
    "the total investment is too small against the present value for a ratio (it overflows a float)"
)


@pytest.mark.parametrize(
    ("present_value", "investment", "expected"),
    [
        (1.0, math.inf, ("inputs", OVERFLOW_INPUTS)),
        (math.inf, 1.0, ("outcomes", OVERFLOW_VALUE)),
        (math.nan, 1.0, ("outcomes", OVERFLOW_VALUE)),
        (1.0, 5e-324, ("inputs", TOO_SMALL)),
        # a ratio of -1 but a net ratio of -inf: (-1e308 - 1e308) overflows
        (-1e308, 1e308, ("inputs", TOO_SMALL)),
    ],
)
def test_headline_refuses_figures_that_overflow(present_value, investment, expected):
    with pytest.raises(ModelError) as info:
        headline(present_value, investment)
    assert only_problem(info) == expected


@pytest.mark.parametrize(
    ("present_value", "investment", "expected"),
    [
        (np.array([1.0, 2.0]), np.array([1.0, math.inf]),
         "1 of 2 draws give a total investment too large to compute (it overflows a float)"),
        (np.array([math.inf, math.inf, 1.0]), np.array([1.0, 1.0, 1.0]),
         "2 of 3 draws give a present value too large to compute (it overflows a float)"),
        (np.array([1.0, 1.0]), np.array([1.0, 5e-324]),
         "1 of 2 draws give a total investment too small against the present value for a ratio"),
        # a scalar investment against draws of present value is a batch too
        (np.array([1.0, 2.0]), 0.0,
         "2 of 2 draws give a total investment of 0 or less; an SROI ratio needs inputs worth "
         "more than 0"),
        (1.0, np.array([0.0, 1.0]),
         "1 of 2 draws give a total investment of 0 or less; an SROI ratio needs inputs worth "
         "more than 0"),
    ],
)  # fmt: skip
def test_headline_of_a_batch_names_the_draws(present_value, investment, expected):
    with pytest.raises(ModelError) as info:
        headline(present_value, investment)
    assert only_problem(info)[1] == expected


def test_headline_takes_decimals():
    from decimal import Decimal

    h = headline(Decimal("300"), Decimal("200"))
    assert (h.ratio, h.npv) == (Decimal("1.5"), Decimal("100"))


def test_payback_months_that_overflow_are_none():
    # 1e10 / (1e-300 / 12) overflows a float
    assert payback_months(np.array([0.0, 1e-300]), 1e10) is None


def test_cumulative_net_value_is_float_and_cumulative():
    got = cumulative_net_value([0, 3, 4], [5, 0, 1])
    assert got.dtype == np.float64
    assert got.tolist() == [-5.0, -2.0, 1.0]


def test_year_weights_by_hand():
    years, last = year_weights([3, 1])
    assert years.dtype == np.int64 and last.dtype == np.float64
    assert (years.tolist(), last.tolist()) == ([3, 1], [1.0, 1.0])
    years, last = year_weights(np.array([0.25, 4.75]))
    assert (years.tolist(), last.tolist()) == ([1, 5], [0.25, 0.75])


def test_discount_factors_timed_by_hand():
    assert discount_factors_timed(0.1, [0, 1, 2]).tolist() == pytest.approx([1, 1 / 1.1, 1 / 1.21])
    assert discount_factors_timed(0.1, [0, 2], "start_of_year").tolist() == pytest.approx(
        [1, 1 / 1.1]
    )
    assert discount_factors_timed(0.1, [0], "start_of_year").tolist() == [1.0]
    assert discount_factors_timed(0.1, [], "mid_year").size == 0
    mid = discount_factors_timed(0.21, [1, 2], "mid_year")
    assert mid.tolist() == pytest.approx([1 / 1.1, 1 / 1.21 / 1.1])
    with pytest.raises(ModelError) as info:
        discount_factors_timed(0.1, [1], "midyear")
    assert info.value.problems[0].value == "midyear"
    assert only_problem(info) == (
        "conventions.discount_timing",
        "must be one of 'end_of_year', 'mid_year', 'start_of_year'",
    )
    with pytest.raises(ModelError) as info:
        discount_factors_timed(0.1, [-1], "mid_year")
    assert info.value.problems[0].location == "years"


def test_deduct_defaults_to_multiplicative_and_names_each_deduction():
    # chained: 1,000 x 0.5 x 0.5 x 0.5 x 0.5; added: 1,000 x (1 - 0.2 - 0.2 - 0.2 - 0.2)
    assert [float(x) for x in deduct(1_000.0, 0.5, 0.5, 0.5, 0.5)] == [500.0, 250.0, 125.0, 62.5]
    added = deduct(1_000.0, 0.2, 0.2, 0.2, 0.2, additive=True)
    assert [float(x) for x in added] == pytest.approx([800.0, 600.0, 400.0, 200.0])
    # no leakage given: after leakage is after attribution
    assert [float(x) for x in deduct(1_000.0, 0.1, 0.1, 0.1, None, additive=True)] == (
        pytest.approx([900.0, 800.0, 700.0, 700.0])
    )
    for i, name in enumerate(("deadweight", "displacement", "attribution", "leakage")):
        rates = [0.0, 0.0, 0.0, 0.0]
        rates[i] = 1.5
        with pytest.raises(ModelError) as info:
            deduct(1_000.0, *rates, additive=True)
        assert info.value.problems[0].location == name


def test_from_columns_duration_must_be_above_zero():
    with pytest.raises(ModelError) as info:
        outcomes(quantity=1, value=1, duration=[1, -2])
    assert only_problem(info) == ("duration", "must be a number of years above 0")
    with pytest.raises(ModelError) as info:
        outcomes(quantity=1, value=1, duration="3")
    assert info.value.problems[0].location == "duration"
    flags = outcomes(quantity=[1, 1], value=1, duration=1, drop_off_from_first_year=[1, 0])
    assert flags.drop_off_from_first_year.dtype == np.bool_


def test_part_years_are_all_reported_up_to_twenty():
    arrays = outcomes(quantity=1, value=1, duration=[2.5] * 25 + [2.0])
    with pytest.raises(ModelError) as info:
        compute(arrays, [1], [0], 0.0)
    problems = info.value.problems
    assert len(problems) == 20
    assert problems[0].location == "outcomes[0].duration"
    assert problems[0].value == 2.5
    assert problems[0].message == (
        "must be a whole number of years; for a part year at the end, set the convention "
        "partial_years: pro_rata"
    )


def test_overflowing_outcomes_are_reported_up_to_twenty_with_the_message():
    arrays = outcomes(quantity=1e300, value=[1e300] * 25 + [1.0], duration=1)
    with pytest.raises(ModelError) as info:
        compute(arrays, [1], [0], 0.0)
    problems = info.value.problems
    assert len(problems) == 20
    assert problems[0].location == "outcomes[0]"
    assert problems[0].message == (
        "quantity x value over the outcome's years is too large to compute (it overflows a "
        "float); give amounts in thousands or millions"
    )
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1, value=1, duration=1), [math.inf], [0], 0.0)
    assert info.value.problems[0].message.startswith("the amount is too large")


def test_only_the_part_years_are_reported():
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1, value=1, duration=[2.0, 2.5]), [1], [0], 0.0)
    assert [p.location for p in info.value.problems] == ["outcomes[1].duration"]


def test_infinity_times_nothing_is_an_overflow_not_a_nan():
    # 1e300 x 1e300 overflows; a deadweight of 1 would then give inf x 0 = NaN
    with pytest.raises(ModelError) as info:
        compute(outcomes(quantity=1e300, value=1e300, duration=1, deadweight=1.0), [1], [0], 0.0)
    assert info.value.problems[0].location == "outcomes[0]"


def test_overflow_in_a_batch_is_located_by_outcome():
    base = outcomes(quantity=[1.0, 1.0], value=[1e300, 1.0], duration=1)
    draws = OutcomeArrays(**{**base.__dict__, "quantity": np.array([[1.0, 1.0], [1e300, 1.0]])})
    with pytest.raises(ModelError) as info:
        compute(draws, [1], [0], 0.0)
    assert [p.location for p in info.value.problems] == ["outcomes[0]"]


def test_the_horizon_error_names_the_inputs_when_only_they_reach_too_far():
    # an outcome ending exactly in the last year allowed, an input far beyond it
    last = outcomes(quantity=1, value=1, duration=1, start_year=MAX_HORIZON)
    with pytest.raises(ModelError) as info:
        compute(last, [1], [5_000], 0.0)
    assert info.value.problems[0].location == "inputs.year"
    nothing = outcomes(quantity=[], value=[], duration=[])
    with pytest.raises(ModelError) as info:
        compute(nothing, [1], [5_000], 0.0)
    assert info.value.problems[0].location == "inputs.year"


# ------------------------------------------------------------------ profiles, at the edges


def test_profile_problems_are_located_and_worded():
    cases = [
        ({"duration": [[1.0]]}, "profiles.duration",
         "may be given for quantity, value, deadweight, displacement, attribution, leakage"),
        ({"deadweight": [[0.1], [0.2]]}, "profiles.deadweight",
         "must have one row per outcome (1)"),
        ({"quantity": [[-1.0, 1.0, 1.0]]}, "profiles.quantity", "must be finite and >= 0"),
        ({"quantity": [[math.inf, 1.0, 1.0]]}, "profiles.quantity", "must be finite and >= 0"),
        ({"attribution": [[0.1, 1.5, 0.1]]}, "attribution", "must be a fraction between 0 and 1"),
        ({"leakage": "x"}, "profiles.leakage", "must be a number or an array of numbers, not text"),
    ]  # fmt: skip
    for profiles, location, message in cases:
        with pytest.raises(ModelError) as info:
            hand(profiles=profiles)
        problem = info.value.problems[0]
        assert (problem.location, problem.message) == (location, message), profiles
    with pytest.raises(ModelError) as info:
        hand(profiles={"duration": [[1.0]]})
    assert info.value.problems[0].value == "duration"
    # no one in a year, or half a person, is a quantity like any other
    c = compute(hand(profiles={"quantity": [[0.0, 0.5, 1.0]]}), [1], [0], 0.0)
    assert c.impact_by_year[1:].tolist() == [0.0, 0.5 * 675 * 0.9, 675 * 0.81]


def test_profiles_of_no_outcomes():
    nothing = outcomes(
        quantity=[], value=[], duration=[], profiles={"deadweight": np.zeros((0, 3))}
    )
    assert compute(nothing, [1], [0], 0.0).present_value == 0.0


def test_profile_as_long_as_the_outcome_is_enough():
    c = compute(hand(duration=1, profiles={"deadweight": [[0.5]]}), [1], [0], 0.0)
    assert c.present_value == 100_000 * 0.5 * 0.9  # deadweight 50 %, attribution 10 %
    with pytest.raises(ModelError) as info:
        compute(hand(profiles={"deadweight": [[0.1, 0.2]]}), [1], [0], 0.0)
    assert only_problem(info) == (
        "profiles.deadweight",
        "gives 2 years; the longest outcome lasts 3",
    )


def test_profiles_with_outcomes_of_different_lengths_and_every_convention():
    # outcome 0: 3 years, deadweight 10 / 20 / 30 %; outcome 1: 1 year, no deadweight
    arrays = outcomes(
        quantity=[10, 10], value=[100, 100], duration=[3, 1], drop_off=[0.5, 0.0],
        leakage=[0.5, 0.0], displacement=[0.5, 0.0],
        profiles={"deadweight": [[0.1, 0.2, 0.3], [0.0, 0.0, 0.0]]},
    )  # fmt: skip
    c = compute(arrays, [100], [0], 0.0)
    # outcome 0, chained: 1,000 x (1 - dw_k) x 0.5 x 0.5, dropping off 50 % a year
    o0 = [1_000 * 0.9 * 0.25, 1_000 * 0.8 * 0.25 * 0.5, 1_000 * 0.7 * 0.25 * 0.25]
    assert c.present_value_by_outcome.tolist() == pytest.approx([sum(o0), 1_000.0])
    assert c.impact[0, 1:].tolist() == pytest.approx(o0)
    assert c.impact[1, 1:].tolist() == [1_000.0, 0.0, 0.0]
    # the first-year steps are the first year's
    assert (c.after_deadweight[0], c.after_displacement[0]) == (900.0, 450.0)
    assert (c.after_attribution[0], c.after_leakage[0]) == (450.0, 225.0)
    # additive: 1,000 x (1 - dw_k - 0.5 - 0.5) leaves nothing in any year
    add = compute(arrays, [100], [0], 0.0, conventions={"deductions": "additive"})
    assert add.present_value_by_outcome.tolist() == [0.0, 1_000.0]
    # drop-off from the first year and a part year: outcome 0 over 2.5 years
    part = OutcomeArrays(**{**arrays.__dict__, "duration": np.array([2.5, 1.0])})
    c = compute(part, [100], [0], 0.0, conventions={"drop_off_from": "first_year",
                                                  "partial_years": "pro_rata"})  # fmt: skip
    o0 = [225 * 0.5, 200 * 0.25, 175 * 0.125 * 0.5]  # the third year counts half
    assert c.present_value_by_outcome.tolist() == pytest.approx([sum(o0), 1_000.0])
    assert c.impact[0, 1:].tolist() == pytest.approx(o0)


def test_a_batch_of_draws_with_a_profile_is_each_draw_computed_alone():
    arrays = hand(profiles={"deadweight": [[0.1, 0.2, 0.3]]})
    for name in ("quantity", "value", "attribution", "drop_off"):
        column = np.array([[0.1], [0.3]]) if name in ("attribution", "drop_off") else None
        batch = column if column is not None else np.array([[1.0], [2.0]])
        draws = OutcomeArrays(**{**arrays.__dict__, name: batch})
        together = compute(draws, [1], [0], 0.035, check=False)
        for d in range(2):
            one = OutcomeArrays(**{**arrays.__dict__, name: batch[d]})
            alone = compute(one, [1], [0], 0.035)
            assert together.present_value_by_outcome[d].tolist() == pytest.approx(
                alone.present_value_by_outcome.tolist(), rel=1e-15
            )


# ------------------------------------------------------------------ payback over a batch
# One payback per row of a (projects, years) table, NaN (-1 for the year) where one model
# gives None; tests/test_payback_batch.py checks it row by row on generated tables.


def test_payback_over_a_batch_of_year_tables():
    # rows: pays back within year 2; never (NPV < 0); exactly at the end of the last year;
    # at once (never below zero); no impact at all; dips below zero again with a later input.
    pv = np.array(
        [
            [0.0, 600, 600, 0],
            [0.0, 100, 100, 100],
            [0.0, 400, 300, 300],
            [0.0, 0, 0, 0],
            [0.0, 0, 0, 0],
            [0.0, 800, 300, 400],
        ]
    )
    invested = np.zeros_like(pv)
    invested[:, 0] = [1_000.0, 1_000, 1_000, 0, 1_000, 1_000]
    invested[5, 2] = 400.0
    dpb = discounted_payback_years(pv, invested)
    # net values: -1000 -400 200 | ... -700 | -1000 -600 -300 0 | 0 | | -1000 -200 -300 100
    np.testing.assert_array_equal(dpb, [1 + 400 / 600, np.nan, 2 + 300 / 300, 0.0, np.nan, 2.75])
    assert payback_year(pv).tolist() == [1, 1, 1, -1, -1, 1]
    months = payback_months(pv, invested.sum(axis=1), pays_back=~np.isnan(dpb))
    # 1,000 / (600 / 12) = 20; 1,000 / (400 / 12) = 30; 1,400 / (800 / 12) = 21
    np.testing.assert_allclose(months, [20.0, np.nan, 30.0, np.nan, np.nan, 21.0], rtol=1e-15)
    # the flag may be one for the batch, and False hides every row
    assert np.isnan(payback_months(pv, invested.sum(axis=1), pays_back=False)).all()
    np.testing.assert_allclose(payback_months(pv[:3], 1_200.0), [24.0, 144.0, 36.0], rtol=1e-15)
    # row by row, the one-model form gives the same, None for NaN
    for k in range(pv.shape[0]):
        one = discounted_payback_years(pv[k], invested[k])
        assert (one is None) if np.isnan(dpb[k]) else one == dpb[k]
    np.testing.assert_array_equal(
        cumulative_net_value(pv, invested)[2], [-1_000.0, -600.0, -300.0, 0.0]
    )


def test_payback_months_over_a_batch_with_subnormal_and_overflowing_rows():
    impact = np.array([[0.0, 5e-324], [0.0, 1e-300], [0.0, 600.0], [0.0, -600.0]])
    months = payback_months(impact, np.array([1_200.0, 1e300, 1_200.0, 1_200.0]))
    # a subnormal year gives infinite months, 1e300 / (1e-300 / 12) overflows: no payback
    np.testing.assert_array_equal(months, [np.nan, np.nan, 24.0, np.nan])
    assert payback_year(impact).tolist() == [1, 1, 1, -1]
    assert payback_months(impact[1], 1e300) is None


def test_payback_over_leading_axes():
    pv = np.array([[[0.0, 600, 600], [0.0, 100, 100]], [[0.0, 0, 0], [0.0, 2_000, 0]]])
    invested = np.zeros_like(pv)
    invested[..., 0] = 1_000.0
    dpb = discounted_payback_years(pv, invested)
    assert dpb.shape == (2, 2)
    np.testing.assert_array_equal(dpb, [[1 + 400 / 600, np.nan], [np.nan, 0.5]])
    assert payback_year(pv).tolist() == [[1, 1], [-1, 1]]
    # a table of one year: pays back at once or never
    one = discounted_payback_years(np.array([[5.0], [1.0]]), np.array([[5.0], [2.0]]))
    np.testing.assert_array_equal(one, [0.0, np.nan])
