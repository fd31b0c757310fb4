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
from typing import Sequence

import numpy as np
import xxhash

from attrib.errors import InputError

from .normalise import Token

__all__ = ["Shingle", "hash64", "shingles", "shingle_hashes", "to_signed64"]

_xxh3 = xxhash.xxh3_64_intdigest
_TWO63 = 1 << 63
_TWO64 = 1 << 64


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


def shingle_hashes(words: Sequence[str], k: int, seed: int) -> list[int]:
    """Signed 64-bit hashes of the ``k``-word shingles of ``words`` (normalised token
    texts), with the short-text rule of the module docstring."""
    _check(k, seed)
    n = len(words)
    if n == 0:
        return []
    if n <= k:
        return [hash64(" ".join(words), seed)]
    # Join once and hash slices of the encoded buffer: one encode per text instead of one
    # join and one encode per shingle.
    buf = " ".join(words).encode("utf-8")
    offs = [0] * (n + 1)
    pos = 0
    for i, w in enumerate(words):
        pos += (len(w) if w.isascii() else len(w.encode("utf-8"))) + 1
        offs[i + 1] = pos
    # offs[i] is where word i starts; a shingle ends one separator before offs[i + k].
    mv = memoryview(buf)
    unsigned = [_xxh3(mv[offs[i] : offs[i + k] - 1], seed) for i in range(n - k + 1)]
    return np.array(unsigned, dtype=np.uint64).view(np.int64).tolist()


def shingles(tokens: Sequence[Token], k: int, seed: int) -> list[Shingle]:
    """Shingles of ``tokens`` in order (see the module docstring for the hash and for
    texts with fewer than ``k`` tokens)."""
    words = [t.text for t in tokens]
    hashes = shingle_hashes(words, k, seed)
    if len(hashes) == 1 and len(tokens) <= k:
        return [Shingle(hashes[0], tokens[0].start, tokens[-1].end, 0)]
    return [
        Shingle(h, tokens[i].start, tokens[i + k - 1].end, i) for i, h in enumerate(hashes)
    ]
