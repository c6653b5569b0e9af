"""The dashboard in a real browser: headless Chromium (Debian's ``chromium``,
installed by ``make test``) driven by Playwright.

The screenshot is kept as a test artefact in ``test-artifacts/`` (or
``$SKLEARN_DEMO_ARTIFACTS``).
"""
import os
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.browser


def test_report_renders_every_image_without_console_errors(browser, dashboard_report):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.goto((dashboard_report / "index.html").as_uri(), wait_until="load")
    images = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])")
    # comparison + planted + 3 networks x (3 saliency + 3 temporal + class) + 2 filter grids
    # + for each network whose class optimisation found a motif it is sure of: its spacing
    # scan and the site-interaction maps of its examples (those with a site)
    scans = [alt for alt, *_ in images if alt.startswith("spacing and order scan of")]
    maps = [alt for alt, *_ in images if alt.startswith("site interactions of")]
    assert scans and len(maps) <= 3 * len(scans)
    assert len(images) == 2 + 3 * 7 + 2 + len(scans) + len(maps)
    undecoded = [alt for alt, complete, width, height in images
                 if not (complete and width > 0 and height > 0)]
    assert undecoded == []
    assert problems == []
    headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    assert headings[:3] == ["At a glance", "Model comparison", "Planted vs recovered"]
    artifacts = Path(os.environ.get("SKLEARN_DEMO_ARTIFACTS", REPO / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert (artifacts / "dashboard.png").stat().st_size > 10_000
    page.close()
