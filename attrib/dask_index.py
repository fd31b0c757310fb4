"""Indexing spread over a Dask cluster (``attrib index PATH... --dask ADDRESS``).

The input is cut into the partitions of :mod:`attrib.dask_scan`; each task opens its own
store client from the :class:`~attrib.config.Config` it is given by value, fingerprints
its articles and bulk-writes them straight into the store, and sends back one result per
record, as :func:`attrib.indexing.index_records` yields them on one machine. Nothing is
kept on the side: writes are idempotent (an article already stored with the same text is
``exists``), so a task that Dask reruns after its worker died, or a run started again,
lands every document once; the articles it had written before the kill are then
reported as ``exists`` rather than ``indexed``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterator, Sequence

from attrib.config import Config
from attrib.dask_scan import PARTITION_BYTES, Partition, _records, dask_client, finished_tasks, plan_partitions
from attrib.errors import InputError
from attrib.indexing import IndexEvent, index_records
from attrib.readers import FieldMap
from attrib.store.base import Store, WritePolicy


def index_partition(
    partition: Partition, config: Config, policy: WritePolicy, encoding: str, fields: FieldMap | None
) -> list[IndexEvent]:
    """Fingerprint and store one partition in a worker; its events, in input order."""
    from attrib.store import open_store

    store = open_store(config)
    try:
        return list(index_records(store, _records(partition, encoding, fields), policy=policy))
    finally:
        store.close()


def dask_index(
    paths: Sequence[str | Path],
    config: Config,
    store: Store,
    *,
    policy: WritePolicy = WritePolicy.KEEP,
    address: str = "local",
    workers: int = 2,
    processes: bool = True,
    partition_bytes: int = PARTITION_BYTES,
    encoding: str = "utf-8",
    fields: FieldMap | None = None,
) -> Iterator[IndexEvent]:
    """Index every article under ``paths`` on a Dask cluster; one event per record,
    partition by partition as the tasks finish. ``store`` (this machine's client of the
    same store) creates the store with its fingerprint parameters first, so every worker
    fingerprints with the same ones."""
    try:
        import distributed  # noqa: F401 - said here, before any work, when it is missing
    except ImportError:
        raise InputError("--dask needs Dask distributed: pip install 'attrib[dask]'") from None

    if not config.uses_elasticsearch:
        config = dataclasses.replace(config, db_path=Path(config.db_path).resolve())
    plan = plan_partitions(paths, partition_bytes)
    store.init()
    with dask_client(address, workers, processes) as client:
        for events in finished_tasks(client, index_partition, plan, (config, policy, encoding, fields), "index",
                                     "what landed stays, run the same command again"):
            yield from events
        store.refresh()
