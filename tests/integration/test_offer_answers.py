"""Practical questions answered from the offer file over REST with the real servers: price twice (the second
answer shorter with a callback button), the next open seminar date, online; outside and inside the
qualification form (answer, then "weitermachen?", and the form goes on); the questions end up in the lead
and in the consultant's brief."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

from actions import texts
from advisor.offer import load_offer
from config import get_settings
from tests.support.chat import RestChat

OFFER = load_offer(get_settings().offer_file)
WORKSHOP_PRICE = texts.price_text(OFFER.formats["workshop"].price)  # "ab 2.400 €" in the example file
NAME = OFFER.consultant.name


def next_open_seminar() -> str:
    upcoming = OFFER.formats["open_seminar"].upcoming_dates(dt.date.today())
    return f"{upcoming[0].date:%d.%m.%Y}" if upcoming else "keine neuen Termine"


def buttons(messages):
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def lead_criteria(stack, conversation_id):
    path = stack.settings.var_dir / "leads.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("select criteria from leads where conversation_id = ?", (conversation_id,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def assert_price_twice(chat: RestChat) -> tuple[str, str]:
    first = chat.texts(chat.say("Was kostet ein Workshop?"))
    assert WORKSHOP_PRICE in first and "Erstgespräch" in first
    second_messages = chat.say("Was kostet ein Workshop?")
    second = chat.texts(second_messages)
    assert WORKSHOP_PRICE in second
    assert second.split("\n")[0] != first.split("\n")[0], "the same text twice in a row"
    assert len(second.split("\nMöchten Sie mit")[0]) < len(first)
    assert NAME in second and "/request_callback" in buttons(second_messages)
    return first, second


def test_offer_questions_outside_the_form(chat: RestChat):
    chat.say("Hallo")
    assert_price_twice(chat)
    dates = chat.texts(chat.say("Wann ist das nächste offene Seminar?"))
    assert next_open_seminar() in dates
    online = chat.texts(chat.say("Geht das auch online?"))
    assert "online" in online and "vor Ort" in online
    third = chat.texts(chat.say("Was kostet ein Workshop?"))
    assert WORKSHOP_PRICE in third and "Kurz gesagt" not in third  # worded differently from the second time


def test_offer_questions_inside_the_form_then_the_form_goes_on(chat: RestChat):
    start = chat.texts(chat.say("Welches Format passt zu uns?"))
    assert "Wie viele Personen" in start
    first, second = assert_price_twice(chat)
    assert "Möchten Sie mit den Fragen zur Formatwahl weitermachen?" in first
    assert "Möchten Sie mit den Fragen zur Formatwahl weitermachen?" in second
    assert "Wie viele Personen" in chat.texts(chat.say("ja"))
    dates = chat.texts(chat.say("Wann ist das nächste offene Seminar?"))
    assert next_open_seminar() in dates and "weitermachen?" in dates
    assert "Wie viele Personen" in chat.texts(chat.say("ja"))
    online = chat.texts(chat.say("Geht das auch online?"))
    assert "online" in online and "weitermachen?" in online
    assert "Funktionsbereichen" in chat.texts(chat.say("wir sind zu dritt"))


def test_the_questions_are_in_the_lead_and_the_brief(stack, mailbox):
    chat = RestChat(stack.rasa_url)
    chat.say("Was kostet ein Workshop?")
    chat.say("Was kostet ein Workshop?")
    chat.say("Geht das auch online?")
    assert "einverstanden" in chat.texts(chat.say("/request_callback"))
    chat.say('/inform{"choice": "yes"}')
    chat.say("Ich heiße Clara Offerfrage")
    chat.say("Probe GmbH")
    chat.say("clara.offerfrage@example.org")
    chat.say("keine")
    chat.say("egal")
    done = chat.texts(chat.say("ja"))
    assert "Vielen Dank!" in done and "Clara" not in done and NAME in done
    [criteria] = lead_criteria(stack, chat.sender)
    asked = criteria["prospect_questions"]
    assert [q["topics"] for q in asked] == [["price"], ["price"], ["online"]]
    assert asked[0]["format"] == "workshop" and asked[0]["text"] == "Was kostet ein Workshop?"
    briefs = mailbox.wait_for(lambda m: "Clara Offerfrage" in m.get_content())
    assert briefs, "the brief did not arrive"
    body = briefs[0].get_content()
    assert "FRAGEN UND EINWÄNDE IM CHAT" in body
    assert "Preis (Workshop): „Was kostet ein Workshop?“ – 2× gefragt" in body
    assert "online oder vor Ort: „Geht das auch online?“" in body
