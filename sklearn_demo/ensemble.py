"""Seed ensembles: one network trained several times from different random
initialisations, its members' log-odds averaged."""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["SeedEnsemble", "concatenated_filters"]


class SeedEnsemble(nn.Module):
    """Several copies of one network, each from its own random
    initialisation, trained side by side and averaged.

    In training mode the members' logits come back stacked on dimension 1,
    (n, members) or (n, members, tasks), so the loss trains each member on
    its own; in evaluation mode their mean, the shape one member gives, so
    every explainer reads the ensemble as one network.

    Parameters
    ----------
    members : sequence of torch modules
        Networks of the same kind, initialised apart.

    Examples
    --------
    >>> from sklearn_demo.networks import DeMoCNN
    >>> ensemble = SeedEnsemble([DeMoCNN(n_filters=4), DeMoCNN(n_filters=4)])
    >>> x = torch.zeros(3, 4, 20)
    >>> ensemble.train()(x).shape, ensemble.eval()(x).shape
    (torch.Size([3, 2]), torch.Size([3]))
    """

    def __init__(self, members: Sequence[nn.Module]):
        super().__init__()
        if len(members) < 2:
            raise ValueError(f"a SeedEnsemble needs at least 2 members, got {len(members)}.")
        self.members = nn.ModuleList(members)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = torch.stack([member(x) for member in self.members], dim=1)
        return logits if self.training else logits.mean(dim=1)


def concatenated_filters(convolutions: Sequence[nn.Conv1d]) -> nn.Conv1d:
    """One convolution holding the filters of several of the same kind and
    shape (the members' first layers), one network's after the other's, so
    filter logos and their AUROCs cover every member.

    Examples
    --------
    >>> convs = [nn.Conv1d(4, 3, 5, padding="same"), nn.Conv1d(4, 2, 5, padding="same")]
    >>> both = concatenated_filters(convs)
    >>> x = torch.randn(1, 4, 12)
    >>> torch.allclose(both(x), torch.cat([c(x) for c in convs], dim=1), atol=1e-6)
    True
    """
    first = convolutions[0]
    weight = torch.cat([conv.weight.detach() for conv in convolutions])
    merged = type(first)(first.in_channels, len(weight), first.kernel_size[0],
                         padding=first.padding).to(weight.device, weight.dtype)
    with torch.no_grad():
        merged.weight.copy_(weight)
        merged.bias.copy_(torch.cat([conv.bias.detach() for conv in convolutions]))
    return merged
