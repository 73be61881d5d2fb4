"""UK postcodes: read one, and say whether it lies in a local area of areas and districts.

A UK postcode has two parts: the *outward code* (``M5``, ``SW1A``, ``DN15``), which is the
postcode **district**, and the *inward code* (``4WT``: a sector digit and two unit letters).
The outward code begins with the postcode **area**: one or two letters (``M``, ``SW``,
``DN``). A local area is a list of areas and districts (``["M5", "M6", "M7"]``, or ``["BB",
"LA"]``), and a postcode is local when its area or its district is in the list:

- a district matches itself only: ``M5`` matches ``M5 4WT`` but not ``M50 1AB``, and
  ``SW1`` is not ``SW10``;
- a district that ends in a letter (``SW1A``, ``EC1V``, ``W1T``) is part of the district
  without it (the Royal Mail splits ``SW1`` into ``SW1A``, ``SW1E``, ...), so ``SW1``
  matches ``SW1A 1AA``, but ``SW1A`` does not match ``SW1P 3BU``;
- an area matches every district in it: ``M`` matches ``M5 4WT`` and ``M50 1AB``, but
  not ``ML1 1AA`` (the area ``ML``).

Postcodes are read whatever their case and spacing (``m54wt``, ``M5  4WT``). A full
postcode (``M5 4WT``) or an outward code alone (``M5``, as staff home postcodes are often
given) is accepted; anything else, or an area that is not one of the 124 postcode areas
of the UK, the Channel Islands and the Isle of Man, is a :class:`~sroi.errors.ModelError`.

Examples
--------
>>> p = parse_postcode(" m5 4wt")
>>> p.text, p.area, p.district
('M5 4WT', 'M', 'M5')
>>> area = LocalArea.of(["M5", "M6", "M7"])
>>> area.contains(p), area.contains(parse_postcode("M50 1AB"))
(True, False)
>>> LocalArea.of(["SW1"]).contains(parse_postcode("SW1A 1AA"))
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sroi.errors import ModelError, Problem

__all__ = ["POSTCODE_AREAS", "LocalArea", "Postcode", "parse_local_area", "parse_postcode"]

# fmt: off
POSTCODE_AREAS: frozenset[str] = frozenset(
    (
        "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF",
        "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT",
        "DY", "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG",
        "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L",
        "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN",
        "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S",
        "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA",
        "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR",
        "WS", "WV", "YO", "ZE",
    )
)
# fmt: on
"""The 124 postcode areas: the United Kingdom's 121, Guernsey (GY), Jersey (JE) and the
Isle of Man (IM)."""

# the outward code: an area, a digit, and a digit or a letter; the inward code: a digit and
# two letters, never C, I, K, M, O or V
_OUTWARD = r"(?P<area>[A-Z]{1,2})(?P<rest>[0-9][0-9A-Z]?)"
_INWARD = r"(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2})"
_FULL = re.compile(rf"{_OUTWARD}{_INWARD}")
_OUTWARD_ONLY = re.compile(_OUTWARD)
_AREA_ONLY = re.compile(r"[A-Z]{1,2}")

ALLOWED = "a UK postcode such as 'M5 4WT', or its outward code (district) such as 'M5'"
"""What a postcode may be, in words."""

LOCAL_ALLOWED = "postcode areas ('M', 'BB') or districts ('M5', 'SW1A'), such as ['M5', 'M6']"
"""What a local area may list, in words."""


@dataclass(frozen=True)
class Postcode:
    """A UK postcode, read.

    Attributes
    ----------
    area : str
        The postcode area (``"M"``, ``"SW"``).
    district : str
        The outward code (``"M5"``, ``"SW1A"``).
    inward : str
        The inward code (``"4WT"``), or ``""`` when only the outward code was given.
    """

    area: str
    district: str
    inward: str = ""

    @property
    def text(self) -> str:
        """The postcode written the standard way: ``"M5 4WT"``, or ``"M5"``."""
        return f"{self.district} {self.inward}" if self.inward else self.district


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def parse_postcode(value: object, location: str = "postcode") -> Postcode:
    """A UK postcode (or an outward code alone), whatever its case and spacing.

    Parameters
    ----------
    value : str
        ``"M5 4WT"``, ``"m54wt"``, ``"SW1A 1AA"``, or an outward code (``"M5"``).
    location : str, default "postcode"
        Where the value came from, for the error.

    Returns
    -------
    Postcode

    Raises
    ------
    ModelError
        If ``value`` is not text laid out as a UK postcode, or its area is not one of
        :data:`POSTCODE_AREAS`.

    Examples
    --------
    >>> parse_postcode("sw1a1aa").text
    'SW1A 1AA'
    >>> parse_postcode("M5 4CC")
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 1 problem in the model:
      postcode: is not a UK postcode: the inward code (after the space) is a digit and two \
