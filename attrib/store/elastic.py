"""The Elasticsearch store: articles and fingerprint fields in one index.

The client and the index template are set up lazily, on first use; the constructor does
no I/O. Writes stream through ``helpers.streaming_bulk`` (429s retried with backoff,
per-item failures reported with their ids, a request refused as a whole for one item's
sake split until only that item fails); candidate retrieval is one ``bool`` query of
``term`` clauses on the ``fp`` keyword field, which Elasticsearch scores by each
fingerprint's IDF. See docs/INDEX.md for the mapping.
"""

from __future__ import annotations

import contextlib
import copy
import json
import time
from collections import defaultdict, deque
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, Iterable, Iterator, Sequence

from attrib.article import Article, parse_datetime
from attrib.config import Config, warn_transport
from attrib.core import FingerprintParams
from attrib.core.quotes import QuoteOccurrence
from attrib.documents import Document, hash_term, hash_terms, text_hash
from attrib.errors import InputError, ParameterMismatchError, StoreError, StoreUnavailableError
from attrib.store.base import (
    BAND_BOOST,
    CONFLICT_ERROR,
    MAX_QUERY_TERMS,
    PAIR_WEIGHT,
    PASSAGE_TERMS,
    TEXT_WEIGHT,
    text_max_df,
    ArticleFilter,
    Attribution,
    Candidate,
    SearchHit,
    SearchPage,
    SearchQuery,
    StoredArticle,
    WritePolicy,
    WriteResult,
    WriteStatus,
    min_shared_grams,
    query_pairs,
    query_terms,
    second_stage_passages,
    unstorable,
)

EVIDENCE_QUERY = "evidence"
"""Name of the fingerprint and band part of a retrieval query that also has pairs."""

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

SCHEMA_VERSION = 1
SERVER_MAJORS = (8, 9)
"""The Elasticsearch majors attrib runs on. The index template, queries and bulk requests
are the same on both (the 8.x Python client speaks to 9.x through its REST compatibility
with 8; see the README's compatibility table)."""
_SPLIT_STATUSES = frozenset({400, 413})
"""Statuses of a refused bulk request whose documents are sent again in smaller requests."""
_SOURCE_FIELDS = ["id", "text", "title", "outlet", "url", "published_at", "lang"]
SLICE_FIELD = "simhash"
"""The numeric field sliced point-in-time reads split on (one well-spread value per article)."""


def load_template(name: str = "articles") -> dict[str, Any]:
    """The index template shipped in the package (``index_templates/NAME.json``).

    An installed attrib has it as the ``attrib.index_templates`` package; a source tree
    used without installing keeps it at the top of the repository.
    """
    # The source tree's own copy first: when attrib is imported from a checkout, an
    # editable install of ANOTHER checkout can still answer for attrib.index_templates,
    # and its template would silently not match this code.
    local = Path(__file__).resolve().parents[2] / "index_templates" / f"{name}.json"
    if local.is_file():
        return json.loads(local.read_text(encoding="utf-8"))
    folder = resources.files("attrib.index_templates")
    return json.loads(folder.joinpath(f"{name}.json").read_text(encoding="utf-8"))


def make_client(config: Config) -> "Elasticsearch":
    """An Elasticsearch client for ``config``: URL credentials, basic auth, API key, TLS."""
    from elasticsearch import Elasticsearch

    kwargs: dict[str, Any] = {
        "request_timeout": config.es_request_timeout,
        "retry_on_timeout": True,
        "max_retries": 3,
        "retry_on_status": (429, 502, 503, 504),
    }
    if config.es_api_key:
        kwargs["api_key"] = config.es_api_key
    elif config.es_username:
        kwargs["basic_auth"] = (config.es_username, config.es_password or "")
    if config.es_ca_certs:
        kwargs["ca_certs"] = config.es_ca_certs
    if config.es_url and config.es_url.startswith("https"):
        kwargs["verify_certs"] = config.es_verify_certs
        if not config.es_verify_certs:
            kwargs["ssl_show_warn"] = False  # warn_transport says it once, not urllib3 per request
    warn_transport(config)
    return Elasticsearch(config.es_url, **kwargs)


def _translate(error: Exception, config: Config) -> StoreError:
    from elasticsearch import ApiError, AuthenticationException, AuthorizationException, TransportError

    where = config.describe_store()
    if isinstance(error, AuthenticationException):
        return StoreError(f"{where}: authentication failed (check ATTRIB_ES_USERNAME/PASSWORD or ATTRIB_ES_API_KEY)")
    if isinstance(error, AuthorizationException):
        return StoreError(f"{where}: not allowed: {_reason(error)}")
    if isinstance(error, ApiError):
        if error.meta.status == 503:
            # A shard with no live copy, no elected master: the cluster cannot answer in
            # full now, and may again once a node is back (callers retry or resume).
            return StoreUnavailableError(f"{where} cannot answer in full: {_reason(error)}")
        return StoreError(f"{where}: {_reason(error)}")
    if isinstance(error, TransportError):
        return StoreUnavailableError(f"cannot reach {where}: {error.message or type(error).__name__}")
    return StoreError(f"{where}: {error}")


