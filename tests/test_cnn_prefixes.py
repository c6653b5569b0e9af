"""The CNN's prefix and suffix scores from crops equal one full pass per
masked copy, for any layers DeMoCNN builds."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_demo.explain.cnn_prefixes import masked_prefix_suffix_logits, receptive_windows
from sklearn_demo.networks import DeMoCNN


def _one_pass_per_copy(module, x):
    """The reference: L masked copies per direction, each a full pass."""
    position = torch.arange(x.shape[2])
    return torch.stack([
        torch.stack([module(x * (position <= i)) for i in range(x.shape[2])], 1),
        torch.stack([module(x * (position >= i)) for i in range(x.shape[2])], 1)], 1)


# torch warns that "same" padding copies the input for even widths: those are drawn on purpose
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
@settings(max_examples=30, deadline=None)
@given(widths=st.lists(st.integers(1, 11), min_size=1, max_size=4),
       pool=st.integers(1, 5), strands=st.sampled_from(["forward", "both"]),
       global_pool=st.sampled_from(["max", "max+mean"]), length=st.integers(1, 70),
       n=st.integers(1, 3), batch_size=st.sampled_from([1, 7, 256]), seed=st.integers(0, 99))
def test_crops_equal_a_full_pass_per_masked_copy(widths, pool, strands, global_pool, length, n,
                                                 batch_size, seed):
    torch.manual_seed(seed)
    module = DeMoCNN(n_filters=5, filter_widths=widths, pool_size=pool, filter_strands=strands,
                     global_pool=global_pool).eval()
    x = torch.eye(4)[torch.randint(0, 4, (n, length))].transpose(1, 2)
    with torch.no_grad():
        torch.testing.assert_close(masked_prefix_suffix_logits(module, x, batch_size),
                                   _one_pass_per_copy(module, x), rtol=0, atol=1e-5)


@pytest.mark.parametrize("widths, pool", [((9, 5, 3), 2), ((8,), 3), ((4, 6), 3), ((2, 2, 2), 1)])
def test_receptive_windows_are_the_inputs_a_position_reads(widths, pool):
    """Changing input position t changes last-layer position j only if t is
    in j's window."""
    torch.manual_seed(0)
    module = DeMoCNN(n_filters=8, filter_widths=widths, pool_size=pool).eval()
    stride, start, end = receptive_windows(module)
    length = 60
    x = torch.rand(1, 4, length)
    with torch.no_grad():
        base = module.features(x)
        for t in range(length):
            changed = x.clone()
            changed[0, :, t] += 1.0
            moved = (module.features(changed) - base).abs().amax(dim=1)[0] > 0
            for j in torch.nonzero(moved).flatten().tolist():
                assert stride * j + start <= t <= stride * j + end, (t, j)


def test_layers_it_cannot_map_are_named():
    module = DeMoCNN(n_filters=4)
    module.features.append(torch.nn.AvgPool1d(2))
    with pytest.raises(TypeError, match=r"AvgPool1d.*algorithm='loop'"):
        receptive_windows(module)
