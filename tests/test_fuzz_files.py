"""Fuzzing every file reader: any input is a valid model (or proxy table) or a located error.

The readers fuzzed: YAML, JSON, a folder of CSV tables, a zip of them, an Excel workbook
(:func:`sroi.io.read_model`) and a proxy table (:func:`sroi.proxies.read_table`). Each is
fed valid files mutated at the byte level (truncated, bytes flipped, inserted or deleted,
nasty tokens spliced in, lines doubled) and at the level of their structure (a field, a
cell or a sheet replaced by a value of the wrong type, a huge or tiny number, unicode,
NaN, nesting a hundred levels deep, a duplicate key or column), and random bytes. Whatever
the input:

- the reader returns a valid :class:`~sroi.model.Model` (or
  :class:`~sroi.proxies.ProxyTable`) whose every number is finite, or raises an
  :class:`~sroi.errors.SROIError` whose every problem has a location;
- never another exception type, and never a hang (each read is timed).

The runs are deterministic (``derandomize=True``) and small, to keep the whole file to a
few seconds.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sroi.errors import SROIError
from sroi.io import read_model, write_model
from sroi.model import Model
from sroi.proxies import COLUMNS, ProxyTable, read_table
from tests.conftest import hand_worked

openpyxl = pytest.importorskip("openpyxl")

HANG = 5.0
"""The longest a read of a small file may take [seconds]; longer is taken for a hang."""


def fuzz(examples: int) -> Callable:
    """Hypothesis settings for a fuzzer: deterministic, no deadline, ``examples`` examples."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# --------------------------------------------------------------------------------------
# The seeds: valid models, in every format.


def _rich_model() -> dict[str, Any]:
    data = hand_worked()
    data.update(
        price_year="2023/24",
        description="A model with one of everything: “quotes”, £, é, 😀",
        stakeholders=[
            {"name": "Funder"},
            {"name": "Participants", "description": "People helped"},
            {"name": "Families"},
        ],
        outputs=[{"description": "Sessions", "quantity": 40, "stakeholder": "Participants"}],
        scenarios={"cautious": {"deadweight": "+0.1", "value": "-20%"}},
    )
    data["outcomes"].append(
        {
            "id": "wellbeing",
            "stakeholder": "Families",
            "outcome": "Less stress",
            "quantity": 12.5,
            "value": -250.0,
            "duration": 2,
            "start_year": 2,
            "deadweight": {"distribution": "triangular", "low": 0.1, "mode": 0.2, "high": 0.4},
            "attribution": 0.3,
        }
    )
    return data


SEEDS = [hand_worked(), _rich_model()]
_FOLDER = Path(tempfile.mkdtemp(prefix="sroi-fuzz-"))


def _written(data: dict[str, Any], name: str) -> Path:
    return write_model(Model.from_dict(data), _FOLDER / name)


YAML_SEEDS = [_written(m, f"seed{i}.yaml").read_bytes() for i, m in enumerate(SEEDS)]
JSON_SEEDS = [_written(m, f"seed{i}.json").read_bytes() for i, m in enumerate(SEEDS)]
ZIP_SEEDS = [_written(m, f"seed{i}.zip").read_bytes() for i, m in enumerate(SEEDS)]
XLSX_SEEDS = [_written(m, f"seed{i}.xlsx").read_bytes() for i, m in enumerate(SEEDS)]
CSV_SEEDS = [
    {p.name: p.read_bytes() for p in sorted(_written(m, f"seed{i}").iterdir())}
    for i, m in enumerate(SEEDS)
]
PROXY_SEED = (
    ",".join(COLUMNS)
    + "\n"
    + "my_value,A made-up value,wellbeing,1234.5,GBP,GBP / person / year,2023/24,wellbeing,"
    "Individual,,capabilities_and_control,medium,Test fixture,CC0,\n"
    + "my_fiscal,Claimant enters work,employment,4000,GBP,GBP / person / year,2019,fiscal,"
    'Multiple,DWP:0.75;NHS:0.25,fair_employment,,"Fixture, with a comma",OGL,a note\n'
).encode("utf-8")


# --------------------------------------------------------------------------------------
# What every outcome must be.


def _finite(data: Any, where: str = "model") -> None:
    """Every number in ``data`` (a model's ``to_dict()``) is finite."""
    stack = [(data, where)]
    while stack:
        item, place = stack.pop()
        if isinstance(item, float):
            assert math.isfinite(item), f"{place} is {item}"
        elif isinstance(item, dict):
            stack.extend((v, f"{place}.{k}") for k, v in item.items())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{place}[{i}]") for i, v in enumerate(item))


