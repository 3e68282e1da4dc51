"""A German conversation over REST from greeting to confirmed lead, checked where the user and the
consultant see it: the bot's replies, the leads database, the brief by e-mail, and `leads export`."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from advisor.criteria import NAMES as CRITERIA
from tests.support import ROOT
from tests.support.chat import RestChat
from tests.support.chat import lead_rows as lead_row


def buttons(messages):
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def test_from_greeting_to_confirmed_lead(stack, mailbox):
    chat = RestChat(stack.rasa_url)
    assert "Assistent" in chat.texts(chat.say("Hallo"))
    start = chat.say("Welches Format passt zu uns?")
    assert "Wie viele Personen" in chat.texts(start)
    assert "Nur ich" in buttons(start)
    assert "Funktionsbereichen" in chat.texts(chat.say("wir sind zu dritt"))
    assert "leisten" in chat.texts(chat.say("aus Marketing und Vertrieb"))
    assert "zugeschnitten" in chat.texts(chat.say("wir wollen eine Strategie entwickeln"))
    settled = chat.texts(chat.say('/inform{"choice": "yes"}'))
    assert "eindeutig" in settled and "Erfahrungen" in settled  # the format cannot flip: fewer questions
    typed = chat.texts(chat.say("haben schon ein bisschen auf Facebook gepostet"))
    assert "Notiert: erste Schritte gemacht, Anwenderkenntnisse sind da." in typed and "Haltung" in typed
    assert "Anwenderkenntnisse" not in chat.texts(chat.say("ja")).split("Notiert")[0]  # not asked again
    result = chat.say("nein, eine Strategie haben wir noch nicht")
    text = chat.texts(result)
    assert "Workshop" in text and "Gründe" in text and "learning by doing" in text and "Strategiephase" in text
    assert "operativen" not in text  # no strategy: never the operative phase
    assert {"Rückruf vereinbaren", "Mehr zum Workshop", "Frage stellen"} <= set(buttons(result))

    consent = chat.say("/request_callback")
    assert "einverstanden" in chat.texts(consent) and "datenschutz" in chat.texts(consent)
    assert lead_row(stack, chat.sender) == []  # nothing stored before consent
    assert "heißen" in chat.texts(chat.say('/inform{"choice": "yes"}'))
    assert "Unternehmen" in chat.texts(chat.say("Ich heiße Anna Müller"))
    assert "E-Mail" in chat.texts(chat.say("Bäckerei Schulze GmbH"))
    assert "nicht zu stimmen" in chat.texts(chat.say("anna at schulze"))
    assert "Telefonnummer" in chat.texts(chat.say("Anna.Mueller@Baeckerei-Schulze.de"))
    assert "Wann oder wie" in chat.texts(chat.say("0171 2345678"))
    summary = chat.texts(chat.say("am liebsten vormittags"))
    assert "Anna Müller" in summary and "•••5678" in summary and "A•••@baeckerei-schulze.de" in summary
    assert "+491712345678" not in summary and "Stimmt alles?" in summary
    done = chat.texts(chat.say("ja"))
    assert "Vielen Dank!" in done and "Anna Müller" not in done  # no thanks with the full name

    rows = lead_row(stack, chat.sender)
    assert len(rows) == 1
    lead = rows[0]
    assert (lead["name"], lead["company"], lead["email"], lead["phone"]) == (
        "Anna Müller", "Bäckerei Schulze GmbH", "Anna.Mueller@baeckerei-schulze.de", "+491712345678")
    assert lead["recommendation"] == "workshop" and lead["phase"] == "strategy" and lead["channel"] == "rest"
    criteria = json.loads(lead["criteria"])
    assert {k: criteria[k] for k in CRITERIA} == {
        "participants": 3.0, "multiple_functions": True, "goals": ["strategy"], "specific_approach": True,
        "experience": "first_steps", "broaden": None, "attitude_formed": True, "decision_made": None,
        "need_recognised": None, "cross_functional": None, "platform_knowledge": True, "strategy_exists": False,
        "strategy_parts": None}
    assert criteria["departments"] == ["Marketing", "Vertrieb"]
    assert len(json.loads(lead["reasons"])) >= 3
    assert lead["consent_at"] and lead["consent_version"]

    briefs = mailbox.wait_for(lambda m: "Anna Müller" in m.get_content())
    assert len(briefs) == 1, "the brief must arrive exactly once"
    body = briefs[0].get_content()
    assert briefs[0]["To"] == "berater@example.com"
    assert "Workshop" in body and "Strategiephase" in body and "Marketing" in body

    # a second confirmation (callback asked again) updates the same lead, never a duplicate
    again = chat.say("/request_callback")
    assert "Stimmt alles?" in chat.texts(again)
    chat.say("ja")
    assert len(lead_row(stack, chat.sender)) == 1

    env = {**os.environ, "VAR_DIR": str(stack.settings.var_dir)}
    out = subprocess.run([sys.executable, "-m", "leads.cli", "export", "--format", "json"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    exported = [e for e in json.loads(out.stdout) if e["conversation_id"] == chat.sender]
    assert len(exported) == 1
    assert exported[0]["email"] == "Anna.Mueller@baeckerei-schulze.de"
    assert exported[0]["recommendation"] == "workshop" and exported[0]["criteria"]["goals"] == ["strategy"]


def test_refused_consent_leaves_no_personal_data(stack):
    chat = RestChat(stack.rasa_url)
    chat.say("Ich möchte mit einem Menschen sprechen")
    reply = chat.texts(chat.say("nein"))
    assert "ohne Ihre Einwilligung speichere ich keine" in reply
    chat.say("Max Mustermann, max@example.org")
    assert lead_row(stack, chat.sender) == []


def test_hostile_values_are_stored_verbatim_and_crash_nothing(stack):
    chat = RestChat(stack.rasa_url)
    chat.say("/request_callback")
    chat.say('/inform{"choice": "yes"}')
    # as long as MAX_MESSAGE_CHARS (2000) allows; a longer message gets the notice (tests/reliability)
    name = "Robert'); DROP TABLE leads;-- <script>alert(1)</script> 🙂 مرحبا " + "x" * 1930
    assert len(name) <= 2000
    assert "Unternehmen" in chat.texts(chat.say(name))
    chat.say("<img src=x onerror=alert(1)> GmbH")
    chat.say("bobby@example.org")
    chat.say("keine")
    chat.say("egal")
    assert "Vielen Dank" in chat.texts(chat.say("ja"))
    rows = lead_row(stack, chat.sender)
    assert len(rows) == 1
    assert rows[0]["name"].startswith("Robert'); DROP TABLE leads;-- <script>alert(1)</script> 🙂 مرحبا")
    assert rows[0]["company"] == "<img src=x onerror=alert(1)> GmbH"


def test_deletion_in_the_chat_removes_lead_and_conversation(stack):
    chat = RestChat(stack.rasa_url)
    chat.say("/request_callback")
    chat.say('/inform{"choice": "yes"}')
    for answer in ("Erika Muster", "Muster AG", "erika@example.org", "keine", "egal", "ja"):
        chat.say(answer)
    assert len(lead_row(stack, chat.sender)) == 1
    assert "löschen" in chat.texts(chat.say("Bitte löschen Sie meine Daten"))
    assert "gelöscht" in chat.texts(chat.say("ja"))
    assert lead_row(stack, chat.sender) == []
    with sqlite3.connect(stack.settings.var_dir / "rasa.db") as db:
        rows = db.execute("select data from events where sender_id = ?", (chat.sender,)).fetchall()
    assert not any("Erika" in r[0] or "erika@example.org" in r[0] for r in rows)
