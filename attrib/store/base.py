"""The store protocol: what the pipeline needs from wherever articles live.

Two stores implement it and pass one contract test suite: the embedded store (SQLite,
the default, no server) and the Elasticsearch store. Both score candidates the same way,
as the sum of two parts:

* **evidence**: over the winnowed fingerprints a stored article shares with the query,
  the fingerprint's inverse document frequency ``ln(1 + (N - df + 0.5) / (df + 0.5))``
  (the BM25 IDF Elasticsearch itself uses), plus :data:`BAND_BOOST` when a MinHash
  band is shared. Rare fingerprints (names, numbers, unusual phrases) decide;
  boilerplate shared by many articles adds almost nothing.
* **pairs**: :data:`PAIR_WEIGHT` times the BM25 score (Elasticsearch's: ``k1`` 1.2, ``b``
  0.75, document lengths quantised like Lucene's norms) of the content-word pairs shared
  (:mod:`attrib.core.pairs`). They find rewrites, shuffles and summaries that share few
  exact 5-grams; weighted at a quarter, they do not reorder verbatim sources.

:attr:`Candidate.evidence` reports the first part alone: the check pipeline's floor for
aligning a candidate is stated in it.

Retrieval can be a cascade. The first stage is the fingerprint query above (with the pairs
when the store has them). When its best candidate's evidence is weak, less than
:data:`CASCADE_EVIDENCE` fingerprints' worth that no other article has (that many times
``idf(1, N)``, so the threshold means the same in an archive of any size), a second
stage runs one more query that adds BM25 over the stored full text, passage by passage
(:func:`query_passages`: the query's paragraphs, short ones joined): each passage
queries the rarest :data:`PASSAGE_TERMS` of its content words found in at most
:data:`TEXT_MAX_DF` of the archive, and an article scores its best passage's BM25,
weighted :data:`TEXT_WEIGHT`. A summary or a heavy rewrite keeps its source's rare words
but few of its 5-grams; a copy that keeps wording never pays for the second query. Scored
by passage, the words of a summary that is one paragraph of a long query count on their
own instead of competing with the rest of the query's words, which rank the articles on
the rest's topic first. The second stage uses only what is indexed
anyway (Elasticsearch's ``text`` field, the embedded store's full-text table), so the
index does not grow. The check pipeline runs the second stage at :data:`CASCADE_EVIDENCE`
unless told otherwise (``CheckOptions.cascade``, ``--cascade``; 0: never); a store's
:meth:`Store.candidates` runs it only when given a threshold.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Collection, Iterable, Iterator, Protocol, Sequence, TypeVar, runtime_checkable

from attrib.article import Article
from attrib.core import FingerprintParams
from attrib.core.quotes import QuoteOccurrence
from attrib.documents import Document

_T = TypeVar("_T")

MAX_QUERY_TERMS = 1024
"""At most this many fingerprints of one query article are sent to retrieval."""

QUOTE_MIN_SHARE = 0.3
"""A stored quote is a provenance candidate when it shares this fraction of a quote's word 3-grams."""

BAND_BOOST = 5.0
"""Score added to a candidate that shares at least one MinHash band with the query."""

PAIR_WEIGHT = 0.25
"""Weight of the content-word pair BM25 score in a candidate's score."""

MAX_PAIR_TERMS = 4096
"""At most this many distinct content-word pairs of one query are sent to retrieval."""

CASCADE_EVIDENCE = 4.0
"""The second retrieval stage runs when the first stage's best candidate has less
evidence than this many times ``idf(1, N)`` (N: articles stored)."""

TEXT_WEIGHT = 1.0
"""Weight of the full-text BM25 score in a second-stage candidate's score (0.5, 1.5 and 2
ranked fewer of PAN 2013's summaries first; docs/BENCHMARKS.md)."""

TEXT_STAGE_MIN_WORDS = 64
"""The second stage runs only for a query with more distinct content words than this
(:func:`text_stage_passages`)."""

