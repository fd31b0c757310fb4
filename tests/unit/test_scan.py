"""`attrib scan` on the embedded store: outputs, resume, bad input, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from attrib.cli import main
from attrib.corpora import bbc

SHARED = Path(__file__).resolve().parent.parent.parent.parent / "shared"
SEED_000 = SHARED / "examples" / "000_bab4808bdd29a8aa.txt"
SEED_003 = SHARED / "examples" / "003_dbab0492c2aca2f8.txt"


@pytest.fixture
def archive(tmp_path, monkeypatch):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(tmp_path / "attrib.db"))
    articles = [a for a in bbc(SHARED / "data") if a.id.startswith("bbc/tech/")][:40]
    lines = [json.dumps(a.to_dict()) for a in articles]
    seed = SEED_003.read_text(encoding="utf-8")
    lines.append(json.dumps({"id": "rewrite-003", "text": seed}))
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines[:10] + ["{broken"] + lines[10:]) + "\n", encoding="utf-8")
    assert main(["index", str(path), str(SEED_000), "--no-progress"]) == 4  # the "{broken" line is skipped
    return path


def test_scan_writes_reports_csv_and_index(archive, tmp_path, capsys):
    out = tmp_path / "scan"
    # 4: the archive's "{broken" line was skipped, the rest checked
    assert main(["scan", str(archive), "--output", str(out), "--workers", "2", "--no-progress"]) == 4
    stdout = capsys.readouterr().out
    assert "checked 41" in stdout and "bad records 1" in stdout
    reports = [json.loads(line) for line in (out / "reports.jsonl").read_text().splitlines()]
    ids = [r["article"]["id"] for r in reports]
    assert len(ids) == len(set(ids)) == 41
    by_id = {r["article"]["id"]: r for r in reports}
    assert by_id["rewrite-003"]["likely_original"]["id"] == "000_bab4808bdd29a8aa"
    rows = list(csv.DictReader(open(out / "summary.csv", encoding="utf-8")))
    assert len(rows) == 41 and rows[0]["article"] == max(rows, key=lambda r: float(r["severity"]))["article"]
    flagged = {r["article"] for r in rows if r["likely_original"]}
    assert "rewrite-003" in flagged
    index = (out / "index.html").read_text(encoding="utf-8")
    for article_id in flagged:
        assert article_id in index
    assert len(list((out / "reports").glob("*.html"))) >= len(flagged)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert errors[0]["location"].endswith("archive.jsonl:11")


def test_rerun_resumes_and_writes_nothing_twice(archive, tmp_path, capsys):
    out = tmp_path / "scan"
    assert main(["scan", str(archive), "--output", str(out), "--workers", "1", "--no-progress"]) == 4
    lines = (out / "reports.jsonl").read_text().splitlines()
    # Simulate a kill: drop the last ten reports and leave a torn line.
    (out / "reports.jsonl").write_text("\n".join(lines[:-10]) + "\n" + lines[-10][:37], encoding="utf-8")
    capsys.readouterr()
    assert main(["scan", str(archive), "--output", str(out), "--workers", "2", "--no-progress"]) == 4
    stdout = capsys.readouterr().out
    assert stdout.startswith("checked 10 (") and "resumed past 31" in stdout
    ids = [json.loads(line)["article"]["id"] for line in (out / "reports.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids)) == 41
    assert len((out / "errors.jsonl").read_text().splitlines()) == 1  # the bad record, logged once


def test_other_options_into_the_same_folder_are_refused(archive, tmp_path, capsys):
    out = tmp_path / "scan"
    assert main(["scan", str(archive), "--output", str(out), "--workers", "1", "--no-progress"]) == 4
    assert main(["scan", str(archive), "--output", str(out), "--min-coverage", "0.5", "--no-progress"]) == 2
    assert "holds a scan of other inputs or with other options" in capsys.readouterr().err
    # the retrieval cascade changes which sources a scan finds: a resumed scan must not mix modes
    assert main(["scan", str(archive), "--output", str(out), "--cascade", "0", "--no-progress"]) == 2
    assert "holds a scan of other inputs or with other options" in capsys.readouterr().err


def test_scan_from_index_by_outlet(archive, tmp_path, capsys):
    out = tmp_path / "scan"
    assert main(["scan", "--from-index", "--outlet", "BBC", "--output", str(out), "--workers", "1", "--no-progress"]) == 0
    ids = [json.loads(line)["article"]["id"] for line in (out / "reports.jsonl").read_text().splitlines()]
    assert len(ids) == 40 and all(i.startswith("bbc/tech/") for i in ids)


def test_scan_from_the_embedded_index_with_workers_exits_cleanly(archive, tmp_path, capsys):
    # with workers the stored articles are read on another thread than the one that
    # opened and closes the store
    out = tmp_path / "scan"
    assert main(["scan", "--from-index", "--outlet", "BBC", "--output", str(out), "--workers", "2", "--no-progress"]) == 0
    assert len((out / "reports.jsonl").read_text().splitlines()) == 40


def test_bad_invocations_are_one_line(archive, tmp_path, capsys):
    assert main(["scan", "--output", str(tmp_path / "o")]) == 2
    assert "give PATH... to scan files, or --from-index" in capsys.readouterr().err
    assert main(["scan", str(archive), "--outlet", "BBC", "--output", str(tmp_path / "o")]) == 2
    assert "use them with --from-index" in capsys.readouterr().err
    assert main(["scan", str(archive), "--min-evidence", "-1", "--output", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "min_evidence must be between 0 and" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_empty_store_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(tmp_path / "empty.db"))
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": "some text here"}) + "\n")
    assert main(["scan", str(tmp_path / "a.jsonl"), "--output", str(tmp_path / "o"), "--no-progress"]) == 3
    assert "holds no articles yet" in capsys.readouterr().err


def test_scan_write_back_stores_attribution_on_the_index(tmp_path, monkeypatch, capsys):
    from attrib.article import Article
    from attrib.cli import main
    from attrib.indexing import index_articles
    from attrib.store import EmbeddedStore

    text = " ".join(f"Sentence {i} of the harbour board report names dredger {100 + i} and berth {7 * i}." for i in range(20))
    other = " ".join(f"Line {i} about the choir concert in the old church, seat {3 * i} of row {i}." for i in range(20))
    db = tmp_path / "attrib.db"
    store = EmbeddedStore(db)
    index_articles(store, [
        Article.from_dict({"id": "first", "text": text, "outlet": "Harbour Gazette", "published_at": "2024-01-01"}),
        Article.from_dict({"id": "copy", "text": text + " A closing line of its own.", "outlet": "Copy Daily", "published_at": "2024-01-03"}),
        Article.from_dict({"id": "other", "text": other, "outlet": "Choir News", "published_at": "2024-01-02"}),
    ])
    store.close()
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    assert main(["scan", "--from-index", "--write-back", "--db", str(db), "-o", str(tmp_path / "scan"), "--workers", "1", "--no-progress"]) == 0
    store = EmbeddedStore(db)
    try:
        stored = store.get_stored(["first", "copy", "other"])
        assert stored["copy"].attribution.verdict == "copied" and stored["copy"].attribution.original_id == "first"
        assert stored["copy"].story_id == "first" and stored["first"].copies_seen == 1
        assert stored["other"].attribution.verdict == "no_source" and stored["other"].story_id == "other"
    finally:
        store.close()
    assert main(["scan", "x.jsonl", "--write-back", "--db", str(db), "-o", str(tmp_path / "scan2")]) == 2
    assert "--from-index" in capsys.readouterr().err
