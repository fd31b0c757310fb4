"""An article built on another outlet's interview: the interview is where it came from."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from attrib.article import Article
from attrib.core.quotes import Quote, QuoteFinding, QuoteOccurrence, QuoteVerdict, interview_source
from attrib.detect import check, name_interview_source
from attrib.indexing import index_articles
from attrib.report import Relation, Report, Verdict
from attrib.store import EmbeddedStore

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=timezone.utc)


def _finding(verdict: QuoteVerdict, origin: QuoteOccurrence | None) -> QuoteFinding:
    text = "we will open the new berths before the winter storms"
    return QuoteFinding(quote=Quote(0, len(text) + 2, 1, len(text) + 1, text, cue="said"), verdict=verdict,
                        origin=origin, similarity=1.0, altered=False)


def _occ(aid: str, published: datetime | None, interview: bool = True) -> QuoteOccurrence:
    return QuoteOccurrence(aid, f"{aid}.example", published, "words", 0, 5,
                           credited_outlet=f"{aid}.example" if interview else None,
                           cue="told" if interview else "said", interview=interview)


def test_the_interview_published_first_is_the_source():
    earlier, later = _occ("gazette", T0 - timedelta(days=2)), _occ("roundup", T0 - timedelta(days=1))
    findings = [_finding(QuoteVerdict.CREDITED, later), _finding(QuoteVerdict.CREDITED, later),
                _finding(QuoteVerdict.UNATTRIBUTED, earlier)]
    assert interview_source(findings) == earlier


def test_an_undated_carrier_public_words_and_unjudged_quotes_name_no_source():
    assert interview_source([_finding(QuoteVerdict.CREDITED, _occ("mirror", None))]) is None
    assert interview_source([_finding(QuoteVerdict.UNATTRIBUTED, _occ("wire", T0, interview=False))]) is None
    for verdict in (QuoteVerdict.OWN, QuoteVerdict.INDEPENDENT, QuoteVerdict.UNKNOWN_ORIGIN):
        assert interview_source([_finding(verdict, _occ("gazette", T0))]) is None
    assert interview_source([]) is None


def test_on_the_same_date_the_carrier_of_more_quotes_is_the_source():
    one, other = _occ("one", T0), _occ("other", T0)
    findings = [_finding(QuoteVerdict.CREDITED, one), _finding(QuoteVerdict.CREDITED, other),
                _finding(QuoteVerdict.CREDITED, other)]
    assert interview_source(findings) == other


# -- through the check pipeline ----------------------------------------------------------

QUOTES = [
    "We will open the new berths before the winter storms and nobody will stop us from doing it",
    "The harbour has waited thirty years for this and the fishermen deserve every penny of it",
    "I have never seen a council so united behind one project in all my time in office",
]

INTERVIEW = (
    "The mayor of Port Ellis has promised that the long-delayed harbour works will be finished this year. "
    "Speaking exclusively to the Harbour Gazette in her office overlooking the quay, Mara Quinn said the "
    "council had approved the last of the funding on Tuesday evening after a long debate. "
    f'"{QUOTES[0]}," she told the Harbour Gazette. The works were first proposed in 1994 and stalled twice '
    "when contractors went bankrupt, leaving the eastern breakwater half built for more than a decade. "
    f'"{QUOTES[1]}," Quinn said. Local traders have complained about the noise and the closed car park, '
    "and a petition against the new fish market gathered four hundred signatures last spring. "
    f'"{QUOTES[2]}," she added. The first berths are due to open in November, the council said.'
)

BUILT_ON_QUOTES = (
    "Coastal towns across the region are racing to modernise their ports before new shipping rules arrive. "
    "In Port Ellis the mood is buoyant. "
    f'"{QUOTES[0]}," mayor Mara Quinn told the Harbour Gazette. '
    f'"{QUOTES[1]}," she said, adding: "{QUOTES[2]}." '
    "Neighbouring Saltby is still looking for a contractor for its own quay."
)


@pytest.fixture()
def store(tmp_path):
    s = EmbeddedStore(tmp_path / "attrib.db")
    yield s
    s.close()


def test_an_article_built_on_an_interview_names_it(store):
    index_articles(store, [Article(id="gazette", text=INTERVIEW, outlet="Harbour Gazette",
                                   published_at=T0 - timedelta(days=1))])
    report = check(Article(id="roundup", text=BUILT_ON_QUOTES, outlet="Coast Weekly", published_at=T0), store)
    assert report.verdict is Verdict.QUOTED
    assert report.original is not None and report.original.article.id == "gazette"
    assert report.original.relation is Relation.ORIGINAL and report.sources[0] == report.original
    assert [f.verdict for f in report.quotes] == [QuoteVerdict.CREDITED] * 3
    assert len(report.quotes_from("gazette")) == 3
    assert report.summary().startswith("Built on quotes first published by gazette")
    assert report.to_dict()["verdict"] == "quoted" and report.to_dict()["likely_original"]["id"] == "gazette"
    assert "Quotes first published in: gazette" in report.to_text()
    assert 'class="verdict quoted"' in report.to_html()
    assert report.severity == 0.0  # credited: nothing for an editor to act on


def test_uncredited_quotes_of_an_interview_are_flagged_and_name_it(store):
    index_articles(store, [Article(id="gazette", text=INTERVIEW, outlet="Harbour Gazette",
                                   published_at=T0 - timedelta(days=1))])
    uncredited = BUILT_ON_QUOTES.replace(" told the Harbour Gazette", " said")
    report = check(Article(id="roundup", text=uncredited, outlet="Coast Weekly", published_at=T0), store)
    assert report.verdict is Verdict.QUOTED and report.original.article.id == "gazette"
    assert [f.flagged for f in report.quotes] == [True, True, True]
    assert report.severity == 0.75


def test_an_undated_interview_is_not_named(store):
    # nothing says the stored story published the interview before the article
    index_articles(store, [Article(id="gazette", text=INTERVIEW, outlet="Harbour Gazette")])
    report = check(Article(id="roundup", text=BUILT_ON_QUOTES, outlet="Coast Weekly", published_at=T0), store)
    assert report.verdict is Verdict.NO_SOURCE and report.original is None


def test_an_article_that_copies_running_text_keeps_its_original(store):
    later_roundup = Article(id="roundup", text=BUILT_ON_QUOTES, outlet="Coast Weekly", published_at=T0)
    index_articles(store, [Article(id="gazette", text=INTERVIEW, outlet="Harbour Gazette",
                                   published_at=T0 - timedelta(days=1)), later_roundup])
    copy = INTERVIEW.replace("Port Ellis", "the port of Ellis")
    report = check(Article(id="copy", text=copy, outlet="Copy Daily", published_at=T0 + timedelta(days=1)), store)
    assert report.verdict is Verdict.COPIED and report.original.article.id == "gazette"


def test_an_interview_that_shares_no_passage_is_named_without_passages(store):
    index_articles(store, [Article(id="gazette", text=INTERVIEW, outlet="Harbour Gazette",
                                   published_at=T0 - timedelta(days=1))])
    origin = QuoteOccurrence("gazette", "Harbour Gazette", T0 - timedelta(days=1), QUOTES[0], 0, 10,
                             credited_outlet="Harbour Gazette", cue="told", interview=True)
    findings = [_finding(QuoteVerdict.UNATTRIBUTED, origin)]
    original, matches = name_interview_source(findings, [], store)
    assert original is not None and original.article.id == "gazette" and original.passages == ()
    assert matches == [original] and original.relation is Relation.ORIGINAL
    report = Report(article=Article(id="roundup", text=BUILT_ON_QUOTES), verdict=Verdict.QUOTED,
                    original=original, sources=(original,), quotes=tuple(findings))
    text = report.to_text()
    assert "1 quote of this article first appeared there" in text and "covers" not in text
    assert "1 quote taken without credit" in report.summary()
    # a quote whose carrier was removed from the store since names nothing
    gone = QuoteOccurrence("removed", "Other", T0, QUOTES[0], 0, 10, cue="told", credited_outlet="Other",
                           interview=True)
    assert name_interview_source([_finding(QuoteVerdict.CREDITED, gone)], [], store) == (None, [])
