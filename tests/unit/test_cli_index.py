"""`attrib init` and `attrib index` on the embedded store, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from attrib.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(tmp_path / "attrib.db"))
    return tmp_path


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps({"id": "a1", "text": "Yossi Beilin told reporters in Tel Aviv on Tuesday that talks would resume.", "outlet": "Wire", "published_at": "2024-10-22T09:00:00Z"})
GOOD2 = json.dumps({"id": "a2", "text": "The Rafik Hariri University Hospital received fourteen wounded people overnight.", "title": "Beirut"})


def test_index_reports_bad_records_and_keeps_the_good(env, capsys):
    source = write_jsonl(
        env / "in.jsonl",
        [GOOD, "{not json", json.dumps({"id": "x", "title": "no text"}), json.dumps({"id": "d", "text": "ok text here", "published_at": "yesterday"}), GOOD2],
    )
    assert main(["index", str(source), "--no-progress"]) == 4  # some records were skipped as bad input
    out, err = capsys.readouterr()
    assert "indexed 2" in out and "skipped 3 bad record(s)" in out
    assert f"{source}:2: invalid JSON" in err
    assert f"{source}:3: record has no 'text'" in err
    assert f"{source}:4: 'published_at' is not an ISO 8601 date" in err


def test_second_run_adds_nothing(env, capsys):
    source = write_jsonl(env / "in.jsonl", [GOOD, GOOD2])
    assert main(["index", str(source), "--no-progress"]) == 0
    assert main(["index", str(source), "--no-progress"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("indexed 2,") and out[1].startswith("indexed 0, already indexed 2")


def test_same_id_with_other_text_is_a_conflict_until_update(env, capsys):
    source = write_jsonl(env / "in.jsonl", [GOOD, GOOD2])
    assert main(["index", str(source), "--no-progress"]) == 0
    corrected = json.dumps({**json.loads(GOOD), "text": "Yossi Beilin told reporters in Jerusalem on Tuesday that talks would resume."})
    source = write_jsonl(env / "corrected.jsonl", [corrected, GOOD2])
    capsys.readouterr()
    assert main(["index", str(source), "--no-progress"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("indexed 0, already indexed 1, conflicts 1, ")
    assert err.strip() == "attrib: conflict a1: id already indexed with different text (--update replaces it)"
    assert main(["index", str(source), "--update", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("indexed 0, updated 1, already indexed 1, ") and "conflict" not in out + err
    from attrib.store import EmbeddedStore

    store = EmbeddedStore(env / "attrib.db")
    assert "Jerusalem" in store.get(["a1"])["a1"].text
    store.close()
    with pytest.raises(SystemExit) as exited:
        main(["index", str(source), "--update", "--overwrite"])
    assert exited.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_folder_of_txt_files(env, capsys):
    folder = env / "news" / "sport"
    folder.mkdir(parents=True)
    (folder / "001.txt").write_text("A headline\n\nBody of the first story about the match.\n", encoding="utf-8")
    (folder / "002.txt").write_bytes("Caf\xe9 headline\n\nLatin-1 body.\n".encode("latin-1"))
    assert main(["index", str(env / "news"), "--no-progress"]) == 4  # the Latin-1 file was skipped
    out, err = capsys.readouterr()
    assert "indexed 1" in out and "skipped 1" in out
    assert "002.txt: not utf-8 text (byte 0xe9" in err and "--encoding" in err
    from attrib.store import EmbeddedStore

    store = EmbeddedStore(env / "attrib.db")
    article = store.get(["sport/001"])["sport/001"]  # the path below the folder given
    assert article.title == "A headline" and article.text.strip() == "Body of the first story about the match."
    store.close()


def test_missing_path_is_one_line_and_nothing_written(env, capsys):
    assert main(["index", str(env / "nope.jsonl"), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"attrib: {env / 'nope.jsonl'}: no such file or folder"
    assert not (env / "attrib.db").exists()


def test_unknown_file_type(env, capsys):
    (env / "a.pdf").write_bytes(b"%PDF")
    assert main(["index", str(env / "a.pdf")]) == 2
    assert "unknown file type '.pdf'" in capsys.readouterr().err


def test_init_refuses_other_parameters(env, capsys):
    assert main(["init"]) == 0
    assert "k=5" in capsys.readouterr().out
    assert main(["init", "--k", "7"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("attrib: store") and "different fingerprint parameters" in err
    assert len(err.splitlines()) == 1


def test_init_says_shards_and_replicas_are_for_elasticsearch(env, capsys):
    assert main(["init", "--replicas", "2"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ready: embedded store")
    assert err.strip() == "attrib: --shards and --replicas apply to Elasticsearch only"


def test_init_pairs_window(env, capsys):
    assert main(["init", "--pairs", "99"]) == 2
    assert capsys.readouterr().err.strip() == "attrib: pairs must be in 0..16, got 99"
    assert main(["init", "--pairs", "2"]) == 0
    assert "pairs=2" in capsys.readouterr().out
    assert main(["init", "--pairs", "3"]) == 1
    assert "different fingerprint parameters" in capsys.readouterr().err


def test_unreachable_cluster_is_one_line(env, capsys):
    source = write_jsonl(env / "in.jsonl", [GOOD])
    assert main(["index", str(source), "--es-url", "http://127.0.0.1:9", "--no-progress"]) == 3
    err = capsys.readouterr().err.strip()
    assert err.startswith("attrib: cannot reach Elasticsearch at http://127.0.0.1:9")
    assert len(err.splitlines()) == 1


def test_python_dash_m_and_help():
    proc = subprocess.run([sys.executable, "-m", "attrib", "index", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and "JSONL" in proc.stdout and "--overwrite" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "attrib"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "COMMAND" in proc.stderr
