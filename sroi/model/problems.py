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

from sroi.errors import ModelError, Problem, show_value

__all__ = ["Record", "model_error", "problems_of", "unencodable_text"]


def location(loc: Sequence[Any]) -> str:
    """A pydantic location as a path into the model: ``outcomes[3].deadweight``.

    Examples
    --------
    >>> location(("outcomes", 3, "deadweight")), location(("price_year", "function-plain"))
    ('outcomes[3].deadweight', 'price_year')
    >>> location(("",))
    "''"
    """
    text = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{show_value(part)}]"
        elif isinstance(part, str) and not part.startswith(("function-", "union[")):
            part = part or "''"  # an empty key, shown so that the location is not empty
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

_ALLOWED = {
    "string_type": "text",
    "string_too_short": "text that is not empty",
    "tuple_type": "a list",
    "list_type": "a list",
    "model_type": "a mapping of field names to values",
    "model_attributes_type": "a mapping of field names to values",
    "dict_type": "a mapping of field names to values",
    "literal_error": "one of {expected}",
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


def _description(loc: Sequence[Any], cls: type[Record]) -> str:
    """What the field at ``loc`` holds, from its record's field description."""
    owner = _owner(loc, cls)
    name = loc[-1] if loc else None
    if owner is None or not isinstance(name, str) or name not in owner.model_fields:
        return ""
    return owner.model_fields[name].description or ""


def problems_of(exc: ValidationError, cls: type[Record]) -> list[Problem]:
    """Every error of a pydantic ValidationError as a Problem, located in the model.

    Each problem keeps what its check said is allowed, and has its kind: ``missing``,
    ``unknown_field`` or ``invalid`` (or the kind of a problem found by a record's rules).
    """
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        where = location(loc)
        ctx = err.get("ctx") or {}
        inner = ctx.get("error")
        if isinstance(inner, ModelError):
            problems.extend(p.at(_join(where, p.location)) for p in inner.problems)
            continue
        kind = err["type"]
        if kind == "missing":
            problems.append(
                Problem(where, "is required", allowed=_description(loc, cls), kind="missing")
            )
            continue
        if kind == "extra_forbidden":
            owner = _owner(loc, cls)
            fields = sorted(owner.model_fields) if owner else []
            name = loc[-1] if loc else ""
            guess = (
                difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
                if isinstance(name, str) and len(name) <= 200
                else []
            )
            hint = f"did you mean {guess[0]!r}?" if guess else "allowed: " + ", ".join(fields)
            problems.append(
                Problem(
                    where,
                    f"unknown field; {hint}",
                    err["input"],
                    allowed="one of the fields " + ", ".join(fields),
                    kind="unknown_field",
                    suggestions=tuple(guess),
                )
            )
            continue
        template = _MESSAGES.get(kind)
        message = template.format(**ctx) if template else err["msg"]
        allowed = ctx.get("allowed") or _ALLOWED.get(kind, "").format(**ctx)
        problems.append(Problem(where, message, err["input"], allowed=allowed))
    return problems


_INDEX = re.compile(r"[0-9]{1,18}")


def _order(problem: Problem) -> tuple:
    key: list[tuple[int, Any]] = []
    for part in re.split(r"[.\[\]]+", problem.location):
        if part:
            key.append((0, int(part)) if _INDEX.fullmatch(part) else (1, part))
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


_TEXT_DEPTH = 6  # model -> list -> record -> field (-> a distribution's keys): all text is here


def _bad_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _escaped(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def unencodable_text(data: Any) -> tuple[Any, list[Problem]]:
    """Find text that is not valid Unicode (a lone surrogate such as JSON's ``"\\ud800"``).

    pydantic cannot read such text: it refuses the whole mapping that holds it (or stops
    with a :class:`UnicodeEncodeError`), which hides where the text is and what else is
    wrong. This returns a copy of ``data`` with that text escaped (so that the model's
    other problems can still be found) and a problem for each.

    Examples
    --------
    >>> lone = chr(0xD800)
    >>> clean, found = unencodable_text({"name": "caf" + lone, "inputs": [{lone: 1}]})
    >>> clean["name"], [p.location for p in found]
    ('caf\\\\ud800', ['name', 'inputs[0].\\\\ud800'])
    """
    problems: list[Problem] = []
    allowed = "text of valid Unicode characters"

    def fix(x: Any, where: str, depth: int) -> Any:
        if isinstance(x, str):
            if not _bad_text(x):
                return x
            problems.append(
                Problem(
                    where,
                    "is not valid text: it holds a lone surrogate character, which no file "
                    "can store",
                    x,
                    allowed=allowed,
                )
            )
            return _escaped(x)
        if depth >= _TEXT_DEPTH:
            return x
        if isinstance(x, Mapping):
            out = {}
            for key, value in x.items():
                if isinstance(key, str) and _bad_text(key):
                    key = _escaped(key)
                    problems.append(
                        Problem(
                            _join(where, key),
                            "a field name must be valid text: it holds a lone surrogate character",
                            allowed=allowed,
                        )
                    )
                    out[key] = value
                    continue
                shown = (key or "''") if isinstance(key, str) else ""
                out[key] = fix(value, _join(where, shown), depth + 1)
            return out
        if isinstance(x, (list, tuple)):
            return [fix(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(x)]
        return x

    return fix(data, "", 0), problems


class _RecordMeta(type(BaseModel)):  # type: ignore[misc]
    """Turns pydantic's ValidationError into ModelError when a record is built directly.

    (Overriding ``__init__`` instead would make pydantic validate nested records twice.)
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except ValidationError as exc:
            raise model_error(exc, cls) from None
        except UnicodeError:
            clean, found = unencodable_text(kwargs)
            try:
                super().__call__(*args, **clean)
            except ValidationError as exc:
                found += problems_of(exc, cls)
            raise ModelError(sorted(_unique(found), key=_order)) from None


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
