"""`attrib check` output: where a report may be written, what reaches the terminal, and
one-line errors instead of tracebacks."""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
from pathlib import Path

import pytest

from attrib import safe_files
from attrib.cli import main
from attrib.errors import InputError

SHARED = Path(__file__).resolve().parent.parent.parent.parent / "shared"
SEED_000 = SHARED / "examples" / "000_bab4808bdd29a8aa.txt"
SEED_003 = SHARED / "examples" / "003_dbab0492c2aca2f8.txt"
CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


@pytest.fixture(scope="module")
def indexed_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "attrib.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ATTRIB_ES_URL", raising=False)
        mp.setenv("ATTRIB_DB", str(db))
        assert main(["index", str(SEED_000), "--no-progress", "--workers", "1"]) == 0
    return db


@pytest.fixture
def store(indexed_db, tmp_path, monkeypatch):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(indexed_db))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err.strip()


# -- check -o: only a new path, or a regular file with --force -----------------------


def test_new_report_file_gets_the_umask_mode(store, umask_027, capsys):
    out = store / "report.json"
    assert main(["check", str(SEED_003), "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["likely_original"]["id"] == "000_bab4808bdd29a8aa"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # 0666 & ~027, not mkstemp's 0600
    assert not [p for p in store.iterdir() if p.name.endswith(".tmp")]


def test_existing_file_needs_force_and_keeps_its_mode(store, capsys):
    out = store / "report.txt"
    out.write_text("keep me\n")
    out.chmod(0o604)
    assert main(["check", str(SEED_003), "-o", str(out)]) == 2
    assert one_line_error(capsys) == f"attrib: {out}: exists; use --force to overwrite it"
    assert out.read_text() == "keep me\n"
    assert main(["check", str(SEED_003), "-o", str(out), "--force"]) == 0
    assert "000_bab4808bdd29a8aa" in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o604


def test_devices_pipes_and_symlinks_are_never_replaced(store, capsys):
    fifo = store / "pipe"
    os.mkfifo(fifo)
    victim = store / "victim.txt"
    victim.write_text("precious\n")
    link = store / "link.txt"
    link.symlink_to(victim)
    for target in (fifo, link, Path(os.devnull)):
        assert main(["check", str(SEED_003), "-o", str(target), "--force"]) == 2
        assert "is not a regular file" in one_line_error(capsys)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink()
    assert victim.read_text() == "precious\n"
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_write_atomic_never_follows_a_symlink_at_its_temporary_name(tmp_path, monkeypatch):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (tmp_path / ".out.txt.planted.tmp").symlink_to(victim)
    names = iter(["planted", "fresh"])
    monkeypatch.setattr(safe_files.secrets, "token_hex", lambda n: next(names))
    safe_files.write_atomic(tmp_path / "out.txt", "report\n", overwrite=False)
    assert (tmp_path / "out.txt").read_text() == "report\n"
    assert victim.read_text() == "precious\n"
    assert not (tmp_path / ".out.txt.fresh.tmp").exists()


def test_no_clobber_write_refuses_a_file_that_appeared_meanwhile(tmp_path):
    (tmp_path / "out.txt").write_text("theirs\n")
    with pytest.raises(InputError, match="exists; use --force"):
        safe_files.write_atomic(tmp_path / "out.txt", "ours\n", overwrite=False)
    assert (tmp_path / "out.txt").read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_streams_pieces_and_leaves_the_old_file_when_they_fail(tmp_path):
    target = tmp_path / "reports.jsonl"
    safe_files.write_atomic(target, (f"{i}\n" for i in range(3)))
    assert target.read_text() == "0\n1\n2\n"

    def broken():
        yield "half\n"
        raise OSError("a part went missing")

    with pytest.raises(OSError):
        safe_files.write_atomic(target, broken())
    assert target.read_text() == "0\n1\n2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["reports.jsonl"]


# -- what reaches the terminal -------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


EVIL_ID = "x\x1b]0;owned\x07\x1b[2J\x9b31m"


def test_text_report_escapes_control_characters(store, monkeypatch, capsys):
    assert main(["check", str(SEED_003), "--outlet", EVIL_ID + "Daily\x00\x08"]) == 0
    out = capsys.readouterr().out
    assert "000_bab4808bdd29a8aa" in out
    assert not any(c in out for c in CONTROL)
    assert "x\\x1b]0;owned\\x07" in out
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["check", str(SEED_003), "--outlet", EVIL_ID]) == 0
    # the article's escapes are shown escaped; the only raw ones are the report's own colours
    shown = terminal.getvalue()
    assert "x\\x1b]0;owned\\x07" in shown
    assert not any(c in shown for c in CONTROL if c != "\x1b")
    assert set(re.findall("\x1b[^m]*m?", shown)) <= {"\x1b[1m", "\x1b[1;31m", "\x1b[2m", "\x1b[0m"}
    # an id is refused outright when it holds a control character
    assert main(["check", str(SEED_003), "--id", EVIL_ID]) == 2


def test_clean_reports_keep_their_colour_on_a_terminal(store, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["check", str(SEED_003)]) == 0
    assert "\x1b[1m" in terminal.getvalue()


def test_json_and_html_reports_carry_no_raw_control_characters(store, capsys):
    assert main(["check", str(SEED_003), "--format", "json", "--outlet", EVIL_ID]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in CONTROL)
    assert json.loads(out)["article"]["outlet"] == EVIL_ID  # the same value, escaped
    assert main(["check", str(SEED_003), "--format", "html", "--outlet", EVIL_ID]) == 0
    out = capsys.readouterr().out
    assert "<html" in out and not any(c in out for c in CONTROL)


def test_an_error_naming_input_stays_one_line(store, capsys):
    assert main(["check", "no\x1b[2Jsuch\nfile.txt"]) == 2
    err = one_line_error(capsys)
    assert err == "attrib: no\\x1b[2Jsuch\\nfile.txt: no such file"


# -- one line, not a traceback ----------------------------------------------------------


@pytest.mark.parametrize("command", ["index", "check", "scan"])
def test_unknown_encoding(store, capsys, command):
    argv = [command, str(SEED_003), "--encoding", "nosuch"]
    if command == "scan":
        argv += ["-o", str(store / "scan")]
    assert main(argv) == 2
    assert one_line_error(capsys) == "attrib: unknown encoding 'nosuch'"


def test_a_codec_that_is_not_a_text_encoding(store, capsys):
    assert main(["check", str(SEED_003), "--encoding", "base64"]) == 2
    assert one_line_error(capsys) == "attrib: 'base64' is not a text encoding"


@pytest.mark.parametrize("url", ["http://[::1", "http://user:pw@[::1", "http://localhost:99999"])
@pytest.mark.parametrize("command", [["init"], ["check", str(SEED_003)]])
def test_malformed_elasticsearch_url(store, monkeypatch, capsys, url, command):
    monkeypatch.setenv("ATTRIB_ES_URL", url)
    assert main(command) == 2
    err = one_line_error(capsys)
    assert err.startswith("attrib: not a valid URL") and "pw" not in err


def test_check_output_to_a_folder(store, capsys):
    assert main(["check", str(SEED_003), "-o", str(store)]) == 2
    assert one_line_error(capsys) == f"attrib: {store}: is a folder; give a file name"


def test_check_output_into_a_missing_folder(store, capsys):
    assert main(["check", str(SEED_003), "-o", str(store / "nope" / "r.txt")]) == 2
    assert one_line_error(capsys) == f"attrib: {store / 'nope'}: folder does not exist"


# -- no store file made by a check --------------------------------------------------------


def test_check_in_an_empty_folder_leaves_no_store_behind(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.delenv("ATTRIB_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["check", str(SEED_003)]) == 3
    assert "index an archive first" in one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


# -- every bad input is one line naming it, exit 2 -----------------------------------------

BINARY = bytes(range(256)) * 2
BAD_FILES = {
    "empty.txt": (b"", "file has no text"),
    "empty.json": (b"", "invalid JSON (Expecting value at column 1)"),
    "empty.html": (b"", "no article text found in the HTML page"),
    "blank.txt": (b" \n\t\n", "file has no text"),
    "binary.txt": (BINARY, "not utf-8 text (byte 0x80 at offset 128); convert it to UTF-8 or pass --encoding"),
    "binary.json": (BINARY, "not utf-8 text (byte 0x80 at offset 128); convert it to UTF-8 or pass --encoding"),
    "binary.html": (BINARY, "not utf-8 text (byte 0x80 at offset 128); convert it to UTF-8 or pass --encoding"),
    "none.json": (b"[]", "no article in the file"),
    "two.json": (b'[{"text": "a b"}, {"text": "c d"}]', "holds 2 articles; check one at a time or use attrib scan"),
    "numbers.json": (b"[1]", "record is not a JSON object"),
    "number.json": (b"42", "record is not a JSON object"),
    "untexted.json": (b'{"id": "x"}', "record has no 'text'"),
    "two.jsonl": (b'{"text": "a b"}\n{"text": "c d"}\n', "holds 2 articles; check one at a time or use attrib scan"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_article_file_is_one_line_naming_it(store, capsys, name):
    data, message = BAD_FILES[name]
    path = store / name
    path.write_bytes(data)
    assert main(["check", str(path)]) == 2
    err = one_line_error(capsys)
    assert err.startswith(f"attrib: {path}") and err.endswith(message)


def test_a_folder_or_a_pipe_is_not_an_article_file(store, capsys):
    folder = store / "stories.txt"
    folder.mkdir()
    assert main(["check", str(folder)]) == 2
    assert one_line_error(capsys) == f"attrib: {folder}: is a folder; check takes one article (attrib scan checks a folder)"
    fifo = store / "pipe.txt"
    os.mkfifo(fifo)
    assert main(["check", str(fifo)]) == 2
    assert one_line_error(capsys) == f"attrib: {fifo}: is not a regular file; give it on standard input (attrib check -)"


@pytest.mark.parametrize("stdin, message", [
    (b"", "attrib: <stdin>: no text on standard input"),
    (BINARY, "attrib: <stdin>: not utf-8 text (byte 0x80 at offset 128)"),
    (b'{"text": 5}', "attrib: <stdin>: 'text' must be a string"),
    (b'{"id": "x"}', "attrib: <stdin>: record has no 'text'"),
    (b'{"id": "x"', "attrib: <stdin>: starts with '{' but is not a JSON object (Expecting ',' delimiter at line 1 column 11)"),
])
def test_bad_standard_input_is_one_line_naming_it(store, capsys, monkeypatch, stdin, message):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    assert main(["check", "-"]) == 2
    assert one_line_error(capsys) == message


@pytest.mark.parametrize("value", ["nonsense", "2024-13", "yesterday 10:00"])
def test_a_bad_published_at_option_is_one_line_naming_the_option(store, capsys, value):
    assert main(["check", str(SEED_003), "--published-at", value]) == 2
    assert one_line_error(capsys) == f"attrib: '--published-at' is not an ISO 8601 date: {value!r}"


def test_check_help_names_its_exit_codes():
    from attrib.cli import build_parser

    check = build_parser()._subparsers._group_actions[0].choices["check"]
    text = " ".join(check.format_help().split())
    for code in ("0 report written", "2 bad input", "3 store unreachable or empty"):
        assert code in text


def test_serve_says_what_it_serves_on_one_line(tmp_path, monkeypatch, capsys):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(kw))
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.delenv("ATTRIB_API_KEYS_FILE", raising=False)
    assert main(["serve", "--db", str(tmp_path / "attrib.db"), "--port", "8123"]) == 0
    err = capsys.readouterr().err
    assert started and started[0]["port"] == 8123
    assert "attrib: serving" in err and "http://127.0.0.1:8123" in err and len(err.strip().splitlines()) == 1
