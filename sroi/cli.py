"""The ``sroi`` command line: evaluate and validate model files, browse the proxy table.

::

    sroi evaluate MODEL [--discount-rate RATE] [--price-year YEAR] [--deflator SERIES|FILE]
                        [--extrapolate-deflator RATE] [--proxies CSV] [--format table|json|csv]
                        [--convention NAME=CHOICE]
    sroi validate MODEL [--proxies CSV] [--deflator SERIES|FILE] [--extrapolate-deflator RATE]
    sroi check MODEL [--threshold NAME=VALUE] [--format table|json|csv] [--discount-rate RATE]
                     [--price-year YEAR] [--deflator SERIES|FILE] [--proxies CSV]
    sroi template OUT [--rows N]
    sroi convert MODEL OUT [--format yaml|json|csv|xlsx|impact-map]
    sroi sensitivity MODEL [--parameter NAME ...] [--outcome ID] [--range LOW,HIGH]
                           [--target RATIO] [--only switching|one-way|scenarios]
                           [--tornado FILE] [--format table|json|csv] [--discount-rate RATE]
    sroi simulate MODEL [--draws N] [--seed S] [--histogram FILE] [--cumulative FILE]
                        [--format table|json|csv] [--discount-rate RATE]
    sroi report MODEL [--html FILE] [--xlsx FILE] [--md FILE] [--pdf FILE] [--discount-rate RATE]
                      [--price-year YEAR] [--deflator SERIES|FILE]
                      [--extrapolate-deflator RATE] [--proxies CSV]
                      [--no-sensitivity] [--draws N] [--seed S]
    sroi schema
    sroi proxies search TEXT [--limit N] [--category C] [--value-type T] [--bearer B]
                             [--proxies CSV]
    sroi proxies list [--category C] [--value-type T] [--bearer B] [--limit N]
                      [--proxies CSV]
    sroi proxies show ID [--proxies CSV]
    sroi compare MODEL... [--weights WEIGHTS] [--quality NAME=SCORE ...] [--take-from C]
                          [--discount-rate RATE] [--price-year YEAR] [--convention NAME=CHOICE]
                          [--format table|json|csv]
    sroi monitor PROMISE ACTUALS [--discount-rate RATE] [--format table|json|csv]
    sroi lm3 SPEND --income AMOUNT --local AREAS --respend SHARES [--deciles CSV]
                   [--format table|json|csv]
    sroi portfolio OUTCOMES INPUTS [--key K] [--discount-rate RATE] [--price-year YEAR]
                   [--by bearer|marmot_objective|group] [--format table|csv|json] [--out FILE]

``python -m sroi ...`` is the same command. ``sroi MODEL`` (a ``.yaml``, ``.yml`` or
``.json`` file, the form before there were subcommands) is short for ``sroi evaluate MODEL``.

Exit codes: 0 when all went well; 1 when the model is not valid, a proxy id is unknown, a
unit does not fit or a file is missing (any :class:`sroi.SROIError`); 2 for a usage error
(an unknown option, a malformed ``--discount-rate``). Errors are written to stderr as
plain text, one problem a line, never as a traceback.

Everything printed, on stdout and stderr, passes through
:func:`sroi.formatting.terminal_safe`: a control character in a model name, a description,
a proxy's note or a file name (an escape sequence that would recolour the terminal,
retitle its window or move the cursor) is shown written out (``\\x1b``), never obeyed. JSON
output is unaffected (``json.dumps`` already writes every control character as ``\\u001b``,
so the JSON keeps the exact text); in the table and CSV output the text shows the escape.

Examples
--------
>>> from click.testing import CliRunner
>>> run = CliRunner().invoke(cli, ["proxies", "search", "rough sleeping", "--limit", "1"])
>>> run.exit_code
0
>>> run.stdout.splitlines()[2].split()[:2]
['ucd_ho6_0_fiscal', '7,900.00']
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import textwrap
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from sroi._version import __version__
from sroi.conventions import Conventions
from sroi.errors import ModelError, SROIError, SROIWarning
from sroi.formatting import describe_bearers, money, number, percent, quantity, terminal_safe
from sroi.parsing import (
    DISCOUNT_RATE_TEXT_ALLOWED,
    message_of,
    parse_discount_rate_text,
    parse_price_year,
    rate_from_text,
)
from sroi.proxies import Proxy, ProxyTable, load, read_table
from sroi.proxies.deflators import (
    DEFAULT_SERIES,
    EXTRAPOLATE_ALLOWED,
    SERIES,
    DeflatorSeries,
    deflator_series,
    parse_extrapolation,
)
from sroi.vocabulary import CATEGORIES, DISCOUNT_SCHEDULES, VALUE_TYPES

if TYPE_CHECKING:  # pragma: no cover
    from sroi.result import Result

__all__ = ["cli", "main"]


def evaluate(model: Any, **options: Any) -> Result:
    """:func:`sroi.evaluate`, imported on first use: ``sroi --version`` and ``--help``
    read no model, so they import neither numpy nor pydantic for it."""
    from sroi.evaluation import evaluate as evaluated

    return evaluated(model, **options)


CONVENTION_NAMES = tuple(f.name for f in dataclasses.fields(Conventions))
"""The conventions ``--convention NAME=CHOICE`` names."""

_MODEL_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".zip")
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# --------------------------------------------------------------------------------------
# Errors: SROIError and missing files -> exit 1, readable text on stderr


def _echo(text: str, *, err: bool = False) -> None:
    """Print a line, its control characters written out (:func:`terminal_safe`)."""
    click.echo(terminal_safe(text), err=err)


class _Failure(click.ClickException):
    """An error in the user's input (not in the command line): exit status 1."""

    exit_code = 1

    def format_message(self) -> str:
        text = terminal_safe(self.message)
        if not _stderr_is_terminal():
            return text  # a log or a pipe keeps each problem on one line
        # click writes "Error: " before the message: the first line has that much less room
        width = _terminal_width()
        lines = _wrapped_lines(text.split("\n"), width, first_width=width - len("Error: "))
        return "\n".join(lines)


def _stderr_is_terminal() -> bool:
    """Whether stderr is a terminal (where warnings and errors are wrapped to its width)."""
    import sys

    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def _safe_messages() -> Iterator[None]:
    """Write out control characters in click's own messages (a usage error quotes what
    was typed, an unexpected argument among it)."""
    try:
        yield
    except click.ClickException as exc:
        exc.message = terminal_safe(exc.message)
        if isinstance(exc, click.NoSuchOption) and exc.possibilities and exc.ctx is not None:
            # "Did you mean" never suggests a hidden option (evaluate's --json).
            hidden = {
                name
                for param in exc.ctx.command.params
                if getattr(param, "hidden", False)
                for name in param.opts
            }
            exc.possibilities = [p for p in exc.possibilities if p not in hidden]
        raise


