#!/usr/bin/env python3
"""Check throughput and latency through `attrib serve`, against the same checks in-process.

Indexes the archive scripts/bench_check.py uses (BBC News, Reuters-21578 and the seed
article 000: 21,269 articles) unless the index already holds it, starts `attrib serve` on
a free loopback port, and sends the same fixed sample of articles (each checked excluding
itself) to POST /v1/check from 1, 8 and 32 concurrent clients (a bounded asyncio client:
that many connections, each sending its next check when the last one answered). Between
served runs it checks the same sample in this process, one after another, as
bench_check.py does: rounds of in-process, served at each concurrency, in-process, ... so
the served/in-process ratio compares runs taken under the same machine load. Then GET
/v1/search with words from the sample's titles, at the same concurrencies.

Prints, per run: checks (or searches) per second, latency p50 and p99 in milliseconds,
errors (any answer but 200, or no answer), checks naming a likely source (the served and
in-process counts must agree), and the CPU per request of the server's processes, of this
process (the client, or the whole check in-process) and of Elasticsearch (its node
processes, when they run on this machine), with the share of two cores they took. At the
end: the service's targets (at 8 clients, at least 80% of the in-process checks per
second over the session and p99 under 500 ms; /v1/search p50 under 50 ms; no errors) and
whether each was met.

Without --es-url it starts a cluster of its own, a cold JVM that has just indexed: its
first minutes are several times slower (Elasticsearch CPU 20 to 40 ms per check instead of
about 5). For steady figures start one with scripts/es-local, run once to index, and
measure on the second run.

  python scripts/bench_serve.py [--data ../shared/data] [--es-url URL] [--workers 1] [--clients 1,8,32] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from benchlib import DEFAULT_DATA, ROOT, check_archive, check_sample, cluster, ensure_indexed, machine, percentile

from attrib.article import Article
from attrib.config import Config
from attrib.detect import CheckOptions, check
from attrib.errors import AttribError
from attrib.store.elastic import ElasticsearchStore

try:
    import httpx
    from tqdm import tqdm
except ImportError as e:  # pragma: no cover - depends on the environment
    raise SystemExit(f"bench_serve: {e.name} is missing: pip install -e '.[serve,bench]'") from None

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """One pass over the sample: what each request took and what came back."""

    what: str
    clients: int
    wall: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    sources: int = 0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    es_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else float("nan")

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def line(self) -> str:
        n = len(self.latencies)
        errors = sum(self.errors.values())
        detail = f" ({', '.join(f'{k}: {v}' for k, v in sorted(self.errors.items()))})" if errors else ""
        cpu = (f"; CPU per request: server {self.server_cpu / n * 1000:.1f} ms, {'client' if self.what != 'in-process' else 'check'} "
               f"{self.client_cpu / n * 1000:.1f} ms, Elasticsearch {self.es_cpu / n * 1000:.1f} ms" if n else "")
        return (f"{self.what:9s} {self.clients:3d} client(s): {self.rate:7.1f}/s  p50 {percentile(self.latencies, 50):6.1f} ms  "
                f"p99 {percentile(self.latencies, 99):6.1f} ms  errors {errors}{detail}  sources {self.sources}{cpu}")


# -- the server ------------------------------------------------------------------------


def process_cpu(pids: set[int]) -> float:
    """User and system CPU seconds of these processes so far, from /proc."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`attrib serve` from this repository in a subprocess, its log in a temporary file."""

    def __init__(self, es_url: str, index: str, workers: int, check_threads: int | None, check_queue: int | None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "attrib", "serve", "--es-url", es_url, "--index", index, "--port", str(self.port),
                   "--workers", str(workers), "--log-level", "warning"]
        if check_threads is not None:
            command += ["--check-threads", str(check_threads)]
        if check_queue is not None:
            command += ["--check-queue", str(check_queue)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        self.log = tempfile.NamedTemporaryFile(prefix="attrib-bench-serve-", suffix=".log", delete=False)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def last_log_line(self) -> str:
        lines = Path(self.log.name).read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "(no output)"

    def wait_ready(self, timeout: float = 120.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench_serve: attrib serve exited ({self.process.returncode}): {self.last_log_line()}")
            try:
                answer = httpx.get(f"{self.url}/readyz", timeout=5)
                if answer.status_code == 200:
                    return answer.json()["articles"]
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise SystemExit(f"bench_serve: attrib serve did not answer /readyz within {timeout:.0f} s: {self.last_log_line()}")

    def cpu_seconds(self) -> float:
        """User and system CPU of the server process and all its descendants (uvicorn's
        workers), from /proc."""
        return process_cpu(self.tree())

    def tree(self) -> set[int]:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, frontier = {self.process.pid}, [self.process.pid]
        while frontier:
            pid = frontier.pop()
            for child, parent in parents.items():
                if parent == pid and child not in tree:
                    tree.add(child)
                    frontier.append(child)
        return tree

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        os.unlink(self.log.name)


# -- the runs --------------------------------------------------------------------------


class Meter:
    """CPU seconds used so far by this process, the server's processes and Elasticsearch."""

    def __init__(self, es_url: str, server: "Server | None" = None):
        self.server = server
        self.es_pids = self._es_pids(es_url)

    @staticmethod
    def _es_pids(es_url: str) -> set[int]:
        """The node processes of a cluster on this machine (its nodes' stats refresh only
        once a second, too seldom for runs of a few seconds; /proc is exact)."""
        try:
            nodes = httpx.get(f"{es_url}/_nodes/process", timeout=10).json()["nodes"].values()
            pids = {int(node["process"]["id"]) for node in nodes}
        except (httpx.HTTPError, KeyError, ValueError):
            return set()
        return pids if all(Path(f"/proc/{pid}/stat").exists() for pid in pids) else set()

    def es_cpu(self) -> float:
        return process_cpu(self.es_pids) if self.es_pids else float("nan")

    def read(self) -> tuple[float, float, float]:
        t = os.times()
        return t.user + t.system, self.server.cpu_seconds() if self.server else 0.0, self.es_cpu()

    def charge(self, run: Run, before: tuple[float, float, float]) -> None:
        own, server, es = self.read()
        run.client_cpu, run.server_cpu, run.es_cpu = own - before[0], server - before[1], es - before[2]


def in_process(meter: Meter, store: ElasticsearchStore, sample: list[Article], options: CheckOptions) -> Run:
    run = Run("in-process", 1)
    before = meter.read()
    started = time.perf_counter()
    for article in tqdm(sample, desc="in-process checks", unit="check", leave=False):
        t = time.perf_counter()
        report = check(article, store, options)
        run.latencies.append((time.perf_counter() - t) * 1000)
        run.sources += report.original is not None
    run.wall = time.perf_counter() - started
    meter.charge(run, before)
    return run


async def _served(meter: Meter, server: Server, what: str, clients: int, requests: list[Callable[[httpx.AsyncClient], object]],
                  count_source: bool) -> Run:
    run = Run(what, clients)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    pending = iter(requests)
    progress = tqdm(total=len(requests), desc=f"{what}, {clients} client(s)", unit="req", leave=False)

    async def client_loop(client: httpx.AsyncClient) -> None:
        for request in pending:
            t = time.perf_counter()
            try:
                answer = await request(client)  # type: ignore[misc]
            except httpx.HTTPError as e:
                run.error(type(e).__name__)
                progress.update()
                continue
            body = await answer.aread()
            elapsed = (time.perf_counter() - t) * 1000
            if answer.status_code != 200:
                run.error(f"HTTP {answer.status_code}")
            else:
                run.latencies.append(elapsed)
                if count_source:
                    run.sources += json.loads(body)["likely_original"] is not None
            progress.update()

    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=120) as client:
        before = meter.read()
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        run.wall = time.perf_counter() - started
        meter.charge(run, before)
    progress.close()
    return run


def served_checks(meter: Meter, server: Server, sample: list[Article], clients: int) -> Run:
    headers = {"content-type": "application/json"}
    bodies = [json.dumps(article.to_dict()).encode() for article in sample]  # serialised once, outside the timing
    requests = [lambda c, b=b: c.post("/v1/check", content=b, headers=headers) for b in bodies]
    return asyncio.run(_served(meter, server, "check", clients, requests, count_source=True))


def served_searches(meter: Meter, server: Server, queries: list[str], clients: int) -> Run:
    requests = [lambda c, q=q: c.get("/v1/search", params={"q": q}) for q in queries]
    return asyncio.run(_served(meter, server, "search", clients, requests, count_source=False))


def search_queries(sample: list[Article]) -> list[str]:
    """Three words from each sampled article's title (its first line when it has none)."""
    queries = []
    for article in sample:
        words = (article.title or article.text.split("\n", 1)[0]).split()[:3]
        if words:
            queries.append(" ".join(words))
    return queries


# -- main ------------------------------------------------------------------------------


def _clients(value: str) -> list[int]:
    try:
        levels = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {value!r}") from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("each concurrency must be at least 1")
    return levels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder (default: %(default)s)")
    parser.add_argument("--es-url", help="an existing cluster (default: start scripts/es-local)")
    parser.add_argument("--index", default="bench-check", help="index prefix; reused when it already holds the archive (default: %(default)s, as bench_check.py)")
    parser.add_argument("--queries", type=int, default=400, help="sampled articles; each run checks all of them (default: %(default)s)")
    parser.add_argument("--clients", type=_clients, default=[1, 8, 32], help="concurrent clients, comma-separated (default: 1,8,32)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of in-process then served runs (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1, help="attrib serve --workers: server processes (default: %(default)s, as attrib serve; "
                        "on 2 cores shared with Elasticsearch a second did not raise throughput, docs/BENCHMARKS.md)")
    parser.add_argument("--check-threads", type=int, help="attrib serve --check-threads (default: the service's, 2 per process)")
    parser.add_argument("--check-queue", type=int, help="attrib serve --check-queue (default: the service's, 64 per process)")
    args = parser.parse_args()
    if args.rounds < 1 or args.workers < 1 or args.queries < 1:
        parser.error("--rounds, --workers and --queries must be at least 1")
    if not (args.data / "bbc").is_dir():
        raise SystemExit(f"bench_serve: no data at {args.data} (give --data, the shared data folder)")

    corpus = check_archive(args.data)
    sample = check_sample(corpus, args.data, args.queries)
    chosen = {a.id for a in sample}
    warm = [a for a in corpus if a.id not in chosen][:40]
    queries = search_queries(sample)
    options = CheckOptions()  # the service's defaults (attrib.service.app._options of an empty request)
    print(f"machine: {machine()}; load average at the start {os.getloadavg()[0]:.2f}")
    with cluster(args.es_url) as url:
        store = ElasticsearchStore(Config(es_url=url, index=args.index))
        ensure_indexed(store, corpus)
        server = Server(url, args.index, args.workers, args.check_threads, args.check_queue)
        try:
            articles = server.wait_ready()
            print(f"attrib serve --workers {args.workers} on {server.url}: {articles} articles; "
                  f"{len(sample)} checks a run, {len(queries)} searches a run, {args.rounds} round(s)")
            for article in warm[:20]:  # warm-up (connections, caches) on articles outside the sample
                check(article, store, options)
            meter = Meter(url, server)
            served_checks(meter, server, warm, max(args.clients))  # every worker process and thread handles some
            served_searches(meter, server, queries[:40], max(args.clients))
            runs: list[list[Run]] = []
            for _ in range(args.rounds):
                round_runs = [in_process(meter, store, sample, options)]
                print(round_runs[-1].line())
                for clients in args.clients:
                    round_runs.append(served_checks(meter, server, sample, clients))
                    print(round_runs[-1].line())
                for clients in args.clients:
                    round_runs.append(served_searches(meter, server, queries, clients))
                    print(round_runs[-1].line())
                runs.append(round_runs)
            final = in_process(meter, store, sample, options)  # closes the last round: every served run has in-process on both sides
            print(final.line())
        finally:
            server.stop()
        store.close()
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    summarise(runs, final, args.clients)


def summarise(runs: list[list[Run]], final: Run, levels: list[int]) -> None:
    """The figures over all rounds, and the targets."""
    inproc = [r[0] for r in runs] + [final]
    print("\nall rounds together (served / in-process: each round's served run against the mean of the in-process runs either side)")
    print("| run | clients | per second | p50 ms | p99 ms | errors | served / in-process | CPU ms per request: server + client + Elasticsearch | share of 2 cores |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|")
    total = lambda rs: sum(len(r.latencies) for r in rs) / sum(r.wall for r in rs)  # noqa: E731
    merged = lambda rs: [x for r in rs for x in r.latencies]  # noqa: E731

    def cpu(rs: list[Run]) -> str:
        n = sum(len(r.latencies) + sum(r.errors.values()) for r in rs)
        parts = [sum(getattr(r, f) for r in rs) for f in ("server_cpu", "client_cpu", "es_cpu")]
        share = sum(parts) / (2 * sum(r.wall for r in rs))
        return f"{' + '.join(f'{x / n * 1000:.1f}' for x in parts)} | {share:.0%}"
    print(f"| check in-process | 1 | {total(inproc):.1f} | {percentile(merged(inproc), 50):.1f} | {percentile(merged(inproc), 99):.1f} | 0 | | {cpu(inproc)} |")
    ratios: dict[int, list[float]] = {}
    results: dict[tuple[str, int], list[Run]] = {}
    for i, round_runs in enumerate(runs):
        beside = statistics.fmean([inproc[i].rate, inproc[i + 1].rate])
        for run in round_runs[1:]:
            results.setdefault((run.what, run.clients), []).append(run)
            if run.what == "check":
                ratios.setdefault(run.clients, []).append(run.rate / beside)
    for (what, clients), rs in results.items():
        errors = sum(sum(r.errors.values()) for r in rs)
        ratio = ", ".join(f"{x:.2f}" for x in ratios[clients]) if what == "check" else ""
        print(f"| {what} served | {clients} | {total(rs):.1f} | {percentile(merged(rs), 50):.1f} | {percentile(merged(rs), 99):.1f} | {errors} | {ratio} | {cpu(rs)} |")
    print("\ntargets")
    if ("check", 8) in results:
        eight = results[("check", 8)]
        ratio = total(eight) / total(inproc)
        print(f"  /v1/check at 8 clients >= 80% of in-process checks/s: {'met' if ratio >= 0.8 else 'NOT met'} "
              f"({total(eight):.1f} against {total(inproc):.1f}/s over the session: {ratio:.2f}; {', '.join(f'{x:.2f}' for x in ratios[8])} per round)")
        p99 = percentile(merged(eight), 99)
        print(f"  /v1/check p99 at 8 clients < 500 ms: {'met' if p99 < 500 else 'NOT met'} ({p99:.1f} ms)")
    for clients in levels:
        if clients != 8 and ("check", clients) in results:
            p99 = percentile(merged(results[("check", clients)]), 99)
            print(f"  /v1/check p99 at {clients} client(s) < 500 ms: {'holds' if p99 < 500 else 'does not hold'} ({p99:.1f} ms)")
    for clients in levels:
        if ("search", clients) in results:
            p50 = percentile(merged(results[("search", clients)]), 50)
            print(f"  /v1/search p50 at {clients} client(s) < 50 ms: {'met' if p50 < 50 else 'NOT met'} ({p50:.1f} ms)")
    errors = sum(sum(r.errors.values()) for rs in results.values() for r in rs)
    print(f"  no errors: {'met' if errors == 0 else f'NOT met ({errors} errors)'}")
    served_sources = {r.sources for (what, _), rs in results.items() if what == "check" for r in rs if not r.errors}
    if served_sources and served_sources != {final.sources}:
        print(f"  note: served checks named a likely source {sorted(served_sources)} times, in-process {final.sources}")


if __name__ == "__main__":
    try:
        main()
    except AttribError as e:  # an unreachable cluster, an index that cannot be made
        raise SystemExit(f"bench_serve: {e}") from None
