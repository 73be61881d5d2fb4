"""Outcomes valued with proxies: ids, price years, units, who gains, and custom tables."""

from __future__ import annotations

import copy
import csv
import warnings

import pandas as pd
import pytest

import sroi
from sroi import ModelError, SROIWarning, UnitError, UnknownProxyError
from sroi import proxies as px
from sroi._resources import data_file

JSA = "ucd_ee1_0_fiscal"


def hmt_index() -> dict[str, float]:
    """The HMT deflator (financial years, the default series) read straight from the CSV."""
    with data_file("gdp_deflators.csv").open(encoding="utf-8") as f:
        return {r["year"]: float(r["index"]) for r in csv.DictReader(f) if r["series"] == "hmt"}


def proxy_model(proxy: str, *, price_year="2012/13", quantity=10, duration=1, **outcome) -> dict:
    return {
        "name": "proxy model",
        "price_year": price_year,
        "discount_rate": 0.0,
        "inputs": [{"stakeholder": "Funder", "amount": 10_000}],
        "outcomes": [
            {
                "stakeholder": "Residents",
                "outcome": "An outcome",
                "quantity": quantity,
                "duration": duration,
                "proxy": proxy,
                **outcome,
            }
        ],
    }


def test_proxy_at_its_own_price_year_is_used_as_published():
    # 10 claimants x £9,800 (2012/13 prices), undiscounted, one year: £98,000.
    r = sroi.evaluate(proxy_model(JSA))
    assert r.present_value == pytest.approx(98_000)
    row = r.by_outcome.iloc[0]
    assert (row.proxy_value, row.price_index, row.unit_factor) == (9_800, 1.0, 1.0)
    assert row.proxy_price_year == "2012/13" and row.value_type == "fiscal"


def test_proxy_is_indexed_to_the_model_price_year_with_hmt_deflators():
    # The HMT series gives financial years; calendar Y = 1/4 of Y-1/Y + 3/4 of Y/Y+1
    # (January-March and April-December), so £9,800 at 2012/13 prices in 2024 prices is
    # 9,800 x (0.25 I(2023/24) + 0.75 I(2024/25)) / I(2012/13).
    idx = hmt_index()
    factor = (0.25 * idx["2023/24"] + 0.75 * idx["2024/25"]) / idx["2012/13"]
    r = sroi.evaluate(proxy_model(JSA, price_year=2024))
    assert r.by_outcome.loc[0, "price_index"] == pytest.approx(factor, rel=1e-12)
    assert r.present_value == pytest.approx(10 * 9_800 * factor, rel=1e-12)
    assert 1.3 < factor < 1.45  # prices rose by about a third from 2012/13 to 2024


@pytest.mark.parametrize(
    ("proxy", "uprated"),
    [
        (JSA, 10_025),  # E&E1.0: 9,800 (2012/13) -> 10,025 (2013/14)
        ("ucd_es8_0_fiscal", 836),  # E&S8.0: 787.10 (2010/11) -> 836
        ("ucd_he4_0_fiscal", None),  # HE4.0, A&E attendance: 109 (2011/12)
    ],
)
def test_ucd_deflator_reproduces_the_unit_cost_database_uprating(proxy, uprated):
    p = px.load().get(proxy)
    if uprated is None:  # read the UCD's own uprated figure from the row's note
        uprated = float(
            p.note.split("2013/14 prices (GDP deflator): GBP ")[1].split()[0].rstrip(".")
        )
    r = sroi.evaluate(proxy_model(proxy, price_year="2013/14", quantity=1), deflator="ucd")
    assert r.by_outcome.loc[0, "value"] == pytest.approx(uprated, rel=0.01)


def test_per_week_proxy_on_a_count_of_people_is_converted_to_a_year():
    # Foster care £700 per child per week (UCD SS2.0, 2013/14 prices); pint's year is
    # 365.25 days, 52.1786 weeks.
    m = proxy_model("ucd_ss2_0_fiscal", price_year="2013/14", unit="child", quantity=2)
    r = sroi.evaluate(m)
    assert r.by_outcome.loc[0, "unit_factor"] == pytest.approx(365.25 / 7)
    assert r.present_value == pytest.approx(2 * 700 * 365.25 / 7)


