"""Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003), robust variant.

Slide a window of ``window`` consecutive hashes over the sequence and select the minimum
of each window. Ties are broken robustly: keep the position selected for the previous
window if it is still inside and still minimal, otherwise take the rightmost minimum. Each
selected position is reported once, in increasing order.

Guarantee: two sequences that share a run of at least ``window`` consecutive hashes share
a selected hash value, because that run is a whole window in both and its minimum is
selected in both. With ``k``-word shingles a run of ``window + k - 1`` shared tokens
gives ``window`` shared shingles. For random hashes the expected fraction of positions
selected (the density) is ``2 / (window + 1)``.

A sequence shorter than one window is one window: its rightmost minimum is selected.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from attrib.errors import InputError

__all__ = ["winnow"]


def _robust(h: list[int], window: int) -> list[int]:
    """Robust winnowing in Python, for sequences with repeated hashes (where the
    tie-break matters)."""
    n = len(h)
    first = h[:window]
    m = min(first)
    sel = window - 1 - first[::-1].index(m)
    out = [sel]
    for r in range(window, n):
        lo = r - window + 1
        if sel < lo:
            win = h[lo : r + 1]
            m = min(win)
            sel = r - win[::-1].index(m)
            out.append(sel)
        elif h[r] < h[sel]:
            sel = r
            out.append(sel)
    return out


def winnow(hashes: Sequence[int] | np.ndarray, window: int) -> list[int]:
    """Positions (indices into ``hashes``) selected by robust winnowing, increasing, each
    once. See the module docstring for the tie-break and the guarantee."""
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise InputError(f"window must be a positive integer, got {window!r}", field="window")
    n = len(hashes)
    if n == 0:
        return []
    if window == 1:
        return list(range(n))
    a = np.ascontiguousarray(hashes, dtype=np.int64)
    if n <= window:
        return [int(n - 1 - np.argmin(a[::-1]))]
    m = n - window + 1
    # Overlapping windows as a strided view (what sliding_window_view makes, without its
    # Python-level checks, which cost as much as the work on an article).
    windows = np.ndarray((m, window), dtype=np.int64, buffer=a, strides=(8, 8))
    pos = windows.argmin(axis=1)
    # The tie-break only matters in a window whose minimum occurs twice; without such a
    # window, robust, leftmost and rightmost choices agree and argmin is the answer.
    if np.count_nonzero(windows == windows.min(axis=1)[:, None]) != m:
        return _robust(a.tolist(), window)
    pos += np.arange(m)
    keep = np.empty(m, dtype=bool)
    keep[0] = True
    np.not_equal(pos[1:], pos[:-1], out=keep[1:])
    return pos[keep].tolist()
