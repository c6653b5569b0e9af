import hashlib
import shutil

import numpy as np
import pytest

from sklearn_demo import fetch_deepbind_encode, make_motif_dataset
from sklearn_demo.datasets import DEEPBIND_ENCODE
from sklearn_demo.encoding import one_hot_encode

REST = "REST_GM12878_NRSF_HudsonAlpha"


def test_checksums_match_the_mirror_sha256sums(mirror):
    listed = dict(line.split()[::-1] for line in (mirror / "SHA256SUMS").read_text().splitlines())
    for name, (train_sha, test_sha, _, _) in DEEPBIND_ENCODE.items():
        assert listed[f"{name}_AC.seq.gz"] == train_sha
        assert listed[f"{name}_B.seq.gz"] == test_sha


def test_fetch_from_mirror_builds_shuffled_negatives(mirror, data_home):
    data = fetch_deepbind_encode("REST", data_home=data_home, mirror=mirror)
    assert data.name == REST
    assert data.X_train.shape == (2 * 6406,)
    assert data.y_train.sum() == 6406
    assert data.X_test.shape == (1000,) and data.y_test.sum() == 500
    assert data.deepbind_auc == 0.999
    negatives = data.X_train[data.y_train == 0]
    positives = data.X_train[data.y_train == 1]
    assert sorted(negatives[0]) == sorted(positives[0])  # same composition
    assert (data_home / "deepbind_encode" / f"{REST}_AC.seq.gz").is_file()


def test_cached_copy_is_used_without_mirror(mirror, data_home):
    fetch_deepbind_encode("REST", data_home=data_home, mirror=mirror)
    data = fetch_deepbind_encode(REST, data_home=data_home, download_if_missing=False,
                                 shuffled_negatives=False)
    assert data.y_train.min() == 1


