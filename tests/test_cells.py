"""One rule against spreadsheet formula injection, used by every spreadsheet-like writer.

The rule lives in ``sroi.io.cells``: text that begins with ``= + - @``, a tab, a carriage
return or a full-width ``＝ ＋ － ＠`` is neutralised. The model's CSV tables and workbook,
the impact-map workbook, the social-accounts workbook and the Markdown report all use it,
and the readers give back exactly the text that was written.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sroi
from sroi.io import read_model, write_model
from sroi.io.cells import (
    FORMULA_STARTS,
    protect,
    starts_formula,
    unprotect,
    xml_escape,
    xml_strip,
    xml_unescape,
)
from sroi.model import Model
from sroi.report import render_markdown, write_excel, write_impact_map
from sroi.report.excel import cell_text
from sroi.report.markdown import markdown_escape, md
from tests._xlsx_formulas import Book, writers_own

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ["=1+1", "+1", "-1+2", "@SUM(1)", "\t=1", "＝1+1", "＠SUM(1)"]
FULL_WIDTH = ["＝1+1", "＋1", "－1+2", "＠SUM(1)"]


def payload_model(payloads=PAYLOADS) -> Model:
    """Every payload as text in the model, and as a scenario name (which keeps a tab)."""
    return Model.from_dict(
        {
            "name": payloads[0],
            "description": payloads[-1],
            "inputs": [
                {"stakeholder": p, "description": p, "amount": 1_000, "area": p}
                for p in payloads
            ],
            "outputs": [{"description": p, "quantity": 1, "unit": p} for p in payloads],
            "outcomes": [
                {"id": f"o{i}", "stakeholder": p, "outcome": p, "indicator": p, "source": p,
                 "quantity": 1, "value": 5_000, "duration": 1, "area": p}
                for i, p in enumerate(payloads)
            ],
            "scenarios": {p: {"deadweight": 0.1} for p in payloads},
        }
    )  # fmt: skip


def stored(payload: str) -> str:
    """The payload as a model keeps it in a text field (surrounding whitespace stripped)."""
    return payload.strip()


# --------------------------------------------------------------------------------------
# The rule itself.


@pytest.mark.parametrize("payload", [*PAYLOADS, *FULL_WIDTH, "\r=1"])
def test_every_payload_is_a_formula_and_is_quoted_then_restored(payload):
    assert starts_formula(payload)
    assert protect(payload) == "'" + payload
    assert not starts_formula(protect(payload))
    assert unprotect(protect(payload)) == payload


@pytest.mark.parametrize("text", ["Tenants", "", "'tis", " =1", "#N/A", "1e5", "_x0041_"])
def test_other_text_is_left_alone(text):
    assert not starts_formula(text)
    assert protect(text) == text
    assert unprotect(text) == text


def test_full_width_forms_are_treated_like_ascii():
    for ascii_, wide in zip("=+-@", "＝＋－＠", strict=True):
        assert ascii_ in FORMULA_STARTS and wide in FORMULA_STARTS
        assert protect(wide + "x") == "'" + wide + "x"
        assert protect("'" + wide + "x") == "''" + wide + "x"
        assert unprotect("''" + wide + "x") == "'" + wide + "x"


@given(st.text(st.sampled_from("'=+-@\t\r＝＋－＠ab")))
def test_the_quote_rule_round_trips_every_text(text):
    assert unprotect(protect(text)) == text
    assert not starts_formula(protect(text))


@given(st.text(st.sampled_from("'=+-@\t\r＝＋－＠_x0Da\x01\ud800")))
def test_a_report_cell_is_the_model_cell_less_what_cannot_be_stored(text):
    # the social-accounts workbook writes text exactly as the model's workbook does,
    # except that it drops what a workbook cannot store (it is never read back)
    assert cell_text(text) == xml_escape(protect(xml_strip(text)))
    assert unprotect(xml_unescape(cell_text(text))) == xml_strip(text)


def test_markdown_escaping_is_separate_from_the_formula_rule():
    # Markdown syntax, not formulas: escaped by markdown_escape alone
    assert markdown_escape("# title") == "\\# title"
    assert markdown_escape("a | b") == "a \\| b"
    assert not starts_formula("#N/A") and md("#N/A") == "\\#N/A"
    # formulas: left to the shared rule, which md applies after markdown_escape
    for payload in PAYLOADS:
        assert markdown_escape(payload) == payload.strip()
        assert md(payload) == "\\" + payload.strip()


# --------------------------------------------------------------------------------------
# Every writer.


def test_csv_neutralises_every_payload_and_reads_it_back(tmp_path):
    m = payload_model()
    folder = write_model(m, tmp_path / "m")
    with open(folder / "outcomes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row, payload in zip(rows, PAYLOADS, strict=True):
        for column in ("stakeholder", "outcome", "indicator", "source", "area"):
            assert row[column] == "'" + stored(payload)
    with open(folder / "scenarios.csv", newline="", encoding="utf-8") as f:
        names = [r["name"] for r in csv.DictReader(f)]
    assert names == ["'" + p for p in PAYLOADS]  # "\t=1" kept whole
    for path in folder.iterdir():
        for record in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
            assert not any(starts_formula(cell) for cell in record), (path.name, record)
    assert read_model(folder) == m
    assert read_model(write_model(m, tmp_path / "m.zip")) == m


def test_excel_model_neutralises_every_payload_and_reads_it_back(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    m = payload_model()
    path = write_model(m, tmp_path / "m.xlsx")
    book = openpyxl.load_workbook(path)
    texts = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not starts_formula(cell.value), (ws.title, cell.value)
                    texts.add(cell.value)
    assert {"'" + stored(p) for p in PAYLOADS} <= texts
    assert "'\t=1" in texts  # the scenario name
    assert read_model(path) == m


def test_impact_map_workbook_neutralises_every_payload(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    m = payload_model()
    result = sroi.evaluate(m)
    path = write_impact_map(result, tmp_path / "impact_map.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Impact map"]
    header = [c.value for c in sheet[1]]
    column = header.index("stakeholder") + 1
    written = [sheet.cell(row=i + 2, column=column).value for i in range(len(PAYLOADS))]
    assert written == ["'" + stored(p) for p in PAYLOADS]
    assert read_model(path) == m


def test_command_line_csv_neutralises_every_payload(tmp_path):
    """`sroi evaluate --format csv` is for a spreadsheet too: the same rule."""
    import csv
    import io

    from click.testing import CliRunner

    from sroi.cli import cli

    path = write_model(payload_model(), tmp_path / "m.yaml")
    out = CliRunner().invoke(cli, ["evaluate", str(path), "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["stakeholder"] for r in rows] == ["'" + stored(p) for p in PAYLOADS]
    for row in rows:
        for text in row.values():
            assert not starts_formula(text), text


def test_excel_report_neutralises_every_payload(tmp_path):
    pytest.importorskip("openpyxl")
    result = sroi.evaluate(payload_model())
    written = Book(write_excel(result, tmp_path / "r.xlsx"))
    book = written.book
    texts = set()
    formulas = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    # only the writer's own totals, shares and ratios: references to the
                    # workbook's sheets, SUM, IFERROR and "none", never a payload
                    writers_own(written, ws.title, cell.value)
                    formulas += 1
                elif isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    # text that begins like a formula is either escaped with a visible "'"
                    # (user text) or marked with Excel's quote prefix (sroi's own "+20 %")
                    assert not starts_formula(cell.value) or cell.quotePrefix, (
                        ws.title,
                        cell.value,
                    )
                    if cell.quotePrefix:  # sroi's own words, in its sensitivity tables
                        assert ws.title == "Sensitivity", (ws.title, cell.value)
                    texts.add(cell.value)
    assert {"'" + stored(p) for p in PAYLOADS} <= texts
    assert formulas > 0
    for payload in PAYLOADS:
        assert cell_text(payload) == "'" + payload


def test_markdown_report_neutralises_every_payload():
    text = render_markdown(sroi.evaluate(payload_model()))
    for payload in PAYLOADS:
        assert "\\" + stored(payload) in text
    rule = re.compile(r"^\|( *-+:? *\|)+$")
    for line in text.splitlines():
        if line.startswith("|") and not rule.match(line):
            for cell in line.strip().strip("|").split(" | "):
                assert not starts_formula(cell.strip()), line
    # nor does a paragraph or list item start a formula
    for line in text.splitlines():
        assert not starts_formula(re.sub(r"^(#+ |- )", "", line)), line


# --------------------------------------------------------------------------------------
# The layering: reading a model needs neither the result nor the reports.


def _imports(path: Path) -> set[str]:
    """The modules a file imports when it runs (not those only named for type checkers)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "sroi" / "io").glob("*.py")), ids=lambda p: p.name)
