"""Social accounts and publishable reports (HTML, Markdown, Excel) of an evaluation.

:func:`social_accounts` draws up a housing association's social accounts from a
:class:`~sroi.result.Result`: inputs, outputs, outcomes by value type, value produced,
costs saved and who saves, and the ratio, for each area of activity and for the
organisation. The writers publish them with the headline figures, the impact map and the
method notes:

- :func:`write_html`: one self-contained HTML file (charts and logo embedded, no external
  files; needs ``jinja2``, and ``matplotlib`` for the charts);
- :func:`write_markdown`: the same as GitHub-flavoured Markdown;
- :func:`write_pdf`: an A4 PDF for publication, a one-page summary first (needs ``fpdf2``
  and ``matplotlib``: ``pip install 'sroi[pdf]'``);
- :func:`write_excel`: a workbook with a summary, one sheet per area and the impact map
  (needs ``openpyxl``);
- :func:`write_impact_map`: the model's own impact-map workbook (which
  :func:`sroi.read_model` reads back) with the result's computed columns and headline
  figures (needs ``openpyxl``).

The HTML and Markdown reports open with a one-page summary (the ratio in a sentence, the
value, investment and net present value, the outcomes worth most, how sure the figures
are, and who to contact), then the model's front matter (:class:`sroi.FrontMatter`: the
organisation, logo, period, introduction and a narrative for each area), and hold a
sensitivity and uncertainty section (switching values, a tornado and, where the model
gives distributions, a seeded Monte Carlo simulation) and the sources and licences of
every proxy, the deflator and the discount rate.

Install the optional dependencies with ``pip install 'sroi[report]'``. Text typed by users
(names, descriptions) is escaped in HTML, escaped in Markdown and written to Excel as text,
never as a formula; text a spreadsheet would take for a formula is neutralised by the same
rule in every writer (:mod:`sroi.io.cells`).
"""

from sroi.report.accounts import (
    Account,
    Figure,
    InputLine,
    OutcomeLine,
    OutputLine,
    SocialAccounts,
    social_accounts,
)
from sroi.report.excel import write_excel
from sroi.report.html import render_html, write_html
from sroi.report.impact_map import write_impact_map
from sroi.report.markdown import render_markdown, write_markdown
from sroi.report.pdf import render_pdf, write_pdf

__all__ = [
    "Account",
    "Figure",
    "InputLine",
    "OutcomeLine",
    "OutputLine",
    "SocialAccounts",
    "render_html",
    "render_markdown",
    "render_pdf",
    "social_accounts",
    "write_excel",
    "write_html",
    "write_impact_map",
    "write_markdown",
    "write_pdf",
]
