"""Sentence pairs inside a passage: which sentence of the copy was rewritten from which
sentence of the source.

:func:`align` (``attrib.core.align``) finds a rewritten passage as one block: seed 003
is a single ``paraphrase`` passage of 3,400 characters. :func:`sentence_pairs` opens such
a passage up for a reader. Both sides are split into sentences (:func:`sentences`, and
at line breaks, which in web text separate headings and paragraphs that carry no
punctuation), each becomes a bag of stemmed content words (the same stems as the fuzzy
stage of alignment) weighted by tf-idf over the sentences of both sides, and a small
dynamic program pairs them in order, maximising the total similarity above a floor:

* a pair is one query sentence and one source sentence, or one sentence on one side and
  two consecutive ones on the other (a rewrite that splits or joins sentences);
* a query sentence paired with nothing was *inserted* by the copy; a source sentence
  paired with nothing was *dropped*;
* the pairing is monotonic (both sides in reading order), so a sentence moved far from
  its place shows as dropped in one place and inserted in another.

Chrome lines (:mod:`attrib.core.chrome`) and sentences with no content word are left
out: they are neither pairs nor insertions.

Spans are half-open ``str`` indices into the ORIGINAL texts, trimmed of surrounding
whitespace, inside the passage's spans. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from attrib.core.chrome import is_chrome_line
from attrib.core.normalise import token_columns
from attrib.core.sentences import sentences
from attrib.core.terms import content_stem
from attrib.errors import InputError

__all__ = ["PairParams", "SentencePair", "align_sentences", "sentence_pairs", "sentence_units"]

Span = tuple[int, int]


@dataclass(frozen=True)
class SentencePair:
    """A query sentence and the source sentence it was rewritten from.

    ``query`` and ``source`` are half-open ``str`` spans into the original texts; one of
    them is None for a sentence the copy inserted (``source`` None) or dropped (``query``
    None). ``similarity`` (0..1) is the cosine of the two sides' stemmed content-word
    tf-idf vectors, 0.0 for an inserted or dropped sentence.
    """

    query: Span | None
    source: Span | None
    similarity: float

    @property
    def kind(self) -> Literal["pair", "inserted", "dropped"]:
        if self.query is None:
            return "dropped"
        return "inserted" if self.source is None else "pair"


@dataclass(frozen=True)
class PairParams:
    """Parameters of :func:`align_sentences`.

    ``min_similarity``: the cosine a pair needs; below it the two sentences are an
    insertion and a drop. ``merge_gain``: how much more similar a one-to-two pair must
    be than the better of its one-to-one parts to be preferred to it (a joined pair
    claims an extra sentence, so it has to earn it). ``max_cells``: the largest number of
    query by source sentence cells the dynamic program fills; bigger passages get no
    sentence pairs (no news passage comes close; a whole book might).
    """

    min_similarity: float = 0.2
    merge_gain: float = 0.0
    max_cells: int = 250_000

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_similarity <= 1.0:
            raise InputError("PairParams.min_similarity must be between 0 and 1", field="min_similarity")
        if not 0.0 <= self.merge_gain <= 1.0:
            raise InputError("PairParams.merge_gain must be between 0 and 1", field="merge_gain")
        if self.max_cells < 1:
            raise InputError("PairParams.max_cells must be >= 1", field="max_cells")


_LINE_BREAK = re.compile(r"\n")


@lru_cache(maxsize=64)
def _units_of(text: str) -> tuple[tuple[Span, tuple[str, ...]], ...]:
    """Every sentence unit of ``text`` with its content stems (chrome and stemless units
    dropped). Cached: a report renders each source once per format."""
    words, starts, ends = token_columns(text)
    out = []
    t = 0
    for s_start, s_end in sentences(text):
        piece_start = s_start
        for m in _LINE_BREAK.finditer(text, s_start, s_end):
            out.extend(_unit(text, piece_start, m.start()))
            piece_start = m.end()
        out.extend(_unit(text, piece_start, s_end))
    units = []
    for a, b in out:
        while t < len(starts) and starts[t] < a:
            t += 1
        stems = []
        u = t
        while u < len(starts) and ends[u] <= b:
            stem = content_stem(words[u])
            if stem is not None:
                stems.append(stem)
            u += 1
        if stems and not is_chrome_line(text[a:b]):
            units.append(((a, b), tuple(stems)))
    return tuple(units)


def _unit(text: str, start: int, end: int) -> list[Span]:
    piece = text[start:end]
    a = start + len(piece) - len(piece.lstrip())
    b = end - (len(piece) - len(piece.rstrip()))
    return [(a, b)] if a < b else []


def sentence_units(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The sentence units of ``text`` that :func:`align_sentences` compares, inside
    ``[start, end)``: sentences split at line breaks, trimmed, clipped to the span, without
    chrome lines and sentences that have no content word."""
    return [span for span, _ in _clipped(text, start, len(text) if end is None else end)]


