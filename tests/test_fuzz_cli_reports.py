"""Fuzzing the command line, the sensitivity functions and the report writers.

Whatever they are given, these entry points give a valid answer or an :class:`sroi.SROIError`
that says where the problem is, never another exception, a traceback, or a figure that is
not a finite number:

- the command line (``evaluate``, ``validate``, ``report``, ``proxies search`` and
  ``proxies show``) over random options and random model files: exit status 0, 1 or 2,
  never a Python traceback, never a raw control character on the terminal;
- the sensitivity functions (``one_way``, ``switching_value``, ``switching_values``,
  ``tornado``, ``compare_scenarios``, ``simulate``) with random arguments: finite figures
  (or a missing one with its reason), or a located error;
- the report writers (``render_html``, ``render_markdown``, ``write_excel``) on models
  full of unicode, long and odd text: well-formed output, or a located error.

Every test is derandomised (the same examples on every run) and kept small enough that the
file runs in well under half a minute.
"""

from __future__ import annotations

import json
import math
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import sroi
from sroi.changes import PARAMETERS
from sroi.cli import cli
from sroi.report import render_html, render_markdown, write_excel
from sroi.sensitivity import (
    Simulation,
    SwitchingValue,
    compare_scenarios,
    one_way,
    simulate,
    switching_value,
    switching_values,
    tornado,
)
from tests._xlsx_formulas import Book, writers_own
from tests.conftest import models

pytestmark = pytest.mark.filterwarnings("ignore::sroi.errors.SROIWarning", "ignore::RuntimeWarning")


