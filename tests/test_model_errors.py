"""Bad input: every problem a ModelError naming its location, the value and what is allowed."""

from __future__ import annotations

import copy
import dataclasses
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
        ("duration", 0, "must be a number of years above 0 and at most 1000 years (got 0)"),
        (
            "duration",
            2.5,
            "must be a whole number of years; for a part year at the end, set the "
            "convention partial_years: pro_rata (got 2.5)",
        ),
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
    # no id is close in spelling, so the suggestions are the search ranking's first three
    # for the words "no", "such" and "proxy" (CR1.1's name has "no further action")
    closest = ("ucd_cr1_1_fiscal", "ucd_es4_1_fiscal", "ucd_es4_1_economic")
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


# -- issue 9: a frozen model shares nothing with its caller ----------------------------


def _scenario_model() -> dict:
    m = hand_worked()
    m["outcomes"][0]["id"] = "jobs"
    m["scenarios"] = {
        "pessimistic": {
            "discount_rate": [0.05, 0.04],
            "outcomes": {"jobs": {"value": "*1.7", "duration": 2}},
        }
    }
    return m


def test_frozen_model_does_not_keep_the_callers_nested_scenario_dicts():
    given = _scenario_model()
    model = sroi.Model.from_dict(given)
    before = sroi.sensitivity.compare_scenarios(model)["ratio"].to_dict()
    as_dict = model.to_dict()
    # the caller edits the mapping (and its nested lists) it built the model from
    given["scenarios"]["pessimistic"]["outcomes"]["jobs"]["value"] = "*42"
    given["scenarios"]["pessimistic"]["discount_rate"].append(0.5)
    given["scenarios"]["pessimistic"]["deadweight"] = "-0.25"
    given["scenarios"]["optimistic"] = {"value": "*100"}
    given["outcomes"][0]["deadweight"] = 0.9
    given["inputs"].clear()
    assert sroi.sensitivity.compare_scenarios(model)["ratio"].to_dict() == before
    assert model.to_dict() == as_dict
    assert list(model.scenarios) == ["pessimistic"]
    assert model.scenarios["pessimistic"]["discount_rate"] == (0.05, 0.04)


def test_frozen_model_containers_refuse_every_change():
    model = sroi.Model.from_dict(_scenario_model())
    pessimistic = model.scenarios["pessimistic"]
    for change in (
        lambda: model.scenarios.__setitem__("new", {}),
        lambda: model.scenarios.pop("pessimistic"),
        lambda: pessimistic.update(value="*2"),
        lambda: pessimistic["outcomes"]["jobs"].__setitem__("value", "*2"),
        lambda: pessimistic["outcomes"].clear(),
        lambda: pessimistic.setdefault("deadweight", "+0.1"),
        lambda: pessimistic["outcomes"]["jobs"].__delitem__("duration"),
    ):
        with pytest.raises(TypeError, match="read-only"):
            change()
    with pytest.raises(AttributeError):
        pessimistic["discount_rate"].append(0.5)  # a tuple
    assert model == sroi.Model.from_dict(_scenario_model())


def test_frozen_model_distributions_cannot_be_changed():
    m = with_outcome(deadweight={"distribution": "uniform", "low": 0.1, "high": 0.3})
    model = sroi.Model.from_dict(m)
    figure = model.outcomes[0].deadweight
    with pytest.raises(AttributeError, match="cannot be changed"):
        figure.distribution = sroi.distributions.Uniform(0.8, 0.9)
    with pytest.raises(dataclasses.FrozenInstanceError):
        figure.distribution.low = 0.8
    m["outcomes"][0]["deadweight"]["high"] = 0.9
    assert model.outcomes[0].deadweight.distribution.high == 0.3


def test_frozen_model_is_plain_json_equal_and_hashable():
    model = sroi.Model.from_dict(_scenario_model())
    plain = model.to_dict()
    assert type(plain["scenarios"]) is dict
    assert type(plain["scenarios"]["pessimistic"]["discount_rate"]) is list
    assert json.loads(json.dumps(plain)) == plain
    again = sroi.Model.from_dict(plain)
    assert again == model and hash(again) == hash(model)
    assert hash(sroi.Model.from_dict(hand_worked())) == hash(sroi.Model.from_dict(hand_worked()))
    assert len({model, again, sroi.Model.from_dict(hand_worked())}) == 2
    import pickle

    assert pickle.loads(pickle.dumps(model)) == model
    assert copy.deepcopy(model) == model


