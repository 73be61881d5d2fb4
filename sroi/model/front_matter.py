"""The front matter of published social accounts: who publishes them, for what period, and
the words around the figures.

A model may carry an optional ``front_matter`` block. The reports (:mod:`sroi.report`)
put it first: the organisation, its logo and the period on the one-page summary, the
introduction after it, each area's narrative at the top of that area's accounts, and
the contact at the end of the summary. Nothing in it changes a figure.

.. code-block:: yaml

    front_matter:
      organisation: Example Homes (an illustration)
      logo: logo.png                  # relative to the model file
      period: April 2025 to March 2026
      introduction: >-
        Our second set of social accounts ...
      narrative:
        Financial inclusion: >-
          Two advisers saw 160 tenants ...
      contact: community@example.org
      prepared_by: Community investment team
      published: 2026-06-30

The logo's file name must end in ``.png``, ``.jpg``, ``.jpeg`` or ``.svg`` (checked when
the model is built); that the file exists and holds such an image is checked when a
report is written (:func:`logo_image`), since a model can be built where the file is not.
A model read from a file (:func:`sroi.read_model`) finds a relative logo path next to the
model file; otherwise relative to the working directory.
"""

from __future__ import annotations

import base64
import datetime as _dt
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BeforeValidator, Field, PrivateAttr, field_validator
from pydantic_core import PydanticCustomError

from sroi.errors import ModelError, Problem, show_names
from sroi.model.fields import Text
from sroi.model.frozen import FrozenDict
from sroi.model.problems import Record

__all__ = ["LOGO_TYPES", "MAX_LOGO_BYTES", "FrontMatter", "logo_image", "narrative_problems"]

LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
"""The logo files the reports embed, by suffix, with their media type."""

MAX_LOGO_BYTES = 2_000_000
"""The largest logo file embedded [bytes]: a logo, not a photograph."""


def _date(value: Any) -> Any:
    """A date as given in YAML (a date), JSON or a cell (``"2026-06-30"`` text)."""
    if value is None or (isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)):
        return value
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError(
        "sroi_value",
        "must be a date written year-month-day, such as 2026-06-30",
        {"allowed": "a date written year-month-day, such as 2026-06-30"},
    )


def _frozen_text(value: Any) -> Any:
    return FrozenDict(value) if isinstance(value, Mapping) else value


class FrontMatter(Record):
    """Who publishes the social accounts, for what period, and the words around them.

    Parameters
    ----------
    organisation : str, optional
        The organisation publishing the accounts.
    logo : str, optional
        Path of its logo: a ``.png``, ``.jpg``/``.jpeg`` or ``.svg`` file, relative to the
        model file when the model is read from one.
    period : str, optional
        The period the accounts cover, in words (``"April 2025 to March 2026"``).
    introduction : str, optional
        The introduction shown after the one-page summary; a blank line starts a new
        paragraph.
    narrative : mapping of str to str, optional
        Words for each area of activity, by the area's name (one the model's inputs,
        outputs or outcomes name), shown at the top of that area's accounts.
    contact : str, optional
        Who to ask about the accounts (a name, an e-mail address, a telephone number).
    prepared_by : str, optional
        Who prepared them.
    published : date, optional
        When they were published (``2026-06-30``).

    Examples
    --------
    >>> fm = FrontMatter(organisation="Example Homes", period="2025/26",
    ...                  narrative={"Advice": "Two advisers saw 160 tenants."})
    >>> fm.organisation, dict(fm.narrative)
    ('Example Homes', {'Advice': 'Two advisers saw 160 tenants.'})
    >>> FrontMatter(logo="logo.gif", contact="")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 2 problems in the model:
      contact: must not be empty (got '')
      logo: must be a .png, .jpg, .jpeg or .svg file (got 'logo.gif')
    """

    organisation: Optional[Text] = Field(None, description="The organisation publishing them.")
    logo: Optional[Text] = Field(
        None,
        description="Path of the organisation's logo (.png, .jpg, .jpeg or .svg), relative "
        "to the model file.",
    )
    period: Optional[Text] = Field(
        None, description="The period the accounts cover: 'April 2025 to March 2026'."
    )
    introduction: str = Field("", description="Shown after the one-page summary.")
    narrative: Annotated[Mapping[str, Text], AfterValidator(_frozen_text)] = Field(
        default_factory=FrozenDict,
        description="Words for each area of activity, by the area's name.",
    )
    contact: Optional[Text] = Field(None, description="Who to ask about the accounts.")
    prepared_by: Optional[Text] = Field(None, description="Who prepared the accounts.")
    published: Annotated[Optional[_dt.date], BeforeValidator(_date)] = Field(
        None, description="When they were published: 2026-06-30."
    )

    _folder: Optional[Path] = PrivateAttr(default=None)

    @field_validator("logo")
    @classmethod
    def _logo_suffix(cls, value: str | None) -> str | None:
        if value is not None and Path(value).suffix.lower() not in LOGO_TYPES:
            raise PydanticCustomError(
                "sroi_value",
                "must be a .png, .jpg, .jpeg or .svg file",
                {"allowed": "the path of a .png, .jpg, .jpeg or .svg file"},
            )
        return value

    # A logo's folder is where the model was read from, not part of what the model says:
    # two models that say the same are equal wherever they were read.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FrontMatter):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))

    def located(self, folder: str | Path | None) -> FrontMatter:
        """The same front matter, with a relative logo path found in ``folder``."""
        copy = self.model_copy()
        copy._folder = None if folder is None else Path(folder)
        return copy

    @property
    def logo_path(self) -> Path | None:
        """Where the logo file is: ``logo`` as given, in the model file's folder when the
        model was read from a file and the path is relative."""
        if self.logo is None:
            return None
        path = Path(self.logo).expanduser()
        if self._folder is not None and not path.is_absolute():
            return self._folder / path
        return path


