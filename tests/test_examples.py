"""Every script in examples/ runs to the end in fast mode and saves its figure."""
import runpy
from pathlib import Path

import pytest

pytestmark = pytest.mark.docs

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(script, tmp_path, monkeypatch, mirror, data_home):
    monkeypatch.setenv("SKLEARN_DEMO_FAST", "1")
    monkeypatch.setenv("SKLEARN_DEMO_MIRROR", str(mirror))  # real-data examples stay offline
    monkeypatch.setenv("SKLEARN_DEMO_DATA", str(data_home))
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script), run_name="__main__")
    assert list(tmp_path.glob("*.png")), "the example saved no figure"
