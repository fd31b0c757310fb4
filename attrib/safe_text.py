"""Text from articles made safe to show: on a terminal, in HTML, in a spreadsheet.

Ids, titles, outlets and article text come from whoever wrote the archive. Written to a
terminal as they are, an ESC or OSC sequence can rewrite the screen, set the window title
or hide lines; a NUL or BEL byte in HTML or CSV is at best noise; and a CSV cell starting
with ``=`` is a formula to a spreadsheet (CSV injection). These helpers neutralise text on
output only: what is stored and what JSON reports carry stays as given.

Control characters (C0, DEL, C1) and lone surrogates, which no UTF-8 output can carry,
become visible escapes such as ``\\x1b``, so a reader can still tell what was there.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(char: str) -> str:
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str, keep: str = "\n\t") -> str:
    """``text`` with every control character but those in ``keep`` (and lone surrogate)
    replaced by a visible escape (``\\x1b``, ``\\r``, ``\\ud800``)."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


def one_line(text: str) -> str:
    """``text`` safe for a one-line terminal message: newlines and tabs escaped too."""
    return printable(text, keep="")


def has_control(text: str, keep: str = "\n\t") -> bool:
    """Whether :func:`printable` would change ``text``."""
    return any(m.group() not in keep for m in _CONTROL.finditer(text))


def html_document(document: str) -> str:
    """A rendered HTML document with control characters escaped; CR, LF and tab are
    kept, being plain whitespace to HTML."""
    return printable(document, keep="\n\t\r")


def json_text(document: str) -> str:
    """JSON text with DEL, C1 characters and lone surrogates written as ``\\u`` escapes:
    the same JSON value, but nothing a terminal could act on and nothing UTF-8 cannot
    encode. (``json.dumps`` already escapes C0 characters; outside strings JSON text is
    ASCII, so the replacement only ever lands inside strings.)"""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def csv_cell(value: Any) -> Any:
    """A CSV cell safe to open in a spreadsheet: control characters escaped (line breaks
    and tabs kept), and a ``'`` before text a spreadsheet would take for a formula
    (starting with ``=``, ``+``, ``-``, ``@``, tab or CR: the OWASP rule). Numbers pass
    through unchanged."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(_FORMULA_START) else value
