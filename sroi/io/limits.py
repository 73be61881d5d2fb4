"""Limits on what a file may hold, checked before the work.

A malformed or hostile file must not make ``sroi`` hang or run out of memory: a YAML file
whose aliases expand a few hundred bytes into millions of values, a zip archive that
expands a few kilobytes into gigabytes, text nested a hundred thousand levels deep. Every
reader of a file (:func:`sroi.io.read_model`, :func:`sroi.proxies.read_table`) therefore
checks what it is about to do against a :class:`Limits`, before doing it, and refuses with
a :class:`~sroi.errors.ModelError` that names the file, the limit, the value found and how
to raise it.

=================  ===============  ======================================================
limit              default          what it bounds
=================  ===============  ======================================================
``file_bytes``     20,000,000       the size of a file read: YAML, JSON, a CSV table, a
                                    proxy table, a workbook or a zip archive [bytes]
``rows``           100,000          the rows of data of one table (a CSV file, a sheet, a
                                    proxy table)
``cells``          500,000          the cells of a file, all its tables together; for
                                    YAML and JSON, its values (every number, text, list,
                                    mapping and key), aliases expanded
``depth``          20               how deeply lists and mappings nest (YAML, JSON, and
                                    the JSON text of a cell)
``archive_bytes``  50,000,000       what the members of a zip archive (a ``.zip`` of CSV
                                    tables, an ``.xlsx`` workbook) expand to, together
                                    [bytes]
``archive_ratio``  100              how many times its compressed size a member, or the
                                    archive as a whole, may expand to, once it expands to
                                    more than :data:`RATIO_FROM_BYTES` (1 MB)
=================  ===============  ======================================================

The defaults are far above any real model (a model of 1,000 outcomes is a few hundred
kilobytes and nests six levels deep) and far below what would exhaust a laptop. Raise one
for a single call with ``limits=`` (:func:`sroi.io.read_model`,
:func:`sroi.proxies.read_table`), or for the session with :func:`set_default_limits`,
which :func:`sroi.evaluate` and the command line then use too.

Examples
--------
>>> limits = default_limits()
>>> limits.rows, limits.depth
(100000, 20)
>>> bigger = Limits(rows=250_000)
>>> bigger.rows, bigger.cells
(250000, 500000)
>>> Limits(rows=0)
Traceback (most recent call last):
...
sroi.errors.ModelError: 1 problem in the limits:
  Limits.rows: must be a whole number of at least 1 (got 0)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sroi.errors import ModelError, Problem

__all__ = [
    "RATIO_FROM_BYTES",
    "Limits",
    "default_limits",
    "set_default_limits",
]

RATIO_FROM_BYTES = 1_000_000
"""A member (or archive) expanding to no more than this is not held to ``archive_ratio``
[bytes]: small files compress unevenly, and cannot expand to much however they do."""


@dataclass(frozen=True)
class Limits:
    """What a file read by ``sroi`` may hold; each is checked before the work it bounds.

    Parameters
    ----------
    file_bytes : int, default 20_000_000
        The largest file read: a YAML or JSON model, a CSV table, a proxy table, a
        workbook or a zip archive [bytes].
    rows : int, default 100_000
        The most rows of data in one table: a CSV file, a sheet or a proxy table
        [rows].
    cells : int, default 500_000
        The most cells in one file, all its tables together; for YAML and JSON, the most
        values (every number, text, list, mapping and key), aliases expanded [cells].
    depth : int, default 20
        The deepest nesting of lists and mappings in YAML, JSON, or the JSON text of a
        cell [levels].
    archive_bytes : int, default 50_000_000
        The most that the members of a zip archive (a ``.zip`` of CSV tables, or an
        ``.xlsx`` workbook) may expand to, together [bytes].
    archive_ratio : float, default 100
        How many times its compressed size a member of a zip archive, or the archive as
        a whole, may expand to, once it expands to more than :data:`RATIO_FROM_BYTES`
        [ratio].

    Raises
    ------
    ModelError
        If a limit is not a whole number of at least 1 (``archive_ratio``: a finite
        number of at least 1).

    Examples
    --------
    >>> Limits(file_bytes=100_000_000).file_bytes
    100000000
    """

    file_bytes: int = 20_000_000
    rows: int = 100_000
    cells: int = 500_000
    depth: int = 20
    archive_bytes: int = 50_000_000
    archive_ratio: float = 100.0

    def __post_init__(self) -> None:
        problems = []
        for f in fields(self):
            value = getattr(self, f.name)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if f.name == "archive_ratio":
                if not number or not math.isfinite(value) or value < 1:
                    problems.append(
                        Problem(
                            f"Limits.{f.name}",
                            "must be a finite number of at least 1",
                            value,
                            allowed="a finite number of at least 1",
                        )
                    )
            elif not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(
                    Problem(
                        f"Limits.{f.name}",
                        "must be a whole number of at least 1",
                        value,
                        allowed="a whole number of at least 1",
                    )
                )
        if problems:
            raise ModelError(
                [
                    Problem(p.location, p.message, _plain(p.value), allowed=p.allowed)
                    for p in problems
                ],
                title="the limits",
            )


def _plain(value: Any) -> Any:
    """A value as something JSON can hold, for a problem's ``value``."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return repr(value)[:80]


