"""Shared pieces of the benchmark scripts: a local cluster when none is given, machine facts,
the check benchmarks' archive and sample."""

from __future__ import annotations

import contextlib
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data"

if TYPE_CHECKING:
    from attrib.article import Article
    from attrib.store.elastic import ElasticsearchStore


@contextlib.contextmanager
def cluster(url: str | None, heap: str = "2g") -> Iterator[str]:
    """``url`` when given; otherwise a fresh scripts/es-local cluster, stopped afterwards."""
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="attrib-bench-es-") as data:
        script = [sys.executable, str(ROOT / "scripts" / "es-local")]
        start = subprocess.run([*script, "start", "--data", data, "--http-port", "auto", "--heap", heap], capture_output=True, text=True)
        if start.returncode != 0:
            raise SystemExit(f"bench: could not start a local Elasticsearch: {start.stderr.strip()}")
        try:
            yield start.stdout.strip().splitlines()[-1]
        finally:
            subprocess.run([*script, "stop", "--data", data], capture_output=True)


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    return f"{os.cpu_count()} cores ({model}){mem}, Python {platform.python_version()}, {date.today().isoformat()}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def check_archive(data: Path) -> list["Article"]:
    """The check benchmarks' archive: the seed article 000, BBC News and Reuters-21578
    (21,269 articles)."""
    from attrib.corpora import bbc, reuters
    from attrib.readers import read_paths

    seed = next(iter(read_paths([data.parent / "examples" / "000_bab4808bdd29a8aa.txt"])))
    return [seed, *bbc(data), *reuters(data)]


def check_sample(corpus: list["Article"], data: Path, queries: int) -> list["Article"]:
    """A fixed random sample of ``corpus`` (seed 2026) plus the seed rewrite 003, which is
    not in the archive: the articles the check benchmarks check (each excluding itself)."""
    from attrib.readers import read_paths

    sample = random.Random(2026).sample(corpus, min(queries, len(corpus)))
    sample.append(next(iter(read_paths([data.parent / "examples" / "003_dbab0492c2aca2f8.txt"]))))
    return sample


def ensure_indexed(store: "ElasticsearchStore", corpus: list["Article"]) -> None:
    """Index ``corpus`` unless the store already holds as many articles."""
    from attrib.indexing import index_articles

    store.init()
    if store.count() < len(corpus):
        started = time.perf_counter()
        index_articles(store, corpus, workers=os.cpu_count() or 1)
        print(f"indexed {len(corpus)} articles in {time.perf_counter() - started:.0f} s")
