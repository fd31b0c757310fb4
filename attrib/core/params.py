"""Fingerprint parameters: the values that must match for two fingerprints to be compared.

They are stored in an index's ``_meta`` (:meth:`FingerprintParams.to_meta`) and read back
with :meth:`FingerprintParams.from_meta`; comparing fingerprints made with different
parameters raises :class:`attrib.errors.ParameterMismatchError`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

from attrib.errors import InputError, ParameterMismatchError

#: Version of the whole hashing scheme: normalisation, tokenisation, shingle hash input,
#: winnowing tie-break, MinHash family and band keys. Bump it whenever any of them changes
#: the value of a fingerprint, so that an index built by older code is recognised as
#: incompatible instead of silently matching nothing.
SCHEME_VERSION = 1

_MAX_SEED = 2**64 - 1
_META_KEYS = ("k", "seed", "window", "permutations", "bands")


@dataclass(frozen=True)
class FingerprintParams:
    """Parameters of :func:`attrib.core.fingerprint`.

    ``k``: shingle size in words. ``seed``: xxh3 seed of the shingle hashes (and the root
    of the MinHash permutation coefficients). ``window``: winnowing window ``w`` in
    shingles. ``permutations``: MinHash signature length. ``bands``: LSH bands; each band
    has ``permutations // bands`` rows. ``pairs``: window of the content-word pair
    fingerprints (:mod:`attrib.core.pairs`), in content words; 0 (the default) stores
    none. Pairs find rewrites and summaries that share few 5-grams, at a cost in index
    size and query time (docs/BENCHMARKS.md); metadata written before they existed
    reads as 0.
    """

    k: int = 5
    seed: int = 0
    window: int = 4
    permutations: int = 128
    bands: int = 32
    pairs: int = 0

    def __post_init__(self) -> None:
        for name in (*_META_KEYS, "pairs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(
                    f"fingerprint parameter {name} must be an integer, got {value!r}",
                    field=name,
                )
        if not 1 <= self.k <= 32:
            raise InputError(f"shingle size k must be in 1..32, got {self.k}", field="k")
        if not 0 <= self.seed <= _MAX_SEED:
            raise InputError(f"seed must be in 0..2**64-1, got {self.seed}", field="seed")
        if not 1 <= self.window <= 1024:
            raise InputError(f"window must be in 1..1024, got {self.window}", field="window")
        if not 1 <= self.permutations <= 4096:
            raise InputError(
                f"permutations must be in 1..4096, got {self.permutations}",
                field="permutations",
            )
        if not 1 <= self.bands <= self.permutations:
            raise InputError(
                f"bands must be in 1..permutations ({self.permutations}), got {self.bands}",
                field="bands",
            )
        if not 0 <= self.pairs <= 16:
            raise InputError(f"pairs must be in 0..16, got {self.pairs}", field="pairs")
        if self.permutations % self.bands:
            raise InputError(
                f"permutations ({self.permutations}) must be a multiple of bands ({self.bands})",
                field="bands",
            )

    @property
    def guarantee(self) -> int:
        """Length in tokens of a shared run that is always found: ``window + k - 1``."""
        return self.window + self.k - 1

    @property
    def rows(self) -> int:
        """MinHash rows per LSH band."""
        return self.permutations // self.bands

    @property
    def lsh_threshold(self) -> float:
        """Approximate Jaccard similarity at which the LSH candidate probability is steepest,
        ``(1 / bands) ** (1 / rows)``."""
        return (1.0 / self.bands) ** (1.0 / self.rows)

    def to_meta(self) -> dict[str, Any]:
        """JSON-serialisable description, for an index's ``_meta``.

        ``version`` is :data:`SCHEME_VERSION`; ``guarantee`` and ``rows`` are derived and
        written for people reading the mapping (``from_meta`` ignores them).
        """
        return {
            "version": SCHEME_VERSION,
            "k": self.k,
            "seed": self.seed,
            "window": self.window,
            "permutations": self.permutations,
            "bands": self.bands,
            "pairs": self.pairs,
            "rows": self.rows,
            "guarantee": self.guarantee,
        }

    @classmethod
    def from_meta(cls, d: Mapping[str, Any]) -> FingerprintParams:
        """Read parameters written by :meth:`to_meta`.

        Raises :class:`InputError` when a key is missing or a value is invalid, and
        :class:`ParameterMismatchError` when the fingerprints were made by another version
        of the hashing scheme (they cannot be compared with ones this code makes).
        """
        if not isinstance(d, Mapping):
            raise InputError(f"fingerprint metadata must be a mapping, got {type(d).__name__}")
        version = d.get("version")
        if version != SCHEME_VERSION:
            raise ParameterMismatchError(
                {"version": SCHEME_VERSION}, {"version": version}, where="stored fingerprints"
            )
        missing = [key for key in _META_KEYS if key not in d]
        if missing:
            raise InputError(
                f"fingerprint metadata lacks {', '.join(missing)}", field=missing[0]
            )
        return cls(**{key: d[key] for key in _META_KEYS}, pairs=d.get("pairs", 0))

    def check_compatible(self, other: object, where: str = "fingerprints") -> None:
        """Raise :class:`ParameterMismatchError` unless ``other`` equals these parameters.

        The error lists only the differing fields, ``expected`` being ``self``'s values.
        """
        if not isinstance(other, FingerprintParams):
            raise ParameterMismatchError(self.to_meta(), other, where=where)
        if other == self:
            return
        diff = [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]
        raise ParameterMismatchError(
            {name: getattr(self, name) for name in diff},
            {name: getattr(other, name) for name in diff},
            where=where,
        )
