"""Loaders for the public evaluation corpora (Reuters-21578, BBC News, seed articles).

Used by the benchmark and evaluation scripts and by the tests; a newsroom's own archive
goes through :mod:`attrib.readers` instead.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from attrib.article import Article
from attrib.readers import read_paths

_REUTERS_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})")


def reuters_date(value: str | None) -> datetime | None:
    """``26-FEB-1987 15:01:01.79`` as UTC; None for the few malformed dates in the set."""
    match = _REUTERS_DATE.search(value or "")
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        return datetime.strptime(f"{day}-{month.title()}-{year} {hour}:{minute}:{second}", "%d-%b-%Y %H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def reuters(data: Path) -> Iterator[Article]:
    """Reuters-21578 stories with a body, as dated Reuters articles (ids ``reuters/NEWID``)."""
    with open(data / "reuters21578" / "reuters21578.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if not (record.get("body") or "").strip():
                continue
            yield Article(
                id=f"reuters/{record['newid']}",
                text=record["body"],
                title=(record.get("title") or "").strip() or None,
                outlet="Reuters",
                published_at=reuters_date(record.get("date")),
            )


def bbc(data: Path) -> Iterator[Article]:
    """BBC News articles (ids ``bbc/TOPIC/NNN``; first line the headline); one file is Latin-1."""
    for record in read_paths([data / "bbc"]):
        if isinstance(record, Article):
            yield Article(id=f"bbc/{record.id}", text=record.text, title=record.title, outlet="BBC")
        elif "not utf-8" in record.message:
            path = Path(record.location)
            for article in read_paths([path], encoding="latin-1"):
                if isinstance(article, Article):
                    yield Article(id=f"bbc/{path.parent.name}/{path.stem}", text=article.text, title=article.title, outlet="BBC")
