"""Local spend and the Local Multiplier 3 (LM3) of the New Economics Foundation.

LM3 follows a contract's money through three rounds of spending in a local area:

- **round 1** (R1): the income that comes in (the contract's value, or a year of it);
- **round 2** (R2): what the organisation spends of it locally: the wages of staff who live
  in the area and payments to suppliers based there;
- **round 3** (R3): what those local staff and suppliers re-spend locally in turn, from a
  survey of them (the share of their income each re-spends in the area).

::

    LM3 = (R1 + R2 + R3) / R1

An LM3 of 1.57 means each £1 of income generates £1.57 for the local economy over the
three rounds; 1 would mean none of it was spent locally. LM3 stops after three rounds,
which hold most of the effect and are as far as a survey can follow the money.

The spend table holds one row per payment (or per payee): ``payee``, ``amount`` [money],
``postcode`` (where a supplier is based, or where a member of staff lives) and ``kind``
(``staff`` or ``supplier``). The local area is a list of postcode areas and districts, read
as :mod:`sroi.commissioning.postcodes` says (``M5`` is not ``M50``). The local share of
spend is R2 over everything in the table. With a lookup from postcode to deprivation decile
(of the English Indices of Deprivation, say: 1 the most deprived tenth of
neighbourhoods), spend is also given by decile.

References
----------
.. [1] J. Sacks (2002). *The Money Trail: Measuring your impact on the local economy using
   LM3*. New Economics Foundation and the Countryside Agency, London.
.. [2] New Economics Foundation. *Plugging the Leaks: making the most of every pound that
   enters your local economy* (the LM3 method for public sector spending).
"""

from __future__ import annotations

import html
import math
import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sroi.commissioning._display import aligned
from sroi.commissioning._tables import (
    Row,
    as_number,
    blank,
    number_cell,
    read_table,
    text_cell,
)
from sroi.commissioning.postcodes import ALLOWED as POSTCODE_ALLOWED
from sroi.commissioning.postcodes import LocalArea, Postcode, parse_local_area, parse_postcode
from sroi.errors import ModelError, Problem, SROIWarning, show_value
from sroi.formatting import money, percent

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["KINDS", "LocalMultiplier", "local_multiplier"]

KINDS: tuple[str, ...] = ("staff", "supplier")
"""The kinds of payee in a spend table."""

NOT_IN_LOOKUP = "(not in lookup)"
"""The decile of spend whose postcode the deprivation lookup does not hold."""

_TITLE = "the spend table"