_default = Limits()


def default_limits() -> Limits:
    """The limits used when a reader is given none (see :func:`set_default_limits`).

    Returns
    -------
    Limits

    Examples
    --------
    >>> default_limits() == Limits()
    True
    """
    return _default


def set_default_limits(limits: Limits | None = None) -> Limits:
    """Set the limits every reader uses when it is given none; None restores the defaults.

    :func:`sroi.evaluate`, :func:`sroi.load_model` and the command line read files with
    these limits, so this is how to raise a limit for them.

    Parameters
    ----------
    limits : Limits, optional
        The new default limits; None restores ``Limits()``.

    Returns
    -------
    Limits
        The limits in force before, so that they can be restored.

    Raises
    ------
    ModelError
        If ``limits`` is not a :class:`Limits`.

    Examples
    --------
    >>> before = set_default_limits(Limits(rows=1_000_000))
    >>> default_limits().rows
    1000000
    >>> _ = set_default_limits(before)
    >>> default_limits().rows
    100000
    """
    global _default
    new = Limits() if limits is None else resolve(limits)
    before, _default = _default, new
    return before


def resolve(limits: Limits | None) -> Limits:
    """``limits``, or the default limits when it is None."""
    if limits is None:
        return _default
    if not isinstance(limits, Limits):
        raise ModelError(
            [
                Problem(
                    "limits",
                    "must be a sroi.io.Limits, such as Limits(rows=500_000)",
                    type(limits).__name__,
                    allowed="a sroi.io.Limits, or None for the default limits",
                )
            ]
        )
    return limits


# --------------------------------------------------------------------------------------
# The problem of a limit passed.


def breach(
    where: str,
    what: str,
    found: int | float,
    name: str,
    limits: Limits,
    *,
    at_least: bool = False,
) -> Problem:
    """The problem of a file passing a limit: where, what was found, the limit, how to raise it.

    Parameters
    ----------
    where : str
        The place in the file (``"model.yaml line 4"``).
    what : str
        What was counted, worded to be followed by the count (``"has rows:"``).
    found : int or float
        The count found.
    name : str
        The field of :class:`Limits` passed.
    limits : Limits
        The limits in force.
    at_least : bool, default False
        Whether counting stopped at ``found``, once past the limit.

    Returns
    -------
    Problem

    Examples
    --------
    >>> print(breach("outcomes.csv", "has more rows than", 100_001, "rows", Limits()))
    outcomes.csv: has more rows than the limit of 100,000 (Limits.rows; found 100,001); if \
the file is what you meant, raise it: limits=sroi.io.Limits(rows=...) when reading, or \
sroi.io.set_default_limits(...) (got 100001)
    """
    limit = getattr(limits, name)
    return Problem(
        where,
        f"{what} the limit of {_count(limit)} (Limits.{name}; found "
        f"{'at least ' if at_least else ''}{_count(found)}); if the "
        f"file is what you meant, raise it: limits=sroi.io.Limits({name}=...) when reading, "
        "or sroi.io.set_default_limits(...)",
        round(found, 1) if isinstance(found, float) else found,
        allowed=f"at most {_count(limit)} (Limits.{name})",
    )


