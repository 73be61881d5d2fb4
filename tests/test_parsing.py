"""The leaf parsers and vocabularies, and that the model, the deflators, the proxy table, the
command line and ``evaluate`` read one input the same way."""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import sroi
from sroi import ModelError, parsing, vocabulary
from sroi.cli import cli
from sroi.parsing import (
    DISCOUNT_RATE_TEXT_ALLOWED,
    MAX_YEARS,
    PRICE_YEAR_ALLOWED,
    PriceYear,
    format_bearer_split,
    kind_of,
    message_of,
    parse_bearer_split,
    parse_choice,
    parse_discount_rate,
    parse_discount_rate_text,
    parse_fraction,
    parse_non_negative,
    parse_number,
    parse_price_year,
    parse_whole_years,
)
from sroi.proxies import catalogue, deflators, read_table
from tests.conftest import hand_worked

ROOT = Path(__file__).resolve().parent.parent
COUNCIL = ROOT / "examples" / "council_contract.yaml"

FRACTION = "must be a fraction between 0 and 1, e.g. 0.25 for 25 %"
PRICE_YEAR = f"must be {PRICE_YEAR_ALLOWED}"
SCHEDULES = "'green_book', 'green_book_health'"


def refusal(parse, *args, **kwargs) -> tuple[str, str, object]:
    """(location, message, value) of the one problem a parser refuses a value with."""
    with pytest.raises(ModelError) as info:
        parse(*args, **kwargs)
    assert type(info.value) is ModelError
    (problem,) = info.value.problems
    return problem.location, problem.message, problem.value


def model_refusal(**fields) -> tuple[str, str]:
    """(location, message) of the one problem the model has with ``fields``."""
    with pytest.raises(ModelError) as info:
        sroi.Model.from_dict({**hand_worked(), **fields})
    (problem,) = info.value.problems
    return problem.location, problem.message


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# ------------------------------------------------------------------ leaf modules


def test_leaf_modules_import_nothing_of_sroi_but_errors_and_vocabulary():
    for module, allowed in (
        (vocabulary, set()),
        (parsing, {"sroi.errors", "sroi.vocabulary"}),
        (sroi.formatting, set()),
    ):
        source = Path(module.__file__).read_text(encoding="utf-8")
        imported = {
            line.split()[1]
            for line in source.splitlines()
            if line.startswith(("from sroi", "import sroi"))
        }
        assert imported <= allowed, module.__name__


def test_vocabularies_are_the_ones_every_module_uses():
    from sroi.report import _common, accounts

    assert catalogue.CATEGORIES is vocabulary.CATEGORIES
    assert catalogue.VALUE_TYPES is vocabulary.VALUE_TYPES
    assert catalogue.MARMOT_OBJECTIVES is vocabulary.MARMOT_OBJECTIVES
    assert catalogue.parse_bearer_split is parse_bearer_split
    assert catalogue.format_bearer_split is format_bearer_split
    assert deflators.parse_price_year is parse_price_year
    assert deflators.PriceYear is sroi.proxies.PriceYear is PriceYear
    assert tuple(sroi.adjustments.SCHEDULES) == vocabulary.DISCOUNT_SCHEDULES
    assert sroi.adjustments.DEFAULT_DISCOUNT_RATE == vocabulary.DEFAULT_DISCOUNT_RATE == 0.035
    assert tuple(vocabulary.INPUT_KINDS.items()) == accounts.INPUT_KINDS
    assert dict(vocabulary.INPUT_KINDS) == _common.KIND_LABELS
    schema = sroi.model_schema()["$defs"]
    assert schema["Input"]["properties"]["kind"]["enum"] == list(vocabulary.INPUT_KINDS)
    outcome = schema["Outcome"]["properties"]
    assert outcome["category"]["anyOf"][0]["enum"] == list(vocabulary.CATEGORIES)
    assert outcome["value_type"]["anyOf"][0]["enum"] == list(vocabulary.VALUE_TYPES)
    assert outcome["marmot_objective"]["anyOf"][0]["enum"] == list(vocabulary.MARMOT_OBJECTIVES)


