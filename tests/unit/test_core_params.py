"""Fingerprint parameters: validation, metadata round trip, mismatch."""

from __future__ import annotations

import json

import pytest

from attrib.core import SCHEME_VERSION, FingerprintParams
from attrib.errors import InputError, ParameterMismatchError


def test_defaults():
    p = FingerprintParams()
    assert (p.k, p.seed, p.window, p.permutations, p.bands) == (5, 0, 4, 128, 32)
    assert p.guarantee == 8
    assert p.rows == 4
    assert 0.4 < p.lsh_threshold < 0.45


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"k": 0}, "k"),
        ({"k": 33}, "k"),
        ({"k": 2.0}, "k"),
        ({"k": True}, "k"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"seed": "0"}, "seed"),
        ({"window": 0}, "window"),
        ({"permutations": 0}, "permutations"),
        ({"bands": 0}, "bands"),
        ({"permutations": 128, "bands": 48}, "bands"),
        ({"permutations": 16, "bands": 32}, "bands"),
        ({"pairs": -1}, "pairs"),
        ({"pairs": 17}, "pairs"),
        ({"pairs": 1.5}, "pairs"),
    ],
)
def test_validation_names_the_field(kwargs, field):
    with pytest.raises(InputError) as e:
        FingerprintParams(**kwargs)
    assert e.value.field == field
    assert field in str(e.value)


def test_meta_round_trip_through_json():
    p = FingerprintParams(k=7, seed=2**64 - 1, window=6, permutations=64, bands=16)
    meta = json.loads(json.dumps(p.to_meta()))
    assert meta["version"] == SCHEME_VERSION
    assert meta["guarantee"] == 12
    assert FingerprintParams.from_meta(meta) == p


def test_from_meta_rejects_other_scheme_and_missing_keys():
    meta = FingerprintParams().to_meta()
    with pytest.raises(ParameterMismatchError):
        FingerprintParams.from_meta({**meta, "version": SCHEME_VERSION + 1})
    with pytest.raises(ParameterMismatchError):
        FingerprintParams.from_meta({k: v for k, v in meta.items() if k != "version"})
    with pytest.raises(InputError) as e:
        FingerprintParams.from_meta({k: v for k, v in meta.items() if k != "window"})
    assert e.value.field == "window"
    with pytest.raises(InputError):
        FingerprintParams.from_meta({**meta, "k": 0})
    with pytest.raises(InputError):
        FingerprintParams.from_meta([1, 2])  # type: ignore[arg-type]


def test_check_compatible():
    a = FingerprintParams()
    a.check_compatible(FingerprintParams())
    with pytest.raises(ParameterMismatchError) as e:
        a.check_compatible(FingerprintParams(k=6), where="index 'news'")
    assert e.value.expected == {"k": 5}
    assert e.value.found == {"k": 6}
    assert "index 'news'" in str(e.value)
    with pytest.raises(ParameterMismatchError):
        a.check_compatible({"k": 5})


def test_frozen():
    with pytest.raises(AttributeError):
        FingerprintParams().k = 3  # type: ignore[misc]


def test_metadata_from_before_pairs_reads_as_no_pairs():
    meta = FingerprintParams().to_meta()
    del meta["pairs"]
    assert FingerprintParams.from_meta(meta) == FingerprintParams(pairs=0)
    assert FingerprintParams.from_meta(FingerprintParams(pairs=3).to_meta()).pairs == 3
