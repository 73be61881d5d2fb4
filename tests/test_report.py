"""Social accounts (sroi.report): arithmetic by hand, traces, and the three writers.

The hand-worked model has two areas and things without an area, discounted at 10 % so
every present value is a round number:

inputs
  [0] Advice, cash,           10,000 in year 0  -> PV 10,000
  [1] Advice, staff time,      2,200 in year 1  -> PV  2,200 / 1.1 = 2,000
  [2] Garden, volunteer time,  1,000 in year 0  -> PV  1,000
  [3] (no area), in kind,        500 in year 0  -> PV    500
outcomes
  arrears   Advice  fiscal, LA 50 % / DWP 50 %: 20 x 550 = 11,000 in year 1 -> PV 10,000
  gp        Advice  fiscal, NHS:                55 x 100 =  5,500 in year 1 -> PV  5,000
  wellbeing Garden  wellbeing: 10 x 1,210 x (1 - 0.5) = 6,050 in years 1 and 2
                    -> 6,050 / 1.1 + 6,050 / 1.21 = 5,500 + 5,000 = 10,500
  food      (no area), value type not given: 1 x 1,100 in year 1 -> PV 1,000

Advice:  inputs 12,200 as spent, 12,000 at PV; value 15,000, all fiscal (LA 5,000, DWP
         5,000, NHS 5,000); ratio 15,000 / 12,000 = 1.25
Garden:  inputs 1,000; value 10,500 wellbeing; no costs saved; ratio 10.5
Other:   inputs 500; value 1,000 (not given); ratio 2
Whole:   inputs 13,700 as spent, 13,500 at PV; value 26,500; costs saved 15,000;
         ratio 26,500 / 13,500 = 1.96296...
"""

from __future__ import annotations

import copy
import html
import json
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import sroi
from sroi.cli import cli
from sroi.report import _common as common
from sroi.report import render_html, render_markdown, social_accounts, write_excel
from sroi.report.accounts import NOT_GIVEN
from sroi.report.excel import cell_text, safe_sheet_name
from sroi.report.markdown import md
from tests._xlsx_formulas import Book, writers_own

ROOT = Path(__file__).resolve().parent.parent
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"

MODEL = {
    "name": "Estate",
    "discount_rate": 0.10,
    "inputs": [
        {"stakeholder": "HA", "description": "Advisers", "amount": 10_000, "area": "Advice"},
        {
            "stakeholder": "HA",
            "description": "Manager's time",
            "amount": 2_200,
            "year": 1,
            "kind": "staff_time",
            "area": "Advice",
        },
        {
            "stakeholder": "Volunteers",
            "amount": 1_000,
            "kind": "volunteer_time",
            "area": "Garden",
        },
        {"stakeholder": "Council", "description": "Hall", "amount": 500, "kind": "in_kind"},
    ],
    "outputs": [
        {
            "description": "Households advised",
            "quantity": 40,
            "unit": "households",
            "area": "Advice",
        },
        {"description": "Garden sessions", "quantity": 12, "unit": "sessions", "area": "Garden"},
    ],
    "outcomes": [
        {
            "id": "arrears",
            "stakeholder": "Council",
            "outcome": "Fewer evictions",
            "quantity": 20,
            "value": 550,
            "duration": 1,
            "value_type": "fiscal",
            "bearer": "Local authority:0.5;DWP:0.5",
            "area": "Advice",
        },
        {
            "id": "gp",
            "stakeholder": "NHS",
            "outcome": "Fewer GP visits",
            "quantity": 55,
            "value": 100,
            "duration": 1,
            "value_type": "fiscal",
            "bearer": "NHS",
            "area": "Advice",
        },
        {
            "id": "wellbeing",
            "stakeholder": "Gardeners",
            "outcome": "Wellbeing",
            "quantity": 10,
            "value": 1_210,
            "duration": 2,
            "deadweight": 0.5,
            "value_type": "wellbeing",
            "area": "Garden",
        },
        {
            "id": "food",
            "stakeholder": "Gardeners",
            "outcome": "Fresh food",
            "quantity": 1,
            "value": 1_100,
            "duration": 1,
        },
    ],
}


def model(**changes):
    out = copy.deepcopy(MODEL)
    out.update(changes)
    return out


@pytest.fixture(scope="module")
def result():
    return sroi.evaluate(model())


@pytest.fixture(scope="module")
def accounts(result):
    return social_accounts(result)


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-9)


# ------------------------------------------------------------------ accounts by hand


def test_areas_in_order_then_other(accounts):
    assert [a.name for a in accounts.areas] == ["Advice", "Garden", "Other"]
    assert [a.kind for a in accounts.areas] == ["area", "area", "other"]
    assert "name no area" in accounts.area("Other").note
    assert any("Other" in n for n in accounts.notes)


def test_advice_by_hand(accounts):
    a = accounts.area("Advice")
    assert a.input_amount.amount == approx(10_000 + 2_200)
    assert a.investment.amount == approx(10_000 + 2_200 / 1.1)
    cash, staff, volunteers, in_kind = a.input_present_values
    assert (cash.label, cash.amount, cash.inputs) == ("Cash", approx(10_000), (0,))
    assert (staff.label, staff.amount, staff.inputs) == ("Staff time", approx(2_000), (1,))
    assert volunteers.amount == 0 and in_kind.amount == 0
    assert a.input_amounts[1].amount == approx(2_200)  # staff time as spent
    assert a.present_value.amount == approx(20 * 550 / 1.1 + 55 * 100 / 1.1)  # 15,000
    assert a.value_of_type("fiscal").amount == approx(15_000)
    assert a.value_of_type("wellbeing").amount == 0
    assert a.costs_saved.amount == approx(15_000)
    assert {f.label: f.amount for f in a.costs_saved_by_bearer} == {
        "Local authority": approx(0.5 * 10_000),
        "DWP": approx(0.5 * 10_000),
        "NHS": approx(5_000),
    }
    assert a.ratio == approx(15_000 / 12_000)
    assert a.ratio_reason == ""
    assert a.npv == approx(3_000)
    assert [o.description for o in a.outputs] == ["Households advised"]


