"""The PDF report (sroi.report.pdf): what a trustee reads, checked in the PDF's own text.

Every check reads the text back out of the PDF with pypdf, as a reader's copy-and-paste
would: the headline figures (against a model worked by hand, and against the HTML report's
own text), every outcome, the sections in order (the PDF's bookmarks and its contents
list), "Page N of M" on every page, long text wrapped rather than cut, and nothing set
beyond the page's edge (with poppler's pdftotext, where it is installed).

Hand-worked model (no discounting, every outcome in one year):

    inputs   1,000 (year 0)
    warm     10 x 150                      = 1,500
    fed       4 x 125 x (1 - 0.5 deadweight) = 250
    value 1,750; investment 1,000; net present value 750; ratio 1.75
"""

from __future__ import annotations

import copy
import html
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import sroi
from sroi.cli import cli
from sroi.report import _common as common
from sroi.report import render_html, render_pdf, write_pdf

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("fpdf")

ROOT = Path(__file__).resolve().parent.parent
HOUSING = ROOT / "examples" / "housing_community_investment.yaml"
COUNCIL = ROOT / "examples" / "council_contract.yaml"

HAND = {
    "name": "Warm and fed",
    "discount_rate": 0,
    "inputs": [{"stakeholder": "Trust", "description": "Grant", "amount": 1_000}],
    "outcomes": [
        {
            "id": "warm",
            "stakeholder": "Tenants",
            "outcome": "Warmer homes",
            "quantity": 10,
            "value": 150,
            "duration": 1,
        },
        {
            "id": "fed",
            "stakeholder": "Families",
            "outcome": "Fewer skipped meals",
            "quantity": 4,
            "value": 125,
            "duration": 1,
            "deadweight": 0.5,
        },
    ],
}

MONEY = re.compile(r"-?£[\d,]+\.\d\d")
QUICK = {"charts": False, "sensitivity": False}


def texts(data: bytes) -> list[str]:
    """Each page's text, as pypdf extracts it."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Runs of white space (line breaks included) as one space."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """The text without any white space: a wrapped line reads as the unwrapped one."""
    return re.sub(r"\s+", "", text)


def bookmarks(data: bytes) -> list[tuple[str, int]]:
    """The top-level bookmarks: (title, page from 1)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [
        (d.title, reader.get_destination_page_number(d) + 1)
        for d in reader.outline
        if not isinstance(d, list)
    ]


@pytest.fixture(scope="module")
def housing():
    r = sroi.evaluate(HOUSING)
    data = render_pdf(r)
    return r, data, texts(data)


@pytest.fixture(scope="module")
def hand():
    r = sroi.evaluate(HAND)
    data = render_pdf(r)
    return r, data, texts(data)


# ------------------------------------------------------------------ the figures


def test_page_one_gives_the_hand_worked_figures(hand):
    r, _, pages = hand
    page1 = flat(pages[0])
    assert r.ratio == pytest.approx(1.75)
    assert "Every £1 invested produces £1.75 of social value (present value)." in page1
    for label, text in (
        ("Value produced (present value)", "£1,750.00"),
        ("Total investment (present value)", "£1,000.00"),
        ("Net present value", "£750.00"),
    ):
        assert f"{label} {text}" in page1
    assert "SROI ratio £1.75 per £1" in page1
    # the outcomes worth most, largest first, with their share: 1,500 / 1,750 = 85.7 %
    assert page1.index("Warmer homes") < page1.index("Fewer skipped meals")
    assert "£1,500.00 85.7%" in page1 and "£250.00 14.3%" in page1


def test_headline_figures_read_as_the_html_shows_them(housing):
    r, _, pages = housing
    page1 = flat(pages[0])
    page = html.unescape(render_html(r, charts=False))
    for label, text in common.headline(r):
        assert text in page, label
        assert text in page1, label
    sentence = "".join(common.ratio_sentence(r))
    assert sentence in page1
    assert sentence in flat(re.sub(r"<[^>]+>", "", page))