@contextmanager
def _reported(what: str | None = None) -> Iterator[None]:
    """Turn sroi's errors and missing files into exit 1 with their message on stderr.

    Warnings raised inside (an :class:`sroi.SROIWarning` such as total deductions above
    90 %) are written to stderr as ``Warning: ...`` lines, without Python's file and line.
    """
    prefix = f"{what}: " if what else ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SROIWarning)
        try:
            yield
        except FileNotFoundError as exc:
            raise _Failure(f"{what or exc.filename}: no such file") from None
        except IsADirectoryError as exc:
            raise _Failure(f"{what or exc.filename}: is a directory, not a file") from None
        except OSError as exc:
            raise _Failure(f"{what or exc.filename}: cannot be read ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            # A reader that let a decoding error through: still the file's fault, not ours.
            raise _Failure(
                f"{what or 'a file'}: cannot be read: it is not {exc.encoding} text "
                f"(byte {exc.start:,} is {exc.object[exc.start : exc.start + 1]!r})"
            ) from None
        except SROIError as exc:
            # A ModelError names its own file; others (an unknown proxy) get the file here.
            text = str(exc)
            if isinstance(exc, ModelError) and what and what in text:
                prefix = ""
            raise _Failure(prefix + text) from None
        finally:
            for w in caught:
                _echo(_warning_text(str(w.message)), err=True)


def _warning_text(message: str) -> str:
    """``Warning: ...``; on a terminal, wrapped to its width (continuation lines indented),
    in a log or a pipe kept on one line."""
    if not _stderr_is_terminal():
        return f"Warning: {message}"
    return "\n".join(
        line
        for n, paragraph in enumerate(message.splitlines() or [""])
        for line in textwrap.wrap(
            ("Warning: " if n == 0 else "") + paragraph,
            width=_terminal_width(),
            initial_indent="" if n == 0 else "  ",
            subsequent_indent="  ",
        )
    )


# --------------------------------------------------------------------------------------
# Parameter types


class _DiscountRate(click.ParamType):
    """A constant rate, a schedule name or comma-separated yearly rates.

    Read by :func:`sroi.parsing.parse_discount_rate_text`: the rates a model accepts.
    """

    name = "rate"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float | str | tuple[float, ...]:
        if not isinstance(value, str):
            return value
        try:
            return parse_discount_rate_text(value)
        except ModelError:
            self.fail(f"{value!r} is not {DISCOUNT_RATE_TEXT_ALLOWED}", param, ctx)


class _PriceYear(click.ParamType):
    """A calendar year (2024) or a financial year (2024/25).

    Read by :func:`sroi.parsing.parse_price_year`, the rule a model's ``price_year`` follows,
    and refused with the same message.
    """

    name = "year"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | str:
        try:
            return parse_price_year(value).plain
        except ModelError as exc:
            self.fail(f"{message_of(exc)} (got {value!r})", param, ctx)


_MODEL = click.argument("model", metavar="MODEL", type=click.Path())
_PROXIES = click.option(
    "--proxies",
    "proxy_csv",
    metavar="CSV",
    type=click.Path(dir_okay=False),
    help="Your own proxy table (same columns as the bundled one), merged over the bundled "
    "table: your row wins for an id in both.",
)


class _Deflator(click.ParamType):
    """A bundled GDP deflator series (``hmt``, ``hmt_dec2025``, ``ucd``) or a file of one's own.

    A bundled name, or anything that is a file or is named like one (``.csv``, ``.xlsx``),
    is kept; the file is read later, where a missing or invalid file exits with 1. Any
    other word is a usage error (exit 2).
    """

    name = "series|file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        path = Path(text)
        if text in SERIES or path.exists() or path.suffix.lower() in (".csv", ".txt", ".xlsx"):
            return text
        self.fail(
            f"{value!r} is neither a bundled series ({', '.join(SERIES)}) nor a deflator "
            "file (.csv or .xlsx, with the columns year and index)",
            param,
            ctx,
        )


class _YearlyRate(click.ParamType):
    """A yearly rate at which to project the deflator series beyond its last year."""

    name = "rate"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float | None:
        try:
            if isinstance(value, str) and value.strip().endswith("%"):
                value = rate_from_text(value)  # 2% as 0.02, as every rate on the command line
            return parse_extrapolation(value, "--extrapolate-deflator")
        except (ModelError, ValueError):
            self.fail(f"{value!r} is not {EXTRAPOLATE_ALLOWED}", param, ctx)


_DEFLATOR_OPTIONS = (
    click.option(
        "--deflator",
        type=_Deflator(),
        default=DEFAULT_SERIES,
        show_default=True,
        metavar="SERIES|FILE",
        help="GDP deflator series used to move proxies and amounts between price years: "
        + ", ".join(SERIES)
        + " (bundled; hmt is HM Treasury's of March 2026, financial years 2000/01-2030/31, "
        "2025/26 on OBR forecasts), or a CSV or Excel file of your own with the columns "
        "year and index (and optionally status, vintage, source).",
    ),
    click.option(
        "--extrapolate-deflator",
        "extrapolate_deflator",
        type=_YearlyRate(),
        metavar="RATE",
        help="Project the deflator series beyond its last year at this yearly rate (0.02 "
        "or 2%); off unless given. Every figure that uses a projected year says so.",
    ),
)


def _deflator_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--deflator`` and ``--extrapolate-deflator``."""
    for option in reversed(_DEFLATOR_OPTIONS):
        command = option(command)
    return command


def _deflator(deflator: str, rate: float | None) -> DeflatorSeries:
    """The series ``--deflator`` names, projected at ``--extrapolate-deflator``; a missing
    or invalid file exits with 1, every problem of the file listed."""
    with _reported(None if deflator in SERIES else deflator):
        return deflator_series(deflator, extrapolate=rate)


class _Convention(click.ParamType):
    """``NAME=CHOICE``: one named convention (``discount_timing=mid_year``)."""

    name = "name=choice"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, Any]:
        if isinstance(value, tuple):
            return value
        name, sep, choice = str(value).partition("=")
        name, choice = name.strip(), choice.strip()
        if not sep or not name or not choice:
            self.fail(
                f"{value!r} is not NAME=CHOICE (e.g. discount_timing=mid_year); names: "
                + ", ".join(CONVENTION_NAMES),
                param,
                ctx,
            )
        parsed: Any = int(choice) if name == "valuation_year" and choice.isdigit() else choice
        try:
            Conventions.parse({name: parsed})
        except ModelError as exc:
            self.fail(message_of(exc), param, ctx)
        return name, parsed


_CONVENTIONS = click.option(
    "--convention",
    "-c",
    "conventions",
    type=_Convention(),
    multiple=True,
    metavar="NAME=CHOICE",
    help="Evaluate under a named convention, instead of the model's conventions block "
    "(options not given take their defaults); repeat for several: "
    "drop_off_from=first_year, partial_years=pro_rata, discount_timing=mid_year, "
    "deductions=additive, valuation_year=3.",
)


def _conventions(given: Sequence[tuple[str, Any]]) -> dict[str, Any] | None:
    """The ``--convention`` options as the mapping ``evaluate(conventions=...)`` takes."""
    return dict(given) if given else None


def _proxy_table(proxy_csv: str | None) -> ProxyTable | None:
    if proxy_csv is None:
        return None
    if not Path(proxy_csv).is_file():
        raise _Failure(f"{proxy_csv}: no such file")
    with _reported(proxy_csv):
        return read_table(proxy_csv)


# --------------------------------------------------------------------------------------
# The group


class _Group(click.Group):
    """A group where ``sroi MODEL ...`` means ``sroi evaluate MODEL ...``, and whose usage
    errors show what was typed with its control characters written out."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _safe_messages():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _safe_messages():
            return super().invoke(ctx)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and args[0].lower().endswith(_MODEL_SUFFIXES):
            args = ["evaluate", *args]
        return super().resolve_command(ctx, args)


def _evaluation_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that change how a model is evaluated: rate, price year, deflator, proxies."""
    for option in reversed(
        (
            click.option(
                "--discount-rate",
                "-r",
                type=_DiscountRate(),
                metavar="RATE",
                help="Override the model's discount rate: 0.035, 3.5% or '3.5 %', yearly "
                "rates separated by commas (0.05,0.04 or 5%,4%; the last carries on), or a "
                "schedule: " + ", ".join(DISCOUNT_SCHEDULES) + ".",
            ),
            click.option(
                "--price-year",
                "-p",
                type=_PriceYear(),
                metavar="YEAR",
                help="Present every figure at this price year (2024 or 2023/24; the bundled "
                "hmt deflators run to 2030/31, from 2025/26 on OBR forecasts), moving the "
                "model's amounts and proxies with the GDP deflator.",
            ),
            *_DEFLATOR_OPTIONS,
            _PROXIES,
        )
    ):
        command = option(command)
    return command


@click.group(cls=_Group, context_settings=_CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="sroi")
def cli() -> None:
    """Social return on investment (SROI): evaluate impact maps, test how sure they are,
    browse financial proxies.

    A model is a file with inputs and outcomes: YAML or JSON (see `sroi schema` and the
    examples/ folder), an Excel workbook (the library's layout or an impact map laid out as
    the SROI Guide's), a folder of CSV tables, or a .zip of them. `sroi MODEL` is short for
    `sroi evaluate MODEL`.

    Exit status: 0 ok; 1 the model is not valid, a proxy id is unknown, a unit does not fit
    or a file is missing; 2 the command line is wrong.
    """


# --------------------------------------------------------------------------------------
# evaluate


def _as_csv(result: Result) -> str:
    """The impact map as CSV, text cells guarded by the one formula-injection rule.

    A share of the present value that is not a finite number (benefits and disbenefits
    that cancel out to nearly nothing) is left blank, as the reports leave it.
    """
    import pandas as pd

    from sroi.io.cells import protect
    from sroi.report._common import require_finite, share

    require_finite(result, "the CSV output")
    table = result.by_outcome
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(lambda v: protect(v) if isinstance(v, str) else v)
    table["share_of_present_value"] = [
        share(x, 1.0) for x in table["share_of_present_value"].astype(float)
    ]
    return table.to_csv(index=False, lineterminator="\n")


def _as_json(result: Result) -> str:
    """Everything (:meth:`Result.to_dict`) as JSON; every string escaped as JSON does
    (``ensure_ascii``), so the text holds no control character and the JSON stays valid."""
    from sroi.report._common import require_finite

    require_finite(result, "the JSON output", shares=True)
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=True, allow_nan=False)


def _as_table(result: Result) -> str:
    """The readable summary (:meth:`Result.summary`), which shows every share as it is."""
    from sroi.report._common import require_finite

    require_finite(result, "the summary", shares=True)
    return result.summary(width=_terminal_width())


_FORMATS: dict[str, Callable[[Result], str]] = {
    "table": _as_table,
    "json": _as_json,
    "csv": _as_csv,
}


@cli.command("evaluate", short_help="Evaluate a model: PV, NPV, SROI ratio, payback.")
@_MODEL
@_evaluation_options
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(tuple(_FORMATS)),
    default="table",
    show_default=True,
    help="table: a readable summary; json: everything, stamped with the version and "
    "parameters; csv: the impact map, one row per outcome.",
)
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as --format json.")
@_CONVENTIONS
def evaluate_command(
    model: str,
    discount_rate: float | str | tuple[float, ...] | None,
    price_year: int | str | None,
    deflator: str,
    extrapolate_deflator: float | None,
    proxy_csv: str | None,
    fmt: str,
    as_json: bool,
    conventions: tuple[tuple[str, Any], ...],
) -> None:
    """Evaluate MODEL: present value, NPV, SROI ratio, payback and the impact map.

    \b
    Examples:
      sroi evaluate examples/council_contract.yaml
      sroi evaluate model.yaml --discount-rate green_book --price-year 2023/24
      sroi evaluate model.yaml --format json > result.json
      sroi evaluate model.yaml --proxies my_licensed_values.csv --format csv
      sroi evaluate model.yaml --price-year 2026/27 --deflator my_deflators.csv
      sroi evaluate their_impact_map.xlsx --convention drop_off_from=first_year
    """
    table = _proxy_table(proxy_csv)
    series = _deflator(deflator, extrapolate_deflator)
    with _reported(model):
        result = evaluate(
            model,
            discount_rate=discount_rate,
            price_year=price_year,
            deflator=series,
            proxies=table,
            conventions=_conventions(conventions),
        )
        text = _FORMATS["json" if as_json else fmt](result)
    _echo(text.rstrip("\n"))


# --------------------------------------------------------------------------------------
# validate


@cli.command(short_help="Check a model; list every problem with its location.")
@_MODEL
@_PROXIES
@_deflator_options
def validate(
    model: str, proxy_csv: str | None, deflator: str, extrapolate_deflator: float | None
) -> None:
    """Check MODEL without printing figures: every problem is listed with its location.

    Checks the file format, every field, that each proxy id is in the table and its unit
    fits the outcome's quantity, and that the investment is not zero. Exit status 0 if
    the model is valid, 1 if not.

    An impact map laid out as the SROI Guide's is read as it is, and the reading is
    printed: the columns recognised, every total row checked against the rows it totals,
    every Impact cell compared with sroi's figure, and every cell not read, with why.

    \b
    Examples:
      sroi validate examples/council_contract.yaml
      sroi validate docs/examples/officer_impact_map.xlsx
    """
    from sroi.io import read_model_report

    table = _proxy_table(proxy_csv)
    series = _deflator(deflator, extrapolate_deflator)
    with _reported(model):
        reading = read_model_report(model)
        for warning in reading.warnings:
            warnings.warn(warning, stacklevel=1)
        # one round: fields, proxy ids, units and a zero investment are reported together
        m = evaluate(reading.model, proxies=table, deflator=series).model
    n, k = len(m.outcomes), len(m.inputs)
    _echo(f"{model}: valid ({n} outcome{'s' if n != 1 else ''}, {k} input{'s' if k != 1 else ''})")
    if reading.layout == "impact-map":
        _echo(reading.summary())


# --------------------------------------------------------------------------------------
# check: the claims check


class _Threshold(click.ParamType):
    """``NAME=VALUE``: one threshold of the claims check (``materiality=0.02``)."""

    name = "name=value"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, Any]:
        from sroi.claims import THRESHOLDS

        if isinstance(value, tuple):
            return value
        name, sep, text = str(value).partition("=")
        name, text = name.strip(), text.strip()
        if not sep or name not in THRESHOLDS:
            self.fail(
                f"{value!r} is not NAME=VALUE with NAME one of " + ", ".join(THRESHOLDS),
                param,
                ctx,
            )
        if name == "data_ages":
            return name, tuple(a.strip() for a in text.split(",") if a.strip())
        try:
            # a share may be written as a percentage (materiality=2%); a duration may not
            return name, float(text) if name == "long_duration" else rate_from_text(text)
        except ValueError:
            self.fail(f"{value!r}: {name} must be a number", param, ctx)


def _findings_text(model: str, findings: Any, fmt: str) -> str:
    """The claims check's findings as a readable list, JSON or CSV."""
    thresholds = findings.attrs.get("thresholds", {})
    if fmt == "json":
        return json.dumps(
            {
                "model": model,
                "thresholds": thresholds,
                "findings": findings.to_dict("records"),
            },
            indent=2,
            ensure_ascii=True,
        )
    if fmt == "csv":
        from sroi.io.cells import protect

        table = findings.copy()
        for column in table.columns:
            table[column] = table[column].map(lambda v: protect(v) if isinstance(v, str) else v)
        return table.to_csv(index=False, lineterminator="\n")
    counts = findings["severity"].value_counts()
    n = len(findings)
    if n:
        by = ", ".join(f"{counts[s]} {s}" for s in ("high", "medium", "low") if s in counts)
        lines = [f"{model}: {n} finding{'s' if n != 1 else ''} ({by})", ""]
    else:
        lines = [f"{model}: no findings", ""]
    for i, row in enumerate(findings.itertuples(), start=1):
        where = f"{row.location} {row.outcome}" if isinstance(row.outcome, str) else "the model"
        lines += textwrap.wrap(
            f"{i}. [{row.severity}] {where}: {row.principle} ({row.rule})",
            width=_terminal_width(),
            subsequent_indent="   ",
        )
        lines += textwrap.wrap(
            row.finding, width=_terminal_width(), initial_indent="   ", subsequent_indent="   "
        )
    if n:
        lines.append("")
    shown = [
        f"{k} {', '.join(v) if isinstance(v, list) else format(v, 'g')}"
        for k, v in thresholds.items()
    ]
    lines += textwrap.wrap(
        "Thresholds: " + "; ".join(shown), width=_terminal_width(), subsequent_indent="  "
    )
    return "\n".join(lines)


@cli.command("check", short_help="Check a claim: what looks inflated, and why.")
@_MODEL
@_evaluation_options
@click.option(
    "--threshold",
    "-t",
    "thresholds",
    type=_Threshold(),
    multiple=True,
    metavar="NAME=VALUE",
    help="Change a rule's threshold; repeat for several: max_deductions=0.9, "
    "long_duration=3, max_outcome_share=0.5, max_wellbeing_share=0.5, "
    "data_ages=green,amber, max_transfer_share=0, materiality=0.01.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
    help="table: a readable list; json: the findings and thresholds; csv: one row a finding.",
)
def check_command(
    model: str,
    discount_rate: float | str | tuple[float, ...] | None,
    price_year: int | str | None,
    deflator: str,
    extrapolate_deflator: float | None,
    proxy_csv: str | None,
    thresholds: tuple[tuple[str, Any], ...],
    fmt: str,
) -> None:
    """Check the claim of MODEL: the findings that suggest it is inflated, and why.

    Each finding names the SROI principle it serves (do not over-claim; be transparent;
    only include what is material; value the things that matter), its severity and the
    outcome it concerns: no deductions at all, deductions above 90 %, long durations with
    no drop-off, the same change valued twice (fiscal and wellbeing), transfer payments
    counted as value, old proxies, one outcome or wellbeing values carrying most of the
    value, a proxy converted from another unit, immaterial outcomes. Findings are for
    judgement: the exit status is 0 whatever is found, 1 if the model is not valid.

    \b
    Examples:
      sroi check model.yaml
      sroi check model.yaml --threshold materiality=0.02 --threshold long_duration=5
      sroi check model.yaml --format csv > findings.csv
    """
    from sroi.claims import check

    table = _proxy_table(proxy_csv)
    series = _deflator(deflator, extrapolate_deflator)
    with _reported(model):
        result = evaluate(
            model,
            discount_rate=discount_rate,
            price_year=price_year,
            deflator=series,
            proxies=table,
        )
        findings = check(result, **dict(thresholds))
    _echo(_findings_text(model, findings, fmt).rstrip("\n"))


# --------------------------------------------------------------------------------------
# template and convert


@cli.command(short_help="Write a blank impact map (.xlsx) to fill in.")
@click.argument("out", metavar="OUT", type=click.Path(dir_okay=False))
@click.option(
    "--rows",
    type=click.IntRange(1, 10_000),
    default=30,
    show_default=True,
    help="How many blank rows to lay out, each with its Impact formula.",
)
def template(out: str, rows: int) -> None:
    """Write OUT, a blank impact map laid out as the SROI Guide's, to fill in.

    The Guide's four stages side by side (stakeholders and changes; inputs, outputs and
    outcomes; indicators, quantities, durations and financial proxies; deadweight,
    displacement, attribution, leakage, drop-off and impact), an Impact formula on every
    row and a Total row, percentages limited to 0-100 %, proxy ids from the bundled table
    and the fixed choices in drop-down lists, and a Model sheet for the name, price year
    and discount rate. Fill it in and run `sroi evaluate OUT`. Needs
    pip install 'sroi[excel]'.

    \b
    Examples:
      sroi template impact_map.xlsx
      sroi template impact_map.xlsx --rows 100
    """
    try:
        from sroi.io.sector_map import template_workbook

        book = template_workbook(rows)
    except ImportError as exc:
        raise _Failure(str(exc)) from None
    try:
        book.save(out)
    except OSError as exc:
        raise _Failure(f"{out}: cannot be written ({exc.strerror or exc})") from None
    _echo(f"Wrote {out}", err=True)


@cli.command(short_help="Write a model in another format (an impact map, YAML, CSV ...).")
@_MODEL
@click.argument("out", metavar="OUT", type=click.Path())
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("yaml", "json", "csv", "xlsx", "impact-map")),
    default=None,
    help="The format to write; default from OUT's suffix (.yaml, .json, .xlsx, .zip, or a "
    "folder of CSV tables). impact-map: a workbook laid out as the SROI Guide's impact map, "
    "with live formulas.",
)
def convert(model: str, out: str, fmt: str | None) -> None:
    """Read MODEL and write it to OUT in another format; it reads back to the same model.

    \b
    Examples:
      sroi convert their_impact_map.xlsx model.yaml
      sroi convert model.yaml impact_map.xlsx --format impact-map
    """
    from sroi.io import read_model, write_model

    with _reported(model):
        m = read_model(model)
    with _reported(out):
        try:
            written = write_model(m, out, format=fmt)
        except ImportError as exc:
            raise _Failure(str(exc)) from None
    _echo(f"Wrote {written}", err=True)


