"""Normalisation and tokens: offsets into the original text are exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attrib.core import Token, normalise, normalise_text, tokenize
from attrib.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "examples"

# Pieces that exercise every branch of normalisation, mixed with arbitrary text.
TRICKY = [
    "&amp;", "&#8217;", "&#x201C;", "&eacute;", "&nbsp;", "&shy;", "&bogus;", "&#0;",
    "&#99999999;", "&", ";", "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb", "\u2018",
    "\u2019", "\u201a", "\u2039", "\u203a", "'", '"', "\u2013", "\u2014", "\u2212", "-",
    "\u00a0", "\u2009", "\u202f", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad",
    "\u2060", "\u0301", "\u0308", "\u20dd", "e\u0301", "\u00e9", "\ufb01", "\u00df",
    "\u0130", "\u0131", "\u00bd", "\u2167", "\U0001f44d", "\U0001f3fd", "\ufe0f",
    "\u0915\u093e", "\u1100\u1161", "\uac00", "\uff21", "\u2033", "\u00b4", "`", "5.93",
    "155,221", "Israel's", "U.S.", " ", "\n", "\t", "\x00", "\ufffd", "A", "z", "9",
]
tricky_text = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=4)), max_size=40).map(
    "".join
)
any_text = st.one_of(st.text(), tricky_text)


def check_tokens(text: str, tokens: list[Token]) -> None:
    prev_end = 0
    for t in tokens:
        assert 0 <= t.start < t.end <= len(text), (t, len(text))
        assert t.start >= prev_end, "tokens overlap or are out of order"
        prev_end = t.end
        assert t.text, t
        piece = text[t.start : t.end]
        # The token is derived only from its span: the span's normalisation holds it,
        # and re-tokenising the span yields it.
        assert t.text in normalise_text(piece)
        assert t.text in [u.text for u in tokenize(piece)]


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_token_spans_are_exact(text):
    check_tokens(text, tokenize(text))


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_normalised_spans_map_back(text):
    norm = normalise(text)
    n = len(norm.text)
    assert norm.to_original(0) >= 0
    assert norm.to_original_end(n) <= len(text)
    for i in range(n + 1):
        o = norm.to_original(i)
        assert 0 <= o <= len(text)
    # Every single normalised character maps to an original span whose normalisation
    # contains that character.
    for i in range(n):
        s, e = norm.span_to_original(i, i + 1)
        assert 0 <= s < e <= len(text)
        assert norm.text[i] in normalise_text(text[s:e])


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_tokens_are_in_order_in_the_normalised_text(text):
    norm = normalise(text)
    pos = 0
    for t in tokenize(text):
        found = norm.text.find(t.text, pos)
        assert found >= 0, (t, norm.text)
        s, e = norm.span_to_original(found, found + len(t.text))
        assert (s, e) == (t.start, t.end)
        pos = found + len(t.text)


def test_examples():
    cases = {
        "Israel\u2019s": ["israel's"],
        "Israel's": ["israel's"],
        "\u201cU.S.\u201d": ["u", "s"],
        "long-term \u2014 cease\u2013fire": ["long", "term", "cease", "fire"],
        "5.93 mln, 155,221 bags.": ["5.93", "mln", "155,221", "bags"],
        "caf\u00e9 cafe\u0301 CAFE": ["cafe", "cafe", "cafe"],
        "Stra\u00dfe STRASSE": ["strasse", "strasse"],
        "\u0130stanbul": ["istanbul"],
        "\ufb01sh": ["fish"],
        "news\u00adpaper zero\u200bwidth": ["newspaper", "zerowidth"],
        "A&amp;B &lt;ABC&gt;": ["a", "b", "abc"],
        "x&#8217;s &#x201C;quoted&#x201D;": ["x's", "quoted"],
        "\U0001f44d\U0001f3fd !!! \u2014": [],
        "non\u00a0breaking\u2009thin": ["non", "breaking", "thin"],
    }
    for text, expected in cases.items():
        assert [t.text for t in tokenize(text)] == expected, text


def test_spans_of_changed_clusters_cover_whole_cluster():
    text = "a &amp; Stra\u00dfe cafe\u0301!"
    toks = tokenize(text)
    assert [(t.text, text[t.start : t.end]) for t in toks] == [
        ("a", "a"),
        ("strasse", "Stra\u00dfe"),
        ("cafe", "cafe\u0301"),
    ]


def test_quotes_dashes_spaces_have_one_form():
    assert normalise_text("\u201cA\u201d \u00abb\u00bb \u201ec\u201d") == '"a" "b" "c"'
    assert normalise_text("\u2018a\u2019 \u2039b\u203a \u201ac\u2019") == "'a' 'b' 'c'"
    assert normalise_text("a\u2013b\u2014c\u2212d") == "a-b-c-d"
    assert normalise_text("a\u00a0b\u2009c\u202fd") == "a b c d"


def test_seed_tokens_reproduce_from_their_spans():
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        toks = tokenize(text)
        assert len(toks) > 300
        for t in toks:
            assert tokenize(text[t.start : t.end]) == [Token(t.text, 0, t.end - t.start)]


def test_non_str_is_input_error():
    with pytest.raises(InputError):
        tokenize(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        normalise(None)  # type: ignore[arg-type]


def test_offset_map_rejects_out_of_range():
    norm = normalise("caf\u00e9")
    with pytest.raises(IndexError):
        norm.to_original(5)


ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=200)


@settings(max_examples=300, deadline=None)
@given(ascii_text)
def test_ascii_fast_path_agrees_with_general_path(text):
    """A trailing non-ASCII word forces the general path; the tokens before it must be
    the same as the fast path's."""
    fast = tokenize(text)
    general = tokenize(text + " \u00e9")
    assert general[-1].text == "e"
    assert general[:-1] == fast


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_cheaper_regexes_agree_with_the_full_one(text):
    from attrib.core.normalise import _WORD_SPLIT_RE, _split_columns, _split_regex

    norm = normalise_text(text)
    assert _split_columns(_split_regex(norm), norm) == _split_columns(_WORD_SPLIT_RE, norm)


def test_spacing_marks_stay_inside_words():
    # Devanagari vowel sign AA (U+093E) is a spacing mark, not a \\w character.
    assert [t.text for t in tokenize("\u0915\u093e\u0930 x")] == ["\u0915\u093e\u0930", "x"]


def _columns_word_by_word(text: str):
    """token_columns as the word-by-word mapping computes it (the reference)."""
    from attrib.core.normalise import _merged_columns

    return _merged_columns(normalise(text))


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_token_columns_map_spans_like_the_word_by_word_reference(text):
    from attrib.core.normalise import token_columns, token_texts

    expected = _columns_word_by_word(text)
    assert token_columns(text) == expected
    assert token_texts(text) == expected[0]


@pytest.mark.parametrize("text", ["¼ and ½ cup", "½½ 1⁄2 ½", "a ㏂ b", "Pokémon&amp;co straße", "news\u00adpaper zero\u200bwidth", "İstanbul ﬁne"])
def test_token_texts_of_changed_clusters(text):
    from attrib.core.normalise import token_columns, token_texts

    assert token_columns(text) == _columns_word_by_word(text)
    assert token_texts(text) == [t.text for t in tokenize(text)]
