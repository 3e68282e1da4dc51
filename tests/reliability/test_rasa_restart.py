"""Rasa restarted mid-conversation (issue 14, faults): the conversation resumes where it was, with its answers
and the open form, because everything lives in the tracker store (SQLite here) and the session token is
checked with the same SESSION_SECRET after the restart."""
from __future__ import annotations

import json

from rasa_addons.sessions import conversation_id
from tests.support import ROOT
from tests.support.chat import RestChat
from tests.support.reliability import tracker_events
from tooling.processes import stop_process
from tooling.stack import Stack, free_ports_env


def slots(var_dir, sender: str) -> dict:
    found: dict = {}
    for kind, data in tracker_events(var_dir, sender):
        if kind == "slot":
            event = json.loads(data)
            found[event["name"]] = event["value"]
    return found


def test_the_conversation_resumes_after_rasa_restarts(tmp_path):
    env = {**free_ports_env(tmp_path / "var"), "MODEL_PATH": str(ROOT / "models")}
    with Stack(env=env, with_web=False) as stack:
        chat = RestChat(stack.rasa_url)
        chat.say("Hallo")
        assert "Wie viele Personen" in chat.texts(chat.say("Welches Format passt zu uns?"))
        assert "Funktionsbereich" in chat.texts(chat.say("Wir sind zu viert"))
        before = slots(stack.settings.var_dir, chat.sender)
        assert before["participants"] == 4 and before["requested_slot"] == "multiple_functions"

        [rasa] = [p for p in stack.processes if p.name == "rasa"]
        stop_process(rasa.popen)
        stack.respawn(rasa)
        stack.wait_ready({"rasa": stack.rasa_url + "/"}, 240)

        # the same token still opens the same conversation, which goes on with the open question
        again = RestChat(stack.rasa_url, chat.token)
        assert conversation_id(again.token) == chat.sender
        answer = again.texts(again.say("Ja, aus Marketing und Vertrieb"))
        assert "Guten Tag" not in answer and "Wie viele Personen" not in answer, answer
        assert "Funktionsbereich" not in answer, answer
        after = slots(stack.settings.var_dir, chat.sender)
        assert after["participants"] == 4 and after["multiple_functions"] is True
