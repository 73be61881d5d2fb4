r"""Text in a spreadsheet cell: the one formula-injection rule, and what XML cannot hold.

Every writer of a spreadsheet-like file uses this module: the model's CSV tables and
workbook (:mod:`sroi.io.csv_tables`, :mod:`sroi.io.excel`), the impact-map workbook and
the social-accounts workbook of :mod:`sroi.report`, and the Markdown report (whose tables
are pasted into spreadsheets).

**Formula injection** (OWASP "CSV injection"). A spreadsheet takes text that begins with
one of :data:`FORMULA_STARTS` for a formula: ``=``, ``+``, ``-``, ``@``, a tab, a
carriage return, or the full-width ``＝ ＋ － ＠`` (which some spreadsheets read as their
ASCII forms). :func:`starts_formula` is that test, and the only one in the library.

- In a cell (CSV or workbook), :func:`protect` neutralises such text with one more
  single quote in front (``'=HYPERLINK(...)``), which a spreadsheet shows as inert text.
  The test is made after any single quotes the text already begins with, so that
  :func:`unprotect` can remove exactly the quote that was added: a reader gets back the
  text as it was written, ``unprotect(protect(text)) == text`` for every text.
- Markdown has no such quote; the Markdown report neutralises the same texts with a
  backslash (:func:`sroi.report.markdown.md`). Its other escapes (``|``, ``*``, a leading
  ``#`` ...) are Markdown syntax, not this rule.

Numbers are never quoted: only text is tested.

**What XML cannot hold.** A workbook is XML: it cannot store most control characters,
lone surrogates, U+FFFE or U+FFFF, and it turns a carriage return into a line feed.
:func:`xml_escape` writes each of these as Excel does, ``_xHHHH_`` (an underscore that
would read as the start of such an escape is itself escaped, ``_x005F_``), and
:func:`xml_unescape` undoes it, so every text round-trips through a workbook. A report,
which is never read back, may instead drop what cannot be stored (:func:`xml_strip`).

Examples
--------
>>> protect("=1+1"), protect("＝1+1"), protect("Tenants")
("'=1+1", "'＝1+1", 'Tenants')
>>> unprotect(protect("'@SUM(1)"))
"'@SUM(1)"
>>> xml_escape("a\r\nb")
'a_x000D_\nb'
"""

from __future__ import annotations

import re

__all__ = [
    "FORMULA_STARTS",
    "protect",
    "starts_formula",
    "unprotect",
    "xml_escape",
    "xml_strip",
    "xml_unescape",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""The first characters that make a spreadsheet read text as a formula."""

_STARTS = "".join(re.escape(c) for c in FORMULA_STARTS)
_QUOTE_ON_WRITE = re.compile(rf"'*[{_STARTS}]")
_QUOTE_ON_READ = re.compile(rf"'+[{_STARTS}]")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula.

    Parameters
    ----------
    text : str
        The text of a cell.

    Returns
    -------
    bool
        True when ``text`` begins with one of :data:`FORMULA_STARTS`.

    Examples
    --------
    >>> starts_formula("=1+1"), starts_formula("＠SUM(1)"), starts_formula("'=1+1")
    (True, True, False)
    """
    return text.startswith(FORMULA_STARTS)


def protect(text: str) -> str:
    """Neutralise text a spreadsheet would take for a formula: one more quote in front.

    Parameters
    ----------
    text : str
        The text of a cell.

    Returns
    -------
    str
        ``"'" + text`` when ``text``, after any single quotes it begins with, starts a
        formula (:func:`starts_formula`); otherwise ``text`` unchanged.

    Examples
    --------
    >>> protect('=HYPERLINK("http://x","y")'), protect("'-5"), protect("Tenants")
    ('\\'=HYPERLINK("http://x","y")', "''-5", 'Tenants')
    >>> protect("\\t=1"), protect("－1")
    ("'\\t=1", "'－1")
    """
    return "'" + text if _QUOTE_ON_WRITE.match(text) else text


def unprotect(text: str) -> str:
    """Remove the quote :func:`protect` added, and only that one.

    Parameters
    ----------
    text : str
        The text of a cell as read.

    Returns
    -------
    str
        ``text`` without its first character when it is single quotes followed by a
        formula's first character; otherwise ``text`` unchanged.

    Examples
    --------
    >>> unprotect("'=1+1"), unprotect("''-5"), unprotect("'tis"), unprotect("'＝1")
    ('=1+1', "'-5", "'tis", '＝1')
    """
    return text[1:] if _QUOTE_ON_READ.match(text) else text


# Characters XML 1.0 cannot store at all, and the carriage return it would change into a
# line feed.
_UNSTORABLE = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
XML_BAD = _UNSTORABLE + "\r"
"""A regular-expression character class of what :func:`xml_escape` escapes."""

_XML_ESCAPE = re.compile(rf"[{XML_BAD}]|_(?=x[0-9A-Fa-f]{{4}}(?:_|[{XML_BAD}]))")
_XML_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_XML_STRIP = re.compile(f"[{_UNSTORABLE}]")


def xml_escape(text: str) -> str:
    r"""Escape what a workbook cannot hold as ``_xHHHH_``, as Excel does.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        Text a workbook stores exactly; :func:`xml_unescape` gives ``text`` back.

    Examples
    --------
    >>> xml_escape("a\r\nb"), xml_escape("_x0041_"), xml_escape("snake_case")
    ('a_x000D_\nb', '_x005F_x0041_', 'snake_case')
    """
    return _XML_ESCAPE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def xml_unescape(text: str) -> str:
    r"""Undo :func:`xml_escape`.

    Parameters
    ----------
    text : str
        Text as stored in a workbook.

    Returns
    -------
    str
        The text with every ``_xHHHH_`` replaced by its character.

    Examples
    --------
    >>> xml_unescape("a_x000D_\nb"), xml_unescape("_x005F_x0041_")
    ('a\r\nb', '_x0041_')
    """
    if "_x" not in text:
        return text
    return _XML_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def xml_strip(text: str) -> str:
    r"""Drop the characters a workbook cannot store at all (for text never read back).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        ``text`` without control characters other than tab, line feed and carriage
        return, lone surrogates, U+FFFE and U+FFFF.

    Examples
    --------
    >>> xml_strip("a\x00b\ud800c\r\n")
    'abc\r\n'
    """
    return _XML_STRIP.sub("", text)
