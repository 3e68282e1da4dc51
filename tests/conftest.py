"""Shared pytest set-up: the repository root on sys.path, quiet, telemetry-free Rasa, and the shared fixtures."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
# the servers the tests start have no rate limits, except where a test asks for them
# (tests/reliability/test_rate_limits.py)
from tooling.stack import NO_RATE_LIMITS  # noqa: E402

for _name, _value in NO_RATE_LIMITS.items():
    os.environ.setdefault(_name, _value)

# Fixtures shared by several suites (tests/support/plugin.py); their helpers live in tests/support.
pytest_plugins = ["tests.support.plugin"]
