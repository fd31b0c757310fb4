import sqlite3

import pytest

from attrib.errors import StoreError
from attrib.store import EmbeddedStore
from tests.store_contract import StoreContract


class TestEmbeddedStore(StoreContract):
    @pytest.fixture
    def make_store(self, tmp_path):
        path = tmp_path / "store" / "attrib.db"
        return lambda params=None: EmbeddedStore(path, params)


def test_constructor_does_no_io(tmp_path):
    path = tmp_path / "nested" / "attrib.db"
    store = EmbeddedStore(path)
    assert not path.exists() and not path.parent.exists()
    store.init()
    assert path.exists()
    store.close()


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not an attrib store"):
        EmbeddedStore(path).init()


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="folder"):
        EmbeddedStore(tmp_path).init()


from tests.quote_provenance import QuoteProvenanceContract  # noqa: E402


class TestEmbeddedQuoteProvenance(QuoteProvenanceContract):
    @pytest.fixture
    def make_store(self, tmp_path):
        return lambda params=None: EmbeddedStore(tmp_path / "quotes.db", params)
