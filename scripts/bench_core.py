#!/usr/bin/env python
"""Benchmark the pure fingerprint core on one core (single process).

Fingerprints every BBC article (``bbc/*/*.txt``) and every non-empty Reuters-21578 body
with :func:`attrib.core.fingerprint` (tokenize, shingle, winnow, MinHash, LSH bands,
SimHash) and prints articles/s and MB/s per corpus and overall. Texts are read before
timing starts, so the figures are for the core alone. Each block of ``--block`` articles
is fingerprinted once per round, ``--repeat`` rounds, and its fastest pass counts (as
``timeit`` does), to filter out interference from other processes on a shared machine. Both wall-clock and
process CPU time are printed.

    python scripts/bench_core.py [--data ../shared/data] [--repeat 3] [--block 500] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from attrib.core import FingerprintParams, fingerprint  # noqa: E402
from attrib.corpora import reuters  # noqa: E402


def load_bbc(data: Path) -> list[str]:
    texts = []
    for path in sorted((data / "bbc").glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(raw.decode("latin-1"))  # bbc/sport/199.txt
    return texts


def run(texts: list[str], params: FingerprintParams) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, shingles) to fingerprint ``texts`` once."""
    shingles = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        shingles += len(fingerprint(text, params).shingles)
    return time.perf_counter() - w0, time.process_time() - c0, shingles


def timed(corpora: dict[str, list[str]], params: FingerprintParams, repeat: int, block: int):
    """Fingerprint every corpus in blocks of ``block`` articles, ``repeat`` rounds over
    all blocks, keeping each block's fastest pass (like ``timeit``). On a shared machine
    other processes only ever add time, and spreading a block's passes over the whole
    run gives each block several chances to meet a quiet moment. Returns
    {corpus: (wall, CPU, shingles)} summed over its blocks."""
    blocks = [(name, texts[i : i + block])
              for name, texts in corpora.items() for i in range(0, len(texts), block)]
    best = [(float("inf"), float("inf"), 0)] * len(blocks)
    for _ in range(max(1, repeat)):
        for j, (_, part) in enumerate(blocks):
            wall, cpu, sh = run(part, params)
            best[j] = (min(best[j][0], wall), min(best[j][1], cpu), sh)
    out: dict[str, tuple[float, float, int]] = {}
    for (name, _), (wall, cpu, sh) in zip(blocks, best):
        w0, c0, s0 = out.get(name, (0.0, 0.0, 0))
        out[name] = (w0 + wall, c0 + cpu, s0 + sh)
    return out


def reference_ms() -> float:
    """CPU milliseconds of a fixed pure-Python workload (best of 5), printed next to the
    figures so that runs on a busy shared machine can be compared with quiet ones."""
    best = float("inf")
    for _ in range(5):
        c0 = time.process_time()
        acc = 0
        for i in range(300_000):
            acc += (i * i) % 7
        best = min(best, time.process_time() - c0)
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "data",
        help="folder holding bbc/ and reuters21578/ (default: ../shared/data from the repo root)",
    )
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds over all blocks of articles; the fastest pass of each "
                             "block counts (default 3)")
    parser.add_argument("--block", type=int, default=500,
                        help="articles per timed block (default 500)")
    parser.add_argument("--profile", action="store_true",
                        help="also print the top functions of a cProfile run over both corpora")
    args = parser.parse_args(argv)

    try:
        corpora = {"bbc": load_bbc(args.data), "reuters": [a.text for a in reuters(args.data)]}
    except OSError as e:
        print(f"bench_core: cannot read data under {args.data}: {e}", file=sys.stderr)
        return 2
    params = FingerprintParams()
    for texts in corpora.values():  # warm caches and numpy before timing
        run(texts[:50], params)

    ref_before = reference_ms()
    print(f"params: {params.to_meta()}")
    print(f"{'corpus':<10}{'articles':>9}{'MB':>8}{'shingles':>10}"
          f"{'wall s':>8}{'art/s':>8}{'MB/s':>7}{'cpu s':>8}{'art/s':>8}{'MB/s':>7}")
    tot_n = tot_mb = tot_wall = tot_cpu = tot_sh = 0.0
    results = timed(corpora, params, args.repeat, args.block)
    for name, texts in corpora.items():
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        wall, cpu, sh = results[name]
        n = len(texts)
        print(f"{name:<10}{n:>9}{mb:>8.2f}{sh:>10}{wall:>8.2f}{n / wall:>8.0f}{mb / wall:>7.2f}"
              f"{cpu:>8.2f}{n / cpu:>8.0f}{mb / cpu:>7.2f}")
        tot_n += n
        tot_mb += mb
        tot_wall += wall
        tot_cpu += cpu
        tot_sh += sh
    print(f"{'overall':<10}{tot_n:>9.0f}{tot_mb:>8.2f}{tot_sh:>10.0f}{tot_wall:>8.2f}"
          f"{tot_n / tot_wall:>8.0f}{tot_mb / tot_wall:>7.2f}{tot_cpu:>8.2f}"
          f"{tot_n / tot_cpu:>8.0f}{tot_mb / tot_cpu:>7.2f}")

    print(f"reference workload: {ref_before:.1f} ms before, {reference_ms():.1f} ms after "
          f"(CPU, best of 5; higher means a busier machine)")

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for texts in corpora.values():
            for text in texts:
                fingerprint(text, params)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
