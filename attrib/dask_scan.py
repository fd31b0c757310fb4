"""Scans spread over a Dask cluster (``attrib scan PATH... --dask ADDRESS``).

Dask distributed runs our Python check as it is, on as many machines as there are
workers, with no JVM bridge and no scheduler of our own; it reruns the tasks of a worker
that dies. The input is cut into partitions: byte ranges of JSONL files that start and
end at line starts, and one partition for every other file; or, for ``--from-index``
(Elasticsearch), slices of a point-in-time search of the index
(:class:`IndexSlice`). Each partition is one task; both kinds run the same task, resume
and merge.
The task opens its own store client from the :class:`~attrib.config.Config` it is given
by value, checks its articles, writes the HTML reports of the flagged ones into
``reports/`` as a single-machine scan does, and then commits its results under
``parts/`` of the output folder:

``parts/plan.json``          the partitions, so that a re-run cuts the input the same way
``parts/NNNNNN.errors.jsonl``   bad records and failed checks of partition NNNNNN
``parts/NNNNNN.reports.jsonl``  its reports, written last: its presence marks the
                             partition done

Both are written through a temporary file renamed into place, so a part is whole or
absent. A re-run redoes only the partitions without a reports part; temporaries left by
a worker that died are deleted. When every partition is done the parts are merged, in
partition order, into ``reports.jsonl`` and ``errors.jsonl`` (an id reported by two
partitions, a duplicate in the input, is kept once: its first occurrence, as a
single-machine scan keeps it), and ``summary.csv`` and ``index.html`` are written from
them by the single-machine code.

The workers must see the input files, the output folder and the store at the same paths
as the machine running ``attrib scan`` (a shared file system, or Elasticsearch).
A partition with a failed check is done all the same: a re-run does not retry the check
(a single-machine re-run does); its error stays in ``errors.jsonl``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from attrib.config import Config
from attrib.detect import CheckOptions
from attrib.errors import AttribError, InputError, StoreUnavailableError
from attrib.readers import (
    JSONL_SUFFIXES,
    KNOWN_SUFFIXES,
    BadRecord,
    FieldMap,
    _check_path,
    read_file,
    read_jsonl,
)
from attrib.safe_files import write_atomic
from attrib.safe_text import html_document, json_text
from attrib.scan import (
    ERRORS,
    LOCK,
    REPORTS,
    ScanEvent,
    _check_manifest,
    _make_folder,
    _manifest,
    check_with_retries,
    report_file_name,
    require_articles,
    write_summaries,
)

PARTS = "parts"
PLAN = "plan.json"
PARTITION_BYTES = 4 << 20
"""Input bytes a partition holds at most (one JSONL line longer than that is a partition
of its own): some hundreds of news articles, a task of a minute or so."""


@dataclass(frozen=True)
class Partition:
    """One task's share of the input: lines ``[start, end)`` (byte offsets, at line
    starts) of a JSONL ``file``, starting at line ``first_line``; or, for another file
    (``start`` and ``end`` None), the whole of it, its ids taken below ``base``."""

    number: int
    file: str
    start: int | None = None
    end: int | None = None
    first_line: int = 1
    base: str | None = None

    def name(self) -> str:
        return f"{self.number:06d}"

    def records(self, store: Any, encoding: str, fields: FieldMap | None) -> Iterator[Any]:
        """Its articles, and a bad record for each line or file that cannot be read."""
        return _records(self, encoding, fields)

    def owns(self, location: str) -> bool:
        """Whether an error at ``location`` is a bad record of this partition's input
        (rather than a failed check of one of its articles)."""
        return location == self.file or location.startswith((self.file + ":", self.file + "["))


SLICE_ARTICLES = 1000
"""Articles an index slice holds, about (a task of some minutes)."""
MAX_SLICES = 1024
"""Slices of one point-in-time search at most (the default of Elasticsearch's
index.max_slices_per_scroll, its bound on sliced scrolls; a larger selection gets
larger slices)."""


@dataclass(frozen=True)
class IndexSlice:
    """One task's share of a ``--from-index`` scan: slice ``slice`` of ``slices`` of a
    point-in-time search of the Elasticsearch index for the articles of ``outlet``
    published in ``[since, until)`` (ISO 8601; None: no bound). Slices split on a value
    stored with each article, so a slice read again holds the same articles."""

    number: int
    slice: int
    slices: int
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    kind: str = "index-slice"

    def name(self) -> str:
        return f"{self.number:06d}"

    def selection(self) -> Any:
        from attrib.article import parse_datetime
        from attrib.store import ArticleFilter

        return ArticleFilter(outlet=self.outlet, since=parse_datetime(self.since, "since"), until=parse_datetime(self.until, "until"))

    def records(self, store: Any, encoding: str, fields: FieldMap | None) -> Iterator[Any]:
        return store.iter_slice(self.selection(), self.slice, self.slices)

    def owns(self, location: str) -> bool:
        return False  # articles read from the index are never bad records


def plan_slices(config: Config, outlet: str | None = None, since: str | None = None, until: str | None = None,
                slice_articles: int = SLICE_ARTICLES) -> tuple[list[IndexSlice], int]:
    """Cut a ``--from-index`` scan into slices of about ``slice_articles`` articles;
    returns them and the number of articles they hold. Raises :class:`InputError` for
    the embedded store, which has no point-in-time search to slice."""
    if not config.uses_elasticsearch:
        raise InputError("--from-index with --dask slices an Elasticsearch index; the embedded store scans on this machine "
                         "only (leave out --dask, or give --es-url)")
    if slice_articles < 1:
        raise InputError("--slice-articles must be at least 1", field="slice_articles")
    from attrib.store import open_store

    probe = open_store(config)
    try:
        selection = IndexSlice(0, 0, 1, outlet, since, until).selection()
        total, unsliced = probe.count_selection(selection)
    finally:
        probe.close()
    if unsliced:
        raise InputError(f"{unsliced} article(s) of {config.describe_store()} were stored without a simhash and fall in no "
                         "slice; index them again (attrib index --overwrite) or scan without --dask")
    slices = min(MAX_SLICES, max(1, -(-total // slice_articles)))
    return [IndexSlice(i, i, slices, outlet, since, until) for i in range(slices)], total


def plan_partitions(paths: Sequence[str | Path], partition_bytes: int = PARTITION_BYTES) -> list[Partition]:
    """Cut the files under ``paths`` into partitions (files in the order a single-machine
    scan reads them). Raises :class:`InputError` for standard input, which cannot be
    split or re-read, and for paths that do not exist."""
    if partition_bytes < 1:
        raise InputError("the partition size must be at least one byte", field="partition_size")
    partitions: list[Partition] = []
    for raw in paths:
        path = _check_path(raw)
        if path is None:
            raise InputError("standard input cannot be split between Dask workers; give files", source="-")
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in KNOWN_SUFFIXES)
            base = path
        else:
            files, base = [path], path.parent
        for file in files:
            if file.suffix.lower() in JSONL_SUFFIXES:
                partitions.extend(_jsonl_ranges(file, partition_bytes, len(partitions)))
            else:
                partitions.append(Partition(len(partitions), str(file), base=str(base)))
    return partitions


def _jsonl_ranges(file: Path, partition_bytes: int, first_number: int) -> Iterator[Partition]:
    try:
        handle = open(file, "rb")
    except OSError:  # unreadable: one partition, whose worker reports it as a bad record
        yield Partition(first_number, str(file), 0, 0)
        return
    number = first_number
    with handle:
        start = position = 0
        first_line = line = 1
        for raw in handle:
            position += len(raw)
            line += 1
            if position - start >= partition_bytes:
                yield Partition(number, str(file), start, position, first_line)
                number += 1
                start, first_line = position, line
        if position > start or number == first_number:
            yield Partition(number, str(file), start, position, first_line)


# -- in a worker ---------------------------------------------------------------------


def _records(partition: Partition, encoding: str, fields: FieldMap | None) -> Iterator[Any]:
    path = Path(partition.file)
    if partition.start is None:
        yield from read_file(path, encoding=encoding, base=Path(partition.base) if partition.base else None, fields=fields)
        return
    try:
        handle = open(path, "rb")
    except OSError as e:
        yield BadRecord(str(path), e.strerror or str(e), file=str(path))
        return
    try:
        with handle:
            handle.seek(partition.start)

            def lines() -> Iterator[bytes]:
                position = partition.start
                while position < partition.end:
                    raw = handle.readline()
                    if not raw:
                        return
                    position += len(raw)
                    yield raw

            yield from read_jsonl(lines(), str(path), encoding=encoding, fields=fields, first_line=partition.first_line)
    except AttribError as e:
        yield BadRecord(str(path), str(e), file=str(path))
    except Exception as e:  # noqa: BLE001 - as read_file: a reader failing costs this part of the file only
        yield BadRecord(str(path), f"could not be read ({type(e).__name__}: {' '.join(str(e).split())})", file=str(path))


def run_partition(
    partition: Partition | IndexSlice, output: str, config: Config, options: CheckOptions, encoding: str, fields: FieldMap | None
) -> list[tuple[str, str, bool, int, str | None]]:
    """Check one partition and commit its parts; returns its events as tuples (small
    enough to send back to the client for the progress bar and the summary line).

    Raises :class:`StoreUnavailableError` when the store stays away after retries; the
    partition is then left undone."""
    from attrib.store import open_store

    folder = Path(output)
    reports: list[str] = []
    errors: list[str] = []
    events: list[tuple[str, str, bool, int, str | None]] = []
    seen: set[str] = set()
    store = open_store(config)
    try:
        for record in partition.records(store, encoding, fields):
            if isinstance(record, BadRecord):
                errors.append(json.dumps({"location": record.location, "error": record.message}) + "\n")
                events.append((record.location, "bad", False, 0, record.message))
                continue
            if record.id in seen:
                events.append((record.id, "skipped", False, 0, None))
                continue
            seen.add(record.id)
            article_id, outcome = check_with_retries(record, store, options)
            if isinstance(outcome, tuple):
                kind, message = outcome
                if kind == "unavailable":
                    raise StoreUnavailableError(message)
                errors.append(json.dumps({"location": article_id, "error": message}) + "\n")
                events.append((article_id, "failed", False, 0, message))
                continue
            report = outcome
            if report.unattributed_quotes or report.original is not None:
                write_atomic(folder / "reports" / report_file_name(article_id), html_document(report.to_html()))
            reports.append(json_text(report.to_json(indent=None)) + "\n")
            events.append((article_id, "checked", report.original is not None, len(report.unattributed_quotes), None))
    finally:
        store.close()
    parts = folder / PARTS
    write_atomic(parts / f"{partition.name()}.errors.jsonl", "".join(errors))
    write_atomic(parts / f"{partition.name()}.reports.jsonl", "".join(reports))  # last: the partition is done
    return events


# -- the client ----------------------------------------------------------------------


def _done_events(parts: Path, partition: Partition | IndexSlice) -> Iterator[ScanEvent]:
    """The events of a partition finished in an earlier run: its articles are skipped,
    its bad records are bad again (so the exit code says so again)."""
    for line in (parts / f"{partition.name()}.reports.jsonl").read_text(encoding="utf-8").split("\n"):
        if line:
            yield ScanEvent(json.loads(line)["article"]["id"], "skipped")
    errors = parts / f"{partition.name()}.errors.jsonl"
    if errors.exists():
        for line in errors.read_text(encoding="utf-8").split("\n"):
            if line:
                record = json.loads(line)
                status = "bad" if partition.owns(record["location"]) else "failed"
                yield ScanEvent(record["location"], status, error=record["error"])


def _check_plan(parts: Path, plan: Sequence[Partition | IndexSlice]) -> None:
    described = [dataclasses.asdict(p) for p in plan]
    path = parts / PLAN
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            raise InputError(f"{PARTS}/{PLAN} is not readable JSON; use another --output folder", source=str(parts.parent)) from None
        if previous != described:
            raise InputError(
                "holds a Dask scan of this input as it was cut before; it has changed since. "
                "Use another --output folder to start afresh",
                source=str(parts.parent),
            )
    else:
        write_atomic(path, json.dumps(described) + "\n")


def _remove_temporaries(parts: Path) -> None:
    for temporary in parts.glob(".*.tmp"):
        temporary.unlink(missing_ok=True)


def merge_parts(output: Path, plan: Sequence[Partition | IndexSlice]) -> None:
    """Write ``reports.jsonl`` and ``errors.jsonl`` from the parts, in partition order,
    each article and each error location once; then ``summary.csv`` and ``index.html``.
    The parts are streamed through: only the ids seen are held in memory, not the
    reports (some kilobytes each, gigabytes for millions of articles)."""
    parts = output / PARTS

    def unique(kind: str, key) -> Iterator[str]:
        seen: set[str] = set()
        for partition in plan:
            # newline="\n": a line ends at a line feed only (U+2028 may be in a title)
            with open(parts / f"{partition.name()}.{kind}.jsonl", encoding="utf-8", newline="\n") as handle:
                for line in handle:
                    line = line.rstrip("\n")
                    if line:
                        value = key(json.loads(line))
                        if value not in seen:
                            seen.add(value)
                            yield line + "\n"

    write_atomic(output / REPORTS, unique("reports", lambda report: report["article"]["id"]))
    write_atomic(output / ERRORS, unique("errors", lambda error: error["location"]))
    _remove_temporaries(parts)
    write_summaries(output)


def dask_scan(
    paths: Sequence[str | Path],
    output: Path,
    config: Config,
    options: CheckOptions = CheckOptions(),
    *,
    address: str = "local",
    workers: int = 2,
    processes: bool = True,
    partition_bytes: int = PARTITION_BYTES,
    encoding: str = "utf-8",
    fields: FieldMap | None = None,
    inputs: dict[str, Any] | None = None,
) -> Iterator[ScanEvent]:
    """Check every article under ``paths`` on a Dask cluster, writing into ``output``
    what :func:`attrib.scan.scan` writes there.

    ``address`` is a scheduler (``tcp://host:8786``) or ``local`` for a LocalCluster of
    ``workers`` worker processes (threads when ``processes`` is False) on this machine.
    Yields one event per record, partition by partition as the tasks finish. Raises
    :class:`StoreUnavailableError` when a task found the store away after retries;
    every partition finished before is kept, and calling again continues.
    """
    _require_distributed()
    plan = plan_partitions(paths, partition_bytes)
    yield from dask_scan_partitions(
        plan, output, config, options, cut={"partition_bytes": partition_bytes}, address=address, workers=workers,
        processes=processes, encoding=encoding, fields=fields, inputs=inputs,
    )


def _require_distributed() -> None:
    try:
        import distributed  # noqa: F401 - said here, before any work, when it is missing
    except ImportError:
        raise InputError("--dask needs Dask distributed: pip install 'attrib[dask]'") from None


def dask_scan_partitions(
    plan: Sequence[Partition | IndexSlice],
    output: Path,
    config: Config,
    options: CheckOptions = CheckOptions(),
    *,
    cut: dict[str, Any],
    address: str = "local",
    workers: int = 2,
    processes: bool = True,
    encoding: str = "utf-8",
    fields: FieldMap | None = None,
    inputs: dict[str, Any] | None = None,
) -> Iterator[ScanEvent]:
    """:func:`dask_scan` of partitions already planned: byte ranges of files
    (:func:`plan_partitions`) or slices of the index (:func:`plan_slices`). ``cut`` says
    how they were cut, for the manifest that a resume must match."""
    from attrib.safe_files import lock_folder

    _require_distributed()
    if not config.uses_elasticsearch:
        config = dataclasses.replace(config, db_path=Path(config.db_path).resolve())
    require_articles(config)
    output = Path(output).resolve()
    _make_folder(output)
    for sub in ("reports", PARTS):
        if (output / sub).is_symlink():
            raise InputError("is a symlink; refusing to write through it", source=str(output / sub))
        _make_folder(output / sub)
    lock = lock_folder(
        output, LOCK, "another attrib scan is writing into this folder; wait for it to end or use another --output folder"
    )
    try:
        manifest = _manifest(dict(inputs or {}, dask=cut), options, config)
        _check_manifest(output, manifest)
        parts = output / PARTS
        _check_plan(parts, plan)
        _remove_temporaries(parts)
        todo = [p for p in plan if not (parts / f"{p.name()}.reports.jsonl").exists()]
        seen: set[str] = set()
        for partition in plan:
            if partition not in todo:
                for event in _done_events(parts, partition):
                    seen.add(event.id)
                    yield event
        if todo:
            yield from _run(todo, output, config, options, encoding, fields, address, workers, processes, seen)
        merge_parts(output, plan)
    finally:
        os.close(lock)


def dask_client(address: str, workers: int, processes: bool = True):
    """A client of the scheduler at ``address``, or of a LocalCluster of ``workers`` for
    ``local``; a context manager that closes both. An unreachable scheduler raises
    :class:`StoreUnavailableError` (exit 3: run again later)."""
    import contextlib

    from distributed import Client, LocalCluster

    @contextlib.contextmanager
    def opened():
        cluster = None
        if address == "local":
            cluster = LocalCluster(  # the dashboard on a free port: 8787 may be another cluster's
                n_workers=max(1, workers), threads_per_worker=1, processes=processes, dashboard_address=":0"
            )
            client = Client(cluster)
        else:
            try:
                client = Client(address, timeout="30s")
            except (OSError, TimeoutError) as e:
                raise StoreUnavailableError(f"no Dask scheduler answers at {address} ({e})") from e
        try:
            yield client
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    return opened()


def finished_tasks(client, function, partitions: Sequence[Partition], args: tuple, kind: str, kept: str) -> Iterator[Any]:
    """Run ``function(partition, *args)`` for each partition as one task (keys of this run
    only: another run on the same scheduler never shares a result) and yield each result
    as its task finishes. A task that raises stops the run and cancels the rest: attrib's
    own errors as they are, anything else (a worker that kept dying) as one
    :class:`AttribError` that says ``kept``."""
    from distributed import as_completed

    run = uuid.uuid4().hex
    futures = [client.submit(function, p, *args, key=f"attrib-{kind}-{run}-{p.name()}", pure=False) for p in partitions]
    for future in as_completed(futures):
        try:
            result = future.result()
        except Exception as e:  # noqa: BLE001 - e.g. KilledWorker: the task's workers kept dying
            for other in futures:
                other.cancel()
            if isinstance(e, AttribError):
                raise
            raise AttribError(f"a Dask task failed ({type(e).__name__}: {e}); {kept}") from e
        yield result


def _run(todo, output, config, options, encoding, fields, address, workers, processes, seen):
    with dask_client(address, workers, processes) as client:
        results = finished_tasks(client, run_partition, todo, (str(output), config, options, encoding, fields), "scan",
                                 "finished partitions are kept, run the same command again to resume")
        for events in results:
            for article_id, status, has_source, unattributed, error in events:
                if status == "checked":
                    if article_id in seen:
                        status = "skipped"
                    seen.add(article_id)
                yield ScanEvent(article_id, status, has_source=has_source, unattributed=unattributed, error=error)
