import gzip

import numpy as np
import pytest

from sklearn_demo import read_deepbind, read_fasta, read_sequences


def _write(path, text, compress=False):
    if compress:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


DEEPBIND = "FoldID\tEventID\tseq\tBound\nA\tp1\tACGT\t1\nA\tp2\tGGCC\t0\n"


@pytest.mark.parametrize("compress", [False, True])
def test_read_deepbind(tmp_path, compress):
    records = read_deepbind(_write(tmp_path / "x.seq.gz", DEEPBIND, compress))
    assert records.sequences.tolist() == ["ACGT", "GGCC"]
    assert records.labels.tolist() == [1, 0]
    assert records.event_ids.tolist() == ["p1", "p2"]


def test_read_deepbind_real_mirror_file(mirror):
    records = read_deepbind(mirror / "REST_GM12878_NRSF_HudsonAlpha_B.seq.gz")
    assert len(records.sequences) == 1000
    assert records.labels.sum() == 500
    assert {len(s) for s in records.sequences} == {101}


def test_deepbind_bad_header_and_row(tmp_path):
    with pytest.raises(ValueError, match="not in DeepBind format"):
        read_deepbind(_write(tmp_path / "a.seq", "id\tseq\nx\tACGT\n"))
    with pytest.raises(ValueError, match="line 4: expected 4 tab-separated fields"):
        read_deepbind(_write(tmp_path / "b.seq", DEEPBIND + "A\tp3\tACGT\n"))
    with pytest.raises(ValueError, match="holds no sequences"):
        read_deepbind(_write(tmp_path / "c.seq", "FoldID\tEventID\tseq\tBound\n"))


def test_truncated_gzip_is_a_clear_error(tmp_path):
    good = _write(tmp_path / "good.seq.gz", DEEPBIND * 200, compress=True).read_bytes()
    truncated = tmp_path / "truncated.seq.gz"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match="truncated.seq.gz.*truncated or corrupt"):
        read_deepbind(truncated)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such sequence file"):
        read_fasta(tmp_path / "nope.fa")


@pytest.mark.parametrize("compress", [False, True])
def test_read_fasta_multiline(tmp_path, compress):
    path = _write(tmp_path / "x.fa.gz", ">s1 desc\nACGT\nAC\n>s2\nggnn\n", compress)
    records = read_fasta(path)
    assert records.names.tolist() == ["s1", "s2"]
    assert records.sequences.tolist() == ["ACGTAC", "ggnn"]


def test_read_fasta_rejects_non_fasta(tmp_path):
    with pytest.raises(ValueError, match="not FASTA"):
        read_fasta(_write(tmp_path / "x.fa", "ACGT\n"))


def test_read_sequences(tmp_path):
    seqs = read_sequences(_write(tmp_path / "x.txt", "ACGT\n\n  GGCC \n"))
    np.testing.assert_array_equal(seqs, ["ACGT", "GGCC"])
    with pytest.raises(ValueError, match="holds no sequences"):
        read_sequences(_write(tmp_path / "e.txt", "\n\n"))


def test_a_utf8_byte_order_mark_is_read_through(tmp_path):
    """Files saved by Windows editors start with a BOM; the format is still sniffed."""
    from sklearn_demo.io import load_training_data, sniff_format

    path = tmp_path / "bom.fa"
    path.write_bytes("\ufeff>a\nACGTACGT\n".encode("utf-8"))
    assert sniff_format(path) == "fasta"
    assert load_training_data(path).X_train[0] == "ACGTACGT"


def test_labels_that_only_look_like_integers_stay_strings(tmp_path):
    """``--1`` is not an integer: it is kept as a label string, not a crash in int()."""
    from sklearn_demo.io import read_labelled_tsv

    path = tmp_path / "odd.tsv"
    path.write_text("ACGT\t--1\nGGCC\t1\n")
    assert read_labelled_tsv(path).labels.tolist() == ["--1", "1"]
    path.write_text("ACGT\t-1\nGGCC\t+1\n")
    assert read_labelled_tsv(path).labels.tolist() == [-1, 1]
