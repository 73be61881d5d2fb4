"""The ``sroi`` command line: every command, every exit code, errors on stderr."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import sroi
from sroi.cli import cli, main
from tests.conftest import hand_worked

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.joinpath("examples").glob("*.yaml"))
COUNCIL = ROOT / "examples" / "council_contract.yaml"
JSA = "ucd_ee1_0_fiscal"


def run(*args: str):
    """Invoke the command line in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def model_file(tmp_path) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(hand_worked()))
    return path


@pytest.fixture
def bad_model_file(tmp_path) -> Path:
    model = hand_worked()
    model["outcomes"][0]["deadweight"] = 2
    model["outcomes"][0]["drop_off"] = -0.1
    model["inputs"][0]["amount"] = "lots"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(model))
    return path


# ------------------------------------------------------------------ evaluate


# The headline block `sroi evaluate` prints for each example; the figures are worked
# independently of sroi by worked_figures() below.
EXAMPLE_HEADLINES = {
    "council_contract.yaml": """\
SROI: Highways contract social value offer (GBP, 2024 prices; discounted at 3.5 %; 4 years)
  Present value of outcomes         £293,960.75
  Total investment (present value)  £239,247.34
  Net present value                 £54,713.41
  SROI ratio                        £1.23 per £1 invested
  Net SROI ratio                    £0.23 per £1 invested
  Payback                           17.1 months
  Discounted payback                1.74 years""",
    "housing_community_investment.yaml": """\
SROI: Community investment programme (GBP, 2024 prices; discounted at the Green \
Book's 3.5 % declining schedule; 3 years)
  Present value of outcomes         £290,714.55
  Total investment (present value)  £152,900.00
  Net present value                 £137,814.55
  SROI ratio                        £1.90 per £1 invested
  Net SROI ratio                    £0.90 per £1 invested
  Payback                           7.0 months
  Discounted payback                0.60 years""",
}


