"""Licensed value banks load as they are: the bank's ids, five required columns, CSV or
Excel, defaults reported, every value marked with its licence."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import sroi
from sroi import ModelError, SROIWarning
from sroi.cli import cli
from sroi.proxies import COLUMNS, REQUIRED_COLUMNS, UNSTATED_LICENCE, load, read_table

# A National TOMs-style table: the bank's own ids and only the five required columns.
# Every figure here is made up for the test; real values come from a licensed copy.
TOMS = """\
id,name,value,unit,price_year
NT1,Local people employed on the contract (made-up figure),1000,GBP / person / year,2023/24
NT2,Weeks of training for unemployed people (made-up figure),250.5,GBP / person / week,2022
HACT-1234,Relief from heavy debt (made-up figure),3000,GBP / person,2019/20
"""


def toms_file(tmp_path, text: str = TOMS, name: str = "toms.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def quiet_read(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SROIWarning)
        return read_table(*args, **kwargs)


def model(proxy: str, unit: str = "person", price_year: str | int = "2023/24") -> dict:
    return {
        "name": "Contract",
        "price_year": price_year,
        "discount_rate": 0.0,
        "inputs": [{"stakeholder": "Supplier", "amount": 5_000}],
        "outcomes": [
            {"stakeholder": "Residents", "outcome": "Employed", "quantity": 4, "unit": unit}
            | {"duration": 1, "proxy": proxy}
        ],
    }


def test_a_toms_table_with_five_columns_loads_and_evaluates(tmp_path):
    assert REQUIRED_COLUMNS == ("id", "name", "value", "unit", "price_year")
    with pytest.warns(SROIWarning, match="licence: not in the table") as caught:
        table = read_table(toms_file(tmp_path))
    assert "category: not in the table; left blank (not classified)" in str(caught[0].message)
    assert len(table) == len(load()) + 3 and table.ids[-3:] == ("NT1", "NT2", "HACT-1234")
    nt1 = table.get("NT1")
    assert (nt1.value, nt1.unit, str(nt1.price_year)) == (1000.0, "GBP / person / year", "2023/24")
    assert nt1.licence == UNSTATED_LICENCE == "user-supplied, licence not stated"
    assert (nt1.source, nt1.currency, nt1.data_age) == ("user table toms.csv", "GBP", "green")
    assert (nt1.category, nt1.value_type, nt1.bearer, nt1.bearer_split) == ("", "", "", ())
    assert nt1.transfer_share is None and nt1.transfer is False
    # 4 people x GBP 1,000 a year, at its own price year, undiscounted
    result = sroi.evaluate(model("NT1"), proxies=table)
    assert result.present_value == pytest.approx(4_000)
    used = result.to_dict()["proxies"]["used"]["NT1"]
    assert used["licence"] == UNSTATED_LICENCE and used["source"] == "user table toms.csv"
    # the bank's ids are kept as written: HACT-1234 too, per person (a one-off value)
    debt = sroi.evaluate(model("HACT-1234", price_year="2019/20"), proxies=table)
    assert debt.present_value == pytest.approx(12_000)


def test_the_licence_argument_marks_every_value(tmp_path):
    table = quiet_read(toms_file(tmp_path), licence="National TOMs 2023, licensed to us")
    mine = [table.get(i) for i in ("NT1", "NT2", "HACT-1234")]
    assert {p.licence for p in mine} == {"National TOMs 2023, licensed to us"}
    assert load().get("ucd_ee1_0_fiscal").licence.startswith("CC BY 4.0")  # bundled unchanged
    # a licence column is kept where it is filled; the argument fills its blanks
    text = "id,name,value,unit,price_year,licence\n"
    text += "A1,One,10,GBP / person,2020,HACT UK Social Value Bank licence\n"
    text += "A2,Two,20,GBP / person,2020,\n"
    table = quiet_read(toms_file(tmp_path, text), licence="our licence", merge_with_bundled=False)
    assert [p.licence for p in table] == ["HACT UK Social Value Bank licence", "our licence"]
    assert "toms.csv: licence: blank in row 3; set to 'our licence'" in table.notes


def test_every_default_is_in_the_notes(tmp_path):
    table = quiet_read(toms_file(tmp_path), merge_with_bundled=False)
    assert table.notes == (
        "toms.csv: currency: not in the table; taken from each row's unit",
        "toms.csv: source: not in the table; set to 'user table toms.csv'",
        "toms.csv: licence: not in the table; set to 'user-supplied, licence not stated' "
        "(name it with read_table(..., licence=...))",
        "toms.csv: data_age: not in the table; graded from each price year by the Unit Cost "
        "Database's rule",
        "toms.csv: category: not in the table; left blank (not classified)",
        "toms.csv: value_type: not in the table; left blank (not classified)",
        "toms.csv: bearer: not in the table; left blank (not classified)",
        "toms.csv: transfer_share: not in the table; not stated",
    )
    merged = quiet_read(toms_file(tmp_path))
    assert merged.notes == table.notes  # merging keeps them; the bundled table has none
    assert load().notes == ()


def test_a_full_table_is_read_without_a_warning(tmp_path):
    row = {c: "" for c in COLUMNS} | {
        "id": "my_value",
        "name": "A made-up value",
        "category": "wellbeing",
        "value": "12",
        "currency": "GBP",
        "unit": "GBP / person / year",
        "price_year": "2021",
        "value_type": "wellbeing",
        "bearer": "Individual",
        "source": "A test",
        "licence": "CC0 (test)",
        "transfer_share": "0",
    }
    path = tmp_path / "full.csv"
    pd.DataFrame([row], columns=COLUMNS).to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = read_table(path, merge_with_bundled=False)
    assert table.get("my_value").data_age == "green"
    assert table.notes == (
        "full.csv: data_age: blank in row 2; graded from each price year by "
        "the Unit Cost Database's rule",
    )


def test_headers_as_the_bank_writes_them(tmp_path):
    text = "Ref,Measure,Proxy value (GBP),Unit,Price Year,Notes\n"
    text += "NT1,Local people employed,1000,GBP / person / year,2023/24,from our copy\n"
    path = toms_file(tmp_path, text)
    with pytest.raises(ModelError) as info:
        read_table(path)
    message = str(info.value)
    assert "missing column(s) 'id', 'name', 'value'" in message
    assert "headers not read: 'Ref', 'Measure', 'Proxy value (GBP)', 'Notes'" in message
    assert "columns={'Your header': 'column'}" in message
    columns = {"Ref": "id", "Measure": "name", "Proxy value (GBP)": "value", "Notes": "note"}
    table = quiet_read(path, columns=columns, merge_with_bundled=False)
    nt1 = table.get("NT1")
    assert (nt1.name, nt1.value, nt1.note) == ("Local people employed", 1000.0, "from our copy")
    assert "toms.csv: column 'Price Year' read as 'price_year'" in table.notes
    assert "toms.csv: column 'Ref' read as 'id' (columns=)" in table.notes
    with pytest.raises(ModelError, match="maps to 'cost', which are not columns"):
        read_table(path, columns={"Ref": "cost"})


def test_an_excel_workbook_loads(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "TOMs"
    sheet.append(["id", "name", "value", "unit", "price_year"])
    sheet.append(
        ["NT1", "Local people employed (made-up figure)", 1000, "GBP / person / year", "2023/24"]
    )
    sheet.append(["NT2", "Training weeks (made-up figure)", 250.5, "GBP / person / week", 2022])
    path = tmp_path / "toms.xlsx"
    book.save(path)
    table = quiet_read(path, licence="TOMs (test)", merge_with_bundled=False)
    assert table.ids == ("NT1", "NT2")
    assert [(p.value, str(p.price_year), p.licence) for p in table] == [
        (1000.0, "2023/24", "TOMs (test)"),
        (250.5, "2022", "TOMs (test)"),
    ]
    assert table.get("NT1").source == "user table toms.xlsx sheet 'TOMs'"
    # a workbook of several sheets needs the sheet named
    book.create_sheet("Cover")
    book.save(path)
    with pytest.raises(ModelError, match=r"has 2 sheets; say which holds the proxies"):
        read_table(path)
    assert quiet_read(path, sheet="toms", merge_with_bundled=False).ids == ("NT1", "NT2")
    with pytest.raises(ModelError, match="has no sheet 'nope'"):
        read_table(path, sheet="nope")


def test_a_bad_workbook_row_is_located(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Bank"
    sheet.append(["id", "name", "value", "unit", "price_year"])
    sheet.append(["NT1", "ok", 10, "GBP / person", 2020])
    sheet.append(["NT2", "bad", "lots", "GBP / persn", 2020])
    path = tmp_path / "bank.xlsx"
    book.save(path)
    with pytest.raises(ModelError) as info:
        read_table(path)
    assert info.value.locations == [
        "bank.xlsx sheet 'Bank' row 3 (id 'NT2'), column value",
        "bank.xlsx sheet 'Bank' row 3 (id 'NT2'), column unit",
    ]


def test_files_that_are_not_tables_are_refused(tmp_path):
    old = tmp_path / "bank.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 an old Excel file")
    with pytest.raises(ModelError, match=r"old-style Excel file \(\.xls\)"):
        read_table(old)
    fake = tmp_path / "bank.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ModelError, match="is not an Excel workbook"):
        read_table(fake)


def test_bad_rows_are_reported_all_together_with_what_is_allowed(tmp_path):
    text = "id,name,value,unit,price_year,transfer_share\n"
    text += "NT1,ok,10,GBP / person,2020,\n"
    text += "NT1,again,0,GBP / person,2020,2\n"
    text += "bad\x01id,,x,GBP,20xx,\n"
    with pytest.raises(ModelError) as info:
        read_table(toms_file(tmp_path, text))
    assert info.value.locations == [
        "toms.csv row 3 (id 'NT1'), column value",
        "toms.csv row 3 (id 'NT1'), column transfer_share",
        "toms.csv row 3 (id 'NT1'), column id",
        "toms.csv row 4 (id 'bad\\x01id'), column id",
        "toms.csv row 4 (id 'bad\\x01id'), column name",
        "toms.csv row 4 (id 'bad\\x01id'), column value",
        "toms.csv row 4 (id 'bad\\x01id'), column unit",
        "toms.csv row 4 (id 'bad\\x01id'), column price_year",
    ]
    message = str(info.value)
    for text in (
        "duplicate id, first used in row 2",
        "must be a fraction from 0 to 1",
        "must not be zero",
        "must not hold a control character or ';'",
        "must be money per something",
        "such as 2024, or a financial year such as 2024/25 (got '20xx')",
    ):
        assert text in message, text


def test_a_bank_row_wins_over_an_older_id_of_the_bundled_table(tmp_path):
    text = "id,name,value,unit,price_year\n"
    text += "ucd_gp_home_visit,Our own GP home visit figure (made up),120,GBP / visit,2024\n"
    table = quiet_read(toms_file(tmp_path, text))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a real id: no older-id warning
        assert table.get("ucd_gp_home_visit").value == 120.0
    assert table.get("ucd_he20_4_fiscal").value == 95.0  # the bundled row is still there


def test_read_table_from_a_frame_keeps_the_banks_ids():
    frame = pd.DataFrame(
        [{"id": "NT1", "name": "x", "value": 5.0, "unit": "GBP / person", "price_year": 2020}]
    )
    table = quiet_read(frame, licence="ours", merge_with_bundled=False)
    assert table.ids == ("NT1",) and table.get("NT1").licence == "ours"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SROIWarning)
        again = sroi.proxies.ProxyTable(frame, name="DataFrame", licence="ours")
    assert again == table and again.notes == table.notes


def test_the_command_line_takes_a_toms_table(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(model("NT1")), encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(
        cli, ["evaluate", str(path), "--proxies", str(toms_file(tmp_path)), "-f", "json"]
    )
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["results"]["present_value"] == pytest.approx(4_000)
    assert "Warning:" in out.stderr and "licence: not in the table" in out.stderr
    show = runner.invoke(cli, ["proxies", "show", "NT1", "--proxies", str(toms_file(tmp_path))])
    assert show.exit_code == 0
    assert "user-supplied, licence not stated" in show.stdout


def test_a_banks_own_extra_columns_are_left_out_and_listed(tmp_path):
    text = "id,name,value,unit,price_year,Theme\n"
    text += "NT1,Local people employed,1000,GBP / person / year,2023/24,Jobs\n"
    table = quiet_read(toms_file(tmp_path, text), merge_with_bundled=False)
    assert table.get("NT1").value == 1000.0
    assert any("'Theme' not read" in note for note in table.notes)
    typo = "id,name,value,unit,price_year,licnce\n"
    typo += "NT1,Local people employed,1000,GBP / person / year,2023/24,ours\n"
    with pytest.raises(ModelError, match="did you mean 'licence'"):
        read_table(toms_file(tmp_path, typo), merge_with_bundled=False)
