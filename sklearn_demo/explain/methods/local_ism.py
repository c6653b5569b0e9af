"""Saturation mutagenesis of a convolutional network that recomputes only the
positions a substitution reaches (the idea of fastISM, Nair et al. 2022,
Bioinformatics 38:2397)."""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from ...strands import strand_mean_logit
from ...networks import DeMoCNN, StrandPairedConv1d

#: Maps a batch of the module's logits (n,) to the explained score (n,).
Link = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class _Stage:
    """One step of the feature stack: a 'same' convolution followed by ReLU
    (``conv``), or a max-pooling by ``size`` (``conv`` is None)."""

    conv: nn.Conv1d | None
    size: int

    def convolve(self, window: torch.Tensor) -> torch.Tensor:
        """ReLU of this stage's convolution over ``window`` without padding
        (a strand-paired one: the larger of the two strands' responses)."""
        weight, bias = self.conv.weight, self.conv.bias
        window = window.to(weight.dtype)
        out = nn.functional.conv1d(window, weight, bias)
        if isinstance(self.conv, StrandPairedConv1d):
            out = torch.maximum(out, nn.functional.conv1d(window, weight.flip((1, 2)), bias))
        return torch.relu(out)

    def changed(self, width: int) -> int:
        """Most positions of the output a run of ``width`` changed inputs reaches."""
        if self.conv is not None:
            return width + self.size - 1
        return (width + self.size - 2) // self.size + 1


