"""The YAML loader of :func:`sroi.io.yaml_json.read_yaml` (imported on first use).

PyYAML's safe loader (its events from libyaml when PyYAML has it, as
``yaml.CSafeLoader``), with what a model file needs on top:

- while composing, the nesting and the number of values are counted, and the file is
  refused as soon as one passes its limit (PyYAML's composer recurses once a level);
- before building anything, the values the aliases stand for are counted, and the depth
  they reach, without recursion, so that an "alias bomb" is refused before it is built;
  an alias inside its own anchor (a list that contains itself) is refused too;
- a key is the text written, a key given twice in a mapping is an error, a list or a
  mapping as a key is an error;
- dates stay text; tags that build sets, bytes, dates or ordered pairs are refused;
- a number that cannot be held is an error at its line.
"""

from __future__ import annotations

import math
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from sroi.errors import ModelError, Problem
from sroi.io.limits import Limits, breach

__all__ = ["load"]

_TAG = "tag:yaml.org,2002:"
_REFUSED_TAGS = {
    _TAG + "timestamp": "a date",
    _TAG + "binary": "bytes",
    _TAG + "set": "a set",
    _TAG + "omap": "an ordered mapping",
    _TAG + "pairs": "a list of pairs",
}


_NUMBER = "a number from -1.8e308 to 1.8e308"
_PARSER_DEPTH = 1_000  # libyaml reads no deeper


try:  # libyaml's parser, when PyYAML has it: five times faster than PyYAML's own
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _BASES: tuple[type, ...] = (yaml.SafeLoader,)
else:
    # PyYAML's composer (which counts, below) over libyaml's events, and the safe
    # constructor and resolver: what yaml.CSafeLoader is, but with the composer in Python.
    _BASES = (Composer, _Parser, SafeConstructor, Resolver)


class _Loader(*_BASES):  # type: ignore[misc]
    """The safe loader, counting as it composes; see the module's description."""

    def __init__(self, text: str, where: str, title: str, limits: Limits) -> None:
        if len(_BASES) == 1:  # pragma: no cover - PyYAML built without libyaml
            yaml.SafeLoader.__init__(self, text)
        else:
            _Parser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
        self.where = where
        self.title = title
        self.limits = limits
        self.depth = 0
        self.nodes = 0
        self.checked: set[int] = set()

    # ------------------------------------------------------------------ problems

    def refuse(self, mark: Any, message: str, *value: Any, allowed: str = "") -> ModelError:
        where = f"{self.where} line {mark.line + 1}" if mark is not None else self.where
        return ModelError([Problem(where, message, *value, allowed=allowed)], title=self.title)

    def passed(self, mark: Any, what: str, found: int, name: str) -> ModelError:
        where = f"{self.where} line {mark.line + 1}" if mark is not None else self.where
        problem = breach(where, what, found, name, self.limits, at_least=True)
        return ModelError([problem], title=self.title)

    # ------------------------------------------------------------------ composing

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            return super().compose_node(parent, index)
        self.nodes += 1
        if self.nodes > self.limits.cells:
            raise self.passed(event.start_mark, "holds more values than", self.nodes, "cells")
        nested = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        if nested:
            self.depth += 1
            if self.depth > self.limits.depth:
                what = "nests lists and mappings deeper than"
                raise self.passed(event.start_mark, what, self.depth, "depth")
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self.depth -= 1

    # ------------------------------------------------------------------ constructing

    def check_keys(self, node: MappingNode) -> None:
        """Each key of a mapping a name, and given once (checked before merging ``<<``)."""
        if id(node) in self.checked:
            return
        self.checked.add(id(node))
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _TAG + "merge":
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.refuse(
                    key_node.start_mark,
                    "a key must be a name (text), not a "
                    + ("list" if isinstance(key_node, SequenceNode) else "mapping"),
                    allowed="a name (text) as a key",
                )
            key = key_node.value
            if key in seen:
                raise self.refuse(
                    key_node.start_mark,
                    f"the key {key!r} appears twice in one mapping; one of its values would "
                    "be lost",
                    allowed="each key once in a mapping",
                )
            seen.add(key)

    def flatten_mapping(self, node: MappingNode) -> None:
        self.check_keys(node)
        super().flatten_mapping(node)

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise self.refuse(node.start_mark, f"expected a mapping, found a {node.id}")
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):  # pragma: no cover - check_keys
                raise self.refuse(key_node.start_mark, "a key must be a name (text)")
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_number(self, node: ScalarNode) -> Any:
        builder = (
            SafeConstructor.construct_yaml_int
            if node.tag == _TAG + "int"
            else SafeConstructor.construct_yaml_float
        )
        kind = "whole number" if node.tag == _TAG + "int" else "number"
        text = node.value if isinstance(node, ScalarNode) else ""
        shown = text if len(text) <= 24 else f"{text[:12]}...{text[-6:]}"
        try:
            value = builder(self, node)
        except (ValueError, IndexError, OverflowError):
            digits = sum(c.isdigit() for c in text)
            if node.tag == _TAG + "int" and digits > 300:
                message = (
                    f"the number {shown} has {digits:,} digits, more than can be read; a "
                    "model's numbers are below 1.8e308"
                )
            else:
                message = f"{shown!r} cannot be read as a {kind}"
            raise self.refuse(node.start_mark, message, shown, allowed=_NUMBER) from None
        if isinstance(value, float) and math.isinf(value) and "inf" not in text.lower():
            raise self.refuse(
                node.start_mark,
                f"the number {shown} is too large to hold (over 1.8e308)",
                shown,
                allowed=_NUMBER,
            )
        return value

    def construct_refused(self, node: Node) -> Any:
        raise self.refuse(
            node.start_mark,
            f"the tag {node.tag.replace(_TAG, '!!')} makes {_REFUSED_TAGS[node.tag]}, which a "
            "model file does not hold; write the value as text, a number, a list or a mapping",
            allowed="text, a number, true or false, null, a list or a mapping",
        )


