"""The Elasticsearch store accepts the server majors attrib is tested on, and says so
plainly for any other (no cluster needed: the client is a stand-in that answers info())."""

from __future__ import annotations

import pytest

from attrib.config import Config
from attrib.errors import StoreError
from attrib.store.elastic import SERVER_MAJORS, ElasticsearchStore


class Answered(Exception):
    """Raised by the stand-in client once the store goes past the version check."""


class InfoOnly:
    def __init__(self, number: str):
        self.number = number
        self.indices = self

    def info(self):
        return {"version": {"number": self.number}}

    def get_mapping(self, index):
        raise Answered(index)


@pytest.mark.parametrize("number", ["8.19.21", "9.0.0", "9.5.3"])
def test_majors_8_and_9_pass_the_version_check(number):
    assert int(number.split(".")[0]) in SERVER_MAJORS
    store = ElasticsearchStore(Config(es_url="http://127.0.0.1:1", index="t"), client=InfoOnly(number))
    with pytest.raises(StoreError) as caught:
        store.init()
    assert isinstance(caught.value.__cause__, Answered)  # it went on to read the index mapping


@pytest.mark.parametrize("number", ["7.17.29", "10.0.0"])
def test_other_majors_are_refused_with_the_ones_supported(number):
    store = ElasticsearchStore(Config(es_url="http://127.0.0.1:1", index="t"), client=InfoOnly(number))
    with pytest.raises(StoreError, match=rf"Elasticsearch {number} found; attrib needs 8\.x or 9\.x"):
        store.init()
