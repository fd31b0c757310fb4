"""Sentence spans on the seed articles and on PolNeAR political news."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from attrib.core.sentences import load_punkt_parameters, news_abbreviations, sentences
from attrib.errors import InputError

DATA = Path(__file__).resolve().parents[3] / "shared"
SEED = DATA / "examples" / "000_bab4808bdd29a8aa.txt"
POLNEAR = DATA / "data" / "polnear"

# Titles that precede a name: a sentence never ends on them.
TITLES = re.compile(r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt)\.$")


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        prev = e


def test_seed_us_secretary_not_split():
    text = SEED.read_text(encoding="utf-8")
    spans = sentences(text)
    check_spans(text, spans)
    got = [text[s:e] for s, e in spans]
    first = next(t for t in got if t.startswith("U.S. Secretary of State Antony Blinken"))
    assert first.endswith("allowed into the Palestinian territories.")
    assert "U.S." not in got and "U.S" not in got
    # The quoted statement ending in a curly quote and the attribution stay one sentence.
    quote = next(t for t in got if t.startswith("Blinken \u201chighlighted"))
    assert quote.endswith("U.S. State Department spokesperson Matthew Miller said after the talks.")


def test_paragraph_breaks_end_sentences():
    text = "Connect with us\n\nInternational\n\nBlinken meets Israeli leaders. He said so."
    assert [text[s:e] for s, e in sentences(text)] == [
        "Connect with us", "International", "Blinken meets Israeli leaders.", "He said so.",
    ]


def test_news_abbreviations():
    text = (
        "Sen. Elizabeth Warren met Gov. Greg Abbott in Sept. 2015 at Acme Corp. headquarters. "
        "Mr. Smith of the U.N. said no. Then he left for the U.K. on Monday."
    )
    got = [text[s:e] for s, e in sentences(text)]
    assert got == [
        "Sen. Elizabeth Warren met Gov. Greg Abbott in Sept. 2015 at Acme Corp. headquarters.",
        "Mr. Smith of the U.N. said no.",
        "Then he left for the U.K. on Monday.",
    ]


def test_title_before_a_frequent_sentence_starter():
    # "Morgan" starts many Reuters sentences ("Morgan Stanley said..."); after a title
    # it is still a name.
    text = '"It was the least bad outcome," Mr. Morgan of the Sierra Club said. Then Dr. Baker spoke.'
    assert [text[s:e] for s, e in sentences(text)] == [
        '"It was the least bad outcome," Mr. Morgan of the Sierra Club said.',
        "Then Dr. Baker spoke.",
    ]


def test_quotes_are_kept_with_their_sentence():
    text = "\u201eWir schaffen das\u201c, sagte sie. \u201cWe will,\u201d he said. \u00abOui.\u00bb Fin."
    got = [text[s:e] for s, e in sentences(text)]
    assert got[1] == "\u201cWe will,\u201d he said."
    check_spans(text, sentences(text))


def test_parameters_are_shipped_and_curated():
    params = load_punkt_parameters()
    assert {"u.s", "sen", "gov", "sept", "corp", "mr"} <= params.abbrev_types
    assert news_abbreviations() <= params.abbrev_types
    assert len(params.ortho_context) > 10_000


def test_edge_inputs():
    assert sentences("") == []
    assert sentences(" \n\n \t") == []
    assert sentences("one") == [(0, 3)]
    with pytest.raises(InputError):
        sentences(None)  # type: ignore[arg-type]


def polnear_texts(split: str) -> list[Path]:
    return sorted((POLNEAR / split / "text").glob("*.txt"))


def test_polnear_known_sentences():
    path = next(p for p in polnear_texts("train") if "paris-terror" in p.name or "ny-daily" in p.name)
    text = path.read_text(encoding="utf-8")
    got = [text[s:e] for s, e in sentences(text)]
    assert any(t.endswith("the threat the National Rifle Association (NRA) poses to the U.S.")
               for t in got)
    assert "Very few classes of people are disqualified." in got
    assert "Convicted felons are among those barred." in got
    assert "But they leave out a crucial point." in got


def test_polnear_dev_never_splits_after_a_title():
    texts = polnear_texts("dev")
    assert len(texts) == 84
    n = 0
    for path in texts:
        text = path.read_text(encoding="utf-8")
        spans = sentences(text)
        check_spans(text, spans)
        for s, e in spans:
            assert not TITLES.search(text[s:e]), (path.name, text[s:e][-80:])
        n += len(spans)
    assert n > 2000


def test_stdlib_patterns_split_exactly_like_nltk_punkt():
    # attrib compiles Punkt's own patterns with ``re`` rather than nltk's timed ``regex``
    # wrapper; the spans must be the ones Punkt gives with the same parameters.
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    module = importlib.import_module("attrib.core.sentences")

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((DATA / "data" / "bbc" / "business").glob("*.txt"))[:150]]
    texts += [
        'He said: "It works." Then he left... Did he? Yes!! (Really.) U.S. Sen. Jones, Inc. agreed.',
        "Prices rose 1.5 pct. in Jan. to 3.25 dlrs. -- a record. \u201cNo,\u201d she said.\u00bb Next.",
    ]
    plain = PunktSentenceTokenizer(load_punkt_parameters())
    ours = module._tokenizer()
    assert type(ours._lang_vars) is not type(plain._lang_vars)
    assert len(texts) == 152
    for text in texts:
        assert list(ours.span_tokenize(text)) == list(plain.span_tokenize(text))
