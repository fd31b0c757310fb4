"""Invariants of attrib.core.align under generated input (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attrib.core.align import AlignParams, PassageKind, align, coverage
from attrib.core.normalise import tokenize

# A vocabulary big enough that random texts rarely repeat a five-word shingle.
_SYLLABLES = ["ka", "lo", "mi", "ten", "ra", "vos", "pu", "de", "shan", "qui", "bel", "or"]
VOCAB = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("", "s", "en")})
_PUNCT = ["", "", "", "", ",", ".", ".", ";", "?", '"', "\u201d", "'s"]
_SPACE = [" ", " ", " ", " ", "\n", "  ", " \n", "\n\n"]

word = st.tuples(st.sampled_from(VOCAB), st.sampled_from(_PUNCT), st.sampled_from(_SPACE),
                 st.booleans()).map(lambda t: (t[0].capitalize() if t[3] else t[0]) + t[1] + t[2])
prose = st.lists(word, min_size=0, max_size=120).map("".join)
long_prose = st.lists(word, min_size=60, max_size=160).map(lambda ws: "".join(ws).strip())
# A passage that can be told apart from its surroundings: no word repeats in it. (In text
# made of one refrain, a longer equally verbatim alignment may exist elsewhere.)
distinct_prose = st.lists(st.sampled_from(VOCAB), min_size=40, max_size=120, unique=True).map(
    lambda ws: " ".join(ws))
any_text = st.text(max_size=400)

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _assert_valid(query: str, source: str, passages) -> None:
    previous_end = 0
    for p in passages:
        assert 0 <= p.query_start < p.query_end <= len(query)
        assert 0 <= p.source_start < p.source_end <= len(source)
        assert p.query_start >= previous_end, "sorted and non-overlapping in the query"
        previous_end = p.query_end
        assert 0.0 <= p.similarity <= 1.0
        if p.kind is PassageKind.VERBATIM:
            q = [t.text for t in tokenize(query[p.query_start:p.query_end])]
            s = [t.text for t in tokenize(source[p.source_start:p.source_end])]
            assert q == s, "verbatim means the same normalised words"


@SETTINGS
@given(prose, prose)
def test_spans_are_valid_for_any_prose(query, source):
    _assert_valid(query, source, align(query, source))


@SETTINGS
@given(any_text, any_text)
def test_spans_are_valid_for_any_unicode(query, source):
    _assert_valid(query, source, align(query, source))


@SETTINGS
@given(prose, distinct_prose, prose, prose)
def test_spans_are_valid_when_texts_share_a_passage(before, shared, after, other):
    query = before + " " + shared + " " + after
    source = other + " " + shared
    passages = align(query, source)
    _assert_valid(query, source, passages)
    start = query.index(shared)
    assert any(p.query_start <= start + 10 and p.query_end >= start + len(shared) - 10
               for p in passages), "the shared passage is found"


@SETTINGS
@given(long_prose)
def test_a_text_against_itself_is_nearly_all_verbatim(text):
    passages = align(text, text)
    _assert_valid(text, text, passages)
    assert any(p.kind is PassageKind.VERBATIM for p in passages)
    assert coverage(passages, len(text)) >= 0.9
    for p in passages:
        if p.kind is PassageKind.VERBATIM:
            assert p.similarity == 1.0


@SETTINGS
@given(long_prose, st.integers(min_value=3, max_value=8))
def test_exact_stage_alone_keeps_the_invariants(text, k):
    params = AlignParams(seed_k=k, fuzzy=False, min_passage_chars=20)
    passages = align(text, text[::-1] + " " + text, params)
    _assert_valid(text, text[::-1] + " " + text, passages)
    assert coverage(passages, len(text)) >= 0.9
