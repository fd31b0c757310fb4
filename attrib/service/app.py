"""The FastAPI application: thin handlers over the check pipeline, indexing and the store.

Store calls run in worker threads, never on the event loop: checks (and indexing, which
fingerprints) in a bounded :class:`~attrib.service.runner.CheckRunner`, reads in the
server's thread pool. The embedded store gets one SQLite connection per thread; the
Elasticsearch store one client for all.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from contextlib import asynccontextmanager
from typing import Any, Callable, Literal, Mapping

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from attrib import __version__
from attrib.article import MAX_ID_BYTES, Article, parse_datetime
from attrib.config import Config
from attrib.errors import AttribError, InputError, StoreUnavailableError
from attrib.service import models
from attrib.service.auth import Scope, hash_key, is_loopback, load_keys
from attrib.service.metrics import CONTENT_TYPE_LATEST, Metrics
from attrib.service.problems import PROBLEM, RETRY_AFTER, Problem, problem_response
from attrib.service.runner import Busy, CheckRunner, TimedOut
from attrib.service.settings import ServiceSettings
from attrib.store.base import Attribution, SearchQuery, Store, StoredArticle, WritePolicy

log = logging.getLogger("attrib.service")

Policy = Literal["keep", "update", "overwrite"]

MAX_RESULT_WINDOW = 10_000
"""The deepest search result a page may reach (Elasticsearch's default result window)."""

_PROBLEM_CONTENT = {PROBLEM: {"schema": {"$ref": "#/components/schemas/ProblemOut"}}}


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {
        400: "the body cannot be read", 401: "no API key, or not a valid one", 403: "the key may not do this, or the client is not loopback",
        404: "no such article or route", 409: "conflict with what is stored", 413: "the body is over the limit",
        422: "a field is invalid (named in `field`)", 429: "the check queue is full (see Retry-After)",
        503: "the store is unreachable or the check timed out (see Retry-After)",
    }
    return {s: {"description": described[s], "content": _PROBLEM_CONTENT} for s in statuses}


class _Stores:
    """The store each thread uses: its own embedded store (SQLite connections stay in the
    thread that made them), or one Elasticsearch store for all."""

    def __init__(self, factory: Callable[[], Store], shared: bool):
        self._factory = factory
        self._shared = shared
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Store] = []
        self._one: Store | None = None

    def get(self) -> Store:
        if self._shared:
            with self._lock:
                if self._one is None:
                    self._one = self._factory()
                    self._all.append(self._one)
                return self._one
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = self._factory()
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            stores, self._all, self._one = self._all, [], None
        for store in stores:
            try:
                store.close()
            except Exception:  # noqa: BLE001 - another thread's SQLite connection; the process is ending
                pass


def _article_meta(article: Article) -> dict[str, Any]:
    meta = {k: v for k, v in article.to_dict().items() if k != "text"}
    meta["length"] = len(article.text)
    return meta


def _attribution(attribution: Attribution | None) -> dict[str, Any] | None:
    return attribution.to_dict() if attribution is not None else None


