"""The ``attrib`` command: a thin layer over the library.

Every command has ``--help``; bad input gets one line on stderr and a non-zero exit
(2: bad input, 3: store unreachable or broken, 1: anything else attrib refused;
``attrib index`` and ``attrib scan`` exit 4 when they skipped records as bad input but
indexed or checked the rest).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Sequence

from attrib import __version__
from attrib.config import Config
from attrib.errors import AttribError, InputError, StoreError, StoreUnavailableError

ID_HELP = (
    "A .txt file's id is its path below the folder given, without the suffix; a file given by itself "
    "is its name without the suffix. So examples/000_x.txt and the folder examples/ both give 000_x, "
    "relative or absolute; bbc/ gives politics/001, bbc/politics/ gives 001. HTML pages follow the "
    "same rule unless they name their URL, which then makes the id."
)

STORE_HELP = """
Where articles live: the embedded store (a single SQLite file, the default: $ATTRIB_DB or
./attrib.db) or Elasticsearch when --es-url or $ATTRIB_ES_URL is given. Credentials come
from the environment only: $ATTRIB_ES_USERNAME/$ATTRIB_ES_PASSWORD, $ATTRIB_ES_API_KEY,
or user:password in the URL; $ATTRIB_ES_CA_CERTS for TLS.
"""


def _store_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("store")
    group.add_argument("--es-url", metavar="URL", help="Elasticsearch URL (default: $ATTRIB_ES_URL; unset: embedded store)")
    group.add_argument("--index", metavar="NAME", help="index name prefix; articles go to NAME-articles (default: attrib)")
    group.add_argument("--db", metavar="FILE", type=Path, help="embedded store file (default: $ATTRIB_DB or attrib.db)")
    group.add_argument("--no-progress", action="store_true", help="no progress bar (also when stderr is not a terminal)")
    return parent


def _config(args: argparse.Namespace, **extra: object) -> Config:
    return Config.from_env(es_url=args.es_url, index=args.index, db_path=args.db, **extra)


def _progress(args: argparse.Namespace, **kwargs):
    from tqdm import tqdm

    disable = args.no_progress or not sys.stderr.isatty()
    return tqdm(disable=disable, file=sys.stderr, dynamic_ncols=True, **kwargs)


def _field_map(args: argparse.Namespace) -> dict[str, str]:
    from attrib.readers import parse_field_map

    return parse_field_map(args.field or ())


def _field_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--field", action="append", metavar="ATTRIB=SOURCE",
        help="read the article field ATTRIB (id, text, title, outlet, url, published_at, lang) from the "
        "key SOURCE of JSON and JSONL records; repeatable, e.g. --field text=body --field id=newid "
        "--field published_at=date",
    )


def _params(args: argparse.Namespace):
    from attrib.core import FingerprintParams

    given = {k: getattr(args, k) for k in ("k", "seed", "window", "permutations", "bands", "pairs") if getattr(args, k, None) is not None}
    return FingerprintParams(**given) if given else None


# -- commands ---------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from attrib.store import open_store

    config = _config(args, shards=args.shards, replicas=args.replicas)
    store = open_store(config, _params(args))
    layout = ""
    try:
        params = store.init()
        if config.uses_elasticsearch:  # a new index has them already; an existing one changes replicas live
            shards, replicas = store.apply_settings(shards=args.shards, replicas=args.replicas)
            layout = f"; {shards} primary shard(s), {replicas} replica(s)"
        elif args.shards is not None or args.replicas is not None:
            print("attrib: --shards and --replicas apply to Elasticsearch only", file=sys.stderr)
        count = store.count()
    finally:
        store.close()
    from attrib.safe_text import one_line

    meta = ", ".join(f"{k}={v}" for k, v in params.to_meta().items())
    print(f"ready: {one_line(config.describe_store())} ({count} articles){layout}; fingerprint parameters: {meta}")
    return 0


EXIT_SKIPPED = 4
"""``attrib index`` or ``attrib scan`` did the rest but skipped some records as bad input."""

MAX_BAD_LINES = 20
"""Lines of bad records ``attrib index`` prints before it only counts the rest."""


def _line_ranges(lines: Sequence[int], limit: int = 6) -> str:
    """``1–3, 7, 9–12``: sorted line numbers as ranges, the first ``limit`` of them."""
    ranges: list[list[int]] = []
    for number in sorted(set(lines)):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    shown = [f"{a}–{b}" if b > a else str(a) for a, b in ranges[:limit]]
    return ", ".join(shown) + (", …" if len(ranges) > limit else "")


def bad_record_lines(bad: Sequence, limit: int = MAX_BAD_LINES) -> list[str]:
    """What ``attrib index`` says of its bad records: one line per record, except that the
    records of one file that failed for the same reason share one line; past ``limit``
    lines the rest are only counted. File names and messages are shown by
    :func:`~attrib.safe_text.one_line`, so each stays one line a terminal only prints."""
    from attrib.safe_text import one_line

    groups: dict[tuple[str, str], list] = {}
    for record in bad:
        groups.setdefault((record.file or record.location, record.message), []).append(record)
    lines: list[str] = []
    shown = 0
    for (file, message), records in groups.items():
        if len(lines) == limit:
            break
        if len(records) == 1:
            lines.append(f"attrib: skipped {one_line(str(records[0]))}")
        else:
            numbers = [r.line for r in records if r.line is not None]
            where = f" (lines {_line_ranges(numbers)})" if len(numbers) == len(records) else ""
            lines.append(f"attrib: skipped {len(records)} records of {one_line(file)}: {one_line(message)}{where}")
        shown += len(records)
    if shown < len(bad):
        lines.append(f"attrib: … and {len(bad) - shown} more bad record(s) not listed")
    return lines


def cmd_index(args: argparse.Namespace) -> int:
    from attrib.indexing import IndexSummary, index_records
    from attrib.readers import BadRecord, count_records, read_paths
    from attrib.safe_text import one_line
    from attrib.store import WritePolicy, WriteStatus, open_store

    policy = WritePolicy.OVERWRITE if args.overwrite else WritePolicy.UPDATE if args.update else WritePolicy.KEEP
    config = _config(args)
    fields = _field_map(args)
    source_client = None
    if args.from_es_index and args.dask is not None:
        raise InputError("--dask indexes files; --from-es-index reads on this machine: leave out one of them")
    if args.from_es_index:
        source_client, records, total = _newsroom_index(args, config, fields)
    else:
        if not args.paths:
            raise InputError("give PATH... to index files, or --from-es-index NAME to read an Elasticsearch index")
        for flag in ("follow", "write_back"):
            if getattr(args, flag):
                raise InputError(f"--{flag.replace('_', '-')} works with --from-es-index")
        records = read_paths(args.paths, encoding=args.encoding, fields=fields)  # checks the paths exist first
        total = count_records(args.paths)
    store = open_store(config, _params(args))
    summary = IndexSummary()
    verdicts: dict[str, int] = {}
    if args.attribute:
        from attrib.attribution import index_and_attribute
    run = index_and_attribute if args.attribute else index_records  # the same events, attributed
    if args.dask is not None:
        if args.attribute:
            store.close()
            raise InputError("--attribute checks on arrival on this machine only; leave out --dask")
        try:
            partition_bytes = _partition_bytes(args)
        except InputError:
            store.close()
            raise
        from attrib.dask_index import dask_index

        events = dask_index(args.paths, config, store, policy=policy, address=args.dask, workers=args.dask_workers,
                            partition_bytes=partition_bytes, encoding=args.encoding, fields=fields)
    else:
        # Followed documents arrive in one batch per poll, each indexed when it arrives.
        batches = records if args.follow else [records]
        events = (e for batch in batches for e in run(store, batch, policy=policy, workers=args.workers))
    try:
        with _progress(args, total=total, unit="article", desc="indexing") as bar:
            for event in events:
                summary.add(event)
                bar.update(1)
                if isinstance(event, BadRecord):
                    continue
                if getattr(event, "attribution", None) is not None:
                    verdicts[event.attribution.verdict] = verdicts.get(event.attribution.verdict, 0) + 1
                    if args.write_back:
                        from attrib.es_source import write_back

                        write_back(source_client, args.from_es_index, event.id, _attribution_fields(event.attribution))
                elif getattr(event, "check_error", None):
                    bar.write(f"attrib: indexed {one_line(event.id)} but could not check it: {one_line(str(event.check_error))}", file=sys.stderr)
                if event.status is WriteStatus.FAILED:
                    bar.write(f"attrib: failed {one_line(event.id)}: {one_line(str(event.error))}", file=sys.stderr)
                elif event.status is WriteStatus.CONFLICT:
                    bar.write(
                        f"attrib: conflict {one_line(event.id)}: {one_line(str(event.error))} (--update replaces it)",
                        file=sys.stderr,
                    )
    except StoreUnavailableError as e:
        raise StoreUnavailableError(
            f"{e} — {summary.landed} article(s) landed before that ({summary.line()}); "
            "run the same command again to index the rest"
        ) from e
    except KeyboardInterrupt:
        if not args.follow:
            raise
        print("attrib: stopped following", file=sys.stderr)
    finally:
        store.close()
        if source_client is not None:
            source_client.close()
        # Bad records are told after the run, so that a file whose every line fails for
        # one reason (a field under another name) is one line, not thousands.
        for line in bad_record_lines(summary.bad):
            print(line, file=sys.stderr)
    print(f"{summary.line()} ({one_line(config.describe_store())})")
    if args.attribute:
        print("checked on arrival: " + (", ".join(f"{n} {v.replace('_', ' ')}" for v, n in sorted(verdicts.items())) or "none new"))
    if summary.failed or summary.conflicts:
        return 1
    return EXIT_SKIPPED if summary.bad else 0


def _newsroom_index(args: argparse.Namespace, config, fields):
    """A client of the cluster, the records of the index ``--from-es-index`` names (read
    once, or followed by ``--timestamp-field``), and their number when known."""
    import time

    from attrib import es_source
    from attrib.store.elastic import make_client

    if args.paths:
        raise InputError("give PATH... or --from-es-index, not both")
    if not config.es_url:
        raise InputError("--from-es-index reads an Elasticsearch index: give --es-url or set ATTRIB_ES_URL")
    if args.write_back and not args.attribute:
        raise InputError("--write-back writes what the check on arrival finds: add --attribute")
    if args.write_back and "id" in fields:
        raise InputError("--write-back updates the source documents by their _id: drop --field id")
    if args.follow and not args.timestamp_field:
        raise InputError("--follow needs --timestamp-field FIELD, the time each document was added")
    client = make_client(config)
    if not args.follow:
        return client, es_source.read_index(client, args.from_es_index, fields), es_source.count(client, args.from_es_index)
    deadline = None if args.follow_for is None else time.monotonic() + args.follow_for
    records = es_source.follow_index(
        client, args.from_es_index, args.timestamp_field, fields, poll_seconds=args.poll_seconds,
        stop=lambda: deadline is not None and time.monotonic() >= deadline,
    )
    return client, records, None


def _attribution_fields(attribution) -> dict:
    from dataclasses import asdict

    values = asdict(attribution)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


def read_check_article(args: argparse.Namespace):
    """The article to check: a .txt/.json/.html file, or - for standard input (text or a JSON object)."""
    import json

    from attrib.article import Article, parse_datetime
    from attrib.readers import BadRecord, article_from_record, load_json, read_file, split_title

    fields = _field_map(args)
    if args.article == "-":
        raw = sys.stdin.buffer.read()
        try:
            text = raw.decode(args.encoding)
        except UnicodeDecodeError as e:
            raise InputError(f"not {args.encoding} text (byte 0x{raw[e.start]:02x} at offset {e.start})", source="<stdin>") from None
        if not text.strip():
            raise InputError("no text on standard input", source="<stdin>")
        if text.lstrip().startswith("{"):
            try:
                record = load_json(text)
            except json.JSONDecodeError as e:
                raise InputError(
                    f"starts with '{{' but is not a JSON object ({e.msg} at line {e.lineno} column {e.colno})",
                    source="<stdin>",
                ) from None
            try:
                article = article_from_record(record, fields)
            except InputError as e:
                raise InputError(str(e), source="<stdin>", field=e.field) from None
        else:
            # Read as a .txt file would be, so `check - < story.txt` checks the same title
            # and text as `check story.txt`; with no name to go by, the id is the text's.
            title, body = split_title(text)
            article = Article(id=args.id or Article.derive_id(text=body), text=body, title=title)
    else:
        path = Path(args.article)
        if path.is_dir():
            raise InputError("is a folder; check takes one article (attrib scan checks a folder)", source=args.article)
        if not path.is_file():
            problem = "is not a regular file; give it on standard input (attrib check -)" if path.exists() else "no such file"
            raise InputError(problem, source=args.article)
        records = list(read_file(path, encoding=args.encoding, base=path.parent, fields=fields))
        if not records:
            raise InputError("no article in the file", source=args.article)
        if len(records) > 1:
            raise InputError(f"holds {len(records)} articles; check one at a time or use attrib scan", source=args.article)
        record = records[0]
        if isinstance(record, BadRecord):
            raise InputError(record.message, source=record.location)
        article = record
    changes = {}
    if args.id:
        changes["id"] = args.id
    if args.outlet:
        changes["outlet"] = args.outlet
    if args.published_at:
        changes["published_at"] = parse_datetime(args.published_at, "--published-at")
    if changes:
        from dataclasses import replace

        article = replace(article, **changes)
    return article


def write_output(content: str, output: Path | None, *, force: bool = False) -> None:
    """Write to stdout, or atomically to ``output``: a new file (mode 0666 & ~umask) or,
    with ``force``, over a regular file (keeping its mode); never a device, folder or symlink."""
    if output is None:
        sys.stdout.write(content)
        return
    from attrib.safe_files import check_target, write_atomic

    existing = check_target(output, force=force)
    mode = existing.st_mode & 0o777 if existing else None
    write_atomic(output, content, overwrite=existing is not None, mode=mode)


def _check_options(args: argparse.Namespace):
    from attrib.detect import CheckOptions

    from attrib.core.align import AlignParams

    return CheckOptions(
        align=AlignParams(fuzzy=not args.no_paraphrase),
        candidates=args.candidates,
        min_evidence=args.min_evidence,
        rescue=args.rescue,
        cascade=args.cascade,
        min_coverage=args.min_coverage,
        allowlist=frozenset(args.allowlist or ()),
        quotes=not args.no_quotes,
    )


def render(report, fmt: str, *, color: bool = False, verbose: bool = False, width: int = 100) -> str:
    """The report as ``fmt``, with control characters from the articles neutralised."""
    from attrib.safe_text import has_control, html_document, json_text, printable

    if fmt == "json":
        return json_text(report.to_json()) + "\n"
    if fmt == "html":
        return html_document(report.to_html())
    text = report.to_text(verbose=verbose, width=width)
    # Colour only clean text: the report's own escapes could not be told from an article's.
    return report.to_text(color=True, verbose=verbose, width=width) if color and not has_control(text) else printable(text)


def cmd_check(args: argparse.Namespace) -> int:
    from attrib.detect import check
    from attrib.store import open_store

    options = _check_options(args)
    if args.output is not None:
        from attrib.safe_files import check_target

        check_target(args.output, force=args.force)  # refuse before the work, not after it
    article = read_check_article(args)
    config = _config(args)
    if not config.uses_elasticsearch and not config.db_path.exists():  # and do not create it
        raise StoreError(f"{config.describe_store()} holds no articles yet: index an archive first (attrib index PATH)")
    store = open_store(config)
    try:
        report = check(article, store, options)
    finally:
        store.close()
    tty = args.output is None and args.format == "text" and sys.stdout.isatty()
    width = min(120, shutil.get_terminal_size((100, 24)).columns) if tty else 100
    write_output(render(report, args.format, color=tty, verbose=args.verbose, width=width), args.output, force=args.force)
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from attrib.article import parse_datetime
    from attrib.readers import count_records, read_paths
    from attrib.scan import scan
    from attrib.store import ArticleFilter, open_store

    options = _check_options(args)
    config = _config(args)
    if bool(args.paths) == bool(args.from_index):
        raise InputError("give PATH... to scan files, or --from-index to scan the index itself (not both)")
    if not args.from_index and (args.outlet or args.since or args.until):
        raise InputError("--outlet, --since and --until select articles of the index; use them with --from-index")
    if args.from_index and args.field:
        raise InputError("--field says where JSON input keeps each field; it does not apply to --from-index")
    if args.write_back and not args.from_index:
        raise InputError("--write-back stores attribution on articles of the index: use it with --from-index")
    fields = _field_map(args)
    if args.dask is not None:
        if args.write_back:
            raise InputError("--write-back works on this machine only; leave out --dask")
        return _scan_on_dask(args, config, options, fields)
    source_store = None
    if args.from_index:
        selection = ArticleFilter(
            outlet=args.outlet,
            since=parse_datetime(args.since, "since"),
            until=parse_datetime(args.until, "until"),
        )
        source_store = open_store(config)
        records = source_store.iter_articles(selection)
        total = None
        inputs = {"index": config.describe_store(), "outlet": args.outlet, "since": args.since, "until": args.until}
    else:
        records = read_paths(args.paths, encoding=args.encoding, fields=fields)
        total = count_records(args.paths)
        inputs = _path_inputs(args.paths)
    try:
        events = scan(records, args.output, config, options, inputs=inputs, workers=args.workers, write_back=args.write_back)
        return _report_scan(args, events, total)
    finally:
        if source_store is not None:
            source_store.close()


def _path_inputs(paths) -> dict:
    """The scan manifest's record of file input: absolute paths, ``-`` for standard input."""
    return {"paths": [str(Path(p).resolve()) if p != "-" else "-" for p in paths]}