def outcome(read: Callable[[], Any]) -> Any:
    """Run a read: a valid model or table, or an SROIError with every problem located.

    Any other exception propagates (and fails the test); so does a read that takes longer
    than :data:`HANG`.
    """
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SROIWarning and openpyxl's notes are allowed
            result = read()
    except SROIError as exc:
        assert exc.problems, f"{type(exc).__name__} without problems: {exc}"
        for problem in exc.problems:
            assert isinstance(problem.location, str) and problem.location.strip(), str(exc)
        assert str(exc)
        result = exc
    elapsed = time.perf_counter() - start
    assert elapsed < HANG, f"the read took {elapsed:.1f} s"
    event(f"read: {type(result).__name__}")  # how often each outcome is reached
    if isinstance(result, Model):
        _finite(result.to_dict())
    elif isinstance(result, ProxyTable):
        assert all(math.isfinite(p.value) for p in result)
    return result


# --------------------------------------------------------------------------------------
# Mutations.

TOKENS = [
    b"&a ",
    b"*a",
    b"[" * 40,
    b"{" * 40,
    b"- " * 40,
    b"1e400",
    b"-1e400",
    b"9" * 400,
    b"9" * 5000,
    b"5e-324",
    b"-0",
    b"NaN",
    b"Infinity",
    b".nan",
    b".inf",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\xc3",
    b"\xe9",
    b"\x07",
    b"? [a, b]\n: 1\n",
    b"<<: *a\n",
    b"!!set {a}",
    b"!!binary AA==",
    b"!!python/object:os.system x",
    b"!!int x",
    b"2024-13-45",
    b'"',
    b"'",
    b",",
    b";",
    b"\n",
    b"\r",
    b"\t",
    b"=1+1",
    b"\xe2\x80\xa8",
    "😀 £ é 中".encode(),
    b"null",
    b"true",
    b"[]",
    b"{}",
    b"25%",
    b"2024/25",
    b"name: x\n",
    b'"name": "x", ',
    b"---\n",
    b"%YAML 1.1\n",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with one to four byte-level mutations."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "token", "line"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "truncate":
            del data[at:]
        elif op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        else:  # a line given twice (a duplicate key, a duplicate row)
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


HUGE_AND_TINY = st.sampled_from(
    [10**400, -(10**400), 10**4000, 5e-324, -5e-324, 1e308, -1e308, 1.7976931348623157e308,
     2**63, -(2**63), 1e-300, 0, -0.0, 1e12, 1e-6]
)  # fmt: skip
VALUES = st.one_of(
    st.floats(0, 1),  # values that may well be valid, so that reads also succeed
    st.integers(0, 20),
    st.text("abcdefghij ", min_size=1, max_size=12),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    HUGE_AND_TINY,
    st.text(max_size=12),
    st.sampled_from(["", " ", "25%", "1e400", "nan", "2024/25", "²⁰²⁴", "=1+1", "½", "١٢"]),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(-3, 3), max_size=3),
    st.fixed_dictionaries(
        {"distribution": st.sampled_from(["uniform", "triangular", "normal", "pert", "x"])},
        optional={k: HUGE_AND_TINY | st.floats() for k in ("low", "mode", "high", "mean", "sd")},
    ),
    st.integers(1, 120).map(_nested),
)


def _places(data: dict[str, Any]) -> list[tuple[Any, Any]]:
    """Every (container, key) of a model's data whose value can be replaced."""
    places: list[tuple[Any, Any]] = [(data, key) for key in data]
    for table in ("inputs", "outcomes", "stakeholders", "outputs"):
        records = data.get(table)
        for record in records if isinstance(records, list) else []:
            if isinstance(record, dict):
                places.extend((record, key) for key in record)
                places.append((record, "unknown_field"))
    scenarios = data.get("scenarios")
    for changes in scenarios.values() if isinstance(scenarios, dict) else []:
        if isinstance(changes, dict):
            places.extend((changes, key) for key in changes)
    places.append((data, "dead_weight"))
    return places


@st.composite
def changed_model(draw: st.DrawFn) -> dict[str, Any]:
    """A seed model with one to three of its values replaced by anything."""
    data = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        places = _places(data)
        container, key = draw(st.sampled_from(places))
        container[key] = draw(VALUES)
    return data


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------------------
# YAML and JSON


