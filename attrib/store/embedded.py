"""The embedded store: one SQLite file, no server. The default when no Elasticsearch URL is given.

It keeps the same postings Elasticsearch would (fingerprint -> articles) and scores
candidates with the same IDF formula, so results match the Elasticsearch store's up to
floating-point detail. It is meant for one machine and archives of up to a few hundred
thousand articles; a newsroom-scale archive belongs in Elasticsearch.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Collection, Iterable, Iterator, Sequence

from attrib.article import Article, parse_datetime
from attrib.core import FingerprintParams
from attrib.core.quotes import QuoteOccurrence
from attrib.documents import Document
from attrib.errors import ParameterMismatchError, StoreError
from attrib.store.base import (
    BAND_BOOST,
    CONFLICT_ERROR,
    PAIR_WEIGHT,
    PASSAGE_TERMS,
    TEXT_WEIGHT,
    text_max_df,
    ArticleFilter,
    Attribution,
    Candidate,
    SearchHit,
    SearchPage,
    SearchQuery,
    StoredArticle,
    WritePolicy,
    WriteResult,
    WriteStatus,
    bm25,
    idf,
    min_shared_grams,
    unstorable,
    query_pairs,
    query_terms,
    second_stage_passages,
)

SCHEMA_VERSION = 1
_BATCH = 500
_SQL_VARS = 900  # below SQLite's default limit on bound variables
_BUSY_TIMEOUT = 60.0
"""Seconds a writer waits for another process's transaction on the same file."""


@contextmanager
def _write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """A transaction that holds SQLite's write lock from its first statement.

    Another process writing the same file waits (up to :data:`_BUSY_TIMEOUT`) instead of
    reading ids before us and inserting them after we did: a look-up and the insert it
    decides on see the same rows.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _select_in(conn: sqlite3.Connection, sql: str, values: Sequence) -> Iterator[tuple]:
    """Rows of ``sql``, whose ``{marks}`` stands for a list of values, over ``values`` in
    chunks that stay under SQLite's limit on bound variables."""
    for start in range(0, len(values), _SQL_VARS):
        chunk = list(values[start : start + _SQL_VARS])
        yield from conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    title TEXT, outlet TEXT, url TEXT, published_at TEXT, lang TEXT,
    simhash INTEGER NOT NULL,
    shingles INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles(outlet, published_at);
