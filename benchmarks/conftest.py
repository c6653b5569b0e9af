"""Options of the speed benchmarks."""
import pytest
import torch


def pytest_addoption(parser):
    parser.addoption("--bench-device", default="cpu",
                     help="torch device the network benchmarks run on: cpu (default) or cuda")


@pytest.fixture(scope="session")
def device(request) -> str:
    """The torch device named by ``--bench-device``."""
    name = request.config.getoption("--bench-device")
    if name.startswith("cuda") and not torch.cuda.is_available():
        pytest.skip(f"--bench-device={name}, but torch sees no CUDA device here")
    return name
