r"""Text files as text: UTF-8, or UTF-16 / UTF-32 with a byte order mark.

Every text file ``sroi`` reads (YAML, JSON, the CSV tables of a model, a proxy table) is
decoded here, the same way:

- UTF-8, with or without a byte order mark (Excel's "CSV UTF-8" writes one);
- UTF-16 or UTF-32 with a byte order mark (Excel's "Unicode Text" writes UTF-16), which
  says unambiguously how the file is encoded;
- anything else is refused, with the line and the byte that is not UTF-8. A file in a
  Windows code page (Excel's "CSV (Comma delimited)" on Windows writes Windows-1252,
  where ``£`` is the byte 0xA3) is *not* guessed at: bytes that are not UTF-8 can be read
  in many encodings, and a wrong guess would change text silently. The error says how to
  save the file as UTF-8; :func:`sroi.proxies.read_table` also takes ``encoding=``.

A NUL character on the first line is refused too: it is a binary file, or UTF-16
without its byte order mark (whose every other byte, in English text, is a NUL). Later
on, a NUL is a character like any other (a model's text may hold one).

Examples
--------
>>> decode("£5".encode("utf-8-sig"), "a.csv")
'£5'
>>> decode("£5".encode("utf-16"), "a.csv")
'£5'
>>> decode("id\n£5".encode("cp1252"), "a.csv")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
sroi.errors.ModelError: 1 problem in a.csv:
  a.csv line 2: is not UTF-8 text: byte 0xA3, which Windows-1252 reads as '£'; ...
"""

from __future__ import annotations

import codecs

from sroi.errors import ModelError, Problem

__all__ = ["ALLOWED", "decode"]

ALLOWED = "UTF-8 text (a byte order mark allowed), or UTF-16 or UTF-32 text with a byte order mark"
"""What a text file may be, in words."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark it begins with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(
    data: bytes,
    where: str,
    *,
    encoding: str | None = None,
    title: str | None = None,
    advice: str = "",
) -> str:
    """The text of a file's bytes: UTF-8 (a byte order mark allowed), or UTF-16/32 with one.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    where : str
        The file's name in messages (``"outcomes.csv"``).
    encoding : str, optional
        Read the bytes in this encoding instead (``"cp1252"``); a UTF-8 byte order mark is
        still skipped.
    title : str, optional
        The title of the error (the file's path); default ``where``.
    advice : str, optional
        Said after the standard advice when the bytes are not UTF-8 (another way to read
        the file).

    Returns
    -------
    str

    Raises
    ------
    ModelError
        If the bytes are not text in the encoding, hold a NUL character on the first line,
        or ``encoding`` is not an encoding; located by line.
    """
    title = title or where
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except (LookupError, TypeError, ValueError):
            raise ModelError(
                [
                    Problem(
                        "encoding",
                        "is not a text encoding Python knows",
                        str(encoding),
                        allowed="the name of a text encoding, such as 'cp1252' or 'utf-16'",
                    )
                ],
                title=title,
            ) from None
        codec = "utf-8-sig" if name == "utf-8" else name
    else:
        codec = next((c for bom, c in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ModelError([_not_text(data, exc, where, codec, advice)], title=title) from None
    first_line = text.split("\n", 1)[0]
    if "\x00" in first_line:
        raise ModelError(
            [
                Problem(
                    f"{where} line 1",
                    "holds NUL characters: it is not a text file, or it is UTF-16 text "
                    "without its byte order mark; save it as UTF-8 text",
                    allowed=ALLOWED,
                )
            ],
            title=title,
        )
    return text


def _not_text(data: bytes, exc: UnicodeDecodeError, where: str, codec: str, advice: str) -> Problem:
    start = exc.start
    byte = data[start : start + 1]
    if codec in ("utf-8", "utf-8-sig"):
        line = data.count(b"\n", 0, start) + 1
        location = f"{where} line {line}"
        if b"\x00" in data:
            message = (
                "is not UTF-8 text: it holds NUL bytes, so it is not a text file, or it is "
                "UTF-16 text without its byte order mark; save it as UTF-8 text"
            )
        else:
            try:
                data.decode("cp1252")
            except UnicodeDecodeError:
                message = (
                    f"is not UTF-8 text: byte 0x{byte.hex().upper()} cannot begin or "
                    "continue a character; is it a text file? Save it as UTF-8 text"
                )
            else:
                message = (
                    f"is not UTF-8 text: byte 0x{byte.hex().upper()}, which Windows-1252 "
                    f"reads as {byte.decode('cp1252')!r}; the file looks saved in a Windows "
                    "code page. Save it as UTF-8 text"
                )
    else:
        location = where
        message = f"is not {codec} text: byte {start + 1:,} ({exc.reason})"
    allowed = ALLOWED if codec in ("utf-8", "utf-8-sig") else f"{codec} text"
    given = f"0x{byte.hex().upper()}" if byte else ""
    return Problem(location, message + (f"; {advice}" if advice else ""), given, allowed=allowed)
