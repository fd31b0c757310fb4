"""Indexing: read -> prepare (fingerprint) -> store, streaming, one event per record.

The library yields an event for every record (a :class:`~attrib.store.WriteResult` or a
:class:`~attrib.readers.BadRecord`); the CLI and scripts count them and draw progress.
A bad record never stops the good ones, and re-running the same input adds nothing:
articles already stored are reported as ``exists``, and an id already stored with other
text as a ``conflict`` (unless the write policy says to update it).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from attrib.article import Article
from attrib.core import FingerprintParams
from attrib.documents import Document, prepare
from attrib.readers import BadRecord, Record
from attrib.store.base import Store, WritePolicy, WriteResult, WriteStatus

IndexEvent = WriteResult | BadRecord


def _prepare_record(job: tuple[Record, FingerprintParams]) -> Document | BadRecord:
    record, params = job
    return record if isinstance(record, BadRecord) else prepare(record, params)


def prepared(records: Iterable[Record], params: FingerprintParams, workers: int = 1) -> Iterator[Document | BadRecord]:
    """Fingerprint records in input order, on ``workers`` processes (1: in this one)."""
    jobs = ((record, params) for record in records)
    if workers <= 1:
        yield from map(_prepare_record, jobs)
        return
    context = multiprocessing.get_context("fork" if os.name != "nt" else "spawn")
    with context.Pool(workers) as pool:
        yield from pool.imap(_prepare_record, jobs, chunksize=32)


def index_records(
    store: Store, records: Iterable[Record], *, policy: WritePolicy = WritePolicy.KEEP, workers: int = 1
) -> Iterator[IndexEvent]:
    """Fingerprint and store every article of ``records``, yielding one event per record.

    ``workers`` > 1 fingerprints on that many processes while this one writes."""
    params = store.init()
    bad: deque[BadRecord] = deque()

    def documents() -> Iterator[Document]:
        for item in prepared(records, params, workers):
            if isinstance(item, BadRecord):
                bad.append(item)
            else:
                yield item

    for result in store.write(documents(), policy=policy):
        while bad:
            yield bad.popleft()
        yield result
    while bad:
        yield bad.popleft()
    store.refresh()


def index_articles(
    store: Store, articles: Iterable[Article], *, policy: WritePolicy = WritePolicy.KEEP, workers: int = 1
) -> "IndexSummary":
    """Index articles and return the summary (for library users and tests)."""
    summary = IndexSummary()
    for event in index_records(store, articles, policy=policy, workers=workers):
        summary.add(event)
    return summary


@dataclass
class IndexSummary:
    """Counts of an indexing run, with the failures and bad records named."""

    indexed: int = 0
    updated: int = 0
    existing: int = 0
    conflicts: list[WriteResult] = field(default_factory=list)
    failed: list[WriteResult] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)

    def add(self, event: IndexEvent) -> None:
        if isinstance(event, BadRecord):
            self.bad.append(event)
        elif event.status is WriteStatus.CREATED:
            self.indexed += 1
        elif event.status is WriteStatus.UPDATED:
            self.updated += 1
        elif event.status is WriteStatus.EXISTS:
            self.existing += 1
        elif event.status is WriteStatus.CONFLICT:
            self.conflicts.append(event)
        else:
            self.failed.append(event)

    @property
    def landed(self) -> int:
        return self.indexed + self.updated

    def line(self) -> str:
        parts = [f"indexed {self.indexed}"]
        if self.updated:
            parts.append(f"updated {self.updated}")
        parts.append(f"already indexed {self.existing}")
        if self.conflicts:
            parts.append(f"conflicts {len(self.conflicts)}")
        parts.append(f"skipped {len(self.bad)} bad record(s)")
        parts.append(f"failed {len(self.failed)}")
        return ", ".join(parts)
