"""Expected gradients (the algorithm of shap's ``GradientExplainer``) against
dinucleotide shuffles, batched across sequences and samples."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from ..._progress import progress
from ...shuffle import dinucleotide_shuffle_one_hot
from ._batched import batched


def expected_gradients(
    model: Callable[[torch.Tensor], torch.Tensor],
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

    The algorithm of shap's ``GradientExplainer`` (and captum's
    ``GradientShap`` without noise): for each sample, a random reference
    ``r`` and ``t ~ U(0, 1)``, the gradient at ``r + t (x - r)`` times
    ``x - r``, averaged. Run here in batches across sequences and samples
    (shap builds one explainer per background, so per sequence), each
    sequence seeded with ``random_state + i`` (its shuffles and samples), so
    its values do not depend on the others in ``X``. Works on CNNs and LSTMs
    alike: it needs only gradients.

    ``model`` maps (n, 4, L) to (n,) or (n, 1).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(40, 1))
    >>> from sklearn_demo import one_hot_encode
    >>> expected_gradients(model, one_hot_encode(["ACGTTGCAAC"]), n_samples=20).shape
    (1, 4, 10)
    """
    X = np.asarray(X, dtype=np.float32)
    n, channels, length = X.shape
    per_batch = max(1, batch_size // n_samples)  # sequences whose samples fill a batch
    out = np.empty_like(X)
    for first in progress(range(0, n, per_batch), desc="expected gradients", unit="batch"):
        chunk = range(first, min(first + per_batch, n))
        points, deltas = [], []
        for i in chunk:
            rng = np.random.default_rng(None if random_state is None else int(random_state) + i)
            references = dinucleotide_shuffle_one_hot(X[i:i + 1], n_shuffles=n_references,
                                                      random_state=rng)
            chosen = references[rng.integers(n_references, size=n_samples)]
            t = rng.random((n_samples, 1, 1), dtype=np.float32)
            points.append(chosen + t * (X[i] - chosen))
            deltas.append(X[i] - chosen)
        points = np.concatenate(points)
        gradients = batched(lambda x: model(x).reshape(len(x)), points,
                            batch_size=batch_size, device=device, gradients=True)
        values = (gradients * np.concatenate(deltas)).reshape(len(chunk), n_samples,
                                                             channels, length)
        out[chunk.start:chunk.stop] = values.mean(axis=1)
    return out