@pytest.mark.parametrize("suffix", ["yaml", "json"])
@fuzz(150)
@given(data=st.data())
def test_fuzz_mutated_yaml_and_json_files(suffix, data):
    seeds = YAML_SEEDS if suffix == "yaml" else JSON_SEEDS
    content = data.draw(st.one_of(mutated(seeds), st.binary(max_size=200)))
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / f"model.{suffix}", content)
        outcome(lambda: read_model(path))


@pytest.mark.parametrize("suffix", ["yaml", "json"])
@fuzz(150)
@given(model=changed_model())
def test_fuzz_yaml_and_json_models_with_wrong_values(suffix, model):
    if suffix == "yaml":
        text = yaml.safe_dump(model, allow_unicode=True, sort_keys=False)
    else:
        text = json.dumps(model, ensure_ascii=False)  # NaN written as JSON does not allow
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / f"model.{suffix}", text.encode("utf-8"))
        outcome(lambda: read_model(path))


# --------------------------------------------------------------------------------------
# CSV tables, in a folder and in a zip archive

CELLS = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        ["", " ", "1e400", "-1e400", "9" * 400, "9" * 5000, "nan", "inf", "25%", "1e-320",
         "{", "[" * 200, '{"distribution": "uniform", "low": 0.1, "high": 0.3}',
         '{"distribution": "normal", "mean": 1e308, "sd": 1e308}', "[0.1, NaN]", "[1e999]",
         "'=1+1", "=1+1", "TRUE", "2024/25", "²⁰²⁴", "0x10", "1_000", "١٢", "½", "\x00"]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    HUGE_AND_TINY.map(str),
)  # fmt: skip