PASSAGE_TERMS = 16
"""The second stage queries the full text for this many of each passage's content words:
the rarest in the store (Elasticsearch's ``more_like_this`` term selection; the embedded
store's full-text vocabulary). Frequent words cost the most postings and say the least.
(8 and 12 ranked fewer of PAN 2013's summaries first, 24 and 32 one translation fewer;
docs/BENCHMARKS.md.)"""

PASSAGE_MIN_WORDS = 20
"""A paragraph of the query with fewer distinct content words than this is joined with the
ones after it into one passage (a heading, a short line, every line of a text wrapped at a
fixed width)."""

MAX_PASSAGES = 16
"""At most this many passages of one query are queried, spread evenly over it, so that the
second query has at most ``MAX_PASSAGES * PASSAGE_TERMS`` terms."""

TEXT_MAX_DF = 0.02
"""The second stage leaves out words found in more than this share of the stored articles
(but never one found in at most :data:`TEXT_MAX_DF_FLOOR`): their postings are the longest,
most of the second query's time on a short article, and they say the least about which
article is the source. A share, so that it means the same at any archive size. (A
passage's 16 rarest words reach further down its vocabulary than a whole article's 64
did: at 5% the embedded store's second stage scored about 2.4 times as many postings and
took 2.4 times as long on Reuters articles, for no more sources ranked first;
docs/BENCHMARKS.md.)"""

TEXT_MAX_DF_FLOOR = 50
"""In an archive of fewer than 2,500 articles no word's postings are long: none is left out
for being frequent unless it is in more than this many articles."""


def text_max_df(n: int) -> int:
    """The most articles a word the second stage queries may occur in, of ``n`` stored."""
    return max(TEXT_MAX_DF_FLOOR, math.floor(TEXT_MAX_DF * n))


MAX_WORDS = 1024
"""At most this many distinct content words of one query are considered for the second stage."""

BM25_K1 = 1.2
BM25_B = 0.75

KEYWORD_MAX_BYTES = 32766
"""The longest value, in UTF-8 bytes, a keyword field takes: Lucene refuses longer terms
and doc values, and with them the whole document."""


