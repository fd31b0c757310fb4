"""MinHash, LSH bands, SimHash."""

from __future__ import annotations

import random

import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from attrib.core import EMPTY, MERSENNE, hamming, jaccard, lsh_bands, minhash, simhash
from attrib.core.minhash import _coefficients
from attrib.errors import InputError, ParameterMismatchError

int64s = st.integers(-(2**63), 2**63 - 1)


def reference_minhash(hashes, permutations, seed):
    """Big-integer transcription of the documented family."""
    a_hi, a_lo, b = _coefficients(permutations, seed)
    out = []
    for i in range(permutations):
        a = (int(a_hi[0, i]) << 32) | int(a_lo[0, i])
        assert 1 <= a < MERSENNE and 0 <= int(b[0, i]) < MERSENNE
        assert int(a_hi[0, i]) < 2**29 and int(a_lo[0, i]) < 2**29
        vals = []
        for h in hashes:
            u = h % 2**64
            x = (u >> 32) ^ (u & 0xFFFFFFFF)
            vals.append((a * x + int(b[0, i])) % MERSENNE)
        out.append(min(vals))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(int64s, min_size=1, max_size=40), st.integers(0, 2**64 - 1))
def test_minhash_is_exact(hashes, seed):
    sig = minhash(hashes, 16, seed)
    assert sig.dtype == np.uint64 and sig.shape == (16,)
    assert sig.tolist() == reference_minhash(hashes, 16, seed)


def test_minhash_exact_across_blocks():
    rng = random.Random(3)
    hashes = [rng.getrandbits(64) - 2**63 for _ in range(1300)]
    # 128 permutations work in blocks of 512 shingles: three blocks here.
    assert minhash(hashes, 128, 1).tolist() == reference_minhash(hashes, 128, 1)
    # 4096 permutations: blocks of 16.
    assert minhash(hashes[:40], 4096, 2).tolist() == reference_minhash(hashes[:40], 4096, 2)


def test_minhash_is_a_set_function():
    rng = random.Random(5)
    hashes = [rng.getrandbits(64) - 2**63 for _ in range(300)]
    shuffled = hashes[::-1] + hashes[:50]
    assert np.array_equal(minhash(hashes, 64, 0), minhash(shuffled, 64, 0))
    as_unsigned = [h % 2**64 for h in hashes]
    assert np.array_equal(minhash(hashes, 64, 0), minhash(as_unsigned, 64, 0))
    assert np.array_equal(
        minhash(hashes, 64, 0), minhash(np.array(hashes, dtype=np.int64), 64, 0)
    )


def test_signature_values_fit_a_signed_long():
    sig = minhash(list(range(-1000, 1000)), 128, 0)
    assert int(sig.max()) < 2**61


def test_empty_signature():
    sig = minhash([], 32, 0)
    assert sig.tolist() == [EMPTY] * 32
    assert lsh_bands(sig, 8) == []
    assert jaccard(sig, sig) == 0.0
    assert jaccard(sig, minhash([1, 2], 32, 0)) == 0.0
    assert simhash([]) == 0


def test_jaccard_estimate_is_unbiased_and_tight():
    rng = np.random.default_rng(11)
    errors = []
    for trial in range(200):
        base = rng.integers(-(2**63), 2**63 - 1, size=400, dtype=np.int64)
        a, b = base[:300], base[100:]  # true Jaccard 200 / 400
        errors.append(jaccard(minhash(a, 128, trial), minhash(b, 128, trial)) - 0.5)
    assert abs(np.mean(errors)) < 0.02
    # Binomial standard deviation sqrt(J (1 - J) / 128) = 0.044; correlated permutations
    # (32-bit multipliers gave 0.053) would show here.
    assert np.std(errors) < 0.049


def test_jaccard_extremes_and_mismatch():
    a = minhash(list(range(100)), 64, 0)
    assert jaccard(a, a) == 1.0
    assert jaccard(a, minhash(list(range(1000, 1100)), 64, 0)) < 0.1
    with pytest.raises(ParameterMismatchError):
        jaccard(a, minhash(list(range(100)), 32, 0))


def test_seed_changes_signature():
    assert not np.array_equal(minhash([1, 2, 3], 32, 0), minhash([1, 2, 3], 32, 1))


def test_bands():
    sig = minhash(list(range(50)), 128, 0)
    keys = lsh_bands(sig, 32)
    assert len(keys) == 32
    for i, key in enumerate(keys):
        band, digest = key.split(":")
        assert int(band) == i
        raw = sig[i * 4 : (i + 1) * 4].astype("<u8").tobytes()
        assert digest == xxhash.xxh3_64_hexdigest(raw)
    other = sig.copy()
    other[5] += 1  # band 1 changes, the others stay
    diff = [i for i, (x, y) in enumerate(zip(keys, lsh_bands(other, 32))) if x != y]
    assert diff == [1]
    with pytest.raises(InputError):
        lsh_bands(sig, 48)
    with pytest.raises(InputError):
        lsh_bands(sig, 0)


def test_lsh_finds_similar_sets_and_skips_dissimilar():
    rng = np.random.default_rng(2)
    hits_similar = hits_far = 0
    for trial in range(40):
        base = rng.integers(-(2**63), 2**63 - 1, size=1000, dtype=np.int64)
        a = base[:900]
        near = base[100:]  # Jaccard 0.8
        far = np.concatenate([base[:100], rng.integers(-(2**63), 2**63 - 1, 800, dtype=np.int64)])
        ka = set(lsh_bands(minhash(a, 128, 0), 32))
        hits_similar += bool(ka & set(lsh_bands(minhash(near, 128, 0), 32)))
        hits_far += bool(ka & set(lsh_bands(minhash(far, 128, 0), 32)))  # Jaccard ~0.06
    assert hits_similar == 40
    assert hits_far <= 2


def test_simhash():
    assert simhash([12345]) == 12345
    assert simhash([-1]) == -1
    assert simhash([0b1011, 0b0011, 0b1000]) == 0b1011
    rng = random.Random(4)
    hashes = [rng.getrandbits(64) - 2**63 for _ in range(400)]
    edited = hashes[:380] + [rng.getrandbits(64) - 2**63 for _ in range(20)]
    unrelated = [rng.getrandbits(64) - 2**63 for _ in range(400)]
    assert hamming(simhash(hashes), simhash(edited)) < hamming(simhash(hashes), simhash(unrelated))
    assert hamming(simhash(hashes), simhash(unrelated)) > 15
    assert -(2**63) <= simhash(hashes) < 2**63


@given(int64s, int64s)
def test_hamming(a, b):
    d = hamming(a, b)
    assert d == hamming(b, a)
    assert 0 <= d <= 64
    assert d == bin((a ^ b) % 2**64).count("1")
    assert hamming(a, a) == 0
    assert hamming(a, a % 2**64) == 0
