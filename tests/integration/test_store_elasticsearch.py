import pytest

from attrib.config import Config
from attrib.store.elastic import ElasticsearchStore
from tests.store_contract import StoreContract


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


def test_an_index_not_made_by_attrib_is_refused(es_client, es_url, index_prefix):
    from attrib.errors import StoreError

    es_client.indices.create(index=f"{index_prefix}-articles")
    with pytest.raises(StoreError, match="not made by attrib"):
        ElasticsearchStore(Config(es_url=es_url, index=index_prefix)).init()


from tests.quote_provenance import QuoteProvenanceContract  # noqa: E402


class TestElasticsearchQuoteProvenance(QuoteProvenanceContract):
    @pytest.fixture
    def make_store(self, es_url, index_prefix):
        config = Config(es_url=es_url, index=index_prefix)
        return lambda params=None: ElasticsearchStore(config, params)