def narrative_problems(data: Mapping[str, Any]) -> list[Problem]:
    """A narrative for an area the model does not have, located at ``front_matter.narrative``.

    Run with a model's own checks (on its data as given), so that these problems are
    reported with every other problem of the model.
    """
    block = data.get("front_matter")
    narrative = (
        block.get("narrative") if isinstance(block, Mapping) else getattr(block, "narrative", None)
    )
    if not isinstance(narrative, Mapping) or not narrative:
        return []
    areas: dict[str, None] = {}
    for field in ("inputs", "outputs", "outcomes"):
        items = data.get(field)
        if not isinstance(items, (list, tuple)):
            continue
        for item in items:
            area = item.get("area") if isinstance(item, Mapping) else getattr(item, "area", None)
            if isinstance(area, str) and area.strip():
                areas.setdefault(area.strip(), None)
    problems = []
    for name in narrative:
        if isinstance(name, str) and name.strip() in areas:
            continue
        if areas:
            message = "is not one of the model's areas: " + show_names(list(areas))
            allowed = "one of the areas: " + show_names(list(areas))
        else:
            message = (
                "names an area, but no input, output or outcome names an area; put the words "
                "in front_matter.introduction"
            )
            allowed = "an area named by an input, output or outcome"
        problems.append(Problem(f"front_matter.narrative.{name}", message, name, allowed=allowed))
    return problems


def logo_image(front_matter: FrontMatter) -> dict[str, str] | None:
    """The logo read and checked, for a report: its data URI, media type and path as given.

    Returns
    -------
    dict or None
        ``{"src": "data:image/png;base64,...", "type": "image/png", "path": <as given>}``;
        None when the front matter names no logo.

    Raises
    ------
    ModelError
        Located at ``front_matter.logo``: when the file does not exist, is not a file, is
        larger than :data:`MAX_LOGO_BYTES`, or does not hold an image of the type its
        name says (PNG, JPEG or SVG).
    """
    path = front_matter.logo_path
    if path is None:
        return None
    given = front_matter.logo

    def refuse(message: str, allowed: str = "a PNG, JPEG or SVG file") -> ModelError:
        return ModelError(
            [Problem("front_matter.logo", message, given, allowed=allowed)],
            title="the front matter of the report",
        )

    if not path.is_file():
        where = f" (looked for {path})" if str(path) != given else ""
        raise refuse(f"there is no such file{where}")
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise refuse(
            f"is {size:,} bytes; a logo may be at most {MAX_LOGO_BYTES:,}",
            allowed=f"an image file of at most {MAX_LOGO_BYTES:,} bytes",
        )
    content = path.read_bytes()
    media = LOGO_TYPES[path.suffix.lower()]
    if media == "image/png":
        ok = content.startswith(b"\x89PNG\r\n\x1a\n")
    elif media == "image/jpeg":
        ok = content.startswith(b"\xff\xd8\xff")
    else:
        head = content[:4096].decode("utf-8", "replace").lower()
        ok = "<svg" in head
    if not ok:
        kind = {"image/png": "PNG", "image/jpeg": "JPEG", "image/svg+xml": "SVG"}[media]
        raise refuse(f"is named as a {kind} image but does not hold one")
    encoded = base64.b64encode(content).decode("ascii")
    return {"src": f"data:{media};base64,{encoded}", "type": media, "path": given}
