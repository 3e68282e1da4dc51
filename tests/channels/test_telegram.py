"""Telegram against the real Rasa server (rasa_addons.telegram.SecureTelegramInput) and a local stand-in of
the Bot API.

The stand-in starts only after Rasa (see tests/support/channels.py): start-up survives an unreachable Telegram API with a
warning. Updates without the right ``X-Telegram-Bot-Api-Secret-Token`` are rejected before they reach the
dialogue; the German conversation arrives as sendMessage calls with inline keyboards (one button per row,
callback_data = the button's payload).
"""
from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.support.channels import TG_SECRET, TG_USERNAME, TG_WEBHOOK_URL, Assistant
from tests.support.domain import domain_buttons

_ids = itertools.count(int(time.time()) % 100000 * 100)


def as_inline_keyboard(buttons: list[dict[str, str]]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": b["title"], "callback_data": b["payload"]}] for b in buttons]}


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=90) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class TelegramUser:
    """A prospect chatting with the bot in Telegram (private chat: chat id = user id)."""

    def __init__(self, assistant: Assistant, chat_id: int | None = None):
        self.assistant = assistant
        self.chat_id = chat_id or next(_ids)
        self.url = f"{assistant.rasa_url}/webhooks/telegram/webhook"
        self.user = {"id": self.chat_id, "is_bot": False, "first_name": "Erika", "language_code": "de"}
        self.chat = {"id": self.chat_id, "first_name": "Erika", "type": "private"}

    def update(self, update: dict[str, Any], secret: str | None = TG_SECRET) -> tuple[int, str]:
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        return http("POST", self.url, {"update_id": next(_ids), **update}, headers)

    def _send(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        mark = self.assistant.telegram.snapshot()
        assert self.update(update) == (200, "success")
        self.calls = self.assistant.telegram.since(mark)
        return self.assistant.telegram.sent_messages(self.calls, self.chat_id)

    def type(self, text: str) -> list[dict[str, Any]]:
        return self._send({"message": {"message_id": next(_ids), "from": self.user, "chat": self.chat,
                                       "date": int(time.time()), "text": text}})

    def tap(self, button: dict[str, Any], query_id: str | None = None) -> list[dict[str, Any]]:
        self.query_id = query_id or f"cbq-{next(_ids)}"
        return self._send({"callback_query": {
            "id": self.query_id, "from": self.user, "chat_instance": "-4242",
            "message": {"message_id": next(_ids), "chat": self.chat, "date": int(time.time()), "text": "…",
                        "from": {"id": 123456789, "is_bot": True, "first_name": "Berater-Assistent"}},
            "data": button["callback_data"],
        }})


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def keyboard_of(messages: list[dict[str, Any]]) -> dict[str, Any]:
    with_keyboard = [m for m in messages if m.get("reply_markup")]
    assert with_keyboard, f"no keyboard in {messages}"
    return with_keyboard[-1]["reply_markup"]


def buttons_of(keyboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [button for row in keyboard["inline_keyboard"] for button in row]


def assert_telegram_shape(messages: list[dict[str, Any]]) -> None:
    for m in messages:
        assert m["text"].strip() and len(m["text"]) <= 4096
        if "reply_markup" in m:
            rows = m["reply_markup"]["inline_keyboard"]
            assert rows and all(len(row) == 1 for row in rows), rows  # one button per row: readable on phones
            for button in buttons_of(m["reply_markup"]):
                assert set(button) == {"text", "callback_data"}
                assert 1 <= len(button["callback_data"].encode()) <= 64


# -- start-up and webhook registration --------------------------------------------------------------------
def test_start_up_survives_an_unreachable_telegram_api(assistant):
    log = assistant.rasa_log()
    assert "telegram: could not register the webhook" in log
    assert "TEST-token" not in log  # the bot token never appears in the log
    assert http("GET", f"{assistant.rasa_url}/webhooks/telegram/") == (200, '{"status":"ok"}')


def test_set_webhook_registers_the_secret_token(assistant):
    mark = assistant.telegram.snapshot()
    status, _ = http("POST", f"{assistant.rasa_url}/webhooks/telegram/set_webhook", {},
                     {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert status == 200
    calls = assistant.telegram.calls_to(assistant.telegram.since(mark), "setWebhook")
    assert len(calls) == 1
    fields = calls[0].body
    assert fields["url"] == TG_WEBHOOK_URL and fields["secret_token"] == TG_SECRET
    assert set(json.loads(fields["allowed_updates"])) == {"message", "edited_message", "callback_query"}


def test_set_webhook_needs_the_secret_too(assistant):
    mark = assistant.telegram.snapshot()
    assert http("POST", f"{assistant.rasa_url}/webhooks/telegram/set_webhook", {})[0] == 401
    assert not assistant.telegram.calls_to(assistant.telegram.since(mark), "setWebhook")


# -- the secret token ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("secret, status", [
    (None, 401),
    ("", 403),
    ("wrong-secret", 403),
    (TG_SECRET[:-1] + "x", 403),  # same length, last character differs
    (TG_SECRET + "x", 403),
    (TG_SECRET.upper(), 403),
])
def test_update_without_the_secret_token_is_rejected(assistant, secret, status):
    user = TelegramUser(assistant)
    mark = assistant.telegram.snapshot()
    got, _ = user.update({"message": {"message_id": 1, "from": user.user, "chat": user.chat,
                                      "date": int(time.time()), "text": "Hallo"}}, secret=secret)
    assert got == status
    time.sleep(0.3)
    calls = assistant.telegram.since(mark)
    assert not assistant.telegram.sent_messages(calls, user.chat_id)
    assert not assistant.telegram.calls_to(calls, "getMe")  # rejected before anything else happens


def test_webhook_only_accepts_post(assistant):
    status, _ = http("GET", f"{assistant.rasa_url}/webhooks/telegram/webhook",
                     headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert status == 405


# -- the conversation -------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["/start", f"/start@{TG_USERNAME}", "/start website"])
def test_start_command_greets_in_german(assistant, command):
    user = TelegramUser(assistant)
    messages = user.type(command)
    assert "Assistent" in texts(messages) and "nicht verstanden" not in texts(messages)
    assert_telegram_shape(messages)
    assert keyboard_of(messages) == as_inline_keyboard(domain_buttons("utter_offer_help"))


def test_qualification_with_inline_keyboards_and_typed_answers(assistant):
    user = TelegramUser(assistant)
    greeting = user.type("Hallo")
    start = next(b for b in buttons_of(keyboard_of(greeting)) if b["callback_data"] == "/request_recommendation")

    asked = user.tap(start)
    answered = assistant.telegram.calls_to(user.calls, "answerCallbackQuery")
    assert [c.body["callback_query_id"] for c in answered] == [user.query_id]  # the button's spinner stops
    assert_telegram_shape(asked)
    assert "Wie viele Personen" in texts(asked)
    assert keyboard_of(asked) == as_inline_keyboard(domain_buttons("utter_ask_participants"))

    asked = user.type("wir sind zu dritt")
    assert_telegram_shape(asked)
    assert "Funktionsbereichen" in texts(asked)
    assert keyboard_of(asked) == as_inline_keyboard(domain_buttons("utter_ask_multiple_functions"))

    for _ in range(10):
        buttons = buttons_of(keyboard_of(asked))
        asked = user.tap(next((b for b in buttons if '"yes"' in b["callback_data"]), buttons[0]))
        assert_telegram_shape(asked)
        if "Empfehlung" in texts(asked):
            break
    else:
        raise AssertionError(f"no recommendation after the questions; last messages: {asked}")
    assert {"text": "Rückruf vereinbaren", "callback_data": "/request_callback"} in buttons_of(keyboard_of(asked))
    assert all(int(m["chat_id"]) == user.chat_id for m in asked)


def test_bot_identity_is_fetched_once(assistant):
    """Rasa's channel calls getMe for every update; ours asks once and caches the answer."""
    TelegramUser(assistant).type("Hallo")
    TelegramUser(assistant).type("Guten Tag")
    assert len(assistant.telegram.calls_to(assistant.telegram.calls, "getMe")) == 1
