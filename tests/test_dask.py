"""Portfolios and Monte Carlo on Dask: the same answers as on one machine.

One local cluster (two workers of one thread each, in this process) serves the module. The
portfolio on Dask is checked against ``sroi.evaluate_portfolio`` of the same frames (itself
checked against ``sroi.evaluate`` per project in tests/test_portfolio.py); the Monte Carlo
on Dask against ``sroi.sensitivity.simulate`` with the same seed, draw for draw, and both
against the random streams the documentation promises.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from test_portfolio import _bad_portfolio, portfolios

import sroi
from sroi.cli import cli
from sroi.distributed import client_for, evaluate_portfolio_dask, simulate_dask
from sroi.errors import ModelError, SROIError, SROIWarning
from sroi.sensitivity import monte_carlo, simulate

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent
UNCERTAIN = ROOT / "docs" / "examples" / "hand_worked_uncertain.yaml"
HAND_WORKED = ROOT / "docs" / "examples" / "hand_worked.yaml"


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def portfolio(projects: int = 30, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A portfolio whose projects' rows are scattered: every project has an outcome row in
    the first and the last stretch of the table, and two input rows, one in each half."""
    rng = np.random.default_rng(seed)
    ids = [f"P{i:03d}" for i in range(projects)]
    order = [*ids, *rng.choice(ids, 3 * projects), *ids[::-1]]
    n = len(order)
    outcomes = pd.DataFrame(
        {
            "project_id": order,
            "quantity": rng.integers(1, 200, n).astype(float),
            "value": rng.uniform(10, 5_000, n),
            "duration": rng.integers(1, 8, n),
            "start_year": rng.integers(1, 3, n),
            "deadweight": rng.uniform(0, 0.5, n),
            "attribution": rng.uniform(0, 0.3, n),
            "drop_off": rng.uniform(0, 0.4, n),
            "group": rng.choice(["Health", "Work", None], n),
            "bearer": rng.choice(["NHS", "DWP:0.5;NHS:0.5", None], n),
            "marmot_objective": rng.choice(["fair_employment", None], n),
        }
    )
    inputs = pd.DataFrame(
        {
            "project_id": [*ids, *ids[::-1]],
            "amount": rng.uniform(1e4, 1e6, 2 * projects),
            "year": rng.integers(0, 2, 2 * projects),
        }
    )
    return outcomes, inputs


BY = ("bearer", "marmot_objective", "group")


