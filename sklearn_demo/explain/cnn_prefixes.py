"""DeMo's CNN on every prefix and suffix of a sequence, exactly, without a
full pass per sub-sequence: :func:`masked_prefix_suffix_logits`.

The CNN's temporal score of prefix i is the network on the input with every
position after i set to the zero column ("no base"). A position of its last
feature maps reads a fixed window of the input (:func:`receptive_windows`),
so for that masked input each position is one of three kinds: its window lies
before i (its value is the unmasked input's), after i (the all-zero input's),
or across i. Only the last kind, a few positions around i, needs computing,
on a crop of the input around them; the global pooling combines the three.
For L positions this costs about a crop of 2 receptive fields per
sub-sequence instead of L (with DeMo's layers, 1.9x faster than a pass per
copy at 101 bp, 22x at 1,000: benchmarks/RESULTS.md, "pytest-benchmark:
temporal-cnn").
"""
from __future__ import annotations

import torch
from torch import nn

from ..networks import DeMoCNN


def receptive_windows(module: DeMoCNN) -> tuple[int, int, int]:
    """``(stride, start, end)``: position j of ``module``'s last feature maps
    reads input positions ``stride * j + start`` to ``stride * j + end``
    (inclusive, before clipping to the sequence).

    Raises TypeError, naming the layer, when a layer is not a stride-1 "same"
    convolution, a ReLU or a max-pooling whose windows do not overlap (the
    layers :class:`~sklearn_demo.networks.DeMoCNN` builds).

    Examples
    --------
    >>> receptive_windows(DeMoCNN(filter_widths=(9, 5, 3), pool_size=2))
    (4, -12, 15)
    """
    stride, start, end = 1, 0, 0
    for layer in reversed(list(module.features)):
        if isinstance(layer, nn.ReLU):
            continue
        if isinstance(layer, nn.Conv1d):
            if (layer.padding != "same" or layer.stride != (1,) or layer.dilation != (1,)
                    or layer.groups != 1):
                raise _unmapped(layer)
            width = layer.kernel_size[0]
            left = (width - 1) // 2  # torch's "same": the odd one out on the right
            start, end = start - left, end + width - 1 - left
        elif isinstance(layer, nn.MaxPool1d):
            size = _single(layer.kernel_size)
            if (_single(layer.stride) != size or _single(layer.padding) != 0
                    or _single(layer.dilation) != 1 or layer.return_indices):
                raise _unmapped(layer)
            stride, start, end = stride * size, start * size, end * size + size - 1
        else:
            raise _unmapped(layer)
    return stride, start, end


def _unmapped(layer: nn.Module) -> TypeError:
    return TypeError(f"the prefix and suffix scores read stride-1 'same' convolutions, ReLUs "
                     f"and non-overlapping max-pooling; {layer!r} is none of them: use "
                     f"TemporalScorer(algorithm='loop')")


def masked_prefix_suffix_logits(module: DeMoCNN, x: torch.Tensor,
                                batch_size: int = 256) -> torch.Tensor:
    """(n, 2, L) logits of ``module`` (in evaluation mode) on ``x`` (n, 4, L)
    with every position after i (``[:, 0, i]``, prefixes) or before i
    (``[:, 1, i]``, suffixes) set to zero: the values of L full passes per
    direction, up to float rounding. ``batch_size`` crops are computed at
    once. The layers must be those :func:`receptive_windows` maps.

    Examples
    --------
    >>> module = DeMoCNN(n_filters=4).eval()
    >>> x = torch.eye(4)[torch.randint(0, 4, (1, 40))].transpose(1, 2)
    >>> fast = masked_prefix_suffix_logits(module, x)
    >>> keep = torch.arange(40) <= 17
    >>> bool(torch.isclose(fast[0, 0, 17], module(x * keep)[0], atol=1e-5))
    True
    """
    stride, start, end = receptive_windows(module)
    n, channels, length = x.shape
    full = module.features(x)  # (n, F, P)
    zero = module.features(x.new_zeros(1, channels, length))  # (1, F, P)
    positions = torch.arange(full.shape[2], device=x.device)
    lows = (stride * positions + start).clamp(min=0)
    highs = (stride * positions + end).clamp(max=length - 1)
    steps = torch.arange(length, device=x.device)
    # (first, last) per step i: positions [0, first) read only bases before or
    # at i (prefix) or before i (suffix), [last, P) only bases after them, and
    # [first, last) both
    prefix = (torch.searchsorted(highs, steps, right=True),
              torch.searchsorted(lows, steps, right=True))
    suffix = (torch.searchsorted(highs, steps), torch.searchsorted(lows, steps))
    left = {"kept": _running(full), "masked": _running(zero)}  # pools over [0, k]
    right = {"kept": _flipped(_running(full.flip(2))),  # pools over [k, P)
             "masked": _flipped(_running(zero.flip(2)))}
    pooled = []
    for direction, (first, last) in enumerate((prefix, suffix)):
        # a prefix keeps the bases on the left, a suffix those on the right
        before, after = ("kept", "masked") if direction == 0 else ("masked", "kept")
        parts = [_across(module, x, full.shape[1], direction, first, last, lows, highs, stride,
                         batch_size),
                 _take(left[before], first - 1, first > 0, n),
                 _take(right[after], last, last < full.shape[2], n)]
        pooled.append(_combine(parts, full.shape[2], module.global_pool))
    features = torch.stack(pooled, 1)  # (n, 2, L, F or 2F)
    return module.output(module.dropout(features)).squeeze(-1)


