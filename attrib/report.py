"""The report of a check, and its three renderings: JSON, terminal and HTML.

The JSON form is versioned (``schema: attrib.report/1``, documented in docs/REPORT.md).
Every span is a half-open ``str`` offset pair into the original text of the article it
names, and carries the text it covers. Article text is untrusted: the HTML rendering
escapes all of it and loads nothing from outside the file.
"""

from __future__ import annotations

import enum
import html
import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from attrib.article import Article
from attrib.core import FingerprintParams
from attrib.core.align import Passage, PassageKind
from attrib.core.sentence_pairs import SentencePair
from attrib.core.quotes import QuoteFinding, QuoteOccurrence

SCHEMA = "attrib.report/1"


class Verdict(str, enum.Enum):
    NO_SOURCE = "no_source"
    COPIED = "copied"
    LICENSED_REUSE = "licensed_reuse"
    QUOTED = "quoted"  # built on quotes first published by another outlet: no text is its original


class Relation(str, enum.Enum):
    ORIGINAL = "original"  # the likely original
    ALSO_SEEN = "also_seen"  # another (later) copy of the same text
    SOURCE = "source"  # a further source of a different part of the article
    LATER = "later"  # published after the article: cannot be its source


@dataclass(frozen=True)
class SourceMatch:
    """A stored article the checked one shares passages with."""

    article: Article
    retrieval_score: float
    passages: tuple[Passage, ...]
    query_coverage: float
    source_coverage: float
    relation: Relation = Relation.SOURCE
    licensed: bool = False

    def with_(self, **changes: Any) -> "SourceMatch":
        return replace(self, **changes)


@dataclass(frozen=True)
class Report:
    article: Article
    verdict: Verdict
    original: SourceMatch | None
    sources: tuple[SourceMatch, ...]
    quotes: tuple[QuoteFinding, ...] = ()
    params: FingerprintParams | None = None
    candidates_checked: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def unattributed_quotes(self) -> list[QuoteFinding]:
        return [q for q in self.quotes if q.flagged]

    def quotes_from(self, article_id: str) -> list[QuoteFinding]:
        """The article's quotes whose earliest carrier of another outlet is ``article_id``."""
        return [q for q in self.quotes if q.origin is not None and q.origin.article_id == article_id]

    @property
    def severity(self) -> float:
        """For sorting scans: copied coverage of the article plus weight for lifted quotes."""
        copied = self.original.query_coverage if self.verdict is Verdict.COPIED and self.original else 0.0
        return round(copied + 0.25 * len(self.unattributed_quotes), 4)

    def summary(self) -> str:
        """One plain sentence: what an editor needs first."""
        o = self.original
        when = f", published {_when(o.article.published_at)}" if o and o.article.published_at else ""
        if o is None:
            text = "No source found in the index."
        elif self.verdict is Verdict.QUOTED:
            n = len(self.quotes_from(o.article.id))
            text = (f"Built on quotes first published by {_label(o.article)}{when}: "
                    f"{_count(n, 'quote')} of this article first appeared there.")
        else:
            kind = "Licensed reuse of" if self.verdict is Verdict.LICENSED_REUSE else "Likely original:"
            cover = "covers" if len(o.passages) == 1 else "cover"
            text = (
                f"{kind} {_label(o.article)}{when}; {_count(len(o.passages), 'passage')} {cover} "
                f"{o.query_coverage:.0%} of this article and {o.source_coverage:.0%} of the original."
            )
        flagged = len(self.unattributed_quotes)
        if flagged:
            text += f" {_count(flagged, 'quote')} taken without credit."
        return text

    # -- JSON --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "article": _article_dict(self.article),
            "verdict": self.verdict.value,
            "summary": self.summary(),
            "likely_original": _article_dict(self.original.article) if self.original else None,
            "sources": [_source_dict(self.article, m) for m in self.sources],
            "quotes": [_quote_dict(self.article, q) for q in self.quotes],
            "unattributed_quotes": len(self.unattributed_quotes),
            "severity": self.severity,
            "fingerprint_params": self.params.to_meta() if self.params else None,
            "candidates_checked": self.candidates_checked,
            "timings_ms": self.timings_ms,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- terminal ----------------------------------------------------------------------

    def to_text(self, color: bool = False, width: int = 100, verbose: bool = False,
                max_pairs: int = 20) -> str:
        """The report for a reader at a terminal: verdict first, then each source with
        its passages and their first ``max_pairs`` sentence pairs side by side, then the
        quotes, all in plain words and wrapped to ``width`` columns.

        ``verbose`` adds character offsets, inserted and dropped sentences, every pair,
        the quotes' raw reasons and the check's figures. Article text is shown with
        control characters escaped (:mod:`attrib.safe_text`); ``color`` adds ANSI
        emphasis, which only the caller can know the terminal takes.
        """
        return _render_text(self, color=color, width=max(60, width), verbose=verbose,
                            max_pairs=None if verbose else max_pairs)

    # -- HTML --------------------------------------------------------------------------

    def to_html(self) -> str:
        return _render_html(self)


