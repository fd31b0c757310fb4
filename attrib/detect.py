"""The check pipeline: article -> candidates -> passages -> original -> quotes -> Report.

Each stage is a function of its own (:func:`retrieve`, :func:`align_candidates`,
:func:`choose_original`, :func:`judge_quotes`, :func:`name_interview_source`) so it can
be tested alone; :func:`check` runs them in order against a store.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from dataclasses import dataclass, field
from typing import Collection, Iterable, Sequence

from attrib.article import Article
import numpy as np

from attrib.core import dates
from attrib.core.align import AlignParams, align_noted, coverage
from attrib.core.normalise import token_columns
from attrib.core.lineage import (
    LineageParams, QueryWords, SourceWords, copy_group, dominator, fewest_additions, own_additions, quotes_only,
    wording,
)
from attrib.core.outlets import OutletMatcher
from attrib.core.quotes import (
    QuoteFinding, QuoteOccurrence, extract_quotes, find_credits, interview_source, interviewers, judge_quote,
    quote_similarity, reports_speech, same_interview, speech_spans, with_interview_credit,
)
from attrib.documents import Document, prepare, quote_grams
from attrib.errors import InputError, StoreError
from attrib.report import Relation, Report, SourceMatch, Verdict
from attrib.store.base import CASCADE_EVIDENCE, MAX_QUERY_TERMS, Candidate, Store, idf


@dataclass(frozen=True)
class CheckOptions:
    """Thresholds and policies of a check.

    ``candidates``: how many retrieved articles are aligned at most; of those, only the
    ones whose retrieval score is at least ``relative_score`` times the best one's (a
    candidate with a fifth of the best one's shared evidence rarely holds a passage the
    best does not, and alignment is the costly stage) and that share at least
    ``min_evidence`` fingerprints' worth of evidence, counted in fingerprints no other
    stored article has (the score floor is ``min_evidence * idf(df=1)``, so it means the
    same in an archive of a thousand articles and of a million; it counts fingerprints
    and bands, not the content-word pairs that also rank candidates). One or two shared
    word 5-grams are what any two stories on one topic have ("the central bank said
    on"); aligning such candidates costs most of a scan's time and finds only topical
    look-alikes. When no candidate clears the floor, the best ``rescue`` candidates are
    aligned all the same (a heavy rewrite shares too little exact wording to clear it),
    provided the best scores at least ``rescue_margin`` times the next one: topical
    look-alikes score alike, a source stands apart.
    ``cascade``: retrieval's second stage (BM25 over the full text for the rarest words of
    each passage of the query, an article scoring its best passage) runs when the first stage's best candidate has less than this many
    fingerprints' worth of evidence, counted as ``min_evidence`` is (the default,
    :data:`~attrib.store.base.CASCADE_EVIDENCE`, is the measured threshold; 0: never). It
    can rank a summary's source first; below the evidence floor, such a candidate is
    aligned only as a rescue. Most checks of an archive find no source and pay the second
    query when they have more than 64 content words: a scan of all of Reuters took 1.19
    times as long as with 0.
    ``min_coverage``: the
    fraction of the query a candidate's passages must cover to count as a source.
    ``allowlist``: outlets whose reuse is licensed (wires, syndication partners).
    ``quotes``: also judge the article's quotes. ``lineage``: the evidence that tells the
    text an article was copied from from its siblings (:mod:`attrib.core.lineage`).
    """

    candidates: int = 10
    relative_score: float = 0.2
    min_evidence: float = 2.0
    rescue: int = 1
    rescue_margin: float = 1.5
    cascade: float = CASCADE_EVIDENCE
    min_coverage: float = 0.02
    allowlist: frozenset[str] = frozenset()
    quotes: bool = True
    align: AlignParams = field(default_factory=AlignParams)
    lineage: LineageParams = field(default_factory=LineageParams)

    def __post_init__(self) -> None:
        if self.candidates < 1:
            raise InputError("candidates must be at least 1", field="candidates")
        if not 0.0 <= self.relative_score <= 1.0:
            raise InputError("relative_score must be between 0 and 1", field="relative_score")
        if not 0.0 <= self.min_evidence <= MAX_QUERY_TERMS:
            raise InputError(f"min_evidence must be between 0 and {MAX_QUERY_TERMS}", field="min_evidence")
        if self.rescue < 0:
            raise InputError("rescue must be 0 or more", field="rescue")
        if self.rescue_margin < 1.0:
            raise InputError("rescue_margin must be at least 1", field="rescue_margin")
        if self.cascade < 0:
            raise InputError("cascade must be 0 or more", field="cascade")
        if not 0.0 <= self.min_coverage <= 1.0:
            raise InputError("min_coverage must be between 0 and 1", field="min_coverage")


# -- stages -----------------------------------------------------------------------


def retrieve(store: Store, document: Document, options: CheckOptions, stored: int, exclude: Collection[str] = ()) -> list[Candidate]:
    """Candidate sources by IDF-weighted fingerprints; never the article itself, nor ``exclude``.

    ``stored`` is the number of articles in the store, which scales the evidence floor.
    """
    ranked = store.candidates(document, limit=options.candidates, exclude=[document.id, *exclude], cascade=options.cascade or None)
    if not ranked:
        return []
    floor = options.relative_score * ranked[0].score
    evidence_floor = options.min_evidence * idf(1, stored)
    kept = [c for c in ranked if c.score >= floor and (c.score if c.evidence is None else c.evidence) >= evidence_floor]
    # A heavy rewrite or a summary shares little exact wording with its source, so its
    # source may fall below the floor; when nothing clears it, the best candidates are
    # aligned anyway and the aligner decides.
    if kept or (len(ranked) > 1 and ranked[0].score < options.rescue_margin * ranked[1].score):
        return kept  # topical look-alikes score alike; a source below the floor stands apart
    return ranked[: options.rescue]


def is_same_article(article: Article, stored: Article) -> bool:
    """Whether ``stored`` is ``article`` itself under another id (the same file given by
    another path, or standard input): exactly the same text, and no outlet, URL or date
    that says otherwise. A verbatim copy another outlet published stays a source."""
    if stored.text != article.text:
        return False
    return all(a is None or b is None or a == b for a, b in (
        (article.outlet, stored.outlet), (article.url, stored.url), (article.published_at, stored.published_at)))


def align_candidates(article: Article, sources: Iterable[tuple[Candidate, Article]], options: CheckOptions) -> list[SourceMatch]:
    """Align the article against each candidate; keep those whose passages cover enough of it."""
    matches: list[SourceMatch] = []
    for candidate, source in sources:
        passages, notes = align_noted(article.text, source.text, options.align)
        for note in notes:
            _log.warning("attrib: %s against %s: %s", article.id, source.id, note)
        if not passages:
            continue
        query_cov = coverage(passages, len(article.text), "query")
        if query_cov < options.min_coverage:
            continue
        matches.append(
            SourceMatch(
                article=source,
                retrieval_score=candidate.score,
                passages=tuple(passages),
                query_coverage=query_cov,
                source_coverage=coverage(passages, len(source.text), "source"),
            )
        )
    matches.sort(key=lambda m: (-m.query_coverage, m.article.id))
    return matches


def _same_outlet(a: str | None, b: str | None, outlets: OutletMatcher) -> bool:
    if not a or not b:
        return False
    ka, kb = outlets.canonical(a) or a.casefold().strip(), outlets.canonical(b) or b.casefold().strip()
    return ka == kb


def _licensed(outlet: str | None, article: Article, allowlist: Collection[str], outlets: OutletMatcher) -> bool:
    if _same_outlet(outlet, article.outlet, outlets):
        return True
    return any(_same_outlet(outlet, allowed, outlets) for allowed in allowlist)


def _credits_another(source: Article, outlets: OutletMatcher) -> bool:
    """Whether ``source`` credits an outlet other than its own ("as reported by the
    BBC"): it says it carries what it took from elsewhere."""
    return any(not _same_outlet(name, source.outlet, outlets) for name, _, _ in find_credits(source.text, outlets))


def choose_original(article: Article, matches: list[SourceMatch], options: CheckOptions, outlets: OutletMatcher,
                    as_of: datetime | None = None) -> tuple[SourceMatch | None, list[SourceMatch]]:
    """Name the likely original and give every match its relation to the article.

    Evidence first, dates second (:mod:`attrib.core.lineage`). A match that another
    match dominates (shares clearly more of the same part's exact wording) is a
    sibling, rewrite or child, not the source. Of the rest, the one sharing the most
    exact wording and those sharing about as much over the same part are copies of one
    text; a match whose word-for-word overlap with the article is mostly quoted speech,
    with little running text, is a story quoting the same speech, not a copy, and is
    not named. Of those, a copy with clearly more words of its own inside the shared part
    (words neither the article nor any other match has) added to the text and is not
    it. Among the rest dates decide: the earliest that is not published after the
    article (``as_of``: its date, or now for an undated article) is the original; where
    dates cannot tell, a copy that credits another outlet for what it carries comes
    after one that credits none.
    A same-outlet or allowlisted copy is named only when it certainly came before every
    third-party copy, so that licensed siblings cannot hide the text they both took.
    When the closest text was published after the article, it cannot be the source: an
    earlier copy of the same text is named only when its date certainly precedes the
    article's. Matches published after ``as_of`` are ``later``; other matches over the
    original's part are ``also_seen``; matches of another part are further ``source``s.
    """
    when = as_of if as_of is not None else article.published_at
    if not matches:
        return None, []
    quoted = [(q.start, q.end) for q in extract_quotes(article.text, outlets, fragments="all")]
    query = QueryWords.of(article.text, options.lineage, quoted)
    words = [SourceWords.of(m.article.text, options.lineage) for m in matches]
    texts = [wording(query, words[i], [(p.query_start, p.query_end) for p in m.passages], options.lineage)
             for i, m in enumerate(matches)]
    published = [m.article.published_at for m in matches]
    is_later = [dates.later(t, when) for t in published]
    licensed = [_licensed(m.article.outlet, article, options.allowlist, outlets) for m in matches]
    dominated_by = [dominator(i, texts, options.lineage) for i in range(len(matches))]
    strength = lambda i: (-texts[i].shared, -matches[i].query_coverage, matches[i].article.id)  # noqa: E731
    speech_hashes: list[np.ndarray] = []

    def speech() -> np.ndarray:
        """The word k-grams that the matching texts carry as speech (quoted, or reported)."""
        if not speech_hashes:
            speech_hashes.extend(w.hashes_within(speech_spans(m.article.text, outlets)) for w, m in zip(words, matches))
        return np.concatenate(speech_hashes)

    direct = sorted((i for i, d in enumerate(dominated_by)
                     if d is None and not quotes_only(query, texts[i], speech, options.lineage)), key=strength)
    original: int | None = None
    region: np.ndarray | None = None
    if direct:
        best = direct[0]
        region = texts[best].claimed
        group = copy_group(best, direct, texts, options.lineage)
        eligible = [i for i in group if not is_later[i]]
        top_eligible = max((texts[i].shared for i in eligible), default=-1)
        if any(is_later[i] and texts[i].shared >= top_eligible for i in group):
            certain = [
                i for i in range(len(matches))
                if dates.later(when, published[i])
                and int((texts[i].claimed & region).sum()) >= 0.8 * int(region.sum())
                and (i in group or (dominated_by[i] in group and is_later[dominated_by[i]]))
            ]
            original = min(certain, key=strength) if certain else None
        elif eligible:
            if len(eligible) > 1:
                additions = {
                    i: own_additions(words[i], [(p.source_start, p.source_end) for p in matches[i].passages], query,
                                     [w for j, w in enumerate(words) if j != i], options.lineage)
                    for i in eligible
                }
                eligible = fewest_additions(eligible, additions, options.lineage)
            third_party = [i for i in eligible if not licensed[i]]
            eligible = [
                i for i in eligible
                if not licensed[i] or all(dates.later(published[j], published[i]) for j in third_party)
            ] or eligible
            # Of copies that dates cannot order, one that says it took the text from
            # another outlet is a pickup; one that credits none may be the text itself.
            credits_another = {i: len(eligible) > 1 and _credits_another(matches[i].article, outlets) for i in eligible}
            original = min(eligible, key=lambda i: (dates.sort_key(published[i]), credits_another[i], strength(i)))
    result: list[SourceMatch] = []
    also: list[SourceMatch] = []
    sources: list[SourceMatch] = []
    later_ones: list[SourceMatch] = []
    for i in sorted(range(len(matches)), key=strength):
        match = matches[i].with_(licensed=licensed[i])
        if i == original:
            result.append(match.with_(relation=Relation.ORIGINAL))
        elif is_later[i]:
            later_ones.append(match.with_(relation=Relation.LATER))
        elif region is not None and int((texts[i].claimed & region).sum()) >= 0.5 * max(1, int(texts[i].claimed.sum())):
            also.append(match.with_(relation=Relation.ALSO_SEEN))
        else:
            sources.append(match.with_(relation=Relation.SOURCE))
    result += also + sources + later_ones
    return (result[0] if original is not None else None), result


def _taken_occurrences(quote, match: SourceMatch, occurrences: Sequence[QuoteOccurrence],
                       tokens: dict | None = None) -> list[QuoteOccurrence]:
    """The quote's occurrences in the part of ``match`` that a passage holding the quote
    was taken from: a quote of the source there, or the same words unquoted (a copy
    may put the source's reporting between quotation marks)."""
    found: list[QuoteOccurrence] = []
    for p in match.passages:
        if not (p.query_start <= quote.start and quote.end <= p.query_end):
            continue
        quoted = [o for o in occurrences
                  if p.source_start <= o.start and o.end <= p.source_end and quote_similarity(quote.text, o.quote_text) >= 0.6]
        if quoted:
            found += quoted
            continue
        words = token_columns(quote.text)[0]
        if len(words) < 3:
            continue
        source = match.article
        key = (source.id, p.source_start, p.source_end)
        if tokens is None or key not in tokens:
            columns = token_columns(source.text[p.source_start:p.source_end])
            if tokens is None:
                tokens = {}
            tokens[key] = columns
        src_words, src_starts, src_ends = tokens[key]
        n = len(words)
        for i in range(len(src_words) - n + 1):
            if src_words[i:i + n] == words:
                start, end = p.source_start + src_starts[i], p.source_start + src_ends[i + n - 1]
                if not reports_speech(source.text, start, end):
                    break  # the source's own text (a statement, a release), not speech it reports
                # Speech the source reported in its own words, which the article put
                # between quotation marks: the source owns them as it owns its interviews.
                found.append(QuoteOccurrence(
                    article_id=source.id, outlet=source.outlet, published_at=source.published_at,
                    quote_text=source.text[start:end], start=start, end=end, interview=True,
                ))
                break
    return found


def judge_quotes(article: Article, store: Store, matches: Sequence[SourceMatch], outlets: OutletMatcher,
                 as_of: datetime | None = None) -> list[QuoteFinding]:
    """Find each quote's earlier occurrences (in the index and in the aligned sources) and judge it.

    A quote inside a passage the article took from an original or source of another
    outlet is judged with that occurrence as ``taken_from`` evidence, so it is flagged
    when the article does not credit that outlet, even when the source has no date.
    ``as_of`` stands in for the article's date when it has none (a check as of now).
    """
    findings: list[QuoteFinding] = []
    aligned_quotes: list[QuoteOccurrence] = []
    by_match: list[tuple[SourceMatch, list[QuoteOccurrence]]] = []
    for match in matches:
        source = match.article
        named = interviewers(source.text)
        interviewer = next(iter(named)) if len(named) == 1 else None  # one interview, one interviewer
        found_here = [
            QuoteOccurrence(
                article_id=source.id, outlet=source.outlet, published_at=source.published_at,
                quote_text=quote.text, start=quote.start, end=quote.end,
                credited_outlet=quote.outlet, cue=quote.cue, interview=quote.interview,
                interviewer=interviewer if quote.interview else None,
            )
            for quote in with_interview_credit(extract_quotes(source.text, outlets, fragments="all"), source.text, outlets)
        ]
        aligned_quotes += found_here
        if match.relation in (Relation.ORIGINAL, Relation.SOURCE):
            by_match.append((match, found_here))
    # the outlets the article credits, and the interviewers it names ("told The Sun
    # columnist Piers Morgan"): naming who conducted an interview credits it
    credits = list(dict.fromkeys([name for name, _, _ in find_credits(article.text, outlets)]
                                 + sorted(interviewers(article.text))))
    passage_tokens: dict = {}  # source passages tokenized once for all quotes
    when = article.published_at or as_of
    for quote in with_interview_credit(extract_quotes(article.text, outlets, fragments="attributed"), article.text, outlets):
        found = store.find_quotes(quote_grams(quote.text, store.params.seed), exclude=[article.id])
        known = {(o.article_id, o.start) for o in found}
        found += [o for o in aligned_quotes if (o.article_id, o.start) not in known and quote_similarity(quote.text, o.quote_text) > 0]
        taken = [o for match, occurrences in by_match for o in _taken_occurrences(quote, match, occurrences, passage_tokens)]
        findings.append(judge_quote(quote, article.outlet, when, found, article_id=article.id,
                                    passage_credits=credits, outlets=outlets, taken_from=taken))
    return same_interview(findings)


def name_interview_source(findings: Sequence[QuoteFinding], matches: Sequence[SourceMatch],
                          store: Store) -> tuple[SourceMatch | None, list[SourceMatch]]:
    """When no text is the article's original, the stored article its interview quotes
    were first published in (:func:`~attrib.core.quotes.interview_source`), as the
    original of an article built on quotes, with the matches re-ordered after it; else
    None and the matches as they were. A stored article that shares no passage is listed
    without passages."""
    origin = interview_source(findings)
    if origin is None:
        return None, list(matches)
    found = next((m for m in matches if m.article.id == origin.article_id), None)
    if found is None:
        stored = store.get([origin.article_id]).get(origin.article_id)
        if stored is None:  # removed since its quote was found
            return None, list(matches)
        found = SourceMatch(article=stored, retrieval_score=0.0, passages=(), query_coverage=0.0, source_coverage=0.0)
    original = found.with_(relation=Relation.ORIGINAL)
    return original, [original, *(m for m in matches if m is not found)]


# -- the pipeline -------------------------------------------------------------------

_log = logging.getLogger("attrib")

QUOTE_PAIR_CHARS = 20_000_000_000
"""The most article characters times source characters whose quotes :func:`check` compares
one with another: the quotes of a million-character article and of a million-character
source (about 1,300 each) make 1.7 million pairs, a minute or more. Past it, the
article's quotes are looked up in the index only."""


def check(article: Article, store: Store, options: CheckOptions = CheckOptions()) -> Report:
    """Check ``article`` against ``store``: its likely original, copied passages and quotes."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round((now - clock) * 1000, 2)
        clock = now

    # An undated article is checked as of now: everything stored before this moment
    # may be its source, and its quotes are judged against what was published so far.
    as_of = article.published_at or datetime.now(timezone.utc)
    params = store.init()
    archive_size = store.count()
    if archive_size == 0:
        raise StoreError("the store holds no articles yet: index an archive first (attrib index PATH)")
    document = prepare(article, params, quotes=False, words=True)
    lap("fingerprint")
    candidates = retrieve(store, document, options, archive_size)
    lap("candidates")
    stored = store.get([c.id for c in candidates])
    itself = [i for i, source in stored.items() if is_same_article(article, source)]
    if itself:  # it would set the score floors that decide the other candidates: retrieve again without it
        candidates = retrieve(store, document, options, archive_size, exclude=itself)
        stored = store.get([c.id for c in candidates])
    lap("fetch")
    matches = align_candidates(article, ((c, stored[c.id]) for c in candidates if c.id in stored), options)
    lap("align")
    outlets = OutletMatcher.default().with_names(a for a in (article.outlet, *(m.article.outlet for m in matches)) if a)
    original, matches = choose_original(article, matches, options, outlets, as_of)
    lap("originality")
    quoted = [m for m in matches if m.relation is not Relation.LATER]
    if options.quotes and len(article.text) * sum(len(m.article.text) for m in quoted) > QUOTE_PAIR_CHARS:
        _log.warning("attrib: %s: quotes judged against the index only: the article and its sources are too long "
                     "to compare each quote of one with each quote of the others", article.id)
        quoted = []
    findings = judge_quotes(article, store, quoted, outlets, as_of) if options.quotes else []
    lap("quotes")
    if original is None:
        original, matches = name_interview_source(findings, matches, store)
        verdict = Verdict.NO_SOURCE if original is None else Verdict.QUOTED
    elif original.licensed:
        verdict = Verdict.LICENSED_REUSE
    else:
        verdict = Verdict.COPIED
    return Report(
        article=article,
        verdict=verdict,
        original=original,
        sources=tuple(matches),
        quotes=tuple(findings),
        params=params,
        candidates_checked=len(candidates),
        timings_ms=timings,
    )
