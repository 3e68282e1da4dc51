"""The action server re-checks what it stores, even for a caller with the token (actions/leads_service.py).

A forged ``POST /webhook`` with ``consent_at`` in 2030 or 2020 and ANSI escape codes in the name used to store
a lead with exactly those values. Now the consent time must lie between the conversation's first event and
now (else ``ConsentInvalid``: nothing stored, a polite German answer, the consent is asked again), and free
text is cleaned of control characters and terminal escapes before it is stored.
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from actions import texts
from config import action_server_token
from tests.support.chat import lead_rows
from tests.support.reliability import lead_count, post


def forged_call(sender: str, consent_at: str, name: str = "Mallory Muster", started: float | None = None,
                **slots) -> dict:
    """A complete contact form with consent, as Rasa would send it, for a conversation that began at
    ``started`` (epoch seconds; a minute ago by default)."""
    started = time.time() - 60 if started is None else started
    values = {"consent": True, "consent_at": consent_at, "contact_name": name, "company": "Forged GmbH",
              "email": "mallory@example.com", "phone": "+491711234567", "preferred_contact": "vormittags",
              "contact_confirmed": True, "participants": 3.0, **slots}
    events = [{"event": "action", "name": "action_session_start", "timestamp": started},
              {"event": "session_started", "timestamp": started},
              {"event": "user", "text": "ja", "timestamp": started + 30, "parse_data": {}}]
    return {"next_action": "action_submit_lead", "sender_id": sender, "version": "3.6.21",
            "tracker": {"sender_id": sender, "slots": values, "latest_message": {"text": "ja", "intent": {}},
                        "events": events, "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen", "latest_input_channel": "rest"},
            "domain": {}}


def call(assistant, body: dict):
    headers = {"Authorization": f"Bearer {action_server_token(assistant.stack.settings)}"}
    status, answer, _ = post(f"{assistant.stack.action_url}/webhook", json.dumps(body).encode(), headers)
    return status, answer


def answer_texts(answer: dict) -> str:
    return "\n".join(r.get("text") or "" for r in answer.get("responses") or [])


def slot_values(answer: dict) -> dict:
    return {e["name"]: e.get("value") for e in answer.get("events") or [] if e.get("event") == "slot"}


NOW = datetime.now(timezone.utc)


@pytest.mark.parametrize("consent_at, started", [
    ("2030-01-01T00:00:00+00:00", None),
    ("2020-01-01T00:00:00+00:00", None),
    ((NOW + timedelta(hours=1)).isoformat(), None),
    ((NOW - timedelta(hours=1)).isoformat(), None),  # an hour ago, but the conversation began a minute ago
    (NOW.isoformat(), "no-events"),  # no event tells when the conversation began
], ids=["2030", "2020", "in-an-hour", "before-the-conversation", "no-events"])
def test_an_impossible_consent_time_stores_no_lead(assistant, consent_at, started):
    sender = f"recheck-{uuid.uuid4().hex[:10]}"
    before = lead_count(assistant.var_dir)
    body = forged_call(sender, consent_at)
    if started == "no-events":
        body["tracker"]["events"] = []
    status, answer = call(assistant, body)
    assert status == 200, answer
    assert answer_texts(answer).startswith(texts.LEAD_REFUSED.split(" –")[0])
    assert " Sie " in answer_texts(answer) and "nichts gespeichert" in answer_texts(answer)
    assert slot_values(answer)["consent"] is None and slot_values(answer)["consent_at"] is None
    assert lead_count(assistant.var_dir, sender) == 0 and lead_count(assistant.var_dir) == before
    spool = assistant.var_dir / "spool"
    assert not any(sender in p.read_text(errors="replace") for p in spool.rglob("*") if p.is_file())
    log = (assistant.stack.log_dir / "actions.log").read_text(errors="replace")
    assert "error=ConsentInvalid" in log and "mallory" not in log.lower()


def test_control_characters_and_escapes_are_not_stored(assistant):
    sender = f"recheck-{uuid.uuid4().hex[:10]}"
    consent_at = (datetime.now(timezone.utc) - timedelta(seconds=10)).isoformat()
    body = forged_call(sender, consent_at, name="\x1b[31mMallory\x1b[0m \u202eMüller 😀\x07",
                       company="\x1b]0;pwned\x07Forged\x00 GmbH\r\n",
                       preferred_contact="\x1b[2Jvormittags\x1b[K",
                       prospect_questions=[{"kind": "question", "topics": ["price"], "text": "\x1b[5mWas kostet?"}],
                       departments=["Marketing\x1b[0m"])
    status, answer = call(assistant, body)
    assert status == 200, answer
    rows = lead_rows(assistant.stack, sender)
    assert len(rows) == 1
    lead = dict(rows[0])
    assert lead["name"] == "Mallory Müller 😀"  # umlauts and emoji stay
    assert lead["company"] == "Forged GmbH" and lead["preferred_contact"] == "vormittags"
    stored = json.dumps(lead, ensure_ascii=False, default=str)
    assert "\x1b" not in stored and "\\u001b" not in stored and "[31m" not in stored and "\u202e" not in stored
    assert "\\u0007" not in stored and "\\u202e" not in stored


def test_a_real_consent_still_stores_the_lead(assistant):
    sender = f"recheck-{uuid.uuid4().hex[:10]}"
    consent_at = (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat()
    status, answer = call(assistant, forged_call(sender, consent_at))
    assert status == 200 and [r.get("template") or r.get("response") for r in answer["responses"]] == \
        ["utter_lead_saved"], answer
    assert lead_count(assistant.var_dir, sender) == 1
