#!/usr/bin/env python3
"""Source retrieval: attrib against what a user would try instead.

One run, one corpus, one local cluster. The haystack is every PAN 2013 training source
document plus all of BBC News and Reuters-21578 (about 24,500 articles). Every suspicious
PAN document with at least one plagiarism case is a query; three methods rank the
haystack for it:

* ``attrib``: :meth:`ElasticsearchStore.candidates` (the product, as shipped);
* ``attrib-pairs``: the same with the opt-in content-word pairs (``attrib init --pairs 3``);
* ``mlt``: Elasticsearch ``more_like_this`` over the same texts in a plain index whose
  ``text`` field uses the standard analyzer with English stop words, tuned for this task (see ``MLT_QUERY`` and
  docs/BENCHMARKS.md for what was tried);
* ``minhash``: datasketch ``MinHashLSHForest`` in memory over word 5-gram shingles
  (128 permutations), its top candidates re-ranked by estimated Jaccard, as its
  documentation suggests.

Evaluation is per pair: for each (suspicious, source) pair with cases, the rank of the
source in the query's ranking, not counting the suspicious document's OTHER true sources
(a document built from five sources can have every one of them at rank 1). Pairs are
grouped by obfuscation (none, random, translation-chain, summary). Rankings are cut at
depth 100; a source not found there counts 0 towards MRR.

Latency is measured client-side per query, after a warm-up, and includes everything the
method needs from the raw query text (attrib fingerprints it, MinHash hashes it, the
more_like_this request carries the text and Elasticsearch analyses it).

Run from the repository root:  python scripts/bench_retrieval.py --output bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import random
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from benchlib import cluster as local_cluster  # noqa: E402
from benchlib import percentile  # noqa: E402
from attrib.article import Article  # noqa: E402
from attrib.config import Config  # noqa: E402
from attrib.core import FingerprintParams  # noqa: E402
from attrib.corpora import bbc, reuters  # noqa: E402
from attrib.documents import prepare  # noqa: E402
from attrib.indexing import index_articles  # noqa: E402
from attrib.store.elastic import ElasticsearchStore  # noqa: E402

DEPTH = 100
WARMUP = 20
JUDGE_DEPTH = 20
"""How deep into each ranking the aligner judge looks (``--align-judge``)."""
TYPES = ("none", "random", "translation-chain", "summary")
_TYPE_NAMES = {"translation": "translation-chain"}

MLT_QUERY = {
    # Chosen by the sweep in docs/BENCHMARKS.md. The defaults (25 terms, min_term_freq 2,
    # min_doc_freq 5, 30% should match) are built for "more documents on this topic",
    # not for finding the one document a passage came from.
    "max_query_terms": 400,
    "min_term_freq": 1,
    "min_doc_freq": 1,
    "max_doc_freq": 2000,
    "minimum_should_match": "1%",
}
# The local cluster carries only the core analysis modules (no ``english`` analyzer, no
# stemmers): the standard analyzer with English stop words is the best built-in choice.
MLT_SETTINGS = {"analysis": {"analyzer": {"text_en": {"type": "standard", "stopwords": "_english_"}}}}
MLT_MAPPING = {"properties": {"text": {"type": "text", "analyzer": "text_en"}}}

MINHASH_PERM = 128
MINHASH_K = 5
MINHASH_FOREST_L = 8
MINHASH_CANDIDATES = 200


# -- data ------------------------------------------------------------------------------


@dataclass
class Pair:
    susp: str
    src: str
    kind: str


@dataclass
class Task:
    haystack: list[Article]
    queries: dict[str, str]
    """suspicious id -> text"""
    pairs: list[Pair]
    truth: dict[str, set[str]] = field(default_factory=dict)
    """suspicious id -> every true source id"""
    kind_of: dict[str, str] = field(default_factory=dict)
    """suspicious id -> obfuscation type of its pairs (one per document in PAN 2013)"""


def pan_id(path: str) -> str:
    return "pan13/" + path.removesuffix(".txt")


def truth_rows(pan: Path):
    """(suspicious id, source id, obfuscation type or None for a pair without cases, subset)
    for every pair of ``pan13-train/truth.jsonl``."""
    with open(pan / "truth.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            kind = None
            if row["cases"]:
                kind = row["cases"][0].get("obfuscation") or row["cases"][0].get("type")
                kind = _TYPE_NAMES.get(kind, kind)
            yield pan_id(row["susp_path"]), pan_id(row["src_path"]), kind, row["subset"]


def pan_text(pan: Path, doc: str) -> str:
    return (pan / (doc.removeprefix("pan13/") + ".txt")).read_text(encoding="utf-8")


def load_task(data: Path, limit: int | None, seed: int = 13) -> Task:
    pan = data / "pan13-train"
    pairs = [Pair(susp, src, kind) for susp, src, kind, _ in truth_rows(pan) if kind is not None]
    kind_of = {p.susp: p.kind for p in pairs}
    if limit is not None:
        # A stratified sample of suspicious documents, so a quick run still sees every type.
        rng = random.Random(seed)
        by_kind: dict[str, list[str]] = defaultdict(list)
        for susp in sorted(kind_of):
            by_kind[kind_of[susp]].append(susp)
        chosen: set[str] = set()
        for kind, susps in by_kind.items():
            chosen.update(rng.sample(susps, min(len(susps), max(1, limit // len(by_kind)))))
        pairs = [p for p in pairs if p.susp in chosen]
        kind_of = {s: k for s, k in kind_of.items() if s in chosen}
    truth: dict[str, set[str]] = defaultdict(set)
    for p in pairs:
        truth[p.susp].add(p.src)
    queries = {s: pan_text(pan, s) for s in sorted(kind_of)}
    haystack = [
        Article(id=pan_id(f"src/{path.name}"), text=path.read_text(encoding="utf-8"), outlet="pan13")
        for path in sorted((pan / "src").glob("*.txt"))
    ]
    haystack.extend(bbc(data))
    haystack.extend(reuters(data))
    return Task(haystack, queries, pairs, dict(truth), kind_of)


# -- methods ---------------------------------------------------------------------------


class Method:
    name: str

    def index(self, articles: list[Article]) -> None: ...

    def size(self) -> tuple[int, str]:
        """Bytes on disk (or in memory) and how that was measured."""
        raise NotImplementedError

    def search(self, text: str, k: int) -> list[str]: ...

    def close(self) -> None: ...


def _es_size(client, index: str) -> int:
    client.indices.flush(index=index)
    client.indices.forcemerge(index=index, max_num_segments=1, wait_for_completion=True)
    stats = client.indices.stats(index=index, metric="store")
    return int(stats["indices"][index]["primaries"]["store"]["size_in_bytes"])


class AttribMethod(Method):
    name = "attrib"

    def __init__(self, es_url: str, prefix: str, pairs: int = 0):
        params = FingerprintParams(pairs=pairs)
        self.store = ElasticsearchStore(Config(es_url=es_url, index=f"{prefix}-p{pairs}", es_request_timeout=120), params)

    def index(self, articles):
        summary = index_articles(self.store, articles)
        if summary.failed or summary.landed != len(articles):
            raise SystemExit(f"attrib indexing: {summary.line()}")

    def size(self):
        return _es_size(self.store.client, self.store.index), "ES _stats primaries store size, after force-merge to 1 segment"

    def search(self, text, k):
        query = prepare(Article(id="query", text=text), self.store.params, quotes=False)
        return [c.id for c in self.store.candidates(query, limit=k)]

    def close(self):
        self.store.delete_all()
        self.store.close()


class MoreLikeThisMethod(Method):
    name = "mlt"

    def __init__(self, es_url: str, prefix: str, query: dict | None = None):
        from elasticsearch import Elasticsearch

        self.client = Elasticsearch(es_url, request_timeout=120)
        self.index_name = f"{prefix}-mlt"
        self.query = dict(query or MLT_QUERY)

    def index(self, articles):
        from elasticsearch.helpers import streaming_bulk

        self.client.indices.create(
            index=self.index_name,
            settings={"number_of_shards": 1, "number_of_replicas": 0, **MLT_SETTINGS},
            mappings=MLT_MAPPING,
        )
        actions = ({"_index": self.index_name, "_id": a.id, "_source": {"text": a.text}} for a in articles)
        for ok, item in streaming_bulk(self.client, actions, chunk_size=500, max_chunk_bytes=20 * 1024 * 1024, raise_on_error=False):
            if not ok:
                raise SystemExit(f"more_like_this indexing failed: {item}")
        self.client.indices.refresh(index=self.index_name)

    def size(self):
        return _es_size(self.client, self.index_name), "ES _stats primaries store size, after force-merge to 1 segment"

    def search(self, text, k):
        mlt = {"more_like_this": {"fields": ["text"], "like": text, **self.query}}
        response = self.client.search(index=self.index_name, query=mlt, size=k, source=False, track_total_hits=False)
        return [hit["_id"] for hit in response["hits"]["hits"]]

    def close(self):
        self.client.options(ignore_status=404).indices.delete(index=self.index_name)
        self.client.close()


def _word_shingles(text: str, k: int) -> list[bytes]:
    from attrib.core.normalise import token_columns

    words = token_columns(text)[0]
    if len(words) <= k:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i : i + k]).encode("utf-8") for i in range(len(words) - k + 1)]


class MinHashMethod(Method):
    name = "minhash"

    def __init__(self, k: int = MINHASH_K):
        from datasketch import MinHashLSHForest

        self.k = k
        self.forest = MinHashLSHForest(num_perm=MINHASH_PERM, l=MINHASH_FOREST_L)
        self.signatures: dict = {}

    def _minhash(self, text: str):
        from datasketch import MinHash

        m = MinHash(num_perm=MINHASH_PERM)
        shingles = _word_shingles(text, self.k)
        if shingles:
            m.update_batch(shingles)
        return m

    def index(self, articles):
        for article in articles:
            m = self._minhash(article.text)
            self.signatures[article.id] = m
            self.forest.add(article.id, m)
        self.forest.index()

    def size(self):
        forest = len(pickle.dumps(self.forest, protocol=pickle.HIGHEST_PROTOCOL))
        sigs = len(pickle.dumps({key: m.hashvalues for key, m in self.signatures.items()}, protocol=pickle.HIGHEST_PROTOCOL))
        return forest + sigs, "pickled MinHashLSHForest plus the signatures kept for re-ranking (in memory, not on disk)"

    def search(self, text, k):
        m = self._minhash(text)
        found = self.forest.query(m, max(k, MINHASH_CANDIDATES))
        return sorted(found, key=lambda key: (-m.jaccard(self.signatures[key]), key))[:k]


# -- evaluation ------------------------------------------------------------------------


def filtered_rank(ranking: list[str], source: str, skip: Callable[[str], bool]) -> int | None:
    """1-based rank of ``source`` in ``ranking``, not counting documents for which
    ``skip`` is true (the query's other sources); None if absent."""
    rank = 0
    for doc in ranking:
        if doc == source:
            return rank + 1
        if not skip(doc):
            rank += 1
    return None


class UnlabelledSource:
    """Whether a haystack document shares copied text with a query, labelled or not.

    PAN 2013's training truth names a SAMPLE of the (suspicious, source) pairs its
    corpus was built from: a suspicious document also carries passages from sources the
    truth leaves out, verbatim and obfuscated alike, and many of those sources are in the
    haystack (as the labelled source of another suspicious document). Ranking one of them
    first is not a retrieval error, so the main evaluation skips it like a labelled
    source. A document counts as an unlabelled source of the query when either

    * **verbatim**: they share at least :attr:`MIN_SHARED` distinct word 8-grams (one
      verbatim run of about 20 words); or
    * **passage**: some window of :attr:`WINDOW` content words of the query (stop words
      dropped, Snowball stems) and one of the document have a word-set Jaccard of at
      least :attr:`MIN_JACCARD` (windows every ``WINDOW // 2`` words).

    The threshold was set on a null sample: the BBC and Reuters articles (which cannot
    be sources of a PAN document) most similar to 200 PAN queries reach at most 0.31
    (99th percentile 0.19). It is measured the same way for every method, lazily, for
    the documents the methods rank above a labelled source.
    """

    K = 8
    MIN_SHARED = 12
    WINDOW = 40
    MIN_JACCARD = 0.35

    def __init__(self, texts: Callable[[str], str]):
        self.texts = texts
        self._grams: dict[str, frozenset[int]] = {}
        self._windows: dict[str, object] = {}
        self._vocab: dict[str, int] = {}
        self._verdict: dict[tuple[str, str], bool] = {}

    def grams(self, doc: str) -> frozenset[int]:
        found = self._grams.get(doc)
        if found is None:
            from attrib.core.normalise import token_columns

            words = token_columns(self.texts(doc))[0]
            found = frozenset(hash(tuple(words[i : i + self.K])) for i in range(len(words) - self.K + 1))
            self._grams[doc] = found
        return found

    def windows(self, doc: str):
        """A binary window-by-stem sparse matrix and each window's size."""
        found = self._windows.get(doc)
        if found is None:
            import numpy as np
            from nltk.stem.snowball import EnglishStemmer
            from scipy.sparse import csr_matrix

            from attrib.core.align import stopwords
            from attrib.core.normalise import token_columns

            stem, stop = EnglishStemmer().stem, stopwords()
            words = [stem(w) for w in token_columns(self.texts(doc))[0] if w not in stop and any(c.isalpha() for c in w)]
            ids = [self._vocab.setdefault(w, len(self._vocab)) for w in words]
            step = self.WINDOW // 2
            rows = [sorted(set(ids[i : i + self.WINDOW])) for i in range(0, max(1, len(ids) - self.WINDOW + step), step)]
            rows = [r for r in rows if r] or [[0]]
            indptr = np.cumsum([0] + [len(r) for r in rows])
            data = np.ones(indptr[-1], dtype=np.float32)
            found = (csr_matrix((data, np.concatenate(rows), indptr), shape=(len(rows), 1 << 22)), np.diff(indptr))
            self._windows[doc] = found
        return found

    def _similar_passage(self, query: str, doc: str) -> bool:
        (qm, qn), (dm, dn) = self.windows(query), self.windows(doc)
        inter = (qm @ dm.T).toarray()
        union = qn[:, None] + dn[None, :] - inter
        return bool((inter >= self.MIN_JACCARD * union).any())

    def shares(self, query: str, doc: str) -> bool:
        key = (query, doc)
        verdict = self._verdict.get(key)
        if verdict is None:
            verdict = len(self.grams(query) & self.grams(doc)) >= self.MIN_SHARED or self._similar_passage(query, doc)
            self._verdict[key] = verdict
        return verdict


class AlignedSource:
    """Whether attrib's aligner (:func:`attrib.core.align.align`, default parameters)
    finds at least one copied passage between a query and a haystack document.

    A second, stronger reading of "unlabelled source" for the third table. It is attrib's
    own detector, so it is reported beside the independent :class:`UnlabelledSource`
    test, never instead of it; :func:`calibrate` measures both on PAN's labelled pairs
    (how many true sources each recognises) and on its certified no-plagiarism pairs
    (how often each fires on a topically related document that is not a source).
    """

    def __init__(self, texts: Callable[[str], str], lazy: bool = True):
        self.texts = texts
        self.lazy = lazy
        """Align pairs nobody judged in advance when asked; if False they count as not sources."""
        self._verdict: dict[tuple[str, str], bool] = {}

    def judge(self, pairs: list[tuple[str, str]], workers: int = 2, desc: str = "aligning") -> None:
        """Align many (query, document) pairs in advance, in ``workers`` processes."""
        import multiprocessing

        from tqdm import tqdm

        global _JUDGE_TEXTS
        todo = [p for p in dict.fromkeys(pairs) if p not in self._verdict]
        if not todo:
            return
        _JUDGE_TEXTS = self.texts
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for pair, verdict in tqdm(pool.imap_unordered(_align_pair, todo, chunksize=16), total=len(todo), desc=desc, unit="pair", file=sys.stderr):
                self._verdict[pair] = verdict

    def shares(self, query: str, doc: str) -> bool:
        key = (query, doc)
        verdict = self._verdict.get(key)
        if verdict is None:
            if not self.lazy:
                return False
            verdict = _align_pair(key, self.texts)[1]
            self._verdict[key] = verdict
        return verdict


_JUDGE_TEXTS: Callable[[str], str] | None = None


def _align_pair(pair: tuple[str, str], texts: Callable[[str], str] | None = None) -> tuple[tuple[str, str], bool]:
    from attrib.core.align import AlignParams, align

    texts = texts or _JUDGE_TEXTS
    return pair, bool(align(texts(pair[0]), texts(pair[1]), AlignParams()))


class AnyOf:
    """A document is a source if any of the judges says so."""

    def __init__(self, *judges):
        self.judges = judges

    def shares(self, query: str, doc: str) -> bool:
        return any(judge.shares(query, doc) for judge in self.judges)


def calibrate(data: Path, judges: dict[str, Callable[[Callable[[str], str]], object]], per_type: int | None = None, seed: int = 13) -> dict[str, dict[str, float]]:
    """How far each unlabelled-source judge can be trusted, on PAN's own truth.

    Sensitivity: the share of LABELLED (suspicious, source) pairs of each obfuscation type
    that the judge recognises; an unlabelled source is made the same way, so this is also
    the share of unlabelled sources the evaluation can skip. False fires: the share of
    the 1,000 ``01-no-plagiarism`` pairs (a suspicious document with no plagiarism and a
    source document PAN paired with it, typically on the same topic) the judge calls a
    source. ``per_type`` samples that many pairs of each type (all by default).
    """
    pan = data / "pan13-train"
    labelled: dict[str, list[tuple[str, str]]] = defaultdict(list)
    negatives: list[tuple[str, str]] = []
    for susp, src, kind, subset in truth_rows(pan):
        if kind is not None:
            labelled[kind].append((susp, src))
        elif subset == "01-no-plagiarism":
            negatives.append((susp, src))
    rng = random.Random(seed)
    if per_type is not None:
        labelled = {k: rng.sample(v, min(per_type, len(v))) for k, v in labelled.items()}
        negatives = rng.sample(negatives, min(per_type, len(negatives)))
    cache: dict[str, str] = {}

    def text(doc: str) -> str:
        if doc not in cache:
            cache[doc] = pan_text(pan, doc)
        return cache[doc]

    out: dict[str, dict[str, float]] = {}
    for name, make in judges.items():
        judge = make(text)
        if isinstance(judge, AlignedSource):
            judge.judge([p for pairs in labelled.values() for p in pairs] + negatives, desc=f"calibrating {name}")
        row = {kind: sum(judge.shares(q, d) for q, d in labelled[kind]) / len(labelled[kind]) for kind in TYPES if labelled.get(kind)}
        row["false_fires"] = sum(judge.shares(q, d) for q, d in negatives) / len(negatives)
        row["negatives"] = len(negatives)
        out[name] = row
    return out


def evaluate(
    task: Task, rankings: dict[str, list[str]], latencies: dict[str, float], overlap: UnlabelledSource | AnyOf | None = None
) -> dict[str, dict]:
    """Figures per obfuscation type. Without ``overlap``, only labelled sources are skipped
    when ranking a pair's source; with it, unlabelled sources (see :class:`UnlabelledSource`) are skipped too."""
    out: dict[str, dict] = {}
    for kind in (*TYPES, "all"):
        pairs = [p for p in task.pairs if kind == "all" or p.kind == kind]
        if not pairs:
            continue
        ranks = []
        for p in pairs:
            true = task.truth[p.susp]
            if overlap is None:
                skip = true.__contains__
            else:
                skip = lambda doc, true=true, susp=p.susp: doc in true or overlap.shares(susp, doc)  # noqa: E731
            ranks.append(filtered_rank(rankings[p.susp], p.src, skip))
        lat = [latencies[s] * 1000 for s in task.kind_of if kind == "all" or task.kind_of[s] == kind]
        out[kind] = {
            "pairs": len(pairs),
            "queries": len(lat),
            "recall@1": sum(r == 1 for r in ranks) / len(ranks),
            "recall@5": sum(r is not None and r <= 5 for r in ranks) / len(ranks),
            "recall@100": sum(r is not None for r in ranks) / len(ranks),
            "mrr": sum(1 / r for r in ranks if r) / len(ranks),
            "p50_ms": percentile(lat, 50),
            "p99_ms": percentile(lat, 99),
        }
    return out


def run_queries(method: Method, queries: dict[str, str]) -> tuple[dict[str, list[str]], dict[str, float]]:
    ids = list(queries)
    for susp in ids[:WARMUP]:
        method.search(queries[susp], DEPTH)
    rankings: dict[str, list[str]] = {}
    latencies: dict[str, float] = {}
    clock = time.perf_counter
    for susp in ids:
        t0 = clock()
        rankings[susp] = method.search(queries[susp], DEPTH)
        latencies[susp] = clock() - t0
    return rankings, latencies


# -- local cluster ---------------------------------------------------------------------


# -- report ----------------------------------------------------------------------------


def table(results: dict[str, dict], key: str = "by_type") -> str:
    lines = [
        "| obfuscation | pairs | method | recall@1 | recall@5 | MRR | p50 ms | p99 ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for kind in (*TYPES, "all"):
        for name, result in results.items():
            row = result[key].get(kind)
            if row is None:
                continue
            lines.append(
                f"| {kind} | {row['pairs']} | {name} | {row['recall@1']:.3f} | {row['recall@5']:.3f} | {row['mrr']:.3f} "
                f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} |"
            )
    if key != "by_type":
        return "\n".join(lines)
    lines += ["", "| method | indexing s | articles/s | size MB | size measured as |", "|---|---:|---:|---:|---|"]
    for name, result in results.items():
        lines.append(
            f"| {name} | {result['index_seconds']:.1f} | {result['articles_per_second']:.0f} "
            f"| {result['size_bytes'] / 1e6:.1f} | {result['size_note']} |"
        )
    return "\n".join(lines)


def calibration_table(calibration: dict[str, dict[str, float]]) -> str:
    lines = ["| judge | " + " | ".join(TYPES) + " | no-plagiarism pairs called sources |", "|---|" + "---:|" * (len(TYPES) + 1)]
    for name, row in calibration.items():
        cells = " | ".join(f"{row[kind]:.3f}" if kind in row else "-" for kind in TYPES)
        lines.append(f"| {name} | {cells} | {row['false_fires']:.3f} of {row['negatives']} |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    info = {"python": platform.python_version(), "nproc": str(os.cpu_count())}
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
        with open("/proc/meminfo") as handle:
            info["ram_gb"] = f"{int(handle.readline().split()[1]) / 1024 / 1024:.1f}"
    except OSError:
        pass
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data", help="evaluation data folder (default: ../shared/data from the repository root)")
    parser.add_argument("--es-url", help="an existing Elasticsearch 8 cluster; without it scripts/es-local is started on a free port and stopped after")
    parser.add_argument("--heap", default="2g", help="heap of the local cluster when one is started (default 2g)")
    parser.add_argument("--limit", type=int, help="only this many suspicious documents (a stratified sample), for quick runs; the haystack stays whole")
    parser.add_argument("--methods", default="attrib,mlt,minhash", help="comma-separated subset of attrib,attrib-pairs,mlt,minhash (default: attrib,mlt,minhash)")
    parser.add_argument(
        "--align-judge", action="store_true",
        help="also print a third table in which documents attrib's aligner finds a copied passage in (among each "
        "method's first %d) count as unlabelled sources too, and calibrate both judges on PAN's labelled and "
        "no-plagiarism pairs (adds about 6 minutes on 2 cores)" % JUDGE_DEPTH,
    )
    parser.add_argument("--output", type=Path, help="write every figure as JSON here")
    args = parser.parse_args(argv)

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(methods) - {"attrib", "attrib-pairs", "mlt", "minhash"}
    if unknown:
        parser.error(f"unknown method(s): {', '.join(sorted(unknown))}")
    if not (args.data / "pan13-train" / "truth.jsonl").is_file():
        parser.error(f"no pan13-train/truth.jsonl under {args.data}")

    started = time.perf_counter()
    task = load_task(args.data, args.limit)
    print(
        f"haystack {len(task.haystack):,} articles; {len(task.queries)} queries; {len(task.pairs)} pairs",
        file=sys.stderr,
    )
    cluster = None
    es_url = args.es_url
    if es_url is None and {"attrib", "attrib-pairs", "mlt"} & set(methods):
        cluster = local_cluster(None, heap=args.heap)
        es_url = cluster.__enter__()
        print(f"started a local Elasticsearch at {es_url}", file=sys.stderr)
    prefix = f"bench-retrieval-{uuid.uuid4().hex[:8]}"
    texts = {a.id: a.text for a in task.haystack}
    texts.update(task.queries)
    overlap = UnlabelledSource(texts.__getitem__)
    results: dict[str, dict] = {}
    ranked: dict[str, tuple[dict[str, list[str]], dict[str, float]]] = {}
    try:
        for name in methods:
            method: Method = {
                "attrib": lambda: AttribMethod(es_url, prefix),
                "attrib-pairs": lambda: AttribMethod(es_url, prefix, pairs=3),
                "mlt": lambda: MoreLikeThisMethod(es_url, prefix),
                "minhash": lambda: MinHashMethod(),
            }[name]()
            try:
                t0 = time.perf_counter()
                method.index(task.haystack)
                seconds = time.perf_counter() - t0
                size, note = method.size()
                print(f"{name}: indexed in {seconds:.1f} s, {size / 1e6:.1f} MB", file=sys.stderr)
                rankings, latencies = run_queries(method, task.queries)
                ranked[name] = (rankings, latencies)
                results[name] = {
                    "index_seconds": seconds,
                    "articles_per_second": len(task.haystack) / seconds,
                    "size_bytes": size,
                    "size_note": note,
                    "by_type": evaluate(task, rankings, latencies, overlap),
                    "by_type_labels_only": evaluate(task, rankings, latencies),
                }
                print(f"{name}: done", file=sys.stderr)
            finally:
                method.close()
    finally:
        if cluster is not None:
            cluster.__exit__(None, None, None)
    calibration = None
    if args.align_judge:
        aligned = AlignedSource(texts.__getitem__, lazy=False)
        todo = [
            (susp, doc)
            for rankings, _ in ranked.values()
            for susp, ranking in rankings.items()
            for doc in ranking[:JUDGE_DEPTH]
            if doc not in task.truth[susp] and not overlap.shares(susp, doc)
        ]
        aligned.judge(todo, desc="judging with the aligner")
        both = AnyOf(overlap, aligned)
        for name, (rankings, latencies) in ranked.items():
            results[name]["by_type_aligner_too"] = evaluate(task, rankings, latencies, both)
        calibration = calibrate(args.data, {"window test": UnlabelledSource, "attrib aligner": AlignedSource})
    elapsed = time.perf_counter() - started
    print("Unlabelled sources skipped (see UnlabelledSource):\n")
    print(table(results))
    print("\nPAN labels only:\n")
    print(table(results, "by_type_labels_only"))
    if calibration is not None:
        print(f"\nDocuments attrib's aligner finds a passage in also skipped (judged among each method's first {JUDGE_DEPTH}):\n")
        print(table(results, "by_type_aligner_too"))
        print("\nThe judges on PAN's own truth (share of labelled pairs recognised; share of no-plagiarism pairs called sources):\n")
        print(calibration_table(calibration))
    print(f"\nrun time {elapsed / 60:.1f} min", file=sys.stderr)
    if args.output:
        report = {
            "haystack": len(task.haystack),
            "queries": len(task.queries),
            "pairs": len(task.pairs),
            "depth": DEPTH,
            "mlt_query": MLT_QUERY,
            "minhash": {"num_perm": MINHASH_PERM, "shingle_words": MINHASH_K, "forest_l": MINHASH_FOREST_L, "candidates": MINHASH_CANDIDATES},
            "machine": machine(),
            "run_seconds": elapsed,
            "results": results,
            "judge_calibration": calibration,
        }
        args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