class WriteStatus(str, enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    EXISTS = "exists"
    """The id is stored with the same text; left alone."""
    CONFLICT = "conflict"
    """The id is stored with different text; left alone (:data:`CONFLICT_ERROR`)."""
    FAILED = "failed"


CONFLICT_ERROR = "id already indexed with different text"


class WritePolicy(str, enum.Enum):
    """What a write does with an article whose id is already stored."""

    KEEP = "keep"
    """Leave the stored one: ``EXISTS`` when the texts are the same, ``CONFLICT`` when not."""
    UPDATE = "update"
    """Replace it when the text changed (a corrected article: ``UPDATED``); same text: ``EXISTS``."""
    OVERWRITE = "overwrite"
    """Replace it whatever it holds (``UPDATED``)."""


@dataclass(frozen=True)
class WriteResult:
    """Per-article outcome of a bulk write."""

    id: str
    status: WriteStatus
    error: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A stored article that may be a source of the query article."""

    id: str
    score: float
    shared: int | None = None
    """How many of the query's fingerprints this article also has (None: the store cannot tell cheaply)."""
    band_match: bool | None = None
    """Whether it shares a MinHash band with the query (None: not reported by the store)."""
    evidence: float | None = None
    """The fingerprint and band part of ``score``, without the pair part (None: not reported)."""


@dataclass(frozen=True)
class ArticleFilter:
    """Select stored articles: by outlet and by a half-open publication window."""

    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: tuple[str, ...] | None = field(default=None)

    def matches(self, article: Article) -> bool:
        if self.outlet is not None and article.outlet != self.outlet:
            return False
        if self.ids is not None and article.id not in self.ids:
            return False
        if self.since is not None and (article.published_at is None or article.published_at < self.since):
            return False
        if self.until is not None and (article.published_at is None or article.published_at >= self.until):
            return False
        return True


@runtime_checkable
class Store(Protocol):
    """Where articles and their fingerprints live. Constructors do no I/O."""

    def init(self) -> FingerprintParams:
        """Create or check the schema (templates, index, tables). Idempotent.

        Returns the parameters the store's fingerprints are made with. Raises
        :class:`~attrib.errors.ParameterMismatchError` when the store already holds
        fingerprints made with other parameters than the ones asked for.
        """

    @property
    def params(self) -> FingerprintParams:
        """The fingerprint parameters of this store (initialises it if needed)."""

    def write(self, documents: Iterable[Document], *, policy: WritePolicy = WritePolicy.KEEP) -> Iterator[WriteResult]:
        """Store documents, yielding one result per document, in order, as they land.

        An id already stored is handled as ``policy`` says, by whether the stored text is
        the document's. A document no store keeps (:func:`unstorable`), or that the
        backend refuses, fails alone (``FAILED``); the others land.
        Raises :class:`~attrib.errors.StoreUnavailableError` when the store goes away;
        every result yielded before that has landed.
        """

    def refresh(self) -> None:
        """Make every write so far visible to reads and retrieval."""

    def count(self) -> int: ...

    def get(self, ids: Sequence[str]) -> dict[str, Article]:
        """The stored articles with these ids (missing ids are left out)."""

    def candidates(
        self, query: Document, *, limit: int = 10, exclude: Collection[str] = (), cascade: float | None = None
    ) -> list[Candidate]:
        """Stored articles ranked by the IDF-weighted fingerprints they share with ``query``;
        when the best has less evidence than ``cascade`` times ``idf(1, N)``, ranked again
        with BM25 over the full text added (the second stage; ``None``: never, ``inf``:
        always). ``deep_queries`` counts the second-stage queries a store has run."""

    def iter_articles(self, selection: ArticleFilter | None = None) -> Iterator[Article]:
        """Every stored article matching ``selection``, in id order."""

    def find_quotes(self, grams: Sequence[int], *, exclude: Collection[str] = (), limit: int = 20) -> list[QuoteOccurrence]:
        """Stored quotes sharing at least :data:`QUOTE_MIN_SHARE` of ``grams`` (the word
        3-gram hashes of a quote, see :func:`attrib.documents.quote_grams`), best first."""

    def delete_all(self) -> None:
        """Remove the store's index or file entirely."""

    def close(self) -> None: ...

    def delete(self, article_id: str) -> bool:
        """Remove one article with its fingerprints and quotes; False when it was not stored."""

    def get_stored(self, ids: Sequence[str]) -> dict[str, "StoredArticle"]:
        """The stored articles with these ids, each with its story, attribution and copies count."""

    def set_attribution(self, article_id: str, attribution: "Attribution") -> bool:
        """Store what a check found (and the story it puts the article in) on the article;
        False when it is not stored. Replacing the article's text drops it again."""

    def recount_copies(self, story_ids: Collection[str]) -> dict[str, int]:
        """Set ``copies_seen`` of each stored article of ``story_ids`` to the number of other
        stored articles in its story, and return those counts (every write so far counts)."""

    def search(self, query: "SearchQuery") -> "SearchPage":
        """Full-text search over title and text, copies folded under their original (see
        :class:`SearchQuery`)."""


def unstorable(document: Document) -> str | None:
    """Why no store keeps ``document``, or None when it can be stored.

    Every store refuses the same documents, each on its own (a ``FAILED`` result, the
    others landing): a value longer than :data:`KEYWORD_MAX_BYTES` in a field that
    Elasticsearch keeps as a keyword (``outlet``, ``url``, ``lang``, a quote's speaker,
    cue or credited outlet), which the embedded store would otherwise have kept.
    """
    article = document.article
    fields = [(name, getattr(article, name)) for name in ("outlet", "url", "lang")]
    for quote in document.quotes:
        fields += [("quote speaker", quote.speaker), ("quote cue", quote.cue), ("quote credited outlet", quote.credited_outlet)]
    for name, value in fields:
        size = len(value.encode("utf-8", "surrogatepass")) if value is not None else 0
        if size > KEYWORD_MAX_BYTES:
            return f"{name} is {size:,} bytes long (UTF-8); a store keeps at most {KEYWORD_MAX_BYTES:,}"
    return None


def idf(df: int, n: int) -> float:
    """BM25's inverse document frequency, as Elasticsearch computes it."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def min_shared_grams(grams: Sequence[int]) -> int:
    return max(1, math.ceil(QUOTE_MIN_SHARE * len(grams)))


def _int4(i: int) -> int:
    bits = i.bit_length()
    if bits < 4:
        return i
    shift = bits - 4
    return ((i >> shift) & 0x07) | ((shift + 1) << 3)


def _from_int4(i: int) -> int:
    bits, shift = i & 0x07, (i >> 3) - 1
    return bits if shift == -1 else (bits | 0x08) << shift


_FREE = 255 - _int4(2**31 - 1)  # small lengths are stored exactly


def quantised_length(length: int) -> int:
    """A field length as Lucene's norms keep it: exact up to 23, then with four
    significant bits (a one-byte encoding), so BM25 here matches Elasticsearch's."""
    if length < _FREE:
        return length
    return _FREE + _from_int4(_int4(length - _FREE))


def bm25(tf: int, length: int, average: float, df: int, n: int) -> float:
    """BM25 for one term as Elasticsearch scores it: IDF times
    ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))``, with ``length``
    quantised like Lucene's norms."""
    norm = BM25_K1 * (1 - BM25_B + BM25_B * quantised_length(length) / average)
    return idf(df, n) * tf * (BM25_K1 + 1) / (tf + norm)


def _spread(items: list[_T], cap: int) -> list[_T]:
    """All of ``items``, or ``cap`` of them evenly spread over the list (over a very long
    article, so that every part of it still takes part in retrieval)."""
    if len(items) <= cap:
        return items
    step = len(items) / cap
    return [items[int(i * step)] for i in range(cap)]


def query_pairs(document: Document) -> list[int]:
    """The distinct pair hashes sent to retrieval, at most :data:`MAX_PAIR_TERMS`."""
    return _spread(list(dict.fromkeys(document.pairs)), MAX_PAIR_TERMS)


def _content_words(tokens: Iterable[str]) -> list[str]:
    from attrib.core.terms import stopwords

    stop = stopwords()
    return [w for w in dict.fromkeys(tokens) if len(w) > 2 and w not in stop and w.isalnum()]


def query_words(document: Document) -> list[str]:
    """The query's distinct content words (stop words, words of one or two letters and
    tokens with other than letters and digits dropped; lower case), at most
    :data:`MAX_WORDS` spread evenly over the text: whether there are more than
    :data:`TEXT_STAGE_MIN_WORDS` decides whether the second stage may run."""
    from attrib.core.normalise import token_columns

    tokens = document.words if document.words is not None else token_columns(document.article.text)[0]
    return _spread(_content_words(tokens), MAX_WORDS)


def query_passages(document: Document) -> list[list[str]]:
    """The query's passages for the second stage, each as its distinct content words (as
    :func:`query_words` keeps them): its paragraphs (lines), a paragraph with fewer than
    :data:`PASSAGE_MIN_WORDS` content words joined with the ones after it (a short rest at
    the end joins the passage before it); at most :data:`MAX_PASSAGES`, spread evenly, of
    at most :data:`MAX_WORDS` words each, spread evenly over the passage."""
    from attrib.core.normalise import token_texts

    passages: list[list[str]] = []
    current: dict[str, None] = {}
    for line in document.article.text.split("\n"):
        if not line.strip():
            continue
        current.update(dict.fromkeys(_content_words(token_texts(line))))
        if len(current) >= PASSAGE_MIN_WORDS:
            passages.append(list(current))
            current = {}
    if current:
        if passages:
            passages[-1] = list(dict.fromkeys([*passages[-1], *current]))
        else:
            passages.append(list(current))
    return [_spread(words, MAX_WORDS) for words in _spread(passages, MAX_PASSAGES)]


def text_stage_passages(document: Document) -> list[list[str]]:
    """The passages the second stage queries with (:func:`query_passages`), or none when
    the query has no more than :data:`TEXT_STAGE_MIN_WORDS` content words: then the stage
    cannot choose rare words, it would query every word, ordinary ones included, and rank
    topical look-alikes (a short news brief, an earnings table) as high as a source."""
    if len(query_words(document)) <= TEXT_STAGE_MIN_WORDS:
        return []
    return query_passages(document)


def weak_evidence(best: float | None, n: int, cascade: float | None) -> bool:
    """Whether the first stage's best evidence (None: no candidate) calls for the second stage."""
    if cascade is None or n <= 0:
        return False
    return best is None or best < cascade * idf(1, n)


def second_stage_passages(first: Sequence[Candidate], query: Document, n: int, cascade: float | None) -> list[list[str]]:
    """The passages the second stage queries with, after the first stage found ``first`` in
    ``n`` stored articles; none when the first stage's evidence is strong enough
    (:func:`weak_evidence`) or the query too short for the stage (:func:`text_stage_passages`)."""
    if not weak_evidence(max((c.evidence or 0.0 for c in first), default=None), n, cascade):
        return []
    return text_stage_passages(query)


def query_terms(document: Document) -> list[int]:
    """The query fingerprints sent to retrieval, at most :data:`MAX_QUERY_TERMS`."""
    return _spread(list(document.fingerprints), MAX_QUERY_TERMS)


# -- attribution stored with each article, and search ------------------------------

COPY_VERDICTS = frozenset({"copied", "licensed_reuse"})
"""Verdicts that make an article a copy: it joins its original's story."""


@dataclass(frozen=True)
class Attribution:
    """What a check of an article found, as stored on its document (``attribution.*``).

    ``story_id`` is the story the article belongs to: its original's story when it is a
    copy (``verdict`` in :data:`COPY_VERDICTS`), else its own id. ``copied_share`` is the
    share of the article's text its original covers (0 without one).
    """

    verdict: str
    story_id: str
    original_id: str | None = None
    original_outlet: str | None = None
    copied_share: float = 0.0
    unattributed_quotes: int = 0
    checked_at: datetime | None = None

    def to_dict(self) -> dict:
        """The ``attribution`` object of a document (``story_id`` lives beside it)."""
        return {
            "verdict": self.verdict,
            "original_id": self.original_id,
            "original_outlet": self.original_outlet,
            "copied_share": round(self.copied_share, 4),
            "unattributed_quotes": self.unattributed_quotes,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict, story_id: str) -> "Attribution":
        return cls(
            verdict=data["verdict"],
            story_id=story_id,
            original_id=data.get("original_id"),
            original_outlet=data.get("original_outlet"),
            copied_share=float(data.get("copied_share") or 0.0),
            unattributed_quotes=int(data.get("unattributed_quotes") or 0),
            checked_at=datetime.fromisoformat(data["checked_at"]) if data.get("checked_at") else None,
        )


@dataclass(frozen=True)
class StoredArticle:
    """A stored article with what attrib learnt about it."""

    article: Article
    story_id: str
    """Its original's story when a check found it to be a copy, else its own id."""
    attribution: Attribution | None = None
    """None until the article is checked on arrival."""
    copies_seen: int = 0
    """How many other stored articles are in this article's story (its copies)."""


@dataclass(frozen=True)
class SearchQuery:
    """A search: words matched over title (weighted twice) and text, as Elasticsearch's
    ``match`` does (any word; ranked by BM25), or everything newest first when ``text``
    is empty; filtered by outlet and a half-open publication window.

    ``originals_only`` leaves copies out. ``fold`` gives one hit per story. ``story``
    lists the articles of one story (unfolded, oldest first).
    """

    text: str | None = None
    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    originals_only: bool = False
    story: str | None = None
    fold: bool = True
    page: int = 1
    size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def folded(self) -> bool:
        return self.fold and self.story is None


@dataclass(frozen=True)
class SearchHit:
    """One result: an article, or when folded a story shown as its original (when stored)."""

    stored: StoredArticle
    matched_id: str
    """The article that matched best (the shown one, or one of its copies)."""
    score: float | None = None
    snippet: str | None = None
    copies: int = 0
    """When folded: the copies in the story (the shown original's ``copies_seen``)."""


@dataclass(frozen=True)
class SearchPage:
    total: int
    """Matching stories when folded, else matching articles."""
    hits: list[SearchHit]
