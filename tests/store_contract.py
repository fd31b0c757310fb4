"""One contract for every store: the embedded store runs it in the unit tests, the
Elasticsearch store in the integration tests against a real cluster.

A subclass provides ``make_store(params=None) -> Store`` as a fixture; every store it
makes for one test shares one backing index or file.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from attrib.article import Article
from attrib.core import FingerprintParams
from attrib.documents import prepare
from attrib.errors import ParameterMismatchError
from attrib.indexing import index_articles
from attrib.store import ArticleFilter, WritePolicy, WriteStatus
from attrib.store.base import CASCADE_EVIDENCE, Attribution, SearchQuery

BBC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "bbc"
T0 = datetime(2024, 10, 22, 9, 0, tzinfo=timezone.utc)


def bbc_articles(n: int, topic: str = "business") -> list[Article]:
    files = sorted((BBC / topic).glob("*.txt"))[:n]
    articles = []
    for i, path in enumerate(files):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles.append(
            Article(id=f"{topic}-{path.stem}", text=body, title=title.strip(), outlet=f"outlet-{i % 3}", published_at=T0 + timedelta(hours=i))
        )
    return articles


class StoreContract:
    @pytest.fixture
    def make_store(self):  # pragma: no cover - provided by each store's test module
        raise NotImplementedError

    @pytest.fixture
    def store(self, make_store):
        store = make_store()
        yield store
        store.close()

    def test_init_is_idempotent_and_reports_params(self, store):
        first = store.init()
        assert first == FingerprintParams()
        assert store.init() == first
        assert store.count() == 0

    def test_written_articles_read_back_unchanged(self, store):
        articles = bbc_articles(5)
        articles[0] = Article(
            id="with-metadata", text="Zoë said “hello” — twice.\n\nA second paragraph, with 5% more.", title="T",
            outlet="Example Times", url="https://example.com/a", published_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))), lang="en",
        )
        summary = index_articles(store, articles)
        assert summary.indexed == 5 and not summary.failed
        assert store.count() == 5
        got = store.get([a.id for a in articles] + ["missing"])
        assert set(got) == {a.id for a in articles}
        for article in articles:
            back = got[article.id]
            assert back.text == article.text
            assert (back.title, back.outlet, back.url, back.lang) == (article.title, article.outlet, article.url, article.lang)
            assert back.published_at == article.published_at

    def test_indexing_twice_adds_nothing(self, store):
        articles = bbc_articles(8)
        assert index_articles(store, articles).indexed == 8
        again = index_articles(store, articles)
        assert (again.indexed, again.existing) == (0, 8)
        assert store.count() == 8

    def test_overwrite_replaces_text_and_fingerprints(self, store):
        original, other = bbc_articles(2)
        index_articles(store, [original, other])
        replaced = Article(id=original.id, text=other.text + "\nAnd one more line.", title="new")
        summary = index_articles(store, [replaced], policy=WritePolicy.OVERWRITE)
        assert summary.updated == 1 and store.count() == 2
        assert store.get([original.id])[original.id].title == "new"
        # The old fingerprints are gone (only incidental word pairs may still be shared)...
        ranked = store.candidates(prepare(Article(id="q", text=original.text), store.params), limit=5)
        assert all(c.evidence == 0 for c in ranked if c.id == original.id)
        # ...and the new ones are in place.
        ranked = store.candidates(prepare(Article(id="q", text=replaced.text), store.params), limit=5, exclude=[other.id])
        assert ranked[0].id == original.id and ranked[0].evidence > 0

    def test_same_id_with_other_text_is_a_conflict_and_left_alone(self, store):
        original, other = bbc_articles(2)
        index_articles(store, [original])
        corrected = Article(id=original.id, text=original.text + "\nCorrection: the figure was 14, not 40.", title="corrected")
        results = list(store.write([prepare(a, store.params) for a in (original, corrected, other)]))
        assert [(r.id, r.status) for r in results] == [
            (original.id, WriteStatus.EXISTS), (original.id, WriteStatus.CONFLICT), (other.id, WriteStatus.CREATED),
        ]
        assert results[1].error == "id already indexed with different text"
        kept = store.get([original.id])[original.id]
        assert (kept.text, kept.title) == (original.text, original.title)
        # Two texts under one id in one write: the first lands, the second conflicts.
        twins = [Article(id="twin", text=original.text), Article(id="twin", text=other.text)]
        assert [r.status for r in store.write([prepare(a, store.params) for a in twins])] == [WriteStatus.CREATED, WriteStatus.CONFLICT]
        assert store.get(["twin"])["twin"].text == original.text

    def test_update_replaces_only_a_changed_text(self, store):
        unchanged, corrected_one, other = bbc_articles(3)
        index_articles(store, [unchanged, corrected_one])
        retitled = Article(id=unchanged.id, text=unchanged.text, title="a new headline only")
        corrected = Article(id=corrected_one.id, text=other.text + "\nCorrection appended.", title="corrected")
        summary = index_articles(store, [retitled, corrected], policy=WritePolicy.UPDATE)
        assert (summary.indexed, summary.updated, summary.existing, summary.conflicts) == (0, 1, 1, [])
        got = store.get([unchanged.id, corrected.id])
        assert got[unchanged.id].title == unchanged.title  # same text: left alone
        assert (got[corrected.id].text, got[corrected.id].title) == (corrected.text, "corrected")
        store.refresh()
        ranked = store.candidates(prepare(Article(id="q", text=corrected.text), store.params), limit=3)
        assert ranked[0].id == corrected.id and ranked[0].evidence > 0
        assert index_articles(store, [corrected], policy=WritePolicy.UPDATE).existing == 1
        assert store.count() == 2

    def test_candidates_rank_the_source_first(self, store):
        articles = bbc_articles(40)
        index_articles(store, articles)
        source = articles[17]
        sentences = source.text.split(". ")
        copy = Article(id="copy", text="In other news today. " + ". ".join(sentences[2:6]) + ". That is all.")
        ranked = store.candidates(prepare(copy, store.params), limit=5)
        assert ranked and ranked[0].id == source.id
        assert all(a.score >= b.score for a, b in zip(ranked, ranked[1:]))

    @pytest.fixture
    def pair_store(self, make_store):
        store = make_store(FingerprintParams(pairs=3))
        yield store
        store.close()

    def test_a_shuffled_rewrite_is_found_by_its_word_pairs(self, pair_store):
        articles = bbc_articles(40)
        index_articles(pair_store, articles)
        source = articles[23]
        words = " ".join(source.text.split()[20:120]).split(" ")
        # swap every other neighbouring pair of words: no word 5-gram survives
        shuffled = Article(id="q", text=" ".join(w for i in range(0, len(words) - 1, 2) for w in (words[i + 1], words[i])))
        ranked = pair_store.candidates(prepare(shuffled, pair_store.params), limit=5)
        assert ranked[0].id == source.id
        assert ranked[0].evidence < 0.2 * ranked[0].score  # found by the pairs, not the fingerprints
        assert FingerprintParams() == FingerprintParams(pairs=0)  # ...which are opt-in

    def test_pair_scores_are_elasticsearch_bm25(self, pair_store):
        from collections import Counter

        from attrib.store.base import PAIR_WEIGHT, bm25

        articles = bbc_articles(12)
        index_articles(pair_store, articles)
        documents = {a.id: Counter(prepare(a, pair_store.params).pairs) for a in articles}
        n = len(documents)
        average = sum(sum(c.values()) for c in documents.values()) / n
        query = prepare(Article(id="q", text=articles[3].text[:400] + " " + articles[7].text[-400:]), pair_store.params)
        wanted = set(query.pairs)
        for candidate in pair_store.candidates(query, limit=12):
            counts = documents[candidate.id]
            expected = sum(
                bm25(counts[h], sum(counts.values()), average, sum(1 for c in documents.values() if h in c), n)
                for h in wanted & set(counts)
            )
            assert candidate.score - candidate.evidence == pytest.approx(PAIR_WEIGHT * expected, rel=2e-3, abs=1e-4)

    def test_candidates_exclude_ids(self, store):
        articles = bbc_articles(10)
        index_articles(store, articles)
        query = prepare(articles[3], store.params)
        assert store.candidates(query, limit=3)[0].id == articles[3].id
        assert articles[3].id not in [c.id for c in store.candidates(query, limit=10, exclude=[articles[3].id])]

    def test_rare_shared_passage_beats_shared_boilerplate(self, store):
        chrome = (
            "Connect with us. Hi, what are you looking for? Sign up for our newsletter to get the latest "
            "headlines delivered to your inbox every morning. Follow us on social media for updates. "
        )
        articles = [Article(id=f"chrome-{a.id}", text=chrome + a.text + " " + chrome) for a in bbc_articles(30)]
        source = Article(
            id="source",
            text="The Rafik Hariri University Hospital in Beirut received 14 wounded, former minister Yossi Beilin "
            "told reporters in Tel Aviv on Tuesday after the third meeting of the week.",
        )
        index_articles(store, [*articles, source])
        query = Article(
            id="query",
            text=chrome + "Officials said the Rafik Hariri University Hospital in Beirut received 14 wounded "
            "on Tuesday, according to local media. " + chrome,
        )
        ranked = store.candidates(prepare(query, store.params), limit=10)
        assert ranked[0].id == "source"

    def test_near_duplicate_found(self, store):
        articles = bbc_articles(20)
        index_articles(store, articles)
        target = articles[5]
        words = target.text.split()
        edited = " ".join(w if i % 40 else w.upper() + "s" for i, w in enumerate(words))
        ranked = store.candidates(prepare(Article(id="dup", text=edited), store.params), limit=3)
        assert ranked[0].id == target.id

    def test_unrelated_query_finds_nothing_strong(self, store):
        index_articles(store, bbc_articles(20))
        query = Article(id="q", text="Quantum chromodynamics predicts gluon confinement at low energies; lattice simulations agree.")
        assert store.candidates(prepare(query, store.params), limit=5, cascade=None) == []
        # the second stage may rank articles that share a word or two, never with fingerprint evidence
        assert all(c.evidence == 0 for c in store.candidates(prepare(query, store.params), limit=5, cascade=CASCADE_EVIDENCE))

    def test_a_summary_is_found_by_the_second_stage(self, store):
        articles = bbc_articles(40)
        index_articles(store, articles)
        source = articles[11]
        # a summary: the source's rare words, none of its word 5-grams
        rare = list(dict.fromkeys(w.strip(".,;:'\"()") for w in source.text.split() if len(w) > 5))

        def summary_of(words):
            return Article(id="q", text=" and ".join(" ".join(words[i : i + 2]) for i in range(0, len(words), 2)) + ".")

        # with no more words than the second stage queries, it cannot choose rare ones: not run
        before = store.deep_queries
        store.candidates(prepare(summary_of(rare[:40]), store.params), limit=5, cascade=CASCADE_EVIDENCE)
        assert store.deep_queries == before
        assert len(rare) > 80
        summary = summary_of(rare[:80])
        query = prepare(summary, store.params)
        assert not store.candidates(query, limit=5, cascade=None) or store.candidates(query, limit=5, cascade=None)[0].evidence < 1
        assert store.candidates(query, limit=5) == store.candidates(query, limit=5, cascade=None)  # off unless asked for
        assert store.deep_queries == before
        ranked = store.candidates(query, limit=5, cascade=CASCADE_EVIDENCE)
        assert store.deep_queries == before + 1
        assert ranked[0].id == source.id
        assert ranked[0].evidence < 0.2 * ranked[0].score  # found by its words, not its fingerprints

    def test_the_second_stage_scores_each_passage_on_its_own(self, store):
        # A long query whose first paragraph holds one article's words found nowhere else,
        # and whose second paragraph summarises another article in words a few articles
        # share. Over the whole query the rarest words are all the first paragraph's; by
        # passage, the summary's words still find their source.
        import re

        from attrib.store.base import PASSAGE_MIN_WORDS, PASSAGE_TERMS

        articles = bbc_articles(40)
        index_articles(store, articles)

        def tokens(text: str, pattern: str) -> set[str]:
            return set(re.findall(pattern, text.lower()))

        # words that Elasticsearch's standard analyzer and SQLite's FTS5 both see alone
        split = [tokens(a.text, r"[a-z0-9]+") for a in articles]
        whole = [tokens(a.text, r"[a-z0-9']+") for a in articles]
        words = [{w for w in s & w2 if w.isalpha() and len(w) > 3} for s, w2 in zip(split, whole)]
        df = {w: sum(w in s for s in split) for w in set().union(*words)}
        only = [sorted(w for w in found if df[w] == 1) for found in words]
        topic = max(range(len(articles)), key=lambda i: len(only[i]))
        shared = [sorted(w for w in found if 2 <= df[w] <= 3 and w not in words[topic]) for found in words]
        source = max((i for i in range(len(articles)) if i != topic), key=lambda i: len(shared[i]))
        assert len(only[topic]) > 64 + 8 and len(shared[source]) >= PASSAGE_MIN_WORDS + 4 > PASSAGE_TERMS

        def paragraph(words):
            return " and ".join(" ".join(words[i : i + 2]) for i in range(0, len(words), 2)) + "."

        query = prepare(Article(id="q", text=paragraph(only[topic][:72]) + "\n" + paragraph(shared[source][:24])), store.params)
        assert not store.candidates(query, limit=5, cascade=None)  # no fingerprint evidence at all
        ranked = [c.id for c in store.candidates(query, limit=5, cascade=CASCADE_EVIDENCE)]
        assert articles[source].id in ranked[:2] and articles[topic].id in ranked[:2]

    def test_a_copy_with_strong_evidence_skips_the_second_stage(self, store):
        articles = bbc_articles(40)
        index_articles(store, articles)
        before = store.deep_queries
        ranked = store.candidates(prepare(Article(id="q", text=articles[17].text), store.params), limit=5, cascade=CASCADE_EVIDENCE)
        assert ranked[0].id == articles[17].id and store.deep_queries == before
        assert store.candidates(prepare(Article(id="q", text=articles[17].text), store.params), limit=5, cascade=float("inf"))[0].id == articles[17].id
        assert store.deep_queries == before + 1

    def test_empty_store_has_no_candidates(self, store):
        query = prepare(bbc_articles(1)[0], store.params)
        assert store.candidates(query, limit=5) == []

    def test_other_parameters_are_refused(self, make_store):
        store = make_store()
        index_articles(store, bbc_articles(2))
        store.close()
        with pytest.raises(ParameterMismatchError):
            make_store(FingerprintParams(k=7)).init()
        reopened = make_store()
        assert reopened.init() == FingerprintParams()
        with pytest.raises(ParameterMismatchError):
            reopened.candidates(prepare(bbc_articles(1)[0], FingerprintParams(k=4)), limit=3)
        with pytest.raises(ParameterMismatchError):
            list(reopened.write([prepare(bbc_articles(3)[2], FingerprintParams(window=8))]))
        reopened.close()

    def test_new_store_takes_the_parameters_asked_for(self, make_store):
        params = FingerprintParams(k=4, window=6)
        store = make_store(params)
        assert store.init() == params
        store.close()
        assert make_store().init() == params

    def test_iter_articles_by_outlet_and_window(self, store):
        articles = bbc_articles(9)
        index_articles(store, articles)
        everything = list(store.iter_articles())
        assert sorted(a.id for a in everything) == sorted(a.id for a in articles)
        chosen = ArticleFilter(outlet="outlet-1", since=T0 + timedelta(hours=2), until=T0 + timedelta(hours=7))
        expected = sorted(a.id for a in articles if chosen.matches(a))
        assert expected and sorted(a.id for a in store.iter_articles(chosen)) == expected

    def test_a_keyword_value_too_long_for_elasticsearch_fails_alone(self, store):
        # Elasticsearch keeps outlet, url and lang as keywords, at most 32,766 UTF-8 bytes;
        # every store refuses the same records, each alone.
        good = bbc_articles(6)
        body = good[0].text
        too_long = {
            "outlet": Article(id="long-outlet", text=body, outlet="é" * 16_384),  # 16,384 characters, 32,768 bytes
            "url": Article(id="long-url", text=body, url="https://example.com/?q=" + "a" * 40_000),
            "lang": Article(id="long-lang", text=body, lang="x" * 32_767),
        }
        longest = Article(id="longest-outlet", text=body, outlet="o" * 32_766)
        summary = index_articles(store, [good[0], *too_long.values(), *good[1:], longest])
        assert summary.indexed == 7
        errors = {r.id: r.error for r in summary.failed}
        assert set(errors) == {a.id for a in too_long.values()}
        for name, article in too_long.items():
            assert errors[article.id].startswith(f"{name} is ") and "32,766" in errors[article.id]
        assert store.count() == 7
        assert store.get([longest.id])[longest.id].outlet == longest.outlet

    def test_write_reports_every_article(self, store):
        articles = bbc_articles(12)
        store.init()
        results = list(store.write(prepare(a, store.params) for a in articles))
        assert [r.id for r in results] == [a.id for a in articles]
        assert {r.status for r in results} == {WriteStatus.CREATED}

    def test_delete_all_empties_the_store(self, make_store):
        store = make_store()
        index_articles(store, bbc_articles(3))
        store.delete_all()
        store.close()
        fresh = make_store()
        assert fresh.count() == 0
        fresh.close()

    # -- single articles, attribution and search ------------------------------------

    def test_delete_removes_one_article_and_its_fingerprints(self, store):
        articles = bbc_articles(4)
        index_articles(store, articles)
        gone = articles[1]
        assert store.delete(gone.id) is True
        assert store.delete(gone.id) is False
        store.refresh()
        assert store.count() == 3
        assert store.get([gone.id]) == {}
        assert gone.id not in [c.id for c in store.candidates(prepare(gone, store.params), limit=5)]
        assert gone.id not in [h.matched_id for h in store.search(SearchQuery(fold=False, size=10)).hits]
        assert index_articles(store, [gone]).indexed == 1  # and it can come back

    def test_attribution_is_stored_with_the_article_and_copies_are_counted(self, store):
        original, copy_a, copy_b, other = _story_articles()
        index_articles(store, [original, copy_a, copy_b, other])
        fresh = store.get_stored([original.id, other.id])
        assert fresh[other.id].story_id == other.id and fresh[other.id].attribution is None
        assert fresh[other.id].copies_seen == 0
        when = datetime(2024, 11, 1, 12, 0, tzinfo=timezone.utc)
        for copy in (copy_a, copy_b):
            attribution = Attribution(
                verdict="copied", story_id=original.id, original_id=original.id, original_outlet=original.outlet,
                copied_share=0.8125, unattributed_quotes=1, checked_at=when,
            )
            assert store.set_attribution(copy.id, attribution) is True
        assert store.set_attribution(original.id, Attribution(verdict="no_source", story_id=original.id, checked_at=when))
        assert store.set_attribution("missing", Attribution(verdict="no_source", story_id="missing")) is False
        assert store.recount_copies([original.id, other.id, "missing"]) == {original.id: 2, other.id: 0}
        got = store.get_stored([original.id, copy_a.id])
        assert got[original.id].copies_seen == 2 and got[original.id].story_id == original.id
        assert got[original.id].attribution.verdict == "no_source"
        stored = got[copy_a.id]
        assert stored.story_id == original.id and stored.article.text == copy_a.text
        assert stored.attribution == Attribution(
            verdict="copied", story_id=original.id, original_id=original.id, original_outlet=original.outlet,
            copied_share=0.8125, unattributed_quotes=1, checked_at=when,
        )
        store.delete(copy_b.id)
        assert store.recount_copies([original.id]) == {original.id: 1}

    def test_a_replaced_text_drops_its_attribution(self, store):
        original, copy_a, _, _ = _story_articles()
        index_articles(store, [original, copy_a])
        store.set_attribution(copy_a.id, Attribution(verdict="copied", story_id=original.id, original_id=original.id))
        corrected = Article(id=copy_a.id, text=copy_a.text + "\nCorrection: a paragraph was added.")
        assert index_articles(store, [corrected], policy=WritePolicy.UPDATE).updated == 1
        back = store.get_stored([copy_a.id])[copy_a.id]
        assert (back.story_id, back.attribution) == (copy_a.id, None)

    def test_search_matches_title_and_text_with_filters(self, store):
        articles = bbc_articles(9)
        articles[2] = Article(id="in-title", title="Zanzibar harbour reopens", text="The port opened again today after repairs.",
                              outlet="outlet-0", published_at=T0 + timedelta(days=2))
        articles[5] = Article(id="in-text", title="Shipping news", text="Ferries to Zanzibar run again, the operator said.",
                              outlet="outlet-1", published_at=T0 + timedelta(days=3))
        index_articles(store, articles)
        found = store.search(SearchQuery(text="zanzibar"))
        assert {h.matched_id for h in found.hits} == {"in-title", "in-text"} and found.total == 2
        assert all(h.score is not None and h.score > 0 for h in found.hits)
        assert any("Zanzibar" in (h.snippet or "") for h in found.hits)
        assert [h.matched_id for h in store.search(SearchQuery(text="Zanzibar", outlet="outlet-1")).hits] == ["in-text"]
        window = SearchQuery(text="zanzibar ferries", since=T0 + timedelta(days=2, hours=12))
        assert [h.matched_id for h in store.search(window).hits] == ["in-text"]
        assert [h.matched_id for h in store.search(SearchQuery(text="zanzibar", until=T0 + timedelta(days=3))).hits] == ["in-title"]
        assert store.search(SearchQuery(text="quasicrystalline")).hits == []
        assert store.search(SearchQuery(text="?! --")).hits == []
        everything = store.search(SearchQuery(size=20))
        assert everything.total == 9
        assert [h.matched_id for h in everything.hits[:2]] == ["in-text", "in-title"]  # newest first without words

    def test_search_folds_copies_under_their_original(self, store):
        original, copy_a, copy_b, other = _story_articles()
        unrelated = Article(id="unrelated", text="Lighthouse keepers gathered in Brest to discuss automation and the sea.",
                            title="Keepers meet", outlet="Coast Weekly", published_at=T0 + timedelta(hours=5))
        index_articles(store, [original, copy_a, copy_b, other, unrelated])
        for copy in (copy_a, copy_b):
            store.set_attribution(copy.id, Attribution(verdict="copied", story_id=original.id, original_id=original.id))
        store.recount_copies([original.id])
        store.refresh()
        folded = store.search(SearchQuery(text="lighthouse"))
        assert folded.total == 3 and len(folded.hits) == 3
        by_id = {h.stored.article.id: h for h in folded.hits}
        assert set(by_id) == {original.id, other.id, unrelated.id}
        assert by_id[original.id].copies == 2 and by_id[other.id].copies == 0
        assert store.search(SearchQuery(text="lighthouse", fold=False)).total == 5
        originals = store.search(SearchQuery(text="lighthouse", originals_only=True, fold=False))
        assert {h.matched_id for h in originals.hits} == {original.id, other.id, unrelated.id}
        story = store.search(SearchQuery(story=original.id))
        assert [h.matched_id for h in story.hits] == [original.id, copy_a.id, copy_b.id]  # oldest first
        # A copy that matches alone still shows its story's original.
        only_copy = store.search(SearchQuery(text="Kerbriant"))
        assert [(h.stored.article.id, h.matched_id, h.copies) for h in only_copy.hits] == [(original.id, copy_b.id, 2)]
        first, second = store.search(SearchQuery(size=2, page=1)), store.search(SearchQuery(size=2, page=2))
        assert first.total == second.total == 3
        assert len(first.hits) == 2 and len(second.hits) == 1
        assert not {h.stored.story_id for h in first.hits} & {h.stored.story_id for h in second.hits}


def _story_articles() -> list[Article]:
    """An original, two later copies of it (the second with one added word) and another
    story on the same subject."""
    text = ("The old lighthouse at Pointe Saint-Mathieu will be restored next year, the regional council said on "
            "Monday, after storms damaged its lantern room. \"We cannot let it fall into the sea,\" said Anne Morvan, "
            "who chairs the heritage committee. Work is expected to take eighteen months.")
    original = Article(id="story-original", text=text, title="Lighthouse to be restored", outlet="Brest Daily", published_at=T0)
    copy_a = Article(id="story-copy-a", text=text, title="Lighthouse restoration", outlet="Copy Times", published_at=T0 + timedelta(hours=2))
    copy_b = Article(id="story-copy-b", text=text.replace("Monday,", "Monday, in Kerbriant,"), title="Restoring the lighthouse",
                     outlet="Echo News", published_at=T0 + timedelta(hours=3))
    other = Article(id="story-other", text="A second lighthouse, on the island of Ouessant, will get new solar panels to power its beam.",
                    title="Solar lighthouse", outlet="Island Post", published_at=T0 + timedelta(hours=1))
    return [original, copy_a, copy_b, other]