def worked_figures(path: Path) -> list[str]:
    """An example's headline figures, as text, worked from its model file and data/ alone.

    Each proxy value is moved from its price year to the model's with the HM Treasury
    deflator (financial years; a calendar year Y is 1/4 of Y-1/Y and 3/4 of Y/Y+1); then
    impact(t) = q v (1 - dw)(1 - dp)(1 - at)(1 - d)^(t - s), discounted at 3.5 % a year
    (the Green Book rate for years 1-30), and the investment likewise.
    """
    model = yaml.safe_load(path.read_text(encoding="utf-8"))
    deflators = pd.read_csv(ROOT / "data" / "gdp_deflators.csv", dtype=str)
    index = dict(deflators.query("series == 'hmt'")[["year", "index"]].to_numpy())
    proxies = pd.read_csv(ROOT / "data" / "unit_costs.csv", dtype=str).set_index("id")

    def deflator(year: str) -> float:
        if "/" in year:
            return float(index[year])
        y = int(year)
        before, during = f"{y - 1}/{str(y)[2:]}", f"{y}/{str(y + 1)[2:]}"
        return 0.25 * float(index[before]) + 0.75 * float(index[during])

    assert model["discount_rate"] in (0.035, "green_book")
    impact: dict[int, float] = {}
    for o in model["outcomes"]:
        proxy = proxies.loc[o["proxy"]]
        # a yearly value per unit of the quantity, or one per event: a factor of 1 either way
        assert proxy["unit"] in (f"GBP / {o['unit']} / year", f"GBP / {o['unit']}")
        value = float(proxy["value"]) * deflator(str(model["price_year"]))
        value /= deflator(proxy["price_year"])
        first = o["quantity"] * value
        for deduction in ("deadweight", "displacement", "attribution"):
            first *= 1 - o.get(deduction, 0.0)
        s = o.get("start_year", 1)
        for t in range(s, s + o["duration"]):
            impact[t] = impact.get(t, 0.0) + first * (1 - o.get("drop_off", 0.0)) ** (t - s)
    assert max(impact) <= 30
    pv_by_year = [impact.get(t, 0.0) / 1.035**t for t in range(max(impact) + 1)]
    pv = sum(pv_by_year)
    investment = sum(i["amount"] / 1.035 ** i.get("year", 0) for i in model["inputs"])
    payback = investment / (impact[min(impact)] / 12)
    cumulative = np.cumsum(pv_by_year)
    assert cumulative[-1] >= investment > 0
    t = int(np.argmax(cumulative >= investment))  # the year the investment is repaid
    discounted_payback = t - 1 + (investment - cumulative[t - 1]) / pv_by_year[t]
    return [
        f"£{pv:,.2f}",
        f"£{investment:,.2f}",
        f"£{pv - investment:,.2f}",
        f"£{pv / investment:.2f} per £1 invested",
        f"£{(pv - investment) / investment:.2f} per £1 invested",
        f"{payback:.1f} months",
        f"{discounted_payback:.2f} years",
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_evaluate_table_prints_the_summary(path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # wide enough for every line unwrapped
    out = run("evaluate", path)
    assert out.exit_code == 0, out.stderr
    headline = EXAMPLE_HEADLINES[path.name].splitlines()
    printed = out.stdout.splitlines()
    # the line under the present value says how much of it is transfers (benefits paid)
    transfers = sroi.evaluate(path).transfer_present_value
    assert printed[2].startswith("    of which transfers") and f"£{transfers:,.2f}" in printed[2]
    assert [printed[0], printed[1], *printed[3 : len(headline) + 1]] == headline
    assert [line.split("  ")[-1].strip() for line in headline[1:]] == worked_figures(path)
    assert out.stderr == ""


def test_evaluate_hand_worked_figures(model_file):
    out = run("evaluate", model_file)
    assert out.exit_code == 0
    assert "£171,241.88" in out.stdout and "26.7 months" in out.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_evaluate_json_matches_the_library(path):
    out = run("evaluate", path, "--format", "json")
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    result = sroi.evaluate(path)
    assert data["results"]["ratio"] == pytest.approx(result.ratio, rel=1e-12)
    assert data["results"]["present_value"] == pytest.approx(result.present_value, rel=1e-12)
    assert data["sroi_version"] == sroi.__version__
    assert out.stdout.startswith('{\n  "sroi_version"')  # indent 2


def test_evaluate_csv_is_the_impact_map():
    out = run("evaluate", COUNCIL, "--format", "csv")
    assert out.exit_code == 0
    frame = pd.read_csv(io.StringIO(out.stdout))
    expected = sroi.evaluate(COUNCIL).by_outcome
    assert list(frame.columns) == list(expected.columns)
    assert list(frame["id"]) == list(expected["id"])
    assert frame["present_value"].to_numpy() == pytest.approx(expected["present_value"])
    assert frame["present_value"].sum() == pytest.approx(sroi.evaluate(COUNCIL).present_value)


def test_discount_rate_zero_gives_undiscounted_figures(model_file):
    out = run("evaluate", model_file, "--discount-rate", "0", "-f", "json")
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert data["results"]["present_value"] == pytest.approx(67_500 + 60_750 + 54_675)
    assert data["results"]["ratio"] == pytest.approx(
        sroi.evaluate(model_file, discount_rate=0).ratio, rel=1e-12
    )
    assert data["parameters"]["discount_rate_from"] == "argument"


@pytest.mark.parametrize("rate", ["green_book_health", "0.05,0.04", "0.1"])
def test_discount_rate_forms(model_file, rate):
    out = run("evaluate", model_file, "-r", rate, "-f", "json")
    assert out.exit_code == 0, out.stderr
    given: float | str | list[float]
    if rate[0].isalpha():
        given = rate
    elif "," in rate:
        given = [float(r) for r in rate.split(",")]
    else:
        given = float(rate)
    expected = sroi.evaluate(model_file, discount_rate=given)
    assert json.loads(out.stdout)["results"]["ratio"] == pytest.approx(expected.ratio, rel=1e-12)


def test_price_year_restates_like_evaluate():
    out = run("evaluate", COUNCIL, "--price-year", "2020", "--format", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    expected = sroi.evaluate(COUNCIL, price_year=2020)
    assert data["parameters"]["price_year"] == 2020
    assert data["results"]["present_value"] == pytest.approx(expected.present_value, rel=1e-12)
    assert data["results"]["present_value"] != pytest.approx(
        sroi.evaluate(COUNCIL).present_value, rel=1e-6
    )
    financial = run("evaluate", COUNCIL, "-p", "2020/21", "-f", "json")
    assert financial.exit_code == 0, financial.stderr
    assert json.loads(financial.stdout)["results"]["present_value"] == pytest.approx(
        sroi.evaluate(COUNCIL, price_year="2020/21").present_value, rel=1e-12
    )


def test_deflator_choice_changes_figures_as_evaluate_does(tmp_path):
    model = {
        "name": "Into work",
        "price_year": "2014/15",
        "inputs": [{"stakeholder": "Council", "amount": 10_000}],
        "outcomes": [
            {"stakeholder": "Residents", "outcome": "Work", "quantity": 1, "unit": "person"}
            | {"duration": 1, "proxy": JSA}
        ],
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model))
    figures = {}
    for series in ("hmt", "ucd"):
        out = run("evaluate", path, "--deflator", series, "-f", "json")
        assert out.exit_code == 0, out.stderr
        figures[series] = json.loads(out.stdout)["results"]["present_value"]
        expected = sroi.evaluate(path, deflator=series).present_value
        assert figures[series] == pytest.approx(expected, rel=1e-12)
    assert figures["hmt"] != pytest.approx(figures["ucd"], rel=1e-6)


def test_price_year_outside_the_deflator_series_is_exit_1():
    out = run("evaluate", COUNCIL, "--price-year", "2100")
    assert out.exit_code == 1
    assert "no GDP deflator for 2100" in out.stderr and out.stdout == ""


def test_own_proxy_table_is_merged_over_the_bundled_one(tmp_path):
    bundled = sroi.proxies.load()
    mine = bundled.to_frame()
    mine = mine[mine["id"] == JSA].assign(value=20_000.0, source="our own figure (test)")
    csv = tmp_path / "mine.csv"
    mine.to_csv(csv, index=False)
    model = {
        "name": "Into work",
        "price_year": "2012/13",
        "inputs": [{"stakeholder": "Council", "amount": 10_000}],
        "outcomes": [
            {"stakeholder": "Residents", "outcome": "Work", "quantity": 1, "unit": "person"}
            | {"duration": 1, "proxy": JSA}
        ],
    }
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model))
    out = run("evaluate", path, "--proxies", csv, "-f", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["results"]["present_value"] == pytest.approx(20_000 / 1.035)
    assert "Warning:" in out.stderr and JSA in out.stderr  # the replaced bundled row is named
    show = run("proxies", "show", JSA, "--proxies", csv)
    assert "20,000.00" in show.stdout and "our own figure (test)" in show.stdout


def test_missing_proxy_table_is_exit_1(model_file, tmp_path):
    out = run("evaluate", model_file, "--proxies", tmp_path / "absent.csv")
    assert out.exit_code == 1
    assert "absent.csv: no such file" in out.stderr


# ------------------------------------------------------------------ errors and exit codes


def test_bad_model_lists_every_location_on_stderr(bad_model_file):
    for command in ("evaluate", "validate"):
        out = run(command, bad_model_file)
        assert out.exit_code == 1
        assert out.stdout == ""
        lines = out.stderr.splitlines()
        assert lines[0] == f"Error: 3 problems in {bad_model_file}:"
        locations = [line.strip().split(":")[0] for line in lines[1:]]
        assert sorted(locations) == [
            "inputs[0].amount",
            "outcomes[0].deadweight",
            "outcomes[0].drop_off",
        ]
        assert "Traceback" not in out.output


def test_missing_file_is_exit_1(tmp_path):
    absent = tmp_path / "absent.yaml"
    for command in ("evaluate", "validate"):
        out = run(command, absent)
        assert out.exit_code == 1
        assert out.stderr.strip() == f"Error: {absent}: no such file"


def test_unknown_proxy_in_a_model_is_exit_1_with_suggestions(tmp_path):
    model = hand_worked()
    del model["outcomes"][0]["value"]
    model["outcomes"][0]["proxy"] = "ucd_jsa_claimant_into_work_fiscal_totl"  # an older id
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(model))
    out = run("validate", path)
    assert out.exit_code == 1
    assert "outcomes[0].proxy: unknown financial proxy" in out.stderr
    assert f"closest ids: {JSA}" in out.stderr


