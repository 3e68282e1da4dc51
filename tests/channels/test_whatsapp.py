"""WhatsApp Business Cloud API against the real Rasa server (rasa_addons.whatsapp.WhatsAppInput) and a local
stand-in of the Cloud API that records every send and can answer 429/5xx.

Payloads are shaped as Meta's Cloud API webhook reference shows them (entry[].changes[].value, field
"messages"). The prospect's number never becomes a conversation id; replies still go to it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import time
import urllib.parse
import uuid
from typing import Any

import pytest

from rasa_addons import texts as addon_texts
from rasa_addons.whatsapp import WINDOW_SECONDS, interactive, split_text, window_decision
from tests.support.channels import WA_APP_SECRET, WA_PHONE_NUMBER_ID, WA_TOKEN, WA_VERIFY_TOKEN
from tests.support.chat import lead_rows
from tests.support.messenger import http
from tests.support.reliability import tracker_events


def sign(body: bytes, secret: str = WA_APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def envelope(*messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None,
             wa_id: str = "4915112345678") -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "4930123456", "phone_number_id": WA_PHONE_NUMBER_ID},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": "Anna"}, "wa_id": wa_id}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


class WhatsAppUser:
    def __init__(self, assistant):
        self.assistant = assistant
        self.api = assistant.whatsapp
        self.wa_id = "49151" + str(uuid.uuid4().int)[:8]
        self.url = f"{assistant.rasa_url}/webhooks/whatsapp/webhook"

    def message(self, kind: str, content: dict[str, Any], wamid: str | None = None) -> dict[str, Any]:
        return {"from": self.wa_id, "id": wamid or f"wamid.{uuid.uuid4().hex}", "timestamp": str(int(time.time())),
                "type": kind, kind: content}

    def post(self, payload: dict[str, Any], headers: dict[str, str] | None = None) -> tuple[int, list[dict]]:
        body = json.dumps(payload).encode()
        mark = self.api.snapshot()
        status, _ = http("POST", self.url, body, {"Content-Type": "application/json",
                                                  "X-Hub-Signature-256": sign(body), **(headers or {})})
        return status, self.api.delivered(self.api.since(mark), self.wa_id)

    def send(self, kind: str, content: dict[str, Any], wamid: str | None = None) -> list[dict]:
        status, sent = self.post(envelope(self.message(kind, content, wamid), wa_id=self.wa_id))
        assert status == 200
        return sent

    def type(self, text: str) -> list[dict]:
        return self.send("text", {"body": text})

    def tap(self, payload: str, title: str = "x", kind: str = "button_reply") -> list[dict]:
        return self.send("interactive", {"type": kind, kind: {"id": payload, "title": title}})

    def conversation(self) -> str:
        with sqlite3.connect(self.assistant.var_dir / "rasa.db") as db:
            rows = db.execute("SELECT DISTINCT sender_id FROM events WHERE sender_id LIKE 'wa-%' "
                              "ORDER BY id DESC LIMIT 1").fetchall()
        return rows[0][0]


def text_of(sent: list[dict]) -> str:
    out = []
    for m in sent:
        if m["type"] == "text":
            out.append(m["text"]["body"])
        elif m["type"] == "interactive":
            out.append(m["interactive"]["body"]["text"])
    return "\n".join(out)


def options(sent: list[dict]) -> list[str]:
    for m in reversed(sent):
        if m["type"] == "interactive":
            action = m["interactive"]["action"]
            if "buttons" in action:
                return [b["reply"]["id"] for b in action["buttons"]]
            return [r["id"] for s in action["sections"] for r in s["rows"]]
    return []


def assert_cloud_api_shape(sent: list[dict]) -> None:
    for m in sent:
        assert m["messaging_product"] == "whatsapp" and m["to"]
        if m["type"] == "text":
            assert 0 < len(m["text"]["body"]) < 4096
        elif m["type"] == "interactive":
            inter = m["interactive"]
            assert len(inter["body"]["text"]) <= 1024
            if inter["type"] == "button":
                assert 1 <= len(inter["action"]["buttons"]) <= 3
                assert all(len(b["reply"]["title"]) <= 20 for b in inter["action"]["buttons"])
            else:
                rows = [r for s in inter["action"]["sections"] for r in s["rows"]]
                assert 1 <= len(rows) <= 10 and len(inter["action"]["button"]) <= 20
                assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows)


# -- verification and signatures ----------------------------------------------------------------------------
def test_verification_echoes_the_challenge(assistant):
    q = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN,
                                "hub.challenge": "1158201444"})
    assert http("GET", f"{assistant.rasa_url}/webhooks/whatsapp/webhook?{q}") == (200, "1158201444")


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "42"},
    {"hub.mode": "subscribe", "hub.challenge": "42"},
    {"hub.mode": "unsubscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "42"},
])
def test_verification_with_a_wrong_token_is_refused(assistant, params):
    status, text = http("GET", f"{assistant.rasa_url}/webhooks/whatsapp/webhook?{urllib.parse.urlencode(params)}")
    assert status == 403 and "42" not in text


@pytest.mark.parametrize("case", ["missing", "forged", "other body", "short", "long", "sha1", "empty"])
def test_bad_signature_is_refused_and_reaches_nothing(assistant, case):
    user = WhatsAppUser(assistant)
    payload = envelope(user.message("text", {"body": "Hallo"}), wa_id=user.wa_id)
    body = json.dumps(payload).encode()
    good = sign(body)
    header = {"missing": None, "forged": sign(body, "forged-secret"), "other body": sign(body + b" "),
              "short": good[:-2], "long": good + "00", "sha1": "sha1=" + hmac.new(
                  WA_APP_SECRET.encode(), body, hashlib.sha1).hexdigest(), "empty": ""}[case]
    mark = user.api.snapshot()
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Hub-Signature-256"] = header
    status, _ = http("POST", user.url, body, headers)
    assert status == 403
    time.sleep(0.3)
    assert user.api.delivered(user.api.since(mark), user.wa_id) == []
    with sqlite3.connect(assistant.var_dir / "rasa.db") as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE sender_id LIKE ?", (f"%{user.wa_id}%",)).fetchone()[0] == 0


def test_malformed_json_with_a_good_signature_is_200(assistant):
    url = f"{assistant.rasa_url}/webhooks/whatsapp/webhook"
    for body in (b"{not json", b"[]", b"", json.dumps({"object": "whatsapp_business_account",
                                                       "entry": [{"changes": [{"field": "messages",
                                                                               "value": {"messages": [7]}}]}]}).encode()):
        assert http("POST", url, body, {"X-Hub-Signature-256": sign(body)})[0] == 200


# -- the conversation ---------------------------------------------------------------------------------------
def test_typed_conversation_to_a_saved_lead(assistant):
    user = WhatsAppUser(assistant)
    greeting = user.type("Hallo")
    assert "Assistent" in text_of(greeting)
    assert_cloud_api_shape(greeting)
    calls = [c for c in user.api.calls if isinstance(c.body, dict) and c.body.get("to") == user.wa_id]
    assert all(c.headers.get("Authorization") == f"Bearer {WA_TOKEN}" for c in calls)
    assert "Wie viele Personen" in text_of(user.type("Welches Format passt zu uns?"))
    assert "Funktionsbereichen" in text_of(user.type("wir sind zu dritt"))
    assert "leisten" in text_of(user.type("aus Marketing und Vertrieb"))
    assert "zugeschnitten" in text_of(user.type("wir wollen eine Strategie entwickeln"))
    user.tap('/inform{"choice": "yes"}', "Ja")
    user.type("haben schon ein bisschen auf Facebook gepostet")
    user.type("ja")
    result = user.type("nein, eine Strategie haben wir noch nicht")
    assert "Workshop" in text_of(result)
    assert_cloud_api_shape(result)
    assert "/request_callback" in options(result)
    consent = user.tap("/request_callback", "Rückruf vereinbaren", kind="list_reply")
    assert "einverstanden" in text_of(consent)
    assert "heißen" in text_of(user.tap('/inform{"choice": "yes"}', "Ja"))
    assert "Unternehmen" in text_of(user.type("Ich heiße Anna Müller"))
    assert "E-Mail" in text_of(user.type("Bäckerei Schulze GmbH"))
    assert "Telefonnummer" in text_of(user.type("Anna.Mueller@Baeckerei-Schulze.de"))
    assert "Wann oder wie" in text_of(user.type("0171 2345678"))
    assert "Stimmt alles?" in text_of(user.type("am liebsten vormittags"))
    assert "Vielen Dank!" in text_of(user.type("ja"))

    conversation = user.conversation()
    assert conversation.startswith("wa-") and user.wa_id not in conversation
    rows = lead_rows(assistant.stack, conversation)
    assert len(rows) == 1
    lead = rows[0]
    assert (lead["name"], lead["company"], lead["email"], lead["phone"]) == (
        "Anna Müller", "Bäckerei Schulze GmbH", "Anna.Mueller@baeckerei-schulze.de", "+491712345678")
    assert lead["recommendation"] == "workshop" and lead["channel"] == "whatsapp"
    assert lead["consent_at"]
    with sqlite3.connect(assistant.var_dir / "rasa.db") as db:
        ids = [r[0] for r in db.execute("SELECT DISTINCT sender_id FROM events")]
    assert not [i for i in ids if user.wa_id in i]


def test_button_and_list_replies_are_the_payloads(assistant):
    user = WhatsAppUser(assistant)
    user.type("Hallo")
    asked = user.tap("/request_recommendation", "Empfehlung")
    assert "Wie viele Personen" in text_of(asked)
    assert_cloud_api_shape(asked)
    participants = options(asked)
    assert len(participants) >= 4  # more than 3 buttons: a list
    assert "Funktionsbereichen" in text_of(user.tap(participants[1], "x", kind="list_reply"))


@pytest.mark.parametrize("kind,content", [
    ("image", {"mime_type": "image/jpeg", "sha256": "abc", "id": "1234567890"}),
    ("location", {"latitude": 48.137154, "longitude": 11.576124, "name": "Marienplatz"}),
    ("sticker", {"mime_type": "image/webp", "sha256": "abc", "id": "987", "animated": False}),
    ("audio", {"mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "555", "voice": True}),
])
def test_media_gets_please_write_and_fills_nothing(assistant, kind, content):
    user = WhatsAppUser(assistant)
    user.type("Hallo")
    user.tap("/request_callback")
    assert "heißen" in text_of(user.tap('/inform{"choice": "yes"}', "Ja"))
    sent = user.send(kind, content)
    assert text_of(sent) == addon_texts.WHATSAPP_TEXT_ONLY
    events = tracker_events(assistant.var_dir, user.conversation())
    slots = [json.loads(d) for k, d in events if k == "slot"]
    assert not [s for s in slots if s.get("name") == "contact_name" and s.get("value")]
    assert "Unternehmen" in text_of(user.type("Ich heiße Anna Müller"))


def test_statuses_and_reactions_send_nothing(assistant):
    user = WhatsAppUser(assistant)
    statuses = [{"id": f"wamid.{uuid.uuid4().hex}", "status": s, "timestamp": str(int(time.time())),
                 "recipient_id": user.wa_id} for s in ("sent", "delivered", "read")]
    statuses.append({**statuses[0], "status": "failed", "errors": [{"code": 131047, "title": "Re-engagement"}]})
    status, sent = user.post(envelope(statuses=statuses))
    assert (status, sent) == (200, [])
    status, sent = user.post(envelope(user.message("reaction", {"message_id": "wamid.X", "emoji": "👍"}),
                                      user.message("unsupported", {}), wa_id=user.wa_id))
    assert (status, sent) == (200, [])


def test_duplicate_wamid_is_answered_once(assistant):
    user = WhatsAppUser(assistant)
    first = user.send("text", {"body": "Hallo"}, wamid="wamid.DUP" + user.wa_id)
    assert "Assistent" in text_of(first)
    assert user.send("text", {"body": "Hallo"}, wamid="wamid.DUP" + user.wa_id) == []


def test_a_429_in_the_middle_of_a_turn_loses_nothing(assistant):
    user = WhatsAppUser(assistant)
    reference = user.type("Hallo")
    assert len(reference) >= 2
    other = WhatsAppUser(assistant)
    mark = other.api.snapshot()
    other.api.fail_next[:] = []
    sent = []
    # the second send of the turn is answered 429 once, then 503 once
    original = other.api.answer
    count = {"n": 0}

    def answer(call):
        if isinstance(call.body, dict) and call.body.get("to") == other.wa_id:
            count["n"] += 1
            if count["n"] in (2, 3):
                call.headers["x-answered"] = "429" if count["n"] == 2 else "503"
                return (429, {"error": {"code": 130429}}) if count["n"] == 2 else (503, {"error": {}})
        return original(call)

    other.api.answer = answer
    try:
        status, sent = other.post(envelope(other.message("text", {"body": "Hallo"}), wa_id=other.wa_id))
    finally:
        del other.api.answer
    assert status == 200
    assert [m.get("text") or m.get("interactive") for m in sent] == \
           [m.get("text") or m.get("interactive") for m in reference]
    assert len([c for c in other.api.since(mark) if c.body.get("to") == other.wa_id]) == len(reference) + 2


# -- pure functions -----------------------------------------------------------------------------------------
NOW = 1_800_000_000.0


@pytest.mark.parametrize("last,template,expected", [
    (NOW - 60, None, "free_form"),
    (NOW - WINDOW_SECONDS + 1, None, "free_form"),
    (NOW - WINDOW_SECONDS, None, "skip"),
    (NOW - WINDOW_SECONDS - 3600, None, "skip"),
    (NOW - WINDOW_SECONDS - 3600, "termin_erinnerung", "template"),
    (None, None, "skip"),
    (None, "termin_erinnerung", "template"),
    (NOW + 3600, None, "skip"),  # a timestamp from the future is not trusted
])
def test_customer_service_window(last, template, expected):
    assert window_decision(last, NOW, template) == expected


def test_long_text_is_split_below_the_limit_at_sentences():
    text = ("Das ist ein Satz. " * 400).strip()
    parts = split_text(text)
    assert len(parts) > 1 and all(len(p) < 4096 and p.endswith(".") for p in parts)
    assert " ".join(parts) == text


def test_buttons_become_reply_buttons_or_a_list():
    three = [{"title": "Ja", "payload": "/a"}, {"title": "Nein", "payload": "/b"}, {"title": "Egal", "payload": "/c"}]
    assert interactive("Frage?", three)["type"] == "button"
    long_title = [{"title": "Ein sehr langer Knopftitel mit mehr", "payload": "/a"}]
    listed = interactive("Frage?", long_title)
    row = listed["action"]["sections"][0]["rows"][0]
    assert listed["type"] == "list" and len(row["title"]) <= 24 and row["description"].startswith("Ein sehr")
    many = [{"title": f"Option {i}", "payload": f"/o{i}"} for i in range(12)]
    assert len(interactive("Frage?", many)["action"]["sections"][0]["rows"]) == 10