def test_per_hour_proxy_needs_hours():
    home_care = "ucd_ss18_7_fiscal"  # UCD SS18.7, a local authority home care worker
    with pytest.raises(UnitError) as info:
        sroi.evaluate(proxy_model(home_care, price_year="2013/14", unit="person"))
    assert info.value.problems[0].location == "outcomes[0].unit"
    assert "needs a quantity in hours" in str(info.value)
    # 1,000 hours of home care at £37 an hour (2013/14 prices):
    m = proxy_model(home_care, price_year="2013/14", unit="hour", quantity=1_000)
    assert sroi.evaluate(m).present_value == pytest.approx(37_000)


def test_currency_mismatch_is_a_unit_error():
    m = proxy_model(JSA)
    m["currency"] = "EUR"
    with pytest.raises(UnitError, match="does not convert currencies"):
        sroi.evaluate(m)


def test_unknown_proxies_are_all_listed_with_suggestions():
    m = proxy_model("ucd_jsa_claimant_into_work_fiscal_totl")
    m["outcomes"].append({**copy.deepcopy(m["outcomes"][0]), "proxy": "gp_home_visit"})
    with pytest.raises(UnknownProxyError) as info:
        sroi.evaluate(m)
    err = info.value
    assert isinstance(err, KeyError)
    assert err.proxy_ids == ("ucd_jsa_claimant_into_work_fiscal_totl", "gp_home_visit")
    assert err.location == "outcomes[0].proxy"
    assert err.suggestions[0] == JSA
    # "gp_home_visit" is closest to the older id ucd_gp_home_visit, which gives its new id
    assert "outcomes[1].proxy" in str(err) and "ucd_he20_4_fiscal" in str(err)


def test_proxies_need_a_model_price_year():
    m = proxy_model(JSA)
    del m["price_year"]
    with pytest.raises(ModelError) as info:
        sroi.evaluate(m)
    assert info.value.locations == ["price_year"]
    assert "outcomes[0] (" + JSA in str(info.value)


def test_price_year_outside_the_deflator_series_is_an_error_not_an_extrapolation():
    with pytest.raises(ModelError) as info:
        sroi.evaluate(proxy_model(JSA, price_year=2031))
    assert info.value.locations == ["outcomes[0].proxy"]
    assert "2031" in str(info.value)


def test_proxy_without_price_year_warns_and_is_used_at_face_value():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = sroi.evaluate(proxy_model("dcms_chronic_loneliness_cost_per_person_year", quantity=2))
    assert r.present_value == pytest.approx(2 * 9_537)
    assert any(
        issubclass(w.category, SROIWarning) and "face value" in str(w.message) for w in caught
    )


def test_outcome_can_override_who_gains():
    m = proxy_model(JSA, bearer="DWP:0.5;Local authority:0.5", value_type="economic")
    r = sroi.evaluate(m)
    b = r.breakdown("bearer")
    assert dict(zip(b["bearer"], b["present_value"], strict=True)) == pytest.approx(
        {"DWP": 49_000, "Local authority": 49_000}
    )
    assert r.breakdown("value_type")["value_type"].tolist() == ["economic"]


def mixed_model() -> dict:
    m = proxy_model(JSA, price_year=2024, quantity=12, duration=2)
    m["discount_rate"] = 0.035
    m["outcomes"] += [
        {
            "stakeholder": "Apprentices",
            "outcome": "Level 2",
            "quantity": 5,
            "duration": 3,
            "start_year": 2,
            "proxy": "ucd_apprenticeship_level2_earnings_gain",
            "deadweight": 0.25,
        },
        {
            "stakeholder": "Residents",
            "outcome": "Wellbeing",
            "quantity": 30,
            "unit": "WELLBY",
            "duration": 1,
            "proxy": "hmt_wellby_value_central",
        },
        {
            "stakeholder": "Neighbours",
            "outcome": "Noise",
            "quantity": 3,
            "duration": 1,
            "value": -500.0,
        },
    ]
    return m


@pytest.mark.parametrize("by", sroi.Result.BREAKDOWNS)
def test_breakdowns_always_sum_to_the_total(by):
    r = sroi.evaluate(mixed_model())
    table = r.breakdown(by)
    assert table["present_value"].sum() == pytest.approx(r.present_value, rel=1e-12)
    assert table["share"].sum() == pytest.approx(1.0, rel=1e-12)
    assert table[by].is_unique