def _count(n: int | float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


def refuse(problems: Sequence[Problem], title: str) -> None:
    """Raise the problems as one :class:`~sroi.errors.ModelError`, if there are any."""
    if problems:
        raise ModelError(list(problems), title=title)


# --------------------------------------------------------------------------------------
# Files and archives.


def read_bytes(path: Path, limits: Limits, *, where: str | None = None) -> bytes:
    """A file's bytes, refused when it is larger than ``limits.file_bytes``.

    At most one byte more than the limit is read, whatever the file says its size is (a
    device or a growing file), so nothing large is ever held in memory.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    limits : Limits
        The limits in force.
    where : str, optional
        The file's name in messages; default its name.

    Returns
    -------
    bytes

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ModelError
        If the file is too large, or is a folder.
    """
    name = where or path.name
    if path.is_dir():
        raise ModelError(
            [Problem(name, "is a folder, not a file", allowed="a file")], title=str(path)
        )
    with path.open("rb") as handle:
        data = handle.read(limits.file_bytes + 1)
    if len(data) > limits.file_bytes:
        size = max(len(data), _size(path))
        raise ModelError(
            [breach(name, "is larger than", size, "file_bytes", limits)], title=str(path)
        )
    return data


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # pragma: no cover - the file was just read
        return 0


def check_file_size(path: Path, limits: Limits, *, where: str | None = None) -> None:
    """Refuse a file larger than ``limits.file_bytes`` (before a library opens it)."""
    if path.is_file() and _size(path) > limits.file_bytes:
        raise ModelError(
            [breach(where or path.name, "is larger than", _size(path), "file_bytes", limits)],
            title=str(path),
        )


def archive_problems(members: Iterable[Any], where: str, limits: Limits) -> list[Problem]:
    """What is wrong with what a zip archive's members would expand to, before expanding them.

    The sizes come from the archive's directory; :mod:`zipfile` never expands a member
    past the size recorded there (it reports a corrupt member instead), so they bound the
    work.

    Parameters
    ----------
    members : iterable of zipfile.ZipInfo
        The members that would be read.
    where : str
        The archive's name in messages.
    limits : Limits
        The limits in force.

    Returns
    -------
    list of Problem
        Empty when every member may be read.
    """
    problems: list[Problem] = []
    total = packed = 0
    for info in members:
        size, compressed = info.file_size, info.compress_size
        total += size
        packed += compressed
        ratio = size / max(compressed, 1)
        if size > RATIO_FROM_BYTES and ratio > limits.archive_ratio:
            problems.append(
                breach(
                    f"{where}, member {info.filename}",
                    f"expands from {compressed:,} to {size:,} bytes, {ratio:,.0f} times; over",
                    ratio,
                    "archive_ratio",
                    limits,
                )
            )
    if total > limits.archive_bytes:
        what = "expands (its members together) to more bytes than"
        problems.append(breach(where, what, total, "archive_bytes", limits))
    elif (
        not problems and total > RATIO_FROM_BYTES and total / max(packed, 1) > limits.archive_ratio
    ):
        ratio = total / max(packed, 1)
        problems.append(
            breach(
                where,
                f"expands from {packed:,} to {total:,} bytes, {ratio:,.0f} times; over",
                ratio,
                "archive_ratio",
                limits,
            )
        )
    return problems


# --------------------------------------------------------------------------------------
# Nesting and counting.

_JSON_SCAN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def json_too_deep(text: str, limits: Limits) -> int | None:
    """Where JSON text first nests deeper than ``limits.depth``: a character index, or None.

    A scan of the text (strings skipped), made before parsing it, since a parser recurses
    once a level.

    Examples
    --------
    >>> json_too_deep('{"a": [[1]], "b": "[[[[["}', Limits(depth=3)) is None
    True
    >>> json_too_deep('[[[["]"]]]]', Limits(depth=3))
    3
    """
    depth = 0
    for match in _JSON_SCAN.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > limits.depth:
                return match.start()
        elif char in "]}":
            depth -= 1
    return None


def line_of(text: str, index: int) -> int:
    """The line (from 1) of a character of ``text``.

    Examples
    --------
    >>> line_of("a\\nb\\nc", 4)
    3
    """
    return text.count("\n", 0, index) + 1


def count_values(data: Any, where: str, limits: Limits) -> list[Problem]:
    """Problems of data (lists, mappings, values) that nests too deeply or holds too much.

    Walks the data without recursion (JSON-like data cannot refer to itself).

    Parameters
    ----------
    data : Any
        What a file held (JSON-like: mappings, lists, numbers, text).
    where : str
        The file's name in messages.
    limits : Limits
        The limits in force.

    Returns
    -------
    list of Problem
        Empty when the data is within the limits.

    Examples
    --------
    >>> count_values({"a": [1, 2, {"b": 3}]}, "m.json", Limits())
    []
    >>> [p.message[:38] for p in count_values([[[[1]]]], "m.json", Limits(depth=3))]
    ['nests lists and mappings deeper than t']
    """
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > limits.cells:
            return [breach(where, "holds more values than", count, "cells", limits, at_least=True)]
        if isinstance(item, Mapping):
            children: Iterable[Any] = [v for pair in item.items() for v in pair]
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth + 1 > limits.depth:
            return [
                breach(where, "nests lists and mappings deeper than", depth + 1, "depth", limits)
            ]
        stack.extend((child, depth + 1) for child in children)
    return []
