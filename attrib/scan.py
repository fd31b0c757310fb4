"""Bulk attribution scans: check every article of an input against the store, in parallel,
resumably.

The output folder holds:

``reports.jsonl``  one JSON report per line (schema ``attrib.report/1``), appended as
                   articles finish. It is also the checkpoint: on a re-run, articles
                   whose report is already there are skipped, and a torn last line left
                   by a kill is cut off first. Nothing is written twice.
``errors.jsonl``   bad input records and failed checks, with their location.
``summary.csv``    one row per article: likely original, coverage both ways, passages,
                   unattributed quotes (rewritten from ``reports.jsonl`` at the end).
``index.html``     flagged articles (copied, or quoting another outlet without credit) sorted by
                   severity, then licensed reuse, linking ``reports/*.html``.
``scan.json``      what was scanned with which options; a re-run with other options
                   into the same folder is refused.
``.attrib-scan.lock``  locked while a scan writes the folder; a second scan into the
                   same folder is refused rather than writing every report twice.

Every file is written through a unique temporary file renamed into place, and files
appended to must be regular files, not symlinks planted in a shared folder. Ids, titles
and outlets are neutralised in ``summary.csv`` and ``index.html`` (control characters
escaped; a ``'`` before a cell a spreadsheet would run as a formula).

The library yields one :class:`ScanEvent` per article; the CLI draws the progress bar.
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import multiprocessing
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import xxhash

from attrib.article import Article
from attrib.config import Config
from attrib.detect import CheckOptions, check
from attrib.errors import AttribError, InputError, StoreError, StoreUnavailableError
from attrib.readers import BadRecord, Record
from attrib.safe_files import lock_folder, open_regular, write_atomic
from attrib.safe_text import csv_cell, html_document, json_text, printable

REPORTS = "reports.jsonl"
ERRORS = "errors.jsonl"
SUMMARY = "summary.csv"
INDEX = "index.html"
MANIFEST = "scan.json"
LOCK = ".attrib-scan.lock"
RETRIES = 4


@dataclass(frozen=True)
class ScanEvent:
    """One article done: ``status`` is ``checked``, ``skipped`` (done in an earlier
    run), ``bad`` (unreadable record) or ``failed`` (the check raised)."""

    id: str
    status: str
    has_source: bool = False
    unattributed: int = 0
    error: str | None = None


@dataclass
class ScanSummary:
    checked: int = 0
    resumed: int = 0
    with_source: int = 0
    with_unattributed: int = 0
    bad: int = 0
    failed: int = 0
    seconds: float = 0.0

    def add(self, event: ScanEvent) -> None:
        if event.status == "skipped":
            self.resumed += 1
            return
        if event.status == "bad":
            self.bad += 1
            return
        if event.status == "failed":
            self.failed += 1
            return
        self.checked += 1
        self.with_source += event.has_source
        self.with_unattributed += event.unattributed > 0

    def line(self) -> str:
        rate = f" ({self.checked / self.seconds:.1f}/s)" if self.seconds > 0 and self.checked else ""
        return (
            f"checked {self.checked}{rate}, resumed past {self.resumed}, with a likely source {self.with_source}, "
            f"with unattributed quotes {self.with_unattributed}, bad records {self.bad}, failed {self.failed}"
        )


# -- the checkpoint ----------------------------------------------------------------


def _repair(path: Path) -> list[bytes]:
    """The complete lines of a JSONL log; a torn last line (killed mid-write) is cut off."""
    try:
        fd = open_regular(path, os.O_RDWR)
    except FileNotFoundError:
        return []
    with open(fd, "rb+") as handle:
        data = handle.read()
        keep = data.rfind(b"\n") + 1
        if keep != len(data):
            handle.truncate(keep)
    return data[:keep].splitlines()


def _repair_and_read_done(path: Path) -> set[str]:
    """Ids already reported (after cutting a torn last line)."""
    return _keys(_repair(path), lambda record: record["article"]["id"])


def _read_logged(path: Path) -> set[str]:
    """Locations already in the error log (after cutting a torn last line)."""
    return _keys(_repair(path), lambda record: record["location"])


def _keys(lines: list[bytes], key) -> set[str]:
    found: set[str] = set()
    for line in lines:
        try:
            found.add(key(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def _open_log(path: Path):
    return open(open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT), "a", encoding="utf-8")


def _read_text(path: Path) -> str | None:
    try:
        fd = open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    with open(fd, encoding="utf-8") as handle:
        return handle.read()


def _manifest(inputs: dict[str, Any], options: CheckOptions, config: Config) -> dict[str, Any]:
    return {
        "inputs": inputs,
        "store": config.describe_store(),
        "options": {
            "candidates": options.candidates,
            "min_evidence": options.min_evidence,
            "rescue": options.rescue,
            "cascade": options.cascade,
            "min_coverage": options.min_coverage,
            "copy_ratio": options.lineage.copy_ratio,
            "allowlist": sorted(options.allowlist),
            "quotes": options.quotes,
            "paraphrase": options.align.fuzzy,
        },
    }


def _check_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    path = folder / MANIFEST
    text = _read_text(path)
    if text is not None:
        try:
            previous = json.loads(text)
        except ValueError:
            raise InputError(f"{MANIFEST} is not readable JSON; use another --output folder", source=str(folder)) from None
        if previous != manifest:
            raise InputError(
                "holds a scan of other inputs or with other options; use another --output folder to start afresh",
                source=str(folder),
            )
    else:
        write_atomic(path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


# -- workers -------------------------------------------------------------------------

_worker: dict[str, Any] = {}
_log = logging.getLogger("attrib")

MIN_WORKER_MEMORY = 3 << 29
"""Bytes a scan worker gets at least (1.5 GiB): checking an article of five million
characters, the largest there is, takes about 1.2 GB (docs/BENCHMARKS.md)."""
MEMORY_SHARE = 0.8
"""Of the memory available when a scan starts, the share its workers may use between them."""


@dataclass(frozen=True)
class WorkerPlan:
    """How many workers a scan runs and how much memory each may add (``None``: no cap),
    with a note when there are fewer workers than asked for."""

    workers: int
    memory: int | None
    note: str | None = None


def plan_workers(requested: int, available: int | None) -> WorkerPlan:
    """Split :data:`MEMORY_SHARE` of ``available`` bytes between the workers, with fewer
    workers than ``requested`` (never fewer than one) when each would get less than
    :data:`MIN_WORKER_MEMORY`. Without a figure for the available memory, no cap."""
    requested = max(1, requested)
    if available is None:
        return WorkerPlan(requested, None)
    budget = int(available * MEMORY_SHARE)
    workers = max(1, min(requested, budget // MIN_WORKER_MEMORY))
    note = None
    if workers < requested:
        note = (f"{workers} worker(s) instead of {requested}: {available / 2**30:.1f} GiB of memory is available "
                f"and each worker may need {MIN_WORKER_MEMORY / 2**30:.1f} GiB")
    return WorkerPlan(workers, budget // workers, note)


def available_memory() -> int | None:
    """Bytes of memory available for new work (``MemAvailable`` on Linux, else the
    physical memory), or None when the system does not say."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _address_space() -> int | None:
    """This process's current address-space size in bytes (Linux), or None."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _cap_memory(extra: int | None) -> tuple[int, int] | None:
    """Let this process's address space grow by at most ``extra`` bytes from its current
    size (``RLIMIT_AS``; an existing lower limit stays), so that a check that needs more
    raises MemoryError in its own worker instead of driving the machine out of memory.
    Returns the limits it replaced, or None when nothing was set."""
    size = _address_space()
    if extra is None or size is None:
        return None
    try:
        import resource
    except ImportError:  # not on this platform
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = size + extra
    for limit in (soft, hard):
        if limit != resource.RLIM_INFINITY:
            cap = min(cap, limit)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    _worker["memory"] = cap - size
    return soft, hard


def _uncap_memory(previous: tuple[int, int] | None) -> None:
    if previous is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, previous)
        _worker.pop("memory", None)


def _init_worker(config: Config, options: CheckOptions, memory: int | None = None, write_back: bool = False) -> None:
    from attrib.store import open_store

    _cap_memory(memory)
    _worker["store"] = open_store(config)
    _worker["options"] = options
    _worker["write_back"] = write_back


def _check_one(article: Article) -> tuple[str, Any]:
    """Check one article in a worker, retrying a store that is briefly away with backoff."""
    return check_with_retries(article, _worker["store"], _worker["options"], _worker.get("memory"),
                              write_back=_worker.get("write_back", False))


def check_with_retries(article: Article, store: Any, options: CheckOptions, memory: int | None = None,
                       *, write_back: bool = False) -> tuple[str, Any]:
    """``(id, report)``, or ``(id, ("failed" | "unavailable", message))`` when the check
    raised or the store stayed away after :data:`RETRIES` retries with backoff.
    ``write_back`` stores the report's attribution on the stored article."""
    delay = 1.0
    for attempt in range(RETRIES + 1):
        try:
            report = check(article, store, options)
            if write_back:
                from attrib.attribution import attribution_of

                attribution = attribution_of(report, store)
                if store.set_attribution(article.id, attribution) and attribution.story_id != article.id:
                    store.recount_copies([attribution.story_id])
            return article.id, report
        except StoreUnavailableError as e:
            if attempt == RETRIES:
                return article.id, ("unavailable", str(e))
            time.sleep(delay)
            delay = min(delay * 2, 30)
        except AttribError as e:
            return article.id, ("failed", str(e))
        except MemoryError:
            limit = memory
            within = f" within the {limit / 2**20:,.0f} MB a scan worker may use" if limit else ""
            return article.id, ("failed", f"out of memory: the check did not fit{within}")
    raise AssertionError("unreachable")


