"""The three DeMo architectures as torch modules.

Each takes a float tensor of shape (n, channels, length), channels A, C, G, T
for DNA, and returns one logit per sequence, shape (n,). All are length
agnostic: convolutions use "same" padding, pooling keeps a partial last
window, and the outputs are pooled over positions, so a model trained on
101 bp can score sequences of any length.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class DeMoCNN(nn.Module):
    """Convolutional network: conv/ReLU layers, max-pooling between them,
    global max over positions, dropout, linear output.

    DeMo's configuration is the default: three layers of 128 maps of widths
    9, 5 and 3, max-pooling 2 after the first two, dropout 0.5.

    Parameters
    ----------
    in_channels : int, default=4
    n_filters : int, default=128
    filter_widths : sequence of int, default=(9, 5, 3)
    pool_size : int, default=2
    dropout : float, default=0.5

    Examples
    --------
    >>> DeMoCNN()(torch.zeros(2, 4, 101)).shape
    torch.Size([2])
    """

    def __init__(
        self,
        in_channels: int = 4,
        n_filters: int = 128,
        filter_widths: Sequence[int] = (9, 5, 3),
        pool_size: int = 2,
        dropout: float = 0.5,
    ):
        super().__init__()
        layers: list[nn.Module] = []
        channels = in_channels
        for depth, width in enumerate(filter_widths):
            if depth > 0:
                layers.append(nn.MaxPool1d(pool_size, ceil_mode=True))
            layers += [nn.Conv1d(channels, n_filters, width, padding="same"), nn.ReLU()]
            channels = n_filters
        self.features = nn.Sequential(*layers)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(n_filters, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = self.features(x).amax(dim=2)
        return self.output(self.dropout(pooled)).squeeze(-1)


class BiLSTMHead(nn.Module):
    """One-layer bidirectional LSTM; each direction's outputs are averaged over
    time, concatenated, passed through dropout and a linear output.

    Parameters
    ----------
    input_size : int
    hidden_size : int, default=32
        Units per direction.
    dropout : float, default=0.5

    Examples
    --------
    >>> BiLSTMHead(4)(torch.zeros(2, 101, 4)).shape
    torch.Size([2])
    """

    def __init__(self, input_size: int, hidden_size: int = 32, dropout: float = 0.5):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(2 * hidden_size, 1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """Score ``h`` of shape (n, length, input_size); returns (n,) logits.

        The LSTM always runs in its weights' precision (float32 unless the
        module was converted), also under :func:`torch.autocast`:
        its state is carried over every position, where bfloat16 rounding
        accumulates, and oneDNN has no bfloat16 LSTM on CPUs without bfloat16
        units.
        """
        with torch.autocast(h.device.type, enabled=False):
            states, _ = self.lstm(h.to(self.lstm.weight_ih_l0.dtype))
        return self.output(self.dropout(states.mean(dim=1))).squeeze(-1)


class DeMoRNN(nn.Module):
    """Recurrent network: a :class:`BiLSTMHead` reading the one-hot input.

    Parameters
    ----------
    in_channels : int, default=4
    hidden_size : int, default=32
    dropout : float, default=0.5

    Examples
    --------
    >>> DeMoRNN()(torch.zeros(2, 4, 101)).shape
    torch.Size([2])
    """

    def __init__(self, in_channels: int = 4, hidden_size: int = 32, dropout: float = 0.5):
        super().__init__()
        self.recurrent = BiLSTMHead(self.embedding_size(in_channels), hidden_size, dropout)

    def embedding_size(self, in_channels: int) -> int:
        """Width of what :meth:`embed` feeds the recurrent head."""
        return in_channels

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Map (n, channels, length) input to the (n, length, features) sequence
        the recurrent head reads."""
        return x.transpose(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.recurrent(self.embed(x))


class DeMoCNNRNN(DeMoRNN):
    """Convolutional-recurrent network: one conv layer ("same" padding, ReLU)
    whose feature maps a :class:`BiLSTMHead` reads position by position.

    Parameters
    ----------
    in_channels : int, default=4
    n_filters : int, default=128
    filter_width : int, default=9
    hidden_size : int, default=32
    dropout : float, default=0.5

    Examples
    --------
    >>> DeMoCNNRNN()(torch.zeros(2, 4, 101)).shape
    torch.Size([2])
    """

    def __init__(
        self,
        in_channels: int = 4,
        n_filters: int = 128,
        filter_width: int = 9,
        hidden_size: int = 32,
        dropout: float = 0.5,
    ):
        self.n_filters = n_filters
        super().__init__(in_channels, hidden_size, dropout)
        self.conv = nn.Conv1d(in_channels, n_filters, filter_width, padding="same")

    def embedding_size(self, in_channels: int) -> int:
        return self.n_filters

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.conv(x)).transpose(1, 2)
