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
from sroi.io.layout import TABLES, is_total_label
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
    "impact-map": "impact_map.xlsx",  # the SROI Guide's layout
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
    # a total label (Total, Sum ...) in a table's text is refused by the spreadsheet layouts,
    # where a total row is never a record: tests/test_sector_map.py tests that on its own
    return st.one_of(st.sampled_from(PAYLOADS), anything).filter(
        lambda s: s.strip() and not is_total_label(s)
    )


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
    group_names = draw(st.lists(model_text(), min_size=0, max_size=3, unique_by=str.strip))
    group_names = [g.strip() for g in group_names]
    group = st.one_of(st.none(), st.sampled_from(group_names)) if group_names else st.none()
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
        duration = draw(st.integers(1, 30))
        yearly = st.lists(fractions, min_size=duration, max_size=duration)
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
                    "duration": duration,
                    "start_year": draw(st.integers(1, 5)),
                    "proxy": draw(model_text()) if uses_proxy else None,
                    "value": None
                    if uses_proxy
                    else draw(maybe(st.floats(min_value=-1e7, max_value=1e7), normal)),
                    "deadweight": draw(st.one_of(maybe(fractions, triangular(0.0, 0.4)), yearly)),
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
                    "leakage": draw(st.one_of(st.none(), fractions)),
                    "drop_off_from": draw(st.sampled_from([None, "first_year", "second_year"])),
                    "proxy_description": draw(st.one_of(st.none(), model_text())),
                    "proxy_source": draw(st.one_of(st.none(), model_text())),
                    "notes": draw(st.one_of(st.none(), model_text())),
                    "group": draw(group),
                    "outcome_group": draw(st.one_of(st.none(), model_text())),
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
        "contract_value": draw(st.one_of(st.none(), st.floats(min_value=0, max_value=1e9))),
        "first_calendar_year": draw(st.one_of(st.none(), st.integers(1990, 2100))),
        "groups": {
            g: {
                "description": draw(optional_text()),
                "income": draw(st.one_of(st.none(), st.floats(min_value=1, max_value=1e6))),
                "priority": draw(st.booleans()),
            }
            for g in group_names
        },
        "conventions": draw(
            st.sampled_from(
                [
                    None,
                    {"drop_off_from": "first_year"},
                    {"deductions": "additive", "discount_timing": "mid_year", "valuation_year": 2},
                ]
            )
        ),
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
    written = write_model(model, folder / TARGETS[fmt], format=_FORMAT.get(fmt))
    return read_model(written)


