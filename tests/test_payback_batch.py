"""Payback over a batch: one payback per row of a ``(projects, years)`` table.

The engine's payback functions take one model's year table or a batch of them. Row by row,
the batch form must give exactly (bit for bit) what the one-model form gives, and both what
the one-model rules gave when they were written as a loop over one year table (kept below
as the reference), on year tables with zero and negative impacts, tables that never pay
back, that pay back in the last year, and negative net present values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sroi.engine import (
    cumulative_net_value,
    discounted_payback_years,
    payback_months,
    payback_year,
)

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


# ------------------------------------------------------------------ the reference rules
# The one-model rules as they were written before the batch form, one year table at a time.


def ref_payback_year(impact: np.ndarray) -> int | None:
    positive = np.flatnonzero(impact > 0)
    return int(positive[0]) if positive.size else None


def ref_payback_months(impact: np.ndarray, invested: float, pays_back: bool) -> float | None:
    year = ref_payback_year(impact)
    if year is None or not pays_back:
        return None
    monthly = float(impact[year]) / 12.0
    if monthly == 0:
        return None
    months = invested / monthly
    return months if math.isfinite(months) else None


def ref_discounted_payback(pv: np.ndarray, invested: np.ndarray) -> float | None:
    net = np.cumsum(np.subtract(pv, invested, dtype=float))
    if net[-1] < 0:
        return None
    below = np.flatnonzero(net < 0)
    if below.size == 0:
        return 0.0
    t = int(below[-1]) + 1
    return (t - 1) + float(-net[t - 1]) / float(net[t] - net[t - 1])


# ------------------------------------------------------------------ year tables

# Money per year: zeros, negatives (disbenefits), small and large figures, and subnormals.
money = st.one_of(
    st.just(0.0),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([5e-324, -5e-324, 1e-300, 1.0, -1.0, 100.0, 1e12]),
)


@st.composite
def tables(draw):
    """A batch of year tables: impact, its discounted form, and inputs by year.

    The year-0 input of each project is a share of the discounted impact it ever brings
    (a share of 1 pays back exactly at the end of its last year; above 1, a negative NPV).
    """
    projects = draw(st.integers(1, 12))
    years = draw(st.integers(1, 15))
    impact = draw(hnp.arrays(float, (projects, years), elements=money, fill=st.nothing()))
    df = 1.035 ** -np.arange(years, dtype=float)
    pv = impact * df
    share = draw(
        hnp.arrays(
            float,
            projects,
            elements=st.one_of(st.floats(0.0, 1.5), st.sampled_from([0.0, 0.5, 1.0, 2.0])),
            fill=st.nothing(),
        )
    )
    invested = np.zeros((projects, years))
    invested[:, 0] = share * np.abs(pv).sum(axis=1)
    # a later input now and then (the net value may dip below zero again)
    later = draw(hnp.arrays(float, (projects, years), elements=st.sampled_from([0.0, 0, 0, 500.0])))
    invested = invested + later * (np.arange(years) > 0)
    return impact, pv, invested * df


def same(a: float | None, b: float | None) -> bool:
    """Exact equality, None with None and NaN with NaN."""
    if a is None or b is None:
        return a is b
    return (math.isnan(a) and math.isnan(b)) or a == b


def from_batch(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


@given(tables())
def test_batch_equals_the_one_model_form_row_by_row(table):
    impact, pv, invested = table
    total = invested.sum(axis=1)
    years = payback_year(impact)
    dpb = discounted_payback_years(pv, invested)
    months = payback_months(impact, total, pays_back=~np.isnan(dpb))
    assert years.shape == dpb.shape == months.shape == (impact.shape[0],)
    assert years.dtype.kind == "i"
    for k in range(impact.shape[0]):
        one_year = payback_year(impact[k])
        one_dpb = discounted_payback_years(pv[k], invested[k])
        one_months = payback_months(impact[k], float(total[k]), pays_back=one_dpb is not None)
        # the batch and the one-model form
        assert (None if years[k] < 0 else int(years[k])) == one_year
        assert same(from_batch(dpb[k]), one_dpb)
        assert same(from_batch(months[k]), one_months)
        # and the rules as they were written for one model
        assert one_year == ref_payback_year(impact[k])
        ref_dpb = ref_discounted_payback(pv[k], invested[k])
        assert same(one_dpb, ref_dpb)
        assert same(one_months, ref_payback_months(impact[k], float(total[k]), ref_dpb is not None))
        np.testing.assert_array_equal(
            cumulative_net_value(pv, invested)[k], cumulative_net_value(pv[k], invested[k])
        )


@given(tables(), st.booleans())
def test_pays_back_may_be_one_flag_for_the_batch(table, flag):
    impact, _, invested = table
    total = invested.sum(axis=1)
    months = payback_months(impact, total, pays_back=flag)
    for k in range(impact.shape[0]):
        assert same(from_batch(months[k]), payback_months(impact[k], total[k], pays_back=flag))


def test_named_cases_row_by_row():
    # never pays back; pays back in the last year exactly; negative NPV with a positive
    # first year; no impact at all; pays back at once; dips below zero again.
    pv = np.array(
        [
            [0.0, 100, 100, 100],
            [0.0, 400, 300, 300],
            [0.0, 600, -900, 100],
            [0.0, 0, 0, 0],
            [0.0, 2_000, 0, 0],
            [0.0, 800, 300, 400],
        ]
    )
    invested = np.zeros_like(pv)
    invested[:, 0] = 1_000.0
    invested[5, 2] = 400.0
    dpb = discounted_payback_years(pv, invested)
    expected = [None, 3.0, None, None, 0.5, 2 + 300 / 400]
    assert [from_batch(x) for x in dpb] == expected
    for k in range(pv.shape[0]):
        assert same(discounted_payback_years(pv[k], invested[k]), expected[k])
    months = payback_months(pv, invested.sum(axis=1), pays_back=~np.isnan(dpb))
    assert [from_batch(x) for x in months] == [
        None,
        1_000 / (400 / 12),
        None,
        None,
        1_000 / (2_000 / 12),
        1_400 / (800 / 12),
    ]
    assert payback_year(pv).tolist() == [1, 1, 1, -1, 1, 1]


def test_three_axes():
    # (scenarios, projects, years): each innermost row on its own
    pv = np.array([[[0.0, 600, 600], [0.0, 100, 100]], [[0.0, 0, 0], [0.0, 2_000, 0]]])
    invested = np.zeros_like(pv)
    invested[..., 0] = 1_000.0
    dpb = discounted_payback_years(pv, invested)
    assert dpb.shape == (2, 2)
    np.testing.assert_array_equal(dpb, [[1 + 400 / 600, np.nan], [np.nan, 0.5]])
    assert payback_year(pv).tolist() == [[1, 1], [-1, 1]]
