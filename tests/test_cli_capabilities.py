"""The command line for every capability: ``sroi sensitivity``, ``sroi simulate``, rates
written as percentages, a fast ``--version``, and the small fixes of the command line
(no hidden option suggested, "1 year", an empty search, tables that fit the terminal).

Each new command is run for each exit status: 0 (all went well), 1 (the model or a file is
wrong) and 2 (the command line is wrong); its figures are checked against the library's.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import sroi
from sroi.cli import cli
from sroi.parsing import DISCOUNT_RATE_TEXT_ALLOWED, parse_discount_rate_text
from tests.conftest import hand_worked

ROOT = Path(__file__).resolve().parent.parent
HAND_WORKED = ROOT / "docs" / "examples" / "hand_worked.yaml"
UNCERTAIN = ROOT / "docs" / "examples" / "hand_worked_uncertain.yaml"
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(*args: object, columns: int = 100):
    """Invoke the command line in-process, at a terminal ``columns`` wide."""
    runner = CliRunner(env={"COLUMNS": str(columns)})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def no_matplotlib(monkeypatch):
    """As if the plot extra were not installed: ``import matplotlib`` fails."""
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


# --------------------------------------------------------------------------------------
# sroi sensitivity


def test_sensitivity_prints_both_tables():
    out = run("sensitivity", HAND_WORKED, columns=160)
    assert out.exit_code == 0, out.stderr
    text = out.stdout
    assert text.startswith("SROI: Employment support (hand-worked example)")
    assert "Switching values: where each estimate must move" in text
    assert "One-way sensitivity: each parameter moved down and up by the report's steps" in text
    name = "Participants: Moved into work"  # the outcome by name, not its id
    assert "into_work" not in text.split("Scenarios")[0]
    rows = {
        line.split()[4]: line.split()[4:] for line in text.splitlines() if line.startswith(name)
    }
    # deadweight 25 % -> 34.3 % takes the ratio to 1 (docs/method.md: 1 - 0.75 / 1.1416)
    assert rows["deadweight"][1:5] == ["25.0%", "34.3%", "+9.3", "points"]
    assert rows["value"][1:3] == ["£1,000.00", "£875.95"]
    assert "(model)                        investment     £150,000.00  £171,241.88" in text


def test_sensitivity_json_is_the_librarys():
    out = run("sensitivity", HAND_WORKED, "--format", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["model"] == "Employment support (hand-worked example)"
    assert data["base_ratio"] == pytest.approx(sroi.evaluate(HAND_WORKED).ratio)
    expected = sroi.sensitivity.switching_values(HAND_WORKED)
    got = pd.DataFrame(data["switching_values"])
    assert got["parameter"].tolist() == expected["parameter"].tolist()
    assert got["switching_value"].tolist() == pytest.approx(
        expected["switching_value"].astype(float).tolist()
    )
    # by default, the published report's ranges (10 points, 20 %, a year)
    from sroi.sensitivity.one_way import reading_ranges

    tornado = sroi.sensitivity.tornado(HAND_WORKED, reading_ranges(HAND_WORKED))
    rows = data["one_way"]["rows"]
    assert [r["parameter"] for r in rows] == tornado["parameter"].tolist()
    assert [r["ratio_low"] for r in rows] == pytest.approx(tornado["ratio_low"].tolist())
    assert [(r["low"], r["high"]) for r in rows] == list(
        zip(tornado["low"], tornado["high"], strict=True)
    )
    assert data["one_way"]["low"] is None and data["warnings"] == []
    # with --range, every parameter moved by the same ends, as before
    names = [
        "quantity",
        "value",
        "deadweight",
        "displacement",
        "attribution",
        "drop_off",
        "duration",
        "investment",
        "discount_rate",
    ]
    out = run("sensitivity", HAND_WORKED, "--range=-20%,+20%", "--format", "json")
    data = json.loads(out.stdout)
    tornado = sroi.sensitivity.tornado(HAND_WORKED, {n: ("-20%", "+20%") for n in names})
    rows = data["one_way"]["rows"]
    assert [r["parameter"] for r in rows] == tornado["parameter"].tolist()
    assert [r["ratio_low"] for r in rows] == pytest.approx(tornado["ratio_low"].tolist())
    assert data["one_way"]["low"] == "-20%" and data["warnings"] == []


def test_sensitivity_chooses_parameters_outcome_and_range():
    args = ["-P", "deadweight", "-P", "investment", "--outcome", "into_work"]
    out = run("sensitivity", HAND_WORKED, *args, "--range=-0.1,+0.1", "-f", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert [r["parameter"] for r in data["switching_values"]] == ["deadweight", "investment"]
    assert {r["parameter"] for r in data["one_way"]["rows"]} == {"deadweight", "investment"}
    deadweight = next(r for r in data["one_way"]["rows"] if r["parameter"] == "deadweight")
    assert deadweight["outcome"] == "into_work"
    # deadweight 15 % and 35 %: PV scales with 1 - deadweight (171,241.88 at 25 %)
    ratio = sroi.evaluate(HAND_WORKED).ratio
    assert deadweight["ratio_low"] == pytest.approx(ratio * 0.85 / 0.75)
    assert deadweight["ratio_high"] == pytest.approx(ratio * 0.65 / 0.75)


def test_sensitivity_csv_writes_the_table_chosen():
    out = run("sensitivity", HAND_WORKED, "--only", "switching", "--format", "csv")
    assert out.exit_code == 0, out.stderr
    table = pd.read_csv(io.StringIO(out.stdout))
    assert list(table.columns)[:5] == ["parameter", "outcome", "measure", "base", "switching_value"]
    assert len(table) == 9
    out = run("sensitivity", HAND_WORKED, "--only", "one-way", "--format", "csv")
    assert out.exit_code == 0, out.stderr
    table = pd.read_csv(io.StringIO(out.stdout))
    assert table["swing"].is_monotonic_decreasing
    assert "Switching" not in run("sensitivity", HAND_WORKED, "--only", "one-way").stdout


def test_sensitivity_target_ratio():
    out = run("sensitivity", HAND_WORKED, "--target", "1.5", "--only", "switching", "-f", "json")
    assert out.exit_code == 0, out.stderr
    rows = {r["parameter"]: r for r in json.loads(out.stdout)["switching_values"]}
    expected = sroi.sensitivity.switching_value(
        HAND_WORKED, "deadweight", "into_work", target_ratio=1.5
    )
    assert rows["deadweight"]["switching_value"] == pytest.approx(expected.value)
    assert rows["deadweight"]["ratio_at_value"] == pytest.approx(1.5)


def test_sensitivity_evaluates_the_models_scenarios():
    out = run("sensitivity", HAND_WORKED, "--only", "scenarios")
    assert out.exit_code == 0, out.stderr
    rows = {line.split()[0]: line.split() for line in out.stdout.splitlines()[6:]}
    expected = sroi.sensitivity.compare_scenarios(HAND_WORKED)["ratio"]
    assert {k: v[3] for k, v in rows.items()} == {k: f"{v:.2f}" for k, v in expected.items()}
    assert "deadweight +0.1; drop_off *2" in out.stdout
    assert "deadweight -0.05; into_work: duration 4" in out.stdout
    out = run("sensitivity", HAND_WORKED, "--only", "scenarios", "--format", "csv")
    table = pd.read_csv(io.StringIO(out.stdout), index_col="scenario")
    assert table["npv"].to_dict() == pytest.approx(
        sroi.sensitivity.compare_scenarios(HAND_WORKED)["npv"].to_dict()
    )
    data = json.loads(run("sensitivity", HAND_WORKED, "-f", "json").stdout)
    assert [r["scenario"] for r in data["scenarios"]] == ["base", "pessimistic", "optimistic"]
    assert data["scenarios"][1]["changes"] == {"deadweight": "+0.1", "drop_off": "*2"}


def test_sensitivity_of_a_model_without_scenarios(tmp_path):
    path = tmp_path / "plain.yaml"
    model = hand_worked()
    model.pop("scenarios", None)
    path.write_text(yaml.safe_dump(model))
    out = run("sensitivity", path)
    assert out.exit_code == 0, out.stderr
    assert "Scenarios" not in out.stdout
    out = run("sensitivity", path, "--only", "scenarios")
    assert out.exit_code == 1
    assert "has no scenarios" in out.stderr


def test_sensitivity_leaves_out_figures_given_year_by_year(tmp_path):
    model = hand_worked()
    model.pop("scenarios", None)
    model["outcomes"][0]["quantity"] = [100, 80, 60]
    path = tmp_path / "yearly.yaml"
    path.write_text(yaml.safe_dump(model))
    out = run("sensitivity", path, "-f", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    moved = {r["parameter"] for r in data["switching_values"]}
    assert moved == {
        "value",
        "deadweight",
        "displacement",
        "attribution",
        "drop_off",
        "investment",
        "discount_rate",
    }
    # the report's ranges leave the discount rate alone
    assert {r["parameter"] for r in data["one_way"]["rows"]} == moved - {"discount_rate"}
    (warning,) = data["warnings"]
    assert warning.startswith("quantity given year by year for some outcome: not moved; duration")
    assert "Warning: quantity given year by year" in out.stderr
    value = next(r for r in data["switching_values"] if r["parameter"] == "value")
    assert value["ratio_at_value"] == pytest.approx(1.0)
    out = run("sensitivity", path, "-P", "quantity")
    assert out.exit_code == 1
    assert "no parameter left to move" in out.stderr


def test_sensitivity_of_a_schedule_says_why_there_is_no_switching_rate():
    out = run("sensitivity", HOUSING, "-P", "discount_rate")
    assert out.exit_code == 0, out.stderr
    assert "none" in out.stdout
    assert "schedule" in out.stdout
    assert "Discount rate" in out.stdout.split("One-way")[1]


def test_sensitivity_tornado_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "tornado.png"
    out = run("sensitivity", HAND_WORKED, "--only", "switching", "--tornado", path)
    assert out.exit_code == 0, out.stderr
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert f"Wrote {path}" in out.stderr
    assert "One-way" not in out.stdout  # drawn, not printed


def test_sensitivity_without_the_plot_extra_exits_1(tmp_path, no_matplotlib):
    path = tmp_path / "tornado.png"
    out = run("sensitivity", HAND_WORKED, "--tornado", path)
    assert out.exit_code == 1
    assert "pip install 'sroi[plot]'" in out.stderr
    assert "Traceback" not in out.stderr
    assert not path.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", "into_wrk"], "no outcome with the id 'into_wrk'; ids: into_work"),
        (["--range", "0.5,0.9", "-P", "value"], "one value for every outcome makes no sense"),
    ],
)
def test_sensitivity_exits_1_for_what_the_model_cannot_do(args, message):
    out = run("sensitivity", HAND_WORKED, *args)
    assert out.exit_code == 1
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_sensitivity_exits_1_for_a_missing_or_invalid_model(tmp_path):
    out = run("sensitivity", tmp_path / "nope.yaml")
    assert out.exit_code == 1
    assert "nope.yaml: no such file" in out.stderr
    bad = hand_worked()
    bad["outcomes"][0]["deadweight"] = 2
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    out = run("sensitivity", path)
    assert out.exit_code == 1
    assert "outcomes[0].deadweight" in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv"], "--format csv writes one table"),
        (["--range", "-20%"], "is not LOW,HIGH"),
        (["--range", "low,high"], "is not LOW,HIGH"),
        (["--parameter", "dead_weight"], "'dead_weight' is not one of"),
        (["--target", "-1"], "--target"),
        (["--discount-rate", "3.5"], DISCOUNT_RATE_TEXT_ALLOWED),
    ],
)
def test_sensitivity_exits_2_for_a_wrong_command_line(args, message):
    out = run("sensitivity", HAND_WORKED, *args)
    assert out.exit_code == 2
    assert message in out.stderr


# --------------------------------------------------------------------------------------
# sroi simulate


def test_simulate_prints_the_summary():
    out = run("simulate", UNCERTAIN, "-n", "2000", "--seed", "42")
    assert out.exit_code == 0, out.stderr
    found = sroi.sensitivity.simulate(UNCERTAIN, 2000, seed=42)
    lines = out.stdout.splitlines()
    assert lines[0] == "Monte Carlo simulation: Employment support (hand-worked example, uncertain)"
    assert " ".join(" ".join(lines[1:3]).split()) == (
        '2,000 draws, seed 42; uncertain: Quantity of "Moved into work" (Participants); '
        'Deadweight of "Moved into work" (Participants)'
    )
    ratio = next(line for line in lines if line.startswith("SROI ratio")).split()[2:]
    summary = found.summary().loc["ratio"]
    assert ratio == [f"{summary[k]:.2f}" for k in ("mean", "p5", "median", "p95", "std")]
    p = found.probability_ratio_above(1.0)
    assert f"P(ratio > 1)  {100 * p:.1f}%  (the central estimate is 1.14)" in out.stdout
    assert out.stderr == ""


def test_simulate_json_and_csv_are_the_librarys():
    found = sroi.sensitivity.simulate(UNCERTAIN, 500, seed=7)
    out = run("simulate", UNCERTAIN, "-n", "500", "--seed", "7", "--format", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["draws"] == 500 and data["seed"] == 7 and data["warnings"] == []
    assert data["probability_ratio_above_1"] == found.probability_ratio_above(1.0)
    assert data["summary"]["ratio"]["median"] == pytest.approx(
        float(found.summary().loc["ratio", "median"])
    )
    out = run("simulate", UNCERTAIN, "-n", "500", "--seed", "7", "--format", "csv")
    assert out.exit_code == 0, out.stderr
    table = pd.read_csv(io.StringIO(out.stdout), index_col="figure")
    assert table.loc["npv", "p95"] == pytest.approx(float(found.summary().loc["npv", "p95"]))


def test_simulate_is_reproducible_with_a_seed():
    first = run("simulate", UNCERTAIN, "-n", "300", "--seed", "3", "-f", "json").stdout
    assert first == run("simulate", UNCERTAIN, "-n", "300", "--seed", "3", "-f", "json").stdout


def test_simulate_warns_when_nothing_is_uncertain():
    out = run("simulate", HAND_WORKED, "-n", "100", "--seed", "1")
    assert out.exit_code == 0
    assert "Warning: nothing is uncertain in the simulation" in out.stderr
    assert "P(ratio > 1)  100.0%" in out.stdout
    assert "1 draws" not in out.stdout and "uncertain: nothing" in out.stdout
    out = run("simulate", HAND_WORKED, "-n", "100", "--seed", "1", "-f", "json")
    (warning,) = json.loads(out.stdout)["warnings"]
    assert "no figure of the model is a distribution" in warning


def test_the_library_warns_when_nothing_is_uncertain():
    with pytest.warns(sroi.SROIWarning, match="no figure of the model is a distribution"):
        sroi.sensitivity.simulate(hand_worked(), 10, seed=0)
    zero_width = hand_worked()
    zero_width["outcomes"][0]["deadweight"] = {
        "distribution": "uniform",
        "low": 0.25,
        "high": 0.25,
    }
    with pytest.warns(sroi.SROIWarning, match="every distribution of the model has zero width"):
        sroi.sensitivity.simulate(zero_width, 10, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sroi.SROIWarning)
        sroi.sensitivity.simulate(UNCERTAIN, 10, seed=0)  # uncertain: no warning


def test_simulate_histogram_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "ratio.png"
    out = run("simulate", UNCERTAIN, "-n", "500", "--seed", "1", "--histogram", path)
    assert out.exit_code == 0, out.stderr
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_histogram_draws_the_share_of_draws_and_the_break_even_line():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sroi import plots

    found = sroi.sensitivity.simulate(UNCERTAIN, 1000, seed=1)
    ax = plots.histogram(found, bins=20)
    try:
        heights = [patch.get_height() for patch in ax.patches]
        assert len(heights) == 20
        assert sum(heights) == pytest.approx(1.0)
        assert [line.get_xdata()[0] for line in ax.lines] == [1.0, found.base.ratio]
        assert f"P(ratio > 1) = {100 * found.probability_ratio_above():.1f}%" in ax.get_title()
    finally:
        plt.close(ax.figure)


def test_simulate_without_the_plot_extra_exits_1(tmp_path, no_matplotlib):
    out = run("simulate", UNCERTAIN, "-n", "10", "--histogram", tmp_path / "h.png")
    assert out.exit_code == 1
    assert "pip install 'sroi[plot]'" in out.stderr


def test_simulate_exits_1_for_a_missing_model(tmp_path):
    out = run("simulate", tmp_path / "nope.yaml")
    assert out.exit_code == 1
    assert "nope.yaml: no such file" in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "'-n'"),
        (["--seed", "-1"], "--seed"),
        (["--seed", "x"], "--seed"),
        (["--format", "xml"], "--format"),
    ],
)
def test_simulate_exits_2_for_a_wrong_command_line(args, message):
    out = run("simulate", UNCERTAIN, *args)
    assert out.exit_code == 2
    assert message in out.stderr


# --------------------------------------------------------------------------------------
# Rates as 0.035, 3.5% or 3.5 %


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("3.5%", 0.035),
        ("3.5 %", 0.035),
        (" 0.7% ", 0.007),
        ("5%,4%", (0.05, 0.04)),
        ("5 %, 0.04", (0.05, 0.04)),
        ("0%", 0.0),
        ("100%", 1.0),
    ],
)
def test_a_rate_may_be_written_as_a_percentage(text, rate):
    assert parse_discount_rate_text(text) == rate
    out = run("evaluate", HAND_WORKED, "--discount-rate", text, "--format", "json")
    assert out.exit_code == 0, out.stderr
    given = json.loads(out.stdout)["parameters"]["discount_rate"]
    assert given == (list(rate) if isinstance(rate, tuple) else rate)


@pytest.mark.parametrize("text", ["3.5", "%", "3.5%%", "nan%", "-1%", "150%", "five%"])
def test_a_rate_without_its_percent_sign_or_out_of_range_is_refused(text):
    out = run("evaluate", HAND_WORKED, "--discount-rate", text)
    assert out.exit_code == 2
    assert f"{text!r} is not {DISCOUNT_RATE_TEXT_ALLOWED}" in out.stderr


def test_every_rate_option_takes_a_percentage():
    a = run("evaluate", HAND_WORKED, "-r", "1.5%", "-f", "json").stdout
    b = run("evaluate", HAND_WORKED, "-r", "0.015", "-f", "json").stdout
    assert json.loads(a)["results"] == json.loads(b)["results"]
    for command in ("sensitivity", "simulate", "check", "report"):
        help_text = run(command, "--help").stdout
        assert "3.5%" in help_text, command
    out = run("evaluate", HOUSING, "-p", "2033/34", "--extrapolate-deflator", "2%", "-f", "json")
    assert out.exit_code == 0, out.stderr
    same = run("evaluate", HOUSING, "-p", "2033/34", "--extrapolate-deflator", "0.02", "-f", "json")
    assert json.loads(out.stdout)["results"] == json.loads(same.stdout)["results"]
    out = run("evaluate", HOUSING, "--extrapolate-deflator", "2")
    assert out.exit_code == 2


def test_a_threshold_share_may_be_a_percentage():
    model = ROOT / "docs" / "examples" / "claims_check.yaml"
    a = run("check", model, "-t", "materiality=2%", "-f", "json")
    b = run("check", model, "-t", "materiality=0.02", "-f", "json")
    assert a.exit_code == 0, a.stderr
    assert json.loads(a.stdout) == json.loads(b.stdout)
    assert json.loads(a.stdout)["thresholds"]["materiality"] == 0.02
    assert run("check", model, "-t", "long_duration=3%").exit_code == 2


def test_the_parameters_offered_are_the_librarys():
    from sroi.changes import PARAMETERS
    from sroi.cli import _PARAMETER_NAMES

    assert set(_PARAMETER_NAMES) == set(PARAMETERS)


# --------------------------------------------------------------------------------------
# --version and --help, and the small fixes


def test_version_and_help():
    out = run("--version")
    assert out.exit_code == 0
    assert out.stdout == f"sroi, version {sroi.__version__}\n"
    text = run("--help").stdout
    assert ".yaml or .json" not in text
    for word in ("YAML", "JSON", "Excel", "CSV", ".zip"):
        assert word in text
    for command in ("sensitivity", "simulate"):
        assert command in text


def test_version_imports_nothing_heavy():
    """``sroi --version`` and ``--help`` read no model: pandas, openpyxl, scipy and
    matplotlib stay unimported."""
    code = (
        "import sys, runpy\n"
        "sys.argv = ['sroi', '--version']\n"
        "try:\n"
        "    runpy.run_module('sroi', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pandas', 'openpyxl', 'scipy', 'matplotlib')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.splitlines()[-1] == "[]"


def test_did_you_mean_never_suggests_a_hidden_option():
    out = run("evaluate", HAND_WORKED, "--jso")
    assert out.exit_code == 2
    assert "No such option" in out.stderr
    assert "--json" not in out.stderr
    out = run("evaluate", HAND_WORKED, "--formt", "json")
    assert "Did you mean '--format'?" in out.stderr


def test_one_year_is_one_year(tmp_path):
    model = hand_worked()
    model["outcomes"][0]["duration"] = 1
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump(model))
    title = run("evaluate", path).stdout.splitlines()[0]
    assert title.endswith("; 1 year)")
    assert run("evaluate", HAND_WORKED).stdout.splitlines()[0].endswith("; 3 years)")


def test_an_empty_search_lists_the_proxies():
    out = run("proxies", "search", "", "--limit", "3")
    assert out.exit_code == 0, out.stderr
    listed = run("proxies", "list", "--limit", "3")
    assert out.stdout == listed.stdout
    assert "proxies (the first 3 shown)" in out.stderr
    out = run("proxies", "search", "  ", "--category", "housing", "--limit", "2")
    assert out.stdout == run("proxies", "list", "--category", "housing", "--limit", "2").stdout


@pytest.mark.parametrize("columns", [80, 100, 120])
@pytest.mark.parametrize(
    "args",
    [
        ["sensitivity", HAND_WORKED],
        ["sensitivity", HOUSING, "--only", "switching"],
        ["simulate", UNCERTAIN, "-n", "200", "--seed", "1"],
    ],
    ids=["sensitivity", "switching-housing", "simulate"],
)
def test_tables_fit_the_terminal(args, columns):
    out = run(*args, columns=columns)
    assert out.exit_code == 0, out.stderr
    too_wide = [line for line in out.stdout.splitlines() if len(line) > columns]
    assert too_wide == []