def test_unit_error_is_exit_1(tmp_path):
    model = hand_worked()
    del model["outcomes"][0]["value"]
    model["outcomes"][0] |= {"proxy": "ucd_he20_2_fiscal", "unit": "tonne"}
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(model))
    out = run("evaluate", path)
    assert out.exit_code == 1, out.stdout
    assert out.stderr.startswith("Error: ") and "Traceback" not in out.output


def test_zero_investment_is_exit_1(tmp_path):
    model = hand_worked()
    model["inputs"][0]["amount"] = 0
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(model))
    out = run("validate", path)
    assert out.exit_code == 1
    assert "total investment is 0" in out.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate",),
        ("evaluate", "{model}", "--format", "xml"),
        ("evaluate", "{model}", "--discount-rate", "fast"),
        ("evaluate", "{model}", "--discount-rate", "1.5"),
        ("evaluate", "{model}", "--price-year", "2024/26"),
        ("evaluate", "{model}", "--deflator", "ons"),
        ("evaluate", "{model}", "--no-such-option"),
        ("frobnicate",),
        ("proxies", "search", "work", "--limit", "0"),
        ("proxies", "search", "work", "--category", "fun"),
    ],
)
def test_usage_errors_are_exit_2(model_file, args):
    out = run(*(a.format(model=model_file) for a in args))
    assert out.exit_code == 2
    assert "Usage:" in out.stderr and "Traceback" not in out.output


