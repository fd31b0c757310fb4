#!/usr/bin/env python3
"""Source retrieval: attrib against what a user would try instead.

One run, one corpus, one local cluster. The haystack is every PAN 2013 training source
document plus all of BBC News and Reuters-21578 (about 24,500 articles). Every suspicious
PAN document with at least one plagiarism case is a query; three methods rank the
haystack for it:

* ``attrib``: :meth:`ElasticsearchStore.candidates` with the retrieval cascade
  (``--cascade 4``, the default of ``check``), whose second stage adds BM25 over the full
  text when the fingerprints' evidence is weak;
* ``attrib-fp``: the first stage alone (the fingerprint query; ``--cascade 0``);
* ``attrib-deep``: the second stage for every query (what the cascade costs at most);
* ``attrib-pairs``: the first stage with the opt-in content-word pairs (``attrib init --pairs 3``);
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
more_like_this request carries the text and Elasticsearch analyses it). The methods run
interleaved, query by query, their order rotating from one query to the next, so that
every method sees the same load; each method's speed against ``mlt`` is reported as the
ratio of median latencies with a paired bootstrap 95% interval (queries resampled).

When ``news-dev`` is in the data folder (and without ``--no-news``), the 156 news-dev
articles join the haystack and its 50 queries are ranked too: recall@1 of the expected
original or an acceptable copy, not counting the query itself and its unjudged relatives.

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
import math
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
from attrib.store.base import CASCADE_EVIDENCE, idf  # noqa: E402
from attrib.store.elastic import ElasticsearchStore  # noqa: E402

DEPTH = 100
WARMUP = 20
RESAMPLES = 2000
"""Bootstrap resamples of the latency ratio's interval (fixed seed)."""
CASCADE_SWEEP = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
"""Second-stage thresholds (in idf(1, N) units) simulated from ``attrib-fp`` and ``attrib-deep``."""
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
    news: list[dict] = field(default_factory=list)
    """news-dev truth rows, when news is in the benchmark"""
    news_queries: dict[str, str] = field(default_factory=dict)
    """news-dev query id -> text"""


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


