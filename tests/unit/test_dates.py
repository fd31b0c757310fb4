"""Publication dates keep their precision: a month from a URL path is not a day."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone

import pytest

from attrib.article import Article
from attrib.core.dates import Precision, later, parse_published, sort_key
from attrib.errors import InputError
from attrib.indexing import index_articles
from attrib.store import EmbeddedStore


@pytest.mark.parametrize("given, precision, iso", [
    ("2023", Precision.YEAR, "2023"),
    ("2023-07", Precision.MONTH, "2023-07"),
    ("2023-07-14", Precision.DAY, "2023-07-14"),
    ("2023-07-14T09:30:00+02:00", Precision.TIME, "2023-07-14T09:30:00+02:00"),
    ("2023-07-14T09:30", Precision.TIME, "2023-07-14T09:30:00+00:00"),
])
def test_partial_dates_parse_and_round_trip(given, precision, iso):
    t = parse_published(given)
    assert t.precision is precision and t.isoformat() == iso and t.tzinfo is not None
    assert parse_published(t.isoformat()).isoformat() == iso
    assert pickle.loads(pickle.dumps(t)).isoformat() == iso


def test_a_month_is_never_later_than_a_day_within_it():
    month, day = parse_published("2023-07"), parse_published("2023-07-14")
    assert not later(month, day) and not later(day, month)
    assert later(parse_published("2023-08-01"), month)
    assert later(parse_published("2023-08"), parse_published("2023-07-31T23:59"))
    assert not later(parse_published("2023-07-14T10:00"), day)
    assert later(parse_published("2023-07-15"), day)
    assert not later(None, day) and not later(day, None)
    assert sort_key(day) < sort_key(parse_published("2023-07-15")) < sort_key(None)


def test_bad_dates_are_refused_naming_the_field():
    for bad in ("2023-13", "July 2023", "2023-07-32"):
        with pytest.raises(InputError) as info:
            Article.from_dict({"text": "x", "published_at": bad})
        assert info.value.field == "published_at"


def test_a_month_only_article_is_indexed_and_reported_as_that_month(tmp_path):
    from attrib.detect import check

    text = " ".join(f"Sentence {i} about the harbour board meeting and its budget for the year {1990 + i}." for i in range(30))
    store = EmbeddedStore(tmp_path / "attrib.db")
    try:
        index_articles(store, [Article.from_dict({"id": "monthly", "text": text, "published_at": "2023-07", "outlet": "Weekly"})])
        stored = store.get(["monthly"])["monthly"]
        assert stored.published_at.isoformat() == "2023-07"
        report = check(Article(id="copy", text=text, outlet="Daily",
                               published_at=datetime(2023, 7, 20, tzinfo=timezone.utc)), store)
        assert report.original is not None and report.original.article.id == "monthly"
        assert "July 2023" in report.summary()
        assert report.to_dict()["likely_original"]["published_at"] == "2023-07"
    finally:
        store.close()


LAST_PERIODS = ["9999", "9999-12", "9999-12-31", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"]


@pytest.mark.parametrize("given", LAST_PERIODS)
def test_periods_at_the_ends_of_the_calendar_compare_and_sort(given):
    t = parse_published(given)
    assert t.end >= t and t.end.tzinfo is not None
    earlier = parse_published("2023-07-14")
    assert later(t, earlier) is (t.year == 9999) and not later(t, t)
    assert later(earlier, t) is (t.year == 1)
    assert sorted([t, earlier, None], key=sort_key)[-1] is None


def test_an_archive_dated_in_the_year_9999_can_be_checked(tmp_path):
    from attrib.detect import check

    text = " ".join(f"Sentence {i} about the harbour board meeting and its budget for the year {1990 + i}." for i in range(30))
    store = EmbeddedStore(tmp_path / "attrib.db")
    try:
        index_articles(store, [Article.from_dict({"id": f"far-{d}", "text": text, "published_at": d, "outlet": "Far"}) for d in LAST_PERIODS[:3]])
        for when in LAST_PERIODS:
            report = check(Article(id="copy", text=text, outlet="Daily", published_at=parse_published(when)), store)
            assert report.to_json()
    finally:
        store.close()


@pytest.mark.parametrize("given, shown", [
    ("2024-06-01T00:00:00+18:01", "+18:01"),
    ("2024-06-01T00:00:00-23:59", "-23:59"),
    ("2024-06-01T12:00:00-18:00:01", "-18:00:01"),
])
def test_a_utc_offset_past_18_hours_is_refused_as_every_store_would(given, shown):
    # Python reads offsets up to 24 hours; Elasticsearch refuses a date past ±18:00, so
    # the same archive would land whole in the embedded store and fail on a cluster.
    with pytest.raises(InputError) as info:
        Article.from_dict({"text": "x", "published_at": given})
    assert info.value.field == "published_at"
    assert str(info.value) == f"'published_at' has a UTC offset of {shown}, wider than the ±18:00 time zones stay within: {given!r}"
    from datetime import timedelta

    with pytest.raises(InputError, match="UTC offset"):
        Article(id="a", text="x", published_at=datetime(2024, 6, 1, tzinfo=timezone(timedelta(hours=19))))


@pytest.mark.parametrize("given", ["2024-06-01T00:00:00+18:00", "2024-06-01T00:00:00-18:00", "2024-06-01T00:00:00+14:00"])
def test_offsets_up_to_18_hours_pass(given):
    assert Article.from_dict({"text": "x", "published_at": given}).published_at.isoformat() == given
