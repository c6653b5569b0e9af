"""The documentation site builds with warnings as errors and documents every
public name (``make docs`` builds it with the examples executed; here they are
rendered without running, which the example tests cover)."""
import subprocess
import sys
from pathlib import Path

import pytest

import sklearn_demo
import sklearn_demo.dashboard
import sklearn_demo.explain.methods
import sklearn_demo.genome
import sklearn_demo.inference
import sklearn_demo.plotting

pytestmark = pytest.mark.docs

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_api_reference_lists_every_public_name():
    listed = {line.strip() for line in (DOCS / "api.rst").read_text().splitlines()}
    for module in (sklearn_demo, sklearn_demo.dashboard, sklearn_demo.explain.methods,
                   sklearn_demo.genome, sklearn_demo.inference, sklearn_demo.plotting):
        public = {name for name in module.__all__ if not name.isupper()}
        assert public <= listed, f"{module.__name__}: {sorted(public - listed)} not in api.rst"


@pytest.mark.timeout(600)
def test_the_site_builds_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-D", "plot_gallery=0", "-d", str(tmp_path / "doctrees"), str(DOCS),
         str(tmp_path / "html")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    for page in ("index.html", "api.html", "readme.html", "auto_examples/index.html",
                 "guide/index.html", "guide/getting_started.html", "guide/training.html",
                 "guide/dashboard.html", "guide/models.html", "guide/data.html",
                 "guide/multitask.html", "generated/sklearn_demo.genome.task_windows.html",
                 "generated/sklearn_demo.CNNRNNClassifier.html"):
        assert (tmp_path / "html" / page).is_file(), page


def test_make_docs_says_when_the_offline_mirror_is_missing(tmp_path):
    """Offline, a missing mirror stops ``make docs`` at once with one line
    naming SKLEARN_DEMO_MIRROR and what to do, not a download error from
    inside an example."""
    result = subprocess.run(
        ["make", "-s", "-o", ".venv/bin/.installed", "docs",
         f"SKLEARN_DEMO_MIRROR={tmp_path / 'no_mirror'}"],
        cwd=DOCS.parent, capture_output=True, text=True)
    assert result.returncode != 0
    missing = tmp_path / "no_mirror"
    assert f"no DeepBind ENCODE mirror at SKLEARN_DEMO_MIRROR={missing}" in result.stderr
    assert "set SKLEARN_DEMO_MIRROR= to download them" in result.stderr
