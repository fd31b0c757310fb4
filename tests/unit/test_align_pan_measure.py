"""PAN's character-level measures (scripts/eval_pan.py) on hand-made cases."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts.eval_pan import Annotation, Tally, plagdet, score, stratified_sample


def A(s0, s1, r0, r1):
    return Annotation(s0, s1, r0, r1)


def one(cases, detections) -> Tally:
    return score([(cases, detections)])


def test_exact_detection_is_perfect():
    t = one([A(0, 100, 50, 150)], [A(0, 100, 50, 150)])
    assert (t.precision, t.recall, t.granularity, t.plagdet) == (1.0, 1.0, 1.0, 1.0)


def test_half_detected_case():
    t = one([A(0, 100, 0, 100)], [A(0, 50, 0, 50)])
    assert t.precision == 1.0
    assert t.recall == 0.5
    assert t.plagdet == pytest.approx(2 * 0.5 / 1.5)


def test_split_detection_costs_granularity():
    t = one([A(0, 100, 0, 100)], [A(0, 50, 0, 50), A(50, 100, 50, 100)])
    assert (t.precision, t.recall, t.granularity) == (1.0, 1.0, 2.0)
    assert t.plagdet == pytest.approx(1 / math.log2(3))


def test_overlap_in_one_document_only_is_no_detection():
    t = one([A(0, 100, 0, 100)], [A(0, 100, 200, 300)])
    assert (t.precision, t.recall, t.granularity, t.plagdet) == (0.0, 0.0, 1.0, 0.0)
    assert t.detected_cases == 0


def test_oversized_detection_loses_precision():
    t = one([A(10, 20, 10, 20)], [A(0, 40, 0, 40)])
    assert t.precision == pytest.approx(20 / 80)
    assert t.recall == 1.0


def test_recall_takes_the_union_of_overlapping_detections():
    t = one([A(0, 100, 0, 100)], [A(0, 100, 0, 100), A(0, 60, 0, 60)])
    assert t.recall == 1.0
    assert t.precision == 1.0
    assert t.granularity == 2.0


def test_one_detection_over_two_cases():
    t = one([A(0, 10, 0, 10), A(20, 30, 20, 30)], [A(0, 30, 0, 30)])
    assert t.precision == pytest.approx(40 / 60)
    assert t.recall == 1.0
    assert t.granularity == 1.0


def test_macro_average_over_pairs():
    # pair 1 perfect; pair 2 a false positive only: precision averages over detections
    t = score([([A(0, 10, 0, 10)], [A(0, 10, 0, 10)]), ([], [A(0, 10, 0, 10)])])
    assert t.precision == 0.5
    assert t.recall == 1.0
    # recall averages over cases: a missed case in another pair halves it
    t = score([([A(0, 10, 0, 10)], [A(0, 10, 0, 10)]), ([A(0, 10, 0, 10)], [])])
    assert t.precision == 1.0
    assert t.recall == 0.5


def test_macro_not_micro():
    # a long perfect case and a short missed one weigh the same in recall
    t = score([([A(0, 1000, 0, 1000)], [A(0, 1000, 0, 1000)]), ([A(0, 10, 0, 10)], [])])
    assert t.recall == 0.5


def test_empty_edge_cases_follow_pan():
    assert (one([], []).precision, one([], []).recall) == (1.0, 1.0)
    t = one([], [A(0, 5, 0, 5)])
    assert (t.precision, t.recall) == (0.0, 0.0)
    t = one([A(0, 5, 0, 5)], [])
    assert (t.precision, t.recall, t.plagdet) == (0.0, 0.0, 0.0)


def test_plagdet_formula():
    assert plagdet(1.0, 1.0, 1.0) == 1.0
    assert plagdet(0.8, 0.6, 1.0) == pytest.approx(2 * 0.48 / 1.4)
    assert plagdet(0.0, 1.0, 1.0) == 0.0


def test_empty_annotation_is_rejected():
    with pytest.raises(ValueError):
        A(5, 5, 0, 3)


def test_merge_equals_scoring_together():
    a = [([A(0, 10, 0, 10)], [A(0, 8, 2, 10)])]
    b = [([A(0, 50, 0, 40)], [A(0, 20, 0, 20), A(25, 50, 20, 40)]), ([], [A(1, 2, 3, 4)])]
    ta, tb = score(a), score(b)
    ta.merge(tb)
    both = score(a + b)
    assert ta.as_dict() == both.as_dict()


# A literal transcription of the definitions with sets of characters, as a reference.


def _chars(a: Annotation) -> set:
    return {("susp", i) for i in range(a.susp_start, a.susp_end)} | {
        ("src", i) for i in range(a.src_start, a.src_end)
    }


def _detects(r: Annotation, s: Annotation) -> bool:
    cr, cs = _chars(r), _chars(s)
    both = cr & cs
    return any(d == "susp" for d, _ in both) and any(d == "src" for d, _ in both)


def _reference(cases, dets):
    def meet(s, r):
        return _chars(s) & _chars(r) if _detects(r, s) else set()

    prec = sum(len(set().union(*[meet(s, r) for s in cases])) / len(_chars(r)) for r in dets)
    rec = sum(len(set().union(*[meet(s, r) for r in dets])) / len(_chars(s)) for s in cases)
    detected = [s for s in cases if any(_detects(r, s) for r in dets)]
    gran = (
        sum(sum(_detects(r, s) for r in dets) for s in detected) / len(detected)
        if detected
        else 1.0
    )
    return prec / len(dets), rec / len(cases), gran


_span = st.tuples(st.integers(0, 40), st.integers(1, 25)).map(lambda t: (t[0], t[0] + t[1]))
_ann = st.tuples(_span, _span).map(lambda t: A(t[0][0], t[0][1], t[1][0], t[1][1]))


@settings(max_examples=200, deadline=None)
@given(st.lists(_ann, min_size=1, max_size=4), st.lists(_ann, min_size=1, max_size=5))
def test_interval_arithmetic_matches_the_set_definition(cases, dets):
    t = one(cases, dets)
    prec, rec, gran = _reference(cases, dets)
    assert t.precision == pytest.approx(prec)
    assert t.recall == pytest.approx(rec)
    assert t.granularity == pytest.approx(gran)


def test_stratified_sample_keeps_every_type():
    def rec(kind, i):
        cases = [] if kind is None else [{"obfuscation": kind, "this_offset": 0,
                                          "this_length": 1, "source_offset": 0,
                                          "source_length": 1}]
        return {"susp_path": f"s{i}", "src_path": f"r{i}", "cases": cases}

    records = [rec("none", i) for i in range(50)] + [rec("summary", i) for i in range(3)]
    records += [rec(None, i) for i in range(47)]
    sample = stratified_sample(records, 20, seed=1)
    assert len(sample) == 20
    kinds = {r["cases"][0]["obfuscation"] if r["cases"] else None for r in sample}
    assert kinds == {"none", "summary", None}
