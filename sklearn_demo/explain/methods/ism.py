"""In-silico saturation mutagenesis, batched across sequences and substitutions."""
from __future__ import annotations

import numpy as np
import torch

from ..._progress import progress
from ._batched import ScoreFunction, batched


def saturation_mutagenesis(
    score: ScoreFunction, X: np.ndarray, *, batch_size: int = 256,
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """``score(x with base b at position j) - score(x)`` for every sequence,
    position and base of one-hot ``X`` (n, 4, L); 0 where the base is
    already present (that no-op is never evaluated).

    The substitutions of all sequences form one stream of mutants, scored
    ``batch_size`` at a time, so short sequences fill whole batches.

    Examples
    --------
    >>> weights = torch.arange(8.0).reshape(1, 4, 2)
    >>> X = np.zeros((1, 4, 2), np.float32); X[0, 0] = 1  # "AA"
    >>> saturation_mutagenesis(lambda x: (x * weights).sum(dim=(1, 2)), X)[0]
    array([[0., 0.],
           [2., 2.],
           [4., 4.],
           [6., 6.]], dtype=float32)
    """
    out = np.zeros_like(X, dtype=np.float32)
    reference = batched(score, X, batch_size=batch_size, device=device)
    sequence, base, position = np.nonzero(X != 1)
    eye = np.eye(X.shape[1], dtype=X.dtype)
    for start in progress(range(0, len(sequence), batch_size), desc="mutagenesis",
                          unit="batch"):
        i = sequence[start:start + batch_size]
        b = base[start:start + batch_size]
        j = position[start:start + batch_size]
        mutants = X[i].copy()
        mutants[np.arange(len(i)), :, j] = eye[b]
        out[i, b, j] = batched(score, mutants, batch_size=batch_size, device=device) - reference[i]
    return out
