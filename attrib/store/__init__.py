"""Stores: where articles and their fingerprints live, behind one protocol.

:func:`open_store` picks the Elasticsearch store when the config has an URL and the
embedded SQLite store otherwise. Neither touches the network or disk until first used.
"""

from __future__ import annotations

from attrib.config import Config
from attrib.core import FingerprintParams
from attrib.store.base import ArticleFilter, Candidate, Store, WritePolicy, WriteResult, WriteStatus
from attrib.store.embedded import EmbeddedStore


def open_store(config: Config, params: FingerprintParams | None = None) -> Store:
    """The store ``config`` names. ``params``: the fingerprint parameters wanted (None:
    whatever the store already holds, or the defaults for a new one)."""
    if config.uses_elasticsearch:
        from attrib.store.elastic import ElasticsearchStore

        return ElasticsearchStore(config, params)
    return EmbeddedStore(config.db_path, params)


__all__ = [
    "ArticleFilter",
    "Candidate",
    "EmbeddedStore",
    "Store",
    "WritePolicy",
    "WriteResult",
    "WriteStatus",
    "open_store",
]
