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


# -- 2. lone surrogates -----------------------------------------------------------------

LONE = "\ud800"


@pytest.mark.parametrize("field", ["id", "text", "title", "outlet", "url", "lang"])
def test_a_lone_surrogate_in_any_string_field_is_refused_naming_the_field(field):
    record = {"id": "s1", "text": story(1), "title": "Pier", "outlet": "Wire", "url": "https://example.com/a", "lang": "en"}
    record[field] = record[field][:3] + LONE + record[field][3:]
    from attrib.errors import InputError

    with pytest.raises(InputError) as raised:
        Article.from_dict(record)
    assert raised.value.field == field
    assert f"'{field}'" in str(raised.value) and "surrogate" in str(raised.value)


def test_surrogate_record_is_one_bad_line_and_the_batch_still_lands(env, capsys):
    good = records(4)
    escaped = json.dumps({"id": "s", "text": "Bad " + LONE + " text about the pier."})  # json.dumps writes \ud800
    assert "\\ud800" in escaped
    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(good[:2]) + escaped.encode() + b"\n" + jsonl_bytes(good[2:]))
    main(["index", str(path), "--no-progress", "--workers", "1"])
    err = capsys.readouterr().err
    assert f"{path}:3: 'text' holds a lone surrogate" in err
    assert "Traceback" not in err
    assert stored_ids(env) == {item["id"] for item in good}


