"""Build ``data/unit_costs.csv``, the bundled proxy table, from its sources.

Run from the repository root (``make data`` does)::

    python data/sources/build_unit_costs.py            # write data/unit_costs.csv
    python data/sources/build_unit_costs.py --check    # exit 1 if the file is not what it makes

Inputs, all in this folder and all committed:

- ``unit_cost_database_v1.4.xlsx``: the New Economy (Manchester, now GMCA) Unit Cost
  Database v1.4, March 2015, licensed CC BY 4.0 (its 'Introduction' sheet). Every cost line
  with a value becomes a row, one per value type (fiscal, economic, social).
- ``other_sources.csv``: the hand-curated rows from other open sources (Home Office crime
  costs, NHS reference costs, DESNZ carbon values, WELLBY, QALY, value of a prevented
  fatality, volunteering, loneliness) and the four UCD v1.2 quotations that no v1.4 line
  replaces. They are carried over unchanged; only ``data_age`` is computed for them.
- ``ucd_v1_2_replaced.csv``: each UCD v1.2 row of earlier releases that a v1.4 line
  replaces, with the id of that line. It fills the ``replaces`` column, through which the
  old ids keep working (:meth:`sroi.proxies.ProxyTable.get`).

The script needs only the standard library and openpyxl. It reads the workbook twice: once
for the cells as typed (a value typed as a formula such as ``=3308/40`` is worked out here,
by :func:`_formula_value`) and once for the values Excel saved, which every worked-out
value must equal. Everything it cannot place (a unit form, a bearer, a cost code or a
price year it does not know, a value that is neither a number nor a simple formula) stops
the build with a message saying where; nothing is dropped without a rule below saying so.

The rules, each a table below and each documented in ``data/README.md``:

- **ids**: ``ucd_`` + the cost code in lower case with ``&`` dropped and ``.`` as ``_`` +
  the value type: CR8.4's social value is ``ucd_cr8_4_social``.
- **units**: :data:`UNIT_FORMS` maps each unit form of the workbook to a pint unit of the
  library's registry; :data:`UNIT_BY_CODE` reads a line's unit from its description where
  the form is loose (``Each``, ``Per incident`` for an A&E attendance).
- **bearers**: :data:`AGENCIES` spells each agency of column F one way; column G is kept as
  ``bearer_detail``. Economic and social values have no agency in the workbook (its columns
  F and G are for fiscal values only), so :func:`_bearer` names who gains them.
- **bearer splits**: a line whose constituent lines (its code plus one more level) add up
  to it and fall to more than one agency gets those agencies' shares (:func:`_split`).
- **transfers**: :data:`TRANSFERS` and :func:`_transfer_share` mark the transfer payments.
- **data age**: :func:`data_age`, the workbook's own rule for the age of a price year.
- **Marmot objectives**: :func:`marmot_objective`, by sheet, outcome detail and words of
  the description.

References
----------
.. [1] New Economy (2015). *Unit Cost Database* v1.4, March 2015. Manchester: New Economy
   (now Greater Manchester Combined Authority). Licensed under the Creative Commons
   Attribution 4.0 International License, https://creativecommons.org/licenses/by/4.0/.
.. [2] M. Marmot et al. (2010). *Fair Society, Healthy Lives: The Marmot Review* (the six
   policy objectives).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import operator
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sroi.proxies.catalogue import COLUMNS  # the columns of the table, in order

HERE = Path(__file__).resolve().parent
WORKBOOK = HERE / "unit_cost_database_v1.4.xlsx"
OTHER_SOURCES = HERE / "other_sources.csv"
REPLACED = HERE / "ucd_v1_2_replaced.csv"
OUTPUT = HERE.parent / "unit_costs.csv"

#: The thematic sheets, in workbook order: sheet -> (category, cost-code prefix).
SHEETS: dict[str, tuple[str, str]] = {
    "Crime": ("crime", "CR"),
    "Education & Skills": ("education", "E&S"),
    "Employment & Economy": ("employment", "E&E"),
    "Fire": ("community", "FI"),
    "Health": ("health", "HE"),
    "Housing": ("housing", "HO"),
    "Social Services": ("social_care", "SS"),
}

#: The header every thematic sheet has in row 2 (and row 1 for A-E, Q-S), by column.
HEADER = {
    "A1": "Outcome category",
    "B1": "Outcome detail",
    "C1": "Cost code",
    "D1": "Cost / saving detail",
    "E1": "Unit",
    "F2": "Level 1",
    "G2": "Level 2",
    "H2": "Estimated cost/saving",
    "I2": "Year",
    "K2": "Estimated cost/saving",
    "L2": "Year",
    "N2": "Estimated cost/saving",
    "O2": "Year",
    "Q1": "Original source",
    "R1": "RAG assessment",
    "S1": "Comment",
}

#: Value type -> (value column, price-year column, column of the saved uprated value).
VALUE_COLUMNS = {
    "fiscal": ("H", "I", "J"),
    "economic": ("K", "L", "M"),
    "social": ("N", "O", "P"),
}

LICENCE = (
    "CC BY 4.0: New Economy (now GMCA), Unit Cost Database v1.4 (March 2015); adapted by "
    "sroi (one row per value type, units mapped to pint units, columns added)"
)

#: The workbook's RAG assessment -> the ``confidence`` column.
RAG = {"G": "RAG G (high)", "A": "RAG A (medium)", "R": "RAG R (low)"}

# --------------------------------------------------------------------------------------
# Units

_PERSON_YEAR = "GBP / person / year"

#: Each unit form of the workbook (column E, spaces trimmed) -> (pint unit, how it is read).
#: ``None`` as the unit means the form is too loose to read alone: every line with it must
#: be in :data:`UNIT_BY_CODE`.
UNIT_FORMS: dict[str, tuple[str | None, str]] = {
    "Per incident": ("GBP / incident", ""),
    "Per week": ("GBP / person / week", "the name says who the person is"),
    "Per person per year": (_PERSON_YEAR, ""),
    "Per hour": ("GBP / hour", "a rate per hour: count the quantity in hours"),
    "Per year": (_PERSON_YEAR, "the name says who the person is"),
    "Per event": ("GBP / case", "one court event for one person (a case)"),
    "Each": (None, ""),
    "Per bed day": ("GBP / bed_day", ""),
    "Per attendance": ("GBP / attendance", ""),
    "Per child over a ten year period": (
        "GBP / person",
        "one amount per child over ten years: value it once (duration 1), not each year",
    ),
    "Per claim": ("GBP / claim", ""),
    "Per claimant per year": (_PERSON_YEAR, "a claimant is a person"),
    "Per session": ("GBP / session", ""),
    "Per process": ("GBP / case", "one case-management process (a case)"),
    "Per day": ("GBP / person / day", "the name says who the person is"),
    "Per action": ("GBP / incident", "one action taken on one incident"),
    "Per customer": ("GBP / person", "a customer is a person; a one-off amount"),
    "Per consultation": ("GBP / consultation", ""),
    "Per episode": ("GBP / episode", ""),
    "Per person": ("GBP / person", "a one-off amount per person"),
    "Per month": ("GBP / person / month", "the name says who the person is"),
    "Per application": ("GBP / application", ""),
    "Per child over a 25 year period": (
        "GBP / person",
        "one amount per child over 25 years: value it once (duration 1), not each year",
    ),
    "Per visit": ("GBP / visit", ""),
    "Per service user contact": ("GBP / contact", ""),
    "Per case": ("GBP / case", ""),
    "Per FTE": (_PERSON_YEAR, "the yearly cost of one full-time-equivalent post"),
    "Per course": ("GBP / course", ""),
    "Per user": ("GBP / person", "a service user is a person; a one-off amount"),
    "Per admission": ("GBP / admission", ""),
    "Per scheme": ("GBP / case", "one case helped through the scheme"),
    "Per contact": ("GBP / contact", ""),
    "Per participant": ("GBP / person", "a participant is a person; a one-off amount"),
    "Per child per year": (_PERSON_YEAR, "a child is a person"),
    "Per claimant": ("GBP / person", "a claimant is a person; a one-off amount"),
    "Lifetime": ("GBP / person", "one amount over the person's lifetime: value it once"),
    "Per client per week": ("GBP / person / week", "a client is a person"),
    "Per child": ("GBP / person", "a child is a person; a one-off amount"),
}

_CODES_A_AND_E = [f"HE{a}.{b}" for a in (4, 5, 6) for b in range(3)]

#: Lines whose unit is read from the description, not from the unit form alone:
#: cost code -> (pint unit, why).
UNIT_BY_CODE: dict[str, tuple[str, str]] = {
    # Each
    "CR1.3": ("GBP / case", "one Acceptable Behaviour Contract (a case)"),
    **{
        code: ("GBP / assessment", "one child protection core assessment")
        for code in ("SS4.0", "SS4.0.1", "SS4.0.2")
    },
    **{
        code: ("GBP / application", "one application for a care order")
        for code in ("SS4.1", "SS4.1.1", "SS4.1.2", "SS4.1.3", "SS4.1.4")
    },
    **{
        code: ("GBP / assessment", "one Common Assessment Framework (CAF) assessment")
        for code in ("SS6.0", "SS6.0.1", "SS6.0.2", "SS6.0.3", "SS6.0.4", "SS6.0.6")
    },
    **{
        code: ("GBP / dwelling", "one adaptation fitted in one home")
        for code in ("SS11.10", "SS11.11", "SS11.12", "SS11.13", "SS11.14")
    },
    # Per incident, where the description names what is counted
    **{code: ("GBP / attendance", "one A&E attendance") for code in _CODES_A_AND_E},
    **{
        code: ("GBP / admission", "one hospital admission")
        for code in (
            *(f"HE7.1{s}" for s in ("", ".1", ".2", ".3", ".4", ".5", ".6")),
            *(f"HE7.11{s}" for s in ("", ".1", ".2", ".3", ".4")),
        )
    },
    "HE7.7": ("GBP / contact", "one contact with a specialist nurse"),
    "HE8.2": ("GBP / attendance", "one outpatient attendance"),
    "SS6.1": ("GBP / contact", "one initial contact"),
    "SS6.3": ("GBP / assessment", "one initial assessment"),
    "SS6.4": ("GBP / assessment", "one core assessment"),
    # Per admission / per attendance / per day / per person / per process / per scheme
    "HE8.0": ("GBP / attendance", "the description says per attendance"),
    "HE8.1": ("GBP / attendance", "one outpatient procedure attendance"),
    "HE16.0": ("GBP / contact", "the description says per contact"),
    "HE16.1": ("GBP / contact", "the description says per contact"),
    "HE1.7": ("GBP / bed_day", "a day of inpatient detoxification"),
    "HE2.10": ("GBP / bed_day", "a day of inpatient detoxification"),
    **{
        code: ("GBP / bed_day", "the description says per bed day")
        for code in ("SS9.0", "SS9.1", "SS9.2", "SS9.3")
    },
    **{
        code: (_PERSON_YEAR, "the description says an annual cost")
        for code in ("HE24.0", "HE24.0.1", "HE24.0.2", "HE25.0", "HE25.0.1", "HE25.0.2")
    },
    "SS5.0": ("GBP / person", "all processes for one child in need over six months"),
    "HO5.3": ("GBP / tenancy", "one private tenancy secured"),
    # Per week, for a household
    **{
        code: ("GBP / household / week", "a homeless household in temporary housing")
        for code in ("HO1.0.6", "HO3.0.3", "HO4.0", "HO4.1", "HO4.2", "HO4.3", "HO4.4")
    },
    # Per consultation: kept as the unit of the v1.2 row this line replaces
    "HE20.2": (
        "GBP / contact",
        "a face-to-face consultation counted as a contact, the unit of "
        "the v1.2 row it replaces (ucd_gp_face_to_face_consultation)",
    ),
}

# Crime lines valued per incident of crime are per offence (the unit of the Home Office
# costs of crime rows): every CR8 line.
_OFFENCE = ("GBP / offence", "one incident of crime, an offence")


def unit_of(code: str, form: str) -> tuple[str, str]:
    """The pint unit of a line and how it was read (text for the note).

    Raises
    ------
    ValueError
        For a unit form not in :data:`UNIT_FORMS`, or a loose form on a line not in
        :data:`UNIT_BY_CODE`.
    """
    if form not in UNIT_FORMS:
        raise ValueError(f"unit form {form!r} of {code} is not in UNIT_FORMS; add how to read it")
    if code in UNIT_BY_CODE:
        return UNIT_BY_CODE[code]
    if code.startswith("CR8") and form == "Per incident":
        return _OFFENCE
    unit, reading = UNIT_FORMS[form]
    if unit is None:
        raise ValueError(f"unit form {form!r} of {code} needs a reading in UNIT_BY_CODE")
    return unit, reading


# --------------------------------------------------------------------------------------
# Bearers

#: Column F (level 1 agency) as the workbook writes it -> the one spelling used here.
AGENCIES: dict[str, str] = {
    "NHS": "NHS",
    "Local Authority": "Local authority",
    "Local authority": "Local authority",
    "DWP": "DWP",
    "Criminal Justice System": "Criminal justice system",
    "Multiple": "Multiple",
    "Police": "Police",
    "Probation": "Probation service",
    "Court": "Courts and legal aid",
    "Prison / Young Offenders Institute": "Prison service",
    "HM Treasury": "HM Treasury",
    "HM Revenue and Customs": "HMRC",
    "Department for Education": "DfE",
    "Ministry of Justice": "Ministry of Justice",
    "Fire Service": "Fire and rescue service",
    "Schools": "Schools",
}

#: Economic values the workbook says fall to a business, not to the individual.
EMPLOYER_ECONOMIC = frozenset(
    ["E&S8.1", "E&S8.2", "E&S8.3", "E&S8.4", "E&S8.5", "E&S8.6", "E&S12.1", "E&S12.2", "E&S12.3"]
)

# A constituent crime line "fiscal cost to other areas of the criminal justice system" is
# marked Multiple in column F; it is the criminal justice system.
_OTHER_CJS = re.compile(r"other (areas of the )?criminal justice system", re.IGNORECASE)


def _bearer(sheet: str, code: str, value_type: str, level1: str, description: str) -> str:
    """Who gains a value.

    Fiscal values: the level 1 agency of column F, spelt as in :data:`AGENCIES`.
    Economic values: ``Individual`` on the Employment & Economy, Education & Skills and
    Social Services sheets (earnings, and the self-funded share of care), ``Employer`` for
    an apprentice's product to the business (:data:`EMPLOYER_ECONOMIC`), ``Society``
    elsewhere (crime, fire and health: output and property losses). Social values:
    ``Society``.
    """
    if value_type == "social":
        return "Society"
    if value_type == "economic":
        if code in EMPLOYER_ECONOMIC:
            return "Employer"
        if sheet in ("Employment & Economy", "Education & Skills", "Social Services"):
            return "Individual"
        return "Society"
    if not level1:
        raise ValueError(f"{code}: a fiscal value with no agency in column F")
    if level1 not in AGENCIES:
        raise ValueError(f"{code}: agency {level1!r} (column F) is not in AGENCIES")
    agency = AGENCIES[level1]
    if agency == "Multiple" and _OTHER_CJS.search(description):
        return "Criminal justice system"
    return agency


# --------------------------------------------------------------------------------------
# Transfers

_COMMENT_TRANSFER = re.compile(r"transfer payment", re.IGNORECASE)
_NAMED_AMOUNT = re.compile(r"the £([0-9,]+) fiscal benefit to (\w+) should be excluded")

#: Fiscal values that are social security benefits or taxes, which the workbook's Guidance
#: names as transfer payments ("e.g. tax or social security benefits"), though no comment
#: in their own cell says so: code -> what the value is.
TRANSFERS: dict[str, str] = {
    **{c: "a Jobseeker's Allowance payment" for c in ("E&E1.1", "E&E1.2", "E&E1.3")},
    **{c: "a Jobseeker's Allowance payment" for c in ("E&E1.4", "E&E1.5")},
    **{
        c: "an Employment and Support Allowance payment"
        for c in ("E&E2.1", "E&E2.2", "E&E2.3", "E&E2.4")
    },
    "E&E2.7": "Incapacity Benefit saved when a claimant enters work",
    **{c: "an Incapacity Benefit payment" for c in ("E&E2.8", "E&E2.9")},
    **{c: "an Income Support payment" for c in (f"E&E3.{i}" for i in range(1, 9))},
    **{c: "a Personal Independence Payment" for c in (f"E&E5.{i}" for i in range(4))},
    **{c: "a Disability Living Allowance payment" for c in (f"E&E6.{i}" for i in range(5))},
    **{c: "a Disability Living Allowance payment" for c in (f"E&E7.{i}" for i in range(5))},
    **{c: "an Attendance Allowance payment" for c in ("E&E8.0", "E&E8.1")},
    "E&E9.0": "a Carer's Allowance payment",
    **{
        c: "benefit payments and tax credits or taxes forgone (the comment says which)"
        for c in (
            "E&E10.0",
            "E&E10.0.1",
            "E&E10.0.2",
            "E&E10.1",
            "E&E10.2",
            "E&E10.2.1",
            "E&E10.2.2",
            "E&E10.3",
            "E&E10.3.1",
            "E&E10.3.2",
            "E&E10.4",
        )
    },
    **{c: "a Housing Benefit award" for c in (f"HO7.{i}" for i in range(8))},
}


# --------------------------------------------------------------------------------------
# Data age and Marmot objectives


def data_age(price_year: str) -> str:
    """The age grade of a price year, by the Unit Cost Database v1.4 rule.

    The workbook's 'v1.4 update log' sheet (cell D45) gives the rule for "the age of the
    data": red 2007/08 and earlier, amber 2008/09 to 2010/11, green 2011/12 and later. A
    calendar year Y is graded as the financial year Y/Y+1 that begins in it. A blank price
    year has no grade (``""``).

    >>> data_age("2007/08"), data_age("2010/11"), data_age("2011/12"), data_age("2022")
    ('red', 'amber', 'green', 'green')
    """
    text = price_year.strip()
    if not text:
        return ""
    match = re.fullmatch(r"(\d{4})(/\d{2})?", text)
    if not match:
        raise ValueError(f"price year {price_year!r} is neither 2019 nor 2019/20")
    start = int(match.group(1))
    if start <= 2007:
        return "red"
    if start <= 2010:
        return "amber"
    return "green"


_CHILD_WORDS = re.compile(
    r"\bchild|children|young people|adolescen|parent|foster|school", re.IGNORECASE
)
_INTO_WORK = re.compile(
    r"entering work|job ?seeker|job search|jobcentre|work programme|employment and support"
    r"|incapacity",
    re.IGNORECASE,
)


def marmot_objective(sheet: str, detail: str, code: str, description: str) -> str:
    """The Marmot Review policy objective a UCD line serves.

    - Crime and Fire: ``healthy_sustainable_places`` (safe places and communities).
    - Education & Skills: school readiness ``best_start``; truancy, exclusion, school
      programmes and qualifications ``capabilities_and_control``.
    - Employment & Economy: getting into work, unemployment, NEETs and employment advisers
      ``fair_employment``; benefits that support income (disability, care, income support
      rates) ``healthy_standard_of_living``.
    - Health: ``ill_health_prevention``.
    - Housing: Housing Benefit ``healthy_standard_of_living``; eviction and homelessness
      ``healthy_sustainable_places``.
    - Social Services: looked-after children, child protection, children in need,
      assessments of children and parenting programmes ``best_start``; school-based
      emotional learning and multi-systemic therapy for young people
      ``capabilities_and_control``; adult social care ``ill_health_prevention``; staff hours
      ``best_start`` when the description is about children, else
      ``ill_health_prevention``.
    """
    if sheet in ("Crime", "Fire"):
        return "healthy_sustainable_places"
    if sheet == "Education & Skills":
        return "best_start" if detail == "SCHOOL READINESS" else "capabilities_and_control"
    if sheet == "Employment & Economy":
        if detail in ("NEETs", "UNEMPLOYMENT", "LABOUR COSTS") or _INTO_WORK.search(description):
            return "fair_employment"
        return "healthy_standard_of_living"
    if sheet == "Health":
        return "ill_health_prevention"
    if sheet == "Housing":
        return (
            "healthy_standard_of_living" if detail == "BENEFITS" else "healthy_sustainable_places"
        )
    if sheet == "Social Services":
        if detail in (
            "LOOKED AFTER CHILDREN",
            "CHILD PROTECTION",
            "CHILDREN IN NEED",
            "ASSESSMENT",
        ):
            return "best_start"
        if detail == "PROGRAMMES":
            if code.startswith(("SS16", "SS17")):
                return "capabilities_and_control"
            return "best_start"
        if detail == "LABOUR COSTS PER HOUR":
            return "best_start" if _CHILD_WORDS.search(description) else "ill_health_prevention"
        return "ill_health_prevention"
    raise ValueError(f"{code}: sheet {sheet!r} has no Marmot objective rule")


# --------------------------------------------------------------------------------------
# Reading the workbook

#: Values the build leaves out, with the reason: (cost code, value type) -> reason.
LEFT_OUT: dict[tuple[str, str], str] = {
    ("CR8.18.5", "fiscal"): "its value is 0 (shoplifting: other criminal justice costs)",
}

#: Cost codes the workbook leaves blank: (sheet, row) -> the code assigned, and why.
BLANK_CODES: dict[tuple[str, int], tuple[str, str]] = {
    ("Crime", 58): (
        "CR8.0.1",
        "the workbook leaves this line's cost code blank; it is the first constituent of "
        "CR8.0, whose other constituents are CR8.0.2 to CR8.0.6, so it is given CR8.0.1",
    ),
}

_CODE = re.compile(r"^(CR|E&S|E&E|FI|HE|HO|SS)\d+(\.\d+)*$")
_YEAR = re.compile(r"^\d{4}/\d{2}$")
_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _clean(text: Any) -> str:
    """A cell's text on one line: whitespace (line breaks, no-break spaces) collapsed."""
    if text is None:
        return ""
    return " ".join(str(text).replace("\u2010", "-").split())


