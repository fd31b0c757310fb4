"""Quotation marks: which characters are quotation marks and which are apostrophes,
the text's paragraphs, and the pairing of opening and closing marks into quotations
(nested, disjoint, or running over several paragraphs).

The first step of :func:`~attrib.core.quotes.extract.extract_quotes`; everything here is
private to the package. Every position is a ``str`` offset into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

# Roles a mark may play before context decides.
_OPEN, _CLOSE, _EITHER = "open", "close", "either"
_D, _S = "d", "s"  # families: double, single

# char -> (family, default role, style). Styles decide which re-openings restart.
_MARKS: dict[str, tuple[str, str, str]] = {
    '"': (_D, _EITHER, "straight"),
    "“": (_D, _OPEN, "curly"),
    "”": (_D, _CLOSE, "curly"),
    "„": (_D, _OPEN, "curly"),
    "‟": (_D, _OPEN, "curly"),
    "«": (_D, _OPEN, "guillemet"),
    "»": (_D, _CLOSE, "guillemet"),
    "'": (_S, _EITHER, "straight"),
    "‘": (_S, _OPEN, "curly"),
    "’": (_S, _CLOSE, "curly"),
    "‚": (_S, _OPEN, "curly"),
    "‹": (_S, _OPEN, "guillemet"),
    "›": (_S, _CLOSE, "guillemet"),
}
_MARK_RE = re.compile(r"''+|``|[\"“”„‟«»'‘’‚‹›`]")
_ELISION_AFTER = re.compile(
    r"(?:\d\d(?:s\b|\b)|n['’](?!\w)|em\b|til\b|tis\b|twas\b|bout\b|nuff\b|cause\b|ol\b|s\b)",
    re.IGNORECASE,
)
_ELISION_BEFORE = re.compile(r"(?:^|\s)['’‘]n$")
_INCH = re.compile(r"\d['’]\d{1,2}$")
_SENT_END_INSIDE = re.compile(r"[.!?]['’”\")]*\s")


def _ws(c: str) -> bool:
    return c == "" or c.isspace()


def _punct(c: str) -> bool:
    return c != "" and unicodedata.category(c)[0] in "PS"


@dataclass
class _Mark:
    pos: int
    end: int
    fam: str
    role: str
    style: str
    left: bool  # could open (left-flanking)
    right: bool  # could close (right-flanking)


def _flanking(text: str, i: int, j: int, lo: int, hi: int) -> tuple[bool, bool]:
    p = text[i - 1] if i > lo else ""
    n = text[j] if j < hi else ""
    left = not _ws(n) and (not _punct(n) or _ws(p) or _punct(p))
    right = not _ws(p) and (not _punct(p) or _ws(n) or _punct(n))
    return left, right


def _scan_marks(text: str, lo: int, hi: int) -> list[_Mark]:
    """Quotation-mark candidates in ``text[lo:hi]`` with their flanking; apostrophes out."""
    marks: list[_Mark] = []
    for m in _MARK_RE.finditer(text, lo, hi):
        i, j = m.start(), m.end()
        tok = m.group(0)
        if tok.startswith("''"):
            left, right = _flanking(text, i, j, lo, hi)
            pieces: list[tuple[int, int, str]] = []
            k = i
            n = len(tok)
            if n % 2 == 1:  # a single mark sits on the side it belongs to
                if left and not right:
                    while n - (k - i) >= 2:
                        pieces.append((k, k + 2, "twin"))
                        k += 2
                    pieces.append((k, k + 1, "single"))
                else:
                    pieces.append((k, k + 1, "single"))
                    k += 1
                    while k < j:
                        pieces.append((k, k + 2, "twin"))
                        k += 2
            else:
                while k < j:
                    pieces.append((k, k + 2, "twin"))
                    k += 2
            for a, b, kind in pieces:
                la, ra = _flanking(text, a, b, lo, hi)
                if kind == "twin":
                    marks.append(_Mark(a, b, _D, _EITHER, "twin", la, ra))
                else:
                    mk = _single_mark(text, a, b, "'", lo, hi)
                    if mk is not None:
                        marks.append(mk)
            continue
        if tok == "``":
            left, right = _flanking(text, i, j, lo, hi)
            marks.append(_Mark(i, j, _D, _OPEN, "twin", True, False))
            continue
        if tok == "`":
            left, right = _flanking(text, i, j, lo, hi)
            if left:
                marks.append(_Mark(i, j, _S, _OPEN, "curly", True, False))
            continue
        fam, role, style = _MARKS[tok]
        if fam == _S:
            mk = _single_mark(text, i, j, tok, lo, hi)
            if mk is not None:
                marks.append(mk)
            continue
        left, right = _flanking(text, i, j, lo, hi)
        if style == "guillemet" and not left and not right:
            left, right = role == _OPEN, role == _CLOSE  # « spaced French style »
        if tok == '"' and _INCH.search(text, max(lo, i - 4), i):
            continue  # 5'11"
        if tok == '"' and i > lo and text[i - 1] == "=":
            continue  # markup attribute: <tweet date="2016-06-28">
        if left and right and tok == '"':
            continue  # word"word: not a quotation mark
        marks.append(_Mark(i, j, fam, role, style, left, right))
    return marks


def _single_mark(text: str, i: int, j: int, tok: str, lo: int, hi: int) -> _Mark | None:
    """A single mark, or None when it is an apostrophe (don't, Israel’s, ’90s, rock ’n’ roll)."""
    p = text[i - 1] if i > lo else ""
    n = text[j] if j < hi else ""
    if p.isalnum() and n.isalnum():
        return None
    left, right = _flanking(text, i, j, lo, hi)
    if (not p.isalnum()) and _ELISION_AFTER.match(text, j, hi) and tok != "‘" or (
        tok == "‘" and _ELISION_AFTER.match(text, j, hi) and n.isdigit()
    ):
        return None
    if _ELISION_BEFORE.search(text, max(lo, i - 3), i):
        return None
    fam, role, style = _MARKS[tok]
    if style == "guillemet":  # never an apostrophe; French sets it off with spaces
        return _Mark(i, j, fam, role, style, role == _OPEN, role == _CLOSE)
    if not left and not right:
        return None
    return _Mark(i, j, fam, role, style, left, right)


# --- paragraphs -----------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph ranges. Blank lines separate paragraphs when the text has any (single
    newlines are then soft wraps); otherwise every line is a paragraph."""
    sep = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    out: list[tuple[int, int]] = []
    pos = 0
    for m in sep.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    # trim whitespace at both ends
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


# --- pairing ---------------------------------------------------------------------------


@dataclass
class _Open:
    mark: _Mark
    para: int  # paragraph index where the quote opened


class _Stack(list):
    """The quotes open in a paragraph, innermost last, knowing where its double-mark ones
    are: a paragraph of many unclosed single marks must not make each double mark look
    through all of them. Grows only by :meth:`append`, shrinks only by :meth:`truncate`."""

    def __init__(self) -> None:
        super().__init__()
        self.doubles: list[int] = []  # indices of the double-mark entries, increasing

    def append(self, item: _Open) -> None:
        if item.mark.fam == _D:
            self.doubles.append(len(self))
        super().append(item)

    def truncate(self, k: int) -> None:
        """Drop the entries from ``k`` on (``del stack[k:]``)."""
        del self[k:]
        while self.doubles and self.doubles[-1] >= k:
            self.doubles.pop()


def _pair_marks(
    text: str, paras: list[tuple[int, int]], max_paragraphs: int
) -> list[tuple[int, int, int, int, int]]:
    """Pairs of opening and closing marks as (open_pos, open_end, close_pos, close_end,
    paragraph_count). Pairs nest properly or are disjoint."""
    pairs: list[tuple[int, int, int, int, int]] = []
    carry: _Open | None = None
    for pi, (ps, pe) in enumerate(paras):
        marks = _scan_marks(text, ps, pe)
        stack = _Stack()
        first = 0
        if carry is not None:
            m0 = marks[0] if marks else None
            if (
                m0 is not None
                and m0.pos == ps
                and m0.fam == carry.mark.fam
                and m0.left
                and pi - carry.para < max_paragraphs
            ):
                stack.append(carry)
                first = 1
            carry = None
        # right-flanking single marks, for telling "voters’ choice" from a closing mark
        s_closers = [k for k, mk in enumerate(marks) if mk.fam == _S and mk.right]
        for k in range(first, len(marks)):
            mk = marks[k]
            if mk.fam == _D:
                _step_double(text, mk, stack, pairs, pi)
            else:
                _step_single(text, mk, k, marks, s_closers, stack, pairs, pi, pe)
        # an unclosed outermost quote may continue in the next paragraph
        if stack:
            carry = stack[0]
    return pairs


def _nearest(stack: _Stack, fam: str, stop_at_other: bool) -> int:
    if fam == _D and not stop_at_other:
        return stack.doubles[-1] if stack.doubles else -1
    for k in range(len(stack) - 1, -1, -1):
        f = stack[k].mark.fam
        if f == fam:
            return k
        if stop_at_other:
            return -1
    return -1


def _close(stack, k, mk, pairs, pi):
    o = stack[k]
    pairs.append((o.mark.pos, o.mark.end, mk.pos, mk.end, pi - o.para + 1))
    stack.truncate(k)


def _step_double(text: str, mk: _Mark, stack: _Stack, pairs, pi: int) -> None:
    k = _nearest(stack, _D, stop_at_other=False)
    has_d = k >= 0
    if mk.role == _EITHER:  # straight " and ''
        if mk.left and not mk.right:
            if has_d and stack[k].mark.style == mk.style:
                stack.truncate(k)  # a straight mark cannot nest in its own kind: restart
            stack.append(_Open(mk, pi))
        elif mk.right and not mk.left:
            if has_d:
                _close(stack, k, mk, pairs, pi)
        else:
            if has_d:
                _close(stack, k, mk, pairs, pi)
            else:
                stack.append(_Open(mk, pi))
    elif mk.role == _OPEN:
        if mk.right and not mk.left:
            if has_d:  # “ typed where ” was meant
                _close(stack, k, mk, pairs, pi)
            return
        if has_d and stack[k].mark.style == mk.style:
            inner = text[stack[k].mark.end : mk.pos]
            if _SENT_END_INSIDE.search(inner):
                stack.truncate(k)  # the earlier quote was never closed
        stack.append(_Open(mk, pi))
    else:  # closing ” »
        if has_d:
            _close(stack, k, mk, pairs, pi)
        elif mk.left and not mk.right:
            stack.append(_Open(mk, pi))  # ” typed where “ was meant


def _step_single(text, mk: _Mark, idx, marks, s_closers, stack, pairs, pi, pe) -> None:
    k = _nearest(stack, _S, stop_at_other=True)
    has_s = k >= 0
    can_open = mk.left and not mk.right
    can_close = mk.right and not mk.left
    if mk.role == _OPEN and not can_close:
        if mk.left:
            stack.append(_Open(mk, pi))
        return
    if mk.role == _CLOSE and can_open and not has_s:
        # ’ opening a quote: bad typography, but common in some systems
        stack.append(_Open(mk, pi))
        return
    if mk.role == _EITHER and can_open:
        stack.append(_Open(mk, pi))
        return
    if not can_close or not has_s:
        return
    # A possessive after a plural ("the voters’ choice") looks like a closing mark; when
    # a later closing candidate exists and lowercase text follows, keep looking.
    p = text[mk.pos - 1] if mk.pos > 0 else ""
    if p.isalpha():
        nxt = re.match(r"\s+([a-z])", text[mk.end : min(pe, mk.end + 3)])
        if nxt and s_closers and s_closers[-1] > idx:  # a later closing candidate (sorted)
            return
    _close(stack, k, mk, pairs, pi)


def _select(
    pairs: list[tuple[int, int, int, int, int]],
    max_chars: int,
) -> list[tuple[int, int, int, int]]:
    """Outermost pairs, leaving out single-paragraph pairs longer than ``max_chars``
    (their inner quotes come back instead)."""
    ok = [p for p in pairs if p[4] > 1 or p[3] - p[0] <= max_chars]
    ok.sort(key=lambda p: (p[0], -p[3]))
    out: list[tuple[int, int, int, int]] = []
    last_end = -1
    for os_, oe, cs, ce, _n in ok:
        if os_ < last_end:
            continue  # inside an outer quote
        out.append((os_, oe, cs, ce))
        last_end = ce
    return out