def test_check_of_a_surrogate_article_is_one_line_exit_2(env, capsys, monkeypatch):
    import io

    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(records(2)))
    main(["index", str(path), "--no-progress"])
    capsys.readouterr()
    stdin = json.dumps({"id": "q", "title": "Pier " + LONE, "text": story(1)})
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    assert main(["check", "-"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'title' holds a lone surrogate" in err[0]


def test_scan_skips_a_surrogate_record_and_checks_the_rest(env, capsys):
    good = records(3)
    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(good))
    main(["index", str(path), "--no-progress"])
    scanned = env / "scan.jsonl"
    bad = json.dumps({"id": "s", "text": story(9) + LONE})
    scanned.write_bytes(bad.encode() + b"\n" + jsonl_bytes(good))
    out = env / "scan"
    main(["scan", str(scanned), "-o", str(out), "--workers", "1", "--no-progress"])
    captured = capsys.readouterr()
    assert "surrogate" in captured.err and "Traceback" not in captured.err
    reports = [json.loads(line) for line in (out / "reports.jsonl").read_text().splitlines()]
    assert {r["article"]["id"] for r in reports} == {item["id"] for item in good}


# -- 3. ids -------------------------------------------------------------------------------


def test_id_limit_is_counted_in_utf8_bytes():
    from attrib.article import MAX_ID_BYTES
    from attrib.errors import InputError

    Article(id="a" * MAX_ID_BYTES, text=story(1))
    wide = "é" * (MAX_ID_BYTES // 2 + 1)  # fewer characters than the limit, more bytes
    assert len(wide) < MAX_ID_BYTES < len(wide.encode("utf-8"))
    with pytest.raises(InputError) as raised:
        Article(id=wide, text=story(1))
    assert raised.value.field == "id" and "bytes" in str(raised.value)


@pytest.mark.parametrize("char", ["\n", "\r", "\t", "\x1b", "\x00", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_in_ids(char):
    from attrib.errors import InputError

    with pytest.raises(InputError) as raised:
        Article.from_dict({"id": f"story{char}1", "text": story(1)})
    assert raised.value.field == "id"
    assert f"U+{ord(char):04X}" in str(raised.value) and "control character" in str(raised.value)


def test_ids_with_ordinary_unicode_still_pass():
    assert Article(id="bbc/économie/001 – ünïcode", text=story(1)).id.endswith("ünïcode")


# -- 4. HTML input and readers that fail --------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent.parent

PAGE = """<!doctype html>
<html><head><title>Harbour closes northern pier</title>
<meta property="og:site_name" content="Daily Coast">
<meta name="date" content="2024-03-05">
</head><body>
<nav>Home | News | Sport</nav>
<article><h1>Harbour closes northern pier</h1>
<p>The harbour authority closed the northern pier on Tuesday evening after engineers found
cracks in two of its supporting columns.</p>
<p>"We cannot let anyone walk on it until the repairs are done," said Mara Quill, the
authority's chief engineer, adding that the work would take at least six weeks.</p>
<p>Fishing boats that usually moor at the pier have been moved to the southern basin.</p>
</article>
<footer>Copyright Daily Coast</footer>
</body></html>
"""


def write_txt_folder(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"story{i}.txt"
        path.write_text(f"Headline {i}\n\n{story(i)}\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_html_dependencies_are_declared():
    import tomllib

    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {d.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower().replace("-", "_") for d in dependencies}
    assert "trafilatura" in names
    # lxml 5.2 moved lxml.html.clean out; trafilatura's justext still imports it.
    assert "lxml_html_clean" in names or any("html-clean" in d or "html_clean" in d for d in dependencies)


def test_an_html_page_is_indexed_with_its_metadata(env, capsys):
    page = env / "pier.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["index", str(page), "--no-progress"]) == 0
    from attrib.store import EmbeddedStore

    store = EmbeddedStore(env / "attrib.db")
    try:
        (article,) = list(store.iter_articles())
    finally:
        store.close()
    assert article.title == "Harbour closes northern pier"
    assert article.outlet == "Daily Coast"
    assert "supporting columns" in article.text and "Copyright" not in article.text
    assert article.published_at is not None and article.published_at.year == 2024


def test_a_failing_html_reader_costs_that_file_only(env, capsys, monkeypatch):
    import trafilatura

    def broken(*args, **kwargs):
        raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean.\nInstall lxml[html-clean] or lxml_html_clean directly.")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    folder = env / "archive"
    txts = write_txt_folder(folder, 3)
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    main(["index", str(folder), "--no-progress", "--workers", "1"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "page.html" in line]
    assert len(lines) == 1 and "ImportError" in lines[0] and "lxml_html_clean" in lines[0]
    assert len(stored_ids(env)) == len(txts)
    assert "indexed 3" in out


def test_check_of_a_page_whose_reader_fails_is_one_line_exit_2(env, capsys, monkeypatch):
    import trafilatura

    write_txt_folder(env / "archive", 2)
    main(["index", str(env / "archive"), "--no-progress"])
    capsys.readouterr()
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: 1 / 0)
    page = env / "pier.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["check", str(page)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(page) in err[0] and "ZeroDivisionError" in err[0]


# -- 5. exit codes and how bad records are told ------------------------------------------


def test_index_exits_4_when_records_were_skipped_and_0_when_none(env, capsys):
    clean = env / "clean.jsonl"
    clean.write_bytes(jsonl_bytes(records(3)))
    assert main(["index", str(clean), "--no-progress"]) == 0
    mixed = env / "mixed.jsonl"
    mixed.write_bytes(jsonl_bytes(records(5)[3:]) + b"{not json\n")
    assert main(["index", str(mixed), "--no-progress"]) == 4
    out = capsys.readouterr().out
    assert "indexed 2" in out  # the good records of the mixed file still landed
    assert main(["index", str(mixed), "--no-progress"]) == 4  # the bad line is still bad on a re-run


def test_scan_exits_4_when_records_were_skipped_and_0_when_none(env, capsys):
    clean = env / "clean.jsonl"
    clean.write_bytes(jsonl_bytes(records(3)))
    assert main(["index", str(clean), "--no-progress", "--workers", "1"]) == 0
    assert main(["scan", str(clean), "-o", str(env / "clean-scan"), "--workers", "1", "--no-progress"]) == 0
    mixed = env / "mixed.jsonl"
    mixed.write_bytes(jsonl_bytes(records(2)) + b"{not json\n")
    out = env / "mixed-scan"
    capsys.readouterr()
    assert main(["scan", str(mixed), "-o", str(out), "--workers", "1", "--no-progress"]) == 4
    assert capsys.readouterr().out.startswith("checked 2 ")  # the good records were still checked
    assert main(["scan", str(mixed), "-o", str(out), "--workers", "1", "--no-progress"]) == 4  # resumed: still bad
    assert len((out / "errors.jsonl").read_text().splitlines()) == 1


@pytest.mark.parametrize("command", ["index", "scan"])
def test_index_and_scan_help_name_every_exit_code(command):
    from attrib.cli import build_parser

    parser = build_parser()
    text = " ".join(parser._subparsers._group_actions[0].choices[command].format_help().split())
    for code in ("0 done", "1 some articles failed", "2 bad input", "3 store unreachable", "4 some records were skipped"):
        assert code in text


def test_records_failing_for_one_reason_are_one_line(env, capsys):
    n = 300
    path = env / "other-fields.jsonl"
    path.write_bytes(jsonl_bytes([{"newid": i, "body": story(i)} for i in range(n)]))
    assert main(["index", str(path), "--no-progress"]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"attrib: skipped {n} records of {path}: record has no 'text' (lines 1–{n})"]


def test_records_failing_for_different_reasons_keep_their_lines_up_to_a_cap(env, capsys):
    from attrib.cli import MAX_BAD_LINES

    distinct = MAX_BAD_LINES + 7
    lines = [json.dumps({"id": f"d{i}", "text": story(i), "published_at": f"day {i}"}) for i in range(distinct)]
    path = env / "dates.jsonl"
    path.write_text("\n".join([json.dumps(records(1)[0]), *lines]) + "\n", encoding="utf-8")
    assert main(["index", str(path), "--no-progress"]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == MAX_BAD_LINES + 1
    assert err[0] == f"attrib: skipped {path}:2: 'published_at' is not an ISO 8601 date: 'day 0'"
    assert err[-1] == f"attrib: … and {distinct - MAX_BAD_LINES} more bad record(s) not listed"


def test_same_reason_in_two_files_is_one_line_per_file(env, capsys):
    first, second = env / "a.jsonl", env / "b.jsonl"
    first.write_bytes(jsonl_bytes([{"body": "x"}] * 3))
    second.write_bytes(jsonl_bytes(records(1)) + jsonl_bytes([{"body": "x"}] * 2))
    assert main(["index", str(first), str(second), "--no-progress"]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"attrib: skipped 3 records of {first}: record has no 'text' (lines 1–3)",
        f"attrib: skipped 2 records of {second}: record has no 'text' (lines 2–3)",
    ]


# -- 6. --field: JSON records that name their fields otherwise ------------------------------


WORDS = (
    "harbour minister council budget river storm factory union court school hospital railway "
    "election farmers bridge museum police festival tariff drought reactor vaccine orchestra "
    "mayor airport strike senate bakery glacier satellite treaty"
).split()


def distinct_story(i: int, words: int = 60) -> str:
    """Random words of a small vocabulary, one seed each: two seeds share almost no five-word run."""
    import random

    rng = random.Random(i)
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def reuters_like(n: int) -> list[dict]:
    return [{"newid": 100 + i, "title": f"HEADLINE {i}", "body": distinct_story(i), "date": "2024-02-26T15:01:01"} for i in range(n)]


REUTERS_FIELDS = ["--field", "text=body", "--field", "id=newid", "--field", "published_at=date"]


def test_index_reads_fields_under_other_names(env, capsys):
    items = reuters_like(4)
    path = env / "reuters.jsonl"
    path.write_bytes(jsonl_bytes(items))
    assert main(["index", str(path), "--no-progress", *REUTERS_FIELDS]) == 0
    from attrib.store import EmbeddedStore

    store = EmbeddedStore(env / "attrib.db")
    try:
        stored = {a.id: a for a in store.iter_articles()}
    finally:
        store.close()
    assert set(stored) == {str(item["newid"]) for item in items}
    for item in items:
        article = stored[str(item["newid"])]
        assert article.text == item["body"] and article.title == item["title"]
        assert article.published_at is not None and article.published_at.isoformat().startswith(item["date"])


def test_a_mapped_field_that_fails_names_its_source_key(env, capsys):
    path = env / "reuters.jsonl"
    path.write_bytes(jsonl_bytes([{"newid": 1, "body": story(1), "date": "26-FEB-1987 15:01:01.79"}]))
    assert main(["index", str(path), "--no-progress", *REUTERS_FIELDS]) == 4
    err = capsys.readouterr().err
    assert "'published_at' is not an ISO 8601 date" in err and "'date'" in err and "--field published_at=date" in err


@pytest.mark.parametrize("spec", ["body=text", "txt=body", "text", "=body", "text="])
@pytest.mark.parametrize("command", ["index", "check", "scan"])
def test_a_bad_field_spec_is_one_line_exit_2_before_anything_runs(env, capsys, spec, command):
    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(records(1)))
    argv = {"index": ["index", str(path)], "check": ["check", str(path)], "scan": ["scan", str(path), "-o", str(env / "scan")]}[command]
    assert main([*argv, "--field", spec, "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("attrib: --field") and "ATTRIB=SOURCE" in err[0]
    assert not (env / "attrib.db").exists() and not (env / "scan").exists()


def test_the_same_field_twice_is_refused(env, capsys):
    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(records(1)))
    assert main(["index", str(path), "--field", "text=body", "--field", "text=story", "--no-progress"]) == 2
    assert "given twice" in capsys.readouterr().err


def test_check_reads_mapped_fields_from_a_file_and_from_stdin(env, capsys, monkeypatch):
    import io

    archive = env / "archive.jsonl"
    archive.write_bytes(jsonl_bytes(reuters_like(3)))
    assert main(["index", str(archive), "--no-progress", *REUTERS_FIELDS]) == 0
    capsys.readouterr()
    query = {"newid": 999, "title": "COPY", "body": reuters_like(3)[1]["body"], "date": "2024-03-01T00:00:00"}
    single = env / "query.json"
    single.write_text(json.dumps(query), encoding="utf-8")
    assert main(["check", str(single), "--format", "json", *REUTERS_FIELDS]) == 0
    from_file = json.loads(capsys.readouterr().out)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(json.dumps(query).encode("utf-8"))))
    assert main(["check", "-", "--format", "json", *REUTERS_FIELDS]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    for report in (from_file, from_stdin):
        assert report["article"]["id"] == "999"
        assert report["likely_original"]["id"] == str(reuters_like(3)[1]["newid"])


def test_scan_reads_mapped_fields_and_refuses_them_with_from_index(env, capsys):
    archive = env / "archive.jsonl"
    archive.write_bytes(jsonl_bytes(reuters_like(3)))
    assert main(["index", str(archive), "--no-progress", *REUTERS_FIELDS]) == 0
    out = env / "scan"
    assert main(["scan", str(archive), "-o", str(out), "--workers", "1", "--no-progress", *REUTERS_FIELDS]) == 0
    reports = [json.loads(line) for line in (out / "reports.jsonl").read_text().splitlines()]
    assert {r["article"]["id"] for r in reports} == {str(item["newid"]) for item in reuters_like(3)}
    capsys.readouterr()
    assert main(["scan", "--from-index", "-o", str(env / "scan2"), "--field", "text=body", "--no-progress"]) == 2
    assert "--from-index" in capsys.readouterr().err


# -- 7. one id per file, whatever path leads to it; never one's own source -----------------

SHARED = ROOT.parent / "shared"
SEED_000 = SHARED / "examples" / "000_bab4808bdd29a8aa.txt"
SEED_003 = SHARED / "examples" / "003_dbab0492c2aca2f8.txt"


def ids_of(paths) -> list[str]:
    return [r.id for r in read_paths(paths) if isinstance(r, Article)]


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_a_file_has_one_id_given_alone_or_in_its_folder_relative_or_absolute(tmp_path, monkeypatch, suffix):
    folder = tmp_path / "examples"
    folder.mkdir()
    name = "000_story"
    path = folder / f"{name}{suffix}"
    path.write_text(PAGE if suffix == ".html" else f"Headline\n\n{story(0)}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    forms = [[path], [folder], ["examples/000_story" + suffix], ["examples"], ["examples/"], ["./examples/../examples"]]
    found = {tuple(ids_of(form)) for form in forms}
    assert found == {(name,)}


def test_files_of_the_same_name_in_subfolders_stay_apart(tmp_path):
    for topic in ("politics", "sport"):
        (tmp_path / "bbc" / topic).mkdir(parents=True)
        (tmp_path / "bbc" / topic / "001.txt").write_text(f"{topic}\n\n{story(len(topic))}\n", encoding="utf-8")
    ids = ids_of([tmp_path / "bbc"])
    assert len(ids) == len(set(ids)) == 2
    assert ids_of([tmp_path / "bbc" / "sport"]) == ids_of([tmp_path / "bbc" / "sport" / "001.txt"])


def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "examples"
    folder.mkdir()
    for seed in (SEED_000, SEED_003):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def test_scanning_the_folder_of_an_indexed_file_finds_no_self_copy(env, capsys):
    folder = seeds(env)
    assert main(["index", str(folder / SEED_000.name), "--no-progress"]) == 0
    out = env / "scan"
    assert main(["scan", str(folder), "-o", str(out), "--workers", "1", "--no-progress"]) == 0
    reports = {r["article"]["id"]: r for r in map(json.loads, (out / "reports.jsonl").read_text().splitlines())}
    assert set(reports) == {SEED_000.stem, SEED_003.stem}
    assert reports[SEED_000.stem]["likely_original"] is None
    assert all(s["article"]["id"] != SEED_000.stem for s in reports[SEED_000.stem]["sources"])
    assert reports[SEED_003.stem]["likely_original"]["id"] == SEED_000.stem


def check_json(argv: list[str], capsys) -> dict:
    assert main(["check", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_check_of_stdin_reads_a_txt_as_check_of_the_file_does(env, capsys, monkeypatch):
    import io

    folder = seeds(env)
    assert main(["index", str(folder / SEED_000.name), "--no-progress"]) == 0
    capsys.readouterr()
    from_file = check_json([str(folder / SEED_003.name)], capsys)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SEED_003.read_bytes())))
    from_stdin = check_json(["-"], capsys)
    assert from_stdin["article"]["title"] == from_file["article"]["title"] is not None
    assert from_stdin["likely_original"]["id"] == from_file["likely_original"]["id"] == SEED_000.stem
    passages = [{s["article"]["id"]: s["passages"] for s in r["sources"]} for r in (from_file, from_stdin)]
    assert passages[0] == passages[1] and passages[0][SEED_000.stem]


def test_the_id_rule_is_in_the_help_of_index_check_and_scan():
    from attrib.cli import build_parser

    choices = build_parser()._subparsers._group_actions[0].choices
    for command in ("index", "check", "scan"):
        text = " ".join(choices[command].format_help().split())
        assert "id is its" in text and "without the suffix" in text, command
    assert "derived from the text" in " ".join(choices["check"].format_help().split())


def test_the_same_text_under_another_id_is_not_a_source_and_does_not_hide_the_original(env, capsys):
    seed3 = read_paths([SEED_003])
    (article,) = list(seed3)
    copy = env / "copy.jsonl"
    copy.write_bytes(jsonl_bytes([{"id": "stored-copy-of-003", "title": article.title, "text": article.text}]))
    assert main(["index", str(SEED_000), str(copy), "--no-progress"]) == 0
    capsys.readouterr()
    report = check_json([str(SEED_003)], capsys)
    assert all(s["article"]["id"] != "stored-copy-of-003" for s in report["sources"])
    # The copy scores far above the real original; were it only dropped after retrieval,
    # its score would still set the floor that the original then fails.
    assert report["likely_original"]["id"] == SEED_000.stem


def test_a_verbatim_copy_from_another_outlet_stays_a_source(env, capsys):
    (article,) = list(read_paths([SEED_003]))
    copy = env / "copy.jsonl"
    copy.write_bytes(jsonl_bytes([{"id": "elsewhere", "text": article.text, "outlet": "Other Paper", "published_at": "2020-01-01"}]))
    assert main(["index", str(copy), "--no-progress"]) == 0
    capsys.readouterr()
    report = check_json([str(SEED_003), "--outlet", "Daily", "--published-at", "2024-12-01"], capsys)
    assert report["likely_original"]["id"] == "elsewhere"


def test_is_same_article():
    from dataclasses import replace
    from datetime import datetime, timezone

    from attrib.detect import is_same_article

    base = Article(id="a", text=story(1), outlet="Wire", url="https://e.com/a")
    assert is_same_article(base, replace(base, id="b"))
    assert is_same_article(base, replace(base, id="b", outlet=None, url=None))
    assert not is_same_article(base, replace(base, id="b", text=story(2)))
    assert not is_same_article(base, replace(base, id="b", outlet="Other"))
    assert not is_same_article(base, replace(base, id="b", url="https://e.com/b"))
    dated = replace(base, published_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    assert not is_same_article(dated, replace(dated, id="b", published_at=datetime(2023, 1, 1, tzinfo=timezone.utc)))


# -- 8. truncated JSON on standard input ----------------------------------------------------


def test_check_of_truncated_json_on_stdin_is_one_line_naming_the_position(env, capsys, monkeypatch):
    import io

    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(records(2)))
    main(["index", str(path), "--no-progress"])
    capsys.readouterr()
    truncated = json.dumps({"id": "t", "text": story(1)})[:30]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(truncated.encode("utf-8"))))
    assert main(["check", "-"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("attrib: <stdin>:") and "not a JSON object" in err[0]
    with pytest.raises(json.JSONDecodeError) as parse:
        json.loads(truncated)
    assert f"line {parse.value.lineno} column {parse.value.colno}" in err[0]


# -- 9. JSON Python refuses for its own limits: a huge number, deep nesting ------------------

HUGE_NUMBER = '{"id": ' + "7" * 5000 + ', "text": "x"}'
DEEP = "[" * 100_000 + "]" * 100_000


def test_a_huge_number_or_deep_nesting_costs_only_its_line(env, capsys):
    items = records(4)
    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(items[:1]) + HUGE_NUMBER.encode() + b"\n" + jsonl_bytes(items[1:3]) + DEEP.encode() + b"\n" + jsonl_bytes(items[3:]))
    assert main(["index", str(path), "--no-progress", "--workers", "1"]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"attrib: skipped {path}:2: invalid JSON (number of more than 4,300 digits at column 8)",
        f"attrib: skipped {path}:5: invalid JSON (arrays or objects nested too deeply at column 1)",
    ]
    assert stored_ids(env) == {item["id"] for item in items}


@pytest.mark.parametrize("document", [HUGE_NUMBER, DEEP])
def test_a_json_file_python_cannot_parse_is_one_bad_record(tmp_path, document):
    path = tmp_path / "one.json"
    path.write_text(document, encoding="utf-8")
    (record,) = read_paths([path])
    assert isinstance(record, BadRecord) and record.message.startswith("invalid JSON (")


@pytest.mark.parametrize("document", [HUGE_NUMBER, '{"a": ' * 100_000])
def test_check_of_such_json_on_stdin_is_one_line_exit_2(env, capsys, monkeypatch, document):
    import io

    path = env / "in.jsonl"
    path.write_bytes(jsonl_bytes(records(1)))
    main(["index", str(path), "--no-progress", "--workers", "1"])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(document.encode())))
    assert main(["check", "-"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert err.startswith("attrib: <stdin>: starts with '{' but is not a JSON object (")


@pytest.mark.parametrize("line", ["\x0b", "\x0c", "\x1c\x1d", "\x85", "\u2028", "\u3000"])
def test_a_line_blank_to_python_but_not_to_json_is_a_bad_record(tmp_path, line):
    path = tmp_path / "in.jsonl"
    path.write_bytes(jsonl_bytes(records(1)) + line.encode() + b"\n \t\r\n" + jsonl_bytes(records(2)[1:]))
    out = list(read_paths([path]))
    assert [r.id for r in out if isinstance(r, Article)] == ["a0", "a1"]
    (bad,) = [r for r in out if isinstance(r, BadRecord)]
    assert bad.line == 2 and bad.message.startswith("invalid JSON")


# -- 10. what index prints stays one printable line a record -------------------------------


def test_a_file_name_with_escapes_and_newlines_stays_one_line_a_record(env, capsys):
    folder = env / "in\x1b]0;owned\x07"
    folder.mkdir()
    path = folder / "bad\x1b[2J\nname\r.jsonl"
    path.write_bytes(jsonl_bytes(records(2)) + b"{not json\n" + jsonl_bytes([{"body": "x"}] * 2))
    db = env / "store\nfile\x9b.db"
    assert main(["index", str(path), "--db", str(db), "--no-progress", "--workers", "1"]) == 4
    out, err = capsys.readouterr()
    shown = str(path).replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\n", "\\n").replace("\r", "\\r")
    assert err.split("\n") == [
        f"attrib: skipped {shown}:3: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"attrib: skipped 2 records of {shown}: record has no 'text' (lines 4–5)",
        "",
    ]
    assert out.count("\n") == 1 and out.rstrip("\n").endswith("(embedded store " + str(db).replace("\n", "\\n").replace("\x9b", "\\x9b") + ")")

