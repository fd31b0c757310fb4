"""A cluster of three nodes, each its own process, that loses one in the middle of work.

The module starts its own cluster with ``scripts/es-local start --nodes 3`` (independent of
the session's), on free ports in a temporary folder, and kills a node with ``kill-node``
(SIGKILL, as a crash would). Indexes have 3 primary shards and 1 replica, so every shard
keeps a copy when one node goes; the node killed is never node 0, the one attrib talks to
(losing that one is losing the cluster: see test_index_interrupted.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from attrib.corpora import reuters
from tests.conftest import ROOT, SHARED, announce, es_local_version_args

pytestmark = pytest.mark.slow

ES_LOCAL = [sys.executable, str(ROOT / "scripts" / "es-local")]
NODES = 3


class Cluster:
    def __init__(self, url: str, data: Path):
        self.url = url
        self.data = data
        self.down: set[int] = set()
        self.client = Elasticsearch(url, request_timeout=120)

    def es_local(self, *args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([*ES_LOCAL, *args, "--data", str(self.data)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc

    def kill(self, node: int) -> None:
        assert node != 0, "node 0 is the URL attrib talks to"
        self.es_local("kill-node", str(node))
        self.down.add(node)

    def whole(self) -> None:
        """All nodes up and every shard with all its copies."""
        for node in sorted(self.down):
            self.es_local("restart-node", str(node))
            self.down.discard(node)
        health = self.client.cluster.health(wait_for_status="green", wait_for_nodes=str(NODES), timeout="120s")
        assert health["status"] == "green" and health["number_of_nodes"] == NODES, health

    def node_names(self, index: str, doc_id: str) -> dict[str, bool]:
        """Node name -> whether it holds the primary, of the shard copies of ``doc_id``."""
        found = self.client.search_shards(index=index, routing=doc_id)
        names = {key: node["name"] for key, node in found["nodes"].items()}
        return {names[copy["node"]]: copy["primary"] for group in found["shards"] for copy in group if copy["node"]}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, pytestconfig):
    data = tmp_path_factory.mktemp("es-nodes")
    announce(pytestconfig, "starting a 3-node Elasticsearch (one process per node) with scripts/es-local for test_node_loss…")
    start = subprocess.run(
        [*ES_LOCAL, "start", *es_local_version_args(), "--nodes", str(NODES), "--http-port", "auto", "--heap", "512m", "--data", str(data)],
        capture_output=True,
        text=True,
    )
    if start.returncode != 0:
        pytest.fail(f"could not start a 3-node local Elasticsearch: {start.stderr.strip()}", pytrace=False)
    found = Cluster(start.stdout.strip().splitlines()[-1], data)
    try:
        yield found
    finally:
        found.client.close()
        subprocess.run([*ES_LOCAL, "stop", "--data", str(data)], capture_output=True, timeout=120)


@pytest.fixture
def whole_cluster(cluster):
    """The module's cluster with every node up; the test's indices are removed after it.
    A node a test kills is restarted by the next test that needs it, not after the last."""
    cluster.whole()
    prefix = f"nodes-{uuid.uuid4().hex[:8]}"
    yield cluster, prefix
    names = list(cluster.client.indices.get(index=f"{prefix}*", expand_wildcards="all"))
    if names:
        cluster.client.indices.delete(index=",".join(names))
    templates = cluster.client.options(ignore_status=404).indices.get_index_template(name=f"{prefix}*")
    for template in templates.get("index_templates", []) if templates else []:
        cluster.client.indices.delete_index_template(name=template["name"])


def _write_reuters(path: Path, n: int) -> list[str]:
    """The first ``n`` Reuters stories with a body, as attrib JSONL; their ids."""
    ids = []
    with open(path, "w", encoding="utf-8") as out:
        for article in reuters(SHARED / "data"):
            published = article.published_at.isoformat() if article.published_at else None
            out.write(json.dumps({"id": article.id, "text": article.text, "title": article.title, "published_at": published}) + "\n")
            ids.append(article.id)
            if len(ids) == n:
                break
    assert len(ids) == n
    return ids


def _attrib(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "attrib", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def test_index_survives_a_node_killed_midway(whole_cluster, tmp_path):
    cluster, prefix = whole_cluster
    ids = _write_reuters(tmp_path / "reuters.jsonl", 8000)
    index = f"{prefix}-articles"
    store = ["--es-url", cluster.url, "--index", prefix]
    init = _attrib("init", *store, "--shards", "3", "--replicas", "1")
    assert init.returncode == 0, init.stderr
    cluster.whole()  # every replica allocated before the loss

    command = [sys.executable, "-m", "attrib", "index", str(tmp_path / "reuters.jsonl"), *store, "--no-progress"]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while run.poll() is None and time.monotonic() < deadline:
        if cluster.client.count(index=index)["count"] >= 1500:
            break
        time.sleep(0.1)
    assert run.poll() is None, "the run finished before a node could be killed; index more articles"
    cluster.kill(2)
    out, err = run.communicate(timeout=600)
    if run.returncode != 0:
        assert run.returncode == 3, (out, err)
        again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr
    assert cluster.client.cluster.health()["number_of_nodes"] == NODES - 1
    cluster.client.indices.refresh(index=index)
    assert cluster.client.count(index=index)["count"] == len(ids) == 8000


def test_scan_reports_every_article_once_when_a_node_is_killed(whole_cluster, tmp_path):
    cluster, prefix = whole_cluster
    ids = _write_reuters(tmp_path / "archive.jsonl", 300)
    store = ["--es-url", cluster.url, "--index", prefix]
    indexed = _attrib("index", str(tmp_path / "archive.jsonl"), *store, "--no-progress", env={"ATTRIB_ES_SHARDS": "3", "ATTRIB_ES_REPLICAS": "1"})
    assert indexed.returncode == 0, indexed.stderr
    settings = cluster.client.indices.get_settings(index=f"{prefix}-articles")[f"{prefix}-articles"]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("3", "1")
    cluster.whole()

    out = tmp_path / "scan"
    command = [sys.executable, "-m", "attrib", "scan", str(tmp_path / "archive.jsonl"), "-o", str(out), *store, "--workers", "2", "--no-progress"]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while _lines(out / "reports.jsonl") < 60 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the scan finished before a node could be killed"
    cluster.kill(1)
    stdout, stderr = run.communicate(timeout=600)
    if run.returncode != 0:
        again = _attrib(*command[3:], timeout=600)
        assert again.returncode == 0, (stderr, again.stderr)
    reported = [json.loads(line)["article"]["id"] for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(reported) == len(set(reported)) == 300
    assert set(reported) == set(ids)


def _probe(tmp_path: Path, source_text: str, title: str | None) -> Path:
    """A later article of another outlet that copies most of ``source_text``."""
    cut = source_text[: int(len(source_text) * 0.7)]
    probe = {
        "id": "probe",
        "text": "Officials said on Monday that the talks had stalled again.\n" + cut,
        "title": title,
        "outlet": "Daily Copy",
        "published_at": "1990-01-01T00:00:00+00:00",
    }
    path = tmp_path / "probe.json"
    path.write_text(json.dumps(probe), encoding="utf-8")
    return path


def _verdict(check: subprocess.CompletedProcess) -> dict:
    """The report without what may differ between two runs on the same data: timings and
    retrieval scores (a replica's shard statistics are not its primary's)."""
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout)
    report.pop("timings_ms")
    for source in report["sources"]:
        source.pop("retrieval_score")
    return report


def _source_story(tmp_path: Path, n: int) -> tuple[list[str], dict]:
    ids = _write_reuters(tmp_path / "archive.jsonl", n)
    stories = [json.loads(line) for line in (tmp_path / "archive.jsonl").read_text(encoding="utf-8").splitlines()]
    # A long story with quotes, so that the quote search runs too.
    story = next(s for s in stories if len(s["text"]) > 2000 and s["text"].count('"') >= 2 and "said" in s["text"])
    return ids, story


def test_check_gives_the_same_verdict_while_a_node_is_down(whole_cluster, tmp_path):
    cluster, prefix = whole_cluster
    _, story = _source_story(tmp_path, 300)
    store = ["--es-url", cluster.url, "--index", prefix]
    indexed = _attrib("index", str(tmp_path / "archive.jsonl"), *store, "--no-progress", env={"ATTRIB_ES_SHARDS": "3", "ATTRIB_ES_REPLICAS": "1"})
    assert indexed.returncode == 0, indexed.stderr
    cluster.whole()
    probe = _probe(tmp_path, story["text"], story["title"])
    check = [str(probe), *store, "--format", "json"]

    before = _verdict(_attrib("check", *check))
    assert before["verdict"] == "copied" and before["likely_original"]["id"] == story["id"]
    # The node with the original's primary, unless that is node 0; then its replica's.
    holders = cluster.node_names(f"{prefix}-articles", story["id"])
    victim = next((name for name, primary in holders.items() if primary and name != "node-0"), None)
    victim = victim or next(name for name in holders if name != "node-0")
    cluster.kill(int(victim.split("-")[1]))

    assert _verdict(_attrib("check", *check)) == before  # before the cluster may have noticed
    health = cluster.client.cluster.health(wait_for_nodes=str(NODES - 1), timeout="60s")
    assert health["number_of_nodes"] == NODES - 1, health
    assert _verdict(_attrib("check", *check)) == before


def test_check_refuses_to_answer_from_part_of_an_index(whole_cluster, tmp_path):
    """With no replica, a node's loss takes its shards' articles away: a check must say it
    cannot answer (exit 3, as for an unreachable cluster) instead of "no source"."""
    cluster, prefix = whole_cluster
    _, story = _source_story(tmp_path, 300)
    store = ["--es-url", cluster.url, "--index", prefix]
    init = _attrib("init", *store, "--shards", "3", "--replicas", "0")
    assert init.returncode == 0, init.stderr
    index = f"{prefix}-articles"
    # Keep the shards off node 0, so that killing the original's node leaves the rest answering.
    cluster.client.indices.put_settings(index=index, settings={"index.routing.allocation.exclude._name": "node-0"})
    health = cluster.client.cluster.health(index=index, wait_for_status="green", wait_for_no_relocating_shards=True, timeout="60s")
    assert health["status"] == "green", health
    indexed = _attrib("index", str(tmp_path / "archive.jsonl"), *store, "--no-progress")
    assert indexed.returncode == 0, indexed.stderr
    probe = _probe(tmp_path, story["text"], story["title"])
    check = [str(probe), *store, "--format", "json"]
    assert _verdict(_attrib("check", *check))["likely_original"]["id"] == story["id"]

    (holder,) = cluster.node_names(index, story["id"])
    assert holder != "node-0"
    cluster.kill(int(holder.split("-")[1]))
    cluster.client.cluster.health(wait_for_nodes=str(NODES - 1), timeout="60s")
    shards = cluster.client.options(ignore_status=503).count(index=index)["_shards"]
    assert 0 < shards["successful"] < shards["total"]  # some shards answer: a partial answer is possible

    refused = _attrib("check", *check)
    assert refused.returncode == 3, (refused.stdout, refused.stderr)
    assert refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot answer in full" in lines[0] and "shard" in lines[0], refused.stderr
