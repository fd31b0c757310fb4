#!/usr/bin/env python3
"""Score attrib's quote extraction against PolNeAR direct quotes.

Gold: in each article's brat ``.ann`` file, the ``Content`` spans of attributions whose
text starts (after whitespace) with a quotation mark are direct quotes. A content
annotation may be discontinuous (``s e;s e``): fragments separated by whitespace only are
joined (one quote over several sentences or paragraphs), and each resulting piece that
starts with a quotation mark is one gold quote (``“A,” he said, “B.”`` gives two). The
gold speaker of a quote is the ``Source`` span of the same attribution.

Articles annotated by several people (two in dev, a few in train) are scored against
one annotator: the one with the smallest id among the ``.ann`` files present. That
keeps each article's gold consistent and the count of gold quotes comparable to
single-annotator articles; the other annotators' files are used only by
``--agreement``, which scores the annotators against each other on those articles.

Scores:

* quote spans, predicted ``[start, end)`` (quotation marks included) against gold pieces
  (whitespace stripped): precision, recall and F1, exact match and at 50% overlap (the
  overlap is at least half of the longer of the two spans), one-to-one, greedy by
  overlap;
* speaker accuracy over matched quotes whose gold has a Source: a predicted speaker is
  correct if its span overlaps the gold Source or its last word equals the last word of
  the gold Source's name. ``speaker (name only)`` counts the resolved name alone;
  ``speaker`` also accepts the source as written in the attribution (``mention``),
  which is what PolNeAR annotates when the source is a pronoun ("he said").

Run from the repository root:  python scripts/eval_polnear.py --split dev
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from attrib.core.quotes import Quote, extract_quotes  # noqa: E402
from attrib.core.outlets import OutletMatcher  # noqa: E402

QUOTE_CHARS = "\"“”'‘’«»„‹›`"
_TITLE_WORDS = {
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "president", "senator", "secretary",
    "governor", "mayor", "judge", "justice", "speaker", "rev", "prof", "col", "capt", "adm",
}


_SPLIT = re.compile(r"(?:[”»]|(?<=\S)\"|(?<=\S)'')\s+(?P<open>[“«]|\"(?=\S)|''(?=\S))")


@dataclass
class GoldQuote:
    start: int
    end: int
    source: list[tuple[int, int]] = field(default_factory=list)
    source_text: str = ""


def parse_ann(path: str) -> tuple[dict, list]:
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    rels: list[dict[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            tid = parts[0]
            if tid.startswith("T") and len(parts) >= 3:
                kind, _, offs = parts[1].partition(" ")
                frags = [tuple(int(x) for x in f.split()) for f in offs.split(";") if f.strip()]
                spans[tid] = (kind, frags, parts[2])  # type: ignore[assignment]
            elif tid.startswith("E"):
                roles = {}
                for item in parts[1].split():
                    role, _, ref = item.partition(":")
                    roles[role] = ref
                rels.append(roles)
    return spans, rels


def gold_quotes(text: str, ann_path: str) -> list[GoldQuote]:
    spans, rels = parse_ann(ann_path)
    source_of: dict[str, list[tuple[int, int]]] = {}
    for r in rels:
        c, s = r.get("Content"), r.get("Source")
        if c and s and s in spans:
            source_of[c] = spans[s][1]
    out: list[GoldQuote] = []
    for tid, (kind, frags, _t) in spans.items():
        if kind != "Content" or not frags:
            continue
        frags = sorted(frags)
        if not text[frags[0][0] : frags[0][1]].lstrip()[:1] in tuple(QUOTE_CHARS):
            continue
        merged: list[list[int]] = []
        for s, e in frags:
            if merged and not text[merged[-1][1] : s].strip():
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        src = source_of.get(tid, [])
        src_text = " ".join(text[a:b] for a, b in src)
        pieces: list[list[int]] = []
        for s, e in merged:
            # quotes closed and reopened ("“A.” “B.”") are separate quotes, even when the
            # annotator made them one content; a paragraph break without a closing mark
            # (a quote running over paragraphs) is not a split
            cut = s
            for m in _SPLIT.finditer(text, s, e):
                pieces.append([cut, m.start() + 1 if text[m.start()] != "'" else m.start() + 2])
                cut = m.end() - len(m.group("open"))
            pieces.append([cut, e])
        for s, e in pieces:
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e and text[s] in QUOTE_CHARS:
                out.append(GoldQuote(s, e, list(src), src_text))
    out.sort(key=lambda g: g.start)
    return out


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def match(preds: list[Quote], golds: list[GoldQuote], min_ratio: float):
    """One-to-one pairs (pred index, gold index), greedy by overlap."""
    cands = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            ov = overlap(p.start, p.end, g.start, g.end)
            if ov and ov >= min_ratio * max(p.end - p.start, g.end - g.start):
                cands.append((ov, i, j))
    cands.sort(reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for ov, i, j in cands:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


def exact_pairs(preds: list[Quote], golds: list[GoldQuote]):
    gold_at = {(g.start, g.end): j for j, g in enumerate(golds)}
    return [(i, gold_at[(p.start, p.end)]) for i, p in enumerate(preds) if (p.start, p.end) in gold_at]


def _last_name(s: str) -> str | None:
    words = [w.strip(".,;:“”\"'’‘()").lower() for w in s.split()]
    words = [re.sub(r"['’]s$", "", w) for w in words if w]
    # the name part of "Flynn, a top Trump surrogate," is before the first comma
    head = s.split(",")[0]
    hw = [re.sub(r"['’]s$", "", w.strip(".,;:“”\"'’‘()").lower()) for w in head.split()]
    hw = [w for w in hw if w and w not in _TITLE_WORDS]
    if hw:
        return hw[-1]
    return words[-1] if words else None


def speaker_ok(text: str, q: Quote, g: GoldQuote, use_mention: bool) -> bool:
    spans = []
    if q.speaker_start is not None:
        spans.append((q.speaker_start, q.speaker_end))
    if use_mention and q.mention_start is not None:
        spans.append((q.mention_start, q.mention_end))
    for a, b in spans:
        for s, e in g.source:
            if overlap(a, b, s, e):
                return True
    if q.speaker:
        ln = _last_name(g.source_text)
        mine = re.sub(r"['’]s$", "", q.speaker.split()[-1].strip(".,").lower()) if q.speaker.split() else ""
        if ln and mine and ln == mine:
            return True
    return False


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def articles(data: Path, split: str):
    root = data / "polnear" / split
    for tpath in sorted(glob.glob(str(root / "text" / "*.txt"))):
        base = os.path.basename(tpath)[:-4]
        anns = sorted(glob.glob(str(root / "attributions" / f"{base}_*.ann")))
        anns = [a for a in anns if re.fullmatch(re.escape(base) + r"_[0-9a-f]+\.ann", os.path.basename(a))]
        if not anns:
            continue
        yield base, tpath, anns


def evaluate(data: Path, split: str, *, min_words: int, include_partial: bool, show: int, agreement: bool):
    outlets = OutletMatcher.default()
    totals = Counter()
    errors: list[str] = []
    per_pub: dict[str, Counter] = defaultdict(Counter)
    agree = Counter()
    t0 = time.perf_counter()
    for base, tpath, anns in articles(data, split):
        text = open(tpath, encoding="utf-8").read()
        golds = gold_quotes(text, anns[0])
        allq = extract_quotes(text, outlets, min_words=min_words)
        preds = [q for q in allq if include_partial or not q.partial]
        pairs50 = match(preds, golds, 0.5)
        ex = exact_pairs(preds, golds)
        pub = base.split("_")[0]
        c = Counter(
            pred=len(preds), gold=len(golds), tp50=len(pairs50), tpx=len(ex), articles=1,
            partial_dropped=len(allq) - len(preds),
        )
        for i, j in pairs50:
            g = golds[j]
            if g.source:
                c["spk_n"] += 1
                c["spk_ok"] += speaker_ok(text, preds[i], g, True)
                c["spk_name_ok"] += speaker_ok(text, preds[i], g, False)
                if show and not speaker_ok(text, preds[i], g, True):
                    q = preds[i]
                    errors.append(f"SPK  {base}: gold={g.source_text!r} pred={q.speaker!r} mention="
                                  f"{text[q.mention_start:q.mention_end] if q.mention_start is not None else None!r} "
                                  f"cue={q.cue!r} :: {text[max(0, q.start - 80):q.end + 80]!r}")
        totals.update(c)
        per_pub[pub].update(c)
        if show:
            mp = {i for i, _ in pairs50}
            mg = {j for _, j in pairs50}
            for i, q in enumerate(preds):
                if i not in mp:
                    errors.append(f"FP   {base}: {text[max(0, q.start - 60):q.start]!r} [[{text[q.start:q.end][:200]!r}]] {text[q.end:q.end + 40]!r}")
            for j, g in enumerate(golds):
                if j not in mg:
                    errors.append(f"FN   {base}: {text[max(0, g.start - 60):g.start]!r} [[{text[g.start:g.end][:200]!r}]] {text[g.end:g.end + 40]!r}")
        if agreement and len(anns) > 1:
            ref = golds
            for other in anns[1:]:
                og = gold_quotes(text, other)
                fake = [Quote(g.start, g.end, g.start, g.end, text[g.start:g.end]) for g in og]
                agree.update(pred=len(fake), gold=len(ref), tp50=len(match(fake, ref, 0.5)))
                mine = match(preds, og, 0.5)
                agree.update(self_pred=len(preds), self_gold=len(og), self_tp50=len(mine))
    elapsed = time.perf_counter() - t0
    return totals, per_pub, errors, agree, elapsed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Scoring rules: see the module docstring and docs/QUOTES.md.")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data",
                    help="evaluation data folder holding polnear/ (default: ../shared/data from the repository root)")
    ap.add_argument("--split", choices=("dev", "train"), default="dev", help="PolNeAR split (default: dev)")
    ap.add_argument("--min-words", type=int, default=3, help="extract_quotes min_words (default: 3)")
    ap.add_argument("--include-partial", action="store_true",
                    help="score partial quotes too (fragments inside the writer's sentence, which PolNeAR "
                         "annotates as part of indirect content, not as direct quotes)")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="print N error examples")
    ap.add_argument("--agreement", action="store_true",
                    help="also score annotators against each other on multiply annotated articles")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)
    if not (args.data / "polnear" / args.split).is_dir():
        print(f"error: no PolNeAR {args.split} split under {args.data}", file=sys.stderr)
        return 2
    totals, per_pub, errors, agree, elapsed = evaluate(
        args.data, args.split, min_words=args.min_words, include_partial=args.include_partial,
        show=args.show, agreement=args.agreement)
    p50, r50, f50 = prf(totals["tp50"], totals["pred"], totals["gold"])
    px, rx, fx = prf(totals["tpx"], totals["pred"], totals["gold"])
    spk = totals["spk_ok"] / totals["spk_n"] if totals["spk_n"] else 0.0
    spk_name = totals["spk_name_ok"] / totals["spk_n"] if totals["spk_n"] else 0.0
    result = {
        "split": args.split, "articles": totals["articles"], "gold_quotes": totals["gold"],
        "predicted": totals["pred"], "partial_not_scored": totals["partial_dropped"],
        "exact": {"precision": px, "recall": rx, "f1": fx},
        "overlap50": {"precision": p50, "recall": r50, "f1": f50},
        "speaker_accuracy": spk, "speaker_accuracy_name_only": spk_name,
        "speaker_n": totals["spk_n"], "seconds": elapsed,
        "python": platform.python_version(),
    }
    if args.agreement and agree["gold"]:
        ap_, ar, af = prf(agree["tp50"], agree["pred"], agree["gold"])
        sp, sr, sf = prf(agree["self_tp50"], agree["self_pred"], agree["self_gold"])
        result["annotator_agreement_f1_50"] = af
        result["attrib_vs_other_annotators_f1_50"] = sf
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"PolNeAR {args.split}: {result['articles']} articles, {result['gold_quotes']} gold direct quotes, "
              f"{result['predicted']} predicted ({result['partial_not_scored']} partial quotes not scored)")
        print(f"  exact match   P {px:.3f}  R {rx:.3f}  F1 {fx:.3f}")
        print(f"  50% overlap   P {p50:.3f}  R {r50:.3f}  F1 {f50:.3f}")
        print(f"  speaker accuracy {spk:.3f} (name only {spk_name:.3f}) over {totals['spk_n']} matched quotes with a gold source")
        if "annotator_agreement_f1_50" in result:
            print(f"  multiply annotated articles: annotator vs annotator F1@50 {result['annotator_agreement_f1_50']:.3f}, "
                  f"attrib vs the other annotators F1@50 {result['attrib_vs_other_annotators_f1_50']:.3f}")
        print(f"  {elapsed:.1f}s")
        if len(per_pub) > 1:
            for pub, c in sorted(per_pub.items()):
                p, r, f = prf(c["tp50"], c["pred"], c["gold"])
                s = c["spk_ok"] / c["spk_n"] if c["spk_n"] else 0.0
                print(f"    {pub:13s} gold {c['gold']:4d}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}  speaker {s:.3f}")
    if args.show:
        for line in errors[: args.show]:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
