"""rasa-sdk ``Tracker`` objects for action tests, built from the real domain (tests/support/domain.py), and what
the actions returned: slot events and the responses sent to the ``CollectingDispatcher``."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.support.domain import DOMAIN

CONVERSATION_START = 1767225600.0  # 2026-01-01 UTC: the default conversation began before the tests' consents


def make_tracker(
    text: str = "",
    intent: str = "inform",
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    entities: list[dict] | None = None,
    active_loop: str | None = None,
    requested_slot: str | None = None,
    sender_id: str = "conv-1",
    events: list[dict] | None = None,
    response_selector: dict | None = None,
) -> Tracker:
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update({"failed_attempts": 0, "email_failures": 0})
    all_slots.update(slots or {})
    all_slots["requested_slot"] = requested_slot
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    if response_selector:
        latest["response_selector"] = response_selector
    return Tracker(
        sender_id=sender_id,
        slots=all_slots,
        latest_message=latest,
        events=events or [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest",
                           "timestamp": CONVERSATION_START}],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") or m.get("text") for m in dispatcher.messages]
