"""Telegram against the real Rasa server (rasa_addons.telegram.SecureTelegramInput) and a local stand-in of
the Bot API.

The stand-in starts only after Rasa (see tests/support/channels.py): start-up survives an unreachable Telegram API with a
warning. Updates without the right ``X-Telegram-Bot-Api-Secret-Token`` are rejected before they reach the
dialogue; the German conversation arrives as sendMessage calls with inline keyboards (one button per row,
callback_data = the button's payload).
"""
from __future__ import annotations

import json
import time

import pytest

from tests.support.channels import TG_SECRET, TG_USERNAME, TG_WEBHOOK_URL
from tests.support.domain import domain_buttons
from tests.support.telegram import (  # noqa: F401
    TelegramUser,
    _ids,
    as_inline_keyboard,
    assert_telegram_shape,
    buttons_of,
    http,
    keyboard_of,
    texts,
)


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
    assert set(json.loads(fields["allowed_updates"])) == {"message", "callback_query"}


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


def test_bot_identity_is_not_fetched_per_update(assistant):
    """Rasa's channel calls getMe for every update; ours reads updates itself (the secret token authenticates
    them) and asks at most once."""
    TelegramUser(assistant).type("Hallo")
    TelegramUser(assistant).type("Guten Tag")
    assert len(assistant.telegram.calls_to(assistant.telegram.calls, "getMe")) <= 1


def test_conversation_ids_carry_the_channel_prefix(assistant):
    """A Telegram conversation is "tg-<chat id>"; the replies still reach the chat."""
    from tests.support.reliability import tracker_events

    user = TelegramUser(assistant)
    assert "Assistent" in texts(user.type("Hallo"))
    assert [k for k, _ in tracker_events(assistant.var_dir, user.conversation)].count("user") == 1
    assert tracker_events(assistant.var_dir, str(user.chat_id)) == []
