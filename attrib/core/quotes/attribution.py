"""Attribution: the cue ("said", "told", "according to") and the speaker of a quotation,
found in the words right after it (``,” said X``) or in the clause before it
(``Miller said: “``), and whether a sentence reports speech (:func:`reports_speech`).

Used by :func:`~attrib.core.quotes.extract.extract_quotes`; the outlet a quote is
credited to is found by :mod:`attrib.core.quotes.credits`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from attrib.core.outlets import OutletMatcher

__all__ = ["reports_speech"]


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
