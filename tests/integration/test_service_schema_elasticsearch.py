from attrib.config import Config
from attrib.indexing import index_articles
from attrib.store.elastic import ElasticsearchStore
from tests.service_contract import KEYS
from tests.store_contract import bbc_articles
from tests.unit.test_service_schema import check_openapi_contract


def test_the_api_keeps_its_openapi_contract_on_elasticsearch(es_url, index_prefix):
    from attrib.service import create_app

    config = Config(es_url=es_url, index=index_prefix)
    seed = ElasticsearchStore(config)
    index_articles(seed, bbc_articles(10))
    seed.close()
    check_openapi_contract(create_app(config, keys=KEYS))