def assert_same_totals(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """The same labels with the same present values and shares (rel 1e-12), in order."""
    assert list(got["by"]) == list(want["by"])
    key = ["by", "label"]
    a = got.set_index(key).sort_index()
    b = want.set_index(key).sort_index()
    assert list(a.index) == list(b.index)
    np.testing.assert_allclose(a["present_value"], b["present_value"], rtol=1e-12)
    np.testing.assert_allclose(a["share"], b["share"], rtol=1e-12)
    # largest first within each `by`
    for _, part in got.groupby("by", sort=False):
        assert list(part["present_value"]) == sorted(part["present_value"], reverse=True)


# ------------------------------------------------------------------ portfolios


@pytest.mark.parametrize(
    ("out_parts", "in_parts", "npartitions"),
    [(1, 1, None), (3, 2, None), (5, 4, 7)],
)
def test_dask_portfolio_equals_pandas(client, out_parts, in_parts, npartitions):
    outcomes, inputs = portfolio()
    want, want_totals = sroi.evaluate_portfolio(outcomes, inputs, by=BY)
    got, totals = evaluate_portfolio_dask(
        dd.from_pandas(outcomes, npartitions=out_parts),
        dd.from_pandas(inputs, npartitions=in_parts),
        by=BY,
        npartitions=npartitions,
        compute=True,
    )
    # each project's rows are evaluated in their order, as on one machine: the same floats
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert_same_totals(totals, want_totals)
    # the shares are of the whole portfolio's present value: 1 in all for each `by`
    for _, part in totals.groupby("by"):
        assert part["share"].sum() == pytest.approx(1.0, rel=1e-12)


def test_a_projects_rows_in_several_input_partitions_are_brought_together(client):
    # Every project has one input row in each of the two input partitions; the figures
    # need both (an investment from one row alone would give another ratio).
    outcomes, inputs = portfolio(projects=10)
    parts = dd.from_pandas(inputs, npartitions=2)
    first, second = (set(p.compute()["project_id"]) for p in parts.partitions)
    assert first == second == set(inputs["project_id"])
    got = evaluate_portfolio_dask(outcomes, parts, compute=True)
    pd.testing.assert_frame_equal(got, sroi.evaluate_portfolio(outcomes, inputs), check_exact=True)
    half = sroi.evaluate_portfolio(outcomes, inputs.iloc[:10])
    assert not np.allclose(half["ratio"], got["ratio"])


def test_lazy_result_is_a_dask_frame_with_each_project_once(client):
    outcomes, inputs = portfolio()
    lazy, totals = evaluate_portfolio_dask(
        dd.from_pandas(outcomes, npartitions=3), inputs, by="group", npartitions=4
    )
    assert isinstance(lazy, dd.DataFrame) and lazy.npartitions == 4
    parts, computed_totals = dask.compute([lazy.get_partition(i) for i in range(4)], totals)
    keys = [k for p in parts for k in p.index]
    assert len(keys) == len(set(keys))  # no project split between partitions
    for p in parts:
        assert list(p.index) == sorted(p.index)
    want, want_totals = sroi.evaluate_portfolio(outcomes, inputs, by="group")
    pd.testing.assert_frame_equal(pd.concat(parts).sort_index(), want, check_exact=True)
    assert_same_totals(computed_totals, want_totals)


def test_evaluate_portfolio_dispatches_a_dask_frame(client):
    outcomes, inputs = portfolio(projects=8)
    lazy = sroi.evaluate_portfolio(dd.from_pandas(outcomes, npartitions=2), inputs, payback=False)
    assert isinstance(lazy, dd.DataFrame)
    want = sroi.evaluate_portfolio(outcomes, inputs, payback=False)
    pd.testing.assert_frame_equal(lazy.compute().sort_index(), want, check_exact=True)


@given(portfolios(), st.integers(1, 4), st.integers(1, 4), st.integers(1, 5))
@settings(max_examples=6, deadline=None)
def test_any_portfolio_any_partitioning_equals_pandas(case, out_parts, in_parts, n):
    # Run by Dask's current scheduler: the module's cluster once another test has started
    # it (a Hypothesis test cannot take a function's fixtures), else Dask's threads.
    outcomes, inputs, options = case
    want = sroi.evaluate_portfolio(outcomes, inputs, **options)
    got = evaluate_portfolio_dask(
        dd.from_pandas(outcomes, npartitions=out_parts),
        dd.from_pandas(inputs, npartitions=in_parts),
        npartitions=n,
        compute=True,
        **options,
    )
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, atol=0)


def test_numeric_keys_of_two_types_meet_in_one_partition(client):
    outcomes, inputs = portfolio(projects=12)
    codes = {k: i for i, k in enumerate(sorted(set(outcomes["project_id"])))}
    outcomes = outcomes.assign(project_id=outcomes["project_id"].map(codes).astype("int64"))
    inputs = inputs.assign(project_id=inputs["project_id"].map(codes).astype("float64"))
    want = sroi.evaluate_portfolio(outcomes, inputs)
    got = evaluate_portfolio_dask(
        dd.from_pandas(outcomes, npartitions=3),
        dd.from_pandas(inputs, npartitions=2),
        compute=True,
    )
    np.testing.assert_array_equal(got["ratio"].to_numpy(), want["ratio"].to_numpy())


