"""A model as CSV tables: a folder of CSV files, or the same files in a zip archive.

One CSV file per table of :mod:`sroi.io.layout` (``model.csv``, ``stakeholders.csv``,
``inputs.csv``, ``outputs.csv``, ``outcomes.csv``, ``scenarios.csv``): UTF-8, comma
separated, a header row of field names. Every file is always written (header only when
empty), so rewriting a folder never leaves a stale table. Reading a ``.csv`` path that
names one of the tables reads its folder; a zip archive may hold the tables at its top
or in one folder.

Text cells are written through :func:`sroi.io.cells.protect` (formula injection) and read
back through :func:`~sroi.io.cells.unprotect`; numbers are written exactly (shortest
``repr``) and never quoted.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from sroi.model import Model
>>> model = Model.from_dict({
...     "name": "Employment support",
...     "inputs": [{"stakeholder": "=Council", "amount": 150_000}],
...     "outcomes": [{"stakeholder": "Participants", "outcome": "Moved into work",
...                   "quantity": 100, "value": 1_000, "duration": 3}],
... })
>>> folder = Path(tempfile.mkdtemp()) / "impact_map"
>>> write_csv(model, folder)
>>> print((folder / "inputs.csv").read_text(encoding="utf-8"))
stakeholder,description,amount,year,kind,area
'=Council,,150000,0,cash,
<BLANKLINE>
>>> read_csv(folder) == model
True
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sroi.errors import ModelError, Problem
from sroi.io.cells import protect
from sroi.io.layout import (
    MODEL_CSV,
    SCENARIOS_CSV,
    TABLES,
    Grid,
    Reading,
    is_blank,
    number_text,
    scalar_rows,
    scenario_rows,
    table_rows,
)
from sroi.io.limits import (
    Limits,
    archive_problems,
    breach,
    check_file_size,
    read_bytes,
    refuse,
    resolve,
)
from sroi.io.text import decode
from sroi.model import Model

__all__ = ["CSV_NAMES", "csv_text", "read_csv", "write_csv"]

CSV_NAMES = (MODEL_CSV, *(t.csv_name for t in TABLES), SCENARIOS_CSV)
"""The CSV files of a model, in the order they are read."""


def csv_text(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """One CSV table: a header row, then each row's cells (text protected, numbers exact).

    Examples
    --------
    >>> csv_text(("name", "amount"), [("@SUM(1)", 0.1), ("Tenants", 2.0)])
    "name,amount\\r\\n'@SUM(1),0.1\\r\\nTenants,2\\r\\n"
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    """A cell as CSV text: blank for None, text protected, numbers exact."""
    if value is None:
        return ""
    if isinstance(value, str):
        return protect(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value)
    return protect(str(value))  # pragma: no cover - every field is text or a number


def _csv_files(model: Model) -> dict[str, str]:
    """Every table of the model as CSV text, by file name."""
    rows = table_rows(model)
    files = {MODEL_CSV: csv_text(("field", "value"), scalar_rows(model))}
    for table in TABLES:
        files[table.csv_name] = csv_text(
            table.columns, [[r.get(c) for c in table.columns] for r in rows[table.key]]
        )
    files[SCENARIOS_CSV] = csv_text(("name", "changes"), scenario_rows(model))
    return files


def write_csv(model: Model, path: Path) -> None:
    """Write a model's CSV tables into a folder (created if missing) or a ``.zip`` archive.

    Parameters
    ----------
    model : Model
        The model.
    path : pathlib.Path
        A folder, or a path ending in ``.zip``; an existing archive is replaced.

    Raises
    ------
    ModelError
        If ``path`` is an existing file that is not a ``.zip`` archive.
    """
    files = _csv_files(model)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, text.encode("utf-8"))
        return
    if path.exists() and not path.is_dir():
        raise ModelError([Problem(path.name, "is a file; CSV tables are written into a folder")])
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8", newline="")


CSV_ADVICE = 'in Excel, "Save As" the type "CSV UTF-8 (Comma delimited)"'
"""How to save a CSV file as UTF-8, said when one is not."""