# -- the scan ------------------------------------------------------------------------


def require_articles(config: Config) -> None:
    """Raise :class:`StoreError` unless the store holds articles to scan against, leaving
    no empty store file behind."""
    from attrib.store import open_store

    empty = f"{config.describe_store()} holds no articles yet: index an archive first (attrib index PATH)"
    if not config.uses_elasticsearch and not config.db_path.exists():
        raise StoreError(empty)
    probe = open_store(config)
    try:
        probe.init()
        if probe.count() == 0:
            raise StoreError(empty)
    finally:
        probe.close()


def report_file_name(article_id: str) -> str:
    """A safe, unique file name for an article's HTML report."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", article_id).strip("._")[:80] or "article"
    return f"{slug}-{xxhash.xxh3_64_hexdigest(article_id.encode('utf-8', 'surrogatepass'))[:8]}.html"


def scan(
    records: Iterable[Record],
    output: Path,
    config: Config,
    options: CheckOptions = CheckOptions(),
    *,
    inputs: dict[str, Any] | None = None,
    workers: int | None = None,
    write_back: bool = False,
) -> Iterator[ScanEvent]:
    """Check every article of ``records`` against the store, writing into ``output``.

    Yields one event per record. ``write_back`` also stores what each check found on the
    article in the store (``attribution.*`` and ``story_id``, as on arrival), for a scan
    of the index itself. Raises :class:`StoreUnavailableError` when the store
    stays away after retries; everything reported before that is kept, and calling
    :func:`scan` again with the same arguments continues where it stopped.
    """
    require_articles(config)
    output = Path(output)
    _make_folder(output)
    if (output / "reports").is_symlink():
        raise InputError("is a symlink; refusing to write reports through it", source=str(output / "reports"))
    _make_folder(output / "reports")
    lock = lock_folder(
        output, LOCK, "another attrib scan is writing into this folder; wait for it to end or use another --output folder"
    )
    try:
        yield from _scan_locked(records, output, config, options, inputs or {}, workers, write_back)
    finally:
        os.close(lock)


def _make_folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise InputError("is not a folder", source=str(path))
    path.mkdir(parents=True, exist_ok=True)


def _scan_locked(
    records: Iterable[Record],
    output: Path,
    config: Config,
    options: CheckOptions,
    inputs: dict[str, Any],
    workers: int | None,
    write_back: bool = False,
) -> Iterator[ScanEvent]:
    _check_manifest(output, _manifest(inputs, options, config))
    done = _repair_and_read_done(output / REPORTS)
    logged = _read_logged(output / ERRORS)
    plan = plan_workers(workers or os.cpu_count() or 1, available_memory())
    if plan.note:
        _log.warning("attrib: scan: %s", plan.note)
    workers = plan.workers
    capped = None
    seen: set[str] = set()

    def todo() -> Iterator[Article]:
        for record in records:
            if isinstance(record, BadRecord):
                pending_bad.append(record)
                continue
            if record.id in done or record.id in seen:
                skipped.append(record.id)
                continue
            seen.add(record.id)
            yield record

    pending_bad: list[BadRecord] = []
    skipped: list[str] = []
    reports = _open_log(output / REPORTS)
    errors = _open_log(output / ERRORS)

    def drain() -> Iterator[ScanEvent]:
        while pending_bad:
            bad = pending_bad.pop(0)
            if bad.location not in logged:
                logged.add(bad.location)
                errors.write(json.dumps({"location": bad.location, "error": bad.message}) + "\n")
            yield ScanEvent(bad.location, "bad", error=bad.message)
        while skipped:
            yield ScanEvent(skipped.pop(0), "skipped")

    try:
        if workers <= 1:
            _init_worker(config, options, None, write_back)
            capped = _cap_memory(plan.memory)
            results: Iterator[tuple[str, Any]] = map(_check_one, todo())
            pool = None
        else:
            context = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
            pool = context.Pool(workers, initializer=_init_worker, initargs=(config, options, plan.memory, write_back))
            results = pool.imap_unordered(_check_one, todo(), chunksize=4)
        try:
            for article_id, outcome in results:
                yield from drain()
                if isinstance(outcome, tuple):
                    kind, message = outcome
                    if kind == "unavailable":
                        raise StoreUnavailableError(message)
                    errors.write(json.dumps({"location": article_id, "error": message}) + "\n")
                    errors.flush()
                    yield ScanEvent(article_id, "failed", error=message)
                    continue
                report = outcome
                if report.unattributed_quotes or report.original is not None:
                    write_atomic(output / "reports" / report_file_name(article_id), html_document(report.to_html()))
                reports.write(json_text(report.to_json(indent=None)) + "\n")
                reports.flush()
                yield ScanEvent(
                    article_id, "checked", has_source=report.original is not None, unattributed=len(report.unattributed_quotes)
                )
            yield from drain()
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
    finally:
        _uncap_memory(capped)
        reports.close()
        errors.close()
        if workers <= 1 and "store" in _worker:
            _worker.pop("store").close()
    write_summaries(output)


# -- summaries -------------------------------------------------------------------------

CSV_FIELDS = [
    "article", "title", "outlet", "published_at", "verdict", "likely_original", "original_outlet",
    "original_published_at", "coverage_of_article", "coverage_of_original", "passages", "unattributed_quotes", "severity",
]


def write_summaries(output: Path) -> int:
    """Rewrite ``summary.csv`` and ``index.html`` from ``reports.jsonl``; returns the row count."""
    rows: list[dict[str, Any]] = []
    for line in (_read_text(output / REPORTS) or "").split("\n"):  # not splitlines: U+2028 may be in a title
        try:
            rows.append(_row(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            continue
    rows.sort(key=lambda r: (-float(r["severity"]), r["article"]))
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    write_atomic(output / SUMMARY, table.getvalue(), newline="")
    write_atomic(output / INDEX, _index_html(rows))
    return len(rows)


def _row(report: dict[str, Any]) -> dict[str, Any]:
    article = report["article"]
    original = next((s for s in report["sources"] if s["relation"] == "original"), None)
    return {
        "article": article["id"],
        "title": article.get("title", ""),
        "outlet": article.get("outlet", ""),
        "published_at": article.get("published_at", ""),
        "verdict": report["verdict"],
        "likely_original": original["article"]["id"] if original else "",
        "original_outlet": original["article"].get("outlet", "") if original else "",
        "original_published_at": original["article"].get("published_at", "") if original else "",
        "coverage_of_article": original["coverage"]["query"] if original else 0,
        "coverage_of_original": original["coverage"]["source"] if original else 0,
        "passages": len(original["passages"]) if original else 0,
        "unattributed_quotes": report["unattributed_quotes"],
        "severity": report["severity"],
    }


def is_flagged(row: dict[str, Any]) -> bool:
    """A scan row an editor must look at: copied from another outlet, or quoting another
    outlet without credit. Licensed reuse (same outlet or allowlisted) alone is not."""
    return row["verdict"] == "copied" or int(row["unattributed_quotes"] or 0) > 0


_VERDICT_WORDS = {"copied": "copied", "licensed_reuse": "licensed reuse", "quoted": "built on quotes",
                  "no_source": "no source found"}


def _index_html(rows: list[dict[str, Any]]) -> str:
    def e(value: Any) -> str:
        return html.escape(printable(str(value)))

    flagged = [r for r in rows if is_flagged(r)]
    licensed = [r for r in rows if not is_flagged(r) and r["verdict"] == "licensed_reuse"]
    head = ("<table><tr><th>severity</th><th>article</th><th>verdict</th><th>likely original</th><th>covers article</th>"
            "<th>covers original</th><th>passages</th><th>unattributed quotes</th></tr>")
    body = [
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>attrib scan</title>",
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
        "<style>body{font:14px sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        ".copied{color:#c0392b;font-weight:bold}</style></head><body>",
        f"<h1>attrib scan</h1><p>{len(rows)} articles checked; {len(flagged)} flagged (copied from another outlet, "
        "or quoting another outlet without credit), most severe first."
        + (f" {len(licensed)} more reuse text from their own outlet or an allowlisted one: licensed reuse, "
           "listed below, not flagged." if licensed else "") + "</p>",
        head,
    ]

    def row(r: dict[str, Any]) -> str:
        link = f'<a href="reports/{e(report_file_name(r["article"]))}">{e(r["article"])}</a>'
        title = f"<br><small>{e(r['title'])}</small>" if r["title"] else ""
        verdict = _VERDICT_WORDS.get(r["verdict"], r["verdict"])
        return (
            f"<tr><td>{float(r['severity']):.2f}</td><td>{link}{title}</td><td class={e(r['verdict'])}>{e(verdict)}</td>"
            f"<td>{e(r['likely_original'])} {e(r['original_outlet'])}</td><td>{float(r['coverage_of_article']):.0%}</td>"
            f"<td>{float(r['coverage_of_original']):.0%}</td><td>{r['passages']}</td><td>{r['unattributed_quotes']}</td></tr>"
        )

    body += [row(r) for r in flagged]
    body.append("</table>")
    if licensed:
        body += [f"<h2>Licensed reuse ({len(licensed)}), not flagged</h2>", head, *(row(r) for r in licensed), "</table>"]
    body.append("</body></html>\n")
    return "".join(body)