def _stored(stored: StoredArticle) -> dict[str, Any]:
    return {
        "article": _article_meta(stored.article),
        "story_id": stored.story_id,
        "attribution": _attribution(stored.attribution),
        "copies_seen": stored.copies_seen,
    }


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def _field_of(loc: tuple) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def create_app(config: Config, settings: ServiceSettings = ServiceSettings(), *, keys: Mapping[str, Scope] | None = None,
               store_factory: Callable[[], Store] | None = None) -> FastAPI:
    """The service over the store ``config`` names.

    ``keys`` maps SHA-256 key hashes to scopes (:func:`attrib.service.auth.load_keys`);
    with none, only loopback clients are served, with full access. Nothing connects until
    the first request.
    """
    from attrib.store import open_store

    keys = dict(keys or {})
    metrics = Metrics()
    runner = CheckRunner(settings.check_threads, settings.check_queue)
    stores = _Stores(store_factory or (lambda: open_store(config)), shared=config.uses_elasticsearch and store_factory is None)
    arrival_options = _options(models.CheckOptionsIn(allowlist=list(settings.allowlist)))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        runner.shutdown()
        stores.close()

    app = FastAPI(
        title="attrib",
        version=__version__,
        summary="Where a news article came from, what was copied, and whose quotes were taken without credit.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.runner = runner
    app.state.stores = stores

    # -- errors ------------------------------------------------------------------------

    def _problem(request: Request, status: int, detail: str, **kwargs: Any) -> JSONResponse:
        return problem_response(status, detail, instance=request.url.path, **kwargs)

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        return _problem(request, exc.status, exc.detail, field=exc.field, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request", "type": ""}
        if first.get("type") == "json_invalid":
            return _problem(request, 400, "the body is not valid JSON")
        loc = tuple(first.get("loc", ()))
        field = _field_of(loc)
        if loc == ("body",):
            return _problem(request, 422, "the body must be a JSON object: an article with at least 'text'")
        message = str(first.get("msg", "invalid"))
        if first.get("type") == "missing":
            message = "is required"
        return _problem(request, 422, f"{field}: {message}" if field else message, field=field)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.url.path}"
        return _problem(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(InputError)
    async def on_input(request: Request, exc: InputError):
        return _problem(request, 422, str(exc), field=exc.field)

    @app.exception_handler(StoreUnavailableError)
    async def on_unavailable(request: Request, exc: StoreUnavailableError):
        return _problem(request, 503, str(exc), headers={"Retry-After": RETRY_AFTER})

    @app.exception_handler(AttribError)
    async def on_store(request: Request, exc: AttribError):
        log.error("store error on %s: %s", request.url.path, exc)
        return _problem(request, 503, f"the store cannot serve this: {exc}", headers={"Retry-After": RETRY_AFTER})

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _problem(request, 500, "internal error; the service log has the details")

    # -- guards: loopback without keys, body size, metrics ---------------------------

    app.add_middleware(_Guard, max_body=settings.max_body, keys_configured=bool(keys))
    app.add_middleware(_Measure, metrics=metrics)

    bearer = HTTPBearer(auto_error=False, description="an API key as a bearer token")
    api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key")

    def _authorize(needed: Scope):
        def dependency(request: Request, token: HTTPAuthorizationCredentials | None = Depends(bearer),
                       header: str | None = Depends(api_key)) -> None:
            if not keys:  # the guard let only loopback clients through
                return
            presented = token.credentials if token is not None else header
            challenge = {"WWW-Authenticate": 'Bearer realm="attrib"'}
            if not presented:
                raise Problem(401, "an API key is required: send Authorization: Bearer KEY or X-API-Key: KEY", headers=challenge)
            scope = keys.get(hash_key(presented))
            if scope is None:
                raise Problem(401, "the API key is not valid", headers=challenge)
            if not scope.allows(needed):
                raise Problem(403, f"this API key may only read (check, search, get); {request.method} {request.url.path} needs a write key")

        return dependency

    can_read = [Depends(_authorize(Scope.READ))]
    can_write = [Depends(_authorize(Scope.WRITE))]

    async def _run(fn: Callable[[], Any], timeout: float) -> Any:
        metrics.queue.set(runner.pending + 1)
        try:
            return await runner.run(fn, timeout=timeout)
        except Busy:
            metrics.refused.labels("queue_full").inc()
            raise Problem(429, f"all {runner.capacity} check slots are taken; try again shortly", headers={"Retry-After": RETRY_AFTER}) from None
        except TimedOut:
            metrics.refused.labels("timeout").inc()
            raise Problem(503, f"the work took longer than {timeout:g} s; it may still finish", headers={"Retry-After": RETRY_AFTER}) from None
        finally:
            metrics.queue.set(runner.pending)

    # -- check -------------------------------------------------------------------------

    @app.post(
        "/v1/check", dependencies=can_read, response_model=None, tags=["check"],
        responses={200: {"model": models.Report, "description": "the attrib.report/1 JSON, or the HTML report with Accept: text/html",
                         "content": {"text/html": {"schema": {"type": "string"}}}},
                   **_problems(400, 401, 403, 409, 413, 422, 429, 503)},
    )
    async def check_article(body: models.CheckRequest, request: Request):
        """Check an article against the store: its likely original, the copied passages
        and unattributed quotes. The article is not stored."""
        from attrib.detect import check

        article = _article_from(body)
        options = _options(body.options)

        def work():
            store = stores.get()
            if store.count() == 0:
                raise Problem(409, "the store holds no articles yet: index an archive first")
            return check(article, store, options)

        report = await _run(work, settings.check_timeout)
        metrics.observe_report(report)
        if _wants_html(request):
            from attrib.safe_text import html_document

            return HTMLResponse(html_document(report.to_html()))
        return JSONResponse(report.to_dict())

    # -- articles ----------------------------------------------------------------------

    def _index(articles: list[Article], attribute: bool, policy: WritePolicy) -> list[dict[str, Any]]:
        from attrib.attribution import index_and_attribute
        from attrib.indexing import index_records

        store = stores.get()
        if attribute:
            events = index_and_attribute(store, articles, policy=policy, options=arrival_options)
        else:
            events = index_records(store, articles, policy=policy)
        items = []
        for event in events:
            attribution = getattr(event, "attribution", None)
            items.append({
                "id": event.id, "status": event.status.value, "error": event.error,
                "attribution": _attribution(attribution), "check_error": getattr(event, "check_error", None),
                "story_id": attribution.story_id if attribution is not None else None,
            })
        return items

    policy_help = ("an id already stored with other text: keep it (a conflict), update it (a corrected article), "
                   "or overwrite whatever is stored")
    attribute_help = "also check each new article against those stored before it and store the outcome on it"

    @app.put(
        "/v1/articles/{article_id}", dependencies=can_write, response_model=models.WriteItem, tags=["articles"],
        responses={201: {"model": models.WriteItem, "description": "created"}, **_problems(400, 401, 403, 409, 413, 422, 429, 503)},
    )
    async def put_article(
        article_id: str, body: models.ArticleIn,
        attribute: bool = Query(False, description=attribute_help), policy: Policy = Query("keep", description=policy_help),
    ):
        """Index one article under ``article_id`` (idempotent: the same text again is ``exists``)."""
        article = _article_from(body, article_id)
        (item,) = await _run(lambda: _index([article], attribute, WritePolicy(policy)), settings.check_timeout)
        if item["status"] == "conflict":
            raise Problem(409, f"{article_id}: {item['error']} (policy=update replaces a changed text)", field="text")
        if item["status"] == "failed":
            raise Problem(422, f"{article_id}: {item['error']}")
        return JSONResponse(item, status_code=201 if item["status"] == "created" else 200)

    @app.post(
        "/v1/articles/_bulk", dependencies=can_write, response_model=models.BulkResult, tags=["articles"],
        openapi_extra={"requestBody": {"required": True, "description": "one JSON article a line (NDJSON): each item of this array is a line",
                                       "content": {"application/x-ndjson": {"schema": {
                                           "type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}}}}}},
        responses=_problems(400, 401, 403, 413, 422, 429, 503),
    )
    async def bulk_articles(
        request: Request,
        attribute: bool = Query(False, description=attribute_help), policy: Policy = Query("keep", description=policy_help),
    ):
        """Index NDJSON articles; one result per line, in order. A bad line is an item of
        status ``bad`` naming its field; the others still land."""
        parsed = _ndjson(await request.body())
        if not parsed:
            raise Problem(400, "the body holds no articles: send one JSON article a line (NDJSON)")
        articles = [a for _, a, _ in parsed if a is not None]
        timeout = settings.check_timeout * max(1.0, len(articles) if attribute else len(articles) / 100)
        results = iter(await _run(lambda: _index(articles, attribute, WritePolicy(policy)), timeout) if articles else [])
        items: list[dict[str, Any]] = []
        for line, article, problem in parsed:
            if article is None:
                items.append({"line": line, "status": "bad", "error": str(problem), "field": problem.field})
            else:
                items.append({"line": line, **next(results)})
        counts: dict[str, int] = {}
        for item in items:
            counts[item["status"]] = counts.get(item["status"], 0) + 1
        errors = any(item["status"] in ("bad", "conflict", "failed") for item in items)
        return {"errors": errors, "counts": counts, "items": items}

    def _valid_id(article_id: str) -> None:
        if len(article_id.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES:
            raise Problem(404, f"no article with this id (ids are at most {MAX_ID_BYTES} bytes)")

    @app.get("/v1/articles/{article_id}", dependencies=can_read, response_model=models.StoredArticleOut, tags=["articles"],
             responses=_problems(401, 403, 404, 422, 503))
    async def get_article(article_id: str):
        """An article's metadata and the attribution stored with it."""
        _valid_id(article_id)
        found = await run_in_threadpool(lambda: stores.get().get_stored([article_id]).get(article_id))
        if found is None:
            raise Problem(404, f"no article {article_id!r}")
        return _stored(found)

    @app.delete("/v1/articles/{article_id}", dependencies=can_write, status_code=204, response_class=Response, tags=["articles"],
                responses=_problems(401, 403, 404, 422, 503))
    async def delete_article(article_id: str):
        """Remove an article; its story's copies count follows."""
        _valid_id(article_id)

        def work() -> bool:
            store = stores.get()
            found = store.get_stored([article_id]).get(article_id)
            if found is None or not store.delete(article_id):
                return False
            if found.story_id != article_id:
                store.recount_copies([found.story_id])
            return True

        if not await run_in_threadpool(work):
            raise Problem(404, f"no article {article_id!r}")
        return Response(status_code=204)

    # -- search ------------------------------------------------------------------------

    @app.get("/v1/search", dependencies=can_read, response_model=models.SearchResult, tags=["search"],
             responses=_problems(401, 403, 422, 503))
    async def search(
        q: str | None = Query(None, max_length=2000, description="words to find in title and text (any of them, best first); empty: newest first"),
        outlet: str | None = Query(None, max_length=1000, description="only this outlet"),
        since: str | None = Query(None, max_length=64, description="published at or after (ISO 8601)"),
        until: str | None = Query(None, max_length=64, description="published before (ISO 8601)"),
        originals_only: bool = Query(False, description="leave copies out"),
        story: str | None = Query(None, max_length=1000, description="list this story's articles, oldest first, instead of searching stories"),
        page: int = Query(1, ge=1, le=MAX_RESULT_WINDOW),
        size: int = Query(20, ge=1, le=100),
    ):
        """Full-text search; copies are folded under their original (one hit per story,
        with its number of copies) unless ``story`` asks for one story's articles."""
        if page * size > MAX_RESULT_WINDOW:
            raise Problem(422, f"page: results go {MAX_RESULT_WINDOW:,} deep at most (page × size)", field="page")
        query = SearchQuery(
            text=q, outlet=outlet or None, since=parse_datetime(since, "since"), until=parse_datetime(until, "until"),
            originals_only=originals_only, story=story or None, page=page, size=size,
        )
        found = await run_in_threadpool(lambda: stores.get().search(query))
        hits = [{
            "story_id": hit.stored.story_id, "article": _article_meta(hit.stored.article),
            "attribution": _attribution(hit.stored.attribution), "copies": hit.copies, "matched_id": hit.matched_id,
            "score": hit.score, "snippet": hit.snippet,
        } for hit in found.hits]
        return {"total": found.total, "page": page, "size": size, "story": query.story, "hits": hits}

    # -- operations --------------------------------------------------------------------

    @app.get("/healthz", response_model=models.Health, tags=["operations"])
    async def healthz():
        """The process is alive."""
        return {"status": "ok"}

    @app.get("/readyz", response_model=models.Health, tags=["operations"], responses=_problems(503))
    async def readyz():
        """The store is reachable and initialised."""
        def work() -> int:
            store = stores.get()
            store.init()
            return store.count()

        return {"status": "ready", "articles": await run_in_threadpool(work)}

    @app.get("/metrics", tags=["operations"], response_class=Response,
             responses={200: {"description": "Prometheus metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}})
    async def prometheus():
        """Request counts and latencies, check stage timings, check queue depth."""
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    # -- the editors' pages (attrib.service.pages) ------------------------------------

    from attrib.service.pages import install_pages

    install_pages(app, stores=stores, run=_run, keys=keys, check_timeout=settings.check_timeout,
                  options=lambda: arrival_options)

    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain_openapi()
            schema.setdefault("components", {}).setdefault("schemas", {})["ProblemOut"] = models.ProblemOut.model_json_schema()
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _article_from(body: models.ArticleIn, path_id: str | None = None) -> Article:
    record = body.model_dump(exclude={"options"})
    if path_id is not None:
        given = record.get("id")
        if given is not None and str(given) != path_id:
            raise InputError(f"the body's id {str(given)!r} is not the id in the path {path_id!r}", field="id")
        record["id"] = path_id
    return Article.from_dict(record)


def _options(given: models.CheckOptionsIn):
    from attrib.core.align import AlignParams
    from attrib.detect import CheckOptions

    return CheckOptions(
        align=AlignParams(fuzzy=given.paraphrase), candidates=given.candidates, min_evidence=given.min_evidence,
        min_coverage=given.min_coverage, allowlist=frozenset(given.allowlist), quotes=given.quotes,
    )


def _ndjson(body: bytes) -> list[tuple[int, Article | None, InputError | None]]:
    """The lines of an NDJSON body: (line number, article or None, the problem or None)."""
    from attrib.readers import article_from_record

    parsed = []
    for number, raw in enumerate(body.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as e:
            parsed.append((number, None, InputError(f"line {number} is not UTF-8 (byte {e.start})")))
            continue
        except json.JSONDecodeError as e:
            parsed.append((number, None, InputError(f"line {number} is not JSON ({e.msg} at column {e.colno})")))
            continue
        try:
            parsed.append((number, article_from_record(record), None))
        except InputError as e:
            parsed.append((number, None, e))
    return parsed


class _Guard:
    """Refuse non-loopback clients when no API keys are configured, and bodies over the
    limit (413), before any handler runs. The body is read here, up to the limit, and
    handed on whole."""

    def __init__(self, app, *, max_body: int, keys_configured: bool):
        self.app = app
        self.max_body = max_body
        self.keys_configured = keys_configured

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        client = scope.get("client")
        if not self.keys_configured and not is_loopback(client[0] if client else None):
            response = problem_response(403, "this service has no API keys configured and serves loopback clients only",
                                        instance=scope.get("path"))
            return await response(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_large = problem_response(413, f"the body is over the limit of {self.max_body:,} bytes", instance=scope.get("path"))
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            return await too_large(scope, receive, send)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return await too_large(scope, receive, send)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class _Measure:
    """Count requests and time them, by route template (not by raw path)."""

    def __init__(self, app, *, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.latency.labels(scope["method"], template).observe(time.perf_counter() - started)


def app_from_env() -> FastAPI:
    """The app ``attrib serve`` runs in each worker: config and settings from the
    environment (the command line sets it), keys read from ``ATTRIB_API_KEYS_FILE``."""
    config = Config.from_env()
    settings = ServiceSettings.from_env(os.environ)
    keys = load_keys(settings.keys_file) if settings.keys_file else None
    return create_app(config, settings, keys=keys)
