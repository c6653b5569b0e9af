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

from ._validation import Options, check_parameter
from .recurrent import (  # noqa: F401 (POOLS, PREFIX_ALGORITHMS: this module's API)
    LSTM_STRANDS, POOLS, PREFIX_ALGORITHMS, BiLSTMHead, chrono_initialize_, init_input_weights_,
)


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
    n_outputs : int, default=1
        Logits per sequence, one per task; with one the output is squeezed
        to shape (n,).
    filter_strands : {"forward", "both"}, default="forward"
        "both": the first layer's filters read both strands
        (:class:`StrandPairedConv1d`); DNA input only.
    global_pool : {"max", "max+mean"}, default="max"
        Pooling of the last feature maps over positions. "max+mean"
        concatenates the maximum (is a motif there) and the mean (how much
        of it, and the sequence's composition), as DeepBind's "maxavg".

    Examples
    --------
    >>> DeMoCNN()(torch.zeros(2, 4, 101)).shape
    torch.Size([2])
    >>> DeMoCNN(n_outputs=3)(torch.zeros(2, 4, 101)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        in_channels: int = 4,
        n_filters: int = 128,
        filter_widths: Sequence[int] = (9, 5, 3),
        pool_size: int = 2,
        dropout: float = 0.5,
        n_outputs: int = 1,
        filter_strands: str = "forward",
        global_pool: str = "max",
    ):
        super().__init__()
        check_parameter(type(self).__name__, "filter_strands", filter_strands,
                        [Options(FILTER_STRANDS)])
        check_parameter(type(self).__name__, "global_pool", global_pool, [Options(GLOBAL_POOLS)])
        layers: list[nn.Module] = []
        channels = in_channels
        for depth, width in enumerate(filter_widths):
            if depth > 0:
                layers.append(nn.MaxPool1d(pool_size, ceil_mode=True))
            conv = StrandPairedConv1d if depth == 0 and filter_strands == "both" else nn.Conv1d
            layers += [conv(channels, n_filters, width, padding="same"), nn.ReLU()]
            channels = n_filters
        self.features = nn.Sequential(*layers)
        self.global_pool = global_pool
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(n_filters * (2 if global_pool == "max+mean" else 1), n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        maps = self.features(x)
        pooled = maps.amax(dim=2)
        if self.global_pool == "max+mean":
            pooled = torch.cat([pooled, maps.mean(dim=2)], dim=1)
        return self.output(self.dropout(pooled)).squeeze(-1)


GLOBAL_POOLS = ("max", "max+mean")
FILTER_STRANDS = ("forward", "both")


class StrandPairedConv1d(nn.Conv1d):
    """A DNA convolution that reads every filter on both strands.

    Each filter is paired with its reverse complement (the weights flipped
    along positions and along the A, C, G, T channels), and the output at a
    position is the larger of the two responses: a filter detects its motif
    in either orientation, with no extra parameters, while positions keep
    their order along the forward strand. This is the reverse-complement
    weight sharing of Shrikumar et al. (2017) at the first layer, where
    averaging a model over both strands (``reverse_complement=True``) would
    make the whole model strand-symmetric and unable to read an order of
    motifs along one strand.

    Parameters are those of :class:`torch.nn.Conv1d`; the input must have
    the 4 channels A, C, G, T, in that order.

    Examples
    --------
    >>> conv = StrandPairedConv1d(4, 2, 5, padding="same")
    >>> x = torch.eye(4)[torch.randint(0, 4, (1, 30))].transpose(1, 2)
    >>> rc = x.flip((1, 2))
    >>> torch.allclose(conv(x), conv(rc).flip(2), atol=1e-6)
    True
    """

    def __init__(self, in_channels: int, *args: object, **kwargs: object):
        if in_channels != 4:
            raise ValueError("filter_strands='both' needs DNA input with the 4 channels "
                             f"A, C, G, T; got {in_channels} channels.")
        super().__init__(in_channels, *args, **kwargs)

    def strand_responses(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The filters' responses on the forward strand and their reverse
        complements' (the reverse strand read at the same positions), each
        (n, filters, length)."""
        return (super().forward(x),
                self._conv_forward(x, self.weight.flip((1, 2)), self.bias))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        forward, reverse = self.strand_responses(x)
        larger = torch.maximum(forward, reverse)
        if not larger.requires_grad:  # inference: nothing to differentiate
            return larger
        # The larger response, exactly, differentiated as reverse +
        # relu(forward - reverse): torch.maximum's gradient but at exact ties
        # (all to the reverse strand, not half to each), without its costly
        # backward pass on CPU (the default CNN-RNN fits in 0.64-0.72x the
        # time: RESULTS.md). The term added is exactly zero.
        steered = reverse + torch.relu(forward - reverse)
        return larger.detach() + (steered - steered.detach())


class DeMoRNN(nn.Module):
    """Recurrent network: a :class:`BiLSTMHead` reading the one-hot input.

    Parameters
    ----------
    in_channels : int, default=4
    hidden_size : int, default=32
    dropout : float, default=0.5
    lstm_pool : {"max", "mean"}, default="mean"
        See :class:`BiLSTMHead`.
    lstm_timescale : float or None, default=None
        See :class:`BiLSTMHead`.
    lstm_input_std : float or None, default=None
        See :class:`BiLSTMHead`.
    n_outputs : int, default=1
        Logits per sequence (tasks), as in :class:`DeMoCNN`.
    lstm_strands : {"forward", "both"}, default="forward"
        See :class:`BiLSTMHead`; "both" needs DNA input.

    Examples
    --------
    >>> DeMoRNN()(torch.zeros(2, 4, 101)).shape
    torch.Size([2])
    """

    #: Input positions per LSTM step (1: the LSTM reads every base).
    positions_per_step = 1

    def __init__(self, in_channels: int = 4, hidden_size: int = 32, dropout: float = 0.5,
                 lstm_pool: str = "mean", lstm_timescale: float | None = None,
                 lstm_input_std: float | None = None, n_outputs: int = 1,
                 lstm_strands: str = "forward"):
        super().__init__()
        self.recurrent = BiLSTMHead(self.embedding_size(in_channels), hidden_size, dropout,
                                    lstm_pool, lstm_timescale, lstm_input_std, n_outputs,
                                    lstm_strands)

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
    """Convolutional-recurrent network: one conv layer ("same" padding, ReLU),
    max-pooled over ``pool_size`` positions, whose feature maps a
    :class:`BiLSTMHead` reads step by step.

    DeMo's CNN-RNN had no pooling (``pool_size=1``): its LSTM read every
    base. Pooling first, as DanQ does, shortens the distance the LSTM must
    carry a motif in its state by ``pool_size`` (a 40 bp gap becomes 10
    steps), which is what lets it learn dependencies between motifs, and
    runs the LSTM on ``pool_size`` times fewer steps.

    Parameters
    ----------
    in_channels : int, default=4
    n_filters : int, default=128
    filter_width : int, default=9
    pool_size : int, default=1
        Max-pooling window (and stride) over the convolution's output.
    hidden_size : int, default=32
    dropout : float, default=0.5
    lstm_pool : {"max", "mean"}, default="mean"
        See :class:`BiLSTMHead`.
    filter_strands : {"forward", "both"}, default="forward"
        "both": each filter is read on both strands
        (:class:`StrandPairedConv1d`); DNA input only.
    lstm_timescale : float or None, default=None
        See :class:`BiLSTMHead`.
    n_outputs : int, default=1
        Logits per sequence (tasks), as in :class:`DeMoCNN`.

    Examples
    --------
    >>> DeMoCNNRNN()(torch.zeros(2, 4, 101)).shape
    torch.Size([2])
    >>> DeMoCNNRNN(pool_size=4).embed(torch.zeros(2, 4, 101)).shape
    torch.Size([2, 26, 128])
    """

    def __init__(
        self,
        in_channels: int = 4,
        n_filters: int = 128,
        filter_width: int = 9,
        pool_size: int = 1,
        hidden_size: int = 32,
        dropout: float = 0.5,
        lstm_pool: str = "mean",
        filter_strands: str = "forward",
        lstm_timescale: float | None = None,
        n_outputs: int = 1,
    ):
        check_parameter(type(self).__name__, "filter_strands", filter_strands,
                        [Options(FILTER_STRANDS)])
        self.n_filters = n_filters
        super().__init__(in_channels, hidden_size, dropout, lstm_pool, lstm_timescale,
                         n_outputs=n_outputs)
        conv = StrandPairedConv1d if filter_strands == "both" else nn.Conv1d
        self.conv = conv(in_channels, n_filters, filter_width, padding="same")
        self.positions_per_step = pool_size

    def embedding_size(self, in_channels: int) -> int:
        return self.n_filters

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        maps = self.conv(x)
        if self.positions_per_step > 1:
            maps = nn.functional.max_pool1d(maps, self.positions_per_step, ceil_mode=True)
        # ReLU after the pooling (they commute): on a quarter of the values
        return torch.relu(maps).transpose(1, 2)
