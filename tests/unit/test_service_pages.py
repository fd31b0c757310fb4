"""The editors' pages of `attrib serve` (attrib.service.pages), through FastAPI's
TestClient on the embedded store. tests/unit/test_browser.py drives them in Chromium."""

from __future__ import annotations

import html
import re

import pytest

from attrib.config import Config
from attrib.service.auth import Scope, hash_key
from tests.service_contract import LOOPBACK
from tests.web_archive import SEED_003, index_web_archive


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from attrib.store import EmbeddedStore

    path = tmp_path_factory.mktemp("pages") / "attrib.db"
    store = EmbeddedStore(path)
    index_web_archive(store)
    store.close()
    return path


@pytest.fixture
def client(db):
    from fastapi.testclient import TestClient

    from attrib.service import create_app

    with TestClient(create_app(Config(db_path=db)), client=LOOPBACK) as c:
        yield c


def _csp_ok(response) -> None:
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "form-action 'self'" in csp
    from attrib.service.pages import PAGE_CSS, PAGE_JS
    from attrib.report import csp_hash

    assert csp_hash(PAGE_CSS) in csp and csp_hash(PAGE_JS) in csp
    assert re.findall(r"<script>(.*?)</script>", response.text, re.S) == [PAGE_JS]


def test_search_folds_copies_under_their_original(client):
    page = client.get("/", params={"q": "Blinken ceasefire"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    _csp_ok(page)
    hits = re.findall(r'<li class="hit">(.*?)</li>', page.text, re.S)
    blinken = [h for h in hits if "Blinken meets Israeli leaders" in h]
    assert len(blinken) == 1, "one hit for the story, not one per copy"
    assert '<span class="badge original">original</span>' in blinken[0]
    assert re.search(r'<a class="copies" href="/\?story=000_bab4808bdd29a8aa">2 copies</a>', blinken[0])
    assert "echo-copy" not in "".join(h for h in hits if "badge copy" in h)


def test_a_story_lists_the_original_and_its_copies(client):
    page = client.get("/", params={"story": "000_bab4808bdd29a8aa"})
    ids = re.findall(r'<a href="/articles/([^"]+)">', page.text)
    assert ids[:3] == ["000_bab4808bdd29a8aa", "echo-copy", "daily-copy"]
    assert page.text.count('<span class="badge copy">copy</span>') == 2
    assert "copied 100% of its text" in page.text


def test_an_article_page_shows_its_attribution(client):
    page = client.get("/articles/daily-copy")
    assert page.status_code == 200
    _csp_ok(page)
    text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert "Attribution Copied : this article reuses text from an earlier article by another outlet." in text
    assert "Likely original 000_bab4808bdd29a8aa (Example Wire); it covers 100% of this article" in text
    assert "Story a copy in the story" in text
    assert 'href="/articles/daily-copy/report"' in page.text
    assert client.get("/articles/no-such-thing").status_code == 404


def test_an_article_report_page(client):
    page = client.get("/articles/daily-copy/report")
    assert page.status_code == 200
    _csp_ok(page)
    assert '<span class="verdict copied">Copied</span>' in page.text and '<ul class="legend"' in page.text
    assert 'href="#s0"' in page.text


def test_check_a_pasted_article(client):
    form = client.get("/check")
    assert '<form class="check" method="post" action="/check">' in form.text
    text = SEED_003.read_text(encoding="utf-8").partition("\n")[2].replace("\n", "\r\n")
    page = client.post("/check", data={"text": text, "title": "Pasted rewrite", "outlet": "Daily Paste",
                                       "published_at": "2024-10-25"})
    assert page.status_code == 200
    _csp_ok(page)
    assert '<span class="verdict copied">Copied</span>' in page.text
    assert "Pasted rewrite" in page.text and "Daily Paste" in page.text
    assert page.text.count('href="#s') >= 15
    empty = client.post("/check", data={"text": "  "})
    assert empty.status_code == 422 and "Paste the article" in empty.text
    bad_date = client.post("/check", data={"text": "Some words here.", "published_at": "yesterday"})
    assert bad_date.status_code == 422 and 'role="alert"' in bad_date.text


def test_pages_escape_what_they_show(client):
    page = client.get("/", params={"q": '"><script>alert(1)</script>', "outlet": "<b>x</b>"})
    assert "<script>alert(1)" not in page.text and "<b>x</b>" not in page.text


def test_with_keys_the_pages_ask_for_one_and_keep_it_in_a_cookie(db):
    from fastapi.testclient import TestClient

    from attrib.service import create_app

    keys = {hash_key("reader-key-0123456789"): Scope.READ}
    with TestClient(create_app(Config(db_path=db), keys=keys), client=LOOPBACK) as c:
        refused = c.get("/articles/echo-copy", follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/signin?next=")
        wrong = c.post("/signin", data={"key": "nope", "next": "/articles/echo-copy"}, follow_redirects=False)
        assert wrong.status_code == 303 and "error=" in wrong.headers["location"]
        assert c.get("/", follow_redirects=False).status_code == 303
        signed = c.post("/signin", data={"key": "reader-key-0123456789", "next": "/articles/echo-copy"}, follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == "/articles/echo-copy"
        cookie = signed.headers["set-cookie"]
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert c.get("/articles/echo-copy").status_code == 200
        # the API itself still wants its header, not the cookie
        assert c.get("/v1/articles/echo-copy").status_code == 401
        # no open redirect
        away = c.post("/signin", data={"key": "reader-key-0123456789", "next": "//evil.example/"}, follow_redirects=False)
        assert away.headers["location"] == "/"


def test_pages_stay_out_of_the_api_description(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if not p.startswith("/v1/") and p not in ("/healthz", "/readyz", "/metrics")]


def test_an_article_built_on_quotes_names_where_they_were_first_published(tmp_path):
    from fastapi.testclient import TestClient

    from attrib.article import Article
    from attrib.indexing import index_articles
    from attrib.service import create_app
    from attrib.store import EmbeddedStore
    from attrib.store.base import Attribution

    store = EmbeddedStore(tmp_path / "attrib.db")
    index_articles(store, [Article(id="interview", text="The mayor spoke to the Gazette at length. " * 5,
                                   outlet="Gazette"),
                           Article(id="roundup", text="Ports race to modernise before the new rules. " * 5,
                                   outlet="Coast Weekly")])
    store.set_attribution("roundup", Attribution(verdict="quoted", story_id="roundup", original_id="interview",
                                                 original_outlet="Gazette", unattributed_quotes=2))
    store.close()
    with TestClient(create_app(Config(db_path=tmp_path / "attrib.db")), client=LOOPBACK) as c:
        page = c.get("/articles/roundup")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
    assert "Attribution Built on quotes : this article's shared words are quotes from an interview" in text
    assert "Quotes first published in interview (Gazette) Quotes taken without credit 2" in text
    assert "Likely original" not in text and "Story this article is the original of" in text
