"""Content-word terms: the retrieval evidence that survives rewriting.

Exact shingles find copy-paste and light edits; a summary or a text sent through machine
translation and back keeps few word 5-grams but most of its rare content words (names,
places, technical nouns). A content word is a token that is not a stop word, stemmed
(Snowball English), exactly as alignment's fuzzy pass sees it; numbers and codes are
kept as written. Each distinct content word is hashed like a shingle (xxh3, the
fingerprint seed), so stores keep and match it the same way, scored by its IDF.

Pure: no I/O (the stop-word list is package data read once).
"""

from __future__ import annotations

from typing import Sequence

from .align import _stem
from .shingles import hash64

__all__ = ["content_words", "word_terms"]


def content_words(words: Sequence[str]) -> list[str]:
    """The stems of the content words among normalised token texts, in order."""
    return [s for s in map(_stem, words) if s]


def word_terms(words: Sequence[str], n: int = 1, seed: int = 0) -> tuple[int, ...]:
    """Distinct hashes (signed 64-bit) of the content-word ``n``-grams of ``words`` (runs of
    ``n`` consecutive content words; ``n == 0`` gives none), in order of first occurrence.
    ``words`` are normalised token texts (:func:`attrib.core.normalise.token_columns`)."""
    if n <= 0:
        return ()
    stems = content_words(words)
    grams = (" ".join(stems[i : i + n]) for i in range(len(stems) - n + 1))
    # The "w" prefix keeps a one-word term from ever equalling a short text's shingle hash.
    return tuple(dict.fromkeys(hash64("w " + g, seed) for g in grams))
