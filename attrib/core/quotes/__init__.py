"""Quotations in news text: where they are, who said them, which outlet they are credited
to, and whether a quote that first appeared elsewhere is used without credit.

The code lives in :mod:`attrib.core.quotes.extract`; this package re-exports its names.
"""

from attrib.core.quotes.extract import (
    INTERVIEW_CUES,
    OutletMatcher,
    Quote,
    QuoteFinding,
    QuoteOccurrence,
    QuoteVerdict,
    extract_quotes,
    find_credits,
    interviewers,
    is_interview,
    is_interview_occurrence,
    judge_quote,
    quote_key,
    quote_similarity,
    reports_speech,
    same_interview,
    speech_spans,
    with_interview_credit,
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
