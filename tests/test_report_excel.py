"""The social accounts workbook (:func:`sroi.report.write_excel`) as a finance officer
would use it: live formulas for every total, share and ratio, native charts, and sheets
that print one page wide.

Every figure is checked against hand-worked arithmetic (the model ``estate()``, discounted
at 0 % so that each present value is quantity x value), or against ``sroi``'s own figures
for the bundled examples. Formulas are checked twice: by a small evaluator (``_xlsx_formulas``),
which also says which cells each formula adds up (no spreadsheet program needed), and, where
LibreOffice is installed, by LibreOffice recalculating the workbook.
"""

from __future__ import annotations

import copy
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sroi
from sroi.plots import PALETTE
from sroi.report import social_accounts, write_excel
from tests._xlsx_formulas import (
    WRITERS_TEXTS,
    Book,
    SpreadsheetError,
    cells,
    formula_cells,
    tokens,
)

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[1]
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"
COUNCIL = ROOT / "examples" / "council_contract.yaml"
PENNY = 0.005


def estate() -> dict:
    """Two areas, worked by hand (discount rate 0, one year, no deductions).

    Advice: inputs £10,000 cash + £2,000 staff time = £12,000; outcomes 20 x £500 =
    £10,000 fiscal (Local authority 75 % = £7,500, NHS 25 % = £2,500) and 10 x £800 =
    £8,000 wellbeing; value £18,000, NPV £6,000, ratio 1.5.
    Garden: inputs £2,000 cash + £1,000 volunteer time = £3,000; outcomes 10 x £400 =
    £4,000 wellbeing and 5 x £200 = £1,000 fiscal (NHS); value £5,000, NPV £2,000,
    ratio 5/3.
    Organisation: inputs £15,000; value £23,000 (wellbeing £12,000, fiscal £11,000);
    costs saved Local authority £7,500, NHS £3,500; NPV £8,000; ratio 23/15.
    """
    return {
        "name": "Estate & Co",
        "discount_rate": 0,
        "inputs": [
            {"stakeholder": "HA", "description": "Two advisers", "amount": 10_000,
             "area": "Advice"},
            {"stakeholder": "HA", "description": "Manager's time", "amount": 2_000,
             "area": "Advice", "kind": "staff_time"},
            {"stakeholder": "HA", "description": "Garden materials", "amount": 2_000,
             "area": "Garden"},
            {"stakeholder": "Volunteers", "amount": 1_000, "area": "Garden",
             "kind": "volunteer_time"},
        ],
        "outcomes": [
            {"id": "arrears", "stakeholder": "Council", "outcome": "Fewer evictions",
             "quantity": 20, "value": 500, "duration": 1, "area": "Advice",
             "value_type": "fiscal", "bearer": "Local authority:0.75;NHS:0.25"},
            {"id": "stress", "stakeholder": "Tenants", "outcome": "Less stress",
             "quantity": 10, "value": 800, "duration": 1, "area": "Advice",
             "value_type": "wellbeing"},
            {"id": "food", "stakeholder": "Gardeners", "outcome": "Eat better",
             "quantity": 10, "value": 400, "duration": 1, "area": "Garden",
             "value_type": "wellbeing"},
            {"id": "gp", "stakeholder": "NHS", "outcome": "Fewer GP visits", "quantity": 5,
             "value": 200, "duration": 1, "area": "Garden", "value_type": "fiscal",
             "bearer": "NHS"},
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def estate_result():
    return sroi.evaluate(estate())


@pytest.fixture(scope="module")
def estate_book(estate_result, tmp_path_factory):
    return Book(write_excel(estate_result, tmp_path_factory.mktemp("x") / "estate.xlsx"))


@pytest.fixture(scope="module")
def housing():
    return sroi.evaluate(HOUSING)


@pytest.fixture(scope="module")
def housing_book(housing, tmp_path_factory):
    return Book(write_excel(housing, tmp_path_factory.mktemp("h") / "housing.xlsx"))


# --------------------------------------------------------------------------------------
# Live formulas


def test_the_evaluator_reads_formulas_as_a_spreadsheet_does(estate_book):
    # the evaluator itself, on formulas worked by hand: a test that cannot fail is a defect
    b = estate_book
    assert b.formula("=1+2*3-4/2", "Summary") == 5
    assert b.formula('=IFERROR(1/0,"none")', "Summary") == "none"
    assert b.formula('=IFERROR(6/3,"none")', "Summary") == 2
    assert b.formula("=SUM(1,2,SUM(3,4))", "Summary") == 10
    with pytest.raises(SpreadsheetError):
        b.formula("=1/0", "Summary")


def test_every_headline_figure_and_total_is_a_formula_giving_the_hand_worked_figure(
    estate_book,
):
    b = estate_book
    hand = {
        "SROI ratio": 23_000 / 15_000,
        "Present value of outcomes": 23_000,
        "Total investment (present value)": 15_000,
        "Net present value": 8_000,
        "Net SROI ratio": 8_000 / 15_000,
    }
    for label, expected in hand.items():
        value, cell = b.at("Summary", label, 2, first=True)
        assert cell.data_type == "f", label
        assert value == pytest.approx(expected, abs=1e-9), label
    # the accounts side by side: areas from their sheets, the organisation their sum
    summary = b.book["Summary"]
    rows = b.rows("Summary")
    expected = {
        "Advice": (12_000, 12_000, 18_000, 10_000, 6_000, 1.5),
        "Garden": (3_000, 3_000, 5_000, 1_000, 2_000, 5 / 3),
        "Organisation": (15_000, 15_000, 23_000, 11_000, 8_000, 23 / 15),
    }
    for name, figures in expected.items():
        r = next(k for k in range(1, summary.max_row + 1) if summary.cell(k, 1).value == name)
        for col, want in enumerate(figures, start=2):
            cell = summary.cell(r, col)
            assert cell.data_type == "f", (name, col)
            assert b.value("Summary", cell.coordinate) == pytest.approx(want), (name, col)
    assert summary.cell(rows["SROI ratio"], 2).value.startswith("=IFERROR(")
    # each area's own sheet
    for name, (spent, pv, value, saved, npv, ratio) in expected.items():
        if name == "Organisation":
            continue
        for label, want in (
            ("Inputs (present value)", pv),
            ("Value produced", value),
            ("Costs saved", saved),
            ("Net present value", npv),
            ("Ratio", ratio),
        ):
            got, cell = b.at(name, label, 2, first=True)
            assert cell.data_type == "f" and got == pytest.approx(want), (name, label)
        got, cell = b.at(name, "Total inputs", 2)
        assert cell.data_type == "f" and got == pytest.approx(spent)
    # costs saved by who saves, shared out by the bearer shares: 10,000 x 0.75 and x 0.25
    assert b.at("Advice", "Local authority", 2)[0] == pytest.approx(7_500)
    assert b.at("Advice", "NHS", 2)[0] == pytest.approx(2_500)
    # (first: the organisation's totals; money flows below name the same agencies)
    assert b.at("Summary", "Local authority", 2, first=True)[0] == pytest.approx(7_500)
    assert b.at("Summary", "NHS", 2, first=True)[0] == pytest.approx(3_500)
    assert b.at("Summary", "wellbeing", 2)[0] == pytest.approx(12_000)
    assert b.at("Summary", "fiscal (costs saved)", 2)[0] == pytest.approx(11_000)
    share, cell = b.at("Summary", "wellbeing", 3)
    assert cell.data_type == "f" and share == pytest.approx(12_000 / 23_000)
    assert cell.number_format == "0.0%"
    # the Inputs sheet and the By year sheet add up
    assert [c.value for c in b.book["Inputs"][1]][5:7] == ["As spent (£)", "Present value (£)"]
    assert b.at("Inputs", "Total", 6)[0] == pytest.approx(15_000)
    assert b.at("Inputs", "Total", 7)[0] == pytest.approx(15_000)
    assert b.at("By year", "Total", 4)[0] == pytest.approx(23_000)
    assert b.at("By year", "Total", 7)[0] == pytest.approx(15_000)


def test_each_total_adds_up_the_rows_it_stands_for(estate_book, estate_result):
    b = estate_book
    accounts = social_accounts(estate_result)
    for account in accounts.areas:
        sheet = account.name
        ws = b.book[sheet]
        # value produced: exactly the area's outcome rows (their Reference column: the id)
        _, cell = b.at(sheet, "Value produced", 2, first=True)
        leaves = b.leaves(sheet, cell.coordinate)
        ids = [ws[f"F{ws[c].row}"].value for s, c in leaves]
        assert {s for s, _ in leaves} == {sheet}
        assert sorted(ids) == sorted(account.present_value.outcomes)
        # inputs: exactly the area's input rows, the present value column
        _, cell = b.at(sheet, "Inputs (present value)", 2, first=True)
        leaves = b.leaves(sheet, cell.coordinate)
        named = sorted(ws[f"A{ws[c].row}"].value for _, c in leaves)
        assert {c[0] for _, c in leaves} == {"F"}
        labels = {i: x.description or f"Input from {x.stakeholder}"
                  for i, x in enumerate(estate_result.model.inputs)}  # fmt: skip
        assert named == sorted(labels[i] for i in account.investment.inputs)
    # the organisation's headline value adds up every area's outcome rows
    _, cell = b.at("Summary", "Present value of outcomes", 2, first=True)
    leaves = b.leaves("Summary", cell.coordinate)
    assert {s for s, _ in leaves} == {"Advice", "Garden"}
    ids = sorted(b.book[s][f"F{b.book[s][c].row}"].value for s, c in leaves)
    assert ids == sorted(estate_result.model.outcome_ids)
    # the organisation's rows refer to the areas' sheets by quoted name
    _, cell = b.at("Summary", "Local authority", 2, first=True)
    assert "'Advice'!" in cell.value


def test_formulas_agree_with_sroi_on_the_bundled_examples(tmp_path):
    for path in (HOUSING, COUNCIL):
        r = sroi.evaluate(path)
        b = Book(write_excel(r, tmp_path / f"{path.stem}.xlsx"))
        accounts = social_accounts(r)
        for label, figure in (
            ("SROI ratio", r.ratio),
            ("Present value of outcomes", r.present_value),
            ("Total investment (present value)", r.total_investment),
            ("Net present value", r.npv),
            ("Net SROI ratio", r.net_ratio),
        ):
            assert b.at("Summary", label, 2, first=True)[0] == pytest.approx(figure, abs=PENNY)
        for account in accounts.areas:
            sheet = next(s for s in b.book.sheetnames if s == account.name[:31])
            for label, figure in (
                ("Inputs (present value)", account.investment.amount),
                ("Value produced", account.present_value.amount),
                ("Costs saved", account.costs_saved.amount),
                ("Net present value", account.npv),
            ):
                got = b.at(sheet, label, 2, first=True)[0]
                assert got == pytest.approx(figure, abs=PENNY), (path.stem, sheet, label)
        # value by year: running totals and totals
        years = r.by_year
        ws = b.book["By year"]
        for k, row in enumerate(years.to_dict("records"), start=2):
            assert b.value("By year", f"E{k}") == pytest.approx(
                row["cumulative_present_value"], abs=PENNY
            )
            assert b.value("By year", f"H{k}") == pytest.approx(
                row["cumulative_net_present_value"], abs=PENNY
            )
        assert ws.cell(len(years) + 2, 1).value == "Total"
        assert b.value("By year", f"D{len(years) + 2}") == pytest.approx(r.present_value, abs=PENNY)
        # every formula in the workbook can be read and evaluated
        for sheet, cell in formula_cells(b):
            b.value(sheet, cell.coordinate)


def test_libreoffice_recalculates_every_formula_to_srois_figures(housing, tmp_path, libreoffice):
    path = write_excel(housing, tmp_path / "accounts.xlsx")
    out = tmp_path / "out"
    subprocess.run(
        [libreoffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    calculated = openpyxl.load_workbook(out / "accounts.xlsx", data_only=True)
    mine = Book(path)
    checked = 0
    for sheet, cell in formula_cells(mine):
        got = calculated[sheet][cell.coordinate].value
        want = mine.value(sheet, cell.coordinate)
        if isinstance(want, str):
            assert got in (want, None), (sheet, cell.coordinate, got)
        else:
            assert isinstance(got, (int, float)), (sheet, cell.coordinate, cell.value, got)
            assert got == pytest.approx(want, abs=PENNY), (sheet, cell.coordinate, cell.value)
        checked += 1
    assert checked > 100
    summary = calculated["Summary"]
    rows = {summary.cell(r, 1).value: r for r in range(summary.max_row, 0, -1)}
    assert summary.cell(rows["SROI ratio"], 2).value == pytest.approx(housing.ratio, abs=PENNY)
    assert summary.cell(rows["Net present value"], 2).value == pytest.approx(housing.npv, abs=PENNY)


def test_a_model_without_areas_totals_the_inputs_and_impact_map_sheets(tmp_path):
    m = estate()
    for row in (*m["inputs"], *m["outcomes"]):
        del row["area"]
    r = sroi.evaluate(m)
    b = Book(write_excel(r, tmp_path / "one.xlsx"))
    assert b.book.sheetnames == [
        "Summary", "Sensitivity", "Impact map", "By year", "Inputs", "Outputs",
        "Impact map, every column"
    ]  # fmt: skip
    value, cell = b.at("Summary", "Present value of outcomes", 2, first=True)
    assert value == pytest.approx(23_000)
    assert {s for s, _ in b.leaves("Summary", cell.coordinate)} == {"Impact map"}
    value, cell = b.at("Summary", "Total investment (present value)", 2, first=True)
    assert value == pytest.approx(15_000)
    assert {s for s, _ in b.leaves("Summary", cell.coordinate)} == {"Inputs"}
    assert b.at("Summary", "NHS", 2, first=True)[0] == pytest.approx(3_500)
    # no areas, so no chart of areas; the other charts are there
    titles = [_title(c) for c in b.book["Summary"]._charts]
    assert not any("by area" in t for t in titles) and len(titles) == 3


def test_an_area_without_inputs_shows_none_for_its_ratio(tmp_path):
    m = estate()
    m["inputs"] = [x for x in m["inputs"] if x["area"] != "Garden"]
    b = Book(write_excel(sroi.evaluate(m), tmp_path / "r.xlsx"))
    ratio, cell = b.at("Garden", "Ratio", 2, first=True)
    assert ratio == "none" and cell.value.startswith("=IFERROR(")
    assert b.at("Garden", "Total inputs", 2)[0] == 0
    why, _ = b.at("Garden", "Why no ratio", 2)
    assert "no inputs" in why


def test_very_many_cells_are_added_in_nested_sums_and_ranges():
    from sroi.report.excel import _Cell, _sum, _total

    run = [(_Cell("A b", 2, r), 1.0) for r in range(5, 9)]
    assert _sum(run, "Other") == "SUM('A b'!B5:B8)"
    assert _sum(run, "A b") == "SUM(B5:B8)"
    assert _sum([(_Cell("S", 5, 3), 0.25), (_Cell("S", 5, 4), 1.0)], "S") == "SUM(E3*0.25,E4)"
    assert _sum([], "S") == "0"
    scattered = [(_Cell("S", 2, 2 * r), 1.0) for r in range(1, 601)]
    formula = _sum(scattered, "S")
    assert formula.count("SUM(") == 1 + math.ceil(600 / 255)
    sums = re.findall(r"SUM\(([^()]*)\)", formula)
    assert len(sums) == math.ceil(600 / 255) and all(len(x.split(",")) <= 255 for x in sums)
    # a formula that would be too long for a spreadsheet gives way to the figure itself
    far = [(_Cell("A long sheet name", 2, 3 * r), 1.0) for r in range(1, 2_000)]
    assert _total(far, "Summary", 123.0) == 123.0


# --------------------------------------------------------------------------------------
# Charts


def _title(chart) -> str:
    return "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))


def test_the_summary_has_native_charts_of_the_workbooks_own_cells(housing_book, housing):
    b = housing_book
    charts = b.book["Summary"]._charts
    titles = [_title(c) for c in charts]
    name = housing.model.name
    assert len(charts) == 4 and all(t.endswith(name) for t in titles)
    by_outcome = charts[titles.index(f"Value by outcome: {name}")]
    series = by_outcome.series[0]
    values = series.val.numRef.f
    categories = series.cat.strRef.f  # names, as text
    assert values.startswith("'Summary'!$F$") and categories.startswith("'Summary'!$A$")
    names = [b.value(*c) for c in cells(categories, "Summary")]
    amounts = [b.value(*c) for c in cells(values, "Summary")]
    table = housing.by_outcome.sort_values("present_value", ascending=False, kind="stable")
    assert names == table["outcome"].tolist()  # human names, largest first
    assert amounts == pytest.approx(table["present_value"].tolist(), abs=PENNY)
    assert series.graphicalProperties.solidFill.srgbClr == PALETTE["value"][1:]
    assert '"£"#,##0' in by_outcome.y_axis.numFmt.formatCode
    # areas: value and inputs, from the accounts table
    by_area = charts[titles.index(f"Value produced and inputs by area: {name}")]
    first, second = (s.val.numRef.f for s in by_area.series)
    areas = social_accounts(housing).areas
    assert [b.value(*c) for c in cells(first, "Summary")] == pytest.approx(
        [a.present_value.amount for a in areas], abs=PENNY
    )
    assert [b.value(*c) for c in cells(second, "Summary")] == pytest.approx(
        [a.investment.amount for a in areas], abs=PENNY
    )
    # value by year, from the By year sheet
    by_year = charts[titles.index(f"Value and investment by year (present value): {name}")]
    assert by_year.series[0].tx.strRef.f == "'By year'!D1"  # its name: the heading
    assert by_year.series[0].val.numRef.f.startswith("'By year'!$D$2")
    assert by_year.series[0].cat.numRef.f.startswith("'By year'!$A$2")
    assert [b.value(*c) for c in cells(by_year.series[0].val.numRef.f, "Summary")] == (
        pytest.approx(housing.by_year["present_value"].tolist(), abs=PENNY)
    )
    # who benefits: the stakeholders' sums agree with sroi's breakdown
    who = charts[titles.index(f"Who benefits: value by stakeholder: {name}")]
    got = dict(
        zip(
            [b.value(*c) for c in cells(who.series[0].cat.strRef.f, "Summary")],
            [b.value(*c) for c in cells(who.series[0].val.numRef.f, "Summary")],
            strict=True,
        )
    )
    want = housing.breakdown("stakeholder").set_index("stakeholder")["present_value"]
    assert got == pytest.approx(want.to_dict(), abs=PENNY)


# --------------------------------------------------------------------------------------
# Print


def test_every_sheet_prints_one_page_wide_with_headings_and_page_numbers(housing_book, housing):
    b = housing_book
    assert b.book.sheetnames[0] == "Summary" and b.book.active.title == "Summary"
    for ws in b.book.worksheets:
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # one page wide; as many pages down as it takes (one, a little smaller, for a
        # sheet only a little longer than a page)
        wide = 3 if ws.title == "Impact map, every column" else 1  # see the test of it
        assert int(setup.fitToWidth) == wide and int(setup.fitToHeight) in (0, 1), ws.title
        assert ws.print_area.startswith(f"'{ws.title}'!$A$1:"), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.oddHeader.center.text == housing.model.name
        assert ws.oddFooter.right.text == "Page &P of &N"
        assert ws.freeze_panes in ("A2", "B2", "D2"), ws.title
        # the print area covers every cell written
        last = ws.print_area.split(":")[-1].replace("$", "")
        bound = openpyxl.utils.cell.coordinate_from_string(last)
        assert openpyxl.utils.column_index_from_string(bound[0]) >= ws.max_column, ws.title
        assert bound[1] >= ws.max_row, ws.title
    assert b.book["Impact map"].page_setup.orientation == "landscape"
    money, _ = b.at("Summary", "Present value of outcomes", 2, first=True)
    cell = b.at("Summary", "Present value of outcomes", 2, first=True)[1]
    assert cell.number_format == '"£"#,##0.00;-"£"#,##0.00' and money > 0
    # long text wraps
    made = [c for row in b.book["Summary"].iter_rows() for c in row
            if isinstance(c.value, str) and len(c.value) > 80]  # fmt: skip
    assert made and all(c.alignment.wrap_text for c in made)


def test_a_programme_name_with_an_ampersand_prints_as_written(estate_book):
    ws = estate_book.book["Summary"]
    assert ws.oddHeader.center.text == "Estate && Co"  # && prints one &


def test_libreoffice_prints_the_housing_accounts_in_a_handful_of_pages(
    housing, tmp_path, libreoffice
):
    pypdf = pytest.importorskip("pypdf")
    path = write_excel(housing, tmp_path / "accounts.xlsx")
    subprocess.run(
        [libreoffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    reader = pypdf.PdfReader(tmp_path / "accounts.pdf")
    sheets = len(openpyxl.load_workbook(path).sheetnames)
    # one page wide: never more pages than the sheets' own pages down (was 32 before)
    assert len(reader.pages) <= 3 * sheets
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Page 1 of" in text and housing.model.name in text


# --------------------------------------------------------------------------------------
# User text stays text


PAYLOADS = ('=HYPERLINK("http://evil","click")', "+1", "@SUM(A1)", "-2+3", "=cmd|' /C calc'!A0")


def test_user_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    m = estate()
    m["name"] = PAYLOADS[0]
    m["outcomes"][0]["stakeholder"] = PAYLOADS[1]
    m["outcomes"][1]["outcome"] = PAYLOADS[2]
    m["inputs"][0]["description"] = PAYLOADS[3]
    m["outcomes"][2]["area"] = m["inputs"][2]["area"] = m["inputs"][3]["area"] = PAYLOADS[4]
    m["outcomes"][3]["area"] = PAYLOADS[4]
    b = Book(write_excel(sroi.evaluate(m), tmp_path / "r.xlsx"))
    texts = set()
    for ws in b.book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    # every formula is the writer's own: it reads as references, numbers and
                    # the writer's own texts, never as user text
                    strings = [t for k, t in tokens(cell.value) if k == "str"]
                    assert set(strings) <= WRITERS_TEXTS, (ws.title, cell.value)
                    b.value(ws.title, cell.coordinate)
                elif isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    texts.add(cell.value)
    assert f"Social accounts: {PAYLOADS[0]}" in texts  # the name, inside the title
    for payload in PAYLOADS[1:]:
        assert any(t.startswith("'" + payload) or ("'" + payload) in t for t in texts), payload
    # the area named like a formula has a sheet, and formulas refer to it quoted
    area = next(s for s in b.book.sheetnames if s.startswith("=cmd"))
    assert any(f"'{area.replace(chr(39), chr(39) * 2)}'!" in str(c.value)
               for _, c in formula_cells(b))  # fmt: skip
    # the chart titles carry the name as text
    assert all(PAYLOADS[0] in _title(c) for c in b.book["Summary"]._charts)


# --------------------------------------------------------------------------------------
# Front matter


def _with_front_matter() -> dict:
    m = copy.deepcopy(estate())
    m["front_matter"] = {
        "organisation": "Riverside Homes",
        "period": "April 2025 to March 2026",
        "contact": "community@example.org",
        "published": "2026-06-30",
        "introduction": "Our first social accounts.\n\nA second paragraph.",
        "narrative": {"Garden": "Twelve volunteers ran the garden every week."},
    }
    return m


def _texts(ws) -> list[str]:
    return [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]


def test_front_matter_heads_the_summary_and_each_area(tmp_path):
    try:
        r = sroi.evaluate(_with_front_matter())
    except sroi.SROIError as exc:  # pragma: no cover - a model without front matter
        pytest.skip(f"this version's model has no front matter: {exc}")
    b = Book(write_excel(r, tmp_path / "r.xlsx"))
    summary = _texts(b.book["Summary"])
    for text in ("Organisation: Riverside Homes", "Period: April 2025 to March 2026",
                 "Contact: community@example.org", "Published: 30 June 2026",
                 "Our first social accounts.",
                 "A second paragraph."):  # fmt: skip
        assert text in summary, text
    assert summary.index("Organisation: Riverside Homes") < summary.index("Headline figures")
    garden = b.book["Garden"]
    assert garden["A2"].value == "Twelve volunteers ran the garden every week."
    assert "Twelve volunteers" not in " ".join(_texts(b.book["Advice"]))
    # and the figures are unchanged by it
    assert b.at("Summary", "Present value of outcomes", 2, first=True)[0] == pytest.approx(23_000)


def test_without_front_matter_nothing_is_invented(estate_book):
    summary = _texts(estate_book.book["Summary"])
    assert not any(t.startswith(("Organisation:", "Period:", "Contact:")) for t in summary)
    assert estate_book.book["Garden"]["A2"].value is None


# --------------------------------------------------------------------------------------
# The sheets a reader prints, and the one an analyst reads


def test_the_impact_map_prints_the_guides_columns_and_another_sheet_has_every_column(
    housing_book, housing
):
    b = housing_book
    printed = [c.value for c in b.book["Impact map"][1]]
    # plain words: each outcome by its own words first, its reference in the model last
    assert printed[:3] == ["Outcome", "Stakeholder", "Indicator"] and "Deadweight" in printed
    assert printed[-3:] == ["Present value (£)", "Share of present value", "Where in the model"]
    assert all(re.fullmatch(r"[A-Z][A-Za-z ,'()£-]*", h) for h in printed), printed
    every = [c.value for c in b.book["Impact map, every column"][1]]
    assert len(every) == len(housing.by_outcome.columns) > len(printed)
    assert all(re.fullmatch(r"[A-Z][A-Za-z ,'()£-]*", h) for h in every), every
    assert not any("_" in h for h in every)
    for name in ("Impact map", "Impact map, every column"):
        ws = b.book[name]
        head = [c.value for c in ws[1]]
        column = head.index("Present value (£)") + 1
        values = [ws.cell(r, column).value for r in range(2, ws.max_row + 1)]
        assert values == pytest.approx(housing.by_outcome["present_value"].tolist())
        outcome = head.index("Outcome") + 1
        names = [ws.cell(r, outcome).value for r in range(2, ws.max_row + 1)]
        assert names == housing.by_outcome["outcome"].tolist()
        where = head.index("Where in the model") + 1
        ids = [ws.cell(r, where).value for r in range(2, ws.max_row + 1)]
        assert ids == housing.by_outcome["id"].tolist()
    assert b.book["Impact map"].page_setup.orientation == "landscape"


def test_each_area_prints_on_one_page_and_the_workbook_calculates_when_opened(housing_book):
    import zipfile

    for name in ("Financial inclusion", "Young people", "Healthy eating"):
        assert int(housing_book.book[name].page_setup.fitToHeight) == 1, name
    summary = housing_book.book["Summary"]
    assert int(summary.page_setup.fitToHeight) == 0 and summary.row_breaks.brk
    with zipfile.ZipFile(housing_book.path) as archive:
        assert 'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml").decode()


def test_group_shares_and_each_agencys_net_are_formulas(tmp_path):
    m = estate()
    for o, group in zip(m["outcomes"], ["Older", "Older", "Younger", "Younger"], strict=True):
        o["group"] = group
    r = sroi.evaluate(m)
    b = Book(write_excel(r, tmp_path / "g.xlsx"))
    # Older: 10,000 + 8,000 = 18,000 of 23,000; Younger: 4,000 + 1,000 = 5,000
    for group, share in (("Older", 18_000 / 23_000), ("Younger", 5_000 / 23_000)):
        got, cell = b.at("Summary", group, 4)
        assert cell.data_type == "f" and got == pytest.approx(share)
    flows = r.money_flows().set_index("agency")
    for agency in flows.index:
        got, cell = b.at("Summary", agency, 4)
        assert cell.data_type == "f", agency
        assert got == pytest.approx(flows.loc[agency, "gains"] - flows.loc[agency, "puts_in"])


def test_the_inputs_and_outputs_sheets_name_each_row_in_plain_words(
    estate_book, housing_book, housing
):
    ws = estate_book.book["Inputs"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Input", "Stakeholder", "Area", "Kind", "Year", "As spent (£)",
                       "Present value (£)", "Where in the model")  # fmt: skip
    # each input by its description, or by who gave it; the model's order kept in words
    assert [r[:2] for r in rows[1:5]] == [
        ("Two advisers", "HA"), ("Manager's time", "HA"), ("Garden materials", "HA"),
        ("Input from Volunteers", "Volunteers"),
    ]  # fmt: skip
    assert [r[3] for r in rows[1:5]] == ["Cash", "Staff time", "Cash", "Volunteer time"]
    assert [r[7] for r in rows[1:5]] == [f"Input {k} of 4" for k in range(1, 5)]
    assert rows[5][0] == "Total" and not any("inputs[" in str(c) for r in rows for c in r)
    outputs = list(housing_book.book["Outputs"].iter_rows(values_only=True))
    # no output of the housing example says to whom it was delivered: no empty column
    given = housing.model.outputs
    assert not any(o.stakeholder for o in given)
    assert outputs[0] == ("Output", "Quantity", "Unit", "Area")
    assert len(given) > 0 and len(outputs) == len(given) + 1
    assert [r[0] for r in outputs[1:]] == [o.description for o in given]
    assert [r[1] for r in outputs[1:]] == [o.quantity for o in given]
    assert [r[3] for r in outputs[1:]] == [o.area for o in given]


# --------------------------------------------------------------------------------------
# Sensitivity and uncertainty

UNCERTAIN = ROOT / "docs" / "examples" / "hand_worked_uncertain.yaml"


@pytest.fixture(scope="module")
def uncertain():
    return sroi.evaluate(UNCERTAIN)


@pytest.fixture(scope="module")
def uncertain_book(uncertain, tmp_path_factory):
    return Book(write_excel(uncertain, tmp_path_factory.mktemp("u") / "uncertain.xlsx"))


def _table(ws, heading: str, width: int) -> tuple[int, list[tuple]]:
    """The first row and the rows (``width`` cells each) of the table headed ``heading``
    in column A, down to the first row whose column A is empty."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == heading) + 1
    rows, r = [], start
    while ws.cell(r, 1).value not in (None, "Total"):
        rows.append(tuple(ws.cell(r, c).value for c in range(1, width + 1)))
        r += 1
    return start, rows


def test_the_sensitivity_sheet_shows_the_html_reports_switching_values(uncertain_book, uncertain):
    from sroi.report import _common as common
    from sroi.report.excel import cell_text
    from sroi.sensitivity import switching_values

    ws = uncertain_book.book["Sensitivity"]
    assert uncertain_book.book.sheetnames.index("Sensitivity") == 1  # after the summary
    head = [ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in (1, 2, 3, 4)]
    assert "Ratio 1 : 1 at" in head and "Change needed" in head
    _, rows = _table(ws, "Estimate", 4)
    found = common.sensitivity(uncertain)
    want = [
        (
            cell_text(r["estimate"]),
            cell_text(r["base"]),
            cell_text(r["switching_value"]),
            r["change"],
        )  # sroi's own signed words: as they are, quote-prefixed
        for r in found["rows"]
    ]
    assert rows == want and len(rows) >= 5
    # the figures behind the words are sroi.sensitivity.switching_values'
    table = switching_values(uncertain.model).set_index(["parameter", "outcome"])
    for r in found["rows"]:
        key = (r["parameter"], r["outcome"])
        assert r["raw_value"] == pytest.approx(float(table.loc[key, "switching_value"]))
    # and by hand: one outcome, so the ratio is proportional to its quantity and to one
    # over the investment; the ratio is 1 : 1 at quantity 100 / ratio and at an
    # investment of £150,000 x ratio
    by = {r["parameter"]: r for r in found["rows"]}
    assert by["quantity"]["raw_value"] == pytest.approx(100 / uncertain.ratio)
    assert by["investment"]["raw_value"] == pytest.approx(150_000 * uncertain.ratio)
    assert rows[0][1:3] == ("100", f"{100 / uncertain.ratio:.2f}")


def test_the_sensitivity_sheet_has_the_tornado_and_its_native_chart(uncertain_book, uncertain):
    from sroi.report import _common as common
    from sroi.report.excel import cell_text

    b = uncertain_book
    ws = b.book["Sensitivity"]
    first = next(  # the table headed "Estimate" and "Lower setting": the tornado's
        r + 1
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, 1).value == "Estimate" and ws.cell(r, 2).value == "Lower setting"
    )
    assert [ws.cell(first - 1, c).value for c in range(1, 6)] == [
        "Estimate", "Lower setting", "Ratio (lower)", "Higher setting", "Ratio (higher)"
    ]  # fmt: skip
    found = common.sensitivity(uncertain)["tornado"]["rows"]
    got = [tuple(ws.cell(first + k, c).value for c in range(1, 6)) for k in range(len(found))]
    assert [(g[0], g[1], g[3]) for g in got] == [
        (cell_text(t["estimate"]), t["low"], t["high"]) for t in found
    ]
    assert [(g[2], g[4]) for g in got] == [
        pytest.approx((t["raw_low"], t["raw_high"]), rel=1e-14) for t in found
    ]
    # by hand: the ratio is value / investment, so 20 % less investment gives ratio / 0.8
    invest = next(g for g in got if g[0] == "Total investment")
    assert invest[2] == pytest.approx(uncertain.ratio / 0.8)
    assert invest[4] == pytest.approx(uncertain.ratio / 1.2)
    assert ws.cell(first, 3).number_format == '"£"#,##0.00" per £1"'
    # the chart: horizontal bars of the two ratio columns, named by the estimates
    (chart,) = [c for c in ws._charts if _title(c).startswith("What moves the ratio most")]
    assert _title(chart) == f"What moves the ratio most — {uncertain.model.name}"
    assert chart.type == "bar" and len(chart.series) == 2
    low, high = chart.series
    last = first + len(found) - 1
    assert low.val.numRef.f == f"'Sensitivity'!$C${first}:$C${last}"
    assert high.val.numRef.f == f"'Sensitivity'!$E${first}:$E${last}"
    assert low.cat.strRef.f == f"'Sensitivity'!$A${first}:$A${last}"
    assert [b.value(*c) for c in cells(high.val.numRef.f, "Sensitivity")] == pytest.approx(
        [t["raw_high"] for t in found], rel=1e-14
    )
    # the PNG tornado's colours: the low setting sky blue, the high setting blue
    assert low.graphicalProperties.solidFill.srgbClr == PALETTE["value_light"][1:]
    assert high.graphicalProperties.solidFill.srgbClr == PALETTE["value"][1:]


def test_the_monte_carlo_figures_are_those_of_simulate(uncertain_book, uncertain):
    import numpy as np

    from sroi.sensitivity import simulate

    b = uncertain_book
    ws = b.book["Sensitivity"]
    sim = simulate(uncertain.model, 10_000, seed=0, progress=False)
    ratio = np.asarray(sim.ratio, dtype=float)

    def figure(label):
        return b.at("Sensitivity", label, 2)[0]

    assert figure("Draws") == 10_000 and figure("Seed") == 0
    above = float(np.mean(ratio > 1.0))  # counted here, by hand
    assert figure("Share of draws with the ratio above 1 : 1") == pytest.approx(above)
    assert figure("Mean ratio") == pytest.approx(float(ratio.mean()))
    assert figure("Median ratio") == pytest.approx(float(np.median(ratio)))
    assert figure("5th percentile of the ratio") == pytest.approx(np.percentile(ratio, 5))
    assert figure("95th percentile of the ratio") == pytest.approx(np.percentile(ratio, 95))
    # the histogram's bins: every draw counted once, those above 1 in their own column
    first, rows = _table(ws, "Ratio from", 4)
    assert sum(r[2] + r[3] for r in rows) == 10_000
    assert sum(r[3] for r in rows) == int(np.sum(ratio > 1.0))
    for lo, hi, below, over in rows:
        inside = int(np.sum((ratio > lo) & (ratio <= hi)))
        if lo == rows[0][0]:
            inside += int(np.sum(ratio == lo))  # the lowest draw, in the first bin
        assert below + over == inside, (lo, hi)
        assert (below == 0) if lo >= 1.0 else (over == 0)
    total = b.at("Sensitivity", "Total", 3)[0], b.at("Sensitivity", "Total", 4)[0]
    assert total == (int(np.sum(ratio <= 1.0)), int(np.sum(ratio > 1.0)))
    last = first + len(rows) - 1
    (chart,) = [c for c in ws._charts if _title(c).startswith("The ratio in 10,000 draws")]
    assert chart.type == "col" and chart.grouping == "stacked"
    assert [s.val.numRef.f for s in chart.series] == [
        f"'Sensitivity'!$C${first}:$C${last}", f"'Sensitivity'!$D${first}:$D${last}"
    ]  # fmt: skip
    assert [s.graphicalProperties.solidFill.srgbClr for s in chart.series] == [
        PALETTE["uncertain"][1:], PALETTE["value"][1:]
    ]  # fmt: skip


def test_without_distributions_the_sheet_says_nothing_is_given_as_a_range(estate_book):
    ws = estate_book.book["Sensitivity"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("No figure in the model is given as a range") for t in texts)
    assert "Draws" not in texts
    assert [_title(c) for c in ws._charts] == ["What moves the ratio most — Estate & Co"]


def test_the_sensitivity_sheet_is_left_out_or_drawn_as_asked(uncertain, tmp_path):
    without = Book(write_excel(uncertain, tmp_path / "a.xlsx", sensitivity=False))
    assert "Sensitivity" not in without.book.sheetnames
    fewer = Book(write_excel(uncertain, tmp_path / "b.xlsx", draws=500, seed=7))
    assert fewer.at("Sensitivity", "Draws", 2)[0] == 500
    assert fewer.at("Sensitivity", "Seed", 2)[0] == 7
    with pytest.raises(sroi.ModelError):
        write_excel(uncertain, tmp_path / "c.xlsx", draws=0)


def test_the_report_command_passes_its_options_to_the_workbook(tmp_path):
    from click.testing import CliRunner

    from sroi.cli import cli

    out = tmp_path / "r.xlsx"
    run = CliRunner().invoke(
        cli, ["report", str(UNCERTAIN), "--xlsx", str(out), "--draws", "300", "--seed", "2"]
    )
    assert run.exit_code == 0, run.output
    assert Book(out).at("Sensitivity", "Draws", 2)[0] == 300
    run = CliRunner().invoke(cli, ["report", str(UNCERTAIN), "--xlsx", str(out),
                                   "--no-sensitivity"])  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "Sensitivity" not in openpyxl.load_workbook(out).sheetnames


def test_the_sensitivity_sheet_prints_like_the_others(uncertain_book, uncertain):
    ws = uncertain_book.book["Sensitivity"]
    assert ws.print_area.startswith("'Sensitivity'!$A$1:")
    assert ws.print_title_rows == "$1:$1"
    assert int(ws.page_setup.fitToWidth) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddHeader.center.text == uncertain.model.name.replace("&", "&&")
    assert ws.oddFooter.left.text == "&A" and ws.oddFooter.right.text == "Page &P of &N"
    # the charts sit inside the print area
    last_row = int(re.sub(r"\D", "", ws.print_area.split(":")[-1]))
    assert all(c.anchor._from.row < last_row for c in ws._charts)


def test_every_chart_uses_the_png_charts_palette(housing_book, uncertain_book):
    allowed = {c[1:] for c in PALETTE.values()}
    seen = set()
    for book in (housing_book, uncertain_book):
        for ws in book.book.worksheets:
            for chart in ws._charts:
                for series in chart.series:
                    seen.add(series.graphicalProperties.solidFill.srgbClr)
    assert seen <= allowed and {"0072B2", "D55E00"} <= seen
    ws = housing_book.book["Summary"]
    (by_area,) = [c for c in ws._charts if _title(c).startswith("Value produced and inputs")]
    value, investment = by_area.series
    assert value.graphicalProperties.solidFill.srgbClr == PALETTE["value"][1:]
    assert investment.graphicalProperties.solidFill.srgbClr == PALETTE["investment"][1:]


def test_importing_the_palette_does_not_import_matplotlib():
    code = "import sys, sroi.plots; print('matplotlib' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_the_ratio_in_words_on_the_summary_is_a_formula_that_follows_the_figures(
    estate_book, estate_result
):
    from sroi.report import _common as common

    b = estate_book
    ws = b.book["Summary"]
    sentence = next(
        c for c in ws["A"] if isinstance(c.value, str) and "invested produces" in c.value
    )
    assert sentence.data_type == "f" and "TEXT(" in sentence.value
    assert b.value("Summary", sentence.coordinate) == "".join(common.ratio_sentence(estate_result))
    _, cell = b.at("Summary", "SROI ratio", 2, first=True)
    beside = ws.cell(cell.row, 3)
    assert beside.data_type == "f"
    assert b.value("Summary", beside.coordinate) == common.ratio_text(estate_result.ratio, "GBP")
    # hand-worked: £23,000 of value for £15,000 invested
    assert b.value("Summary", sentence.coordinate) == (
        "Every £1 invested produces £1.53 of social value (present value)."
    )
    # edit the figures: double every input, and the words follow the ratio
    edited = Book(b.path)
    investment = b.at("Summary", "Total investment (present value)", 2, first=True)[1]
    leaves = set(edited.leaves("Summary", investment.coordinate))
    assert {sheet for sheet, _ in leaves} == {"Garden", "Hall"} or len(leaves) >= 2
    for sheet, where in leaves:
        edited.book[sheet][where].value *= 2
    assert edited.value("Summary", sentence.coordinate) == (
        "Every £1 invested produces £0.77 of social value (present value)."  # 23,000 / 30,000
    )
    # payback is sroi's own figure, and says so
    labels = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert "Payback [months] (worked out by sroi)" in labels


def test_the_evaluator_joins_texts_and_shows_numbers_as_a_spreadsheet_does(estate_book):
    b = estate_book
    assert b.formula('="a"&"b"&1+2', "Summary") == "ab3"
    assert b.formula('=TEXT(1234.5,"#,##0.00")', "Summary") == "1,234.50"
    assert b.formula('=TEXT(0.126,"0.00")', "Summary") == "0.13"
    assert b.formula('=IF(ISNUMBER("x"),"yes","no")', "Summary") == "no"
    assert b.formula('="say ""hi"""', "Summary") == 'say "hi"'


def test_the_every_column_sheet_prints_across_pages_of_a3_with_the_outcome_repeated(
    housing_book,
):
    ws = housing_book.book["Impact map, every column"]
    setup = ws.page_setup
    assert int(setup.fitToWidth) == 3 and int(setup.fitToHeight) in (0, 1)
    assert int(setup.paperSize) == int(ws.PAPERSIZE_A3) and setup.orientation == "landscape"
    head = [c.value for c in ws[1]]
    outcome = openpyxl.utils.get_column_letter(head.index("Outcome") + 1)
    assert ws.print_title_cols == f"$A:${outcome}"


def test_the_summary_states_the_transfers_and_the_ratio_without_them(tmp_path):
    """The council's offer counts £134,134 of benefits saved by DWP and £10,405 of tax to
    HM Treasury: transfers, not resources saved. The summary says so beside the ratio."""
    import openpyxl

    r = sroi.evaluate(COUNCIL)
    path = write_excel(r, tmp_path / "c.xlsx", sensitivity=False)
    rows = {
        row[0]: row[1]
        for row in openpyxl.load_workbook(path)["Summary"].iter_rows(values_only=True)
        if isinstance(row[0], str)
    }
    transfers = rows["Of which transfers (benefits or taxes moved, not resources saved)"]
    assert transfers == pytest.approx(r.transfer_present_value, rel=1e-12)
    assert round(transfers) == 134_134 + 10_405  # the two priced in the claims check
    without = rows["SROI ratio without transfers (worked out by sroi)"]
    assert without == pytest.approx((r.present_value - transfers) / r.total_investment, rel=1e-12)
    assert round(without, 2) == 0.62


def test_no_transfers_line_without_transfers(tmp_path):
    import openpyxl

    r = sroi.evaluate(ROOT / "docs" / "examples" / "hand_worked.yaml")
    assert r.transfer_present_value == 0
    path = write_excel(r, tmp_path / "h.xlsx", sensitivity=False)
    text = [
        str(v)
        for row in openpyxl.load_workbook(path)["Summary"].iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert not any("transfers" in t and "SROI ratio" in t for t in text)


def test_signed_changes_show_without_an_apostrophe_and_stay_text(tmp_path):
    """sroi's own "+20 %" is text marked with Excel's quote prefix (shown nowhere), not
    "'+20 %"; user text beginning like a formula keeps its visible apostrophe."""
    import openpyxl

    r = sroi.evaluate(HOUSING)
    book = openpyxl.load_workbook(write_excel(r, tmp_path / "h.xlsx", draws=200))
    cells = [c for row in book["Sensitivity"].iter_rows() for c in row if c.value is not None]
    signed = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "+-−"]
    assert any(c.value == "+20 %" for c in signed) and any(c.value == "+10 points" for c in signed)
    for c in signed:
        assert c.data_type == "s" and not c.value.startswith("'")
        assert c.quotePrefix == c.value.startswith(("+", "-"))  # "−" (minus) is not a formula
    assert not any(isinstance(c.value, str) and c.value.startswith("'+") for c in cells)
