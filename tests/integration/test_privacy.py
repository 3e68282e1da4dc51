"""Privacy over the real stack: no personal data in stored events before consent, nothing personal left after
a refusal or a cancelled contact form, and a later callback asks for consent again (see README "Privacy")."""
from __future__ import annotations

from tests.support.chat import RestChat, lead_rows
from tests.support.reliability import tracker_events


def stored(stack, sender: str) -> str:
    return "\n".join(data for _, data in tracker_events(stack.settings.var_dir, sender))


def test_contact_data_typed_before_consent_is_stored_redacted(stack):
    chat = RestChat(stack.rasa_url)
    chat.say("Ich bin Jana Roth von der Roth Haustechnik GmbH, jana.roth@roth-haustechnik.de, 0911 334455. "
             "Wir sind zu viert und wollen eine Strategie.")
    events = stored(stack, chat.sender)
    assert "Strategie" in events  # the rest of the message is kept
    for value in ("jana.roth@", "334455", "Jana", "Haustechnik"):
        assert value not in events, value


def test_refused_consent_leaves_nothing_personal(stack):
    chat = RestChat(stack.rasa_url)
    chat.say("Max Mustermann, max@example.org, 0171 2345678")
    chat.say("Ich möchte mit einem Menschen sprechen")
    assert "ohne Ihre Einwilligung" in chat.texts(chat.say("nein"))
    events = stored(stack, chat.sender)
    for value in ("max@example.org", "Mustermann", "2345678"):
        assert value not in events, value
    assert lead_rows(stack, chat.sender) == []


def test_cancelled_contact_form_leaves_nothing_and_asks_consent_again(stack):
    chat = RestChat(stack.rasa_url)
    chat.say("/request_callback")
    chat.say('/inform{"choice": "yes"}')
    for answer in ("Erika Musterfrau", "Musterwerk AG", "erika@example.org"):
        chat.say(answer)
    assert "nichts gespeichert" in chat.texts(chat.say("abbrechen"))
    events = stored(stack, chat.sender)
    for value in ("Erika", "Musterfrau", "Musterwerk", "erika@example.org"):
        assert value not in events, value
    again = chat.texts(chat.say("Rückruf bitte"))
    assert "einverstanden" in again and "Erika" not in again
    assert lead_rows(stack, chat.sender) == []


def test_no_personal_data_in_any_log(stack):
    chat = RestChat(stack.rasa_url)
    chat.say("/request_callback")
    chat.say('/inform{"choice": "yes"}')
    for answer in ("Lotte Logtest", "Logfirma Beispiel GmbH", "lotte.logtest@example.org", "0171 9876543", "egal",
                   "ja"):
        chat.say(answer)
    assert len(lead_rows(stack, chat.sender)) == 1
    logs = [p for p in stack.settings.var_dir.rglob("*") if p.is_file() and (p.suffix == ".log" or "logs" in p.parts)]
    assert logs
    for path in logs:
        text = path.read_text(errors="replace")
        for value in ("Logtest", "lotte.logtest", "9876543", "Logfirma"):
            assert value not in text, f"{value} in {path}"
