"""Bad input: every problem a ModelError naming its location, the value and what is allowed."""

from __future__ import annotations

import copy
import json
import warnings

import pytest
from pydantic import ValidationError

import sroi
from sroi import ModelError, SROIWarning, UnknownProxyError
from tests.conftest import hand_worked


def problems_of(model) -> dict[str, str]:
    with pytest.raises(ModelError) as info:
        sroi.evaluate(model)
    return {p.location: str(p) for p in info.value.problems}


def with_outcome(**changes):
    m = hand_worked()
    m["outcomes"][0].update(changes)
    return m


@pytest.mark.parametrize(
    ("field", "bad", "says"),
    [
        ("quantity", float("nan"), "must be a finite number (got nan)"),
        ("value", float("inf"), "must be a finite number (got inf)"),
        ("quantity", -1, "must not be negative (got -1)"),
        ("deadweight", 1.5, "must be a fraction between 0 and 1"),
        ("attribution", -0.1, "must be a fraction between 0 and 1"),
        ("duration", 0, "must be a whole number >= 1 (got 0)"),
        ("duration", 2.5, "must be a whole number of years (got 2.5)"),
        ("start_year", 0, "must be a whole number >= 1 (got 0)"),
        ("quantity", "100", "must be a number, not text (got '100')"),
        ("drop_off", True, "must be a number, not a yes/no value"),
    ],
)
def test_bad_field_is_reported_at_its_location(field, bad, says):
    found = problems_of(with_outcome(**{field: bad}))
    assert list(found) == [f"outcomes[0].{field}"]
    assert says in found[f"outcomes[0].{field}"]


def test_unknown_field_is_an_error_with_a_suggestion():
    found = problems_of(with_outcome(dead_weight=0.2))
    assert "did you mean 'deadweight'?" in found["outcomes[0].dead_weight"]


def test_unknown_top_level_field():
    m = hand_worked()
    m["discount"] = 0.035
    found = problems_of(m)
    assert "unknown field" in found["discount"]


def test_outcome_needs_value_or_proxy_and_not_both():
    m = hand_worked()
    del m["outcomes"][0]["value"]
    assert "give `value` or `proxy`" in problems_of(m)["outcomes[0]"]
    both = with_outcome(proxy="some_id")
    assert "both `value` and `proxy`" in problems_of(both)["outcomes[0]"]


def test_zero_total_investment():
    m = hand_worked()
    m["inputs"][0]["amount"] = 0
    assert "total investment is 0" in problems_of(m)["inputs"]
    m["inputs"] = []
    assert "total investment is 0" in problems_of(m)["inputs"]


def test_empty_outcome_list():
    m = hand_worked()
    m["outcomes"] = []
    assert "at least one outcome" in problems_of(m)["outcomes"]


def test_missing_required_fields():
    found = problems_of({"inputs": [{"amount": 5}], "outcomes": [{}]})
    for where in [
        "name",
        "inputs[0].stakeholder",
        "outcomes[0].quantity",
        "outcomes[0].duration",
        "outcomes[0].stakeholder",
        "outcomes[0]",
    ]:
        assert where in found, where


def test_a_file_with_three_mistakes_reports_all_three(tmp_path):
    m = hand_worked()
    m["outcomes"][0]["deadweight"] = 1.5
    m["outcomes"].append({**copy.deepcopy(m["outcomes"][0]), "deadweight": 0.1, "duration": 0})
    m["inputs"][0]["amount"] = float("nan")
    path = tmp_path / "model.json"
    path.write_text(json.dumps(m).replace("NaN", '"n/a"'))
    with pytest.raises(ModelError) as info:
        sroi.load_model(path)
    assert info.value.locations == [
        "inputs[0].amount",
        "outcomes[0].deadweight",
        "outcomes[1].duration",
    ]
    text = str(info.value)
    assert text.startswith(f"3 problems in {path}:")
    assert "(got 'n/a')" in text and "(got 1.5)" in text and "(got 0)" in text


def test_field_errors_and_cross_field_errors_are_reported_together():
    m = hand_worked()
    del m["outcomes"][0]["value"]
    m["outcomes"][0]["deadweight"] = 2
    found = problems_of(m)
    assert set(found) == {"outcomes[0]", "outcomes[0].deadweight"}


def test_duplicate_ids_and_unknown_stakeholders():
    m = hand_worked()
    m["outcomes"].append(copy.deepcopy(m["outcomes"][0]))
    m["outcomes"][0]["id"] = "jobs"
    m["outcomes"][1]["id"] = "jobs"
    m["stakeholders"] = [{"name": "Funder"}]
    found = problems_of(m)
    assert "duplicates the id of outcomes[0]" in found["outcomes[1].id"]
    assert "is not one of the model's stakeholders" in found["outcomes[0].stakeholder"]


def test_default_ids_clash_with_given_ids():
    m = hand_worked()
    m["outcomes"].append({**copy.deepcopy(m["outcomes"][0]), "id": "outcome_1"})
    assert "outcomes[1].id" in problems_of(m)