letters other than C, I, K, M, O and V (got 'M5 4CC')
    """
    if not isinstance(value, str) or not value.strip():
        what = "blank" if isinstance(value, str) or value is None else type(value).__name__
        raise ModelError(
            [Problem(location, f"must be a postcode, not {what}", value, allowed=ALLOWED)]
        )
    text = _squeezed(value)
    match = _FULL.fullmatch(text) or _OUTWARD_ONLY.fullmatch(text)
    if match is None:
        if len(text) >= 5 and _OUTWARD_ONLY.fullmatch(text[:-3]):
            message = (
                "is not a UK postcode: the inward code (after the space) is a digit and two "
                "letters other than C, I, K, M, O and V"
            )
        else:
            message = "is not a UK postcode"
        raise ModelError([Problem(location, message, value, allowed=ALLOWED)])
    area = match["area"]
    if area not in POSTCODE_AREAS:
        raise ModelError(
            [
                Problem(
                    location,
                    f"is not a UK postcode: {area!r} is not a postcode area",
                    value,
                    allowed=ALLOWED,
                )
            ]
        )
    inward = match.groupdict().get("inward") or ""
    return Postcode(area=area, district=area + match["rest"], inward=inward)


@dataclass(frozen=True)
class LocalArea:
    """A local area: postcode areas and districts.

    Build it with :meth:`of` (or :func:`parse_local_area`), which checks every entry.

    Attributes
    ----------
    areas : frozenset of str
        Postcode areas (``"M"``): every postcode in them is local.
    districts : frozenset of str
        Postcode districts (``"M5"``, ``"SW1"``): every postcode in them is local.
    """

    areas: frozenset[str]
    districts: frozenset[str]

    @classmethod
    def of(cls, entries: Iterable[str] | str, location: str = "local_area") -> LocalArea:
        """The local area of a list of areas and districts; see :func:`parse_local_area`."""
        return parse_local_area(entries, location)

    def contains(self, postcode: Postcode) -> bool:
        """Whether ``postcode`` lies in the area (by its area or its district).

        Examples
        --------
        >>> local = LocalArea.of(["M5", "BB"])
        >>> [local.contains(parse_postcode(p)) for p in ("M5 4WT", "M50 1AB", "BB1 1AA")]
        [True, False, True]
        """
        if postcode.area in self.areas or postcode.district in self.districts:
            return True
        # SW1A is part of SW1: a district ending in a letter lies in the one without it
        d = postcode.district
        return d[-1].isalpha() and d[:-1] in self.districts

    def __str__(self) -> str:
        return ", ".join(sorted(self.areas | self.districts))


def parse_local_area(entries: Iterable[str] | str, location: str = "local_area") -> LocalArea:
    """A local area from postcode areas and districts, whatever their case and spacing.

    Parameters
    ----------
    entries : list of str, or str
        Areas (``"M"``) and districts (``"M5"``, ``"SW1A"``); a text is split at commas
        and spaces (``"M5, M6, M7"``).
    location : str, default "local_area"
        Where the entries came from, for the error.

    Returns
    -------
    LocalArea

    Raises
    ------
    ModelError
        Listing every entry that is not an area or a district (a full postcode, an area
        that does not exist), each located at ``local_area[i]``; also for an empty list.

    Examples
    --------
    >>> str(parse_local_area("m5, M6 ,bb"))
    'BB, M5, M6'
    >>> parse_local_area(["M5", "M5 4WT", "QQ"])
    Traceback (most recent call last):
    ...
    sroi.errors.ModelError: 2 problems in the local area:
      local_area[1]: is a full postcode; list postcode areas ('M') or districts ('M5') \
(got 'M5 4WT')
      local_area[2]: is not a postcode area or district: 'QQ' is not a postcode area \
(got 'QQ')
    """
    if isinstance(entries, str):
        items: list[object] = [e for e in re.split(r"[,;\s]+", entries) if e]
    elif isinstance(entries, Iterable):
        items = list(entries)
    else:
        raise ModelError(
            [
                Problem(
                    location,
                    f"must list postcode areas or districts, not {type(entries).__name__}",
                    allowed=LOCAL_ALLOWED,
                )
            ],
            title="the local area",
        )
    problems: list[Problem] = []
    areas: set[str] = set()
    districts: set[str] = set()
    for i, entry in enumerate(items):
        where = f"{location}[{i}]"
        if not isinstance(entry, str) or not entry.strip():
            problems.append(
                Problem(where, "must be a postcode area or district", entry, allowed=LOCAL_ALLOWED)
            )
            continue
        text = _squeezed(entry)
        if _AREA_ONLY.fullmatch(text):
            if text in POSTCODE_AREAS:
                areas.add(text)
            else:
                problems.append(
                    Problem(
                        where,
                        f"is not a postcode area or district: {text!r} is not a postcode area",
                        entry,
                        allowed=LOCAL_ALLOWED,
                    )
                )
            continue
        if _FULL.fullmatch(text) and not _OUTWARD_ONLY.fullmatch(text):
            problems.append(
                Problem(
                    where,
                    "is a full postcode; list postcode areas ('M') or districts ('M5')",
                    entry,
                    allowed=LOCAL_ALLOWED,
                )
            )
            continue
        try:
            postcode = parse_postcode(text, where)
        except ModelError:
            problems.append(
                Problem(where, "is not a postcode area or district", entry, allowed=LOCAL_ALLOWED)
            )
            continue
        districts.add(postcode.district)
    if not items:
        problems.append(
            Problem(location, "lists no postcode area or district", allowed=LOCAL_ALLOWED)
        )
    if problems:
        raise ModelError(problems, title="the local area")
    return LocalArea(frozenset(areas), frozenset(districts))
