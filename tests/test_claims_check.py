"""The claims check: a model built to trip every rule, one that trips none, each threshold,
the command line and the reports."""

from __future__ import annotations

import copy
import json
import warnings
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

import sroi
from sroi.claims import COLUMNS, PRINCIPLES, SEVERITIES, THRESHOLDS, _data_age, check
from sroi.cli import cli
from sroi.errors import ModelError

RULES = {
    # rule: (principle, severity)
    "double_counting": ("Do not over-claim", "high"),
    "fiscal_and_wellbeing": ("Do not over-claim", "high"),
    "no_deductions": ("Do not over-claim", "medium"),
    "no_drop_off": ("Do not over-claim", "medium"),
    "transfer_payment": ("Do not over-claim", "medium"),
    "dominant_outcome": ("Do not over-claim", "medium"),
    "wellbeing_share": ("Do not over-claim", "medium"),
    "high_deductions": ("Be transparent", "medium"),
    "old_proxy": ("Value the things that matter", "medium"),
    "unit_conversion": ("Be transparent", "low"),
    "immaterial": ("Only include what is material", "low"),
}

# outcomes[0..5]; each comment names the rules the outcome is built to trip
TRIPS_EVERY_RULE = {
    "name": "Every rule",
    "price_year": "2023/24",
    "inputs": [{"stakeholder": "Council", "amount": 100_000}],
    "outcomes": [
        # transfer_payment (the JSA saving to DWP is mostly benefits no longer paid)
        {"id": "jsa", "stakeholder": "Residents", "outcome": "Into work", "quantity": 5,
         "proxy": "ucd_ee1_0_fiscal", "duration": 1, "deadweight": 0.2,
         "outcome_group": "into_work"},
        # fiscal_and_wellbeing, no_deductions, no_drop_off, dominant_outcome, wellbeing_share
        {"id": "happier", "stakeholder": "Residents", "outcome": "Into work", "quantity": 5,
         "value": 20_000, "value_type": "wellbeing", "duration": 6,
         "outcome_group": "into_work"},
        # high_deductions
        {"id": "full_time", "stakeholder": "Parents", "outcome": "Full-time work",
         "quantity": 10, "value": 50_000, "duration": 1, "deadweight": 0.8,
         "attribution": 0.6, "outcome_group": "work"},
        # double_counting (the same parents' work, valued again)
        {"id": "part_time", "stakeholder": "Parents", "outcome": "Part-time work",
         "quantity": 10, "value": 2_000, "duration": 1, "deadweight": 0.3,
         "outcome_group": "work"},
        # old_proxy (2002/03 prices, data age red) and unit_conversion (per week)
        {"id": "outreach", "stakeholder": "Rough sleepers", "outcome": "Off the streets",
         "quantity": 5, "proxy": "ucd_ho6_1_fiscal", "duration": 1, "deadweight": 0.2},
        # immaterial
        {"id": "leaflet", "stakeholder": "Residents", "outcome": "Read a leaflet",
         "quantity": 10, "value": 1, "duration": 1, "deadweight": 0.1},
    ],
}  # fmt: skip

TRIPS_NONE = {
    "name": "No rule",
    "price_year": "2023/24",
    "inputs": [{"stakeholder": "Council", "amount": 100_000}],
    "outcomes": [
        {"id": "earnings", "stakeholder": "Residents", "outcome": "Into work", "quantity": 4,
         "proxy": "ucd_ee1_0_economic", "duration": 2, "deadweight": 0.3,
         "attribution": 0.2},
        {"id": "confidence", "stakeholder": "Residents", "outcome": "More confident",
         "quantity": 40, "value": 1_000, "value_type": "wellbeing", "duration": 5,
         "deadweight": 0.4, "drop_off": 0.25},
        {"id": "volunteers", "stakeholder": "Volunteers", "outcome": "New skills",
         "quantity": 20, "value": 1_500, "value_type": "social", "duration": 1,
         "displacement": 0.1},
    ],
}  # fmt: skip


def _check(model, **thresholds):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sroi.SROIWarning)
        return check(copy.deepcopy(model), **thresholds)


@pytest.fixture(scope="module")
def every():
    return _check(TRIPS_EVERY_RULE)


