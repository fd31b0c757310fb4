"""Quotations in news text: where they are, who said them, which outlet they are credited
to, and whether a quote that first appeared elsewhere is used without credit.

Pure functions over ``str``; no I/O. Every span is a half-open ``str`` offset pair into the
ORIGINAL text passed in, and ``text[q.content_start:q.content_end] == q.text`` always.

Three parts:

* :func:`extract_quotes` finds quotations (straight, curly, low-9 and guillemet double
  marks, ``''`` as typeset by some archives, and single marks nested or on their own),
  tells apostrophes from quotation marks, joins quotes that run over several
  paragraphs, and attaches speaker, cue and credited outlet from the words around them.
* :func:`quote_key` and :func:`quote_similarity` compare quotes across articles.
* :func:`judge_quote` decides, from the other occurrences of a quote in an index, whether
  the article lifted it without credit. The rules are in ``docs/QUOTES.md``.

The modules, each importing only the ones before it:

* :mod:`~attrib.core.quotes.marks`: quotation marks and apostrophes, paragraphs, and
  the pairing of opening and closing marks.
* :mod:`~attrib.core.quotes.attribution`: cue and speaker from the words around a quote;
  :func:`reports_speech`.
* :mod:`~attrib.core.quotes.credits`: the outlet a quote is credited to
  (:func:`find_credits`, :func:`interviewers`, :func:`with_interview_credit`).
* :mod:`~attrib.core.quotes.extract`: :class:`Quote`, :func:`extract_quotes`,
  :func:`speech_spans`, :func:`quote_key`, :func:`quote_similarity`.
* :mod:`~attrib.core.quotes.judge`: :class:`QuoteOccurrence`, :class:`QuoteVerdict`,
  :class:`QuoteFinding`, :func:`judge_quote`, :func:`same_interview`, :func:`interview_source`.

This package re-exports their public names; import those from ``attrib.core.quotes``.
"""

from attrib.core.outlets import OutletMatcher

from .attribution import reports_speech
from .credits import INTERVIEW_CUES, find_credits, interviewers, with_interview_credit
from .extract import Quote, extract_quotes, quote_key, quote_similarity, speech_spans
from .judge import (
    QuoteFinding,
    QuoteOccurrence,
    QuoteVerdict,
    interview_source,
    is_interview,
    is_interview_occurrence,
    judge_quote,
    same_interview,
)

__all__ = [
    "Quote",
    "QuoteOccurrence",
    "QuoteVerdict",
    "QuoteFinding",
    "OutletMatcher",
    "extract_quotes",
    "find_credits",
    "quote_key",
    "quote_similarity",
    "interview_source",
    "is_interview",
    "is_interview_occurrence",
    "interviewers",
    "judge_quote",
    "reports_speech",
    "same_interview",
    "speech_spans",
    "with_interview_credit",
    "INTERVIEW_CUES",
]
