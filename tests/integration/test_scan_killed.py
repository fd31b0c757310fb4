"""A scan of 500 articles against the real cluster, killed midway and resumed:
every article comes out exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from attrib.config import Config
from attrib.corpora import reuters
from attrib.indexing import index_articles
from attrib.store.elastic import ElasticsearchStore
from tests.conftest import ROOT

SHARED = ROOT.parent / "shared"


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def test_scan_killed_midway_resumes_exactly_once(es_url, index_prefix, tmp_path):
    articles = []
    for article in reuters(SHARED / "data"):
        articles.append(article)
        if len(articles) == 500:
            break
    store = ElasticsearchStore(Config(es_url=es_url, index=index_prefix))
    assert index_articles(store, articles).indexed == 500
    store.close()
    archive = tmp_path / "archive.jsonl"
    archive.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in articles), encoding="utf-8")
    out = tmp_path / "scan"
    command = [sys.executable, str(ROOT / "scripts" / "bulk_scan.py"), str(archive), "--output", str(out),
               "--es-url", es_url, "--index", index_prefix, "--workers", "2", "--no-progress"]

    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    while _lines(out / "reports.jsonl") < 100 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the scan finished before it could be killed"
    os.killpg(run.pid, signal.SIGKILL)  # the scan and its workers, as a crash would
    run.wait()
    partial = _lines(out / "reports.jsonl")
    assert 0 < partial < 500

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "resumed past" in again.stdout
    ids = [json.loads(line)["article"]["id"] for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(ids) == 500 and set(ids) == {a.id for a in articles}
    summary_rows = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert len(summary_rows) == 501
