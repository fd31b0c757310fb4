"""Invariants of extract_quotes and the similarity functions on arbitrary text."""

from hypothesis import HealthCheck, given, settings, strategies as st

from attrib.core.quotes import extract_quotes, quote_key, quote_similarity

# Text made mostly of the characters that matter: every kind of mark, apostrophes,
# letters of both cases, digits, punctuation, spaces, newlines and blank lines.
MARKS = ['"', "“", "”", "„", "‟", "«", "»", "'", "‘", "’", "‚", "‹", "›", "`", "''", "``"]
PIECES = MARKS + [
    " ", " ", " ", "\n", "\n\n", ",", ".", ":", "?", "!", "—", "(", ")", "=", "-",
    "said", "told", "he", "she", "Beilin", "Al Jazeera", "Reuters", "Mr.", "Sen.", "the",
    "we", "will", "win", "don", "t", "s", "n", "90", "A", "Z", "x", "é", "\u00a0",
    "according to", "reported", "in an interview with", "CNN",
]
chunks = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
any_text = st.one_of(chunks, st.text(max_size=200))


def check(text: str, **kw) -> None:
    qs = extract_quotes(text, **kw)
    last_end = 0
    for q in qs:
        assert 0 <= q.start <= q.content_start <= q.content_end <= q.end <= len(text)
        assert text[q.content_start : q.content_end] == q.text
        assert q.start >= last_end, "quotes overlap or are out of order"
        last_end = q.end
        for s, e in (
            (q.speaker_start, q.speaker_end),
            (q.outlet_start, q.outlet_end),
            (q.cue_start, q.cue_end),
            (q.mention_start, q.mention_end),
        ):
            assert (s is None) == (e is None)
            if s is not None:
                assert 0 <= s <= e <= len(text)
        if q.speaker is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_spans_are_valid_on_arbitrary_text(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(chunks, st.integers(min_value=1, max_value=5))
def test_spans_are_valid_for_any_min_words(text, min_words):
    check(text, min_words=min_words)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["“", "”", '"', "Long words here and there. ", "\n\n"]), max_size=200).map("".join))
def test_single_paragraph_quotes_respect_max_chars(text):
    for q in extract_quotes(text, max_chars=300):
        if "\n\n" not in text[q.start : q.end]:
            assert q.end - q.start <= 300


@given(st.text(max_size=80), st.text(max_size=80))
def test_similarity_is_bounded_and_symmetric(a, b):
    s = quote_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == quote_similarity(b, a)


@given(st.text(max_size=80))
def test_key_is_idempotent_and_similarity_reflexive(a):
    k = quote_key(a)
    assert quote_key(k) == k
    if k:
        assert quote_similarity(a, a) == 1.0
