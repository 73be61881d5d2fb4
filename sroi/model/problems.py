"""From pydantic's errors to :class:`~sroi.errors.Problem` objects with readable locations.

:class:`Record` is the base of every model record: frozen, no unknown fields, and every
problem of a record (its fields' and the checks across fields) raised together as one
:class:`~sroi.errors.ModelError`, whether the record is built from a mapping or directly.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from sroi.errors import ModelError, Problem

__all__ = ["Record", "model_error", "problems_of"]


def location(loc: Sequence[Any]) -> str:
    """A pydantic location as a path into the model: ``outcomes[3].deadweight``.

    Examples
    --------
    >>> location(("outcomes", 3, "deadweight")), location(("price_year", "function-plain"))
    ('outcomes[3].deadweight', 'price_year')
    """
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif isinstance(part, str) and not part.startswith(("function-", "union[")):
            text += f".{part}" if text else part
    return text


def _join(prefix: str, rest: str) -> str:
    if not rest:
        return prefix
    if not prefix or rest.startswith("["):
        return prefix + rest
    return f"{prefix}.{rest}"


_MESSAGES = {
    "missing": "is required",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "model_type": "must be a mapping of field names to values",
    "model_attributes_type": "must be a mapping of field names to values",
    "dict_type": "must be a mapping of field names to values",
    "literal_error": "must be one of {expected}",
}


def _owner(loc: Sequence[Any], cls: type[Record]) -> type[Record] | None:
    """The record whose field ``loc`` names, for "did you mean" hints."""
    nested = cls.list_fields()
    if not nested:
        return cls
    parts = [p for p in loc if isinstance(p, (str, int))]
    if len(parts) == 1:
        return cls
    if len(parts) == 3 and isinstance(parts[1], int):
        return nested.get(str(parts[0]))
    return None


def problems_of(exc: ValidationError, cls: type[Record]) -> list[Problem]:
    """Every error of a pydantic ValidationError as a Problem, located in the model."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        where = location(loc)
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, ModelError):
            problems.extend(
                Problem(_join(where, p.location), p.message, p.value)
                if p.has_value
                else Problem(_join(where, p.location), p.message)
                for p in inner.problems
            )
            continue
        kind = err["type"]
        if kind == "missing":
            problems.append(Problem(where, "is required"))
            continue
        if kind == "extra_forbidden":
            owner = _owner(loc, cls)
            allowed = sorted(owner.model_fields) if owner else []
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]!r}?" if guess else "allowed: " + ", ".join(allowed)
            problems.append(Problem(where, f"unknown field; {hint}", err["input"]))
            continue
        template = _MESSAGES.get(kind)
        ctx = err.get("ctx") or {}
        message = template.format(**ctx) if template else err["msg"]
        problems.append(Problem(where, message, err["input"]))
    return problems


def _order(problem: Problem) -> tuple:
    key: list[tuple[int, Any]] = []
    for part in re.split(r"[.\[\]]+", problem.location):
        if part:
            key.append((0, int(part)) if part.isdigit() else (1, part))
    return tuple(key)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.location, p.message) not in seen:
            seen.add((p.location, p.message))
            out.append(p)
    return out


def model_error(exc: ValidationError, cls: type[Record]) -> ModelError:
    """One ModelError with every problem of ``exc``, in the order of the model."""
    return ModelError(sorted(_unique(problems_of(exc, cls)), key=_order))


class _RecordMeta(type(BaseModel)):  # type: ignore[misc]
    """Turns pydantic's ValidationError into ModelError when a record is built directly.

    (Overriding ``__init__`` instead would make pydantic validate nested records twice.)
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except ValidationError as exc:
            raise model_error(exc, cls) from None


class Record(BaseModel, metaclass=_RecordMeta):
    """Base of the model records: frozen, no unknown fields, errors as ModelError."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @classmethod
    def list_fields(cls) -> Mapping[str, type[Record]]:
        """The fields holding lists of records, and the record of each (for error hints)."""
        return {}

    @classmethod
    def _rules(cls, data: Mapping[str, Any]) -> list[Problem]:
        """Checks across fields, run on the raw data so they are reported with field errors."""
        return []

    @model_validator(mode="wrap")
    @classmethod
    def _validate_all(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, Mapping):
            return handler(data)
        rules = cls._rules(data)
        try:
            record = handler(data)
        except ValidationError as exc:
            raise ModelError(_unique(problems_of(exc, cls) + rules)) from None
        if rules:
            raise ModelError(rules)
        return record

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data, without fields left unset (None)."""
        return self.model_dump(mode="json", exclude_none=True)
