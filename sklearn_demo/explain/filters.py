"""First-layer convolution filters read as motifs."""
from __future__ import annotations

import numpy as np
import torch

from ..encoding import check_dna
from ..modules import DeMoCNN, DeMoCNNRNN
from ._base import evaluation_mode, unwrap_classifier


def first_layer_pwms(
    estimator: object, X: object, *, threshold: float = 0.5, batch_size: int = 256
) -> tuple[np.ndarray, np.ndarray]:
    """Turn each first-layer filter into a motif from its top activations.

    As in DeepBind and Basset: every position where a filter's activation
    exceeds ``threshold`` times its maximum over ``X`` contributes the
    filter-wide input window there; the windows' base frequencies (plus a
    pseudocount of 0.5 per base) form the filter's probability matrix.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRNNClassifier (or FrozenEstimator of one)
    X : DNA strings or one-hot array (n, 4, L)
    threshold : float, default=0.5
    batch_size : int, default=256

    Returns
    -------
    pwms : ndarray of shape (n_filters, 4, width)
    n_sites : ndarray of shape (n_filters,)
        Windows behind each matrix (0 for a filter that never fires).

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> first_layer_pwms(clf, data.X)[0].shape
    (4, 4, 9)
    """
    clf = unwrap_classifier(estimator, "first_layer_pwms")
    module = clf.module_
    if isinstance(module, DeMoCNN):
        conv = module.features[0]
    elif isinstance(module, DeMoCNNRNN):
        conv = module.conv
    else:
        raise TypeError(f"first_layer_pwms needs a convolutional model; got {type(module).__name__}.")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}.")
    X_enc = check_dna(X, padding=clf.padding)
    width = conv.kernel_size[0]
    left = (width - 1) // 2  # torch's "same" padding puts the odd column on the right
    padded = np.pad(X_enc, ((0, 0), (0, 0), (left, width - 1 - left)))
    with torch.no_grad(), evaluation_mode(module):
        activations = np.concatenate([
            torch.relu(conv(torch.as_tensor(X_enc[i:i + batch_size], device=clf.device))).cpu().numpy()
            for i in range(0, len(X_enc), batch_size)
        ])  # (n, filters, L)
    n_filters = activations.shape[1]
    counts = np.zeros((n_filters, 4, width))
    n_sites = np.zeros(n_filters, dtype=np.int64)
    peak = activations.max(axis=(0, 2))
    offsets = np.arange(width)
    for f in range(n_filters):
        if peak[f] <= 0:
            continue
        seq, pos = np.nonzero(activations[:, f] > threshold * peak[f])
        windows = padded[seq[:, None], :, pos[:, None] + offsets[None, :]]  # (k, width, 4)
        counts[f] = windows.sum(axis=0).T
        n_sites[f] = len(seq)
    counts += 0.5
    return counts / counts.sum(axis=1, keepdims=True), n_sites