# -- issue 9: wrong exception types become located ModelErrors -------------------------


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("outcomes[0].quantity", lambda m: m["outcomes"][0].update(quantity=10**400)),
        ("outcomes[0].value", lambda m: m["outcomes"][0].update(value=-(10**400))),
        ("inputs[0].amount", lambda m: m["inputs"][0].update(amount=10**400)),
        (
            "outcomes[0].value",
            lambda m: m["outcomes"][0].update(
                value={"distribution": "uniform", "low": 0, "high": 10**400}
            ),
        ),
        (
            "inputs[0].amount",
            lambda m: m["inputs"][0].update(
                amount={"distribution": "normal", "mean": 10**400, "sd": 1}
            ),
        ),
        ("scenarios.s.value", lambda m: m.update(scenarios={"s": {"value": "*1e400"}})),
        ("scenarios.s.value", lambda m: m.update(scenarios={"s": {"value": "*" + "9" * 400}})),
        ("scenarios.s.value", lambda m: m.update(scenarios={"s": {"value": 10**400}})),
        ("scenarios.s.quantity", lambda m: m.update(scenarios={"s": {"quantity": "+1e400%"}})),
    ],
)
def test_overflow_10_400_in_quantity_amount_distribution_and_scenario_change_is_a_located_error(
    where, change
):
    m = hand_worked()
    change(m)
    found = problems_of(m)
    assert where in found, found


@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("quantity", "outcomes[0].quantity"),
        ("duration", "outcomes[0].duration"),
        ("stakeholder", "outcomes[0].stakeholder"),
        ("bearer", "outcomes[0].bearer"),
        ("unit", "outcomes[0].unit"),
    ],
)
def test_integers_over_4300_digits_are_located_model_errors(field, where):
    found = problems_of(with_outcome(**{field: 10**5000}))
    assert list(found) == [where]
    assert "about 5,001 digits" in found[where]  # shown by its size, not converted to text
    m = {**hand_worked(), "price_year": 10**5000, "discount_rate": -(10**5000)}
    assert set(problems_of(m)) == {"price_year", "discount_rate"}
    scenario = {**hand_worked(), "scenarios": {10**5000: {"value": "+1%"}}}
    assert list(problems_of(scenario)) == ["scenarios.<an integer of about 5,001 digits>"]


def test_price_year_written_in_superscript_digits_is_a_located_error():
    for year in ("²⁰²⁴", "２０２４", "٢٠٢٤", "²⁰²⁴/²⁵"):
        assert "calendar year" in problems_of({**hand_worked(), "price_year": year})["price_year"]
        with pytest.raises(ModelError) as info:
            sroi.evaluate(hand_worked(), price_year=year)
        assert info.value.locations == ["price_year"]
    # digits that are not ASCII in a field's name or a change are text, not numbers
    assert "outcomes[0].²⁰²⁴" in problems_of(with_outcome(**{"²⁰²⁴": 1}))
    found = problems_of({**hand_worked(), "²⁰²⁴": 1, "name": 5})
    assert set(found) == {"²⁰²⁴", "name"}
    found = problems_of({**hand_worked(), "scenarios": {"s": {"value": "*²"}}})
    assert "must be a number (a setting)" in found["scenarios.s.value"]


def test_huge_value_in_a_text_field_keeps_the_models_other_problems():
    m = with_outcome(stakeholder=10**5000, deadweight=3)
    m["name"] = 10**5000
    m["discount_rate"] = 7
    found = problems_of(m)
    assert set(found) == {
        "name",
        "discount_rate",
        "outcomes[0].stakeholder",
        "outcomes[0].deadweight",
    }


def _bomb(levels: int) -> list:
    x: list = ["lol"]
    for _ in range(levels):
        x = [x, x]
    return x


def test_problem_shows_a_yaml_alias_bomb_and_a_huge_int_in_bounded_time():
    import time

    bomb = _bomb(80)  # 2**80 leaves by reference: a full repr() would never finish
    start = time.perf_counter()
    shown = str(sroi.errors.Problem("name", "must be text", bomb))
    shown_int = str(sroi.errors.Problem("quantity", "must be a number", 10**100_000))
    found = problems_of({**hand_worked(), "name": bomb, "description": bomb})
    assert time.perf_counter() - start < 2
    assert shown.startswith("name: must be text (got [[[[") and len(shown) < 120
    assert shown_int == "quantity: must be a number (got <an integer of about 100,001 digits>)"
    assert set(found) == {"name", "description"}
    deep: dict = {}
    for _ in range(100_000):
        deep = {"a": deep}
    assert "name" in problems_of({**hand_worked(), "name": deep})  # no RecursionError


