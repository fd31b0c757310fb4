"""The numpy pieces of the semantic-stage experiment (scripts/semantic_encoder.py) that
need no model: the safetensors reader, the exact GELU's erf, layer norm."""

from __future__ import annotations

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import semantic_encoder as enc  # noqa: E402


def test_safetensors_reader_gives_each_tensor_its_shape_and_values(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([[7, -1]], dtype=np.int64)
    header = {
        "__metadata__": {"format": "pt"},
        "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, a.nbytes]},
        "b": {"dtype": "I64", "shape": [1, 2], "data_offsets": [a.nbytes, a.nbytes + b.nbytes]},
    }
    raw = json.dumps(header).encode()
    path = tmp_path / "t.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + a.tobytes() + b.tobytes())
    tensors = enc._load_safetensors(path)
    assert set(tensors) == {"a", "b"}
    assert np.array_equal(tensors["a"], a) and np.array_equal(tensors["b"], b)


def test_erf_is_close_to_the_exact_function():
    xs = np.linspace(-4, 4, 81)
    assert np.max(np.abs(enc._erf(xs) - np.array([math.erf(x) for x in xs]))) < 2e-7


def test_layer_norm_centres_and_scales_each_vector():
    x = np.array([[1.0, 2.0, 3.0, 6.0]], dtype=np.float32)
    out = enc._layer_norm(x, np.ones(4, dtype=np.float32), np.zeros(4, dtype=np.float32))
    assert abs(out.mean()) < 1e-6 and abs(out.std() - 1.0) < 1e-4
