"""The query DSL in docs/INTEGRATION.md, run as written against articles checked on arrival."""

import json
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from attrib.attribution import index_and_attribute
from attrib.config import Config
from attrib.store.elastic import ElasticsearchStore
from tests.store_contract import _story_articles, bbc_articles

DOC = Path(__file__).resolve().parents[2] / "docs" / "INTEGRATION.md"


def doc_queries() -> list[dict]:
    blocks = re.findall(r"```json\nGET attrib-articles/_search\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [json.loads(block) for block in blocks]


def test_the_documented_queries_answer_as_described(es_client, es_url, index_prefix):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    original, copy_a, copy_b, other = (replace(a, published_at=now - timedelta(minutes=50 - 10 * i)) for i, a in enumerate(_story_articles()))
    store = ElasticsearchStore(Config(es_url=es_url, index=index_prefix))
    events = list(index_and_attribute(store, [*bbc_articles(10), original, copy_a, other, copy_b]))
    store.close()
    flagged = {e.id for e in events if e.attribution and e.attribution.unattributed_quotes}
    assert flagged  # the copies lift Anne Morvan's quote without credit
    index = f"{index_prefix}-articles"
    folded, originals, copies, quotes, outlets = (es_client.search(index=index, **body) for body in doc_queries())

    ids = lambda response: [h["_id"] for h in response["hits"]["hits"]]  # noqa: E731
    stories = {h["_source"]["story_id"]: h for h in folded["hits"]["hits"]}
    assert set(stories) == {original.id, other.id} and len(folded["hits"]["hits"]) == 2
    assert [h["_id"] for h in stories[original.id]["inner_hits"]["copies"]["hits"]["hits"]] == [original.id, copy_a.id, copy_b.id]
    assert ids(originals)[0] == original.id and originals["hits"]["hits"][0]["_source"]["copies_seen"] == 2
    assert not {copy_a.id, copy_b.id} & set(ids(originals))
    assert ids(copies) == [copy_a.id, copy_b.id]
    assert set(ids(quotes)) == flagged
    by_outlet = {b["key"]: {c["key"] for c in b["copied_by"]["buckets"]} for b in outlets["aggregations"]["copied_from"]["buckets"]}
    assert by_outlet == {"Brest Daily": {"Copy Times", "Echo News"}}
