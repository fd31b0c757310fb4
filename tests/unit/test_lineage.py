"""Which matching text is the original: evidence first, dates only among true copies.

Built from small synthetic stories (made-up words, so that only the copying decides
what two texts share), aligned by the real aligner.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import numpy as np

from attrib.article import Article
from attrib.core.dates import parse_published
from attrib.core.lineage import (
    LineageParams, QueryWords, SourceWords, copy_group, dominator, fewest_additions, own_additions, wording,
)
from attrib.core.outlets import OutletMatcher
from attrib.detect import CheckOptions, align_candidates, choose_original
from attrib.report import Relation
from attrib.store.base import Candidate

T = datetime(2024, 10, 22, 12, tzinfo=timezone.utc)
OUTLETS = OutletMatcher.default()
_SYLLABLES = ["ka", "lo", "mi", "ter", "vos", "pra", "dun", "shi", "gel", "bor", "nix", "qua", "ren", "tu", "zal"]


def _vocabulary(seed: int, size: int = 600) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_SYLLABLES) for _ in range(3)) for _ in range(size)]


def _story(seed: int, sentences: int = 14, words: int = 14) -> list[list[str]]:
    rng = random.Random(seed)
    vocab = _vocabulary(seed)
    return [[rng.choice(vocab) for _ in range(words)] for _ in range(sentences)]


def _text(story: list[list[str]]) -> str:
    return " ".join(" ".join(s).capitalize() + "." for s in story)


def _edit(story: list[list[str]], every: int, seed: int) -> list[list[str]]:
    """A sibling's own edits: every ``every``-th word replaced."""
    vocab = _vocabulary(seed + 1000)
    rng = random.Random(seed)
    return [[rng.choice(vocab) if (i + j) % every == 0 else w for j, w in enumerate(s)] for i, s in enumerate(story)]


def _article(article_id: str, story, published=None, outlet=None) -> Article:
    return Article(id=article_id, text=_text(story), published_at=published, outlet=outlet or article_id)


def _decide(query: Article, *sources: Article, options: CheckOptions = CheckOptions()):
    matches = align_candidates(query, [(Candidate(s.id, 1.0), s) for s in sources], options)
    return choose_original(query, matches, options, OUTLETS)


BASE = _story(1)


def test_a_sibling_with_its_own_edits_is_not_the_original_even_when_dated():
    query = _article("query", BASE, outlet="Daily")
    original = _article("release", BASE)  # undated, word for word what the query carries
    sibling = _article("sibling", _edit(BASE, 4, seed=7), published=T - timedelta(days=2))
    named, ranked = _decide(query, sibling, original)
    assert named is not None and named.article.id == "release"
    assert {m.article.id: m.relation for m in ranked}["sibling"] is Relation.ALSO_SEEN


def test_dates_order_true_copies_of_one_text():
    query = _article("query", BASE, published=T, outlet="Daily")
    early = _article("early", BASE, published=T - timedelta(days=3))
    late = _article("late", BASE, published=T - timedelta(hours=1))
    named, ranked = _decide(query, late, early)
    assert named.article.id == "early"
    assert {m.article.id: m.relation for m in ranked} == {"early": Relation.ORIGINAL, "late": Relation.ALSO_SEEN}


def test_when_the_closest_text_is_later_a_same_day_sibling_is_not_named():
    query = _article("query", BASE, published=T, outlet="Daily")
    later_copy = _article("later-copy", BASE, published=T + timedelta(days=1))
    # dated by day only: it may have come after the query that same day
    sibling = _article("sibling", _edit(BASE, 4, seed=3), published=parse_published("2024-10-22"))
    named, ranked = _decide(query, sibling, later_copy)
    assert named is None
    relations = {m.article.id: m.relation for m in ranked}
    assert relations["later-copy"] is Relation.LATER


def test_when_the_closest_text_is_later_an_earlier_copy_is_named():
    query = _article("query", BASE, published=T, outlet="Daily")
    later_copy = _article("later-copy", BASE, published=T + timedelta(days=90))
    earlier_copy = _article("earlier-copy", _edit(BASE, 4, seed=3), published=T - timedelta(days=1))
    named, _ = _decide(query, earlier_copy, later_copy)
    assert named is not None and named.article.id == "earlier-copy"


