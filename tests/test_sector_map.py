"""The sector's impact map (the SROI Guide's layout): an officer's workbook read as it is,
total rows checked and never counted, Impact cells compared, every ignored cell listed;
written back with live formulas and read back to an equal model; the blank template; and
the library's own layout refusing total rows."""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import sroi
from sroi.cli import cli
from sroi.errors import ModelError, ReadingWarning
from sroi.io import read_model, read_model_report, write_model
from sroi.io.sector_map import COLUMNS, template_workbook
from sroi.model import Model

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.styles import Font  # noqa: E402

GUIDE_HEADINGS = [
    "Stakeholders", "Intended/unintended changes", "Description", "Value £",
    "Summary of activity in numbers", "Description", "Indicator", "Source", "Quantity",
    "Duration", "Outcomes start", "Financial proxy", "Value £", "Source", "Deadweight %",
    "Displacement %", "Attribution %", "Drop off %", "Impact", "Notes and assumptions",
]  # fmt: skip
GUIDANCE = [
    "Who do we have an effect on?", "What do you think will change for them?",
    "What do they invest?", "£", "Summary of activity in numbers",
    "How would you describe the change?", "How would you measure it?",
    "Where did you get the information from?", "How much change was there?",
    "How long does it last?", "Does it start during or after the activity?",
    "What proxy would you use to value the change?", "What is the value of the change?",
    "Where did you get the information from?",
    "What would have happened without the activity?", "What activity did you displace?",
    "Who else contributed to the change?", "Does the outcome drop off in future years?",
    "Quantity times financial proxy, less deadweight, displacement and attribution", None,
]  # fmt: skip


