"""Model files, DataFrames, the JSON Schema, the examples and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml

import sroi
from tests.conftest import hand_worked

EXAMPLES = sorted(Path(__file__).resolve().parent.parent.joinpath("examples").glob("*.yaml"))


def test_yaml_and_json_files_give_the_same_model(tmp_path):
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(hand_worked()))
    (tmp_path / "m.json").write_text(json.dumps(hand_worked()))
    a = sroi.load_model(tmp_path / "m.yaml")
    b = sroi.load_model(tmp_path / "m.json")
    assert a == b == sroi.Model.from_dict(hand_worked())
    assert sroi.evaluate(tmp_path / "m.yaml").present_value == pytest.approx(171_241.88, abs=0.005)
    assert sroi.evaluate(str(tmp_path / "m.json")).ratio == pytest.approx(1.1416, abs=5e-5)


def test_round_trip_through_to_dict():
    m = sroi.Model.from_dict(
        {**hand_worked(), "discount_rate": [0.05, 0.04], "price_year": "2024/25"}
    )
    again = sroi.Model.from_dict(json.loads(json.dumps(m.to_dict())))
    assert again == m


def test_yaml_duplicate_keys_are_an_error(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("name: a\nname: b\ninputs: []\noutcomes: []\n")
    with pytest.raises(sroi.ModelError) as info:
        sroi.load_model(path)
    assert info.value.locations == ["dup.yaml line 2"]
    assert "appears twice" in str(info.value)


def test_json_duplicate_keys_and_nan_are_errors(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"name": "a", "name": "b"}')
    with pytest.raises(sroi.ModelError, match="appears twice"):
        sroi.load_model(path)
    path.write_text('{"name": NaN}')
    with pytest.raises(sroi.ModelError, match="NaN is not a number JSON allows"):
        sroi.load_model(path)


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: a\noutcomes: [\n")
    with pytest.raises(sroi.ModelError) as info:
        sroi.load_model(path)
    assert info.value.locations[0].startswith("bad.yaml line")


def test_unknown_suffix_and_missing_file(tmp_path):
    with pytest.raises(sroi.ModelError, match=r"\.yaml, \.yml or \.json"):
        sroi.load_model(tmp_path / "model.txt")
    with pytest.raises(FileNotFoundError):
        sroi.load_model(tmp_path / "absent.yaml")


def test_from_frame():
    outcomes = pd.DataFrame(
        {
            "stakeholder": ["Participants", "Families"],
            "outcome": ["Into work", "Less stress"],
            "quantity": [100, 50],
            "value": [1_000.0, float("nan")],
            "proxy": [None, "some_proxy"],
            "duration": [3, 1],
            "deadweight": [0.25, 0.1],
            "attribution": [0.1, 0.0],
            "drop_off": [0.1, 0.0],
        }
    )
    m = sroi.Model.from_frame(
        outcomes, inputs=pd.DataFrame({"stakeholder": ["Funder"], "amount": [150_000]}), name="df"
    )
    assert m.outcomes[0].value == 1_000 and m.outcomes[1].value is None
    assert m.outcomes[1].proxy == "some_proxy"
    assert isinstance(m.outcomes[0].duration, int)
    # A blank where a number is required is an error, not a default ...
    outcomes.loc[0, "duration"] = float("nan")
    with pytest.raises(sroi.ModelError) as info:
        sroi.Model.from_frame(outcomes, inputs=[{"stakeholder": "F", "amount": 1}], name="df")
    assert info.value.locations == ["outcomes[0].duration"]


def test_blank_deduction_cells_are_read_as_zero_and_reported():
    outcomes = pd.DataFrame(
        {
            "stakeholder": ["Tenants", "NHS", "Residents"],
            "outcome": ["Less stress", "Fewer GP visits", "Safer estate"],
            "quantity": [16, 120, 10],
            "value": [1_000.0, 40.0, 200.0],
            "duration": [1, 2, 1],
            "deadweight": [0.3, None, float("nan")],
            "attribution": [float("nan"), 0.1, 0.2],
            "drop_off": [0.0, 0.1, 0.0],
        }
    )
    inputs = pd.DataFrame({"stakeholder": ["HA"], "amount": [10_000.0], "description": [None]})
    with pytest.warns(sroi.ReadingWarning) as caught:
        m = sroi.Model.from_frame(outcomes, inputs=inputs, name="df")
    assert [o.deadweight for o in m.outcomes] == [0.3, 0.0, 0.0]
    assert m.outcomes[0].attribution == 0.0 and m.inputs[0].description == ""
    assert [str(w.message) for w in caught] == [
        "outcomes: blank deduction cells read as 0: deadweight of outcomes[1], outcomes[2]; "
        "attribution of outcomes[0]"
    ]
    # sroi.evaluate takes the DataFrames in a mapping, and keeps the warning in the result
    with pytest.warns(sroi.ReadingWarning):
        r = sroi.evaluate(
            {"name": "df", "discount_rate": 0, "inputs": inputs, "outcomes": outcomes}
        )
    expected = 16 * 1_000 * 0.7 + 120 * 40 * 0.9 * (1 + 0.9) + 10 * 200 * 0.8
    assert r.present_value == pytest.approx(expected)
    assert [w.location for w in r.warnings] == ["outcomes"]
    assert "deadweight of outcomes[1], outcomes[2]" in r.to_dict()["warnings"][0]["message"]
    # the same model from lists gives the same figures, with no warning
    same = sroi.evaluate(
        {"name": "df", "discount_rate": 0, "inputs": [{"stakeholder": "HA", "amount": 10_000}],
         "outcomes": [{k: (0.0 if pd.isna(v) else v) for k, v in row.items()}
                      for row in outcomes.to_dict("records")]}
    )  # fmt: skip
    assert same.present_value == r.present_value and same.warnings == ()
    # a blank where a figure is required stays a located error
    outcomes.loc[2, "quantity"] = None
    with pytest.raises(sroi.ModelError) as info:
        sroi.evaluate({"name": "df", "inputs": inputs, "outcomes": outcomes})
    assert info.value.locations == ["outcomes[2].quantity"]


def test_a_dataframe_alone_says_how_to_give_its_inputs():
    outcomes = pd.DataFrame({"stakeholder": ["T"], "outcome": ["a"], "quantity": [1],
                             "value": [1.0], "duration": [1]})  # fmt: skip
    with pytest.raises(sroi.ModelError) as info:
        sroi.evaluate(outcomes)
    assert info.value.locations == ["model"]
    assert "'inputs': inputs_df, 'outcomes': outcomes_df" in str(info.value)


def test_schema_validates_examples_and_rejects_typos():
    schema = sroi.model_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in EXAMPLES:
        validator.validate(yaml.safe_load(path.read_text()))
    bad = hand_worked()
    bad["outcomes"][0]["dead_weight"] = 0.1
    assert not validator.is_valid(bad)
    bad = hand_worked()
    bad["outcomes"][0]["deadweight"] = 1.5
    assert not validator.is_valid(bad)
    assert validator.is_valid({**hand_worked(), "discount_rate": "green_book"})


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_evaluate(path):
    r = sroi.evaluate(path)
    assert r.present_value > 0 and r.total_investment > 0
    assert len(r.model.outcomes) >= 5 and r.model.outputs
    assert json.loads(json.dumps(r.to_dict()))["results"]["ratio"] == pytest.approx(r.ratio)


def test_result_tables_are_fresh_copies():
    r = sroi.evaluate(hand_worked())
    table = r.by_outcome
    table.loc[0, "present_value"] = 0
    assert r.by_outcome.loc[0, "present_value"] == pytest.approx(r.present_value)


def test_to_dict_is_stamped():
    d = sroi.evaluate(hand_worked(), discount_rate="green_book").to_dict()
    assert d["sroi_version"] == sroi.__version__
    assert d["parameters"]["discount_rate"] == "green_book"
    assert d["parameters"]["discount_rate_from"] == "argument"
    assert "end of year" in d["parameters"]["conventions"]["discounting"]
    assert d["model"]["outcomes"][0]["deadweight"] == 0.25
    assert len(d["by_year"]) == 4 and len(d["by_outcome"]) == 1


def test_summary_and_html():
    r = sroi.evaluate({**hand_worked(), "name": "<script>alert(1)</script>"})
    text = r.summary()
    assert "£171,241.88" in text and "£21,241.88" in text and "26.7 months" in text
    assert "£1.14 per £1 invested" in text
    page = r._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "171,241.88" in page


@pytest.mark.parametrize("name", ["model.xlsx", "model.zip", "tables"])
def test_evaluate_reads_every_file_format(tmp_path, name):
    pytest.importorskip("openpyxl")
    path = sroi.write_model(sroi.Model.from_dict(hand_worked()), tmp_path / name)
    assert sroi.evaluate(path).present_value == pytest.approx(171_241.88, abs=0.005)
