"""Hostile input through `attrib index`, `scan` and `check` on the embedded store (the
properties are in tests/input_properties.py; Elasticsearch runs them too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attrib.cli import main
from attrib.store import EmbeddedStore
from tests.conftest import ROOT
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


def embedded(db: Path) -> StoreUnderTest:
    def articles() -> dict[str, str]:
        store = EmbeddedStore(db)
        try:
            return {a.id: a.text for a in store.iter_articles()}
        finally:
            store.close()

    return StoreUnderTest(["--db", str(db)], articles)


@pytest.fixture
def no_es(monkeypatch):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)


@property_settings(max_examples=40)
@given(lines=archive(), name=file_names)
def test_index_and_scan_take_every_good_record_and_name_every_bad_line(tmp_path, capsys, no_es, lines, name):
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        folder = Path(folder)
        store = embedded(folder / "attrib.db")
        check_index(store, folder, name, lines, capsys)
        check_scan(store, folder, name, lines, capsys)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("checked") / "attrib.db"
    archive_file = db.parent / "archive.jsonl"
    archive_file.write_text("".join(json.dumps(record) + "\n" for record in CHECK_ARCHIVE), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ATTRIB_ES_URL", raising=False)
        assert main(["index", str(archive_file), "--db", str(db), "--workers", "1", "--no-progress"]) == 0
    return db


@pytest.mark.parametrize("where", ["-", *CHECK_SUFFIXES])
@property_settings(max_examples=8)
@given(data=check_bytes, fmt=st.sampled_from(["text", "json", "html"]))
def test_check_reports_or_refuses_in_one_line(tmp_path, capsys, no_es, indexed, where, data, fmt):
    check_article(embedded(indexed), tmp_path, where, data, fmt, capsys)


# -- the same, through a real process: its own stdout and stderr, and worker processes ----

HOSTILE_FILE = [
    b'{"id": "good-1", "text": "Harbour minister council said the storm closed the bridge."}',
    b"{broken",
    b'{"id": "s", "text": "lone \\ud800 surrogate"}',
    b'{"id": "bad\\u001bid", "text": "control character in the id"}',
    b'{"id": "' + b"x" * 600 + b'", "text": "huge id"}',
    b'{"id": ' + b"7" * 5000 + b', "text": "huge number"}',
    b"[" * 50_000 + b"]" * 50_000,
    b'{"id": "latin", "text": "caf\xe9"}',
    b'{"id": "no-text"}',
    b"[1, 2]",
    b"\x0c",
    b'{"id": "good-2", "text": "Farmers and the union met the mayor at the airport on Friday."}',
]


def run(*argv: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "ATTRIB_ES_URL"}
    return subprocess.run([sys.executable, "-m", "attrib", *argv], input=stdin, capture_output=True, env=env, cwd=ROOT, timeout=300)


def test_hostile_input_through_a_real_process(tmp_path):
    folder = tmp_path / os.fsdecode(b"in\xff\x1b[2J\nput")  # not UTF-8, an escape and a newline
    folder.mkdir()
    path = folder / "archive.jsonl"
    path.write_bytes(b"\n".join(HOSTILE_FILE) + b"\n")
    db = str(tmp_path / "attrib.db")

    index = run("index", str(path), "--db", db, "--workers", "2", "--no-progress")
    err = index.stderr.decode("utf-8")
    assert index.returncode == 4 and "Traceback" not in err, err
    assert index.stdout.decode("utf-8").startswith("indexed 2,")
    assert err.count("\n") == len(HOSTILE_FILE) - 2 and "\x1b" not in err
    assert set(embedded(Path(db)).articles()) == {"good-1", "good-2"}

    scan = run("scan", str(path), "-o", str(tmp_path / "scan"), "--db", db, "--workers", "2", "--no-progress")
    assert scan.returncode == 4 and b"Traceback" not in scan.stderr, scan.stderr
    assert scan.stderr.count(b"\n") == len(HOSTILE_FILE) - 2

    for argv, stdin in (
        (["check", "-"], HOSTILE_FILE[5]),
        (["check", "-"], b"{" + HOSTILE_FILE[6]),
        (["check", str(path)], b""),
        (["check", str(folder)], b""),
        (["check", "-", "--published-at", "nonsense"], HOSTILE_FILE[0]),
    ):
        checked = run(*argv, "--db", db, stdin=stdin)
        assert checked.returncode == 2 and b"Traceback" not in checked.stderr, (argv, checked.stderr)
        assert checked.stderr.count(b"\n") == 1 and checked.stderr.startswith(b"attrib: "), (argv, checked.stderr)