@st.composite
def changed_tables(draw: st.DrawFn) -> dict[str, bytes]:
    """A seed's CSV tables with cells, columns or whole tables changed."""
    files = dict(draw(st.sampled_from(CSV_SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        text = files[name].decode("utf-8", errors="replace")  # after a byte-level mutation
        rows = list(csv.reader(io.StringIO(text, newline="")))
        op = draw(st.sampled_from(["cell", "cell", "cell", "header", "row", "drop", "bytes"]))
        if op == "drop":
            del files[name]
            continue
        if op == "bytes":
            files[name] = draw(mutated([files[name]]))
            continue
        if op == "row" and rows:
            rows.insert(draw(st.integers(1, len(rows))), list(draw(st.sampled_from(rows))))
        else:
            i = 0 if op == "header" else draw(st.integers(0, max(len(rows) - 1, 0)))
            if not rows:
                rows.append([])
            row = rows[i]
            j = draw(st.integers(0, len(row)))
            value = draw(CELLS if op == "cell" else st.sampled_from(
                ["id", "value", "dead_weight", "", "Drop-off", "quantity", "field"]))  # fmt: skip
            if j < len(row):
                row[j] = value
            else:
                row.append(value)
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        files[name] = buffer.getvalue().encode("utf-8")
    return files


@fuzz(100)
@given(files=changed_tables())
def test_fuzz_csv_folders(files):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "model"
        root.mkdir()
        for name, content in files.items():
            (root / name).write_bytes(content)
        outcome(lambda: read_model(root))


@fuzz(100)
@given(data=st.data())
def test_fuzz_csv_zip_archives(data):
    how = data.draw(st.sampled_from(["tables", "bytes", "random"]))
    if how == "tables":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in data.draw(changed_tables()).items():
                folder = data.draw(st.sampled_from(["", "", "impact_map/", "a/b/"]))
                archive.writestr(folder + name, content)
        content = buffer.getvalue()
    elif how == "bytes":
        content = data.draw(mutated(ZIP_SEEDS))
    else:
        content = b"PK\x03\x04" + data.draw(st.binary(max_size=300))
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / "model.zip", content)
        outcome(lambda: read_model(path))


# --------------------------------------------------------------------------------------
# Excel workbooks

SHEET_VALUES = st.one_of(
    CELLS,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.none(),
    st.datetimes().filter(lambda d: d.year >= 1900),
    st.sampled_from(["=1+1", "=A1", "=1/0", "#N/A"]),
)


def _change_workbook(data: st.DataObject, wb: Any) -> None:
    op = data.draw(st.sampled_from(["cell", "cell", "cell", "rename", "drop", "copy"]))
    ws = wb[data.draw(st.sampled_from(wb.sheetnames))]
    if op == "cell":
        row = data.draw(st.integers(1, ws.max_row + 1))
        column = data.draw(st.integers(1, ws.max_column + 1))
        value = data.draw(SHEET_VALUES)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # what a workbook cannot hold
        cell = ws.cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str) and not value.startswith("="):
            cell.data_type = "s"
    elif op == "rename":
        name = data.draw(st.sampled_from(["impact map ", "IMPACT MAP", "Model ", "inputs", "x"]))
        if name.lower() not in [n.lower() for n in wb.sheetnames]:
            ws.title = name
    elif op == "drop" and len(wb.sheetnames) > 1:
        del wb[ws.title]
    elif op == "copy":
        copy_ = wb.copy_worksheet(ws)
        name = ws.title.lower() + " "
        if name.lower() not in [n.lower() for n in wb.sheetnames]:
            copy_.title = name


def _rezipped(data: st.DataObject, seed: bytes) -> bytes:
    """A workbook with one of its XML parts mutated at the byte level."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(seed)) as good, zipfile.ZipFile(out, "w") as bad:
        names = [i.filename for i in good.infolist()]
        target = data.draw(st.sampled_from([n for n in names if n.endswith(".xml")]))
        for name in names:
            content = good.read(name)
            if name == target:
                content = data.draw(mutated([content]))
            bad.writestr(name, content)
    return out.getvalue()


@fuzz(80)
@given(data=st.data())
def test_fuzz_excel_workbooks(data):
    seed = data.draw(st.sampled_from(XLSX_SEEDS))
    how = data.draw(st.sampled_from(["cells", "cells", "xml", "bytes"]))
    if how == "cells":
        wb = openpyxl.load_workbook(io.BytesIO(seed))
        for _ in range(data.draw(st.integers(1, 3))):
            _change_workbook(data, wb)
        buffer = io.BytesIO()
        wb.save(buffer)
        content = buffer.getvalue()
    elif how == "xml":
        content = _rezipped(data, seed)
    else:
        content = data.draw(mutated([seed]))
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / "model.xlsx", content)
        outcome(lambda: read_model(path))


# --------------------------------------------------------------------------------------
# Proxy tables


@st.composite
def proxy_files(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["cells", "cells", "bytes", "encoding", "random"]))
    if how == "random":
        return draw(st.binary(max_size=300))
    if how == "bytes":
        return draw(mutated([PROXY_SEED]))
    rows = list(csv.reader(io.StringIO(PROXY_SEED.decode("utf-8"), newline="")))
    for _ in range(draw(st.integers(0 if how == "encoding" else 1, 3))):
        i = draw(st.integers(0, len(rows) - 1))
        j = draw(st.integers(0, len(rows[i])))
        value = draw(st.one_of(CELLS, st.sampled_from([*COLUMNS, "extra", ""])))
        if j < len(rows[i]):
            rows[i][j] = value
        else:
            rows[i].append(value)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=draw(st.sampled_from([",", ",", "\t", ";"]))).writerows(rows)
    text = buffer.getvalue()
    codecs = ["utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "utf-32"]
    codec = "utf-8" if how == "cells" else draw(st.sampled_from(codecs))
    return text.encode(codec, errors="replace")


@fuzz(150)
@given(content=proxy_files(), encoding=st.sampled_from([None, None, None, "cp1252", "utf-16"]))
def test_fuzz_proxy_tables(content, encoding):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / "mine.csv", content)
        outcome(lambda: read_table(path, merge_with_bundled=False, encoding=encoding))


# --------------------------------------------------------------------------------------
# The seeds themselves are valid: the fuzzers start from files that read.


@pytest.mark.parametrize("suffix", ["yaml", "json", "zip", "xlsx"])
def test_every_seed_reads_back(tmp_path, suffix):
    seeds = {"yaml": YAML_SEEDS, "json": JSON_SEEDS, "zip": ZIP_SEEDS, "xlsx": XLSX_SEEDS}
    for model, content in zip(SEEDS, seeds[suffix], strict=True):
        path = _write(tmp_path / f"model.{suffix}", content)
        assert read_model(path) == Model.from_dict(model)
    path = _write(tmp_path / "mine.csv", PROXY_SEED)
    assert len(read_table(path, merge_with_bundled=False)) == 2
