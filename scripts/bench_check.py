#!/usr/bin/env python3
"""Check latency with the archive in the local Elasticsearch.

Indexes BBC News, Reuters-21578 and the seed article 000 (21,269 articles) unless the
index already holds them, then checks a fixed sample of articles (each excluding
itself) and prints latency p50 and p99 in milliseconds, overall and per stage.

  python scripts/bench_check.py [--data ../shared/data] [--es-url URL] [--index NAME] [--queries 400]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchlib import DEFAULT_DATA, check_archive, check_sample, cluster, ensure_indexed, machine, percentile

from attrib.config import Config
from attrib.detect import CheckOptions, check
from attrib.store.elastic import ElasticsearchStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default: %(default)s)")
    parser.add_argument("--es-url", help="an existing cluster (default: start scripts/es-local)")
    parser.add_argument("--index", default="bench-check", help="index prefix; reused when it already holds the corpus")
    parser.add_argument("--queries", type=int, default=400, help="articles to check (default: %(default)s)")
    parser.add_argument("--no-quotes", action="store_true", help="skip quote provenance")
    parser.add_argument("--rescue", type=int, default=CheckOptions().rescue, help="candidates aligned when none clears the evidence floor (default: %(default)s)")
    parser.add_argument("--cascade", type=float, default=CheckOptions().cascade, help="retrieval's second-stage threshold, 0: never (default: %(default)s)")
    args = parser.parse_args()
    corpus = check_archive(args.data)
    sample = check_sample(corpus, args.data, args.queries)
    print(f"machine: {machine()}")
    with cluster(args.es_url) as url:
        store = ElasticsearchStore(Config(es_url=url, index=args.index))
        ensure_indexed(store, corpus)
        print(f"index: {store.count()} articles; checking {len(sample)} articles")
        options = CheckOptions(quotes=not args.no_quotes, rescue=args.rescue, cascade=args.cascade)
        chosen = {a.id for a in sample}
        warm = [a for a in corpus if a.id not in chosen][:20]
        for article in warm:  # warm-up (JIT, connections) on articles outside the sample
            check(article, store, options)
        latencies, stages, sources = [], {}, 0
        for article in sample:
            started = time.perf_counter()
            report = check(article, store, options)
            latencies.append((time.perf_counter() - started) * 1000)
            sources += report.original is not None
            for stage, ms in report.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
        store.close()
    print(f"check latency over {len(latencies)} checks: p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
          f"mean {statistics.fmean(latencies):.1f} ms; {sources} with a likely source")
    for stage, values in stages.items():
        print(f"  {stage:12s} p50 {percentile(values, 50):6.1f} ms  p99 {percentile(values, 99):6.1f} ms")


if __name__ == "__main__":
    main()