def _csv_source(path: Path, limits: Limits) -> tuple[Callable[[str], bytes | None], str]:
    """A function reading a table's bytes (None if absent), and the title for errors.

    The function raises :class:`~sroi.errors.ModelError` for a table larger than the
    limit; a zip archive is checked (the limits, a table in it twice) before any member
    is expanded.
    """
    if path.is_dir():

        def from_folder(name: str) -> bytes | None:
            member = path / name
            return read_bytes(member, limits, where=name) if member.is_file() else None

        return from_folder, str(path)
    if not path.exists():
        raise FileNotFoundError(f"no such folder or file: {path}")
    title = str(path)
    if path.suffix.lower() == ".csv":
        if path.name.lower() not in CSV_NAMES:
            raise ModelError(
                [
                    Problem(
                        path.name,
                        "a CSV model is a folder (or .zip) of the tables "
                        + ", ".join(CSV_NAMES)
                        + "; this file is not one of them",
                    )
                ],
                title=title,
            )
        return _csv_source(path.parent, limits)
    check_file_size(path, limits)
    if not zipfile.is_zipfile(path):
        raise ModelError(
            [Problem(path.name, "is not a zip archive of CSV tables (nor a folder of them)")],
            title=title,
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and info.filename.rsplit("/", 1)[-1] in CSV_NAMES
                and info.filename.count("/") <= 1
            ]
            refuse(_doubled(infos, path.name), title)
            refuse(archive_problems(infos, path.name, limits), title)
            members = {info.filename: archive.read(info) for info in infos}
    except ModelError:
        raise
    except (MemoryError, RecursionError):  # pragma: no cover
        raise
    except Exception as exc:  # a damaged archive: zipfile and zlib raise several kinds
        reason = str(exc).strip()[:200] or type(exc).__name__
        raise ModelError(
            [Problem(path.name, f"is a damaged zip archive: {reason}")], title=title
        ) from None

    def read(name: str) -> bytes | None:
        if name in members:
            return members[name]
        nested = [k for k in members if k.endswith("/" + name)]
        return members[nested[0]] if nested else None

    return read, title


def _doubled(infos: Sequence[zipfile.ZipInfo], where: str) -> list[Problem]:
    """Tables an archive holds twice: the same member twice, or in two of its folders."""
    problems = []
    for name, n in Counter(info.filename for info in infos).items():
        if n > 1:
            problems.append(Problem(f"{where}, member {name}", f"is in the archive {n} times"))
    for name in CSV_NAMES:
        if any(info.filename == name for info in infos):
            continue
        nested = sorted({info.filename for info in infos if info.filename.endswith("/" + name)})
        if len(nested) > 1:
            problems.append(
                Problem(
                    f"{where}, member {name}",
                    f"is in {len(nested)} folders of the archive ({', '.join(nested)}); keep one",
                )
            )
    return problems


class _Count:
    """Cells read from the model's tables so far, against ``Limits.cells``."""

    def __init__(self) -> None:
        self.cells = 0


def _csv_grid(reading: Reading, name: str, data: bytes | None, count: _Count) -> Grid | None:
    """A CSV file's cells, or None when absent or unreadable (then reported to ``reading``).

    Rows are counted against ``Limits.rows`` and cells (all tables together) against
    ``Limits.cells`` as they are parsed; passing one stops the reading.
    """
    if data is None:
        return None
    limits = reading.limits
    try:
        text = decode(data, name, title=reading.title, advice=CSV_ADVICE)
    except ModelError as exc:
        reading.problems.extend(exc.problems)
        return None
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, record in enumerate(reader, start=1):
            if header is None:
                header = record
                count.cells += len(record)
                continue
            if all(is_blank(c) for c in record):
                continue
            rows.append((number, record))
            count.cells += len(record)
            if len(rows) > limits.rows:
                raise ModelError(
                    [breach(name, "has more rows than", len(rows), "rows", limits, at_least=True)],
                    title=reading.title,
                )
            if count.cells > limits.cells:
                what = "brings the cells of the model's tables over"
                raise ModelError(
                    [breach(name, what, count.cells, "cells", limits, at_least=True)],
                    title=reading.title,
                )
    except csv.Error as exc:
        reading.problem(f"{name} line {reader.line_num}", f"is not valid CSV: {exc}")
        return None
    if header is None or all(is_blank(c) for c in header):
        reading.problem(name, "is empty; it needs a header row of column names")
        return None
    return Grid(name, list(header), rows)


def read_csv(path: Path, *, limits: Limits | None = None) -> Model:
    """Read a model from a folder of CSV tables, one of its ``.csv`` files, or a ``.zip``.

    Each table must be UTF-8 text (a byte order mark is allowed, and so is UTF-16 with
    one; see :mod:`sroi.io.text`). The files are checked against the limits: a table's
    size before it is read, a zip archive's members before any is expanded, rows and
    cells while they are parsed.

    Parameters
    ----------
    path : pathlib.Path
        The folder, a table in it (``outcomes.csv``), or a zip archive of the tables.
    limits : Limits, optional
        What the files may hold; default :func:`sroi.io.limits.default_limits`.

    Returns
    -------
    Model

    Raises
    ------
    FileNotFoundError
        If there is no such folder or file.
    ModelError
        If a required table is missing, a file is not UTF-8 CSV, a limit is passed, or
        the model is not valid; every problem is listed, located by file, row and column.
    """
    limits = resolve(limits)
    read, title = _csv_source(path, limits)
    reading = Reading(title, limits=limits)
    found = {name: read(name) for name in CSV_NAMES}
    count = _Count()
    grids = {name: _csv_grid(reading, name, data, count) for name, data in found.items()}

    def missing(name: str) -> tuple[str, str] | None:
        return (name, "is missing; a CSV model needs it") if found[name] is None else None

    for table in TABLES:
        reading.table(table, grids[table.csv_name], missing(table.csv_name))
    reading.scalars(grids[MODEL_CSV], missing(MODEL_CSV))
    reading.scenarios(grids[SCENARIOS_CSV])
    return reading.model()
