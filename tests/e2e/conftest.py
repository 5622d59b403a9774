"""End-to-end tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every test in this folder is marked `e2e`. The browser is started once per session
(tests/browser.py); each test gets a fresh context (no cookies carried over) and a page in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import (  # noqa: F401 - the names the browser tests import from here
    ARTIFACTS_DIR,
    CHROMIUM,
    CHROMIUM_ARGS,
    DEFAULT_PASSWORD,
)

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
