"""The cluster the integration tests run against is a real Elasticsearch of the version
asked for (ATTRIB_ES_VERSION; 8.19.21 when unset), so that a green run on it counts for it."""

from __future__ import annotations

import os

from attrib.store.elastic import SERVER_MAJORS
from tests.conftest import resolved_es_version, wanted_es_version


def test_server_is_the_elasticsearch_asked_for(es_client):
    number = es_client.info()["version"]["number"]
    wanted = wanted_es_version()
    given = os.environ.get("ATTRIB_ES_URL")
    if given and wanted is None:
        assert int(number.split(".")[0]) in SERVER_MAJORS, number  # a given cluster: any supported major
    elif given and wanted.isdigit():
        assert number.split(".")[0] == wanted, number  # a given cluster of the major asked for
    else:
        assert number == resolved_es_version(), number  # the exact version started (or asked for)
    nodes = es_client.nodes.info()["nodes"]
    assert nodes and all(n["version"] == number for n in nodes.values())


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
