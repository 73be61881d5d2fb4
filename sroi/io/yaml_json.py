"""Model files as YAML or JSON: safe readers and the writers.

The readers return the file's data (a model is then built from it with
:meth:`Model.from_dict <sroi.model.Model.from_dict>`). They accept less than the formats
allow, so that nothing in a file is silently lost or misread, and nothing in it can make
them hang:

- the file is UTF-8 text (a byte order mark is allowed; UTF-16 and UTF-32 with one too,
  see :mod:`sroi.io.text`);
- YAML is read with the safe loader (no Python objects). A key that appears twice in one
  mapping is an error, located by line (``model.yaml line 7``). A key is a name: it is
  read as the text written (``2030:`` is the text ``"2030"``, ``yes:`` the text
  ``"yes"``), and a list or mapping as a key (``? [a, b]``) is an error. Dates are read
  as the text written (``2024-04-01``); the tags ``!!timestamp``, ``!!binary``,
  ``!!set``, ``!!omap`` and ``!!pairs`` are refused, since a model holds none of them;
- JSON: a key that appears twice in one object is an error, and so are ``NaN``,
  ``Infinity`` and ``-Infinity``, which JSON does not allow;
- a number too large to hold (``1e400``, a whole number of thousands of digits) is an
  error at its line, not an infinity;
- the file is checked against the :class:`~sroi.io.limits.Limits` before the work: its
  size, how deeply it nests (before parsing: a parser recurses once a level), and how
  many values it holds, YAML's aliases expanded (so that a few hundred bytes of
  ``&anchors`` and ``*aliases`` cannot stand for millions of values), and a YAML alias
  inside its own anchor is refused;
- a file that is not valid YAML or JSON is a :class:`~sroi.errors.ModelError` with the
  line, not a parser's exception.

The writers write ``model.to_dict()``: YAML in block style, in field order (a
distribution and a list of yearly rates on one line, long text as a block, every line
break kept); JSON indented by 2, with non-ASCII text as it is.

This module imports nothing of the model, so the model can use these readers.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "twice.json"
>>> _ = path.write_text('{"name": "a", "name": "b"}', encoding="utf-8")
>>> read_json(path)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
sroi.errors.ModelError: 1 problem in ...twice.json:
  twice.json: the key 'name' appears twice in one object

A YAML "billion laughs" (each alias stands for nine of the one before) is refused before
it is built:

>>> lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
>>> lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
>>> _ = path.with_suffix(".yaml").write_text("\\n".join(lines), encoding="utf-8")
>>> read_yaml(path.with_suffix(".yaml"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
sroi.errors.ModelError: 1 problem in ...twice.yaml:
  twice.yaml line 6: holds (its aliases expanded) more values than the limit of ...
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.errors import ModelError, Problem
from sroi.io.limits import (
    Limits,
    breach,
    count_values,
    json_too_deep,
    line_of,
    read_bytes,
    refuse,
    resolve,
)
from sroi.io.text import decode

if TYPE_CHECKING:  # pragma: no cover
    from sroi.model import Model

__all__ = ["json_text", "read_json", "read_mapping", "read_yaml", "yaml_text"]


def _text(path: Path, limits: Limits) -> str:
    """A model file's text: within the size limit, and UTF-8 (or UTF-16/32 with a mark)."""
    if not path.exists():
        raise FileNotFoundError(f"no such model file: {path}")
    return decode(read_bytes(path, limits), path.name, title=str(path))


def read_yaml(path: Path, *, limits: Limits | None = None) -> Any:
    """Read a YAML file with the safe loader; a key given twice in a mapping is an error.

    Parameters
    ----------
    path : pathlib.Path
        The file (UTF-8).
    limits : Limits, optional
        What the file may hold (size, nesting, values with aliases expanded); default
        :func:`sroi.io.limits.default_limits`.

    Returns
    -------
    Any
        What the file holds (for a model, a mapping).

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If the file is not valid YAML, gives a key twice in a mapping, uses a key or a
        tag a model cannot hold, or passes a limit; located by line.
    """
    from sroi.io._yaml import load

    limits = resolve(limits)
    text = _text(path, limits)
    return load(text, path.name, str(path), limits)


