"""Sentence pairs inside passages (attrib.core.sentence_pairs) and chrome lines
(attrib.core.chrome): the seed rewrite, invariants under generated text, the title rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attrib.core.align import align
from attrib.core.chrome import chrome_spans, is_chrome_line, is_chrome_phrase, title_line
from attrib.core.sentence_pairs import PairParams, SentencePair, align_sentences, sentence_pairs, sentence_units
from attrib.errors import InputError
from attrib.readers import read_paths, split_title

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED_000 = SHARED / "examples" / "000_bab4808bdd29a8aa.txt"
SEED_003 = SHARED / "examples" / "003_dbab0492c2aca2f8.txt"


def _seed():
    query = next(iter(read_paths([SEED_003])))
    source = next(iter(read_paths([SEED_000])))
    return query.text, source.text


def _assert_valid(query: str, qspan, source: str, sspan, pairs) -> None:
    q_end = s_end = -1
    for p in pairs:
        assert isinstance(p, SentencePair)
        assert p.query is not None or p.source is not None
        assert 0.0 <= p.similarity <= 1.0
        if p.kind != "pair":
            assert p.similarity == 0.0
        for side, span, text, bounds in (("query", p.query, query, qspan), ("source", p.source, source, sspan)):
            if span is None:
                continue
            a, b = span
            assert bounds[0] <= a < b <= bounds[1], (side, span, bounds)
            assert text[a:b] == text[a:b].strip()
        # monotonic: both sides in reading order, never overlapping
        if p.query is not None:
            assert p.query[0] >= q_end
            q_end = p.query[1]
        if p.source is not None:
            assert p.source[0] >= s_end
            s_end = p.source[1]


def test_seed_rewrite_opens_into_sentence_pairs():
    query, source = _seed()
    (passage,) = align(query, source)
    pairs = sentence_pairs(query, source, passage)
    _assert_valid(query, (passage.query_start, passage.query_end), source,
                  (passage.source_start, passage.source_end), pairs)
    matched = [p for p in pairs if p.kind == "pair"]
    assert len(matched) >= 15

    def partner(fragment: str) -> str:
        (p,) = [p for p in matched if fragment in query[p.query[0]:p.query[1]]]
        return source[p.source[0]:p.source[1]]

    # spot checks, also written up in docs/REPORT.md
    assert "Ben Gurion Airport where Blinken landed" in partner("fired medium-range missiles toward Tel Aviv")
    assert "Sinwar’s death “could positively impact" in partner("Sinwar's death could positively influence")
    assert "Hezbollah refused to enter negotiations" in partner("Hezbollah firmly rejected any negotiations")
    assert "near Rafik Hariri University Hospital" in partner("An Israeli airstrike near Rafik Hariri")
    assert "It’s truly time to end this war" in partner("It really is time to end this war")
    # a rewrite that joins two source sentences into one is one pair
    assert partner("His visit on Tuesday").count(".") == 2
    # sentences the copy added are inserted, sentences it left out dropped
    inserted = [query[p.query[0]:p.query[1]] for p in pairs if p.kind == "inserted"]
    dropped = [source[p.source[0]:p.source[1]] for p in pairs if p.kind == "dropped"]
    assert any(s.startswith("This incident underscores") for s in inserted)
    assert any(s.startswith("The escalation of violence underscored") for s in dropped)
    # headings are chrome: neither paired nor inserted
    assert not any("Strategic Shift" in s for s in dropped)


def test_one_side_empty_is_all_inserted_or_dropped():
    text = "The minister resigned on Monday after the vote. Parliament met again on Tuesday."
    pairs = align_sentences(text, (0, len(text)), "", (0, 0))
    assert [p.kind for p in pairs] == ["inserted", "inserted"]
    pairs = align_sentences("", (0, 0), text, (0, len(text)))
    assert [p.kind for p in pairs] == ["dropped", "dropped"]
    assert align_sentences("", (0, 0), "", (0, 0)) == ()


def test_passage_bounds_cut_sentences():
    source = "Blinken met Netanyahu in Jerusalem on Tuesday. Hezbollah fired rockets at Haifa overnight."
    query = "Officials said Blinken met Netanyahu in Jerusalem on Tuesday. Rockets were fired."
    start = query.index("Blinken")
    pairs = align_sentences(query, (start, len(query)), source, (0, len(source)))
    _assert_valid(query, (start, len(query)), source, (0, len(source)), pairs)
    first = pairs[0]
    assert first.kind == "pair" and query[first.query[0]:first.query[1]].startswith("Blinken met")


def test_bad_spans_and_params_name_the_field():
    with pytest.raises(InputError) as info:
        align_sentences("abc", (0, 9), "abc", (0, 3))
    assert info.value.field == "query_span"
    with pytest.raises(InputError) as info:
        PairParams(min_similarity=2)
    assert info.value.field == "min_similarity"


def test_too_many_cells_gives_no_pairs():
    text = " ".join(f"Sentence number {w} talks about {w}." for w in ("alpha", "beta", "gamma", "delta"))
    assert align_sentences(text, (0, len(text)), text, (0, len(text)), PairParams(max_cells=3)) == ()
    assert len(align_sentences(text, (0, len(text)), text, (0, len(text)))) == 4


_WORDS = ["minister", "hospital", "ceasefire", "rocket", "Beirut", "talks", "hostage", "aid", "border",
          "Netanyahu", "Blinken", "army", "vote", "senate", "budget", "strike", "drone", "visit"]
_PUNCT = ["", "", "", ",", ".", ".", "?", "!", "”", "…"]
_SPACE = [" ", " ", " ", "\n", "\n\n", "  "]
word = st.tuples(st.sampled_from(_WORDS + ["the", "and", "of", "a"]), st.sampled_from(_PUNCT),
                 st.sampled_from(_SPACE)).map("".join)
prose = st.lists(word, max_size=80).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prose, prose, st.data())
def test_spans_are_faithful_for_any_prose(query, source, data):
    qa = data.draw(st.integers(0, len(query)))
    qb = data.draw(st.integers(qa, len(query)))
    sa = data.draw(st.integers(0, len(source)))
    sb = data.draw(st.integers(sa, len(source)))
    pairs = align_sentences(query, (qa, qb), source, (sa, sb))
    _assert_valid(query, (qa, qb), source, (sa, sb), pairs)
    # every comparable sentence of each side appears exactly once
    assert [u for p in pairs if p.query for u in sentence_units(query, *p.query)] == sentence_units(query, qa, qb)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_spans_are_faithful_for_any_unicode(query, source):
    pairs = align_sentences(query, (0, len(query)), source, (0, len(source)))
    _assert_valid(query, (0, len(query)), source, (0, len(source)), pairs)


# -- chrome ---------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["Leave a Reply", "Loading…", "Loading...", "Connect with us", "Share This Post",
                                  "Hi, what are you looking for?", "Strategic Shift", "  Written By  "])
def test_chrome_lines(line):
    assert is_chrome_line(line)


@pytest.mark.parametrize("line", ["Cole.", "2000 GMT", "Tuesday, 1 March", "- A freeze on petrol duty",
                                  "He said he would resign at the end of the month", "", "We are all suffering.”",
                                  "The minister said:"])
def test_not_chrome_lines(line):
    assert not is_chrome_line(line)


def test_chrome_spans_are_faithful():
    text = "Connect with us\n\n  Loading…  \nBlinken met Netanyahu on Tuesday.\nLeave a Reply"
    spans = chrome_spans(text)
    assert [text[a:b] for a, b in spans] == ["Connect with us", "Loading…", "Leave a Reply"]


def test_title_skips_chrome_for_the_headline():
    assert is_chrome_phrase("  CONNECT  with us ") and is_chrome_phrase("Loading...") and not is_chrome_phrase("Labour")
    title, body = split_title(SEED_000.read_text(encoding="utf-8"))
    assert title == "Blinken meets Israeli leaders in bid to revive Gaza And Lebanon ceasefire Efforts"
    assert body.startswith("\nHi, what are you looking for?")  # the text is as before
    # a short headline is chrome by shape but still the title
    assert split_title("Brentford v Southampton\nTuesday, 1 March\nKick-off at 1945 GMT.")[0] == "Brentford v Southampton"
    # chrome, then prose: no title rather than a chrome one
    assert title_line(["Login", "", "Where sports events are concerned, nothing compares to being there."]) is None
    assert title_line(["", "  "]) is None


def test_a_few_sentences_against_thousands_are_multiplied_a_block_at_a_time(monkeypatch):
    # A copy of millions of characters gives passages of a few sentences on one side and
    # thousands on the other, over thousands of distinct words: the tf-idf rows are made
    # dense only a block at a time, so memory stays bounded by the block, not the vocabulary.
    from attrib.core import sentence_pairs as sp

    words = [f"word{i}x" for i in range(9000)]
    source = " ".join(f"The {words[3 * i]} met {words[3 * i + 1]} near {words[3 * i + 2]} today." for i in range(3000))
    query = " ".join(f"The {words[3 * i]} met {words[3 * i + 1]} near {words[3 * i + 2]} today." for i in (5, 900, 2999))
    blocks: list[int] = []
    dense = sp._Rows.dense

    def recording(self, start, stop):
        out = dense(self, start, stop)
        blocks.append(out.size)
        return out

    monkeypatch.setattr(sp._Rows, "dense", recording)
    monkeypatch.setattr(sp, "_BLOCK_CELLS", 200_000)
    pairs = align_sentences(query, (0, len(query)), source, (0, len(source)))
    assert max(blocks) <= 200_000
    matched = [(query[p.query[0]:p.query[1]], source[p.source[0]:p.source[1]]) for p in pairs if p.kind == "pair"]
    assert [q for q, s in matched] == [q for q, s in matched if q == s] and len(matched) == 3
