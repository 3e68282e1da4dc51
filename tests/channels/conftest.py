"""Channel tests: the real assistant with Messenger and Telegram configured against local API stand-ins."""
from __future__ import annotations

import pytest

from tests.channels import harness


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    yield harness.acquire(tmp_path_factory.mktemp("var"))
    harness.release()
