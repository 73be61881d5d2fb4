"""One coherent error API: every input error an SROIError with ``problems``, all at once.

A bad field, an unknown proxy id and a unit that does not fit are reported together, in
one error, each problem with its location, message, the value given, what is allowed and
its kind; the error and its problems are JSON-ready; warnings are recorded on the result.
"""

from __future__ import annotations

import copy
import datetime
import json
import pickle
import time
import warnings

import pandas as pd
import pytest
import yaml

import sroi
from sroi.errors import (
    KINDS,
    ModelError,
    Problem,
    SROIError,
    SROIWarning,
    UnitError,
    UnknownProxyError,
    error_for,
)
from tests.conftest import hand_worked

JSA = "ucd_ee1_0_fiscal"
HOURLY = "ucd_ss11_2_fiscal"
NO_PRICE_YEAR = "dcms_chronic_loneliness_cost_per_person_year"


def outcome() -> dict:
    return {"stakeholder": "Residents", "outcome": "An outcome", "quantity": 10, "duration": 1}


def three_kinds() -> dict:
    """A model with a bad field, an unknown proxy id and a unit that does not fit."""
    m = hand_worked()
    m["price_year"] = "2012/13"
    m["outcomes"][0]["deadweight"] = 1.5
    m["outcomes"].append({**outcome(), "proxy": "ucd_jsa_into_work"})
    m["outcomes"].append({**outcome(), "proxy": HOURLY, "unit": "person"})
    return m


THREE = {
    "outcomes[0].deadweight": "invalid",
    "outcomes[1].proxy": "unknown_proxy",
    "outcomes[2].unit": "unit",
}


def kinds_of(error: SROIError) -> dict[str, str]:
    return {p.location: p.kind for p in error.problems}


# -- all at once ----------------------------------------------------------------------


def test_bad_field_unknown_proxy_and_unit_mismatch_are_reported_together():
    with pytest.raises(ModelError) as info:
        sroi.evaluate(three_kinds())
    error = info.value
    assert kinds_of(error) == THREE
    assert error.locations == list(THREE)  # in the order of the model
    proxy = error.problems[1]
    assert proxy.value == "ucd_jsa_into_work" and JSA in proxy.suggestions
    assert "closest ids" in proxy.allowed
    unit = error.problems[2]
    assert (unit.value, unit.kind) == ("person", "unit")
    assert "needs a quantity in hours" in unit.message and "GBP / hour" in unit.allowed
    assert str(error).startswith("3 problems in the model:")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_bad_field_unknown_proxy_and_unit_mismatch_in_a_file_are_reported_together(
    tmp_path, suffix
):
    path = tmp_path / f"model{suffix}"
    data = three_kinds()
    path.write_text(yaml.safe_dump(data) if suffix == ".yaml" else json.dumps(data))
    with pytest.raises(ModelError) as info:
        sroi.evaluate(path)
    assert kinds_of(info.value) == THREE
    assert str(info.value).startswith(f"3 problems in {path}:")


def test_unknown_proxy_and_unit_of_a_built_model_are_reported_together():
    m = three_kinds()
    m["outcomes"][0]["deadweight"] = 0.25
    m["outcomes"].append({**outcome(), "proxy": JSA, "price_year": 2031})
    del m["outcomes"][-1]["price_year"]
    model = sroi.Model.from_dict({**m, "price_year": 2031})  # proxies are not looked up here
    with pytest.raises(ModelError) as info:
        sroi.evaluate(model)  # but are, all of them, by evaluate
    assert kinds_of(info.value) == {
        "outcomes[1].proxy": "unknown_proxy",
        "outcomes[2].unit": "unit",
        "outcomes[2].proxy": "invalid",  # 2031 is past the deflator series
        "outcomes[3].proxy": "invalid",
    }