def test_every_amount_in_the_pdf_is_one_the_html_shows_and_back(housing):
    """The PDF computes no figure of its own: the same amounts, to the penny."""
    r, _, pages = housing
    in_pdf = set(MONEY.findall(flat(" ".join(pages))))
    in_html = set(MONEY.findall(html.unescape(render_html(r, charts=False))))
    assert len(in_pdf) > 40
    assert in_pdf == in_html


def test_every_outcome_and_area_is_in_the_pdf(housing):
    r, _, pages = housing
    text = squash(" ".join(pages))
    for o in r.model.outcomes:
        assert squash(o.outcome) in text
    for area in r.model.areas:
        assert squash(area) in text
    for row in common.impact_rows(r):
        assert common.money(row["present_value"], r.currency) in text


# ------------------------------------------------------------------ layout


def test_every_page_says_page_n_of_m_and_the_price_year(housing):
    _, _, pages = housing
    n = len(pages)
    assert n > 5
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert "2024 prices" in text and f"Prepared with sroi {sroi.__version__}" in text
    # the running header is on every page but the first
    organisation = sroi.read_model(HOUSING).front_matter.organisation
    assert all(flat(p).startswith(f"{organisation} Social accounts") for p in pages[1:])


def test_sections_come_in_order_each_on_its_bookmarked_page(housing):
    r, data, pages = housing
    found = bookmarks(data)
    titles = [t for t, _ in found]
    assert titles == [
        "Summary",
        "Introduction",
        "Accounts at a glance",
        *r.model.areas,
        "Organisation totals",
        "Impact map",
        "Who benefits and who saves",
        "Sensitivity and uncertainty",
        "Notes and warnings",
        "Claims check",
        "Method notes",
        "Sources and licences",
    ]
    numbers = [p for _, p in found]
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert "Social accounts" in pages[0]  # the summary: page 1, under no heading of its own
    for title, page in found[1:]:
        assert title in pages[page - 1], title
    # the contents list gives the same pages
    contents = flat(" ".join(pages[:2]))
    for title, page in found[1:]:
        assert f"{title} {page}" in contents, title
    # ... each entry a link to its page
    reader = pypdf.PdfReader(io.BytesIO(data))
    number = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages, 1)}
    targets = {
        number[a.get_object()["/Dest"][0].idnum]
        for page in reader.pages[:2]
        for a in page.get("/Annots") or []
        if a.get_object().get("/Subtype") == "/Link"
    }
    assert targets == {page for _, page in found[1:]}
    # each area starts a new page: its page has no other area's heading before it
    for title, page in found:
        if title in r.model.areas:
            assert flat(pages[page - 1]).split(" Social accounts ", 1)[1].startswith(title)


def test_the_impact_map_is_on_landscape_pages(housing):
    _, data, _ = housing
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = dict(bookmarks(data))["Impact map"] - 1
    box = reader.pages[page].mediabox
    assert float(box.width) > float(box.height)
    assert float(reader.pages[0].mediabox.width) == pytest.approx(595.28, abs=0.1)  # A4


