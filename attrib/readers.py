"""Read articles from files: JSONL, JSON, folders of ``.txt`` files and HTML pages.

Readers stream: they yield an :class:`~attrib.article.Article` for every good record and a
:class:`BadRecord` (with its ``file:line``) for every bad one, so one broken line never
stops the rest from landing.

A ``.txt`` or ``.html`` file (an HTML page without a URL) gets its id from its path below
the folder that was given, without the suffix: ``examples/000_x.txt`` given by itself and
the folder ``examples/`` both give ``000_x``, whether the path is relative or absolute;
``bbc/`` gives ``politics/001`` to keep the five ``001.txt`` of its topics apart. Only
giving an ancestor folder (``bbc/`` rather than ``bbc/politics/``) changes the id.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from dataclasses import dataclass, fields as dataclass_fields
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from attrib.article import Article
from attrib.errors import AttribError, InputError

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
HTML_SUFFIXES = {".html", ".htm"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | HTML_SUFFIXES

JSON_WHITESPACE = " \t\r\n"
"""What JSON itself skips; a JSONL line of only these is blank. ``str.strip`` would also
take form feeds, U+001C to U+001F, NEL and U+2028 for blank and drop such a line unsaid."""


@dataclass(frozen=True)
class BadRecord:
    """A record that could not be read; ``location`` is ``path`` or ``path:line``.

    ``file`` and ``line`` are the same place taken apart (``line`` only for JSONL and a
    JSON file that does not parse), so callers can summarise many bad lines of one file.
    """

    location: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


Record = Article | BadRecord

FieldMap = Mapping[str, str]
"""Where each article field is read from in a JSON record: ``{"text": "body"}`` reads the
text from the key ``body``. Fields not named are read under their own name."""

ARTICLE_FIELDS = tuple(f.name for f in dataclass_fields(Article))


def parse_field_map(specs: Iterable[str]) -> dict[str, str]:
    """``["text=body", "id=newid"]`` (``--field ATTRIB=SOURCE``) as a field map.

    Raises :class:`InputError` on a malformed spec, an unknown article field or a field
    given twice, so a typo stops the run before anything is read.
    """
    mapping: dict[str, str] = {}
    for spec in specs:
        name, sep, source = spec.partition("=")
        name, source = name.strip(), source.strip()
        if not sep or not name or not source:
            raise InputError(f"--field takes ATTRIB=SOURCE (e.g. --field text=body), got {spec!r}", field="field")
        if name not in ARTICLE_FIELDS:
            raise InputError(
                f"--field {spec}: {name!r} is not an article field; ATTRIB is one of {', '.join(ARTICLE_FIELDS)} "
                "(the form is ATTRIB=SOURCE, e.g. --field text=body)",
                field="field",
            )
        if name in mapping:
            raise InputError(f"--field {name} is given twice ({name}={mapping[name]} and {spec})", field="field")
        mapping[name] = source
    return mapping


def article_from_record(record: Any, fields: FieldMap | None = None) -> Article:
    """An article from one JSON record, reading each field from where ``fields`` says.

    An error about a mapped field says which key it was read from.
    """
    if not fields:
        return Article.from_dict(record)
    if not isinstance(record, Mapping):
        raise InputError("record is not a JSON object")
    mapped = dict(record)
    for name, source in fields.items():
        mapped[name] = record.get(source)
    try:
        return Article.from_dict(mapped)
    except InputError as e:
        source = fields.get(e.field or "")
        if source is None:
            raise
        raise InputError(f"{e} (read from {source!r} by --field {e.field}={source})", field=e.field) from e


def load_json(text: str) -> Any:
    """``json.loads``, failing only with :class:`json.JSONDecodeError`.

    Python's parser also refuses an integer of more digits than
    ``sys.get_int_max_str_digits()`` (a ``ValueError``) and nesting deeper than the
    recursion limit (a ``RecursionError``). Raised as they are, either would escape the
    per-record handling and cost the whole file (or print a traceback), so both become a
    decode error, positioned at the number or at the outermost array or object.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        limit = sys.get_int_max_str_digits()
        number = re.search(r"\d{%d,}" % (limit + 1), text) if limit else None
        raise json.JSONDecodeError(
            f"number of more than {limit:,} digits", text, number.start() if number else 0
        ) from None
    except RecursionError:
        start = len(text) - len(text.lstrip())
        raise json.JSONDecodeError("arrays or objects nested too deeply", text, start) from None


