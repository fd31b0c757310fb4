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


def _index_in_child(path: str, source: str, start) -> None:
    """One `attrib index` run in its own process, released together with its twin."""
    import sys

    from attrib.cli import main

    start.wait()
    sys.exit(main(["index", source, "--db", path, "--workers", "1", "--no-progress"]))


def test_two_processes_index_the_same_archive_into_one_store(tmp_path, monkeypatch):
    import json
    import multiprocessing

    from tests.store_contract import bbc_articles

    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    source = tmp_path / "archive.jsonl"
    articles = bbc_articles(200)
    source.write_text("".join(json.dumps({"id": a.id, "text": a.text, "title": a.title}) + "\n" for a in articles), encoding="utf-8")
    path = tmp_path / "shared.db"

    context = multiprocessing.get_context("spawn")
    start = context.Event()
    runs = [context.Process(target=_index_in_child, args=(str(path), str(source), start)) for _ in range(2)]
    for run in runs:
        run.start()
    start.set()
    for run in runs:
        run.join(timeout=180)
    assert [run.exitcode for run in runs] == [0, 0]

    conn = sqlite3.connect(path)
    try:
        stored = dict(conn.execute("SELECT id, COUNT(*) FROM articles GROUP BY id").fetchall())
        per_doc = conn.execute("SELECT COUNT(*) FROM (SELECT doc FROM postings GROUP BY doc)").fetchone()[0]
    finally:
        conn.close()
    assert stored == {a.id: 1 for a in articles}
    assert per_doc == 200  # every article's fingerprints, none written twice under another row


def _open_in_child(path: str, start) -> None:
    import sys

    start.wait()
    try:
        EmbeddedStore(path).init()
    except StoreError as e:
        print(e, file=sys.stderr)
        sys.exit(1)


def test_processes_opening_one_new_store_at_once_all_get_it(tmp_path):
    """Switching a new file to WAL and creating its tables meet locks that SQLite reports
    without waiting; every process released at once still opens the store."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    failed = 0
    for round_ in range(12):
        start = context.Event()
        path = tmp_path / f"new{round_}.db"
        runs = [context.Process(target=_open_in_child, args=(str(path), start)) for _ in range(5)]
        for run in runs:
            run.start()
        start.set()
        for run in runs:
            run.join(timeout=60)
        failed += sum(run.exitcode != 0 for run in runs)
    assert failed == 0
