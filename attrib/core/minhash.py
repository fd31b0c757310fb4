"""MinHash signatures, LSH band keys and SimHash over shingle hashes.

MinHash family: ``h_i(x) = (a_i * x + b_i) mod p`` with the Mersenne prime
``p = 2**61 - 1``, ``1 <= a_i < p``, ``0 <= b_i < p``. The 64-bit input (a shingle
hash, already uniform since it comes from xxh3) is reduced to 32 bits ``x`` by xor-ing
its halves. ``a_i`` is drawn with bits 29..31 zero, i.e. ``a_i = h * 2**32 + l`` with
``h, l < 2**29``, so both partial products ``h * x`` and ``l * x`` are below ``2**61``
and sum without overflow; the reduction mod ``p`` is then one shift-and-add fold
(``2**61 = 1 (mod p)``) and a branch-free canonical step, all vectorised over a
``permutations x n`` array. The result is the exact residue.

Why these choices (measured): full 61-bit inputs need four partial products instead of
two; a uniform 61-bit ``a_i`` needs an extra fold (three more array passes); 32-bit
inputs collide with probability ``2**-32`` per pair of distinct shingles, which does not
move a Jaccard estimate. Restricting ``a_i`` to 32 bits would save more work but inflated
the estimator's standard deviation by a fifth (``a * x`` then wraps round ``p`` at most
eight times, so the permutations are correlated); dropping three bits of ``a_i`` does
not (see ``tests/unit/test_core_minhash.py``). The coefficients come from
xxh3 of a fixed label and the permutation number, seeded with the fingerprint seed: the
same on every machine.

Every signature value is below ``2**61``, so a signature can be stored as Elasticsearch
``long`` values as it is. The signature of an EMPTY set is all :data:`EMPTY` (``p``,
larger than any real value); it has no band keys, so empty texts never become LSH
candidates of each other, and :func:`jaccard` of an empty signature with anything is 0.

LSH: ``bands`` bands of ``rows = permutations // bands`` values each; two sets with
Jaccard similarity ``s`` share at least one band key with probability
``1 - (1 - s**rows)**bands``.
"""

from __future__ import annotations

import sys
import threading
from functools import lru_cache
from typing import Sequence

import numpy as np
import xxhash

from attrib.errors import InputError, ParameterMismatchError

__all__ = ["MERSENNE", "EMPTY", "minhash", "lsh_bands", "jaccard", "simhash", "hamming"]

MERSENNE = (1 << 61) - 1
#: Value of every slot of the signature of an empty set.
EMPTY = MERSENNE

_P = np.uint64(MERSENNE)
_LO32 = np.uint64(0xFFFFFFFF)
_LO29 = np.uint64((1 << 29) - 1)
_U29 = np.uint64(29)
_U32 = np.uint64(32)
_U61 = np.uint64(61)
_MAX_PERMUTATIONS = 4096
# Elements (shingles x permutations) per vectorised block and per scratch buffer.
_BLOCK_ELEMENTS = 1 << 16
_local = threading.local()


def _check_positive(name: str, value: object, limit: int = _MAX_PERMUTATIONS) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise InputError(f"{name} must be an integer in 1..{limit}, got {value!r}", field=name)


