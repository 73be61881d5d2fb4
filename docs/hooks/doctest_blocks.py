"""An MkDocs hook: ``>>>`` examples written outside a code block are shown as code.

pytest runs every ``>>>`` example of a page whether or not it sits in a fenced code block,
so a page may give its examples bare. Markdown would then run them together as a
paragraph, and read ``[...][-2:]`` as a link. Before a page is converted, each bare example
(its ``>>>`` and ``...`` lines and the output under them, up to a blank line) is put in a
``pycon`` code block; fenced blocks are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

_FENCE = re.compile(r"^\s*(```|~~~)")


def fence_doctests(markdown: str) -> str:
    """The page's text with every bare doctest example in a ``pycon`` code block."""
    out: list[str] = []
    fence: str | None = None  # the fence of the code block we are in, if any
    in_example = False
    for line in markdown.split("\n"):
        if in_example and not line.strip():
            out.append("```")
            in_example = False
        if fence is None and not in_example:
            opened = _FENCE.match(line)
            if opened:
                fence = opened.group(1)
            elif line.startswith(">>>"):
                out.append("```pycon")
                in_example = True
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Fence the page's bare examples (MkDocs calls this before converting a page)."""
    return fence_doctests(markdown)
