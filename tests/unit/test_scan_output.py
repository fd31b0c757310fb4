"""What `attrib scan` writes into its folder: nothing through planted symlinks, and one
scan at a time."""

from __future__ import annotations

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
    """Three articles: a rewrite of the indexed seed, two plain ones."""
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(indexed_db))
    rewrite = SEED_003.read_text(encoding="utf-8")
    lines = [
        json.dumps({"id": "rewrite-003", "text": rewrite}),
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