def test_garden_and_other_by_hand(accounts):
    g = accounts.area("Garden")
    assert g.investment.amount == approx(1_000)
    assert g.input_amounts[2].label == "Volunteer time"
    assert g.input_amounts[2].amount == approx(1_000)
    assert g.present_value.amount == approx(6_050 / 1.1 + 6_050 / 1.1**2)  # 10,500
    assert g.value_of_type("wellbeing").amount == approx(10_500)
    assert g.costs_saved.amount == 0 and g.costs_saved_by_bearer == ()
    assert g.ratio == approx(10.5)
    o = accounts.area("Other")
    assert o.investment.amount == approx(500)
    assert o.input_amounts[3].label == "In kind"
    assert o.value_of_type(NOT_GIVEN).amount == approx(1_000)
    assert o.ratio == approx(2.0)
    assert o.outputs == ()


def test_organisation_by_hand(accounts, result):
    org = accounts.organisation
    assert org.input_amount.amount == approx(13_700)
    assert org.investment.amount == approx(13_500)
    assert org.present_value.amount == approx(26_500)
    assert org.costs_saved.amount == approx(15_000)
    assert org.saved_by("NHS").amount == approx(5_000)
    assert org.ratio == approx(26_500 / 13_500)
    assert accounts.value_types == ("wellbeing", "fiscal", NOT_GIVEN)
    # and the evaluation agrees
    assert org.present_value.amount == approx(result.present_value)
    assert org.investment.amount == approx(result.total_investment)
    assert org.ratio == approx(result.ratio)


def test_areas_add_up_to_the_organisation_exactly(accounts):
    areas, org = accounts.areas, accounts.organisation

    def total(pick):
        return math.fsum(pick(a) for a in areas)

    assert total(lambda a: a.present_value.amount) == org.present_value.amount
    assert total(lambda a: a.investment.amount) == org.investment.amount
    assert total(lambda a: a.input_amount.amount) == org.input_amount.amount
    assert total(lambda a: a.costs_saved.amount) == org.costs_saved.amount
    for i, figure in enumerate(org.input_present_values):
        assert total(lambda a, i=i: a.input_present_values[i].amount) == figure.amount
    for figure in org.value_by_type:
        assert total(lambda a, f=figure: a.value_of_type(f.label).amount) == figure.amount
    for figure in org.costs_saved_by_bearer:
        assert total(lambda a, f=figure: a.saved_by(f.label).amount) == figure.amount
    # every row is in exactly one area
    assert sorted(x.index for a in areas for x in a.inputs) == [0, 1, 2, 3]
    assert sorted(o.id for a in areas for o in a.outcomes) == sorted(
        sroi.Model.from_dict(MODEL).outcome_ids
    )
    assert sum(len(a.outputs) for a in areas) == len(org.outputs) == 2


def test_areas_add_up_on_the_housing_example():
    r = sroi.evaluate(HOUSING)
    acc = social_accounts(r)
    assert [a.name for a in acc.areas] == ["Financial inclusion", "Young people", "Healthy eating"]
    # The organisation's figures are the evaluation's own, to the bit; the areas' sum may
    # differ from them in the last bits only (the engine adds outcomes in model order, the
    # areas each add their own), which the accounts' note on rounding says.
    org = acc.organisation.present_value.amount
    assert org == r.present_value and acc.organisation.ratio == r.ratio
    assert abs(math.fsum(a.present_value.amount for a in acc.areas) - org) <= 8 * math.ulp(org)
    # costs saved by bearer agree with result.breakdown("bearer") restricted to fiscal outcomes
    fiscal = r.by_outcome[r.by_outcome["value_type"] == "fiscal"]
    assert acc.organisation.costs_saved.amount == approx(fiscal["present_value"].sum())
    assert acc.organisation.saved_by("DWP").amount == approx(
        r.breakdown("bearer").set_index("bearer").loc["DWP", "present_value"]
    )


def test_every_figure_traces_to_its_rows(accounts):
    advice = accounts.area("Advice")
    assert advice.present_value.outcomes == ("arrears", "gp")
    assert advice.investment.inputs == (0, 1)
    assert advice.investment.rows == ("inputs[0]", "inputs[1]")
    assert advice.saved_by("DWP").outcomes == ("arrears",)
    org = accounts.organisation
    assert org.saved_by("NHS").outcomes == ("gp",)
    assert org.present_value.outcomes == ("arrears", "gp", "wellbeing", "food")
    assert org.investment.inputs == (0, 1, 2, 3)
    assert org.value_of_type("fiscal").rows == ("arrears", "gp")


def test_model_without_areas():
    m = model()
    for field in ("inputs", "outputs", "outcomes"):
        for item in m[field]:
            item.pop("area", None)
    r = sroi.evaluate(m)
    acc = social_accounts(r)
    assert acc.areas == ()
    assert "names no areas" in acc.organisation.note
    assert acc.organisation.present_value.amount == approx(26_500)
    assert acc.organisation.ratio == approx(r.ratio)
    assert len(acc.summary()) == 1


def test_area_without_inputs_has_no_ratio_and_says_why():
    m = model()
    m["inputs"] = [i for i in m["inputs"] if i.get("area") != "Garden"]
    acc = social_accounts(sroi.evaluate(m))
    garden = acc.area("Garden")
    assert garden.ratio is None
    assert "no inputs" in garden.ratio_reason
    assert garden.present_value.amount == approx(10_500)
    assert acc.organisation.ratio == approx(26_500 / 12_500)
    assert math.isnan(acc.summary().set_index("account").loc["Garden", "ratio"])


