"""Prometheus metrics of one app: requests, latencies, check stages, queue depth.

Each app has its own registry. Under ``attrib serve --workers N`` every worker process
counts its own requests; set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder to have
``/metrics`` add them all up (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import CONTENT_TYPE_LATEST  # noqa: F401 - re-exported for the app

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("attrib_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "attrib_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"],
            buckets=_LATENCY_BUCKETS, registry=self.registry,
        )
        self.stages = Histogram(
            "attrib_check_stage_duration_seconds", "Time spent in each stage of a check", ["stage"],
            buckets=_LATENCY_BUCKETS, registry=self.registry,
        )
        self.checks = Counter("attrib_checks", "Articles checked, by verdict", ["verdict"], registry=self.registry)
        self.refused = Counter("attrib_check_refused", "Checks refused or abandoned", ["reason"], registry=self.registry)
        self.queue = Gauge("attrib_check_queue_jobs", "Check jobs running or waiting", registry=self.registry,
                           multiprocess_mode="livesum")

    def observe_report(self, report) -> None:
        self.checks.labels(report.verdict.value).inc()
        for stage, ms in report.timings_ms.items():
            self.stages.labels(stage).observe(ms / 1000.0)

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)