def test_suspicious_input_warns_on_stderr(tmp_path):
    model = hand_worked()
    model["outcomes"][0] |= {"deadweight": 0.9, "attribution": 0.5}
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(model))
    out = run("evaluate", path)
    assert out.exit_code == 0
    assert out.stderr.startswith("Warning: outcomes[0]: deadweight, displacement and attribution")
    assert "SROIWarning" not in out.stderr  # no Python file/line noise


# ------------------------------------------------------------------ validate and schema


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_validate_examples(path):
    out = run("validate", path)
    model = sroi.load_model(path)
    n, k = len(model.outcomes), len(model.inputs)
    assert out.exit_code == 0
    assert out.stdout == f"{path}: valid ({n} outcomes, {k} inputs)\n"


def test_validate_singular(model_file):
    out = run("validate", model_file)
    assert out.stdout == f"{model_file}: valid (1 outcome, 1 input)\n"


def test_schema_is_the_model_schema():
    out = run("schema")
    assert out.exit_code == 0
    schema = json.loads(out.stdout)
    assert schema == sroi.model_schema()
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(hand_worked())


# ------------------------------------------------------------------ proxies


def test_proxies_search_table():
    out = run("proxies", "search", "rough sleeping")
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["id", "value", "unit", "price", "year", "value", "type", "bearer"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split()[:2] == ["ucd_ho6_0_fiscal", "7,900.00"]
    assert "2010/11" in lines[2] and "fiscal" in lines[2] and "Local authority" in lines[2]


def test_proxies_search_limit_and_filters(monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    out = run("proxies", "search", "work", "-n", "3", "--value-type", "fiscal")
    assert out.exit_code == 0
    rows = out.stdout.splitlines()[2:]
    table = sroi.proxies.load()
    expected = table.filter(value_type="fiscal").search("work", limit=3).ids
    assert [r.split()[0] for r in rows] == list(expected)
    assert all(table.get(r.split()[0]).value_type == "fiscal" for r in rows)
    out = run("proxies", "search", "offence", "--category", "housing", "--category", "crime")
    # a long bearer split wraps onto indented lines under its row
    ids = [r.split()[0] for r in out.stdout.splitlines()[2:] if r and not r.startswith(" ")]
    assert ids and {table.get(i).category for i in ids} <= {"housing", "crime"}


def test_proxies_search_shows_bearer_split():
    out = run("proxies", "search", JSA, "-n", "1")
    assert "DWP 94% / NHS 6%" in out.stdout.splitlines()[2]


def test_proxies_search_without_matches():
    out = run("proxies", "search", "zzzzqqq")
    assert out.exit_code == 0
    assert out.stdout == "" and "No proxy matches 'zzzzqqq'." in out.stderr


def test_proxies_show_every_field():
    out = run("proxies", "show", JSA)
    assert out.exit_code == 0
    proxy = sroi.proxies.load().get(JSA)
    text = " ".join(out.stdout.split())  # undo the wrapping
    for label in ("id", "name", "value", "source", "licence", "note", "bearer split"):
        assert any(line.startswith(label) for line in out.stdout.splitlines()), label
    for field in (proxy.source, proxy.licence, proxy.note, proxy.name, proxy.confidence):
        assert " ".join(field.split()) in text
    assert "9,800.00 GBP / person / year (2012/13 prices)" in text
    assert "DWP: 94%, NHS: 6%" in text
    assert "fair_employment: Create fair employment and good work for all" in text


def test_proxies_show_unknown_id_suggests():
    # a misspelt older id suggests the id that replaces it
    out = run("proxies", "show", "ucd_gp_face_to_face_consultaton")
    assert out.exit_code == 1
    assert out.stdout == ""
    assert out.stderr.strip() == (
        "Error: unknown financial proxy 'ucd_gp_face_to_face_consultaton'; "
        "closest ids: ucd_he20_2_fiscal"
    )


# ------------------------------------------------------------------ help, version, entry points


@pytest.mark.parametrize(
    "command",
    [
        (),
        ("evaluate",),
        ("validate",),
        ("schema",),
        ("proxies",),
        ("proxies", "search"),
        ("proxies", "show"),
    ],
)
def test_help_everywhere(command):
    out = run(*command, "--help")
    assert out.exit_code == 0
    assert "Usage:" in out.stdout and len(out.stdout.splitlines()) > 4


def test_help_is_useful():
    top = run("--help").stdout
    for word in ("evaluate", "validate", "schema", "proxies", "Exit status"):
        assert word in top
    evaluate_help = run("evaluate", "--help").stdout
    for word in ("--discount-rate", "green_book", "--price-year", "--deflator", "--proxies"):
        assert word in evaluate_help
    assert "--json" not in evaluate_help  # the old flag still works but is not advertised


def test_version():
    out = run("--version")
    assert out.exit_code == 0
    assert out.stdout.strip() == f"sroi, version {sroi.__version__}"


def test_old_forms_still_work(model_file):
    """``python -m sroi MODEL [--json]`` was the command line before subcommands."""
    out = run(model_file)
    assert out.exit_code == 0 and "£171,241.88" in out.stdout
    out = run(model_file, "--json", "--discount-rate", "0")
    assert json.loads(out.stdout)["results"]["present_value"] == pytest.approx(182_925)


def test_main_exits_with_the_status(model_file, bad_model_file, capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", str(model_file)])
    assert info.value.code == 0
    assert "valid" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["validate", str(bad_model_file)])
    assert info.value.code == 1
    assert "outcomes[0].deadweight" in capsys.readouterr().err


def test_python_dash_m_sroi_runs_the_demo():
    done = subprocess.run(
        [sys.executable, "-m", "sroi", "evaluate", "examples/council_contract.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SROI: Highways contract social value offer")
    assert done.stderr == ""


def test_validate_and_evaluate_read_workbooks_and_csv_folders(tmp_path):
    pytest.importorskip("openpyxl")
    model = sroi.load_model(
        Path(__file__).resolve().parent.parent / "examples" / "council_contract.yaml"
    )
    for target in (tmp_path / "m.xlsx", tmp_path / "tables"):
        path = sroi.write_model(model, target)
        done = CliRunner().invoke(cli, ["validate", str(path)])
        assert done.exit_code == 0, done.output
        done = CliRunner().invoke(cli, ["evaluate", str(path), "--format", "json"])
        assert done.exit_code == 0
        assert json.loads(done.stdout)["results"]["ratio"] == pytest.approx(
            sroi.evaluate(model).ratio
        )


# ------------------------------------------------------------------ issue 9: terminal escapes

PWNED = "\x1b]0;pwned\x07\x1b[31mRed"
UNSAFE = ("\x1b", "\x07", "\x9b", "\r", "\u202e", "\x00")


def _terminal_safe(text: str) -> None:
    for c in UNSAFE:
        assert c not in text, (c, text[:200])


def test_cli_prints_terminal_escape_sequences_from_model_names_written_out(tmp_path):
    model = hand_worked()
    model["name"] = PWNED
    model["description"] = "CSI \x9b2J and a bell \x07 and \u202eevil\r"
    model["outcomes"][0]["stakeholder"] = "Stake\x1b[2Jholder"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model))
    for fmt in ("table", "json", "csv"):
        out = run("evaluate", path, "-f", fmt)
        assert out.exit_code == 0, out.stderr
        _terminal_safe(out.stdout)
        _terminal_safe(out.stderr)
    table = run("evaluate", path).stdout
    assert "\\x1b]0;pwned\\x07\\x1b[31mRed" in table  # shown, not obeyed, nothing dropped
    # JSON stays valid JSON and keeps the exact text
    data = json.loads(run("evaluate", path, "-f", "json").stdout)
    assert data["model"]["name"] == PWNED
    assert data["model"]["outcomes"][0]["stakeholder"] == "Stake\x1b[2Jholder"
    csv = pd.read_csv(io.StringIO(run("evaluate", path, "-f", "csv").stdout))
    assert csv.loc[0, "stakeholder"] == "Stake\\x1b[2Jholder"
    valid = run("validate", path)
    assert valid.exit_code == 0
    _terminal_safe(valid.stdout)


def test_cli_errors_and_usage_errors_write_control_characters_out(tmp_path, model_file):
    # a file name, an unexpected argument and a bad field's text, each with escapes
    missing = run("evaluate", tmp_path / f"{PWNED}.yaml")
    assert missing.exit_code == 1 and "\\x1b]0;pwned" in missing.stderr
    extra = run("evaluate", model_file, PWNED)
    assert extra.exit_code == 2 and "\\x1b[31mRed" in extra.stderr
    bad = hand_worked()
    bad["outcomes"][0]["duration"] = PWNED
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    invalid = run("evaluate", path)
    assert invalid.exit_code == 1 and "outcomes[0].duration" in invalid.stderr
    for out in (missing, extra, invalid):
        _terminal_safe(out.stdout + out.stderr)


def test_cli_proxy_commands_write_control_characters_out(tmp_path):
    mine = sroi.proxies.load().to_frame()
    mine = mine[mine["id"] == JSA].assign(name=f"Into work {PWNED}", note="a\x9b2Jb")
    csv = tmp_path / "mine.csv"
    mine.to_csv(csv, index=False)
    search = run("proxies", "search", "into work", "--proxies", csv)
    show = run("proxies", "show", JSA, "--proxies", csv)
    assert show.exit_code == 0 and "\\x1b]0;pwned" in show.stdout and "a\\x9b2Jb" in show.stdout
    for out in (search, show):
        _terminal_safe(out.stdout + out.stderr)


@pytest.mark.parametrize("columns", [60, 80, 100])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_evaluate_table_fits_the_terminal(path, columns, monkeypatch):
    """Every line fits the terminal's width, and nothing is lost by fitting it."""
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run("evaluate", path)
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert max(map(len, lines)) <= columns, max(lines, key=len)
    result = sroi.evaluate(path)
    text = " ".join(" ".join(line.split()) for line in lines)
    for row in result.by_outcome.itertuples():
        # each outcome's name (whole, never cut) and its present value are shown
        assert f"{row.stakeholder}: {row.outcome}" in text
        assert f"£{row.present_value:,.0f}" in text
    for figure in (result.present_value, result.total_investment, result.npv):
        assert f"£{figure:,.2f}" in text


def test_summary_without_a_width_is_unchanged_by_the_terminal(monkeypatch):
    """``Result.summary()`` (no width) is the same text whatever the terminal."""
    result = sroi.evaluate(EXAMPLES[0])
    monkeypatch.setenv("COLUMNS", "60")
    narrow = result.summary()
    monkeypatch.setenv("COLUMNS", "200")
    assert result.summary() == narrow == str(result)
    assert max(map(len, result.summary(width=200).splitlines())) <= 200


def _words(text: str) -> Counter:
    """The words of ``text``, however it is wrapped: split at spaces and hyphens (a wrapped
    line may break after a hyphen; a table's rule is hyphens only)."""
    return Counter(w.rstrip(":") for w in re.split(r"[\s\-]+", text) if w.rstrip(":"))


# Commands that print a table or text, with arguments with which they do their work; the
# model-writing commands (template, convert, report) and schema (JSON) are left out.
_PRINTING = ("evaluate", "validate", "check", "sensitivity", "simulate", "compare", "monitor")
_PRINTING += ("lm3", "portfolio", "proxies")


def _printing_invocations(tmp: Path) -> dict[str, list[str]]:
    from tests.test_cli_exit_codes import succeeding

    found = {
        " ".join(command): [*command, *map(str, args)]
        for command, args in succeeding(tmp).items()
        if command[0] in _PRINTING
    }
    found["proxies list (all)"] = ["proxies", "list"]
    return found


@pytest.mark.parametrize("columns", [80, 100])
@pytest.mark.parametrize(
    "name",
    sorted(_printing_invocations(Path("unused"))),
)
def test_every_command_fits_the_terminal(name, columns, monkeypatch, tmp_path):
    """Every line of stdout and stderr fits the terminal, and no word or figure printed on
    a wide terminal is lost on a narrow one (only the layout changes)."""
    args = _printing_invocations(tmp_path)[name]
    monkeypatch.setenv("COLUMNS", "160")
    wide = run(*args)
    monkeypatch.setenv("COLUMNS", str(columns))
    out = run(*args)
    assert out.exit_code == wide.exit_code == 0, out.stderr
    for stream in (out.stdout, out.stderr):
        lines = stream.splitlines() or [""]
        assert max(map(len, lines)) <= columns, max(lines, key=len)
    if name == "evaluate":
        return  # its table shows more columns when wide: see the test above
    for narrow, whole in ((out.stdout, wide.stdout), (out.stderr, wide.stderr)):
        lost = _words(whole) - _words(narrow)
        assert not lost, f"lost on a {columns}-column terminal: {sorted(lost)}"
    assert len(out.stdout.split()) > 5  # the command printed its table or text


def test_fitted_text_keeps_every_cell_of_a_wide_table():
    """A library's table too wide for the terminal is laid out again in narrower
    columns: each heading and figure still there, each line within the width."""
    from sroi.cli import _fitted

    text = (
        "Title line\n"
        "  outcome          due to date  delivered  delivery   value due  value delivered\n"
        "  local_jobs                20         17     85.0%  £96,618.36       £82,125.60\n"
    )
    # the longest words and figures take 61 characters with the gaps between them
    fitted = _fitted(text, width=64)
    assert max(map(len, fitted.splitlines())) <= 64
    assert _words(fitted) == _words(text)
    # the figures stay on the row of their outcome, right-aligned in their column
    row = next(line for line in fitted.splitlines() if "local_jobs" in line)
    assert row.split() == ["local_jobs", "20", "17", "85.0%", "£96,618.36", "£82,125.60"]
    # text that fits is left exactly as it is
    assert _fitted(text, width=100) == text


HOUSING = ROOT / "examples" / "housing_community_investment.yaml"


def test_sensitivity_one_way_is_the_reports_tornado():
    """``sroi sensitivity`` moves each estimate as the published report's tornado does
    (one set of ranges, :func:`sroi.sensitivity.one_way.reading_ranges`): the same rows,
    the same ratios."""
    from sroi.report import _common

    out = run("sensitivity", HOUSING, "--only", "one-way", "--format", "json")
    assert out.exit_code == 0, out.stderr
    rows = json.loads(out.stdout)["one_way"]["rows"]
    cli_rows = {(r["parameter"], r["outcome"]): (r["ratio_low"], r["ratio_high"]) for r in rows}
    # the report's rows, largest swing first as in the command's table
    report = _common.sensitivity(sroi.evaluate(HOUSING))["tornado"]["frame"]
    assert len(report) == len(rows) == 12  # 6 values, 4 deductions, duration, investment
    pairs = [(r["ratio_low"], r["ratio_high"]) for r in rows]
    assert np.allclose(pairs, report[["ratio_low", "ratio_high"]].to_numpy(), rtol=1e-12)
    # durations a year shorter and longer, not 20 % (which whole years mostly round away)
    low, high = cli_rows[("duration", None)]
    assert (round(low, 2), round(high, 2)) == (1.69, 3.28)
    table = run("sensitivity", HOUSING, "--only", "one-way").stdout
    row = next(line for line in table.splitlines() if line.startswith("Years the outcome"))
    assert "1 year less" in row and "1 year more" in row


def test_sensitivity_says_what_a_proportional_change_did_to_durations():
    """Moved by a factor, durations round to whole years: the table says what changed."""
    out = run("sensitivity", HOUSING, "--only", "one-way", "--range=-20%,+20%", "-P", "duration")
    assert out.exit_code == 0, out.stderr
    text = " ".join(out.stdout.split())
    # durations of 1, 2 and 3 years: x0.8 gives 0.8, 1.6, 2.4, rounded 1, 2, 2
    assert "-20 % takes 3 years to 2 and leaves 1 and 2 years as they are" in text
    # x1.2 gives 1.2, 2.4, 3.6, rounded 1, 2, 4
    assert "+20 % takes 3 years to 4 and leaves 1 and 2 years as they are" in text


def test_sensitivity_and_simulate_name_outcomes_in_words(monkeypatch):
    """Outcomes by name (stakeholder: outcome), parameters as people write them; the
    machine formats keep the ids."""
    monkeypatch.setenv("COLUMNS", "160")
    out = run("sensitivity", HOUSING, "--only", "switching")
    assert out.exit_code == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "Tenants given money advice: Less financial stress" in text
    assert "advice_wellbeing" not in text and "drop_off" not in text
    assert "no drop-off in [0, 1]" in text
    machine = json.loads(run("sensitivity", HOUSING, "--only", "switching", "-f", "json").stdout)
    assert "advice_wellbeing" in {r["outcome"] for r in machine["switching_values"]}
    uncertain = ROOT / "docs" / "examples" / "hand_worked_uncertain.yaml"
    out = run("simulate", uncertain, "-n", "50", "--seed", "1")
    assert out.exit_code == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "outcomes[0]" not in text
    assert 'uncertain: Quantity of "Moved into work" (Participants); Deadweight of' in text


@pytest.mark.parametrize(
    "args",
    [
        ["validate", ROOT / "docs" / "examples" / "typo.yaml"],
        ["evaluate", "a folder/" + "a_file_with_a_long_name_" * 4 + ".yaml"],
    ],
    ids=["problems", "unbreakable path"],
)
def test_errors_are_wrapped_on_a_terminal_and_kept_whole_in_a_pipe(args, monkeypatch):
    """On a terminal, an error's lines are wrapped to its width (a path is never broken);
    in a pipe or a log each problem stays on one line, for grep."""
    monkeypatch.setenv("COLUMNS", "80")
    piped = run(*args)
    monkeypatch.setattr("sroi.cli._stderr_is_terminal", lambda: True)
    shown = run(*args)
    assert shown.exit_code == piped.exit_code == 1
    assert _words(shown.stderr) == _words(piped.stderr)
    assert max(map(len, piped.stderr.splitlines())) > 80  # the test has a line to wrap
    for line in shown.stderr.splitlines():
        assert len(line) <= 80 or " " not in line.strip(), line  # only a word too long
    if "typo" in str(args[1]):
        # "25 %" kept together
        assert shown.stderr.splitlines()[1:3] == [
            "  outcomes[0].attribution: must be a fraction between 0 and 1, e.g. 0.25 for",
            "    25 % (got 1.5)",
        ]