def test_cli_choices_are_the_vocabularies():
    commands = {p.name: p for p in cli.commands["proxies"].commands["search"].params}
    assert tuple(commands["category"].type.choices) == vocabulary.CATEGORIES
    assert tuple(commands["value_type"].type.choices) == vocabulary.VALUE_TYPES


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("given", "expected"),
    [(3, 3.0), (-2.5, -2.5), (Decimal("1.25"), 1.25), (np.float64(7.5), 7.5), (np.int64(4), 4.0)],
)
def test_parse_number_accepts_numbers(given, expected):
    out = parse_number(given)
    assert out == expected and type(out) is float


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("100", "must be a number, not text"),
        (True, "must be a number, not a yes/no value"),
        (None, "must be a number, not nothing (null)"),
        ([1], "must be a number, not a list"),
        ({"a": 1}, "must be a number, not a mapping"),
        (float("nan"), "must be a finite number"),
        (float("inf"), "must be a finite number"),
        (10**400, "must be a finite number"),
    ],
)
def test_parse_number_refuses(given, message):
    location, said, value = refusal(parse_number, given, "outcomes[0].value")
    assert (location, said) == ("outcomes[0].value", message)
    assert value is given


@pytest.mark.parametrize(
    ("text", "expected"), [("12.5", 12.5), (" -3 ", -3.0), ("1e3", 1000.0), ("0", 0.0)]
)
def test_parse_number_from_text(text, expected):
    assert parse_number(text, from_text=True) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("lots", "must be a number"), ("", "must be a number"), ("nan", "must be a finite number")],
)
def test_parse_number_from_text_refuses(text, message):
    assert refusal(parse_number, text, from_text=True) == ("", message, text)


def test_parse_non_negative():
    assert parse_non_negative(0) == 0.0 and parse_non_negative(150_000) == 150_000.0
    assert refusal(parse_non_negative, -1, "quantity") == ("quantity", "must not be negative", -1)
    assert refusal(parse_non_negative, "5") == ("", "must be a number, not text", "5")


@pytest.mark.parametrize("given", [0, 0.0, 0.25, 1, 1.0])
def test_parse_fraction_accepts(given):
    assert parse_fraction(given) == float(given)


@pytest.mark.parametrize("given", [-0.1, 1.5, 25])
def test_parse_fraction_refuses(given):
    assert refusal(parse_fraction, given, "deadweight") == ("deadweight", FRACTION, given)


def test_parse_fraction_from_text():
    assert parse_fraction("0.25", from_text=True) == 0.25
    # a percentage with its sign reads as the fraction it shows, text or not
    assert parse_fraction("25%", from_text=True) == parse_fraction("25 %") == 0.25
    assert refusal(parse_fraction, "25 per cent", from_text=True)[1] == "must be a number"


def test_parse_whole_years():
    assert parse_whole_years(3.0, minimum=1) == 3 and type(parse_whole_years(3.0)) is int
    assert parse_whole_years(MAX_YEARS) == MAX_YEARS
    assert refusal(parse_whole_years, 2.5)[1] == "must be a whole number of years"
    assert refusal(parse_whole_years, 0, minimum=1)[1] == "must be a whole number >= 1"
    assert refusal(parse_whole_years, MAX_YEARS + 1)[1] == (
        "must be at most 1000 years (the longest horizon sroi evaluates)"
    )
    assert refusal(parse_whole_years, "3")[1] == "must be a number, not text"


# ------------------------------------------------------------------ price years


GOOD_PRICE_YEARS = [
    (2024, 2024),
    ("2024", 2024),
    (" 2024 ", 2024),
    (np.int64(2024), 2024),
    ("2024/25", "2024/25"),
    ("2024-25", "2024/25"),
    ("2024/2025", "2024/25"),
    ("2024-2025", "2024/25"),
    ("1999/00", "1999/00"),
    (1800, 1800),
    (2300, 2300),
    ("2300/01", "2300/01"),
]
BAD_PRICE_YEARS = [1799, 2301, 1750, "1750", "2019 / 20", "02024", "19/20", 2019.0, 2019.5]
BAD_PRICE_YEARS += ["next year", "FY2019", "", True]


