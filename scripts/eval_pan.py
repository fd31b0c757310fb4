"""Evaluate attrib's passage alignment on the PAN 2013 text alignment training corpus.

Runs :func:`attrib.core.align.align` (query = suspicious document, source = source
document) on every pair listed in ``truth.jsonl`` and scores the passages with PAN's
character-level measures (Potthast, Stein, Barron-Cedeno, Rosso: "An Evaluation
Framework for Plagiarism Detection", COLING 2010):

* a case ``s`` and a detection ``r`` are each a set of characters in *both* documents
  of a pair (suspicious span plus source span);
* ``r`` detects ``s`` when they share characters in the suspicious document *and* in
  the source document; then ``s ⊓ r = s ∩ r``, otherwise ``s ⊓ r = ∅``;
* precision = 1/|R| Σ_r |∪_s (s ⊓ r)| / |r|      (macro, over detections)
* recall    = 1/|S| Σ_s |∪_r (s ⊓ r)| / |s|      (macro, over cases)
* granularity = mean number of detections per detected case (1 when none is detected)
* plagdet = F1 / log2(1 + granularity)

Edge cases follow PAN's own evaluation script: with neither cases nor detections,
precision and recall are 1; with only one of them, both are 0.

Rows are the obfuscation types of the cases (``none``, ``random``,
``translation-chain``, ``summary``); pairs without a case are scored in the
``no-plagiarism`` row (they can only cost precision: every detection there is a false
positive) and take part in ``overall``. Example::

    python scripts/eval_pan.py --limit 600 --json out/pan600.json

The measure lives here, not in the library: it is evaluation code, and
tests/unit/test_align_pan_measure.py checks it on small hand-made cases.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "pan13-train"
if str(ROOT) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

#: Row order of the report. ``translation`` cases are labelled by their PAN ``type``.
TYPES = ("none", "random", "translation-chain", "summary", "no-plagiarism")
NO_PLAGIARISM = "no-plagiarism"


# --------------------------------------------------------------------------- measure


@dataclass(frozen=True)
class Annotation:
    """A case or a detection: a half-open span in the suspicious and in the source text."""

    susp_start: int
    susp_end: int
    src_start: int
    src_end: int

    def __post_init__(self) -> None:
        if not (0 <= self.susp_start < self.susp_end and 0 <= self.src_start < self.src_end):
            raise ValueError(f"empty or inverted annotation: {self}")

    def __len__(self) -> int:
        return (self.susp_end - self.susp_start) + (self.src_end - self.src_start)


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return min(a1, b1) > max(a0, b0)


def detects(r: Annotation, s: Annotation) -> bool:
    """PAN's "r detects s": shared characters in both documents (same pair assumed)."""
    return _overlaps(r.susp_start, r.susp_end, s.susp_start, s.susp_end) and _overlaps(
        r.src_start, r.src_end, s.src_start, s.src_end
    )


def _union_length(intervals: Iterable[tuple[int, int]]) -> int:
    total = 0
    cur_start = cur_end = None
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total


def _intersected_chars(a: Annotation, others: Iterable[Annotation]) -> int:
    """|∪_o (a ∩ o)| counted in both documents."""
    susp, src = [], []
    for o in others:
        susp.append((max(a.susp_start, o.susp_start), min(a.susp_end, o.susp_end)))
        src.append((max(a.src_start, o.src_start), min(a.src_end, o.src_end)))
    return _union_length(susp) + _union_length(src)


@dataclass
class Tally:
    """Sums from which PAN's macro measures are computed; add pairs, then read them."""

    cases: int = 0
    detections: int = 0
    recall_sum: float = 0.0
    precision_sum: float = 0.0
    detected_cases: int = 0
    detections_per_detected_case: int = 0

    def add_pair(self, cases: Sequence[Annotation], detections: Sequence[Annotation]) -> None:
        """Add one document pair: its true cases and the detections made on it."""
        self.cases += len(cases)
        self.detections += len(detections)
        for r in detections:
            hit = [s for s in cases if detects(r, s)]
            self.precision_sum += _intersected_chars(r, hit) / len(r)
        for s in cases:
            hit = [r for r in detections if detects(r, s)]
            self.recall_sum += _intersected_chars(s, hit) / len(s)
            if hit:
                self.detected_cases += 1
                self.detections_per_detected_case += len(hit)

    def merge(self, other: Tally) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def precision(self) -> float:
        if self.cases == 0 and self.detections == 0:
            return 1.0
        if self.cases == 0 or self.detections == 0:
            return 0.0
        return self.precision_sum / self.detections

    @property
    def recall(self) -> float:
        if self.cases == 0 and self.detections == 0:
            return 1.0
        if self.cases == 0 or self.detections == 0:
            return 0.0
        return self.recall_sum / self.cases

    @property
    def granularity(self) -> float:
        if self.detected_cases == 0:
            return 1.0
        return self.detections_per_detected_case / self.detected_cases

    @property
    def plagdet(self) -> float:
        return plagdet(self.precision, self.recall, self.granularity)

    def as_dict(self) -> dict:
        has_cases = self.cases > 0
        return {
            "cases": self.cases,
            "detections": self.detections,
            "detected_cases": self.detected_cases,
            "precision": self.precision,
            "recall": self.recall if has_cases else None,
            "granularity": self.granularity if has_cases else None,
            "plagdet": self.plagdet if has_cases else None,
        }


