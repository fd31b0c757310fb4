"""One API contract for ``attrib serve`` on every store: the embedded store in the unit
tests, a real Elasticsearch in the integration tests.

A subclass provides ``config`` (a :class:`~attrib.config.Config` naming a fresh store) as
a fixture. Clients are FastAPI's TestClient, from a loopback address unless said otherwise.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from attrib.service.auth import Scope, hash_key
from attrib.service.settings import ServiceSettings
from tests.store_contract import _story_articles, bbc_articles

READ_KEY, WRITE_KEY = "reader-key-0123456789", "writer-key-0123456789"
KEYS = {hash_key(READ_KEY): Scope.READ, hash_key(WRITE_KEY): Scope.WRITE}
LOOPBACK = ("127.0.0.1", 50000)
ELSEWHERE = ("203.0.113.7", 50000)


def ndjson(articles) -> str:
    return "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in articles)


def assert_problem(response, status: int, *, field: str | None = None, retry: bool = False) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in body["detail"]
    if field is not None:
        assert body.get("field") == field, body
    if retry:
        assert int(response.headers["retry-after"]) > 0
    return body


class ServiceContract:
    @pytest.fixture
    def config(self):  # pragma: no cover - provided by each store's test module
        raise NotImplementedError

    @pytest.fixture
    def make_client(self, config):
        from fastapi.testclient import TestClient

        from attrib.service import create_app

        clients = []

        def make(keys=None, client=LOOPBACK, settings=ServiceSettings()):
            test_client = TestClient(create_app(config, settings, keys=keys), client=client, raise_server_exceptions=False)
            test_client.__enter__()
            clients.append(test_client)
            return test_client

        yield make
        for test_client in clients:
            test_client.__exit__(None, None, None)

    @pytest.fixture
    def api(self, make_client):
        return make_client()

    @pytest.fixture
    def archive(self, api):
        """Twenty BBC stories, indexed."""
        articles = bbc_articles(20)
        response = api.post("/v1/articles/_bulk", content=ndjson(articles), headers={"content-type": "application/x-ndjson"})
        assert response.status_code == 200 and response.json()["counts"] == {"created": 20}
        return articles

    # -- operations ----------------------------------------------------------------

    def test_health_readiness_metrics_and_openapi(self, api):
        assert api.get("/healthz").json()["status"] == "ok"
        ready = api.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready", "articles": 0}
        spec = api.get("/openapi.json").json()
        assert {"/v1/check", "/v1/articles/{article_id}", "/v1/articles/_bulk", "/v1/search"} <= set(spec["paths"])
        assert "ProblemOut" in spec["components"]["schemas"]
        metrics = api.get("/metrics")
        assert metrics.headers["content-type"].startswith("text/plain")
        assert 'attrib_http_requests_total{method="GET",route="/readyz",status="200"} 1.0' in metrics.text

    # -- check ---------------------------------------------------------------------

    def test_check_on_an_empty_store_says_so(self, api):
        assert_problem(api.post("/v1/check", json={"text": "Anything at all."}), 409)

    def test_check_returns_the_report_as_json_or_html(self, api, archive):
        source = archive[7]
        sentences = source.text.split(". ")
        copy = {"id": "copy", "text": "In other news. " + ". ".join(sentences[1:6]) + ".", "outlet": "Copycat",
                "options": {"quotes": False, "candidates": 5}}
        report = api.post("/v1/check", json=copy)
        assert report.status_code == 200, report.text
        body = report.json()
        assert body["schema"] == "attrib.report/1" and body["verdict"] == "copied"
        assert body["likely_original"]["id"] == source.id and body["quotes"] == []
        assert set(body["timings_ms"]) >= {"fingerprint", "candidates", "align"}
        page = api.post("/v1/check", json=copy, headers={"accept": "text/html"})
        assert page.headers["content-type"].startswith("text/html") and "<mark" in page.text
        stages = api.get("/metrics").text
        assert 'attrib_check_stage_duration_seconds_count{stage="align"} 2.0' in stages
        assert api.get("/v1/articles/copy").status_code == 404  # a check stores nothing

    def test_a_bad_article_is_a_problem_naming_the_field(self, api, archive):
        assert_problem(api.post("/v1/check", json={"text": "   "}), 422, field="text")
        assert_problem(api.post("/v1/check", json={"title": "no text"}), 422, field="text")
        assert_problem(api.post("/v1/check", json={"text": 5}), 422, field="text")
        assert_problem(api.post("/v1/check", json={"text": "x y z", "published_at": "last week"}), 422, field="published_at")
        assert_problem(api.post("/v1/check", json={"text": "x y z", "options": {"candidates": 0}}), 422, field="options.candidates")
        assert_problem(api.post("/v1/check", json={"text": "x y z", "options": {"colour": "red"}}), 422, field="options.colour")
        assert_problem(api.post("/v1/check", json=["a list"]), 422)
        assert_problem(api.post("/v1/check", content=b'{"text": ', headers={"content-type": "application/json"}), 400)
        assert_problem(api.post("/v1/check", json={"id": "é" * 300, "text": "x y z"}), 422, field="id")

    # -- articles ------------------------------------------------------------------

    def test_put_is_idempotent_by_id(self, api):
        article = bbc_articles(1)[0]
        body = {k: v for k, v in article.to_dict().items() if k != "id"}
        created = api.put(f"/v1/articles/{article.id}", json=body)
        assert created.status_code == 201 and created.json()["status"] == "created"
        again = api.put(f"/v1/articles/{article.id}", json=body)
        assert again.status_code == 200 and again.json()["status"] == "exists"
        changed = {**body, "text": body["text"] + "\nCorrection: one figure was wrong."}
        assert_problem(api.put(f"/v1/articles/{article.id}", json=changed), 409, field="text")
        updated = api.put(f"/v1/articles/{article.id}", params={"policy": "update"}, json=changed)
        assert updated.status_code == 200 and updated.json()["status"] == "updated"
        assert_problem(api.put(f"/v1/articles/{article.id}", json={**body, "id": "other"}), 422, field="id")
        assert_problem(api.put(f"/v1/articles/{article.id}", params={"policy": "replace"}, json=body), 422, field="policy")
        got = api.get(f"/v1/articles/{article.id}").json()
        assert got["article"]["length"] == len(changed["text"]) and got["attribution"] is None
        assert got["story_id"] == article.id and got["copies_seen"] == 0

    def test_bulk_gives_one_result_per_line(self, api):
        good = bbc_articles(3)
        lines = [json.dumps(good[0].to_dict()), "", "{not json", json.dumps({"title": "no text"}),
                 json.dumps(good[1].to_dict()), json.dumps({"text": "x", "published_at": "soon"}), json.dumps(good[0].to_dict())]
        response = api.post("/v1/articles/_bulk", content="\n".join(lines) + "\n")
        assert response.status_code == 200
        body = response.json()
        assert body["errors"] is True and body["counts"] == {"created": 2, "bad": 3, "exists": 1}
        assert [(i["line"], i["status"], i.get("field")) for i in body["items"]] == [
            (1, "created", None), (3, "bad", None), (4, "bad", "text"), (5, "created", None),
            (6, "bad", "published_at"), (7, "exists", None),
        ]
        assert_problem(api.post("/v1/articles/_bulk", content=b"\n \n"), 400)
        assert api.get("/readyz").json()["articles"] == 2

    def test_get_and_delete(self, api, archive):
        target = archive[3]
        got = api.get(f"/v1/articles/{target.id}")
        assert got.status_code == 200 and got.json()["article"]["id"] == target.id
        assert got.json()["article"]["outlet"] == target.outlet
        assert api.delete(f"/v1/articles/{target.id}").status_code == 204
        assert_problem(api.get(f"/v1/articles/{target.id}"), 404)
        assert_problem(api.delete(f"/v1/articles/{target.id}"), 404)
        assert_problem(api.get("/v1/articles/" + "x" * 600), 404)
        assert_problem(api.get("/v1/no-such-thing"), 404)

    # -- search and attribution on arrival ------------------------------------------

    def test_copies_fold_under_their_original_and_stored_attribution_agrees_with_check(self, api):
        original, copy_a, copy_b, other = _story_articles()
        unrelated = bbc_articles(1)[0]
        unrelated = replace(unrelated, text=unrelated.text + " A lighthouse was mentioned too.")
        articles = [*bbc_articles(12)[1:], original, other, copy_a, unrelated, copy_b]
        bulk = api.post("/v1/articles/_bulk", params={"attribute": "true"}, content=ndjson(articles))
        assert bulk.status_code == 200 and bulk.json()["errors"] is False
        items = {i["id"]: i for i in bulk.json()["items"]}
        assert items[copy_b.id]["attribution"]["verdict"] == "copied" and items[copy_b.id]["story_id"] == original.id

        found = api.get("/v1/search", params={"q": "lighthouse"}).json()
        assert found["total"] == 3 and len(found["hits"]) == 3
        stories = {h["article"]["id"]: h for h in found["hits"]}
        assert set(stories) == {original.id, other.id, unrelated.id}
        assert stories[original.id]["copies"] == 2 and stories[other.id]["copies"] == 0
        assert stories[original.id]["attribution"]["verdict"] == "no_source"
        listed = api.get("/v1/search", params={"story": original.id}).json()
        assert [h["article"]["id"] for h in listed["hits"]] == [original.id, copy_a.id, copy_b.id]
        originals = api.get("/v1/search", params={"q": "lighthouse", "originals_only": "true"}).json()
        assert originals["total"] == 3
        assert api.get("/v1/search", params={"q": "lighthouse", "outlet": "Echo News"}).json()["hits"][0]["matched_id"] == copy_b.id

        for article in (original, copy_a, copy_b, other):
            stored = api.get(f"/v1/articles/{article.id}").json()
            report = api.post("/v1/check", json=article.to_dict()).json()
            attribution = stored["attribution"]
            assert attribution["verdict"] == report["verdict"], article.id
            assert attribution["original_id"] == (report["likely_original"] or {}).get("id")
            assert attribution["original_outlet"] == (report["likely_original"] or {}).get("outlet")
            if article is copy_b:  # the last to arrive: the archive is as it was checked
                assert attribution["unattributed_quotes"] == report["unattributed_quotes"]
            # Earlier ones were checked against less: copy_a's quote was unattributed when
            # only the original carried it; now that two outlets do, a check calls it public.
            original_match = next((s for s in report["sources"] if s["relation"] == "original"), None)
            assert attribution["copied_share"] == pytest.approx(original_match["coverage"]["query"] if original_match else 0.0)
        assert api.get(f"/v1/articles/{original.id}").json()["copies_seen"] == 2
        api.delete(f"/v1/articles/{copy_a.id}")
        assert api.get(f"/v1/articles/{original.id}").json()["copies_seen"] == 1

    def test_search_pages_and_filters(self, api, archive):
        first = api.get("/v1/search", params={"size": 8, "page": 1}).json()
        third = api.get("/v1/search", params={"size": 8, "page": 3}).json()
        assert first["total"] == 20 and len(first["hits"]) == 8 and len(third["hits"]) == 4
        outlet = api.get("/v1/search", params={"outlet": "outlet-1", "size": 100}).json()
        assert outlet["total"] == 7 and {h["article"]["outlet"] for h in outlet["hits"]} == {"outlet-1"}
        since = api.get("/v1/search", params={"since": "2024-10-22T20:00:00Z", "size": 100}).json()
        assert {h["article"]["id"] for h in since["hits"]} == {a.id for a in archive[11:]}
        assert_problem(api.get("/v1/search", params={"until": "tomorrow"}), 422, field="until")
        assert_problem(api.get("/v1/search", params={"page": 0}), 422, field="page")
        assert_problem(api.get("/v1/search", params={"page": 200, "size": 100}), 422, field="page")
        assert_problem(api.get("/v1/search", params={"originals_only": "perhaps"}), 422, field="originals_only")

    # -- auth and limits -----------------------------------------------------------

    def test_without_keys_only_loopback_is_served(self, make_client):
        outside = make_client(client=ELSEWHERE)
        assert_problem(outside.get("/healthz"), 403)
        assert_problem(outside.get("/v1/search"), 403)

    def test_keys_and_scopes(self, make_client):
        api = make_client(keys=KEYS, client=ELSEWHERE)
        article = {"text": bbc_articles(1)[0].text}
        no_key = api.put("/v1/articles/a1", json=article)
        assert_problem(no_key, 401)
        assert no_key.headers["www-authenticate"].startswith("Bearer")
        assert_problem(api.get("/v1/search", headers={"Authorization": "Bearer not-a-key"}), 401)
        assert_problem(api.get("/v1/search", headers={"X-API-Key": ""}), 401)
        assert_problem(api.put("/v1/articles/a1", json=article, headers={"X-API-Key": READ_KEY}), 403)
        assert_problem(api.delete("/v1/articles/a1", headers={"Authorization": f"Bearer {READ_KEY}"}), 403)
        assert_problem(api.post("/v1/articles/_bulk", content=ndjson(bbc_articles(1)), headers={"X-API-Key": READ_KEY}), 403)
        assert api.put("/v1/articles/a1", json=article, headers={"Authorization": f"Bearer {WRITE_KEY}"}).status_code == 201
        assert api.get("/v1/articles/a1", headers={"X-API-Key": READ_KEY}).status_code == 200
        assert api.get("/v1/search", headers={"Authorization": f"Bearer {READ_KEY}"}).json()["total"] == 1
        assert api.post("/v1/check", json=article, headers={"X-API-Key": READ_KEY}).status_code == 200
        assert api.delete("/v1/articles/a1", headers={"X-API-Key": WRITE_KEY}).status_code == 204
        assert api.get("/healthz").status_code == 200  # probes need no key

    def test_a_body_over_the_limit_is_refused(self, make_client):
        api = make_client(settings=ServiceSettings(max_body=2000))
        big = {"text": "word " * 500}
        assert_problem(api.post("/v1/check", json=big), 413)
        assert_problem(api.put("/v1/articles/big", json=big), 413)

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b"x" * 500

        assert_problem(api.post("/v1/articles/_bulk", content=chunks()), 413)
        assert api.put("/v1/articles/small", json={"text": "A short story of a few words."}).status_code == 201