def test_forty_outcomes_give_more_pages_every_outcome_and_repeated_headings():
    many = copy.deepcopy(HAND)
    many["outcomes"] = [
        {
            "id": f"o{i}",
            "stakeholder": f"Group {i}",
            "outcome": f"Outcome number {i:02d} for the estate",
            "quantity": 1 + i,
            "value": 10 + i,
            "duration": 1,
        }
        for i in range(40)
    ]
    one = copy.deepcopy(HAND)
    one["outcomes"] = HAND["outcomes"][:1]
    big = render_pdf(sroi.evaluate(many), **QUICK)
    small = render_pdf(sroi.evaluate(one), **QUICK)
    big_pages, small_pages = texts(big), texts(small)
    assert len(big_pages) > len(small_pages)
    everything = flat(" ".join(big_pages))
    for i in range(40):
        assert f"Outcome number {i:02d} for the estate" in everything
    heading = "Outcome (indicator, proxy, reference)"
    start = dict(bookmarks(big))["Impact map"]
    map_pages = [p for p in big_pages[start - 1 :] if "ref. o" in p]
    assert len(map_pages) >= 2
    assert all(heading in flat(p) for p in map_pages)
    # no row is split across pages: each outcome's name and reference share a page
    for i in range(40):
        pages = [p for p in map(flat, big_pages) if re.search(rf"ref\. o{i}\b", p)]
        assert len(pages) == 1 and f"Outcome number {i:02d} for the estate" in pages[0]
    # a model with one outcome: the summary still reads
    assert "The outcomes worth most" in flat(small_pages[0])
    assert "Warmer homes" in small_pages[0]


SUBHEADINGS = {
    "Inputs by kind",
    "Value produced by value type",
    "Costs saved, by who saves",
    "The figures given as ranges",
}


def all_bookmarks(outline: list) -> list[str]:
    """Every bookmark's title, nested ones too."""
    out = []
    for item in outline:
        out += all_bookmarks(item) if isinstance(item, list) else [item.title]
    return out


def test_no_heading_is_left_at_the_foot_of_a_page(housing):
    _, data, _ = housing
    ranged = copy.deepcopy(HAND)
    ranged["outcomes"][0]["quantity"] = {"distribution": "triangular", "low": 5, "mode": 10,
                                         "high": 12}  # fmt: skip
    other = render_pdf(sroi.evaluate(ranged), draws=500)
    for document in (data, other):
        reader = pypdf.PdfReader(io.BytesIO(document))
        headings = set(all_bookmarks(reader.outline)) | SUBHEADINGS
        assert "Monte Carlo simulation" in headings or document is data
        for number, page in enumerate(reader.pages, start=1):
            lines = [line for line in page.extract_text().splitlines() if line.strip()]
            body = [line for line in lines if not re.search(r"Page \d+ of \d+$", line)]
            assert body[-1] not in headings, (number, body[-1])


LONG = (
    "Tenants who were helped to claim every benefit they are entitled to report feeling "
    "less worried about money, sleeping better and arguing less at home, a year after the "
    "advice, in the follow-up survey of the whole estate"
)
TOKEN = "https://example.org/" + "very-long-path-segment-" * 8 + "end"


def test_long_text_is_wrapped_never_cut_and_stays_on_the_page(tmp_path):
    m = copy.deepcopy(HAND)
    m["name"] = "A programme with a long name " * 4
    m["outcomes"][0]["outcome"] = LONG
    m["outcomes"][0]["stakeholder"] = TOKEN
    m["outcomes"][1]["outcome"] = LONG + " (second)"
    m["inputs"][0]["description"] = LONG
    data = render_pdf(sroi.evaluate(m), **QUICK)
    pages = texts(data)
    text = squash(" ".join(pages))
    assert squash(LONG) in text and squash(LONG + " (second)") in text
    assert squash(TOKEN) in text
    assert squash(m["name"]) in squash(pages[0])
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    assert_within_pages(path)


def test_a_figure_made_up_of_more_outcomes_than_a_page_holds_runs_on(tmp_path):
    """The organisation's value of one type lists every outcome it adds up: with thirty
    long names, more lines than one page holds; the list runs on over the pages."""
    m = copy.deepcopy(HAND)
    m["outcomes"] = [
        {
            "id": f"o{i}",
            "stakeholder": "Tenants",
            "outcome": f"Outcome {i:02d}: {LONG}",
            "quantity": 1,
            "value": 100 + i,
            "duration": 1,
        }
        for i in range(30)
    ]
    data = render_pdf(sroi.evaluate(m), **QUICK)
    pages = texts(data)
    start = dict(bookmarks(data))["Organisation totals"]
    text = squash(" ".join(pages[start - 1 :]))
    for i in range(30):
        assert squash(f"Outcome {i:02d}: {LONG}") in text
    (tmp_path / "many.pdf").write_bytes(data)
    assert_within_pages(tmp_path / "many.pdf")


