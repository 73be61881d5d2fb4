"""``sroi.evaluate_portfolio``: the same figures as ``sroi.evaluate`` on each project alone."""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sroi
from sroi.errors import ModelError, SROIError, UnknownProxyError
from sroi.portfolio import MAX_PROBLEMS, evaluate_portfolio

FIGURES = ("present_value", "total_investment", "npv", "ratio", "net_ratio")
PAYBACK = ("payback_months", "discounted_payback_years")


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def project_model(
    outcomes: pd.DataFrame, inputs: pd.DataFrame, project: Any, key: str = "project_id", **fields
) -> dict[str, Any]:
    """One project's rows as a model mapping for ``sroi.evaluate``."""
    rows = []
    for record in outcomes[outcomes[key] == project].drop(columns=key).to_dict("records"):
        row = {k: _plain(v) for k, v in record.items() if not pd.isna(v)}
        rows.append({"stakeholder": "People", "outcome": "Change", **row})
    spend = [
        {"stakeholder": "Funder", **{k: _plain(v) for k, v in record.items()}}
        for record in inputs[inputs[key] == project].drop(columns=key).to_dict("records")
    ]
    return {"name": str(project), "inputs": spend, "outcomes": rows, **fields}


def assert_same(table: pd.DataFrame, outcomes, inputs, *, options=None, fields=None) -> None:
    """Every project's row equals sroi.evaluate of that project (relative error <= 1e-12)."""
    options = dict(options or {})
    fields = dict(fields or {})
    if options.get("price_year") is not None:  # the portfolio's option is a model's field
        fields["price_year"] = options.pop("price_year")
    options.pop("price_year", None)
    projects = sorted(set(outcomes["project_id"]))
    assert list(table.index) == projects
    for p in projects:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = sroi.evaluate(project_model(outcomes, inputs, p, **fields), **options)
        row = table.loc[p]
        scale = float(np.abs(r.computation.present_value_by_outcome).sum())
        expected = {
            "present_value": (r.present_value, scale),
            "total_investment": (r.total_investment, r.total_investment),
            "npv": (r.npv, scale + r.total_investment),
            "ratio": (r.ratio, (scale + r.total_investment) / r.total_investment),
            "net_ratio": (r.net_ratio, (scale + r.total_investment) / r.total_investment),
        }
        for name, (want, size) in expected.items():
            assert abs(row[name] - want) <= 1e-12 * size, (p, name, row[name], want)
        for name in PAYBACK:
            want = getattr(r, name)
            if want is None:
                assert math.isnan(row[name]), (p, name, row[name])
            else:
                assert row[name] == pytest.approx(want, rel=1e-12, abs=1e-12), (p, name)


# ------------------------------------------------------------------ hand-worked


def test_two_projects_worked_by_hand():
    # Project A: 100 people x £1,000, deadweight 25 %, attribution 10 %, drop-off 10 %,
    # three years at 3.5 %: first-year impact 100,000 x 0.75 x 0.9 = 67,500; then 60,750
    # and 54,675. PV = 67,500/1.035 + 60,750/1.035^2 + 54,675/1.035^3
    #               = 65,217.391 + 56,710.775 + 49,313.717 = 171,241.88; £150,000 invested.
    # Project B: two outcomes, 10 x £500 for 1 year (PV 5,000/1.035 = 4,830.918) and
    # 4 x £250 from year 2 for 1 year (PV 1,000/1.035^2 = 933.511); £1,000 now and
    # £1,035 in year 1 (PV 1,000 + 1,000 = 2,000). Ratio (4,830.918 + 933.511)/2,000.
    outcomes = pd.DataFrame(
        {
            "project_id": ["B", "A", "B"],
            "quantity": [10, 100, 4],
            "value": [500.0, 1_000.0, 250.0],
            "duration": [1, 3, 1],
            "start_year": [1, 1, 2],
            "deadweight": [0.0, 0.25, 0.0],
            "attribution": [0.0, 0.1, 0.0],
            "drop_off": [0.0, 0.1, 0.0],
        }
    )
    inputs = pd.DataFrame(
        {"project_id": ["A", "B", "B"], "amount": [150_000.0, 1_000.0, 1_035.0], "year": [0, 0, 1]}
    )
    table = evaluate_portfolio(outcomes, inputs)
    assert list(table.index) == ["A", "B"]
    a_pv = 67_500 / 1.035 + 60_750 / 1.035**2 + 54_675 / 1.035**3
    b_pv = 5_000 / 1.035 + 1_000 / 1.035**2
    assert table.loc["A", "present_value"] == pytest.approx(a_pv, rel=1e-14)
    assert round(table.loc["A", "present_value"], 2) == 171_241.88
    assert table.loc["A", "ratio"] == pytest.approx(a_pv / 150_000, rel=1e-14)
    assert table.loc["B", "total_investment"] == pytest.approx(2_000.0, rel=1e-14)
    assert table.loc["B", "npv"] == pytest.approx(b_pv - 2_000, rel=1e-14)
    assert table.loc["B", "net_ratio"] == pytest.approx((b_pv - 2_000) / 2_000, rel=1e-14)
    # A: the Guide's payback: 150,000 / (67,500 / 12) = 26.667 months. Discounted: the
    # cumulative PV is 121,928.17 after year 2, so (150,000 - 121,928.17) / 49,313.72 of
    # year 3 is needed: 2.5692 years.
    assert table.loc["A", "payback_months"] == pytest.approx(150_000 / (67_500 / 12))
    done = 67_500 / 1.035 + 60_750 / 1.035**2
    assert table.loc["A", "discounted_payback_years"] == pytest.approx(
        2 + (150_000 - done) / (54_675 / 1.035**3)
    )
    # B: year 0 -1,000; year 1 +4,830.92 - 1,000 = 2,830.92 > 0: pays back within year 1
    # at 1,000 / 3,830.92 of it (the year's net discounted value 4,830.92 - 1,000).
    assert table.loc["B", "discounted_payback_years"] == pytest.approx(
        1_000 / (5_000 / 1.035 - 1_000)
    )
    assert table.loc["B", "payback_months"] == pytest.approx(2_000 / (5_000 / 12))
    assert_same(table, outcomes, inputs)