_FORMAT = {"impact-map": "impact-map"}  # the rest: the format the suffix says


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
    sources = [sheet.cell(row=i + 2, column=header.index("proxy_table_source") + 1).value for i in
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


# --------------------------------------------------------------------------------------
# Sheet names: the exact name wins; else one loose match; two loose matches are an error.


def _with_sheets(tmp_path, names: dict[str, str | None]) -> Path:
    """The hand-worked workbook with its ``Impact map`` sheet renamed or copied.

    ``names`` maps a new sheet name to what it holds: ``"copy"`` (the impact map, its
    deadweight changed to 0.9, so that it can be told apart) or None to rename the
    original to that name.
    """
    from tests.conftest import hand_worked

    path = write_model(hand_worked(), tmp_path / "model.xlsx")
    wb = openpyxl.load_workbook(path)
    original = wb["Impact map"]
    column = [c.value for c in original[1]].index("deadweight") + 1
    for name, what in names.items():
        if what == "copy":
            sheet = wb.copy_worksheet(original)
            sheet.title = name
            sheet.cell(row=2, column=column).value = 0.9
        else:
            original.title = name
    wb.save(path)
    assert set(names) <= set(openpyxl.load_workbook(path).sheetnames)
    return path


def test_the_exact_sheet_name_wins_over_a_stray_loose_match(tmp_path):
    path = _with_sheets(tmp_path, {"impact map ": "copy"})  # a stray sheet, after the real one
    assert read_model(path).outcomes[0].deadweight == 0.25  # not the stray sheet's 0.9


def test_a_single_loose_sheet_name_is_accepted(tmp_path):
    path = _with_sheets(tmp_path, {"IMPACT  map ": None})
    assert read_model(path).outcomes[0].deadweight == 0.25


def test_two_loose_sheet_names_without_an_exact_one_are_an_error(tmp_path):
    path = _with_sheets(tmp_path, {"impact map ": None, "IMPACT  MAP": "copy"})
    found = problems(path)
    assert list(found) == ["model.xlsx"]
    message = found["model.xlsx"]
    assert "no sheet named exactly 'Impact map'" in message
    assert "'impact map '" in message and "'IMPACT  MAP'" in message


# --------------------------------------------------------------------------------------
# What used to raise another exception type: now a located ModelError.


def _model_bytes(fmt: str) -> bytes:
    from tests.conftest import hand_worked

    if fmt == "yaml":
        return write_model(hand_worked(), Path(tempfile.mkdtemp()) / "m.yaml").read_bytes()
    return json.dumps(hand_worked(), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_invalid_utf8_in_yaml_and_json_is_a_located_model_error(tmp_path, fmt):
    data = _model_bytes(fmt).replace(b"Participants", b"Partici\xe9pants")  # Latin-1 é
    path = tmp_path / f"model.{fmt}"
    path.write_bytes(data)
    found = problems(path)
    [(where, text)] = found.items()
    line = data[: data.index(b"\xe9")].count(b"\n") + 1
    assert where == f"model.{fmt} line {line}"
    assert "is not UTF-8 text: byte 0xE9, which Windows-1252 reads as 'é'" in text


def test_invalid_utf8_in_a_csv_table_is_a_located_model_error(tmp_path):
    from tests.conftest import hand_worked

    folder = write_model(hand_worked(), tmp_path / "m")
    data = (folder / "outcomes.csv").read_bytes().replace(b"Participants", b"Caf\xe9")
    (folder / "outcomes.csv").write_bytes(data)
    found = problems(folder)
    assert list(found) == ["outcomes.csv line 2"]
    assert "CSV UTF-8" in found["outcomes.csv line 2"]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_utf8_byte_order_mark_is_accepted_in_yaml_and_json(tmp_path, fmt):
    from tests.conftest import hand_worked

    path = tmp_path / f"model.{fmt}"
    path.write_bytes(b"\xef\xbb\xbf" + _model_bytes(fmt))
    assert read_model(path) == Model.from_dict(hand_worked())
    path.write_bytes(_model_bytes(fmt).decode("utf-8").encode("utf-16"))  # with its mark
    assert read_model(path) == Model.from_dict(hand_worked())


def test_a_utf8_byte_order_mark_is_accepted_in_csv(tmp_path):
    from tests.conftest import hand_worked

    folder = write_model(hand_worked(), tmp_path / "m")
    for table in folder.iterdir():
        table.write_bytes(b"\xef\xbb\xbf" + table.read_bytes())
    assert read_model(folder) == Model.from_dict(hand_worked())


def test_a_yaml_complex_key_is_a_located_model_error(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_text("name: x\n? [a, b]\n: 1\n", encoding="utf-8")
    assert problems(path) == {
        "model.yaml line 2": "model.yaml line 2: a key must be a name (text), not a list"
    }
    path.write_text("name: x\n? {a: 1}\n: 1\n", encoding="utf-8")
    assert "not a mapping" in problems(path)["model.yaml line 2"]


def test_odd_yaml_keys_and_dates_are_read_as_the_text_written(tmp_path):
    from sroi.io.yaml_json import read_yaml

    path = tmp_path / "keys.yaml"
    path.write_text("1: a\nyes: b\nnull: c\n2024-13-45: d\nwhen: 2024-04-01\n", encoding="utf-8")
    assert read_yaml(path) == {
        "1": "a",
        "yes": "b",
        "null": "c",
        "2024-13-45": "d",
        "when": "2024-04-01",
    }
    path.write_text("name: x\nname: y\n", encoding="utf-8")
    assert list(problems(path)) == ["keys.yaml line 2"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("name: !!set {a}\n", "the tag !!set makes a set"),
        ("name: !!binary aGVsbG8=\n", "the tag !!binary makes bytes"),
        ("name: !!timestamp 2024-01-01\n", "the tag !!timestamp makes a date"),
        ("name: !!python/object:os.system x\n", "is not valid YAML"),
        ("name: !!int ''\n", "cannot be read as a whole number"),
        ("name: !!float abc\n", "cannot be read as a number"),
        ("name: 1.0e+400\n", "is too large to hold"),
        ("name: " + "9" * 5000 + "\n", "has 5,000 digits"),
        ("name: a\x07b\n", "is not valid YAML"),  # a control character
        ("name: a\n---\nname: b\n", "expected a single document"),
        ("name: *nowhere\n", "found undefined alias"),
    ],
)
def test_yaml_a_model_cannot_hold_is_a_located_model_error(tmp_path, text, says):
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    assert len(found) == 1
    [(where, message)] = found.items()
    assert where.startswith("model.yaml line ")
    assert says in message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"name": ' + "9" * 5000 + "}", "has 5,000 digits"),
        ('{"name": 1e400}', "is too large to hold"),
        ('{"name": -Infinity}', "-Infinity is not a number JSON allows"),
        ("", "is empty"),
        ("  \n", "is empty"),
        ('{"name": "x"', "is not valid JSON"),
    ],
)
def test_json_a_model_cannot_hold_is_a_located_model_error(tmp_path, text, says):
    path = tmp_path / "model.json"
    path.write_text(text, encoding="utf-8")
    [message] = problems(path).values()
    assert says in message


