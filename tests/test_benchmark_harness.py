"""The accuracy harness end to end on the mirror: cached cells, CSV, figure,
the Dask backend on a LocalCluster and Ray on a local instance."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import deepbind_accuracy  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _argv(tmp_path, mirror, *extra, datasets=("REST",)):
    # The k-mer SVM on at most 1,000 training sequences: the harness, not the
    # model, is under test (test AUC 0.9+ on REST all the same).
    return ["--datasets", *datasets, "--models", "kmer", "--max-train", "kmer=1000",
            "--mirror", str(mirror),
            "--data-home", str(tmp_path / "data"), "--cache-dir", str(tmp_path / "cells"),
            "--out", str(tmp_path / "out"), "--no-report", *extra]


def test_harness_writes_results_and_resumes(tmp_path, mirror, monkeypatch):
    rows = deepbind_accuracy.main(_argv(tmp_path, mirror))
    assert rows[0]["model"] == "KmerClassifier" and rows[0]["test_auc"] > 0.9
    assert (tmp_path / "out" / "deepbind_accuracy.csv").read_text().startswith("dataset,model")
    assert (tmp_path / "out" / "auc_vs_deepbind.png").read_bytes()[:4] == b"\x89PNG"
    cells = list((tmp_path / "cells").glob("*.json"))
    assert len(cells) == 1 and json.loads(cells[0].read_text())["dataset"].startswith("REST")

    def must_not_train(*args, **kwargs):
        raise AssertionError("a cached cell was recomputed")

    monkeypatch.setattr(deepbind_accuracy, "make_model", must_not_train)
    assert deepbind_accuracy.main(_argv(tmp_path, mirror)) == rows


def _rows(*cells):
    return [{"dataset": name, "model": model, "test_auc": auc, "test_auprc": auc,
             "train_s": seconds, "predict_s": 0.1} for name, model, auc, seconds in cells]


REST, MYC, ELK1 = ("REST_GM12878_NRSF_HudsonAlpha", "MYC_H1-hESC_c-Myc_Stanford",
                   "ELK1_GM12878_ELK1_(1277-1)_Stanford")


def test_markdown_rows_give_mean_median_and_the_gap_to_the_kmer_baseline():
    text = deepbind_accuracy.markdown(_rows(
        (REST, "M", 0.9, 10), (MYC, "M", 0.7, 10), (ELK1, "M", 0.8, 10),
        (REST, "KmerClassifier", 0.85, 1), (MYC, "KmerClassifier", 0.75, 1),
        (ELK1, "KmerClassifier", 0.8, 1)), "cmd", "fig.png")
    # DeepBind: 0.999, 0.855, 0.948
    assert "| DeepBind (published) | 0.999 | 0.855 | 0.948 | 0.934 | 0.948 | |" in text
    assert "| **M** | 0.900 | 0.700 | 0.800 | **0.800** | 0.800 | +0.000; below: MYC |" in text


def test_a_variant_on_fewer_datasets_says_so_and_flags_its_cost():
    text = deepbind_accuracy.markdown(_rows(
        (REST, "M", 0.9, 10), (MYC, "M", 0.7, 10), (REST, "M+v", 0.95, 20)), "cmd", "fig.png")
    assert "| M+v | 0.950 |  | **0.950** (1 of 2) | 0.950 |  |" in text
    assert "| M+v | 20 (?) |  | 2.0x **(>1.5x)** |" in text


def test_dask_backend_on_a_local_cluster(tmp_path, mirror):
    pytest.importorskip("dask.distributed")
    rows = deepbind_accuracy.main(_argv(tmp_path, mirror, "--backend", "dask", "--n-jobs", "2",
                                        datasets=("GABPA", "REST")))
    assert sorted(r["dataset"].split("_")[0] for r in rows) == ["GABPA", "REST"]


def test_ray_backend_on_a_local_ray(tmp_path, mirror):
    ray = pytest.importorskip("ray", reason="ray is optional: pip install '.[ray]'")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        rows = deepbind_accuracy.main(_argv(tmp_path, mirror, "--backend", "ray", "--n-jobs",
                                            "2", datasets=("GABPA", "REST")))
    finally:
        ray.shutdown()
    assert sorted(r["dataset"].split("_")[0] for r in rows) == ["GABPA", "REST"]


def test_each_row_names_the_command_of_its_cells_and_how_they_were_relabelled():
    """A cell records the options that compute it; the report merges a row's
    data sets into one command and keeps a relabelled cell's note."""
    assert deepbind_accuracy.cell_command(MYC, "rnn", "e15", {"max_epochs": 15}, 20000) == (
        "--models rnn --datasets MYC --max-train rnn=20000 --variant e15 max_epochs=15")
    assert deepbind_accuracy.cell_command(REST, "gkm", "", {}, 2000) == (
        "--models gkm --datasets REST --max-train-gkm 2000")
    assert deepbind_accuracy.cell_command(REST, "cnnrnn", "", {}, None, seed=1) == (
        "--models cnnrnn --datasets REST --seed 1")
    assert deepbind_accuracy.row_label("CNNRNNClassifier", "", 1) == "CNNRNNClassifier+seed1"
    assert deepbind_accuracy.row_label("CNNClassifier", "demo", 0) == "CNNClassifier+demo"
    rows = _rows((REST, "M+v", 0.9, 1), (MYC, "M+v", 0.8, 1))
    for row, name in zip(rows, ("REST", "MYC")):
        row["command"] = (f"--models cnn --datasets {name} --variant v global_pool=max "
                          'criterion__x={"a": 1}')  # braces in a value: no str.format
        row["note"] = "run when v was the default"
    text = deepbind_accuracy.markdown(rows, "cmd", "fig.png")
    assert ('- M+v: `--models cnn --datasets REST MYC --variant v global_pool=max '
            'criterion__x={"a": 1}` (run when v was the default)') in text
