"""The cluster the integration tests run against is a real Elasticsearch 8.x."""

from __future__ import annotations


def test_server_is_elasticsearch_8(es_client):
    info = es_client.info()
    major = int(info["version"]["number"].split(".")[0])
    assert major == 8, info["version"]
    nodes = es_client.nodes.info()["nodes"]
    assert nodes and all(n["version"].startswith("8.") for n in nodes.values())


def test_analysis_has_shingle_and_min_hash(es_client, index_prefix):
    index = f"{index_prefix}-analysis"
    es_client.indices.create(
        index=index,
        settings={
            "analysis": {
                "filter": {
                    "word_pairs": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 2, "output_unigrams": False},
                    "sketch": {"type": "min_hash", "hash_count": 1, "bucket_count": 8, "hash_set_size": 1, "with_rotation": True},
                },
                "analyzer": {
                    "pairs": {"tokenizer": "standard", "filter": ["lowercase", "word_pairs"]},
                    "sketch": {"tokenizer": "standard", "filter": ["lowercase", "word_pairs", "sketch"]},
                },
            }
        },
    )
    pairs = es_client.indices.analyze(index=index, analyzer="pairs", text="Yossi Beilin told reporters")
    assert [t["token"] for t in pairs["tokens"]] == ["yossi beilin", "beilin told", "told reporters"]

    sketch_a = es_client.indices.analyze(index=index, analyzer="sketch", text="Yossi Beilin told reporters on Tuesday")
    sketch_b = es_client.indices.analyze(index=index, analyzer="sketch", text="Yossi Beilin told reporters on Tuesday")
    sketch_c = es_client.indices.analyze(index=index, analyzer="sketch", text="the hospital said the strike hit the south")
    tokens_a = [t["token"] for t in sketch_a["tokens"]]
    assert len(tokens_a) == 8 and {t["type"] for t in sketch_a["tokens"]} == {"MIN_HASH"}
    assert tokens_a == [t["token"] for t in sketch_b["tokens"]]
    assert tokens_a != [t["token"] for t in sketch_c["tokens"]]