# --------------------------------------------------------------------------------------
# sensitivity and simulate


def _terminal_width() -> int:
    """The terminal's width [characters] (``COLUMNS`` if set), kept within 60-160."""
    return min(max(shutil.get_terminal_size((100, 24)).columns, 60), 160)


def _fit_table(
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[int] = (),
    wrap: int | None = None,
    width: int | None = None,
    narrow: Sequence[int] = (),
    above: int | None = None,
    floor: int = 20,
) -> str:
    """Rows as aligned text that fits ``width`` (default the terminal's).

    Columns in ``right`` are right-aligned. The columns in ``narrow`` (names) are wrapped
    first (the widest first, each no more than needed, down to ``floor`` characters or
    its longest word) when the table would be wider than the terminal; then the column
    ``wrap`` (free text, the last) is wrapped onto further lines; when even that leaves
    it too narrow, it goes under its row, indented, as a line of its own that starts with
    the column's heading. If the table is still too wide, the column
    ``above`` (an id that cannot be wrapped) goes on a line of its own above each row,
    the row's other cells indented under it.
    """
    width = _terminal_width() if width is None else width
    groups = _table_lines(
        head, rows, right=right, wrap=wrap, width=width, narrow=narrow, floor=floor
    )
    if above is not None and max(len(line) for g in groups for line in g) > width:
        keep = [i for i in range(len(head)) if i != above]
        at = {i: k for k, i in enumerate(keep)}
        groups = _table_lines(
            [head[i] for i in keep],
            [[row[i] for i in keep] for row in rows],
            right=[at[i] for i in right if i in at],
            wrap=at.get(wrap) if wrap is not None else None,
            width=width - 2,
            narrow=[at[i] for i in narrow if i in at],
            floor=floor,
        )
        labels = [head[above], None, *(row[above] for row in rows)]
        groups = [
            [*([] if label is None else [terminal_safe(label)]), *("  " + line for line in g)]
            for label, g in zip(labels, groups, strict=True)
        ]
    return "\n".join(line for g in groups for line in g)


_CELL_GAP = re.compile(r"\s{2,}")
_FIGURE = re.compile(r"^[-+(]?[£$€]?[-+]?[0-9.,]+[%)]?$|^-$")


def _fitted(text: str, width: int | None = None) -> str:
    """Text from a library's summary made to fit ``width`` (default the terminal's): a
    line of prose that is too wide is wrapped; a table that is too wide (lines whose
    cells are separated by two spaces or more, the same number on each line) is laid out
    again with :func:`_fit_table`, its headings and names wrapped within their columns.
    Nothing is dropped; text that fits is left as it is."""
    width = _terminal_width() if width is None else width
    out: list[str] = []
    for whole in re.split(r"(\n\s*\n)", text):
        block = whole.rstrip("\n")
        lines = block.split("\n")
        if block.strip() == "" or max(len(line) for line in lines) <= width:
            out.append(whole)
        else:
            out.append(_fitted_block(lines, width) + whole[len(block) :])
    return "".join(out)


_KEEP = "\u00a0"
"""A space that :mod:`textwrap` does not break at (a no-break space), put back as a space."""