class LocalMutagenesis:
    """Mutant scores of a :class:`~sklearn_demo.networks.DeMoCNN` from the
    reference's activations: each layer recomputes only the positions whose
    inputs a substitution changed, and the global maximum over positions
    takes the reference's maximum outside them.

    A substitution at one base changes 9 positions of the first layer's
    output, 6 after pooling, 10 of the second layer's and 8 of the last
    (DeMo's widths 9, 5, 3 and pooling 2), against 101, 51 and 26 for the
    whole 101-bp sequence; the saving grows with the sequence's length. The
    scores equal a forward pass of each mutant to float32 rounding (test:
    ``test_explainers.py``).

    Parameters
    ----------
    module : DeMoCNN
        In evaluation mode (dropout off); see :meth:`supports`.
    link : callable
        The explained score of a batch of the module's logits.
    context : callable, optional
        Returns the context the forward passes run in (mixed precision).

    Examples
    --------
    >>> module = DeMoCNN(n_filters=4).eval()
    >>> local = LocalMutagenesis(module, link=lambda logit: logit)
    >>> X = torch.eye(4)[torch.randint(4, (2, 30))].transpose(1, 2)
    >>> cache = local.prepare(X)
    >>> mutant = X[1].clone(); mutant[:, 7] = torch.tensor([0., 0., 1., 0.])
    >>> local_score = local.scores(cache, torch.tensor([1]), torch.tensor([2]), torch.tensor([7]))
    >>> torch.allclose(local_score, module(mutant[None]), atol=1e-6)
    True
    """

    def __init__(self, module: DeMoCNN, link: Link,
                 context: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext):
        if not self.supports(module):
            raise ValueError("LocalMutagenesis takes a DeMoCNN of 'same' convolutions, ReLUs "
                             "and non-overlapping max-pooling.")
        self.module = module
        self.link = link
        self.context = context
        self.stages = [_Stage(layer, layer.kernel_size[0]) if isinstance(layer, nn.Conv1d)
                       else _Stage(None, int(layer.kernel_size))
                       for layer in module.features if not isinstance(layer, nn.ReLU)]
        widths = [1]
        for stage in self.stages:
            widths.append(stage.changed(widths[-1]))
        # Padding of every stored activation: room for the widest window
        # that starts before position 0 or ends after the last position.
        self.padding = 2 * sum(widths) + 2 * sum(stage.size for stage in self.stages)

    @staticmethod
    def supports(module: nn.Module) -> bool:
        """True for a DeMoCNN whose feature stack is Conv1d ('same' zero
        padding, stride 1, no dilation) and ReLU, with MaxPool1d (kernel =
        stride, no padding, ``ceil_mode``) between them (the first
        convolution may read both strands), and no module subclassing it."""
        if type(module) is not DeMoCNN:
            return False
        layers = list(module.features)
        for index, layer in enumerate(layers):
            if type(layer) is nn.Conv1d or (index == 0 and type(layer) is StrandPairedConv1d):
                ok = (layer.padding == "same" and layer.padding_mode == "zeros"
                      and layer.stride == (1,) and layer.dilation == (1,)
                      and layer.groups == 1 and index + 1 < len(layers)
                      and type(layers[index + 1]) is nn.ReLU)
            elif type(layer) is nn.MaxPool1d:
                ok = (layer.stride == layer.kernel_size and layer.padding == 0
                      and layer.dilation == 1 and layer.ceil_mode
                      and index > 0 and type(layers[index - 1]) is nn.ReLU)
            else:
                ok = type(layer) is nn.ReLU
            if not ok:
                return False
        return bool(layers) and isinstance(layers[0], nn.Conv1d)

    @torch.no_grad()
    def prepare(self, X: torch.Tensor) -> dict:
        """The reference activations of one-hot ``X`` (n, 4, L) that
        :meth:`scores` reads: each stage's input, padded with zeros, and the
        running maxima of the last features from either end."""
        inputs, x = [], X
        with self.context():
            for stage in self.stages:
                inputs.append(nn.functional.pad(x.float(), (self.padding, self.padding)))
                x = torch.relu(stage.conv(x)) if stage.conv is not None else nn.functional.max_pool1d(
                    x, stage.size, ceil_mode=True)
        features = x.float()
        lowest = torch.full_like(features[..., :1], -torch.inf)
        before = torch.cat([lowest, features.cummax(dim=2).values], dim=2)
        after = torch.cat([features.flip(2).cummax(dim=2).values.flip(2), lowest], dim=2)
        return {"inputs": inputs, "lengths": [t.shape[2] - 2 * self.padding for t in inputs],
                "before": before, "after": after, "features": features}

    @torch.no_grad()
    def scores(self, cache: dict, sequence: torch.Tensor, base: torch.Tensor,
               position: torch.Tensor) -> torch.Tensor:
        """Scores of the mutants "sequence ``sequence[r]`` of the prepared
        batch with base ``base[r]`` at ``position[r]``", shape (R,)."""
        first = cache["inputs"][0]
        start, width = position.to(first.device), 1
        new = nn.functional.one_hot(base.to(first.device), first.shape[1]).float()[:, :, None]
        rows = sequence.to(first.device)
        with self.context():
            for stage, stored, length in zip(self.stages, cache["inputs"], cache["lengths"]):
                if stage.conv is not None:
                    reach = stage.size - 1
                    window_start, out_start = start - reach, start - (reach - (reach // 2))
                    window = self._window(stored, rows, window_start, width + 2 * reach)
                    window[:, :, reach:reach + width] = new
                    new = stage.convolve(window)
                    out_length = length
                else:
                    out_start = torch.div(start, stage.size, rounding_mode="floor")
                    out_width = stage.changed(width)
                    window = self._splice(stored, rows, out_start * stage.size,
                                          out_width * stage.size, new, start)
                    new = window.unflatten(2, (out_width, stage.size)).amax(dim=3)
                    out_length = -(-length // stage.size)
                start, width = out_start, new.shape[2]
                new = self._off_sequence(new.float(), start, out_length, 0.0)
            features_length = cache["before"].shape[2] - 1
            new = self._off_sequence(new, start, features_length, -torch.inf)
            low = start.clamp(0, features_length)
            high = (start + width).clamp(0, features_length)
            channels = torch.arange(new.shape[1], device=new.device)
            kept = torch.maximum(cache["before"][rows[:, None], channels, low[:, None]],
                                 cache["after"][rows[:, None], channels, high[:, None]])
            pooled = torch.maximum(kept, new.amax(dim=2))
            if self.module.global_pool == "max+mean":
                pooled = torch.cat([pooled, self._mean(cache, rows, new, low, high)], 1)
            logit = self.module.output(pooled.to(self.module.output.weight.dtype)).squeeze(-1)
        return self.link(logit.float())

    @staticmethod
    def _mean(cache: dict, rows: torch.Tensor, new: torch.Tensor, low: torch.Tensor,
              high: torch.Tensor) -> torch.Tensor:
        """The mutants' mean of the last features over positions: the
        reference's, with the recomputed positions' sum put in place of the
        reference's over the same positions (off-sequence ones are -inf in
        ``new`` and count for nothing)."""
        features = cache["features"]
        length = features.shape[2]
        inside = new.isfinite()
        changed = torch.where(inside, new, 0.0).sum(dim=2)
        sums = torch.cat([torch.zeros_like(features[..., :1]), features.cumsum(dim=2)], dim=2)
        replaced = sums[rows, :, high] - sums[rows, :, low]
        return (sums[rows, :, length] + changed - replaced) / length

    def _window(self, stored: torch.Tensor, rows: torch.Tensor, window_start: torch.Tensor,
                window_width: int) -> torch.Tensor:
        """Each row's window of the stored (padded) reference activations,
        shape (R, C, window_width), a new tensor."""
        index = window_start[:, None] + torch.arange(window_width, device=stored.device)
        return stored[rows[:, None], :, index + self.padding].transpose(1, 2)

    def _splice(self, stored: torch.Tensor, rows: torch.Tensor, window_start: torch.Tensor,
                window_width: int, new: torch.Tensor, new_start: torch.Tensor) -> torch.Tensor:
        """:meth:`_window` with each row's recomputed positions ``new``
        written over from ``new_start`` (an offset that differs by row)."""
        window = self._window(stored, rows, window_start, window_width)
        offsets = torch.arange(window_width, device=stored.device)
        relative = offsets - (new_start - window_start)[:, None]         # (R, window)
        inside = (relative >= 0) & (relative < new.shape[2])
        spliced = new.gather(2, relative.clamp(0, new.shape[2] - 1)[:, None, :].expand(
            -1, new.shape[1], -1))
        return torch.where(inside[:, None, :], spliced, window)

    @staticmethod
    def _off_sequence(new: torch.Tensor, start: torch.Tensor, length: int,
                      value: float) -> torch.Tensor:
        """``new`` (R, C, width) from ``start`` with ``value`` at the positions
        off the sequence (padding, or -inf before the global maximum).

        On the CPU the mask is skipped where no window leaves the sequence;
        elsewhere it is always applied, since asking would wait for the
        device (a synchronisation per layer)."""
        if (start.device.type == "cpu" and bool((start >= 0).all())
                and bool((start + new.shape[2] <= length).all())):
            return new
        positions = start[:, None] + torch.arange(new.shape[2], device=start.device)
        return new.masked_fill(((positions < 0) | (positions >= length))[:, None, :], value)


class BothStrandsMutagenesis:
    """:class:`LocalMutagenesis` of a model that averages the two strands'
    probabilities (``reverse_complement=True``): each mutant is scored on
    the forward strand and, as the complementary base at the mirrored
    position, on the reverse strand, and ``link`` reads the log-odds of
    the mean of the two probabilities.

    Parameters
    ----------
    module : DeMoCNN
    link : callable
        The explained score of a batch of the averaged log-odds.
    context : callable, optional

    Examples
    --------
    >>> module = DeMoCNN(n_filters=4).eval()
    >>> X = torch.eye(4)[torch.randint(4, (1, 30))].transpose(1, 2)
    >>> both = BothStrandsMutagenesis(module, link=lambda z: z)
    >>> mutant = X[0].clone(); mutant[:, 7] = torch.tensor([0., 0., 1., 0.])
    >>> score = both.scores(both.prepare(X), torch.tensor([0]), torch.tensor([2]), torch.tensor([7]))
    >>> expected = strand_mean_logit(module(mutant[None]), module(mutant[None].flip((1, 2))))
    >>> torch.allclose(score, expected, atol=1e-5)
    True
    """

    def __init__(self, module: DeMoCNN, link: Link,
                 context: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext):
        self.strand = LocalMutagenesis(module, link=lambda logit: logit, context=context)
        self.link = link

    def prepare(self, X: torch.Tensor) -> dict:
        """Both strands' reference activations."""
        return {"forward": self.strand.prepare(X), "reverse": self.strand.prepare(X.flip((1, 2))),
                "length": X.shape[2]}

    def scores(self, cache: dict, sequence: torch.Tensor, base: torch.Tensor,
               position: torch.Tensor) -> torch.Tensor:
        """As :meth:`LocalMutagenesis.scores`, of the strand-averaged model."""
        forward = self.strand.scores(cache["forward"], sequence, base, position)
        reverse = self.strand.scores(cache["reverse"], sequence, 3 - base,
                                     cache["length"] - 1 - position)
        return self.link(strand_mean_logit(forward, reverse))
