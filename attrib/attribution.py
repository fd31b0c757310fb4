"""Attribution on arrival: index articles and check each new one against what came before.

What a check finds is stored on the article (:class:`~attrib.store.base.Attribution`:
verdict, original, copied share, unattributed quotes, and the story it joins), and the
original's ``copies_seen`` is recounted, so a newsroom's own Elasticsearch queries can
filter, sort and ``collapse`` on it (docs/INTEGRATION.md).

Articles are checked in the order they arrive: each one against the store as it was
before it, so two undated copies in one batch do not name each other as their original.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice
from typing import Collection, Iterable, Iterator, Sequence

from attrib.article import Article
from attrib.detect import CheckOptions, check
from attrib.errors import AttribError, StoreUnavailableError
from attrib.indexing import prepared
from attrib.readers import BadRecord, Record
from attrib.report import Report
from attrib.store.base import COPY_VERDICTS, Attribution, Store, WritePolicy, WriteResult, WriteStatus

BATCH = 200
"""Articles written per batch before their checks; each is checked with the later ones of
its batch hidden."""

NEW = (WriteStatus.CREATED, WriteStatus.UPDATED)


@dataclass(frozen=True)
class Attributed(WriteResult):
    """A write result with what the check on arrival found (new and changed articles only)."""

    attribution: Attribution | None = None
    check_error: str | None = None
    """Why the check failed (the article is stored, without attribution)."""


def attribution_of(report: Report, store: Store, checked_at: datetime | None = None) -> Attribution:
    """What ``report`` says about its article, as stored with it. A copy joins its
    original's story (read from the store), anything else is a story of its own."""
    article_id = report.article.id
    original = report.original
    story_id = article_id
    if original is not None and report.verdict.value in COPY_VERDICTS:
        source_id = original.article.id
        stored = store.get_stored([source_id]).get(source_id)
        story_id = stored.story_id if stored is not None and stored.story_id != article_id else source_id
    return Attribution(
        verdict=report.verdict.value,
        story_id=story_id,
        original_id=original.article.id if original else None,
        original_outlet=original.article.outlet if original else None,
        copied_share=round(original.query_coverage, 4) if original else 0.0,
        unattributed_quotes=len(report.unattributed_quotes),
        checked_at=checked_at or datetime.now(timezone.utc),
    )


class _Before:
    """``store`` with some articles hidden from retrieval and quote look-ups: those that
    arrived after the one being checked."""

    def __init__(self, store: Store, hidden: Collection[str]):
        self._store = store
        self._hidden = list(hidden)

    def candidates(self, query, *, limit: int = 10, exclude: Collection[str] = (), **kwargs):
        return self._store.candidates(query, limit=limit, exclude=[*exclude, *self._hidden], **kwargs)

    def find_quotes(self, grams, *, exclude: Collection[str] = (), limit: int = 20):
        return self._store.find_quotes(grams, exclude=[*exclude, *self._hidden], limit=limit)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def attribute(store: Store, article: Article, options: CheckOptions = CheckOptions(), hidden: Sequence[str] = ()) -> tuple[Report, Attribution]:
    """Check a stored ``article`` against the rest of the store (less ``hidden``) and store
    the outcome on it. The caller recounts the copies of the story it joined."""
    report = check(article, _Before(store, hidden) if hidden else store, options)
    attribution = attribution_of(report, store)
    store.set_attribution(article.id, attribution)
    return report, attribution


def index_and_attribute(
    store: Store,
    records: Iterable[Record],
    *,
    policy: WritePolicy = WritePolicy.KEEP,
    options: CheckOptions = CheckOptions(),
    workers: int = 1,
    batch: int = BATCH,
) -> Iterator[Attributed | WriteResult | BadRecord]:
    """Index ``records`` and check every new or changed article on arrival, in input order.

    Yields one event per record, as :func:`attrib.indexing.index_records` does; the
    results of new and changed articles are :class:`Attributed`. A check that fails
    leaves its article stored without attribution (``check_error``); an unreachable store
    raises :class:`~attrib.errors.StoreUnavailableError`.
    """
    params = store.init()
    items = prepared(records, params, workers)
    while True:
        chunk = list(islice(items, batch))
        if not chunk:
            return
        yield from (item for item in chunk if isinstance(item, BadRecord))
        documents = [item for item in chunk if not isinstance(item, BadRecord)]
        results = list(store.write(documents, policy=policy))
        store.refresh()
        new = [(i, r.id) for i, r in enumerate(results) if r.status in NEW]
        stories: set[str] = set()
        for position, (document, result) in enumerate(zip(documents, results)):
            if result.status not in NEW:
                yield result
                continue
            later = [other for i, other in new if i > position and other != result.id]
            try:
                _, attribution = attribute(store, document.article, options, hidden=later)
            except StoreUnavailableError:
                raise
            except AttribError as e:
                yield Attributed(result.id, result.status, result.error, check_error=str(e))
                continue
            if attribution.story_id != result.id:
                stories.add(attribution.story_id)
            yield Attributed(result.id, result.status, result.error, attribution=attribution)
        if stories:
            store.recount_copies(sorted(stories))
            store.refresh()
