"""extract_quotes, quote_key and quote_similarity on hand-made cases and on the seed pair."""

from pathlib import Path

import pytest

from attrib.core.outlets import OutletMatcher
from attrib.core.quotes import Quote, extract_quotes, find_credits, quote_key, quote_similarity

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
SEED_000 = EXAMPLES / "000_bab4808bdd29a8aa.txt"
SEED_003 = EXAMPLES / "003_dbab0492c2aca2f8.txt"


def texts(text: str, **kw) -> list[str]:
    return [q.text for q in extract_quotes(text, **kw)]


def one(text: str, **kw) -> Quote:
    qs = extract_quotes(text, **kw)
    assert len(qs) == 1, qs
    return qs[0]


def check_spans(text: str, q: Quote) -> None:
    assert text[q.content_start : q.content_end] == q.text
    assert q.start <= q.content_start <= q.content_end <= q.end
    if q.speaker is not None:
        assert text[q.speaker_start : q.speaker_end] == q.speaker
    if q.outlet_start is not None:
        assert OutletMatcher.default().canonical(text[q.outlet_start : q.outlet_end]) in (q.outlet, None)


# --- quotation marks -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "we will win this race" on Monday.', "we will win this race"),
        ("He said “we will win this race” on Monday.", "we will win this race"),
        ("Il a dit « nous allons gagner cette course » lundi.", "nous allons gagner cette course"),
        ("Er sagte „wir werden gewinnen, sicher“ am Montag.", "wir werden gewinnen, sicher"),
        ("Il a dit ‹ nous allons gagner ici › lundi.", "nous allons gagner ici"),
        ("He said ''we will win this race'' on Monday.", "we will win this race"),
        ("She wrote ‘we will win this race’ in the memo.", "we will win this race"),
    ],
)
def test_mark_styles(text, expected):
    q = one(text)
    assert q.text == expected
    check_spans(text, q)
    assert text[q.start] != text[q.content_start]


def test_span_includes_the_marks():
    text = "Beilin said: “It is truly time to end this war.” Then he left."
    q = one(text)
    assert text[q.start : q.end] == "“It is truly time to end this war.”"
    assert q.text == "It is truly time to end this war."


def test_nested_single_quotes_stay_inside_the_double_quote():
    text = "“He told me ‘we are not leaving’ and then he left,” Smith said."
    q = one(text)
    assert q.text == "He told me ‘we are not leaving’ and then he left,"
    assert q.speaker == "Smith"


@pytest.mark.parametrize(
    "text",
    [
        "“Don’t worry, it’s Israel’s call and the voters’ choice,” she said.",
        "“It was rock ’n’ roll all night in the ’90s, I guess,” she said.",
        "\"It was rock 'n' roll all night in the '90s, I guess,\" she said.",
        "“They’re goin’ home now, and that’s that,” she said.",
    ],
)
def test_apostrophes_do_not_open_or_close_quotes(text):
    q = one(text)
    assert q.text.startswith(("Don", "It was", "They"))
    assert q.text.endswith(",")
    assert q.speaker is None  # "she" with nobody to resolve it to
    assert text[q.mention_start : q.mention_end] == "she"


def test_plural_possessive_inside_a_single_quoted_quote():
    text = "‘The voters’ choice is clear to everyone,’ he said."
    assert texts(text) == ["The voters’ choice is clear to everyone,"]


def test_scare_quotes_are_skipped_by_min_words():
    text = "The so-called “experts” called it a “total disaster” for everyone."
    assert texts(text) == []
    assert texts(text, min_words=1) == ["experts", "total disaster"]


def test_short_quote_with_its_own_attribution_is_kept():
    text = '"Probably," Priebus said. "Bodies everywhere."'
    qs = extract_quotes(text)
    assert [q.text for q in qs] == ["Probably,"]
    assert qs[0].speaker == "Priebus"


def test_multi_paragraph_quote():
    text = (
        "Smith described the night.\n\n"
        "“We heard the sirens first. Then the windows shook.\n\n"
        "“Nobody slept after that, not one of us,” Smith said.\n\n"
        "The army did not comment."
    )
    q = one(text)
    assert text[q.start] == "“" and text[q.end - 1] == "”"
    assert q.text.startswith("We heard the sirens") and q.text.endswith("not one of us,")
    assert "\n\n“Nobody" in q.text
    assert q.speaker == "Smith"
    check_spans(text, q)


