"""Model files as YAML or JSON: safe readers and the writers.

The readers return the file's data (a model is then built from it with
:meth:`Model.from_dict <sroi.model.Model.from_dict>`). They accept less than the formats
allow, so that nothing in a file is silently lost or misread:

- YAML is read with the safe loader (no Python objects); a key that appears twice in one
  mapping is an error, located by line (``model.yaml line 7``);
- JSON: a key that appears twice in one object is an error, and so are ``NaN``,
  ``Infinity`` and ``-Infinity``, which JSON does not allow;
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
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.errors import ModelError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from sroi.model import Model

__all__ = ["json_text", "read_json", "read_mapping", "read_yaml", "yaml_text"]


def read_yaml(path: Path) -> Any:
    """Read a YAML file with the safe loader; a key given twice in a mapping is an error.

    Parameters
    ----------
    path : pathlib.Path
        The file (UTF-8).

    Returns
    -------
    Any
        What the file holds (for a model, a mapping).

    Raises
    ------
    ModelError
        If the file is not valid YAML, or a mapping gives a key twice; located by line.
    """
    import yaml

    class _UniqueKeyLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise ModelError(
                    [
                        Problem(
                            f"{path.name} line {key_node.start_mark.line + 1}",
                            f"the key {key!r} appears twice in one mapping; "
                            "one of its values would be lost",
                        )
                    ],
                    title=str(path),
                )
            seen.add(key)
        return loader.construct_mapping(node, deep=deep)

    _UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path.name} line {mark.line + 1}" if mark else path.name
        raise ModelError(
            [Problem(where, f"is not valid YAML: {exc.problem}")], title=str(path)
        ) from None


def read_json(path: Path) -> Any:
    """Read a JSON file; a key given twice in an object, or ``NaN``/``Infinity``, is an error.

    Parameters
    ----------
    path : pathlib.Path
        The file (UTF-8).

    Returns
    -------
    Any
        What the file holds (for a model, a mapping).

    Raises
    ------
    ModelError
        If the file is not valid JSON, gives a key twice in one object or holds a number
        JSON does not allow; located by line where the parser says.
    """

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ModelError(
                    [Problem(path.name, f"the key {key!r} appears twice in one object")],
                    title=str(path),
                )
            out[key] = value
        return out

    def reject_constant(name: str) -> float:
        raise ModelError(
            [Problem(path.name, f"{name} is not a number JSON allows")], title=str(path)
        )

    try:
        return json.loads(
            path.read_text(encoding="utf-8"),
            object_pairs_hook=unique,
            parse_constant=reject_constant,
        )
    except json.JSONDecodeError as exc:
        raise ModelError(
            [Problem(f"{path.name} line {exc.lineno}", f"is not valid JSON: {exc.msg}")],
            title=str(path),
        ) from None


def read_mapping(path: Path, format: str) -> Mapping[str, Any]:
    """Read a model file's mapping of field names to values.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    format : {"yaml", "json"}
        Its format.

    Returns
    -------
    Mapping
        The mapping the file holds.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If the file is not valid, or holds something other than a mapping.
    """
    if not path.exists():
        raise FileNotFoundError(f"no such model file: {path}")
    data = read_yaml(path) if format == "yaml" else read_json(path)
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
