#!/usr/bin/env python3
"""Decisions on real news reuse: the likely original and lifted quotes, through the CLI.

Indexes ``articles.jsonl`` of a news set (``../shared/data/news-dev`` by default) into a
fresh store with ``attrib index``, checks every query with ``attrib check - --format
json`` as a user would, and scores what the reports name against ``truth.jsonl``:

- rank-1 of the likely original per reuse kind: over the whole pool (the named original
  must be the expected or an acceptable article; an unjudged sibling named is a miss) and
  among judged articles only (the first of expected, acceptable and hard negatives in the
  report's ranking: original, other copies, further sources);
- hard negatives named as the original;
- lifted quotes flagged (recall), and flags on quotes that are not lifted (false flags);
- the same rank-1 figures for a plain word 5-gram overlap ranking, side by side.

A query whose expected and acceptable originals are all published after it is right when
the report names no original and lists the expected one among its sources as ``later``
(the set's scoring rule). The embedded store is used unless ``--es-url`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchlib import DEFAULT_DATA, ROOT, machine

KINDS = ("press-release", "rewrite", "light", "partial", "verbatim", "quote-lift")


# -- the plain 5-gram baseline ----------------------------------------------------------


def grams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Distinct word n-grams: lower-cased alphanumeric tokens, apostrophes removed."""
    tokens = re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", text.lower()))
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def overlap_ranking(query: dict, pool: list[dict], cache: dict[str, set]) -> list[str]:
    """Pool ids by the share of the query's distinct 5-grams they contain, best first."""
    mine = cache[query["id"]]
    scored = []
    for other in pool:
        if other["id"] == query["id"]:
            continue
        shared = len(mine & cache[other["id"]]) / max(1, len(mine))
        if shared > 0:
            scored.append((-shared, other["id"]))
    return [i for _, i in sorted(scored)]


# -- running attrib as a user would ------------------------------------------------------


def attrib_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "attrib", *args]


def store_args(args: argparse.Namespace, db: Path, index: str) -> list[str]:
    return ["--es-url", args.es_url, "--index", index] if args.es_url else ["--db", str(db)]


def run_check(article: dict, extra: list[str]) -> dict:
    record = {k: article[k] for k in ("id", "text", "title", "outlet", "url", "published_at") if article.get(k) is not None}
    done = subprocess.run(
        attrib_cmd("check", "-", "--format", "json", "--no-progress", *extra),
        input=json.dumps(record), capture_output=True, text=True, cwd=ROOT,
    )
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]}
    return json.loads(done.stdout)


def attrib_ranking(report: dict) -> tuple[str | None, list[str], set[str]]:
    """The named original, the ranking it implies (original first), and the ids reported as later."""
    if "error" in report:
        return None, [], set()
    original = (report.get("likely_original") or {}).get("id")
    order = {"original": 0, "also_seen": 1, "source": 2}
    eligible = [s for s in report["sources"] if s["relation"] in order]
    eligible.sort(key=lambda s: order[s["relation"]])
    later = {s["article"]["id"] for s in report["sources"] if s["relation"] == "later"}
    return original, [s["article"]["id"] for s in eligible], later


def first_judged(ranking: list[str], truth: dict) -> str | None:
    """The first of ``ranking`` that is judged: expected, acceptable or a hard negative."""
    judged = {truth["expected_original_id"], *truth["also_acceptable_ids"], *truth["hard_negative_ids"]}
    return next((i for i in ranking if i in judged), None)


def correct(pick: str | None, truth: dict, later: set[str] | None = None) -> bool:
    right = {truth["expected_original_id"], *truth["also_acceptable_ids"]}
    if right <= set(truth["later_than_query_ids"]) and later is not None:
        # Every acceptable original is dated after the query: right when nothing is named
        # and the expected one is reported as published later.
        return pick is None and truth["expected_original_id"] in later
    return pick in right


def quote_flags(report: dict, query: dict, truth: dict) -> tuple[int, int, list[str]]:
    """(lifted quotes flagged, false flags, descriptions of the false flags)."""
    if "error" in report:
        return 0, 0, []
    text = query["text"]
    lifted_spans = []
    for q in truth["lifted_quotes"]:
        at = text.find(q)
        lifted_spans.append((at, at + len(q)))
    flagged = [q for q in report["quotes"] if q["flagged"]]
    hit = 0
    for start, end in lifted_spans:
        if any(q["span"]["start"] < end and start < q["span"]["end"] for q in flagged):
            hit += 1
    false = [
        q for q in flagged
        if not any(q["span"]["start"] < end and start < q["span"]["end"] for start, end in lifted_spans)
    ]
    return hit, len(false), [f"{query['id']}: “{q['text'][:70]}” ({q['verdict']})" for q in false]


