"""Long texts: alignment stays linear in memory, the sparse sentence-pair path agrees with
the dense one, and the array-based stages give what the plain loops gave.

Speed figures are not asserted here (see scripts/bench_long.py and docs/BENCHMARKS.md);
memory is, through tracemalloc, which counts the same bytes on any machine.
"""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attrib.core import align as A
from attrib.core.align import AlignParams, PassageKind, align, align_noted
from attrib.core.normalise import token_columns

SHARED = Path(__file__).resolve().parent.parent.parent.parent / "shared"
SYLLABLES = "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu".split()


def _vocabulary(size: int) -> list[str]:
    words = []
    for i in range(size):
        parts, n = [], i + 40
        while n:
            n, r = divmod(n, len(SYLLABLES))
            parts.append(SYLLABLES[r])
        words.append("".join(parts))
    return words


VOCABULARY = _vocabulary(6000)
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]  # Zipf: a few words in every sentence


def synthetic(chars: int, seed: int) -> str:
    """Paragraphs of sentences of made-up words, ``chars`` characters or a little more."""
    rng = random.Random(seed)
    paragraphs, total = [], 0
    while total < chars:
        sentences = []
        for _ in range(rng.randint(2, 5)):
            words = rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(8, 24))
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
        total += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def edited(text: str, seed: int) -> str:
    """Every 12th paragraph left out, a word changed in every 5th."""
    rng = random.Random(seed)
    out = []
    for i, paragraph in enumerate(text.split("\n\n")):
        if i % 12 == 11:
            continue
        if i % 5 == 4:
            words = paragraph.split(" ")
            words[rng.randrange(len(words))] = "changed"
            paragraph = " ".join(words)
        out.append(paragraph)
    return "\n\n".join(out)


def _peak(query: str, source: str) -> tuple[int, list]:
    A._cache.clear()
    tracemalloc.start()
    try:
        passages = align(query, source)
        return tracemalloc.get_traced_memory()[1], passages
    finally:
        tracemalloc.stop()
        A._cache.clear()


def test_a_long_copy_takes_the_sparse_path_in_linear_memory(monkeypatch):
    calls = []
    sparse = A._Vectors.sparse_seeds
    monkeypatch.setattr(A._Vectors, "sparse_seeds", lambda self, params: calls.append(1) or sparse(self, params))
    align(synthetic(3_000, 9), synthetic(3_000, 9))  # imports and loaded data out of the figures
    source = synthetic(450_000, 1)
    query = edited(source, 2)
    small, _ = _peak(query[:150_000], source[:150_000])
    assert calls  # both sizes are too long for the dense matrices
    big, passages = _peak(query, source)
    # Linear: three times the text, at most about three times the memory. The dense
    # matrices took 199 and 1,405 MB (7 times); this path takes 49 and 102 MB.
    assert big < 3.3 * small
    assert big < 200 * 2**20
    # the copy is found, with exact offsets
    assert A.coverage(passages, len(query)) > 0.95
    assert all(a.query_end <= b.query_start for a, b in zip(passages, passages[1:]))
    for p in passages:
        assert 0 <= p.query_start < p.query_end <= len(query) and 0 <= p.source_start < p.source_end <= len(source)
        if p.kind is PassageKind.VERBATIM:
            assert token_columns(query[p.query_start:p.query_end])[0] == token_columns(source[p.source_start:p.source_end])[0]


def _dense_and_sparse(monkeypatch, query: str, source: str):
    dense = align(query, source)
    A._cache.clear()
    monkeypatch.setattr(A, "_DENSE_CELLS", 0)
    monkeypatch.setattr(A, "_PAIRS_PER_UNIT", 10**9)
    monkeypatch.setattr(A, "_MAX_PAIRS", 10**12)
    sparse, notes = align_noted(query, source)
    A._cache.clear()
    return dense, sparse, notes


def _same(dense, sparse) -> None:
    assert [(p.query_start, p.query_end, p.source_start, p.source_end, p.kind) for p in sparse] == [
        (p.query_start, p.query_end, p.source_start, p.source_end, p.kind) for p in dense]
    assert [p.similarity for p in sparse] == pytest.approx([p.similarity for p in dense], abs=1e-5)


def test_the_sparse_path_finds_what_the_dense_path_finds(monkeypatch):
    # with every shared word within the budget, the sparse path compares every pair that
    # can pass the thresholds: the passages are the dense path's
    query = (SHARED / "examples" / "003_dbab0492c2aca2f8.txt").read_text(encoding="utf-8")
    source = (SHARED / "examples" / "000_bab4808bdd29a8aa.txt").read_text(encoding="utf-8")
    dense, sparse, notes = _dense_and_sparse(monkeypatch, query, source)
    assert dense and notes == ()
    _same(dense, sparse)


def test_the_sparse_path_finds_paraphrases_like_the_dense_path(monkeypatch):
    rng = random.Random(5)
    source = synthetic(20_000, 3)
    sentences = source.replace("\n\n", " ").split(". ")
    # a query of reordered, lightly reworded sentences from the source, among new ones
    picked = []
    for sentence in sentences[10:60]:
        words = sentence.split(" ")
        rng.shuffle(words)
        picked.append(" ".join(words[: max(6, len(words) - 3)]).capitalize())
    query = synthetic(4_000, 4) + "\n\n" + ". ".join(picked) + ".\n\n" + synthetic(4_000, 6)
    dense, sparse, _ = _dense_and_sparse(monkeypatch, query, source)
    assert any(p.kind is not PassageKind.VERBATIM for p in dense)
    _same(dense, sparse)