def _wrapped_lines(
    lines: Sequence[str], width: int, *, first_width: int | None = None
) -> list[str]:
    """Lines of prose wrapped to ``width`` (the first line to ``first_width``, when
    something is written before it), each keeping its indent, continuations indented two
    more; a line that fits is kept as it is."""
    found = []
    for n, line in enumerate(lines):
        room = first_width if n == 0 and first_width is not None else width
        if len(line) <= room:
            found.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()))
        # a figure and its unit stay together ("25 %", not "25" at the end of a line)
        text = re.sub(r"(?<=\d) (?=%)", _KEEP, line.strip())
        wrapped = textwrap.wrap(
            text,
            room,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        if n == 0 and first_width is not None and len(wrapped) > 1:
            # the rest of the first line has the whole width
            rest = " ".join(wrapped[1:]).strip()
            wrapped = wrapped[:1] + textwrap.wrap(
                rest,
                width,
                initial_indent=indent + "  ",
                subsequent_indent=indent + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        found += [w.replace(_KEEP, " ") for w in wrapped] or [""]
    return found


def _fitted_block(lines: Sequence[str], width: int) -> str:
    """One block of :func:`_fitted` (no blank line in it) that is too wide."""
    cells = [_CELL_GAP.split(line.strip()) for line in lines]
    tables = [i for i, row in enumerate(cells) if len(row) > 2]
    start = tables[0] if tables else len(lines)
    body = cells[start:]
    if len(body) < 2 or any(len(row) != len(body[0]) for row in body):
        return "\n".join(_wrapped_lines(lines, width))
    indent = min(len(line) - len(line.lstrip()) for line in lines[start:])
    head, *rows = body
    right = [i for i in range(len(head)) if all(_FIGURE.match(row[i]) for row in rows)]
    table = _fit_table(
        head, rows, right=right, width=width - indent, narrow=range(len(head)), floor=0
    ).split("\n")
    if max(map(len, table)) + indent > width:
        indent = 0
    return "\n".join([*_wrapped_lines(lines[:start], width), *(" " * indent + t for t in table)])


def _table_lines(
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[int],
    wrap: int | None,
    width: int,
    narrow: Sequence[int],
    floor: int,
) -> list[list[str]]:
    """The lines of :func:`_fit_table`, grouped: the heading's, the rule's, then each
    row's."""
    cells = [[terminal_safe(c) for c in row] for row in [head, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]

    def others() -> int:
        return sum(w for i, w in enumerate(widths) if i != wrap) + 2 * (len(head) - 1)

    # free text that would leave too little room goes under its row rather than squeeze
    # the names
    below = wrap is not None and width - others() < 16 and widths[wrap] > width - others()
    for col in sorted(narrow, key=lambda c: -widths[c]):
        longest_word = max((len(w) for row in cells for w in row[col].split()), default=1)
        kept = 0 if below or wrap is None else min(widths[wrap], 16) + 2
        excess = others() - (2 if below else 0) + kept - width
        if excess > 0:
            widths[col] = min(widths[col], max(widths[col] - excess, floor, longest_word))
    wrapped = {*narrow, *(() if wrap is None else (wrap,))}
    if wrap is not None and not below:
        widths[wrap] = min(widths[wrap], max(width - others(), 16))

    def lines(row: Sequence[str], rule: bool = False) -> list[str]:
        shown = [c for i, c in enumerate(row) if not (below and i == wrap)]
        sizes = [w for i, w in enumerate(widths) if not (below and i == wrap)]
        aligned = [i for i in range(len(row)) if not (below and i == wrap)]
        parts = [
            (textwrap.wrap(c, sizes[k], break_long_words=False) or [""])
            if aligned[k] in wrapped
            else [c]
            for k, c in enumerate(shown)
        ]
        out = []
        for n in range(max(len(p) for p in parts)):
            line = [p[n] if n < len(p) else "" for p in parts]
            out.append(
                "  ".join(
                    c.rjust(sizes[k]) if aligned[k] in right else c.ljust(sizes[k])
                    for k, c in enumerate(line)
                ).rstrip()
            )
        if below and not rule and wrap is not None and row[wrap]:
            out += textwrap.wrap(
                f"{cells[0][wrap]}: {row[wrap]}",
                width,
                initial_indent="    ",
                subsequent_indent="      ",
            )
        return out

    return [
        lines(cells[0], rule=True),
        lines(["-" * w for w in widths], rule=True),
        *(lines(row) for row in cells[1:]),
    ]


_PARAMETER_NAMES = (
    "quantity",
    "value",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
    "duration",
    "investment",
    "discount_rate",
)
_FRACTIONS = ("deadweight", "displacement", "attribution", "drop_off", "discount_rate")
_PARAMETER_LABELS = {"drop_off": "drop-off", "discount_rate": "discount rate"}


def _missing(x: Any) -> bool:
    """None, pandas' NA or NaN: a figure that is not there."""
    if x is None or str(x) == "<NA>":
        return True
    return isinstance(x, float) and x != x


def _setting_text(parameter: str, x: Any, currency: str) -> str:
    """A parameter's setting as people read it: 25.0%, £1,000.00, 3 years, 100."""
    if _missing(x):
        return ""
    x = float(x)
    if parameter in _FRACTIONS:
        return percent(x)
    if parameter in ("value", "investment"):
        return money(x, currency)
    if parameter == "duration":
        return f"{x:g} year" + ("" if x == 1 else "s")
    return quantity(x)


def _change_text(parameter: str, change: Any, relative: Any) -> str:
    """How far a switching value is from the setting: points for a fraction, years for
    a duration, a percentage otherwise."""
    if _missing(change):
        return ""
    if parameter in _FRACTIONS:
        return f"{100 * float(change):+.1f} points"
    if parameter == "duration":
        return f"{float(change):+g} year" + ("" if abs(float(change)) == 1 else "s")
    return "" if _missing(relative) else f"{100 * float(relative):+.1f}%"


class _Change(click.ParamType):
    """``LOW,HIGH``: the two ends of the one-way analysis, each a change as in a scenario
    (``-20%``, ``+0.1``, ``*0.8``) or a setting (``0.1``)."""

    name = "low,high"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[Any, Any]:
        from sroi.changes import parse_change

        if isinstance(value, tuple):
            return value
        parts = [p.strip() for p in str(value).split(",")]
        ends: list[Any] = []
        try:
            if len(parts) != 2:
                raise ValueError
            for part in parts:
                written: Any = part if part[:1] in "+-*" or part.endswith("%") else float(part)
                parse_change(written)
                ends.append(written)
        except (ValueError, ModelError):
            self.fail(
                f"{value!r} is not LOW,HIGH: two changes such as -20%,+20% or -0.1,+0.1 or "
                "*0.8,*1.2, or two settings such as 0.1,0.4",
                param,
                ctx,
            )
        return ends[0], ends[1]


def _warned(caught: list[warnings.WarningMessage]) -> list[str]:
    """The text of the warnings caught, each also written to stderr as ``Warning: ...``."""
    texts = [str(w.message) for w in caught]
    for text in texts:
        _echo(_warning_text(text), err=True)
    return texts


@contextmanager
def _collected(what: str) -> Iterator[list[warnings.WarningMessage]]:
    """:func:`_reported`, keeping the warnings for the JSON output as well (write them
    with :func:`_warned`); on an error they are written to stderr before it."""
    kept: list[warnings.WarningMessage] = []
    with _reported(what), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SROIWarning)
        try:
            yield kept
        except BaseException:
            _warned(caught)
            raise
        kept.extend(caught)


def _save_chart(path: str, draw: Callable[[], Any]) -> None:
    """Draw a chart and save it to ``path`` (PNG, SVG or PDF by its suffix); a missing
    matplotlib is a clear exit 1."""
    try:
        import matplotlib
    except ImportError:
        raise _Failure(
            f"{path}: charts need matplotlib, an optional dependency: pip install 'sroi[plot]'"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = draw()
    try:
        ax.figure.savefig(path, dpi=150)
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or exc
        raise _Failure(f"{path}: cannot be written ({why})") from None
    finally:
        plt.close(ax.figure)
    _echo(f"Wrote {path}", err=True)


@cli.command(short_help="Switching values and one-way sensitivity (tornado).")
@_MODEL
@click.option(
    "--parameter",
    "-P",
    "parameters",
    type=click.Choice(_PARAMETER_NAMES),
    multiple=True,
    metavar="NAME",
    help="Only this parameter (repeat for several); default all of them: "
    + ", ".join(_PARAMETER_NAMES)
    + ".",
)
@click.option(
    "--outcome",
    "-o",
    metavar="ID",
    help="Move only this outcome's figures (its id); default every outcome together.",
)
@click.option(
    "--range",
    "ends",
    type=_Change(),
    default=None,
    metavar="LOW,HIGH",
    help="The same low and high ends for every parameter of the one-way analysis: changes as "
    "in a scenario (-20%,+20% moves each figure 20 % down and up; -0.1,+0.1 ten points; "
    "*0.8,*1.2) or settings. Default the report's steps: deductions 10 points, the values "
    "of the largest outcomes and the investment 20 %, durations 1 year down and up.",
)
@click.option(
    "--target",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    metavar="RATIO",
    help="The ratio the switching values reach (1 is break-even).",
)
@click.option(
    "--only",
    type=click.Choice(("switching", "one-way", "scenarios")),
    help="Only the switching values, the one-way analysis or the model's scenarios (csv "
    "needs one of them).",
)
@click.option(
    "--tornado",
    "tornado_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Also draw the tornado chart to FILE (.png, .svg or .pdf); needs "
    "pip install 'sroi[plot]'.",
)
@_evaluation_options
@_CONVENTIONS
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
    help="table: readable text; json: every table and the settings; csv: one table (--only).",
)
def sensitivity(
    model: str,
    parameters: tuple[str, ...],
    outcome: str | None,
    ends: tuple[Any, Any] | None,
    target: float,
    only: str | None,
    tornado_path: str | None,
    discount_rate: Any,
    price_year: Any,
    deflator: str,
    extrapolate_deflator: float | None,
    proxy_csv: str | None,
    conventions: tuple[tuple[str, Any], ...],
    fmt: str,
) -> None:
    """How sure is the ratio of MODEL? Switching values, one-way sensitivity, scenarios.

    The switching values (the SROI Guide's sensitivity table; the Green Book's term) say
    how far each estimate of each outcome must move for the SROI ratio to fall (or rise)
    to --target, 1:1 unless given. The one-way analysis moves each estimate, one at a
    time, down and up (as the published report's tornado does: deductions 10 percentage
    points, the values of the six largest outcomes and the investment 20 %, durations 1
    year; or by --range) and gives the ratio at each, largest swing first: the tornado. A
    model with a scenarios block has each scenario evaluated beside the base.

    \b
    Examples:
      sroi sensitivity model.yaml
      sroi sensitivity model.yaml --parameter deadweight --parameter attribution
      sroi sensitivity model.yaml --range=-0.1,+0.1 --only one-way --format csv
      sroi sensitivity model.yaml --tornado tornado.png
    """
    from sroi.sensitivity import compare_scenarios, switching_values
    from sroi.sensitivity import tornado as tornado_table

    if fmt == "csv" and only is None:
        raise click.UsageError(
            "--format csv writes one table: give --only switching, one-way or scenarios"
        )
    chosen = parameters or _PARAMETER_NAMES
    options = dict(
        discount_rate=discount_rate,
        price_year=price_year,
        deflator=_deflator(deflator, extrapolate_deflator),
        proxies=_proxy_table(proxy_csv),
        conventions=_conventions(conventions),
    )
    with _collected(model) as caught:
        result = evaluate(model, **options)
        if outcome is not None and outcome not in result.model.outcome_ids:
            raise _Failure(
                f"{model}: no outcome with the id {outcome!r}; ids: "
                + ", ".join(result.model.outcome_ids)
            )
        m = result.model
        # A figure some outcome gives year by year cannot be moved yet: leave it out, and say so.
        profiles = {
            name
            for o in m.outcomes
            for name in (*_PARAMETER_NAMES[:5], "leakage")
            if isinstance(getattr(o, name, None), (list, tuple))
        }
        # ... and a profile fixes the years, so the duration stays as it is too.
        yearly = [n for n in chosen if n in profiles or (n == "duration" and profiles)]
        if yearly:
            chosen = tuple(name for name in chosen if name not in yearly)
            given = [n for n in yearly if n != "duration"]
            text = [f"{', '.join(given)} given year by year for some outcome: not moved"]
            if "duration" in yearly:
                text.append("duration not moved: the figures given year by year fix the years")
            warnings.warn(
                "; ".join(text) + " (sensitivity analysis of a yearly figure is not supported yet)",
                SROIWarning,
                stacklevel=1,
            )
        if not chosen:
            raise _Failure(f"{model}: no parameter left to move")
        switching = None
        if only in (None, "switching") and not yearly:
            switching = switching_values(m, target_ratio=target, **options)
        elif only in (None, "switching"):
            switching = _switching_table(m, chosen, outcome, target, options)
        if switching is not None:
            switching = switching[switching["parameter"].isin(chosen)]
            if outcome is not None:
                keep = switching["outcome"].isna() | (switching["outcome"] == outcome)
                switching = switching[keep]
            switching = switching.reset_index(drop=True)
        scenarios = None
        if only == "scenarios" and not m.scenarios:
            raise _Failure(f"{model}: has no scenarios (a scenarios: block) to evaluate")
        if only in (None, "scenarios") and m.scenarios:
            scenarios = compare_scenarios(m, **options)
        one_way = None
        if only in (None, "one-way") or tornado_path:
            one_way = tornado_table(
                m, _one_way_ranges(result, chosen, outcome, ends, bool(parameters)), **options
            )
    warned = _warned(caught)
    if tornado_path:
        from sroi import plots

        _save_chart(tornado_path, lambda: plots.tornado(one_way, result=result))
    where = f'the outcome "{_outcome_name(m, outcome)}"' if outcome else "every outcome"
    if ends is None:
        moved = "moved down and up by the report's steps"
    elif all(isinstance(e, str) for e in ends):
        moved = f"changed by {ends[0]} and by {ends[1]}"
    else:
        moved = f"set to {ends[0]} and {ends[1]}"
    if fmt == "json":
        data = {
            "model": m.name,
            "base_ratio": result.ratio,
            "target_ratio": target,
            "switching_values": switching.to_dict("records") if switching is not None else [],
            "one_way": {
                "low": ends[0] if ends else None,
                "high": ends[1] if ends else None,
                "moved": outcome or "all",
                "rows": (
                    one_way if ends is None else one_way.drop(columns=["low", "high"])
                ).to_dict("records")
                if one_way is not None
                else [],
            },
            "scenarios": [
                {"scenario": name, "changes": m.scenarios.get(name, {}), **row}
                for name, row in scenarios.to_dict("index").items()
            ]
            if scenarios is not None
            else [],
            "warnings": warned,
        }
        _echo(json.dumps(_json_ready(data), indent=2, ensure_ascii=True, allow_nan=False))
        return
    if fmt == "csv":
        frames = {"switching": switching, "one-way": one_way, "scenarios": scenarios}
        frame = frames[only] if only != "scenarios" else scenarios.reset_index()
        _echo(_frame_csv(frame, index=False).rstrip("\n"))
        return
    cur = result.currency
    out = textwrap.wrap(result._title(), width=_terminal_width())
    if switching is not None:
        out += [
            "",
            *textwrap.wrap(
                f"Switching values: where each estimate must move for the SROI ratio "
                f"({result.ratio:.2f} now) to reach {target:g}",
                width=_terminal_width(),
            ),
        ]
        rows = []
        for r in switching.itertuples():
            found = not _missing(r.switching_value)
            rows.append(
                (
                    _outcome_name(m, r.outcome) if isinstance(r.outcome, str) else "(model)",
                    _PARAMETER_LABELS.get(r.parameter, r.parameter),
                    _setting_text(r.parameter, r.base, cur),
                    _setting_text(r.parameter, r.switching_value, cur) if found else "none",
                    _change_text(r.parameter, r.change, r.relative_change),
                    _reason_text(r.reason or ""),
                )
            )
        out += [
            "",
            _fit_table(
                ("outcome", "parameter", "now", "switches at", "change", "note"),
                rows,
                right=(2, 3, 4),
                wrap=5,
                narrow=(0,),
            ),
        ]
    if one_way is not None and only in (None, "one-way"):
        ends_shown = [
            [_end_text(m, r.parameter, r.outcome, end) for end in (r.low, r.high)]
            for r in one_way.itertuples()
        ]
        footnotes = [note for row in ends_shown for _, note in row if note]
        out += [
            "",
            *textwrap.wrap(
                f"One-way sensitivity: each parameter {moved} on {where}, one at a time, the "
                f"others as in the model (ratio {result.ratio:.2f} now); largest swing first",
                width=_terminal_width(),
            ),
            "",
            _fit_table(
                ("estimate", "low", "high", "ratio low", "ratio high", "swing"),
                [
                    (
                        _estimate_text(m, r.parameter, r.outcome),
                        low[0],
                        high[0],
                        f"{r.ratio_low:.2f}",
                        f"{r.ratio_high:.2f}",
                        f"{r.swing:.2f}",
                    )
                    for r, (low, high) in zip(one_way.itertuples(), ends_shown, strict=True)
                ],
                right=(3, 4, 5),
                narrow=(0, 1, 2),
            ),
        ]
        if footnotes:
            out += [
                "",
                *textwrap.wrap(
                    "* Durations are whole years: " + "; ".join(footnotes) + ".",
                    width=_terminal_width(),
                ),
            ]
    if scenarios is not None:
        out += [
            "",
            *textwrap.wrap(
                "Scenarios: the model's own, each evaluated beside the base",
                width=_terminal_width(),
            ),
            "",
            _fit_table(
                ("scenario", "present value", "NPV", "ratio", "changes"),
                [
                    (
                        str(name),
                        money(r.present_value, cur),
                        money(r.npv, cur),
                        f"{r.ratio:.2f}",
                        _changes_text(m.scenarios.get(name, {})),
                    )
                    for name, r in zip(scenarios.index, scenarios.itertuples(), strict=True)
                ],
                right=(1, 2, 3),
                wrap=4,
            ),
        ]
    _echo("\n".join(out))


def _one_way_ranges(
    result: Result,
    chosen: Sequence[str],
    outcome: str | None,
    ends: tuple[Any, Any] | None,
    asked: bool,
) -> dict[Any, tuple[Any, Any]]:
    """The ranges of the one-way analysis: ``ends`` for every chosen parameter, or by
    default the report's (:func:`sroi.sensitivity.one_way.reading_ranges`), with quantity
    and discount rate (which the report leaves out) 20 % down and up when ``asked`` for
    by name (``--parameter``)."""
    from sroi.sensitivity.one_way import READING_STEPS, reading_ranges

    ranges: dict[Any, tuple[Any, Any]] = {}
    if ends is None:
        preset = reading_ranges(result)
        for key, steps in preset.items():
            name = key[0] if isinstance(key, tuple) else key
            if name not in chosen:
                continue
            if isinstance(key, tuple):
                if outcome is None or key[1] == outcome:
                    ranges[key] = steps
            elif outcome is not None and name != "investment":
                ranges[(name, outcome)] = steps
            else:
                ranges[key] = steps
        if outcome is not None and "value" in chosen:
            ranges.setdefault(("value", outcome), READING_STEPS["value"])
        for name in ("quantity", "discount_rate"):
            if name in chosen and asked:
                scoped = outcome is not None and name == "quantity"
                ranges[(name, outcome) if scoped else name] = ("-20%", "+20%")
        return ranges
    for name in chosen:
        scoped = outcome is not None and name not in ("investment", "discount_rate")
        ranges[(name, outcome) if scoped else name] = ends
    return ranges


def _outcome_name(m: Any, outcome: str) -> str:
    """An outcome as people read it: ``stakeholder: outcome`` (as ``Result.summary``)."""
    o = m.outcomes[m.outcome_ids.index(outcome)]
    return f"{o.stakeholder}: {o.outcome}"


_ESTIMATE_WORDS = {
    "quantity": "Quantity",
    "value": "Value a unit",
    "deadweight": "Deadweight",
    "displacement": "Displacement",
    "attribution": "Attribution",
    "drop_off": "Drop-off",
    "duration": "Years the outcome lasts",
    "investment": "Investment",
    "discount_rate": "Discount rate",
}


def _estimate_text(m: Any, parameter: str, outcome: Any) -> str:
    """A row of the one-way table: ``Value a unit of Tenants: Less stress``, ``Deadweight,
    every outcome``, ``Investment``."""
    words = _ESTIMATE_WORDS.get(parameter, parameter)
    if isinstance(outcome, str):
        return f"{words} of {_outcome_name(m, outcome)}"
    if parameter in ("investment", "discount_rate"):
        return words
    return f"{words}, every outcome"


_STEP_TEXT = {"-0.1": "-10 points", "+0.1": "+10 points", "-1": "1 year less", "+1": "1 year more"}


def _end_text(m: Any, parameter: str, outcome: Any, end: Any) -> tuple[str, str | None]:
    """One end of a one-way row as people read it (``-20 %``, ``+10 points``, ``1 year
    less``) and a note, or None: a duration moved by a proportion is rounded to whole
    years, so the note says what it became (``-20 % takes 3 years to 2 and leaves 1 and
    2 years as they are``) and the end is marked ``-20 %*``."""
    import numpy as np

    from sroi.changes import PARAMETERS, parse_change

    if not isinstance(end, str):
        return _setting_text(parameter, end, getattr(m, "currency", "")), None
    if parameter in _FRACTIONS and end[:1] in "+-" and not end.endswith("%"):
        return f"{100 * float(end):+g} points", None
    if end in _STEP_TEXT and parameter == "duration":
        return _STEP_TEXT[end], None
    shown = end[:-1] + " %" if end.endswith("%") else end
    if end.startswith("*"):
        shown = "x" + end[1:]
    if parameter != "duration" or (end[:1] != "*" and not end.endswith("%")):
        return shown, None
    change = parse_change(end, PARAMETERS["duration"])
    indices = (
        range(len(m.outcomes)) if not isinstance(outcome, str) else [m.outcome_ids.index(outcome)]
    )
    before = [float(m.outcomes[i].duration) for i in indices]
    after = [
        float(x) for x in np.atleast_1d(change.apply(np.asarray(before), PARAMETERS["duration"]))
    ]
    moves = sorted({(b, a) for b, a in zip(before, after, strict=True) if a != b})
    kept = sorted({b for b, a in zip(before, after, strict=True) if a == b})
    kept_text = " and ".join(f"{b:g}" for b in kept) + " year" + ("" if kept == [1.0] else "s")
    if not moves:
        return f"{shown}*", f"{shown} leaves every duration ({kept_text}) as it is"
    text = ", ".join(f"{b:g} year{'' if b == 1 else 's'} to {a:g}" for b, a in moves)
    return f"{shown}*", f"{shown} takes {text}" + (
        f" and leaves {kept_text} as {'it is' if len(kept) == 1 else 'they are'}" if kept else ""
    )


def _reason_text(reason: str) -> str:
    """A switching-value note in plain words: parameter names as people write them."""
    for code, words in (("drop_off", "drop-off"), ("discount_rate", "discount rate")):
        reason = reason.replace(code, words)
    return reason


def _switching_table(
    m: Any, chosen: Sequence[str], outcome: str | None, target: float, options: dict[str, Any]
) -> Any:
    """The switching values of the parameters ``chosen`` alone, one at a time, in the
    columns of :func:`sroi.sensitivity.switching_values` (for a model where some figure,
    not chosen, is given year by year, which that table cannot move)."""
    import pandas as pd

    from sroi.sensitivity import switching_value

    found = [
        switching_value(m, name, oid, target_ratio=target, **options)
        for oid in (m.outcome_ids if outcome is None else (outcome,))
        for name in _PARAMETER_NAMES[:7]
        if name in chosen
    ] + [
        switching_value(m, name, target_ratio=target, **options)
        for name in _PARAMETER_NAMES[7:]
        if name in chosen
    ]
    return pd.DataFrame(
        {
            "parameter": [s.parameter for s in found],
            "outcome": pd.Series([s.outcome for s in found], dtype=object),
            "measure": [s.measure for s in found],
            **{
                column: pd.array([getattr(s, key) for s in found], dtype="Float64")
                for column, key in (
                    ("base", "base"),
                    ("switching_value", "value"),
                    ("change", "change"),
                    ("relative_change", "relative_change"),
                    ("ratio_at_value", "ratio_at_value"),
                )
            },
            "reason": pd.Series([s.reason for s in found], dtype=object),
        }
    )


def _changes_text(changes: Any) -> str:
    """A scenario's changes as one line: ``deadweight +0.1; into_work: duration 4``."""
    parts = []
    for name, change in changes.items():
        if name == "outcomes" and isinstance(change, dict):
            for oid, own in change.items():
                parts.append(f"{oid}: " + ", ".join(f"{k} {v}" for k, v in own.items()))
        else:
            parts.append(f"{name} {change}")
    return "; ".join(parts)


_SIMULATED = (
    ("present_value", "Present value"),
    ("total_investment", "Total investment"),
    ("npv", "Net present value"),
    ("ratio", "SROI ratio"),
)


@cli.command(short_help="Monte Carlo simulation: how likely the ratio is above 1.")
@_MODEL
@click.option(
    "--draws",
    "-n",
    type=click.IntRange(1, 10_000_000),
    default=10_000,
    show_default=True,
    help="Number of draws.",
)
@click.option(
    "--seed",
    "-s",
    type=click.IntRange(min=0),
    help="Seed for draws that are the same on every run (a whole number); default fresh ones.",
)
@click.option(
    "--histogram",
    "histogram_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Also draw the histogram of the ratio to FILE (.png, .svg or .pdf); needs "
    "pip install 'sroi[plot]'.",
)
@click.option(
    "--cumulative",
    "cumulative_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Also draw the cumulative distribution of the ratio (the share of draws at or "
    "below each ratio, with the 1 : 1 line) to FILE (.png, .svg or .pdf); needs "
    "pip install 'sroi[plot]'.",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS|local",
    help="Split the draws across the workers of a Dask cluster: a scheduler's address "
    "(tcp://host:8786) or 'local' for threads in this process; the draws are the same as "
    "without. Needs pip install 'sroi[dask]'.",
)
@_evaluation_options
@_CONVENTIONS
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
    help="table: readable text; json: the summary, P(ratio > 1), the settings and any "
    "warning; csv: the summary, one row a figure.",
)
def simulate(
    model: str,
    draws: int,
    seed: int | None,
    histogram_path: str | None,
    discount_rate: Any,
    price_year: Any,
    deflator: str,
    extrapolate_deflator: float | None,
    proxy_csv: str | None,
    conventions: tuple[tuple[str, Any], ...],
    fmt: str,
    dask_address: str | None = None,
    cumulative_path: str | None = None,
) -> None:
    """Draw the present value and SROI ratio of MODEL from its uncertain figures.

    Every figure of the model written as a distribution (a deadweight between 10 % and
    40 %, say) is drawn, independently, --draws times; the rest stay as written. Prints the
    mean, the 5th, 50th and 95th percentiles of the present value, investment, NPV and
    ratio, and the share of draws whose ratio is above 1. A model with nothing uncertain
    gets a warning: its P(ratio > 1) is 0 or 100 % trivially.

    \b
    Examples:
      sroi simulate model.yaml --draws 10000 --seed 42
      sroi simulate model.yaml -n 100000 --seed 1 --format json > simulation.json
      sroi simulate model.yaml --seed 42 --histogram ratio.png --cumulative cdf.png
      sroi simulate model.yaml -n 10000000 --seed 1 --dask tcp://10.0.0.5:8786
    """
    from sroi.sensitivity import simulate as run_simulation

    options = dict(
        discount_rate=discount_rate,
        price_year=price_year,
        deflator=_deflator(deflator, extrapolate_deflator),
        proxies=_proxy_table(proxy_csv),
        conventions=_conventions(conventions),
    )
    with _collected(model) as caught:
        if dask_address:
            from sroi.distributed import client_for, simulate_dask

            try:
                with client_for(dask_address) as client:
                    found = simulate_dask(model, draws, seed=seed, client=client, **options)
            except (ImportError, ConnectionError) as exc:
                raise _Failure(str(exc)) from None
        else:
            found = run_simulation(model, draws, seed=seed, progress=False, **options)
        summary = found.summary()
        above = found.probability_ratio_above(1.0)
    warned = _warned(caught)
    for chart, target in (("histogram", histogram_path), ("cumulative", cumulative_path)):
        if target:
            from sroi import plots

            def draw(chart: str = chart) -> Any:
                with warnings.catch_warnings():  # nothing uncertain: said above already
                    warnings.simplefilter("ignore", SROIWarning)
                    return getattr(plots, chart)(found)

            _save_chart(target, draw)
    if fmt == "json":
        data = {"model": found.base.model.name, **found.to_dict(), "warnings": warned}
        _echo(json.dumps(_json_ready(data), indent=2, ensure_ascii=True, allow_nan=False))
        return
    if fmt == "csv":
        frame = summary.rename_axis("figure").reset_index()
        _echo(_frame_csv(frame, index=False).rstrip("\n"))
        return
    cur = found.base.currency
    seeded = f", seed {seed}" if seed is not None else ""
    names = found.uncertain_names()
    uncertain = "; ".join(n[0].upper() + n[1:] for n in names) if names else "nothing"
    head = textwrap.wrap(
        f"Monte Carlo simulation: {found.base.model.name}", width=_terminal_width()
    ) + textwrap.wrap(
        f"{found.n:,} draws{seeded}; uncertain: {uncertain}",
        width=_terminal_width(),
        initial_indent="  ",
        subsequent_indent="    ",
    )
    rows = []
    for name, label in _SIMULATED:
        stats = summary.loc[name]
        show = (lambda x: f"{x:.2f}") if name == "ratio" else (lambda x: money(x, cur, 0))
        rows.append((label, *(show(stats[k]) for k in ("mean", "p5", "median", "p95", "std"))))
    table = _fit_table(
        ("figure", "mean", "5th pct", "median", "95th pct", "std dev"),
        rows,
        right=(1, 2, 3, 4, 5),
    )
    tail = [f"P(ratio > 1)  {percent(above)}  (the central estimate is {found.base.ratio:.2f})"]
    _echo("\n".join([*head, "", table, "", *tail]))


# --------------------------------------------------------------------------------------
# schema


@cli.command(short_help="Print the JSON Schema of the model format.")
def schema() -> None:
    """Print the JSON Schema of the model file format (for editors and other tools)."""
    from sroi.model import model_schema

    _echo(json.dumps(model_schema(), indent=2))


# --------------------------------------------------------------------------------------
# proxies


@cli.group(context_settings=_CONTEXT, short_help="Search and show financial proxies.")
def proxies() -> None:
    """Browse the financial proxies: the bundled, sourced table (or your own)."""


def format_proxy_table(table: ProxyTable, width: int | None = None) -> str:
    """A proxy table as aligned text: id, value, unit, price year, value type, bearer.

    Parameters
    ----------
    table : ProxyTable
        The rows to show, in order.
    width : int, optional
        The widest line wanted [characters]; default the terminal's. A long bearer is
        wrapped onto further lines (or under its row on a narrow terminal).

    Returns
    -------
    str
        A header, a rule and one line per proxy; ``value`` [money per unit] is written
        with thousands separators.

    Examples
    --------
    >>> text = format_proxy_table(load().search("jsa claimant into work total", limit=1))
    >>> header, rule, row = text.splitlines()
    >>> [cell.strip() for cell in row.split("  ") if cell]
    ['ucd_ee1_0_fiscal', '9,800.00', 'GBP / person / year', '2012/13', 'fiscal',
     'DWP 94% / NHS 6%']
    """
    head = ("id", "value", "unit", "price year", "value type", "bearer")
    rows = [
        tuple(
            terminal_safe(cell)
            for cell in (
                p.id,
                number(p.value),
                p.unit,
                "" if p.price_year is None else str(p.price_year),
                p.value_type,
                (describe_bearers(p.bearer_split) if len(p.bearer_split) > 1 else p.bearer),
            )
        )
        for p in table
    ]
    return _fit_table(head, rows, right=(1,), wrap=len(head) - 1, width=width, narrow=(2,), above=0)


@proxies.command(short_help="Search proxies by words, best first.")
@click.argument("text")
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Most rows to show.",
)
@click.option(
    "--category",
    "-c",
    type=click.Choice(CATEGORIES),
    multiple=True,
    help="Only this category (repeat for several).",
)
@click.option(
    "--value-type",
    "-t",
    type=click.Choice(VALUE_TYPES),
    multiple=True,
    help="Only this value type (repeat for several).",
)
@click.option(
    "--bearer",
    "-b",
    multiple=True,
    help="Only proxies gained by this agency, e.g. NHS (any case; repeat for several).",
)
@_PROXIES
def search(
    text: str,
    limit: int,
    category: tuple[str, ...],
    value_type: tuple[str, ...],
    bearer: tuple[str, ...],
    proxy_csv: str | None,
) -> None:
    """Search the proxies for TEXT, best first: words of the id, name, category, cost
    code, source or note, with the field's synonyms (unemployed finds workless).

    An empty TEXT lists the proxies that meet the filters, as `sroi proxies list` does.

    \b
    Examples:
      sroi proxies search homeless
      sroi proxies search "mental health" --value-type fiscal --limit 5
      sroi proxies search CR8.4
    """
    if not text.strip():
        click.get_current_context().invoke(
            list_proxies,
            category=category,
            value_type=value_type,
            bearer=bearer,
            limit=limit,
            proxy_csv=proxy_csv,
        )
        return
    table = _proxy_table(proxy_csv) or load()
    with _reported():
        table = table.filter(
            category=category or None, value_type=value_type or None, bearer=bearer or None
        )
    found = table.search(text, limit=limit)
    if not len(found):
        near = table.near_words(text)
        hint = f" Near words: {', '.join(near)}." if near else ""
        _echo(f"No proxy matches {text!r}.{hint}", err=True)
        return
    _echo(format_proxy_table(found))
    _echo("\n`sroi proxies show ID` gives a proxy's source, licence and notes.", err=True)