def passage_pairs(query_text: str, source_text: str, passage: Passage) -> tuple[SentencePair, ...]:
    """The sentence pairs of a ``near`` or ``paraphrase`` passage (none for a verbatim
    one: its two sides are the same words). See :mod:`attrib.core.sentence_pairs`."""
    if passage.kind is PassageKind.VERBATIM:
        return ()
    return _pairs(query_text, source_text, passage.query_start, passage.query_end,
                  passage.source_start, passage.source_end)


@lru_cache(maxsize=256)
def _pairs(query_text: str, source_text: str, qa: int, qb: int, sa: int, sb: int) -> tuple[SentencePair, ...]:
    # cached: the JSON, terminal and HTML renderings of one report ask for the same pairs
    from attrib.core.sentence_pairs import align_sentences

    return align_sentences(query_text, (qa, qb), source_text, (sa, sb))


def _when(t) -> str:
    """A publication time for people, at the precision it was given (``July 2023``)."""
    return t.label() if hasattr(t, "label") else f"{t:%Y-%m-%d %H:%M %Z}"


def _label(article: Article) -> str:
    parts = [article.id]
    if article.outlet:
        parts.append(article.outlet)
    label = " · ".join(parts)
    return f"{label} “{article.title}”" if article.title else label


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# -- plain words ------------------------------------------------------------------------

KIND_WORDS = {
    PassageKind.VERBATIM: "word for word",
    PassageKind.NEAR: "lightly edited",
    PassageKind.PARAPHRASE: "reworded",
}
"""Each passage kind for a reader (the kind's own name follows in brackets)."""

VERDICT_WORDS = {
    Verdict.COPIED: ("Copied", "this article reuses text from an earlier article by another outlet."),
    Verdict.LICENSED_REUSE: ("Licensed reuse", "this article reuses text from its own outlet or an allowlisted "
                                               "partner, which is not plagiarism."),
    Verdict.QUOTED: ("Built on quotes", "this article's shared words are quotes from an interview another outlet "
                                        "published first; each quote's verdict says whether it is credited."),
    Verdict.NO_SOURCE: ("No source found", "nothing in the index looks like the source of this article."),
}

RELATION_WORDS = {
    Relation.ORIGINAL: "Likely original",
    Relation.ALSO_SEEN: "Also seen in (another copy of the same text, published after the original)",
    Relation.SOURCE: "Also draws on",
    Relation.LATER: "Published after this article (so not its source)",
}


QUOTED_ORIGINAL_WORDS = "Quotes first published in"
"""What the original of an article built on quotes (:attr:`Verdict.QUOTED`) is, for a reader."""


def _relation_words(report: Report, match: SourceMatch) -> str:
    """How a match relates to the checked article, for a reader."""
    if match.relation is Relation.ORIGINAL and report.verdict is Verdict.QUOTED:
        return QUOTED_ORIGINAL_WORDS
    return RELATION_WORDS[match.relation]


def quote_words(finding: QuoteFinding, names: dict[str, str] | None = None) -> str:
    """What a quote's verdict means, in a sentence for a reader ("Quote taken from Al
    Jazeera's interview without credit; wording altered."). ``names`` maps article ids to
    labels for articles the report shows."""
    from attrib.core.quotes import QuoteVerdict, is_interview_occurrence

    names = names or {}
    origin = finding.origin
    where = ""
    if origin is not None:
        where = names.get(origin.article_id, origin.article_id)
    verdict = finding.verdict
    if verdict is QuoteVerdict.UNATTRIBUTED:
        interview = origin is not None and is_interview_occurrence(origin)
        if origin is None and finding.also_seen and is_interview_occurrence(finding.also_seen[0]):
            other = finding.also_seen[0]
            text = (f"Quote likely from {other.credited_outlet or other.outlet or names.get(other.article_id, other.article_id)}'s"
                    " interview, which the article took another quote from without credit; these words are not"
                    " in any stored text")
        elif origin is None:
            text = "Quote taken from another outlet without credit"
        elif interview and (origin.credited_outlet or origin.outlet):
            text = f"Quote taken from {origin.credited_outlet or origin.outlet}'s interview without credit"
        elif interview:
            text = f"Quote taken without credit from an interview first published in {where}"
        else:
            text = f"Quote first carried by {origin.outlet or where}, used without credit"
    elif verdict is QuoteVerdict.CREDITED:
        text = f"Quote properly {finding.reason}" if finding.reason.startswith("credited to") else "Quote credited to its source"
    elif verdict is QuoteVerdict.INDEPENDENT:
        text = "Public statement: several outlets carried it at about the same time"
    elif verdict is QuoteVerdict.OWN:
        text = "This article, or its own outlet, carried the quote first"
    elif origin is None and not finding.also_seen:
        text = "Not found in any other stored article"
    else:
        undated = "article has no date" in finding.reason
        text = ("Cannot tell who carried the quote first: this article has no date" if undated
                else "Cannot tell who carried the quote first: no dated appearance elsewhere")
        if origin is not None:
            text += f"; closest match in {where}"
    if finding.altered and origin is not None:
        text += "; wording altered"
    return text + "."


