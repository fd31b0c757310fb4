"""Hostile input through `attrib index`, `scan` and `check` on Elasticsearch: the
properties of tests/input_properties.py, each example in an index of its own."""

from __future__ import annotations

import contextlib
import json
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attrib.cli import main
from attrib.config import Config
from attrib.store import open_store
from tests.input_properties import (
    CHECK_ARCHIVE,
    CHECK_SUFFIXES,
    StoreUnderTest,
    archive,
    check_article,
    check_bytes,
    check_index,
    check_scan,
    file_names,
    property_settings,
)


def _remove(client, prefix: str) -> None:
    # Clusters refuse wildcard deletes by default (action.destructive_requires_name).
    names = list(client.indices.get(index=f"{prefix}*", expand_wildcards="all"))
    if names:
        client.indices.delete(index=",".join(names))
    templates = client.options(ignore_status=404).indices.get_index_template(name=f"{prefix}*")
    for template in templates.get("index_templates", []) if templates else []:
        client.indices.delete_index_template(name=template["name"])


@contextlib.contextmanager
def elasticsearch(es_url: str, client):
    """A store under a fresh index prefix, removed with its template afterwards."""
    prefix = f"attrib-test-{uuid.uuid4().hex[:10]}"

    def articles() -> dict[str, str]:
        store = open_store(Config(es_url=es_url, index=prefix))
        try:
            store.refresh()
            return {a.id: a.text for a in store.iter_articles()}
        finally:
            store.close()

    try:
        yield StoreUnderTest(["--es-url", es_url, "--index", prefix], articles)
    finally:
        _remove(client, prefix)


@property_settings(max_examples=10)
@given(lines=archive(), name=file_names)
def test_index_and_scan_take_every_good_record_and_name_every_bad_line(es_url, es_client, tmp_path, capsys, lines, name):
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder, elasticsearch(es_url, es_client) as store:
        folder = Path(folder)
        check_index(store, folder, name, lines, capsys)
        check_scan(store, folder, name, lines, capsys)


@pytest.fixture(scope="module")
def indexed(es_url, tmp_path_factory):
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_url, request_timeout=60)
    with elasticsearch(es_url, client) as store:
        archive_file = tmp_path_factory.mktemp("checked") / "archive.jsonl"
        archive_file.write_text("".join(json.dumps(record) + "\n" for record in CHECK_ARCHIVE), encoding="utf-8")
        assert main(["index", str(archive_file), *store.options, "--workers", "1", "--no-progress"]) == 0
        yield store
    client.close()


@property_settings(max_examples=12)
@given(where=st.sampled_from(["-", *CHECK_SUFFIXES]), data=check_bytes, fmt=st.sampled_from(["text", "json", "html"]))
def test_check_reports_or_refuses_in_one_line(indexed, tmp_path, capsys, where, data, fmt):
    check_article(indexed, tmp_path, where, data, fmt, capsys)
