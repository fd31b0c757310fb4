"""Scan workers cannot take the machine's memory: each has a cap derived from the memory
available, and a check that does not fit fails alone with a clear error."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import numpy as np
import pytest

from attrib import scan as scan_module
from attrib.cli import main
from attrib.corpora import bbc
from attrib.scan import MEMORY_SHARE, MIN_WORKER_MEMORY, WorkerPlan, plan_workers

SHARED = Path(__file__).resolve().parent.parent.parent.parent / "shared"
GIB = 1 << 30


def test_plan_splits_the_available_memory_between_the_workers():
    plan = plan_workers(4, 16 * GIB)
    assert plan == WorkerPlan(4, int(16 * GIB * MEMORY_SHARE) // 4, None)


def test_plan_runs_fewer_workers_when_memory_is_short():
    plan = plan_workers(4, 3 * GIB)
    assert plan.workers == int(3 * GIB * MEMORY_SHARE) // MIN_WORKER_MEMORY == 1
    assert plan.memory == int(3 * GIB * MEMORY_SHARE)
    assert "1 worker(s) instead of 4" in plan.note


def test_plan_keeps_one_worker_and_no_cap_without_a_figure():
    assert plan_workers(0, None) == WorkerPlan(1, None, None)
    assert plan_workers(3, None) == WorkerPlan(3, None, None)
    assert plan_workers(2, 0).workers == 1


def test_a_memory_error_fails_the_article_not_the_worker(monkeypatch):
    def too_big(article, store, options):
        raise MemoryError

    monkeypatch.setattr(scan_module, "check", too_big)
    monkeypatch.setitem(scan_module._worker, "store", None)
    monkeypatch.setitem(scan_module._worker, "options", None)
    monkeypatch.setitem(scan_module._worker, "memory", 1536 << 20)
    article = next(iter(bbc(SHARED / "data")))
    article_id, outcome = scan_module._check_one(article)
    assert article_id == article.id
    assert outcome == ("failed", "out of memory: the check did not fit within the 1,536 MB a scan worker may use")


@pytest.fixture
def archive(tmp_path, monkeypatch):
    monkeypatch.delenv("ATTRIB_ES_URL", raising=False)
    monkeypatch.setenv("ATTRIB_DB", str(tmp_path / "attrib.db"))
    articles = [a for a in bbc(SHARED / "data") if a.id.startswith("bbc/sport/")][:12]
    path = tmp_path / "archive.jsonl"
    path.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in articles), encoding="utf-8")
    assert main(["index", str(path), "--no-progress"]) == 0
    return path, [a.id for a in articles]


@pytest.mark.parametrize(("workers", "available", "run"), [("1", 2, 1), ("2", 4, 2), ("2", 2, 1)])
def test_a_check_over_the_cap_fails_alone_and_the_scan_goes_on(archive, tmp_path, monkeypatch, capsys, caplog,
                                                                 workers, available, run):
    path, ids = archive
    greedy = ids[3]
    real_check = scan_module.check

    def check(article, store, options):
        if article.id == greedy:
            # 4 GiB of address space, never touched: harmless without a cap, refused under one
            np.empty(4 * GIB, dtype=np.uint8)
        return real_check(article, store, options)

    monkeypatch.setattr(scan_module, "check", check)  # forked workers inherit it
    monkeypatch.setattr(scan_module, "available_memory", lambda: available * GIB)  # 1.6 GiB a worker
    before = resource.getrlimit(resource.RLIMIT_AS)
    out = tmp_path / "scan"
    # exit 1: an article failed; the scan itself ran to the end
    assert main(["scan", str(path), "--output", str(out), "--workers", workers, "--no-progress"]) == 1
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # the scanning process gets its limit back
    assert "failed 1" in capsys.readouterr().out
    # the warning goes to the attrib logger (stderr when logging is not set up)
    assert ("1 worker(s) instead of 2" in caplog.text) == (run < int(workers))
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["location"] for e in errors] == [greedy]
    assert errors[0]["error"] == "out of memory: the check did not fit within the 1,638 MB a scan worker may use"
    reported = {json.loads(line)["article"]["id"] for line in (out / "reports.jsonl").read_text().splitlines()}
    assert reported == set(ids) - {greedy}
