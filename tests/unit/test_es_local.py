"""scripts/es-local's choice of Elasticsearch version, runner sources and Java (no JVM is
started: the Javas here are scripts that print a version)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.conftest import es_local_module

es_local = es_local_module()


def fake_java(home: Path, version: str) -> Path:
    java = home / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f'#!/bin/sh\necho \'openjdk version "{version}" 2026-01-01\' >&2\n')
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    return java


@pytest.fixture
def javas(tmp_path, monkeypatch):
    """No JAVA_HOME, a PATH with no java, and an empty /usr/lib/jvm stand-in."""
    jvm = tmp_path / "jvm"
    jvm.mkdir()
    monkeypatch.setattr(es_local, "JVM_DIR", jvm)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    return tmp_path


def test_majors_name_their_versions_and_exact_ones_pass_through():
    assert es_local.resolve_version(None) == "8.19.21"
    assert es_local.resolve_version("8") == "8.19.21"
    assert es_local.resolve_version("9") == "9.5.3"
    assert es_local.resolve_version("9.0.0") == "9.0.0"
    for bad in ("7", "7.17.0", "10.0.0", "9.x", "latest"):
        with pytest.raises(es_local.EsLocalError, match="--version takes"):
            es_local.resolve_version(bad)


def test_each_version_gets_its_own_runner_folder_and_plugin_api_sources():
    assert es_local.runner_dir("8.19.21") != es_local.runner_dir("9.5.3")
    assert es_local.api_sources("8.19.21") == "api-8.0"
    assert es_local.api_sources("9.0.0") == "api-8.0"
    assert es_local.api_sources("9.3.4") == "api-8.0"
    assert es_local.api_sources("9.4.0") == "api-9.4"
    assert es_local.api_sources("9.5.3") == "api-9.4"
    for name in ("api-8.0", "api-9.4"):
        assert (es_local.RUNNER / "src" / name / "java").is_dir()


def test_java_on_path_serves_8_and_a_newer_jdk_is_found_for_9(javas, monkeypatch):
    path_java = fake_java(javas / "path-jdk", "17.0.15")
    monkeypatch.setenv("PATH", str(path_java.parent))
    fake_java(javas / "jvm" / "temurin-25", "25.0.3")
    fake_java(javas / "jvm" / "openjdk-21", "21.0.9")

    java8 = es_local.java_for("8.19.21")
    assert (java8.major, java8.found) == (17, "java on PATH")
    java9 = es_local.java_for("9.5.3")
    assert java9.major == 21  # the oldest new enough, not the newest
    assert java9.home == (javas / "jvm" / "openjdk-21").resolve()
    assert "found under" in java9.describe() and "Java 21" in java9.describe()


def test_java_home_comes_first_when_new_enough(javas, monkeypatch):
    fake_java(javas / "jvm" / "openjdk-21", "21.0.9")
    monkeypatch.setenv("JAVA_HOME", str(fake_java(javas / "home-jdk", "25.0.3").parent.parent))
    assert es_local.java_for("9.5.3").found == "JAVA_HOME"
    monkeypatch.setenv("JAVA_HOME", str(fake_java(javas / "old-home", "17.0.2").parent.parent))
    assert es_local.java_for("9.5.3").major == 21  # too old for 9: passed over


def test_no_java_new_enough_says_what_was_found(javas, monkeypatch):
    fake_java(javas / "jvm" / "openjdk-17", "17.0.15")
    monkeypatch.setenv("PATH", str(fake_java(javas / "legacy", "1.8.0_402").parent))
    with pytest.raises(es_local.EsLocalError) as caught:
        es_local.java_for("9.5.3")
    message = str(caught.value)
    assert "Elasticsearch 9.5.3 needs Java 21 or newer" in message
    assert "Java 8 (java on PATH)" in message and "Java 17 (found under" in message