def test_unbalanced_mark_does_not_run_away():
    paragraph = "He called the plan “a betrayal of everything we stand for and more.\n\n"
    rest = "".join(f"Paragraph {i} has “a proper quote number {i},” Jones said.\n\n" for i in range(5))
    text = paragraph + rest
    qs = extract_quotes(text)
    assert [q.text for q in qs] == [f"a proper quote number {i}," for i in range(5)]
    assert all(q.end - q.start < 60 for q in qs)


def test_straight_quotes_resynchronise_after_a_stray_mark():
    text = 'He was 6\'2" tall. "We will fight on and on," Lee said. "And we will win this."'
    assert texts(text) == ["We will fight on and on,", "And we will win this."]


def test_markup_attributes_are_not_quotes():
    text = '<tweet author="@someone" datetime="2016-06-28 and more">Text here</tweet>'
    assert texts(text, min_words=1) == []


def test_partial_quotes_are_marked():
    text = 'Trump said the generals had been "reduced to rubble" by the policy. Trump said, "We will fix it fast."'
    qs = extract_quotes(text)
    assert [(q.text, q.partial) for q in qs] == [("reduced to rubble", True), ("We will fix it fast.", False)]


# --- speakers and cues -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, speaker, cue",
    [
        ("“It’s truly time to end this war,” Beilin told.", "Beilin", "told"),
        ("“We are closing the office,” said Matthew Miller, a spokesman for the department.", "Matthew Miller", "said"),
        ("Miller said: “We are closing the office today.”", "Miller", "said"),
        ("According to Matthew Miller, “the office is closing today.”", "Matthew Miller", "according to"),
        ("“The office is closing today,” according to Matthew Miller.", "Matthew Miller", "according to"),
        ("“We are closing the office,” Sen. Ted Cruz said on Tuesday.", "Ted Cruz", "said"),
        ("“We are closing the office,” Mr. Trump said.", "Trump", "said"),
        ("“We are closing the office,” President Barack Obama told reporters.", "Barack Obama", "told"),
        ("“We are closing the office,” Flynn, a top Trump surrogate, said Thursday.", "Flynn", "said"),
        ("“We are closing the office,” U.S. State Department spokesperson Matthew Miller said after the talks.",
         "Matthew Miller", "said"),
        ("“We are closing the office,” the campaign said in a statement.", "the campaign", "said"),
        ("Retired Lt. Gen. Michael Flynn added, “we are closing the office now.”", "Michael Flynn", "added"),
        ("“We are closing the office,” Clinton tweeted.", "Clinton", "tweeted"),
        ("Former minister Yossi Beilin hoped for a deal, stating, “It really is time to end this war.”",
         "Yossi Beilin", "stating"),
    ],
)
def test_speaker_and_cue(text, speaker, cue):
    q = one(text)
    assert (q.speaker, q.cue) == (speaker, cue)
    check_spans(text, q)
    assert text[q.cue_start : q.cue_end].lower() == cue


def test_pronoun_resolves_to_the_nearest_named_speaker():
    text = (
        "“We will not stop until the work is done,” Senator Jane Holloway said on Monday.\n\n"
        "“The families deserve answers,” she added."
    )
    a, b = extract_quotes(text)
    assert a.speaker == "Jane Holloway"
    assert b.speaker == "Jane Holloway"
    assert text[b.mention_start : b.mention_end] == "she"


def test_unresolvable_pronoun_gives_no_speaker():
    q = one("“They will pay for this one day,” they said.")
    assert q.speaker is None
    assert q.cue == "said"


def test_follow_up_quote_in_the_same_paragraph_inherits_the_speaker():
    text = "“We can always have differences,” Trump said. “If you agree on 70 percent, that is a lot.”"
    a, b = extract_quotes(text)
    assert a.speaker == b.speaker == "Trump"


def test_no_cue_no_speaker():
    q = one("The banner read “Make America Great Again” in red letters.")
    assert q.speaker is None and q.cue is None