def read_json(path: Path, *, limits: Limits | None = None) -> Any:
    """Read a JSON file; a key given twice in an object, or ``NaN``/``Infinity``, is an error.

    Parameters
    ----------
    path : pathlib.Path
        The file (UTF-8).
    limits : Limits, optional
        What the file may hold (size, nesting, values); default
        :func:`sroi.io.limits.default_limits`.

    Returns
    -------
    Any
        What the file holds (for a model, a mapping).

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If the file is not valid JSON, gives a key twice in one object, holds a number
        JSON does not allow or that is too large to hold, or passes a limit; located by
        line where the parser says.
    """
    limits = resolve(limits)
    text = _text(path, limits)
    name, title = path.name, str(path)
    if not text.strip():
        raise ModelError(
            [
                Problem(
                    name,
                    "is empty; a JSON model file holds an object of field names to values",
                    allowed="a JSON object",
                )
            ],
            title=title,
        )
    deep = json_too_deep(text, limits)
    if deep is not None:
        where = f"{name} line {line_of(text, deep)}"
        what = "nests lists and mappings deeper than"
        refuse([breach(where, what, limits.depth + 1, "depth", limits, at_least=True)], title)

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ModelError(
                    [
                        Problem(
                            name,
                            f"the key {key!r} appears twice in one object",
                            allowed="each key once in an object",
                        )
                    ],
                    title=title,
                )
            out[key] = value
        return out

    def reject_constant(constant: str) -> float:
        raise ModelError(
            [
                Problem(
                    name,
                    f"{constant} is not a number JSON allows",
                    constant,
                    allowed="a finite number",
                )
            ],
            title=title,
        )

    def too_large(number: str, why: str) -> ModelError:
        where = f"{name} line {line_of(text, max(text.find(number), 0))}"
        shown = number if len(number) <= 24 else f"{number[:12]}...{number[-6:]}"
        return ModelError(
            [
                Problem(
                    where,
                    f"the number {shown} {why}",
                    shown,
                    allowed="a number from -1.8e308 to 1.8e308",
                )
            ],
            title=title,
        )

    def parse_int(number: str) -> int:
        try:
            return int(number)
        except ValueError:
            digits = len(number.lstrip("-"))
            raise too_large(
                number,
                f"has {digits:,} digits, more than can be read "
                f"({sys.get_int_max_str_digits():,}); a model's numbers are below 1.8e308",
            ) from None

    def parse_float(number: str) -> float:
        value = float(number)
        if not math.isfinite(value):
            raise too_large(number, "is too large to hold (over 1.8e308)")
        return value

    try:
        data = json.loads(
            text,
            object_pairs_hook=unique,
            parse_constant=reject_constant,
            parse_int=parse_int,
            parse_float=parse_float,
        )
    except json.JSONDecodeError as exc:
        raise ModelError(
            [Problem(f"{name} line {exc.lineno}", f"is not valid JSON: {exc.msg}")],
            title=title,
        ) from None
    refuse(count_values(data, name, limits), title)
    return data


def read_mapping(path: Path, format: str, *, limits: Limits | None = None) -> Mapping[str, Any]:
    """Read a model file's mapping of field names to values.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    format : {"yaml", "json"}
        Its format.
    limits : Limits, optional
        What the file may hold; default :func:`sroi.io.limits.default_limits`.

    Returns
    -------
    Mapping
        The mapping the file holds.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If the file is not valid, passes a limit, or holds something other than a
        mapping.
    """
    if not path.exists():
        raise FileNotFoundError(f"no such model file: {path}")
    read = read_yaml if format == "yaml" else read_json
    data = read(path, limits=limits)
    if not isinstance(data, Mapping):
        raise ModelError(
            [
                Problem(
                    path.name,
                    "a model file must hold a mapping of field names to values, not " + _what(data),
                )
            ],
            title=str(path),
        )
    return data


def _what(data: Any) -> str:
    if data is None:
        return "nothing (the file is empty)"
    if isinstance(data, list):
        return "a list"
    if isinstance(data, str):
        return "text"
    return type(data).__name__


def json_text(data: Any, indent: int | None = 2) -> str:
    """JSON text: non-ASCII as it is, ``NaN`` refused; ``indent=None`` for one line.

    Examples
    --------
    >>> json_text({"distribution": "uniform", "low": 0.1, "high": 0.3}, indent=None)
    '{"distribution": "uniform", "low": 0.1, "high": 0.3}'
    """
    return json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)


def yaml_text(model: Model) -> str:
    """A model as YAML: block style in field order; distributions and rate lists on one line.

    Parameters
    ----------
    model : Model
        The model.

    Returns
    -------
    str
        YAML text that reads back (:func:`read_yaml`) as ``model.to_dict()``.
    """
    import yaml

    class Dumper(yaml.SafeDumper):
        """The safe dumper; distributions and rate lists on one line, long text as blocks."""

    class Flow(dict):
        pass

    class FlowList(list):
        pass

    def text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        if any(c in data for c in "\x85\u2028\u2029\ufeff"):
            style = '"'  # PyYAML folds these line breaks in other styles; escape them
        elif "\n" in data:
            style = "|"
        else:
            style = None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(
        Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)
    )
    Dumper.add_representer(
        FlowList,
        lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True),
    )
    Dumper.add_representer(str, text)

    data = model.to_dict()
    if isinstance(data.get("discount_rate"), list):
        data["discount_rate"] = FlowList(data["discount_rate"])
    for value in data.values():  # the tables: stakeholders, inputs, outputs, outcomes
        if not isinstance(value, list):
            continue
        for record in value:
            if not isinstance(record, dict):
                continue
            for name, field in record.items():
                if isinstance(field, dict):
                    record[name] = Flow(field)
    return yaml.dump(
        data, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