def test_mirror_from_environment(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("SKLEARN_DEMO_MIRROR", str(mirror))
    data = fetch_deepbind_encode("GABPA", data_home=tmp_path, shuffled_negatives=False)
    assert len(data.X_train) == 6066


def test_checksum_mismatch_keeps_no_file(mirror, tmp_path):
    fake = tmp_path / "mirror"
    fake.mkdir()
    for suffix in ("_AC.seq.gz", "_B.seq.gz"):
        shutil.copy(mirror / f"{REST}{suffix}", fake / f"{REST}{suffix}")
    with open(fake / f"{REST}_AC.seq.gz", "ab") as handle:
        handle.write(b"tampered")
    cache = tmp_path / "cache"
    with pytest.raises(OSError, match="Checksum mismatch for REST.*_AC.seq.gz"):
        fetch_deepbind_encode("REST", data_home=cache, mirror=fake)
    assert list((cache / "deepbind_encode").iterdir()) == []


def test_missing_mirror_and_unknown_names(tmp_path, monkeypatch):
    monkeypatch.delenv("SKLEARN_DEMO_MIRROR", raising=False)  # the user's own mirror
    with pytest.raises(FileNotFoundError, match="mirror folder .* does not exist"):
        fetch_deepbind_encode("REST", data_home=tmp_path, mirror=tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="not in the mirror folder"):
        fetch_deepbind_encode("REST", data_home=tmp_path, mirror=tmp_path)
    with pytest.raises(FileNotFoundError, match="download_if_missing=False"):
        fetch_deepbind_encode("REST", data_home=tmp_path / "c", download_if_missing=False)
    with pytest.raises(ValueError, match="Unknown or ambiguous .*'NOPE'"):
        fetch_deepbind_encode("NOPE", data_home=tmp_path)


def test_planted_sites_follow_their_motif_matrices():
    data = make_motif_dataset(400, random_state=1)
    X = one_hot_encode(data.X)
    assert data.y.sum() == 200
    assert not data.mask[data.y == 0].any()
    aligned = {mid: [] for mid in data.motifs}
    for i in np.flatnonzero(data.y):
        assert len(data.sites[i]) == 2
        assert data.mask[i].sum() == sum(end - start for _, start, end, _ in data.sites[i])
        for mid, start, end, strand in data.sites[i]:
            site = X[i, :, start:end]
            aligned[mid].append(site[::-1, ::-1] if strand == "-" else site)
    for mid, sites in aligned.items():
        # Base frequencies at the reported positions, strand-corrected, match
        # the motif's matrix up to sampling error (sd <= 0.035 for 200 sites).
        np.testing.assert_allclose(np.mean(sites, axis=0), data.motifs[mid], atol=0.15)


def test_pure_grammar_differs_only_in_order():
    data = make_motif_dataset(200, grammar="pure", spacing=(3, 8), random_state=0)
    first, second = list(data.motifs)
    for i in range(200):
        (a, a_start, a_end, _), (b, b_start, _, _) = data.sites[i]
        assert (a, b) == ((first, second) if data.y[i] else (second, first))
        assert 3 <= b_start - a_end <= 8


def test_mixed_grammar_sites_lie_beyond_the_cnn_receptive_field_and_off_the_ends():
    data = make_motif_dataset(400, grammar="mixed", sequence_length=200, end_margin=12,
                              random_state=1)
    first, second = list(data.motifs)
    single = 0
    for i in range(400):
        names = [site[0] for site in data.sites[i]]
        starts = [site[1] for site in data.sites[i]]
        ends = [site[2] for site in data.sites[i]]
        assert min(starts) >= 12 and max(ends) <= 200 - 12
        if data.y[i]:
            assert names == [first, second]
        elif len(names) == 1:
            single += 1
        else:
            assert names == [second, first]
        if len(names) == 2:
            # DeMo's CNN sees 25 bp: 9 + 2 * 4 + 4 * 2.
            assert 30 <= starts[1] - ends[0] <= 50
            assert ends[1] - starts[0] > 25
        assert data.mask[i].sum() == sum(e - s for s, e in zip(starts, ends))
    negatives = int((data.y == 0).sum())
    assert 0.35 < single / negatives < 0.65  # single_site_fraction=0.5


def test_motif_dataset_is_reproducible_and_validated():
    a, b = make_motif_dataset(50, random_state=3), make_motif_dataset(50, random_state=3)
    np.testing.assert_array_equal(a.X, b.X)
    assert hashlib.sha256("".join(a.X).encode()).hexdigest() == \
        hashlib.sha256("".join(b.X).encode()).hexdigest()
    with pytest.raises(ValueError, match="too short for motifs"):
        make_motif_dataset(10, sequence_length=20)
    with pytest.raises(ValueError, match="exactly two motifs"):
        make_motif_dataset(10, motifs=("MA0139",), grammar="pure")
    with pytest.raises(ValueError, match="grammar must be None or one of"):
        make_motif_dataset(10, grammar=True)
    with pytest.raises(ValueError, match="free bases at each end"):
        make_motif_dataset(10, grammar="pure", sequence_length=90)
    with pytest.raises(ValueError, match="not in JASPAR2024"):
        make_motif_dataset(10, motifs=("MA9999",))


def test_fetch_problems_name_their_cause(mirror, tmp_path, monkeypatch):
    """A corrupt cached copy is called corrupt (not "not in cache"); a data
    home that is a file and an offline download are one-line errors that say
    what to do."""
    monkeypatch.delenv("SKLEARN_DEMO_MIRROR", raising=False)  # the user's own mirror
    import urllib.error
    import urllib.request

    fetch_deepbind_encode("REST", data_home=tmp_path, mirror=mirror)
    with open(tmp_path / "deepbind_encode" / f"{REST}_AC.seq.gz", "ab") as handle:
        handle.write(b"bit rot")
    with pytest.raises(OSError, match="cached .*_AC.seq.gz is corrupt"):
        fetch_deepbind_encode("REST", data_home=tmp_path, download_if_missing=False)
    (tmp_path / "a_file").write_text("")
    with pytest.raises(ValueError, match="a_file is a file, not a folder"):
        fetch_deepbind_encode("REST", data_home=tmp_path / "a_file", mirror=mirror)

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(OSError, match="Cannot download https://.*_AC.seq.gz .*pass mirror="):
        fetch_deepbind_encode("REST", data_home=tmp_path / "fresh")
