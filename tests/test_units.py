"""Tests of sroi.units: the registry, unit parsing and the annual value factor."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sroi.errors import UnitError
from sroi.units import (
    COUNT_UNITS,
    PERSON_ALIASES,
    WEEKS_PER_YEAR,
    annual_value_factor,
    currency_of,
    is_money_per_something,
    parse_unit,
    registry,
)

# Hand-worked: pint's year is the Julian year, 365.25 days; a week is 7 days.
WEEKS = 365.25 / 7  # 52.178571...
DAYS = 365.25
HOURS = 365.25 * 24  # 8766


def test_registry_is_built_once():
    assert registry() is registry()


def test_import_does_not_load_pint_or_pandas():
    code = (
        "import sys, sroi.units, sroi.proxies; "
        "print('pint' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_year_is_julian():
    ureg = registry()
    assert ureg.Quantity(1, "year").to("day").magnitude == pytest.approx(365.25, rel=1e-15)
    assert ureg.Quantity(1, "year").to("week").magnitude == pytest.approx(52.178571, abs=1e-6)
    assert ureg.Quantity(1, "year").to("month").magnitude == pytest.approx(12.0, rel=1e-15)
    assert pytest.approx(52.178571, abs=1e-6) == WEEKS_PER_YEAR


@pytest.mark.parametrize("alias", PERSON_ALIASES)
def test_person_aliases_are_persons(alias):
    ureg = registry()
    assert ureg.Quantity(3, alias).to("person").magnitude == pytest.approx(3.0)


@pytest.mark.parametrize("name", COUNT_UNITS)
def test_other_counts_are_not_persons(name):
    ureg = registry()
    assert ureg.Quantity(1, name).dimensionality != ureg.Quantity(1, "person").dimensionality


PERSONS = ["person", "claimant", "child", "pupil", "patient", "victim", "volunteer", "tenant"]
PERSONS += ["learner", "participant", "resident"]
COUNTS = ["household", "claim", "episode", "tenancy", "offence", "incident", "attendance"]
COUNTS += ["admission", "bed_day", "placement", "session", "visit", "contact", "assessment"]
COUNTS += ["place", "journey"]
REQUIRED_UNITS = (
    [(name, "[person]") for name in PERSONS]
    + [(name, f"[{name}]") for name in COUNTS]
    + [("tonne_CO2e", "[emissions_co2e]"), ("tCO2e", "[emissions_co2e]")]
    + [("QALY", "[qaly]"), ("WELLBY", "[wellby]")]
    + [(name, "[time]") for name in ["year", "month", "week", "day", "hour"]]
)


@pytest.mark.parametrize(("name", "dimension"), REQUIRED_UNITS)
def test_required_units_exist(name, dimension):
    # Money per one of the thing: the persons share one dimension, every other count has
    # its own, and times are times.
    unit = parse_unit(f"GBP / {name}")
    assert dict(unit.dimensionality) == {"[currency_GBP]": 1, dimension: -1}


def test_currencies_never_convert():
    ureg = registry()
    with pytest.raises(Exception, match="Cannot convert"):
        ureg.Quantity(1, "GBP").to("EUR")
    assert parse_unit("GBP").dimensionality != parse_unit("USD").dimensionality


def test_parse_unit_spellings():
    assert str(parse_unit("GBP / person / year")) == "GBP / person / year"
    assert parse_unit("GBP per person per year") == parse_unit("GBP / person / year")
    assert parse_unit("GBP / households / year") == parse_unit("GBP / household / year")
    assert parse_unit("GBP / tCO2e") == parse_unit("GBP / tonne_CO2e")


@pytest.mark.parametrize("text", ["GBP / persn / year", "GBP / (person", "", "GBP / metre"])
def test_parse_unit_error_names_the_text(text):
    with pytest.raises(UnitError, match="cannot parse unit") as info:
        parse_unit(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("GBP / person / year", True),
        ("GBP / offence", True),
        ("GBP / hour", True),
        ("EUR / household / week", True),
        ("GBP", False),
        ("person / year", False),
        ("GBP * person", False),
        ("GBP / person / year / year", False),
        ("GBP / person / household", False),
        ("GBP * EUR / person", False),
    ],
)
def test_is_money_per_something(unit, expected):
    assert is_money_per_something(unit) is expected


def test_currency_of():
    assert currency_of("USD / visit") == "USD"
    assert currency_of("GBP") is None


@pytest.mark.parametrize(
    ("proxy", "quantity", "expected"),
    [
        # a flow per person per week, for a count of claimants (claimants are persons)
        ("GBP / person / week", "claimant", WEEKS),
        ("GBP / person / week", None, WEEKS),
        ("GBP / household / day", "household", DAYS),
        ("GBP / person / month", "person", 12.0),
        ("GBP / person / year", "child", 1.0),
        ("GBP / claimant / year", "person", 1.0),
        # per event: each unit of quantity is one event in the year
        ("GBP / offence", "offence", 1.0),
        ("GBP / offence", None, 1.0),
        ("GBP / bed_day", "bed_day", 1.0),
        ("GBP / tCO2e", "tonne_CO2e", 1.0),
        ("GBP / tonne_CO2e", "kgCO2e", 0.001),
        # a rate per hour, for a quantity counted in hours (volunteer hours)
        ("GBP / hour", "hour", 1.0),
        ("GBP / hour", None, 1.0),
        ("GBP / hour", "day", 24.0),
        ("GBP / week", "year", WEEKS),
        # person-years valued per person per year
        ("GBP / person / year", "person * year", 1.0),
        ("EUR / session", "session", 1.0),
    ],
)
def test_annual_value_factor(proxy, quantity, expected):
    currency = "EUR" if proxy.startswith("EUR") else "GBP"
    got = annual_value_factor(proxy, quantity, currency=currency)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-12)


def test_weekly_proxy_annualised_by_52_1786_not_52():
    # GBP 100 a week for 10 people: 10 * 100 * 365.25 / 7 = 52,178.57 a year
    assert 10 * 100 * annual_value_factor("GBP / person / week", "person") == pytest.approx(
        52_178.5714, abs=1e-3
    )


def test_per_hour_proxy_on_people_is_refused():
    with pytest.raises(UnitError, match="a per-hour proxy needs a quantity in hours, got person"):
        annual_value_factor("GBP / hour", "person")


def test_count_mismatch_is_refused_with_reason():
    with pytest.raises(UnitError, match=r"values each person.*counted in household"):
        annual_value_factor("GBP / person / year", "household")
    with pytest.raises(UnitError, match=r"values each offence.*counted in victim"):
        annual_value_factor("GBP / offence", "victim")


def test_currency_mismatch_is_refused():
    with pytest.raises(UnitError, match="is in EUR but the model's currency is GBP"):
        annual_value_factor("EUR / person / year", "person")
    with pytest.raises(UnitError, match="unknown currency 'JPY'"):
        annual_value_factor("GBP / person / year", "person", currency="JPY")


@pytest.mark.parametrize("unit", ["GBP", "GBP * person", "GBP / person / household"])
def test_not_money_per_something_is_refused(unit):
    with pytest.raises(UnitError, match="proxy unit"):
        annual_value_factor(unit)


def test_unit_error_is_value_error():
    with pytest.raises(ValueError):
        annual_value_factor("GBP / hour", "person")


def test_a_very_long_unit_text_is_refused_before_pint_reads_it():
    import time

    from sroi.units import MAX_UNIT_LENGTH

    start = time.perf_counter()
    with pytest.raises(UnitError, match=f"at most {MAX_UNIT_LENGTH} characters") as info:
        parse_unit("GBP / " + "person / " * 100_000)
    assert time.perf_counter() - start < 1
    assert len(str(info.value)) < 300
    assert info.value.problems[0].kind == "unit"


def test_unit_error_has_problems_like_every_input_error():
    with pytest.raises(UnitError) as info:
        annual_value_factor("GBP / hour", "person")
    (problem,) = info.value.problems
    assert problem.kind == "unit" and "needs a quantity in hours" in problem.message
    assert info.value.to_dict()["error"] == "UnitError"
