#!/usr/bin/env python3
"""Does `check` name the true source? PAN 2013 suspicious documents against all PAN sources.

Indexes every PAN 2013 training source document (3,230) into a fresh embedded store
(or ``--es-url``), checks each suspicious document of the chosen obfuscation types with
the library's check, and prints, per type, the share whose likely original is a true
source ("named"), the share where a true source is among the reported sources
("found"), the candidates aligned per check and the check time. ``--min-evidence`` and
``--rescue`` may be given several times to compare settings in one run, interleaved
query by query so that every setting sees the same load.

  python scripts/eval_check_recall.py --type summary --min-evidence 2 --min-evidence 0
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchlib import DEFAULT_DATA, machine, percentile
from bench_retrieval import pan_id, pan_text, truth_rows

from attrib.article import Article
from attrib.config import Config
from attrib.detect import CheckOptions, check
from attrib.indexing import index_articles
from attrib.store import open_store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--type", action="append", dest="types", help="obfuscation type (repeatable; default: summary)")
    parser.add_argument("--min-evidence", action="append", type=float, dest="floors", help="evidence floor(s) to compare (default: the check's default)")
    parser.add_argument("--rescue", action="append", type=int, dest="rescues", help="candidates aligned when none clears the floor (repeatable; default: the check's default)")
    parser.add_argument("--limit", type=int, help="at most this many suspicious documents per type")
    parser.add_argument("--es-url", help="Elasticsearch to use (a fresh index, removed afterwards)")
    args = parser.parse_args()
    types = args.types or ["summary"]
    settings = [(f, r) for f in (args.floors or [CheckOptions().min_evidence]) for r in (args.rescues or [CheckOptions().rescue])]
    pan = args.data / "pan13-train"
    truth: dict[str, set[str]] = defaultdict(set)
    kind_of: dict[str, str] = {}
    for susp, src, kind, _ in truth_rows(pan):
        if kind in types:
            truth[susp].add(src)
            kind_of[susp] = kind
    by_kind: dict[str, list[str]] = defaultdict(list)
    for susp in sorted(truth):
        by_kind[kind_of[susp]].append(susp)
    queries = [s for k in types for s in by_kind[k][: args.limit]]
    print(f"eval_check_recall: {len(queries)} suspicious documents ({', '.join(types)}); {machine()}")
    with tempfile.TemporaryDirectory(prefix="attrib-recall-") as tmp:
        config = Config(es_url=args.es_url, index=f"recall-{int(time.time())}") if args.es_url else Config(db_path=Path(tmp) / "attrib.db")
        store = open_store(config)
        try:
            sources = [Article(id=pan_id(f"src/{p.name}"), text=p.read_text(encoding="utf-8"), outlet="pan13")
                       for p in sorted((pan / "src").glob("*.txt"))]
            started = time.perf_counter()
            index_articles(store, sources)
            print(f"indexed {len(sources)} sources in {time.perf_counter() - started:.0f} s")
            results: dict[tuple[float, int], list[tuple[str, bool, bool, int, float]]] = {s: [] for s in settings}
            for i, susp in enumerate(queries):
                article = Article(id=susp, text=pan_text(pan, susp), outlet="suspicious")
                for floor, rescue in settings:
                    options = CheckOptions(min_evidence=floor, rescue=rescue)
                    began = time.perf_counter()
                    report = check(article, store, options)
                    ms = (time.perf_counter() - began) * 1000
                    named = report.original is not None and report.original.article.id in truth[susp]
                    found = any(m.article.id in truth[susp] for m in report.sources)
                    results[(floor, rescue)].append((kind_of[susp], named, found, report.candidates_checked, ms))
                if (i + 1) % 50 == 0:
                    print(f"  {i + 1}/{len(queries)}", file=sys.stderr)
        finally:
            if args.es_url:
                store.client.indices.delete(index=f"{config.index}-*", ignore_unavailable=True)
            store.close()
    print(f"{'floor':>6} {'rescue':>6} {'type':<18} {'n':>4} {'named':>7} {'found':>7} {'aligned/check':>14} {'p50 ms':>8} {'mean ms':>8}")
    for (floor, rescue), rows in results.items():
        for kind in types:
            g = [r for r in rows if r[0] == kind]
            if not g:
                continue
            ms = [r[4] for r in g]
            print(f"{floor:>6} {rescue:>6} {kind:<18} {len(g):>4} {sum(r[1] for r in g) / len(g):>7.3f} {sum(r[2] for r in g) / len(g):>7.3f} "
                  f"{statistics.fmean(r[3] for r in g):>14.2f} {percentile(ms, 50):>8.1f} {statistics.fmean(ms):>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
