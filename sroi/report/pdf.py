"""The social accounts as a PDF for trustees: A4, laid out natively with fpdf2.

The PDF says what the HTML report (:mod:`sroi.report.html`) says, from the same content
(:func:`sroi.report.html.context`), every figure written by the same formatting functions
(:mod:`sroi.formatting`), so a figure reads the same in both. It is laid out for print:

- page 1 is a summary a trustee can read on its own: the organisation (and its logo) or
  programme, the period and prices, the ratio in a sentence in large type, the value
  produced, the investment and the net present value, the other headline figures, the
  outcomes worth most, how sure the figures are, and who prepared them and whom to
  contact; a contents list with each section's page (and a link to it) follows;
- then a section per subject, each from a new page where that helps: the introduction,
  the accounts at a glance (with the charts), one section per area of activity (its
  narrative first), the organisation's totals, the impact map (on landscape pages, so its
  eleven columns stay readable), who benefits and who saves, sensitivity and uncertainty
  (switching values, the tornado, the Monte Carlo simulation), notes and warnings, the
  claims check, the method notes, and the sources and licences (landscape);
- every page but the first has a running header (the organisation or programme, "Social
  accounts") and every page a footer (the price year, "Prepared with sroi X.Y", "Page N of
  M"); the sections and their parts are bookmarked, so a PDF reader lists them;
- tables repeat their heading row on each page they run onto, never split a row across
  pages, right-align money and wrap long text (a long name is wrapped, never cut); a table
  shorter than half a page is kept whole, and a heading is always kept with what follows
  it.

Laying out takes two passes: the first finds the page each section starts on, the second
writes those pages into the contents list (which takes the same room in both).

Fonts and dependencies: fpdf2 (pure Python) lays the pages out; the text is set in DejaVu
Sans, the font matplotlib ships, embedded (subset) in the file, so ``£``, ``€``, ``–``,
``≥``, ``×`` and accented letters print as typed; the charts are the PNGs the HTML
embeds, drawn by :mod:`sroi.plots`. Install both with ``pip install 'sroi[pdf]'``.

Text a user typed (names, descriptions, sources) is written as text: a PDF has no markup
to escape, and the tables are written with fpdf2's markdown off, so ``<script>``, ``**``
or ``=SUM(1)`` print as typed. A character DejaVu Sans lacks (an emoji, most CJK) is left
out of the page by fpdf2, which logs a warning naming it.

From the command line::

    sroi report examples/housing_community_investment.yaml --pdf accounts.pdf

From Python::

    import sroi
    from sroi.report import write_pdf

    write_pdf(sroi.evaluate("model.yaml"), "accounts.pdf")
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sroi.report import _common as common

if TYPE_CHECKING:  # pragma: no cover
    from sroi.result import Result

__all__ = ["render_pdf", "write_pdf"]

_INSTALL = "pip install 'sroi[pdf]'"

FONT = "DejaVu"
"""The family name the DejaVu Sans files are registered under."""

INK = (27, 31, 36)
MUTED = (87, 96, 106)
RULE = (208, 215, 222)
BAND = (243, 246, 249)
ACCENT = (0, 114, 178)
WARN = (213, 94, 0)

_IN_BOXES = frozenset(
    {"Present value of outcomes", "Total investment (present value)", "Net present value"}
)
"""The headline figures page 1 shows in boxes (from the summary), not again in its table."""

MARGIN = 15.0
"""Left and right margins [mm]."""
TOP = 20.0
"""Top margin, below the running header [mm]."""
BOTTOM = 16.0
"""Space kept free for the footer [mm]."""


# --------------------------------------------------------------------------------------
# Optional dependencies


def _fpdf() -> Any:
    """The fpdf module, or an ImportError naming the extra to install."""
    try:
        import fpdf
    except ImportError as exc:
        raise ImportError(
            f"sroi's PDF report needs fpdf2, an optional dependency: {_INSTALL}"
        ) from exc
    return fpdf


def _font_files() -> dict[str, Path]:
    """DejaVu Sans (regular, bold, oblique, bold oblique) from matplotlib's data folder.

    Raises
    ------
    ImportError
        If matplotlib is not installed (or its fonts are missing), naming the extra.
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError(
            "sroi's PDF report needs matplotlib (for its DejaVu Sans font and the charts), "
            f"an optional dependency: {_INSTALL}"
        ) from exc
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = {
        "": folder / "DejaVuSans.ttf",
        "B": folder / "DejaVuSans-Bold.ttf",
        "I": folder / "DejaVuSans-Oblique.ttf",
        "BI": folder / "DejaVuSans-BoldOblique.ttf",
    }
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise ImportError(
            f"sroi's PDF report needs matplotlib's DejaVu Sans font, not found at "
            f"{', '.join(missing)}: reinstall matplotlib ({_INSTALL})"
        )
    return files


# --------------------------------------------------------------------------------------
# The document


