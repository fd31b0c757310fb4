"""Word shingles and their 64-bit hashes.

A shingle is ``k`` consecutive tokens. Its hash is xxh3_64 (seeded) of the ``k``
normalised token texts joined by one space, encoded as UTF-8, read as a SIGNED 64-bit
integer so that it fits an Elasticsearch ``long``. The hash depends on nothing but the
token texts and the seed: it is the same in every process and on every machine (Python's
``hash()`` is never used).

A text with at least one token but fewer than ``k`` tokens yields exactly ONE shingle made
of all its tokens (hashed the same way, with fewer words), so that a headline or a short
quote still has a fingerprint. It can only match an identical short text. A text without
tokens yields no shingle.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate, repeat
from typing import Sequence

import numpy as np
import xxhash

from attrib.errors import InputError

from .normalise import Token, build_instances

__all__ = [
    "Shingle",
    "build_shingles",
    "hash64",
    "shingle_hash_array",
    "shingle_hashes",
    "shingles",
    "to_signed64",
]

_xxh3 = xxhash.xxh3_64_intdigest
_TWO63 = 1 << 63
_TWO64 = 1 << 64
_ONE = 1


def to_signed64(u: int) -> int:
    """Read an unsigned 64-bit integer as two's-complement signed."""
    return u - _TWO64 if u >= _TWO63 else u


def hash64(s: str, seed: int) -> int:
    """xxh3_64 of ``s`` encoded as UTF-8, with ``seed``, as a signed 64-bit int."""
    u = _xxh3(s.encode("utf-8"), seed)
    return u - _TWO64 if u >= _TWO63 else u


@dataclass(frozen=True, slots=True)
class Shingle:
    """One shingle: ``hash`` (signed 64-bit), ``[start, end)`` its span in the original
    text (first token's start to last token's end, ``str`` indices) and ``index``, the
    token index of its first token."""

    hash: int
    start: int
    end: int
    index: int


def _check(k: int, seed: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"shingle size k must be a positive integer, got {k!r}", field="k")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < _TWO64:
        raise InputError(f"seed must be an integer in 0..2**64-1, got {seed!r}", field="seed")


def shingle_hash_array(words: Sequence[str], k: int, seed: int) -> np.ndarray:
    """Like :func:`shingle_hashes`, as an int64 numpy array."""
    _check(k, seed)
    n = len(words)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    if n <= k:
        return np.array([hash64(" ".join(words), seed)], dtype=np.int64)
    # Join and encode once, then hash slices of the buffer: one encode per text instead
    # of a join and an encode per shingle, and every loop below runs in C.
    joined = " ".join(words)
    buf = joined.encode("utf-8")
    if len(buf) == len(joined):
        lens = map(len, words)
    else:
        lens = (len(w.encode("utf-8")) for w in words)
    # offs[i] is where word i starts; shingle i ends one separator before offs[i + k].
    offs = list(accumulate(map(_ONE.__add__, lens), initial=0))
    m = n - k + 1
    ends = map(_ONE.__rsub__, offs[k:])
    # Slicing bytes (a small copy) measured faster than slicing a memoryview.
    it = map(_xxh3, map(buf.__getitem__, map(slice, offs[:m], ends)), repeat(seed))
    return np.fromiter(it, dtype=np.uint64, count=m).view(np.int64)


def shingle_hashes(words: Sequence[str], k: int, seed: int) -> list[int]:
    """Signed 64-bit hashes of the ``k``-word shingles of ``words`` (normalised token
    texts), with the short-text rule of the module docstring."""
    return shingle_hash_array(words, k, seed).tolist()


def build_shingles(
    hashes: Sequence[int], starts: Sequence[int], ends: Sequence[int], k: int
) -> list[Shingle]:
    """Shingle objects from shingle hashes and the token starts and ends."""
    m = len(hashes)
    if m == 0:
        return []
    if m == 1 and len(starts) <= k:
        return [Shingle(hashes[0], starts[0], ends[-1], 0)]
    return build_instances(
        Shingle, m, {"hash": hashes, "start": starts, "end": ends[k - 1 :], "index": range(m)}
    )


def shingles(tokens: Sequence[Token], k: int, seed: int) -> list[Shingle]:
    """Shingles of ``tokens`` in order (see the module docstring for the hash and for
    texts with fewer than ``k`` tokens)."""
    hashes = shingle_hashes([t.text for t in tokens], k, seed)
    return build_shingles(hashes, [t.start for t in tokens], [t.end for t in tokens], k)