def test_numbers_too_large_to_hold_in_csv_cells_are_located(tmp_path):
    from tests.conftest import hand_worked

    data = hand_worked()
    data["scenarios"] = {"big": {"deadweight": "+0.1"}}
    folder = write_model(data, tmp_path / "m")
    text = (folder / "outcomes.csv").read_text(encoding="utf-8")
    text = text.replace(",100,", "," + "9" * 5000 + ",").replace(",1000,", ",1e400,")
    (folder / "outcomes.csv").write_text(text, encoding="utf-8")
    scenarios = (folder / "scenarios.csv").read_text(encoding="utf-8")
    (folder / "scenarios.csv").write_text(scenarios.replace('""+0.1""', "1e999"), encoding="utf-8")
    found = problems(folder)
    assert "too large to hold" in found["outcomes.csv, row 2, column quantity"]
    assert "too large to hold" in found["outcomes.csv, row 2, column value"]
    assert "too large to hold" in found["scenarios.csv, row 2, column changes"]


def test_deeply_nested_json_in_a_cell_is_a_located_model_error(tmp_path):
    from tests.conftest import hand_worked

    folder = write_model(hand_worked(), tmp_path / "m")
    text = (folder / "outcomes.csv").read_text(encoding="utf-8")
    deep = '"' + "[" * 100_000 + '"'
    (folder / "outcomes.csv").write_text(text.replace(",0.25,", f",{deep},"), encoding="utf-8")
    found = problems(folder)
    assert "deeper than the limit of 20" in found["outcomes.csv, row 2, column deadweight"]


@pytest.mark.parametrize("given", [5, 2.5, "toml", ["yaml"], {"a": 1}])
def test_read_model_with_a_format_that_is_not_one_names_the_allowed_formats(tmp_path, given):
    path = write_model(sroi.Model.from_dict(_hand()), tmp_path / "model.yaml")
    with pytest.raises(ModelError) as info:
        read_model(path, format=given)
    [problem] = info.value.problems
    assert problem.location == "format"
    assert "must be one of 'yaml', 'json', 'csv', 'xlsx'" in problem.message
    json.dumps(problem.value)  # the value given, JSON-ready


def _hand():
    from tests.conftest import hand_worked

    return hand_worked()


