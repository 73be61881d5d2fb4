"""Tests of sroi.proxies.deflators: price years, the bundled series and index_factor."""

from __future__ import annotations

import csv
import re

import pytest

from sroi._resources import data_file
from sroi.errors import ModelError
from sroi.proxies import PriceYear, index_factor, load
from sroi.proxies.deflators import coverage, index, parse_price_year

# Index values copied by hand from data/gdp_deflators.csv
HMT = {2012: 71.9294, 2013: 73.4795, 2014: 74.6524, 2022: 90.5005, 2024: 100.0}
UCD = {"2012/13": 174.3726, "2013/14": 178.3832}


# -- price years ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "financial", "shown"),
    [
        ("2019", 2019, False, "2019"),
        (2019, 2019, False, "2019"),
        ("2019/20", 2019, True, "2019/20"),
        ("2019-20", 2019, True, "2019/20"),
        ("2019/2020", 2019, True, "2019/20"),
        (" 1999/00 ", 1999, True, "1999/00"),
        ("2009-2010", 2009, True, "2009/10"),
    ],
)
def test_parse_price_year(text, start, financial, shown):
    year = parse_price_year(text)
    assert (year.start, year.financial, str(year)) == (start, financial, shown)
    assert PriceYear.parse(text) == year


@pytest.mark.parametrize("text", ["2019/21", "2019/2021", "19/20", "FY2019", "", "2019.5", 2019.0])
def test_bad_price_years_are_errors(text):
    with pytest.raises(ModelError, match="price_year"):
        parse_price_year(text)


def test_price_year_is_frozen_and_ordered():
    year = PriceYear(2019, True)
    with pytest.raises(AttributeError):
        year.start = 2020  # type: ignore[misc]
    assert PriceYear(2019) < PriceYear(2019, True) < PriceYear(2020)
    assert hash(PriceYear.parse("2019-20")) == hash(PriceYear(2019, True))


# -- the bundled series ---------------------------------------------------------------


def test_bundled_series_file_keeps_both_series_with_provenance():
    rows = list(csv.DictReader(data_file("gdp_deflators.csv").open(encoding="utf-8")))
    assert {"series", "year", "year_type", "index", "base", "status", "source"} <= set(rows[0])
    ucd = [r for r in rows if r["series"] == "ucd"]
    hmt = [r for r in rows if r["series"] == "hmt"]
    assert (ucd[0]["year"], ucd[-1]["year"], len(ucd)) == ("1989/90", "2017/18", 29)
    assert (hmt[0]["year"], hmt[-1]["year"], len(hmt)) == ("1990", "2024", 35)
    assert {r["base"] for r in ucd} == {"1989/90=100"}
    assert {r["base"] for r in hmt} == {"2024=100"}
    assert [r["year"] for r in ucd if r["status"] == "forecast"] == [
        "2013/14",
        "2014/15",
        "2015/16",
        "2016/17",
        "2017/18",
    ]
    assert all(r["source"] for r in rows)


def test_coverage():
    assert coverage("hmt") == (PriceYear(1990), PriceYear(2024))
    assert coverage("ucd") == (PriceYear(1989, True), PriceYear(2017, True))


# -- the conversion rule --------------------------------------------------------------


def test_calendar_years_use_the_hmt_index_directly():
    assert index(2022) == pytest.approx(HMT[2022])
    assert index_factor(2022, 2024) == pytest.approx(100.0 / 90.5005, rel=1e-12)


def test_financial_year_is_three_quarters_of_its_first_calendar_year():
    # 2013/14 = 3/4 * I(2013) + 1/4 * I(2014)
    expected = 0.75 * HMT[2013] + 0.25 * HMT[2014]
    assert index("2013/14") == pytest.approx(expected, rel=1e-12)
    factor = index_factor("2013/14", 2024)
    assert factor == pytest.approx(100.0 / 73.772725, rel=1e-9)


def test_calendar_year_from_the_ucd_series_is_a_quarter_of_the_previous_financial_year():
    # calendar 2013 = 1/4 * I(2012/13) + 3/4 * I(2013/14)
    expected = 0.25 * UCD["2012/13"] + 0.75 * UCD["2013/14"]
    assert index(2013, series="ucd") == pytest.approx(expected, rel=1e-12)


def test_factor_is_inverse_and_chains():
    a, b, c = "2008/09", 2015, "2020/21"
    assert index_factor(a, b) * index_factor(b, a) == pytest.approx(1.0, rel=1e-12)
    assert index_factor(a, b) * index_factor(b, c) == pytest.approx(index_factor(a, c))
    assert index_factor("2019/20", "2019-20") == 1.0


