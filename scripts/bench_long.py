#!/usr/bin/env python3
"""Time and peak memory of checking one long article, at 100 thousand, 1 million and 5
million characters (the article size limit).

For each size, BBC News stories are joined (in file order, starting again from the first
when they run out) into a long text. It is indexed as the source, published by one
outlet, beside distractors (300 Reuters stories and 20 of the BBC stories it holds);
the query is the same text lightly edited (every 25th paragraph left out, "said" turned
into "stated" in every 10th), published a month later by another outlet. Each check is
``python -m attrib check`` in a subprocess of its own; the figures are its wall time and
its peak resident memory (``ru_maxrss`` of that process), with the report's stage
timings, verdict and coverage, and the notes the check printed on stderr.

  python scripts/bench_long.py [--sizes 100000 1000000 5000000] [--es-url URL]
                               [--tree PATH] [--max-memory-mb MB] [--timeout S]

The store is a fresh embedded one (SQLite) per size unless --es-url is given. --tree runs
the attrib of another source tree (an export of an older commit, for before and after
figures); --max-memory-mb and --timeout bound each check (RLIMIT_AS and a kill), so that
a run of code that does not bound itself cannot take the machine down.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import DEFAULT_DATA, ROOT, machine

SOURCE_OUTLET = "Archive Weekly"
QUERY_OUTLET = "Copy Desk"
DISTRACTORS = 300
INNER = 20  # BBC stories of the long text indexed on their own as well


def bbc_texts(data: Path) -> list[tuple[str, str]]:
    """(id, text) of the BBC stories in file order; the headline is the first line."""
    out = []
    for path in sorted((data / "bbc").glob("*/*.txt")):
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raw = path.read_text(encoding="latin-1")
        out.append((f"bbc/{path.parent.name}/{path.stem}", raw.strip()))
    return out


def long_text(stories: list[tuple[str, str]], size: int) -> str:
    """Stories joined by blank lines, starting again from the first, cut to ``size``."""
    parts: list[str] = []
    total = 0
    while total < size:
        for _, text in stories:
            parts.append(text)
            total += len(text) + 2
            if total >= size:
                break
    return "\n\n".join(parts)[:size].rstrip() or "x"


def edited(text: str) -> str:
    """The text lightly edited: every 25th paragraph out, "said" -> "stated" in every 10th."""
    paragraphs = re.split(r"\n\s*\n", text)
    kept = []
    for i, p in enumerate(paragraphs):
        if i % 25 == 24:
            continue
        if i % 10 == 9:
            p = p.replace(" said ", " stated ")
        kept.append(p)
    return "\n\n".join(kept)


def write_inputs(folder: Path, size: int, data: Path) -> tuple[Path, Path]:
    stories = bbc_texts(data)
    base = long_text(stories, size + size // 10)
    source = base[:size].rstrip()
    query = edited(base)[:size].rstrip()
    corpus = folder / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as out:
        out.write(json.dumps({"id": f"long-{size}-source", "text": source, "outlet": SOURCE_OUTLET,
                              "published_at": "2024-01-01T00:00:00Z"}) + "\n")
        for story_id, text in stories[:INNER]:
            out.write(json.dumps({"id": story_id, "text": text, "outlet": "BBC",
                                  "published_at": "2023-12-01T00:00:00Z"}) + "\n")
        taken = 0
        with open(data / "reuters21578" / "reuters21578.jsonl", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                body = record.get("body") or ""
                if len(body) < 500:
                    continue
                out.write(json.dumps({"id": f"reuters-{record['newid']}", "text": body, "outlet": "Reuters"}) + "\n")
                taken += 1
                if taken == DISTRACTORS:
                    break
    query_path = folder / "query.json"
    query_path.write_text(json.dumps({"id": f"long-{size}-query", "text": query, "outlet": QUERY_OUTLET,
                                      "published_at": "2024-02-01T00:00:00Z"}), encoding="utf-8")
    return corpus, query_path


def run(command: list[str], cwd: Path, max_memory_mb: int | None, timeout: float | None
        ) -> tuple[int, float, float, str]:
    """Run ``command``; its exit status (or -signal), wall seconds, peak RSS in MB and stderr."""
    def limit() -> None:
        if max_memory_mb:
            cap = max_memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit)
        status = None
        while status is None:
            pid, code, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                status = os.waitstatus_to_exitcode(code)
                break
            if timeout and time.perf_counter() - started > timeout:
                child.send_signal(signal.SIGKILL)
                pid, code, usage = os.wait4(child.pid, 0)
                status = os.waitstatus_to_exitcode(code)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        child.returncode = status  # reaped by wait4
        err.seek(0)
        return status, seconds, usage.ru_maxrss / 1024, err.read().decode("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000],
                        help="article sizes in characters (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default: %(default)s)")
    parser.add_argument("--es-url", help="check against this Elasticsearch instead of a fresh embedded store")
    parser.add_argument("--index", default="bench-long", help="index prefix with --es-url (default: %(default)s)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the attrib source tree to run (default: this one)")
    parser.add_argument("--max-memory-mb", type=int, help="address-space limit of each check (RLIMIT_AS)")
    parser.add_argument("--timeout", type=float, help="kill a check after this many seconds")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"command: python scripts/bench_long.py {shlex.join(sys.argv[1:])}")
    print(f"tree: {args.tree.resolve()}; store: {'Elasticsearch ' + args.es_url if args.es_url else 'embedded (SQLite)'}")
    python = sys.executable
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="attrib-bench-long-") as tmp:
            folder = Path(tmp)
            corpus, query = write_inputs(folder, size, args.data)
            if args.es_url:
                store = ["--es-url", args.es_url, "--index", f"{args.index}-{size}"]
            else:
                store = ["--db", str(folder / "long.db")]
            code, seconds, _, err = run([python, "-m", "attrib", "index", str(corpus), *store, "--no-progress"],
                                        args.tree, None, None)
            if code != 0:
                raise SystemExit(f"bench: indexing failed ({code}): {err.strip()}")
            print(f"{size:>9,} characters: indexed in {seconds:.1f} s", flush=True)
            report = folder / "report.json"
            command = [python, "-m", "attrib", "check", str(query), *store, "--format", "json", "-o", str(report),
                       "--no-progress"]
            code, seconds, rss, err = run(command, args.tree, args.max_memory_mb, args.timeout)
            row = {"size": size, "seconds": seconds, "rss_mb": rss, "exit": code}
            if code == 0:
                doc = json.loads(report.read_text(encoding="utf-8"))
                original = next((s for s in doc["sources"] if s["relation"] == "original"), None)
                row.update(verdict=doc["verdict"], timings=doc.get("timings_ms", {}),
                           original=original["article"]["id"] if original else None,
                           coverage=original["coverage"]["query"] if original else 0.0,
                           passages=len(original["passages"]) if original else 0,
                           quotes=len(doc.get("quotes", [])))
            else:
                tail = err.strip().splitlines()[-1:] or [""]
                row.update(error=tail[0][:200])
            notes = [line for line in err.splitlines() if line.startswith("attrib: ") and code == 0]
            rows.append(row)
            print(f"{size:>9,} characters: check {seconds:6.1f} s, peak RSS {rss:7.0f} MB, exit {code}", flush=True)
            if code == 0:
                stages = ", ".join(f"{k} {v / 1000:.1f} s" for k, v in row["timings"].items())
                print(f"           {row['verdict']}, original {row['original']} covering {row['coverage']:.1%} of the "
                      f"query in {row['passages']} passage(s); {row['quotes']} quotes; stages: {stages}")
            else:
                print(f"           failed: {row['error']}")
            for note in notes:
                print(f"           note: {note}")
    print()
    print("| characters | check (s) | peak RSS (MB) | result |")
    print("|---:|---:|---:|---|")
    for row in rows:
        result = (f"{row['verdict']}, {row['coverage']:.1%} covered" if row["exit"] == 0
                  else f"failed (exit {row['exit']}): {row.get('error', '')}")
        print(f"| {row['size']:,} | {row['seconds']:.1f} | {row['rss_mb']:.0f} | {result} |")


if __name__ == "__main__":
    main()
