"""The two strands of DNA in a classifier's answer: a sequence read on both
strands gets the mean of the two strands' probabilities, as log-odds
(:func:`strand_mean_logit`), and the "auto" strand and shift options apply
to one-hot DNA only (:func:`is_dna`)."""
from __future__ import annotations

import numpy as np
import torch

from .encoding import ALPHABET

__all__ = ["is_dna", "probability_of_logit", "strand_mean_logit"]


def is_dna(n_channels: int) -> bool:
    """Whether input of ``n_channels`` channels is one-hot DNA, the input
    every "auto" strand and shift setting is for."""
    return n_channels == len(ALPHABET)


def probability_of_logit(logit: np.ndarray) -> np.ndarray:
    """The logistic function in float64, without overflow at any logit."""
    return np.exp(-np.logaddexp(0.0, -logit))


def strand_mean_logit(forward: torch.Tensor, reverse: torch.Tensor) -> torch.Tensor:
    """The log-odds of the mean of two probabilities given by their logits
    (a sequence's two strands): log(p1 + p2) - log(q1 + q2), with
    log p = -softplus(-z) and log q = -softplus(z), exact at any logit.

    Examples
    --------
    >>> z = strand_mean_logit(torch.tensor([0.0, 40.0]), torch.tensor([2.0, 50.0]))
    >>> torch.sigmoid(z[0]).item() == (0.5 + torch.sigmoid(torch.tensor(2.0)).item()) / 2
    True
    >>> bool(z[1] > 40)
    True
    """
    softplus = torch.nn.functional.softplus
    return (torch.logaddexp(-softplus(-forward), -softplus(-reverse))
            - torch.logaddexp(-softplus(forward), -softplus(reverse)))
