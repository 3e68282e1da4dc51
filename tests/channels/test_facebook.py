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
import uuid
from typing import Any

import pytest

from tests.support.channels import FB_APP_SECRET, FB_PAGE_TOKEN, FB_VERIFY_TOKEN, Assistant
from tests.support.domain import domain_buttons

PAGE_ID = "1122334455"


def signature(body: bytes, secret: str = FB_APP_SECRET, algorithm: str = "sha256") -> str:
    return f"{algorithm}=" + hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=90) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def messaging_event(psid: str, message: dict[str, Any] | None = None,
                    postback: dict[str, Any] | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"sender": {"id": psid}, "recipient": {"id": PAGE_ID},
                             "timestamp": int(time.time() * 1000)}
    if message is not None:
        event["message"] = {"mid": f"m_{uuid.uuid4().hex}", **message}
    if postback is not None:
        event["postback"] = postback
    return event


def webhook_payload(*events: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page",
            "entry": [{"id": PAGE_ID, "time": int(time.time() * 1000), "messaging": list(events)}]}


class MessengerUser:
    """A prospect writing to the consultant's Facebook page."""

    def __init__(self, assistant: Assistant, psid: str | None = None):
        self.assistant = assistant
        self.psid = psid or str(uuid.uuid4().int)[:16]
        self.url = f"{assistant.rasa_url}/webhooks/facebook/webhook"

    def post(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        body = json.dumps(payload).encode()
        mark = self.assistant.graph.snapshot()
        status, text = http("POST", self.url, body, {"Content-Type": "application/json",
                                                     "X-Hub-Signature-256": signature(body),
                                                     "X-Hub-Signature": signature(body, algorithm="sha1")})
        assert (status, text) == (200, "success")
        self.calls = self.assistant.graph.since(mark)
        return self.assistant.graph.messages(self.calls, self.psid)

    def type(self, text: str) -> list[dict[str, Any]]:
        return self.post(webhook_payload(messaging_event(self.psid, {"text": text})))

    def tap(self, quick_reply: dict[str, Any]) -> list[dict[str, Any]]:
        """Messenger sends a tapped quick reply as a message with its title as text and the payload."""
        return self.post(webhook_payload(messaging_event(
            self.psid, {"text": quick_reply["title"], "quick_reply": {"payload": quick_reply["payload"]}})))

    def press(self, payload: str, title: str = "Los geht's") -> list[dict[str, Any]]:
        """A postback (e.g. the page's "Get Started" button)."""
        return self.post(webhook_payload(messaging_event(self.psid, postback={"title": title, "payload": payload})))


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def quick_replies_of(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with_replies = [m for m in messages if m.get("quick_replies")]
    assert with_replies, f"no quick replies in {messages}"
    return with_replies[-1]["quick_replies"]


def assert_messenger_shape(messages: list[dict[str, Any]]) -> None:
    for m in messages:
        assert set(m) <= {"text", "quick_replies", "attachment"}, m
        assert m.get("text", "").strip() and len(m["text"]) <= 2000
        replies = m.get("quick_replies") or []
        assert len(replies) <= 13
        for r in replies:
            assert r["content_type"] == "text" and 0 < len(r["title"]) <= 20 and r["payload"], r


def as_quick_replies(buttons: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]


# -- webhook verification --------------------------------------------------------------------------------
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
        count = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (user.psid,)).fetchone()[0]
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
