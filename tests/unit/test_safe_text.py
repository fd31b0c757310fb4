"""Neutralising article text on output: terminals, HTML, JSON text and CSV cells."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from attrib.safe_text import csv_cell, has_control, html_document, json_text, one_line, printable

CONTROLS = [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))]


def test_printable_escapes_terminal_sequences_and_keeps_layout():
    assert printable("a\x1b]0;title\x07b\x00c\x9bd\ud800") == "a\\x1b]0;title\\x07b\\x00c\\x9bd\\ud800"
    assert printable("line one\n\tline two") == "line one\n\tline two"
    assert printable("carriage\rreturn") == "carriage\\rreturn"


def test_one_line_escapes_line_breaks_too():
    assert one_line("id\nwith\r\nbreaks\tand\x1b[2J") == "id\\nwith\\r\\nbreaks\\tand\\x1b[2J"


@given(st.text(alphabet=st.sampled_from(CONTROLS + list("ab=@ \u2028é"))))
def test_nothing_controlling_survives(text):
    assert not has_control(printable(text))
    assert not any(c in one_line(text) for c in CONTROLS)
    assert "\n" not in one_line(text)
    assert has_control(text) == (printable(text) != text)


def test_html_document_keeps_html_whitespace_only():
    assert html_document("<p>a\r\n\tb\x00c\x1bd</p>") == "<p>a\r\n\tb\\x00c\\x1bd</p>"


@given(st.text())
def test_json_text_is_the_same_value_and_encodable(value):
    document = json.dumps({"id": value}, ensure_ascii=False)
    safe = json_text(document)
    assert json.loads(safe) == {"id": value}
    safe.encode("utf-8")  # lone surrogates no longer raise
    assert not any(c in safe for c in CONTROLS)


def test_csv_cells_cannot_be_formulas():
    assert csv_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert csv_cell("@SUM(A1:A9)") == "'@SUM(A1:A9)"
    assert csv_cell("+1") == "'+1" and csv_cell("-1+2") == "'-1+2"
    assert csv_cell("\tcmd") == "'\tcmd"
    assert csv_cell("\rcmd") == "\\rcmd"  # a CR is escaped, so it cannot lead a cell
    assert csv_cell("a\x00b\x07c") == "a\\x00b\\x07c"
    assert csv_cell("Daily Planet") == "Daily Planet"
    assert csv_cell(0.25) == 0.25 and csv_cell(-3) == -3 and csv_cell(None) is None
