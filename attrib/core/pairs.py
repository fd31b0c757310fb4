"""Content-word pair fingerprints: what survives a rewrite that breaks word 5-grams.

Every unordered pair of content words (stop words dropped, Snowball stems, see
:mod:`attrib.core.terms`) at most ``window`` content words apart, hashed with xxh3.
Shuffled, inserted and replaced words, translation round trips and summaries destroy
most 5-grams of a passage but keep many of these pairs ("central bank" / "bank
central", "rate cut" across an inserted adverb). Retrieval scores them with BM25 and
length normalisation: long documents share many pairs with any long query by chance,
so a pair field is only useful with norms (docs/BENCHMARKS.md, "The next signal").
"""

from __future__ import annotations

from attrib.core.normalise import token_columns
from attrib.core.shingles import hash64
from attrib.core.terms import content_stem
from attrib.errors import InputError

__all__ = ["content_pairs"]

_SEP = "\x1f"


def content_pairs(text: str, window: int, seed: int = 0) -> list[int]:
    """Signed 64-bit hashes of the content-word pairs of ``text``, with repeats (a pair
    that occurs twice is listed twice, for term frequencies). ``window`` 0 gives none."""
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__}")
    if window < 0:
        raise InputError(f"window must be >= 0, got {window}", field="window")
    if window == 0:
        return []
    stems = [s for s in map(content_stem, token_columns(text)[0]) if s is not None]
    out: list[int] = []
    for i, a in enumerate(stems):
        for b in stems[i + 1 : i + 1 + window]:
            out.append(hash64(a + _SEP + b if a <= b else b + _SEP + a, seed))
    return out