def test_keys_as_numbers_in_one_table_and_text_in_the_other(client, tmp_path):
    # Outcomes with whole-number ids from Parquet, inputs from a CSV (its key read as
    # text): the same projects as on one machine, each whole in one partition.
    outcomes, inputs = portfolio(projects=15)
    codes = {k: i + 1 for i, k in enumerate(sorted(set(outcomes["project_id"])))}
    outcomes = outcomes.assign(project_id=outcomes["project_id"].map(codes).astype("int64"))
    inputs = inputs.assign(project_id=inputs["project_id"].map(codes).astype("int64"))
    want = sroi.evaluate_portfolio(outcomes, inputs)
    outcomes.to_parquet(tmp_path / "o.parquet")
    inputs.to_csv(tmp_path / "i.csv", index=False)
    assert list(sroi.evaluate_portfolio(tmp_path / "o.parquet", tmp_path / "i.csv").index) == (
        list(range(1, 16))
    )
    for got in (
        evaluate_portfolio_dask(
            tmp_path / "o.parquet", tmp_path / "i.csv", npartitions=4, compute=True
        ),
        evaluate_portfolio_dask(
            dd.from_pandas(outcomes.assign(project_id=outcomes["project_id"] * 1.0), 3),
            dd.from_pandas(inputs.assign(project_id=inputs["project_id"].astype(str)), 2),
            npartitions=5,
            compute=True,
        ),
    ):
        assert list(got.index) == list(range(1, 16))
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    lazy = evaluate_portfolio_dask(tmp_path / "o.parquet", tmp_path / "i.csv", npartitions=3)
    pd.testing.assert_frame_equal(lazy.compute().sort_index(), want, check_exact=True)


@pytest.mark.parametrize("compute", [True, False])
def test_proxies_and_their_warnings_as_on_one_machine(client, compute):
    # Two projects named by a proxy with a forecast price year, in different partitions:
    # the figures are evaluate_portfolio's, and its warning is given once.
    outcomes = pd.DataFrame(
        {
            "project_id": ["a", "b", "c"],
            "quantity": [1.0, 2.0, 3.0],
            "proxy": ["ucd_ee1_0_fiscal", "ucd_ee1_0_fiscal", None],
            "value": [None, None, 10.0],
            "duration": 1,
        }
    )
    inputs = pd.DataFrame({"project_id": ["a", "b", "c"], "amount": 1.0})
    with pytest.warns(SROIWarning, match="forecast") as expected:
        want = sroi.evaluate_portfolio(outcomes, inputs, price_year="2026/27")
    with pytest.warns(SROIWarning, match="forecast") as caught:
        got = evaluate_portfolio_dask(
            dd.from_pandas(outcomes, npartitions=3),
            inputs,
            price_year="2026/27",
            npartitions=3,
            compute=compute,
        )
        if not compute:
            got = got.compute().sort_index()
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert sorted(str(w.message) for w in caught) == sorted(str(w.message) for w in expected)


# ------------------------------------------------------------------ errors


def _problems(error: SROIError) -> set[tuple[str, str]]:
    return {(p.location, p.message) for p in error.problems}


@pytest.mark.parametrize("compute", [True, False])
def test_errors_list_every_bad_row_of_every_partition(client, compute):
    outcomes, inputs = _bad_portfolio()
    with pytest.raises(ModelError) as pandas_error:
        sroi.evaluate_portfolio(outcomes, inputs)
    with pytest.raises(ModelError) as dask_error:
        found = evaluate_portfolio_dask(
            dd.from_pandas(outcomes, npartitions=3),
            dd.from_pandas(inputs, npartitions=2),
            npartitions=3,
            compute=compute,
        )
        found.compute()
    # the same problems, each located at the row of the whole table, as on one machine
    assert _problems(dask_error.value) == _problems(pandas_error.value)
    assert len(dask_error.value.problems) == len(pandas_error.value.problems) == 11


def test_bad_rows_far_apart_are_all_listed(client):
    outcomes, inputs = portfolio(projects=20)
    bad = [0, 41, 77, len(outcomes) - 1]
    outcomes.loc[bad, "attribution"] = 1.25
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio_dask(dd.from_pandas(outcomes, npartitions=4), inputs, compute=True)
    want = {
        f"outcomes[project_id={outcomes.loc[r, 'project_id']}, row {r}].attribution" for r in bad
    }
    assert set(caught.value.locations) == want


