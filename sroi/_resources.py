"""Where bundled data files are found.

In an installed wheel the tables live inside the package (``sroi/data/``, placed there by
the build); in a source checkout they live in the top-level ``data/`` folder, which is the
single source of truth. :func:`data_file` hides the difference.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from importlib.abc import Traversable

__all__ = ["data_file"]


def data_file(name: str) -> Traversable:
    """Return the bundled data file ``name`` (e.g. ``"unit_costs.csv"``).

    Raises
    ------
    FileNotFoundError
        If the file is neither inside the installed package nor in the checkout's ``data/``.
    """
    packaged = resources.files("sroi").joinpath("data", name)
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "data" / name
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(f"bundled data file {name!r} not found in the sroi package or data/")