def _partition_bytes(args: argparse.Namespace) -> int:
    """``--partition-mb`` in bytes, after checking the Dask options."""
    if args.dask_workers < 1:
        raise InputError("--dask-workers must be at least 1", field="dask_workers")
    if not args.partition_mb > 0:
        raise InputError("--partition-mb must be more than 0", field="partition_mb")
    return max(1, int(args.partition_mb * 1e6))


def _report_scan(args: argparse.Namespace, events, total: int | None) -> int:
    """Run a scan's events with a progress bar, one line per skipped or failed article,
    and the summary line; the exit code (0, 1 failed, 4 skipped)."""
    import time

    from attrib.safe_text import one_line
    from attrib.scan import ScanSummary

    summary = ScanSummary()
    started = time.perf_counter()
    try:
        with _progress(args, total=total, unit="article", desc="scanning", smoothing=0.05) as bar:
            for event in events:
                summary.add(event)
                bar.update(1)
                if event.status == "bad":
                    bar.write(f"attrib: skipped {one_line(event.id)}: {one_line(str(event.error))}", file=sys.stderr)
                elif event.status == "failed":
                    bar.write(f"attrib: failed {one_line(event.id)}: {one_line(str(event.error))}", file=sys.stderr)
    except StoreUnavailableError as e:
        summary.seconds = time.perf_counter() - started
        raise StoreUnavailableError(f"{e} — {summary.line()}; run the same command again to resume") from e
    summary.seconds = time.perf_counter() - started
    print(f"{summary.line()}; reports in {one_line(str(args.output))}")
    if summary.failed:
        return 1
    return EXIT_SKIPPED if summary.bad else 0


