"""Redaction of personal data in serialised Rasa events (rasa_addons.privacy, advisor.german.pii)."""
from __future__ import annotations

from advisor.german.pii import PLACEHOLDER, mask_email, mask_phone, redact
from rasa_addons import privacy


def test_redact_blanks_contact_data_and_keeps_the_rest():
    text = ("Ich bin Jana Roth von der Roth Haustechnik GmbH, jana.roth@roth-haustechnik.de, 0911 334455. "
            "Wir sind zu viert und wollen eine Strategie.")
    out = redact(text)
    for value in ("Jana", "Roth", "Haustechnik", "jana.roth", "334455"):
        assert value not in out
    assert "Wir sind zu viert und wollen eine Strategie." in out
    assert redact("Max Mustermann, max@example.org") == f"{PLACEHOLDER}, {PLACEHOLDER}"
    assert redact("wir sind zu dritt") == "wir sind zu dritt"
    assert redact("Erika Muster", ["Erika Muster"]) == PLACEHOLDER


def test_user_event_before_consent_is_redacted_in_text_parse_data_and_entities():
    event = {"event": "user", "text": "max@example.org", "timestamp": 1.0,
             "parse_data": {"text": "max@example.org", "intent": {"name": "inform"},
                            "entities": [{"entity": "email", "value": "max@example.org", "start": 0, "end": 15}]}}
    out = privacy.redact_event(event)
    assert "max@" not in str(out)
    assert out["parse_data"]["intent"] == {"name": "inform"} and out["parse_data"]["entities"][0]["entity"] == "email"
    assert event["text"] == "max@example.org"  # the original is untouched


def test_scrub_replaces_contact_form_answers_and_slot_values():
    answer = {"event": "user", "text": "Erika Musterfrau", "parse_data": {"text": "Erika Musterfrau", "entities": []}}
    assert privacy.scrub_event(answer, in_contact_form=True)["text"] == PLACEHOLDER
    slot = {"event": "slot", "name": "contact_name", "value": "Erika Musterfrau"}
    assert privacy.scrub_event(slot)["value"] is None
    bot = {"event": "bot", "text": "Bitte prüfen Sie Ihre Angaben:\nName: Erika Musterfrau"}
    assert "Erika" not in privacy.scrub_event(bot, ["Erika Musterfrau"])["text"]


def test_erasure_trigger():
    assert privacy.erasure_trigger([{"event": "slot", "name": "consent", "value": False}])
    assert privacy.erasure_trigger([{"event": "action", "name": "utter_contact_cancelled"}])
    assert not privacy.erasure_trigger([{"event": "slot", "name": "consent", "value": True}])


def test_masking():
    assert mask_email("erika@beispiel.de") == "e•••@beispiel.de"
    assert mask_phone("+491712345678") == "•••5678"
    assert mask_phone("–") == "–"


def test_the_consultants_own_name_and_address_stay_in_the_bots_texts():
    consultant = privacy.consultant_values()
    assert consultant  # from offer.yml
    name = consultant[0]
    text = f"Guten Tag! Ich bin der digitale Assistent von {name} – ein Chatbot, kein Mensch. Danke, Jana Roth."
    out = privacy.redact_event({"event": "bot", "text": text}, ["Jana Roth"])
    assert name in out["text"] and "Jana" not in out["text"] and "Roth" not in out["text"]
    # typed by the prospect, a name is blanked as before
    typed = privacy.redact_event({"event": "user", "text": "Ich bin Jana Roth, 0171 2345678"})
    assert "Jana" not in typed["text"] and "2345678" not in typed["text"]