@lru_cache(maxsize=8)
def _coefficients(permutations: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a >> 32, a & (2**32 - 1), b), each tiled to a read-only (block, permutations)
    uint64 array (every row the same), with 1 <= a < p, both halves of a below 2**29,
    and 0 <= b < p.

    Tiled rows make every array operation below a contiguous same-shape one; broadcasting
    a (permutations, 1) column against the shingles cost about twice as much per
    operation.
    """
    a = np.empty(permutations, dtype=np.uint64)
    b = np.empty(permutations, dtype=np.uint64)
    for i in range(permutations):
        # Bits 29..31 of a are zero (see the module docstring); a is never 0.
        r = xxhash.xxh3_64_intdigest(b"attrib-minhash-a:%d" % i, seed)
        a[i] = (((r >> 32) & 0x1FFFFFFF) << 32) | ((r & 0x1FFFFFFF) or 1)
        b[i] = xxhash.xxh3_64_intdigest(b"attrib-minhash-b:%d" % i, seed) % MERSENNE
    block = _block(permutations)
    out = []
    for row in (a >> _U32, a & _LO32, b):
        tiled = np.tile(row, (block, 1))
        tiled.flags.writeable = False
        out.append(tiled)
    return out[0], out[1], out[2]


def _block(permutations: int) -> int:
    """Shingles per vectorised block: bounds memory for huge texts while keeping per-call
    overhead small for articles (512 shingles at 128 permutations)."""
    return max(16, _BLOCK_ELEMENTS // permutations)


def _as_uint64(hashes: Sequence[int] | np.ndarray) -> np.ndarray:
    if isinstance(hashes, np.ndarray):
        if hashes.dtype == np.uint64:
            return hashes.ravel()
        if hashes.dtype == np.int64:
            return hashes.ravel().view(np.uint64)
        if hashes.size == 0:
            return np.empty(0, dtype=np.uint64)
        raise InputError(f"hashes must be int64 or uint64, got {hashes.dtype}")
    try:
        return np.asarray(hashes, dtype=np.int64).view(np.uint64)
    except OverflowError:
        # Unsigned values at or above 2**63 given as Python ints.
        return np.asarray([h & 0xFFFFFFFFFFFFFFFF for h in hashes], dtype=np.uint64)


def minhash(hashes: Sequence[int] | np.ndarray, permutations: int, seed: int) -> np.ndarray:
    """MinHash signature (uint64, length ``permutations``) of the SET of ``hashes``
    (signed or unsigned 64-bit shingle hashes; duplicates do not matter)."""
    _check_positive("permutations", permutations)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 1 << 64:
        raise InputError(f"seed must be an integer in 0..2**64-1, got {seed!r}", field="seed")
    x = _as_uint64(hashes)
    if x.size == 0:
        return np.full(permutations, EMPTY, dtype=np.uint64)
    # Reduce each 64-bit input to 32 bits (xor of its halves, uniform since the inputs
    # are xxh3 values) so that the products below are exact in uint64.
    x = (x >> _U32) ^ (x & _LO32)
    block = _block(permutations)
    n = x.size
    if n <= block:
        return _min_hash_block(x, permutations, seed)
    out = _min_hash_block(x[:block], permutations, seed)
    for i in range(block, n, block):
        np.minimum(out, _min_hash_block(x[i : i + block], permutations, seed), out=out)
    return out


def _views(permutations: int, seed: int, n: int) -> tuple[np.ndarray, ...]:
    """(v, t, hi, a_hi, a_lo, b) for a block of ``n`` shingles: three (n, permutations)
    views of per-thread scratch buffers and the matching rows of the tiled coefficients.

    Fresh temporaries of this size come from mmap and page-fault on every call; reusing
    buffers halved the time of :func:`minhash` on news articles. The views are cached per
    block size, which saves a dozen numpy calls per article.
    """
    cache = getattr(_local, "views", None)
    if cache is None or len(cache) > 4096:
        cache = _local.views = {}
        if getattr(_local, "bufs", None) is None:
            _local.bufs = np.empty((3, _BLOCK_ELEMENTS), dtype=np.uint64)
    key = (permutations, seed, n)
    views = cache.get(key)
    if views is None:
        bufs = _local.bufs
        m = n * permutations
        a_hi, a_lo, b = _coefficients(permutations, seed)
        views = cache[key] = (
            bufs[0, :m].reshape(n, permutations),
            bufs[1, :m].reshape(n, permutations),
            bufs[2, :m].reshape(n, permutations),
            a_hi[:n],
            a_lo[:n],
            b[:n],
        )
    return views


def _min_hash_block(x: np.ndarray, permutations: int, seed: int) -> np.ndarray:
    """Per permutation, min over the 32-bit inputs ``x`` of ``(a * x + b) mod p``."""
    v, t, hi, a_hi, a_lo, b = _views(permutations, seed, x.size)
    xc = x[:, None]
    # a * x = a_hi * x * 2**32 + a_lo * x, both products below 2**61.
    np.multiply(a_lo, xc, out=v)
    v += b
    # (a_hi * x) * 2**32 = (hi >> 29) * 2**61 + (hi & (2**29 - 1)) * 2**32, and 2**61 = 1.
    np.multiply(a_hi, xc, out=hi)
    np.right_shift(hi, _U29, out=t)
    v += t
    hi <<= _U32
    hi &= _P
    v += hi
    # v < 2**62 + 2**61 + 2**32 now; one fold leaves it below p + 4.
    np.right_shift(v, _U61, out=t)
    v &= _P
    v += t
    # Canonical residue: v - p wraps round to a huge value unless v >= p.
    np.subtract(v, _P, out=t)
    np.minimum(v, t, out=v)
    return v.min(axis=0)


def lsh_bands(signature: np.ndarray, bands: int) -> list[str]:
    """One key per band: ``f"{band}:{xxh3_64 hex of the band's little-endian bytes}"``.

    The signature of an empty set has no keys.
    """
    sig = np.asarray(signature)
    _check_positive("bands", bands, max(1, sig.size))
    if sig.size % bands:
        raise InputError(
            f"signature length {sig.size} is not a multiple of bands ({bands})", field="bands"
        )
    sig = sig.astype("<u8", copy=False)
    if bool((sig == EMPTY).all()):
        return []
    return band_keys(sig, bands)


def band_keys(signature: np.ndarray, bands: int) -> list[str]:
    """:func:`lsh_bands` without argument checks, for a non-empty uint64 signature whose
    length is a multiple of ``bands``."""
    raw = (signature if _LITTLE else signature.astype("<u8")).tobytes()
    prefixes, slices = _band_layout(bands, signature.size)
    return list(map(str.__add__, prefixes, map(_HEX, map(raw.__getitem__, slices))))


_HEX = xxhash.xxh3_64_hexdigest
_LITTLE = sys.byteorder == "little"


@lru_cache(maxsize=16)
def _band_layout(bands: int, size: int) -> tuple[tuple[str, ...], tuple[slice, ...]]:
    """Key prefixes ``"{band}:"`` and byte slices of each band."""
    step = size // bands * 8
    prefixes = tuple(f"{i}:" for i in range(bands))
    return prefixes, tuple(slice(i * step, (i + 1) * step) for i in range(bands))


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the fraction of equal slots. 0.0 when either
    signature is empty. Signatures of different lengths raise
    :class:`ParameterMismatchError`."""
    a = np.asarray(sig_a)
    b = np.asarray(sig_b)
    if a.shape != b.shape:
        raise ParameterMismatchError(
            {"permutations": a.size}, {"permutations": b.size}, where="MinHash signatures"
        )
    if a.size == 0 or bool((a == EMPTY).all()) or bool((b == EMPTY).all()):
        return 0.0
    return float(np.count_nonzero(a == b)) / a.size



def simhash(hashes: Sequence[int] | np.ndarray) -> int:
    """64-bit SimHash (Charikar) of the shingle hashes, as a signed int64.

    Bit ``i`` is set when more than half of the hashes have bit ``i`` set (each hash
    counted as often as it occurs). No hashes give 0.
    """
    x = _as_uint64(hashes)
    n = x.size
    if n == 0:
        return 0
    if not _LITTLE:
        x = x.astype("<u8")
    bits = np.unpackbits(x.view(np.uint8).reshape(n, 8), axis=1, bitorder="little")
    # counts > n // 2 is counts * 2 > n for integers.
    packed = np.packbits(bits.sum(axis=0, dtype=np.int64) > n >> 1, bitorder="little")
    u = int.from_bytes(packed.tobytes(), "little")
    return u - (1 << 64) if u >= 1 << 63 else u


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two 64-bit values (signed or unsigned)."""
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()
