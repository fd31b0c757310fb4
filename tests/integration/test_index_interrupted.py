"""Stopping Elasticsearch in the middle of a bulk run: a clear message, a count of what
landed, and a second run that completes the rest with no duplicates and nothing lost."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from elasticsearch import Elasticsearch

from tests.conftest import ROOT, es_local_version_args

ES_LOCAL = [sys.executable, str(ROOT / "scripts" / "es-local")]


def _reuters(path: Path, n: int, shared_dir: Path) -> int:
    written = 0
    with open(shared_dir / "data" / "reuters21578" / "reuters21578.jsonl", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        for line in src:
            record = json.loads(line)
            if not (record.get("body") or "").strip():
                continue
            out.write(json.dumps({"id": f"reuters-{record['newid']}", "text": record["body"], "title": record.get("title")}) + "\n")
            written += 1
            if written == n:
                break
    return written


def _start(data: Path, port: int | str) -> str:
    proc = subprocess.run(
        [*ES_LOCAL, "start", *es_local_version_args(), "--data", str(data), "--http-port", str(port)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def test_stop_mid_bulk_then_resume(tmp_path, shared_dir):
    n = _reuters(tmp_path / "reuters.jsonl", 8000, shared_dir)
    data = tmp_path / "es"
    url = _start(data, "auto")
    port = int(url.rsplit(":", 1)[1])
    command = [sys.executable, "-m", "attrib", "index", str(tmp_path / "reuters.jsonl"), "--es-url", url, "--index", "interrupted", "--no-progress"]
    client = Elasticsearch(url)
    try:
        run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        seen = 0
        while time.monotonic() < deadline and run.poll() is None:
            try:
                seen = client.options(ignore_status=404).count(index="interrupted-articles").get("count", 0)
            except Exception:  # noqa: BLE001 - the index may not exist yet
                seen = 0
            if seen >= 500:
                break
            time.sleep(0.1)
        assert run.poll() is None, "the run finished before Elasticsearch could be stopped; index more articles"
        subprocess.run([*ES_LOCAL, "stop", "--data", str(data)], check=True, capture_output=True)
        out, err = run.communicate(timeout=300)
        assert run.returncode == 3, (out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("attrib: cannot reach Elasticsearch at"), err
        landed = int(re.search(r"(\d+) article\(s\) landed before that", lines[0]).group(1))
        assert 0 < landed < n

        url = _start(data, port)
        client = Elasticsearch(url)
        client.indices.refresh(index="interrupted-articles")
        assert client.count(index="interrupted-articles")["count"] >= landed

        again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr
        counts = {k: int(v) for k, v in re.findall(r"(already indexed|indexed) (\d+)", again.stdout)}
        assert counts["indexed"] + counts["already indexed"] == n
        assert counts["already indexed"] >= landed
        client.indices.refresh(index="interrupted-articles")
        assert client.count(index="interrupted-articles")["count"] == n
    finally:
        client.close()
        subprocess.run([*ES_LOCAL, "stop", "--data", str(data)], capture_output=True)