def plagdet(precision: float, recall: float, granularity: float) -> float:
    """F1 of precision and recall, discounted by log2(1 + granularity)."""
    if precision <= 0 or recall <= 0 or granularity < 1:
        return 0.0
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / math.log2(1 + granularity)


def score(pairs: Iterable[tuple[Sequence[Annotation], Sequence[Annotation]]]) -> Tally:
    """PAN's measures over many pairs: ``(cases, detections)`` of each pair."""
    tally = Tally()
    for cases, detections in pairs:
        tally.add_pair(cases, detections)
    return tally


# --------------------------------------------------------------------------- data


def case_type(case: dict) -> str:
    """Row label of a truth case: its obfuscation, with PAN's name for translations."""
    obfuscation = case.get("obfuscation") or case.get("type") or "none"
    if obfuscation == "translation":
        return case.get("type") or "translation-chain"
    return obfuscation


def pair_type(record: dict) -> str:
    types = {case_type(c) for c in record["cases"]}
    if not types:
        return NO_PLAGIARISM
    if len(types) > 1:
        raise ValueError(f"pair {record['susp_path']} {record['src_path']} mixes {types}")
    return types.pop()


def case_annotations(record: dict) -> list[Annotation]:
    return [
        Annotation(
            c["this_offset"],
            c["this_offset"] + c["this_length"],
            c["source_offset"],
            c["source_offset"] + c["source_length"],
        )
        for c in record["cases"]
    ]