def test_evaluate_arguments_and_model_problems_are_reported_together():
    with pytest.raises(ModelError) as info:
        sroi.evaluate(three_kinds(), discount_rate=3.5, deflator="ons", price_year="soon")
    assert set(info.value.locations) == {"discount_rate", "deflator", "price_year", *THREE}


def test_a_model_without_price_year_moved_to_another_is_reported_with_its_fields():
    m = hand_worked()
    m["outcomes"][0]["attribution"] = -1
    with pytest.raises(ModelError) as info:
        sroi.evaluate(m, price_year=2024)
    assert kinds_of(info.value) == {"outcomes[0].attribution": "invalid", "price_year": "missing"}


def test_from_frame_reports_frame_and_field_problems_together():
    frame = pd.DataFrame([hand_worked()["outcomes"][0]])
    frame.insert(0, "deadweight", 0.1, allow_duplicates=True)
    with pytest.raises(ModelError) as info:
        sroi.Model.from_frame(frame, inputs=5, name=7)
    assert set(info.value.locations) == {"outcomes.columns", "inputs", "name"}
    assert "two columns named 'deadweight'" in str(info.value)
    with pytest.raises(ModelError) as info:
        sroi.Model.from_frame([{"a": 1}], inputs=[])
    assert "must be a pandas DataFrame" in str(info.value)


# -- which class ----------------------------------------------------------------------


def test_combined_error_type_follows_the_kinds():
    only_proxies = hand_worked()
    only_proxies["outcomes"] = [{**outcome(), "proxy": "a"}, {**outcome(), "proxy": "b"}]
    with pytest.raises(UnknownProxyError) as info:
        sroi.evaluate(only_proxies)
    assert isinstance(info.value, KeyError) and not isinstance(info.value, ValueError)
    assert info.value.kinds == {"unknown_proxy"} and len(info.value.problems) == 2

    only_units = {**hand_worked(), "price_year": 2020}
    only_units["outcomes"] = [{**outcome(), "proxy": HOURLY, "unit": "household"}]
    with pytest.raises(UnitError) as info:
        sroi.evaluate(only_units)
    assert isinstance(info.value, ValueError) and info.value.kinds == {"unit"}

    mixed = copy.deepcopy(only_units)
    mixed["outcomes"].append({**outcome(), "proxy": "nope"})
    with pytest.raises(ModelError) as info:
        sroi.evaluate(mixed)
    assert type(info.value) is ModelError and info.value.kinds == {"unit", "unknown_proxy"}


def test_error_for_picks_the_class_from_the_kinds():
    unknown = Problem("outcomes[0].proxy", "is not in the proxy table", "x", kind="unknown_proxy")
    unit = Problem("outcomes[1].unit", "does not fit", "hour", kind="unit")
    field = Problem("name", "is required", kind="missing")
    assert type(error_for([unknown])) is UnknownProxyError
    assert type(error_for([unit, unit])) is UnitError
    assert type(error_for([unknown, unit])) is ModelError
    assert type(error_for([field])) is ModelError
    assert error_for([unknown, field], title="x.yaml").title == "x.yaml"


def test_one_except_catches_every_input_error(tmp_path):
    bad_unit = {**hand_worked(), "price_year": 2020}
    bad_unit["outcomes"] = [{**outcome(), "proxy": HOURLY, "unit": "person"}]
    unknown = {**hand_worked(), "outcomes": [{**outcome(), "proxy": "nope"}]}
    calls = [
        lambda: sroi.evaluate(three_kinds()),
        lambda: sroi.evaluate(bad_unit),
        lambda: sroi.evaluate(unknown),
        lambda: sroi.evaluate(hand_worked(), deflator="ons"),
        lambda: sroi.evaluate(42),
        lambda: sroi.proxies.load().get("nope"),
        lambda: sroi.proxies.load().get(["not", "text"]),
        lambda: sroi.units.parse_unit("GBP / persn"),
        lambda: sroi.Model.from_dict([1]),
        lambda: sroi.Model.from_frame(5, inputs=[]),
    ]
    for call in calls:
        try:
            call()
        except SROIError as error:
            assert error.problems and all(isinstance(p, Problem) for p in error.problems)
            assert all(p.kind in KINDS for p in error.problems)
            json.dumps(error.to_dict(), allow_nan=False)
        else:  # pragma: no cover
            pytest.fail("no error")


