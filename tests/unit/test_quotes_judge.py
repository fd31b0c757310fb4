"""judge_quote: one test per verdict rule (docs/QUOTES.md, "Verdict rules")."""

import importlib
import sys
from datetime import datetime, timedelta, timezone

import pytest

from attrib.core.quotes import (
    Quote,
    QuoteOccurrence,
    QuoteVerdict,
    extract_quotes,
    is_interview,
    judge_quote,
)

T0 = datetime(2024, 10, 22, 9, 0, tzinfo=timezone.utc)
WORDS = "It is truly time to end this war. We are all paying a heavy price and suffering."


def quote(text: str = WORDS, outlet: str | None = None, cue: str | None = "said", interview: bool = False) -> Quote:
    return Quote(0, len(text) + 2, 1, len(text) + 1, text, cue=cue, outlet=outlet, interview=interview)


def occ(aid: str, outlet: str | None, hours: float | None, text: str = WORDS, **kw) -> QuoteOccurrence:
    when = None if hours is None else T0 + timedelta(hours=hours)
    return QuoteOccurrence(aid, outlet, when, text, 10, 10 + len(text), **kw)


ARTICLE_AT = T0 + timedelta(hours=30)


def judge(q: Quote, occs, outlet="Daily Copy", at=ARTICLE_AT, **kw):
    return judge_quote(q, outlet, at, occs, **kw)


# rule 1: only similar occurrences count; the article itself never does


def test_dissimilar_occurrences_are_ignored():
    f = judge(quote(), [occ("a", "Reuters", 0, text="Something else entirely was said by someone today.")])
    assert f.verdict is QuoteVerdict.UNKNOWN_ORIGIN
    assert f.origin is None and f.also_seen == ()


def test_the_article_itself_is_not_an_occurrence():
    f = judge(quote(), [occ("me", "Reuters", 0)], article_id="me")
    assert f.verdict is QuoteVerdict.UNKNOWN_ORIGIN


# rule 2: origins are other outlets, strictly earlier; the earliest wins


def test_earliest_earlier_other_outlet_is_the_origin():
    occs = [occ("late", "BBC", 20), occ("first", "Al Jazeera", 1), occ("after", "CNN", 40)]
    f = judge(quote(), occs)
    assert f.origin.article_id == "first"
    assert f.verdict is QuoteVerdict.UNATTRIBUTED
    assert {o.article_id for o in f.also_seen} == {"late", "after"}


def test_later_occurrences_are_never_origins():
    f = judge(quote(), [occ("after", "Reuters", 40)])
    assert f.origin is None
    assert f.verdict is QuoteVerdict.OWN


def test_same_instant_is_not_earlier():
    f = judge(quote(), [occ("tie", "Reuters", 30)])
    assert f.origin is None


# rule 3: nothing dated to compare with


def test_no_occurrence_is_unknown_origin():
    assert judge(quote(), []).verdict is QuoteVerdict.UNKNOWN_ORIGIN


def test_undated_article_or_occurrences_give_unknown_origin():
    assert judge(quote(), [occ("a", "Reuters", 0)], at=None).verdict is QuoteVerdict.UNKNOWN_ORIGIN
    assert judge(quote(), [occ("a", "Reuters", None)]).verdict is QuoteVerdict.UNKNOWN_ORIGIN


def test_without_dates_an_interview_given_to_another_outlet_still_names_its_owner():
    told = occ("aj", "aljazeera.com", None, cue="told", credited_outlet="Al Jazeera", interview=True)
    f = judge(quote(), [told])
    assert f.verdict is QuoteVerdict.UNATTRIBUTED and f.flagged and f.origin is told
    assert "Al Jazeera" in f.reason
    # the same with the article naming the outlet, or being that outlet: not flagged
    assert judge(quote(), [told], passage_credits=["Al Jazeera"]).verdict is QuoteVerdict.CREDITED
    assert not judge(quote(), [told], outlet="Al Jazeera").flagged
    # an undated carrier that names no interview owner still gives no order
    assert judge(quote(), [occ("r", "Reuters", None, cue="said")]).verdict is QuoteVerdict.UNKNOWN_ORIGIN


def test_undated_still_shows_the_closest_match_from_another_outlet():
    altered = "It really is time to end this war. We are all paying a heavy price and suffering."
    occs = [occ("mine", "Daily Copy", None, text=WORDS), occ("close", "Reuters", None, text=altered), occ("exact", "BBC", None)]
    f = judge(quote(), occs, at=None)
    assert f.verdict is QuoteVerdict.UNKNOWN_ORIGIN and not f.flagged
    assert f.origin.article_id == "exact" and not f.altered
    f = judge(quote(), occs[:2], at=None)
    assert f.origin.article_id == "close" and f.altered
    assert "closest match in close" in f.reason


# rule 4: own outlet


def test_only_the_same_outlet_earlier_is_own():
    f = judge(quote(), [occ("mine", "Daily Copy", 1)])
    assert f.verdict is QuoteVerdict.OWN and not f.flagged


def test_same_outlet_spelled_differently_is_own():
    f = judge(quote(), [occ("mine", "the Associated Press", 1)], outlet="AP")
    assert f.verdict is QuoteVerdict.OWN


def test_own_outlet_first_then_others_is_own():
    f = judge(quote(), [occ("mine", "Daily Copy", 1), occ("copier", "Other Daily", 2)])
    assert f.verdict is QuoteVerdict.OWN


# rule 5: credited


def test_credit_to_the_origin_outlet():
    f = judge(quote(outlet="Al Jazeera", cue="told", interview=True), [occ("aj", "Al Jazeera", 1, cue="told", interview=True)])
    assert f.verdict is QuoteVerdict.CREDITED and not f.flagged
    assert f.origin.article_id == "aj"


