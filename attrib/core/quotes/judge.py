"""Judging a quote: from the other occurrences of a quote in an index
(:class:`QuoteOccurrence`), :func:`judge_quote` decides whether the article lifted it
without credit (:class:`QuoteVerdict`, with the evidence in a :class:`QuoteFinding`).
The rules are in ``docs/QUOTES.md``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

from attrib.core.dates import later as published_later
from attrib.core.dates import sort_key as date_order
from attrib.core.outlets import OutletMatcher

from .credits import INTERVIEW_CUES
from .extract import Quote, quote_key, quote_similarity

__all__ = [
    "QuoteOccurrence",
    "QuoteVerdict",
    "QuoteFinding",
    "is_interview",
    "interview_source",
    "is_interview_occurrence",
    "judge_quote",
    "same_interview",
]


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

    credits = list(dict.fromkeys(c for c in (quote.outlet, *passage_credits) if c))

    def credited(owned_by: Sequence[QuoteOccurrence], carriers: Sequence[QuoteOccurrence]) -> str | None:
        """Why the quote counts as credited, or None: the article names an owner, the
        outlet of one of ``owned_by`` or the outlet or interviewer it credits; or the
        quote's own credit stands against ``carriers`` (:func:`_credits_source`)."""
        owners = list(dict.fromkeys(x for o in owned_by for x in (o.outlet, o.credited_outlet, o.interviewer) if x))
        named = next((c for c in credits if any(same(c, owner) for owner in owners)), None)
        if named is not None:
            return f"credited to {named}"
        return _credits_source(quote, carriers, same, article_outlet)

    taken = [o for o in taken_from if not (o.outlet and same(o.outlet, article_outlet))
             and (article_id is None or o.article_id != article_id)]
    if taken:
        for o in taken:
            sims.setdefault(id(o), quote_similarity(quote.text, o.quote_text))
        reason = credited((*taken, *matching), (*taken, *matching))
        if reason:
            return finding(QuoteVerdict.CREDITED, sorted(taken, key=_occ_order)[0], reason)
        if any(is_interview_occurrence(o) for o in taken):
            origin = sorted(taken, key=_occ_order)[0]
            return finding(QuoteVerdict.UNATTRIBUTED, origin,
                           f"interview quote in a passage taken from {origin.outlet or 'another article'} ({origin.article_id}), not credited")

    article_published = _aware(article_published)
    when = {id(o): _aware(o.published_at) for o in dated}
    if not dated or article_published is None:
        # No dates to order the carriers, but a carrier that says the words were given
        # in an interview to another outlet ("told the BBC") names their owner.
        given = sorted((o for o in matching if is_interview_occurrence(o) and o.credited_outlet
                        and not same(o.credited_outlet, article_outlet)), key=_occ_order)
        if given:
            reason = credited(given, matching)
            if reason:
                return finding(QuoteVerdict.CREDITED, given[0], reason)
            return finding(QuoteVerdict.UNATTRIBUTED, given[0],
                           f"interview given to {given[0].credited_outlet}, re-used without naming it")
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
    reason = credited(others_earlier, matching)
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


def interview_source(findings: Sequence[QuoteFinding]) -> QuoteOccurrence | None:
    """Where an article's interview quotes were first published: of its quotes taken from
    another outlet (credited or not) whose origin is an interview given to an outlet, the
    origin published first, the one most of those quotes come from on a tie. None when no
    such quote has a dated origin.

    An article built on another outlet's interview (the quotes strung together under a
    lead of its own) shares little running text with it, so no text is its original; the
    interview is where it came from. Words said in public, or whose first carrier has no
    date, name no such place.
    """
    origins: dict[str, list[QuoteOccurrence]] = {}
    for f in findings:
        o = f.origin
        if (f.verdict in (QuoteVerdict.CREDITED, QuoteVerdict.UNATTRIBUTED) and o is not None
                and o.published_at is not None and is_interview_occurrence(o)):
            origins.setdefault(o.article_id, []).append(o)
    if not origins:
        return None
    first = min(origins.values(), key=lambda found: (date_order(found[0].published_at), -len(found), found[0].article_id))
    return first[0]


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