def _flat(text: str) -> str:
    """Article text on one line, with control characters escaped."""
    from attrib.safe_text import one_line

    return one_line(" ".join(text.split()))


def _article_dict(article: Article) -> dict[str, Any]:
    out = {k: v for k, v in article.to_dict().items() if k != "text"}
    out["length"] = len(article.text)
    return out


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def _pair_dict(query_text: str, source_text: str, pair: SentencePair) -> dict[str, Any]:
    return {
        "kind": pair.kind,
        "similarity": pair.similarity,
        "query": _span(query_text, *pair.query) if pair.query else None,
        "source": _span(source_text, *pair.source) if pair.source else None,
    }


def _source_dict(article: Article, match: SourceMatch) -> dict[str, Any]:
    return {
        "article": _article_dict(match.article),
        "relation": match.relation.value,
        "licensed": match.licensed,
        "retrieval_score": round(match.retrieval_score, 4),
        "coverage": {"query": round(match.query_coverage, 4), "source": round(match.source_coverage, 4)},
        "passages": [
            {
                "kind": p.kind.value,
                "similarity": round(p.similarity, 4),
                "query": _span(article.text, p.query_start, p.query_end),
                "source": _span(match.article.text, p.source_start, p.source_end),
                "sentence_pairs": [_pair_dict(article.text, match.article.text, pair)
                                   for pair in passage_pairs(article.text, match.article.text, p)],
            }
            for p in match.passages
        ],
    }


def _occurrence_dict(o: QuoteOccurrence) -> dict[str, Any]:
    return {
        "article_id": o.article_id,
        "outlet": o.outlet,
        "published_at": o.published_at.isoformat() if o.published_at else None,
        "quote_text": o.quote_text,
        "start": o.start,
        "end": o.end,
        "credited_outlet": o.credited_outlet,
        "cue": o.cue,
    }


def _quote_dict(article: Article, finding: QuoteFinding) -> dict[str, Any]:
    q = finding.quote
    return {
        "text": q.text,
        "span": _span(article.text, q.start, q.end),
        "speaker": q.speaker,
        "cue": q.cue,
        "credited_outlet": q.outlet,
        "verdict": finding.verdict.value,
        "flagged": finding.flagged,
        "altered": finding.altered,
        "similarity": round(finding.similarity, 4),
        "origin": _occurrence_dict(finding.origin) if finding.origin else None,
        "also_seen": [_occurrence_dict(o) for o in finding.also_seen],
        "reason": finding.reason,
    }


# -- terminal rendering -------------------------------------------------------------------


def _short(article: Article) -> str:
    """An article for a reader: its id, outlet and title, control characters escaped."""
    return _flat(_label(article))


