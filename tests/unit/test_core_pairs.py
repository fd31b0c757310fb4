"""Content-word pair fingerprints."""

from __future__ import annotations

from collections import Counter

import pytest

from attrib.core.pairs import content_pairs
from attrib.errors import InputError


def test_pairs_ignore_order_stop_words_and_inflection():
    a = content_pairs("The central bank cut its main interest rate.", 3)
    b = content_pairs("Rates: the bank, central to it all, cuts interest!", 3)
    shared = Counter(a) & Counter(b)
    # bank-central, bank-cut, central-cut, interest-rate, cut-interest survive the rewrite
    assert sum(shared.values()) >= 4
    assert content_pairs("the of and to", 3) == []


def test_window_bounds_the_distance():
    text = "alpha bravo charlie delta echo"
    assert len(content_pairs(text, 1)) == 4
    assert len(content_pairs(text, 2)) == 7
    far = content_pairs("alpha echo", 1)[0]
    assert far not in content_pairs(text, 3) and far in content_pairs(text, 4)


def test_repeats_are_kept_and_seed_changes_hashes():
    pairs = content_pairs("budget vote budget vote", 1)
    assert len(pairs) == 3 and len(set(pairs)) == 1
    assert content_pairs("budget vote", 1, seed=1) != content_pairs("budget vote", 1, seed=0)


def test_window_zero_and_bad_input():
    assert content_pairs("budget vote", 0) == []
    with pytest.raises(InputError):
        content_pairs("budget vote", -1)
    with pytest.raises(InputError):
        content_pairs(b"budget vote", 2)  # type: ignore[arg-type]
