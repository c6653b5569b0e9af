"""Renamed values and moved functions keep working for a release, with a
FutureWarning that names the new spelling (scikit-learn's deprecation)."""
import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator

import sklearn_demo.genome
from sklearn_demo import SaliencyExplainer
from sklearn_demo.inference import explain_peaks, predict_peaks, predict_tiles


def test_method_deepshap_is_expected_gradients_with_a_warning(fitted_models, motif_data):
    model = FrozenEstimator(fitted_models("tiny_cnn"))
    X = motif_data.X[:2]
    with pytest.warns(FutureWarning, match="method='expected_gradients'; the old name"):
        old = SaliencyExplainer(model, method="deepshap", n_samples=4, n_references=2).fit(X)
    new = SaliencyExplainer(model, method="expected_gradients", n_samples=4,
                            n_references=2).fit(X)
    np.testing.assert_allclose(old.transform(X), new.transform(X), rtol=0, atol=1e-7)
    assert old.get_params()["method"] == "deepshap"  # the parameter as given (clone)


@pytest.mark.parametrize("name, function", [("predict_peaks", predict_peaks),
                                            ("explain_peaks", explain_peaks),
                                            ("predict_tiles", predict_tiles)])
def test_moved_genome_functions_still_import_with_a_warning(name, function):
    with pytest.warns(FutureWarning, match=f"sklearn_demo.inference.{name}"):
        assert getattr(sklearn_demo.genome, name) is function
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        sklearn_demo.genome.nothing  # noqa: B018