def _render_text(report: Report, *, color: bool, width: int, verbose: bool, max_pairs: int | None) -> str:
    import textwrap

    def style(code: str):
        return (lambda s: f"\x1b[{code}m{s}\x1b[0m") if color else (lambda s: s)

    bold, red, dim = style("1"), style("1;31"), style("2")
    out: list[str] = []

    def para(text: str, indent: int = 0, first: str | None = None) -> None:
        lead = " " * indent
        out.extend(textwrap.wrap(text, width, initial_indent=lead if first is None else first,
                                 subsequent_indent=lead, break_on_hyphens=False) or [lead])

    head, meaning = VERDICT_WORDS[report.verdict]
    para(f"{head.upper()}: {meaning}")
    out[0] = (red if report.verdict is Verdict.COPIED else bold)(f"{head.upper()}:") + out[0][len(head) + 1:]
    para(f"Checked: {_short(report.article)}")
    names = {m.article.id: _short(m.article) for m in report.sources}
    flagged = len(report.unattributed_quotes)
    for match in report.sources:
        out.append("")
        relation = _relation_words(report, match) + (" (licensed reuse)" if match.licensed else "")
        start = len(out)
        para(f"{relation}: {_short(match.article)}")
        out[start] = bold(f"{relation}:") + out[start][len(relation) + 1:] if out[start].startswith(relation) else out[start]
        facts = []
        if match.article.published_at:
            facts.append(f"published {_when(match.article.published_at)}")
        weight = sum(p.query_length for p in match.passages)
        if weight:
            similarity = sum(p.similarity * p.query_length for p in match.passages) / weight
            facts.append(f"similarity {similarity:.0%}")
        if match.passages:
            facts.append(f"covers {match.query_coverage:.0%} of this article and {match.source_coverage:.0%} of "
                         + ("the original" if match.relation is Relation.ORIGINAL else "that article"))
        if match.relation is Relation.ORIGINAL and report.verdict is Verdict.QUOTED:
            facts.append(f"{_count(len(report.quotes_from(match.article.id)), 'quote')} of this article first "
                         "appeared there")
        para("; ".join(facts) + ".", indent=2)
        if verbose:
            para(f"retrieval score {match.retrieval_score:.2f}", indent=2)
        if match.relation is Relation.ORIGINAL and flagged:
            para(f"{_count(flagged, 'quote')} taken without credit (see Quotes below).", indent=2)
        if match.relation in (Relation.ALSO_SEEN, Relation.LATER) and not verbose:
            continue
        for number, passage in enumerate(match.passages, start=1):
            _text_passage(report, match, passage, number, out, para, width, verbose, max_pairs, dim)
    if report.quotes:
        out.append("")
        out.append(bold("Quotes"))
        for finding in report.quotes:
            out.append("")
            quote = finding.quote
            speaker = f" ({_flat(quote.speaker)})" if quote.speaker else ""
            mark = red("Taken without credit: ") if finding.flagged else ""
            para(f"{mark}“{_flat(quote.text)}”{speaker}", indent=4, first="  ")
            para(quote_words(finding, names), indent=4)
            if finding.altered and finding.origin is not None:
                para(f"Original wording: “{_flat(finding.origin.quote_text)}”", indent=4)
            if verbose:
                para(f"at {quote.start}–{quote.end}; {finding.verdict.value}: {_flat(finding.reason)}", indent=4)
    if verbose:
        out.append("")
        out.append(dim(f"{_count(report.candidates_checked, 'candidate')} aligned; "
                       + ", ".join(f"{k} {v:.0f} ms" for k, v in report.timings_ms.items())))
    return "\n".join(out).rstrip() + "\n"


def _text_passage(report: Report, match: SourceMatch, passage: Passage, number: int, out: list[str], para,
                  width: int, verbose: bool, max_pairs: int | None, dim) -> None:
    import textwrap

    query, source = report.article.text, match.article.text
    pairs = passage_pairs(query, source, passage)
    matched = [p for p in pairs if p.kind == "pair"]
    inserted = sum(p.kind == "inserted" for p in pairs)
    dropped = sum(p.kind == "dropped" for p in pairs)
    other = "the original" if match.relation is Relation.ORIGINAL else "that article"
    out.append("")
    line = (f"Passage {number} of {len(match.passages)}: {KIND_WORDS[passage.kind]} ({passage.kind.value}), "
            f"similarity {passage.similarity:.0%}")
    if matched:
        line += (f"; {_count(len(matched), 'sentence')} rewritten, {inserted} added by this article, "
                 f"{dropped} of {other} left out")
    para(line + ".", indent=4, first="  ")
    if verbose:
        para(f"this article {passage.query_start}–{passage.query_end}, {other} "
             f"{passage.source_start}–{passage.source_end}", indent=4)
    if not matched:
        # word for word, or too long to pair: the passage's opening words, cut at a word
        words = _flat(query[passage.query_start:passage.query_end]).split(" ")
        shown = " ".join(words[:60])
        rest = len(words) - 60
        para(f"“{shown}" + (f" …” ({rest} more words)" if rest > 0 else "”"), indent=6, first="    ")
        return
    out.append("")
    gutter = 12
    column = (width - gutter - 3) // 2
    wrap = lambda t: textwrap.wrap(_flat(t), column, break_on_hyphens=False) or [""]  # noqa: E731
    out.append(" " * gutter + dim("This article".ljust(column) + " │ " + other[0].upper() + other[1:]))
    shown = 0
    for pair in pairs:
        if pair.kind != "pair" and not verbose:
            continue
        if max_pairs is not None and shown >= max_pairs:
            break
        shown += pair.kind == "pair"
        left = wrap(query[pair.query[0]:pair.query[1]]) if pair.query else [dim("(not in this article)")]
        right = wrap(source[pair.source[0]:pair.source[1]]) if pair.source else [dim(f"(not in {other})")]
        label = f"{pair.similarity:.0%}" if pair.kind == "pair" else ("added" if pair.kind == "inserted" else "left out")
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ""
            b = right[i] if i < len(right) else ""
            lead = f"  {label:>8}  " if i == 0 else " " * gutter
            out.append((lead + a.ljust(column) + " │ " + b).rstrip())
        if verbose:
            spans = [f"this article {pair.query[0]}–{pair.query[1]}" if pair.query else "",
                     f"{other} {pair.source[0]}–{pair.source[1]}" if pair.source else ""]
            out.append(" " * gutter + dim(", ".join(x for x in spans if x)))
        out.append("")
    if out and out[-1] == "":
        out.pop()
    hidden = len(matched) - shown
    if hidden > 0:
        para(f"… and {_count(hidden, 'more sentence pair')} (attrib check --verbose, or --format html, "
             "shows them all)", indent=6, first="    ")
    elif not verbose:
        para("The percentage is how alike each pair's content words are.", indent=6, first="    ")