def test_evaluate_of_json_text_says_a_model_must_be_a_path_a_mapping_or_a_model():
    text = json.dumps(_hand())
    assert len(text) > 255  # longer than a file name may be: it used to be OSError
    for model_text in (text, "name: x\ninputs: []\n", "[1, 2]"):
        with pytest.raises(ModelError) as info:
            sroi.evaluate(model_text)
        [problem] = info.value.problems
        assert problem.location == "model"
        assert "is JSON or YAML text, not a path" in problem.message
        assert "a sroi.Model, a mapping" in problem.message


def test_a_path_too_long_or_with_a_nul_or_model_text_is_a_model_error(tmp_path):
    for path in ("x" * 5000 + ".yaml", "model\x00.yaml", json.dumps(_hand()), "name: x\n"):
        with pytest.raises(ModelError) as info:
            read_model(path)
        assert info.value.locations == ["path"]
    with pytest.raises(ModelError, match="is a folder"):
        read_model(tmp_path, format="yaml")


# --------------------------------------------------------------------------------------
# Binary, truncated and empty files.


def _truncated(fmt: str, tmp_path: Path) -> Path:
    path = write_model(_hand(), tmp_path / f"whole.{fmt}")
    data = path.read_bytes()
    cut = tmp_path / f"cut.{fmt}"
    cut.write_bytes(data[: len(data) // 2])
    return cut


@pytest.mark.parametrize("suffix", ["yaml", "json", "xlsx", "csv", "zip"])
@pytest.mark.parametrize("content", ["random", "empty", "truncated"])
def test_binary_truncated_and_empty_files_are_located_model_errors(tmp_path, suffix, content):
    if content == "truncated":
        if suffix == "csv":
            folder = write_model(_hand(), tmp_path / "m")
            data = (folder / "outcomes.csv").read_bytes()
            (folder / "outcomes.csv").write_bytes(data[: len(data) // 2])
            path = folder / "outcomes.csv"
        else:
            path = _truncated(suffix, tmp_path)
    else:
        name = "outcomes.csv" if suffix == "csv" else f"model.{suffix}"
        path = tmp_path / name
        data = bytes(range(256)) * 8 if content == "random" else b""
        path.write_bytes(data)
    with pytest.raises(ModelError) as info:
        read_model(path)
    assert info.value.problems
    for problem in info.value.problems:
        assert problem.location


def test_a_damaged_member_of_an_archive_is_a_located_model_error(tmp_path):
    path = write_model(_hand(), tmp_path / "model.zip")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("outcomes.csv")
    start = info.header_offset + 30 + len(info.filename)  # the member's compressed bytes
    data[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    [(where, message)] = problems(path).items()
    assert where == "model.zip"
    assert "damaged zip archive" in message


def test_a_table_twice_in_an_archive_is_an_error(tmp_path):
    path = tmp_path / "twice.zip"
    source = write_model(_hand(), tmp_path / "m")
    with zipfile.ZipFile(path, "w") as archive:
        for table in source.iterdir():
            archive.write(table, f"a/{table.name}")
        archive.write(source / "outcomes.csv", "b/outcomes.csv")
    found = problems(path)
    assert (
        "is in 2 folders of the archive (a/outcomes.csv, b/outcomes.csv)"
        in found["twice.zip, member outcomes.csv"]
    )


@pytest.mark.parametrize("fmt", sorted(TARGETS))
def test_every_field_of_the_model_round_trips_whatever_its_type(tmp_path, fmt):
    # the CSV and Excel columns read as numbers, and the model's own fields read as JSON,
    # come from the model's field types: a new numeric or mapping field needs no list here
    data = _hand()
    fields = sroi.Model.model_fields
    if "conventions" in fields:
        data["conventions"] = {"drop_off_from": "first_year"}
    if "leakage" in sroi.Outcome.model_fields:
        data["outcomes"][0]["leakage"] = 0.05
    model = sroi.Model.from_dict(data)
    assert read_model(write_model(model, tmp_path / TARGETS[fmt])) == model
