"""Shared pieces of the benchmark scripts: a local cluster when none is given, machine facts."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data"


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