def _document_class(fpdf: Any) -> type:
    """An FPDF subclass with the report's running header and footer."""

    class Document(fpdf.FPDF):  # type: ignore[misc, name-defined]
        running_title = ""
        footer_left = ""
        footer_centre = ""

        def header(self) -> None:
            if self.page_no() == 1:
                return
            self.set_xy(self.l_margin, 8)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*MUTED)
            half = (self.w - self.l_margin - self.r_margin) / 2
            self.cell(half, 4, _one_line(self, self.running_title, half - 2), align="L")
            self.cell(half, 4, "Social accounts", align="R")
            self.set_draw_color(*RULE)
            self.set_line_width(0.2)
            self.line(self.l_margin, 13, self.w - self.r_margin, 13)
            self.set_xy(self.l_margin, self.t_margin)
            self.set_text_color(*INK)

        def footer(self) -> None:
            self.set_y(-11)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*MUTED)
            third = (self.w - self.l_margin - self.r_margin) / 3
            self.cell(third, 4, self.footer_left, align="L")
            self.cell(third, 4, self.footer_centre, align="C")
            self.cell(third, 4, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(*INK)

    return Document


def _one_line(pdf: Any, text: str, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` [mm] (for the running header
    only: the full name is on page 1)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _Writer:
    """Lays the report's content out on an fpdf2 document, section by section."""

    def __init__(self, ctx: dict[str, Any], pages: Sequence[int] | None = None) -> None:
        self.pages = pages
        self.found: list[tuple[str, int]] = []
        self.pending: list[tuple[str, int, float]] = []
        fpdf = _fpdf()
        fonts = _font_files()
        self.ctx = ctx
        self.cur = ctx["currency"]
        pdf = _document_class(fpdf)(orientation="P", unit="mm", format="A4")
        for style, path in fonts.items():
            pdf.add_font(FONT, style, str(path))
        pdf.set_margins(MARGIN, TOP, MARGIN)
        pdf.set_auto_page_break(True, margin=BOTTOM)
        pdf.set_text_color(*INK)
        front = ctx.get("front_matter") or {}
        organisation = _text(front.get("organisation"))
        pdf.running_title = organisation or ctx["model"].name
        prices = ctx["price_year"]
        pdf.footer_left = f"{prices} prices" if prices else "Price year not stated"
        pdf.footer_centre = f"Prepared with sroi {ctx['method']['version']}"
        pdf.set_title(ctx["title"])
        pdf.set_author(organisation or ctx["model"].name)
        pdf.set_subject(f"Social return on investment: {ctx['ratio_text']} ({ctx['model'].name})")
        pdf.set_keywords("social accounts, social return on investment, SROI")
        pdf.set_creator(f"sroi {ctx['method']['version']}")
        pdf.set_lang("en-GB")
        self.pdf = pdf

    # ---------------------------------------------------------------- primitives

    @property
    def width(self) -> float:
        """The width between the margins [mm]."""
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def room(self) -> float:
        """The height left on the page above the footer [mm]."""
        return self.pdf.page_break_trigger - self.pdf.get_y()

    def keep(self, height: float) -> None:
        """Start a new page (same orientation) unless ``height`` [mm] fits on this one,
        or this page is still empty (what does not fit there runs on to the next)."""
        if self.room() < height and self.pdf.get_y() > self.pdf.t_margin + 0.5:
            self.pdf.add_page(same=True)

    def new_page(self, orientation: str = "P") -> None:
        self.pdf.add_page(orientation=orientation)

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(FONT, style, size)
        self.pdf.set_text_color(*colour)

    def text(
        self,
        text: str,
        size: float = 9.5,
        style: str = "",
        colour: tuple[int, int, int] = INK,
        after: float = 2.0,
        align: str = "L",
    ) -> None:
        """A paragraph, wrapped to the width between the margins; one of up to eight
        lines is kept on one page."""
        if not text:
            return
        self.font(size, style, colour)
        text = _text(text)
        lines = self.pdf.multi_cell(0, size * 0.5, text, dry_run=True, output="LINES")
        self.need(len(lines[:8]) * size * 0.5 if len(lines) <= 8 else 2 * size * 0.5)
        self.pdf.multi_cell(
            0,
            size * 0.5,
            text,
            align=align,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.pdf.ln(after)
        self.font(9.5)

    def rich(self, parts: Sequence[tuple[str, str]], size: float = 9.5) -> None:
        """A paragraph of runs of text, each ``(style, text)``, wrapped together."""
        pdf = self.pdf
        self.need(size)
        pdf.set_x(pdf.l_margin)
        for style, text in parts:
            self.font(size, style)
            pdf.write(size * 0.5, _text(text))
        pdf.ln(size * 0.5)
        pdf.ln(2)
        self.font(9.5)

    def bullets(self, items: Sequence[str], size: float = 9.0) -> None:
        pdf = self.pdf
        for item in items:
            self.need(size * 0.5 + 1)
            self.font(size)
            pdf.set_x(pdf.l_margin)
            pdf.cell(5, size * 0.5, "•")
            pdf.multi_cell(0, size * 0.5, _text(item), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(1)

    def section(self, title: str, *, page: str | None = "P", keep: float = 40.0) -> None:
        """A section heading (bookmarked): on a new page of ``page`` orientation, or,
        with ``page=None``, on this page when ``keep`` [mm] still fits below it."""
        pdf = self.pdf
        if self.pending:  # headings of the section before, were any left without content
            self.need(0)
        if page:
            self.new_page(page)
            if self.contents_pending:
                self.contents_pending = False
                self.contents()
                pdf.ln(6)
        else:
            pdf.ln(4)
            self.keep(keep)
        pdf.start_section(title, level=0)
        self.found.append((title, pdf.page_no()))
        self.font(15, "B", ACCENT)
        pdf.multi_cell(0, 7.5, title, align="L", new_x="LMARGIN", new_y="NEXT")
        y = pdf.get_y() + 0.8
        pdf.set_draw_color(*ACCENT)
        pdf.set_line_width(0.5)
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 3.5)
        self.font(9.5)

    def subheading(self, title: str, *, level: int = 1, keep: float = 0.0) -> None:
        """A heading inside a section. It is drawn with what follows it (see
        :meth:`need`), so it never stands alone at the foot of a page; ``keep`` [mm] asks
        for at least that much room below it."""
        self.pending.append((title, level, keep))

    @contextmanager
    def same_font(self) -> Iterator[None]:
        """Restore the font and text colour when the block ends."""
        pdf = self.pdf
        style, size, colour = pdf.font_style, pdf.font_size_pt, pdf.text_color
        try:
            yield
        finally:
            pdf.set_font(FONT, style, size)
            pdf.text_color = colour

    def heading_height(self) -> float:
        """The height the headings waiting to be drawn take [mm]."""
        total = 0.0
        for title, level, _ in self.pending:
            self.font(11.5 if level == 1 else 10, "B")
            lines = self.pdf.multi_cell(
                0, 5.5 if level == 1 else 5, _text(title), dry_run=True, output="LINES"
            )
            total += (2.5 if level == 1 else 1.5) + len(lines) * (5.5 if level == 1 else 5) + 1
        self.font(9.5)
        return total

    def need(self, height: float) -> None:
        """Make room for ``height`` [mm] of content and the headings waiting above it (a
        new page when they do not fit together), then draw those headings."""
        pdf = self.pdf
        if not self.pending:
            self.keep(height)
            return
        with self.same_font():
            wanted = max([height, *(k for _, _, k in self.pending)])
            self.keep(wanted + self.heading_height())
            for title, level, _ in self.pending:
                pdf.ln(2.5 if level == 1 else 1.5)
                if level == 1:
                    pdf.start_section(title, level=1)
                self.font(11.5 if level == 1 else 10, "B")
                pdf.multi_cell(
                    0,
                    5.5 if level == 1 else 5,
                    _text(title),
                    align="L",
                    new_x="LMARGIN",
                    new_y="NEXT",
                )
                pdf.ln(1)
            self.pending.clear()

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        numeric: Sequence[int] = (),
        *,
        totals: Sequence[int] = (),
        size: float = 8.5,
        heading_column: bool = False,
    ) -> None:
        """A table across the page: heading row repeated on each page, rows never split,
        columns in ``numeric`` right-aligned; rows in ``totals`` set in bold.

        A table that takes less than half a page is kept whole (started on the next page
        when it does not fit on this one); a longer one starts here if its heading and
        first rows fit, and runs on. A row taller than a third of a page (a long list of
        the outcomes a figure adds up) goes on in rows below it, its other cells blank, so
        that every line of it is printed whatever its length.
        """
        pdf = self.pdf
        from fpdf.fonts import FontFace

        self.font(size)
        line = pdf.font_size * 1.3
        page = pdf.page_break_trigger - pdf.t_margin
        rows, totals = self.split_tall_rows(rows, totals, widths, line, int(page / 3 / line))
        heights = self.row_heights([head, *rows] if head else rows, widths, line)
        whole = sum(heights)
        self.need(whole + 1 if whole < page / 2 else sum(heights[:3]) + 1)
        align = tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(widths)))
        bold = FontFace(emphasis="BOLD")
        pdf.set_draw_color(*RULE)
        pdf.set_fill_color(255, 255, 255)
        pdf.set_line_width(0.2)
        with pdf.table(
            col_widths=tuple(widths),
            width=self.width,
            text_align=align,
            line_height=line,
            padding=(1.0, 1.2),
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", color=INK, fill_color=BAND),
            first_row_as_headings=bool(head),
            repeat_headings=1,
            markdown=False,
            v_align="TOP",
        ) as table:
            if head:
                row = table.row()
                for cell in head:
                    row.cell(_text(cell))
            for i, cells in enumerate(rows):
                row = table.row(style=bold if i in totals else None)
                for j, cell in enumerate(cells):
                    style = bold if heading_column and j == 0 else None
                    row.cell(_text(cell), style=style)
        pdf.ln(3)
        self.font(9.5)

    def split_tall_rows(
        self,
        rows: Sequence[Sequence[Any]],
        totals: Sequence[int],
        widths: Sequence[float],
        line: float,
        most: int,
    ) -> tuple[list[list[str]], list[int]]:
        """The rows with each one of more than ``most`` lines cut into rows of at most
        ``most`` lines: every cell's wrapped lines in turn, the rows after the first
        holding the lines that run on (a cell with no more lines is blank there).

        Returns the new rows and the positions of the total rows among them.
        """
        pdf = self.pdf
        most = max(most, 1)
        total = float(sum(widths))
        columns = [self.width * w / total - 2.4 for w in widths]
        out: list[list[str]] = []
        kept: list[int] = []
        for i, cells in enumerate(rows):
            texts = [_text(c) for c in cells]
            wrapped = [
                pdf.multi_cell(w, line, t, dry_run=True, output="LINES")
                for w, t in zip(columns, texts, strict=False)
            ]
            n = max((len(w) for w in wrapped), default=1)
            pieces = (
                [texts]
                if n <= most
                else [["\n".join(w[k : k + most]) for w in wrapped] for k in range(0, n, most)]
            )
            if i in totals:
                kept += range(len(out), len(out) + len(pieces))
            out += pieces
        return out, kept

    def row_heights(
        self, rows: Sequence[Sequence[Any]], widths: Sequence[float], line: float
    ) -> list[float]:
        """The height each row of a table takes [mm], as fpdf2 will lay it out (the
        current font; cells padded 1 mm above and below, 1.2 mm at the sides)."""
        pdf = self.pdf
        total = float(sum(widths))
        columns = [self.width * w / total - 2.4 for w in widths]
        out = []
        for cells in rows:
            lines = [
                len(pdf.multi_cell(w, line, _text(c), dry_run=True, output="LINES"))
                for w, c in zip(columns, cells, strict=False)
            ]
            out.append(max(lines, default=1) * line + 2.0)
        return out

    def boxes(self, pairs: Sequence[tuple[str, str]], value_size: float = 13.0) -> None:
        """Key figures in a row of shaded boxes: label above, figure below."""
        pdf = self.pdf
        pairs = [(_text(label), _text(value)) for label, value in pairs]
        gap = 3.0
        n = max(len(pairs), 1)
        w = (self.width - gap * (n - 1)) / n
        self.font(value_size, "B")
        value_lines = max(
            len(pdf.multi_cell(w - 4, value_size * 0.45, v, dry_run=True, output="LINES"))
            for _, v in pairs
        )
        self.font(7.5)
        label_lines = max(
            len(pdf.multi_cell(w - 4, 3.4, label, dry_run=True, output="LINES"))
            for label, _ in pairs
        )
        h = 4 + label_lines * 3.4 + 1.5 + value_lines * value_size * 0.45 + 3
        self.need(h + 2)
        top = pdf.get_y()
        for k, (label, value) in enumerate(pairs):
            x = pdf.l_margin + k * (w + gap)
            pdf.set_fill_color(*BAND)
            pdf.rect(x, top, w, h, style="F")
            pdf.set_fill_color(*ACCENT)
            pdf.rect(x, top, 1.0, h, style="F")
            pdf.set_xy(x + 3, top + 3)
            self.font(7.5, "", MUTED)
            pdf.multi_cell(w - 4, 3.4, label, align="L", new_x="LEFT", new_y="NEXT")
            pdf.set_xy(x + 3, pdf.get_y() + 1.5)
            self.font(value_size, "B")
            pdf.multi_cell(w - 4, value_size * 0.45, value, align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(pdf.l_margin, top + h + 4)
        self.font(9.5)

    def image_size(self, data: bytes, max_height: float) -> tuple[float, float]:
        """The width and height a PNG is shown at [mm]: the width between the margins,
        or less to keep it within ``max_height``, its proportions kept."""
        from PIL import Image

        px_w, px_h = Image.open(io.BytesIO(data)).size
        w = self.width
        h = w * px_h / px_w
        if h > max_height:
            h, w = max_height, max_height * px_w / px_h
        return w, h

    def image(self, data: bytes, title: str, *, max_height: float = 120.0) -> None:
        """A chart from its PNG bytes, with its title above it, kept together."""
        w, h = self.image_size(data, max_height)
        self.need(h + 9)
        self.font(9.5, "B")
        self.pdf.multi_cell(0, 5, title, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.image(io.BytesIO(data), x=self.pdf.l_margin + (self.width - w) / 2, w=w, h=h)
        self.pdf.ln(4)
        self.font(9.5)

    # ---------------------------------------------------------------- sections

    def summary(self) -> None:
        """Page 1: what a trustee needs if they read nothing else."""
        ctx, pdf = self.ctx, self.pdf
        pdf.add_page()
        pdf.start_section("Summary", level=0)
        front = ctx.get("front_matter") or {}
        summary = ctx["summary"]
        organisation = _text(front.get("organisation"))
        logo_w = self.logo(front.get("logo"))
        pdf.set_y(14)
        self.font(10, "B", ACCENT)
        beside = self.width - logo_w - 4 if logo_w else 0
        pdf.multi_cell(beside, 5, "Social accounts", align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        if organisation:
            self.font(12, "B", MUTED)
            pdf.multi_cell(beside, 6, organisation, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        self.font(20, "B")
        pdf.multi_cell(beside, 9, ctx["model"].name, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        if logo_w:
            pdf.set_y(max(pdf.get_y(), 14 + self.logo_height + 2))
        period = _text(front.get("period"))
        meta = f"{ctx['currency']}"
        if ctx["price_year"]:
            meta += f", {ctx['price_year']} prices"
        meta += f"; discounted at {ctx['discount_words']}."
        if period:
            self.text(f"Period: {period}", size=10, style="B", after=1)
        self.text(meta, size=9, colour=MUTED, after=3)
        if ctx["model"].description:
            self.text(ctx["model"].description, size=9.5, after=3)

        before, ratio, after = summary["ratio_sentence"]
        self.rich([("", before), ("B", ratio), ("", after)], size=16)
        pdf.ln(1)
        figures = summary["figures"]
        self.boxes(figures, value_size=15)
        if summary["transfers"]:
            self.text(summary["transfers"]["sentence"], size=9.5)
        rest = [[k, v] for k, v in ctx["headline"] if k not in _IN_BOXES]
        self.subheading("Headline figures", keep=25)
        self.table([], rest, (1.2, 1), (1,), heading_column=True, size=8.5)

        top, more = summary["top_outcomes"], summary["more_outcomes"]
        if top:
            areas = bool(ctx["model"].areas)
            self.subheading("The outcomes worth most", keep=30)
            rows = [
                [
                    o["outcome"],
                    o["stakeholder"],
                    *([o.get("area") or ""] if areas else []),
                    o["present_value"],
                    o["share"],
                ]
                for o in top
            ]
            self.table(
                ["Outcome", "For", *(["Area"] if areas else []), "Present value", "Share"],
                rows,
                (2.4, 1.6, *((1.2,) if areas else ()), 1.0, 0.6),
                (3, 4) if areas else (2, 3),
                size=8.5,
            )
            if more:
                self.text(
                    f"And {more} more outcome{'s' if more > 1 else ''}: see the impact map.",
                    size=8,
                    colour=MUTED,
                )
        self.subheading("How sure we are", keep=20)
        see = " See Sensitivity and uncertainty." if ctx["sensitivity"] else ""
        self.text(summary["how_sure"] + see, size=9.5)
        for sentence, colour in self.certainty():
            self.text(sentence, size=9, colour=colour)
        rows = [
            [label, _text(front.get(key))]
            for label, key in (
                ("Organisation", "organisation"),
                ("Period", "period"),
                ("Prepared by", "prepared_by"),
                ("Published", "published"),
                ("Contact", "contact"),
            )
            if front.get(key)
        ]
        if rows:
            self.subheading("About these accounts", keep=15)
            self.table([], rows, (1, 4), heading_column=True, size=9)
        if self.room() >= self.contents_height() + 12:
            self.contents()
        else:
            self.contents_pending = True

    contents_pending = False

    def contents_height(self) -> float:
        """The height the contents list takes [mm] (the same in both passes)."""
        self.font(9)
        lines = sum(
            len(self.pdf.multi_cell(self.width - 14, 4.6, t, dry_run=True, output="LINES"))
            for t in self.titles()
        )
        self.font(9.5)
        return 4.6 * lines + 0.6 * len(self.titles()) + 12

    def contents(self) -> None:
        """The list of sections with their pages, each a link to its page.

        The first pass (``pages`` None) lays the list out with the page numbers left
        blank and records where each section starts; the second writes them. A title
        takes the same lines in both passes, so no page moves between them.
        """
        pdf = self.pdf
        titles = self.titles()
        self.subheading("In this report", keep=12 + 5 * min(len(titles), 6))
        self.font(9)
        number = 14.0
        for k, title in enumerate(titles):
            page = self.pages[k] if self.pages is not None else None
            link = pdf.add_link(page=page) if page else ""
            lines = pdf.multi_cell(self.width - number, 4.6, title, dry_run=True, output="LINES")
            self.need(4.6 * len(lines) + 0.6)
            y = pdf.get_y()
            pdf.multi_cell(
                self.width - number, 4.6, title, link=link, align="L", new_x="RIGHT", new_y="TOP"
            )
            pdf.set_xy(pdf.l_margin + self.width - number, y)
            pdf.cell(number, 4.6, str(page) if page else "", align="R", link=link)
            pdf.set_draw_color(*RULE)
            pdf.set_line_width(0.1)
            bottom = y + 4.6 * len(lines) + 0.3
            pdf.line(pdf.l_margin, bottom, pdf.l_margin + self.width, bottom)
            pdf.set_xy(pdf.l_margin, bottom + 0.3)
        self.font(9.5)

    def titles(self) -> list[str]:
        """The sections after the summary, in order (the titles :meth:`section` writes)."""
        return [title for title, _ in self.plan()]

    def plan(self) -> list[tuple[str, Any]]:
        """The sections after the summary, in order: ``(title, write it)``."""
        ctx = self.ctx
        out: list[tuple[str, Any]] = []
        if self.intro:
            out.append(("Introduction", self.introduction))
        out.append(("Accounts at a glance", self.glance))
        out += [(a.name, lambda a=a: self.area(a)) for a in ctx["accounts"].areas]
        out += [
            ("Organisation totals", self.organisation),
            ("Impact map", self.impact_map),
            ("Who benefits and who saves", self.who_benefits),
        ]
        if ctx["sensitivity"] is not None:
            out.append(("Sensitivity and uncertainty", self.sensitivity))
        out += [
            ("Notes and warnings", self.notes),
            ("Claims check", self.claims),
            ("Method notes", self.method),
        ]
        out.append(("Sources and licences", self.sources))
        return out

    logo_height = 0.0

    def logo(self, logo: dict[str, Any] | None) -> float:
        """Draw the organisation's logo at the top right of page 1, within 45 × 22 mm
        (its proportions kept); return the width kept free for it [mm] (0 without one).

        Raises
        ------
        ModelError
            Located at ``front_matter.logo`` when fpdf2 cannot draw the image (an SVG
            using features it does not support, say).
        """
        if not logo or not logo.get("src"):
            return 0.0
        from sroi.errors import ModelError, Problem

        data = base64.b64decode(logo["src"].split(",", 1)[1])
        w, h = 45.0, 22.0
        pdf = self.pdf
        source: Any = data if logo.get("type") == "image/svg+xml" else io.BytesIO(data)
        try:
            pdf.image(source, x=pdf.w - pdf.r_margin - w, y=12, w=w, h=h, keep_aspect_ratio=True)
        except Exception as exc:  # fpdf2 raises many kinds for an image it cannot draw
            raise ModelError(
                [
                    Problem(
                        "front_matter.logo",
                        f"{logo.get('path') or 'the logo'} cannot be drawn in the PDF "
                        f"({exc.__class__.__name__}: {exc}); give the logo as a PNG or JPEG",
                    )
                ],
                title="the PDF report",
            ) from None
        self.logo_height = h
        return w

    def certainty(self) -> list[tuple[str, tuple[int, int, int]]]:
        """The summary's sentences on warnings and the claims check (as the HTML's), each
        with its colour: warnings stand out."""
        ctx = self.ctx
        out = []
        n = len(ctx["notes"])
        if n:
            out.append(
                (
                    f"The evaluation gave {n} warning{'s' if n > 1 else ''} to check: see "
                    "Notes and warnings.",
                    WARN,
                )
            )
        n = len(ctx["claims"]["rows"])
        if n:
            out.append(
                (
                    f"The claims check made {n} finding{'s' if n > 1 else ''}: see Claims check.",
                    MUTED,
                )
            )
        return out

    def introduction(self) -> None:
        """The front matter's introduction, after the summary (when it gives one)."""
        self.section("Introduction")
        for paragraph in self.intro:
            self.text(paragraph, size=10, after=3)

    @property
    def intro(self) -> list[str]:
        return _paragraphs((self.ctx.get("front_matter") or {}).get("introduction"))

    def glance(self) -> None:
        ctx = self.ctx
        self.section("Accounts at a glance", page=None if self.intro else "P", keep=70)
        cur = self.cur
        rows, totals = [], []
        for i, a in enumerate(ctx["accounts"].accounts):
            if a.kind == "organisation":
                totals.append(i)
            rows.append(
                [
                    "Organisation" if a.kind == "organisation" else a.name,
                    common.money(a.investment.amount, cur),
                    common.money(a.present_value.amount, cur),
                    common.money(a.costs_saved.amount, cur),
                    common.money(a.npv, cur),
                    _ratio(a, cur),
                ]
            )
        head = ["Account", "Inputs (present value)", "Value produced", "Costs saved",
                "Net present value", "Ratio"]  # fmt: skip
        self.table(head, rows, (2.2, 1.3, 1.3, 1.2, 1.3, 1.2), (1, 2, 3, 4, 5), totals=totals)
        for note in ctx["accounts"].notes:
            self.text(note, size=8, colour=MUTED)
        for chart in ctx["charts"]:
            self.chart(chart, max_height=80)
        if ctx["chart_note"]:
            self.text(ctx["chart_note"], size=8, colour=MUTED)

    def input_rows(self, inputs: Any, *, areas: bool) -> list[list[str]]:
        """A row of text for each input line: name, area (with ``areas``), stakeholder,
        kind, year, as spent and present value."""
        cur = self.ctx["currency"]
        return [
            [
                self.ctx["input_label"](x.index),
                *([x.area or ""] if areas else []),
                x.stakeholder,
                common.KIND_LABELS.get(x.kind, x.kind),
                str(x.year),
                common.money(x.amount, cur),
                common.money(x.present_value, cur),
            ]
            for x in inputs
        ]

    def key_figures(self, account: Any) -> None:
        cur = self.cur
        self.boxes(
            [
                ("Inputs (present value)", common.money(account.investment.amount, cur)),
                ("Value produced", common.money(account.present_value.amount, cur)),
                ("Costs saved", common.money(account.costs_saved.amount, cur)),
                ("Ratio", _ratio(account, cur)),
            ],
            value_size=11.5,
        )
        if account.ratio is None:
            self.text(f"No ratio: {account.ratio_reason}.", size=8.5, colour=MUTED)

    def made_up_of(self, figure: Any) -> str:
        return "; ".join(p["text"] for p in self.ctx["parts"](figure))

    def account_figures(self, account: Any) -> None:
        cur, shown = self.cur, self.ctx["shown"]
        rows = [
            [
                common.KIND_LABELS.get(spent.label, spent.label),
                common.money(spent.amount, cur),
                common.money(pv.amount, cur),
                self.made_up_of(spent),
            ]
            for spent, pv in shown(account.input_amounts, account.input_present_values)
        ]
        rows.append(
            [
                "Total inputs",
                common.money(account.input_amount.amount, cur),
                common.money(account.investment.amount, cur),
                "",
            ]
        )
        self.subheading("Inputs by kind", level=2, keep=22)
        self.table(
            ["Kind", "As spent", "Present value", "Made up of"],
            rows,
            (1.2, 1.0, 1.0, 2.8),
            (1, 2),
            totals=[len(rows) - 1],
        )
        whole = account.present_value.amount
        rows = [
            [
                f.label + (" (costs saved)" if f.label == "fiscal" else ""),
                common.money(f.amount, cur),
                common.percent(common.share(f.amount, whole)),
                self.made_up_of(f),
            ]
            for f in shown(account.value_by_type)
        ]
        rows.append(["Value produced", common.money(whole, cur), "", ""])
        self.subheading("Value produced by value type", level=2, keep=22)
        self.table(
            ["Value type", "Present value", "Share", "Made up of"],
            rows,
            (1.2, 1.0, 0.6, 3.2),
            (1, 2),
            totals=[len(rows) - 1],
        )
        self.subheading("Costs saved, by who saves", level=2, keep=22)
        if account.costs_saved_by_bearer:
            saved = account.costs_saved.amount
            rows = [
                [
                    f.label,
                    common.money(f.amount, cur),
                    common.percent(common.share(f.amount, saved)),
                    self.made_up_of(f),
                ]
                for f in account.costs_saved_by_bearer
            ]
            rows.append(["Costs saved", common.money(saved, cur), "", ""])
            self.table(
                ["Who saves", "Present value", "Share", "Made up of"],
                rows,
                (1.2, 1.0, 0.6, 3.2),
                (1, 2),
                totals=[len(rows) - 1],
            )
        else:
            self.text(
                "No fiscal outcomes here: no costs saved to public bodies are claimed.",
                size=8.5,
                colour=MUTED,
            )

    def area(self, account: Any) -> None:
        cur, ctx = self.cur, self.ctx
        self.section(account.name)
        front = ctx.get("front_matter") or {}
        for paragraph in _paragraphs((front.get("narrative") or {}).get(account.name)):
            self.text(paragraph, size=9.5, after=2.5)
        if account.note:
            self.text(account.note, size=8.5, colour=MUTED)
        self.key_figures(account)
        self.subheading("Inputs")
        if account.inputs:
            rows = self.input_rows(account.inputs, areas=False)
            head = ["Input", "Stakeholder", "Kind", "Year", "As spent", "Present value"]
            self.table(head, rows, (2.6, 1.4, 1.0, 0.5, 1.1, 1.1), (3, 4, 5))
        else:
            self.text("No inputs are assigned to this area.", size=8.5, colour=MUTED)
        self.subheading("Outputs delivered")
        if account.outputs:
            rows = [
                [o.description, common.quantity(o.quantity), o.unit, o.stakeholder or ""]
                for o in account.outputs
            ]
            self.table(
                ["Description", "Quantity", "Unit", "Delivered to"], rows, (3, 0.9, 1.2, 1.6), (1,)
            )
        else:
            self.text("No outputs are recorded for this area.", size=8.5, colour=MUTED)
        self.subheading("Outcomes")
        if account.outcomes:
            rows = [
                [
                    o.outcome,
                    o.stakeholder,
                    o.value_type,
                    o.bearer_text,
                    common.money(o.present_value, cur),
                ]
                for o in account.outcomes
            ]
            rows.append(
                ["Value produced", "", "", "", common.money(account.present_value.amount, cur)]
            )
            self.table(
                ["Outcome", "Stakeholder", "Value type", "Who gains", "Present value"],
                rows,
                (2.6, 1.6, 0.9, 1.3, 1.1),
                (4,),
                totals=[len(rows) - 1],
            )
        else:
            self.text("No outcomes are valued in this area.", size=8.5, colour=MUTED)
        self.account_figures(account)

    def organisation(self) -> None:
        org = self.ctx["accounts"].organisation
        self.section("Organisation totals")
        self.text(org.note, size=8.5, colour=MUTED)
        self.key_figures(org)
        self.account_figures(org)
        if org.outputs:
            self.subheading("Outputs delivered")
            areas = bool(self.ctx["model"].areas)
            rows = [
                [
                    o.description,
                    common.quantity(o.quantity),
                    o.unit,
                    *([o.area or ""] if areas else []),
                ]
                for o in org.outputs
            ]
            head = ["Description", "Quantity", "Unit", *(["Area"] if areas else [])]
            widths = (3, 0.9, 1.2, *((1.6,) if areas else ()))
            self.table(head, rows, widths, (1,))

    def impact_map(self) -> None:
        ctx, cur = self.ctx, self.cur
        areas = bool(ctx["model"].areas)
        self.section("Impact map", page="L")
        self.text(
            "One row per outcome. Deductions are deadweight / displacement / attribution / "
            "drop-off, in per cent; the first-year impact is quantity × value after the three "
            "deductions.",
            size=8.5,
            colour=MUTED,
        )
        rows = []
        for r in ctx["impact"]:
            first = [r["outcome"]]
            if r["indicator"]:
                first.append(f"Indicator: {r['indicator']}")
            if r["proxy"]:
                first.append(f"Proxy: {r['proxy_name'] or r['proxy']}")
            first.append(f"ref. {r['id']}")
            value_type = r["value_type_text"] + (
                f"\n{r['bearer_text']}" if r["bearer_text"] else ""
            )
            rows.append(
                [
                    "\n".join(first),
                    *([r["area"] or ""] if areas else []),
                    r["stakeholder"],
                    common.quantity(r["quantity"]) + (f"\n{r['unit']}" if r["unit"] else ""),
                    common.money(r["value"], cur),
                    value_type,
                    r["years"],
                    r["deductions"],
                    common.money(r["after_attribution"], cur),
                    common.money(r["present_value"], cur),
                    common.percent(r["share_of_present_value"]),
                ]
            )
        head = [
            "Outcome (indicator, proxy, reference)",
            *(["Area"] if areas else []),
            "Stakeholder",
            "Quantity",
            "Value a unit",
            "Value type (who gains)",
            "Years",
            "Deductions %",
            "First-year impact",
            "Present value",
            "Share",
        ]
        widths = (
            3.45, *((1.4,) if areas else ()), 1.6, 1.1, 1.1, 1.6, 0.8, 1.25, 1.2, 1.2, 0.7
        )  # fmt: skip
        numeric = [i + (1 if areas else 0) for i in (2, 3, 5, 6, 7, 8, 9)]
        self.table(head, rows, widths, numeric, size=7.5)

        self.subheading("Inputs")
        org = ctx["accounts"].organisation
        rows = self.input_rows(org.inputs, areas=areas)
        head = ["Input", *(["Area"] if areas else []), "Stakeholder", "Kind", "Year",
                "As spent", "Present value"]  # fmt: skip
        widths = (3.4, *((1.6,) if areas else ()), 1.6, 1.1, 0.5, 1.1, 1.1)
        numeric = [i + (1 if areas else 0) for i in (3, 4, 5)]
        self.table(head, rows, widths, numeric, size=8)
        if org.outputs:
            self.subheading("Outputs")
            rows = [
                [
                    o.description,
                    *([o.area or ""] if areas else []),
                    common.quantity(o.quantity),
                    o.unit,
                    o.stakeholder or "",
                ]
                for o in org.outputs
            ]
            head = ["Output", *(["Area"] if areas else []), "Quantity", "Unit", "Delivered to"]
            widths = (3.4, *((1.6,) if areas else ()), 0.9, 1.4, 2.0)
            self.table(head, rows, widths, [1 + (1 if areas else 0)], size=8)

    def who_benefits(self) -> None:
        who = self.ctx["who"]
        self.section("Who benefits and who saves")
        if who["groups"]:
            self.subheading("Value by beneficiary group")
            rows = [
                [g["group"], g["priority"], g["present_value"], g["share"]] for g in who["groups"]
            ]
            self.table(
                ["Group", "Priority", "Present value", "Share"], rows, (3, 1, 1.4, 0.8), (2, 3)
            )
            if who["priority_share"]:
                self.rich(
                    [
                        ("", "Share of the present value reaching priority groups: "),
                        ("B", who["priority_share"]),
                        ("", "."),
                    ]
                )
        self.subheading("Money flows: who puts in, who gains")
        keys = ("puts_in", "gains", "net", "fiscal_saving", "transfer", "wider_benefit")
        rows = [[f["agency"], *(f[k] for k in keys)] for f in who["flows"]]
        head = ["Agency or stakeholder", "Puts in", "Gains", "Net", "Fiscal saving", "Transfer",
                "Wider benefit"]  # fmt: skip
        self.table(head, rows, (2.0, 1, 1, 1, 1, 1, 1), (1, 2, 3, 4, 5, 6), size=7.8)
        self.text(
            "Present values. Gains are the outcomes' value split by who gains; a transfer is a "
            "benefit or tax payment moved, not a resource saved.",
            size=8,
            colour=MUTED,
        )
        for c in who["compared"]:
            self.subheading(c["title"])
            self.table(["Figure", *c["names"]], [list(r) for r in c["rows"]], (2, 1, 1), (1, 2),
                       heading_column=True)  # fmt: skip
            self.text(c["note"], size=8, colour=MUTED)

    def chart_height(self, chart: dict[str, Any] | None, max_height: float = 105.0) -> float:
        """The height a chart of the context takes with its title [mm] (0 without one)."""
        png = _png(chart)
        return self.image_size(png, max_height)[1] + 9 if png else 0.0

    def chart(self, chart: dict[str, Any] | None, *, max_height: float = 105.0) -> None:
        """A chart of the context (``png`` bytes or a ``src`` data URI), or its note."""
        if not chart:
            return
        png = _png(chart)
        if png:
            self.image(png, chart["title"], max_height=max_height)
        if chart.get("note"):
            self.text(chart["note"], size=8, colour=MUTED)

    def sensitivity(self) -> None:
        """Switching values, the tornado and the Monte Carlo simulation."""
        ctx = self.ctx
        sens, unsure = ctx.get("sensitivity"), ctx.get("uncertainty")
        self.section("Sensitivity and uncertainty")
        self.text(
            "Every figure in these accounts rests on estimates: how many people changed, what "
            "the change is worth, and how much of it would have happened anyway or is owed to "
            "others. This section shows how far those estimates could move before the "
            "conclusion changes.",
            size=9.5,
        )
        if sens is not None:
            target = sens["target"]
            self.subheading(f"Switching values: what it would take to reach {target}", keep=35)
            if sens["rows"]:
                self.text(
                    f"Each row moves one estimate on its own, everything else as estimated, to "
                    f"the value at which the ratio {sens['direction']} to {target}. The nearest "
                    "come first (the smallest change in proportion: of the figure itself, or of "
                    "the share a deduction leaves).",
                    size=9,
                )
                rows = [
                    [r["estimate"], r["base"], r["switching_value"], r["change"]]
                    for r in sens["rows"]
                ]
                head = ["Estimate", "As estimated", f"Ratio {target} at", "Change needed"]
                self.table(head, rows, (3.2, 1.1, 1.1, 1.0), (1, 2, 3), size=8)
            else:
                self.text(
                    f"No single estimate, moved on its own within its range, takes the ratio "
                    f"to {target}.",
                    size=9,
                )
            if sens["unreachable"]:
                self.text(
                    f"These estimates cannot take the ratio to {target} on their own, whatever "
                    "their value within their range:",
                    size=9,
                    colour=MUTED,
                )
                rows = [[u["outcome"], u["estimates"]] for u in sens["unreachable"]]
                self.table([], rows, (3, 2.4), heading_column=True, size=8)
            chart = sens.get("chart")
            rows = [
                [t["estimate"], t["low"], t["ratio_low"], t["high"], t["ratio_high"]]
                for t in sens["tornado"]["rows"]
            ]
            head = ["Estimate", "Lower", "Ratio", "Higher", "Ratio"]
            widths = (3.0, 1.0, 1.1, 1.0, 1.1)
            # the chart and its table on one page where the chart can stay 110 mm high
            self.font(8)
            table = sum(self.row_heights([head, *rows], widths, self.pdf.font_size * 1.3))
            page = self.pdf.page_break_trigger - self.pdf.t_margin
            tall = min(170.0, max(110.0, page - 60 - table))
            self.subheading(
                "Tornado: how far each estimate moves the ratio",
                keep=self.chart_height(chart, tall) + 30,
            )
            self.text(
                "Each bar sets one estimate lower and then higher, everything else as "
                "estimated: the value a unit of each of the largest outcomes 20 % lower and "
                "higher; deadweight, displacement, attribution and drop-off ten percentage "
                "points lower and higher on every outcome at once; every duration a year "
                "shorter and longer; the investment 20 % lower and higher.",
                size=9,
            )
            self.chart(chart, max_height=tall)
            if rows:
                self.table(head, rows, widths, (1, 2, 3, 4), size=8)
        if unsure is not None:
            # a sentence alone (nothing simulated) asks only for its own room
            self.subheading("Monte Carlo simulation", keep=35 if unsure["simulated"] else 0)
            self.text(unsure["sentence"], size=9)
            if unsure["simulated"]:
                self.boxes(
                    [
                        ("Chance the ratio is above 1 : 1", unsure["probability_text"]),
                        ("Median ratio", unsure["median"]),
                        ("Nine draws in ten between", f"{unsure['p5']} and {unsure['p95']}"),
                        ("Draws", f"{unsure['draws_text']} ({unsure['seed_text']})"),
                    ],
                    value_size=10,
                )
                self.chart(unsure.get("chart"), max_height=95)
                self.subheading("The figures given as ranges", level=2, keep=20)
                rows = [
                    [f["where"] + (f"\n{f['ref']}" if f.get("ref") else ""), f["range"]]
                    for f in unsure["figures"]
                ]
                self.table(["Figure", "Range"], rows, (3, 3), size=8)
                self.text(
                    "The chance is the share of draws whose ratio is above 1 : 1; it is only as "
                    "good as the ranges given, and treats the figures as independent of one "
                    "another.",
                    size=8,
                    colour=MUTED,
                )

    def sources(self) -> None:
        """Where every figure comes from: proxies, the GDP deflator, the discount rate."""
        found = self.ctx["sources"]
        self.section("Sources and licences", page="L")
        self.subheading("Financial proxies", keep=30)
        if found["proxies"]:
            rows = []
            for p in found["proxies"]:
                first = [p["name"]]
                if p.get("used_by"):
                    first.append(f"Used for: {p['used_by']}")
                first.append(f"ref. {p['id']}")
                year = p["price_year"] + (
                    f"\ndata age: {p['data_age']}" if p.get("data_age") else ""
                )
                rows.append(
                    [
                        "\n".join(first),
                        p["value"],
                        year,
                        f"{p['price_index']:.4f}",
                        p["source"],
                        p["licence"],
                    ]
                )
            head = ["Proxy", "Value as published", "Price year", "Price index", "Source",
                    "Licence"]  # fmt: skip
            self.table(head, rows, (2.2, 1.0, 0.9, 0.7, 3.2, 2.0), (1, 3), size=7.5)
            self.text(
                " ".join(
                    t
                    for t in (
                        "The price index moves each value from its price year to this report's.",
                        found.get("data_age_note") or "",
                    )
                    if t
                ),
                size=8,
                colour=MUTED,
            )
            if found["proxy_checksum"]:
                self.text(
                    f"Proxy table checksum (SHA-256): {found['proxy_checksum']}",
                    size=7.5,
                    colour=MUTED,
                )
        else:
            self.text(
                "Every outcome gives its own value; no proxy from a table was used.",
                size=8.5,
                colour=MUTED,
            )
        d = found["deflator"]
        self.subheading("Prices between years", keep=25)
        rows = [["GDP deflator", d["text"]]]
        if d.get("base"):
            rows.append(["Index base", d["base"]])
        rows.append(["Source", d["source"]])
        self.table([], rows, (1, 5), heading_column=True, size=8.5)
        self.subheading("Discounting", keep=20)
        rows = [
            ["Discount rate", found["discount"]["text"]],
            ["Source", found["discount"]["source"]],
        ]
        self.table([], rows, (1, 5), heading_column=True, size=8.5)
        m = self.ctx["method"]
        self.text(
            f"Produced with sroi {m['version']}, following the SROI Guide (Cabinet Office 2009 "
            "/ SROI Network 2012) and HM Treasury's Green Book. Figures are rounded to the "
            "penny for display.",
            size=8,
            colour=MUTED,
        )

    def notes(self) -> None:
        found = self.ctx["notes"]
        # with no warnings the section is one sentence: kept on the page before if it fits
        self.section("Notes and warnings", page=None if not found else "P", keep=30)
        if not found:
            self.text("The evaluation gave no warnings.")
            return
        self.text(
            "The evaluation gave these warnings: input that is allowed but should be checked, "
            "or figures that rest on forecasts. No figure has been changed because of them."
        )
        rows = [[n["where"] + (f"\n{n['ref']}" if n["ref"] else ""), n["message"]] for n in found]
        self.table(["Where", "Warning"], rows, (1.4, 3), size=8.5)

    def claims(self) -> None:
        found = self.ctx["claims"]
        self.section("Claims check", page=None, keep=45)
        self.text(
            "Points a reader should question, each tied to the SROI principle it serves. "
            "Findings are for judgement; no figure has been changed.",
            size=9,
        )
        if found["rows"]:
            rows = [
                [
                    f["severity"],
                    f["principle"],
                    f["where"] + (f"\n{f['ref']}" if f["ref"] else ""),
                    f["finding"],
                ]
                for f in found["rows"]
            ]
            self.table(["Severity", "Principle", "Where", "Finding"], rows, (0.8, 1.3, 1.6, 3.2),
                       size=8)  # fmt: skip
        else:
            self.text("No findings.")
        self.text(f"Thresholds: {found['thresholds']}.", size=8, colour=MUTED)

    def method(self) -> None:
        m = self.ctx["method"]
        self.section("Method notes")
        self.table([], [list(s) for s in m["settings"]], (1.3, 3), heading_column=True, size=8.5)
        self.subheading("Conventions")
        rows = [
            [c["title"], c["sentence"] + (f"\n{c['formula']}" if c["formula"] else "")]
            for c in m["conventions"]
        ]
        self.table([], rows, (1.3, 3), heading_column=True, size=8.5)
        if m["uncertain"]:
            self.subheading("Figures given as distributions")
            self.text("The report uses one value of each:", size=9)
            self.bullets(m["uncertain"])

    # ---------------------------------------------------------------- the whole

    def write(self) -> bytes:
        self.summary()
        for _, write in self.plan():
            write()
        written = [t for t, _ in self.found]
        if written != self.titles():  # pragma: no cover - a section added to one list only
            raise RuntimeError(f"sections {written} differ from the contents {self.titles()}")
        return bytes(self.pdf.output())


def _text(value: Any) -> str:
    """A cell's or paragraph's text: ``""`` for None, else ``str(value)``, with the spaces
    of a ratio written ``1 : 1`` made non-breaking, so that it is never split across two
    lines (fpdf2 prints a non-breaking space as a space: the text reads as typed).

    >>> _text("falls to 1 : 1") == "falls to 1\u00a0:\u00a01", _text(None)
    (True, '')
    """
    return "" if value is None else _RATIO_SPACES.sub("\\1\u00a0:\u00a0\\2", str(value))


_RATIO_SPACES = re.compile(r"(\d) : (\d)")


def _png(chart: dict[str, Any] | None) -> bytes:
    """A context chart's PNG: its ``png`` bytes, else decoded from its ``src`` data URI."""
    if not chart:
        return b""
    if chart.get("png"):
        return bytes(chart["png"])
    src = chart.get("src") or ""
    return base64.b64decode(src.split(",", 1)[1]) if "," in src else b""


def _paragraphs(text: Any) -> list[str]:
    """Paragraphs of front-matter text: a list as it is, a text split at blank lines."""
    if not text:
        return []
    if isinstance(text, str):
        return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return [str(p) for p in text if p]


def _ratio(account: Any, cur: str) -> str:
    return common.ratio_text(account.ratio, cur) if account.ratio is not None else "none"


# --------------------------------------------------------------------------------------
# Public API


def render_pdf(
    result: Result,
    *,
    charts: bool = True,
    sensitivity: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> bytes:
    """The PDF report as bytes.

    Parameters
    ----------
    result : Result
        An evaluated model.
    charts : bool, default True
        Include the charts (left out with a note when matplotlib cannot draw them).
    sensitivity : bool, default True
        Include the sensitivity and uncertainty section: switching values, the tornado
        and, where the model gives figures as ranges, a Monte Carlo simulation.
    draws : int, default 10,000
        Monte Carlo draws.
    seed : int or None, default 0
        The simulation's seed, so the same report comes out each time; None draws afresh.
    deflator : str, path or DeflatorSeries, optional
        The GDP deflator series the result was evaluated with, when it was not a bundled
        series as it is (a file of your own, or a series projected beyond its last year);
        the sensitivity section re-evaluates the model with it.

    Returns
    -------
    bytes
        A complete A4 PDF document.

    Raises
    ------
    ImportError
        If fpdf2 or matplotlib is not installed (the message says
        ``pip install 'sroi[pdf]'``).
    ModelError
        If a figure is not a finite number (see :func:`require_finite
        <sroi.report._common.require_finite>`), or the logo cannot be drawn
        (``front_matter.logo``).

    Examples
    --------
    >>> import io, sroi, pypdf
    >>> r = sroi.evaluate({"name": "Garden <club>",
    ...     "inputs": [{"stakeholder": "HA", "amount": 100}],
    ...     "outcomes": [{"stakeholder": "Tenants", "outcome": "Warmer homes",
    ...                   "quantity": 1, "value": 207, "duration": 1}]})
    >>> data = render_pdf(r, charts=False, sensitivity=False)
    >>> data[:5]
    b'%PDF-'
    >>> page1 = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    >>> "Garden <club>" in page1, "£2.00" in page1
    (True, True)
    """
    from sroi.report.html import context

    common.require_finite(result, "the PDF report")
    _fpdf()
    _font_files()
    ctx = context(
        result,
        with_charts=charts,
        sensitivity=sensitivity,
        draws=draws,
        seed=seed,
        deflator=deflator,
    )
    first = _Writer(ctx)
    first.write()
    return _Writer(ctx, pages=[page for _, page in first.found]).write()


def write_pdf(
    result: Result,
    path: str | PathLike[str],
    *,
    charts: bool = True,
    sensitivity: bool = True,
    draws: int = 10_000,
    seed: int | None = 0,
    deflator: Any = None,
) -> Path:
    """Write the PDF report of ``result`` to ``path``.

    The document is laid out in full before the file is opened, so a failure leaves no
    half-written file.

    Parameters
    ----------
    result : Result
        An evaluated model.
    path : str or os.PathLike
        The file to write (replaced if it exists).
    charts, sensitivity, draws, seed, deflator
        As for :func:`render_pdf`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    OSError
        If ``path`` cannot be written.
    """
    data = render_pdf(
        result, charts=charts, sensitivity=sensitivity, draws=draws, seed=seed, deflator=deflator
    )
    out = Path(path)
    out.write_bytes(data)
    return out
