"""The whole fingerprint of one text: tokens, shingles, winnowed selection, MinHash
signature with LSH band keys, and SimHash."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from attrib.errors import InputError

from .minhash import band_keys, minhash, simhash
from .normalise import Token, build_instances, token_columns, token_texts
from .params import FingerprintParams
from .shingles import Shingle, build_shingles, shingle_hash_array
from .winnow import winnow

__all__ = ["Fingerprint", "TextHashes", "fingerprint", "text_hashes"]

_DEFAULT_PARAMS = FingerprintParams()


@dataclass(frozen=True)
class Fingerprint:
    """Fingerprint of one text, made with ``params``.

    ``tokens`` and ``shingles`` carry spans into the original text; ``selected`` are the
    indices into ``shingles`` chosen by winnowing; ``minhash`` is the MinHash signature of
    the set of ALL shingle hashes (uint64, every value below 2**61), ``bands`` its LSH
    keys, ``simhash`` a signed 64-bit SimHash of all shingle hashes. An empty text has
    no tokens, shingles, selection or bands, an all-``EMPTY`` signature and SimHash 0.
    """

    params: FingerprintParams
    tokens: list[Token]
    shingles: list[Shingle]
    selected: list[int]
    minhash: np.ndarray = field(repr=False)
    bands: list[str] = field(repr=False)
    simhash: int

    def hashes(self) -> list[int]:
        """The winnowed shingle hashes (signed 64-bit), in text order."""
        sh = self.shingles
        return [sh[i].hash for i in self.selected]

    def compatible(self, other: Fingerprint) -> None:
        """Raise :class:`ParameterMismatchError` unless ``other`` was made with the same
        parameters."""
        self.params.check_compatible(getattr(other, "params", other), where="fingerprints")

    @property
    def is_empty(self) -> bool:
        return not self.shingles

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            return NotImplemented
        return (
            self.params == other.params
            and self.simhash == other.simhash
            and self.selected == other.selected
            and self.shingles == other.shingles
            and self.tokens == other.tokens
            and self.bands == other.bands
            and np.array_equal(self.minhash, other.minhash)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # Articles have hundreds of tokens; show counts, not contents.
        return (
            f"Fingerprint(params={self.params!r}, tokens={len(self.tokens)}, "
            f"shingles={len(self.shingles)}, selected={len(self.selected)}, "
            f"simhash={self.simhash})"
        )


@dataclass(frozen=True)
class TextHashes:
    """What a store needs of a text's fingerprint, without spans: :func:`fingerprint`'s
    winnowed hashes, band keys, SimHash and shingle count, and the token texts.

    Retrieval and indexing never look at a token's or a shingle's place in the text, and
    building a :class:`Token` and a :class:`Shingle` object per word cost about a third
    of fingerprinting a query.
    """

    words: list[str] = field(repr=False)
    """The normalised token texts, in order (:func:`~attrib.core.normalise.token_texts`)."""
    hashes: list[int] = field(repr=False)
    """The winnowed shingle hashes (signed 64-bit), in text order: ``Fingerprint.hashes()``."""
    bands: list[str] = field(repr=False)
    simhash: int
    shingle_count: int


def text_hashes(text: str, params: FingerprintParams = _DEFAULT_PARAMS) -> TextHashes:
    """The parts of ``fingerprint(text, params)`` a store keeps, the same values, made
    without spans (see :class:`TextHashes`)."""
    if not isinstance(params, FingerprintParams):
        raise InputError(f"params must be FingerprintParams, got {type(params).__name__}")
    words = token_texts(text)
    arr = shingle_hash_array(words, params.k, params.seed)
    if not arr.size:
        return TextHashes(words=words, hashes=[], bands=[], simhash=0, shingle_count=0)
    selected = winnow(arr, params.window)
    signature = minhash(arr, params.permutations, params.seed)
    return TextHashes(
        words=words,
        hashes=arr[selected].tolist(),
        bands=band_keys(signature, params.bands),
        simhash=simhash(arr),
        shingle_count=int(arr.size),
    )


def fingerprint(text: str, params: FingerprintParams = _DEFAULT_PARAMS) -> Fingerprint:
    """Fingerprint ``text``: normalise and tokenize, shingle, winnow, MinHash, LSH band
    keys, SimHash. Empty or whitespace-only text gives an empty fingerprint; whether that
    is an error is the caller's decision. A non-``str`` raises :class:`InputError`."""
    if not isinstance(params, FingerprintParams):
        raise InputError(f"params must be FingerprintParams, got {type(params).__name__}")
    texts, starts, ends = token_columns(text)
    tokens = build_instances(Token, len(texts), {"text": texts, "start": starts, "end": ends})
    arr = shingle_hash_array(texts, params.k, params.seed)
    hashes = arr.tolist()
    signature = minhash(arr, params.permutations, params.seed)
    return Fingerprint(
        params=params,
        tokens=tokens,
        shingles=build_shingles(hashes, starts, ends, params.k),
        selected=winnow(arr, params.window),
        minhash=signature,
        bands=band_keys(signature, params.bands) if hashes else [],
        simhash=simhash(arr),
    )