# --- outlet credits --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, outlet, interview",
    [
        ("“We are not leaving this place,” Beilin told Al Jazeera.", "Al Jazeera", True),
        ("“We are not leaving this place,” Reuters reported.", "Reuters", False),
        ("“We are not leaving this place,” he said, according to the BBC.", "BBC", False),
        ("“We are not leaving this place,” he said in an interview with CNN.", "CNN", True),
        ("“We are not leaving this place,” reported Al Jazeera’s Imran Khan from Beirut.", "Al Jazeera", False),
        ("“We are not leaving this place,” Al Jazeera’s Imran Khan reported.", "Al Jazeera", False),
        ("“We are not leaving this place,” Smith said on CNN.", "CNN", True),
        ("“We are not leaving this place,” Smith wrote in The New York Times.", "The New York Times", False),
        ("“We are not leaving this place,” Smith told the AP.", "Associated Press", True),
        ("“We are not leaving this place,” Smith told reporters.", None, False),
        ("“We are not leaving this place,” Smith told the Daily Planet.", "the Daily Planet", True),
    ],
)
def test_outlet_credit(text, outlet, interview):
    q = one(text)
    assert q.outlet == outlet
    assert q.interview is interview
    if outlet is not None:
        written = text[q.outlet_start : q.outlet_end]
        assert OutletMatcher.default().canonical(written) == outlet or written == outlet


def test_outlet_mentioned_but_not_credited():
    q = one("“CNN is a disgrace to the whole profession,” Trump said at the rally.")
    assert q.outlet is None
    assert q.speaker == "Trump"


def test_index_outlets_are_credited():
    om = OutletMatcher.default().with_names(["Gazette of Smallville"])
    q = one("“We are not leaving this place,” Lane told the Gazette of Smallville.", outlets=om)
    assert q.outlet == "Gazette of Smallville"


def test_find_credits_in_a_passage():
    text = "Reuters reported the strike on Monday. Officials said it hit a depot. CNN is on air."
    assert [n for n, _, _ in find_credits(text)] == ["Reuters"]


# --- seeds -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds():
    if not SEED_000.exists():
        pytest.skip("seed examples not found at ../shared/examples")
    return SEED_000.read_text(encoding="utf-8"), SEED_003.read_text(encoding="utf-8")


def test_seed_000_quotes(seeds):
    text, _ = seeds
    qs = extract_quotes(text)
    for q in qs:
        check_spans(text, q)
    khan = next(q for q in qs if q.text.startswith("This is the first instance of Hezbollah"))
    assert khan.outlet == "Al Jazeera"
    assert khan.speaker == "Imran Khan"
    beilin = next(q for q in qs if q.text.startswith("It’s truly time to end this war"))
    assert beilin.speaker == "Beilin"
    assert beilin.outlet is None
    assert beilin.cue == "told"
    miller = next(q for q in qs if q.text.startswith("highlighted the importance"))
    assert miller.speaker == "Matthew Miller"


def test_seed_003_beilin_quote_is_the_altered_copy(seeds):
    a, b = seeds
    qa = extract_quotes(a)
    qb = extract_quotes(b)
    copy = next(q for q in qb if q.text.startswith("It really is time to end this war"))
    assert copy.speaker == "Yossi Beilin"
    scores = {q.text: quote_similarity(copy.text, q.text) for q in qa}
    original = next(t for t in scores if t.startswith("It’s truly time"))
    best_other = max(s for t, s in scores.items() if t != original)
    assert scores[original] >= 0.6
    assert scores[original] > best_other + 0.4


# --- keys and similarity ---------------------------------------------------------------


def test_quote_key_normalises_forms():
    assert quote_key("“It’s time — truly,” he said!") == quote_key('"It\'s TIME - truly," he said')
    assert quote_key("It’s  a\u00a0long-term  plan…") == "its a long term plan"
    assert quote_key("") == ""


def test_similarity_bounds_and_identity():
    assert quote_similarity("We will win.", "we WILL win") == 1.0
    assert quote_similarity("", "") == 0.0
    assert quote_similarity("apples and pears", "") == 0.0
    s = quote_similarity("We will win this race", "Nothing in common here at all")
    assert 0.0 <= s < 0.2


def test_similarity_is_order_aware():
    a = "the president will sign the bill on friday morning"
    b = "morning friday on bill the sign will president the"
    assert quote_similarity(a, b) < 0.5


def test_trimmed_quote_matches_its_original():
    original = ("We have done everything we could to bring the hostages home, and we will not rest "
                "until every one of them is back with their families.")
    trimmed = "we will not rest until every one of them is back with their families"
    assert quote_similarity(trimmed, original) >= 0.9
    assert quote_similarity("with their families", original) < 0.6  # too short to trust