def officer_workbook(
    path: Path,
    *,
    first_impact: float = 67_500,
    second_impact: float = 20_000,
    total: float | str = 150_000,
    extra_rows: list[list] | None = None,
) -> Path:
    """An impact map as an officer lays it out in Excel, following the Guide's template.

    A title row; stage headings merged over their columns (row 2); Inputs, Outputs and
    The Outcomes merged over theirs (row 3); the Guide's headings (row 4) and its guiding
    questions (row 5); two inputs, then the participants' two outcomes with the
    stakeholder merged over both rows; a Total row under the inputs' Value £; £ and %
    number formats; a notes column; a note typed off to the side in X12. The second
    outcome's Impact cell is wrong (50 x £500 x 0.8 x 0.7 is £14,000, not £20,000).
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Impact Map"
    ws["A1"] = "SROI impact map – Employment support 2025"
    ws["A1"].font = Font(bold=True, size=14)
    for first, last, text in (
        ("A2", "B2", "Stage 1"), ("C2", "F2", "Stage 2"), ("G2", "N2", "Stage 3"),
        ("O2", "S2", "Stage 4"), ("C3", "D3", "Inputs"), ("E3", None, "Outputs"),
        ("F3", "N3", "The Outcomes (what changes)"),
    ):  # fmt: skip
        ws[first] = text
        if last:
            ws.merge_cells(f"{first}:{last}")
    for j, (heading, question) in enumerate(zip(GUIDE_HEADINGS, GUIDANCE, strict=True), 1):
        ws.cell(row=4, column=j, value=heading)
        ws.cell(row=5, column=j, value=question)
    rows = [
        ["Council", None, "Grant funding", 100_000],
        ["Housing association", None, "Staff time", 50_000],
        ["Participants", "Get a job", None, None, "120 people supported", "Moved into work",
         "In work 13 weeks on", "Provider records", 100, 3, "During", "Earnings gain",
         "£1,000", "ONS ASHE 2024", 0.25, 0, 0.10, 0.10, first_impact, "Cohort of 2024"],
        [None, "Feel better", None, None, None, "Improved wellbeing", "WEMWBS +3", "Survey",
         50, 2, 1, "Wellbeing value", 500, "HACT", 0.2, 0, 0.3, 0.5, second_impact],
        ["Total", None, None, total],
        *(extra_rows or []),
    ]  # fmt: skip
    for i, row in enumerate(rows, start=6):
        for j, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=i, column=j, value=value)
    ws.merge_cells("A8:A9")
    for r in range(6, 7 + len(rows)):
        for c in (4, 13, 19):
            ws.cell(row=r, column=c).number_format = '"£"#,##0'
        for c in range(15, 19):
            ws.cell(row=r, column=c).number_format = "0%"
    ws["X12"] = "checked by J. Smith"
    wb.save(path)
    return path


def pv(*impacts: float, rate: float = 0.035) -> float:
    """Impacts in years 1, 2, ... discounted at the end of each year."""
    return sum(x / (1 + rate) ** t for t, x in enumerate(impacts, start=1))


EXPECTED = {
    "name": "Employment support 2025",
    "inputs": [
        {"stakeholder": "Council", "description": "Grant funding", "amount": 100_000},
        {"stakeholder": "Housing association", "description": "Staff time", "amount": 50_000},
    ],
    "outputs": [
        {"description": "120 people supported", "quantity": 120, "stakeholder": "Participants"}
    ],
    "outcomes": [
        {
            "stakeholder": "Participants", "outcome": "Moved into work",
            "indicator": "In work 13 weeks on", "source": "Provider records",
            "quantity": 100, "duration": 3, "start_year": 1,
            "proxy_description": "Earnings gain", "value": 1_000,
            "proxy_source": "ONS ASHE 2024",
            "deadweight": 0.25, "displacement": 0, "attribution": 0.1, "drop_off": 0.1,
            "notes": "Intended/unintended changes: Get a job\nCohort of 2024",
        },
        {
            "stakeholder": "Participants", "outcome": "Improved wellbeing",
            "indicator": "WEMWBS +3", "source": "Survey", "quantity": 50, "duration": 2,
            "start_year": 1, "proxy_description": "Wellbeing value", "value": 500,
            "proxy_source": "HACT", "deadweight": 0.2, "displacement": 0,
            "attribution": 0.3, "drop_off": 0.5,
            "notes": "Intended/unintended changes: Feel better",
        },
    ],
}  # fmt: skip


# --------------------------------------------------------------------------------------
# Reading an officer's workbook.


def test_an_officers_impact_map_reads_to_the_right_model(tmp_path):
    reading = read_model_report(officer_workbook(tmp_path / "map.xlsx"))
    assert reading.layout == "impact-map"
    assert reading.model == Model.from_dict(EXPECTED)
    # one total checked: the Total row's Value £ against the two inputs above it
    [total] = reading.totals
    assert total.stated == 150_000 and total.computed == 100_000 + 50_000 and total.agrees
    assert total.rows == "rows 6-7" and "row 10, column D" in total.location
    # two Impact cells compared; the second is wrong: 50 x 500 x (1 - 0.2) x (1 - 0.3)
    first, second = reading.impacts
    assert first.agrees and first.computed == 100 * 1_000 * 0.75 * 0.9
    assert not second.agrees
    assert (second.stated, second.computed) == (20_000, 50 * 500 * 0.8 * 0.7)
    [impact_warning] = [w for w in reading.warnings if "(Impact)" in w.location]
    assert "row 9, column S (Impact)" in impact_warning.location
    assert "20,000.00" in impact_warning.message and "14,000.00" in impact_warning.message


def test_every_cell_not_read_is_listed_with_why(tmp_path):
    reading = read_model_report(officer_workbook(tmp_path / "map.xlsx"))
    ignored = {cell.location.split(", sheet 'Impact Map', ")[1]: cell for cell in reading.ignored}
    assert ignored["cell A1"].value == "SROI impact map – Employment support 2025"
    assert ignored["cell A2"].value == "Stage 1"
    assert ignored["cell C3"].value == "Inputs"
    assert all(f"row 5, column {c}" in " ".join(ignored) for c in "ABCDEFGHIJKLMNOPQRS")
    assert ignored["row 5, column I (Quantity)"].reason == "guidance under the headings"
    assert ignored["row 10, column A (Stakeholders)"].value == "Total"
    assert ignored["row 12, column X"].value == "checked by J. Smith"
    # every non-blank cell of the sheet is data, a checked total, a compared Impact or listed
    ws = openpyxl.load_workbook(tmp_path / "map.xlsx")["Impact Map"]
    filled = {c.coordinate for row in ws.iter_rows() for c in row if c.value is not None}
    data = {f"{col}{r}" for r in (6, 7) for col in "ACD"} | {
        f"{col}{r}"
        for r in (8, 9)
        for col in "ABEFGHIJKLMNOPQRT"
        if ws[f"{col}{r}"].value is not None
    }
    checked = {"D10", "S8", "S9"} | {f"{col}4" for col in "ABCDEFGHIJKLMNOPQRST"}
    listed = set()
    for cell in reading.ignored:
        tail = cell.location.rsplit(", ", 2)
        if tail[-1].startswith("cell "):
            listed.add(tail[-1][5:])
        else:
            row = tail[-2].removeprefix("row ")
            column = tail[-1].removeprefix("column ").split(" ")[0]
            listed.add(f"{column}{row}")
    assert filled <= data | checked | listed, filled - data - checked - listed
    assert sum(1 for w in reading.warnings if "column X" in w.location) == 1


def test_the_figures_are_the_hand_worked_ones(tmp_path):
    path = officer_workbook(tmp_path / "map.xlsx")
    with pytest.warns(ReadingWarning):
        result = sroi.evaluate(path)
    # outcome 1: 67,500 a year, less 10 % drop-off each later year: 67,500 / 60,750 / 54,675
    # outcome 2: 14,000 then 14,000 x 0.5 = 7,000
    expected = pv(67_500, 60_750, 54_675) + pv(14_000, 7_000)
    assert result.present_value == pytest.approx(expected, rel=1e-12)
    assert result.total_investment == 150_000  # the Total row is not counted
    assert any(isinstance(w, ReadingWarning) for w in result.warnings)
    assert any("(Impact)" in w["location"] for w in result.to_dict()["warnings"])


def test_read_model_issues_the_reading_warnings(tmp_path):
    path = officer_workbook(tmp_path / "map.xlsx")
    with pytest.warns(ReadingWarning, match="states an impact of 20,000.00"):
        model = read_model(path)
    assert model == Model.from_dict(EXPECTED)


def test_a_total_that_disagrees_is_a_warning_naming_the_row_and_both_figures(tmp_path):
    reading = read_model_report(officer_workbook(tmp_path / "map.xlsx", total=160_000))
    [total] = reading.totals
    assert not total.agrees and (total.stated, total.computed) == (160_000, 150_000)
    [warning] = [w for w in reading.warnings if "row 10" in w.location]
    assert "160,000.00" in warning.message and "150,000.00" in warning.message
    assert "rows 6-7" in warning.message
    assert sum(i.amount for i in reading.model.inputs) == 150_000  # still not counted


def test_sub_totals_and_a_grand_total_are_checked_against_their_own_rows(tmp_path):
    path = officer_workbook(
        tmp_path / "map.xlsx",
        total=150_000,
        extra_rows=[
            ["Trust", None, "Match funding", 30_000],
            ["Volunteers", None, "Time", 20_000],
            ["Sub-total", None, None, 50_000],
            ["Grand total", None, None, 199_999],
        ],
    )
    reading = read_model_report(path)
    by_label = {t.label: t for t in reading.totals}
    # the first 'Total' totals rows 6-7; the Sub-total the rows since it (11-12);
    # the Grand total every input above: 100,000 + 50,000 + 30,000 + 20,000
    assert by_label["Total"].computed == 150_000 and by_label["Total"].agrees
    assert by_label["Sub-total"].rows == "rows 11-12"
    assert by_label["Sub-total"].computed == 50_000 and by_label["Sub-total"].agrees
    assert by_label["Grand total"].computed == 200_000 and not by_label["Grand total"].agrees
    assert len(reading.model.inputs) == 4
    assert sum(i.amount for i in reading.model.inputs) == 200_000


def test_a_summing_formula_marks_a_total_row_without_a_label(tmp_path):
    path = officer_workbook(tmp_path / "map.xlsx", total="=SUM(D6:D7)")
    wb = openpyxl.load_workbook(path)
    wb.active["A10"] = None
    wb.save(path)
    reading = read_model_report(path)
    assert len(reading.model.inputs) == 2  # the formula's row is not an input
    assert not reading.totals  # openpyxl saves no value for the formula: nothing to check
    [cell] = [c for c in reading.ignored if "row 10, column D" in c.location]
    assert cell.value == "=SUM(D6:D7)" and "not saved" in cell.reason


def test_a_summing_formula_is_checked_once_a_spreadsheet_has_calculated_it(tmp_path, libreoffice):
    path = officer_workbook(tmp_path / "map.xlsx", total="=SUM(D6:D7)+1")
    out = tmp_path / "calc"
    subprocess.run(
        [libreoffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reading = read_model_report(out / "map.xlsx")
    [total] = reading.totals
    assert (total.stated, total.computed, total.rows) == (150_001, 150_000, "rows 6-7")
    assert any("150,001.00" in w.message for w in reading.warnings)


# --------------------------------------------------------------------------------------
# Cells read as typed.


def _edit(path: Path, **cells) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for coordinate, value in cells.items():
        if isinstance(value, tuple):
            ws[coordinate].value, ws[coordinate].number_format = value
        else:
            ws[coordinate].value = value
            ws[coordinate].number_format = "General"
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "cell, expected",
    [
        ((0.25, "0%"), 0.25),  # a percentage cell: 25 %
        ((0.25, "General"), 0.25),  # a plain fraction
        ("25%", 0.25),  # text with a per cent sign
        ("0.25", 0.25),
        ((0.255, "0.0%"), 0.255),
    ],
)
def test_percent_cells_are_read_as_typed(tmp_path, cell, expected):
    path = _edit(officer_workbook(tmp_path / "m.xlsx"), O8=cell)
    assert read_model_report(path).model.outcomes[0].deadweight == expected


@pytest.mark.parametrize("cell", [25, "25"])
def test_a_plain_25_in_a_percent_column_is_an_error_saying_how_to_write_it(tmp_path, cell):
    path = _edit(officer_workbook(tmp_path / "m.xlsx"), O8=cell)
    with pytest.raises(ModelError) as err:
        read_model(path)
    [problem] = err.value.problems
    assert problem.location == "m.xlsx, sheet 'Impact Map', row 8, column O (Deadweight %)"
    assert "25%" in problem.message and "fraction" in problem.message


@pytest.mark.parametrize(
    "typed, expected",
    [("£1,200.50", 1_200.5), ("1,200", 1_200), (1_200, 1_200), ("GBP 900", 900)],
)
def test_money_cells_may_carry_a_pound_sign_and_separators(tmp_path, typed, expected):
    path = _edit(officer_workbook(tmp_path / "m.xlsx", first_impact=None), M8=typed)
    assert read_model_report(path).model.outcomes[0].value == expected


def test_outcomes_start_takes_a_year_or_during_and_after(tmp_path):
    path = _edit(officer_workbook(tmp_path / "m.xlsx"), K8="After", K9=3)
    reading = read_model_report(path)
    assert [o.start_year for o in reading.model.outcomes] == [2, 3]
    assert "row 8: Outcomes start 'After' read as year 2" in reading.notes


def test_every_bad_cell_is_reported_together_with_its_column_heading(tmp_path):
    path = _edit(officer_workbook(tmp_path / "m.xlsx"), O8=40, J9="forever", I8=-3)
    with pytest.raises(ModelError) as err:
        read_model(path)
    where = {p.location.split("sheet 'Impact Map', ")[1] for p in err.value.problems}
    assert where == {
        "row 8, column O (Deadweight %)",
        "row 9, column J (Duration)",
        "row 8, column I (Quantity)",
    }


# --------------------------------------------------------------------------------------
# Layout variations: no title, no group headings, columns unknown or twice, rows.


def _plain_map(path: Path, header: list[str], rows: list[list], start: int = 1) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for j, h in enumerate(header, start=1):
        ws.cell(row=start, column=j, value=h)
    for i, row in enumerate(rows, start=start + 1):
        for j, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=i, column=j, value=value)
    wb.save(path)
    return path


def test_the_guides_order_tells_the_two_descriptions_and_values_apart_without_headings(
    tmp_path,
):
    header = ["Stakeholder", "Description", "Value £", "Description", "Quantity", "Duration",
              "Value £", "Source", "Deadweight %", "Attribution %", "Drop-off %"]  # fmt: skip
    rows = [
        ["Funder", "Grant", 10_000],
        ["Tenants", None, None, "Warmer homes", 40, 2, 250, "Energy bills", 0.2, 0.1, 0],
    ]
    reading = read_model_report(_plain_map(tmp_path / "m.xlsx", header, rows, start=3))
    model = reading.model
    assert model.name == "m"  # no title: the file's name, and the reading says so
    assert any("file's name" in n for n in reading.notes)
    assert model.inputs[0].description == "Grant" and model.inputs[0].amount == 10_000
    [o] = model.outcomes
    assert (o.outcome, o.value, o.proxy_source, o.source) == (
        "Warmer homes",
        250,
        "Energy bills",
        "",
    )
    assert reading.columns[1] == ("B (Description)", "inputs.description")


def test_an_unknown_column_and_a_second_quantity_are_reported_not_read(tmp_path):
    header = ["Stakeholders", "Description", "Value £", "Outcome", "Quantity", "Quantity",
              "Duration", "Value £", "Deadweight %", "RAG rating"]  # fmt: skip
    rows = [
        ["Funder", "Grant", 10_000],
        ["Tenants", None, None, "Warmer homes", 40, 99, 2, 250, 0.2, "Green"],
    ]
    reading = read_model_report(_plain_map(tmp_path / "m.xlsx", header, rows))
    assert reading.model.outcomes[0].quantity == 40
    messages = " ".join(f"{w.location}: {w.message}" for w in reading.warnings)
    assert "column F: is a second 'Quantity' column" in messages
    assert "'RAG rating' is not one sroi knows" in messages
    values = {c.value for c in reading.ignored}
    assert {99, "Green", "RAG rating"} <= values


def test_a_change_without_figures_is_reported_not_counted(tmp_path):
    header = ["Stakeholders", "Intended/unintended changes", "Value £", "Quantity",
              "Duration", "Financial proxy", "Value £", "Deadweight %"]  # fmt: skip
    rows = [
        ["Funder", None, 10_000],
        ["Tenants", "Warmer homes", None, 40, 2, "Bills", 250, 0.2],
        ["Staff", "More skills (not material)"],
        ["Neighbours"],
    ]
    reading = read_model_report(_plain_map(tmp_path / "m.xlsx", header, rows))
    assert [o.outcome for o in reading.model.outcomes] == ["Warmer homes"]
    [warning] = reading.warnings
    assert "row 4" in warning.location and "'More skills (not material)'" in warning.message
    reasons = {c.value: c.reason for c in reading.ignored}
    assert reasons["Neighbours"] == "a row with no figures"


def test_a_stakeholder_left_blank_below_is_carried_down_and_noted(tmp_path):
    header = ["Stakeholders", "Value £", "Outcome", "Quantity", "Duration", "Value £"]
    rows = [
        ["Funder", 10_000],
        ["Tenants", None, "Warmer homes", 40, 2, 250],
        [None, None, "Lower bills", 40, 1, 100],
    ]
    reading = read_model_report(_plain_map(tmp_path / "m.xlsx", header, rows))
    assert [o.stakeholder for o in reading.model.outcomes] == ["Tenants", "Tenants"]
    assert "row 4: stakeholder 'Tenants' taken from row 3" in reading.notes


def test_a_workbook_with_no_impact_map_header_says_what_it_looked_for(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Just notes"
    wb.save(tmp_path / "notes.xlsx")
    with pytest.raises(ModelError, match="has no sheet with an impact map's header row"):
        read_model(tmp_path / "notes.xlsx", format="impact-map")


# --------------------------------------------------------------------------------------
# Writing the sector layout: live formulas, lossless round trip.


def rich_model() -> Model:
    """Inputs and outputs interleaved across stakeholders, profiles, a proxy id, a
    distribution, conventions, stakeholders and a scenario: everything the layout holds."""
    return Model.from_dict(
        {
            "name": "Employment support",
            "description": "Two-year programme",
            "price_year": "2024/25",
            "conventions": {"drop_off_from": "first_year"},
            "stakeholders": [
                {"name": "Council", "description": "Funder"},
                {"name": "Participants"},
                {"name": "Trust"},
            ],
            "inputs": [
                {"stakeholder": "Council", "amount": 100_000, "description": "Grant"},
                {"stakeholder": "Trust", "amount": 50_000, "kind": "in_kind", "year": 1},
                {"stakeholder": "Council", "amount": 5_000, "area": "North"},
            ],
            "outputs": [
                {"description": "120 sessions", "quantity": 120, "unit": "session"},
                {"description": "30 mentors", "quantity": 30, "stakeholder": "Participants"},
            ],
            "outcomes": [
                {
                    "id": "jobs", "stakeholder": "Participants", "outcome": "Moved into work",
                    "quantity": 100, "value": 1_000, "duration": 3, "deadweight": 0.25,
                    "attribution": 0.1, "drop_off": 0.1, "leakage": 0.05,
                    "notes": "2024 cohort", "proxy_description": "Earnings gain",
                    "proxy_source": "ONS ASHE", "drop_off_from": "second_year",
                    "value_type": "economic", "bearer": "Individual", "area": "North",
                },
                {
                    "stakeholder": "Participants", "outcome": "Wellbeing",
                    "quantity": [50, 40], "value": 500, "duration": 2,
                    "deadweight": [0.15, 0.3],
                },
                {
                    "stakeholder": "Council", "outcome": "Fewer claims", "quantity": 20,
                    "proxy": "ucd_jsa_claimant_into_work_fiscal_total", "duration": 1,
                    "attribution": {"distribution": "uniform", "low": 0.1, "high": 0.3},
                },
            ],
            "scenarios": {"cautious": {"deadweight": "+0.1"}},
        }
    )  # fmt: skip


def test_write_then_read_the_sector_layout_is_lossless(tmp_path):
    model = rich_model()
    path = write_model(model, tmp_path / "map.xlsx", format="impact-map")
    reading = read_model_report(path)
    assert reading.layout == "impact-map"
    assert reading.model == model
    assert reading.model.to_dict() == model.to_dict()
    assert not reading.warnings


def test_the_written_sheet_is_the_guides_layout_with_live_formulas(tmp_path):
    model = rich_model()
    path = write_model(model, tmp_path / "map.xlsx", format="impact-map")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Impact map" and wb["Lists"].sheet_state == "hidden"
    ws = wb["Impact map"]
    assert [ws.cell(row=4, column=j).value for j in range(1, 21)] == [
        c.header for c in COLUMNS[:20]
    ]
    assert [c.header for c in COLUMNS[:5]] == [
        "Stakeholders", "Intended/unintended changes", "Description", "Value £",
        "Summary of activity in numbers",
    ]  # fmt: skip
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:B2", "C2:F2", "C3:D3", "O3:T3"} <= merged
    first = next(r for r in range(5, ws.max_row) if ws.cell(row=r, column=6).value)
    assert ws.cell(row=first, column=6).value == "Moved into work"  # outcomes' Description
    assert ws.cell(row=first, column=20).value == (
        f'=IF(COUNT(I{first},M{first})<2,"",I{first}*M{first}'
        f"*(1-O{first})*(1-P{first})*(1-Q{first})*(1-R{first}))"
    )
    total_row = next(
        r for r in range(5, ws.max_row + 1) if ws.cell(row=r, column=1).value == "Total"
    )
    assert ws.cell(row=total_row, column=4).value == f"=SUM(D5:D{total_row - 1})"
    assert ws.cell(row=total_row, column=20).value == f"=SUM(T5:T{total_row - 1})"


def test_additive_deductions_write_an_additive_formula(tmp_path):
    model = Model.from_dict(
        {
            "name": "x",
            "conventions": {"deductions": "additive"},
            "inputs": [{"stakeholder": "A", "amount": 1}],
            "outcomes": [{"stakeholder": "A", "outcome": "b", "quantity": 1, "value": 1,
                          "duration": 1}],
        }
    )  # fmt: skip
    ws = openpyxl.load_workbook(write_model(model, tmp_path / "m.xlsx", format="impact-map"))[
        "Impact map"
    ]
    assert ws["T5"].value == '=IF(COUNT(I5,M5)<2,"",I5*M5*MAX(0,1-(O5+P5+Q5+R5)))'


def test_a_spreadsheet_calculates_the_written_formulas_to_sroi_figures(tmp_path, libreoffice):
    model = rich_model()
    hand = Model.from_dict(
        {
            "name": "Hand",
            "inputs": [{"stakeholder": "Funder", "amount": 150_000}],
            "outcomes": [
                {"stakeholder": "P", "outcome": "Work", "quantity": 100, "value": 1_000,
                 "duration": 3, "deadweight": 0.25, "attribution": 0.1, "drop_off": 0.1},
                {"stakeholder": "P", "outcome": "Calm", "quantity": 40, "value": 250,
                 "duration": 1, "displacement": 0.2, "leakage": 0.5},
            ],
        }
    )  # fmt: skip
    for name, m in (("rich", model), ("hand", hand)):
        written = write_model(m, tmp_path / f"{name}.xlsx", format="impact-map")
        subprocess.run(
            [libreoffice, "--headless", "--convert-to", "xlsx", "--outdir",
             str(tmp_path / "calc"), str(written)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        reading = read_model_report(tmp_path / "calc" / f"{name}.xlsx")
        assert reading.model == m
        assert reading.impacts and all(i.agrees for i in reading.impacts)
        assert reading.totals and all(t.agrees for t in reading.totals)
        assert not reading.warnings
    # the hand model's impacts, as the spreadsheet computed them:
    # 100 x 1,000 x 0.75 x 0.9 = 67,500; 40 x 250 x 0.8 x 0.5 = 4,000
    assert sorted(i.stated for i in reading.impacts) == [4_000, 67_500]
    assert {t.stated for t in reading.totals} == {150_000, 71_500}


# --------------------------------------------------------------------------------------
# The blank template.


def test_the_template_has_the_layout_validation_and_the_bundled_proxy_ids(tmp_path):
    path = tmp_path / "t.xlsx"
    template_workbook(rows=10).save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Impact map"]
    checks = ws.data_validations.dataValidation
    percent = next(v for v in checks if v.type == "decimal" and v.formula2 == "1")
    # rows 5-14 laid out, and 200 more for the rows an officer adds
    assert {"O5:O214", "P5:P214", "Q5:Q214", "R5:R214", "S5:S214"} <= {
        str(r) for r in percent.sqref.ranges
    }
    assert percent.formula1 == "0"
    proxy = next(v for v in checks if v.type == "list" and "Lists" in (v.formula1 or ""))
    ids = [c.value for c in wb["Lists"]["A"]][1:]
    assert proxy.formula1 == f"Lists!$A$2:$A${len(ids) + 1}"
    assert set(ids) == set(sroi.proxies.load().ids)
    assert ws["T5"].value.startswith("=IF(COUNT(I5,M5)<2")
    assert ws["A15"].value == "Total" and ws["D15"].value == "=SUM(D5:D14)"


def test_a_blank_template_is_not_a_model_and_says_what_is_missing(tmp_path):
    path = tmp_path / "t.xlsx"
    template_workbook().save(path)
    with pytest.raises(ModelError) as err:
        read_model(path)
    text = str(err.value)
    assert "has no outcome with figures" in text and "has no input" in text


def test_a_filled_in_template_evaluates(tmp_path):
    path = tmp_path / "t.xlsx"
    template_workbook(rows=5).save(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Impact map"]
    ws["A1"] = "Impact map: Garden"
    for coordinate, value in {"A5": "Housing association", "D5": 20_000, "A6": "Residents",
                              "F6": "Eat more fresh food", "I6": 40, "J6": 2, "M6": 250,
                              "O6": 0.2}.items():  # fmt: skip
        ws[coordinate] = value
    wb.save(path)
    result = sroi.evaluate(path)
    assert result.model.name == "Garden"
    # 40 x 250 x 0.8 = 8,000 a year for two years
    assert result.present_value == pytest.approx(pv(8_000, 8_000), rel=1e-12)
    assert result.total_investment == 20_000


@pytest.mark.parametrize("rows", [0, 10_001, 2.5, True])
def test_the_template_refuses_a_bad_number_of_rows(rows):
    with pytest.raises(ModelError, match="rows"):
        template_workbook(rows=rows)


# --------------------------------------------------------------------------------------
# The library's own layout refuses total rows.


def _library(tmp_path: Path, fmt: str) -> Path:
    model = Model.from_dict(
        {
            "name": "x",
            "inputs": [
                {"stakeholder": "Council", "amount": 60_000},
                {"stakeholder": "Trust", "amount": 40_000},
            ],
            "outcomes": [{"stakeholder": "P", "outcome": "w", "quantity": 100, "value": 1_900,
                          "duration": 1}],
        }
    )  # fmt: skip
    return write_model(model, tmp_path / ("m.xlsx" if fmt == "xlsx" else "tables"))


@pytest.mark.parametrize("label", ["Total", "TOTAL:", "Sub-total", "Grand total", "Sum"])
def test_a_total_row_in_the_library_workbook_is_an_error_naming_the_row(tmp_path, label):
    path = _library(tmp_path, "xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Inputs"].append([label, None, 100_000])
    wb.save(path)
    with pytest.raises(ModelError) as err:
        read_model(path)
    [problem] = err.value.problems
    assert problem.location == "m.xlsx, sheet 'Inputs', row 4, column stakeholder"
    assert "total row is not money spent" in problem.message


def test_a_total_row_in_csv_tables_is_an_error(tmp_path):
    folder = _library(tmp_path, "csv")
    inputs = folder / "inputs.csv"
    inputs.write_text(inputs.read_text(encoding="utf-8") + "Total,,100000,0,cash,\n", "utf-8")
    with pytest.raises(ModelError, match=r"inputs.csv, row 4, column stakeholder"):
        sroi.evaluate(folder)
    result = sroi.evaluate(_library(tmp_path / "again", "csv"))
    assert result.ratio == pytest.approx(1.9 * 100_000 / 1.035 / 100_000)


def test_an_unlabelled_row_equal_to_the_others_sum_is_warned_about_unless_described(tmp_path):
    path = _library(tmp_path, "xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Inputs"].append(["Council", None, 100_000])
    wb.save(path)
    with pytest.warns(ReadingWarning) as caught:
        model = read_model(path)
    [warning] = [w.message for w in caught if isinstance(w.message, ReadingWarning)]
    assert "row 4, column amount" in warning.location
    assert "equals the sum of the other rows (2, 3)" in warning.message
    assert sum(i.amount for i in model.inputs) == 200_000  # counted, and said so
    # described as a real input, it is one, with nothing to warn about
    wb = openpyxl.load_workbook(path)
    wb["Inputs"]["B4"] = "Second-year grant"
    wb.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReadingWarning)
        assert sum(i.amount for i in read_model(path).inputs) == 200_000


def test_a_summing_formula_in_the_library_workbook_is_refused(tmp_path):
    path = _library(tmp_path, "xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Inputs"].append(["Council", "Both", "=SUM(C2:C3)"])
    wb.save(path)
    with pytest.raises(ModelError) as err:
        read_model(path)
    assert any("adds up other rows" in p.message for p in err.value.problems)


def test_a_stakeholder_whose_name_begins_with_total_is_not_a_total():
    from sroi.io.layout import is_total_label

    assert not is_total_label("Total Fitness Ltd")
    assert is_total_label("Total investment")


# --------------------------------------------------------------------------------------
# The command line.


def test_validate_prints_the_reading_of_an_impact_map(tmp_path):
    path = officer_workbook(tmp_path / "map.xlsx")
    run = CliRunner().invoke(cli, ["validate", str(path)])
    assert run.exit_code == 0, run.output
    assert "valid (2 outcomes, 2 inputs)" in run.stdout
    assert "1 total checked, 1 agrees" in run.stdout
    assert "row 12, column X: 'checked by J. Smith'" in run.stdout
    assert "Warning:" in run.stderr and "20,000.00" in run.stderr


def test_template_and_convert_on_the_command_line(tmp_path):
    runner = CliRunner()
    run = runner.invoke(cli, ["template", str(tmp_path / "t.xlsx"), "--rows", "3"])
    assert run.exit_code == 0 and (tmp_path / "t.xlsx").exists()
    model = rich_model()
    write_model(model, tmp_path / "m.yaml")
    run = runner.invoke(
        cli, ["convert", str(tmp_path / "m.yaml"), str(tmp_path / "map.xlsx"), "-f", "impact-map"]
    )
    assert run.exit_code == 0, run.output
    run = runner.invoke(cli, ["convert", str(tmp_path / "map.xlsx"), str(tmp_path / "back.json")])
    assert run.exit_code == 0, run.output
    assert read_model(tmp_path / "back.json") == model


def test_conventions_on_the_command_line(tmp_path):
    from tests.conftest import hand_worked

    write_model(hand_worked(), tmp_path / "m.yaml")
    run = CliRunner().invoke(
        cli, ["evaluate", str(tmp_path / "m.yaml"), "-c", "drop_off_from=first_year", "-f", "json"]
    )
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    # 67,500 x 0.9 = 60,750; 54,675; 49,207.50, discounted at 3.5 %
    assert round(data["results"]["present_value"], 2) == round(pv(60_750, 54_675, 49_207.5), 2)
    assert data["parameters"]["conventions_used"]["drop_off_from"] == "first_year"
    bad = CliRunner().invoke(cli, ["evaluate", str(tmp_path / "m.yaml"), "-c", "timing=mid"])
    assert bad.exit_code == 2 and "unknown convention" in bad.output


def test_a_reading_shows_in_a_notebook(tmp_path):
    reading = read_model_report(officer_workbook(tmp_path / "map.xlsx"))
    html = reading._repr_html_()
    assert "Totals checked" in html and "Cells not read as data" in html
    assert "checked by J. Smith" in html
    data = reading.to_dict()
    assert data["layout"] == "impact-map" and len(data["impacts"]) == 2
    json.dumps(data)


def test_reading_never_changes_the_file(tmp_path):
    path = officer_workbook(tmp_path / "map.xlsx")
    before = path.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read_model(path)
        sroi.evaluate(path)
    assert path.read_bytes() == before


# --------------------------------------------------------------------------------------
# Fuzzing: any edit an officer might make gives a model or a located error.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELL_VALUES = st.one_of(
    st.none(),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["Total", "Sub-total", "=SUM(D6:D7)", "=D6*2", "25%", "£1,000", "During", "After",
         "[0.1, 0.2]", '{"distribution": "uniform", "low": 0.1, "high": 0.2}', "", "  ",
         "Stakeholders", "Value £", "Deadweight %", "#N/A", "n/a", "3 years", "1e400"]
    ),
    st.text(max_size=12),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.integers(1, 14), st.integers(1, 24), _CELL_VALUES), min_size=1, max_size=8
    )
)
def test_fuzz_edited_impact_maps_give_a_model_or_a_located_error(tmp_path, edits):
    path = officer_workbook(tmp_path / "fuzz.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row, column, value in edits:
        if isinstance(value, str):
            value = "".join(c for c in value if c.isprintable())  # what a cell may hold
        try:
            ws.cell(row=row, column=column).value = value
        except (ValueError, TypeError, AttributeError):  # a merged cell, or not allowed
            continue
    wb.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reading = read_model_report(path)
        except sroi.SROIError as exc:
            assert exc.problems and all(p.location for p in exc.problems), exc
            return
    assert isinstance(reading.model, Model)
    for check in (*reading.totals, *reading.impacts):
        assert check.location and isinstance(check.computed, float)
    json.dumps(reading.to_dict())


# --------------------------------------------------------------------------------------
# Everyday variations of an officer's sheet (each once read wrongly).

SHORT = ["Stakeholders", "Description", "Value £", "Outcome", "Quantity", "Duration",
         "Value £", "Deadweight %", "Attribution %", "Drop off %", "Impact", "Area"]  # fmt: skip
FUNDERS = [["Council", "Grant", 40_000], ["Trust", "Grant", 10_000]]
CONFIDENT = ["Young people", None, None, "More confident", 20, 2, 1_000, 0.2, 0.25, 0.5]
# its impact: 20 x 1,000 x (1 - 0.2) x (1 - 0.25) = 12,000


def _titled(path: Path, rows: list[list], header: list[str] = SHORT, title=("Impact map",)):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(title))
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _calculated(path: Path, libreoffice: str) -> Path:
    """The workbook saved by a spreadsheet program, so its formulas hold their values."""
    out = path.parent / "calculated"
    subprocess.run(
        [libreoffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / path.name


def test_an_impact_written_as_a_sum_of_a_product_is_not_a_total(tmp_path, libreoffice):
    rows = [*FUNDERS, [*CONFIDENT, "=SUM(E5*G5*(1-H5)*(1-I5))"],
            ["Young people", None, None, "Skills", 10, 1, 500, 0.1, 0, 0, 4_500]]  # fmt: skip
    reading = read_model_report(_calculated(_titled(tmp_path / "a.xlsx", rows), libreoffice))
    assert [o.outcome for o in reading.model.outcomes] == ["More confident", "Skills"]
    assert not reading.totals
    assert [i.stated for i in reading.impacts] == [12_000, 4_500]
    assert all(i.agrees for i in reading.impacts)


@pytest.mark.parametrize("label", ["Total (£)", "Inputs total", "Grand Total (£)", "Overall total"])
def test_a_total_row_however_labelled_is_not_money_spent(tmp_path, label):
    path = _titled(tmp_path / "b.xlsx", [*FUNDERS, [label, None, 50_000], CONFIDENT])
    reading = read_model_report(path)
    assert sum(i.amount for i in reading.model.inputs) == 40_000 + 10_000
    [total] = reading.totals
    assert (total.stated, total.computed, total.agrees) == (50_000, 50_000, True)


def test_an_unlabelled_total_is_known_by_its_sum(tmp_path, libreoffice):
    typed = _titled(tmp_path / "typed.xlsx", [*FUNDERS, [None, None, 50_000], CONFIDENT])
    reading = read_model_report(typed)
    assert sum(i.amount for i in reading.model.inputs) == 50_000
    assert any("row 5 read as a total" in note for note in reading.notes)
    formula = _titled(tmp_path / "formula.xlsx", [*FUNDERS, [None, None, "=C3+C4"], CONFIDENT])
    reading = read_model_report(_calculated(formula, libreoffice))
    assert sum(i.amount for i in reading.model.inputs) == 50_000
    [total] = reading.totals
    assert total.rows == "rows 3-4" and total.agrees


def test_an_amount_with_no_stakeholder_that_is_not_a_sum_is_an_input_with_a_warning(tmp_path):
    path = _titled(tmp_path / "m.xlsx", [*FUNDERS, [None, None, 7_000], CONFIDENT])
    reading = read_model_report(path)
    assert [(i.stakeholder, i.amount) for i in reading.model.inputs][-1] == ("Trust", 7_000)
    assert any("row 5" in w.location and "label it Total" in w.message for w in reading.warnings)


def test_a_cell_on_an_input_row_that_is_not_an_inputs_is_listed_and_warned(tmp_path):
    path = _titled(
        tmp_path / "m.xlsx", [[*FUNDERS[0], *[None] * 8, "North"], FUNDERS[1], CONFIDENT]
    )
    reading = read_model_report(path)
    [cell] = [c for c in reading.ignored if c.value == "North"]
    assert "row 3, column L (Area)" in cell.location and "no outcome figures" in cell.reason
    assert any("L (Area)" in w.message for w in reading.warnings)


def test_headings_with_units_in_brackets_are_recognised(tmp_path):
    header = [*SHORT]
    header[4], header[5] = "Quantity (number)", "Duration (yrs)"
    reading = read_model_report(_titled(tmp_path / "m.xlsx", [*FUNDERS, CONFIDENT], header))
    assert (reading.model.outcomes[0].quantity, reading.model.outcomes[0].duration) == (20, 2)


def test_a_missing_duration_column_is_one_problem_naming_the_headings_not_read(tmp_path):
    header = [*SHORT]
    header[5] = "Lasts for"
    with pytest.raises(ModelError) as err:
        read_model(_titled(tmp_path / "m.xlsx", [*FUNDERS, CONFIDENT], header))
    [problem] = err.value.problems
    assert problem.location == "m.xlsx, sheet 'Sheet', row 2"
    assert "no column read as 'Duration (years)'" in problem.message
    assert "F (Lasts for)" in problem.message


def test_a_title_in_two_cells_is_not_taken_for_section_headings(tmp_path):
    path = _titled(
        tmp_path / "m.xlsx", [*FUNDERS, CONFIDENT], title=("Project:", "Community Impact Programme")
    )
    reading = read_model_report(path)
    assert sum(i.amount for i in reading.model.inputs) == 50_000
    assert reading.model.outcomes[0].value == 1_000


def test_beneficiary_group_heads_the_stakeholder_column(tmp_path):
    header = ["Beneficiary group", *SHORT[1:]]
    reading = read_model_report(_titled(tmp_path / "m.xlsx", [*FUNDERS, CONFIDENT], header))
    assert reading.model.outcomes[0].stakeholder == "Young people"


def test_a_percentage_cell_above_100_percent_is_told_apart_from_a_plain_number(tmp_path):
    formatted = _edit(officer_workbook(tmp_path / "a.xlsx"), O8=(1.5, "0%"))
    with pytest.raises(ModelError) as err:
        read_model(formatted)
    assert "not formatted as a percentage" not in err.value.problems[0].message
    plain = _edit(officer_workbook(tmp_path / "b.xlsx"), O8=1.5)
    with pytest.raises(ModelError) as err:
        read_model(plain)
    assert "not formatted as a percentage" in err.value.problems[0].message


def test_the_library_layout_reads_three_real_inputs_whose_last_is_the_sum_of_the_others(
    tmp_path,
):
    model = Model.from_dict(
        {
            "name": "x",
            "inputs": [
                {"stakeholder": s, "amount": a}
                for s, a in (("Council", 10_000), ("Trust", 20_000), ("Lottery", 30_000))
            ],
            "outcomes": [{"stakeholder": "P", "outcome": "w", "quantity": 100, "value": 1_900,
                          "duration": 1}],
        }
    )  # fmt: skip
    for target in ("m.xlsx", "tables"):
        path = write_model(model, tmp_path / target)
        with pytest.warns(ReadingWarning, match="may be a total row"):
            assert read_model(path) == model


def test_the_sector_layout_refuses_to_write_text_it_would_read_as_a_total(tmp_path):
    model = Model.from_dict(
        {
            "name": "x",
            "inputs": [{"stakeholder": "Council", "amount": 1, "description": "Total"}],
            "outcomes": [{"stakeholder": "P", "outcome": "w", "quantity": 1, "value": 1,
                          "duration": 1}],
        }
    )  # fmt: skip
    with pytest.raises(ModelError, match="would be read back as a total row"):
        write_model(model, tmp_path / "m.xlsx", format="impact-map")
