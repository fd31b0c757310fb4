"""The report's renderings on the seed pair: JSON sentence pairs, the terminal text and the
HTML page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from attrib.article import Article
from attrib.detect import check
from attrib.indexing import index_articles
from attrib.readers import read_paths
from attrib.store import EmbeddedStore

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED_000 = SHARED / "examples" / "000_bab4808bdd29a8aa.txt"
SEED_003 = SHARED / "examples" / "003_dbab0492c2aca2f8.txt"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("report") / "attrib.db")
    articles = [r for r in read_paths([SEED_000, SHARED / "data" / "bbc" / "politics"]) if isinstance(r, Article)]
    index_articles(store, articles)
    yield store
    store.close()


@pytest.fixture(scope="module")
def seed_report(seed_store):
    return check(next(iter(read_paths([SEED_003]))), seed_store)


def test_json_passages_carry_faithful_sentence_pairs(seed_report):
    data = json.loads(seed_report.to_json())
    texts = {s.article.id: s.article.text for s in seed_report.sources}
    query = seed_report.article.text
    (original,) = [s for s in data["sources"] if s["relation"] == "original"]
    assert original["article"]["title"].startswith("Blinken meets Israeli leaders")
    total = 0
    for source in data["sources"]:
        text = texts[source["article"]["id"]]
        for p in source["passages"]:
            if p["kind"] == "verbatim":
                assert p["sentence_pairs"] == []
            for pair in p["sentence_pairs"]:
                assert pair["kind"] in ("pair", "inserted", "dropped")
                assert (pair["query"] is None) == (pair["kind"] == "dropped")
                assert (pair["source"] is None) == (pair["kind"] == "inserted")
                if pair["query"]:
                    q = pair["query"]
                    assert query[q["start"]:q["end"]] == q["text"]
                    assert p["query"]["start"] <= q["start"] < q["end"] <= p["query"]["end"]
                if pair["source"]:
                    s = pair["source"]
                    assert text[s["start"]:s["end"]] == s["text"]
                    assert p["source"]["start"] <= s["start"] < s["end"] <= p["source"]["end"]
                total += pair["kind"] == "pair"
    assert total >= 15