@dataclass(frozen=True, eq=False)
class LocalMultiplier:
    """The local spend of a contract and its Local Multiplier 3.

    Attributes
    ----------
    r1 : float
        Round 1: the income [money].
    r2 : float
        Round 2: spend with local staff and suppliers [money].
    r3 : float
        Round 3: what local staff and suppliers re-spend locally [money].
    total_spend : float
        Everything in the spend table [money].
    local_area : LocalArea
        The areas and districts counted as local.
    rows : pandas.DataFrame
        One row per row of the spend table: ``payee``, ``kind``, ``amount``, ``postcode``
        (written the standard way), ``district``, ``area``, ``local`` (bool), ``respend``
        (the share re-spent locally, for a local payee) [fraction] and ``local_respend``
        [money]; with a deprivation lookup, ``decile`` too.
    currency : str
        The currency of every amount (for display).
    """

    r1: float
    r2: float
    r3: float
    total_spend: float
    local_area: LocalArea
    rows: pd.DataFrame = field(repr=False)
    currency: str = "GBP"

    @property
    def lm3(self) -> float:
        """The Local Multiplier 3: ``(r1 + r2 + r3) / r1`` [ratio, >= 1]."""
        return (self.r1 + self.r2 + self.r3) / self.r1

    @property
    def local_share(self) -> float | None:
        """The share of spend that is local: ``r2 / total_spend`` [fraction, 0-1]; None when
        the table spends nothing."""
        return self.r2 / self.total_spend if self.total_spend > 0 else None

    @property
    def by_kind(self) -> pd.DataFrame:
        """Spend by kind of payee (``staff``, ``supplier``): ``spend``, ``local_spend``,
        ``local_share`` (NaN for a kind with no spend) and ``local_respend`` [money]."""
        return self._by("kind", list(KINDS))

    @property
    def by_payee(self) -> pd.DataFrame:
        """Spend by payee, largest first: ``kind``, ``spend``, ``local_spend``,
        ``local_share`` and ``local_respend``."""
        table = self._by("payee", None)
        kinds = self.rows.groupby("payee", sort=False)["kind"].first()
        table.insert(1, "kind", table["payee"].map(kinds))
        return table.sort_values("spend", ascending=False, kind="stable").reset_index(drop=True)

    @property
    def by_decile(self) -> pd.DataFrame | None:
        """Spend by deprivation decile of the payee's postcode (1 the most deprived), with
        :data:`NOT_IN_LOOKUP` for postcodes the lookup does not hold: ``spend``,
        ``local_spend``, ``share_of_spend`` [fraction]; None without a lookup."""
        if "decile" not in self.rows.columns:
            return None
        found = sorted({d for d in self.rows["decile"] if isinstance(d, int)})
        order = [*found, *([NOT_IN_LOOKUP] if (self.rows["decile"] == NOT_IN_LOOKUP).any() else [])]
        table = self._by("decile", order)
        total = self.total_spend
        table["share_of_spend"] = table["spend"] / total if total > 0 else float("nan")
        return table[["decile", "spend", "local_spend", "share_of_spend"]]

    def _by(self, column: str, order: list[Any] | None) -> pd.DataFrame:
        import pandas as pd

        rows = self.rows
        keys = order if order is not None else list(dict.fromkeys(rows[column]))
        out = []
        for key in keys:
            part = rows[rows[column] == key]
            spend = math.fsum(part["amount"])
            local = math.fsum(part.loc[part["local"], "amount"])
            out.append(
                {
                    column: key,
                    "spend": spend,
                    "local_spend": local,
                    "local_share": local / spend if spend > 0 else float("nan"),
                    "local_respend": math.fsum(part["local_respend"]),
                }
            )
        return pd.DataFrame(
            out, columns=[column, "spend", "local_spend", "local_share", "local_respend"]
        )

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        return {
            "r1": self.r1,
            "r2": self.r2,
            "r3": self.r3,
            "lm3": self.lm3,
            "total_spend": self.total_spend,
            "local_share": self.local_share,
            "local_area": str(self.local_area),
            "by_kind": self.by_kind.to_dict("records"),
        }

    def _lines(self) -> list[tuple[str, str]]:
        cur = self.currency
        return [
            ("Local area", str(self.local_area)),
            ("Round 1: income", money(self.r1, cur)),
            ("Round 2: spent locally", money(self.r2, cur)),
            ("Round 3: re-spent locally", money(self.r3, cur)),
            ("LM3 = (R1 + R2 + R3) / R1", f"{self.lm3:.2f}"),
            ("Spend in the table", money(self.total_spend, cur)),
            ("Local share of spend", percent(self.local_share) or "none (no spend)"),
        ]

    def summary(self) -> str:
        """The figures, and the spend by kind (and by decile), as text."""
        import pandas as pd

        cur = self.currency
        lines = self._lines()
        width = max(len(k) for k, _ in lines)
        out = ["Local Multiplier 3", *(f"  {k:<{width}}  {v}" for k, v in lines)]
        kinds = self.by_kind.set_index("kind")
        shown = pd.DataFrame(
            {
                "spend": kinds["spend"].map(lambda x: money(x, cur, 0)),
                "local spend": kinds["local_spend"].map(lambda x: money(x, cur, 0)),
                "local share": kinds["local_share"].map(percent),
                "re-spent locally": kinds["local_respend"].map(lambda x: money(x, cur, 0)),
            }
        )
        out += ["", "By kind of payee", *aligned("kind", shown, "  ")]
        deciles = self.by_decile
        if deciles is not None:
            table = deciles.set_index("decile")
            shown = pd.DataFrame(
                {
                    "spend": table["spend"].map(lambda x: money(x, cur, 0)),
                    "local spend": table["local_spend"].map(lambda x: money(x, cur, 0)),
                    "share of spend": table["share_of_spend"].map(percent),
                }
            )
            out += [
                "",
                "By deprivation decile of the payee's postcode (1 = most deprived)",
                *aligned("decile", shown, "  "),
            ]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"<LocalMultiplier: LM3 {self.lm3:.2f}, local share "
            f"{percent(self.local_share) or 'none'}>"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:right'>{html.escape(v)}</td></tr>"
            for k, v in self._lines()
        )
        kinds = self.by_kind.to_html(index=False, float_format=lambda x: f"{x:,.2f}")
        return (
            f"<div class='sroi-lm3'><h4>Local Multiplier 3</h4><table>{rows}</table>"
            f"<h5>By kind of payee</h5>{kinds}</div>"
        )


# --------------------------------------------------------------------------------------
# Reading the arguments


def _as_source(spend: Any) -> Any:
    """A mapping of columns or a list of rows as a DataFrame; anything else as given."""
    rows = isinstance(spend, list) and spend and isinstance(spend[0], Mapping)
    if isinstance(spend, Mapping) or rows:
        import pandas as pd

        return pd.DataFrame(spend)
    return spend


def _share(value: Any, where: str, problems: list[Problem]) -> float | None:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    share = float(value) if ok else math.nan
    if not (math.isfinite(share) and 0 <= share <= 1):
        problems.append(
            Problem(
                where,
                "must be a share from 0 to 1 (0.3 for 30 %)",
                value,
                allowed="a number from 0 to 1",
            )
        )
        return None
    return share


