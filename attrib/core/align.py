"""Passage alignment: which passages of a query text come from a source text.

:func:`align` compares two texts and returns the :class:`Passage` objects they share,
each a pair of half-open ``str`` offsets into the *original* query and source texts
(``query[p.query_start:p.query_end]`` is the copied text as it stands in the query).
It works in three stages (docs/ALIGNMENT.md explains the parameters and the figures):

1. **Exact seeds.** Word k-gram shingles (the hashes of :mod:`attrib.core.shingles`
   over the tokens of :mod:`attrib.core.normalise`) shared by both texts; consecutive shared
   shingles on one diagonal form a *run* of identical normalised words.
2. **Merge and extend.** Runs in the same order in both texts and closer than a gap
   tolerance in *both* are chained into passages, heaviest chain first (so text
   repeated in one document aligns with one place); a passage that starts or ends
   within a few words of a sentence boundary in both texts is extended to it.
3. **Fuzzy sentences.** Sentences (short ones joined to their neighbour) become bags of
   stemmed content words weighted by tf-idf over the sentences of both texts. Sentence
   pairs whose cosine and Dice similarities both pass a threshold are seeds; seeds are
   clustered with a gap tolerance in sentences, and each cluster is kept only when the
   passage it spans is itself similar enough (otherwise it is re-clustered with a
   smaller gap). A second clustering, compact in the query only, finds summaries: a
   short query passage whose evidence is spread over the source. Every sentence pair
   is compared while that stays small (any news article against another); for long
   texts (hundreds of thousands of characters on both sides) only the pairs sharing a
   word are, rarest words first, within a budget of pairs proportional to the length,
   so time and memory grow linearly instead of with the product of the lengths.

The passages of stages 2 and 3 that overlap in both texts are merged (mostly
word-for-word ones keep the bounds of their runs); then short and dissimilar ones and
paraphrases resting on a single sentence pair are dropped and overlaps in the query are resolved in favour of the
stronger passage. The result is sorted by ``query_start`` and non-overlapping in the
query (passages may overlap in the source: a source sentence can be copied twice).

Everything here is pure: no I/O, no Elasticsearch.
"""

from __future__ import annotations

import bisect
import enum
import heapq
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Literal

import numpy as np

from attrib.core.normalise import token_columns
from attrib.core.sentences import sentences
from attrib.core.shingles import shingle_hash_array
from attrib.core.terms import content_stem as _stem
from attrib.core.terms import stopwords
from attrib.errors import InputError

__all__ = ["AlignParams", "Passage", "PassageKind", "align", "align_noted", "coverage", "stopwords"]


class PassageKind(str, enum.Enum):
    """How a passage was reused."""

    VERBATIM = "verbatim"  #: the normalised words are identical
    NEAR = "near"  #: light edits: most words sit in runs shared word for word
    PARAPHRASE = "paraphrase"  #: found only by the stemmed, order-free sentence match


@dataclass(frozen=True)
class Passage:
    """A passage of the query found in the source.

    Offsets are half-open ``str`` indices into the original query and source texts.
    ``similarity`` (0..1) is 1.0 for verbatim passages, otherwise the larger of the
    share of words that sit in word-for-word runs (both sides counted) and the cosine
    of the two spans' stemmed content-word tf-idf vectors (for a summary, of the query
    span and the source sentences it draws on).
    """

    query_start: int
    query_end: int
    source_start: int
    source_end: int
    kind: PassageKind
    similarity: float

    @property
    def query_length(self) -> int:
        return self.query_end - self.query_start

    @property
    def source_length(self) -> int:
        return self.source_end - self.source_start


@dataclass(frozen=True)
class AlignParams:
    """Parameters of :func:`align`. docs/ALIGNMENT.md gives the reasons for the defaults.

    Stage 1 (exact seeds)
        ``seed_k``: words per shingle; ``shingle_seed``: hash seed;
        ``max_seed_repeats``: a shingle occurring more often than this in either text
        is paired only along the diagonals the other seeds found (in order when there
        are none) instead of all occurrences with all.
    Stage 2 (merge and extend)
        ``gap_words``: words that may separate two runs, in both texts, and still join
        them into one passage; ``snap_words``: a passage boundary this close (in words)
        to a sentence boundary in both texts is moved onto it.
    Stage 3 (fuzzy)
        ``fuzzy``: run stage 3 at all; ``min_unit_words``: sentences with fewer content
        words are joined to the next; ``seed_cosine`` / ``seed_dice``: thresholds a
        sentence pair must pass to be a seed; ``gap_sentences``: sentences that may
        separate two seeds, in both texts; ``min_gap_sentences``: the smallest gap tried
        when a cluster fails validation; ``passage_cosine``: the cosine a clustered
        passage must reach to be kept; ``summary_min_seeds``: seeds a summary needs
        (its clusters are compact in the query only, so they need more evidence);
        ``summary_explained``: a summary is dropped when one ordinary candidate at least
        as similar spans this fraction of its query side; ``summary_ratio``: a passage whose query side is
        shorter than this fraction of its source side is a summary;
        ``summary_whole_source``: a summary whose source side covers at least this
        fraction of the source is widened to the whole source (0 disables).
    Assembly
        ``exact_trust``: when word-for-word runs span at least this fraction of a
        merged passage's query side, the runs (not the sentence units) bound it.
    Filters
        ``min_passage_chars``: shortest passage kept (the shorter of its two sides),
        except that a verbatim or near passage spanning the whole query is kept when the
        query has at least ``2 * seed_k`` words (a 70-character dividend notice
        re-issued word for word is a copy even though it is short);
        ``min_similarity``: lowest similarity kept; ``single_pair_similarity``: the
        similarity a paraphrase resting on a single piece of evidence needs (one pair
        of sentences on the same topic is weak evidence; a word-for-word run of at
        least ``2 * seed_k`` words counts as a second piece); ``near_coverage``: the share of
        words in shared runs from which a passage is ``near`` rather than
        ``paraphrase``.
    """

    seed_k: int = 5
    shingle_seed: int = 0
    max_seed_repeats: int = 8
    gap_words: int = 12
    snap_words: int = 3
    fuzzy: bool = True
    min_unit_words: int = 4
    seed_cosine: float = 0.33
    seed_dice: float = 0.33
    gap_sentences: int = 4
    min_gap_sentences: int = 1
    passage_cosine: float = 0.34
    summary_min_seeds: int = 3
    summary_explained: float = 0.5
    summary_ratio: float = 0.5
    summary_whole_source: float = 0.5
    exact_trust: float = 0.5
    min_passage_chars: int = 150
    min_similarity: float = 0.3
    single_pair_similarity: float = 0.6
    near_coverage: float = 0.5

    def __post_init__(self) -> None:
        def need(ok: bool, name: str, what: str) -> None:
            if not ok:
                raise InputError(f"AlignParams.{name} must be {what}, got {getattr(self, name)!r}",
                                 field=name)

        for f in fields(self):
            value = getattr(self, f.name)
            if f.type in ("int", int):
                need(isinstance(value, int) and not isinstance(value, bool), f.name, "an int")
            elif f.type in ("float", float):
                need(isinstance(value, (int, float)) and not isinstance(value, bool),
                     f.name, "a number")
            elif f.type in ("bool", bool):
                need(isinstance(value, bool), f.name, "a bool")
        need(self.seed_k >= 1, "seed_k", ">= 1")
        need(self.max_seed_repeats >= 1, "max_seed_repeats", ">= 1")
        need(self.gap_words >= 0, "gap_words", ">= 0")
        need(self.snap_words >= 0, "snap_words", ">= 0")
        need(self.min_unit_words >= 1, "min_unit_words", ">= 1")
        need(0 <= self.min_gap_sentences <= self.gap_sentences, "min_gap_sentences",
             "between 0 and gap_sentences")
        need(self.summary_min_seeds >= 1, "summary_min_seeds", ">= 1")
        need(self.min_passage_chars >= 1, "min_passage_chars", ">= 1")
        for name in ("seed_cosine", "seed_dice", "passage_cosine", "min_similarity",
                     "near_coverage", "summary_whole_source", "exact_trust",
                     "summary_explained", "single_pair_similarity"):
            need(0.0 <= getattr(self, name) <= 1.0, name, "between 0 and 1")
        need(self.summary_ratio > 0, "summary_ratio", "> 0")