@proxies.command("list", short_help="List proxies by category, value type or bearer.")
@click.option(
    "--category",
    "-c",
    type=click.Choice(CATEGORIES),
    multiple=True,
    help="Only this category (repeat for several).",
)
@click.option(
    "--value-type",
    "-t",
    type=click.Choice(VALUE_TYPES),
    multiple=True,
    help="Only this value type (repeat for several).",
)
@click.option(
    "--bearer",
    "-b",
    multiple=True,
    help="Only proxies gained by this agency, e.g. NHS (any case; repeat for several).",
)
@click.option("--limit", "-n", type=click.IntRange(min=1), default=None, help="Most rows to show.")
@_PROXIES
def list_proxies(
    category: tuple[str, ...],
    value_type: tuple[str, ...],
    bearer: tuple[str, ...],
    limit: int | None,
    proxy_csv: str | None,
) -> None:
    """List the proxies, in table order, that meet every filter given (all without one).

    \b
    Examples:
      sroi proxies list --category housing
      sroi proxies list --value-type social --bearer "Local authority"
    """
    table = _proxy_table(proxy_csv) or load()
    with _reported():
        table = table.filter(
            category=category or None, value_type=value_type or None, bearer=bearer or None
        )
    if not len(table):
        _echo("No proxy meets these filters.", err=True)
        return
    shown = table if limit is None else table.head(limit)
    _echo(format_proxy_table(shown))
    more = f" (the first {limit} shown)" if limit is not None and limit < len(table) else ""
    _echo(f"\n{len(table)} proxies{more}. `sroi proxies show ID` gives one in full.", err=True)


