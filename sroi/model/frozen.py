"""Read-only containers for what a model holds: a model never shares a container with its caller.

:func:`freeze` copies plain data (mappings, lists, numbers, text) into :class:`FrozenDict`
and tuples all the way down, so that changing the mapping a model was built from never
changes the model, and the model's own containers cannot be changed at all.
:class:`FrozenDict` is a :class:`dict` (so ``json.dumps`` and pydantic write it as one),
hashable, and refuses every change.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any, NoReturn

__all__ = ["FrozenDict", "freeze"]


class FrozenDict(dict):
    """A dict that cannot be changed after it is built, and so can be hashed.

    Examples
    --------
    >>> d = FrozenDict({"value": "-20%"})
    >>> d["value"], hash(d) == hash(FrozenDict({"value": "-20%"}))
    ('-20%', True)
    >>> d["value"] = "-10%"
    Traceback (most recent call last):
    ...
    TypeError: a model's mappings are read-only; build a new model to change one
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a model's mappings are read-only; build a new model to change one")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __ior__(self, other: Any) -> NoReturn:
        self._refuse()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self


def freeze(value: Any) -> Any:
    """A read-only deep copy of plain data: mappings as :class:`FrozenDict`, lists as tuples.

    Numbers become plain ``int`` or ``float`` (a numpy number too) and text plain ``str``;
    anything else is kept as it is (it must be immutable already).

    Examples
    --------
    >>> frozen = freeze({"low": {"outcomes": {"a": {"duration": 1}}, "rates": [0.03, 0.02]}})
    >>> frozen
    {'low': {'outcomes': {'a': {'duration': 1}}, 'rates': (0.03, 0.02)}}
    >>> type(frozen["low"]["outcomes"]).__name__
    'FrozenDict'
    """
    if isinstance(value, Mapping):
        return FrozenDict({freeze(k): freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value
