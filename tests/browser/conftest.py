"""The headless Chromium the browser tests drive (Debian's chromium through playwright-core's Python API)."""
from __future__ import annotations

import shutil

import pytest

# without the background-networking flags Chromium keeps trying to reach Google's hosts on this closed network
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium (scripts/system-deps.sh)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
