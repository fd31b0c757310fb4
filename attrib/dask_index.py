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
import uuid
from pathlib import Path
from typing import Iterator, Sequence

from attrib.config import Config
from attrib.dask_scan import PARTITION_BYTES, Partition, _records, plan_partitions
from attrib.errors import AttribError, InputError, StoreUnavailableError
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
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError("--dask needs Dask distributed: pip install 'attrib[dask]'") from None

    if not config.uses_elasticsearch:
        config = dataclasses.replace(config, db_path=Path(config.db_path).resolve())
    plan = plan_partitions(paths, partition_bytes)
    store.init()
    cluster = None
    if address == "local":
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=processes, dashboard_address=":0")
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout="30s")
        except (OSError, TimeoutError) as e:
            raise StoreUnavailableError(f"no Dask scheduler answers at {address} ({e})") from e
    run = uuid.uuid4().hex
    try:
        futures = [
            client.submit(index_partition, p, config, policy, encoding, fields, key=f"attrib-index-{run}-{p.name()}", pure=False)
            for p in plan
        ]
        for future in as_completed(futures):
            try:
                events = future.result()
            except AttribError:
                for other in futures:
                    other.cancel()
                raise
            except Exception as e:  # noqa: BLE001 - e.g. KilledWorker: the task's workers kept dying
                for other in futures:
                    other.cancel()
                raise AttribError(
                    f"a Dask task failed ({type(e).__name__}: {e}); what landed stays, run the same command again"
                ) from e
            yield from events
        store.refresh()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