def test_credit_matches_spelling_variants():
    f = judge(quote(outlet="Associated Press"), [occ("ap", "AP", 1)])
    assert f.verdict is QuoteVerdict.CREDITED


def test_credit_in_the_passage_around_the_quote():
    f = judge(quote(), [occ("r", "Reuters", 1)], passage_credits=["Reuters"])
    assert f.verdict is QuoteVerdict.CREDITED


def test_credit_to_the_outlet_the_origin_credits():
    # AFP carried "Beilin told Al Jazeera"; crediting Al Jazeera is proper credit
    f = judge(quote(outlet="Al Jazeera", cue="told"), [occ("afp", "AFP", 1, credited_outlet="Al Jazeera", cue="told")])
    assert f.verdict is QuoteVerdict.CREDITED


def test_credit_to_an_unrelated_outlet_does_not_count():
    f = judge(quote(outlet="CNN"), [occ("aj", "Al Jazeera", 1, cue="told", credited_outlet="Al Jazeera")])
    assert f.verdict is QuoteVerdict.UNATTRIBUTED


# rule 6: independent public statement


def test_public_statement_carried_by_several_outlets_at_once_is_independent():
    occs = [occ("ap", "AP", 1), occ("r", "Reuters", 2), occ("afp", "AFP", 3)]
    f = judge(quote(), occs)
    assert f.verdict is QuoteVerdict.INDEPENDENT and not f.flagged
    assert f.origin.article_id == "ap"


def test_outlets_outside_the_simultaneity_window_do_not_make_it_independent():
    occs = [occ("ap", "AP", 1), occ("r", "Reuters", 12)]
    assert judge(quote(), occs).verdict is QuoteVerdict.UNATTRIBUTED
    assert judge(quote(), occs, simultaneity=timedelta(hours=12)).verdict is QuoteVerdict.INDEPENDENT


def test_one_outlet_twice_is_not_several():
    occs = [occ("ap1", "AP", 1), occ("ap2", "Associated Press", 2)]
    assert judge(quote(), occs).verdict is QuoteVerdict.UNATTRIBUTED


def test_an_interview_among_the_carriers_is_not_a_public_statement():
    occs = [occ("aj", "Al Jazeera", 1, cue="told", credited_outlet="Al Jazeera"), occ("r", "Reuters", 2)]
    f = judge(quote(), occs)
    assert f.verdict is QuoteVerdict.UNATTRIBUTED
    assert "interview" in f.reason


# rule 7: unattributed


def test_interview_quote_reused_without_naming_the_outlet_is_flagged():
    origin = occ("aj", "Al Jazeera", 1, cue="told", interview=True)
    f = judge(quote(cue="said"), [origin])
    assert f.verdict is QuoteVerdict.UNATTRIBUTED and f.flagged
    assert f.origin is origin


def test_single_earlier_carrier_without_credit_is_flagged():
    f = judge(quote(), [occ("x", "Some Gazette", 3)])
    assert f.verdict is QuoteVerdict.UNATTRIBUTED


# altered quotes


def test_altered_quote_is_matched_and_marked():
    copy = "It really is time to end this war. We are all paying a very high price. We are all suffering."
    f = judge(quote(copy), [occ("aj", "Al Jazeera", 1, cue="told", interview=True)])
    assert f.verdict is QuoteVerdict.UNATTRIBUTED
    assert f.altered
    assert 0.6 <= f.similarity < 1.0
    assert f.quote.text == copy and f.origin.quote_text == WORDS


def test_identical_quote_is_not_altered():
    f = judge(quote("“It is truly time to end this war. We are all paying a heavy price and suffering.”".strip("“”")),
              [occ("aj", "Al Jazeera", 1)])
    assert not f.altered and f.similarity == 1.0


def test_threshold_controls_matching():
    trimmed = "We are all paying a heavy price"
    assert judge(quote(trimmed), [occ("aj", "Al Jazeera", 1)]).verdict is QuoteVerdict.UNATTRIBUTED
    assert judge(quote(trimmed), [occ("aj", "Al Jazeera", 1)], similarity_threshold=0.95).verdict \
        is QuoteVerdict.UNKNOWN_ORIGIN


# plumbing


def test_naive_datetimes_are_utc():
    naive = QuoteOccurrence("a", "Reuters", datetime(2024, 10, 22, 9, 0), WORDS, 0, 10)
    f = judge_quote(quote(), "Daily Copy", ARTICLE_AT, [naive])
    assert f.origin is naive


def test_is_interview():
    assert is_interview("told", "Al Jazeera")
    assert is_interview("in an interview with", None)
    assert not is_interview("told", None)  # may be "told reporters"
    assert not is_interview("said", "Reuters")
    assert not is_interview(None, None)


def test_extracted_quotes_feed_the_judge():
    article = "“It is truly time to end this war,” Beilin told Al Jazeera."
    (q,) = extract_quotes(article)
    f = judge(q, [occ("aj", "Al Jazeera", 1, text="It is truly time to end this war", cue="told", interview=True)])
    assert f.verdict is QuoteVerdict.CREDITED
    plain = "“It is truly time to end this war,” Beilin said."
    (q2,) = extract_quotes(plain)
    assert judge(q2, [occ("aj", "Al Jazeera", 1, text="It is truly time to end this war", cue="told", interview=True)]).flagged


def test_core_imports_without_elasticsearch(monkeypatch):
    monkeypatch.setitem(sys.modules, "elasticsearch", None)
    for name in ("attrib.core.quotes", "attrib.core.outlets"):
        monkeypatch.delitem(sys.modules, name, raising=False)
        importlib.import_module(name)
