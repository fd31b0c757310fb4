import threading

import pytest

from attrib.config import Config
from attrib.errors import InputError
from attrib.service.auth import Scope, hash_key, key_line, parse_keys
from attrib.service.settings import ServiceSettings
from tests.service_contract import LOOPBACK, ServiceContract, assert_problem
from tests.store_contract import bbc_articles


class TestEmbeddedService(ServiceContract):
    @pytest.fixture
    def config(self, tmp_path):
        return Config(db_path=tmp_path / "service.db")


def test_creating_the_app_does_no_io(tmp_path):
    from attrib.service import create_app

    path = tmp_path / "nested" / "service.db"
    create_app(Config(db_path=path))
    assert not path.parent.exists()


def test_keys_file_lines():
    line = key_line("s3cret", "write", "cms")
    assert line == f"{hash_key('s3cret')} write cms"
    text = f"# newsroom keys\n\n{line}\n{hash_key('other')} READ\n"
    assert parse_keys(text) == {hash_key("s3cret"): Scope.WRITE, hash_key("other"): Scope.READ}
    with pytest.raises(InputError, match=r"keys:2: scope must be read or write"):
        parse_keys(f"\n{hash_key('x')} admin", "keys")
    with pytest.raises(InputError, match=r"keys:1: expected 'SHA256-HEX SCOPE"):
        parse_keys("s3cret write", "keys")


def test_serve_refuses_a_public_address_without_keys(capsys, monkeypatch):
    from attrib.cli import main

    monkeypatch.delenv("ATTRIB_API_KEYS_FILE", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--db", "unused.db"]) == 2
    assert "refusing to serve 0.0.0.0 without API keys" in capsys.readouterr().err


def test_serve_makes_key_lines(capsys, monkeypatch):
    import io

    from attrib.cli import main

    assert main(["serve", "--new-key", "read", "--name", "search-ui"]) == 0
    out, err = capsys.readouterr()
    key = err.strip().rsplit(" ", 1)[-1]
    assert parse_keys(out) == {hash_key(key): Scope.READ} and out.strip().endswith(" read search-ui")
    monkeypatch.setattr("sys.stdin", io.StringIO("given-key\n"))
    assert main(["serve", "--hash-key", "write"]) == 0
    assert capsys.readouterr().out == f"{hash_key('given-key')} write\n"


class _Stalling:
    """An embedded store whose count() waits until released: a check that takes its time."""

    def __init__(self, store, release: threading.Event, started: threading.Semaphore):
        self._store, self._release, self._started = store, release, started

    def count(self):
        self._started.release()
        self._release.wait(10)
        return self._store.count()

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.fixture
def stalling_app(tmp_path):
    from fastapi.testclient import TestClient

    from attrib.indexing import index_articles
    from attrib.service import create_app
    from attrib.store import EmbeddedStore

    path = tmp_path / "slow.db"
    seed = EmbeddedStore(path)
    index_articles(seed, bbc_articles(5))
    seed.close()
    release, started = threading.Event(), threading.Semaphore(0)

    def make(settings):
        app = create_app(Config(db_path=path), settings, store_factory=lambda: _Stalling(EmbeddedStore(path), release, started))
        return TestClient(app, client=LOOPBACK, raise_server_exceptions=False)

    yield make, release, started
    release.set()


def test_a_full_check_queue_is_429_with_retry_after(stalling_app):
    from concurrent.futures import ThreadPoolExecutor

    make, release, started = stalling_app
    with make(ServiceSettings(check_threads=1, check_queue=1)) as api, ThreadPoolExecutor(2) as pool:
        article = {"text": bbc_articles(1)[0].text}
        running = pool.submit(api.post, "/v1/check", json=article)
        assert started.acquire(timeout=10)  # the one thread is busy
        waiting = pool.submit(api.post, "/v1/check", json=article)
        for _ in range(100):  # until the second one holds the queue's one place
            if api.app.state.runner.pending == 2:
                break
            threading.Event().wait(0.05)
        assert_problem(api.post("/v1/check", json=article), 429, retry=True)
        release.set()
        assert running.result().status_code == waiting.result().status_code == 200
        assert 'attrib_check_refused_total{reason="queue_full"} 1.0' in api.get("/metrics").text


def test_a_check_past_its_timeout_is_503_with_retry_after(stalling_app):
    make, release, _ = stalling_app
    with make(ServiceSettings(check_timeout=0.2)) as api:
        assert_problem(api.post("/v1/check", json={"text": "Some words to check."}), 503, retry=True)


def test_an_unreachable_store_is_503_with_retry_after():
    from fastapi.testclient import TestClient

    from attrib.service import create_app

    app = create_app(Config(es_url="http://127.0.0.1:9", es_request_timeout=2))
    with TestClient(app, client=LOOPBACK, raise_server_exceptions=False) as api:
        assert api.get("/healthz").status_code == 200
        body = assert_problem(api.get("/readyz"), 503, retry=True)
        assert "cannot reach" in body["detail"]
        assert_problem(api.get("/v1/search", params={"q": "news"}), 503, retry=True)
        assert_problem(api.post("/v1/check", json={"text": "Some words to check."}), 503, retry=True)
