"""Reading and writing a model file: the format from the path, then its module.

=========================  =========  ====================================================
path                       format     module
=========================  =========  ====================================================
``model.yaml``, ``.yml``   ``yaml``   :mod:`sroi.io.yaml_json`
``model.json``             ``json``   :mod:`sroi.io.yaml_json`
``impact_map/`` (a folder  ``csv``    :mod:`sroi.io.csv_tables`
or a path without suffix)
``impact_map.zip``         ``csv``    :mod:`sroi.io.csv_tables`
``model.xlsx``             ``xlsx``   :mod:`sroi.io.excel`
``impact_map.xlsx``        ``impact-  :mod:`sroi.io.sector_map`: an impact map laid out as
                           map``      the SROI Guide's (recognised when read; chosen by
                                      ``format="impact-map"`` when written)
=========================  =========  ====================================================

An ``.xlsx`` workbook is read in the library's layout when it has an ``Inputs`` sheet
headed ``stakeholder``, ``amount`` ...; otherwise as an impact map laid out as the SROI
Guide's when one of its sheets has such a header row in its first 30 rows.
:func:`read_model_report` gives the model with what reading noticed (totals checked,
Impact cells compared, cells not read); :func:`read_model` gives the model, and issues
each :class:`~sroi.errors.ReadingWarning` as a Python warning.

Reading a ``.csv`` path that names one of the CSV tables (``outcomes.csv``) reads its
folder; writing to a ``.csv`` path is refused, since a model is several tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any, Protocol

from sroi.errors import ModelError, Problem, ReadingWarning, SROIError, error_for
from sroi.io.csv_tables import read_csv, write_csv
from sroi.io.excel import model_workbook, read_workbook
from sroi.io.limits import Limits, resolve
from sroi.io.reading import FileReading
from sroi.io.yaml_json import json_text, read_mapping, yaml_text
from sroi.model import Model

__all__ = [
    "FORMATS",
    "is_model_text",
    "model_path",
    "read_model",
    "read_model_report",
    "write_model",
]

FORMATS = ("yaml", "json", "csv", "xlsx", "impact-map")
"""The file formats :func:`read_model` and :func:`write_model` know."""

_ALIASES = {"yml": "yaml", "zip": "csv", "excel": "xlsx", "impact_map": "impact-map"}
_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".zip": "csv", ".xlsx": "xlsx"}


class _HasModel(Protocol):
    """Anything that carries a model, such as a :class:`~sroi.result.Result`."""

    @property
    def model(self) -> Model: ...  # pragma: no cover


def _format(path: Path, format: str | None, *, writing: bool) -> str:
    if format is not None:
        name = _ALIASES.get(format.lower(), format.lower()) if isinstance(format, str) else None
        if name not in FORMATS:
            given = format if isinstance(format, (str, int, float, bool)) else repr(format)[:80]
            raise ModelError(
                [
                    Problem(
                        "format",
                        "must be one of " + ", ".join(map(repr, FORMATS)) + " (or None, to tell "
                        "the format from the path's suffix)",
                        given,
                        allowed="one of " + ", ".join(FORMATS) + ", or None",
                    )
                ]
            )
        return name
    suffix = path.suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if suffix == ".csv":
        if writing:
            raise ModelError(
                [
                    Problem(
                        path.name,
                        "a model is several CSV tables: give a folder (a path without a "
                        "suffix) or a .zip path",
                    )
                ]
            )
        return "csv"
    if path.is_dir() or not suffix:
        return "csv"
    raise ModelError(
        [
            Problem(
                path.name,
                "cannot tell the format from the suffix; use .yaml, .yml, .json, .xlsx, .zip "
                "or a folder of CSV files, or give format=",
                suffix,
            )
        ]
    )


def _model_of(model: Model | _HasModel | Mapping[str, Any]) -> Model:
    """The model to write: a Model, the ``.model`` of a result, or one built from a mapping."""
    if not isinstance(model, (Model, Mapping)):
        inner = getattr(model, "model", None)
        if isinstance(inner, Model):
            return inner
    return Model.from_dict(model)  # type: ignore[arg-type]


def write_model(
    model: Model | _HasModel | Mapping[str, Any],
    path: str | PathLike[str],
    *,
    format: str | None = None,
) -> Path:
    """Write a model to a YAML, JSON, CSV or Excel file.

    Parameters
    ----------
    model : Model, mapping, or an object with a ``.model``
        The model, or a mapping of its fields. Anything whose ``.model`` is a
        :class:`~sroi.model.Model` (a :class:`~sroi.result.Result`) writes that model,
        and only the model: for the impact map with a result's computed columns and
        headline figures, use :func:`sroi.report.write_impact_map`.
    path : str or os.PathLike
        Where to write: ``.yaml``/``.yml``, ``.json``, ``.xlsx``, ``.zip`` (CSV tables in a
        zip archive), or a folder of CSV tables (created if missing). An existing file is
        replaced.
    format : {"yaml", "json", "csv", "xlsx", "impact-map"}, optional
        The format, when not the one the suffix says. ``"impact-map"`` writes an ``.xlsx``
        workbook laid out as the SROI Guide's impact map, with live formulas for each
        row's impact and the totals (:func:`sroi.io.sector_map.sector_workbook`); it
        reads back to an equal model.

    Returns
    -------
    pathlib.Path
        The file or folder written.

    Raises
    ------
    ModelError
        If the format cannot be told from the path, or the model is not valid.
    ImportError
        For ``xlsx`` without openpyxl (``pip install 'sroi[excel]'``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> garden = {"name": "Garden", "inputs": [{"stakeholder": "HA", "amount": 10_000}],
    ...           "outcomes": [{"stakeholder": "Residents", "outcome": "Eat fresh food",
    ...                         "quantity": 40, "value": 250, "duration": 2,
    ...                         "deadweight": {"distribution": "uniform", "low": 0.1,
    ...                                        "high": 0.3}}]}
    >>> path = write_model(garden, Path(tempfile.mkdtemp()) / "garden.yaml")
    >>> print(path.read_text(encoding="utf-8"))
    name: Garden
    description: ''
    currency: GBP
    discount_rate: 0.035
    groups: {}
    stakeholders: []
    inputs:
    - stakeholder: HA
      description: ''
      amount: 10000.0
      year: 0
      kind: cash
    outputs: []
    outcomes:
    - stakeholder: Residents
      outcome: Eat fresh food
      indicator: ''
      quantity: 40.0
      value: 250.0
      duration: 2
      start_year: 1
      deadweight: {distribution: uniform, low: 0.1, high: 0.3}
      displacement: 0.0
      attribution: 0.0
      leakage: 0.0
      drop_off: 0.0
      source: ''
    scenarios: {}
    <BLANKLINE>
    """
    m = _model_of(model)
    p = Path(path)
    fmt = _format(p, format, writing=True)
    if fmt in ("yaml", "json"):
        text = yaml_text(m) if fmt == "yaml" else json_text(m.to_dict()) + "\n"
        p.write_text(text, encoding="utf-8")
    elif fmt == "csv":
        write_csv(m, p)
    elif fmt == "impact-map":
        from sroi.io.sector_map import sector_workbook

        sector_workbook(m).save(p)
    else:
        model_workbook(m).save(p)
    return p


def is_model_text(text: str) -> bool:
    """Whether a str is plainly model text (JSON or YAML) rather than the path of a file.

    Text with a line break, or beginning with ``{`` or ``[``, that names no file.

    Examples
    --------
    >>> is_model_text('{"name": "Garden"}'), is_model_text("name: Garden\\n")
    (True, True)
    >>> is_model_text("model.yaml")
    False
    """
    start = text.lstrip()[:1]
    if "\n" not in text and start not in ("{", "["):
        return False
    try:
        return "\x00" in text or not Path(text).exists()
    except (OSError, ValueError):  # too long to be a file name
        return True


def model_path(path: Any) -> Path:
    """A model file's path, or a :class:`~sroi.errors.ModelError` if it cannot be one.

    A path too long for the system, or holding a NUL character, is not a file name (the
    system's own error would say neither which argument nor why); nor is model text
    (:func:`is_model_text`), which is refused with how to read it.

    Examples
    --------
    >>> model_path("model.yaml")
    PosixPath('model.yaml')
    >>> model_path("x" * 5000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      path: is not a file name: it is 5,000 characters long, ...
    """
    if not isinstance(path, (str, PathLike)):
        raise ModelError(
            [
                Problem(
                    "path",
                    "must be a path (str or os.PathLike)",
                    type(path).__name__,
                    allowed="the path of a model file or folder",
                )
            ]
        )
    text = str(path) if isinstance(path, str) else str(Path(path))
    shown = text if len(text) <= 60 else text[:40] + "..." + text[-12:]
    if isinstance(path, str) and is_model_text(path):
        raise ModelError(
            [
                Problem(
                    "path",
                    "is JSON or YAML text, not a path: read_model reads a file; parse the text "
                    "(json.loads(text) or yaml.safe_load(text)) and pass the mapping to "
                    "sroi.Model.from_dict or sroi.evaluate",
                    shown,
                    allowed="the path of a model file or folder",
                )
            ]
        )
    p = Path(path)
    if "\x00" in text:
        raise ModelError(
            [
                Problem(
                    "path",
                    "is not a file name: it holds a NUL character",
                    shown,
                    allowed="the path of a model file or folder",
                )
            ]
        )
    try:
        p.exists()
    except OSError as exc:
        raise ModelError(
            [
                Problem(
                    "path",
                    f"is not a file name: it is {len(text):,} characters long, and the "
                    f"system refuses it ({exc.strerror or exc})",
                    shown,
                    allowed="the path of a model file or folder",
                )
            ]
        ) from None
    return p


def read_model(
    path: str | PathLike[str], *, format: str | None = None, limits: Limits | None = None
) -> Model:
    """Read a model from a YAML, JSON, CSV or Excel file.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.yaml``/``.yml`` or ``.json`` file, a folder of CSV tables (or one of its
        ``.csv`` files), a ``.zip`` of CSV tables, or an ``.xlsx`` workbook.
    format : {"yaml", "json", "csv", "xlsx"}, optional
        The format, when not the one the suffix says.
    limits : Limits, optional
        What the file may hold (size, rows, cells, nesting, what an archive expands to),
        checked before the work; default :func:`sroi.io.limits.default_limits`. See
        :mod:`sroi.io.limits`.

    Returns
    -------
    Model

    Raises
    ------
    FileNotFoundError
        If there is no such file or folder.
    ModelError
        If the file is not what it claims to be, passes a limit, or the model in it is not
        valid; every problem is listed, located in the file (sheet, row and column).
    ImportError
        For ``xlsx`` without openpyxl (``pip install 'sroi[excel]'``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sroi.io import Limits
    >>> path = Path(tempfile.mkdtemp()) / "garden.json"
    >>> _ = path.write_text(
    ...     '{"name": "Garden", "inputs": [{"stakeholder": "HA", "amount": 10000}], '
    ...     '"outcomes": [{"stakeholder": "Residents", "outcome": "Eat fresh food", '
    ...     '"quantity": 40, "value": 250, "duration": 2}]}', encoding="utf-8")
    >>> read_model(path, limits=Limits(depth=2))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in ...garden.json:
      garden.json line 1: nests lists and mappings deeper than the limit of 2 (Limits.depth; ...
    >>> read_model(path).name
    'Garden'
    """
    reading = read_model_report(path, format=format, limits=limits)
    if reading.warnings:
        import warnings

        for warning in reading.warnings:
            warnings.warn(warning, stacklevel=2)
    return reading.model


def read_model_report(
    path: str | PathLike[str], *, format: str | None = None, limits: Limits | None = None
) -> FileReading:
    """Read a model file, with what reading it noticed.

    Parameters
    ----------
    path, format, limits
        As :func:`read_model`.

    Returns
    -------
    FileReading
        ``.model``, the layout it was read as (``.layout``), and for an impact map laid
        out as the SROI Guide's: the columns recognised, every total row checked, every
        Impact cell compared, every cell not read (with why), and the warnings
        (:class:`~sroi.errors.ReadingWarning`). ``print(reading)`` shows them all.

    Raises
    ------
    FileNotFoundError, ModelError, ImportError
        As :func:`read_model`.
    """
    p = model_path(path)
    reading = _read(p, format, limits)
    front = reading.model.front_matter
    if front is None or front.logo is None:
        return reading
    # a logo path in the file is relative to the file (to a folder of CSV tables: in it)
    folder = p if p.is_dir() else p.parent
    model = reading.model.model_copy(update={"front_matter": front.located(folder)})
    return replace(reading, model=model)


def _read(p: Path, format: str | None, limits: Limits | None) -> FileReading:
    """The model file at ``p`` read, in its format."""
    limits = resolve(limits)
    fmt = _format(p, format, writing=False)
    if fmt in ("yaml", "json"):
        data = read_mapping(p, fmt, limits=limits)
        try:
            model = Model.from_dict(data)
        except SROIError as exc:
            # the model's own locations (outcomes[2].deadweight) are paths into the file;
            # a problem of the model as a whole is located at the file
            problems = [q if q.location else replace(q, location=p.name) for q in exc.problems]
            raise error_for(problems, title=str(p)) from None
        return FileReading(model, str(p), fmt)
    if fmt == "csv":
        return _tables(lambda: read_csv(p, limits=limits), p, "csv")
    from sroi.io.sector_map import read_sector_map, workbook_layout

    if fmt == "impact-map" or workbook_layout(p, limits) == "impact-map":
        return read_sector_map(p, limits=limits)
    return _tables(lambda: read_workbook(p, limits=limits), p, "xlsx")


def _tables(read: Any, path: Path, layout: str) -> FileReading:
    """A file of the library's tables read, with the reading warnings it gave."""
    import warnings

    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always", ReadingWarning)
            try:
                model = read()
            finally:
                caught.extend(recorded)
    finally:  # the others (a model's own warnings) go on to the caller
        for w in caught:
            if not isinstance(w.message, ReadingWarning):
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    found = tuple(w.message for w in caught if isinstance(w.message, ReadingWarning))
    return FileReading(model, str(path), layout, warnings=found)  # type: ignore[arg-type]
