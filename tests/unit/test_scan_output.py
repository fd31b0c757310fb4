"""What `attrib scan` writes into its folder: no writing through planted symlinks, one
scan at a time, and ids, titles and outlets neutralised in summary.csv and index.html."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from attrib.cli import main
from attrib.config import Config
from attrib.readers import read_paths
from attrib.scan import scan

SHARED = Path(__file__).resolve().parent.parent.parent.parent / "shared"
SEED_000 = SHARED / "examples" / "000_bab4808bdd29a8aa.txt"
SEED_003 = SHARED / "examples" / "003_dbab0492c2aca2f8.txt"
CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
EVIL = {
    # ids with control characters or lone surrogates are refused at input, so the
    # terminal escapes ride in the title and outlet; the id carries a formula
    "id": '=HYPERLINK("http://evil.example/","open")',
    "title": "@SUM(1+1)\x00\x1b[2J\x9b\x1b]0;owned\x07",
    "outlet": "-2+3 Daily\x07",
}


@pytest.fixture(scope="module")
def indexed_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "attrib.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ATTRIB_ES_URL", raising=False)
        mp.setenv("ATTRIB_DB", str(db))
        assert main(["index", str(SEED_000), "--no-progress", "--workers", "1"]) == 0
    return db


@pytest.fixture
def archive(indexed_db, tmp_path, monkeypatch):
    """Three articles: a rewrite of the indexed seed with hostile metadata, two plain ones."""
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(indexed_db))
    rewrite = SEED_003.read_text(encoding="utf-8")
    lines = [
        json.dumps({**EVIL, "text": rewrite}),
        json.dumps({"id": "plain-1", "text": "A council meeting on Tuesday approved the new budget for parks."}),
        json.dumps({"id": "plain-2", "text": "Rain is expected across the north on Friday, forecasters said."}),
    ]
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_scan(archive: Path, out: Path) -> int:
    return main(["scan", str(archive), "-o", str(out), "--workers", "1", "--no-progress"])


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err.strip()


# -- planted symlinks ---------------------------------------------------------------------


def test_fixed_temporary_names_planted_as_symlinks_are_not_followed(archive, tmp_path):
    out = tmp_path / "scan"
    out.mkdir()
    victims = {}
    for name in (".index.html.tmp", ".summary.csv.tmp", ".scan.json.tmp"):
        victim = tmp_path / f"victim{name}"
        victim.write_text("precious\n")
        (out / name).symlink_to(victim)
        victims[name] = victim
    index_victim = tmp_path / "victim-index"
    index_victim.write_text("precious\n")
    (out / "index.html").symlink_to(index_victim)
    assert run_scan(archive, out) == 0
    assert all(v.read_text() == "precious\n" for v in [*victims.values(), index_victim])
    assert not (out / "index.html").is_symlink() and "attrib scan" in (out / "index.html").read_text()
    assert (out / "summary.csv").is_file() and (out / "scan.json").is_file()
    left = {p.name for p in out.iterdir() if p.name.endswith(".tmp")}
    assert left == set(victims)  # the planted links, untouched; none of our own temporaries


@pytest.mark.parametrize("name", ["reports.jsonl", "errors.jsonl", "scan.json"])
def test_a_symlinked_checkpoint_or_log_is_refused(archive, tmp_path, capsys, name):
    out = tmp_path / "scan"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (out / name).symlink_to(victim)
    assert run_scan(archive, out) == 2
    assert "is a symlink" in one_line_error(capsys)
    assert victim.read_text() == "precious\n"


def test_a_symlinked_reports_folder_is_refused(archive, tmp_path, capsys):
    out = tmp_path / "scan"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "reports").symlink_to(elsewhere)
    assert run_scan(archive, out) == 2
    assert "is a symlink" in one_line_error(capsys)
    assert list(elsewhere.iterdir()) == []


# -- one scan per folder ------------------------------------------------------------------


def test_a_second_scan_into_a_busy_folder_is_refused(archive, tmp_path, capsys):
    out = tmp_path / "scan"
    first = scan(read_paths([archive]), out, Config.from_env(), inputs={"paths": [str(archive.resolve())]}, workers=1)
    next(first)  # the first scan now holds the folder
    assert run_scan(archive, out) == 2
    assert "another attrib scan is writing into this folder" in one_line_error(capsys)
    rest = list(first)
    assert len(rest) == 2
    ids = [json.loads(line)["article"]["id"] for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(set(ids)) == 3
    assert run_scan(archive, out) == 0  # free again once the first has finished
    assert "resumed past 3" in capsys.readouterr().out


# -- hostile metadata ---------------------------------------------------------------------


def test_summary_and_index_neutralise_ids_titles_and_outlets(archive, tmp_path, capsys):
    out = tmp_path / "scan"
    assert run_scan(archive, out) == 0
    assert not any(c in capsys.readouterr().out for c in CONTROL)
    table = (out / "summary.csv").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    reports = [p.read_text(encoding="utf-8") for p in (out / "reports").glob("*.html")]
    assert reports, "the rewrite is flagged and gets a report"
    for document in (table, index, *reports):
        assert not any(c in document for c in CONTROL)
    rows = {r["likely_original"]: r for r in csv.DictReader(table.splitlines())}
    evil = rows["000_bab4808bdd29a8aa"]
    assert evil["article"].startswith("'=HYPERLINK(")
    assert evil["title"].startswith("'@SUM(1+1)") and "\\x1b]0;owned\\x07" in evil["title"]
    assert evil["outlet"].startswith("'-2+3")
    assert "=HYPERLINK(&quot;http://evil.example/&quot;" in index and "\\x1b]0;owned" in index
    stored = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert EVIL["id"] in {r["article"]["id"] for r in stored}  # the checkpoint keeps the id as given


def test_skipped_record_lines_stay_one_line_each(indexed_db, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(indexed_db))
    archive = tmp_path / "arch\x1b[31m\nive.jsonl"
    archive.write_text('{"id": "ok", "text": "Some plain text about the weather."}\n{broken\n', encoding="utf-8")
    assert run_scan(archive, tmp_path / "scan") == 4  # the broken line skipped, the rest checked
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and not any(c in err.rstrip("\n") for c in CONTROL)
    assert "arch\\x1b[31m\\nive.jsonl:2" in err


# -- one line, not a traceback; no store file made -------------------------------------------


def test_scan_output_that_is_a_file(archive, tmp_path, capsys):
    existing = tmp_path / "taken"
    existing.write_text("not a folder\n")
    assert run_scan(archive, existing) == 2
    assert one_line_error(capsys) == f"attrib: {existing}: is not a folder"
    assert existing.read_text() == "not a folder\n"


def test_scan_without_a_store_leaves_no_store_file(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(tmp_path / "attrib.db"))
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": "some text here"}) + "\n")
    assert run_scan(tmp_path / "a.jsonl", tmp_path / "scan") == 3
    assert "index an archive first" in one_line_error(capsys)
    assert not (tmp_path / "attrib.db").exists() and not (tmp_path / "scan").exists()


def test_index_flags_only_copies_and_unattributed_quotes():
    from attrib.scan import _index_html

    def row(article, verdict, original="", quotes=0, severity=0.0):
        return {"article": article, "title": "", "outlet": "", "published_at": "", "verdict": verdict,
                "likely_original": original, "original_outlet": "", "original_published_at": "",
                "coverage_of_article": 0.5, "coverage_of_original": 0.5, "passages": 1,
                "unattributed_quotes": quotes, "severity": severity}

    rows = [row("copy", "copied", "orig", severity=0.8), row("quoter", "no_source", quotes=1, severity=0.25)]
    rows += [row(f"same-{i}", "licensed_reuse", "orig") for i in range(9)] + [row("fresh", "no_source")]
    # built on another outlet's interview: flagged when it lifts a quote, and never licensed reuse
    rows += [row("lifted-interview", "quoted", "interview", quotes=2, severity=0.5), row("credited-interview", "quoted", "interview")]
    page = _index_html(rows)
    assert "built on quotes" in page and "credited-interview" not in page
    assert "14 articles checked; 3 flagged (copied from another outlet, or quoting another outlet without credit)" in page
    assert "9 more reuse text from their own outlet or an allowlisted one" in page
    flagged_table, licensed_table = page.split("<h2>Licensed reuse (9), not flagged</h2>")
    assert "copy" in flagged_table and "quoter" in flagged_table and "same-0" not in flagged_table
    assert "lifted-interview" in flagged_table
    assert "same-8" in licensed_table and "fresh" not in page
    assert "licensed_reuse<" not in page  # plain words, not the enum