def _respend(respend: Any, payees: set[str], problems: list[Problem]) -> dict[str, float]:
    """The re-spend shares by kind and by payee (one share for all: every kind)."""
    if isinstance(respend, Mapping):
        out = {}
        for key, value in respend.items():
            where = f"respend[{show_value(key)}]"
            if key not in KINDS and key not in payees:
                problems.append(
                    Problem(
                        where,
                        "is neither a kind of payee (staff, supplier) nor a payee in the "
                        "spend table",
                        key,
                        allowed="staff, supplier, or a payee's name",
                    )
                )
                continue
            share = _share(value, where, problems)
            if share is not None:
                out[key] = share
        return out
    share = _share(respend, "respend", problems)
    return {} if share is None else dict.fromkeys(KINDS, share)


def _lookup(deciles: Any, problems: list[Problem]) -> dict[str, int]:
    """Postcode (or district) -> deprivation decile, keys written the standard way."""
    out: dict[str, int] = {}
    items: list[tuple[str, str, Any, Any]]
    if isinstance(deciles, Mapping) and not {"postcode", "decile"} <= set(deciles):
        items = [
            (f"deciles[{show_value(k)}]", f"deciles[{show_value(k)}]", k, v)
            for k, v in deciles.items()
        ]
    else:
        table = read_table(
            _as_source(deciles),
            "deciles",
            required=("postcode", "decile"),
            title="the deprivation lookup",
        )
        items = [
            (r.at("postcode"), r.at("decile"), r.cells.get("postcode"), r.cells.get("decile"))
            for r in table.rows
        ]
    for at_code, at_decile, code, decile in items:
        try:
            key = parse_postcode(code, at_code).text
        except ModelError as exc:
            problems += exc.problems
            continue
        number = as_number(decile)
        if number is None or not number.is_integer() or not 1 <= number <= 10:
            problems.append(
                Problem(
                    at_decile,
                    "must be a decile: a whole number from 1 (most deprived) to 10",
                    decile,
                    allowed="a whole number from 1 to 10",
                )
            )
            continue
        out[key] = int(number)
    return out


