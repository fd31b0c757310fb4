"""The service's settings: values only, from flags and the environment.

``ATTRIB_API_KEYS_FILE``  API keys (hashes and scopes; see :mod:`attrib.service.auth`).
``ATTRIB_MAX_BODY``       largest request body in bytes (default 6 MB).
``ATTRIB_CHECK_THREADS``  checks run at once per worker process (default 2).
``ATTRIB_CHECK_QUEUE``    checks that may wait for a thread before 429 (default 64).
``ATTRIB_CHECK_TIMEOUT``  seconds a request waits for its check (default 30).
``ATTRIB_ALLOWLIST``      comma-separated outlets whose reuse is licensed, for checks on arrival.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from attrib.config import _parse_int
from attrib.errors import InputError

MAX_BODY = 6 * 1024 * 1024


@dataclass(frozen=True)
class ServiceSettings:
    max_body: int = MAX_BODY
    check_threads: int = 2
    check_queue: int = 64
    check_timeout: float = 30.0
    keys_file: Path | None = None
    allowlist: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.max_body < 1:
            raise InputError("the body limit must be at least 1 byte", field="max_body")
        if self.check_threads < 1:
            raise InputError("check threads must be at least 1", field="check_threads")
        if self.check_queue < 0:
            raise InputError("the check queue must be 0 or more", field="check_queue")
        if self.check_timeout <= 0:
            raise InputError("the check timeout must be positive", field="check_timeout")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "ServiceSettings":
        values: dict[str, object] = {}
        for key, name in (("max_body", "ATTRIB_MAX_BODY"), ("check_threads", "ATTRIB_CHECK_THREADS"), ("check_queue", "ATTRIB_CHECK_QUEUE")):
            if env.get(name):
                values[key] = _parse_int(name, env[name])
        if env.get("ATTRIB_CHECK_TIMEOUT"):
            try:
                values["check_timeout"] = float(env["ATTRIB_CHECK_TIMEOUT"])
            except ValueError:
                raise InputError(f"expected seconds, got {env['ATTRIB_CHECK_TIMEOUT']!r}", field="ATTRIB_CHECK_TIMEOUT") from None
        if env.get("ATTRIB_API_KEYS_FILE"):
            values["keys_file"] = Path(env["ATTRIB_API_KEYS_FILE"])
        if env.get("ATTRIB_ALLOWLIST"):
            values["allowlist"] = tuple(o.strip() for o in env["ATTRIB_ALLOWLIST"].split(",") if o.strip())
        return cls(**values)  # type: ignore[arg-type]