# -- HTML rendering -------------------------------------------------------------------

REPORT_CSS = """
body{font:15px/1.55 Georgia,serif;margin:0;color:#1d1d1d;background:#fafafa}
.report header{padding:16px 24px;background:#fff;border-bottom:1px solid #ddd}
.report h1{font-size:20px;margin:6px 0 4px}.report .summary{margin:0;color:#333}
.verdict{display:inline-block;padding:1px 8px;border-radius:3px;font:bold 12px sans-serif;text-transform:uppercase;background:#ddd}
.verdict.copied{background:#b03a2e;color:#fff}.verdict.licensed_reuse{background:#1f618d;color:#fff}.verdict.no_source{background:#1d7a43;color:#fff}.verdict.quoted{background:#7a4b00;color:#fff}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:10px 0 0;padding:0;list-style:none;font:13px sans-serif;color:#333}
.legend .sw{display:inline-block;min-width:2.4em;padding:0 4px;margin-right:4px;text-align:center}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px;padding:16px 24px}
.col{background:#fff;border:1px solid #ddd;display:flex;flex-direction:column;max-height:80vh;min-width:0}
.col h2{font:bold 14px/1.4 sans-serif;margin:0;padding:10px 16px;border-bottom:1px solid #eee}
.text{position:relative;padding:12px 16px;white-space:pre-wrap;overflow-wrap:anywhere;overflow:auto;flex:1}
.text:focus-visible{outline:3px solid #1a5276;outline-offset:-3px}
a.seg{color:inherit;text-decoration:none;border-radius:2px}
mark{color:inherit;padding:0 1px;border-radius:2px}
mark.verbatim{background:#f7dc6f}mark.near{background:#f8c471}mark.paraphrase{background:#aed6f1}
.alt mark.verbatim{background:#fcf3cf}.alt mark.near{background:#fde3c2}.alt mark.paraphrase{background:#d9ebf7}
mark.inserted,mark.dropped{background:none;border-bottom:2px dashed #999}
a.seg:hover mark,a.seg.active mark{background:#1a5276;color:#fff}
a.seg.active mark.inserted,a.seg.active mark.dropped,a.seg:hover mark.inserted,a.seg:hover mark.dropped{background:#ddd;color:inherit}
a.seg:focus{outline:none}a.seg:focus-visible mark,a.seg:target mark{outline:3px solid #b03a2e;outline-offset:1px}
.quote{border-bottom:2px dotted #555}.quote.flagged{border-bottom:3px solid #b03a2e}
.chrome{color:#9a9a9a}.chrome mark{color:inherit}
.sw.chrome{color:#9a9a9a;border:1px solid #ddd}
#status{position:sticky;bottom:0;margin:0;padding:6px 24px;background:#1d1d1d;color:#fff;font:13px sans-serif;min-height:1.4em}
.report section{padding:0 24px 16px}.report section h2{font:bold 16px sans-serif}
.report table{border-collapse:collapse;width:100%;background:#fff;font:13px sans-serif}
.report td,.report th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
.flag{color:#b03a2e;font-weight:bold}a{color:#1a5276}a:focus-visible{outline:3px solid #b03a2e;outline-offset:1px}
@media (max-width:800px){.cols{grid-template-columns:1fr}}
"""
"""The report's style sheet: the standalone page carries it, the served pages reuse it."""

