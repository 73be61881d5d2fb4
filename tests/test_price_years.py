"""Current price years: the newest bundled deflators, a user's own series, a projection.

Every expected figure below is worked by hand from index values copied from
``data/gdp_deflators.csv`` (the bundled HM Treasury series of March 2026, 2024/25 = 100) or
from the made-up test series written in this file, with the arithmetic shown.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import sroi
from sroi.cli import cli
from sroi.errors import ModelError, SROIWarning
from sroi.proxies import read_deflators, read_table
from sroi.proxies.deflators import DeflatorSeries, PriceYear, bundled, deflator_series

# HM Treasury, March 2026 (financial years, 2024/25 = 100), copied by hand from the data file.
I_2012_13 = 71.5454
I_2024_25 = 100.0
I_2025_26 = 103.2388  # an OBR forecast
I_2030_31 = 113.6416  # an OBR forecast, the last year of the series

# A made-up calendar-year series (test figures, not real deflators).
MINE = {2020: 90.0, 2021: 92.0, 2022: 95.0, 2023: 98.0, 2024: 100.0, 2025: 102.0, 2026: 104.5}


def write_series(path: Path, years: dict[int, float], vintage: str = "test vintage") -> Path:
    lines = ["year,index,status,vintage,source"]
    lines += [f'{y},{v},outturn,"{vintage}",made-up test figures' for y, v in years.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def proxy_table(value: float = 9_800.0, price_year: str | int = "2012/13"):
    """One proxy of our own (a made-up figure), so the tests do not hang on bundled rows."""
    row = {
        "id": "my_job_saving",
        "name": "Fiscal saving per person moving into work (made-up test figure)",
        "value": value,
        "unit": "GBP / person / year",
        "price_year": str(price_year),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SROIWarning)  # the columns left to their defaults
        return read_table(pd.DataFrame([row]), merge_with_bundled=False, licence="test figure")


def proxy_model(price_year: str | int, quantity: int = 10) -> dict:
    return {
        "name": "Into work",
        "price_year": price_year,
        "discount_rate": 0.0,
        "inputs": [{"stakeholder": "Council", "amount": 10_000}],
        "outcomes": [
            {
                "stakeholder": "Residents",
                "outcome": "Into work",
                "quantity": quantity,
                "unit": "person",
                "duration": 1,
                "proxy": "my_job_saving",
            }
        ],
    }


def value_model(price_year: str | int, value: float = 1_000.0) -> dict:
    return {
        "name": "Garden",
        "price_year": price_year,
        "discount_rate": 0.0,
        "inputs": [{"stakeholder": "Council", "amount": 500}],
        "outcomes": [
            {"stakeholder": "Residents", "outcome": "Wellbeing", "quantity": 2}
            | {"value": value, "duration": 1}
        ],
    }


def evaluate_quietly(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SROIWarning)
        return sroi.evaluate(*args, **kwargs)


# -- the bundled series reaches the current price year -------------------------------


def test_a_model_priced_in_the_newest_outturn_year_evaluates_with_the_hand_worked_factor():
    # 2012/13 -> 2024/25: I(2024/25) / I(2012/13) = 100 / 71.5454 = 1.397714...
    # 10 people x 9,800 x 1.397714 = 136,975.96
    with warnings.catch_warnings():
        warnings.simplefilter("error", SROIWarning)  # outturn only: nothing to label
        r = sroi.evaluate(proxy_model("2024/25"), proxies=proxy_table())
    factor = I_2024_25 / I_2012_13
    assert r.by_outcome.loc[0, "price_index"] == pytest.approx(factor, rel=1e-12)
    assert r.present_value == pytest.approx(10 * 9_800 * 100 / 71.5454, rel=1e-12)
    assert round(r.present_value, 2) == 136_975.96
    assert r.warnings == ()
    recorded = r.to_dict()["parameters"]["deflator"]
    assert recorded.startswith("hmt: HM Treasury GDP deflators at market prices")
    assert "March 2026" in recorded and "financial years 2000/01-2030/31" in recorded


def test_a_model_priced_in_the_last_year_the_series_covers_is_labelled_a_forecast():
    # 2012/13 -> 2030/31: 113.6416 / 71.5454 = 1.588383...; 10 x 9,800 x that = 155,661.49
    with pytest.warns(SROIWarning, match="price year 2030/31 rests on a forecast"):
        r = sroi.evaluate(proxy_model("2030/31"), proxies=proxy_table())
    assert r.present_value == pytest.approx(10 * 9_800 * 113.6416 / 71.5454, rel=1e-12)
    assert [(w.location, w.message[:44]) for w in r.warnings] == [
        ("price_year", "price year 2030/31 rests on a forecast, not ")
    ]
    d = r.to_dict()
    assert d["warnings"][0]["location"] == "price_year"
    assert "the index of 2030/31 in the 'hmt' series is a forecast" in d["warnings"][0]["message"]
    assert "price year 2030/31 rests on a forecast" in d["parameters"]["deflator"]


def test_price_year_2025_26_works_out_of_the_box_as_a_labelled_forecast():
    # restating the model's own amounts from 2024/25: 103.2388 / 100
    with pytest.warns(SROIWarning, match="2025/26 rests on a forecast"):
        r = sroi.evaluate(value_model("2024/25"), price_year="2025/26")
    assert r.present_value == pytest.approx(2 * 1_000 * 103.2388 / 100, rel=1e-12)
    assert r.total_investment == pytest.approx(500 * 1.032388, rel=1e-12)
    assert r.price_year == "2025/26"


def test_a_calendar_year_is_read_from_the_financial_series_by_month_weights():
    # calendar 2025 = 1/4 I(2024/25) + 3/4 I(2025/26) = 25 + 77.4291 = 102.4291 (a forecast)
    with pytest.warns(SROIWarning, match="price year 2025 rests on a forecast"):
        r = sroi.evaluate(proxy_model(2025, quantity=1), proxies=proxy_table())
    assert r.present_value == pytest.approx(9_800 * 102.4291 / 71.5454, rel=1e-12)


def test_a_financial_year_needing_a_calendar_year_beyond_the_series_is_refused_with_its_range():
    # 2024/25 from the December 2025 calendar series needs calendar 2025, which it lacks
    with pytest.raises(ModelError) as info:
        evaluate_quietly(proxy_model("2024/25"), proxies=proxy_table(), deflator="hmt_dec2025")
    assert info.value.locations == ["outcomes[0].proxy"]
    message = str(info.value)
    assert "no GDP deflator for 2024/25: its index needs 2025" in message
    assert "covers calendar years 1990-2024 (financial years 1990/91-2023/24)" in message
    assert "read_deflators(FILE)" in message and "--deflator FILE" in message
    assert "extrapolate=0.02" in message and "--extrapolate-deflator 0.02" in message
    with pytest.raises(ModelError) as info:  # the model's own amounts, restated
        evaluate_quietly(value_model(2020), price_year="2024/25", deflator="hmt_dec2025")
    assert info.value.locations == ["price_year"]
    assert "its index needs 2025" in str(info.value)


def test_every_bundled_proxy_can_be_moved_to_the_newest_outturn_and_forecast_years():
    hmt = bundled("hmt")
    dated = [p for p in sroi.proxies.load() if p.price_year is not None]
    assert dated
    for year in ("2024/25", 2024, "2025/26"):
        assert all(hmt.factor(p.price_year, year) > 0 for p in dated), year


def test_a_year_beyond_the_newest_bundled_series_is_refused_saying_how_to_supply_one():
    with pytest.raises(ModelError) as info:
        evaluate_quietly(value_model("2024/25"), price_year="2031/32")
    message = str(info.value)
    assert "covers financial years 2000/01-2030/31 (calendar years 2001-2030)" in message
    assert "2025/26-2030/31 are forecasts" in message
    assert "deflator_series('hmt', extrapolate=0.02)" in message


# -- a series of one's own ------------------------------------------------------------


def test_evaluate_with_a_deflator_file_gives_the_hand_computed_figure(tmp_path):
    path = write_series(tmp_path / "deflators.csv", MINE, vintage="Council deflators, May 2026")
    # proxy at 2021 prices to 2025/26: (3/4 I(2025) + 1/4 I(2026)) / I(2021)
    #   = (0.75 x 102 + 0.25 x 104.5) / 92 = (76.5 + 26.125) / 92 = 102.625 / 92
    expected = 2 * 1_000 * 102.625 / 92  # 2 people x 1,000 a year = 2,230.98
    table = proxy_table(1_000.0, 2021)
    by_path = sroi.evaluate(proxy_model("2025/26", 2), proxies=table, deflator=path)
    by_text = sroi.evaluate(proxy_model("2025/26", 2), proxies=table, deflator=str(path))
    by_series = sroi.evaluate(
        proxy_model("2025/26", 2), proxies=table, deflator=read_deflators(path)
    )
    for r in (by_path, by_text, by_series):
        assert r.present_value == pytest.approx(expected, rel=1e-12)
        assert r.warnings == ()
    assert round(by_path.present_value, 2) == 2_230.98
    recorded = by_path.to_dict()
    assert recorded["parameters"]["deflator"] == (
        "deflators.csv: Council deflators, May 2026; calendar years 2020-2026"
    )
    assert recorded["proxies"]["deflator"] == recorded["parameters"]["deflator"]
    # the default series gives another figure: the file really was used
    other = evaluate_quietly(proxy_model("2025/26", 2), proxies=table, deflator="hmt")
    assert other.present_value != pytest.approx(expected, rel=1e-6)


def test_the_model_own_amounts_are_restated_with_the_users_series(tmp_path):
    path = write_series(tmp_path / "deflators.csv", MINE)
    # from 2021 to 2026: 104.5 / 92
    r = sroi.evaluate(value_model(2021), price_year=2026, deflator=path)
    assert r.present_value == pytest.approx(2 * 1_000 * 104.5 / 92, rel=1e-12)
    assert r.total_investment == pytest.approx(500 * 104.5 / 92, rel=1e-12)


def test_a_deflator_file_is_read_again_when_it_changes(tmp_path):
    path = write_series(tmp_path / "deflators.csv", {2021: 92.0, 2022: 95.0})
    first = sroi.evaluate(value_model(2021), price_year=2022, deflator=path)
    assert first.present_value == pytest.approx(2 * 1_000 * 95 / 92, rel=1e-12)
    write_series(path, {2021: 92.0, 2022: 96.6})
    again = sroi.evaluate(value_model(2021), price_year=2022, deflator=path)
    assert again.present_value == pytest.approx(2 * 1_000 * 96.6 / 92, rel=1e-12)


def test_a_deflator_file_with_a_gap_is_refused_with_its_location(tmp_path):
    path = write_series(tmp_path / "deflators.csv", {2020: 90.0, 2021: 92.0, 2023: 98.0})
    with pytest.raises(ModelError) as info:
        read_deflators(path)
    assert info.value.locations == ["deflators.csv, row 4, column year"]
    assert "leaves a gap after 2021 (row 3): 2022 is missing" in str(info.value)
    with pytest.raises(ModelError) as info:  # and through evaluate, as an argument
        sroi.evaluate(value_model(2021), price_year=2023, deflator=path)
    assert info.value.locations == ["deflators.csv, row 4, column year"]


def test_zero_negative_non_number_and_duplicate_are_refused_together(tmp_path):
    path = tmp_path / "deflators.csv"
    path.write_text(
        "year,index\n2019,88\n2020,0\n2021,-92\n2022,n/a\n2022,95\n2023,\n", encoding="utf-8"
    )
    with pytest.raises(ModelError) as info:
        read_deflators(path)
    found = {p.location: p.message for p in info.value.problems}
    assert found == {
        "deflators.csv, row 3, column index": "must be greater than 0",
        "deflators.csv, row 4, column index": "must be greater than 0",
        "deflators.csv, row 5, column index": "must be a number",
        "deflators.csv, row 6, column year": "appears twice (first in row 5)",
        "deflators.csv, row 7, column index": "must be a number",
    }
    assert str(info.value).startswith("5 problems in deflator series deflators.csv:")


def test_file_problems_and_model_problems_are_reported_in_one_round(tmp_path):
    path = tmp_path / "deflators.csv"
    path.write_text("year,index\n2020,0\n2021,92\n", encoding="utf-8")
    model = value_model(2020)
    model["outcomes"][0]["deadweight"] = 1.5
    with pytest.raises(ModelError) as info:
        sroi.evaluate(model, deflator=path)
    assert set(info.value.locations) == {
        "deflators.csv, row 2, column index",
        "outcomes[0].deadweight",
    }


@pytest.mark.parametrize(
    ("text", "location", "says"),
    [
        ("year,index\n2020,90\n2020/21,91\n", "row 3, column year", "is a financial year"),
        ("year,index\n2020,90\nsoon,91\n", "row 3, column year", "must be a calendar year"),
        ("year,index\n2020,90\n,91\n", "row 3, column year", "is empty"),
        ("year,index,status\n2020,90,guess\n", "row 2, column status", "outturn or forecast"),
        ("year,index,colour\n2020,90,red\n", "row 1, column 3", "not a column"),
        ("year,indx\n2020,90\n", "row 1", "has no column 'index'"),
        ("year,index\n2020,90,oops\n", "row 2", "columns the header does not name"),
    ],
)
def test_other_mistakes_in_a_file_are_located(tmp_path, text, location, says):
    path = tmp_path / "deflators.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelError) as info:
        read_deflators(path)
    assert f"deflators.csv, {location}" in info.value.locations
    assert says in str(info.value)


def test_missing_file_and_unknown_name(tmp_path):
    with pytest.raises(ModelError, match="no such file"):
        sroi.evaluate(value_model(2020), deflator=tmp_path / "nope.csv")
    with pytest.raises(ModelError) as info:
        sroi.evaluate(value_model(2020), deflator="ons")
    assert info.value.locations == ["deflator"]
    assert "hmt_dec2025" in str(info.value)


def test_forecast_rows_of_a_users_series_are_labelled(tmp_path):
    path = tmp_path / "deflators.csv"
    path.write_text("year,index,status\n2023,98,\n2024,100,outturn\n2025,102,forecast\n")
    series = read_deflators(path, name="our series")
    assert series.name == "our series" and series.forecast == (PriceYear(2025),)
    with pytest.warns(SROIWarning, match="price year 2025 rests on a forecast"):
        r = sroi.evaluate(value_model(2023), price_year=2025, deflator=series)
    assert r.present_value == pytest.approx(2 * 1_000 * 102 / 98, rel=1e-12)


def test_an_excel_workbook_reads_as_the_same_series(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["year", "index", "vintage"])
    for year, value in MINE.items():
        ws.append([year, value, "test vintage"])
    wb.save(tmp_path / "deflators.xlsx")
    from_excel = read_deflators(tmp_path / "deflators.xlsx", name="mine")
    from_csv = read_deflators(write_series(tmp_path / "deflators.csv", MINE), name="mine")
    assert from_excel.years == from_csv.years and from_excel.values == from_csv.values
    ws.append([2027, 0, ""])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(ModelError) as info:
        read_deflators(tmp_path / "bad.xlsx")
    assert info.value.locations == ["bad.xlsx, sheet 'Sheet', row 9, column index"]


# -- projecting beyond the series, only when asked ------------------------------------


def test_without_a_projection_a_year_beyond_the_users_series_is_refused(tmp_path):
    path = write_series(tmp_path / "deflators.csv", {y: MINE[y] for y in range(2020, 2025)})
    with pytest.raises(ModelError) as info:
        evaluate_quietly(
            proxy_model("2026/27", 2), proxies=proxy_table(1_000.0, 2021), deflator=path
        )
    message = str(info.value)
    assert "its index needs 2026 and 2027" in message
    assert "the 'deflators.csv' series covers calendar years 2020-2024" in message
    assert "--deflator FILE" in message and "read_deflators(FILE" in message
    assert "extrapolate=0.02" in message


def test_a_projection_is_the_last_index_compounded_and_labelled_everywhere(tmp_path):
    path = write_series(tmp_path / "deflators.csv", {y: MINE[y] for y in range(2020, 2025)})
    series = read_deflators(path, extrapolate=0.02)
    # 2026/27 = 3/4 I(2026) + 1/4 I(2027), each k years after 2024 at 2 % a year:
    #   0.75 x 100 x 1.02 ** 2 + 0.25 x 100 x 1.02 ** 3 = 78.03 + 26.5302 = 104.5602
    assert series.index("2026/27") == pytest.approx(104.5602, rel=1e-12)
    expected = 2 * 1_000 * 104.5602 / 92  # the proxy is at 2021 prices (index 92): 2,273.05
    with pytest.warns(SROIWarning) as caught:
        r = sroi.evaluate(
            proxy_model("2026/27", 2), proxies=proxy_table(1_000.0, 2021), deflator=series
        )
    assert r.present_value == pytest.approx(expected, rel=1e-12)
    assert round(r.present_value, 2) == 2_273.05
    label = "price year 2026/27 projected from 2024 at 2.0 % a year"
    assert [str(w.message).split(": ", 2)[1] for w in caught if label in str(w.message)] == [label]
    assert [(w.location, w.message.startswith(label)) for w in r.warnings] == [("price_year", True)]
    d = r.to_dict()
    assert d["warnings"] == [{"location": "price_year", "message": r.warnings[0].message}]
    assert "projected beyond 2024 at 2.0 % a year" in d["parameters"]["deflator"]
    assert d["parameters"]["deflator"].endswith("; " + label)
    # the same projection asked for on a bundled series
    projected = deflator_series("hmt", extrapolate=0.02)
    assert projected.index("2032/33") == pytest.approx(113.6416 * 1.02**2, rel=1e-12)


def test_a_proxy_priced_in_a_projected_year_is_labelled_where_it_is_used(tmp_path):
    path = write_series(tmp_path / "deflators.csv", {y: MINE[y] for y in range(2020, 2025)})
    series = read_deflators(path, extrapolate=0.02)
    with pytest.warns(SROIWarning):
        r = sroi.evaluate(proxy_model(2024, 1), proxies=proxy_table(1_000.0, 2025), deflator=series)
    # from 2025 (100 x 1.02, projected) to 2024 (100): 1,000 / 1.02
    assert r.present_value == pytest.approx(1_000 / 1.02, rel=1e-12)
    assert [w.location for w in r.warnings] == ["outcomes[0].proxy"]
    assert r.warnings[0].message.startswith("price year 2025 projected from 2024")


def test_a_projection_is_off_unless_asked_for():
    assert bundled("hmt").extrapolate is None
    assert read_deflators.__kwdefaults__["extrapolate"] is None
    assert DeflatorSeries("x", (PriceYear(2020),), (1.0,)).extrapolate is None


# -- the command line -----------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def garden(tmp_path) -> Path:
    path = tmp_path / "garden.yaml"
    path.write_text(yaml.safe_dump(value_model(2021)), encoding="utf-8")
    return path


def test_cli_deflator_file_end_to_end(tmp_path, garden):
    series = write_series(tmp_path / "deflators.csv", MINE, vintage="Council deflators")
    out = run("evaluate", garden, "--deflator", series, "--price-year", "2025/26", "-f", "json")
    assert out.exit_code == 0, out.stderr
    d = json.loads(out.stdout)
    # 2021 -> 2025/26 with the file: 102.625 / 92
    assert d["results"]["present_value"] == pytest.approx(2 * 1_000 * 102.625 / 92, rel=1e-12)
    assert d["results"]["total_investment"] == pytest.approx(500 * 102.625 / 92, rel=1e-12)
    assert d["parameters"]["deflator"].startswith("deflators.csv: Council deflators;")
    assert out.stderr == ""
    same = sroi.evaluate(garden, price_year="2025/26", deflator=series)
    assert d["results"]["present_value"] == pytest.approx(same.present_value, rel=1e-15)


def test_cli_extrapolate_deflator_is_labelled(tmp_path, garden):
    series = write_series(tmp_path / "deflators.csv", {y: MINE[y] for y in range(2020, 2025)})
    refused = run("evaluate", garden, "--deflator", series, "--price-year", "2026/27")
    assert refused.exit_code == 1
    assert "--extrapolate-deflator" in refused.stderr and refused.stdout == ""
    out = run(
        "evaluate", garden, "--deflator", series, "-p", "2026/27",
        "--extrapolate-deflator", "0.02", "-f", "json",
    )  # fmt: skip
    assert out.exit_code == 0, out.stderr
    label = "price year 2026/27 projected from 2024 at 2.0 % a year"
    assert f"Warning: price_year: {label}" in out.stderr
    d = json.loads(out.stdout)
    assert d["warnings"][0]["message"].startswith(label)
    assert d["results"]["present_value"] == pytest.approx(2 * 1_000 * 104.5602 / 92, rel=1e-12)


def test_cli_deflator_mistakes(tmp_path, garden):
    bad = tmp_path / "bad.csv"
    bad.write_text("year,index\n2020,90\n2022,x\n", encoding="utf-8")
    out = run("evaluate", garden, "--deflator", bad)
    assert out.exit_code == 1 and out.stdout == ""
    assert "bad.csv, row 3, column index: must be a number" in out.stderr
    assert "bad.csv, row 3, column year: leaves a gap after 2020 (row 2)" in out.stderr
    assert run("evaluate", garden, "--deflator", tmp_path / "nope.csv").exit_code == 1
    assert run("evaluate", garden, "--deflator", "ons").exit_code == 2
    assert run("evaluate", garden, "--extrapolate-deflator", "2").exit_code == 2
    assert run("evaluate", garden, "--deflator", "ucd").exit_code == 0


def test_cli_report_and_validate_take_the_deflator(tmp_path, garden):
    series = write_series(tmp_path / "deflators.csv", MINE, vintage="Council deflators")
    md = tmp_path / "r.md"
    out = run("report", garden, "--md", md, "--deflator", series, "--price-year", 2026)
    assert out.exit_code == 0, out.stderr
    assert "Council deflators: calendar years 2020-2026" in md.read_text()
    beyond = tmp_path / "later.yaml"
    beyond.write_text(yaml.safe_dump(proxy_model("2027/28")), encoding="utf-8")
    proxies = tmp_path / "proxies.csv"
    proxies.write_text(
        "id,name,value,unit,price_year\n"
        "my_job_saving,A saving (test),9800,GBP / person / year,2021\n"
    )
    refused = run("validate", beyond, "--proxies", proxies, "--deflator", series)
    assert refused.exit_code == 1 and "its index needs 2027 and 2028" in refused.stderr
    out = run(
        "validate", beyond, "--proxies", proxies, "--deflator", series,
        "--extrapolate-deflator", "0.02",
    )  # fmt: skip
    assert out.exit_code == 0, out.stderr
    assert "valid" in out.stdout