def _listing(error: SROIError) -> list[tuple[str, str, object]]:
    return [(p.location, p.message, p.value) for p in error.problems]


def test_more_bad_rows_than_the_cap_across_partitions_as_on_one_machine(client):
    # 200 bad rows in 8 partitions: one list, the first 20 rows of the whole table, then
    # "and 180 more rows ... (200 in all)", exactly as on one machine.
    n = 200
    outcomes = pd.DataFrame(
        {
            "project_id": np.arange(n),
            "quantity": 1.0,
            "value": 1.0,
            "duration": 1,
            "attribution": 2.0,
        }
    )
    inputs = pd.DataFrame({"project_id": np.arange(n), "amount": 1.0})
    with pytest.raises(ModelError) as here:
        sroi.evaluate_portfolio(outcomes, inputs)
    assert len(here.value.problems) == 21
    assert here.value.problems[-1].message == (
        "and 180 more rows with the same problem (200 in all)"
    )
    for compute in (True, False):
        with pytest.raises(ModelError) as there:
            found = evaluate_portfolio_dask(
                dd.from_pandas(outcomes, npartitions=8), inputs, npartitions=8, compute=compute
            )
            found.compute()
        assert _listing(there.value) == _listing(here.value)


def test_several_checks_over_partitions_are_listed_as_on_one_machine(client):
    # Bad rows of several checks scattered over the table and the partitions, some checks
    # with more rows than the cap: the same list, check by check, rows in table order.
    outcomes, inputs = portfolio(projects=40)
    rng = np.random.default_rng(5)
    rows = rng.permutation(len(outcomes))
    outcomes.loc[rows[:30], "deadweight"] = 1.5
    outcomes.loc[rows[30:33], "quantity"] = -1.0
    outcomes.loc[rows[33:60], "drop_off"] = -0.5
    inputs.loc[[3, 50], "amount"] = -2.0
    with pytest.raises(ModelError) as here:
        sroi.evaluate_portfolio(outcomes, inputs)
    listed = _listing(here.value)
    assert len(listed) == 21 + 3 + 21 + 2
    columns = [loc.rsplit(".", 1)[-1] for loc, *_ in listed]
    assert columns == ["quantity"] * 3 + ["deadweight"] * 21 + ["drop_off"] * 21 + ["amount"] * 2
    deadweight = [int(loc.split("row ")[1].split("]")[0]) for loc, *_ in listed[3:23]]
    assert deadweight == sorted(rows[:30])[:20]
    with pytest.raises(ModelError) as there:
        evaluate_portfolio_dask(
            dd.from_pandas(outcomes, npartitions=5),
            dd.from_pandas(inputs, npartitions=3),
            npartitions=4,
            compute=True,
        )
    assert _listing(there.value) == listed


def test_a_price_year_needed_in_several_partitions_is_one_problem(client):
    # Rows naming proxies with a price year, no price_year given, spread over partitions:
    # one problem naming each proxy's first row in the table, as on one machine.
    outcomes = pd.DataFrame(
        {
            "project_id": ["a", "b", "c", "d", "e", "f"],
            "quantity": 1.0,
            "proxy": [
                "ucd_cr8_0_fiscal",
                "ucd_ee1_0_fiscal",
                "ucd_cr8_0_fiscal",
                "ucd_cr1_0_fiscal",
                "ucd_ee1_0_fiscal",
                "ucd_cr1_0_fiscal",
            ],
            "duration": 1,
        }
    )
    inputs = pd.DataFrame({"project_id": list("abcdef"), "amount": 10.0})
    with pytest.raises(ModelError) as here:
        sroi.evaluate_portfolio(outcomes, inputs)
    (said,) = here.value.problems
    assert said.location == "price_year"
    assert said.message.count("outcomes[project_id=") == 3
    for compute in (True, False):
        with pytest.raises(ModelError) as there:
            found = evaluate_portfolio_dask(
                dd.from_pandas(outcomes, npartitions=6), inputs, npartitions=4, compute=compute
            )
            found.compute()
        assert _listing(there.value) == _listing(here.value)


