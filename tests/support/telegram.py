"""Telegram test helpers: updates with the secret token and a user talking through the Bot API stand-in."""
from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from typing import Any

from tests.support.channels import TG_SECRET, Assistant

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
        self.conversation = f"tg-{self.chat_id}"  # the conversation id Rasa and the databases know
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