CREATE TABLE IF NOT EXISTS postings (hash INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (hash, doc)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postings_doc ON postings(doc);
CREATE TABLE IF NOT EXISTS bands (key TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pairs (hash INTEGER NOT NULL, doc INTEGER NOT NULL, tf INTEGER NOT NULL, PRIMARY KEY (hash, doc)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pairs_doc ON pairs(doc);
CREATE TABLE IF NOT EXISTS pair_lengths (doc INTEGER PRIMARY KEY, length INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bands_doc ON bands(doc);
CREATE TABLE IF NOT EXISTS quotes (
    doc INTEGER NOT NULL, qi INTEGER NOT NULL,
    text TEXT NOT NULL, start INTEGER NOT NULL, stop INTEGER NOT NULL,
    speaker TEXT, cue TEXT, credited_outlet TEXT, interview INTEGER NOT NULL,
    PRIMARY KEY (doc, qi)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quote_grams (gram INTEGER NOT NULL, doc INTEGER NOT NULL, qi INTEGER NOT NULL, PRIMARY KEY (gram, doc, qi)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS quote_grams_doc ON quote_grams(doc);
"""


def _open(path: Path) -> sqlite3.Connection:
    """A connection to the store at ``path`` with its schema in place.

    Processes opening one new file at once meet on locks that SQLite reports at once,
    without waiting: switching the file to WAL, and creating its tables. The schema is
    made in one write transaction, and an open that meets a lock is tried again until
    :data:`_BUSY_TIMEOUT` has passed.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT
    pause = 0.01
    while True:
        conn = None
        try:
            conn = sqlite3.connect(path, timeout=_BUSY_TIMEOUT)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            with _write_transaction(conn):
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                _add_attribution_columns(conn)
            return conn
        except sqlite3.DatabaseError as e:  # OperationalError, the lock, is one of these
            if conn is not None:
                conn.close()
            locked = isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "busy" in str(e))
            if not locked or time.monotonic() > deadline:
                raise StoreError(f"{path} is not an attrib store: {e}") from e
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


class EmbeddedStore:
    """Articles and fingerprints in one SQLite file at ``path``."""

    def __init__(self, path: str | Path, params: FingerprintParams | None = None):
        self.path = Path(path)
        self._wanted = params
        self._params: FingerprintParams | None = None
        self._conn: sqlite3.Connection | None = None

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.path)!r})"

    # -- lifecycle -----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            if self.path.is_dir():
                raise StoreError(f"{self.path} is a folder, not an attrib store file")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = _open(self.path)
        return self._conn

    def init(self) -> FingerprintParams:
        if self._params is not None:
            return self._params
        conn = self._connect()
        row = conn.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        if row is None:
            with _write_transaction(conn):  # two processes creating one store: the first one's parameters stand
                row = conn.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
                if row is None:
                    params = self._wanted or FingerprintParams()
                    conn.execute("INSERT INTO meta VALUES ('params', ?)", (json.dumps(params.to_meta()),))
                    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        if row is not None:
            try:
                params = FingerprintParams.from_meta(json.loads(row[0]))
            except (ValueError, TypeError) as e:
                raise StoreError(f"{self.path}: unreadable fingerprint parameters: {e}") from e
            if self._wanted is not None and self._wanted != params:
                raise ParameterMismatchError(params.to_meta(), self._wanted.to_meta(), where=f"store {self.path}")
        self._params = params
        return params

    @property
    def params(self) -> FingerprintParams:
        return self.init()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def delete_all(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self._params = None

    def refresh(self) -> None:
        """Writes are visible once committed; nothing to do."""

    # -- writes --------------------------------------------------------------------

    def write(self, documents: Iterable[Document], *, policy: WritePolicy = WritePolicy.KEEP) -> Iterator[WriteResult]:
        params = self.init()
        conn = self._connect()
        batch: list[Document] = []
        for document in documents:
            params.check_compatible(document.params, where=f"documents for store {self.path}")
            batch.append(document)
            if len(batch) >= _BATCH:
                yield from self._write_batch(conn, batch, policy)
                batch = []
        if batch:
            yield from self._write_batch(conn, batch, policy)

    def _write_batch(self, conn: sqlite3.Connection, batch: list[Document], policy: WritePolicy) -> list[WriteResult]:
        results: list[WriteResult] = []
        with _write_transaction(conn):
            for document in batch:
                article = document.article
                problem = unstorable(document)
                if problem is not None:
                    results.append(WriteResult(article.id, WriteStatus.FAILED, problem))
                    continue
                existing = conn.execute("SELECT doc, text FROM articles WHERE id = ?", (article.id,)).fetchone()
                if existing is not None and policy is not WritePolicy.OVERWRITE:
                    if existing[1] == article.text:
                        results.append(WriteResult(article.id, WriteStatus.EXISTS))
                        continue
                    if policy is WritePolicy.KEEP:
                        results.append(WriteResult(article.id, WriteStatus.CONFLICT, CONFLICT_ERROR))
                        continue
                row = (
                    article.id,
                    article.text,
                    article.title,
                    article.outlet,
                    article.url,
                    article.published_at.isoformat() if article.published_at else None,
                    article.lang,
                    document.simhash,
                    document.shingle_count,
                )
                if existing is not None:
                    doc = existing[0]
                    conn.execute("DELETE FROM postings WHERE doc = ?", (doc,))
                    conn.execute("DELETE FROM bands WHERE doc = ?", (doc,))
                    conn.execute("DELETE FROM pairs WHERE doc = ?", (doc,))
                    conn.execute("DELETE FROM pair_lengths WHERE doc = ?", (doc,))
                    conn.execute("DELETE FROM quotes WHERE doc = ?", (doc,))
                    conn.execute("DELETE FROM quote_grams WHERE doc = ?", (doc,))
                    conn.execute(
                        "UPDATE articles SET id=?, text=?, title=?, outlet=?, url=?, published_at=?, lang=?, "
                        "simhash=?, shingles=? WHERE doc=?",
                        (*row, doc),
                    )
                    status = WriteStatus.UPDATED
                else:
                    cursor = conn.execute(
                        "INSERT INTO articles (id, text, title, outlet, url, published_at, lang, simhash, shingles) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                        row,
                    )
                    if cursor.rowcount == 0:  # cannot happen under the write lock; a duplicate must never raise
                        results.append(WriteResult(article.id, WriteStatus.EXISTS))
                        continue
                    doc = cursor.lastrowid
                    status = WriteStatus.CREATED
                conn.executemany("INSERT OR IGNORE INTO postings VALUES (?, ?)", ((h, doc) for h in document.fingerprints))
                conn.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", ((b, doc) for b in document.bands))
                if document.pairs:
                    conn.executemany("INSERT INTO pairs VALUES (?, ?, ?)", ((h, doc, tf) for h, tf in Counter(document.pairs).items()))
                    conn.execute("INSERT INTO pair_lengths VALUES (?, ?)", (doc, len(document.pairs)))
                for qi, quote in enumerate(document.quotes):
                    conn.execute(
                        "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (doc, qi, quote.text, quote.start, quote.end, quote.speaker, quote.cue, quote.credited_outlet, int(quote.interview)),
                    )
                    conn.executemany("INSERT OR IGNORE INTO quote_grams VALUES (?, ?, ?)", ((g, doc, qi) for g in quote.grams))
                results.append(WriteResult(article.id, status))
        return results

    # -- reads ---------------------------------------------------------------------

    def count(self) -> int:
        self.init()
        return self._connect().execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def get(self, ids: Sequence[str]) -> dict[str, Article]:
        self.init()
        conn = self._connect()
        found: dict[str, Article] = {}
        unique = list(dict.fromkeys(ids))
        for row in _select_in(conn, "SELECT id, text, title, outlet, url, published_at, lang FROM articles WHERE id IN ({marks})", unique):
            found[row[0]] = _article(row)
        return found

    def iter_articles(self, selection: ArticleFilter | None = None) -> Iterator[Article]:
        """Every stored article matching ``selection``, in id order.

        The articles are read through a connection of their own, opened when the
        iteration starts: a scan reads them on another thread than the one that opened
        the store and closes it, and a SQLite connection belongs to the thread that
        made it."""
        self.init()
        return self._iter_articles(selection or ArticleFilter())

    def _iter_articles(self, selection: ArticleFilter) -> Iterator[Article]:
        clauses, args = [], []
        if selection.outlet is not None:
            clauses.append("outlet = ?")
            args.append(selection.outlet)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        # used by one thread at a time, whichever runs (or closes) this generator
        conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT, check_same_thread=False)
        try:
            cursor = conn.execute(
                f"SELECT id, text, title, outlet, url, published_at, lang FROM articles {where} ORDER BY id", args
            )
            for row in cursor:
                article = _article(row)
                if selection.matches(article):
                    yield article
        finally:
            conn.close()

    def find_quotes(self, grams: Sequence[int], *, exclude: Collection[str] = (), limit: int = 20) -> list[QuoteOccurrence]:
        return _find_quotes(self, grams, exclude, limit)

    deep_queries = 0
    """Second-stage queries this store has run (see :data:`~attrib.store.base.CASCADE_EVIDENCE`)."""

    def candidates(
        self, query: Document, *, limit: int = 10, exclude: Collection[str] = (), cascade: float | None = None
    ) -> list[Candidate]:
        params = self.init()
        params.check_compatible(query.params, where=f"query and store {self.path}")
        conn = self._connect()
        n = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        if n == 0 or limit <= 0:
            return []
        postings: dict[int, list[int]] = defaultdict(list)
        for h, doc in _select_in(conn, "SELECT hash, doc FROM postings WHERE hash IN ({marks})", query_terms(query)):
            postings[h].append(doc)
        scores: dict[int, float] = defaultdict(float)
        shared: dict[int, int] = defaultdict(int)
        for docs in postings.values():
            weight = idf(len(docs), n)
            for doc in docs:
                scores[doc] += weight
                shared[doc] += 1
        banded = {doc for (doc,) in _select_in(conn, "SELECT DISTINCT doc FROM bands WHERE key IN ({marks})", query.bands)}
        for doc in banded:
            scores[doc] += BAND_BOOST
        evidence = dict(scores)
        for doc, score in _pair_scores(conn, query_pairs(query)).items():
            scores[doc] += PAIR_WEIGHT * score
        ranked = self._rank(conn, scores, shared, banded, evidence, limit, exclude)
        passages = second_stage_passages(ranked, query, n, cascade)
        if not passages:
            return ranked
        # The second stage: per passage, BM25 over the full text (FTS5, title weighted 0) for
        # its rarest words in the store; an article's best passage score is added to its
        # first-stage score, as Elasticsearch's dis_max of more_like_this clauses does.
        self.deep_queries += 1
        _ensure_fulltext(conn)
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.articles_fts_vocab USING fts5vocab(main, articles_fts, 'row')")
        distinct = list(dict.fromkeys(w for words in passages for w in words))
        df = dict(_select_in(conn, "SELECT term, doc FROM temp.articles_fts_vocab WHERE term IN ({marks})", distinct))
        most = text_max_df(n)
        best: dict[int, float] = {}
        for words in passages:
            order = {w: i for i, w in enumerate(words)}
            rarest = sorted((w for w in words if 0 < df.get(w, 0) <= most), key=lambda w: (df[w], order[w]))[:PASSAGE_TERMS]
            if not rarest:
                continue
            match = " OR ".join(f'"{w}"' for w in rarest)
            for doc, text_score in conn.execute(
                "SELECT rowid, -bm25(articles_fts, 0.0, 1.0) FROM articles_fts WHERE articles_fts MATCH ?", (match,)
            ):
                if doc not in best or text_score > best[doc]:
                    best[doc] = text_score
        if not best:
            return ranked
        for doc, text_score in best.items():
            scores[doc] += TEXT_WEIGHT * text_score
        return self._rank(conn, scores, shared, banded, evidence, limit, exclude)

    @staticmethod
    def _rank(conn, scores: dict[int, float], shared: dict[int, int], banded: set[int], evidence: dict[int, float],
              limit: int, exclude: Collection[str]) -> list[Candidate]:
        if not scores:
            return []
        excluded = set(exclude)
        best = sorted(scores.items(), key=lambda item: -item[1])
        # Only the best few are named (each excluded article makes room for one more),
        # with every article tied with the last of them: ties break by id.
        cut = best[min(len(best), limit + len(excluded)) - 1][1]
        top = [item for item in best if item[1] >= cut]
        ids = dict(_select_in(conn, "SELECT doc, id FROM articles WHERE doc IN ({marks})", [doc for doc, _ in top]))
        ranked = sorted(
            (
                Candidate(ids[doc], score, shared.get(doc, 0), doc in banded, evidence.get(doc, 0.0))
                for doc, score in top
                if ids[doc] not in excluded
            ),
            key=lambda c: (-c.score, c.id),
        )
        return ranked[:limit]

    # -- single articles, attribution and search --------------------------------------

    def delete(self, article_id: str) -> bool:
        self.init()
        conn = self._connect()
        with _write_transaction(conn):
            row = conn.execute("SELECT doc FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                return False
            for table in ("postings", "bands", "pairs", "pair_lengths", "quotes", "quote_grams", "articles"):
                conn.execute(f"DELETE FROM {table} WHERE doc = ?", row)
        return True

    def get_stored(self, ids: Sequence[str]) -> dict[str, StoredArticle]:
        self.init()
        unique = list(dict.fromkeys(ids))
        sql = f"SELECT {_STORED_COLUMNS} FROM articles WHERE id IN ({{marks}})"
        return {row[0]: _stored(row) for row in _select_in(self._connect(), sql, unique)}

    def set_attribution(self, article_id: str, attribution: Attribution) -> bool:
        self.init()
        conn = self._connect()
        a = attribution
        with _write_transaction(conn):
            cursor = conn.execute(
                "UPDATE articles SET story_id=?, attr_verdict=?, attr_original_id=?, attr_original_outlet=?, "
                "attr_copied_share=?, attr_unattributed_quotes=?, attr_checked_at=? WHERE id=?",
                (a.story_id, a.verdict, a.original_id, a.original_outlet, round(a.copied_share, 4), a.unattributed_quotes,
                 a.checked_at.isoformat() if a.checked_at else None, article_id),
            )
        return cursor.rowcount > 0

    def recount_copies(self, story_ids: Collection[str]) -> dict[str, int]:
        self.init()
        conn = self._connect()
        unique = list(dict.fromkeys(story_ids))
        with _write_transaction(conn):
            for start in range(0, len(unique), _SQL_VARS):
                chunk = unique[start : start + _SQL_VARS]
                conn.execute(
                    "UPDATE articles SET copies_seen = (SELECT COUNT(*) FROM articles c WHERE c.story_id = articles.id "
                    f"AND c.id != articles.id) WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
        return dict(_select_in(conn, "SELECT id, copies_seen FROM articles WHERE id IN ({marks})", unique))

    def search(self, query: SearchQuery) -> SearchPage:
        """Full-text search with SQLite FTS5, built over the stored titles and texts on the
        first search (so a store nobody searches costs no full-text index) and kept in step
        with every write after that by triggers."""
        self.init()
        conn = self._connect()
        _ensure_fulltext(conn)
        conn.create_function("attrib_time", 1, _epoch, deterministic=True)
        clauses, args = [], []
        source = "articles a"
        rank = "NULL"
        words = _fts_words(query.text)
        if query.text is not None and query.text.strip():
            if not words:
                return SearchPage(0, [])
            source = "articles_fts f JOIN articles a ON a.doc = f.rowid"
            clauses.append("articles_fts MATCH ?")
            args.append(words)
            rank = "bm25(articles_fts, 2.0, 1.0)"
        if query.outlet is not None:
            clauses.append("a.outlet = ?")
            args.append(query.outlet)
        if query.since is not None:
            clauses.append("attrib_time(a.published_at) >= ?")
            args.append(query.since.timestamp())
        if query.until is not None:
            clauses.append("attrib_time(a.published_at) < ?")
            args.append(query.until.timestamp())
        if query.story is not None:
            clauses.append("COALESCE(a.story_id, a.id) = ?")
            args.append(query.story)
        if query.originals_only:
            clauses.append("a.attr_original_id IS NULL")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = conn.execute(
            f"SELECT a.doc, a.id, COALESCE(a.story_id, a.id), {rank}, attrib_time(a.published_at) FROM {source} {where}", args
        ).fetchall()
        if query.story is not None:
            rows.sort(key=lambda r: (r[4] is None, r[4] or 0.0, r[1]))
        elif rank != "NULL":
            rows.sort(key=lambda r: (r[3], r[4] is None, -(r[4] or 0.0), r[1]))
        else:
            rows.sort(key=lambda r: (r[4] is None, -(r[4] or 0.0), r[1]))
        if query.folded:
            seen: set[str] = set()
            rows = [r for r in rows if not (r[2] in seen or seen.add(r[2]))]
        page = rows[query.offset : query.offset + query.size]
        shown = [r[2] if query.folded else r[1] for r in page]
        stored = self.get_stored([r[1] for r in page] + shown)
        snippets = _snippets(conn, [r[0] for r in page], words) if rank != "NULL" else {}
        hits = []
        for row, shown_id in zip(page, shown):
            article = stored.get(shown_id) or stored[row[1]]
            hits.append(SearchHit(
                stored=article, matched_id=row[1], score=None if row[3] is None else round(-row[3], 4),
                snippet=snippets.get(row[0]), copies=article.copies_seen if query.folded else 0,
            ))
        return SearchPage(total=len(rows), hits=hits)


_ATTRIBUTION_COLUMNS = (
    ("story_id", "TEXT"),
    ("copies_seen", "INTEGER NOT NULL DEFAULT 0"),
    ("attr_verdict", "TEXT"),
    ("attr_original_id", "TEXT"),
    ("attr_original_outlet", "TEXT"),
    ("attr_copied_share", "REAL"),
    ("attr_unattributed_quotes", "INTEGER"),
    ("attr_checked_at", "TEXT"),
)
_STORED_COLUMNS = "id, text, title, outlet, url, published_at, lang, " + ", ".join(c for c, _ in _ATTRIBUTION_COLUMNS)


def _add_attribution_columns(conn: sqlite3.Connection) -> None:
    """Add the attribution columns to a store made before they existed (and to a new one).

    A store's ``story_id`` is NULL until a check sets it: the article is its own story.
    Replacing an article's text drops its attribution, as Elasticsearch does when it
    replaces the whole document.
    """
    have = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
    for name, kind in _ATTRIBUTION_COLUMNS:
        if name not in have:
            try:
                conn.execute(f"ALTER TABLE articles ADD COLUMN {name} {kind}")
            except sqlite3.OperationalError as e:  # another process added it first
                if "duplicate column" not in str(e):
                    raise
    reset = ", ".join(f"{name} = NULL" for name, _ in _ATTRIBUTION_COLUMNS if name != "copies_seen")
    conn.execute("CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id)")
    conn.execute(f"""
        CREATE TRIGGER IF NOT EXISTS articles_text_replaced AFTER UPDATE OF text ON articles BEGIN
            UPDATE articles SET {reset}, copies_seen = 0 WHERE doc = new.doc;
        END""")


_FULLTEXT = """
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='articles', content_rowid='doc',
    tokenize='unicode61 remove_diacritics 0');
CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.doc, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.doc, old.title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.doc, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.doc, new.title, new.text);
END;
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
"""


def _ensure_fulltext(conn: sqlite3.Connection) -> None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone():
        return
    # Two processes meeting here both build it; the second one's rebuild is only wasted work.
    conn.executescript(f"BEGIN IMMEDIATE; {_FULLTEXT} COMMIT;")


def _fts_words(text: str | None) -> str:
    """The words of a search as an FTS5 query matching any of them (as ``match`` does),
    each quoted so that no word is read as FTS5 syntax."""
    words = re.findall(r"\w+", text or "")
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(w.lower() for w in words))


def _snippets(conn: sqlite3.Connection, docs: list[int], words: str) -> dict[int, str]:
    if not docs:
        return {}
    sql = (f"SELECT rowid, snippet(articles_fts, 1, '', '', '…', 24) FROM articles_fts "
           f"WHERE articles_fts MATCH ? AND rowid IN ({','.join('?' * len(docs))})")
    return dict(conn.execute(sql, (words, *docs)).fetchall())


def _epoch(value: str | None) -> float | None:
    """A stored publication time as seconds since the epoch (the start of a partial date)."""
    if not value:
        return None
    try:
        published = parse_datetime(value)
    except Exception:  # noqa: BLE001 - a value no reader wrote: treated as undated
        return None
    return published.timestamp() if published is not None else None


def _stored(row: tuple) -> StoredArticle:
    article = _article(row[:7])
    story_id, copies_seen, verdict, original_id, original_outlet, share, unattributed, checked_at = row[7:]
    attribution = None
    if verdict is not None:
        attribution = Attribution(
            verdict=verdict, story_id=story_id or article.id, original_id=original_id, original_outlet=original_outlet,
            copied_share=share or 0.0, unattributed_quotes=unattributed or 0,
            checked_at=datetime.fromisoformat(checked_at) if checked_at else None,
        )
    return StoredArticle(article=article, story_id=story_id or article.id, attribution=attribution, copies_seen=copies_seen or 0)


def _pair_scores(conn: sqlite3.Connection, pairs: Sequence[int]) -> dict[int, float]:
    """BM25 of the stored articles sharing content-word pairs with the query, as Lucene
    scores a text field: N and the average length over the articles that have pairs."""
    if not pairs:
        return {}
    n, total = conn.execute("SELECT COUNT(*), COALESCE(SUM(length), 0) FROM pair_lengths").fetchone()
    if n == 0:
        return {}
    average = total / n
    postings: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for h, doc, tf in _select_in(conn, "SELECT hash, doc, tf FROM pairs WHERE hash IN ({marks})", pairs):
        postings[h].append((doc, tf))
    docs = sorted({doc for found in postings.values() for doc, _ in found})
    lengths = dict(_select_in(conn, "SELECT doc, length FROM pair_lengths WHERE doc IN ({marks})", docs))
    scores: dict[int, float] = defaultdict(float)
    for found in postings.values():
        df = len(found)
        for doc, tf in found:
            scores[doc] += bm25(tf, lengths[doc], average, df, n)
    return scores


def _find_quotes(store: "EmbeddedStore", grams: Sequence[int], exclude: Collection[str], limit: int) -> list[QuoteOccurrence]:
    store.init()
    conn = store._connect()
    grams = list(dict.fromkeys(grams))[:_SQL_VARS]
    if not grams or limit <= 0:
        return []
    marks = ",".join("?" * len(grams))
    rows = conn.execute(
        f"SELECT doc, qi, COUNT(*) AS shared FROM quote_grams WHERE gram IN ({marks}) "
        f"GROUP BY doc, qi HAVING shared >= ? ORDER BY shared DESC, doc LIMIT ?",
        (*grams, min_shared_grams(grams), limit + len(exclude)),
    ).fetchall()
    found: list[QuoteOccurrence] = []
    excluded = set(exclude)
    for doc, qi, _shared in rows:
        row = conn.execute(
            "SELECT a.id, a.outlet, a.published_at, q.text, q.start, q.stop, q.credited_outlet, q.cue, q.interview "
            "FROM quotes q JOIN articles a ON a.doc = q.doc WHERE q.doc = ? AND q.qi = ?",
            (doc, qi),
        ).fetchone()
        if row is None or row[0] in excluded:
            continue
        found.append(
            QuoteOccurrence(
                article_id=row[0], outlet=row[1], published_at=parse_datetime(row[2]), quote_text=row[3],
                start=row[4], end=row[5], credited_outlet=row[6], cue=row[7], interview=bool(row[8]),
            )
        )
    return found[:limit]


def _article(row: tuple) -> Article:
    article_id, text, title, outlet, url, published_at, lang = row
    return Article(
        id=article_id,
        text=text,
        title=title,
        outlet=outlet,
        url=url,
        published_at=parse_datetime(published_at),
        lang=lang,
    )
