"""The check pipeline: article -> candidates -> passages -> original -> quotes -> Report.

Each stage is a function of its own (:func:`retrieve`, :func:`align_candidates`,
:func:`choose_original`, :func:`judge_quotes`) so it can be tested alone;
:func:`check` runs them in order against a store.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Collection, Iterable, Sequence

from attrib.article import Article
from attrib.core.align import AlignParams, Passage, align, coverage
from attrib.core.align import align_noted
from attrib.core.outlets import OutletMatcher
from attrib.core.quotes import QuoteFinding, QuoteOccurrence, extract_quotes, judge_quote, quote_similarity
from attrib.documents import Document, prepare, quote_grams
from attrib.errors import InputError, StoreError
from attrib.report import Relation, Report, SourceMatch, Verdict
from attrib.store.base import MAX_QUERY_TERMS, Candidate, Store, idf


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
    look-alikes. ``min_coverage``: the
    fraction of the query a candidate's passages must cover to count as a source.
    ``copy_ratio``: a candidate covering at least this fraction of the best source's
    coverage, over the same part of the query, is another copy of the same text (the
    earliest of them is the original). ``allowlist``: outlets whose reuse is licensed
    (wires, syndication partners). ``quotes``: also judge the article's quotes.
    """

    candidates: int = 10
    relative_score: float = 0.2
    min_evidence: float = 2.0
    min_coverage: float = 0.02
    copy_ratio: float = 0.5
    allowlist: frozenset[str] = frozenset()
    quotes: bool = True
    align: AlignParams = field(default_factory=AlignParams)

    def __post_init__(self) -> None:
        if self.candidates < 1:
            raise InputError("candidates must be at least 1", field="candidates")
        if not 0.0 <= self.relative_score <= 1.0:
            raise InputError("relative_score must be between 0 and 1", field="relative_score")
        if not 0.0 <= self.min_evidence <= MAX_QUERY_TERMS:
            raise InputError(f"min_evidence must be between 0 and {MAX_QUERY_TERMS}", field="min_evidence")
        if not 0.0 <= self.min_coverage <= 1.0:
            raise InputError("min_coverage must be between 0 and 1", field="min_coverage")
        if not 0.0 < self.copy_ratio <= 1.0:
            raise InputError("copy_ratio must be in (0, 1]", field="copy_ratio")


# -- stages -----------------------------------------------------------------------


def retrieve(store: Store, document: Document, options: CheckOptions, stored: int) -> list[Candidate]:
    """Candidate sources by IDF-weighted fingerprints; never the article itself.

    ``stored`` is the number of articles in the store, which scales the evidence floor.
    """
    ranked = store.candidates(document, limit=options.candidates, exclude=[document.id])
    if not ranked:
        return []
    floor = options.relative_score * ranked[0].score
    evidence_floor = options.min_evidence * idf(1, stored)
    return [c for c in ranked if c.score >= floor and (c.score if c.evidence is None else c.evidence) >= evidence_floor]


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


def _covered(passages: Sequence[Passage]) -> set[int]:
    covered: set[int] = set()
    for p in passages:
        covered.update(range(p.query_start, p.query_end))
    return covered


def choose_original(article: Article, matches: list[SourceMatch], options: CheckOptions, outlets: OutletMatcher) -> tuple[SourceMatch | None, list[SourceMatch]]:
    """Name the likely original and give every match its relation to the article.

    A match published after the article cannot be its source (``later``). Among the
    rest, the best-covering match and every match that covers a comparable share of the
    same part of the article are copies of one text: the earliest published of them is
    the original, the others are ``also_seen``. Other matches that cover a different part
    are further ``source``s. Same-outlet and allowlisted matches are marked licensed.
    """
    ranked: list[SourceMatch] = []
    eligible: list[SourceMatch] = []
    for match in matches:
        licensed = _licensed(match.article.outlet, article, options.allowlist, outlets)
        later = (
            article.published_at is not None
            and match.article.published_at is not None
            and match.article.published_at > article.published_at
        )
        match = match.with_(relation=Relation.LATER if later else Relation.SOURCE, licensed=licensed)
        (ranked if later else eligible).append(match)
    if not eligible:
        return None, ranked
    best = eligible[0]
    best_cover = _covered(best.passages)
    group: list[SourceMatch] = []
    others: list[SourceMatch] = []
    for match in eligible:
        cover = _covered(match.passages)
        overlap = len(cover & best_cover) / max(1, len(cover))
        if match.query_coverage >= options.copy_ratio * best.query_coverage and overlap >= 0.5:
            group.append(match)
        else:
            others.append(match)
    far_future = 1e18
    group.sort(
        key=lambda m: (
            m.article.published_at.timestamp() if m.article.published_at else far_future,
            -m.query_coverage,
            m.article.id,
        )
    )
    original = group[0].with_(relation=Relation.ORIGINAL)
    result = [original] + [m.with_(relation=Relation.ALSO_SEEN) for m in group[1:]] + others + ranked
    return original, result


def judge_quotes(article: Article, store: Store, matches: Sequence[SourceMatch], outlets: OutletMatcher) -> list[QuoteFinding]:
    """Find each quote's earlier occurrences (in the index and in the aligned sources) and judge it."""
    findings: list[QuoteFinding] = []
    aligned_quotes: list[QuoteOccurrence] = []
    for match in matches:
        source = match.article
        for quote in extract_quotes(source.text, outlets):
            aligned_quotes.append(
                QuoteOccurrence(
                    article_id=source.id, outlet=source.outlet, published_at=source.published_at,
                    quote_text=quote.text, start=quote.start, end=quote.end,
                    credited_outlet=quote.outlet, cue=quote.cue, interview=quote.interview,
                )
            )
    for quote in extract_quotes(article.text, outlets):
        found = store.find_quotes(quote_grams(quote.text, store.params.seed), exclude=[article.id])
        known = {(o.article_id, o.start) for o in found}
        found += [o for o in aligned_quotes if (o.article_id, o.start) not in known and quote_similarity(quote.text, o.quote_text) > 0]
        findings.append(judge_quote(quote, article.outlet, article.published_at, found))
    return findings


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

    params = store.init()
    archive_size = store.count()
    if archive_size == 0:
        raise StoreError("the store holds no articles yet: index an archive first (attrib index PATH)")
    document = prepare(article, params, quotes=False)
    lap("fingerprint")
    candidates = retrieve(store, document, options, archive_size)
    lap("candidates")
    stored = store.get([c.id for c in candidates])
    lap("fetch")
    matches = align_candidates(article, ((c, stored[c.id]) for c in candidates if c.id in stored), options)
    lap("align")
    outlets = OutletMatcher.default().with_names(a for a in (article.outlet, *(m.article.outlet for m in matches)) if a)
    original, matches = choose_original(article, matches, options, outlets)
    lap("originality")
    quoted = [m for m in matches if m.relation is not Relation.LATER]
    if options.quotes and len(article.text) * sum(len(m.article.text) for m in quoted) > QUOTE_PAIR_CHARS:
        _log.warning("attrib: %s: quotes judged against the index only: the article and its sources are too long "
                     "to compare each quote of one with each quote of the others", article.id)
        quoted = []
    findings = judge_quotes(article, store, quoted, outlets) if options.quotes else []
    lap("quotes")
    if original is None:
        verdict = Verdict.NO_SOURCE
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