def _wrapped(label: str, text: str, width: int) -> str:
    indent = " " * (len(label) + 2)
    body = textwrap.fill(
        text,
        width=width,
        initial_indent=f"{label}  ",
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ).rstrip()
    return body or label


_DATA_AGE_TEXT = {
    "green": "green: price year 2011/12 or later (the Unit Cost Database's rule)",
    "amber": "amber: price year 2008/09 to 2010/11 (the Unit Cost Database's rule)",
    "red": "red: price year 2007/08 or earlier (the Unit Cost Database's rule)",
    "": "not graded (no price year)",
}


def _transfer_text(share: float | None) -> str:
    """How much of a proxy's value is a transfer payment, for people."""
    if share is None:
        return "not stated"
    if share == 0:
        return "none"
    what = "all of the value" if share == 1 else f"{percent(share, 0)} of the value"
    return f"{what} (benefits or taxes: money moved, not saved)"


def format_proxy(p: Proxy, width: int = 88) -> str:
    """Every field of a proxy as labelled, wrapped lines.

    Parameters
    ----------
    p : Proxy
        The proxy.
    width : int, default 88
        Line width [characters].

    Returns
    -------
    str

    Examples
    --------
    >>> text = format_proxy(load().get("ucd_ee1_0_fiscal"))
    >>> wanted = ("val", "bea", "data", "trans")
    >>> print("\\n".join(line for line in text.splitlines() if line.startswith(wanted)))
    value             9,800.00 GBP / person / year (2012/13 prices)
    value type        fiscal
    bearer            Multiple
    bearer split      DWP: 94%, NHS: 6%
    bearer detail     DWP
    data age          green: price year 2011/12 or later (the Unit Cost Database's rule)
    transfer payment  94% of the value (benefits or taxes: money moved, not saved)
    """
    year = f" ({p.price_year} prices)" if p.price_year is not None else " (no price year)"
    marmot = f"{p.marmot_objective}: {p.marmot_wording}" if p.marmot_objective is not None else ""
    fields = [
        ("id", p.id),
        ("name", p.name),
        ("value", f"{number(p.value)} {p.unit}{year}"),
        ("category", p.category),
        ("value type", p.value_type),
        ("currency", p.currency),
        ("bearer", p.bearer),
        ("bearer split", ", ".join(f"{a}: {percent(s, 0)}" for a, s in p.bearer_split)),
        ("bearer detail", p.bearer_detail),
        ("marmot objective", marmot),
        ("confidence", p.confidence),
        ("data age", _DATA_AGE_TEXT.get(p.data_age, p.data_age)),
        ("transfer payment", _transfer_text(p.transfer_share)),
        ("source", p.source),
        ("source code", p.source_code),
        ("licence", p.licence),
        ("replaces", ", ".join(p.replaces)),
        ("note", p.note),
    ]
    size = max(len(k) for k, _ in fields)
    return "\n".join(_wrapped(f"{k:<{size}}", terminal_safe(v), width) for k, v in fields)