def add_news(task: Task, folder: Path) -> None:
    """news-dev's articles join the haystack and its queries the queries (see its README)."""
    articles = [json.loads(line) for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    task.news = [json.loads(line) for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = {a["id"]: a["text"] for a in articles}
    task.haystack.extend(Article(id=a["id"], text=a["text"], outlet=a.get("outlet")) for a in articles)
    task.news_queries = {row["query_id"]: texts[row["query_id"]] for row in task.news}


# -- methods ---------------------------------------------------------------------------


class Method:
    name: str

    def before(self) -> None:
        """Untimed, before each query."""

    def after(self) -> None:
        """Untimed, after each query."""

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

    _stores: dict[tuple[str, int], tuple[ElasticsearchStore, dict]] = {}
    """One index per fingerprint parameters, shared by the methods that differ only in the cascade."""

    def __init__(self, es_url: str, prefix: str, pairs: int = 0, cascade: float | None = CASCADE_EVIDENCE, name: str = "attrib"):
        self.name = name
        self.cascade = cascade
        key = (prefix, pairs)
        if key not in self._stores:
            params = FingerprintParams(pairs=pairs)
            store = ElasticsearchStore(Config(es_url=es_url, index=f"{prefix}-p{pairs}", es_request_timeout=120), params)
            self._stores[key] = (store, {})
        self.store, self.shared = self._stores[key]
        self.shared["users"] = self.shared.get("users", 0) + 1
        self.last_deep = False
        self.last_units = 0.0

    def index(self, articles):
        if "seconds" in self.shared:
            return
        t0 = time.perf_counter()
        if self.store.count() != len(articles):  # an index kept from an earlier run (--prefix) is reused
            summary = index_articles(self.store, articles)
            if summary.failed or summary.landed != len(articles):
                raise SystemExit(f"attrib indexing: {summary.line()}")
        self.shared["seconds"] = time.perf_counter() - t0

    def indexed_seconds(self) -> float:
        return self.shared["seconds"]

    def size(self):
        if "size" not in self.shared:
            self.shared["size"] = _es_size(self.store.client, self.store.index)
        return self.shared["size"], "ES _stats primaries store size, after force-merge to 1 segment"

    def before(self):
        # A check counts the archive before it retrieves (the evidence floor needs it), so
        # the count the cascade's threshold needs is in the store's cache, as it is here.
        self.store.count()

    def search(self, text, k):
        query = prepare(Article(id="query", text=text), self.store.params, quotes=False, words=True)
        before = self.store.deep_queries
        found = self.store.candidates(query, limit=k, cascade=self.cascade)
        self.last_deep = self.store.deep_queries > before
        self._found = found
        return [c.id for c in found]

    def after(self):
        best = max((c.evidence or 0.0 for c in self._found), default=0.0)
        self.last_units = best / idf(1, self.store.count())

    def close(self):
        self.shared["users"] -= 1
        if self.shared["users"] == 0 and not getattr(self, "keep", False):
            self.store.delete_all()
        if self.shared["users"] == 0:
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

        if self.client.indices.exists(index=self.index_name):
            if self.client.count(index=self.index_name)["count"] == len(articles):
                return  # kept from an earlier run (--prefix)
            self.client.indices.delete(index=self.index_name)
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
        if not getattr(self, "keep", False):
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
    """One method alone (see :func:`run_interleaved` for the benchmark's own loop)."""
    runs = run_interleaved([method], queries)
    return runs[method.name]["rankings"], runs[method.name]["latencies"]


def run_interleaved(methods: list[Method], queries: dict[str, str], warmup: int = WARMUP) -> dict[str, dict[str, dict]]:
    """Every method ranks every query, query by query, the methods' order rotating from one
    query to the next (A B C, B C A, C A B, ...), after ``warmup`` queries each: every
    method sees the same load, and the same query's latencies can be compared in pairs.

    Returns, per method, ``rankings`` and ``latencies`` (seconds) per query, and for attrib
    methods ``deep`` (whether the second stage ran) and ``units`` (the best evidence
    returned, in idf(1, N) units)."""
    ids = list(queries)
    for query in ids[:warmup]:
        for method in methods:
            method.search(queries[query], DEPTH)
    runs: dict[str, dict[str, dict]] = {m.name: {"rankings": {}, "latencies": {}, "deep": {}, "units": {}} for m in methods}
    clock = time.perf_counter
    for i, query in enumerate(ids):
        turn = i % len(methods)
        for method in methods[turn:] + methods[:turn]:
            method.before()
            t0 = clock()
            ranking = method.search(queries[query], DEPTH)
            elapsed = clock() - t0
            method.after()
            run = runs[method.name]
            run["rankings"][query] = ranking
            run["latencies"][query] = elapsed
            if isinstance(method, AttribMethod):
                run["deep"][query] = method.last_deep
                run["units"][query] = method.last_units
    return runs


def speedup(base: dict[str, float], other: dict[str, float], ids: list[str], resamples: int = RESAMPLES, seed: int = 2026) -> dict[str, float]:
    """How many times faster ``other`` is than ``base`` on the same queries: the ratio of
    their median latencies, with a paired bootstrap 95% interval (the queries resampled
    with replacement, both methods' latencies of a query kept together); and the median
    of the per-query ratios, with its interval."""
    import numpy as np

    a = np.array([base[i] for i in ids])
    b = np.array([other[i] for i in ids])
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(ids), size=(resamples, len(ids)))
    boot = np.median(a[pick], axis=1) / np.median(b[pick], axis=1)
    per_query = a / b
    boot_pq = np.median(per_query[pick], axis=1)
    return {
        "ratio_of_medians": float(np.median(a) / np.median(b)),
        "low": float(np.percentile(boot, 2.5)),
        "high": float(np.percentile(boot, 97.5)),
        "median_ratio": float(np.median(per_query)),
        "median_ratio_low": float(np.percentile(boot_pq, 2.5)),
        "median_ratio_high": float(np.percentile(boot_pq, 97.5)),
        "queries": len(ids),
        "resamples": resamples,
    }


NEWS_KINDS = ("verbatim", "light", "partial", "rewrite", "press-release", "quote-lift")


def evaluate_news(task: Task, rankings: dict[str, list[str]], latencies: dict[str, float]) -> dict[str, dict]:
    """Recall@1 and @5 of the expected original or an acceptable copy per news-dev query,
    not counting the query itself and its unjudged relatives, by reuse kind."""
    out: dict[str, dict] = {}
    for kind in (*NEWS_KINDS, "all"):
        rows = [r for r in task.news if kind == "all" or r["reuse_kind"] == kind]
        if not rows:
            continue
        ranks = []
        for r in rows:
            skip = {r["query_id"], *r["unjudged_ids"]}
            right = {r["expected_original_id"], *r["also_acceptable_ids"]}
            kept = [d for d in rankings[r["query_id"]] if d not in skip]
            ranks.append(next((i + 1 for i, d in enumerate(kept) if d in right), None))
        lat = [latencies[r["query_id"]] * 1000 for r in rows]
        out[kind] = {
            "queries": len(rows),
            "recall@1": sum(x == 1 for x in ranks) / len(ranks),
            "recall@5": sum(x is not None and x <= 5 for x in ranks) / len(ranks),
            "p50_ms": percentile(lat, 50),
        }
    return out


def news_table(results: dict[str, dict]) -> str:
    lines = ["| reuse kind | queries | method | recall@1 | recall@5 | p50 ms |", "|---|---:|---|---:|---:|---:|"]
    for kind in (*NEWS_KINDS, "all"):
        for name, result in results.items():
            row = (result.get("news") or {}).get(kind)
            if row:
                lines.append(f"| {kind} | {row['queries']} | {name} | {row['recall@1']:.3f} | {row['recall@5']:.3f} | {row['p50_ms']:.1f} |")
    return "\n".join(lines)


def latency_table(results: dict[str, dict]) -> str:
    lines = [
        "| method | queries | p50 ms | p99 ms | mlt p50 / method p50 (95% CI) | median per-query ratio (95% CI) | second stage paid |",
        "|---|---:|---:|---:|---|---|---:|",
    ]
    for name, result in results.items():
        lat = result["latency"]
        ratio = lat.get("vs_mlt")
        cells = "- | -"
        if ratio:
            cells = (f"{ratio['ratio_of_medians']:.2f}x ({ratio['low']:.2f}-{ratio['high']:.2f}) | "
                     f"{ratio['median_ratio']:.2f}x ({ratio['median_ratio_low']:.2f}-{ratio['median_ratio_high']:.2f})")
        deep = lat.get("deep_share")
        lines.append(f"| {name} | {lat['queries']} | {lat['p50_ms']:.1f} | {lat['p99_ms']:.1f} | {cells} | "
                     f"{'-' if deep is None else f'{deep:.1%}'} |")
    return "\n".join(lines)


def cascade_sweep(task: Task, runs: dict[str, dict], overlap, with_news: bool) -> list[dict]:
    """The cascade at other thresholds, from ``attrib-fp`` (first stage alone) and
    ``attrib-deep`` (second stage always) of the same run: a query whose first stage
    reached ``t`` idf(1, N) units keeps that ranking, else takes the second stage's, and
    its latency is the sum of both (what the cascade pays: the first query, then the second)."""
    fp, deep = runs["attrib-fp"], runs["attrib-deep"]
    rows = []
    for t in CASCADE_SWEEP:
        weak = {q: fp["units"][q] < t for q in fp["rankings"]}
        rankings = {q: deep["rankings"][q] if weak[q] else fp["rankings"][q] for q in weak}
        latencies = {q: fp["latencies"][q] + (deep["latencies"][q] if weak[q] else 0.0) for q in weak}
        pan = list(task.queries)
        row = {
            "threshold": t,
            "deep_share": sum(weak[q] for q in pan) / len(pan),
            "by_type": evaluate(task, rankings, latencies, overlap),
        }
        if "mlt" in runs:
            row["vs_mlt"] = speedup(runs["mlt"]["latencies"], latencies, list(weak))
        if with_news:
            row["news"] = evaluate_news(task, rankings, latencies)
            row["news_deep_share"] = sum(weak[r["query_id"]] for r in task.news) / len(task.news)
        rows.append(row)
    return rows


def sweep_table(rows: list[dict]) -> str:
    lines = ["| threshold (idf(1,N) units) | PAN queries paying stage 2 | " + " | ".join(TYPES) + " | news | mlt p50 / cascade p50 (95% CI) |",
             "|---:|---:|" + "---:|" * (len(TYPES) + 1) + "---|"]
    for row in rows:
        cells = " | ".join(f"{row['by_type'][k]['recall@1']:.3f}" for k in TYPES if k in row["by_type"])
        news = f"{row['news']['all']['recall@1']:.3f}" if row.get("news") else "-"
        ratio = row.get("vs_mlt")
        r = f"{ratio['ratio_of_medians']:.2f}x ({ratio['low']:.2f}-{ratio['high']:.2f})" if ratio else "-"
        lines.append(f"| {row['threshold']:g} | {row['deep_share']:.1%} | {cells} | {news} | {r} |")
    return "\n".join(lines)


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
    parser.add_argument("--methods", default="attrib,attrib-fp,attrib-deep,mlt,minhash", help="comma-separated subset of "
                        f"{','.join(METHODS)} (default: attrib,attrib-fp,attrib-deep,mlt,minhash)")
    parser.add_argument("--no-news", action="store_true", help="leave news-dev out (it is in when DATA/news-dev exists)")
    parser.add_argument("--prefix", help="index name prefix; the indexes are kept after the run and reused by the next "
                        "run with the same prefix (indexing time is then not measured)")
    parser.add_argument(
        "--align-judge", action="store_true",
        help="also print a third table in which documents attrib's aligner finds a copied passage in (among each "
        "method's first %d) count as unlabelled sources too, and calibrate both judges on PAN's labelled and "
        "no-plagiarism pairs (adds about 6 minutes on 2 cores)" % JUDGE_DEPTH,
    )
    parser.add_argument("--no-calibrate", action="store_true", help="with --align-judge, skip the judges' calibration")
    parser.add_argument("--judge-cache", type=Path, help="with --align-judge, keep the aligner's verdicts in this file "
                        "(JSON) and reuse them in the next run, so only pairs not judged before are aligned")
    parser.add_argument("--output", type=Path, help="write every figure as JSON here")
    args = parser.parse_args(argv)

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = set(methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown method(s): {', '.join(sorted(unknown))}")
    if not (args.data / "pan13-train" / "truth.jsonl").is_file():
        parser.error(f"no pan13-train/truth.jsonl under {args.data}")

    started = time.perf_counter()
    task = load_task(args.data, args.limit)
    news_folder = args.data / "news-dev"
    with_news = not args.no_news and (news_folder / "truth.jsonl").is_file()
    if with_news:
        add_news(task, news_folder)
    queries = {**task.queries, **task.news_queries}
    print(
        f"haystack {len(task.haystack):,} articles; {len(task.queries)} PAN queries ({len(task.pairs)} pairs), "
        f"{len(task.news_queries)} news queries",
        file=sys.stderr,
    )
    cluster = None
    es_url = args.es_url
    if es_url is None and {"attrib", "attrib-fp", "attrib-deep", "attrib-pairs", "mlt"} & set(methods):
        cluster = local_cluster(None, heap=args.heap)
        es_url = cluster.__enter__()
        print(f"started a local Elasticsearch at {es_url}", file=sys.stderr)
    prefix = args.prefix or f"bench-retrieval-{uuid.uuid4().hex[:8]}"
    texts = {a.id: a.text for a in task.haystack}
    texts.update(task.queries)
    overlap = UnlabelledSource(texts.__getitem__)
    results: dict[str, dict] = {}
    runs: dict[str, dict] = {}
    made: list[Method] = []
    load = os.getloadavg()
    try:
        for name in methods:
            method: Method = METHODS[name](es_url, prefix)
            method.keep = args.prefix is not None
            made.append(method)
            t0 = time.perf_counter()
            method.index(task.haystack)
            seconds = method.indexed_seconds() if isinstance(method, AttribMethod) else time.perf_counter() - t0
            size, note = method.size()
            print(f"{name}: indexed in {seconds:.1f} s, {size / 1e6:.1f} MB", file=sys.stderr)
            results[name] = {
                "index_seconds": seconds,
                "articles_per_second": len(task.haystack) / seconds if seconds > 0 else float("nan"),
                "size_bytes": size,
                "size_note": note,
            }
        load = os.getloadavg()
        print(f"ranking {len(queries)} queries with {len(made)} methods, interleaved (load average {load[0]:.1f})", file=sys.stderr)
        runs = run_interleaved(made, queries)
    finally:
        for method in made:
            method.close()
        if cluster is not None:
            cluster.__exit__(None, None, None)
    load_after = os.getloadavg()
    pan_ids = list(task.queries)
    all_ids = list(queries)
    for name, run in runs.items():
        rankings, latencies = run["rankings"], run["latencies"]
        lat = [latencies[q] * 1000 for q in all_ids]
        latency = {"queries": len(all_ids), "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99)}
        if "mlt" in runs and name != "mlt":
            latency["vs_mlt"] = speedup(runs["mlt"]["latencies"], latencies, all_ids)
            latency["vs_mlt_pan"] = speedup(runs["mlt"]["latencies"], latencies, pan_ids)
        if run["deep"]:
            latency["deep_share"] = sum(run["deep"][q] for q in all_ids) / len(all_ids)
            latency["deep_share_pan"] = sum(run["deep"][q] for q in pan_ids) / len(pan_ids)
        results[name].update({
            "latency": latency,
            "by_type": evaluate(task, rankings, latencies, overlap),
            "by_type_labels_only": evaluate(task, rankings, latencies),
        })
        if with_news:
            results[name]["news"] = evaluate_news(task, rankings, latencies)
    calibration = None
    judge = overlap
    if args.align_judge:
        aligned = AlignedSource(texts.__getitem__, lazy=False)
        if args.judge_cache and args.judge_cache.is_file():
            cached = json.loads(args.judge_cache.read_text(encoding="utf-8"))
            aligned._verdict.update({(q, d): bool(v) for q, d, v in cached})
        todo = [
            (susp, doc)
            for run in runs.values()
            for susp, ranking in run["rankings"].items()
            if susp in task.queries
            for doc in ranking[:JUDGE_DEPTH]
            if doc not in task.truth[susp] and not overlap.shares(susp, doc)
        ]
        aligned.judge(todo, desc="judging with the aligner")
        if args.judge_cache:
            args.judge_cache.write_text(json.dumps([[q, d, v] for (q, d), v in aligned._verdict.items()]), encoding="utf-8")
        judge = AnyOf(overlap, aligned)
        for name, run in runs.items():
            results[name]["by_type_aligner_too"] = evaluate(task, run["rankings"], run["latencies"], judge)
        if not args.no_calibrate:
            calibration = calibrate(args.data, {"window test": UnlabelledSource, "attrib aligner": AlignedSource})
    sweep = cascade_sweep(task, runs, judge, with_news) if {"attrib-fp", "attrib-deep"} <= set(runs) else None
    elapsed = time.perf_counter() - started
    print("Unlabelled sources skipped (see UnlabelledSource):\n")
    print(table(results))
    print("\nPAN labels only:\n")
    print(table(results, "by_type_labels_only"))
    if args.align_judge:
        print(f"\nDocuments attrib's aligner finds a passage in also skipped (judged among each method's first {JUDGE_DEPTH}):\n")
        print(table(results, "by_type_aligner_too"))
    if calibration is not None:
        print("\nThe judges on PAN's own truth (share of labelled pairs recognised; share of no-plagiarism pairs called sources):\n")
        print(calibration_table(calibration))
    if with_news:
        print("\nnews-dev (recall of the expected original or an acceptable copy; the query and its unjudged relatives not counted):\n")
        print(news_table(results))
    print(f"\nLatency over all {len(all_ids)} queries, interleaved (load average {load[0]:.1f} before the queries, "
          f"{load_after[0]:.1f} after; {RESAMPLES} bootstrap resamples):\n")
    print(latency_table(results))
    if sweep is not None:
        print(f"\nThe cascade at other thresholds (from attrib-fp and attrib-deep; recall@1, {'aligner judge' if args.align_judge else 'window test'}):\n")
        print(sweep_table(sweep))
    print(f"\nrun time {elapsed / 60:.1f} min", file=sys.stderr)
    if args.output:
        report = {
            "haystack": len(task.haystack),
            "queries": len(task.queries),
            "news_queries": len(task.news_queries),
            "pairs": len(task.pairs),
            "depth": DEPTH,
            "mlt_query": MLT_QUERY,
            "minhash": {"num_perm": MINHASH_PERM, "shingle_words": MINHASH_K, "forest_l": MINHASH_FOREST_L, "candidates": MINHASH_CANDIDATES},
            "machine": machine(),
            "load_average": {"before_queries": load, "after_queries": load_after},
            "run_seconds": elapsed,
            "results": results,
            "cascade_sweep": sweep,
            "judge_calibration": calibration,
            "per_query": {name: {"latency_ms": {q: v * 1000 for q, v in run["latencies"].items()}, "deep": run["deep"], "units": run["units"]}
                          for name, run in runs.items()},
        }
        args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


METHODS: dict[str, Callable[[str, str], Method]] = {
    "attrib": lambda url, prefix: AttribMethod(url, prefix),
    "attrib-fp": lambda url, prefix: AttribMethod(url, prefix, cascade=None, name="attrib-fp"),
    "attrib-deep": lambda url, prefix: AttribMethod(url, prefix, cascade=math.inf, name="attrib-deep"),
    "attrib-pairs": lambda url, prefix: AttribMethod(url, prefix, pairs=3, cascade=None, name="attrib-pairs"),
    "mlt": lambda url, prefix: MoreLikeThisMethod(url, prefix),
    "minhash": lambda url, prefix: MinHashMethod(),
}


if __name__ == "__main__":
    raise SystemExit(main())
