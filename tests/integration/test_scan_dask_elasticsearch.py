"""`attrib scan --dask local` (a LocalCluster of 2 worker processes) against a real
Elasticsearch index of 2 shards: a scan of Reuters stories from their file, and a scan
of the index itself (--from-index, cut into slices of point-in-time searches), each
give the verdicts and originals of the single-machine scan; an interrupted
--from-index scan resumes by slice, and one with a worker process killed mid-scan still
reports every article once."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from attrib.cli import main  # noqa: E402
from attrib.config import Config  # noqa: E402
from attrib.dask_scan import dask_scan_partitions, plan_slices  # noqa: E402
from attrib.detect import CheckOptions  # noqa: E402
from attrib.store.elastic import ElasticsearchStore  # noqa: E402
from tests.dask_kill import scan_killing_a_worker, scan_reports, verdicts  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

REUTERS = ROOT.parent / "shared" / "data" / "reuters21578" / "reuters21578.jsonl"
STORIES = 2000
"""Stories with a body, from the start of the set: enough for re-issued wire stories
(verdict copied) among them."""


def _slice(parts: int) -> int:
    """Articles per slice for a plan of ``parts`` slices."""
    return -(-STORIES // parts)
FIELDS = ["--field", "text=body", "--field", "id=newid", "--field", "title=title"]


@pytest.fixture(scope="module")
def indexed(es_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reuters-es")
    lines = []
    with open(REUTERS, encoding="utf-8") as handle:
        for line in handle:
            if (json.loads(line).get("body") or "").strip():
                lines.append(line)
                if len(lines) == STORIES:
                    break
    archive = folder / "reuters.jsonl"
    archive.write_text("".join(lines), encoding="utf-8")
    prefix = f"attrib-test-{uuid.uuid4().hex[:10]}"
    store = ElasticsearchStore(Config(es_url=es_url, index=prefix, shards=2))
    store.init()  # two shards: the slices of a point-in-time search span both
    try:
        assert main(["index", str(archive), "--es-url", es_url, "--index", prefix, "--no-progress", *FIELDS]) == 0
        yield archive, prefix
    finally:
        store.delete_all()
        store.close()


def _same(single: Path, spread: Path) -> None:
    expected, got = scan_reports(single), scan_reports(spread)
    assert len(got) == STORIES and got.keys() == expected.keys()
    assert verdicts(got) == verdicts(expected)
    assert sum(r["verdict"] == "copied" for r in got.values()) > 5  # not only no_source compared
    assert sorted((spread / "summary.csv").read_text().splitlines()) == sorted((single / "summary.csv").read_text().splitlines())
    assert sorted(p.name for p in (spread / "reports").iterdir()) == sorted(p.name for p in (single / "reports").iterdir())


def test_dask_scan_of_files_and_of_the_index_match_the_single_machine_scan(indexed, es_url, tmp_path, capsys):
    archive, prefix = indexed
    store = ["--es-url", es_url, "--index", prefix, "--no-progress"]
    single = tmp_path / "single"
    assert main(["scan", str(archive), "-o", str(single), "--workers", "2", *store, *FIELDS]) == 0
    files = tmp_path / "files"
    assert main(["scan", str(archive), "-o", str(files), "--dask", "local", "--dask-workers", "2",
                 "--partition-mb", "0.2", *store, *FIELDS]) == 0
    assert len(list((files / "parts").glob("*.reports.jsonl"))) > 2
    _same(single, files)

    capsys.readouterr()
    single_index, spread_index = tmp_path / "single-index", tmp_path / "index"
    assert main(["scan", "--from-index", "-o", str(single_index), "--workers", "2", *store]) == 0
    assert main(["scan", "--from-index", "-o", str(spread_index), "--dask", "local", "--dask-workers", "2",
                 "--slice-articles", str(_slice(6)), *store]) == 0
    assert f"checked {STORIES} (" in capsys.readouterr().out
    plan = json.loads((spread_index / "parts" / "plan.json").read_text())
    assert len(plan) == 6 and {p["slices"] for p in plan} == {6}
    _same(single_index, spread_index)


def test_from_index_dask_scan_resumes_by_slice(indexed, es_url, tmp_path, capsys):
    _, prefix = indexed
    out = tmp_path / "scan"
    command = ["scan", "--from-index", "-o", str(out), "--dask", "local", "--dask-workers", "2", "--slice-articles", str(_slice(4)),
               "--es-url", es_url, "--index", prefix, "--no-progress"]
    assert main(command) == 0
    parts = sorted((out / "parts").glob("*.reports.jsonl"))
    assert len(parts) == 4
    # as a worker killed mid-slice leaves it: no reports part, a torn temporary
    lost = parts[2].read_text().count("\n")
    parts[2].unlink()
    (out / "parts" / f".{parts[2].name}.0123456789ab.tmp").write_text('{"schema": "attrib.rep')
    capsys.readouterr()
    assert main(command) == 0
    said = capsys.readouterr().out
    assert f"checked {lost} (" in said and f"resumed past {STORIES - lost}," in said
    assert len(scan_reports(out)) == STORIES
    assert not list((out / "parts").glob(".*.tmp"))


def test_from_index_dask_scan_with_a_killed_worker_reports_every_article_once(indexed, es_url, tmp_path):
    from distributed import Client, LocalCluster

    _, prefix = indexed
    config = Config(es_url=es_url, index=prefix)
    plan, total = plan_slices(config, slice_articles=_slice(10))
    assert total == STORIES and len(plan) == 10
    out = tmp_path / "scan"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        outcome, done_before = scan_killing_a_worker(
            client, out,
            lambda: list(dask_scan_partitions(plan, out, config, CheckOptions(), cut={"slice_articles": _slice(10)},
                                              address=cluster.scheduler_address)),
            wait=120, join=300,
        )
    assert 0 < done_before < len(plan), "the worker was not killed in the middle of the scan"
    if "error" in outcome:  # allowed: a failed run, then the same scan again
        outcome["events"] = list(dask_scan_partitions(plan, out, config, CheckOptions(), cut={"slice_articles": _slice(10)},
                                                      workers=2, processes=False))
    assert len(scan_reports(out)) == STORIES
    assert sum(e.status in ("checked", "skipped") for e in outcome["events"]) == STORIES
    assert not list((out / "parts").glob(".*.tmp"))


def test_from_index_dask_scan_on_the_embedded_store_says_why_not(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    db = tmp_path / "attrib.db"
    assert main(["scan", "--from-index", "-o", str(tmp_path / "out"), "--db", str(db), "--dask", "local"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "embedded store" in err and "--dask" in err