@proxies.command(short_help="Show every field of one proxy.")
@click.argument("proxy_id", metavar="ID")
@_PROXIES
def show(proxy_id: str, proxy_csv: str | None) -> None:
    """Show every field of proxy ID: value, unit, price year, who gains, source, licence.

    An unknown ID exits with status 1 and lists the closest ids.

    \b
    Examples:
      sroi proxies show ucd_ee1_2_fiscal
      sroi proxies show my_proxy --proxies my_bank.csv
    """
    table = _proxy_table(proxy_csv) or load()
    with _reported():
        proxy = table.get(proxy_id)
    width = min(max(shutil.get_terminal_size((100, 24)).columns, 60), 100)
    _echo(format_proxy(proxy, width=width))


# --------------------------------------------------------------------------------------
# report


@cli.command(short_help="Write social accounts: HTML, PDF, Excel and Markdown reports.")
@_MODEL
@click.option(
    "--html",
    "html_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write a self-contained HTML report (charts embedded) to FILE.",
)
@click.option(
    "--xlsx",
    "xlsx_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write an Excel workbook (summary, one sheet per area, impact map) to FILE.",
)
@click.option(
    "--md",
    "md_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write the report as GitHub-flavoured Markdown to FILE.",
)
@click.option(
    "--pdf",
    "pdf_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write an A4 PDF for publication (summary page first, charts, impact map) to FILE.",
)
@click.option(
    "--no-sensitivity",
    "no_sensitivity",
    is_flag=True,
    help="Leave out the sensitivity and uncertainty section of the HTML, Markdown and PDF "
    "reports and the Sensitivity sheet of the workbook (switching values, tornado, Monte "
    "Carlo simulation).",
)
@click.option(
    "--draws",
    "report_draws",
    type=click.IntRange(1, 10_000_000),
    default=10_000,
    show_default=True,
    help="Monte Carlo draws for the uncertainty section (where the model gives ranges).",
)
@click.option(
    "--seed",
    "report_seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the simulation, so that the same report comes out each time.",
)
@_evaluation_options
@_CONVENTIONS
def report(
    model: str,
    html_path: str | None,
    xlsx_path: str | None,
    md_path: str | None,
    pdf_path: str | None,
    no_sensitivity: bool,
    report_draws: int,
    report_seed: int,
    discount_rate: float | str | tuple[float, ...] | None,
    price_year: int | str | None,
    deflator: str,
    extrapolate_deflator: float | None,
    proxy_csv: str | None,
    conventions: tuple[tuple[str, Any], ...],
) -> None:
    """Write the social accounts of MODEL: by area and for the organisation.

    Each report holds the headline figures, a section per area (inputs, outputs, outcomes,
    value produced, costs saved and who saves, the ratio), the organisation's totals, the
    impact map and the method notes. Give at least one of --html, --xlsx, --md, --pdf.
    The HTML, Markdown and PDF reports open with a one-page summary and the model's front
    matter, and hold a sensitivity and uncertainty section (switching values, a tornado,
    and a Monte Carlo simulation where the model gives ranges; --no-sensitivity leaves it
    out) and the sources and licences.

    \b
    Examples:
      sroi report examples/housing_community_investment.yaml --html accounts.html
      sroi report model.yaml --xlsx accounts.xlsx --md accounts.md --price-year 2023/24
      sroi report model.yaml --html accounts.html --draws 50000 --seed 7
    """
    outputs = ((html_path, "html"), (xlsx_path, "xlsx"), (md_path, "md"), (pdf_path, "pdf"))
    wanted = [(path, kind) for path, kind in outputs if path]
    if not wanted:
        raise click.UsageError(
            "give at least one output: --html FILE, --xlsx FILE, --md FILE or --pdf FILE"
        )
    table = _proxy_table(proxy_csv)
    series = _deflator(deflator, extrapolate_deflator)
    with _reported(model):
        result = evaluate(
            model,
            discount_rate=discount_rate,
            price_year=price_year,
            deflator=series,
            proxies=table,
            conventions=_conventions(conventions),
        )
    try:
        from sroi import report as reports

        writers = {
            "html": reports.write_html,
            "xlsx": reports.write_excel,
            "md": reports.write_markdown,
            "pdf": reports.write_pdf,
        }
        analysis = {
            "sensitivity": not no_sensitivity,
            "draws": report_draws,
            "seed": report_seed,
            "deflator": series,
        }
        for path, kind in wanted:
            try:
                writers[kind](result, path, **analysis)
            except OSError as exc:
                raise _Failure(f"{path}: cannot be written ({exc.strerror or exc})") from None
            except SROIError as exc:
                raise _Failure(f"{path}: {exc}") from None
            _echo(f"Wrote {path}", err=True)
    except ImportError as exc:
        raise _Failure(str(exc)) from None


# --------------------------------------------------------------------------------------
# Commissioning: compare bids, monitor delivery, local spend (LM3)


def _pairs(text: str) -> list[tuple[str, str]]:
    """``a=1,b=2`` as ``[("a", "1"), ("b", "2")]``; an item without ``=`` as ``("", item)``."""
    out = []
    for item in text.split(","):
        name, sep, value = item.rpartition("=")
        if item.strip():
            out.append((name.strip() if sep else "", value.strip()))
    return out


def _fraction_text(text: str) -> float:
    """``0.6`` or ``60%`` as 0.6 (ValueError for neither): :func:`rate_from_text`."""
    return rate_from_text(text)


class _Weights(click.ParamType):
    """Tender weights: ``price=0.6,quality=0.2,social_value=0.2`` (or ``60%``)."""

    name = "weights"

    def convert(self, value: Any, param: Any, ctx: Any) -> dict[str, float]:
        from sroi.commissioning import parse_weights

        if isinstance(value, dict):
            return value
        try:
            given = {k: _fraction_text(v) for k, v in _pairs(str(value))}
            return parse_weights(given, "--weights")
        except ValueError as exc:
            text = message_of(exc) if isinstance(exc, ModelError) else "a weight is not a number"
            self.fail(
                f"{value!r}: {text}; write price=0.6,quality=0.2,social_value=0.2", param, ctx
            )


class _NameEquals(click.ParamType):
    """``NAME=NUMBER`` (a bid's quality score): the last ``=`` splits it."""

    name = "name=score"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[str, float]:
        if isinstance(value, tuple):
            return value
        name, sep, score = str(value).rpartition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            return name.strip(), float(score)
        except ValueError:
            self.fail(f"{value!r} is not NAME=SCORE (e.g. Acorn=80)", param, ctx)


class _Respend(click.ParamType):
    """Re-spend shares: one for all (``0.4``), or ``staff=0.5,supplier=0.3,PAYEE=0.6``."""

    name = "shares"

    def convert(self, value: Any, param: Any, ctx: Any) -> float | dict[str, float]:
        if isinstance(value, (float, dict)):
            return value
        pairs = _pairs(str(value))
        try:
            if len(pairs) == 1 and not pairs[0][0]:
                return _fraction_text(pairs[0][1])
            if any(not k for k, _ in pairs):
                raise ValueError
            return {k: _fraction_text(v) for k, v in pairs}
        except ValueError:
            self.fail(f"{value!r} is not 0.4, or staff=0.5,supplier=0.3", param, ctx)