def _description(text: Any) -> str:
    """A description on one line. A line break before a capital letter (a heading and
    then its detail, as in ``Income Support`` / ``Cost of maintaining claims``) becomes
    `` - ``; other line breaks become spaces."""
    parts = [_clean(part) for part in str(text or "").splitlines()]
    out = ""
    for part in filter(None, parts):
        if out and part[0].isupper() and not out.endswith(("-", ":", ",", "(")):
            out += " - " + part
        else:
            out = f"{out} {part}" if out else part
    return out


def _formula_value(formula: str, sheet: Any) -> float:
    """The value of a simple formula: numbers, + - * / and brackets, cells and SUM(range).

    Cells are read from ``sheet`` (the workbook opened for formulas), so a cell that is a
    formula itself is worked out too. Anything else stops the build.
    """
    body = formula[1:]

    def cell(ref: str) -> float:
        value = sheet[ref].value
        if isinstance(value, str) and value.startswith("="):
            return _formula_value(value, sheet)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ValueError(f"formula {formula!r} refers to {ref}, which holds {value!r}")

    def total(match: re.Match[str]) -> str:
        first, last = match.group(1), match.group(2)
        column = re.match(r"[A-Z]+", first).group(0)  # type: ignore[union-attr]
        if re.match(r"[A-Z]+", last).group(0) != column:  # type: ignore[union-attr]
            raise ValueError(f"formula {formula!r} sums across columns")
        rows = range(int(first[len(column) :]), int(last[len(column) :]) + 1)
        return repr(sum(cell(f"{column}{r}") for r in rows))

    body = re.sub(r"SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", total, body)
    body = re.sub(r"\b([A-Z]+\d+)\b", lambda m: repr(cell(m.group(1))), body)

    def evaluate(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return evaluate(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](evaluate(node.left), evaluate(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -evaluate(node.operand)
        raise ValueError(f"formula {formula!r} is not simple arithmetic")

    return evaluate(ast.parse(body, mode="eval"))


@dataclass
class Line:
    """One cost line of the workbook."""

    sheet: str
    row: int
    level: int
    code: str
    detail: str
    description: str
    unit_form: str
    level1: str
    level2: str
    source: str
    rag: str
    comment: str
    code_note: str = ""
    values: dict[str, tuple[float, str, str, float | None]] = field(default_factory=dict)
    transfer_comment: str = ""


def _number_text(value: float) -> str:
    """A value as written in the table: whole numbers without a decimal point."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def read_lines(path: Path = WORKBOOK) -> tuple[list[Line], list[str]]:
    """Every cost line of the seven thematic sheets, and what was left out (with why)."""
    import openpyxl

    typed = openpyxl.load_workbook(path)  # cells as typed, formulas as text, comments
    saved = openpyxl.load_workbook(path, data_only=True)  # the values Excel saved
    intro = " ".join(
        str(c.value) for row in typed["Introduction"].iter_rows() for c in row if c.value
    )
    if "Creative Commons Attribution 4.0 International License" not in intro:
        raise ValueError("the Introduction sheet no longer states the CC BY 4.0 licence")
    if typed["Lookups"]["K11"].value != "2015/16":
        raise ValueError("the workbook's uprating year (Lookups!K11) is not 2015/16")
    lines: list[Line] = []
    left_out: list[str] = []
    used: set[tuple[str, str]] = set()
    for sheet, (_, prefix) in SHEETS.items():
        ws, cached = typed[sheet], saved[sheet]
        for ref, text in HEADER.items():
            if _clean(ws[ref].value) != text:
                raise ValueError(f"{sheet}!{ref} is {ws[ref].value!r}, not {text!r}")
        for r in range(3, ws.max_row + 1):
            raw_code = ws[f"C{r}"].value
            description = _description(ws[f"D{r}"].value)
            if raw_code is None and not description:
                continue  # blank, or the year list at the foot of the sheet
            code = _clean(raw_code)
            code_note = ""
            if not code:
                if (sheet, r) not in BLANK_CODES:
                    raise ValueError(f"{sheet}!C{r}: a cost line with no cost code")
                code, code_note = BLANK_CODES[(sheet, r)]
            if not _CODE.match(code) or not code.startswith(prefix):
                raise ValueError(f"{sheet}!C{r}: cost code {code!r} is not a {prefix} code")
            line = Line(
                sheet=sheet,
                row=r,
                level=ws.row_dimensions[r].outline_level,
                code=code,
                detail=_clean(ws[f"B{r}"].value),
                description=description,
                unit_form=_clean(ws[f"E{r}"].value),
                level1=_clean(ws[f"F{r}"].value),
                level2=_clean(ws[f"G{r}"].value).strip("-").strip(),
                source=_clean(ws[f"Q{r}"].value),
                rag=_clean(ws[f"R{r}"].value),
                comment=_clean(ws[f"S{r}"].value),
                code_note=code_note,
            )
            if line.rag not in RAG:
                raise ValueError(f"{sheet}!R{r}: RAG assessment {line.rag!r} is not G, A or R")
            comment = ws[f"H{r}"].comment
            if comment is not None:
                line.transfer_comment = _clean(comment.text)
            for value_type, (vcol, ycol, ucol) in VALUE_COLUMNS.items():
                typed_value = ws[f"{vcol}{r}"].value
                if typed_value is None:
                    continue
                where = f"{sheet}!{vcol}{r}"
                if isinstance(typed_value, str) and typed_value.startswith("="):
                    value = _formula_value(typed_value, ws)
                    formula = typed_value
                elif isinstance(typed_value, (int, float)) and not isinstance(typed_value, bool):
                    value, formula = float(typed_value), ""
                else:
                    raise ValueError(f"{where} holds {typed_value!r}, not a number")
                stored = cached[f"{vcol}{r}"].value
                if not isinstance(stored, (int, float)) or abs(stored - value) > 1e-9 * max(
                    1.0, abs(value)
                ):
                    raise ValueError(f"{where}: worked out {value!r}, Excel saved {stored!r}")
                year = _clean(ws[f"{ycol}{r}"].value)
                if not _YEAR.match(year):
                    raise ValueError(f"{sheet}!{ycol}{r}: price year {year!r} is not 20xx/yy")
                if (code, value_type) in LEFT_OUT:
                    left_out.append(f"{code} {value_type}: {LEFT_OUT[(code, value_type)]}")
                    used.add((code, value_type))
                    continue
                if value == 0:
                    raise ValueError(f"{where}: a value of 0 that LEFT_OUT does not explain")
                uprated = cached[f"{ucol}{r}"].value
                uprated = float(uprated) if isinstance(uprated, (int, float)) else None
                line.values[value_type] = (value, year, formula, uprated)
            if line.values:
                lines.append(line)
            elif not any((code, t) in used for t in VALUE_COLUMNS):
                raise ValueError(f"{sheet} row {r} ({code}): a cost line with no value")
    unused = set(LEFT_OUT) - used
    if unused:
        raise ValueError(f"LEFT_OUT names values the workbook does not have: {unused}")
    return lines, left_out


# --------------------------------------------------------------------------------------
# Rows


def ucd_id(code: str, value_type: str) -> str:
    """The id of a UCD value: ``ucd_cr8_4_social`` for CR8.4's social value.

    >>> ucd_id("E&E1.0.1", "fiscal")
    'ucd_ee1_0_1_fiscal'
    """
    return "ucd_" + code.lower().replace("&", "").replace(".", "_") + "_" + value_type


def _parent(code: str) -> str | None:
    head, _, tail = code.rpartition(".")
    return head if head.count(".") >= 1 and tail else None


def _split(
    line: Line, children: list[Line], bearers: dict[tuple[str, str], str]
) -> tuple[str, str]:
    """A fiscal value's bearer split from its constituent lines, and the note saying so.

    Used when the line has at least two constituents with fiscal values that add up to it
    (to within GBP 1, the workbook's rounding) and that fall to more than one agency, none
    of them ``Multiple``. Shares are rounded to 4 decimals; the last is 1 minus the others.
    """
    parts = [c for c in children if "fiscal" in c.values]
    if len(parts) < 2:
        return "", ""
    total = line.values["fiscal"][0]
    added = sum(c.values["fiscal"][0] for c in parts)
    if abs(added - total) > 1.0:
        return "", ""
    by_agency: dict[str, float] = defaultdict(float)
    for c in parts:
        by_agency[bearers[(c.code, "fiscal")]] += c.values["fiscal"][0]
    if len(by_agency) < 2 or "Multiple" in by_agency:
        return "", ""
    agencies = list(by_agency)
    shares = [round(by_agency[a] / added, 4) for a in agencies[:-1]]
    shares.append(round(1 - sum(shares), 4))
    split = ";".join(f"{a}:{s:g}" for a, s in zip(agencies, shares, strict=True))
    codes = ", ".join(c.code for c in parts)
    note = (
        f"bearer_split from the constituent lines {codes}, which add up to GBP "
        f"{_number_text(round(added, 2))}."
    )
    return split, note


def _transfer_share(line: Line, value_type: str, parent: Line | None) -> tuple[str, str]:
    """The share of a value that is a transfer payment, and the note saying why."""
    if value_type != "fiscal":
        return "0", ""
    value = line.values["fiscal"][0]
    comment = line.transfer_comment
    if comment and _COMMENT_TRANSFER.search(comment):
        named = _NAMED_AMOUNT.search(comment)
        if named:
            amount = float(named.group(1).replace(",", ""))
            share = round(amount / value, 4)
            return _number_text(share), (
                f"Transfer payment: part of this value (GBP {named.group(1)} to "
                f"{named.group(2)}, a share of {share:g}) is a transfer payment, as the "
                f"note on the workbook's fiscal value cell says: {comment}"
            )
        return (
            "1",
            f"Transfer payment, as the note on the workbook's fiscal value cell says: {comment}",
        )
    if parent is not None and parent.transfer_comment:
        named = _NAMED_AMOUNT.search(parent.transfer_comment)
        if named and float(named.group(1).replace(",", "")) == value:
            return "1", (
                f"Transfer payment: this is the GBP {named.group(1)} that the note on the "
                f"fiscal value of {parent.code} says is a transfer payment."
            )
    if line.code in TRANSFERS:
        return "1", (
            f"Transfer payment: {TRANSFERS[line.code]}; the workbook's Guidance sheet names "
            "tax and social security benefits as transfer payments, to leave out of "
            "public (economic and social) value."
        )
    return "0", ""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ucd_rows(lines: list[Line], replaced: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per value of every line."""
    by_code = {line.code: line for line in lines}
    if len(by_code) != len(lines):
        raise ValueError("a cost code appears twice in the workbook")
    children: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        parent = _parent(line.code)
        if parent is not None:
            if parent not in by_code:
                raise ValueError(f"{line.code}: its parent line {parent} is not in the workbook")
            children[parent].append(line)
    bearers = {
        (line.code, t): _bearer(line.sheet, line.code, t, line.level1, line.description)
        for line in lines
        for t in line.values
    }
    same: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for line in lines:
        for t, (value, year, _, _) in line.values.items():
            key = (line.description.lower(), line.unit_form, t, f"{value}@{year}")
            same[key].append(line.code)
    old_by_new: dict[str, list[dict[str, str]]] = defaultdict(list)
    for item in replaced:
        old_by_new[item["v1_4_id"]].append(item)

    rows: list[dict[str, str]] = []
    for line in lines:
        category = SHEETS[line.sheet][0]
        marmot = marmot_objective(line.sheet, line.detail, line.code, line.description)
        several = len(line.values) > 1
        for value_type, (value, year, formula, uprated) in line.values.items():
            unit, reading = unit_of(line.code, line.unit_form)
            pid = ucd_id(line.code, value_type)
            parent = by_code.get(_parent(line.code) or "")
            notes = [line.comment] if line.comment else []
            notes.append(
                f"UCD unit '{line.unit_form}', read as {unit}"
                + (f": {reading}." if reading else ".")
            )
            if line.code_note:
                notes.append(f"Cost code: {line.code_note}.")
            if formula:
                notes.append(f"The workbook works this value out as {formula}.")
            kids = [c for c in children[line.code] if value_type in c.values]
            if kids:
                notes.append(
                    f"Its constituent lines {', '.join(c.code for c in kids)} are parts of "
                    "this value: do not add them to it."
                )
            if parent is not None and value_type in parent.values:
                notes.append(
                    f"A constituent of {parent.code} ({ucd_id(parent.code, value_type)}): "
                    "do not add the two."
                )
            split, split_note = ("", "")
            if value_type == "fiscal":
                split, split_note = _split(line, children[line.code], bearers)
            if split_note:
                notes.append(split_note)
            share, transfer_note = _transfer_share(line, value_type, parent)
            if transfer_note:
                notes.append(transfer_note)
            twins = [
                c
                for c in same[
                    (line.description.lower(), line.unit_form, value_type, f"{value}@{year}")
                ]
                if c != line.code
            ]
            if twins:
                notes.append(
                    f"The workbook gives the same figure under {', '.join(twins)}: use one."
                )
            if several:
                others = [t for t in line.values if t != value_type]
                kinds = " and ".join(others)
                ids = ", ".join(ucd_id(line.code, t) for t in others)
                notes.append(
                    f"The line also has {'an' if others[0] == 'economic' else 'a'} {kinds} "
                    f"value ({ids}): different perspectives on the same outcome; add them only "
                    "for the total public value, as the Guidance sheet explains."
                )
            if uprated is not None:
                notes.append(
                    f"UCD v1.4 uprated value at 2015/16 prices (its GDP deflator of March "
                    f"2015): GBP {uprated:.2f}."
                )
            olds = old_by_new.get(pid, [])
            for old in olds:
                text = (
                    f"Replaces {old['v1_2_id']} (UCD v1.2 {old['v1_2_code']}: GBP "
                    f"{old['v1_2_value']}, {old['v1_2_unit']}, {old['v1_2_price_year']} prices): "
                    f"{old['why']}"
                )
                same_figure = float(old["v1_2_value"]) == value and old["v1_2_price_year"] == year
                if same_figure and old["v1_2_uprated_2013_14"]:
                    text += (
                        " UCD v1.2 uprated value at 2013/14 prices (GDP deflator): GBP "
                        f"{old['v1_2_uprated_2013_14']}."
                    )
                notes.append(text)
            name = line.description
            if several:
                name = f"{name} ({value_type} value)"
            rows.append(
                {
                    "id": pid,
                    "name": name,
                    "category": category,
                    "value": _number_text(value),
                    "currency": "GBP",
                    "unit": unit,
                    "price_year": year,
                    "value_type": value_type,
                    "bearer": bearers[(line.code, value_type)],
                    "bearer_split": split,
                    "marmot_objective": marmot,
                    "confidence": RAG[line.rag],
                    "source": (
                        "New Economy (Manchester), Unit Cost Database v1.4 (March 2015), "
                        f"sheet '{line.sheet}', cost code {line.code} (row {line.row}); "
                        f"original source: {line.source or 'not stated'}"
                    ),
                    "licence": LICENCE,
                    "note": " ".join(notes),
                    "source_code": line.code,
                    "bearer_detail": line.level2 if value_type == "fiscal" else "",
                    "data_age": data_age(year),
                    "transfer_share": share,
                    "replaces": ";".join(o["v1_2_id"] for o in olds),
                }
            )
    return rows


def other_rows(path: Path = OTHER_SOURCES) -> list[dict[str, str]]:
    """The hand-curated rows, carried over unchanged; ``data_age`` is computed."""
    rows = []
    for i, raw in enumerate(_read_csv(path), start=2):
        missing = [c for c in COLUMNS if c not in raw and c not in ("data_age", "replaces")]
        if missing:
            raise ValueError(f"{path.name} row {i}: no column(s) {', '.join(missing)}")
        row = {c: raw.get(c, "") for c in COLUMNS}
        row["data_age"] = data_age(row["price_year"])
        row["transfer_share"] = row["transfer_share"] or "0"
        rows.append(row)
    return rows


def build() -> tuple[list[dict[str, str]], list[str]]:
    """Every row of the table, in order, and what was left out of the workbook (with why)."""
    replaced = _read_csv(REPLACED)
    lines, left_out = read_lines()
    rows = ucd_rows(lines, replaced) + other_rows()
    ids = [r["id"] for r in rows]
    doubled = sorted({i for i in ids if ids.count(i) > 1})
    if doubled:
        raise ValueError(f"ids used twice: {', '.join(doubled)}")
    known = set(ids)
    for item in replaced:
        if item["v1_4_id"] not in known:
            raise ValueError(f"{REPLACED.name}: {item['v1_4_id']} is not a row of the table")
        if item["v1_2_id"] in known:
            raise ValueError(f"{REPLACED.name}: {item['v1_2_id']} is replaced but still a row")
    for row in rows:
        for column in ("id", "name", "category", "value", "unit", "value_type", "source"):
            if not row[column]:
                raise ValueError(f"{row['id']}: column {column} is blank")
    return rows, left_out


def table_text(rows: Iterable[dict[str, str]]) -> str:
    """The rows as CSV text: a header, LF line ends, cells quoted only where needed."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write(path: Path = OUTPUT) -> list[str]:
    """Build the table and write it to ``path`` (UTF-8); return what was left out."""
    rows, left_out = build()
    path.write_bytes(table_text(rows).encode("utf-8"))
    return left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the table")
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the file differs"
    )
    args = parser.parse_args(argv)
    rows, left_out = build()
    text = table_text(rows).encode("utf-8")
    if args.check:
        same = args.output.is_file() and args.output.read_bytes() == text
        print(f"{args.output}: {'up to date' if same else 'differs from what the build makes'}")
        return 0 if same else 1
    args.output.write_bytes(text)
    print(f"wrote {len(rows)} rows to {args.output}")
    for item in left_out:
        print(f"left out {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
