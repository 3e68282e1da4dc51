"""Action tests: real rasa-sdk Tracker and CollectingDispatcher, the real domain, SQLite in a temp folder.

The tracker factory and the result helpers live in tests/support/trackers.py."""
from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from tests.support.domain import DOMAIN


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> dict[str, Any]:
    return DOMAIN
