"""Quotes lifted with the copied text: interview credits, fragments, and the source's own reporting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from attrib.article import Article
from attrib.core.quotes import (
    Quote,
    QuoteOccurrence,
    QuoteVerdict,
    extract_quotes,
    interviewers,
    judge_quote,
    reports_speech,
    same_interview,
    speech_spans,
    with_interview_credit,
)
from attrib.detect import check
from attrib.indexing import index_articles
from attrib.store import EmbeddedStore

T0 = datetime(2024, 10, 22, 9, 0, tzinfo=timezone.utc)
WORDS = "It is truly time to end this war. We are all paying a heavy price and suffering."


def quote(text: str = WORDS, outlet: str | None = None, interview: bool = False) -> Quote:
    return Quote(0, len(text) + 2, 1, len(text) + 1, text, cue="said", outlet=outlet, interview=interview)


def occ(aid: str, outlet: str | None, text: str = WORDS, **kw) -> QuoteOccurrence:
    return QuoteOccurrence(aid, outlet, None, text, 10, 10 + len(text), **kw)


# -- judge_quote with taken_from -----------------------------------------------------


def test_an_interview_quote_taken_with_the_passage_is_flagged_even_undated():
    source = occ("src", "Al Jazeera", cue="told", credited_outlet="Al Jazeera", interview=True)
    finding = judge_quote(quote(), "Daily Copy", T0, [source], taken_from=[source])
    assert finding.verdict is QuoteVerdict.UNATTRIBUTED and finding.flagged
    assert "passage taken from Al Jazeera" in finding.reason
    # the same with the article naming the interview's outlet anywhere: credited
    finding = judge_quote(quote(), "Daily Copy", T0, [source], taken_from=[source], passage_credits=["Al Jazeera"])
    assert finding.verdict is QuoteVerdict.CREDITED


def test_crediting_the_outlet_the_source_credits_is_credit():
    # a reprint site carries the BBC's interview; the copy names the BBC
    source = occ("reprint", "reprints.example", cue="told", credited_outlet="BBC", interview=True)
    finding = judge_quote(quote(outlet="BBC", interview=True), "Daily Copy", T0, [source], taken_from=[source])
    assert finding.verdict is QuoteVerdict.CREDITED


def test_a_public_statement_in_a_copied_passage_is_left_to_the_date_rules():
    source = occ("src", "Reuters", cue="said")
    finding = judge_quote(quote(), "Daily Copy", T0, [source], taken_from=[source])
    assert finding.verdict is QuoteVerdict.UNKNOWN_ORIGIN  # undated source: no order, not flagged


def test_the_articles_own_outlet_is_never_the_lift():
    source = occ("own", "Daily Copy", cue="told", credited_outlet="Daily Copy", interview=True)
    finding = judge_quote(quote(), "Daily Copy", T0, [source], taken_from=[source])
    assert not finding.flagged


def test_an_interview_named_by_its_show_matches_a_shorter_name_of_it():
    source = QuoteOccurrence("asia", "asia.example", T0 - timedelta(days=1), WORDS, 0, len(WORDS),
                             credited_outlet="Piers Morgan", cue="told", interview=True)
    finding = judge_quote(quote(outlet="Piers Morgan Uncensored Twitter", interview=True), "Daily Copy", T0, [source])
    assert finding.verdict is QuoteVerdict.CREDITED


# -- interview credit given once ---------------------------------------------------------


def test_an_interview_credited_once_credits_the_speakers_later_quotes():
    text = ('Djokovic told the BBC: "I was never against vaccination." Later he said: "I understand the '
            'consequences of my decision, and I accept them fully."')
    quotes = with_interview_credit(extract_quotes(text), text)
    assert [q.outlet for q in quotes] == ["BBC", "BBC"] and all(q.interview for q in quotes)
    # two interviews credited: nothing is inherited
    two = [quote(outlet="CNN", interview=True), quote(outlet="BBC", interview=True), quote()]
    assert [q.outlet for q in with_interview_credit(two)] == ["CNN", "BBC", None]


def test_an_interview_named_outside_any_quote_credits_the_quotes():
    text = ('Musk sat down for a "rare interview" with the BBC on Tuesday. Musk said: "It has been quite a '
            'rollercoaster, and I would do it again."')
    quotes = with_interview_credit(extract_quotes(text), text)
    assert quotes[-1].outlet == "BBC"


def test_the_interview_credit_goes_to_the_interviewees_quotes_only():
    # a lawyer's interview credited once; the judge's words in court are not part of it
    text = ('Former prosecutor Diane Birnholz told BuzzFeed News the timing was unusual. '
            '"This is a really complicated issue for everyone involved," Birnholz said. '
            '"The tragedy of this case is that she is brilliant and had creative ideas," Davila said.')
    quotes = with_interview_credit(extract_quotes(text), text)
    assert [(q.speaker, q.outlet) for q in quotes] == [("Birnholz", "BuzzFeed News"), ("Davila", None)]
    # an interviewee not named ("he told the BBC"): every quote takes the credit
    text = ('He told the BBC the timing was unusual. "This is a really complicated issue for everyone '
            'involved," Birnholz said. "The tragedy of this case is that she had creative ideas," Davila said.')
    assert [q.outlet for q in with_interview_credit(extract_quotes(text), text)] == ["BBC", "BBC"]


def test_other_ways_of_naming_an_interview_credit_it():
    for credit in ("Musk informed the BBC he would stay.", "Musk gave an impromptu interview to the BBC.",
                   "Musk has given a surprise interview to the BBC.\n\nMusk"):
        text = f'{credit} "I think I should not tweet after three in the morning," he said.'
        assert [q.outlet for q in with_interview_credit(extract_quotes(text), text)] == ["BBC"], credit


def test_a_quote_credited_to_an_outlet_is_credited_unless_a_carrier_says_it_was_told_to_another():
    # words said in court, first found in another outlet's story: the article's own credit counts
    court = QuoteOccurrence("yahoo", "Yahoo News", T0 - timedelta(days=1), WORDS, 0, len(WORDS), cue="said")
    finding = judge_quote(quote(outlet="BBC"), "City A.M.", T0, [court])
    assert finding.verdict is QuoteVerdict.CREDITED and finding.reason == "credited to BBC"
    # words an earlier story says were told to Al Jazeera: crediting the BBC is no credit
    told = QuoteOccurrence("aj", "Al Jazeera", T0 - timedelta(days=1), WORDS, 0, len(WORDS), cue="told",
                           credited_outlet="Al Jazeera", interview=True)
    assert judge_quote(quote(outlet="BBC"), "City A.M.", T0, [court, told]).flagged
    # an article's credit to its own outlet names no source
    assert judge_quote(quote(outlet="City A.M."), "City A.M.", T0, [court]).flagged


# -- fragments ------------------------------------------------------------------------


def test_fragments_are_kept_only_when_asked():
    text = 'Djokovic described the conditions as “very hard”. The so-called “expert panel” met.'
    assert extract_quotes(text) == []
    assert [q.text for q in extract_quotes(text, fragments="attributed")] == ["very hard"]
    assert [q.text for q in extract_quotes(text, fragments="all")] == ["very hard", "expert panel"]


def test_reports_speech_tells_reported_speech_from_a_statement():
    said = "Djokovic said he hoped he can play for many more years. Next sentence."
    assert reports_speech(said, said.index("can play"), said.index(" years") + 6)
    statement = "These men were true explorers who shared a spirit of adventure. Next."
    assert not reports_speech(statement, 0, 20)


# -- through the pipeline ------------------------------------------------------------------


STORY = " ".join(
    f"Paragraph {i} of the harbour report names dredger number {100 + i} and berth {7 * i} in the inner basin."
    for i in range(12)
)


def test_the_sources_reported_speech_put_in_quotes_by_a_copy_is_flagged(tmp_path):
    original = (STORY + " The mayor said she hoped the new berths would open before the winter storms. "
                + STORY.replace("Paragraph", "Section"))
    copy = (STORY + ' The mayor said she hoped the “new berths would open before the winter storms”. '
            + STORY.replace("Paragraph", "Section"))
    store = EmbeddedStore(tmp_path / "attrib.db")
    try:
        index_articles(store, [Article(id="harbour-gazette", text=original, outlet="Harbour Gazette")])
        report = check(Article(id="copy", text=copy, outlet="Copy Daily"), store)
        assert report.original is not None and report.original.article.id == "harbour-gazette"
        flagged = [f for f in report.quotes if f.flagged]
        assert [f.quote.text for f in flagged] == ["new berths would open before the winter storms"]
        assert "Harbour Gazette" in flagged[0].reason
    finally:
        store.close()


# -- same_interview: a speaker's unplaced quotes in an article that took the speaker's interview


def _said(text: str, speaker: str | None, **kw) -> Quote:
    return Quote(0, len(text) + 2, 1, len(text) + 1, text, speaker=speaker, cue="said", **kw)


def test_unplaced_quotes_of_a_speaker_whose_interview_was_taken_are_flagged_with_it():
    interview = occ("src", "Al Jazeera", cue="told", credited_outlet="Al Jazeera", interview=True)
    taken = judge_quote(_said(WORDS, "Ana Ruiz"), "Daily Copy", T0, [interview], taken_from=[interview])
    assert taken.flagged
    unplaced = judge_quote(_said("we will rebuild every school", "Ana Ruiz"), "Daily Copy", T0, [])
    other_speaker = judge_quote(_said("the talks failed", "Omar Haddad"), "Daily Copy", T0, [])
    credited = judge_quote(_said("we stay", "Ana Ruiz", outlet="Reuters"), "Daily Copy", T0, [])
    assert unplaced.verdict is QuoteVerdict.UNKNOWN_ORIGIN
    judged = same_interview([taken, unplaced, other_speaker, credited])
    assert judged[0] == taken
    assert judged[1].flagged and judged[1].origin is None and judged[1].also_seen == (interview,)
    assert "Al Jazeera" in judged[1].reason
    assert judged[2] == other_speaker and not judged[2].flagged  # another speaker: nothing known
    assert not judged[3].flagged  # the article credits an outlet for it


def test_without_a_taken_interview_quote_unplaced_quotes_stay_unknown():
    reported = occ("src", "Al Jazeera", cue="said")  # the source's report, not its interview
    taken = judge_quote(_said(WORDS, "Ana Ruiz"), "Daily Copy", T0, [reported], taken_from=[reported])
    unplaced = judge_quote(_said("we will rebuild every school", "Ana Ruiz"), "Daily Copy", T0, [])
    judged = same_interview([taken, unplaced])
    assert judged[1].verdict is QuoteVerdict.UNKNOWN_ORIGIN and not judged[1].flagged


def test_naming_the_interviewer_credits_the_interview(tmp_path):
    """The carrier ran the interview as "an interview with Harbour Gazette columnist
    Mara Quinn"; an article that credits Mara Quinn credits that interview, one that
    credits nobody takes it."""
    said = ('In an exclusive interview with Harbour Gazette columnist Mara Quinn, the mayor said: '
            '"We will open the new berths before the winter storms and nobody will stop us." ')
    original = STORY + " " + said + STORY.replace("Paragraph", "Section")
    assert interviewers(original) == {"Mara Quinn"}
    uncredited = STORY + " " + said.replace("In an exclusive interview with Harbour Gazette columnist Mara Quinn, the",
                                            "The") + STORY.replace("Paragraph", "Section")
    store = EmbeddedStore(tmp_path / "attrib.db")
    try:
        index_articles(store, [Article(id="harbour-gazette", text=original, outlet="Harbour Gazette")])
        report = check(Article(id="copy", text=uncredited, outlet="Copy Daily"), store)
        assert [f.flagged for f in report.quotes] == [True]
        # credited to the interviewer, on the show she hosts elsewhere
        credited_article = uncredited.replace("The mayor said:", "In an interview with Harbour Radio host Mara Quinn, the mayor said:")
        assert credited_article != uncredited
        report = check(Article(id="copy-2", text=credited_article, outlet="Copy Daily"), store)
        assert [f.verdict for f in report.quotes] == [QuoteVerdict.CREDITED]
        assert "Mara Quinn" in report.quotes[0].reason
    finally:
        store.close()


def test_speech_spans_cover_quotations_and_sentences_that_report_speech():
    text = ('The port reopened on Monday. Asked about the berths, the mayor remarked, we will open them '
            'before the storms. "Nobody will stop us," she added. Ships waited outside.')
    spans = speech_spans(text)
    covered = lambda words: any(s <= text.index(words) and text.index(words) + len(words) <= e for s, e in spans)  # noqa: E731
    assert covered("we will open them before the storms")  # reported, its opening mark missing
    assert covered("Nobody will stop us")
    assert not covered("The port reopened on Monday")
    assert not covered("Ships waited outside")