def test_bad_options_and_tables_are_reported_before_any_work(client, tmp_path):
    outcomes, inputs = portfolio(projects=3)
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio_dask(
            outcomes, 42, discount_rate=2.0, by="colour", npartitions=0, compute=True
        )
    locations = set(caught.value.locations)
    assert {"discount_rate", "by", "npartitions", "inputs"} <= locations
    with pytest.raises(ModelError, match="no such file"):
        evaluate_portfolio_dask(outcomes, tmp_path / "nope*.parquet")
    with pytest.raises(ModelError, match="unknown column 'amuont'"):
        evaluate_portfolio_dask(outcomes, inputs.rename(columns={"amount": "amuont"}))


def test_no_outcome_rows_is_an_error(client):
    outcomes, inputs = portfolio(projects=3)
    with pytest.raises(ModelError, match="has no rows"):
        evaluate_portfolio_dask(outcomes.iloc[:0], inputs.iloc[:0], compute=True)


# ------------------------------------------------------------------ files


def test_parquet_files_and_globs_on_dask_equal_pandas(client, tmp_path):
    outcomes, inputs = portfolio(projects=15)
    (tmp_path / "out").mkdir()
    half = len(outcomes) // 2
    outcomes.iloc[:half].to_parquet(tmp_path / "out" / "a.parquet")
    outcomes.iloc[half:].to_parquet(tmp_path / "out" / "b.parquet")
    inputs.to_parquet(tmp_path / "inputs.parquet")
    inputs.to_csv(tmp_path / "inputs.csv", index=False)
    want = sroi.evaluate_portfolio(outcomes, inputs)
    for given_inputs in (tmp_path / "inputs.parquet", str(tmp_path / "inputs.csv")):
        got = evaluate_portfolio_dask(
            str(tmp_path / "out" / "*.parquet"), given_inputs, compute=True
        )
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_bad_rows_in_files_are_located_in_their_file(client, tmp_path):
    outcomes, inputs = portfolio(projects=10)
    outcomes.loc[3, "deadweight"] = 2.0  # first file, data row 3: line 5
    outcomes.loc[len(outcomes) - 2, "quantity"] = -1.0
    half = 20
    outcomes.iloc[:half].to_parquet(tmp_path / "o1.parquet")
    outcomes.iloc[half:].to_csv(tmp_path / "o2.csv", index=False)
    inputs.to_parquet(tmp_path / "i.parquet")
    with pytest.raises(ModelError) as caught:
        evaluate_portfolio_dask(
            [tmp_path / "o1.parquet", tmp_path / "o2.csv"], tmp_path / "i.parquet", compute=True
        )
    last = len(outcomes) - 2 - half
    assert set(caught.value.locations) == {
        "o1.parquet, row 5, column deadweight",
        f"o2.csv, row {last + 2}, column quantity",
    }
    # one file on its own: located as evaluate_portfolio locates it
    outcomes.to_parquet(tmp_path / "all.parquet")
    with pytest.raises(ModelError) as pandas_error:
        sroi.evaluate_portfolio(tmp_path / "all.parquet", tmp_path / "i.parquet")
    with pytest.raises(ModelError) as dask_error:
        evaluate_portfolio_dask(tmp_path / "all.parquet", tmp_path / "i.parquet", compute=True)
    assert _problems(dask_error.value) == _problems(pandas_error.value)


def test_files_of_one_table_need_the_same_columns(client, tmp_path):
    outcomes, inputs = portfolio(projects=4)
    outcomes.iloc[:5].to_parquet(tmp_path / "a.parquet")
    outcomes.iloc[5:].drop(columns="group").to_parquet(tmp_path / "b.parquet")
    with pytest.raises(ModelError, match="same columns as the first") as caught:
        evaluate_portfolio_dask(str(tmp_path / "*.parquet"), inputs)
    assert list(caught.value.locations) == ["b.parquet, header"]


# ------------------------------------------------------------------ Monte Carlo


