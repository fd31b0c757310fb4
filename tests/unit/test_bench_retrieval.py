"""The retrieval benchmark's evaluation: ranks and the unlabelled-source test."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BBC = REPO.parent / "shared" / "data" / "bbc"
sys.path.insert(0, str(REPO / "scripts"))

import bench_retrieval as bench  # noqa: E402


def _shuffle_words(text: str, seed: int, degree: float = 0.35) -> str:
    """PAN-style random obfuscation: swap, drop and insert words."""
    rng = random.Random(seed)
    words = text.split()
    for _ in range(int(degree * len(words))):
        i = rng.randrange(len(words))
        op = rng.random()
        if op < 0.5 and i + 1 < len(words):
            words[i], words[i + 1] = words[i + 1], words[i]
        elif op < 0.75 and len(words) > 10:
            del words[i]
        else:
            words.insert(i, rng.choice(["also", "really", "the", "indeed", "then"]))
    return " ".join(words)


@pytest.fixture(scope="module")
def bbc_texts() -> dict[str, str]:
    if not BBC.is_dir():
        pytest.fail(f"shared data missing: {BBC}")
    paths = sorted((BBC / "business").glob("*.txt"))[:40] + sorted((BBC / "sport").glob("*.txt"))[:40]
    return {p.stem + p.parent.name: p.read_text(encoding="utf-8", errors="replace") for p in paths}


def test_filtered_rank_skips_other_sources():
    ranking = ["a", "other-source", "b", "src"]
    assert bench.filtered_rank(ranking, "src", lambda d: d == "other-source") == 3
    assert bench.filtered_rank(ranking, "a", lambda d: False) == 1
    assert bench.filtered_rank(ranking, "missing", lambda d: False) is None


def test_an_obfuscated_passage_makes_an_unlabelled_source(bbc_texts):
    source = bbc_texts["001business"]
    passage = " ".join(source.split()[40:140])
    host = bbc_texts["001sport"]
    texts = dict(bbc_texts)
    texts["query"] = host + "\n\n" + _shuffle_words(passage, seed=3) + "\n\n" + bbc_texts["002sport"]
    check = bench.UnlabelledSource(texts.__getitem__)
    assert check.shares("query", "001business")
    # the obfuscation left too few 8-grams for the verbatim test: the passage test decided
    assert len(check.grams("query") & check.grams("001business")) < check.MIN_SHARED


def test_a_verbatim_run_makes_an_unlabelled_source(bbc_texts):
    texts = dict(bbc_texts)
    run = " ".join(bbc_texts["003business"].split()[30:55])
    texts["query"] = bbc_texts["004sport"] + " " + run + " " + bbc_texts["005sport"]
    assert bench.UnlabelledSource(texts.__getitem__).shares("query", "003business")


def test_articles_on_the_same_beat_are_not_sources(bbc_texts):
    texts = dict(bbc_texts)
    check = bench.UnlabelledSource(texts.__getitem__)
    business = [k for k in texts if k.endswith("business")]
    flagged = [(a, b) for a in business[:20] for b in business[20:] if check.shares(a, b)]
    assert not flagged


def test_the_aligner_judge_finds_an_obfuscated_passage_and_not_a_beat_neighbour(bbc_texts):
    texts = dict(bbc_texts)
    passage = " ".join(bbc_texts["006business"].split()[20:160])
    texts["query"] = bbc_texts["007sport"] + "\n\n" + _shuffle_words(passage, seed=5, degree=0.15) + "\n\n" + bbc_texts["008sport"]
    judge = bench.AlignedSource(texts.__getitem__)
    assert judge.shares("query", "006business")
    assert not judge.shares("query", "009business")
    # judged in advance, in worker processes, to the same verdicts
    ahead = bench.AlignedSource(texts.__getitem__, lazy=False)
    assert not ahead.shares("query", "006business")  # not judged yet: not a source
    ahead.judge([("query", "006business"), ("query", "009business")], workers=2)
    assert ahead.shares("query", "006business") and not ahead.shares("query", "009business")


def test_any_of_skips_what_either_judge_calls_a_source():
    class Says:
        def __init__(self, yes):
            self.yes = yes

        def shares(self, query, doc):
            return doc in self.yes

    both = bench.AnyOf(Says({"a"}), Says({"b"}))
    assert both.shares("q", "a") and both.shares("q", "b") and not both.shares("q", "c")
    ranking = ["a", "b", "c", "src"]
    assert bench.filtered_rank(ranking, "src", lambda d: both.shares("q", d)) == 2


def test_calibration_recognises_verbatim_sources_and_reports_false_fires():
    data = REPO.parent / "shared" / "data"
    if not (data / "pan13-train" / "truth.jsonl").is_file():
        pytest.fail(f"shared data missing: {data / 'pan13-train'}")
    rows = bench.calibrate(data, {"window": bench.UnlabelledSource}, per_type=6)
    window = rows["window"]
    assert window["none"] == 1.0  # a verbatim copy is always recognised
    assert set(bench.TYPES) <= set(window)
    assert window["negatives"] == 6 and 0.0 <= window["false_fires"] <= 1.0
    assert f"{window['false_fires']:.3f} of 6 |" in bench.calibration_table(rows)


class _Clocked(bench.Method):
    """A method that records the order it is called in and ranks nothing."""

    def __init__(self, name: str, calls: list[str]):
        self.name = name
        self.calls = calls

    def search(self, text, k):
        self.calls.append(self.name)
        return [text]


def test_methods_run_interleaved_in_rotating_order():
    calls: list[str] = []
    methods = [_Clocked(n, calls) for n in "abc"]
    runs = bench.run_interleaved(methods, {f"q{i}": f"t{i}" for i in range(4)}, warmup=1)
    assert calls[:3] == ["a", "b", "c"]  # warm-up
    assert calls[3:] == list("abc" "bca" "cab" "abc")
    assert runs["b"]["rankings"]["q2"] == ["t2"] and set(runs["c"]["latencies"]) == {"q0", "q1", "q2", "q3"}


def test_speedup_is_a_ratio_of_medians_with_a_paired_interval():
    ids = [f"q{i}" for i in range(200)]
    rng = random.Random(1)
    base = {q: 0.05 * (1 + rng.random()) for q in ids}
    three_times = {q: base[q] / 3 for q in ids}
    out = bench.speedup(base, three_times, ids)
    assert out["ratio_of_medians"] == pytest.approx(3.0)
    assert out["median_ratio"] == pytest.approx(3.0)
    # paired: a constant per-query ratio leaves no doubt about the median ratio
    assert out["median_ratio_low"] == pytest.approx(3.0) and out["median_ratio_high"] == pytest.approx(3.0)
    assert out["low"] <= 3.0 <= out["high"]
    noisy = {q: base[q] / 3 * (0.5 + rng.random()) for q in ids}
    wide = bench.speedup(base, noisy, ids)
    assert wide["low"] < wide["ratio_of_medians"] < wide["high"]
    assert bench.speedup(base, noisy, ids) == wide  # fixed seed


def test_news_recall_skips_the_query_and_its_unjudged_relatives():
    task = bench.Task(haystack=[], queries={}, pairs=[])
    task.news = [
        {"query_id": "q1", "reuse_kind": "rewrite", "expected_original_id": "o1", "also_acceptable_ids": ["c1"], "unjudged_ids": ["u1"]},
        {"query_id": "q2", "reuse_kind": "verbatim", "expected_original_id": "o2", "also_acceptable_ids": [], "unjudged_ids": []},
    ]
    rankings = {"q1": ["q1", "u1", "c1", "o1"], "q2": ["x", "o2"]}
    out = bench.evaluate_news(task, rankings, {"q1": 0.01, "q2": 0.02})
    assert out["rewrite"]["recall@1"] == 1.0  # an acceptable copy first, once the query and its relative are skipped
    assert out["verbatim"]["recall@1"] == 0.0 and out["verbatim"]["recall@5"] == 1.0
    assert out["all"]["recall@1"] == 0.5