def _scan_on_dask(args: argparse.Namespace, config, options, fields) -> int:
    from attrib.article import parse_datetime
    from attrib.dask_scan import dask_scan, dask_scan_partitions, plan_slices
    from attrib.readers import count_records

    if args.workers is not None:
        raise InputError("--workers is for a scan on this machine; with --dask local give --dask-workers")
    if args.from_index:
        _partition_bytes(args)  # checks --dask-workers
        for name in ("since", "until"):
            parse_datetime(getattr(args, name), name)  # said here, before any work
        plan, total = plan_slices(config, args.outlet, args.since, args.until, args.slice_articles)
        inputs = {"index": config.describe_store(), "outlet": args.outlet, "since": args.since, "until": args.until}
        events = dask_scan_partitions(
            plan, args.output, config, options, cut={"slice_articles": args.slice_articles},
            address=args.dask, workers=args.dask_workers, inputs=inputs,
        )
        return _report_scan(args, events, total)
    events = dask_scan(
        args.paths, args.output, config, options, address=args.dask, workers=args.dask_workers,
        partition_bytes=_partition_bytes(args), encoding=args.encoding, fields=fields, inputs=_path_inputs(args.paths),
    )
    return _report_scan(args, events, count_records(args.paths))


def cmd_serve(args: argparse.Namespace) -> int:

    if args.new_key or args.hash_key:
        from attrib.service.auth import key_line, new_key

        if args.new_key:
            key = new_key()
            print(f"attrib: new {args.new_key} key (give it to the client; the keys file keeps only its hash): {key}", file=sys.stderr)
        else:
            key = sys.stdin.readline().strip()
            if not key:
                raise InputError("no key on standard input", field="key")
        print(key_line(key, args.new_key or args.hash_key, args.name))
        return 0
    try:
        import uvicorn

        from attrib.safe_text import one_line
        from attrib.service.auth import is_loopback, load_keys
        from attrib.service.listener import keep_nodelay
        from attrib.service.settings import ServiceSettings
    except ImportError as e:
        raise InputError(f"attrib serve needs its extra ({e.name} is missing): pip install 'attrib[serve]'") from None
    # The workers build their app from the environment (attrib.service.app.app_from_env).
    for name, value in (
        ("ATTRIB_ES_URL", args.es_url), ("ATTRIB_INDEX", args.index), ("ATTRIB_DB", args.db),
        ("ATTRIB_API_KEYS_FILE", args.keys_file), ("ATTRIB_MAX_BODY", args.max_body),
        ("ATTRIB_CHECK_THREADS", args.check_threads), ("ATTRIB_CHECK_QUEUE", args.check_queue),
        ("ATTRIB_CHECK_TIMEOUT", args.check_timeout),
    ):
        if value is not None:
            os.environ[name] = str(value)
    config = Config.from_env()  # refuse a bad URL or index name here, not in every worker
    settings = ServiceSettings.from_env(os.environ)
    keys = load_keys(settings.keys_file) if settings.keys_file else {}
    if not keys and not is_loopback(args.host):
        raise InputError(
            f"refusing to serve {args.host} without API keys: set ATTRIB_API_KEYS_FILE or --keys-file "
            "(attrib serve --new-key write >> keys.txt makes one), or bind a loopback address"
        )
    who = f"{len(keys)} API key(s)" if keys else "no API keys: loopback clients only"
    print(f"attrib: serving {one_line(config.describe_store())} on http://{args.host}:{args.port} ({who})", file=sys.stderr)
    keep_nodelay()  # --workers N: responses on keep-alive connections not held ~40 ms by Nagle
    uvicorn.run(
        "attrib.service.app:app_from_env", factory=True, host=args.host, port=args.port,
        workers=args.workers, log_level=args.log_level, server_header=False,
    )
    return 0


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    from attrib.store.base import CASCADE_EVIDENCE

    group = parser.add_argument_group("check")
    group.add_argument("--candidates", type=int, default=10, help="how many retrieved articles to align (default: 10)")
    group.add_argument(
        "--min-evidence", type=float, default=2.0, metavar="N",
        help="align only candidates sharing at least N fingerprints' worth of evidence, counted "
        "in fingerprints no other article has (default: 2; lower finds more topical look-alikes, slower)",
    )
    group.add_argument(
        "--rescue", type=int, default=1, metavar="N",
        help="when no candidate clears --min-evidence, align the best N anyway, if the best scores at "
        "least 1.5 times the next (a source stands apart from topical look-alikes): a heavy rewrite or "
        "summary shares too little exact wording to clear the floor (default: 1; 0 aligns none)",
    )
    group.add_argument(
        "--cascade", type=float, default=CASCADE_EVIDENCE, metavar="N",
        help="when the best candidate has less than N fingerprints' worth of evidence (counted as for "
        "--min-evidence), retrieve again with BM25 over the full text for the rarest words of each of the "
        "article's paragraphs, which finds summaries and heavy rewrites. Checks that find no source pay the "
        f"second query too (a scan of all of Reuters took 1.19 times as long); 0 never runs it (default: {CASCADE_EVIDENCE:g}, the measured threshold)",
    )
    group.add_argument(
        "--min-coverage", type=float, default=0.02,
        help="share of the article a source's passages must cover to be reported (default: 0.02)",
    )
    group.add_argument(
        "--allowlist", nargs="+", metavar="OUTLET",
        help="outlets whose reuse is licensed (wires, syndication partners); same-outlet reuse always is",
    )
    group.add_argument("--no-quotes", action="store_true", help="skip quote provenance")
    group.add_argument(
        "--no-paraphrase", action="store_true",
        help="only exact and lightly edited copies: skip the fuzzy sentence pass that finds rewrites "
        "(about twice as fast; misses paraphrases such as heavy rewrites and summaries)",
    )
    group.add_argument("--encoding", default="utf-8", help="encoding of the input (default: utf-8)")


