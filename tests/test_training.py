"""Training-time data policy: shift augmentation."""
import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_demo import one_hot_encode
from sklearn_demo.training import random_shift


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="ACGT", min_size=12, max_size=12), min_size=1, max_size=8),
       st.integers(0, 5), st.integers(0, 2**31 - 1))
def test_each_sequence_is_its_own_window_moved_by_at_most_max_shift(seqs, max_shift, seed):
    x = torch.as_tensor(one_hot_encode(seqs))
    torch.manual_seed(seed)
    out = random_shift(x, max_shift)
    assert out.shape == x.shape
    for row, original in zip(out.numpy(), seqs):
        letters = "".join("ACGT"[c.argmax()] if c.max() == 1 else "N" for c in row.T)
        assert np.allclose(row[:, [c == "N" for c in letters]], 0.25)
        offset = len(letters) - len(letters.lstrip("N")) or -(len(letters) - len(letters.rstrip("N")))
        assert abs(offset) <= max_shift
        expected = ("N" * offset + original[:len(original) - offset] if offset >= 0
                    else original[-offset:] + "N" * -offset)
        assert letters == expected


def test_offsets_cover_both_directions_and_zero_reproducibly():
    x = torch.as_tensor(one_hot_encode(["ACGTACGTAC"] * 400))
    torch.manual_seed(0)
    first = random_shift(x, 2)
    torch.manual_seed(0)
    assert torch.equal(first, random_shift(x, 2))
    leading, trailing = (first[:, :, 0] == 0.25).all(1), (first[:, :, -1] == 0.25).all(1)
    # offsets -2..2 equally likely: about 2/5 each side, 1/5 unmoved
    assert 0.3 < leading.float().mean() < 0.5 and 0.3 < trailing.float().mean() < 0.5
    assert 0.1 < (~leading & ~trailing).float().mean() < 0.3


def test_no_shift_and_other_alphabets_fill_with_their_unknown_letter():
    x = torch.eye(5)[None]
    assert torch.equal(random_shift(x, 0), x)
    torch.manual_seed(3)
    moved = random_shift(x.expand(20, 5, 5), 1)
    assert ((moved == 0.2) | (moved == 0) | (moved == 1)).all()
    assert (moved == 0.2).all(1).any()  # a moved-in position reads 1/5 in all five channels
