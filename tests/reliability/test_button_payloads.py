"""Button payloads (``/intent{…}``) are taken only through validated entities, never read again as free text.

``/inform{"participants": -5}`` sent as a REST message used to store 5 participants: Rasa dropped the entity
(not in the domain), but the German reader read the raw payload text and found "5". Now a message whose text
is a payload is never read as free text (advisor/payload.py); its entities are checked by type and range, the
invalid ones are ignored and the question is asked again the usual way.
"""
from __future__ import annotations

import json

import pytest

from advisor.payload import is_payload, valid_entities
from tests.support.chat import RestChat
from tests.support.reliability import post, tracker_events

NOT_UNDERSTOOD = "Das habe ich leider nicht verstanden"


def slots_of(assistant, sender: str) -> dict:
    """The conversation's slot values after its stored events (the last value of each slot)."""
    values: dict = {}
    for kind, data in tracker_events(assistant.var_dir, sender):
        if kind == "slot":
            event = json.loads(data)
            values[event["name"]] = event.get("value")
    return values


def at_participants_question(assistant) -> RestChat:
    chat = RestChat(assistant.rasa_url)
    chat.say("Hallo")
    assert "Wie viele Personen" in chat.texts(chat.say("Welches Format passt zu uns?"))
    return chat


# -- the plain functions -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ('/inform{"choice": "1"}', True), ("/restart", True), ("  /ask_price", True), ("/", True),
    ("wir sind 5", False), ("", False), (None, False), ("5 / 2", False), ("und/oder", False),
])
def test_what_is_a_payload(text, expected):
    assert is_payload(text) is expected


@pytest.mark.parametrize("entity, value, expected", [
    ("participants", 5, 5.0), ("participants", 5.0, 5.0), ("participants", "7", 7.0),
    ("participants", -5, None), ("participants", 0, None), ("participants", 2.5, None),
    ("participants", 10_001, None), ("participants", True, None), ("participants", "nan", None),
    ("participants", "1e400", None), ("participants", [3], None), ("participants", {"x": 1}, None),
    ("decision_made", True, True), ("decision_made", False, False), ("decision_made", "true", None),
    ("decision_made", 1, None),
    ("choice", "yes", "yes"), ("choice", "First_Steps", "first_steps"), ("choice", 4, "4"),
    ("choice", True, None), ("choice", {"a": 1}, None), ("choice", "x" * 41, None), ("choice", "per E-Mail", "per e-mail"),
    ("choice", "a\nb", None), ("choice", "<b>", None), ("choice", "_x", None),
    ("choice", "-5", None), ("choice", None, None),
    ("email", "max@example.org", "max@example.org"), ("email", 5, None), ("email", "a" * 400, None),
    ("phone", "+49 171 2345678", "+49 171 2345678"), ("phone", "\x1b[31m0171", None),
    ("field", "email", "email"), ("number", "3", "3"),
    ("nonexistent_entity", "x", None), ("__proto__", "x", None),
])
def test_entities_are_checked_by_type_and_range(entity, value, expected):
    found = valid_entities([{"entity": entity, "value": value}])
    assert found == ([] if expected is None else [{"entity": entity, "value": expected}])


def test_malformed_entity_lists_are_no_entities():
    assert valid_entities(None) == valid_entities("x") == valid_entities([1, None, "a", {"value": 1}]) == []


# -- the running servers -------------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", [
    '/inform{"participants": -5}', '/inform{"participants": 5}', '/inform{"choice": "-5"}',
    '/inform{"choice": "4.5"}', '/inform{"choice": 100000}', '/inform{"choice": {"participants": 5}}',
    '/inform{"choice": ["-5", "x y"]}', '/inform{"number": "5"}', '/inform{"participants": "5 Personen"}',
    "/inform 5 Personen", '/nonexistent_intent{"participants": 5}', '/inform{"participants": 5',
])
def test_a_forged_payload_is_no_answer_and_the_question_comes_again(assistant, payload):
    chat = at_participants_question(assistant)
    answer = chat.texts(chat.say(payload))
    assert slots_of(assistant, chat.sender).get("participants") is None, payload
    assert NOT_UNDERSTOOD in answer or "Wie viele Personen" in answer, answer
    # the conversation goes on normally afterwards
    assert "Funktionsbereichen" in chat.texts(chat.say("wir sind zu dritt"))
    assert slots_of(assistant, chat.sender).get("participants") == 3


def test_the_real_buttons_still_answer(assistant):
    chat = at_participants_question(assistant)
    assert "Funktionsbereichen" in chat.texts(chat.say('/inform{"choice": "4"}'))
    assert slots_of(assistant, chat.sender).get("participants") == 4
    chat.texts(chat.say('/inform{"choice": "yes"}'))
    assert slots_of(assistant, chat.sender).get("multiple_functions") is True


def test_a_forged_boolean_is_ignored(assistant):
    chat = at_participants_question(assistant)
    chat.say('/inform{"choice": "4"}')
    for forged in ('/inform{"choice": "vielleicht"}', '/inform{"choice": 1}', '/inform{"multiple_functions": 1}'):
        answer = chat.texts(chat.say(forged))
        assert "multiple_functions" not in slots_of(assistant, chat.sender) or \
            slots_of(assistant, chat.sender)["multiple_functions"] is None, forged
        assert answer, forged


@pytest.mark.parametrize("payload", [
    "/restart", "/nonexistent_intent", "/", "//", "/inform{", '/inform{"choice": null}', "/inform@7{}",
    '/greet{"choice": "' + "x" * 1500 + '"}', "/session_start", "/back", "/out_of_scope{\"email\": 5}",
    "/inform{\"email\": \"\\u001b[31mx@example.org\"}",
])
def test_odd_payloads_never_crash(assistant, payload):
    chat = at_participants_question(assistant)
    log_before = len(assistant.rasa_log())
    status, answer, _ = post(f"{assistant.rasa_url}/webhooks/rest/webhook",
                             json.dumps({"sender": chat.token, "message": payload}).encode())
    assert status == 200 and isinstance(answer, list), (payload, status, answer)
    assert "Failed to execute custom action" not in assistant.rasa_log()[log_before:]
    assert chat.say("Hallo")  # the assistant still answers this conversation


def test_every_button_of_the_domain_passes_the_checks():
    """The real buttons ("per E-Mail", "first_steps", …) must survive the entity checks."""
    import re
    from pathlib import Path

    import yaml

    payloads = []
    for path in sorted((Path(__file__).resolve().parents[2] / "domain").glob("*.yml")):
        for variants in (yaml.safe_load(path.read_text()).get("responses") or {}).values():
            payloads += [b["payload"] for v in variants for b in v.get("buttons") or []]
    with_entities = [p for p in payloads if "{" in p]
    assert len(with_entities) > 20
    for payload in with_entities:
        entities = json.loads(re.search(r"\{.*\}", payload).group())
        given = [{"entity": k, "value": v} for k, v in entities.items()]
        assert len(valid_entities(given)) == len(given), payload