def fuzz(examples: int):
    """Hypothesis settings for these tests: deterministic, no deadline, no database."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# ------------------------------------------------------------------ strategies

ODD_TEXT = [
    "",
    " ",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+2",
    "＝1+1",
    "\x1b]0;pwned\x07\x1b[31mRed",
    "\x9b2J",
    "<script>alert(1)</script>",
    "a | b",
    "*bold* _it_ [link](http://x) `code` ~~s~~",
    "# heading",
    "$x^2$ and $",
    "_x0041_",
    "a\r\nb",
    "\t=1",
    "\u202eevil",
    "😀 Ω≈ç√ ﷺ",
    "\x00nul",
    "'quoted",
    "\\",
    "{{ 7*7 }} {% raw %}",
    "Other",
    "Other (no area given)",
    "Organisation",
    "History",
    "Summary",
    "Full text",
]

any_text = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(["x", "é", "=", "_x0041_", "\r\n", "😀", "|"]),
        st.integers(1, 36_000),
    ),
)
text = any_text.filter(str.strip)  # a field that must not be empty
area = st.one_of(st.none(), st.sampled_from(["Other", "Other (no area given)", "other"]), text)


@st.composite
def text_models(draw) -> dict[str, Any]:
    """Valid models whose every text field is fuzzed."""
    n = draw(st.integers(1, 3))
    return {
        "name": draw(text),
        "description": draw(any_text),
        "discount_rate": draw(st.sampled_from([0, 0.035, "green_book"])),
        "inputs": [
            {
                "stakeholder": draw(text),
                "description": draw(any_text),
                "amount": draw(st.floats(1.0, 1e6)),
                "year": draw(st.integers(0, 2)),
                "area": draw(area),
            }
            for _ in range(draw(st.integers(1, 2)))
        ],
        "outputs": [
            {"description": draw(text), "quantity": 3, "unit": draw(text), "area": draw(area)}
            for _ in range(draw(st.integers(0, 1)))
        ],
        "outcomes": [
            {
                "id": f"o{i}",
                "stakeholder": draw(text),
                "outcome": draw(text),
                "indicator": draw(any_text),
                "quantity": draw(st.floats(0.0, 1_000.0)),
                "value": draw(st.floats(-1_000.0, 1e5)),
                "duration": draw(st.integers(1, 4)),
                "deadweight": draw(st.floats(0.0, 0.9)),
                "value_type": draw(
                    st.sampled_from([None, "fiscal", "social", "wellbeing", "economic"])
                ),
                "bearer": draw(st.sampled_from([None, "NHS", "DWP:0.5;NHS:0.5"])),
                "area": draw(area),
            }
            for i in range(n)
        ],
    }


junk = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(ODD_TEXT),
        st.text(max_size=10),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@st.composite
def broken_models(draw) -> Any:
    """A valid model with one field (or the whole) replaced by something random."""
    model = draw(models(max_outcomes=2))
    where = draw(st.sampled_from(["model", "name", "inputs", "outcome", "field", "none"]))
    if where == "model":
        return draw(junk)
    if where == "name":
        model["name"] = draw(junk)
    elif where == "inputs":
        model["inputs"] = draw(junk)
    elif where == "outcome":
        model["outcomes"][0] = draw(junk)
    elif where == "field":
        key = draw(st.sampled_from(["quantity", "value", "duration", "deadweight", "drop_off"]))
        model["outcomes"][0][key] = draw(junk)
    return model


# ------------------------------------------------------------------ checks


def located(error: sroi.SROIError) -> None:
    """An SROIError that says where: at least one problem, and a location or a message."""
    problems = getattr(error, "problems", ())
    assert problems, error
    assert any(p.location for p in problems) or str(error), error


def finite_table(frame: pd.DataFrame, reason: str | None = None) -> None:
    """Every number in ``frame`` is finite; a missing one (``<NA>``/None) only where the
    row gives a reason (when the table has a ``reason`` column)."""
    for record in frame.reset_index().to_dict("records"):
        for column, x in record.items():
            if x is None or x is pd.NA:
                if reason is not None and column in ("switching_value", "ratio_at_value"):
                    assert record[reason], record
                continue
            if isinstance(x, (float, np.floating)):
                assert math.isfinite(x), (column, record)


def finite_switching(sv: SwitchingValue) -> None:
    for x in (sv.base, sv.value, sv.change, sv.relative_change, sv.ratio_at_value):
        assert x is None or math.isfinite(x), sv
    if sv.value is None:
        assert sv.reason, sv


def outcome_of(call) -> Any:
    """``call()``: its answer, or None after checking that an error is a located SROIError."""
    try:
        answer = call()
    except sroi.SROIError as exc:
        located(exc)
        event(f"error: {type(exc).__name__}")
        return None
    event("answer")
    return answer


# ------------------------------------------------------------------ the sensitivity functions

# Most arguments are good (so that the functions run to the end), some are not.
good_change = st.one_of(
    st.floats(0.0, 1.0),
    st.sampled_from(["+0.1", "-0.1", "*0.8", "*1.5", "+20%", "-20%", "-100%", "*0", 1, 3]),
)
bad_change = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 5),
    st.sampled_from(["*" + "9" * 400, "+" + "9" * 400 + "%", "*1e308", "abc", "20%"]),
    st.sampled_from([None, True, 10**400, [0.1], 1e308]),
)
change = st.one_of(good_change, good_change, good_change, bad_change)
parameter = st.one_of(
    st.sampled_from(list(PARAMETERS)),
    st.sampled_from(list(PARAMETERS)),
    st.sampled_from(["dead_weight", "", 5, None]),
)
outcome_id = st.one_of(st.none(), st.sampled_from(["o0", "o1", "o0", "o1", "nope", 5]))
target = st.one_of(
    st.floats(0.1, 5.0),
    st.floats(0.1, 5.0),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([None, "1", True, 10**400, 1e17, 1e300, 5e-324, -1.0, 0]),
)


def with_ids(model: dict[str, Any]) -> dict[str, Any]:
    for i, o in enumerate(model["outcomes"]):
        o["id"] = f"o{i}"
    return model


@fuzz(40)
@given(
    model=models(max_outcomes=3),
    name=parameter,
    settings_=st.one_of(
        st.tuples(st.lists(change, min_size=1, max_size=4), st.none()),
        st.tuples(st.none(), st.lists(st.floats(-1.0, 2.0), min_size=1, max_size=4)),
        st.tuples(st.none(), st.none()),
        st.tuples(
            st.one_of(st.none(), change, st.lists(change, max_size=4)),
            st.one_of(
                st.none(),
                st.floats(allow_nan=True),
                st.lists(
                    st.one_of(st.floats(allow_nan=True), st.sampled_from(["abc", 10**400, 1e308])),
                    max_size=3,
                ),
            ),
        ),
    ),
    outcome=outcome_id,
)
def test_fuzz_one_way(model, name, settings_, outcome):
    values, relative = settings_
    table = outcome_of(
        lambda: one_way(with_ids(model), name, values, relative=relative, outcome=outcome)
    )
    if table is not None:
        finite_table(table)


@fuzz(30)
@given(model=models(max_outcomes=3), name=parameter, outcome=outcome_id, target=target)
def test_fuzz_switching_value(model, name, outcome, target):
    sv = outcome_of(lambda: switching_value(with_ids(model), name, outcome, target_ratio=target))
    if sv is not None:
        finite_switching(sv)


@fuzz(15)
@given(model=models(max_outcomes=3), target=target)
def test_fuzz_switching_values(model, target):
    table = outcome_of(lambda: switching_values(with_ids(model), target_ratio=target))
    if table is not None:
        finite_table(table, reason="reason")


@fuzz(40)
@given(
    model=models(max_outcomes=3),
    ranges=st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(list(PARAMETERS)), st.tuples(parameter, outcome_id)),
            st.tuples(good_change, good_change),
            min_size=1,
            max_size=3,
        ),
        st.dictionaries(
            st.one_of(
                parameter, st.tuples(parameter, outcome_id), st.tuples(parameter), st.integers()
            ),
            st.one_of(st.tuples(change, change), change, st.lists(change, max_size=3)),
            max_size=3,
        ),
        junk,
    ),
)
def test_fuzz_tornado(model, ranges):
    table = outcome_of(lambda: tornado(with_ids(model), ranges))
    if table is not None:
        finite_table(table)


scenario = st.dictionaries(
    st.one_of(st.sampled_from(list(PARAMETERS)), st.text(max_size=5)),
    change,
    max_size=3,
)


@fuzz(40)
@given(
    model=models(max_outcomes=3),
    scenarios=st.one_of(
        st.none(),
        st.dictionaries(
            st.text(max_size=6),
            st.one_of(
                scenario,
                st.builds(
                    lambda top, oid, inner: {**top, "outcomes": {oid: inner}},
                    scenario,
                    outcome_id,
                    scenario,
                ),
            ),
            max_size=3,
        ),
        junk,
    ),
)
def test_fuzz_compare_scenarios(model, scenarios):
    table = outcome_of(lambda: compare_scenarios(with_ids(model), scenarios))
    if table is not None:
        finite_table(table)


@st.composite
def uncertain_models(draw) -> dict[str, Any]:
    model = with_ids(draw(models(max_outcomes=2)))
    o = model["outcomes"][0]
    low = draw(st.floats(0.0, 0.5))
    o["deadweight"] = {"distribution": "triangular", "low": low, "mode": low, "high": 0.6}
    o["value"] = {
        "distribution": "normal",
        "mean": float(o["value"]),
        "sd": draw(st.sampled_from([0.0, 10.0, 1e4])),
    }
    return model


@fuzz(30)
@given(
    model=uncertain_models(),
    n=st.one_of(
        st.integers(1, 300), st.integers(-2, 300), st.sampled_from([10**20, "10", 2.5, None, True])
    ),
    seed=st.one_of(
        st.none(), st.integers(0, 2**70), st.integers(-3, 5), st.sampled_from([1.5, "1", True])
    ),
    chunk_size=st.one_of(
        st.none(), st.none(), st.integers(1, 10**9), st.sampled_from([0, -1, 0.5, "1"])
    ),
)
def test_fuzz_simulate(model, n, seed, chunk_size):
    sim = outcome_of(lambda: simulate(model, n, seed=seed, chunk_size=chunk_size))
    if sim is None:
        return
    assert isinstance(sim, Simulation) and sim.n == n
    assert np.isfinite(sim.ratio).all() and np.isfinite(sim.npv).all()
    finite_table(sim.summary())
    assert json.loads(json.dumps(sim.to_dict(), allow_nan=False))["draws"] == n


# ------------------------------------------------------------------ the report writers

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}


class _Balanced(HTMLParser):
    """Every element closed in order; no script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag != "script"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
            self.stack.pop()