# -- parser -----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    store = _store_options()
    parser = argparse.ArgumentParser(
        prog="attrib",
        description=(
            "Find where a news article came from, what was copied, and whose quotes were taken "
            "without credit. Index an archive, then check articles against it."
        ),
        epilog=STORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"attrib {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    fingerprint = argparse.ArgumentParser(add_help=False)
    group = fingerprint.add_argument_group("fingerprint parameters (only for a new store; an existing one keeps its own)")
    group.add_argument("--k", type=int, help="shingle size in words (default: 5)")
    group.add_argument("--window", type=int, help="winnowing window in shingles (default: 4)")
    group.add_argument("--permutations", type=int, help="MinHash permutations (default: 128)")
    group.add_argument("--bands", type=int, help="MinHash LSH bands (default: 32)")
    group.add_argument(
        "--pairs", type=int, metavar="N",
        help="also store content-word pairs at most N content words apart: finds rewrites and summaries, at 2.5x the index size and slower queries (default: 0, none; 3 is the measured choice)",
    )
    group.add_argument("--seed", type=int, help="hash seed (default: 0)")

    init = sub.add_parser(
        "init",
        parents=[store, fingerprint],
        help="create the store (index template and index, or the SQLite file) or check it",
        description="Install the index template and create the articles index (or the embedded store file); "
        "on an existing store, check it was made with the same fingerprint parameters.",
        epilog=STORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument("--shards", type=int, help="primary shards of a new Elasticsearch index (default: $ATTRIB_ES_SHARDS or 1); an existing index keeps its own")
    init.add_argument("--replicas", type=int, help="replicas of the Elasticsearch index, changed on an existing one (default: $ATTRIB_ES_REPLICAS or 0)")
    init.set_defaults(func=cmd_init)

    index = sub.add_parser(
        "index",
        parents=[store, fingerprint],
        help="index articles from JSONL, JSON, .txt folders or HTML pages",
        description=(
            "Index articles. PATH may be a JSONL file (one article a line: id, text, and optional title, "
            "outlet, url, published_at as ISO 8601), a JSON file, a .txt file (first line: title), an HTML "
            "page, a folder of any of these (read recursively), or - for JSONL on standard input. "
            "Bad records are reported with file and line and skipped; articles already indexed are left alone, "
            "so running the same command twice adds nothing. An id already indexed with different text is "
            "reported as a conflict unless --update or --overwrite says to replace it. " + ID_HELP + " "
            "Exit codes: 0 done, 1 some articles failed to store or conflicted, 2 bad input or usage (nothing indexed), "
            "3 store unreachable, 4 some records were skipped as bad input (the rest were indexed)."
        ),
        epilog=STORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    index.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to index, or -")
    newsroom = index.add_argument_group(
        "reading a newsroom's own Elasticsearch index (in the cluster of --es-url; map its field names with --field)"
    )
    newsroom.add_argument("--from-es-index", metavar="NAME", help="index every document of this index (a point-in-time read; run it again to pick up what is missing: what is stored is left alone)")
    newsroom.add_argument("--follow", action="store_true", help="then keep polling for documents newer than the newest seen, by --timestamp-field, until interrupted")
    newsroom.add_argument("--timestamp-field", metavar="FIELD", help="the date field --follow polls by (when each document was added)")
    newsroom.add_argument("--poll-seconds", type=float, default=10.0, help="seconds between two polls of --follow (default: 10)")
    newsroom.add_argument("--follow-for", type=float, metavar="SECONDS", help="stop following after this many seconds (default: until interrupted)")
    newsroom.add_argument("--write-back", action="store_true", help="with --attribute, store each new article's attribution on its source document as attrib.* (a partial update)")
    replace = index.add_mutually_exclusive_group()
    replace.add_argument("--update", action="store_true", help="replace an article already indexed under the same id when its text changed (a corrected article)")
    replace.add_argument("--overwrite", action="store_true", help="replace articles already indexed under the same id")
    index.add_argument("--encoding", default="utf-8", help="encoding of .txt, .json and .jsonl files (default: utf-8)")
    _field_argument(index)
    index.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes that fingerprint articles (default: one per core)")
    index.add_argument(
        "--attribute", action="store_true",
        help="also check each new or changed article against those indexed before it, in input order, and store "
        "the outcome on it (attribution.*, story_id; the original's copies_seen), for search and newsroom queries",
    )
    spread = index.add_argument_group("spreading indexing over a Dask cluster (pip install 'attrib[dask]')")
    spread.add_argument(
        "--dask", metavar="ADDRESS",
        help="a Dask scheduler (tcp://host:8786) whose workers see the files and the store at the same paths, "
             "or 'local' for a cluster on this machine; the workers fingerprint and write (--workers is not used)",
    )
    spread.add_argument("--dask-workers", type=int, default=2, metavar="N", help="worker processes of --dask local (default 2)")
    spread.add_argument("--partition-mb", type=float, default=4.0, metavar="MB", help="JSONL input per task, in megabytes (default 4)")
    index.set_defaults(func=cmd_index)

    check = sub.add_parser(
        "check",
        parents=[store],
        help="find the likely original of an article, the copied passages and unattributed quotes",
        description=(
            "Check one article against the index: name its likely original (the earliest article it "
            "derives from), list the copied passages with character offsets in both texts, and flag "
            "quotes taken from another outlet without credit. ARTICLE is a .txt file (first line: title), "
            "a .json article, an .html page, or - for standard input: a JSON object when it starts with {, "
            "else text read as a .txt file is (first line: title). A .txt or .html file's id is its name "
            "without the suffix, as attrib index gives it for the file or its folder. Standard input has no "
            "name, so its id is derived from the text (txt-...) unless --id is given. An indexed article "
            "with exactly the same text, and no outlet, URL or date that says otherwise, is the article "
            "itself under another id and never its own source. "
            "Exit codes: 0 report written, 1 anything else failed (such as writing the report), 2 bad input "
            "(the article, an option or the output path), 3 store unreachable or empty."
        ),
        epilog=STORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("article", metavar="ARTICLE", help="file to check, or -")
    check.add_argument("--format", choices=("text", "json", "html"), default="text", help="report format (default: text)")
    check.add_argument("-o", "--output", type=Path, help="write the report to this new file instead of standard output")
    check.add_argument("--force", action="store_true", help="let -o overwrite an existing regular file")
    check.add_argument("-v", "--verbose", action="store_true",
                       help="text report: add character offsets, every sentence pair, added and left-out sentences, "
                            "the quotes' reasons and the check's timings")
    meta = check.add_argument_group("article metadata (overrides what the file says)")
    meta.add_argument("--id", help="the article's id (an indexed article with this id is never its own source)")
    meta.add_argument("--outlet", help="the article's outlet (same-outlet reuse is licensed)")
    meta.add_argument("--published-at", metavar="ISO8601", help="publication time; later articles cannot be sources")
    _field_argument(meta)
    _check_arguments(check)
    check.set_defaults(func=cmd_check)

    scan = sub.add_parser(
        "scan",
        parents=[store],
        help="check every article of an archive (files or the index itself), in parallel, resumably",
        description=(
            "Check every article of PATH... (JSONL, JSON, .txt folders, HTML) or, with --from-index, every "
            "article of the index (optionally of one outlet and publication window) against the index. "
            "Writes OUTPUT/reports.jsonl (one report a line), summary.csv, index.html (flagged articles by "
            "severity) and reports/*.html. Interrupted scans resume: run the same command again. "
            + ID_HELP + " "
            "Exit codes: 0 done, 1 some articles failed (see OUTPUT/errors.jsonl), 2 bad input or "
            "another scan writing OUTPUT (nothing scanned), 3 store unreachable (resume later) or empty, "
            "4 some records were skipped as bad input (the rest were checked; see OUTPUT/errors.jsonl)."
        ),
        epilog=STORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scan.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to scan, or -")
    scan.add_argument("-o", "--output", type=Path, required=True, help="folder for the reports and the checkpoint")
    scan.add_argument("--workers", type=int, default=None, help="parallel workers (default: one per core)")
    _field_argument(scan)
    spread = scan.add_argument_group("spreading a scan over a Dask cluster (pip install 'attrib[dask]')")
    spread.add_argument(
        "--dask", metavar="ADDRESS",
        help="a Dask scheduler (tcp://host:8786) whose workers see the files, OUTPUT and the store at the same "
             "paths, or 'local' for a cluster on this machine",
    )
    spread.add_argument("--dask-workers", type=int, default=2, metavar="N", help="worker processes of --dask local (default 2)")
    spread.add_argument(
        "--partition-mb", type=float, default=4.0, metavar="MB",
        help="JSONL input per task, in megabytes (default 4); keep it the same when resuming",
    )
    spread.add_argument(
        "--slice-articles", type=int, default=1000, metavar="N",
        help="with --from-index (Elasticsearch): articles per task, about; each task reads one slice of a "
             "point-in-time search (default 1000); keep it the same when resuming",
    )
    selection = scan.add_argument_group("scanning the index itself")
    selection.add_argument("--from-index", action="store_true", help="scan the articles already in the index")
    selection.add_argument(
        "--write-back", action="store_true",
        help="store what each check finds on the article in the index (attribution.*, story_id), as attrib index "
        "--attribute does on arrival, so the newsroom's own queries can filter and collapse on it",
    )
    selection.add_argument("--outlet", help="only articles of this outlet")
    selection.add_argument("--since", metavar="ISO8601", help="only articles published at or after this time")
    selection.add_argument("--until", metavar="ISO8601", help="only articles published before this time")
    _check_arguments(scan)
    scan.set_defaults(func=cmd_scan)

    serve = sub.add_parser(
        "serve",
        parents=[store],
        help="serve the HTTP API: check, index, search, attribution (needs attrib[serve])",
        description=(
            "Serve the JSON API (POST /v1/check, PUT /v1/articles/ID, POST /v1/articles/_bulk, GET /v1/search, "
            "GET|DELETE /v1/articles/ID, /healthz, /readyz, /metrics, /openapi.json) over the same store as the "
            "other commands. Without API keys only loopback clients are served, and a non-loopback --host is "
            "refused. Keys live in a file ($ATTRIB_API_KEYS_FILE or --keys-file) as 'SHA256-HEX SCOPE [NAME]' "
            "lines; scope read (check, search, get) or write (also index and delete); clients send them as "
            "Authorization: Bearer KEY or X-API-Key: KEY."
        ),
        epilog=STORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--workers", type=int, default=1, help="server processes (default: 1)")
    serve.add_argument("--keys-file", metavar="FILE", help="API keys file (default: $ATTRIB_API_KEYS_FILE)")
    serve.add_argument("--max-body", type=int, metavar="BYTES", help="largest request body (default: $ATTRIB_MAX_BODY or 6 MB)")
    serve.add_argument("--check-threads", type=int, metavar="N", help="checks run at once per process (default: 2)")
    serve.add_argument("--check-queue", type=int, metavar="N", help="checks that may wait per process before 429 Too Many Requests (default: 64)")
    serve.add_argument("--check-timeout", type=float, metavar="SECONDS", help="how long a request waits for its check (default: 30)")
    serve.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"), help="server log level")
    keys = serve.add_argument_group("API keys (print a keys-file line and exit)")
    make = keys.add_mutually_exclusive_group()
    make.add_argument("--new-key", choices=("read", "write"), metavar="SCOPE", help="make a new key with this scope: the key on stderr, its line on stdout")
    make.add_argument("--hash-key", choices=("read", "write"), metavar="SCOPE", help="the line for a key read from standard input")
    keys.add_argument("--name", help="a name for the key, kept in its line")
    serve.set_defaults(func=cmd_serve)

    return parser


def _check_encoding(name: str) -> None:
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        raise InputError(f"unknown encoding {name!r}") from None
    try:
        b"a".decode(name)
    except UnicodeDecodeError:
        pass  # a text encoding, for which one byte is too short
    except LookupError:  # base64, rot13: codecs, but not for text
        raise InputError(f"{name!r} is not a text encoding") from None


def main(argv: Sequence[str] | None = None) -> int:
    from attrib.safe_text import one_line

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "encoding", None):
            _check_encoding(args.encoding)
        return args.func(args)
    except AttribError as e:
        print(f"attrib: {one_line(str(e))}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("attrib: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141
    except OSError as e:  # a file or folder the command could not use: one line, not a traceback
        print(f"attrib: {one_line(str(e))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
