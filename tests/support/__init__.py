"""Helpers that several test suites share: real servers on loopback and the objects the suites talk to them with.

Owns: the repository root (``ROOT``); the merged domain and its buttons (``domain``); rasa-sdk trackers built from
it (``trackers``); a prospect on Rasa's REST channel (``chat``); recording SMTP and HTTP servers (``sinks``);
throw-away PostgreSQL clusters (``postgres``) and Redis servers (``redis``); Rasa's events table as a test sees it
(``storage``); the production profile on one machine and nginx in front of it (``production``); the shared
assistant of the channel and browser suites with its API stand-ins (``channels``, ``channel_fakes``) and its
fixture (``plugin``, registered in tests/conftest.py).

Suites import these modules, never one another's ``conftest.py`` (tests/test_layout.py checks it). Fixtures stay
in the suites' conftests unless several suites need them (then they live in ``plugin``). May import the project
(tooling, config, leads, ...) and test libraries; must not import any suite (``tests.<suite>``).
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