def well_formed_html(page: str) -> None:
    checker = _Balanced()
    checker.feed(page)
    checker.close()
    assert checker.stack == [], checker.stack
    assert page.lstrip().lower().startswith("<!doctype html>")


def well_formed_markdown(text: str) -> None:
    """Every table keeps its shape: each row has as many cells as the header."""
    import re

    table: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            width = len(re.split(r"(?<!\\)\|", table[0][1:-1]))
            for row in table:
                assert row.endswith("|"), row[-80:]
                assert len(re.split(r"(?<!\\)\|", row[1:-1])) == width, row[:200]
            table = []
    assert "<script" not in text


def well_formed_workbook(path: Path) -> None:
    written = Book(path)
    book = written.book
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # only the writer's own, never from user text
                    writers_own(written, sheet.title, cell.value)
                elif isinstance(cell.value, str):
                    assert len(cell.value) <= 32_767
    names = [s.casefold() for s in book.sheetnames]
    assert len(set(names)) == len(names)


@fuzz(25)
@given(model=text_models())
def test_fuzz_report_writers_on_odd_text(model):
    result = outcome_of(lambda: sroi.evaluate(model))
    if result is None:
        return
    page = outcome_of(lambda: render_html(result, charts=False))
    if page is not None:
        well_formed_html(page)
    text = outcome_of(lambda: render_markdown(result))
    if text is not None:
        well_formed_markdown(text)
    with tempfile.TemporaryDirectory() as folder:
        written = outcome_of(lambda: write_excel(result, Path(folder) / "r.xlsx"))
        if written is not None:
            well_formed_workbook(written)
    accounts = sroi.report.social_accounts(result)
    names = [a.name for a in accounts.accounts]
    assert len(set(names)) == len(names)


