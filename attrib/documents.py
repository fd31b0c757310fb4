"""From an article to the document a store keeps: the fingerprint stage of the pipeline.

``prepare`` is pure: it fingerprints the article's text with the store's parameters and
keeps what retrieval needs (the winnowed shingle hashes, the MinHash band keys, the
SimHash) and the article's direct quotes for provenance look-ups. Stores persist a
:class:`Document`; they never fingerprint on their own, so both stores see exactly the
same fingerprints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

import xxhash

from attrib.article import Article
from attrib.core import FingerprintParams, hash64
from attrib.core.fingerprint import text_hashes
from attrib.core.quotes import Quote, extract_quotes, quote_key, with_interview_credit
from attrib.core.pairs import content_pairs

_MASK64 = (1 << 64) - 1
QUOTE_GRAM = 3
"""Quotes are looked up by the word 3-grams of their normalised key, so a quote that was
trimmed or lightly reworded still shares most of its grams with the original."""


def hash_term(value: int) -> str:
    """The keyword form of a signed 64-bit hash: 16 lowercase hex digits."""
    return f"{value & _MASK64:016x}"


def hash_terms(values: Sequence[int]) -> str:
    """The keyword forms of ``values`` (:func:`hash_term`), separated by single spaces."""
    return np.asarray(values, dtype=np.int64).astype(">i8").tobytes().hex(" ", 8)


def text_hash(text: str) -> str:
    """A digest of an article's text (xxh3-128, 32 hex digits): stores compare it to tell a
    re-sent article (same text) from a corrected one or another article under the same id."""
    return xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))


def quote_grams(text: str, seed: int = 0) -> tuple[int, ...]:
    """Distinct hashes of the word 3-grams of a quote's normalised key (one hash for shorter quotes)."""
    words = quote_key(text).split()
    if not words:
        return ()
    if len(words) < QUOTE_GRAM:
        return (hash64(" ".join(words), seed),)
    return tuple(dict.fromkeys(hash64(" ".join(words[i : i + QUOTE_GRAM]), seed) for i in range(len(words) - QUOTE_GRAM + 1)))


@dataclass(frozen=True)
class StoredQuote:
    """A direct quote as a store keeps it: span in the article, what the article says of it."""

    text: str
    start: int
    end: int
    speaker: str | None
    cue: str | None
    credited_outlet: str | None
    interview: bool
    grams: tuple[int, ...] = field(repr=False, default=())

    @property
    def key(self) -> str:
        return quote_key(self.text)

    @classmethod
    def from_quote(cls, quote: Quote, seed: int = 0) -> "StoredQuote":
        return cls(
            text=quote.text,
            start=quote.start,
            end=quote.end,
            speaker=quote.speaker,
            cue=quote.cue,
            credited_outlet=quote.outlet,
            interview=quote.interview,
            grams=quote_grams(quote.text, seed),
        )


@dataclass(frozen=True)
class Document:
    """An article with its fingerprints and quotes, ready to be stored."""

    article: Article
    params: FingerprintParams
    fingerprints: tuple[int, ...] = field(repr=False)
    """Distinct winnowed shingle hashes, in order of first occurrence."""
    bands: tuple[str, ...] = field(repr=False)
    pairs: tuple[int, ...] = field(default=(), repr=False)
    """Content-word pair hashes, with repeats (see :mod:`attrib.core.pairs`)."""
    simhash: int = 0
    shingle_count: int = 0
    quotes: tuple[StoredQuote, ...] = ()
    words: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    """The article's token texts when :func:`prepare` was asked to keep them (None: not kept)."""

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def text_hash(self) -> str:
        return text_hash(self.article.text)

    @property
    def terms(self) -> list[str]:
        return [hash_term(h) for h in self.fingerprints]


def prepare(article: Article, params: FingerprintParams, *, quotes: bool = True, words: bool = False) -> Document:
    """The document a store keeps for ``article``. ``quotes=False`` leaves the quotes out
    (a query needs none); ``words=True`` keeps the token texts on it for retrieval's
    second stage (:attr:`Document.words`), so that the query is tokenised once."""
    fp = text_hashes(article.text, params)
    found = with_interview_credit(extract_quotes(article.text, fragments="all"), article.text) if quotes else []
    return Document(
        article=article,
        params=params,
        fingerprints=tuple(dict.fromkeys(fp.hashes)),
        bands=tuple(fp.bands),
        pairs=tuple(content_pairs(article.text, params.pairs, params.seed)),
        simhash=int(fp.simhash),
        shingle_count=fp.shingle_count,
        quotes=tuple(StoredQuote.from_quote(q, params.seed) for q in found),
        words=tuple(fp.words) if words else None,
    )
