"""Which of several matching texts an article was copied from: evidence before dates.

When a story is copied, each copy keeps the wording of the text it was made from and
changes some of it. So the text an article was copied from shares more of the
article's exact wording than its siblings (other copies of the same original, which
changed words of their own), its rewrites and its children do. Two pieces of evidence
follow, both measured on the query's words:

* **Exact wording.** For each matching text, which query words sit in a word k-gram
  the text also has, counted inside the aligned passages only (:func:`wording`).
* **Dominance.** Where two texts claim the same part of the query, the one that shares
  clearly more of that part's exact wording, near-verbatim, is the closer relative:
  the other one is a sibling, a rewrite or a child there, not the source
  (:func:`dominator`). A near-verbatim source beats a broad paraphrase, and a later
  copy that matches better than an earlier rewrite shows that the rewrite is a sibling.

The texts that are dominated by none and that share about as much of the query's
wording as the best of them are copies of one text (:func:`copy_group`). Among them,
the original contains what the copies share, and a copy's own additions are not in
it: words a text carries inside the part it shares with the query that neither the
query nor any other matching text has are that text's own additions
(:func:`own_additions`). A text with clearly more of them is a copy that added to the
text, not the text itself (:func:`fewest_additions`). Only among the rest do
publication dates say which came first.

Pure: numpy and the project's tokeniser only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from attrib.core.normalise import token_columns
from attrib.core.shingles import shingle_hash_array

__all__ = [
    "LineageParams", "QueryWords", "SourceWords", "Wording", "copy_group", "dominator", "fewest_additions",
    "own_additions", "quotes_only", "wording",
]


@dataclass(frozen=True)
class LineageParams:
    """Thresholds of the lineage evidence.

    ``k``: words per shingle of exact wording. A text *dominates* another on the part
    of the query both claim (at least ``min_overlap_words`` words) when it shares at
    least ``dominance_ratio`` times as many of that part's words word for word, at least
    ``dominance_margin`` of the part's words more, and is itself near-verbatim there
    (``near_share`` of the part's words shared). A text is a copy of the same text as
    the best one when it shares at least ``copy_ratio`` of the best one's exact wording
    and at least half of its claimed part lies in the best one's. Of the copies of one
    text, those whose :func:`own_additions` exceed the fewest by more than
    ``additions_margin`` (a share of their matched words) are copies that added to it.
    A text that shares with the query word for word mostly quoted words and fewer than
    ``min_running_words`` of running text is not named as the original
    (:func:`quotes_only`): two stories that quote one speech share the quoted words, and
    an article built on quotes is judged by its quotes, not by a likely original.
    """

    k: int = 5
    seed: int = 0
    min_overlap_words: int = 30
    dominance_ratio: float = 1.15
    dominance_margin: float = 0.1
    near_share: float = 0.5
    copy_ratio: float = 0.85
    additions_margin: float = 0.05
    min_running_words: int = 10


def _within(starts: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    inside = np.zeros(starts.size, dtype=bool)
    for start, end in spans:
        inside |= (starts >= start) & (starts < end)
    return inside


@dataclass(frozen=True)
class SourceWords:
    """A matching text's tokens, prepared once for all the evidence about it."""

    starts: np.ndarray  # token start offsets (str indices into the text)
    hashes: np.ndarray  # word k-gram hashes, one per k-gram start

    @classmethod
    def of(cls, text: str, params: LineageParams = LineageParams()) -> "SourceWords":
        words, starts, _ = token_columns(text)
        return cls(np.asarray(starts, dtype=np.int64), shingle_hash_array(words, params.k, params.seed))

    @property
    def n(self) -> int:
        return int(self.starts.size)

    def hashes_within(self, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """The hashes of the word k-grams that start inside ``spans`` (``str`` offsets)."""
        return self.hashes[_within(self.starts[: self.hashes.size], spans)]


@dataclass(frozen=True)
class QueryWords(SourceWords):
    """The query's tokens, prepared once for all its matches, with the ones between
    quotation marks."""

    quoted: np.ndarray | None = None  # tokens between quotation marks

    @classmethod
    def of(cls, text: str, params: LineageParams = LineageParams(),
           quoted: Sequence[tuple[int, int]] = ()) -> "QueryWords":
        """``quoted``: the spans of the text's quotations (``str`` offsets)."""
        words = SourceWords.of(text, params)
        return cls(words.starts, words.hashes, _within(words.starts, quoted))


def quotes_only(query: QueryWords, text: "Wording", speech: Callable[[], np.ndarray] | None = None,
                params: LineageParams = LineageParams()) -> bool:
    """Whether a matching text shares with the query word for word mostly speech, and
    fewer than ``min_running_words`` of running text: a story quoting the same speech,
    not a copy. Speech is what the query quotes and some matching text carries as
    speech too (``speech``: the word k-gram hashes that the matching texts carry between
    quotation marks or in sentences that report speech; called only when the query's
    side alone leaves the question open). Words the query quotes from a text's own
    running text (a statement, a release) are that text's words. (A heavy rewrite
    shares little of either kind.)"""
    if query.quoted is None:
        return False
    quoted = text.exact & query.quoted
    if int((text.exact & ~quoted).sum()) >= params.min_running_words or not quoted.any():
        return False
    if speech is not None:
        quoted &= _covered(query.hashes, query.n, speech(), params.k)
    running = int((text.exact & ~quoted).sum())
    return running < params.min_running_words and text.shared - running > running


def _covered(hashes: np.ndarray, n: int, present: np.ndarray, k: int) -> np.ndarray:
    """Which of ``n`` tokens sit in a k-gram (``hashes``, one per k-gram start) that
    ``present`` holds."""
    mask = np.zeros(n, dtype=bool)
    if hashes.size and present.size:
        hit = np.flatnonzero(np.isin(hashes, present))
        for offset in range(k):
            mask[np.minimum(hit + offset, n - 1)] = True
    return mask


@dataclass(frozen=True)
class Wording:
    """What one matching text shares with the query, as masks over the query's tokens.

    ``claimed``: tokens inside the text's aligned passages. ``exact``: claimed tokens
    that sit in a word k-gram the text also has.
    """

    claimed: np.ndarray
    exact: np.ndarray

    @property
    def shared(self) -> int:
        return int(self.exact.sum())


def wording(query: QueryWords, source: str | SourceWords, spans: Sequence[tuple[int, int]],
            params: LineageParams = LineageParams()) -> Wording:
    """The query's tokens claimed by ``spans`` (half-open ``str`` offsets into the query)
    and, of those, the ones in a word k-gram that the source text also contains."""
    if isinstance(source, str):
        source = SourceWords.of(source, params)
    claimed = _within(query.starts, spans)
    exact = _covered(query.hashes, query.n, source.hashes, params.k)
    return Wording(claimed, exact & claimed)


def own_additions(source: SourceWords, spans: Sequence[tuple[int, int]], query: QueryWords,
                  others: Sequence[SourceWords], params: LineageParams = LineageParams()) -> float:
    """The share of the source's words inside ``spans`` (its side of the passages it
    shares with the query, ``str`` offsets into the source) that sit in no word k-gram
    of the query or of any of ``others`` (the other matching texts): what this text
    added to the text it shares with them, or what all of them left out of it."""
    inside = _within(source.starts, spans)
    total = int(inside.sum())
    if total == 0:
        return 0.0
    present = np.concatenate([query.hashes, *(other.hashes for other in others)])
    explained = _covered(source.hashes, source.n, present, params.k)
    return float((inside & ~explained).sum()) / total


def fewest_additions(candidates: Sequence[int], additions: Sequence[float],
                     params: LineageParams = LineageParams()) -> list[int]:
    """Of ``candidates`` (indices into ``additions``), the ones whose own additions are
    within ``additions_margin`` of the fewest: the others added to the text they share."""
    if not candidates:
        return []
    fewest = min(additions[i] for i in candidates)
    return [i for i in candidates if additions[i] <= fewest + params.additions_margin]


def dominator(i: int, texts: Sequence[Wording], params: LineageParams = LineageParams()) -> int | None:
    """The index of a text that dominates ``texts[i]`` on the part of the query both
    claim (see :class:`LineageParams`), or None."""
    mine = texts[i]
    best: tuple[int, int] | None = None
    for j, other in enumerate(texts):
        if j == i:
            continue
        both = mine.claimed & other.claimed
        size = int(both.sum())
        if size < params.min_overlap_words:
            continue
        theirs = int((other.exact & both).sum())
        ours = int((mine.exact & both).sum())
        if (theirs >= params.dominance_ratio * ours and theirs - ours >= params.dominance_margin * size
                and theirs >= params.near_share * size):
            if best is None or theirs - ours > best[1]:
                best = (j, theirs - ours)
    return None if best is None else best[0]


def copy_group(best: int, candidates: Sequence[int], texts: Sequence[Wording],
               params: LineageParams = LineageParams()) -> list[int]:
    """The candidates (indices into ``texts``) that are copies of the same text as
    ``texts[best]``: about as much of the query's exact wording, over the same part."""
    top = texts[best]
    group = []
    for i in candidates:
        text = texts[i]
        claimed = int(text.claimed.sum())
        inside = int((text.claimed & top.claimed).sum())
        if text.shared >= params.copy_ratio * top.shared and inside >= 0.5 * claimed:
            group.append(i)
    return group