# --------------------------------------------------------------------------- words


# --------------------------------------------------------------------------- documents


@dataclass
class _Doc:
    """A text prepared for alignment: tokens, sentence units and their stem bags."""

    text: str
    starts: list[int]  # token start offsets
    ends: list[int]  # token end offsets
    words: list[str]  # normalised token texts
    sents: list[tuple[int, int]] = field(default_factory=list)  # sentence char spans
    units: list[tuple[int, int]] = field(default_factory=list)  # token ranges [a, b)
    unit_chars: list[tuple[int, int]] = field(default_factory=list)
    unit_terms: list[list[str]] = field(default_factory=list)  # stems, with repeats
    sent_starts: list[int] = field(default_factory=list)  # sents[i][0], for bisect
    unit_starts: list[int] = field(default_factory=list)  # unit_chars[u][0], increasing
    unit_ends: list[int] = field(default_factory=list)  # unit_chars[u][1], increasing

    @property
    def n(self) -> int:
        return len(self.words)

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Tokens lying inside the character span ``[start, end)``."""
        return bisect.bisect_left(self.starts, start), bisect.bisect_right(self.ends, end)


_CACHE_ENTRIES = 128
_CACHE_CHARS = 12_000_000
"""Prepared documents kept: at most this many, of at most this many characters in all
(a prepared document takes about 30 bytes a character), so that a scan worker that met a
few articles of millions of characters does not keep them all."""
_cache: OrderedDict[tuple[str, AlignParams], _Doc] = OrderedDict()
_cache_chars = 0
_cache_lock = threading.Lock()


def _prepare(text: str, params: AlignParams) -> _Doc:
    """Tokens, sentences and stem bags of ``text``. Cached (least recently used first
    out): a check aligns one query against several candidates, and a scan meets the same
    sources again and again. A prepared document is never changed after this function
    returns."""
    global _cache_chars
    key = (text, params)
    with _cache_lock:
        doc = _cache.get(key)
        if doc is not None:
            _cache.move_to_end(key)
            return doc
    doc = _prepare_uncached(text, params)
    if len(text) <= _CACHE_CHARS:
        with _cache_lock:
            if key not in _cache:
                _cache[key] = doc
                _cache_chars += len(text)
            while len(_cache) > _CACHE_ENTRIES or _cache_chars > _CACHE_CHARS:
                (old, _), _ = _cache.popitem(last=False)
                _cache_chars -= len(old)
    return doc


def _prepare_uncached(text: str, params: AlignParams) -> _Doc:
    words, starts, ends = token_columns(text)
    doc = _Doc(text, starts, ends, words)
    doc.sents = sorted(sentences(text))
    doc.sent_starts = [a for a, _ in doc.sents]
    if params.fuzzy:
        _build_units(doc, params)
        doc.unit_starts = [a for a, _ in doc.unit_chars]
        doc.unit_ends = [b for _, b in doc.unit_chars]
    return doc


def _build_units(doc: _Doc, params: AlignParams) -> None:
    if not doc.words:
        return
    stems = [_stem(w) for w in doc.words]
    # token ranges of the sentences; tokens outside any sentence join the next one
    bounds = []
    for s_start, s_end in doc.sents:
        a, b = doc.token_range(s_start, s_end)
        if b > a:
            bounds.append((a, b))
    cuts = sorted({a for a, _ in bounds} | {0})
    cuts.append(doc.n)
    pending_start = None
    for a, b in zip(cuts, cuts[1:]):
        if b <= a:
            continue
        start = a if pending_start is None else pending_start
        content = sum(1 for s in stems[start:b] if s is not None)
        if content < params.min_unit_words:
            pending_start = start
            continue
        doc.units.append((start, b))
        pending_start = None
    if pending_start is not None:
        if doc.units:
            doc.units[-1] = (doc.units[-1][0], doc.n)
        else:
            doc.units.append((pending_start, doc.n))
    for a, b in doc.units:
        doc.unit_chars.append((doc.starts[a], doc.ends[b - 1]))
        doc.unit_terms.append([s for s in stems[a:b] if s is not None])


# --------------------------------------------------------------------------- clustering


@dataclass
class _Box:
    """A rectangle of evidence: index ranges [q0, q1) and [s0, s1), half-open."""

    q0: int
    q1: int
    s0: int
    s1: int
    weight: float = 1.0


def _split(boxes: list[_Box], lo: str, hi: str, gap: int) -> list[list[_Box]]:
    boxes = sorted(boxes, key=lambda b: getattr(b, lo))
    groups = [[boxes[0]]]
    reach = getattr(boxes[0], hi)
    for b in boxes[1:]:
        if getattr(b, lo) - reach > gap:
            groups.append([b])
        else:
            groups[-1].append(b)
        reach = max(reach, getattr(b, hi))
    return groups


def _cluster(boxes: list[_Box], gap_q: int, gap_s: int | None) -> list[list[_Box]]:
    """Split evidence into groups that lie within the gaps of each other in both texts.

    Splitting alternately along the query and the source until nothing splits any more
    gives groups that are connected in both texts, whatever the order of the seeds.
    ``gap_s=None`` clusters by the query alone.
    """
    if not boxes:
        return []
    done: list[list[_Box]] = []
    todo = [boxes]
    while todo:
        group = todo.pop()
        parts = _split(group, "q0", "q1", gap_q)
        if len(parts) == 1 and gap_s is not None:
            parts = _split(group, "s0", "s1", gap_s)
        if len(parts) == 1:
            done.append(group)
        else:
            todo.extend(parts)
    return done


def _hull(group: Sequence[_Box]) -> _Box:
    return _Box(min(b.q0 for b in group), max(b.q1 for b in group),
                min(b.s0 for b in group), max(b.s1 for b in group),
                sum(b.weight for b in group))


# --------------------------------------------------------------------------- stage 1-2


def _runs(q: _Doc, s: _Doc, params: AlignParams) -> list[_Box]:
    """Maximal runs of shared k-word shingles, as token ranges in both texts.

    Every occurrence of a shingle in the query is paired with every occurrence in the
    source, unless the shingle occurs more than ``max_seed_repeats`` times in either: a
    frequent shingle (chrome, a refrain) is paired only along the (at most
    :data:`_MAX_DIAGONALS`) diagonals the other pairs found most often, so that a copy
    runs on through repetitive stretches; with no other pair, its occurrences pair in
    order. Pairs whose words differ (a hash collision) are dropped, and consecutive
    pairs on one diagonal make a run. All in numpy: linear in the two texts.
    """
    k = params.seed_k
    if q.n < k or s.n < k:
        return []
    q_hash = shingle_hash_array(q.words, k, params.shingle_seed)
    s_hash = shingle_hash_array(s.words, k, params.shingle_seed)
    n_q, n_s = q_hash.size, s_hash.size
    s_order = np.argsort(s_hash, kind="stable")  # by hash, then position
    s_sorted = s_hash[s_order]
    s_lo = np.searchsorted(s_sorted, q_hash, side="left")
    s_count = np.searchsorted(s_sorted, q_hash, side="right") - s_lo
    q_order = np.argsort(q_hash, kind="stable")
    q_sorted = q_hash[q_order]
    q_lo = np.searchsorted(q_sorted, q_hash, side="left")
    q_count = np.searchsorted(q_sorted, q_hash, side="right") - q_lo
    limit = params.max_seed_repeats
    shared = s_count > 0
    plain = shared & (q_count <= limit) & (s_count <= limit)
    rows = np.flatnonzero(plain)
    many = s_count[rows]
    i = np.repeat(rows, many)
    j = s_order[np.repeat(s_lo[rows] - (np.cumsum(many) - many), many) + np.arange(int(many.sum()))]
    diag = j - i
    frequent = np.flatnonzero(shared & ~plain)
    if frequent.size:
        if diag.size:
            # Along the diagonals met most often; ties go to the diagonal met first when
            # the pairs are listed shingle by shingle (in order of the shingle's first
            # place in the query), then by place in the query and in the source.
            first = q_order[q_lo[i]]
            listed = np.empty(diag.size, dtype=np.int64)
            listed[np.lexsort((j, i, first))] = np.arange(diag.size)
            by_diag = np.argsort(diag, kind="stable")
            d_sorted = diag[by_diag]
            starts = np.flatnonzero(np.concatenate(([True], d_sorted[1:] != d_sorted[:-1])))
            counts = np.diff(np.append(starts, d_sorted.size))
            met = np.minimum.reduceat(listed[by_diag], starts)
            chosen = d_sorted[starts][np.lexsort((met, -counts))][:_MAX_DIAGONALS]
            extra_i, extra_d = [], []
            for d in chosen.tolist():
                to = frequent + d
                ok = (to >= 0) & (to < n_s)
                ok[ok] = s_hash[to[ok]] == q_hash[frequent[ok]]
                extra_i.append(frequent[ok])
                extra_d.append(np.full(int(ok.sum()), d, dtype=np.int64))
            i = np.concatenate([i, *extra_i])
            diag = np.concatenate([diag, *extra_d])
        else:
            # no other pair: the n-th occurrence in the query with the n-th in the source
            rank = np.empty(n_q, dtype=np.int64)
            rank[q_order] = np.arange(n_q)
            nth = rank[frequent] - q_lo[frequent]
            ok = nth < s_count[frequent]
            i = frequent[ok]
            diag = s_order[s_lo[i] + nth[ok]] - i
    if not i.size:
        return []
    # no trust in hash collisions: the k words must be the same
    vocab: dict[str, int] = {}
    q_ids = np.fromiter((vocab.setdefault(w, len(vocab)) for w in q.words), dtype=np.int64, count=q.n)
    s_ids = np.fromiter((vocab.setdefault(w, len(vocab)) for w in s.words), dtype=np.int64, count=s.n)
    same = np.ones(i.size, dtype=bool)
    for t in range(k):
        same &= q_ids[i + t] == s_ids[i + diag + t]
    codes, _ = _distinct(((diag[same] + n_q) * n_q + i[same]))  # by diagonal, then query place
    diag, i = codes // n_q - n_q, codes % n_q
    # consecutive places on one diagonal make one run
    starts = np.flatnonzero(np.concatenate(([True], (diag[1:] != diag[:-1]) | (i[1:] != i[:-1] + 1))))
    ends = np.append(starts[1:], i.size) - 1
    runs = []
    for a, b, d in zip(i[starts].tolist(), i[ends].tolist(), diag[starts].tolist()):
        runs.append(_Box(a, b + k, a + d, b + d + k, b + k - a))
    return runs


_MAX_DIAGONALS = 64  # diagonals along which frequent shingles are paired


@dataclass
class _Cand:
    """A candidate passage in character offsets, with what is known of its strength."""

    q0: int
    q1: int
    s0: int
    s1: int
    score: float
    summary: bool = False
    pairs: int = 0  # sentence-pair seeds behind the candidate
    run_words: int = 0  # query words inside word-for-word runs behind the candidate
    origin: str = "exact"
    exact: tuple[int, int, int, int] | None = None  # hull of the word-for-word evidence
    sim: float = 1.0  # cosine of a sentence cluster; 1.0 for word-for-word runs


def _chains(runs: list[_Box], gap: int, slack: int) -> list[list[_Box]]:
    """Runs chained in the same order in both texts, heaviest chain first.

    A run may follow another when it starts after it (give or take ``slack`` words of
    overlap) and within ``gap`` words, in the query *and* in the source; a chain weighs
    the words of its runs less half the words skipped between them. Picking the
    heaviest such chain, removing every run that overlaps it in the query, and
    repeating, makes text that is repeated in one of the texts (site chrome, price
    lists) align with one place instead of fusing several into a long false passage.

    Runs more than ``gap`` words (in the query) past every earlier run can neither
    follow nor overlap anything before them, so the runs fall into independent groups
    along the query, and so do the runs left on either side of a chain once it is taken.
    Each group is chained on its own and only the group a chain came from is regrouped
    and chained again; chains come out heaviest first, ties to the one earlier in the
    query, which is the order picking over all runs at once gives. A long text with many
    passages then costs about the sum of its groups, not their product.
    """
    todo = sorted(runs, key=lambda r: (r.q0, r.s0))
    heap: list[tuple[float, int, list[_Box], list[tuple[int, _Box]]]] = []

    def push(group: list[tuple[int, _Box]]) -> None:
        weight, chain = _best_chain([r for _, r in group], gap, slack)
        heapq.heappush(heap, (-weight, group[0][0], chain, group))

    for group in _groups(list(enumerate(todo)), gap):
        push(group)
    chains = []
    while heap:
        _, _, chain, group = heapq.heappop(heap)
        chains.append(chain)
        q0, q1 = chain[0].q0, chain[-1].q1
        for rest in _groups([(i, r) for i, r in group if r.q1 <= q0 or r.q0 >= q1], gap):
            push(rest)
    return chains


def _groups(runs: list[tuple[int, _Box]], gap: int) -> list[list[tuple[int, _Box]]]:
    """Runs (in ``(q0, s0)`` order, with their places in that order) cut where a run
    starts more than ``gap`` words after every run before it ends."""
    groups: list[list[tuple[int, _Box]]] = []
    reach = 0
    for item in runs:
        r = item[1]
        if not groups or r.q0 - reach > gap:
            groups.append([])
            reach = r.q1
        groups[-1].append(item)
        reach = max(reach, r.q1)
    return groups


def _best_chain(todo: list[_Box], gap: int, slack: int) -> tuple[float, list[_Box]]:
    """The heaviest chain of runs sorted by ``(q0, s0)``, and its weight; of equally heavy
    chains, the one ending at the earliest run, and of equally good predecessors of a run,
    the earliest."""
    n = len(todo)
    best = [r.weight for r in todo]
    back = [-1] * n
    if n > 1:
        # a predecessor p of r ends where r may follow it: r.q0 - gap <= p.q1 <= r.q0 + slack
        by_end = sorted(range(n), key=lambda j: todo[j].q1)
        ends = [todo[j].q1 for j in by_end]
        for i, r in enumerate(todo):
            lo = bisect.bisect_left(ends, r.q0 - gap)
            hi = bisect.bisect_right(ends, r.q0 + slack)
            for j in by_end[lo:hi]:
                if j >= i:
                    continue
                p = todo[j]
                dq, ds = r.q0 - p.q1, r.s0 - p.s1
                if -slack <= dq <= gap and -slack <= ds <= gap and p.q0 < r.q0 and p.s0 < r.s0:
                    # words matched minus half the words skipped: a gapless copy beats a
                    # gappy one of about the same length, while obfuscated copies (many
                    # short gaps) still chain
                    score = best[j] + r.weight - max(dq, ds, 0) / 2
                    if score > best[i] or (score == best[i] and 0 <= back[i] and j < back[i]):
                        best[i] = score
                        back[i] = j
    i = max(range(n), key=best.__getitem__)
    weight = best[i]
    chain = []
    while i >= 0:
        chain.append(todo[i])
        i = back[i]
    chain.reverse()
    return weight, chain


def _exact_passages(q: _Doc, s: _Doc, runs: list[_Box], params: AlignParams) -> list[_Cand]:
    out = []
    for chain in _chains(runs, params.gap_words, params.seed_k - 1):
        box = _hull(chain)
        span = (q.starts[box.q0], q.ends[box.q1 - 1], s.starts[box.s0], s.ends[box.s1 - 1])
        out.append(_Cand(*span, box.weight, exact=span, run_words=int(box.weight)))
    return out


# --------------------------------------------------------------------------- stage 3


class _Vectors:
    """tf-idf over the sentence units of both texts (idf counts units, not documents)."""

    def __init__(self, q: _Doc, s: _Doc):
        vocab: dict[str, int] = {}
        q_ids = [[vocab.setdefault(t, len(vocab)) for t in terms] for terms in q.unit_terms]
        s_ids = [[vocab.setdefault(t, len(vocab)) for t in terms] for terms in s.unit_terms]
        self.size = len(vocab)
        df = np.zeros(self.size, dtype=np.float64)
        for ids in q_ids + s_ids:
            df[list(set(ids))] += 1
        n_units = len(q_ids) + len(s_ids)
        self.idf = np.log((n_units + 1) / (df + 0.5))  # smoothed: terms in every unit stay > 0
        self.q_ids = [np.asarray(ids, dtype=np.int64) for ids in q_ids]
        self.s_ids = [np.asarray(ids, dtype=np.int64) for ids in s_ids]
        self.shared_words = 0  # words of both texts (set by sparse_seeds)
        self.unpaired_words = 0  # shared words whose unit pairs were not compared
        # Long texts (the sparse seed path) have large vocabularies and many clusters:
        # their term counts are kept as (words, counts) instead of vocabulary-long arrays.
        self.sparse = False

    def counts(self, ids: Iterable[np.ndarray]) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        ids = [a for a in ids if a.size]
        if self.sparse:
            return _distinct(np.concatenate(ids)) if ids else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        if not ids:
            return np.zeros(self.size)
        return np.bincount(np.concatenate(ids), minlength=self.size).astype(np.float64)

    def cosine(self, a, b) -> float:
        """Cosine of two :meth:`counts` weighted by idf."""
        if self.sparse:
            (ta, ca), (tb, cb) = a, b
            wa, wb = ca * self.idf[ta], cb * self.idf[tb]
            na, nb = np.sqrt(wa @ wa), np.sqrt(wb @ wb)
            if not (na > 0 and nb > 0):
                return 0.0
            _, ia, ib = np.intersect1d(ta, tb, assume_unique=True, return_indices=True)
            return float(wa[ia] @ wb[ib] / (na * nb))
        wa, wb = a * self.idf, b * self.idf
        na, nb = np.linalg.norm(wa), np.linalg.norm(wb)
        return float(wa @ wb / (na * nb)) if na > 0 and nb > 0 else 0.0

    def seed_matrix(self, params: AlignParams) -> tuple[np.ndarray, np.ndarray]:
        """Unit pairs (i, j) passing both seed thresholds, and their cosines, in row order.

        Every pair is compared (dense matrices of the shared vocabulary) while those
        matrices stay below :data:`_DENSE_CELLS`; beyond that, only the pairs of units
        sharing a word below a budget of pairs are (:meth:`sparse_seeds`).
        """
        q_vocab = set().union(*[set(a.tolist()) for a in self.q_ids]) if self.q_ids else set()
        s_vocab = set().union(*[set(a.tolist()) for a in self.s_ids]) if self.s_ids else set()
        shared = sorted(q_vocab & s_vocab)
        empty = np.zeros((0, 2), dtype=np.int64), np.zeros(0)
        if not shared:
            return empty
        n_q, n_s = len(self.q_ids), len(self.s_ids)
        if (n_q + n_s) * len(shared) + n_q * n_s > _DENSE_CELLS:
            self.sparse = True
            return self.sparse_seeds(params)
        col = np.full(self.size, -1, dtype=np.int64)
        col[shared] = np.arange(len(shared))

        def matrix(unit_ids: list[np.ndarray]):
            tf = np.zeros((len(unit_ids), len(shared)), dtype=np.float32)
            norms = np.zeros(len(unit_ids))
            distinct = np.zeros(len(unit_ids))
            for row, ids in enumerate(unit_ids):
                if not ids.size:
                    continue
                terms, counts = np.unique(ids, return_counts=True)
                weights = counts * self.idf[terms]
                norms[row] = np.sqrt(weights @ weights)
                distinct[row] = terms.size
                keep = col[terms] >= 0
                tf[row, col[terms[keep]]] = counts[keep]
            return tf, norms, distinct

        qt, qn, qd = matrix(self.q_ids)
        st, sn, sd = matrix(self.s_ids)
        idf = self.idf[shared].astype(np.float32)
        dots = (qt * idf) @ (st * idf).T
        with np.errstate(divide="ignore", invalid="ignore"):
            cos = dots / np.outer(qn, sn)
            common = (qt > 0).astype(np.float32) @ (st > 0).astype(np.float32).T
            dice = 2 * common / np.add.outer(qd, sd)
        ok = (np.nan_to_num(cos) > params.seed_cosine) & (np.nan_to_num(dice) > params.seed_dice)
        seeds = np.argwhere(ok)
        return seeds, cos[ok]

    def sparse_seeds(self, params: AlignParams) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`seed_matrix` for texts too long to compare every pair of units.

        A pair of units that shares no word has a cosine of 0, so only pairs sharing a
        word can be seeds. Shared words are taken rarest first (by the number of unit
        pairs they make, units of the query times units of the source holding them)
        while the pairs they make stay within a budget proportional to the number of
        units (:data:`_PAIRS_PER_UNIT`, at most :data:`_MAX_PAIRS`); every pair of units
        sharing one of those words is compared on all its words, exactly as the dense
        path does. Pairs that share only words beyond the budget (the commonest ones:
        "said", "year") are not compared; :attr:`unpaired_words` counts those words.
        Time and memory grow with the budget, so linearly with the texts.
        """
        empty = np.zeros((0, 2), dtype=np.int64), np.zeros(0)
        q, s = _Side(self.q_ids, self.idf), _Side(self.s_ids, self.idf)
        cost = np.bincount(q.term, minlength=self.size) * np.bincount(s.term, minlength=self.size)
        shared = np.flatnonzero(cost)
        if not shared.size:
            return empty
        budget = min(_MAX_PAIRS, _PAIRS_PER_UNIT * (q.n + s.n))
        order = shared[np.argsort(cost[shared], kind="stable")]
        admitted = order[np.cumsum(cost[order]) <= budget]
        self.shared_words = int(shared.size)
        self.unpaired_words = int(shared.size - admitted.size)
        if not admitted.size:
            return empty
        chosen = np.zeros(self.size, dtype=bool)
        chosen[admitted] = True
        # every (query unit, source unit) holding the same admitted word
        q_entries = np.flatnonzero(chosen[q.term])
        q_entries = q_entries[np.argsort(q.term[q_entries], kind="stable")]
        s_entries = np.flatnonzero(chosen[s.term])
        s_entries = s_entries[np.argsort(s.term[s_entries], kind="stable")]
        s_words = s.term[s_entries]
        words = q.term[q_entries]
        first = np.searchsorted(s_words, words, side="left")
        many = np.searchsorted(s_words, words, side="right") - first
        rows = np.repeat(q.unit[q_entries], many)
        at = np.repeat(first - (np.cumsum(many) - many), many) + np.arange(int(many.sum()))
        codes, _ = _distinct(rows * s.n + s.unit[s_entries[at]])
        del rows, at
        i, j = codes // s.n, codes % s.n
        dots = np.zeros(codes.size)
        common = np.zeros(codes.size, dtype=np.int64)
        # expand the side with fewer words of each pair and look its words up in the other
        from_q = q.length[i] <= s.length[j]
        for mask, rows_, cols_, a, b in ((from_q, i, j, q, s), (~from_q, j, i, s, q)):
            picked = np.flatnonzero(mask)
            for part in _chunks(a.length[rows_[picked]], _CHUNK_ENTRIES):
                k = picked[part]
                dots[k], common[k] = _pair_overlap(rows_[k], cols_[k], a, b, self.size)
        with np.errstate(divide="ignore", invalid="ignore"):
            cos = dots / (q.norm[i] * s.norm[j])
            dice = 2 * common / (q.length[i] + s.length[j])
        ok = (np.nan_to_num(cos) > params.seed_cosine) & (np.nan_to_num(dice) > params.seed_dice)
        return np.stack([i[ok], j[ok]], axis=1), cos[ok]


