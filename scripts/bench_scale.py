#!/usr/bin/env python3
"""How cost grows with the archive: 25k, 100k, 250k and 1M articles.

The archive is made of real sentences: every sentence of BBC News, Reuters-21578 and the
PAN 2013 source documents goes into one pool, and each article is 6 to 18 sentences
drawn from it, so fingerprint frequencies behave as in a real archive (common wire
phrases are common, most shingles rare) rather than as random words. One article in
PLANT_EVERY is planted: a copy (the whole text with one sentence dropped and one new
lead sentence) or a rewrite (sentences reordered and dropped, words dropped and swapped
inside them) of an earlier, ordinary article, published later by another outlet. Every
article is made from its number alone, so the archive grows in place: 25k is indexed and
measured, then the same index grows to 100k and is measured again, and so on; a run
stopped midway continues where it stopped (state in --work).

Measured at each size:

- index size on disk (primary store of the index, after a refresh);
- indexing rate of the growth step (fingerprinting on --workers processes, bulk writes);
- check latency p50/p99 over a fixed sample: planted copies and rewrites of the first
  25k, and ordinary articles, each checked as it is stored (excluding itself);
- recall@1: the share of the sampled planted articles whose likely original is the
  article they were made from;
- scan rate: a single-machine ``attrib scan`` (--workers processes) of a fixed file of
  articles drawn from the first 25k.

  nice -n 10 python scripts/bench_scale.py --es-url http://127.0.0.1:9260 --sizes 25k,100k
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from benchlib import DEFAULT_DATA, cluster, machine, percentile

from attrib.article import Article
from attrib.config import Config
from attrib.core.sentences import sentences
from attrib.corpora import bbc, reuters
from attrib.detect import CheckOptions, check
from attrib.indexing import index_articles
from attrib.store.elastic import ElasticsearchStore

PLANT_EVERY = 50
"""One article in this many is a planted copy or rewrite (2 %)."""
SEED = 19
EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)
STEP = 100_000
"""Articles indexed per call, so that the progress bar and the state file advance."""


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def build_pool(data: Path, cache: Path) -> list[str]:
    """Every sentence of 15 to 400 characters of BBC News, Reuters-21578 and the PAN 2013
    source documents (cached in ``cache``)."""
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    from tqdm import tqdm

    texts = [a.text for a in bbc(data)] + [a.text for a in reuters(data)]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((data / "pan13-train" / "src").glob("*.txt"))]
    pool: list[str] = []
    seen: set[str] = set()
    for text in tqdm(texts, desc="sentence pool", unit="text"):
        for start, end in sentences(text):
            sentence = " ".join(text[start:end].split())
            if 15 <= len(sentence) <= 400 and sentence not in seen:
                seen.add(sentence)
                pool.append(sentence)
    cache.write_text(json.dumps(pool), encoding="utf-8")
    return pool


def is_planted(k: int) -> bool:
    return k % PLANT_EVERY == PLANT_EVERY - 1


def _ordinary_sentences(k: int, pool: list[str]) -> list[str]:
    rng = random.Random(SEED * 1_000_003 + k)
    return [pool[rng.randrange(len(pool))] for _ in range(rng.randint(6, 18))]


def original_of(k: int) -> int:
    """The ordinary article planted article ``k`` was made from."""
    rng = random.Random(SEED * 7_000_003 + k)
    j = rng.randrange(k)
    return j - 1 if is_planted(j) else j


def kind_of(k: int) -> str:
    return "copy" if (k // PLANT_EVERY) % 2 == 0 else "rewrite"


def _rewrite(sentences_: list[str], rng: random.Random) -> list[str]:
    kept = [s for s in sentences_ if rng.random() < 0.8] or sentences_[:1]
    for i in range(0, len(kept) - 1, 2):  # neighbouring sentences change places
        if rng.random() < 0.5:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    out = []
    for sentence in kept:
        words = sentence.split()
        for _ in range(max(1, len(words) // 12)):
            if len(words) > 4:
                i = rng.randrange(len(words) - 1)
                if rng.random() < 0.5:
                    del words[i]
                else:
                    words[i], words[i + 1] = words[i + 1], words[i]
        out.append(" ".join(words))
    return out


def article(k: int, pool: list[str]) -> Article:
    """Article number ``k`` of the archive (the same for the same pool, always)."""
    published = EPOCH + timedelta(minutes=k)
    if not is_planted(k) or k < PLANT_EVERY:
        return Article(id=f"a{k}", text=" ".join(_ordinary_sentences(k, pool)), outlet=f"outlet{k % 97}", published_at=published)
    rng = random.Random(SEED * 5_000_011 + k)
    source = _ordinary_sentences(original_of(k), pool)
    if kind_of(k) == "copy":
        body = [pool[rng.randrange(len(pool))]] + [s for i, s in enumerate(source) if i != rng.randrange(len(source))]
    else:
        body = _rewrite(source, rng)
    return Article(id=f"a{k}", text=" ".join(body), outlet=f"copier{k % 13}", published_at=published)


def articles(start: int, stop: int, pool: list[str], bar=None) -> Iterator[Article]:
    for k in range(start, stop):
        yield article(k, pool)
        if bar is not None:
            bar.update(1)


@contextlib.contextmanager
def refresh_interval(store: ElasticsearchStore, during: str | None) -> Iterator[None]:
    """The index's refresh interval set to ``during`` (e.g. ``-1``: none) while it grows,
    as a bulk load would; the one it had afterwards. None: left as it is."""
    if during is None:
        yield
        return
    settings = store.client.indices.get_settings(index=store.index, name="index.refresh_interval", include_defaults=True)
    entry = settings[store.index]
    before = entry.get("settings", {}).get("index", {}).get("refresh_interval") or entry["defaults"]["index"]["refresh_interval"]
    store.client.indices.put_settings(index=store.index, settings={"index": {"refresh_interval": during}})
    try:
        yield
    finally:
        store.client.indices.put_settings(index=store.index, settings={"index": {"refresh_interval": before}})


def heap_used(store: ElasticsearchStore) -> int:
    """Bytes of JVM heap in use on the cluster's nodes, summed (a sample: the heap holds garbage too)."""
    nodes = store.client.nodes.stats(metric="jvm")["nodes"].values()
    return sum(int(n["jvm"]["mem"]["heap_used_in_bytes"]) for n in nodes)


