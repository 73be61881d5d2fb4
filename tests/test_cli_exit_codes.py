"""Every command of the command line, and each of its exit statuses.

The statuses are the ones ``sroi --help`` promises: 0 when the work is done; 1 when the
input is not valid (a model with a problem, a missing file, an unknown proxy id); 2 when
the command line itself is wrong (an unknown option, a missing argument, a value an option
does not allow). Each failure says what went wrong on stderr, in one short message, never a
Python traceback.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from sroi.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "council_contract.yaml"
DOCS = ROOT / "docs" / "examples"
LM3 = ["--income", "100000", "--local", "M5,M6,M7", "--respend", "staff=0.5,supplier=0.3"]


def run(*args: object):
    runner = CliRunner(env={"COLUMNS": "100"})
    return runner.invoke(cli, [str(a) for a in args], prog_name="sroi", catch_exceptions=False)


def commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every command, subcommands of groups included."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.fixture
def bad_model(tmp_path: Path) -> Path:
    """The council example with a deadweight of 150 % (not a fraction from 0 to 1)."""
    model = yaml.safe_load(EXAMPLE.read_text())
    model["outcomes"][0]["deadweight"] = 1.5
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(model))
    return path


def succeeding(tmp: Path) -> dict[tuple[str, ...], list[object]]:
    """For each command, arguments with which it does its work (status 0)."""
    return {
        ("evaluate",): [EXAMPLE],
        ("validate",): [EXAMPLE],
        ("check",): [EXAMPLE],
        ("template",): [tmp / "blank.xlsx"],
        ("convert",): [EXAMPLE, tmp / "model.json"],
        ("sensitivity",): [EXAMPLE],
        ("simulate",): [DOCS / "hand_worked_uncertain.yaml", "-n", "200", "--seed", "1"],
        ("schema",): [],
        ("proxies", "search"): ["homelessness", "-n", "3"],
        ("proxies", "list"): ["--category", "housing", "-n", "3"],
        ("proxies", "show"): ["ucd_ee1_2_fiscal"],
        ("report",): [EXAMPLE, "--md", tmp / "accounts.md"],
        ("compare",): [DOCS / "bid_acorn.yaml", DOCS / "bid_beacon.yaml"],
        ("monitor",): [DOCS / "promise.yaml", DOCS / "actuals.csv"],
        ("lm3",): [DOCS / "spend.csv", *LM3],
        ("portfolio",): [DOCS / "portfolio_outcomes.csv", DOCS / "portfolio_inputs.csv"],
    }


def failing_input(tmp: Path, bad: Path) -> dict[tuple[str, ...], tuple[list[object], str]]:
    """For each command, input that is not valid (status 1), and a word of the message."""
    missing = tmp / "no such file.yaml"
    return {
        ("evaluate",): ([bad], "deadweight"),
        ("validate",): ([bad], "deadweight"),
        ("check",): ([bad], "deadweight"),
        ("template",): ([tmp / "no such folder" / "blank.xlsx"], "no such folder"),
        ("convert",): ([bad, tmp / "out.json"], "deadweight"),
        ("sensitivity",): ([bad], "deadweight"),
        ("simulate",): ([bad, "-n", "10"], "deadweight"),
        ("proxies", "search"): (["x", "--proxies", missing], "no such file"),
        ("proxies", "list"): (["--proxies", missing], "no such file"),
        ("proxies", "show"): (["no_such_proxy_id"], "no_such_proxy_id"),
        ("report",): ([bad, "--md", tmp / "a.md"], "deadweight"),
        ("compare",): ([DOCS / "bid_acorn.yaml", bad], "deadweight"),
        ("monitor",): ([DOCS / "promise.yaml", missing], "no such file"),
        ("lm3",): ([missing, *LM3], "no such file"),
        ("portfolio",): ([missing, DOCS / "portfolio_inputs.csv"], "no such file"),
    }


def test_every_command_is_covered(tmp_path):
    assert sorted(succeeding(tmp_path)) == commands()
    # `sroi schema` reads nothing, so no input of it can be wrong
    assert sorted(failing_input(tmp_path, tmp_path)) == [p for p in commands() if p != ("schema",)]


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_help_exits_0(path):
    out = run(*path, "--help")
    assert out.exit_code == 0, out.stderr
    assert out.stdout.startswith("Usage: sroi " + " ".join(path))
    assert "Examples:" in out.stdout or path == ("schema",)


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_the_work_done_exits_0(path, tmp_path):
    out = run(*path, *succeeding(tmp_path)[path])
    assert out.exit_code == 0, out.stderr
    assert out.stdout.strip() or list(tmp_path.iterdir())


@pytest.mark.parametrize("path", [p for p in commands() if p != ("schema",)], ids=" ".join)
def test_input_that_is_not_valid_exits_1(path, tmp_path, bad_model):
    args, word = failing_input(tmp_path, bad_model)[path]
    out = run(*path, *args)
    assert out.exit_code == 1, (out.stdout, out.stderr)
    assert word.lower() in out.stderr.lower()
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("path", commands(), ids=" ".join)
def test_an_unknown_option_exits_2(path):
    out = run(*path, "--no-such-option")
    assert out.exit_code == 2
    assert "No such option '--no-such-option'" in out.stderr
    assert f"Try 'sroi {' '.join(path)} --help' for help." in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "path", [p for p in commands() if p not in {("schema",), ("proxies", "list")}], ids=" ".join
)
def test_a_missing_argument_exits_2(path):
    out = run(*path)
    assert out.exit_code == 2
    assert "Missing argument" in out.stderr