# ------------------------------------------------------------------ equals evaluate()

_RATES = st.sampled_from([0.035, 0.0, 0.1, "green_book", "green_book_health", [0.05, 0.03]])


@st.composite
def portfolios(draw: Any) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """A random portfolio and the options to evaluate it with (every convention drawn)."""
    conventions = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "drop_off_from": st.sampled_from(["second_year", "first_year"]),
                "partial_years": st.sampled_from(["error", "pro_rata"]),
                "discount_timing": st.sampled_from(["end_of_year", "mid_year", "start_of_year"]),
                "deductions": st.sampled_from(["multiplicative", "additive"]),
                "valuation_year": st.integers(0, 4),
            },
        )
    )
    pro_rata = conventions.get("partial_years") == "pro_rata"
    per_row_drop_off = draw(st.booleans())
    with_proxies = draw(st.booleans())
    labelled = draw(st.booleans())
    fraction = st.one_of(st.just(0.0), st.floats(0, 1), st.just(1.0))
    small = st.one_of(st.just(0.0), st.floats(0, 0.4))
    n_projects = draw(st.integers(1, 5))
    out_rows, in_rows = [], []
    for p in range(n_projects):
        pid = f"P{draw(st.integers(0, 99)):02d}-{p}"
        for _ in range(draw(st.integers(1, 4))):
            whole = draw(st.integers(1, 12))
            duration = whole - draw(st.sampled_from([0.0, 0.25, 0.5, 0.9])) if pro_rata else whole
            row = {
                "project_id": pid,
                "quantity": draw(st.floats(0, 1e4)),
                "value": draw(st.floats(1e-2, 1e6)),
                "duration": duration,
                # up to year 35 and 12 years long: the Green Book's rates change in year 31
                "start_year": draw(st.integers(1, 35)),
                "deadweight": draw(fraction),
                "displacement": draw(small),
                "attribution": draw(fraction),
                "leakage": draw(small),
                "drop_off": draw(fraction),
            }
            if per_row_drop_off:
                row["drop_off_from"] = draw(st.sampled_from([None, "first_year", "second_year"]))
            if with_proxies:
                row["proxy"] = draw(st.sampled_from([None, *_PROXY_IDS]))
                if row["proxy"] is not None:
                    del row["value"]
            if labelled:
                row["bearer"] = draw(st.sampled_from([None, "NHS", "DWP:0.25;NHS:0.75"]))
                row["marmot_objective"] = draw(
                    st.sampled_from([None, "fair_employment", "best_start"])
                )
                row["group"] = draw(st.sampled_from([None, "Health", "Work"]))
            out_rows.append(row)
        for k in range(draw(st.integers(1, 3))):
            amount = draw(st.floats(1.0, 1e7)) if k == 0 else draw(st.floats(0, 1e6))
            in_rows.append({"project_id": pid, "amount": amount, "year": draw(st.integers(0, 5))})
    options = {"discount_rate": draw(_RATES), "conventions": conventions or None}
    if with_proxies:
        options["price_year"] = 2024
    return pd.DataFrame(out_rows), pd.DataFrame(in_rows), options


_PROXY_IDS = ("ucd_ee1_0_fiscal", "ucd_cr8_0_fiscal", "ucd_cr1_0_fiscal", "ucd_cr5_7_fiscal")
"""Bundled proxies (each valued per person or per case, no unit needed)."""


@given(portfolios())
@settings(max_examples=80, deadline=None)
def test_equals_evaluate_per_project(case):
    outcomes, inputs, options = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a proxy's old price year, as evaluate() warns
        table = evaluate_portfolio(outcomes, inputs, **options)
    assert_same(table, outcomes, inputs, options=options)


def test_more_rows_than_an_engine_block_equal_evaluate():
    # 40,000 outcome rows (the engine takes 32,768 at a time, and the portfolio 262,144):
    # Green Book schedules crossing year 30, part years, leakage and per-row drop-off.
    from sroi.engine import BLOCK

    rng = np.random.default_rng(11)
    projects = 4_000
    n = 10 * projects
    assert n > BLOCK
    outcomes = pd.DataFrame(
        {
            "project_id": np.repeat(rng.permutation(projects), 10),
            "quantity": rng.uniform(1, 100, n),
            "value": rng.uniform(10, 1_000, n),
            "duration": rng.integers(1, 20, n) - rng.choice([0.0, 0.5], n),
            "start_year": rng.integers(1, 35, n),
            "deadweight": rng.uniform(0, 0.5, n),
            "attribution": rng.uniform(0, 0.3, n),
            "leakage": rng.uniform(0, 0.1, n),
            "drop_off": rng.uniform(0, 0.3, n),
            "drop_off_from": rng.choice(["first_year", "second_year", None], n),
        }
    )
    inputs = pd.DataFrame(
        {
            "project_id": np.arange(projects),
            "amount": rng.uniform(1e3, 1e5, projects),
            "year": rng.integers(0, 3, projects),
        }
    )
    sample = rng.choice(projects, 25, replace=False)
    for options in (
        {"discount_rate": "green_book", "conventions": {"partial_years": "pro_rata"}},
        {
            "discount_rate": "green_book_health",
            "conventions": {"partial_years": "pro_rata", "discount_timing": "mid_year"},
        },
    ):
        table = evaluate_portfolio(outcomes, inputs, **options)
        assert len(table) == projects
        some = outcomes[outcomes["project_id"].isin(sample)]
        assert_same(table.loc[sorted(sample)], some, inputs, options=options)


