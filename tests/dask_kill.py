"""Dask scan tests' shared parts: a scan with one worker process killed in the middle,
as a machine under it would go, and reading a scan's reports to compare two scans."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Callable


def scan_killing_a_worker(client, out: Path, scan: Callable[[], list], *, wait: float, join: float) -> tuple[dict, int]:
    """Run ``scan`` (a Dask scan writing its parts under ``out``) in a thread, SIGKILL one
    worker process of ``client`` once the first part is written (mid-partition, nothing
    flushed), and wait up to ``join`` seconds for the scan to end.

    Returns the outcome, ``{"events": [...]}`` or ``{"error": exception}`` (a scan may
    fail and be run again), and how many parts were done before the kill."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["events"] = scan()
        except Exception as e:  # noqa: BLE001 - the caller re-runs after a failed scan
            outcome["error"] = e

    runner = threading.Thread(target=run)
    runner.start()
    deadline = time.monotonic() + wait
    while not list((out / "parts").glob("*.reports.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.05)
    done_before = len(list((out / "parts").glob("*.reports.jsonl")))
    victim = sorted(client.scheduler_info()["workers"])[0]
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    runner.join(timeout=join)
    assert not runner.is_alive()
    return outcome, done_before


def scan_reports(folder: Path) -> dict[str, dict]:
    """A scan folder's reports by article id; an article reported twice fails the test."""
    reports: dict[str, dict] = {}
    for line in (folder / "reports.jsonl").read_text(encoding="utf-8").splitlines():
        report = json.loads(line)
        assert report["article"]["id"] not in reports, "an article reported twice"
        reports[report["article"]["id"]] = report
    return reports


def verdicts(reports: dict[str, dict]) -> dict[str, tuple]:
    """What two scans of the same articles must agree on: verdict, original and sources."""
    return {
        i: (r["verdict"], (r["likely_original"] or {}).get("id"), sorted(s["article"]["id"] for s in r["sources"]))
        for i, r in reports.items()
    }