@pytest.mark.parametrize(("given", "plain"), GOOD_PRICE_YEARS)
def test_parse_price_year_accepts(given, plain):
    year = parse_price_year(given)
    assert year.plain == plain and type(year.plain) is type(plain)
    assert PriceYear.parse(given) == year == parse_price_year(str(year))


@pytest.mark.parametrize("given", [*BAD_PRICE_YEARS, None])
def test_parse_price_year_refuses(given):
    assert refusal(parse_price_year, given) == ("price_year", PRICE_YEAR, given)


@pytest.mark.parametrize(("given", "follows"), [("2019/21", "2019/20"), ("2019/2021", "2019/20")])
def test_financial_year_must_be_consecutive(given, follows):
    assert refusal(parse_price_year, given)[1] == (
        f"{PRICE_YEAR}; a financial year's second year must follow its first, as in {follows}"
    )


@pytest.mark.parametrize("given", [g for g, _ in GOOD_PRICE_YEARS] + BAD_PRICE_YEARS)
def test_model_deflators_and_proxy_table_agree_on_price_years(given):
    try:
        expected = parse_price_year(given)
    except ModelError as exc:
        expected, message = None, message_of(exc)
    # the model
    if expected is None:
        assert model_refusal(price_year=given) == ("price_year", message)
    else:
        assert sroi.Model.from_dict({**hand_worked(), "price_year": given}).price_year == (
            expected.plain
        )
    # the deflators (a year they do not cover is their own, different error)
    if expected is None:
        assert refusal(deflators.index_factor, given, 2020) == ("from_year", message, given)
    # a proxy table's cell: text, as read from a CSV file
    if isinstance(given, (str, int)) and not isinstance(given, bool) and given is not None:
        row = _proxy_row(price_year=str(given))
        if expected is None and str(given).strip():
            with pytest.raises(ModelError) as info:
                read_table(pd.DataFrame([row]), merge_with_bundled=False)
            (problem,) = info.value.problems
            assert problem.location.endswith("column price_year")
            assert problem.message == message_of(_error_of(parse_price_year, str(given)))
        elif expected is not None:
            table = read_table(pd.DataFrame([row]), merge_with_bundled=False)
            assert table.get("fake_outcome").price_year == expected


def test_a_model_without_a_price_year_has_none():
    assert sroi.Model.from_dict({**hand_worked(), "price_year": None}).price_year is None
    assert sroi.Model.from_dict(hand_worked()).price_year is None


@pytest.mark.parametrize("given", ["1750", "2301", "2019 / 20", "2024/26", "next year"])
def test_cli_refuses_a_price_year_with_the_models_message(given):
    message = message_of(_error_of(parse_price_year, given))
    assert model_refusal(price_year=given) == ("price_year", message)
    out = run("evaluate", COUNCIL, "--price-year", given)
    assert out.exit_code == 2 and out.stdout == ""
    assert f"Invalid value for '--price-year' / '-p': {message} (got {given!r})" in out.stderr
    with pytest.raises(ModelError) as info:
        sroi.evaluate(COUNCIL, price_year=given)
    (problem,) = info.value.problems
    assert (problem.location, problem.message, problem.value) == ("price_year", message, given)


def test_cli_price_year_1750_was_accepted_by_the_command_line_and_refused_by_evaluate():
    # Before one parser served both, `--price-year 1750` passed the command line's check
    # (1000-9998) and failed inside evaluate; now the command line refuses it itself.
    out = run("evaluate", COUNCIL, "--price-year", "1750")
    assert out.exit_code == 2
    assert PRICE_YEAR in out.stderr and "(got '1750')" in out.stderr


