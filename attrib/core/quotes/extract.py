"""Quotations in news text: where they are, who said them, which outlet they are credited
to, and whether a quote that first appeared elsewhere is used without credit.

Pure functions over ``str``; no I/O. Every span is a half-open ``str`` offset pair into the
ORIGINAL text passed in, and ``text[q.content_start:q.content_end] == q.text`` always.

Three parts:

* :func:`extract_quotes` finds quotations (straight, curly, low-9 and guillemet double
  marks, ``''`` as typeset by some archives, and single marks nested or on their own),
  tells apostrophes from quotation marks, joins quotes that run over several
  paragraphs, and attaches speaker, cue and credited outlet from the words around them.
* :func:`quote_key` and :func:`quote_similarity` compare quotes across articles.
* :func:`judge_quote` decides, from the other occurrences of a quote in an index, whether
  the article lifted it without credit. The rules are in ``docs/QUOTES.md``.
"""

from __future__ import annotations

import bisect
import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

from attrib.core.dates import later as published_later
from attrib.core.outlets import OutletMatcher

__all__ = [
    "Quote",
    "QuoteOccurrence",
    "QuoteVerdict",
    "QuoteFinding",
    "OutletMatcher",
    "extract_quotes",
    "find_credits",
    "quote_key",
    "quote_similarity",
    "is_interview",
    "is_interview_occurrence",
    "interviewers",
    "judge_quote",
    "same_interview",
    "speech_spans",
    "INTERVIEW_CUES",
]


# =====================================================================================
# Data types
# =====================================================================================


@dataclass(frozen=True)
class Quote:
    """A quotation in an article. All offsets are half-open ``str`` offsets into the
    original text.

    ``start``/``end`` include the quotation marks; ``content_start``/``content_end`` are
    the words inside them (for a quote over several paragraphs, from after the first
    opening mark to before the last closing mark, so the content holds the inner
    paragraph breaks and re-opening marks). ``speaker`` is a name when the attribution
    gives one (a pronoun is resolved to a named speaker only when that is safe), or the
    source as written for unnamed sources ("the campaign", "a spokesman"); None when
    unsure. ``mention_start``/``mention_end`` are the words in the attribution that
    name the source as written ("he", "Beilin", "a spokesman"); they differ from the
    speaker span when a pronoun was resolved. ``outlet`` is the canonical name of an
    outlet the attribution credits ("told Al Jazeera", "Reuters reported").
    ``interview`` says the attribution presents the quote as said to an outlet
    ("told Al Jazeera", "in an interview with CNN", or a bare "Beilin told.").
    ``partial`` marks a fragment quoted inside the writer's own sentence ("called it
    “a disaster”"), as opposed to a quotation that stands as its own clause.
    """

    start: int
    end: int
    content_start: int
    content_end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    outlet: str | None = None
    outlet_start: int | None = None
    outlet_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    mention_start: int | None = None
    mention_end: int | None = None
    interview: bool = False
    partial: bool = False

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))


@dataclass(frozen=True)
class QuoteOccurrence:
    """One appearance of a quote in some article of the index.

    ``start``/``end`` are the quote's span in that article. ``credited_outlet`` and
    ``cue`` are what that article says about the quote ("told" + "Al Jazeera").
    ``interview`` may be given explicitly; when None it is derived from ``cue`` and
    ``credited_outlet`` by :func:`is_interview`. ``interviewer``: the person that
    article names as having conducted its interview ("an interview with Sun Sport
    columnist Piers Morgan"), when it names one (:func:`interviewers`).
    """

    article_id: str
    outlet: str | None
    published_at: datetime | None
    quote_text: str
    start: int
    end: int
    credited_outlet: str | None = None
    cue: str | None = None
    interview: bool | None = None
    interviewer: str | None = None


class QuoteVerdict(str, enum.Enum):
    """What a quote's history says about the article that carries it."""

    CREDITED = "credited"  # an earlier outlet carried it and the article credits it
    UNATTRIBUTED = "unattributed"  # lifted from an earlier outlet without credit: flagged
    INDEPENDENT = "independent"  # a public statement several outlets carried at once
    OWN = "own"  # the article's outlet had it first (or only it and later copies exist)
    UNKNOWN_ORIGIN = "unknown_origin"  # no other dated occurrence to compare with

    @property
    def flagged(self) -> bool:
        return self is QuoteVerdict.UNATTRIBUTED


@dataclass(frozen=True)
class QuoteFinding:
    """The verdict on one quote, with the evidence: the ``origin`` occurrence (earliest
    earlier occurrence from another outlet), the similarity of the article's quote to
    it, whether the wording was ``altered`` (both versions: ``quote.text`` and
    ``origin.quote_text``), and the other matching occurrences in ``also_seen``."""

    quote: Quote
    verdict: QuoteVerdict
    origin: QuoteOccurrence | None
    similarity: float
    altered: bool
    also_seen: tuple[QuoteOccurrence, ...] = ()
    reason: str = ""

    @property
    def flagged(self) -> bool:
        return self.verdict.flagged


# =====================================================================================
# Quotation marks
# =====================================================================================

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


# =====================================================================================
# Attribution: cue, speaker, outlet
# =====================================================================================

# Verbs that attribute speech. Present-tense forms that are more often nouns ("states",
# "reports", "claims", "notes", "comments") are left out; their past forms are in.
_CUE_VERBS = (
    "said says say told tells added adds asked asks wrote writes stated explained explains "
    "noted warned warns insisted insists tweeted tweets posted declared declares continued "
    "continues recalled recalls argued argues claimed replied replies responded responds "
    "remarked observed acknowledged acknowledges admitted admits announced announces conceded "
    "concedes contended contends countered cautioned complained complains boasted boasts joked "
    "jokes quipped quips shouted yelled exclaimed whispered pleaded urged urges suggested "
    "suggests predicted predicts promised vowed pledged charged alleged testified reported "
    "commented emphasized emphasizes emphasised stressed stresses concluded concludes mused "
    "laughed sighed agreed agrees thundered snapped fumed lamented texted emailed answered "
    "asserted asserts affirmed confirmed confirms denied denies proclaimed mentioned recounted "
    "retorted scoffed interjected blasted demanded wondered reasoned cried screamed chanted "
    "offered messaged maintained maintains barked bragged gushed raged ranted teased mocked "
    "chided scolded advised pressed griped grumbled muttered sniped cracked deadpanned "
    "marveled marvelled raved reminded reiterated repeated reflected confided confessed "
    "disclosed revealed elaborated clarified assured reassured implored begged appealed "
    "thanked praised hailed slammed ripped criticized criticised condemned denounced decried "
    "lambasted derided dismissed rejected disputed challenged questioned inquired speculated "
    "estimated echoed echoes underscored highlighted wrote writes penned recalled quoted "
    "intoned sang described describes"
)
_CUE_PHRASES = (
    "pointed out",
    "points out",
    "went on",
    "goes on",
    "chimed in",
    "put it",
    "summed it up",
    "according to",
    "is quoted as saying",
    "was quoted as saying",
    "were quoted as saying",
    "shot back",
    "fired back",
)
_CUE_ING = (
    "saying telling adding writing stating noting explaining arguing declaring insisting warning "
    "asking tweeting posting claiming replying responding answering recalling calling "
    "describing quipping joking urging vowing promising predicting proclaiming announcing "
    "declaring concluding continuing"
)
_CUE_WORDS = sorted(set(_CUE_VERBS.split()), key=len, reverse=True)
_CUE_RE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(p) for p in sorted(_CUE_PHRASES, key=len, reverse=True))
    + r"|"
    + "|".join(_CUE_WORDS)
    + r")\b"
)
_CUE_ING_RE = re.compile(r"\b(?:" + "|".join(sorted(set(_CUE_ING.split()), key=len, reverse=True)) + r")\b")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")