def test_a_model_built_to_trip_every_rule_trips_every_rule(every):
    assert list(every.columns) == list(COLUMNS)
    assert set(every["rule"]) == set(RULES)
    for row in every.itertuples():
        assert (row.principle, row.severity) == RULES[row.rule], row.rule
        assert row.principle in PRINCIPLES and row.severity in SEVERITIES


def test_each_finding_names_its_outcome(every):
    where = {(r.rule, r.location, r.outcome) for r in every.itertuples()}
    assert ("transfer_payment", "outcomes[0]", "jsa") in where
    assert ("fiscal_and_wellbeing", "outcomes[1]", "happier") in where
    for rule in ("no_deductions", "no_drop_off", "dominant_outcome"):
        assert (rule, "outcomes[1]", "happier") in where
    assert ("high_deductions", "outcomes[2]", "full_time") in where
    assert ("double_counting", "outcomes[3]", "part_time") in where
    assert ("old_proxy", "outcomes[4]", "outreach") in where
    assert ("unit_conversion", "outcomes[4]", "outreach") in where
    assert ("immaterial", "outcomes[5]", "leaflet") in where
    (model_wide,) = every[every["rule"] == "wellbeing_share"].itertuples()
    assert model_wide.outcome is None and model_wide.location == ""
    # one finding per rule and outcome, nothing about outcomes built to be clean
    assert len(where) == len(every) == len(RULES)


def test_findings_are_ordered_by_severity(every):
    order = [SEVERITIES.index(s) for s in every["severity"]]
    assert order == sorted(order)


def test_findings_say_what_was_found_with_the_figures(every):
    text = dict(zip(every["rule"] + ":" + every["location"], every["finding"], strict=True))
    # full_time: 1 - (1 - 0.8)(1 - 0.6) = 92 % removed, above 90 %
    assert "remove 92.0% of its value (more than 90%)" in text["high_deductions:outcomes[2]"]
    assert "lasts 6 years with no drop-off (more than 3 years)" in text["no_drop_off:outcomes[1]"]
    proxy = sroi.proxies.load().get("ucd_ee1_0_fiscal")
    assert f"{100 * proxy.transfer_share:.1f}% of proxy" in text["transfer_payment:outcomes[0]"]
    assert "data age 'red'" in text["old_proxy:outcomes[4]"]
    assert "GBP / person / week" in text["unit_conversion:outcomes[4]"]
    assert "counted twice" in text["double_counting:outcomes[3]"]
    assert "fiscal and wellbeing values" in text["fiscal_and_wellbeing:outcomes[1]"]


def test_a_model_that_trips_none():
    found = _check(TRIPS_NONE)
    assert found.empty, found.to_dict("records")
    assert list(found.columns) == list(COLUMNS)
    assert found.attrs["thresholds"]["materiality"] == 0.01


def test_the_clean_model_sits_inside_every_threshold():
    # so that "trips none" is not an accident of the model being trivial
    r = sroi.evaluate(copy.deepcopy(TRIPS_NONE))
    shares = r.by_outcome.set_index("id")["share_of_present_value"]
    assert shares.max() < 0.5 and shares.min() > 0.01
    assert r.breakdown("value_type").set_index("value_type").loc["wellbeing", "share"] < 0.5


@pytest.mark.parametrize(
    ("rule", "threshold"),
    [
        ("high_deductions", {"max_deductions": 0.95}),
        ("no_drop_off", {"long_duration": 6}),
        ("dominant_outcome", {"max_outcome_share": 0.99}),
        ("wellbeing_share", {"max_wellbeing_share": 0.99}),
        ("old_proxy", {"data_ages": ["green", "amber", "red"]}),
        ("transfer_payment", {"max_transfer_share": 1.0}),
        ("immaterial", {"materiality": 0.0}),
    ],
)
def test_each_threshold_is_a_parameter(every, rule, threshold):
    assert rule in set(every["rule"])
    moved = _check(TRIPS_EVERY_RULE, **threshold)
    assert rule not in set(moved["rule"])
    assert set(moved["rule"]) == set(every["rule"]) - {rule}
    ((name, value),) = threshold.items()
    assert moved.attrs["thresholds"][name] == value