def test_io_imports_neither_the_result_nor_the_reports(path):
    imported = _imports(path)
    for higher in ("sroi.result", "sroi.report", "sroi.sensitivity", "sroi.evaluation"):
        assert not any(m == higher or m.startswith(higher + ".") for m in imported), higher


def test_yaml_json_readers_import_nothing_of_the_model():
    # yaml_json, and the io modules it uses (limits, text, the YAML loader), import
    # nothing of sroi but the errors: the model imports them.
    leaves = {"sroi.io.limits", "sroi.io.text", "sroi.io._yaml"}
    for name in ("yaml_json", "limits", "text", "_yaml"):
        imported = _imports(ROOT / "sroi" / "io" / f"{name}.py")
        assert not {m for m in imported if m.startswith("sroi.") and m != "sroi.errors"} - leaves


def test_write_model_takes_a_result_but_writes_only_its_model(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    result = sroi.evaluate(payload_model(PAYLOADS[:2]))
    path = write_model(result, tmp_path / "m.xlsx")
    book = openpyxl.load_workbook(path)
    assert "Results" not in book.sheetnames
    assert "gross" not in [c.value for c in book["Impact map"][1]]
    assert read_model(path) == result.model
    assert read_model(write_model(result, tmp_path / "m.yaml")) == result.model


def test_write_impact_map_lives_with_the_reports_and_stays_reachable_from_sroi_io():
    import sroi.io

    assert sroi.io.write_impact_map is write_impact_map
    with pytest.raises(sroi.ModelError, match=r"needs a sroi\.Result"):
        write_impact_map(payload_model(), "never.xlsx")