_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}
_RESOLVABLE = {"he", "she"}
_TITLES = frozenset(
    """Mr Mrs Ms Miss Mx Dr Prof Professor Sen Senator Rep Representative Gov Governor Lt Gen General
    Col Colonel Maj Major Capt Captain Sgt Sergeant Adm Admiral Cmdr Commander Rev Reverend Fr Father
    Sir Dame Lord Lady Hon Judge Justice President Vice Prime Minister Secretary Congressman
    Congresswoman Mayor Ambassador Speaker Leader Chairman Chairwoman Chair Chief Director
    Commissioner Attorney Deputy Former Foreign Defense Defence Interior Finance State Retired
    King Queen Prince Princess Pope Sheikh Emir Crown Chancellor Premier Spokesman Spokeswoman
    Spokesperson Officer Inspector Detective Sheriff Coach Pastor Bishop Cardinal Rabbi Imam
    Ayatollah Lieutenant Sergeant Executive Senior Assistant Acting Deputy Supreme Democratic
    Republican GOP Democrat U.S. US UN EU UK Israeli American British US-based Jr Sr Candidate
    Nominee Presidential Ret Gov. Sen. Rep. Mr. Mrs. Ms. Dr. Lt. Gen. Col. Maj. Capt. Sgt. Adm.
    Prof. Rev. Hon. Ret.""".split()
)
_ORG_HEADS = frozenset(
    """Department Ministry Office Agency Campaign Committee Commission Council House Party Police
    Army Forces Force Court Service Bureau Foundation Institute University Center Centre Group
    Association Union Corp Corporation Inc Company Administration Government Senate Congress
    Parliament Authority Board Organization Organisation Network Fund Bank Times Post News Journal
    Team Command Coalition Alliance Federation League Club Church Project Trust Unit Staff Media
    PAC Embassy Kremlin Pentagon""".split()
)
_STOP_CAPS = frozenset(
    """The A An And But Or So Yet Then Now Also Meanwhile However In On At For From By With When
    While After Before As If Although Though Since Because This That These Those Still Even Only
    Later Earlier Last Next Asked Speaking Writing Here There It Its His Her Their Our My Your We
    They He She I You Nonetheless Nevertheless Instead Indeed Finally First Second Third Today
    Tonight Yesterday Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    According Despite During Under Over Among Unlike Like Without Within Through Upon Once
    What Who Why How Where Which Whether Not No Yes Thus Hence Moreover Furthermore Additionally
    Mrs Ms Mr Dr""".split()
)
_NAME_TOKEN = re.compile(
    r"(?:[A-Z][\w’'\-]*\.?|[A-Z]\.(?:[A-Z]\.)*|(?:de|van|von|der|den|da|di|du|la|le|bin|ibn|al|el|ben|bint|abu|dos|das|del)(?=\s+[A-Z]))"
    r"(?:['’]s)?"
)
_POSS = re.compile(r"['’]s$")


def _strip_poss(s: str) -> str:
    return _POSS.sub("", s)


@dataclass
class _Attribution:
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    mention: tuple[int, int] | None = None  # source words as written
    speaker: tuple[int, int] | None = None  # name span (may equal mention)
    pronoun: str | None = None