def test_an_area_called_other_is_not_merged_with_unassigned_rows():
    m = model()
    m["inputs"][2]["area"] = "Other"
    m["outcomes"][2]["area"] = "Other"
    m["outputs"][1]["area"] = "Other"
    acc = social_accounts(sroi.evaluate(m))
    assert [a.name for a in acc.areas] == ["Advice", "Other", "Other (no area given)"]


def test_unknown_area_is_a_key_error(accounts):
    with pytest.raises(KeyError, match="Advice, Garden, Other"):
        accounts.area("Nowhere")


# ------------------------------------------------------------------ HTML

NASTY = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def nasty_result():
    m = model(name=NASTY, description="Scope <b>bold</b> & more")
    m["inputs"][0]["stakeholder"] = "=cmd|' /C calc'!A0"
    m["inputs"][1]["description"] = "+1+1"
    m["outcomes"][0]["stakeholder"] = "@SUM(1+1)"
    m["outcomes"][1]["outcome"] = "-2+3 | pipes | and <i>tags</i>"
    m["outcomes"][2]["stakeholder"] = "\tTabbed"
    m["outputs"][0]["description"] = '=HYPERLINK("http://evil")'
    for field in ("inputs", "outputs", "outcomes"):
        for item in m[field]:
            if item.get("area") == "Garden":
                item["area"] = "Garden: [plots] 1/2 *?"
    return sroi.evaluate(m)


def test_html_shows_ratio_area_totals_and_escapes_user_text(result, accounts, nasty_result):
    pytest.importorskip("jinja2")
    page = render_html(result, charts=False)
    assert "£1.96 per £1" in page  # 26,500 / 13,500
    assert "£1.25 per £1" in page and "£10.50 per £1" in page
    for a in accounts.areas:
        assert f">{a.name}</h2>" in page
    for text in ("£15,000.00", "£10,500.00", "£1,000.00", "£26,500.00", "£13,500.00"):
        assert text in page
    nasty = render_html(nasty_result, charts=False)
    assert "<script" not in nasty
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in nasty
    assert "<b>bold</b>" not in nasty and "&lt;b&gt;bold&lt;/b&gt;" in nasty
    assert "<i>tags</i>" not in nasty