def uncertain_model() -> dict:
    return {
        "name": "Two outcomes",
        "inputs": [
            {
                "stakeholder": "Funder",
                "amount": {"distribution": "pert", "low": 1.4e5, "mode": 1.5e5, "high": 1.8e5},
            }
        ],
        "outcomes": [
            {
                "stakeholder": "Young people",
                "outcome": "Get a job",
                "quantity": {"distribution": "uniform", "low": 80, "high": 120},
                "value": 1_000,
                "duration": 3,
                "deadweight": {"distribution": "beta", "alpha": 2, "beta": 5},
                "drop_off": 0.1,
            },
            {
                "stakeholder": "GP practice",
                "outcome": "Fewer visits",
                "quantity": 200,
                "value": {"distribution": "normal", "mean": 60, "sd": 20, "low": 0},
                "duration": 2,
                "deadweight": {"distribution": "triangular", "low": 0.1, "mode": 0.2, "high": 0.5},
            },
        ],
    }


def assert_identical(a, b) -> None:
    assert a.n == b.n and a.seed == b.seed and a.uncertain == b.uncertain
    np.testing.assert_array_equal(a.present_value, b.present_value)
    np.testing.assert_array_equal(a.total_investment, b.total_investment)
    np.testing.assert_array_equal(a.ratio, b.ratio)


def test_simulation_on_dask_equals_local_bit_for_bit(client):
    m = uncertain_model()
    n = 2 * monte_carlo.BLOCK_DRAWS + 1_234  # three blocks, the last one short
    local = simulate(m, n, seed=42)
    assert_identical(simulate_dask(m, n, seed=42, client=client), local)
    assert_identical(simulate_dask(m, n, seed=42, client=client, blocks_per_task=2), local)
    assert_identical(simulate_dask(m, n, seed=42), local)  # the active client by default
    assert not np.array_equal(simulate(m, n, seed=43).present_value, local.present_value)


def test_local_draws_do_not_depend_on_the_chunk_size():
    m = uncertain_model()
    n = monte_carlo.BLOCK_DRAWS + 5_000
    local = simulate(m, n, seed=7)
    # chunks that end inside a block, that span two blocks, and one chunk for everything
    for chunk in (999, monte_carlo.BLOCK_DRAWS - 1, monte_carlo.BLOCK_DRAWS + 17, n):
        assert_identical(simulate(m, n, seed=7, chunk_size=chunk), local)


@given(
    n=st.integers(1, 300),
    seed=st.integers(0, 2**64),
    chunk=st.integers(1, 80),
    block=st.integers(1, 60),
    per_task=st.integers(1, 4),
)
@settings(max_examples=12, deadline=None)
def test_small_blocks_any_split_gives_the_same_draws(n, seed, chunk, block, per_task):
    # With small blocks, many blocks, chunks and tasks of every alignment are tried.
    m = uncertain_model()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(monte_carlo, "BLOCK_DRAWS", block)
        whole = simulate(m, n, seed=seed, chunk_size=n)
        assert_identical(simulate(m, n, seed=seed, chunk_size=chunk), whole)
        assert_identical(
            simulate_dask(m, n, seed=seed, blocks_per_task=per_task, chunk_size=chunk), whole
        )


