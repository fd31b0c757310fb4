#!/usr/bin/env python3
"""Explore a retrieval signal before building it: BM25 over content-word pairs, in memory.

Same task and evaluation as ``bench_retrieval.py`` (PAN 2013 training queries against
PAN sources + BBC + Reuters, per obfuscation type), but the ranking is computed in
memory from one fingerprint field, the content-word pairs of :mod:`attrib.core.pairs`
(what ``attrib init --pairs N`` stores): every unordered pair of content words (stop
words dropped, Snowball stems) at most ``--window`` content words apart,
scored with BM25 (``k1`` 1.2, ``--b`` length normalisation; ``--b -1`` scores the IDF
alone, as attrib's keyword fingerprint fields do). Word pairs survive what breaks
word 5-grams (shuffled, inserted and replaced words, summaries that keep the source's
names and terms), which is what ``random``, ``translation-chain`` and ``summary``
do to a passage.

No Elasticsearch is needed; the run takes about two minutes and 4 GB of memory. With
``--es-url`` the haystack is also indexed by attrib into that cluster (a temporary
index, deleted after) and attrib's scores are fused with the pair scores
(``attrib score + w x pair score`` for each ``--weights`` value), which takes about
three minutes more.

  python scripts/explore_pairs.py [--window 3] [--b 0.75] [--limit N] [--es-url URL --weights 0.25,1]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import bench_retrieval as bench  # noqa: E402
from attrib.core.pairs import content_pairs  # noqa: E402

K1 = 1.2


class PairIndex:
    def __init__(self, ids: list[str], texts: list[str], window: int, b: float):
        self.ids, self.window, self.b = ids, window, b
        postings: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.length = np.zeros(len(ids))
        for doc, text in enumerate(tqdm(texts, desc="index", unit="doc")):
            counts = Counter(content_pairs(text, window))
            self.length[doc] = sum(counts.values())
            for term, tf in counts.items():
                postings[term].append((doc, tf))
        self.postings = {t: (np.array([d for d, _ in p]), np.array([f for _, f in p], float)) for t, p in postings.items()}
        self.avg = float(self.length.mean())

    def search(self, text: str, k: int) -> list[str]:
        return self.top(self.scores(text), k)

    def top(self, scores: np.ndarray, k: int) -> list[str]:
        top = np.argpartition(-scores, k)[:k]
        top = top[np.argsort(-scores[top])]
        return [self.ids[i] for i in top if scores[i] > 0]

    def scores(self, text: str) -> np.ndarray:
        n = len(self.ids)
        scores = np.zeros(n)
        for term in set(content_pairs(text, self.window)):
            found = self.postings.get(term)
            if found is None:
                continue
            docs, tf = found
            idf = math.log(1 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            if self.b < 0:
                scores[docs] += idf
            else:
                scores[docs] += idf * tf * (K1 + 1) / (tf + K1 * (1 - self.b + self.b * self.length[docs] / self.avg))
        return scores


def attrib_scores(task: bench.Task, es_url: str) -> dict[str, list[tuple[str, float]]]:
    """attrib's top 100 (id, score) per query, from a temporary index of the haystack."""
    import uuid

    method = bench.AttribMethod(es_url, f"explore-pairs-{uuid.uuid4().hex[:8]}")
    try:
        method.index(task.haystack)
        out = {}
        for susp, text in tqdm(task.queries.items(), desc="attrib", unit="query"):
            query = bench.prepare(bench.Article(id="query", text=text), method.store.params, quotes=False)
            out[susp] = [(c.id, c.score) for c in method.store.candidates(query, limit=bench.DEPTH)]
        return out
    finally:
        method.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data", help="evaluation data folder")
    parser.add_argument("--window", type=int, default=3, help="pair words at most this many content words apart (default 3)")
    parser.add_argument("--b", type=float, default=0.75, help="BM25 length normalisation, 0..1; -1 for IDF only (default 0.75)")
    parser.add_argument("--limit", type=int, help="only this many suspicious documents (stratified sample)")
    parser.add_argument("--es-url", help="also fuse with attrib's own scores from this Elasticsearch 8 cluster")
    parser.add_argument("--weights", default="0.25,1", help="pair-score weights for the fusion (default 0.25,1)")
    args = parser.parse_args()
    if args.window < 1 or args.b > 1:
        parser.error("--window must be at least 1 and --b at most 1")
    try:
        weights = [float(w) for w in args.weights.split(",")]
    except ValueError:
        parser.error(f"--weights: not a comma-separated list of numbers: {args.weights!r}")
    if not (args.data / "pan13-train" / "truth.jsonl").is_file():
        parser.error(f"no pan13-train/truth.jsonl under {args.data}")
    task = bench.load_task(args.data, args.limit)
    started = time.perf_counter()
    index = PairIndex([a.id for a in task.haystack], [a.text for a in task.haystack], args.window, args.b)
    print(f"indexed {len(task.haystack):,} articles in {time.perf_counter() - started:.0f} s, {len(index.postings):,} distinct pairs", file=sys.stderr)
    pair_scores = {s: index.scores(q) for s, q in tqdm(task.queries.items(), desc="query", unit="query")}
    runs = {"pairs": {s: index.top(sc, bench.DEPTH) for s, sc in pair_scores.items()}}
    if args.es_url:
        found = attrib_scores(task, args.es_url)
        position = {doc: i for i, doc in enumerate(index.ids)}
        runs["attrib"] = {s: [d for d, _ in hits] for s, hits in found.items()}
        for w in weights:
            fused = {}
            for susp, hits in found.items():
                scores = w * pair_scores[susp]
                for doc, score in hits:
                    scores[position[doc]] += score
                fused[susp] = index.top(scores, bench.DEPTH)
            runs[f"attrib + {w:g} x pairs"] = fused
    texts = {a.id: a.text for a in task.haystack}
    texts.update(task.queries)
    unlabelled = bench.UnlabelledSource(texts.__getitem__)
    zero = {s: 0.0 for s in task.queries}
    for title, overlap in (("unlabelled sources skipped", unlabelled), ("PAN labels only", None)):
        print(f"\n{title} (window {args.window}, b {args.b}), recall@1 / recall@5 / MRR:\n")
        print("| ranking | " + " | ".join((*bench.TYPES, "all")) + " |\n|---|" + "---:|" * (len(bench.TYPES) + 1))
        for name, rankings in runs.items():
            rows = bench.evaluate(task, rankings, zero, overlap)
            cells = [f"{rows[k]['recall@1']:.3f} / {rows[k]['recall@5']:.3f} / {rows[k]['mrr']:.3f}" if k in rows else "-" for k in (*bench.TYPES, "all")]
            print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
