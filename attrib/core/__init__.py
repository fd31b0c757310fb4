"""The pure fingerprint core of attrib: normalisation, tokens, shingles, winnowing,
MinHash/LSH and SimHash, sentences.

Imports only the standard library, numpy, xxhash, nltk and :mod:`attrib.errors`; no I/O.
All spans are half-open ``str`` indices into the original text.

:func:`sentences` is importable from here but loads nltk and its shipped parameters only
when first called (importing nltk takes about a second).
"""

from .fingerprint import Fingerprint, fingerprint
from .minhash import EMPTY, MERSENNE, hamming, jaccard, lsh_bands, minhash, simhash
from .normalise import Normalised, Token, normalise, normalise_text, tokenize
from .params import SCHEME_VERSION, FingerprintParams
from .shingles import Shingle, hash64, shingle_hashes, shingles, to_signed64
from .sentences import sentences
from .winnow import winnow

__all__ = [
    "EMPTY",
    "MERSENNE",
    "SCHEME_VERSION",
    "Fingerprint",
    "FingerprintParams",
    "Normalised",
    "Shingle",
    "Token",
    "fingerprint",
    "hamming",
    "hash64",
    "jaccard",
    "lsh_bands",
    "minhash",
    "normalise",
    "normalise_text",
    "shingle_hashes",
    "shingles",
    "sentences",
    "simhash",
    "to_signed64",
    "tokenize",
    "winnow",
]
