"""Files that would hang or exhaust memory: refused quickly, before the work, by the limits.

Each test is named after the issue it guards against. The bombs are built here, small on
disk: the point of each is that a few kilobytes would expand to gigabytes, or to a
structure so deep that a parser recurses past Python's limit.
"""

from __future__ import annotations

import json
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

import sroi
from sroi.errors import ModelError, SROIError
from sroi.io import Limits, default_limits, read_model, set_default_limits, write_model
from sroi.io.limits import RATIO_FROM_BYTES
from tests.conftest import hand_worked

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [" + ",".join([f"*{before}"] * 9) + "]\n"
    for before, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def _refused(call, *, within: float = 2.0) -> ModelError:
    """The ModelError ``call`` raises, and that it raised it within ``within`` seconds."""
    start = time.perf_counter()
    with pytest.raises(ModelError) as info:
        call()
    assert time.perf_counter() - start < within
    for problem in info.value.problems:
        assert problem.location
    return info.value


def _limit_problem(error: SROIError, name: str):
    """The one problem of ``error`` about the limit ``name``."""
    found = [p for p in error.problems if f"Limits.{name}" in p.message]
    assert len(found) == 1, str(error)
    return found[0]


# --------------------------------------------------------------------------------------
# YAML and JSON


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    assert len(BILLION_LAUGHS.encode()) < 600  # 9**9 "lol"s, by reference
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    error = _refused(lambda: read_model(path), within=1.0)
    problem = _limit_problem(error, "cells")
    assert problem.location.startswith("laughs.yaml line ")
    assert "aliases expanded" in problem.message
    assert problem.value > default_limits().cells
    # the same through evaluate, which reads a path with the default limits
    _refused(lambda: sroi.evaluate(path), within=1.0)


def test_a_yaml_alias_inside_its_own_anchor_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("name: &me [a, *me]\n", encoding="utf-8")
    error = _refused(lambda: read_model(path))
    assert error.locations == ["loop.yaml line 1"]
    assert "contains itself" in str(error)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_dict_nested_100000_deep_is_a_model_error_not_a_recursion_error(tmp_path, fmt):
    depth = 100_000
    if fmt == "yaml":
        text = "name: x\nnested: " + "{a: " * depth + "1" + "}" * depth + "\n"
    else:
        text = '{"name": "x", "nested": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
    path = tmp_path / f"deep.{fmt}"
    path.write_text(text, encoding="utf-8")
    error = _refused(lambda: read_model(path))
    problem = _limit_problem(error, "depth")
    line = 2 if fmt == "yaml" else 1
    assert problem.location == f"deep.{fmt} line {line}"
    assert "deeper than the limit of 20" in problem.message


def test_nesting_depth_is_limited_and_can_be_raised(tmp_path):
    data = hand_worked()
    data["outcomes"][0]["deadweight"] = {"distribution": "uniform", "low": 0.1, "high": 0.3}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    error = _refused(lambda: read_model(path, limits=Limits(depth=3)))
    assert _limit_problem(error, "depth").value == 4
    assert read_model(path, limits=Limits(depth=4)) == sroi.Model.from_dict(data)


def test_yaml_aliases_that_nest_deeper_than_the_limit_are_refused(tmp_path):
    # each anchor is shallow, but the aliases stack: a0 inside a1 inside a2 ...
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 30)]
    path = tmp_path / "stacked.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = _refused(lambda: read_model(path))
    assert "aliases expanded" in _limit_problem(error, "depth").message


def test_json_values_are_counted_against_the_cells_limit(tmp_path):
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"name": "x", "list": list(range(5_000))}), encoding="utf-8")
    error = _refused(lambda: read_model(path, limits=Limits(cells=1_000)))
    assert _limit_problem(error, "cells").location == "many.json"


# --------------------------------------------------------------------------------------
# Workbooks and archives


