"""`attrib scan --dask` on the embedded store: the same reports as a scan on this
machine, resume by partition, and a worker process killed mid-scan."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster  # noqa: E402

from attrib.cli import main  # noqa: E402
from attrib.config import Config  # noqa: E402
from attrib.dask_scan import dask_scan, plan_partitions  # noqa: E402
from attrib.detect import CheckOptions  # noqa: E402
from tests.dask_kill import scan_killing_a_worker, scan_reports, verdicts  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent.parent / "shared"
REUTERS = SHARED / "data" / "reuters21578" / "reuters21578.jsonl"
FIELDS = ["--field", "text=body", "--field", "id=newid", "--field", "title=title"]
STORIES = 2000
FIELD_MAP = {"text": "body", "id": "newid", "title": "title"}


@pytest.fixture(scope="module")
def reuters(tmp_path_factory):
    """The first 2,000 Reuters stories with a body, indexed into an embedded store, and
    the same lines again with two bad records among them."""
    folder = tmp_path_factory.mktemp("reuters")
    lines = []
    with open(REUTERS, encoding="utf-8") as handle:
        for line in handle:
            if (json.loads(line).get("body") or "").strip():
                lines.append(line)
                if len(lines) == STORIES:
                    break
    archive = folder / "reuters.jsonl"
    archive.write_text("".join(lines[:700] + ["{broken\n"] + lines[700:1500] + ['{"newid": 1}\n'] + lines[1500:]))
    db = folder / "attrib.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("ATTRIB_ES_URL", raising=False)
        assert main(["index", str(archive), "--db", str(db), "--no-progress", *FIELDS]) == 4
    return archive, db


@pytest.fixture(autouse=True)
def _embedded(monkeypatch):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)


def test_partitions_cover_every_line_once(reuters):
    archive, _ = reuters
    plan = plan_partitions([archive], 100_000)
    assert len(plan) > 10
    data = archive.read_bytes()
    assert plan[0].start == 0 and plan[-1].end == len(data)
    for before, after in zip(plan, plan[1:]):
        assert before.end == after.start and data[after.start - 1 : after.start] == b"\n"
        assert after.first_line == before.first_line + data[before.start : before.end].count(b"\n")


def test_dask_scan_matches_the_single_machine_scan(reuters, tmp_path, capsys):
    archive, db = reuters
    single, spread = tmp_path / "single", tmp_path / "dask"
    assert main(["scan", str(archive), "-o", str(single), "--db", str(db), "--workers", "2", "--no-progress", *FIELDS]) == 4
    capsys.readouterr()
    # real worker processes (--dask local), some 20 partitions
    assert main(["scan", str(archive), "-o", str(spread), "--db", str(db), "--dask", "local", "--dask-workers", "2",
                 "--partition-mb", "0.1", "--no-progress", *FIELDS]) == 4
    out = capsys.readouterr()
    assert f"checked {STORIES} (" in out.out and "bad records 2" in out.out
    expected, got = scan_reports(single), scan_reports(spread)
    assert len(got) == STORIES
    assert verdicts(got) == verdicts(expected)
    assert sum(r["verdict"] == "copied" for r in got.values()) > 10  # the comparison is not only of no_source
    assert (spread / "errors.jsonl").read_text() == (single / "errors.jsonl").read_text()
    assert [json.loads(line)["location"] for line in (spread / "errors.jsonl").read_text().splitlines()] == [
        f"{archive}:701", f"{archive}:1502"]
    assert sorted((spread / "summary.csv").read_text().splitlines()) == sorted((single / "summary.csv").read_text().splitlines())
    assert sorted(p.name for p in (spread / "reports").iterdir()) == sorted(p.name for p in (single / "reports").iterdir())


def test_resume_redoes_only_unfinished_partitions(reuters, tmp_path):
    archive, db = reuters
    small = tmp_path / "small.jsonl"
    small.write_text("".join(archive.read_text(encoding="utf-8").splitlines(keepends=True)[:120]))
    out = tmp_path / "scan"
    config = Config(db_path=db)

    def run():
        return list(dask_scan([small], out, config, CheckOptions(), workers=2, processes=False, partition_bytes=20_000,
                              fields=FIELD_MAP))

    first = run()
    assert sum(e.status == "checked" for e in first) == 120
    parts = sorted((out / "parts").glob("*.reports.jsonl"))
    assert len(parts) > 3
    # as a worker killed mid-partition leaves it: no reports part, a torn temporary
    lost = parts[1].read_text().count("\n")
    parts[1].unlink()
    torn = out / "parts" / f".{parts[1].name}.0123456789ab.tmp"
    torn.write_text('{"schema": "attrib.rep')
    (out / "reports.jsonl").write_text("torn")
    again = run()
    assert sum(e.status == "checked" for e in again) == lost
    assert sum(e.status == "skipped" for e in again) == 120 - lost
    assert not torn.exists()
    assert len(scan_reports(out)) == 120


def test_killed_worker_process_still_reports_every_article_once(reuters, tmp_path):
    archive, db = reuters
    part = tmp_path / "part.jsonl"
    part.write_text("".join(archive.read_text(encoding="utf-8").splitlines(keepends=True)[:400]))
    out = tmp_path / "scan"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        outcome, done_before = scan_killing_a_worker(
            client, out,
            lambda: list(dask_scan([part], out, Config(db_path=db), CheckOptions(), address=cluster.scheduler_address,
                                   partition_bytes=15_000, fields=FIELD_MAP)),
            wait=60, join=120,
        )
    planned = len(plan_partitions([part], 15_000))
    assert 0 < done_before < planned, "the worker was not killed in the middle of the scan"
    if "error" in outcome:  # allowed: a non-zero exit, then the same scan again
        outcome["events"] = list(dask_scan([part], out, Config(db_path=db), CheckOptions(), partition_bytes=15_000,
                                           workers=2, processes=False, fields=FIELD_MAP))
    reports = scan_reports(out)
    assert len(reports) == 400 and sum(e.status in ("checked", "skipped") for e in outcome["events"]) == 400
    assert not list((out / "parts").glob(".*.tmp"))


def test_a_dask_scan_and_a_single_machine_scan_never_share_a_folder(reuters, tmp_path, capsys):
    archive, db = reuters
    small = tmp_path / "small.jsonl"
    small.write_text("".join(archive.read_text(encoding="utf-8").splitlines(keepends=True)[:20]))
    out = tmp_path / "scan"
    common = [str(small), "-o", str(out), "--db", str(db), "--no-progress", *FIELDS]
    assert main(["scan", *common, "--workers", "1"]) == 0
    assert main(["scan", *common, "--dask", "local"]) == 2
    assert "holds a scan of other inputs or with other options" in capsys.readouterr().err
    assert main(["scan", "-", "-o", str(tmp_path / "other"), "--db", str(db), "--dask", "local"]) == 2
    assert "standard input cannot be split" in capsys.readouterr().err


def _stored(db: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """What a store holds: each article's text, and the candidates it gives for 30 of them."""
    from attrib.documents import prepare
    from attrib.store import open_store

    store = open_store(Config(db_path=db))
    try:
        texts = {a.id: a.text for a in store.iter_articles()}
        params = store.init()
        probes = sorted(texts)[:30]
        found = store.get(probes)
        candidates = {i: [c.id for c in store.candidates(prepare(found[i], params), limit=5)] for i in probes}
        return texts, candidates
    finally:
        store.close()


