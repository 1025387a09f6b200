"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wsis.paths import shared_data

# Servers and commands the tests start as subprocesses must not queue the background re-rendering of every
# page after each publication (thousands of renders competing with the suite); tests of the warm-up turn
# it on themselves.
os.environ["WSIS_WARM_PAGES"] = "0"
# Tests change data and look at pages straight after: no page is served as it was while a warm-up renders it
# (tests of that serving set it themselves).
os.environ["WSIS_PAGE_STALE_SECONDS"] = "0"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared/data folder. Missing it is a failure, never a skip: a skip would hide a broken path."""
    path = shared_data()
    if not (path / "README.md").is_file():
        pytest.fail(f"shared data not found at {path}; set WSIS_SHARED_DATA to the shared/data folder")
    return path


@pytest.fixture(scope="session", autouse=True)
def data_state_read_on_every_request() -> None:
    """Tests change data and look at pages straight after: the page cache must see the new data state at
    once, not after the one second a production process may reuse it (WSIS_PAGE_STATE_SECONDS)."""
    from django.conf import settings

    settings.WSIS_PAGE_STATE_SECONDS = 0
    settings.WSIS_PAGE_STALE_SECONDS = 0


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser build), one per test."""
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()
