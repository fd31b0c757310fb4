"""The developer set-up: the README's local-cluster recipe, and the test session saying
out loud that it is starting one."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

pytest_plugins = ["pytester"]


def test_readme_takes_the_url_es_local_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "export ATTRIB_ES_URL=$(scripts/es-local start --http-port auto)" in readme
    assert "ATTRIB_ES_URL=http://127.0.0.1:9200" not in readme  # --http-port auto may pick another port


def test_announce_reaches_the_terminal_while_output_is_captured(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(
        """
        import pytest
        from tests.conftest import announce

        @pytest.fixture(scope="session")
        def cluster(pytestconfig):
            announce(pytestconfig, "STARTING-A-SLOW-CLUSTER")
            print("captured-print")
        """
    )
    pytester.makepyfile("def test_uses_cluster(cluster):\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "STARTING-A-SLOW-CLUSTER" in result.stdout.str()
    assert "captured-print" not in result.stdout.str()  # capture was on: a plain print stays hidden