def _single(value: object) -> int:
    return value[0] if isinstance(value, tuple) else value


def _running(maps: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Running maximum and sum over positions of (n, F, P) maps."""
    return maps.cummax(dim=2).values, maps.cumsum(dim=2)


def _flipped(pools: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    return pools[0].flip(2), pools[1].flip(2)


def _take(pools: tuple[torch.Tensor, torch.Tensor], index: torch.Tensor, present: torch.Tensor,
          n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The running pools at ``index`` (L,) for each step, as (n, L, F) maxima
    and sums; steps where ``present`` is false contribute nothing."""
    absent = ~present[None, :, None]
    maxima, sums = (pool[:, :, index.clamp(0, pool.shape[2] - 1)].transpose(1, 2).expand(n, -1, -1)
                    for pool in pools)
    return maxima.masked_fill(absent, float("-inf")), sums.masked_fill(absent, 0.0)


def _combine(parts: list[tuple[torch.Tensor, torch.Tensor]], count: int,
             global_pool: str) -> torch.Tensor:
    """The global pooling of the whole maps from pooled parts: (n, L, F),
    with the mean appended for "max+mean"."""
    maxima = torch.stack([part[0] for part in parts]).amax(0)
    if global_pool == "max":
        return maxima
    return torch.cat([maxima, sum(part[1] for part in parts) / count], -1)


def _across(module: DeMoCNN, x: torch.Tensor, n_features: int, direction: int,
            first: torch.Tensor, last: torch.Tensor, lows: torch.Tensor, highs: torch.Tensor,
            stride: int, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Pools over the positions ``[first, last)`` of each step, whose windows
    hold both kept and masked bases, from crops of the masked input: (n, L, F)
    maxima and sums (-inf and 0 where a step has none)."""
    n, channels, length = x.shape
    maxima = x.new_full((n, length, n_features), float("-inf"))
    sums = x.new_zeros((n, length, n_features))
    steps = torch.nonzero(last > first).flatten()
    if len(steps) == 0:
        return maxima, sums
    # a crop starts where the pooling windows start (a multiple of the stride)
    # and spans the windows of its positions; those that reach an end of the
    # sequence run to it, so each position sees what it sees in a full pass
    starts = lows[first[steps]] // stride * stride
    ends = highs[last[steps] - 1] + 1
    sizes = ends - starts
    per_chunk = max(1, batch_size // n)  # crops of each sequence per pass
    for size in torch.unique(sizes).tolist():
        group, offsets = steps[sizes == size], starts[sizes == size]
        columns = offsets[:, None] + torch.arange(size, device=x.device)  # (g, size)
        visible = columns <= group[:, None] if direction == 0 else columns >= group[:, None]
        for chunk in range(0, len(group), per_chunk):
            rows = slice(chunk, chunk + per_chunk)
            crops = x[:, :, columns[rows]] * visible[rows].to(x.dtype)  # (n, c, 4, size)
            crops = crops.permute(0, 2, 1, 3).reshape(-1, channels, size)
            maps = module.features(crops)
            maps = maps.reshape(n, -1, maps.shape[1], maps.shape[2])  # (n, c, F, Pc)
            local = torch.arange(maps.shape[3], device=x.device)[None, :] + (
                offsets[rows] // stride)[:, None]  # (c, Pc): positions in the full maps
            inside = (local >= first[group[rows]][:, None]) & (local < last[group[rows]][:, None])
            inside = inside[None, :, None, :]
            maxima[:, group[rows]] = maps.masked_fill(~inside, float("-inf")).amax(3)
            sums[:, group[rows]] = maps.masked_fill(~inside, 0.0).sum(3)
    return maxima, sums
