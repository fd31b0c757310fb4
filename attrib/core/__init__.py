"""The pure fingerprint core of attrib: normalisation, tokens, shingles, winnowing.

Imports only the standard library, numpy, xxhash, nltk and :mod:`attrib.errors`; no I/O.
All spans are half-open ``str`` indices into the original text.
"""

from .normalise import Normalised, Token, normalise, normalise_text, tokenize
from .params import SCHEME_VERSION, FingerprintParams
from .shingles import Shingle, hash64, shingle_hashes, shingles, to_signed64
from .winnow import winnow

__all__ = [
    "SCHEME_VERSION",
    "FingerprintParams",
    "Normalised",
    "Shingle",
    "Token",
    "hash64",
    "normalise",
    "normalise_text",
    "shingle_hashes",
    "shingles",
    "to_signed64",
    "tokenize",
    "winnow",
]