def test_bearer_split_of_the_jsa_saving_is_94_6():
    # 12 claimants x £9,800 a year for two years at 2012/13 prices, model in 2012/13 prices;
    # the UCD's constituent lines give DWP 9,234 / 9,800 = 0.9422 and NHS 566 / 9,800 = 0.0578.
    m = proxy_model(JSA, quantity=12, duration=2)
    r = sroi.evaluate(m)
    b = r.breakdown("bearer").set_index("bearer")["present_value"]
    assert b["DWP"] == pytest.approx(0.9422 * 12 * 9_800 * 2)
    assert b["NHS"] == pytest.approx(0.0578 * 12 * 9_800 * 2)
    assert r.breakdown("marmot_objective").loc[0, "wording"] == (
        "Create fair employment and good work for all"
    )


def test_value_given_directly_is_grouped_as_not_given():
    b = sroi.evaluate(mixed_model()).breakdown("bearer")
    assert "(not given)" in set(b["bearer"])
    with pytest.raises(ModelError, match="must be one of"):
        sroi.evaluate(mixed_model()).breakdown("colour")


def test_custom_licensed_table_is_used_and_takes_precedence(tmp_path):
    own = px.load().to_frame().iloc[:0].copy()
    own.loc[0] = {
        "id": "my_licensed_value",
        "name": "A value from our own licensed copy",
        "category": "wellbeing",
        "value": 1_234.0,
        "currency": "GBP",
        "unit": "GBP / person / year",
        "price_year": "2024",
        "value_type": "wellbeing",
        "bearer": "Individual",
        "bearer_split": "",
        "marmot_objective": "best_start",
        "confidence": "illustrative",
        "source": "Our licence",
        "licence": "Licensed to us",
        "note": "Not for redistribution",
    }
    path = tmp_path / "own.csv"
    own.to_csv(path, index=False)
    table = px.read_table(path)
    r = sroi.evaluate(proxy_model("my_licensed_value", price_year=2024), proxies=table)
    assert r.present_value == pytest.approx(12_340)
    d = r.to_dict()["proxies"]
    assert d["table_checksum_sha256"] == table.checksum != px.load().checksum
    assert d["used"]["my_licensed_value"]["licence"] == "Licensed to us"
    with pytest.raises(ModelError, match="ProxyTable"):
        sroi.evaluate(proxy_model(JSA), proxies=pd.DataFrame())


def test_to_dict_records_sources_licences_and_checksum():
    d = sroi.evaluate(proxy_model(JSA)).to_dict()
    used = d["proxies"]["used"][JSA]
    assert "Unit Cost Database" in used["source"] and used["licence"]
    assert used["bearer_split"] == [["DWP", 0.9422], ["NHS", 0.0578]]
    assert d["proxies"]["table_checksum_sha256"] == px.load().checksum
    assert (
        sroi.evaluate(
            {
                **proxy_model(JSA),
                "outcomes": [
                    {"stakeholder": "a", "outcome": "b", "quantity": 1, "value": 5, "duration": 1}
                ],
            }
        ).to_dict()["proxies"]
        is None
    )


def test_bad_deflator_name():
    with pytest.raises(ModelError, match="deflator"):
        sroi.evaluate(proxy_model(JSA), deflator="ons")


def test_result_in_another_price_year_moves_every_amount():
    # Model amounts at 2012/13 prices restated at 2024 prices: everything is multiplied by
    # f = (0.25 I(2023/24) + 0.75 I(2024/25)) / I(2012/13), so PV and investment scale, the
    # ratio not.
    from tests.conftest import hand_worked

    idx = hmt_index()
    f = (0.25 * idx["2023/24"] + 0.75 * idx["2024/25"]) / idx["2012/13"]
    m = {**hand_worked(), "price_year": "2012/13"}
    base, moved = sroi.evaluate(m), sroi.evaluate(m, price_year=2024)
    assert moved.present_value == pytest.approx(f * base.present_value, rel=1e-12)
    assert moved.total_investment == pytest.approx(f * 150_000, rel=1e-12)
    assert moved.ratio == pytest.approx(base.ratio, rel=1e-12)
    assert moved.to_dict()["parameters"]["model_price_index"] == pytest.approx(f)
    assert moved.model.price_year == "2012/13"  # the model itself is not changed
    assert "2024 prices" in moved.summary()
    # A proxy lands in the same place whether the model or the argument names the year.
    assert sroi.evaluate(proxy_model(JSA), price_year=2024).present_value == pytest.approx(
        sroi.evaluate(proxy_model(JSA, price_year=2024)).present_value, rel=1e-12
    )


def test_price_year_argument_errors():
    from tests.conftest import hand_worked

    with pytest.raises(ModelError, match="no price_year"):
        sroi.evaluate(hand_worked(), price_year=2024)
    with pytest.raises(ModelError, match="calendar year"):
        sroi.evaluate({**hand_worked(), "price_year": 2020}, price_year="soon")


