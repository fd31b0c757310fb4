"""Quote extraction in long paragraphs: the open-quote stack finds its nearest double mark
without looking through every open single mark, and gives the quotes it always gave."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from attrib.core.quotes import extract_quotes
from attrib.core.quotes.marks import _D, _S, _Mark, _nearest, _Open, _Stack


def _open(fam: str, pos: int) -> _Open:
    return _Open(_Mark(pos, pos + 1, fam, "open", "straight", True, False), 0)


operations = st.lists(st.one_of(st.tuples(st.just("push"), st.sampled_from([_D, _S])),
                                st.tuples(st.just("cut"), st.integers(0, 12))), max_size=60)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_the_stack_knows_where_its_double_marks_are(ops):
    stack = _Stack()
    for at, (op, arg) in enumerate(ops):
        if op == "push":
            stack.append(_open(arg, at))
        else:
            stack.truncate(min(arg, len(stack)))
        assert stack.doubles == [k for k, o in enumerate(stack) if o.mark.fam == _D]
        plain = next((k for k in range(len(stack) - 1, -1, -1) if stack[k].mark.fam == _D), -1)
        assert _nearest(stack, _D, stop_at_other=False) == plain


def test_a_long_paragraph_of_stray_single_marks_keeps_its_quotes():
    # one paragraph: 400 times fifty unclosed single marks, then a quote and its speaker
    unit = "‘ab cd " * 50 + '"Words of the quote here," she said. '
    text = unit * 400
    quotes = extract_quotes(text)
    assert len(quotes) == 400
    first = unit.index('"')
    for n, q in enumerate(quotes):
        assert q.start == n * len(unit) + first
        assert q.text == text[q.content_start:q.content_end] == "Words of the quote here,"
