"""The error hierarchy of ``sroi``.

Every error is also a builtin error, so ``except ValueError`` keeps working in code that
does not know about ``sroi``: :class:`ModelError` is a :class:`ValueError`,
:class:`UnknownProxyError` a :class:`KeyError`, :class:`UnitError` a :class:`ValueError`.

A :class:`ModelError` carries every problem found, each with its location in the model
(``outcomes[2].deadweight``), the value that was given and what is allowed, so that a
file with three mistakes is reported once, with all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ModelError",
    "Problem",
    "SROIError",
    "SROIWarning",
    "UnitError",
    "UnknownProxyError",
]

_MISSING = object()


@dataclass(frozen=True)
class Problem:
    """One problem found in a model: where, what is wrong, and the value given.

    Parameters
    ----------
    location : str
        Where the problem is, written as a path into the model
        (``"outcomes[2].deadweight"``); ``""`` for the model as a whole.
    message : str
        What is wrong and what is allowed.
    value : Any, optional
        The value that was given, when there was one.
    """

    location: str
    message: str
    value: Any = _MISSING

    @property
    def has_value(self) -> bool:
        """Whether the problem records the value that was given."""
        return self.value is not _MISSING

    def __str__(self) -> str:
        where = self.location or "model"
        if self.has_value:
            return f"{where}: {self.message} (got {_show(self.value)})"
        return f"{where}: {self.message}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class SROIError(Exception):
    """Base class of every error raised by ``sroi``."""


class ModelError(SROIError, ValueError):
    """A model (or an argument) is not valid.

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

    def __init__(self, problems: Iterable[Problem] | str, *, title: str = "the model") -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
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


class UnknownProxyError(SROIError, KeyError):
    """A financial proxy id is not in the proxy table.

    Parameters
    ----------
    proxy_id : str
        The id that was asked for.
    suggestions : sequence of str
        The closest ids in the table, best first.
    location : str, optional
        Where in the model the id was used.
    also : sequence of UnknownProxyError, optional
        Other unknown ids found in the same model, reported together with this one.

    Examples
    --------
    >>> print(UnknownProxyError("gp_visit", ["ucd_gp_home_visit"], "outcomes[0].proxy"))
    outcomes[0].proxy: unknown financial proxy 'gp_visit'; closest ids: ucd_gp_home_visit
    """

    def __init__(
        self,
        proxy_id: str,
        suggestions: Sequence[str] = (),
        location: str = "",
        *,
        also: Sequence[UnknownProxyError] = (),
    ) -> None:
        self.proxy_id = proxy_id
        self.suggestions = tuple(suggestions)
        self.location = location
        self.also = tuple(also)
        super().__init__(proxy_id)

    def _line(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}unknown financial proxy {self.proxy_id!r}"
        if self.suggestions:
            text += "; closest ids: " + ", ".join(self.suggestions)
        return text

    @property
    def proxy_ids(self) -> tuple[str, ...]:
        """Every unknown id reported, this one first."""
        return (self.proxy_id, *(e.proxy_id for e in self.also))

    def __str__(self) -> str:
        if not self.also:
            return self._line()
        lines = [self._line(), *(e._line() for e in self.also)]
        return f"{len(lines)} unknown financial proxies:\n" + "\n".join(f"  {x}" for x in lines)


class UnitError(SROIError, ValueError):
    """Units that cannot be combined, e.g. a per-hour proxy applied to a count of people."""


class SROIWarning(UserWarning):
    """Legal but suspicious input, such as total deductions above 90 %."""
