"""Every public function of ``sroi.adjustments``, against arithmetic written out by hand.

Each adjustment is checked on values worked by hand (the arithmetic is written in the test),
at the boundaries 0 and 1 of its rates (both allowed), on arrays that broadcast, and on
every way its arguments can be wrong: each must raise :class:`~sroi.errors.ModelError`
whose single problem names the parameter, says what is allowed and records the value given.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Union

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sroi.adjustments
from sroi.adjustments import (
    DEFAULT_DISCOUNT_RATE,
    GREEN_BOOK,
    GREEN_BOOK_HEALTH,
    SCHEDULES,
    DiscountRate,
    additive,
    attribution,
    deadweight,
    discount_factors,
    displacement,
    drop_off,
    drop_off_factor,
    leakage,
    present_value,
    rates_from_bands,
    yearly_rates,
)
from sroi.adjustments._checks import as_fraction, as_whole_years
from sroi.errors import ModelError, Problem, SROIError

NAN = float("nan")
INF = float("inf")
FRACTION = "must be a fraction between 0 and 1"
DISCOUNT = "a discount rate must be between 0 and 1"
BANDS = "bands must start at year 1, in increasing order"
NON_EMPTY = "yearly rates must be a non-empty list"
UNKNOWN = (
    "unknown discount schedule; allowed: a number between 0 and 1, a list of yearly rates, "
    "or one of 'green_book', 'green_book_health'"
)
WHOLE_YEARS = "must be a whole number of years >= 0"
DEDUCTIONS = {
    "deadweight": deadweight,
    "displacement": displacement,
    "attribution": attribution,
    "leakage": leakage,
}

# The functions of sroi.adjustments whose tests are in this file; the last test checks the
# list against the package's exports, so a new export without tests fails here.
TESTED = {
    # optimism bias and distributional weights are tested in tests/test_who_benefits.py
    "CAPEX_UPPER_BOUNDS",
    "ELASTICITY",
    "equity_weights",
    "optimism_bias",
    "DEFAULT_DISCOUNT_RATE",
    "GREEN_BOOK",
    "GREEN_BOOK_HEALTH",
    "SCHEDULES",
    "DiscountRate",
    "additive",
    "attribution",
    "deadweight",
    "discount_factors",
    "displacement",
    "drop_off",
    "drop_off_factor",
    "leakage",
    "present_value",
    "rates_from_bands",
    "yearly_rates",
}


def the_problem(info: pytest.ExceptionInfo) -> Problem:
    """The single problem of a ModelError (and check the error's exact class)."""
    assert type(info.value) is ModelError
    assert isinstance(info.value, ValueError) and isinstance(info.value, SROIError)
    assert len(info.value.problems) == 1
    return info.value.problems[0]


def assert_same_value(got: object, expected: float) -> None:
    """The value recorded in a problem: NaN matches NaN; JSON-serialisable either way."""
    json.dumps(got)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == expected


# ------------------------------------------------------------------ deductions


def test_deadweight_by_hand():
    # 100 people x £1,000 a year, a quarter of whom would have gained it anyway.
    assert deadweight(1000.0, 0.25) == 750.0
    assert deadweight(100 * 1_000, 0.25) == 100 * 1_000 * (1 - 0.25) == 75_000.0
    assert deadweight(1000.0, 0.1) == pytest.approx(1000.0 * 0.9, rel=1e-15)


def test_displacement_by_hand():
    assert displacement(75_000, 0.2) == pytest.approx(75_000 * 0.8, rel=1e-15)  # 60,000
    assert displacement(1000.0, 0.5) == 500.0


def test_attribution_by_hand():
    assert attribution(75_000, 0.1) == pytest.approx(75_000 * 0.9, rel=1e-15)  # 67,500
    assert attribution(1000.0, 0.75) == 250.0


@pytest.mark.parametrize("name", DEDUCTIONS)
def test_deduction_returns_a_float_array(name):
    out = DEDUCTIONS[name](1000, 0)  # integers in, floats out
    assert isinstance(out, np.generic | np.ndarray) and out.dtype == np.float64
    assert np.shape(out) == ()
    assert DEDUCTIONS[name]([1000], [0]).dtype == np.float64
    assert out == 1000.0


@pytest.mark.parametrize("name", DEDUCTIONS)
def test_deduction_boundaries_zero_and_one_are_allowed(name):
    f = DEDUCTIONS[name]
    assert f(1234.5, 0.0) == 1234.5  # nothing deducted
    assert f(1234.5, 1.0) == 0.0  # everything deducted
    assert f(1234.5, 0) == 1234.5 and f(1234.5, 1) == 0.0  # integer rates too
    assert f([1000.0, 2000.0], [0.0, 1.0]).tolist() == [1000.0, 0.0]


@pytest.mark.parametrize("name", DEDUCTIONS)
def test_deduction_of_a_disbenefit_keeps_its_sign(name):
    assert DEDUCTIONS[name](-1000.0, 0.25) == -750.0


@pytest.mark.parametrize("name", DEDUCTIONS)
def test_deduction_broadcasts(name):
    f = DEDUCTIONS[name]
    assert f([1000.0, 2000.0, 4000.0], 0.25).tolist() == [750.0, 1500.0, 3000.0]
    assert f(1000.0, [0.0, 0.25, 0.5]).tolist() == [1000.0, 750.0, 500.0]
    grid = f([[1000.0], [2000.0]], [0.0, 0.5, 1.0])
    assert grid.shape == (2, 3)
    assert grid.tolist() == [[1000.0, 500.0, 0.0], [2000.0, 1000.0, 0.0]]


def test_money_in_any_real_number_type_comes_out_as_floats():
    # Money read as Decimal (or a big integer) is taken as a float: Decimal and float do not
    # multiply, so the value has to be converted before the deduction.
    for name, f in DEDUCTIONS.items():
        out = f(Decimal("1000"), 0.25)
        assert out == 750.0 and out.dtype == np.float64, name
        assert f([Decimal("2000"), 10**20], 0.5).tolist() == [1000.0, 0.5e20], name
    assert drop_off(Decimal("1000"), 0.5, [0, 1]).tolist() == [1000.0, 500.0]
    assert present_value([Decimal("100"), Decimal("103.5")], [0, 1], 0.035) == pytest.approx(200.0)


def test_deductions_chain_multiplicatively_in_any_order():
    # 1,000 x (1 - 0.5) x (1 - 0.5) x (1 - 0.5) = 125, where additive deductions would leave 0.
    assert attribution(displacement(deadweight(1000.0, 0.5), 0.5), 0.5) == 125.0
    # 100,000 x 0.75 x 1.0 x 0.9 = 67,500: the hand-worked first-year impact.
    chain = attribution(displacement(deadweight(100_000, 0.25), 0.0), 0.10)
    assert chain == pytest.approx(100_000 * 0.75 * 1.0 * 0.9, rel=1e-15)
    reverse = deadweight(displacement(attribution(100_000, 0.10), 0.0), 0.25)
    assert reverse == pytest.approx(chain, rel=1e-15)


@pytest.mark.parametrize("name", DEDUCTIONS)
@pytest.mark.parametrize("bad", [1.5, -0.1, NAN, INF, -INF, 1.0000001, -1e-12])
def test_deduction_rate_out_of_range_is_refused(name, bad):
    with pytest.raises(ModelError) as info:
        DEDUCTIONS[name](1000.0, bad)
    problem = the_problem(info)
    assert problem.location == name
    assert problem.message == FRACTION
    assert_same_value(problem.value, bad)
    assert str(info.value).startswith(f"1 problem in the model:\n  {name}: {FRACTION} (got ")


@pytest.mark.parametrize("name", DEDUCTIONS)
def test_deduction_reports_the_first_bad_rate_of_an_array(name):
    # The boundaries 0 and 1 come first, so a check that wrongly refused them would report
    # them instead of the real culprit.
    with pytest.raises(ModelError) as info:
        DEDUCTIONS[name]([1.0, 1.0, 1.0, 1.0], [0.0, 1.0, 1.5, -0.5])
    assert the_problem(info).value == 1.5
    with pytest.raises(ModelError) as info:
        DEDUCTIONS[name](1.0, [[1.0, 0.0], [0.5, -0.5]])
    assert the_problem(info).value == -0.5


@pytest.mark.parametrize("name", DEDUCTIONS)
def test_deduction_rate_of_none_is_refused(name):
    with pytest.raises(ModelError) as info:
        DEDUCTIONS[name](1000.0, None)
    assert the_problem(info).location == name


WRONG_TYPES = [
    pytest.param("abc", id="str"),
    pytest.param("0.5", id="numeric-str"),
    pytest.param(True, id="bool"),
    pytest.param({}, id="dict"),
    pytest.param(0.5 + 0j, id="complex"),
    pytest.param([0.1, "x"], id="list-with-str"),
]


@pytest.mark.parametrize("name", DEDUCTIONS)
@pytest.mark.parametrize("bad", WRONG_TYPES)
def test_deduction_rate_of_a_wrong_type_is_refused(name, bad):
    with pytest.raises(ModelError) as info:
        DEDUCTIONS[name](1000.0, bad)
    assert the_problem(info).location == name


# ------------------------------------------------------------------ argument checks


def test_as_fraction_accepts_zero_to_one_and_returns_floats():
    out = as_fraction("x", [0, 1])
    assert out.dtype == np.float64 and out.tolist() == [0.0, 1.0]
    assert as_fraction("x", 0.3) == 0.3


@pytest.mark.parametrize(
    ("rate", "reported"),
    [(1.5, 1.5), (-0.1, -0.1), (NAN, NAN), (INF, INF), ([0.0, 1.0, 2.0], 2.0), ([1.0, -3], -3.0)],
)
def test_as_fraction_refuses_the_first_value_outside_zero_to_one(rate, reported):
    with pytest.raises(ModelError) as info:
        as_fraction("share", rate)
    problem = the_problem(info)
    assert (problem.location, problem.message) == ("share", FRACTION)
    assert_same_value(problem.value, reported)
    assert type(problem.value) is float  # a plain float, ready for JSON


def test_as_whole_years_accepts_whole_numbers_from_the_minimum():
    out = as_whole_years("t", [0, 1, 5], 0)
    assert out.dtype == np.float64 and out.tolist() == [0.0, 1.0, 5.0]
    assert as_whole_years("t", [1, 2], 1).tolist() == [1.0, 2.0]  # the minimum itself is allowed
    assert as_whole_years("t", 3.0, 0) == 3.0


@pytest.mark.parametrize(
    ("years", "minimum", "reported"),
    [
        (-1, 0, -1.0),  # below the minimum
        (0, 1, 0.0),
        ([1, 2, 0], 1, 0.0),
        (2.5, 0, 2.5),  # not whole
        ([0, 1, 1.5, -2], 0, 1.5),  # the first bad one
        (INF, 0, INF),  # not finite (inf == floor(inf), so this needs its own check)
        (NAN, 0, NAN),
    ],
)
def test_as_whole_years_refuses_fractions_infinities_and_years_below_the_minimum(
    years, minimum, reported
):
    with pytest.raises(ModelError) as info:
        as_whole_years("years", years, minimum)
    problem = the_problem(info)
    assert problem.location == "years"
    assert problem.message == f"must be a whole number of years >= {minimum}"
    assert_same_value(problem.value, reported)


# ------------------------------------------------------------------ drop-off


def test_drop_off_factor_by_hand():
    # 10 % drop-off: the first year carries the full impact, then 0.9, then 0.9 x 0.9.
    assert drop_off_factor(0.1, [0, 1, 2]) == pytest.approx([1.0, 0.9, 0.9 * 0.9], rel=1e-15)
    # A quarter a year: (1 - 0.25) ** 2 = 0.5625, (1 - 0.25) ** 3 = 0.421875 (exact in binary).
    assert drop_off_factor(0.25, [0, 1, 2, 3]).tolist() == [1.0, 0.75, 0.5625, 0.421875]
    out = drop_off_factor(0.5, 4)
    assert np.shape(out) == () and out.dtype == np.float64 and out == 0.5**4


def test_drop_off_factor_boundaries():
    assert drop_off_factor(0.0, [0, 1, 10]).tolist() == [1.0, 1.0, 1.0]
    # All gone after the first year; the first year still carries it in full.
    assert drop_off_factor(1.0, [0, 1, 10]).tolist() == [1.0, 0.0, 0.0]
    assert drop_off_factor(1, 0) == 1.0 and drop_off_factor(0, 3) == 1.0


def test_drop_off_factor_broadcasts_rates_against_years():
    grid = drop_off_factor([[0.5], [0.25]], [0, 1, 2])
    assert grid.shape == (2, 3)
    assert grid.tolist() == [[1.0, 0.5, 0.25], [1.0, 0.75, 0.5625]]


def test_drop_off_by_hand():
    # The hand-worked outcome: 67,500 in its first year, 10 % drop-off.
    # 67,500; 67,500 x 0.9 = 60,750; 60,750 x 0.9 = 54,675.
    got = drop_off(67_500, 0.1, [0, 1, 2])
    assert got == pytest.approx([67_500.0, 60_750.0, 54_675.0], rel=1e-15)
    assert drop_off(1000.0, 0.5, [0, 1, 2]).tolist() == [1000.0, 500.0, 250.0]
    assert drop_off(-1000.0, 0.25, 2) == -562.5  # a disbenefit declines too
    assert drop_off([1000.0, 2000.0], 0.5, 1).tolist() == [500.0, 1000.0]
    assert drop_off(1000.0, 1.0, [0, 1]).tolist() == [1000.0, 0.0]


@pytest.mark.parametrize("bad", [1.5, -0.1, NAN, INF])
def test_drop_off_rate_out_of_range_is_refused(bad):
    for call in (lambda: drop_off_factor(bad, 1), lambda: drop_off(100.0, bad, 1)):
        with pytest.raises(ModelError) as info:
            call()
        problem = the_problem(info)
        assert (problem.location, problem.message) == ("drop_off", FRACTION)
        assert_same_value(problem.value, bad)


@pytest.mark.parametrize("bad", [-1, 0.5, 1.5, NAN, INF, -INF])
def test_drop_off_years_must_be_whole_and_not_negative(bad):
    for call in (lambda: drop_off_factor(0.1, bad), lambda: drop_off(100.0, 0.1, [0, bad])):
        with pytest.raises(ModelError) as info:
            call()
        problem = the_problem(info)
        assert (problem.location, problem.message) == ("years_since_start", WHOLE_YEARS)
        assert_same_value(problem.value, bad)


@pytest.mark.parametrize("bad", WRONG_TYPES)
def test_drop_off_rate_of_a_wrong_type_is_refused(bad):
    with pytest.raises(ModelError) as info:
        drop_off_factor(bad, 1)
    assert the_problem(info).location == "drop_off"


# ------------------------------------------------------------------ discounting: constants


def test_schedules_and_default_rate():
    assert DEFAULT_DISCOUNT_RATE == 0.035
    assert GREEN_BOOK == (
        (1, 0.035),
        (31, 0.030),
        (76, 0.025),
        (126, 0.020),
        (201, 0.015),
        (301, 0.010),
    )
    assert GREEN_BOOK_HEALTH == (
        (1, 0.0150),
        (31, 0.0129),
        (76, 0.0107),
        (126, 0.0086),
        (201, 0.0064),
        (301, 0.0043),
    )
    assert dict(SCHEDULES) == {"green_book": GREEN_BOOK, "green_book_health": GREEN_BOOK_HEALTH}
    assert isinstance(SCHEDULES, MappingProxyType)
    with pytest.raises(TypeError):
        SCHEDULES["mine"] = GREEN_BOOK  # type: ignore[index]


def test_discount_rate_type_names_the_three_forms():
    assert DiscountRate == Union[float, str, Sequence[float]]


# ------------------------------------------------------------------ rates_from_bands


def test_rates_from_bands_by_hand():
    assert rates_from_bands([(1, 0.035), (3, 0.03)], 4).tolist() == [0.035, 0.035, 0.03, 0.03]
    # Bands a year apart: each year its own rate.
    assert rates_from_bands([(1, 0.05), (2, 0.04), (3, 0.03)], 4).tolist() == [
        0.05,
        0.04,
        0.03,
        0.03,
    ]
    assert rates_from_bands([(1, 0.02)], 3).tolist() == [0.02, 0.02, 0.02]  # one band
    out = rates_from_bands(GREEN_BOOK, 0)
    assert isinstance(out, np.ndarray) and out.shape == (0,)
    assert rates_from_bands([(1, 0.0), (2, 1.0)], 2).tolist() == [0.0, 1.0]  # boundaries
    whole = rates_from_bands([(1, 0), (2, 1)], 3)  # integer rates give float rates
    assert whole.dtype == np.float64 and whole.tolist() == [0.0, 1.0, 1.0]


def test_rates_from_bands_green_book_changes_on_the_band_years():
    rates = rates_from_bands(GREEN_BOOK, 302)
    assert rates.shape == (302,)
    # element k - 1 is year k
    for year, rate in [(1, 0.035), (30, 0.035), (31, 0.03), (75, 0.03), (76, 0.025)]:
        assert rates[year - 1] == rate, year
    for year, rate in [(125, 0.025), (126, 0.02), (200, 0.02), (201, 0.015), (300, 0.015)]:
        assert rates[year - 1] == rate, year
    assert rates[300] == rates[301] == 0.01  # years 301 and 302


@pytest.mark.parametrize(
    "bands",
    [
        [],
        [(2, 0.035)],  # does not start at year 1
        [(0, 0.035), (1, 0.03)],
        [(1, 0.035), (1, 0.03)],  # two bands start together
        [(1, 0.035), (31, 0.03), (20, 0.025)],  # out of order
    ],
)
def test_rates_from_bands_must_start_at_one_and_increase(bands):
    with pytest.raises(ModelError) as info:
        rates_from_bands(bands, 5)
    problem = the_problem(info)
    assert (problem.location, problem.message, problem.value) == ("discount_rate", BANDS, bands)


@pytest.mark.parametrize("bad", [1.5, -0.01, NAN, INF])
def test_rates_from_bands_rates_must_be_fractions(bad):
    with pytest.raises(ModelError) as info:
        rates_from_bands([(1, 0.035), (5, bad)], 10)
    problem = the_problem(info)
    assert (problem.location, problem.message) == ("discount_rate", DISCOUNT)
    assert_same_value(problem.value, bad)


# ------------------------------------------------------------------ yearly_rates


def test_yearly_rates_constant():
    out = yearly_rates(0.035, 3)
    assert isinstance(out, np.ndarray) and out.tolist() == [0.035, 0.035, 0.035]
    assert yearly_rates(0, 2).tolist() == [0.0, 0.0]
    assert yearly_rates(1, 2).tolist() == [1.0, 1.0]
    assert yearly_rates(0.035, 0).shape == (0,)


def test_yearly_rates_named_schedules():
    assert yearly_rates("green_book", 32)[-3:].tolist() == [0.035, 0.03, 0.03]
    assert yearly_rates("green_book", 32).shape == (32,)
    health = yearly_rates("green_book_health", 76)
    assert (health[0], health[29], health[30], health[74], health[75]) == (
        0.015,
        0.015,
        0.0129,
        0.0129,
        0.0107,
    )


def test_yearly_rates_list_whose_last_rate_carries_on():
    assert yearly_rates([0.05, 0.04], 4).tolist() == [0.05, 0.04, 0.04, 0.04]
    assert yearly_rates([0.05, 0.04], 2).tolist() == [0.05, 0.04]  # exactly as long
    assert yearly_rates([0.05, 0.04, 0.03], 2).tolist() == [0.05, 0.04]  # cut to the horizon
    assert yearly_rates([0.05], 3).tolist() == [0.05, 0.05, 0.05]  # one yearly rate
    assert yearly_rates((0.0, 1.0), 3).tolist() == [0.0, 1.0, 1.0]  # boundaries, a tuple
    assert yearly_rates([0.05, 0.04], 0).shape == (0,)


def test_yearly_rates_returns_a_new_array():
    given = np.array([0.05, 0.04, 0.03])
    for horizon in (2, 3, 5):
        out = yearly_rates(given, horizon)
        out[0] = 0.5
        assert given.tolist() == [0.05, 0.04, 0.03], horizon


def test_yearly_rates_unknown_schedule_lists_the_allowed_forms():
    with pytest.raises(ModelError) as info:
        yearly_rates("green-book", 3)
    problem = the_problem(info)
    assert (problem.location, problem.message, problem.value) == (
        "discount_rate",
        UNKNOWN,
        "green-book",
    )
    # no "During handling of the above exception" chain in the traceback
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


@pytest.mark.parametrize("bad", [[], [[0.05, 0.04]], np.zeros((2, 2))])
def test_yearly_rates_list_must_be_flat_and_not_empty(bad):
    with pytest.raises(ModelError) as info:
        yearly_rates(bad, 3)
    problem = the_problem(info)
    assert (problem.location, problem.message) == ("discount_rate", NON_EMPTY)
    assert problem.value is bad


@pytest.mark.parametrize(
    ("rate", "reported"),
    [(1.5, 1.5), (-0.1, -0.1), (NAN, NAN), ([0.05, 1.5], 1.5), ([0.0, 1.0, -0.2], -0.2)],
)
def test_yearly_rates_must_be_fractions(rate, reported):
    with pytest.raises(ModelError) as info:
        yearly_rates(rate, 3)
    problem = the_problem(info)
    assert (problem.location, problem.message) == ("discount_rate", DISCOUNT)
    assert_same_value(problem.value, reported)
    assert type(problem.value) is float


# ------------------------------------------------------------------ discount_factors


def test_discount_factors_constant_rate_by_hand():
    # DF(t) = 1 / 1.035 ** t; DF(0) = 1; three years: 0.901943.
    got = discount_factors(0.035, [0, 1, 2, 3])
    assert got == pytest.approx([1.0, 1 / 1.035, 1 / 1.035**2, 1 / 1.035**3], rel=1e-15)
    assert got[0] == 1.0
    assert round(float(discount_factors(0.035, 3)), 6) == 0.901943
    assert discount_factors(0.5, [1, 2]).tolist() == [1 / 1.5, 1 / 1.5**2]


@pytest.mark.parametrize("rate", [0.035, np.float64(0.035), np.float32(0.25), 1, np.int64(1)])
def test_discount_factors_constant_rate_is_the_closed_form(rate):
    # A constant rate is 1 / (1 + r) ** t itself, to the last bit (year-by-year products
    # differ from it in the last bit, e.g. at t = 5 and 13 for 3.5 %).
    years = np.array([0, 5, 13])
    assert discount_factors(rate, years).tolist() == ((1.0 + float(rate)) ** -years).tolist()


def test_discount_factors_boundary_rates():
    assert discount_factors(0.0, [0, 1, 50]).tolist() == [1.0, 1.0, 1.0]
    assert discount_factors(0, [0, 7]).tolist() == [1.0, 1.0]
    assert discount_factors(1.0, [0, 1, 2]).tolist() == [1.0, 0.5, 0.25]
    assert discount_factors([0.0, 1.0], [0, 1, 2, 3]).tolist() == [1.0, 1.0, 0.5, 0.25]


def test_discount_factors_green_book_cumulative_year_by_year():
    df = discount_factors("green_book", [0, 1, 30, 31, 75, 76, 125, 126, 200, 201, 300, 301, 302])
    d30 = 1 / 1.035**30
    d75 = d30 / 1.03**45
    d125 = d75 / 1.025**50
    d200 = d125 / 1.02**75
    d300 = d200 / 1.015**100
    expected = [
        1.0,
        1 / 1.035,
        d30,
        d30 / 1.03,  # DF(31) = 0.345901, not 1 / 1.03 ** 31 = 0.400625
        d75,
        d75 / 1.025,  # DF(76)
        d125,
        d125 / 1.02,  # DF(126)
        d200,
        d200 / 1.015,
        d300,
        d300 / 1.01,
        d300 / 1.01**2,  # the last rate carries on
    ]
    assert df == pytest.approx(expected, rel=1e-12)
    assert df[0] == 1.0
    assert round(df[3], 6) == 0.345901 != round(1 / 1.03**31, 6)
    assert round(df[5], 6) == 0.091916  # DF(76)
    assert round(df[7], 6) == 0.026873  # DF(126)


def test_discount_factors_green_book_health_cumulative_year_by_year():
    df = discount_factors("green_book_health", [30, 31, 76, 126])
    d30 = 1 / 1.015**30
    d75 = d30 / 1.0129**45
    d125 = d75 / 1.0107**50
    assert df == pytest.approx([d30, d30 / 1.0129, d75 / 1.0107, d125 / 1.0086], rel=1e-12)


def test_discount_factors_yearly_rates_by_hand():
    # 5 % in year 1, then 4 % for every year after.
    got = discount_factors([0.05, 0.04], [0, 1, 2, 3, 4])
    expected = [1.0, 1 / 1.05, 1 / 1.05 / 1.04, 1 / 1.05 / 1.04**2, 1 / 1.05 / 1.04**3]
    assert got == pytest.approx(expected, rel=1e-15)
    assert got[0] == 1.0


def test_discount_factors_years_in_any_order_and_shape():
    # The horizon is the latest year asked for, wherever it comes.
    got = discount_factors([0.05, 0.04], [3, 1, 0])
    assert got == pytest.approx([1 / 1.05 / 1.04**2, 1 / 1.05, 1.0], rel=1e-15)
    grid = discount_factors("green_book", [[1, 31], [0, 2]])
    assert grid.shape == (2, 2)
    assert grid.ravel() == pytest.approx([1 / 1.035, 1 / 1.035**30 / 1.03, 1.0, 1 / 1.035**2])
    one = discount_factors([0.05], 2)
    assert one.shape == () and one == pytest.approx(1 / 1.05**2, rel=1e-15)
    for rate in (0.035, "green_book", [0.05, 0.04]):
        empty = discount_factors(rate, [])
        assert isinstance(empty, np.ndarray) and empty.shape == (0,)
    assert discount_factors("green_book", [0, 0]).tolist() == [1.0, 1.0]  # horizon 0


def test_discount_factors_schedule_of_one_rate_matches_the_constant_rate():
    years = np.arange(0, 60)
    assert discount_factors([0.035], years) == pytest.approx(
        discount_factors(0.035, years), rel=1e-13
    )


@pytest.mark.parametrize("bad", [-1, 2.5, NAN, INF])
def test_discount_factors_years_must_be_whole_and_not_negative(bad):
    for rate in (0.035, "green_book"):
        with pytest.raises(ModelError) as info:
            discount_factors(rate, [0, bad])
        problem = the_problem(info)
        assert (problem.location, problem.message) == ("years", WHOLE_YEARS)
        assert_same_value(problem.value, bad)


@pytest.mark.parametrize(
    "rate", [1.5, -0.1, NAN, INF, np.float64(2.0), 2, -1, [0.05, 1.5], [NAN], (-0.5,)]
)
def test_discount_factors_rate_out_of_range_is_refused(rate):
    with pytest.raises(ModelError) as info:
        discount_factors(rate, [0, 1])
    problem = the_problem(info)
    assert (problem.location, problem.message) == ("discount_rate", DISCOUNT)
    bad = next(r for r in np.ravel(rate) if not 0 <= r <= 1)
    assert_same_value(problem.value, float(bad))


def test_discount_factors_unknown_schedule_is_refused():
    with pytest.raises(ModelError) as info:
        discount_factors("greenbook", 3)
    problem = the_problem(info)
    assert (problem.location, problem.message) == ("discount_rate", UNKNOWN)


def test_discount_factors_rate_of_none_is_refused():
    with pytest.raises(ModelError) as info:
        discount_factors(None, 3)
    assert the_problem(info).location == "discount_rate"


@pytest.mark.parametrize("bad", [True, {}, ["a"], 0.5 + 0j])
def test_discount_factors_rate_of_a_wrong_type_is_refused(bad):
    with pytest.raises(ModelError) as info:
        discount_factors(bad, 3)
    assert the_problem(info).location == "discount_rate"


# ------------------------------------------------------------------ present_value


def test_present_value_by_hand():
    # Excel's NPV(3.5%, 67500, 60750, 54675): the first amount is discounted once.
    pv = present_value([67_500, 60_750, 54_675], [1, 2, 3], 0.035)
    assert type(pv) is float
    assert pv == pytest.approx(67_500 / 1.035 + 60_750 / 1.035**2 + 54_675 / 1.035**3, rel=1e-15)
    assert round(pv, 2) == 171_241.88


def test_present_value_year_zero_is_undiscounted_and_amounts_broadcast():
    assert present_value(150_000, 0, 0.035) == 150_000.0
    assert present_value([100.0, -50.0], [0, 1], 1.0) == 100.0 - 50.0 / 2
    # One amount in every year of a schedule: 100 x (DF(1) + DF(31)).
    assert present_value(100.0, [1, 31], "green_book") == pytest.approx(
        100 / 1.035 + 100 / 1.035**30 / 1.03, rel=1e-12
    )
    assert present_value([10.0, 20.0], [1, 2], [0.05, 0.04]) == pytest.approx(
        10 / 1.05 + 20 / 1.05 / 1.04, rel=1e-15
    )
    assert present_value([], [], 0.035) == 0.0


def test_present_value_checks_its_arguments():
    with pytest.raises(ModelError) as info:
        present_value([100.0], [-1], 0.035)
    assert the_problem(info).location == "years"
    with pytest.raises(ModelError) as info:
        present_value([100.0], [1], 1.5)
    assert the_problem(info).location == "discount_rate"


# ------------------------------------------------------------------ properties


@settings(max_examples=40, deadline=None)
@given(
    value=st.floats(-1e9, 1e9),
    dw=st.floats(0, 1),
    dp=st.floats(0, 1),
    at=st.floats(0, 1),
    d=st.floats(0, 1),
    k=st.integers(0, 40),
)
def test_chain_matches_the_formula(value, dw, dp, at, d, k):
    got = drop_off(attribution(displacement(deadweight(value, dw), dp), at), d, k)
    assert got == pytest.approx(value * (1 - dw) * (1 - dp) * (1 - at) * (1 - d) ** k, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    rates=st.lists(st.floats(0, 1), min_size=1, max_size=8),
    years=st.lists(st.integers(0, 12), min_size=1, max_size=6),
)
def test_yearly_discount_factors_are_products_of_the_year_rates(rates, years):
    expected = []
    for t in years:
        df = 1.0
        for k in range(1, t + 1):
            df /= 1 + rates[min(k, len(rates)) - 1]  # the last rate carries on
        expected.append(df)
    assert discount_factors(rates, years) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------ exports


def test_every_export_is_tested_here():
    assert set(sroi.adjustments.__all__) == TESTED


@pytest.mark.parametrize("first_year", [30.5, 1.5, math.nan])
def test_rates_from_bands_first_years_must_be_whole(first_year):
    # 30.5 used to be cut to 30, starting the band a year early without a word
    bands = [(1, 0.035), (first_year, 0.03)]
    with pytest.raises(ModelError) as info:
        rates_from_bands(bands, 40)
    (problem,) = info.value.problems
    assert problem.location == "discount_rate"
    assert "whole number of years" in problem.message


# ------------------------------------------------------------------ leakage and additive


def test_leakage_by_hand():
    # 67,500 after attribution; 20 % leaks outside the area: 67,500 x 0.8
    assert float(leakage(67_500.0, 0.2)) == 54_000.0
    assert leakage([100.0, 100.0], [0.0, 1.0]).tolist() == [100.0, 0.0]


def test_additive_deductions_by_hand():
    # 25 % + 0 % + 10 % = 35 % off 100,000 (chained it would be 32.5 %)
    got = additive(100_000.0, ("deadweight", 0.25), ("displacement", 0.0), ("attribution", 0.1))
    assert float(got) == 65_000.0
    # shares summing past 100 % leave nothing, never a negative value
    assert float(additive(1_000.0, ("deadweight", 0.6), ("leakage", 0.7))) == 0.0
    assert float(additive(1_000.0)) == 1_000.0  # no deductions
    with pytest.raises(ModelError) as info:
        additive(1_000.0, ("attribution", 1.5))
    assert the_problem(info).location == "attribution"


# ------------------------------------------------------------------ numbers only


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ("0.5", "text"),
        (b"0.5", "text"),
        (np.array(["0.5"]), "text"),
        (True, "a yes/no value"),
        (np.array([True, False]), "a yes/no value"),
        (0.5 + 0j, "a complex number"),
        ({}, "other"),
        ([[1.0], [1.0, 2.0]], "a ragged list"),
    ],
)
def test_as_numbers_refuses_what_is_not_a_number(given, kind):
    from sroi.adjustments._checks import as_numbers

    with pytest.raises(ModelError) as info:
        as_numbers("deadweight", given)
    (problem,) = info.value.problems
    assert problem.location == "deadweight"
    assert problem.message == f"must be a number or an array of numbers, not {kind}"
    assert problem.has_value


def test_as_numbers_reads_numbers_of_every_kind_as_floats():
    from decimal import Decimal

    from sroi.adjustments._checks import as_numbers

    assert as_numbers("x", np.array([1, 2])).dtype == np.float64
    assert as_numbers("x", [Decimal("0.5"), 1]).tolist() == [0.5, 1.0]
    with pytest.raises(ModelError) as info:
        as_numbers("x", [10**400])
    (problem,) = info.value.problems
    assert (problem.location, problem.message) == ("x", "is too large for a float")
    assert problem.value == [10**400]
    with pytest.raises(ModelError) as info:
        as_numbers("x", "1")
    assert info.value.problems[0].value == "1"
    with pytest.raises(ModelError) as info:
        as_whole_years("duration", "3", 0)
    assert info.value.problems[0].location == "duration"


def test_additive_takes_decimal_money():
    from decimal import Decimal

    assert float(additive(Decimal("1000"), ("deadweight", 0.25))) == 750.0
