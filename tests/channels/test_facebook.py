"""Facebook Messenger against the real Rasa server (rasa_addons.facebook.SecureFacebookInput) and a local
stand-in of the Graph API.

Incoming: webhook verification (hub.challenge) and the request signature (X-Hub-Signature-256 /
X-Hub-Signature, HMAC with the app secret); a request with a missing or wrong signature is rejected and
reaches no conversation. Outgoing: the German conversation arrives at the Graph API as text messages and
quick replies (at most 13, titles at most 20 characters) in the shape Messenger expects.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.support.channels import FB_APP_SECRET, FB_PAGE_TOKEN, FB_VERIFY_TOKEN
from tests.support.domain import domain_buttons
from tests.support.messenger import (  # noqa: F401
    PAGE_ID,
    MessengerUser,
    as_quick_replies,
    assert_messenger_shape,
    http,
    messaging_event,
    quick_replies_of,
    signature,
    texts,
    webhook_payload,
)


def test_webhook_verification_echoes_the_challenge(assistant):
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": FB_VERIFY_TOKEN,
                                    "hub.challenge": "1158201444"})
    assert http("GET", f"{assistant.rasa_url}/webhooks/facebook/webhook?{query}") == (200, "1158201444")


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.verify_token": "wrong-token", "hub.challenge": "42"},
    {"hub.mode": "subscribe", "hub.challenge": "42"},
    {"hub.mode": "unsubscribe", "hub.verify_token": FB_VERIFY_TOKEN, "hub.challenge": "42"},
])
def test_webhook_verification_with_a_wrong_token_is_refused(assistant, params):
    status, text = http("GET", f"{assistant.rasa_url}/webhooks/facebook/webhook?{urllib.parse.urlencode(params)}")
    assert status == 403 and "42" not in text


# -- signatures ------------------------------------------------------------------------------------------
def test_signed_message_is_answered_in_german(assistant):
    user = MessengerUser(assistant)
    messages = user.type("Hallo")
    assert "Assistent" in texts(messages) and "Seminar" in texts(messages)
    assert_messenger_shape(messages)
    sends = [c for c in user.calls if c.body.get("recipient", {}).get("id") == user.psid]
    assert all(c.path == "/v21.0/me/messages" for c in sends)
    assert all(c.query["access_token"] == FB_PAGE_TOKEN for c in sends)
    proof = hmac.new(FB_APP_SECRET.encode(), FB_PAGE_TOKEN.encode(), hashlib.sha256).hexdigest()
    assert all(c.query["appsecret_proof"] == proof for c in sends)
    assert all(c.body.get("messaging_type") == "RESPONSE" for c in sends if "message" in c.body)
    actions = [c.body["sender_action"] for c in sends if "sender_action" in c.body]
    assert actions[:2] == ["mark_seen", "typing_on"] and actions[-1] == "typing_off"


def test_legacy_sha1_signature_is_accepted(assistant):
    user = MessengerUser(assistant)
    body = json.dumps(webhook_payload(messaging_event(user.psid, {"text": "Guten Tag"}))).encode()
    status, text = http("POST", user.url, body, {"Content-Type": "application/json",
                                                 "X-Hub-Signature": signature(body, algorithm="sha1")})
    assert (status, text) == (200, "success")
    assert "Assistent" in texts(assistant.graph.messages(assistant.graph.calls, user.psid))


def _bad_signatures(body: bytes) -> dict[str, dict[str, str]]:
    return {
        "missing": {},
        "other secret": {"X-Hub-Signature-256": signature(body, secret="not-the-app-secret")},
        "other body": {"X-Hub-Signature-256": signature(body + b" ")},
        "sha1 digest in sha256 header": {"X-Hub-Signature-256": signature(body, algorithm="sha1")},
        "wrong sha1": {"X-Hub-Signature": signature(body, secret="nope", algorithm="sha1")},
        "md5": {"X-Hub-Signature": signature(body, algorithm="md5")},
        "unknown algorithm": {"X-Hub-Signature": "foo=bar"},
        "empty": {"X-Hub-Signature-256": ""},
        "valid sha1 but wrong sha256": {"X-Hub-Signature-256": signature(body, secret="x"),
                                        "X-Hub-Signature": signature(body, algorithm="sha1")},
    }


@pytest.mark.parametrize("case", list(_bad_signatures(b"")))
def test_missing_or_wrong_signature_is_rejected(assistant, case):
    user = MessengerUser(assistant)
    body = json.dumps(webhook_payload(messaging_event(user.psid, {"text": "Hallo"}))).encode()
    mark = assistant.graph.snapshot()
    status, text = http("POST", user.url, body,
                        {"Content-Type": "application/json", **_bad_signatures(body)[case]})
    assert status == 403 and text != "success"
    time.sleep(0.3)
    assert not [c for c in assistant.graph.since(mark) if c.body.get("recipient", {}).get("id") == user.psid]


def test_rejected_sender_has_no_conversation(assistant):
    """A forged request must not reach the dialogue: the tracker store has no events for its sender."""
    import sqlite3

    user = MessengerUser(assistant)
    body = json.dumps(webhook_payload(messaging_event(user.psid, {"text": "Hallo"}))).encode()
    assert http("POST", user.url, body, {"X-Hub-Signature-256": signature(body, secret="forged")})[0] == 403
    with sqlite3.connect(assistant.var_dir / "rasa.db") as db:
        count = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (user.conversation,)).fetchone()[0]
    assert count == 0


# -- the conversation --------------------------------------------------------------------------------------
def test_batched_events_are_all_answered(assistant):
    first, second = MessengerUser(assistant), MessengerUser(assistant)
    payload = webhook_payload(messaging_event(first.psid, {"text": "Hallo"}),
                              messaging_event(second.psid, {"text": "Guten Tag"}))
    first.post(payload)
    assert "Assistent" in texts(assistant.graph.messages(first.calls, first.psid))
    assert "Assistent" in texts(assistant.graph.messages(first.calls, second.psid))


def test_get_started_postback_greets(assistant):
    user = MessengerUser(assistant)
    messages = user.press("/greet")
    assert "Assistent" in texts(messages)


def test_qualification_with_quick_replies_and_typed_answers(assistant):
    user = MessengerUser(assistant)
    greeting = user.type("Hallo")
    offer = quick_replies_of(greeting)
    assert offer == as_quick_replies(domain_buttons("utter_offer_help"))  # every button, as quick replies
    start = next(r for r in offer if r["payload"] == "/request_recommendation")

    asked = user.tap(start)
    assert_messenger_shape(asked)
    assert "Wie viele Personen" in texts(asked)
    assert quick_replies_of(asked) == as_quick_replies(domain_buttons("utter_ask_participants"))  # 5 > 3

    asked = user.type("wir sind zu dritt")  # typed German answer
    assert_messenger_shape(asked)
    assert "Funktionsbereichen" in texts(asked)
    assert quick_replies_of(asked) == as_quick_replies(domain_buttons("utter_ask_multiple_functions"))

    # the remaining questions by quick reply: "yes" where offered, else the first answer
    for _ in range(10):
        replies = quick_replies_of(asked)
        choice = next((r for r in replies if '"yes"' in r["payload"]), replies[0])
        asked = user.tap(choice)
        assert_messenger_shape(asked)
        if "Empfehlung" in texts(asked):
            break
    else:
        raise AssertionError(f"no recommendation after the questions; last messages: {asked}")
    assert "Seminar" in texts(asked) or "Workshop" in texts(asked)
    next_steps = quick_replies_of(asked)
    assert {"content_type": "text", "title": "Rückruf vereinbaren", "payload": "/request_callback"} in next_steps

    consent = user.tap(next(r for r in next_steps if r["payload"] == "/request_callback"))
    assert_messenger_shape(consent)
    assert "einverstanden" in texts(consent)
    assert quick_replies_of(consent) == as_quick_replies(domain_buttons("utter_ask_consent"))


def test_confirmation_with_six_buttons_keeps_them_all(assistant):
    """Rasa's own channel drops all buttons of a response with more than 3; ours sends them as quick replies."""
    from rasa_addons.facebook import quick_replies

    buttons = domain_buttons("utter_ask_contact_confirmed")
    assert len(buttons) > 3
    assert quick_replies(buttons) == as_quick_replies(buttons)


def test_conversation_ids_carry_the_channel_prefix(assistant):
    """A Messenger conversation is "fb-<psid>": a REST or Telegram id that happens to be the same number never
    names it, and the replies still reach the user's psid."""
    from tests.support.reliability import tracker_events

    user = MessengerUser(assistant)
    assert "Assistent" in texts(user.type("Hallo"))
    assert [k for k, _ in tracker_events(assistant.var_dir, user.conversation)].count("user") == 1
    assert tracker_events(assistant.var_dir, user.psid) == []