@pytest.mark.parametrize(("given", "shown"), [("2020", 2020), ("2020-21", "2020/21")])
def test_cli_passes_the_parsed_price_year_to_evaluate(given, shown):
    import json

    out = run("evaluate", COUNCIL, "--price-year", given, "--format", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["parameters"]["price_year"] == shown


# ------------------------------------------------------------------ discount rates


GOOD_RATES = [
    (0, 0.0),
    (1, 1.0),
    (0.035, 0.035),
    (np.float64(0.035), 0.035),
    ("green_book", "green_book"),
    ("green_book_health", "green_book_health"),
    ([0.05, 0.04], (0.05, 0.04)),
    ((0.03,), (0.03,)),
]
BAD_RATES = [
    (1.5, f"must be a rate between 0 and 1 (3.5 % is 0.035), a list of yearly rates, or one "
     f"of {SCHEDULES}"),
    (float("nan"), f"must be a rate between 0 and 1 (3.5 % is 0.035), a list of yearly rates, "
     f"or one of {SCHEDULES}"),
    (True, f"must be a rate between 0 and 1 (3.5 % is 0.035), a list of yearly rates, or one "
     f"of {SCHEDULES}"),
    ("greenbook", "unknown discount schedule; allowed: a number between 0 and 1, a list of "
     f"yearly rates, or one of {SCHEDULES}"),
    (" green_book", "unknown discount schedule; allowed: a number between 0 and 1, a list of "
     f"yearly rates, or one of {SCHEDULES}"),
    ([], "a list of yearly rates must not be empty"),
    ([0.03, -0.01], f"year 2 of the yearly rates {FRACTION}"),
    ([0.03, "x"], "year 2 of the yearly rates must be a number, not text"),
]  # fmt: skip


@pytest.mark.parametrize(("given", "expected"), GOOD_RATES)
def test_parse_discount_rate_accepts(given, expected):
    assert parse_discount_rate(given) == expected


@pytest.mark.parametrize(("given", "message"), BAD_RATES)
def test_parse_discount_rate_refuses(given, message):
    location, said, value = refusal(parse_discount_rate, given)
    assert (location, said) == ("discount_rate", message)
    assert value is given


@pytest.mark.parametrize(("given", "message"), BAD_RATES)
def test_model_argument_and_engine_agree_on_discount_rates(given, message):
    assert model_refusal(discount_rate=given) == ("discount_rate", message)
    with pytest.raises(ModelError) as info:
        sroi.evaluate(hand_worked(), discount_rate=given)
    (problem,) = info.value.problems
    assert (problem.location, problem.message) == ("discount_rate", message)
    if isinstance(given, str):
        assert refusal(sroi.adjustments.yearly_rates, given, 3)[:2] == ("discount_rate", message)


@pytest.mark.parametrize(("given", "expected"), GOOD_RATES)
def test_model_and_argument_agree_on_good_rates(given, expected):
    m = sroi.Model.from_dict({**hand_worked(), "discount_rate": given})
    assert m.discount_rate == expected
    by_argument = sroi.evaluate(hand_worked(), discount_rate=given)
    assert by_argument.discount_rate == expected
    assert by_argument.present_value == sroi.evaluate(m).present_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.035", 0.035),
        (" 0.05, 0.04 ", (0.05, 0.04)),
        ("green_book", "green_book"),
        (" green_book_health ", "green_book_health"),
        ("0", 0.0),
    ],
)
def test_parse_discount_rate_text(text, expected):
    assert parse_discount_rate_text(text) == expected


@pytest.mark.parametrize("text", ["3.5", "fast", "nan", "0.05,,0.04", "0.05,-0.01", ""])
def test_parse_discount_rate_text_refuses_and_the_cli_says_so(text):
    assert refusal(parse_discount_rate_text, text) == (
        "discount_rate",
        f"must be {DISCOUNT_RATE_TEXT_ALLOWED}",
        text,
    )
    out = run("evaluate", COUNCIL, "--discount-rate", text)
    assert out.exit_code == 2
    expected = f"Invalid value for '--discount-rate' / '-r': {text!r} is not "
    assert expected + DISCOUNT_RATE_TEXT_ALLOWED in out.stderr


@pytest.mark.parametrize(("text", "rate"), [("0.05,0.04", [0.05, 0.04]), ("green_book", None)])
def test_cli_rates_are_the_models(text, rate):
    import json

    out = run("evaluate", COUNCIL, "--discount-rate", text, "--format", "json")
    assert out.exit_code == 0, out.stderr
    given = json.loads(out.stdout)["parameters"]["discount_rate"]
    assert given == (rate if rate is not None else text)
    assert (
        given
        == sroi.evaluate(COUNCIL, discount_rate=parse_discount_rate_text(text)).to_dict()[
            "parameters"
        ]["discount_rate"]
    )


