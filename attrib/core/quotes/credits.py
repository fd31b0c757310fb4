"""Outlet credits: the outlet an article credits for a quote ("told Al Jazeera",
"Reuters reported", "according to CNN"), the people it names as conducting an
interview, and the interview credit an article gives once and quotes on
(:func:`with_interview_credit`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from attrib.core.outlets import OutletMatcher

from .attribution import _np_backward

if TYPE_CHECKING:
    from .extract import Quote

__all__ = ["INTERVIEW_CUES", "find_credits", "interviewers", "with_interview_credit"]


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