def local_multiplier(
    spend: Any,
    *,
    income: float,
    local_area: Any,
    respend: float | Mapping[str, float],
    deciles: Any = None,
    currency: str = "GBP",
) -> LocalMultiplier:
    """The local share of a contract's spend, and its Local Multiplier 3 (LM3).

    Parameters
    ----------
    spend : str, path-like, pandas.DataFrame, or mapping
        The spend table: a CSV file, a DataFrame, a mapping of columns or a list of rows,
        with the columns ``payee``, ``amount`` [money, >= 0], ``postcode`` (a UK postcode,
        or its outward code) and ``kind`` (``staff`` or ``supplier``). Postcodes are read
        whatever their case and spacing; amounts may be written ``1,250.50``.
    income : float
        Round 1: the income whose spending is followed, such as the contract's value
        [money, > 0].
    local_area : list of str, or str
        Postcode areas (``"M"``) and districts (``"M5"``) that count as local;
        ``"M5,M6,M7"`` is read as a list.
    respend : float or mapping
        The share of their income local payees re-spend locally [fraction, 0-1]: one for
        all, or by kind and by payee (``{"staff": 0.5, "supplier": 0.3, "Smith & Co":
        0.6}``; a payee's own share wins over its kind's). Every local payee needs one.
    deciles : str, path-like, pandas.DataFrame or mapping, optional
        A lookup from postcode to deprivation decile (1 the most deprived, 10 the least):
        a table with the columns ``postcode`` and ``decile``, or a mapping. A key may be a
        full postcode or a district (for every postcode in it not listed itself).
    currency : str, default "GBP"
        The currency of the amounts, for display.

    Returns
    -------
    LocalMultiplier
        ``.lm3``, ``.local_share``, ``.r1``, ``.r2``, ``.r3``, ``.by_kind``, ``.by_payee``
        and, with ``deciles``, ``.by_decile``.

    Raises
    ------
    ModelError
        Listing every problem at once, each located in the table (``spend.csv, row 7,
        column postcode``) or at the argument (``respend['staf']``): a missing or unknown
        column, a blank or bad cell (a postcode that is not one, an amount that is not a
        number or is negative, a kind other than staff or supplier), a local payee
        without a re-spend share, a bad local area, income or lookup.

    Warns
    -----
    SROIWarning
        When the table spends more than the income (round 2 is then not all from it).

    Examples
    --------
    Income £100,000; £25,000 to local staff and £15,000 to local suppliers (R2 =
    £40,000); staff re-spend 50 % locally and suppliers 30 % (R3 = £12,500 + £4,500 =
    £17,000):

    >>> import pandas as pd, sroi
    >>> spend = pd.DataFrame({
    ...     "payee": ["Care staff", "Print shop", "National wholesaler"],
    ...     "amount": [25_000, 15_000, 30_000],
    ...     "postcode": ["M5 4WT", "m6 5fx", "LS1 4DY"],
    ...     "kind": ["staff", "supplier", "supplier"]})
    >>> lm3 = sroi.local_multiplier(spend, income=100_000, local_area=["M5", "M6", "M7"],
    ...                             respend={"staff": 0.5, "supplier": 0.3})
    >>> lm3.r2, lm3.r3, round(lm3.lm3, 2), round(lm3.local_share, 4)
    (40000.0, 17000.0, 1.57, 0.5714)
    """
    import pandas as pd

    problems: list[Problem] = []
    r1 = None
    if isinstance(income, bool) or not isinstance(income, numbers.Real):
        problems.append(
            Problem("income", "must be a number", show_value(income), allowed="money, > 0")
        )
    elif not (math.isfinite(float(income)) and float(income) > 0):
        problems.append(
            Problem("income", "must be more than 0 (it divides LM3)", income, allowed="money, > 0")
        )
    else:
        r1 = float(income)
    area: LocalArea | None = None
    try:
        area = parse_local_area(local_area)
    except ModelError as exc:
        problems += exc.problems
    table = read_table(
        _as_source(spend),
        "spend",
        required=("payee", "amount", "postcode", "kind"),
        title=_TITLE,
    )
    records: list[tuple[Row, str, float, Postcode, str]] = []
    for row in table.rows:
        found = len(problems)
        payee = text_cell(row, "payee", problems)
        amount = number_cell(row, "amount", problems, minimum=0, what="an amount of money")
        code: Postcode | None = None
        given = row.cells.get("postcode")
        if blank(given):
            problems.append(
                Problem(row.at("postcode"), "is blank; give the payee's postcode", kind="missing")
            )
        else:
            try:
                code = parse_postcode(
                    given if isinstance(given, str) else str(given), row.at("postcode")
                )
            except ModelError as exc:
                problems.append(
                    Problem(
                        row.at("postcode"),
                        exc.problems[0].message,
                        given,
                        allowed=POSTCODE_ALLOWED,
                    )
                )
        kind = text_cell(row, "kind", problems).lower()
        if kind and kind not in KINDS:
            problems.append(
                Problem(
                    row.at("kind"), "must be staff or supplier", kind, allowed="staff, supplier"
                )
            )
        if len(problems) == found:
            records.append((row, payee, amount, code, kind))  # type: ignore[arg-type]
    shares = _respend(respend, {r[1] for r in records}, problems)
    lookup = _lookup(deciles, problems) if deciles is not None else None
    if problems or r1 is None or area is None:
        raise ModelError(problems, title=_TITLE)
    out = []
    for row, payee, amount, code, kind in records:
        local = area.contains(code)
        share = shares.get(payee, shares.get(kind))
        if local and share is None:
            problems.append(
                Problem(
                    row.at("payee"),
                    f"is local ({code.text}), but respend gives no share for this payee or "
                    f"for its kind ({kind})",
                    payee,
                    allowed="a re-spend share for the payee or its kind",
                    kind="missing",
                )
            )
            continue
        record = {
            "payee": payee,
            "kind": kind,
            "amount": amount,
            "postcode": code.text,
            "district": code.district,
            "area": code.area,
            "local": local,
            "respend": share if local else float("nan"),
            "local_respend": amount * share if local else 0.0,
        }
        if lookup is not None:
            record["decile"] = lookup.get(code.text, lookup.get(code.district, NOT_IN_LOOKUP))
        out.append(record)
    if problems:
        raise ModelError(problems, title=_TITLE)
    columns = [
        "payee",
        "kind",
        "amount",
        "postcode",
        "district",
        "area",
        "local",
        "respend",
        "local_respend",
    ]
    if lookup is not None:
        columns.append("decile")
    rows = pd.DataFrame(out, columns=columns)
    rows["local"] = rows["local"].astype(bool)
    # sums rounded once (fsum), so that a part never exceeds the whole it is part of
    total = math.fsum(rows["amount"])
    r2 = math.fsum(rows.loc[rows["local"], "amount"])
    r3 = math.fsum(rows["local_respend"])
    if total > r1:
        warnings.warn(
            SROIWarning(
                f"the table spends {money(total, currency)}, more than the income of "
                f"{money(r1, currency)}: check that it holds only this income's spending",
                location="spend",
            ),
            stacklevel=2,
        )
    return LocalMultiplier(
        r1=r1, r2=r2, r3=r3, total_spend=total, local_area=area, rows=rows, currency=currency
    )
