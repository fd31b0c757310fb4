"""The article model: what attrib indexes and checks.

Pure data and validation (standard library and xxhash only), shared by every layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

import xxhash

from attrib.core.dates import UTCOffsetError, check_utc_offset, parse_published
from attrib.errors import InputError

MAX_TEXT_CHARS = 5_000_000
"""Articles longer than this (5 million characters) are refused: no news story is that long."""

MAX_ID_BYTES = 512
"""Elasticsearch refuses an ``_id`` longer than 512 bytes, so ids are measured in UTF-8 bytes."""

_FIELDS = ("id", "text", "title", "outlet", "url", "published_at", "lang")
_STRING_FIELDS = ("id", "text", "title", "outlet", "url", "lang")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _check_unicode(value: Any, name: str) -> None:
    """Refuse a lone surrogate: JSON's ``"\\ud800"`` escape yields one, and no store or
    encoder downstream can write it, so it is caught here, per record, naming the field."""
    if not isinstance(value, str) or value.isascii():
        return
    found = _SURROGATE.search(value)
    if found:
        raise InputError(
            f"'{name}' holds a lone surrogate (U+{ord(found.group()):04X} at character {found.start()}), "
            "which is not valid Unicode text",
            field=name,
        )


@dataclass(frozen=True)
class Article:
    """A news article. ``text`` is the body as published; every span attrib returns
    indexes into it. ``published_at`` is timezone-aware (UTC when the input had no zone) and keeps the
    precision it was given with (a time, a day, a month or a year)."""

    id: str
    text: str = field(repr=False)
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    lang: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise InputError("article id must be a non-empty string", field="id")
        for name in _STRING_FIELDS:
            _check_unicode(getattr(self, name), name)
        id_bytes = len(self.id.encode("utf-8"))
        if id_bytes > MAX_ID_BYTES:
            raise InputError(f"article id is {id_bytes} bytes in UTF-8; the limit is {MAX_ID_BYTES}", field="id")
        control = _CONTROL.search(self.id)
        if control:
            raise InputError(
                f"article id holds a control character (U+{ord(control.group()):04X} at character {control.start()})",
                field="id",
            )
        if not isinstance(self.text, str):
            raise InputError("text must be a string", field="text")
        if not self.text.strip():
            raise InputError("article has no text", field="text")
        if len(self.text) > MAX_TEXT_CHARS:
            raise InputError(
                f"article text is {len(self.text):,} characters; the limit is {MAX_TEXT_CHARS:,}", field="text"
            )
        if self.published_at is not None and self.published_at.tzinfo is None:
            raise InputError("published_at must be timezone-aware", field="published_at")
        if self.published_at is not None:
            try:
                check_utc_offset(self.published_at)
            except UTCOffsetError as e:
                raise InputError(f"'published_at' {e}", field="published_at") from None

    @staticmethod
    def derive_id(*, url: str | None = None, text: str | None = None) -> str:
        """A stable id from the URL when there is one, else from the content."""
        if url:
            return "url-" + xxhash.xxh3_128_hexdigest(url.strip().encode("utf-8"))
        if text is None:
            raise InputError("cannot derive an id without url or text", field="id")
        return "txt-" + xxhash.xxh3_128_hexdigest(text.encode("utf-8", "surrogatepass"))

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> "Article":
        """Build an article from a JSON-like mapping, naming the bad field on error.

        ``id`` is optional (derived from ``url`` or the text); unknown keys are ignored.
        """
        if not isinstance(record, Mapping):
            raise InputError("record is not a JSON object")
        text = record.get("text")
        if text is None:
            raise InputError("record has no 'text'", field="text")
        if not isinstance(text, str):
            raise InputError("'text' must be a string", field="text")
        strings: dict[str, str | None] = {}
        for key in ("title", "outlet", "url", "lang"):
            value = record.get(key)
            if value is not None and not isinstance(value, str):
                raise InputError(f"'{key}' must be a string", field=key)
            strings[key] = value.strip() or None if isinstance(value, str) else None
        raw_id = record.get("id")
        if raw_id is None:
            article_id = cls.derive_id(url=strings["url"], text=text)
        elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
            article_id = str(raw_id)
        else:
            raise InputError("'id' must be a string or an integer", field="id")
        return cls(
            id=article_id,
            text=text,
            published_at=parse_datetime(record.get("published_at")),
            **strings,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (dates as ISO 8601), the inverse of :meth:`from_dict`."""
        out: dict[str, Any] = {k: getattr(self, k) for k in _FIELDS}
        if self.published_at is not None:
            out["published_at"] = self.published_at.isoformat()
        return {k: v for k, v in out.items() if v is not None}


def parse_datetime(value: Any, field_name: str = "published_at") -> datetime | None:
    """Parse an ISO 8601 time, day, month (``2023-07``) or year (``2023``), keeping its
    precision (:class:`~attrib.core.dates.Published`); naive values are taken as UTC."""
    try:
        return parse_published(value)
    except UTCOffsetError as e:
        raise InputError(f"'{field_name}' {e}: {value!r}", field=field_name) from None
    except ValueError:
        if isinstance(value, str):
            raise InputError(f"'{field_name}' is not an ISO 8601 date: {value!r}", field=field_name) from None
        raise InputError(f"'{field_name}' must be an ISO 8601 string", field=field_name) from None
