"""Quotations in a text: :class:`Quote` and :func:`extract_quotes`, which pairs the
quotation marks (:mod:`~attrib.core.quotes.marks`) and attaches speaker, cue
(:mod:`~attrib.core.quotes.attribution`) and credited outlet
(:mod:`~attrib.core.quotes.credits`); :func:`speech_spans`; and :func:`quote_key` and
:func:`quote_similarity` to compare quotes across articles.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from attrib.core.outlets import OutletMatcher

from .attribution import (
    _CUE_ALT,
    _CUE_RE,
    _MAX_LOOKBACK,
    _ORG_HEADS,
    _RESOLVABLE,
    _TITLES,
    _after_attribution,
    _Attribution,
    _before_attribution,
    _clean_name,
    _name_runs,
    _names_speech,
    _sentence_end,
    _sentence_start,
    _strip_poss,
)
from .credits import _credit_in
from .marks import _WORD, _pair_marks, _paragraphs, _select

__all__ = ["Quote", "extract_quotes", "quote_key", "quote_similarity", "speech_spans"]


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
