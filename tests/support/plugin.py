"""Fixtures that several suites need, registered for all of tests/ by tests/conftest.py (``pytest_plugins``).

``assistant``: the real assistant with Messenger and Telegram configured against local API stand-ins
(tests/support/channels.py), started once per session for the channel and the browser suites.
"""
from __future__ import annotations

import pytest

from tests.support import channels


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    yield channels.acquire(tmp_path_factory.mktemp("var"))
    channels.release()
