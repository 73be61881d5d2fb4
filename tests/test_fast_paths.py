"""The fast paths of a single evaluation give what the general paths give.

Each quick path (the closed-form annuity, blocks of rows, the deductions and headline
checks without arrays, the fields' check of a plain number, the valuation of outcomes that
give their own value, the table of deductions behind the model's warnings, the kept
discount tables) is checked here against the general path it stands in for, on any input
Hypothesis makes: the same figures to a relative 1e-12 (or exactly, where no arithmetic
differs) and the same errors.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import sroi
from sroi.adjustments import attribution, deadweight, discount_factors, displacement, leakage
from sroi.conventions import Conventions
from sroi.engine import (
    BLOCK,
    OutcomeArrays,
    _annuity_by_year,
    _annuity_geometric,
    _annuity_table,
    _discounting,
    _geometric_log_ratio,
    _in_blocks,
    annuity_factors,
    compute,
    deduct,
    discount_factors_timed,
    headline,
    year_weights,
)
from sroi.errors import ModelError
from sroi.model import Model, Outcome
from sroi.model.fields import _plain_number
from sroi.model.records import DEDUCTIONS_WARNING_THRESHOLD, model_warnings
from sroi.parsing import MAX_YEARS, parse_fraction, parse_non_negative, parse_number
from sroi.valuation import _own, value_outcomes

pytestmark = pytest.mark.filterwarnings("ignore::sroi.errors.SROIWarning")

TIMINGS = ("end_of_year", "mid_year", "start_of_year")
fraction = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0.0, 1.0))
rates = st.one_of(st.sampled_from([0.0, 0.035, 1.0]), st.floats(0.0, 1.0))


def by_year(d, start, dur, df, first=None, share=None):
    """The general path: the annuity summed year by year, in a loop over the years."""
    return _annuity_by_year(d, start, dur, first, share, df)


def closed(d, start, dur, df, log_ratio, first=None, share=None):
    """The fast path: the geometric series in closed form."""
    return _annuity_geometric(d, start, dur, first, share, df, log_ratio)


@st.composite
def outcome_columns(draw, max_outcomes=12):
    n = draw(st.integers(1, max_outcomes))
    d = np.array(draw(st.lists(fraction, min_size=n, max_size=n)))
    start = np.array(draw(st.lists(st.integers(1, 20), min_size=n, max_size=n)))
    dur = np.array(draw(st.lists(st.integers(1, 60), min_size=n, max_size=n)))
    first = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    share = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)))
    return d, start, dur, first, share


@given(
    columns=outcome_columns(),
    rate=rates,
    timing=st.sampled_from(TIMINGS),
    valuation_year=st.integers(0, 5),
    with_first=st.booleans(),
    with_share=st.booleans(),
)
def test_closed_form_equals_the_year_by_year_sum(
    columns, rate, timing, valuation_year, with_first, with_share
):
    d, start, dur, first, share = columns
    horizon = int((start + dur).max())
    df = discount_factors_timed(rate, np.arange(horizon + 1), timing)
    if valuation_year:
        df = df / discount_factors(rate, valuation_year)
    log_ratio = _geometric_log_ratio(df, int(start.min()), horizon - 1)
    assert log_ratio is not None  # a constant rate is geometric from year 1, any timing
    first = first if with_first else None
    share = share if with_share else None
    expected = by_year(d, start, dur, df, first, share)
    got = closed(d, start, dur, df, log_ratio, first, share)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-300)


@given(columns=outcome_columns(), draws=st.lists(fraction, min_size=1, max_size=4))
def test_closed_form_equals_the_sum_for_a_batch_of_drop_off(columns, draws):
    _, start, dur, first, share = columns
    d = np.array(draws)[:, None] * np.ones(start.size)  # (draws, outcomes)
    df = 1.035 ** -np.arange(int((start + dur).max()) + 1.0)
    log_ratio = -math.log(1.035)
    np.testing.assert_allclose(
        closed(d, start, dur, df, log_ratio, first, share),
        by_year(d, start, dur, df, first, share),
        rtol=1e-12,
        atol=1e-300,
    )


@given(
    columns=outcome_columns(),
    rate=st.one_of(rates, st.sampled_from(["green_book", (0.05, 0.04, 0.03)])),
    draws=st.one_of(st.none(), st.lists(fraction, min_size=1, max_size=3)),
    with_first=st.booleans(),
    with_share=st.booleans(),
)
def test_the_table_of_years_is_the_loop_over_years_to_the_bit(
    columns, rate, draws, with_first, with_share
):
    """Small models are summed in one table: the same figures as the loop, bit for bit."""
    d, start, dur, first, share = columns
    if draws is not None:
        d = np.array(draws)[:, None] * np.ones(d.size)
    df = discount_factors(rate, np.arange(int((start + dur).max()) + 1))
    first = first if with_first else None
    share = share if with_share else None
    table = _annuity_table(d, start, dur, first, share, df)
    assert table.tolist() == by_year(d, start, dur, df, first, share).tolist()
    public = annuity_factors(
        d, start, dur, df, drop_off_from_first_year=first, last_year_share=share
    )
    assert public.tolist() == table.tolist()  # a small table: annuity_factors sums it so


def test_closed_form_by_hand_at_the_edges():
    df = np.ones(5)  # no discounting: x = 1 - d
    d = np.array([0.0, 1.0, 0.5, 0.5])
    start = np.array([1, 1, 1, 2])
    dur = np.array([4, 3, 3, 1])
    # 1 + 1 + 1 + 1; only the first year (0 ** 0); 1 + 0.5 + 0.25; one year
    assert closed(d, start, dur, df, 0.0).tolist() == pytest.approx([4.0, 1.0, 1.75, 1.0])
    # the last year counted in part: 1 + 0.5 + 0.25 * 0.4
    share = np.array([1.0, 1.0, 0.4, 1.0])
    assert closed(d, start, dur, df, 0.0, share=share)[2] == pytest.approx(1.6, rel=1e-15)
    # drop-off from the first year: 0.5 + 0.25 + 0.125
    first = np.array([False, False, True, False])
    assert closed(d, start, dur, df, 0.0, first=first)[2] == pytest.approx(0.875, rel=1e-15)
    # outcomes of no years count for nothing
    assert closed(np.array([0.5]), np.array([1]), np.array([0]), df, 0.0).tolist() == [0.0]


@given(columns=outcome_columns(), schedule=st.sampled_from(["green_book", "green_book_health"]))
def test_a_schedule_is_summed_in_closed_form_only_where_its_rate_is_constant(columns, schedule):
    d, start, dur, first, share = columns
    horizon = int((start + dur).max())
    df = discount_factors(schedule, np.arange(horizon + 1))
    geometric = _geometric_log_ratio(df, int(start.min()), horizon - 1)
    rates = np.diff(np.log(df[int(start.min()) : horizon]))  # the years the outcomes touch
    assert (geometric is not None) == bool(rates.size == 0 or np.ptp(rates) < 1e-12)
    np.testing.assert_allclose(
        annuity_factors(d, start, dur, df, drop_off_from_first_year=first, last_year_share=share),
        by_year(d, start, dur, df, first, share),
        rtol=1e-12,
        atol=1e-300,
    )


def test_the_green_book_schedule_is_geometric_up_to_year_30_and_not_across_it():
    df = discount_factors("green_book", np.arange(41))
    assert _geometric_log_ratio(df, 1, 30) == pytest.approx(-math.log(1.035), rel=1e-12)
    assert _geometric_log_ratio(df, 1, 31) is None  # 3 % from year 31
    yearly = np.cumprod([1.0, 1 / 1.05, 1 / 1.04, 1 / 1.03])
    assert _geometric_log_ratio(yearly, 1, 3) is None
    # from year 1 on, only the ratios between the years an outcome touches matter
    yearly = np.cumprod([1.0, 1 / 1.05, 1 / 1.04, 1 / 1.04])
    assert _geometric_log_ratio(yearly, 1, 3) == pytest.approx(-math.log(1.04), rel=1e-12)


@given(seed=st.integers(0, 2**32 - 1), geometric=st.booleans())
def test_blocks_of_rows_give_what_one_block_gives(seed, geometric):
    rng = np.random.default_rng(seed)
    n = BLOCK * 2 + 7
    d = rng.uniform(0, 1, n)
    start = rng.integers(1, 4, n)
    dur = rng.integers(1, 8, n)
    df = discount_factors(0.035 if geometric else [0.05, 0.04, 0.03], np.arange(12))
    whole = annuity_factors(d, start, dur, df)
    pieces = np.concatenate(
        [annuity_factors(d[j : j + 1000], start[j : j + 1000], dur[j : j + 1000], df)
         for j in range(0, n, 1000)]
    )  # fmt: skip
    np.testing.assert_allclose(whole, pieces, rtol=1e-12)
    # a batch of draws in blocks: (draws, outcomes) with more elements than a block
    draws = rng.uniform(0, 1, (3, n))
    batch = annuity_factors(draws, start, dur, df)
    for row in range(3):
        np.testing.assert_allclose(batch[row], annuity_factors(draws[row], start, dur, df))


# ------------------------------------------------------------------ deductions, headline


@given(
    gross=st.lists(st.floats(-1e9, 1e9), min_size=1, max_size=6),
    shares=st.lists(st.tuples(fraction, fraction, fraction, fraction), min_size=1, max_size=1),
)
def test_deductions_are_the_adjustments_step_by_step_to_the_bit(gross, shares):
    g = np.array(gross)
    dw, dp, at, lk = (np.full(g.size, s) for s in shares[0])
    after = deduct(g, dw, dp, at, lk)
    expected_dw = deadweight(g, dw)
    expected_dp = displacement(expected_dw, dp)
    expected_at = attribution(expected_dp, at)
    expected = (expected_dw, expected_dp, expected_at, leakage(expected_at, lk))
    for got, want in zip(after, expected, strict=True):
        assert got.tolist() == want.tolist()


@pytest.mark.parametrize(
    ("bad", "shown"), [(np.array([0.2, 1.5]), 1.5), (np.array([np.nan]), None), ([-0.1], -0.1)]
)
def test_a_bad_deduction_gets_the_adjustments_error(bad, shown):
    with pytest.raises(ModelError) as ours:
        deduct(np.array([1.0]), np.array([0.1]), bad, np.array([0.0]))
    with pytest.raises(ModelError) as theirs:
        displacement(np.array([1.0]), bad)
    assert [(p.location, p.message) for p in ours.value.problems] == [
        (p.location, p.message) for p in theirs.value.problems
    ]
    if shown is not None:
        assert ours.value.problems[0].value == shown


figures = st.floats(allow_nan=True, allow_infinity=True, width=64)


@given(present_value=figures, investment=figures)
def test_headline_of_plain_floats_checks_as_the_arrays_do(present_value, investment):
    def outcome(pv, inv):
        try:
            h = headline(pv, inv)
        except ModelError as exc:
            return [(p.location, p.message) for p in exc.problems]
        return (float(h.present_value), float(h.total_investment))

    fast = outcome(present_value, investment)  # plain floats: the quick check
    general = outcome(np.float64(present_value), np.float64(investment))  # the arrays' check
    assert fast == general or (
        isinstance(fast, tuple) and np.allclose(fast, general, equal_nan=True)
    )


# ------------------------------------------------------------------ fields


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**1100), max_value=2**1100),
    st.sampled_from([0, 1, -0.0, 1e308, 2**1024, True, False, np.float64(0.5), Decimal("0.5")]),
)


@pytest.mark.parametrize(
    ("parse", "low", "high"),
    [
        (parse_fraction, 0.0, 1.0),
        (parse_non_negative, 0.0, math.inf),
        (parse_number, -math.inf, math.inf),
    ],
)
@given(value=numbers)
def test_a_field_takes_a_plain_number_only_as_its_parser_does(parse, low, high, value):
    big = 1.7976931348623157e308
    quick = _plain_number(value, max(low, -big), min(high, big))
    if quick is None:
        return  # the full check takes it: the general path, unchanged
    assert type(value) in (float, int)  # never a yes/no value, a numpy scalar or a Decimal
    assert quick == parse(value)
    assert type(quick) is float


@given(value=numbers)
def test_a_plain_whole_number_of_years_is_what_the_full_check_gives(value):
    fields = {"stakeholder": "S", "outcome": "O", "quantity": 1, "value": 1.0}
    if type(value) is not int or not 0 < value <= MAX_YEARS:
        return
    quick = Outcome(**fields, duration=value, start_year=value)
    full = Outcome(**fields, duration=float(value), start_year=float(value))  # not plain
    assert (quick.duration, quick.start_year) == (full.duration, full.start_year) == (value,) * 2
    assert type(quick.duration) is type(full.duration) is int


@given(
    value=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(2**1030), 2**1030),
        st.sampled_from([0.0, 1.0, 0.5, 2, -0.0, True]),
    )
)
def test_an_outcome_from_plain_numbers_equals_one_from_the_full_check(value):
    """Every numeric field, given a plain number, either equals the same outcome built
    from a Decimal of it (never the quick path) or fails with the same problems."""
    names = ("quantity", "value", "deadweight", "displacement", "attribution", "leakage")

    def build(number, name):
        fields = {"stakeholder": "S", "outcome": "O", "quantity": 1, "value": 1.0}
        try:
            return Outcome(**{**fields, "duration": 2, name: number, "drop_off": 0.1})
        except ModelError as exc:
            return [(p.location, p.message) for p in exc.problems]

    for name in (*names, "drop_off"):
        quick = build(value, name)
        if isinstance(value, bool):
            slow = build(value, name)
        elif isinstance(value, float) and not math.isfinite(value):
            slow = quick  # no Decimal of it is a float; the check is the same function
        else:
            slow = build(Decimal(value) if isinstance(value, int) else np.float64(value), name)
        if isinstance(quick, list) or isinstance(slow, list):
            assert quick == slow
        else:
            assert float(getattr(quick, name)) == float(getattr(slow, name))


# ------------------------------------------------------------------ the model


def own_model(rows):
    return Model.from_dict(
        {
            "name": "m",
            "inputs": [{"stakeholder": "F", "amount": 100.0}],
            "outcomes": [
                {"stakeholder": "S", "outcome": f"O{i}", "quantity": 2, "duration": 3, **row}
                for i, row in enumerate(rows)
            ],
        }
    )


classes = st.fixed_dictionaries(
    {"value": st.floats(-1e6, 1e6)},
    optional={
        "value_type": st.sampled_from(["fiscal", "social"]),
        "category": st.sampled_from(["employment", "health"]),
        "bearer": st.sampled_from(["NHS", "DWP:0.94;NHS:0.06"]),
    },
)


@given(rows=st.lists(classes, min_size=1, max_size=5), restate=st.floats(0.5, 2.0))
def test_outcomes_giving_their_own_value_are_valued_as_one_by_one(rows, restate):
    model = own_model(rows)
    expected = tuple(_own(o, float(o.value) * restate, None, restate) for o in model.outcomes)
    assert value_outcomes(model, None, restate=restate) == expected


def test_a_value_too_large_once_restated_is_located():
    model = own_model([{"value": 1.0}, {"value": 1e308}])
    with pytest.raises(ModelError) as info:
        value_outcomes(model, None, restate=10.0)
    (problem,) = info.value.problems
    assert problem.location == "outcomes[1].value"
    assert problem.message == "is too large once moved to the result's price year"


shares = st.floats(0.0, 1.0)


@given(
    rows=st.lists(st.tuples(shares, shares, shares, shares), min_size=1, max_size=6),
    additive=st.booleans(),
)
def test_the_warnings_table_keeps_every_outcome_the_rule_warns_about(rows, additive):
    outcomes = tuple(
        Outcome.model_construct(deadweight=a, displacement=b, attribution=c, leakage=e)
        for a, b, c, e in rows
    )
    model = Model.model_construct(outcomes=outcomes, conventions=None)
    conventions = Conventions(deductions="additive") if additive else None
    warned = [w.location for w in model_warnings(model, conventions)]
    expected = []
    for i, (a, b, c, e) in enumerate(rows):
        if additive:
            removed = min(1.0, sum((a, b, c, e)))
        else:
            removed = 1 - (1 - a) * (1 - b) * (1 - c) * (1 - e)
        if removed > DEDUCTIONS_WARNING_THRESHOLD:
            expected.append(f"outcomes[{i}]")
    assert warned == expected


def test_the_warnings_of_yearly_deductions_are_found_outcome_by_outcome():
    model = own_model([{"value": 1.0, "deadweight": [0.5, 0.1, 0.1], "attribution": 0.85}])
    assert [w.location for w in model_warnings(model)] == ["outcomes[0]"]


# ------------------------------------------------------------------ a whole evaluation


@given(
    rate=st.one_of(rates, st.sampled_from(["green_book", "green_book_health"])),
    timing=st.sampled_from(TIMINGS),
    first_year=st.booleans(),
    columns=outcome_columns(max_outcomes=6),
)
def test_compute_equals_the_year_table_summed(rate, timing, first_year, columns):
    """The present value (closed form where it holds) against the outcomes x years table
    the engine builds for by-year views, discounted and summed."""
    d, start, dur, _, _ = columns
    assume(int((start + dur).max()) <= 60)
    arrays = OutcomeArrays.from_columns(
        quantity=np.arange(1.0, d.size + 1),
        value=100.0,
        duration=dur,
        drop_off=d,
        start_year=start,
        deadweight=0.2,
    )
    conventions = {
        "discount_timing": timing,
        "drop_off_from": "first_year" if first_year else "second_year",
    }
    c = compute(arrays, [1_000.0], [0], rate, conventions=conventions)
    by_table = (c.impact * c.discount_factor).sum(axis=1)
    np.testing.assert_allclose(c.present_value_by_outcome, by_table, rtol=1e-12, atol=1e-300)


def test_a_kept_discount_table_is_never_shared_with_the_caller():
    arrays = OutcomeArrays.from_columns(quantity=1, value=100, duration=3)
    first = compute(arrays, [100.0], [0], 0.035)
    first.discount_factor[:] = 0.0  # the caller's own copy
    again = compute(arrays, [100.0], [0], 0.035)
    assert again.discount_factor[1] == pytest.approx(1 / 1.035, rel=1e-15)
    assert again.present_value == pytest.approx(100 / 1.035 + 100 / 1.035**2 + 100 / 1.035**3)
    # 1 and 1.0 are kept apart (a rate of 100 %), and a list is not kept at all
    assert compute(arrays, [100.0], [0], 1).present_value == pytest.approx(87.5, rel=1e-15)
    assert compute(arrays, [100.0], [0], [1.0]).present_value == pytest.approx(87.5, rel=1e-15)


@given(
    rows=st.lists(st.tuples(shares, shares, shares, shares), min_size=1, max_size=4),
    additive=st.booleans(),
)
def test_evaluate_warns_of_the_deductions_as_the_model_rule_does(rows, additive):
    model = own_model(
        [
            {"value": 10.0, "deadweight": a, "displacement": b, "attribution": c, "leakage": e}
            for a, b, c, e in rows
        ]
    )
    conventions = Conventions(deductions="additive") if additive else Conventions()
    result = sroi.evaluate(model, conventions=conventions)
    said = [w.location for w in result.warnings if "together remove" in str(w)]
    assert said == [w.location for w in model_warnings(model, conventions)]


@st.composite
def many_outcomes(draw):
    n = draw(st.integers(1, 40))
    column = st.lists(fraction, min_size=n, max_size=n).map(np.array)
    return {
        "quantity": np.array(draw(st.lists(st.floats(0, 1e4), min_size=n, max_size=n))),
        "value": np.array(draw(st.lists(st.floats(-1e4, 1e4), min_size=n, max_size=n))),
        "duration": np.array(draw(st.lists(st.sampled_from([1, 2, 3, 2.5, 7, 12.25]),
                                           min_size=n, max_size=n))),
        "start_year": np.array(draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))),
        "deadweight": draw(column),
        "displacement": draw(column),
        "attribution": draw(column),
        "drop_off": draw(column),
        "leakage": draw(st.one_of(st.none(), column)),
        "drop_off_from_first_year": draw(
            st.one_of(st.none(), st.lists(st.booleans(), min_size=n, max_size=n))
        ),
    }  # fmt: skip


@given(
    columns=many_outcomes(),
    rate=st.one_of(rates, st.just([0.05, 0.04, 0.03])),
    block=st.integers(1, 9),
)
def test_outcomes_in_blocks_are_what_the_whole_columns_give(columns, rate, block):
    arrays = OutcomeArrays.from_columns(**columns)
    conventions = {"partial_years": "pro_rata"}
    whole = compute(arrays, [1.0], [0], rate, conventions=conventions)  # no more than a block
    start = whole.outcomes.start_year.astype(np.int64)
    touched, share = year_weights(arrays.duration)
    end = start + touched - 1
    df, geometric = _discounting(rate, int(end.max()), "end_of_year", 0)
    first = (
        None
        if columns["drop_off_from_first_year"] is None
        else np.array(columns["drop_off_from_first_year"])
    )
    partial = share if np.any(share != 1) else None
    got = _in_blocks(arrays, start, touched, partial, first, df, geometric, int(end.max()), block)
    expected = (
        whole.gross,
        whole.after_deadweight,
        whole.after_displacement,
        whole.after_attribution,
        whole.after_leakage,
        whole.present_value_by_outcome,
    )
    for a, b in zip(got[:5], expected[:5], strict=True):
        assert a.tolist() == b.tolist()  # the same arithmetic, block by block
    np.testing.assert_allclose(got[5], expected[5], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("bad", ["displacement", "leakage", "drop_off"])
def test_a_bad_rate_in_a_later_block_gets_the_whole_columns_error(bad):
    n = BLOCK + 10
    columns = {
        "quantity": np.ones(n),
        "value": np.ones(n),
        "duration": np.full(n, 2.0),
        "deadweight": np.full(n, 0.1),
        "displacement": np.full(n, 0.1),
        "attribution": np.full(n, 0.1),
        "leakage": np.full(n, 0.1),
        "drop_off": np.full(n, 0.1),
    }
    columns[bad] = columns[bad].copy()
    columns[bad][-1] = 1.5  # in the second block
    columns["deadweight"] = columns["deadweight"].copy()
    columns["deadweight"][-2] = -0.5  # deduct checks deadweight first, whole column
    arrays = OutcomeArrays(**columns, start_year=np.ones(n))
    with pytest.raises(ModelError) as info:
        compute(arrays, [1.0], [0], 0.035)
    assert [(p.location, p.message, p.value) for p in info.value.problems] == [
        ("deadweight", "must be a fraction between 0 and 1", -0.5)
    ]