def read_paths(paths: Iterable[str | Path], *, encoding: str = "utf-8", fields: FieldMap | None = None) -> Iterator[Record]:
    """Yield the articles of every path: files by their suffix, folders recursively.

    ``-`` reads JSONL from standard input; ``fields`` says where JSON and JSONL records
    keep each article field (see :func:`parse_field_map`). A path that does not exist raises
    :class:`InputError` before anything is read, so a typo does not half-run a job.
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    resolved = [_check_path(p) for p in paths]
    return _read_resolved(resolved, encoding, fields)


def _read_resolved(resolved: list[Path | None], encoding: str, fields: FieldMap | None) -> Iterator[Record]:
    for path in resolved:
        if path is None:
            yield from read_jsonl(sys.stdin.buffer, "<stdin>", encoding=encoding, fields=fields)
        elif path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in KNOWN_SUFFIXES):
                yield from read_file(file, encoding=encoding, base=path, fields=fields)
        else:
            yield from read_file(path, encoding=encoding, base=path.parent, fields=fields)


def count_records(paths: Iterable[str | Path]) -> int | None:
    """A cheap count of the records under ``paths`` (for progress bars); None if unknown."""
    total = 0
    for raw in paths:
        if str(raw) == "-":
            return None
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            suffix = file.suffix.lower()
            if suffix in JSONL_SUFFIXES:
                with open(file, "rb") as handle:
                    total += sum(1 for line in handle if line.strip(JSON_WHITESPACE.encode()))
            elif suffix in KNOWN_SUFFIXES:
                total += 1
    return total


def _check_path(raw: str | Path) -> Path | None:
    if str(raw) == "-":
        return None
    path = Path(raw)
    if not path.exists():
        raise InputError("no such file or folder", source=str(raw))
    if path.is_file() and path.suffix.lower() not in KNOWN_SUFFIXES:
        raise InputError(
            f"unknown file type {path.suffix or '(none)'!r}; expected .jsonl, .json, .txt or .html",
            source=str(raw),
        )
    return path


def read_file(
    path: Path, *, encoding: str = "utf-8", base: Path | None = None, fields: FieldMap | None = None
) -> Iterator[Record]:
    """The records of one file, read by its suffix.

    A reader that fails outright (a parser bug, a missing dependency, a disk error) costs
    this file only: the records read so far stand and the failure is one
    :class:`BadRecord` naming the file, so one odd page never aborts an archive run.
    """
    try:
        yield from _read_file(path, encoding=encoding, base=base, fields=fields)
    except Exception as e:  # noqa: BLE001 - whatever a reader raises is this file's problem, not the run's
        detail = " ".join(str(e).split())
        reason = f"{type(e).__name__}: {detail}" if detail else type(e).__name__
        yield BadRecord(str(path), f"could not be read ({reason})", file=str(path))


def _read_file(path: Path, *, encoding: str, base: Path | None, fields: FieldMap | None) -> Iterator[Record]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        try:
            _check_line_encoding(encoding)
            handle = open(path, "rb")
        except AttribError as e:
            yield BadRecord(str(path), str(e), file=str(path))
            return
        except OSError as e:
            yield BadRecord(str(path), e.strerror or str(e), file=str(path))
            return
        with handle:
            yield from read_jsonl(handle, str(path), encoding=encoding, fields=fields)
        return
    try:
        raw = path.read_text(encoding=encoding)
    except UnicodeDecodeError as e:
        yield BadRecord(str(path), _decode_message(e, encoding), file=str(path))
        return
    except OSError as e:
        yield BadRecord(str(path), e.strerror or str(e), file=str(path))
        return
    try:
        if suffix in JSON_SUFFIXES:
            yield from _json_document(raw, str(path), fields)
        elif suffix in HTML_SUFFIXES:
            yield html_article(raw, path=path, base=base)
        else:
            yield text_article(raw, path=path, base=base)
    except AttribError as e:
        yield BadRecord(str(path), _strip_source(e), file=str(path))


def read_jsonl(
    handle: Iterable[bytes], name: str, *, encoding: str = "utf-8", fields: FieldMap | None = None, first_line: int = 1
) -> Iterator[Record]:
    """The records of a JSONL stream, one a line, each line decoded on its own.

    ``handle`` yields bytes: a line that is not ``encoding`` text is one bad record
    (``name:line``) and every other line still lands. The encoding must write a newline
    as the single byte 0x0a (UTF-8, Latin-1, cp1252; not UTF-16). ``first_line`` is the
    number of the stream's first line in its file, for a stream that starts mid-file.
    """
    _check_line_encoding(encoding)
    for number, raw in enumerate(handle, start=first_line):
        location = f"{name}:{number}"
        if number == 1 and raw.startswith(codecs.BOM_UTF8) and codecs.lookup(encoding).name == "utf-8":
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError as e:
            yield BadRecord(location, _decode_message(e, encoding, where="column", base=1), file=name, line=number)
            continue
        if not line.strip(JSON_WHITESPACE):
            continue
        try:
            record = load_json(line)
        except json.JSONDecodeError as e:
            yield BadRecord(location, f"invalid JSON ({e.msg} at column {e.colno})", file=name, line=number)
            continue
        try:
            yield article_from_record(record, fields)
        except AttribError as e:
            yield BadRecord(location, _strip_source(e), file=name, line=number)


def _check_line_encoding(encoding: str) -> None:
    try:
        newline = "\n".encode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    if newline != b"\n":
        raise InputError(f"JSONL cannot be read as {encoding}: its lines are split on the byte 0x0a; use UTF-8")


def _json_document(raw: str, name: str, fields: FieldMap | None = None) -> Iterator[Record]:
    try:
        data = load_json(raw)
    except json.JSONDecodeError as e:
        yield BadRecord(f"{name}:{e.lineno}", f"invalid JSON ({e.msg} at column {e.colno})", file=name, line=e.lineno)
        return
    records = data if isinstance(data, list) else [data]
    for position, record in enumerate(records):
        location = name if len(records) == 1 else f"{name}[{position}]"
        try:
            yield article_from_record(record, fields)
        except AttribError as e:
            yield BadRecord(location, _strip_source(e), file=name)


def _path_id(path: Path, base: Path | None) -> str:
    """``path`` below the folder ``base`` that was given, without its suffix; a file given
    by itself (``base`` None or its own folder) is its stem."""
    relative = path.relative_to(base) if base is not None and path.is_relative_to(base) else Path(path.name)
    return relative.with_suffix("").as_posix()


def split_title(raw: str) -> tuple[str | None, str]:
    """The ``.txt`` layout: the first non-empty line is the title, the rest the text.

    A text of a single line is all text and no title. When the first line is page chrome
    (``Connect with us``), the headline after the page's top is the title, or there is
    none (:func:`attrib.core.chrome.title_line`); the text is the same either way, so that
    ids derived from it and texts already indexed do not change. Raises :class:`InputError`
    when there is no text at all.
    """
    from attrib.core.chrome import title_line

    lines = raw.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise InputError("file has no text", field="text")
    body = "\n".join(lines[first + 1 :])
    if body.strip():
        title = title_line(lines)
        return (lines[title].strip() if title is not None else None), body
    return None, raw


def text_article(raw: str, *, path: Path, base: Path | None = None) -> Article:
    """A ``.txt`` article (see :func:`split_title`), its id the file's path below the
    folder ``base`` that was given (the module docstring has the rule), so two files
    with the same words stay two articles."""
    title, text = split_title(raw)
    return Article(id=_path_id(path, base), text=text, title=title)


def html_article(raw: str, *, path: Path, base: Path | None = None) -> Article:
    """Extract the article from an HTML page (main text, title, date, site) with trafilatura."""
    import trafilatura

    document = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    if document is not None and not isinstance(document, dict):
        document = document.as_dict()  # trafilatura 2 returns a Document; its as_dict= flag is deprecated
    if not document or not (document.get("text") or "").strip():
        raise InputError("no article text found in the HTML page", field="text")
    url = document.get("url") or None
    return Article.from_dict(
        {
            "id": Article.derive_id(url=url) if url else _path_id(path, base),
            "text": document["text"],
            "title": document.get("title"),
            "outlet": document.get("sitename"),
            "url": url,
            "published_at": document.get("date"),
            "lang": document.get("language"),
        }
    )


def _decode_message(error: UnicodeDecodeError, encoding: str, *, where: str = "offset", base: int = 0) -> str:
    return (
        f"not {encoding} text (byte 0x{error.object[error.start]:02x} at {where} {error.start + base}); "
        "convert it to UTF-8 or pass --encoding"
    )


def _strip_source(error: AttribError) -> str:
    if isinstance(error, InputError) and error.source:
        return str(error)[len(error.source) + 2 :]
    return str(error)
