import json

import pytest

from attrib.article import Article
from attrib.config import Config
from attrib.core import FingerprintParams
from attrib.documents import prepare
from attrib.store import WritePolicy, WriteStatus
from attrib.store.elastic import ElasticsearchStore
from tests.store_contract import StoreContract, bbc_articles


class TestElasticsearchStore(StoreContract):
    @pytest.fixture
    def make_store(self, es_url, index_prefix):
        config = Config(es_url=es_url, index=index_prefix)
        return lambda params=None: ElasticsearchStore(config, params)


def test_template_and_mapping_carry_the_parameters(es_client, es_url, index_prefix):
    store = ElasticsearchStore(Config(es_url=es_url, index=index_prefix, shards=2, replicas=0))
    params = store.init()
    template = es_client.indices.get_index_template(name=store.index)["index_templates"][0]["index_template"]
    assert template["index_patterns"] == [store.index]
    mapping = es_client.indices.get_mapping(index=store.index)[store.index]["mappings"]
    assert mapping["_meta"]["attrib"]["params"] == params.to_meta()
    assert mapping["properties"]["fp"]["type"] == "keyword"
    settings = es_client.indices.get_settings(index=store.index)[store.index]["settings"]["index"]
    assert settings["number_of_shards"] == "2"
    store.close()


def _shards_and_replicas(es_client, index: str) -> tuple[str, str]:
    settings = es_client.indices.get_settings(index=index)[index]["settings"]["index"]
    return settings["number_of_shards"], settings["number_of_replicas"]


def test_init_changes_replicas_live_and_refuses_other_shards(es_client, es_url, index_prefix, capsys, monkeypatch):
    from attrib.cli import main

    monkeypatch.delenv("ATTRIB_ES_SHARDS", raising=False)
    monkeypatch.delenv("ATTRIB_ES_REPLICAS", raising=False)
    store = ["--es-url", es_url, "--index", index_prefix]
    index = f"{index_prefix}-articles"
    assert main(["init", *store]) == 0
    assert _shards_and_replicas(es_client, index) == ("1", "0")
    capsys.readouterr()
    assert main(["init", *store, "--replicas", "1"]) == 0
    assert "1 primary shard(s), 1 replica(s)" in capsys.readouterr().out
    assert _shards_and_replicas(es_client, index) == ("1", "1")
    assert main(["init", *store, "--shards", "3", "--replicas", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"attrib: index {index} has 1 primary shard(s); shards cannot change on an existing index (reindex into a new one to get 3)"
    assert _shards_and_replicas(es_client, index) == ("1", "1")  # nothing changed
    assert main(["init", *store, "--shards", "1", "--replicas", "0"]) == 0
    assert _shards_and_replicas(es_client, index) == ("1", "0")


def test_the_first_index_run_takes_shards_and_replicas_from_the_environment(es_client, es_url, index_prefix, tmp_path, monkeypatch):
    from attrib.cli import main

    monkeypatch.setenv("ATTRIB_ES_SHARDS", "2")
    monkeypatch.setenv("ATTRIB_ES_REPLICAS", "1")
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in bbc_articles(3)), encoding="utf-8")
    assert main(["index", str(source), "--es-url", es_url, "--index", index_prefix, "--workers", "1", "--no-progress"]) == 0
    assert _shards_and_replicas(es_client, f"{index_prefix}-articles") == ("2", "1")


def test_an_index_not_made_by_attrib_is_refused(es_client, es_url, index_prefix):
    from attrib.errors import StoreError

    es_client.indices.create(index=f"{index_prefix}-articles")
    with pytest.raises(StoreError, match="not made by attrib"):
        ElasticsearchStore(Config(es_url=es_url, index=index_prefix)).init()