@fuzz(3)
@given(model=text_models())
def test_fuzz_html_charts_on_odd_text(model):
    result = outcome_of(lambda: sroi.evaluate(model))
    if result is not None:
        page = outcome_of(lambda: render_html(result, charts=True))
        if page is not None:
            well_formed_html(page)


# ------------------------------------------------------------------ the command line

CONTROLS = [chr(c) for c in (*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def cli_ran(args: list[str]) -> None:
    """Exit 0, 1 or 2; no traceback; no raw control character on the terminal."""
    run = CliRunner().invoke(cli, args)
    event(f"exit {run.exit_code}")
    assert run.exit_code in (0, 1, 2), (args, run.exit_code, run.output[-500:])
    assert run.exception is None or isinstance(run.exception, SystemExit), (
        args,
        repr(run.exception),
    )
    out = run.stdout + run.stderr
    assert "Traceback" not in out
    assert not any(c in out for c in CONTROLS), out[:300]


def write_model(folder: Path, model: Any, form: str) -> Path:
    if form == "yaml":
        path = folder / "model.yaml"
        try:
            path.write_text(yaml.safe_dump(model, allow_unicode=True), encoding="utf-8")
        except yaml.YAMLError:
            path.write_text("name: [unclosed", encoding="utf-8")
    elif form == "json":
        path = folder / "model.json"
        path.write_text(json.dumps(model), encoding="utf-8")
    else:
        path = folder / ("model." + form.split(":")[1])
        path.write_bytes(bytes(range(256)) * 3 if form == "bytes:yaml" else b"PK\x03\x04junk")
    return path


option_value = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=8))
good_options = st.lists(
    st.one_of(
        st.tuples(st.just("--discount-rate"), st.sampled_from(["0.035", "green_book", "0"])),
        st.tuples(st.just("--price-year"), st.sampled_from(["2024", "2023/24", "2015"])),
        st.tuples(st.just("--deflator"), st.sampled_from(["hmt", "ucd"])),
        st.tuples(st.just("--format"), st.sampled_from(["table", "json", "csv"])),
    ),
    max_size=3,
)
evaluate_options = st.lists(
    st.one_of(
        st.tuples(
            st.just("--discount-rate"),
            st.one_of(
                st.sampled_from(["0.035", "green_book", "0.05,0.04", "-1", "1e400", "nan"]),
                option_value,
            ),
        ),
        st.tuples(
            st.just("--price-year"),
            st.one_of(st.sampled_from(["2024", "2023/24", "²⁰²⁴", "1800", "99999"]), option_value),
        ),
        st.tuples(st.just("--deflator"), st.sampled_from(["hmt", "ucd", "xyz"])),
        st.tuples(st.just("--format"), st.sampled_from(["table", "json", "csv", "xml"])),
        st.tuples(st.just("--proxies"), st.sampled_from(["missing.csv", "bad.csv"])),
        st.tuples(st.sampled_from(["--unknown", "-z"])),
    ),
    max_size=3,
)


