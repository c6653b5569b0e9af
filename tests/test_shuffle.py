from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_demo import dinucleotide_shuffle, one_hot_decode, one_hot_encode
from sklearn_demo.shuffle import dinucleotide_shuffle_one_hot


def dinucleotides(seq):
    return Counter(seq[i:i + 2] for i in range(len(seq) - 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ACGTN", min_size=1, max_size=60), min_size=1, max_size=6),
       st.integers(1, 3), st.integers(0, 2**31 - 1))
def test_dinucleotide_counts_and_ends_are_kept_exactly(seqs, n_shuffles, seed):
    shuffled = dinucleotide_shuffle(seqs, n_shuffles=n_shuffles, random_state=seed)
    assert len(shuffled) == len(seqs) * n_shuffles
    for k in range(n_shuffles):
        for i, seq in enumerate(seqs):
            out = shuffled[k * len(seqs) + i]
            assert dinucleotides(out) == dinucleotides(seq)
            assert out[0] == seq[0] and out[-1] == seq[-1]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="ACGT", min_size=2, max_size=60), min_size=1, max_size=6),
       st.integers(0, 2**31 - 1))
def test_reproducible_from_a_seed(seqs, seed):
    first = dinucleotide_shuffle(seqs, random_state=seed)
    np.testing.assert_array_equal(first, dinucleotide_shuffle(seqs, random_state=seed))


def test_shuffles_actually_shuffle():
    rng = np.random.RandomState(0)
    seqs = ["".join(rng.choice(list("ACGT"), 101)) for _ in range(50)]
    shuffled = dinucleotide_shuffle(seqs, random_state=0)
    assert np.mean([a != b for a, b in zip(seqs, shuffled)]) > 0.95
    assert len(set(dinucleotide_shuffle(seqs[:1], n_shuffles=20, random_state=0))) > 15


def test_case_is_folded_and_errors_are_clear():
    assert dinucleotide_shuffle(["acgt"], random_state=0)[0] == "ACGT"
    with pytest.raises(ValueError, match="n_shuffles must be a positive integer"):
        dinucleotide_shuffle(["ACGT"], n_shuffles=0)
    with pytest.raises(ValueError, match="empty collection"):
        dinucleotide_shuffle([])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.lists(st.text(alphabet="ACGTNRY", min_size=60, max_size=60),
                                    min_size=1, max_size=5),
       st.integers(1, 3), st.integers(0, 2**31 - 1))
def test_one_hot_shuffle_keeps_dinucleotides_of_every_column_kind(length, seqs, n_shuffles, seed):
    """Bases, N and IUPAC codes (fractional columns) are symbols of their own."""
    seqs = [s[:length] for s in seqs]
    X = one_hot_encode(seqs)
    shuffled = dinucleotide_shuffle_one_hot(X, n_shuffles=n_shuffles, random_state=seed)
    assert shuffled.shape == (len(seqs) * n_shuffles, 4, length) and shuffled.dtype == X.dtype
    np.testing.assert_array_equal(
        shuffled, dinucleotide_shuffle_one_hot(X, n_shuffles=n_shuffles, random_state=seed))
    decoded = one_hot_decode(shuffled)
    for k in range(n_shuffles):
        for i, seq in enumerate(seqs):
            out = decoded[k * len(seqs) + i]
            assert dinucleotides(out) == dinucleotides(seq)
            assert out[0] == seq[0] and out[-1] == seq[-1]


def test_one_hot_shuffle_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"shape \(n_sequences, channels, length\); got shape \(4, 10\)"):
        dinucleotide_shuffle_one_hot(np.zeros((4, 10)))
    with pytest.raises(ValueError, match="n_shuffles must be a positive integer"):
        dinucleotide_shuffle_one_hot(np.zeros((1, 4, 10)), n_shuffles=0)
