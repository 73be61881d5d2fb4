"""A Griffe extension for the API reference: Sphinx markup in docstrings, read as Markdown.

The package's numpy-style docstrings use a little reStructuredText: roles such as
``:func:`sroi.evaluate``` and citations written ``.. [1] Author (year) ...`` in their
References sections. mkdocstrings renders Markdown, so without this the roles and the dots
would show as typed. Each role becomes inline code (``~`` dropped, as Sphinx shows it) and
each citation a numbered line. ``mkdocs.yml`` names this file under the Python handler's
``extensions``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|exc|obj|const|ref|term):`~?([^`]+)`")
_CITATION = re.compile(r"^(\s*)\.\. \[(\d+)\]", flags=re.MULTILINE)


def markdown(text: str) -> str:
    """A docstring's text with its Sphinx roles and citations written as Markdown."""
    return _CITATION.sub(r"\1[\2]", _ROLE.sub(r"`\1`", text))


class SphinxToMarkdown(griffe.Extension):
    """Rewrite every loaded object's docstring before it is parsed."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