def segments(store: ElasticsearchStore) -> int:
    stats = store.client.indices.stats(index=store.index, metric="segments")
    return int(stats["_all"]["primaries"]["segments"]["count"])


def index_size(store: ElasticsearchStore) -> int:
    stats = store.client.indices.stats(index=store.index, metric="store")
    return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])


def measure_checks(store, pool: list[str], queries: int) -> dict:
    rng = random.Random(SEED)
    planted = [k for k in range(PLANT_EVERY, 25_000) if is_planted(k)]
    chosen = sorted(rng.sample(planted, min(len(planted), queries * 2 // 3)))
    ordinary = sorted(rng.sample([k for k in range(25_000) if not is_planted(k)], queries - len(chosen)))
    options = CheckOptions()
    for k in range(10):  # warm-up: connections, caches
        check(article(k, pool), store, options)
    latencies, found, by_kind = [], 0, {"copy": [0, 0], "rewrite": [0, 0]}
    for k in chosen + ordinary:
        started = time.perf_counter()
        report = check(article(k, pool), store, options)
        latencies.append((time.perf_counter() - started) * 1000)
        if is_planted(k):
            hit = report.original is not None and report.original.article.id == f"a{original_of(k)}"
            found += hit
            by_kind[kind_of(k)][0] += hit
            by_kind[kind_of(k)][1] += 1
    return {
        "check_p50_ms": round(percentile(latencies, 50), 1),
        "check_p99_ms": round(percentile(latencies, 99), 1),
        "checks": len(latencies),
        "planted": len(chosen),
        "recall_at_1": round(found / len(chosen), 4),
        "recall_copy": round(by_kind["copy"][0] / max(1, by_kind["copy"][1]), 4),
        "recall_rewrite": round(by_kind["rewrite"][0] / max(1, by_kind["rewrite"][1]), 4),
    }


def measure_scan(config: Config, pool: list[str], count: int, workers: int) -> dict:
    from attrib.scan import scan

    rng = random.Random(SEED + 1)
    sample = [article(k, pool) for k in sorted(rng.sample(range(25_000), count))]
    with tempfile.TemporaryDirectory(prefix="bench-scale-scan-") as tmp:
        started = time.perf_counter()
        events = list(scan(iter(sample), Path(tmp) / "scan", config, CheckOptions(), inputs={"bench": "scale"}, workers=workers))
        elapsed = time.perf_counter() - started
    checked = sum(e.status == "checked" for e in events)
    return {"scan_articles": checked, "scan_seconds": round(elapsed, 1), "scan_rate": round(checked / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default: %(default)s)")
    parser.add_argument("--es-url", help="an existing cluster (default: start scripts/es-local for this run; no resume then)")
    parser.add_argument("--index", default="bench-scale", help="index prefix; grown in place across runs (default: %(default)s)")
    parser.add_argument("--sizes", default="25k,100k,250k,1M", help="archive sizes to measure, ascending (default: %(default)s)")
    parser.add_argument("--work", type=Path, default=Path(".bench-scale"), help="sentence pool cache and state (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="fingerprinting and scan processes (default: %(default)s)")
    parser.add_argument("--queries", type=int, default=300, help="checks timed at each size, 2/3 of them planted (default: %(default)s)")
    parser.add_argument("--scan", type=int, default=600, help="articles scanned at each size (default: %(default)s)")
    parser.add_argument("--load-refresh", default="-1", help="refresh interval while the index grows, as in a bulk load; "
                        "'keep' leaves the index's own (default: %(default)s)")
    args = parser.parse_args()
    if args.load_refresh == "keep":
        args.load_refresh = None
    from tqdm import tqdm

    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    pool = build_pool(args.data, args.work / "pool.json")
    state_path = args.work / "state.json"
    print(f"machine: {machine()}; workers: {args.workers}")
    print(f"sentence pool: {len(pool):,} sentences (BBC News, Reuters-21578, PAN 2013 sources); 1 in {PLANT_EVERY} articles planted")
    with cluster(args.es_url, heap="4g") as url:
        config = Config(es_url=url, index=args.index)
        store = ElasticsearchStore(config)
        store.init()
        state = json.loads(state_path.read_text()) if state_path.exists() and args.es_url else {}
        if state.get("index") != args.index or state.get("url") != url:
            state = {"index": args.index, "url": url, "built": 0, "results": []}
        for size in sizes:
            done = {r["size"] for r in state["results"]}
            if size in done:
                print(json.dumps(next(r for r in state["results"] if r["size"] == size)))
                continue
            if state["built"] < size:
                started, grown = time.perf_counter(), size - state["built"]
                with tqdm(total=grown, desc=f"indexing to {size:,}", unit="article", smoothing=0.05) as bar, \
                        refresh_interval(store, args.load_refresh):
                    while state["built"] < size:
                        stop = min(size, state["built"] + STEP)
                        summary = index_articles(store, articles(state["built"], stop, pool, bar), workers=args.workers)
                        if summary.failed or summary.bad:
                            raise SystemExit(f"bench: {len(summary.failed)} failed, {len(summary.bad)} bad")
                        state["built"] = stop
                        state_path.write_text(json.dumps(state))
                seconds = time.perf_counter() - started
                rate = round(grown / seconds, 1)
            else:
                seconds, rate = None, None
            store.refresh()
            result = {"size": size, "stored": store.count(), "index_bytes": index_size(store), "index_seconds": seconds and round(seconds, 1), "index_rate": rate,
                      "load_refresh": args.load_refresh, "segments": segments(store)}
            with tqdm(total=1, desc=f"checking at {size:,}", unit="run") as bar:
                result.update(measure_checks(store, pool, args.queries))
                bar.update(1)
            with tqdm(total=1, desc=f"scanning at {size:,}", unit="run") as bar:
                result.update(measure_scan(config, pool, args.scan, args.workers))
                bar.update(1)
            result["heap_used_bytes"] = heap_used(store)
            result["when"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            state["results"].append(result)
            state_path.write_text(json.dumps(state))
            print(json.dumps(result), flush=True)
        store.close()
    print()
    print("| articles | index on disk | bytes/article | indexing rate | check p50 | check p99 | recall@1 (copy / rewrite) | scan rate |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(state["results"], key=lambda r: r["size"]):
        rate = f"{r['index_rate']:,.0f}/s" if r.get("index_rate") else "-"
        print(f"| {r['size']:,} | {r['index_bytes'] / 1e9:.2f} GB | {r['index_bytes'] / r['size']:,.0f} | {rate} | {r['check_p50_ms']} ms | "
              f"{r['check_p99_ms']} ms | {r['recall_at_1']:.3f} ({r['recall_copy']:.3f} / {r['recall_rewrite']:.3f}) | {r['scan_rate']}/s |")


if __name__ == "__main__":
    main()