def test_bearer_shares_are_kept_exactly():
    m = proxy_model(JSA, bearer="A:0.1234567;B:0.8765433")
    assert sroi.Model.from_dict(m).outcomes[0].bearer == "A:0.1234567;B:0.8765433"
    thirds = proxy_model(JSA, bearer="A:0.3333333333;B:0.3333333333;C:0.3333333334")
    b = sroi.evaluate(thirds).breakdown("bearer")
    assert b["present_value"].sum() == pytest.approx(98_000)
    assert set(b["bearer"]) == {"A", "B", "C"}


def test_summary_shows_no_nan_when_value_nets_to_zero():
    m = proxy_model(JSA, quantity=1)
    m["outcomes"].append(
        {**m["outcomes"][0], "quantity": 1, "proxy": None, "value": -9_800, "bearer": "DWP"}
    )
    r = sroi.evaluate(m)
    assert r.present_value == pytest.approx(0, abs=1e-9)
    assert "nan" not in r.summary().lower()


# -- issue 9: proxies checked from the model's data, with its other problems -----------


def test_check_proxies_reads_a_models_data_as_given():
    from sroi.valuation import check_proxies

    data = proxy_model("ucd_jsa_claimant_into_work_fiscal_totl", quantity="lots")
    data["outcomes"].append({**data["outcomes"][0], "proxy": "ucd_la_home_care_hour"})
    data["outcomes"][1]["unit"] = "person"
    data["outcomes"].append({"proxy": ["not", "text"]})
    data["outcomes"].append("not a mapping")
    found = check_proxies(data, px.load)
    assert [(p.location, p.kind) for p in found] == [
        ("outcomes[0].proxy", "unknown_proxy"),
        ("outcomes[1].unit", "unit"),
    ]
    assert found[0].suggestions[0] == JSA
    # a bad currency or price year is its field's problem: the proxies are still looked up
    odd = {**data, "currency": 5, "price_year": "soon"}
    assert [p.location for p in check_proxies(odd, px.load)] == ["outcomes[0].proxy"]
    assert check_proxies({"outcomes": 5}, px.load) == []


def test_check_proxies_loads_no_table_when_no_outcome_names_a_proxy():
    from sroi.valuation import check_proxies

    def table():  # pragma: no cover - must not be called
        raise AssertionError("loaded")

    from tests.conftest import hand_worked

    assert check_proxies(hand_worked(), table) == []


def test_a_value_too_large_for_the_result_price_year_is_a_located_error():
    from tests.conftest import hand_worked

    m = {**hand_worked(), "price_year": 2001}
    m["outcomes"][0]["value"] = 1.7e308
    with pytest.raises(ModelError) as info:
        sroi.evaluate(m, price_year=2024)
    assert info.value.locations == ["outcomes[0].value"]
    with pytest.raises(ModelError) as info:  # a year outside the deflator series
        sroi.evaluate({**hand_worked(), "price_year": 1900}, price_year=2024)
    assert info.value.locations == ["price_year"]


def test_a_proxy_without_price_year_warning_is_located_and_recorded():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = sroi.evaluate(proxy_model("dcms_chronic_loneliness_cost_per_person_year"))
    (warning,) = [w.message for w in caught if issubclass(w.category, SROIWarning)]
    assert warning.location == "outcomes[0].proxy"
    assert r.to_dict()["warnings"] == [warning.to_dict()]


def test_a_one_off_value_per_person_counted_over_years_is_warned_about():
    # E&S4.1 is £3,206 per child over a ten-year period: a whole-period value, per person
    model = proxy_model("ucd_es4_1_fiscal", price_year="2009/10", quantity=1, duration=5)
    model["outcomes"][0]["unit"] = "person"
    result = sroi.evaluate(model)
    [warning] = [w for w in result.warnings if w.location == "outcomes[0].duration"]
    assert "one-off or whole-period value" in warning.message and "5 years" in warning.message
    assert result.present_value == pytest.approx(5 * 3_206)  # counted five times, and said so
    model["outcomes"][0]["duration"] = 1
    assert not [w for w in sroi.evaluate(model).warnings if "one-off" in w.message]
    # a yearly value is not one: JSA into work is per person per year
    yearly = proxy_model(JSA, duration=3)
    assert not [w for w in sroi.evaluate(yearly).warnings if "one-off" in w.message]
