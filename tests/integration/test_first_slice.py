"""The first working slice end to end: real servers, REST and socket.io."""
from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

import socketio

from tests.support.chat import RestChat

ENGLISH_MARKERS = ("Sorry", "I didn't", "Hello", "Hi!", "Please rephrase")


def test_greeting_says_it_is_an_assistant_in_german(chat: RestChat):
    messages = chat.say("Hallo")
    text = chat.texts(messages)
    assert "Assistent" in text and "Chatbot" in text
    assert "Seminar" in text and "Workshop" in text
    buttons = [b["title"] for m in messages for b in m.get("buttons", [])]
    assert "Seminar/Workshop?" in buttons
    assert not any(marker in text for marker in ENGLISH_MARKERS)


def test_fallback_is_german_and_offers_a_callback_after_the_second_miss(chat: RestChat):
    first = chat.texts(chat.say("xqzv plörk wumm"))
    # gibberish is either not understood (nlu_fallback) or classed as off-topic: both count as a miss
    assert "nicht verstanden" in first or "nicht helfen" in first
    second = chat.say("qqq zzzt brrr")
    assert "zurückrufen" in chat.texts(second)  # sent by the custom action_fallback on the action server
    assert any(b["payload"] == "/request_callback" for m in second for b in m.get("buttons", []))


def test_http_api_is_off(stack):
    try:
        urllib.request.urlopen(f"{stack.rasa_url}/status", timeout=5)
    except urllib.error.HTTPError as exc:
        assert exc.code in (401, 403, 404)
    else:
        raise AssertionError("Rasa's HTTP API answers although it must be off")


def test_socketio_channel_delivers_the_greeting(stack):
    async def talk() -> list[dict]:
        received: list[dict] = []
        got = asyncio.Event()
        client = socketio.AsyncClient(reconnection=False)

        @client.on("bot_uttered")
        async def on_bot(data):
            received.append(data)
            got.set()

        @client.on("session_confirm")
        async def on_session(_):
            await client.emit("user_uttered", {"message": "Guten Tag", "session_id": "sio-test-1"})

        await client.connect(stack.rasa_url, socketio_path="/socket.io/", transports=["websocket"])
        await client.emit("session_request", {"session_id": "sio-test-1"})
        try:
            await asyncio.wait_for(got.wait(), timeout=30)
            await asyncio.sleep(1.0)  # the greeting comes in several messages
        finally:
            await client.disconnect()
        return received

    received = asyncio.run(talk())
    text = "\n".join(m.get("text", "") for m in received)
    assert "Assistent" in text


def test_demo_page_is_served_with_the_widget(stack):
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.settings.web_port}/", timeout=5) as resp:
        page = resp.read().decode()
    assert 'lang="de"' in page and "/vendor/webchat.js" in page
    with urllib.request.urlopen(f"http://127.0.0.1:{stack.settings.web_port}/vendor/webchat.js", timeout=5) as resp:
        assert resp.status == 200 and len(resp.read()) > 100_000