def _json_ready(value: Any) -> Any:
    """Plain data for JSON: NaN as null, numpy scalars as Python ones, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _frame_csv(frame: Any, index: bool = True) -> str:
    """A table as CSV, text cells guarded by the one formula-injection rule."""
    from sroi.io.cells import protect

    table = frame.copy()
    if index:
        table.index = [protect(i) if isinstance(i, str) else i for i in table.index]
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].map(lambda v: protect(v) if isinstance(v, str) else v)
    return table.to_csv(index=index, lineterminator="\n")


def _basis_options(
    discount_rate: Any, price_year: Any, series: Any, table: Any, conventions: Any
) -> dict[str, Any]:
    given = {
        "discount_rate": discount_rate,
        "price_year": price_year,
        "proxies": table,
        "conventions": _conventions(conventions),
    }
    basis = {k: v for k, v in given.items() if v is not None}
    if basis.get("price_year") is not None or series.name != DEFAULT_SERIES:
        basis["deflator"] = series
    return basis


@cli.command(short_help="Compare bids on one basis; score a tender.")
@click.argument("models", metavar="MODEL...", nargs=-1, required=True, type=click.Path())
@click.option(
    "--weights",
    "-w",
    type=_Weights(),
    metavar="WEIGHTS",
    help="Score the tender: price=0.6,quality=0.2,social_value=0.2 (adding up to 1; 60% "
    "also reads). Price is scored lowest price / bid price, social value bid / highest, "
    "quality as given.",
)
@click.option(
    "--quality",
    "-q",
    "quality",
    type=_NameEquals(),
    multiple=True,
    metavar="NAME=SCORE",
    help="A bid's quality score out of 100, by the model's name; repeat for each bid.",
)
@click.option(
    "--take-from",
    type=click.Choice(("price", "quality")),
    default="price",
    show_default=True,
    help="With --weights: the criterion the switching weight takes social value's weight from.",
)
@_evaluation_options
@_CONVENTIONS
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
    help="table: readable text; json: every figure, the basis and the weights; csv: one row a bid.",
)
def compare(
    models: tuple[str, ...],
    weights: dict[str, float] | None,
    quality: tuple[tuple[str, float], ...],
    take_from: str,
    discount_rate: Any,
    price_year: Any,
    deflator: str,
    extrapolate_deflator: float | None,
    proxy_csv: str | None,
    conventions: tuple[tuple[str, Any], ...],
    fmt: str,
) -> None:
    """Compare bids (or options) on one basis: social value, per £ of contract, scores.

    Every MODEL is evaluated in the same prices, at the same discount rate and under the
    same conventions: models that differ are refused, naming the difference, unless
    --discount-rate, --price-year or --convention sets it for all. Each bid's price is
    its contract_value. With --weights the bids are scored and ranked, and the social
    value weight at which first place changes is given.

    \b
    Examples:
      sroi compare bid_a.yaml bid_b.yaml bid_c.yaml
      sroi compare bid_*.yaml --weights price=0.6,quality=0.2,social_value=0.2 \\
          --quality A=80 --quality B=70 --quality C=75
      sroi compare bid_*.yaml --discount-rate 0.035 --price-year 2024/25 --format csv
    """
    from sroi.commissioning import compare as compare_bids
    from sroi.commissioning import switching_weight
    from sroi.commissioning.compare import comparison_text

    table = _proxy_table(proxy_csv)
    series = _deflator(deflator, extrapolate_deflator)
    basis = _basis_options(discount_rate, price_year, series, table, conventions)
    scores = dict(quality) if quality else None
    with _reported():
        frame = compare_bids(list(models), basis=basis, weights=weights, quality=scores)
        switching = None
        if weights and weights["social_value"] + weights[take_from] > 0:
            switching = switching_weight(
                list(models), weights=weights, quality=scores, take_from=take_from, basis=basis
            )
    if fmt == "csv":
        _echo(_frame_csv(frame).rstrip("\n"))
        return
    if fmt == "json":
        data = {
            "basis": frame.attrs["basis"],
            "weights": frame.attrs["weights"],
            "bids": [{"name": name, **row} for name, row in frame.to_dict("index").items()],
        }
        if switching is not None:
            data["switching_weight"] = {
                "criterion": switching.criterion,
                "take_from": switching.take_from,
                "weight": switching.weight,
                "swapped": switching.swapped,
            }
        _echo(json.dumps(_json_ready(data), indent=2, ensure_ascii=True, allow_nan=False))
        return
    text = comparison_text(frame)
    if switching is not None:
        text += "\n" + textwrap.fill(str(switching), width=_terminal_width())
    _echo(_fitted(text))


@cli.command(short_help="Set a contract's promise against what was delivered.")
@click.argument("promise", metavar="PROMISE", type=click.Path())
@click.argument("actuals", metavar="ACTUALS", type=click.Path(dir_okay=False))
@_evaluation_options
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
    help="table: readable text; json: the figures and both tables; csv: one row an outcome.",
)
def monitor(
    promise: str,
    actuals: str,
    discount_rate: Any,
    price_year: Any,
    deflator: str,
    extrapolate_deflator: float | None,
    proxy_csv: str | None,
    fmt: str,
) -> None:
    """Set the promised model PROMISE against ACTUALS, a CSV of what was delivered.

    ACTUALS has the columns outcome (an outcome id of PROMISE), year (the model year: 1,
    2, ...), period (H1, H2, Q1-Q4, M1-M12, or blank for the whole year), quantity and
    optionally spend. Prints delivery by outcome and overall (by value), the value
    delivered to date against the value promised to date, and the variance.

    \b
    Examples:
      sroi monitor promise.yaml actuals.csv
      sroi monitor promise.yaml actuals.csv --format csv > delivery.csv
    """
    from sroi.commissioning import monitor as monitor_delivery

    table = _proxy_table(proxy_csv)
    series = _deflator(deflator, extrapolate_deflator)
    options = {"discount_rate": discount_rate, "price_year": price_year, "proxies": table}
    with _reported():
        found = monitor_delivery(
            promise, actuals, deflator=series, **{k: v for k, v in options.items() if v is not None}
        )
    if fmt == "csv":
        _echo(_frame_csv(found.to_frame(), index=False).rstrip("\n"))
    elif fmt == "json":
        data = {
            "promise": found.promise.model.name,
            "reported_to": {"date_years": found.date, "label": found.date_label},
            "value_promised": found.promise.present_value,
            "value_promised_to_date": found.value_promised_to_date,
            "value_delivered_to_date": found.value_delivered_to_date,
            "variance": found.variance,
            "delivery": found.delivery,
            "spend_to_date": found.spend_to_date,
            "by_outcome": found.to_frame().to_dict("records"),
            "by_period": found.by_period.to_dict("records"),
        }
        _echo(json.dumps(_json_ready(data), indent=2, ensure_ascii=True, allow_nan=False))
    else:
        _echo(_fitted(found.summary()))


@cli.command("lm3", short_help="Local spend and the Local Multiplier 3 (LM3).")
@click.argument("spend", metavar="SPEND", type=click.Path(dir_okay=False))
@click.option(
    "--income",
    type=click.FloatRange(min=0, min_open=True),
    required=True,
    metavar="AMOUNT",
    help="Round 1: the income whose spending is followed (the contract's value) [money].",
)
@click.option(
    "--local",
    "local_area",
    required=True,
    metavar="AREAS",
    help="The postcode areas and districts that are local, separated by commas: M5,M6,M7 "
    "(M5 does not take in M50; an area such as M takes in every district in it).",
)
@click.option(
    "--respend",
    type=_Respend(),
    required=True,
    metavar="SHARES",
    help="The share local payees re-spend locally: one for all (0.4), or by kind and payee "
    "(staff=0.5,supplier=0.3).",
)
@click.option(
    "--deciles",
    type=click.Path(dir_okay=False),
    metavar="CSV",
    help="A lookup from postcode to deprivation decile (columns postcode, decile): spend "
    "by decile too.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
    help="table: readable text; json: the figures; csv: the spend table, each row read.",
)
def lm3(
    spend: str,
    income: float,
    local_area: str,
    respend: float | dict[str, float],
    deciles: str | None,
    fmt: str,
) -> None:
    """Local share of spend and the Local Multiplier 3 of SPEND, a CSV of payments.

    SPEND has the columns payee, amount, postcode and kind (staff or supplier). LM3 =
    (R1 + R2 + R3) / R1: R1 the income, R2 what is spent with local staff and
    suppliers, R3 what they re-spend locally (the New Economics Foundation's method).

    \b
    Examples:
      sroi lm3 spend.csv --income 100000 --local M5,M6,M7 --respend staff=0.5,supplier=0.3
      sroi lm3 spend.csv --income 100000 --local BB,LA --respend 0.4 --deciles imd.csv
    """
    from sroi.commissioning import local_multiplier

    with _reported():
        found = local_multiplier(
            spend, income=income, local_area=local_area, respend=respend, deciles=deciles
        )
    if fmt == "csv":
        _echo(_frame_csv(found.rows, index=False).rstrip("\n"))
    elif fmt == "json":
        data = _json_ready(found.to_dict())
        _echo(json.dumps(data, indent=2, ensure_ascii=True, allow_nan=False))
    else:
        _echo(found.summary())


# --------------------------------------------------------------------------------------
# Portfolio


def _portfolio_table(frame: Any, key: str) -> str:
    """The projects' figures as aligned text under two-line headings (three when the
    terminal is too narrow for two), 2 decimal places; "-" where a project does not pay
    back."""
    names = (
        "present_value",
        "total_investment",
        "npv",
        "ratio",
        "net_ratio",
        "payback_months",
        "discounted_payback_years",
    )
    rows = [
        (str(k), *("-" if v != v else f"{v:,.2f}" for v in (float(row[n]) for n in names)))
        for k, row in zip(frame.index, frame.to_dict("records"), strict=True)
    ]
    heads = (
        ("", key),
        ("present", "value"),
        ("", "investment"),
        ("", "NPV"),
        ("", "ratio"),
        ("net", "ratio"),
        ("payback", "months"),
        ("discounted payback", "years"),
    )
    text = _aligned([*zip(*heads, strict=True), *rows])
    if max(map(len, text.split("\n"))) <= _terminal_width():
        return text
    heads = (*heads[:-1], ("discounted", "payback", "years"))
    three = [("", *h) if len(h) == 2 else h for h in heads]
    return _aligned([*zip(*three, strict=True), *rows])


def _aligned(lines: Sequence[Sequence[str]]) -> str:
    """Rows of cells in columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(
            c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in lines
    )


@cli.command(short_help="Evaluate a portfolio: one row of figures per project.")
@click.argument("outcomes", metavar="OUTCOMES", type=click.Path())
@click.argument("inputs", metavar="INPUTS", type=click.Path())
@click.option(
    "--key",
    "-k",
    default="project_id",
    show_default=True,
    help="The column naming each row's project.",
)
@click.option(
    "--discount-rate",
    "-r",
    type=_DiscountRate(),
    default=0.035,
    show_default=True,
    metavar="RATE",
    help="0.035, 3.5%, yearly rates separated by commas, or a schedule: "
    + ", ".join(DISCOUNT_SCHEDULES)
    + ".",
)
@click.option(
    "--price-year",
    "-p",
    type=_PriceYear(),
    metavar="YEAR",
    help="The price year of the portfolio's amounts (2024 or 2023/24); proxies are moved to "
    "it with the GDP deflator.",
)
@_deflator_options
@_PROXIES
@_CONVENTIONS
@click.option(
    "--by",
    type=click.Choice(("bearer", "marmot_objective", "group")),
    multiple=True,
    help="Also total the present value across the portfolio by this (repeat for several); "
    "with --format table or json.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="table: readable text; csv: one row per project; json: the projects and totals.",
)
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(dir_okay=False),
    help="Write the output to FILE instead of stdout.",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS|local",
    help="Evaluate the projects a partition at a time on a Dask cluster: a scheduler's "
    "address (tcp://host:8786) or 'local' for threads in this process; the figures are the "
    "same as without. Needs pip install 'sroi[dask]'.",
)
def portfolio(
    outcomes: str,
    inputs: str,
    key: str,
    discount_rate: Any,
    price_year: Any,
    deflator: str,
    extrapolate_deflator: float | None,
    proxy_csv: str | None,
    conventions: tuple[tuple[str, Any], ...],
    by: tuple[str, ...],
    fmt: str,
    out: str | None,
    dask_address: str | None = None,
) -> None:
    """Evaluate every project of a portfolio: OUTCOMES and INPUTS are CSV (or Parquet)
    files, one row per outcome and per input, with a model's field names as columns and a
    key column naming the project. Prints one row per project: present value, investment,
    NPV, ratio, net ratio and payback, the same figures as `sroi evaluate` of each project
    alone. A progress bar shows on long runs.

    \b
    Examples:
      sroi portfolio outcomes.csv inputs.csv
      sroi portfolio outcomes.csv inputs.csv --key contract --format csv --out figures.csv
      sroi portfolio outcomes.csv inputs.csv --by bearer --by marmot_objective
      sroi portfolio 'outcomes/*.parquet' 'inputs/*.parquet' --dask local
    """
    import sys

    from sroi.portfolio import evaluate_portfolio

    if by and fmt == "csv":
        raise click.UsageError("--by needs --format table or json (a CSV holds one table)")
    settings = dict(
        key=key,
        discount_rate=discount_rate,
        conventions=_conventions(conventions),
        proxies=_proxy_table(proxy_csv),
        price_year=price_year,
        deflator=_deflator(deflator, extrapolate_deflator),
        by=by or None,
    )
    with _reported():
        if dask_address:
            from sroi.distributed import client_for, evaluate_portfolio_dask

            try:
                with client_for(dask_address):
                    found = evaluate_portfolio_dask(outcomes, inputs, compute=True, **settings)
            except (ImportError, ConnectionError) as exc:
                raise _Failure(str(exc)) from None
        else:
            found = evaluate_portfolio(
                outcomes, inputs, progress=1.0 if sys.stderr.isatty() else False, **settings
            )
    projects, totals = found if by else (found, None)
    if fmt == "csv":
        text = _frame_csv(projects.reset_index(), index=False).rstrip("\n")
    elif fmt == "json":
        data: dict[str, Any] = {
            "key": key,
            "projects": [
                {key: k, **row}
                for k, row in zip(projects.index, projects.to_dict("records"), strict=True)
            ],
        }
        if totals is not None:
            data["totals"] = totals.to_dict("records")
        text = json.dumps(_json_ready(data), indent=2, ensure_ascii=True, allow_nan=False)
    else:
        text = _portfolio_table(projects, key)
        if totals is not None:
            for name, part in totals.groupby("by", sort=False):
                text += f"\n\nPresent value by {name}:\n" + "\n".join(
                    f"  {label}: {value:,.2f} ({share:.1%})"
                    for label, value, share in part[["label", "present_value", "share"]].itertuples(
                        index=False
                    )
                )
    if out is None:
        _echo(text)
    else:
        Path(out).write_text(text + "\n", encoding="utf-8")
        _echo(f"Wrote {len(projects):,} projects to {out}", err=True)


# --------------------------------------------------------------------------------------
# Entry point


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line (the ``sroi`` console script and ``python -m sroi``).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments; default ``sys.argv[1:]``.
    """
    cli.main(args=list(argv) if argv is not None else None)
    raise SystemExit(0)  # pragma: no cover - cli.main exits in standalone mode


if __name__ == "__main__":  # pragma: no cover
    main()
