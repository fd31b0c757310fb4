"""Reading a newsroom's own Elasticsearch index, and writing attribution back onto it.

A newsroom keeps its articles in an index of its own, with field names of its own
(``body``, ``headline``, ``pubDate``). :func:`read_index` reads such an index with a
point in time and ``search_after`` (a consistent snapshot, in pages, however large the
index), maps each document to an :class:`~attrib.article.Article` through the same
``--field`` mapping the file readers use, and yields a
:class:`~attrib.readers.BadRecord` naming the index and document for each one that
cannot be read. :func:`follow_index` then polls for documents whose timestamp field is
newer than the newest seen. :func:`write_back` stores an article's attribution on its
source document as a partial update under ``attrib.*``.

The source document's ``_id`` is the article id unless the mapping names an id field.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator, Mapping

from attrib.errors import InputError, StoreUnavailableError
from attrib.readers import BadRecord, FieldMap, Record, article_from_record

PAGE = 500
"""Documents per page of a read."""


def _page_records(index: str, hits: list[Mapping[str, Any]], fields: FieldMap | None) -> Iterator[Record]:
    for hit in hits:
        source = dict(hit.get("_source") or {})
        mapping = dict(fields or {})
        if "id" not in mapping:
            source["_id"] = hit["_id"]
            mapping["id"] = "_id"
        try:
            yield article_from_record(source, mapping)
        except InputError as e:
            yield BadRecord(f"{index}/{hit['_id']}", str(e))


def count(client, index: str) -> int:
    """How many documents ``index`` holds (for a progress bar)."""
    try:
        return int(client.count(index=index)["count"])
    except Exception as e:  # noqa: BLE001 - any client failure is the store's to report
        raise _translate(e, index) from e


def read_index(client, index: str, fields: FieldMap | None = None, *, query: Mapping[str, Any] | None = None,
               page: int = PAGE) -> Iterator[Record]:
    """Every document of ``index`` (or those matching ``query``) as an article or a bad
    record, read from one point in time in ``_shard_doc`` order."""
    try:
        pit = client.open_point_in_time(index=index, keep_alive="2m")["id"]
    except Exception as e:  # noqa: BLE001
        raise _translate(e, index) from e
    after = None
    try:
        while True:
            body: dict[str, Any] = {
                "size": page, "pit": {"id": pit, "keep_alive": "2m"}, "sort": [{"_shard_doc": "asc"}],
                "query": dict(query) if query else {"match_all": {}},
            }
            if after is not None:
                body["search_after"] = after
            try:
                response = client.search(**body)
            except Exception as e:  # noqa: BLE001
                raise _translate(e, index) from e
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            if not hits:
                return
            yield from _page_records(index, hits, fields)
            after = hits[-1]["sort"]
    finally:
        try:
            client.close_point_in_time(id=pit)
        except Exception:  # noqa: BLE001 - closing a snapshot is best effort
            pass


def follow_index(client, index: str, timestamp_field: str, fields: FieldMap | None = None, *,
                 since: str | None = None, poll_seconds: float = 10.0, stop: Callable[[], bool] = lambda: False,
                 sleep: Callable[[float], None] = time.sleep) -> Iterator[list[Record]]:
    """Batches, one per poll: the documents of ``index`` whose ``timestamp_field`` is newer
    than ``since`` (all when None), then, every ``poll_seconds`` until ``stop()`` says
    so, those newer than the newest seen so far (an empty batch when none arrived). A
    document that arrives with an older timestamp than one already seen is not picked
    up: give new documents the time they are indexed at."""
    newest = since
    while True:
        query = {"range": {timestamp_field: {"gt": newest}}} if newest is not None else {"exists": {"field": timestamp_field}}
        try:
            top = client.search(index=index, size=1, sort=[{timestamp_field: "desc"}], query=query,
                                source=False, docvalue_fields=[{"field": timestamp_field, "format": "strict_date_optional_time"}])
        except Exception as e:  # noqa: BLE001
            raise _translate(e, index) from e
        hits = top["hits"]["hits"]
        if hits:
            upper = hits[0]["fields"][timestamp_field][0]
            window = {"range": {timestamp_field: {"lte": upper, **({"gt": newest} if newest is not None else {})}}}
            yield list(read_index(client, index, fields, query=window))
            newest = upper
        else:
            yield []
        if stop():
            return
        sleep(poll_seconds)
        if stop():
            return


def write_back(client, index: str, doc_id: str, attribution: Mapping[str, Any]) -> None:
    """Store ``attribution`` on document ``doc_id`` of ``index`` under ``attrib.*``."""
    try:
        client.update(index=index, id=doc_id, doc={"attrib": dict(attribution)}, retry_on_conflict=3)
    except Exception as e:  # noqa: BLE001
        raise _translate(e, index) from e


def _translate(error: Exception, index: str) -> Exception:
    from elasticsearch import ApiError, TransportError

    if isinstance(error, ApiError) and getattr(error, "status_code", None) == 404:
        return InputError(f"no index {index!r} in the cluster", field="from_es_index")
    if isinstance(error, (ApiError, TransportError)):
        return StoreUnavailableError(f"reading index {index!r}: {error}")
    return error
