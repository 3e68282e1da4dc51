"""No prospect text in the Rasa server's logs (issue 14, logs).

Rasa 3.6 logs the message text with some structlog events, at ERROR when a REST message times out
("rest.message.received.timeout") or fails. ``install`` puts a processor in front of Rasa's structlog chain that
replaces the values of text-carrying keys with "[entfernt]" at every level; the event name, the conversation id
and the error stay, so the log still says what happened.
"""
from __future__ import annotations

from typing import Any

import structlog

REDACTED = "[entfernt]"
#: keys of structlog events that carry what a prospect typed (or the parse of it)
TEXT_KEYS = frozenset({"text", "user_text", "message", "user_message", "parse_data", "utterance", "entities",
                       "slots", "tracker_state", "events", "metadata"})


def redact(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    for key in TEXT_KEYS & event.keys():
        if event[key] not in (None, "", [], {}):
            event[key] = REDACTED
    return event


def install() -> None:
    config = structlog.get_config()
    processors = list(config.get("processors") or [])
    if redact in processors:
        return
    structlog.configure(processors=[redact, *processors])