# ------------------------------------------------------------------ vocabularies


def test_parse_choice():
    assert parse_choice("fiscal", vocabulary.VALUE_TYPES) == "fiscal"
    assert parse_choice("best_start", vocabulary.MARMOT_OBJECTIVES) == "best_start"
    assert refusal(parse_choice, "Fiscal", ("fiscal", "social"), "value_type") == (
        "value_type",
        "must be one of 'fiscal' or 'social'",
        "Fiscal",
    )
    assert refusal(parse_choice, 5, ("only",))[1] == "must be one of 'only'"
    assert refusal(parse_choice, " fiscal", vocabulary.VALUE_TYPES)[1].startswith(
        "must be one of 'fiscal', 'economic', "
    )


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("category", vocabulary.CATEGORIES),
        ("value_type", vocabulary.VALUE_TYPES),
        ("marmot_objective", vocabulary.MARMOT_OBJECTIVES),
    ],
)
def test_model_and_proxy_table_refuse_a_word_with_one_message(field, words):
    message = message_of(_error_of(parse_choice, "nonsense", words))
    m = hand_worked()
    m["outcomes"][0][field] = "nonsense"
    with pytest.raises(ModelError) as info:
        sroi.Model.from_dict(m)
    assert [(p.location, p.message) for p in info.value.problems] == [
        (f"outcomes[0].{field}", message)
    ]
    with pytest.raises(ModelError) as info:
        read_table(pd.DataFrame([_proxy_row(**{field: "nonsense"})]), merge_with_bundled=False)
    assert [(p.location, p.message) for p in info.value.problems] == [
        (f"DataFrame row 0 (id 'fake_outcome'), column {field}", message)
    ]
    with pytest.raises(ModelError) as info:
        sroi.proxies.load().filter(**{field: "nonsense"})
    assert [(p.location, p.message) for p in info.value.problems] == [(field, message)]


def test_input_kind_is_one_of_the_vocabulary():
    m = hand_worked()
    m["inputs"][0]["kind"] = "loan"
    with pytest.raises(ModelError) as info:
        sroi.Model.from_dict(m)
    (problem,) = info.value.problems
    assert (problem.location, problem.message) == (
        "inputs[0].kind",
        "must be one of 'cash', 'staff_time', 'volunteer_time' or 'in_kind'",
    )
    for kind in vocabulary.INPUT_KINDS:
        m["inputs"][0]["kind"] = kind
        assert sroi.Model.from_dict(m).inputs[0].kind == kind


def test_kind_of():
    assert [kind_of(v) for v in ("x", True, None, [], (), {}, 1.5, 3)] == [
        "text",
        "a yes/no value",
        "nothing (null)",
        "a list",
        "a list",
        "a mapping",
        "float",
        "int",
    ]


# ------------------------------------------------------------------ who gains


@pytest.mark.parametrize(
    ("text", "pairs", "written"),
    [
        ("NHS", (("NHS", 1.0),), "NHS"),
        (" Local authority ", (("Local authority", 1.0),), "Local authority"),
        ("DWP:0.94;NHS:0.06", (("DWP", 0.94), ("NHS", 0.06)), "DWP:0.94;NHS:0.06"),
        ("DWP: 0.5 ; NHS:0.5;", (("DWP", 0.5), ("NHS", 0.5)), "DWP:0.5;NHS:0.5"),
        ("NHS:1", (("NHS", 1.0),), "NHS"),
    ],
)
def test_parse_bearer_split(text, pairs, written):
    assert parse_bearer_split(text) == pairs
    assert format_bearer_split(pairs) == written
    assert parse_bearer_split(written) == pairs


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "must name who gains, e.g. NHS or DWP:0.94;NHS:0.06"),
        ("DWP:0.5;NHS:0.4", "shares must sum to 1, they sum to 0.9"),
        ("DWP:lots", "share of 'DWP' is not a number ('lots')"),
        ("DWP:0.5;DWP:0.5", "agency 'DWP' appears twice"),
        ("DWP:1.5", "share of 'DWP' must be a fraction in (0, 1], got 1.5"),
        (":1", "each entry must be AGENCY:share, as in DWP:0.94;NHS:0.06 (':1')"),
        (5, "must be text, not int"),
    ],
)
def test_parse_bearer_split_refuses(text, message):
    assert refusal(parse_bearer_split, text)[1] == message