def test_draws_come_from_the_documented_streams(monkeypatch):
    # Block b, figure j: SeedSequence(seed).spawn(blocks)[b].spawn(figures)[j]. With one
    # uncertain figure (a deadweight dw) the present value is linear in 1 - dw: worked out
    # here from the streams themselves, and from sroi.evaluate at two deadweights.
    from sroi.distributions import Triangular

    monkeypatch.setattr(monte_carlo, "BLOCK_DRAWS", 4)
    m = uncertain_model()
    m["inputs"][0]["amount"] = 150_000
    m["outcomes"][0]["quantity"] = 100
    m["outcomes"][0]["deadweight"] = 0.0
    m["outcomes"][1]["value"] = 60
    m["outcomes"][1]["deadweight"] = {
        "distribution": "triangular",
        "low": 0.1,
        "mode": 0.2,
        "high": 0.5,
    }
    sim = simulate_dask(m, 10, seed=5, blocks_per_task=2)
    blocks = np.random.SeedSequence(5).spawn(3)
    dw = np.concatenate(
        [
            Triangular(0.1, 0.2, 0.5).sample(np.random.default_rng(b.spawn(1)[0]), k)
            for b, k in zip(blocks, (4, 4, 2), strict=True)
        ]
    )
    fixed = {**m, "outcomes": [m["outcomes"][0], {**m["outcomes"][1], "deadweight": 0.0}]}
    pv0 = sroi.evaluate(fixed).present_value
    fixed["outcomes"][1]["deadweight"] = 1.0
    with pytest.warns(SROIWarning, match="100.0%"):
        pv1 = sroi.evaluate(fixed).present_value  # the first outcome alone
    np.testing.assert_allclose(sim.present_value, pv1 + (pv0 - pv1) * (1 - dw), rtol=1e-12)


def test_nothing_uncertain_warns_on_dask_too(client):
    with pytest.warns(SROIWarning, match="nothing is uncertain") as caught:
        sim = simulate_dask(str(HAND_WORKED), 100, seed=1, client=client)
    assert caught[0].filename == __file__  # pointed at the caller's line
    assert (sim.ratio == sim.base.ratio).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        simulate_dask(uncertain_model(), 100, seed=1, client=client)  # uncertain: silent


def test_simulate_dask_argument_errors():
    with pytest.raises(ModelError, match="blocks_per_task") as caught:
        simulate_dask(uncertain_model(), 10, blocks_per_task=0)
    assert "simulate_dask()" in str(caught.value)
    with pytest.raises(ModelError, match="seed"):
        simulate_dask(uncertain_model(), 10, seed=-1)
    with pytest.raises(ModelError, match="client"):
        simulate_dask(uncertain_model(), 10, client="tcp://nowhere")