def _name_runs(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Runs of capitalised words (with initials and name particles) in text[lo:hi]."""
    runs: list[tuple[int, int]] = []
    cur_s = cur_e = -1
    for m in re.finditer(r"\S+", text[lo:hi]):
        raw = m.group(0)
        s = lo + m.start()
        # peel punctuation at the edges, keep dots of initials/titles
        word = raw.strip("“”\"‘’'(),;:!?—–")
        if not word:
            if cur_s >= 0:
                runs.append((cur_s, cur_e))
                cur_s = -1
            continue
        ws = s + raw.find(word)
        we = ws + len(word)
        is_name = bool(_NAME_TOKEN.fullmatch(word)) and word not in ("I",)
        if word.endswith(".") and is_name and not (len(word) <= 4 or word.rstrip(".") in _TITLES):
            # a capitalised word ending a sentence: still a name, but the run ends here
            we -= 1
            if cur_s < 0:
                cur_s = ws
            cur_e = we
            runs.append((cur_s, cur_e))
            cur_s = -1
            continue
        if is_name:
            if cur_s < 0:
                cur_s = ws
            cur_e = we
            trailing = raw[raw.find(word) + len(word) :]
            # a possessive ends a run: "Al Jazeera’s Imran Khan" is two names
            if (trailing and any(c in trailing for c in ",;:!?)—–")) or _POSS.search(word):
                runs.append((cur_s, cur_e))
                cur_s = -1
        else:
            if cur_s >= 0:
                runs.append((cur_s, cur_e))
                cur_s = -1
    if cur_s >= 0:
        runs.append((cur_s, cur_e))
    return runs


def _clean_name(text: str, s: int, e: int, *, keep_org: bool = True) -> tuple[int, int] | None:
    """Drop leading function words and titles from a name run; keep organisations whole."""
    words = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", text[s:e])]
    # leading sentence words ("But Trump")
    while words and text[words[0][0] : words[0][1]].rstrip(".") in _STOP_CAPS:
        words.pop(0)
    if not words:
        return None
    last = _strip_poss(text[words[-1][0] : words[-1][1]]).rstrip(".")
    if keep_org and last in _ORG_HEADS:
        first = 0
        while first < len(words) - 1 and text[words[first][0] : words[first][1]] in ("The",):
            first += 1
        return words[first][0], words[-1][1]
    # titles in front of a person's name ("Retired Lt. Gen. Michael Flynn")
    k = len(words)
    while k > 0 and text[words[k - 1][0] : words[k - 1][1]].rstrip(".") not in _TITLES:
        k -= 1
    rest = words[k:]
    if not rest:
        # only titles ("the President"): keep the last one as the source
        return words[-1]
    # drop a trailing possessive's "'s" from the span
    a, b = rest[0][0], rest[-1][1]
    tail = text[a:b]
    if _POSS.search(tail):
        b -= 2
    return a, b


_DETS = frozenset(
    "the a an his her their its our one some many several most two three four five other "
    "another both all few those these this that each every any no".split()
)
_PREPS = frozenset("in at of for from with on inside near among within".split())
_BACK_STOP = frozenset(
    "and but or that which who whom whose when while as because if than to by was is were are had "
    "has have been be not also then so after before since until where".split()
)
_PAREN_TAIL = re.compile(r"\s*\([^()]{1,40}\)\s*,?\s*$")


def _np_backward(text: str, lo: int, hi: int):
    """The noun phrase that ends at ``hi`` (the subject right before a cue verb).

    Returns (mention span, name span or None, pronoun or None), or None."""
    stripped = text[lo:hi].rstrip()
    end = lo + len(stripped)
    if end <= lo:
        return None
    # "Gov. John Kasich (R-OH), said": drop the party tag
    pm = _PAREN_TAIL.search(text, lo, end)
    if pm and pm.start() > lo:
        end = pm.start()
        stripped = text[lo:end]
    if stripped.endswith(","):
        inner_end = end - 1
        c = text.rfind(",", lo, inner_end)
        appos = text[c + 1 : inner_end].strip() if c >= 0 else ""
        first = appos.split()[0].lower() if appos else ""
        # "Flynn, a top Trump surrogate, said": skip the apposition
        if c >= 0 and inner_end - c < 120 and (first in _DETS or appos[:1].islower() or first in ("who", "whose")):
            r = _np_backward(text, lo, c)
            if r is not None:
                return r
        end = inner_end
    words = [(m.start() + lo, m.end() + lo) for m in re.finditer(r"\S+", text[lo:end])]
    if not words:
        return None
    last = text[words[-1][0] : words[-1][1]]
    core = last.strip("“”\"‘’'(),.;:")
    if core.lower() in _PRONOUNS:
        ws = words[-1][0] + last.find(core)
        return (ws, ws + len(core)), None, core.lower()
    runs = _name_runs(text, words[0][0], end)
    if runs and runs[-1][1] >= end - 1:
        rs, re_ = runs[-1]
        nm = _clean_name(text, rs, re_)
        if nm is not None:
            return (rs, re_), nm, None
    # a common-noun source, back to its determiner ("the campaign", "a spokesman",
    # "a Democratic staffer in the room")
    k = len(words) - 1
    taken = 0
    found = -1
    while k >= 0 and taken < 10:
        w = text[words[k][0] : words[k][1]]
        wl = w.strip("“”\"‘’'(),.;:").lower()
        if not wl or any(c in w for c in ".;:!?\"“”") and k != len(words) - 1:
            break
        if wl in _BACK_STOP:
            break
        taken += 1
        if wl in _PREPS:
            k -= 1
            continue
        if wl in _DETS or _POSS.search(w):
            found = k
            if _POSS.search(w):
                while found > 0 and text[words[found - 1][0]].isupper():
                    found -= 1
                # "the senator’s office"
                if found > 0 and text[words[found - 1][0] : words[found - 1][1]].lower() in _DETS:
                    found -= 1
            # keep going only across "of/in/..." ("a staffer in the room")
            if found > 1 and text[words[found - 1][0] : words[found - 1][1]].lower() in _PREPS:
                k = found - 1
                continue
            break
        k -= 1
    if found >= 0:
        ms, me = words[found][0], words[-1][1]
        if text[ms : ms + 1] in "“\"‘'(":
            ms += 1
        return (ms, me), (ms, me), None
    # bare plural right before the cue ("officials said", "aides say")
    if 1 <= taken <= 3 and core[:1].islower() and core.lower() not in _PREPS:
        n = 1
        if len(words) >= 2:
            w2 = text[words[-2][0] : words[-2][1]].strip("“”\"‘’'(),.;:")
            if w2 and w2.lower() not in _BACK_STOP and w2.lower() not in _PREPS and not any(c in text[words[-2][0] : words[-2][1]] for c in ".;:!?,"):
                n = 2
        ms = words[-n][0]
        me = words[-1][1]
        return (ms, me), (ms, me), None
    return None


_FWD_STRONG = re.compile(r"[,;:?!—–(]|(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})\.(?!\w)|\s-\s|\b(?:who|which|whose|when|while|after|before|during|because|as|and|but|that)\b")
_FWD_WEAK = re.compile(r"\b(?:in|at|on|from|to|for|about|with|last|this|yesterday|today|tonight|earlier|outside|inside|by)\b")


def _np_forward(text: str, lo: int, hi: int, outlets: OutletMatcher | None):
    """The noun phrase starting at ``lo`` (after an inverted cue: "said Matthew Miller").

    Returns (mention span, name span or None, pronoun or None, outlet credit or None)."""
    s = lo
    while s < hi and text[s].isspace():
        s += 1
    if s >= hi:
        return None
    credit = None
    # "Al Jazeera’s Imran Khan", "CNN’s Jake Tapper"
    if outlets is not None:
        for name, os_, oe in outlets.find(text, s, min(hi, s + 60)):
            if os_ == s or text[s:os_].strip().lower() == "the":
                if text[oe : oe + 2] in ("’s", "'s"):
                    credit = (name, os_, oe)
                    s = oe + 2
                    while s < hi and text[s].isspace():
                        s += 1
                break
    m = re.match(r"(he|she|they|we|I)\b", text[s:hi])
    if m:
        return (s, s + len(m.group(1))), None, m.group(1).lower(), credit
    strong = _FWD_STRONG.search(text, s, hi)
    end = strong.start() if strong else hi
    while end > s and text[end - 1].isspace():
        end -= 1
    if end <= s:
        return None
    words = [(mm.start() + s, mm.end() + s) for mm in re.finditer(r"\S+", text[s:end])][:10]
    end = words[-1][1]
    weak = _FWD_WEAK.search(text, s, end)
    wend = weak.start() if weak else end
    runs = [r for r in _name_runs(text, s, end) if r[1] <= wend + 1]
    if runs:
        rs, re_ = runs[-1]
        nm = _clean_name(text, rs, re_)
        if nm is not None:
            return (s, re_), nm, None, credit
    first = text[words[0][0] : words[0][1]].lower()
    if first in _DETS:
        stop = min(wend, words[min(len(words), 5) - 1][1])
        while stop > s and text[stop - 1].isspace():
            stop -= 1
        return (s, stop), (s, stop), None, credit
    return None


_ABBREV = frozenset(
    "Jan Feb Mar Apr Aug Sept Sep Oct Nov Dec St No vs Inc Co Jr Sr Corp Ltd Mt Ft Gen Lt Col "
    "Sgt Capt Adm Gov Sen Rep Mr Mrs Ms Dr Prof Rev Hon Ret Ave Blvd U.S U.N D.C".split()
)


def _is_abbrev_end(text: str, dot: int, lo: int) -> bool:
    """Whether the dot at ``dot`` ends an abbreviation or initial rather than a sentence."""
    w = re.search(r"([\w.]+)$", text[max(lo, dot - 12) : dot])
    if not w:
        return False
    word = w.group(1)
    return word in _ABBREV or word.rstrip(".") in _ABBREV or len(word.replace(".", "")) == 1 or word in _TITLES


_MAX_LOOKBACK = 600
_SENT_BREAK = re.compile(r"[.!?…][”\"’')\]]*\s+(?=[“\"‘'(\[]?[A-Z0-9])")


def _sentence_start(text: str, lo: int, pos: int) -> int:
    """Start of the sentence holding ``pos``, not before ``lo`` and not more than
    ``_MAX_LOOKBACK`` characters back (attribution lives close to the quote)."""
    lo = max(lo, pos - _MAX_LOOKBACK)
    best = lo
    # look a few characters past pos so that a break right before a quote is seen
    for m in _SENT_BREAK.finditer(text, lo, min(len(text), pos + 3)):
        if m.end() > pos:
            break
        if text[m.start()] == "." and _is_abbrev_end(text, m.start(), lo):
            continue
        best = m.end()
    return best


def _sentence_end(text: str, pos: int, hi: int) -> int:
    """End of the sentence running at ``pos`` (after its final punctuation), at most ``hi``."""
    for m in re.finditer(r"[.!?](?=[”\"’')]*(?:\s|$))", text[pos:hi]):
        e = pos + m.end()
        if text[e - 1] == "." and _is_abbrev_end(text, e - 1, pos):
            continue
        return e
    return hi


_BAD_CHUNK_START = re.compile(
    r"^(?:and|but|or|while|as|because|which|who|when|if|so|then|where|although|though|since|after|before)\b", re.I
)
# After "said", these words start a new statement ("Trump said he would..."), not an adjunct.
_REPORTED = re.compile(r"\s+(?:that|he|she|they|it|we|I|there|this|these|those|his|her|their|its)\b")
_CUE_ALT = "|".join(re.escape(p) for p in sorted(_CUE_PHRASES, key=len, reverse=True)) + "|" + "|".join(_CUE_WORDS)
_INVERTED = re.compile(r"(according to|" + _CUE_ALT + r")\b")
_NAME_START = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*\s*,")


def _after_attribution(text: str, q_end: int, hi: int, ended_sentence: bool, outlets):
    """Attribution in the words right after a quote: ``” Beilin told.``, ``,” said X``.

    Returns (attribution, outlet credit or None) or None."""
    s = q_end
    m = re.match(r"[\s,;:—–-]*", text[s:hi])
    s += m.end() if m else 0
    if s >= hi:
        return None
    window_end = min(hi, _sentence_end(text, s, hi), s + 300)
    m = _INVERTED.match(text, s, window_end)
    if m:  # inverted: said X / according to X / reported X
        cue = m.group(1)
        cs, ce = m.start(1), m.end(1)
        np_ = _np_forward(text, ce, window_end, outlets)
        if np_ is not None:
            mention, name, pron, credit = np_
            return _Attribution(cue=cue, cue_span=(cs, ce), mention=mention, speaker=name, pronoun=pron), credit
        return _Attribution(cue=cue, cue_span=(cs, ce)), None
    for cm in _CUE_RE.finditer(text, s, window_end):
        chunk = text[s : cm.start()]
        n_words = len(chunk.split())
        limit = 30 if _NAME_START.match(chunk) else 16
        if n_words > limit:
            break
        if _BAD_CHUNK_START.match(chunk.strip()):
            return None
        if cm.group(0) == "according to":
            np_ = _np_forward(text, cm.end(), window_end, outlets)
            if np_ is not None:
                mention, name, pron, credit = np_
                return _Attribution(cue="according to", cue_span=(cm.start(), cm.end()), mention=mention,
                                    speaker=name, pronoun=pron), credit
            return None
        if not chunk.strip():
            continue
        if ended_sentence and not chunk.strip()[:1].islower():
            # “Full sentence.” Trump said.  A new sentence is this quote's attribution only
            # when it does not go on to report something else ("Trump said he would...").
            if cm.group(0) in ("said", "says", "say", "added", "adds", "wrote", "writes") and _REPORTED.match(
                text, cm.end(), window_end
            ):
                return None
        nm_run = _NAME_START.match(chunk)
        if nm_run and chunk.rstrip().endswith(","):
            # "Sarandon, 69, told", "Jeff Weaver, Sanders' campaign manager, said"
            r = _np_backward(text, s, s + nm_run.end() - 1)
        else:
            r = _np_backward(text, s, cm.start())
        if r is None:
            return None
        mention, name, pron = r
        gap = text[s : mention[0]]
        if gap.strip() and (len(gap.split()) > 6 or not re.fullmatch(r"[\s\w’'.,()-]*", gap)):
            return None
        return _Attribution(cue=cm.group(0), cue_span=(cm.start(), cm.end()), mention=mention, speaker=name,
                            pronoun=pron), None
    return None


def _before_attribution(text: str, lo: int, q_start: int, outlets):
    """Attribution in the clause before a quote: ``Miller said: “``, ``According to X, “``,
    ``…, stating, “``, ``Trump called it “``, ``Trump: ‘…’``.

    Returns (attribution or None, outlet credit or None)."""
    seg = text[lo:q_start]
    if not seg.strip():
        return None, None
    m = None
    for m in _ACCORDING.finditer(text, lo, q_start):
        pass
    if m is not None and len(text[m.end() : q_start].split()) <= 10:
        np_ = _np_forward(text, m.end(), q_start, outlets)
        if np_ is not None:
            mention, name, pron, credit = np_
            return _Attribution(cue="according to", cue_span=(m.start(), m.end() - 1), mention=mention,
                                speaker=name, pronoun=pron), credit
    last = None
    for cm in _CUE_RE.finditer(text, lo, q_start):
        if cm.group(0) != "according to":
            last = cm
    ing = None
    for im in _CUE_ING_RE.finditer(text, lo, q_start):
        ing = im
    if ing is not None and (last is None or ing.start() > last.end()):
        between = text[ing.end() : q_start]
        prev = text[lo : ing.start()].rstrip()
        if len(between.split()) <= 6 and (prev.endswith((",", "—", "–")) or prev.endswith(" by") or not prev):
            subj = None
            if last is not None and not text[last.end() : ing.start()].strip(" ,\u00a0"):
                subj = _np_backward(text, lo, last.start())  # "Nefzi said, adding, “…”"
            if subj is None:
                subj = _clause_subject(text, lo, ing.start())
            if subj is not None:
                mention, name, pron = subj
                return _Attribution(cue=ing.group(0), cue_span=(ing.start(), ing.end()), mention=mention,
                                    speaker=name, pronoun=pron), None
    if last is not None:
        between = text[last.end() : q_start]
        if len(between.split()) <= 14:
            r = _np_backward(text, lo, last.start())
            if r is None:
                # "X did not mention them, but told supporters, “…”"
                prev_word = re.search(r"(\w+)\W*$", text[lo : last.start()])
                if prev_word and prev_word.group(1).lower() in ("and", "but", "then", "also", "later", "again"):
                    r = _clause_subject(text, lo, last.start())
            if r is None:
                return _Attribution(cue=last.group(0), cue_span=(last.start(), last.end())), None
            mention, name, pron = r
            return _Attribution(cue=last.group(0), cue_span=(last.start(), last.end()), mention=mention,
                                speaker=name, pronoun=pron), None
        return None, None
    # "Trump: ‘I’m the worst thing...’" and "Cruz continued:" end with a colon
    if seg.rstrip().endswith(":") and len(seg.split()) <= 12:
        subj = _clause_subject(text, lo, lo + len(seg.rstrip()) - 1)
        if subj is not None:
            mention, name, pron = subj
            return _Attribution(mention=mention, speaker=name, pronoun=pron), None
    return None, None


_LOWER_TITLES = frozenset(
    "former minister secretary senator president governor mayor spokesman spokeswoman spokesperson "
    "chairman director chief leader sen. rep. gov. gen. lt. judge ambassador candidate nominee "
    "retired deputy foreign defense justice prime vice state".split()
)
_INTRO = re.compile(r"\s*(?:(?:[A-Z][a-z]+(?:\s+[a-z]+){0,6}|[A-Z][^,]{0,40}),\s+)")


def _clause_subject(text: str, lo: int, hi: int):
    """The subject at the start of a sentence (for "…, saying, “…”" and "X: “…”")."""
    s = lo
    while s < hi and text[s] in " \t\n\u00a0“\"‘'([":
        s += 1
    m = _INTRO.match(text, s, hi)
    if m:
        intro = text[s : m.end()].strip().rstrip(",")
        # an introductory phrase ("On Tuesday,", "Nonetheless,"), not a name
        if not (len(intro.split()) <= 3 and all(_NAME_TOKEN.fullmatch(w) for w in intro.split())
                and intro.split()[0] not in _STOP_CAPS):
            s = m.end()
    m = re.match(r"\s*(he|she|they|we|I|He|She|They|We)\b", text[s:hi])
    if m:
        return (s + m.start(1), s + m.end(1)), None, m.group(1).lower()
    for rs, re_ in _name_runs(text, s, min(hi, s + 150)):
        lead = text[s:rs].strip().lower().split()
        if len(lead) > 4 or not all(w in _DETS or w[:1].isdigit() or "-" in w or w in _LOWER_TITLES for w in lead):
            break
        nm = _clean_name(text, rs, re_)
        if nm is None:
            continue
        if all(w.rstrip(".") in _TITLES for w in text[nm[0] : nm[1]].split()):
            continue  # "Former minister Yossi Beilin": the name comes after the titles
        return (rs, re_), nm, None
    return None


# --- outlet credits --------------------------------------------------------------------

_CREDIT_BEFORE = re.compile(
    r"(?:\btold|\btells|\btelling|\binformed|\b[Aa]ccording to|\binterview[\"”’']? (?:with|on|to)|\binterviewed by|"
    r"\bspeaking (?:to|with|on)|\bspoke (?:to|with|on)|\bsaid (?:on|to|in)|\bsays (?:on|to|in)|"
    r"\bwrote (?:in|for|on)|\bwrites (?:in|for|on)|\bwriting (?:in|for|on)|\bappeared on|"
    r"\bappearing on|\bop-ed (?:in|for)|\bcolumn (?:in|for)|\bquoted by|\breported by|"
    r"\bpublished (?:by|in)|\bposted on|\b[Vv]ia|\breported|\breports|\bconfirmed to|"
    r"\bcorrespondent for|\breporter for|\bappearance on|\bremarks (?:to|on)|\bcomments to|"
    r"\bstatement to|\bcited by|\bobtained by|\bfirst reported by|\bas reported by)"
    r"\s+(?:the\s+|The\s+)?$"
)
_CREDIT_AFTER = re.compile(
    r"^(?:['’]s\s+(?:[A-Z][\w.'’-]*\s+){0,4}(?:[a-z]+\s+){0,1})?\s*(?:reported|reports|reporting|wrote|writes|"
    r"quoted|quotes|cited|cites|published|said|says|first reported|obtained|aired|broadcast)\b"
)
_INTERVIEW_BEFORE = re.compile(
    r"(?:\btold|\binformed|\binterview[\"”’']? (?:with|on|to)|\binterviewed by|\bspeaking (?:to|with)|"
    r"\bspoke (?:to|with)|\bsaid (?:on|to)|\bsays (?:on|to)|\bappeared on|\bappearing on|"
    r"\bappearance on|\bcomments to|\bstatement to|\bconfirmed to)\s+(?:the\s+|The\s+)?$"
)
_OUTLET_LIKE = re.compile(
    r"(?:[Tt]he\s+)?(?:[A-Z][\w.&'’-]*\s+){0,4}(?:Times|Post|News|Journal|Herald|Tribune|Observer|"
    r"Chronicle|Gazette|Star|Globe|Magazine|Radio|Television|Network|Press|Courier|Mirror|Express|"
    r"Review|Register|Dispatch|Inquirer|Bee|Examiner|Telegraph|Independent|Standard|Guardian|Daily|"
    r"Sun|Record|Monitor|Enquirer|Reporter|Republic|Statesman|Citizen|Leader|Tribune|Weekly)\b"
)

INTERVIEW_CUES = frozenset({"told", "tells", "telling", "in an interview", "interview", "said in an interview",
                            "speaking to", "spoke to", "in an interview with"})


def _credit_in(text: str, lo: int, hi: int, outlets: OutletMatcher | None):
    """The first outlet credited in text[lo:hi] by a credit construction, as
    (canonical, start, end, interview)."""
    if lo >= hi:
        return None
    found = []
    if outlets is not None:
        for name, s, e in outlets.find(text, lo, hi):
            before = text[max(lo, s - 40) : s]
            after = text[e : min(hi, e + 60)]
            interview = bool(_INTERVIEW_BEFORE.search(before))
            if _CREDIT_BEFORE.search(before) or _CREDIT_AFTER.match(after):
                found.append((name, s, e, interview))
    if not found:
        # an outlet not on the list: "told the Charlotte Observer"
        for m in re.finditer(r"\b(?:told|informed|interview with|interview to|speaking to|spoke to|according to|wrote in|said on)\s+",
                             text[lo:hi]):
            s = lo + m.end()
            mm = _OUTLET_LIKE.match(text, s, hi)
            if mm:
                more = re.match(r"(?:\s+[A-Z][\w.&'’-]*){0,3}", text[mm.end() : hi])
                name = (mm.group(0) + (more.group(0) if more else "")).strip().rstrip(".,;:")
                interview = not m.group(0).startswith(("according", "wrote"))
                found.append((name, s, s + len(name), interview))
                break
    return found[0] if found else None


_NAMED_INTERVIEW = re.compile(
    r"\binterview[\"”’']?\s+(?:released\s+|broadcast\s+|aired\s+)?(?:on|with|to)\s+(?:the\s+)?"
    r"((?:[A-Z](?:[\w'’-]|\.(?=\w))*[ \t]+){0,4}[A-Z](?:[\w'’-]|\.(?=\w))*)"
)
"""An interview named by its show or outlet: "an interview with the Piers Morgan
Uncensored show". The name's words are capitalised and stay on one line; a full stop
ends it unless a letter follows ("U.S" of "U.S."), so "to the BBC. Musk" names the BBC."""


_INTERVIEWER = re.compile(
    r"\binterview\w*[\"”’']?\s+(?:with|to|by)\s+(?:the\s+)?(?:[A-Z][\w'’.&-]*\s+){0,3}?"
    r"(?:columnist|presenter|host|anchor|reporter|journalist|editor|correspondent|interviewer|broadcaster)\s+"
    r"((?:[A-Z][\w'’-]+[ \t]+){0,2}[A-Z][\w'’-]+)"
)


def interviewers(text: str) -> set[str]:
    """The people ``text`` names, by their role, as conducting its interview: "an
    interview with Sun Sport columnist Piers Morgan". A quote credited to the
    interviewer or the interviewer's show credits that interview as much as one
    credited to the outlet."""
    return {m.group(1).strip() for m in _INTERVIEWER.finditer(text)}


def reports_speech(text: str, start: int, end: int) -> bool:
    """Whether the sentence of ``text`` around ``[start, end)`` reports what someone said
    ("Djokovic said he hoped he can play for many more years"), by a cue verb or phrase."""
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    right = min(rights) if rights else len(text)
    return _names_speech(text[left:right])


def _names_speech(sentence: str) -> bool:
    """Whether ``sentence`` has a speech cue, a verb or phrase such as "said" or "told"."""
    return bool(_CUE_RE.search(sentence) or _CUE_ING_RE.search(sentence))


def speech_spans(text: str, outlets: OutletMatcher | None = None) -> list[tuple[int, int]]:
    """The parts of ``text`` that carry someone's speech: its quotations (fragments
    included), and the sentences that report speech by a cue ("Ronaldo remarked, I
    don't have respect for him", a quotation whose opening mark went missing). What is
    left is the text's own running text: a statement's or a release's own words."""
    spans = [(q.start, q.end) for q in extract_quotes(text, outlets, fragments="all")]
    start = 0
    for end in [m.end() for m in re.finditer(r"[.!?\n]", text)] + [len(text)]:
        if _names_speech(text[start:end]):
            spans.append((start, end))
        start = end
    return spans


def with_interview_credit(quotes: Sequence[Quote], text: str | None = None,
                          outlets: OutletMatcher | None = None) -> list[Quote]:
    """The quotes, each uncredited one credited to the outlet the article names for its
    interview, when it names exactly one ("told the BBC" on one quote, "he said" on the
    next; or, given ``text``, "an interview with the BBC" anywhere): news style credits
    an interview once and quotes it on.

    The credit carries over to the interviewee's quotes only, when the article names who
    gave the interview ("Djokovic told the BBC", or the speaker of the quote that credits
    it): a judge's words in court quoted in the same story are not the interview's. A
    quote whose speaker is not known, or an interview whose interviewee is not named ("he
    told the BBC", "in an interview with the BBC"), leaves the credit to every quote.

    A quote's own credit is never replaced. Used on both sides: the checked article's
    quotes then carry the interview credit it gives, and a carrier's show who owns them.
    """
    from dataclasses import replace

    owners = {q.outlet for q in quotes if q.interview and q.outlet}
    interviewees: list[str | None] = [q.speaker for q in quotes if q.interview and q.outlet]
    if text is not None:  # "sat down for an interview with the BBC", outside any quote
        for name, s, _ in find_credits(text, outlets):
            verb = _INTERVIEW_BEFORE.search(text[max(0, s - 40):s])
            if verb:
                owners.add(name)
                interviewees.append(_interviewee(text, max(0, s - 40) + verb.start()))
        if not owners:  # an interview named by its show or interviewer, not a known outlet
            for m in _NAMED_INTERVIEW.finditer(text):
                owners.add(m.group(1).strip())
                interviewees.append(None)
    if len(owners) != 1:
        return list(quotes)
    (owner,) = owners
    named = None if None in interviewees else interviewees

    def theirs(q: Quote) -> bool:
        return (named is None or q.speaker is None or not _is_name(q.speaker)
                or any(_same_person(q.speaker, who) for who in named))

    return [q if q.outlet or not theirs(q) else replace(q, outlet=owner, interview=True) for q in quotes]


def _interviewee(text: str, verb: int) -> str | None:
    """The person named right before an interview verb at ``verb`` ("former prosecutor
    Diane Birnholz told BuzzFeed News"), or None for a pronoun or no name."""
    if not re.match(r"told|informed", text[verb:verb + 8]):
        return None  # "gave an interview to the BBC": the interviewee is not right before it
    lo = max(text.rfind(c, 0, verb) for c in ".!?\n") + 1
    found = _np_backward(text, lo, verb)
    if found is None or found[1] is None:
        return None
    s, e = found[1]
    return text[s:e] if _is_name(text[s:e]) else None


def _is_name(words: str) -> bool:
    """Whether ``words`` read as a person's name: every word capitalised."""
    parts = re.findall(r"[^\W\d_][\w'’.-]*", words)
    return bool(parts) and all(w[0].isupper() for w in parts)


def _same_person(a: str, b: str) -> bool:
    """Whether two names of speakers name one person: equal, or one's last word is the
    other's last word ("Musk" and "Elon Musk")."""
    x, y = re.findall(r"\w+", a.casefold()), re.findall(r"\w+", b.casefold())
    return bool(x and y) and (x == y or x[-1] == y[-1])


def find_credits(
    text: str, outlets: OutletMatcher | None = None, start: int = 0, end: int | None = None
) -> list[tuple[str, int, int]]:
    """Outlets credited anywhere in ``text[start:end]`` ("Reuters reported", "told the BBC",
    "according to CNN"), as (canonical, s, e) with ``str`` offsets into ``text``.

    Use it for credits of a passage around a quote (see ``passage_credits`` of
    :func:`judge_quote`)."""
    outlets = outlets or OutletMatcher.default()
    end = len(text) if end is None else end
    out = []
    for name, s, e in outlets.find(text, start, end):
        before = text[max(start, s - 40) : s]
        after = text[e : min(end, e + 60)]
        if _CREDIT_BEFORE.search(before) or _CREDIT_AFTER.match(after):
            out.append((name, s, e))
    return out


# =====================================================================================
# extract_quotes
# =====================================================================================


def extract_quotes(
    text: str,
    outlets: OutletMatcher | None = None,
    *,
    min_words: int = 3,
    max_chars: int = 3000,
    max_paragraphs: int = 30,
    fragments: str = "none",
) -> list[Quote]:
    """Quotations in ``text``, in order, non-overlapping, with speaker, cue and credit.

    ``min_words`` drops scare quotes ("so-called “experts”"); a shorter quote is kept
    only when it carries its own attribution ("“Probably,” Priebus said."). A quotation inside one
    paragraph longer than ``max_chars`` is treated as a stray mark (its inner quotes are
    kept); a quotation may run over at most ``max_paragraphs`` paragraphs, each opening
    with a quotation mark. ``outlets`` defaults to :meth:`OutletMatcher.default`; pass
    one built :meth:`~OutletMatcher.with_names` the outlets of your index.
    ``fragments="attributed"`` also keeps short fragments of at least two words quoted
    inside the writer's sentence when that sentence names who said them ("Djokovic
    described the conditions as “very hard”"): a fragment of someone's words can be
    lifted too. ``fragments="all"`` keeps every such fragment, attributed or not, as the
    index does: any earlier article that put the words in quotation marks carried them.
    """
    if not text:
        return []
    if outlets is None:
        outlets = OutletMatcher.default()
    paras = _paragraphs(text)
    pairs = _pair_marks(text, paras, max_paragraphs)
    spans = _select(pairs, max_chars)
    para_of = _para_index(paras)
    quotes: list[Quote] = []
    raw: list[tuple[int, int, int, int, int]] = []
    for os_, oe, cs, ce in spans:
        a, b = oe, cs
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        n_words = len(_WORD.findall(text[a:b]))
        if n_words:
            raw.append((os_, ce, a, b, n_words))
    prev: Quote | None = None
    prev_para = -1
    for idx, (qs, qe, a, b, n_words) in enumerate(raw):
        pi = para_of(qs)
        ps, pe = paras[pi]
        partial = _is_partial(text, qs, a, ps)
        short = n_words < min_words
        if fragments not in ("none", "attributed", "all"):
            raise ValueError(f"fragments must be 'none', 'attributed' or 'all', not {fragments!r}")
        fragment = fragments != "none" and short and n_words >= 2
        if short and partial and not fragment:
            continue
        q_para_end = paras[para_of(max(qs, qe - 1))][1]
        next_start = raw[idx + 1][0] if idx + 1 < len(raw) else len(text)
        hi = min(q_para_end, next_start)
        prev_end = prev.end if (prev is not None and prev.end > ps) else ps
        lo = max(_sentence_start(text, ps, qs), prev_end)
        content = text[a:b]
        ended = bool(re.search(r"[.!?…]['’‘”\")\]]*$", content))
        after = _after_attribution(text, qe, hi, ended, outlets)
        att, credit = after if after else (None, None)
        adjacent = att is not None and att.mention is not None
        if att is None or (att.mention is None and att.cue is None):
            att2, credit2 = _before_attribution(text, lo, qs, outlets)
            if att2 is None and pi > 0 and not text[ps:qs].strip():
                # “Cruz continued:” closing the paragraph before
                pps, ppe = paras[pi - 1]
                if text[ps - 1 : ps] and text[pps:ppe].rstrip().endswith(":"):
                    att2, credit2 = _before_attribution(text, max(_sentence_start(text, pps, ppe - 1),
                                                                 prev.end if prev is not None and prev.end > pps else pps),
                                                        ppe, outlets)
            if att2 is not None:
                att, credit = att2, credit2
                tail = text[lo:qs].rstrip()
                adjacent = att.mention is not None and (not tail or tail.endswith((":", ",")))
        said_here = att is not None and att.mention is not None and att.cue is not None
        # a second fragment in the sentence of an attributed one has the same speaker
        said_before = prev is not None and prev.speaker is not None and prev.end > _sentence_start(text, ps, qs)
        if short and not adjacent and not (fragment and (fragments == "all" or said_here or said_before)):
            continue  # a scare quote, or a short fragment nobody is said to have said
        inherited = False
        if (att is None or att.mention is None) and prev is not None and prev.mention_start is not None:
            same_para = prev_para == pi
            starts_para = not text[ps:qs].strip()
            gap_from = max(x for x in (prev.end, prev.cue_end, prev.mention_end) if x is not None)
            gap = text[gap_from:qs] if gap_from < qs else ""
            if same_para or (
                starts_para and prev_para == pi - 1 and _only_quote_paragraph(text, prev, paras[prev_para])
                and not _CUE_RE.search(gap)
            ):
                att = _Attribution(
                    cue=prev.cue,
                    cue_span=(prev.cue_start, prev.cue_end) if prev.cue_start is not None else None,
                    mention=(prev.mention_start, prev.mention_end) if prev.mention_start is not None else None,
                    speaker=(prev.speaker_start, prev.speaker_end) if prev.speaker_start is not None else None,
                )
                inherited = True
        speaker = sp_s = sp_e = None
        if att is not None:
            if att.speaker is not None:
                sp_s, sp_e = att.speaker
                speaker = text[sp_s:sp_e]
            elif att.pronoun in _RESOLVABLE and att.mention is not None:
                res = _resolve_pronoun(text, att.mention[0], quotes, paras, pi)
                if res is not None:
                    sp_s, sp_e = res
                    speaker = text[sp_s:sp_e]
        # outlet credit in the attribution clause around the quote
        outlet = o_s = o_e = None
        interview = False
        if credit is not None:
            outlet, o_s, o_e = credit
            interview = att is not None and att.cue in ("told", "tells")
        else:
            win_hi = min(hi, _sentence_end(text, qe, hi) if qe < hi else hi)
            c = _credit_in(text, qe, win_hi, outlets) or _credit_in(text, lo, qs, outlets)
            if c is not None:
                outlet, o_s, o_e, interview = c
        if att is not None and not inherited and att.cue in ("told", "tells") and att.cue_span is not None:
            after_cue = text[att.cue_span[1] : min(len(text), att.cue_span[1] + 20)]
            if re.match(r"\s*(?:[.!?]|me\b|us\b|this (?:newspaper|paper|website|site|outlet|station|network|publication|magazine)\b)", after_cue):
                interview = True
        if not interview and re.search(r"\bin an? (?:exclusive |phone |telephone |recent |brief )?interview\b",
                                       text[lo:qs] + " " + text[qe:min(hi, qe + 200)]):
            interview = True
        quotes.append(
            Quote(
                start=qs,
                end=qe,
                content_start=a,
                content_end=b,
                text=content,
                speaker=speaker,
                speaker_start=sp_s,
                speaker_end=sp_e,
                cue=att.cue if att else None,
                outlet=outlet,
                outlet_start=o_s,
                outlet_end=o_e,
                cue_start=att.cue_span[0] if att and att.cue_span else None,
                cue_end=att.cue_span[1] if att and att.cue_span else None,
                mention_start=att.mention[0] if att and att.mention else None,
                mention_end=att.mention[1] if att and att.mention else None,
                interview=interview,
                partial=partial,
            )
        )
        prev = quotes[-1]
        prev_para = para_of(max(qs, qe - 1))
    return quotes


def _only_quote_paragraph(text: str, q: Quote, para: tuple[int, int]) -> bool:
    """The previous paragraph ends with the quote and its attribution (no new topic)."""
    tail = text[q.end : para[1]]
    return len(tail.split()) <= 12


def _para_index(paras: list[tuple[int, int]]):
    starts = [p[0] for p in paras]
    def find(pos: int) -> int:
        i = bisect.bisect_right(starts, pos) - 1
        return max(0, i)

    return find


# A quote right after a speech verb is the speaker's clause ("He says “it’s over.”"),
# not a fragment inside the writer's sentence.
_PARTIAL_LEADS = re.compile(
    r"\b(?:" + _CUE_ALT + r"|says|claims|declares|reads|reading|read|chanted|chants|titled|"
    r"saying|adding|writing|stating|declaring|telling \w+|told \w+|asking|shouting|yelling|"
    r"screamed|proclaiming|proclaims)\s*$"
)


def _is_partial(text: str, qs: int, content_start: int, para_start: int) -> bool:
    """A fragment quoted inside the writer's sentence ("called it “a disaster”")."""
    k = qs - 1
    while k >= para_start and text[k] in " \t\u00a0":
        k -= 1
    if k < para_start:
        return False
    c = text[k]
    if c in ".!?:;,—–-([\n" or c in "“”\"‘’'«»":
        return False
    if not (c.isalnum() or c in ")%$"):
        return False
    return not _PARTIAL_LEADS.search(text, max(para_start, k - 30), k + 1)


def _resolve_pronoun(text: str, pos: int, quotes: list[Quote], paras, pi: int) -> tuple[int, int] | None:
    """A "he"/"she" in an attribution names the closest earlier named speaker, if that
    speaker is near (this or the previous two paragraphs); otherwise the closest earlier
    titled or two-word personal name in this or the previous paragraph. None otherwise."""
    horizon = paras[max(0, pi - 2)][0]
    for q in reversed(quotes):
        if q.speaker_start is None or q.speaker_start < horizon:
            break
        sp = text[q.speaker_start : q.speaker_end]
        if sp and sp[0].isupper() and sp.split()[-1].rstrip(".") not in _ORG_HEADS and q.speaker_start < pos:
            return q.speaker_start, q.speaker_end
    lo = max(paras[max(0, pi - 1)][0], pos - 2 * _MAX_LOOKBACK)
    best = None
    for rs, re_ in _name_runs(text, lo, pos):
        words = text[rs:re_].split()
        titled = any(w.rstrip(".") in _TITLES for w in words[:-1])
        nm = _clean_name(text, rs, re_, keep_org=True)
        if nm is None:
            continue
        last = _strip_poss(text[nm[0] : nm[1]].split()[-1]).rstrip(".")
        if last in _ORG_HEADS:
            continue
        n_name = len(text[nm[0] : nm[1]].split())
        if titled or n_name >= 2:
            # followed by a verb-ish lowercase word: a subject, not a place in a phrase
            nxt = re.match(r"[’']?s?\s*,?\s*([a-z]+)", text[re_ : re_ + 30])
            if nxt and nxt.group(1) not in ("of", "and", "in", "on", "at", "to", "for", "from"):
                best = nm
    return best


# =====================================================================================
# Keys and similarity
# =====================================================================================

_UNIFY = str.maketrans(
    {
        "’": "'", "‘": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "′": "'",
        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "‹": "'", "›": "'", "″": '"',
        "–": "-", "—": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
        "\u00a0": " ",
    }
)


def quote_key(text: str) -> str:
    """A normalised key for provenance lookups.

    NFKC, casefold, quote/apostrophe/dash forms unified, apostrophes dropped inside
    words ("It’s" -> "its"), every other punctuation mark turned into a space, spaces
    collapsed. Two quotes with the same key are the same words.
    """
    s = unicodedata.normalize("NFKC", text).translate(_UNIFY).casefold()
    s = re.sub(r"(?<=\w)'(?=\w)", "", s)
    s = re.sub(r"[^\w\s]|_", " ", s)
    return " ".join(s.split())


def _lcs_len(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token lists (bit-parallel)."""
    if not a or not b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    # masks over positions of a for each token
    masks: dict[str, int] = {}
    for i, t in enumerate(a):
        masks[t] = masks.get(t, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for t in b:
        m = masks.get(t)
        if m is None:
            continue
        u = v & m
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def quote_similarity(a: str, b: str) -> float:
    """Similarity of two quotes in [0, 1], on :func:`quote_key` words, order-aware.

    With ``L`` the longest common subsequence of words, it is the larger of the Dice
    ratio ``2L / (|a| + |b|)`` and the containment ``L / min(|a|, |b|)`` damped for
    short quotes (times ``min(1, min(|a|, |b|) / 8)``), so that a trimmed quote still
    matches its longer original while "the United States" matches nothing in
    particular. Identical keys score 1.0.
    """
    ka, kb = quote_key(a), quote_key(b)
    if ka == kb:
        return 1.0 if ka else 0.0
    wa, wb = ka.split(), kb.split()
    if not wa or not wb:
        return 0.0
    lcs = _lcs_len(wa, wb)
    dice = 2.0 * lcs / (len(wa) + len(wb))
    short = min(len(wa), len(wb))
    contain = lcs / short * min(1.0, short / 8.0)
    return round(min(1.0, max(dice, contain)), 6)


# =====================================================================================
# judge_quote
# =====================================================================================


def is_interview(cue: str | None, credited_outlet: str | None) -> bool:
    """Whether an attribution presents a quote as given to an outlet: "told Al Jazeera",
    "in an interview with CNN". A bare "told" with no outlet is not enough here (it may be
    "told reporters"); :func:`extract_quotes` sets ``Quote.interview`` from the full
    sentence instead."""
    if not cue:
        return False
    c = cue.strip().lower()
    if "interview" in c:
        return True
    return c in INTERVIEW_CUES and credited_outlet is not None


def is_interview_occurrence(o: QuoteOccurrence) -> bool:
    """Whether an occurrence is a quote its carrier presents as given to an outlet."""
    return o.interview if o.interview is not None else is_interview(o.cue, o.credited_outlet)


def judge_quote(
    quote: Quote,
    article_outlet: str | None,
    article_published: datetime | None,
    occurrences: Sequence[QuoteOccurrence],
    *,
    simultaneity: timedelta = timedelta(hours=6),
    similarity_threshold: float = 0.6,
    article_id: str | None = None,
    passage_credits: Iterable[str] = (),
    outlets: OutletMatcher | None = None,
    min_independent: int = 2,
    taken_from: Sequence[QuoteOccurrence] = (),
) -> QuoteFinding:
    """Decide whether ``quote`` (in an article of ``article_outlet`` published at
    ``article_published``) was lifted without credit, given the ``occurrences`` of
    similar quotes found elsewhere in the index.

    Rules, in order (see docs/QUOTES.md):

    1. Occurrences count only if their quote is similar enough
       (``quote_similarity >= similarity_threshold``) and they are not the article itself
       (``article_id``).
    2. Possible origins are matching occurrences from OTHER outlets published strictly
       BEFORE the article; the earliest is the origin. Undated occurrences, or an undated
       article, give no order.
    3. No matching occurrence at all, or none with a usable date: UNKNOWN_ORIGIN (with
       the closest match from another outlet as ``origin``, when there is one, so the
       wording can still be compared).
    4. No earlier occurrence from another outlet, or the article's own outlet carried it
       no later than the origin: OWN.
    5. The quote's credited outlet (``quote.outlet``) or one of ``passage_credits`` names
       the origin's outlet, another earlier carrier, or the outlet the origin itself
       credits: CREDITED.
    6. At least ``min_independent`` distinct other outlets carried it within
       ``simultaneity`` of the origin, and none of those got it in an interview:
       INDEPENDENT (a public statement).
    7. Otherwise: UNATTRIBUTED (flagged). An interview quote ("told Al Jazeera") re-used
       without naming that outlet always ends here.

    Before the date rules: ``taken_from`` holds the quote's occurrences inside passages
    the article took from another article (its original or a source), including the
    source's reported speech that the article put between quotation marks. When one is
    from another outlet, the quote came with the copied text, whatever the dates say: it
    is CREDITED when the article names an outlet that carried it or that its carriers
    credit (or names the interview, see :func:`with_interview_credit`, and no carrier
    credits another one); UNATTRIBUTED when it is an interview quote or reported speech
    and no such outlet is named. Other quotes in copied passages are left to the date
    rules: the passage itself is already reported as copied.
    """
    om = outlets or OutletMatcher.default()

    def same(a: str | None, b: str | None) -> bool:
        return om.same(a, b) or _same_name(a, b)

    scored: list[tuple[QuoteOccurrence, float]] = []
    for o in occurrences:
        if article_id is not None and o.article_id == article_id:
            continue
        sim = quote_similarity(quote.text, o.quote_text)
        if sim >= similarity_threshold:
            scored.append((o, sim))
    sims = {id(o): s for o, s in scored}
    matching = [o for o, _ in scored]
    dated = [o for o in matching if o.published_at is not None]
    also = tuple(sorted(matching, key=_occ_order))

    def finding(verdict, origin, reason):
        if origin is not None:
            sim = sims[id(origin)]
        else:  # no origin: how close the nearest other occurrence came
            sim = max(sims.values(), default=0.0)
        altered = origin is not None and quote_key(origin.quote_text) != quote_key(quote.text)
        rest = tuple(o for o in also if o is not origin)
        return QuoteFinding(quote=quote, verdict=verdict, origin=origin, similarity=sim,
                            altered=altered, also_seen=rest, reason=reason)

    taken = [o for o in taken_from if not (o.outlet and same(o.outlet, article_outlet))
             and (article_id is None or o.article_id != article_id)]
    if taken:
        for o in taken:
            sims.setdefault(id(o), quote_similarity(quote.text, o.quote_text))
        credits = [c for c in (quote.outlet, *passage_credits) if c]
        # The quote's owners: the outlets that carried it and those its carriers credit.
        owners = [o.outlet for o in (*taken, *matching) if o.outlet] + [
            o.credited_outlet for o in (*taken, *matching) if o.credited_outlet] + [
            o.interviewer for o in (*taken, *matching) if o.interviewer]
        for c in credits:
            if any(same(c, owner) for owner in owners):
                return finding(QuoteVerdict.CREDITED, sorted(taken, key=_occ_order)[0], f"credited to {c}")
        reason = _credits_source(quote, (*taken, *matching), same, article_outlet)
        if reason:
            return finding(QuoteVerdict.CREDITED, sorted(taken, key=_occ_order)[0], reason)
        if any(is_interview_occurrence(o) for o in taken):
            origin = sorted(taken, key=_occ_order)[0]
            return finding(QuoteVerdict.UNATTRIBUTED, origin,
                           f"interview quote in a passage taken from {origin.outlet or 'another article'} ({origin.article_id}), not credited")

    article_published = _aware(article_published)
    when = {id(o): _aware(o.published_at) for o in dated}
    if not dated or article_published is None:
        # No order can be given, but the closest match from another outlet is still the
        # evidence an editor wants to see (and compare wording with).
        foreign = [(o, s) for o, s in scored if not same(o.outlet, article_outlet) or o.outlet is None]
        closest = max(foreign, key=lambda pair: (pair[1], -len(pair[0].quote_text)))[0] if foreign else None
        reason = "no other dated occurrence" if article_published is not None else "article has no date"
        if closest is not None:
            reason += f"; closest match in {closest.article_id}"
        return finding(QuoteVerdict.UNKNOWN_ORIGIN, closest, reason)
    earlier = [o for o in dated if published_later(article_published, o.published_at)]
    others_earlier = sorted((o for o in earlier if not same(o.outlet, article_outlet)), key=_occ_order)
    own_earlier = sorted((o for o in earlier if same(o.outlet, article_outlet)), key=_occ_order)
    if not others_earlier:
        if own_earlier:
            return finding(QuoteVerdict.OWN, None, "only the article's own outlet carried it earlier")
        return finding(QuoteVerdict.OWN, None, "the article is the earliest occurrence")
    origin = others_earlier[0]
    t0 = when[id(origin)]
    if own_earlier and when[id(own_earlier[0])] <= t0:
        return finding(QuoteVerdict.OWN, None, "the article's own outlet carried it first")
    credits = [c for c in (quote.outlet, *passage_credits) if c]
    carriers = ({o.outlet for o in others_earlier if o.outlet} | {o.credited_outlet for o in others_earlier if o.credited_outlet}
                | {o.interviewer for o in others_earlier if o.interviewer})
    for c in credits:
        if any(same(c, x) for x in carriers):
            return finding(QuoteVerdict.CREDITED, origin, f"credited to {c}")
    reason = _credits_source(quote, matching, same, article_outlet)
    if reason:
        return finding(QuoteVerdict.CREDITED, origin, reason)
    window_end = t0 + simultaneity
    concurrent = [o for o in dated if t0 <= when[id(o)] <= window_end
                  and not same(o.outlet, article_outlet) and o.outlet]
    names: list[str] = []
    for o in concurrent:
        if not any(same(o.outlet, n) for n in names):
            names.append(o.outlet)  # type: ignore[arg-type]
    interviewed = [o for o in concurrent if is_interview_occurrence(o)]
    if len(names) >= min_independent and not interviewed:
        return finding(QuoteVerdict.INDEPENDENT, origin,
                       f"carried by {len(names)} outlets within {simultaneity} of the first")
    if is_interview_occurrence(origin) or interviewed:
        return finding(QuoteVerdict.UNATTRIBUTED, origin, "interview quote re-used without naming the outlet")
    return finding(QuoteVerdict.UNATTRIBUTED, origin, "first carried by another outlet, not credited")


def same_interview(findings: Sequence[QuoteFinding]) -> list[QuoteFinding]:
    """Findings with the article's unplaced quotes of a speaker judged by the interview
    the article took that speaker's other quotes from.

    When an article took a speaker's quote from another outlet's interview without
    credit, its other quotes of that speaker that no stored text holds (a stored page
    may be cut short, or hold only part of the interview) most likely come from the
    same interview: they are flagged too, with that interview quote as the evidence
    (``also_seen``) and no ``origin``, since the words themselves were not found. A
    quote the article credits to an outlet is left as it is.
    """
    taken = [
        f for f in findings
        if f.flagged and f.origin is not None and is_interview_occurrence(f.origin) and f.quote.speaker
    ]
    if not taken:
        return list(findings)
    out = []
    for f in findings:
        q = f.quote
        source = next((t for t in taken if q.speaker and (
            q.speaker.casefold() == t.quote.speaker.casefold() or _same_name(q.speaker, t.quote.speaker))), None)
        if (source is None or f.verdict is not QuoteVerdict.UNKNOWN_ORIGIN or f.origin is not None or f.also_seen
                or q.outlet):
            out.append(f)
            continue
        where = source.origin.credited_outlet or source.origin.outlet or source.origin.article_id
        out.append(QuoteFinding(
            quote=q, verdict=QuoteVerdict.UNATTRIBUTED, origin=None, similarity=0.0, altered=False,
            also_seen=(source.origin,),
            reason=(f"not in any stored text; same speaker as “{source.quote.text}”, taken from {where}'s interview"
                    f" in {source.origin.outlet or source.origin.article_id} ({source.origin.article_id})"),
        ))
    return out


def _same_name(a: str | None, b: str | None) -> bool:
    """Two names of one interview source not in the outlet list: the shorter, of at
    least two words, stands word for word inside the longer ("Piers Morgan" and "the
    Piers Morgan Uncensored show")."""
    if not a or not b:
        return False
    x, y = sorted((re.findall(r"\w+", a.casefold()), re.findall(r"\w+", b.casefold())), key=len)
    if len(x) < 2:
        return False
    return any(y[i:i + len(x)] == x for i in range(len(y) - len(x) + 1))


def _credits_source(quote: Quote, occurrences: Sequence[QuoteOccurrence], same,
                    article_outlet: str | None) -> str | None:
    """The reason to judge ``quote`` credited on its own credit, or None.

    The article names where it got the quote: an interview ("told the BBC", or one it
    inherits from the article's single interview credit) or another outlet's reporting
    ("as reported by the BBC"), not its own outlet. That names the quote's owner unless
    some carrier shows that the quote was given in an interview to another outlet:
    crediting CNN for words an earlier story says were told to Al Jazeera is no credit.
    Words said in public (in court, at a press conference) have no owner to contradict
    the article's credit, even when the outlet it names is not among the stored carriers.
    """
    if not quote.outlet or same(quote.outlet, article_outlet):
        return None
    for o in occurrences:
        owner = o.credited_outlet or o.outlet
        if (is_interview_occurrence(o) and owner and not same(owner, quote.outlet)
                and not (o.interviewer and same(o.interviewer, quote.outlet))):
            return None
    return f"credited to {quote.outlet}'s interview" if quote.interview else f"credited to {quote.outlet}"


def _aware(t: datetime | None) -> datetime | None:
    """Naive datetimes are taken as UTC so that they compare with aware ones."""
    if t is None or t.tzinfo is not None:
        return t
    return t.replace(tzinfo=timezone.utc)


def _occ_order(o: QuoteOccurrence):
    t = _aware(o.published_at)
    return (t is None, t.timestamp() if t is not None else 0.0, o.article_id)