@given(portfolios(), st.randoms(use_true_random=False))
@settings(max_examples=25, deadline=None)
def test_row_order_and_key_order_do_not_matter(case, random):
    outcomes, inputs, options = case
    table = evaluate_portfolio(outcomes, inputs, **options)
    rows = list(range(len(outcomes)))
    random.shuffle(rows)
    in_rows = list(range(len(inputs)))
    random.shuffle(in_rows)
    shuffled = evaluate_portfolio(outcomes.iloc[rows], inputs.iloc[in_rows], **options)
    assert list(shuffled.index) == sorted(shuffled.index)
    pd.testing.assert_frame_equal(shuffled, table, rtol=1e-12, atol=0)
    # the key order: numbers as keys sort as numbers, whatever order they come in
    names = {k: i for i, k in enumerate(sorted(set(outcomes["project_id"]), reverse=True))}
    renamed = evaluate_portfolio(
        outcomes.assign(project_id=outcomes["project_id"].map(names)),
        inputs.assign(project_id=inputs["project_id"].map(names)),
        **options,
    )
    assert list(renamed.index) == sorted(names.values())
    back = renamed.rename(index={i: k for k, i in names.items()}).sort_index()
    back.index.name = "project_id"
    pd.testing.assert_frame_equal(back, table, rtol=1e-12, atol=0)


def test_each_convention_and_schedule_against_evaluate():
    rng = np.random.default_rng(7)
    n = 60
    outcomes = pd.DataFrame(
        {
            "project_id": rng.integers(0, 12, n),
            "quantity": rng.integers(1, 300, n).astype(float),
            "value": rng.uniform(10, 5_000, n),
            "duration": rng.integers(1, 10, n) - rng.choice([0.0, 0.5], n),
            "start_year": rng.integers(1, 4, n),
            "deadweight": rng.uniform(0, 0.5, n),
            "displacement": rng.uniform(0, 0.3, n),
            "attribution": rng.uniform(0, 0.4, n),
            "leakage": rng.uniform(0, 0.2, n),
            "drop_off": rng.uniform(0, 0.3, n),
        }
    )
    inputs = pd.DataFrame(
        {"project_id": np.arange(12), "amount": rng.uniform(1e4, 1e6, 12), "year": [0, 1] * 6}
    )
    for conventions in (
        {"partial_years": "pro_rata"},
        {"partial_years": "pro_rata", "drop_off_from": "first_year"},
        {"partial_years": "pro_rata", "discount_timing": "mid_year"},
        {"partial_years": "pro_rata", "discount_timing": "start_of_year"},
        {"partial_years": "pro_rata", "deductions": "additive"},
        {"partial_years": "pro_rata", "valuation_year": 3},
    ):
        for rate in (0.035, "green_book", [0.06, 0.02]):
            options = {"discount_rate": rate, "conventions": conventions}
            table = evaluate_portfolio(outcomes, inputs, **options)
            assert_same(table, outcomes, inputs, options=options)
    # the options change the figures (so the comparison above can fail)
    plain = evaluate_portfolio(outcomes, inputs, conventions={"partial_years": "pro_rata"})
    later = evaluate_portfolio(
        outcomes, inputs, conventions={"partial_years": "pro_rata", "drop_off_from": "first_year"}
    )
    assert (later["present_value"] < plain["present_value"]).all()


def test_drop_off_from_per_row_and_disbenefits():
    outcomes = pd.DataFrame(
        {
            "project_id": [1, 1, 2, 2],
            "quantity": [10.0, 5.0, 1.0, 20.0],
            "value": [1_000.0, -300.0, 50_000.0, 100.0],
            "duration": [4, 2, 3, 5],
            "drop_off": [0.2, 0.0, 0.5, 0.1],
            "drop_off_from": ["first_year", None, None, "first_year"],
        }
    )
    inputs = pd.DataFrame({"project_id": [1, 2], "amount": [20_000.0, 60_000.0]})
    table = evaluate_portfolio(outcomes, inputs)
    assert_same(table, outcomes, inputs)
    assert table.loc[1, "present_value"] == pytest.approx(
        sum(10_000 * 0.8**t / 1.035**t for t in range(1, 5)) - 1_500 / 1.035 - 1_500 / 1.035**2
    )


def test_payback_not_reached_is_nan_and_payback_false():
    outcomes = pd.DataFrame(
        {"project_id": ["x", "y"], "quantity": [1, 1], "value": [100.0, 5_000.0], "duration": 1}
    )
    inputs = pd.DataFrame({"project_id": ["x", "y"], "amount": [1_000.0, 1_000.0]})
    table = evaluate_portfolio(outcomes, inputs)
    assert table.loc["x", PAYBACK].isna().all()
    assert table.loc["y", PAYBACK].notna().all()
    assert_same(table, outcomes, inputs)
    quick = evaluate_portfolio(outcomes, inputs, payback=False)
    assert quick[list(PAYBACK)].isna().all().all()
    pd.testing.assert_frame_equal(quick[list(FIGURES)], table[list(FIGURES)])


