#!/usr/bin/env python
"""Train the Punkt sentence splitter's parameters and write them as JSON package data.

nltk's pretrained Punkt models are a download (and a pickle); attrib must not download
anything at run time nor load pickles, so the parameters are trained here from public
news text and shipped in ``attrib/core/data/punkt_news.json``:

- Reuters-21578 bodies (1987 wire copy, US style: ``Mr.``, ``U.S.``, ``Corp.``),
- the BBC News articles (UK style),

both under ``--data`` (default ``../shared/data`` from the repository root). The curated
abbreviations in ``attrib/core/data/news_abbreviations.txt`` are NOT merged here; the
splitter adds them when it loads, so that list can be edited without retraining.

Orthographic context (which words were seen capitalised or lowercase, where) is kept only
for word types seen at least ``--min-count`` times, to keep the file small; rare words
carry little evidence anyway.

    python scripts/build_punkt.py [--data ../shared/data] [--min-count 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "attrib" / "core" / "data" / "punkt_news.json"
sys.path.insert(0, str(ROOT))


def corpus(data: Path) -> list[str]:
    from attrib.corpora import reuters

    texts = [article.text for article in reuters(data)]
    for path in sorted((data / "bbc").glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        # The first line is the headline, without final punctuation: drop it so it is
        # not glued to the first sentence as evidence.
        texts.append(text.split("\n", 1)[-1])
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder holding reuters21578/ and bbc/")
    parser.add_argument("--min-count", type=int, default=3,
                        help="keep orthographic context of word types seen this often")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output (default {OUT})")
    args = parser.parse_args(argv)

    from nltk.tokenize.punkt import PunktTrainer

    t0 = time.time()
    texts = corpus(args.data)
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    for text in texts:
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    params = trainer.get_params()
    fdist = trainer._type_fdist  # no public accessor for type counts
    ortho = {
        typ: flags
        for typ, flags in params.ortho_context.items()
        if fdist[typ] + fdist[typ + "."] >= args.min_count
    }
    doc = {
        "format": "punkt-parameters/1",
        "trained_on": "Reuters-21578 bodies and BBC News articles (headlines dropped)",
        "documents": len(texts),
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted(list(c) for c in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(ortho.items())),
    }
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(
        f"{args.out}: {len(doc['abbrev_types'])} abbreviations, "
        f"{len(doc['collocations'])} collocations, {len(doc['sent_starters'])} sentence "
        f"starters, {len(ortho)} of {len(params.ortho_context)} ortho contexts; "
        f"{args.out.stat().st_size / 1e6:.2f} MB in {time.time() - t0:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
