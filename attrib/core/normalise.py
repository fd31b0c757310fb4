"""Text normalisation with an offset map, and word tokens with spans in the original text.

What normalisation does, in this order, to each *cluster* (one character and the
combining marks that follow it, or one HTML character reference):

1. HTML character references ending in ``;`` are decoded (``&amp;``, ``&#8217;``,
   ``&#x2019;``, ``&eacute;``). Unknown names are left as they are.
2. Quotation marks become ``"`` (double: “ ” „ ‟ « » 〝 〞 ＂ ...) or ``'`` (single and
   apostrophes: ‘ ’ ‚ ‛ ‹ › ʼ ´ ...); dashes and minus signs become ``-``.
3. Unicode NFKC, then case folding (``ß`` -> ``ss``, ``ﬁ`` -> ``fi``, ``Ⅻ`` -> ``xii``).
4. Diacritics are folded: non-spacing and enclosing marks are dropped after a
   compatibility decomposition (``é`` and ``e`` + U+0301 both give ``e``; Turkish ``İ``
   gives ``i``). Outlets keep or drop accents inconsistently ("Pokémon", "Pokemon"); a
   copy must not escape detection by dropping them.
5. Format characters are removed (zero-width space and joiners, soft hyphen, BOM, bidi
   marks), so ``news\\u00adpaper`` is ``newspaper``; every space separator becomes ``' '``.

ASCII characters are only lowercased, wherever they appear. Because every cluster is
normalised on its own, normalising any slice of the text that starts and ends on cluster
boundaries gives exactly the corresponding slice of the normalised text; this is what
makes the offsets below trustworthy.

Tokens (:func:`tokenize`) are maximal runs of letters, digits and spacing marks in the
normalised text. An apostrophe between two word characters stays inside the token
(``Israel's`` -> ``israel's``, ``don't`` -> ``don't``); ``.`` or ``,`` between digits too
(``5.93``, ``155,221``). Hyphens split (``long-term`` -> ``long``, ``term``), so the
hyphenated and the spaced spelling share tokens. Punctuation and symbols (emoji
included) are never tokens.

All spans are half-open ``[start, end)`` ``str`` indices into the ORIGINAL text.
"""

from __future__ import annotations

import gc
import html
import re
import unicodedata
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat

from attrib.errors import InputError

__all__ = ["Token", "Normalised", "normalise", "normalise_text", "token_columns", "token_texts", "tokenize"]


@dataclass(frozen=True, slots=True)
class Token:
    """A word token: ``text`` is its normalised form, ``[start, end)`` its span in the
    original text (``str`` indices, half-open)."""

    text: str
    start: int
    end: int


_new = object.__new__
_GC_PAUSE_OVER = 50_000


def build_instances(cls: type, n: int, columns: dict[str, object]) -> list:
    """``n`` instances of the slotted dataclass ``cls`` from per-field value iterables.

    Fingerprinting makes hundreds of tokens and shingles per article; the generated
    ``__init__`` of a frozen dataclass costs about as much as everything else per token.
    This sets the slots directly with C-level ``map`` loops (there is no
    ``__post_init__`` to skip). Internal; ``columns`` must name every field.
    """
    # The objects hold only str and int, so they cannot form cycles; for huge texts the
    # collector's passes over millions of young objects cost a third of the time.
    pause = n > _GC_PAUSE_OVER and gc.isenabled()
    if pause:
        gc.disable()
    try:
        objs = list(map(_new, repeat(cls, n)))
        for name, values in columns.items():
            deque(map(cls.__dict__[name].__set__, objs, values), maxlen=0)
    finally:
        if pause:
            gc.enable()
    return objs


# --- character tables ---------------------------------------------------------------

_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u301d\u301e\u301f\uff02\u275d\u275e\u2e42\u02ee"
_SINGLE_QUOTES = (
    "\u2018\u2019\u201a\u201b\u2039\u203a\u02bc\u02bb\u02b9\u02bd\u02c8\u00b4\u2032\u2035"
    "\u275b\u275c\uff07\u0060"
)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u2796"