def test_a_narrowed_search_says_so(monkeypatch):
    text = synthetic(60_000, 7)
    assert align_noted(text, edited(text, 8))[1] == ()  # dense: nothing left out
    monkeypatch.setattr(A, "_DENSE_CELLS", 0)
    monkeypatch.setattr(A, "_PAIRS_PER_UNIT", 1)
    A._cache.clear()
    passages, notes = align_noted(text, edited(text, 8))
    A._cache.clear()
    assert passages and len(notes) == 1
    assert "paraphrases were sought only between sentences sharing a rarer word" in notes[0]


# ------------------------------------------------ array stages against the plain loops


def _reference_runs(q_words: list[str], s_words: list[str], params: AlignParams) -> list[tuple]:
    """Stage 1 as first written: dicts of hashes, tuples of pairs, a set."""
    k = params.seed_k
    if len(q_words) < k or len(s_words) < k:
        return []
    q_hash = A.shingle_hash_array(q_words, k, params.shingle_seed).tolist()
    s_hash = A.shingle_hash_array(s_words, k, params.shingle_seed).tolist()
    where: dict[int, list[int]] = {}
    for j, h in enumerate(s_hash):
        where.setdefault(h, []).append(j)
    q_where: dict[int, list[int]] = {}
    for i, h in enumerate(q_hash):
        if h in where:
            q_where.setdefault(h, []).append(i)
    limit = params.max_seed_repeats
    pairs, frequent = [], []
    for h, q_hits in q_where.items():
        s_hits = where[h]
        if len(q_hits) <= limit and len(s_hits) <= limit:
            pairs.extend((j - i, i) for i in q_hits for j in s_hits)
        else:
            frequent.append((q_hits, s_hits))
    if frequent:
        counts: dict[int, int] = {}
        for d, _ in pairs:
            counts[d] = counts.get(d, 0) + 1
        diagonals = sorted(counts, key=counts.__getitem__, reverse=True)[:A._MAX_DIAGONALS]
        for q_hits, s_hits in frequent:
            if diagonals:
                s_set = set(s_hits)
                pairs.extend((d, i) for i in q_hits for d in diagonals if i + d in s_set)
            else:
                pairs.extend((j - i, i) for i, j in zip(q_hits, s_hits))
    pairs = sorted({(d, i) for d, i in pairs if q_words[i:i + k] == s_words[i + d:i + d + k]})
    runs: list[list[int]] = []
    for d, i in pairs:
        if runs and runs[-1][2] - runs[-1][0] == d and i == runs[-1][1] - k + 1:
            runs[-1][1] += 1
            runs[-1][3] += 1
        else:
            runs.append([i, i + k, i + d, i + d + k])
    return [(a, b, c, e, b - a) for a, b, c, e in runs]


def _doc(words: list[str]) -> A._Doc:
    return A._Doc(" ".join(words), [], [], words)


# Few distinct words, small seed_k and max_seed_repeats: many repeated and frequent
# shingles, so the diagonal choice (with its ties) and the in-order pairing are exercised.
texts = st.lists(st.sampled_from("a b c d e f".split()), min_size=0, max_size=160)


@settings(max_examples=300, deadline=None)
@given(texts, texts, st.integers(2, 4), st.integers(1, 3))
def test_runs_are_the_plain_loops_runs(q_words, s_words, k, repeats):
    params = AlignParams(seed_k=k, max_seed_repeats=repeats, fuzzy=False)
    got = [(r.q0, r.q1, r.s0, r.s1, r.weight) for r in A._runs(_doc(q_words), _doc(s_words), params)]
    assert got == _reference_runs(q_words, s_words, params)


def _reference_chains(runs: list[A._Box], gap: int, slack: int) -> list[list[tuple]]:
    """Chaining as first written: every run against every earlier one, all over again
    after each chain."""
    todo = sorted(runs, key=lambda r: (r.q0, r.s0))
    chains = []
    while todo:
        n = len(todo)
        best = [r.weight for r in todo]
        back = [-1] * n
        for i, r in enumerate(todo):
            for j in range(i):
                p = todo[j]
                dq, ds = r.q0 - p.q1, r.s0 - p.s1
                if -slack <= dq <= gap and -slack <= ds <= gap and p.q0 < r.q0 and p.s0 < r.s0:
                    score = best[j] + r.weight - max(dq, ds, 0) / 2
                    if score > best[i]:
                        best[i], back[i] = score, j
        i = max(range(n), key=best.__getitem__)
        chain = []
        while i >= 0:
            chain.append(todo[i])
            i = back[i]
        chain.reverse()
        chains.append([(r.q0, r.q1, r.s0, r.s1) for r in chain])
        q0, q1 = chain[0].q0, chain[-1].q1
        todo = [r for r in todo if r.q1 <= q0 or r.q0 >= q1]
    return chains


boxes = st.lists(st.tuples(st.integers(0, 120), st.integers(1, 12), st.integers(0, 120)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(boxes, st.integers(0, 6), st.integers(0, 3))
def test_chains_are_the_plain_loops_chains(spec, gap, slack):
    runs = [A._Box(q0, q0 + n, s0, s0 + n, n) for q0, n, s0 in spec]
    got = [[(r.q0, r.q1, r.s0, r.s1) for r in chain] for chain in A._chains(runs, gap, slack)]
    assert got == _reference_chains(runs, gap, slack)
