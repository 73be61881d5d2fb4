"""Tests of sroi.proxies: the bundled catalogue, custom tables, search, filter and merge."""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import warnings

import pandas as pd
import pytest

from sroi._resources import data_file
from sroi.errors import ModelError, SROIWarning, UnknownProxyError
from sroi.proxies import (
    COLUMNS,
    MARMOT_OBJECTIVES,
    PriceYear,
    Proxy,
    ProxyTable,
    load,
    read_table,
)
from sroi.proxies.catalogue import CATEGORIES, VALUE_TYPES
from sroi.proxies.deflators import parse_price_year
from sroi.units import currency_of, is_money_per_something, parse_unit

SCHEMA = (
    "id,name,category,value,currency,unit,price_year,value_type,bearer,bearer_split,"
    "marmot_objective,confidence,source,licence,note,source_code,bearer_detail,data_age,"
    "transfer_share,replaces"
)


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "fake_outcome",
        "name": "A made-up outcome (test fixture)",
        "category": "wellbeing",
        "value": 1000.0,
        "currency": "GBP",
        "unit": "GBP / person / year",
        "price_year": "2023/24",
        "value_type": "wellbeing",
        "bearer": "Individual",
        "bearer_split": "",
        "marmot_objective": "capabilities_and_control",
        "confidence": "test",
        "source": "Test fixture, not a real figure",
        "licence": "CC0 (test fixture)",
        "note": "",
    }
    row.update(overrides)
    return row


def _write(tmp_path, rows, name="mine.csv", columns=COLUMNS):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def small(tmp_path) -> ProxyTable:
    """A three-row fixture table, independent of the bundled data."""
    rows = [
        _row(id="a_homeless", name="Homelessness application", category="housing",
             value_type="fiscal", bearer="Local authority", unit="GBP / application",
             marmot_objective="healthy_standard_of_living"),
        _row(id="b_job", name="Claimant enters employment", category="employment",
             value_type="fiscal", bearer="Multiple", bearer_split="DWP:0.75;NHS:0.25",
             marmot_objective="fair_employment", note="home visits not included"),
        _row(id="c_home_visit", name="GP home visit", category="health", value_type="fiscal",
             bearer="NHS", unit="GBP / visit", marmot_objective="ill_health_prevention"),
    ]  # fmt: skip
    return read_table(_write(tmp_path, rows), merge_with_bundled=False)


# -- the bundled table, whole --------------------------------------------------------


