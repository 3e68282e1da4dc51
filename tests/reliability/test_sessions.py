"""Conversations belong to their prospect (rasa_addons/sessions.py, rasa_addons/channels.py), on the real stack.

Before, the sender id was the only key to a conversation: a second client that knew it (from the consultant's
e-mail, the CRM, a log) could read the contact summary, change the e-mail and delete the lead, over REST or
socket.io from any origin. Now the server issues a signed token per conversation; the bare conversation id, a
made-up id or a forged token opens nothing, and a foreign page cannot open the WebSocket at all.
"""
from __future__ import annotations

import asyncio
import json

import pytest
import socketio

from rasa_addons import texts
from rasa_addons.sessions import SessionSigner, conversation_id
from tests.support.chat import RestChat, lead_rows
from tests.support.reliability import post, tracker_events

VICTIM_EMAIL = "vera.victim@opfer-gmbh.example"


def rest_url(assistant) -> str:
    return f"{assistant.rasa_url}/webhooks/rest/webhook"


def say_as(assistant, sender: str, text: str, headers: dict | None = None):
    return post(rest_url(assistant), json.dumps({"sender": sender, "message": text}).encode(), headers)


@pytest.fixture(scope="module")
def victim(assistant):
    """A prospect whose lead is stored (consent, name, company, e-mail)."""
    chat = RestChat(assistant.rasa_url)
    chat.say("/request_callback")
    chat.say('/inform{"choice": "yes"}')
    for answer in ("Vera Victim", "Opfer GmbH", VICTIM_EMAIL, "0171 9876543", "egal", "ja"):
        chat.say(answer)
    [row] = lead_rows(assistant.stack, chat.sender)
    assert row["email"] == VICTIM_EMAIL
    return chat


# -- the token ------------------------------------------------------------------------------------------------
def test_tokens_are_signed_and_name_a_random_conversation():
    signer = SessionSigner("k" * 40)
    a, b = signer.issue(), signer.issue()
    assert a != b and signer.conversation_of(a) == conversation_id(a) and conversation_id(a).startswith("web-")
    other = SessionSigner("x" * 40)
    signature = a.rsplit(".", 1)[1]
    # one character of the signature changed (the first: all its bits count; "A" may already be there)
    forged = f"s1.{conversation_id(a)}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    for token in (conversation_id(a), forged, other.issue(), a + "x", "", None, 42, "s1..", a.upper()):
        assert signer.conversation_of(token) is None, token
    assert other.conversation_of(a) is None


@pytest.mark.parametrize("header, name", [("127.0.0.1:5005", "127.0.0.1"), ("[::1]:5005", "::1"), ("::1", "::1"),
                                          ("WWW.Example.DE", "www.example.de"), ("", ""), (None, ""),
                                          ("evil.example:80", "evil.example")])
def test_host_names_are_read_without_port(header, name):
    from rasa_addons.channels import host_name

    assert host_name(header) == name


# -- REST -----------------------------------------------------------------------------------------------------
def test_rest_without_a_session_token_is_401(assistant, victim):
    before = len(tracker_events(assistant.var_dir, victim.sender))
    forged = f"s1.{victim.sender}.{'A' * 43}"
    for sender in (victim.sender, forged, "default", "any-made-up-id"):
        status, answer, _ = say_as(assistant, sender, "Bitte löschen Sie meine Daten")
        assert status == 401, (sender, answer)
        assert answer == {"error": "invalid_session", "message": texts.INVALID_SESSION}
    # nothing reached the victim's conversation, the lead is untouched
    assert len(tracker_events(assistant.var_dir, victim.sender)) == before
    [row] = lead_rows(assistant.stack, victim.sender)
    assert row["email"] == VICTIM_EMAIL


def test_the_token_holder_keeps_talking_in_the_conversation(assistant, victim):
    before = len(tracker_events(assistant.var_dir, victim.sender))
    reply = victim.texts(victim.say("Danke!"))
    assert reply
    assert len(tracker_events(assistant.var_dir, victim.sender)) > before


def test_rest_ignores_a_client_chosen_input_channel(assistant):
    chat = RestChat(assistant.rasa_url)
    status, _, _ = post(rest_url(assistant), json.dumps(
        {"sender": chat.token, "message": "Hallo", "input_channel": "socketio"}).encode())
    assert status == 200
    users = [json.loads(data) for kind, data in tracker_events(assistant.var_dir, chat.sender) if kind == "user"]
    assert [u["input_channel"] for u in users] == ["rest"]


def test_rest_requires_json_and_an_allowed_origin(assistant):
    chat = RestChat(assistant.rasa_url)
    body = json.dumps({"sender": chat.token, "message": "Hallo"}).encode()
    status, answer, _ = post(rest_url(assistant), body, {"Content-Type": "text/plain"})  # blind CSRF form post
    assert status == 415 and answer["error"] == "json_required"
    status, answer, _ = post(rest_url(assistant), body, {"Origin": "https://evil.example"})
    assert status == 403 and answer == {"error": "origin_not_allowed", "message": texts.ORIGIN_NOT_ALLOWED}
    status, answer, _ = post(f"{assistant.rasa_url}/webhooks/rest/session", b"", {"Origin": "null"})
    assert status == 403
    assert tracker_events(assistant.var_dir, chat.sender) == []
    status, _, _ = post(rest_url(assistant), body, {"Origin": assistant.stack.settings.web_origin_url})
    assert status == 200


