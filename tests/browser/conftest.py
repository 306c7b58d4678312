"""Browser-test fixtures: a real Streamlit server on the published copy, and headless Chromium.

`built_warehouse` (session) comes from tests/conftest.py: it runs the whole pipeline on
generated demo data and exposes `published_path`, `warehouse_path`, `data_dir`, `inbox`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = os.environ.get("ANIMATEUR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
]
SERVER_START_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextmanager
def running_streamlit(env: dict[str, str], log_path: Path, *extra_args: str, port: int | None = None) -> Iterator[str]:
    """`streamlit run dashboards/app.py` on 127.0.0.1 (a free port unless given) with ``env`` and extra CLI
    options (e.g. ``--secrets.files``). Yields the base URL once healthy; stops the server afterwards."""
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboards/app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *extra_args,
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {SERVER_START_TIMEOUT_S}s:\n{log_path.read_text()}")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def streamlit_server(built_warehouse, tmp_path_factory) -> Iterator[str]:
    """`streamlit run dashboards/app.py` on a free port, reading built_warehouse.published_path.

    Yields the base URL (http://127.0.0.1:<port>); stops the server afterwards.
    """
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    # the built warehouse's own data folder (published copy, alerts file); the language from its strategy
    env = {**os.environ, **built_warehouse.env, "ANIMATEUR_PUBLISHED": str(built_warehouse.published_path)}
    env.pop("ANIMATEUR_DASHBOARD_LANGUAGE", None)
    # open access whatever the developer's own .streamlit/secrets.toml says (the login test has its own server)
    no_secrets = log_path.with_name("no-secrets.toml")
    with running_streamlit(env, log_path, "--secrets.files", str(no_secrets)) as url:
        yield url


@pytest.fixture(scope="session")
def chromium_browser():
    """Headless system Chromium driven by Playwright (sync API)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