_DENSE_CELLS = 1 << 24
"""Cells (units times shared words, and unit pairs) up to which :meth:`_Vectors.seed_matrix`
compares every pair of units in dense matrices: a few hundred MB at most. News articles
and the PAN corpus stay far below; two long texts (100,000s of characters each) go over."""
_PAIRS_PER_UNIT = 64
"""Unit pairs compared per unit of the two texts beyond :data:`_DENSE_CELLS`."""
_MAX_PAIRS = 6_000_000
"""The most unit pairs compared (two texts of 5 million characters hold about 100,000 units)."""
_CHUNK_ENTRIES = 1 << 19
"""Words looked up at once when comparing unit pairs (bounds the temporary arrays)."""


class _Side:
    """The units of one text as flat arrays of distinct words, sorted by unit then word."""

    def __init__(self, unit_ids: list[np.ndarray], idf: np.ndarray):
        self.n = len(unit_ids)
        size = idf.size
        lengths = np.fromiter((a.size for a in unit_ids), dtype=np.int64, count=self.n)
        flat = np.concatenate(unit_ids) if lengths.sum() else np.zeros(0, dtype=np.int64)
        keys, counts = _distinct(np.repeat(np.arange(self.n), lengths) * size + flat)
        self.key = keys  # unit * size + word, sorted
        self.unit, self.term = keys // size, keys % size
        self.weight = counts * idf[self.term]
        self.length = np.bincount(self.unit, minlength=self.n)  # distinct words
        self.start = np.cumsum(self.length) - self.length
        self.norm = np.sqrt(np.bincount(self.unit, weights=self.weight ** 2, minlength=self.n))


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and how often each occurs (``np.unique(values,
    return_counts=True)``, which is many times slower on millions of values in numpy 2)."""
    ordered = np.sort(values)
    first = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[first], np.diff(np.append(first, ordered.size))


def _chunks(lengths: np.ndarray, limit: int) -> Iterator[slice]:
    """Consecutive slices of ``lengths`` summing to about ``limit`` (at least one item each)."""
    ends = np.cumsum(lengths)
    start = 0
    while start < lengths.size:
        base = ends[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, base + limit, side="right")))
        yield slice(start, stop)
        start = stop


def _pair_overlap(rows: np.ndarray, cols: np.ndarray, a: _Side, b: _Side, size: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """For unit pairs (``rows[k]`` of ``a``, ``cols[k]`` of ``b``): the dot product of their
    tf-idf vectors and the number of words they share."""
    lengths = a.length[rows]
    total = int(lengths.sum())
    pair = np.repeat(np.arange(rows.size), lengths)
    entry = np.repeat(a.start[rows] - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
    key = np.repeat(cols, lengths) * size + a.term[entry]
    at = np.searchsorted(b.key, key)
    at[at == b.key.size] = 0
    hit = b.key[at] == key
    dots = np.bincount(pair[hit], weights=a.weight[entry[hit]] * b.weight[at[hit]],
                       minlength=rows.size)
    return dots, np.bincount(pair[hit], minlength=rows.size)


class _Fuzzy:
    """Stage 3: sentence-pair seeds, clustered into ordinary and summary candidates."""

    def __init__(self, q: _Doc, s: _Doc, vec: _Vectors, params: AlignParams):
        self.q, self.s, self.vec, self.params = q, s, vec, params
        seeds, cos = vec.seed_matrix(params)
        self.seeds = [_Box(int(i), int(i) + 1, int(j), int(j) + 1, float(c))
                      for (i, j), c in zip(seeds, cos)]

    def _validate(self, group: list[_Box], gap: int, summary: bool
                  ) -> list[tuple[_Box, float, list[_Box]]]:
        """Clusters of ``group`` whose spans are similar, shrinking the gap on failure.

        Ordinary clusters must be compact in both texts; summary clusters only in the
        query (a summary draws its sentences from anywhere in the source).
        """
        vec, kept = self.vec, []
        for cluster in _cluster(group, gap, None if summary else gap):
            box = _hull(cluster)
            if summary:  # compare with the source sentences drawn on, not all between
                source = [vec.s_ids[j] for j in sorted({b.s0 for b in cluster})]
            else:
                source = vec.s_ids[box.s0:box.s1]
            sim = vec.cosine(vec.counts(vec.q_ids[box.q0:box.q1]), vec.counts(source))
            if sim >= self.params.passage_cosine:
                kept.append((box, sim, cluster))
            elif len(cluster) > 1 and gap > self.params.min_gap_sentences:
                kept.extend(self._validate(cluster, gap - 1, summary))
        return kept

    def normal(self) -> list[_Cand]:
        return [_unit_cand(self.q, self.s, box, sim, len(c), False)
                for box, sim, c in self._validate(self.seeds, self.params.gap_sentences, False)]

    def summaries(self) -> list[_Cand]:
        """Candidates compact in the query only, much shorter there than in the source."""
        params, q = self.params, self.q
        out = []
        for box, sim, c in self._validate(self.seeds, params.gap_sentences, True):
            cand = _unit_cand(q, self.s, box, sim, len(c), True)
            if (len(c) >= params.summary_min_seeds
                    and (cand.q1 - cand.q0) < params.summary_ratio * (cand.s1 - cand.s0)):
                out.append(cand)
        return out


def _unit_cand(q: _Doc, s: _Doc, box: _Box, sim: float, pairs: int, summary: bool) -> _Cand:
    return _Cand(q.unit_chars[box.q0][0], q.unit_chars[box.q1 - 1][1],
                 s.unit_chars[box.s0][0], s.unit_chars[box.s1 - 1][1],
                 sim * box.weight, summary=summary, pairs=pairs, origin="fuzzy", sim=sim)


# --------------------------------------------------------------------------- assembly


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return min(a1, b1) > max(a0, b0)


def _merge_overlapping(cands: list[_Cand]) -> list[_Cand]:
    """Union candidates that overlap in both texts (connected components)."""
    cands = sorted(cands, key=lambda c: (c.q0, c.s0))
    parent = list(range(len(cands)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(cands):
        for j in range(i + 1, len(cands)):
            b = cands[j]
            if b.q0 >= a.q1:
                break
            if _overlap(a.s0, a.s1, b.s0, b.s1):
                parent[find(j)] = find(i)
    groups: dict[int, list[_Cand]] = {}
    for i, c in enumerate(cands):
        groups.setdefault(find(i), []).append(c)
    return [_union(g) for g in groups.values()]


def _union(group: list[_Cand]) -> _Cand:
    exact = [c.exact for c in group if c.exact is not None]
    hull = None
    if exact:
        hull = (min(e[0] for e in exact), max(e[1] for e in exact),
                min(e[2] for e in exact), max(e[3] for e in exact))
    q0, q1 = min(c.q0 for c in group), max(c.q1 for c in group)
    # a member vouches for the union in proportion to the part of it that it spans
    sim = max(c.sim * (c.q1 - c.q0) / max(1, q1 - q0) for c in group)
    return _Cand(q0, q1, min(c.s0 for c in group), max(c.s1 for c in group),
                 sum(c.score for c in group), summary=any(c.summary for c in group),
                 pairs=sum(c.pairs for c in group), run_words=sum(c.run_words for c in group),
                 origin="+".join(sorted({c.origin for c in group})), exact=hull, sim=sim)


class _RunIndex:
    """The word-for-word runs, indexed for the per-candidate questions of assembly."""

    def __init__(self, q: _Doc, runs: list[_Box]):
        self.q, self.runs = q, runs
        self.by_q0 = sorted(runs, key=lambda r: r.q0)
        self.q0s = [r.q0 for r in self.by_q0]
        self._covered: list[int] | None = None

    def inside(self, qa: int, qb: int) -> list[_Box]:
        """Runs starting in query tokens ``[qa, qb)``."""
        return self.by_q0[bisect.bisect_left(self.q0s, qa):bisect.bisect_left(self.q0s, qb)]

    def covered(self, a: int, b: int) -> int:
        """Query tokens of ``[a, b)`` inside some run."""
        if self._covered is None:
            edges = np.zeros(self.q.n + 1, dtype=np.int64)
            np.add.at(edges, [r.q0 for r in self.runs], 1)
            np.add.at(edges, [r.q1 for r in self.runs], -1)
            inside = np.cumsum(edges[:-1]) > 0
            self._covered = [0, *np.cumsum(inside).tolist()]
        return self._covered[b] - self._covered[a]


def _prefer_exact(q: _Doc, cands: list[_Cand], runs: _RunIndex, trust: float
                  ) -> list[_Cand]:
    """Bound mostly word-for-word candidates by their word-for-word evidence.

    Sentence units are coarse (web text often has no sentence punctuation for hundreds
    of characters), so where shared runs cover most words of a candidate's query side
    the runs, not the sentences, say where the copy starts and ends.
    """
    if not runs.runs:
        return cands
    for c in cands:
        if c.exact is None or c.origin == "exact":
            continue
        a, b = q.token_range(c.q0, c.q1)
        if b <= a:
            continue
        # the share of the candidate's query tokens that lie in some run (a run sharing a
        # token with the candidate's tokens always overlaps its characters too)
        if runs.covered(a, b) / (b - a) >= trust:
            c.q0, c.q1, c.s0, c.s1 = c.exact
    return cands


def _with_summaries(normal: list[_Cand], summaries: list[_Cand], params: AlignParams
                    ) -> list[_Cand]:
    """Let summary candidates replace the fragments they consist of.

    A summary candidate is ignored when one ordinary, non-summary-shaped candidate at
    least as similar spans most of its query side: a copy next to a few scattered
    look-alike sentences is not a summary. A summary made of copied sentences is kept,
    because each copied sentence spans only a small part of it. A kept summary absorbs
    the candidates it overlaps.
    """
    if not summaries:
        return normal
    kept = []
    for sm in _merge_overlapping(summaries):
        explained = False
        for n in normal:
            if not (_overlap(n.q0, n.q1, sm.q0, sm.q1) and _overlap(n.s0, n.s1, sm.s0, sm.s1)):
                continue
            inside = min(n.q1, sm.q1) - max(n.q0, sm.q0)
            if (inside >= params.summary_explained * (sm.q1 - sm.q0) and n.sim >= sm.sim
                    and (n.q1 - n.q0) >= params.summary_ratio * (n.s1 - n.s0)):
                explained = True
                break
        if not explained:
            kept.append(sm)
    if not kept:
        return normal
    return _merge_overlapping(normal + kept)


def _snap(doc: _Doc, start: int, end: int, words: int
          ) -> tuple[tuple[int, int], tuple[bool, bool]]:
    """Where ``[start, end)`` would move if snapped to its sentence's bounds, and whether
    each end is close enough (``words`` or fewer tokens away) to do so."""
    sents = doc.sents
    starts = doc.sent_starts
    i = bisect.bisect_right(starts, start) - 1
    new_start, ok_start = start, False
    if i >= 0 and sents[i][0] <= start < sents[i][1]:
        a, _ = doc.token_range(sents[i][0], start)
        t0, _ = doc.token_range(start, start + 1)
        if t0 - a <= words:
            new_start, ok_start = sents[i][0], True
    j = bisect.bisect_right(starts, end - 1) - 1
    new_end, ok_end = end, False
    if j >= 0 and sents[j][0] < end <= sents[j][1]:
        _, b = doc.token_range(end, sents[j][1])
        a, _ = doc.token_range(end, sents[j][1])
        if b - a <= words:
            new_end, ok_end = sents[j][1], True
    return (new_start, new_end), (ok_start, ok_end)


@dataclass
class _Final:
    cand: _Cand
    kind: PassageKind
    similarity: float


def _describe(q: _Doc, s: _Doc, c: _Cand, runs: _RunIndex, vec: _Vectors | None,
              params: AlignParams) -> _Final:
    qa, qb = q.token_range(c.q0, c.q1)
    sa, sb = s.token_range(c.s0, c.s1)
    if qb > qa and q.words[qa:qb] == s.words[sa:sb]:
        return _Final(c, PassageKind.VERBATIM, 1.0)
    q_cov = np.zeros(max(0, qb - qa), dtype=bool)
    s_cov = np.zeros(max(0, sb - sa), dtype=bool)
    for r in runs.inside(qa, qb):
        if r.q1 <= qb and r.s0 >= sa and r.s1 <= sb:
            q_cov[r.q0 - qa:r.q1 - qa] = True
            s_cov[r.s0 - sa:r.s1 - sa] = True
    total = q_cov.size + s_cov.size
    shared = (int(q_cov.sum()) + int(s_cov.sum())) / total if total else 0.0
    cos = 0.0
    if vec is not None:
        cos = vec.cosine(_span_counts(q, vec, vec.q_ids, c.q0, c.q1),
                         _span_counts(s, vec, vec.s_ids, c.s0, c.s1))
    if c.summary:
        # a summary is compared with the source sentences it draws on, not with
        # everything between them
        cos = max(cos, c.sim)
    kind = PassageKind.NEAR if shared >= params.near_coverage else PassageKind.PARAPHRASE
    return _Final(c, kind, max(shared, cos))


def _span_counts(doc: _Doc, vec: _Vectors, ids: list[np.ndarray], start: int, end: int
                 ) -> np.ndarray:
    """Term counts of the units that overlap ``[start, end)``."""
    # units are in order and disjoint: the ones ending after start and starting before end
    first = bisect.bisect_right(doc.unit_ends, start)
    last = bisect.bisect_left(doc.unit_starts, end)
    return vec.counts(ids[first:last])


def align(query: str, source: str, params: AlignParams = AlignParams()) -> list[Passage]:
    """Passages of ``query`` that come from ``source``.

    Returns :class:`Passage` objects sorted by ``query_start`` and not overlapping in
    the query. Offsets are half-open ``str`` indices into the original ``query`` and
    ``source``; whitespace and case differences (PAN's inserted line breaks, curly
    quotes) do not break a match because comparison happens on normalised tokens.
    """
    return align_noted(query, source, params)[0]


def align_noted(query: str, source: str, params: AlignParams = AlignParams()
                ) -> tuple[list[Passage], tuple[str, ...]]:
    """:func:`align`, and notes on what it left out.

    A note says in one line, for a reader, that the search was narrowed: for two long
    texts the paraphrase stage compares only the sentence pairs that share one of their
    rarer words (see :meth:`_Vectors.sparse_seeds`). Word-for-word passages are never
    narrowed. No notes for texts of news-article length.
    """
    if not isinstance(params, AlignParams):
        raise InputError("params must be an AlignParams", field="params")
    notes: list[str] = []
    passages = [
        Passage(f.cand.q0, f.cand.q1, f.cand.s0, f.cand.s1, f.kind, round(f.similarity, 6))
        for f in _align(query, source, params, notes)
    ]
    return passages, tuple(notes)


def _align(query: str, source: str, params: AlignParams, notes: list[str]) -> list[_Final]:
    q = _prepare(query, params)
    s = _prepare(source, params)
    if not q.n or not s.n:
        return []
    runs = _runs(q, s, params)
    cands = _exact_passages(q, s, runs, params)
    index = _RunIndex(q, runs)
    vec = None
    if params.fuzzy and q.units and s.units:
        vec = _Vectors(q, s)
        fuzzy = _Fuzzy(q, s, vec, params)
        if vec.unpaired_words:
            notes.append(
                f"texts of {len(query):,} and {len(source):,} characters: paraphrases were "
                f"sought only between sentences sharing a rarer word ({vec.unpaired_words:,} "
                f"of {vec.shared_words:,} shared words too common to pair sentences on)")
        normal = _merge_overlapping(cands + fuzzy.normal())
        normal = _prefer_exact(q, normal, index, params.exact_trust)
        cands = _with_summaries(normal, fuzzy.summaries(), params)
    if not cands:
        return []

    for c in cands:
        (nq0, nq1), (oq0, oq1) = _snap(q, c.q0, c.q1, params.snap_words)
        (ns0, ns1), (os0, os1) = _snap(s, c.s0, c.s1, params.snap_words)
        if oq0 and os0:
            c.q0, c.s0 = nq0, ns0
        if oq1 and os1:
            c.q1, c.s1 = nq1, ns1
        if c.summary and params.summary_whole_source > 0:
            body = _strip_bounds(source)
            if (c.s1 - c.s0) >= params.summary_whole_source * (body[1] - body[0]):
                c.s0, c.s1 = min(c.s0, body[0]), max(c.s1, body[1])

    finals = [_describe(q, s, c, index, vec, params) for c in cands]
    finals = [
        f for f in finals
        if (min(f.cand.q1 - f.cand.q0, f.cand.s1 - f.cand.s0) >= params.min_passage_chars
            or (f.kind is not PassageKind.PARAPHRASE and _spans_query(q, f.cand, params)))
        and f.similarity >= params.min_similarity
        and (f.kind is not PassageKind.PARAPHRASE or f.similarity >= params.single_pair_similarity
             or f.cand.pairs + (f.cand.run_words >= 2 * params.seed_k) >= 2)
    ]
    # resolve overlaps in the query: the stronger passage wins, the weaker is dropped
    finals.sort(key=lambda f: (-f.similarity * (f.cand.q1 - f.cand.q0), f.cand.q0))
    taken: list[_Final] = []
    # the non-empty query spans taken so far: disjoint, so sorted by start they are
    # sorted by end too, and a span overlaps one of them only if it overlaps the last
    # one starting before its end
    starts: list[int] = []
    ends: list[int] = []
    for f in finals:
        a, b = f.cand.q0, f.cand.q1
        k = bisect.bisect_left(starts, b) - 1
        if b > a and k >= 0 and ends[k] > a:
            continue
        taken.append(f)
        if b > a:
            k = bisect.bisect_left(starts, a)
            starts.insert(k, a)
            ends.insert(k, b)
    taken.sort(key=lambda f: f.cand.q0)
    return taken


def _body_chars(doc: _Doc) -> int:
    """Characters from the first to the last token of a document."""
    return doc.ends[-1] - doc.starts[0] if doc.n else 0


def _spans_query(q: _Doc, cand: _Cand, params: AlignParams) -> bool:
    """Whether a passage covers every token of a query of at least ``2 * seed_k`` words."""
    return q.n >= 2 * params.seed_k and cand.q1 - cand.q0 >= _body_chars(q)


def _strip_bounds(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return start, max(start, end)


def coverage(passages: Iterable[Passage], length: int,
             side: Literal["query", "source"] = "query") -> float:
    """Fraction of a text's ``length`` characters covered by ``passages`` on ``side``.

    Overlapping passages are merged first, so a character counts once.
    """
    if side not in ("query", "source"):
        raise InputError(f"side must be 'query' or 'source', got {side!r}", field="side")
    if length <= 0:
        return 0.0
    spans = sorted(
        (p.query_start, p.query_end) if side == "query" else (p.source_start, p.source_end)
        for p in passages
    )
    covered, reach = 0, 0
    for a, b in spans:
        a, b = max(a, reach), min(b, length)
        if b > a:
            covered += b - a
            reach = b
    return covered / length