_PUNCT = {ord(c): '"' for c in _DOUBLE_QUOTES}
_PUNCT.update({ord(c): "'" for c in _SINGLE_QUOTES})
_PUNCT.update({ord(c): "-" for c in _DASHES})
# ASCII is only ever lowercased (the fast path relies on it), so the backtick stays.
del _PUNCT[ord("`")]

_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf"})

# Spacing combining marks (Indic vowel signs...) are part of words; Python's \w lacks them.
_MC = "".join(
    chr(c) for c in range(0x0300, 0x20000) if unicodedata.category(chr(c)) == "Mc"
)
_W = r"(?:[^\W_]|[" + re.escape(_MC) + r"])"
_WORD = _W + r"+(?:'" + _W + r"+|(?<=\d)[.,]\d+)*"
_WORD_RE = re.compile(_WORD)
# Same language restricted to lowercased ASCII, for the fast path.
_ASCII_WORD = r"[a-z0-9]+(?:'[a-z0-9]+|(?<=[0-9])[.,][0-9]+)*"
_ASCII_WORD_RE = re.compile(_ASCII_WORD)
# Capturing versions for re.split, which returns the pieces between and including the
# tokens without building a Match object per token.
_WORD_SPLIT_RE = re.compile("(" + _WORD + ")")
_ASCII_WORD_SPLIT_RE = re.compile("(" + _ASCII_WORD + ")")
# Without spacing marks in the text, the same language with one character class: the
# alternation with the 445 spacing marks made the regex about three times slower.
_MC_SET = frozenset(_MC)
# Every spacing mark is at or above U+0903; one range is cheap to scan, while a search
# for the 445 marks themselves cost more than tokenising.
_HIGH_RE = re.compile("[\u0903-\U0010ffff]")
_PLAIN_WORD_SPLIT_RE = re.compile(r"([^\W_]+(?:'[^\W_]+|(?<=\d)[.,]\d+)*)")


def _split_regex(normalised: str) -> re.Pattern:
    """The cheapest regex that tokenises ``normalised`` exactly like ``_WORD_SPLIT_RE``."""
    if normalised.isascii():
        return _ASCII_WORD_SPLIT_RE  # normalised text has no ASCII capitals
    if _MC_SET.isdisjoint(_HIGH_RE.findall(normalised)):
        return _PLAIN_WORD_SPLIT_RE
    return _WORD_SPLIT_RE

_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
# Entities are ASCII and runs are not, so the two never overlap. Two searches are faster
# than one alternation: the entity search skips ahead to each "&", the run search uses a
# single character class.
_ENTITY_RE = re.compile(_ENTITY)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")


@lru_cache(maxsize=1 << 16)
def _norm_cluster(cluster: str) -> str:
    """Normalised form of one cluster (a starter and its combining marks)."""
    if len(cluster) == 1 and cluster.isascii():
        return cluster.lower()
    s = cluster.translate(_PUNCT)
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", s).casefold())
    s = "".join(ch for ch in s if unicodedata.category(ch) not in _DROP_CATEGORIES)
    s = unicodedata.normalize("NFC", s).translate(_PUNCT)
    if not s.isascii():
        s = "".join(" " if unicodedata.category(ch)[0] == "Z" else ch for ch in s)
    return s


@lru_cache(maxsize=1 << 14)
def _norm_run(run: str) -> tuple[tuple[int, int, str], ...]:
    """Split a run of characters into clusters: (offset, length, normalised) each."""
    out = []
    i = 0
    n = len(run)
    combining = unicodedata.combining
    while i < n:
        j = i + 1
        while j < n and combining(run[j]):
            j += 1
        out.append((i, j - i, _norm_cluster(run[i:j])))
        i = j
    return tuple(out)


