"""What a query sends to retrieval is the same however it was prepared."""

from __future__ import annotations

import random

from attrib.article import Article
from attrib.core import FingerprintParams
from attrib.documents import hash_term, hash_terms, prepare
from attrib.store.base import query_words

TEXT = (
    "The minister said on Tuesday that the new rail line, costing £4.5bn, would open in 2031. "
    "Critics said the plan was \u201cunaffordable\u201d and the minister\u2019s figures were wrong; "
    "½ of the money comes from the city. The minister said the line would carry 20,000 people a day."
)


def test_hash_terms_joins_the_keyword_forms():
    rng = random.Random(7)
    values = [rng.randint(-(2**63), 2**63 - 1) for _ in range(500)] + [0, -1, 2**63 - 1, -(2**63)]
    assert hash_terms(values) == " ".join(map(hash_term, values))
    assert hash_terms([]) == ""


def test_kept_words_give_the_same_second_stage_words():
    params = FingerprintParams()
    kept = prepare(Article(id="q", text=TEXT), params, quotes=False, words=True)
    plain = prepare(Article(id="q", text=TEXT), params, quotes=False)
    assert plain.words is None and kept.words
    assert kept == plain  # the words are not part of what a store keeps
    assert query_words(kept) == query_words(plain)
    assert "minister" in query_words(kept) and "the" not in query_words(kept)