def test_html_links_resolve_and_nothing_is_fetched(result):
    pytest.importorskip("jinja2")
    pytest.importorskip("matplotlib")
    page = render_html(result)
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    targets = set(re.findall(r'href="#([^"]+)"', page))
    assert targets and targets <= ids, targets - ids
    for oid in ("arrears", "gp", "wellbeing", "food"):
        assert f"outcome-{oid}" in ids
    assert {"input-0", "input-3", "output-1"} <= ids
    sources = re.findall(r'\b(?:src|href)="([^"#][^"]*)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "<link" not in page and "<script" not in page and "@import" not in page
    assert "@media print" in page


def test_write_html_writes_a_file(result, tmp_path):
    pytest.importorskip("jinja2")
    from sroi.report import write_html

    path = write_html(result, tmp_path / "r.html", charts=False)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# ------------------------------------------------------------------ Markdown


def _cells(line: str) -> list[str]:
    assert line.startswith("| ") and line.endswith(" |"), line
    return re.split(r"(?<!\\)\|", line[1:-1])


def _tables(text: str) -> list[list[str]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


@pytest.mark.parametrize("which", ["plain", "nasty"])
def test_markdown_tables_are_well_formed(which, result, nasty_result):
    text = render_markdown(result if which == "plain" else nasty_result)
    tables = _tables(text)
    assert len(tables) >= 10
    for table in tables:
        width = len(_cells(table[0]))
        assert re.fullmatch(r"\|( -{3} \|| -{3}: \|)+", table[1]), table[1]
        for line in table:
            assert len(_cells(line)) == width, line
    # every table is preceded by a blank line (GFM needs it after a paragraph)
    assert "\n\n| " in text


def test_markdown_neutralises_user_text(nasty_result):
    text = render_markdown(nasty_result)
    assert "<script" not in text and "&lt;script&gt;" in text
    assert "<i>" not in text and "<b>" not in text
    assert "\\-2+3 \\| pipes \\| and &lt;i&gt;tags&lt;/i&gt;" in text
    assert "\\=cmd\\|' /C calc'!A0" in text
    assert "\\@SUM(1+1)" in text
    assert re.search(r"(?m)\| =|\| \+|\| @", text) is None  # no cell starts a formula


def test_markdown_contains_the_accounts(result, accounts):
    text = render_markdown(result)
    assert "| SROI ratio | £1.96 per £1 |" in text
    for a in accounts.areas:
        assert f"## {a.name}\n" in text
    assert '<a id="outcome-arrears"></a>Fewer evictions' in text
    assert "[Fewer evictions](#outcome-arrears)" in text
    assert "No ratio" not in text


def test_md_escape():
    assert md("a|b") == "a\\|b"
    assert md("x\ny\tz") == "x y z"
    assert md("=1") == "\\=1" and md("+1") == "\\+1" and md("@a") == "\\@a"
    assert md("[link](javascript:x)") == "\\[link\\](javascript:x)"
    assert md(None) == ""


# ------------------------------------------------------------------ Excel


def test_cell_text_and_sheet_names():
    for payload in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1"):
        assert cell_text(payload).startswith("'")
    assert cell_text("Tenants") == "Tenants"
    assert cell_text("a\x00b") == "ab"
    name = safe_sheet_name("Garden: [plots] 1/2 *?\\")
    assert not set(name) & set("[]:*?/\\") and len(name) <= 31
    taken: list[str] = ["Summary", "Impact map"]
    for _ in range(3):
        taken.append(safe_sheet_name("x" * 40, taken))
    assert len({t.lower() for t in taken}) == 5
    assert all(len(t) <= 31 for t in taken)
    assert safe_sheet_name("History") != "History"
    assert safe_sheet_name("'quoted'") == "quoted"
    assert safe_sheet_name("") == "Area"


def test_excel_text_is_text_and_numbers_are_numbers(nasty_result, tmp_path):
    pytest.importorskip("openpyxl")
    path = write_excel(nasty_result, tmp_path / "r.xlsx")
    b = Book(path)
    book = b.book
    assert book.sheetnames[0] == "Summary" and "Impact map" in book.sheetnames
    assert "Garden plots 12" in book.sheetnames
    for name in book.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    payloads = ("=", "+", "-", "@", "\t", "\r")
    seen = set()
    formulas = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    # only the writer's own formulas (references, SUM, IFERROR, "none"),
                    # never one made from user text; each adds up numbers, not text
                    writers_own(b, ws.title, cell.value)
                    for leaf in b.leaves(ws.title, cell.coordinate):
                        number = book[leaf[0]][leaf[1]]
                        assert number.data_type == "n", (ws.title, cell.coordinate, leaf)
                        assert isinstance(number.value, (int, float)), (leaf, number.value)
                    formulas += 1
                elif isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    # sroi's own signed words ("+20 %") are text by Excel's quote prefix
                    own = cell.quotePrefix and ws.title == "Sensitivity"
                    assert own or not cell.value.startswith(payloads), (ws.title, cell.value)
                    if "cmd|" in cell.value or "HYPERLINK" in cell.value or "SUM(1" in cell.value:
                        seen.add(cell.value)
    assert formulas > 20
    assert {"'=cmd|' /C calc'!A0", "'@SUM(1+1)", '\'=HYPERLINK("http://evil")'} <= seen
    # numbers where numbers are: the headline figures are formulas giving sroi's figures
    # and the hand-worked ones (26,500 / 13,500; Advice 15,000, all of it fiscal)
    ratio, cell = b.at("Summary", "SROI ratio", 2, first=True)
    assert cell.data_type == "f" and cell.number_format == "0.00"
    assert ratio == pytest.approx(26_500 / 13_500, abs=1e-12)
    assert ratio == pytest.approx(nasty_result.ratio, abs=0.005)
    pv, cell = b.at("Summary", "Present value of outcomes", 2, first=True)
    assert cell.data_type == "f" and "£" in cell.number_format
    assert pv == pytest.approx(26_500, abs=0.005)
    assert pv == pytest.approx(nasty_result.present_value, abs=0.005)
    advice = social_accounts(nasty_result).area("Advice")
    value, cell = b.at("Advice", "Value produced", 2, first=True)
    assert cell.data_type == "f" and "£" in cell.number_format
    assert value == pytest.approx(15_000, abs=0.005)
    assert value == pytest.approx(advice.present_value.amount, abs=0.005)
    share, cell = b.at("Advice", "fiscal (costs saved)", 3)
    assert cell.data_type == "f" and cell.number_format == "0.0%"
    assert share == pytest.approx(1.0, abs=1e-12)
    impact = book["Impact map"]
    head = [c.value for c in impact[1]]
    dw = impact.cell(2 + 2, head.index("Deadweight") + 1)  # wellbeing: 3rd outcome
    assert dw.data_type == "n" and dw.value == pytest.approx(0.5) and dw.number_format == "0.0%"


def test_libreoffice_reads_the_accounts_workbook(result, tmp_path, libreoffice):
    # A real spreadsheet program opens the workbook and computes nothing from user text:
    # its first sheet (Summary), converted to CSV, shows the figures as the report does.
    import csv
    import subprocess

    path = write_excel(result, tmp_path / "accounts.xlsx")
    subprocess.run(
        [libreoffice, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with open(tmp_path / "accounts.csv", encoding="utf-8", errors="replace") as handle:
        rows = {r[0]: r[1:] for r in csv.reader(handle) if r}
    shown = rows["SROI ratio"][0].replace(",", "")
    assert float(shown) == pytest.approx(result.ratio, abs=0.01)
    pv = rows["Present value of outcomes"][0]
    assert float(re.sub(r"[^0-9.\-]", "", pv)) == pytest.approx(result.present_value, abs=0.01)


# ------------------------------------------------------------------ command line


def test_cli_report_writes_all_three(tmp_path):
    pytest.importorskip("jinja2")
    pytest.importorskip("openpyxl")
    html, xlsx, md_file = tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "r.md"
    run = CliRunner().invoke(
        cli,
        ["report", str(HOUSING), "--html", str(html), "--xlsx", str(xlsx), "--md", str(md_file),
         "--discount-rate", "0.035", "--price-year", "2024"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    r = sroi.evaluate(HOUSING, discount_rate=0.035, price_year=2024)
    ratio = f"£{r.ratio:.2f} per £1"
    assert ratio in html.read_text(encoding="utf-8")
    assert ratio in md_file.read_text(encoding="utf-8")
    assert xlsx.read_bytes()[:2] == b"PK"


def test_cli_report_needs_an_output_and_a_valid_model(tmp_path):
    run = CliRunner().invoke(cli, ["report", str(HOUSING)])
    assert run.exit_code == 2
    assert "at least one output" in run.output
    run = CliRunner().invoke(cli, ["report", str(tmp_path / "nope.yaml"), "--md", "x.md"])
    assert run.exit_code == 1
    assert "no such file" in run.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ninputs: []\noutcomes: []\n")
    run = CliRunner().invoke(cli, ["report", str(bad), "--md", str(tmp_path / "x.md")])
    assert run.exit_code == 1
    assert not (tmp_path / "x.md").exists()


# ------------------------------------------------------------------ issue 9: nothing lost,
# no non-finite figure published, every account's name unique


def test_areas_named_other_and_other_no_area_given_give_unique_account_names(tmp_path):
    m = model()
    m["inputs"][1]["area"] = "Other"
    m["inputs"][2]["area"] = "Other (no area given)"
    m["outcomes"][0]["area"] = "other"  # the same name, to a reader, as "Other"
    m["outcomes"][2]["area"] = "Other (no area given)"
    # inputs[3] and the outcome "food" still name no area
    r = sroi.evaluate(m)
    acc = social_accounts(r)
    names = [a.name for a in acc.accounts]
    assert names == [
        "Advice",
        "Other",
        "Other (no area given)",
        "Garden",
        "other",
        "Other (no area given) (2)",
        "Organisation",
    ]
    assert len(set(names)) == len(names)
    loose = acc.areas[-1]
    # the library's own names differ from every area's, even in case
    others = [n.casefold() for n in names if n not in (loose.name, acc.organisation.name)]
    assert loose.name.casefold() not in others and "organisation" not in others
    assert loose.kind == "other" and loose.name in loose.note
    assert [x.index for x in loose.inputs] == [3] and [o.id for o in loose.outcomes] == ["food"]
    book = _load(write_excel(r, tmp_path / "a.xlsx"))
    assert len(book.sheetnames) == len({s.casefold() for s in book.sheetnames})
    assert "Other (no area given) (2)" in render_markdown(r)


def test_an_area_called_organisation_does_not_share_the_organisations_name():
    m = model()
    m["inputs"][0]["area"] = "Organisation"
    acc = social_accounts(sroi.evaluate(m))
    assert acc.organisation.name == "Organisation (all areas)"
    assert acc.area("Organisation").kind == "area"


def _load(path):
    import openpyxl

    return openpyxl.load_workbook(path)


def _full_texts(book) -> dict[str, str]:
    """The texts on the Full text sheet, by the cell they belong to, parts joined."""
    from sroi.io.cells import unprotect, xml_unescape

    sheet = book["Full text"]
    assert [c.value for c in sheet[1]] == ["Cell", "Part", "Characters", "Text"]
    parts: dict[str, list[tuple[str, int, str]]] = {}
    for cell, part, size, text in sheet.iter_rows(min_row=2, values_only=True):
        assert len(text) <= 32_767
        plain = unprotect(xml_unescape(text))
        assert len(plain) == size
        parts.setdefault(cell, []).append((part, plain))
    out = {}
    for cell, rows in parts.items():
        n = len(rows)
        assert [p for p, _ in rows] == [f"{k} of {n}" for k in range(1, n + 1)]
        out[cell] = "".join(t for _, t in rows)
    return out


def test_write_excel_cuts_text_at_32767_characters_never_silently(tmp_path):
    long_name = "Estate " + "é" * 40_000 + " END"
    # escapes that lengthen text, formula characters at every possible cut, line breaks
    long_description = ("=cmd|' /C calc'!A0 _x0041_\r\n" * 3_000) + "the end"
    m = model(name=long_name)
    m["inputs"][0]["description"] = long_description
    m["outcomes"][0]["outcome"] = "-" * 70_000
    r = sroi.evaluate(m)
    book = _load(write_excel(r, tmp_path / "long.xlsx"))
    full = _full_texts(book)
    assert full["'Summary'!A1"] == f"Social accounts: {long_name}"
    assert full["'Inputs'!A2"] == long_description  # the input, by its description
    assert full["'Impact map'!A2"] == "-" * 70_000  # the outcome, in its own words
    # the cell itself keeps the beginning, says where the rest is and links to it
    title = book["Summary"]["A1"]
    assert title.value.startswith("Social accounts: Estate ééé")
    assert "40,028 characters in all" in title.value and "'Full text'" in title.value
    assert title.hyperlink.location.startswith("'Full text'!A")
    for ws in book:
        for row in ws.iter_rows():
            for c in row:
                assert not isinstance(c.value, str) or len(c.value) <= 32_767


def test_a_short_text_needs_no_full_text_sheet(result, tmp_path):
    assert "Full text" not in _load(write_excel(result, tmp_path / "r.xlsx")).sheetnames


def _non_finite_ratio(monkeypatch):
    from sroi.result import Result

    monkeypatch.setattr(Result, "ratio", property(lambda self: math.inf))


def _non_finite_present_value(monkeypatch):
    from sroi.result import Result

    real = Result.by_outcome

    def by_outcome(self):
        table = real.fget(self)
        table.loc[1, "present_value"] = math.nan
        return table

    monkeypatch.setattr(Result, "by_outcome", property(by_outcome))


@pytest.mark.parametrize(
    ("spoil", "location"),
    [
        (_non_finite_ratio, "results.ratio"),
        (_non_finite_present_value, "outcomes[1].present_value"),
    ],
)
@pytest.mark.parametrize("writer", ["html", "markdown", "excel", "json", "csv", "table"])
def test_every_writer_raises_a_located_sroi_error_on_a_non_finite_figure(
    writer, spoil, location, result, tmp_path, monkeypatch
):
    from sroi.cli import _FORMATS

    spoil(monkeypatch)
    calls = {
        "html": lambda: render_html(result, charts=False),
        "markdown": lambda: render_markdown(result),
        "excel": lambda: write_excel(result, tmp_path / "x.xlsx"),
        "json": lambda: _FORMATS["json"](result),
        "csv": lambda: _FORMATS["csv"](result),
        "table": lambda: _FORMATS["table"](result),
    }
    with pytest.raises(sroi.SROIError) as info:
        calls[writer]()
    assert location in info.value.locations
    assert "not a finite number" in str(info.value)


def test_cli_report_and_json_on_a_non_finite_figure_exit_1_without_a_traceback(
    tmp_path, monkeypatch
):
    path = tmp_path / "m.yaml"
    import yaml

    path.write_text(yaml.safe_dump(model()), encoding="utf-8")
    _non_finite_ratio(monkeypatch)
    for args in (
        ["evaluate", str(path), "--format", "json"],
        ["report", str(path), "--md", str(tmp_path / "r.md")],
    ):
        run = CliRunner().invoke(cli, args)
        assert run.exit_code == 1, run.output
        assert run.exception is None or isinstance(run.exception, SystemExit)
        assert "results.ratio" in run.stderr and "Traceback" not in run.output


def test_a_share_that_overflows_is_left_blank_not_published_as_infinity(tmp_path):
    # Benefits and a disbenefit that cancel out leave a present value of 1e-300: each
    # outcome's share of it is beyond a float's range.
    def outcome(i, value):
        return {"id": f"o{i}", "stakeholder": "b", "outcome": "c", "quantity": 1,
                "value": value, "duration": 1}  # fmt: skip

    cancelling = {
        "name": "Cancelling",
        "discount_rate": 0,
        "inputs": [{"stakeholder": "a", "amount": 1}],
        "outcomes": [outcome(0, 1e300), outcome(1, -1e300), outcome(2, 1e-300)],
    }
    r = sroi.evaluate(cancelling)
    path = tmp_path / "cancelling.json"
    path.write_text(json.dumps(cancelling))
    for fmt in ("table", "json", "csv"):
        run = CliRunner().invoke(cli, ["evaluate", str(path), "-f", fmt])
        assert run.exception is None or isinstance(run.exception, SystemExit)
        if run.exit_code == 1:
            assert "outcomes[0].share_of_present_value" in run.stderr
        else:
            assert run.exit_code == 0 and "inf" not in run.stdout.lower()
    # Until the result itself gives such a share as "not a number" (its to_dict() cannot
    # hold infinity), a writer may refuse it, located; it never publishes it or fails with
    # another error.
    try:
        text = render_markdown(r)
    except sroi.SROIError as exc:
        assert "outcomes[0].share_of_present_value" in exc.locations
        for writer in (lambda: render_html(r, charts=False), lambda: write_excel(r, tmp_path)):
            with pytest.raises(sroi.SROIError):
                writer()
        return
    assert "inf%" not in text and "inf%" not in render_html(r, charts=False)
    book = _load(write_excel(r, tmp_path / "c.xlsx"))
    head = [c.value for c in book["Impact map"][1]]
    column = head.index("Share of present value")
    shares = [row[column] for row in book["Impact map"].iter_rows(min_row=2, values_only=True)]
    assert shares == [None, None, 1.0]


# ------------------------------------------------------------------ plain words


def _section(text: str, heading: str) -> str:
    """The Markdown of one section: from ``heading`` to the next heading of its level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    end = text.find(f"\n{level} ", start + len(heading))
    return text[start : end if end > 0 else None]


def _first_column(section: str) -> list[str]:
    """The first cells of the body rows of the first table in ``section``."""
    table = _tables(section)[0]
    return [_cells(line)[0].strip() for line in table[2:]]


def test_reports_name_inputs_and_outcomes_not_ids_or_indices(result, tmp_path):
    pytest.importorskip("jinja2")
    openpyxl = pytest.importorskip("openpyxl")
    page = render_html(result, charts=False)
    text = render_markdown(result)
    # inputs by their description, outcomes by their text, each linked to its row
    assert '<a href="#input-1">Manager&#39;s time</a>' in page
    assert '<a href="#outcome-arrears">Fewer evictions</a>' in page
    assert "[Manager's time](#input-1)" in text
    # the volunteers' input has no description: it is named by its stakeholder
    assert '<a href="#input-2">Input from Volunteers</a>' in page
    for shown in (page, text):
        assert "inputs[" not in shown and "inputs\\[" not in shown
        assert ">arrears</a>" not in shown and "[arrears]" not in shown
    # an id stays as a small reference beside its outcome in the impact map
    assert '<small class="ref">ref. <code>arrears</code></small>' in page
    book = openpyxl.load_workbook(write_excel(result, tmp_path / "r.xlsx"))
    advice = [c for row in book["Advice"].iter_rows(values_only=True) for c in row if c]
    assert "Manager's time" in advice and "Fewer evictions" in advice
    assert not any(isinstance(c, str) and c.startswith("inputs[") for c in advice)


def test_kinds_and_value_types_with_nothing_are_left_out(result):
    text = render_markdown(result)
    advice = _section(text, "## Advice")
    kinds = _section(advice, "#### Inputs by kind")
    assert _first_column(kinds) == ["Cash", "Staff time", "**Total inputs**"]
    types = _section(advice, "#### Value produced by value type")
    assert _first_column(types) == ["fiscal (costs saved)", "**Value produced**"]
    # the organisation has every kind the areas have, and still no empty one
    org = _section(text, "## Organisation totals")
    assert _first_column(_section(org, "#### Inputs by kind")) == [
        "Cash", "Staff time", "Volunteer time", "In kind", "**Total inputs**"
    ]  # fmt: skip
    assert "£0.00 | 0.0%" not in text


def test_the_ratio_sentence_reads_as_money_of_social_value(result):
    pytest.importorskip("jinja2")
    text = render_markdown(result)
    page = render_html(result, charts=False)
    assert "Every £1 invested produces **£1.96** of social value (present value)." in text
    assert (
        "Every £1 invested produces <strong>£1.96</strong> of social value (present value)." in page
    )
    for shown in (text, page):
        assert "per £1</strong> of social value" not in shown
        assert "per £1** of social value" not in shown


def test_schedule_deflator_horizon_and_conventions_in_words():
    pytest.importorskip("jinja2")
    one_year = sroi.evaluate(
        {"name": "Garden", "price_year": 2024, "discount_rate": "green_book_health",
         "inputs": [{"stakeholder": "HA", "amount": 1_000}],
         "outcomes": [{"stakeholder": "Tenants", "outcome": "Warmer homes", "quantity": 2,
                       "proxy": "ucd_he20_2_fiscal", "duration": 1}]}
    )  # fmt: skip
    text = render_markdown(one_year)
    page = html.unescape(render_html(one_year, charts=False))
    words = "the Green Book's 1.5 % declining schedule for health effects"
    for shown in (text, page):
        assert f"discounted at {words};" in shown
        assert "green_book" not in shown
        assert "1 year" in shown and not re.search(r"\b1 years", shown)
        assert "HM Treasury GDP deflators at market prices" in shown
        assert "hmt:" not in shown and "hmt_dec2025" not in shown
        assert (
            "Drop-off starts in an outcome's second year; its first year counts in full." in shown
        )
    assert "- Horizon: 1 year" in text
    assert '<code class="formula">remaining share = (1 − deadweight)' in page
    assert f"discounted at {words}; 1 year)" in str(one_year)


def test_every_warning_is_in_notes_and_warnings(tmp_path):
    pytest.importorskip("jinja2")
    openpyxl = pytest.importorskip("openpyxl")
    pd = pytest.importorskip("pandas")
    outcomes = pd.DataFrame(
        {
            "stakeholder": ["Tenants", "Residents"],
            "outcome": ["Less stress", "Safer estate"],
            "quantity": [10, 5],
            "value": [1_000.0, 500.0],
            "duration": [1, 1],
            "deadweight": [0.95, None],  # above 90 %; a blank read as 0
        }
    )
    with pytest.warns(sroi.SROIWarning):
        r = sroi.evaluate(
            {"name": "Estate", "inputs": [{"stakeholder": "HA", "amount": 1_000}],
             "outcomes": outcomes}
        )  # fmt: skip
    messages = [w.message for w in r.warnings]
    assert len(messages) == 2
    assert any("read as 0" in m for m in messages) and any("95.0%" in m for m in messages)
    page = html.unescape(render_html(r, charts=False))
    notes = page[page.index('<section id="notes">') : page.index('<section id="claims-check">')]
    text = _section(render_markdown(r), "## Notes and warnings")
    assert any("outcomes[1]" in m for m in messages)  # the message for the command line
    for m in messages:  # the report names the outcome instead of its position
        shown = common.plain(r, m)
        assert shown in notes and md(shown) in text
    assert "deadweight of Safer estate (Residents)" in notes
    assert "outcomes[" not in notes and "outcomes[" not in text
    assert "Less stress (Tenants)" in notes  # where, in words
    assert "The evaluation gave 2 warnings" in page
    assert len(_first_column(text)) == 2
    book = openpyxl.load_workbook(write_excel(r, tmp_path / "r.xlsx"))
    cells = [c for row in book["Summary"].iter_rows(values_only=True) for c in row if c]
    assert "Notes and warnings" in cells and all(common.plain(r, m) in cells for m in messages)
    # a result without warnings says so
    assert "The evaluation gave no warnings." in render_markdown(sroi.evaluate(model()))


def test_contract_figures_when_the_model_gives_a_contract_value(tmp_path):
    pytest.importorskip("jinja2")
    pytest.importorskip("openpyxl")
    r = sroi.evaluate(model(contract_value=50_000))  # 26,500 / 50,000 = 53 %
    text = render_markdown(r)
    assert "| Contract value | £50,000.00 |" in text
    assert "| Social value per £1 of contract | £0.53 |" in text
    assert "| Share of contract value | 53.0% |" in text
    assert "Contract value" in render_html(r, charts=False)
    b = Book(write_excel(r, tmp_path / "r.xlsx"))
    # both are formulas over the value and the contract value: 26,500 / 50,000 = 0.53
    for label, fmt in (("Social value per £1 of contract", "£"), ("Share of contract value", "%")):
        share, cell = b.at("Summary", label, 2)
        assert cell.value.startswith("=IFERROR(") and fmt in cell.number_format, label
        writers_own(b, "Summary", cell.value)
        assert share == pytest.approx(0.53, abs=1e-12)
        assert share == pytest.approx(r.share_of_contract, abs=1e-12)
    assert b.at("Summary", "Contract value", 2)[0] == 50_000
    assert "Contract value" not in render_markdown(sroi.evaluate(model()))


# ------------------------------------------------------------------ words, not codes

COUNCIL = ROOT / "examples" / "council_contract.yaml"
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"
RULE_CODES = (
    "double_counting", "fiscal_and_wellbeing", "no_deductions", "no_drop_off",
    "transfer_payment", "dominant_outcome", "wellbeing_share", "high_deductions",
    "old_proxy", "unit_conversion", "immaterial)",
)  # fmt: skip


def _excel_text(result, tmp_path) -> str:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(write_excel(result, tmp_path / "r.xlsx"))
    return "\n".join(
        str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c
    )


@pytest.mark.parametrize("path", [COUNCIL, HOUSING], ids=["council", "housing"])
def test_the_claims_check_names_outcomes_and_proxies_not_codes(path, tmp_path):
    pytest.importorskip("jinja2")
    r = sroi.evaluate(path)
    found = sroi.check(r)
    assert len(found)  # both examples have findings to show
    page = html.unescape(render_html(r, charts=False))
    text = render_markdown(r)
    claims_html = page[page.index('<section id="claims-check">') :]
    claims_md = _section(text, "## Claims check")
    for shown in (claims_html, claims_md):
        assert "outcomes[" not in shown
        assert "Thresholds: max_" not in shown and "max_deductions" not in shown
        assert not [code for code in RULE_CODES if code in shown]
        assert "proxy '" not in shown
        assert "a finding is raised when an outcome's deductions together remove more than 90%" in (
            " ".join(shown.split())
        )
    # no list position anywhere in the HTML or Markdown report
    assert "outcomes[" not in page and "outcomes[" not in text
    excel = _excel_text(r, tmp_path)
    assert "Thresholds: max_" not in excel
    assert not [code for code in RULE_CODES[:-1] if f"({code})" in excel]
    # a proxy by its name, with its id where a reader looks it up
    if path == COUNCIL:
        name = "Job Seeker's Allowance - Fiscal and economic benefit from a workless claimant"
        assert f"the {name}" in claims_html
        assert "proxy (ucd_ee1_0_fiscal in the unit-cost table) is a transfer payment" in (
            claims_html
        )


def test_the_thresholds_are_written_in_words():
    words = common.thresholds_text(
        {"max_deductions": 0.8, "long_duration": 1, "max_outcome_share": 0.6,
         "max_wellbeing_share": 0.5, "data_ages": ["green"], "max_transfer_share": 0.25,
         "materiality": 0.02}
    )  # fmt: skip
    assert words == (
        "a finding is raised when an outcome's deductions together remove more than 80% of "
        "its value, an outcome lasts more than 1 year with no drop-off, one outcome carries "
        "more than 60% of the present value, wellbeing values carry more than half of it, a "
        "proxy's data age is other than green, more than 25% of a proxy's value is a transfer "
        "payment, or an outcome carries less than 2% of the value"
    )


def test_a_position_in_a_message_is_given_by_name():
    r = sroi.evaluate(model())
    first, second = (f"{o.outcome} ({o.stakeholder})" for o in r.model.outcomes[:2])
    ids = r.model.outcome_ids
    assert common.plain(r, "deadweight of outcomes[1]") == f"deadweight of {second}"
    assert common.plain(r, f"as outcomes[0] ({ids[0]}) does") == f"as {first} does"
    assert common.plain(r, "outcomes[0].drop_off") == f"the drop-off of {first}"
    assert common.plain(r, "outcomes[99] stays") == "outcomes[99] stays"  # not a row
    assert common.figure_words(r, "outcomes[1].quantity") == f"Quantity of {second}"
    assert common.reference(r, "outcomes[1].quantity") == ids[1]
    assert common.reference(r, "price_year") == ""


def test_units_are_plural_except_for_exactly_one():
    assert [common.units("person", x) for x in (1, 7.39, 12, 0)] == [
        "person",
        "people",
        "people",
        "people",
    ]
    assert common.units("WELLBY", 1.04) == "WELLBYs" and common.units("WELLBY", 1) == "WELLBY"
    assert common.units("household", 2) == "households"
    assert common.units("tonne CO2e", 2) == "tonne CO2e"  # several words: as given


def test_how_sure_uses_plural_units_and_says_what_a_wellby_is():
    pytest.importorskip("jinja2")
    r = sroi.evaluate(HOUSING)
    sure = common.how_sure(r, common.sensitivity(r), None)
    assert re.search(r"\d+(\.\d+)? WELLBYs instead of 16 WELLBYs", sure)
    assert " WELLBY " not in sure.replace("A WELLBY is", "")
    assert "A WELLBY is one point of life satisfaction for one person for one year." in sure
    council = sroi.evaluate(COUNCIL)
    sure = common.how_sure(council, common.sensitivity(council), None)
    assert re.search(r"\d+(\.\d+)? people instead of 12 people", sure)
    assert "person" not in sure and "WELLBY" not in sure
    page = html.unescape(render_html(council, charts=False))
    assert "people instead of 12 people" in page


def test_the_summary_gives_the_ratio_without_transfers():
    pytest.importorskip("jinja2")
    r = sroi.evaluate(COUNCIL)
    found = common.without_transfers(r)
    # independently: the claims check prices each transfer (its share of the proxy times
    # the outcome's present value): £134,134 + £10,405 of the present value
    amounts = [
        float(x.replace(",", ""))
        for x in re.findall(
            r"\(£([\d,]+) of its present value\)", " ".join(sroi.check(r)["finding"])
        )
    ]
    assert sum(amounts) == pytest.approx(134_134 + 10_405)
    assert found["transfers"] == pytest.approx(sum(amounts), abs=2)
    assert found["transfers"] == pytest.approx(r.transfer_present_value)
    expected = (r.present_value - r.transfer_present_value) / r.total_investment
    assert found["ratio"] == pytest.approx(expected, rel=1e-12)
    assert found["ratio"] == pytest.approx((293_960.75 - 144_539.02) / 239_247.34, abs=1e-6)
    sentence = (
        f"£144,539 of the value is benefits or taxes moved between parties (transfer "
        f"payments), not resources saved; without it the ratio is £{expected:.2f} per £1."
    )
    assert found["sentence"] == sentence and f"£{expected:.2f}" == "£0.62"
    page = html.unescape(render_html(r, charts=False))
    summary = page[page.index('id="summary-page"') : page.index("How sure we are")]
    assert sentence in summary
    assert sentence in _section(render_markdown(r), "## Summary")
    # no transfers, no sentence
    plain = sroi.evaluate(model())
    assert plain.transfer_present_value == 0 and common.without_transfers(plain) is None
    assert "transfer payments), not resources saved" not in render_html(plain, charts=False)


def test_both_paybacks_read_in_months():
    assert common.discounted_payback_words(0.6) == "0.60 years (7.2 months)"
    assert common.discounted_payback_words(None) == "never"
    r = sroi.evaluate(COUNCIL)
    head = dict(common.headline(r))
    assert head["Payback (undiscounted)"] == "17.1 months"
    months = r.discounted_payback_years * 12  # 1.737 years = 20.8 months
    assert (
        head["Discounted payback"]
        == f"{r.discounted_payback_years:.2f} years ({months:.1f} months)"
    )
    assert common.payback_line(r) == (
        f"Payback: 17.1 months (undiscounted); {head['Discounted payback']} discounted."
    )


def test_formulas_raise_their_exponents_in_html_and_markdown():
    pytest.importorskip("jinja2")
    r = sroi.evaluate(model())
    page = render_html(r, charts=False)
    method_html = page[page.index('<section id="method"') :]
    assert "(1 − drop-off)<sup>t − start year</sup>" in method_html
    assert "r<sub>k</sub>" in method_html
    assert "^" not in method_html and "drop_off" not in method_html
    text = _section(render_markdown(r), "## Method notes")
    assert "(1 − drop-off)<sup>t − start year</sup>" in text and "^" not in text
    conventions = {c["name"]: c for c in common.conventions(r)}
    assert conventions["drop_off"]["formula"] == (
        "impact(t) = first-year impact × (1 − drop-off) to the power (t − start year)"
    )
