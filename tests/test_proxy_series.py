"""A proxy that is a series over calendar years (the carbon path): each year of an outcome
takes that year's value."""

from __future__ import annotations

import warnings

import pytest

import sroi
from sroi.io import read_model, write_model
from sroi.proxies import index_factor, load

TABLE = load()
CARBON = "desnz2023_carbon_value_central"


def carbon(year: int) -> float:
    return TABLE.get(f"desnz2023_carbon_value_{year}_central").value


def fleet(**extra) -> dict:
    outcome = {"stakeholder": "Society", "outcome": "CO2e avoided", "quantity": 1,
               "unit": "tonne_CO2e", "proxy": CARBON, "duration": 5}  # fmt: skip
    outcome.update(extra.pop("outcome", {}))
    return {"name": "Fleet", "price_year": 2022, "discount_rate": 0.0,
            "first_calendar_year": 2025, "inputs": [{"stakeholder": "Council", "amount": 1_000}],
            "outcomes": [outcome], **extra}  # fmt: skip


def test_the_series_is_found_from_its_rows_ids():
    rows = TABLE.series(CARBON)
    assert rows[2025] == "desnz2023_carbon_value_2025_central" and len(rows) == 31
    assert TABLE.series("ucd_ee1_0_fiscal") is None and TABLE.series("nothing") is None


def test_a_carbon_outcome_over_five_years_uses_five_different_values():
    result = sroi.evaluate(fleet())
    impacts = list(result.by_year["impact"][1:6])
    # years 1-5 of the model are 2025-2029: each year at that year's carbon value
    assert impacts == [carbon(y) for y in range(2025, 2030)]
    assert len(set(impacts)) == 5
    assert result.present_value == pytest.approx(sum(carbon(y) for y in range(2025, 2030)))


def test_each_years_value_is_moved_to_the_models_prices_and_discounted():
    model = fleet(price_year="2024/25", discount_rate=0.035, outcome={"quantity": 10,
                  "deadweight": 0.1, "start_year": 2, "duration": 3})  # fmt: skip
    result = sroi.evaluate(model)
    f = index_factor(2022, "2024/25")  # the carbon values are at 2022 prices
    # start_year 2: model years 2-4 are calendar 2026-2028
    by_hand = sum(
        10 * carbon(y) * f * 0.9 / 1.035**t
        for t, y in zip((2, 3, 4), (2026, 2027, 2028), strict=True)
    )
    assert result.present_value == pytest.approx(by_hand, rel=1e-12)


def test_a_series_needs_the_first_calendar_year_and_years_it_covers():
    with pytest.raises(sroi.ModelError) as err:
        sroi.evaluate(fleet(first_calendar_year=None))
    [problem] = err.value.problems
    assert problem.location == "outcomes[0].proxy" and "first_calendar_year" in problem.message
    with pytest.raises(sroi.ModelError) as err:
        sroi.evaluate(fleet(first_calendar_year=2048))
    [problem] = err.value.problems
    assert "2051, 2052 are not in it" in problem.message and "2020-2050" in problem.message


def test_every_row_used_is_in_the_provenance():
    used = sroi.evaluate(fleet()).to_dict()["proxies"]["used"]
    assert list(used) == [f"desnz2023_carbon_value_{y}_central" for y in range(2025, 2030)]


def test_a_series_with_a_yearly_quantity_and_with_draws():
    result = sroi.evaluate(fleet(outcome={"quantity": [1, 2, 3, 4, 5]}))
    assert result.present_value == pytest.approx(
        sum(q * carbon(y) for q, y in zip(range(1, 6), range(2025, 2030), strict=True))
    )
    uncertain = fleet(outcome={"deadweight": {"distribution": "uniform", "low": 0, "high": 0.2}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = sroi.sensitivity.simulate(uncertain, 200, seed=1)
    whole = sum(carbon(y) for y in range(2025, 2030))
    kept = [pv / whole for pv in sim.present_value]  # 1 - deadweight, draw by draw
    assert min(kept) >= 0.8 - 1e-12 and max(kept) <= 1 + 1e-12


def test_the_first_calendar_year_survives_every_file_format(tmp_path):
    model = sroi.Model.from_dict(fleet())
    for target, fmt in (("m.yaml", None), ("t", None), ("m.xlsx", None), ("i.xlsx", "impact-map")):
        assert read_model(write_model(model, tmp_path / target, format=fmt)) == model