def test_tighter_thresholds_find_more():
    found = _check(TRIPS_NONE, long_duration=1, max_outcome_share=0.3, materiality=0.3)
    assert {"no_drop_off", "dominant_outcome", "immaterial"} <= set(found["rule"])


def test_the_default_thresholds_are_documented_and_used(every):
    assert every.attrs["thresholds"] == {
        k: list(v) if isinstance(v, tuple) else v for k, v in THRESHOLDS.items()
    }


@pytest.mark.parametrize(
    ("threshold", "where"),
    [
        ({"materiality": 1.5}, "materiality"),
        ({"max_deductions": -0.1}, "max_deductions"),
        ({"long_duration": "three"}, "long_duration"),
        ({"data_ages": "green"}, "data_ages"),
        ({"max_outcome_share": True}, "max_outcome_share"),
    ],
)
def test_a_bad_threshold_is_refused(threshold, where):
    with pytest.raises(ModelError) as err:
        _check(TRIPS_NONE, **threshold)
    assert [p.location for p in err.value.problems] == [where]


def test_check_takes_an_evaluated_result():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sroi.SROIWarning)
        counted_once = sroi.evaluate(copy.deepcopy(TRIPS_EVERY_RULE), double_counting="highest")
    found = check(counted_once)
    # the rule already counts each change once: no double-counting finding, and nothing
    # about the outcomes it left out
    assert not {"double_counting", "fiscal_and_wellbeing"} & set(found["rule"])
    dropped = {n.outcome_id for n in counted_once.not_counted}
    assert dropped == {"jsa", "part_time"}
    assert not dropped & set(found["outcome"].dropna())


def test_a_proxy_record_without_a_data_age_is_graded_by_its_price_year():
    assert _data_age(SimpleNamespace(price_year="2002/03")) == "red"
    assert _data_age(SimpleNamespace(price_year="2012/13")) == "green"
    assert _data_age(SimpleNamespace(price_year="2002/03", data_age="green")) == "green"


def test_an_invalid_model_is_an_error_not_a_finding():
    bad = copy.deepcopy(TRIPS_NONE)
    bad["outcomes"][0]["deadweight"] = 2
    with pytest.raises(sroi.SROIError):
        check(bad)


# --------------------------------------------------------------------------------------
# The command line


@pytest.fixture
def model_files(tmp_path):
    import yaml

    paths = {}
    for name, model in (("every", TRIPS_EVERY_RULE), ("none", TRIPS_NONE)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(model), encoding="utf-8")
        paths[name] = str(path)
    return paths


def _run(*args):
    return CliRunner(env={"COLUMNS": "100"}).invoke(cli, list(args), prog_name="sroi")


def test_sroi_check_lists_the_findings(model_files, every):
    run = _run("check", model_files["every"])
    assert run.exit_code == 0, run.output
    assert f"{model_files['every']}: 11 findings (2 high, 7 medium, 2 low)" in run.output
    for row in every.itertuples():
        assert f"[{row.severity}]" in run.output and f"({row.rule})" in run.output
    assert "Thresholds: max_deductions 0.9; long_duration 3;" in run.output


def test_sroi_check_with_no_findings(model_files):
    run = _run("check", model_files["none"])
    assert run.exit_code == 0
    assert run.output.startswith(f"{model_files['none']}: no findings")


def test_sroi_check_json_and_csv(model_files, every):
    run = _run("check", model_files["every"], "--format", "json", "-t", "materiality=0")
    data = json.loads(run.output[run.output.index("{") :])
    assert data["thresholds"]["materiality"] == 0
    assert [f["rule"] for f in data["findings"]] == [r for r in every["rule"] if r != "immaterial"]
    run = _run("check", model_files["every"], "--format", "csv")
    lines = [x for x in run.output.splitlines() if not x.startswith("Warning:")]
    assert lines[0] == ",".join(COLUMNS)
    assert len(lines) == 1 + len(every)


def test_sroi_check_thresholds_on_the_command_line(model_files):
    run = _run("check", model_files["every"], "-t", "data_ages=green,amber,red")
    assert "(old_proxy)" not in run.output and "data_ages green, amber, red" in run.output
    assert _run("check", model_files["every"], "-t", "nonsense=1").exit_code == 2
    assert _run("check", model_files["every"], "-t", "materiality=lots").exit_code == 2
    bad = _run("check", model_files["every"], "-t", "materiality=2")
    assert bad.exit_code == 1 and "materiality: must be a fraction" in bad.output


