"""The report's renderings on the seed pair: JSON sentence pairs, the terminal text and the
HTML page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from attrib.article import Article
from attrib.detect import check
from attrib.indexing import index_articles
from attrib.readers import read_paths
from attrib.store import EmbeddedStore

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED_000 = SHARED / "examples" / "000_bab4808bdd29a8aa.txt"
SEED_003 = SHARED / "examples" / "003_dbab0492c2aca2f8.txt"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("report") / "attrib.db")
    articles = [r for r in read_paths([SEED_000, SHARED / "data" / "bbc" / "politics"]) if isinstance(r, Article)]
    index_articles(store, articles)
    yield store
    store.close()


@pytest.fixture(scope="module")
def seed_report(seed_store):
    return check(next(iter(read_paths([SEED_003]))), seed_store)


def test_json_passages_carry_faithful_sentence_pairs(seed_report):
    data = json.loads(seed_report.to_json())
    texts = {s.article.id: s.article.text for s in seed_report.sources}
    query = seed_report.article.text
    (original,) = [s for s in data["sources"] if s["relation"] == "original"]
    assert original["article"]["title"].startswith("Blinken meets Israeli leaders")
    total = 0
    for source in data["sources"]:
        text = texts[source["article"]["id"]]
        for p in source["passages"]:
            if p["kind"] == "verbatim":
                assert p["sentence_pairs"] == []
            for pair in p["sentence_pairs"]:
                assert pair["kind"] in ("pair", "inserted", "dropped")
                assert (pair["query"] is None) == (pair["kind"] == "dropped")
                assert (pair["source"] is None) == (pair["kind"] == "inserted")
                if pair["query"]:
                    q = pair["query"]
                    assert query[q["start"]:q["end"]] == q["text"]
                    assert p["query"]["start"] <= q["start"] < q["end"] <= p["query"]["end"]
                if pair["source"]:
                    s = pair["source"]
                    assert text[s["start"]:s["end"]] == s["text"]
                    assert p["source"]["start"] <= s["start"] < s["end"] <= p["source"]["end"]
                total += pair["kind"] == "pair"
    assert total >= 15


# -- terminal -------------------------------------------------------------------------


def _pair_blocks(text: str) -> list[tuple[str, str, str]]:
    """(label, left column, right column) of each side-by-side block of a text report."""
    blocks = []
    for line in text.splitlines():
        if "│" not in line or "This article" in line:
            continue
        left, right = line.split(" │ ", 1) if " │ " in line else (line.rstrip(" │"), "")
        label = left[:12].strip()
        if label:
            blocks.append([label, [], []])
        if blocks:
            blocks[-1][1].append(left[12:].strip())
            blocks[-1][2].append(right.strip())
    return [(label, " ".join(x for x in ls if x), " ".join(x for x in rs if x)) for label, ls, rs in blocks]


def test_terminal_report_reads_in_plain_words(seed_report):
    text = seed_report.to_text()
    lines = text.splitlines()
    assert lines[0] == "COPIED: this article reuses text from an earlier article by another outlet."
    flat = " ".join(text.split())
    assert "Likely original: 000_bab4808bdd29a8aa “Blinken meets Israeli leaders" in flat
    assert "similarity 63%; covers 77% of this article and 78% of the original." in flat
    assert "Passage 1 of 1: reworded (paraphrase), similarity 63%; 16 sentences rewritten" in flat
    assert all(len(line) <= 100 for line in lines), max(lines, key=len)
    # no raw enum words, no unexplained markers, no offsets
    for word in ("unknown_origin", "unattributed", "also_seen", "licensed_reuse", "[", "…]"):
        assert word not in text, word
    assert not re.search(r"\d+[–:-]\d+", text.replace("2006", "")), "offsets only with --verbose"
    assert text.count("closest match in") <= 1
    # the quote in plain words, with the original wording
    assert "Taken without credit: “It really is time to end this war. We are all paying a very high price. We are all suffering.” (Yossi Beilin)" in flat
    assert "Quote taken without credit from an interview first published in 000_bab4808bdd29a8aa" in flat
    assert "wording altered." in flat
    assert "Original wording: “It’s truly time to end this war. We are all paying a heavy price and suffering,”" in flat


def test_terminal_pairs_are_whole_sentences_side_by_side(seed_report):
    text = seed_report.to_text()
    match = seed_report.original
    (passage,) = match.passages
    from attrib.report import passage_pairs

    pairs = [p for p in passage_pairs(seed_report.article.text, match.article.text, passage) if p.kind == "pair"]
    blocks = _pair_blocks(text)
    assert len(blocks) == len(pairs) >= 15
    for (label, left, right), pair in zip(blocks, pairs):
        # wrapped, never clipped or broken inside a word
        assert left == " ".join(seed_report.article.text[pair.query[0]:pair.query[1]].split())
        assert right == " ".join(match.article.text[pair.source[0]:pair.source[1]].split())
        assert label == f"{pair.similarity:.0%}"


def test_terminal_verbose_adds_offsets_and_everything(seed_report):
    text = seed_report.to_text(verbose=True)
    assert "this article 234–3642, the original 130–4267" in text
    blocks = _pair_blocks(text)
    assert {label for label, _, _ in blocks} >= {"added", "left out"}
    assert "unattributed: interview quote" in " ".join(text.split())


def test_terminal_pairs_are_limited_with_an_explanation(seed_report):
    text = seed_report.to_text(max_pairs=3)
    assert len(_pair_blocks(text)) == 3
    assert "… and 13 more sentence pairs (attrib check --verbose, or --format html, shows them all)" in " ".join(text.split())


def test_terminal_text_carries_no_control_characters(seed_store):
    article = next(iter(read_paths([SEED_003])))
    hostile = Article(id="evil", title="Title\x1b]0;owned\x07", text=article.text.replace("Blinken", "Blin\x1b[31mken"))
    text = check(hostile, seed_store).to_text()
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "\\x1b" in text


def test_check_verbose_flag(tmp_path, monkeypatch, capsys):
    from attrib.cli import main

    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(tmp_path / "attrib.db"))
    assert main(["index", str(SEED_000), "--no-progress", "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["check", str(SEED_003)]) == 0
    plain = capsys.readouterr().out
    assert main(["check", str(SEED_003), "--verbose"]) == 0
    verbose = capsys.readouterr().out
    assert not re.search(r"\d–\d", plain)
    assert re.search(r"this article \d+–\d+, the original \d+–\d+", verbose)


# -- HTML -------------------------------------------------------------------------------


def test_html_links_each_sentence_pair_both_ways(seed_report):
    from html.parser import HTMLParser

    page = seed_report.to_html()

    class Anchors(HTMLParser):
        def __init__(self):
            super().__init__()
            self.anchors = {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "a" and "seg" in (attrs.get("class") or ""):
                self.anchors[attrs["id"]] = attrs

    parser = Anchors()
    parser.feed(page)
    anchors = parser.anchors
    linked = [a for a in anchors.values() if a.get("href")]
    assert len([a for a in linked if a["id"].startswith("q")]) >= 15
    for a in linked:
        partner = anchors[a["href"][1:]]
        assert partner["href"] == "#" + a["id"] and partner["data-pair"] == a["data-pair"]
        assert a["tabindex"] == "0"
    assert any(a["data-label"].startswith("Sentence pair 1 of 16: reworded (paraphrase)") for a in linked)
    assert any(a["data-label"].startswith("Sentence added by this article") for a in anchors.values())
    assert any(a["data-label"].startswith("Sentence of the original that this article left out") for a in anchors.values())


def test_html_marks_kinds_quotes_and_chrome(seed_report):
    page = seed_report.to_html()
    assert '<ul class="legend"' in page
    for words in ("copied word for word (verbatim)", "lightly edited (near)", "reworded (paraphrase)",
                  "quote taken without credit", "page chrome"):
        assert words in page
    assert '<mark class="paraphrase">' in page
    # the Beilin quote, flagged, in both texts, with its verdict and reason
    assert page.count('id="quote-') >= 1 and 'id="origin-' in page
    flagged = re.findall(r'<span id="(?:quote|origin)-\d+" class="quote flagged" data-label="([^"]*)"', page)
    assert len(flagged) == 2 and all("wording altered" in label and "not credited" in label for label in flagged)
    # page chrome dimmed in both texts
    assert re.search(r'<span class="chrome"[^>]*>Hi, what are you looking for\?</span>', page)
    assert re.search(r'<span class="chrome"[^>]*>Loading\.\.\.</span>', page)


def test_html_is_self_contained_under_a_strict_csp(seed_report):
    from attrib.report import REPORT_CSS, REPORT_JS, csp_hash

    page = seed_report.to_html()
    (csp,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert f"script-src {csp_hash(REPORT_JS)}" in csp and f"style-src {csp_hash(REPORT_CSS)}" in csp
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert scripts == [REPORT_JS] and styles == [REPORT_CSS]
    tags = re.findall(r"<[a-z][^>]*>", re.sub(r"<script>.*?</script>", "", page, flags=re.S))
    assert not [t for t in tags if re.search(r"\s(?:style|on\w+)=", t)], "no inline styles or handlers"
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)


def test_html_escapes_hostile_articles(seed_store):
    article = next(iter(read_paths([SEED_003])))
    hostile = Article(id="evil", title='<script>alert(1)</script>', outlet='"><img src=x onerror=alert(2)>',
                      text=article.text.replace("Blinken", "<b onmouseover=alert(3)>Blinken</b>"))
    page = check(hostile, seed_store).to_html()
    assert "<script>alert" not in page and "<img" not in page and "<b " not in page
    assert "&lt;b onmouseover=alert(3)&gt;" in page
