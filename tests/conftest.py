"""Shared fixtures: seeding, the real-data mirror, small datasets."""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
torch.set_num_threads(min(2, torch.get_num_threads()))

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _seed_everything():
    """Every test starts from the same global random state."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


def _mirror_folder() -> Path:
    return Path(os.environ.get("SKLEARN_DEMO_MIRROR", REPO.parent / "shared" / "data" / "deepbind_encode"))


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror of DeepBind's ENCODE files (../shared/data/deepbind_encode)."""
    folder = _mirror_folder()
    if not (folder / "SHA256SUMS").is_file():
        pytest.skip(f"the DeepBind mirror is not at {folder}; set SKLEARN_DEMO_MIRROR")
    return folder


@pytest.fixture(scope="session")
def data_home(tmp_path_factory) -> Path:
    """One cache folder for the whole session, so each file is verified once."""
    return tmp_path_factory.mktemp("sklearn_demo_data")


@pytest.fixture(scope="session")
def motif_data():
    """A small planted-motif dataset (CTCF and GABPA sites in the positives)."""
    from sklearn_demo import make_motif_dataset

    return make_motif_dataset(600, random_state=0)


@pytest.fixture(scope="session")
def dashboard_report(tmp_path_factory) -> Path:
    """One small dashboard run (all three networks and both baselines); the
    attribution methods' planted-site AUROCs on 8 test positives (they are
    checked at full size in test_ground_truth.py)."""
    from sklearn_demo.cli import main

    out = tmp_path_factory.mktemp("dashboard")
    assert main(["dashboard", "--n-samples", "300", "--epochs", "2", "--baselines",
                 "--class-iterations", "30", "--site-auroc-sequences", "8", "--quiet",
                 "--out", str(out)]) == 0
    return out


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (``make test`` installs
    it; missing on CI is a failure, elsewhere a skip)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: `make test` installs it with apt-get")
        pytest.skip("no chromium on PATH (make test installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
