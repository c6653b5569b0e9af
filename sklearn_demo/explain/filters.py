"""First-layer convolution filters read as motifs."""
from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from ..encoding import check_dna
from ..ensemble import SeedEnsemble, concatenated_filters
from ..networks import DeMoCNN, DeMoCNNRNN, StrandPairedConv1d
from ._base import evaluation_mode, unwrap_classifier
from ..labels import positive_class


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
    clf, conv = _first_convolution(estimator, "first_layer_pwms")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}.")
    X_enc = check_dna(X, padding=clf.padding)
    width = conv.kernel_size[0]
    left = (width - 1) // 2  # torch's "same" padding puts the odd column on the right
    padded = np.pad(X_enc, ((0, 0), (0, 0), (left, width - 1 - left)))
    activations, reverse = _activations(clf, conv, X_enc, batch_size)  # (n, filters, L)
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
        if reverse is not None:  # a site read on the reverse strand, in the filter's orientation
            flip = reverse[seq, f, pos]
            windows[flip] = windows[flip, ::-1, ::-1]
        counts[f] = windows.sum(axis=0).T
        n_sites[f] = len(seq)
    counts += 0.5
    return counts / counts.sum(axis=1, keepdims=True), n_sites


def filter_aurocs(
    estimator: object, X: object, y: object, *, batch_size: int = 256
) -> np.ndarray:
    """How much each first-layer filter tells the classes apart: the AUROC of
    its largest activation per sequence for the positive class of ``y``.

    1 means the filter fires more on every positive than on any negative,
    0.5 that it does not separate them (a filter that never fires, or one
    that fires everywhere); below 0.5 it marks the negatives. Rank filters by
    this before reading their motifs: a filter's match p-value says what it
    looks like, not whether the model uses it.

    Parameters
    ----------
    estimator : fitted CNNClassifier or CNNRNNClassifier (or FrozenEstimator of one)
    X : DNA strings or one-hot array (n, 4, L)
    y : labels of X, in the classifier's classes
    batch_size : int, default=256

    Returns
    -------
    aurocs : ndarray of shape (n_filters,)

    Examples
    --------
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> filter_aurocs(clf, data.X, data.y).shape
    (4,)
    """
    clf, conv = _first_convolution(estimator, "filter_aurocs")
    X_enc = check_dna(X, padding=clf.padding)
    positive = np.asarray(y) == positive_class(clf)
    if positive.all() or not positive.any():
        raise ValueError("filter_aurocs needs sequences of both classes.")
    peaks = _activations(clf, conv, X_enc, batch_size)[0].max(axis=2)  # (n, filters)
    return np.array([roc_auc_score(positive, peaks[:, f]) for f in range(peaks.shape[1])])


def _first_convolution(estimator: object, owner: str) -> tuple[object, torch.nn.Conv1d]:
    """The classifier and its first convolution; a seed ensemble's members'
    first convolutions as one, their filters one after the other."""
    clf = unwrap_classifier(estimator, owner)
    module = clf.module_
    if isinstance(module, SeedEnsemble):
        return clf, concatenated_filters([_network_convolution(m, owner) for m in module.members])
    return clf, _network_convolution(module, owner)


def _network_convolution(module: torch.nn.Module, owner: str) -> torch.nn.Conv1d:
    if isinstance(module, DeMoCNN):
        return module.features[0]
    if isinstance(module, DeMoCNNRNN):
        return module.conv
    raise TypeError(f"{owner} needs a convolutional model; got {type(module).__name__}.")


def _activations(clf, conv: torch.nn.Conv1d, X_enc: np.ndarray,
                 batch_size: int) -> tuple[np.ndarray, np.ndarray | None]:
    """ReLU of the first convolution, (n, filters, L), and for a convolution
    that reads both strands (:class:`~sklearn_demo.networks.StrandPairedConv1d`)
    where the reverse strand gave the response (else None)."""
    paired = isinstance(conv, StrandPairedConv1d)
    maps, reverse = [], []
    with torch.no_grad(), evaluation_mode(clf.module_):
        for i in range(0, len(X_enc), batch_size):
            x = torch.as_tensor(X_enc[i:i + batch_size], device=clf.device)
            if paired:
                forward, backward = conv.strand_responses(x)
                maps.append(torch.relu(torch.maximum(forward, backward)).cpu().numpy())
                reverse.append((backward > forward).cpu().numpy())
            else:
                maps.append(torch.relu(conv(x)).cpu().numpy())
    return np.concatenate(maps), (np.concatenate(reverse) if paired else None)
