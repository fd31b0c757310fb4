from pathlib import Path

import pytest

from attrib import config as config_module
from attrib.config import Config
from attrib.errors import InputError
from attrib.store.elastic import make_client


def test_default_is_embedded():
    config = Config.from_env({})
    assert config.es_url is None and not config.uses_elasticsearch
    assert config.db_path == Path("attrib.db")
    assert config.describe_store() == "embedded store attrib.db"


def test_environment_then_flags():
    env = {"ATTRIB_ES_URL": "https://es.example:9200", "ATTRIB_INDEX": "news", "ATTRIB_ES_API_KEY": "abc"}
    config = Config.from_env(env, index="wires", replicas=None)
    assert config.es_url == "https://es.example:9200"
    assert config.index == "wires"  # a flag wins over the environment
    assert config.es_api_key == "abc"
    assert config.replicas == 0  # None flags leave the default alone


def test_shards_and_replicas_from_the_environment():
    config = Config.from_env({"ATTRIB_ES_SHARDS": "3", "ATTRIB_ES_REPLICAS": " 2 "})
    assert (config.shards, config.replicas) == (3, 2)
    assert Config.from_env({"ATTRIB_ES_REPLICAS": "2"}, replicas=1).replicas == 1  # a flag wins
    with pytest.raises(InputError) as info:
        Config.from_env({"ATTRIB_ES_REPLICAS": "two"})
    assert info.value.field == "ATTRIB_ES_REPLICAS" and "'two'" in str(info.value)
    with pytest.raises(InputError, match="shards must be at least 1"):
        Config.from_env({"ATTRIB_ES_SHARDS": "0"})


def test_credentials_never_shown():
    config = Config.from_env({"ATTRIB_ES_URL": "https://elastic:s3cret@es.example:9200", "ATTRIB_ES_PASSWORD": "pw"})
    assert "s3cret" not in config.describe_store()
    assert "s3cret" not in repr(config) and "s3cret" not in str(config)
    assert "es_url='https://elastic:***@es.example:9200'" in repr(config)
    assert "pw" not in repr(config).replace("es_url", "")
    ipv6 = Config.from_env({"ATTRIB_ES_URL": "http://u:p%40ss@[::1]:9200/prefix"})
    assert "es_url='http://u:***@[::1]:9200/prefix'" in repr(ipv6) and "p%40ss" not in repr(ipv6)


@pytest.mark.parametrize(
    "env, field",
    [
        ({"ATTRIB_ES_URL": "localhost:9200"}, "ATTRIB_ES_URL"),
        ({"ATTRIB_ES_URL": "http://[::1"}, "ATTRIB_ES_URL"),
        ({"ATTRIB_ES_URL": "http://es.example:port"}, "ATTRIB_ES_URL"),
        ({"ATTRIB_ES_VERIFY_CERTS": "maybe"}, "ATTRIB_ES_VERIFY_CERTS"),
        ({"ATTRIB_INDEX": "News Index"}, "index"),
    ],
)
def test_bad_values_name_their_field(env, field):
    with pytest.raises(InputError) as info:
        Config.from_env(env)
    assert info.value.field == field


def test_verify_certs_off():
    assert Config.from_env({"ATTRIB_ES_VERIFY_CERTS": "false"}).es_verify_certs is False


def test_malformed_url_error_hides_the_password():
    with pytest.raises(InputError) as info:
        Config.from_env({"ATTRIB_ES_URL": "http://elastic:s3cret@[::1"})
    assert "s3cret" not in str(info.value)


@pytest.fixture
def warnings_shown(monkeypatch):
    """Forget the warnings earlier tests printed (each is printed once per process)."""
    monkeypatch.setattr(config_module, "_warned", set())


@pytest.mark.parametrize(
    "env",
    [
        {"ATTRIB_ES_URL": "http://elastic:s3cret@es.example:9200"},
        {"ATTRIB_ES_URL": "http://es.example:9200", "ATTRIB_ES_USERNAME": "elastic", "ATTRIB_ES_PASSWORD": "s3cret"},
        {"ATTRIB_ES_URL": "http://es.example:9200", "ATTRIB_ES_API_KEY": "s3cret"},
    ],
)
def test_credentials_over_plain_http_warn_once(warnings_shown, capsys, env):
    config = Config.from_env(env)
    make_client(config)
    make_client(config)
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "credentials sent over plain http" in err and "s3cret" not in err


def test_no_warning_for_https_or_without_credentials(warnings_shown, capsys):
    make_client(Config.from_env({"ATTRIB_ES_URL": "https://elastic:s3cret@es.example:9200"}))
    make_client(Config.from_env({"ATTRIB_ES_URL": "http://127.0.0.1:9200"}))
    assert capsys.readouterr().err == ""


def test_verify_certs_off_warns_once_in_one_line(warnings_shown, capsys):
    config = Config.from_env({"ATTRIB_ES_URL": "https://es.example:9200", "ATTRIB_ES_VERIFY_CERTS": "false"})
    make_client(config)
    make_client(config)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TLS certificate verification is off" in err
