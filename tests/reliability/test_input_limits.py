"""Input limits at every entry point, against the real Rasa and action servers (rasa_addons/limits.py).

A 100,000-character message kept stock Rasa busy for about two minutes while every other conversation waited.
Now a message over MAX_MESSAGE_CHARS (2,000) gets a German notice on its own channel (REST, socket.io,
Messenger, Telegram) and never reaches NLU; a body over MAX_REQUEST_BYTES is 413, a malformed REST body 400,
both with a JSON error; no request without a sender lands in a shared "default" conversation.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio

from rasa_addons import texts
from rasa_addons.limits import (
    DEFAULT_MAX_MESSAGE_CHARS,
    DEFAULT_MAX_REQUEST_BYTES,
    Limits,
    MalformedRequest,
    parse_rest_body,
)
from rasa_addons.sessions import conversation_id
from tests.support.chat import RestChat, open_session
from tests.support.messenger import MessengerUser, signature
from tests.support.messenger import texts as fb_texts
from tests.support.reliability import post, tracker_events
from tests.support.telegram import TelegramUser
from tests.support.telegram import texts as tg_texts

LONG = "A" * 100_000
NOTICE = texts.message_too_long(DEFAULT_MAX_MESSAGE_CHARS)


def rest_url(assistant) -> str:
    return f"{assistant.rasa_url}/webhooks/rest/webhook"


def rest_say(assistant, sender: str, text: str):
    return post(rest_url(assistant), json.dumps({"sender": sender, "message": text}).encode())


def new_session(assistant) -> tuple[str, str]:
    """A session token from the server and the conversation id it names."""
    token = open_session(assistant.rasa_url)
    return token, conversation_id(token)


def user_texts(assistant, sender: str) -> list[str]:
    return [json.loads(data).get("text") or "" for kind, data in tracker_events(assistant.var_dir, sender)
            if kind == "user"]


# -- the plain functions -------------------------------------------------------------------------------------
def test_the_notice_is_german_formal_and_chat_sized():
    for text in (NOTICE, texts.request_too_large(DEFAULT_MAX_REQUEST_BYTES), *texts.MALFORMED_REQUEST.values()):
        assert len(text) <= 350
        assert not any(word in f" {text} " for word in (" du ", " dich ", " dein ", " Please ", " Sorry "))
    assert "2.000 Zeichen" in NOTICE and " Sie " in NOTICE
    assert " Sie " in texts.request_too_large(DEFAULT_MAX_REQUEST_BYTES)


@pytest.mark.parametrize("body, code", [
    (b"", "invalid_json"), (b"{", "invalid_json"), (b"\xff\xfe", "invalid_json"),
    (b"[]", "invalid_body"), (b"null", "invalid_body"), (b'"x"', "invalid_body"), (b"42", "invalid_body"),
    (b'{"message": "Hallo"}', "invalid_sender"), (b'{"sender": null, "message": "Hallo"}', "invalid_sender"),
    (b'{"sender": 5, "message": "Hallo"}', "invalid_sender"), (b'{"sender": "  ", "message": "Hallo"}',
                                                                "invalid_sender"),
    (b'{"sender": ["a"], "message": "Hallo"}', "invalid_sender"),
    (b'{"sender": "a"}', "invalid_message"), (b'{"sender": "a", "message": null}', "invalid_message"),
    (b'{"sender": "a", "message": 5}', "invalid_message"), (b'{"sender": "a", "message": {"t": 1}}',
                                                             "invalid_message"),
    (b'{"sender": "a", "message": "Hallo", "metadata": "x"}', "invalid_metadata"),
])
def test_parse_rest_body_refuses(body, code):
    with pytest.raises(MalformedRequest) as exc:
        parse_rest_body(body)
    assert exc.value.code == code and exc.value.message == texts.MALFORMED_REQUEST[code]


def test_parse_rest_body_accepts_the_rest_channel_shape():
    got = parse_rest_body(b'{"sender": "abc", "message": "Hallo", "metadata": {"k": 1}}')
    assert (got.sender, got.message, got.metadata) == ("abc", "Hallo", {"k": 1})
    assert parse_rest_body('{"sender": "ä", "message": ""}'.encode()).metadata is None


def test_limits_count_characters_not_bytes():
    limits = Limits(max_message_chars=5, max_request_bytes=10)
    assert not limits.message_too_long("äöüßé") and limits.message_too_long("äöüßéx")
    assert not limits.message_too_long(None)
    assert limits.body_too_large(b"x" * 11) and not limits.body_too_large(b"x" * 10)
    assert Limits.from_credentials({"max_message_chars": 7}) == Limits(7, DEFAULT_MAX_REQUEST_BYTES)
    assert Limits.from_credentials(None) == Limits()


# -- REST ----------------------------------------------------------------------------------------------------
def test_100k_message_gets_the_german_notice_quickly_and_is_not_processed(assistant):
    token, sender = new_session(assistant)
    status, messages, seconds = rest_say(assistant, token, LONG)
    print(f"\n100,000 characters over REST: HTTP {status} in {seconds * 1000:.0f} ms")
    assert status == 200
    assert [m["text"] for m in messages] == [NOTICE] and messages[0]["recipient_id"] == sender
    assert seconds < 5, f"the notice took {seconds:.1f} s"
    assert tracker_events(assistant.var_dir, sender) == []  # never reached NLU or the tracker store
    # the same conversation goes on normally
    status, messages, _ = rest_say(assistant, token, "Hallo")
    assert status == 200 and "Assistent" in RestChat.texts(messages)
    assert user_texts(assistant, sender) == ["Hallo"]


def test_a_message_at_the_limit_is_processed(assistant):
    token, sender = new_session(assistant)
    text = ("Wir möchten mit Social Media anfangen. " * 60)[:DEFAULT_MAX_MESSAGE_CHARS]
    status, messages, _ = rest_say(assistant, token, text)
    assert status == 200 and NOTICE not in RestChat.texts(messages)
    assert len(user_texts(assistant, sender)) == 1
    status, messages, _ = rest_say(assistant, token, text + "!")
    assert status == 200 and RestChat.texts(messages) == NOTICE
    assert len(user_texts(assistant, sender)) == 1


def test_other_conversations_do_not_wait_for_a_100k_message(assistant):
    other = RestChat(assistant.rasa_url)
    other.say("Hallo")
    baseline = []
    for _ in range(3):
        started = time.monotonic()
        assert "Seminar" in other.texts(other.say("Hallo"))
        baseline.append(time.monotonic() - started)

    senders = [open_session(assistant.rasa_url) for _ in range(3)]
    with ThreadPoolExecutor(len(senders)) as pool:
        floods = [pool.submit(rest_say, assistant, s, LONG) for s in senders]
        time.sleep(0.05)
        started = time.monotonic()
        reply = other.say("Hallo")
        during = time.monotonic() - started
        results = [f.result() for f in floods]

    print(f"\nother conversation: usual answer {statistics.median(baseline) * 1000:.0f} ms, "
          f"while 3 x 100,000 characters arrive {during * 1000:.0f} ms; "
          f"the long messages were answered in {', '.join(f'{r[2] * 1000:.0f}' for r in results)} ms")
    assert "Seminar" in other.texts(reply)
    assert all(status == 200 and body[0]["text"] == NOTICE for status, body, _ in results)
    assert during < max(5 * max(baseline), 3.0), (during, baseline)


@pytest.mark.parametrize("body, code", [
    (b"", "invalid_json"), (b"[]", "invalid_body"), (b"null", "invalid_body"), (b'"x"', "invalid_body"),
    (b"{not json", "invalid_json"),
    (b'{"message": "Hallo"}', "invalid_sender"), (b'{"sender": null, "message": "Hallo"}', "invalid_sender"),
    (b'{"sender": 12345, "message": "Hallo"}', "invalid_sender"), (b'{"sender": "", "message": "Hallo"}',
                                                                   "invalid_sender"),
    (b'{"sender": "malformed-1"}', "invalid_message"), (b'{"sender": "malformed-1", "message": null}',
                                                        "invalid_message"),
    (b'{"sender": "malformed-1", "message": ["Hallo"]}', "invalid_message"),
    (b'{"sender": "malformed-1", "message": "Hallo", "metadata": [1]}', "invalid_metadata"),
])
def test_malformed_rest_bodies_get_400_with_a_json_error(assistant, body, code):
    status, answer, _ = post(rest_url(assistant), body)
    assert status == 400, answer
    assert answer == {"error": code, "message": texts.MALFORMED_REQUEST[code]}
    assert tracker_events(assistant.var_dir, "default") == []  # never the shared "default" conversation
    assert tracker_events(assistant.var_dir, "malformed-1") == []


def test_body_over_the_limit_is_413_with_a_json_error(assistant):
    sender = f"big-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"sender": sender, "message": "Ä" * 200_000}, ensure_ascii=False).encode()  # 400 KB
    assert len(body) > DEFAULT_MAX_REQUEST_BYTES
    status, answer, seconds = post(rest_url(assistant), body)
    assert status == 413 and answer["error"] == "request_too_large"
    assert answer["max_bytes"] == DEFAULT_MAX_REQUEST_BYTES and "zu groß" in answer["message"]
    assert seconds < 5 and tracker_events(assistant.var_dir, sender) == []
    # far beyond the limit Sanic itself refuses to read the body: still 413, never 5xx
    status, _, _ = post(rest_url(assistant), b"{" + b" " * (5 * DEFAULT_MAX_REQUEST_BYTES) + b"}")
    assert status == 413


# -- socket.io -----------------------------------------------------------------------------------------------
async def _socket_chat(url: str, session_id: str, messages: list[str], wait: float = 20.0) -> dict:
    """Send ``messages`` one after another (each waits for its first answer); what came back per message."""
    client = socketio.AsyncClient(reconnection=False)
    answers: list[list[dict]] = [[] for _ in messages]
    current = {"i": -1}
    got = asyncio.Event()
    confirmed = asyncio.Event()
    disconnected = asyncio.Event()
    session: dict[str, str] = {}

    @client.on("bot_uttered")
    async def on_bot(data):
        answers[current["i"]].append(data)
        got.set()

    @client.on("session_confirm")
    async def on_session(token):
        session["token"] = token
        confirmed.set()

    @client.on("disconnect")
    async def on_disconnect():
        disconnected.set()

    await client.connect(url, socketio_path="/socket.io/", transports=["websocket"])
    await client.emit("session_request", {"session_id": session_id})
    await asyncio.wait_for(confirmed.wait(), 10)
    timings = []
    try:
        for i, text in enumerate(messages):
            current["i"] = i
            got.clear()
            started = time.monotonic()
            await client.emit("user_uttered", {"message": text, "session_id": session_id})
            done, _ = await asyncio.wait([asyncio.ensure_future(got.wait()),
                                          asyncio.ensure_future(disconnected.wait())],
                                         timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            timings.append(time.monotonic() - started)
            if disconnected.is_set():
                break
            await asyncio.sleep(1.0)  # the rest of a multi-part answer
    finally:
        if not disconnected.is_set():
            await client.disconnect()
    return {"answers": answers, "timings": timings, "disconnected": disconnected.is_set(),
            "token": session["token"], "conversation": conversation_id(session["token"])}


def test_socketio_100k_message_gets_the_notice_and_the_chat_goes_on(assistant):
    session = uuid.uuid4().hex
    result = asyncio.run(_socket_chat(assistant.rasa_url, session, [LONG, "Hallo"]))
    first, second = result["answers"]
    print(f"\n100,000 characters over socket.io: notice after {result['timings'][0] * 1000:.0f} ms")
    assert [m.get("text") for m in first] == [NOTICE]
    assert result["timings"][0] < 5
    assert "Assistent" in "\n".join(m.get("text", "") for m in second)
    assert user_texts(assistant, result["conversation"]) == ["Hallo"]


def test_socketio_packet_over_the_limit_is_refused_and_others_go_on(assistant):
    session = uuid.uuid4().hex
    result = asyncio.run(_socket_chat(assistant.rasa_url, session, ["x" * (DEFAULT_MAX_REQUEST_BYTES + 10)]))
    assert result["disconnected"] and result["answers"] == [[]]
    assert tracker_events(assistant.var_dir, result["conversation"]) == []
    again = asyncio.run(_socket_chat(assistant.rasa_url, result["token"], ["Hallo"]))
    assert again["conversation"] == result["conversation"]  # the same session goes on
    assert "Assistent" in "\n".join(m.get("text", "") for m in again["answers"][0])


# -- messengers ----------------------------------------------------------------------------------------------
def test_messenger_100k_message_gets_the_notice(assistant):
    user = MessengerUser(assistant)
    started = time.monotonic()
    messages = user.type(LONG)
    seconds = time.monotonic() - started
    assert fb_texts(messages) == NOTICE and seconds < 5
    assert tracker_events(assistant.var_dir, user.conversation) == []
    assert "Assistent" in fb_texts(user.type("Hallo"))


def test_messenger_body_over_the_limit_is_413(assistant):
    user = MessengerUser(assistant)
    from tests.support.messenger import http, messaging_event, webhook_payload

    body = json.dumps(webhook_payload(messaging_event(user.psid, {"text": "x" * DEFAULT_MAX_REQUEST_BYTES}))).encode()
    mark = assistant.graph.snapshot()
    status, text = http("POST", user.url, body, {"Content-Type": "application/json",
                                                 "X-Hub-Signature-256": signature(body)})
    assert status == 413 and json.loads(text)["error"] == "request_too_large"
    assert not assistant.graph.messages(assistant.graph.since(mark), user.psid)


def test_telegram_100k_message_gets_the_notice(assistant):
    user = TelegramUser(assistant)
    started = time.monotonic()
    messages = user.type(LONG)
    seconds = time.monotonic() - started
    assert tg_texts(messages) == NOTICE and seconds < 5
    assert tracker_events(assistant.var_dir, user.conversation) == []
    assert "Assistent" in tg_texts(user.type("Hallo"))


def test_telegram_body_over_the_limit_is_413(assistant):
    user = TelegramUser(assistant)
    mark = assistant.telegram.snapshot()
    status, text = user.update({"message": {"message_id": 1, "from": user.user, "chat": user.chat,
                                            "date": int(time.time()), "text": "x" * DEFAULT_MAX_REQUEST_BYTES}})
    assert status == 413 and json.loads(text)["error"] == "request_too_large"
    assert not assistant.telegram.sent_messages(assistant.telegram.since(mark), user.chat_id)
