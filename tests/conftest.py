"""Test fixtures: one real Elasticsearch cluster for the whole session.

The cluster is chosen in this order:

1. ``ATTRIB_ES_URL``, when set (any existing cluster; it must answer);
2. testcontainers' Elasticsearch module, when a Docker engine answers;
3. ``scripts/es-local``, a real Elasticsearch started from Maven Central artifacts.

``ATTRIB_ES_VERSION`` (8, 9 or an exact version such as 9.0.0; default 8, i.e. 8.19.21)
picks the version the session starts, in Docker or with es-local; with ``ATTRIB_ES_URL`` it
is what the given cluster must run (tests/integration/test_cluster.py checks either way).

The cluster is only started when an integration test asks for it, so ``pytest tests/unit``
needs no server. When no cluster can be had the integration tests error: they never skip.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ES_LOCAL = ROOT / "scripts" / "es-local"
ES_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch:{version}"


def es_local_module():
    """scripts/es-local as a module (its version table and version parsing)."""
    if "es_local" in sys.modules:
        return sys.modules["es_local"]
    loader = importlib.machinery.SourceFileLoader("es_local", str(ES_LOCAL))
    spec = importlib.util.spec_from_loader("es_local", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["es_local"] = module  # its dataclass looks its module up there
    loader.exec_module(module)
    return module


def wanted_es_version() -> str | None:
    """``ATTRIB_ES_VERSION`` as given (8, 9 or X.Y.Z), or None for es-local's default."""
    return os.environ.get("ATTRIB_ES_VERSION", "").strip() or None


def es_local_version_args() -> list[str]:
    """The ``scripts/es-local start`` arguments for the version this session tests."""
    wanted = wanted_es_version()
    return ["--version", wanted] if wanted else []


def resolved_es_version() -> str:
    """The exact version ``ATTRIB_ES_VERSION`` names (es-local's default when unset)."""
    es_local = es_local_module()
    try:
        return es_local.resolve_version(wanted_es_version())
    except es_local.EsLocalError as e:
        pytest.exit(f"ATTRIB_ES_VERSION: {e}", returncode=4)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/integration/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)


def _docker_engine_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=15).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _check_reachable(url: str) -> None:
    from elasticsearch import Elasticsearch

    client = Elasticsearch(url, request_timeout=10)
    try:
        client.info()
    except Exception as e:  # noqa: BLE001 - any failure means the given cluster is unusable
        pytest.exit(f"ATTRIB_ES_URL={url} does not answer: {type(e).__name__}: {e}", returncode=3)
    finally:
        client.close()


def announce(config: pytest.Config, message: str) -> None:
    """Show ``message`` on the terminal now, even with output captured: a cluster start
    is a minute of silence otherwise."""
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        if reporter is not None:
            reporter.write_line(message)
        else:
            print(message, file=sys.__stderr__, flush=True)


@pytest.fixture(scope="session")
def es_url(tmp_path_factory, pytestconfig) -> str:
    """URL of a real Elasticsearch cluster (8.x unless ATTRIB_ES_VERSION says) for this test session."""
    given = os.environ.get("ATTRIB_ES_URL")
    if given:
        _check_reachable(given)
        yield given
        return
    if _docker_engine_answers():
        from testcontainers.elasticsearch import ElasticSearchContainer

        image = ES_IMAGE.format(version=resolved_es_version())
        announce(pytestconfig, f"starting Elasticsearch in Docker ({image}) for the integration tests…")
        with ElasticSearchContainer(image, mem_limit="2g") as container:
            yield container.get_url()
        return
    data = tmp_path_factory.mktemp("es-local")
    script = ES_LOCAL
    announce(
        pytestconfig,
        f"building and starting a local Elasticsearch {resolved_es_version()} with scripts/es-local for the integration tests "
        "(about a minute; the first time also downloads it from Maven Central)…",
    )
    start = subprocess.run(
        [sys.executable, str(script), "start", *es_local_version_args(), "--http-port", "auto", "--data", str(data)],
        capture_output=True,
        text=True,
    )
    if start.returncode != 0:
        pytest.fail(f"could not start a local Elasticsearch: {start.stderr.strip()}", pytrace=False)
    try:
        yield start.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([sys.executable, str(script), "stop", "--data", str(data)], capture_output=True)


@pytest.fixture
def es_client(es_url):
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_url, request_timeout=60)
    yield client
    client.close()


@pytest.fixture
def index_prefix(es_client) -> str:
    """A unique index-name prefix for one test; its indices and templates are removed after it."""
    prefix = f"attrib-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    # Clusters refuse wildcard deletes by default (action.destructive_requires_name).
    names = list(es_client.indices.get(index=f"{prefix}*", expand_wildcards="all"))
    if names:
        es_client.indices.delete(index=",".join(names))
    templates = es_client.options(ignore_status=404).indices.get_index_template(name=f"{prefix}*")
    for template in templates.get("index_templates", []) if templates else []:
        es_client.indices.delete_index_template(name=template["name"])


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"evaluation data not found at {SHARED} (the repository's sibling folder shared/)", pytrace=False)
    return SHARED