REPORT_JS = """
(function () {
  var status = document.getElementById('status');
  var lit = [];
  function partner(el) {
    var href = el.getAttribute('href');
    return href && href.charAt(0) === '#' ? document.getElementById(href.slice(1)) : null;
  }
  function reveal(el) {
    var box = el && el.closest('.text');
    if (!box) return;
    var top = el.offsetTop, bottom = top + el.offsetHeight;
    if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }
  function light(el) {
    lit.forEach(function (e) { e.classList.remove('active'); });
    lit = [];
    var key = el.getAttribute('data-pair');
    if (key) {
      document.querySelectorAll('[data-pair="' + key + '"]').forEach(function (e) {
        e.classList.add('active'); lit.push(e);
      });
      reveal(partner(el));
    }
  }
  function describe(el) {
    var labelled = el.closest('[data-label]');
    if (status && labelled) status.textContent = labelled.getAttribute('data-label');
  }
  function on(ev) {
    var el = ev.target.closest && ev.target.closest('[data-pair]');
    if (el) light(el);
    if (ev.target.closest) describe(ev.target);
  }
  document.addEventListener('mouseover', on);
  document.addEventListener('focusin', on);
  document.addEventListener('click', function (ev) {
    var el = ev.target.closest && ev.target.closest('a.seg');
    var to = el && partner(el);
    if (!to) return;
    ev.preventDefault();
    to.focus({preventScroll: true});
    reveal(to);
    if (history.replaceState) history.replaceState(null, '', '#' + to.id);
  });
})();
"""
"""The report's script: hovering or focusing one side of a sentence pair lights up both
sides and scrolls the partner into view; following a pair's link moves focus to the
partner. Static text, so the Content-Security-Policy allows it by its hash."""