def test_an_index_made_before_text_hashes_compares_the_stored_texts(es_client, es_url, index_prefix):
    config = Config(es_url=es_url, index=index_prefix)
    old = ElasticsearchStore(config)
    template = old.template(FingerprintParams())
    del template["template"]["mappings"]["properties"]["text_hash"]
    es_client.indices.put_index_template(name=old.index, **template)
    es_client.indices.create(index=old.index)
    first, second, third = bbc_articles(3)
    for article in (first, second):
        source = old._source(prepare(article, FingerprintParams()))
        del source["text_hash"]
        es_client.index(index=old.index, id=article.id, document=source)

    store = ElasticsearchStore(config)
    corrected = Article(id=second.id, text=second.text + "\nCorrection appended.")
    documents = [prepare(a, store.params) for a in (first, corrected, third)]
    assert [r.status for r in store.write(documents)] == [WriteStatus.EXISTS, WriteStatus.CONFLICT, WriteStatus.CREATED]
    assert [r.status for r in store.write(documents, policy=WritePolicy.UPDATE)] == [WriteStatus.EXISTS, WriteStatus.UPDATED, WriteStatus.EXISTS]
    assert [r.status for r in store.write(documents)] == [WriteStatus.EXISTS] * 3  # the rewritten one now has its hash
    properties = es_client.indices.get_mapping(index=old.index)[old.index]["mappings"]["properties"]
    assert properties["text_hash"] == {"type": "keyword", "index": False, "doc_values": False}
    store.close()


def unchecked_article(article_id: str, text: str) -> Article:
    """An article built without :class:`Article`'s validation: what a caller that skips it
    could hand a store."""
    article = object.__new__(Article)
    for name, value in dict(id=article_id, text=text, title=None, outlet=None, url=None, published_at=None, lang=None).items():
        object.__setattr__(article, name, value)
    return article


def test_an_item_the_cluster_refuses_fails_alone(es_url, index_prefix):
    # An _id over 512 bytes (300 two-byte characters) fails the bulk request's validation,
    # which Elasticsearch reports as the whole request refused, every item with its error.
    store = ElasticsearchStore(Config(es_url=es_url, index=index_prefix))
    params = store.init()
    good = [prepare(a, params) for a in bbc_articles(60)]
    bad = [prepare(unchecked_article(c * 300, f"A story filed under a long id, number {i}."), params) for i, c in enumerate("éü")]
    documents = good[:7] + bad[:1] + good[7:40] + bad[1:] + good[40:]

    results = list(store.write(documents))
    assert [r.id for r in results] == [d.id for d in documents]
    failed = {r.id: r.error for r in results if r.status is WriteStatus.FAILED}
    assert set(failed) == {d.id for d in bad}
    for article_id, error in failed.items():
        assert "512 bytes" in error and article_id[:20] in error  # its own error, naming it
    store.refresh()
    assert store.count() == 60

    again = {r.id: r.status for r in store.write(documents)}
    assert again == {**{d.id: WriteStatus.EXISTS for d in good}, **{d.id: WriteStatus.FAILED for d in bad}}
    store.close()


from tests.quote_provenance import QuoteProvenanceContract  # noqa: E402


class TestElasticsearchQuoteProvenance(QuoteProvenanceContract):
    @pytest.fixture
    def make_store(self, es_url, index_prefix):
        config = Config(es_url=es_url, index=index_prefix)
        return lambda params=None: ElasticsearchStore(config, params)


def test_an_index_made_before_attribution_gets_its_fields_and_stories(es_client, es_url, index_prefix):
    config = Config(es_url=es_url, index=index_prefix)
    old = ElasticsearchStore(config)
    template = old.template(FingerprintParams())
    for name in ("story_id", "copies_seen", "attribution"):
        del template["template"]["mappings"]["properties"][name]
    es_client.indices.put_index_template(name=old.index, **template)
    es_client.indices.create(index=old.index)
    first, second, third = bbc_articles(3)
    for article in (first, second):
        source = old._source(prepare(article, FingerprintParams()))
        del source["story_id"]
        es_client.index(index=old.index, id=article.id, document=source, refresh=True)

    from attrib.store.base import SearchQuery

    store = ElasticsearchStore(config)
    assert [r.status for r in store.write([prepare(third, store.params)])] == [WriteStatus.CREATED]
    store.refresh()
    properties = es_client.indices.get_mapping(index=old.index)[old.index]["mappings"]["properties"]
    assert properties["story_id"] == {"type": "keyword"} and "verdict" in properties["attribution"]["properties"]
    page = store.search(SearchQuery(size=10))
    assert page.total == 3 and {h.stored.story_id for h in page.hits} == {first.id, second.id, third.id}
    store.close()
