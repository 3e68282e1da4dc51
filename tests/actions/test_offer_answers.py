"""The answer actions with a real Tracker: offer questions from the offer file, repeated topics shorter and
worded differently with a callback button, other questions with their response, and every question and
objection recorded in ``prospect_questions`` for the brief."""
from __future__ import annotations

import asyncio

import yaml

from actions.actions import ActionAnswerDigression, ActionAnswerFaq, ActionAnswerOffer, ActionSessionStart
from advisor.offer import load_offer
from config import get_settings
from tests.support.trackers import make_tracker, slot_events

OFFER = load_offer(get_settings().offer_file)


def run(action, tracker, dispatcher, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def faq(key: str) -> dict:
    return {"faq": {"response": {"utter_action": f"utter_faq/{key}"}}}


def test_price_twice_second_is_shorter_with_a_callback_button(dispatcher, domain):
    tracker = make_tracker("Was kostet ein Workshop?", intent="ask_price")
    events = run(ActionAnswerOffer(), tracker, dispatcher, domain)
    first = dispatcher.messages[-1]["text"]
    assert "ab 2.400 €" in first and not dispatcher.messages[-1]["buttons"]
    asked = slot_events(events)["prospect_questions"]
    assert asked == [{"kind": "question", "topics": ["price"], "format": "workshop",
                      "text": "Was kostet ein Workshop?"}]

    events2 = [{"event": "bot", "text": first}]
    again = make_tracker("Was kostet ein Workshop?", intent="ask_price", slots={"prospect_questions": asked},
                         events=events2)
    run(ActionAnswerOffer(), again, dispatcher, domain)
    second = dispatcher.messages[-1]
    assert second["text"] != first and len(second["text"]) < len(first) and "ab 2.400 €" in second["text"]
    assert {"title": "Rückruf vereinbaren", "payload": "/request_callback"} in second["buttons"]

    third = make_tracker("Was kostet ein Workshop?", intent="ask_price", slots={"prospect_questions": asked * 2},
                         events=events2 + [{"event": "bot", "text": second["text"]}])
    run(ActionAnswerOffer(), third, dispatcher, domain)
    assert dispatcher.messages[-1]["text"] not in (first, second["text"])


def test_after_the_lead_is_saved_no_callback_is_offered_again(dispatcher, domain):
    asked = [{"kind": "question", "topics": ["online"], "text": "Geht das online?"}]
    tracker = make_tracker("Geht das auch online?", intent="faq", response_selector=faq("dates_location"),
                           slots={"prospect_questions": asked, "lead_saved": True})
    run(ActionAnswerFaq(), tracker, dispatcher, domain)
    assert not dispatcher.messages[-1]["buttons"] and OFFER.consultant.name in dispatcher.messages[-1]["text"]


def test_dates_come_from_the_file(dispatcher, domain):
    tracker = make_tracker("Wann ist das nächste offene Seminar?", intent="faq", response_selector=faq("dates_location"))
    run(ActionAnswerFaq(), tracker, dispatcher, domain)
    text = dispatcher.messages[-1]["text"]
    upcoming = OFFER.formats["open_seminar"].upcoming_dates()
    assert (f"{upcoming[0].date:%d.%m.%Y}" if upcoming else "keine neuen Termine") in text


def test_funding_in_house_and_first_call(dispatcher, domain):
    run(ActionAnswerFaq(), make_tracker("Gibt es Fördermittel?", intent="faq", response_selector=faq("funding")),
        dispatcher, domain)
    assert "Förderung" in dispatcher.messages[-1]["text"]
    run(ActionAnswerFaq(), make_tracker("Kommen Sie zu uns?", intent="faq", response_selector=faq("in_house")),
        dispatcher, domain)
    assert "Inhouse-Seminar und Workshop" in dispatcher.messages[-1]["text"]
    run(ActionAnswerOffer(), make_tracker("Ist das Erstgespräch kostenlos?", intent="ask_price"), dispatcher, domain)
    assert "kostenlos" in dispatcher.messages[-1]["text"] and "€" not in dispatcher.messages[-1]["text"]


def test_other_faq_keys_keep_their_response_and_are_recorded(dispatcher, domain):
    tracker = make_tracker("Was ist die POST-Methode?", intent="faq", response_selector=faq("post_method"))
    events = run(ActionAnswerFaq(), tracker, dispatcher, domain)
    assert dispatcher.messages[-1]["response"] == "utter_faq/post_method"
    assert slot_events(events)["prospect_questions"][0]["topics"] == ["faq/post_method"]


def test_inside_the_form_the_price_is_answered_from_the_file(dispatcher, domain):
    tracker = make_tracker("was kostet das?", intent="ask_price", active_loop="qualification_form",
                           requested_slot="participants")
    events = run(ActionAnswerDigression(), tracker, dispatcher, domain)
    assert "Richtpreise" in dispatcher.messages[-1]["text"]
    assert slot_events(events)["prospect_questions"][0]["topics"] == ["price"]


def test_small_talk_inside_the_form_is_not_recorded(dispatcher, domain):
    tracker = make_tracker("hallo", intent="greet", active_loop="qualification_form")
    assert run(ActionAnswerDigression(), tracker, dispatcher, domain) == []


def test_a_button_payload_is_recorded_without_text(dispatcher, domain):
    events = run(ActionAnswerOffer(), make_tracker("/ask_price", intent="ask_price"), dispatcher, domain)
    assert "text" not in slot_events(events)["prospect_questions"][0]


def test_session_start_sets_the_name_from_the_file(dispatcher, domain, tmp_path, monkeypatch):
    data = yaml.safe_load(get_settings().offer_file.read_text(encoding="utf-8"))
    data["consultant"]["name"] = "Paula Anders"
    path = tmp_path / "offer.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("OFFER_FILE", str(path))
    events = run(ActionSessionStart(), make_tracker(), dispatcher, domain)
    assert slot_events(events)["consultant_name"] == "Paula Anders"
    run(ActionAnswerOffer(), make_tracker("Was kostet ein Seminar?", intent="ask_price"), dispatcher, domain)
    assert "Paula Anders" in dispatcher.messages[-1]["text"]


def test_a_correction_after_the_recommendation_is_recorded_as_an_objection(dispatcher, domain):
    from actions.actions import ActionResetQualification

    answers = {"participants": 12, "multiple_functions": True, "goals": ["strategy"], "specific_approach": True,
               "experience": "basic", "attitude_formed": True, "decision_made": True, "need_recognised": True,
               "cross_functional": True, "platform_knowledge": True, "strategy_exists": True,
               "strategy_parts": ["business_integration", "goals", "resources"]}
    tracker = make_tracker("Wir haben doch noch gar keine Strategie", intent="request_recommendation",
                           slots={**answers, "recommendation": "workshop", "phase": "operations"})
    events = run(ActionResetQualification(), tracker, dispatcher, domain)
    slots = slot_events(events)
    assert slots.get("strategy_exists") is False, slots
    assert slots["prospect_questions"] == [{"kind": "objection", "text": "Wir haben doch noch gar keine Strategie",
                                            "against": "workshop"}]
    assert slots["phase"] == "strategy"


def test_an_objection_restating_a_counted_answer_keeps_every_answer(dispatcher, domain):
    from actions.actions import ActionResetQualification

    answers = {"participants": 4, "multiple_functions": True, "goals": ["strategy"], "specific_approach": True,
               "experience": "basic", "attitude_formed": True, "platform_knowledge": False,
               "strategy_exists": False}
    tracker = make_tracker("Die Anwenderkenntnisse haben wir aber nicht. Passt dann nicht eher ein Seminar?",
                           intent="request_recommendation",
                           slots={**answers, "recommendation": "workshop", "phase": "information"})
    events = run(ActionResetQualification(), tracker, dispatcher, domain)
    slots = slot_events(events)
    assert all(slots.get(name, value) == value for name, value in answers.items())  # nothing reset
    assert slots["prospect_questions"][0]["kind"] == "objection"
    assert any("schon gesagt" in (m.get("text") or "") for m in dispatcher.messages)
    assert any("Anwenderkenntnisse" in (m.get("text") or "") for m in dispatcher.messages)
