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
# scripted conversations send faster than any person types: the servers the tests start have no rate limits,
# except where a test asks for them (tests/reliability/test_rate_limits.py)
os.environ.setdefault("RATE_LIMIT_PER_CONVERSATION", "0")
os.environ.setdefault("RATE_LIMIT_PER_IP", "0")

# Fixtures shared by several suites (tests/support/plugin.py); their helpers live in tests/support.
pytest_plugins = ["tests.support.plugin"]
