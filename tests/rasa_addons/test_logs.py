"""rasa_addons.logs: structlog events lose what the prospect typed, keep what happened."""
from __future__ import annotations

import io

import pytest
import structlog

from rasa_addons import logs


@pytest.mark.parametrize("key", sorted(logs.TEXT_KEYS))
def test_text_keys_are_redacted(key):
    event = logs.redact(None, "error", {"event": "rest.message.received.timeout", key: "Max Muster, 0171 2345678",
                                        "sender_id": "web-1"})
    assert event == {"event": "rest.message.received.timeout", key: logs.REDACTED, "sender_id": "web-1"}


def test_empty_values_stay_and_other_keys_are_untouched():
    event = {"event": "x", "text": "", "intent": "greet", "confidence": 0.9}
    assert logs.redact(None, "info", dict(event)) == event


def test_installed_in_front_of_the_chain_and_only_once():
    saved = structlog.get_config()
    stream = io.StringIO()
    try:
        structlog.configure(processors=[structlog.processors.KeyValueRenderer()],
                            logger_factory=structlog.PrintLoggerFactory(stream))
        logs.install()
        logs.install()
        assert structlog.get_config()["processors"].count(logs.redact) == 1
        structlog.get_logger().error("rest.message.received.timeout", text="jana.roth@example.org")
        assert "jana.roth" not in stream.getvalue() and "rest.message.received.timeout" in stream.getvalue()
    finally:
        structlog.configure(**{k: v for k, v in saved.items() if k != "context_class"})
