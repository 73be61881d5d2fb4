"""The JSON Schema of the model format, for tools that check a model before calling ``sroi``.

The schema is pydantic's, from the records' field types, with one addition: every figure
that may be written as a distribution (:data:`~sroi.model.fields.UNCERTAIN_FIELDS`) also
accepts the schema of a distribution (:mod:`sroi.distributions`).
"""

from __future__ import annotations

from typing import Any

from sroi.distributions import DISTRIBUTIONS
from sroi.model.fields import UNCERTAIN_FIELDS
from sroi.model.records import Model

__all__ = ["model_schema"]


def model_schema() -> dict[str, Any]:
    """The JSON Schema of the model file format (YAML, JSON or a mapping).

    Other tools can validate a model with it before calling :func:`sroi.evaluate`. Checks
    across fields (a `value` or a `proxy`, unique ids, a non-zero investment) are stated in
    the descriptions but only :func:`sroi.evaluate` enforces them.

    Examples
    --------
    >>> schema = model_schema()
    >>> schema["title"], sorted(schema["required"])
    ('Model', ['inputs', 'name', 'outcomes'])
    >>> schema["$defs"]["Outcome"]["additionalProperties"]
    False

    A rate or a deduction may be a number or a percentage written with its sign:

    >>> import jsonschema
    >>> outcome = {"stakeholder": "a", "outcome": "b", "quantity": 1, "value": 1,
    ...            "duration": 2, "deadweight": [0.25, "20 %"], "drop_off": "10%"}
    >>> model = {"name": "x", "discount_rate": "3.5%", "outcomes": [outcome],
    ...          "inputs": [{"stakeholder": "a", "amount": 1}]}
    >>> check = jsonschema.Draft202012Validator(schema)
    >>> check.is_valid(model), check.is_valid({**model, "discount_rate": "3.5"})
    (True, False)
    """
    schema = Model.model_json_schema()
    defs = schema["$defs"]
    defs["Distribution"] = _distribution_schema()
    for record, names in (
        ("Outcome", UNCERTAIN_FIELDS["outcomes"]),
        ("Input", UNCERTAIN_FIELDS["inputs"]),
    ):
        props = defs[record]["properties"]
        for name in names:
            field = props[name]
            meta = {k: field.pop(k) for k in ("title", "description", "default") if k in field}
            props[name] = {
                "anyOf": [field, {"$ref": "#/$defs/Distribution"}],
                **meta,
            }
    for name in ("deadweight", "displacement", "attribution", "leakage", "drop_off"):
        _allow_percent(defs["Outcome"]["properties"][name])
    _allow_percent(schema["properties"]["discount_rate"])
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


PERCENT_PATTERN = r"^\s*[+-]?(\d+\.?\d*|\.\d+)\s*%\s*$"
"""A percentage written as text with its sign (``"25%"``, ``"3.5 %"``), which the model
reads as the fraction it shows; its range is checked when the model is read."""


def _allow_percent(node: Any) -> None:
    """Let every number under ``node`` also be written as a percentage (text with ``%``)."""
    if isinstance(node, list):
        for item in node:
            _allow_percent(item)
        return
    if not isinstance(node, dict):
        return
    for key in ("anyOf", "items"):
        if key in node:
            _allow_percent(node[key])
    if node.get("type") == "number":
        number = dict(node)
        node.clear()
        node["anyOf"] = [number, {"type": "string", "pattern": PERCENT_PATTERN}]


def _distribution_schema() -> dict[str, Any]:
    """JSON Schema of a distribution written in place of a number."""
    from dataclasses import MISSING, fields

    options = []
    for name, cls in DISTRIBUTIONS.items():
        props: dict[str, Any] = {"distribution": {"const": name}}
        required = ["distribution"]
        for f in fields(cls):
            key = "mean" if f.name == "mean_" else f.name
            props[key] = {"type": "number"}
            if f.default is MISSING:
                required.append(key)
        options.append(
            {
                "type": "object",
                "properties": props,
                "required": required,
                "additionalProperties": False,
            }
        )
    return {
        "description": "A distribution in place of a number (see sroi.distributions).",
        "oneOf": options,
    }
