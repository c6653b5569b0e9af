"""The headline accuracy figures in the README, RESULTS.md's summary and the
benchmarks guide are the means of the stored benchmark results, so they
cannot drift from the table they summarise."""
import csv
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "deepbind_accuracy.csv"

#: Headline name -> the row of deepbind_accuracy.csv it summarises (the
#: defaults, seed 0; gkm-SVM on Nystroem features; the second seed).
HEADLINES = {"CNN-RNN": "CNNRNNClassifier", "CNN-RNN, second seed": "CNNRNNClassifier+seed1",
             "RNN": "RNNClassifier", "CNN": "CNNClassifier", "k-mer": "KmerClassifier",
             "gkm-SVM": "GappedKmerSVC+nystroem-20k"}


def headline_means() -> dict[str, str]:
    """Each headline's ten-set mean test AUC, as printed (three decimals),
    and DeepBind's published mean."""
    rows = list(csv.DictReader(RESULTS.open()))
    means = {}
    for headline, model in HEADLINES.items():
        aucs = {row["dataset"]: float(row["test_auc"]) for row in rows if row["model"] == model}
        assert len(aucs) == 10, (model, len(aucs))
        means[headline] = f"{np.mean(list(aucs.values())):.3f}"
    published = {row["dataset"]: float(row["deepbind_auc"]) for row in rows}
    means["DeepBind"] = f"{np.mean(list(published.values())):.3f}"
    return means


def _expected_text(means: dict[str, str]) -> dict[str, list[str]]:
    return {
        "README.md": [f"CNN-RNN\n   {means['CNN-RNN']} ({means['CNN-RNN, second seed']} with a "
                      f"second seed), RNN {means['RNN']}, CNN {means['CNN']}, against "
                      f"DeepBind's published\n   {means['DeepBind']}, a k-mer logistic "
                      f"regression {means['k-mer']} and gkm-SVM {means['gkm-SVM']}"],
        "benchmarks/RESULTS.md": [f"CNN-RNN {means['CNN-RNN']}, CNN {means['CNN']}",
                                  f"RNN {means['RNN']}; k-mer {means['k-mer']}, gkm-SVM "
                                  f"{means['gkm-SVM']}", f"DeepBind {means['DeepBind']}"],
        "docs/guide/benchmarks.md": [f"| {means['DeepBind']} | **{means['CNN']}** | "
                                     f"**{means['CNN-RNN']}** |"],
    }


@pytest.mark.parametrize("document", ["README.md", "benchmarks/RESULTS.md",
                                      "docs/guide/benchmarks.md"])
def test_headline_numbers_are_the_stored_results(document):
    text = (REPO / document).read_text()
    for expected in _expected_text(headline_means())[document]:
        assert expected in text, f"{document} should say: {expected!r}"
