"""Passage alignment (attrib.core.align) on the seed pair, real news and small cases."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from attrib.core.align import (
    AlignParams,
    Passage,
    PassageKind,
    align,
    coverage,
    stopwords,
)
from attrib.errors import AttribError, InputError

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "examples"
BBC = SHARED / "data" / "bbc"


def _read(path: Path) -> str:
    if not path.is_file():
        pytest.skip(f"shared data not present: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:  # bbc/sport/199.txt is Latin-1
        return path.read_text(encoding="latin-1")


def _check_spans(query: str, source: str, passages: list[Passage]) -> None:
    """Invariants every result must satisfy, with spans that cut no word in two."""
    for p in passages:
        assert 0 <= p.query_start < p.query_end <= len(query)
        assert 0 <= p.source_start < p.source_end <= len(source)
        assert 0.0 <= p.similarity <= 1.0
        assert isinstance(p.kind, PassageKind)
        for text, start, end in ((query, p.query_start, p.query_end),
                                 (source, p.source_start, p.source_end)):
            span = text[start:end]
            assert span == span.strip(), "spans do not start or end on whitespace"
            assert start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
            assert end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    starts = [p.query_start for p in passages]
    assert starts == sorted(starts)
    for a, b in zip(passages, passages[1:]):
        assert a.query_end <= b.query_start, "passages overlap in the query"


# --------------------------------------------------------------------------- seed pair


@pytest.fixture(scope="module")
def seed_pair() -> tuple[str, str]:
    query = _read(EXAMPLES / "003_dbab0492c2aca2f8.txt")
    source = _read(EXAMPLES / "000_bab4808bdd29a8aa.txt")
    return query, source


def _covered(passages: list[Passage], start: int, end: int, side: str = "query") -> bool:
    for p in passages:
        a, b = (p.query_start, p.query_end) if side == "query" else (p.source_start, p.source_end)
        if a <= start and end <= b:
            return True
    return False


def test_seed_rewrite_is_found_with_its_rare_names_and_the_altered_quote(seed_pair):
    query, source = seed_pair
    passages = align(query, source)
    assert passages, "the heavy rewrite must be aligned"
    _check_spans(query, source, passages)
    quote = "\u201cIt really is time to end this war. We are all paying a very high price. " \
            "We are all suffering.\u201d"
    for needle in ("Rafik Hariri University Hospital", "Yossi Beilin", quote):
        start = query.index(needle)
        assert _covered(passages, start, start + len(needle)), needle
    # and the source side holds the originals of the names and of the altered quote
    for needle in ("Rafik Hariri University Hospital", "Yossi Beilin",
                   "\u201cIt\u2019s truly time to end this war."):
        start = source.index(needle)
        assert _covered(passages, start, start + len(needle), side="source"), needle
    # a rewrite, not a copy
    assert all(p.kind is not PassageKind.VERBATIM for p in passages)


def test_seed_pair_text_slices_are_what_the_passages_claim(seed_pair):
    query, source = seed_pair
    for p in align(query, source):
        q_text = query[p.query_start:p.query_end]
        s_text = source[p.source_start:p.source_end]
        assert len(q_text) == p.query_length and len(s_text) == p.source_length
        assert "Blinken" in q_text and "Blinken" in s_text


def test_seed_pair_both_ways_and_coverage(seed_pair):
    query, source = seed_pair
    forward = align(query, source)
    backward = align(source, query)
    assert backward
    _check_spans(source, query, backward)
    assert coverage(forward, len(query), "query") > 0.5
    assert coverage(backward, len(source), "query") > 0.5


# --------------------------------------------------------------------------- kinds


BASE = (
    "The city council voted on Tuesday to close the old harbour bridge for repairs. "
    "Engineers found corrosion in three of the steel supports last winter, and the "
    "mayor said the work could take eighteen months. Ferry operators expect a busy "
    "summer while the bridge stays shut, and shop owners on the north bank fear "
    "that fewer visitors will cross the river to reach them."
)
PADDING_Q = (
    "Elsewhere, the regional orchestra announced its autumn season, with four new "
    "commissions and a festival of chamber music in the cathedral. "
)
PADDING_S = (
    "In other news, a bakery in the market square won a national prize for its rye "
    "bread, the third award for the family business in ten years. "
)


def test_verbatim_copy_inside_other_text_with_rewrapped_lines():
    source = PADDING_S + BASE + " " + PADDING_S
    copy = BASE.replace(" steel ", "\nsteel ").replace(" mayor ", " \n mayor ")
    query = PADDING_Q + copy + " " + PADDING_Q
    passages = align(query, source)
    _check_spans(query, source, passages)
    assert len(passages) == 1
    p = passages[0]
    assert p.kind is PassageKind.VERBATIM and p.similarity == 1.0
    assert query[p.query_start:p.query_end] == copy
    assert source[p.source_start:p.source_end] == BASE


def test_curly_quotes_and_case_do_not_break_a_verbatim_match():
    base = BASE + " 'We will not cut corners,' the mayor's office said."
    query = base.replace("'", "\u2019").upper()
    passages = align(query, base)
    assert len(passages) == 1
    assert passages[0].kind is PassageKind.VERBATIM
    assert coverage(passages, len(query)) > 0.98


def test_light_edits_are_near():
    edited = (BASE.replace("Tuesday", "Wednesday").replace("eighteen", "twenty")
              .replace("busy", "hectic"))
    passages = align(PADDING_Q + edited, PADDING_S + BASE)
    assert len(passages) == 1
    p = passages[0]
    assert p.kind is PassageKind.NEAR
    assert 0.5 <= p.similarity < 1.0


def test_paraphrase_is_found_by_the_fuzzy_stage():
    para = (
        "On Tuesday councillors decided the ageing harbour bridge will shut so it can be "
        "repaired. Last winter engineers discovered corroded steel in three supports; "
        "according to the mayor the repairs may last eighteen months. While the bridge "
        "is closed ferry companies are expecting a busy summer, but north bank shop "
        "owners worry fewer visitors will cross the river to reach their stores."
    )
    passages = align(PADDING_Q + para, PADDING_S + BASE)
    assert len(passages) == 1
    assert passages[0].kind is PassageKind.PARAPHRASE
    assert align(PADDING_Q + para, PADDING_S + BASE, AlignParams(fuzzy=False)) == []


def test_unrelated_texts_give_nothing():
    assert align(PADDING_Q * 3, PADDING_S * 3) == []
    assert align("", BASE) == [] and align(BASE, "") == [] and align("...", "!!!") == []


def test_short_shared_phrase_is_noise_not_a_passage():
    query = PADDING_Q + "The mayor said the work could take time. " + PADDING_Q
    assert align(query, PADDING_S + BASE) == []


def test_a_short_item_copied_whole_is_a_passage():
    # Reuters-21578 re-issues dividend notices of under 100 characters word for word.
    notice = "Qtly div 20 cts vs 20 cts previously\n    Pay April 15\n    Record March 23\n Reuter"
    (passage,) = align(notice, "LATEST WIRE\n\n" + notice.replace("\n    ", " "))
    assert passage.kind is PassageKind.VERBATIM
    assert (passage.query_start, passage.query_end) == (0, len(notice))
    # ...but only the whole query counts: the same words inside a longer query are still
    # shorter than a passage must be, and a query of fewer than 2 * seed_k words is noise.
    assert align(PADDING_Q + notice + " " + PADDING_Q, notice) == []
    assert align("The mayor said the work could", PADDING_S + "The mayor said the work could take time.") == []


# --------------------------------------------------------------------------- real news


def _bbc_articles(topic: str, n: int, seed: int) -> list[Path]:
    folder = BBC / topic
    if not folder.is_dir():
        pytest.skip(f"shared data not present: {folder}")
    paths = sorted(folder.glob("*.txt"))
    return random.Random(seed).sample(paths, n)


def test_unrelated_bbc_articles_align_to_nothing():
    pairs = list(zip(_bbc_articles("sport", 6, 1), _bbc_articles("tech", 6, 2)))
    pairs += list(zip(_bbc_articles("business", 6, 3), _bbc_articles("entertainment", 6, 4)))
    pairs += list(zip(_bbc_articles("politics", 4, 5), _bbc_articles("politics", 4, 6)))
    for a, b in pairs:
        if a == b:
            continue
        assert align(_read(a), _read(b)) == [], (a.name, b.name)


def test_bbc_article_against_itself_is_one_verbatim_passage():
    for path in _bbc_articles("business", 3, 7):
        text = _read(path)
        passages = align(text, text)
        _check_spans(text, text, passages)
        assert any(p.kind is PassageKind.VERBATIM for p in passages)
        assert coverage(passages, len(text)) > 0.95


# --------------------------------------------------------------------------- coverage


def _p(q0, q1, s0=0, s1=10):
    return Passage(q0, q1, s0, s1, PassageKind.NEAR, 0.5)


def test_coverage_merges_overlaps():
    passages = [_p(0, 10), _p(5, 20), _p(30, 40, 50, 60)]
    assert coverage(passages, 100) == pytest.approx(0.30)
    assert coverage(passages, 100, "source") == pytest.approx(0.20)
    assert coverage([], 100) == 0.0
    assert coverage(passages, 0) == 0.0
    assert coverage([_p(0, 50)], 40) == 1.0  # clipped to the text


def test_coverage_side_is_checked():
    with pytest.raises(InputError):
        coverage([], 10, "both")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- params


@pytest.mark.parametrize(
    "field,value",
    [("seed_k", 0), ("seed_k", 2.5), ("gap_words", -1), ("seed_cosine", 1.5),
     ("min_passage_chars", 0), ("fuzzy", "yes"), ("min_gap_sentences", 9),
     ("summary_ratio", 0), ("near_coverage", -0.1)],
)
def test_bad_params_raise_with_the_field(field, value):
    with pytest.raises(InputError) as err:
        AlignParams(**{field: value})
    assert err.value.field == field
    assert isinstance(err.value, AttribError)


def test_params_must_be_alignparams():
    with pytest.raises(InputError):
        align("a", "b", {"seed_k": 4})  # type: ignore[arg-type]


def test_stopwords_are_shipped_and_closed_class():
    words = stopwords()
    assert {"the", "and", "of", "which", "would"} <= words
    assert not {"said", "people", "year", "government", "police"} & words
    assert all(w == w.casefold() and w.strip() == w for w in words)


def test_align_module_is_pure():
    code = """
import sys
sys.path.insert(0, sys.argv[1])
sys.modules['elasticsearch'] = None  # importing it would raise
from attrib.core.align import align
text = 'The council voted to close the bridge for repairs after engineers found rust. ' * 3
assert align(text, text)
print(sorted(m for m, mod in sys.modules.items() if mod is not None
             and m.split('.')[0] in {'elasticsearch', 'urllib3', 'requests'}))
"""
    out = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
