"""Content words: the shipped English stop words and Snowball stems.

Shared by the fuzzy stage of alignment (:mod:`attrib.core.align`) and the content-word
pair fingerprints (:mod:`attrib.core.pairs`), so both read a text's content the same way.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["content_stem", "stopwords"]


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The English stop words shipped in ``attrib/core/data/stopwords_en.txt``."""
    text = resources.files("attrib.core.data").joinpath("stopwords_en.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


_stemmer = None
_stems: dict[str, str | None] = {}


def content_stem(word: str) -> str | None:
    """The stem of a content word, or None for stop words and tokens without letters."""
    try:
        return _stems[word]
    except KeyError:
        pass
    global _stemmer
    if _stemmer is None:
        from nltk.stem.snowball import EnglishStemmer

        _stemmer = EnglishStemmer()
    base = word.replace("\u2019", "'")
    head = base.split("'", 1)[0]
    if base in stopwords() or head in stopwords() or not any(c.isalnum() for c in base):
        result = None
    elif any(c.isdigit() for c in base):
        result = base  # numbers and codes are matched as written
    else:
        result = _stemmer.stem(head if base.endswith(("'s", "'")) else base)
    if len(_stems) < 500_000:  # bound the cache in long-running processes
        _stems[word] = result
    return result