def test_a_proxy_tables_bearer_split_needs_shares():
    assert parse_bearer_split("NHS:1", shares_only=True) == (("NHS", 1.0),)
    assert refusal(parse_bearer_split, "NHS", shares_only=True)[1] == (
        "each entry must be AGENCY:share, as in DWP:0.94;NHS:0.06 ('NHS')"
    )


def test_model_bearer_and_proxy_table_split_agree():
    message = "shares must sum to 1, they sum to 0.9"
    m = hand_worked()
    m["outcomes"][0]["bearer"] = "DWP:0.5;NHS:0.4"
    with pytest.raises(ModelError) as info:
        sroi.Model.from_dict(m)
    assert [(p.location, p.message) for p in info.value.problems] == [
        ("outcomes[0].bearer", message)
    ]
    with pytest.raises(ModelError) as info:
        read_table(
            pd.DataFrame([_proxy_row(bearer_split="DWP:0.5;NHS:0.4")]), merge_with_bundled=False
        )
    assert [p.message for p in info.value.problems] == [message]


def test_model_and_proxy_table_agree_on_values():
    for written, cell in ((math.inf, "inf"), (math.nan, "nan")):
        assert model_refusal(outcomes=[{**hand_worked()["outcomes"][0], "value": written}]) == (
            "outcomes[0].value",
            "must be a finite number",
        )
        with pytest.raises(ModelError) as info:
            read_table(pd.DataFrame([_proxy_row(value=cell)]), merge_with_bundled=False)
        assert [p.message for p in info.value.problems] == ["must be a finite number"]


# ------------------------------------------------------------------ helpers


def _proxy_row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "fake_outcome",
        "name": "A made-up outcome (test fixture)",
        "category": "wellbeing",
        "value": 1000.0,
        "currency": "GBP",
        "unit": "GBP / person / year",
        "price_year": "2023/24",
        "value_type": "wellbeing",
        "bearer": "Individual",
        "bearer_split": "",
        "marmot_objective": "capabilities_and_control",
        "confidence": "test",
        "source": "Test fixture, not a real figure",
        "licence": "CC0 (test fixture)",
        "note": "",
    }
    row.update(overrides)
    return row


def _error_of(parse, *args) -> ModelError:
    with pytest.raises(ModelError) as info:
        parse(*args)
    return info.value


# ------------------------------------------------------------------ issue 9: what is allowed


@pytest.mark.parametrize(
    ("parse", "bad", "allowed"),
    [
        (parse_number, "x", "a finite number"),
        (parsing.parse_non_negative, -1, "a finite number >= 0"),
        (parsing.parse_non_negative, float("nan"), "a finite number >= 0"),
        (parse_fraction, 2, "a number from 0 to 1 (0.25 for 25 %)"),
        (parse_price_year, "²⁰²⁴", PRICE_YEAR_ALLOWED),
        (parse_discount_rate, "greenbook", "a rate between 0 and 1"),
        (lambda v: parse_choice(v, ("a", "b")), "c", "one of 'a' or 'b'"),
        (parse_bearer_split, "DWP:0.5", "one agency (NHS), or AGENCY:share"),
        (lambda v: parsing.parse_whole_years(v, minimum=1), 0, "a whole number of years from 1"),
    ],
)
def test_every_parser_says_what_is_allowed(parse, bad, allowed):
    with pytest.raises(ModelError) as info:
        parse(bad)
    (problem,) = info.value.problems
    assert problem.allowed.startswith(allowed)
    assert parsing.allowed_of(info.value) == problem.allowed
    assert problem.value == bad or (bad != bad and problem.value != problem.value)