def test_dask_index_gives_the_same_results_and_store(reuters, tmp_path, capsys):
    archive, _ = reuters
    single, spread = tmp_path / "single.db", tmp_path / "dask.db"
    assert main(["index", str(archive), "--db", str(single), "--workers", "1", "--no-progress", *FIELDS]) == 4
    expected = capsys.readouterr()
    # real worker processes writing into one SQLite file
    assert main(["index", str(archive), "--db", str(spread), "--dask", "local", "--partition-mb", "0.2",
                 "--no-progress", *FIELDS]) == 4
    got = capsys.readouterr()
    assert got.out.replace(str(spread), "") == expected.out.replace(str(single), "")
    assert got.out.startswith(f"indexed {STORIES}, already indexed 0, skipped 2 bad record(s)")
    assert got.err == expected.err  # the bad records, by file and line
    assert _stored(spread) == _stored(single)
    assert main(["index", str(archive), "--db", str(spread), "--dask", "local", "--partition-mb", "0.2",
                 "--no-progress", *FIELDS]) == 4
    assert capsys.readouterr().out.startswith(f"indexed 0, already indexed {STORIES}")


def test_dask_index_with_a_killed_worker_lands_every_article_once(reuters, tmp_path):
    from attrib.dask_index import dask_index
    from attrib.store import open_store

    archive, _ = reuters
    db = tmp_path / "attrib.db"
    config = Config(db_path=db)
    events = []
    failed = None
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        store = open_store(config)
        try:
            for event in dask_index([archive], config, store, address=cluster.scheduler_address,
                                    partition_bytes=20_000, fields=FIELD_MAP):
                events.append(event)
                if len(events) == 1:  # the first partition is in: kill a worker while the others run
                    victim = sorted(client.scheduler_info()["workers"])[0]
                    os.kill(client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
        except Exception as e:  # noqa: BLE001 - allowed: a failed run, then the same again
            failed = e
        finally:
            store.close()
    if failed is not None:
        store = open_store(config)
        try:
            events = list(dask_index([archive], config, store, workers=2, processes=False, fields=FIELD_MAP))
        finally:
            store.close()
    results = [e for e in events if hasattr(e, "status")]
    assert len(results) == STORIES and len({r.id for r in results}) == STORIES
    assert {r.status.value for r in results} <= {"created", "exists"}
    texts, _ = _stored(db)
    assert len(texts) == STORIES