def test_progress_bar_covers_every_stage_and_leaves_the_figures(capsys):
    outcomes, inputs = _numbered_portfolio(40)
    quiet = evaluate_portfolio(outcomes, inputs)
    assert capsys.readouterr().err == ""
    shown = evaluate_portfolio(outcomes, inputs, progress=True)
    err = capsys.readouterr().err
    # one bar, started as the call starts (at reading) and moved on at every stage
    for stage in ("reading", "engine", "payback"):
        assert f"portfolio: {stage}" in err, err
    assert err.index("portfolio: reading") < err.index("portfolio: engine")
    assert err.index("portfolio: engine") < err.index("portfolio: payback")
    assert "  0%" in err and "%|" in err
    pd.testing.assert_frame_equal(shown, quiet, check_exact=True)
    # without payback the bar has no payback stage; a delay hides a short run's bar
    evaluate_portfolio(outcomes, inputs, progress=True, payback=False)
    assert "payback" not in capsys.readouterr().err
    evaluate_portfolio(outcomes, inputs, progress=60.0)
    assert capsys.readouterr().err == ""


def _numbered_portfolio(projects: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A portfolio with whole-number project ids, three outcomes and one input a project."""
    rng = np.random.default_rng(seed)
    n = 3 * projects
    outcomes = pd.DataFrame(
        {
            "project_id": np.repeat(np.arange(1, projects + 1), 3),
            "quantity": rng.integers(1, 100, n).astype(float),
            "value": rng.uniform(10, 1_000, n),
            "duration": rng.integers(1, 6, n),
            "deadweight": rng.uniform(0, 0.4, n),
            "drop_off": rng.uniform(0, 0.3, n),
        }
    )
    inputs = pd.DataFrame(
        {"project_id": np.arange(1, projects + 1), "amount": rng.uniform(1e3, 5e4, projects)}
    )
    return outcomes, inputs


# ------------------------------------------------------------------ keys of two types


def test_keys_written_as_numbers_and_as_text_are_the_same_projects(tmp_path):
    # Outcomes from Parquet (or a frame) with whole-number ids, inputs from a CSV file,
    # whose key is read as text: project 1 is project 1 in both.
    outcomes, inputs = _numbered_portfolio(12)
    want = evaluate_portfolio(outcomes, inputs)
    assert want.index.dtype == np.int64
    outcomes.to_parquet(tmp_path / "o.parquet")
    inputs.to_csv(tmp_path / "i.csv", index=False)
    for got in (
        evaluate_portfolio(tmp_path / "o.parquet", tmp_path / "i.csv"),
        evaluate_portfolio(outcomes, tmp_path / "i.csv"),
        evaluate_portfolio(outcomes, inputs.assign(project_id=inputs["project_id"].astype(str))),
        # whole numbers held as floats (a column with a blank elsewhere) are the same ids
        evaluate_portfolio(outcomes.assign(project_id=outcomes["project_id"] * 1.0), inputs),
        # "1.0" read as text is the number 1 beside numbers
        evaluate_portfolio(
            outcomes, inputs.assign(project_id=[f"{k}.0" for k in inputs["project_id"]])
        ),
    ):
        assert list(got.index) == list(range(1, 13))  # sorted as numbers: 10 after 9
        pd.testing.assert_frame_equal(got, want, check_exact=True, check_index_type=False)
    # numbers that are not whole stay numbers
    half = evaluate_portfolio(
        outcomes.assign(project_id=outcomes["project_id"] + 0.5),
        inputs.assign(project_id=[str(k + 0.5) for k in inputs["project_id"]]),
    )
    assert list(half.index) == [k + 0.5 for k in range(1, 13)]
    # text that is not all numbers: both tables as text, 1.0 written "1"
    mixed_out = outcomes.assign(project_id=outcomes["project_id"].astype(object))
    mixed_out.loc[mixed_out["project_id"] == 12, "project_id"] = "twelve"
    mixed_in = inputs.assign(project_id=[*(float(k) for k in range(1, 12)), "twelve"])
    text = evaluate_portfolio(mixed_out, mixed_in)
    assert set(text.index) == {*(str(k) for k in range(1, 12)), "twelve"}
    np.testing.assert_array_equal(text.loc["7", "ratio"], want.loc[7, "ratio"])
    # two texts stay as written: "007" is not "7"
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(
            outcomes.assign(project_id=outcomes["project_id"].map("{:03d}".format)),
            inputs.assign(project_id=inputs["project_id"].astype(str)),
        )
    assert "outcomes[project_id=007]" in caught.value.locations


# ------------------------------------------------------------------ problems by check


def test_problems_are_listed_by_check_with_rows_in_order():
    # Bad rows given in no particular order: each check's rows are listed together, in
    # the table's order, the checks by column (quantity before deadweight).
    outcomes, inputs = _numbered_portfolio(4)
    outcomes.loc[[9, 2, 6], "deadweight"] = [1.5, 2.0, -1.0]
    outcomes.loc[[7, 1], "quantity"] = -3.0
    outcomes["deadweight"] = outcomes["deadweight"].astype(object)
    outcomes.loc[4, "deadweight"] = "a lot"
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    listed = [(p.location, p.message[:25]) for p in caught.value.problems]
    assert listed == [
        ("outcomes[project_id=1, row 1].quantity", "must be a number >= 0"),
        ("outcomes[project_id=3, row 7].quantity", "must be a number >= 0"),
        ("outcomes[project_id=1, row 2].deadweight", "must be a fraction betwee"),
        ("outcomes[project_id=3, row 6].deadweight", "must be a fraction betwee"),
        ("outcomes[project_id=4, row 9].deadweight", "must be a fraction betwee"),
        ("outcomes[project_id=2, row 4].deadweight", "must be a number (distrib"),
    ]


# ------------------------------------------------------------------ proxies


def test_proxies_by_id_give_evaluates_figures():
    outcomes = pd.DataFrame(
        {
            "project_id": ["a", "a", "b", "b", "c"],
            "quantity": [3.0, 10.0, 2.0, 1.0, 4.0],
            "proxy": ["ucd_ee1_0_fiscal", None, "ucd_ee1_0_fiscal", "ucd_cr8_0_fiscal", None],
            "value": [None, 250.0, None, None, 900.0],
            "duration": [2, 1, 3, 1, 2],
            "deadweight": [0.2, 0.0, 0.1, 0.3, 0.0],
            "bearer": [None, "Local authority", None, None, "DWP:0.5;NHS:0.5"],
            "marmot_objective": [None, "best_start", None, None, None],
        }
    )
    inputs = pd.DataFrame({"project_id": ["a", "b", "c"], "amount": [5_000.0, 8_000.0, 900.0]})
    options = {"price_year": 2024}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table, totals = evaluate_portfolio(
            outcomes, inputs, by=("bearer", "marmot_objective", "group"), **options
        )
    assert_same(table, outcomes, inputs, fields={"price_year": 2024})
    # the totals are evaluate()'s breakdowns summed over the projects
    for by in ("bearer", "marmot_objective", "group"):
        want: dict[str, float] = {}
        for p in "abc":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = sroi.evaluate(project_model(outcomes, inputs, p, price_year=2024))
            for label, pv in r.breakdown(by)[[by, "present_value"]].itertuples(index=False):
                want[label] = want.get(label, 0.0) + pv
        got = totals[totals["by"] == by].set_index("label")["present_value"].to_dict()
        assert got.keys() == want.keys()
        for label in want:
            assert got[label] == pytest.approx(want[label], rel=1e-12)
        assert totals[totals["by"] == by]["share"].sum() == pytest.approx(1.0)
    assert {"DWP", "NHS", "Police", "Local authority"} <= set(totals["label"])


def test_each_distinct_proxy_is_looked_up_once(monkeypatch):
    import sroi.portfolio as portfolio

    calls = []
    real = portfolio._resolve

    def counting(*args):
        calls.append(args[1:3])
        return real(*args)

    monkeypatch.setattr(portfolio, "_resolve", counting)
    n = 50
    outcomes = pd.DataFrame(
        {
            "project_id": np.arange(n) % 7,
            "quantity": 1.0,
            "proxy": ["ucd_ee1_0_fiscal", "ucd_cr8_0_fiscal"] * (n // 2),
            "duration": 1,
        }
    )
    inputs = pd.DataFrame({"project_id": range(7), "amount": 1_000.0})
    evaluate_portfolio(outcomes, inputs, price_year=2024)
    assert sorted(calls) == [("ucd_cr8_0_fiscal", None), ("ucd_ee1_0_fiscal", None)]


def test_unknown_proxy_is_located_with_suggestions():
    outcomes = pd.DataFrame(
        {
            "project_id": ["a", "b", "b"],
            "quantity": 1.0,
            "proxy": ["ucd_ee1_0_fiscal", "ucd_ee1_0_fiscall", "ucd_ee1_0_fiscall"],
            "duration": 1,
        }
    )
    inputs = pd.DataFrame({"project_id": ["a", "b"], "amount": 1.0})
    with pytest.raises(UnknownProxyError) as caught:
        evaluate_portfolio(outcomes, inputs, price_year=2024)
    assert caught.value.locations == [
        "outcomes[project_id=b, row 1].proxy",
        "outcomes[project_id=b, row 2].proxy",
    ]
    assert "ucd_ee1_0_fiscal" in caught.value.problems[0].suggestions


def test_a_proxy_with_a_price_year_needs_the_portfolios():
    outcomes = pd.DataFrame(
        {"project_id": ["a"], "quantity": 1.0, "proxy": ["ucd_ee1_0_fiscal"], "duration": 1}
    )
    inputs = pd.DataFrame({"project_id": ["a"], "amount": 1.0})
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    assert caught.value.locations == ["price_year"]
    assert "outcomes[project_id=a, row 0]" in caught.value.problems[0].message


# ------------------------------------------------------------------ bad rows


def _bad_portfolio() -> tuple[pd.DataFrame, pd.DataFrame]:
    outcomes = pd.DataFrame(
        {
            "project_id": ["P1", "P1", "P2", "P3", "P3", "P9"],
            "quantity": [1.0, -2.0, 1.0, 1.0, np.nan, 1.0],
            "value": [10.0, 10.0, 10.0, np.nan, 10.0, 10.0],
            "duration": [1, 2, 0, 2.5, 1, 1],
            "start_year": [1, 1, 1, 1.5, 1, 1],
            "deadweight": [0.1, 1.5, 0.2, 0.3, -0.1, 0.0],
        }
    )
    inputs = pd.DataFrame({"project_id": ["P1", "P2", "P3", "P4"], "amount": [1.0, 2.0, -3.0, 4]})
    return outcomes, inputs


def test_a_portfolio_with_bad_rows_names_them_all():
    outcomes, inputs = _bad_portfolio()
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    assert set(caught.value.locations) == {
        "outcomes[project_id=P9]",
        "inputs[project_id=P4]",
        "outcomes[project_id=P1, row 1].quantity",
        "outcomes[project_id=P3, row 4].quantity",
        "outcomes[project_id=P2, row 2].duration",
        "outcomes[project_id=P3, row 3].duration",
        "outcomes[project_id=P3, row 3].start_year",
        "outcomes[project_id=P1, row 1].deadweight",
        "outcomes[project_id=P3, row 4].deadweight",
        "outcomes[project_id=P3, row 3]",
        "inputs[project_id=P3, row 2].amount",
    }
    messages = {p.location: p.message for p in caught.value.problems}
    assert "no inputs" in messages["outcomes[project_id=P9]"]
    assert "no outcomes" in messages["inputs[project_id=P4]"]
    assert "pro_rata" in messages["outcomes[project_id=P3, row 3].duration"]
    assert "give `value` or `proxy`" in messages["outcomes[project_id=P3, row 3]"]
    assert "blank" in messages["outcomes[project_id=P3, row 4].quantity"]


def test_bad_rows_in_a_csv_file_are_located_by_line(tmp_path):
    outcomes, inputs = _bad_portfolio()
    outcomes.to_csv(tmp_path / "outcomes.csv", index=False)
    inputs.to_csv(tmp_path / "inputs.csv", index=False)
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(tmp_path / "outcomes.csv", str(tmp_path / "inputs.csv"))
    locations = caught.value.locations
    # data row 1 (from 0) is the file's line 3, the header being line 1
    assert "outcomes.csv, row 3, column deadweight" in locations
    assert "outcomes.csv, row 6, column deadweight" in locations
    assert "inputs.csv, row 4, column amount" in locations


def test_a_good_csv_portfolio_matches_its_frames(tmp_path):
    outcomes = pd.DataFrame(
        {"project_id": ["a", "b", "a"], "quantity": [2, 3, 4], "value": [5.0, 6.0, 7.0]}
    ).assign(duration=[1, 2, 3], deadweight=0.1)
    inputs = pd.DataFrame({"project_id": ["a", "b"], "amount": [10.0, 20.0], "year": [0, 1]})
    outcomes.to_csv(tmp_path / "o.csv", index=False)
    inputs.to_csv(tmp_path / "i.csv", index=False)
    from_files = evaluate_portfolio(tmp_path / "o.csv", tmp_path / "i.csv")
    pd.testing.assert_frame_equal(from_files, evaluate_portfolio(outcomes, inputs))


def test_a_parquet_portfolio_matches_its_frames(tmp_path):
    outcomes = pd.DataFrame(
        {"project_id": ["a", "b", "a"], "quantity": [2, 3, 4], "value": [5.0, 6.0, 7.0]}
    ).assign(duration=[1, 2, 3], deadweight=0.1, group=["x", None, "y"])
    inputs = pd.DataFrame({"project_id": ["a", "b"], "amount": [10.0, 20.0], "year": [0, 1]})
    outcomes.to_parquet(tmp_path / "o.parquet")
    inputs.to_parquet(tmp_path / "i.pq")
    table, totals = evaluate_portfolio(tmp_path / "o.parquet", str(tmp_path / "i.pq"), by="group")
    want, want_totals = evaluate_portfolio(outcomes, inputs, by="group")
    pd.testing.assert_frame_equal(table, want, check_exact=True)
    pd.testing.assert_frame_equal(totals, want_totals, check_exact=True)
    # worked by hand: project b, 3 x 6.0 x 0.9 for two years at 3.5 %, 20 invested in year 1
    pv = 3 * 6.0 * 0.9 * (1 / 1.035 + 1 / 1.035**2)
    assert table.loc["b", "ratio"] == pytest.approx(pv / (20 / 1.035), rel=1e-12)


def test_bad_rows_in_a_parquet_file_are_located_by_row(tmp_path):
    outcomes, inputs = _bad_portfolio()
    outcomes.to_parquet(tmp_path / "outcomes.parquet")
    inputs.to_parquet(tmp_path / "inputs.parquet")
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(tmp_path / "outcomes.parquet", tmp_path / "inputs.parquet")
    located = {p.location: p for p in caught.value.problems}
    # located as in a CSV file: data row 1 (from 0) is row 3, the header being row 1
    assert located["outcomes.parquet, row 3, column deadweight"].value == 1.5
    assert located["outcomes.parquet, row 6, column deadweight"].value == -0.1
    assert located["inputs.parquet, row 4, column amount"].value == -3.0
    assert "outcomes.parquet, row 6, column quantity" in located  # the blank quantity
    assert len(caught.value.problems) == 11  # as many as from the frames


def test_a_file_that_is_not_parquet_cannot_be_read(tmp_path):
    (tmp_path / "o.parquet").write_text("project_id,quantity\nA,1\n", encoding="utf-8")
    inputs = pd.DataFrame({"project_id": ["A"], "amount": [1.0]})
    with pytest.raises(ModelError, match="cannot be read") as caught:
        evaluate_portfolio(tmp_path / "o.parquet", inputs)
    assert caught.value.locations[0] == "o.parquet"


def test_many_bad_rows_are_capped_with_a_count():
    n = 45
    outcomes = pd.DataFrame(
        {"project_id": np.arange(n), "quantity": 1.0, "value": 1.0, "duration": 1}
    ).assign(attribution=2.0)
    inputs = pd.DataFrame({"project_id": np.arange(n), "amount": 1.0})
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0].location == "outcomes[project_id=0, row 0].attribution"
    assert problems[MAX_PROBLEMS - 1].location == "outcomes[project_id=19, row 19].attribution"
    assert "25 more rows" in problems[-1].message and "45 in all" in problems[-1].message


def test_unknown_and_missing_columns():
    outcomes = pd.DataFrame(
        {"project_id": [1], "quantity": [1.0], "value": [1.0], "dead_weight": [0.1]}
    )
    inputs = pd.DataFrame({"project": [1], "amount": [1.0]})
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    problems = {(p.location, p.message) for p in caught.value.problems}
    assert (
        "outcomes.columns",
        "has an unknown column 'dead_weight'; did you mean 'deadweight'?",
    ) in problems
    assert ("outcomes.columns", "needs a column 'duration'") in problems
    assert ("inputs.columns", "needs a column 'project_id'") in problems
    assert any(p.suggestions == ("deadweight",) for p in caught.value.problems)


def test_zero_investment_is_a_located_error():
    outcomes = pd.DataFrame({"project_id": ["a", "b"], "quantity": 1.0, "value": 1.0})
    outcomes["duration"] = 1
    inputs = pd.DataFrame({"project_id": ["a", "b"], "amount": [1.0, 0.0]})
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    assert caught.value.locations == ["inputs[project_id=b]"]


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ([0.1, 0.2], "yearly profiles are not supported"),
        ("normal(0.2, 0.05)", "distributions and text are not supported"),
        (True, "must be a number"),
    ],
)
def test_lists_distributions_and_text_are_refused(cell, words):
    outcomes = pd.DataFrame(
        {"project_id": ["a", "a"], "quantity": 1.0, "value": 1.0, "duration": 2}
    )
    outcomes["deadweight"] = pd.Series([0.1, cell], dtype=object)
    inputs = pd.DataFrame({"project_id": ["a"], "amount": [1.0]})
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    assert caught.value.locations == ["outcomes[project_id=a, row 1].deadweight"]
    assert words in caught.value.problems[0].message


def test_bad_arguments_are_reported_together():
    frame = pd.DataFrame({"project_id": [1], "quantity": 1.0, "value": 1.0, "duration": 1})
    with pytest.raises(SROIError) as caught:
        evaluate_portfolio(
            frame,
            [1, 2],
            discount_rate=-1,
            conventions={"discount_timing": "noon"},
            by="colour",
        )
    assert set(caught.value.locations) == {
        "discount_rate",
        "conventions.discount_timing",
        "by",
        "inputs",
    }


def test_exported_from_the_package():
    assert sroi.evaluate_portfolio is evaluate_portfolio


# ------------------------------------------------------------------ the command line


def _files(tmp_path) -> tuple[str, str]:
    outcomes = pd.DataFrame(
        {
            "contract": ["A", "B", "B"],
            "quantity": [100, 10, 4],
            "value": [1_000.0, 500.0, 250.0],
            "duration": [3, 1, 1],
            "start_year": [1, 1, 2],
            "deadweight": [0.25, 0.0, 0.0],
            "attribution": [0.1, 0.0, 0.0],
            "drop_off": [0.1, 0.0, 0.0],
            "bearer": ["NHS", None, "DWP"],
        }
    )
    inputs = pd.DataFrame(
        {"contract": ["A", "B", "B"], "amount": [150_000.0, 1_000.0, 1_035.0], "year": [0, 0, 1]}
    )
    outcomes.to_csv(tmp_path / "outcomes.csv", index=False)
    inputs.to_csv(tmp_path / "inputs.csv", index=False)
    return str(tmp_path / "outcomes.csv"), str(tmp_path / "inputs.csv")


def test_cli_portfolio_formats(tmp_path):
    import json

    from click.testing import CliRunner

    from sroi.cli import cli

    out, inp = _files(tmp_path)
    run = CliRunner().invoke(cli, ["portfolio", out, inp, "--key", "contract"])
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["present", "net", "payback", "discounted", "payback"]
    assert lines[1].split() == [
        "contract",
        *("value", "investment", "NPV", "ratio", "ratio", "months", "years"),
    ]
    # A (hand-worked above): payback 26.67 months, discounted payback 2.57 years
    assert lines[2].split() == [
        "A",
        *("171,241.88", "150,000.00", "21,241.88", "1.14", "0.14", "26.67", "2.57"),
    ]
    assert max(len(line) for line in lines) <= 100
    run = CliRunner().invoke(cli, ["portfolio", out, inp, "-k", "contract", "-f", "csv"])
    assert run.exit_code == 0, run.output
    frame = pd.read_csv(io.StringIO(run.stdout), index_col="contract")
    want = evaluate_portfolio(out, inp, key="contract")
    pd.testing.assert_frame_equal(frame, want, rtol=1e-15)
    target = tmp_path / "figures.json"
    run = CliRunner().invoke(
        cli,
        ["portfolio", out, inp, "-k", "contract", "-f", "json", "--by", "bearer", "-o", target],
    )
    assert run.exit_code == 0, run.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [p["contract"] for p in data["projects"]] == ["A", "B"]
    assert data["projects"][0]["ratio"] == pytest.approx(want.loc["A", "ratio"])
    assert {t["label"] for t in data["totals"]} == {"NHS", "DWP", "(not given)"}


def test_cli_csv_payback_equals_evaluate_per_project(tmp_path):
    from click.testing import CliRunner

    from sroi.cli import cli

    outcomes, inputs = _numbered_portfolio(15, seed=4)
    outcomes["duration"] = np.tile([2, 6, 35], 15)  # some cross year 30
    outcomes["start_year"] = np.tile([1, 3, 1], 15)
    inputs["amount"] *= np.tile([1.0, 20.0, 200.0], 5)  # some never pay back
    outcomes.to_csv(tmp_path / "o.csv", index=False)
    inputs.to_csv(tmp_path / "i.csv", index=False)
    for more in ((), ("--dask", "local")):
        run = CliRunner().invoke(
            cli,
            [
                "portfolio",
                str(tmp_path / "o.csv"),
                str(tmp_path / "i.csv"),
                "-f",
                "csv",
                "-r",
                "green_book",
                *more,
            ],
        )
        assert run.exit_code == 0, run.output
        frame = pd.read_csv(io.StringIO(run.stdout), index_col="project_id")
        assert list(frame.columns) == [*FIGURES, *PAYBACK]
        assert frame["payback_months"].notna().any() and frame["payback_months"].isna().any()
        assert frame["discounted_payback_years"].notna().any()
        assert_same(frame, outcomes, inputs, options={"discount_rate": "green_book"})


def test_cli_portfolio_errors(tmp_path):
    from click.testing import CliRunner

    from sroi.cli import cli

    out, inp = _files(tmp_path)
    run = CliRunner().invoke(cli, ["portfolio", out, inp])  # no project_id column
    assert run.exit_code == 1
    assert "outcomes.csv, header: needs a column 'project_id'" in run.stderr
    run = CliRunner().invoke(cli, ["portfolio", out, inp, "-k", "contract", "-r", "green_book"])
    assert run.exit_code == 0
    run = CliRunner().invoke(
        cli, ["portfolio", out, inp, "-k", "contract", "-f", "csv", "--by", "group"]
    )
    assert run.exit_code == 2
    run = CliRunner().invoke(cli, ["portfolio", out, str(tmp_path / "none.csv"), "-k", "contract"])
    assert run.exit_code == 1 and "no such file" in run.stderr


def test_a_forecast_price_year_is_warned_of_as_evaluate_does():
    outcomes = pd.DataFrame(
        {"project_id": ["a"], "quantity": 1.0, "proxy": ["ucd_ee1_0_fiscal"], "duration": 1}
    )
    inputs = pd.DataFrame({"project_id": ["a"], "amount": 1.0})
    with pytest.warns(sroi.SROIWarning, match="forecast") as caught:
        evaluate_portfolio(outcomes, inputs, price_year="2026/27")
    with pytest.warns(sroi.SROIWarning, match="forecast") as expected:
        sroi.evaluate(project_model(outcomes, inputs, "a", price_year="2026/27"))
    assert [w.message.message for w in caught] == [w.message.message for w in expected]
    assert caught[0].filename == __file__


def test_overflow_is_located_at_the_row_or_the_project():
    outcomes = pd.DataFrame(
        {
            "project_id": ["b", "a", "b", "c", "c"],
            "quantity": [1.0, 1.0, 1e300, 1.0, 1.0],
            "value": [1.0, 1.0, 1e300, 1.5e308, 1.5e308],
            "duration": 1,
        }
    )
    inputs = pd.DataFrame({"project_id": ["a", "b", "c"], "amount": 1.0})
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs, discount_rate=0.0)
    # one row overflows on its own: its place in the frame (row 2, project b)
    assert caught.value.locations == ["outcomes[project_id=b, row 2]"]
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes.drop(index=2), inputs, discount_rate=0.0)
    # each row of c is finite, their sum is not
    assert caught.value.locations == ["outcomes[project_id=c]"]
    assert "too large" in caught.value.problems[0].message


def test_no_outcome_rows_is_an_error_and_words_are_checked():
    outcomes = pd.DataFrame({"project_id": [], "quantity": [], "value": [], "duration": []})
    inputs = pd.DataFrame({"project_id": ["a"], "amount": [1.0]})
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    assert caught.value.locations == ["outcomes"]
    outcomes = pd.DataFrame(
        {
            "project_id": ["a", "a", "a"],
            "quantity": 1.0,
            "value": 1.0,
            "duration": 1,
            "value_type": ["fiscal", "Fiscal", "Fiscal"],
            "marmot_objective": ["best_start", None, "best start"],
            "bearer": ["NHS", "DWP:0.5;NHS:0.4", None],
        }
    )
    inputs = pd.DataFrame({"project_id": ["a"], "amount": [1.0], "kind": ["money"]})
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio(outcomes, inputs)
    assert set(caught.value.locations) == {
        "outcomes[project_id=a, row 1].value_type",
        "outcomes[project_id=a, row 2].value_type",
        "outcomes[project_id=a, row 2].marmot_objective",
        "outcomes[project_id=a, row 1].bearer",
        "inputs[project_id=a, row 0].kind",
    }


def test_a_proxy_series_over_years_is_refused_at_its_rows():
    # a series id values each year at that year's row in sroi.evaluate (which needs the
    # model's first calendar year); a portfolio values a row at one value, so refuses it
    outcomes = pd.DataFrame(
        {
            "project_id": ["a", "a"],
            "quantity": 1.0,
            "proxy": ["ucd_ee1_0_fiscal", "desnz2023_carbon_value_central"],
            "duration": 3,
        }
    )
    inputs = pd.DataFrame({"project_id": ["a"], "amount": 1.0})
    with pytest.raises(SROIError) as caught:
        evaluate_portfolio(outcomes, inputs, price_year=2024)
    assert caught.value.locations == ["outcomes[project_id=a, row 1].proxy"]
    with pytest.raises(SROIError):
        sroi.evaluate(project_model(outcomes, inputs, "a", price_year=2024))
