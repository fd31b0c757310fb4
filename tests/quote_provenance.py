"""Quote provenance through a store: the documented cases of docs/QUOTES.md, end to end.

Run against the embedded store in the unit tests and the real cluster in the
integration tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from attrib.article import Article
from attrib.core.quotes import QuoteVerdict
from attrib.detect import check
from attrib.indexing import index_articles

T0 = datetime(2024, 10, 22, 8, 0, tzinfo=timezone.utc)
INTERVIEW = "We will not accept any deal that leaves the hostages behind, not now and not ever"
STATEMENT = "The ministry condemns the attack on the convoy and calls for an immediate investigation"
FILLER = (
    "The talks continued late into the evening in the capital, officials said, while aid agencies "
    "warned that supplies in the south were running low after weeks of fighting."
)


def _article(article_id: str, outlet: str, hours: float, body: str) -> Article:
    return Article(id=article_id, text=body, outlet=outlet, published_at=T0 + timedelta(hours=hours))


def corpus() -> list[Article]:
    return [
        _article("aj-interview", "Al Jazeera", 0, f"{FILLER}\n\n“{INTERVIEW},” the negotiator told Al Jazeera on Monday.\n\nHe did not elaborate."),
        _article("wire-1", "Reuters", 1, f"Markets were calm.\n\n“{STATEMENT},” the ministry said in a statement.\n\nNo group claimed it."),
        _article("wire-2", "AP", 1.5, f"In a statement, the ministry said: “{STATEMENT}.”\n\nThe convoy carried flour."),
        _article("wire-3", "AFP", 2, f"“{STATEMENT},” a ministry statement said.\n\nThe United Nations also voiced concern."),
        _article("unrelated", "BBC", 3, "The football season opened with a surprise win for the newly promoted side, "
                 "whose manager praised the fans. “It was a night to remember for all of us here,” he said."),
    ]


def _finding(report, words: str):
    matches = [f for f in report.quotes if words in f.quote.text]
    assert matches, [f.quote.text for f in report.quotes]
    return matches[0]


class QuoteProvenanceContract:
    def _store(self, make_store):
        store = make_store()
        index_articles(store, corpus())
        return store

    def test_interview_quote_reused_without_the_outlet_is_flagged(self, make_store):
        store = self._store(make_store)
        copy = _article("copy", "Daily Copy", 5, f"Officials met again.\n\n“{INTERVIEW},” the negotiator said.\n\nTalks resume Friday.")
        finding = _finding(check(copy, store), "hostages behind")
        assert finding.verdict is QuoteVerdict.UNATTRIBUTED and finding.flagged
        assert finding.origin.article_id == "aj-interview" and finding.origin.outlet == "Al Jazeera"
        store.close()

    def test_credited_quote_is_not_flagged(self, make_store):
        store = self._store(make_store)
        credited = _article("credited", "Daily Copy", 5, f"Officials met again.\n\n“{INTERVIEW},” the negotiator told Al Jazeera.\n\nTalks resume Friday.")
        finding = _finding(check(credited, store), "hostages behind")
        assert finding.verdict is QuoteVerdict.CREDITED and not finding.flagged
        store.close()

    def test_altered_quote_is_matched_with_both_versions(self, make_store):
        store = self._store(make_store)
        altered = INTERVIEW.replace("We will not accept any deal", "We won't accept a deal")
        copy = _article("altered", "Daily Copy", 5, f"Officials met again.\n\n“{altered},” the negotiator said.\n\nTalks resume Friday.")
        finding = _finding(check(copy, store), "hostages behind")
        assert finding.flagged and finding.altered
        assert finding.origin.article_id == "aj-interview" and finding.origin.quote_text != finding.quote.text
        store.close()

    def test_public_statement_carried_by_several_outlets_is_independent(self, make_store):
        store = self._store(make_store)
        later = _article("later", "Daily Copy", 6, f"Convoy attacked.\n\n“{STATEMENT},” the ministry said.\n\nMore soon.")
        finding = _finding(check(later, store), "condemns the attack")
        assert finding.verdict is QuoteVerdict.INDEPENDENT and not finding.flagged
        store.close()