def assert_within_pages(path: Path) -> None:
    """Every word's box lies within the page's 15 mm side margins and inside the page
    (poppler's pdftotext -bbox; 1 mm allowed for the letters' side bearings)."""
    from conftest import debian_program

    program = debian_program("poppler-utils", "pdftotext")
    done = subprocess.run(
        [program, "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    )
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', done.stdout, re.S)
    assert pages
    side = (15 - 1) * 72 / 25.4  # [pt]
    for width, height, body in pages:
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">'
            r"(.*?)</word>",
            body,
        ):
            assert float(x0) >= side and float(x1) <= float(width) - side, word
            assert float(y0) >= 0 and float(y1) <= float(height), word


def test_the_examples_stay_within_their_pages(tmp_path, housing):
    _, data, _ = housing
    (tmp_path / "housing.pdf").write_bytes(data)
    assert_within_pages(tmp_path / "housing.pdf")
    council = write_pdf(sroi.evaluate(COUNCIL), tmp_path / "council.pdf")
    assert_within_pages(council)


def test_every_warning_is_in_the_notes_and_flagged_on_page_one():
    m = copy.deepcopy(HAND)
    m["outcomes"][0]["deadweight"] = 0.95
    with pytest.warns(sroi.SROIWarning):
        r = sroi.evaluate(m)
    notes = common.notes(r)
    assert len(notes) == 1
    data = render_pdf(r, **QUICK)
    pages = texts(data)
    assert "The evaluation gave 1 warning to check: see Notes and warnings." in flat(pages[0])
    start = dict(bookmarks(data))["Notes and warnings"]
    text = flat(pages[start - 1])
    assert "Warmer homes (Tenants)" in text and "outcomes[" not in text
    assert flat(notes[0]["message"]) in text


# ------------------------------------------------------------------ user text and metadata


ODD = "Café – Łódź \"quoted\" 'single' <script>alert(1)</script> & £5 ≥ 2 × 3"


def test_user_text_comes_through_as_typed():
    m = copy.deepcopy(HAND)
    m["name"] = ODD
    m["outcomes"][0]["outcome"] = "**Warm** <b>homes</b> [link](x)"
    m["outcomes"][0]["stakeholder"] = "=SUM(A1:A9)"
    m["front_matter"] = {
        "organisation": "Ærø Housing – Ł & Co",
        "introduction": "First <i>paragraph</i>.\n\nSecond — with “curly” quotes.",
        "contact": "help@example.org",
    }
    data = render_pdf(sroi.evaluate(m), **QUICK)
    text = flat(" ".join(texts(data)))
    for typed in (
        ODD,
        "**Warm** <b>homes</b> [link](x)",
        "=SUM(A1:A9)",
        "Ærø Housing – Ł & Co",
        "First <i>paragraph</i>.",
        "Second — with “curly” quotes.",
        "help@example.org",
    ):
        assert typed in text, typed
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert meta.title == f"Social accounts: {ODD}"
    assert meta.author == "Ærø Housing – Ł & Co"


def test_metadata_names_the_accounts_and_who_publishes_them(hand, housing):
    r, data, _ = hand
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert meta.title == "Social accounts: Warm and fed"
    assert meta.author == "Warm and fed"  # no front matter: the model's name
    assert meta.subject == "Social return on investment: £1.75 per £1 (Warm and fed)"
    assert meta.creator == f"sroi {sroi.__version__}"
    r, data, _ = housing
    meta = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert meta.author == r.model.front_matter.organisation


def test_a_logo_is_drawn_on_page_one(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (0, 114, 178)).save(logo)
    m = copy.deepcopy(HAND)
    m["front_matter"] = {"organisation": "Riverside Homes", "logo": str(logo)}
    data = render_pdf(sroi.evaluate(m), **QUICK)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages[0].images) == 1
    assert "Riverside Homes" in reader.pages[0].extract_text()


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" width="200" height="80">'
    '<rect width="200" height="80" fill="#0072B2"/><circle cx="40" cy="40" r="25" '
    'fill="#fff"/></svg>'
)


