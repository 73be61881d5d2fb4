"""Model files in every format (YAML, JSON, CSV folder, CSV zip, Excel): exact round trips,
formula-injection safety, and located errors for files that are not what they claim."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

import sroi
from sroi.errors import ModelError
from sroi.io import read_model, write_model
from sroi.io.cells import protect, unprotect, xml_escape, xml_unescape
from sroi.io.layout import TABLES
from sroi.model import Model
from sroi.proxies.catalogue import CATEGORIES, MARMOT_OBJECTIVES, VALUE_TYPES
from sroi.report import write_impact_map

openpyxl = pytest.importorskip("openpyxl")

EXAMPLES = sorted(Path(__file__).resolve().parent.parent.joinpath("examples").glob("*.yaml"))
TARGETS = {  # format -> the path written, in a folder
    "yaml": "model.yaml",
    "json": "model.json",
    "csv": "impact_map",
    "zip": "impact_map.zip",
    "xlsx": "model.xlsx",
}
PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "'=already quoted",
    "''+two quotes",
    "=",
    "#N/A",
    "TRUE",
    "0.25",
    "1e5",
    "2024/25",
    "{not json",
    "[1, 2]",
    "a, b; c",
    "say \"hi\", then 'bye'",
    "line one\nline two",
    "carriage\r\nreturn",
    "Ünïcødé – 😀 ✓ 中文",
    "_x000D_ looks escaped",
    "_x005F_x0041_",
    "tab\tinside",
    "bell\x07 and \x1f",
    "\ufffe\uffff",
]
NUL_OK = sys.version_info >= (3, 11)  # Python 3.10's csv reader refuses NUL characters


def model_text(min_size: int = 1) -> st.SearchStrategy[str]:
    """Text a user might type, nasty on purpose; never blank (the model strips it)."""
    blacklist = ("Cs",) if NUL_OK else ("Cs", "Cc")
    anything = st.text(st.characters(exclude_categories=blacklist), min_size=min_size, max_size=24)
    return st.one_of(st.sampled_from(PAYLOADS), anything).filter(lambda s: s.strip())


def optional_text() -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), model_text())


fractions = st.floats(min_value=0.0, max_value=0.4)


@st.composite
def triangular(draw, low: float, high: float) -> dict:
    a, b, c = sorted(draw(st.floats(min_value=low, max_value=high)) for _ in range(3))
    return {"distribution": "triangular", "low": a, "mode": b, "high": c}


@st.composite
def uniform(draw, low: float, high: float) -> dict:
    a, b = sorted(draw(st.floats(min_value=low, max_value=high)) for _ in range(2))
    return {"distribution": "uniform", "low": a, "high": b}


@st.composite
def pert(draw, low: float, high: float) -> dict:
    a, b, c = sorted(draw(st.floats(min_value=low, max_value=high)) for _ in range(3))
    shape = draw(st.floats(min_value=0.5, max_value=10))
    return {"distribution": "pert", "low": a, "mode": b, "high": c, "shape": shape}


normal = st.fixed_dictionaries(
    {
        "distribution": st.just("normal"),
        "mean": st.floats(min_value=-1e4, max_value=1e4),
        "sd": st.floats(min_value=0, max_value=1e3),
    }
)
beta = st.fixed_dictionaries(
    {
        "distribution": st.just("beta"),
        "alpha": st.floats(min_value=0.5, max_value=20),
        "beta": st.floats(min_value=0.5, max_value=20),
    }
)


def maybe(strategy, distribution) -> st.SearchStrategy:
    return st.one_of(strategy, strategy, distribution)


@st.composite
def valid_models(draw) -> Model:
    """A valid model with several of everything: areas, ids, distributions, scenarios."""
    names = draw(st.lists(model_text(), min_size=1, max_size=4, unique_by=str.strip))
    areas = draw(st.lists(model_text(), min_size=0, max_size=3, unique_by=str.strip))
    area = st.one_of(st.none(), st.sampled_from(areas)) if areas else st.none()
    who = st.sampled_from(names)

    def drop_none(record: dict) -> dict:
        return {k: v for k, v in record.items() if v is not None}

    inputs = [
        drop_none(
            {
                "stakeholder": draw(who),
                "description": draw(optional_text()),
                "amount": draw(maybe(st.floats(min_value=1.0, max_value=1e9), pert(1.0, 1e7))),
                "year": draw(st.integers(0, 5)),
                "kind": draw(st.sampled_from(["cash", "in_kind", "staff_time", "volunteer_time"])),
                "area": draw(area),
            }
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    outputs = [
        drop_none(
            {
                "description": draw(model_text()),
                "quantity": draw(st.floats(min_value=0, max_value=1e6)),
                "unit": draw(optional_text()),
                "stakeholder": draw(st.one_of(st.none(), who)),
                "area": draw(area),
            }
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    outcomes = []
    ids: set[str] = set()
    for i in range(draw(st.integers(1, 5))):
        given = draw(st.one_of(st.none(), model_text()))
        oid = given.strip() if given is not None else f"outcome_{i + 1}"
        if oid in ids:
            given, oid = None, f"outcome_{i + 1}"
        if oid in ids:
            reject()
        ids.add(oid)
        uses_proxy = draw(st.booleans())
        outcomes.append(
            drop_none(
                {
                    "id": given,
                    "stakeholder": draw(who),
                    "outcome": draw(model_text()),
                    "indicator": draw(optional_text()),
                    "source": draw(optional_text()),
                    "quantity": draw(
                        maybe(st.floats(min_value=0, max_value=1e6), uniform(0.0, 1e6))
                    ),
                    "unit": draw(st.one_of(st.none(), model_text())),
                    "duration": draw(st.integers(1, 30)),
                    "start_year": draw(st.integers(1, 5)),
                    "proxy": draw(model_text()) if uses_proxy else None,
                    "value": None
                    if uses_proxy
                    else draw(maybe(st.floats(min_value=-1e7, max_value=1e7), normal)),
                    "deadweight": draw(maybe(fractions, triangular(0.0, 0.4))),
                    "displacement": draw(fractions),
                    "attribution": draw(maybe(fractions, uniform(0.0, 0.4))),
                    "drop_off": draw(maybe(st.floats(min_value=0, max_value=1), beta)),
                    "value_type": draw(st.one_of(st.none(), st.sampled_from(VALUE_TYPES))),
                    "bearer": draw(st.sampled_from([None, "NHS", "DWP:0.94;NHS:0.06"])),
                    "category": draw(st.one_of(st.none(), st.sampled_from(CATEGORIES))),
                    "marmot_objective": draw(
                        st.one_of(st.none(), st.sampled_from(sorted(MARMOT_OBJECTIVES)))
                    ),
                    "area": draw(area),
                }
            )
        )
    change = st.fixed_dictionaries(
        {},
        optional={
            "deadweight": st.sampled_from(["+0.1", "-20%", 0.3]),
            "value": st.sampled_from(["*0.8", "+20%", -5.5]),
            "discount_rate": st.sampled_from([0.05, "green_book", [0.05, 0.03]]),
            "investment": st.just("+10%"),
            "outcomes": st.dictionaries(
                st.sampled_from(sorted(ids)), st.just({"duration": 1}), max_size=2
            ),
        },
    )
    scenario_name = model_text().filter(lambda s: s != "base")
    data = {
        "name": draw(model_text()),
        "description": draw(optional_text()),
        "currency": draw(st.sampled_from(["GBP", "EUR", "USD"])),
        "price_year": draw(st.sampled_from([None, 2024, "2024/25", 1999])),
        "discount_rate": draw(
            st.one_of(
                st.floats(min_value=0, max_value=0.2),
                st.sampled_from(["green_book", "green_book_health"]),
                st.lists(st.floats(min_value=0, max_value=0.2), min_size=1, max_size=3),
            )
        ),
        "inputs": inputs,
        "outputs": outputs,
        "outcomes": outcomes,
        "scenarios": draw(st.dictionaries(scenario_name, change, max_size=3)),
    }
    if draw(st.booleans()):
        data["stakeholders"] = [{"name": n, "description": draw(optional_text())} for n in names]
    data = {k: v for k, v in data.items() if v is not None}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Model.from_dict(data)
    except ModelError:
        reject()


def round_trip(model, fmt: str, folder: Path) -> Model:
    return read_model(write_model(model, folder / TARGETS[fmt]))


# --------------------------------------------------------------------------------------
# Round trips.


@pytest.mark.parametrize("fmt", list(TARGETS))
@settings(deadline=None)
@given(model=valid_models())
def test_every_format_round_trips_exactly(fmt, model):
    with tempfile.TemporaryDirectory() as folder:
        again = round_trip(model, fmt, Path(folder))
    assert again == model
    assert again.to_dict() == model.to_dict()


@pytest.mark.parametrize("fmt", list(TARGETS))
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_round_trip_and_evaluate_the_same(example, fmt, tmp_path):
    model = sroi.load_model(example)
    again = round_trip(model, fmt, tmp_path)
    assert again == model
    assert sroi.evaluate(again).ratio == sroi.evaluate(model).ratio


def test_every_field_has_a_column():
    for table in TABLES:
        assert set(table.columns) == set(table.record.model_fields)
    assert TABLES[-1].columns[:6] == (
        "id", "stakeholder", "outcome", "indicator", "source", "quantity"
    )  # fmt: skip


def test_rewriting_a_csv_folder_leaves_no_stale_table(tmp_path):
    with_scenarios = Model.from_dict(
        {**sroi.load_model(EXAMPLES[0]).to_dict(), "scenarios": {"low": {"deadweight": "+0.1"}}}
    )
    write_model(with_scenarios, tmp_path / "m")
    plain = sroi.load_model(EXAMPLES[0])
    assert read_model(write_model(plain, tmp_path / "m")) == plain


def test_numbers_that_need_17_digits_survive_a_workbook(tmp_path):
    m = Model.from_dict(
        {
            "name": "Precision",
            "inputs": [{"stakeholder": "A", "amount": 0.1 + 0.2}],
            "outcomes": [
                {"stakeholder": "B", "outcome": "C", "quantity": 1.2345678901234568e17,
                 "value": 1 / 3, "duration": 1, "deadweight": 5e-324}
            ],
        }
    )  # fmt: skip
    again = read_model(write_model(m, tmp_path / "p.xlsx"))
    assert again.inputs[0].amount == 0.1 + 0.2
    assert again.outcomes[0].quantity == 1.2345678901234568e17
    assert again == m


def test_yaml_and_json_are_readable(tmp_path):
    m = sroi.load_model(EXAMPLES[0])
    text = write_model(m, tmp_path / "m.yaml").read_text(encoding="utf-8")
    assert text.startswith("name: Highways contract social value offer\n")
    assert json.loads(write_model(m, tmp_path / "m.json").read_text()) == m.to_dict()


def test_format_can_be_given_and_bad_paths_are_refused(tmp_path):
    m = sroi.load_model(EXAMPLES[0])
    path = write_model(m, tmp_path / "model.txt", format="yaml")
    assert read_model(path, format="yaml") == m
    with pytest.raises(ModelError, match="several CSV tables"):
        write_model(m, tmp_path / "model.csv")
    with pytest.raises(ModelError, match="cannot tell the format"):
        write_model(m, tmp_path / "model.ods")
    with pytest.raises(ModelError, match="must be one of"):
        write_model(m, tmp_path / "model.yaml", format="toml")
    with pytest.raises(FileNotFoundError):
        read_model(tmp_path / "absent.xlsx")
    folder = write_model(m, tmp_path / "tables")
    assert read_model(folder / "outcomes.csv") == m  # a table's path reads its folder


# --------------------------------------------------------------------------------------
# Formula injection.

INJECTIONS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


def injected_model() -> Model:
    return Model.from_dict(
        {
            "name": INJECTIONS[0],
            "description": INJECTIONS[1],
            "inputs": [{"stakeholder": p, "description": p, "amount": 1000} for p in INJECTIONS],
            "outcomes": [
                {"id": p, "stakeholder": p, "outcome": p, "indicator": p, "quantity": 1,
                 "value": -500, "duration": 1, "source": p, "area": p}
                for p in INJECTIONS
            ],
            "scenarios": {INJECTIONS[2]: {"outcomes": {INJECTIONS[3]: {"duration": 1}}}},
        }
    )  # fmt: skip


def test_injection_payloads_are_quoted_in_csv_and_come_back(tmp_path):
    m = injected_model()
    folder = write_model(m, tmp_path / "m")
    with open(folder / "outcomes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row, payload in zip(rows, INJECTIONS, strict=True):
        for column in ("id", "stakeholder", "outcome", "indicator", "source", "area"):
            assert row[column] == "'" + payload
        assert row["value"] == "-500"  # numbers stay numbers
        assert row["quantity"] == "1"
    with open(folder / "scenarios.csv", newline="", encoding="utf-8") as f:
        (scenario,) = list(csv.DictReader(f))
    assert scenario["name"] == "'" + INJECTIONS[2]
    text = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    for line in text.splitlines():
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "-", "@")) or cell == "-500"
    assert read_model(folder) == m


def test_injection_payloads_are_text_cells_in_excel_and_come_back(tmp_path):
    m = injected_model()
    path = write_model(m, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    texts = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.lstrip("'")[:1] in "=+-@":
                    assert cell.data_type == "s"
                    assert cell.value.startswith("'")
                    texts += 1
    assert texts >= 4 * 7
    sheet = wb["Impact map"]
    assert sheet["B2"].value == "'" + INJECTIONS[0]
    assert sheet["B2"].data_type == "s"
    value = next(c for c in sheet[1] if c.value == "value").column_letter
    assert sheet[f"{value}2"].value == -500
    assert sheet[f"{value}2"].data_type == "n"
    assert read_model(path) == m


@given(st.text(st.sampled_from("'=+-@\t\rab")))
def test_the_quote_rule_is_undone_exactly(text):
    assert unprotect(protect(text)) == text
    assert not protect(text).startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.text(st.sampled_from("_x0A5Fdf\r\x01\n")))
def test_the_xml_escape_is_undone_exactly(text):
    escaped = xml_escape(text)
    assert "\r" not in escaped and "\x01" not in escaped
    assert xml_unescape(escaped) == text


# --------------------------------------------------------------------------------------
# Files that are not what they claim, and invalid models: located errors.


def problems(path, **kwargs) -> dict[str, str]:
    with pytest.raises(ModelError) as info:
        read_model(path, **kwargs)
    return {p.location: str(p) for p in info.value.problems}


def four_outcomes() -> Model:
    m = sroi.load_model(EXAMPLES[0]).to_dict()
    assert len(m["outcomes"]) >= 4
    return Model.from_dict(m)


def test_an_xlsx_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "model.xlsx"
    path.write_text("name,value\n")
    assert "not an Excel workbook" in problems(path)["model.xlsx"]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert "not an Excel workbook" in problems(path)["model.xlsx"]


def test_a_workbook_without_an_impact_map_sheet(tmp_path):
    path = write_model(four_outcomes(), tmp_path / "model.xlsx")
    wb = openpyxl.load_workbook(path)
    del wb["Impact map"]
    del wb["Model"]
    wb.save(path)
    with pytest.raises(ModelError) as info:
        read_model(path)
    text = str(info.value)
    assert "has no sheet 'Impact map'" in text
    assert "has no sheet 'Model'" in text
    assert "2 problems" in text


def test_a_json_file_that_is_a_list(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("[1, 2]")
    assert "not a list" in problems(path)["model.json"]
    (tmp_path / "empty.yaml").write_text("")
    assert "empty" in problems(tmp_path / "empty.yaml")["empty.yaml"]


def test_json_and_yaml_duplicate_keys_are_errors(tmp_path):
    (tmp_path / "d.json").write_text('{"name": "a", "name": "b"}')
    assert "appears twice" in str(problems(tmp_path / "d.json"))


def test_a_csv_without_the_required_columns(tmp_path):
    folder = write_model(four_outcomes(), tmp_path / "m")
    with open(folder / "outcomes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    keep = [j for j, name in enumerate(rows[0]) if name not in ("quantity", "value", "proxy")]
    with open(folder / "outcomes.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([[row[j] for j in keep] for row in rows])
    (folder / "inputs.csv").unlink()
    with pytest.raises(ModelError) as info:
        read_model(folder)
    found = [str(p) for p in info.value.problems]
    assert found == [
        "inputs.csv: is missing; a CSV model needs it",
        "outcomes.csv: needs a column 'quantity'",
        "outcomes.csv: needs a 'value' or a 'proxy' column (the financial proxy)",
    ]  # reported once each, not once per row
    assert str(folder) in str(info.value)


def test_model_errors_point_at_the_sheet_row_and_column(tmp_path):
    path = write_model(four_outcomes(), tmp_path / "model.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet = wb["Impact map"]
    columns = {c.value: c.column_letter for c in sheet[1]}
    sheet[f"{columns['deadweight']}5"] = 1.5  # outcomes[3]
    sheet[f"{columns['quantity']}3"] = '{"distribution": "uniform", "low": 1'  # bad JSON
    sheet[f"{columns['duration']}2"] = "three"
    sheet["Z1"] = "dead_weight"
    sheet["Z2"] = 0.1
    wb["Model"]["B6"] = 2  # discount_rate
    wb.save(path)
    found = problems(path)
    assert (
        "must be a fraction between 0 and 1"
        in found["model.xlsx, sheet 'Impact map', row 5, column deadweight"]
    )
    assert "is not valid JSON" in found["model.xlsx, sheet 'Impact map', row 3, column quantity"]
    assert "must be a number" in found["model.xlsx, sheet 'Impact map', row 2, column duration"]
    assert "did you mean 'deadweight'?" in found["model.xlsx, sheet 'Impact map', row 1"]
    assert "must be a rate" in found["model.xlsx, sheet 'Model', row 6 (discount_rate)"]
    assert not any(loc.startswith("outcomes[") for loc in found)


def test_csv_model_errors_point_at_the_file_row_and_column(tmp_path):
    folder = write_model(four_outcomes(), tmp_path / "m")
    text = (folder / "inputs.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("cash", "cheque")
    (folder / "inputs.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    found = problems(folder)
    assert "must be one of" in found["inputs.csv, row 2, column kind"]


def test_scenario_errors_point_at_the_scenarios_sheet(tmp_path):
    m = Model.from_dict(
        {**sroi.load_model(EXAMPLES[0]).to_dict(), "scenarios": {"low": {"deadweight": "+0.1"}}}
    )
    path = write_model(m, tmp_path / "model.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Scenarios"]["B2"] = '{"dead_weight": "+0.1", "outcomes": {"nope": {"duration": 1}}}'
    wb["Scenarios"]["A3"] = "base"
    wb["Scenarios"]["B3"] = "{}"
    wb.save(path)
    with pytest.raises(ModelError) as info:
        read_model(path)
    found = [str(p) for p in info.value.problems]
    where = "model.xlsx, sheet 'Scenarios', row 2, column changes"
    assert f"{where}: dead_weight: is not a parameter" in "\n".join(found)
    assert f"{where}: outcomes.nope: is not an outcome id" in "\n".join(found)
    assert any(
        p.startswith("model.xlsx, sheet 'Scenarios', row 3: ") and "base" in p for p in found
    )


def test_formulas_are_read_as_their_saved_values_or_reported(tmp_path):
    path = write_model(four_outcomes(), tmp_path / "model.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet = wb["Impact map"]
    columns = {c.value: c.column_letter for c in sheet[1]}
    sheet[f"{columns['quantity']}2"] = "=6*2"  # a formula openpyxl cannot compute
    wb.save(path)
    found = problems(path)
    cell = f"{columns['quantity']}2"
    assert (
        "formula whose value was not saved"
        in found[f"model.xlsx, sheet 'Impact map', row 2, cell {cell}"]
    )


def test_labels_are_accepted_as_headers(tmp_path):
    folder = write_model(four_outcomes(), tmp_path / "m")
    path = folder / "outcomes.csv"
    text = path.read_bytes().decode("utf-8")
    header, rest = text.split("\r\n", 1)
    header = (
        header.replace("start_year", "Start year")
        .replace("drop_off", "Drop-off")
        .replace("proxy,", "Proxy id,")
        .replace("value,", "Value (financial proxy),")
    )
    path.write_bytes((header + "\r\n" + rest).encode("utf-8"))
    assert read_model(folder) == four_outcomes()


def test_every_problem_is_reported_together(tmp_path):
    folder = write_model(four_outcomes(), tmp_path / "m")
    rows = list(csv.reader(io.StringIO((folder / "outcomes.csv").read_text(encoding="utf-8"))))
    head = rows[0]
    rows[1][head.index("deadweight")] = "1.5"
    rows[2][head.index("duration")] = "0"
    rows[3][head.index("quantity")] = "-3"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (folder / "outcomes.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert set(problems(folder)) == {
        "outcomes.csv, row 2, column deadweight",
        "outcomes.csv, row 3, column duration",
        "outcomes.csv, row 4, column quantity",
    }


# --------------------------------------------------------------------------------------
# A workbook written from a Result.


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_result_workbook_has_computed_columns_that_are_ignored_on_reading(example, tmp_path):
    result = sroi.evaluate(example)
    path = write_impact_map(result, tmp_path / "impact_map.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet = wb["Impact map"]
    header = [c.value for c in sheet[1]]
    table = result.by_outcome
    for name, column in [
        ("value_used", "value"),
        ("gross", "gross"),
        ("after_deadweight", "after_deadweight"),
        ("after_displacement", "after_displacement"),
        ("after_attribution", "after_attribution"),
        ("total_impact", "total_impact"),
        ("present_value", "present_value"),
        ("share_of_present_value", "share_of_present_value"),
    ]:
        j = header.index(name) + 1
        written = [sheet.cell(row=i + 2, column=j).value for i in range(len(table))]
        assert written == pytest.approx(list(table[column]), rel=1e-15)
    sources = [sheet.cell(row=i + 2, column=header.index("proxy_source") + 1).value for i in
               range(len(table))]  # fmt: skip
    assert all(sources[i] for i, p in enumerate(table["proxy"]) if p)
    assert sheet.cell(row=1, column=header.index("gross") + 1).font.italic
    assert "Results" in wb.sheetnames
    results = {r[0].value: r[1].value for r in wb["Results"].iter_rows(min_row=2) if r[1].value}
    assert results["SROI ratio"] == pytest.approx(result.ratio)
    # the computed columns are ignored: even edited, the model reads back the same
    sheet.cell(row=2, column=header.index("gross") + 1).value = "anything"
    wb.save(path)
    assert read_model(path) == result.model
    assert read_model(write_model(result, tmp_path / "again.xlsx")) == result.model


def test_workbook_looks_like_an_impact_map(tmp_path):
    path = write_model(sroi.load_model(EXAMPLES[1]), tmp_path / "model.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:5] == ["Model", "Stakeholders", "Inputs", "Outputs", "Impact map"]
    sheet = wb["Impact map"]
    assert sheet.freeze_panes == "D2"
    assert all(c.font.bold for c in sheet[1])
    columns = {c.value: c.column_letter for c in sheet[1]}
    assert "%" in sheet[f"{columns['deadweight']}2"].number_format
    assert "#,##0" in wb["Inputs"]["C2"].number_format
    assert sheet.column_dimensions[columns["outcome"]].width > 20
    assert wb["Model"]["A2"].value == "name"


def test_workbook_needs_openpyxl(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ImportError, match=r"pip install 'sroi\[excel\]'"):
        write_model(four_outcomes(), tmp_path / "m.xlsx")


def test_libreoffice_opens_the_workbook(tmp_path, libreoffice):
    path = write_model(injected_model(), tmp_path / "m.xlsx")
    office = libreoffice
    subprocess.run(
        [office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "m.csv").read_text(encoding="utf-8", errors="replace")
    assert "'=HYPERLINK" in text  # the first sheet (Model): the name as text, not a link