def _raw_bundled() -> tuple[list[str], list[dict[str, str]]]:
    with data_file("unit_costs.csv").open("r", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_bundled_file_has_the_schema_columns_in_order():
    header, _ = _raw_bundled()
    assert header == SCHEMA.split(",")
    assert SCHEMA.split(",") == list(COLUMNS)


def test_bundled_table_has_at_least_600_rows_with_unique_ids():
    _, rows = _raw_bundled()
    ids = [r["id"] for r in rows]
    assert len(ids) >= 600
    assert len(set(ids)) == len(ids)
    assert len(load()) == len(rows)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_every_bundled_row_has_source_licence_and_price_year_or_reason():
    _, rows = _raw_bundled()
    for r in rows:
        assert r["source"].strip(), r["id"]
        assert r["licence"].strip(), r["id"]
        if r["price_year"].strip():
            assert isinstance(parse_price_year(r["price_year"]), PriceYear)
        else:
            assert "price year" in r["note"].lower(), r["id"]


def test_no_bundled_row_is_from_a_non_redistributable_value_bank():
    for proxy in load():
        assert "NC" not in proxy.licence.replace("NCVO", ""), proxy.id
        assert not proxy.id.startswith(("hact", "toms")), proxy.id
        assert "social value bank" not in proxy.source.lower(), proxy.id


def test_every_bundled_unit_is_money_per_something_in_its_currency():
    for proxy in load():
        unit = parse_unit(proxy.unit)
        assert is_money_per_something(unit), proxy.id
        assert currency_of(unit) == proxy.currency, proxy.id
        factor = proxy.annual_value_factor()
        assert math.isfinite(factor) and factor > 0, proxy.id


def test_bundled_values_are_finite_and_non_zero():
    _, rows = _raw_bundled()
    for r in rows:
        value = float(r["value"])
        assert math.isfinite(value) and value != 0, r["id"]


def test_bundled_vocabularies_are_valid():
    for proxy in load():
        assert proxy.category in CATEGORIES, proxy.id
        assert proxy.value_type in VALUE_TYPES, proxy.id
        assert proxy.marmot_objective in MARMOT_OBJECTIVES, proxy.id
        assert math.isclose(sum(s for _, s in proxy.bearer_split), 1.0, abs_tol=1e-9)


def test_marmot_objectives_wording():
    assert len(MARMOT_OBJECTIVES) == 6
    assert MARMOT_OBJECTIVES["best_start"] == "Give every child the best start in life"
    assert MARMOT_OBJECTIVES["ill_health_prevention"] == (
        "Strengthen the role and impact of ill-health prevention"
    )
    with pytest.raises(TypeError):
        MARMOT_OBJECTIVES["x"] = "y"  # type: ignore[index]


# -- Proxy ----------------------------------------------------------------------------


def test_get_returns_a_frozen_proxy_with_every_column(small):
    proxy = small.get("b_job")
    assert isinstance(proxy, Proxy)
    assert [f.name for f in dataclasses.fields(Proxy)] == list(COLUMNS)
    assert proxy.value == 1000.0
    assert proxy.price_year == PriceYear(2023, financial=True)
    assert proxy.bearer_split == (("DWP", 0.75), ("NHS", 0.25))
    assert proxy.marmot_wording == "Create fair employment and good work for all"
    with pytest.raises(dataclasses.FrozenInstanceError):
        proxy.value = 1.0  # type: ignore[misc]


def test_bearer_split_defaults_to_the_bearer(small):
    assert small.get("c_home_visit").bearer_split == (("NHS", 1.0),)


def test_value_in_another_price_year():
    from sroi.proxies import index_factor

    proxy = load().get("ucd_ee1_0_fiscal")  # GBP 9,800 at 2012/13 prices
    # the deflator's own figures are tested in test_deflators.py; here, only that the
    # proxy's value is moved by the factor between its price year and the one asked for
    assert proxy.value_in(2024) == pytest.approx(9_800 * index_factor("2012/13", 2024))
    assert proxy.value_in("2012/13") == pytest.approx(9_800)


def test_value_in_without_price_year_is_an_error():
    blank = [p for p in load() if p.price_year is None]
    assert blank
    with pytest.raises(ModelError, match="has no price year"):
        blank[0].value_in(2024)


# -- lookup ---------------------------------------------------------------------------


def test_unknown_id_suggests_the_closest(small):
    with pytest.raises(UnknownProxyError) as info:
        small.get("b_jobs")
    assert info.value.suggestions[0] == "b_job"
    assert "closest ids: b_job" in str(info.value)
    assert isinstance(info.value, KeyError)
    with pytest.raises(UnknownProxyError):
        small["nope"]


def test_unknown_bundled_id_suggests_the_closest():
    with pytest.raises(UnknownProxyError) as info:
        load().get("ucd_cr3_0_fiscl")
    assert info.value.suggestions[0] == "ucd_cr3_0_fiscal"
    # a misspelt older id suggests the id of the row that replaces it
    with pytest.raises(UnknownProxyError) as info:
        load().get("ucd_prisoner_cost_a_year")
    assert info.value.suggestions[0] == "ucd_cr3_0_fiscal"


def test_container_protocol(small):
    assert len(small) == 3
    assert "a_homeless" in small and "zzz" not in small and 3 not in small
    assert small.get("a_homeless") in small
    assert [p.id for p in small] == ["a_homeless", "b_job", "c_home_visit"]
    assert small.ids == ("a_homeless", "b_job", "c_home_visit")


# -- search ---------------------------------------------------------------------------


def test_search_ranks_name_and_id_matches_above_note_matches(small):
    # "home" is a word of c_home_visit's id and name (3 + 3), the start of a word of
    # a_homeless's id and name (half: 1.5 + 1.5), and a word of b_job's note only (1)
    assert small.search("home").ids == ("c_home_visit", "a_homeless", "b_job")
    # "homeless" matches "homelessness" (prefix) and the id token "homeless"
    assert small.search("homeless").ids == ("a_homeless",)


def test_search_prefers_rows_matching_every_word(small):
    assert small.search("gp visit").ids[0] == "c_home_visit"
    assert small.search("nothing like this").ids == ()
    assert len(small.search("home", limit=1)) == 1


def test_search_bundled_homeless():
    top = load().search("homeless", limit=3)
    assert len(top) >= 1
    first = top.get(top.ids[0])
    assert first.category == "housing"
    text = (first.id + first.name + first.note).lower()
    assert "homeless" in text or "rough sleep" in text


def test_search_bundled_employment():
    top = list(load().search("employment", limit=5))
    assert len(top) == 5
    assert all(p.category == "employment" for p in top)


def test_search_exact_id_first():
    table = load()
    assert table.search("ucd_he20_4_fiscal").ids[0] == "ucd_he20_4_fiscal"
    assert table.search("ucd_gp_home_visit").ids[0] == "ucd_he20_4_fiscal"  # an older id
    assert table.search("carbon 2030", limit=3).ids == (
        "desnz2023_carbon_value_2030_low",
        "desnz2023_carbon_value_2030_central",
        "desnz2023_carbon_value_2030_high",
    )


# -- filter ---------------------------------------------------------------------------


def test_filter(small):
    assert small.filter(category="health").ids == ("c_home_visit",)
    assert small.filter(category=["health", "housing"]).ids == ("a_homeless", "c_home_visit")
    assert small.filter(value_type="wellbeing").ids == ()
    assert small.filter(marmot_objective="fair_employment").ids == ("b_job",)
    # bearer matches the bearer field or an agency in bearer_split, ignoring case
    assert small.filter(bearer="nhs").ids == ("b_job", "c_home_visit")
    assert small.filter(bearer="local authority", category="housing").ids == ("a_homeless",)


def test_filter_bundled_by_category_and_value_type():
    table = load().filter(category="environment", value_type="environmental")
    assert len(table) >= 10
    assert {p.unit for p in table} == {"GBP / tonne_CO2e"}


def test_filter_rejects_unknown_values_all_together(small):
    with pytest.raises(ModelError) as info:
        small.filter(category="housin", value_type="fiscl")
    assert info.value.locations == ["category", "value_type"]
    assert "housing" in str(info.value)


# -- custom tables and merging ----------------------------------------------------------


def test_read_table_merges_user_rows_over_bundled(tmp_path):
    bundled = load()
    replaced_id = "ucd_cr3_0_fiscal"
    rows = [
        _row(id=replaced_id, value=40000.0, category="crime", value_type="fiscal",
             bearer="Prison service", marmot_objective="healthy_sustainable_places"),
        _row(id="my_licensed_value"),
    ]  # fmt: skip
    path = _write(tmp_path, rows)
    with pytest.warns(SROIWarning, match=r"1 proxy id\(s\) in both.*ucd_cr3_0_fiscal"):
        merged = read_table(path)
    assert len(merged) == len(bundled) + 1
    assert merged.get(replaced_id).value == 40000.0
    assert bundled.get(replaced_id).value == 33785.0  # the bundled table is untouched
    assert merged.ids.index(replaced_id) == bundled.ids.index(replaced_id)  # same place
    assert merged.ids[-1] == "my_licensed_value"  # new rows appended
    assert merged.checksum != bundled.checksum


def test_replace_ok_silences_the_warning(tmp_path):
    path = _write(tmp_path, [_row(id="ucd_cr3_0_fiscal", category="crime")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        merged = read_table(path, replace_ok=True)
    assert merged.get("ucd_cr3_0_fiscal").value == 1000.0


def test_merge_prefer_self_keeps_own_rows(small):
    other = ProxyTable(pd.DataFrame([_row(id="b_job", value=5.0), _row(id="d_new")]))
    with pytest.warns(SROIWarning, match="kept: b_job"):
        kept = small.merge(other, prefer="self")
    assert kept.get("b_job").value == 1000.0
    assert kept.ids == ("a_homeless", "b_job", "c_home_visit", "d_new")
    replaced = small.merge(other, replace_ok=True)
    assert replaced.get("b_job").value == 5.0
    assert replaced.get("b_job").bearer_split == (("Individual", 1.0),)


def test_read_table_without_merge_and_from_a_frame_with_nan_blanks(tmp_path):
    path = _write(tmp_path, [_row(id="x_one"), _row(id="x_two", price_year="2019")])
    frame = pd.read_csv(path)  # blanks become NaN, value a float, price_year mixed
    table = read_table(frame, merge_with_bundled=False)
    assert table.ids == ("x_one", "x_two")
    assert table.get("x_two").price_year == PriceYear(2019)
    assert table.get("x_one").note == ""
    assert table.checksum == read_table(path, merge_with_bundled=False).checksum


def test_validation_reports_every_problem_with_its_location(tmp_path):
    rows = [
        _row(id="ok_row"),
        _row(id="bad_one", value="lots", category="fun", unit="GBP / persn"),
        _row(id="bad_two", value="0", price_year="", note="", bearer_split="DWP:0.5;NHS:0.4"),
        _row(id="ok_row", marmot_objective="world_peace", currency="EUR", data_age="old"),
        _row(id="bad;id", value="inf", price_year="2019/21"),
    ]
    path = _write(tmp_path, rows)
    with pytest.raises(ModelError) as info:
        read_table(path)
    err = info.value
    assert err.locations == [
        "mine.csv row 3 (id 'bad_one'), column category",
        "mine.csv row 3 (id 'bad_one'), column value",
        "mine.csv row 3 (id 'bad_one'), column unit",
        "mine.csv row 4 (id 'bad_two'), column value",
        "mine.csv row 4 (id 'bad_two'), column price_year",
        "mine.csv row 4 (id 'bad_two'), column bearer_split",
        "mine.csv row 5 (id 'ok_row'), column unit",
        "mine.csv row 5 (id 'ok_row'), column marmot_objective",
        "mine.csv row 5 (id 'ok_row'), column data_age",
        "mine.csv row 5 (id 'ok_row'), column id",
        "mine.csv row 6 (id 'bad;id'), column id",
        "mine.csv row 6 (id 'bad;id'), column value",
        "mine.csv row 6 (id 'bad;id'), column price_year",
    ]
    text = str(err)
    assert text.startswith("13 problems in proxy table mine.csv:")
    assert "must not hold a control character or ';'" in text
    assert "must be one of green, amber, red, or blank" in text
    assert "duplicate id, first used in row 2" in text
    assert "shares must sum to 1" in text
    assert "is in GBP but column currency is EUR" in text
    assert "cannot parse unit 'GBP / persn'" in text
    assert "a blank price year needs a note saying why" in text
    assert isinstance(err, ValueError)


def test_missing_and_unknown_columns_are_errors(tmp_path):
    # only id, name, value, unit and price_year are required; the headers not read are named
    columns = [c for c in COLUMNS if c not in ("unit", "licence")] + ["licence_url"]
    path = _write(tmp_path, [_row(licence_url="x")], columns=columns)
    with pytest.raises(ModelError) as info:
        read_table(path, merge_with_bundled=False)
    text = str(info.value)
    assert "missing column(s) 'unit'" in text and "'licence'" not in text.split("headers")[0]
    assert "headers not read: 'licence_url'" in text
    assert "columns={'Your header': 'column'}" in text


def test_a_blank_price_year_is_allowed_with_a_note(tmp_path):
    path = _write(tmp_path, [_row(price_year="", note="Price year not stated by the source.")])
    proxy = read_table(path, merge_with_bundled=False).get("fake_outcome")
    assert proxy.price_year is None


# -- immutability, export, identity -----------------------------------------------------


def test_cache_cannot_be_mutated_through_copies():
    table = load()
    frame = table.to_frame()
    frame.loc[0, "value"] = -1.0
    frame.loc[1, "id"] = "changed"
    assert load() is table
    assert load().to_frame().loc[0, "value"] != -1.0
    assert load().ids[1] != "changed"
    with pytest.raises(AttributeError):
        table._frame = frame  # type: ignore[misc]
    with pytest.raises(AttributeError):
        table.extra = 1  # type: ignore[attr-defined]


def test_checksum_is_content_based_and_order_free(small):
    assert re.fullmatch(r"[0-9a-f]{64}", small.checksum)
    frame = small.to_frame()
    assert ProxyTable(frame.iloc[::-1]).checksum == small.checksum
    changed = frame.assign(value=frame["value"] + 1)
    assert ProxyTable(changed).checksum != small.checksum
    assert ProxyTable(load().to_frame()).checksum == load().checksum


def test_canonical_csv_round_trips(small, tmp_path):
    path = tmp_path / "canonical.csv"
    path.write_bytes(small.canonical_csv())
    again = read_table(path, merge_with_bundled=False)
    assert again.checksum == small.checksum
    assert again == ProxyTable(small.to_frame().sort_values("id"))


def test_reprs(small):
    text = repr(small)
    assert text.startswith("<ProxyTable: 3 proxies, sha256 ")
    assert "b_job" in text
    html = small._repr_html_()
    assert "<table" in html and "3 financial proxies" in html and "c_home_visit" in html


# -- read_table: files as Excel writes them, and files that are not proxy tables -------


def _table_text(rows: list[dict[str, object]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def test_read_table_reads_utf16_files_excel_writes(tmp_path):
    rows = [_row(id="pounds", name="Cost in £, with an é", note="“quoted” – dash")]
    expected = read_table(_write(tmp_path, rows), merge_with_bundled=False)
    # Excel's "Unicode Text": UTF-16 with a byte order mark, tab-separated
    path = tmp_path / "unicode.txt"
    path.write_bytes(_table_text(rows, delimiter="\t").encode("utf-16"))
    assert read_table(path, merge_with_bundled=False) == expected
    # UTF-16 big-endian, comma-separated, and UTF-8 with a byte order mark ("CSV UTF-8")
    path.write_bytes(_table_text(rows).encode("utf-16-be").join([b"\xfe\xff", b""]))
    assert read_table(path, merge_with_bundled=False) == expected
    path.write_bytes(_table_text(rows).encode("utf-8-sig"))
    assert read_table(path, merge_with_bundled=False).get("pounds").name == rows[0]["name"]


def test_read_table_refuses_cp1252_clearly_and_reads_it_when_told(tmp_path):
    rows = [_row(id="pounds", name="Cost in £")]
    path = tmp_path / "ansi.csv"
    path.write_bytes(_table_text(rows).encode("cp1252"))  # Excel's "CSV (Comma delimited)"
    with pytest.raises(ModelError) as info:
        read_table(path, merge_with_bundled=False)
    [problem] = info.value.problems
    assert problem.location == "ansi.csv line 2"
    assert "is not UTF-8 text: byte 0xA3, which Windows-1252 reads as '£'" in problem.message
    assert 'encoding="cp1252"' in problem.message and "CSV UTF-8" in problem.message
    table = read_table(path, merge_with_bundled=False, encoding="cp1252")
    assert table.get("pounds").name == "Cost in £"
    with pytest.raises(ModelError) as info:
        read_table(path, encoding="klingon")
    assert info.value.locations == ["encoding"]


def test_read_table_of_an_empty_file_is_a_model_error(tmp_path):
    path = tmp_path / "empty.csv"
    for content in (b"", b"\n\n", b"\xef\xbb\xbf"):
        path.write_bytes(content)
        with pytest.raises(ModelError) as info:
            read_table(path)
        assert info.value.locations == ["empty.csv"]
        assert "is empty" in str(info.value)
    path.write_text(SCHEMA + "\n", encoding="utf-8")  # a header and no rows: an empty table
    assert len(read_table(path, merge_with_bundled=False)) == 0


def test_read_table_with_ragged_rows_is_a_model_error(tmp_path):
    text = _table_text([_row(id="one"), _row(id="two")]).splitlines()
    text[1] += ",extra,cells"  # more cells than columns (pandas' ParserError)
    text[2] = text[2].rsplit(",", 1)[0]  # fewer: the last column (note) is blank
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ModelError) as info:
        read_table(path, merge_with_bundled=False)
    assert info.value.locations == ["ragged.csv row 2"]
    assert f"has values beyond the {len(COLUMNS)} columns the header names" in str(info.value)


def test_read_table_of_a_file_that_is_not_csv_is_a_model_error(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ModelError) as info:
        read_table(path)
    [problem] = info.value.problems
    assert problem.location == "binary.csv line 2"  # the first byte that is not UTF-8
    assert "it holds NUL bytes, so it is not a text file" in problem.message
    path.write_text(SCHEMA + '\nid,"unterminated\n', encoding="utf-8")
    with pytest.raises(ModelError):
        read_table(path)
    path.write_text(SCHEMA.replace("note", "value") + "\n", encoding="utf-8")
    with pytest.raises(ModelError, match="the column 'value' appears twice"):
        read_table(path)
    with pytest.raises(ModelError, match="is a folder"):
        read_table(tmp_path)
    with pytest.raises(ModelError) as info:
        read_table(12)  # type: ignore[arg-type]
    assert info.value.locations == ["source"]


def test_read_table_limits_rows_and_file_size(tmp_path):
    from sroi.io import Limits

    path = _write(tmp_path, [_row(id=f"row_{i}") for i in range(5)])
    with pytest.raises(ModelError, match=r"Limits\.rows") as info:
        read_table(path, limits=Limits(rows=4))
    assert info.value.problems[0].value == 5
    with pytest.raises(ModelError, match=r"Limits\.file_bytes"):
        read_table(path, limits=Limits(file_bytes=100))
    assert len(read_table(path, merge_with_bundled=False, limits=Limits(rows=5))) == 5