def test_an_svg_logo_is_drawn_and_one_fpdf2_cannot_draw_is_a_located_error(tmp_path):
    from sroi.errors import ModelError

    logo = tmp_path / "logo.svg"
    logo.write_text(SVG)
    m = copy.deepcopy(HAND)
    m["front_matter"] = {"organisation": "Riverside Homes", "logo": str(logo)}
    data = render_pdf(sroi.evaluate(m), **QUICK)
    assert "Riverside Homes" in texts(data)[0]
    # an SVG without a size or a view box cannot be laid out
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')
    with pytest.raises(ModelError, match=r"front_matter\.logo: .*logo\.svg cannot be drawn"):
        render_pdf(sroi.evaluate(m), **QUICK)


def test_sensitivity_section_follows_the_switching_values(hand):
    r, data, pages = hand
    found = common.sensitivity(r)
    start = dict(bookmarks(data))["Sensitivity and uncertainty"]
    text = flat(" ".join(pages[start - 1 :]))
    assert found["rows"]
    for row in found["rows"]:
        assert f"{row['estimate']} {row['base']} {row['switching_value']}" in text
    # by hand: the total investment must rise from £1,000 to £1,750 for a ratio of 1
    assert "Total investment £1,000.00 £1,750.00 +75.0%" in text
    no_section = render_pdf(r, **QUICK)
    assert "Sensitivity and uncertainty" not in [t for t, _ in bookmarks(no_section)]


# ------------------------------------------------------------------ errors


def test_missing_fpdf2_says_how_to_install_it_and_writes_nothing(monkeypatch, tmp_path):
    r = sroi.evaluate(HAND)
    monkeypatch.setitem(sys.modules, "fpdf", None)
    with pytest.raises(ImportError, match=r"fpdf2.*pip install 'sroi\[pdf\]'"):
        render_pdf(r)
    with pytest.raises(ImportError, match=r"pip install 'sroi\[pdf\]'"):
        write_pdf(r, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    run = CliRunner().invoke(cli, ["report", str(HOUSING), "--pdf", str(tmp_path / "y.pdf")])
    assert run.exit_code == 1
    assert "pip install 'sroi[pdf]'" in run.output
    assert not (tmp_path / "y.pdf").exists()


def test_missing_matplotlib_font_says_how_to_install_it(monkeypatch):
    r = sroi.evaluate(HAND)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"matplotlib.*pip install 'sroi\[pdf\]'"):
        render_pdf(r, **QUICK)


def test_an_unwritable_path_raises_oserror(tmp_path):
    r = sroi.evaluate(HAND)
    with pytest.raises(FileNotFoundError):
        write_pdf(r, tmp_path / "no such folder" / "x.pdf", **QUICK)
    with pytest.raises(IsADirectoryError):
        write_pdf(r, tmp_path, **QUICK)


# ------------------------------------------------------------------ command line


def test_cli_report_writes_the_pdf(tmp_path):
    out = tmp_path / "accounts.pdf"
    run = CliRunner().invoke(cli, ["report", str(HOUSING), "--pdf", str(out)])
    assert run.exit_code == 0, run.output
    assert f"Wrote {out}" in run.output
    assert out.read_bytes()[:5] == b"%PDF-"
    r = sroi.evaluate(HOUSING)
    assert "".join(common.ratio_sentence(r)) in flat(texts(out.read_bytes())[0])