def test_triangular_distribution_on_plus_minus_1e308_is_refused():
    wide = {"distribution": "triangular", "low": -1e308, "mode": 0, "high": 1e308}
    found = problems_of(with_outcome(value=wide))
    assert "must be between -1e+300 and 1e+300" in found["outcomes[0].value"]
    uniform = {"distribution": "uniform", "low": 1e300, "high": 1e300}
    assert float(sroi.Model.from_dict(with_outcome(value=uniform)).outcomes[0].value) == 1e300
    normal = {"distribution": "normal", "mean": 0, "sd": 1e299}
    assert "sd: is too large" in problems_of(with_outcome(value=normal))["outcomes[0].value"]


@pytest.mark.parametrize(
    "spec",
    [
        {"distribution": "triangular", "low": -1e300, "mode": 0, "high": 1e300},
        {"distribution": "triangular", "low": 0, "mode": 1e300, "high": 1e300},
        {"distribution": "uniform", "low": -1e300, "high": 1e300},
        {"distribution": "pert", "low": -1e300, "mode": 1e300, "high": 1e300, "shape": 1e300},
        {"distribution": "beta", "alpha": 1e300, "beta": 1e-300, "low": -1e300, "high": 1e300},
        {"distribution": "normal", "mean": 0, "sd": 2e298},
        {"distribution": "normal", "mean": 1e300, "sd": 1e-300},
    ],
)
def test_distribution_draws_are_finite_at_the_edges_of_float_range(spec):
    import numpy as np

    from sroi.distributions import parse_distribution

    try:
        d = parse_distribution(spec)
    except sroi.distributions.DistributionError:
        return  # refused, with a message: also fine
    assert np.isfinite(d.central) and np.isfinite(d.mean)
    draws = d.sample(np.random.default_rng(0), 20_000)
    low, high = d.support
    assert np.isfinite(draws).all()
    assert (draws >= low).all() and (draws <= high).all()


def test_triangular_draws_keep_numpys_stream_for_ordinary_widths():
    import numpy as np

    from sroi.distributions import Triangular

    d = Triangular(0.1, 0.25, 0.4)
    ours = d.sample(np.random.default_rng(7), 5)
    numpys = np.random.default_rng(7).triangular(0.1, 0.25, 0.4, 5)
    assert (ours == numpys).all()
    wide = Triangular(0.0, 1e200, 1e300).sample(np.random.default_rng(7), 10_000)
    # the inverse distribution function: the same shape as numpy's, without overflow
    assert np.isfinite(wide).all() and 0.3e300 < wide.mean() < 0.4e300


def test_lone_surrogate_text_is_located_with_the_models_other_problems():
    lone = chr(0xD800)  # what JSON's "\ud800" escape gives
    m = with_outcome(deadweight=3, stakeholder="a" + lone)
    m[lone] = 1
    m["name"] = 5
    m["scenarios"] = {lone: {"value": "+1%"}, "s": {"outcomes": {lone: {"value": "+1%"}}}}
    m["outcomes"][0]["value"] = {"distribution": "uniform", lone: 1, "low": 1, "high": 2}
    with pytest.raises(ModelError) as info:
        sroi.evaluate(m)
    found = set(info.value.locations)
    assert {
        "\\ud800",
        "name",
        "outcomes[0].deadweight",
        "outcomes[0].stakeholder",
        "outcomes[0].value",
        "scenarios.\\ud800",
        "scenarios.s.outcomes.\\ud800",
    } <= found
    text = str(info.value)
    text.encode("utf-8")  # printable: every lone surrogate is shown escaped
    json.dumps(info.value.to_dict(), ensure_ascii=False).encode("utf-8")


def test_an_empty_field_name_is_located():
    found = problems_of({**hand_worked(), "": 1})
    assert "unknown field" in found["''"]
    assert "''" in problems_of(with_outcome(**{"": 1})).get("outcomes[0].''", "''")


def test_messages_listing_names_given_stay_short():
    m = hand_worked()
    m["stakeholders"] = [{"name": "x" * 100_000}, *({"name": f"s{i}"} for i in range(50))]
    m["outcomes"][0]["id"] = "y" * 100_000
    m["scenarios"] = {"low": {"outcomes": {"jobs": {"value": "+1%"}}}}
    with pytest.raises(ModelError) as info:
        sroi.evaluate(m)
    assert len(str(info.value)) < 5_000
    assert "(51 in all)" in str(info.value)
