"""Publication times with their precision.

News pages give a time, a day, a month (``2023-07``, common when the date comes from a
URL path) or only a year. :class:`Published` is a timezone-aware ``datetime`` at the
start of that period that remembers how precise it is, so that ``2023-07`` is never
taken for 1 July at midnight: :func:`later` says whether one publication is certainly
after another, and a month-only date is never later than a day within that month.

Pure: standard library only.
"""

from __future__ import annotations

import enum
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

__all__ = ["MAX_UTC_OFFSET", "Precision", "Published", "UTCOffsetError", "check_utc_offset", "later", "parse_published", "sort_key"]

MAX_UTC_OFFSET = timedelta(hours=18)
"""The widest UTC offset a time may carry. Python takes anything short of 24 hours, but
Elasticsearch (java.time) refuses a date past ±18:00, and no time zone comes near it
(the widest are -12:00 and +14:00): a wider offset is a typo, refused by every store."""


class UTCOffsetError(ValueError):
    """A time with a UTC offset wider than :data:`MAX_UTC_OFFSET`."""


def check_utc_offset(moment: datetime) -> None:
    """Raise :class:`UTCOffsetError` when ``moment``'s UTC offset is wider than ±18:00."""
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        seconds = int(abs(offset).total_seconds())
        shown = f"{'-' if offset < timedelta(0) else '+'}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
        shown += f":{seconds % 60:02d}" if seconds % 60 else ""
        raise UTCOffsetError(f"has a UTC offset of {shown}, wider than the ±18:00 time zones stay within")


class Precision(str, enum.Enum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    TIME = "time"


_PARTIAL = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?\s*$")


class Published(datetime):
    """A publication time: the start of its period, in UTC unless a zone was given.

    ``precision`` is ``year``, ``month``, ``day`` or ``time``; :meth:`isoformat` writes
    a partial date as it was given (``2023``, ``2023-07``, ``2023-07-14``), so it
    round-trips through JSON and both stores.
    """

    precision: Precision = Precision.TIME  # what replace() and arithmetic give: a moment

    def __new__(cls, moment: datetime | int, *args: Any, precision: Precision | str = Precision.TIME, **kwargs: Any) -> "Published":
        if not isinstance(moment, datetime):
            # datetime's own constructor signature: arithmetic and replace() on a
            # Published build a new one this way, which is a moment, not a period.
            moment = datetime(moment, *args, **kwargs)
        elif args:
            precision = args[0]
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        self = super().__new__(
            cls, moment.year, moment.month, moment.day, moment.hour, moment.minute,
            moment.second, moment.microsecond, moment.tzinfo, fold=moment.fold,
        )
        self.precision = Precision(precision)
        return self

    def __reduce_ex__(self, protocol):
        return (_rebuild, (datetime(self.year, self.month, self.day, self.hour, self.minute, self.second,
                                    self.microsecond, self.tzinfo), self.precision.value))

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        if self.precision is Precision.YEAR:
            return f"{self.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        if self.precision is Precision.DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return super().isoformat(sep, timespec)

    def __str__(self) -> str:
        return self.isoformat(" ")

    @property
    def end(self) -> datetime:
        """The end of the period (exclusive); the moment itself for a time.

        A period that runs past the last day ``datetime`` can hold (the year 9999, its
        December, its 31 December) ends at ``datetime.max``, a microsecond short.
        """
        start = datetime(self.year, self.month, self.day, self.hour, self.minute, self.second, self.microsecond, self.tzinfo)
        try:
            if self.precision is Precision.YEAR:
                return start.replace(year=self.year + 1)
            if self.precision is Precision.MONTH:
                return start.replace(year=self.year + 1, month=1) if self.month == 12 else start.replace(month=self.month + 1)
            if self.precision is Precision.DAY:
                return start + timedelta(days=1)
        except (ValueError, OverflowError):
            return datetime.max.replace(tzinfo=self.tzinfo)
        return start

    def label(self) -> str:
        """For people: ``July 2023``, ``2023``, ``14 July 2023``, ``14 July 2023 09:30 UTC``."""
        if self.precision is Precision.YEAR:
            return f"{self.year}"
        if self.precision is Precision.MONTH:
            return f"{self:%B %Y}"
        if self.precision is Precision.DAY:
            return f"{self.day} {self:%B %Y}"
        return f"{self.day} {self:%B %Y %H:%M %Z}".rstrip()


def _rebuild(moment: datetime, precision: str) -> Published:
    return Published(moment, Precision(precision))


def parse_published(value: Any) -> Published | None:
    """A :class:`Published` from an ISO 8601 string (a time, a day, ``YYYY-MM`` or ``YYYY``),
    a ``date`` or a ``datetime``; ``None`` for ``None`` or ``""``. Naive times are UTC.

    Raises ``ValueError`` for anything else, :class:`UTCOffsetError` for a time whose UTC
    offset is wider than ±18:00.
    """
    if value is None or value == "":
        return None
    if isinstance(value, Published):
        return value
    if isinstance(value, datetime):
        check_utc_offset(value)
        return Published(value, Precision.TIME)
    if isinstance(value, date):
        return Published(datetime(value.year, value.month, value.day), Precision.DAY)
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    partial = _PARTIAL.match(text)
    if partial:
        year, month = int(partial.group(1)), partial.group(2)
        if month is None:
            return Published(datetime(year, 1, 1), Precision.YEAR)
        if not 1 <= int(month) <= 12:
            raise ValueError(f"no month {month}: {value!r}")
        return Published(datetime(year, int(month), 1), Precision.MONTH)
    parsed = datetime.fromisoformat(text)
    check_utc_offset(parsed)
    day_only = len(text) <= 10 or ("T" not in text and " " not in text and ":" not in text)
    return Published(parsed, Precision.DAY if day_only else Precision.TIME)


def _span(t: datetime) -> tuple[datetime, datetime]:
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    if isinstance(t, Published) and t.precision is not Precision.TIME:
        return t, t.end
    return t, t


def later(a: datetime | None, b: datetime | None) -> bool:
    """Whether ``a`` was certainly published after ``b`` (False when either is unknown).

    A partial date covers its whole period: ``2023-07`` is not later than ``2023-07-14``,
    nor earlier; ``2023-08`` is later than any day of July.
    """
    if a is None or b is None:
        return False
    a_start, _ = _span(a)
    b_start, b_end = _span(b)
    if b_end > b_start:  # b is a period: a must start at or after its end
        return a_start >= b_end
    return a_start > b_start


def sort_key(t: datetime | None) -> tuple[int, float, int]:
    """Earliest first, undated last; within one start, the more precise first."""
    if t is None:
        return (1, 0.0, 0)
    start, end = _span(t)
    return (0, start.timestamp(), int((end - start).total_seconds()))
