"""Expected gradients (shap's ``GradientExplainer``) against dinucleotide shuffles."""
from __future__ import annotations

import numpy as np
import torch

from ..._progress import progress
from ...encoding import one_hot_decode, one_hot_encode
from ...shuffle import dinucleotide_shuffle


def expected_gradients(
    model: torch.nn.Module,
    X: np.ndarray,
    *,
    n_references: int = 10,
    n_samples: int = 200,
    batch_size: int = 256,
    random_state: int | None = 0,
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """SHAP values of ``model``'s single output for one-hot ``X`` (n, 4, L),
    by expected gradients with ``n_references`` dinucleotide shuffles of each
    sequence as its background and ``n_samples`` gradient samples.

    ``model`` maps (n, 4, L) to (n, 1). Sequence ``i`` is seeded with
    ``random_state + i`` (shuffles and samples), so a sequence's values do
    not depend on the others in ``X``. Works on CNNs and LSTMs alike: it
    needs only gradients (shap's ``DeepExplainer`` has no rules for LSTMs or
    a global max).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(40, 1))
    >>> expected_gradients(model, one_hot_encode(["ACGTTGCAAC"]), n_samples=20).shape
    (1, 4, 10)
    """
    import shap

    out = np.empty_like(X, dtype=np.float32)
    for i, sequence in enumerate(progress(one_hot_decode(X), desc="expected gradients",
                                          unit="seq")):
        seed = None if random_state is None else int(random_state) + i
        shuffled = dinucleotide_shuffle([sequence], n_shuffles=n_references, random_state=seed)
        background = torch.as_tensor(one_hot_encode(shuffled), device=device)
        explainer = shap.GradientExplainer(model, background, batch_size=batch_size)
        values = explainer.shap_values(torch.as_tensor(X[i:i + 1], device=device),
                                       nsamples=n_samples, rseed=seed)
        out[i] = np.asarray(values).reshape(X.shape[1:])
    return out