def _reason(error: Any) -> str:
    info = getattr(error, "info", None) or getattr(error, "body", None)
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        return _cause(info["error"])
    return str(getattr(error, "message", error))


def _cause(cause: dict[str, Any]) -> str:
    """``type: reason`` of an Elasticsearch error object; the nested cause's reason when the
    outer one has none (a search refused for a missing shard says why only there)."""
    reason = cause.get("reason") or (cause.get("caused_by") or {}).get("reason")
    return f"{cause.get('type', 'error')}: {reason}" if reason else str(cause.get("type", "error"))


class ElasticsearchStore:
    """Articles in the index ``{config.index}-articles`` of an Elasticsearch 8 or 9 cluster."""

    def __init__(self, config: Config, params: FingerprintParams | None = None, client: "Elasticsearch | None" = None):
        if not config.es_url and client is None:
            raise StoreError("the Elasticsearch store needs an URL (ATTRIB_ES_URL or --es-url)")
        self.config = config
        self.index = f"{config.index}-articles"
        self._wanted = params
        self._params: FingerprintParams | None = None
        self._client = client
        self._counted: tuple[float, int] | None = None  # (monotonic time, count)
        self._fields: set[str] = set()  # the index mapping's top-level fields, known after init()

    def __repr__(self) -> str:
        return f"ElasticsearchStore({self.config.describe_store()!r})"

    @property
    def client(self) -> "Elasticsearch":
        if self._client is None:
            self._client = make_client(self.config)
        return self._client

    def _call(self, fn, *args, **kwargs):
        from elasticsearch import ApiError, TransportError

        try:
            return fn(*args, **kwargs)
        except (ApiError, TransportError) as e:
            raise _translate(e, self.config) from e

    # -- lifecycle -----------------------------------------------------------------

    def template(self, params: FingerprintParams) -> dict[str, Any]:
        """The composable index template for this store's index, with ``params`` in ``_meta``."""
        template = copy.deepcopy(load_template("articles"))
        template["index_patterns"] = [self.index]
        settings = template["template"]["settings"]["index"]
        settings["number_of_shards"] = self.config.shards
        settings["number_of_replicas"] = self.config.replicas
        template["template"]["mappings"]["_meta"] = {"attrib": {"schema": SCHEMA_VERSION, "params": params.to_meta()}}
        return template

    def init(self) -> FingerprintParams:
        if self._params is not None:
            return self._params
        from elasticsearch import NotFoundError

        info = self._call(self.client.info)
        major = int(str(info["version"]["number"]).split(".")[0])
        if major not in SERVER_MAJORS:
            wanted = " or ".join(f"{m}.x" for m in SERVER_MAJORS)
            raise StoreError(f"{self.config.describe_store()}: Elasticsearch {info['version']['number']} found; attrib needs {wanted}")
        try:
            mapping = self.client.indices.get_mapping(index=self.index)
        except NotFoundError:
            mapping = None
        except Exception as e:  # noqa: BLE001 - translated below
            raise _translate(e, self.config) from e
        if mapping:
            meta = next(iter(mapping.values()))["mappings"].get("_meta", {}).get("attrib")
            if not meta or "params" not in meta:
                raise StoreError(f"index {self.index} exists but was not made by attrib (no fingerprint parameters in _meta)")
            params = FingerprintParams.from_meta(meta["params"])
            if self._wanted is not None and self._wanted != params:
                raise ParameterMismatchError(params.to_meta(), self._wanted.to_meta(), where=f"index {self.index}")
            self._fields = set(next(iter(mapping.values()))["mappings"].get("properties", {}))
        else:
            params = self._wanted or FingerprintParams()
            body = self.template(params)
            self._fields = set(body["template"]["mappings"]["properties"])
            self._call(self.client.indices.put_index_template, name=self.index, **body)
            from elasticsearch import BadRequestError

            try:
                self.client.indices.create(index=self.index)
            except BadRequestError as e:
                # Another process created it between our check and now: check it instead.
                if "resource_already_exists" not in str(e):
                    raise _translate(e, self.config) from e
                self._params = None
                return self.init()
            except Exception as e:  # noqa: BLE001
                raise _translate(e, self.config) from e
        self._params = params
        return params

    @property
    def params(self) -> FingerprintParams:
        return self.init()

    def apply_settings(self, *, shards: int | None = None, replicas: int | None = None) -> tuple[int, int]:
        """Bring the live index to ``replicas`` and check ``shards`` against it (None:
        leave as is); returns the index's primary shards and replicas.

        Replicas can change on a live index; primary shards cannot, so a ``shards`` other
        than the index's raises :class:`~attrib.errors.InputError` before anything changes.
        """
        self.init()
        response = self._call(self.client.indices.get_settings, index=self.index, name="index.number_of_*")
        live = next(iter(response.values()))["settings"]["index"]
        have_shards, have_replicas = int(live["number_of_shards"]), int(live["number_of_replicas"])
        if shards is not None and shards != have_shards:
            raise InputError(
                f"index {self.index} has {have_shards} primary shard(s); shards cannot change on an existing index "
                f"(reindex into a new one to get {shards})",
                field="shards",
            )
        if replicas is not None and replicas != have_replicas:
            self._call(self.client.indices.put_settings, index=self.index, settings={"index": {"number_of_replicas": replicas}})
            have_replicas = replicas
        return have_shards, have_replicas

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def delete_all(self) -> None:
        self._call(self.client.options(ignore_status=404).indices.delete, index=self.index)
        self._call(self.client.options(ignore_status=404).indices.delete_index_template, name=self.index)
        self._params = None
        self._counted = None

    def refresh(self) -> None:
        self._counted = None
        self._call(self.client.indices.refresh, index=self.index)

    # -- writes --------------------------------------------------------------------

    def _source(self, document: Document) -> dict[str, Any]:
        article = document.article
        source: dict[str, Any] = {k: v for k, v in article.to_dict().items() if k in _SOURCE_FIELDS}
        source["fp"] = document.terms
        source["bands"] = list(document.bands)
        if document.pairs:  # only in indexes made with pairs (older mappings lack the field)
            source["cp"] = " ".join(hash_term(h) for h in document.pairs)
        source["text_hash"] = document.text_hash
        source["story_id"] = document.id  # its own story until a check finds it a copy
        source["simhash"] = document.simhash
        source["shingles"] = document.shingle_count
        source["quotes"] = [
            {
                "key": q.key,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "speaker": q.speaker,
                "cue": q.cue,
                "credited_outlet": q.credited_outlet,
                "interview": q.interview,
                "grams": [hash_term(g) for g in q.grams],
            }
            for q in document.quotes
        ]
        return source

    BULK_CHUNK = 500
    """Documents sent in one bulk request (fewer when they pass :attr:`BULK_BYTES`)."""
    BULK_BYTES = 20 * 1024 * 1024

    def write(self, documents: Iterable[Document], *, policy: WritePolicy = WritePolicy.KEEP) -> Iterator[WriteResult]:
        params = self.init()
        self._add_text_hash_field()
        self._add_attribution_fields()
        self._counted = None
        chunk: list[Document] = []
        for document in documents:
            params.check_compatible(document.params, where=f"documents for index {self.index}")
            chunk.append(document)
            if len(chunk) >= self.BULK_CHUNK:
                yield from self._write_chunk(policy, chunk)
                chunk = []
        if chunk:
            yield from self._write_chunk(policy, chunk)

    def _add_text_hash_field(self) -> None:
        """Indexes made before ``text_hash`` existed get the field (a mapping may gain
        fields live); their older articles are compared by their text instead."""
        if "text_hash" not in self._fields:
            spec = load_template("articles")["template"]["mappings"]["properties"]["text_hash"]
            self._call(self.client.indices.put_mapping, index=self.index, properties={"text_hash": spec})
            self._fields.add("text_hash")

    def _write_chunk(self, policy: WritePolicy, chunk: list[Document]) -> list[WriteResult]:
        """Write one chunk: ``create`` (``index`` to overwrite), then, for the ids already
        stored, compare the stored text hashes and replace the ones ``policy`` says to."""
        results: list[WriteResult | None] = [None] * len(chunk)
        sendable: list[int] = []
        for i, document in enumerate(chunk):
            problem = unstorable(document)
            if problem is None:
                sendable.append(i)
            else:
                results[i] = WriteResult(document.id, WriteStatus.FAILED, problem)
        op_type = "index" if policy is WritePolicy.OVERWRITE else "create"
        taken: list[int] = []
        for i, (ok, detail) in zip(sendable, self._bulk(op_type, [chunk[i] for i in sendable])):
            if not ok and op_type == "create" and detail.get("status") == 409:
                taken.append(i)
            else:
                results[i] = _write_result(chunk[i].id, ok, detail)
        stored = self._text_hashes([chunk[i].id for i in taken])
        replace: list[int] = []
        for i in taken:
            document = chunk[i]
            found = stored.get(document.id)
            if found == document.text_hash:
                results[i] = WriteResult(document.id, WriteStatus.EXISTS)
            elif found is not None and policy is WritePolicy.KEEP:
                results[i] = WriteResult(document.id, WriteStatus.CONFLICT, CONFLICT_ERROR)
            else:  # a changed text to update, or an article deleted since the create
                replace.append(i)
        for i, (ok, detail) in zip(replace, self._bulk("index", [chunk[i] for i in replace])):
            results[i] = _write_result(chunk[i].id, ok, detail)
        return [r for r in results if r is not None]

    def _text_hashes(self, ids: list[str]) -> dict[str, str]:
        """The stored text hash of each of ``ids`` that is stored (read in real time)."""
        if not ids:
            return {}
        unique = list(dict.fromkeys(ids))
        response = self._call(self.client.mget, index=self.index, ids=unique, source_includes=["text_hash"])
        found = {doc["_id"]: doc["_source"].get("text_hash") for doc in _found(response, self.config)}
        older = [i for i, h in found.items() if h is None]
        if older:  # stored before the field existed
            response = self._call(self.client.mget, index=self.index, ids=older, source_includes=["text"])
            found.update({doc["_id"]: text_hash(doc["_source"]["text"]) for doc in _found(response, self.config)})
        return {i: h for i, h in found.items() if h is not None}

    def _bulk(self, op_type: str, documents: list[Document]) -> list[tuple[bool, dict[str, Any]]]:
        """Send ``documents`` through ``streaming_bulk``: one ``(ok, item)`` per document, in order.

        Elasticsearch refuses a whole bulk request when one item fails the request's
        validation (an ``_id`` over 512 bytes), and a request too large for it: every item
        then fails with one error. The refused documents are sent again in halves, down to
        single ones, so that only the item at fault fails, with its own error, and the
        others land. 429s are retried with backoff.
        """
        from elasticsearch import ApiError, TransportError
        from elasticsearch.helpers import streaming_bulk

        if not documents:
            return []
        positions: dict[str, deque[int]] = defaultdict(deque)
        for i, document in enumerate(documents):
            positions[document.id].append(i)
        actions = ({"_op_type": op_type, "_index": self.index, "_id": d.id, "_source": self._source(d)} for d in documents)
        results: list[tuple[bool, dict[str, Any]]] = [(False, {})] * len(documents)
        refused: list[int] = []
        stream = streaming_bulk(
            self.client,
            actions,
            chunk_size=len(documents),
            max_chunk_bytes=self.BULK_BYTES,
            raise_on_error=False,
            raise_on_exception=False,
            max_retries=5,
            initial_backoff=1,
            max_backoff=30,
        )
        try:
            for ok, item in stream:
                ((_op, detail),) = item.items()
                # Items come back in order, except 429s retried later: place them by id.
                i = positions[str(detail.get("_id"))].popleft()
                results[i] = (ok, detail)
                if not ok and isinstance(detail.get("exception"), ApiError) and detail.get("status") in _SPLIT_STATUSES:
                    refused.append(i)
        except (ApiError, TransportError) as e:
            raise _translate(e, self.config) from e
        if len(refused) > 1:
            half = len(refused) // 2
            for part in (refused[:half], refused[half:]):
                for i, result in zip(part, self._bulk(op_type, [documents[i] for i in part])):
                    results[i] = result
        return results

    # -- reads ---------------------------------------------------------------------

    COUNT_TTL = 1.0
    """Seconds a count is reused. Elasticsearch itself counts a write only after the next
    refresh (every second by default), so a check, which needs the count for every
    article, may reuse it that long; this store's own writes and refreshes forget it."""

    def count(self) -> int:
        self.init()
        now = time.monotonic()
        if self._counted is not None and now - self._counted[0] < self.COUNT_TTL:
            return self._counted[1]
        response = self._call(self.client.count, index=self.index)
        shards = response.get("_shards") or {}
        if shards.get("failed"):  # a count of the shards that answered is not the archive's size
            raise StoreUnavailableError(
                f"{self.config.describe_store()} cannot answer in full: {shards['failed']} of {shards.get('total')} shard(s) "
                f"failed to count ({_cause((shards.get('failures') or [{}])[0].get('reason') or {})})"
            )
        n = int(response["count"])
        self._counted = (now, n)
        return n

    def get(self, ids: Sequence[str]) -> dict[str, Article]:
        self.init()
        unique = list(dict.fromkeys(ids))
        if not unique:
            return {}
        response = self._call(self.client.mget, index=self.index, ids=unique, source_includes=_SOURCE_FIELDS)
        return {doc["_id"]: _article(doc["_source"]) for doc in _found(response, self.config)}

    def selection_query(self, selection: ArticleFilter | None = None) -> dict[str, Any]:
        """The query that selects the stored articles ``selection`` names."""
        selection = selection or ArticleFilter()
        filters: list[dict[str, Any]] = []
        if selection.outlet is not None:
            filters.append({"term": {"outlet": selection.outlet}})
        if selection.ids is not None:
            filters.append({"ids": {"values": list(selection.ids)}})
        window = {}
        if selection.since is not None:
            window["gte"] = selection.since.isoformat()
        if selection.until is not None:
            window["lt"] = selection.until.isoformat()
        if window:
            filters.append({"range": {"published_at": window}})
        return {"bool": {"filter": filters}} if filters else {"match_all": {}}

    def iter_articles(self, selection: ArticleFilter | None = None) -> Iterator[Article]:
        from elasticsearch import ApiError, TransportError
        from elasticsearch.helpers import ScanError, scan

        self.init()
        query = self.selection_query(selection)
        try:
            for hit in scan(
                self.client,
                index=self.index,
                query={"query": query, "sort": [{"id": "asc"}]},
                preserve_order=True,
                size=500,
                _source_includes=_SOURCE_FIELDS,
            ):
                yield _article(hit["_source"])
        except (ApiError, TransportError) as e:
            raise _translate(e, self.config) from e
        except ScanError as e:  # some shards did not answer: the listing would miss their articles
            raise StoreUnavailableError(f"{self.config.describe_store()} cannot answer in full: {e}") from e

    def count_selection(self, selection: ArticleFilter | None = None) -> tuple[int, int]:
        """How many stored articles ``selection`` names, and how many of those no slice
        of :meth:`iter_slice` holds (articles stored without a ``simhash``: none, for an
        index written by attrib)."""
        self.init()
        query = self.selection_query(selection)
        unsliced = {"bool": {"filter": [query], "must_not": [{"exists": {"field": SLICE_FIELD}}]}}
        counts = []
        for q in (query, unsliced):
            response = self._call(self.client.count, index=self.index, query=q)
            if response.get("_shards", {}).get("failed"):
                raise StoreUnavailableError(f"{self.config.describe_store()} cannot answer in full: a shard failed to count")
            counts.append(int(response["count"]))
        return counts[0], counts[1]

    def iter_slice(self, selection: ArticleFilter | None, slice_id: int, slices: int, *, page: int = 500) -> Iterator[Article]:
        """The articles of slice ``slice_id`` of ``slices`` of the ones ``selection`` names,
        read from a point in time of their own, in pages.

        Slices split on the value of the ``simhash`` field, not on Lucene document
        numbers: an article falls in the same slice whatever point in time reads it, so
        a slice read again after an interruption holds the same articles (while the
        index does not change), and the slices together hold each article once."""
        self.init()
        query = self.selection_query(selection)
        pit = self._call(self.client.open_point_in_time, index=self.index, keep_alive="5m")["id"]
        after = None
        try:
            while True:
                body: dict[str, Any] = {
                    "size": page, "pit": {"id": pit, "keep_alive": "5m"}, "sort": [{"_shard_doc": "asc"}], "query": query,
                    "_source": {"includes": _SOURCE_FIELDS}, "track_total_hits": False,
                    "allow_partial_search_results": False,
                }
                if slices > 1:  # Elasticsearch takes no slice of one
                    body["slice"] = {"field": SLICE_FIELD, "id": slice_id, "max": slices}
                if after is not None:
                    body["search_after"] = after
                response = self._call(self.client.search, **body)
                if response.get("_shards", {}).get("failed"):
                    raise StoreUnavailableError(f"{self.config.describe_store()} cannot answer in full: a shard failed the slice")
                pit = response.get("pit_id", pit)
                hits = response["hits"]["hits"]
                if not hits:
                    return
                for hit in hits:
                    yield _article(hit["_source"])
                after = hits[-1]["sort"]
        finally:
            with contextlib.suppress(Exception):  # closing a point in time is best effort; it expires anyway
                self.client.close_point_in_time(id=pit)

    def find_quotes(self, grams: Sequence[int], *, exclude: Collection[str] = (), limit: int = 20) -> list[QuoteOccurrence]:
        self.init()
        grams = list(dict.fromkeys(grams))[:MAX_QUERY_TERMS]
        if not grams or limit <= 0:
            return []
        nested = {
            "nested": {
                "path": "quotes",
                "score_mode": "max",
                "query": {
                    "bool": {
                        "should": [{"term": {"quotes.grams": hash_term(g)}} for g in grams],
                        "minimum_should_match": min_shared_grams(grams),
                    }
                },
                "inner_hits": {"size": 3, "_source": ["quotes.text", "quotes.start", "quotes.end", "quotes.cue", "quotes.credited_outlet", "quotes.interview"]},
            }
        }
        query: dict[str, Any] = {"bool": {"must": [nested]}}
        if exclude:
            query["bool"]["must_not"] = [{"ids": {"values": list(exclude)}}]
        response = self._call(
            self.client.search, index=self.index, query=query, size=limit, source_includes=["id", "outlet", "published_at"], track_total_hits=False,
            allow_partial_search_results=False,  # the quote's first carrier may be on the missing shard
        )
        found: list[QuoteOccurrence] = []
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            for inner in hit["inner_hits"]["quotes"]["hits"]["hits"]:
                q = inner["_source"]
                found.append(
                    QuoteOccurrence(
                        article_id=source["id"], outlet=source.get("outlet"), published_at=parse_datetime(source.get("published_at")),
                        quote_text=q["text"], start=q["start"], end=q["end"], credited_outlet=q.get("credited_outlet"),
                        cue=q.get("cue"), interview=q.get("interview"),
                    )
                )
        return found[:limit]

    def candidate_query(
        self, query: Document, exclude: Collection[str] = (), passages: Sequence[Sequence[str]] = (), n: int = 0
    ) -> dict[str, Any]:
        """The retrieval query: IDF-scored fingerprint terms and a MinHash band bonus, plus
        BM25 over content-word pairs when the query has them, and, in the second stage of
        the cascade, the best BM25 over the ``text`` field of any of ``passages`` (each a
        passage's content words, :func:`~attrib.store.base.query_passages`).

        With pairs or passages, the fingerprint part is a ``bool`` named ``evidence``, so that
        each hit reports that part's score. Naming the pair clause instead would cost more:
        the fetch phase re-creates a named clause's weights, one term lookup per pair (about
        2,000 for a long query) against about 1,000 fingerprints.
        """
        # One ``match`` whose whitespace analyzer splits the hex terms scores exactly as a
        # ``term`` clause per fingerprint did (each matching term adds its IDF: ``fp`` is a
        # keyword field, no norms, term frequency 1), with a third of the request body and
        # without building a thousand clauses in Python and parsing them in Elasticsearch.
        terms = query_terms(query)
        evidence: list[dict[str, Any]] = (
            [{"match": {"fp": {"query": hash_terms(terms), "analyzer": "whitespace"}}}] if terms else []
        )
        if query.bands:
            evidence.append({"constant_score": {"filter": {"terms": {"bands": list(query.bands)}}, "boost": BAND_BOOST}})
        pairs = query_pairs(query)
        should: list[dict[str, Any]] = []
        if pairs:
            should.append({"match": {"cp": {"query": hash_terms(pairs), "boost": PAIR_WEIGHT}}})
        if passages:
            # Per passage, more_like_this picks its rarest words by the index's own document
            # frequencies (each word occurs once in ``like``, so tf-idf is idf) and scores
            # them by BM25; dis_max keeps an article's best passage. ``n`` (articles stored;
            # 0: unknown) caps the words' document frequency.
            clauses = []
            for words in passages:
                mlt: dict[str, Any] = {
                    "fields": ["text"], "like": " ".join(words), "max_query_terms": PASSAGE_TERMS, "min_term_freq": 1,
                    "min_doc_freq": 1, "minimum_should_match": 1,
                }
                if n > 0:
                    mlt["max_doc_freq"] = text_max_df(n)
                clauses.append({"more_like_this": mlt})
            should.append({"dis_max": {"queries": clauses, "boost": TEXT_WEIGHT}})
        if should and evidence:
            should.append({"bool": {"should": evidence, "_name": EVIDENCE_QUERY}})
        elif not should:
            should = evidence
        body: dict[str, Any] = {"should": should, "minimum_should_match": 1}
        if exclude:
            body["must_not"] = [{"ids": {"values": list(exclude)}}]
        return {"bool": body}

    deep_queries = 0
    """Second-stage queries this store has run (see :data:`~attrib.store.base.CASCADE_EVIDENCE`)."""

    def _ranked(
        self, query: Document, limit: int, exclude: Collection[str], passages: Sequence[Sequence[str]] = (), n: int = 0
    ) -> list[Candidate]:
        response = self._call(
            self.client.search,
            index=self.index,
            query=self.candidate_query(query, exclude, passages, n),
            size=limit,
            source=False,
            track_total_hits=False,
            include_named_queries_score=True,
            allow_partial_search_results=False,  # else a missing shard's articles are silently no source
        )
        out = []
        named = bool(query.pairs) or bool(passages)
        for hit in response["hits"]["hits"]:
            score = float(hit["_score"])
            if named:
                evidence = min(score, float((hit.get("matched_queries") or {}).get(EVIDENCE_QUERY, 0.0)))
            else:
                evidence = score
            out.append(Candidate(id=hit["_id"], score=score, shared=None, band_match=None, evidence=evidence))
        return out

    def candidates(
        self, query: Document, *, limit: int = 10, exclude: Collection[str] = (), cascade: float | None = None
    ) -> list[Candidate]:
        params = self.init()
        params.check_compatible(query.params, where=f"query and index {self.index}")
        if limit <= 0:
            return []
        first = self._ranked(query, limit, exclude) if (query.fingerprints or query.bands or query.pairs) else []
        n = self.count() if cascade is not None else 0
        passages = second_stage_passages(first, query, n, cascade)
        if not passages:
            return first
        self.deep_queries += 1
        return self._ranked(query, limit, exclude, passages, n)

    # -- single articles, attribution and search --------------------------------------

    _ATTRIBUTION_FIELDS = ("story_id", "copies_seen", "attribution")

    def _add_attribution_fields(self) -> None:
        """Indexes made before attribution existed get its fields, and every article in
        them its own ``story_id`` (a ``collapse`` on the field needs it on every document)."""
        missing = [name for name in self._ATTRIBUTION_FIELDS if name not in self._fields]
        if not missing:
            return
        spec = load_template("articles")["template"]["mappings"]["properties"]
        self._call(self.client.indices.put_mapping, index=self.index, properties={n: spec[n] for n in missing})
        if "story_id" in missing:
            self._backfill_stories()
        self._fields.update(missing)

    def _backfill_stories(self) -> None:
        """Give every article without a ``story_id`` its own, by partial updates (not
        ``_update_by_query``, which needs the reindex module a bare server lacks)."""
        from elasticsearch import ApiError, TransportError
        from elasticsearch.helpers import bulk, scan

        query = {"query": {"bool": {"must_not": {"exists": {"field": "story_id"}}}}}
        try:
            self.client.indices.refresh(index=self.index)
            hits = scan(self.client, index=self.index, query=query, _source=False, size=1000)
            actions = ({"_op_type": "update", "_index": self.index, "_id": h["_id"], "doc": {"story_id": h["_id"]}} for h in hits)
            bulk(self.client, actions, chunk_size=1000, raise_on_error=False, refresh=True)
        except (ApiError, TransportError) as e:
            raise _translate(e, self.config) from e

    def delete(self, article_id: str) -> bool:
        self.init()
        self._counted = None
        response = self._call(self.client.options(ignore_status=404).delete, index=self.index, id=article_id)
        return response.get("result") == "deleted"

    def get_stored(self, ids: Sequence[str]) -> dict[str, StoredArticle]:
        self.init()
        unique = list(dict.fromkeys(ids))
        if not unique:
            return {}
        response = self._call(
            self.client.mget, index=self.index, ids=unique, source_includes=[*_SOURCE_FIELDS, *self._ATTRIBUTION_FIELDS]
        )
        return {doc["_id"]: _stored(doc["_source"]) for doc in response["docs"] if doc.get("found")}

    def set_attribution(self, article_id: str, attribution: Attribution) -> bool:
        from elasticsearch import NotFoundError

        self.init()
        self._add_attribution_fields()
        doc = {"story_id": attribution.story_id, "attribution": attribution.to_dict()}
        try:
            self.client.update(index=self.index, id=article_id, doc=doc, retry_on_conflict=5)
        except NotFoundError:
            return False
        except Exception as e:  # noqa: BLE001 - translated
            raise _translate(e, self.config) from e
        return True

    def recount_copies(self, story_ids: Collection[str]) -> dict[str, int]:
        """Counts what is stored now: refreshes the index first."""
        from elasticsearch import NotFoundError

        self.init()
        self._add_attribution_fields()
        unique = list(dict.fromkeys(story_ids))
        if not unique:
            return {}
        self.refresh()
        response = self._call(
            self.client.search, index=self.index, size=0,
            query={"bool": {"filter": [{"terms": {"story_id": unique}}], "must_not": [{"ids": {"values": unique}}]}},
            aggs={"stories": {"terms": {"field": "story_id", "size": len(unique)}}},
        )
        counts = {b["key"]: b["doc_count"] for b in response["aggregations"]["stories"]["buckets"]}
        found: dict[str, int] = {}
        for story_id in unique:
            n = counts.get(story_id, 0)
            try:
                self.client.update(index=self.index, id=story_id, doc={"copies_seen": n}, retry_on_conflict=5)
            except NotFoundError:
                continue
            except Exception as e:  # noqa: BLE001 - translated
                raise _translate(e, self.config) from e
            found[story_id] = n
        return found

    def search(self, query: SearchQuery) -> SearchPage:
        self.init()
        self._add_attribution_fields()
        must: list[dict[str, Any]] = []
        if query.text is not None and query.text.strip():
            must.append({"multi_match": {"query": query.text, "fields": ["title^2", "text"]}})
        filters: list[dict[str, Any]] = []
        if query.outlet is not None:
            filters.append({"term": {"outlet": query.outlet}})
        window = {}
        if query.since is not None:
            window["gte"] = query.since.isoformat()
        if query.until is not None:
            window["lt"] = query.until.isoformat()
        if window:
            filters.append({"range": {"published_at": window}})
        if query.story is not None:
            filters.append({"term": {"story_id": query.story}})
        must_not = [{"exists": {"field": "attribution.original_id"}}] if query.originals_only else []
        newest = {"published_at": {"order": "desc", "missing": "_last"}}
        if query.story is not None:
            sort: list[Any] = [{"published_at": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]
        elif must:
            sort = ["_score", newest, {"id": "asc"}]
        else:
            sort = [newest, {"id": "asc"}]
        body: dict[str, Any] = {
            "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filters, "must_not": must_not}},
            "sort": sort,
            "from": query.offset,
            "size": query.size,
            "track_total_hits": True,
            "_source": {"includes": [*_SOURCE_FIELDS, *self._ATTRIBUTION_FIELDS]},
        }
        if must:
            body["track_scores"] = True
            body["highlight"] = {"fields": {"text": {"fragment_size": 160, "number_of_fragments": 1, "pre_tags": [""], "post_tags": [""]}}}
        if query.folded:
            body["collapse"] = {"field": "story_id"}
            body["aggs"] = {"stories": {"cardinality": {"field": "story_id", "precision_threshold": 40000}}}
        response = self._call(self.client.search, index=self.index, **body)
        hits = response["hits"]["hits"]
        total = response["aggregations"]["stories"]["value"] if query.folded else response["hits"]["total"]["value"]
        originals: dict[str, StoredArticle] = {}
        if query.folded:
            wanted = [h["_source"]["story_id"] for h in hits if h["_source"].get("story_id", h["_id"]) != h["_id"]]
            originals = self.get_stored(wanted)
        out = []
        for hit in hits:
            matched = _stored(hit["_source"])
            shown = originals.get(matched.story_id, matched) if query.folded else matched
            fragments = (hit.get("highlight") or {}).get("text")
            out.append(SearchHit(
                stored=shown, matched_id=hit["_id"], score=None if hit.get("_score") is None else round(float(hit["_score"]), 4),
                snippet=fragments[0] if fragments else None, copies=shown.copies_seen if query.folded else 0,
            ))
        return SearchPage(total=int(total), hits=out)


def _stored(source: dict[str, Any]) -> StoredArticle:
    article = _article(source)
    story_id = source.get("story_id") or article.id
    data = source.get("attribution")
    attribution = Attribution.from_dict(data, story_id) if data and data.get("verdict") else None
    return StoredArticle(article=article, story_id=story_id, attribution=attribution, copies_seen=int(source.get("copies_seen") or 0))


def _write_result(article_id: str, ok: bool, detail: dict[str, Any]) -> WriteResult:
    if ok:
        return WriteResult(article_id, WriteStatus.UPDATED if detail.get("result") == "updated" else WriteStatus.CREATED)
    return WriteResult(article_id, WriteStatus.FAILED, _item_error(detail))


def _item_error(detail: dict[str, Any]) -> str:
    if detail.get("exception") is not None:  # the whole request was refused
        return _reason(detail["exception"])
    error = detail.get("error")
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    if error:
        return str(error)
    return f"status {detail.get('status')}"


def _found(response: dict[str, Any], config: Config) -> list[dict[str, Any]]:
    """The documents an mget found; raises when one could not be read at all (its shard
    has no live copy), which would otherwise pass for an article not stored."""
    unread = [doc for doc in response["docs"] if doc.get("error")]
    if unread:
        raise StoreUnavailableError(
            f"{config.describe_store()} cannot answer in full: {len(unread)} article(s) unreadable, "
            f"first {unread[0]['_id']}: {_cause(unread[0]['error'])}"
        )
    return [doc for doc in response["docs"] if doc.get("found")]


def _article(source: dict[str, Any]) -> Article:
    return Article(
        id=source["id"],
        text=source["text"],
        title=source.get("title"),
        outlet=source.get("outlet"),
        url=source.get("url"),
        published_at=parse_datetime(source.get("published_at")),
        lang=source.get("lang"),
    )
