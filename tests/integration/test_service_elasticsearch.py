import pytest

from attrib.config import Config
from tests.service_contract import ServiceContract


class TestElasticsearchService(ServiceContract):
    @pytest.fixture
    def config(self, es_url, index_prefix):
        return Config(es_url=es_url, index=index_prefix)