def test_sroi_check_of_an_invalid_model_exits_1(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\ninputs: []\noutcomes: []\n", encoding="utf-8")
    run = _run("check", str(path))
    assert run.exit_code == 1 and "Error:" in run.output


# --------------------------------------------------------------------------------------
# Reports and the notebook


@pytest.fixture(scope="module")
def result():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sroi.SROIWarning)
        return sroi.evaluate(copy.deepcopy(TRIPS_EVERY_RULE))


def test_the_markdown_report_carries_the_findings(result, every):
    from sroi.report import render_markdown

    text = render_markdown(result)
    section = text[text.index("## Claims check") : text.index("## Method notes")]
    assert section.count("\n| high |") == 2 and section.count("\n| low |") == 2
    assert section.count("\n| medium |") == 7
    # the thresholds in words, not as the check's setting names
    assert "deductions together remove more than 90% of its value" in section
    assert "max\\_deductions" not in section and "max_deductions" not in section
    assert "## Who benefits and who saves" in text


def test_the_html_report_carries_the_findings(result, every):
    from sroi.report import render_html

    page = render_html(result, charts=False)
    section = page[page.index('<section id="claims-check">') : page.index('<section id="method">')]
    assert section.count("<tr><td>") == len(every)
    # each finding in words, never by the rule's code name or an outcome's position
    assert "(fiscal and wellbeing values)" in section
    assert "fiscal_and_wellbeing" not in section and "outcomes[" not in section
    assert 'href="#claims-check"' in page and 'id="who-benefits"' in page


def test_the_excel_report_carries_the_findings(result, every, tmp_path):
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    from sroi.report import write_excel

    book = load_workbook(write_excel(result, tmp_path / "accounts.xlsx"))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "Claims check" in cells
    # every finding, as the report words it (outcomes and proxies by name, not position)
    from sroi.report import _common

    worded = [row["finding"] for row in _common.claims(result)["rows"]]
    assert len(worded) == len(every)
    assert sum(1 for c in cells if c in worded) == len(every)
    assert not any("outcomes[" in str(c) for c in cells)


def test_a_report_with_no_findings_says_so():
    from sroi.report import render_markdown

    text = render_markdown(sroi.evaluate(copy.deepcopy(TRIPS_NONE)))
    assert "## Claims check\n\nNo findings." in text


def test_findings_show_as_a_table_in_a_notebook(every):
    shown = every._repr_html_()
    assert "<table" in shown and "fiscal_and_wellbeing" in shown


def test_a_disbenefit_claimed_in_full_is_not_an_over_claim():
    model = copy.deepcopy(TRIPS_NONE)
    model["outcomes"].append(
        {"id": "noise", "stakeholder": "Neighbours", "outcome": "More noise", "quantity": 10,
         "value": -500, "duration": 5}
    )  # fmt: skip
    found = _check(model)
    assert not {"no_deductions", "no_drop_off"} & set(found["rule"])


def test_a_fiscal_saving_and_a_wellbeing_value_named_alike_are_found_without_a_group():
    model = {
        "name": "Provider claim",
        "price_year": "2023/24",
        "inputs": [{"stakeholder": "Council", "amount": 100_000}],
        "outcomes": [
            {"id": "jsa", "stakeholder": "Residents", "outcome": "Into work", "quantity": 5,
             "proxy": "ucd_ee1_0_fiscal", "duration": 1, "deadweight": 0.2},
            {"id": "happier", "stakeholder": "Residents", "outcome": "into  Work",
             "quantity": 5, "value": 20_000, "value_type": "wellbeing", "duration": 1,
             "deadweight": 0.2},
        ],
    }  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = sroi.check(model)
    [row] = found[found["rule"] == "fiscal_and_wellbeing"].to_dict("records")
    assert row["outcome"] == "happier" and "outcomes[0] (jsa)" in row["finding"]
    other = {**model, "outcomes": [model["outcomes"][0], {**model["outcomes"][1],
             "outcome": "Feel better"}]}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert "fiscal_and_wellbeing" not in set(sroi.check(other)["rule"])
