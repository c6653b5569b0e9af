"""Mixed precision for training and prediction: the ``precision`` parameter."""
from __future__ import annotations

import torch

#: Values of the ``precision`` parameter and their autocast dtypes. float16 is
#: not offered: it needs loss scaling (``torch.amp.GradScaler``), which fights
#: skorch's gradient clipping; bfloat16 has float32's exponent range and needs none.
PRECISIONS = {"float32": None, "bfloat16": torch.bfloat16}


def mixed_precision(device: str | torch.device, precision: str) -> torch.autocast:
    """:func:`torch.autocast` context for ``precision`` (a key of
    :data:`PRECISIONS`) on ``device``; it does nothing for "float32".

    Examples
    --------
    >>> with mixed_precision("cpu", "bfloat16"):
    ...     (torch.ones(2, 2) @ torch.ones(2, 2)).dtype
    torch.bfloat16
    """
    dtype = PRECISIONS[precision]
    kind = "cpu" if device is None else torch.device(device).type  # None: placed by accelerate
    return torch.autocast(kind, dtype=dtype, enabled=dtype is not None)
