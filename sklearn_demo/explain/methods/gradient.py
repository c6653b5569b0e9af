"""First-order derivatives of the score: DeMo's saliency and its relatives."""
from __future__ import annotations

import numpy as np
import torch

from .scoring import ScoreFunction, score_in_batches


def gradient(
    score: ScoreFunction, X: np.ndarray, *, batch_size: int = 256,
    device: str | torch.device = "cpu",
) -> np.ndarray:
    """d score / dx at one-hot ``X`` (n, 4, L), all four bases, signed.

    DeMo's saliency map is ``abs(gradient) * X``; gradient x input is
    ``gradient * X``.

    Examples
    --------
    >>> weights = torch.arange(8.0).reshape(1, 4, 2)
    >>> gradient(lambda x: (x * weights).sum(dim=(1, 2)), np.zeros((1, 4, 2), np.float32))[0, 3]
    array([6., 7.], dtype=float32)
    """
    return score_in_batches(score, X, batch_size=batch_size, device=device, gradients=True)