@fuzz(40)
@given(
    model=st.one_of(text_models(), text_models(), broken_models()),
    form=st.sampled_from(["yaml", "json", "yaml", "json", "bytes:yaml", "bytes:xlsx"]),
    command=st.sampled_from(["evaluate", "validate", "shortcut"]),
    options=st.one_of(good_options, evaluate_options),
)
def test_fuzz_cli_evaluate_and_validate(model, form, command, options):
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        (here / "bad.csv").write_bytes(b"id,value\n\xff\xfe,=1\n")
        path = write_model(here, model, form)
        args = [] if command == "shortcut" else [command]
        args.append(str(path))
        for option in options:
            if command == "validate" and option[0] != "--proxies":
                continue
            args += [str(here / o) if o.endswith(".csv") else o for o in option]
        cli_ran(args)


@fuzz(12)
@given(
    model=st.one_of(text_models(), text_models(), broken_models()),
    outputs=st.lists(
        st.sampled_from(["--md", "--xlsx", "--md", "--xlsx", "--md-dir", "--none"]),
        min_size=1,
        max_size=2,
    ),
)
def test_fuzz_cli_report(model, outputs):
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        args = ["report", str(write_model(here, model, "json"))]
        for output in outputs:
            if output == "--md":
                args += ["--md", str(here / "r.md")]
            elif output == "--xlsx":
                args += ["--xlsx", str(here / "r.xlsx")]
            elif output == "--md-dir":
                args += ["--md", str(here / "no such folder" / "r.md")]
        cli_ran(args)


@fuzz(30)
@given(
    words=st.one_of(st.sampled_from(["homeless", "mental health", "", "work"]), option_value),
    limit=st.one_of(st.integers(1, 20).map(str), st.integers(-2, 10**30).map(str), option_value),
    extra=st.lists(
        st.tuples(
            st.sampled_from(["--category", "--value-type", "--proxies"]),
            st.one_of(
                st.sampled_from(["fiscal", "health", "bad.csv", "missing.csv"]), option_value
            ),
        ),
        max_size=2,
    ),
    proxy_id=st.one_of(
        st.sampled_from(["ucd_jsa_claimant_into_work_fiscal_total", "gp_visit"]), option_value
    ),
)
def test_fuzz_cli_proxies(words, limit, extra, proxy_id):
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        (here / "bad.csv").write_bytes(b"id,name\n\x1b[31m,=cmd\n")
        options = [str(here / v) if v.endswith(".csv") else v for pair in extra for v in pair]
        cli_ran(["proxies", "search", words, "--limit", limit, *options])
        proxies = [v for pair in extra if pair[0] == "--proxies" for v in pair]
        cli_ran(["proxies", "show", proxy_id, *[str(here / v) if v.endswith(".csv") else v
                                                 for v in proxies]])  # fmt: skip