def _clipped(text: str, start: int, end: int) -> list[tuple[Span, tuple[str, ...]]]:
    out = []
    for (a, b), stems in _units_of(text):
        if b <= start or a >= end:
            continue
        if a >= start and b <= end:
            out.append(((a, b), stems))
            continue
        # a sentence cut by the passage's bounds: keep the part inside, re-stemmed
        a, b = max(a, start), min(b, end)
        (span,) = _unit(text, a, b) or [None]
        if span is None:
            continue
        words, _, _ = token_columns(text[span[0]:span[1]])
        stems = tuple(s for s in (content_stem(w) for w in words) if s is not None)
        if stems:
            out.append((span, stems))
    return out


def align_sentences(query: str, query_span: Span, source: str, source_span: Span,
                    params: PairParams = PairParams()) -> tuple[SentencePair, ...]:
    """The sentence pairs of ``query[query_span]`` and ``source[source_span]``, in reading
    order (see the module docstring). Spans are half-open ``str`` indices into the
    original texts."""
    if not isinstance(params, PairParams):
        raise InputError("params must be a PairParams", field="params")
    for name, text, (a, b) in (("query_span", query, query_span), ("source_span", source, source_span)):
        if not 0 <= a <= b <= len(text):
            raise InputError(f"{name} {a, b} is not inside the text (length {len(text)})", field=name)
    q_units = _clipped(query, *query_span)
    s_units = _clipped(source, *source_span)
    n, m = len(q_units), len(s_units)
    if not n and not m:
        return ()
    if n * m > params.max_cells:
        return ()
    if not n or not m:
        return tuple(SentencePair(span, None, 0.0) for span, _ in q_units) + tuple(
            SentencePair(None, span, 0.0) for span, _ in s_units)
    q_vec, s_vec = _vectors([stems for _, stems in q_units], [stems for _, stems in s_units])
    steps = _program(q_vec, s_vec, params)
    pairs = []
    for i0, i1, j0, j1, sim in steps:
        q = (q_units[i0][0][0], q_units[i1 - 1][0][1]) if i1 > i0 else None
        s = (s_units[j0][0][0], s_units[j1 - 1][0][1]) if j1 > j0 else None
        pairs.append(SentencePair(q, s, round(sim, 4) if q and s else 0.0))
    return tuple(pairs)


def sentence_pairs(query: str, source: str, passage, params: PairParams = PairParams()
                   ) -> tuple[SentencePair, ...]:
    """The sentence pairs of a :class:`~attrib.core.align.Passage` of ``query`` found in
    ``source`` (any object with ``query_start``, ``query_end``, ``source_start`` and
    ``source_end``)."""
    return align_sentences(query, (passage.query_start, passage.query_end),
                           source, (passage.source_start, passage.source_end), params)


class _Rows:
    """Sparse tf-idf rows over one vocabulary: each row the (column, weight) arrays of
    its stems. A passage may hold thousands of sentences and a vocabulary of thousands
    of stems on each side (a 5-million-character copy), so rows stay sparse and are
    made dense a block at a time only to multiply them (:func:`_cosines`)."""

    def __init__(self, rows: list[tuple[np.ndarray, np.ndarray]], width: int) -> None:
        self.rows, self.width = rows, width

    def __len__(self) -> int:
        return len(self.rows)

    def pairs(self) -> "_Rows":
        """Each row added to the next: the two-sentence units ``[i:i+2]``."""
        return _Rows([(np.concatenate((a[0], b[0])), np.concatenate((a[1], b[1])))
                      for a, b in zip(self.rows, self.rows[1:])], self.width)

    def dense(self, start: int, stop: int) -> np.ndarray:
        out = np.zeros((stop - start, self.width))
        for k, (cols, values) in enumerate(self.rows[start:stop]):
            np.add.at(out[k], cols, values)
        return out


