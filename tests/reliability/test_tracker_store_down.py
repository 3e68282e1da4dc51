"""Tracker store down (issue 14, faults), with a real PostgreSQL as the tracker store that is stopped mid-
conversation: the prospect gets a German apology (never a 5xx, never a conversation silently restarted in
memory), ``GET /webhooks/rest/health`` says 503 while the database is away, and once it is back the
conversation continues where it was (the form's next question, the answers given before)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.support import ROOT
from tests.support.chat import RestChat
from tests.support.postgres import PostgresServer, pg_bindir_or_skip
from tooling.stack import Stack, free_ports_env


def health(stack: Stack) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{stack.rasa_url}/webhooks/rest/health", timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer(pg_bindir_or_skip()).init()
    server.start()
    server.create_test_database()
    yield server
    server.destroy()


def test_apology_and_503_while_the_tracker_store_is_down_then_the_conversation_resumes(postgres, tmp_path):
    env = {**free_ports_env(tmp_path / "var"), "MODEL_PATH": str(ROOT / "models"),
           "TRACKER_STORE_URL": postgres.url()}
    with Stack(env=env, with_web=False) as stack:
        status, answer = health(stack)
        assert (status, answer["status"], answer["tracker_store"]) == (200, "ok", "ok")
        assert answer["model"].startswith("assistant-") and answer["fingerprint"], answer
        chat = RestChat(stack.rasa_url)
        chat.say("Hallo")
        assert "Wie viele Personen" in chat.texts(chat.say("Welches Format passt zu uns?"))

        postgres.stop()
        try:
            answer = chat.texts(chat.say("Wir sind zu viert"))  # RestChat asserts HTTP 200
            assert "Entschuldigung" in answer and "nicht speichern" in answer, answer
            assert "kontakt@beispiel-beratung.example" in answer
            status, body = health(stack)
            assert status == 503 and body["tracker_store"] == "unreachable", body
        finally:
            postgres.start()

        assert health(stack)[0] == 200
        # the same conversation, not a new one: the head-count question is still open and answered now
        answer = chat.texts(chat.say("Wir sind zu viert"))
        assert "Wie viele Personen" not in answer and "Hallo" not in answer and "Guten Tag" not in answer, answer
        assert "Funktionsbereich" in answer, answer  # the form goes on with its next question