# -- main -------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA / "news-dev", help="folder with articles.jsonl and truth.jsonl")
    parser.add_argument("--es-url", help="Elasticsearch to use (a fresh index prefix, removed afterwards); default: a fresh embedded store")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="checks run at once (default: one per core)")
    parser.add_argument("--verbose", action="store_true", help="one line per query")
    parser.add_argument("--json", type=Path, help="also write per-query results to this file")
    args = parser.parse_args()

    articles_path, truth_path = args.data / "articles.jsonl", args.data / "truth.jsonl"
    for path in (articles_path, truth_path):
        if not path.is_file():
            raise SystemExit(f"eval_news: {path} not found")
    pool = [json.loads(line) for line in articles_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    truths = [json.loads(line) for line in truth_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = {a["id"]: a for a in pool}

    print(f"eval_news: {args.data} ({len(pool)} articles, {len(truths)} queries); {machine()}")
    with tempfile.TemporaryDirectory(prefix="attrib-news-") as tmp:
        db = Path(tmp) / "attrib.db"
        index = f"eval-news-{uuid.uuid4().hex[:8]}"
        extra = store_args(args, db, index)
        started = time.perf_counter()
        done = subprocess.run(attrib_cmd("index", str(articles_path), "--no-progress", *extra), capture_output=True, text=True, cwd=ROOT)
        print(f"attrib index: {done.stdout.strip() or done.stderr.strip()} (exit {done.returncode}, {time.perf_counter() - started:.1f} s)")
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
        if done.stderr.strip():
            for line in done.stderr.strip().splitlines()[:10]:
                print(f"  {line}")
        started = time.perf_counter()
        try:
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool_exec:
                reports = list(pool_exec.map(lambda t: run_check(by_id[t["query_id"]], extra), truths))
        finally:
            if args.es_url:
                from elasticsearch import Elasticsearch

                with Elasticsearch(args.es_url) as es:
                    es.indices.delete(index=f"{index}-*", ignore_unavailable=True, allow_no_indices=True)
        check_seconds = time.perf_counter() - started

    cache = {a["id"]: grams(a["text"]) for a in pool}
    rows = []
    for truth, report in zip(truths, reports):
        query = by_id[truth["query_id"]]
        original, ranking, later = attrib_ranking(report)
        judged_pick = first_judged(ranking, truth)
        base = overlap_ranking(query, pool, cache)
        lifted, false_flags, false_desc = quote_flags(report, query, truth)
        rows.append({
            "query": truth["query_id"], "kind": truth["reuse_kind"], "expected": truth["expected_original_id"],
            "named": original, "error": report.get("error"), "verdict": report.get("verdict"),
            "pool": correct(original, truth, later), "judged": correct(judged_pick, truth, later),
            "hard_negative": original in set(truth["hard_negative_ids"]),
            "base_pool": correct(base[0] if base else None, truth),
            "base_judged": correct(first_judged(base, truth), truth),
            "lifted": len(truth["lifted_quotes"]), "lifted_flagged": lifted,
            "false_flags": false_flags, "false_flag_quotes": false_desc,
            "credited_query": bool(truth["reuse_kind"] == "quote-lift" and not truth["lifted_quotes"]),
        })

    if args.verbose:
        for r in rows:
            mark = "ok " if r["pool"] else "MISS"
            extra_info = f" ERROR {r['error']}" if r["error"] else ""
            print(f"  {mark} {r['query']:<28} {r['kind']:<13} named {r['named']!s:<26} expected {r['expected']}{extra_info}")

    print(f"\nchecks: {len(rows)} through `attrib check -`, {check_seconds:.1f} s with {args.jobs} at once")
    print(f"{'reuse kind':<14} {'n':>3} | {'attrib pool':>11} {'judged':>7} | {'5-gram pool':>11} {'judged':>7}")
    groups = defaultdict(list)
    for r in rows:
        groups[r["kind"]].append(r)
    for kind in [*KINDS, *sorted(set(groups) - set(KINDS))]:
        g = groups.get(kind, [])
        if g:
            print(f"{kind:<14} {len(g):>3} | {sum(r['pool'] for r in g):>11} {sum(r['judged'] for r in g):>7} | {sum(r['base_pool'] for r in g):>11} {sum(r['base_judged'] for r in g):>7}")
    n = len(rows)
    print(f"{'all':<14} {n:>3} | {sum(r['pool'] for r in rows):>11} {sum(r['judged'] for r in rows):>7} | {sum(r['base_pool'] for r in rows):>11} {sum(r['base_judged'] for r in rows):>7}")
    print(f"\nhard negatives named as original: {sum(r['hard_negative'] for r in rows)}"
          + "".join(f"\n  {r['query']} named {r['named']}" for r in rows if r["hard_negative"]))
    lifted = sum(r["lifted"] for r in rows)
    print(f"lifted quotes flagged: {sum(r['lifted_flagged'] for r in rows)} of {lifted}")
    false = sum(r["false_flags"] for r in rows)
    credited = sum(r["false_flags"] for r in rows if r["credited_query"])
    print(f"false flags (flagged quotes that are not lifted): {false}, of them in quote-lift queries that credit the quotes: {credited}")
    for r in rows:
        for line in r["false_flag_quotes"]:
            print(f"  {line}")
    errors = [r for r in rows if r["error"]]
    if errors:
        print(f"checks that failed: {len(errors)}")
        for r in errors:
            print(f"  {r['query']}: {r['error']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