@pytest.mark.parametrize(
    ("year", "series", "needs"),
    [
        (2025, "hmt", "2025"),
        ("2024/25", "hmt", "2025"),
        (1989, "hmt", "1989"),
        ("2018/19", "ucd", "2018/19"),
        (1989, "ucd", "1988/89"),
    ],
)
def test_years_outside_the_series_are_errors_not_extrapolations(year, series, needs):
    with pytest.raises(ModelError) as info:
        index_factor(year, 2010 if series == "hmt" else "2010/11", series=series)
    message = str(info.value)
    assert f"no GDP deflator for {PriceYear.parse(year)}" in message
    assert f"needs {needs}" in message
    assert "covers" in message and "does not extrapolate" in message


def test_unknown_series():
    with pytest.raises(ModelError, match="series"):
        index_factor(2010, 2012, series="cpi")  # type: ignore[arg-type]


# -- reproducing the Unit Cost Database's own uprating ----------------------------------

# (id in data/unit_costs.csv, value, price year, UCD's value uprated to 2013/14 prices),
# copied by hand from the notes of /work/shared/reference/unit_costs_sources.csv.
UCD_UPRATED = [
    ("ucd_jsa_claimant_into_work_fiscal_total", 9800, "2012/13", 10025),
    ("ucd_looked_after_child_cost_per_year", 44676, "2011/12", 46389),
    ("ucd_prisoner_cost_per_year", 37163, "2010/11", 39472),
    ("ucd_alcohol_dependency_nhs_cost_per_year", 1800, "2009/10", 1962),
    ("ucd_domestic_building_fire_cost", 44523, "2008/09", 49862),
    ("ucd_adult_depression_service_cost_per_year", 1354.84, "2007/08", 1560),
    ("ucd_police_arrest_detained", 593, "2006/07", 700),
    ("ucd_permanent_exclusion_cost_per_year", 9219, "2005/06", 11192),
    ("ucd_asb_incident_further_action", 500, "2002/03", 648),
]


def _error(value, year, uprated, series):
    return (index_factor(year, "2013/14", series=series) * value - uprated) / uprated


@pytest.mark.parametrize(("pid", "value", "year", "uprated"), UCD_UPRATED)
def test_ucd_series_reproduces_ucd_uprating_within_one_percent(pid, value, year, uprated):
    # measured: every pair within 0.08 %; only the UCD's rounding to whole pounds is left
    assert abs(_error(value, year, uprated, "ucd")) < 0.01


@pytest.mark.parametrize(
    ("pid", "value", "year", "uprated"),
    [p for p in UCD_UPRATED if p[2] in {"2012/13", "2011/12", "2010/11", "2002/03"}],
)
def test_hmt_series_reproduces_ucd_uprating_within_one_percent(pid, value, year, uprated):
    # measured: -0.28 % (2012/13), -0.08 % (2011/12), -0.13 % (2010/11), -0.57 % (2002/03)
    assert abs(_error(value, year, uprated, "hmt")) < 0.01


@pytest.mark.parametrize(
    ("pid", "value", "year", "uprated", "measured"),
    [
        ("ucd_alcohol_dependency_nhs_cost_per_year", 1800, "2009/10", 1962, -0.0111),
        ("ucd_domestic_building_fire_cost", 44523, "2008/09", 49862, -0.0201),
        ("ucd_adult_depression_service_cost_per_year", 1354.84, "2007/08", 1560, -0.0184),
        ("ucd_police_arrest_detained", 593, "2006/07", 700, -0.0202),
        ("ucd_permanent_exclusion_cost_per_year", 9219, "2005/06", 11192, -0.0206),
    ],
)
def test_hmt_series_falls_short_by_one_to_two_percent_for_2005_to_2009(
    pid, value, year, uprated, measured
):
    # A known, documented difference of vintage (ONS 2013 vs December 2025 revisions), not
    # of the financial-year rule: the 2025 series has 2005/06-2009/10 a little higher
    # relative to 2013/14. If this starts failing, the data or the rule has changed.
    assert _error(value, year, uprated, "hmt") == pytest.approx(measured, abs=0.0005)


def test_every_bundled_ucd_row_reproduces_its_uprated_value_with_the_ucd_series():
    pattern = re.compile(r"uprated value at 2013/14 prices \(GDP deflator\): GBP ([0-9.,]+)")
    checked = 0
    for proxy in load():
        match = pattern.search(proxy.note)
        if not match:
            continue
        uprated = float(match.group(1).replace(",", ""))
        got = proxy.value_in("2013/14", series="ucd")
        # within 1 %, or within the UCD's rounding to whole pounds for small figures
        assert abs(got - uprated) <= max(0.01 * uprated, 0.6), proxy.id
        checked += 1
    assert checked >= 20
