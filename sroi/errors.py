"""The error hierarchy of ``sroi``: one shape for every input error.

Every error about input is an :class:`SROIError`, so a caller needs one ``except``::

    try:
        result = sroi.evaluate(model)
    except sroi.SROIError as error:
        for problem in error.problems:
            print(problem.location, problem.message, problem.value, problem.allowed)

``error.problems`` lists every problem found, each a :class:`Problem` with its
``location`` in the model (``outcomes[2].deadweight``, or a sheet, row and column of a
file), a ``message`` saying what is wrong, the ``value`` given, what is ``allowed`` and
its ``kind`` (one of :data:`KINDS`). A model with a bad field, an unknown proxy id and a
unit that does not fit is reported once, with all three. ``error.to_dict()`` gives the
same as JSON-ready data.

Every error is also a builtin error, so ``except ValueError`` keeps working in code that
does not know about ``sroi``:

=========================  =====================  =========================================
class                      also a                 raised when
=========================  =====================  =========================================
:class:`ModelError`        :class:`ValueError`    a field or an argument is not valid, or
                                                  problems of several kinds occur together
:class:`UnknownProxyError` :class:`KeyError`      every problem is an unknown proxy id
:class:`UnitError`         :class:`ValueError`    every problem is a unit that does not fit
=========================  =====================  =========================================

:func:`error_for` picks the class from the problems' kinds, so the one error raised for a
model carries all of its problems: catch :class:`SROIError` (or :class:`ModelError` and
the two others) to see them all.

:class:`SROIWarning` is for input that is legal but suspicious (deductions above 90 %, a
proxy with no price year); it carries a ``location`` too, and :func:`sroi.evaluate`
records every warning on the result (``result.warnings``, ``result.to_dict()``).
:class:`ReadingWarning`, one kind of it, is what reading a file noticed but did not refuse:
a total row whose figure disagrees with the rows it totals, an Impact cell that differs
from the library's figure, a cell that was not read.

Examples
--------
>>> err = ModelError([Problem("outcomes[0].deadweight", "must be a fraction between 0 and 1",
...                           1.5, allowed="a number from 0 to 1")])
>>> print(err)
1 problem in the model:
  outcomes[0].deadweight: must be a fraction between 0 and 1 (got 1.5)
>>> err.to_dict()["problems"][0]["allowed"]
'a number from 0 to 1'
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

__all__ = [
    "KINDS",
    "ModelError",
    "Problem",
    "ReadingWarning",
    "SROIError",
    "SROIWarning",
    "UnitError",
    "UnknownProxyError",
    "error_for",
    "show_names",
    "show_value",
]

KINDS: Mapping[str, str] = {
    "invalid": "a value that is not allowed (wrong type, out of range, inconsistent)",
    "missing": "a required field or column that is not there",
    "unknown_field": "a field that the format does not have (a typo, such as dead_weight)",
    "unknown_proxy": "a financial proxy id that is not in the proxy table",
    "unit": "a unit that does not fit (the proxy's, the quantity's or the currency)",
}
"""The kinds of problem, with what each means (``Problem.kind``)."""


class _NoValue:
    """The default of :attr:`Problem.value`: no value was given (a missing field)."""

    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE: Any = _NoValue()

_SHOW_LIMIT = 80
_BIG_INT_BITS = 200  # about 60 digits: longer integers are shown by their size


class _BoundedRepr(reprlib.Repr):
    """``reprlib`` with every step bounded: showing a value costs O(limit), not O(size).

    Unlike :func:`repr` it never walks a whole container (a YAML alias bomb expands to a
    list of billions of items by reference), never converts a huge integer to text
    (Python refuses more than 4,300 digits) and never lets an object's own ``__repr__``
    raise.
    """

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = 60
        self.maxother = 60
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 5
        self.maxfrozenset = self.maxdeque = self.maxarray = 5

    def repr1(self, x: Any, level: int) -> str:
        try:
            if isinstance(x, bool) or x is None:
                return repr(x)
            if isinstance(x, int):
                return self.repr_int(x, level)
            if isinstance(x, str):
                return self.repr_str(x, level)
            if isinstance(x, (bytes, bytearray)):
                return reprlib.Repr.repr_instance(self, bytes(x[: self.maxstring]), level)
            if isinstance(x, Mapping):
                return self._mapping(x, level)
            if isinstance(x, list):
                return self.repr_list(x, level)
            if isinstance(x, tuple):
                return self.repr_tuple(x, level)
            return super().repr1(x, level)
        except Exception:  # an object whose __repr__ fails must not hide the problem
            return f"<{type(x).__name__} object>"

    def repr_int(self, x: int, level: int) -> str:
        if abs(x).bit_length() <= _BIG_INT_BITS:
            return repr(int(x))
        digits = int(abs(x).bit_length() * math.log10(2)) + 1
        return f"<an integer of about {digits:,} digits>"

    def _mapping(self, x: Mapping, level: int) -> str:
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        parts = [
            f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
            for k, v in islice(x.items(), self.maxdict)
        ]
        if len(x) > self.maxdict:
            parts.append("...")
        return "{" + ", ".join(parts) + "}"


_REPR = _BoundedRepr()


def show_value(value: Any, limit: int = _SHOW_LIMIT) -> str:
    """A value as short text for a message: like :func:`repr`, cut at ``limit`` characters.

    It takes time in proportion to ``limit``, whatever the size of the value.

    Examples
    --------
    >>> show_value(1.5), show_value("abc")
    ('1.5', "'abc'")
    >>> show_value(10**5000)
    '<an integer of about 5,001 digits>'
    >>> show_value(list(range(10**6)))
    '[0, 1, 2, 3, 4, ...]'
    """
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_LOCATION_LIMIT = 300
_MESSAGE_LIMIT = 2_000


def _clean(text: str, limit: int) -> str:
    """Text of bounded length that can always be written as UTF-8 (a lone surrogate, which
    JSON's ``\\ud800`` escape gives, is shown escaped)."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def show_names(names: Iterable[Any], limit: int = 10) -> str:
    """Names (ids, stakeholders) listed for a message: each cut short, at most ``limit``.

    Examples
    --------
    >>> show_names(["jobs", "x" * 100])
    'jobs, xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'
    >>> show_names(map(str, range(12)), limit=3)
    '0, 1, 2, ... (12 in all)'
    """
    items = list(names)
    shown = [(n if isinstance(n, str) else show_value(n)) for n in items[:limit]]
    shown = [n if len(n) <= 40 else n[:37] + "..." for n in shown]
    if len(items) > limit:
        shown.append(f"... ({len(items)} in all)")
    return ", ".join(shown)


_JSON_MAX_ITEMS = 20
_JSON_MAX_DEPTH = 4
_JSON_MAX_TEXT = 1_000


def _json_value(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data of bounded size: itself when it is small plain data,
    else its short text (:func:`show_value`); NaN and infinities as text."""
    if isinstance(value, str):
        return _clean(value, _JSON_MAX_TEXT)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        number = int(value)
        return number if number.bit_length() <= 63 else show_value(number)
    if isinstance(value, numbers.Real):
        try:
            number = float(value)
        except (OverflowError, ValueError):
            return show_value(value)
        return number if math.isfinite(number) else repr(number)
    if depth < _JSON_MAX_DEPTH:
        if isinstance(value, (list, tuple)) and len(value) <= _JSON_MAX_ITEMS:
            return [_json_value(v, depth + 1) for v in value]
        if (
            isinstance(value, Mapping)
            and len(value) <= _JSON_MAX_ITEMS
            and all(isinstance(k, str) for k in value)
        ):
            return {_clean(k, _JSON_MAX_TEXT): _json_value(v, depth + 1) for k, v in value.items()}
    return show_value(value)


@dataclass(frozen=True)
class Problem:
    """One problem found in the input: where, what is wrong, the value given, what is allowed.

    Parameters
    ----------
    location : str
        Where the problem is: a path into the model (``"outcomes[2].deadweight"``), a place
        in a file (``"outcomes.csv, row 4, column deadweight"``) or the name of an
        argument; ``""`` for the model as a whole.
    message : str
        What is wrong (often also what is allowed), as a sentence to show a person.
    value : Any, optional
        The value that was given. Not given (a missing field) it is None and
        :attr:`has_value` is False.
    allowed : str, optional
        What is allowed there, in words (``"a number from 0 to 1"``); ``""`` when the
        message says it all.
    kind : str, default "invalid"
        What sort of problem it is: one of :data:`KINDS`.
    suggestions : tuple of str, optional
        Close matches for a misspelt name or id, best first ("did you mean").
    has_value : bool, optional
        Whether a value was given; worked out from ``value`` when not said.

    Examples
    --------
    >>> p = Problem("outcomes[0].duration", "is required", kind="missing")
    >>> p.has_value, p.value, str(p)
    (False, None, 'outcomes[0].duration: is required')
    >>> p.to_dict()
    {'location': 'outcomes[0].duration', 'message': 'is required', 'value': None, \
'has_value': False, 'allowed': '', 'kind': 'missing', 'suggestions': []}
    """

    location: str
    message: str
    value: Any = _NO_VALUE
    allowed: str = ""
    kind: str = "invalid"
    suggestions: tuple[str, ...] = ()
    has_value: bool | None = None

    def __post_init__(self) -> None:
        location = self.location if isinstance(self.location, str) else show_value(self.location)
        object.__setattr__(self, "location", _clean(location, _LOCATION_LIMIT))
        object.__setattr__(self, "message", _clean(str(self.message), _MESSAGE_LIMIT))
        object.__setattr__(self, "allowed", _clean(str(self.allowed), _MESSAGE_LIMIT))
        if self.value is _NO_VALUE or self.has_value is False:
            object.__setattr__(self, "value", None)
            object.__setattr__(self, "has_value", False)
        else:
            object.__setattr__(self, "has_value", True)
        object.__setattr__(self, "suggestions", tuple(self.suggestions))

    def at(self, location: str) -> Problem:
        """The same problem at another location (all else kept).

        Examples
        --------
        >>> Problem("deadweight", "must be ...", 1.5).at("outcomes[0].deadweight").location
        'outcomes[0].deadweight'
        """
        return replace(self, location=location)

    def __str__(self) -> str:
        where = self.location or "model"
        if self.has_value:
            return f"{where}: {self.message} (got {show_value(self.value)})"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON-ready data.

        ``value`` is the value given when it is plain data of modest size, else a short
        text of it (never a whole 10 MB string or a huge integer); NaN and infinities are
        written as text (``"nan"``, ``"inf"``), and text that cannot be written as UTF-8
        (a lone surrogate) with that character escaped.
        """
        return {
            "location": self.location,
            "message": self.message,
            "value": _json_value(self.value),
            "has_value": bool(self.has_value),
            "allowed": self.allowed,
            "kind": self.kind,
            "suggestions": list(self.suggestions),
        }


def _problems(problems: Iterable[Problem] | str, kind: str) -> tuple[Problem, ...]:
    if isinstance(problems, str):
        return (Problem("", problems, kind=kind),)
    return tuple(problems)


class SROIError(Exception):
    """Base class of every error ``sroi`` raises about its input.

    Parameters
    ----------
    problems : iterable of Problem, or str
        Every problem found; a text is one problem of the input as a whole.
    title : str, default "the model"
        What was checked, for the first line of the message (``"3 problems in model.yaml"``).

    Attributes
    ----------
    problems : tuple of Problem
        Every problem, in the order of the model.
    title : str
    """

    kind = "invalid"
    """The kind of the problem made from a bare message."""

    def __init__(self, problems: Iterable[Problem] | str = (), *, title: str = "the model") -> None:
        self.problems: tuple[Problem, ...] = _problems(problems, self.kind)
        self.title = title
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        if n == 1 and not self.problems[0].location:
            return self.problems[0].message
        head = f"{n} problem{'s' if n != 1 else ''} in {self.title}:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    def __str__(self) -> str:
        return self._render()

    @property
    def locations(self) -> list[str]:
        """The location of every problem, in the order reported."""
        return [p.location for p in self.problems]

    @property
    def kinds(self) -> set[str]:
        """The kinds of problem reported (see :data:`KINDS`)."""
        return {p.kind for p in self.problems}

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON-ready data: its class, its message and every problem.

        Examples
        --------
        >>> import json
        >>> d = ModelError([Problem("name", "is required", kind="missing")]).to_dict()
        >>> d["error"], [p["location"] for p in d["problems"]]
        ('ModelError', ['name'])
        >>> json.loads(json.dumps(d)) == d
        True
        """
        return {
            "error": type(self).__name__,
            "title": self.title,
            "message": str(self),
            "problems": [p.to_dict() for p in self.problems],
        }


class ModelError(SROIError, ValueError):
    """A model (or an argument) is not valid; also raised for problems of several kinds.

    ``str(error)`` lists every problem, one per line; ``error.problems`` holds them as
    :class:`Problem` objects for tools that want to point at the offending cell.

    Examples
    --------
    >>> err = ModelError([Problem("outcomes[0].deadweight", "must be between 0 and 1", 1.5)])
    >>> print(err)
    1 problem in the model:
      outcomes[0].deadweight: must be between 0 and 1 (got 1.5)
    >>> err.problems[0].location
    'outcomes[0].deadweight'
    """


def _unknown_proxy_problem(
    proxy_id: Any, suggestions: Sequence[str] = (), location: str = ""
) -> Problem:
    closest = "; closest ids: " + ", ".join(suggestions) if suggestions else ""
    allowed = "an id in the proxy table" + closest
    return Problem(
        location,
        "is not in the proxy table" + closest,
        proxy_id,
        allowed=allowed,
        kind="unknown_proxy",
        suggestions=tuple(suggestions),
    )


class UnknownProxyError(SROIError, KeyError):
    """A financial proxy id (or several) is not in the proxy table.

    Parameters
    ----------
    proxy_id : str, or iterable of Problem
        The id that was asked for; or the problems (of kind ``"unknown_proxy"``), one per id.
    suggestions : sequence of str
        The closest ids in the table, best first.
    location : str, optional
        Where in the model the id was used.
    also : sequence of UnknownProxyError, optional
        Other unknown ids found in the same model, reported together with this one.

    Attributes
    ----------
    problems : tuple of Problem
        One per unknown id: ``value`` is the id, ``suggestions`` the closest ids.

    Examples
    --------
    >>> err = UnknownProxyError("gp_visit", ["ucd_gp_home_visit"], "outcomes[0].proxy")
    >>> print(err)
    outcomes[0].proxy: unknown financial proxy 'gp_visit'; closest ids: ucd_gp_home_visit
    >>> err.problems[0].value, err.problems[0].suggestions
    ('gp_visit', ('ucd_gp_home_visit',))
    """

    kind = "unknown_proxy"

    def __init__(
        self,
        proxy_id: str | Iterable[Problem],
        suggestions: Sequence[str] = (),
        location: str = "",
        *,
        also: Sequence[UnknownProxyError] = (),
        title: str = "the model",
    ) -> None:
        if isinstance(proxy_id, str):
            problems = [
                _unknown_proxy_problem(proxy_id, suggestions, location),
                *(p for error in also for p in error.problems),
            ]
        else:
            problems = list(proxy_id)
        SROIError.__init__(self, problems, title=title)
        self.args = (self.proxy_id,)

    @property
    def proxy_id(self) -> str:
        """The first unknown id."""
        return self.proxy_ids[0] if self.proxy_ids else ""

    @property
    def proxy_ids(self) -> tuple[str, ...]:
        """Every unknown id reported, in order."""
        return tuple(
            p.value if isinstance(p.value, str) else show_value(p.value)
            for p in self.problems
            if p.kind == "unknown_proxy"
        )

    @property
    def suggestions(self) -> tuple[str, ...]:
        """The closest ids to the first unknown id, best first."""
        return self.problems[0].suggestions if self.problems else ()

    @property
    def location(self) -> str:
        """Where the first unknown id was used."""
        return self.problems[0].location if self.problems else ""

    @property
    def also(self) -> tuple[UnknownProxyError, ...]:
        """The other unknown ids, each as its own error."""
        return tuple(UnknownProxyError([p], title=self.title) for p in self.problems[1:])

    @staticmethod
    def _line(problem: Problem) -> str:
        where = f"{problem.location}: " if problem.location else ""
        if problem.kind != "unknown_proxy" or not isinstance(problem.value, str):
            shown = f" (got {show_value(problem.value)})" if problem.has_value else ""
            return f"{where}{problem.message}{shown}"
        text = f"{where}unknown financial proxy {show_value(problem.value)}"
        if problem.suggestions:
            text += "; closest ids: " + ", ".join(problem.suggestions)
        return text

    def _render(self) -> str:
        lines = [self._line(p) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} unknown financial proxies:\n" + "\n".join(f"  {x}" for x in lines)


class UnitError(SROIError, ValueError):
    """Units that cannot be combined, e.g. a per-hour proxy applied to a count of people.

    Examples
    --------
    >>> err = UnitError("proxy unit 'GBP / hour' needs a quantity in hours")
    >>> str(err), err.problems[0].kind
    ("proxy unit 'GBP / hour' needs a quantity in hours", 'unit')
    """

    kind = "unit"


def error_for(problems: Iterable[Problem], *, title: str = "the model") -> SROIError:
    """The one error that reports ``problems``, of the class their kinds call for.

    Every problem an unknown proxy id: :class:`UnknownProxyError`; every problem a unit:
    :class:`UnitError`; anything else, or several kinds together: :class:`ModelError`.

    Examples
    --------
    >>> type(error_for([Problem("name", "is required", kind="missing")])).__name__
    'ModelError'
    >>> type(error_for([Problem("outcomes[0].unit", "does not fit", "hour", kind="unit")]))
    <class 'sroi.errors.UnitError'>
    """
    found = tuple(problems)
    kinds = {p.kind for p in found}
    if kinds == {"unknown_proxy"}:
        return UnknownProxyError(found, title=title)
    if kinds == {"unit"}:
        return UnitError(found, title=title)
    return ModelError(found, title=title)


class SROIWarning(UserWarning):
    """Legal but suspicious input, such as total deductions above 90 %.

    Parameters
    ----------
    message : str
        What is suspicious, and what to check.
    location : str, optional
        Where in the model (``"outcomes[2]"``); ``""`` for the model as a whole.

    Examples
    --------
    >>> w = SROIWarning("has no price year", location="outcomes[0].proxy")
    >>> str(w), w.to_dict()
    ('outcomes[0].proxy: has no price year', {'location': 'outcomes[0].proxy', \
'message': 'has no price year'})
    """

    def __init__(self, message: str, location: str = "") -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)

    def to_dict(self) -> dict[str, str]:
        """The warning as JSON-ready data: ``{"location": ..., "message": ...}``."""
        return {"location": self.location, "message": self.message}


class ReadingWarning(SROIWarning):
    """Something reading a file noticed but did not refuse, located in the file.

    A total row whose figure disagrees with the rows it totals, an ``Impact`` cell that
    differs from the library's figure, a cell that was not read as data: the model is
    still read, and the warning says where to look.

    Examples
    --------
    >>> w = ReadingWarning("states 30,000.00 but its rows sum to 25,000.00",
    ...                    location="map.xlsx, sheet 'Impact map', row 9, column D")
    >>> isinstance(w, SROIWarning), w.location
    (True, "map.xlsx, sheet 'Impact map', row 9, column D")
    """
