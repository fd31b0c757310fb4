"""Hostile and unusual input: bad bytes, lone surrogates, odd ids, broken readers.

Each test feeds the readers or the CLI what a real archive throws at them and checks that
the bad part is reported (file, line, field) while everything else still lands.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attrib.article import Article
from attrib.cli import main
from attrib.readers import BadRecord, read_paths


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(tmp_path / "attrib.db"))
    return tmp_path


def story(i: int) -> str:
    return f"Story number {i} says the harbour authority closed the northern pier on Tuesday evening."


def records(n: int) -> list[dict]:
    return [{"id": f"a{i}", "text": story(i)} for i in range(n)]


def jsonl_bytes(items: list[dict]) -> bytes:
    return b"".join(json.dumps(item).encode("utf-8") + b"\n" for item in items)


def stored_ids(env: Path) -> set[str]:
    from attrib.store import EmbeddedStore

    store = EmbeddedStore(env / "attrib.db")
    try:
        return {a.id for a in store.iter_articles()}
    finally:
        store.close()


# -- 1. one bad byte in a JSONL file ---------------------------------------------------


def test_bad_byte_in_jsonl_costs_only_its_line(tmp_path):
    items = records(8)
    data = bytearray(jsonl_bytes(items))
    lines = bytes(data).split(b"\n")
    bad_line = 4  # 1-based
    offset = sum(len(line) + 1 for line in lines[: bad_line - 1]) + lines[bad_line - 1].index(b"Story")
    data[offset] = 0xE9
    path = tmp_path / "in.jsonl"
    path.write_bytes(bytes(data))

    out = list(read_paths([path]))

    bad = [r for r in out if isinstance(r, BadRecord)]
    good = [r for r in out if isinstance(r, Article)]
    assert [b.location for b in bad] == [f"{path}:{bad_line}"]
    assert "byte 0xe9" in bad[0].message
    column = lines[bad_line - 1].index(b"Story") + 1
    assert f"column {column}" in bad[0].message
    assert {a.id for a in good} == {item["id"] for i, item in enumerate(items) if i != bad_line - 1}


def test_bad_byte_in_jsonl_through_the_cli(env, capsys):
    items = records(5)
    data = jsonl_bytes(items).replace(story(2).encode(), story(2).encode().replace(b"harbour", b"harb\xffur"))
    path = env / "in.jsonl"
    path.write_bytes(data)
    main(["index", str(path), "--no-progress"])
    err = capsys.readouterr().err
    assert f"{path}:3: not utf-8 text (byte 0xff" in err
    assert stored_ids(env) == {"a0", "a1", "a3", "a4"}


def test_jsonl_with_a_utf8_bom_reads_its_first_line(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + jsonl_bytes(records(2)))
    assert [r.id for r in read_paths([path])] == ["a0", "a1"]


def test_jsonl_in_a_multibyte_newline_encoding_is_one_bad_file(tmp_path):
    path = tmp_path / "wide.jsonl"
    path.write_bytes(jsonl_bytes(records(2)).decode().encode("utf-16"))
    (tmp_path / "b.jsonl").write_bytes(jsonl_bytes(records(1)))
    out = list(read_paths([path, tmp_path / "b.jsonl"], encoding="utf-16"))
    assert len(out) == 2 and all(isinstance(r, BadRecord) for r in out)
    assert out[0].location == str(path) and "0x0a" in out[0].message


def test_unknown_encoding_is_one_line_before_anything_is_read(env, capsys):
    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(records(1)))
    assert main(["index", str(path), "--encoding", "no-such-codec", "--no-progress"]) == 2
    assert capsys.readouterr().err.strip() == "attrib: unknown encoding 'no-such-codec'"
    assert not (env / "attrib.db").exists()