def load_truth(data: Path) -> list[dict]:
    with open(data / "truth.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def stratified_sample(records: list[dict], limit: int, seed: int) -> list[dict]:
    """``limit`` pairs, each pair type represented in proportion (at least one each)."""
    if limit >= len(records):
        return records
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        groups[pair_type(r)].append(r)
    rng = random.Random(seed)
    chosen: list[dict] = []
    for name in sorted(groups):
        group = groups[name]
        want = max(1, round(limit * len(group) / len(records)))
        chosen.extend(rng.sample(group, min(want, len(group))))
    rng.shuffle(chosen)
    return chosen[:limit]


# --------------------------------------------------------------------------- running

_PARAMS = None
_DATA: Path | None = None


def _init_worker(data: Path, params_overrides: dict) -> None:
    global _PARAMS, _DATA
    from attrib.core.align import AlignParams

    _DATA = data
    _PARAMS = AlignParams(**params_overrides)
    # load nltk, the Punkt parameters and the stemmer now, so that per-pair times
    # measure alignment and not the first call's imports
    from attrib.core.align import align

    warm = "The council met on Monday. It voted to repair the bridge over the river."
    align(warm, warm, _PARAMS)


def _read(path: Path) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _run_pair(item: tuple[int, str, str]) -> tuple[int, list[tuple[int, int, int, int, str, float]], float]:
    from attrib.core.align import align

    index, susp_path, src_path = item
    susp = _read(_DATA / susp_path)
    src = _read(_DATA / src_path)
    t0 = time.perf_counter()
    passages = align(susp, src, _PARAMS)
    took = time.perf_counter() - t0
    return (
        index,
        [
            (p.query_start, p.query_end, p.source_start, p.source_end, p.kind.value, p.similarity)
            for p in passages
        ],
        took,
    )


def _parse_overrides(parser: argparse.ArgumentParser, items: Sequence[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--param wants KEY=JSON, got {item!r}")
        try:
            out[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            parser.error(f"--param {key}: not a JSON value: {value!r}")
    return out


def _format_table(rows: dict[str, Tally]) -> str:
    def cell(x: float | None) -> str:
        return "     -" if x is None else f"{x:6.4f}"

    lines = [
        f"{'type':<18} {'pairs':>5} {'cases':>5} {'dets':>5} {'prec':>6} {'recall':>6} "
        f"{'gran':>6} {'plagdet':>7}"
    ]
    for name, (pairs, tally) in rows.items():
        d = tally.as_dict()
        lines.append(
            f"{name:<18} {pairs:>5} {d['cases']:>5} {d['detections']:>5} {cell(d['precision'])} "
            f"{cell(d['recall'])} {cell(d['granularity'])} {cell(d['plagdet']):>7}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Score attrib.core.align on PAN 2013 text alignment (plagdet per obfuscation).",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA.resolve(),
                        help="folder holding truth.jsonl, susp/ and src/ (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None,
                        help="evaluate a stratified sample of N pairs instead of all")
    parser.add_argument("--sample-seed", type=int, default=13,
                        help="random seed of the --limit sample (default: %(default)s)")
    parser.add_argument("--type", action="append", choices=TYPES, dest="types",
                        help="only pairs of this type (repeatable)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: os.cpu_count() = %(default)s)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=JSON",
                        help="override an AlignParams field, e.g. --param min_passage_chars=120")
    parser.add_argument("--json", type=Path, default=None,
                        help="write the figures (and with --detections, every detection) here")
    parser.add_argument("--detections", action="store_true",
                        help="include each pair's cases and detections in the --json output")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)

    from tqdm import tqdm

    data: Path = args.data
    if not (data / "truth.jsonl").is_file():
        print(f"error: no truth.jsonl in {data}", file=sys.stderr)
        return 2
    overrides = _parse_overrides(parser, args.param)
    from attrib.errors import AttribError

    try:
        _init_worker(data, overrides)  # validates the overrides before forking
    except (AttribError, TypeError) as e:  # TypeError: no such field
        print(f"error: --param: {e}", file=sys.stderr)
        return 2

    records = load_truth(data)
    if args.types:
        records = [r for r in records if pair_type(r) in args.types]
    if args.limit is not None:
        records = stratified_sample(records, args.limit, args.sample_seed)

    items = [(i, r["susp_path"], r["src_path"]) for i, r in enumerate(records)]
    results: dict[int, list] = {}
    seconds: dict[int, float] = {}
    started = time.perf_counter()
    bar = tqdm(total=len(items), unit="pair", disable=args.no_progress, file=sys.stderr)
    if args.workers <= 1:
        for item in items:
            index, dets, took = _run_pair(item)
            results[index], seconds[index] = dets, took
            bar.update()
    else:
        import multiprocessing as mp

        with mp.Pool(args.workers, initializer=_init_worker, initargs=(data, overrides)) as pool:
            for index, dets, took in pool.imap_unordered(_run_pair, items, chunksize=4):
                results[index], seconds[index] = dets, took
                bar.update()
    bar.close()
    wall = time.perf_counter() - started

    rows: dict[str, tuple[int, Tally]] = {}
    per_type: dict[str, Tally] = defaultdict(Tally)
    pair_counts: dict[str, int] = defaultdict(int)
    overall = Tally()
    details = []
    for i, record in enumerate(records):
        cases = case_annotations(record)
        dets = [Annotation(*d[:4]) for d in results[i]]
        kind = pair_type(record)
        per_type[kind].add_pair(cases, dets)
        pair_counts[kind] += 1
        overall.add_pair(cases, dets)
        if args.detections:
            details.append({
                "susp_path": record["susp_path"],
                "src_path": record["src_path"],
                "type": kind,
                "seconds": seconds[i],
                "cases": [dataclasses.astuple(c) for c in cases],
                "detections": results[i],
            })
    for name in TYPES:
        if name in per_type:
            rows[name] = (pair_counts[name], per_type[name])
    rows["overall"] = (len(records), overall)

    print(_format_table(rows))
    align_seconds = sum(seconds.values())
    print(
        f"{len(records)} pairs in {wall:.1f} s wall with {args.workers} worker(s); "
        f"align() took {align_seconds:.1f} s summed over pairs "
        f"({align_seconds / max(1, len(records)) * 1000:.1f} ms a pair, "
        f"slowest {max(seconds.values(), default=0):.2f} s)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        out = {
            "data": str(data),
            "pairs": len(records),
            "limit": args.limit,
            "params": overrides,
            "workers": args.workers,
            "wall_seconds": wall,
            "align_seconds": align_seconds,
            "rows": {name: {"pairs": n, **t.as_dict()} for name, (n, t) in rows.items()},
        }
        if args.detections:
            out["pairs_detail"] = details
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