def test_a_near_verbatim_source_beats_a_broad_paraphrase():
    part = BASE[:7]
    own = _story(2)[:7]
    query = _article("query", part + own, outlet="Daily")
    source = _article("source", part)
    broad = _article("broad", _edit(part, 2, seed=5) + _edit(own, 2, seed=6), published=T - timedelta(days=5))
    named, ranked = _decide(query, broad, source)
    assert named.article.id == "source"


def test_a_licensed_sibling_does_not_hide_the_third_party_text():
    query = _article("query", BASE, outlet="Daily")
    own_outlet = _article("daily-earlier", BASE, published=T - timedelta(days=1), outlet="Daily")
    wire = _article("wire", BASE, outlet="Reuters")
    named, _ = _decide(query, own_outlet, wire)
    assert named.article.id == "wire" and not named.licensed
    # the outlet's own earlier text is named (licensed) when it certainly came first
    dated_wire = _article("wire", BASE, published=T, outlet="Reuters")
    named, _ = _decide(query, own_outlet, dated_wire)
    assert named.article.id == "daily-earlier" and named.licensed


def test_a_copy_that_added_its_own_lines_inside_the_text_is_not_the_original():
    """A statement carried whole by the query, by the statement's own page (undated),
    and by a dated pickup that put its own lines between the statement's paragraphs:
    the pickup shares as much of the query's wording, and is dated, but its own lines
    are in no other text, so it is a copy that added to the statement."""
    statement = BASE[:10]
    query = _article("query", _story(3)[:2] + statement, outlet="Daily")
    page = _article("statement-page", statement + _story(4)[:2], outlet="Company")
    pickup = _article("pickup", statement[:5] + _story(5)[:3] + statement[5:],
                      published=T - timedelta(days=1), outlet="Tribune")
    named, ranked = _decide(query, pickup, page)
    assert named is not None and named.article.id == "statement-page"
    assert {m.article.id: m.relation for m in ranked}["pickup"] is Relation.ALSO_SEEN
    # without the added lines, the pickup is a copy like any other and its date counts
    clean = _article("pickup", statement, published=T - timedelta(days=1), outlet="Tribune")
    named, _ = _decide(query, clean, page)
    assert named.article.id == "pickup"


def test_own_additions_count_only_words_no_other_text_has():
    statement = BASE[:8]
    query = QueryWords.of(_text(statement))
    added = _text(statement[:4] + _story(6)[:4] + statement[4:])
    other = SourceWords.of(_text(_story(6)[:4]))
    spans = [(0, len(added))]
    alone = own_additions(SourceWords.of(added), spans, query, [])
    assert abs(alone - 4 / 12) < 0.05  # four added sentences of the twelve in the span
    assert own_additions(SourceWords.of(added), spans, query, [other]) == 0.0  # another text has them too
    assert fewest_additions([0, 1, 2], [0.0, 0.04, 0.3]) == [0, 1]


def test_of_copies_dates_cannot_order_one_that_credits_another_outlet_is_a_pickup():
    query = _article("query", BASE, outlet="Daily")
    credited = Article(id="a-blog", text="Here is the statement, as reported by the BBC: " + _text(BASE), outlet="blog.example")
    plain = _article("z-page", BASE, outlet="page.example")
    named, _ = _decide(query, credited, plain)
    assert named.article.id == "z-page"
    # a credit of its own outlet says nothing
    own = Article(id="a-blog", text="Here is the statement, as reported by the BBC: " + _text(BASE), outlet="bbc.co.uk")
    named, _ = _decide(query, own, plain)
    assert named.article.id == "a-blog"