def test_cli_report_pdf_to_an_unwritable_path_exits_1(tmp_path):
    out = tmp_path / "missing" / "accounts.pdf"
    run = CliRunner().invoke(cli, ["report", str(HOUSING), "--pdf", str(out)])
    assert run.exit_code == 1
    assert "cannot be written" in run.output
    run = CliRunner().invoke(cli, ["report", "--help"])
    assert "--pdf FILE" in run.output


def test_cli_report_passes_the_sensitivity_options_to_the_pdf(tmp_path):
    out = tmp_path / "accounts.pdf"
    run = CliRunner().invoke(cli, ["report", str(HOUSING), "--pdf", str(out), "--no-sensitivity"])
    assert run.exit_code == 0, run.output
    titles = [t for t, _ in bookmarks(out.read_bytes())]
    assert "Sensitivity and uncertainty" not in titles and "Method notes" in titles


# ------------------------------------------------------------------ words, not codes


@pytest.fixture(scope="module")
def council():
    r = sroi.evaluate(COUNCIL)
    data = render_pdf(r, charts=False)
    return r, data, texts(data)


def test_the_pdf_names_outcomes_proxies_and_rules_in_words(council, housing):
    for _, _, pages in (council, housing):
        everything = flat(" ".join(pages))
        assert "outcomes[" not in everything
        assert "Thresholds: max_" not in everything and "max_deductions" not in everything
        for code in ("dominant_outcome", "wellbeing_share", "transfer_payment", "no_drop_off"):
            assert code not in everything
        assert "proxy '" not in everything
        assert "Thresholds: a finding is raised when an outcome's deductions together" in everything
    _, data, pages = council
    claims = flat(pages[dict(bookmarks(data))["Claims check"] - 1])
    assert "proxy (ucd_ee1_0_fiscal in the unit-cost table) is a transfer payment" in claims
    assert "Job Seeker's Allowance" in claims


def test_page_one_says_how_much_is_transfers_and_the_ratio_without(council):
    r, _, pages = council
    first = flat(pages[0])
    ratio = (r.present_value - r.transfer_present_value) / r.total_investment  # 0.6245...
    assert round(ratio, 2) == 0.62
    assert (
        "£144,539 of the value is benefits or taxes moved between parties (transfer "
        f"payments), not resources saved; without it the ratio is £{ratio:.2f} per £1."
    ) in first
    # both paybacks, the discounted one in months too: 1.737 years is 20.8 months
    assert "Payback (undiscounted) 17.1 months" in first
    assert "Discounted payback 1.74 years (20.8 months)" in first


def test_page_one_has_no_transfer_sentence_without_transfers(hand):
    assert "transfer payments" not in flat(hand[2][0])


def test_a_short_notes_section_shares_the_claims_check_page(council):
    r, data, pages = council
    assert not r.warnings
    marks = dict(bookmarks(data))
    assert marks["Notes and warnings"] == marks["Claims check"]
    # no page carries only a heading and a sentence
    assert all(len(p.split("\n")) > 6 for p in pages)


def test_the_pdf_writes_formulas_without_a_caret(council):
    _, data, pages = council
    method = flat(" ".join(pages[dict(bookmarks(data))["Method notes"] - 1 :]))
    assert "(1 − drop-off) to the power (t − start year)" in method
    assert "^" not in method


def test_no_text_is_justified():
    """fpdf2 justifies a multi_cell by default, opening gaps between words: every one
    the PDF writer draws is aligned left (table cells are given their alignment)."""
    source = (ROOT / "sroi" / "report" / "pdf.py").read_text()
    calls = []
    for found in re.finditer(r"multi_cell\(", source):
        depth, j = 1, found.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(source[j], 0)
            j += 1
        calls.append(source[found.end() : j])
    drawn = [c for c in calls if "dry_run" not in c]
    assert len(drawn) >= 10
    assert all("align=" in c for c in drawn)