@lru_cache(maxsize=4096)
def _norm_entity(entity: str) -> str | None:
    decoded = html.unescape(entity)
    if decoded == entity:
        return None
    return "".join(c for _, _, c in _norm_run(decoded))


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised text and the map back to the original.

    The map is a list of *events*: places where a cluster of the original does not map
    one character to one character (``ß`` -> ``ss``, ``&amp;`` -> ``&``, a dropped
    zero-width space). Between events, normalised and original positions differ by a
    constant. A position inside an event maps to the whole cluster.
    """

    text: str
    original: str
    _n_start: tuple[int, ...] = ()
    _n_end: tuple[int, ...] = ()
    _o_start: tuple[int, ...] = ()
    _o_end: tuple[int, ...] = ()

    def to_original(self, i: int) -> int:
        """Original index of normalised index ``i`` (0 <= i <= len(text)), as a span
        start: a position inside a changed cluster maps to the cluster's start."""
        if not 0 <= i <= len(self.text):
            raise IndexError(f"normalised index {i} out of range 0..{len(self.text)}")
        j = bisect_right(self._n_start, i) - 1
        if j < 0:
            return i
        if i < self._n_end[j]:
            return self._o_start[j]
        return self._o_end[j] + (i - self._n_end[j])

    def to_original_end(self, i: int) -> int:
        """Original index of normalised index ``i`` as a span end (exclusive): a span
        ending inside a changed cluster ends after the whole cluster."""
        if not 0 <= i <= len(self.text):
            raise IndexError(f"normalised index {i} out of range 0..{len(self.text)}")
        if i == 0:
            return self.to_original(0)
        p = i - 1
        j = bisect_right(self._n_start, p) - 1
        if j < 0:
            return i
        if p < self._n_end[j]:
            return self._o_end[j]
        return self._o_end[j] + (i - self._n_end[j])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the smallest half-open span of
        the original text whose normalisation contains it."""
        if start > end:
            raise ValueError(f"span start {start} > end {end}")
        if start == end:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original_end(end)


def normalise(text: str) -> Normalised:
    """Normalise ``text`` (see the module docstring) and keep the offset map."""
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__}")
    if text.isascii() and "&" not in text:
        return Normalised(text.lower(), text)
    parts: list[str] = []
    n_start: list[int] = []
    n_end: list[int] = []
    o_start: list[int] = []
    o_end: list[int] = []
    npos = 0
    pos = 0
    specials = [(m.start(), m.end(), False) for m in _NON_ASCII_RE.finditer(text)]
    if "&" in text:
        specials += [(m.start(), m.end(), True) for m in _ENTITY_RE.finditer(text)]
        specials.sort()
    combining = unicodedata.combining
    for ms, me, is_entity in specials:
        if not is_entity and ms > pos and combining(text[ms]):
            # Marks at the start of a run belong to the ASCII character before them.
            ms -= 1
        if ms > pos:
            gap = text[pos:ms].lower()
            parts.append(gap)
            npos += len(gap)
        s = text[ms:me]
        if is_entity:
            out = _norm_entity(s)
            if out is None:
                out = s.lower()
                parts.append(out)
                npos += len(out)
            else:
                parts.append(out)
                n_start.append(npos)
                npos += len(out)
                n_end.append(npos)
                o_start.append(ms)
                o_end.append(me)
        else:
            for off, length, out in _norm_run(s):
                parts.append(out)
                if length == 1 and len(out) == 1:
                    npos += 1
                    continue
                n_start.append(npos)
                npos += len(out)
                n_end.append(npos)
                o_start.append(ms + off)
                o_end.append(ms + off + length)
        pos = me
    if pos < len(text):
        parts.append(text[pos:].lower())
    return Normalised(
        "".join(parts), text, tuple(n_start), tuple(n_end), tuple(o_start), tuple(o_end)
    )


def normalise_text(text: str) -> str:
    """Just the normalised string of ``text``."""
    if text.isascii() and "&" not in text:
        return text.lower()
    return normalise(text).text


def _split_columns(regex: re.Pattern, s: str) -> tuple[list[str], list[int], list[int]]:
    """Tokens of ``s`` and their spans in ``s``: ``regex.split`` alternates gaps and
    tokens, so running sums of the piece lengths are the token boundaries."""
    parts = regex.split(s)
    offs = list(accumulate(map(len, parts), initial=0))
    return parts[1::2], offs[1:-1:2], offs[2::2]


def token_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """Token texts, starts and ends of ``text`` as three parallel lists (what
    :func:`tokenize` returns, without building :class:`Token` objects)."""
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__}")
    if text.isascii() and "&" not in text:
        return _split_columns(_ASCII_WORD_SPLIT_RE, text.lower())
    norm = normalise(text)
    if not norm._n_start:
        # Every cluster mapped one to one: normalised and original indices coincide.
        return _split_columns(_split_regex(norm.text), norm.text)
    texts, nstarts, nends = _split_columns(_split_regex(norm.text), norm.text)
    mapped = _map_spans(norm, nstarts, nends)
    if mapped is not None:
        return texts, mapped[0], mapped[1]
    return _merged_columns(norm)


def token_texts(text: str) -> list[str]:
    """The token texts of ``text``: ``token_columns(text)[0]``, without mapping spans back
    to the original text unless two words of one original cluster must merge."""
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__}")
    if text.isascii() and "&" not in text:
        return _ASCII_WORD_SPLIT_RE.split(text.lower())[1::2]
    norm = normalise(text)
    if not norm._n_start:
        return _split_regex(norm.text).split(norm.text)[1::2]
    texts, nstarts, nends = _split_columns(_split_regex(norm.text), norm.text)
    if _map_spans(norm, nstarts, nends) is not None:
        return texts
    return _merged_columns(norm)[0]


def _map_spans(norm: Normalised, nstarts: list[int], nends: list[int]) -> tuple[list[int], list[int]] | None:
    """Original starts and ends of the tokens at normalised ``[nstarts[i], nends[i])``
    (what ``to_original`` and ``to_original_end`` give, for all tokens at once), or None
    when two tokens overlap in the original (words of one cluster, which merge)."""
    import numpy as np

    if not nstarts:
        return [], []
    n_start = np.array(norm._n_start, dtype=np.int64)
    n_end = np.array(norm._n_end, dtype=np.int64)
    o_start = np.array(norm._o_start, dtype=np.int64)
    o_end = np.array(norm._o_end, dtype=np.int64)
    ns = np.array(nstarts, dtype=np.int64)
    ne = np.array(nends, dtype=np.int64)
    # Starts: the last event at or before the position; inside it, the cluster's start.
    j = np.searchsorted(n_start, ns, side="right") - 1
    jj = np.maximum(j, 0)
    starts = np.where(j < 0, ns, np.where(ns < n_end[jj], o_start[jj], o_end[jj] + (ns - n_end[jj])))
    # Ends (tokens are never empty): by the last character, inside an event the cluster's end.
    p = ne - 1
    j = np.searchsorted(n_start, p, side="right") - 1
    jj = np.maximum(j, 0)
    ends = np.where(j < 0, ne, np.where(p < n_end[jj], o_end[jj], o_end[jj] + (ne - n_end[jj])))
    if starts.size > 1 and bool((starts[1:] < ends[:-1]).any()):
        return None
    return starts.tolist(), ends.tolist()


def _merged_columns(norm: Normalised) -> tuple[list[str], list[int], list[int]]:
    """Token columns of a normalised text whose clusters do not all map one to one, word
    by word, merging the words that come from one original cluster."""
    ms = _WORD_RE.finditer(norm.text)
    to_start = norm.to_original
    to_end = norm.to_original_end
    ntext = norm.text
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last_nstart = 0
    for m in ms:
        ns, ne = m.span()
        s = to_start(ns)
        e = to_end(ne)
        if starts and s < ends[-1]:
            # Two words from one original cluster ("¼" -> "1⁄4"): tokens must not
            # overlap, so they become one token spelled as the normalised cluster.
            texts[-1] = ntext[last_nstart:ne]
            ends[-1] = max(ends[-1], e)
            continue
        texts.append(m.group())
        starts.append(s)
        ends.append(e)
        last_nstart = ns
    return texts, starts, ends


def tokenize(text: str) -> list[Token]:
    """Word tokens of ``text`` in order, non-overlapping, with spans into ``text``.

    For every token ``t``, ``t.text`` is derived only from ``text[t.start:t.end]``; in
    ordinary text ``tokenize(text[t.start:t.end])`` is exactly ``[t.text]``. A
    compatibility character that expands to several words (``½`` -> ``1⁄2``, ``㏂`` ->
    ``a.m.``) gives one token spelled as its normalisation (``1⁄2``, ``a.m``), so that
    tokens never overlap.
    """
    texts, starts, ends = token_columns(text)
    return build_instances(Token, len(texts), {"text": texts, "start": starts, "end": ends})
