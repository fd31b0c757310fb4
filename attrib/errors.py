"""Error types of attrib.

Every error the library raises on purpose is an :class:`AttribError`. Each carries the
data a caller needs (the bad field, the failed ids) and the CLI turns it into one line on
stderr with a non-zero exit. This module imports only the standard library so that the
pure core can use it.
"""

from __future__ import annotations


class AttribError(Exception):
    """Base class of every error attrib raises on purpose."""

    exit_code = 1


class InputError(AttribError):
    """Bad input from the user: a file that cannot be read, an empty article, a bad record.

    ``source`` names where the input came from (a path, ``path:line``, ``-``), ``field``
    the offending field when there is one.
    """

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        self.source = source
        self.field = field
        super().__init__(f"{source}: {message}" if source else message)


class ParameterMismatchError(AttribError):
    """Fingerprints made with different parameters were compared or mixed."""

    def __init__(self, expected: object, found: object, where: str = "fingerprints"):
        self.expected = expected
        self.found = found
        super().__init__(
            f"{where} were made with different fingerprint parameters: "
            f"expected {expected}, found {found}"
        )


class StoreError(AttribError):
    """A store could not do what was asked (server unreachable, index broken)."""

    exit_code = 3


class StoreUnavailableError(StoreError):
    """The store cannot be reached at all (connection refused, DNS, TLS), or cannot answer
    in full for now (a shard with no live copy): worth retrying or resuming later."""


class BulkIndexError(StoreError):
    """Some articles of a bulk write failed. ``errors`` maps article id to reason."""

    def __init__(self, errors: dict[str, str], indexed: int):
        self.errors = errors
        self.indexed = indexed
        first = next(iter(errors.items()), ("", ""))
        super().__init__(
            f"{len(errors)} article(s) failed to index ({indexed} indexed); "
            f"first: {first[0]}: {first[1]}"
        )
