"""The cascade's second stage queries a long article passage by passage: what the passages
are, and the query the Elasticsearch store sends for them (no cluster needed)."""

from __future__ import annotations

from attrib.article import Article
from attrib.config import Config
from attrib.core import FingerprintParams
from attrib.documents import prepare
from attrib.store.base import (
    MAX_PASSAGES,
    MAX_WORDS,
    PASSAGE_MIN_WORDS,
    PASSAGE_TERMS,
    TEXT_STAGE_MIN_WORDS,
    TEXT_WEIGHT,
    query_passages,
    text_max_df,
    text_stage_passages,
)
from attrib.store.elastic import EVIDENCE_QUERY, ElasticsearchStore


def words(first: int, count: int) -> list[str]:
    return [f"term{i:04d}" for i in range(first, first + count)]


def document(text: str):
    return prepare(Article(id="q", text=text), FingerprintParams(), quotes=False, words=True)


def test_each_paragraph_is_a_passage_of_its_content_words():
    paragraphs = [words(0, 30), words(30, 25), words(55, 40)]
    text = "\n".join("The " + " and the ".join(p) + "." for p in paragraphs)
    assert query_passages(document(text)) == paragraphs


def test_short_paragraphs_join_the_ones_after_them():
    heading = words(0, 3)
    body = words(3, 30)
    wrapped = [words(100 + 5 * i, 5) for i in range(12)]  # a text wrapped every five words
    tail = words(500, 4)
    text = "\n".join([" ".join(heading), " ".join(body), *(" ".join(line) for line in wrapped), " ".join(tail)])
    passages = query_passages(document(text))
    assert passages[0] == heading + body
    assert passages[1] == [w for line in wrapped[:4] for w in line]
    assert passages[2] == [w for line in wrapped[4:8] for w in line]
    assert passages[3] == [w for line in wrapped[8:] for w in line] + tail  # the short rest joins the last passage
    assert all(len(p) >= PASSAGE_MIN_WORDS for p in passages)


def test_blank_lines_and_stop_words_make_no_passage():
    text = "\n\n".join(["The " + " of the ".join(words(0, 25)), "It is what it was.", " ".join(words(25, 25))])
    assert query_passages(document(text)) == [words(0, 25), words(25, 25)]


def test_passages_are_capped_and_spread_over_the_article():
    paragraphs = [words(30 * i, 30) for i in range(4 * MAX_PASSAGES)]
    passages = query_passages(document("\n".join(" ".join(p) for p in paragraphs)))
    assert len(passages) == MAX_PASSAGES
    assert passages == paragraphs[::4]


def test_a_passage_sends_at_most_max_words_spread_over_it():
    line = words(0, 3 * MAX_WORDS)  # an article of one long line
    passages = query_passages(document(" ".join(line)))
    assert len(passages) == 1 and len(passages[0]) == MAX_WORDS
    assert passages[0][0] == line[0] and passages[0][-1] in line[-3:]


def test_a_short_query_has_no_second_stage():
    short = "\n".join(" ".join(words(30 * i, 20)) for i in range(3))  # 60 content words
    assert TEXT_STAGE_MIN_WORDS >= 60 and text_stage_passages(document(short)) == []
    longer = "\n".join(" ".join(words(30 * i, 30)) for i in range(3))
    assert text_stage_passages(document(longer)) == query_passages(document(longer)) and len(query_passages(document(longer))) == 3


def test_elasticsearch_keeps_each_articles_best_passage():
    store = ElasticsearchStore(Config(es_url="http://127.0.0.1:1", index="t"))
    query = document("\n".join(" ".join(words(30 * i, 30)) for i in range(3)))
    passages = query_passages(query)
    body = store.candidate_query(query, passages=passages, n=24_000)["bool"]
    best = [clause["dis_max"] for clause in body["should"] if "dis_max" in clause]
    assert len(best) == 1 and best[0]["boost"] == TEXT_WEIGHT and best[0].get("tie_breaker", 0) == 0
    clauses = [q["more_like_this"] for q in best[0]["queries"]]
    assert [c["like"].split() for c in clauses] == passages
    assert all(c["max_query_terms"] == PASSAGE_TERMS and c["fields"] == ["text"] and c["max_doc_freq"] == text_max_df(24_000) for c in clauses)
    # the fingerprint part is named, so that each hit still reports its evidence
    assert any(clause.get("bool", {}).get("_name") == EVIDENCE_QUERY for clause in body["should"])
    assert "dis_max" not in str(store.candidate_query(query)["bool"])  # the first stage has no text part
