"""Telegram updates as the Bot API really sends them, against the real Rasa server (shared channel stack).

Rasa's own parser answered 500 to update kinds it does not expect (Telegram then redelivers them), took
edits as new answers, turned a location into the text of a form field and cut "/bot" out of any text. Every
correctly signed update now gets 200; only a private chat's text or button press reaches the dialogue.
"""
from __future__ import annotations

import itertools
import json
import time
import urllib.request

import pytest

from rasa_addons.telegram import read_update
from tests.support.channels import TG_SECRET, TG_USERNAME
from tests.support.reliability import tracker_events
from tests.support.telegram import TelegramUser, http, texts

_ids = itertools.count(7_000_000)
SIGNED = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}


def _user_texts(assistant, conversation: str) -> list[str]:
    return [json.loads(data).get("text") for kind, data in tracker_events(assistant.var_dir, conversation)
            if kind == "user"]


def _raw_post(url: str, body: bytes) -> tuple[int, str]:
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={**SIGNED, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _chat(chat_id: int, kind: str = "private") -> dict:
    return {"id": chat_id, "type": kind, "first_name": "Erika"} if kind == "private" else \
        {"id": chat_id, "type": kind, "title": "Team Marketing"}


# -- every update kind: 200, nothing reaches the dialogue -------------------------------------------------
UNEXPECTED = {
    "channel_post": {"channel_post": {"message_id": 1, "date": 0, "chat": _chat(-1001, "channel"), "text": "Hi"}},
    "edited_channel_post": {"edited_channel_post": {"message_id": 1, "date": 0, "chat": _chat(-1001, "channel"),
                                                    "text": "Hi"}},
    "my_chat_member": {"my_chat_member": {"chat": _chat(-2002, "group"), "from": {"id": 1, "is_bot": False,
                                                                                 "first_name": "A"},
                                          "date": 0, "old_chat_member": {"status": "left"},
                                          "new_chat_member": {"status": "member"}}},
    "inline_query": {"inline_query": {"id": "iq1", "from": {"id": 1, "is_bot": False, "first_name": "A"},
                                      "query": "seminar", "offset": ""}},
    "only update_id": {},
    "callback without message": {"callback_query": {"id": "cb1", "from": {"id": 1, "is_bot": False,
                                                                          "first_name": "A"},
                                                    "inline_message_id": "AAA", "chat_instance": "1",
                                                    "data": "/affirm"}},
}


@pytest.mark.parametrize("kind", list(UNEXPECTED))
def test_unexpected_update_kinds_get_200_and_reach_no_dialogue(assistant, kind):
    url = f"{assistant.rasa_url}/webhooks/telegram/webhook"
    mark = assistant.telegram.snapshot()
    assert http("POST", url, {"update_id": next(_ids), **UNEXPECTED[kind]}, SIGNED) == (200, "success")
    assert assistant.telegram.sent_messages(assistant.telegram.since(mark)) == []


@pytest.mark.parametrize("body", [b"", b"[]", b"[1, 2]", b"not json", b"null", b'"text"'])
def test_bodies_that_are_no_update_get_200(assistant, body):
    assert _raw_post(f"{assistant.rasa_url}/webhooks/telegram/webhook", body)[0] == 200


def test_the_secret_is_still_checked_before_anything_is_read(assistant):
    url = f"{assistant.rasa_url}/webhooks/telegram/webhook"
    assert http("POST", url, [], {"X-Telegram-Bot-Api-Secret-Token": "wrong"})[0] == 403


# -- edits, non-text, duplicates, "/bot" ---------------------------------------------------------------------
def test_an_edit_never_becomes_an_answer(assistant):
    user = TelegramUser(assistant)
    user.type("Hallo")
    assert texts(user.type("Welches Format passt zu uns?"))
    mark = assistant.telegram.snapshot()
    edit = {"edited_message": {"message_id": 5, "from": user.user, "chat": user.chat, "date": 0,
                               "edit_date": int(time.time()), "text": "Sabine Krüger-Lange"}}
    assert user.update(edit) == (200, "success")
    assert assistant.telegram.sent_messages(assistant.telegram.since(mark), user.chat_id) == []
    assert "Sabine Krüger-Lange" not in _user_texts(assistant, user.conversation)


@pytest.mark.parametrize("content", [
    {"location": {"latitude": 48.137, "longitude": 11.575}},
    {"photo": [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}], "caption": "Logo"},
    {"sticker": {"file_id": "s1", "file_unique_id": "u2", "type": "regular", "width": 512, "height": 512,
                 "is_animated": False, "is_video": False}},
    {"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 3}},
    {"contact": {"phone_number": "+4915112345678", "first_name": "Erika"}},
])
def test_non_text_gets_a_polite_ask_for_text_and_fills_nothing(assistant, content):
    user = TelegramUser(assistant)
    user.type("Hallo")
    mark = assistant.telegram.snapshot()
    update = {"message": {"message_id": next(_ids), "from": user.user, "chat": user.chat, "date": 0, **content}}
    assert user.update(update) == (200, "success")
    sent = assistant.telegram.sent_messages(assistant.telegram.since(mark), user.chat_id)
    assert len(sent) == 1 and "als Text" in sent[0]["text"]
    stored = json.dumps(tracker_events(assistant.var_dir, user.conversation), ensure_ascii=False)
    assert "48.137" not in stored and "+4915112345678" not in stored


def test_a_redelivered_update_is_answered_once(assistant):
    user = TelegramUser(assistant)
    update = {"update_id": next(_ids), "message": {"message_id": next(_ids), "from": user.user, "chat": user.chat,
                                                   "date": 0, "text": "Hallo"}}
    url = user.url
    mark = assistant.telegram.snapshot()
    assert http("POST", url, update, SIGNED) == (200, "success")
    first = assistant.telegram.sent_messages(assistant.telegram.since(mark), user.chat_id)
    assert first
    mark = assistant.telegram.snapshot()
    assert http("POST", url, update, SIGNED) == (200, "success")
    assert assistant.telegram.sent_messages(assistant.telegram.since(mark), user.chat_id) == []
    assert _user_texts(assistant, user.conversation).count("Hallo") == 1


def test_slash_bot_inside_a_word_is_left_alone(assistant):
    user = TelegramUser(assistant)
    user.type("Hallo")
    user.type("Was heißt das mit /bottom-up genau?")
    assert "Was heißt das mit /bottom-up genau?" in _user_texts(assistant, user.conversation)


# -- group chats -----------------------------------------------------------------------------------------------
def test_a_group_chat_is_asked_to_continue_privately_before_anything_personal(assistant):
    group_id = -next(_ids)
    member = {"id": next(_ids), "is_bot": False, "first_name": "Max"}
    url = f"{assistant.rasa_url}/webhooks/telegram/webhook"
    mark = assistant.telegram.snapshot()
    for text in ("Hallo Bot", "Rückruf bitte, ich bin Max Muster, max@example.org"):
        update = {"update_id": next(_ids), "message": {"message_id": next(_ids), "from": member,
                                                       "chat": _chat(group_id, "supergroup"), "date": 0,
                                                       "text": text, "message_thread_id": 42}}
        assert http("POST", url, update, SIGNED) == (200, "success")
    sent = assistant.telegram.sent_messages(assistant.telegram.since(mark), group_id)
    assert len(sent) == 1  # told once, not per message
    assert f"t.me/{TG_USERNAME}" in sent[0]["text"] and "privat" in sent[0]["text"]
    assert "Chatbot" in sent[0]["text"]  # the disclosure, in the first reply
    assert int(sent[0]["message_thread_id"]) == 42  # the reply stays in the forum topic
    assert tracker_events(assistant.var_dir, f"tg-{group_id}") == []  # no dialogue, nothing stored


# -- the decision itself, table-driven ----------------------------------------------------------------------
@pytest.mark.parametrize(("update", "kind"), [
    ([], "ignore"), ({}, "ignore"), ({"update_id": 1}, "ignore"),
    ({"message": {"chat": {"id": 5, "type": "private"}, "text": "Hallo"}}, "dialogue"),
    ({"message": {"chat": {"id": 5, "type": "private"}, "text": "   "}}, "text_only"),
    ({"message": {"chat": {"id": 5, "type": "private"}, "location": {}}}, "text_only"),
    ({"message": {"chat": {"id": 5, "type": "private"}, "new_chat_members": []}}, "ignore"),
    ({"message": {"chat": {"id": "x", "type": "group"}, "text": "Hi"}}, "group"),
    ({"message": {"chat": {"id": 5}, "text": "Hi"}}, "dialogue"),  # no type: a private chat
    ({"message": {"chat": {"id": True}, "text": "Hi"}}, "ignore"),
    ({"message": {"text": "Hi"}}, "ignore"),
    ({"edited_message": {"chat": {"id": 5, "type": "private"}, "text": "Hi"}}, "ignore"),
    ({"callback_query": {"message": {"chat": {"id": 5, "type": "private"}}, "data": "/affirm"}}, "dialogue"),
    ({"callback_query": {"message": {"chat": {"id": 5, "type": "private"}}}}, "ignore"),
    ({"callback_query": "x"}, "ignore"),
])
def test_read_update(update, kind):
    assert read_update(update).kind == kind