# -- one shape ------------------------------------------------------------------------


def test_every_input_error_has_the_same_shape():
    errors = [
        ModelError([Problem("outcomes[0].deadweight", "must be ...", 1.5, allowed="0 to 1")]),
        UnknownProxyError("gp_visit", ["ucd_gp_home_visit"], "outcomes[0].proxy"),
        UnitError("proxy unit 'GBP / hour' needs a quantity in hours"),
    ]
    for error in errors:
        assert isinstance(error, SROIError)
        (p,) = error.problems
        assert {"location", "message", "value", "allowed", "kind"} <= set(vars(p))
        d = error.to_dict()
        assert set(d) == {"error", "title", "message", "problems"}
        assert d["error"] == type(error).__name__ and d["message"] == str(error)
        assert set(d["problems"][0]) == {
            "location",
            "message",
            "value",
            "has_value",
            "allowed",
            "kind",
            "suggestions",
        }
    assert errors[1].problems[0].to_dict()["suggestions"] == ["ucd_gp_home_visit"]
    assert [e.problems[0].kind for e in errors] == ["invalid", "unknown_proxy", "unit"]


def test_unknown_proxy_error_keeps_its_attributes_and_is_a_key_error():
    first = UnknownProxyError("a_jobs", ["a_job"], "outcomes[0].proxy")
    both = UnknownProxyError("a_jobs", ["a_job"], "outcomes[0].proxy", also=[first])
    assert (first.proxy_id, first.suggestions, first.location, first.also) == (
        "a_jobs",
        ("a_job",),
        "outcomes[0].proxy",
        (),
    )
    assert first.args == ("a_jobs",) and isinstance(first, KeyError)
    assert both.proxy_ids == ("a_jobs", "a_jobs") and len(both.also) == 1
    assert str(both).startswith("2 unknown financial proxies:")


@pytest.mark.parametrize(
    "error",
    [
        ModelError([Problem("name", "is required", kind="missing")], title="m.yaml"),
        UnknownProxyError("gp", ["ucd_gp"], "outcomes[0].proxy"),
        UnitError("bad unit"),
    ],
)
def test_errors_pickle_with_their_problems(error):
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert again.problems == error.problems and str(again) == str(error)


# -- values and what is allowed ------------------------------------------------------


def test_problem_value_for_a_missing_field_is_json_serialisable():
    with pytest.raises(ModelError) as info:
        sroi.evaluate({"inputs": [{"amount": 5}], "outcomes": [{}]})
    missing = [p for p in info.value.problems if p.kind == "missing"]
    assert {"name", "inputs[0].stakeholder", "outcomes[0].quantity"} <= {
        p.location for p in missing
    }
    for p in missing:
        assert p.value is None and p.has_value is False
        assert json.dumps(p.value) == "null"
        assert p.to_dict()["value"] is None and p.to_dict()["has_value"] is False
        assert p.allowed  # the field's description
    json.dumps(info.value.to_dict(), allow_nan=False)
    given_null = Problem("name", "must be text", None)
    assert given_null.has_value and str(given_null) == "name: must be text (got None)"


@pytest.mark.parametrize(
    ("given", "written"),
    [
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        (10**5000, "<an integer of about 5,001 digits>"),
        (b"\x00\xff", "b'\\x00\\xff'"),
        (datetime.date(2024, 4, 1), "datetime.date(2024, 4, 1)"),
        ({"distribution": "uniform"}, {"distribution": "uniform"}),
        ({1: 2}, "{1: 2}"),
        ([1.5, float("nan")], [1.5, "nan"]),
        ("x" * 5000, "x" * 997 + "..."),
    ],
    ids=["nan", "-inf", "huge-int", "bytes", "date", "mapping", "int-keys", "list", "long"],
)
def test_error_to_dict_is_json_ready_for_any_value_given(given, written):
    d = ModelError([Problem("outcomes[0].value", "is odd", given)]).to_dict()
    assert d["problems"][0]["value"] == written
    assert json.loads(json.dumps(d, allow_nan=False)) == d