def csp_hash(source: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows an inline script or style
    element with exactly this text."""
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


REPORT_CSP = (f"default-src 'none'; style-src {csp_hash(REPORT_CSS)}; script-src {csp_hash(REPORT_JS)}; "
              "base-uri 'none'; form-action 'none'")
"""The standalone report's Content-Security-Policy: nothing loads from anywhere; the only
style and script allowed are the report's own, by hash."""


@dataclass(frozen=True)
class _Seg:
    """A span of one text to wrap: a pair side or passage (``a``), a quote, page chrome."""

    start: int
    end: int
    layer: int  # 0: sentence pair or passage, 1: quote, 2: chrome
    ident: str = ""  # id of the span's first element
    open: str = ""  # the start tag of each of its elements
    close: str = ""


_FIRST_TAG = re.compile(r"^<\w+")


def _mark_text(text: str, segs: list[_Seg]) -> str:
    """Escape ``text`` and wrap each span in its tags, nested by layer (pairs outside,
    quotes inside them, chrome innermost); a span crossing an outer one's edge is split
    into several elements, of which only the first carries the id."""
    e = html.escape
    by_layer: list[list[_Seg]] = [[], [], []]
    for seg in sorted(segs, key=lambda x: (x.start, x.end)):
        if seg.start >= seg.end:
            continue
        layer = by_layer[seg.layer]
        if layer and seg.start < layer[-1].end:  # overlapping within a layer: keep the first
            continue
        layer.append(seg)
    cuts = sorted({0, len(text)} | {x for layer in by_layer for seg in layer for x in (seg.start, seg.end)})
    pointers = [0, 0, 0]
    current: list[_Seg | None] = [None, None, None]
    started: set[int] = set()
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        if a >= b:
            continue
        wanted: list[_Seg | None] = []
        for i, layer in enumerate(by_layer):
            while pointers[i] < len(layer) and layer[pointers[i]].end <= a:
                pointers[i] += 1
            seg = layer[pointers[i]] if pointers[i] < len(layer) else None
            wanted.append(seg if seg is not None and seg.start <= a else None)
        # close from the innermost layer out to the first layer that changes
        change = next((i for i in range(3) if wanted[i] is not current[i]), 3)
        for i in (2, 1, 0):
            if i >= change and current[i] is not None:
                out.append(current[i].close)
                current[i] = None
        for i in range(change, 3):
            seg = wanted[i]
            if seg is not None:
                tag = seg.open
                if seg.ident and id(seg) not in started:
                    tag = _FIRST_TAG.sub(lambda m: f'{m.group()} id="{seg.ident}"', tag, count=1)
                    started.add(id(seg))
                out.append(tag)
                current[i] = seg
        out.append(e(text[a:b]))
    for i in (2, 1, 0):
        if current[i] is not None:
            out.append(current[i].close)
    return "".join(out)


def text_html(text: str) -> str:
    """``text`` escaped for HTML, with its page chrome dimmed (``<span class="chrome">``)."""
    from attrib.core.chrome import chrome_spans

    chrome = '<span class="chrome" title="page chrome, not the article\'s prose">'
    return _mark_text(text, [_Seg(a, b, 2, "", chrome, "</span>") for a, b in chrome_spans(text)])


def _pair_label(kind: PassageKind, number: int, total: int, pair: SentencePair | None, other: str) -> str:
    if pair is None:
        return f"Passage: {KIND_WORDS[kind]} ({kind.value})"
    if pair.kind == "inserted":
        return f"Sentence added by this article (not in {other})"
    if pair.kind == "dropped":
        return f"Sentence of {other} that this article left out"
    return f"Sentence pair {number} of {total}: {KIND_WORDS[kind]} ({kind.value}), {pair.similarity:.0%} similar"


def _report_segments(report: Report, shown: SourceMatch) -> tuple[list[_Seg], list[_Seg], int]:
    """The spans of both texts: each passage, or each of its sentence pairs, as linked
    anchors; quotes; chrome lines. Also returns how many sentence pairs there are."""
    e = html.escape
    query, source = report.article.text, shown.article.text
    other = "the original" if shown.relation is Relation.ORIGINAL else "the source"
    q_segs: list[_Seg] = []
    s_segs: list[_Seg] = []
    number = 0
    total = sum(1 for p in shown.passages for x in passage_pairs(query, source, p) if x.kind == "pair")
    for i, p in enumerate(shown.passages):
        pairs = passage_pairs(query, source, p)
        if not any(x.kind == "pair" for x in pairs):
            pairs = (SentencePair((p.query_start, p.query_end), (p.source_start, p.source_end), p.similarity),)
            whole = True
        else:
            whole = False
        for k, pair in enumerate(pairs):
            key = f"{i}-{k}"
            if pair.kind == "pair":
                number += 1
            label = _pair_label(p.kind, number, total, None if whole else pair, other)
            if whole:
                label += f", {p.similarity:.0%} similar"
            mark = p.kind.value if pair.kind == "pair" else pair.kind
            alt = " alt" if number % 2 == 0 else ""  # neighbouring pairs in two shades, to tell them apart
            qid, sid = f"q{len(q_segs)}", f"s{len(s_segs)}"
            if pair.query is not None:
                href = f' href="#{sid}"' if pair.source is not None else ""
                q_segs.append(_Seg(*pair.query, 0, qid,
                                   f'<a class="seg{alt}" tabindex="0"{href} data-pair="{key}" data-label="{e(label)}">'
                                   f'<mark class="{mark}">', "</mark></a>"))
            if pair.source is not None:
                href = f' href="#{qid}"' if pair.query is not None else ""
                s_segs.append(_Seg(*pair.source, 0, sid,
                                   f'<a class="seg{alt}" tabindex="0"{href} data-pair="{key}" data-label="{e(label)}">'
                                   f'<mark class="{mark}">', "</mark></a>"))
    names = {m.article.id: _label(m.article) for m in report.sources}
    for n, finding in enumerate(report.quotes):
        label = quote_words(finding, names)
        if finding.reason:
            label += f" ({finding.reason})"
        flagged = " flagged" if finding.flagged else ""
        q = finding.quote
        q_segs.append(_Seg(q.start, q.end, 1, f"quote-{n}",
                           f'<span class="quote{flagged}" data-label="{e(label)}" title="{e(label)}">', "</span>"))
        o = finding.origin
        if o is not None and o.article_id == shown.article.id and 0 <= o.start < o.end <= len(source):
            s_segs.append(_Seg(o.start, o.end, 1, f"origin-{n}",
                               f'<span class="quote{flagged}" data-label="{e(label)}" title="{e(label)}">', "</span>"))
    chrome = '<span class="chrome" title="page chrome, not the article\'s prose">'
    from attrib.core.chrome import chrome_spans

    q_segs += [_Seg(a, b, 2, "", chrome, "</span>") for a, b in chrome_spans(query)]
    s_segs += [_Seg(a, b, 2, "", chrome, "</span>") for a, b in chrome_spans(source)]
    return q_segs, s_segs, total


_LEGEND = (
    '<ul class="legend" aria-label="legend">'
    '<li><mark class="sw verbatim">abc</mark>copied word for word (verbatim)</li>'
    '<li><mark class="sw near">abc</mark>lightly edited (near)</li>'
    '<li><mark class="sw paraphrase">abc</mark>reworded (paraphrase)</li>'
    '<li><mark class="sw inserted">abc</mark>sentence only on one side (added or left out)</li>'
    '<li><span class="sw quote flagged">abc</span>quote taken without credit</li>'
    '<li><span class="sw quote">abc</span>other quote</li>'
    '<li><span class="sw chrome">abc</span>page chrome (menus, widgets): not the article</li>'
    "</ul>"
)


def report_body(report: Report) -> str:
    """The report as an HTML fragment (a ``<div class="report">``): header with verdict
    and legend, the two texts side by side with linked sentence pairs, sources and
    quotes. Needs :data:`REPORT_CSS` and, for the links to light up, :data:`REPORT_JS`."""
    e = html.escape
    article = report.article
    shown = report.original or next((m for m in report.sources), None)
    head, meaning = VERDICT_WORDS[report.verdict]
    parts = [
        '<div class="report">',
        f'<header><span class="verdict {e(report.verdict.value)}">{e(head)}</span> {e(meaning[0].upper() + meaning[1:])}',
        f"<h1>{e(_label(article))}</h1><p class=summary>{e(report.summary())}</p>",
    ]
    if shown is not None:
        parts.append(_LEGEND)
    parts.append("</header>")
    if shown is not None:
        q_segs, s_segs, total = _report_segments(report, shown)
        relation = _relation_words(report, shown).split(" (")[0]
        when = f", published {e(_when(shown.article.published_at))}" if shown.article.published_at else ""
        parts += [
            '<div class="cols">',
            f'<div class="col"><h2>This article: {e(_label(article))}</h2>'
            f'<div class="text" tabindex="0" aria-label="text of this article">{_mark_text(article.text, q_segs)}</div></div>',
            f'<div class="col"><h2>{e(relation)}: {e(_label(shown.article))}{when}</h2>'
            f'<div class="text" tabindex="0" aria-label="text of the {e(relation.lower())}">{_mark_text(shown.article.text, s_segs)}</div></div>',
            "</div>",
        ]
    if report.sources:
        parts.append("<section><h2>Sources</h2><table><tr><th>relation</th><th>article</th><th>published</th>"
                     "<th>covers this article</th><th>covers that article</th><th>passages</th></tr>")
        for m in report.sources:
            url = (f' <a href="{e(m.article.url)}" rel="noopener noreferrer">link</a>'
                   if m.article.url and m.article.url.startswith(("http://", "https://")) else "")
            parts.append(
                f"<tr><td>{e(_relation_words(report, m))}{' (licensed reuse)' if m.licensed else ''}</td>"
                f"<td>{e(_label(m.article))}{url}</td>"
                f"<td>{e(_when(m.article.published_at)) if m.article.published_at else '—'}</td>"
                f"<td>{m.query_coverage:.0%}</td><td>{m.source_coverage:.0%}</td>"
                f"<td>{', '.join(f'{KIND_WORDS[p.kind]} {p.similarity:.0%}' for p in m.passages)}</td></tr>"
            )
        parts.append("</table></section>")
    if report.quotes:
        names = {m.article.id: _label(m.article) for m in report.sources}
        parts.append("<section><h2>Quotes</h2><table><tr><th>quote</th><th>speaker</th><th>verdict</th>"
                     "<th>original wording</th></tr>")
        for n, f in enumerate(report.quotes):
            verdict = e(quote_words(f, names))
            if f.flagged:
                verdict = f'<span class="flag">{verdict}</span>'
            if f.reason:
                verdict += f"<br><small>Why: {e(f.reason)}</small>"
            original = "—"
            if f.origin is not None:
                original = f"“{e(f.origin.quote_text)}”"
                if shown is not None and f.origin.article_id == shown.article.id:
                    original = f'<a href="#origin-{n}">{original}</a>'
            parts.append(f'<tr><td><a href="#quote-{n}">“{e(f.quote.text)}”</a></td><td>{e(f.quote.speaker or "—")}</td>'
                         f"<td>{verdict}</td><td>{original}</td></tr>")
        parts.append("</table></section>")
    hint = ""
    if shown is not None:
        what = f"{_count(total, 'sentence pair')}: hover" if total else "Hover"
        hint = (f"{what} over a highlighted sentence, or reach it with Tab, to light up its partner; "
                "Enter jumps to the partner.")
    parts.append(f'<p id="status" role="status" aria-live="polite">{e(hint)}</p></div>')
    return "".join(parts)


def _render_html(report: Report) -> str:
    e = html.escape
    article = report.article
    return "".join([
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}">',
        f"<title>attrib: {e(article.title or article.id)}</title><style>{REPORT_CSS}</style></head><body>",
        report_body(report),
        f"<script>{REPORT_JS}</script></body></html>\n",
    ])