@pytest.mark.skipif(
    os.environ.get("SROI_SKIP_PROCESS_CLUSTER") == "1",
    reason="SROI_SKIP_PROCESS_CLUSTER=1: this machine cannot start worker processes",
)
def test_a_cluster_of_processes_gives_the_local_answers():
    # Two worker processes: everything a task needs (the settings with the proxy table,
    # the plan of the draws) is pickled to them, and the answers are the local ones.
    outcomes, inputs = portfolio(projects=8)
    outcomes["proxy"] = np.where(np.arange(len(outcomes)) % 3 == 0, "ucd_ee1_0_fiscal", None)
    outcomes.loc[outcomes["proxy"].notna(), "value"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want, want_totals = sroi.evaluate_portfolio(outcomes, inputs, price_year=2024, by=BY)
    m = uncertain_model()
    local = simulate(m, 70_000, seed=3)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got, totals = evaluate_portfolio_dask(
                dd.from_pandas(outcomes, npartitions=3),
                dd.from_pandas(inputs, npartitions=2),
                price_year=2024,
                by=BY,
                compute=True,
            )
        on_dask = simulate_dask(m, 70_000, seed=3, client=c)
        assert len(c.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert_same_totals(totals, want_totals)
    assert_identical(on_dask, local)


def test_the_draws_travel_to_other_processes_intact():
    # A cluster of processes pickles what each task needs: the plan of the draws.
    _, draws, _, _ = monte_carlo._prepare(
        "simulate", uncertain_model(), 500, 3, None, monte_carlo.MAX_DRAWS, {}
    )
    again = pickle.loads(pickle.dumps(draws))
    for a, b in zip(draws.compute(), again.compute(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_without_dask_the_error_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    with pytest.raises(ImportError, match=r"pip install 'sroi\[dask\]'"):
        simulate_dask(uncertain_model(), 10)
    with pytest.raises(ImportError, match=r"pip install 'sroi\[dask\]'"):
        evaluate_portfolio_dask(*portfolio(projects=2))


# ------------------------------------------------------------------ notebook display


def test_simulation_html_shows_settings_names_and_figures():
    sim = simulate(uncertain_model(), 2_000, seed=3)
    page = sim._repr_html_()
    assert "Monte Carlo simulation: Two outcomes" in page
    assert "<td style='text-align:left'>2,000</td>" in page
    assert "<td style='text-align:left'>3</td>" in page
    assert "quantity of &quot;Get a job&quot; (Young people)" in page
    assert "value of &quot;Fewer visits&quot; (GP practice)" in page
    assert "amount of the input from Funder" in page
    ratio = np.percentile(sim.ratio, [5, 50, 95])
    for figure in (*ratio, sim.ratio.mean()):
        assert f">{figure:.2f}<" in page
    npv_mean = sim.npv.mean()
    assert f"£{npv_mean:,.0f}" in page
    assert f"<b>{sim.probability_ratio_above(1.0):.1%}</b>" in page


def test_simulation_html_without_seed_or_uncertainty_and_escaped():
    m = uncertain_model()
    m["name"] = "Jobs & <Health>"
    page = simulate(m, 50)._repr_html_()
    assert "none (fresh draws each run)" in page
    assert "Jobs &amp; &lt;Health&gt;" in page and "<Health>" not in page
    with pytest.warns(SROIWarning):
        flat = simulate(str(HAND_WORKED), 20, seed=1)
    assert "nothing: every draw is the central result" in flat._repr_html_()
    assert "<b>100.0%</b>" in flat._repr_html_()


# ------------------------------------------------------------------ command line


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_portfolio_on_dask_prints_the_same(tmp_path):
    outcomes, inputs = portfolio(projects=6)
    outcomes.to_parquet(tmp_path / "o.parquet")
    inputs.to_csv(tmp_path / "i.csv", index=False)
    for fmt in ("table", "json"):
        args = ("portfolio", tmp_path / "o.parquet", tmp_path / "i.csv", "-f", fmt, "--by", "group")
        here = run(*args)
        there = run(*args, "--dask", "local")
        assert here.exit_code == there.exit_code == 0, there.output
        if fmt == "table":
            assert there.stdout == here.stdout
        else:
            a, b = json.loads(here.stdout), json.loads(there.stdout)
            assert a["projects"] == b["projects"]
            assert [t["label"] for t in a["totals"]] == [t["label"] for t in b["totals"]]


def test_cli_portfolio_on_dask_errors(tmp_path):
    outcomes, inputs = _bad_portfolio()
    outcomes.to_csv(tmp_path / "o.csv", index=False)
    inputs.to_csv(tmp_path / "i.csv", index=False)
    out = run("portfolio", tmp_path / "o.csv", tmp_path / "i.csv", "--dask", "local")
    assert out.exit_code == 1
    assert "o.csv, row 3, column deadweight" in out.stderr
    assert "inputs[project_id=P4]" in out.stderr
    out = run("portfolio", tmp_path / "o.csv", tmp_path / "i.csv", "--dask", "no-port")
    assert out.exit_code == 1
    assert "cannot reach the Dask scheduler at 'no-port'" in out.stderr


def test_cli_simulate_on_dask_prints_the_same():
    args = ("simulate", UNCERTAIN, "-n", "3000", "--seed", "9", "-f", "json")
    here = run(*args)
    there = run(*args, "--dask", "local")
    assert here.exit_code == there.exit_code == 0, there.output
    assert here.stdout == there.stdout


def test_cli_simulate_on_dask_warns_when_nothing_is_uncertain():
    out = run("simulate", HAND_WORKED, "-n", "100", "--seed", "1", "--dask", "local")
    assert out.exit_code == 0
    assert "Warning: nothing is uncertain" in out.stderr


def test_cli_without_dask_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    out = run("simulate", UNCERTAIN, "-n", "10", "--dask", "local")
    assert out.exit_code == 1
    assert "pip install 'sroi[dask]'" in out.stderr


def test_client_for_local_is_closed_after_use():
    with client_for("local") as c:
        assert c.status == "running"
    assert c.status == "closed"