# A key, and a date, is the text written: no implicit dates (2024-13-45 would be an error
# of the date, not of the model), and keys are read from their nodes' text.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TAG + "timestamp"]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(_TAG + "int", _Loader.construct_number)
_Loader.add_constructor(_TAG + "float", _Loader.construct_number)
for _tag in _REFUSED_TAGS:
    _Loader.add_constructor(_tag, _Loader.construct_refused)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _expansion(loader: _Loader, root: Node) -> None:
    """Refuse a document whose aliases expand past the limits, or refer to themselves.

    Each node's size (values, its own included, aliases expanded) and depth are computed
    once, children first, without recursion.
    """
    limits = loader.limits
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            nested = isinstance(node, (MappingNode, SequenceNode))
            depth[key] = nested + max((depth[id(c)] for c in children), default=0)
            entered.discard(key)
            if size[key] > limits.cells:
                what = "holds (its aliases expanded) more values than"
                raise loader.passed(node.start_mark, what, size[key], "cells")
            if depth[key] > limits.depth:
                what = "nests lists and mappings (its aliases expanded) deeper than"
                raise loader.passed(node.start_mark, what, depth[key], "depth")
            continue
        if key in size:
            continue
        if key in entered:
            raise loader.refuse(
                node.start_mark,
                "a list or mapping contains itself (an alias inside its own anchor)",
            )
        entered.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def load(text: str, where: str, title: str, limits: Limits) -> Any:
    """The data of one YAML document, checked against ``limits``.

    Parameters
    ----------
    text : str
        The YAML text.
    where : str
        The file's name in messages.
    title : str
        The title of an error (the file's path).
    limits : Limits
        The limits in force.

    Returns
    -------
    Any
        The document's data; None for an empty document.

    Raises
    ------
    ModelError
        If the text is not valid YAML, or not what a model file may hold; located by line.
    """

    def unreadable(exc: yaml.reader.ReaderError) -> ModelError:
        """A character YAML does not allow, at its line."""
        position = max(exc.position, 0)
        if len(_BASES) > 1:  # libyaml counts bytes of UTF-8
            line = text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1
        else:  # pragma: no cover - PyYAML's reader counts characters
            line = text.count("\n", 0, position) + 1
        return ModelError(
            [Problem(f"{where} line {line}", f"is not valid YAML: {exc.reason}")], title=title
        )

    try:
        loader = _Loader(text, where, title, limits)
    except yaml.reader.ReaderError as exc:  # pragma: no cover - PyYAML's reader checks here
        raise unreadable(exc) from None
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _expansion(loader, root)
        return loader.construct_document(root)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        raise unreadable(exc) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "cannot be read"
        if "maximum nesting depth" in problem:  # libyaml's own limit: 1,000 levels
            what = "nests lists and mappings deeper than"
            if limits.depth < _PARSER_DEPTH:
                raise loader.passed(mark, what, _PARSER_DEPTH + 1, "depth") from None
            raise loader.refuse(
                mark,
                f"nests lists and mappings more than {_PARSER_DEPTH:,} levels deep, "
                "deeper than the YAML parser reads",
            ) from None
        if exc.problem and exc.context:
            problem += f" ({exc.context})"
        raise loader.refuse(mark, f"is not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error is one of the above
        raise ModelError([Problem(where, f"is not valid YAML: {exc}")], title=title) from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
