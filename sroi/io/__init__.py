"""Model files: read and write a model as YAML, JSON, CSV tables or an Excel workbook.

:func:`write_model` writes a :class:`~sroi.model.Model` and :func:`read_model` reads it
back; every format round-trips exactly, ``read_model(write_model(model, path)) == model``,
distributions and scenarios included. The format comes from the path, or is given as
``format``:

=========================  =========  ====================================================
path                       format     what is written
=========================  =========  ====================================================
``model.yaml``, ``.yml``   ``yaml``   ``model.to_dict()``, block style, in field order
``model.json``             ``json``   ``model.to_dict()``, indented by 2
``impact_map/`` (a folder  ``csv``    one CSV file per table, UTF-8, comma separated, a
or a path without suffix)             header row of field names
``impact_map.zip``         ``csv``    the same CSV files in a zip archive
``model.xlsx``             ``xlsx``   a workbook of the library's tables (``Model``,
                                      ``Inputs``, ``Impact map`` ...); needs
                                      ``pip install 'sroi[excel]'``
``impact_map.xlsx``        ``impact-  an impact map laid out as the SROI Guide's (one
                           map``      sheet, its stages side by side, live formulas);
                                      recognised when read, chosen with
                                      ``format="impact-map"`` when written
=========================  =========  ====================================================

One module per format, and the parts they share:

- :mod:`sroi.io.yaml_json`: YAML and JSON, with safe readers (a key given twice is an
  error);
- :mod:`sroi.io.csv_tables`: a folder or ``.zip`` of CSV tables;
- :mod:`sroi.io.excel`: the workbook of the library's tables;
- :mod:`sroi.io.sector_map`: the impact map laid out as the SROI Guide's (an officer's
  workbook read as it is, totals checked and never counted, written back with live
  formulas, and a blank template);
- :mod:`sroi.io.reading`: :class:`~sroi.io.reading.FileReading`, what reading a file
  noticed (:func:`read_model_report`);
- :mod:`sroi.io.layout`: the tables, their columns and headers, and reading cells into a
  model with every problem located in the file (``outcomes.csv, row 5, column
  deadweight``), shared by CSV and Excel;
- :mod:`sroi.io.cells`: the one rule against formula injection (text beginning
  ``= + - @``, a tab, a carriage return or a full-width ``＝ ＋ － ＠`` gets one more
  single quote in front, which reading removes) and the escaping of what XML cannot hold;
  every writer of a spreadsheet-like file uses it, the reports included;
- :mod:`sroi.io.files`: the format from the path, and :func:`read_model` /
  :func:`write_model`;
- :mod:`sroi.io.text`: bytes to text, the same way for every text file (UTF-8, a byte
  order mark allowed; UTF-16 with one);
- :mod:`sroi.io.limits`: :class:`Limits`, what a file may hold (its size, rows, cells,
  nesting, what an archive expands to), checked before the work, and the defaults a user
  can raise (``read_model(path, limits=Limits(rows=500_000))``, or
  :func:`set_default_limits`).

Reading imports neither the result nor the reports: the impact map with a result's
computed columns is written by :func:`sroi.report.write_impact_map`, and its extra
columns and ``Results`` sheet are ignored on reading.

**Errors.** A file that is not what it claims (a ``.xlsx`` that is not a workbook, a CSV
table without its required columns, a workbook without an ``Impact map`` sheet, a JSON
file holding a list) is a :class:`~sroi.errors.ModelError`, and so is an invalid model;
every problem is reported together, located in the file. So is a file that passes one of
the :class:`Limits`: the error names the file, the limit, what was found and how to raise
it.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from sroi.io import read_model, write_model
>>> from sroi.model import Model
>>> model = Model.from_dict({
...     "name": "Employment support",
...     "inputs": [{"stakeholder": "=Council", "amount": 150_000}],
...     "outcomes": [{
...         "stakeholder": "Participants", "outcome": "Moved into work",
...         "quantity": 100, "value": 1_000, "duration": 3,
...         "deadweight": {"distribution": "triangular", "low": 0.1, "mode": 0.25,
...                        "high": 0.4},
...     }],
... })
>>> folder = Path(tempfile.mkdtemp())
>>> written = write_model(model, folder / "impact_map")
>>> print((written / "inputs.csv").read_text(encoding="utf-8"))
stakeholder,description,amount,year,kind,area
'=Council,,150000,0,cash,
<BLANKLINE>
>>> read_model(written) == model
True
>>> read_model(write_model(model, folder / "model.yaml")) == model
True
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "FORMATS",
    "Limits",
    "default_limits",
    "read_model",
    "read_model_report",
    "set_default_limits",
    "write_impact_map",
    "write_model",
]

# Loaded on first use, so that importing a part of this package (the model imports the
# YAML/JSON readers of sroi.io.yaml_json) does not import the whole of it.
_LAZY = {
    "FORMATS": "sroi.io.files",
    "Limits": "sroi.io.limits",
    "default_limits": "sroi.io.limits",
    "set_default_limits": "sroi.io.limits",
    "read_model": "sroi.io.files",
    "read_model_report": "sroi.io.files",
    "write_model": "sroi.io.files",
    # Kept importable here for existing callers; it lives with the reports (it needs a
    # Result), and is loaded from there only when it is asked for.
    "write_impact_map": "sroi.report.impact_map",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'sroi.io' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
