"""Browser tests: headless Chromium (Debian package) against the real assistant (shared with tests/channels)."""
from __future__ import annotations

import pytest

from tests.channels import harness


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    yield harness.acquire(tmp_path_factory.mktemp("var"))
    harness.release()
