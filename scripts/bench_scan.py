#!/usr/bin/env python3
"""Scan throughput: Reuters-21578 scanned against itself in the local Elasticsearch.

Indexes the 19,043 Reuters stories with a body (unless the index already holds them),
then runs `attrib scan --from-index` over them with one worker per core and prints
articles checked per second, and how many of the re-issued wire stories (same body
published again later) come out naming an earlier copy as their source.

  python scripts/bench_scan.py [--data ../shared/data] [--es-url URL] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import DEFAULT_DATA, ROOT, cluster, machine

from attrib.config import Config
from attrib.corpora import reuters
from attrib.indexing import index_articles
from attrib.store.elastic import ElasticsearchStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default: %(default)s)")
    parser.add_argument("--es-url", help="an existing cluster (default: start scripts/es-local)")
    parser.add_argument("--index", default="bench-scan", help="index prefix; reused when it already holds Reuters")
    parser.add_argument("--limit", type=int, help="scan only the first N articles (a JSONL of them)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="scan workers (default: %(default)s)")
    parser.add_argument("--no-paraphrase", action="store_true", help="scan with attrib scan --no-paraphrase")
    parser.add_argument("--cascade", help="scan with attrib scan --cascade N (default: the scan's own default)")
    args = parser.parse_args()
    articles = list(reuters(args.data))
    groups: dict[str, list] = {}
    for a in articles:
        groups.setdefault(" ".join(a.text.split()), []).append(a)
    reissues = {a.id for g in groups.values() if len(g) > 1 for a in sorted(g, key=lambda x: (x.published_at is None, x.published_at, x.id))[1:]}
    print(f"machine: {machine()}; workers: {args.workers}")
    print(f"corpus: {len(articles)} Reuters stories, {len(reissues)} of them re-issues of an earlier identical story")
    with cluster(args.es_url) as url, tempfile.TemporaryDirectory() as tmp:
        store = ElasticsearchStore(Config(es_url=url, index=args.index))
        store.init()
        if store.count() < len(articles):
            index_articles(store, articles, workers=os.cpu_count() or 1)
        store.close()
        out = Path(tmp) / "scan"
        command = [sys.executable, "-m", "attrib", "scan", "--es-url", url, "--index", args.index, "-o", str(out), "--workers", str(args.workers), "--no-progress"]
        if args.no_paraphrase:
            command.append("--no-paraphrase")
        if args.cascade is not None:
            command += ["--cascade", args.cascade]
        scanned = articles
        if args.limit:
            scanned = articles[: args.limit]
            source = Path(tmp) / "input.jsonl"
            source.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in scanned), encoding="utf-8")
            command.insert(4, str(source))
        else:
            command.insert(4, "--from-index")
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"bench: scan failed: {proc.stderr.strip()[-500:]}")
        found = 0
        expected = {a.id for a in scanned} & reissues
        with open(out / "reports.jsonl", encoding="utf-8") as handle:
            for line in handle:
                report = json.loads(line)
                if report["article"]["id"] in expected and report["likely_original"] is not None:
                    found += 1
    print(proc.stdout.strip())
    print(f"scan: {len(scanned)} articles in {elapsed:.0f} s = {len(scanned) / elapsed:.1f} articles/s (whole command, start-up included)")
    print(f"re-issues naming an earlier copy: {found} of {len(expected)}")


if __name__ == "__main__":
    main()