@pytest.mark.parametrize(
    "given",
    [10**400, -(10**400), 10**5000, Decimal("1e400"), Decimal("sNaN"), Decimal("NaN")],
    ids=["1e400", "-1e400", "10**5000", "decimal-1e400", "decimal-snan", "decimal-nan"],
)
def test_overflowing_and_signalling_numbers_are_refused_with_a_problem(given):
    with pytest.raises(ModelError) as info:
        parse_number(given, "quantity")
    assert info.value.locations == ["quantity"]
    assert "must be a finite number" in str(info.value)


def test_price_year_written_in_superscript_digits_is_refused_by_every_parser():
    for year in ("²⁰²⁴", "２０２４", "٢٠٢٤", "2024/²⁵"):
        with pytest.raises(ModelError, match="calendar year"):
            parse_price_year(year)
        with pytest.raises(ModelError, match="comma-separated yearly"):
            parse_discount_rate_text(year)


def test_a_bearer_split_message_shows_a_huge_text_briefly():
    with pytest.raises(ModelError) as info:
        parse_bearer_split("A" * 1_000_000 + ":x")
    assert len(info.value.problems[0].message) < 300


def test_scenario_changes_refuse_overflow_and_unicode_digits_as_model_errors():
    from sroi.changes import CHANGE_ALLOWED, PARAMETERS, parse_change

    for written in ("*1e400", "*" + "9" * 400, "+" + "9" * 400 + "%", "*²", "+٣", 10**400):
        with pytest.raises(ModelError) as info:  # also a ValueError, as before
            parse_change(written, PARAMETERS["value"])
        (problem,) = info.value.problems
        assert problem.value == written and CHANGE_ALLOWED in problem.allowed
    with pytest.raises(ValueError, match="deadweight must be between 0 and 1"):
        parse_change(1.5, PARAMETERS["deadweight"])
    assert parse_change("*" + "9" * 300, PARAMETERS["value"]).amount == float("9" * 300)


# -- rates and fractions written as percentages ------------------------------------------


def test_percentages_in_a_model_read_as_the_fractions_they_show():
    """A model may write its rates as a spreadsheet shows them: "25%" or "25 %"."""
    as_fractions = hand_worked()
    as_percent = copy.deepcopy(as_fractions)
    as_percent["discount_rate"] = "3.5 %"
    outcome = as_percent["outcomes"][0]
    outcome.update(deadweight="25%", attribution="10 %", drop_off="10%", displacement="0%")
    a, b = sroi.evaluate(as_fractions), sroi.evaluate(as_percent)
    assert b.present_value == a.present_value
    # hand-worked: 100 x £1,000 x 0.75 x 0.9 = £67,500 in year 1, then 10 % drop-off a year,
    # discounted at 3.5 %: 67,500/1.035 + 60,750/1.035^2 + 54,675/1.035^3
    assert b.present_value == pytest.approx(
        67_500 / 1.035 + 60_750 / 1.035**2 + 54_675 / 1.035**3, rel=1e-12
    )
    assert b.model.outcomes[0].deadweight == 0.25 and b.model.discount_rate == 0.035
    assert sroi.evaluate(as_fractions, discount_rate="3.5%").present_value == a.present_value


def test_percentages_in_yearly_lists():
    assert parse_discount_rate("5%, 4 %") == (0.05, 0.04)
    assert parse_discount_rate([0.05, "4%"]) == (0.05, 0.04)


@pytest.mark.parametrize("given", ["125%", "-5%", "%", "25%%", "five %", "25"])
def test_percentages_out_of_range_or_malformed_are_refused_where_given(given):
    model = hand_worked()
    model["outcomes"][0]["deadweight"] = given
    with pytest.raises(ModelError) as info:
        sroi.evaluate(model)
    (problem,) = info.value.problems
    assert problem.location == "outcomes[0].deadweight" and problem.value == given


@given(st.decimals(min_value=0, max_value=100, places=3), st.sampled_from(["%", " %"]))
def test_a_percentage_is_its_number_over_100(number, sign):
    assert parse_fraction(f"{number}{sign}") == float(Decimal(number) / 100)