@pytest.mark.parametrize(
    ("rate", "says"),
    [
        ("greenbook", "unknown discount schedule"),
        (1.5, "must be a rate between 0 and 1"),
        ([], "must not be empty"),
        ([0.03, -0.01], "year 2 of the yearly rates must be a fraction"),
        (float("nan"), "must be a rate between 0 and 1"),
    ],
)
def test_bad_discount_rate_in_model_and_argument(rate, says):
    m = hand_worked()
    m["discount_rate"] = rate
    assert says in problems_of(m)["discount_rate"]
    with pytest.raises(ModelError) as info:
        sroi.evaluate(hand_worked(), discount_rate=rate)
    assert info.value.locations == ["discount_rate"]
    assert says in str(info.value)


@pytest.mark.parametrize("year", ["2019/21", "19/20", 2019.5, "next year"])
def test_bad_price_year(year):
    m = hand_worked()
    m["price_year"] = year
    assert "calendar year" in problems_of(m)["price_year"]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (2024, 2024),
        ("2024", 2024),
        ("2024/25", "2024/25"),
        ("2024-25", "2024/25"),
        ("2024/2025", "2024/25"),
    ],
)
def test_good_price_years(given, kept):
    m = hand_worked()
    m["price_year"] = given
    assert sroi.Model.from_dict(m).price_year == kept


def test_not_a_mapping():
    with pytest.raises(ModelError, match="must be a mapping"):
        sroi.Model.from_dict([1, 2])
    with pytest.raises(ModelError, match=r"must be a sroi\.Model, a mapping"):
        sroi.evaluate(42)
    found = problems_of({**hand_worked(), "outcomes": [5]})
    assert "must be a mapping" in found["outcomes[0]"]


def test_model_error_is_a_value_error_and_records_problems():
    with pytest.raises(ValueError) as info:
        sroi.evaluate(with_outcome(deadweight=9))
    assert type(info.value) is ModelError
    (p,) = info.value.problems
    message = "must be a fraction between 0 and 1, e.g. 0.25 for 25 %"
    assert (p.location, p.message, p.value) == ("outcomes[0].deadweight", message, 9)
    assert (
        str(info.value) == f"1 problem in the model:\n  outcomes[0].deadweight: {message} (got 9)"
    )


def test_direct_construction_raises_model_error():
    with pytest.raises(ModelError) as info:
        sroi.Outcome(stakeholder="a", outcome="b", quantity=1, duration=1, deadweight=3)
    assert set(info.value.locations) == {"", "deadweight"}


def test_records_are_frozen():
    m = sroi.Model.from_dict(hand_worked())
    for record, field, new in ((m.outcomes[0], "deadweight", 0.5), (m, "name", "Other")):
        with pytest.raises(ValidationError) as info:
            setattr(record, field, new)
        assert type(info.value) is ValidationError  # pydantic's, itself a ValueError
        (error,) = info.value.errors()
        assert (error["type"], error["loc"], error["input"]) == ("frozen_instance", (field,), new)
    assert (m.outcomes[0].deadweight, m.name) == (0.25, "Hand-worked example")
    assert isinstance(m.outcomes, tuple)


def test_heavy_deductions_warn_but_evaluate():
    m = with_outcome(deadweight=0.9, attribution=0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = sroi.evaluate(m)
    assert r.present_value > 0
    msgs = [str(w.message) for w in caught if issubclass(w.category, SROIWarning)]
    assert len(msgs) == 1 and "outcomes[0]" in msgs[0] and "95.0%" in msgs[0]


def test_proxy_without_table_is_reported():
    m = hand_worked()
    del m["outcomes"][0]["value"]
    m["outcomes"][0]["proxy"] = "no_such_proxy"
    with pytest.raises(UnknownProxyError) as info:
        sroi.evaluate(m)
    err = info.value
    assert type(err) is UnknownProxyError and isinstance(err, KeyError)
    # the bundled table's three ids closest to the one given, written out
    closest = (
        "ucd_jsa_claimant_into_work_fiscal_total",
        "ucd_jsa_claimant_into_work_benefit_savings",
        "ucd_jsa_claimant_into_work_nhs_savings",
    )
    assert (err.proxy_id, err.location, err.suggestions, err.also) == (
        "no_such_proxy",
        "outcomes[0].proxy",
        closest,
        (),
    )
    assert str(err) == (
        "outcomes[0].proxy: unknown financial proxy 'no_such_proxy'; closest ids: "
        + ", ".join(closest)
    )


def test_horizons_are_bounded():
    m = with_outcome(duration=10**9, start_year=1001)
    m["inputs"][0]["year"] = 2000
    found = problems_of(m)
    assert set(found) == {"outcomes[0].duration", "outcomes[0].start_year", "inputs[0].year"}
    assert "at most 1000 years" in found["outcomes[0].duration"]