def test_a_workbook_with_a_space_in_its_last_cell_reads_quickly(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    model = sroi.Model.from_dict(hand_worked())
    path = write_model(model, tmp_path / "stray.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Impact map"]["A1048576"] = " "  # a stray space in the sheet's very last row
    wb.save(path)
    assert path.stat().st_size < 30_000
    tracemalloc.start()
    start = time.perf_counter()
    try:
        again = read_model(path)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert again == model  # the blank cell is a blank cell: nothing to read there
    assert elapsed < 10  # was 136 s
    assert peak < 100_000_000  # was 4.5 GB


def _csv_bomb(path: Path, lines: int) -> Path:
    """A zip of the CSV tables whose outcomes.csv is ``lines`` lines of commas."""
    tables = {
        "model.csv": "field,value\nname,Bomb\n",
        "inputs.csv": "stakeholder,amount\nFunder,100\n",
        "outcomes.csv": "stakeholder,outcome,quantity,value,duration\n"
        + "Tenants,Warm homes,10,100,1\n"
        + ",,,,\n" * lines,
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            archive.writestr(name, text)
    return path


def test_a_zipped_csv_bomb_is_refused_before_expanding(tmp_path):
    path = _csv_bomb(tmp_path / "bomb.zip", 5_000_000)  # 25 MB of commas
    assert path.stat().st_size < 40_000
    error = _refused(lambda: read_model(path), within=1.0)  # was 35 s and 3.8 GB
    problem = _limit_problem(error, "archive_ratio")
    assert problem.location == "bomb.zip, member outcomes.csv"
    assert re.search(r"expands from [\d,]+ to 25,000,0\d\d bytes", problem.message)
    assert problem.value > 100


def test_a_workbook_that_expands_hugely_is_refused_before_expanding(tmp_path):
    pytest.importorskip("openpyxl")
    source = write_model(hand_worked(), tmp_path / "model.xlsx")
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bad:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "xl/worksheets/sheet5.xml":  # the impact map
                cells = b'<row r="99">' + b'<c t="n"><v>0</v></c>' * 2_000_000 + b"</row>"
                data = data.replace(b"</sheetData>", cells + b"</sheetData>")
            bad.writestr(info, data)
    assert path.stat().st_size < 200_000
    error = _refused(lambda: read_model(path), within=1.0)  # was 88 s and 11 GB
    problem = _limit_problem(error, "archive_ratio")
    assert problem.location == "bomb.xlsx, member xl/worksheets/sheet5.xml"


def test_what_an_archive_expands_to_is_limited(tmp_path):
    path = write_model(hand_worked(), tmp_path / "model.zip")
    error = _refused(lambda: read_model(path, limits=Limits(archive_bytes=200)))
    problem = _limit_problem(error, "archive_bytes")
    assert problem.location == "model.zip"
    assert read_model(path) == sroi.Model.from_dict(hand_worked())


def test_small_members_are_not_held_to_the_ratio(tmp_path):
    # 600 KB of commas compresses about a thousand times, but is too small to matter
    path = _csv_bomb(tmp_path / "blank.zip", 120_000)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("outcomes.csv")
    assert info.file_size < RATIO_FROM_BYTES
    assert info.file_size > info.compress_size * 100
    assert read_model(path).name == "Bomb"


# --------------------------------------------------------------------------------------
# Sizes, rows and cells


def test_file_size_is_limited_and_the_error_says_how_to_raise_it(tmp_path):
    path = write_model(hand_worked(), tmp_path / "model.yaml")
    size = path.stat().st_size
    error = _refused(lambda: read_model(path, limits=Limits(file_bytes=100)))
    problem = _limit_problem(error, "file_bytes")
    assert problem.location == "model.yaml"  # the file
    assert problem.value == size  # the value found
    assert "the limit of 100 (Limits.file_bytes" in problem.message  # the limit
    assert "limits=sroi.io.Limits(file_bytes=...)" in problem.message  # how to raise it
    assert "set_default_limits" in problem.message
    assert problem.allowed == "at most 100 (Limits.file_bytes)"
    assert read_model(path, limits=Limits(file_bytes=size)).name == "Hand-worked example"


@pytest.mark.parametrize("fmt", ["csv", "zip", "xlsx"])
def test_rows_of_a_table_are_limited(tmp_path, fmt):
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    data = hand_worked()
    data["outcomes"] = data["outcomes"] * 12  # the longest table (model.csv has 9 rows)
    suffix = {"csv": "", "zip": ".zip", "xlsx": ".xlsx"}[fmt]
    path = write_model(data, tmp_path / f"model{suffix}")
    error = _refused(lambda: read_model(path, limits=Limits(rows=11)))
    problem = _limit_problem(error, "rows")
    assert problem.location in ("outcomes.csv", "model.xlsx, sheet 'Impact map'")
    assert problem.value == 12
    assert read_model(path, limits=Limits(rows=12)) == sroi.Model.from_dict(data)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_of_a_file_are_limited(tmp_path, fmt):
    if fmt == "xlsx":
        pytest.importorskip("openpyxl")
    path = write_model(hand_worked(), tmp_path / ("model" if fmt == "csv" else "model.xlsx"))
    error = _refused(lambda: read_model(path, limits=Limits(cells=20)))
    assert _limit_problem(error, "cells").value > 20


def test_a_huge_row_number_in_a_sheet_is_not_a_hang(tmp_path):
    pytest.importorskip("openpyxl")
    source = write_model(hand_worked(), tmp_path / "model.xlsx")
    path = tmp_path / "far.xlsx"
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bad:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "xl/worksheets/sheet5.xml":
                far = b'<row r="999999999999"><c r="A999999999999" t="n"><v>1</v></c></row>'
                data = data.replace(b"</sheetData>", far + b"</sheetData>")
            bad.writestr(info, data)
    error = _refused(lambda: read_model(path), within=5.0)
    assert "beyond row 1,048,576" in str(error)


# --------------------------------------------------------------------------------------
# The limits themselves


def test_limits_have_documented_defaults():
    assert Limits() == Limits(
        file_bytes=20_000_000,
        rows=100_000,
        cells=500_000,
        depth=20,
        archive_bytes=50_000_000,
        archive_ratio=100,
    )
    with pytest.raises(AttributeError):
        Limits().rows = 5  # type: ignore[misc]


def test_limits_are_checked():
    with pytest.raises(ModelError) as info:
        Limits(rows=0, depth=2.5, archive_ratio=float("nan"), cells=True)  # type: ignore[arg-type]
    assert info.value.locations == [
        "Limits.rows",
        "Limits.cells",
        "Limits.depth",
        "Limits.archive_ratio",
    ]
    with pytest.raises(ModelError, match=r"must be a sroi\.io\.Limits"):
        read_model("model.yaml", limits={"rows": 5})  # type: ignore[arg-type]


def test_default_limits_can_be_raised_for_the_session(tmp_path):
    path = write_model(hand_worked(), tmp_path / "model.yaml")
    before = set_default_limits(Limits(file_bytes=100))
    try:
        with pytest.raises(ModelError, match=r"Limits\.file_bytes"):
            sroi.evaluate(path)  # evaluate reads with the default limits
        with pytest.raises(ModelError, match=r"Limits\.file_bytes"):
            sroi.load_model(path)
    finally:
        set_default_limits(before)
    assert default_limits() == Limits()
    assert sroi.evaluate(path).ratio == pytest.approx(1.1416, abs=5e-5)
