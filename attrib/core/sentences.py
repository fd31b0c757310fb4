"""Sentence spans for news text, with nltk's Punkt and parameters shipped in the package.

Nothing is downloaded: the Punkt parameters were trained from public news text
(Reuters-21578 and BBC News) by ``scripts/build_punkt.py`` and are read from
``attrib/core/data/punkt_news.json`` (JSON, not a pickle), together with the curated list
``news_abbreviations.txt`` (``U.S.``, ``Sen.``, ``Gov.``, ``Sept.``, ``Corp.``...). Both are
read once, on the first call; nltk itself is imported only then too, because importing
nltk takes about a second and pulls in scipy, and most users of the core never split
sentences.

How a text is split:

1. Paragraphs first: a blank line always ends a sentence. Page chrome and headlines
   ("Connect with us", "International") carry no final punctuation and would otherwise be
   glued to the next sentence.
2. Punkt inside each paragraph. Quotation marks that Punkt does not know (``„ ‚ ‹ › ‟``)
   are read as ASCII quotes by a character-for-character translation, so spans stay
   valid for the original text.
3. A break right after a title (``Mr.``, ``Sen.``, ``Gov.``, ``Dr.``...) is undone: a
   title always precedes a name, but Punkt breaks after an abbreviation when the next
   word is a frequent sentence starter, and news text makes names ("Morgan", "Baker")
   frequent sentence starters.
4. Spans are trimmed of surrounding whitespace; empty ones are dropped.

Spans are half-open ``[start, end)`` ``str`` indices into the ORIGINAL text, in order,
non-overlapping, each with ``start < end``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from attrib.errors import InputError

__all__ = ["sentences", "load_punkt_parameters", "news_abbreviations"]

_DATA = "attrib.core.data"
_PARAMS_FILE = "punkt_news.json"
_ABBREV_FILE = "news_abbreviations.txt"

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
# One character for one character, so offsets do not move.
_QUOTES = str.maketrans({"\u201e": '"', "\u201f": '"', "\u201a": "'", "\u201b": "'",
                         "\u2039": "'", "\u203a": "'", "\u00ab": '"', "\u00bb": '"'})


# Titles that precede a name, so never end a sentence (compared case-sensitively, so that
# "he went to the ST." style all-caps text is left to Punkt).
_TITLE_END = re.compile(
    r"(?:^|[\s(\"'\u201c\u2018])(?:Mr|Mrs|Ms|Messrs|Dr|Prof|Sen|Sens|Rep|Reps|Gov|Gen|"
    r"Lt|Col|Capt|Cmdr|Adm|Maj|Sgt|Cpl|Brig|Supt|Insp|Det|Rev|Fr|Hon|Pres|Amb|Atty)\.$"
)


def news_abbreviations() -> frozenset[str]:
    """The curated abbreviations (lowercase, without the final period)."""
    text = resources.files(_DATA).joinpath(_ABBREV_FILE).read_text(encoding="utf-8")
    out = set()
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word:
            out.add(word.rstrip("."))
    return frozenset(out)


def load_punkt_parameters() -> Any:
    """The shipped Punkt parameters with the curated abbreviations added, as an
    ``nltk.tokenize.punkt.PunktParameters``."""
    from nltk.tokenize.punkt import PunktParameters

    doc = json.loads(resources.files(_DATA).joinpath(_PARAMS_FILE).read_text(encoding="utf-8"))
    if doc.get("format") != "punkt-parameters/1":
        raise InputError(f"{_PARAMS_FILE}: unknown format {doc.get('format')!r}")
    params = PunktParameters()
    params.abbrev_types = set(doc["abbrev_types"]) | news_abbreviations()
    params.collocations = {tuple(pair) for pair in doc["collocations"]}
    params.sent_starters = set(doc["sent_starters"])
    for typ, flags in doc["ortho_context"].items():
        params.ortho_context[typ] = flags
    return params


def _stdlib_regex_classes() -> tuple[type, type]:
    """Punkt's language variables and token class, with Punkt's own fixed patterns
    compiled by the standard ``re`` module.

    Since nltk 3.10 every regular expression in nltk runs through ``nltk.redos``: the
    third-party ``regex`` engine under a wall-clock timeout, a guard against
    catastrophic patterns that callers supply. Punkt's patterns are fixed and linear and
    nothing here is supplied by a caller, so the guard buys nothing, and it made sentence
    splitting twice as slow (0.41 against 0.20 ms for a Reuters story). ``lang_vars`` and
    ``token_cls`` are Punkt's documented extension points; the split is identical (see
    tests/unit/test_core_sentences.py).
    """
    from nltk.tokenize.punkt import PunktLanguageVars, PunktToken

    class LanguageVars(PunktLanguageVars):
        re_boundary_realignment = re.compile(PunktLanguageVars.re_boundary_realignment.pattern, re.MULTILINE)

        def _compiled(self, attr: str, fmt: str, **parts: str) -> re.Pattern:
            """nltk's lazily compiled pattern ``attr``, compiled with stdlib ``re``."""
            found = self.__dict__.get(attr)
            if found is None:
                found = re.compile(fmt % parts, re.UNICODE | re.VERBOSE)
                setattr(self, attr, found)
            return found

        def _word_tokenizer_re(self) -> re.Pattern:
            return self._compiled(
                "_re_word_tokenizer", self._word_tokenize_fmt,
                NonWord=self._re_non_word_chars, MultiChar=self._re_multi_char_punct, WordStart=self._re_word_start,
            )

        def period_context_re(self) -> re.Pattern:
            return self._compiled(
                "_re_period_context", self._period_context_fmt,
                NonWord=self._re_non_word_chars, SentEndChars=self._re_sent_end_chars,
            )

    class Token(PunktToken):
        _RE_ELLIPSIS = re.compile(PunktToken._RE_ELLIPSIS.pattern)
        _RE_NUMERIC = re.compile(PunktToken._RE_NUMERIC.pattern)
        _RE_INITIAL = re.compile(PunktToken._RE_INITIAL.pattern, re.UNICODE)
        _RE_ALPHA = re.compile(PunktToken._RE_ALPHA.pattern, re.UNICODE)
        _NON_PUNCT = re.compile(r"[^\W\d]", re.UNICODE)

        @property
        def is_non_punct(self) -> Any:
            return self._NON_PUNCT.search(self.type)

    return LanguageVars, Token


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    lang_vars, token_cls = _stdlib_regex_classes()
    return PunktSentenceTokenizer(load_punkt_parameters(), lang_vars=lang_vars(), token_cls=token_cls)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (see the module docstring)."""
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__}")
    if not text.strip():
        return []
    tok = _tokenizer()
    view = text.translate(_QUOTES)
    out: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(view):
        para = view[p_start:p_end]
        if not para.strip():
            continue
        merge = False
        for s, e in tok.span_tokenize(para):
            piece = para[s:e]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            s, e = p_start + s + lead, p_start + e - trail
            if s >= e:
                continue
            if merge:
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
            last_s, last_e = out[-1]
            merge = _TITLE_END.search(view[max(last_s, last_e - 12) : last_e]) is not None
    return out
