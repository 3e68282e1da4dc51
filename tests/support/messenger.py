"""Messenger test helpers: signed webhook calls and a user talking through the local Graph API stand-in."""
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

from tests.support.channels import FB_APP_SECRET, Assistant

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
        self.conversation = f"fb-{self.psid}"  # the conversation id Rasa and the databases know
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
