"""Shingles, hashes and winnowing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import xxhash
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from attrib.core import hash64, normalise_text, shingle_hashes, shingles, tokenize, winnow
from attrib.errors import InputError

ROOT = Path(__file__).resolve().parents[2]

# Pinned so that an accidental change of the hashing scheme (encoding, seed handling,
# signedness, join) fails loudly: stored indexes depend on these values.
PINNED = {
    ("the quick brown fox jumps", 0): -8043380070934420984,
}


def test_pinned_hash():
    for (s, seed), value in PINNED.items():
        assert hash64(s, seed) == value


def test_hash64_is_signed_xxh3_of_utf8():
    for s in ["", "a", "caf\u00e9 \u201cquoted\u201d", "\U0001f44d" * 3]:
        for seed in (0, 1, 2**64 - 1):
            u = xxhash.xxh3_64_intdigest(s.encode("utf-8"), seed)
            h = hash64(s, seed)
            assert -(2**63) <= h < 2**63
            assert h % 2**64 == u


def test_shingle_hash_is_hash_of_joined_words():
    text = "Blinken \u201chighlighted the importance\u201d of capitalising on Israel\u2019s success"
    toks = tokenize(text)
    sh = shingles(toks, 4, 7)
    assert len(sh) == len(toks) - 3
    for i, s in enumerate(sh):
        assert s.index == i
        assert s.hash == hash64(" ".join(t.text for t in toks[i : i + 4]), 7)
        assert (s.start, s.end) == (toks[i].start, toks[i + 3].end)


def test_short_texts():
    assert shingles([], 5, 0) == []
    assert shingles(tokenize("   \n\t "), 5, 0) == []
    one = shingles(tokenize("  Hello  "), 5, 0)
    assert len(one) == 1 and one[0].hash == hash64("hello", 0)
    assert (one[0].start, one[0].end, one[0].index) == (2, 7, 0)
    three = shingles(tokenize("Hello big world"), 5, 0)
    assert len(three) == 1 and three[0].hash == hash64("hello big world", 0)
    assert (three[0].start, three[0].end) == (0, 15)


def test_seed_changes_hashes():
    toks = tokenize("one two three four five six seven")
    assert [s.hash for s in shingles(toks, 5, 0)] != [s.hash for s in shingles(toks, 5, 1)]


def test_bad_arguments():
    with pytest.raises(InputError):
        shingle_hashes(["a"], 0, 0)
    with pytest.raises(InputError):
        shingle_hashes(["a"], 5, -1)
    with pytest.raises(InputError):
        winnow([1, 2, 3], 0)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.integers(1, 8), st.integers(0, 2**64 - 1))
def test_shingle_spans_and_hashes(text, k, seed):
    toks = tokenize(text)
    sh = shingles(toks, k, seed)
    assert len(sh) == (0 if not toks else max(1, len(toks) - k + 1))
    for s in sh:
        assert 0 <= s.start < s.end <= len(text)
        words = [t.text for t in toks[s.index : s.index + k]]
        assert s.hash == hash64(" ".join(words), seed)
        # The span's own normalisation holds every word of the shingle, in order.
        norm = normalise_text(text[s.start : s.end])
        pos = 0
        for w in words:
            pos = norm.find(w, pos)
            assert pos >= 0
            pos += len(w)


def _stable_values() -> dict:
    texts = [
        "U.S. Secretary of State Antony Blinken has urged Israeli Prime Minister",
        "Stra\u00dfe &amp; caf\u00e9 \u201cquoted\u201d \u0130stanbul \ufb01sh",
    ]
    return {
        "hash64": [hash64(t, s) for t in texts for s in (0, 99)],
        "shingles": [[s.hash for s in shingles(tokenize(t), 3, 5)] for t in texts],
    }


def test_hashes_identical_in_fresh_process():
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.unit.test_core_shingles import _stable_values;"
        "print(json.dumps(_stable_values()))"
    )
    here = _stable_values()
    for hashseed in ("1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        out = subprocess.run(
            [sys.executable, "-c", code, str(ROOT)],
            env=env, capture_output=True, text=True, check=True, cwd=ROOT,
        )
        assert json.loads(out.stdout) == here


# --- winnowing ----------------------------------------------------------------------


def _reference_winnow(h, w):
    """Plain transcription of the robust rule, window by window."""
    n = len(h)
    if n == 0:
        return []
    if n <= w:
        m = min(h)
        return [max(i for i in range(n) if h[i] == m)]
    out = []
    sel = None
    for lo in range(n - w + 1):
        win = range(lo, lo + w)
        m = min(h[i] for i in win)
        if sel is not None and sel in win and h[sel] == m:
            continue
        sel = max(i for i in win if h[i] == m)
        out.append(sel)
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(-5, 5), max_size=60), st.integers(1, 8))
def test_winnow_matches_reference_with_ties(h, w):
    assert winnow(h, w) == _reference_winnow(h, w)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), unique=True, max_size=80), st.integers(1, 10))
def test_winnow_matches_reference_distinct(h, w):
    assert winnow(h, w) == _reference_winnow(h, w)


def test_winnow_density_near_two_over_w_plus_one():
    import random

    rng = random.Random(1)
    h = [rng.getrandbits(64) - 2**63 for _ in range(50_000)]
    for w in (4, 8):
        density = len(winnow(h, w)) / len(h)
        assert abs(density - 2 / (w + 1)) < 0.02


vocab = st.sampled_from([f"w{i}" for i in range(12)])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(vocab, max_size=30),
    st.lists(vocab, max_size=30),
    st.lists(vocab, min_size=1, max_size=30),
    st.lists(vocab, max_size=30),
    st.lists(vocab, max_size=30),
    st.integers(1, 6),
    st.integers(1, 6),
    st.integers(0, 3),
)
def test_winnowing_guarantee(pre_a, pre_b, shared, post_a, post_b, k, w, extra):
    """Two texts sharing a run of at least w + k - 1 tokens share a selected hash."""
    assume(len(shared) >= 1)
    run = (shared * ((w + k - 1 + extra) // len(shared) + 1))[: w + k - 1 + extra]
    a = pre_a + run + post_a
    b = pre_b + run + post_b
    ha = shingle_hashes(a, k, 0)
    hb = shingle_hashes(b, k, 0)
    sel_a = {ha[i] for i in winnow(ha, w)}
    sel_b = {hb[i] for i in winnow(hb, w)}
    assert sel_a & sel_b


def test_winnowing_guarantee_on_real_text():
    text = (ROOT.parent / "shared" / "examples" / "000_bab4808bdd29a8aa.txt").read_text()
    words = [t.text for t in tokenize(text)]
    k, w = 5, 4
    for start in range(0, len(words) - 8, 37):
        run = words[start : start + w + k - 1]
        other = ["filler"] * 7 + run + ["tail"] * 5
        h1 = shingle_hashes(words, k, 0)
        h2 = shingle_hashes(other, k, 0)
        assert {h1[i] for i in winnow(h1, w)} & {h2[i] for i in winnow(h2, w)}
