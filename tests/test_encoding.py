import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklearn_demo import DNAEncoder, one_hot_decode, one_hot_encode
from sklearn_demo.encoding import IUPAC_CODES, check_dna, check_one_hot

IUPAC = "".join(code for code in IUPAC_CODES if code != "U")
dna = st.text(alphabet="ACGTacgt", min_size=1, max_size=40)
iupac = st.text(alphabet=IUPAC + IUPAC.lower(), min_size=1, max_size=40)


def test_unit_vectors_and_channel_order():
    X = one_hot_encode(["ACGT"])
    np.testing.assert_array_equal(X[0], np.eye(4))
    assert X.dtype == np.float32 and X.shape == (1, 4, 4)


@pytest.mark.parametrize("code, expected", [
    ("N", [0.25, 0.25, 0.25, 0.25]),
    ("R", [0.5, 0, 0.5, 0]),
    ("Y", [0, 0.5, 0, 0.5]),
    ("B", [0, 1 / 3, 1 / 3, 1 / 3]),
    ("u", [0, 0, 0, 1]),
])
def test_ambiguity_codes_are_uniform_over_their_bases(code, expected):
    np.testing.assert_allclose(one_hot_encode([code])[0, :, 0], expected, rtol=1e-6, atol=1e-7)


def test_case_insensitive():
    np.testing.assert_array_equal(one_hot_encode(["acgtn"]), one_hot_encode(["ACGTN"]))


def test_invalid_character_names_sequence_position_and_character():
    with pytest.raises(ValueError, match=r"Sequence 2 has invalid character 'X' at position 3"):
        one_hot_encode(["ACGT", "ACGT", "ACGXT"], padding="right")


def test_non_ascii_character_is_reported():
    with pytest.raises(ValueError, match=r"Sequence 0 has invalid character 'é' at position 1"):
        one_hot_encode(["AéGT"])


def test_unequal_lengths_rejected_by_default():
    with pytest.raises(ValueError, match=r"sequence 1 has length 2, expected 4.*padding='right'"):
        one_hot_encode(["ACGT", "AC"])


def test_right_and_center_padding_are_zero_columns():
    right = one_hot_encode(["ACGT", "AC"], padding="right")
    np.testing.assert_array_equal(right[1, :, 2:], 0)
    center = one_hot_encode(["ACGTA", "AC"], padding="center")
    # 3 columns of padding: one on the left, two on the right.
    np.testing.assert_array_equal(center[1, :, 0], 0)
    np.testing.assert_array_equal(center[1, :, 1:3], np.eye(4)[:, :2])
    np.testing.assert_array_equal(center[1, :, 3:], 0)


def test_fixed_length_too_short_raises():
    with pytest.raises(ValueError, match="Sequence 0 has length 4, longer than the expected length 3"):
        one_hot_encode(["ACGT"], length=3, padding="right")


@pytest.mark.parametrize("bad, message", [
    ([], "empty collection"),
    (["ACGT", ""], "Sequence 1 is empty"),
    ("ACGT", "single string"),
    (["ACGT", 5], "Sequence 1 is a int"),
])
def test_bad_collections(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        one_hot_encode(bad)


def test_bad_padding_mode():
    with pytest.raises(ValueError, match="padding must be one of"):
        one_hot_encode(["A"], padding="left")


@pytest.mark.parametrize("array, message", [
    (np.full((1, 4, 3), np.nan), "non-finite value"),
    (np.full((1, 4, 3), 2.0), "within \\[0, 1\\]"),
    (np.zeros((1, 5, 3)), "shape \\(n_sequences, 4, length\\)"),
    (np.zeros((4, 3)), "shape"),
    (np.zeros((0, 4, 3)), "empty"),
])
def test_check_one_hot_errors(array, message):
    with pytest.raises(ValueError, match=message):
        check_one_hot(array)


def test_check_dna_accepts_strings_arrays_and_numpy_str():
    X = one_hot_encode(["ACGT", "GGCC"])
    np.testing.assert_array_equal(check_dna(np.array(["ACGT", "GGCC"])), X)
    np.testing.assert_array_equal(check_dna(X), X)
    with pytest.raises(ValueError, match="length 4, expected 5"):
        check_dna(X, length=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(iupac, min_size=1, max_size=8))
def test_round_trip_iupac(seqs):
    assert one_hot_decode(one_hot_encode(seqs, padding="right")) == [s.upper() for s in seqs]


@settings(max_examples=100, deadline=None)
@given(st.lists(dna, min_size=1, max_size=8), st.sampled_from(["right", "center"]))
def test_padding_keeps_every_base_and_adds_only_zero_columns(seqs, padding):
    X = one_hot_encode(seqs, padding=padding)
    assert X.shape == (len(seqs), 4, max(map(len, seqs)))
    np.testing.assert_array_equal(X.sum(axis=(1, 2)), [len(s) for s in seqs])
    assert set(np.unique(X.sum(axis=1))) <= {0.0, 1.0}
    assert one_hot_decode(X) == [s.upper() for s in seqs]


@settings(max_examples=100, deadline=None)
@given(st.lists(dna, min_size=1, max_size=5))
def test_encoding_matches_a_per_character_reference(seqs):
    X = one_hot_encode(seqs, padding="right")
    for i, seq in enumerate(seqs):
        for j, base in enumerate(seq.upper()):
            assert X[i, "ACGT".index(base), j] == 1.0


def test_dna_encoder_transformer():
    encoder = DNAEncoder(padding="right").fit(["ACGTAC", "AC"])
    assert encoder.length_ == 6
    assert encoder.transform(["GG"]).shape == (1, 4, 6)
    flat = DNAEncoder(flatten=True).fit_transform(["ACGT"])
    np.testing.assert_array_equal(flat[0, :4], [1, 0, 0, 0])  # position 0: A
    np.testing.assert_array_equal(flat[0, 4:8], [0, 1, 0, 0])  # position 1: C
    with pytest.raises(ValueError, match="longer than the expected length 6"):
        encoder.transform(["ACGTACG"])
    with pytest.raises(NotFittedError):
        DNAEncoder().transform(["ACGT"])
    assert clone(encoder).get_params() == {"padding": "right", "flatten": False}


def test_flat_encoder_names_its_columns_and_outputs_pandas():
    from sklearn_demo import DNAEncoder

    encoder = DNAEncoder(flatten=True).set_output(transform="pandas").fit(["ACGT", "GGCC"])
    frame = encoder.transform(["ACGT"])
    assert encoder.n_features_in_ == 4
    assert list(frame.columns[:5]) == ["A0", "C0", "G0", "T0", "A1"]
    assert frame.loc[0, "A0"] == 1 and frame.loc[0, "C1"] == 1
