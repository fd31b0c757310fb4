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

    @property
    def severity(self) -> float:
        """For sorting scans: copied coverage of the article plus weight for lifted quotes."""
        copied = self.original.query_coverage if self.verdict is Verdict.COPIED and self.original else 0.0
        return round(copied + 0.25 * len(self.unattributed_quotes), 4)

    def summary(self) -> str:
        """One plain sentence: what an editor needs first."""
        if self.original is None:
            text = "No source found in the index."
        else:
            o = self.original
            when = f", published {_when(o.article.published_at)}" if o.article.published_at else ""
            kind = "Licensed reuse of" if self.verdict is Verdict.LICENSED_REUSE else "Likely original:"
            text = (
                f"{kind} {_label(o.article)}{when}; {len(o.passages)} passage(s) cover "
                f"{o.query_coverage:.0%} of this article and {o.source_coverage:.0%} of the original."
            )
        flagged = len(self.unattributed_quotes)
        if flagged:
            text += f" {flagged} quote(s) taken without credit."
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

    def to_text(self, color: bool = False, width: int = 100) -> str:
        hi = (lambda s: f"\x1b[1;33m{s}\x1b[0m") if color else (lambda s: f"[{s}]")
        bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if color else (lambda s: s)
        red = (lambda s: f"\x1b[1;31m{s}\x1b[0m") if color else (lambda s: s)
        lines = [bold(f"{_label(self.article)}: {self.verdict.value.replace('_', ' ')}"), self.summary(), ""]
        for match in self.sources:
            licensed = " (licensed)" if match.licensed else ""
            lines.append(
                bold(f"{match.relation.value}{licensed}: {_label(match.article)}")
                + f"  coverage {match.query_coverage:.0%} of this article, {match.source_coverage:.0%} of it"
            )
            for p in match.passages:
                q = self.article.text[p.query_start : p.query_end]
                s = match.article.text[p.source_start : p.source_end]
                lines.append(f"  {p.kind.value} {p.similarity:.2f}  this [{p.query_start}:{p.query_end}]  source [{p.source_start}:{p.source_end}]")
                lines.append("    this:   " + hi(_clip(q, width)))
                if s != q:
                    lines.append("    source: " + _clip(s, width))
            lines.append("")
        if self.quotes:
            lines.append(bold("Quotes"))
            for finding in self.quotes:
                quote = finding.quote
                mark = red("UNATTRIBUTED") if finding.flagged else finding.verdict.value
                speaker = f" ({quote.speaker})" if quote.speaker else ""
                lines.append(f"  {mark}: “{_clip(quote.text, width - 20)}”{speaker}")
                if finding.origin is not None:
                    origin = finding.origin
                    where = "closest match in" if finding.verdict.value == "unknown_origin" else "first in"
                    lines.append(f"    {where} {origin.article_id} ({origin.outlet or 'unknown outlet'}){' — altered' if finding.altered else ''}")
                    if finding.altered:
                        lines.append(f"    original: “{_clip(origin.quote_text, width - 16)}”")
                if finding.reason:
                    lines.append(f"    {finding.reason}")
        return "\n".join(lines).rstrip() + "\n"

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


def _clip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


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


_CSS = """
body{font:15px/1.5 Georgia,serif;margin:0;color:#1d1d1d;background:#fafafa}
header{padding:16px 24px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:20px;margin:0 0 4px} .summary{margin:0;color:#333}
.verdict{display:inline-block;padding:1px 8px;border-radius:3px;font:bold 12px sans-serif;text-transform:uppercase;background:#ddd}
.verdict.copied{background:#c0392b;color:#fff}.verdict.licensed_reuse{background:#2471a3;color:#fff}.verdict.no_source{background:#1e8449;color:#fff}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px;padding:16px 24px}
.col{background:#fff;border:1px solid #ddd;padding:12px 16px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:80vh;overflow:auto}
.col h2{font:bold 14px sans-serif;margin:0 0 8px;white-space:normal}
mark{background:#f9e79f;padding:0 1px} mark.near{background:#fad7a0} mark.paraphrase{background:#d6eaf8}
mark:target{outline:2px solid #c0392b}
section{padding:0 24px 16px} table{border-collapse:collapse;width:100%;background:#fff;font:13px sans-serif}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
.flag{color:#c0392b;font-weight:bold} a{color:#1a5276}
"""


