"""Tables of text for the summaries of the commissioning results."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["aligned"]


def aligned(first: str, table: pd.DataFrame, indent: str = "") -> list[str]:
    """A table of text as lines: its index (headed ``first``) on the left, left-aligned,
    then its columns, right-aligned, two spaces apart.

    Examples
    --------
    >>> import pandas as pd
    >>> print("\\n".join(aligned("bid", pd.DataFrame({"score": ["90.00", "8.20"]},
    ...                                               index=["Acorn", "B"]))))
    bid    score
    Acorn  90.00
    B       8.20
    """
    head = [first, *map(str, table.columns)]
    rows = [[str(i), *map(str, r)] for i, r in zip(table.index, table.to_numpy(), strict=True)]
    widths = [max(len(r[k]) for r in [head, *rows]) for k in range(len(head))]

    def line(cells: list[str]) -> str:
        out = [cells[0].ljust(widths[0])]
        out += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return (indent + "  ".join(out)).rstrip()

    return [line(head), *map(line, rows)]
