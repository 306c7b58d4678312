"""A dashboard stays open and keeps being used while the pipeline rebuilds the warehouse and republishes: the
pipeline succeeds (no lock conflict with the dashboard's reads) and the page never shows an error."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser

UI_TIMEOUT_MS = 60_000


def test_open_dashboard_and_pipeline_rebuild_do_not_block_each_other(
    built_warehouse, streamlit_server, chromium_browser, tmp_path
):
    page = chromium_browser.new_page(viewport={"width": 1400, "height": 1000})
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    page.goto(f"{streamlit_server}/weekly")
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=UI_TIMEOUT_MS)
    published_before = built_warehouse.published_path.stat().st_ino

    # The full pipeline, as `animateur build` runs it, while the page keeps reading the published copy.
    log_path = tmp_path / "build.log"
    with log_path.open("w") as log:
        build = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "build", "--from", built_warehouse.first_day.isoformat(),
             "--to", built_warehouse.last_day.isoformat()],
            cwd=REPO_ROOT, env=built_warehouse.env, stdout=log, stderr=subprocess.STDOUT,
        )
        reloads = 0
        try:
            while build.poll() is None:
                page.reload()
                page.wait_for_selector('[data-testid="stMetricValue"]', timeout=UI_TIMEOUT_MS)
                assert page.locator('[data-testid="stException"]').count() == 0
                reloads += 1
                time.sleep(1)
        finally:
            if build.poll() is None:
                build.kill()
    output = log_path.read_text()
    assert build.returncode == 0, output[-6000:]
    assert reloads >= 3, "the page should have been used while the pipeline ran"
    assert built_warehouse.published_path.stat().st_ino != published_before, "the copy was not republished"

    # After the swap, a fresh load reads the new copy without error.
    page.reload()
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=UI_TIMEOUT_MS)
    page.wait_for_selector(".js-plotly-plot", timeout=UI_TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlert"]').filter(has_text="Traceback").count() == 0
    page.screenshot(path=str(tmp_path / "weekly_after_rebuild.png"), full_page=True)
    assert page_errors == []
    page.close()