def _highlight(text: str, spans: list[tuple[int, int, str, str, str]]) -> str:
    """Escape ``text`` and wrap each (start, end, kind, id, href) span in a linked <mark>."""
    out: list[str] = []
    position = 0
    for start, end, kind, ident, href in sorted(spans):
        if start < position:
            start = position
        if start >= end:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f'<a href="#{href}"><mark class="{kind}" id="{ident}">{html.escape(text[start:end])}</mark></a>')
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def _render_html(report: Report) -> str:
    e = html.escape
    article = report.article
    shown = report.original or next((m for m in report.sources), None)
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
        f"<title>attrib: {e(article.title or article.id)}</title><style>{_CSS}</style></head><body>",
        f'<header><span class="verdict {e(report.verdict.value)}">{e(report.verdict.value.replace("_", " "))}</span>',
        f"<h1>{e(_label(article))}</h1><p class=summary>{e(report.summary())}</p></header>",
    ]
    if shown is not None:
        q_spans = [(p.query_start, p.query_end, p.kind.value, f"q{i}", f"s{i}") for i, p in enumerate(shown.passages)]
        s_spans = [(p.source_start, p.source_end, p.kind.value, f"s{i}", f"q{i}") for i, p in enumerate(shown.passages)]
        parts += [
            '<div class="cols">',
            f'<div class="col"><h2>This article: {e(_label(article))}</h2>{_highlight(article.text, q_spans)}</div>',
            f'<div class="col"><h2>{e(shown.relation.value.replace("_", " ").capitalize())}: {e(_label(shown.article))}'
            f'{(" — " + e(shown.article.published_at.isoformat())) if shown.article.published_at else ""}</h2>'
            f"{_highlight(shown.article.text, s_spans)}</div>",
            "</div>",
        ]
    if report.sources:
        parts.append("<section><h2>Sources</h2><table><tr><th>relation</th><th>article</th><th>published</th><th>covers this article</th><th>covers the source</th><th>passages</th></tr>")
        for m in report.sources:
            url = f' <a href="{e(m.article.url)}" rel="noopener noreferrer">link</a>' if m.article.url and m.article.url.startswith(("http://", "https://")) else ""
            parts.append(
                f"<tr><td>{e(m.relation.value)}{' (licensed)' if m.licensed else ''}</td><td>{e(_label(m.article))}{url}</td>"
                f"<td>{e(m.article.published_at.isoformat()) if m.article.published_at else '—'}</td>"
                f"<td>{m.query_coverage:.0%}</td><td>{m.source_coverage:.0%}</td><td>{len(m.passages)}</td></tr>"
            )
        parts.append("</table></section>")
    if report.quotes:
        parts.append("<section><h2>Quotes</h2><table><tr><th>verdict</th><th>quote</th><th>speaker</th><th>first carried by (or closest match)</th></tr>")
        for f in report.quotes:
            origin = "—"
            if f.origin is not None:
                origin = e(f"{f.origin.article_id} ({f.origin.outlet or 'unknown outlet'})")
                if f.altered:
                    origin += f"<br>original wording: “{e(f.origin.quote_text)}”"
            verdict = '<span class="flag">unattributed</span>' if f.flagged else e(f.verdict.value)
            parts.append(f"<tr><td>{verdict}</td><td>“{e(f.quote.text)}”</td><td>{e(f.quote.speaker or '—')}</td><td>{origin}</td></tr>")
        parts.append("</table></section>")
    parts.append("</body></html>\n")
    return "".join(parts)