def test_a_story_that_shares_only_quoted_words_is_not_named():
    """Two stories quoting one speech share the quoted words, not running text."""
    speech = [" ".join(sentence) for sentence in _story(8)[:4]]
    quotes = " ".join(f'"{line}," the minister said.' for line in speech)
    theirs = " ".join(f'She told reporters: "{line}."' for line in speech)
    query = Article(id="query", text=_text(_story(9)[:5]) + " " + quotes + " " + _text(_story(10)[:3]), outlet="Daily")
    other = Article(id="other", text=_text(_story(11)[:5]) + " " + theirs + " " + _text(_story(12)[:3]),
                    published_at=T - timedelta(days=1), outlet="Tribune")
    matches = align_candidates(query, [(Candidate("other", 1.0), other)], CheckOptions())
    assert matches, "the shared quotes align"
    named, ranked = choose_original(query, matches, CheckOptions(), OUTLETS)
    assert named is None
    assert [m.relation for m in ranked] == [Relation.SOURCE]
    # the same words as running text (no quotation marks) make it a copy
    plain = " ".join(f"{line}, the minister said." for line in speech)
    query = Article(id="query", text=query.text.replace(quotes, plain), outlet="Daily")
    other = Article(id="other", text=other.text.replace(theirs, plain), published_at=other.published_at, outlet="Tribune")
    matches = align_candidates(query, [(Candidate("other", 1.0), other)], CheckOptions())
    named, _ = choose_original(query, matches, CheckOptions(), OUTLETS)
    assert named is not None and named.article.id == "other"
    # the query quotes a statement that the source carries as its own running text:
    # the source is the statement, and it is named
    quoting = Article(id="query", text=_text(_story(9)[:5]) + " " + quotes + " " + _text(_story(10)[:3]), outlet="Daily")
    statement = Article(id="statement", text=" ".join(f"{line}." for line in speech) + " " + _text(_story(13)[:3]),
                        outlet="Company")
    matches = align_candidates(quoting, [(Candidate("statement", 1.0), statement)], CheckOptions())
    named, _ = choose_original(quoting, matches, CheckOptions(), OUTLETS)
    assert named is not None and named.article.id == "statement"


def test_a_month_only_date_is_not_later_than_a_day_within_it():
    query = Article(id="query", text=_text(BASE), published_at=datetime(2023, 7, 14, tzinfo=timezone.utc), outlet="Daily")
    source = Article.from_dict({"id": "monthly", "text": _text(BASE), "published_at": "2023-07", "outlet": "Weekly"})
    named, ranked = _decide(query, source)
    assert named is not None and named.article.id == "monthly"
    next_month = Article.from_dict({"id": "next", "text": _text(BASE), "published_at": "2023-08", "outlet": "Weekly"})
    named, ranked = _decide(query, next_month)
    assert named is None and ranked[0].relation is Relation.LATER


def test_dominance_needs_a_clearly_closer_near_verbatim_text():
    query = QueryWords.of(_text(BASE))
    n = query.n
    claimed = np.ones(n, dtype=bool)
    close = wording(query, _text(BASE), [(0, len(_text(BASE)))])
    edited = wording(query, _text(_edit(BASE, 3, seed=9)), [(0, len(_text(BASE)))])
    assert close.shared == n and edited.shared < 0.5 * n
    assert dominator(1, [close, edited]) == 0
    assert dominator(0, [close, edited]) is None
    # two texts equally close: neither dominates, both are copies of one text
    twin = wording(query, _text(BASE), [(0, len(_text(BASE)))])
    assert dominator(0, [close, twin]) is None and copy_group(0, [0, 1], [close, twin]) == [0, 1]
    assert claimed.sum() == n
    # a small shared part is not enough to decide anything
    tiny = LineageParams(min_overlap_words=n + 1)
    assert dominator(1, [close, edited], tiny) is None


def test_allowlisted_reuse_is_licensed():
    query = _article("query", BASE, published=T, outlet="Daily")
    wire = _article("wire", BASE, published=T - timedelta(days=1), outlet="Reuters")
    assert not _decide(query, wire)[0].licensed
    named, _ = _decide(query, wire, options=CheckOptions(allowlist=frozenset({"reuters"})))
    assert named.licensed


def test_a_rewrite_below_the_evidence_floor_is_still_aligned_and_named(tmp_path):
    from attrib.detect import check, retrieve
    from attrib.documents import prepare
    from attrib.indexing import index_articles
    from attrib.store import EmbeddedStore

    source = _article("source", BASE, outlet="Wire")
    # every third word changed, so hardly a 5-gram survives: one phrase of the lead only
    edited = _edit(BASE, 3, seed=11)
    edited[0] = BASE[0][:6] + edited[0][6:]
    rewrite = _article("rewrite", edited, outlet="Daily")
    store = EmbeddedStore(tmp_path / "attrib.db")
    try:
        index_articles(store, [source, *(_article(f"other-{i}", _story(100 + i)) for i in range(5))])
        params = store.init()
        strict = CheckOptions(rescue=0)
        assert retrieve(store, prepare(rewrite, params, quotes=False), strict, store.count()) == []
        assert check(rewrite, store, strict).original is None
        report = check(rewrite, store)
        assert report.original is not None and report.original.article.id == "source"
    finally:
        store.close()