def test_rest_refuses_a_foreign_host_name(assistant):
    """DNS rebinding: a page on evil.example whose name now points at this server."""
    chat = RestChat(assistant.rasa_url)
    body = json.dumps({"sender": chat.token, "message": "Hallo"}).encode()
    status, answer, _ = post(rest_url(assistant), body, {"Host": "evil.example"})
    assert status == 421 and answer == {"error": "host_not_allowed", "message": texts.HOST_NOT_ALLOWED}
    status, _, _ = post(f"{assistant.rasa_url}/webhooks/rest/session", b"", {"Host": "evil.example:5005"})
    assert status == 421
    assert tracker_events(assistant.var_dir, chat.sender) == []
    status, _, _ = post(rest_url(assistant), body, {"Host": f"localhost:{assistant.stack.settings.rasa_port}"})
    assert status == 200


# -- socket.io ------------------------------------------------------------------------------------------------
async def _socket(url: str, session_id: str | None, messages: list[str], headers: dict | None = None,
                  listen: float = 4.0) -> dict:
    client = socketio.AsyncClient(reconnection=False)
    received: list[dict] = []
    confirmed: dict = {}
    event = asyncio.Event()

    @client.on("bot_uttered")
    async def on_bot(data):
        received.append(data)

    @client.on("session_confirm")
    async def on_confirm(token):
        confirmed["token"] = token
        event.set()

    await client.connect(url, socketio_path="/socket.io/", transports=["websocket"], headers=headers or {})
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(event.wait(), 10)
        for text in messages:
            # the id of someone else's conversation in the message itself is not trusted either
            await client.emit("user_uttered", {"message": text, "session_id": session_id})
            await asyncio.sleep(listen)
        if not messages:
            await asyncio.sleep(listen)
    finally:
        await client.disconnect()
    return {"token": confirmed["token"], "received": received}


def test_a_second_socket_with_the_conversation_id_gets_a_conversation_of_its_own(assistant, victim):
    async def both() -> tuple[dict, dict]:
        # the attacker listens in the victim's "room" while the victim talks
        spy = asyncio.ensure_future(_socket(assistant.rasa_url, victim.sender, ["Bitte löschen Sie meine Daten"],
                                            listen=6.0))
        await asyncio.sleep(2.0)
        await asyncio.get_running_loop().run_in_executor(None, victim.say, "Welche Angaben haben Sie von mir?")
        return await spy, {}

    events_before = len(tracker_events(assistant.var_dir, victim.sender))
    spy, _ = asyncio.run(both())
    assert conversation_id(spy["token"]) != victim.sender
    seen = json.dumps(spy["received"], ensure_ascii=False)
    for secret in ("Vera", "Victim", "Opfer", "vera.victim", "opfer-gmbh"):
        assert secret not in seen, (secret, seen)
    # the spy's "delete" went to its own, new conversation: the victim's lead and conversation are untouched
    [row] = lead_rows(assistant.stack, victim.sender)
    assert row["email"] == VICTIM_EMAIL
    victim_users = [json.loads(d)["text"] for k, d in tracker_events(assistant.var_dir, victim.sender)
                    if k == "user"][-1:]
    assert victim_users == ["Welche Angaben haben Sie von mir?"]
    assert len(tracker_events(assistant.var_dir, victim.sender)) > events_before


def test_a_socket_resumes_its_own_session_with_its_token(assistant):
    first = asyncio.run(_socket(assistant.rasa_url, None, ["Hallo"]))
    again = asyncio.run(_socket(assistant.rasa_url, first["token"], ["Welches Format passt zu uns?"]))
    assert again["token"] == first["token"]
    users = [json.loads(d)["text"] for k, d in tracker_events(assistant.var_dir, conversation_id(first["token"]))
             if k == "user"]
    assert users == ["Hallo", "Welches Format passt zu uns?"]


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost:1"])
def test_socketio_refuses_foreign_origins(assistant, origin):
    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(_socket(assistant.rasa_url, None, [], headers={"Origin": origin}, listen=0.1))


def test_socketio_refuses_a_foreign_host_name(assistant):
    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(_socket(assistant.rasa_url, None, [], headers={"Host": "evil.example"}, listen=0.1))


def test_socketio_accepts_the_page_origin(assistant):
    result = asyncio.run(_socket(assistant.rasa_url, None, ["Hallo"],
                                 headers={"Origin": assistant.stack.settings.web_origin_url}))
    assert "Assistent" in json.dumps(result["received"], ensure_ascii=False)
