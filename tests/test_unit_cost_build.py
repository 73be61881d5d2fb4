"""The bundled proxy table against its sources: the Unit Cost Database v1.4 and the build.

``data/unit_costs.csv`` is made by ``data/sources/build_unit_costs.py`` from the committed
workbook and hand-curated files. These tests check that the committed table is exactly what
the build makes, that lines of the workbook are in it as the workbook gives them (read here
with openpyxl, apart from the build's code), and the table's promises: its size, its units,
its licence and attribution, its data ages, its transfers and its older ids.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest

from sroi import SROIWarning
from sroi.proxies import MARMOT_OBJECTIVES, data_age, load
from sroi.units import currency_of, is_money_per_something, parse_unit

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
WORKBOOK = SOURCES / "unit_cost_database_v1.4.xlsx"
TABLE = ROOT / "data" / "unit_costs.csv"


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_unit_costs", SOURCES / "build_unit_costs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_unit_costs"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build():
    return _build_module()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(WORKBOOK, data_only=True)  # the values Excel saved


# -- the build reproduces the committed table ------------------------------------------


def test_the_build_reproduces_the_table_byte_for_byte(build, tmp_path):
    out = tmp_path / "unit_costs.csv"
    left_out = build.write(out)
    assert out.read_bytes() == TABLE.read_bytes()
    assert left_out == [
        "CR8.18.5 fiscal: its value is 0 (shoplifting: other criminal justice costs)"
    ]


def test_the_build_script_checks_and_the_make_target_runs_it(build, tmp_path, capsys):
    assert build.main(["--check", "--output", str(TABLE)]) == 0
    stale = tmp_path / "stale.csv"
    stale.write_text("id\n", encoding="utf-8")
    assert build.main(["--check", "--output", str(stale)]) == 1
    assert "differs" in capsys.readouterr().out
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^data: .*\n\t\$\(PY\) data/sources/build_unit_costs\.py$", makefile, re.M)
    assert re.search(r"^\.PHONY:.* data\b", makefile, re.M)


def test_the_build_columns_are_the_schema(build):
    from sroi.proxies import COLUMNS

    assert build.COLUMNS == COLUMNS


def test_an_unknown_unit_form_stops_the_build(build):
    with pytest.raises(ValueError, match=r"'Per fortnight' of HO9\.9 is not in UNIT_FORMS"):
        build.unit_of("HO9.9", "Per fortnight")
    with pytest.raises(ValueError, match="needs a reading in UNIT_BY_CODE"):
        build.unit_of("SS99.0", "Each")  # a loose form on a line without its own reading


def test_every_unit_form_of_the_workbook_is_handled(build):
    book = openpyxl.load_workbook(WORKBOOK)
    forms = Counter()
    for sheet in build.SHEETS:
        ws = book[sheet]
        for r in range(3, ws.max_row + 1):
            if ws[f"C{r}"].value is not None or ws[f"D{r}"].value is not None:
                forms[" ".join(str(ws[f"E{r}"].value).split())] += 1
    assert len(forms) == 38  # "Per person" is written twice, once with a trailing space
    assert set(forms) <= set(build.UNIT_FORMS)


def test_simple_formulas_are_worked_out_and_others_refused(build):
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"], ws["A2"], ws["A3"] = 2, "=A1*3", "=SUM(A1:A2)/4"
    assert build._formula_value("=538.2/3*2", ws) == pytest.approx(358.8)
    assert build._formula_value("=A3", ws) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="not simple arithmetic"):
        build._formula_value("=ROUND(A1,0)", ws)


# -- lines of the workbook, checked by hand ---------------------------------------------

# Read in the workbook by eye: (sheet, cost code, value type, value, price year, unit as
# the workbook writes it, the pint unit it is read as). Values typed as formulas are given
# as the formula's arithmetic.
LINES = [
    ("Crime", "CR8.4", "social", 28_284, "2010/11", "Per incident", "GBP / offence"),
    ("Crime", "CR3.0", "fiscal", 33_785, "2013/14", "Per person per year", "GBP / person / year"),
    (
        "Education & Skills",
        "E&S12.0",
        "economic",
        76_990 / 40,
        "2010/11",
        "Per person per year",
        "GBP / person / year",
    ),
    (
        "Education & Skills",
        "E&S4.1",
        "fiscal",
        3_206,
        "2009/10",
        "Per child over a ten year period",
        "GBP / person",
    ),
    (
        "Employment & Economy",
        "E&E1.0",
        "fiscal",
        9_800,
        "2012/13",
        "Per claimant per year",
        "GBP / person / year",
    ),
    (
        "Employment & Economy",
        "E&E1.2",
        "fiscal",
        57.35,
        "2014/15",
        "Per week",
        "GBP / person / week",
    ),
    ("Fire", "FI3.0", "fiscal", 44_523, "2008/09", "Per incident", "GBP / incident"),
    ("Health", "HE2.0.3", "fiscal", 1_686 * 52 / 51, "2006/07", "Per year", "GBP / person / year"),
    ("Health", "HE14.0", "fiscal", 429, "2011/12", "Per bed day", "GBP / bed_day"),
    ("Housing", "HO4.1", "fiscal", 334.95, "2010/11", "Per week", "GBP / household / week"),
    (
        "Social Services",
        "SS7.0",
        "economic",
        538.2 / 3,
        "2013/14",
        "Per week",
        "GBP / person / week",
    ),
    (
        "Social Services",
        "SS15.3",
        "fiscal",
        3_368,
        "2008/09",
        "Per child over a 25 year period",
        "GBP / person",
    ),
]

# The columns of each value type in the thematic sheets (row 2 of each sheet says so).
VALUE_AND_YEAR = {"fiscal": ("H", "I"), "economic": ("K", "L"), "social": ("N", "O")}


def _workbook_line(workbook, sheet: str, code: str) -> int:
    ws = workbook[sheet]
    found = [r for r in range(3, ws.max_row + 1) if str(ws[f"C{r}"].value).strip() == code]
    assert len(found) == 1, (sheet, code)
    return found[0]


@pytest.mark.parametrize(("sheet", "code", "kind", "value", "year", "form", "unit"), LINES)
def test_a_line_of_the_workbook_is_in_the_table_as_the_workbook_gives_it(
    workbook, sheet, code, kind, value, year, form, unit
):
    ws = workbook[sheet]
    r = _workbook_line(workbook, sheet, code)
    value_column, year_column = VALUE_AND_YEAR[kind]
    assert ws[f"{value_column}2"].value == "Estimated cost/saving"
    assert ws[f"{value_column}{r}"].value == pytest.approx(value, rel=1e-12)
    assert ws[f"{year_column}{r}"].value == year
    assert " ".join(str(ws[f"E{r}"].value).split()) == form
    proxy = load().get(f"ucd_{code.lower().replace('&', '').replace('.', '_')}_{kind}")
    assert proxy.source_code == code and proxy.value_type == kind
    assert proxy.value == pytest.approx(value, rel=1e-12)
    assert str(proxy.price_year) == year
    assert proxy.unit == unit
    assert f"UCD unit '{form}'" in proxy.note
    assert f"sheet '{sheet}', cost code {code} (row {r})" in proxy.source
    assert proxy.data_age == data_age(year)


def test_every_value_of_the_workbook_is_a_row(workbook, rows):
    values = 0
    for sheet in ("Crime", "Education & Skills", "Employment & Economy", "Fire", "Health"):
        values += _count_values(workbook[sheet])
    values += _count_values(workbook["Housing"]) + _count_values(workbook["Social Services"])
    ucd = [r for r in rows if "Unit Cost Database v1.4" in r["source"]]
    # every value but one: CR8.18.5's fiscal value is 0, and a proxy worth nothing is left out
    assert len(ucd) == values - 1 == 779
    assert "ucd_cr8_18_5_fiscal" not in {r["id"] for r in rows}


def _count_values(ws) -> int:
    count = 0
    for r in range(3, ws.max_row + 1):
        if ws[f"C{r}"].value is None and ws[f"D{r}"].value is None:
            continue  # the year list at the foot of the sheet
        count += sum(ws[f"{c}{r}"].value is not None for c, _ in VALUE_AND_YEAR.values())
    return count


def test_the_workbook_licence_is_cc_by_4(workbook):
    intro = " ".join(
        str(c.value) for row in workbook["Introduction"].iter_rows() for c in row if c.value
    )
    assert "Creative Commons Attribution 4.0 International License" in intro


# -- what the table promises ------------------------------------------------------------


def test_size_and_housing(rows):
    assert len(rows) >= 600
    categories = Counter(r["category"] for r in rows)
    assert categories["housing"] >= 35
    assert len(load()) == len(rows)


def test_every_unit_parses_with_the_library_registry(rows):
    for r in rows:
        unit = parse_unit(r["unit"])
        assert is_money_per_something(unit), r["id"]
        assert currency_of(unit) == r["currency"] == "GBP", r["id"]
    for proxy in load():
        factor = proxy.annual_value_factor()
        assert math.isfinite(factor) and factor > 0, proxy.id


def test_every_row_has_a_marmot_objective_and_a_data_age_by_the_rule(rows):
    for r in rows:
        assert r["marmot_objective"] in MARMOT_OBJECTIVES, r["id"]
        assert r["data_age"] == data_age(r["price_year"] or None), r["id"]
    assert {r["data_age"] for r in rows} == {"green", "amber", "red", ""}


def test_ucd_rows_carry_the_licence_and_the_attribution(rows):
    for r in rows:
        if r["id"].startswith("ucd_") and "v1.4" in r["source"]:
            assert r["licence"].startswith("CC BY 4.0: New Economy"), r["id"]
            assert r["source"].startswith("New Economy (Manchester), Unit Cost Database v1.4")
            assert re.fullmatch(r"ucd_[a-z]+[0-9_]+_(fiscal|economic|social)", r["id"]), r["id"]
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for text in (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        "New Economy",
        "Unit Cost Database v1.4",
        "GMCA",
    ):
        assert text in readme, text
    assert "../shared" not in readme and "DESIGN.md" not in readme


def test_a_result_names_the_licence_of_each_ucd_proxy_it_used():
    import sroi

    model = {
        "name": "x",
        "price_year": "2010/11",
        "inputs": [{"stakeholder": "Council", "amount": 1_000}],
        "outcomes": [
            {"stakeholder": "Residents", "outcome": "Less crime", "quantity": 1, "unit": "offence"}
            | {"duration": 1, "proxy": "ucd_cr8_4_social"}
        ],
    }
    used = sroi.evaluate(model).to_dict()["proxies"]["used"]["ucd_cr8_4_social"]
    assert used["licence"].startswith("CC BY 4.0: New Economy (now GMCA), Unit Cost Database v1.4")


def test_bearer_splits_come_from_the_constituent_lines():
    table = load()
    assert table.get("ucd_ee1_0_fiscal").bearer_split == (("DWP", 0.9422), ("NHS", 0.0578))
    # HE7.10 hip fracture: 10,000 NHS + 2,700 local authority = 12,700
    assert table.get("ucd_he7_10_fiscal").bearer_split == (
        ("NHS", 0.7874),
        ("Local authority", 0.2126),
    )
    assert table.get("ucd_he7_10_fiscal").bearer_detail == "Local authority"
    assert table.get("ucd_ss4_0_fiscal").bearer_split == (("Local authority", 1.0),)


def test_transfer_payments_are_marked():
    table = load()
    # the workbook's notes on the fiscal cells: tax receipts, and benefit savings
    assert table.get("ucd_es5_0_fiscal").transfer_share == 1.0
    assert table.get("ucd_ee1_0_fiscal").transfer_share == pytest.approx(9_234 / 9_800, abs=1e-4)
    assert table.get("ucd_ee1_0_1_fiscal").transfer_share == 1.0  # the GBP 9,234 itself
    assert table.get("ucd_ee1_0_2_fiscal").transfer_share == 0.0  # the NHS saving is real
    # benefit payments, which the Guidance names as transfers
    assert table.get("ucd_ee1_2_fiscal").transfer_share == 1.0
    assert table.get("ucd_ho7_1_fiscal").transfer_share == 1.0
    # economic and social values are never transfers; nor are the other sources' rows
    for proxy in table:
        if proxy.value_type != "fiscal" or not proxy.id.startswith("ucd_"):
            assert proxy.transfer_share == 0.0, proxy.id
    assert sum(p.transfer for p in table) == 71


def test_older_ids_resolve_to_their_v1_4_rows_with_a_warning():
    table = load()
    with (SOURCES / "ucd_v1_2_replaced.csv").open(encoding="utf-8") as handle:
        replaced = list(csv.DictReader(handle))
    assert len(replaced) == 52
    for item in replaced:
        old, new = item["v1_2_id"], item["v1_4_id"]
        assert old not in table.ids and old in table
        with pytest.warns(SROIWarning, match=f"'{old}' is an older id.*'{new}'"):
            assert table.get(old).id == new
        assert table.current_id(old) == new
        assert old in table.get(new).replaces
    kept = {
        "ucd_jsa_claim_maintenance_per_year",
        "ucd_jsa_claimant_into_work_earnings_gain",
        "ucd_esa_ib_claimant_into_work_earnings_gain",
        "ucd_lone_parent_is_into_work_earnings_gain",
    }
    assert kept <= set(table.ids)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert table.get("ucd_jsa_claimant_into_work_earnings_gain").value == 4_335


def test_the_other_sources_are_carried_over_unchanged(rows, build):
    with (SOURCES / "other_sources.csv").open(encoding="utf-8", newline="") as handle:
        curated = list(csv.DictReader(handle))
    by_id = {r["id"]: r for r in rows}
    for row in curated:
        for column, value in row.items():
            if column == "transfer_share":
                value = value or "0"
            assert by_id[row["id"]][column] == value, (row["id"], column)
    sources = Counter(r["id"].split("_")[0] for r in curated)
    assert sources == {
        "desnz2023": 41,  # carbon values
        "ho2018": 15,  # Home Office costs of crime
        "nhsrc1617": 6,  # NHS reference costs 2016/17
        "nhs": 4,  # NHS reference costs 2013-14
        "ucd": 4,  # the UCD v1.2 rows no v1.4 line replaces
        "hmt": 3,  # WELLBY
        "dhsc": 1,  # QALY
        "dft": 1,  # value of preventing a fatality
        "dcms": 1,  # loneliness
        "ons": 1,  # volunteering
    }
