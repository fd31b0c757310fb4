"""API keys: stored as SHA-256 hashes, one per line with a scope.

A keys file (``ATTRIB_API_KEYS_FILE``) holds lines ``HASH SCOPE [NAME]``: the key's
SHA-256 in hex, ``read`` (check, search, get) or ``write`` (also index and delete), and
an optional name for people. Blank lines and lines starting with ``#`` are ignored.
``attrib serve --new-key SCOPE`` makes a key and prints its line; ``--hash-key SCOPE``
prints the line of a key read from standard input.
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import re
import secrets
from pathlib import Path

from attrib.errors import InputError

_HEX = re.compile(r"^[0-9a-f]{64}$")


class Scope(str, enum.Enum):
    READ = "read"
    WRITE = "write"

    def allows(self, needed: "Scope") -> bool:
        return self is Scope.WRITE or needed is Scope.READ


def hash_key(key: str) -> str:
    return hashlib.sha256(key.strip().encode("utf-8")).hexdigest()


def new_key() -> str:
    return secrets.token_urlsafe(32)


def key_line(key: str, scope: Scope | str, name: str | None = None) -> str:
    """The keys-file line for ``key``."""
    line = f"{hash_key(key)} {Scope(scope).value}"
    return f"{line} {name}" if name else line


def parse_keys(text: str, source: str = "keys file") -> dict[str, Scope]:
    """Key hashes and their scopes; a malformed line raises :class:`InputError` naming it."""
    keys: dict[str, Scope] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        where = f"{source}:{number}"
        if len(parts) < 2 or not _HEX.match(parts[0].lower()):
            raise InputError("expected 'SHA256-HEX SCOPE [NAME]' (make one with attrib serve --new-key write)", source=where)
        try:
            keys[parts[0].lower()] = Scope(parts[1].lower())
        except ValueError:
            raise InputError(f"scope must be read or write, not {parts[1]!r}", source=where) from None
    return keys


def load_keys(path: str | Path) -> dict[str, Scope]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read the API keys file: {e.strerror or e}", source=str(path)) from None
    return parse_keys(text, str(path))


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
