"""Numerical range: the engine against an exact rational reference.

Random models at the edges of what a model may hold (durations up to 1,000 years, values
from 1e-6 to 1e12, deductions, drop-off and discount rates at and near 0 and 1) are
evaluated by ``sroi.evaluate`` and by an exact calculation in :class:`fractions.Fraction`
written here from the method's formulas. Every float the model holds is converted to a
Fraction exactly, so the reference carries no rounding at all; the engine's figures must
agree with it to a relative error of 1e-12.

For an outcome with first-year impact ``F = q v (1 - dw)(1 - dp)(1 - at)``, drop-off ``d``,
start year ``s`` and duration ``D`` at a constant rate ``r``::

    PV = F * sum_{k=0}^{D-1} (1 - d)^k / (1 + r)^(s + k)
       = F / (1 + r)^s * (1 - x^D) / (1 - x),   x = (1 - d) / (1 + r)   (x != 1)

and with yearly rates the discount factor is the product of ``1 / (1 + r_j)`` year by year.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sroi

EDGE_FRACTIONS = [0.0, 1e-12, 1e-6, 0.25, 0.5, 1 - 1e-6, 1 - 1e-12]
EDGE_RATES = [0.0, 1e-9, 0.015, 0.035, 0.5, 0.999, 1.0]


def fractions_near_the_edges(upper: float = 1.0):
    return st.one_of(
        st.sampled_from([f for f in EDGE_FRACTIONS if f <= upper]),
        st.floats(0.0, upper, allow_nan=False),
    )


def magnitudes(low: float, high: float):
    """Numbers spread over orders of magnitude between low and high."""
    return st.builds(
        lambda mantissa, exponent: min(max(mantissa * 10.0**exponent, low), high),
        st.floats(1.0, 9.999),
        st.integers(int(f"{low:e}".split("e")[1]), int(f"{high:e}".split("e")[1])),
    )


@st.composite
def outcomes(draw):
    return {
        "stakeholder": "s",
        "outcome": "o",
        "quantity": draw(magnitudes(1e-3, 1e6)),
        "value": draw(magnitudes(1e-6, 1e12)),
        "deadweight": draw(fractions_near_the_edges(1 - 1e-12)),
        "displacement": draw(fractions_near_the_edges(1 - 1e-12)),
        "attribution": draw(fractions_near_the_edges(1 - 1e-12)),
        "drop_off": draw(st.sampled_from([0.0, 1.0, 1e-12, 1 - 1e-12, 0.1, 0.5])),
        "duration": draw(st.one_of(st.integers(1, 10), st.sampled_from([100, 999, 1_000]))),
        "start_year": draw(st.integers(1, 5)),
    }


@st.composite
def models(draw):
    rate = draw(
        st.one_of(
            st.sampled_from(EDGE_RATES),
            st.lists(st.sampled_from(EDGE_RATES), min_size=1, max_size=6),
        )
    )
    return {
        "name": "edges",
        "discount_rate": rate,
        "inputs": [
            {
                "stakeholder": "f",
                "amount": draw(magnitudes(1e-3, 1e9)),
                "year": draw(st.integers(0, 3)),
            }
            for _ in range(draw(st.integers(1, 3)))
        ],
        "outcomes": draw(st.lists(outcomes(), min_size=1, max_size=4)),
    }


def exact_schedule(rate) -> tuple[list[Fraction], Fraction]:
    """The exact rates of the first years, and the rate that carries on after them."""
    rates = [Fraction(r) for r in rate] if isinstance(rate, list) else [Fraction(rate)]
    return rates, rates[-1]


def exact_discount_factor(rate, t: int) -> Fraction:
    """DF(t) = prod_{j=1..t} 1 / (1 + r_j), exactly."""
    rates, last = exact_schedule(rate)
    factor = Fraction(1)
    for r in rates[: min(t, len(rates))]:
        factor /= 1 + r
    return factor / (1 + last) ** max(t - len(rates), 0)


def geometric(x: Fraction, n: int) -> Fraction:
    """sum_{j=0}^{n-1} x^j, exactly."""
    return Fraction(n) if x == 1 else (1 - x**n) / (1 - x)


def exact_present_value(outcome: dict, rate) -> Fraction:
    first = Fraction(outcome["quantity"]) * Fraction(outcome["value"])
    for deduction in ("deadweight", "displacement", "attribution"):
        first *= 1 - Fraction(outcome.get(deduction, 0.0))
    remaining = 1 - Fraction(outcome.get("drop_off", 0.0))
    s, duration = outcome.get("start_year", 1), outcome["duration"]
    rates, last = exact_schedule(rate)
    listed = len(rates)  # years 1 .. listed have their own rate; later years the last one
    # the years of the outcome within the listed ones, term by term ...
    explicit = range(s, min(s + duration, listed + 1))
    total = sum(
        (remaining ** (t - s) * exact_discount_factor(rate, t) for t in explicit), Fraction(0)
    )
    # ... and the rest as one geometric series in remaining / (1 + last)
    a = max(s, listed + 1)
    if a <= s + duration - 1:
        n = s + duration - a
        total += (
            remaining ** (a - s)
            * exact_discount_factor(rate, a)
            * geometric(remaining / (1 + last), n)
        )
    return first * total


def relative_error(got: float, exact: Fraction) -> float:
    if exact == 0:
        return abs(got)
    return float(abs(Fraction(got) - exact) / abs(exact))


@pytest.mark.filterwarnings("ignore::sroi.SROIWarning")
@settings(max_examples=60, deadline=None)
@given(model=models())
def test_figures_agree_with_an_exact_rational_reference(model):
    r = sroi.evaluate(model)
    rate = model["discount_rate"]
    by_outcome = [exact_present_value(o, rate) for o in model["outcomes"]]
    present_value = sum(by_outcome)
    investment = sum(
        Fraction(i["amount"]) * exact_discount_factor(rate, i["year"]) for i in model["inputs"]
    )

    assert relative_error(r.present_value, present_value) <= 1e-12
    assert relative_error(r.total_investment, investment) <= 1e-12
    assert relative_error(r.ratio, present_value / investment) <= 1e-12
    # each outcome's own present value, where it is not lost below the smallest float
    for got, exact in zip(r.by_outcome["present_value"], by_outcome, strict=True):
        if exact > Fraction(1e-290):
            assert relative_error(float(got), exact) <= 1e-12


@pytest.mark.filterwarnings("ignore::sroi.SROIWarning")
def test_a_thousand_year_outcome_at_the_edges_by_hand():
    """One outcome over 1,000 years with 1e-12 drop-off at a rate of 1e-9, checked exactly."""
    model = {
        "name": "long",
        "discount_rate": 1e-9,
        "inputs": [{"stakeholder": "f", "amount": 1e9}],
        "outcomes": [
            {"stakeholder": "s", "outcome": "o", "quantity": 1e6, "value": 1e12,
             "duration": 1_000, "drop_off": 1e-12, "deadweight": 1 - 1e-12}
        ],
    }  # fmt: skip
    r = sroi.evaluate(model)
    exact = exact_present_value(model["outcomes"][0], 1e-9)
    # about 1e6 x 1e12 x 1e-12 x 1,000 years = 1e9
    assert 9.9e8 < float(exact) < 1.01e9
    assert relative_error(r.present_value, exact) <= 1e-12