def test_error_to_dict_of_a_huge_value_is_bounded_and_quick():
    x: list = [1]
    for _ in range(100):
        x = [x, x]
    start = time.perf_counter()
    d = ModelError([Problem("name", "must be text", x)]).to_dict()
    assert time.perf_counter() - start < 1
    assert len(json.dumps(d)) < 2_000


@pytest.mark.parametrize(
    ("field", "bad", "allowed"),
    [
        ("deadweight", 1.5, "a number from 0 to 1 (0.25 for 25 %)"),
        ("quantity", -1, "a finite number >= 0"),
        ("value", "abc", "a finite number"),
        ("duration", 0, "a number of years above 0 and at most 1000"),
        ("stakeholder", 5, "text"),
        ("value_type", "Fiscal", "one of 'fiscal', 'economic', 'social', 'wellbeing' or"),
        ("bearer", "DWP:0.5", "one agency (NHS), or AGENCY:share"),
        ("value", {"distribution": "bogus"}, "a number, or a distribution"),
        ("dead_weight", 0.1, "one of the fields area, attribution"),
    ],
)
def test_problem_allowed_says_what_is_allowed(field, bad, allowed):
    m = hand_worked()
    m["outcomes"][0][field] = bad
    with pytest.raises(ModelError) as info:
        sroi.evaluate(m)
    (p,) = info.value.problems
    assert p.location == f"outcomes[0].{field}" and p.value == bad
    assert p.allowed.startswith(allowed), p.allowed


def test_unknown_field_has_its_suggestion_and_kind():
    m = hand_worked()
    m["outcomes"][0]["dead_weight"] = 0.1
    with pytest.raises(ModelError) as info:
        sroi.evaluate(m)
    (p,) = info.value.problems
    assert (p.kind, p.suggestions) == ("unknown_field", ("deadweight",))


def test_a_very_long_proxy_id_is_refused_quickly():
    m = hand_worked()
    del m["outcomes"][0]["value"]
    m["outcomes"][0]["proxy"] = "x " * 500_000
    start = time.perf_counter()
    with pytest.raises(UnknownProxyError) as info:
        sroi.evaluate(m)
    assert time.perf_counter() - start < 2
    assert info.value.problems[0].suggestions == ()
    assert len(str(info.value)) < 200


# -- warnings on the result ---------------------------------------------------------


def test_warnings_are_recorded_in_result_to_dict():
    m = hand_worked()
    m["outcomes"][0].update(deadweight=0.9, attribution=0.5)
    m["outcomes"].append({**outcome(), "proxy": NO_PRICE_YEAR})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sroi.evaluate(m)
    emitted = [w.message for w in caught if issubclass(w.category, SROIWarning)]
    assert {w.location for w in emitted} == {"outcomes[0]", "outcomes[1].proxy"}
    recorded = result.to_dict()["warnings"]
    assert recorded == [w.to_dict() for w in result.warnings]
    assert [w["location"] for w in recorded] == ["outcomes[0]", "outcomes[1].proxy"]
    assert "95.0%" in recorded[0]["message"] and "face value" in recorded[1]["message"]
    assert json.loads(json.dumps(recorded)) == recorded


def test_warnings_of_a_model_built_earlier_are_recorded_too():
    m = hand_worked()
    m["outcomes"][0].update(deadweight=0.95)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sroi.Model.from_dict(m)
        result = sroi.evaluate(model)
    assert [w.location for w in result.warnings] == ["outcomes[0]"]
    assert sroi.evaluate(hand_worked()).to_dict()["warnings"] == []
