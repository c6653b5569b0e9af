"""The one batched loop every attribution method runs its model through."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

#: A batch of one-hot inputs (n, 4, L) to one score each, shape (n,).
ScoreFunction = Callable[[torch.Tensor], torch.Tensor]


def batched(
    score: ScoreFunction,
    X: np.ndarray,
    *,
    batch_size: int,
    device: str | torch.device = "cpu",
    gradients: bool = False,
) -> np.ndarray:
    """``score`` of every row of ``X`` (shape (n,)), or with
    ``gradients=True`` its gradient with respect to each input (the shape of
    ``X``), ``batch_size`` rows at a time.

    Examples
    --------
    >>> X = np.ones((5, 4, 3), dtype=np.float32)
    >>> batched(lambda x: x.sum(dim=(1, 2)), X, batch_size=2).tolist()
    [12.0, 12.0, 12.0, 12.0, 12.0]
    >>> batched(lambda x: (2 * x).sum(dim=(1, 2)), X, batch_size=2, gradients=True).max()
    np.float32(2.0)
    """
    out = np.empty(X.shape if gradients else len(X), dtype=np.float32)
    for start in range(0, len(X), batch_size):
        x = torch.as_tensor(X[start:start + batch_size], device=device)
        if gradients:
            x.requires_grad_(True)
            value = torch.autograd.grad(score(x).sum(), x)[0]
        else:
            with torch.no_grad():
                value = score(x)
        out[start:start + batch_size] = value.detach().cpu().numpy()
    return out
