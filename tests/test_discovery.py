"""Motif discovery from attributions (TF-MoDISco) and its inputs."""
import numpy as np
import pytest
import torch

from sklearn_demo import CNNClassifier, SaliencyExplainer, make_motif_dataset
from sklearn_demo.encoding import one_hot_encode
from sklearn_demo.explain.discovery import (
    discover_motifs, discovered_motif_names, hypothetical_contributions,
)
from sklearn.frozen import FrozenEstimator


@pytest.fixture(scope="module")
def ctcf_model():
    data = make_motif_dataset(2000, motifs=("MA0139",), random_state=0)
    model = CNNClassifier(n_filters=32, max_epochs=10, random_state=0, verbose=0).fit(
        data.X, data.y)
    return model, data


def test_hypothetical_contributions_are_the_gradient_off_the_simplex(ctcf_model):
    model, data = ctcf_model
    X = one_hot_encode(data.X[:5])
    hyp = hypothetical_contributions(model, X)
    gradient = SaliencyExplainer(FrozenEstimator(model), method="gradient",
                                 class_score="logit").fit(X).transform(X)
    np.testing.assert_allclose(hyp.sum(axis=1), 0, atol=1e-5)
    # Differences between bases, which is what an input change can use, are kept.
    np.testing.assert_allclose(hyp[:, 0] - hyp[:, 2], gradient[:, 0] - gradient[:, 2],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_modisco_patterns_of_a_cnn_on_planted_ctcf_match_ctcf(ctcf_model):
    model, data = ctcf_model
    # 400 positives: CTCF from 68 seqlets (126 from 600, 48 from 300; the
    # Leiden clustering's time grows about with the square of the seqlets).
    threads = torch.get_num_threads()
    motifs = discover_motifs(model, data.X[data.y == 1][:400])
    assert torch.get_num_threads() == threads  # TF-MoDISco's numba kernels put it back
    top = motifs[0]
    assert top.name == "positive_1"
    assert top.matches[0].name in ("CTCF", "CTCFL"), discovered_motif_names(motifs)
    assert top.n_seqlets >= 50
    assert top.pwm.shape[0] == 4 and 8 <= top.pwm.shape[1] <= 40
    np.testing.assert_allclose(top.pwm.sum(axis=0), 1, atol=1e-3)


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_the_dashboard_shows_and_exports_discovered_motifs(tmp_path, ctcf_model):
    from memelite.io import read_meme

    from sklearn_demo.dashboard import DashboardData, build_dashboard

    model, motif_data = ctcf_model
    # 700 training sequences (about 350 positives for TF-MoDISco): the
    # panel and the export are what this checks, not discovery's power (nor the
    # attribution methods' site AUROCs: 8 positives, not 200).
    data = DashboardData("planted CTCF", motif_data.X[:700], motif_data.y[:700],
                         motif_data.X[1500:1800], motif_data.y[1500:1800])
    run = build_dashboard(data, {"CNNClassifier": model}, out=tmp_path, class_iterations=20,
                          discover_motifs=True, site_auroc_sequences=8, verbose=0,
                          log=lambda _: None)
    discovered = run.explanations[0].discovered
    assert discovered and discovered[0].matches
    page = run.page.read_text()
    assert "Motifs discovered from attributions" in page
    assert "cnnclassifier_discovered_motifs.json" in page
    names = [name.split()[0] for name in read_meme(str(tmp_path / "motifs.meme"))]
    assert "CNNClassifier.discovered.positive_1" in names
