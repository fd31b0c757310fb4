"""One typed configuration, built from flags and the environment.

Values only: nothing here opens a connection. Secrets (password, API key) come from the
environment only, never from flags, so they stay out of shell history and process lists.

Environment variables:

``ATTRIB_ES_URL``          Elasticsearch URL; when unset, the embedded store is used.
                           May carry credentials: ``https://user:pass@host:9200``.
``ATTRIB_ES_USERNAME``     basic-auth user (``ATTRIB_ES_PASSWORD`` its password).
``ATTRIB_ES_API_KEY``      an Elasticsearch API key (the base64 ``id:key`` form).
``ATTRIB_ES_CA_CERTS``     path to a CA bundle for TLS.
``ATTRIB_ES_VERIFY_CERTS`` ``false`` to skip certificate checks (local testing only).
``ATTRIB_INDEX``           index name prefix (default ``attrib``).
``ATTRIB_ES_SHARDS``       primary shards of the index when attrib creates it (default 1).
``ATTRIB_ES_REPLICAS``     replicas of the index when attrib creates it (default 0).
``ATTRIB_DB``              embedded store file (default ``attrib.db``).

Credentials over plain ``http`` and ``https`` without certificate checks are allowed, for
local clusters, but each is named in one warning line on stderr when a client is made.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from attrib.errors import InputError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse_int(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InputError(f"expected a whole number, got {value!r}", field=name) from None


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InputError(f"expected true or false, got {value!r}", field=name)


@dataclass(frozen=True)
class Config:
    """Where attrib stores articles and how it reaches Elasticsearch."""

    es_url: str | None = None
    es_username: str | None = field(default=None, repr=False)
    es_password: str | None = field(default=None, repr=False)
    es_api_key: str | None = field(default=None, repr=False)
    es_ca_certs: str | None = None
    es_verify_certs: bool = True
    es_request_timeout: float = 30.0
    index: str = "attrib"
    shards: int = 1
    replicas: int = 0
    db_path: Path = Path("attrib.db")

    def __post_init__(self) -> None:
        if self.es_url is not None:
            try:
                parts = urlsplit(self.es_url)
                parts.port  # noqa: B018 - raises on a port that is not a number in range
            except ValueError as e:
                raise InputError(f"not a valid URL: {_redact(self.es_url)!r} ({e})", field="ATTRIB_ES_URL") from e
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise InputError(
                    f"not an http(s) URL: {_redact(self.es_url)!r}", field="ATTRIB_ES_URL"
                )
        if not self.index or self.index != self.index.lower() or any(c in self.index for c in ' "*\\<|,>/?#:'):
            raise InputError(f"invalid index name {self.index!r} (lowercase, no spaces or * \\ / ? \" < > | , # :)", field="index")
        if self.shards < 1:
            raise InputError("shards must be at least 1", field="shards")
        if self.replicas < 0:
            raise InputError("replicas must be 0 or more", field="replicas")
        if self.es_request_timeout <= 0:
            raise InputError("request timeout must be positive", field="es_request_timeout")

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "es_url" and value:
                value = _redact(value)  # user:password@ URLs are common
            if f.repr:
                shown.append(f"{f.name}={value!r}")
        return f"Config({', '.join(shown)})"

    @property
    def uses_elasticsearch(self) -> bool:
        return self.es_url is not None

    def transport_warnings(self) -> list[str]:
        """What is unsafe about how this config reaches Elasticsearch, one line each."""
        if not self.es_url:
            return []
        parts = urlsplit(self.es_url)
        where = _redact(self.es_url)
        found = []
        if parts.scheme == "http" and (parts.username or self.es_username or self.es_api_key):
            found.append(f"credentials sent over plain http to {where}: anyone on the network path can read them; use https")
        if parts.scheme == "https" and not self.es_verify_certs:
            found.append(
                f"TLS certificate verification is off (ATTRIB_ES_VERIFY_CERTS=false): {where} cannot be told from an impostor"
            )
        return found

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> "Config":
        """Build a config from the environment, then apply non-``None`` overrides (flags)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if env.get("ATTRIB_ES_URL"):
            values["es_url"] = env["ATTRIB_ES_URL"]
        for key, name in (
            ("es_username", "ATTRIB_ES_USERNAME"),
            ("es_password", "ATTRIB_ES_PASSWORD"),
            ("es_api_key", "ATTRIB_ES_API_KEY"),
            ("es_ca_certs", "ATTRIB_ES_CA_CERTS"),
            ("index", "ATTRIB_INDEX"),
        ):
            if env.get(name):
                values[key] = env[name]
        if env.get("ATTRIB_ES_VERIFY_CERTS"):
            values["es_verify_certs"] = _parse_bool("ATTRIB_ES_VERIFY_CERTS", env["ATTRIB_ES_VERIFY_CERTS"])
        for key, name in (("shards", "ATTRIB_ES_SHARDS"), ("replicas", "ATTRIB_ES_REPLICAS")):
            if env.get(name):
                values[key] = _parse_int(name, env[name])
        if env.get("ATTRIB_DB"):
            values["db_path"] = Path(env["ATTRIB_DB"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "db_path" in values:
            values["db_path"] = Path(values["db_path"])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> "Config":
        return replace(self, **changes)  # type: ignore[arg-type]

    def describe_store(self) -> str:
        """A one-line, secret-free description of where articles live."""
        if self.es_url:
            return f"Elasticsearch at {_redact(self.es_url)}, index {self.index}"
        return f"embedded store {self.db_path}"


_warned: set[str] = set()


def warn_transport(config: Config) -> None:
    """Print each of ``config``'s transport warnings on stderr, once per process."""
    for line in config.transport_warnings():
        if line not in _warned:
            _warned.add(line)
            print(f"attrib: warning: {line}", file=sys.stderr)


def _redact(url: str) -> str:
    """``url`` with its password as ``***`` (a lone user too: it may be a token)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # unparseable: hide everything before an @
        return re.sub(r"(?<=//)[^/@]*@", "***@", url)
    userinfo, at, host = parts.netloc.rpartition("@")  # not .port: it raises on a bad one
    if not at:
        return url
    user, colon, _ = userinfo.partition(":")
    return parts._replace(netloc=f"{user}:***@{host}" if colon else f"***@{host}").geturl()
