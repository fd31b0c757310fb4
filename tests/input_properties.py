"""Hostile input through the command line, as properties: one set of strategies and checks
for every store. The embedded store runs them in the unit tests, Elasticsearch in the
integration tests.

``attrib index`` gets JSONL files mixing good articles with hostile lines (invalid JSON,
wrong types, lone surrogates, control characters, huge ids and numbers, bytes that are
not UTF-8, missing text, bare arrays and numbers, deep nesting, impossible dates), under
file names that may hold control characters. It must not print a traceback, must exit 0
(all good) or 4 (some lines skipped), must store every good article exactly as given,
and must name every bad line once, by its file and line number. ``attrib scan`` of the
same file must report every good article and name every bad line, with the same codes.

``attrib check`` gets arbitrary bytes as a file of each known type or on standard input.
It must not print a traceback and must either write a report (exit 0) or say in one
line naming the input why it cannot (exit 2).

A test module provides the store: a :class:`StoreUnderTest` whose ``options`` point the
command at it and whose ``articles()`` reads back what it holds.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from attrib.article import Article
from attrib.cli import main
from attrib.safe_text import one_line

# capsys and the store fixtures are function-scoped; every example reads and resets the
# captured output and makes its own store, so sharing them across examples is sound.
PROPERTY_SETTINGS = dict(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def property_settings(max_examples: int) -> settings:
    return settings(max_examples=max_examples, **PROPERTY_SETTINGS)


@dataclass
class StoreUnderTest:
    options: list[str]
    articles: Callable[[], dict[str, str]]
    """id -> text of every article the store holds."""


# -- good articles ----------------------------------------------------------------------

VOCAB = (
    "harbour minister council budget river storm factory union court school hospital railway "
    "election farmers bridge museum police festival tariff drought reactor vaccine mayor airport "
    "café Zürich naïve Ærø 東京 Москва İstanbul said told: \"We will\" “never” ‘go’ — 42 3.5%"
).split()
NO_SURROGATES = st.characters(exclude_categories=("Cs",))
SAFE_ID_CHARS = st.characters(categories=("L", "N"), include_characters="-_./:~")

words = st.lists(st.sampled_from(VOCAB) | st.text(NO_SURROGATES, min_size=1, max_size=8), min_size=0, max_size=12)
good_text = st.builds(lambda first, rest: " ".join([first, *rest]), st.sampled_from(VOCAB[:24]), words)
short_string = st.text(NO_SURROGATES, max_size=24)


def _offset(minutes: int):
    from datetime import timedelta, timezone

    return timezone(timedelta(minutes=minutes))


OFFSETS = st.sampled_from([0, 60, 330, -210, 14 * 60, -12 * 60, 18 * 60, -18 * 60]) | st.integers(-18 * 60, 18 * 60)
"""UTC offsets in minutes, up to the ±18:00 a store can keep."""

dates = st.one_of(
    st.integers(1, 9999).map(lambda y: f"{y:04d}"),
    st.tuples(st.integers(1, 9999), st.integers(1, 12)).map(lambda ym: f"{ym[0]:04d}-{ym[1]:02d}"),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda t: t.isoformat()),
    st.builds(lambda t, tz: t.replace(tzinfo=tz).isoformat(), st.datetimes(), OFFSETS.map(_offset)),
)


@st.composite
def good_record(draw) -> dict:
    """A valid article as a JSON object: an id that is safe (or none, to be derived), a
    text of a few words, and any of the optional fields with awkward but valid values."""
    record: dict = {}
    kind = draw(st.sampled_from(["text", "text", "int", "none"]))
    if kind == "text":
        record["id"] = draw(st.text(SAFE_ID_CHARS, min_size=1, max_size=40))
    elif kind == "int":
        record["id"] = draw(st.integers(-(10**30), 10**30))
    record["text"] = draw(good_text)
    for key, values in (
        ("title", short_string),
        ("outlet", short_string),
        ("url", st.builds(lambda path: f"https://example.com/{path}", st.text(SAFE_ID_CHARS, max_size=20))),
        ("lang", st.sampled_from(["en", "de", "", "  "])),
        ("published_at", dates),
        ("extra", st.recursive(st.none() | st.integers() | short_string, lambda c: st.lists(c, max_size=3), max_leaves=4)),
    ):
        if draw(st.booleans()):
            record[key] = draw(st.none() | values)
    return record


def expected_id(record: dict) -> str:
    """The id the README promises: as given, or derived from the URL, else the text."""
    if record.get("id") is not None:
        return str(record["id"])
    url = (record.get("url") or "").strip() or None
    return Article.derive_id(url=url, text=None if url else record["text"])


# -- hostile lines ------------------------------------------------------------------------

LONE_SURROGATES = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])
JSON_CONTROL = st.sampled_from([chr(c) for c in (*range(0x00, 0x0A), *range(0x0B, 0x20))])  # raw in a string: invalid JSON
ID_CONTROL = st.sampled_from([chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))])
BAD_BYTES = st.sampled_from([b"\xff", b"\xfe", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xe2\x82"])
WRONG_TYPE = st.one_of(st.booleans(), st.floats(allow_nan=False), st.lists(st.integers(), max_size=2), st.dictionaries(st.just("k"), st.integers(), max_size=1))


def _dumps(value) -> bytes:
    return json.dumps(value).encode("ascii")  # ensure_ascii: a lone surrogate becomes a \ud800 escape


def _insert(draw, text: str, piece: str) -> str:
    at = draw(st.integers(0, len(text)))
    return text[:at] + piece + text[at:]


HOSTILE_KINDS = (
    "invalid json", "truncated", "wrong type", "surrogate", "raw control", "control in id", "huge id",
    "huge number", "not utf-8", "missing text", "empty text", "bare value", "deep nesting", "bad date",
)


@st.composite
def hostile_line(draw, kind: str | None = None) -> bytes:
    """One JSONL line that must be refused, of ``kind`` (drawn when None); never
    blank, never holding a newline byte."""
    base = draw(good_record())
    base.setdefault("id", "h")
    kind = kind or draw(st.sampled_from(HOSTILE_KINDS))
    if kind == "invalid json":
        line = draw(st.sampled_from(["{", "}", "{'id': 'x'}", '{"text": "a",}', "nul", "{\"text\" \"a\"}", "[1,]", "\x0b", "\x0c", "\x1c\x1d", "\u2028", "\x85"]))
        return line.encode("utf-8")
    if kind == "truncated":
        full = _dumps(base)
        return full[: draw(st.integers(1, len(full) - 1))]
    if kind == "wrong type":
        field = draw(st.sampled_from(["id", "text", "title", "outlet", "url", "lang", "published_at"]))
        base[field] = draw(WRONG_TYPE)
        return _dumps(base)
    if kind == "surrogate":
        field = draw(st.sampled_from(["id", "text", "title", "outlet", "url", "lang"]))
        current = base.get(field)
        base[field] = _insert(draw, current if isinstance(current, str) and current.strip() else "value", draw(LONE_SURROGATES))
        return _dumps(base)
    if kind == "raw control":
        full = _dumps(base).decode("ascii")
        at = full.index('"text": "') + len('"text": "')
        return (full[:at] + draw(JSON_CONTROL) + full[at:]).encode("utf-8")
    if kind == "control in id":
        base["id"] = _insert(draw, str(base["id"]), draw(ID_CONTROL))
        return _dumps(base)
    if kind == "huge id":
        unit = draw(st.sampled_from(["x", "é", "東", "😀"]))
        base["id"] = unit * draw(st.integers(513 // len(unit.encode("utf-8")) + 1, 3000))
        return _dumps(base)
    if kind == "huge number":
        digits = draw(st.integers(4301, 6000))
        field = draw(st.sampled_from(["id", "text", "extra"]))
        full = _dumps({**base, field: 0}).decode("ascii")
        return full.replace(f'"{field}": 0', f'"{field}": ' + "7" * digits, 1).encode("ascii")
    if kind == "not utf-8":
        full = _dumps(base)
        at = draw(st.integers(0, len(full)))
        return full[:at] + draw(BAD_BYTES) + full[at:]
    if kind == "missing text":
        base.pop("text")
        return _dumps(base)
    if kind == "empty text":
        base["text"] = draw(st.sampled_from(["", " ", "\n\t", "\u3000", None]))
        return _dumps(base)
    if kind == "bare value":
        return _dumps(draw(st.one_of(st.lists(st.just(base), max_size=2), st.integers(), st.floats(allow_nan=False), st.text(NO_SURROGATES), st.booleans(), st.none())))
    if kind == "deep nesting":
        depth = draw(st.integers(20_000, 200_000))
        opener = draw(st.sampled_from(["[", '{"a":']))
        closer = "]" if opener == "[" else "}"
        return (opener * depth + "1" + closer * depth).encode("ascii")
    if kind == "bad date":
        base["published_at"] = draw(
            st.sampled_from(["nonsense", "2024-13-01", "2024-02-30", "0000", "99999-01-01", "2024-1", "T10:00", "2024-06-01T00:00+18:01", "2024-06-01T00:00-23:59"])
        )
        return _dumps(base)
    raise AssertionError(kind)


# -- whole files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    kind: str  # "good", "bad" or "blank"
    data: bytes
    record: dict | None = None


@st.composite
def archive(draw) -> list[Line]:
    """The lines of one JSONL file: good articles with distinct ids, hostile lines of
    different kinds and blank ones, in any order, some ending in CRLF.

    Hostile kinds are a prefix of a permutation, so that a few dozen examples meet
    every kind and many meet several together."""
    kinds = draw(st.permutations(HOSTILE_KINDS))[: draw(st.integers(0, len(HOSTILE_KINDS)))]
    lines: list[Line] = [Line("bad", draw(hostile_line(kind))) for kind in kinds]
    lines += [Line("blank", draw(st.sampled_from([b"", b" ", b"\t", b"  \t "]))) for _ in range(draw(st.integers(0, 2)))]
    seen: set[str] = set()
    for number in range(draw(st.integers(0, 6))):
        record = draw(good_record())
        while expected_id(record) in seen:
            record["id"] = f"{expected_id(record)}~{number}"
        seen.add(expected_id(record))
        lines.append(Line("good", _dumps(record), record))
    order = draw(st.permutations(range(len(lines))))
    crlf = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    return [Line(lines[i].kind, lines[i].data + (b"\r" if cr else b""), lines[i].record) for i, cr in zip(order, crlf)]


file_names = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"), min_size=1, max_size=20).map(
    lambda name: name + ".jsonl"
).filter(lambda name: len(name.encode("utf-8")) <= 200)


SKIPPED_ONE = re.compile(r"(\d+): (.*)")
SKIPPED_MANY = re.compile(r"(.*) \(lines ([0-9–, …]+)\)")


def _numbers(ranges: str) -> tuple[set[int], bool]:
    numbers: set[int] = set()
    for part in ranges.split(", "):
        if part == "…":
            continue
        first, _, last = part.partition("–")
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers, ranges.endswith("…")


def check_index(store: StoreUnderTest, folder: Path, name: str, lines: list[Line], capsys) -> None:
    """Index ``lines`` as the file ``folder/name`` and check the three promises."""
    path = folder / name
    final = b"\n" if len(lines) % 2 else b""  # a last line with and without its newline
    path.write_bytes(b"\n".join(line.data for line in lines) + final)
    capsys.readouterr()
    code = main(["index", str(path), *store.options, "--workers", "1", "--no-progress"])
    out, err = capsys.readouterr()
    bad = {number for number, line in enumerate(lines, start=1) if line.kind == "bad"}
    good = {expected_id(line.record): line.record["text"] for line in lines if line.kind == "good"}

    assert "Traceback" not in err and "Traceback" not in out, err
    assert code == (4 if bad else 0), (code, err)
    assert store.articles() == good
    assert out.startswith(f"indexed {len(good)},") and f"skipped {len(bad)} bad record(s)" in out, out

    shown = one_line(str(path))
    named: list[int] = []
    counted = 0
    for message in err.split("\n")[:-1]:  # not splitlines: U+2028 and U+001C are not line ends to a terminal
        assert message.startswith("attrib: skipped "), message
        rest = message[len("attrib: skipped ") :]
        if rest.startswith(shown + ":"):
            single = SKIPPED_ONE.fullmatch(rest[len(shown) + 1 :])
            assert single, message
            named.append(int(single.group(1)))
            counted += 1
            continue
        count, _, tail = rest.partition(" records of ")
        assert tail.startswith(shown + ": "), message
        group = SKIPPED_MANY.fullmatch(tail[len(shown) + 2 :])
        assert group, message
        numbers, truncated = _numbers(group.group(2))
        assert len(numbers) == int(count) or (truncated and len(numbers) < int(count)), message
        named.extend(numbers)
        counted += int(count)
    assert len(named) == len(set(named)), err  # no line named twice
    assert counted == len(bad), err  # every bad line told once
    assert set(named) <= bad, err  # only bad lines, by their true numbers
    assert all(one_line(m) == m for m in err.split("\n")[:-1])


def check_scan(store: StoreUnderTest, folder: Path, name: str, lines: list[Line], capsys) -> None:
    """Scan the file :func:`check_index` indexed: a report for every good article, one
    line for every bad one, and exit 4 when there was one (3 when nothing was indexed)."""
    path = folder / name
    capsys.readouterr()
    code = main(["scan", str(path), "-o", str(folder / "scan"), *store.options, "--workers", "1", "--no-progress"])
    out, err = capsys.readouterr()
    bad = {number for number, line in enumerate(lines, start=1) if line.kind == "bad"}
    good = {expected_id(line.record) for line in lines if line.kind == "good"}

    assert "Traceback" not in err and "Traceback" not in out, err
    if not good:
        assert code == 3 and err.startswith("attrib: ") and err.count("\n") == 1, (code, err)
        return
    assert code == (4 if bad else 0), (code, err)
    reports = (folder / "scan" / "reports.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
    assert sorted(json.loads(report)["article"]["id"] for report in reports) == sorted(good)
    shown = one_line(str(path))
    named = []
    for message in err.split("\n")[:-1]:
        assert message.startswith(f"attrib: skipped {shown}:"), message
        single = SKIPPED_ONE.fullmatch(message[len(f"attrib: skipped {shown}:") :])
        assert single, message
        named.append(int(single.group(1)))
    assert sorted(named) == sorted(bad), err


# -- attrib check --------------------------------------------------------------------------

CHECK_SUFFIXES = [".txt", ".json", ".jsonl", ".html", ".htm", ".ndjson"]

PIER = (
    "The harbour authority closed the northern pier on Tuesday evening after engineers found cracks in two of "
    'its supporting columns. "We cannot let anyone walk on it until the repairs are done," said Mara Quill, '
    "the authority's chief engineer, adding that the work would take at least six weeks."
)
BUDGET = (
    "The council approved a budget for the new school and the hospital wing on Monday, after the mayor "
    "promised that no library would close and that the railway bridge would be repainted by the spring."
)
CHECK_ARCHIVE = [
    {"id": "pier-first", "text": PIER, "outlet": "Coast Daily", "published_at": "0001-01-01T00:00:00+05:00"},
    {"id": "pier-last", "text": PIER + " Boats were moved.", "outlet": "Wire", "published_at": "9999"},
    {"id": "budget-december", "text": BUDGET, "outlet": "Town Post", "published_at": "9999-12"},
    {"id": "budget-undated", "text": BUDGET + " Parking fees rise."},
]
"""Indexed before the check properties run: the same texts at the ends of the calendar,
so a checked copy has sources whose dates are compared with its own."""


@st.composite
def copied_record(draw) -> dict:
    """A good article whose text is (mostly) one of :data:`CHECK_ARCHIVE`'s."""
    record = draw(good_record())
    source = draw(st.sampled_from(CHECK_ARCHIVE))["text"]
    cut = draw(st.integers(len(source) // 2, len(source)))
    record["text"] = source[:cut] + " " + record["text"]
    return record


CHECK_INPUTS = {
    "copy as json": copied_record().map(_dumps),
    "copy as text": st.tuples(short_string, copied_record()).map(lambda tr: f"{tr[0]}\n{tr[1]['text']}".encode("utf-8")),
    "any bytes": st.binary(max_size=400),
    "words": good_text.map(lambda text: text.encode("utf-8")),
    "any text": st.text(NO_SURROGATES, max_size=200).map(lambda text: text.encode("utf-8")),
    "json article": good_record().map(_dumps),
    "json array": st.lists(good_record(), max_size=3).map(_dumps),
    "hostile line": hostile_line(),
    "odd": st.sampled_from([b"", b"\n", b"   ", b"{", b"[]", b"null", b"<html></html>", b"\xef\xbb\xbf", b"\x00" * 64]),
}
check_bytes = st.one_of(*CHECK_INPUTS.values())
"""What ``attrib check`` is given: copies of the indexed articles, arbitrary bytes and
text, good and hostile JSON, and a few odd files."""


def check_article(store: StoreUnderTest, folder: Path, where: str, data: bytes, fmt: str, capsys) -> None:
    """Check ``data`` (a file of the suffix ``where``, or ``-`` for standard input)."""
    capsys.readouterr()
    if where == "-":
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
            code = main(["check", "-", "--format", fmt, *store.options])
        source = "<stdin>"
    else:
        path = folder / f"article{where}"
        path.write_bytes(data)
        code = main(["check", str(path), "--format", fmt, *store.options])
        source = one_line(str(path))
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    assert code in (0, 2), (code, err)
    out.encode("utf-8")  # a real terminal or file takes it: no lone surrogate
    if code == 0:
        assert err == "", err
        if fmt == "json":
            assert json.loads(out)["schema"].startswith("attrib.report/")
        else:
            assert out.strip()
    else:
        assert out == ""
        assert err.count("\n") == 1 and err.endswith("\n") and err.startswith("attrib: "), err
        assert source in err, err
