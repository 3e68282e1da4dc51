"""Prospect text shown back is never markup, against the real servers (rasa_addons/nlg.py, advisor/markup.py).

A name ``[Sitzung abgelaufen – bitte hier neu anmelden](https://evil.example/phish)`` was shown back in the
contact summary as a clickable link in the widget (which renders Markdown). Now every value the prospect typed
is escaped for the output channel before it is put into a response; the lead keeps what was typed.
"""
from __future__ import annotations

from advisor.markup import escape_markdown
from tests.support.chat import RestChat, lead_rows

PHISH = "[Sitzung abgelaufen – bitte hier neu anmelden](https://evil.example/phish)"
COMPANY = "**Dringend** ![x](https://evil.example/p.png) GmbH"
PREFERRED = "vormittags <https://evil.example/a> _bitte_"


def test_the_contact_summary_shows_typed_markup_literally(assistant):
    chat = RestChat(assistant.rasa_url)
    chat.say("Hallo")
    chat.say("/request_callback")
    assert "heißen" in chat.texts(chat.say('/inform{"choice": "yes"}'))
    assert "Unternehmen" in chat.texts(chat.say(PHISH))
    assert "E-Mail" in chat.texts(chat.say(COMPANY))
    assert "Telefonnummer" in chat.texts(chat.say("anna.mueller@example.org"))
    assert "Wann oder wie" in chat.texts(chat.say("0171 2345678"))
    summary = chat.texts(chat.say(PREFERRED))
    assert "Bitte prüfen Sie Ihre Angaben" in summary
    assert f"Name: {escape_markdown(PHISH)}\n" in summary
    assert f"Unternehmen: {escape_markdown(COMPANY)}\n" in summary
    assert f"Erreichbarkeit: {escape_markdown(PREFERRED)}\n" in summary
    for raw in (PHISH, COMPANY, PREFERRED, "](https://", "![x]", "**Dringend", "<https://", " _bitte_"):
        assert raw not in summary, raw
    chat.say("ja")
    rows = lead_rows(assistant.stack, chat.sender)
    assert len(rows) == 1
    # the lead (brief, e-mail, export: plain text) keeps exactly what was typed
    assert (rows[0]["name"], rows[0]["company"], rows[0]["preferred_contact"]) == (PHISH, COMPANY, PREFERRED)