def _vectors(q_bags: list[tuple[str, ...]], s_bags: list[tuple[str, ...]]) -> tuple[_Rows, _Rows]:
    """tf-idf rows (idf over the sentences of both sides), not normalised."""
    vocab: dict[str, int] = {}
    df: dict[int, int] = {}
    for bag in q_bags + s_bags:
        for col in {vocab.setdefault(stem, len(vocab)) for stem in bag}:
            df[col] = df.get(col, 0) + 1
    idf = np.zeros(len(vocab))
    for col, count in df.items():
        idf[col] = np.log((len(q_bags) + len(s_bags) + 1) / (count + 0.5))

    def rows(bags: list[tuple[str, ...]]) -> _Rows:
        out = []
        for bag in bags:
            cols = np.fromiter((vocab[stem] for stem in bag), dtype=np.int64, count=len(bag))
            out.append((cols, idf[cols]))
        return _Rows(out, len(vocab))

    return rows(q_bags), rows(s_bags)


_BLOCK_CELLS = 2_000_000
"""Floats per dense block of rows that :func:`_cosines` multiplies (16 MB)."""


def _cosines(a: _Rows, b: _Rows) -> np.ndarray:
    """The cosine of every row of ``a`` with every row of ``b``, a block of rows at a time."""
    out = np.zeros((len(a), len(b)))
    step = max(1, _BLOCK_CELLS // max(1, a.width))
    for i in range(0, len(a), step):
        x = a.dense(i, min(len(a), i + step))
        nx = np.linalg.norm(x, axis=1)
        for j in range(0, len(b), step):
            y = b.dense(j, min(len(b), j + step))
            ny = np.linalg.norm(y, axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                out[i:i + len(x), j:j + len(y)] = (x @ y.T) / np.outer(nx, ny)
    return np.nan_to_num(out)


def _program(q: _Rows, s: _Rows, params: PairParams
             ) -> list[tuple[int, int, int, int, float]]:
    """The best monotonic pairing: steps ``(i0, i1, j0, j1, similarity)`` covering every
    sentence once, each a 1-1, 1-2 or 2-1 pair, or a lone sentence on one side."""
    n, m = len(q), len(s)
    floor = params.min_similarity
    one = _cosines(q, s)
    q2 = _cosines(q.pairs(), s) if n > 1 else np.zeros((0, m))  # q[i:i+2] vs s[j]
    s2 = _cosines(q, s.pairs()) if m > 1 else np.zeros((n, 0))  # q[i] vs s[j:j+2]
    one_l, q2_l, s2_l = one.tolist(), q2.tolist(), s2.tolist()
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 1 skip q, 2 skip s, 3 1-1, 4 2-1, 5 1-2
    for i in range(n + 1):
        row, up = best[i], best[i - 1] if i else None
        for j in range(m + 1):
            if not i and not j:
                continue
            score, how = -1.0, 0
            if i and up[j] > score:
                score, how = up[j], 1
            if j and row[j - 1] > score:
                score, how = row[j - 1], 2
            if i and j:
                sim = one_l[i - 1][j - 1]
                if sim >= floor and up[j - 1] + sim - floor > score:
                    score, how = up[j - 1] + sim - floor, 3
                if i > 1:
                    sim = q2_l[i - 2][j - 1]
                    parts = max(one_l[i - 2][j - 1], one_l[i - 1][j - 1])
                    if sim >= floor and sim >= parts + params.merge_gain:
                        value = best[i - 2][j - 1] + sim - floor
                        if value > score:
                            score, how = value, 4
                if j > 1:
                    sim = s2_l[i - 1][j - 2]
                    parts = max(one_l[i - 1][j - 2], one_l[i - 1][j - 1])
                    if sim >= floor and sim >= parts + params.merge_gain:
                        value = up[j - 2] + sim - floor
                        if value > score:
                            score, how = value, 5
            row[j], move[i][j] = score, how
    steps = []
    i, j = n, m
    while i or j:
        how = move[i][j]
        if how == 1:
            steps.append((i - 1, i, j, j, 0.0))
            i -= 1
        elif how == 2:
            steps.append((i, i, j - 1, j, 0.0))
            j -= 1
        elif how == 3:
            steps.append((i - 1, i, j - 1, j, one_l[i - 1][j - 1]))
            i, j = i - 1, j - 1
        elif how == 4:
            steps.append((i - 2, i, j - 1, j, q2_l[i - 2][j - 1]))
            i, j = i - 2, j - 1
        else:
            steps.append((i - 1, i, j - 2, j, s2_l[i - 1][j - 2]))
            i, j = i - 1, j - 2
    steps.reverse()
    return steps
