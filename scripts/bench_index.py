#!/usr/bin/env python3
"""End-to-end indexing throughput: read, fingerprint, extract quotes, store.

Indexes all of BBC News and Reuters-21578 (about 21,000 articles) into a fresh index
of the local Elasticsearch (started here unless --es-url is given) and into a fresh
embedded store, and prints articles per second for each.

  python scripts/bench_index.py [--data ../shared/data] [--es-url URL] [--limit N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import time
from pathlib import Path

from benchlib import DEFAULT_DATA, cluster, machine

from attrib.config import Config
from attrib.corpora import bbc, reuters
from attrib.indexing import index_articles
from attrib.store import EmbeddedStore
from attrib.store.elastic import ElasticsearchStore


def run(store, articles, workers) -> tuple[int, float]:
    started = time.perf_counter()
    summary = index_articles(store, articles, workers=workers)
    elapsed = time.perf_counter() - started
    if summary.failed or summary.bad:
        raise SystemExit(f"bench: {len(summary.failed)} failed, {len(summary.bad)} bad")
    return summary.indexed, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default: %(default)s)")
    parser.add_argument("--es-url", help="an existing cluster (default: start scripts/es-local)")
    parser.add_argument("--limit", type=int, help="index only the first N articles")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="fingerprinting processes (default: %(default)s)")
    args = parser.parse_args()
    articles = list(itertools.islice(itertools.chain(bbc(args.data), reuters(args.data)), args.limit))
    chars = sum(len(a.text) for a in articles)
    print(f"corpus: {len(articles)} articles, {chars / 1e6:.1f} M characters (BBC News + Reuters-21578)")
    print(f"machine: {machine()}; fingerprinting workers: {args.workers}")
    with cluster(args.es_url) as url:
        store = ElasticsearchStore(Config(es_url=url, index=f"bench-index-{int(time.time())}"))
        try:
            n, elapsed = run(store, articles, args.workers)
            size = store.client.indices.stats(index=store.index)["_all"]["total"]["store"]["size_in_bytes"]
            print(f"elasticsearch: {n} articles in {elapsed:.1f} s = {n / elapsed:,.0f} articles/s; index {size / 1e6:.0f} MB")
        finally:
            store.delete_all()
            store.close()
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "attrib.db")
        n, elapsed = run(store, articles, args.workers)
        size = (Path(folder) / "attrib.db").stat().st_size
        store.close()
        print(f"embedded:      {n} articles in {elapsed:.1f} s = {n / elapsed:,.0f} articles/s; file {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
