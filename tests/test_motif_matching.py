"""JASPAR names that mean something: uninformative motifs get none, random
matrices almost never one, real and planted motifs still theirs."""
import numpy as np
import pytest

from sklearn_demo.motifs import (
    MAX_E_VALUE, fetch_jaspar_motifs, informative_span, jaspar_collection, match_motifs,
)


def test_a_uniform_matrix_and_a_blank_logo_get_no_name():
    blank = np.full((4, 15), 0.25) + np.random.RandomState(0).normal(0, 1e-3, (4, 15))
    blank = np.abs(blank) / np.abs(blank).sum(axis=0)
    assert match_motifs([np.full((4, 15), 0.25), blank]) == [[], []]
    assert informative_span(blank) is None


def test_random_matrices_are_almost_never_named():
    """Dirichlet(1) columns, 15 wide (4.8 to 9.9 bits): under a calibrated
    comparison about MAX_E_VALUE of them get a name by chance (2.5% seen)."""
    rng = np.random.RandomState(0)
    random = [rng.dirichlet(np.ones(4), size=15).T for _ in range(200)]
    named = np.mean([bool(found) for found in match_motifs(random, n_matches=1)])
    assert named <= 2 * MAX_E_VALUE


def test_real_motifs_are_still_named_right():
    """JASPAR matrices resampled (Dirichlet around each column, as a motif
    learned from a few hundred sites): their own name, or a matrix of the
    same name, comes first; CTCF is CTCF."""
    rng = np.random.RandomState(1)
    targets = jaspar_collection()
    chosen = [targets[i] for i in rng.choice(len(targets), 40, replace=False)]
    noisy = [np.array([rng.dirichlet(50 * column + 0.5) for column in t.pwm.T]).T
             for t in chosen]
    found = match_motifs(noisy, n_matches=1)
    right = np.mean([bool(f) and f[0].name == t.name for f, t in zip(found, chosen)])
    assert right >= 0.8
    ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm
    (best, *_), = match_motifs([ctcf])
    assert best.name == "CTCF" and best.e_value < 1e-6


@pytest.mark.parametrize("planted", ["MA0139", "MA0062"])
def test_a_planted_motif_with_flanks_is_named_after_trimming(planted):
    """A class-optimised window: the motif inside uninformative flanks."""
    motif = fetch_jaspar_motifs([planted])[planted]
    flank = np.full((4, 8), 0.25)
    window = np.concatenate([flank, motif.pwm, flank], axis=1)
    (best, *_), = match_motifs([window])
    assert best.name == motif.name


def test_matching_and_scanning_leave_torchs_threads_as_they_were():
    """TOMTOM's and FIMO's numba kernels share torch's OpenMP runtime and set
    its thread count to the machine's cores: a process on one torch thread
    (one per core, as pytest-xdist and ``--n-jobs -1`` run) then computed on
    every core. The motif functions put it back (and the suite puts the
    worker's count back after this test)."""
    import torch

    from sklearn_demo import scan_motifs

    ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm
    site = "".join("ACGT"[i] for i in ctcf.argmax(axis=0))
    torch.set_num_threads(1)
    assert match_motifs([ctcf], n_matches=1)[0][0].name == "CTCF"
    assert torch.get_num_threads() == 1
    assert len(scan_motifs({"CTCF": ctcf}, ["A" * 30 + site + "A" * 30])) == 1
    assert torch.get_num_threads() == 1
