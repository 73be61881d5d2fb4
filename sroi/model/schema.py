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
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


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
